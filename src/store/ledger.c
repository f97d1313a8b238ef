/* ledger.c: the ledger's recording pipeline, above any engine.
 *
 * Recording a batch: for each event, its account (part, recipient) is
 * loaded once per batch, ledger_apply() checks every rule and moves the
 * money, and the event is appended; a refused event whose id is known with
 * the same content is a retry and is skipped, different content under a
 * known id is a conflict.  The accounts' balances are written back once at
 * the end of the batch.  The caller holds the write transaction, so a batch
 * is all or nothing.  Replay, verify and the queries are in
 * ledger-replay.c; the engine (engine.h) only stores and finds. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "engine.h"
#include "engine-payee.h"
#include "ledger-internal.h"
#include "ledger.h"
#include "refdata.h"
#include "store-payee.h"

/* A small map from a 64-bit key or a string to a slot index. */

uint64_t slot_hash(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h | 1; /* 0 marks an empty slot */
}

void slot_map_release(struct slot_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->skey)
			free(m->skey[i]);
	free(m->hash);
	free(m->skey);
	free(m->val);
	memset(m, 0, sizeof(*m));
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

/* slot_map_find: the slot of a string key, added when insert is set. */
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

size_t *slot_map_insert_new(struct slot_map *m, uint64_t h)
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

struct part_info {
	int64_t id;
	struct ledger_terms terms;
	/* Its decided amount and whether its allocation rows add up to more
	 * (kronor): then payments are checked against the decision too. */
	bool amounts_known, over_allocated;
	int64_t decided;
};

struct account {
	int64_t part_id, org_id;
	struct ledger_balance bal;
	size_t part; /* index into parts */
	bool dirty;
	int64_t last_seq;
	json_t *payee;        /* the payee as a payment registered now records it (lazily) */
	char *payment_detail; /* {"payee": ...}: the detail of a payment with nothing else to record */
};

/* An account index that names none (prefetch). */
#define NO_ACCOUNT ((size_t)-1)

struct ledger_state {
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
	/* The batch's checkpoints (ledger_checkpoints_record): the days its
	 * events closed, and its bookings. */
	struct engine_checkpoint *closed;
	size_t nclosed;
	struct ledger_checkpoint_booking *book;
	size_t nbook;
};

/* Forget the accounts' balances: another connection wrote, or a batch
 * was rolled back. */
static void accounts_reset(struct ledger_state *c)
{
	for (size_t i = 0; i < c->naccounts; i++) {
		json_decref(c->accounts[i].payee);
		free(c->accounts[i].payment_detail);
	}
	slot_map_release(&c->account_by_ids);
	c->naccounts = 0;
	c->accounts_valid = false;
}

void ledger_cache_forget(struct store *s)
{
	if (s->ledger)
		accounts_reset(s->ledger);
}

void ledger_cache_free(struct store *s)
{
	struct ledger_state *c = s->ledger;
	if (!c)
		return;
	accounts_reset(c);
	slot_map_release(&c->part_by_name);
	slot_map_release(&c->org_by_text);
	free(c->last_key);
	free(c->parts);
	free(c->org_ids);
	free(c->accounts);
	free(c->closed);
	free(c->book);
	free(c);
	s->ledger = NULL;
}

static struct ledger_state *state(struct store *s)
{
	if (!s->ledger)
		s->ledger = xcalloc(1, sizeof(*s->ledger));
	return s->ledger;
}

static size_t add_part(struct ledger_state *c, int64_t id, const struct ledger_terms *t)
{
	c->parts = xreallocarray(c->parts, c->nparts + 1, sizeof(*c->parts));
	c->parts[c->nparts] = (struct part_info){.id = id, .terms = *t};
	return c->nparts++;
}

/* find_part_id: the part of an event referred to. */
static int find_part_id(struct store *s, struct ledger_state *c, int64_t id, size_t *out, struct bd_error *err)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (c->parts[i].id == id) {
			*out = i;
			return 0;
		}
	struct ledger_terms t;
	int rc = s->ops->part_get(s, id, &t, err);
	if (rc)
		return rc < 0 ? -1 : bd_fail(err, "internal: an event of no part");
	*out = add_part(c, id, &t);
	return 0;
}

static int find_part(struct store *s, struct ledger_state *c, const char *dnr, const char *part, size_t *out,
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
	uint64_t h = slot_hash(key, strlen(key));
	size_t *v = map_slot(&c->part_by_name, h, key, false);
	if (v) {
		free(c->last_key);
		c->last_key = key;
		c->last_part = *out = *v;
		return 0;
	}
	int64_t id;
	struct ledger_terms t;
	int rc = s->ops->part_find(s, dnr, part, &id, &t, err);
	if (rc) {
		free(key);
		if (rc < 0)
			return -1;
		return bd_failc(err, BD_NOT_FOUND, "no part '%s' in decision '%s' (see 'bidrag decision show %s')", part,
				dnr, dnr);
	}
	size_t idx = add_part(c, id, &t);
	*map_slot(&c->part_by_name, h, key, true) = idx;
	free(c->last_key);
	c->last_key = key;
	c->last_part = *out = idx;
	return 0;
}

static int find_org(struct store *s, struct ledger_state *c, const char *text, int64_t *out, struct bd_error *err)
{
	uint64_t h = slot_hash(text, strlen(text));
	size_t *v = map_slot(&c->org_by_text, h, text, false);
	if (v) {
		*out = c->org_ids[*v];
		return 0;
	}
	/* A code, else a name or alias of the reference data. */
	const char *code = text;
	for (int pass = 0; pass < 2; pass++) {
		int64_t id;
		int rc = s->ops->org_id(s, code, &id, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			c->org_ids = xreallocarray(c->org_ids, c->norgs + 1, sizeof(int64_t));
			c->org_ids[c->norgs] = id;
			*map_slot(&c->org_by_text, h, text, true) = c->norgs++;
			*out = id;
			return 0;
		}
		const struct recipient *r;
		if (pass == 1 || refdata_resolve(text, RK_ALL, &r, err)) {
			err->code = BD_NOT_FOUND;
			return -1;
		}
		code = r->code;
	}
	return -1;
}

/* account_slot: the kept account of (part_id, org_id); NULL if none. */
static struct account *account_slot(struct ledger_state *c, int64_t part_id, int64_t org_id, uint64_t h)
{
	/* Two ids can share a hash: the account's own ids decide. */
	size_t i = c->account_by_ids.cap ? h & (c->account_by_ids.cap - 1) : 0;
	for (; c->account_by_ids.cap && c->account_by_ids.hash[i]; i = (i + 1) & (c->account_by_ids.cap - 1)) {
		struct account *a = &c->accounts[c->account_by_ids.val[i]];
		if (c->account_by_ids.hash[i] == h && a->part_id == part_id && a->org_id == org_id)
			return a;
	}
	return NULL;
}

static uint64_t account_hash(int64_t part_id, int64_t org_id)
{
	int64_t ids[2] = {part_id, org_id};
	return slot_hash(ids, sizeof(ids));
}

/* account_add: an account as the engine gave it; NULL (nothing kept) when
 * it has no allocation row. */
static struct account *account_add(struct ledger_state *c, size_t part, const struct engine_account_row *r)
{
	struct account a = {.part_id = r->part_id, .org_id = r->org_id, .part = part};
	if (r->state == ACCOUNT_NONE)
		return NULL;
	if (r->state == ACCOUNT_KEPT)
		a.bal = r->bal;
	else /* the account opens with the locked allocation */
		ledger_open(&a.bal, r->kronor * 100);
	c->accounts = xreallocarray(c->accounts, c->naccounts + 1, sizeof(*c->accounts));
	c->accounts[c->naccounts] = a;
	*slot_map_insert_new(&c->account_by_ids, account_hash(r->part_id, r->org_id)) = c->naccounts;
	return &c->accounts[c->naccounts++];
}

static struct account *find_account(struct store *s, struct ledger_state *c, size_t part, int64_t org_id,
				    const char *recipient, struct bd_error *err)
{
	int64_t part_id = c->parts[part].id;
	struct account *a = account_slot(c, part_id, org_id, account_hash(part_id, org_id));
	if (a)
		return a;
	struct engine_account_row r = {.part_id = part_id, .org_id = org_id};
	if (s->ops->accounts_get(s, &r, 1, err))
		return NULL;
	a = account_add(c, part, &r);
	if (!a)
		bd_failc(err, BD_NOT_FOUND, "'%s' has no allocation in this part", recipient);
	return a;
}

/* The payee of a payment when it is registered, as the attestant sees it:
 * whose account and which is payee.c's rule (payee_resolve), the one the
 * attestation queue and the export follow; the export pays the account
 * approved at export time and its batch keeps which. */
static int account_payee(struct store *s, struct account *a, struct bd_error *err)
{
	if (a->payee)
		return 0;
	struct payee_now p;
	if (payee_resolve(s, a->part_id, a->org_id, &p, err))
		return -1;
	const struct payee_account *acct = &p.account;
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(p.name));
	if (p.orgnr[0])
		json_object_set_new(o, "orgnr", json_string(p.orgnr));
	if (acct->kind != ACCT_NONE)
		json_object_set_new(o, acct->kind == ACCT_IBAN ? "iban" : account_kind_name(acct->kind),
				    json_string(acct->number));
	if (acct->kind == ACCT_IBAN)
		json_object_set_new(o, "bic", json_string(acct->bic));
	if (p.reference[0])
		json_object_set_new(o, "reference", json_string(p.reference));
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

struct ref_state {
	struct ledger_ref *ref;
	bool payment; /* the pass over the payment concerned (else over the event) */
};

static int take_ref_state(void *ctx, const struct engine_event *e)
{
	struct ref_state *rs = ctx;
	if (!rs->payment) {
		if (e->kind == EV_CORRECTION)
			rs->ref->ref_corrected = true;
		return 0;
	}
	if (e->kind == EV_ATTEST && !e->corrected)
		rs->ref->attested = true;
	if (e->kind == EV_EXECUTE)
		rs->ref->executed = true;
	if (e->kind == EV_CORRECTION)
		rs->ref->corrected = true;
	rs->ref->accepted |= e->kind == EV_BANK_ACCEPT;
	rs->ref->booked |= e->kind == EV_BANK_BOOK;
	rs->ref->rejected |= e->kind == EV_BANK_REJECT || e->kind == EV_BANK_RETURN;
	return 0;
}

/* Load an event referred to, and its state now. */
static int load_ref(struct store *s, const char *id, struct ref_row *out, struct bd_error *err)
{
	struct engine_event e;
	int rc = s->ops->event_find(s, id, &e, err);
	if (rc)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "no event with the id '%s' is recorded", id);
	memset(out, 0, sizeof(*out));
	out->seq = e.seq;
	out->ref.kind = e.kind;
	out->part_id = e.part_id;
	out->org_id = e.org_id;
	out->ref.amount = e.amount;
	out->ref.from = e.from;
	out->ref.to = e.to;
	snprintf(out->ref.actor, sizeof(out->ref.actor), "%s", e.actor);
	out->ref_seq = e.ref_seq;
	out->ref.overridden = e.override && *e.override;
	/* The state of the payment concerned: the event itself, or for an
	 * attestation the payment it attests. */
	int64_t payment = out->ref.kind == EV_ATTEST ? out->ref_seq : out->seq;
	struct ref_state rs = {.ref = &out->ref, .payment = false};
	if (s->ops->event_refs(s, out->seq, take_ref_state, &rs, err))
		return -1;
	rs.payment = true;
	return s->ops->event_refs(s, payment, take_ref_state, &rs, err) ? -1 : 0;
}

static int write_balances(struct store *s, struct ledger_state *c, struct bd_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < c->naccounts; i++)
		n += c->accounts[i].dirty;
	if (!n)
		return 0;
	struct engine_account_row *rows = xreallocarray(NULL, n, sizeof(*rows));
	n = 0;
	for (size_t i = 0; i < c->naccounts; i++) {
		struct account *a = &c->accounts[i];
		if (a->dirty)
			rows[n++] = (struct engine_account_row){.part_id = a->part_id, .org_id = a->org_id,
								.bal = a->bal, .last_seq = a->last_seq};
	}
	int rc = s->ops->balances_put(s, rows, n, err);
	free(rows);
	if (rc)
		return -1;
	for (size_t i = 0; i < c->naccounts; i++)
		c->accounts[i].dirty = false;
	return 0;
}

/* id_known: does the id name an event already?  0 no; 1 yes, with this
 * content (a retry); -1 yes, with other content (err says what it names). */
static int id_known(struct store *s, const struct ledger_input *e, const unsigned char *digest, struct bd_error *err)
{
	struct engine_event k;
	int rc = s->ops->event_find(s, e->id, &k, err);
	if (rc)
		return rc == 1 ? 0 : -1;
	if (memcmp(k.digest, digest, LEDGER_DIGEST_LEN) == 0) {
		/* A retry of an event that was corrected since is not a retry:
		 * "already recorded" would hide that nothing is in effect. */
		if (k.corrected)
			return bd_failc(err, BD_CONFLICT,
					"event id '%s' was recorded and then corrected: to record it again, give it a "
					"new --id",
					e->id);
		return 1;
	}
	/* Say what the id already names, so the user can tell a retry with
	 * changes from a second event. */
	char what[300];
	snprintf(what, sizeof(what), "%s by %s on %s", event_kind_name(k.kind), k.actor, k.date);
	if (strncmp(e->id, "auto-", 5) == 0)
		return bd_failc(err, BD_CONFLICT,
				"the same event (decision, part, recipient, amount and date) is already recorded as %s: %s; "
				"if this is a second one, give it its own --id",
				e->id, what);
	return bd_failc(err, BD_CONFLICT,
			"event id '%s' is already recorded with different content (%s); an id names one event: a "
			"new event needs a new id",
			e->id, what);
}

/* The account an event is on: its own (dnr, part, recipient), or the one of
 * the event it refers to. */
static struct account *event_account(struct store *s, struct ledger_state *c, const struct ledger_input *e,
				     bool has_ref, struct ref_row *ref, size_t *part, size_t found, struct bd_error *err)
{
	if (found != NO_ACCOUNT) { /* by prefetch */
		*part = c->accounts[found].part;
		return &c->accounts[found];
	}
	if (has_ref) {
		if (!e->ref || !*e->ref) {
			bd_fail(err, "%s %s names the event it refers to: its 'ref' is empty (give that event's id)",
				e->kind == EV_ATTEST || e->kind == EV_EXECUTE ? "an" : "a", event_kind_name(e->kind));
			return NULL;
		}
		if (load_ref(s, e->ref, ref, err) || find_part_id(s, c, ref->part_id, part, err))
			return NULL;
		return find_account(s, c, *part, ref->org_id, "the recipient", err);
	}
	if (!e->dnr || !e->part || !e->recipient) {
		bd_fail(err, "a %s names its decision, part and recipient", event_kind_name(e->kind));
		return NULL;
	}
	int64_t org = 0;
	if (find_part(s, c, e->dnr, e->part, part, err) || find_org(s, c, e->recipient, &org, err))
		return NULL;
	return find_account(s, c, *part, org, e->recipient, err);
}

static void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* within_decided: after a payment moved money on acct, the part's payments
 * stay within its decided amount (ledger_check_decided).  Only a part whose
 * allocation rows add up to more than the decision needs the sum, and it
 * is read from the stored balances after writing this batch's. */
static int within_decided(struct store *s, struct ledger_state *c, size_t part, struct account *acct,
			  const struct ledger_input *e, int64_t moved, struct bd_error *err)
{
	struct part_info *p = &c->parts[part];
	int64_t decided, allocated, committed;
	if (!p->amounts_known) {
		int rc = s->ops->part_amounts(s, p->id, &decided, &allocated, &committed, err);
		if (rc)
			return rc < 0 ? -1 : bd_fail(err, "internal: no part of id %" PRId64, p->id);
		p->decided = decided;
		p->over_allocated = allocated > decided;
		p->amounts_known = true;
	}
	if (!p->over_allocated)
		return 0;
	/* This payment's account too; the batch's end writes it again. */
	acct->dirty = true;
	if (write_balances(s, c, err) || s->ops->part_amounts(s, p->id, &decided, &allocated, &committed, err))
		return -1;
	return ledger_check_decided(p->decided, committed, moved, e->override, e->part, err);
}

/* record_one: check and append one event; 1 when it is a retry of one
 * recorded (nothing done). */
static int record_one(struct store *s, struct ledger_state *c, const struct ledger_input *e, size_t found,
		      const char *now, unsigned char digest[LEDGER_DIGEST_LEN], struct bd_error *err)
{
	/* Once per event: the append stores it, a retry is known by it, and the
	 * batch's audit entry binds them. */
	ledger_input_digest_bin(e, false, digest);
	bool has_ref = ledger_kind_refers(e->kind);
	struct ref_row ref;
	size_t part = 0;
	struct account *acct = event_account(s, c, e, has_ref, &ref, &part, found, err);
	struct ledger_event le = {
		.kind = e->kind,
		.actor = e->actor,
		.amount = e->amount,
		.override = e->override,
		.received_given = e->received_given,
	};
	memcpy(le.date, e->date, DATE_LEN);
	struct ledger_balance before;
	if (acct)
		before = acct->bal;
	bool refused = !acct || ledger_apply(&acct->bal, &c->parts[part].terms, &le, has_ref ? &ref.ref : NULL, err);
	if (!refused && le.kind == EV_PAYMENT && within_decided(s, c, part, acct, e, le.moved, err)) {
		acct->bal = before;
		refused = true;
	}
	if (refused) {
		/* Refused: unless it is a retry of something recorded. */
		struct bd_error refusal = *err;
		int known = id_known(s, e, digest, err);
		if (known == 1)
			return 1;
		if (known == 0)
			*err = refusal;
		return -1;
	}
	if (le.kind == EV_PAYMENT && account_payee(s, acct, err)) {
		acct->bal = before;
		return -1;
	}
	/* A plain payment's detail is its account's payee, kept ready. */
	bool plain = le.kind == EV_PAYMENT && !e->signed_by && !e->override && !e->reason;
	char *owned = plain ? NULL : detail_json(e, e->amount, acct);
	struct engine_event row = {
		.id = e->id,
		.digest = digest,
		.actor = e->actor,
		.date = e->date,
		.batch = e->batch,
		.detail = plain ? acct->payment_detail : owned,
		.recorded = now,
		.kind = le.kind,
		.part_id = acct->part_id,
		.org_id = acct->org_id,
		.amount = le.moved,
		.from = le.from,
		.to = le.to,
		.ref_seq = has_ref ? ref.seq : 0,
	};
	int64_t seq = 0;
	int rc = s->ops->event_append(s, &row, &seq, err);
	free(owned);
	if (rc) {
		acct->bal = before;
		if (rc < 0)
			return -1;
		/* The id was known: a retry, or a clash. */
		int known = id_known(s, e, digest, err);
		if (known == 0)
			return bd_fail(err, "internal: event id '%s' neither recorded nor new", e->id);
		return known;
	}
	acct->dirty = true;
	acct->last_seq = seq;
	/* A later day than the account's last: that day is closed, its
	 * balance a checkpoint. */
	if (before.last_date[0] && strcmp(e->date, before.last_date) > 0) {
		if ((c->nclosed & (c->nclosed - 1)) == 0)
			c->closed = xreallocarray(c->closed, c->nclosed ? c->nclosed * 2 : 1, sizeof(*c->closed));
		c->closed[c->nclosed++] = (struct engine_checkpoint){acct->part_id, acct->org_id, before};
	}
	if (le.kind == EV_BANK_BOOK) {
		if ((c->nbook & (c->nbook - 1)) == 0)
			c->book = xreallocarray(c->book, c->nbook ? c->nbook * 2 : 1, sizeof(*c->book));
		c->book[c->nbook] = (struct ledger_checkpoint_booking){.payment = ref.seq};
		memcpy(c->book[c->nbook++].date, e->date, DATE_LEN);
	}
	return 0;
}

static bool names_account(const struct ledger_input *e)
{
	bool has_ref = ledger_kind_refers(e->kind);
	return !has_ref && e->dnr && e->part && e->recipient;
}

/* prefetch_orgs: the organisations the batch names that are not known yet
 * (texts[0..m)), looked up together: first as codes, then the names and
 * aliases of the reference data by their codes (find_org's two ways, in
 * two calls). */
static int prefetch_orgs(struct store *s, struct ledger_state *c, const char **text, size_t m, struct bd_error *err)
{
	const char **code = xreallocarray(NULL, m, sizeof(*code));
	int64_t *ids = xcalloc(m, sizeof(*ids));
	memcpy(code, text, m * sizeof(*code));
	int rc = 0;
	for (int pass = 0; pass < 2 && m && rc == 0; pass++) {
		size_t k = 0;
		for (size_t j = 0; j < m; j++) {
			if (pass == 1) {
				const struct recipient *r;
				struct bd_error ignored;
				if (ids[j] || refdata_resolve(text[j], RK_ALL, &r, &ignored))
					continue;
				code[j] = r->code;
			}
			code[k] = code[j];
			text[k++] = text[j];
		}
		m = k;
		if (!m || (rc = s->ops->org_ids(s, code, m, ids, err)) != 0)
			break;
		for (size_t j = 0; j < m; j++) {
			if (!ids[j])
				continue;
			c->org_ids = xreallocarray(c->org_ids, c->norgs + 1, sizeof(int64_t));
			c->org_ids[c->norgs] = ids[j];
			*map_slot(&c->org_by_text, slot_hash(text[j], strlen(text[j])), text[j], true) = c->norgs++;
		}
	}
	free(code);
	free(ids);
	return rc;
}

/* prefetch: what recording the batch's events one by one would look up
 * one at a time, looked up together first: the organisations and the
 * accounts (balances, or the allocations of accounts not opened yet) of
 * the events that name their decision, part and recipient, and the ids the
 * events will be appended under (events_expect).  acct_of[i]: the account
 * of event i when found, else NO_ACCOUNT.  Only lookups: what is not
 * found here is looked up again, and reported, by the event that needs
 * it, and every rule is applied to each event in record_one as before. */
static int prefetch(struct store *s, struct ledger_state *c, const struct ledger_input *ev, size_t n,
		    size_t *acct_of, struct bd_error *err)
{
	for (size_t i = 0; i < n; i++)
		acct_of[i] = NO_ACCOUNT;
	if (n < 2)
		return 0;
	/* The organisations not known yet.  org[i]: event i's in org_ids, or
	 * NO_ACCOUNT. */
	size_t *org = xreallocarray(NULL, n, sizeof(*org));
	const char **text = NULL;
	size_t m = 0, cap = 0;
	struct slot_map seen = {0};
	for (size_t i = 0; i < n; i++) {
		const char *r = ev[i].recipient;
		org[i] = NO_ACCOUNT;
		if (!names_account(&ev[i]))
			continue;
		uint64_t h = slot_hash(r, strlen(r));
		size_t *v = map_slot(&c->org_by_text, h, r, false);
		if (v) {
			org[i] = *v;
			continue;
		}
		if (map_slot(&seen, h, r, false))
			continue;
		*map_slot(&seen, h, r, true) = m;
		if (m == cap)
			text = xreallocarray(text, cap = cap ? 2 * cap : 64, sizeof(*text));
		text[m++] = r;
	}
	slot_map_release(&seen);
	int rc = m ? prefetch_orgs(s, c, text, m, err) : 0;
	free(text);
	for (size_t i = 0; m && i < n; i++) {
		size_t *v = org[i] == NO_ACCOUNT && names_account(&ev[i])
				    ? map_slot(&c->org_by_text, slot_hash(ev[i].recipient, strlen(ev[i].recipient)),
					       ev[i].recipient, false)
				    : NULL;
		if (v)
			org[i] = *v;
	}
	/* The accounts not kept yet, each once. */
	struct engine_account_row *rows = NULL;
	size_t *row_part = NULL, *wants = NULL; /* wants[i]: the row event i waits for */
	m = cap = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct ledger_input *e = &ev[i];
		if (!names_account(e))
			continue;
		size_t part;
		if (org[i] == NO_ACCOUNT)
			continue;
		if (find_part(s, c, e->dnr, e->part, &part, err)) {
			if (err->code != BD_NOT_FOUND) /* a part not found is the event's to report */
				rc = -1;
			continue;
		}
		int64_t part_id = c->parts[part].id, org_id = c->org_ids[org[i]];
		uint64_t ah = account_hash(part_id, org_id);
		struct account *a = account_slot(c, part_id, org_id, ah);
		if (a) {
			acct_of[i] = (size_t)(a - c->accounts);
			continue;
		}
		if (!wants)
			wants = xreallocarray(NULL, n, sizeof(*wants));
		size_t *v = NULL;
		for (size_t k = seen.cap ? ah & (seen.cap - 1) : 0; seen.cap && seen.hash[k]; k = (k + 1) & (seen.cap - 1))
			if (seen.hash[k] == ah && rows[seen.val[k]].part_id == part_id && rows[seen.val[k]].org_id == org_id) {
				v = &seen.val[k];
				break;
			}
		if (!v) {
			if (m == cap) {
				cap = cap ? 2 * cap : 64;
				rows = xreallocarray(rows, cap, sizeof(*rows));
				row_part = xreallocarray(row_part, cap, sizeof(*row_part));
			}
			rows[m] = (struct engine_account_row){.part_id = part_id, .org_id = org_id};
			row_part[m] = part;
			v = slot_map_insert_new(&seen, ah);
			*v = m++;
		}
		wants[i] = *v;
		acct_of[i] = NO_ACCOUNT - 1; /* waits for its row */
	}
	slot_map_release(&seen);
	if (rc == 0 && m)
		rc = s->ops->accounts_get(s, rows, m, err);
	size_t *got = m ? xreallocarray(NULL, m, sizeof(*got)) : NULL;
	for (size_t j = 0; rc == 0 && j < m; j++) {
		struct account *a = account_add(c, row_part[j], &rows[j]);
		got[j] = a ? (size_t)(a - c->accounts) : NO_ACCOUNT;
	}
	for (size_t i = 0; i < n; i++)
		if (acct_of[i] == NO_ACCOUNT - 1)
			acct_of[i] = rc == 0 ? got[wants[i]] : NO_ACCOUNT;
	free(got);
	free(wants);
	free(rows);
	free(row_part);
	free(org);
	if (rc)
		return -1;
	const char **ids = xreallocarray(NULL, n, sizeof(*ids));
	size_t nids = 0;
	for (size_t i = 0; i < n; i++)
		if (ev[i].id && *ev[i].id)
			ids[nids++] = ev[i].id;
	rc = nids ? s->ops->events_expect(s, ids, nids, err) : 0;
	free(ids);
	return rc;
}

/* ledger_record: digest[i] gets event i's content digest (for the audit
 * entry). */
static int ledger_record(struct store *s, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
			 size_t *failed_at, unsigned char (*digest)[LEDGER_DIGEST_LEN], struct bd_error *err)
{
	struct ledger_state *c = state(s);
	*failed_at = 0;
	/* Another connection's commit changes data_version: then the kept
	 * balances may be stale. */
	int64_t version = -1;
	if (s->ops->data_version(s, &version, err))
		return -1;
	if (!c->accounts_valid || version != c->data_version)
		accounts_reset(c);
	c->data_version = version;
	size_t *acct_of = xreallocarray(NULL, n ? n : 1, sizeof(*acct_of));
	c->nclosed = c->nbook = 0;
	if (prefetch(s, c, ev, n, acct_of, err)) {
		free(acct_of);
		accounts_reset(c);
		return -1;
	}
	char now[32];
	now_iso(now, sizeof(now));
	/* A date more than a year ahead is a typo, and would freeze its account
	 * (events are kept in date order). */
	char limit[32];
	snprintf(limit, sizeof(limit), "%04d%.6s", (int)(strtol(now, NULL, 10) % 10000) + 1, now + 4);
	for (size_t i = 0; i < n; i++) {
		const struct ledger_input *e = &ev[i];
		*failed_at = i;
		if (!e->id || !*e->id) {
			bd_fail(err, "no id: every event carries the client's id, so that a retry is recognised");
			goto fail;
		}
		if (strcmp(e->date, limit) > 0) {
			bd_fail(err, "dated %s, more than a year from today (events are recorded as they happen)", e->date);
			goto fail;
		}
		if ((unsigned)e->kind >= EV_COUNT) {
			bd_fail(err, "unknown event kind");
			goto fail;
		}
		int rc = record_one(s, c, e, acct_of[i], now, digest[i], err);
		if (rc < 0)
			goto fail;
		out[i] = rc == 1 ? LEDGER_ALREADY : LEDGER_RECORDED;
	}
	free(acct_of);
	if (write_balances(s, c, err) || ledger_checkpoints_record(s, c->closed, c->nclosed, c->book, c->nbook, err)) {
		accounts_reset(c);
		return -1;
	}
	/* Valid once committed; a rollback forgets them (ledger_cache_forget). */
	c->accounts_valid = true;
	return 0;
fail:
	free(acct_of);
	accounts_reset(c);
	return -1;
}

int store_ledger_record(struct store *s, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
			size_t *failed_at, struct bd_error *err)
{
	unsigned char (*digest)[LEDGER_DIGEST_LEN] = xreallocarray(NULL, n ? n : 1, sizeof(*digest));
	int rc = ledger_record(s, ev, n, out, failed_at, digest, err) || bank_claims_number(s, ev, n, out, err) ||
			 ledger_audit_batch(s, ev, n, out, (const unsigned char(*)[LEDGER_DIGEST_LEN])digest, err)
		 ? -1
		 : 0;
	free(digest);
	return rc;
}
