/* test-findkey.c: the rounding rules of a published table and the search
 * for its key (findkey.h).
 *
 * Fixed cases check the half-up-with-residual rule, the per-row comparison
 * and its one-line text, the simplest fraction and the base interval.
 * Property cases (fixed seeds, xorshift64*): a table made by apportion()
 * from a random rule (one key, base + key, two keys weighted p/q) under a
 * random rounding rule is found back by fk_search with that rule, exactly;
 * the same table with one row 1 kr off matches nothing under largest
 * remainder and comes closest with exactly that row.  The simplest fraction
 * is checked against a brute-force search over denominators. */
#include <gmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apportion.h"
#include "findkey.h"
#include "money.h"
#include "prng.h"
#include "tap.h"

static const char *ids3[] = {"a", "b", "c"};

static void weights_of(struct apportion_weights *w, size_t n, const int64_t *v)
{
	struct apportion_key k = {v, {1, 1}, "k"};
	struct bd_error err;
	apportion_weights_init(w);
	if (apportion_weights_mix(w, n, 1, &k, &err))
		abort();
}

static void test_half_up_adjusted(void)
{
	struct apportion_weights w;
	int64_t eq[3] = {1, 1, 1}, amount[3];
	weights_of(&w, 3, eq);
	struct bd_error err;
	struct apportion_spec s = {&w, ids3, 100, 0, 1, APPORTION_HALF_UP};
	ok(round_amounts(&s, ROUND_HALF_UP, amount, &err) == 0 && amount[0] == 33 && amount[1] == 33 && amount[2] == 33,
	   "half-up of 100 in thirds: 33 each (residual 1)");
	ok(round_amounts(&s, ROUND_HALF_UP_ADJUSTED, amount, &err) == 0 && amount[0] == 34 && amount[1] == 33 &&
		   amount[2] == 33,
	   "half-up adjusted: the residual +1 goes to the largest weight, on a tie the smallest id ('a')");
	s.total = 200;
	ok(round_amounts(&s, ROUND_HALF_UP_ADJUSTED, amount, &err) == 0 && amount[0] == 66 && amount[1] == 67 &&
		   amount[2] == 67,
	   "half-up adjusted of 200 in thirds: 67 each is 201, so 'a' gets 66");
	ok(round_amounts(&s, ROUND_LARGEST_REMAINDER, amount, &err) == 0 && amount[0] + amount[1] + amount[2] == 200,
	   "largest remainder sums to the total");
	apportion_weights_release(&w);

	int64_t v[3] = {1, 5, 2};
	weights_of(&w, 3, v);
	s.total = 10; /* quotas 1,25 6,25 2,5: half-up 1 6 3 = 10, no residual */
	ok(round_amounts(&s, ROUND_HALF_UP_ADJUSTED, amount, &err) == 0 && amount[0] == 1 && amount[1] == 6 &&
		   amount[2] == 3,
	   "no residual: half-up adjusted is half-up");
	s.total = 14; /* quotas 1,75 8,75 3,5: half-up 2 9 4 = 15 */
	ok(round_amounts(&s, ROUND_HALF_UP_ADJUSTED, amount, &err) == 0 && amount[0] == 2 && amount[1] == 8 &&
		   amount[2] == 4,
	   "residual -1 on the largest weight ('b'), not the first row");
	int64_t zero[3] = {0, 0, 5}, residual = -6;
	int64_t before[3];
	memcpy(before, zero, sizeof(zero));
	ok(apportion_residual_to_largest(&s, zero, &residual, &err) != 0 && memcmp(zero, before, sizeof(zero)) == 0 &&
		   residual == -6 && strstr(err.msg, "cannot be put on the largest recipient"),
	   "a residual that would make the largest amount negative is refused, nothing changed: %s", err.msg);
	apportion_weights_release(&w);
}

static void test_compare_text(void)
{
	int64_t pub[4] = {10, 20, 30, 40}, comp[4] = {10, 21, 30, 37};
	struct round_outcome o = {0};
	round_compare(&o, 4, pub, comp);
	ok(o.ndiff == 2 && o.absdiff == 4 && o.mindiff == 1 && o.maxdiff == 3 && o.diff[1] == -1 && o.diff[3] == 3,
	   "round_compare: 2 rows differ, by -1 and +3");
	const char *names[4] = {"A", "B", "C", "D"};
	char *t = round_outcome_text(&o, names, 30);
	ok(strcmp(t, "2 rader av 4 avviker med 1–3 kr: B -1 kr, D +3 kr") == 0, "text: '%s'", t);
	free(t);
	t = round_outcome_text(&o, names, 1);
	ok(strcmp(t, "2 rader av 4 avviker med 1–3 kr: B -1 kr, … och 1 till") == 0, "text, one row named: '%s'", t);
	free(t);
	round_compare(&o, 4, pub, pub);
	t = round_outcome_text(&o, names, 30);
	ok(o.ndiff == 0 && strcmp(t, "alla 4 rader stämmer") == 0, "text when all match: '%s'", t);
	free(t);
	memcpy(comp, pub, sizeof(comp));
	comp[2] = 29;
	round_compare(&o, 4, pub, comp);
	t = round_outcome_text(&o, names, 30);
	ok(strcmp(t, "1 rad av 4 avviker med 1 kr: C +1 kr") == 0, "text, one row: '%s'", t);
	free(t);
	round_outcome_release(&o);
}

static bool simplest_is(const char *lo, const char *hi, const char *want)
{
	mpq_t a, b, r, w;
	mpq_inits(a, b, r, w, NULL);
	mpq_set_str(a, lo, 10);
	mpq_set_str(b, hi, 10);
	mpq_set_str(w, want, 10);
	mpq_canonicalize(a);
	mpq_canonicalize(b);
	mpq_canonicalize(w);
	bool got = fk_simplest_fraction(a, b, 1000000000, r);
	bool okk = got && mpq_equal(r, w);
	if (!okk) {
		char *s = mpq_get_str(NULL, 10, r);
		diag("simplest in [%s, %s]: got %s (%d), want %s", lo, hi, s, got, want);
		free(s);
	}
	mpq_clears(a, b, r, w, NULL);
	return okk;
}

static void test_simplest(void)
{
	ok(simplest_is("3/10", "2/5", "1/3"), "simplest in [0.3, 0.4] is 1/3");
	ok(simplest_is("7/10", "141/200", "7/10"), "simplest in [0.70, 0.705] is 7/10 (an end counts)");
	ok(simplest_is("701/1000", "18/25", "5/7"), "simplest in [0.701, 0.72] is 5/7");
	ok(simplest_is("69999999/10000000000", "70000001/10000000000", "7/1000"),
	   "simplest in 0.007 +- 1e-10 is 7/1000");
	ok(simplest_is("2", "3", "2"), "an integer end");
	ok(simplest_is("5/2", "5/2", "5/2"), "a point");
	ok(simplest_is("0", "1/1000", "0"), "zero is the simplest");
	/* against brute force: the smallest q with some p/q in [lo, hi] */
	rng_seed(17);
	size_t bad = 0;
	mpq_t lo, hi, r, x;
	mpq_inits(lo, hi, r, x, NULL);
	for (int c = 0; c < 2000; c++) {
		unsigned long d1 = 1 + rng_below(5000), d2 = 1 + rng_below(5000);
		unsigned long n1 = rng_below(d1), n2 = rng_below(d2);
		mpq_set_ui(lo, n1, d1);
		mpq_set_ui(hi, n2, d2);
		mpq_canonicalize(lo);
		mpq_canonicalize(hi);
		if (mpq_cmp(lo, hi) > 0)
			mpq_swap(lo, hi);
		unsigned long want_q = 0, want_p = 0;
		for (unsigned long q = 1; q <= 5000 && !want_q; q++) {
			/* p = ceil(lo * q) */
			mpz_t p;
			mpz_init(p);
			mpz_mul_ui(p, mpq_numref(lo), q);
			mpz_cdiv_q(p, p, mpq_denref(lo));
			mpq_set_num(x, p);
			mpz_set_ui(mpq_denref(x), q);
			mpq_canonicalize(x);
			if (mpq_cmp(x, hi) <= 0) {
				want_q = q;
				want_p = mpz_get_ui(p);
			}
			mpz_clear(p);
		}
		if (!fk_simplest_fraction(lo, hi, 1000000000, r) || mpz_cmp_ui(mpq_denref(r), want_q) != 0 ||
		    mpq_cmp(r, lo) < 0 || mpq_cmp(r, hi) > 0) {
			if (bad++ < 5)
				diag("case %d: [%lu/%lu, %lu/%lu]: want %lu/%lu", c, n1, d1, n2, d2, want_p, want_q);
		}
	}
	mpq_clears(lo, hi, r, x, NULL);
	ok(bad == 0, "simplest fraction = brute force over denominators on 2000 random intervals (%zu wrong)", bad);
}

/* ---- the search ----------------------------------------------------------- */

#define MAXN 60

struct table {
	size_t n;
	char idbuf[MAXN][24];
	const char *id[MAXN];
	int64_t key[3][MAXN];
	struct fk_key keys[3];
	int64_t amount[MAXN];
	int64_t total;
};

static void random_table(struct table *t)
{
	t->n = 10 + rng_below(MAXN - 10);
	static const char *names[3] = {"k0", "k1", "k2"};
	for (size_t i = 0; i < t->n; i++) {
		snprintf(t->idbuf[i], sizeof(t->idbuf[i]), "%02zu", i);
		t->id[i] = t->idbuf[i];
		for (int k = 0; k < 3; k++)
			t->key[k][i] = 1000 + (int64_t)rng_below(2000000);
	}
	for (int k = 0; k < 3; k++)
		t->keys[k] = (struct fk_key){names[k], t->key[k]};
	t->total = 10000000 + (int64_t)rng_below(2000000000);
}

static bool has_match(const struct fk_result *res, enum fk_form form, size_t k0, size_t k1, struct rat weight,
		      int64_t base, enum round_rule rule)
{
	for (size_t i = 0; i < res->nmatch; i++) {
		const struct fk_candidate *c = &res->match[i];
		if (c->form != form || !fk_candidate_exact(c, rule))
			continue;
		if ((form == FK_KEY || form == FK_BASE_KEY) && c->key[0] != k0)
			continue;
		if (form == FK_BASE_KEY && c->base != base)
			continue;
		if (form == FK_TWO_KEYS && !(c->key[0] == k0 && c->key[1] == k1 && rat_cmp(c->weight, weight) == 0))
			continue;
		return true;
	}
	return false;
}

static void test_search(void)
{
	rng_seed(4242);
	size_t bad = 0, cases = 300, perturbed_bad = 0;
	for (size_t c = 0; c < cases; c++) {
		struct table t;
		random_table(&t);
		enum fk_form form = (enum fk_form)(1 + rng_below(3)); /* key, base+key, two keys */
		enum round_rule rule = (enum round_rule)rng_below(ROUND_NRULES);
		size_t k0 = rng_below(3), k1 = (k0 + 1 + rng_below(2)) % 3;
		if (k1 < k0) {
			size_t x = k0;
			k0 = k1;
			k1 = x;
		}
		int64_t den = 2 + (int64_t)rng_below(11);
		struct rat weight = rat_make(1 + (int64_t)rng_below((uint64_t)den - 1), den);
		int64_t base = form == FK_BASE_KEY ? 1 + (int64_t)rng_below((uint64_t)(t.total / (int64_t)t.n / 2)) : 0;
		struct apportion_weights w;
		apportion_weights_init(&w);
		struct bd_error err;
		if (form == FK_TWO_KEYS) {
			struct apportion_key keys[2] = {{t.key[k0], weight, "a"},
							{t.key[k1], rat_make(weight.den - weight.num, weight.den), "b"}};
			if (apportion_weights_mix(&w, t.n, 2, keys, &err))
				abort();
		} else {
			struct apportion_key key = {t.key[k0], {1, 1}, "k"};
			if (apportion_weights_mix(&w, t.n, 1, &key, &err))
				abort();
		}
		struct apportion_spec spec = {&w, t.id, t.total, base, 1, APPORTION_LARGEST_REMAINDER};
		if (round_amounts(&spec, rule, t.amount, &err))
			abort();
		apportion_weights_release(&w);

		struct fk_input in = {t.n, t.id, t.amount, t.total, 1, 3, t.keys};
		struct fk_result res;
		fk_result_init(&res);
		if (fk_search(&in, &res, &err) || !has_match(&res, form, k0, k1, weight, base, rule)) {
			if (bad++ < 5)
				diag("case %zu: n %zu, total %lld, form %s, rule %s, keys %zu %zu, weight %lld/%lld, base %lld: "
				     "not found (%zu matches, %zu tried)",
				     c, t.n, (long long)t.total, fk_form_id(form), round_rule_id(rule), k0, k1,
				     (long long)weight.num, (long long)weight.den, (long long)base, res.nmatch, res.ntried);
		}
		fk_result_release(&res);

		/* One row 1 kr up: nothing sums to the total under largest
		 * remainder, and the closest differs on that row alone. */
		if (rule == ROUND_LARGEST_REMAINDER) {
			size_t row = rng_below(t.n);
			t.amount[row]++;
			fk_result_init(&res);
			const struct fk_candidate *cl = &res.closest[ROUND_LARGEST_REMAINDER];
			if (fk_search(&in, &res, &err) || fk_candidate_exact(cl, ROUND_LARGEST_REMAINDER) ||
			    cl->out[ROUND_LARGEST_REMAINDER].ndiff != 1 || cl->out[ROUND_LARGEST_REMAINDER].diff[row] != 1) {
				for (size_t i = 0; i < res.nmatch; i++)
					if (fk_candidate_exact(&res.match[i], ROUND_LARGEST_REMAINDER))
						diag("case %zu: a match under largest remainder after a 1 kr change", c);
				if (perturbed_bad++ < 5)
					diag("case %zu: perturbed row %zu: closest differs on %zu rows", c, row,
					     cl->out[ROUND_LARGEST_REMAINDER].ndiff);
			}
			fk_result_release(&res);
		}
	}
	ok(bad == 0, "%zu random tables (one key, base + key, two keys p/q with q <= 12; every rounding rule) "
		     "found back with their rule (%zu not)", cases, bad);
	ok(perturbed_bad == 0, "a largest-remainder table with one row 1 kr up matches no key under largest "
			       "remainder, and the closest differs on that row by +1 (%zu not)", perturbed_bad);
}

static void test_search_fixed(void)
{
	/* A table made by 1/3 of k0 + 2/3 of k1, and an exotic weight 7/1000
	 * found exactly from the table (no fraction with q <= 100 fits). */
	struct table t;
	rng_seed(99);
	random_table(&t);
	t.n = 40;
	t.total = 750000000;
	struct rat ws[2] = {{1, 3}, {7, 1000}};
	for (int c = 0; c < 2; c++) {
		struct apportion_key keys[2] = {{t.key[0], ws[c], "a"},
						{t.key[1], rat_make(ws[c].den - ws[c].num, ws[c].den), "b"}};
		struct apportion_weights w;
		apportion_weights_init(&w);
		struct bd_error err;
		if (apportion_weights_mix(&w, t.n, 2, keys, &err))
			abort();
		struct apportion_spec spec = {&w, t.id, t.total, 0, 1, APPORTION_LARGEST_REMAINDER};
		if (round_amounts(&spec, ROUND_HALF_UP, t.amount, &err))
			abort();
		apportion_weights_release(&w);
		struct fk_input in = {t.n, t.id, t.amount, t.total, 1, 3, t.keys};
		struct fk_result res;
		fk_result_init(&res);
		int rc = fk_search(&in, &res, &err);
		ok(rc == 0 && has_match(&res, FK_TWO_KEYS, 0, 1, ws[c], 0, ROUND_HALF_UP),
		   "two keys weighted %lld/%lld, half-up, found exactly", (long long)ws[c].num, (long long)ws[c].den);
		if (res.nmatch) {
			char *s = fk_candidate_text(&res.match[0], t.keys);
			diag("first match: %s", s);
			free(s);
		}
		fk_result_release(&res);
	}

	/* The base interval of a table with base 500 000 holds 500 000 and is narrow. */
	int64_t key[21];
	const char *id[21];
	char idb[21][16];
	for (int i = 0; i < 21; i++) {
		key[i] = 50000 + 100000 * i + 7 * i * i;
		snprintf(idb[i], sizeof(idb[i]), "%02d", i);
		id[i] = idb[i];
	}
	struct apportion_weights w;
	weights_of(&w, 21, key);
	int64_t amount[21];
	struct bd_error err;
	struct apportion_spec spec = {&w, id, 46000000, 500000, 1, APPORTION_LARGEST_REMAINDER};
	if (round_amounts(&spec, ROUND_LARGEST_REMAINDER, amount, &err))
		abort();
	struct fk_input in = {21, id, amount, 46000000, 1, 0, NULL};
	int64_t lo, hi;
	bool got = fk_base_interval(&in, &w, NULL, 1, &lo, &hi);
	ok(got && lo <= 500000 && 500000 <= hi && hi - lo <= 2, "base interval [%lld, %lld] holds 500 000",
	   (long long)lo, (long long)hi);
	in.total = 46000000;
	spec.base = 0;
	if (round_amounts(&spec, ROUND_LARGEST_REMAINDER, amount, &err))
		abort();
	ok(!fk_base_interval(&in, &w, NULL, 1, &lo, &hi), "a table without a base allows no base >= 1 kr");
	apportion_weights_release(&w);

	/* Bad input. */
	struct fk_result res;
	fk_result_init(&res);
	struct fk_input empty = {0, NULL, NULL, 100, 1, 0, NULL};
	ok(fk_search(&empty, &res, &err) != 0 && strstr(err.msg, "no rows"), "no rows: %s", err.msg);
	int64_t neg[2] = {5, -1};
	const char *id2[2] = {"a", "b"};
	struct fk_input negative = {2, id2, neg, 4, 1, 0, NULL};
	ok(fk_search(&negative, &res, &err) != 0 && strstr(err.msg, "negative amount"), "a negative amount: %s",
	   err.msg);
	fk_result_release(&res);

	/* Proportional keys. */
	int64_t a[3] = {1, 2, 3}, b[3] = {10, 20, 30}, c[3] = {10, 20, 31};
	ok(fk_proportional(3, a, b) && !fk_proportional(3, a, c), "fk_proportional");
}

int main(void)
{
	test_half_up_adjusted();
	test_compare_text();
	test_simplest();
	test_search_fixed();
	test_search();
	return tap_done();
}
