/* store-sqlite-bank.c: the bank's files and the repayment claims' numbers
 * in PostgreSQL (0009-bank.sql): the primitives of engine-bank.h, SQL only; the
 * rules are in bank.c.  store-sqlite-bank.c is its twin for SQLite. */
#include "pg-internal.h"

#include "engine-bank.h"

#define FILE_COLS "id, sha256, kind, name, msg_id, size, entries, imported_by, imported"

static struct engine_bank_file file_row(const struct pq_stmt *q)
{
	return (struct engine_bank_file){
		.id = pq_i64(q, 0),
		.sha256 = pq_text(q, 1),
		.kind = pq_text(q, 2),
		.name = pq_text(q, 3),
		.msg_id = pq_text(q, 4),
		.size = pq_i64(q, 5),
		.entries = pq_i64(q, 6),
		.imported_by = pq_text(q, 7),
		.imported = pq_text(q, 8),
	};
}

static int pq_bank_file_find(struct store *base, const char *sha256, struct engine_bank_file *out, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s, "SELECT " FILE_COLS " FROM bank_file WHERE sha256 = $1", "reading a bank file", err,
			  PQ_T(sha256));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_bank_file f = file_row(&q);
	/* Kept past the statement. */
	f.sha256 = pq_keep(s, 0, f.sha256);
	f.name = pq_keep(s, 1, f.name);
	f.imported_by = pq_keep(s, 2, f.imported_by);
	f.imported = pq_keep(s, 3, f.imported);
	f.kind = f.msg_id = NULL;
	*out = f;
	return pq_stop(&q, 0);
}

static int pq_bank_file_add(struct store *base, const struct engine_bank_file *f, int64_t *id, struct bd_error *err)
{
	*id = pq_id(P(base),
		    "INSERT INTO bank_file (sha256, kind, name, msg_id, size, entries, imported_by, imported) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
		    "adding a bank file", err, PQ_T(f->sha256), PQ_T(f->kind), PQ_T(f->name), PQ_T(f->msg_id),
		    PQ_I(f->size), PQ_I(f->entries), PQ_T(f->imported_by), PQ_T(f->imported));
	return *id > 0 ? 0 : -1;
}

static int pq_bank_file_scan(struct store *base, int (*fn)(void *ctx, const struct engine_bank_file *f), void *ctx,
			     struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT " FILE_COLS " FROM bank_file ORDER BY id", "reading bank files", err))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_bank_file f = file_row(&q);
		if (fn(ctx, &f))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int pq_bank_entry_known(struct store *base, const char *ident, int64_t *id, struct bd_error *err)
{
	*id = pq_id(P(base), "SELECT id FROM bank_entry WHERE ident = $1", "reading a bank entry", err, PQ_T(ident));
	return *id < 0 ? -1 : *id == 0 ? 1 : 0;
}

static int pq_bank_entry_add(struct store *base, const struct engine_bank_entry *e, int64_t *id, struct bd_error *err)
{
	*id = pq_id(P(base),
		    "INSERT INTO bank_entry (file_id, ident, what, credit, date, amount, currency, reference, reason, text, "
		    "batch, payment_id, claim, event_id, note, place) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
		    "adding a bank entry", err, PQ_I(e->file_id), PQ_T(e->ident), PQ_T(e->what), PQ_I(e->credit ? 1 : 0),
		    PQ_T(e->date), PQ_I(e->amount), PQ_T(e->currency), PQ_T(e->reference), PQ_T(e->reason), PQ_T(e->text),
		    PQ_T(e->batch), PQ_T(e->payment_id), PQ_ID(e->claim), PQ_T(e->event_id), PQ_T(e->note),
		    PQ_T(e->place));
	return *id > 0 ? 0 : -1;
}

#define ENTRY_SELECT                                                                                                   \
	"SELECT e.id, e.file_id, e.ident, e.what, e.credit, e.date, e.amount, e.currency, e.reference, e.reason, "    \
	"e.text, e.batch, e.payment_id, e.claim, e.event_id, e.note, e.place, f.name, f.kind, m.id, m.claim, "        \
	"m.payment_id, m.event_id, m.decided_by, o.id, o.proposed_by "                                                \
	"FROM bank_entry e JOIN bank_file f ON f.id = e.file_id "                                                     \
	"LEFT JOIN bank_match m ON m.entry_id = e.id AND m.state = 'approved' "                                        \
	"LEFT JOIN bank_match o ON o.entry_id = e.id AND o.state = 'proposed' "

static struct engine_bank_entry entry_row(const struct pq_stmt *q)
{
	return (struct engine_bank_entry){
		.id = pq_i64(q, 0),
		.file_id = pq_i64(q, 1),
		.ident = pq_text(q, 2),
		.what = pq_text(q, 3),
		.credit = pq_int(q, 4) != 0,
		.date = pq_text(q, 5),
		.amount = pq_i64(q, 6),
		.currency = pq_text(q, 7),
		.reference = pq_text(q, 8),
		.reason = pq_text(q, 9),
		.text = pq_text(q, 10),
		.batch = pq_text(q, 11),
		.payment_id = pq_text(q, 12),
		.claim = pq_i64(q, 13),
		.event_id = pq_text(q, 14),
		.note = pq_text(q, 15),
		.place = pq_text(q, 16),
		.file_name = pq_text(q, 17),
		.file_kind = pq_text(q, 18),
		.match_id = pq_i64(q, 19),
		.match_claim = pq_i64(q, 20),
		.match_payment = pq_text(q, 21),
		.match_event = pq_text(q, 22),
		.match_by = pq_text(q, 23),
		.open_id = pq_i64(q, 24),
		.open_by = pq_text(q, 25),
	};
}

static int entries(struct pq_stmt *q, engine_bank_entry_fn fn, void *ctx)
{
	int rc;
	while ((rc = pq_row(q)) > 0) {
		struct engine_bank_entry e = entry_row(q);
		if (fn(ctx, &e))
			return pq_stop(q, -1);
	}
	return rc;
}

static int pq_bank_entry_get(struct store *base, int64_t id, engine_bank_entry_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), ENTRY_SELECT "WHERE e.id = $1", "reading a bank entry", err, PQ_I(id)))
		return -1;
	return entries(&q, fn, ctx);
}

static int pq_bank_entry_scan(struct store *base, int64_t file_id, engine_bank_entry_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), ENTRY_SELECT "WHERE $1 = 0 OR e.file_id = $1 ORDER BY e.id", "reading bank entries",
		     err, PQ_I(file_id)))
		return -1;
	return entries(&q, fn, ctx);
}

static int pq_bank_claim_max(struct store *base, int64_t *max, struct bd_error *err)
{
	*max = pq_id(P(base), "SELECT coalesce(max(number), 0) FROM repay_claim", "reading claim numbers", err);
	return *max < 0 ? -1 : 0;
}

static int pq_bank_claim_add(struct store *base, int64_t number, const char *event_id, const char *ocr, int64_t amount,
			     struct bd_error *err)
{
	struct pg_store *s = P(base);
	int64_t taken = pq_id(s, "SELECT count(*) FROM repay_claim WHERE number = $1 OR event_id = $2 OR ocr = $3",
			      "reading claim numbers", err, PQ_I(number), PQ_T(event_id), PQ_T(ocr));
	if (taken < 0)
		return -1;
	if (taken)
		return 1;
	char now[32];
	now_iso(now, sizeof(now));
	return pq_run(s, "INSERT INTO repay_claim (number, event_id, ocr, amount, recorded) VALUES ($1, $2, $3, $4, $5)",
		      "adding a claim number", err, PQ_I(number), PQ_T(event_id), PQ_T(ocr), PQ_I(amount), PQ_T(now)) < 0
		       ? -1
		       : 0;
}

static int pq_bank_claim_unnumbered(struct store *base, engine_unnumbered_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT e.id, e.amount FROM ledger_event e WHERE (e.kind = 'repay-claim' OR e.kind = 'report') "
		     "AND e.to_bucket = 'claimed' AND e.amount > 0 "
		     "AND NOT EXISTS (SELECT 1 FROM repay_claim c WHERE c.event_id = e.id) ORDER BY e.seq",
		     "reading claims without a number", err))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_text(&q, 0), pq_i64(&q, 1)))
			return pq_stop(&q, -1);
	return rc;
}

static int pq_bank_claim_scan(struct store *base, int64_t number, const char *ocr, engine_claim_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT c.number, c.amount, c.event_id, c.ocr, c.recorded, e.kind, d.dnr, p.code, o.code, o.name, "
		     " e.date, CASE WHEN EXISTS (SELECT 1 FROM ledger_event x WHERE x.ref_seq = e.seq "
		     "  AND x.kind = 'correction') THEN 1 ELSE 0 END, "
		     " CAST(coalesce((SELECT sum(b.amount) FROM bank_entry b WHERE b.claim = c.number AND b.what = 'repaid'), 0) "
		     " + coalesce((SELECT sum(b.amount) FROM bank_match m JOIN bank_entry b ON b.id = m.entry_id "
		     "  WHERE m.claim = c.number AND m.state = 'approved'), 0) "
		     /* Repayments received by hand for the claim (repay receive --claim). */
		     " + coalesce((SELECT sum(x.amount) FROM ledger_event x WHERE x.kind = 'repay-receive' "
		     "  AND x.id LIKE 'claim-receive:' || c.number || ':%' AND x.part_id = e.part_id "
		     "  AND x.org_id = e.org_id AND NOT EXISTS (SELECT 1 FROM ledger_event y WHERE y.ref_seq = x.seq "
		     "  AND y.kind = 'correction')), 0) AS bigint) "
		     "FROM repay_claim c JOIN ledger_event e ON e.id = c.event_id JOIN part p ON p.id = e.part_id "
		     "JOIN decision d ON d.id = p.decision_id JOIN org o ON o.id = e.org_id "
		     "WHERE ($1 = 0 OR c.number = $1) AND ($2 IS NULL OR c.ocr = $2) ORDER BY c.number",
		     "reading repayment claims", err, PQ_I(number), PQ_T(ocr)))
		return -1;
	int rc, n = 0;
	while ((rc = pq_row(&q)) > 0) {
		n++;
		struct engine_claim c = {
			.number = pq_i64(&q, 0),
			.amount = pq_i64(&q, 1),
			.event_id = pq_text(&q, 2),
			.ocr = pq_text(&q, 3),
			.recorded = pq_text(&q, 4),
			.kind = pq_text(&q, 5),
			.dnr = pq_text(&q, 6),
			.part = pq_text(&q, 7),
			.recipient = pq_text(&q, 8),
			.recipient_name = pq_text(&q, 9),
			.date = pq_text(&q, 10),
			.corrected = pq_int(&q, 11) != 0,
			.matched = pq_i64(&q, 12),
		};
		if (fn(ctx, &c))
			return pq_stop(&q, -1);
	}
	if (rc < 0)
		return -1;
	return (number || ocr) && n == 0 ? 1 : 0;
}

#define PAYMENT_SELECT                                                                                                 \
	"SELECT x.batch, p.id, x.date, d.dnr, pt.code, o.code, o.name, p.detail, p.seq, p.amount, "                  \
	" (SELECT max(b.date) FROM ledger_event b WHERE b.ref_seq = p.seq AND b.kind = 'bank-accept'), "              \
	" (SELECT max(b.date) FROM ledger_event b WHERE b.ref_seq = p.seq AND b.kind = 'bank-book'), "                \
	" (SELECT max(b.date) FROM ledger_event b WHERE b.ref_seq = p.seq AND b.kind = 'bank-reject'), "              \
	" (SELECT max(b.date) FROM ledger_event b WHERE b.ref_seq = p.seq AND b.kind = 'bank-return'), "              \
	" (SELECT max(b.detail) FROM ledger_event b WHERE b.ref_seq = p.seq "                                         \
	"   AND (b.kind = 'bank-reject' OR b.kind = 'bank-return')) "                                                 \
	"FROM ledger_event x JOIN ledger_event p ON p.seq = x.ref_seq JOIN part pt ON pt.id = p.part_id "              \
	"JOIN decision d ON d.id = pt.decision_id JOIN org o ON o.id = p.org_id "

static int pq_bank_payment_scan(struct store *base, const char *batch, engine_bank_payment_fn fn, void *ctx,
				struct bd_error *err)
{
	struct pq_stmt q;
	int qrc = batch ? pq_query(&q, P(base),
				   PAYMENT_SELECT "WHERE x.batch = $1 AND x.kind = 'execute' ORDER BY x.seq",
				   "reading a batch's payments", err, PQ_T(batch))
			: pq_query(&q, P(base), PAYMENT_SELECT "WHERE x.kind = 'execute' ORDER BY x.seq",
				   "reading the executed payments", err);
	if (qrc)
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_bank_payment p = {
			.batch = pq_text(&q, 0),
			.id = pq_text(&q, 1),
			.exec_date = pq_text(&q, 2),
			.dnr = pq_text(&q, 3),
			.part = pq_text(&q, 4),
			.recipient = pq_text(&q, 5),
			.recipient_name = pq_text(&q, 6),
			.payment_detail = pq_text(&q, 7),
			.seq = pq_i64(&q, 8),
			.amount = pq_i64(&q, 9),
			.accepted = pq_text(&q, 10),
			.booked = pq_text(&q, 11),
			.rejected = pq_text(&q, 12),
			.returned = pq_text(&q, 13),
			.reject_detail = pq_text(&q, 14),
		};
		if (fn(ctx, &p))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int pq_bank_payment_batch(struct store *base, const char *payment_id, char *batch, size_t len,
				 struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT x.batch FROM ledger_event p JOIN ledger_event x ON x.ref_seq = p.seq AND x.kind = 'execute' "
			  "WHERE p.id = $1 AND p.kind = 'payment'",
			  "reading a payment's batch", err, PQ_T(payment_id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	snprintf(batch, len, "%s", pq_text(&q, 0) ? pq_text(&q, 0) : "");
	return pq_stop(&q, 0);
}

#define MATCH_COLS                                                                                                     \
	"id, entry_id, claim, payment_id, note, proposed_by, proposed_on, state, decided_by, decided_on, event_id, "  \
	"recorded"

static int matches(struct pq_stmt *q, engine_bank_match_fn fn, void *ctx)
{
	int rc;
	while ((rc = pq_row(q)) > 0) {
		struct engine_bank_match m = {
			.id = pq_i64(q, 0),
			.entry_id = pq_i64(q, 1),
			.claim = pq_i64(q, 2),
			.payment_id = pq_text(q, 3),
			.note = pq_text(q, 4),
			.proposed_by = pq_text(q, 5),
			.proposed_on = pq_text(q, 6),
			.state = pq_text(q, 7),
			.decided_by = pq_text(q, 8),
			.decided_on = pq_text(q, 9),
			.event_id = pq_text(q, 10),
			.recorded = pq_text(q, 11),
		};
		if (fn(ctx, &m))
			return pq_stop(q, -1);
	}
	return rc;
}

static int pq_bank_match_add(struct store *base, const struct engine_bank_match *m, int64_t *id, struct bd_error *err)
{
	struct pg_store *s = P(base);
	int64_t open = pq_id(s, "SELECT count(*) FROM bank_match WHERE entry_id = $1 AND state = 'proposed'",
			     "reading proposed matches", err, PQ_I(m->entry_id));
	if (open < 0)
		return -1;
	if (open)
		return 1;
	*id = pq_id(s,
		    "INSERT INTO bank_match (entry_id, claim, payment_id, note, proposed_by, proposed_on, recorded) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
		    "proposing a match", err, PQ_I(m->entry_id), PQ_ID(m->claim), PQ_T(m->payment_id), PQ_T(m->note),
		    PQ_T(m->proposed_by), PQ_T(m->proposed_on), PQ_T(m->recorded));
	return *id > 0 ? 0 : -1;
}

static int pq_bank_match_get(struct store *base, int64_t id, engine_bank_match_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT " MATCH_COLS " FROM bank_match WHERE id = $1", "reading a match", err, PQ_I(id)))
		return -1;
	return matches(&q, fn, ctx);
}

static int pq_bank_match_decide(struct store *base, int64_t id, const char *state, const char *by, const char *on,
				const char *event_id, struct bd_error *err)
{
	int changed = pq_run(P(base),
			     "UPDATE bank_match SET state = $2, decided_by = $3, decided_on = $4, event_id = $5 "
			     "WHERE id = $1 AND state = 'proposed'",
			     "deciding a match", err, PQ_I(id), PQ_T(state), PQ_T(by), PQ_T(on), PQ_T(event_id));
	return changed < 0 ? -1 : changed == 0 ? 1 : 0;
}

static int pq_bank_match_scan(struct store *base, bool open_only, engine_bank_match_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT " MATCH_COLS " FROM bank_match WHERE $1 = 0 OR state = 'proposed' ORDER BY id",
		     "reading matches", err, PQ_I(open_only ? 1 : 0)))
		return -1;
	return matches(&q, fn, ctx);
}

static int pq_bank_day_scan(struct store *base, const char *from, const char *to, engine_bank_day_fn fn, void *ctx,
			    struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (pq_query(&q, s,
		     "SELECT date, what, credit, count(*), CAST(sum(amount) AS bigint) FROM bank_entry "
		     "WHERE what IN ('booked', 'returned', 'repaid', 'unmatched') "
		     "AND ($1 IS NULL OR date >= $1) AND ($2 IS NULL OR date <= $2) "
		     "GROUP BY date, what, credit ORDER BY date, what, credit",
		     "reading the bank's days", err, PQ_T(from), PQ_T(to)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_bank_day d = {.date = pq_text(&q, 0), .what = pq_text(&q, 1), .bank = true,
					    .credit = pq_int(&q, 2) != 0, .count = pq_i64(&q, 3), .amount = pq_i64(&q, 4)};
		if (fn(ctx, &d))
			return pq_stop(&q, -1);
	}
	if (rc < 0)
		return -1;
	if (pq_query(&q, s,
		     /* A payment the bank booked is paid on its booking day. */
		     "SELECT day, kind, count(*), CAST(sum(amount) AS bigint) FROM "
		     "(SELECT coalesce(b.date, e.date) AS day, e.kind AS kind, e.amount AS amount FROM ledger_event e "
		     " LEFT JOIN ledger_event b ON e.kind = 'execute' AND b.ref_seq = e.ref_seq AND b.kind = 'bank-book' "
		     " WHERE e.kind IN ('execute', 'repay-receive', 'bank-reject', 'bank-return')) x "
		     "WHERE ($1 IS NULL OR day >= $1) AND ($2 IS NULL OR day <= $2) "
		     "GROUP BY day, kind ORDER BY day, kind",
		     "reading the ledger's days", err, PQ_T(from), PQ_T(to)))
		return -1;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_bank_day d = {.date = pq_text(&q, 0), .what = pq_text(&q, 1), .count = pq_i64(&q, 2),
					    .amount = pq_i64(&q, 3)};
		if (fn(ctx, &d))
			return pq_stop(&q, -1);
	}
	return rc;
}

const struct store_bank_ops store_pg_bank_ops = {
	.file_find = pq_bank_file_find,
	.file_add = pq_bank_file_add,
	.entry_known = pq_bank_entry_known,
	.entry_add = pq_bank_entry_add,
	.entry_get = pq_bank_entry_get,
	.entry_scan = pq_bank_entry_scan,
	.file_scan = pq_bank_file_scan,
	.claim_max = pq_bank_claim_max,
	.claim_add = pq_bank_claim_add,
	.claim_unnumbered = pq_bank_claim_unnumbered,
	.claim_scan = pq_bank_claim_scan,
	.payment_scan = pq_bank_payment_scan,
	.payment_batch = pq_bank_payment_batch,
	.match_add = pq_bank_match_add,
	.match_get = pq_bank_match_get,
	.match_decide = pq_bank_match_decide,
	.match_scan = pq_bank_match_scan,
	.day_scan = pq_bank_day_scan,
};
