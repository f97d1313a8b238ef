/* store-sqlite-ledger-query.c: the ledger's scans in the SQLite engine:
 * the journal in order, the accounts with their kept balances, the payments
 * with the facts their state follows from, and the stored payment files.
 * What they mean (replay, verify, payment states) is decided in
 * src/store/ledger-replay.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "engine.h"
#include "sqlite-internal.h"

static enum bucket bucket_col(const struct sq_stmt *q, int col)
{
	const char *t = sq_text(q, col);
	return t ? (enum bucket)bucket_parse(t) : B_NONE;
}

int sq_event_scan(struct store *base, const char *as_of, engine_event_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (sq_query(&q, s,
		     "SELECT e.seq, e.id, e.kind, e.part_id, e.org_id, e.amount, e.from_bucket, e.to_bucket, e.date, "
		     " e.actor, coalesce(e.ref_seq, 0), r.kind "
		     "FROM ledger_event e LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
		     "WHERE ?1 IS NULL OR e.date <= ?1 ORDER BY e.seq",
		     "replaying the journal", err, SQ_T(as_of)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		const char *rkind = sq_text(&q, 11);
		struct engine_event e = {
			.seq = sq_i64(&q, 0),
			.id = sq_text(&q, 1),
			.kind = (enum event_kind)event_kind_parse(sq_text(&q, 2)),
			.part_id = sq_i64(&q, 3),
			.org_id = sq_i64(&q, 4),
			.amount = sq_i64(&q, 5),
			.from = bucket_col(&q, 6),
			.to = bucket_col(&q, 7),
			.date = sq_text(&q, 8),
			.actor = sq_text(&q, 9),
			.ref_seq = sq_i64(&q, 10),
			.ref_kind = rkind ? event_kind_parse(rkind) : -1,
		};
		if (fn(ctx, &e))
			return sq_stop(&q, -1);
	}
	return rc;
}

int sq_account_scan(struct store *base, const char *dnr, const char *part, const char *recipient,
		    enum engine_account_order order, engine_account_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	static const char *const select =
		"SELECT d.dnr, p.code, p.title, o.code, o.name, p.id, "
		" p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date, "
		" p.repayment_deadline, p.report_deadline, a.amount, "
		" b.avail, b.requisitioned, b.registered, b.attested, b.paid, b.lapsed, b.claimed, b.repaid, b.reports, "
		" b.last_date, o.id, "
		" (SELECT min(ap.budget_year) FROM part_funding pf JOIN appropriation ap ON ap.id = pf.appropriation_id "
		"  WHERE pf.part_id = p.id), coalesce(b.last_seq, 0), b.allocated, p.amount "
		"FROM allocation a JOIN part p ON p.id = a.part_id JOIN decision d ON d.id = p.decision_id "
		"JOIN org o ON o.id = a.org_id LEFT JOIN ledger_balance b ON b.part_id = a.part_id AND b.org_id = a.org_id "
		"WHERE (?1 IS NULL OR d.dnr = ?1) AND (?2 IS NULL OR p.code = ?2) AND (?3 IS NULL OR o.code = ?3) ";
	char sqlbuf[2048];
	snprintf(sqlbuf, sizeof(sqlbuf), "%s%s", select,
		 order == ACCOUNTS_BY_ID ? "ORDER BY a.part_id, a.org_id" : "ORDER BY d.date, d.dnr, p.ord, a.ord");
	struct sq_stmt q, fund;
	if (sq_query(&q, s, sqlbuf, "reading accounts", err, SQ_T(dnr), SQ_T(part), SQ_T(recipient)))
		return -1;
	if (sq_prepare(&fund, s,
		       "SELECT ap.budget_year, ap.uo, ap.anslag, ap.post, ap.post_name, pf.amount "
		       "FROM part_funding pf JOIN appropriation ap ON ap.id = pf.appropriation_id "
		       "WHERE pf.part_id = ?1 ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post",
		       "reading a part's funding", err))
		return sq_stop(&q, -1);
	struct part_funding_row *frows = NULL;
	size_t nf = 0;
	int64_t fpart = -1;
	struct strpool fpool;
	strpool_init(&fpool);
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct ledger_terms t;
		sq_terms_from_row(&q, 6, &t);
		int64_t part_id = sq_i64(&q, 5);
		if (part_id != fpart) {
			/* The rows come part by part (in the decision order): load
			 * each part's funding once. */
			strpool_release(&fpool);
			strpool_init(&fpool);
			nf = 0;
			fpart = part_id;
			int frc;
			if (sq_bind(&fund, SQ_I(part_id))) {
				rc = sq_stop(&q, -1);
				break;
			}
			while ((frc = sq_row(&fund)) > 0) {
				frows = xreallocarray(frows, nf + 1, sizeof(*frows));
				frows[nf++] = (struct part_funding_row){
					.budget_year = sq_int(&fund, 0),
					.uo = sq_int(&fund, 1),
					.anslag = strpool_strdup(&fpool, sq_text(&fund, 2)),
					.post = sq_int(&fund, 3),
					.post_name = strpool_strdup(&fpool, sq_text(&fund, 4)),
					.amount = sq_i64(&fund, 5),
				};
			}
			if (frc < 0) {
				rc = sq_stop(&q, -1);
				break;
			}
		}
		struct ledger_balance bal;
		memset(&bal, 0, sizeof(bal));
		bool has_balance = !sq_isnull(&q, 29);
		if (has_balance) {
			bal.allocated = sq_i64(&q, 29);
			for (int b = 0; b < B_COUNT; b++)
				bal.b[b] = sq_i64(&q, 16 + b);
			bal.reports = sq_int(&q, 24);
			snprintf(bal.last_date, DATE_LEN, "%s", sq_text(&q, 25) ? sq_text(&q, 25) : "");
		}
		struct engine_account a = {
			.part_id = part_id,
			.org_id = sq_i64(&q, 26),
			.dnr = sq_text(&q, 0),
			.part = sq_text(&q, 1),
			.part_title = sq_text(&q, 2),
			.recipient = sq_text(&q, 3),
			.recipient_name = sq_text(&q, 4),
			.terms = &t,
			.allocation = sq_i64(&q, 15),
			.part_amount = sq_i64(&q, 30),
			.has_balance = has_balance,
			.balance = &bal,
			.last_seq = sq_i64(&q, 28),
			.repayment_deadline = sq_text(&q, 13),
			.report_deadline = sq_text(&q, 14),
			.budget_year = sq_int(&q, 27),
			.nfunding = nf,
			.funding = frows,
		};
		if (fn(ctx, &a)) {
			rc = sq_stop(&q, -1);
			break;
		}
	}
	sq_finalize(&fund);
	free(frows);
	strpool_release(&fpool);
	return rc < 0 ? -1 : 0;
}

int sq_payment_scan(struct store *base, engine_payment_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	/* The payee and account are those recorded with the payment when it
	 * was registered (and attested): not whatever the register says now. */
	struct sq_stmt q;
	if (sq_query(&q, s,
		     "WITH pay AS (SELECT e.*, "
		     "  EXISTS (SELECT 1 FROM ledger_event a WHERE a.ref_seq = e.seq AND a.kind = 'attest' AND NOT EXISTS "
		     "   (SELECT 1 FROM ledger_event c WHERE c.ref_seq = a.seq AND c.kind = 'correction')) AS attested, "
		     "  (SELECT x.batch FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_batch, "
		     "  (SELECT x.date FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_date, "
		     /* A payment the bank rejected or returned is void as a corrected one is. */
		     "  EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = e.seq AND (c.kind = 'correction' "
		     "   OR c.kind = 'bank-reject' OR c.kind = 'bank-return')) AS corrected "
		     " FROM ledger_event e WHERE e.kind = 'payment') "
		     "SELECT e.id, d.dnr, p.code, o.code, o.name, json_extract(e.detail, '$.payee.name'), "
		     " json_extract(e.detail, '$.payee.orgnr'), e.amount, e.date, json_extract(e.detail, '$.payee.bankgiro'), "
		     " json_extract(e.detail, '$.payee.plusgiro'), json_extract(e.detail, '$.payee.reference'), e.actor, "
		     " e.exec_date, e.attested, e.exec_batch, e.corrected, json_extract(e.detail, '$.override') "
		     "FROM pay e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
		     "JOIN org o ON o.id = e.org_id ORDER BY e.seq",
		     "reading payments", err))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_payment p = {
			.row = {
				.id = sq_text(&q, 0),
				.dnr = sq_text(&q, 1),
				.part = sq_text(&q, 2),
				.recipient = sq_text(&q, 3),
				.recipient_name = sq_text(&q, 4),
				.payee_name = sq_text(&q, 5) ? sq_text(&q, 5) : sq_text(&q, 4),
				.orgnr = sq_text(&q, 6),
				.amount = sq_i64(&q, 7),
				.date = sq_text(&q, 8),
				.bankgiro = sq_text(&q, 9),
				.plusgiro = sq_text(&q, 10),
				.reference = sq_text(&q, 11),
				.registered_by = sq_text(&q, 12),
				.exec_date = sq_text(&q, 13),
				.override = sq_text(&q, 17),
			},
			.attested = sq_int(&q, 14) != 0,
			.exec_batch = sq_text(&q, 15),
			.corrected = sq_int(&q, 16) != 0,
		};
		if (fn(ctx, &p))
			return sq_stop(&q, -1);
	}
	return rc;
}

int sq_ledger_events(struct store *base, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (sq_query(&q, s,
		     "SELECT e.seq, e.id, e.kind, d.dnr, p.code, o.code, e.date, e.actor, e.from_bucket, "
		     " e.to_bucket, r.id, e.batch, e.detail, e.recorded, e.amount "
		     "FROM ledger_event e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
		     "JOIN org o ON o.id = e.org_id LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
		     "WHERE ?1 IS NULL OR d.dnr = ?1 ORDER BY e.seq",
		     "reading the journal", err, SQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct ledger_row r = {
			.seq = sq_i64(&q, 0),     .id = sq_text(&q, 1),        .kind = sq_text(&q, 2),
			.dnr = sq_text(&q, 3),    .part = sq_text(&q, 4),      .recipient = sq_text(&q, 5),
			.date = sq_text(&q, 6),   .actor = sq_text(&q, 7),     .from = sq_text(&q, 8),
			.to = sq_text(&q, 9),     .ref = sq_text(&q, 10),      .batch = sq_text(&q, 11),
			.detail = sq_text(&q, 12), .recorded = sq_text(&q, 13), .amount = sq_i64(&q, 14),
		};
		if (fn(ctx, &r))
			return sq_stop(&q, -1);
	}
	return rc;
}

int sq_batch_file(struct store *base, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s, "SELECT file FROM pay_batch WHERE id = ?1 AND format = ?2", "reading a payment file",
			  err, SQ_T(batch), SQ_T(format));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*len = (size_t)sqlite3_column_bytes(q.st, 0);
	*data = xmalloc(*len + 1);
	if (*len)
		memcpy(*data, sqlite3_column_blob(q.st, 0), *len);
	(*data)[*len] = '\0';
	return sq_stop(&q, 0);
}

int sq_batch_file_put(struct store *base, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (sq_prepare(&q, s,
		       "INSERT INTO pay_batch (id, format, created, payments, total, file, sha256) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		       "storing a payment file", err))
		return -1;
	char now[32], hex[65];
	unsigned char h[32];
	now_iso(now, sizeof(now));
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	int rc = sq_bind(&q, SQ_T(batch), SQ_T(format), SQ_T(now), SQ_I(payments), SQ_I(total), SQ_NULL, SQ_T(hex));
	if (rc == 0 && sqlite3_bind_blob(q.st, 6, data, (int)len, SQLITE_TRANSIENT) != SQLITE_OK)
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), "storing a payment file", err);
	if (rc == 0 && sqlite3_step(q.st) != SQLITE_DONE)
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), "storing a payment file", err);
	sq_finalize(&q);
	return rc;
}
