/* api-ledger.c: the ledger: status, payments, events, deadlines and
 * payment files. */
#include "access.h"
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventfile.h"

#include "deadlines.h"
#include "payexport.h"
#include "store-payee.h"

#include "statusload.h"

/* The ledger. */

int h_status(struct web_req *r)
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
	date_today(today);
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
		/* The account's financial report: its date, and late when it came
		 * after the part's report deadline (ledger_report_late). */
		json_object_set_new(o, "report_deadline", x->report_deadline[0] ? json_string(x->report_deadline) : json_null());
		json_object_set_new(o, "report_date", x->report_date[0] ? json_string(x->report_date) : json_null());
		json_object_set_new(o, "late", json_boolean(x->report_late));
		json_array_append_new(arr, o);
	}
	json_t *body = json_pack("{s:s, s:s, s:o}", "as_of", v.as_of, "amounts", "öre", "accounts", arr);
	status_view_release(&v);
	return web_json(r, 200, body);
}

static int add_payment(void *ctx, const struct payment_row *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:s, s:s, s:s?}", "id", p->id, "dnr",
			      p->dnr, "part", p->part, "recipient", p->recipient, "recipient_name", p->recipient_name,
			      "payee", p->payee_name, "bankgiro", p->bankgiro, "plusgiro", p->plusgiro, "amount",
			      (json_int_t)p->amount, "date", p->date, "registered_by", p->registered_by, "executed",
			      p->exec_date);
	/* The account it goes to (store_payment_queue), and whether the
	 * payee's account was changed within 30 days of the payment: flagged
	 * for the attestant. */
	json_object_set_new(o, "iban", p->iban ? json_string(p->iban) : json_null());
	json_object_set_new(o, "bic", p->bic ? json_string(p->bic) : json_null());
	json_object_set_new(o, "account_changed", p->account_changed ? json_string(p->account_changed) : json_null());
	json_object_set_new(o, "account_recent", json_boolean(p->account_recent));
	json_array_append_new(ctx, o);
	return 0;
}

int h_payments(struct web_req *r)
{
	const char *state = web_arg(r, "state");
	if (!state)
		state = "registered";
	int st = payment_state_parse(state);
	if (st < 0)
		return web_error(r, 400, "state", "state: '%s' (expected registered, attested or executed)", state);
	json_t *arr = json_array();
	struct bd_error err;
	if (store_payment_queue(r->store, (enum payment_state)st, web_arg(r, "batch"), add_payment, arr, &err) < 0) {
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

int h_events(struct web_req *r)
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

int h_events_post(struct web_req *r)
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
		bool ok = access_may_record(r->user->role_name, kind, recipient, r->scope_org);
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

/* Deadlines. */

int h_deadlines(struct web_req *r)
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
	if (deadlines_collect(r->store, as_of, within, all, r->scope_org, DEADLINES_UNMATCHED_DAYS, &d, &err)) {
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
int h_batches_post(struct web_req *r)
{
	json_t *b = r->json;
	const char *batch = json_string_value(json_object_get(b, "batch"));
	const char *date = json_string_value(json_object_get(b, "date"));
	const char *format = json_string_value(json_object_get(b, "format"));
	json_t *force = json_object_get(b, "force");
	if (!format)
		format = "pain001"; /* LB is legacy */
	int rc = 0;
	if (!batch || !*batch || strlen(batch) > 35)
		rc = web_error(r, 400, "batch", "batch: expected a name for the batch (1 to 35 characters), like 2021-02-16");
	else if (!date || !date_valid(date))
		rc = web_error(r, 400, "date", "date: expected the execution date, YYYY-MM-DD");
	else if (strcmp(format, "pain001") != 0 && strcmp(format, "lb") != 0)
		rc = web_error(r, 400, "format", "format: expected pain001 (the default) or lb (legacy)");
	else if (force && !json_is_boolean(force))
		rc = web_error(r, 400, "force", "force: expected true or false");
	if (rc || r->answered) {
		return 0;
	}
	struct pay_export in = {batch, format, date, json_string_value(json_object_get(b, "from")), r->user->name,
				json_string_value(json_object_get(b, "override")), json_is_true(force)};
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
	return 0;
}

int h_batch_file(struct web_req *r)
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
