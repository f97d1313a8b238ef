/* payee.c: payees' accounts as master data, above the engines: who a payee
 * of a file is, what is a change of account (proposed, never made by an
 * import), four eyes on a change, the audit entries, and which account a
 * payment goes to.  See store-payee.h; the engines only store and find
 * (engine-payee.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "engine-payee.h"
#include "ledger-internal.h"
#include "store-payee.h"

#define OPS(s) ((s)->ops->payee)

static void now_utc(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void copy(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s ? s : "");
}

static int audit(struct store *s, const char *action, const char *object, json_t *before, json_t *after,
		 struct bd_error *err)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = store_audit_append(s, action, object, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* account_json: an account and its reference, as the audit log keeps it. */
static json_t *account_json(const struct payee_account *a, const char *reference)
{
	json_t *o = json_object();
	if (a->kind != ACCT_NONE)
		json_object_set_new(o, account_kind_name(a->kind), json_string(a->number));
	if (a->kind == ACCT_IBAN)
		json_object_set_new(o, "BIC", json_string(a->bic));
	if (reference)
		json_object_set_new(o, "reference", json_string(reference));
	return o;
}

/* Accounts as engines keep them (canonical; checked again on the way out). */

static void account_from_row(const char *bg, const char *pg, const char *iban, const char *bic,
			     struct payee_account *out)
{
	struct bd_error ignored;
	if (payee_account_from(bg, pg, iban, bic, out, &ignored))
		memset(out, 0, sizeof(*out));
}

struct current {
	bool found;
	int64_t id;
	int version;
	struct payee_account account;
	char reference[256], changed_on[DATE_LEN], since[DATE_LEN];
	bool has_reference, has_changed;
};

static int take_current(void *ctx, const struct engine_payee_account *a)
{
	struct current *c = ctx;
	c->found = true;
	c->id = a->id;
	c->version = a->version;
	account_from_row(a->bankgiro, a->plusgiro, a->iban, a->bic, &c->account);
	c->has_reference = a->reference != NULL;
	copy(c->reference, sizeof(c->reference), a->reference);
	c->has_changed = a->changed_on != NULL;
	copy(c->changed_on, sizeof(c->changed_on), a->changed_on);
	copy(c->since, sizeof(c->since), a->since);
	return 0;
}

static int current_of(struct store *s, int64_t org_id, struct current *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = OPS(s)->account_current(s, org_id, take_current, out, err);
	return rc < 0 ? -1 : 0;
}

/* Which account a payment goes to. */

int payee_resolve(struct store *s, int64_t part_id, int64_t org_id, struct payee_now *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	struct engine_payee py[PAYEE_CANDIDATES];
	int64_t orgs[PAYEE_CANDIDATES];
	if (s->ops->payee_get(s, part_id, org_id, py, err))
		return -1;
	/* The first of: the row's payee, the part's, the recipient.  Name and
	 * account come from the same one. */
	int k = py[PAYEE_OF_ROW].present ? PAYEE_OF_ROW : py[PAYEE_OF_PART].present ? PAYEE_OF_PART : PAYEE_RECIPIENT;
	const struct engine_payee *p = &py[k];
	const char *bg = p->bankgiro, *pg = p->plusgiro, *ref = p->reference;
	if (k != PAYEE_RECIPIENT) {
		if (!bg && !pg) { /* the payee's organisation's own account */
			bg = p->org_bankgiro;
			pg = p->org_plusgiro;
		}
		if (!ref)
			ref = p->org_reference;
	}
	copy(out->name, sizeof(out->name), p->name);
	copy(out->orgnr, sizeof(out->orgnr), p->orgnr);
	copy(out->reference, sizeof(out->reference), ref);
	char legacy_bg[IDENT_BUFSZ], legacy_pg[IDENT_BUFSZ];
	copy(legacy_bg, sizeof(legacy_bg), bg);
	copy(legacy_pg, sizeof(legacy_pg), pg);
	bool has_bg = bg != NULL, has_pg = pg != NULL;
	/* (The engine_payee strings are not used past here.) */
	if (OPS(s)->payee_orgs(s, part_id, org_id, orgs, err))
		return -1;
	struct current c;
	if (orgs[k] && current_of(s, orgs[k], &c, err))
		return -1;
	if (orgs[k] && c.found) {
		out->registered = true;
		out->account_id = c.id;
		out->account = c.account;
		if (c.has_reference)
			copy(out->reference, sizeof(out->reference), c.reference);
		if (c.has_changed)
			copy(out->changed, sizeof(out->changed), c.changed_on);
		if (out->account.kind == ACCT_NONE)
			bd_strf(out->problem, sizeof(out->problem),
				 "%s's account in the payee register does not check (see 'bidrag payee show')", out->name);
		return 0;
	}
	struct bd_error why;
	if (!has_bg && !has_pg) {
		bd_strf(out->problem, sizeof(out->problem),
			 "%s has no account: register it with 'bidrag payee import' (bankgiro, plusgiro or IBAN)",
			 out->name);
		return 0;
	}
	if (payee_account_from(has_bg ? legacy_bg : NULL, has_bg ? NULL : legacy_pg, NULL, NULL, &out->account, &why)) {
		memset(&out->account, 0, sizeof(out->account));
		bd_strf(out->problem, sizeof(out->problem), "%s's account does not check: %s", out->name, why.msg);
	}
	return 0;
}

static int take_code(void *ctx, const struct org *o)
{
	copy(ctx, 64, o->code);
	return 0;
}

int store_payee_of(struct store *s, int64_t part_id, const char *recipient, struct payee_now *out,
		   struct bd_error *err)
{
	int64_t org_id;
	int rc = s->ops->org_id(s, recipient, &org_id, err);
	if (rc)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "no organisation '%s' in the register", recipient);
	return payee_resolve(s, part_id, org_id, out, err);
}

/* Organisations. */

struct org_match {
	size_t n;
	int64_t id, want;
	char code[64], want_code[64], list[600];
};

static int take_match(void *ctx, int64_t id, const char *code, const char *name)
{
	struct org_match *m = ctx;
	if (m->n++ == 0) {
		m->id = id;
		copy(m->code, sizeof(m->code), code);
	}
	if (id == m->want)
		copy(m->want_code, sizeof(m->want_code), code);
	size_t l = strlen(m->list);
	if (l + 4 < sizeof(m->list))
		snprintf(m->list + l, sizeof(m->list) - l, "%s%s (%s)", l ? ", " : "", name, code);
	return 0;
}

/* payee_org: the organisation of a file's payee, as a decision's payee is
 * found (register_payee_org): the one of that name and orgnr, or of that
 * name without an orgnr yet (which learns it); else a new payee
 * organisation under the ORG- code rule.  (Not by orgnr alone: a unit of a
 * region has the region's orgnr, and must not take the region's account.) */
static int64_t payee_org(struct store *s, const struct payee_entry *e, char code[64], bool *added,
			 struct bd_error *err)
{
	int64_t id = 0;
	bool has_orgnr = false;
	int rc = s->ops->org_find_payee(s, e->name, e->orgnr, &id, &has_orgnr, err);
	if (rc < 0)
		return -1;
	*added = rc == 1;
	struct payee py = {.name = (char *)e->name, .orgnr = (char *)e->orgnr};
	id = register_payee_org(s, &py, e->where, err);
	if (id <= 0)
		return id == 0 ? bd_fail(err, "internal: %s: no organisation for %s", e->where, e->name) : -1;
	/* Its code, for the messages and the audit log: it has the orgnr now. */
	struct org_match m = {.want = id};
	if (OPS(s)->orgs_by_orgnr(s, e->orgnr, take_match, &m, err))
		return -1;
	if (!m.want_code[0])
		return bd_fail(err, "internal: organisation %" PRId64 " has not the orgnr %s", id, e->orgnr);
	copy(code, 64, m.want_code);
	return id;
}

/* The accounts a payee had before the payee register, against one. */
struct legacy {
	const struct payee_account *want;
	size_t n;
	bool differ;
	char text[128];
};

static int take_legacy(void *ctx, const char *bg, const char *pg)
{
	struct legacy *l = ctx;
	struct payee_account a;
	account_from_row(bg, pg, NULL, NULL, &a);
	l->n++;
	if (!l->differ && !payee_account_same(&a, l->want)) {
		l->differ = true;
		if (a.kind == ACCT_NONE)
			snprintf(l->text, sizeof(l->text), "%s%s", bg ? "bankgiro " : "plusgiro ", bg ? bg : pg);
		else
			payee_account_text(&a, l->text, sizeof(l->text));
	}
	return 0;
}

static struct engine_payee_account version_row(int64_t org_id, int version, const struct payee_account *a,
					       const char *reference, const char *date, const char *how,
					       const char *changed_on, int64_t change, const char *by,
					       const char *source)
{
	return (struct engine_payee_account){
		.org_id = org_id,
		.version = version,
		.bankgiro = payee_account_bankgiro(a),
		.plusgiro = payee_account_plusgiro(a),
		.iban = payee_account_iban(a),
		.bic = payee_account_bic(a),
		.reference = reference,
		.since = date,
		.how = how,
		.changed_on = changed_on,
		.change = change,
		.by = by,
		.source = source,
	};
}

/* The open change of an organisation, if any. */
struct open_change {
	int64_t id;
	struct payee_account account;
};

static int take_open(void *ctx, const struct engine_payee_change *c)
{
	struct open_change *o = ctx;
	o->id = c->id;
	account_from_row(c->bankgiro, c->plusgiro, c->iban, c->bic, &o->account);
	return 0;
}

static int propose(struct store *s, int64_t org_id, const char *code, const struct payee_account *a,
		   const char *reference, const struct payee_evidence *ev, const char *source, const char *date,
		   json_t *before, int64_t *id, struct bd_error *err)
{
	char sha[65] = "";
	if (ev->data) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)ev->data, ev->len);
		sodium_bin2hex(sha, sizeof(sha), h, sizeof(h));
	}
	char now[32];
	now_utc(now, sizeof(now));
	struct engine_payee_change c = {
		.org_id = org_id,
		.bankgiro = payee_account_bankgiro(a),
		.plusgiro = payee_account_plusgiro(a),
		.iban = payee_account_iban(a),
		.bic = payee_account_bic(a),
		.reference = reference,
		.evidence = ev->data ? ev->file_name : ev->text,
		.evidence_sha256 = ev->data ? sha : NULL,
		.evidence_file = ev->data,
		.evidence_len = ev->len,
		.proposed_by = s->actor,
		.proposed_on = date,
		.source = source,
		.recorded = now,
	};
	int rc = OPS(s)->change_add(s, &c, id, err);
	if (rc) {
		json_decref(before);
		if (rc == 1) {
			struct open_change o = {0};
			if (OPS(s)->change_scan(s, org_id, true, take_open, &o, err))
				return -1;
			return bd_fail(err,
				       "a change of %s's account is proposed already (change %" PRId64
				       "): approve or reject it first ('bidrag payee approve|reject %" PRId64 "')",
				       code, o.id, o.id);
		}
		return -1;
	}
	json_t *after = account_json(a, reference);
	json_object_set_new(after, "org", json_string(code));
	json_object_set_new(after, "evidence", json_string(c.evidence));
	if (ev->data)
		json_object_set_new(after, "evidence_sha256", json_string(sha));
	json_object_set_new(after, "source", json_string(source));
	char object[64];
	snprintf(object, sizeof(object), "change %" PRId64, *id);
	return audit(s, "payee.propose", object, before, after, err);
}

/* import_one: one payee of a file. */
static int import_one(struct store *s, const struct payee_entry *e, const char *date,
		      struct payee_outcome_row *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	int64_t org_id = payee_org(s, e, out->org, &out->org_added, err);
	if (org_id <= 0)
		return org_id == 0 ? bd_fail(err, "internal: %s: no organisation after adding it", e->where) : -1;
	struct current c;
	if (current_of(s, org_id, &c, err))
		return -1;
	if (c.found && payee_account_same(&c.account, &e->account)) {
		if (!e->reference || (c.has_reference && strcmp(c.reference, e->reference) == 0)) {
			out->outcome = PAYEE_UNCHANGED;
			return 0;
		}
		struct engine_payee_account v =
			version_row(org_id, c.version + 1, &c.account, e->reference, date, "reference",
				    c.has_changed ? c.changed_on : NULL, 0, s->actor, e->where);
		int64_t id;
		int rc = OPS(s)->account_add(s, &v, &id, err);
		if (rc)
			return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "%s: %s's account changed meanwhile", e->where, out->org);
		out->outcome = PAYEE_REFERENCE;
		json_t *before = json_pack("{s:s?}", "reference", c.has_reference ? c.reference : NULL);
		return audit(s, "payee.reference", out->org, before,
			     json_pack("{s:s, s:s}", "reference", e->reference, "source", e->where), err);
	}
	/* Another account than the one it has: the register's, or (not yet
	 * registered) the decisions' or its own. */
	struct legacy l = {.want = &e->account};
	if (!c.found && OPS(s)->legacy_accounts(s, org_id, take_legacy, &l, err))
		return -1;
	if (!c.found && !l.differ) {
		struct engine_payee_account v =
			version_row(org_id, 1, &e->account, e->reference, date, "import", NULL, 0, s->actor, e->where);
		int64_t id;
		int rc = OPS(s)->account_add(s, &v, &id, err);
		if (rc)
			return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "%s: %s's account was registered meanwhile", e->where, out->org);
		out->outcome = PAYEE_ADDED;
		json_t *after = account_json(&e->account, e->reference);
		json_object_set_new(after, "name", json_string(e->name));
		json_object_set_new(after, "orgnr", json_string(e->orgnr));
		json_object_set_new(after, "source", json_string(e->where));
		if (out->org_added)
			json_object_set_new(after, "organisation_added", json_true());
		return audit(s, "payee.add", out->org, NULL, after, err);
	}
	if (c.found)
		payee_account_text(&c.account, out->was, sizeof(out->was));
	else
		snprintf(out->was, sizeof(out->was), "%s", l.text);
	struct open_change o = {0};
	if (OPS(s)->change_scan(s, org_id, true, take_open, &o, err))
		return -1;
	if (o.id && payee_account_same(&o.account, &e->account)) {
		out->outcome = PAYEE_PENDING;
		out->change = o.id;
		return 0;
	}
	if (o.id)
		return bd_fail(err,
			       "%s: %s's account is to change to another account already (change %" PRId64
			       "): approve or reject that change first",
			       e->where, out->org, o.id);
	struct payee_evidence ev = {.text = e->where};
	json_t *before = c.found ? account_json(&c.account, c.has_reference ? c.reference : NULL)
				 : json_pack("{s:s}", "account", out->was);
	if (propose(s, org_id, out->org, &e->account, e->reference, &ev, e->where, date, before, &out->change, err))
		return -1;
	out->outcome = PAYEE_PROPOSED;
	return 0;
}

int store_payee_import(struct store *s, const char *source, const char *sha256, const struct payee_entry *v,
		       size_t n, const char *date, struct payee_outcome_row *out, struct bd_error *err)
{
	int count[PAYEE_PENDING + 1] = {0};
	for (size_t i = 0; i < n; i++) {
		if (import_one(s, &v[i], date, &out[i], err))
			return -1;
		count[out[i].outcome]++;
	}
	ledger_cache_forget(s); /* the payees it keeps may have changed */
	/* A file that changes nothing leaves no entry: importing it again is
	 * no act. */
	if (count[PAYEE_ADDED] + count[PAYEE_REFERENCE] + count[PAYEE_PROPOSED] == 0)
		return 0;
	return audit(s, "payee.import", source, NULL,
		     json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "sha256", sha256, "payees", (int)n, "added",
			       count[PAYEE_ADDED], "unchanged", count[PAYEE_UNCHANGED], "reference", count[PAYEE_REFERENCE],
			       "proposed", count[PAYEE_PROPOSED], "pending", count[PAYEE_PENDING]),
		     err);
}

static int64_t org_id_of(struct store *s, const char *code, struct bd_error *err)
{
	int64_t id = 0;
	int rc = s->ops->org_id(s, code, &id, err);
	return rc < 0 ? -1 : rc ? 0 : id;
}

/* An organisation by code, name or orgnr. */
static int org_of(struct store *s, const char *text, char code[64], int64_t *id, struct bd_error *err)
{
	code[0] = '\0';
	char orgnr[IDENT_BUFSZ];
	struct bd_error ignored;
	const char *t = ident_normalise(IDENT_ORGNR, text, orgnr, sizeof(orgnr), &ignored) == 0 ? orgnr : text;
	int rc = s->ops->org_get(s, t, take_code, code, err);
	if (rc)
		return rc;
	*id = org_id_of(s, code, err);
	return *id < 0 ? -1 : *id == 0 ? 1 : 0;
}

int store_payee_propose(struct store *s, const char *org, const struct payee_account *a, const char *reference,
			const struct payee_evidence *ev, const char *date, int64_t *id, struct bd_error *err)
{
	/* The reference goes into payment files: payee.h's rule (BD_INVALID). */
	if (reference && payee_text_check(reference, err)) {
		bd_prefix(err, "reference");
		return -1;
	}
	char code[64];
	int64_t org_id;
	int rc = org_of(s, org, code, &org_id, err);
	if (rc)
		return rc;
	struct current c;
	if (current_of(s, org_id, &c, err))
		return -1;
	if (c.found && payee_account_same(&c.account, a)) {
		char t[128];
		payee_account_text(a, t, sizeof(t));
		return bd_fail(err, "%s's account is %s already: nothing to change", code, t);
	}
	json_t *before = NULL;
	if (c.found) {
		before = account_json(&c.account, c.has_reference ? c.reference : NULL);
	} else {
		struct payee_account none = {0};
		struct legacy l = {.want = &none};
		if (OPS(s)->legacy_accounts(s, org_id, take_legacy, &l, err))
			return -1;
		before = l.differ ? json_pack("{s:s}", "account", l.text) : NULL;
	}
	return propose(s, org_id, code, a, reference, ev, "payee propose", date, before, id, err);
}

/* The change of an id, as decided now. */
struct change_now {
	bool found;
	int64_t org_id;
	char org[64], state[16], proposed_by[128], decided_by[128], decided_on[DATE_LEN];
	struct payee_account account;
	char reference[256], evidence[512];
	bool has_reference;
};

static int take_change(void *ctx, const struct engine_payee_change *c)
{
	struct change_now *n = ctx;
	n->found = true;
	n->org_id = c->org_id;
	copy(n->org, sizeof(n->org), c->org);
	copy(n->state, sizeof(n->state), c->state);
	copy(n->proposed_by, sizeof(n->proposed_by), c->proposed_by);
	copy(n->decided_by, sizeof(n->decided_by), c->decided_by);
	copy(n->decided_on, sizeof(n->decided_on), c->decided_on);
	account_from_row(c->bankgiro, c->plusgiro, c->iban, c->bic, &n->account);
	n->has_reference = c->reference != NULL;
	copy(n->reference, sizeof(n->reference), c->reference);
	copy(n->evidence, sizeof(n->evidence), c->evidence);
	return 0;
}

static int open_change(struct store *s, int64_t id, struct change_now *n, struct bd_error *err)
{
	memset(n, 0, sizeof(*n));
	int rc = OPS(s)->change_get(s, id, take_change, n, err);
	if (rc)
		return rc;
	if (strcmp(n->state, "proposed") != 0)
		return bd_fail(err, "change %" PRId64 " of %s's account was %s by %s on %s already", id, n->org, n->state,
			       n->decided_by, n->decided_on);
	return 0;
}

static int decide(struct store *s, int64_t id, const char *state, const char *date, struct bd_error *err)
{
	int rc = OPS(s)->change_decide(s, id, state, s->actor, date, err);
	if (rc == 1)
		return bd_failc(err, BD_CONFLICT, "change %" PRId64 " was decided meanwhile", id);
	return rc;
}

int store_payee_approve(struct store *s, int64_t id, const char *date, struct bd_error *err)
{
	struct change_now n;
	int rc = open_change(s, id, &n, err);
	if (rc)
		return rc;
	/* Four eyes: the person who proposed a change never approves it. */
	if (strcasecmp(n.proposed_by, s->actor) == 0)
		return bd_fail(err,
			       "four eyes: %s proposed change %" PRId64 " of %s's account and cannot also approve it; "
			       "another person must; nothing was changed",
			       n.proposed_by, id, n.org);
	if (n.account.kind == ACCT_NONE)
		return bd_fail(err, "internal: change %" PRId64 " has no account that checks", id);
	struct current c;
	if (decide(s, id, "approved", date, err) || current_of(s, n.org_id, &c, err))
		return -1;
	const char *reference = n.has_reference ? n.reference : c.has_reference ? c.reference : NULL;
	char source[64];
	snprintf(source, sizeof(source), "change %" PRId64, id);
	struct engine_payee_account v = version_row(n.org_id, c.found ? c.version + 1 : 1, &n.account, reference, date,
						    "change", date, id, s->actor, source);
	int64_t vid;
	rc = OPS(s)->account_add(s, &v, &vid, err);
	if (rc)
		return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "%s's account changed meanwhile", n.org);
	ledger_cache_forget(s);
	json_t *before = c.found ? account_json(&c.account, c.has_reference ? c.reference : NULL) : NULL;
	json_t *after = account_json(&n.account, reference);
	json_object_set_new(after, "change", json_integer(id));
	json_object_set_new(after, "proposed_by", json_string(n.proposed_by));
	json_object_set_new(after, "evidence", json_string(n.evidence));
	return audit(s, "payee.approve", n.org, before, after, err);
}

int store_payee_reject(struct store *s, int64_t id, const char *date, struct bd_error *err)
{
	struct change_now n;
	int rc = open_change(s, id, &n, err);
	if (rc)
		return rc;
	if (decide(s, id, "rejected", date, err))
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "change %" PRId64, id);
	json_t *after = account_json(&n.account, n.has_reference ? n.reference : NULL);
	json_object_set_new(after, "org", json_string(n.org));
	json_object_set_new(after, "proposed_by", json_string(n.proposed_by));
	return audit(s, "payee.reject", object, NULL, after, err);
}

int store_payee_evidence(struct store *s, int64_t id, char **name, char **data, size_t *len, struct bd_error *err)
{
	*name = *data = NULL;
	*len = 0;
	return OPS(s)->change_evidence(s, id, name, data, len, err);
}

int payee_org_account_check(struct store *s, const char *code, struct bd_error *err)
{
	int64_t org_id = org_id_of(s, code, err);
	if (org_id <= 0)
		return org_id < 0 ? -1 : 0;
	struct current c;
	if (current_of(s, org_id, &c, err))
		return -1;
	if (!c.found)
		return 0;
	char t[128];
	payee_account_text(&c.account, t, sizeof(t));
	/* Its payments go to the payee register's account: an account set on
	 * the organisation would be recorded and never paid to. */
	return bd_fail(err,
		       "%s's account is in the payee register (%s), which its payments go to: 'org set --bankgiro/--plusgiro' "
		       "would not change that; propose the new account with 'bidrag payee propose %s --bankgiro N "
		       "--evidence TEXT|FILE --user NAME' (or --plusgiro, or --iban with --bic), for another person to "
		       "approve; nothing was changed",
		       code, t, code);
}

/* Listings. */

struct version_out {
	payee_version_fn fn;
	payee_change_fn cfn;
	void *ctx;
};

static int emit_version(void *ctx, const struct engine_payee_account *a)
{
	struct version_out *o = ctx;
	struct payee_version v = {
		.org = a->org,
		.org_name = a->org_name,
		.orgnr = a->orgnr,
		.version = a->version,
		.reference = a->reference,
		.since = a->since,
		.how = a->how,
		.changed_on = a->changed_on,
		.change = a->change,
		.by = a->by,
		.source = a->source,
		.recorded = a->recorded,
		.pending = a->pending,
	};
	account_from_row(a->bankgiro, a->plusgiro, a->iban, a->bic, &v.account);
	return o->fn(o->ctx, &v);
}

static int emit_change(void *ctx, const struct engine_payee_change *c)
{
	struct version_out *o = ctx;
	struct payee_change v = {
		.id = c->id,
		.org = c->org,
		.org_name = c->org_name,
		.orgnr = c->orgnr,
		.reference = c->reference,
		.evidence = c->evidence,
		.evidence_sha256 = c->evidence_sha256,
		.state = c->state,
		.proposed_by = c->proposed_by,
		.proposed_on = c->proposed_on,
		.decided_by = c->decided_by,
		.decided_on = c->decided_on,
		.source = c->source,
	};
	account_from_row(c->bankgiro, c->plusgiro, c->iban, c->bic, &v.account);
	return o->cfn(o->ctx, &v);
}

int store_payee_list(struct store *s, payee_version_fn fn, void *ctx, struct bd_error *err)
{
	struct version_out o = {fn, NULL, ctx};
	return OPS(s)->account_scan(s, 0, emit_version, &o, err);
}

int store_payee_changes(struct store *s, bool open_only, payee_change_fn fn, void *ctx, struct bd_error *err)
{
	struct version_out o = {NULL, fn, ctx};
	return OPS(s)->change_scan(s, 0, open_only, emit_change, &o, err);
}

int store_payee_change(struct store *s, int64_t id, payee_change_fn fn, void *ctx, struct bd_error *err)
{
	struct version_out o = {NULL, fn, ctx};
	return OPS(s)->change_get(s, id, emit_change, &o, err);
}

int store_payee_history(struct store *s, const char *org, char *code, payee_version_fn fn, payee_change_fn cfn,
			void *ctx, struct bd_error *err)
{
	int64_t org_id;
	int rc = org_of(s, org, code, &org_id, err);
	if (rc)
		return rc;
	struct version_out o = {fn, cfn, ctx};
	if (OPS(s)->account_scan(s, org_id, emit_version, &o, err))
		return -1;
	return OPS(s)->change_scan(s, org_id, false, emit_change, &o, err);
}

/* The payment queue. */

struct queue_row {
	struct payment_row row;
	int64_t part_id, org_id;
};

struct queue {
	struct queue_row *v;
	size_t n;
	struct strpool pool;
};

static const char *dup(struct strpool *p, const char *s)
{
	return s ? strpool_strdup(p, s) : NULL;
}

static int collect(void *ctx, const struct payment_row *p)
{
	struct queue *q = ctx;
	q->v = xreallocarray(q->v, q->n + 1, sizeof(*q->v));
	struct strpool *pool = &q->pool;
	struct payment_row r = *p;
	r.id = dup(pool, p->id);
	r.dnr = dup(pool, p->dnr);
	r.part = dup(pool, p->part);
	r.recipient = dup(pool, p->recipient);
	r.recipient_name = dup(pool, p->recipient_name);
	r.payee_name = dup(pool, p->payee_name);
	r.orgnr = dup(pool, p->orgnr);
	r.bankgiro = dup(pool, p->bankgiro);
	r.plusgiro = dup(pool, p->plusgiro);
	r.reference = dup(pool, p->reference);
	r.date = dup(pool, p->date);
	r.registered_by = dup(pool, p->registered_by);
	r.exec_date = dup(pool, p->exec_date);
	r.override = dup(pool, p->override);
	r.iban = dup(pool, p->iban);
	r.bic = dup(pool, p->bic);
	r.account_changed = dup(pool, p->account_changed);
	q->v[q->n++] = (struct queue_row){.row = r};
	return 0;
}

struct batch_lookup {
	struct strpool *pool;
	struct payment_row *row;
};

static int take_paid(void *ctx, const struct engine_batch_account *a)
{
	struct batch_lookup *b = ctx;
	struct payment_row *r = b->row;
	r->payee_name = dup(b->pool, a->name);
	r->orgnr = dup(b->pool, a->orgnr);
	r->bankgiro = dup(b->pool, a->bankgiro);
	r->plusgiro = dup(b->pool, a->plusgiro);
	r->iban = dup(b->pool, a->iban);
	r->bic = dup(b->pool, a->bic);
	r->reference = dup(b->pool, a->reference);
	return 0;
}

/* now_of: the payee of a row's account now, resolved once per account. */
struct resolved {
	int64_t part_id, org_id;
	struct payee_now now;
};

static int row_account(struct store *s, const struct payment_row *r, int64_t *part_id, int64_t *org_id,
		       struct bd_error *err)
{
	struct ledger_terms terms;
	int rc = s->ops->part_find(s, r->dnr, r->part, part_id, &terms, err);
	if (rc == 0)
		rc = s->ops->org_id(s, r->recipient, org_id, err);
	if (rc == 1)
		return bd_failc(err, BD_NOT_FOUND, "internal: payment %s: no account %s/%s/%s", r->id, r->dnr, r->part,
				r->recipient);
	return rc;
}

static void apply_now(struct strpool *pool, struct payment_row *r, const struct payee_now *now)
{
	const struct payee_account *a = &now->account;
	r->payee_name = dup(pool, now->name);
	r->orgnr = now->orgnr[0] ? dup(pool, now->orgnr) : NULL;
	r->reference = now->reference[0] ? dup(pool, now->reference) : NULL;
	r->bankgiro = dup(pool, payee_account_bankgiro(a));
	r->plusgiro = dup(pool, payee_account_plusgiro(a));
	r->iban = dup(pool, payee_account_iban(a));
	r->bic = dup(pool, payee_account_bic(a));
	r->account_changed = now->changed[0] ? dup(pool, now->changed) : NULL;
	r->account_recent = payee_change_recent(r->account_changed, r->date);
}

int store_payment_queue(struct store *s, enum payment_state state, const char *batch, payment_fn fn, void *ctx,
			struct bd_error *err)
{
	struct queue q = {0};
	strpool_init(&q.pool);
	struct resolved *cache = NULL;
	size_t ncache = 0;
	struct slot_map by_ids = {0};
	int rc = store_payments(s, state, batch, collect, &q, err);
	for (size_t i = 0; i < q.n && !rc; i++) {
		struct payment_row *r = &q.v[i].row;
		if (state == PAYMENT_EXECUTED) {
			struct batch_lookup b = {&q.pool, r};
			int got = OPS(s)->batch_account_get(s, r->id, take_paid, &b, err);
			rc = got < 0 ? -1 : 0;
			continue;
		}
		int64_t ids[2];
		if ((rc = row_account(s, r, &ids[0], &ids[1], err)) != 0)
			break;
		uint64_t h = slot_hash(ids, sizeof(ids));
		struct resolved *found = NULL;
		for (size_t k = by_ids.cap ? h & (by_ids.cap - 1) : 0; by_ids.cap && by_ids.hash[k];
		     k = (k + 1) & (by_ids.cap - 1)) {
			struct resolved *c = &cache[by_ids.val[k]];
			if (by_ids.hash[k] == h && c->part_id == ids[0] && c->org_id == ids[1])
				found = c;
		}
		if (!found) {
			cache = xreallocarray(cache, ncache + 1, sizeof(*cache));
			found = &cache[ncache];
			found->part_id = ids[0];
			found->org_id = ids[1];
			if ((rc = payee_resolve(s, ids[0], ids[1], &found->now, err)) != 0)
				break;
			*slot_map_insert_new(&by_ids, h) = ncache++;
		}
		/* An account of the payee register (imported, or approved under
		 * four eyes) is paid as it is at export time; any other (the
		 * decision's, or one set with 'org set' by one person) as the
		 * payment was registered and attested with. */
		if (found->now.registered)
			apply_now(&q.pool, r, &found->now);
	}
	for (size_t i = 0; i < q.n && !rc; i++)
		if (fn(ctx, &q.v[i].row))
			rc = -1;
	slot_map_release(&by_ids);
	free(cache);
	free(q.v);
	strpool_release(&q.pool);
	return rc;
}

int store_batch_accounts_put(struct store *s, const char *batch, const struct payment_row *rows, size_t n,
			     struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct payment_row *r = &rows[i];
		int64_t part_id, org_id;
		struct payee_now now;
		if (row_account(s, r, &part_id, &org_id, err) || payee_resolve(s, part_id, org_id, &now, err))
			return -1;
		struct payee_account paid;
		account_from_row(r->bankgiro, r->plusgiro, r->iban, r->bic, &paid);
		struct engine_batch_account a = {
			.payment = r->id,
			.batch = batch,
			.name = r->payee_name ? r->payee_name : "",
			.orgnr = r->orgnr,
			.bankgiro = r->bankgiro,
			.plusgiro = r->plusgiro,
			.iban = r->iban,
			.bic = r->bic,
			.reference = r->reference,
			.account_id = now.registered && payee_account_same(&now.account, &paid) ? now.account_id : 0,
		};
		int rc = OPS(s)->batch_account_put(s, &a, err);
		if (rc)
			return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "payment %s is in a batch already", r->id);
	}
	return 0;
}
