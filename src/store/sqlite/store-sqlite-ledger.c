/* store-sqlite-ledger.c: the ledger in the SQLite backend.
 *
 * Recording a batch: for each event, its id is looked up (a retry of the
 * same content is recognised and skipped, different content under a known
 * id is refused), its account (part, recipient) is loaded once per batch,
 * ledger_apply() checks every rule and moves the money, and the event row is
 * appended.  The accounts' balances are written back once at the end of the
 * batch.  The caller holds the write transaction, so a batch is all or
 * nothing, and with synchronous=FULL an acknowledged batch survives a crash. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ledger.h"
#include "refdata.h"
#include "sqlite-internal.h"

enum {
	ST_FIND_EVENT,
	ST_INSERT_EVENT,
	ST_GET_BALANCE,
	ST_PUT_BALANCE,
	ST_PART,
	ST_ORG,
	ST_ALLOC,
	ST_REF,
	ST_REF_STATE,
	ST_PART_BY_ID,
	ST_DATA_VERSION,
	ST_PAYEE,
	ST_COUNT,
};

static const char *const sql[ST_COUNT] = {
	[ST_FIND_EVENT] = "SELECT digest, kind, actor, date, EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = "
			  "ledger_event.seq AND c.kind = 'correction') FROM ledger_event WHERE id = ?1",
	/* A known id is not an error here: the caller looks at what it names. */
	[ST_INSERT_EVENT] = "INSERT INTO ledger_event (id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, "
			    "date, actor, ref_seq, batch, detail, recorded) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (id) DO NOTHING",
	[ST_GET_BALANCE] = "SELECT allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, repaid, "
			   "reports, last_date FROM ledger_balance WHERE part_id = ?1 AND org_id = ?2",
	[ST_PUT_BALANCE] = "INSERT OR REPLACE INTO ledger_balance (part_id, org_id, allocated, avail, requisitioned, "
			   "registered, attested, paid, lapsed, claimed, repaid, reports, last_date, last_seq) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_PART] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date "
		    "FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = ?1 AND p.code = ?2",
	[ST_ORG] = "SELECT id FROM org WHERE code = ?1",
	[ST_ALLOC] = "SELECT amount FROM allocation WHERE part_id = ?1 AND org_id = ?2",
	[ST_REF] = "SELECT seq, kind, part_id, org_id, amount, from_bucket, to_bucket, actor, date, ref_seq, "
		   " coalesce(json_extract(detail, '$.override'), '') <> '' "
		   "FROM ledger_event WHERE id = ?1",
	/* Events referring to seq, and whether each was itself corrected. */
	[ST_PART_BY_ID] = "SELECT p.id, p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, "
			  "d.date FROM part p JOIN decision d ON d.id = p.decision_id WHERE p.id = ?1",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	/* Who a payment goes to: the row's payee, else the part's, else the
	 * recipient; each with its own account or its organisation's. */
	[ST_PAYEE] = "SELECT py.id, po.name, po.orgnr, py.bankgiro, py.plusgiro, py.reference, po.bankgiro, po.plusgiro, "
		     " po.payment_ref, ppy.id, ppo.name, ppo.orgnr, ppy.bankgiro, ppy.plusgiro, ppy.reference, ppo.bankgiro, "
		     " ppo.plusgiro, ppo.payment_ref, o.name, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref "
		     "FROM allocation al JOIN part p ON p.id = al.part_id JOIN org o ON o.id = al.org_id "
		     "LEFT JOIN payee py ON py.id = al.payee_id LEFT JOIN org po ON po.id = py.org_id "
		     "LEFT JOIN payee ppy ON ppy.id = p.payee_id LEFT JOIN org ppo ON ppo.id = ppy.org_id "
		     "WHERE al.part_id = ?1 AND al.org_id = ?2",
	[ST_REF_STATE] = "SELECT e.kind, EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = e.seq AND c.kind = "
			 "'correction') FROM ledger_event e WHERE e.ref_seq = ?1",
};

/* A small map from a 64-bit key or a string to a slot index. */
struct slot_map {
	size_t cap, n;
	uint64_t *hash;
	char **skey;
	size_t *val;
};

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h | 1; /* 0 marks an empty slot */
}

static void map_release(struct slot_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->skey)
			free(m->skey[i]);
	free(m->hash);
	free(m->skey);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static void map_grow(struct slot_map *m);
static size_t *map_insert_new(struct slot_map *m, uint64_t h);

/* map_slot: the slot of a string key, added when insert is set. */
static size_t *map_slot(struct slot_map *m, uint64_t h, const char *skey, bool insert)
{
	if (insert && (m->n + 1) * 2 > m->cap)
		map_grow(m);
	if (!m->cap)
		return NULL;
	size_t i = h & (m->cap - 1);
	for (;;) {
		if (m->hash[i] == 0) {
			if (!insert)
				return NULL;
			m->hash[i] = h;
			m->skey[i] = skey ? xstrdup(skey) : NULL;
			m->n++;
			return &m->val[i];
		}
		if (m->hash[i] == h && (!skey || strcmp(m->skey[i], skey) == 0))
			return &m->val[i];
		i = (i + 1) & (m->cap - 1);
	}
}

/* map_insert_new: a fresh slot for h, even when another key has the same
 * hash (accounts compare their ids themselves). */
static size_t *map_insert_new(struct slot_map *m, uint64_t h)
{
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	size_t i = h & (m->cap - 1);
	while (m->hash[i])
		i = (i + 1) & (m->cap - 1);
	m->hash[i] = h;
	m->n++;
	return &m->val[i];
}

static void map_grow(struct slot_map *m)
{
	struct slot_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->n = 0;
	m->hash = xcalloc(m->cap, sizeof(uint64_t));
	m->skey = xcalloc(m->cap, sizeof(char *));
	m->val = xcalloc(m->cap, sizeof(size_t));
	for (size_t i = 0; i < old.cap; i++)
		if (old.hash[i]) {
			size_t j = old.hash[i] & (m->cap - 1);
			while (m->hash[j])
				j = (j + 1) & (m->cap - 1);
			m->hash[j] = old.hash[i];
			m->skey[j] = old.skey[i];
			m->val[j] = old.val[i];
			m->n++;
		}
	free(old.hash);
	free(old.skey);
	free(old.val);
}

struct part_info {
	int64_t id;
	struct ledger_terms terms;
};

struct account {
	int64_t part_id, org_id;
	struct ledger_balance bal;
	size_t part; /* index into parts */
	bool dirty;
	int64_t last_seq;
	json_t *payee;      /* the payee as a payment registered now records it (lazily) */
	char *payment_detail; /* {"payee": ...}: the detail of a payment with nothing else to record */
};

struct ledger_cache {
	sqlite3_stmt *st[ST_COUNT];
	/* Parts and organisations never change once registered: their lookups
	 * are kept.  Account balances are kept between batches while this
	 * connection is the only writer (data_version unchanged) and nothing
	 * was rolled back. */
	bool accounts_valid;
	int64_t data_version;
	char *last_key; /* the previous event's "dnr\x1fpart", and its part */
	size_t last_part;
	struct part_info *parts;
	size_t nparts;
	struct slot_map part_by_name, org_by_text, account_by_ids;
	int64_t *org_ids;
	size_t norgs;
	struct account *accounts;
	size_t naccounts;
};

static void accounts_reset(struct ledger_cache *c);

void sq_ledger_cache_free(struct sqlite_store *s)
{
	struct ledger_cache *c = s->ledger;
	if (!c)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	accounts_reset(c);
	map_release(&c->part_by_name);
	map_release(&c->org_by_text);
	map_release(&c->account_by_ids);
	free(c->last_key);
	free(c->parts);
	free(c->org_ids);
	free(c->accounts);
	free(c);
	s->ledger = NULL;
}

static struct ledger_cache *cache(struct sqlite_store *s, struct bd_error *err)
{
	if (s->ledger)
		return s->ledger;
	struct ledger_cache *c = xcalloc(1, sizeof(*c));
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL) != SQLITE_OK) {
			db_fail(s, err, "preparing the ledger's statements");
			s->ledger = c;
			sq_ledger_cache_free(s);
			return NULL;
		}
	s->ledger = c;
	return c;
}

/* Forget the accounts' balances: another connection wrote, or a batch
 * was rolled back. */
static void accounts_reset(struct ledger_cache *c)
{
	for (size_t i = 0; i < c->naccounts; i++) {
		json_decref(c->accounts[i].payee);
		free(c->accounts[i].payment_detail);
	}
	map_release(&c->account_by_ids);
	c->naccounts = 0;
	c->accounts_valid = false;
}

void sq_ledger_forget(struct sqlite_store *s)
{
	if (s->ledger)
		accounts_reset(s->ledger);
}

static void copy_date(char out[DATE_LEN], const unsigned char *s)
{
	snprintf(out, DATE_LEN, "%s", s ? (const char *)s : "");
}

static size_t add_part(struct ledger_cache *c, sqlite3_stmt *st)
{
	c->parts = xreallocarray(c->parts, c->nparts + 1, sizeof(*c->parts));
	struct part_info *p = &c->parts[c->nparts];
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->terms.mode = strcmp(col_text(st, 1), "requisition") == 0 ? PAY_REQUISITION : PAY_WITHOUT_REQUISITION;
	copy_date(p->terms.from, sqlite3_column_text(st, 2));
	copy_date(p->terms.to, sqlite3_column_text(st, 3));
	copy_date(p->terms.by, sqlite3_column_text(st, 4));
	copy_date(p->terms.deadline, sqlite3_column_text(st, 5));
	p->terms.lapses = sqlite3_column_int(st, 6) != 0;
	copy_date(p->terms.decision_date, sqlite3_column_text(st, 7));
	return c->nparts++;
}

/* find_part_id: the part of an event referred to. */
static int find_part_id(struct sqlite_store *s, struct ledger_cache *c, int64_t id, size_t *out, struct bd_error *err)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (c->parts[i].id == id) {
			*out = i;
			return 0;
		}
	sqlite3_stmt *st = c->st[ST_PART_BY_ID];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? bd_fail(err, "internal: an event of no part") : db_fail(s, err, "looking up a part");
	}
	*out = add_part(c, st);
	sqlite3_reset(st);
	return 0;
}

static int find_part(struct sqlite_store *s, struct ledger_cache *c, const char *dnr, const char *part, size_t *out,
		     struct bd_error *err)
{
	/* Batches mostly stay on one part: compare with the previous first. */
	size_t dl = strlen(dnr), pl = strlen(part);
	if (c->last_key && strncmp(c->last_key, dnr, dl) == 0 && c->last_key[dl] == '\x1f' &&
	    strcmp(c->last_key + dl + 1, part) == 0) {
		*out = c->last_part;
		return 0;
	}
	char *key = xmalloc(dl + pl + 2);
	memcpy(key, dnr, dl);
	key[dl] = '\x1f';
	memcpy(key + dl + 1, part, pl + 1);
	uint64_t h = hash_bytes(key, strlen(key), 1469598103934665603ull);
	size_t *v = map_slot(&c->part_by_name, h, key, false);
	if (v) {
		free(c->last_key);
		c->last_key = key;
		c->last_part = *out = *v;
		return 0;
	}
	sqlite3_stmt *st = c->st[ST_PART];
	sqlite3_reset(st);
	bind_text(st, 1, dnr);
	bind_text(st, 2, part);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		free(key);
		if (rc != SQLITE_DONE)
			return db_fail(s, err, "looking up a part");
		return bd_fail(err, "no part '%s' in decision '%s' (see 'bidrag decision show %s')", part, dnr, dnr);
	}
	size_t idx = add_part(c, st);
	sqlite3_reset(st);
	*map_slot(&c->part_by_name, h, key, true) = idx;
	free(c->last_key);
	c->last_key = key;
	c->last_part = *out = idx;
	return 0;
}

static int find_org(struct sqlite_store *s, struct ledger_cache *c, const char *text, int64_t *out,
		    struct bd_error *err)
{
	uint64_t h = hash_bytes(text, strlen(text), 1469598103934665603ull);
	size_t *v = map_slot(&c->org_by_text, h, text, false);
	if (v) {
		*out = c->org_ids[*v];
		return 0;
	}
	/* A code, else a name or alias of the reference data. */
	const char *code = text;
	sqlite3_stmt *st = c->st[ST_ORG];
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_reset(st);
		bind_text(st, 1, code);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			c->org_ids = xreallocarray(c->org_ids, c->norgs + 1, sizeof(int64_t));
			c->org_ids[c->norgs] = id;
			*map_slot(&c->org_by_text, h, text, true) = c->norgs++;
			*out = id;
			return 0;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(s, err, "looking up a recipient");
		const struct recipient *r;
		if (pass == 1 || refdata_resolve(text, RK_ALL, &r, err))
			return -1;
		code = r->code;
	}
	return -1;
}

static struct account *find_account(struct sqlite_store *s, struct ledger_cache *c, size_t part, int64_t org_id,
				    const char *recipient, struct bd_error *err)
{
	int64_t part_id = c->parts[part].id;
	int64_t ids[2] = {part_id, org_id};
	uint64_t h = hash_bytes(ids, sizeof(ids), 1469598103934665603ull);
	/* Two ids can share a hash: the account's own ids decide. */
	size_t i = c->account_by_ids.cap ? h & (c->account_by_ids.cap - 1) : 0;
	for (; c->account_by_ids.cap && c->account_by_ids.hash[i]; i = (i + 1) & (c->account_by_ids.cap - 1)) {
		struct account *a = &c->accounts[c->account_by_ids.val[i]];
		if (c->account_by_ids.hash[i] == h && a->part_id == part_id && a->org_id == org_id)
			return a;
	}
	sqlite3_stmt *st = c->st[ST_GET_BALANCE];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, part_id);
	sqlite3_bind_int64(st, 2, org_id);
	int rc = sqlite3_step(st);
	struct account a = {.part_id = part_id, .org_id = org_id, .part = part};
	if (rc == SQLITE_ROW) {
		a.bal.allocated = sqlite3_column_int64(st, 0);
		for (int b = 0; b < B_COUNT; b++)
			a.bal.b[b] = sqlite3_column_int64(st, 1 + b);
		a.bal.reports = sqlite3_column_int(st, 9);
		copy_date(a.bal.last_date, sqlite3_column_text(st, 10));
		sqlite3_reset(st);
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_fail(s, err, "reading an account");
			return NULL;
		}
		/* The account opens with the locked allocation. */
		st = c->st[ST_ALLOC];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, part_id);
		sqlite3_bind_int64(st, 2, org_id);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				db_fail(s, err, "reading an allocation");
			else
				bd_fail(err, "'%s' has no allocation in this part", recipient);
			return NULL;
		}
		ledger_open(&a.bal, sqlite3_column_int64(st, 0) * 100);
		sqlite3_reset(st);
	}
	c->accounts = xreallocarray(c->accounts, c->naccounts + 1, sizeof(*c->accounts));
	c->accounts[c->naccounts] = a;
	*map_insert_new(&c->account_by_ids, h) = c->naccounts;
	return &c->accounts[c->naccounts++];
}

/* The payee of a payment, fixed when it is registered: the attestation
 * covers it, and the payment file pays exactly it, whatever changes later. */
static int account_payee(struct sqlite_store *s, struct ledger_cache *c, struct account *a, struct bd_error *err)
{
	if (a->payee)
		return 0;
	sqlite3_stmt *st = c->st[ST_PAYEE];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, a->part_id);
	sqlite3_bind_int64(st, 2, a->org_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_fail(s, err, "reading a payee");
	}
	/* The first of: the row's payee (col 0), the part's (9), the recipient
	 * (18).  Name and account come from the same one. */
	int base = sqlite3_column_type(st, 0) != SQLITE_NULL ? 0 : sqlite3_column_type(st, 9) != SQLITE_NULL ? 9 : -1;
	const char *name, *orgnr, *bg, *pg, *ref;
	if (base >= 0) {
		name = col_text(st, base + 1);
		orgnr = col_text(st, base + 2);
		bg = col_text(st, base + 3);
		pg = col_text(st, base + 4);
		ref = col_text(st, base + 5);
		if (!bg && !pg) { /* the payee's organisation's own account */
			bg = col_text(st, base + 6);
			pg = col_text(st, base + 7);
		}
		if (!ref)
			ref = col_text(st, base + 8);
	} else {
		name = col_text(st, 18);
		orgnr = col_text(st, 19);
		bg = col_text(st, 20);
		pg = col_text(st, 21);
		ref = col_text(st, 22);
	}
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(name ? name : ""));
	if (orgnr)
		json_object_set_new(o, "orgnr", json_string(orgnr));
	if (bg)
		json_object_set_new(o, "bankgiro", json_string(bg));
	else if (pg)
		json_object_set_new(o, "plusgiro", json_string(pg));
	if (ref && *ref)
		json_object_set_new(o, "reference", json_string(ref));
	sqlite3_reset(st);
	a->payee = o;
	json_t *d = json_pack("{s:O}", "payee", o);
	a->payment_detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	return 0;
}

static char *detail_json(const struct ledger_input *e, int64_t declared, const struct account *a)
{
	bool other = e->signed_by || e->override || e->reason || e->received_given || e->kind == EV_REPORT;
	if (e->kind == EV_PAYMENT && !other)
		return xstrdup(a->payment_detail);
	if (!other)
		return NULL;
	json_t *o = json_object();
	if (e->kind == EV_PAYMENT)
		json_object_set(o, "payee", a->payee);
	if (e->signed_by)
		json_object_set_new(o, "signed_by", json_string(e->signed_by));
	if (e->override)
		json_object_set_new(o, "override", json_string(e->override));
	if (e->reason)
		json_object_set_new(o, "reason", json_string(e->reason));
	if (e->received_given)
		json_object_set_new(o, "requisition_received", json_true());
	if (e->kind == EV_REPORT)
		json_object_set_new(o, "declared_unused", json_integer(declared));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

struct ref_row {
	int64_t seq, part_id, org_id, ref_seq;
	struct ledger_ref ref;
};

/* Load an event referred to, and its state now. */
static int load_ref(struct sqlite_store *s, struct ledger_cache *c, const char *id, struct ref_row *out,
		    struct bd_error *err)
{
	sqlite3_stmt *st = c->st[ST_REF];
	sqlite3_reset(st);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(s, err, "reading an event");
		return bd_fail(err, "no event with the id '%s' is recorded", id);
	}
	memset(out, 0, sizeof(*out));
	out->seq = sqlite3_column_int64(st, 0);
	out->ref.kind = (enum event_kind)event_kind_parse(col_text(st, 1));
	out->part_id = sqlite3_column_int64(st, 2);
	out->org_id = sqlite3_column_int64(st, 3);
	out->ref.amount = sqlite3_column_int64(st, 4);
	out->ref.from = (enum bucket)bucket_parse(col_text(st, 5) ? col_text(st, 5) : "");
	out->ref.to = (enum bucket)bucket_parse(col_text(st, 6) ? col_text(st, 6) : "");
	snprintf(out->ref.actor, sizeof(out->ref.actor), "%s", col_text(st, 7));
	out->ref_seq = sqlite3_column_type(st, 9) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 9);
	out->ref.overridden = sqlite3_column_int(st, 10) != 0;
	sqlite3_reset(st);
	/* The state of the payment concerned: the event itself, or for an
	 * attestation the payment it attests. */
	int64_t payment = out->ref.kind == EV_ATTEST ? out->ref_seq : out->seq;
	for (int pass = 0; pass < 2; pass++) {
		int64_t seq = pass == 0 ? out->seq : payment;
		st = c->st[ST_REF_STATE];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, seq);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int kind = event_kind_parse(col_text(st, 0));
			bool undone = sqlite3_column_int(st, 1) != 0;
			if (pass == 0 && kind == EV_CORRECTION)
				out->ref.ref_corrected = true;
			if (pass == 1) {
				if (kind == EV_ATTEST && !undone)
					out->ref.attested = true;
				if (kind == EV_EXECUTE)
					out->ref.executed = true;
				if (kind == EV_CORRECTION)
					out->ref.corrected = true;
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(s, err, "reading an event's state");
	}
	return 0;
}

static int write_balances(struct sqlite_store *s, struct ledger_cache *c, struct bd_error *err)
{
	sqlite3_stmt *st = c->st[ST_PUT_BALANCE];
	for (size_t i = 0; i < c->naccounts; i++) {
		struct account *a = &c->accounts[i];
		if (!a->dirty)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, a->part_id);
		sqlite3_bind_int64(st, 2, a->org_id);
		sqlite3_bind_int64(st, 3, a->bal.allocated);
		for (int b = 0; b < B_COUNT; b++)
			sqlite3_bind_int64(st, 4 + b, a->bal.b[b]);
		sqlite3_bind_int(st, 12, a->bal.reports);
		bind_text(st, 13, a->bal.last_date);
		sqlite3_bind_int64(st, 14, a->last_seq);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return db_fail(s, err, "writing an account's balance");
		}
		sqlite3_reset(st);
		a->dirty = false;
	}
	return 0;
}

/* id_known: does the id name an event already?  0 no; 1 yes, with this
 * content (a retry); -1 yes, with other content (err says what it names). */
static int id_known(struct sqlite_store *s, struct ledger_cache *c, const struct ledger_input *e, const char *digest,
		    struct bd_error *err)
{
	sqlite3_stmt *st = c->st[ST_FIND_EVENT];
	sqlite3_reset(st);
	bind_text(st, 1, e->id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_fail(s, err, "looking up an event id");
	}
	if (strcmp(col_text(st, 0), digest) == 0) {
		bool corrected = sqlite3_column_int(st, 4) != 0;
		sqlite3_reset(st);
		/* A retry of an event that was corrected since is not a retry:
		 * "already recorded" would hide that nothing is in effect. */
		if (corrected)
			return bd_fail(err, "event id '%s' was recorded and then corrected: to record it again, give it a "
					    "new --id",
				       e->id);
		return 1;
	}
	/* Say what the id already names, so the user can tell a retry with
	 * changes from a second event. */
	char what[300];
	snprintf(what, sizeof(what), "%s by %s on %s", col_text(st, 1), col_text(st, 2), col_text(st, 3));
	sqlite3_reset(st);
	if (strncmp(e->id, "auto-", 5) == 0)
		return bd_fail(err,
			       "the same event (decision, part, recipient, amount and date) is already recorded as %s: %s; "
			       "if this is a second one, give it its own --id",
			       e->id, what);
	return bd_fail(err, "event id '%s' is already recorded with different content (%s); an id names one event: a "
			    "new event needs a new id",
		       e->id, what);
}

/* The account an event is on: its own (dnr, part, recipient), or the one of
 * the event it refers to. */
static struct account *event_account(struct sqlite_store *s, struct ledger_cache *c, const struct ledger_input *e,
				     bool has_ref, struct ref_row *ref, size_t *part, struct bd_error *err)
{
	if (has_ref) {
		if (!e->ref || !*e->ref) {
			bd_fail(err, "%s %s names the event it refers to (--ref ID)",
				e->kind == EV_ATTEST || e->kind == EV_EXECUTE ? "an" : "a",
				event_kind_name((enum event_kind)e->kind));
			return NULL;
		}
		if (load_ref(s, c, e->ref, ref, err) || find_part_id(s, c, ref->part_id, part, err))
			return NULL;
		return find_account(s, c, *part, ref->org_id, "the recipient", err);
	}
	if (!e->dnr || !e->part || !e->recipient) {
		bd_fail(err, "a %s names its decision, part and recipient", event_kind_name((enum event_kind)e->kind));
		return NULL;
	}
	int64_t org = 0;
	if (find_part(s, c, e->dnr, e->part, part, err) || find_org(s, c, e->recipient, &org, err))
		return NULL;
	return find_account(s, c, *part, org, e->recipient, err);
}

int sq_ledger_record(struct store *base, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
		     size_t *failed_at, struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct ledger_cache *c = cache(s, err);
	*failed_at = 0;
	if (!c)
		return -1;
	/* Another connection's commit changes data_version: then the kept
	 * balances may be stale. */
	sqlite3_stmt *dv = c->st[ST_DATA_VERSION];
	sqlite3_reset(dv);
	int64_t version = sqlite3_step(dv) == SQLITE_ROW ? sqlite3_column_int64(dv, 0) : -1;
	sqlite3_reset(dv);
	if (!c->accounts_valid || version != c->data_version)
		accounts_reset(c);
	c->data_version = version;
	char now[32];
	now_iso(now, sizeof(now));
	/* A date more than a year ahead is a typo, and would freeze its account
	 * (events are kept in date order). */
	char limit[32];
	snprintf(limit, sizeof(limit), "%04d%.6s", (int)(strtol(now, NULL, 10) % 10000) + 1, now + 4);
	for (size_t i = 0; i < n; i++) {
		const struct ledger_input *e = &ev[i];
		*failed_at = i;
		if (!e->id || !*e->id)
			goto fail_msg_id;
		if (strcmp(e->date, limit) > 0) {
			accounts_reset(c);
			return bd_fail(err, "dated %s, more than a year from today (events are recorded as they happen)",
				       e->date);
		}
		if (e->kind < 0 || e->kind >= EV_COUNT) {
			accounts_reset(c);
			return bd_fail(err, "unknown event kind");
		}
		char digest[65];
		ledger_input_digest(e, false, digest);
		bool has_ref = e->kind == EV_ATTEST || e->kind == EV_EXECUTE || e->kind == EV_CORRECTION;
		struct ref_row ref;
		size_t part = 0;
		struct account *acct = event_account(s, c, e, has_ref, &ref, &part, err);
		struct ledger_event le = {
			.kind = (enum event_kind)e->kind,
			.actor = e->actor,
			.amount = e->amount,
			.override = e->override,
			.received_given = e->received_given,
		};
		memcpy(le.date, e->date, DATE_LEN);
		struct ledger_balance before;
		if (acct)
			before = acct->bal;
		if (!acct || ledger_apply(&acct->bal, &c->parts[part].terms, &le, has_ref ? &ref.ref : NULL, err)) {
			/* Refused: unless it is a retry of something recorded. */
			struct bd_error refusal = *err;
			int known = id_known(s, c, e, digest, err);
			if (known == 1) {
				out[i] = LEDGER_ALREADY;
				continue;
			}
			if (known == 0)
				*err = refusal;
			accounts_reset(c);
			return -1;
		}
		if (le.kind == EV_PAYMENT && account_payee(s, c, acct, err)) {
			acct->bal = before;
			accounts_reset(c);
			return -1;
		}
		/* A plain payment's detail is its account's payee, kept ready. */
		bool plain = le.kind == EV_PAYMENT && !e->signed_by && !e->override && !e->reason;
		char *owned = plain ? NULL : detail_json(e, e->amount, acct);
		const char *detail = plain ? acct->payment_detail : owned;
		sqlite3_stmt *st = c->st[ST_INSERT_EVENT];
		sqlite3_reset(st);
		/* The strings outlive the step: bound without copies. */
		sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, event_kind_name(le.kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, acct->part_id);
		sqlite3_bind_int64(st, 5, acct->org_id);
		sqlite3_bind_int64(st, 6, le.moved);
		if (le.from == B_NONE)
			sqlite3_bind_null(st, 7);
		else
			sqlite3_bind_text(st, 7, bucket_name(le.from), -1, SQLITE_STATIC);
		if (le.to == B_NONE)
			sqlite3_bind_null(st, 8);
		else
			sqlite3_bind_text(st, 8, bucket_name(le.to), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, e->date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, e->actor, -1, SQLITE_STATIC);
		if (has_ref)
			sqlite3_bind_int64(st, 11, ref.seq);
		else
			sqlite3_bind_null(st, 11);
		if (e->batch)
			sqlite3_bind_text(st, 12, e->batch, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 12);
		if (detail)
			sqlite3_bind_text(st, 13, detail, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 13);
		sqlite3_bind_text(st, 14, now, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		free(owned);
		if (rc != SQLITE_DONE) {
			acct->bal = before;
			accounts_reset(c);
			return db_fail(s, err, "recording an event");
		}
		if (sqlite3_changes(s->db) == 0) {
			/* The id was known: a retry, or a clash. */
			acct->bal = before;
			int known = id_known(s, c, e, digest, err);
			if (known == 1) {
				out[i] = LEDGER_ALREADY;
				continue;
			}
			if (known == 0)
				bd_fail(err, "internal: event id '%s' neither recorded nor new", e->id);
			accounts_reset(c);
			return -1;
		}
		acct->dirty = true;
		acct->last_seq = sqlite3_last_insert_rowid(s->db);
		out[i] = LEDGER_RECORDED;
	}
	if (write_balances(s, c, err)) {
		accounts_reset(c);
		return -1;
	}
	/* Valid once committed; a rollback forgets them (sq_ledger_forget). */
	c->accounts_valid = true;
	return 0;
fail_msg_id:
	accounts_reset(c);
	return bd_fail(err, "no id: every event carries the client's id, so that a retry is recognised");
}

/* Replay: the events (dated up to as_of, or all) read once and summed per
 * account in memory.  One pass over the journal, whatever the number of
 * accounts: status --as-of and ledger verify stand on it. */
struct replay_acct {
	int64_t part_id, org_id;
	struct ledger_balance delta; /* movements from an unopened account */
	char last[DATE_LEN];
	long events;
};

struct replay {
	struct slot_map map;
	struct replay_acct *v;
	size_t n;
};

static struct replay_acct *replay_find(struct replay *r, int64_t part_id, int64_t org_id, bool add)
{
	int64_t ids[2] = {part_id, org_id};
	uint64_t h = hash_bytes(ids, sizeof(ids), 1469598103934665603ull);
	for (size_t i = r->map.cap ? h & (r->map.cap - 1) : 0; r->map.cap && r->map.hash[i];
	     i = (i + 1) & (r->map.cap - 1)) {
		struct replay_acct *a = &r->v[r->map.val[i]];
		if (r->map.hash[i] == h && a->part_id == part_id && a->org_id == org_id)
			return a;
	}
	if (!add)
		return NULL;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct replay_acct *a = &r->v[r->n];
	memset(a, 0, sizeof(*a));
	a->part_id = part_id;
	a->org_id = org_id;
	*map_insert_new(&r->map, h) = r->n++;
	return a;
}

static void replay_release(struct replay *r)
{
	map_release(&r->map);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int replay_events(struct sqlite_store *s, const char *as_of, struct replay *r, struct bd_error *err)
{
	sqlite3_stmt *st = prep(s,
				"SELECT e.part_id, e.org_id, e.from_bucket, e.to_bucket, e.amount, e.kind, r.kind, e.date "
				"FROM ledger_event e LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
				"WHERE ?1 IS NULL OR e.date <= ?1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, as_of);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct replay_acct *a = replay_find(r, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), true);
		const char *f = col_text(st, 2), *t = col_text(st, 3), *kind = col_text(st, 5), *rkind = col_text(st, 6);
		int from = f ? bucket_parse(f) : B_NONE, to = t ? bucket_parse(t) : B_NONE;
		int64_t amount = sqlite3_column_int64(st, 4);
		if (from != B_NONE && to != B_NONE) {
			a->delta.b[from] -= amount;
			a->delta.b[to] += amount;
		}
		if (strcmp(kind, "report") == 0)
			a->delta.reports++;
		else if (rkind && strcmp(kind, "correction") == 0 && strcmp(rkind, "report") == 0)
			a->delta.reports--;
		const char *date = col_text(st, 7);
		if (strcmp(date, a->last) > 0)
			snprintf(a->last, sizeof(a->last), "%s", date);
		a->events++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "replaying the journal");
}

static void replay_apply(struct ledger_balance *bal, const struct replay_acct *a)
{
	if (!a)
		return;
	for (int b = 0; b < B_COUNT; b++)
		bal->b[b] += a->delta.b[b];
	bal->reports += a->delta.reports;
	memcpy(bal->last_date, a->last, DATE_LEN);
}

/* Status: accounts with their balances. */

static void terms_from_row(sqlite3_stmt *st, int col, struct ledger_terms *t)
{
	memset(t, 0, sizeof(*t));
	t->mode = strcmp(col_text(st, col), "requisition") == 0 ? PAY_REQUISITION : PAY_WITHOUT_REQUISITION;
	copy_date(t->from, sqlite3_column_text(st, col + 1));
	copy_date(t->to, sqlite3_column_text(st, col + 2));
	copy_date(t->by, sqlite3_column_text(st, col + 3));
	copy_date(t->deadline, sqlite3_column_text(st, col + 4));
	t->lapses = sqlite3_column_int(st, col + 5) != 0;
	copy_date(t->decision_date, sqlite3_column_text(st, col + 6));
}

int sq_ledger_accounts(struct store *base, const char *dnr, const char *part, const char *recipient,
		       const char *as_of, ledger_account_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	/* Without a date the cached balances; with one, the events dated up
	 * to it, summed per account and movement. */
	sqlite3_stmt *st = prep(
		s,
		"SELECT d.dnr, p.code, p.title, o.code, o.name, p.id, "
		" p.pay_mode, p.pay_from, p.pay_to, p.pay_by, p.requisition_deadline, p.lapses, d.date, "
		" p.repayment_deadline, p.report_deadline, a.amount, "
		" b.avail, b.requisitioned, b.registered, b.attested, b.paid, b.lapsed, b.claimed, b.repaid, b.reports, "
		" b.last_date, o.id, "
		" (SELECT min(ap.budget_year) FROM part_funding pf JOIN appropriation ap ON ap.id = pf.appropriation_id "
		"  WHERE pf.part_id = p.id), coalesce(b.last_seq, 0) "
		"FROM allocation a JOIN part p ON p.id = a.part_id JOIN decision d ON d.id = p.decision_id "
		"JOIN org o ON o.id = a.org_id LEFT JOIN ledger_balance b ON b.part_id = a.part_id AND b.org_id = a.org_id "
		"WHERE (?1 IS NULL OR d.dnr = ?1) AND (?2 IS NULL OR p.code = ?2) AND (?3 IS NULL OR o.code = ?3) "
		"ORDER BY d.date, d.dnr, p.ord, a.ord",
		err);
	if (!st)
		return -1;
	bind_text(st, 1, dnr);
	bind_text(st, 2, part);
	bind_text(st, 3, recipient);
	struct replay replay = {0};
	if (as_of && replay_events(s, as_of, &replay, err)) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_stmt *fund = prep(s,
				  "SELECT ap.budget_year, ap.uo, ap.anslag, ap.post, ap.post_name, pf.amount "
				  "FROM part_funding pf JOIN appropriation ap ON ap.id = pf.appropriation_id "
				  "WHERE pf.part_id = ?1 ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post",
				  err);
	if (!fund) {
		sqlite3_finalize(st);
		replay_release(&replay);
		return -1;
	}
	struct part_funding_row *frows = NULL;
	size_t nf = 0;
	int64_t fpart = -1;
	struct strpool fpool;
	strpool_init(&fpool);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_terms t;
		terms_from_row(st, 6, &t);
		int64_t part_id = sqlite3_column_int64(st, 5);
		if (part_id != fpart) {
			/* The rows come part by part: load each part's funding once. */
			strpool_release(&fpool);
			strpool_init(&fpool);
			nf = 0;
			fpart = part_id;
			sqlite3_reset(fund);
			sqlite3_bind_int64(fund, 1, part_id);
			while (sqlite3_step(fund) == SQLITE_ROW) {
				frows = xreallocarray(frows, nf + 1, sizeof(*frows));
				frows[nf++] = (struct part_funding_row){
					.budget_year = sqlite3_column_int(fund, 0),
					.uo = sqlite3_column_int(fund, 1),
					.anslag = strpool_strdup(&fpool, col_text(fund, 2)),
					.post = sqlite3_column_int(fund, 3),
					.post_name = strpool_strdup(&fpool, col_text(fund, 4)),
					.amount = sqlite3_column_int64(fund, 5),
				};
			}
		}
		struct ledger_balance bal;
		ledger_open(&bal, sqlite3_column_int64(st, 15) * 100);
		if (as_of) {
			replay_apply(&bal, replay_find(&replay, sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 26), false));
		} else if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
			for (int b = 0; b < B_COUNT; b++)
				bal.b[b] = sqlite3_column_int64(st, 16 + b);
			bal.reports = sqlite3_column_int(st, 24);
			copy_date(bal.last_date, sqlite3_column_text(st, 25));
		}
		struct ledger_account a = {
			.dnr = col_text(st, 0),
			.part = col_text(st, 1),
			.part_title = col_text(st, 2),
			.recipient = col_text(st, 3),
			.recipient_name = col_text(st, 4),
			.part_id = sqlite3_column_int64(st, 5),
			.terms = &t,
			.balance = &bal,
			.repayment_deadline = col_text(st, 13),
			.report_deadline = col_text(st, 14),
			.budget_year = sqlite3_column_int(st, 27),
			.last_seq = sqlite3_column_int64(st, 28),
			.nfunding = nf,
			.funding = frows,
		};
		if (fn(ctx, &a)) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	replay_release(&replay);
	sqlite3_finalize(fund);
	free(frows);
	strpool_release(&fpool);
	if (rc == -1)
		return -1;
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading accounts");
}

int sq_payments(struct store *base, const char *state, const char *batch, payment_fn fn, void *ctx,
		struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	/* The payee and account are those recorded with the payment when it
	 * was registered (and attested): not whatever the register says now. */
	sqlite3_stmt *st = prep(
		s,
		"WITH pay AS (SELECT e.*, "
		"  EXISTS (SELECT 1 FROM ledger_event a WHERE a.ref_seq = e.seq AND a.kind = 'attest' AND NOT EXISTS "
		"   (SELECT 1 FROM ledger_event c WHERE c.ref_seq = a.seq AND c.kind = 'correction')) AS attested, "
		"  (SELECT x.batch FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_batch, "
		"  (SELECT x.date FROM ledger_event x WHERE x.ref_seq = e.seq AND x.kind = 'execute') AS exec_date, "
		"  EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = e.seq AND c.kind = 'correction') AS corrected "
		" FROM ledger_event e WHERE e.kind = 'payment') "
		"SELECT e.id, d.dnr, p.code, o.code, o.name, json_extract(e.detail, '$.payee.name'), "
		" json_extract(e.detail, '$.payee.orgnr'), e.amount, e.date, json_extract(e.detail, '$.payee.bankgiro'), "
		" json_extract(e.detail, '$.payee.plusgiro'), json_extract(e.detail, '$.payee.reference'), e.actor, "
		" e.exec_date "
		"FROM pay e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
		"JOIN org o ON o.id = e.org_id "
		"WHERE NOT e.corrected AND CASE ?1 "
		" WHEN 'registered' THEN NOT e.attested AND e.exec_batch IS NULL "
		" WHEN 'attested' THEN e.attested AND e.exec_batch IS NULL "
		" ELSE e.exec_batch IS NOT NULL AND (?2 IS NULL OR e.exec_batch = ?2) END "
		"ORDER BY e.seq",
		err);
	if (!st)
		return -1;
	bind_text(st, 1, state);
	bind_text(st, 2, batch);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct payment_row p = {
			.id = col_text(st, 0),
			.dnr = col_text(st, 1),
			.part = col_text(st, 2),
			.recipient = col_text(st, 3),
			.recipient_name = col_text(st, 4),
			.payee_name = col_text(st, 5) ? col_text(st, 5) : col_text(st, 4),
			.orgnr = col_text(st, 6),
			.amount = sqlite3_column_int64(st, 7),
			.date = col_text(st, 8),
			.bankgiro = col_text(st, 9),
			.plusgiro = col_text(st, 10),
			.reference = col_text(st, 11),
			.registered_by = col_text(st, 12),
			.exec_date = col_text(st, 13),
		};
		if (fn(ctx, &p)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading payments");
}

int sq_batch_file(struct store *base, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = prep(s, "SELECT file FROM pay_batch WHERE id = ?1 AND format = ?2", err);
	if (!st)
		return -1;
	bind_text(st, 1, batch);
	bind_text(st, 2, format);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*data = xmalloc(*len + 1);
		memcpy(*data, sqlite3_column_blob(st, 0), *len);
		(*data)[*len] = '\0';
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(s, err, "reading a payment file");
}

int sq_batch_file_put(struct store *base, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = prep(s,
				"INSERT INTO pay_batch (id, format, created, payments, total, file, sha256) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				err);
	if (!st)
		return -1;
	char now[32], hex[65];
	unsigned char h[32];
	now_iso(now, sizeof(now));
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	bind_text(st, 1, batch);
	bind_text(st, 2, format);
	bind_text(st, 3, now);
	sqlite3_bind_int(st, 4, payments);
	sqlite3_bind_int64(st, 5, total);
	sqlite3_bind_blob(st, 6, data, (int)len, SQLITE_TRANSIENT);
	bind_text(st, 7, hex);
	return step_done(s, st, "storing a payment file", err);
}

static void problem(problem_fn fn, void *ctx, int *problems, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(problem_fn fn, void *ctx, int *problems, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*problems)++;
	fn(ctx, msg);
}

static int ledger_verify(struct sqlite_store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			 struct bd_error *err);

/* Verify reads the replay and the balances in one read transaction: in WAL
 * mode its first read fixes a snapshot, so a batch another process commits
 * meanwhile is seen by both reads or by neither. */
int sq_ledger_verify(struct store *base, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
		     struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (s->in_tx)
		return ledger_verify(s, fn, ctx, events, accounts, problems, err);
	if (exec(s, "BEGIN DEFERRED", err))
		return -1;
	int rc = ledger_verify(s, fn, ctx, events, accounts, problems, err);
	if (rc)
		exec(s, "ROLLBACK", NULL);
	else if (exec(s, "COMMIT", err))
		rc = -1;
	return rc;
}

static int ledger_verify(struct sqlite_store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			 struct bd_error *err)
{
	*problems = 0;
	*events = *accounts = 0;
	/* Replay: every account's movements, summed, from its allocation. */
	struct replay replay = {0};
	if (replay_events(s, NULL, &replay, err))
		return -1;
	sqlite3_stmt *st = prep(
		s,
		"SELECT a.part_id, a.org_id, a.amount * 100, d.dnr, p.code, o.code, b.allocated, b.avail, "
		" b.requisitioned, b.registered, b.attested, b.paid, b.lapsed, b.claimed, b.repaid, b.reports, b.last_date "
		"FROM allocation a JOIN part p ON p.id = a.part_id JOIN decision d ON d.id = p.decision_id "
		"JOIN org o ON o.id = a.org_id LEFT JOIN ledger_balance b ON b.part_id = a.part_id AND b.org_id = a.org_id "
		"ORDER BY a.part_id, a.org_id",
		err);
	if (!st) {
		replay_release(&replay);
		return -1;
	}
	int rc;
	long matched = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_balance expect;
		ledger_open(&expect, sqlite3_column_int64(st, 2));
		const struct replay_acct *ra = replay_find(&replay, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
							   false);
		replay_apply(&expect, ra);
		long n = ra ? ra->events : 0;
		matched += n;
		*events += n;
		const char *dnr = col_text(st, 3), *part = col_text(st, 4), *who = col_text(st, 5);
		struct bd_error e;
		if (ledger_balance_check(&expect, &e))
			problem(fn, ctx, problems, "%s part %s, %s: the events give an impossible account: %s", dnr, part,
				who, e.msg);
		bool recorded = sqlite3_column_type(st, 6) != SQLITE_NULL;
		if (!recorded) {
			if (n)
				problem(fn, ctx, problems, "%s part %s, %s: %ld events but no balance", dnr, part, who, n);
			continue;
		}
		(*accounts)++;
		if (sqlite3_column_int64(st, 6) != expect.allocated)
			problem(fn, ctx, problems, "%s part %s, %s: the balance's allocation differs from the locked one",
				dnr, part, who);
		for (int b = 0; b < B_COUNT; b++)
			if (sqlite3_column_int64(st, 7 + b) != expect.b[b])
				problem(fn, ctx, problems,
					"%s part %s, %s: %s is %lld öre in the balance, %lld öre by the events", dnr, part,
					who, bucket_name((enum bucket)b), (long long)sqlite3_column_int64(st, 7 + b),
					(long long)expect.b[b]);
		if (sqlite3_column_int(st, 15) != expect.reports)
			problem(fn, ctx, problems, "%s part %s, %s: the report count differs from the events", dnr, part,
				who);
		const char *last = col_text(st, 16);
		if (!last || strcmp(last, expect.last_date) != 0)
			problem(fn, ctx, problems, "%s part %s, %s: the latest event date is %s in the balance, %s by the "
						   "events",
				dnr, part, who, last ? last : "none", expect.last_date[0] ? expect.last_date : "none");
	}
	sqlite3_finalize(st);
	/* Events on no allocation cannot happen (foreign keys); say so if
	 * they do. */
	long all = 0;
	for (size_t i = 0; i < replay.n; i++)
		all += replay.v[i].events;
	if (all != matched)
		problem(fn, ctx, problems, "%ld events belong to no allocation row", all - matched);
	replay_release(&replay);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "replaying the ledger");
	/* Rules that concern pairs of events. */
	static const struct {
		const char *sql, *what;
	} rules[] = {
		{"SELECT a.id FROM ledger_event a JOIN ledger_event p ON p.seq = a.ref_seq WHERE a.kind = 'attest' "
		 "AND a.actor = p.actor",
		 "attested by the person who registered the payment"},
		{"SELECT p.id FROM ledger_event p WHERE p.kind = 'payment' AND (SELECT count(*) FROM ledger_event x "
		 "WHERE x.ref_seq = p.seq AND x.kind = 'execute') > 1",
		 "a payment executed more than once"},
		{"SELECT x.id FROM ledger_event x JOIN ledger_event p ON p.seq = x.ref_seq WHERE x.kind = 'execute' "
		 "AND NOT EXISTS (SELECT 1 FROM ledger_event a WHERE a.ref_seq = p.seq AND a.kind = 'attest' "
		 "AND a.seq < x.seq)",
		 "executed without an attestation before it"},
		{"SELECT e.id FROM ledger_event e WHERE e.kind IN ('attest', 'execute', 'correction') AND e.ref_seq IS NULL",
		 "refers to no event"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(rules); i++) {
		st = prep(s, rules[i].sql, err);
		if (!st)
			return -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			problem(fn, ctx, problems, "event %s: %s", col_text(st, 0), rules[i].what);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(s, err, "checking the ledger's rules");
	}
	return 0;
}

int sq_ledger_events(struct store *base, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = prep(s,
				"SELECT e.seq, e.id, e.kind, d.dnr, p.code, o.code, e.date, e.actor, e.from_bucket, "
				" e.to_bucket, r.id, e.batch, e.detail, e.recorded, e.amount "
				"FROM ledger_event e JOIN part p ON p.id = e.part_id JOIN decision d ON d.id = p.decision_id "
				"JOIN org o ON o.id = e.org_id LEFT JOIN ledger_event r ON r.seq = e.ref_seq "
				"WHERE ?1 IS NULL OR d.dnr = ?1 ORDER BY e.seq",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, dnr);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_row r = {
			.seq = sqlite3_column_int64(st, 0), .id = col_text(st, 1),      .kind = col_text(st, 2),
			.dnr = col_text(st, 3),             .part = col_text(st, 4),    .recipient = col_text(st, 5),
			.date = col_text(st, 6),            .actor = col_text(st, 7),   .from = col_text(st, 8),
			.to = col_text(st, 9),              .ref = col_text(st, 10),    .batch = col_text(st, 11),
			.detail = col_text(st, 12),         .recorded = col_text(st, 13), .amount = sqlite3_column_int64(st, 14),
		};
		if (fn(ctx, &r)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading the journal");
}

int sq_ledger_refs(struct store *base, const char *ref_id, const char *kind, int *total, int *corrected,
		   struct bd_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = prep(s,
				"SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM ledger_event c WHERE c.ref_seq = a.seq "
				" AND c.kind = 'correction')), 0) "
				"FROM ledger_event a JOIN ledger_event p ON p.seq = a.ref_seq WHERE p.id = ?1 AND a.kind = ?2",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, ref_id);
	bind_text(st, 2, kind);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*total = sqlite3_column_int(st, 0);
		*corrected = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(s, err, "counting events");
}
