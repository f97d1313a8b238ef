/* deadlines.c: what is due in the ledger.  See deadlines.h. */
#include "deadlines.h"
#include "statusload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger.h"
#include "money.h"
#include "ics.h"
#include "store-bank.h"

const char *const dl_name[] = {
	[DL_WINDOW_OPENS] = "Utbetalningsperioden börjar",
	[DL_WINDOW_CLOSES] = "Utbetalningsperioden slutar",
	[DL_PAY_BY] = "Sista utbetalningsdag",
	[DL_REQUISITION] = "Sista dag för rekvisition",
	[DL_REPAYMENT] = "Återbetalning av medel som inte förbrukats",
	[DL_REPORT] = "Ekonomisk redovisning",
	[DL_BANK_UNMATCHED] = "Omatchad bankpost",
};

const char *const dl_key[] = {
	[DL_WINDOW_OPENS] = "window-opens", [DL_WINDOW_CLOSES] = "window-closes", [DL_PAY_BY] = "pay-by",
	[DL_REQUISITION] = "requisition",    [DL_REPAYMENT] = "repayment",         [DL_REPORT] = "report",
	[DL_BANK_UNMATCHED] = "bank-unmatched",
};

struct deadlines {
	struct deadline *v;
	size_t n;
	const char *as_of;
	bool reported; /* some account has a financial report */
};

static struct deadline *dl_get(struct deadlines *d, enum dl_kind k, const char *date, const struct ledger_account *a)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == k && strcmp(d->v[i].dnr, a->dnr) == 0 && strcmp(d->v[i].part, a->part) == 0)
			return &d->v[i];
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	struct deadline *x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->kind = k;
	snprintf(x->date, DATE_LEN, "%s", date);
	x->dnr = xstrdup(a->dnr);
	x->part = xstrdup(a->part);
	x->title = xstrdup(a->part_title);
	return x;
}

static struct dl_who *who_add(struct deadline *x, const struct ledger_account *a, int64_t out)
{
	x->who = xreallocarray(x->who, x->nwho + 1, sizeof(*x->who));
	struct dl_who *w = &x->who[x->nwho++];
	memset(w, 0, sizeof(*w));
	w->recipient = xstrdup(a->recipient);
	w->name = xstrdup(a->recipient_name ? a->recipient_name : a->recipient);
	w->outstanding = out;
	return w;
}

static void dl_add(struct deadlines *d, enum dl_kind k, const char *date, const struct ledger_account *a, int64_t out)
{
	if (!date || !date[0])
		return;
	struct deadline *x = dl_get(d, k, date, a);
	x->outstanding += out;
	x->recipients += out > 0;
	if (out > 0)
		who_add(x, a, out);
}

static int collect_deadline(void *ctx, const struct ledger_account *a)
{
	struct deadlines *d = ctx;
	const struct ledger_terms *t = a->terms;
	const struct ledger_balance *b = a->balance;
	int64_t unpaid = b->b[B_AVAIL] + b->b[B_REQUISITIONED] + b->b[B_REGISTERED] + b->b[B_ATTESTED];
	if (t->mode == PAY_WITHOUT_REQUISITION) {
		if (t->from[0]) {
			dl_add(d, DL_WINDOW_OPENS, t->from, a, unpaid);
			dl_add(d, DL_WINDOW_CLOSES, t->to, a, unpaid);
		}
		dl_add(d, DL_PAY_BY, t->by, a, unpaid);
	} else {
		dl_add(d, DL_REQUISITION, t->deadline, a, b->b[B_AVAIL]);
		dl_add(d, DL_PAY_BY, t->by, a, b->b[B_REQUISITIONED] + b->b[B_REGISTERED] + b->b[B_ATTESTED]);
	}
	dl_add(d, DL_REPAYMENT, a->repayment_deadline, a, b->b[B_CLAIMED]);
	/* A report is due from every recipient paid anything; outstanding is
	 * counted in recipients, not money. */
	int64_t paid = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
	if (a->report_deadline) {
		struct deadline *x = dl_get(d, DL_REPORT, a->report_deadline, a);
		if (paid > 0 && b->reports == 0) {
			x->recipients++;
			who_add(x, a, 0);
		} else if (b->reports > 0) {
			/* Its date decides whether it came late: looked up in
			 * the journal once every account is seen. */
			who_add(x, a, 0)->reported = true;
			d->reported = true;
		}
	}
	return 0;
}

/* mark_late: the reports' dates, and who reported after the deadline (the
 * ledger's rule); those who reported in time leave the list. */
static int mark_late(struct deadlines *d, const char *as_of, struct store *s, struct bd_error *err)
{
	struct report_dates r;
	if (report_dates_load(s, NULL, as_of, &r, err)) {
		report_dates_release(&r);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct deadline *x = &d->v[i];
		if (x->kind != DL_REPORT)
			continue;
		size_t kept = 0;
		struct dl_who *late = xcalloc(x->nwho + 1, sizeof(*late));
		size_t nlate = 0;
		for (size_t j = 0; j < x->nwho; j++) {
			struct dl_who *w = &x->who[j];
			if (!w->reported) {
				x->who[kept++] = *w;
				continue;
			}
			const char *date = report_date_of(&r, x->dnr, x->part, w->recipient);
			snprintf(w->report_date, DATE_LEN, "%s", date ? date : "");
			w->late = ledger_report_late(w->report_date, x->date);
			if (w->late) {
				late[nlate++] = *w;
			} else {
				free(w->recipient);
				free(w->name);
			}
		}
		/* Those behind the count first, then the late. */
		if (nlate)
			memcpy(x->who + kept, late, nlate * sizeof(*late));
		x->nwho = kept + nlate;
		x->late = (int)nlate;
		free(late);
	}
	report_dates_release(&r);
	return 0;
}

/* add_days: date + n days, by the civil calendar. */
static void add_days(const char *date, long n, char out[DATE_LEN])
{
	struct tm t = {0};
	t.tm_year = (int)strtol(date, NULL, 10) - 1900;
	t.tm_mon = (int)strtol(date + 5, NULL, 10) - 1;
	t.tm_mday = (int)strtol(date + 8, NULL, 10) + (int)n;
	t.tm_hour = 12;
	time_t x = timegm(&t);
	gmtime_r(&x, &t);
	strftime(out, DATE_LEN, "%Y-%m-%d", &t);
}

struct unmatched_ctx {
	struct deadlines *d;
	long days;
};

/* An entry of the bank's files nothing matched: due to be matched by hand
 * `days` after its date. */
static int collect_unmatched(void *ctx, const struct bank_entry_row *e)
{
	struct unmatched_ctx *u = ctx;
	struct deadlines *d = u->d;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	struct deadline *x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->kind = DL_BANK_UNMATCHED;
	add_days(e->date, u->days, x->date);
	x->dnr = xstrdup("");
	x->part = xasprintf("bankpost %" PRId64, e->id);
	x->title = xasprintf("Bankpost %" PRId64 " (%s, %s)", e->id, e->file_name, e->place);
	x->outstanding = e->amount;
	x->recipients = 0;
	char a[NUM_BUFSZ];
	x->what = xasprintf("bankpost %" PRId64 ": %s %s %s %s den %s (%s, %s)%s%s; %s", e->id, e->credit ? "in" : "ut",
			    fmt_ore(e->amount, a), e->currency, e->credit ? "till kontot" : "från kontot", e->date,
			    e->file_name, e->place, e->note ? ": " : "", e->note ? e->note : "",
			    e->open_id ? "en matchning väntar på godkännande ('bidrag bank approve')"
				       : "matcha den för hand ('bidrag bank match')");
	return 0;
}

static bool dl_open(const struct deadline *x)
{
	return x->kind == DL_REPORT ? x->recipients > 0 : x->kind == DL_BANK_UNMATCHED ? true : x->outstanding > 0;
}

static int cmp_deadline(const void *pa, const void *pb)
{
	const struct deadline *a = pa, *b = pb;
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	int c = strcmp(a->date, b->date);
	if (c)
		return c;
	c = strcmp(a->dnr, b->dnr);
	return c ? c : (int)a->kind - (int)b->kind;
}

/* Days from a to b (dates), by the civil calendar. */
static long days_between(const char *a, const char *b)
{
	struct tm ta = {0}, tb = {0};
	ta.tm_year = (int)strtol(a, NULL, 10) - 1900;
	ta.tm_mon = (int)strtol(a + 5, NULL, 10) - 1;
	ta.tm_mday = (int)strtol(a + 8, NULL, 10);
	tb.tm_year = (int)strtol(b, NULL, 10) - 1900;
	tb.tm_mon = (int)strtol(b + 5, NULL, 10) - 1;
	tb.tm_mday = (int)strtol(b + 8, NULL, 10);
	ta.tm_hour = tb.tm_hour = 12;
	time_t x = timegm(&ta), y = timegm(&tb);
	return (long)((y - x) / 86400);
}

/* The deadline a warning kept with a decision is about, by its field. */
static const struct {
	const char *field;
	enum dl_kind kind;
} warned_field[] = {
	{"payment.from", DL_WINDOW_OPENS}, {"payment.to", DL_WINDOW_CLOSES},    {"payment.by", DL_PAY_BY},
	{"payment.deadline", DL_REQUISITION}, {"repayment_deadline", DL_REPAYMENT}, {"report_deadline", DL_REPORT},
};

static int attach_warning(void *ctx, const struct decision_warning *w)
{
	struct deadlines *d = ctx;
	for (size_t f = 0; f < BD_ARRAY_LEN(warned_field); f++) {
		if (strcmp(w->field, warned_field[f].field) != 0)
			continue;
		for (size_t i = 0; i < d->n; i++) {
			struct deadline *x = &d->v[i];
			if (x->kind == warned_field[f].kind && !x->warning && w->part && strcmp(x->dnr, w->dnr) == 0 &&
			    strcmp(x->part, w->part) == 0)
				x->warning = xstrdup(w->message);
		}
	}
	return 0;
}

int deadlines_collect(struct store *s, const char *as_of, long within, bool all, const char *recipient,
		      long unmatched_days, struct deadline_list *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	if (as_of)
		snprintf(out->as_of, sizeof(out->as_of), "%s", as_of);
	else
		date_today(out->as_of);
	struct deadlines d = {.as_of = out->as_of};
	int rc = store_ledger_accounts(s, NULL, NULL, recipient, as_of, collect_deadline, &d, err);
	if (!rc && d.reported)
		rc = mark_late(&d, as_of, s, err);
	if (!rc)
		rc = store_decision_warnings(s, NULL, attach_warning, &d, err);
	if (!rc && unmatched_days >= 0 && !recipient) {
		struct unmatched_ctx u = {&d, unmatched_days};
		rc = store_bank_entries(s, true, collect_unmatched, &u, err);
	}
	out->all = d.v;
	out->nall = d.n;
	if (rc)
		return -1;
	out->v = xcalloc(d.n + 1, sizeof(*out->v));
	for (size_t i = 0; i < d.n; i++) {
		struct deadline *x = &d.v[i];
		long days = days_between(out->as_of, x->date);
		bool open = dl_open(x);
		/* An opening window is overdue only once it has closed: that is
		 * the closing item's business. */
		x->overdue = open && days < 0 && x->kind != DL_WINDOW_OPENS;
		/* Unless all: what is overdue, and what falls due soon with
		 * something still open. */
		if (!all && !x->overdue && (!open || days < 0 || days > within))
			continue;
		out->v[out->n++] = x;
	}
	/* Overdue first, then by date (an insertion sort: few deadlines). */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && cmp_deadline(out->v[j - 1], out->v[j]) > 0; j--) {
			struct deadline *t = out->v[j];
			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
	char a[NUM_BUFSZ];
	for (size_t i = 0; i < out->n; i++) {
		struct deadline *x = out->v[i];
		long days = days_between(out->as_of, x->date);
		bool open = dl_open(x);
		if (x->overdue)
			x->state = xasprintf("FÖRSENAD %ld d", -days);
		else if (!open)
			x->state = xstrdup(days < 0 ? "klar" : "inget kvar");
		else if (days == 0)
			x->state = xstrdup("i dag");
		else
			x->state = xasprintf(days > 0 ? "om %ld d" : "%ld d sedan", days > 0 ? days : -days);
		if (x->kind == DL_BANK_UNMATCHED)
			; /* said when collected */
		else if (x->kind == DL_REPORT && x->late)
			x->what = xasprintf("%d mottagare har inte redovisat; %d redovisade sent, efter tidsgränsen",
					    x->recipients, x->late);
		else if (x->kind == DL_REPORT)
			x->what = xasprintf("%d mottagare har inte redovisat", x->recipients);
		else if (x->kind == DL_REPAYMENT)
			x->what = xasprintf("%s kr återkrävt och inte återbetalt (%d mottagare)", fmt_ore(x->outstanding, a),
					    x->recipients);
		else if (x->kind == DL_REQUISITION && x->overdue)
			x->what = xasprintf("%s kr inte rekvirerat (%d mottagare): rätten har förfallit, registrera med "
					    "'bidrag requisition refuse'",
					    fmt_ore(x->outstanding, a), x->recipients);
		else if (x->kind == DL_REQUISITION)
			x->what = xasprintf("%s kr inte rekvirerat (%d mottagare)", fmt_ore(x->outstanding, a),
					    x->recipients);
		else
			x->what = xasprintf("%s kr inte utbetalt (%d mottagare)", fmt_ore(x->outstanding, a),
					    x->recipients);
		/* Wherever the deadline is shown (table, JSON, calendar), so
		 * is what the register found odd about it. */
		if (x->warning) {
			char *w = xasprintf("%s; OBS: %s", x->what, x->warning);
			free(x->what);
			x->what = w;
		}
	}
	return 0;
}

json_t *deadlines_json(const struct deadline_list *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct deadline *x = l->v[i];
		char amt[NUM_BUFSZ];
		fmt_ore_plain(x->outstanding, amt);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:i, s:s, s:s}", "date", x->date, "kind",
				      dl_key[x->kind], "label", dl_name[x->kind], "dnr", x->dnr, "part", x->part, "title",
				      x->title, "overdue", x->overdue, "outstanding", amt, "recipients", x->recipients,
				      "state", x->state, "what", x->what);
		if (x->warning)
			json_object_set_new(o, "warning", json_string(x->warning));
		/* Who is behind the count (recipients), then who reported late. */
		json_t *who = json_array();
		for (size_t j = 0; j < x->nwho; j++) {
			const struct dl_who *w = &x->who[j];
			json_t *wo = json_pack("{s:s, s:s}", "recipient", w->recipient, "name", w->name);
			if (x->kind == DL_REPORT) {
				json_object_set_new(wo, "reported", w->report_date[0] ? json_string(w->report_date) : json_null());
			} else {
				fmt_ore_plain(w->outstanding, amt);
				json_object_set_new(wo, "outstanding", json_string(amt));
			}
			json_object_set_new(wo, "late", json_boolean(w->late));
			json_array_append_new(who, wo);
		}
		json_object_set_new(o, "who", who);
		json_object_set_new(o, "late", json_boolean(x->late > 0));
		json_object_set_new(o, "late_recipients", json_integer(x->late));
		json_array_append_new(arr, o);
	}
	return arr;
}

char *deadlines_ics(const struct deadline_list *l, struct bd_error *err)
{
	struct ics_event *ev = xcalloc(l->n + 1, sizeof(*ev));
	char **bufs = xcalloc(3 * (l->n + 1), sizeof(char *));
	for (size_t i = 0; i < l->n; i++) {
		const struct deadline *x = l->v[i];
		bufs[3 * i] = xasprintf("%s-%s-%s@bidrag", dl_key[x->kind], x->dnr, x->part);
		/* A UID of letters, digits and '-' survives every client. */
		for (char *c = bufs[3 * i]; *c && *c != '@'; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
				*c = '-';
		bufs[3 * i + 1] = xasprintf("%s: %s (%s)", dl_name[x->kind], x->title, x->dnr);
		bufs[3 * i + 2] = xasprintf("%s, del %s. %s. Status %s: %s.", x->dnr, x->part, x->what, l->as_of,
					    x->state);
		ev[i] = (struct ics_event){bufs[3 * i], x->date, bufs[3 * i + 1], bufs[3 * i + 2]};
	}
	char *cal = ics_write(ev, l->n, l->as_of, err);
	for (size_t i = 0; i < 3 * l->n; i++)
		free(bufs[i]);
	free(bufs);
	free(ev);
	return cal;
}

void deadlines_release(struct deadline_list *l)
{
	for (size_t i = 0; i < l->nall; i++) {
		free(l->all[i].dnr);
		free(l->all[i].part);
		free(l->all[i].title);
		free(l->all[i].state);
		free(l->all[i].what);
		free(l->all[i].warning);
		for (size_t j = 0; j < l->all[i].nwho; j++) {
			free(l->all[i].who[j].recipient);
			free(l->all[i].who[j].name);
		}
		free(l->all[i].who);
	}
	free(l->all);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
