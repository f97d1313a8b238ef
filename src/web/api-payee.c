/* api-payee.c: payees' accounts as master data through the web: the list
 * and one payee's history, a file of payees imported, and a change of a
 * payee's account under four eyes (proposed with the evidence, approved by
 * another person, or rejected).  The rules are the store's (store-payee.h)
 * and the import is the command line's (payees.h): the same functions,
 * the same checks, the same audit entries.
 *
 * Who may: staff read; a handläggare imports and proposes; an attestant
 * approves (never a change proposed under the same user name); a
 * handläggare or an attestant rejects (routes.c, docs/api.md). */
#include "api-internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "payees.h"
#include "statusload.h"
#include "store-payee.h"

/* JSON. */

static json_t *account_json(const struct payee_account *a)
{
	if (a->kind == ACCT_NONE)
		return json_null();
	return json_pack("{s:s, s:s, s:s?}", "kind", account_kind_name(a->kind), "number", a->number, "bic",
			 payee_account_bic(a));
}

static json_t *version_json(const struct payee_version *v, const char *today)
{
	json_t *o = json_pack("{s:s, s:s, s:s?, s:i, s:o, s:s?, s:s, s:s, s:s?, s:b, s:s, s:s, s:s}", "org", v->org,
			      "name", v->org_name, "orgnr", v->orgnr, "version", v->version, "account",
			      account_json(&v->account), "reference", v->reference, "since", v->since, "how", v->how,
			      "account_changed", v->changed_on, "account_recent", payee_change_recent(v->changed_on, today),
			      "by", v->by, "source", v->source, "recorded", v->recorded);
	json_object_set_new(o, "change", v->change ? json_integer(v->change) : json_null());
	return o;
}

static json_t *change_json(const struct payee_change *c)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:o, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s}", "change",
			      (json_int_t)c->id, "org", c->org, "name", c->org_name, "orgnr", c->orgnr, "account",
			      account_json(&c->account), "reference", c->reference, "evidence", c->evidence,
			      "evidence_sha256", c->evidence_sha256, "state", c->state, "proposed_by", c->proposed_by,
			      "proposed_on", c->proposed_on, "decided_by", c->decided_by, "decided_on", c->decided_on,
			      "source", c->source);
	char *url = c->evidence_sha256 ? xasprintf("/api/payee-changes/evidence?change=%" PRId64, c->id) : NULL;
	json_object_set_new(o, "evidence_file", url ? json_string(url) : json_null());
	free(url);
	return o;
}

struct listing {
	json_t *payees, *changes;
	const char *today;
};

static int add_version(void *ctx, const struct payee_version *v)
{
	struct listing *l = ctx;
	json_t *o = version_json(v, l->today);
	json_object_set_new(o, "pending_changes", json_integer(v->pending));
	json_array_append_new(l->payees, o);
	return 0;
}

static int add_change(void *ctx, const struct payee_change *c)
{
	struct listing *l = ctx;
	json_array_append_new(l->changes, change_json(c));
	return 0;
}

/* GET /api/payees: every registered payee's account now, and the changes
 * waiting for a second person. */
int h_payees(struct web_req *r)
{
	char today[DATE_LEN];
	date_today(today);
	struct listing l = {json_array(), json_array(), today};
	struct bd_error err;
	if (store_payee_list(r->store, add_version, &l, &err) || store_payee_changes(r->store, true, add_change, &l, &err)) {
		json_decref(l.payees);
		json_decref(l.changes);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o, s:o}", "as_of", today, "payees", l.payees, "changes", l.changes));
}

/* GET /api/payee?org=: one payee's account, every version and every
 * change proposed. */
struct history {
	struct listing l;
	json_t *now; /* the last version */
};

static int add_history_version(void *ctx, const struct payee_version *v)
{
	struct history *h = ctx;
	json_t *o = version_json(v, h->l.today);
	json_decref(h->now);
	h->now = json_incref(o);
	json_array_append_new(h->l.payees, o);
	return 0;
}

int h_payee(struct web_req *r)
{
	const char *org;
	if (need_arg(r, "org", &org))
		return 0;
	char today[DATE_LEN];
	date_today(today);
	struct history h = {{json_array(), json_array(), today}, NULL};
	struct bd_error err;
	char code[64] = "", name[256] = "", same[64];
	int found = store_org_find(r->store, org, code, name, &err);
	if (found == 0)
		found = store_payee_history(r->store, code, same, add_history_version, add_change, &h.l, &err);
	if (found) {
		json_decref(h.l.payees);
		json_decref(h.l.changes);
		json_decref(h.now);
		if (found < 0)
			return web_error(r, 500, NULL, "%s", err.msg);
		return web_error(r, 404, "org", "no organisation '%s' in the register", org);
	}
	json_t *o = json_pack("{s:s, s:s}", "org", code, "name", name);
	const char *keys[] = {"orgnr", "account", "reference", "since", "account_changed", "account_recent"};
	for (size_t i = 0; i < BD_ARRAY_LEN(keys); i++) {
		json_t *v = h.now ? json_object_get(h.now, keys[i]) : NULL;
		json_object_set(o, keys[i], v ? v : i == 5 ? json_false() : json_null());
	}
	json_decref(h.now);
	json_object_set_new(o, "registered", json_boolean(json_array_size(h.l.payees) > 0));
	json_object_set_new(o, "versions", h.l.payees);
	json_object_set_new(o, "changes", h.l.changes);
	return web_json(r, 200, o);
}

/* change_arg: a change's id, a whole number from 1, from the query or the
 * body; else answers 400 naming the field. */
static int change_arg(struct web_req *r, json_t *v, const char *text, int64_t *id)
{
	char *end = NULL;
	long long n = text ? strtoll(text, &end, 10) : 0;
	if (v && json_is_integer(v))
		n = json_integer_value(v);
	else if (v || !text || !*text || *end)
		n = 0;
	if (n <= 0)
		return web_error(r, 400, "change", "change: expected the number of a proposed change of account "
						   "(GET /api/payees lists them)"),
		       -1;
	*id = n;
	return 0;
}

/* GET /api/payee-changes/evidence?change=: the file a change was proposed
 * with, as it was uploaded.  Always an attachment of no particular type:
 * an uploaded file is never shown by the browser as a page of this site. */
int h_payee_evidence(struct web_req *r)
{
	int64_t id;
	if (change_arg(r, NULL, web_arg(r, "change"), &id))
		return 0;
	char *name = NULL, *data = NULL;
	size_t len = 0;
	struct bd_error err;
	int found = store_payee_evidence(r->store, id, &name, &data, &len, &err);
	if (found) {
		free(name);
		free(data);
		if (found < 0)
			return web_error(r, 500, NULL, "%s", err.msg);
		return web_error(r, 404, "change", "change %" PRId64 " has no evidence file (no such change, or its "
						   "evidence is a text: GET /api/payees)",
				 id);
	}
	const char *base = strrchr(name, '/');
	char file[128];
	snprintf(file, sizeof(file), "%s", base ? base + 1 : name);
	safe_filename(file);
	free(name);
	return web_bytes(r, 200, "application/octet-stream", data, len, file);
}

/* Files in a JSON body: a name and the bytes in base64. */

/* file_name: a file's name as the client gives it, for messages and the
 * audit log: its last path component, 1 to 200 bytes, no control
 * character; else answers 400 naming the field. */
static int file_name(struct web_req *r, const char *field, const char *given, char out[256])
{
	const char *base = given;
	for (const char *c = given; c && *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	size_t n = base ? strlen(base) : 0;
	bool ctrl = false;
	for (size_t i = 0; i < n; i++)
		ctrl |= (unsigned char)base[i] < 0x20 || base[i] == 0x7f;
	if (!n || n > 200 || ctrl)
		return web_error(r, 400, field, "%s: expected the file's name (1 to 200 characters, no control characters)",
				 field),
		       -1;
	memcpy(out, base, n + 1);
	return 0;
}

/* base64_body: the bytes of a field in base64 (RFC 4648, with padding;
 * line breaks and spaces ignored); *data malloc'd.  Else answers 400
 * naming the field. */
static int base64_body(struct web_req *r, const char *field, const char *text, char **data, size_t *len)
{
	size_t n = strlen(text);
	*data = xmalloc(n / 4 * 3 + 4);
	const char *end = NULL;
	if (sodium_base642bin((unsigned char *)*data, n / 4 * 3 + 4, text, n, " \t\r\n", len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    (end && *end)) {
		free(*data);
		*data = NULL;
		size_t at = end ? (size_t)(end - text) : 0;
		return web_error(r, 400, field, "%s: not base64 (RFC 4648 with padding) at character %zu", field, at + 1),
		       -1;
	}
	if (*len == 0) {
		free(*data);
		*data = NULL;
		return web_error(r, 400, field, "%s: the file is empty", field), -1;
	}
	return 0;
}

/* POST /api/payees/import: a file of payees (CSV or .xlsx), as 'bidrag
 * payee import' takes it, through the same function: all or nothing. */
static const char *const outcome_name[] = {"added", "unchanged", "reference", "proposed", "pending"};

int h_payees_import(struct web_req *r)
{
	json_t *b = r->json;
	const char *given = json_string_value(json_object_get(b, "name"));
	const char *b64 = json_string_value(json_object_get(b, "data"));
	char name[256];
	char *data = NULL;
	size_t len = 0;
	if (!b64)
		web_error(r, 400, "data", "data: missing (the file of payees, CSV or .xlsx, its bytes in base64)");
	else if (!given)
		web_error(r, 400, "name", "name: missing (the file's name, for messages and the audit log)");
	if (r->answered || file_name(r, "name", given, name) || base64_body(r, "data", b64, &data, &len)) {
		return 0;
	}
	char today[DATE_LEN];
	date_today(today);
	struct payee_import res;
	struct bd_error err;
	int xrc = payee_import_data(r->store, data, len, name, today, &res, &err);
	free(data);
	if (xrc) {
		if (xrc > 0)
			web_error(r, 400, "data", "%s; nothing was imported", err.msg);
		else
			web_error(r, err.code == BD_BUSY ? 503 : 500, NULL, "%s; nothing was imported", err.msg);
		payee_import_release(&res);
		return 0;
	}
	int count[PAYEE_PENDING + 1] = {0};
	json_t *rows = json_array();
	for (size_t i = 0; i < res.file.n; i++) {
		const struct payee_entry *e = &res.file.v[i];
		const struct payee_outcome_row *x = &res.out[i];
		count[x->outcome]++;
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:b}", "where", e->where, "org", x->org, "name",
				      e->name, "orgnr", e->orgnr, "account", account_json(&e->account), "reference",
				      e->reference, "outcome", outcome_name[x->outcome], "org_added", x->org_added);
		json_object_set_new(o, "change", x->change ? json_integer(x->change) : json_null());
		json_object_set_new(o, "was", x->outcome == PAYEE_PROPOSED ? json_string(x->was) : json_null());
		json_array_append_new(rows, o);
	}
	bool changed = count[PAYEE_ADDED] + count[PAYEE_REFERENCE] + count[PAYEE_PROPOSED] > 0;
	web_json(r, changed ? 201 : 200,
		 json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "file", name, "kind", res.file.kind,
			   "sha256", res.file.sha256, "payees", (int)res.file.n, "added", count[PAYEE_ADDED], "unchanged",
			   count[PAYEE_UNCHANGED], "reference", count[PAYEE_REFERENCE], "proposed",
			   count[PAYEE_PROPOSED], "pending", count[PAYEE_PENDING], "rows", rows));
	payee_import_release(&res);
	return 0;
}

/* POST /api/payee-changes: a change of a payee's account proposed, with
 * the evidence (a text, or a file such as the payee's signed letter). */
struct propose_ctx {
	const char *code, *reference;
	struct payee_account account;
	struct payee_evidence ev;
	int64_t id;
};

static int do_propose(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct propose_ctx *c = vctx;
	char today[DATE_LEN];
	date_today(today);
	int rc = store_payee_propose(r->store, c->code, &c->account, c->reference, &c->ev, today, &c->id, err);
	if (rc == 1) {
		web_error(r, 404, "org", "no organisation '%s' in the register", c->code);
		return bd_failc(err, BD_NOT_FOUND, "no organisation '%s'", c->code);
	}
	/* Refused (its account already, a change of it open): the payee's. */
	if (rc && err->code == BD_INVALID)
		web_error(r, 400, "org", "%s; nothing was proposed", err->msg);
	return rc;
}

/* The body's fields of an account, by payee.h's fields. */
static const char *const account_fields[AF_COUNT] = {"bankgiro", "plusgiro", "iban", "bic"};

int h_payee_propose(struct web_req *r)
{
	json_t *b = r->json;
	const char *org = json_string_value(json_object_get(b, "org"));
	const char *text[AF_COUNT];
	for (int f = 0; f < AF_COUNT; f++)
		text[f] = json_string_value(json_object_get(b, account_fields[f]));
	const char *reference = json_string_value(json_object_get(b, "reference"));
	const char *evidence = json_string_value(json_object_get(b, "evidence"));
	const char *ev_name = json_string_value(json_object_get(b, "evidence_name"));
	const char *ev_b64 = json_string_value(json_object_get(b, "evidence_data"));
	struct propose_ctx c = {.reference = reference && *reference ? reference : NULL};
	char name[256], code[64], org_name[256];
	char *data = NULL;
	size_t len = 0;
	struct bd_error err;
	enum account_field field;
	bool has_text = evidence && strspn(evidence, " \t\r\n") < strlen(evidence);
	if (!org || !*org) {
		web_error(r, 400, "org", "org: missing (the payee's code, name or organisationsnummer)");
	} else if (payee_account_parse(text, &c.account, &field, &err)) {
		if (field == AF_COUNT)
			web_error(r, 400, "bankgiro", "the new account is missing: bankgiro, plusgiro, or iban with bic");
		else
			web_error(r, 400, account_fields[field], "%s: %s", account_fields[field], err.msg);
	} else if (has_text && (ev_name || ev_b64)) {
		web_error(r, 400, "evidence", "evidence: give a text or a file (evidence_name and evidence_data), "
					      "not both");
	} else if (!has_text && !ev_b64) {
		web_error(r, 400, "evidence", "evidence: missing: what shows the payee asked for the change (a text, or "
					      "the payee's signed letter as evidence_name and evidence_data)");
	} else if (ev_b64 && !ev_name) {
		web_error(r, 400, "evidence_name", "evidence_name: missing (the evidence file's name)");
	} else if (!ev_b64 && ev_name) {
		web_error(r, 400, "evidence_data", "evidence_data: missing (the evidence file's bytes in base64)");
	}
	if (!r->answered && ev_b64 && file_name(r, "evidence_name", ev_name, name) == 0)
		base64_body(r, "evidence_data", ev_b64, &data, &len); /* answers 400 when it is not */
	if (!r->answered) {
		int found = store_org_find(r->store, org, code, org_name, &err);
		if (found < 0)
			web_error(r, 500, NULL, "%s", err.msg);
		else if (found)
			web_error(r, 404, "org", "org: %s", err.msg);
	}
	if (r->answered) {
		free(data);
		return 0;
	}
	c.code = code;
	c.ev = data ? (struct payee_evidence){.file_name = name, .data = data, .len = len}
		    : (struct payee_evidence){.text = evidence};
	in_transaction(r, do_propose, &c, 400);
	if (!r->answered)
		web_json(r, 201,
			 json_pack("{s:I, s:s, s:s, s:o, s:s?, s:s, s:s}", "change", (json_int_t)c.id, "org", code, "name",
				   org_name, "account", account_json(&c.account), "reference", c.reference, "state",
				   "proposed", "proposed_by", r->user->name));
	free(data);
	return 0;
}

/* POST /api/payee-changes/approve and /reject. */
struct decide_ctx {
	int64_t id;
	bool approve;
	json_t *change; /* as decided */
};

static int take_decided(void *ctx, const struct payee_change *c)
{
	struct decide_ctx *d = ctx;
	if (c->id == d->id) {
		json_decref(d->change);
		d->change = change_json(c);
	}
	return 0;
}

static int do_decide(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct decide_ctx *d = vctx;
	char today[DATE_LEN];
	date_today(today);
	int rc = d->approve ? store_payee_approve(r->store, d->id, today, err) : store_payee_reject(r->store, d->id, today, err);
	if (rc == 1) {
		web_error(r, 404, "change", "no change %" PRId64 " of a payee's account (GET /api/payees)", d->id);
		return bd_failc(err, BD_NOT_FOUND, "no change %" PRId64, d->id);
	}
	/* Refused (four eyes, decided already): the change's. */
	if (rc && err->code == BD_INVALID)
		web_error(r, 400, "change", "%s; nothing was changed", err->msg);
	if (rc)
		return rc;
	return store_payee_change(r->store, d->id, take_decided, d, err) ? -1 : 0;
}

static int decide(struct web_req *r, bool approve)
{
	json_t *b = r->json;
	struct decide_ctx d = {.approve = approve};
	if (change_arg(r, json_object_get(b, "change") ? json_object_get(b, "change") : json_null(), NULL, &d.id) == 0) {
		in_transaction(r, do_decide, &d, 400);
		if (!r->answered && d.change)
			web_json(r, 200, json_incref(d.change));
		else if (!r->answered)
			web_error(r, 500, NULL, "change %" PRId64 " was decided but cannot be read back", d.id);
	}
	json_decref(d.change);
	return 0;
}

int h_payee_approve(struct web_req *r)
{
	return decide(r, true);
}

int h_payee_reject(struct web_req *r)
{
	return decide(r, false);
}
