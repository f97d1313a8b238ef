/* store-pg-ledger-query.c: the ledger's scans in the PostgreSQL engine:
 * the journal in order, the accounts with their kept balances, the payments
 * with the facts their state follows from, and the stored payment files.
 * What they mean (replay, verify, payment states) is decided in
 * src/store/ledger-replay.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "engine.h"
#include "pg-internal.h"

static enum bucket bucket_col(const struct pq_stmt *q, int col)
{
	const char *t = pq_text(q, col);
	return t ? (enum bucket)bucket_parse(t) : B_NONE;
}

int pq_event_scan(struct store *base, const char *as_of, engine_event_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (pq_query(&q, s,
		     "SELECT e.seq, e.id, e.kind, e.part_id, e.org_id, e.amount, e.from_bucket, e.to_bucket, e.date, "
		     " e.actor, coalesce(e.ref_seq, 0), r.kind "
		     "FROM ledger_event e LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
		     "WHERE $1 IS NULL OR e.date <= $1 ORDER BY e.seq",
		     "replaying the journal", err, PQ_T(as_of)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		const char *rkind = pq_text(&q, 11);
		struct engine_event e = {
			.seq = pq_i64(&q, 0),
			.id = pq_text(&q, 1),
			.kind = (enum event_kind)event_kind_parse(pq_text(&q, 2)),
			.part_id = pq_i64(&q, 3),
			.org_id = pq_i64(&q, 4),
			.amount = pq_i64(&q, 5),
			.from = bucket_col(&q, 6),
			.to = bucket_col(&q, 7),
			.date = pq_text(&q, 8),
			.actor = pq_text(&q, 9),
			.ref_seq = pq_i64(&q, 10),
			.ref_kind = rkind ? event_kind_parse(rkind) : -1,
		};
		if (fn(ctx, &e))
			return pq_stop(&q, -1);
	}
	return rc;
}

int pq_account_scan(struct store *base, const char *dnr, const char *part, const char *recipient,
		    enum engine_account_order order, engine_account_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
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
		"WHERE ($1 IS NULL OR d.dnr = $1) AND ($2 IS NULL OR p.code = $2) AND ($3 IS NULL OR o.code = $3) ";
	char sqlbuf[2048];
	snprintf(sqlbuf, sizeof(sqlbuf), "%s%s", select,
		 order == ACCOUNTS_BY_ID ? "ORDER BY a.part_id, a.org_id" : "ORDER BY d.date, d.dnr, p.ord, a.ord");
	struct pq_stmt q, fund;
	if (pq_query(&q, s, sqlbuf, "reading accounts", err, PQ_T(dnr), PQ_T(part), PQ_T(recipient)))
		return -1;
	if (pq_prepare(&fund, s,
		       "SELECT ap.budget_year, ap.uo, ap.anslag, ap.post, ap.post_name, pf.amount "
		       "FROM part_funding pf JOIN appropriation ap ON ap.id = pf.appropriation_id "
		       "WHERE pf.part_id = $1 ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post",
		       "reading a part's funding", err))
		return pq_stop(&q, -1);
	struct part_funding_row *frows = NULL;
	size_t nf = 0;
	int64_t fpart = -1;
	struct strpool fpool;
	strpool_init(&fpool);
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct ledger_terms t;
		pq_terms_from_row(&q, 6, &t);
		int64_t part_id = pq_i64(&q, 5);
		if (part_id != fpart) {
			/* The rows come part by part (in the decision order): load
			 * each part's funding once. */
			strpool_release(&fpool);
			strpool_init(&fpool);
			nf = 0;
			fpart = part_id;
			int frc;
			if (pq_bind(&fund, PQ_I(part_id))) {
				rc = pq_stop(&q, -1);
				break;
			}
			while ((frc = pq_row(&fund)) > 0) {
				frows = xreallocarray(frows, nf + 1, sizeof(*frows));
				frows[nf++] = (struct part_funding_row){
					.budget_year = pq_int(&fund, 0),
					.uo = pq_int(&fund, 1),
					.anslag = strpool_strdup(&fpool, pq_text(&fund, 2)),
					.post = pq_int(&fund, 3),
					.post_name = strpool_strdup(&fpool, pq_text(&fund, 4)),
					.amount = pq_i64(&fund, 5),
				};
			}
			if (frc < 0) {
				rc = pq_stop(&q, -1);
				break;
			}
		}
		struct ledger_balance bal;
		memset(&bal, 0, sizeof(bal));
		bool has_balance = !pq_isnull(&q, 29);
		if (has_balance) {
			bal.allocated = pq_i64(&q, 29);
			for (int b = 0; b < B_COUNT; b++)
				bal.b[b] = pq_i64(&q, 16 + b);
			bal.reports = pq_int(&q, 24);
			snprintf(bal.last_date, DATE_LEN, "%s", pq_text(&q, 25) ? pq_text(&q, 25) : "");
		}
		struct engine_account a = {
			.part_id = part_id,
			.org_id = pq_i64(&q, 26),
			.dnr = pq_text(&q, 0),
			.part = pq_text(&q, 1),
			.part_title = pq_text(&q, 2),
			.recipient = pq_text(&q, 3),
			.recipient_name = pq_text(&q, 4),
			.terms = &t,
			.allocation = pq_i64(&q, 15),
			.has_balance = has_balance,
			.balance = &bal,
			.last_seq = pq_i64(&q, 28),
			.repayment_deadline = pq_text(&q, 13),
			.report_deadline = pq_text(&q, 14),
			.budget_year = pq_int(&q, 27),
			.part_amount = pq_i64(&q, 30),
			.nfunding = nf,
			.funding = frows,
		};
		if (fn(ctx, &a)) {
			rc = pq_stop(&q, -1);
			break;
		}
	}
	pq_finalize(&fund);
	free(frows);
	strpool_release(&fpool);
	return rc < 0 ? -1 : 0;
}

int pq_payment_scan(struct store *base, engine_payment_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	/* The payee and account are those recorded with the payment when it
	 * was registered (and attested): not whatever the register says now. */
	struct pq_stmt q;
	if (pq_query(&q, s,
		     "WITH pay AS (SELECT e.*, "
		     "  EXISTS (SELECT 1 FROM ledger_event a WHERE a.ref_seq = e.seq AND a.kind = 'attest' AND NOT EXISTS "
		     "   (SELECT 1 FROM ledger_event c WHERE c.ref_seq = a.seq AND c.kind = 'correction')) AS attested, "
		     "  (SELECT x.batch FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_batch, "
		     "  (SELECT x.date FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_date, "
		     /* A payment the bank rejected or returned is void as a corrected one is. */
		     "  EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = e.seq AND (c.kind = 'correction' "
		     "   OR c.kind = 'bank-reject' OR c.kind = 'bank-return')) AS corrected "
		     " FROM ledger_event e WHERE e.kind = 'payment') "
		     "SELECT e.id, d.dnr, p.code, o.code, o.name, e.detail::json -> 'payee' ->> 'name', "
		     " e.detail::json -> 'payee' ->> 'orgnr', e.amount, e.date, e.detail::json -> 'payee' ->> 'bankgiro', "
		     " e.detail::json -> 'payee' ->> 'plusgiro', e.detail::json -> 'payee' ->> 'reference', e.actor, "
		     " e.exec_date, e.attested, e.exec_batch, e.corrected, e.detail::json ->> 'override' "
		     "FROM pay e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
		     "JOIN org o ON o.id = e.org_id ORDER BY e.seq",
		     "reading payments", err))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_payment p = {
			.row = {
				.id = pq_text(&q, 0),
				.dnr = pq_text(&q, 1),
				.part = pq_text(&q, 2),
				.recipient = pq_text(&q, 3),
				.recipient_name = pq_text(&q, 4),
				.payee_name = pq_text(&q, 5) ? pq_text(&q, 5) : pq_text(&q, 4),
				.orgnr = pq_text(&q, 6),
				.amount = pq_i64(&q, 7),
				.date = pq_text(&q, 8),
				.bankgiro = pq_text(&q, 9),
				.plusgiro = pq_text(&q, 10),
				.reference = pq_text(&q, 11),
				.registered_by = pq_text(&q, 12),
				.exec_date = pq_text(&q, 13),
				.override = pq_text(&q, 17),
			},
			.attested = pq_int(&q, 14) != 0,
			.exec_batch = pq_text(&q, 15),
			.corrected = pq_int(&q, 16) != 0,
		};
		if (fn(ctx, &p))
			return pq_stop(&q, -1);
	}
	return rc;
}

int pq_ledger_events(struct store *base, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (pq_query(&q, s,
		     "SELECT e.seq, e.id, e.kind, d.dnr, p.code, o.code, e.date, e.actor, e.from_bucket, "
		     " e.to_bucket, r.id, e.batch, e.detail, e.recorded, e.amount "
		     "FROM ledger_event e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
		     "JOIN org o ON o.id = e.org_id LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
		     "WHERE $1 IS NULL OR d.dnr = $1 ORDER BY e.seq",
		     "reading the journal", err, PQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct ledger_row r = {
			.seq = pq_i64(&q, 0),     .id = pq_text(&q, 1),        .kind = pq_text(&q, 2),
			.dnr = pq_text(&q, 3),    .part = pq_text(&q, 4),      .recipient = pq_text(&q, 5),
			.date = pq_text(&q, 6),   .actor = pq_text(&q, 7),     .from = pq_text(&q, 8),
			.to = pq_text(&q, 9),     .ref = pq_text(&q, 10),      .batch = pq_text(&q, 11),
			.detail = pq_text(&q, 12), .recorded = pq_text(&q, 13), .amount = pq_i64(&q, 14),
		};
		if (fn(ctx, &r))
			return pq_stop(&q, -1);
	}
	return rc;
}

int pq_batch_file(struct store *base, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s, "SELECT file FROM pay_batch WHERE id = $1 AND format = $2", "reading a payment file",
			  err, PQ_T(batch), PQ_T(format));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	size_t n = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)pq_text(&q, 0), &n);
	if (!bytes)
		return pq_stop(&q, bd_failc(err, BD_IO, "database: reading a payment file: out of memory"));
	*len = n;
	*data = xmalloc(n + 1);
	if (n)
		memcpy(*data, bytes, n);
	(*data)[n] = '\0';
	PQfreemem(bytes);
	return pq_stop(&q, 0);
}

int pq_batch_file_put(struct store *base, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err)
{
	struct pg_store *s = P(base);
	char now[32], hex[65];
	unsigned char h[32];
	now_iso(now, sizeof(now));
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return pq_run(s,
		      "INSERT INTO pay_batch (id, format, created, payments, total, file, sha256) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		      "storing a payment file", err, PQ_T(batch), PQ_T(format), PQ_T(now), PQ_I(payments), PQ_I(total),
		      PQ_B(data, len), PQ_T(hex)) < 0
		       ? -1
		       : 0;
}
