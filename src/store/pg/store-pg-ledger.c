/* store-pg-ledger.c: the ledger's primitives in the PostgreSQL engine:
 * find, append and follow events, get and put balances, look up parts,
 * organisations, allocations and payees.  The rules that use them are in
 * src/store/ledger.c.  Like every statement of the engine they are prepared
 * once per connection when run more than once (pq-stmt.c).  Recording a
 * batch costs a statement per batch, not per event: accounts_get,
 * balances_put, org_ids and events_expect take the batch's rows as arrays
 * ('{...}' literals, one per column), and the events a batch appends go in
 * one multi-row INSERT (struct pq_batch below). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "engine.h"
#include "pg-internal.h"

enum {
	ST_FIND_EVENT,
	ST_INSERT_EVENT,
	ST_REFS,
	ST_EXPECT,
	ST_INSERT_EVENTS,
	ST_GET_ACCOUNTS,
	ST_PUT_BALANCES,
	ST_PART,
	ST_PART_BY_ID,
	ST_PART_AMOUNTS,
	ST_ORG,
	ST_ORGS,
	ST_PAYEE,
	ST_COUNT,
};

static const char *const sql[ST_COUNT] = {
	[ST_FIND_EVENT] = "SELECT seq, id, encode(digest, 'hex'), kind, part_id, org_id, amount, from_bucket, to_bucket, date, actor, "
			  " coalesce(ref_seq, 0), batch, detail, recorded, detail::json ->> 'override', "
			  " EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = ledger_event.seq AND c.kind = "
			  " 'correction') FROM ledger_event WHERE id = $1",
	/* A known id is not an error here: the caller looks at what it names. */
	/* seq is the next after the last, as SQLite numbers them, not an
	 * identity: a sequence would leave a gap for every refused batch. */
	[ST_INSERT_EVENT] = "INSERT INTO ledger_event (seq, id, digest, kind, part_id, org_id, amount, from_bucket, "
			    "to_bucket, date, actor, ref_seq, batch, detail, recorded) "
			    "VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM ledger_event), $1, decode($2, 'hex'), $3, $4, $5, $6, $7, $8, "
			    "$9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING "
			    "RETURNING seq",
	[ST_REFS] = "SELECT e.seq, e.id, e.kind, e.actor, e.date, EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = "
		    "e.seq AND c.kind = 'correction') FROM ledger_event e WHERE e.ref_seq = $1 ORDER BY e.seq",
	/* events_expect: the last seq, and which of the ids are recorded. */
	[ST_EXPECT] = "SELECT NULL, coalesce(max(seq), 0) FROM ledger_event "
		      "UNION ALL SELECT id, 0 FROM ledger_event WHERE id = ANY($1)",
	/* The events appended since the last statement, numbered by the
	 * engine (pq_batch_flush); the digests travel in hex. */
	[ST_INSERT_EVENTS] = "INSERT INTO ledger_event (seq, id, digest, kind, part_id, org_id, amount, from_bucket, "
			     "to_bucket, date, actor, ref_seq, batch, detail, recorded) "
			     "SELECT u.seq, u.id, decode(u.digest, 'hex'), u.kind, u.part_id, u.org_id, u.amount, u.fb, u.tb, "
			     "u.date, u.actor, u.ref_seq, u.batch, u.detail, u.recorded "
			     "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], "
			     "$6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], "
			     "$13::text[], $14::text[], $15::text[]) AS u(seq, id, digest, kind, part_id, org_id, amount, "
			     "fb, tb, date, actor, ref_seq, batch, detail, recorded)",
	[ST_GET_ACCOUNTS] = "SELECT k.i, b.part_id IS NOT NULL, b.allocated, b.avail, b.requisitioned, b.registered, "
			    "b.attested, b.paid, b.lapsed, b.claimed, b.repaid, b.reports, b.last_date, "
			    "a.part_id IS NOT NULL, a.amount "
			    "FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(part_id, org_id, i) "
			    "LEFT JOIN ledger_balance b ON b.part_id = k.part_id AND b.org_id = k.org_id "
			    "LEFT JOIN allocation a ON a.part_id = k.part_id AND a.org_id = k.org_id",
	[ST_PUT_BALANCES] = "INSERT INTO ledger_balance (part_id, org_id, allocated, avail, requisitioned, "
			    "registered, attested, paid, lapsed, claimed, repaid, reports, last_date, last_seq) "
			    "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], "
			    "$6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], "
			    "$12::bigint[], $13::text[], $14::bigint[]) "
			    "ON CONFLICT (part_id, org_id) DO UPDATE SET allocated = excluded.allocated, "
			    "avail = excluded.avail, requisitioned = excluded.requisitioned, registered = excluded.registered, "
			    "attested = excluded.attested, paid = excluded.paid, lapsed = excluded.lapsed, "
			    "claimed = excluded.claimed, repaid = excluded.repaid, reports = excluded.reports, "
			    "last_date = excluded.last_date, last_seq = excluded.last_seq",
	[ST_PART] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date "
		    "FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = $1 AND p.code = $2",
	[ST_PART_BY_ID] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, "
			  "d.date FROM part p JOIN decision d ON d.id = p.decision_id WHERE p.id = $1",
	[ST_PART_AMOUNTS] = "SELECT p.amount, (SELECT coalesce(sum(amount), 0) FROM allocation WHERE part_id = p.id), "
			    "(SELECT coalesce(sum(registered + attested + paid + claimed + repaid), 0) FROM ledger_balance "
			    "WHERE part_id = p.id) FROM part p WHERE p.id = $1",
	[ST_ORG] = "SELECT id FROM org WHERE code = $1",
	[ST_ORGS] = "SELECT k.i, o.id FROM unnest($1::text[]) WITH ORDINALITY AS k(code, i) JOIN org o ON o.code = k.code",
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
	[ST_EXPECT] = "looking up the batch's event ids",
	[ST_INSERT_EVENTS] = "recording the batch's events",
	[ST_GET_ACCOUNTS] = "reading the accounts",
	[ST_PUT_BALANCES] = "writing the accounts' balances",
	[ST_PART] = "looking up a part",
	[ST_PART_BY_ID] = "looking up a part",
	[ST_PART_AMOUNTS] = "summing a part's payments",
	[ST_ORG] = "looking up a recipient",
	[ST_ORGS] = "looking up the recipients",
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

/* Arrays as PostgreSQL reads them ('{1,2,NULL}', '{"a","b\\"c"}'): a
 * batch's rows travel as one argument per column. */
static void arr_sep(struct buf *b)
{
	buf_add(b, b->len ? "," : "{", 1);
}

/* A batch's arrays are thousands of numbers and strings: written digit by
 * digit and byte by byte, not through printf. */
void pq_arr_int(struct buf *b, int64_t v, bool null)
{
	arr_sep(b);
	if (null) {
		buf_add(b, "NULL", 4);
		return;
	}
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

void pq_arr_text(struct buf *b, const char *v)
{
	arr_sep(b);
	if (!v) {
		buf_add(b, "NULL", 4);
		return;
	}
	size_t n = strlen(v), quoted = 0;
	for (size_t i = 0; i < n; i++)
		quoted += v[i] == '"' || v[i] == '\\';
	char stack[256], *q = n + quoted + 2 <= sizeof(stack) ? stack : xmalloc(n + quoted + 2), *o = q;
	*o++ = '"';
	if (!quoted) {
		memcpy(o, v, n);
		o += n;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (v[i] == '"' || v[i] == '\\')
				*o++ = '\\';
			*o++ = v[i];
		}
	}
	*o++ = '"';
	buf_add(b, q, (size_t)(o - q));
	if (q != stack)
		free(q);
}

const char *pq_arr_end(struct buf *b)
{
	if (!b->len)
		buf_add(b, "{", 1);
	buf_add(b, "}", 1);
	return b->data;
}

void pq_arrs_init(struct buf *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_init(&a[i], SIZE_MAX);
}

void pq_arrs_release(struct buf *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_release(&a[i]);
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
	/* 32 bytes (read in hex); anything else matches no digest. */
	unsigned char *dg = strpool_alloc(s->pool, LEDGER_DIGEST_LEN);
	const char *hex = pq_text(&q, 2);
	size_t got = 0;
	if (!hex || sodium_hex2bin(dg, LEDGER_DIGEST_LEN, hex, strlen(hex), NULL, &got, NULL) != 0 ||
	    got != LEDGER_DIGEST_LEN)
		memset(dg, 0, LEDGER_DIGEST_LEN);
	*out = (struct engine_event){
		.seq = pq_i64(&q, 0),
		.id = keep(s, &q, 1),
		.digest = dg,
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

/* A batch's events, appended without a statement each (events_expect).
 *
 * events_expect looks the batch's ids up in one statement, with the last
 * seq.  An id found absent is then appended into memory: numbered next
 * (seq is the last plus one, as SQLite numbers them and as the one-row
 * INSERT does; the write transaction's lock on bd_generation keeps other
 * writers out until it commits), and sent with the others of the batch in
 * one multi-row INSERT just before the next statement of any kind
 * (pq-stmt.c) or the commit.  So every statement, a read of ledger_event
 * included, sees every event appended before it.  An id not looked up, or
 * one looked up and found recorded, or appended before in the batch, is
 * taken (1, nothing written); an id not looked up takes the one-row
 * INSERT ... ON CONFLICT, which says whether it was taken.  A rollback or
 * a commit ends the batch. */
struct expected {
	uint64_t hash;
	const char *id;
	bool taken; /* recorded before the batch, or appended in it */
};
struct pq_batch {
	bool active;
	int64_t next_seq;
	struct expected *slot; /* open addressing; hash 0: empty */
	size_t cap;
	struct engine_event *row; /* appended, not yet sent */
	size_t n, nrow;
	struct strpool pool;
	bool flushing;
};

static uint64_t id_hash(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h | 1;
}

static struct expected *expected_find(struct pq_batch *b, const char *id, bool insert)
{
	if (!b->cap)
		return NULL;
	uint64_t h = id_hash(id);
	size_t i = h & (b->cap - 1);
	for (; b->slot[i].hash; i = (i + 1) & (b->cap - 1))
		if (b->slot[i].hash == h && strcmp(b->slot[i].id, id) == 0)
			return insert ? NULL : &b->slot[i];
	if (!insert)
		return NULL;
	b->slot[i] = (struct expected){.hash = h, .id = strpool_strdup(&b->pool, id)};
	return &b->slot[i];
}

void pq_batch_end(struct pg_store *s)
{
	struct pq_batch *b = s->batch;
	if (!b)
		return;
	strpool_release(&b->pool);
	free(b->slot);
	free(b->row);
	free(b);
	s->batch = NULL;
}

int pq_events_expect(struct store *base, const char *const *ids, size_t n, struct bd_error *err)
{
	struct pg_store *s = P(base);
	if (!s->in_tx || !n) /* each statement its own transaction: nothing to hold back */
		return 0;
	struct buf col;
	buf_init(&col, SIZE_MAX);
	for (size_t i = 0; i < n; i++)
		pq_arr_text(&col, ids[i]);
	struct pq_stmt q;
	int rc = use(s, ST_EXPECT, &q, err) || pq_bind(&q, PQ_TA(pq_arr_end(&col))) ? -1 : 0;
	buf_release(&col);
	if (rc)
		return -1;
	/* The statement sent what an earlier batch of this transaction held. */
	pq_batch_end(s);
	struct pq_batch *b = xcalloc(1, sizeof(*b));
	strpool_init(&b->pool);
	b->cap = 64;
	while (b->cap < 2 * n)
		b->cap *= 2;
	b->slot = xcalloc(b->cap, sizeof(*b->slot));
	for (size_t i = 0; i < n; i++)
		expected_find(b, ids[i], true);
	while ((rc = pq_row(&q)) > 0) {
		const char *known = pq_text(&q, 0);
		if (!known) {
			b->next_seq = pq_i64(&q, 1) + 1;
			b->active = true;
			continue;
		}
		struct expected *x = expected_find(b, known, false);
		if (x)
			x->taken = true;
	}
	if (rc < 0 || !b->active) {
		strpool_release(&b->pool);
		free(b->slot);
		free(b);
		return rc < 0 ? -1 : bd_failc(err, BD_IO, "internal: looking up the batch's event ids: no last seq");
	}
	s->batch = b;
	return 0;
}

int pq_batch_flush(struct pg_store *s, struct bd_error *err)
{
	struct pq_batch *b = s->batch;
	if (!b || !b->nrow || b->flushing)
		return 0;
	enum { NCOL = 15 };
	struct buf col[NCOL];
	pq_arrs_init(col, NCOL);
	for (size_t i = 0; i < b->nrow; i++) {
		const struct engine_event *e = &b->row[i];
		pq_arr_int(&col[0], e->seq, false);
		pq_arr_text(&col[1], e->id);
		char hex[2 * LEDGER_DIGEST_LEN + 1];
		sodium_bin2hex(hex, sizeof(hex), e->digest, LEDGER_DIGEST_LEN);
		pq_arr_text(&col[2], hex);
		pq_arr_text(&col[3], event_kind_name(e->kind));
		pq_arr_int(&col[4], e->part_id, false);
		pq_arr_int(&col[5], e->org_id, false);
		pq_arr_int(&col[6], e->amount, false);
		pq_arr_text(&col[7], e->from == B_NONE ? NULL : bucket_name(e->from));
		pq_arr_text(&col[8], e->to == B_NONE ? NULL : bucket_name(e->to));
		pq_arr_text(&col[9], e->date);
		pq_arr_text(&col[10], e->actor);
		pq_arr_int(&col[11], e->ref_seq, e->ref_seq <= 0);
		pq_arr_text(&col[12], e->batch);
		pq_arr_text(&col[13], e->detail);
		pq_arr_text(&col[14], e->recorded);
	}
	size_t sent = b->nrow;
	b->flushing = true;
	struct pq_stmt q;
	int rc = use(s, ST_INSERT_EVENTS, &q, err) ? -1 : pq_exec(&q, PQ_IA(pq_arr_end(&col[0])), PQ_TA(pq_arr_end(&col[1])),
		 PQ_TA(pq_arr_end(&col[2])), PQ_TA(pq_arr_end(&col[3])), PQ_IA(pq_arr_end(&col[4])), PQ_IA(pq_arr_end(&col[5])),
		 PQ_IA(pq_arr_end(&col[6])), PQ_TA(pq_arr_end(&col[7])), PQ_TA(pq_arr_end(&col[8])), PQ_TA(pq_arr_end(&col[9])),
		 PQ_TA(pq_arr_end(&col[10])), PQ_IA(pq_arr_end(&col[11])), PQ_TA(pq_arr_end(&col[12])), PQ_TA(pq_arr_end(&col[13])),
		 PQ_TA(pq_arr_end(&col[14])));
	b->flushing = false;
	pq_arrs_release(col, NCOL);
	b->nrow = 0;
	if (rc < 0)
		return -1;
	if ((size_t)rc != sent)
		return bd_failc(err, BD_IO, "internal: recording the batch's events: %d of %zu rows written", rc, sent);
	return 0;
}

int pq_event_append(struct store *base, const struct engine_event *e, int64_t *seq, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_batch *b = s->batch;
	struct expected *x = b && b->active && s->in_tx ? expected_find(b, e->id, false) : NULL;
	if (x && x->taken) /* recorded, or appended before in this batch */
		return 1;
	if (x) {
		x->taken = true;
		if (b->nrow == b->n) {
			b->n = b->n ? 2 * b->n : 256;
			b->row = xreallocarray(b->row, b->n, sizeof(*b->row));
		}
		struct engine_event *r = &b->row[b->nrow++];
		*r = *e;
		r->id = x->id;
		unsigned char *dg = strpool_alloc(&b->pool, LEDGER_DIGEST_LEN);
		memcpy(dg, e->digest, LEDGER_DIGEST_LEN);
		r->digest = dg;
		r->actor = strpool_strdup(&b->pool, e->actor);
		r->date = strpool_strdup(&b->pool, e->date);
		r->batch = strpool_strdup(&b->pool, e->batch);
		r->detail = strpool_strdup(&b->pool, e->detail);
		r->recorded = strpool_strdup(&b->pool, e->recorded);
		r->seq = *seq = b->next_seq++;
		return 0;
	}
	/* One row, now (the statement sends the batch's first). */
	struct pq_stmt q;
	if (use(s, ST_INSERT_EVENT, &q, err))
		return -1;
	char hex[2 * LEDGER_DIGEST_LEN + 1];
	sodium_bin2hex(hex, sizeof(hex), e->digest, LEDGER_DIGEST_LEN);
	if (pq_bind(&q, PQ_T(e->id), PQ_T(hex), PQ_T(event_kind_name(e->kind)), PQ_I(e->part_id),
		    PQ_I(e->org_id), PQ_I(e->amount), PQ_T(e->from == B_NONE ? NULL : bucket_name(e->from)),
		    PQ_T(e->to == B_NONE ? NULL : bucket_name(e->to)), PQ_T(e->date), PQ_T(e->actor),
		    PQ_ID(e->ref_seq), PQ_T(e->batch), PQ_T(e->detail), PQ_T(e->recorded)))
		return -1;
	int rc = pq_row(&q);
	if (rc <= 0) /* no row: the id was taken */
		return rc < 0 ? -1 : 1;
	*seq = pq_i64(&q, 0);
	if (b && b->active)
		b->next_seq = *seq + 1;
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

int pq_accounts_get(struct store *base, struct engine_account_row *a, size_t n, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct buf col[2];
	pq_arrs_init(col, 2);
	for (size_t i = 0; i < n; i++) {
		pq_arr_int(&col[0], a[i].part_id, false);
		pq_arr_int(&col[1], a[i].org_id, false);
		a[i].state = ACCOUNT_NONE;
	}
	struct pq_stmt q;
	int rc = use(s, ST_GET_ACCOUNTS, &q, err) || pq_bind(&q, PQ_IA(pq_arr_end(&col[0])), PQ_IA(pq_arr_end(&col[1])))
			 ? -1
			 : 0;
	pq_arrs_release(col, 2);
	if (rc)
		return -1;
	while ((rc = pq_row(&q)) > 0) {
		int64_t i = pq_i64(&q, 0) - 1;
		if (i < 0 || (size_t)i >= n)
			return pq_stop(&q, bd_failc(err, BD_IO, "internal: reading the accounts: row %" PRId64, i + 1));
		struct engine_account_row *r = &a[i];
		if (pq_i64(&q, 1)) {
			r->state = ACCOUNT_KEPT;
			memset(&r->bal, 0, sizeof(r->bal));
			r->bal.allocated = pq_i64(&q, 2);
			for (int b = 0; b < B_COUNT; b++)
				r->bal.b[b] = pq_i64(&q, 3 + b);
			r->bal.reports = pq_int(&q, 11);
			copy_date(r->bal.last_date, pq_text(&q, 12));
		} else if (pq_i64(&q, 13)) {
			r->state = ACCOUNT_NEW;
			r->kronor = pq_i64(&q, 14);
		}
	}
	return rc;
}

int pq_balances_put(struct store *base, const struct engine_account_row *a, size_t n, struct bd_error *err)
{
	struct pg_store *s = P(base);
	enum { NCOL = 14 };
	struct buf col[NCOL];
	pq_arrs_init(col, NCOL);
	for (size_t i = 0; i < n; i++) {
		const struct ledger_balance *b = &a[i].bal;
		pq_arr_int(&col[0], a[i].part_id, false);
		pq_arr_int(&col[1], a[i].org_id, false);
		pq_arr_int(&col[2], b->allocated, false);
		for (int k = 0; k < B_COUNT; k++)
			pq_arr_int(&col[3 + k], b->b[k], false);
		pq_arr_int(&col[11], b->reports, false);
		pq_arr_text(&col[12], b->last_date);
		pq_arr_int(&col[13], a[i].last_seq, false);
	}
	struct pq_stmt q;
	int rc = use(s, ST_PUT_BALANCES, &q, err) ||
			 pq_exec(&q, PQ_IA(pq_arr_end(&col[0])), PQ_IA(pq_arr_end(&col[1])), PQ_IA(pq_arr_end(&col[2])),
				 PQ_IA(pq_arr_end(&col[3])), PQ_IA(pq_arr_end(&col[4])), PQ_IA(pq_arr_end(&col[5])),
				 PQ_IA(pq_arr_end(&col[6])), PQ_IA(pq_arr_end(&col[7])), PQ_IA(pq_arr_end(&col[8])),
				 PQ_IA(pq_arr_end(&col[9])), PQ_IA(pq_arr_end(&col[10])), PQ_IA(pq_arr_end(&col[11])),
				 PQ_TA(pq_arr_end(&col[12])), PQ_IA(pq_arr_end(&col[13]))) < 0
		 ? -1
		 : 0;
	pq_arrs_release(col, NCOL);
	return rc;
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

int pq_org_ids(struct store *base, const char *const *codes, size_t n, int64_t *ids, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct buf col;
	buf_init(&col, SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		pq_arr_text(&col, codes[i]);
		ids[i] = 0;
	}
	struct pq_stmt q;
	int rc = use(s, ST_ORGS, &q, err) || pq_bind(&q, PQ_TA(pq_arr_end(&col))) ? -1 : 0;
	buf_release(&col);
	if (rc)
		return -1;
	while ((rc = pq_row(&q)) > 0) {
		int64_t i = pq_i64(&q, 0) - 1;
		if (i < 0 || (size_t)i >= n)
			return pq_stop(&q, bd_failc(err, BD_IO, "internal: looking up the recipients: row %" PRId64, i + 1));
		ids[i] = pq_i64(&q, 1);
	}
	return rc;
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
