/* portal.c: the recipient's filing: authorised representatives and the
 * submissions they sign (store-portal.h); the engines store and find
 * (engine-portal.h). */
#include "ledger-internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "engine-portal.h"
#include "store-portal.h"

#define OPS(s) ((s)->ops->portal)

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

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

/* A PDF: what a kept document must be. */
static int check_pdf(const char *what, const char *name, const char *data, size_t len, struct bd_error *err)
{
	if (!name || !*name || strlen(name) > 200)
		return bd_fail(err, "%s: expected the file's name (1 to 200 characters)", what);
	if (!data || len < 5 || memcmp(data, "%PDF-", 5) != 0)
		return bd_fail(err, "%s '%s': not a PDF (expected a file starting with %%PDF-)", what, name);
	if (len > (size_t)16 << 20)
		return bd_fail(err, "%s '%s': %zu bytes, more than the 16 MiB a file may have", what, name, len);
	return 0;
}

static int64_t org_id_of(struct store *s, const char *code, struct bd_error *err)
{
	int64_t id = 0;
	int rc = s->ops->org_id(s, code, &id, err);
	return rc < 0 ? -1 : rc ? 0 : id;
}

bool signatory_valid(const struct signatory *g, const char *date)
{
	return !g->revoked_by && strcmp(g->valid_from, date) <= 0 && (!g->valid_to || strcmp(date, g->valid_to) <= 0);
}

struct user_of {
	bool found;
	char role[16], org[64];
};

static int take_user(void *ctx, const struct user *u)
{
	struct user_of *o = ctx;
	o->found = true;
	snprintf(o->role, sizeof(o->role), "%s", u->role);
	snprintf(o->org, sizeof(o->org), "%s", u->org ? u->org : "");
	return 0;
}

int store_signatory_add(struct store *s, const char *org, const char *user, const char *kind, const char *valid_from,
			const char *valid_to, const char *evidence_name, const char *data, size_t len, const char *date,
			int64_t *id, struct bd_error *err)
{
	int64_t org_id = org && *org ? org_id_of(s, org, err) : 0;
	if (org_id < 0)
		return -1;
	if (!org_id)
		return bd_failc(err, BD_NOT_FOUND, "org: no organisation '%s' in the register", org ? org : "");
	struct user_of u = {0};
	if (!user || !*user)
		return bd_fail(err, "user: expected the name of a bidrag user of %s", org);
	if (s->ops->user_get(s, user, take_user, &u, err) < 0)
		return -1;
	if (!u.found)
		return bd_fail(err, "user: no user '%s' (add the person as a user of role mottagare for %s first)", user,
			       org);
	if (strcmp(u.role, "mottagare") != 0 || strcmp(u.org, org) != 0)
		return bd_fail(err, "user: '%s' is a %s%s%s, not a mottagare of %s: only the organisation's own users may "
				    "sign for it",
			       user, u.role, *u.org ? " of " : "", u.org, org);
	if (!kind || (strcmp(kind, SIGNATORY_FIRMATECKNARE) != 0 && strcmp(kind, SIGNATORY_OMBUD) != 0))
		return bd_fail(err, "kind: '%s' (expected firmatecknare or ombud)", kind ? kind : "");
	if (!valid_from || !date_valid(valid_from))
		return bd_fail(err, "valid_from: '%s' is not a date (expected YYYY-MM-DD)", valid_from ? valid_from : "");
	if (valid_to && !date_valid(valid_to))
		return bd_fail(err, "valid_to: '%s' is not a date (expected YYYY-MM-DD)", valid_to);
	if (valid_to && strcmp(valid_to, valid_from) < 0)
		return bd_fail(err, "valid_to: %s is before valid_from %s", valid_to, valid_from);
	if (check_pdf("evidence", evidence_name, data, len, err))
		return -1;
	char sha[65];
	sha256_hex(data, len, sha);
	int64_t file = 0;
	if (OPS(s)->file_add(s, evidence_name, sha, data, len, s->actor, &file, err))
		return -1;
	struct engine_signatory g = {.org_id = org_id, .user = user, .kind = kind, .valid_from = valid_from,
				     .valid_to = valid_to, .evidence_id = file, .added_by = s->actor, .added_on = date};
	if (OPS(s)->signatory_add(s, &g, id, err))
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "signatory %" PRId64, *id);
	return audit(s, "signatory.add", object, NULL,
		     json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s}", "org", org, "user", user, "kind", kind, "valid_from",
			       valid_from, "valid_to", valid_to, "evidence", evidence_name, "evidence_sha256", sha),
		     err);
}

static struct signatory signatory_of(const struct engine_signatory *e)
{
	return (struct signatory){
		.id = e->id,
		.org = e->org,
		.org_name = e->org_name,
		.user = e->user,
		.kind = e->kind,
		.valid_from = e->valid_from,
		.valid_to = e->valid_to,
		.evidence_id = e->evidence_id,
		.evidence_name = e->evidence_name,
		.evidence_sha256 = e->evidence_sha256,
		.added_by = e->added_by,
		.added_on = e->added_on,
		.revoked_by = e->revoked_by,
		.revoked_on = e->revoked_on,
	};
}

struct sig_scan {
	signatory_fn fn;
	void *ctx;
	int found;
	/* store_signatory_of */
	const char *user, *date;
};

static int each_signatory(void *vctx, const struct engine_signatory *e)
{
	struct sig_scan *c = vctx;
	struct signatory g = signatory_of(e);
	c->found++;
	return c->fn(c->ctx, &g);
}

int store_signatories(struct store *s, const char *org, signatory_fn fn, void *ctx, struct bd_error *err)
{
	int64_t org_id = 0;
	if (org) {
		org_id = org_id_of(s, org, err);
		if (org_id <= 0)
			return org_id < 0 ? -1 : 0; /* an organisation unknown has none */
	}
	struct sig_scan c = {fn, ctx, 0, NULL, NULL};
	return OPS(s)->signatory_scan(s, org_id, 0, each_signatory, &c, err);
}

int store_signatory_get(struct store *s, int64_t id, signatory_fn fn, void *ctx, struct bd_error *err)
{
	if (id <= 0)
		return 1;
	struct sig_scan c = {fn, ctx, 0, NULL, NULL};
	int rc = OPS(s)->signatory_scan(s, 0, id, each_signatory, &c, err);
	return rc ? rc : c.found ? 0 : 1;
}

struct best {
	int64_t id;
	bool firm; /* the one found is a firmatecknare */
};

static int pick_valid(void *vctx, const struct engine_signatory *e)
{
	struct sig_scan *c = vctx;
	struct best *b = c->ctx;
	struct signatory g = signatory_of(e);
	if (strcmp(e->user, c->user) != 0 || !signatory_valid(&g, c->date))
		return 0;
	/* a firmatecknare before an ombud; of two alike, the latest added */
	bool firm = strcmp(e->kind, SIGNATORY_FIRMATECKNARE) == 0;
	if (b->id && b->firm && !firm)
		return 0;
	b->id = e->id;
	b->firm = firm;
	return 0;
}

int store_signatory_of(struct store *s, const char *org, const char *user, const char *date, signatory_fn fn,
		       void *ctx, struct bd_error *err)
{
	int64_t org_id = org_id_of(s, org, err);
	if (org_id <= 0)
		return org_id < 0 ? -1 : 1;
	struct best b = {0};
	struct sig_scan c = {NULL, &b, 0, user, date};
	if (OPS(s)->signatory_scan(s, org_id, 0, pick_valid, &c, err))
		return -1;
	if (!b.id)
		return 1;
	return store_signatory_get(s, b.id, fn, ctx, err);
}

static int take_sig_json(void *ctx, const struct signatory *g)
{
	json_t **out = ctx;
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "org", g->org, "user", g->user, "kind", g->kind, "valid_from",
			 g->valid_from, "valid_to", g->valid_to, "revoked_on", g->revoked_on);
	return 0;
}

int store_signatory_revoke(struct store *s, int64_t id, const char *date, struct bd_error *err)
{
	json_t *before = NULL;
	int rc = store_signatory_get(s, id, take_sig_json, &before, err);
	if (rc)
		return rc;
	rc = OPS(s)->signatory_revoke(s, id, s->actor, date, err);
	if (rc) {
		json_decref(before);
		return rc;
	}
	char object[64];
	snprintf(object, sizeof(object), "signatory %" PRId64, id);
	return audit(s, "signatory.revoke", object, before, json_pack("{s:s}", "revoked_on", date), err);
}

int store_portal_file(struct store *s, int64_t id, char **name, char **sha256, char **data, size_t *len,
		      struct bd_error *err)
{
	if (id <= 0)
		return 1;
	return OPS(s)->file_get(s, id, name, sha256, data, len, err);
}

/* Submissions. */

static struct submission submission_of(const struct engine_submission *e)
{
	return (struct submission){
		.id = e->id,
		.org = e->org,
		.org_name = e->org_name,
		.kind = e->kind,
		.dnr = e->dnr,
		.part = e->part,
		.has_amount = e->has_amount,
		.has_unused = e->has_unused,
		.amount = e->amount,
		.unused = e->unused,
		.comments = e->comments,
		.attachments = e->attachments,
		.state = e->state,
		.drafted_by = e->drafted_by,
		.drafted_on = e->drafted_on,
		.signed_by = e->signed_by,
		.signed_on = e->signed_on,
		.sign_method = e->sign_method,
		.signatory_id = e->signatory_id,
		.doc_id = e->doc_id,
		.doc_sha256 = e->doc_sha256,
		.late = e->late,
		.reviewed_by = e->reviewed_by,
		.reviewed_on = e->reviewed_on,
		.review_note = e->review_note,
		.event_id = e->event_id,
		.sig_kind = e->sig_kind,
		.sig_from = e->sig_from,
		.sig_to = e->sig_to,
		.sig_evidence = e->sig_evidence,
		.sig_evidence_sha256 = e->sig_evidence_sha256,
	};
}

static int check_draft(const struct submission_draft *d, bool fresh, struct bd_error *err)
{
	if (fresh) {
		if (!d->kind || (strcmp(d->kind, SUBMISSION_REQUISITION) != 0 && strcmp(d->kind, SUBMISSION_FINANCIAL) != 0 &&
				 strcmp(d->kind, SUBMISSION_ACTIVITY) != 0))
			return bd_fail(err, "kind: '%s' (expected requisition, financial-report or activity-report)",
				       d->kind ? d->kind : "");
		if (!d->dnr || !*d->dnr)
			return bd_fail(err, "dnr: expected the decision's diary number");
		if (!d->part || !*d->part)
			return bd_fail(err, "part: expected the part of the decision");
	}
	if (d->has_amount && d->amount < 0)
		return bd_fail(err, "amount: expected an amount of 0 or more");
	if (d->has_unused && d->unused < 0)
		return bd_fail(err, "unused: expected an amount of 0 or more");
	if (d->comments && strlen(d->comments) > 20000)
		return bd_fail(err, "comments: %zu bytes, more than 20 000", strlen(d->comments));
	return 0;
}

static json_t *draft_json(const struct submission_draft *d)
{
	json_t *o = json_object();
	if (d->kind)
		json_object_set_new(o, "kind", json_string(d->kind));
	if (d->dnr)
		json_object_set_new(o, "dnr", json_string(d->dnr));
	if (d->part)
		json_object_set_new(o, "part", json_string(d->part));
	if (d->has_amount)
		json_object_set_new(o, "amount", json_integer((json_int_t)d->amount));
	if (d->has_unused)
		json_object_set_new(o, "unused", json_integer((json_int_t)d->unused));
	if (d->comments)
		json_object_set_new(o, "comments", json_string(d->comments));
	return o;
}

int store_submission_add(struct store *s, const char *org, const struct submission_draft *d, const char *date,
			 int64_t *id, struct bd_error *err)
{
	if (check_draft(d, true, err))
		return -1;
	int64_t org_id = org ? org_id_of(s, org, err) : 0;
	if (org_id < 0)
		return -1;
	if (!org_id)
		return bd_failc(err, BD_NOT_FOUND, "org: no organisation '%s' in the register", org ? org : "");
	struct engine_submission e = {.org_id = org_id, .kind = d->kind, .dnr = d->dnr, .part = d->part,
				      .has_amount = d->has_amount, .amount = d->amount, .has_unused = d->has_unused,
				      .unused = d->unused, .comments = d->comments, .attachments = "[]",
				      .state = "draft", .drafted_by = s->actor, .drafted_on = date};
	if (OPS(s)->submission_add(s, &e, id, err))
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "submission %" PRId64, *id);
	json_t *after = draft_json(d);
	json_object_set_new(after, "org", json_string(org));
	return audit(s, "submission.draft", object, NULL, after, err);
}

/* The row as it stands, copied, for a change. */
struct row_copy {
	bool found;
	struct engine_submission e;
	char *own[16];
	size_t nown;
};

static const char *keep(struct row_copy *c, const char *v)
{
	if (!v)
		return NULL;
	char *d = xstrdup(v);
	c->own[c->nown++] = d;
	return d;
}

static int take_row(void *ctx, const struct engine_submission *e)
{
	struct row_copy *c = ctx;
	c->found = true;
	c->e = *e;
	c->e.org = keep(c, e->org);
	c->e.kind = keep(c, e->kind);
	c->e.dnr = keep(c, e->dnr);
	c->e.part = keep(c, e->part);
	c->e.comments = keep(c, e->comments);
	c->e.attachments = keep(c, e->attachments);
	c->e.state = keep(c, e->state);
	c->e.signed_by = keep(c, e->signed_by);
	c->e.signed_on = keep(c, e->signed_on);
	c->e.sign_method = keep(c, e->sign_method);
	c->e.doc_sha256 = keep(c, e->doc_sha256);
	c->e.reviewed_by = keep(c, e->reviewed_by);
	c->e.reviewed_on = keep(c, e->reviewed_on);
	c->e.review_note = keep(c, e->review_note);
	c->e.event_id = keep(c, e->event_id);
	c->e.org_name = c->e.drafted_by = c->e.drafted_on = NULL;
	c->e.sig_kind = c->e.sig_from = c->e.sig_to = c->e.sig_evidence = c->e.sig_evidence_sha256 = NULL;
	return 0;
}

static void row_free(struct row_copy *c)
{
	for (size_t i = 0; i < c->nown; i++)
		free(c->own[i]);
}

static int row_get(struct store *s, int64_t id, struct row_copy *c, struct bd_error *err)
{
	memset(c, 0, sizeof(*c));
	if (id <= 0)
		return 1;
	int rc = OPS(s)->submission_scan(s, 0, id, NULL, take_row, c, err);
	if (rc)
		return rc;
	return c->found ? 0 : 1;
}

static bool editable(const struct engine_submission *e)
{
	return strcmp(e->state, "draft") == 0 || strcmp(e->state, "returned") == 0;
}

static int not_editable(const struct engine_submission *e, struct bd_error *err)
{
	return bd_failc(err, BD_CONFLICT, "submission %" PRId64 " is %s: only a draft or one returned for completion can be "
				       "changed",
			e->id, strcmp(e->state, "submitted") == 0 ? "submitted and waiting for review" : e->state);
}

int store_submission_amend(struct store *s, int64_t id, const struct submission_draft *d, struct bd_error *err)
{
	struct row_copy c;
	int rc = row_get(s, id, &c, err);
	if (rc)
		return rc;
	if (!editable(&c.e)) {
		rc = not_editable(&c.e, err);
		row_free(&c);
		return rc;
	}
	if (check_draft(d, false, err)) {
		row_free(&c);
		return -1;
	}
	c.e.has_amount = d->has_amount;
	c.e.amount = d->amount;
	c.e.has_unused = d->has_unused;
	c.e.unused = d->unused;
	c.e.comments = d->comments;
	rc = OPS(s)->submission_put(s, &c.e, err);
	row_free(&c);
	if (rc)
		return rc;
	char object[64];
	snprintf(object, sizeof(object), "submission %" PRId64, id);
	return audit(s, "submission.amend", object, NULL, draft_json(d), err);
}

int store_submission_attach(struct store *s, int64_t id, const char *name, const char *data, size_t len,
			    int64_t *file, struct bd_error *err)
{
	struct row_copy c;
	int rc = row_get(s, id, &c, err);
	if (rc)
		return rc;
	if (!editable(&c.e)) {
		rc = not_editable(&c.e, err);
		row_free(&c);
		return rc;
	}
	if (check_pdf("attachment", name, data, len, err)) {
		row_free(&c);
		return -1;
	}
	char sha[65];
	sha256_hex(data, len, sha);
	if (OPS(s)->file_add(s, name, sha, data, len, s->actor, file, err)) {
		row_free(&c);
		return -1;
	}
	json_t *list = json_loads(c.e.attachments ? c.e.attachments : "[]", 0, NULL);
	if (!json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)*file, "name", name, "sha256", sha));
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	c.e.attachments = text;
	rc = OPS(s)->submission_put(s, &c.e, err);
	free(text);
	row_free(&c);
	if (rc)
		return rc;
	char object[64];
	snprintf(object, sizeof(object), "submission %" PRId64, id);
	return audit(s, "submission.attach", object, NULL, json_pack("{s:s, s:s}", "name", name, "sha256", sha), err);
}

struct sig_copy {
	bool found;
	int64_t id;
	char kind[32], from[DATE_LEN], to[DATE_LEN], evidence[256], sha[65];
};

static int take_sig(void *ctx, const struct signatory *g)
{
	struct sig_copy *c = ctx;
	c->found = true;
	c->id = g->id;
	snprintf(c->kind, sizeof(c->kind), "%s", g->kind);
	snprintf(c->from, sizeof(c->from), "%s", g->valid_from);
	snprintf(c->to, sizeof(c->to), "%s", g->valid_to ? g->valid_to : "");
	snprintf(c->evidence, sizeof(c->evidence), "%s", g->evidence_name ? g->evidence_name : "");
	snprintf(c->sha, sizeof(c->sha), "%s", g->evidence_sha256 ? g->evidence_sha256 : "");
	return 0;
}

int store_submission_sign(struct store *s, int64_t id, const struct submission_signature *sg, struct bd_error *err)
{
	struct row_copy c;
	int rc = row_get(s, id, &c, err);
	if (rc)
		return rc;
	if (!editable(&c.e)) {
		rc = not_editable(&c.e, err);
		row_free(&c);
		return rc;
	}
	struct sig_copy g = {0};
	rc = store_signatory_of(s, c.e.org, sg->user, sg->date, take_sig, &g, err);
	if (rc) {
		if (rc > 0)
			bd_failc(err, BD_INVALID,
				 "%s is not an authorised representative of %s on %s (no firmatecknare or ombud valid that "
				 "day): a representative must sign",
				 sg->user, c.e.org, sg->date);
		row_free(&c);
		return -1;
	}
	if (check_pdf("the signed document", sg->doc_name, sg->doc, sg->doc_len, err)) {
		row_free(&c);
		return -1;
	}
	char sha[65];
	sha256_hex(sg->doc, sg->doc_len, sha);
	int64_t doc = 0;
	if (OPS(s)->file_add(s, sg->doc_name, sha, sg->doc, sg->doc_len, s->actor, &doc, err)) {
		row_free(&c);
		return -1;
	}
	c.e.state = "submitted";
	c.e.signed_by = sg->user;
	c.e.signatory_id = g.id;
	c.e.signed_on = sg->date;
	c.e.sign_method = sg->method;
	c.e.doc_id = doc;
	c.e.doc_sha256 = sha;
	c.e.late = sg->late;
	c.e.event_id = sg->event_id;
	c.e.reviewed_by = c.e.reviewed_on = NULL; /* the review note of a return stays until reviewed again */
	rc = OPS(s)->submission_put(s, &c.e, err);
	row_free(&c);
	if (rc)
		return rc;
	char object[64];
	snprintf(object, sizeof(object), "submission %" PRId64, id);
	return audit(s, "submission.sign", object, NULL,
		     json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s?, s:s, s:s, s:b, s:s?}", "signed_by", sg->user,
			       "method", sg->method, "date", sg->date, "document_sha256", sha, "signatory",
			       (json_int_t)g.id, "authority", g.kind, "valid_from", g.from, "valid_to",
			       *g.to ? g.to : NULL, "authority_document", g.evidence, "authority_sha256", g.sha,
			       "late", sg->late, "event", sg->event_id),
		     err);
}

int store_submission_review(struct store *s, int64_t id, bool accept, const char *note, const char *date,
			    const char *event_id, struct bd_error *err)
{
	struct row_copy c;
	int rc = row_get(s, id, &c, err);
	if (rc)
		return rc;
	if (strcmp(c.e.state, "submitted") != 0) {
		rc = bd_failc(err, BD_CONFLICT, "submission %" PRId64 " is %s: only a submitted one can be reviewed", id,
			      c.e.state);
		row_free(&c);
		return rc;
	}
	if (!accept && (!note || !*note)) {
		row_free(&c);
		return bd_fail(err, "note: expected a message to the organisation saying what to complete");
	}
	c.e.state = accept ? "accepted" : "returned";
	c.e.reviewed_by = s->actor;
	c.e.reviewed_on = date;
	c.e.review_note = note && *note ? note : NULL;
	if (event_id)
		c.e.event_id = event_id;
	rc = OPS(s)->submission_put(s, &c.e, err);
	row_free(&c);
	if (rc)
		return rc;
	char object[64];
	snprintf(object, sizeof(object), "submission %" PRId64, id);
	return audit(s, accept ? "submission.accept" : "submission.return", object, NULL,
		     json_pack("{s:s, s:s?, s:s?}", "date", date, "note", note && *note ? note : NULL, "event", event_id),
		     err);
}

struct sub_scan {
	submission_fn fn;
	void *ctx;
	int found;
};

static int each_submission(void *vctx, const struct engine_submission *e)
{
	struct sub_scan *c = vctx;
	struct submission b = submission_of(e);
	c->found++;
	return c->fn(c->ctx, &b);
}

int store_submissions(struct store *s, const char *org, const char *state, submission_fn fn, void *ctx,
		      struct bd_error *err)
{
	int64_t org_id = 0;
	if (org) {
		org_id = org_id_of(s, org, err);
		if (org_id <= 0)
			return org_id < 0 ? -1 : 0;
	}
	struct sub_scan c = {fn, ctx, 0};
	return OPS(s)->submission_scan(s, org_id, 0, state, each_submission, &c, err);
}

int store_submission_get(struct store *s, int64_t id, submission_fn fn, void *ctx, struct bd_error *err)
{
	if (id <= 0)
		return 1;
	struct sub_scan c = {fn, ctx, 0};
	int rc = OPS(s)->submission_scan(s, 0, id, NULL, each_submission, &c, err);
	return rc ? rc : c.found ? 0 : 1;
}
