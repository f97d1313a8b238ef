/* test-keyimpact: what a corrected key changes for a part (core's
 * keyimpact.h): the part recomputed exactly by its own rule, and the
 * proposal for an account, carried out through the ledger's own rules
 * (ledger_apply with allocation-raise, payment, allocation-reduce and
 * repay-claim), after which nothing is proposed again.  Random accounts and
 * corrections, a fixed seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "keyimpact.h"
#include "ledger.h"
#include "refdata.h"
#include "refload.h"
#include "prng.h"
#include "tap.h"

/* A part over n recipients ("R001", ...) by one key. */
struct fake_part {
	struct part p;
	struct rule_key key;
	const char *codes[400];
	char names[400][24];
};

static void fake_part(struct fake_part *f, size_t n, int64_t amount, int64_t base, int64_t unit)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		snprintf(f->names[i], sizeof(f->names[i]), "R%03zu", i);
		f->codes[i] = f->names[i];
	}
	f->key = (struct rule_key){.dataset = "k", .weight = {1, 1}};
	f->p.id = "del";
	f->p.amount = amount;
	f->p.codes = f->codes;
	f->p.ncodes = n;
	f->p.rule = (struct rule){.method = RULE_KEY, .keys = &f->key, .nkeys = 1, .base = base, .unit = unit,
				  .rounding = APPORTION_LARGEST_REMAINDER};
}

static int recompute(const struct fake_part *f, const int64_t *values, int version, int64_t *amount,
		     struct bd_error *err)
{
	const struct key_values kv = {"k", f->p.ncodes, (const char **)f->p.codes, values, 0, version, NULL};
	const struct key_values *keys[] = {&kv};
	return keyimpact_recompute(&f->p, keys, amount, err);
}

/* carry_out: the proposal as the ledger's events on b, all on one day;
 * returns how many the ledger refused (0 expected) and adds to *applied
 * what the events changed of the key's allocation. */
static int carry_out(struct ledger_balance *b, const struct ledger_terms *t, const struct keyimpact_proposal *q,
		     int64_t *applied, struct bd_error *err)
{
	struct {
		enum event_kind kind;
		int64_t amount, sign;
	} steps[] = {
		{EV_ALLOC_RAISE, q->raise, 1},     {EV_PAYMENT, q->pay, 0},     {EV_ALLOC_REDUCE, q->reduce_avail, -1},
		{EV_ALLOC_REDUCE, q->reduce_req, -1}, {EV_REPAY_CLAIM, q->claim, -1},
	};
	int refused = 0;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (!steps[i].amount)
			continue;
		struct ledger_event e = {.kind = steps[i].kind, .date = "2024-06-01", .actor = "anna",
					 .amount = steps[i].amount};
		if (ledger_apply(b, t, &e, NULL, err)) {
			diag("refused: %s %lld: %s", event_kind_name(e.kind), (long long)e.amount, err->msg);
			refused++;
		} else {
			*applied += steps[i].sign * steps[i].amount;
		}
	}
	return refused;
}

static void test_recompute(void)
{
	struct bd_error err;
	struct fake_part f;
	fake_part(&f, 3, 1000, 0, 1);
	int64_t v1[] = {1, 1, 1}, a[3];
	ok(recompute(&f, v1, 1, a, &err) == 0 && a[0] + a[1] + a[2] == 1000 && a[0] == 334 && a[1] == 333,
	   "1 000 kr by three equal values: 334, 333, 333 (largest remainder, lower code first)");
	int64_t v2[] = {2, 1, 1}, b2[3];
	ok(recompute(&f, v2, 2, b2, &err) == 0 && b2[0] == 500 && b2[1] == 250 && b2[2] == 250,
	   "by 2:1:1: 500, 250, 250");
	int64_t v0[] = {0, 0, 0};
	ok(recompute(&f, v0, 3, a, &err) == -1, "a key of zeros cannot carry the part: %s", err.msg);
	f.p.rule.method = RULE_LIST;
	ok(recompute(&f, v1, 1, a, &err) == -1 && strstr(err.msg, "lists its amounts"), "a listed part has no key");

	/* Property: swapping two recipients' values swaps exactly their
	 * amounts, under largest remainder, whatever the part. */
	int bad = 0;
	for (int round = 0; round < 400; round++) {
		size_t n = 2 + (size_t)rng_below(290);
		int64_t unit = rng_below(4) == 0 ? 1000 : 1;
		int64_t base = rng_below(4) == 0 ? (int64_t)rng_below(5) * unit : 0;
		int64_t amount = (base * (int64_t)n + (int64_t)(1 + rng_below(1000000)) * unit);
		fake_part(&f, n, amount, base, unit);
		int64_t *v = calloc(n, sizeof(*v)), *w = calloc(n, sizeof(*w)), *then = calloc(n, sizeof(*then)),
			*now = calloc(n, sizeof(*now));
		for (size_t i = 0; i < n; i++)
			v[i] = 1 + (int64_t)rng_below(1000000);
		size_t x = (size_t)rng_below(n), y = (x + 1 + (size_t)rng_below(n - 1)) % n;
		memcpy(w, v, n * sizeof(*v));
		w[x] = v[y];
		w[y] = v[x];
		if (recompute(&f, v, 1, then, &err) || recompute(&f, w, 2, now, &err)) {
			bad++;
			continue;
		}
		int64_t st = 0, sn = 0;
		size_t others = 0;
		for (size_t i = 0; i < n; i++) {
			st += then[i];
			sn += now[i];
			others += i != x && i != y && then[i] != now[i];
		}
		/* A tie of remainders between the two and a third may move a
		 * unit (the ripple); otherwise only the two swap. */
		bool swapped = now[x] == then[y] && now[y] == then[x];
		if (st != amount || sn != amount || (!swapped && others == 0) || others > 2)
			bad++;
		free(v);
		free(w);
		free(then);
		free(now);
	}
	ok(bad == 0, "400 random parts with two values swapped: both sums exact, the two amounts swapped, any ripple "
		     "a unit on at most two others (%d bad)",
	   bad);
}

static void test_cases(void)
{
	struct bd_error err;
	struct ledger_terms t = {.mode = PAY_WITHOUT_REQUISITION, .decision_date = "2024-03-01"};
	struct keyimpact_proposal q;
	struct ledger_balance b;

	/* The case: a recipient paid in full whose population was too
	 * high: claim back what was paid beyond now. */
	ledger_open(&b, 200315000);
	b.b[B_AVAIL] = 0;
	b.b[B_PAID] = 200315000;
	keyimpact_propose(2003150, 1435688, 0, &b, t.mode, &q);
	ok(q.claim == 56746200 && !q.raise && !q.pay && !q.reduce_avail, "paid in full, now lower: claim 567 462 kr");
	/* The other, paid in full, now higher: raise and pay the rise. */
	ledger_open(&b, 143568800);
	b.b[B_AVAIL] = 0;
	b.b[B_PAID] = 143568800;
	keyimpact_propose(1435688, 2003150, 0, &b, t.mode, &q);
	ok(q.raise == 56746200 && q.pay == 56746200 && !q.claim, "paid in full, now higher: raise and pay 567 462 kr");
	int64_t applied = 0;
	ok(carry_out(&b, &t, &q, &applied, &err) == 0 && b.allocated == 200315000 && b.b[B_REGISTERED] == 56746200,
	   "carried out: the allocation is 2 003 150 kr, the rise registered for attestation");
	keyimpact_propose(1435688, 2003150, applied, &b, t.mode, &q);
	ok(keyimpact_empty(&q), "and nothing is proposed again");

	/* Nothing paid yet: only the allocation changes. */
	ledger_open(&b, 100000);
	keyimpact_propose(1000, 1500, 0, &b, t.mode, &q);
	ok(q.raise == 50000 && !q.pay && q.later, "nothing paid yet, higher: raised, paid with the part's payments");
	keyimpact_propose(1000, 400, 0, &b, t.mode, &q);
	ok(q.reduce_avail == 60000 && !q.claim, "nothing paid yet, lower: reduced by the unpaid 600 kr");

	/* Half paid, much lower: the unpaid half goes, then what was paid
	 * beyond now is claimed. */
	ledger_open(&b, 60000);
	b.b[B_AVAIL] = 30000;
	b.b[B_PAID] = 30000;
	keyimpact_propose(600, 200, 0, &b, t.mode, &q);
	ok(q.reduce_avail == 30000 && q.claim == 10000, "half paid, now 200 of 600: reduce 300 unpaid, claim 100");

	/* A payment in process beyond the corrected allocation is named, not
	 * moved. */
	ledger_open(&b, 60000);
	b.b[B_AVAIL] = 0;
	b.b[B_REGISTERED] = 60000;
	keyimpact_propose(600, 500, 0, &b, t.mode, &q);
	ok(keyimpact_empty(&q) && q.excess_pending == 10000, "600 kr registered, now 500: 100 kr beyond it named");

	/* After requisition: the rise waits for a requisition; a cut takes
	 * what is requisitioned and unpaid once nothing is available. */
	struct ledger_terms tr = {.mode = PAY_REQUISITION, .decision_date = "2024-03-01", .deadline = "2024-12-31"};
	ledger_open(&b, 60000);
	b.b[B_AVAIL] = 0;
	b.b[B_REQUISITIONED] = 60000;
	keyimpact_propose(600, 700, 0, &b, tr.mode, &q);
	ok(q.raise == 10000 && !q.pay && q.later, "after requisition, higher: raised, paid on requisition");
	keyimpact_propose(600, 450, 0, &b, tr.mode, &q);
	applied = 0;
	ok(q.reduce_req == 15000 && carry_out(&b, &tr, &q, &applied, &err) == 0 && b.b[B_REQUISITIONED] == 45000 &&
		   b.allocated == 45000,
	   "after requisition, lower: the requisitioned and unpaid is reduced (allocation-reduce from requisitioned)");
	/* The right lapsed, nothing requisitioned: a rise lapses too. */
	ledger_open(&b, 60000);
	b.b[B_AVAIL] = 0;
	b.b[B_LAPSED] = 60000;
	keyimpact_propose(600, 700, 0, &b, tr.mode, &q);
	ok(q.lapsed && keyimpact_empty(&q), "the right lapsed: nothing proposed");

	/* The ledger's own rules for the new kinds. */
	ledger_open(&b, 10000);
	struct ledger_event e = {.kind = EV_ALLOC_REDUCE, .date = "2024-06-01", .actor = "anna", .amount = 20000};
	ok(ledger_apply(&b, &t, &e, NULL, &err) == -1 && strstr(err.msg, "claim a repayment for the rest"),
	   "a reduction beyond the unpaid is refused: %s", err.msg);
	e = (struct ledger_event){.kind = EV_ALLOC_RAISE, .date = "2024-01-01", .actor = "anna", .amount = 100};
	ok(ledger_apply(&b, &t, &e, NULL, &err) == -1 && strstr(err.msg, "before the decision"),
	   "a raise dated before the decision is refused");
	e = (struct ledger_event){.kind = EV_ALLOC_RAISE, .date = "2024-06-01", .actor = "anna", .amount = 0};
	ok(ledger_apply(&b, &t, &e, NULL, &err) == -1, "a raise of nothing is refused");
	/* A raise corrected: the allocation back. */
	e = (struct ledger_event){.kind = EV_ALLOC_RAISE, .date = "2024-06-01", .actor = "anna", .amount = 500};
	ok(ledger_apply(&b, &t, &e, NULL, &err) == 0 && b.allocated == 10500 && b.b[B_AVAIL] == 10500, "raised by 5 kr");
	struct ledger_ref ref = {.kind = EV_ALLOC_RAISE, .amount = 500, .from = B_NONE, .to = B_AVAIL};
	struct ledger_event c = {.kind = EV_CORRECTION, .date = "2024-06-02", .actor = "bo"};
	ok(ledger_apply(&b, &t, &c, &ref, &err) == 0 && b.allocated == 10000 && b.b[B_AVAIL] == 10000 &&
		   ledger_balance_check(&b, &err) == 0,
	   "the raise corrected: the allocation is what it was");
}

/* Property: any account, any correction: the proposal carried out through
 * ledger_apply is accepted whole, brings the key's allocation to now
 * (less what is in payments not yet executed beyond it), never claims more
 * than was paid, and is not proposed again. */
static void test_carried_out(void)
{
	struct bd_error err;
	int refused = 0, wrong = 0, again = 0, overclaim = 0;
	for (int round = 0; round < 20000; round++) {
		bool req = rng_below(3) == 0;
		struct ledger_terms t = {.mode = req ? PAY_REQUISITION : PAY_WITHOUT_REQUISITION,
					 .decision_date = "2024-03-01"};
		if (req)
			memcpy(t.deadline, "2024-12-31", DATE_LEN);
		int64_t then = (int64_t)rng_below(5000000);
		struct ledger_balance b;
		ledger_open(&b, then * 100);
		/* Spread the allocation over the buckets a part of its mode uses. */
		int64_t left = then * 100;
		enum bucket order[] = {B_PAID, B_REGISTERED, B_ATTESTED, B_CLAIMED, B_REQUISITIONED};
		b.b[B_AVAIL] = 0;
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			if (order[i] == B_REQUISITIONED && !req)
				continue;
			int64_t x = rng_below(3) == 0 ? 0 : (int64_t)rng_below((uint64_t)left + 1);
			b.b[order[i]] = x;
			left -= x;
		}
		b.b[B_AVAIL] = left;
		int64_t now = rng_below(5) == 0 ? then : (int64_t)rng_below((uint64_t)then * 2 + 2);
		/* Earlier corrections carried out: say, none, or a claim. */
		int64_t applied = -b.b[B_CLAIMED];
		struct keyimpact_proposal q;
		keyimpact_propose(then, now, applied, &b, t.mode, &q);
		int64_t paid_before = b.b[B_PAID];
		if (q.claim > paid_before)
			overclaim++;
		int64_t got = applied;
		refused += carry_out(&b, &t, &q, &got, &err);
		if (then * 100 + got - q.excess_pending != now * 100)
			wrong++;
		struct keyimpact_proposal q2;
		keyimpact_propose(then, now, got, &b, t.mode, &q2);
		if (!keyimpact_empty(&q2))
			again++;
		if (ledger_balance_check(&b, &err))
			wrong++;
	}
	ok(refused == 0, "20 000 random accounts: every event of the proposal is accepted by the ledger (%d refused)",
	   refused);
	ok(wrong == 0, "the key's allocation becomes the corrected one, less what is in unexecuted payments (%d wrong)",
	   wrong);
	ok(overclaim == 0, "no claim beyond what was paid (%d)", overclaim);
	ok(again == 0, "carried out, nothing is proposed again (%d)", again);
}

int main(void)
{
	struct bd_error err;
	rng_seed(20260301);
	if (!ok(refdata_load(&err) == 0, "reference data: %s", err.msg))
		return tap_done();
	test_recompute();
	test_cases();
	test_carried_out();
	return tap_done();
}
