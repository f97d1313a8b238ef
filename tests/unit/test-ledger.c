/* test-ledger.c: the ledger's rules (src/core/ledger.c) without the register.
 *
 *  - names: event_kind_name/parse, bucket_name/parse;
 *  - ledger_open and ledger_balance_check;
 *  - every rule of ledger_apply, each with a case that is accepted (the
 *    exact buckets it moves) and one that is refused (the key phrase of the
 *    message, and the account byte for byte unchanged): requisition, lapse,
 *    payment (windows, overrides, the three "more than can be paid"
 *    messages), attest (four eyes), execute, repay-claim, report,
 *    repay-receive, correction of each kind of event, date order, amounts,
 *    actors, dates;
 *  - ledger_figures as of a date;
 *  - conservation: 100 000 random ledger_apply calls (fixed seed) on a few
 *    accounts with a simple model of the events referred to; after every
 *    call no bucket is below zero, the buckets add up to the allocation, and
 *    a refused call has changed nothing.
 *
 * Amounts are in öre; KR(n) is n kronor. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger.h"
#include "prng.h"
#include "tap.h"

#define KR(n) ((int64_t)(n) * 100)
#define ALLOC KR(10000)

/* ---- helpers: messages ------------------------------------------------ */

/* has_all_v: msg contains each of the NULL-terminated strings; says which
 * one is missing, so a failure shows the message it got. */
static bool has_all_v(const char *msg, va_list ap)
{
	bool all = true;
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		if (!strstr(msg, s)) {
			diag("missing '%s' in: %s", s, msg);
			all = false;
		}
	return all;
}

static bool has_all(const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	bool all = has_all_v(msg, ap);
	va_end(ap);
	return all;
}

/* ---- helpers: terms, accounts, events --------------------------------- */

static void set_date(char *d, const char *s)
{
	size_t n = strnlen(s, DATE_LEN - 1);
	memcpy(d, s, n);
	d[n] = '\0';
}

static struct ledger_terms mk_terms(enum payment_mode mode, const char *from, const char *to, const char *by,
				    const char *deadline, bool lapses)
{
	struct ledger_terms t;
	memset(&t, 0, sizeof(t));
	t.mode = mode;
	set_date(t.from, from);
	set_date(t.to, to);
	set_date(t.by, by);
	set_date(t.deadline, deadline);
	set_date(t.decision_date, "2021-01-15");
	t.lapses = lapses;
	return t;
}

/* The parts of the tests, all decided on 15 januari 2021. */
static struct ledger_terms T_REQ;         /* after requisition by 30 juni 2021, then lapses */
static struct ledger_terms T_REQ_NOLAPSE; /* the same, but the right does not lapse */
static struct ledger_terms T_WIN;         /* without requisition, window 1 februari - 31 mars 2021 */
static struct ledger_terms T_BY;          /* without requisition, by 30 september 2021 */

static void terms_init(void)
{
	T_REQ = mk_terms(PAY_REQUISITION, "", "", "", "2021-06-30", true);
	T_REQ_NOLAPSE = mk_terms(PAY_REQUISITION, "", "", "", "2021-06-30", false);
	T_WIN = mk_terms(PAY_WITHOUT_REQUISITION, "2021-02-01", "2021-03-31", "", "", false);
	T_BY = mk_terms(PAY_WITHOUT_REQUISITION, "", "", "2021-09-30", "", false);
}

struct acct {
	const struct ledger_terms *t;
	struct ledger_balance b;
};

static struct acct mk_acct(const struct ledger_terms *t, int64_t allocated)
{
	struct acct a;
	a.t = t;
	ledger_open(&a.b, allocated);
	return a;
}

static struct ledger_event ev(enum event_kind kind, const char *date, const char *actor, int64_t amount)
{
	struct ledger_event e;
	memset(&e, 0, sizeof(e));
	e.kind = kind;
	set_date(e.date, date);
	e.actor = actor;
	e.amount = amount;
	e.from = e.to = B_NONE;
	return e;
}

/* ref_of: what the register would say about an accepted event: how its
 * money moved and who recorded it; its state (attested...) is set by the
 * caller. */
static struct ledger_ref ref_of(const struct ledger_event *e)
{
	struct ledger_ref r;
	memset(&r, 0, sizeof(r));
	r.kind = e->kind;
	r.amount = e->moved;
	r.from = e->from;
	r.to = e->to;
	snprintf(r.actor, sizeof(r.actor), "%s", e->actor ? e->actor : "");
	return r;
}

static void diag_balance(const char *label, const struct ledger_balance *b)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s:", label);
	for (int i = 0; i < B_COUNT && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%lld", bucket_name((enum bucket)i),
			      (long long)b->b[i]);
	diag("%s (reports %d, last %s)", line, b->reports, b->last_date);
}

/* accept: e is accepted, moves exactly `amount` from `from` to `to` (and
 * nothing else), the account's latest date becomes e's, and the books still
 * balance.  Three checks. */
static bool accept(struct acct *a, struct ledger_event *e, const struct ledger_ref *ref, enum bucket from,
		   enum bucket to, int64_t amount, const char *what)
{
	struct ledger_balance before;
	memcpy(&before, &a->b, sizeof(before));
	struct bd_error err = {0};
	int rc = ledger_apply(&a->b, a->t, e, ref, &err);
	if (!ok(rc == 0, "%s: accepted", what)) {
		diag("refused: %s", err.msg);
		ok(0, "%s: moves %lld öre %s -> %s", what, (long long)amount, bucket_name(from), bucket_name(to));
		ok(0, "%s: books balance", what);
		return false;
	}
	bool same = e->from == from && e->to == to && e->moved == amount;
	if (!same)
		diag("event says %lld öre %s -> %s", (long long)e->moved, bucket_name(e->from), bucket_name(e->to));
	for (int i = 0; i < B_COUNT; i++) {
		int64_t want = before.b[i] - (i == (int)from ? amount : 0) + (i == (int)to ? amount : 0);
		if (a->b.b[i] != want) {
			diag("bucket %s: %lld, expected %lld", bucket_name((enum bucket)i), (long long)a->b.b[i],
			     (long long)want);
			same = false;
		}
	}
	ok(same, "%s: moves %lld öre %s -> %s", what, (long long)amount, bucket_name(from), bucket_name(to));
	bool reports_same = e->kind == EV_REPORT || e->kind == EV_CORRECTION || a->b.reports == before.reports;
	bool balanced = ledger_balance_check(&a->b, &err) == 0;
	if (!balanced)
		diag("%s", err.msg);
	if (!ok(balanced && reports_same && a->b.allocated == before.allocated &&
			strcmp(a->b.last_date, e->date) == 0,
		"%s: books balance, latest event %s", what, e->date))
		diag_balance("now", &a->b);
	return true;
}

/* refuse: e is refused with a message containing each of the
 * NULL-terminated phrases after `what`, and the account is byte for byte as
 * it was; the event says nothing moved.  Three checks. */
static bool refuse(struct acct *a, struct ledger_event *e, const struct ledger_ref *ref, const char *what, ...)
{
	struct ledger_balance before;
	memcpy(&before, &a->b, sizeof(before));
	struct bd_error err = {0};
	int rc = ledger_apply(&a->b, a->t, e, ref, &err);
	bool refused = ok(rc != 0, "%s: refused", what);
	if (!refused)
		diag("accepted: %lld öre %s -> %s", (long long)e->moved, bucket_name(e->from), bucket_name(e->to));
	va_list ap;
	va_start(ap, what);
	ok(refused && has_all_v(err.msg, ap), "%s: says why", what);
	va_end(ap);
	bool unchanged = memcmp(&before, &a->b, sizeof(before)) == 0;
	if (!unchanged) {
		diag_balance("before", &before);
		diag_balance("after", &a->b);
	}
	ok(unchanged && e->moved == 0 && e->from == B_NONE && e->to == B_NONE, "%s: nothing moves", what);
	if (!refused) /* keep the account as it was, so later cases stay meaningful */
		memcpy(&a->b, &before, sizeof(before));
	return refused;
}

/* ---- 1. names ---------------------------------------------------------- */

static void test_names(void)
{
	bool round = true;
	for (int k = 0; k < EV_COUNT; k++)
		if (event_kind_parse(event_kind_name((enum event_kind)k)) != k) {
			diag("kind %d: '%s'", k, event_kind_name((enum event_kind)k));
			round = false;
		}
	ok(round, "every event kind's name parses back to it");
	ok(strcmp(event_kind_name(EV_REQUISITION), "requisition") == 0 &&
		   strcmp(event_kind_name(EV_LAPSE), "lapse") == 0 && strcmp(event_kind_name(EV_PAYMENT), "payment") == 0 &&
		   strcmp(event_kind_name(EV_ATTEST), "attest") == 0 && strcmp(event_kind_name(EV_EXECUTE), "execute") == 0 &&
		   strcmp(event_kind_name(EV_REPAY_CLAIM), "repay-claim") == 0 &&
		   strcmp(event_kind_name(EV_REPAY_RECEIVE), "repay-receive") == 0 &&
		   strcmp(event_kind_name(EV_REPORT), "report") == 0 &&
		   strcmp(event_kind_name(EV_CORRECTION), "correction") == 0,
	   "event kind names as in the CLI and the events file");
	ok(strcmp(event_kind_name(EV_COUNT), "?") == 0, "event_kind_name(EV_COUNT) is '?'");
	ok(event_kind_parse("pay") == -1 && event_kind_parse("") == -1 && event_kind_parse("Payment") == -1 &&
		   event_kind_parse("repay_claim") == -1 && event_kind_parse("payment ") == -1,
	   "event_kind_parse: unknown, empty, wrong case, underscore, trailing space are -1");

	round = true;
	for (int b = 0; b < B_COUNT; b++)
		if (bucket_parse(bucket_name((enum bucket)b)) != b) {
			diag("bucket %d: '%s'", b, bucket_name((enum bucket)b));
			round = false;
		}
	ok(round, "every bucket's name parses back to it");
	ok(strcmp(bucket_name(B_AVAIL), "avail") == 0 && strcmp(bucket_name(B_REQUISITIONED), "requisitioned") == 0 &&
		   strcmp(bucket_name(B_REGISTERED), "registered") == 0 &&
		   strcmp(bucket_name(B_ATTESTED), "attested") == 0 && strcmp(bucket_name(B_PAID), "paid") == 0 &&
		   strcmp(bucket_name(B_LAPSED), "lapsed") == 0 && strcmp(bucket_name(B_CLAIMED), "claimed") == 0 &&
		   strcmp(bucket_name(B_REPAID), "repaid") == 0,
	   "bucket names");
	ok(strcmp(bucket_name(B_NONE), "") == 0 && strcmp(bucket_name(B_COUNT), "") == 0,
	   "bucket_name of B_NONE and B_COUNT is empty");
	ok(bucket_parse("") == B_NONE && bucket_parse("none") == B_NONE && bucket_parse("Avail") == B_NONE &&
		   bucket_parse("avail ") == B_NONE,
	   "bucket_parse: empty (a NULL column), unknown, wrong case, trailing space are B_NONE");
}

/* ---- 2. ledger_open, ledger_balance_check ------------------------------ */

static void test_open_and_check(void)
{
	struct ledger_balance b;
	struct bd_error err = {0};
	memset(&b, 0x5a, sizeof(b));
	ledger_open(&b, KR(10000));
	bool zero = true;
	for (int i = 1; i < B_COUNT; i++)
		zero = zero && b.b[i] == 0;
	ok(b.allocated == KR(10000) && b.b[B_AVAIL] == KR(10000) && zero && b.reports == 0 && b.last_date[0] == '\0',
	   "ledger_open: all in avail, other buckets 0, no reports, no latest date");
	ok(ledger_balance_check(&b, &err) == 0, "ledger_balance_check: a fresh account balances");
	ledger_open(&b, 0);
	ok(ledger_balance_check(&b, &err) == 0 && b.b[B_AVAIL] == 0, "ledger_balance_check: an empty allocation balances");

	ledger_open(&b, 1000000);
	struct ledger_balance c = b;
	c.b[B_AVAIL] += 1;
	c.b[B_PAID] = -1;
	ok(ledger_balance_check(&c, &err) != 0 && has_all(err.msg, "bucket paid is negative", "(-1 öre)", NULL),
	   "ledger_balance_check: a negative bucket, though the sum is right");
	c = b;
	c.b[B_AVAIL] -= 1;
	ok(ledger_balance_check(&c, &err) != 0 &&
		   has_all(err.msg, "add up to 999999 öre", "not the allocation 1000000 öre", NULL),
	   "ledger_balance_check: buckets that do not add up to the allocation");
	c = b;
	c.b[B_LAPSED] += 5;
	ok(ledger_balance_check(&c, &err) != 0 && has_all(err.msg, "add up to 1000005 öre", NULL),
	   "ledger_balance_check: buckets that add up to more than the allocation");
	c = b;
	c.b[B_AVAIL] -= 300;
	c.b[B_CLAIMED] += 300;
	ok(ledger_balance_check(&c, &err) == 0, "ledger_balance_check: money in any bucket is fine");
	c.reports = -1;
	ok(ledger_balance_check(&c, &err) != 0 && has_all(err.msg, "negative report count", NULL),
	   "ledger_balance_check: a negative report count");
}

/* ---- 3. amounts, actors, dates, date order ----------------------------- */

static void test_generic(void)
{
	struct acct a = mk_acct(&T_WIN, ALLOC);
	struct ledger_event e;
	static const enum event_kind moving[] = {EV_REQUISITION, EV_PAYMENT, EV_REPAY_CLAIM, EV_REPAY_RECEIVE};
	for (size_t i = 0; i < sizeof(moving) / sizeof(moving[0]); i++) {
		char what[64], phrase[64];
		snprintf(what, sizeof(what), "a %s of 0 kr", event_kind_name(moving[i]));
		snprintf(phrase, sizeof(phrase), "(a %s moves money)", event_kind_name(moving[i]));
		e = ev(moving[i], "2021-02-01", "anna", 0);
		refuse(&a, &e, NULL, what, "amount is zero", phrase, NULL);
	}
	e = ev(EV_PAYMENT, "2021-02-01", "anna", -150);
	refuse(&a, &e, NULL, "a payment of -1,50 kr", "amount -1,50 kr is negative", NULL);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", -KR(100));
	refuse(&a, &e, NULL, "a payment of -100 kr", "amount -100 kr is negative", NULL);
	e = ev(EV_REPORT, "2021-02-01", "anna", -1);
	refuse(&a, &e, NULL, "a report declaring -0,01 kr unused", "amount -0,01 kr is negative", NULL);

	e = ev(EV_PAYMENT, "2021-02-01", NULL, KR(100));
	refuse(&a, &e, NULL, "a payment without actor (NULL)", "no actor", "names who recorded it", NULL);
	e = ev(EV_PAYMENT, "2021-02-01", "", KR(100));
	refuse(&a, &e, NULL, "a payment without actor (empty)", "no actor", NULL);

	static const char *const bad_dates[] = {"2021-02-29", "2021-13-01", "2021-00-10", "2021-04-31", "",
						"2021-2-1",   "20210201",   "2021/02/01", "1899-12-31", "2021-02-0x"};
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
		char what[64], quoted[32];
		snprintf(what, sizeof(what), "a payment dated '%s'", bad_dates[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad_dates[i]);
		e = ev(EV_PAYMENT, bad_dates[i], "anna", KR(100));
		refuse(&a, &e, NULL, what, quoted, "is not a date (expected YYYY-MM-DD)", NULL);
	}

	/* References. */
	e = ev(EV_ATTEST, "2021-02-01", "bertil", 0);
	refuse(&a, &e, NULL, "an attest without a reference", "refers to an earlier event", NULL);
	e = ev(EV_EXECUTE, "2021-02-01", "bertil", 0);
	refuse(&a, &e, NULL, "an execute without a reference", "refers to an earlier event", NULL);
	e = ev(EV_CORRECTION, "2021-02-01", "bertil", 0);
	refuse(&a, &e, NULL, "a correction without a reference", "correction refers to an earlier event", NULL);

	/* Date order. */
	e = ev(EV_PAYMENT, "2021-03-01", "anna", KR(100));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment on 1 mars");
	e = ev(EV_PAYMENT, "2021-02-28", "anna", KR(100));
	refuse(&a, &e, NULL, "a payment dated the day before the latest event", "dated 28 februari 2021",
	       "before the account's latest event (1 mars 2021)", "date order", NULL);
	e = ev(EV_PAYMENT, "2021-03-01", "anna", KR(100));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment on the same day as the latest event");
	/* A refused event does not move the latest date. */
	e = ev(EV_PAYMENT, "2021-03-20", "anna", ALLOC);
	refuse(&a, &e, NULL, "a payment of too much on 20 mars", "is more than can be paid", NULL);
	e = ev(EV_PAYMENT, "2021-03-10", "anna", KR(100));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment on 10 mars, after a refusal dated 20 mars");
	/* The order is checked before the rule: a well-formed late-dated
	 * event of any kind is refused. */
	e = ev(EV_REPORT, "2021-03-09", "anna", 0);
	refuse(&a, &e, NULL, "a report dated before the latest event", "before the account's latest event", NULL);
}

/* ---- 4. requisition ---------------------------------------------------- */

static void test_requisition(void)
{
	struct ledger_event e;
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_REQUISITION, "2021-02-01", "anna", KR(1000));
	refuse(&w, &e, NULL, "a requisition on a part paid without requisition", "paid without requisition",
	       "nothing to requisition", NULL);

	struct acct a = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-01-14", "anna", KR(1000));
	refuse(&a, &e, NULL, "a requisition the day before the decision", "received 14 januari 2021",
	       "before the decision (15 januari 2021)", NULL);
	e = ev(EV_REQUISITION, "2021-01-15", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(1000), "a requisition on the decision's day");
	e = ev(EV_REQUISITION, "2021-07-01", "anna", KR(2000));
	refuse(&a, &e, NULL, "a requisition the day after the deadline", "received 1 juli 2021",
	       "after the deadline 30 juni 2021", "has lapsed", "'bidrag requisition refuse'", NULL);
	e = ev(EV_REQUISITION, "2021-06-30", "anna", KR(2000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(2000), "a requisition on the deadline day");
	e = ev(EV_REQUISITION, "2021-06-30", "anna", KR(7000) + 1);
	refuse(&a, &e, NULL, "a requisition of more than is left", "7 000,01 kr requisitioned",
	       "only 7 000 kr of the allocated 10 000 kr is left to requisition", NULL);
	e = ev(EV_REQUISITION, "2021-06-30", "anna", KR(7000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(7000), "a requisition of exactly what is left");
	e = ev(EV_REQUISITION, "2021-06-30", "anna", 1);
	refuse(&a, &e, NULL, "a requisition when all is requisitioned", "0,01 kr requisitioned", "only 0 kr", NULL);
	ok(a.b.b[B_REQUISITIONED] == ALLOC && a.b.b[B_AVAIL] == 0, "requisitions add up: all 10 000 kr requisitioned");

	/* A part whose right does not lapse still has a deadline for
	 * requisitions (the message's wording is reported separately). */
	struct acct n = mk_acct(&T_REQ_NOLAPSE, ALLOC);
	e = ev(EV_REQUISITION, "2021-06-30", "anna", KR(1000));
	accept(&n, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(1000), "a requisition on the deadline (no lapse)");
}

/* ---- 5. lapse ---------------------------------------------------------- */

static void test_lapse(void)
{
	struct ledger_event e;
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	refuse(&w, &e, NULL, "a lapse on a part paid without requisition", "no requisition deadline",
	       "after which the right lapses", NULL);
	struct acct n = mk_acct(&T_REQ_NOLAPSE, ALLOC);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	refuse(&n, &e, NULL, "a lapse on a part whose right does not lapse", "no requisition deadline", NULL);

	struct acct a = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-03-01", "anna", KR(3000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(3000), "a requisition of 3 000 kr");
	e = ev(EV_LAPSE, "2021-06-30", "anna", 0);
	refuse(&a, &e, NULL, "a lapse on the deadline day (none came in)", "dated 30 juni 2021",
	       "is not after the deadline 30 juni 2021", "'bidrag requisition add'", NULL);
	e = ev(EV_LAPSE, "2021-06-30", "anna", 0);
	e.received_given = true;
	refuse(&a, &e, NULL, "a lapse on the deadline day (a late requisition received)", "received 30 juni 2021",
	       "is not after the deadline", NULL);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	e.received_given = true;
	accept(&a, &e, NULL, B_AVAIL, B_LAPSED, KR(7000), "a lapse the day after the deadline: all of avail");
	struct ledger_ref lapse_ref = ref_of(&e);
	ok(a.b.b[B_REQUISITIONED] == KR(3000), "a lapse leaves what was requisitioned in time");
	e = ev(EV_LAPSE, "2021-07-02", "anna", 0);
	refuse(&a, &e, NULL, "a second lapse", "nothing is left to lapse", "the whole allocation of 10 000 kr", NULL);
	e = ev(EV_REQUISITION, "2021-07-02", "anna", KR(1));
	refuse(&a, &e, NULL, "a requisition after the lapse", "after the deadline", "has lapsed", NULL);

	/* A lapse moves all of avail, whatever amount it states. */
	struct acct s = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_LAPSE, "2021-08-01", "anna", KR(5));
	accept(&s, &e, NULL, B_AVAIL, B_LAPSED, ALLOC, "a lapse stating 5 kr moves the whole 10 000 kr");

	/* A correction of a lapse gives the money back to avail. */
	e = ev(EV_CORRECTION, "2021-07-03", "bertil", 0);
	accept(&a, &e, &lapse_ref, B_LAPSED, B_AVAIL, KR(7000), "a correction of the lapse");
	e = ev(EV_LAPSE, "2021-07-03", "anna", 0);
	accept(&a, &e, NULL, B_AVAIL, B_LAPSED, KR(7000), "the lapse recorded again");

	/* Nothing to lapse when everything was requisitioned in time. */
	struct acct f = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-06-01", "anna", ALLOC);
	accept(&f, &e, NULL, B_AVAIL, B_REQUISITIONED, ALLOC, "a requisition of the whole allocation");
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	refuse(&f, &e, NULL, "a lapse when everything was requisitioned", "nothing is left to lapse", NULL);
}

/* ---- 6. payment -------------------------------------------------------- */

static void test_payment(void)
{
	struct ledger_event e;

	/* A window. */
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-01-14", "anna", KR(100));
	refuse(&w, &e, NULL, "a payment before the decision", "payment date 14 januari 2021",
	       "is before the decision (15 januari 2021)", NULL);
	e.override = "förskott";
	refuse(&w, &e, NULL, "a payment before the decision, even with an override", "is before the decision", NULL);
	e.override = NULL;
	/* A requisition after a deadline that does not lapse the right. */
	struct acct nl = mk_acct(&T_REQ_NOLAPSE, ALLOC);
	e = ev(EV_REQUISITION, "2021-07-15", "anna", KR(100));
	accept(&nl, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(100), "a late requisition where the right does not lapse");
	e = ev(EV_PAYMENT, "2021-01-20", "anna", KR(100));
	refuse(&w, &e, NULL, "a payment before the window", "payment date 20 januari 2021",
	       "is outside the payment window 1 februari 2021 to 31 mars 2021", "needs an override with a reason",
	       NULL);
	e = ev(EV_PAYMENT, "2021-01-20", "anna", KR(100));
	e.override = "";
	refuse(&w, &e, NULL, "a payment before the window with an empty override", "outside the payment window", NULL);
	e = ev(EV_PAYMENT, "2021-01-20", "anna", KR(100));
	e.override = "förskott enligt regeringens beslut";
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment before the window with an override");
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "a payment on the window's first day");
	e = ev(EV_PAYMENT, "2021-03-31", "anna", KR(1000));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "a payment on the window's last day");
	e = ev(EV_PAYMENT, "2021-04-01", "anna", KR(100));
	refuse(&w, &e, NULL, "a payment the day after the window", "payment date 1 april 2021",
	       "outside the payment window 1 februari 2021 to 31 mars 2021", NULL);
	e = ev(EV_PAYMENT, "2021-04-01", "anna", KR(100));
	e.override = "sen utbetalning, beslut 2021-03-30";
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment after the window with an override");
	e = ev(EV_PAYMENT, "2021-04-01", "anna", KR(7900));
	e.override = "x";
	refuse(&w, &e, NULL, "a payment of more than is left (without requisition)", "7 900 kr is more than can be paid",
	       "7 800 kr unpaid is left", "allocated 10 000 kr", "registered, attested or paid already 2 200 kr", NULL);
	e = ev(EV_PAYMENT, "2021-04-01", "anna", KR(7800));
	e.override = "x";
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(7800), "a payment of exactly what is left");
	e = ev(EV_PAYMENT, "2021-04-01", "anna", 1);
	e.override = "x";
	refuse(&w, &e, NULL, "a payment when nothing is left", "0,01 kr is more than can be paid", "0 kr unpaid is left",
	       NULL);

	/* A last payment date. */
	struct acct b = mk_acct(&T_BY, ALLOC);
	e = ev(EV_PAYMENT, "2021-01-14", "anna", KR(100));
	refuse(&b, &e, NULL, "a payment before the decision (by-date part)", "before the decision (15 januari 2021)",
	       NULL);
	e = ev(EV_PAYMENT, "2021-01-15", "anna", KR(100));
	accept(&b, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment on the decision's day (by-date part)");
	e = ev(EV_PAYMENT, "2021-09-30", "anna", KR(100));
	accept(&b, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment on the last payment date");
	e = ev(EV_PAYMENT, "2021-10-01", "anna", KR(100));
	refuse(&b, &e, NULL, "a payment after the last payment date", "payment date 1 oktober 2021",
	       "is after the last payment date 30 september 2021", "override", NULL);
	e = ev(EV_PAYMENT, "2021-10-01", "anna", KR(100));
	e.override = "försenad";
	accept(&b, &e, NULL, B_AVAIL, B_REGISTERED, KR(100), "a payment after the last payment date with an override");

	/* After requisition: from requisitioned only. */
	struct acct r = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_PAYMENT, "2021-01-14", "anna", KR(100));
	refuse(&r, &e, NULL, "a payment before the decision (requisition part)", "is before the decision", NULL);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", 1);
	refuse(&r, &e, NULL, "a payment before any requisition", "no requisition has been received",
	       "paid only after a requisition (10 000 kr allocated)", NULL);
	e = ev(EV_REQUISITION, "2021-02-01", "anna", KR(4000));
	accept(&r, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(4000), "a requisition of 4 000 kr");
	e = ev(EV_PAYMENT, "2021-02-02", "anna", KR(2500));
	accept(&r, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(2500), "a payment from requisitioned");
	e = ev(EV_PAYMENT, "2021-02-02", "anna", KR(2000));
	refuse(&r, &e, NULL, "a payment of more than is requisitioned and unpaid",
	       "2 000 kr is more than the 1 500 kr requisitioned and unpaid", "only requisitioned money is paid",
	       "6 000 kr of the allocation is not requisitioned", NULL);
	e = ev(EV_PAYMENT, "2021-02-02", "anna", KR(1500));
	accept(&r, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(1500), "a payment of the rest requisitioned");
	/* Everything requisitioned is paid and 6 000 kr are not requisitioned:
	 * refused, saying so. */
	e = ev(EV_PAYMENT, "2021-02-03", "anna", 1);
	refuse(&r, &e, NULL, "a payment beyond what was requisitioned and paid", "more than the 0 kr requisitioned",
	       "6 000 kr of the allocation is not requisitioned", NULL);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	accept(&r, &e, NULL, B_AVAIL, B_LAPSED, KR(6000), "the rest lapses");
	e = ev(EV_PAYMENT, "2021-07-02", "anna", KR(100));
	refuse(&r, &e, NULL, "a payment of a lapsed right", "the right to the grant has lapsed (6 000 kr lapsed)",
	       "nothing requisitioned is left to pay", NULL);

	/* What was requisitioned in time is paid after the deadline and the lapse. */
	struct acct l = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-06-30", "anna", KR(4000));
	accept(&l, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(4000), "a requisition on the deadline");
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	accept(&l, &e, NULL, B_AVAIL, B_LAPSED, KR(6000), "the rest lapses the next day");
	e = ev(EV_PAYMENT, "2021-07-05", "anna", KR(4000) + 1);
	refuse(&l, &e, NULL, "a payment of more than requisitioned, with a lapse", "4 000,01 kr is more than can be paid",
	       "4 000 kr requisitioned and unpaid is left", NULL);
	e = ev(EV_PAYMENT, "2021-07-05", "anna", KR(4000));
	accept(&l, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(4000), "a payment after the lapse of what was requisitioned");

	/* The whole allocation lapsed, nothing requisitioned. */
	struct acct z = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	accept(&z, &e, NULL, B_AVAIL, B_LAPSED, ALLOC, "the whole allocation lapses");
	e = ev(EV_PAYMENT, "2021-07-02", "anna", KR(100));
	e.override = "x";
	refuse(&z, &e, NULL, "a payment when all lapsed (even with an override)",
	       "the right to the grant has lapsed (10 000 kr lapsed)", NULL);
}

/* ---- 7. attest, execute ------------------------------------------------ */

static void test_attest_execute(void)
{
	struct ledger_event e;
	struct acct a = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "payment p1 of 1 000 kr by anna");
	struct ledger_ref p1 = ref_of(&e);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(300));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(300), "payment p2 of 300 kr by anna");
	struct ledger_ref p2 = ref_of(&e);

	struct ledger_ref notpay = p1;
	notpay.kind = EV_REQUISITION;
	e = ev(EV_ATTEST, "2021-02-02", "bertil", 0);
	refuse(&a, &e, &notpay, "an attestation of a requisition", "only a payment can be attested",
	       "(the event is a requisition)", NULL);
	e = ev(EV_ATTEST, "2021-02-02", "anna", 0);
	refuse(&a, &e, &p1, "an attestation by the registrar", "four eyes: anna registered this payment",
	       "cannot also attest it", NULL);
	e = ev(EV_ATTEST, "2021-02-02", " Anna", 0);
	refuse(&a, &e, &p1, "an attestation by the registrar written otherwise", "four eyes", NULL);
	e = ev(EV_EXECUTE, "2021-02-02", "bertil", 0);
	refuse(&a, &e, &p1, "an execution of a payment not attested", "not attested",
	       "a second person must attest it first", NULL);
	e = ev(EV_ATTEST, "2021-02-02", "bertil", 0);
	accept(&a, &e, &p1, B_REGISTERED, B_ATTESTED, KR(1000), "an attestation of p1 by bertil");
	struct ledger_ref a1 = ref_of(&e);
	p1.attested = true;
	a1.attested = true;
	ok(a.b.b[B_REGISTERED] == KR(300), "the attestation moves p1's amount only (p2 stays registered)");
	e = ev(EV_ATTEST, "2021-02-02", "cecilia", 0);
	refuse(&a, &e, &p1, "a second attestation", "the payment is attested already", NULL);

	/* An attestation moves the payment's amount, not the event's. */
	e = ev(EV_ATTEST, "2021-02-02", "bertil", KR(5));
	accept(&a, &e, &p2, B_REGISTERED, B_ATTESTED, KR(300), "an attestation of p2 stating 5 kr moves p2's 300 kr");
	p2.attested = true;

	/* The account holds less registered than the payment says. */
	struct ledger_ref big = p1;
	big.attested = false;
	big.amount = KR(5000);
	e = ev(EV_ATTEST, "2021-02-02", "bertil", 0);
	refuse(&a, &e, &big, "an attestation of more than is registered", "internal",
	       "less than the payment's 5 000 kr", NULL);

	struct ledger_ref notpay2 = a1;
	e = ev(EV_EXECUTE, "2021-02-03", "system", 0);
	refuse(&a, &e, &notpay2, "an execution of an attestation", "only a payment can be executed", "attest",
	       NULL);
	e = ev(EV_EXECUTE, "2021-02-03", "system", 0);
	accept(&a, &e, &p1, B_ATTESTED, B_PAID, KR(1000), "an execution of the attested p1");
	p1.executed = true;
	a1.executed = true;
	e = ev(EV_EXECUTE, "2021-02-03", "system", 0);
	refuse(&a, &e, &p1, "a second execution", "the payment is executed already", NULL);
	struct ledger_ref bigx = p2;
	bigx.amount = KR(400);
	e = ev(EV_EXECUTE, "2021-02-03", "system", 0);
	refuse(&a, &e, &bigx, "an execution of more than is attested", "internal", "less than the payment's 400 kr",
	       NULL);

	/* A corrected payment is neither attested nor executed. */
	e = ev(EV_PAYMENT, "2021-02-04", "anna", KR(200));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(200), "payment p3 of 200 kr");
	struct ledger_ref p3 = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-02-04", "anna", 0);
	accept(&a, &e, &p3, B_REGISTERED, B_AVAIL, KR(200), "a correction of p3");
	p3.corrected = p3.ref_corrected = true;
	e = ev(EV_ATTEST, "2021-02-04", "bertil", 0);
	refuse(&a, &e, &p3, "an attestation of a corrected payment", "the payment was corrected (withdrawn)",
	       "nothing to attest", NULL);
	struct ledger_ref p3a = p3;
	p3a.attested = true; /* attested before it was corrected */
	e = ev(EV_EXECUTE, "2021-02-04", "system", 0);
	refuse(&a, &e, &p3a, "an execution of a corrected payment", "the payment was corrected (withdrawn)", NULL);
}

/* ---- 7b. the bank's answers about an executed payment ------------------ */

static void test_bank(void)
{
	struct ledger_event e;
	struct acct a = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-03-01", "anna", KR(5000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(5000), "bank: a requisition of 5 000 kr");
	e = ev(EV_PAYMENT, "2021-03-02", "anna", KR(3000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(3000), "bank: payment p of 3 000 kr");
	struct ledger_ref p = ref_of(&e);
	e = ev(EV_BANK_ACCEPT, "2021-03-02", "bank", 0);
	refuse(&a, &e, &p, "bank: an acceptance of a payment not exported", "has not been exported", NULL);
	e = ev(EV_ATTEST, "2021-03-02", "bertil", 0);
	accept(&a, &e, &p, B_REGISTERED, B_ATTESTED, KR(3000), "bank: p attested");
	p.attested = true;
	e = ev(EV_EXECUTE, "2021-03-03", "system", 0);
	accept(&a, &e, &p, B_ATTESTED, B_PAID, KR(3000), "bank: p executed");
	p.executed = true;
	struct ledger_ref notpay = p;
	notpay.kind = EV_ATTEST;
	e = ev(EV_BANK_BOOK, "2021-03-04", "bank", 0);
	refuse(&a, &e, &notpay, "bank: a booking of an attestation", "the bank answers about a payment", NULL);
	e = ev(EV_BANK_ACCEPT, "2021-03-04", "bank", KR(1));
	refuse(&a, &e, &p, "bank: an acceptance with an amount", "takes no amount", NULL);
	e = ev(EV_BANK_ACCEPT, "2021-03-04", "bank", 0);
	accept(&a, &e, &p, B_NONE, B_NONE, 0, "bank: p accepted: nothing moves");
	p.accepted = true;
	e = ev(EV_BANK_ACCEPT, "2021-03-04", "bank", 0);
	refuse(&a, &e, &p, "bank: a second acceptance", "accepted the payment already", NULL);
	e = ev(EV_BANK_BOOK, "2021-03-05", "bank", 0);
	accept(&a, &e, &p, B_NONE, B_NONE, 0, "bank: p booked: nothing moves");
	p.booked = true;
	e = ev(EV_BANK_BOOK, "2021-03-05", "bank", 0);
	refuse(&a, &e, &p, "bank: a second booking", "booked on the account already", NULL);
	e = ev(EV_BANK_REJECT, "2021-03-05", "bank", 0);
	refuse(&a, &e, &p, "bank: a rejection of a booked payment", "comes back as a return", NULL);
	/* A claim of part of it: the return cannot take back what is claimed. */
	e = ev(EV_REPAY_CLAIM, "2021-03-06", "anna", KR(2500));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(2500), "bank: a claim of 2 500 kr of p");
	e = ev(EV_BANK_RETURN, "2021-03-07", "bank", 0);
	refuse(&a, &e, &p, "bank: a return of a payment mostly claimed", "only 500 kr of the payment's 3 000 kr",
	       "correct that claim first", NULL);
	e = ev(EV_REPAY_RECEIVE, "2021-03-07", "anna", KR(2500));
	accept(&a, &e, NULL, B_CLAIMED, B_REPAID, KR(2500), "bank: the claim repaid");

	/* A payment rejected: its money is requisitioned again, payable. */
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "bank: payment q of 1 000 kr (no requisition)");
	struct ledger_ref q = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-01", "bertil", 0);
	accept(&w, &e, &q, B_REGISTERED, B_ATTESTED, KR(1000), "bank: q attested");
	q.attested = true;
	e = ev(EV_EXECUTE, "2021-02-02", "system", 0);
	accept(&w, &e, &q, B_ATTESTED, B_PAID, KR(1000), "bank: q executed");
	q.executed = true;
	e = ev(EV_BANK_REJECT, "2021-02-03", "bank", 0);
	accept(&w, &e, &q, B_PAID, B_AVAIL, KR(1000), "bank: q rejected: back to avail, payable again");
	struct ledger_ref rj = ref_of(&e);
	q.rejected = true;
	e = ev(EV_BANK_BOOK, "2021-02-03", "bank", 0);
	refuse(&w, &e, &q, "bank: a booking of a rejected payment", "rejected or returned the payment already", NULL);
	e = ev(EV_BANK_RETURN, "2021-02-03", "bank", 0);
	refuse(&w, &e, &q, "bank: a return of a rejected payment", "rejected or returned the payment already", NULL);
	e = ev(EV_CORRECTION, "2021-02-03", "anna", 0);
	refuse(&w, &e, &rj, "bank: a correction of the rejection", "the bank's answer", "cannot be corrected", NULL);
	e = ev(EV_CORRECTION, "2021-02-03", "anna", 0);
	refuse(&w, &e, &q, "bank: a correction of the rejected payment", "void already", NULL);
	e = ev(EV_PAYMENT, "2021-02-04", "anna", KR(1000));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "bank: the rejected amount planned again");
	ok(ledger_kind_refers(EV_BANK_RETURN) && ledger_kind_refers(EV_ATTEST) && !ledger_kind_refers(EV_PAYMENT) &&
		   ledger_kind_bank(EV_BANK_ACCEPT) && !ledger_kind_bank(EV_EXECUTE),
	   "bank: the bank's kinds refer to an event, as attest does");
	ok(bank_state_of(true, true, false, false) == BANK_BOOKED && bank_state_of(true, false, true, false) == BANK_REJECTED &&
		   bank_state_of(false, false, false, false) == BANK_SENT && strcmp(bank_state_name(BANK_RETURNED), "returned") == 0,
	   "bank: a payment's state from its bank events");
}

/* ---- 8. repay-claim, report, repay-receive ----------------------------- */

static void test_repayment(void)
{
	struct ledger_event e;
	struct acct a = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_REPORT, "2021-02-01", "anna", 1);
	refuse(&a, &e, NULL, "a report declaring unused money before anything is paid",
	       "declares 0,01 kr unused, more than the 0 kr paid out", NULL);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "payment of 1 000 kr");
	struct ledger_ref p = ref_of(&e);
	e = ev(EV_REPAY_CLAIM, "2021-02-01", "anna", KR(1));
	refuse(&a, &e, NULL, "a repayment claim before anything is paid out",
	       "a repayment of 1 kr claimed, but only 0 kr paid out", NULL);
	e = ev(EV_ATTEST, "2021-02-02", "bertil", 0);
	accept(&a, &e, &p, B_REGISTERED, B_ATTESTED, KR(1000), "attested");
	p.attested = true;
	e = ev(EV_EXECUTE, "2021-02-03", "system", 0);
	accept(&a, &e, &p, B_ATTESTED, B_PAID, KR(1000), "executed");

	e = ev(EV_REPAY_CLAIM, "2021-03-01", "anna", KR(1001));
	refuse(&a, &e, NULL, "a repayment claim of more than paid out", "a repayment of 1 001 kr claimed",
	       "only 1 000 kr paid out is not already claimed", NULL);
	e = ev(EV_REPAY_CLAIM, "2021-03-01", "anna", KR(200));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(200), "a repayment claim of 200 kr");
	struct ledger_ref c1 = ref_of(&e);
	e = ev(EV_REPAY_RECEIVE, "2021-03-05", "anna", KR(201));
	refuse(&a, &e, NULL, "money received beyond the claim", "201 kr received, but only 200 kr is claimed",
	       "register the financial report or a repayment claim first", NULL);
	e = ev(EV_REPAY_RECEIVE, "2021-03-05", "anna", KR(150));
	accept(&a, &e, NULL, B_CLAIMED, B_REPAID, KR(150), "150 kr received");
	struct ledger_ref rr = ref_of(&e);
	/* paid 800, claimed 50, repaid 150 */

	e = ev(EV_REPORT, "2021-03-10", "anna", KR(1001));
	refuse(&a, &e, NULL, "a report declaring more unused than paid out", "declares 1 001 kr unused",
	       "more than the 1 000 kr paid out", NULL);
	ok(a.b.reports == 0, "a refused report is not counted");
	e = ev(EV_REPORT, "2021-03-10", "anna", KR(500));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(300),
	       "a report declaring 500 kr unused claims 300 kr (200 claimed already, 150 of them repaid)");
	struct ledger_ref rp1 = ref_of(&e);
	ok(a.b.reports == 1, "the report is counted");
	e = ev(EV_REPORT, "2021-03-11", "anna", KR(100));
	accept(&a, &e, NULL, B_NONE, B_NONE, 0, "a report declaring less than already claimed claims nothing");
	struct ledger_ref rp2 = ref_of(&e);
	ok(a.b.reports == 2, "that report is counted too");
	e = ev(EV_REPORT, "2021-03-12", "anna", 0);
	accept(&a, &e, NULL, B_NONE, B_NONE, 0, "a report declaring nothing unused");
	ok(a.b.reports == 3, "reports: 3");
	e = ev(EV_REPORT, "2021-03-13", "anna", KR(1000));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(500), "a report declaring all 1 000 kr unused claims the last 500 kr");
	ok(a.b.b[B_PAID] == 0 && a.b.b[B_CLAIMED] == KR(850) && a.b.b[B_REPAID] == KR(150) && a.b.reports == 4,
	   "paid 0, claimed 850 kr, repaid 150 kr, 4 reports");
	e = ev(EV_REPAY_CLAIM, "2021-03-14", "anna", 1);
	refuse(&a, &e, NULL, "a repayment claim when all is claimed", "only 0 kr paid out is not already claimed", NULL);
	e = ev(EV_REPAY_RECEIVE, "2021-03-20", "anna", KR(850));
	accept(&a, &e, NULL, B_CLAIMED, B_REPAID, KR(850), "the rest received");

	/* Corrections of repayment events. */
	e = ev(EV_CORRECTION, "2021-03-21", "bertil", 0);
	accept(&a, &e, &rr, B_REPAID, B_CLAIMED, KR(150), "a correction of the 150 kr received");
	e = ev(EV_CORRECTION, "2021-03-21", "bertil", 0);
	refuse(&a, &e, &rp1, "a correction of a report whose claim was received",
	       "only 150 kr of the 300 kr it moved is still claimed", "correct those first", NULL);
	e = ev(EV_CORRECTION, "2021-03-21", "bertil", 0);
	refuse(&a, &e, &c1, "a correction of a repayment claim whose money was received",
	       "only 150 kr of the 200 kr it moved is still claimed", NULL);
	e = ev(EV_CORRECTION, "2021-03-21", "bertil", 0);
	accept(&a, &e, &rp2, B_NONE, B_NONE, 0, "a correction of the report that claimed nothing");
	ok(a.b.reports == 3 && a.b.b[B_CLAIMED] == KR(150) && a.b.b[B_REPAID] == KR(850),
	   "3 reports, claimed 150 kr, repaid 850 kr");
}

/* The report and correction cases need their own account: corrections of a
 * repayment claim, a report, a zero report. */
static void test_report_corrections(void)
{
	struct ledger_event e;
	struct acct a = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "payment of 1 000 kr");
	struct ledger_ref p = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-01", "bertil", 0);
	accept(&a, &e, &p, B_REGISTERED, B_ATTESTED, KR(1000), "attested");
	p.attested = true;
	e = ev(EV_EXECUTE, "2021-02-01", "system", 0);
	accept(&a, &e, &p, B_ATTESTED, B_PAID, KR(1000), "executed");

	e = ev(EV_REPAY_CLAIM, "2021-03-01", "anna", KR(200));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(200), "a repayment claim of 200 kr");
	struct ledger_ref c1 = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-03-02", "bertil", 0);
	accept(&a, &e, &c1, B_CLAIMED, B_PAID, KR(200), "a correction of the repayment claim");
	c1.ref_corrected = true;
	e = ev(EV_CORRECTION, "2021-03-02", "bertil", 0);
	refuse(&a, &e, &c1, "a second correction of the repayment claim", "the event is corrected already", NULL);

	e = ev(EV_REPORT, "2021-03-10", "anna", KR(400));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(400), "a report declaring 400 kr unused");
	struct ledger_ref rp = ref_of(&e);
	e = ev(EV_REPORT, "2021-03-11", "anna", 0);
	accept(&a, &e, NULL, B_NONE, B_NONE, 0, "a report declaring nothing unused");
	struct ledger_ref rp0 = ref_of(&e);
	ok(a.b.reports == 2, "two reports");
	e = ev(EV_CORRECTION, "2021-03-12", "bertil", 0);
	accept(&a, &e, &rp, B_CLAIMED, B_PAID, KR(400), "a correction of the 400 kr report");
	ok(a.b.reports == 1, "a correction of a report takes it off the count");
	struct ledger_ref corr = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-03-12", "bertil", 0);
	accept(&a, &e, &rp0, B_NONE, B_NONE, 0, "a correction of the report that moved nothing");
	ok(a.b.reports == 0, "no reports left");
	e = ev(EV_CORRECTION, "2021-03-12", "bertil", 0);
	refuse(&a, &e, &corr, "a correction of a correction", "a correction cannot be corrected",
	       "record the event again", NULL);
	rp.ref_corrected = true;
	e = ev(EV_CORRECTION, "2021-03-12", "bertil", 0);
	refuse(&a, &e, &rp, "a second correction of the report", "corrected already", NULL);
	ok(a.b.reports == 0 && a.b.b[B_PAID] == KR(1000), "the account is back to 1 000 kr paid, no reports");

	/* A correction of money received needs the claim still open... */
	e = ev(EV_REPAY_CLAIM, "2021-04-01", "anna", KR(300));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(300), "a repayment claim of 300 kr");
	struct ledger_ref c2 = ref_of(&e);
	e = ev(EV_REPAY_RECEIVE, "2021-04-02", "anna", KR(300));
	accept(&a, &e, NULL, B_CLAIMED, B_REPAID, KR(300), "300 kr received");
	struct ledger_ref r2 = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-04-03", "bertil", 0);
	refuse(&a, &e, &c2, "a correction of a claim that was received",
	       "only 0 kr of the 300 kr it moved is still claimed", "(later events have used it)", NULL);
	/* ... which it is once the money received is corrected. */
	e = ev(EV_CORRECTION, "2021-04-03", "bertil", 0);
	accept(&a, &e, &r2, B_REPAID, B_CLAIMED, KR(300), "a correction of the 300 kr received");
	e = ev(EV_CORRECTION, "2021-04-03", "bertil", 0);
	accept(&a, &e, &c2, B_CLAIMED, B_PAID, KR(300), "then the claim's correction");
}

/* The lateness of a financial report: after the part's report deadline,
 * not on it; a part without a deadline has no late reports.  Late is a
 * mark, not a refusal: the ledger records a late report as any other. */
static void test_report_late(void)
{
	ok(!ledger_report_late("2022-03-31", "2022-03-31"), "late: a report on the deadline is in time");
	ok(!ledger_report_late("2022-03-01", "2022-03-31"), "late: a report before the deadline is in time");
	ok(ledger_report_late("2022-04-01", "2022-03-31"), "late: the day after the deadline is late");
	ok(ledger_report_late("2022-05-02", "2022-03-31"), "late: 2 May 2022 is after the deadline 31 March 2022");
	ok(ledger_report_late("2023-01-01", "2022-12-31"), "late: across a year's end");
	ok(!ledger_report_late("2030-01-01", ""), "late: a part without a report deadline has no late report");
	ok(!ledger_report_late("2030-01-01", NULL), "late: nor with no deadline given");
	ok(!ledger_report_late(NULL, "2022-03-31") && !ledger_report_late("", "2022-03-31"),
	   "late: no report is not a late report (it is missing, which deadlines shows)");
	struct ledger_event e;
	struct acct a = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(1000), "late: a payment");
	struct ledger_ref p = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-01", "bertil", 0);
	accept(&a, &e, &p, B_REGISTERED, B_ATTESTED, KR(1000), "late: attested");
	p.attested = true;
	e = ev(EV_EXECUTE, "2021-02-01", "system", 0);
	accept(&a, &e, &p, B_ATTESTED, B_PAID, KR(1000), "late: executed");
	e = ev(EV_REPORT, "2022-05-02", "anna", KR(100));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(100), "late: a report dated after the deadline is recorded");
	ok(a.b.reports == 1, "late: and counted as a report");
	e = ev(EV_REPORT, "2022-05-03", "anna", -KR(1));
	refuse(&a, &e, NULL, "late: a report with a negative unused amount", "is negative", NULL);
}

/* ---- 9. corrections of payments, attestations, requisitions ------------ */

static void test_corrections(void)
{
	struct ledger_event e;

	/* Without requisition: a payment's money goes back to avail. */
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(700));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(700), "a payment of 700 kr (without requisition)");
	struct ledger_ref wp = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-02-01", "anna", 0);
	accept(&w, &e, &wp, B_REGISTERED, B_AVAIL, KR(700), "its correction: back to avail");

	struct acct a = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-02-01", "anna", KR(5000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(5000), "requisition r1 of 5 000 kr");
	struct ledger_ref r1 = ref_of(&e);

	/* A registered payment. */
	e = ev(EV_PAYMENT, "2021-02-02", "anna", KR(1000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(1000), "payment p1 of 1 000 kr");
	struct ledger_ref p1 = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-02-03", "bertil", 0);
	accept(&a, &e, &p1, B_REGISTERED, B_REQUISITIONED, KR(1000), "a correction of the registered p1");
	struct ledger_ref k1 = ref_of(&e);
	p1.corrected = p1.ref_corrected = true;
	e = ev(EV_CORRECTION, "2021-02-03", "bertil", 0);
	refuse(&a, &e, &p1, "a second correction of p1", "the event is corrected already", NULL);
	e = ev(EV_CORRECTION, "2021-02-03", "bertil", 0);
	refuse(&a, &e, &k1, "a correction of the correction", "a correction cannot be corrected", NULL);

	/* An attested payment: the attestation falls with it. */
	e = ev(EV_PAYMENT, "2021-02-04", "anna", KR(2000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(2000), "payment p2 of 2 000 kr");
	struct ledger_ref p2 = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-04", "bertil", 0);
	accept(&a, &e, &p2, B_REGISTERED, B_ATTESTED, KR(2000), "attestation a2 of p2");
	struct ledger_ref a2 = ref_of(&e);
	p2.attested = a2.attested = true;
	/* The attestation alone. */
	e = ev(EV_CORRECTION, "2021-02-05", "bertil", 0);
	accept(&a, &e, &a2, B_ATTESTED, B_REGISTERED, KR(2000), "a correction of the attestation a2");
	p2.attested = false;
	a2.ref_corrected = true;
	a2.attested = false;
	e = ev(EV_CORRECTION, "2021-02-05", "bertil", 0);
	refuse(&a, &e, &a2, "a second correction of a2", "corrected already", NULL);
	e = ev(EV_ATTEST, "2021-02-05", "cecilia", 0);
	accept(&a, &e, &p2, B_REGISTERED, B_ATTESTED, KR(2000), "attestation a2b of p2, by cecilia");
	struct ledger_ref a2b = ref_of(&e);
	p2.attested = a2b.attested = true;
	e = ev(EV_CORRECTION, "2021-02-06", "bertil", 0);
	accept(&a, &e, &p2, B_ATTESTED, B_REQUISITIONED, KR(2000), "a correction of the attested p2: from attested");
	p2.corrected = p2.ref_corrected = true;
	a2b.corrected = true; /* its payment is */
	e = ev(EV_CORRECTION, "2021-02-06", "bertil", 0);
	refuse(&a, &e, &a2b, "a correction of an attestation whose payment was corrected",
	       "the payment this attests was corrected (withdrawn) already", NULL);
	ok(a.b.b[B_REQUISITIONED] == KR(5000) && a.b.b[B_REGISTERED] == 0 && a.b.b[B_ATTESTED] == 0,
	   "after the corrections all 5 000 kr are requisitioned again");

	/* An executed payment cannot be corrected. */
	e = ev(EV_PAYMENT, "2021-02-07", "anna", KR(3000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(3000), "payment p3 of 3 000 kr");
	struct ledger_ref p3 = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-07", "bertil", 0);
	accept(&a, &e, &p3, B_REGISTERED, B_ATTESTED, KR(3000), "attestation a3 of p3");
	struct ledger_ref a3 = ref_of(&e);
	p3.attested = a3.attested = true;
	e = ev(EV_EXECUTE, "2021-02-08", "system", 0);
	accept(&a, &e, &p3, B_ATTESTED, B_PAID, KR(3000), "execution x3 of p3");
	struct ledger_ref x3 = ref_of(&e);
	p3.executed = a3.executed = x3.executed = x3.attested = true;
	e = ev(EV_CORRECTION, "2021-02-09", "bertil", 0);
	refuse(&a, &e, &x3, "a correction of an execution", "the payment has been executed and the money has left",
	       "claim a repayment instead", NULL);
	e = ev(EV_CORRECTION, "2021-02-09", "bertil", 0);
	refuse(&a, &e, &p3, "a correction of an executed payment", "executed and the money has left", NULL);
	e = ev(EV_CORRECTION, "2021-02-09", "bertil", 0);
	refuse(&a, &e, &a3, "a correction of the attestation of an executed payment", "executed and the money has left",
	       NULL);

	/* A requisition: only while its money is still requisitioned. */
	e = ev(EV_CORRECTION, "2021-02-10", "bertil", 0);
	refuse(&a, &e, &r1, "a correction of a requisition already paid on",
	       "only 2 000 kr of the 5 000 kr it moved is still requisitioned", "correct those first", NULL);
	e = ev(EV_REQUISITION, "2021-02-10", "anna", KR(1000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(1000), "requisition r2 of 1 000 kr");
	struct ledger_ref r2 = ref_of(&e);
	e = ev(EV_CORRECTION, "2021-02-11", "bertil", 0);
	accept(&a, &e, &r2, B_REQUISITIONED, B_AVAIL, KR(1000), "a correction of the unpaid requisition r2");
	ok(a.b.b[B_AVAIL] == KR(5000) && a.b.b[B_REQUISITIONED] == KR(2000) && a.b.b[B_PAID] == KR(3000),
	   "avail 5 000 kr, requisitioned 2 000 kr, paid 3 000 kr");
	/* Unpaid, not yet paid on: a correction of a requisition on a fresh
	 * account gives all back. */
	struct acct f = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_REQUISITION, "2021-02-01", "anna", ALLOC);
	accept(&f, &e, NULL, B_AVAIL, B_REQUISITIONED, ALLOC, "a requisition of everything");
	struct ledger_ref fr = ref_of(&e);
	e = ev(EV_PAYMENT, "2021-02-02", "anna", 1);
	accept(&f, &e, NULL, B_REQUISITIONED, B_REGISTERED, 1, "a payment of 0,01 kr on it");
	e = ev(EV_CORRECTION, "2021-02-03", "bertil", 0);
	refuse(&f, &e, &fr, "a correction of the requisition paid on by one öre",
	       "only 9 999,99 kr of the 10 000 kr it moved is still requisitioned", NULL);
}

/* ---- 10. ledger_figures ------------------------------------------------ */

static bool figures_are(const struct ledger_figures *f, int64_t requisitioned, int64_t in_process, int64_t paid,
			int64_t lapsed, int64_t claimed, int64_t repaid, int64_t lapse_due, int64_t outstanding)
{
	bool same = f->allocated == ALLOC && f->requisitioned == requisitioned && f->in_process == in_process &&
		    f->paid == paid && f->lapsed == lapsed && f->claimed == claimed && f->repaid == repaid &&
		    f->lapse_due == lapse_due && f->outstanding == outstanding;
	if (!same)
		diag("figures: allocated %lld requisitioned %lld in_process %lld paid %lld lapsed %lld claimed %lld "
		     "repaid %lld lapse_due %lld outstanding %lld",
		     (long long)f->allocated, (long long)f->requisitioned, (long long)f->in_process, (long long)f->paid,
		     (long long)f->lapsed, (long long)f->claimed, (long long)f->repaid, (long long)f->lapse_due,
		     (long long)f->outstanding);
	return same;
}

static void test_figures(void)
{
	struct ledger_event e;
	struct ledger_figures f;
	struct acct a = mk_acct(&T_REQ, ALLOC);
	ledger_figures(&a.b, a.t, "2021-02-01", &f);
	ok(figures_are(&f, 0, 0, 0, 0, 0, 0, 0, ALLOC), "figures: a fresh account, all outstanding");
	ledger_figures(&a.b, a.t, "2021-07-01", &f);
	ok(figures_are(&f, 0, 0, 0, 0, 0, 0, ALLOC, 0), "figures: nothing requisitioned by the deadline: all lapse due");

	e = ev(EV_REQUISITION, "2021-02-01", "anna", KR(6000));
	accept(&a, &e, NULL, B_AVAIL, B_REQUISITIONED, KR(6000), "figures: requisition of 6 000 kr");
	e = ev(EV_PAYMENT, "2021-02-05", "anna", KR(4000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(4000), "figures: payment of 4 000 kr");
	struct ledger_ref p1 = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-06", "bertil", 0);
	accept(&a, &e, &p1, B_REGISTERED, B_ATTESTED, KR(4000), "figures: attested");
	p1.attested = true;
	e = ev(EV_EXECUTE, "2021-02-07", "system", 0);
	accept(&a, &e, &p1, B_ATTESTED, B_PAID, KR(4000), "figures: executed");
	e = ev(EV_PAYMENT, "2021-02-08", "anna", KR(1000));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(1000), "figures: payment of 1 000 kr (registered)");
	e = ev(EV_PAYMENT, "2021-02-09", "anna", KR(500));
	accept(&a, &e, NULL, B_REQUISITIONED, B_REGISTERED, KR(500), "figures: payment of 500 kr");
	struct ledger_ref p3 = ref_of(&e);
	e = ev(EV_ATTEST, "2021-02-09", "bertil", 0);
	accept(&a, &e, &p3, B_REGISTERED, B_ATTESTED, KR(500), "figures: attested (500 kr)");
	e = ev(EV_REPAY_CLAIM, "2021-03-01", "anna", KR(300));
	accept(&a, &e, NULL, B_PAID, B_CLAIMED, KR(300), "figures: repayment claim of 300 kr");
	e = ev(EV_REPAY_RECEIVE, "2021-03-10", "anna", KR(100));
	accept(&a, &e, NULL, B_CLAIMED, B_REPAID, KR(100), "figures: 100 kr received");
	/* avail 4000, requisitioned 500, registered 1000, attested 500, paid 3700, claimed 200, repaid 100 */

	ledger_figures(&a.b, a.t, "2021-06-30", &f);
	ok(figures_are(&f, KR(6000), KR(1500), KR(4000), 0, KR(200), KR(100), 0, KR(6000)),
	   "figures on the deadline: requisitioned 6 000, in process 1 500, paid 4 000 (with claimed and repaid), "
	   "nothing lapse due, 6 000 outstanding");
	ledger_figures(&a.b, a.t, "2021-07-01", &f);
	ok(figures_are(&f, KR(6000), KR(1500), KR(4000), 0, KR(200), KR(100), KR(4000), KR(2000)),
	   "figures the day after the deadline: the 4 000 kr not requisitioned are lapse due, 2 000 outstanding");
	ledger_figures(&a.b, a.t, NULL, &f);
	ok(figures_are(&f, KR(6000), KR(1500), KR(4000), 0, KR(200), KR(100), 0, KR(6000)),
	   "figures without a date: nothing lapse due");
	ledger_figures(&a.b, &T_REQ_NOLAPSE, "2022-01-01", &f);
	ok(figures_are(&f, KR(6000), KR(1500), KR(4000), 0, KR(200), KR(100), 0, KR(6000)),
	   "figures on a part whose right does not lapse: nothing lapse due after the deadline");

	e = ev(EV_LAPSE, "2021-07-02", "anna", 0);
	accept(&a, &e, NULL, B_AVAIL, B_LAPSED, KR(4000), "figures: the lapse recorded");
	ledger_figures(&a.b, a.t, "2021-07-02", &f);
	ok(figures_are(&f, KR(6000), KR(1500), KR(4000), KR(4000), KR(200), KR(100), 0, KR(2000)),
	   "figures after the lapse: 4 000 lapsed (none due), requisitioned still 6 000, 2 000 outstanding");

	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", "anna", KR(2500));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(2500), "figures: a payment without requisition");
	ledger_figures(&w.b, w.t, "2022-12-31", &f);
	ok(figures_are(&f, 0, KR(2500), 0, 0, 0, 0, 0, ALLOC),
	   "figures without requisition: nothing requisitioned or lapse due, in process counts as outstanding");
}

/* ---- 11. conservation: random events ----------------------------------- */

#define RACCTS 5
#define RMAXEV 200   /* accepted events per account before it is reopened */
#define RMAXTRY 500  /* calls per account before it is reopened: about a year */
#define RCALLS 100000

struct rev {
	enum event_kind kind;
	int64_t moved;
	enum bucket from, to;
	const char *actor;
	int pay;                          /* attest/execute: the payment (index); -1 */
	bool attested, executed, corrected; /* for a payment: its state now */
	bool accepted, booked, rejected;  /* for a payment: what the bank said */
	bool ref_corrected;               /* the event itself was corrected */
};

struct racct {
	const struct ledger_terms *t;
	struct ledger_balance b;
	struct rev ev[RMAXEV];
	int n, tries, day;
};

/* day_iso: day 0 is 2020-12-01. */
static void day_iso(int day, char *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 2020, m = 11; /* 0-based month */
	int d = day;
	for (;;) {
		int len = mdays[m] + (m == 1 && y % 4 == 0 ? 1 : 0);
		if (d < len)
			break;
		d -= len;
		if (++m == 12) {
			m = 0;
			y++;
		}
	}
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m + 1, d + 1);
	set_date(out, buf);
}

static const struct ledger_terms *const rterms[] = {&T_REQ, &T_REQ, &T_REQ_NOLAPSE, &T_WIN, &T_BY};
static const char *const ractors[] = {"anna", "bertil", "cecilia"};

static void racct_open(struct racct *a)
{
	a->t = rterms[rng_below(sizeof(rterms) / sizeof(rterms[0]))];
	int64_t alloc = rng_below(10) == 0 ? (int64_t)rng_below(3) : 1 + (int64_t)rng_below(KR(50000));
	ledger_open(&a->b, alloc);
	a->n = a->tries = 0;
	a->day = 31 + (int)rng_below(20); /* early January 2021 */
}

/* ref_to: the register's view of event i of a. */
static struct ledger_ref ref_to(const struct racct *a, int i)
{
	const struct rev *r = &a->ev[i];
	struct ledger_ref ref;
	memset(&ref, 0, sizeof(ref));
	ref.kind = r->kind;
	ref.amount = r->moved;
	ref.from = r->from;
	ref.to = r->to;
	snprintf(ref.actor, sizeof(ref.actor), "%s", r->actor);
	int p = r->kind == EV_PAYMENT ? i
		: r->kind == EV_ATTEST || r->kind == EV_EXECUTE || ledger_kind_bank(r->kind) ? r->pay
											     : -1;
	if (p >= 0) {
		ref.attested = a->ev[p].attested;
		ref.executed = a->ev[p].executed;
		ref.corrected = a->ev[p].corrected;
		ref.accepted = a->ev[p].accepted;
		ref.booked = a->ev[p].booked;
		ref.rejected = a->ev[p].rejected;
	}
	ref.ref_corrected = r->corrected;
	return ref;
}

/* pick_event: an event of a, a payment more often than not; -1 if none. */
static int pick_event(const struct racct *a, bool prefer_payment)
{
	if (a->n == 0)
		return -1;
	if (prefer_payment && rng_below(4) != 0) {
		int pays[RMAXEV], np = 0;
		for (int i = 0; i < a->n; i++)
			if (a->ev[i].kind == EV_PAYMENT)
				pays[np++] = i;
		if (np)
			return pays[rng_below((uint64_t)np)];
	}
	/* Recent events more often: that is where uncorrected ones are. */
	int span = a->n < 20 || rng_below(2) ? a->n : 20;
	return a->n - 1 - (int)rng_below((uint64_t)span);
}

static int64_t some_amount(int64_t room, int64_t alloc)
{
	switch (rng_below(20)) {
	case 0: return 0;
	case 1: return -1 - (int64_t)rng_below(1000);
	case 2: return room + 1 + (int64_t)rng_below(1000);
	case 3: return alloc + 1 + (int64_t)rng_below((uint64_t)alloc + 1);
	case 4: return room;
	default: return room > 0 ? 1 + (int64_t)rng_below((uint64_t)room) : 1 + (int64_t)rng_below(1000);
	}
}

static void test_conservation(void)
{
	static const enum event_kind weighted[] = {
		EV_REQUISITION, EV_REQUISITION, EV_REQUISITION, EV_LAPSE,          EV_PAYMENT,   EV_PAYMENT,
		EV_PAYMENT,     EV_ATTEST,      EV_ATTEST,      EV_ATTEST,         EV_EXECUTE,   EV_EXECUTE,
		EV_EXECUTE,     EV_REPAY_CLAIM, EV_REPORT,      EV_REPAY_RECEIVE,  EV_CORRECTION, EV_CORRECTION,
		EV_CORRECTION,  EV_BANK_ACCEPT, EV_BANK_BOOK,   EV_BANK_REJECT,    EV_BANK_RETURN,
		EV_ALLOC_RAISE, EV_ALLOC_REDUCE,
		EV_COUNT, /* a kind ledger_apply does not know */
	};
	static const char *const bad_dates[] = {"2021-02-30", "2021-1-01", "", "2021-13-13"};
	static struct racct accts[RACCTS];
	rng_seed(20240611);
	for (int i = 0; i < RACCTS; i++)
		racct_open(&accts[i]);
	long accepted[EV_COUNT + 1] = {0}, refused[EV_COUNT + 1] = {0};
	long unbalanced = 0, changed_on_refusal = 0, wrong_move = 0, check_disagrees = 0, epochs = RACCTS;
	long first_bad = -1;
	struct bd_error err = {0};
	for (long call = 0; call < RCALLS; call++) {
		struct racct *a = &accts[rng_below(RACCTS)];
		if (a->n == RMAXEV || a->tries == RMAXTRY) {
			racct_open(a);
			epochs++;
		}
		a->tries++;
		const struct ledger_balance *b = &a->b;
		enum event_kind kind = weighted[rng_below(sizeof(weighted) / sizeof(weighted[0]))];

		/* The date: mostly on or after the latest, sometimes before, sometimes not a date. */
		char date[DATE_LEN];
		uint64_t dr = rng_below(100);
		if (dr < 2) {
			set_date(date, bad_dates[rng_below(4)]);
		} else if (dr < 7) {
			int back = a->day - 1 - (int)rng_below(30);
			day_iso(back < 0 ? 0 : back, date);
		} else {
			if (rng_below(3) == 0)
				a->day += 1 + (int)rng_below(3);
			day_iso(a->day, date);
		}
		const char *actor = ractors[rng_below(3)];
		if (rng_below(50) == 0)
			actor = rng_below(2) ? NULL : "";

		int64_t room;
		switch (kind) {
		case EV_REQUISITION: room = b->b[B_AVAIL]; break;
		case EV_PAYMENT: room = b->b[a->t->mode == PAY_REQUISITION ? B_REQUISITIONED : B_AVAIL]; break;
		case EV_REPAY_CLAIM: room = b->b[B_PAID]; break;
		case EV_REPAY_RECEIVE: room = b->b[B_CLAIMED]; break;
		case EV_REPORT: room = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID]; break;
		case EV_ALLOC_RAISE: room = b->allocated; break;
		case EV_ALLOC_REDUCE: room = b->b[B_AVAIL] > 0 ? b->b[B_AVAIL] : b->b[B_REQUISITIONED]; break;
		default: room = 0; break;
		}
		struct ledger_event e = ev(kind, date, actor, some_amount(room, b->allocated));
		if (kind == EV_REPORT && rng_below(3) == 0)
			e.amount = (int64_t)rng_below((uint64_t)room + 1);
		if (kind == EV_LAPSE || kind == EV_ATTEST || kind == EV_EXECUTE || kind == EV_CORRECTION ||
		    ledger_kind_bank(kind))
			e.amount = rng_below(8) == 0 ? some_amount(room, b->allocated) : 0;
		uint64_t orr = rng_below(8);
		e.override = orr == 0 ? "beslut om undantag" : orr == 1 ? "" : NULL;
		e.received_given = rng_below(2);

		int target = -1;
		struct ledger_ref ref;
		memset(&ref, 0, sizeof(ref));
		const struct ledger_ref *refp = NULL;
		if (ledger_kind_refers(kind)) {
			target = rng_below(40) == 0 ? -1 : pick_event(a, kind != EV_CORRECTION);
			if (target >= 0) {
				ref = ref_to(a, target);
				refp = &ref;
			}
		}

		struct ledger_balance before;
		memcpy(&before, b, sizeof(before));
		int rc = ledger_apply(&a->b, a->t, &e, refp, &err);
		int slot = kind < EV_COUNT ? (int)kind : EV_COUNT;
		bool bad = false;
		if (rc != 0) {
			refused[slot]++;
			if (memcmp(&before, b, sizeof(before)) != 0 || e.moved != 0) {
				changed_on_refusal++;
				bad = true;
			}
		} else {
			accepted[slot]++;
			/* Exactly e.moved from e.from to e.to, nothing else. */
			bool right = e.moved >= 0 && strcmp(b->last_date, e.date) == 0;
			/* An allocation raised or reduced (or such a change corrected)
			 * moves from or to no bucket, and the allocation with it. */
			bool outside = kind == EV_ALLOC_RAISE || kind == EV_ALLOC_REDUCE ||
				       (kind == EV_CORRECTION && (ref.kind == EV_ALLOC_RAISE || ref.kind == EV_ALLOC_REDUCE));
			bool from_ok = e.from >= 0 && e.from < B_COUNT, to_ok = e.to >= 0 && e.to < B_COUNT;
			if (e.moved > 0 && (outside ? from_ok == to_ok || (!from_ok && e.from != B_NONE) ||
							  (!to_ok && e.to != B_NONE)
						    : !from_ok || !to_ok || e.from == e.to))
				right = false;
			if (b->allocated != before.allocated + (e.from == B_NONE ? e.moved : 0) - (e.to == B_NONE ? e.moved : 0))
				right = false;
			for (int i = 0; right && i < B_COUNT; i++) {
				int64_t want = before.b[i] - (i == (int)e.from ? e.moved : 0) + (i == (int)e.to ? e.moved : 0);
				if (b->b[i] != want)
					right = false;
			}
			if ((kind == EV_REQUISITION || kind == EV_PAYMENT || kind == EV_REPAY_CLAIM ||
			     kind == EV_REPAY_RECEIVE || kind == EV_ALLOC_RAISE || kind == EV_ALLOC_REDUCE) &&
			    e.moved != e.amount)
				right = false;
			if ((kind == EV_ATTEST || kind == EV_EXECUTE || kind == EV_BANK_REJECT || kind == EV_BANK_RETURN) &&
			    e.moved != ref.amount)
				right = false;
			if ((kind == EV_BANK_ACCEPT || kind == EV_BANK_BOOK) && e.moved != 0)
				right = false;
			if (kind == EV_LAPSE && (e.moved != before.b[B_AVAIL] || b->b[B_AVAIL] != 0))
				right = false;
			if (!right) {
				wrong_move++;
				bad = true;
			}
		}
		/* The invariants, checked here and by ledger_balance_check. */
		int64_t sum = 0;
		bool neg = false;
		for (int i = 0; i < B_COUNT; i++) {
			sum += b->b[i];
			neg = neg || b->b[i] < 0;
		}
		bool holds = !neg && sum == b->allocated && b->reports >= 0;
		if (!holds) {
			unbalanced++;
			bad = true;
		}
		if ((ledger_balance_check(b, &err) == 0) != holds) {
			check_disagrees++;
			bad = true;
		}
		if (bad && first_bad < 0) {
			first_bad = call;
			diag("call %ld: %s on %s, amount %lld, ref %d: rc %d (%s)", call, event_kind_name(kind), date,
			     (long long)e.amount, target, rc, rc ? err.msg : "accepted");
			diag_balance("before", &before);
			diag_balance("after", b);
		}

		/* The model: remember accepted events and the state of payments. */
		if (rc == 0 && kind < EV_COUNT) {
			struct rev *r = &a->ev[a->n];
			memset(r, 0, sizeof(*r));
			r->kind = kind;
			r->moved = e.moved;
			r->from = e.from;
			r->to = e.to;
			r->actor = actor;
			r->pay = -1;
			if (kind == EV_ATTEST || kind == EV_EXECUTE || ledger_kind_bank(kind)) {
				const struct rev *t = &a->ev[target];
				r->pay = t->kind == EV_PAYMENT ? target : t->pay;
				struct rev *py = &a->ev[r->pay];
				if (kind == EV_ATTEST)
					py->attested = true;
				else if (kind == EV_EXECUTE)
					py->executed = true;
				else if (kind == EV_BANK_ACCEPT)
					py->accepted = true;
				else if (kind == EV_BANK_BOOK)
					py->booked = true;
				else
					py->rejected = true;
			}
			if (kind == EV_CORRECTION) {
				struct rev *t = &a->ev[target];
				t->corrected = true;
				if (t->kind == EV_ATTEST)
					a->ev[t->pay].attested = false;
			}
			a->n++;
		}
	}
	ok(unbalanced == 0, "conservation: after each of %d random calls no bucket is below zero and the buckets add "
			    "up to the allocation (%ld violations)",
	   RCALLS, unbalanced);
	ok(check_disagrees == 0, "conservation: ledger_balance_check agrees with an independent sum (%ld disagreements)",
	   check_disagrees);
	ok(changed_on_refusal == 0, "conservation: a refused call never changes the balance (%ld did)",
	   changed_on_refusal);
	ok(wrong_move == 0, "conservation: an accepted call moves exactly e.moved from e.from to e.to (%ld did not)",
	   wrong_move);
	long total_acc = 0, total_ref = 0;
	bool all_kinds = true;
	for (int k = 0; k <= EV_COUNT; k++) {
		total_acc += accepted[k];
		total_ref += refused[k];
		diag("%-14s accepted %6ld  refused %6ld", k < EV_COUNT ? event_kind_name((enum event_kind)k) : "(unknown)",
		     accepted[k], refused[k]);
		if (k < EV_COUNT && (accepted[k] < 20 || refused[k] < 20))
			all_kinds = false;
	}
	diag("%ld accounts opened, %ld accepted, %ld refused", epochs, total_acc, total_ref);
	ok(total_acc + total_ref == RCALLS, "conservation: %d calls made", RCALLS);
	ok(all_kinds, "conservation: every kind of event was both accepted and refused at least 20 times");
	ok(accepted[EV_COUNT] == 0, "conservation: an unknown event kind is always refused");
}

/* ---- every branch (make coverage: 100 % of ledger.c) ------------------- */

static void test_branches(void)
{
	struct ledger_event e;
	struct bd_error err;
	/* an actor's name past LEDGER_ACTOR_MAX bytes is refused */
	char longname[LEDGER_ACTOR_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	struct acct a = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-02-01", longname, KR(1));
	refuse(&a, &e, NULL, "an actor of 101 bytes", "longer than 100 bytes", NULL);
	longname[LEDGER_ACTOR_MAX] = '\0';
	e = ev(EV_PAYMENT, "2021-02-01", longname, KR(1));
	accept(&a, &e, NULL, B_AVAIL, B_REGISTERED, KR(1), "an actor of 100 bytes");
	/* a kind that is none */
	e = ev(EV_COUNT, "2021-02-01", "anna", KR(1));
	refuse(&a, &e, NULL, "the kind EV_COUNT", "unknown event kind", NULL);
	e = ev((enum event_kind)99, "2021-02-01", "anna", KR(1));
	refuse(&a, &e, NULL, "kind 99", "unknown event kind", NULL);
	/* raised out of range */
	e = ev(EV_ALLOC_RAISE, "2021-02-01", "anna", INT64_MAX / 4);
	refuse(&a, &e, NULL, "an allocation raised past INT64_MAX / 4", "out of range", NULL);
	/* a requisition after the right lapsed, under a deadline moved later
	 * since (an amended decision): the lapse is named */
	struct ledger_terms ext = T_REQ;
	set_date(ext.deadline, "2021-12-31");
	struct acct l = mk_acct(&T_REQ, ALLOC);
	e = ev(EV_LAPSE, "2021-07-01", "anna", 0);
	accept(&l, &e, NULL, B_AVAIL, B_LAPSED, ALLOC, "a lapse after the deadline");
	l.t = &ext;
	e = ev(EV_REQUISITION, "2021-07-02", "anna", KR(100));
	refuse(&l, &e, NULL, "a requisition after a lapse, the deadline moved", "has lapsed", "10 000 kr lapsed",
	       NULL);
	/* an execution outside the window with the payment's override */
	struct acct w = mk_acct(&T_WIN, ALLOC);
	e = ev(EV_PAYMENT, "2021-03-01", "anna", KR(500));
	accept(&w, &e, NULL, B_AVAIL, B_REGISTERED, KR(500), "a payment in the window");
	struct ledger_ref p = ref_of(&e);
	e = ev(EV_ATTEST, "2021-03-02", "bertil", 0);
	accept(&w, &e, &p, B_REGISTERED, B_ATTESTED, KR(500), "attested");
	p.attested = true;
	e = ev(EV_EXECUTE, "2021-04-15", "system", 0);
	refuse(&w, &e, &p, "executed after the window", "window", NULL);
	p.overridden = true;
	e = ev(EV_EXECUTE, "2021-04-15", "system", 0);
	accept(&w, &e, &p, B_ATTESTED, B_PAID, KR(500), "executed after the window with an override");
	ok(ledger_committed(&w.b) == KR(500), "committed: the 500 kr paid");

	/* ledger_check_decided: within the decision, beyond it with and
	 * without an override */
	ok(ledger_check_decided(1000, KR(1000), KR(10), NULL, "1", &err) == 0, "decided: up to the decided amount");
	ok(ledger_check_decided(1000, KR(1001), KR(10), "rättelse, beslut 2021-03-01", "1", &err) == 0,
	   "decided: beyond it with an override");
	ok(ledger_check_decided(1000, KR(1001), KR(10), "", "1", &err) == -1 &&
		   has_all(err.msg, "part '1'", "1 001 kr", "1 kr beyond", "1 000 kr", "override", NULL),
	   "decided: beyond it with an empty override is refused: %s", err.msg);
	ok(ledger_check_decided(1000, KR(1001), KR(10), NULL, "1", &err) == -1, "decided: and without one");

	/* ledger_input_digest: identity_only leaves out who and why; a long
	 * field goes through the heap */
	struct ledger_input in = {.kind = EV_PAYMENT, .dnr = "S2021/1", .part = "1", .recipient = "01",
				  .date = "2021-02-01", .actor = "anna", .amount = KR(5), .reason = "x"};
	char d1[65], d2[65], d3[65], d4[65];
	ledger_input_digest(&in, false, d1);
	ledger_input_digest(&in, true, d2);
	in.actor = "bertil";
	in.reason = NULL;
	ledger_input_digest(&in, false, d3);
	ledger_input_digest(&in, true, d4);
	ok(strcmp(d1, d3) != 0 && strcmp(d2, d4) == 0 && strcmp(d1, d2) != 0 && strlen(d1) == 64,
	   "digest: the actor and reason count, except for the identity");
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	in.reason = big;
	ledger_input_digest(&in, false, d1);
	big[10] = 'y';
	ledger_input_digest(&in, false, d2);
	ok(strcmp(d1, d2) != 0 && strlen(d1) == 64, "digest: a reason of 3 000 bytes counts whole");
	/* The bytes digested are fixed (ledger_event.digest of events recorded
	 * before must still match a retry): kind, amount and the requisition
	 * flag in decimal, then the fields, each ended by \x1f (\x1e when
	 * absent).  The expected digests are Python's
	 * hashlib.blake2b(b"2\x1f-123456789012\x1f1\x1fS2021/1\x1f1\x1f01\x1f\x1e"
	 * b"2021-02-01\x1f\x1eanna\x1f\x1e\x1e\x1e", digest_size=32), and the
	 * same for the identity (flag 0, the first six fields). */
	struct ledger_input fixed = {.kind = EV_PAYMENT, .dnr = "S2021/1", .part = "1", .recipient = "01",
				     .date = "2021-02-01", .actor = "anna", .amount = -123456789012,
				     .received_given = true};
	unsigned char bin[LEDGER_DIGEST_LEN];
	ledger_input_digest(&fixed, false, d1);
	ledger_input_digest(&fixed, true, d2);
	ledger_input_digest_bin(&fixed, false, bin);
	sodium_bin2hex(d3, sizeof(d3), bin, sizeof(bin));
	ok(strcmp(d1, "cfc261324b6e02aaba6e52c85ae713130ce15aec1681b222fad8bd1d829d645f") == 0 && strcmp(d1, d3) == 0,
	   "digest: the bytes digested are as they were (%s), the 32 bytes are what the hex spells", d1);
	ok(strcmp(d2, "3bf3ab533f60a5a88aa5629f69b345f2ce4512911e55e24f1bbf8d48729c6fe0") == 0,
	   "digest: and of the identity (%s)", d2);

	/* states */
	ok(strcmp(payment_state_name(PAYMENT_REGISTERED), "registered") == 0 &&
		   strcmp(payment_state_name(PAYMENT_EXECUTED), "executed") == 0 &&
		   strcmp(payment_state_name((enum payment_state)7), "?") == 0,
	   "payment state names, and '?' for none");
	ok(payment_state_parse("attested") == PAYMENT_ATTESTED && payment_state_parse("executed") == PAYMENT_EXECUTED &&
		   payment_state_parse("registered") == PAYMENT_REGISTERED && payment_state_parse("paid") == -1,
	   "payment states parse, and 'paid' is none");
	ok(payment_state_of(false, false) == PAYMENT_REGISTERED && payment_state_of(true, false) == PAYMENT_ATTESTED &&
		   payment_state_of(false, true) == PAYMENT_EXECUTED && payment_state_of(true, true) == PAYMENT_EXECUTED,
	   "a payment's state: executed wins");
	ok(strcmp(bank_state_name(BANK_RETURNED), "returned") == 0 &&
		   strcmp(bank_state_name((enum bank_state)BANK_STATE_COUNT), "?") == 0 &&
		   strcmp(bank_state_sv(BANK_ACCEPTED), "godkänd av banken") == 0 &&
		   strcmp(bank_state_sv((enum bank_state)9), "?") == 0,
	   "bank state names, Swedish too, and '?' for none");
	ok(bank_state_of(true, true, true, true) == BANK_RETURNED && bank_state_of(true, true, true, false) == BANK_REJECTED &&
		   bank_state_of(true, true, false, false) == BANK_BOOKED &&
		   bank_state_of(true, false, false, false) == BANK_ACCEPTED &&
		   bank_state_of(false, false, false, false) == BANK_SENT,
	   "a payment's bank state: returned, rejected, booked, accepted, sent, in that order");

	/* payee organisation codes */
	char code[32], tiny[8];
	ledger_payee_org_code(code, sizeof(code), "222000-1651", 0);
	ok(strcmp(code, "ORG-2220001651") == 0, "org code of 222000-1651: %s", code);
	ledger_payee_org_code(code, sizeof(code), "222000-1651", 2);
	ok(strcmp(code, "ORG-2220001651-3") == 0, "the third of that orgnr: %s", code);
	ledger_payee_org_code(code, sizeof(code), NULL, 0);
	ok(strcmp(code, "ORG-X") == 0, "org code without an orgnr: %s", code);
	ledger_payee_org_code(code, sizeof(code), "2220", 1);
	ok(strcmp(code, "ORG-2220-2") == 0, "a short orgnr: %s", code);
	ledger_payee_org_code(tiny, sizeof(tiny), "222000-1651", 1);
	ok(strcmp(tiny, "ORG-222") == 0, "cut to the buffer, with no number after: %s", tiny);
}

int main(void)
{
	terms_init();
	test_names();
	test_open_and_check();
	test_generic();
	test_requisition();
	test_lapse();
	test_payment();
	test_attest_execute();
	test_bank();
	test_repayment();
	test_report_corrections();
	test_report_late();
	test_corrections();
	test_figures();
	test_conservation();
	test_branches();
	return tap_done();
}
