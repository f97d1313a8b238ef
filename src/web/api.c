/* api.c: the JSON API's routes and handlers (docs/api.md).  Each route names
 * the roles that may use it; on one open to a mottagare, the dispatcher holds
 * it to its own organisation (r->scope_org, which the handlers filter and
 * check by), and the checks left in a handler are those that must answer
 * 400 or 404 before 403.  A route that takes a JSON object names its fields;
 * the dispatcher refuses any other before the handler runs (a document, such
 * as a decision file, is checked whole by its reader).  Every state change needs the session's
 * CSRF token in X-CSRF-Token and a JSON body; it runs in one transaction of
 * the store, which appends the audit log's entry in the same transaction. */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "allocation.h"
#include "apportion.h"
#include "audit.h"
#include "dataset.h"
#include "decision.h"
#include "ledger.h"
#include "money.h"
#include "refdata.h"
#include "annex.h"
#include "decisionbook.h"
#include "decisionfile.h"
#include "eventfile.h"
#include "regfile.h"
#include "regreport.h"
#include "table.h"
#include "deadlines.h"
#include "payexport.h"
#include "recreg.h"
#include "register.h"
#include "statusload.h"
#include "store.h"
#include "readfile.h"

/* Helpers. */

static int need_arg(struct web_req *r, const char *name, const char **out)
{
	*out = web_arg(r, name);
	if (!*out || !**out)
		return web_error(r, 400, name, "%s: missing (a query parameter)", name), -1;
	return 0;
}

static int parse_int_arg(struct web_req *r, const char *name, int min, int max, int *out)
{
	const char *s = web_arg(r, name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < min || v > max)
		return web_error(r, 400, name, "%s: expected a whole number from %d to %d", name, min, max), -1;
	*out = (int)v;
	return 0;
}

/* capture: what a writer prints to a FILE, as a response body. */
typedef int (*write_fn)(void *ctx, FILE *out, struct bd_error *err);
static int send_written(struct web_req *r, const char *type, const char *filename, write_fn fn, void *ctx)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f)
		return web_error(r, 503, NULL, "out of memory");
	struct bd_error err;
	int rc = fn(ctx, f, &err);
	fclose(f);
	if (rc) {
		free(data);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_bytes(r, 200, type, data, len, filename);
}

/* send_file_of: what a writer writes to a path (xlsx, pdf, png), through a
 * temporary file. */
typedef int (*path_fn)(void *ctx, const char *path, struct bd_error *err);
static int send_path(struct web_req *r, const char *type, const char *filename, path_fn fn, void *ctx)
{
	const char *dir = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/bidrag-web-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		web_error(r, 500, NULL, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
		free(tmpl);
		return 0;
	}
	close(fd);
	struct bd_error err;
	char *data = NULL;
	size_t len = 0;
	int rc = fn(ctx, tmpl, &err);
	if (!rc)
		rc = read_file(tmpl, 256u << 20, &data, &len, &err);
	unlink(tmpl);
	free(tmpl);
	if (rc)
		return web_error(r, 500, NULL, "%s", err.msg);
	return web_bytes(r, 200, type, data, len, filename);
}

/* in_transaction: run fn(ctx) in one transaction of the store, as the
 * session's user; a failure rolls back and answers status with err. */
typedef int (*tx_fn)(struct web_req *r, void *ctx, struct bd_error *err);
static int in_transaction(struct web_req *r, tx_fn fn, void *ctx, int status)
{
	struct bd_error err;
	if (store_begin(r->store, &err))
		return web_error(r, 503, NULL, "%s", err.msg);
	int rc = fn(r, ctx, &err);
	if (rc == 0 && store_commit(r->store, &err) == 0)
		return 0;
	store_rollback(r->store);
	if (r->answered)
		return 0; /* fn answered already */
	return web_error(r, status, NULL, "%s; nothing was changed", err.msg);
}

/* The organisations a mottagare may see: only its own. */
static bool org_allowed(const struct web_req *r, const char *code)
{
	return !r->scope_org || (code && strcmp(code, r->scope_org) == 0);
}

/* Session. */

static int h_me(struct web_req *r)
{
	const struct web_session *u = r->user;
	return web_json(r, 200,
			json_pack("{s:s, s:s, s:s?, s:s}", "name", u->name, "role", u->role_name, "org",
				  u->org[0] ? u->org : NULL, "csrf", u->csrf));
}

/* Decisions. */

struct dlist {
	json_t *arr;
	struct web_req *r;
};

static int decision_allocates_to(struct store *s, const char *dnr, const char *org)
{
	struct decision_link l;
	struct bd_error err;
	if (store_decision_link(s, dnr, org, &l, &err))
		return -1;
	free(l.title);
	return l.has_allocated;
}

static int add_decision(void *ctx, const struct decision_summary *d)
{
	struct dlist *l = ctx;
	if (l->r->scope_org && decision_allocates_to(l->r->store, d->dnr, l->r->scope_org) != 1)
		return 0;
	json_array_append_new(l->arr, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:I, s:I, s:i, s:s?}", "dnr", d->dnr,
						"date", d->date, "title", d->title, "department", d->department,
						"agreement_dnr", d->agreement_dnr, "total", (json_int_t)d->total,
						"allocated", (json_int_t)d->allocated, "parts", d->nparts,
						"budget_years", d->budget_years));
	return 0;
}

static int h_decisions(struct web_req *r)
{
	struct dlist l = {json_array(), r};
	struct bd_error err;
	if (store_decision_list(r->store, 0, add_decision, &l, &err) < 0) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "decisions", l.arr));
}

/* allocates_to: whether a loaded decision has an allocation row for org
 * (what decision_allocates_to asks the database, without asking it again). */
static bool allocates_to(const struct decision *d, const char *org)
{
	for (size_t i = 0; i < d->nparts; i++)
		for (size_t k = 0; k < d->parts[i].nrows; k++)
			if (strcmp(d->parts[i].rows[k].recipient, org) == 0)
				return true;
	return false;
}

/* load_decision: the registered decision of ?dnr= into d (initialised),
 * checked against the user; -1 after answering. */
static int load_decision(struct web_req *r, struct decision *d)
{
	const char *dnr;
	if (need_arg(r, "dnr", &dnr))
		return -1;
	struct bd_error err;
	int found = register_load(r->store, dnr, d, &err);
	if (found < 0)
		return web_error(r, 500, NULL, "%s", err.msg), -1;
	if (found == 1 || (r->scope_org && !allocates_to(d, r->scope_org)))
		return web_error(r, 404, "dnr", "no decision '%s' in the register", dnr), -1;
	return 0;
}

/* safe_filename: a name for Content-Disposition: anything but letters,
 * digits, '.' and '-' becomes '_' (no quotes, no slashes, no control bytes). */
static void safe_filename(char *name)
{
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '-'))
			*c = '_';
}

struct book_out {
	const struct decision *d;
	struct register_keys keys;
};

static int write_book(void *ctx, const char *path, struct bd_error *err)
{
	struct book_out *b = ctx;
	return decision_book_xlsx(path, b->d, register_keys_lookup, &b->keys, err);
}

/* add_part_warning: ctx is the response's parts array. */
static int add_part_warning(void *ctx, const struct decision_warning *w)
{
	json_t *parts = ctx;
	size_t i;
	json_t *p;
	json_array_foreach(parts, i, p)
	{
		if (!w->part || strcmp(json_string_value(json_object_get(p, "id")), w->part) != 0)
			continue;
		json_t *list = json_object_get(p, "warnings");
		if (!list) {
			list = json_array();
			json_object_set_new(p, "warnings", list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s?, s:s}", "field", w->field, "date", w->date, "message",
						      w->message));
	}
	return 0;
}

static int h_decision(struct web_req *r)
{
	const char *format = web_arg(r, "format");
	bool xlsx = format && strcmp(format, "xlsx") == 0;
	if (format && !xlsx && strcmp(format, "json") != 0)
		return web_error(r, 400, "format", "format: '%s' (expected json or xlsx)", format);
	if (xlsx && r->scope_org)
		return web_error(r, 403, "format", "a recipient's user sees its own rows of a decision (format json)");
	struct decision d;
	decision_init(&d);
	if (load_decision(r, &d)) {
		decision_release(&d);
		return 0;
	}
	if (xlsx) {
		struct book_out b = {&d, {0}};
		register_keys_init(&b.keys, r->store, &d);
		char name[160];
		snprintf(name, sizeof(name), "beslut-%s.xlsx", d.dnr);
		safe_filename(name);
		send_path(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, write_book, &b);
		register_keys_release(&b.keys);
		decision_release(&d);
		return 0;
	}
	char *doc = decisionfile_dump(&d);
	json_error_t je;
	json_t *file = json_loads(doc, 0, &je);
	free(doc);
	json_t *annexes = json_array();
	for (size_t i = 0; i < d.nannexes; i++)
		json_array_append_new(annexes, json_pack("{s:s, s:s?, s:s?}", "id", d.annexes[i].id, "label",
							 d.annexes[i].label, "caption", d.annexes[i].caption));
	json_t *parts = json_array();
	for (size_t i = 0; i < d.nparts; i++) {
		const struct part *p = &d.parts[i];
		json_t *rows = json_array();
		for (size_t k = 0; k < p->nrows; k++) {
			const struct alloc_row *ar = &p->rows[k];
			if (r->scope_org && strcmp(ar->recipient, r->scope_org) != 0)
				continue;
			json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "recipient", ar->recipient, "name",
							      ar->label ? ar->label : ar->recipient, "amount",
							      (json_int_t)ar->amount));
		}
		json_array_append_new(parts, json_pack("{s:s, s:s, s:I, s:o}", "id", p->id, "title", p->title, "amount",
						       (json_int_t)p->amount, "rows", rows));
	}
	/* Warnings kept with the decision, on the part whose deadline they
	 * are about (only parts that have any get the key). */
	struct bd_error err;
	if (store_decision_warnings(r->store, d.dnr, add_part_warning, parts, &err)) {
		json_decref(parts);
		json_decref(annexes);
		json_decref(file);
		decision_release(&d);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "dnr", d.dnr, "date", d.date, "title", d.title,
				"total", (json_int_t)d.total, "annexes", annexes, "parts", parts);
	if (file && !r->scope_org)
		json_object_set_new(out, "document", file);
	else
		json_decref(file);
	decision_release(&d);
	return web_json(r, 200, out);
}

struct annex_out {
	const struct table *t;
	enum table_format fmt;
};

static int write_annex(void *ctx, FILE *out, struct bd_error *err)
{
	struct annex_out *a = ctx;
	return table_write(a->t, a->fmt, out, NULL, err);
}

static int write_annex_xlsx(void *ctx, const char *path, struct bd_error *err)
{
	struct annex_out *a = ctx;
	return table_write(a->t, FMT_XLSX, NULL, path, err);
}

static int h_annex(struct web_req *r)
{
	const char *id, *format = web_arg(r, "format");
	enum table_format fmt = FMT_JSON;
	struct bd_error err;
	if (format && table_format_parse(format, &fmt, &err))
		return web_error(r, 400, "format", "format: %s", err.msg);
	struct decision d;
	decision_init(&d);
	if (need_arg(r, "annex", &id) || load_decision(r, &d)) {
		decision_release(&d);
		return 0;
	}
	const struct annex *ax = NULL;
	for (size_t i = 0; i < d.nannexes; i++)
		if (strcmp(d.annexes[i].id, id) == 0)
			ax = &d.annexes[i];
	if (!ax) {
		decision_release(&d);
		return web_error(r, 404, "annex", "decision %s has no annex '%s'", web_arg(r, "dnr"), id);
	}
	struct register_keys kc;
	register_keys_init(&kc, r->store, &d);
	struct annex_view *v = annex_view_new(&d, ax, register_keys_lookup, &kc, &err);
	if (!v) {
		web_error(r, 500, NULL, "%s", err.msg);
	} else {
		struct annex_out a = {annex_view_table(v), fmt};
		char name[128];
		snprintf(name, sizeof(name), "%s.%s", id, fmt == FMT_XLSX ? "xlsx" : fmt == FMT_CSV ? "csv" : "txt");
		if (fmt == FMT_XLSX)
			send_path(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name,
				  write_annex_xlsx, &a);
		else
			send_written(r,
				     fmt == FMT_JSON  ? "application/json; charset=utf-8"
				     : fmt == FMT_CSV ? "text/csv; charset=utf-8"
						      : "text/plain; charset=utf-8",
				     fmt == FMT_JSON ? NULL : name, write_annex, &a);
		annex_view_free(v);
	}
	register_keys_release(&kc);
	decision_release(&d);
	return 0;
}

static int h_decision_import(struct web_req *r)
{
	struct decision d;
	struct decision_warnings w = {0};
	enum import_outcome outcome;
	decision_init(&d);
	struct bd_error err;
	if (decisionfile_parse(&d, r->body ? r->body : "", r->len, "the decision file", &err)) {
		web_error(r, 400, NULL, "%s", err.msg);
	} else {
		/* register_import is one transaction of its own. */
		if (register_import(r->store, &d, &w, &outcome, &err)) {
			web_error(r, 400, NULL, "%s; nothing was registered", err.msg);
		} else {
			json_t *warnings = json_array();
			for (size_t i = 0; i < w.n; i++)
				json_array_append_new(warnings, json_string(w.msg[i]));
			web_json(r, outcome == IMPORT_ADDED ? 201 : 200,
				 json_pack("{s:s, s:s, s:o}", "dnr", d.dnr, "outcome",
					   outcome == IMPORT_ADDED ? "registered" : "already registered", "warnings",
					   warnings));
		}
	}
	decision_warnings_release(&w);
	decision_release(&d);
	return 0;
}

/* The ledger. */

static int h_status(struct web_req *r)
{
	const char *dnr = web_arg(r, "dnr"), *as_of = web_arg(r, "as_of"), *recipient = web_arg(r, "recipient");
	if (as_of && !date_valid(as_of))
		return web_error(r, 400, "as_of", "as_of: '%s' is not a date (expected YYYY-MM-DD)", as_of);
	if (r->scope_org) {
		if (recipient && strcmp(recipient, r->scope_org) != 0)
			return web_error(r, 403, "recipient", "a recipient's user sees only its own organisation");
		recipient = r->scope_org;
	}
	char today[DATE_LEN];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	struct status_view v;
	struct bd_error err;
	if (status_view_load(r->store, dnr, NULL, recipient, as_of, today, false, &v, &err) < 0) {
		status_view_release(&v);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	/* The figures of the one status view `bidrag status` shows too;
	 * lapsed includes lapse_due, so each account adds up. */
	json_t *arr = json_array();
	for (size_t i = 0; i < v.n; i++) {
		const struct status_row *x = &v.v[i];
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s}", "dnr", x->k1, "part", x->k2, "part_title",
				      x->part_title, "recipient", x->recipient, "recipient_name", x->k3);
		for (int f = 0; f < ST_COUNT; f++)
			json_object_set_new(o, status_figure_key[f], json_integer((json_int_t)x->f[f]));
		json_object_set_new(o, "lapse_due", json_integer((json_int_t)x->lapse_due));
		json_array_append_new(arr, o);
	}
	json_t *body = json_pack("{s:s, s:s, s:o}", "as_of", v.as_of, "amounts", "öre", "accounts", arr);
	status_view_release(&v);
	return web_json(r, 200, body);
}

static int add_payment(void *ctx, const struct payment_row *p)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:s, s:s, s:s?}", "id",
					     p->id, "dnr", p->dnr, "part", p->part, "recipient", p->recipient,
					     "recipient_name", p->recipient_name, "payee", p->payee_name, "bankgiro",
					     p->bankgiro, "plusgiro", p->plusgiro, "amount", (json_int_t)p->amount,
					     "date", p->date, "registered_by", p->registered_by, "executed",
					     p->exec_date));
	return 0;
}

static int h_payments(struct web_req *r)
{
	const char *state = web_arg(r, "state");
	if (!state)
		state = "registered";
	int st = payment_state_parse(state);
	if (st < 0)
		return web_error(r, 400, "state", "state: '%s' (expected registered, attested or executed)", state);
	json_t *arr = json_array();
	struct bd_error err;
	if (store_payments(r->store, (enum payment_state)st, web_arg(r, "batch"), add_payment, arr, &err) < 0) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:s, s:o}", "state", state, "amounts", "öre", "payments", arr));
}

static int add_event(void *ctx, const struct ledger_row *e)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:I, s:s?}",
					     "seq", (json_int_t)e->seq, "id", e->id, "kind", e->kind, "dnr", e->dnr,
					     "part", e->part, "recipient", e->recipient, "date", e->date, "by",
					     e->actor, "ref", e->ref, "batch", e->batch, "amount", (json_int_t)e->amount,
					     "recorded", e->recorded));
	return 0;
}

static int h_events(struct web_req *r)
{
	json_t *arr = json_array();
	struct bd_error err;
	if (store_ledger_events(r->store, web_arg(r, "dnr"), add_event, arr, &err) < 0) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o}", "amounts", "öre", "events", arr));
}

/* POST /api/events: a batch, all or nothing, recorded as the session's user. */
struct events_ctx {
	struct event_batch b;
	enum ledger_outcome *out;
};

static int do_events(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct events_ctx *c = vctx;
	size_t failed = 0;
	if (store_ledger_record(r->store, c->b.v, c->b.n, c->out, &failed, err)) {
		char msg[1100];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		char field[32];
		snprintf(field, sizeof(field), "[%zu]", failed);
		web_error(r, 400, field, "event %zu (id '%s'): %s; nothing was recorded", failed + 1,
			  c->b.v[failed].id ? c->b.v[failed].id : "", msg);
		return 1;
	}
	return 0;
}

static int h_events_post(struct web_req *r)
{
	json_t *arr = web_body_json(r, true);
	if (!arr)
		return 0;
	size_t n = json_array_size(arr);
	if (n == 0 || n > 100000) {
		json_decref(arr);
		return web_error(r, 400, NULL, "expected 1 to 100 000 events");
	}
	/* Who may record what: events are recorded as the session's user. */
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		char field[32];
		snprintf(field, sizeof(field), "[%zu]", i);
		if (!json_is_object(e)) {
			json_decref(arr);
			return web_error(r, 400, field, "%s: expected an event object", field);
		}
		const char *by = json_string_value(json_object_get(e, "by"));
		if (by && strcmp(by, r->user->name) != 0) {
			web_error(r, 403, field, "%s.by: events are recorded as the logged-in user (%s), not '%s'", field,
				  r->user->name, by);
			json_decref(arr); /* after the message: by lives in arr */
			return 0;
		}
		json_object_set_new(e, "by", json_string(r->user->name));
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *recipient = json_string_value(json_object_get(e, "recipient"));
		enum web_role role = r->user->role;
		bool ok;
		if (kind && strcmp(kind, "attest") == 0)
			ok = role == ROLE_ATTESTANT;
		else if (kind && (strcmp(kind, "requisition") == 0 || strcmp(kind, "report") == 0))
			ok = role == ROLE_HANDLAGGARE ||
			     (role == ROLE_MOTTAGARE && recipient && r->scope_org && strcmp(recipient, r->scope_org) == 0);
		else
			ok = role == ROLE_HANDLAGGARE;
		if (!ok) {
			web_error(r, 403, field, "%s: a user with the role %s may not record a%s %s event%s", field,
				  r->user->role_name, kind && strchr("aeiou", kind[0]) ? "n" : "", kind ? kind : "(no kind)",
				  role == ROLE_MOTTAGARE ? " for another organisation" : "");
			json_decref(arr); /* after the message: kind lives in arr */
			return 0;
		}
	}
	struct events_ctx c;
	struct bd_error err;
	int rc = eventfile_from_json(&c.b, arr, "the events", &err);
	json_decref(arr); /* the batch holds copies in its pool */
	if (rc) {
		eventfile_release(&c.b);
		return web_error(r, 400, NULL, "%s", err.msg);
	}
	c.out = xcalloc(c.b.n, sizeof(*c.out));
	in_transaction(r, do_events, &c, 400);
	if (!r->answered) {
		json_t *rec = json_array(), *already = json_array();
		for (size_t i = 0; i < c.b.n; i++)
			json_array_append_new(c.out[i] == LEDGER_RECORDED ? rec : already, json_string(c.b.v[i].id));
		web_json(r, json_array_size(rec) ? 201 : 200, json_pack("{s:o, s:o}", "recorded", rec, "already", already));
	}
	free(c.out);
	eventfile_release(&c.b);
	return 0;
}

/* The recipient register. */

struct rlist {
	json_t *arr;
	struct web_req *r;
};

static int add_register(void *ctx, const struct recipient_version *v)
{
	struct rlist *l = ctx;
	if (!org_allowed(l->r, v->org))
		return 0;
	json_array_append_new(l->arr, json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:s, s:s}", "org", v->org, "org_name",
						v->org_name, "year", v->year, "version", v->version, "grants", v->grants,
						"amount", (json_int_t)v->total, "recorded_at", v->recorded_at,
						"recorded_by", v->recorded_by));
	return 0;
}

static int h_register(struct web_req *r)
{
	struct rlist l = {json_array(), r};
	struct bd_error err;
	if (store_recipient_list(r->store, r->scope_org, false, add_register, &l, &err) < 0) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "registers", l.arr));
}

struct report_out {
	struct recreg_report d;
	int kind; /* 0 md, 1 csv, 2 xlsx, 3 pdf, 4 png, 5 svg */
};

static int write_report(void *ctx, FILE *out, struct bd_error *err)
{
	struct report_out *o = ctx;
	return (o->kind == 0 ? rg_report_md : rg_report_csv)(&o->d.rep, out, err);
}

static int write_report_path(void *ctx, const char *path, struct bd_error *err)
{
	struct report_out *o = ctx;
	switch (o->kind) {
	case 2: return rg_report_xlsx(&o->d.rep, path, err);
	case 3: return rg_report_pdf(&o->d.rep, path, err);
	case 4: return rg_chart(&o->d.rep, RG_CHART_PNG, path, err);
	default: return rg_chart(&o->d.rep, RG_CHART_SVG, path, err);
	}
}

static int h_register_report(struct web_req *r, bool chart)
{
	const char *org, *format = web_arg(r, "format");
	int year;
	if (need_arg(r, "org", &org) || parse_int_arg(r, "year", 2000, 2100, &year))
		return 0;
	static const char *const kinds[] = {"md", "csv", "xlsx", "pdf", "png", "svg"};
	static const char *const types[] = {"text/markdown; charset=utf-8", "text/csv; charset=utf-8",
					    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
					    "application/pdf", "image/png", "image/svg+xml"};
	int kind = -1;
	for (int i = chart ? 4 : 0; i < (chart ? 6 : 4); i++)
		if (format && strcmp(format, kinds[i]) == 0)
			kind = i;
	if (kind < 0)
		return web_error(r, 400, "format", "format: '%s' (expected %s)", format ? format : "",
				 chart ? "svg or png" : "md, csv, xlsx or pdf");
	char name[256] = "";
	struct bd_error err;
	char code[64];
	int found = store_org_find(r->store, org, code, name, &err);
	if (found)
		return web_error(r, found < 0 ? 500 : 404, found < 0 ? NULL : "org", "%s", err.msg);
	if (!org_allowed(r, code))
		return web_error(r, 403, "org", "a recipient's user sees only its own organisation's register");
	int compare = RECREG_COMPARE_AUTO;
	const char *cmp = web_arg(r, "compare");
	if (cmp && strcmp(cmp, "none") == 0)
		compare = RECREG_COMPARE_NONE;
	else if (cmp && parse_int_arg(r, "compare", 2000, 2100, &compare))
		return 0;
	struct report_out o = {.kind = kind};
	int rc = recreg_report_load(r->store, code, name, year, 0, compare, &o.d, &err);
	if (rc == 1)
		web_error(r, 404, "year", "%s", err.msg);
	else if (rc)
		web_error(r, 500, NULL, "%s", err.msg);
	else {
		char file[128];
		snprintf(file, sizeof(file), "%s-%s-%d.%s", chart ? "jamforelse" : "statsbidrag", code, year, kinds[kind]);
		if (kind < 2)
			send_written(r, types[kind], file, write_report, &o);
		else
			send_path(r, types[kind], kind >= 4 ? NULL : file, write_report_path, &o);
	}
	recreg_report_release(&o.d);
	return 0;
}

static int h_register_report_doc(struct web_req *r)
{
	return h_register_report(r, false);
}

static int h_register_chart(struct web_req *r)
{
	return h_register_report(r, true);
}

/* POST /api/register: a register document (bidrag-register/1, with its
 * lines and entries inline), each year stored as a new version. */
struct register_ctx {
	struct rg_register *reg;
	const char *org;
	json_t *stored;
};

static int do_register(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct register_ctx *c = vctx;
	for (size_t i = 0; i < c->reg->nyears; i++) {
		const struct rg_year *y = &c->reg->years[i];
		char *doc = regfile_dump_year(y, c->org);
		struct recipient_grant_row *rows = xcalloc(y->ngrants + 1, sizeof(*rows));
		for (size_t k = 0; k < y->ngrants; k++) {
			const struct rg_grant *g = &y->grants[k];
			rows[k] = (struct recipient_grant_row){g->key, g->title, g->dnr, g->decision, g->total};
		}
		struct recipient_put in = {c->org, y->year, doc, "POST /api/register", r->user->name, rows, y->ngrants};
		int version = 0;
		bool unchanged = false;
		int rc = store_recipient_put(r->store, &in, &version, &unchanged, err);
		free(rows);
		free(doc);
		if (rc)
			return -1;
		json_array_append_new(c->stored, json_pack("{s:i, s:i, s:b}", "year", y->year, "version", version,
							   "unchanged", unchanged));
	}
	return 0;
}

static int h_register_post(struct web_req *r)
{
	struct rg_register reg;
	rg_init(&reg);
	struct regfile_checks checks = {0};
	struct bd_error err;
	char code[64] = "";
	if (regfile_parse(&reg, r->body ? r->body : "", r->len, "the register", NULL, &checks, &err) ||
	    rg_compute(&reg, &err) || regfile_run_checks(&checks, &err)) {
		web_error(r, 400, NULL, "%s; nothing was stored", err.msg);
	} else {
		int found = store_org_find(r->store, reg.org, code, NULL, &err);
		if (found < 0)
			web_error(r, 500, NULL, "%s", err.msg);
		else if (found == 1)
			web_error(r, 400, "org", "org: %s; nothing was stored", err.msg);
		else if (!org_allowed(r, code))
			web_error(r, 403, "org", "a recipient's user files only its own organisation's register");
		else {
			struct register_ctx c = {&reg, code, json_array()};
			in_transaction(r, do_register, &c, 400);
			if (!r->answered)
				web_json(r, 201, json_pack("{s:s, s:o}", "org", code, "stored", c.stored));
			else
				json_decref(c.stored);
		}
	}
	regfile_checks_release(&checks);
	rg_release(&reg);
	return 0;
}

/* The audit log. */

static int add_audit(void *ctx, const struct audit_entry *e)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s}", "seq", (json_int_t)e->seq,
					     "at", e->at, "actor", e->actor, "action", e->action, "object", e->object,
					     "before", e->before, "after", e->after, "prev_sha256", e->prev, "sha256",
					     e->sha256));
	return 0;
}

static int h_audit(struct web_req *r)
{
	int from = 1;
	if (web_arg(r, "from") && parse_int_arg(r, "from", 1, 2000000000, &from))
		return 0;
	json_t *arr = json_array();
	struct bd_error err;
	if (store_audit_list(r->store, from, add_audit, arr, &err) < 0) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "entries", arr));
}

struct verify_ctx {
	struct audit_check c;
	json_t *problems;
};

static void audit_problem(void *ctx, int64_t seq, const char *msg)
{
	struct verify_ctx *v = ctx;
	json_array_append_new(v->problems, json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "message", msg));
}

static int check_one(void *ctx, const struct audit_entry *e)
{
	struct verify_ctx *v = ctx;
	audit_check_entry(&v->c, e, audit_problem, v);
	return 0;
}

static int h_audit_verify(struct web_req *r)
{
	struct verify_ctx v;
	audit_check_init(&v.c);
	v.problems = json_array();
	struct bd_error err;
	if (store_audit_list(r->store, 0, check_one, &v, &err) < 0) {
		json_decref(v.problems);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200,
			json_pack("{s:b, s:I, s:s, s:o}", "ok", v.c.problems == 0, "entries", (json_int_t)v.c.n, "head",
				  v.c.head, "problems", v.problems));
}

/* Users. */

static int add_user(void *ctx, const struct user *u)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "name", u->name, "role", u->role, "org",
					     u->org, "created_at", u->created_at, "changed_at", u->changed_at));
	return 0;
}

static int h_users(struct web_req *r)
{
	json_t *arr = json_array();
	struct bd_error err;
	if (store_user_list(r->store, add_user, arr, &err) < 0) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "users", arr));
}

struct user_ctx {
	struct user u;
};

static int do_user(struct web_req *r, void *vctx, struct bd_error *err)
{
	(void)r;
	struct user_ctx *c = vctx;
	return store_user_add(r->store, &c->u, err);
}

/* The body's fields are the route's (users_fields). */
static int h_users_post(struct web_req *r)
{
	json_t *b = r->json;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *role = json_string_value(json_object_get(b, "role"));
	const char *org = json_string_value(json_object_get(b, "org"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	int rc = 0;
	if (!name || !user_name_ok(name))
		rc = web_error(r, 400, "name", "name: expected 1 to 64 of a-z, 0-9, '.', '-' and '_'");
	else if (!role_parse(role))
		rc = web_error(r, 400, "role", "role: expected handlaggare, attestant, revisor, mottagare or admin");
	else if ((strcmp(role, "mottagare") == 0) != (org != NULL))
		rc = web_error(r, 400, "org", org ? "org: only for the role mottagare" : "org: a mottagare needs its organisation");
	else if (!pw || strlen(pw) < 12 || strlen(pw) > 1024)
		rc = web_error(r, 400, "password", "password: at least 12 characters");
	if (r->answered || rc) {
		json_decref(b);
		return 0;
	}
	char code[64] = "";
	struct bd_error err;
	int found = org ? store_org_find(r->store, org, code, NULL, &err) : 0;
	if (found) {
		web_error(r, found < 0 ? 500 : 400, found < 0 ? NULL : "org", "%s%s", found < 0 ? "" : "org: ", err.msg);
		json_decref(b);
		return 0;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		json_decref(b);
		return web_error(r, 503, NULL, "hashing the password failed (out of memory)");
	}
	struct user_ctx c = {{name, role, org ? code : NULL, hash, NULL, NULL}};
	in_transaction(r, do_user, &c, 400);
	if (!r->answered)
		web_json(r, 201, json_pack("{s:s, s:s, s:s?}", "name", name, "role", role, "org", org ? code : NULL));
	json_decref(b);
	return 0;
}

/* Deadlines. */

static int h_deadlines(struct web_req *r)
{
	const char *as_of = web_arg(r, "as_of"), *format = web_arg(r, "format");
	if (as_of && !date_valid(as_of))
		return web_error(r, 400, "as_of", "as_of: '%s' is not a date (expected YYYY-MM-DD)", as_of);
	bool ics = format && strcmp(format, "ics") == 0;
	if (format && !ics && strcmp(format, "json") != 0)
		return web_error(r, 400, "format", "format: '%s' (expected json or ics)", format);
	int within = 60;
	if (web_arg(r, "within") && parse_int_arg(r, "within", 0, 36500, &within))
		return 0;
	bool all = web_arg(r, "all") && strcmp(web_arg(r, "all"), "true") == 0;
	struct deadline_list d;
	struct bd_error err;
	if (deadlines_collect(r->store, as_of, within, all, r->scope_org, &d, &err)) {
		deadlines_release(&d);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	if (ics) {
		char *cal = deadlines_ics(&d, &err);
		if (!cal)
			web_error(r, 500, NULL, "%s", err.msg);
		else
			web_bytes(r, 200, "text/calendar; charset=utf-8", cal, strlen(cal), "tidsgranser.ics");
	} else {
		web_json(r, 200, json_pack("{s:s, s:i, s:o}", "as_of", d.as_of, "within", within, "deadlines",
					   deadlines_json(&d)));
	}
	deadlines_release(&d);
	return 0;
}

/* Payment files. */

/* The body's fields are the route's (batches_fields). */
static int h_batches_post(struct web_req *r)
{
	json_t *b = r->json;
	const char *batch = json_string_value(json_object_get(b, "batch"));
	const char *date = json_string_value(json_object_get(b, "date"));
	const char *format = json_string_value(json_object_get(b, "format"));
	int rc = 0;
	if (!batch || !*batch || strlen(batch) > 35)
		rc = web_error(r, 400, "batch", "batch: expected a name for the batch (1 to 35 characters), like 2021-02-16");
	else if (!date || !date_valid(date))
		rc = web_error(r, 400, "date", "date: expected the execution date, YYYY-MM-DD");
	else if (!format || (strcmp(format, "pain001") != 0 && strcmp(format, "lb") != 0))
		rc = web_error(r, 400, "format", "format: expected pain001 or lb");
	if (rc || r->answered) {
		json_decref(b);
		return 0;
	}
	struct pay_export in = {batch, format, date, json_string_value(json_object_get(b, "from")), r->user->name,
				json_string_value(json_object_get(b, "override"))};
	struct pay_export_result res;
	struct bd_error err;
	int xrc = pay_export_run(r->store, &in, &res, &err);
	if (xrc) {
		web_error(r, xrc > 0 ? 400 : 500, NULL, "%s; nothing was paid", err.msg);
	} else {
		char *file = xasprintf("/api/batch/file?batch=%s&format=%s", batch, format);
		web_json(r, res.again ? 200 : 201,
			 json_pack("{s:s, s:s, s:s, s:b, s:i, s:I, s:s, s:s}", "batch", batch, "format", format, "date",
				   res.exec_date[0] ? res.exec_date : date, "again", res.again, "payments", res.payments,
				   "total", (json_int_t)res.total, "amounts", "öre", "file", file));
		free(file);
		free(res.file);
	}
	json_decref(b);
	return 0;
}

static int h_batch_file(struct web_req *r)
{
	const char *batch, *format;
	if (need_arg(r, "batch", &batch) || need_arg(r, "format", &format))
		return 0;
	if (strcmp(format, "pain001") != 0 && strcmp(format, "lb") != 0)
		return web_error(r, 400, "format", "format: expected pain001 or lb");
	char *data = NULL;
	size_t len = 0;
	struct bd_error err;
	int found = store_batch_file(r->store, batch, format, &data, &len, &err);
	if (found < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (found == 1)
		return web_error(r, 404, "batch", "no %s file of batch '%s'", format, batch);
	char name[80];
	snprintf(name, sizeof(name), "%s.%s", batch, strcmp(format, "pain001") == 0 ? "xml" : "txt");
	safe_filename(name);
	return web_bytes(r, 200, strcmp(format, "pain001") == 0 ? "application/xml" : "text/plain; charset=iso-8859-1",
			 data, len, name);
}

/* Key datasets and the allocation preview. */

static int h_datasets(struct web_req *r)
{
	size_t n;
	struct dataset *const *all = datasets_all(&n);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:b}", "name", all[i]->name, "date",
						     all[i]->date, "label", all[i]->label, "unit", all[i]->unit, "values",
						     (json_int_t)all[i]->kf.nrows, "builtin", all[i]->builtin));
	return web_json(r, 200, json_pack("{s:o}", "datasets", arr));
}

static int body_amount(struct web_req *r, json_t *b, const char *key, bool required, int64_t *out)
{
	json_t *v = json_object_get(b, key);
	*out = 0;
	if (!v)
		return required ? web_error(r, 400, key, "%s: missing (expected an amount in kronor)", key), -1 : 0;
	char why[200];
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= AMOUNT_MAX) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY, out, why, sizeof(why)) == 0 &&
	    *out <= AMOUNT_MAX)
		return 0;
	return web_error(r, 400, key, "%s: expected whole kronor, 0 or more (such as \"215 000 000\")", key), -1;
}

/* The body's fields are the route's (allocate_fields). */
static int h_allocate(struct web_req *r)
{
	json_t *b = r->json;
	int64_t total, base, unit;
	const struct recipient **rec = NULL;
	size_t n = 0;
	const char *set = json_string_value(json_object_get(b, "recipients"));
	const char *method = json_string_value(json_object_get(b, "method"));
	const char *keyname = json_string_value(json_object_get(b, "key"));
	const char *rounding = json_string_value(json_object_get(b, "rounding"));
	struct bd_error err;
	const struct dataset *ds = NULL;
	if (body_amount(r, b, "total", true, &total) || body_amount(r, b, "base", false, &base) ||
	    body_amount(r, b, "unit", false, &unit))
		goto out;
	if (!unit)
		unit = 1;
	if (!method || (strcmp(method, "key") != 0 && strcmp(method, "equal") != 0)) {
		web_error(r, 400, "method", "method: expected key or equal");
		goto out;
	}
	if (rounding && strcmp(rounding, "largest-remainder") != 0 && strcmp(rounding, "half-up") != 0) {
		web_error(r, 400, "rounding", "rounding: expected largest-remainder or half-up");
		goto out;
	}
	if (refdata_set(set ? set : "regions", &rec, &n, &err)) {
		web_error(r, 400, "recipients", "recipients: %s", err.msg);
		goto out;
	}
	if (strcmp(method, "key") == 0 && (!keyname || dataset_find(keyname, &ds, &err))) {
		web_error(r, 400, "key", "key: %s", keyname ? err.msg : "missing (a dataset, see GET /api/datasets)");
		goto out;
	}
	int64_t *values = xcalloc(n + 1, sizeof(int64_t)), *amounts = xcalloc(n + 1, sizeof(int64_t));
	const char **ids = xcalloc(n + 1, sizeof(char *));
	struct apportion_weights w;
	apportion_weights_init(&w);
	int rc = 0;
	struct apportion_key ak = {values, rat_make(1, 1), ds ? ds->name : NULL};
	if (ds) {
		struct key_values kv = {ds->name, ds->kf.nrows, ds->kf.id, ds->kf.value[0], ds->kf.scale[0], 0, NULL};
		for (size_t i = 0; i < n && !rc; i++)
			if (!key_value_of(&kv, rec[i]->code, &values[i]))
				rc = web_error(r, 400, "key", "key: %s has no value for %s", ds->name, rec[i]->name) + 1;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = rec[i]->code;
	int64_t residual = 0;
	struct allocation_rule rule = {ds ? 1 : 0, &ak, total, base, unit,
				       rounding && strcmp(rounding, "half-up") == 0 ? APPORTION_HALF_UP
										   : APPORTION_LARGEST_REMAINDER};
	enum allocation_failure af = rc ? ALLOCATION_OK : allocation_run(&rule, n, ids, &w, amounts, &residual, &err);
	if (af == ALLOCATION_BAD_WEIGHTS)
		rc = web_error(r, 400, "key", "key: %s", err.msg) + 1;
	else if (af == ALLOCATION_BAD_AMOUNTS)
		rc = web_error(r, 400, NULL, "%s", err.msg) + 1;
	if (!rc) {
		json_t *rows = json_array();
		for (size_t i = 0; i < n; i++) {
			char share[NUM_BUFSZ];
			apportion_share_decimal(&w, i, 10, share);
			json_t *row = json_pack("{s:s, s:s, s:s, s:I}", "recipient", rec[i]->code, "name", rec[i]->name,
						"share", share, "amount", (json_int_t)amounts[i]);
			if (ds)
				json_object_set_new(row, "key_value", json_integer(values[i]));
			json_array_append_new(rows, row);
		}
		web_json(r, 200, json_pack("{s:I, s:I, s:s?, s:o}", "total", (json_int_t)total, "residual",
					   (json_int_t)residual, "key", ds ? ds->name : NULL, "rows", rows));
	}
	apportion_weights_release(&w);
	free(values);
	free(amounts);
	free(ids);
out:
	free(rec);
	json_decref(b);
	return 0;
}

/* The routes. */

/* A field a JSON body may have; any other is refused by the dispatcher. */
struct body_field {
	const char *name;
	bool string; /* it must be a string */
};

/* A route: who may use it, its handler and the body it takes.  Its scope
 * follows from its roles: on a route open to ROLE_MOTTAGARE, a mottagare is
 * held to its own organisation (r->scope_org); staff see every
 * organisation. */
struct route {
	const char *method, *path;
	unsigned roles; /* 0: no login needed */
	int (*fn)(struct web_req *r);
	/* A JSON object with only these fields (ended by a NULL name): the
	 * dispatcher parses and checks the body and hands it over in r->json.
	 * NULL on a GET, and on a route whose body is a document its reader
	 * checks whole, refusing an unknown field itself (a decision file, an
	 * event batch, a register). */
	const struct body_field *fields;
};

/* A body that is a document, checked whole by its reader. */
#define BODY_DOCUMENT NULL

/* POST /api/logout and /api/audit/verify: an empty object. */
static const struct body_field no_fields[] = {{NULL, false}};

/* Not strings by type: the handlers say what a name or password must be. */
static const struct body_field login_fields[] = {{"name", false}, {"password", false}, {NULL, false}};

static const struct body_field users_fields[] = {
	{"name", false}, {"role", false}, {"org", false}, {"password", false}, {NULL, false},
};

static const struct body_field batches_fields[] = {
	{"batch", true}, {"date", true}, {"format", true}, {"from", true}, {"override", true}, {NULL, false},
};

static const struct body_field allocate_fields[] = {
	{"total", false}, {"recipients", false}, {"method", false}, {"key", false},
	{"base", false},  {"unit", false},       {"rounding", false}, {NULL, false},
};

/* check_fields: b has only the route's fields, of their types; else answers
 * 400 naming the field. */
static bool check_fields(struct web_req *r, const struct body_field *fields, json_t *b)
{
	const char *key;
	json_t *v;
	json_object_foreach(b, key, v)
	{
		const struct body_field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (f->name && (!f->string || json_is_string(v)))
			continue;
		if (f->name) {
			web_error(r, 400, key, "%s: expected a string", key);
			return false;
		}
		char expected[256] = "";
		size_t len = 0;
		for (f = fields; f->name && len < sizeof(expected); f++)
			len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s", f == fields ? "" : ", ", f->name);
		web_error(r, 400, key, "unknown field '%s' (expected %s)", key, *expected ? expected : "an empty object");
		return false;
	}
	return true;
}

static int h_logout(struct web_req *r)
{
	return auth_logout(r);
}

static const struct route routes[] = {
	{"POST", "/api/login", 0, auth_login, login_fields},
	{"POST", "/api/logout", ROLE_ANY, h_logout, no_fields},
	{"GET", "/api/me", ROLE_ANY, h_me, NULL},
	{"GET", "/api/decisions", ROLE_ANY, h_decisions, NULL},
	{"POST", "/api/decisions", ROLE_HANDLAGGARE, h_decision_import, BODY_DOCUMENT},
	{"GET", "/api/decision", ROLE_ANY, h_decision, NULL},
	{"GET", "/api/decision/annex", ROLE_STAFF, h_annex, NULL},
	{"GET", "/api/status", ROLE_ANY, h_status, NULL},
	{"GET", "/api/events", ROLE_STAFF, h_events, NULL},
	{"POST", "/api/events", ROLE_HANDLAGGARE | ROLE_ATTESTANT | ROLE_MOTTAGARE, h_events_post, BODY_DOCUMENT},
	{"GET", "/api/payments", ROLE_STAFF, h_payments, NULL},
	{"GET", "/api/deadlines", ROLE_ANY, h_deadlines, NULL},
	{"POST", "/api/batches", ROLE_HANDLAGGARE, h_batches_post, batches_fields},
	{"GET", "/api/batch/file", ROLE_STAFF, h_batch_file, NULL},
	{"GET", "/api/datasets", ROLE_STAFF, h_datasets, NULL},
	{"POST", "/api/allocate", ROLE_STAFF, h_allocate, allocate_fields},
	{"GET", "/api/register", ROLE_ANY, h_register, NULL},
	{"POST", "/api/register", ROLE_HANDLAGGARE | ROLE_MOTTAGARE, h_register_post, BODY_DOCUMENT},
	{"GET", "/api/register/report", ROLE_ANY, h_register_report_doc, NULL},
	{"GET", "/api/register/chart", ROLE_ANY, h_register_chart, NULL},
	{"GET", "/api/audit", ROLE_REVISOR | ROLE_ADMIN, h_audit, NULL},
	{"POST", "/api/audit/verify", ROLE_REVISOR | ROLE_ADMIN, h_audit_verify, no_fields},
	{"GET", "/api/users", ROLE_ADMIN, h_users, NULL},
	{"POST", "/api/users", ROLE_ADMIN, h_users_post, users_fields},
};

int api_dispatch(struct web_req *r)
{
	bool path_known = false;
	for (size_t i = 0; i < BD_ARRAY_LEN(routes); i++) {
		const struct route *rt = &routes[i];
		if (strcmp(rt->path, r->path) != 0)
			continue;
		path_known = true;
		if (strcmp(rt->method, r->method) != 0)
			continue;
		bool write = strcmp(r->method, "GET") != 0;
		if (write) {
			/* A JSON body only: a cross-site form cannot send one. */
			const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
			if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
				return web_error(r, 415, NULL, "expected Content-Type: application/json");
		}
		if (rt->roles) {
			if (!r->user)
				return web_error(r, 401, NULL, "not logged in (POST /api/login)");
			if (write) {
				const char *t = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
				if (!t || strlen(t) != 64 || sodium_memcmp(t, r->user->csrf, 64) != 0)
					return web_error(r, 403, NULL,
							 "missing or wrong X-CSRF-Token (it comes with the login and GET /api/me)");
			}
			if (!(rt->roles & r->user->role))
				return web_error(r, 403, NULL, "the role %s may not %s %s", r->user->role_name, r->method,
						 r->path);
			if (r->user->role == ROLE_MOTTAGARE)
				r->scope_org = r->user->org; /* the roles let a mottagare in: its own organisation only */
		}
		if (rt->fields) {
			if (!(r->json = web_body_json(r, false)))
				return 0;
			if (!check_fields(r, rt->fields, r->json)) {
				json_decref(r->json); /* after the message: it names a key of the body */
				r->json = NULL;
				return 0;
			}
		}
		int rc = rt->fn(r);
		if (rt->fields == no_fields) {
			json_decref(r->json); /* read by no handler */
			r->json = NULL;
		}
		return rc;
	}
	if (path_known)
		return web_error(r, 405, NULL, "%s is not allowed on %s", r->method, r->path);
	return web_error(r, 404, NULL, "no API endpoint %s", r->path);
}
