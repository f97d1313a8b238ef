#include "apportion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U128_MAX (~(u128)0)

void apportion_weights_init(struct apportion_weights *w)
{
	memset(w, 0, sizeof(*w));
	mpz_init(w->sum);
}

void apportion_weights_release(struct apportion_weights *w)
{
	free(w->narrow);
	free(w->small);
	if (w->big) {
		for (size_t i = 0; i < w->n; i++)
			mpz_clear(w->big[i]);
		free(w->big);
	}
	mpz_clear(w->sum);
	w->narrow = NULL;
	w->small = NULL;
	w->big = NULL;
	w->n = 0;
}

/* N_i of narrow or small weights. */
static inline u128 weight_at(const struct apportion_weights *w, size_t i)
{
	return w->narrow ? w->narrow[i] : w->small[i];
}

static void mpz_set_u128(mpz_t z, u128 v)
{
	mpz_set_ui(z, (unsigned long)(v >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)v);
}

void apportion_weights_equal(struct apportion_weights *w, size_t n)
{
	apportion_weights_release(w);
	mpz_init(w->sum);
	w->n = n;
	w->narrow = xmalloc((n ? n : 1) * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++)
		w->narrow[i] = 1;
	w->small_sum = n;
	mpz_set_u128(w->sum, w->small_sum);
}

/* Mix in GMP: always succeeds. */
static void mix_big(struct apportion_weights *w, size_t n, size_t nkeys,
		    const struct apportion_key *keys, mpz_t *S, const mpz_t Q)
{
	mpz_t *P = xcalloc(nkeys, sizeof(mpz_t)), *A = xcalloc(nkeys, sizeof(mpz_t));
	for (size_t j = 0; j < nkeys; j++) {
		mpz_init_set_ui(P[j], 1);
		for (size_t l = 0; l < nkeys; l++)
			if (l != j)
				mpz_mul(P[j], P[j], S[l]);
		/* A_j = weight_j * Q (an integer, since Q is a common denominator). */
		mpz_init(A[j]);
		mpz_t den;
		mpz_init(den);
		/* both positive: apportion_weights_mix refuses a weight that is
		 * not, and a rat's denominator is */
		mpz_set_u128(A[j], (u128)keys[j].weight.num);
		mpz_set_u128(den, (u128)keys[j].weight.den);
		mpz_mul(A[j], A[j], Q);
		mpz_divexact(A[j], A[j], den);
		mpz_mul(P[j], P[j], A[j]);
		mpz_clear(den);
	}
	w->big = xcalloc(n, sizeof(mpz_t));
	mpz_set_ui(w->sum, 0);
	mpz_t t;
	mpz_init(t);
	for (size_t i = 0; i < n; i++) {
		mpz_init(w->big[i]);
		for (size_t j = 0; j < nkeys; j++) {
			mpz_set_si(t, keys[j].value[i]);
			mpz_addmul(w->big[i], t, P[j]);
		}
		mpz_add(w->sum, w->sum, w->big[i]);
	}
	mpz_clear(t);
	for (size_t j = 0; j < nkeys; j++) {
		mpz_clear(P[j]);
		mpz_clear(A[j]);
	}
	free(P);
	free(A);
}

int apportion_weights_mix(struct apportion_weights *w, size_t n, size_t nkeys,
			  const struct apportion_key *keys, struct bd_error *err)
{
	if (nkeys == 0)
		return bd_fail(err, "no key given");
	struct rat wsum = {0, 1};
	i128 Q = 1;
	bool qbig = false;
	for (size_t j = 0; j < nkeys; j++) {
		struct rat a = keys[j].weight;
		if (a.num <= 0 || a.den <= 0)
			return bd_fail(err, "the weight of key '%s' must be positive", keys[j].name);
		if (!rat_add(wsum, a, &wsum))
			return bd_fail(err, "the weights are too finely divided to add up");
		i128 g = i128_gcd(Q, a.den);
		if (__builtin_mul_overflow(Q / g, a.den, &Q))
			qbig = true;
	}
	if (wsum.num != wsum.den) {
		char nb[NUM_BUFSZ], db[NUM_BUFSZ];
		return bd_fail(err, "the weights add up to %s/%s, expected exactly 1 (100 %%)",
			       fmt_i128(wsum.num, nb), fmt_i128(wsum.den, db));
	}
	if (qbig)
		return bd_fail(err, "the weights' denominators are too large");

	/* Key sums; each value is an int64 >= 0, so a sum fits easily in 128 bits. */
	u128 *S = xcalloc(nkeys, sizeof(u128));
	uint64_t *M = xcalloc(nkeys, sizeof(uint64_t)); /* each key's largest value */
	for (size_t j = 0; j < nkeys; j++) {
		for (size_t i = 0; i < n; i++) {
			if (keys[j].value[i] < 0) {
				free(S);
				free(M);
				return bd_fail(err, "key '%s' has a negative value", keys[j].name);
			}
			S[j] += (u128)keys[j].value[i];
			if ((uint64_t)keys[j].value[i] > M[j])
				M[j] = (uint64_t)keys[j].value[i];
		}
		if (S[j] == 0) {
			free(S);
			free(M);
			return bd_fail(err, "key '%s' sums to zero over the recipients: nothing to share by", keys[j].name);
		}
	}

	apportion_weights_release(w);
	mpz_init(w->sum);
	w->n = n;

	/* Fast path: P_j = A_j * prod_{l != j} S_l and N_i = sum_j v_ji * P_j,
	 * all checked in unsigned 128 bits. */
	bool fits = true;
	u128 *P = xcalloc(nkeys, sizeof(u128));
	for (size_t j = 0; j < nkeys && fits; j++) {
		u128 p = (u128)(keys[j].weight.num * (Q / keys[j].weight.den));
		for (size_t l = 0; l < nkeys && fits; l++)
			if (l != j && __builtin_mul_overflow(p, S[l], &p))
				fits = false;
		P[j] = p;
	}
	/* Narrow: every N_i <= sum_j M_j * P_j < 2^64, so neither a product
	 * v_ji * P_j (<= M_j * P_j; P_j < 2^64 as M_j >= 1, the key's sum
	 * being positive) nor the running N_i can overflow 64 bits, and the
	 * sum of n < 2^64 of them fits in 128. */
	u128 bound = 0, mt;
	bool narrow = fits;
	for (size_t j = 0; j < nkeys && narrow; j++)
		/* bound <= 2^64 - 1 before the sum, and mt too: it cannot wrap */
		if (__builtin_mul_overflow((u128)M[j], P[j], &mt) || mt > UINT64_MAX || (bound += mt) > UINT64_MAX)
			narrow = false;
	if (narrow) {
		w->narrow = xmalloc(n * sizeof(uint64_t)); /* n >= 1: every key's sum is positive */
		u128 sum = 0;
		if (nkeys == 2) { /* the common mix, without the inner loop */
			const int64_t *v0 = keys[0].value, *v1 = keys[1].value;
			uint64_t p0 = (uint64_t)P[0], p1 = (uint64_t)P[1];
			for (size_t i = 0; i < n; i++) {
				uint64_t acc = (uint64_t)v0[i] * p0 + (uint64_t)v1[i] * p1;
				w->narrow[i] = acc;
				sum += acc;
			}
		} else {
			for (size_t i = 0; i < n; i++) {
				uint64_t acc = 0;
				for (size_t j = 0; j < nkeys; j++)
					acc += (uint64_t)keys[j].value[i] * (uint64_t)P[j];
				w->narrow[i] = acc;
				sum += acc;
			}
		}
		w->small_sum = sum;
		mpz_set_u128(w->sum, sum);
	} else if (fits) {
		w->small = xmalloc(n * sizeof(u128));
		u128 sum = 0;
		for (size_t i = 0; i < n && fits; i++) {
			u128 acc = 0, t;
			for (size_t j = 0; j < nkeys; j++) {
				if (__builtin_mul_overflow((u128)keys[j].value[i], P[j], &t) ||
				    __builtin_add_overflow(acc, t, &acc)) {
					fits = false;
					break;
				}
			}
			w->small[i] = acc;
			if (fits && __builtin_add_overflow(sum, acc, &sum))
				fits = false;
		}
		if (fits) {
			w->small_sum = sum;
			mpz_set_u128(w->sum, sum);
		} else {
			free(w->small);
			w->small = NULL;
		}
	}
	if (!fits) {
		mpz_t *Sz = xcalloc(nkeys, sizeof(mpz_t)), Qz;
		for (size_t j = 0; j < nkeys; j++) {
			mpz_init(Sz[j]);
			mpz_set_u128(Sz[j], S[j]);
		}
		mpz_init(Qz);
		mpz_set_u128(Qz, (u128)Q); /* positive: a product of denominators */
		mix_big(w, n, nkeys, keys, Sz, Qz);
		for (size_t j = 0; j < nkeys; j++)
			mpz_clear(Sz[j]);
		mpz_clear(Qz);
		free(Sz);
	}
	free(P);
	free(S);
	free(M);
	return 0;
}

/* ---- selection of the recipients that get the leftover units ---------- */

typedef int (*rank_cmp)(uint32_t a, uint32_t b, const void *ctx);

/* select_top: rearrange idx[0..n-1] so that its first k entries are the k
 * best by cmp (cmp < 0: a ranks before b).  Quickselect with a median of
 * three; cmp is a total order, so there are no equal keys to degrade it. */
static void select_top(uint32_t *idx, size_t n, size_t k, rank_cmp cmp, const void *ctx)
{
	/* The k-th boundary lies in [lo, hi).  0 < k < n (fewer units are
	 * left over than there are recipients), and hi only comes down to a
	 * pivot's place above k: k < hi throughout. */
	size_t lo = 0, hi = n;
	while (hi - lo > 1 && k > lo) {
		size_t mid = lo + (hi - lo) / 2, pa = lo, pb = mid, pc = hi - 1, pp;
		if (cmp(idx[pa], idx[pb], ctx) < 0)
			pp = cmp(idx[pb], idx[pc], ctx) < 0 ? pb : (cmp(idx[pa], idx[pc], ctx) < 0 ? pc : pa);
		else
			pp = cmp(idx[pa], idx[pc], ctx) < 0 ? pa : (cmp(idx[pb], idx[pc], ctx) < 0 ? pc : pb);
		uint32_t pv = idx[pp];
		/* Lomuto partition: [lo, i) ranks before the pivot. */
		idx[pp] = idx[hi - 1];
		idx[hi - 1] = pv;
		size_t i = lo, j = hi - 1;
		for (size_t t = lo; t < j; t++) {
			if (cmp(idx[t], pv, ctx) < 0) {
				uint32_t tmp = idx[i];
				idx[i] = idx[t];
				idx[t] = tmp;
				i++;
			}
		}
		idx[hi - 1] = idx[i];
		idx[i] = pv;
		if (i == k)
			return;
		if (i < k)
			lo = i + 1;
		else
			hi = i;
	}
}

struct rank_small {
	const u128 *rem;     /* rem[a]: the remainder of candidate a */
	const uint32_t *row; /* row[a]: its recipient */
	const struct apportion_weights *w;
	const char *const *id;
};

static int id_cmp(const char *const *id, uint32_t a, uint32_t b)
{
	if (!id)
		return a < b ? -1 : (a > b);
	return strcmp(id[a], id[b]);
}

static int rank_small_cmp(uint32_t a, uint32_t b, const void *vctx)
{
	const struct rank_small *c = vctx;
	if (c->rem[a] != c->rem[b])
		return c->rem[a] > c->rem[b] ? -1 : 1;
	uint32_t ra = c->row[a], rb = c->row[b];
	u128 wa = weight_at(c->w, ra), wb = weight_at(c->w, rb);
	if (wa != wb)
		return wa > wb ? -1 : 1;
	return id_cmp(c->id, ra, rb);
}

struct rank_big {
	mpz_t *rem, *weight;
	const char *const *id;
};

static int rank_big_cmp(uint32_t a, uint32_t b, const void *vctx)
{
	const struct rank_big *c = vctx;
	int r = mpz_cmp(c->rem[b], c->rem[a]);
	if (r)
		return r;
	r = mpz_cmp(c->weight[b], c->weight[a]);
	if (r)
		return r;
	return id_cmp(c->id, a, b);
}

static int check_spec(const struct apportion_spec *s, int64_t *rest, struct bd_error *err)
{
	const struct apportion_weights *w = s->weights;
	size_t n = w->n;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ];
	if (n == 0)
		return bd_fail(err, "no recipients to share among");
	if (n > UINT32_MAX)
		return bd_fail(err, "too many recipients (at most %u)", UINT32_MAX);
	if (s->total < 0)
		return bd_fail(err, "the total must not be negative");
	if (s->base < 0)
		return bd_fail(err, "the base amount must not be negative");
	if (s->unit < 1)
		return bd_fail(err, "the rounding unit must be at least 1 krona");
	i128 basesum = (i128)s->base * (i128)n;
	if (basesum > s->total)
		return bd_fail(err, "the base amounts (%s kr x %zu recipients = %s kr) exceed the total %s kr",
			       fmt_kr(s->base, a), n, fmt_i128_grouped(basesum, b), fmt_kr(s->total, c));
	*rest = (int64_t)(s->total - basesum);
	/* An amount rounded up to whole units must still fit in int64. */
	if ((i128)s->base + (i128)s->unit * (((i128)*rest + s->unit - 1) / s->unit) > INT64_MAX)
		return bd_fail(err, "the total %s kr is too large to round up in units of %s kr",
			       fmt_kr(s->total, a), fmt_kr(s->unit, b));
	if (s->base % s->unit != 0)
		return bd_fail(err, "the base amount %s kr is not a multiple of the rounding unit %s kr",
			       fmt_kr(s->base, a), fmt_kr(s->unit, b));
	if (s->method == APPORTION_LARGEST_REMAINDER && *rest % s->unit != 0)
		return bd_fail(err, "the amount to share, %s kr, is not a multiple of the rounding unit %s kr "
			       "(use --method half-up to round each amount and report the residual)",
			       fmt_kr(*rest, a), fmt_kr(s->unit, b));
	if (mpz_size(w->sum) == 0 && *rest > 0) /* (mpz_size: the sum is not negative) */
		return bd_fail(err, "all recipients have weight zero: nothing to share by");
	return 0;
}

/* Fast path.  Returns false (nothing written) when a product would overflow. */
static bool apportion_small(const struct apportion_spec *s, int64_t rest, int64_t *amount,
			    i128 *distributed)
{
	const struct apportion_weights *w = s->weights;
	size_t n = w->n;
	u128 D;
	if ((!w->narrow && !w->small) || __builtin_mul_overflow(w->small_sum, (u128)s->unit, &D))
		return false;
	if (D == 0) { /* rest is 0 here: no units, everyone gets the base (added by apportion) */
		for (size_t i = 0; i < n; i++)
			amount[i] = 0;
		*distributed = 0;
		return true;
	}
	bool half_up = s->method == APPORTION_HALF_UP;
	/* Largest remainder: the leftover units go to the k largest
	 * remainders.  Rather than keep n 128-bit remainders and select among
	 * them, each row keeps the top 16 bits of its remainder (a bucket:
	 * r >> shift, with D - 1 >> shift below 2^16), and a histogram of the
	 * buckets says which bucket the k-th largest lies in.  Rows in higher
	 * buckets have larger remainders, so they win whatever the tie-break;
	 * only that bucket's rows (about n / 65 536 when remainders spread)
	 * are ranked by the full order, their remainders computed again. */
	u128 dm = D - 1; /* the largest remainder */
	int bits = dm >> 64 ? 128 - __builtin_clzll((uint64_t)(dm >> 64))
			    : ((uint64_t)dm ? 64 - __builtin_clzll((uint64_t)dm) : 0);
	int shift = bits > 16 ? bits - 16 : 0;
	uint16_t *bucket = half_up ? NULL : xmalloc(n * sizeof(uint16_t));
	size_t *hist = half_up ? NULL : xcalloc((size_t)1 << 16, sizeof(size_t));
	i128 units = 0; /* half-up may round the sum past INT64_MAX */
	for (size_t i = 0; i < n; i++) {
		u128 p;
		if (w->narrow) {
			p = (u128)rest * w->narrow[i]; /* rest < 2^63, N_i < 2^64: it fits */
		} else if (__builtin_mul_overflow((u128)rest, w->small[i], &p)) {
			free(bucket);
			free(hist);
			return false;
		}
		u128 q = p / D, r = p - q * D;
		amount[i] = (int64_t)q;
		units += (int64_t)q;
		if (!half_up) {
			uint16_t b = (uint16_t)(r >> shift);
			bucket[i] = b;
			hist[b]++;
		} else if (r >= D - r) {
			amount[i]++;
			units++;
		}
	}
	if (!half_up) {
		size_t k = (size_t)(rest / s->unit - units);
		if (k > 0) {
			/* The bucket of the k-th largest remainder, and how many
			 * rows lie above it (0 < k < n: some bucket reaches k). */
			size_t above = 0, top = (size_t)1 << 16;
			while (above + hist[--top] < k)
				above += hist[top];
			size_t m = hist[top], need = k - above, c = 0;
			uint32_t *row = xmalloc(m * sizeof(uint32_t));
			for (size_t i = 0; i < n; i++) {
				if (bucket[i] > top)
					amount[i]++;
				else if (bucket[i] == top)
					row[c++] = (uint32_t)i;
			}
			if (need < m) {
				u128 *rem = xmalloc(m * sizeof(u128));
				uint32_t *idx = xmalloc(m * sizeof(uint32_t));
				for (size_t t = 0; t < m; t++) {
					/* (each product fitted in the pass above) */
					u128 p = (u128)rest * weight_at(w, row[t]);
					rem[t] = p % D;
					idx[t] = (uint32_t)t;
				}
				struct rank_small ctx = {rem, row, w, s->id};
				select_top(idx, m, need, rank_small_cmp, &ctx);
				for (size_t t = 0; t < need; t++)
					amount[row[idx[t]]]++;
				free(idx);
				free(rem);
			} else {
				for (size_t t = 0; t < m; t++)
					amount[row[t]]++;
			}
			units += (int64_t)k;
			free(row);
		}
	}
	free(bucket);
	free(hist);
	*distributed = units;
	return true;
}

static void apportion_big(const struct apportion_spec *s, int64_t rest, int64_t *amount,
			  i128 *distributed)
{
	const struct apportion_weights *w = s->weights;
	size_t n = w->n;
	mpz_t D, p, q, half;
	mpz_inits(D, p, q, half, NULL);
	mpz_mul_si(D, w->sum, s->unit);
	mpz_t *wt = w->big;
	if (!wt) { /* small weights whose products overflowed */
		wt = xcalloc(n, sizeof(mpz_t));
		for (size_t i = 0; i < n; i++) {
			mpz_init(wt[i]);
			mpz_set_u128(wt[i], weight_at(w, i));
		}
	}
	mpz_t *rem = xcalloc(n, sizeof(mpz_t));
	i128 units = 0; /* half-up may round the sum past INT64_MAX */
	for (size_t i = 0; i < n; i++) {
		mpz_init(rem[i]);
		if (mpz_size(D) == 0) {
			amount[i] = 0;
			continue;
		}
		mpz_mul_si(p, wt[i], rest);
		mpz_fdiv_qr(q, rem[i], p, D);
		amount[i] = mpz_get_si(q);
		units += amount[i];
	}
	if (s->method == APPORTION_HALF_UP) {
		for (size_t i = 0; i < n; i++) {
			mpz_mul_2exp(half, rem[i], 1);
			if (mpz_size(D) && mpz_cmp(half, D) >= 0) {
				amount[i]++;
				units++;
			}
		}
	} else {
		size_t k = (size_t)(rest / s->unit - units);
		if (k > 0) {
			uint32_t *idx = xmalloc(n * sizeof(uint32_t));
			for (size_t i = 0; i < n; i++)
				idx[i] = (uint32_t)i;
			struct rank_big ctx = {rem, wt, s->id};
			select_top(idx, n, k, rank_big_cmp, &ctx);
			for (size_t t = 0; t < k; t++)
				amount[idx[t]]++;
			units += (int64_t)k;
			free(idx);
		}
	}
	for (size_t i = 0; i < n; i++)
		mpz_clear(rem[i]);
	free(rem);
	if (wt != w->big) {
		for (size_t i = 0; i < n; i++)
			mpz_clear(wt[i]);
		free(wt);
	}
	mpz_clears(D, p, q, half, NULL);
	*distributed = units;
}

int apportion(const struct apportion_spec *s, int64_t *amount, int64_t *residual, struct bd_error *err)
{
	int64_t rest = 0;
	if (check_spec(s, &rest, err))
		return -1;
	i128 units;
	if (!apportion_small(s, rest, amount, &units))
		apportion_big(s, rest, amount, &units);
	i128 sum = 0;
	for (size_t i = 0; i < s->weights->n; i++) {
		amount[i] = amount[i] * s->unit + s->base;
		sum += amount[i];
	}
	*residual = (int64_t)(s->total - sum);
	return 0;
}

static void weight_mpz(const struct apportion_weights *w, size_t i, mpz_t z)
{
	if (w->big)
		mpz_set(z, w->big[i]);
	else
		mpz_set_u128(z, weight_at(w, i));
}

int apportion_residual_to_largest(const struct apportion_spec *s, int64_t *amount, int64_t *residual,
				  struct bd_error *err)
{
	const struct apportion_weights *w = s->weights;
	if (w->n == 0)
		return bd_fail(err, "no recipients to share among");
	size_t best = 0;
	mpz_t a, b;
	mpz_inits(a, b, NULL);
	weight_mpz(w, 0, b);
	for (size_t i = 1; i < w->n; i++) {
		weight_mpz(w, i, a);
		int c = mpz_cmp(a, b);
		if (c > 0 || (c == 0 && s->id && strcmp(s->id[i], s->id[best]) < 0)) {
			best = i;
			mpz_set(b, a);
		}
	}
	mpz_clears(a, b, NULL);
	int64_t adjusted;
	if (__builtin_add_overflow(amount[best], *residual, &adjusted) || adjusted < 0) {
		char x[NUM_BUFSZ], y[NUM_BUFSZ];
		return bd_fail(err, "the residual %s kr cannot be put on the largest recipient, which gets %s kr",
			       fmt_kr_signed(*residual, x), fmt_kr(amount[best], y));
	}
	amount[best] = adjusted;
	*residual = 0;
	return 0;
}

void apportion_share(const struct apportion_weights *w, size_t i, mpq_t q)
{
	mpz_t z;
	mpz_init(z);
	weight_mpz(w, i, z);
	mpq_set_num(q, z);
	mpq_set_den(q, w->sum);
	if (mpz_size(w->sum) == 0)
		mpq_set_ui(q, 0, 1);
	else
		mpq_canonicalize(q);
	mpz_clear(z);
}

void apportion_quota(const struct apportion_spec *s, size_t i, mpq_t q)
{
	const struct apportion_weights *w = s->weights;
	int64_t rest = s->total - s->base * (int64_t)w->n;
	apportion_share(w, i, q);
	mpq_t t;
	mpq_init(t);
	mpq_set_si(t, rest, 1);
	mpq_mul(q, q, t);
	mpq_set_si(t, s->base, 1);
	mpq_add(q, q, t);
	mpq_clear(t);
}

char *apportion_share_decimal(const struct apportion_weights *w, size_t i, int decimals, char *buf)
{
	/* 10 more decimal digits must fit while scaling the remainder. */
	if (!w->big && w->small_sum < ((u128)1 << 120))
		return fmt_rat_decimal((i128)weight_at(w, i), (i128)w->small_sum, decimals, false, buf);
	mpq_t q;
	mpq_init(q);
	apportion_share(w, i, q);
	char *s = fmt_mpq_decimal(q, decimals, false);
	snprintf(buf, NUM_BUFSZ, "%s", s);
	free(s);
	mpq_clear(q);
	return buf;
}

char *fmt_mpq_decimal(const mpq_t q, int decimals, bool group)
{
	/* mpz_size, not mpz_sgn, for values that are never negative: the
	 * macro's branch for a negative one is one no input takes. */
	int sign = mpq_sgn(q);
	mpz_t scaled, num, r;
	mpz_inits(scaled, num, r, NULL);
	mpz_ui_pow_ui(scaled, 10, (unsigned long)decimals);
	mpz_abs(num, mpq_numref(q));
	mpz_mul(num, num, scaled);
	/* round half away from zero: floor((2*num + den) / (2*den)) */
	mpz_mul_2exp(num, num, 1);
	mpz_add(num, num, mpq_denref(q));
	mpz_mul_2exp(r, mpq_denref(q), 1);
	mpz_fdiv_q(num, num, r);
	mpz_fdiv_qr(num, r, num, scaled); /* num = integer part, r = fraction digits */
	char *ip = mpz_get_str(NULL, 10, num), *fp = mpz_get_str(NULL, 10, r);
	size_t il = strlen(ip), fl = strlen(fp);
	char *out = xmalloc(il + il / 3 + (size_t)decimals + fl + 8);
	size_t o = 0;
	if (sign < 0 && (mpz_size(num) || mpz_size(r)))
		out[o++] = '-';
	for (size_t i = 0; i < il; i++) {
		if (group && i > 0 && (il - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = ip[i];
	}
	if (decimals > 0) {
		out[o++] = ',';
		for (size_t i = fl; i < (size_t)decimals; i++)
			out[o++] = '0';
		memcpy(out + o, fp, fl);
		o += fl;
	}
	out[o] = '\0';
	free(ip);
	free(fp);
	mpz_clears(scaled, num, r, NULL);
	return out;
}
