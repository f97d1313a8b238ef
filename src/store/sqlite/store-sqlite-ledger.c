/* store-sqlite-ledger.c: the ledger's primitives in the SQLite engine:
 * find, append and follow events, get and put balances, look up parts,
 * organisations, allocations and payees.  The rules that use them are in
 * src/store/ledger.c.  The statements of the recording path are prepared
 * once per connection (a 1 000-event batch runs them thousands of times). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "sqlite-internal.h"

enum {
	ST_FIND_EVENT,
	ST_INSERT_EVENT,
	ST_REFS,
	ST_GET_BALANCE,
	ST_PUT_BALANCE,
	ST_UPDATE_BALANCE,
	ST_PART,
	ST_PART_BY_ID,
	ST_PART_AMOUNTS,
	ST_ORG,
	ST_ALLOC,
	ST_PAYEE,
	ST_DATA_VERSION,
	ST_COUNT,
};

static const char *const sql[ST_COUNT] = {
	[ST_FIND_EVENT] = "SELECT seq, id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, date, actor, "
			  " coalesce(ref_seq, 0), batch, detail, recorded, json_extract(detail, '$.override'), "
			  " EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = ledger_event.seq AND c.kind = "
			  " 'correction') FROM ledger_event WHERE id = ?1",
	/* A known id is not an error here: the caller looks at what it names. */
	[ST_INSERT_EVENT] = "INSERT INTO ledger_event (id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, "
			    "date, actor, ref_seq, batch, detail, recorded) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (id) DO NOTHING",
	[ST_REFS] = "SELECT e.seq, e.id, e.kind, e.actor, e.date, EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = "
		    "e.seq AND c.kind = 'correction') FROM ledger_event e WHERE e.ref_seq = ?1 ORDER BY e.seq",
	[ST_GET_BALANCE] = "SELECT allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, repaid, "
			   "reports, last_date FROM ledger_balance WHERE part_id = ?1 AND org_id = ?2",
	/* A kept account's row is updated in place (cheaper than REPLACE's
	 * delete and insert); a new one inserted. */
	[ST_UPDATE_BALANCE] = "UPDATE ledger_balance SET allocated = ?3, avail = ?4, requisitioned = ?5, registered = ?6, "
			      "attested = ?7, paid = ?8, lapsed = ?9, claimed = ?10, repaid = ?11, reports = ?12, "
			      "last_date = ?13, last_seq = ?14 WHERE part_id = ?1 AND org_id = ?2",
	[ST_PUT_BALANCE] = "INSERT OR REPLACE INTO ledger_balance (part_id, org_id, allocated, avail, requisitioned, "
			   "registered, attested, paid, lapsed, claimed, repaid, reports, last_date, last_seq) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_PART] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date "
		    "FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = ?1 AND p.code = ?2",
	[ST_PART_BY_ID] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, "
			  "d.date FROM part p JOIN decision d ON d.id = p.decision_id WHERE p.id = ?1",
	[ST_PART_AMOUNTS] = "SELECT p.amount, (SELECT coalesce(sum(amount), 0) FROM allocation WHERE part_id = p.id), "
			    "(SELECT coalesce(sum(registered + attested + paid + claimed + repaid), 0) FROM ledger_balance "
			    "WHERE part_id = p.id) FROM part p WHERE p.id = ?1",
	[ST_ORG] = "SELECT id FROM org WHERE code = ?1",
	[ST_ALLOC] = "SELECT amount FROM allocation WHERE part_id = ?1 AND org_id = ?2",
	/* The row's payee, the part's, and the recipient; each payee with its
	 * organisation's own account. */
	[ST_PAYEE] = "SELECT py.id, po.name, po.orgnr, py.bankgiro, py.plusgiro, py.reference, po.bankgiro, po.plusgiro, "
		     " po.payment_ref, ppy.id, ppo.name, ppo.orgnr, ppy.bankgiro, ppy.plusgiro, ppy.reference, ppo.bankgiro, "
		     " ppo.plusgiro, ppo.payment_ref, o.name, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref "
		     "FROM allocation al JOIN part p ON p.id = al.part_id JOIN org o ON o.id = al.org_id "
		     "LEFT JOIN payee py ON py.id = al.payee_id LEFT JOIN org po ON po.id = py.org_id "
		     "LEFT JOIN payee ppy ON ppy.id = p.payee_id LEFT JOIN org ppo ON ppo.id = ppy.org_id "
		     "WHERE al.part_id = ?1 AND al.org_id = ?2",
	[ST_DATA_VERSION] = "PRAGMA data_version",
};

static const char *const what[ST_COUNT] = {
	[ST_FIND_EVENT] = "looking up an event id",
	[ST_INSERT_EVENT] = "recording an event",
	[ST_REFS] = "reading an event's state",
	[ST_GET_BALANCE] = "reading an account",
	[ST_PUT_BALANCE] = "writing an account's balance",
	[ST_UPDATE_BALANCE] = "writing an account's balance",
	[ST_PART] = "looking up a part",
	[ST_PART_BY_ID] = "looking up a part",
	[ST_PART_AMOUNTS] = "summing a part's payments",
	[ST_ORG] = "looking up a recipient",
	[ST_ALLOC] = "reading an allocation",
	[ST_PAYEE] = "reading a payee",
	[ST_DATA_VERSION] = "reading the data version",
};

/* A text parameter of the event INSERT bound from a copy of its own, so
 * that the next event with the same value (the batch's actor, date, time
 * recorded) need not bind it again. */
struct kept_text {
	char *v; /* NULL: bound NULL */
	size_t cap;
	bool bound;
};

/* The event INSERT's parameters as bound now (append binds only what
 * differs from the previous event's). */
struct insert_binds {
	bool bound; /* the fields below hold what is bound */
	const char *kind, *from, *to; /* static names */
	int64_t part_id, org_id, amount, ref_seq;
	struct kept_text actor, date, batch, recorded;
};

struct ledger_cache {
	sqlite3_stmt *st[ST_COUNT];
	struct strpool pool; /* the strings of the last event_find or payee_get */
	unsigned char digest[LEDGER_DIGEST_LEN]; /* the last event_find's */
	struct insert_binds ins;
};

void sq_ledger_cache_free(struct sqlite_store *s)
{
	struct ledger_cache *c = s->ledger;
	if (!c)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	strpool_release(&c->pool);
	free(c->ins.actor.v);
	free(c->ins.date.v);
	free(c->ins.batch.v);
	free(c->ins.recorded.v);
	free(c);
	s->ledger = NULL;
}

/* use: lend the kept statement i to q, preparing it on first use. */
static int use(struct sqlite_store *s, int i, struct sq_stmt *q, struct bd_error *err)
{
	if (!s->ledger) {
		s->ledger = xcalloc(1, sizeof(*s->ledger));
		strpool_init(&s->ledger->pool);
	}
	struct ledger_cache *c = s->ledger;
	if (!c->st[i]) {
		int rc = sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(c->st[i]);
			c->st[i] = NULL;
			return sq_fail(s, rc, "preparing the ledger's statements", err);
		}
	}
	sq_use(q, s, c->st[i], what[i], err);
	return 0;
}

/* keep: a copy of a column that outlives the statement's reset. */
static const char *keep(struct sqlite_store *s, const struct sq_stmt *q, int col)
{
	const char *t = sq_text(q, col);
	return t ? strpool_strdup(&s->ledger->pool, t) : NULL;
}

static void fresh_pool(struct sqlite_store *s)
{
	strpool_release(&s->ledger->pool);
	strpool_init(&s->ledger->pool);
}

static enum bucket bucket_col(const struct sq_stmt *q, int col)
{
	const char *t = sq_text(q, col);
	return t ? (enum bucket)bucket_parse(t) : B_NONE;
}

static void copy_date(char out[DATE_LEN], const char *t)
{
	snprintf(out, DATE_LEN, "%s", t ? t : "");
}

void sq_terms_from_row(const struct sq_stmt *q, int col, struct ledger_terms *t)
{
	memset(t, 0, sizeof(*t));
	t->mode = strcmp(sq_text(q, col), "requisition") == 0 ? PAY_REQUISITION : PAY_WITHOUT_REQUISITION;
	copy_date(t->from, sq_text(q, col + 1));
	copy_date(t->to, sq_text(q, col + 2));
	copy_date(t->by, sq_text(q, col + 3));
	copy_date(t->deadline, sq_text(q, col + 4));
	t->lapses = sq_int(q, col + 5) != 0;
	copy_date(t->decision_date, sq_text(q, col + 6));
}

int sq_event_find(struct store *base, const char *id, struct engine_event *out, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_FIND_EVENT, &q, err) || sq_bind(&q, SQ_T(id)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	fresh_pool(s);
	/* 32 bytes; anything else (never written) matches no digest. */
	unsigned char *dg = s->ledger->digest;
	memset(dg, 0, LEDGER_DIGEST_LEN);
	if (sqlite3_column_type(q.st, 2) == SQLITE_BLOB && sqlite3_column_bytes(q.st, 2) == LEDGER_DIGEST_LEN)
		memcpy(dg, sqlite3_column_blob(q.st, 2), LEDGER_DIGEST_LEN);
	*out = (struct engine_event){
		.seq = sq_i64(&q, 0),
		.id = keep(s, &q, 1),
		.digest = dg,
		.kind = (enum event_kind)event_kind_parse(sq_text(&q, 3)),
		.part_id = sq_i64(&q, 4),
		.org_id = sq_i64(&q, 5),
		.amount = sq_i64(&q, 6),
		.from = bucket_col(&q, 7),
		.to = bucket_col(&q, 8),
		.date = keep(s, &q, 9),
		.actor = keep(s, &q, 10),
		.ref_seq = sq_i64(&q, 11),
		.batch = keep(s, &q, 12),
		.detail = keep(s, &q, 13),
		.recorded = keep(s, &q, 14),
		.override = keep(s, &q, 15),
		.corrected = sq_int(&q, 16) != 0,
		.ref_kind = -1,
	};
	return sq_stop(&q, 0);
}

/* bind_kept: v as parameter col, from k's own copy, unless k holds it
 * bound already. */
static int bind_kept(sqlite3_stmt *st, int col, struct kept_text *k, const char *v)
{
	if (k->bound && (v ? k->v && strcmp(k->v, v) == 0 : !k->v))
		return SQLITE_OK;
	k->bound = false;
	if (!v) {
		free(k->v);
		*k = (struct kept_text){0};
		int rc = sqlite3_bind_null(st, col);
		k->bound = rc == SQLITE_OK;
		return rc;
	}
	size_t len = strlen(v);
	if (!k->v || k->cap < len + 1) {
		free(k->v);
		k->cap = len + 1 > 64 ? len + 1 : 64;
		k->v = xmalloc(k->cap);
	}
	memcpy(k->v, v, len + 1);
	int rc = sqlite3_bind_text(st, col, k->v, (int)len, SQLITE_STATIC);
	k->bound = rc == SQLITE_OK;
	return rc;
}

static int bind_name(sqlite3_stmt *st, int col, const char **bound, const char *v, bool fresh)
{
	if (!fresh && *bound == v)
		return SQLITE_OK;
	int rc = v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
	*bound = v;
	return rc;
}

static int bind_int(sqlite3_stmt *st, int col, int64_t *bound, int64_t v, bool fresh, bool null_if_zero)
{
	if (!fresh && *bound == v)
		return SQLITE_OK;
	*bound = v;
	return null_if_zero && v <= 0 ? sqlite3_bind_null(st, col) : sqlite3_bind_int64(st, col, v);
}

/* The hot path of recording: one INSERT per event, its parameters bound
 * straight from the event (no copies) and those the previous event had
 * alike (kind, part, date, actor, the time recorded...) not bound again.
 * Bindings outlive a reset, and nothing else runs this statement. */
int sq_event_append(struct store *base, const struct engine_event *e, int64_t *seq, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_INSERT_EVENT, &q, err))
		return -1;
	struct insert_binds *b = &s->ledger->ins;
	sqlite3_stmt *st = q.st;
	bool fresh = !b->bound;
	b->bound = false;
	int rc = sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 2, e->digest, LEDGER_DIGEST_LEN, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = bind_name(st, 3, &b->kind, event_kind_name(e->kind), fresh);
	if (rc == SQLITE_OK)
		rc = bind_int(st, 4, &b->part_id, e->part_id, fresh, false);
	if (rc == SQLITE_OK)
		rc = bind_int(st, 5, &b->org_id, e->org_id, fresh, false);
	if (rc == SQLITE_OK)
		rc = bind_int(st, 6, &b->amount, e->amount, fresh, false);
	if (rc == SQLITE_OK)
		rc = bind_name(st, 7, &b->from, e->from == B_NONE ? NULL : bucket_name(e->from), fresh);
	if (rc == SQLITE_OK)
		rc = bind_name(st, 8, &b->to, e->to == B_NONE ? NULL : bucket_name(e->to), fresh);
	if (rc == SQLITE_OK)
		rc = bind_kept(st, 9, &b->date, e->date);
	if (rc == SQLITE_OK)
		rc = bind_kept(st, 10, &b->actor, e->actor);
	if (rc == SQLITE_OK)
		rc = bind_int(st, 11, &b->ref_seq, e->ref_seq > 0 ? e->ref_seq : 0, fresh, true);
	if (rc == SQLITE_OK)
		rc = bind_kept(st, 12, &b->batch, e->batch);
	if (rc == SQLITE_OK)
		rc = e->detail ? sqlite3_bind_text(st, 13, e->detail, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 13);
	if (rc == SQLITE_OK)
		rc = bind_kept(st, 14, &b->recorded, e->recorded);
	if (rc != SQLITE_OK) {
		/* Bound in part: the next event binds everything. */
		b->actor.bound = b->date.bound = b->batch.bound = b->recorded.bound = false;
		return sq_fail(s, rc, "recording an event", err);
	}
	b->bound = true;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		sq_fail(s, rc, "recording an event", err);
		sqlite3_reset(st);
		return -1;
	}
	int changed = sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (changed == 0) /* a known id: ON CONFLICT (id) DO NOTHING */
		return 1;
	*seq = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int sq_event_refs(struct store *base, int64_t seq, engine_event_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_REFS, &q, err) || sq_bind(&q, SQ_I(seq)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_event e = {
			.seq = sq_i64(&q, 0),
			.id = sq_text(&q, 1),
			.kind = (enum event_kind)event_kind_parse(sq_text(&q, 2)),
			.actor = sq_text(&q, 3),
			.date = sq_text(&q, 4),
			.corrected = sq_int(&q, 5) != 0,
			.ref_seq = seq,
			.ref_kind = -1,
			.from = B_NONE,
			.to = B_NONE,
		};
		if (fn(ctx, &e))
			return sq_stop(&q, -1);
	}
	return rc;
}

/* balance_get: the balance kept for an account; 1 if none. */
static int balance_get(struct sqlite_store *s, int64_t part_id, int64_t org_id, struct ledger_balance *out,
		       struct bd_error *err)
{
	struct sq_stmt q;
	if (use(s, ST_GET_BALANCE, &q, err) || sq_bind(&q, SQ_I(part_id), SQ_I(org_id)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	memset(out, 0, sizeof(*out));
	out->allocated = sq_i64(&q, 0);
	for (int b = 0; b < B_COUNT; b++)
		out->b[b] = sq_i64(&q, 1 + b);
	out->reports = sq_int(&q, 9);
	copy_date(out->last_date, sq_text(&q, 10));
	return sq_stop(&q, 0);
}

/* allocation_get: the kronor locked for an account; 1 if none. */
static int allocation_get(struct sqlite_store *s, int64_t part_id, int64_t org_id, int64_t *kronor,
			  struct bd_error *err)
{
	struct sq_stmt q;
	if (use(s, ST_ALLOC, &q, err) || sq_bind(&q, SQ_I(part_id), SQ_I(org_id)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*kronor = sq_i64(&q, 0);
	return sq_stop(&q, 0);
}

/* The batch-level primitives row by row: a statement costs no round trip
 * here, and the kept statements are as fast as SQLite gets. */
int sq_accounts_get(struct store *base, struct engine_account_row *a, size_t n, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	for (size_t i = 0; i < n; i++) {
		int rc = balance_get(s, a[i].part_id, a[i].org_id, &a[i].bal, err);
		if (rc < 0)
			return -1;
		a[i].state = ACCOUNT_KEPT;
		if (rc == 0)
			continue;
		rc = allocation_get(s, a[i].part_id, a[i].org_id, &a[i].kronor, err);
		if (rc < 0)
			return -1;
		a[i].state = rc == 0 ? ACCOUNT_NEW : ACCOUNT_NONE;
	}
	return 0;
}

int sq_balances_put(struct store *base, const struct engine_account_row *a, size_t n, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	for (size_t i = 0; i < n; i++) {
		const struct ledger_balance *b = &a[i].bal;
		struct sq_stmt q;
		if (use(s, ST_UPDATE_BALANCE, &q, err))
			return -1;
		/* Bound straight: 13 integers and a date that outlives the step. */
		sqlite3_stmt *st = q.st;
		int64_t v[14] = {a[i].part_id, a[i].org_id, b->allocated, b->b[0], b->b[1], b->b[2], b->b[3], b->b[4],
				 b->b[5], b->b[6], b->b[7], b->reports, 0, a[i].last_seq};
		int rc = SQLITE_OK;
		for (int k = 0; k < 14 && rc == SQLITE_OK; k++)
			rc = k == 12 ? sqlite3_bind_text(st, 13, b->last_date, -1, SQLITE_STATIC)
				     : sqlite3_bind_int64(st, k + 1, v[k]);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			sq_fail(s, sqlite3_extended_errcode(s->db), what[ST_UPDATE_BALANCE], err);
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
		if (sqlite3_changes(s->db) > 0)
			continue;
		if (use(s, ST_PUT_BALANCE, &q, err) ||
		    sq_exec(&q, SQ_I(a[i].part_id), SQ_I(a[i].org_id), SQ_I(b->allocated), SQ_I(b->b[0]), SQ_I(b->b[1]),
			    SQ_I(b->b[2]), SQ_I(b->b[3]), SQ_I(b->b[4]), SQ_I(b->b[5]), SQ_I(b->b[6]), SQ_I(b->b[7]),
			    SQ_I(b->reports), SQ_T(b->last_date), SQ_I(a[i].last_seq)) < 0)
			return -1;
	}
	return 0;
}

/* events_expect: nothing to gain: an INSERT's own check of the id costs
 * what a lookup would. */
int sq_events_expect(struct store *base, const char *const *ids, size_t n, struct bd_error *err)
{
	(void)base;
	(void)ids;
	(void)n;
	(void)err;
	return 0;
}

static int part_row(struct sq_stmt *q, int64_t *id, struct ledger_terms *terms)
{
	int rc = sq_row(q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	if (id)
		*id = sq_i64(q, 0);
	sq_terms_from_row(q, 1, terms);
	return sq_stop(q, 0);
}

int sq_part_find(struct store *base, const char *dnr, const char *code, int64_t *id, struct ledger_terms *terms,
		 struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_PART, &q, err) || sq_bind(&q, SQ_T(dnr), SQ_T(code)))
		return -1;
	return part_row(&q, id, terms);
}

int sq_part_get(struct store *base, int64_t id, struct ledger_terms *terms, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_PART_BY_ID, &q, err) || sq_bind(&q, SQ_I(id)))
		return -1;
	return part_row(&q, NULL, terms);
}

int sq_part_amounts(struct store *base, int64_t part_id, int64_t *decided, int64_t *allocated, int64_t *committed,
		    struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_PART_AMOUNTS, &q, err) || sq_bind(&q, SQ_I(part_id)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*decided = sq_i64(&q, 0);
	*allocated = sq_i64(&q, 1);
	*committed = sq_i64(&q, 2);
	return sq_stop(&q, 0);
}

int sq_org_id(struct store *base, const char *code, int64_t *id, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_ORG, &q, err) || sq_bind(&q, SQ_T(code)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*id = sq_i64(&q, 0);
	return sq_stop(&q, 0);
}

int sq_org_ids(struct store *base, const char *const *codes, size_t n, int64_t *ids, struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = sq_org_id(base, codes[i], &ids[i], err);
		if (rc < 0)
			return -1;
		if (rc)
			ids[i] = 0;
	}
	return 0;
}

int sq_payee_get(struct store *base, int64_t part_id, int64_t org_id, struct engine_payee out[PAYEE_CANDIDATES],
		 struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_PAYEE, &q, err) || sq_bind(&q, SQ_I(part_id), SQ_I(org_id)))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "database: reading a payee: no allocation row");
	fresh_pool(s);
	for (int k = PAYEE_OF_ROW; k <= PAYEE_OF_PART; k++) {
		int base_col = k == PAYEE_OF_ROW ? 0 : 9;
		out[k] = (struct engine_payee){
			.present = !sq_isnull(&q, base_col),
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
	return sq_stop(&q, 0);
}

int sq_data_version(struct store *base, int64_t *version, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (use(s, ST_DATA_VERSION, &q, err))
		return -1;
	int rc = sq_row(&q);
	if (rc <= 0)
		return rc < 0 ? -1 : bd_failc(err, BD_IO, "database: no data version");
	*version = sq_i64(&q, 0);
	return sq_stop(&q, 0);
}
