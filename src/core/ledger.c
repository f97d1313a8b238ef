#include "ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "money.h"
#include "refdata.h"

static const char *const kind_names[EV_COUNT] = {
	[EV_REQUISITION] = "requisition", [EV_LAPSE] = "lapse",           [EV_PAYMENT] = "payment",
	[EV_ATTEST] = "attest",           [EV_EXECUTE] = "execute",       [EV_REPAY_CLAIM] = "repay-claim",
	[EV_REPAY_RECEIVE] = "repay-receive", [EV_REPORT] = "report",     [EV_CORRECTION] = "correction",
	[EV_BANK_ACCEPT] = "bank-accept", [EV_BANK_BOOK] = "bank-book",   [EV_BANK_REJECT] = "bank-reject",
	[EV_BANK_RETURN] = "bank-return",  [EV_ALLOC_RAISE] = "allocation-raise", [EV_ALLOC_REDUCE] = "allocation-reduce",
};

static const char *const bucket_names[B_COUNT] = {
	[B_AVAIL] = "avail",   [B_REQUISITIONED] = "requisitioned", [B_REGISTERED] = "registered",
	[B_ATTESTED] = "attested", [B_PAID] = "paid",               [B_LAPSED] = "lapsed",
	[B_CLAIMED] = "claimed", [B_REPAID] = "repaid",
};

const char *event_kind_name(enum event_kind k)
{
	return k < EV_COUNT ? kind_names[k] : "?";
}

int event_kind_parse(const char *s)
{
	for (int k = 0; k < EV_COUNT; k++)
		if (strcmp(kind_names[k], s) == 0)
			return k;
	return -1;
}

bool ledger_kind_bank(enum event_kind k)
{
	return k == EV_BANK_ACCEPT || k == EV_BANK_BOOK || k == EV_BANK_REJECT || k == EV_BANK_RETURN;
}

bool ledger_kind_refers(enum event_kind k)
{
	return k == EV_ATTEST || k == EV_EXECUTE || k == EV_CORRECTION || ledger_kind_bank(k);
}

const char *bucket_name(enum bucket b)
{
	return b >= 0 && b < B_COUNT ? bucket_names[b] : "";
}

int bucket_parse(const char *s)
{
	for (int b = 0; b < B_COUNT; b++)
		if (strcmp(bucket_names[b], s) == 0)
			return b;
	return B_NONE;
}

void ledger_open(struct ledger_balance *b, int64_t allocated)
{
	memset(b, 0, sizeof(*b));
	b->allocated = allocated;
	b->b[B_AVAIL] = allocated;
}

/* Four eyes: "Anna" and "anna " are one person. */
static bool same_person(const char *a, const char *b)
{
	char *x = name_normalise(a), *y = name_normalise(b);
	bool same = strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

/* kr: öre as "1 234,50 kr" or "1 234 kr". */
static char *kr(int64_t ore, char *buf)
{
	char t[NUM_BUFSZ];
	if (ore % 100 == 0)
		snprintf(buf, NUM_BUFSZ, "%s kr", fmt_kr(ore / 100, t));
	else
		snprintf(buf, NUM_BUFSZ, "%s kr", fmt_ore(ore, t));
	return buf;
}

/* move: amount from one bucket to another; from B_NONE it enters the
 * account (the allocation grows), to B_NONE it leaves it. */
static void move(struct ledger_balance *b, struct ledger_event *e, enum bucket from, enum bucket to, int64_t amount)
{
	e->from = from;
	e->to = to;
	e->moved = amount; /* positive: every rule moves something, or does not call move */
	if (from == B_NONE)
		b->allocated += amount;
	else
		b->b[from] -= amount;
	if (to == B_NONE)
		b->allocated -= amount;
	else
		b->b[to] += amount;
}

/* The payment window of a part: a payment dated outside it needs a
 * recorded override. */
static int check_window(const struct ledger_terms *t, const struct ledger_event *e, struct bd_error *err)
{
	char a[32], c[32];
	const char *why = NULL;
	char msg[256];
	/* Before the decision there is nothing to pay: no override for that. */
	if (strcmp(e->date, t->decision_date) < 0)
		return bd_fail(err, "payment date %s is before the decision (%s)", date_swedish(e->date, c, sizeof(c)),
			       date_swedish(t->decision_date, a, sizeof(a)));
	if (t->from[0] && (strcmp(e->date, t->from) < 0 || strcmp(e->date, t->to) > 0)) {
		snprintf(msg, sizeof(msg), "is outside the payment window %s to %s", date_swedish(t->from, a, sizeof(a)),
			 date_swedish(t->to, c, sizeof(c)));
		why = msg;
	} else if (t->by[0] && strcmp(e->date, t->by) > 0) {
		snprintf(msg, sizeof(msg), "is after the last payment date %s", date_swedish(t->by, a, sizeof(a)));
		why = msg;
	}
	if (!why || (e->override && *e->override))
		return 0;
	return bd_fail(err, "payment date %s %s (a payment outside it needs an override with a reason, which is "
			    "recorded)",
		       date_swedish(e->date, c, sizeof(c)), why);
}

static int apply(struct ledger_balance *b, const struct ledger_terms *t, struct ledger_event *e,
		 const struct ledger_ref *ref, struct bd_error *err);

/* apply_bank: the bank's answer about an executed payment.  An acceptance
 * or a booking moves nothing (the money left the account when the payment
 * was executed); a rejection or a return gives the payment's amount back to
 * where it was paid from (requisitioned, or avail for a part paid without
 * requisition), so that it can be planned, attested and paid again. */
static int apply_bank(struct ledger_balance *b, const struct ledger_terms *t, struct ledger_event *e,
		      const struct ledger_ref *ref, struct bd_error *err)
{
	char x[NUM_BUFSZ], y[NUM_BUFSZ];
	if (e->amount != 0)
		return bd_fail(err, "%s takes no amount: it concerns the whole payment", event_kind_name(e->kind));
	if (ref->kind != EV_PAYMENT)
		return bd_fail(err, "the bank answers about a payment (the event is %s %s)", article(event_kind_name(ref->kind)),
			       event_kind_name(ref->kind));
	if (ref->corrected)
		return bd_fail(err, "the payment was corrected (withdrawn): it was never sent to the bank");
	if (!ref->executed)
		return bd_fail(err, "the payment has not been exported in a payment file: the bank has nothing of it");
	if (ref->rejected)
		return bd_fail(err, "the bank has rejected or returned the payment already: it is void, and its money "
				    "payable again");
	/* e is one of the four bank events (apply's switch): a return is
	 * what is left. */
	if (e->kind == EV_BANK_ACCEPT) {
		if (ref->accepted)
			return bd_fail(err, "the bank has accepted the payment already");
		if (ref->booked)
			return bd_fail(err, "the payment is booked on the account already: an acceptance says nothing new");
		return 0;
	}
	if (e->kind == EV_BANK_BOOK) {
		if (ref->booked)
			return bd_fail(err, "the payment is booked on the account already");
		return 0;
	}
	if (e->kind == EV_BANK_REJECT && ref->booked)
		return bd_fail(err, "the payment is booked on the account: a booked payment comes back as a return, "
				    "not a rejection");
	enum bucket to = t->mode == PAY_REQUISITION ? B_REQUISITIONED : B_AVAIL;
	if (b->b[B_PAID] < ref->amount)
		return bd_fail(err,
			       "only %s of the payment's %s is still paid out on the account (a repayment was claimed of "
			       "it): correct that claim first",
			       kr(b->b[B_PAID], x), kr(ref->amount, y));
	move(b, e, B_PAID, to, ref->amount);
	return 0;
}

int ledger_apply(struct ledger_balance *b, const struct ledger_terms *t, struct ledger_event *e,
		 const struct ledger_ref *ref, struct bd_error *err)
{
	char x[NUM_BUFSZ], d1[32], d2[32];
	e->from = e->to = B_NONE;
	e->moved = 0;
	if (!date_valid(e->date))
		return bd_fail(err, "date '%s' is not a date (expected YYYY-MM-DD)", e->date);
	if (!e->actor || !*e->actor)
		return bd_fail(err, "no actor: every event names who recorded it");
	/* Names are compared for four eyes: they must be kept whole. */
	if (strlen(e->actor) > LEDGER_ACTOR_MAX)
		return bd_fail(err, "the name of who records the event is longer than %d bytes", LEDGER_ACTOR_MAX);
	if (e->amount < 0)
		return bd_fail(err, "amount %s is negative", kr(e->amount, x));
	bool needs_amount = e->kind == EV_REQUISITION || e->kind == EV_PAYMENT || e->kind == EV_REPAY_CLAIM ||
			    e->kind == EV_REPAY_RECEIVE || e->kind == EV_ALLOC_RAISE || e->kind == EV_ALLOC_REDUCE;
	if (needs_amount && e->amount == 0)
		return bd_fail(err, "amount is zero (a %s moves money)", event_kind_name(e->kind));
	bool needs_ref = ledger_kind_refers(e->kind);
	if (needs_ref && !ref)
		return bd_fail(err, "%s %s refers to an earlier event", article(event_kind_name(e->kind)),
			       event_kind_name(e->kind));
	/* An account's events are in date order, so that its state on any
	 * date is the sum of the events up to it. */
	if (b->last_date[0] && strcmp(e->date, b->last_date) < 0)
		return bd_fail(err, "dated %s, before the account's latest event (%s): events are recorded in date "
				    "order",
			       date_swedish(e->date, d1, sizeof(d1)), date_swedish(b->last_date, d2, sizeof(d2)));
	int rc = apply(b, t, e, ref, err);
	if (rc == 0)
		memcpy(b->last_date, e->date, DATE_LEN);
	return rc;
}

static int apply(struct ledger_balance *b, const struct ledger_terms *t, struct ledger_event *e,
		 const struct ledger_ref *ref, struct bd_error *err)
{
	char x[NUM_BUFSZ], y[NUM_BUFSZ], z[NUM_BUFSZ], d1[NUM_BUFSZ], d2[NUM_BUFSZ];
	switch (e->kind) {
	case EV_REQUISITION:
		if (t->mode != PAY_REQUISITION)
			return bd_fail(err, "this part is paid without requisition; there is nothing to requisition");
		if (strcmp(e->date, t->decision_date) < 0)
			return bd_fail(err, "received %s, before the decision (%s)", date_swedish(e->date, d1, sizeof(d1)),
				       date_swedish(t->decision_date, d2, sizeof(d2)));
		/* A deadline whose passing does not lapse the right (the decision
		 * does not say so) is not a reason to refuse. */
		if (t->lapses && strcmp(e->date, t->deadline) > 0)
			return bd_fail(err,
				       "received %s, after the deadline %s: the right to the grant has lapsed (record "
				       "it with 'bidrag requisition refuse')",
				       date_swedish(e->date, d1, sizeof(d1)), date_swedish(t->deadline, d2, sizeof(d2)));
		if (e->amount > b->b[B_AVAIL]) {
			if (b->b[B_LAPSED] > 0)
				return bd_fail(err, "the right to the grant has lapsed (%s lapsed)", kr(b->b[B_LAPSED], x));
			return bd_fail(err, "%s requisitioned, but only %s of the allocated %s is left to requisition",
				       kr(e->amount, x), kr(b->b[B_AVAIL], y), kr(b->allocated, z));
		}
		move(b, e, B_AVAIL, B_REQUISITIONED, e->amount);
		return 0;
	case EV_LAPSE:
		if (t->mode != PAY_REQUISITION || !t->lapses)
			return bd_fail(err, "this part has no requisition deadline after which the right lapses");
		if (strcmp(e->date, t->deadline) <= 0)
			return bd_fail(err,
				       "%s %s is not after the deadline %s: a requisition received by then is valid "
				       "(record it with 'bidrag requisition add')",
				       e->received_given ? "received" : "dated", date_swedish(e->date, d1, sizeof(d1)),
				       date_swedish(t->deadline, d2, sizeof(d2)));
		if (b->b[B_AVAIL] == 0)
			return bd_fail(err, "nothing is left to lapse: the whole allocation of %s is requisitioned, paid "
					    "or lapsed already",
				       kr(b->allocated, x));
		move(b, e, B_AVAIL, B_LAPSED, b->b[B_AVAIL]);
		return 0;
	case EV_PAYMENT: {
		enum bucket src = t->mode == PAY_REQUISITION ? B_REQUISITIONED : B_AVAIL;
		if (check_window(t, e, err))
			return -1;
		if (e->amount > b->b[src]) {
			if (t->mode == PAY_REQUISITION && b->b[B_REQUISITIONED] == 0 && b->b[B_LAPSED] > 0)
				return bd_fail(err, "the right to the grant has lapsed (%s lapsed) and nothing requisitioned "
						    "is left to pay",
					       kr(b->b[B_LAPSED], x));
			int64_t ever = b->allocated - b->b[B_AVAIL] - b->b[B_LAPSED];
			if (t->mode == PAY_REQUISITION && ever == 0 && b->b[B_AVAIL] > 0)
				return bd_fail(err, "no requisition has been received: this part is paid only after a "
						    "requisition (%s allocated)",
					       kr(b->allocated, x));
			if (t->mode == PAY_REQUISITION && b->b[B_AVAIL] > 0)
				return bd_fail(err,
					       "%s is more than the %s requisitioned and unpaid: only requisitioned money is "
					       "paid (%s of the allocation is not requisitioned)",
					       kr(e->amount, x), kr(b->b[B_REQUISITIONED], y), kr(b->b[B_AVAIL], z));
			return bd_fail(err,
				       "%s is more than can be paid: %s %s is left (allocated %s; registered, attested "
				       "or paid already %s)",
				       kr(e->amount, x), kr(b->b[src], y),
				       t->mode == PAY_REQUISITION ? "requisitioned and unpaid" : "unpaid",
				       kr(b->allocated, z),
				       kr(b->b[B_REGISTERED] + b->b[B_ATTESTED] + b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID],
					  d1));
		}
		move(b, e, src, B_REGISTERED, e->amount);
		return 0;
	}
	case EV_ATTEST:
		if (ref->kind != EV_PAYMENT)
			return bd_fail(err, "only a payment can be attested (the event is %s %s)", article(event_kind_name(ref->kind)),
				       event_kind_name(ref->kind));
		if (ref->corrected)
			return bd_fail(err, "the payment was corrected (withdrawn); there is nothing to attest");
		if (ref->attested)
			return bd_fail(err, "the payment is attested already");
		if (same_person(ref->actor, e->actor))
			return bd_fail(err, "four eyes: %s registered this payment and cannot also attest it; another "
					    "person must",
				       ref->actor);
		if (b->b[B_REGISTERED] < ref->amount)
			return bd_fail(err, "internal: the account holds %s registered, less than the payment's %s",
				       kr(b->b[B_REGISTERED], x), kr(ref->amount, y));
		move(b, e, B_REGISTERED, B_ATTESTED, ref->amount);
		return 0;
	case EV_EXECUTE:
		if (ref->kind != EV_PAYMENT)
			return bd_fail(err, "only a payment can be executed (the event is %s %s)", article(event_kind_name(ref->kind)),
				       event_kind_name(ref->kind));
		if (ref->corrected)
			return bd_fail(err, "the payment was corrected (withdrawn)");
		if (!ref->attested)
			return bd_fail(err, "the payment is not attested: a second person must attest it first");
		if (ref->executed)
			return bd_fail(err, "the payment is executed already");
		/* The money leaves now: the window applies to this day too, unless
		 * the payment or its execution carries a recorded override. */
		if (!ref->overridden && check_window(t, e, err))
			return -1;
		if (b->b[B_ATTESTED] < ref->amount)
			return bd_fail(err, "internal: the account holds %s attested, less than the payment's %s",
				       kr(b->b[B_ATTESTED], x), kr(ref->amount, y));
		move(b, e, B_ATTESTED, B_PAID, ref->amount);
		return 0;
	case EV_REPAY_CLAIM:
		if (e->amount > b->b[B_PAID])
			return bd_fail(err, "a repayment of %s claimed, but only %s paid out is not already claimed",
				       kr(e->amount, x), kr(b->b[B_PAID], y));
		move(b, e, B_PAID, B_CLAIMED, e->amount);
		return 0;
	case EV_REPORT: {
		int64_t out = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
		if (e->amount > out)
			return bd_fail(err, "the report declares %s unused, more than the %s paid out", kr(e->amount, x),
				       kr(out, y));
		int64_t delta = e->amount - b->b[B_CLAIMED] - b->b[B_REPAID];
		if (delta > 0)
			move(b, e, B_PAID, B_CLAIMED, delta);
		b->reports++;
		return 0;
	}
	case EV_REPAY_RECEIVE:
		if (e->amount > b->b[B_CLAIMED])
			return bd_fail(err,
				       "%s received, but only %s is claimed: register the financial report or a "
				       "repayment claim first",
				       kr(e->amount, x), kr(b->b[B_CLAIMED], y));
		move(b, e, B_CLAIMED, B_REPAID, e->amount);
		return 0;
	case EV_BANK_ACCEPT:
	case EV_BANK_BOOK:
	case EV_BANK_REJECT:
	case EV_BANK_RETURN:
		return apply_bank(b, t, e, ref, err);
	case EV_ALLOC_RAISE:
		if (strcmp(e->date, t->decision_date) < 0)
			return bd_fail(err, "dated %s, before the decision (%s)", date_swedish(e->date, d1, sizeof(d1)),
				       date_swedish(t->decision_date, d2, sizeof(d2)));
		if (e->amount > INT64_MAX / 4 - b->allocated)
			return bd_fail(err, "an allocation raised by %s is out of range", kr(e->amount, x));
		move(b, e, B_NONE, B_AVAIL, e->amount);
		return 0;
	case EV_ALLOC_REDUCE: {
		if (strcmp(e->date, t->decision_date) < 0)
			return bd_fail(err, "dated %s, before the decision (%s)", date_swedish(e->date, d1, sizeof(d1)),
				       date_swedish(t->decision_date, d2, sizeof(d2)));
		enum bucket src = b->b[B_AVAIL] > 0 ? B_AVAIL : B_REQUISITIONED;
		if (e->amount > b->b[src])
			return bd_fail(err,
				       "the allocation cannot be reduced by %s: only %s of it is unpaid and in no payment "
				       "(%s available, %s requisitioned); claim a repayment for the rest",
				       kr(e->amount, x), kr(b->b[src], y), kr(b->b[B_AVAIL], z), kr(b->b[B_REQUISITIONED], d1));
		move(b, e, src, B_NONE, e->amount);
		return 0;
	}
	case EV_CORRECTION: {
		if (ref->ref_corrected)
			return bd_fail(err, "the event is corrected already");
		if (ledger_kind_bank(ref->kind))
			return bd_fail(err, "%s is the bank's answer, recorded from its file: it cannot be corrected",
				       event_kind_name(ref->kind));
		if (ref->kind == EV_PAYMENT && ref->rejected)
			return bd_fail(err, "the bank rejected or returned the payment: it is void already, and its money "
					    "payable again");
		if (ref->kind == EV_CORRECTION)
			return bd_fail(err, "a correction cannot be corrected: record the event again");
		if (ref->kind == EV_EXECUTE || (ref->kind == EV_PAYMENT && ref->executed) ||
		    (ref->kind == EV_ATTEST && ref->executed))
			return bd_fail(err, "the payment has been executed and the money has left: claim a repayment "
					    "instead");
		/* An attestation of a withdrawn payment fell with it. */
		if (ref->kind == EV_ATTEST && ref->corrected)
			return bd_fail(err, "the payment this attests was corrected (withdrawn) already");
		enum bucket from = ref->to, to = ref->from;
		int64_t amount = ref->amount;
		if (ref->kind == EV_PAYMENT && ref->attested)
			from = B_ATTESTED; /* the attestation falls with the payment */
		if (amount > 0 && from != B_NONE && b->b[from] < amount)
			return bd_fail(err,
				       "only %s of the %s it moved is still %s (later events have used it): correct "
				       "those first",
				       kr(b->b[from], x), kr(amount, y), bucket_name(from));
		if (ref->kind == EV_REPORT)
			b->reports--;
		if (amount > 0) {
			move(b, e, from, to, amount);
		} else {
			e->from = from;
			e->to = to;
		}
		return 0;
	}
	case EV_COUNT:
		break;
	}
	return bd_fail(err, "unknown event kind");
}

bool ledger_report_late(const char *date, const char *deadline)
{
	return date && date[0] && deadline && deadline[0] && strcmp(date, deadline) > 0;
}

int64_t ledger_committed(const struct ledger_balance *b)
{
	return b->b[B_REGISTERED] + b->b[B_ATTESTED] + b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
}

int ledger_check_decided(int64_t decided_kr, int64_t committed, int64_t amount, const char *override,
			 const char *part, struct bd_error *err)
{
	int64_t cap = decided_kr * 100;
	if (committed <= cap || (override && *override))
		return 0;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ], d[NUM_BUFSZ];
	return bd_fail(err,
		       "%s would bring the payments of part '%s' to %s, %s beyond its decided amount of %s (its "
		       "allocation table adds up to more than the decision); a payment beyond the decision needs an "
		       "override with a reason, which is recorded, and a second person's attestation",
		       kr(amount, a), part, kr(committed, b), kr(committed - cap, c), kr(cap, d));
}

int ledger_balance_check(const struct ledger_balance *b, struct bd_error *err)
{
	int64_t sum = 0;
	for (int i = 0; i < B_COUNT; i++) {
		if (b->b[i] < 0)
			return bd_fail(err, "bucket %s is negative (%lld öre)", bucket_names[i], (long long)b->b[i]);
		sum += b->b[i];
	}
	if (sum != b->allocated)
		return bd_fail(err, "the buckets add up to %lld öre, not the allocation %lld öre", (long long)sum,
			       (long long)b->allocated);
	if (b->reports < 0)
		return bd_fail(err, "negative report count");
	return 0;
}

void ledger_figures(const struct ledger_balance *b, const struct ledger_terms *t, const char *as_of,
		    struct ledger_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->allocated = b->allocated;
	f->lapsed = b->b[B_LAPSED];
	if (t->mode == PAY_REQUISITION && t->lapses && as_of && strcmp(as_of, t->deadline) > 0)
		f->lapse_due = b->b[B_AVAIL];
	if (t->mode == PAY_REQUISITION)
		f->requisitioned = b->allocated - b->b[B_AVAIL] - b->b[B_LAPSED];
	f->in_process = b->b[B_REGISTERED] + b->b[B_ATTESTED];
	f->paid = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
	f->claimed = b->b[B_CLAIMED];
	f->repaid = b->b[B_REPAID];
	f->outstanding = b->allocated - f->lapsed - f->lapse_due - f->paid;
}

/* put_int: v in decimal at p, as printf's %" PRId64 " writes it; the end. */
static char *put_int(char *p, int64_t v)
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	return p;
}

void ledger_input_digest_bin(const struct ledger_input *e, bool identity_only, unsigned char out[LEDGER_DIGEST_LEN])
{
	/* One buffer, one BLAKE2b-256: fast on the recording path, and as
	 * collision-resistant as SHA-256.  Absent fields are marked apart from
	 * empty ones.  The buffer is "kind\x1famount\x1freceived\x1f" and the
	 * fields, each ended by \x1f (\x1e when absent): the digests recorded
	 * before it was written without snprintf are the same. */
	const char *all[] = {e->dnr, e->part, e->recipient, e->ref, e->date, e->batch,
			     e->actor, e->signed_by, e->override, e->reason};
	size_t nf = identity_only ? 6 : BD_ARRAY_LEN(all), fl[BD_ARRAY_LEN(all)];
	char stack[1024];
	size_t need = 64;
	for (size_t i = 0; i < nf; i++) {
		fl[i] = all[i] ? strlen(all[i]) : 0;
		need += fl[i] + 1;
	}
	char *p = need > sizeof(stack) ? xmalloc(need) : stack, *w = p;
	w = put_int(w, (int)e->kind);
	*w++ = '\x1f';
	w = put_int(w, e->amount);
	*w++ = '\x1f';
	w = put_int(w, identity_only ? 0 : e->received_given);
	*w++ = '\x1f';
	for (size_t i = 0; i < nf; i++) {
		if (all[i]) {
			memcpy(w, all[i], fl[i]);
			w += fl[i];
		}
		*w++ = all[i] ? '\x1f' : '\x1e';
	}
	crypto_generichash(out, LEDGER_DIGEST_LEN, (const unsigned char *)p, (size_t)(w - p), NULL, 0);
	if (p != stack)
		free(p);
}

void ledger_input_digest(const struct ledger_input *e, bool identity_only, char out[65])
{
	unsigned char d[LEDGER_DIGEST_LEN];
	ledger_input_digest_bin(e, identity_only, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

const char *payment_state_name(enum payment_state st)
{
	static const char *const names[] = {"registered", "attested", "executed"};
	return (unsigned)st < BD_ARRAY_LEN(names) ? names[st] : "?";
}

int payment_state_parse(const char *name)
{
	for (int st = PAYMENT_REGISTERED; st <= PAYMENT_EXECUTED; st++)
		if (strcmp(name, payment_state_name((enum payment_state)st)) == 0)
			return st;
	return -1;
}

enum payment_state payment_state_of(bool attested, bool executed)
{
	/* An executed payment stays executed whatever happens to its
	 * attestation since: the money has left. */
	if (executed)
		return PAYMENT_EXECUTED;
	return attested ? PAYMENT_ATTESTED : PAYMENT_REGISTERED;
}

const char *bank_state_name(enum bank_state st)
{
	static const char *const names[BANK_STATE_COUNT] = {"sent", "accepted", "booked", "rejected", "returned"};
	return (unsigned)st < BANK_STATE_COUNT ? names[st] : "?";
}

const char *bank_state_sv(enum bank_state st)
{
	static const char *const names[BANK_STATE_COUNT] = {"skickad", "godkänd av banken", "bokförd", "avvisad",
							    "returnerad"};
	return (unsigned)st < BANK_STATE_COUNT ? names[st] : "?";
}

enum bank_state bank_state_of(bool accepted, bool booked, bool rejected, bool returned)
{
	if (returned)
		return BANK_RETURNED;
	if (rejected)
		return BANK_REJECTED;
	if (booked)
		return BANK_BOOKED;
	return accepted ? BANK_ACCEPTED : BANK_SENT;
}

void ledger_payee_org_code(char *buf, size_t len, const char *orgnr, int64_t n)
{
	int used = orgnr ? snprintf(buf, len, "ORG-%.6s%.4s", orgnr, strlen(orgnr) > 7 ? orgnr + 7 : "")
			 : snprintf(buf, len, "ORG-X");
	if (n && (size_t)used < len) /* (snprintf's -1, never here, would be past len) */
		snprintf(buf + used, len - (size_t)used, "-%" PRId64, n + 1);
}
