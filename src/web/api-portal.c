/* api-portal.c: the recipient's side (mottagare): grants and what is due,
 * authorised representatives, requisitions and reports signed and submitted
 * (docs/portal.md); the handläggare's review of what came in.  Its routes
 * are in the table below, which routes.c lists.  A mottagare is held to its
 * own organisation (r->scope_org): a submission or representative of
 * another is answered 404, as if it did not exist. */
#include "api-internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "portal.h"
#include "statusload.h"
#include "store-portal.h"

/* The signer of this version: the password again (portal.h says how an
 * e-ID service plugs in). */
static const struct portal_signer *const signer = &portal_signer_password;

static const char *org_arg(struct web_req *r, const char *given)
{
	if (r->scope_org)
		return r->scope_org;
	return given && *given ? given : NULL;
}

/* Files in a JSON body: a name and the bytes in base64; *data malloc'd.
 * Else answers 400 naming the field. */
static int file_body(struct web_req *r, const char *name_field, const char *data_field, const char **name,
		     char **data, size_t *len)
{
	*name = json_string_value(json_object_get(r->json, name_field));
	const char *text = json_string_value(json_object_get(r->json, data_field));
	*data = NULL;
	if (!*name || !**name || strlen(*name) > 200 || strchr(*name, '/') || strchr(*name, '\\'))
		return web_error(r, 400, name_field, "%s: expected the file's name (1 to 200 characters, no slashes)",
				 name_field),
		       -1;
	if (!text)
		return web_error(r, 400, data_field, "%s: missing (the file's bytes in base64)", data_field), -1;
	size_t n = strlen(text);
	*data = xmalloc(n / 4 * 3 + 4);
	const char *end = NULL;
	if (sodium_base642bin((unsigned char *)*data, n / 4 * 3 + 4, text, n, " \t\r\n", len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    (end && *end) || *len == 0) {
		free(*data);
		*data = NULL;
		return web_error(r, 400, data_field, "%s: not base64 of a file (RFC 4648 with padding)", data_field), -1;
	}
	return 0;
}

/* id_field: a positive whole number in the body; else answers 400. */
static int id_field(struct web_req *r, const char *field, int64_t *id)
{
	json_t *v = json_object_get(r->json, field);
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return web_error(r, 400, field, "%s: expected the number (a whole number above 0)", field), -1;
	*id = (int64_t)json_integer_value(v);
	return 0;
}

static int id_arg(struct web_req *r, int64_t *id)
{
	const char *s = web_arg(r, "id");
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v <= 0)
		return web_error(r, 400, "id", "id: expected the number (a whole number above 0)"), -1;
	*id = v;
	return 0;
}

/* money_field: an amount in öre (a whole number, 0 or more), or absent. */
static int money_field(struct web_req *r, const char *field, bool *has, int64_t *v)
{
	json_t *j = json_object_get(r->json, field);
	*has = j && !json_is_null(j);
	*v = 0;
	if (!*has)
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return web_error(r, 400, field, "%s: expected an amount in öre (a whole number, 0 or more)", field), -1;
	*v = (int64_t)json_integer_value(j);
	return 0;
}

/* Parts. */

static int h_parts(struct web_req *r)
{
	const char *org = org_arg(r, web_arg(r, "org"));
	if (!org)
		return web_error(r, 400, "org", "org: missing (the organisation's code)");
	char today[DATE_LEN];
	date_today(today);
	json_t *arr;
	struct bd_error err;
	if (portal_parts(r->store, org, today, &arr, &err))
		return web_error(r, 500, NULL, "%s", err.msg);
	return web_json(r, 200, json_pack("{s:s, s:s, s:s, s:o}", "org", org, "as_of", today, "amounts", "öre", "parts", arr));
}

/* Authorised representatives. */

struct sig_list {
	json_t *arr;
	const char *today;
};

static int add_sig(void *ctx, const struct signatory *g)
{
	struct sig_list *l = ctx;
	json_array_append_new(l->arr, portal_signatory_json(g, l->today));
	return 0;
}

static int h_signatories(struct web_req *r)
{
	const char *org = org_arg(r, web_arg(r, "org"));
	char today[DATE_LEN];
	date_today(today);
	struct sig_list l = {json_array(), today};
	struct bd_error err;
	if (store_signatories(r->store, org, add_sig, &l, &err)) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	bool may = false;
	if (org && portal_may_keep_signatories(r->store, r->user->name, r->user->role_name, r->user->org, org, today,
					       &may, &err))
		may = false;
	return web_json(r, 200, json_pack("{s:s?, s:b, s:o}", "org", org, "may_keep", may, "signatories", l.arr));
}

struct sig_add {
	const char *org, *user, *kind, *from, *to, *name;
	char *data;
	size_t len;
	int64_t id;
};

static int may_keep(struct web_req *r, const char *org, struct bd_error *err)
{
	char today[DATE_LEN];
	date_today(today);
	bool may = false;
	if (portal_may_keep_signatories(r->store, r->user->name, r->user->role_name, r->user->org, org, today, &may, err))
		return -1;
	if (!may) {
		web_error(r, 403, NULL,
			  "only the agency (handläggare) or a firmatecknare of %s may keep its authorised representatives", org);
		return bd_failc(err, BD_INVALID, "not allowed");
	}
	return 0;
}

static int do_sig_add(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct sig_add *c = vctx;
	if (may_keep(r, c->org, err))
		return -1;
	char today[DATE_LEN];
	date_today(today);
	return store_signatory_add(r->store, c->org, c->user, c->kind, c->from, c->to, c->name, c->data, c->len, today,
				   &c->id, err);
}

static int h_signatory_add(struct web_req *r)
{
	struct sig_add c = {0};
	c.org = org_arg(r, json_string_value(json_object_get(r->json, "org")));
	c.user = json_string_value(json_object_get(r->json, "user"));
	c.kind = json_string_value(json_object_get(r->json, "kind"));
	c.from = json_string_value(json_object_get(r->json, "valid_from"));
	c.to = json_string_value(json_object_get(r->json, "valid_to"));
	if (c.to && !*c.to)
		c.to = NULL;
	if (!c.org)
		return web_error(r, 400, "org", "org: missing (the organisation's code)");
	if (r->scope_org) {
		const char *given = json_string_value(json_object_get(r->json, "org"));
		if (given && *given && strcmp(given, r->scope_org) != 0)
			return web_error(r, 403, "org", "a recipient's user acts only for its own organisation");
	}
	if (file_body(r, "evidence_name", "evidence_data", &c.name, &c.data, &c.len))
		return 0;
	in_transaction(r, do_sig_add, &c, 400);
	free(c.data);
	if (!r->answered)
		web_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c.id, "org", c.org, "user", c.user,
					   "kind", c.kind));
	return 0;
}

struct sig_org {
	char org[64];
};

static int take_sig_org(void *ctx, const struct signatory *g)
{
	snprintf(((struct sig_org *)ctx)->org, 64, "%s", g->org);
	return 0;
}

struct sig_revoke {
	int64_t id;
};

static int do_sig_revoke(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct sig_revoke *c = vctx;
	struct sig_org o = {""};
	int rc = store_signatory_get(r->store, c->id, take_sig_org, &o, err);
	if (rc == 0 && !org_allowed(r, o.org))
		rc = 1;
	if (rc > 0) {
		web_error(r, 404, "id", "no authorised representative %" PRId64, c->id);
		return bd_failc(err, BD_NOT_FOUND, "none");
	}
	if (rc < 0 || may_keep(r, o.org, err))
		return -1;
	char today[DATE_LEN];
	date_today(today);
	rc = store_signatory_revoke(r->store, c->id, today, err);
	if (rc > 0) {
		web_error(r, 409, "id", "authorised representative %" PRId64 " is revoked already", c->id);
		return bd_failc(err, BD_CONFLICT, "revoked");
	}
	return rc;
}

static int h_signatory_revoke(struct web_req *r)
{
	struct sig_revoke c = {0};
	if (id_field(r, "id", &c.id))
		return 0;
	in_transaction(r, do_sig_revoke, &c, 400);
	if (!r->answered)
		web_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)c.id, "revoked", 1));
	return 0;
}

/* file_type: the media type of a kept file, from what it holds rather than
 * from its name: a PDF is application/pdf (the store keeps only PDFs today,
 * store/portal.c), anything else is sent as bytes to save, never as a type
 * the browser would show. */
static const char *file_type(const char *data, size_t len)
{
	return len >= 5 && memcmp(data, "%PDF-", 5) == 0 ? "application/pdf" : "application/octet-stream";
}

/* A kept file: a representative's evidence, a submission's signed document
 * or attachment. */
static int send_file(struct web_req *r, int64_t file)
{
	char *name = NULL, *sha = NULL, *data = NULL;
	size_t len = 0;
	struct bd_error err;
	int rc = store_portal_file(r->store, file, &name, &sha, &data, &len, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (rc)
		return web_error(r, 404, "id", "no such file");
	safe_filename(name);
	web_bytes(r, 200, file_type(data, len), data, len, name);
	free(name);
	free(sha);
	return 0;
}

struct sig_file {
	char org[64];
	int64_t file;
};

static int take_sig_file(void *ctx, const struct signatory *g)
{
	struct sig_file *f = ctx;
	snprintf(f->org, sizeof(f->org), "%s", g->org);
	f->file = g->evidence_id;
	return 0;
}

static int h_signatory_evidence(struct web_req *r)
{
	int64_t id;
	if (id_arg(r, &id))
		return 0;
	struct sig_file f = {"", 0};
	struct bd_error err;
	int rc = store_signatory_get(r->store, id, take_sig_file, &f, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (rc || !org_allowed(r, f.org))
		return web_error(r, 404, "id", "no authorised representative %" PRId64, id);
	return send_file(r, f.file);
}

/* Submissions. */

struct sub_list {
	json_t *arr;
};

static int add_sub(void *ctx, const struct submission *b)
{
	json_array_append_new(((struct sub_list *)ctx)->arr, portal_submission_json(b));
	return 0;
}

static int h_submissions(struct web_req *r)
{
	const char *org = org_arg(r, web_arg(r, "org"));
	const char *state = web_arg(r, "state");
	if (state && *state && strcmp(state, "draft") != 0 && strcmp(state, "submitted") != 0 &&
	    strcmp(state, "returned") != 0 && strcmp(state, "accepted") != 0)
		return web_error(r, 400, "state", "state: '%s' (expected draft, submitted, returned or accepted)", state);
	struct sub_list l = {json_array()};
	struct bd_error err;
	if (store_submissions(r->store, org, state && *state ? state : NULL, add_sub, &l, &err)) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o}", "amounts", "öre", "submissions", l.arr));
}

/* The submission of id as the request may see it: 1 (answered 404) when
 * there is none or it is another organisation's. */
struct sub_one {
	json_t *json;
	char org[64], state[16], kind[32];
	int64_t doc;
};

static int take_one(void *ctx, const struct submission *b)
{
	struct sub_one *o = ctx;
	o->json = portal_submission_json(b);
	snprintf(o->org, sizeof(o->org), "%s", b->org);
	snprintf(o->state, sizeof(o->state), "%s", b->state);
	snprintf(o->kind, sizeof(o->kind), "%s", b->kind);
	o->doc = b->doc_id;
	return 0;
}

static int sub_get(struct web_req *r, int64_t id, struct sub_one *o, struct bd_error *err)
{
	memset(o, 0, sizeof(*o));
	int rc = store_submission_get(r->store, id, take_one, o, err);
	if (rc == 0 && !org_allowed(r, o->org)) {
		json_decref(o->json);
		o->json = NULL;
		rc = 1;
	}
	if (rc > 0)
		web_error(r, 404, "id", "no submission %" PRId64 "%s", id, r->scope_org ? " of your organisation" : "");
	else if (rc < 0)
		web_error(r, 500, NULL, "%s", err->msg);
	return rc;
}

static int h_submission(struct web_req *r)
{
	int64_t id;
	if (id_arg(r, &id))
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, id, &o, &err))
		return 0;
	return web_json(r, 200, o.json);
}

struct draft_ctx {
	const char *org;
	struct submission_draft d;
	int64_t id;
};

static int do_draft(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct draft_ctx c0, *c = vctx;
	(void)c0;
	char today[DATE_LEN];
	date_today(today);
	return portal_draft(r->store, c->org, &c->d, today, &c->id, err);
}

static int draft_fields(struct web_req *r, struct submission_draft *d)
{
	if (money_field(r, "amount", &d->has_amount, &d->amount) || money_field(r, "unused", &d->has_unused, &d->unused))
		return -1;
	json_t *cm = json_object_get(r->json, "comments");
	if (cm && !json_is_null(cm) && !json_is_string(cm))
		return web_error(r, 400, "comments", "comments: expected a text"), -1;
	d->comments = json_string_value(cm);
	if (d->comments && !*d->comments)
		d->comments = NULL;
	return 0;
}

static int h_submission_add(struct web_req *r)
{
	struct draft_ctx c = {0};
	const char *given = json_string_value(json_object_get(r->json, "org"));
	if (given && *given && strcmp(given, r->scope_org) != 0)
		return web_error(r, 403, "org", "a recipient's user files only for its own organisation (%s)", r->scope_org);
	c.org = r->scope_org;
	c.d.kind = json_string_value(json_object_get(r->json, "kind"));
	c.d.dnr = json_string_value(json_object_get(r->json, "dnr"));
	c.d.part = json_string_value(json_object_get(r->json, "part"));
	if (draft_fields(r, &c.d))
		return 0;
	in_transaction(r, do_draft, &c, 400);
	if (r->answered)
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, c.id, &o, &err))
		return 0;
	return web_json(r, 201, o.json);
}

struct amend_ctx {
	int64_t id;
	struct submission_draft d;
	const char *name;
	char *data;
	size_t len;
	int64_t file;
};

static int check_own(struct web_req *r, int64_t id, struct bd_error *err)
{
	struct sub_one o;
	int rc = sub_get(r, id, &o, err);
	json_decref(o.json);
	if (rc)
		return bd_failc(err, rc > 0 ? BD_NOT_FOUND : BD_IO, "submission %" PRId64, id);
	return 0;
}

static int do_amend(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct amend_ctx *c = vctx;
	if (check_own(r, c->id, err))
		return -1;
	int rc = store_submission_amend(r->store, c->id, &c->d, err);
	if (rc && err->code == BD_CONFLICT)
		web_error(r, 409, "id", "%s; nothing was changed", err->msg);
	return rc;
}

static int h_submission_amend(struct web_req *r)
{
	struct amend_ctx c = {0};
	if (id_field(r, "id", &c.id) || draft_fields(r, &c.d))
		return 0;
	in_transaction(r, do_amend, &c, 400);
	if (r->answered)
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, c.id, &o, &err))
		return 0;
	return web_json(r, 200, o.json);
}

static int do_attach(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct amend_ctx *c = vctx;
	if (check_own(r, c->id, err))
		return -1;
	int rc = store_submission_attach(r->store, c->id, c->name, c->data, c->len, &c->file, err);
	if (rc && err->code == BD_CONFLICT)
		web_error(r, 409, "id", "%s; nothing was changed", err->msg);
	return rc;
}

static int h_submission_attach(struct web_req *r)
{
	struct amend_ctx c = {0};
	if (id_field(r, "id", &c.id) || file_body(r, "name", "data", &c.name, &c.data, &c.len))
		return 0;
	in_transaction(r, do_attach, &c, 400);
	free(c.data);
	if (!r->answered)
		web_json(r, 201, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c.id, "file", (json_int_t)c.file, "name", c.name));
	return 0;
}

/* The document to sign, as the signer would sign it today. */
static int h_submission_preview(struct web_req *r)
{
	int64_t id;
	if (id_arg(r, &id))
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, id, &o, &err))
		return 0;
	json_decref(o.json);
	char today[DATE_LEN];
	date_today(today);
	char *pdf = NULL;
	size_t len = 0;
	int rc = portal_render(r->store, id, r->user->name, signer, today, &pdf, &len, &err);
	if (rc < 0)
		return web_error(r, err.code == BD_INVALID ? 403 : 500, NULL, "%s", err.msg);
	if (rc)
		return web_error(r, 404, "id", "no submission %" PRId64, id);
	char name[64];
	snprintf(name, sizeof(name), "forhandsvisning-%" PRId64 ".pdf", id);
	return web_bytes(r, 200, "application/pdf", pdf, len, name);
}

struct sign_ctx {
	int64_t id;
};

static int do_sign(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct sign_ctx *c = vctx;
	if (check_own(r, c->id, err))
		return -1;
	char today[DATE_LEN];
	date_today(today);
	int rc = portal_sign(r->store, c->id, signer, r->user->name, today, err);
	if (rc && strstr(err->msg, "is not an authorised representative"))
		web_error(r, 403, NULL, "%s; nothing was signed", err->msg);
	else if (rc && err->code == BD_CONFLICT)
		web_error(r, 409, "id", "%s; nothing was signed", err->msg);
	return rc;
}

static int h_submission_sign(struct web_req *r)
{
	struct sign_ctx c = {0};
	if (id_field(r, "id", &c.id))
		return 0;
	const char *pw = json_string_value(json_object_get(r->json, "password"));
	if (!pw || !*pw || strlen(pw) > 1024)
		return web_error(r, 400, "password", "password: expected your password, to sign (re-authentication)");
	/* Identified first, outside the signature's transaction, so that a
	 * failed attempt stays counted (as a failed login, by the same source). */
	char *password = sodium_malloc(1025);
	if (!password)
		return web_error(r, 500, NULL, "out of memory");
	snprintf(password, 1025, "%s", pw);
	char source[200];
	snprintf(source, sizeof(source), "addr:%s", r->client);
	long wait = 0;
	struct bd_error ierr;
	int who = portal_identify(r->store, signer, r->user->name, password, source, &wait, &ierr);
	sodium_free(password);
	if (who < 0)
		return web_error(r, 503, NULL, "%s; nothing was signed", ierr.msg);
	if (who == 2) {
		bd_strf(r->retry_after, sizeof(r->retry_after), "%ld", wait);
		return web_error(r, 429, "password", "%s", ierr.msg);
	}
	if (who)
		return web_error(r, 403, "password", "%s", ierr.msg);
	in_transaction(r, do_sign, &c, 400);
	if (r->answered)
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, c.id, &o, &err))
		return 0;
	return web_json(r, 200, o.json);
}

static int h_submission_document(struct web_req *r)
{
	int64_t id;
	if (id_arg(r, &id))
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, id, &o, &err))
		return 0;
	json_decref(o.json);
	if (!o.doc)
		return web_error(r, 404, "id", "submission %" PRId64 " is not signed: no signed document", id);
	return send_file(r, o.doc);
}

static int h_submission_file(struct web_req *r)
{
	int64_t id;
	if (id_arg(r, &id))
		return 0;
	const char *fs = web_arg(r, "file");
	long long file = fs ? strtoll(fs, NULL, 10) : 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, id, &o, &err))
		return 0;
	/* only a file attached to this submission */
	json_t *att = json_object_get(o.json, "attachments");
	size_t i;
	json_t *a;
	bool ok = false;
	json_array_foreach(att, i, a) ok |= json_integer_value(json_object_get(a, "id")) == file;
	json_decref(o.json);
	if (!ok)
		return web_error(r, 404, "file", "submission %" PRId64 " has no attachment %lld", id, file);
	return send_file(r, file);
}

struct review_ctx {
	int64_t id;
	bool accept;
	const char *note;
};

static int do_review(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct review_ctx *c = vctx;
	char today[DATE_LEN];
	date_today(today);
	int rc = portal_review(r->store, c->id, r->user->name, c->accept, c->note, today, err);
	if (rc > 0) {
		web_error(r, 404, "id", "no submission %" PRId64, c->id);
		return bd_failc(err, BD_NOT_FOUND, "none");
	}
	if (rc && err->code == BD_CONFLICT)
		web_error(r, 409, "id", "%s; nothing was changed", err->msg);
	return rc;
}

static int review(struct web_req *r, bool accept)
{
	struct review_ctx c = {0, accept, NULL};
	if (id_field(r, "id", &c.id))
		return 0;
	c.note = json_string_value(json_object_get(r->json, "note"));
	if (!accept && (!c.note || !*c.note))
		return web_error(r, 400, "note", "note: expected a message to the organisation saying what to complete");
	in_transaction(r, do_review, &c, 400);
	if (r->answered)
		return 0;
	struct sub_one o;
	struct bd_error err;
	if (sub_get(r, c.id, &o, &err))
		return 0;
	return web_json(r, 200, o.json);
}

static int h_submission_accept(struct web_req *r)
{
	return review(r, true);
}

static int h_submission_return(struct web_req *r)
{
	return review(r, false);
}

static const struct body_field signatory_fields[] = {
	{"org", true},   {"user", true},          {"kind", true},          {"valid_from", true},
	{"valid_to", true}, {"evidence_name", true}, {"evidence_data", true}, {NULL, false},
};
static const struct body_field id_fields[] = {{"id", false}, {NULL, false}};
static const struct body_field draft_fields_[] = {
	{"org", true}, {"kind", true}, {"dnr", true}, {"part", true}, {"amount", false}, {"unused", false}, {"comments", false},
	{NULL, false},
};
static const struct body_field amend_fields[] = {
	{"id", false}, {"amount", false}, {"unused", false}, {"comments", false}, {NULL, false},
};
static const struct body_field attach_fields[] = {{"id", false}, {"name", true}, {"data", true}, {NULL, false}};
static const struct body_field sign_fields[] = {{"id", false}, {"password", false}, {NULL, false}};
static const struct body_field review_fields[] = {{"id", false}, {"note", true}, {NULL, false}};

#define SEE (ROLE_STAFF | ROLE_MOTTAGARE)

const struct route api_portal_routes[] = {
	{"GET", "/api/portal/parts", SEE, h_parts, NULL},
	{"GET", "/api/signatories", SEE, h_signatories, NULL},
	{"POST", "/api/signatories", ROLE_HANDLAGGARE | ROLE_MOTTAGARE, h_signatory_add, signatory_fields},
	{"POST", "/api/signatories/revoke", ROLE_HANDLAGGARE | ROLE_MOTTAGARE, h_signatory_revoke, id_fields},
	{"GET", "/api/signatories/evidence", SEE, h_signatory_evidence, NULL},
	{"GET", "/api/submissions", SEE, h_submissions, NULL},
	{"GET", "/api/submission", SEE, h_submission, NULL},
	{"POST", "/api/submissions", ROLE_MOTTAGARE, h_submission_add, draft_fields_},
	{"POST", "/api/submissions/amend", ROLE_MOTTAGARE, h_submission_amend, amend_fields},
	{"POST", "/api/submissions/attach", ROLE_MOTTAGARE, h_submission_attach, attach_fields},
	{"GET", "/api/submissions/preview", ROLE_MOTTAGARE, h_submission_preview, NULL},
	{"POST", "/api/submissions/sign", ROLE_MOTTAGARE, h_submission_sign, sign_fields},
	{"GET", "/api/submissions/document", SEE, h_submission_document, NULL},
	{"GET", "/api/submissions/file", SEE, h_submission_file, NULL},
	{"POST", "/api/submissions/accept", ROLE_HANDLAGGARE, h_submission_accept, review_fields},
	{"POST", "/api/submissions/return", ROLE_HANDLAGGARE, h_submission_return, review_fields},
	{NULL, NULL, 0, NULL, NULL},
};
