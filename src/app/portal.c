/* portal.c: the recipient's filing as workflows.  See portal.h. */
#include "portal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "access.h"
#include "ledger.h"
#include "money.h"
#include "readfile.h"
#include "submissiondoc.h"

#define AGENCY "Kammarkollegiet"

/* The password signer: the user's password checked by the login's own
 * check (access_login: Argon2id against the stored hash, a failure counted
 * by the user name and by the source, too many making the signer wait). */
static int password_identify(const struct portal_signer *m, struct store *s, const char *user, const char *secret,
			     const char *source, long *wait, struct bd_error *err)
{
	(void)m;
	struct access_user u;
	switch (access_login(s, user, secret ? secret : "", source, &u, wait, err)) {
	case ACCESS_OK:
		/* The password of the user named, not of a variant of its name. */
		return strcmp(u.name, user) == 0 ? 0 : 1;
	case ACCESS_WAIT:
		return 2;
	case ACCESS_WRONG:
		return 1;
	default:
		return -1;
	}
}

const struct portal_signer portal_signer_password = {"password", "lösenord i bidrag (inloggning på nytt)",
						     password_identify};

/* Parts. */

static json_t *decision_doc(struct store *s, const char *dnr, struct bd_error *err)
{
	char *text = NULL, *sha = NULL;
	if (store_decision_document(s, dnr, &text, &sha, err))
		return NULL;
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	free(sha);
	return doc;
}

static json_t *part_of(json_t *doc, const char *part)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "parts"), i, p)
	{
		const char *id = json_string_value(json_object_get(p, "id"));
		if (id && strcmp(id, part) == 0)
			return p;
	}
	return NULL;
}

static bool mentions_activity(const char *t)
{
	return t && (strcasestr(t, "verksamhetsrapport") || strcasestr(t, "verksamhetsredovisning"));
}

/* activity_asked: the decision asks for activity reports (of the part's
 * report, or in its text). */
static bool activity_asked(json_t *doc, const char *part)
{
	json_t *p = part_of(doc, part);
	return mentions_activity(json_string_value(json_object_get(p, "report"))) ||
	       mentions_activity(json_string_value(json_object_get(doc, "text")));
}

struct parts_ctx {
	struct store *s;
	const char *today;
	json_t *arr;
	struct portal_part *one; /* portal_part_get */
	struct bd_error *err;
};

static void part_fill(struct portal_part *p, const struct ledger_account *a, const char *today)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dnr, sizeof(p->dnr), "%s", a->dnr);
	snprintf(p->part, sizeof(p->part), "%s", a->part);
	snprintf(p->title, sizeof(p->title), "%s", a->part_title ? a->part_title : "");
	snprintf(p->mode, sizeof(p->mode), "%s", a->terms->mode == PAY_REQUISITION ? "requisition" : "without-requisition");
	snprintf(p->deadline, sizeof(p->deadline), "%s", a->terms->mode == PAY_REQUISITION ? a->terms->deadline : "");
	snprintf(p->report_deadline, sizeof(p->report_deadline), "%s", a->report_deadline ? a->report_deadline : "");
	p->lapses = a->terms->lapses;
	p->allocated = a->balance->allocated;
	p->avail = a->balance->b[B_AVAIL];
	p->paid_out = a->balance->b[B_PAID] + a->balance->b[B_CLAIMED] + a->balance->b[B_REPAID];
	/* The ledger's own rule: would it take a requisition today? */
	struct ledger_balance b = *a->balance;
	struct ledger_event e = {.kind = EV_REQUISITION, .actor = "portal", .amount = 1};
	snprintf(e.date, sizeof(e.date), "%s", today);
	struct bd_error ignored;
	p->can_requisition = b.b[B_AVAIL] > 0 && ledger_apply(&b, a->terms, &e, NULL, &ignored) == 0;
}

static json_t *part_json(const struct portal_part *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b, s:I, s:I, s:I, s:b, s:b}", "dnr", p->dnr, "part",
			 p->part, "title", p->title, "decision_title", p->decision_title, "mode", p->mode, "requisition_deadline",
			 *p->deadline ? p->deadline : NULL, "report_deadline", *p->report_deadline ? p->report_deadline : NULL,
			 "lapses", p->lapses, "allocated", (json_int_t)p->allocated, "avail", (json_int_t)p->avail,
			 "paid_out", (json_int_t)p->paid_out, "can_requisition", p->can_requisition, "activity_asked",
			 p->activity_asked);
}

static int each_part(void *vctx, const struct ledger_account *a)
{
	struct parts_ctx *c = vctx;
	struct portal_part p;
	part_fill(&p, a, c->today);
	json_t *doc = decision_doc(c->s, a->dnr, c->err);
	if (doc) {
		snprintf(p.decision_title, sizeof(p.decision_title), "%s", json_string_value(json_object_get(doc, "title")) ?: "");
		p.activity_asked = activity_asked(doc, a->part);
		json_decref(doc);
	}
	if (c->one) {
		*c->one = p;
		return 0;
	}
	json_array_append_new(c->arr, part_json(&p));
	return 0;
}

int portal_parts(struct store *s, const char *org, const char *today, json_t **out, struct bd_error *err)
{
	struct parts_ctx c = {s, today, json_array(), NULL, err};
	if (store_ledger_accounts(s, NULL, NULL, org, NULL, each_part, &c, err)) {
		json_decref(c.arr);
		return -1;
	}
	*out = c.arr;
	return 0;
}

/* portal_part_get: 1 when org has no account in that part. */
static int portal_part_get(struct store *s, const char *org, const char *dnr, const char *part, const char *today,
			   struct portal_part *p, struct bd_error *err)
{
	p->dnr[0] = '\0';
	struct parts_ctx c = {s, today, NULL, p, err};
	if (store_ledger_accounts(s, dnr, part, org, NULL, each_part, &c, err))
		return -1;
	return p->dnr[0] ? 0 : 1;
}

/* check_requisition: the ledger's rules for a requisition of amount by
 * org on date. */
static int check_requisition(struct store *s, const char *org, const char *dnr, const char *part, int64_t amount,
			     const char *date, struct bd_error *err);

struct acct_check {
	const char *date;
	int64_t amount;
	int rc;
	struct bd_error *err;
};

static int apply_requisition(void *vctx, const struct ledger_account *a)
{
	struct acct_check *c = vctx;
	struct ledger_balance b = *a->balance;
	struct ledger_event e = {.kind = EV_REQUISITION, .actor = "portal", .amount = c->amount};
	snprintf(e.date, sizeof(e.date), "%s", c->date);
	c->rc = ledger_apply(&b, a->terms, &e, NULL, c->err) ? -1 : 0;
	return 0;
}

static int check_requisition(struct store *s, const char *org, const char *dnr, const char *part, int64_t amount,
			     const char *date, struct bd_error *err)
{
	struct acct_check c = {date, amount, 1, err};
	if (store_ledger_accounts(s, dnr, part, org, NULL, apply_requisition, &c, err))
		return -1;
	if (c.rc > 0)
		return bd_fail(err, "%s has no allocation in part %s of %s", org, part, dnr);
	if (c.rc < 0) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		return bd_fail(err, "a requisition of part %s of %s: %s", part, dnr, why);
	}
	return 0;
}

int portal_draft(struct store *s, const char *org, const struct submission_draft *d, const char *today, int64_t *id,
		 struct bd_error *err)
{
	if (!d->dnr || !*d->dnr || !d->part || !*d->part)
		return bd_fail(err, "dnr and part: expected the decision's diary number and the part");
	struct portal_part p;
	int rc = portal_part_get(s, org, d->dnr, d->part, today, &p, err);
	if (rc < 0)
		return -1;
	if (rc)
		return bd_fail(err, "%s has no allocation in part %s of %s: nothing to file", org, d->part, d->dnr);
	if (d->kind && strcmp(d->kind, SUBMISSION_REQUISITION) == 0) {
		if (!d->has_amount || d->amount <= 0)
			return bd_fail(err, "amount: expected the amount requisitioned (more than 0 kr)");
		if (check_requisition(s, org, d->dnr, d->part, d->amount, today, err))
			return -1;
	} else if (d->kind && strcmp(d->kind, SUBMISSION_ACTIVITY) == 0 && !p.activity_asked) {
		return bd_fail(err, "decision %s does not ask for activity reports (verksamhetsrapporter) of part %s", d->dnr,
			       d->part);
	} else if (d->kind && strcmp(d->kind, SUBMISSION_FINANCIAL) == 0) {
		if (!d->has_amount || !d->has_unused)
			return bd_fail(err, "amount and unused: expected the amounts used and unused");
	}
	return store_submission_add(s, org, d, today, id, err);
}

/* The document. */

struct sub_copy {
	bool found;
	int64_t id;
	char org[64], org_name[256], kind[32], dnr[64], part[64], state[16], event_id[128], signed_on[DATE_LEN];
	bool has_amount, has_unused;
	int64_t amount, unused;
	char *comments, *attachments;
};

static int take_sub(void *ctx, const struct submission *b)
{
	struct sub_copy *c = ctx;
	c->found = true;
	c->id = b->id;
	snprintf(c->org, sizeof(c->org), "%s", b->org);
	snprintf(c->org_name, sizeof(c->org_name), "%s", b->org_name);
	snprintf(c->kind, sizeof(c->kind), "%s", b->kind);
	snprintf(c->dnr, sizeof(c->dnr), "%s", b->dnr);
	snprintf(c->part, sizeof(c->part), "%s", b->part);
	snprintf(c->state, sizeof(c->state), "%s", b->state);
	snprintf(c->event_id, sizeof(c->event_id), "%s", b->event_id ? b->event_id : "");
	snprintf(c->signed_on, sizeof(c->signed_on), "%s", b->signed_on ? b->signed_on : "");
	c->has_amount = b->has_amount;
	c->has_unused = b->has_unused;
	c->amount = b->amount;
	c->unused = b->unused;
	c->comments = b->comments ? xstrdup(b->comments) : NULL;
	c->attachments = xstrdup(b->attachments ? b->attachments : "[]");
	return 0;
}

static void sub_free(struct sub_copy *c)
{
	free(c->comments);
	free(c->attachments);
}

struct sig_copy {
	char kind[32], from[DATE_LEN], to[DATE_LEN], evidence[256];
};

static int take_sig(void *ctx, const struct signatory *g)
{
	struct sig_copy *c = ctx;
	snprintf(c->kind, sizeof(c->kind), "%s", g->kind);
	snprintf(c->from, sizeof(c->from), "%s", g->valid_from);
	snprintf(c->to, sizeof(c->to), "%s", g->valid_to ? g->valid_to : "");
	snprintf(c->evidence, sizeof(c->evidence), "%s", g->evidence_name ? g->evidence_name : "");
	return 0;
}

static int take_orgnr(void *ctx, const struct org *o)
{
	snprintf(ctx, 32, "%s", o->orgnr ? o->orgnr : "");
	return 0;
}

/* render: the PDF of c signed by user on date; late set when after the
 * part's deadline. */
static int render(struct store *s, const struct sub_copy *c, const char *user, const struct portal_signer *m,
		  const char *date, char **pdf, size_t *len, bool *late, struct bd_error *err)
{
	struct sig_copy g = {0};
	int rc = store_signatory_of(s, c->org, user, date, take_sig, &g, err);
	if (rc < 0)
		return -1;
	if (rc)
		return bd_fail(err,
			       "%s is not an authorised representative of %s on %s (no firmatecknare or ombud valid that "
			       "day): a representative must sign",
			       user, c->org, date);
	struct portal_part p;
	rc = portal_part_get(s, c->org, c->dnr, c->part, date, &p, err);
	if (rc)
		return rc < 0 ? -1 : bd_fail(err, "%s has no allocation in part %s of %s", c->org, c->part, c->dnr);
	const char *deadline = strcmp(c->kind, SUBMISSION_REQUISITION) == 0 ? p.deadline : p.report_deadline;
	/* A report after its deadline is accepted but late (the ledger's rule);
	 * a requisition after a deadline that lapses the right is refused by
	 * the ledger when it is recorded. */
	if (late)
		*late = strcmp(c->kind, SUBMISSION_REQUISITION) != 0 && ledger_report_late(date, p.report_deadline);
	char orgnr[32] = "";
	if (store_org_get(s, c->org, take_orgnr, orgnr, err) < 0)
		return -1;
	json_t *list = json_loads(c->attachments, 0, NULL);
	size_t n = json_array_size(list);
	struct submission_doc_attachment *att = xcalloc(n ? n : 1, sizeof(*att));
	for (size_t i = 0; i < n; i++) {
		att[i].name = json_string_value(json_object_get(json_array_get(list, i), "name"));
		att[i].sha256 = json_string_value(json_object_get(json_array_get(list, i), "sha256"));
	}
	char authority[600];
	snprintf(authority, sizeof(authority), "%s enligt %s, giltig från %s%s%s", g.kind, g.evidence, g.from,
		 *g.to ? " till " : "", g.to);
	struct submission_doc doc = {
		.kind = c->kind, .number = c->id, .agency = AGENCY, .org = c->org, .org_name = c->org_name,
		.orgnr = *orgnr ? orgnr : NULL, .dnr = c->dnr, .decision_title = *p.decision_title ? p.decision_title : NULL,
		.part = c->part, .part_title = *p.title ? p.title : NULL, .deadline = *deadline ? deadline : NULL,
		.has_amount = c->has_amount, .has_unused = c->has_unused, .amount = c->amount, .unused = c->unused,
		.comments = c->comments, .attachments = att, .nattachments = n, .signer = user, .authority = authority,
		.method = m->words, .date = date,
	};
	const char *dir = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/bidrag-sub-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		rc = bd_failc(err, BD_IO, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
	} else {
		close(fd);
		rc = submission_doc_write(&doc, tmpl, err);
		if (!rc)
			rc = read_file(tmpl, 64u << 20, pdf, len, err);
		unlink(tmpl);
	}
	free(tmpl);
	free(att);
	json_decref(list);
	return rc;
}

int portal_render(struct store *s, int64_t id, const char *user, const struct portal_signer *m, const char *date,
		  char **pdf, size_t *len, struct bd_error *err)
{
	struct sub_copy c = {0};
	int rc = store_submission_get(s, id, take_sub, &c, err);
	if (rc)
		return rc;
	rc = render(s, &c, user, m, date, pdf, len, NULL, err);
	sub_free(&c);
	return rc;
}

int portal_identify(struct store *s, const struct portal_signer *m, const char *user, const char *secret,
		    const char *source, long *wait, struct bd_error *err)
{
	*wait = 0;
	int rc = m->identify(m, s, user, secret, source, wait, err);
	if (rc == 1)
		bd_failc(err, BD_INVALID, "could not identify %s by %s: the document is not signed", user, m->words);
	else if (rc == 2)
		bd_failc(err, BD_INVALID, "could not identify %s by %s: too many failed attempts: try again in %ld s; "
			 "the document is not signed", user, m->words, *wait);
	return rc;
}

int portal_sign(struct store *s, int64_t id, const struct portal_signer *m, const char *user, const char *date,
		struct bd_error *err)
{
	struct sub_copy c = {0};
	int rc = store_submission_get(s, id, take_sub, &c, err);
	if (rc)
		return rc;
	char *pdf = NULL;
	size_t len = 0;
	bool late = false;
	if (render(s, &c, user, m, date, &pdf, &len, &late, err)) {
		sub_free(&c);
		return -1;
	}
	char event_id[128] = "";
	if (strcmp(c.kind, SUBMISSION_REQUISITION) == 0) {
		if (!c.has_amount || c.amount <= 0) {
			free(pdf);
			sub_free(&c);
			return bd_fail(err, "amount: expected the amount requisitioned (more than 0 kr)");
		}
		if (*c.event_id) {
			snprintf(event_id, sizeof(event_id), "%s", c.event_id); /* recorded at the first signature */
		} else {
			snprintf(event_id, sizeof(event_id), "portal-requisition-%" PRId64, c.id);
			struct ledger_input ev = {.id = event_id, .kind = EV_REQUISITION, .dnr = c.dnr, .part = c.part,
						  .recipient = c.org, .actor = user, .amount = c.amount, .signed_by = user};
			snprintf(ev.date, sizeof(ev.date), "%s", date);
			enum ledger_outcome out;
			size_t failed = 0;
			if (store_ledger_record(s, &ev, 1, &out, &failed, err)) {
				char why[sizeof(err->msg)];
				snprintf(why, sizeof(why), "%s", err->msg);
				bd_fail(err, "the requisition cannot be submitted: %s", why);
				free(pdf);
				sub_free(&c);
				return -1;
			}
		}
	}
	char name[96];
	snprintf(name, sizeof(name), "%s-%" PRId64 ".pdf", c.kind, c.id);
	struct submission_signature sg = {.user = user, .method = m->method, .date = date, .doc_name = name, .doc = pdf,
					  .doc_len = len, .late = late, .event_id = *event_id ? event_id : NULL};
	rc = store_submission_sign(s, id, &sg, err);
	free(pdf);
	sub_free(&c);
	return rc;
}

int portal_review(struct store *s, int64_t id, const char *by, bool accept, const char *note, const char *date,
		  struct bd_error *err)
{
	struct sub_copy c = {0};
	int rc = store_submission_get(s, id, take_sub, &c, err);
	if (rc)
		return rc;
	char event_id[128] = "";
	if (accept && strcmp(c.kind, SUBMISSION_FINANCIAL) == 0 && strcmp(c.state, "submitted") == 0) {
		snprintf(event_id, sizeof(event_id), "portal-report-%" PRId64, c.id);
		struct ledger_input ev = {.id = event_id, .kind = EV_REPORT, .dnr = c.dnr, .part = c.part, .recipient = c.org,
					  .actor = by, .amount = c.has_unused ? c.unused : 0};
		/* dated the day it was signed (received), by which it is late or not */
		snprintf(ev.date, sizeof(ev.date), "%s", *c.signed_on ? c.signed_on : date);
		enum ledger_outcome out;
		size_t failed = 0;
		if (store_ledger_record(s, &ev, 1, &out, &failed, err)) {
			char why[sizeof(err->msg)];
			snprintf(why, sizeof(why), "%s", err->msg);
			bd_fail(err, "the financial report cannot be accepted: %s", why);
			sub_free(&c);
			return -1;
		}
	}
	rc = store_submission_review(s, id, accept, note, date, *event_id ? event_id : NULL, err);
	sub_free(&c);
	return rc;
}

/* JSON. */

static const char *kind_sv(const char *k)
{
	return strcmp(k, "firmatecknare") == 0 ? "firmatecknare" : "ombud";
}

json_t *portal_submission_json(const struct submission *b)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)b->id, "org", b->org,
			      "org_name", b->org_name, "kind", b->kind, "dnr", b->dnr, "part", b->part, "state", b->state,
			      "drafted_by", b->drafted_by, "drafted_on", b->drafted_on, "late", b->late);
	if (b->has_amount)
		json_object_set_new(o, "amount", json_integer((json_int_t)b->amount));
	if (b->has_unused)
		json_object_set_new(o, "unused", json_integer((json_int_t)b->unused));
	if (b->comments)
		json_object_set_new(o, "comments", json_string(b->comments));
	json_t *att = json_loads(b->attachments ? b->attachments : "[]", 0, NULL);
	json_object_set_new(o, "attachments", att ? att : json_array());
	if (b->signed_by) {
		json_object_set_new(o, "signed_by", json_string(b->signed_by));
		json_object_set_new(o, "signed_on", json_string(b->signed_on));
		json_object_set_new(o, "sign_method", json_string(b->sign_method ? b->sign_method : ""));
		json_object_set_new(o, "document_sha256", json_string(b->doc_sha256 ? b->doc_sha256 : ""));
		json_object_set_new(o, "signatory", json_integer((json_int_t)b->signatory_id));
		if (b->sig_kind) {
			json_object_set_new(o, "authority",
					    json_pack("{s:s, s:s, s:s?, s:s, s:s}", "kind", b->sig_kind, "valid_from", b->sig_from,
						      "valid_to", b->sig_to, "document", b->sig_evidence ? b->sig_evidence : "",
						      "document_sha256", b->sig_evidence_sha256 ? b->sig_evidence_sha256 : ""));
			char *t = xasprintf("signerad av %s, %s enligt %s (giltig från %s), %s", b->signed_by, kind_sv(b->sig_kind),
					    b->sig_evidence ? b->sig_evidence : "", b->sig_from, b->signed_on);
			json_object_set_new(o, "signature", json_string(t));
			free(t);
		}
	}
	if (b->reviewed_by) {
		json_object_set_new(o, "reviewed_by", json_string(b->reviewed_by));
		json_object_set_new(o, "reviewed_on", json_string(b->reviewed_on));
	}
	if (b->review_note)
		json_object_set_new(o, "review_note", json_string(b->review_note));
	if (b->event_id)
		json_object_set_new(o, "event", json_string(b->event_id));
	return o;
}

json_t *portal_signatory_json(const struct signatory *g, const char *today)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b}", "id",
			 (json_int_t)g->id, "org", g->org, "org_name", g->org_name, "user", g->user, "kind", g->kind,
			 "valid_from", g->valid_from, "valid_to", g->valid_to, "evidence", (json_int_t)g->evidence_id,
			 "evidence_name", g->evidence_name, "evidence_sha256", g->evidence_sha256, "added_by", g->added_by,
			 "added_on", g->added_on, "revoked_by", g->revoked_by, "revoked_on", g->revoked_on, "valid",
			 signatory_valid(g, today));
}

struct firm {
	bool yes;
};

static int take_firm(void *ctx, const struct signatory *g)
{
	struct firm *f = ctx;
	f->yes = strcmp(g->kind, SIGNATORY_FIRMATECKNARE) == 0;
	return 0;
}

int portal_may_keep_signatories(struct store *s, const char *user, const char *role, const char *user_org,
				const char *org, const char *today, bool *may, struct bd_error *err)
{
	*may = false;
	if (strcmp(role, "handlaggare") == 0) {
		*may = true;
		return 0;
	}
	if (strcmp(role, "mottagare") != 0 || !user_org || strcmp(user_org, org) != 0)
		return 0;
	struct firm f = {false};
	int rc = store_signatory_of(s, org, user, today, take_firm, &f, err);
	if (rc < 0)
		return -1;
	*may = rc == 0 && f.yes;
	return 0;
}
