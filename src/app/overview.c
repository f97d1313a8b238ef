/* overview.c: the recipient's overview and its calendar.  See overview.h. */
#include "overview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claims.h"
#include "ics.h"
#include "ledger.h"
#include "money.h"
#include "statusload.h"
#include "store-bank.h"

const int overview_remind_days[3] = {60, 30, 7};

int overview_remind(long days_left)
{
	if (days_left < 0)
		return -1;
	int tier = 0;
	for (size_t i = 0; i < BD_ARRAY_LEN(overview_remind_days); i++)
		if (days_left <= overview_remind_days[i])
			tier = overview_remind_days[i];
	return tier;
}

static time_t noon(const char *d)
{
	struct tm t = {0};
	t.tm_year = (int)strtol(d, NULL, 10) - 1900;
	t.tm_mon = (int)strtol(d + 5, NULL, 10) - 1;
	t.tm_mday = (int)strtol(d + 8, NULL, 10);
	t.tm_hour = 12;
	return timegm(&t);
}

long overview_days(const char *a, const char *b)
{
	return (long)((noon(b) - noon(a)) / 86400);
}

/* The deadlines that are the recipient's own to meet. */
static bool recipients_own(enum dl_kind k)
{
	return k == DL_REQUISITION || k == DL_REPORT || k == DL_REPAYMENT;
}

static json_t *money(int64_t ore)
{
	return json_integer((json_int_t)ore);
}

/* What a deadline asks of the recipient, in words to it (never a
 * command: everything it can do, it does in the browser). */
static char *recipient_what(const struct deadline *x, bool overdue)
{
	char a[NUM_BUFSZ];
	fmt_ore(x->outstanding, a);
	switch (x->kind) {
	case DL_REQUISITION:
		if (x->outstanding <= 0)
			return xstrdup("allt är rekvirerat");
		return overdue ? xasprintf("%s kr rekvirerades inte i tid: rätten till dem har förfallit", a)
			       : xasprintf("%s kr kan rekvireras", a);
	case DL_REPORT:
		return xstrdup(x->recipients > 0 ? "den ekonomiska redovisningen är inte lämnad"
						 : "ingen redovisning väntas eller den är lämnad");
	case DL_REPAYMENT:
		if (x->outstanding <= 0)
			return xstrdup("inget att återbetala");
		return xasprintf("%s kr ska återbetalas (se återkraven med OCR-nummer)", a);
	default:
		return xstrdup(x->what ? x->what : "");
	}
}

/* The grants: the status view's figures per account, with the terms and
 * deadlines of each. */
struct grants_ctx {
	json_t *arr;
	const char *as_of;
};

static json_t *find_grant(json_t *arr, const char *dnr, const char *part)
{
	size_t i;
	json_t *g;
	json_array_foreach(arr, i, g)
	{
		if (strcmp(json_string_value(json_object_get(g, "dnr")), dnr) == 0 &&
		    strcmp(json_string_value(json_object_get(g, "part")), part) == 0)
			return g;
	}
	return NULL;
}

static json_t *date_or_null(const char *d)
{
	return d && d[0] ? json_string(d) : json_null();
}

static int add_terms(void *ctx, const struct ledger_account *a)
{
	struct grants_ctx *c = ctx;
	json_t *g = find_grant(c->arr, a->dnr, a->part);
	if (!g)
		return 0;
	const struct ledger_terms *t = a->terms;
	const struct ledger_balance *b = a->balance;
	bool req = t->mode == PAY_REQUISITION;
	json_object_set_new(g, "requisition", json_boolean(req));
	json_object_set_new(g, "decision_date", date_or_null(t->decision_date));
	json_object_set_new(g, "requisition_deadline", date_or_null(req ? t->deadline : NULL));
	json_object_set_new(g, "window_from", date_or_null(t->from));
	json_object_set_new(g, "window_to", date_or_null(t->to));
	json_object_set_new(g, "pay_by", date_or_null(t->by));
	json_object_set_new(g, "report_deadline", date_or_null(a->report_deadline));
	json_object_set_new(g, "repayment_deadline", date_or_null(a->repayment_deadline));
	/* What is due from the recipient: a requisition of what is still
	 * available while the deadline has not passed, a report once anything
	 * was paid, a repayment of what was claimed back. */
	bool open = req && t->deadline[0] && overview_days(c->as_of, t->deadline) >= 0;
	json_object_set_new(g, "requisition_due", money(req && open ? b->b[B_AVAIL] : 0));
	int64_t paid = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
	json_object_set_new(g, "report_due", json_boolean(a->report_deadline && a->report_deadline[0] && paid > 0 &&
							  b->reports == 0));
	json_object_set_new(g, "reports", json_integer(b->reports));
	json_object_set_new(g, "repayment_due", money(b->b[B_CLAIMED]));
	return 0;
}

static int load_grants(struct store *s, const char *org, const char *as_of, json_t **out, struct bd_error *err)
{
	struct status_view v;
	*out = NULL;
	if (status_view_load(s, NULL, NULL, org, NULL, as_of, false, &v, err) < 0) {
		status_view_release(&v);
		return -1;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < v.n; i++) {
		const struct status_row *x = &v.v[i];
		json_t *o = json_pack("{s:s, s:s, s:s?}", "dnr", x->k1, "part", x->k2, "part_title", x->part_title);
		for (int f = 0; f < ST_COUNT; f++)
			json_object_set_new(o, status_figure_key[f], money(x->f[f]));
		json_array_append_new(arr, o);
	}
	status_view_release(&v);
	struct grants_ctx c = {arr, as_of};
	if (store_ledger_accounts(s, NULL, NULL, org, NULL, add_terms, &c, err)) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* The claims: the organisation's, with the letter to pay them by. */
struct claims_ctx {
	const char *org;
	json_t *arr;
};

static int add_claim(void *ctx, const struct repay_claim_row *k)
{
	struct claims_ctx *c = ctx;
	if (strcmp(k->recipient, c->org) != 0)
		return 0;
	const char *state = k->corrected ? "corrected" : k->matched >= k->amount ? "paid" : k->matched ? "part paid" : "open";
	char *letter = xasprintf("/api/claim/letter?claim=%" PRId64, k->number);
	json_array_append_new(c->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s}", "number",
						(json_int_t)k->number, "ocr", k->ocr, "date", k->date, "dnr", k->dnr,
						"part", k->part, "amount", (json_int_t)k->amount, "paid",
						(json_int_t)k->matched, "outstanding",
						(json_int_t)(k->corrected ? 0 : k->amount - k->matched), "state", state,
						"letter", letter));
	free(letter);
	return 0;
}

static int take_bankgiro(void *ctx, const struct org *o)
{
	snprintf(ctx, 32, "%s", o->bankgiro ? o->bankgiro : "");
	return 0;
}

struct org_name {
	char name[256];
};

static int take_name(void *ctx, const struct org *o)
{
	struct org_name *n = ctx;
	snprintf(n->name, sizeof(n->name), "%s", o->name ? o->name : o->code);
	return 0;
}

/* The payments received: executed, with the day the execution is
 * recorded for (what the ledger says, not computed here). */
struct payments_ctx {
	const char *org;
	json_t *arr;
};

static int add_payment(void *ctx, const struct payment_row *p)
{
	struct payments_ctx *c = ctx;
	if (strcmp(p->recipient, c->org) != 0)
		return 0;
	json_array_append_new(c->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s?}", "id", p->id, "dnr",
						p->dnr, "part", p->part, "amount", (json_int_t)p->amount, "date",
						p->date, "executed", p->exec_date, "payee", p->payee_name, "bankgiro",
						p->bankgiro, "plusgiro", p->plusgiro));
	return 0;
}

json_t *overview_load(struct store *s, const char *org, const char *as_of, struct bd_error *err)
{
	char today[DATE_LEN];
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	struct org_name on = {""};
	int found = store_org_get(s, org, take_name, &on, err);
	if (found < 0)
		return NULL;
	if (found == 1) {
		bd_failc(err, BD_NOT_FOUND, "no organisation '%s' in the register", org);
		return NULL;
	}
	json_t *grants = NULL;
	if (load_grants(s, org, as_of, &grants, err))
		return NULL;
	struct deadline_list d;
	if (deadlines_collect(s, as_of, OVERVIEW_REMIND_FIRST, true, org, -1, &d, err)) {
		deadlines_release(&d);
		json_decref(grants);
		return NULL;
	}
	json_t *deadlines = json_array(), *reminders = json_array();
	for (size_t i = 0; i < d.n; i++) {
		const struct deadline *x = d.v[i];
		if (!recipients_own(x->kind))
			continue;
		long days = overview_days(as_of, x->date);
		bool open = x->kind == DL_REPORT ? x->recipients > 0 : x->outstanding > 0;
		char *what = recipient_what(x, x->overdue);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:i, s:s, s:s}", "date", x->date,
				      "kind", dl_key[x->kind], "label", dl_name[x->kind], "dnr", x->dnr, "part", x->part,
				      "title", x->title ? x->title : "", "outstanding", (json_int_t)x->outstanding, "open",
				      open, "overdue", x->overdue, "days", (int)days, "state", x->state, "what", what);
		int tier = open ? overview_remind(days) : 0;
		if (tier)
			json_object_set_new(o, "reminder", tier < 0 ? json_string("after") : json_integer(tier));
		else
			json_object_set_new(o, "reminder", json_null());
		if (tier)
			json_array_append(reminders, o);
		json_array_append_new(deadlines, o);
		free(what);
	}
	deadlines_release(&d);
	struct claims_ctx cc = {org, json_array()};
	char bankgiro[32] = "";
	struct payments_ctx pc = {org, json_array()};
	if (store_repay_claims(s, 0, add_claim, &cc, err) ||
	    store_org_get(s, CLAIMS_AGENCY, take_bankgiro, bankgiro, err) < 0 ||
	    store_payments(s, PAYMENT_EXECUTED, NULL, add_payment, &pc, err)) {
		json_decref(grants);
		json_decref(deadlines);
		json_decref(reminders);
		json_decref(cc.arr);
		json_decref(pc.arr);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:{s:s?, s:o}, s:o}", "org", org, "org_name", on.name,
			 "as_of", as_of, "amounts", "öre", "grants", grants, "deadlines", deadlines, "reminders",
			 reminders, "repayment", "bankgiro", bankgiro[0] ? bankgiro : NULL, "claims", cc.arr,
			 "payments", pc.arr);
}

char *overview_calendar(struct store *s, const char *org, const char *as_of, struct bd_error *err)
{
	struct deadline_list d;
	if (deadlines_collect(s, as_of, 0, true, org, org ? -1 : DEADLINES_UNMATCHED_DAYS, &d, err)) {
		deadlines_release(&d);
		return NULL;
	}
	/* A recipient's calendar: its own deadlines, in its words; staff's:
	 * the list as 'bidrag deadlines --all' has it. */
	struct deadline *own = xcalloc(d.n + 1, sizeof(*own));
	struct deadline **ptr = xcalloc(d.n + 1, sizeof(*ptr));
	struct deadline_list l = {.n = 0, .v = ptr};
	snprintf(l.as_of, sizeof(l.as_of), "%s", d.as_of);
	for (size_t i = 0; i < d.n; i++) {
		if (org && !recipients_own(d.v[i]->kind))
			continue;
		own[l.n] = *d.v[i];
		if (org)
			own[l.n].what = recipient_what(d.v[i], d.v[i]->overdue);
		ptr[l.n] = &own[l.n];
		l.n++;
	}
	char *cal = deadlines_ics(&l, err);
	if (org)
		for (size_t i = 0; i < l.n; i++)
			free(own[i].what);
	free(own);
	free(ptr);
	deadlines_release(&d);
	return cal;
}
