/* store-pg-ledger.c: the ledger's primitives in the PostgreSQL engine:
 * find, append and follow events, get and put balances, look up parts,
 * organisations, allocations and payees.  The rules that use them are in
 * src/store/ledger.c.  Like every statement of the engine they are prepared
 * once per connection (pq-stmt.c). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pg-internal.h"

enum {
	ST_FIND_EVENT,
	ST_INSERT_EVENT,
	ST_REFS,
	ST_GET_BALANCE,
	ST_PUT_BALANCE,
	ST_PART,
	ST_PART_BY_ID,
	ST_PART_AMOUNTS,
	ST_ORG,
	ST_ALLOC,
	ST_PAYEE,
	ST_COUNT,
};

static const char *const sql[ST_COUNT] = {
	[ST_FIND_EVENT] = "SELECT seq, id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, date, actor, "
			  " coalesce(ref_seq, 0), batch, detail, recorded, detail::json ->> 'override', "
			  " EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = ledger_event.seq AND c.kind = "
			  " 'correction') FROM ledger_event WHERE id = $1",
	/* A known id is not an error here: the caller looks at what it names. */
	/* seq is the next after the last, as SQLite numbers them, not an
	 * identity: a sequence would leave a gap for every refused batch. */
	[ST_INSERT_EVENT] = "INSERT INTO ledger_event (seq, id, digest, kind, part_id, org_id, amount, from_bucket, "
			    "to_bucket, date, actor, ref_seq, batch, detail, recorded) "
			    "VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM ledger_event), $1, $2, $3, $4, $5, $6, $7, $8, "
			    "$9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING "
			    "RETURNING seq",
	[ST_REFS] = "SELECT e.seq, e.id, e.kind, e.actor, e.date, EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = "
		    "e.seq AND c.kind = 'correction') FROM ledger_event e WHERE e.ref_seq = $1 ORDER BY e.seq",
	[ST_GET_BALANCE] = "SELECT allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, repaid, "
			   "reports, last_date FROM ledger_balance WHERE part_id = $1 AND org_id = $2",
	[ST_PUT_BALANCE] = "INSERT INTO ledger_balance (part_id, org_id, allocated, avail, requisitioned, "
			   "registered, attested, paid, lapsed, claimed, repaid, reports, last_date, last_seq) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
			   "ON CONFLICT (part_id, org_id) DO UPDATE SET allocated = $3, avail = $4, requisitioned = $5, "
			   "registered = $6, attested = $7, paid = $8, lapsed = $9, claimed = $10, repaid = $11, "
			   "reports = $12, last_date = $13, last_seq = $14",
	[ST_PART] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date "
		    "FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = $1 AND p.code = $2",
	[ST_PART_BY_ID] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, "
			  "d.date FROM part p JOIN decision d ON d.id = p.decision_id WHERE p.id = $1",
	[ST_PART_AMOUNTS] = "SELECT p.amount, (SELECT coalesce(sum(amount), 0) FROM allocation WHERE part_id = p.id), "
			    "(SELECT coalesce(sum(registered + attested + paid + claimed + repaid), 0) FROM ledger_balance "
			    "WHERE part_id = p.id) FROM part p WHERE p.id = $1",
	[ST_ORG] = "SELECT id FROM org WHERE code = $1",
	[ST_ALLOC] = "SELECT amount FROM allocation WHERE part_id = $1 AND org_id = $2",
	/* The row's payee, the part's, and the recipient; each payee with its
	 * organisation's own account. */
	[ST_PAYEE] = "SELECT py.id, po.name, po.orgnr, py.bankgiro, py.plusgiro, py.reference, po.bankgiro, po.plusgiro, "
		     " po.payment_ref, ppy.id, ppo.name, ppo.orgnr, ppy.bankgiro, ppy.plusgiro, ppy.reference, ppo.bankgiro, "
		     " ppo.plusgiro, ppo.payment_ref, o.name, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref "
		     "FROM allocation al JOIN part p ON p.id = al.part_id JOIN org o ON o.id = al.org_id "
		     "LEFT JOIN payee py ON py.id = al.payee_id LEFT JOIN org po ON po.id = py.org_id "
		     "LEFT JOIN payee ppy ON ppy.id = p.payee_id LEFT JOIN org ppo ON ppo.id = ppy.org_id "
		     "WHERE al.part_id = $1 AND al.org_id = $2",
};

static const char *const what[ST_COUNT] = {
	[ST_FIND_EVENT] = "looking up an event id",
	[ST_INSERT_EVENT] = "recording an event",
	[ST_REFS] = "reading an event's state",
	[ST_GET_BALANCE] = "reading an account",
	[ST_PUT_BALANCE] = "writing an account's balance",
	[ST_PART] = "looking up a part",
	[ST_PART_BY_ID] = "looking up a part",
	[ST_PART_AMOUNTS] = "summing a part's payments",
	[ST_ORG] = "looking up a recipient",
	[ST_ALLOC] = "reading an allocation",
	[ST_PAYEE] = "reading a payee",
};

void pq_ledger_pool_free(struct pg_store *s)
{
	if (!s->pool)
		return;
	strpool_release(s->pool);
	free(s->pool);
	s->pool = NULL;
}

/* use: the statement i for q (prepared on its first run). */
static int use(struct pg_store *s, int i, struct pq_stmt *q, struct bd_error *err)
{
	if (!s->pool) {
		s->pool = xcalloc(1, sizeof(*s->pool));
		strpool_init(s->pool);
	}
	return pq_prepare(q, s, sql[i], what[i], err);
}

/* keep: a copy of a column that outlives the statement's reset. */
static const char *keep(struct pg_store *s, const struct pq_stmt *q, int col)
{
	const char *t = pq_text(q, col);
	return t ? strpool_strdup(s->pool, t) : NULL;
}

static void fresh_pool(struct pg_store *s)
{
	strpool_release(s->pool);
	strpool_init(s->pool);
}

static enum bucket bucket_col(const struct pq_stmt *q, int col)
{
	const char *t = pq_text(q, col);
	return t ? (enum bucket)bucket_parse(t) : B_NONE;
}

static void copy_date(char out[DATE_LEN], const char *t)
{
	snprintf(out, DATE_LEN, "%s", t ? t : "");
}

void pq_terms_from_row(const struct pq_stmt *q, int col, struct ledger_terms *t)
{
	memset(t, 0, sizeof(*t));
	t->mode = strcmp(pq_text(q, col), "requisition") == 0 ? PAY_REQUISITION : PAY_WITHOUT_REQUISITION;
	copy_date(t->from, pq_text(q, col + 1));
	copy_date(t->to, pq_text(q, col + 2));
	copy_date(t->by, pq_text(q, col + 3));
	copy_date(t->deadline, pq_text(q, col + 4));
	t->lapses = pq_int(q, col + 5) != 0;
	copy_date(t->decision_date, pq_text(q, col + 6));
}

int pq_event_find(struct store *base, const char *id, struct engine_event *out, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_FIND_EVENT, &q, err) || pq_bind(&q, PQ_T(id)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	fresh_pool(s);
	*out = (struct engine_event){
		.seq = pq_i64(&q, 0),
		.id = keep(s, &q, 1),
		.digest = keep(s, &q, 2),
		.kind = (enum event_kind)event_kind_parse(pq_text(&q, 3)),
		.part_id = pq_i64(&q, 4),
		.org_id = pq_i64(&q, 5),
		.amount = pq_i64(&q, 6),
		.from = bucket_col(&q, 7),
		.to = bucket_col(&q, 8),
		.date = keep(s, &q, 9),
		.actor = keep(s, &q, 10),
		.ref_seq = pq_i64(&q, 11),
		.batch = keep(s, &q, 12),
		.detail = keep(s, &q, 13),
		.recorded = keep(s, &q, 14),
		.override = keep(s, &q, 15),
		.corrected = pq_int(&q, 16) != 0,
		.ref_kind = -1,
	};
	return pq_stop(&q, 0);
}

int pq_event_append(struct store *base, const struct engine_event *e, int64_t *seq, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_INSERT_EVENT, &q, err))
		return -1;
	if (pq_bind(&q, PQ_T(e->id), PQ_T(e->digest), PQ_T(event_kind_name(e->kind)), PQ_I(e->part_id),
		    PQ_I(e->org_id), PQ_I(e->amount), PQ_T(e->from == B_NONE ? NULL : bucket_name(e->from)),
		    PQ_T(e->to == B_NONE ? NULL : bucket_name(e->to)), PQ_T(e->date), PQ_T(e->actor),
		    PQ_ID(e->ref_seq), PQ_T(e->batch), PQ_T(e->detail), PQ_T(e->recorded)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0) /* no row: the id was taken */
		return rc < 0 ? -1 : 1;
	*seq = pq_i64(&q, 0);
	return pq_stop(&q, 0);
}

int pq_event_refs(struct store *base, int64_t seq, engine_event_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_REFS, &q, err) || pq_bind(&q, PQ_I(seq)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_event e = {
			.seq = pq_i64(&q, 0),
			.id = pq_text(&q, 1),
			.kind = (enum event_kind)event_kind_parse(pq_text(&q, 2)),
			.actor = pq_text(&q, 3),
			.date = pq_text(&q, 4),
			.corrected = pq_int(&q, 5) != 0,
			.ref_seq = seq,
			.ref_kind = -1,
			.from = B_NONE,
			.to = B_NONE,
		};
		if (fn(ctx, &e))
			return pq_stop(&q, -1);
	}
	return rc;
}

int pq_balance_get(struct store *base, int64_t part_id, int64_t org_id, struct ledger_balance *out,
		   struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_GET_BALANCE, &q, err) || pq_bind(&q, PQ_I(part_id), PQ_I(org_id)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	memset(out, 0, sizeof(*out));
	out->allocated = pq_i64(&q, 0);
	for (int b = 0; b < B_COUNT; b++)
		out->b[b] = pq_i64(&q, 1 + b);
	out->reports = pq_int(&q, 9);
	copy_date(out->last_date, pq_text(&q, 10));
	return pq_stop(&q, 0);
}

int pq_balance_put(struct store *base, int64_t part_id, int64_t org_id, const struct ledger_balance *b,
		   int64_t last_seq, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_PUT_BALANCE, &q, err))
		return -1;
	return pq_exec(&q, PQ_I(part_id), PQ_I(org_id), PQ_I(b->allocated), PQ_I(b->b[0]), PQ_I(b->b[1]),
		       PQ_I(b->b[2]), PQ_I(b->b[3]), PQ_I(b->b[4]), PQ_I(b->b[5]), PQ_I(b->b[6]), PQ_I(b->b[7]),
		       PQ_I(b->reports), PQ_T(b->last_date), PQ_I(last_seq)) < 0
		       ? -1
		       : 0;
}

int pq_allocation_get(struct store *base, int64_t part_id, int64_t org_id, int64_t *kronor, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_ALLOC, &q, err) || pq_bind(&q, PQ_I(part_id), PQ_I(org_id)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*kronor = pq_i64(&q, 0);
	return pq_stop(&q, 0);
}

static int part_row(struct pq_stmt *q, int64_t *id, struct ledger_terms *terms)
{
	int rc = pq_row(q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	if (id)
		*id = pq_i64(q, 0);
	pq_terms_from_row(q, 1, terms);
	return pq_stop(q, 0);
}

int pq_part_find(struct store *base, const char *dnr, const char *code, int64_t *id, struct ledger_terms *terms,
		 struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_PART, &q, err) || pq_bind(&q, PQ_T(dnr), PQ_T(code)))
		return -1;
	return part_row(&q, id, terms);
}

int pq_part_get(struct store *base, int64_t id, struct ledger_terms *terms, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_PART_BY_ID, &q, err) || pq_bind(&q, PQ_I(id)))
		return -1;
	return part_row(&q, NULL, terms);
}

int pq_part_amounts(struct store *base, int64_t part_id, int64_t *decided, int64_t *allocated, int64_t *committed,
		    struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_PART_AMOUNTS, &q, err) || pq_bind(&q, PQ_I(part_id)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*decided = pq_i64(&q, 0);
	*allocated = pq_i64(&q, 1);
	*committed = pq_i64(&q, 2);
	return pq_stop(&q, 0);
}

int pq_org_id(struct store *base, const char *code, int64_t *id, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_ORG, &q, err) || pq_bind(&q, PQ_T(code)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*id = pq_i64(&q, 0);
	return pq_stop(&q, 0);
}

int pq_payee_get(struct store *base, int64_t part_id, int64_t org_id, struct engine_payee out[PAYEE_CANDIDATES],
		 struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (use(s, ST_PAYEE, &q, err) || pq_bind(&q, PQ_I(part_id), PQ_I(org_id)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "database: reading a payee: no allocation row");
	fresh_pool(s);
	for (int k = PAYEE_OF_ROW; k <= PAYEE_OF_PART; k++) {
		int base_col = k == PAYEE_OF_ROW ? 0 : 9;
		out[k] = (struct engine_payee){
			.present = !pq_isnull(&q, base_col),
			.name = keep(s, &q, base_col + 1),
			.orgnr = keep(s, &q, base_col + 2),
			.bankgiro = keep(s, &q, base_col + 3),
			.plusgiro = keep(s, &q, base_col + 4),
			.reference = keep(s, &q, base_col + 5),
			.org_bankgiro = keep(s, &q, base_col + 6),
			.org_plusgiro = keep(s, &q, base_col + 7),
			.org_reference = keep(s, &q, base_col + 8),
		};
	}
	out[PAYEE_RECIPIENT] = (struct engine_payee){
		.present = true,
		.name = keep(s, &q, 18),
		.orgnr = keep(s, &q, 19),
		.bankgiro = keep(s, &q, 20),
		.plusgiro = keep(s, &q, 21),
		.reference = keep(s, &q, 22),
	};
	return pq_stop(&q, 0);
}

/* data_version: a new value on every call.  The ledger keeps account
 * balances between batches while this says no other connection wrote;
 * with PostgreSQL another process may commit between any two statements
 * and a kept balance would escape the serialisable check (it was read
 * outside the transaction), so every batch reads the balances it moves. */
int pq_data_version(struct store *base, int64_t *version, struct bd_error *err)
{
	(void)err;
	*version = ++P(base)->data_version;
	return 0;
}
