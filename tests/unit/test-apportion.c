/* test-apportion.c: apportion() against a slow, obviously correct reference
 * written here with GMP rationals.
 *
 * The reference: quota q_i = base + rest * w_i / sum(w), rest = total -
 * n*base.  Largest remainder: floor(q_i / unit) for everyone, then the units
 * left over go to the recipients sorted (qsort over all n) by fractional part
 * descending, weight descending, id ascending (strcmp).  Half-up: each
 * floor(q_i / unit + 1/2).  Amounts are those unit counts times the unit.
 *
 * Random cases use fixed seeds (xorshift64*), so a failure is reproducible;
 * the diagnostics name the group and case number. */
#include <gmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apportion.h"
#include "money.h"
#include "prng.h"
#include "tap.h"

/* ---- PRNG ------------------------------------------------------------- */


/* [lo, hi], inclusive */
static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below((uint64_t)(hi - lo) + 1);
}

/* A random int64 >= 0 whose bit length is uniform in 0..63. */
static int64_t rng_int64_bits(void)
{
	int bits = (int)rng_below(64);
	return bits ? (int64_t)(rng() & ((UINT64_C(1) << bits) - 1)) : 0;
}

static void shuffle(size_t *perm, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(i);
		size_t t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

/* ---- GMP helpers ------------------------------------------------------ */

static void mpz_set_u128x(mpz_t z, u128 v)
{
	mpz_set_ui(z, (unsigned long)(uint64_t)(v >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)v);
}

static bool mpz_fits_u128(const mpz_t z)
{
	return mpz_sgn(z) >= 0 && mpz_sizeinbase(z, 2) <= 128;
}

static u128 mpz_get_u128x(const mpz_t z)
{
	mpz_t t;
	mpz_init(t);
	mpz_tdiv_q_2exp(t, z, 64);
	u128 hi = mpz_get_ui(t);
	mpz_tdiv_r_2exp(t, z, 64);
	u128 lo = mpz_get_ui(t);
	mpz_clear(t);
	return hi << 64 | lo;
}

/* ---- the reference ---------------------------------------------------- */

static mpq_t *ref_frac, *ref_w;
static const char *const *ref_id;

static int ref_rank(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = mpq_cmp(ref_frac[b], ref_frac[a]); /* larger fraction first */
	if (c)
		return c;
	c = mpq_cmp(ref_w[b], ref_w[a]); /* larger weight first */
	if (c)
		return c;
	return strcmp(ref_id[a], ref_id[b]); /* smaller id first */
}

/* ref_apportion: w[0..n) non-negative rationals, not all zero (unless the
 * rest is zero).  quota[] (may be NULL) receives the exact quotas. */
static void ref_apportion(size_t n, mpq_t *w, const char *const *id, int64_t total, int64_t base, int64_t unit,
			  enum apportion_method method, int64_t *out, mpq_t *quota)
{
	mpq_t W, q, t, half;
	mpz_t f, sumf;
	mpq_inits(W, q, t, half, NULL);
	mpz_inits(f, sumf, NULL);
	mpq_set_ui(half, 1, 2);
	for (size_t i = 0; i < n; i++)
		mpq_add(W, W, w[i]);
	int64_t rest = total - (int64_t)n * base;
	mpq_t *frac = malloc(n * sizeof(mpq_t));
	int64_t *units = malloc(n * sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		/* q = base + rest * w_i / W */
		if (mpq_sgn(W) == 0) {
			mpq_set_ui(q, 0, 1);
		} else {
			mpq_div(q, w[i], W);
			mpq_set_si(t, rest, 1);
			mpq_mul(q, q, t);
		}
		mpq_set_si(t, base, 1);
		mpq_add(q, q, t);
		if (quota)
			mpq_set(quota[i], q);
		/* in units */
		mpq_set_si(t, unit, 1);
		mpq_div(q, q, t);
		mpq_init(frac[i]);
		if (method == APPORTION_HALF_UP) {
			mpq_add(t, q, half);
			mpz_fdiv_q(f, mpq_numref(t), mpq_denref(t));
			units[i] = mpz_get_si(f);
		} else {
			mpz_fdiv_q(f, mpq_numref(q), mpq_denref(q));
			units[i] = mpz_get_si(f);
			mpz_add(sumf, sumf, f);
			mpq_set_z(t, f);
			mpq_sub(frac[i], q, t);
		}
	}
	if (method == APPORTION_LARGEST_REMAINDER) {
		mpz_t left;
		mpz_init_set_si(left, total / unit);
		mpz_sub(left, left, sumf);
		long k = mpz_get_si(left);
		if (k < 0 || (size_t)k > n)
			fprintf(stderr, "reference: %ld leftover units for %zu recipients\n", k, n), abort();
		size_t *order = malloc(n * sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		ref_frac = frac;
		ref_w = w;
		ref_id = id;
		qsort(order, n, sizeof(size_t), ref_rank);
		for (long j = 0; j < k; j++)
			units[order[j]]++;
		free(order);
		mpz_clear(left);
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = units[i] * unit;
		mpq_clear(frac[i]);
	}
	free(frac);
	free(units);
	mpq_clears(W, q, t, half, NULL);
	mpz_clears(f, sumf, NULL);
}

/* ---- problems --------------------------------------------------------- */

enum mode {
	MODE_MIX,  /* keys mixed by apportion_weights_mix */
	MODE_U128, /* integer weights given directly, 128-bit */
	MODE_MPZ,  /* integer weights given directly, GMP */
};

#define MAXKEYS 4

struct problem {
	size_t n;
	const char **id;
	enum mode mode;
	size_t nkeys;
	int64_t *val[MAXKEYS];
	struct rat kw[MAXKEYS];
	mpz_t *N; /* MODE_U128, MODE_MPZ */
};

static int diag_budget = 40;

#define FAILF(...)                                                                                                     \
	do {                                                                                                           \
		if (diag_budget > 0) {                                                                                 \
			diag_budget--;                                                                                 \
			diag(__VA_ARGS__);                                                                             \
		}                                                                                                      \
	} while (0)

/* build: the weights of p with recipients in the order perm (perm[j] is the
 * original index at position j; NULL = identity).  Returns apportion_weights_mix's
 * status (0 for direct modes). */
static int build(const struct problem *p, const size_t *perm, struct apportion_weights *w, struct bd_error *err)
{
	size_t n = p->n;
	if (p->mode == MODE_MIX) {
		struct apportion_key keys[MAXKEYS];
		int64_t *v[MAXKEYS];
		for (size_t j = 0; j < p->nkeys; j++) {
			v[j] = malloc((n ? n : 1) * sizeof(int64_t));
			for (size_t i = 0; i < n; i++)
				v[j][i] = p->val[j][perm ? perm[i] : i];
			keys[j] = (struct apportion_key){v[j], p->kw[j], "k"};
		}
		int rc = apportion_weights_mix(w, n, p->nkeys, keys, err);
		for (size_t j = 0; j < p->nkeys; j++)
			free(v[j]);
		return rc;
	}
	apportion_weights_release(w);
	mpz_init(w->sum);
	w->n = n;
	if (p->mode == MODE_U128) {
		w->small = malloc((n ? n : 1) * sizeof(u128));
		w->small_sum = 0;
		for (size_t i = 0; i < n; i++) {
			w->small[i] = mpz_get_u128x(p->N[perm ? perm[i] : i]);
			w->small_sum += w->small[i];
		}
		mpz_set_u128x(w->sum, w->small_sum);
	} else {
		w->big = malloc((n ? n : 1) * sizeof(mpz_t));
		for (size_t i = 0; i < n; i++) {
			mpz_init_set(w->big[i], p->N[perm ? perm[i] : i]);
			mpz_add(w->sum, w->sum, w->big[i]);
		}
	}
	return 0;
}

/* The exact weights (shares up to a common factor) for the reference. */
static void ref_weights(const struct problem *p, mpq_t *w)
{
	if (p->mode != MODE_MIX) {
		for (size_t i = 0; i < p->n; i++)
			mpq_set_z(w[i], p->N[i]);
		return;
	}
	mpq_t t, s;
	mpq_inits(t, s, NULL);
	for (size_t i = 0; i < p->n; i++)
		mpq_set_ui(w[i], 0, 1);
	for (size_t j = 0; j < p->nkeys; j++) {
		mpz_t S;
		mpz_init(S);
		for (size_t i = 0; i < p->n; i++)
			mpz_add_ui(S, S, (unsigned long)p->val[j][i]);
		/* kw_j / S_j */
		mpz_t num, den;
		mpz_inits(num, den, NULL);
		mpz_set_si(num, (long)p->kw[j].num);
		mpz_set_si(den, (long)p->kw[j].den);
		mpz_mul(den, den, S);
		mpq_set_num(s, num);
		mpq_set_den(s, den);
		mpq_canonicalize(s);
		for (size_t i = 0; i < p->n; i++) {
			mpq_set_si(t, p->val[j][i], 1);
			mpq_mul(t, t, s);
			mpq_add(w[i], w[i], t);
		}
		mpz_clears(num, den, S, NULL);
	}
	mpq_clears(t, s, NULL);
}

static int64_t checked_cases;

/* check: apportion p against the reference, then again with the recipients
 * shuffled; returns 0 when every check holds. */
static int check(const struct problem *p, int64_t total, int64_t base, int64_t unit, enum apportion_method method,
		 const char *what, int caseno)
{
	size_t n = p->n;
	int bad = 0;
	struct bd_error err = {0};
	struct apportion_weights w;
	apportion_weights_init(&w);
	int64_t *got = malloc(n * sizeof(int64_t)), *want = malloc(n * sizeof(int64_t));
	int64_t *got2 = malloc(n * sizeof(int64_t));
	mpq_t *rw = malloc(n * sizeof(mpq_t)), *quota = malloc(n * sizeof(mpq_t));
	for (size_t i = 0; i < n; i++) {
		mpq_init(rw[i]);
		mpq_init(quota[i]);
	}
	checked_cases++;
	if (build(p, NULL, &w, &err)) {
		FAILF("%s #%d: building the weights failed: %s", what, caseno, err.msg);
		bad = 1;
		goto out;
	}
	struct apportion_spec spec = {&w, p->id, total, base, unit, method};
	int64_t residual = 12345;
	if (apportion(&spec, got, &residual, &err)) {
		FAILF("%s #%d: apportion failed: %s (n=%zu total=%lld base=%lld unit=%lld)", what, caseno, err.msg, n,
		      (long long)total, (long long)base, (long long)unit);
		bad = 1;
		goto out;
	}
	ref_weights(p, rw);
	ref_apportion(n, rw, p->id, total, base, unit, method, want, quota);

	int64_t sum = 0;
	mpq_t lo, hi, a, u, W;
	mpq_inits(lo, hi, a, u, W, NULL);
	mpq_set_si(u, unit, 1);
	for (size_t k = 0; k < n; k++)
		mpq_add(W, W, rw[k]);
	for (size_t i = 0; i < n; i++) {
		sum += got[i];
		if (got[i] != want[i]) {
			if (!bad)
				FAILF("%s #%d: %s gets %lld, the reference %lld (n=%zu total=%lld base=%lld unit=%lld %s)",
				      what, caseno, p->id[i], (long long)got[i], (long long)want[i], n, (long long)total,
				      (long long)base, (long long)unit, method == APPORTION_HALF_UP ? "half-up" : "lr");
			bad = 1;
		}
		/* quota rule: unit*floor(q/unit) <= a <= unit*ceil(q/unit) */
		mpq_div(a, quota[i], u);
		mpz_fdiv_q(mpq_numref(lo), mpq_numref(a), mpq_denref(a));
		mpz_set_ui(mpq_denref(lo), 1);
		mpz_cdiv_q(mpq_numref(hi), mpq_numref(a), mpq_denref(a));
		mpz_set_ui(mpq_denref(hi), 1);
		mpq_mul(lo, lo, u);
		mpq_mul(hi, hi, u);
		mpq_set_si(a, got[i], 1);
		if (mpq_cmp(a, lo) < 0 || mpq_cmp(a, hi) > 0) {
			FAILF("%s #%d: %s gets %lld, outside its quota's units", what, caseno, p->id[i], (long long)got[i]);
			bad = 1;
		}
		/* apportion_share is the exact normalised weight */
		apportion_share(&w, i, lo);
		mpq_set_ui(hi, 0, 1);
		if (mpq_sgn(W))
			mpq_div(hi, rw[i], W);
		if (!mpq_equal(lo, hi)) {
			FAILF("%s #%d: apportion_share(%zu) is not the exact share", what, caseno, i);
			bad = 1;
		}
		/* apportion_quota is the exact quota */
		apportion_quota(&spec, i, lo);
		if (!mpq_equal(lo, quota[i])) {
			FAILF("%s #%d: apportion_quota(%zu) is not the exact quota", what, caseno, i);
			bad = 1;
		}
	}
	mpq_clears(lo, hi, a, u, W, NULL);
	if (residual != total - sum) {
		FAILF("%s #%d: residual %lld, but total - sum = %lld", what, caseno, (long long)residual,
		      (long long)(total - sum));
		bad = 1;
	}
	if (method == APPORTION_LARGEST_REMAINDER && sum != total) {
		FAILF("%s #%d: the amounts add up to %lld, not %lld", what, caseno, (long long)sum, (long long)total);
		bad = 1;
	}

	/* The same problem with the recipients in another order. */
	size_t *perm = malloc(n * sizeof(size_t));
	const char **pid = malloc(n * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	shuffle(perm, n);
	for (size_t i = 0; i < n; i++)
		pid[i] = p->id[perm[i]];
	struct apportion_weights w2;
	apportion_weights_init(&w2);
	if (build(p, perm, &w2, &err) == 0) {
		struct apportion_spec spec2 = {&w2, pid, total, base, unit, method};
		int64_t residual2;
		if (apportion(&spec2, got2, &residual2, &err) == 0) {
			for (size_t j = 0; j < n; j++)
				if (got2[j] != got[perm[j]]) {
					FAILF("%s #%d: after shuffling, %s gets %lld instead of %lld", what, caseno, pid[j],
					      (long long)got2[j], (long long)got[perm[j]]);
					bad = 1;
					break;
				}
			if (residual2 != residual) {
				FAILF("%s #%d: the residual depends on the order", what, caseno);
				bad = 1;
			}
		} else {
			FAILF("%s #%d: shuffled apportion failed: %s", what, caseno, err.msg);
			bad = 1;
		}
	} else {
		FAILF("%s #%d: shuffled build failed: %s", what, caseno, err.msg);
		bad = 1;
	}
	apportion_weights_release(&w2);
	free(perm);
	free(pid);
out:
	apportion_weights_release(&w);
	for (size_t i = 0; i < n; i++) {
		mpq_clear(rw[i]);
		mpq_clear(quota[i]);
	}
	free(rw);
	free(quota);
	free(got);
	free(got2);
	free(want);
	return bad;
}

/* ---- random problems -------------------------------------------------- */

/* Unique ids from a small alphabet with two-byte letters, so that byte
 * order matters and some ids are prefixes of others. */
static const char **make_ids(size_t n)
{
	static const char *const alpha[] = {"a", "b", "B", "0", "-", "\xC3\xA5" /* å */, "\xC3\xB6" /* ö */, "z"};
	const char **id = malloc(n * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		char buf[64];
		for (;;) {
			size_t len = 1 + rng_below(5), o = 0;
			for (size_t k = 0; k < len; k++) {
				const char *l = alpha[rng_below(BD_ARRAY_LEN(alpha))];
				memcpy(buf + o, l, strlen(l));
				o += strlen(l);
			}
			buf[o] = '\0';
			bool dup = false;
			for (size_t k = 0; k < i && !dup; k++)
				dup = strcmp(id[k], buf) == 0;
			if (!dup)
				break;
		}
		id[i] = strdup(buf);
	}
	return id;
}

static void free_ids(const char **id, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)id[i]);
	free(id);
}

enum wdist {
	W_0_3,      /* 0..3: many ties and zeros */
	W_0_1,      /* 0 or 1 */
	W_EQUAL,    /* all the same */
	W_MILLION,  /* 0..10^6 */
	W_INT64,    /* up to INT64_MAX, any bit length */
	W_SPARSE,   /* mostly zero */
	W_POW2,     /* 1, 2, 4, 8: exact halves abound */
	W_NEAR_MAX, /* INT64_MAX minus a little */
	W_NDIST
};

static const char *const wdist_name[] = {"0..3", "0..1", "equal", "0..10^6", "int64", "sparse", "powers of 2",
					 "near INT64_MAX"};

static void random_values(int64_t *v, size_t n, enum wdist d)
{
	int64_t c = rng_range(1, 1000000);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		switch (d) {
		case W_0_3: v[i] = rng_range(0, 3); break;
		case W_0_1: v[i] = rng_range(0, 1); break;
		case W_EQUAL: v[i] = c; break;
		case W_MILLION: v[i] = rng_range(0, 1000000); break;
		case W_INT64: v[i] = rng_int64_bits(); break;
		case W_SPARSE: v[i] = rng_below(10) == 0 ? rng_range(1, 1000) : 0; break;
		case W_POW2: v[i] = (int64_t)1 << rng_below(4); break;
		case W_NEAR_MAX: v[i] = INT64_MAX - rng_range(0, 3); break;
		default: v[i] = 1;
		}
		any |= v[i] != 0;
	}
	if (!any)
		v[rng_below(n)] = rng_range(1, 3);
}

/* A random total, base and unit for n recipients; the rest is a multiple of
 * the unit under largest remainder. */
static void random_amounts(size_t n, enum apportion_method method, int64_t *total, int64_t *base, int64_t *unit)
{
	static const int64_t units[] = {1, 1, 100, 100000};
	*unit = units[rng_below(4)];
	int64_t tunits;
	switch (rng_below(4)) {
	case 0: tunits = (int64_t)rng_below(n); break; /* fewer units than recipients */
	case 1: tunits = rng_range(0, 1000000); break;
	case 2: tunits = rng_range(0, 1000000000000000 / *unit); break;
	default: tunits = rng_range(1000000000000000 / *unit / 2, 1000000000000000 / *unit); break; /* huge */
	}
	*base = 0;
	if (rng_below(2)) {
		int64_t maxb = tunits / (int64_t)n; /* in units */
		*base = rng_range(0, maxb) * *unit;
	}
	*total = tunits * *unit;
	if (method == APPORTION_HALF_UP && rng_below(3) == 0)
		*total += rng_range(0, *unit - 1); /* half-up takes any total */
}

static void random_group(const char *what, uint64_t seed, int cases, enum mode mode, enum wdist dist,
			 enum apportion_method method, size_t maxn)
{
	rng_seed(seed);
	int bad = 0;
	for (int c = 0; c < cases; c++) {
		struct problem p = {0};
		p.n = 1 + rng_below(maxn);
		if (c % 10 == 0)
			p.n = 1 + rng_below(5);
		p.mode = mode;
		p.id = make_ids(p.n);
		int64_t *v = malloc(p.n * sizeof(int64_t));
		random_values(v, p.n, dist);
		if (mode == MODE_MIX) {
			p.nkeys = 1;
			p.val[0] = v;
			p.kw[0] = (struct rat){1, 1};
		} else {
			p.N = malloc(p.n * sizeof(mpz_t));
			for (size_t i = 0; i < p.n; i++) {
				mpz_init_set_si(p.N[i], v[i]);
				if (mode == MODE_U128 && v[i]) { /* spread over 100 bits */
					mpz_mul_2exp(p.N[i], p.N[i], (mp_bitcnt_t)rng_below(37));
				} else if (mode == MODE_MPZ && v[i]) { /* beyond 128 bits */
					mpz_mul_2exp(p.N[i], p.N[i], 150);
					if (c % 2) /* every other case: break the ties a little */
						mpz_add_ui(p.N[i], p.N[i], (unsigned long)rng_below(3));
				}
			}
		}
		int64_t total, base, unit;
		random_amounts(p.n, method, &total, &base, &unit);
		bad += check(&p, total, base, unit, method, what, c);
		if (p.N) {
			for (size_t i = 0; i < p.n; i++)
				mpz_clear(p.N[i]);
			free(p.N);
		}
		free(v);
		free_ids(p.id, p.n);
	}
	ok(bad == 0, "%s: %d random cases equal the reference, order-independent (%d wrong)", what, cases, bad);
}

static void test_random(void)
{
	static const char *const mname[] = {"mix", "u128", "mpz"};
	uint64_t seed = 1;
	for (int mode = MODE_MIX; mode <= MODE_MPZ; mode++)
		for (int d = 0; d < W_NDIST; d++)
			for (int m = 0; m < 2; m++) {
				char what[128];
				snprintf(what, sizeof(what), "%s weights %s, %s", mname[mode], wdist_name[d],
					 m ? "half-up" : "largest remainder");
				int cases = mode == MODE_MIX ? 300 : 100;
				random_group(what, seed++ * 1000003, cases, (enum mode)mode, (enum wdist)d,
					     (enum apportion_method)m, 200);
			}
}

/* ---- mixes ------------------------------------------------------------ */

static void mix_group(const char *what, uint64_t seed, int cases, size_t nkeys, const struct rat *kw,
		      enum wdist dist, bool expect_big)
{
	rng_seed(seed);
	int bad = 0, big_seen = 0;
	for (int c = 0; c < cases; c++) {
		struct problem p = {0};
		p.n = 1 + rng_below(c % 4 == 0 ? 8 : 120);
		p.mode = MODE_MIX;
		p.nkeys = nkeys;
		p.id = make_ids(p.n);
		for (size_t j = 0; j < nkeys; j++) {
			p.val[j] = malloc(p.n * sizeof(int64_t));
			random_values(p.val[j], p.n, dist == W_NDIST ? (enum wdist)rng_below(W_NDIST) : dist);
			p.kw[j] = kw[j];
		}
		struct apportion_weights w;
		struct bd_error err;
		apportion_weights_init(&w);
		if (build(&p, NULL, &w, &err) == 0 && w.big)
			big_seen++;
		apportion_weights_release(&w);
		enum apportion_method method = (enum apportion_method)(c % 2);
		int64_t total, base, unit;
		random_amounts(p.n, method, &total, &base, &unit);
		bad += check(&p, total, base, unit, method, what, c);
		for (size_t j = 0; j < nkeys; j++)
			free(p.val[j]);
		free_ids(p.id, p.n);
	}
	ok(bad == 0, "%s: %d random cases equal the mpq-share reference (%d wrong)", what, cases, bad);
	if (expect_big)
		ok(big_seen == cases, "%s: every case took the GMP path (%d of %d)", what, big_seen, cases);
}

static void test_mix(void)
{
	const struct rat half[] = {{1, 2}, {1, 2}};
	const struct rat third[] = {{1, 3}, {2, 3}};
	const struct rat tenths[] = {{3, 10}, {7, 10}};
	const struct rat sevenths[] = {{1, 7}, {6, 7}};
	const struct rat three[] = {{1, 4}, {1, 4}, {1, 2}};
	const struct rat thirds3[] = {{1, 3}, {1, 3}, {1, 3}};
	const struct rat four[] = {{1, 10}, {1, 5}, {3, 10}, {2, 5}};
	mix_group("mix 1/2 + 1/2", 501, 300, 2, half, W_NDIST, false);
	mix_group("mix 1/2 + 1/2, weights 0..3", 502, 200, 2, half, W_0_3, false);
	mix_group("mix 1/3 + 2/3", 503, 200, 2, third, W_NDIST, false);
	mix_group("mix 3/10 + 7/10", 504, 200, 2, tenths, W_MILLION, false);
	mix_group("mix 1/7 + 6/7", 505, 200, 2, sevenths, W_NDIST, false);
	mix_group("mix 1/4 + 1/4 + 1/2", 506, 200, 3, three, W_NDIST, false);
	mix_group("mix of four keys", 507, 100, 4, four, W_NDIST, false);
	/* Values near INT64_MAX with three keys: the 128-bit products overflow. */
	mix_group("GMP path: three keys near INT64_MAX", 508, 200, 3, thirds3, W_NEAR_MAX, true);
	/* two keys near INT64_MAX mostly overflow too (not for n = 1) */
	mix_group("two keys near INT64_MAX", 509, 200, 2, half, W_NEAR_MAX, false);
	mix_group("GMP path: 1/4 + 1/4 + 1/2 near INT64_MAX", 510, 100, 3, three, W_NEAR_MAX, true);

	/* Weights need not be in lowest terms. */
	{
		const struct rat unreduced[] = {{2, 4}, {3, 6}};
		mix_group("mix 2/4 + 3/6", 511, 50, 2, unreduced, W_NDIST, false);
	}
	/* A concrete mix: the shares are exact. */
	{
		int64_t pop[] = {2374550, 383044, 297169}, ins[] = {10, 30, 60};
		struct apportion_key keys[] = {{pop, {1, 2}, "population"}, {ins, {1, 2}, "insatser"}};
		struct apportion_weights w;
		struct bd_error err;
		apportion_weights_init(&w);
		int rc = apportion_weights_mix(&w, 3, 2, keys, &err);
		mpq_t s, want;
		mpq_inits(s, want, NULL);
		bool exact = rc == 0;
		int64_t S = 2374550 + 383044 + 297169;
		for (size_t i = 0; exact && i < 3; i++) {
			/* 1/2 * pop/S + 1/2 * ins/100 = (100 pop + S ins) / (200 S) */
			mpz_set_si(mpq_numref(want), 100 * pop[i] + S * ins[i]);
			mpz_set_si(mpq_denref(want), 200 * S);
			mpq_canonicalize(want);
			apportion_share(&w, i, s);
			exact = mpq_equal(s, want);
		}
		ok(exact, "1/2 population + 1/2 insatser: exact shares");
		mpq_clears(s, want, NULL);
		apportion_weights_release(&w);
	}

	/* Failures. */
	int64_t a[] = {1, 2, 3}, z[] = {0, 0, 0}, neg[] = {1, -2, 3};
	struct {
		const char *what;
		size_t nkeys;
		struct apportion_key keys[2];
		const char *reason;
	} fails[] = {
		{"weights 1/2 + 1/3 do not sum to 1", 2, {{a, {1, 2}, "a"}, {a, {1, 3}, "b"}}, "expected exactly 1"},
		{"weights 1/2 + 2/3 exceed 1", 2, {{a, {1, 2}, "a"}, {a, {2, 3}, "b"}}, "expected exactly 1"},
		{"a single key weighing 1/2", 1, {{a, {1, 2}, "a"}}, "expected exactly 1"},
		{"a key summing to zero", 2, {{a, {1, 2}, "pop"}, {z, {1, 2}, "zero"}}, "'zero' sums to zero"},
		{"a negative weight", 2, {{a, {-1, 2}, "neg"}, {a, {3, 2}, "b"}}, "'neg' must be positive"},
		{"a zero weight", 2, {{a, {0, 1}, "nil"}, {a, {1, 1}, "b"}}, "'nil' must be positive"},
		{"a negative value", 1, {{neg, {1, 1}, "bad"}}, "'bad' has a negative value"},
		{"no keys", 0, {{a, {1, 1}, "a"}}, "no key"},
	};
	for (size_t f = 0; f < BD_ARRAY_LEN(fails); f++) {
		struct apportion_weights w;
		struct bd_error err = {0};
		apportion_weights_init(&w);
		int rc = apportion_weights_mix(&w, 3, fails[f].nkeys, fails[f].keys, &err);
		bool good = rc == -1 && strstr(err.msg, fails[f].reason);
		if (!good)
			diag("rc %d, message '%s'", rc, err.msg);
		ok(good, "mix fails: %s (%s)", fails[f].what, fails[f].reason);
		apportion_weights_release(&w);
	}

	/* A weights struct can be mixed into twice; the first result is released. */
	{
		struct apportion_weights w;
		struct bd_error err;
		int64_t big[] = {INT64_MAX, INT64_MAX - 1, 5};
		struct apportion_key k3[] = {{big, {1, 3}, "a"}, {big, {1, 3}, "b"}, {a, {1, 3}, "c"}};
		struct apportion_key k1[] = {{a, {1, 1}, "a"}};
		apportion_weights_init(&w);
		int rc1 = apportion_weights_mix(&w, 3, 3, k3, &err);
		bool was_big = w.big != NULL;
		int rc2 = apportion_weights_mix(&w, 3, 1, k1, &err);
		mpq_t s;
		mpq_init(s);
		apportion_share(&w, 2, s);
		ok(rc1 == 0 && was_big && rc2 == 0 && w.big == NULL && mpq_cmp_ui(s, 1, 2) == 0,
		   "mixing again into the same weights replaces them (GMP then 128-bit)");
		mpq_clear(s);
		apportion_weights_release(&w);
	}
}

/* Small weights whose products with the rest overflow 128 bits: apportion
 * falls back to GMP on its own. */
static void test_overflowing_products(void)
{
	rng_seed(777);
	int bad = 0, overflowing = 0;
	const int cases = 200;
	for (int c = 0; c < cases; c++) {
		struct problem p = {0};
		p.n = 1 + rng_below(100);
		p.mode = MODE_U128;
		p.id = make_ids(p.n);
		p.N = malloc(p.n * sizeof(mpz_t));
		for (size_t i = 0; i < p.n; i++) {
			mpz_init(p.N[i]);
			if (c % 2) /* large random weights */
				mpz_set_u128x(p.N[i], ((u128)rng() << 56 | rng() >> 8) >> rng_below(3));
			else /* 0..3 scaled up: equal remainders with unequal weights */
				mpz_set_u128x(p.N[i], (u128)rng_below(4) << 112);
		}
		mpz_set_u128x(p.N[rng_below(p.n)], (u128)1 << 119);
		enum apportion_method method = (enum apportion_method)(c / 2 % 2);
		int64_t unit = c % 3 == 0 ? 100 : 1;
		int64_t total = rng_range(500000000000000, 1000000000000000) / unit * unit, base = 0;
		/* is rest * max N really beyond 128 bits? */
		mpz_t t;
		mpz_init(t);
		mpz_mul_si(t, p.N[0], total);
		for (size_t i = 1; i < p.n; i++) {
			mpz_t u;
			mpz_init(u);
			mpz_mul_si(u, p.N[i], total);
			if (mpz_cmp(u, t) > 0)
				mpz_set(t, u);
			mpz_clear(u);
		}
		overflowing += !mpz_fits_u128(t);
		mpz_clear(t);
		bad += check(&p, total, base, unit, method, "overflowing products", c);
		for (size_t i = 0; i < p.n; i++)
			mpz_clear(p.N[i]);
		free(p.N);
		free_ids(p.id, p.n);
	}
	ok(overflowing == cases, "overflowing products: every case overflows 128 bits (%d of %d)", overflowing, cases);
	ok(bad == 0, "overflowing products: %d cases equal the reference (%d wrong)", cases, bad);
}

/* ---- fixed cases ------------------------------------------------------ */

static int run_equal(size_t n, const char *const *id, int64_t total, int64_t base, int64_t unit,
		     enum apportion_method m, int64_t *amount, int64_t *residual, struct bd_error *err)
{
	struct apportion_weights w;
	apportion_weights_init(&w);
	apportion_weights_equal(&w, n);
	struct apportion_spec spec = {&w, id, total, base, unit, m};
	int rc = apportion(&spec, amount, residual, err);
	apportion_weights_release(&w);
	return rc;
}

static int run_values(size_t n, const int64_t *v, const char *const *id, int64_t total, int64_t base, int64_t unit,
		      enum apportion_method m, int64_t *amount, int64_t *residual, struct bd_error *err)
{
	struct apportion_weights w;
	apportion_weights_init(&w);
	struct apportion_key key = {v, {1, 1}, "key"};
	int rc = apportion_weights_mix(&w, n, 1, &key, err);
	if (rc == 0) {
		struct apportion_spec spec = {&w, id, total, base, unit, m};
		rc = apportion(&spec, amount, residual, err);
	}
	apportion_weights_release(&w);
	return rc;
}

static void test_fixed(void)
{
	int64_t amount[8], residual;
	struct bd_error err;

	/* 80 000 000 among six: two get 13 333 334, the smallest ids. */
	{
		const char *id[] = {"05", "03", "01", "06", "04", "02"};
		int rc = run_equal(6, id, 80000000, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[2] == 13333334 && amount[5] == 13333334 && amount[0] == 13333333 &&
			   amount[1] == 13333333 && amount[3] == 13333333 && amount[4] == 13333333 && residual == 0,
		   "80 000 000 among 6: '01' and '02' get 13 333 334, the others 13 333 333");
		const char *id2[] = {"Region Östergötland", "Region Uppsala", "Region Skåne", "Region Blekinge",
				     "Region Örebro län", "Region Gotland"};
		rc = run_equal(6, id2, 80000000, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[3] == 13333334 && amount[5] == 13333334 && amount[2] == 13333333,
		   "ties go by byte order of the id: Blekinge and Gotland first");
	}
	/* Equal remainders, different weights: the larger weight first. */
	{
		const char *id[] = {"a", "b", "c"};
		int64_t v[] = {1, 3, 4}; /* quotas 0.5, 1.5, 2 of 4 */
		int rc = run_values(3, v, id, 4, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 0 && amount[1] == 2 && amount[2] == 2,
		   "equal remainders: the larger weight ('b') gets the unit before the smaller id ('a')");
		int64_t v3[] = {3, 1, 4};
		rc = run_values(3, v3, id, 4, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 2 && amount[1] == 0 && amount[2] == 2,
		   "equal remainders: with the weights swapped, 'a' gets it");
	}
	/* Half-up: exact halves round up, and the residual is reported. */
	{
		const char *id[] = {"a", "b"};
		int rc = run_equal(2, id, 1, 0, 1, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 1 && amount[1] == 1 && residual == -1,
		   "half-up: 1 between 2 gives 1 each, residual -1");
		const char *id3[] = {"a", "b", "c"};
		rc = run_equal(3, id3, 100, 0, 1, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 33 && amount[1] == 33 && amount[2] == 33 && residual == 1,
		   "half-up: 100 among 3 gives 33 each, residual 1");
		rc = run_equal(3, id3, 1000, 100, 100, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 300 && residual == 100, "half-up with base 100 and unit 100: 300 each");
		rc = run_equal(2, id, 150, 0, 100, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 100 && amount[1] == 100 && residual == -50,
		   "half-up: a total not a multiple of the unit is allowed, and the residual says so");
		/* Near the top of int64: two halves rounded up add up to more than
		 * INT64_MAX, yet every amount and the residual are representable. */
		rc = run_equal(2, id, INT64_MAX, 0, 1, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == (int64_t)1 << 62 && amount[1] == (int64_t)1 << 62 && residual == -1,
		   "half-up: INT64_MAX between 2 gives 2^62 each, residual -1");
		rc = run_equal(2, id, INT64_MAX - 1, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == INT64_MAX / 2 && amount[1] == INT64_MAX / 2 && residual == 0,
		   "largest remainder: INT64_MAX - 1 between 2");
		rc = run_equal(3, id3, INT64_MAX, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == INT64_MAX / 3 + 1 && amount[1] == INT64_MAX / 3 &&
			   amount[2] == INT64_MAX / 3 && residual == 0,
		   "largest remainder: INT64_MAX among 3 (INT64_MAX %% 3 = %d)", (int)(INT64_MAX % 3));
	}
	/* Units and bases. */
	{
		const char *id[] = {"a", "b", "c"};
		int rc = run_equal(3, id, 1000000, 100000, 100000, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 400000 && amount[1] == 300000 && amount[2] == 300000 && residual == 0,
		   "1 000 000 among 3 in units of 100 000 with base 100 000");
		rc = run_equal(3, id, 300, 100, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 100 && amount[1] == 100 && amount[2] == 100,
		   "bases that take the whole total: everyone gets the base");
	}
	/* n = 1 gets everything. */
	{
		const char *id[] = {"solo"};
		int64_t v[] = {7};
		int bad = 0;
		rng_seed(99);
		for (int k = 0; k < 200; k++) {
			int64_t unit = k % 3 == 0 ? 100 : 1, total = rng_range(0, 1000000000000000) / unit * unit;
			int64_t base = k % 2 ? rng_range(0, total / unit) * unit : 0;
			enum apportion_method m = (enum apportion_method)(k % 2);
			if (run_values(1, v, id, total, base, unit, m, amount, &residual, &err) || amount[0] != total ||
			    residual != 0)
				bad++;
			if (run_equal(1, id, total, base, unit, m, amount, &residual, &err) || amount[0] != total)
				bad++;
		}
		ok(bad == 0, "a single recipient gets the whole total (200 totals, %d wrong)", bad);
	}
	/* All weights zero but one. */
	{
		const char *id[] = {"a", "b", "c", "d", "e"};
		int64_t v[] = {0, 0, 17, 0, 0};
		int rc = run_values(5, v, id, 1000003, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 0 && amount[1] == 0 && amount[2] == 1000003 && amount[3] == 0 &&
			   amount[4] == 0,
		   "all weights zero but one: that one gets everything");
		rc = run_values(5, v, id, 1000003, 1000, 1, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 1000 && amount[2] == 1000003 - 4000 && residual == 0,
		   "... and with a base, the others get the base only");
	}
	/* apportion_share_decimal */
	{
		int64_t v[] = {2374550, 10319473 - 2374550};
		struct apportion_weights w;
		struct apportion_key key = {v, {1, 1}, "population"};
		char buf[NUM_BUFSZ];
		apportion_weights_init(&w);
		apportion_weights_mix(&w, 2, 1, &key, &err);
		ok(strcmp(apportion_share_decimal(&w, 0, 10, buf), "0,2301038047") == 0,
		   "apportion_share_decimal: Stockholm 2019 = 0,2301038047 (%s)", buf);
		apportion_weights_release(&w);
		int64_t big[] = {INT64_MAX, INT64_MAX - 1, 3};
		struct apportion_key k3[] = {{big, {1, 3}, "a"}, {big, {1, 3}, "b"}, {big, {1, 3}, "c"}};
		apportion_weights_init(&w);
		apportion_weights_mix(&w, 3, 3, k3, &err);
		ok(w.big && strcmp(apportion_share_decimal(&w, 2, 10, buf), "0,0000000000") == 0 &&
			   strcmp(apportion_share_decimal(&w, 0, 4, buf), "0,5000") == 0,
		   "apportion_share_decimal on GMP weights (%s)", buf);
		apportion_weights_release(&w);
	}
}

static void test_errors(void)
{
	const char *id[] = {"a", "b", "c"};
	int64_t v[] = {1, 2, 3}, zero[] = {0, 0, 0};
	struct {
		const char *what;
		size_t n;
		const int64_t *v;
		int64_t total, base, unit;
		enum apportion_method m;
		const char *reason;
	} cases[] = {
		{"no recipients", 0, v, 100, 0, 1, APPORTION_LARGEST_REMAINDER, "no recipients"},
		{"base * n > total", 3, v, 100, 34, 1, APPORTION_LARGEST_REMAINDER, "exceed the total"},
		{"base * n > total, half-up", 3, v, 100, 34, 1, APPORTION_HALF_UP, "exceed the total"},
		{"a rest not a multiple of the unit", 3, v, 1050, 0, 100, APPORTION_LARGEST_REMAINDER, "not a multiple"},
		{"a negative total", 3, v, -100, 0, 1, APPORTION_LARGEST_REMAINDER, "negative"},
		{"a negative total, half-up", 3, v, -100, 0, 1, APPORTION_HALF_UP, "negative"},
		{"a negative base", 3, v, 100, -1, 1, APPORTION_LARGEST_REMAINDER, "negative"},
		{"a unit of zero", 3, v, 100, 0, 0, APPORTION_LARGEST_REMAINDER, "unit"},
		{"a negative unit", 3, v, 100, 0, -100, APPORTION_HALF_UP, "unit"},
		{"a base not a multiple of the unit", 3, v, 1000, 50, 100, APPORTION_LARGEST_REMAINDER, "not a multiple"},
		{"all weights zero", 3, zero, 100, 0, 1, APPORTION_LARGEST_REMAINDER, "weight zero"},
		{"all weights zero, half-up", 3, zero, 100, 0, 1, APPORTION_HALF_UP, "weight zero"},
		{"an amount that would round up past INT64_MAX", 3, v, INT64_MAX, 0, 2, APPORTION_HALF_UP, "too large"},
	};
	for (size_t c = 0; c < BD_ARRAY_LEN(cases); c++) {
		struct apportion_weights w;
		apportion_weights_init(&w);
		/* weights set directly so that zero keys are possible */
		w.n = cases[c].n;
		w.small = calloc(3, sizeof(u128));
		for (size_t i = 0; i < cases[c].n; i++) {
			w.small[i] = (u128)cases[c].v[i];
			w.small_sum += w.small[i];
		}
		mpz_set_u128x(w.sum, w.small_sum);
		struct apportion_spec spec = {&w, id, cases[c].total, cases[c].base, cases[c].unit, cases[c].m};
		int64_t amount[3] = {-7, -7, -7}, residual = -7;
		struct bd_error err = {0};
		int rc = apportion(&spec, amount, &residual, &err);
		bool good = rc == -1 && strstr(err.msg, cases[c].reason) && amount[0] == -7 && amount[1] == -7 &&
			    amount[2] == -7;
		if (!good)
			diag("rc %d, message '%s', amounts %lld %lld %lld", rc, err.msg, (long long)amount[0],
			     (long long)amount[1], (long long)amount[2]);
		ok(good, "apportion fails on %s ('%s'), writing nothing", cases[c].what, cases[c].reason);
		apportion_weights_release(&w);
	}
	/* The same rest under half-up is fine. */
	{
		int64_t amount[3], residual;
		struct bd_error err;
		int rc = run_values(3, v, id, 1050, 0, 100, APPORTION_HALF_UP, amount, &residual, &err);
		ok(rc == 0 && amount[0] == 200 && amount[1] == 400 && amount[2] == 500 && residual == -50,
		   "a rest of 1 050 in units of 100 works under half-up (175, 350, 525 -> 200, 400, 500; residual -50)");
	}
}

/* ---- the seed 000 table ----------------------------------------------- */

/* open_data: a file of the source tree, found from this file's path as the
 * compiler saw it, or from the usual working directories. */
static FILE *open_data(const char *rel)
{
	char path[4096];
	const char *self = __FILE__, *cut = strstr(self, "tests/unit/test-apportion.c");
	if (cut) {
		snprintf(path, sizeof(path), "%.*s%s", (int)(cut - self), self, rel);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	static const char *const prefix[] = {"", "../", "../../"};
	for (size_t i = 0; i < BD_ARRAY_LEN(prefix); i++) {
		snprintf(path, sizeof(path), "%s%s", prefix[i], rel);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	diag("%s not found: using the values written here", rel);
	return NULL;
}

static void test_seed000(void)
{
	static const char *const code[] = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
					   "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"};
	static const int64_t pop[] = {2374550, 383044, 297169, 465214, 363351, 201290, 245415,
				      59636,   159748, 1376659, 333202, 1724529, 282342, 304634,
				      275634,  287795, 287333, 245380, 130697, 271621, 250230};
	/* the published amounts (seed 000), in the same order */
	static const int64_t published[] = {49472318, 7980491, 6191337, 9692453, 7570199, 4193756, 5113074,
					    1242480,  3328253, 28681860, 6942063, 35929522, 5882426, 6346866,
					    5742668,  5996035, 5986410, 5112345, 2722993, 5659060, 5213391};
	/* Read the values from the data file when it is there; they must match. */
	FILE *f = open_data("data/datasets/population@2019-11-01.csv");
	if (f) {
		char line[256];
		int matched = 0, rows = 0;
		while (fgets(line, sizeof(line), f)) {
			char c[8];
			long long val;
			if (line[0] == '#' || sscanf(line, "%7[0-9],%lld", c, &val) != 2)
				continue;
			rows++;
			for (size_t i = 0; i < 21; i++)
				if (strcmp(code[i], c) == 0 && pop[i] == val)
					matched++;
		}
		fclose(f);
		ok(rows == 21 && matched == 21, "population@2019-11-01.csv has the 21 values used here (%d of %d)",
		   matched, rows);
	}
	int64_t amount[21], residual;
	struct bd_error err;
	int rc = run_values(21, pop, (const char *const *)code, 215000000, 0, 1, APPORTION_LARGEST_REMAINDER, amount,
			    &residual, &err);
	int64_t sum = 0;
	int off = 0;
	for (size_t i = 0; i < 21; i++) {
		sum += amount[i];
		if (amount[i] - published[i] > 1 || published[i] - amount[i] > 1) {
			diag("%s: %lld, published %lld", code[i], (long long)amount[i], (long long)published[i]);
			off++;
		}
	}
	ok(rc == 0 && sum == 215000000 && residual == 0, "seed 000: 215 000 000 kr shared exactly");
	ok(rc == 0 && off == 0, "seed 000: every amount within 1 kr of the published table");
	ok(rc == 0 && amount[0] == 49472318, "seed 000: Stockholm gets 49 472 318");
	/* and the reference agrees to the krona */
	mpq_t w[21];
	int64_t want[21];
	for (size_t i = 0; i < 21; i++) {
		mpq_init(w[i]);
		mpq_set_si(w[i], pop[i], 1);
	}
	ref_apportion(21, w, code, 215000000, 0, 1, APPORTION_LARGEST_REMAINDER, want, NULL);
	bool same = rc == 0;
	for (size_t i = 0; i < 21; i++) {
		same = same && want[i] == amount[i];
		mpq_clear(w[i]);
	}
	ok(same, "seed 000: equal to the reference");
}

/* ---- a large case ----------------------------------------------------- */

struct big_rank {
	const u128 *rem;
	const int64_t *v;
	const char *const *id;
};

/* -1 when a ranks before b for the leftover units */
static int big_cmp(const struct big_rank *r, size_t a, size_t b)
{
	if (r->rem[a] != r->rem[b])
		return r->rem[a] > r->rem[b] ? -1 : 1;
	if (r->v[a] != r->v[b])
		return r->v[a] > r->v[b] ? -1 : 1;
	return strcmp(r->id[a], r->id[b]) < 0 ? -1 : 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_large(void)
{
	const size_t n = 10000000;
	const int64_t total = 999999999999937, base = 0, unit = 1;
	double t0 = now();
	rng_seed(10000000);
	int64_t *v = malloc(n * sizeof(int64_t)), *amount = malloc(n * sizeof(int64_t));
	char *idbuf = malloc(n * 8);
	const char **id = malloc(n * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		v[i] = rng_range(0, 1000); /* many equal weights: ties by the thousand */
		/* ids "0000000".."9999999" in a scrambled order */
		snprintf(idbuf + i * 8, 8, "%07zu", (i * 7919) % n);
		id[i] = idbuf + i * 8;
	}
	struct apportion_weights w;
	struct bd_error err;
	apportion_weights_init(&w);
	struct apportion_key key = {v, {1, 1}, "big"};
	int rc = apportion_weights_mix(&w, n, 1, &key, &err);
	struct apportion_spec spec = {&w, id, total, base, unit, APPORTION_LARGEST_REMAINDER};
	int64_t residual = -1;
	double t1 = now();
	if (rc == 0)
		rc = apportion(&spec, amount, &residual, &err);
	double t2 = now();
	ok(rc == 0, "10^7 recipients: apportion succeeds (%.2f s, setup %.2f s)", t2 - t1, t1 - t0);
	if (rc) {
		diag("%s", err.msg);
		goto out;
	}
	/* Integer checks: exact sum, quota rule, and the leftover units went to
	 * the largest remainders (by remainder, weight, id). */
	u128 C = 0;
	for (size_t i = 0; i < n; i++)
		C += (u128)v[i];
	u128 D = C * (u128)unit;
	u128 *rem = malloc(n * sizeof(u128));
	int64_t sum = 0;
	size_t outside = 0, bumped = 0;
	size_t worst_bumped = SIZE_MAX, best_plain = SIZE_MAX;
	struct big_rank r = {rem, v, id};
	for (size_t i = 0; i < n; i++) {
		u128 p = (u128)(total - (int64_t)n * base) * (u128)v[i];
		int64_t fl = (int64_t)(p / D);
		rem[i] = p % D;
		int64_t a = (amount[i] - base) / unit;
		sum += amount[i];
		if (a == fl) {
			if (best_plain == SIZE_MAX || big_cmp(&r, i, best_plain) < 0)
				best_plain = i;
		} else if (a == fl + 1 && rem[i] != 0) {
			bumped++;
			if (worst_bumped == SIZE_MAX || big_cmp(&r, i, worst_bumped) > 0)
				worst_bumped = i;
		} else {
			outside++;
		}
	}
	ok(sum == total && residual == 0, "10^7 recipients: the sum is exact (%lld)", (long long)sum);
	ok(outside == 0, "10^7 recipients: every amount is the floor or the ceiling of its quota (%zu outside)",
	   outside);
	ok(worst_bumped == SIZE_MAX || best_plain == SIZE_MAX || big_cmp(&r, worst_bumped, best_plain) < 0,
	   "10^7 recipients: the %zu leftover units went to the largest remainders, ties by weight and id", bumped);
	free(rem);
	diag("10^7 recipients: %.2f s in all", now() - t0);
out:
	apportion_weights_release(&w);
	free(v);
	free(amount);
	free(idbuf);
	free(id);
}

/* ---- every branch (make coverage: 100 % of apportion.c) ---------------- */

/* big_weights: GMP weights v[0..n-1] set by hand, as the struct allows. */
static void big_weights(struct apportion_weights *w, size_t n, const unsigned long *v)
{
	apportion_weights_init(w);
	w->n = n;
	w->big = malloc((n ? n : 1) * sizeof(mpz_t));
	for (size_t i = 0; i < n; i++) {
		mpz_init_set_ui(w->big[i], v[i]);
		mpz_add(w->sum, w->sum, w->big[i]);
	}
}

static void small_weights(struct apportion_weights *w, size_t n, const u128 *v)
{
	apportion_weights_init(w);
	w->n = n;
	w->small = calloc(n ? n : 1, sizeof(u128));
	for (size_t i = 0; i < n; i++) {
		w->small[i] = v[i];
		w->small_sum += v[i];
	}
	mpz_set_u128x(w->sum, w->small_sum);
}

static void test_branches(void)
{
	struct bd_error err;
	struct apportion_weights w;
	int64_t a3[] = {1, 2, 3};
	/* weights whose sum needs a denominator past 2^127 */
	{
		i128 P = ((i128)1 << 64) - 59, R = ((i128)1 << 64) - 83;
		struct apportion_key k[] = {{a3, {1, P}, "a"}, {a3, {1, R}, "b"}, {a3, {1, 2}, "c"}};
		apportion_weights_init(&w);
		int rc = apportion_weights_mix(&w, 3, 3, k, &err);
		ok(rc == -1 && strstr(err.msg, "too finely divided"), "mix: weights 1/(2^64-59) + 1/(2^64-83): %s",
		   rc ? err.msg : "accepted");
		apportion_weights_release(&w);
	}
	/* weights that add up to 1 on the way (each partial sum fits) but
	 * whose common denominator 4PR does not fit in 128 bits */
	{
		i128 P = ((i128)1 << 63) - 1, R = ((i128)1 << 63) - 25;
		struct apportion_key k[] = {{a3, {1, P}, "a"},
					    {a3, {P - 4, 4 * P}, "b"},
					    {a3, {1, R}, "c"},
					    {a3, {3 * R - 4, 4 * R}, "d"}};
		apportion_weights_init(&w);
		int rc = apportion_weights_mix(&w, 3, 4, k, &err);
		ok(rc == -1 && strstr(err.msg, "denominators are too large"),
		   "mix: 1/P + (P-4)/4P + 1/R + (3R-4)/4R = 1, but 4PR > 2^127: %s", rc ? err.msg : "accepted");
		apportion_weights_release(&w);
	}
	/* a weight with a negative denominator is refused, as one below zero */
	{
		struct apportion_key k[] = {{a3, {-1, -1}, "a"}};
		apportion_weights_init(&w);
		ok(apportion_weights_mix(&w, 3, 1, k, &err) == -1 && strstr(err.msg, "'a' must be positive"),
		   "mix: a weight -1/-1 is refused (%s)", err.msg);
		k[0].weight = (struct rat){1, -1};
		ok(apportion_weights_mix(&w, 3, 1, k, &err) == -1 && strstr(err.msg, "'a' must be positive"),
		   "mix: a weight 1/-1 is refused (%s)", err.msg);
		apportion_weights_release(&w);
	}
	/* without ids, ties go in input order (small and GMP paths) */
	{
		int64_t amount[3], residual;
		ok(run_equal(3, NULL, 100, 0, 1, APPORTION_LARGEST_REMAINDER, amount, &residual, &err) == 0 &&
			   amount[0] == 34 && amount[1] == 33 && amount[2] == 33 && residual == 0,
		   "no ids: 100 among three equals is 34, 33, 33 (the first first)");
		unsigned long one[] = {1, 1, 1, 1};
		big_weights(&w, 4, one);
		struct apportion_spec spec = {&w, NULL, 102, 0, 1, APPORTION_LARGEST_REMAINDER};
		int64_t a4[4];
		ok(apportion(&spec, a4, &residual, &err) == 0 && a4[0] == 26 && a4[1] == 26 && a4[2] == 25 &&
			   a4[3] == 25 && residual == 0,
		   "no ids, GMP weights: 102 among four equals is 26, 26, 25, 25");
		apportion_weights_release(&w);
	}
	/* more recipients than 32 bits count: refused before any is read */
	{
		apportion_weights_init(&w);
		w.n = (size_t)UINT32_MAX + 1;
		mpz_set_ui(w.sum, 1);
		struct apportion_spec spec = {&w, NULL, 100, 0, 1, APPORTION_LARGEST_REMAINDER};
		int64_t amount[1] = {-7}, residual = -7;
		ok(apportion(&spec, amount, &residual, &err) == -1 && strstr(err.msg, "too many recipients") &&
			   amount[0] == -7,
		   "2^32 recipients are refused (%s)", err.msg);
		w.n = 0;
		apportion_weights_release(&w);
	}
	/* all weights zero and nothing to share beyond the base: the base,
	 * by either method, in 128 bits and in GMP */
	for (int m = 0; m < 2; m++) {
		enum apportion_method method = m ? APPORTION_HALF_UP : APPORTION_LARGEST_REMAINDER;
		u128 z[] = {0, 0, 0};
		unsigned long zl[] = {0, 0, 0};
		for (int big = 0; big < 2; big++) {
			if (big)
				big_weights(&w, 3, zl);
			else
				small_weights(&w, 3, z);
			struct apportion_spec spec = {&w, NULL, 300, 100, 100, method};
			int64_t amount[3] = {-7, -7, -7}, residual = -7;
			ok(apportion(&spec, amount, &residual, &err) == 0 && amount[0] == 100 && amount[1] == 100 &&
				   amount[2] == 100 && residual == 0,
			   "weights all zero, total 3 x base (%s, %s): the base each", big ? "GMP" : "128 bits",
			   m ? "half-up" : "largest remainder");
			mpq_t q;
			mpq_init(q);
			apportion_quota(&spec, 1, q);
			ok(mpq_cmp_ui(q, 100, 1) == 0, "and the quota is the base");
			mpq_clear(q);
			apportion_weights_release(&w);
		}
	}
	/* half-up in GMP: 2.5 rounds up, 5 stays */
	{
		unsigned long v[] = {1, 1, 2};
		big_weights(&w, 3, v);
		struct apportion_spec spec = {&w, NULL, 10, 0, 1, APPORTION_HALF_UP};
		int64_t amount[3], residual;
		ok(apportion(&spec, amount, &residual, &err) == 0 && amount[0] == 3 && amount[1] == 3 &&
			   amount[2] == 5 && residual == -1,
		   "half-up, GMP weights 1, 1, 2 of 10: 3, 3, 5, residual -1");
		apportion_weights_release(&w);
	}
	/* the residual to the largest weight: none to put it on; a tie by id,
	 * either way; a tie without ids; an overflow */
	{
		apportion_weights_init(&w);
		struct apportion_spec spec = {&w, NULL, 10, 0, 1, APPORTION_HALF_UP};
		int64_t amount[1] = {0}, residual = 1;
		ok(apportion_residual_to_largest(&spec, amount, &residual, &err) == -1 &&
			   strstr(err.msg, "no recipients") && residual == 1,
		   "residual to the largest: no recipients (%s)", err.msg);
		apportion_weights_release(&w);
		u128 e[] = {1, 1, 1};
		small_weights(&w, 3, e);
		const char *id[] = {"c", "a", "b"};
		spec = (struct apportion_spec){&w, id, 10, 0, 1, APPORTION_HALF_UP};
		int64_t am[3] = {3, 3, 3};
		residual = 1;
		ok(apportion_residual_to_largest(&spec, am, &residual, &err) == 0 && am[1] == 4 && am[0] == 3 &&
			   am[2] == 3 && residual == 0,
		   "residual to the largest: among equal weights, the smallest id ('a', the second)");
		spec.id = NULL;
		int64_t an[3] = {3, 3, 3};
		residual = 1;
		ok(apportion_residual_to_largest(&spec, an, &residual, &err) == 0 && an[0] == 4 && residual == 0,
		   "residual to the largest: without ids, the first");
		int64_t ap[3] = {3, 3, 3};
		residual = -5;
		ok(apportion_residual_to_largest(&spec, ap, &residual, &err) == -1 && strstr(err.msg, "-5") &&
			   ap[0] == 3 && residual == -5,
		   "residual to the largest: below zero is refused (%s)", err.msg);
		int64_t ao[3] = {INT64_MAX - 1, 0, 0};
		residual = 5;
		ok(apportion_residual_to_largest(&spec, ao, &residual, &err) == -1 && strstr(err.msg, "+5") &&
			   ao[0] == INT64_MAX - 1 && residual == 5,
		   "residual to the largest: past INT64_MAX is refused (%s)", err.msg);
		apportion_weights_release(&w);
	}
	/* the largest of unequal weights, after a smaller one and before one */
	{
		u128 e[] = {1, 3, 2};
		small_weights(&w, 3, e);
		const char *id[] = {"a", "b", "c"};
		struct apportion_spec spec = {&w, id, 10, 0, 1, APPORTION_HALF_UP};
		int64_t am[3] = {2, 5, 3}, residual = -1;
		ok(apportion_residual_to_largest(&spec, am, &residual, &err) == 0 && am[1] == 4 && am[0] == 2 &&
			   am[2] == 3 && residual == 0,
		   "residual to the largest: weights 1, 3, 2 put it on the second");
		apportion_weights_release(&w);
	}
	/* a share of weights past 2^120 goes through GMP */
	{
		u128 h[] = {(u128)1 << 121, (u128)1 << 121, (u128)1 << 122};
		small_weights(&w, 3, h);
		char buf[NUM_BUFSZ];
		ok(strcmp(apportion_share_decimal(&w, 0, 4, buf), "0,2500") == 0 &&
			   strcmp(apportion_share_decimal(&w, 2, 2, buf), "0,50") == 0,
		   "shares of weights 2^121, 2^121, 2^122: 0,2500 and 0,50 (%s)", buf);
		apportion_weights_release(&w);
	}
	/* fmt_mpq_decimal of negative values: the sign only when something
	 * other than zero is written */
	{
		static const struct {
			long num;
			unsigned long den;
			int decimals;
			const char *want;
		} c[] = {
			{-1, 3, 2, "-0,33"}, {-1, 1000, 2, "0,00"}, {-2, 1, 2, "-2,00"}, {-5, 2, 0, "-3"},
			{-1234567, 1, 0, "-1 234 567"}, {1, 3, 2, "0,33"}, {0, 1, 2, "0,00"},
		};
		for (size_t i = 0; i < BD_ARRAY_LEN(c); i++) {
			mpq_t q;
			mpq_init(q);
			mpq_set_si(q, c[i].num, c[i].den);
			mpq_canonicalize(q);
			char *got = fmt_mpq_decimal(q, c[i].decimals, true);
			ok(strcmp(got, c[i].want) == 0, "fmt_mpq_decimal(%ld/%lu, %d) = '%s' (got '%s')", c[i].num,
			   c[i].den, c[i].decimals, c[i].want, got);
			free(got);
			mpq_clear(q);
		}
	}
}

/* 64-bit weights: apportion_weights_mix stores N_i in 64 bits when its
 * bound (sum of each key's largest value times its factor) proves they fit,
 * else in 128.  Keys swept across that boundary give the same amounts as
 * the same N_i in GMP, under both methods, ties included. */
static void test_narrow(void)
{
	rng_seed(6464);
	int bad = 0, narrow = 0, wide = 0;
	for (int c = 0; c < 240; c++) {
		size_t n = 1 + rng_below(40);
		int bits = 20 + c % 20; /* N_i ~ 2^(2 bits) * n: 64-bit below 31 bits or so */
		int64_t v0[40], v1[40];
		char idbuf[40][8];
		const char *ids[40];
		for (size_t i = 0; i < n; i++) {
			/* a few repeated values, so that remainders tie */
			v0[i] = (int64_t)(rng_below(4) == 0 ? ((uint64_t)1 << bits) - 1 : rng_below((uint64_t)1 << bits));
			v1[i] = (int64_t)(rng_below(4) == 0 ? ((uint64_t)1 << bits) - 1 : rng_below((uint64_t)1 << bits));
			snprintf(idbuf[i], sizeof(idbuf[i]), "r%02zu", (n - i) % 40);
			ids[i] = idbuf[i];
		}
		v0[0] = v1[0] = ((int64_t)1 << bits) - 1; /* the sums are positive */
		struct apportion_key keys[] = {{v0, {1, 3}, "a"}, {v1, {2, 3}, "b"}};
		struct apportion_weights w, g;
		struct bd_error err;
		apportion_weights_init(&w);
		apportion_weights_init(&g);
		if (apportion_weights_mix(&w, n, 2, keys, &err) != 0 || w.big) {
			bad++;
			diag("case %d: mix failed or went to GMP: %s", c, err.msg);
			apportion_weights_release(&w);
			apportion_weights_release(&g);
			continue;
		}
		narrow += w.narrow != NULL;
		wide += w.small != NULL;
		g.n = n;
		g.big = malloc(n * sizeof(mpz_t));
		for (size_t i = 0; i < n; i++) {
			mpz_init(g.big[i]);
			mpz_set_u128x(g.big[i], w.narrow ? (u128)w.narrow[i] : w.small[i]);
			mpz_add(g.sum, g.sum, g.big[i]);
		}
		if (mpz_cmp(g.sum, w.sum) != 0)
			bad++;
		for (int m = 0; m < 2; m++) {
			int64_t total = (int64_t)rng_below((uint64_t)1 << 40), a1[40], a2[40], r1, r2;
			struct apportion_spec s1 = {&w, ids, total, 0, 1, m ? APPORTION_HALF_UP : APPORTION_LARGEST_REMAINDER};
			struct apportion_spec s2 = s1;
			s2.weights = &g;
			if (apportion(&s1, a1, &r1, &err) || apportion(&s2, a2, &r2, &err) || r1 != r2 ||
			    memcmp(a1, a2, n * sizeof(int64_t)) != 0) {
				bad++;
				diag("case %d (%s): 64/128-bit and GMP amounts differ", c, m ? "half-up" : "largest remainder");
			}
		}
		apportion_weights_release(&w);
		apportion_weights_release(&g);
	}
	ok(bad == 0 && narrow > 0 && wide > 0,
	   "64-bit weights where the bound proves they fit (%d cases), 128-bit where not (%d): amounts equal GMP's",
	   narrow, wide);
}

/* The branches of the 64-bit path that test_narrow's sweep does not take:
 * equal shares among no recipients, and a bound (largest value times its
 * product) past 128 bits, which sends the mix to the wider paths. */
static void test_narrow_edges(void)
{
	struct apportion_weights w;
	apportion_weights_init(&w);
	apportion_weights_equal(&w, 0);
	ok(w.n == 0 && w.narrow != NULL && mpz_sgn(w.sum) == 0, "equal shares among no recipients: none, sum 0");
	apportion_weights_release(&w);

	/* three keys of 2^62, 1, 1 by a third each: each P_j = S_l * S_m is
	 * about 2^124 and fits, but 2^62 * P_j does not */
	int64_t v[] = {(int64_t)1 << 62, 1, 1};
	struct apportion_key k[] = {{v, {1, 3}, "a"}, {v, {1, 3}, "b"}, {v, {1, 3}, "c"}};
	struct bd_error err;
	apportion_weights_init(&w);
	int rc = apportion_weights_mix(&w, 3, 3, k, &err);
	int64_t amount[3] = {0, 0, 0}, residual = -1;
	struct apportion_spec spec = {&w, NULL, 1000, 0, 1, APPORTION_LARGEST_REMAINDER};
	ok(rc == 0 && w.narrow == NULL && apportion(&spec, amount, &residual, &err) == 0 && amount[0] == 1000 &&
		   amount[1] == 0 && amount[2] == 0 && residual == 0,
	   "mix: a bound past 128 bits is not kept in 64 (1000 kr all to the recipient of 2^62)");
	apportion_weights_release(&w);
}

int main(void)
{
	double t0 = now();
	test_fixed();
	test_errors();
	test_branches();
	test_seed000();
	test_mix();
	test_narrow();
	test_narrow_edges();
	test_overflowing_products();
	test_random();
	diag("%lld reference comparisons in %.1f s", (long long)checked_cases, now() - t0);
	test_large();
	return tap_done();
}
