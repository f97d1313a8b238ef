/* bank.c: the bank's files matched to the ledger, above the engines: what
 * an entry matches, what is recorded, what is refused and what is left for
 * an officer, four eyes on a match made by hand, the claims' numbers and
 * OCR references, and the reconciliation views.  See store-bank.h; the
 * engines only store and find (engine-bank.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "engine-bank.h"
#include "ledger-internal.h"
#include "ocr.h"
#include "refdata.h"
#include "store-bank.h"

#define OPS(s) ((s)->ops->bank)

static const char *const what_names[BW_COUNT] = {"accepted", "rejected", "pending", "booked",
						  "returned", "repaid",   "unmatched"};
static const char *const what_sv[BW_COUNT] = {"godkänd", "avvisad", "väntande", "bokförd",
					      "returnerad", "återbetalning", "omatchad"};

const char *bank_what_name(enum bank_what w)
{
	return (unsigned)w < BW_COUNT ? what_names[w] : "?";
}

const char *bank_what_sv(enum bank_what w)
{
	return (unsigned)w < BW_COUNT ? what_sv[w] : "?";
}

int bank_what_parse(const char *name)
{
	for (int w = 0; w < BW_COUNT; w++)
		if (name && strcmp(name, what_names[w]) == 0)
			return w;
	return -1;
}

void bank_import_result_release(struct bank_import_result *r)
{
	free(r->lines);
	strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

static void now_utc(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* kr: öre as "1 234,50 kr". */
static const char *kr(int64_t ore, char buf[NUM_BUFSZ])
{
	char t[NUM_BUFSZ];
	snprintf(buf, NUM_BUFSZ, "%s kr", fmt_ore(ore, t));
	return buf;
}

static bool same_person(const char *a, const char *b)
{
	char *x = name_normalise(a), *y = name_normalise(b);
	bool same = strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

static int audit(struct store *s, const char *action, const char *object, json_t *after, struct bd_error *err)
{
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = store_audit_append(s, action, object, NULL, a, err);
	free(a);
	json_decref(after);
	return rc;
}

/* Claims: numbers and OCR references. */

static int claim_add(struct store *s, const char *event_id, int64_t amount, struct bd_error *err)
{
	int64_t max = 0;
	if (OPS(s)->claim_max(s, &max, err))
		return -1;
	int64_t number = max + 1 < CLAIM_FIRST ? CLAIM_FIRST : max + 1;
	char ocr[OCR_BUFSZ];
	ocr_make_u64((uint64_t)number, ocr);
	char now[32];
	now_utc(now, sizeof(now));
	int rc = OPS(s)->claim_add(s, number, event_id, ocr, amount, err);
	if (rc == 1)
		return bd_failc(err, BD_CONFLICT, "claim number %" PRId64 " or a number for event '%s' exists already",
				number, event_id);
	return rc;
}

int bank_claims_number(struct store *s, const struct ledger_input *ev, size_t n, const enum ledger_outcome *out,
		       struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (out[i] != LEDGER_RECORDED || (ev[i].kind != EV_REPAY_CLAIM && ev[i].kind != EV_REPORT))
			continue;
		struct engine_event e;
		int rc = s->ops->event_find(s, ev[i].id, &e, err);
		if (rc)
			return rc < 0 ? -1 : bd_fail(err, "internal: event '%s' was recorded but is not found", ev[i].id);
		if (e.to != B_CLAIMED || e.amount <= 0)
			continue;
		/* event_find's strings live until the next call: copy the id. */
		char *id = xstrdup(e.id);
		rc = claim_add(s, id, e.amount, err);
		free(id);
		if (rc)
			return -1;
	}
	return 0;
}

struct unnumbered {
	char **ids;
	int64_t *amounts;
	size_t n;
};

static int take_unnumbered(void *ctx, const char *event_id, int64_t amount)
{
	struct unnumbered *u = ctx;
	u->ids = xreallocarray(u->ids, u->n + 1, sizeof(*u->ids));
	u->amounts = xreallocarray(u->amounts, u->n + 1, sizeof(*u->amounts));
	u->ids[u->n] = xstrdup(event_id);
	u->amounts[u->n++] = amount;
	return 0;
}

int store_repay_claims_number(struct store *s, struct bd_error *err)
{
	struct unnumbered u = {0};
	int rc = OPS(s)->claim_unnumbered(s, take_unnumbered, &u, err);
	for (size_t i = 0; i < u.n && rc == 0; i++)
		rc = claim_add(s, u.ids[i], u.amounts[i], err);
	for (size_t i = 0; i < u.n; i++)
		free(u.ids[i]);
	free(u.ids);
	free(u.amounts);
	return rc;
}

static void claim_row(const struct engine_claim *c, struct repay_claim_row *r)
{
	*r = (struct repay_claim_row){
		.number = c->number,
		.ocr = c->ocr,
		.event_id = c->event_id,
		.kind = c->kind,
		.dnr = c->dnr,
		.part = c->part,
		.recipient = c->recipient,
		.recipient_name = c->recipient_name,
		.date = c->date,
		.recorded = c->recorded,
		.amount = c->amount,
		.matched = c->matched,
		.corrected = c->corrected,
	};
}

struct claims_ctx {
	repay_claim_fn fn;
	void *ctx;
};

static int claim_out(void *ctx, const struct engine_claim *c)
{
	struct claims_ctx *cc = ctx;
	struct repay_claim_row r;
	claim_row(c, &r);
	return cc->fn(cc->ctx, &r);
}

int store_repay_claims(struct store *s, int64_t number, repay_claim_fn fn, void *ctx, struct bd_error *err)
{
	struct claims_ctx cc = {fn, ctx};
	return OPS(s)->claim_scan(s, number, NULL, claim_out, &cc, err);
}

/* A claim copied out of the engine's strings. */
struct claim {
	bool found;
	int64_t number, amount, matched;
	bool corrected;
	char ocr[OCR_BUFSZ], event_id[128], dnr[64], part[64], recipient[64];
};

static int take_claim(void *ctx, const struct engine_claim *c)
{
	struct claim *k = ctx;
	k->found = true;
	k->number = c->number;
	k->amount = c->amount;
	k->matched = c->matched;
	k->corrected = c->corrected;
	snprintf(k->ocr, sizeof(k->ocr), "%s", c->ocr);
	snprintf(k->event_id, sizeof(k->event_id), "%s", c->event_id);
	snprintf(k->dnr, sizeof(k->dnr), "%s", c->dnr);
	snprintf(k->part, sizeof(k->part), "%s", c->part);
	snprintf(k->recipient, sizeof(k->recipient), "%s", c->recipient);
	return 0;
}

/* find_claim: by number (ocr NULL) or by OCR reference; 1 if none. */
static int find_claim(struct store *s, int64_t number, const char *ocr, struct claim *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = OPS(s)->claim_scan(s, number, ocr, take_claim, out, err);
	if (rc < 0)
		return -1;
	return out->found ? 0 : 1;
}

static int event_exists(struct store *s, const char *id, bool *exists, struct bd_error *err);

/* claim_refuses: why claim k cannot take a payment of amount öre, pending
 * öre of it paid already by the import under way; NULL when it can.  One
 * rule for the bank's credits (camt and BgMax alike), the matches by hand
 * and the repayments received by hand: a claim withdrawn takes nothing,
 * one paid takes nothing more, and none takes more than it has
 * outstanding. */
static const char *claim_refuses(const struct claim *k, int64_t amount, int64_t pending, char *why, size_t n)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	int64_t left = k->amount - k->matched - pending;
	if (amount <= 0)
		snprintf(why, n, "claim %" PRId64 " (OCR %s): a deduction or a zero amount", k->number, k->ocr);
	else if (k->corrected)
		snprintf(why, n, "claim %" PRId64 " (OCR %s) was corrected (withdrawn)", k->number, k->ocr);
	else if (left <= 0)
		snprintf(why, n, "claim %" PRId64 " (OCR %s) is paid already (%s of %s)", k->number, k->ocr,
			 kr(k->amount - left, a), kr(k->amount, b));
	else if (amount > left)
		snprintf(why, n, "claim %" PRId64 " (OCR %s): %s is more than the %s it has outstanding", k->number, k->ocr,
			 kr(amount, a), kr(left, b));
	else
		return NULL;
	return why;
}

int store_repay_by_hand(struct store *s, const char *claim, int64_t amount, const char *date,
			struct repay_by_hand *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	struct claim k;
	char *end;
	errno = 0;
	long long number = claim && *claim >= '0' && *claim <= '9' ? strtoll(claim, &end, 10) : 0;
	if (!number || errno || *end)
		return bd_fail(err, "claim '%s' is no claim's number or OCR reference (expected digits)", claim ? claim : "");
	/* Its number, else its OCR reference. */
	int rc = find_claim(s, (int64_t)number, NULL, &k, err);
	if (rc == 1)
		rc = find_claim(s, 0, claim, &k, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return bd_fail(err, "there is no repayment claim numbered %s, nor one with that OCR reference", claim);
	out->number = k.number;
	snprintf(out->ocr, sizeof(out->ocr), "%s", k.ocr);
	snprintf(out->dnr, sizeof(out->dnr), "%s", k.dnr);
	snprintf(out->part, sizeof(out->part), "%s", k.part);
	snprintf(out->recipient, sizeof(out->recipient), "%s", k.recipient);
	out->outstanding = k.amount - k.matched;
	out->amount = amount ? amount : out->outstanding;
	snprintf(out->id, sizeof(out->id), "claim-receive:%" PRId64 ":%s:%" PRId64, k.number, date, out->amount);
	snprintf(out->reason, sizeof(out->reason), "claim %" PRId64 ", OCR %s, received by hand", k.number, k.ocr);
	/* The same command again: the ledger says it is recorded already. */
	if (event_exists(s, out->id, &out->known, err))
		return -1;
	if (out->known)
		return 0;
	char why[300];
	if (claim_refuses(&k, out->amount, 0, why, sizeof(why)))
		return bd_fail(err, "%s", why);
	return 0;
}

/* Payments of batches, as their files list them. */

struct pay {
	char *batch, *id, *e2e, *exec_date, *dnr, *part, *recipient, *recipient_name, *payee;
	int64_t amount;
	/* What the bank said, updated as this import records. */
	bool accepted, booked, rejected, returned;
	char *state_date, *reason;
};

struct batch {
	char *name;
	struct pay *v;
	size_t n;
};

struct batches {
	struct batch *v;
	size_t n;
};

static void pay_release(struct pay *p)
{
	free(p->batch);
	free(p->id);
	free(p->e2e);
	free(p->exec_date);
	free(p->dnr);
	free(p->part);
	free(p->recipient);
	free(p->recipient_name);
	free(p->payee);
	free(p->state_date);
	free(p->reason);
}

static void batches_release(struct batches *b)
{
	for (size_t i = 0; i < b->n; i++) {
		for (size_t j = 0; j < b->v[i].n; j++)
			pay_release(&b->v[i].v[j]);
		free(b->v[i].v);
		free(b->v[i].name);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* reason_of: a rejection's or return's reason from its event's detail. */
static char *reason_of(const char *detail)
{
	if (!detail)
		return NULL;
	json_t *o = json_loads(detail, 0, NULL);
	const char *r = json_string_value(json_object_get(o, "reason"));
	char *out = r ? xstrdup(r) : NULL;
	json_decref(o);
	return out;
}

static char *payee_of(const char *detail)
{
	if (!detail)
		return NULL;
	json_t *o = json_loads(detail, 0, NULL);
	const char *r = json_string_value(json_object_get(json_object_get(o, "payee"), "name"));
	char *out = r ? xstrdup(r) : NULL;
	json_decref(o);
	return out;
}

struct pay_list {
	struct pay *v;
	size_t n;
	/* the position within each batch, for EndToEndIds: the batch of the
	 * previous row and the count so far */
	char *last_batch;
	size_t nth;
};

static int take_pay(void *ctx, const struct engine_bank_payment *p)
{
	struct pay_list *l = ctx;
	if (!l->last_batch || strcmp(l->last_batch, p->batch) != 0) {
		/* Rows of one batch come together when a batch is asked for;
		 * all batches' rows come by execution, a batch's together too
		 * (one export records its executions at once). */
		free(l->last_batch);
		l->last_batch = xstrdup(p->batch);
		l->nth = 0;
	}
	l->nth++;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	struct pay *q = &l->v[l->n++];
	memset(q, 0, sizeof(*q));
	q->batch = xstrdup(p->batch);
	q->id = xstrdup(p->id);
	q->e2e = xasprintf("%s-%zu", p->batch, l->nth);
	q->exec_date = dup_or_null(p->exec_date);
	q->dnr = dup_or_null(p->dnr);
	q->part = dup_or_null(p->part);
	q->recipient = dup_or_null(p->recipient);
	q->recipient_name = dup_or_null(p->recipient_name);
	q->payee = payee_of(p->payment_detail);
	q->amount = p->amount;
	q->accepted = p->accepted != NULL;
	q->booked = p->booked != NULL;
	q->rejected = p->rejected != NULL;
	q->returned = p->returned != NULL;
	const char *latest = p->returned ? p->returned : p->rejected ? p->rejected : p->booked ? p->booked : p->accepted;
	q->state_date = dup_or_null(latest);
	q->reason = (p->rejected || p->returned) ? reason_of(p->reject_detail) : NULL;
	return 0;
}

static int load_pays(struct store *s, const char *batch, struct pay_list *l, struct bd_error *err)
{
	memset(l, 0, sizeof(*l));
	int rc = OPS(s)->payment_scan(s, batch, take_pay, l, err);
	free(l->last_batch);
	l->last_batch = NULL;
	return rc;
}

static void pay_list_release(struct pay_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		pay_release(&l->v[i]);
	free(l->v);
	free(l->last_batch);
	memset(l, 0, sizeof(*l));
}

/* batch_get: the payments of a batch, loaded once; an empty batch when
 * bidrag exported none of that name. */
static struct batch *batch_get(struct store *s, struct batches *b, const char *name, struct bd_error *err)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].name, name) == 0)
			return &b->v[i];
	struct pay_list l;
	if (load_pays(s, name, &l, err)) {
		pay_list_release(&l);
		return NULL;
	}
	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n] = (struct batch){.name = xstrdup(name), .v = l.v, .n = l.n};
	return &b->v[b->n++];
}

/* e2e_batch: the batch an EndToEndId of bidrag's names ("<batch>-<n>"),
 * into buf; false when it has not that form. */
static bool e2e_batch(const char *e2e, char *buf, size_t len)
{
	const char *dash = e2e ? strrchr(e2e, '-') : NULL;
	if (!dash || dash == e2e || !dash[1] || (size_t)(dash - e2e) >= len)
		return false;
	for (const char *p = dash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	memcpy(buf, e2e, (size_t)(dash - e2e));
	buf[dash - e2e] = '\0';
	return true;
}

static struct pay *pay_by_e2e(struct batch *b, const char *e2e)
{
	for (size_t i = 0; b && e2e && i < b->n; i++)
		if (strcmp(b->v[i].e2e, e2e) == 0)
			return &b->v[i];
	return NULL;
}

/* The import. */

struct run {
	struct store *s;
	const struct bank_import_in *in;
	struct bank_import_result *out;
	struct batches batches;
	/* Payment events waiting to be recorded, in entry order (recorded
	 * before a credit's event, so that each account's events stay in date
	 * order). */
	struct ledger_input *ev;
	size_t nev;
	struct strpool pool; /* the events' strings */
	/* The entries to keep. */
	struct engine_bank_entry *rows;
	size_t nrows;
	/* Claims paid by this import so far: number and amount. */
	int64_t *claim_no, *claim_paid;
	size_t nclaims;
};

static void run_release(struct run *r)
{
	batches_release(&r->batches);
	free(r->ev);
	free(r->rows);
	free(r->claim_no);
	free(r->claim_paid);
	strpool_release(&r->pool);
}

static const char *P(struct run *r, const char *s)
{
	return s ? strpool_strdup(&r->pool, s) : NULL;
}

/* fail_at: an error naming the file and the entry. */
static int fail_at(struct run *r, const struct bank_entry_in *e, struct bd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_at(struct run *r, const struct bank_entry_in *e, struct bd_error *err, const char *fmt, ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(err, "%s: %s: %s; nothing of the file is recorded", r->in->name, e->place, msg);
}

static int flush_events(struct run *r, struct bd_error *err)
{
	if (!r->nev)
		return 0;
	enum ledger_outcome *oc = xcalloc(r->nev, sizeof(*oc));
	size_t failed_at = 0;
	int rc = store_ledger_record(r->s, r->ev, r->nev, oc, &failed_at, err);
	if (rc == 0)
		for (size_t i = 0; i < r->nev; i++)
			r->out->events += oc[i] == LEDGER_RECORDED;
	else if (err->code == BD_INVALID || err->code == BD_NOT_FOUND || err->code == BD_CONFLICT)
		bd_prefix(err, "%s: payment %s (%s)", r->in->name, r->ev[failed_at].ref,
			  event_kind_name(r->ev[failed_at].kind));
	free(oc);
	r->nev = 0;
	return rc;
}

/* event_exists: an event of that id is recorded already. */
static int event_exists(struct store *s, const char *id, bool *exists, struct bd_error *err)
{
	struct engine_event e;
	int rc = s->ops->event_find(s, id, &e, err);
	if (rc < 0)
		return -1;
	*exists = rc == 0;
	return 0;
}

/* queue_event: a bank event about payment p, unless it is recorded already
 * (a second file saying the same). */
static int queue_event(struct run *r, enum event_kind kind, const struct pay *p, const struct bank_entry_in *e,
		       const char *reason, bool *queued, struct bd_error *err)
{
	char id[300];
	snprintf(id, sizeof(id), "%s:%s", event_kind_name(kind), p->id);
	bool exists;
	if (event_exists(r->s, id, &exists, err))
		return -1;
	*queued = !exists;
	if (exists)
		return 0;
	r->ev = xreallocarray(r->ev, r->nev + 1, sizeof(*r->ev));
	struct ledger_input *in = &r->ev[r->nev++];
	*in = (struct ledger_input){.id = P(r, id), .kind = kind, .ref = P(r, p->id), .actor = r->in->actor,
				    .batch = P(r, p->batch), .reason = P(r, reason)};
	memcpy(in->date, e->date, DATE_LEN);
	return 0;
}

/* reason_text: "AC01 felaktigt kontonummer: the bank's words (pain.002
 * MSGID)" as the event and the entry keep it. */
static char *reason_text(struct run *r, const struct bank_entry_in *e)
{
	char *code = xasprintf("%s%s%s", e->reason ? e->reason : "", e->reason && e->reason_sv ? " " : "",
			       e->reason_sv ? e->reason_sv : "");
	char *out = xasprintf("%s%s%s (%s%s%s)", *code ? code : e->reason_text ? "" : "no reason given",
			      *code && e->reason_text ? ": " : "", e->reason_text ? e->reason_text : "", r->in->kind,
			      r->in->msg_id ? " " : "", r->in->msg_id ? r->in->msg_id : "");
	free(code);
	return out;
}

static struct engine_bank_entry *new_row(struct run *r, const struct bank_entry_in *e, enum bank_what what,
					  bool credit)
{
	r->rows = xreallocarray(r->rows, r->nrows + 1, sizeof(*r->rows));
	struct engine_bank_entry *row = &r->rows[r->nrows++];
	*row = (struct engine_bank_entry){
		.ident = P(r, e->ident),
		.what = bank_what_name(what),
		.date = P(r, e->date),
		.currency = P(r, e->currency[0] ? e->currency : "SEK"),
		.reference = P(r, e->end_to_end_id),
		.reason = P(r, e->reason),
		.text = P(r, e->text),
		.batch = P(r, e->batch),
		.place = P(r, e->place),
		.credit = credit,
		.amount = e->has_amount ? e->amount : 0,
	};
	return row;
}

static void add_line(struct run *r, const struct bank_entry_in *e, enum bank_what what, bool known, bool recorded,
		     int64_t amount, const char *payment, int64_t claim, const char *note)
{
	struct bank_import_result *o = r->out;
	o->lines = xreallocarray(o->lines, o->nlines + 1, sizeof(*o->lines));
	o->lines[o->nlines++] = (struct bank_import_line){
		.place = strpool_strdup(&o->pool, e->place),
		.what = what,
		.known = known,
		.recorded = recorded,
		.amount = amount,
		.payment_id = payment ? strpool_strdup(&o->pool, payment) : NULL,
		.claim = claim,
		.note = note ? strpool_strdup(&o->pool, note) : NULL,
	};
	if (known) {
		o->known++;
		return;
	}
	o->count[what]++;
	o->amount[what] += amount;
}

/* check_money: an entry about payment p says its amount and SEK. */
static int check_money(struct run *r, const struct bank_entry_in *e, const struct pay *p, struct bd_error *err)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	if (e->currency[0] && strcmp(e->currency, "SEK") != 0)
		return fail_at(r, e, err, "payment %s (EndToEndId %s) in %s: bidrag pays in SEK", p->id, p->e2e,
			       e->currency);
	if (e->has_amount && e->amount != p->amount)
		return fail_at(r, e, err, "the amount %s differs from payment %s's %s (EndToEndId %s)", kr(e->amount, a),
			       p->id, kr(p->amount, b), p->e2e);
	return 0;
}

static int do_tx_status(struct run *r, const struct bank_entry_in *e, struct bd_error *err)
{
	if (!e->batch)
		return fail_at(r, e, err, "the report names no payment file (OrgnlMsgId)");
	struct batch *b = batch_get(r->s, &r->batches, e->batch, err);
	if (!b)
		return -1;
	if (!b->n)
		return fail_at(r, e, err, "it answers payment file '%s', which bidrag did not export (see 'bidrag bank "
					  "batches')",
			       e->batch);
	if (!e->end_to_end_id)
		return fail_at(r, e, err, "a transaction without an OrgnlEndToEndId: which payment it answers is not said");
	struct pay *p = pay_by_e2e(b, e->end_to_end_id);
	if (!p)
		return fail_at(r, e, err, "EndToEndId '%s' is no payment of batch %s (it has %zu, %s-1 to %s-%zu)",
			       e->end_to_end_id, b->name, b->n, b->name, b->name, b->n);
	if (check_money(r, e, p, err))
		return -1;
	bool queued = false;
	if (e->status == BANK_TX_PENDING) {
		new_row(r, e, BW_PENDING, false)->payment_id = P(r, p->id);
		add_line(r, e, BW_PENDING, false, false, p->amount, p->id, 0, NULL);
		return 0;
	}
	if (e->status == BANK_TX_ACCEPTED) {
		/* An acceptance after the bank booked or gave up the payment says
		 * nothing new: kept, nothing recorded. */
		const char *note = NULL;
		if (!p->accepted && !p->booked && !p->rejected && !p->returned) {
			if (queue_event(r, EV_BANK_ACCEPT, p, e, NULL, &queued, err))
				return -1;
			p->accepted = true;
		} else if (p->rejected || p->returned) {
			note = "the payment was rejected or returned already";
		}
		struct engine_bank_entry *row = new_row(r, e, BW_ACCEPTED, false);
		row->payment_id = P(r, p->id);
		row->batch = P(r, p->batch);
		row->amount = p->amount;
		if (queued)
			row->event_id = r->ev[r->nev - 1].id;
		add_line(r, e, BW_ACCEPTED, false, queued, p->amount, p->id, 0, note);
		return 0;
	}
	/* Rejected. */
	if (p->booked)
		return fail_at(r, e, err, "the bank rejects payment %s (EndToEndId %s), which a statement shows booked: "
					  "a booked payment comes back as a return, not a rejection",
			       p->id, p->e2e);
	char *why = reason_text(r, e);
	if (!p->rejected && !p->returned) {
		int rc = queue_event(r, EV_BANK_REJECT, p, e, why, &queued, err);
		if (rc) {
			free(why);
			return -1;
		}
		p->rejected = true;
	}
	struct engine_bank_entry *row = new_row(r, e, BW_REJECTED, false);
	row->payment_id = P(r, p->id);
	row->batch = P(r, p->batch);
	row->amount = p->amount;
	if (queued)
		row->event_id = r->ev[r->nev - 1].id;
	add_line(r, e, BW_REJECTED, false, queued, p->amount, p->id, 0, why);
	free(why);
	return 0;
}

static int do_file_status(struct run *r, const struct bank_entry_in *e, struct bd_error *err)
{
	if (!e->batch)
		return fail_at(r, e, err, "the report names no payment file (OrgnlMsgId)");
	struct batch *b = batch_get(r->s, &r->batches, e->batch, err);
	if (!b)
		return -1;
	if (!b->n)
		return fail_at(r, e, err, "it answers payment file '%s', which bidrag did not export (see 'bidrag bank "
					  "batches')",
			       e->batch);
	bool reject = e->status == BANK_TX_REJECTED;
	enum bank_what what = reject ? BW_REJECTED : e->status == BANK_TX_ACCEPTED ? BW_ACCEPTED : BW_PENDING;
	char *why = reject ? reason_text(r, e) : NULL;
	int64_t total = 0;
	int recorded = 0;
	for (size_t i = 0; i < b->n && what != BW_PENDING; i++) {
		struct pay *p = &b->v[i];
		if (reject && p->booked) {
			free(why);
			return fail_at(r, e, err, "the bank rejects payment file %s, but its payment %s (EndToEndId %s) is "
						  "booked on the account",
				       b->name, p->id, p->e2e);
		}
		/* What the bank said of a payment already stands. */
		if (p->rejected || p->returned || (!reject && (p->accepted || p->booked)))
			continue;
		bool queued;
		if (queue_event(r, reject ? EV_BANK_REJECT : EV_BANK_ACCEPT, p, e, why, &queued, err)) {
			free(why);
			return -1;
		}
		if (reject)
			p->rejected = true;
		else
			p->accepted = true;
		total += p->amount;
		recorded += queued;
	}
	struct engine_bank_entry *row = new_row(r, e, what, false);
	row->batch = P(r, b->name);
	row->amount = total;
	char note[600];
	if (reject)
		snprintf(note, sizeof(note), "the whole file rejected: %d of its %zu payments reopened; %s", recorded, b->n,
			 why);
	else if (what == BW_ACCEPTED)
		snprintf(note, sizeof(note), "the whole file accepted: %d of its %zu payments", recorded, b->n);
	else
		snprintf(note, sizeof(note), "the whole file received or pending: nothing recorded");
	add_line(r, e, what, false, recorded > 0, total, NULL, 0, note);
	free(why);
	return 0;
}

/* ours: the payment of an EndToEndId of a batch bidrag exported: 0 and *out
 * (NULL when the id is not bidrag's: another program's payment); -1 when the
 * batch is bidrag's but the payment is not in it. */
static int ours(struct run *r, const struct bank_entry_in *e, struct pay **out, struct bd_error *err)
{
	*out = NULL;
	char name[256];
	if (!e->end_to_end_id || !e2e_batch(e->end_to_end_id, name, sizeof(name)))
		return 0;
	struct batch *b = batch_get(r->s, &r->batches, name, err);
	if (!b)
		return -1;
	if (!b->n)
		return 0;
	*out = pay_by_e2e(b, e->end_to_end_id);
	if (!*out)
		return fail_at(r, e, err, "EndToEndId '%s' is no payment of batch %s, which bidrag exported (it has %zu)",
			       e->end_to_end_id, b->name, b->n);
	return 0;
}

/* foreign: the note of an unmatched entry in a currency other than SEK. */
static const char *foreign(struct run *r, const struct bank_entry_in *e, const char *note)
{
	if (!e->currency[0] || strcmp(e->currency, "SEK") == 0)
		return note;
	char buf[300];
	snprintf(buf, sizeof(buf), "%s; in %s, not SEK", note, e->currency);
	return P(r, buf);
}

static int do_debit(struct run *r, const struct bank_entry_in *e, struct bd_error *err)
{
	struct pay *p;
	if (ours(r, e, &p, err))
		return -1;
	if (!p) {
		const char *note = foreign(r, e, e->end_to_end_id ? "not a payment bidrag exported" : "no EndToEndId");
		new_row(r, e, BW_UNMATCHED, false)->note = P(r, note);
		add_line(r, e, BW_UNMATCHED, false, false, e->amount, NULL, 0, note);
		return 0;
	}
	if (check_money(r, e, p, err))
		return -1;
	if (p->rejected)
		return fail_at(r, e, err, "payment %s (EndToEndId %s) is booked, but the bank rejected it before: the "
					  "payment is void in the ledger",
			       p->id, p->e2e);
	bool queued = false;
	if (!p->booked && !p->returned) {
		if (queue_event(r, EV_BANK_BOOK, p, e, NULL, &queued, err))
			return -1;
		p->booked = true;
	}
	struct engine_bank_entry *row = new_row(r, e, BW_BOOKED, false);
	row->payment_id = P(r, p->id);
	row->batch = P(r, p->batch);
	if (queued)
		row->event_id = r->ev[r->nev - 1].id;
	add_line(r, e, BW_BOOKED, false, queued, e->amount, p->id, 0, NULL);
	return 0;
}

static int do_return(struct run *r, const struct bank_entry_in *e, struct bd_error *err)
{
	struct pay *p;
	if (ours(r, e, &p, err))
		return -1;
	if (!p) {
		const char *note = foreign(r, e, e->end_to_end_id ? "a return of a payment bidrag did not export"
								  : "a return without an EndToEndId");
		new_row(r, e, BW_UNMATCHED, true)->note = P(r, note);
		add_line(r, e, BW_UNMATCHED, false, false, e->amount, NULL, 0, note);
		return 0;
	}
	if (check_money(r, e, p, err))
		return -1;
	char *why = reason_text(r, e);
	bool queued = false;
	if (!p->returned && !p->rejected) {
		if (queue_event(r, EV_BANK_RETURN, p, e, why, &queued, err)) {
			free(why);
			return -1;
		}
		p->returned = true;
	}
	struct engine_bank_entry *row = new_row(r, e, BW_RETURNED, true);
	row->payment_id = P(r, p->id);
	row->batch = P(r, p->batch);
	if (queued)
		row->event_id = r->ev[r->nev - 1].id;
	add_line(r, e, BW_RETURNED, false, queued, e->amount, p->id, 0, why);
	free(why);
	return 0;
}

static int64_t *claim_paid_slot(struct run *r, int64_t number)
{
	for (size_t i = 0; i < r->nclaims; i++)
		if (r->claim_no[i] == number)
			return &r->claim_paid[i];
	r->claim_no = xreallocarray(r->claim_no, r->nclaims + 1, sizeof(int64_t));
	r->claim_paid = xreallocarray(r->claim_paid, r->nclaims + 1, sizeof(int64_t));
	r->claim_no[r->nclaims] = number;
	r->claim_paid[r->nclaims] = 0;
	return &r->claim_paid[r->nclaims++];
}

/* repay_event_id: the id of a repayment recorded from an entry: the claim
 * and the entry's identity. */
static void repay_event_id(const char *prefix, int64_t claim, const char *ident, char out[128])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)ident, strlen(ident));
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	sodium_bin2hex(hex, sizeof(hex), d, sizeof(d));
	snprintf(out, 128, "%s:%" PRId64 ":%.16s", prefix, claim, hex);
}

/* record_repayment: a repay-receive on the claim's account; 0 recorded (or
 * recorded before), 1 refused by the ledger (note says why), -1 failed. */
static int record_repayment(struct store *s, const struct claim *k, const char *id, int64_t amount, const char *date,
			    const char *actor, const char *reason, bool *recorded, char *note, size_t notelen,
			    struct bd_error *err)
{
	struct ledger_input in = {.id = id, .kind = EV_REPAY_RECEIVE, .dnr = k->dnr, .part = k->part,
				  .recipient = k->recipient, .actor = actor, .amount = amount, .reason = reason};
	memcpy(in.date, date, DATE_LEN);
	enum ledger_outcome oc = LEDGER_ALREADY;
	size_t failed_at;
	struct bd_error e;
	if (store_ledger_record(s, &in, 1, &oc, &failed_at, &e) == 0) {
		*recorded = oc == LEDGER_RECORDED;
		return 0;
	}
	if (e.code == BD_INVALID) {
		snprintf(note, notelen, "claim %" PRId64 " (OCR %s): the ledger refuses the repayment: %s", k->number,
			 k->ocr, e.msg);
		return 1;
	}
	*err = e;
	return -1;
}

static int do_credit(struct run *r, const struct bank_entry_in *e, struct bd_error *err)
{
	char a[NUM_BUFSZ];
	char note[1400] = "";
	struct claim k = {0};
	bool have = false;
	for (size_t i = 0; i < e->nrefs && !have; i++) {
		struct ocr_ref o;
		struct bd_error why;
		if (ocr_check(e->refs[i], OCR_LENGTH, &o, &why)) {
			if (!note[0])
				snprintf(note, sizeof(note), "reference '%s' is no OCR reference of a claim (%s)", e->refs[i],
					 why.msg);
			continue;
		}
		int rc = find_claim(r->s, 0, o.digits, &k, err);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			snprintf(note, sizeof(note), "OCR reference %s matches no claim", o.digits);
			continue;
		}
		have = true;
	}
	if (!have && !e->nrefs)
		snprintf(note, sizeof(note), "no reference");
	if (have && e->currency[0] && strcmp(e->currency, "SEK") != 0)
		return fail_at(r, e, err, "a credit of %s %s pays claim %" PRId64 " (OCR %s): a claim is paid in SEK",
			       fmt_ore(e->amount, a), e->currency, k.number, k.ocr);
	if (!have && e->currency[0] && strcmp(e->currency, "SEK") != 0) {
		size_t l = strlen(note);
		snprintf(note + l, sizeof(note) - l, "; in %s, not SEK", e->currency);
	}
	int64_t *paid = have ? claim_paid_slot(r, k.number) : NULL;
	if (have && claim_refuses(&k, e->amount, *paid, note, sizeof(note)))
		have = false;
	bool recorded = false;
	char id[128] = "";
	if (have) {
		/* The payments' events first: each account's events in date order. */
		if (flush_events(r, err))
			return -1;
		repay_event_id("bank-repay", k.number, e->ident, id);
		char reason[300];
		snprintf(reason, sizeof(reason), "OCR %s, claim %" PRId64 " (%s %s)", k.ocr, k.number, r->in->kind,
			 e->place);
		int rc = record_repayment(r->s, &k, id, e->amount, e->date, r->in->actor, reason, &recorded, note,
					  sizeof(note), err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			have = false;
	}
	if (!have) {
		struct engine_bank_entry *row = new_row(r, e, BW_UNMATCHED, true);
		row->reference = P(r, e->nrefs ? e->refs[0] : NULL);
		row->note = P(r, note);
		add_line(r, e, BW_UNMATCHED, false, false, e->amount, NULL, 0, note);
		return 0;
	}
	*paid += e->amount;
	r->out->events += recorded;
	struct engine_bank_entry *row = new_row(r, e, BW_REPAID, true);
	row->reference = P(r, k.ocr);
	row->claim = k.number;
	row->event_id = P(r, id);
	add_line(r, e, BW_REPAID, false, recorded, e->amount, NULL, k.number, NULL);
	return 0;
}

static bool ident_seen(const struct run *r, const char *ident)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].ident, ident) == 0)
			return true;
	return false;
}

static int import_entries(struct run *r, struct bd_error *err)
{
	struct store *s = r->s;
	for (size_t i = 0; i < r->in->n; i++) {
		const struct bank_entry_in *e = &r->in->v[i];
		if (!e->ident || !*e->ident || !date_valid(e->date))
			return bd_fail(err, "%s: %s: internal: an entry without its identity or date", r->in->name,
				       e->place);
		int64_t id;
		int rc = OPS(s)->entry_known(s, e->ident, &id, err);
		if (rc < 0)
			return -1;
		if (rc == 0 || ident_seen(r, e->ident)) {
			add_line(r, e, BW_UNMATCHED, true, false, e->amount, NULL, 0, NULL);
			continue;
		}
		switch (e->type) {
		case BANK_TX_STATUS: rc = do_tx_status(r, e, err); break;
		case BANK_FILE_STATUS: rc = do_file_status(r, e, err); break;
		case BANK_DEBIT: rc = do_debit(r, e, err); break;
		case BANK_RETURN: rc = do_return(r, e, err); break;
		case BANK_CREDIT: rc = do_credit(r, e, err); break;
		}
		if (rc)
			return -1;
	}
	return flush_events(r, err);
}

int store_bank_import(struct store *s, const struct bank_import_in *in, struct bank_import_result *out,
		      struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	struct engine_bank_file f;
	int rc = OPS(s)->file_find(s, in->sha256, &f, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		out->again = true;
		out->file_id = f.id;
		snprintf(out->again_by, sizeof(out->again_by), "%s", f.imported_by);
		snprintf(out->again_at, sizeof(out->again_at), "%s", f.imported);
		return 0;
	}
	/* Claims recorded before claims had numbers can be paid too. */
	if (store_repay_claims_number(s, err))
		return -1;
	struct run r = {.s = s, .in = in, .out = out};
	strpool_init(&r.pool);
	rc = import_entries(&r, err);
	if (rc == 0) {
		char now[32];
		now_utc(now, sizeof(now));
		struct engine_bank_file nf = {.sha256 = in->sha256, .kind = in->kind, .name = in->name,
					      .msg_id = in->msg_id, .imported_by = in->actor, .imported = now,
					      .size = (int64_t)in->size, .entries = (int64_t)r.nrows};
		rc = OPS(s)->file_add(s, &nf, &out->file_id, err);
		for (size_t i = 0; i < r.nrows && rc == 0; i++) {
			int64_t id;
			r.rows[i].file_id = out->file_id;
			rc = OPS(s)->entry_add(s, &r.rows[i], &id, err);
		}
	}
	if (rc == 0) {
		json_t *a = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:i}", "file", in->name, "kind", in->kind, "sha256",
				      in->sha256, "size", (json_int_t)in->size, "entries", (json_int_t)r.nrows, "events",
				      out->events, "known", out->known);
		json_t *c = json_object();
		for (int w = 0; w < BW_COUNT; w++)
			if (out->count[w])
				json_object_set_new(c, bank_what_name((enum bank_what)w),
						    json_pack("{s:i, s:I}", "count", out->count[w], "amount",
							      (json_int_t)out->amount[w]));
		json_object_set_new(a, "entries_by_outcome", c);
		if (in->msg_id)
			json_object_set_new(a, "msg_id", json_string(in->msg_id));
		rc = audit(s, "bank import", in->name, a, err);
	}
	run_release(&r);
	return rc ? -1 : 0;
}

/* Views. */

static void entry_row(const struct engine_bank_entry *e, struct bank_entry_row *r)
{
	int w = bank_what_parse(e->what);
	*r = (struct bank_entry_row){
		.id = e->id,
		.file_name = e->file_name,
		.file_kind = e->file_kind,
		.place = e->place,
		.what = w < 0 ? BW_UNMATCHED : (enum bank_what)w,
		.credit = e->credit,
		.date = e->date,
		.currency = e->currency,
		.reference = e->reference,
		.reason = e->reason,
		.text = e->text,
		.batch = e->batch,
		.payment_id = e->payment_id,
		.event_id = e->event_id,
		.note = e->note,
		.amount = e->amount,
		.claim = e->claim,
		.match_id = e->match_id,
		.match_claim = e->match_claim,
		.open_id = e->open_id,
		.match_payment = e->match_payment,
		.match_by = e->match_by,
		.open_by = e->open_by,
	};
}

struct entries_ctx {
	bool unmatched_only;
	bank_entry_fn fn;
	void *ctx;
};

static int entry_out(void *ctx, const struct engine_bank_entry *e)
{
	struct entries_ctx *c = ctx;
	if (c->unmatched_only && (strcmp(e->what, "unmatched") != 0 || e->match_id))
		return 0;
	struct bank_entry_row r;
	entry_row(e, &r);
	return c->fn(c->ctx, &r);
}

int store_bank_entries(struct store *s, bool unmatched_only, bank_entry_fn fn, void *ctx, struct bd_error *err)
{
	struct entries_ctx c = {unmatched_only, fn, ctx};
	return OPS(s)->entry_scan(s, 0, entry_out, &c, err);
}

static enum bank_state pay_state(const struct pay *p)
{
	return bank_state_of(p->accepted, p->booked, p->rejected, p->returned);
}

int store_bank_payments(struct store *s, const char *batch, bank_payment_fn fn, void *ctx, struct bd_error *err)
{
	struct pay_list l;
	int rc = load_pays(s, batch, &l, err);
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		const struct pay *p = &l.v[i];
		struct bank_payment_row row = {
			.batch = p->batch,
			.id = p->id,
			.end_to_end_id = p->e2e,
			.exec_date = p->exec_date,
			.dnr = p->dnr,
			.part = p->part,
			.recipient = p->recipient,
			.recipient_name = p->recipient_name,
			.payee = p->payee,
			.amount = p->amount,
			.state = pay_state(p),
			.state_date = p->state_date,
			.reason = p->reason,
		};
		rc = fn(ctx, &row) ? -1 : 0;
	}
	pay_list_release(&l);
	return rc;
}

int store_bank_batches(struct store *s, bank_batch_fn fn, void *ctx, struct bd_error *err)
{
	struct pay_list l;
	int rc = load_pays(s, NULL, &l, err);
	struct bank_batch_row *rows = NULL;
	size_t n = 0;
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		const struct pay *p = &l.v[i];
		struct bank_batch_row *b = NULL;
		for (size_t k = 0; k < n; k++)
			if (strcmp(rows[k].batch, p->batch) == 0)
				b = &rows[k];
		if (!b) {
			rows = xreallocarray(rows, n + 1, sizeof(*rows));
			b = &rows[n++];
			memset(b, 0, sizeof(*b));
			b->batch = p->batch;
			b->exec_date = p->exec_date;
		}
		enum bank_state st = pay_state(p);
		b->count[st]++;
		b->amount[st] += p->amount;
		b->count[BANK_STATE_COUNT]++;
		b->amount[BANK_STATE_COUNT] += p->amount;
	}
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = fn(ctx, &rows[k]) ? -1 : 0;
	free(rows);
	pay_list_release(&l);
	return rc;
}

struct days_ctx {
	struct bank_day_row *v;
	size_t n;
	struct strpool pool;
};

static int take_day(void *ctx, const struct engine_bank_day *d)
{
	struct days_ctx *c = ctx;
	struct bank_day_row *r = NULL;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].date, d->date) == 0)
			r = &c->v[i];
	if (!r) {
		c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
		r = &c->v[c->n++];
		memset(r, 0, sizeof(*r));
		r->date = strpool_strdup(&c->pool, d->date);
	}
	if (d->bank) {
		if (d->credit)
			r->bank_in += d->amount;
		else
			r->bank_out += d->amount;
		r->bank_entries += (int)d->count;
		return 0;
	}
	int k = event_kind_parse(d->what);
	if (k == EV_EXECUTE)
		r->ledger_paid += d->amount;
	else if (k == EV_BANK_REJECT || k == EV_BANK_RETURN)
		r->ledger_back += d->amount;
	else if (k == EV_REPAY_RECEIVE)
		r->ledger_repaid += d->amount;
	r->ledger_events += (int)d->count;
	return 0;
}

static int day_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bank_day_row *)a)->date, ((const struct bank_day_row *)b)->date);
}

int store_bank_days(struct store *s, const char *from, const char *to, bank_day_fn fn, void *ctx,
		    struct bd_error *err)
{
	struct days_ctx c = {0};
	strpool_init(&c.pool);
	int rc = OPS(s)->day_scan(s, from, to, take_day, &c, err);
	if (rc == 0 && c.n)
		qsort(c.v, c.n, sizeof(*c.v), day_cmp);
	for (size_t i = 0; i < c.n && rc == 0; i++)
		rc = fn(ctx, &c.v[i]) ? -1 : 0;
	free(c.v);
	strpool_release(&c.pool);
	return rc;
}

/* Matching by hand. */

struct entry_copy {
	bool found;
	int64_t id, amount, match_id, open_id;
	bool credit;
	char what[16], date[DATE_LEN], ident[400], place[200], file_name[300], currency[4], open_by[LEDGER_ACTOR_MAX + 1];
};

static int take_entry(void *ctx, const struct engine_bank_entry *e)
{
	struct entry_copy *c = ctx;
	c->found = true;
	c->id = e->id;
	c->amount = e->amount;
	c->match_id = e->match_id;
	c->open_id = e->open_id;
	c->credit = e->credit;
	snprintf(c->what, sizeof(c->what), "%s", e->what);
	snprintf(c->date, sizeof(c->date), "%s", e->date);
	snprintf(c->ident, sizeof(c->ident), "%s", e->ident);
	snprintf(c->place, sizeof(c->place), "%s", e->place);
	snprintf(c->file_name, sizeof(c->file_name), "%s", e->file_name ? e->file_name : "");
	snprintf(c->currency, sizeof(c->currency), "%s", e->currency);
	snprintf(c->open_by, sizeof(c->open_by), "%s", e->open_by ? e->open_by : "");
	return 0;
}

static int entry_get(struct store *s, int64_t id, struct entry_copy *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = OPS(s)->entry_get(s, id, take_entry, out, err);
	if (rc < 0)
		return -1;
	if (!out->found)
		return bd_failc(err, BD_NOT_FOUND, "no bank entry %" PRId64 " (see 'bidrag bank unmatched')", id);
	return 0;
}

/* find_pay: an executed payment by its id, with what the bank said. */
static int find_pay(struct store *s, const char *payment_id, struct pay_list *l, struct pay **out,
		    struct bd_error *err)
{
	char batch[256];
	int rc = OPS(s)->payment_batch(s, payment_id, batch, sizeof(batch), err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return bd_failc(err, BD_NOT_FOUND, "no executed payment '%s' (see 'bidrag bank payments')", payment_id);
	if (load_pays(s, batch, l, err))
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, payment_id) == 0) {
			*out = &l->v[i];
			return 0;
		}
	return bd_fail(err, "internal: payment '%s' not found in its batch %s", payment_id, batch);
}

/* check_match: the rules a match by hand is checked by, when proposed and
 * again when approved (the register may have moved meanwhile). */
static int check_match(struct store *s, const struct entry_copy *e, int64_t claim, const char *payment_id,
		       struct claim *k, struct pay_list *l, struct pay **p, struct bd_error *err)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	if (strcmp(e->what, "unmatched") != 0)
		return bd_fail(err, "bank entry %" PRId64 " was matched on import (%s): there is nothing to match by hand",
			       e->id, e->what);
	if (e->match_id)
		return bd_fail(err, "bank entry %" PRId64 " is matched by hand already (match %" PRId64 ")", e->id,
			       e->match_id);
	if (strcmp(e->currency, "SEK") != 0)
		return bd_fail(err, "bank entry %" PRId64 " is in %s: bidrag matches SEK only", e->id, e->currency);
	if (claim > 0) {
		if (!e->credit)
			return bd_fail(err, "bank entry %" PRId64 " is a debit: a claim is paid by a credit", e->id);
		int rc = find_claim(s, claim, NULL, k, err);
		if (rc)
			return rc < 0 ? -1
				      : bd_failc(err, BD_NOT_FOUND, "no repayment claim %" PRId64 " (see 'bidrag repay list')",
						 claim);
		char why[300];
		if (claim_refuses(k, e->amount, 0, why, sizeof(why)))
			return bd_fail(err, "bank entry %" PRId64 " of %s: %s", e->id, kr(e->amount, a), why);
		return 0;
	}
	if (find_pay(s, payment_id, l, p, err))
		return -1;
	struct pay *q = *p;
	if (e->amount != q->amount)
		return bd_fail(err, "bank entry %" PRId64 " of %s differs from payment %s's %s", e->id, kr(e->amount, a),
			       q->id, kr(q->amount, b));
	if (q->rejected || q->returned)
		return bd_fail(err, "payment %s was rejected or returned already: it is void", q->id);
	if (!e->credit && q->booked)
		return bd_fail(err, "payment %s is booked already", q->id);
	return 0;
}

int store_bank_match_propose(struct store *s, int64_t entry, int64_t claim, const char *payment_id,
			     const char *note, const char *date, int64_t *match, struct bd_error *err)
{
	if ((claim > 0) == (payment_id != NULL))
		return bd_fail(err, "a match names a claim or a payment, one of them");
	struct entry_copy e;
	if (entry_get(s, entry, &e, err))
		return -1;
	if (e.open_id)
		return bd_fail(err, "a match of bank entry %" PRId64 " is proposed already (by %s): approve or reject it "
				    "first",
			       entry, e.open_by);
	struct claim k;
	struct pay_list l = {0};
	struct pay *p = NULL;
	int rc = check_match(s, &e, claim, payment_id, &k, &l, &p, err);
	char now[32];
	now_utc(now, sizeof(now));
	if (rc == 0) {
		struct engine_bank_match m = {.entry_id = entry, .claim = claim, .payment_id = payment_id, .note = note,
					      .proposed_by = s->actor, .proposed_on = date, .recorded = now};
		rc = OPS(s)->match_add(s, &m, match, err);
		if (rc == 1)
			rc = bd_fail(err, "a match of bank entry %" PRId64 " is proposed already", entry);
	}
	if (rc == 0) {
		json_t *a = json_pack("{s:I, s:s, s:s}", "entry", (json_int_t)entry, "file", e.file_name, "place", e.place);
		if (claim > 0)
			json_object_set_new(a, "claim", json_integer(claim));
		else
			json_object_set_new(a, "payment", json_string(payment_id));
		if (note)
			json_object_set_new(a, "note", json_string(note));
		char obj[64];
		snprintf(obj, sizeof(obj), "bank entry %" PRId64, entry);
		rc = audit(s, "bank match propose", obj, a, err);
	}
	pay_list_release(&l);
	return rc ? -1 : 0;
}

struct match_copy {
	bool found;
	int64_t id, claim;
	char payment_id[256], proposed_by[LEDGER_ACTOR_MAX + 1], state[16];
};

static int take_match(void *ctx, const struct engine_bank_match *m)
{
	struct match_copy *c = ctx;
	c->found = true;
	c->id = m->id;
	c->claim = m->claim;
	snprintf(c->payment_id, sizeof(c->payment_id), "%s", m->payment_id ? m->payment_id : "");
	snprintf(c->proposed_by, sizeof(c->proposed_by), "%s", m->proposed_by);
	snprintf(c->state, sizeof(c->state), "%s", m->state);
	return 0;
}

static int open_match(struct store *s, int64_t entry, struct entry_copy *e, struct match_copy *m,
		      struct bd_error *err)
{
	if (entry_get(s, entry, e, err))
		return -1;
	if (!e->open_id)
		return bd_failc(err, BD_NOT_FOUND, "no match of bank entry %" PRId64 " is proposed (propose one with "
						   "'bidrag bank match')",
				entry);
	memset(m, 0, sizeof(*m));
	int rc = OPS(s)->match_get(s, e->open_id, take_match, m, err);
	if (rc < 0)
		return -1;
	if (!m->found)
		return bd_fail(err, "internal: match %" PRId64 " not found", e->open_id);
	return 0;
}

int store_bank_match_approve(struct store *s, int64_t entry, const char *date, char event_id[128],
			     struct bd_error *err)
{
	struct entry_copy e;
	struct match_copy m;
	if (open_match(s, entry, &e, &m, err))
		return -1;
	if (same_person(m.proposed_by, s->actor))
		return bd_fail(err, "four eyes: %s proposed this match and cannot also approve it; another person must",
			       m.proposed_by);
	struct claim k;
	struct pay_list l = {0};
	struct pay *p = NULL;
	int rc = check_match(s, &e, m.claim, m.claim > 0 ? NULL : m.payment_id, &k, &l, &p, err);
	event_id[0] = '\0';
	if (rc == 0 && m.claim > 0) {
		repay_event_id("bank-hand", k.number, e.ident, event_id);
		char reason[700], note[1400] = "";
		snprintf(reason, sizeof(reason), "claim %" PRId64 ", OCR %s, matched by hand (%s %s)", k.number, k.ocr,
			 e.file_name, e.place);
		bool recorded;
		rc = record_repayment(s, &k, event_id, e.amount, e.date, s->actor, reason, &recorded, note, sizeof(note),
				      err);
		if (rc == 1)
			rc = bd_fail(err, "%s", note);
	} else if (rc == 0) {
		enum event_kind kind = e.credit ? EV_BANK_RETURN : EV_BANK_BOOK;
		snprintf(event_id, 128, "%s:%s", event_kind_name(kind), p->id);
		char reason[700];
		snprintf(reason, sizeof(reason), "matched by hand (%s %s)", e.file_name, e.place);
		struct ledger_input in = {.id = event_id, .kind = kind, .ref = p->id, .actor = s->actor,
					  .batch = p->batch, .reason = e.credit ? reason : NULL};
		memcpy(in.date, e.date, DATE_LEN);
		enum ledger_outcome oc;
		size_t failed_at;
		rc = store_ledger_record(s, &in, 1, &oc, &failed_at, err);
	}
	if (rc == 0) {
		rc = OPS(s)->match_decide(s, m.id, "approved", s->actor, date, event_id, err);
		if (rc == 1)
			rc = bd_fail(err, "the match of bank entry %" PRId64 " was decided meanwhile", entry);
	}
	if (rc == 0) {
		json_t *a = json_pack("{s:I, s:I, s:s}", "entry", (json_int_t)entry, "match", (json_int_t)m.id, "event",
				      event_id);
		char obj[64];
		snprintf(obj, sizeof(obj), "bank entry %" PRId64, entry);
		rc = audit(s, "bank match approve", obj, a, err);
	}
	pay_list_release(&l);
	return rc ? -1 : 0;
}

int store_bank_match_reject(struct store *s, int64_t entry, const char *date, struct bd_error *err)
{
	struct entry_copy e;
	struct match_copy m;
	if (open_match(s, entry, &e, &m, err))
		return -1;
	int rc = OPS(s)->match_decide(s, m.id, "rejected", s->actor, date, NULL, err);
	if (rc == 1)
		return bd_fail(err, "the match of bank entry %" PRId64 " was decided meanwhile", entry);
	if (rc)
		return -1;
	char obj[64];
	snprintf(obj, sizeof(obj), "bank entry %" PRId64, entry);
	return audit(s, "bank match reject", obj, json_pack("{s:I, s:I}", "entry", (json_int_t)entry, "match", (json_int_t)m.id),
		     err);
}

/* Verify: the bank's entries and the claims against the ledger. */

struct verify_bank {
	struct store *s;
	problem_fn fn;
	void *ctx;
	int *problems;
	struct bd_error *err;
	int rc;
};

static void vproblem(struct verify_bank *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vproblem(struct verify_bank *v, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*v->problems)++;
	v->fn(v->ctx, msg);
}

static int verify_entry(void *ctx, const struct engine_bank_entry *e)
{
	struct verify_bank *v = ctx;
	const char *ev = e->event_id ? e->event_id : e->match_event;
	if (!ev)
		return 0;
	struct engine_event x;
	int rc = v->s->ops->event_find(v->s, ev, &x, v->err);
	if (rc < 0) {
		v->rc = -1;
		return 1;
	}
	if (rc == 1) {
		vproblem(v, "bank entry %" PRId64 " (%s): its event %s is not in the ledger", e->id, e->place, ev);
		return 0;
	}
	int w = bank_what_parse(e->what);
	enum event_kind want = w == BW_ACCEPTED   ? EV_BANK_ACCEPT
			       : w == BW_REJECTED ? EV_BANK_REJECT
			       : w == BW_BOOKED   ? EV_BANK_BOOK
			       : w == BW_RETURNED ? EV_BANK_RETURN
			       : w == BW_REPAID   ? EV_REPAY_RECEIVE
			       : e->match_claim   ? EV_REPAY_RECEIVE
			       : e->credit        ? EV_BANK_RETURN
						  : EV_BANK_BOOK;
	if (x.kind != want)
		vproblem(v, "bank entry %" PRId64 " (%s): its event %s is %s, not %s", e->id, e->place, ev,
			 event_kind_name(x.kind), event_kind_name(want));
	else if (want == EV_REPAY_RECEIVE && x.amount != e->amount)
		vproblem(v, "bank entry %" PRId64 " (%s): %" PRId64 " öre, its repayment %s %" PRId64 " öre", e->id, e->place,
			 e->amount, ev, x.amount);
	return 0;
}

static int verify_claim(void *ctx, const struct engine_claim *c)
{
	struct verify_bank *v = ctx;
	char ocr[OCR_BUFSZ];
	ocr_make_u64((uint64_t)c->number, ocr);
	if (strcmp(ocr, c->ocr) != 0)
		vproblem(v, "claim %" PRId64 ": OCR reference %s, expected %s", c->number, c->ocr, ocr);
	if (c->matched > c->amount)
		vproblem(v, "claim %" PRId64 ": %" PRId64 " öre paid by the bank's entries, more than the %" PRId64
			    " öre claimed",
			 c->number, c->matched, c->amount);
	struct engine_event x;
	int rc = v->s->ops->event_find(v->s, c->event_id, &x, v->err);
	if (rc < 0) {
		v->rc = -1;
		return 1;
	}
	if (rc == 1 || x.to != B_CLAIMED || x.amount != c->amount)
		vproblem(v, "claim %" PRId64 ": its event %s is not a claim of %" PRId64 " öre in the ledger", c->number,
			 c->event_id, c->amount);
	return 0;
}

int bank_verify(struct store *s, problem_fn fn, void *ctx, int *problems, struct bd_error *err)
{
	struct verify_bank v = {.s = s, .fn = fn, .ctx = ctx, .problems = problems, .err = err};
	if (OPS(s)->entry_scan(s, 0, verify_entry, &v, err) || v.rc)
		return -1;
	if (OPS(s)->claim_scan(s, 0, NULL, verify_claim, &v, err) || v.rc)
		return -1;
	return 0;
}
