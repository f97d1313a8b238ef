/* ledger-replay.c: reading the ledger back, above any engine: the replay
 * of the journal (status --as-of, verify), the accounts, the payments by
 * state, and `ledger verify`'s checks, four eyes among them. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine-checkpoint.h"
#include "ledger-internal.h"
#include "ledger.h"

/* Replay: the events (dated up to as_of, or all) read once and summed per
 * account in memory.  One pass over the journal, whatever the number of
 * accounts.
 *
 * As of a date, a payment the bank has booked counts as paid from its
 * booking date (the bank-book event's date), not from the day its file was
 * made: exported on or before as_of and booked after it, it was with the
 * bank that day, and its money is still in process (attested).  A payment
 * without a booking counts paid from its export, as the ledger charged it.
 * So the journal is read whole and the events after as_of are skipped but
 * for a bank-book, which moves its payment's execution back.
 *
 * Checkpoints (0015-ledger-checkpoint.sql) spare that: an account's events
 * are in date order (ledger_apply), so its state as of a day is its
 * balance after its last event up to the day: the kept balance when that is
 * its latest day, else the checkpoint of the day, written when the account
 * moved on to a later day (ledger_checkpoints_record) and moved by a
 * booking as the replay moves the execution (paid_on_booking).  The
 * replay with `days` computes every checkpoint from the journal: to build
 * them for a register that had events before them, and for verify. */
struct replay_acct {
	int64_t part_id, org_id;
	struct ledger_balance delta; /* movements from an unopened account */
	char last[DATE_LEN];
	long events;
	int64_t allocation; /* kronor, the allocation row's (days: set from the accounts) */
	bool has_allocation;
	/* status as of a date from the checkpoints: the account's row */
	bool has_at;
	struct ledger_balance at;
};

/* A day closed by a later event of its account: the movements up to it
 * (delta.last_date is the day). */
struct replay_day {
	int64_t part_id, org_id;
	size_t acct;
	struct ledger_balance delta;
};

/* A booking: the payment (its seq) and the day it was booked. */
struct replay_book {
	int64_t payment;
	char date[DATE_LEN];
};

/* What verify's pair rules need of every event. */
struct seen_event {
	int64_t seq, ref_seq;
	enum event_kind kind;
	char *id, *actor;
};

/* An execution replayed as of a date: where its money went, in case the
 * bank booked it after that date. */
struct replay_exec {
	int64_t payment, amount; /* the payment's seq (what execute and bank-book refer to) */
	size_t acct;
	char date[DATE_LEN];
};

struct replay {
	const char *as_of; /* NULL: every event */
	struct replay_exec *exec;
	size_t nexec;
	int64_t *booked; /* the payments booked after as_of */
	size_t nbooked;
	struct slot_map map;
	struct replay_acct *v;
	size_t n;
	bool keep; /* keep every event in seen (verify) */
	bool days; /* every account's closed days, executions and bookings (the checkpoints) */
	struct replay_day *day;
	size_t nday;
	struct replay_book *book;
	size_t nbook;
	struct seen_event *seen;
	size_t nseen;
	struct strpool pool;
};

static struct replay_acct *replay_find(struct replay *r, int64_t part_id, int64_t org_id, bool add)
{
	int64_t ids[2] = {part_id, org_id};
	uint64_t h = slot_hash(ids, sizeof(ids));
	for (size_t i = r->map.cap ? h & (r->map.cap - 1) : 0; r->map.cap && r->map.hash[i];
	     i = (i + 1) & (r->map.cap - 1)) {
		struct replay_acct *a = &r->v[r->map.val[i]];
		if (r->map.hash[i] == h && a->part_id == part_id && a->org_id == org_id)
			return a;
	}
	if (!add)
		return NULL;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct replay_acct *a = &r->v[r->n];
	memset(a, 0, sizeof(*a));
	a->part_id = part_id;
	a->org_id = org_id;
	*slot_map_insert_new(&r->map, h) = r->n++;
	return a;
}

static void replay_release(struct replay *r)
{
	slot_map_release(&r->map);
	free(r->v);
	free(r->seen);
	free(r->exec);
	free(r->booked);
	free(r->day);
	free(r->book);
	if (r->keep)
		strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

static int exec_cmp(const void *a, const void *b)
{
	const struct replay_exec *x = a, *y = b;
	return x->payment < y->payment ? -1 : x->payment > y->payment;
}

/* paid_on_booking: as of a day after a payment's export and before its
 * booking, the payment's amount is with the bank: in process (attested),
 * not paid.  The one place of that rule, for the replay and the
 * checkpoints. */
static void paid_on_booking(struct ledger_balance *b, int64_t amount)
{
	b->b[B_PAID] -= amount;
	b->b[B_ATTESTED] += amount;
}

/* counts_as_export: the execution the booking day moves (as it was
 * recorded: attested to paid). */
static bool counts_as_export(const struct engine_event *e)
{
	return e->kind == EV_EXECUTE && e->from == B_ATTESTED && e->to == B_PAID;
}

/* exec_of: the execution of a payment (its seq) among r->exec, sorted. */
static const struct replay_exec *exec_of(const struct replay *r, int64_t payment)
{
	size_t lo = 0, hi = r->nexec;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->exec[mid].payment < payment)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nexec && r->exec[lo].payment == payment ? &r->exec[lo] : NULL;
}

/* booked_later: the bank-books dated after as_of, of payments executed by
 * then: their money goes back from paid to attested for the day. */
static void booked_later(struct replay *r)
{
	if (r->nexec)
		qsort(r->exec, r->nexec, sizeof(*r->exec), exec_cmp);
	for (size_t i = 0; i < r->nbooked; i++) {
		const struct replay_exec *x = exec_of(r, r->booked[i]);
		if (x)
			paid_on_booking(&r->v[x->acct].delta, x->amount);
	}
}

static int replay_one(void *ctx, const struct engine_event *e)
{
	struct replay *r = ctx;
	if (r->as_of && strcmp(e->date, r->as_of) > 0) {
		if (e->kind == EV_BANK_BOOK) {
			if ((r->nbooked & (r->nbooked - 1)) == 0)
				r->booked = xreallocarray(r->booked, r->nbooked ? r->nbooked * 2 : 1, sizeof(*r->booked));
			r->booked[r->nbooked++] = e->ref_seq;
		}
		return 0;
	}
	struct replay_acct *a = replay_find(r, e->part_id, e->org_id, true);
	if ((r->as_of || r->days) && counts_as_export(e)) {
		if ((r->nexec & (r->nexec - 1)) == 0)
			r->exec = xreallocarray(r->exec, r->nexec ? r->nexec * 2 : 1, sizeof(*r->exec));
		struct replay_exec *x = &r->exec[r->nexec++];
		*x = (struct replay_exec){.payment = e->ref_seq, .amount = e->amount, .acct = (size_t)(a - r->v)};
		snprintf(x->date, sizeof(x->date), "%s", e->date);
	}
	if (r->days && e->kind == EV_BANK_BOOK) {
		if ((r->nbook & (r->nbook - 1)) == 0)
			r->book = xreallocarray(r->book, r->nbook ? r->nbook * 2 : 1, sizeof(*r->book));
		r->book[r->nbook] = (struct replay_book){.payment = e->ref_seq};
		snprintf(r->book[r->nbook++].date, DATE_LEN, "%s", e->date);
	}
	/* A later day: the account's state as of its last day is closed. */
	if (r->days && a->last[0] && strcmp(e->date, a->last) > 0) {
		if ((r->nday & (r->nday - 1)) == 0)
			r->day = xreallocarray(r->day, r->nday ? r->nday * 2 : 1, sizeof(*r->day));
		struct replay_day *d = &r->day[r->nday++];
		d->part_id = a->part_id;
		d->org_id = a->org_id;
		d->acct = (size_t)(a - r->v);
		d->delta = a->delta;
		memcpy(d->delta.last_date, a->last, DATE_LEN);
	}
	/* A movement between buckets; one from (or to) no bucket enters (or
	 * leaves) the account: its allocation changes (allocation-raise,
	 * allocation-reduce and their corrections). */
	if (e->from != B_NONE)
		a->delta.b[e->from] -= e->amount;
	else if (e->to != B_NONE)
		a->delta.allocated += e->amount;
	if (e->to != B_NONE)
		a->delta.b[e->to] += e->amount;
	else if (e->from != B_NONE)
		a->delta.allocated -= e->amount;
	if (e->kind == EV_REPORT)
		a->delta.reports++;
	else if (e->kind == EV_CORRECTION && e->ref_kind == EV_REPORT)
		a->delta.reports--;
	if (strcmp(e->date, a->last) > 0)
		snprintf(a->last, sizeof(a->last), "%s", e->date);
	a->events++;
	if (r->keep) {
		if ((r->nseen & (r->nseen - 1)) == 0)
			r->seen = xreallocarray(r->seen, r->nseen ? r->nseen * 2 : 1, sizeof(*r->seen));
		r->seen[r->nseen++] = (struct seen_event){
			.seq = e->seq,
			.ref_seq = e->ref_seq,
			.kind = e->kind,
			.id = strpool_strdup(&r->pool, e->id),
			.actor = strpool_strdup(&r->pool, e->actor),
		};
	}
	return 0;
}

static int replay_events(struct store *s, const char *as_of, struct replay *r, struct bd_error *err)
{
	if (r->keep)
		strpool_init(&r->pool);
	/* Every event: a booking after as_of moves an execution before it. */
	r->as_of = as_of;
	if (s->ops->event_scan(s, NULL, replay_one, r, err))
		return -1;
	if (as_of)
		booked_later(r);
	return 0;
}

static void apply_delta(struct ledger_balance *bal, const struct ledger_balance *delta, const char *last)
{
	for (int b = 0; b < B_COUNT; b++)
		bal->b[b] += delta->b[b];
	bal->allocated += delta->allocated;
	bal->reports += delta->reports;
	memcpy(bal->last_date, last, DATE_LEN);
}

static void replay_apply(struct ledger_balance *bal, const struct replay_acct *a)
{
	if (a)
		apply_delta(bal, &a->delta, a->last);
}

/* Checkpoints from the journal. */

static int day_cmp_key(int64_t p1, int64_t o1, const char *d1, int64_t p2, int64_t o2, const char *d2)
{
	if (p1 != p2)
		return p1 < p2 ? -1 : 1;
	if (o1 != o2)
		return o1 < o2 ? -1 : 1;
	return strcmp(d1, d2);
}

static int day_cmp(const void *a, const void *b)
{
	const struct replay_day *x = a, *y = b;
	return day_cmp_key(x->part_id, x->org_id, x->delta.last_date, y->part_id, y->org_id, y->delta.last_date);
}

/* The order of the checkpoints' key (0017): date, part, organisation. */
static int date_cmp_key(int64_t p1, int64_t o1, const char *d1, int64_t p2, int64_t o2, const char *d2)
{
	int c = strcmp(d1, d2);
	return c ? c : day_cmp_key(p1, o1, "", p2, o2, "");
}

static int day_date_cmp(const void *a, const void *b)
{
	const struct replay_day *x = a, *y = b;
	return date_cmp_key(x->part_id, x->org_id, x->delta.last_date, y->part_id, y->org_id, y->delta.last_date);
}

/* days_finish: the closed days by account and day, each booking moving the
 * days from its payment's export to the day before it was booked. */
static void days_finish(struct replay *r)
{
	if (r->nexec)
		qsort(r->exec, r->nexec, sizeof(*r->exec), exec_cmp);
	if (r->nday)
		qsort(r->day, r->nday, sizeof(*r->day), day_cmp);
	for (size_t i = 0; i < r->nbook; i++) {
		const struct replay_exec *x = exec_of(r, r->book[i].payment);
		if (!x)
			continue;
		const struct replay_acct *a = &r->v[x->acct];
		size_t lo = 0, hi = r->nday;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct replay_day *d = &r->day[mid];
			if (day_cmp_key(d->part_id, d->org_id, d->delta.last_date, a->part_id, a->org_id, x->date) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->nday && r->day[lo].part_id == a->part_id && r->day[lo].org_id == a->org_id &&
		       strcmp(r->day[lo].delta.last_date, r->book[i].date) < 0;
		     lo++)
			paid_on_booking(&r->day[lo].delta, x->amount);
	}
}

/* day_checkpoint: a closed day as its checkpoint holds it: the account
 * opened with its allocation, and the movements up to the day. */
static void day_checkpoint(const struct replay *r, const struct replay_day *d, struct engine_checkpoint *c)
{
	const struct replay_acct *a = &r->v[d->acct];
	c->part_id = d->part_id;
	c->org_id = d->org_id;
	ledger_open(&c->bal, a->allocation * 100);
	apply_delta(&c->bal, &d->delta, d->delta.last_date);
}

static int take_allocation(void *ctx, const struct engine_account *ea)
{
	struct replay_acct *a = replay_find(ctx, ea->part_id, ea->org_id, false);
	if (a) {
		a->allocation = ea->allocation;
		a->has_allocation = true;
	}
	return 0;
}

/* checkpoints_rebuild: every checkpoint computed from the journal and
 * written, and the checkpoints marked complete (in the caller's write
 * transaction). */
static int checkpoints_rebuild(struct store *s, struct bd_error *err)
{
	struct replay r = {.days = true};
	int rc = s->ops->event_scan(s, NULL, replay_one, &r, err);
	if (rc == 0)
		rc = s->ops->account_scan(s, NULL, NULL, NULL, ACCOUNTS_BY_ID, take_allocation, &r, err);
	if (rc == 0)
		rc = s->ops->checkpoint->reset(s, err);
	if (rc == 0) {
		days_finish(&r);
		struct engine_checkpoint *c = xreallocarray(NULL, r.nday ? r.nday : 1, sizeof(*c));
		size_t n = 0;
		for (size_t i = 0; i < r.nday; i++)
			if (r.v[r.day[i].acct].has_allocation)
				day_checkpoint(&r, &r.day[i], &c[n++]);
		rc = s->ops->checkpoint->add(s, c, n, err);
		free(c);
	}
	replay_release(&r);
	return rc ? -1 : 0;
}

/* A booking recorded: its payment's execution, found among the events
 * referring to the payment. */
struct exec_find {
	int64_t seq;
	char id[256];
};

static int find_exec(void *ctx, const struct engine_event *e)
{
	struct exec_find *f = ctx;
	if (e->kind == EV_EXECUTE && !f->seq) {
		f->seq = e->seq;
		snprintf(f->id, sizeof(f->id), "%s", e->id);
	}
	return 0;
}

struct shift_ctx {
	const char *before; /* the booking day */
	int64_t amount;
	struct engine_checkpoint *v;
	size_t n;
};

static int take_shift(void *ctx, const struct engine_checkpoint *c)
{
	struct shift_ctx *sc = ctx;
	if (strcmp(c->bal.last_date, sc->before) >= 0)
		return 0;
	sc->v = xreallocarray(sc->v, sc->n + 1, sizeof(*sc->v));
	sc->v[sc->n] = *c;
	paid_on_booking(&sc->v[sc->n++].bal, sc->amount);
	return 0;
}

static int booking_record(struct store *s, const struct ledger_checkpoint_booking *b, struct bd_error *err)
{
	struct exec_find f = {0};
	if (s->ops->event_refs(s, b->payment, find_exec, &f, err))
		return -1;
	if (!f.seq)
		return 0; /* ledger_apply books only an executed payment */
	struct engine_event x;
	int rc = s->ops->event_find(s, f.id, &x, err);
	if (rc)
		return rc < 0 ? -1 : bd_fail(err, "internal: the execution %s is not found", f.id);
	if (!counts_as_export(&x))
		return 0;
	struct shift_ctx sc = {.before = b->date, .amount = x.amount};
	rc = s->ops->checkpoint->account(s, x.part_id, x.org_id, x.date, take_shift, &sc, err);
	if (rc == 0 && sc.n)
		rc = s->ops->checkpoint->update(s, sc.v, sc.n, err);
	free(sc.v);
	return rc ? -1 : 0;
}

int ledger_checkpoints_record(struct store *s, const struct engine_checkpoint *closed, size_t n,
			      const struct ledger_checkpoint_booking *book, size_t nbook, struct bd_error *err)
{
	if (!n && !nbook)
		return 0;
	bool complete = false;
	if (s->ops->checkpoint->complete(s, &complete, err))
		return -1;
	/* A register with events from before the checkpoints: all of them,
	 * this batch's included, from the journal. */
	if (!complete)
		return checkpoints_rebuild(s, err);
	if (n && s->ops->checkpoint->add(s, closed, n, err))
		return -1;
	for (size_t i = 0; i < nbook; i++)
		if (booking_record(s, &book[i], err))
			return -1;
	return 0;
}

/* Status: accounts with their balances. */

struct accounts_ctx {
	const char *as_of;
	bool checkpoints; /* as_of from the checkpoints, not the replay */
	struct replay *replay;
	ledger_account_fn fn;
	void *ctx;
};

static int account_out(void *ctx, const struct engine_account *ea)
{
	struct accounts_ctx *c = ctx;
	/* Without a date the kept balance; with one, the events dated up to
	 * it, summed per account and movement. */
	struct ledger_balance bal;
	ledger_open(&bal, ea->allocation * 100);
	/* From the checkpoints: the kept balance when its latest day is up to
	 * as_of, else the account's checkpoint of its last day up to as_of;
	 * without either, no event is dated up to as_of. */
	bool kept = !c->as_of || (c->checkpoints && ea->has_balance && strcmp(ea->balance->last_date, c->as_of) <= 0);
	if (c->as_of && !kept) {
		const struct replay_acct *ra = replay_find(c->replay, ea->part_id, ea->org_id, false);
		if (!c->checkpoints)
			replay_apply(&bal, ra);
		else if (ra && ra->has_at)
			bal = ra->at;
	} else if (ea->has_balance) {
		bal.allocated = ea->balance->allocated; /* a corrected key may have changed it */
		memcpy(bal.b, ea->balance->b, sizeof(bal.b));
		bal.reports = ea->balance->reports;
		memcpy(bal.last_date, ea->balance->last_date, DATE_LEN);
	}
	struct ledger_account a = {
		.dnr = ea->dnr,
		.part = ea->part,
		.part_title = ea->part_title,
		.recipient = ea->recipient,
		.recipient_name = ea->recipient_name,
		.part_id = ea->part_id,
		.part_amount = ea->part_amount,
		.terms = ea->terms,
		.balance = &bal,
		.repayment_deadline = ea->repayment_deadline,
		.report_deadline = ea->report_deadline,
		.budget_year = ea->budget_year,
		.last_seq = ea->last_seq,
		.nfunding = ea->nfunding,
		.funding = ea->funding,
	};
	return c->fn(c->ctx, &a);
}

static int take_checkpoint(void *ctx, const struct engine_checkpoint *cp)
{
	struct replay_acct *a = replay_find(ctx, cp->part_id, cp->org_id, true);
	a->has_at = true;
	a->at = cp->bal;
	return 0;
}

/* The checkpoints that status as of a day reads: for each account whose
 * kept balance is of a later day, its latest row dated up to the day (none
 * if it had no event by then).  The engine gives the rows from the latest
 * back; each account's first is its own, and the scan stops when every
 * account has one. */
struct wanted {
	int64_t part_id, org_id;
	bool seen;
};

struct wanting {
	struct wanted *w;
	size_t n, left;
	struct replay *replay;
};

static int wanted_cmp(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;
	if (x->part_id != y->part_id)
		return x->part_id < y->part_id ? -1 : 1;
	return (x->org_id > y->org_id) - (x->org_id < y->org_id);
}

static int want(void *ctx, int64_t part_id, int64_t org_id)
{
	struct wanting *W = ctx;
	if ((W->n & (W->n - 1)) == 0)
		W->w = xreallocarray(W->w, W->n ? W->n * 2 : 1, sizeof(*W->w));
	W->w[W->n++] = (struct wanted){part_id, org_id, false};
	return 0;
}

static int take_wanted(void *ctx, const struct engine_checkpoint *cp)
{
	struct wanting *W = ctx;
	struct wanted key = {cp->part_id, cp->org_id, false};
	struct wanted *hit = bsearch(&key, W->w, W->n, sizeof(*W->w), wanted_cmp);
	if (!hit || hit->seen)
		return 0;
	hit->seen = true;
	take_checkpoint(W->replay, cp);
	return --W->left ? 0 : 1;
}

static int checkpoints_as_of(struct store *s, const char *as_of, struct replay *replay, struct bd_error *err)
{
	struct wanting W = {.replay = replay};
	int rc = s->ops->checkpoint->later(s, as_of, want, &W, err);
	if (!rc && W.n) {
		qsort(W.w, W.n, sizeof(*W.w), wanted_cmp);
		W.left = W.n;
		rc = s->ops->checkpoint->scan(s, as_of, take_wanted, &W, err);
	}
	free(W.w);
	return rc;
}

static int ledger_accounts(struct store *s, const char *dnr, const char *part, const char *recipient,
			   const char *as_of, ledger_account_fn fn, void *ctx, struct bd_error *err)
{
	struct replay replay = {0};
	bool checkpoints = false;
	if (as_of && s->ops->checkpoint->complete(s, &checkpoints, err))
		return -1;
	int rc = 0;
	if (as_of && checkpoints)
		rc = checkpoints_as_of(s, as_of, &replay, err);
	else if (as_of)
		rc = replay_events(s, as_of, &replay, err);
	if (rc) {
		replay_release(&replay);
		return -1;
	}
	struct accounts_ctx c = {.as_of = as_of, .checkpoints = checkpoints, .replay = &replay, .fn = fn, .ctx = ctx};
	rc = s->ops->account_scan(s, dnr, part, recipient, ACCOUNTS_BY_DECISION, account_out, &c, err);
	replay_release(&replay);
	return rc;
}

/* snapshot: run a reading function in one read transaction (unless the
 * caller holds a write transaction, which is one already), so that what it
 * reads in several queries agrees. */
static int snapshot_begin(struct store *s, struct bd_error *err)
{
	return s->in_tx ? 0 : s->ops->read_begin(s, err);
}

static void snapshot_end(struct store *s)
{
	if (!s->in_tx)
		s->ops->read_end(s);
}

int store_ledger_accounts(struct store *s, const char *dnr, const char *part, const char *recipient,
			  const char *as_of, ledger_account_fn fn, void *ctx, struct bd_error *err)
{
	/* With a date the replay and the accounts are two reads. */
	if (!as_of)
		return ledger_accounts(s, dnr, part, recipient, as_of, fn, ctx, err);
	if (snapshot_begin(s, err))
		return -1;
	int rc = ledger_accounts(s, dnr, part, recipient, as_of, fn, ctx, err);
	snapshot_end(s);
	return rc;
}

struct payments_ctx {
	enum payment_state state;
	const char *batch;
	payment_fn fn;
	void *ctx;
};

static int payment_out(void *ctx, const struct engine_payment *p)
{
	struct payments_ctx *c = ctx;
	if (p->corrected || payment_state_of(p->attested, p->exec_batch != NULL) != c->state)
		return 0;
	if (c->state == PAYMENT_EXECUTED && c->batch && strcmp(p->exec_batch, c->batch) != 0)
		return 0;
	return c->fn(c->ctx, &p->row);
}

int store_payments(struct store *s, enum payment_state state, const char *batch, payment_fn fn, void *ctx,
		   struct bd_error *err)
{
	struct payments_ctx c = {.state = state, .batch = batch, .fn = fn, .ctx = ctx};
	return s->ops->payment_scan(s, payment_out, &c, err);
}

struct refs_ctx {
	enum event_kind kind;
	int total, corrected;
};

static int count_ref(void *ctx, const struct engine_event *e)
{
	struct refs_ctx *c = ctx;
	if (e->kind == c->kind) {
		c->total++;
		c->corrected += e->corrected;
	}
	return 0;
}

int store_ledger_refs(struct store *s, const char *ref_id, enum event_kind kind, int *total, int *corrected,
		      struct bd_error *err)
{
	struct refs_ctx c = {.kind = kind};
	struct engine_event e;
	int rc = s->ops->event_find(s, ref_id, &e, err);
	if (rc == 0)
		rc = s->ops->event_refs(s, e.seq, count_ref, &c, err);
	if (rc < 0)
		return -1;
	*total = c.total;
	*corrected = c.corrected;
	return 0;
}

int store_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->ledger_events(s, dnr, fn, ctx, err);
}

/* Verify. */

struct verify_ctx {
	struct replay *replay;
	problem_fn fn;
	void *ctx;
	int *problems;
	long *events, *accounts, matched;
};

static void problem(struct verify_ctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct verify_ctx *v, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*v->problems)++;
	v->fn(v->ctx, msg);
}

/* verify_account: the kept balance of an account against the replay. */
static int verify_account(void *ctx, const struct engine_account *a)
{
	struct verify_ctx *v = ctx;
	struct ledger_balance expect;
	ledger_open(&expect, a->allocation * 100);
	struct replay_acct *ra = replay_find(v->replay, a->part_id, a->org_id, false);
	replay_apply(&expect, ra);
	if (ra) {
		ra->allocation = a->allocation;
		ra->has_allocation = true;
	}
	long n = ra ? ra->events : 0;
	v->matched += n;
	*v->events += n;
	const char *dnr = a->dnr, *part = a->part, *who = a->recipient;
	struct bd_error e;
	if (ledger_balance_check(&expect, &e))
		problem(v, "%s part %s, %s: the events give an impossible account: %s", dnr, part, who, e.msg);
	if (!a->has_balance) {
		if (n)
			problem(v, "%s part %s, %s: %ld events but no balance", dnr, part, who, n);
		return 0;
	}
	(*v->accounts)++;
	const struct ledger_balance *b = a->balance;
	if (b->allocated != expect.allocated)
		problem(v, "%s part %s, %s: the balance's allocation differs from the locked one and the changes its "
			   "events made",
			dnr, part, who);
	for (int i = 0; i < B_COUNT; i++)
		if (b->b[i] != expect.b[i])
			problem(v, "%s part %s, %s: %s is %lld öre in the balance, %lld öre by the events", dnr, part, who,
				bucket_name((enum bucket)i), (long long)b->b[i], (long long)expect.b[i]);
	if (b->reports != expect.reports)
		problem(v, "%s part %s, %s: the report count differs from the events", dnr, part, who);
	if (!b->last_date[0] || strcmp(b->last_date, expect.last_date) != 0)
		problem(v, "%s part %s, %s: the latest event date is %s in the balance, %s by the events", dnr, part, who,
			b->last_date[0] ? b->last_date : "none", expect.last_date[0] ? expect.last_date : "none");
	return 0;
}

/* seen_find: the event of a seq (the journal is in seq order); NULL when
 * none. */
static const struct seen_event *seen_find(const struct replay *r, int64_t seq)
{
	size_t lo = 0, hi = r->nseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->seen[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nseen && r->seen[lo].seq == seq ? &r->seen[lo] : NULL;
}

/* verify_bank_states: the bank's answers replayed in journal order, per
 * payment: each refers to a payment executed before it; a payment is
 * accepted and booked at most once, rejected or returned at most once, and
 * nothing of the bank follows a rejection or a return (the payment is void);
 * an acceptance never follows a booking, a rejection never a booking (a
 * booked payment comes back as a return). */
static void verify_bank_states(struct verify_ctx *v)
{
	const struct replay *r = v->replay;
	size_t n = r->nseen;
	/* Per payment: bit 1 accepted, 2 booked, 4 rejected or returned. */
	unsigned char *st = xcalloc(n ? n : 1, 1);
	int *exec_seen = xcalloc(n ? n : 1, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		const struct seen_event *e = &r->seen[i];
		const struct seen_event *p = e->ref_seq ? seen_find(r, e->ref_seq) : NULL;
		if (!p)
			continue;
		size_t pi = (size_t)(p - r->seen);
		if (e->kind == EV_EXECUTE)
			exec_seen[pi]++;
		if (!ledger_kind_bank(e->kind))
			continue;
		const char *kind = event_kind_name(e->kind);
		if (p->kind != EV_PAYMENT) {
			problem(v, "event %s: %s refers to %s, not a payment", e->id, kind, p->id);
			continue;
		}
		if (!exec_seen[pi])
			problem(v, "event %s: %s of payment %s, which was not executed before it", e->id, kind, p->id);
		if (st[pi] & 4)
			problem(v, "event %s: %s of payment %s, which the bank had rejected or returned already", e->id, kind,
				p->id);
		switch (e->kind) {
		case EV_BANK_ACCEPT:
			if (st[pi] & 1)
				problem(v, "event %s: payment %s accepted by the bank twice", e->id, p->id);
			if (st[pi] & 2)
				problem(v, "event %s: payment %s accepted after it was booked", e->id, p->id);
			st[pi] |= 1;
			break;
		case EV_BANK_BOOK:
			if (st[pi] & 2)
				problem(v, "event %s: payment %s booked twice", e->id, p->id);
			st[pi] |= 2;
			break;
		case EV_BANK_REJECT:
			if (st[pi] & 2)
				problem(v, "event %s: payment %s rejected after it was booked", e->id, p->id);
			st[pi] |= 4;
			break;
		default:
			st[pi] |= 4;
			break;
		}
	}
	free(st);
	free(exec_seen);
}

/* verify_pairs: the rules that concern pairs of events: four eyes (no one
 * attests a payment they registered), a payment is executed once and only
 * after an attestation, and what must refer to an event does. */
static void verify_pairs(struct verify_ctx *v)
{
	const struct replay *r = v->replay;
	size_t n = r->nseen;
	/* Per payment: how many executions, and the first attestation. */
	int *executions = xcalloc(n ? n : 1, sizeof(int));
	int64_t *first_attest = xcalloc(n ? n : 1, sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		const struct seen_event *e = &r->seen[i];
		const struct seen_event *p = e->ref_seq ? seen_find(r, e->ref_seq) : NULL;
		if (!p)
			continue;
		size_t pi = (size_t)(p - r->seen);
		if (e->kind == EV_EXECUTE)
			executions[pi]++;
		if (e->kind == EV_ATTEST && (!first_attest[pi] || e->seq < first_attest[pi]))
			first_attest[pi] = e->seq;
	}
	for (size_t i = 0; i < n; i++) {
		const struct seen_event *e = &r->seen[i];
		const struct seen_event *p = e->ref_seq ? seen_find(r, e->ref_seq) : NULL;
		if (e->kind == EV_ATTEST && p && strcmp(e->actor, p->actor) == 0)
			problem(v, "event %s: %s", e->id, "attested by the person who registered the payment");
	}
	for (size_t i = 0; i < n; i++)
		if (r->seen[i].kind == EV_PAYMENT && executions[i] > 1)
			problem(v, "event %s: %s", r->seen[i].id, "a payment executed more than once");
	for (size_t i = 0; i < n; i++) {
		const struct seen_event *e = &r->seen[i];
		const struct seen_event *p = e->ref_seq ? seen_find(r, e->ref_seq) : NULL;
		if (e->kind == EV_EXECUTE && p) {
			int64_t a = first_attest[p - r->seen];
			if (!a || a > e->seq)
				problem(v, "event %s: %s", e->id, "executed without an attestation before it");
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct seen_event *e = &r->seen[i];
		if (ledger_kind_refers(e->kind) && !e->ref_seq)
			problem(v, "event %s: %s", e->id, "refers to no event");
		/* The store writes a reference it has just looked up; the table
		 * has no foreign key since 0016, so it is checked here. */
		if (e->ref_seq && (e->ref_seq >= e->seq || !seen_find(r, e->ref_seq)))
			problem(v, "event %s: refers to seq %lld, which is no event recorded before it", e->id,
				(long long)e->ref_seq);
	}
	verify_bank_states(v);
	free(executions);
	free(first_attest);
}

/* verify_checkpoints: the checkpoints kept against those the journal
 * gives (both by date, part and organisation: the order of the kept rows'
 * key, read without a sort). */
struct checkpoints_ctx {
	struct verify_ctx *v;
	struct replay *r;
	size_t next; /* the next day of r->day */
};

static bool day_counts(const struct replay *r, size_t i)
{
	return r->v[r->day[i].acct].has_allocation;
}

static void checkpoint_problem(struct verify_ctx *v, const struct engine_checkpoint *c, const char *what)
{
	problem(v, "the checkpoint of part id %" PRId64 ", organisation id %" PRId64 " on %s %s", c->part_id, c->org_id,
		c->bal.last_date, what);
}

static int check_checkpoint(void *ctx, const struct engine_checkpoint *kept)
{
	struct checkpoints_ctx *cc = ctx;
	struct replay *r = cc->r;
	struct engine_checkpoint want = {0};
	for (; cc->next < r->nday; cc->next++) {
		if (!day_counts(r, cc->next))
			continue;
		day_checkpoint(r, &r->day[cc->next], &want);
		if (date_cmp_key(want.part_id, want.org_id, want.bal.last_date, kept->part_id, kept->org_id,
				 kept->bal.last_date) >= 0)
			break;
		checkpoint_problem(cc->v, &want, "is missing (the account has a later event)");
	}
	if (cc->next == r->nday || date_cmp_key(want.part_id, want.org_id, want.bal.last_date, kept->part_id,
						kept->org_id, kept->bal.last_date) != 0) {
		checkpoint_problem(cc->v, kept, "is kept, but the account has no event that day or none after it");
		return 0;
	}
	cc->next++;
	if (want.bal.allocated != kept->bal.allocated || want.bal.reports != kept->bal.reports)
		checkpoint_problem(cc->v, kept, "differs from the events in its allocation or report count");
	for (int i = 0; i < B_COUNT; i++)
		if (want.bal.b[i] != kept->bal.b[i]) {
			char what[200];
			snprintf(what, sizeof(what), "holds %lld öre %s, the events %lld öre", (long long)kept->bal.b[i],
				 bucket_name((enum bucket)i), (long long)want.bal.b[i]);
			checkpoint_problem(cc->v, kept, what);
		}
	return 0;
}

static int verify_checkpoints(struct store *s, struct verify_ctx *v, struct bd_error *err)
{
	bool complete = false;
	if (s->ops->checkpoint->complete(s, &complete, err))
		return -1;
	if (!complete)
		return 0; /* built by the next batch recorded; status replays until then */
	days_finish(v->replay);
	if (v->replay->nday)
		qsort(v->replay->day, v->replay->nday, sizeof(*v->replay->day), day_date_cmp);
	struct checkpoints_ctx cc = {.v = v, .r = v->replay};
	if (s->ops->checkpoint->scan(s, NULL, check_checkpoint, &cc, err))
		return -1;
	for (; cc.next < cc.r->nday; cc.next++)
		if (day_counts(cc.r, cc.next)) {
			struct engine_checkpoint want;
			day_checkpoint(cc.r, &cc.r->day[cc.next], &want);
			checkpoint_problem(v, &want, "is missing (the account has a later event)");
		}
	return 0;
}

static int ledger_verify(struct store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			 struct bd_error *err)
{
	*problems = 0;
	*events = *accounts = 0;
	/* Replay: every account's movements, summed, from its allocation. */
	struct replay replay = {.keep = true, .days = true};
	if (replay_events(s, NULL, &replay, err)) {
		replay_release(&replay);
		return -1;
	}
	struct verify_ctx v = {.replay = &replay, .fn = fn, .ctx = ctx, .problems = problems, .events = events,
			       .accounts = accounts};
	if (s->ops->account_scan(s, NULL, NULL, NULL, ACCOUNTS_BY_ID, verify_account, &v, err)) {
		replay_release(&replay);
		return -1;
	}
	/* Events on no allocation cannot happen (the store records events on
	 * the accounts it found); say so if they do: then their part or
	 * organisation may be gone too (no foreign key checks it since 0016). */
	long all = 0;
	for (size_t i = 0; i < replay.n; i++)
		all += replay.v[i].events;
	if (all != v.matched)
		problem(&v, "%ld events belong to no allocation row", all - v.matched);
	verify_pairs(&v);
	if (verify_checkpoints(s, &v, err)) {
		replay_release(&replay);
		return -1;
	}
	replay_release(&replay);
	/* The bank's entries and the repayment claims, against the events. */
	return bank_verify(s, fn, ctx, problems, err);
}

/* Verify reads the replay and the balances in one snapshot: a batch
 * another process commits meanwhile is seen by both reads or by neither. */
int store_ledger_verify(struct store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			struct bd_error *err)
{
	if (snapshot_begin(s, err))
		return -1;
	int rc = ledger_verify(s, fn, ctx, events, accounts, problems, err);
	snapshot_end(s);
	return rc;
}
