/* findkey.c: rounding rules compared with a published table, and the search
 * for the key of a published table (findkey.h). */
#include <gmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findkey.h"

const char *round_rule_id(enum round_rule r)
{
	switch (r) {
	case ROUND_LARGEST_REMAINDER: return "largest-remainder";
	case ROUND_HALF_UP: return "half-up";
	case ROUND_HALF_UP_ADJUSTED: return "half-up-adjusted";
	case ROUND_NRULES: break;
	}
	return "";
}

const char *round_rule_name(enum round_rule r)
{
	switch (r) {
	case ROUND_LARGEST_REMAINDER: return "största rest";
	case ROUND_HALF_UP: return "halvt uppåt";
	case ROUND_HALF_UP_ADJUSTED: return "halvt uppåt, resten på största mottagaren";
	case ROUND_NRULES: break;
	}
	return "";
}

int round_amounts(const struct apportion_spec *spec, enum round_rule r, int64_t *amount, struct bd_error *err)
{
	struct apportion_spec s = *spec;
	s.method = r == ROUND_LARGEST_REMAINDER ? APPORTION_LARGEST_REMAINDER : APPORTION_HALF_UP;
	int64_t residual;
	if (apportion(&s, amount, &residual, err))
		return -1;
	if (r == ROUND_HALF_UP_ADJUSTED && residual != 0)
		return apportion_residual_to_largest(&s, amount, &residual, err);
	return 0;
}

void round_outcome_release(struct round_outcome *o)
{
	free(o->computed);
	free(o->diff);
	memset(o, 0, sizeof(*o));
}

void round_compare(struct round_outcome *o, size_t n, const int64_t *published, const int64_t *computed)
{
	round_outcome_release(o);
	o->n = n;
	o->computed = xmalloc((n ? n : 1) * sizeof(int64_t));
	o->diff = xmalloc((n ? n : 1) * sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		o->computed[i] = computed[i];
		/* Amounts are at most INT64_MAX and at least 0: the difference fits. */
		int64_t d = published[i] - computed[i];
		o->diff[i] = d;
		if (d == 0)
			continue;
		int64_t ad = d < 0 ? -d : d;
		if (o->ndiff == 0 || ad < o->mindiff)
			o->mindiff = ad;
		if (ad > o->maxdiff)
			o->maxdiff = ad;
		o->ndiff++;
		o->absdiff = o->absdiff > INT64_MAX - ad ? INT64_MAX : o->absdiff + ad;
	}
}

char *round_outcome_text(const struct round_outcome *o, const char *const *name, size_t max_rows)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	char x[NUM_BUFSZ], y[NUM_BUFSZ];
	if (o->ndiff == 0) {
		buf_addf(&b, "alla %zu rader stämmer", o->n);
		return b.data;
	}
	buf_addf(&b, "%zu %s av %zu avviker ", o->ndiff, o->ndiff == 1 ? "rad" : "rader", o->n);
	if (o->mindiff == o->maxdiff)
		buf_addf(&b, "med %s kr:", fmt_kr(o->maxdiff, x));
	else
		buf_addf(&b, "med %s–%s kr:", fmt_kr(o->mindiff, x), fmt_kr(o->maxdiff, y));
	size_t shown = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (o->diff[i] == 0)
			continue;
		if (shown == max_rows) {
			buf_addf(&b, ", … och %zu till", o->ndiff - shown);
			break;
		}
		buf_addf(&b, "%s %s %s kr", shown ? "," : "", name[i], fmt_kr_signed(o->diff[i], x));
		shown++;
	}
	return b.data;
}

/* ---- candidates ---------------------------------------------------------- */

const char *fk_form_id(enum fk_form f)
{
	switch (f) {
	case FK_EQUAL: return "equal";
	case FK_KEY: return "key";
	case FK_BASE_KEY: return "base+key";
	case FK_TWO_KEYS: return "two-keys";
	}
	return "";
}

bool fk_candidate_exact(const struct fk_candidate *c, enum round_rule r)
{
	return c->evaluated && c->out[r].diff && c->out[r].ndiff == 0;
}

static bool better(const struct round_outcome *a, const struct round_outcome *b)
{
	if (a->ndiff != b->ndiff)
		return a->ndiff < b->ndiff;
	return a->absdiff < b->absdiff;
}

const struct fk_candidate *fk_best(const struct fk_result *res)
{
	if (res->nmatch)
		return &res->match[0];
	const struct fk_candidate *best = NULL;
	int bestr = 0;
	for (int r = 0; r < ROUND_NRULES; r++) {
		const struct fk_candidate *c = &res->closest[r];
		if (!c->evaluated || !c->out[r].diff)
			continue;
		if (!best || better(&c->out[r], &best->out[bestr])) {
			best = c;
			bestr = r;
		}
	}
	return best;
}

char *fk_candidate_text(const struct fk_candidate *c, const struct fk_key *keys)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	switch (c->form) {
	case FK_EQUAL:
		return xstrdup("lika delar");
	case FK_KEY:
		return xstrdup(keys[c->key[0]].name);
	case FK_BASE_KEY:
		return xasprintf("%s kr per mottagare, resten efter %s", fmt_kr(c->base, a), keys[c->key[0]].name);
	case FK_TWO_KEYS: {
		struct rat rest = rat_make(c->weight.den - c->weight.num, c->weight.den);
		char *first = xasprintf("%s/%s av %s", fmt_i128(c->weight.num, a), fmt_i128(c->weight.den, b),
					keys[c->key[0]].name);
		char *s = xasprintf("%s + %s/%s av %s", first, fmt_i128(rest.num, a), fmt_i128(rest.den, b),
				    keys[c->key[1]].name);
		free(first);
		return s;
	}
	}
	return xstrdup("");
}

static void candidate_release(struct fk_candidate *c)
{
	for (int r = 0; r < ROUND_NRULES; r++)
		round_outcome_release(&c->out[r]);
	c->evaluated = false;
}

void fk_result_init(struct fk_result *r)
{
	memset(r, 0, sizeof(*r));
}

void fk_result_release(struct fk_result *r)
{
	for (size_t i = 0; i < r->nmatch; i++)
		candidate_release(&r->match[i]);
	free(r->match);
	for (int k = 0; k < ROUND_NRULES; k++)
		candidate_release(&r->closest[k]);
	for (size_t i = 0; i < r->nnote; i++)
		free(r->note[i]);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

static void add_note(struct fk_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_note(struct fk_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = xstrdup(fmt);
	va_end(ap);
	r->note = xreallocarray(r->note, r->nnote + 1, sizeof(char *));
	r->note[r->nnote++] = m;
}

static void outcome_copy(struct round_outcome *dst, const struct round_outcome *src)
{
	*dst = *src;
	if (!src->diff)
		return;
	size_t bytes = (src->n ? src->n : 1) * sizeof(int64_t);
	dst->computed = xmalloc(bytes);
	dst->diff = xmalloc(bytes);
	memcpy(dst->computed, src->computed, bytes);
	memcpy(dst->diff, src->diff, bytes);
}

static void candidate_copy(struct fk_candidate *dst, const struct fk_candidate *src)
{
	*dst = *src;
	for (int r = 0; r < ROUND_NRULES; r++)
		outcome_copy(&dst->out[r], &src->out[r]);
}

/* The search's state: the input, scratch space and the result. */
struct search {
	const struct fk_input *in;
	struct fk_result *res;
	int64_t *amount;
	struct fk_candidate cur;
	bool *skip; /* rows left out of the interval conditions */
};

/* Evaluate s->cur (form, keys, weight, base set) over weights w. */
static void evaluate(struct search *s, const struct apportion_weights *w)
{
	const struct fk_input *in = s->in;
	struct apportion_spec spec = {w, in->id, in->total, s->cur.base, in->unit, APPORTION_LARGEST_REMAINDER};
	bool any = false, exact = false;
	for (int r = 0; r < ROUND_NRULES; r++) {
		if (round_amounts(&spec, (enum round_rule)r, s->amount, NULL)) {
			round_outcome_release(&s->cur.out[r]);
			continue;
		}
		round_compare(&s->cur.out[r], in->n, in->published, s->amount);
		any = true;
		exact |= s->cur.out[r].ndiff == 0;
	}
	if (!any)
		return;
	s->cur.evaluated = true;
	/* The quota rule: |a_i - q_i| < unit on every row. */
	s->cur.quota_outside = 0;
	mpq_t q, d, u;
	mpq_inits(q, d, u, NULL);
	mpq_set_si(u, in->unit, 1);
	for (size_t i = 0; i < in->n; i++) {
		apportion_quota(&spec, i, q);
		mpq_set_si(d, in->published[i], 1);
		mpq_sub(d, d, q);
		mpq_abs(d, d);
		s->cur.quota_outside += mpq_cmp(d, u) >= 0;
	}
	mpq_clears(q, d, u, NULL);
	s->res->ntried++;
	struct fk_result *res = s->res;
	if (exact) {
		res->match = xreallocarray(res->match, res->nmatch + 1, sizeof(*res->match));
		candidate_copy(&res->match[res->nmatch++], &s->cur);
	}
	for (int r = 0; r < ROUND_NRULES; r++) {
		if (!s->cur.out[r].diff)
			continue;
		struct fk_candidate *c = &res->closest[r];
		if (!c->evaluated || !c->out[r].diff || better(&s->cur.out[r], &c->out[r])) {
			candidate_release(c);
			candidate_copy(c, &s->cur);
		}
	}
	candidate_release(&s->cur);
}

static void set_candidate(struct search *s, enum fk_form form, size_t k0, size_t k1, struct rat weight, int64_t base)
{
	s->cur.form = form;
	s->cur.key[0] = k0;
	s->cur.key[1] = k1;
	s->cur.weight = weight;
	s->cur.base = base;
	s->cur.evaluated = false;
}

bool fk_proportional(size_t n, const int64_t *a, const int64_t *b)
{
	mpz_t sa, sb, x, y;
	mpz_inits(sa, sb, x, y, NULL);
	for (size_t i = 0; i < n; i++) {
		mpz_set_si(x, a[i]);
		mpz_add(sa, sa, x);
		mpz_set_si(x, b[i]);
		mpz_add(sb, sb, x);
	}
	bool same = true;
	for (size_t i = 0; i < n && same; i++) {
		mpz_set_si(x, a[i]);
		mpz_mul(x, x, sb);
		mpz_set_si(y, b[i]);
		mpz_mul(y, y, sa);
		same = mpz_cmp(x, y) == 0;
	}
	mpz_clears(sa, sb, x, y, NULL);
	return same;
}

/* ---- intervals ------------------------------------------------------------ */

/* An interval of rationals; an end may be open-ended (infinite). */
struct interval {
	mpq_t lo, hi;
	bool has_lo, has_hi, empty;
};

static void interval_init(struct interval *v)
{
	mpq_inits(v->lo, v->hi, NULL);
	v->has_lo = v->has_hi = v->empty = false;
}

static void interval_clear(struct interval *v)
{
	mpq_clears(v->lo, v->hi, NULL);
}

/* Intersect with {x : |c - x*d| <= tol}. */
static void interval_restrict(struct interval *v, const mpq_t c, const mpq_t d, int64_t tol)
{
	if (v->empty)
		return;
	mpq_t t, a, b;
	mpq_inits(t, a, b, NULL);
	mpq_set_si(t, tol, 1);
	if (mpq_sgn(d) == 0) {
		mpq_abs(a, c);
		if (mpq_cmp(a, t) > 0)
			v->empty = true;
		mpq_clears(t, a, b, NULL);
		return;
	}
	/* (c - tol)/d and (c + tol)/d, ordered by the sign of d */
	mpq_sub(a, c, t);
	mpq_div(a, a, d);
	mpq_add(b, c, t);
	mpq_div(b, b, d);
	if (mpq_sgn(d) < 0)
		mpq_swap(a, b);
	if (!v->has_lo || mpq_cmp(a, v->lo) > 0) {
		mpq_set(v->lo, a);
		v->has_lo = true;
	}
	if (!v->has_hi || mpq_cmp(b, v->hi) < 0) {
		mpq_set(v->hi, b);
		v->has_hi = true;
	}
	if (v->has_lo && v->has_hi && mpq_cmp(v->lo, v->hi) > 0)
		v->empty = true;
	mpq_clears(t, a, b, NULL);
}

static void weight_share(const struct apportion_weights *w, size_t i, mpq_t q)
{
	apportion_share(w, i, q);
}

bool fk_base_interval(const struct fk_input *in, const struct apportion_weights *w, const bool *skip, int64_t tol,
		      int64_t *lo, int64_t *hi)
{
	struct interval v;
	interval_init(&v);
	mpq_t s, c, d, t;
	mpq_inits(s, c, d, t, NULL);
	for (size_t i = 0; i < in->n && !v.empty; i++) {
		if (skip && skip[i])
			continue;
		/* c = a_i - T*s_i, d = 1 - n*s_i: |c - b*d| <= tol */
		weight_share(w, i, s);
		mpq_set_si(t, in->total, 1);
		mpq_mul(t, t, s);
		mpq_set_si(c, in->published[i], 1);
		mpq_sub(c, c, t);
		mpq_set_ui(t, (unsigned long)in->n, 1);
		mpq_mul(t, t, s);
		mpq_set_ui(d, 1, 1);
		mpq_sub(d, d, t);
		interval_restrict(&v, c, d, tol);
	}
	/* 1 unit <= b <= total / n, b a multiple of the unit */
	bool ok = !v.empty;
	if (ok) {
		mpz_t z;
		mpz_init(z);
		int64_t blo = in->unit, bhi = in->total / (int64_t)in->n;
		if (v.has_lo) {
			mpz_cdiv_q(z, mpq_numref(v.lo), mpq_denref(v.lo));
			if (mpz_cmp_si(z, bhi) > 0)
				ok = false;
			else if (mpz_cmp_si(z, blo) > 0)
				blo = mpz_get_si(z);
		}
		if (ok && v.has_hi) {
			mpz_fdiv_q(z, mpq_numref(v.hi), mpq_denref(v.hi));
			if (mpz_cmp_si(z, blo) < 0)
				ok = false;
			else if (mpz_cmp_si(z, bhi) < 0)
				bhi = mpz_get_si(z);
		}
		mpz_clear(z);
		if (ok) {
			blo = (blo + in->unit - 1) / in->unit * in->unit;
			bhi = bhi / in->unit * in->unit;
			ok = blo <= bhi;
			*lo = blo;
			*hi = bhi;
		}
	}
	mpq_clears(s, c, d, t, NULL);
	interval_clear(&v);
	return ok;
}

bool fk_simplest_fraction(const mpq_t lo, const mpq_t hi, unsigned long max_den, mpq_t r)
{
	/* Continued fractions: with f = floor(lo), either an integer lies in
	 * [lo, hi], or both lie in (f, f+1) and the answer is
	 * f + 1/simplest(1/(hi-f), 1/(lo-f)).  Unwound iteratively: the terms
	 * f_0, f_1, ... then folded back from the last. */
	mpq_t a, b, t;
	mpz_t f;
	mpq_inits(a, b, t, NULL);
	mpz_init(f);
	mpq_set(a, lo);
	mpq_set(b, hi);
	mpz_t terms[128];
	size_t nt = 0;
	bool ok = false;
	for (;;) {
		mpz_fdiv_q(f, mpq_numref(a), mpq_denref(a));
		if (mpz_cmp_ui(mpq_denref(a), 1) == 0) { /* a is an integer */
			mpq_set_z(t, f);
			ok = true;
			break;
		}
		mpz_add_ui(f, f, 1);
		mpq_set_z(t, f);
		if (mpq_cmp(t, b) <= 0) {
			ok = true;
			break;
		}
		if (nt == BD_ARRAY_LEN(terms))
			break;
		mpz_sub_ui(f, f, 1);
		mpz_init_set(terms[nt++], f);
		/* (a, b) <- (1/(b-f), 1/(a-f)) */
		mpq_set_z(t, f);
		mpq_sub(a, a, t);
		mpq_sub(b, b, t);
		mpq_inv(a, a);
		mpq_inv(b, b);
		mpq_swap(a, b);
	}
	if (ok) {
		/* t is the innermost value; fold: t <- term + 1/t */
		mpq_t x;
		mpq_init(x);
		for (size_t i = nt; i-- > 0;) {
			mpq_inv(t, t);
			mpq_set_z(x, terms[i]);
			mpq_add(t, t, x);
		}
		mpq_clear(x);
		ok = mpz_cmp_ui(mpq_denref(t), max_den) <= 0;
		if (ok)
			mpq_set(r, t);
	}
	for (size_t i = 0; i < nt; i++)
		mpz_clear(terms[i]);
	mpq_clears(a, b, t, NULL);
	mpz_clear(f);
	return ok;
}

/* The interval of alpha for keys j, k (shares in wj, wk). */
static bool weight_interval(const struct search *s, const struct apportion_weights *wj,
			    const struct apportion_weights *wk, mpq_t lo, mpq_t hi)
{
	const struct fk_input *in = s->in;
	struct interval v;
	interval_init(&v);
	mpq_t sj, sk, c, d, t;
	mpq_inits(sj, sk, c, d, t, NULL);
	for (size_t i = 0; i < in->n && !v.empty; i++) {
		if (s->skip[i])
			continue;
		/* c = a_i - T*sk_i, d = T*(sj_i - sk_i): |c - alpha*d| <= tol */
		weight_share(wj, i, sj);
		weight_share(wk, i, sk);
		mpq_set_si(t, in->total, 1);
		mpq_mul(c, t, sk);
		mpq_neg(c, c);
		mpq_set_si(d, in->published[i], 1);
		mpq_add(c, c, d);
		mpq_sub(d, sj, sk);
		mpq_mul(d, d, t);
		interval_restrict(&v, c, d, FK_TOLERANCE);
	}
	/* 0 < alpha < 1 */
	bool ok = !v.empty;
	if (ok) {
		mpq_set_ui(lo, 0, 1);
		mpq_set_ui(hi, 1, 1);
		if (v.has_lo && mpq_cmp(v.lo, lo) > 0)
			mpq_set(lo, v.lo);
		if (v.has_hi && mpq_cmp(v.hi, hi) < 0)
			mpq_set(hi, v.hi);
		ok = mpq_cmp(lo, hi) <= 0;
	}
	mpq_clears(sj, sk, c, d, t, NULL);
	interval_clear(&v);
	return ok;
}

static int key_weights(const struct fk_input *in, size_t k, struct apportion_weights *w)
{
	struct apportion_key key = {in->keys[k].value, {1, 1}, in->keys[k].name};
	return apportion_weights_mix(w, in->n, 1, &key, NULL);
}

static void try_bases(struct search *s, size_t k, const struct apportion_weights *w)
{
	const struct fk_input *in = s->in;
	int64_t lo, hi;
	if (!fk_base_interval(in, w, s->skip, FK_TOLERANCE, &lo, &hi))
		return;
	int64_t step = in->unit;
	/* Too many: only round bases. */
	while ((hi - lo) / step + 1 > FK_MAX_BASES && step <= INT64_MAX / 10) {
		step *= 10;
		lo = (lo + step - 1) / step * step;
		hi = hi / step * step;
	}
	if (lo > hi)
		return;
	if (step != in->unit)
		add_note(s->res, "grundbelopp med %s: för jämn nyckel för att bestämma grundbeloppet ur tabellen; "
				 "bara jämna grundbelopp (multiplar av %lld kr) prövades", in->keys[k].name, (long long)step);
	for (int64_t b = lo; b <= hi; b += step) {
		set_candidate(s, FK_BASE_KEY, k, k, (struct rat){1, 1}, b);
		evaluate(s, w);
		if (b > INT64_MAX - step)
			break;
	}
}

static bool gcd_one(unsigned long p, unsigned long q)
{
	while (q) {
		unsigned long t = p % q;
		p = q;
		q = t;
	}
	return p == 1;
}

static void try_pair(struct search *s, size_t j, size_t k, const struct apportion_weights *wj,
		     const struct apportion_weights *wk)
{
	const struct fk_input *in = s->in;
	mpq_t lo, hi, x;
	mpq_inits(lo, hi, x, NULL);
	struct rat tried[FK_MAX_WEIGHTS + 1];
	size_t ntried = 0;
	if (weight_interval(s, wj, wk, lo, hi)) {
		for (unsigned long q = 2; q <= FK_MAX_DEN && ntried < FK_MAX_WEIGHTS; q++) {
			/* p from ceil(lo*q) to floor(hi*q), 0 < p < q */
			mpz_t pl, ph;
			mpz_inits(pl, ph, NULL);
			mpz_mul_ui(pl, mpq_numref(lo), q);
			mpz_cdiv_q(pl, pl, mpq_denref(lo));
			mpz_mul_ui(ph, mpq_numref(hi), q);
			mpz_fdiv_q(ph, ph, mpq_denref(hi));
			unsigned long p0 = mpz_cmp_ui(pl, 1) < 0 ? 1 : mpz_get_ui(pl);
			unsigned long p1 = mpz_cmp_ui(ph, q - 1) > 0 ? q - 1 : mpz_get_ui(ph);
			if (mpz_sgn(ph) < 0)
				p1 = 0;
			for (unsigned long p = p0; p <= p1 && p < q && ntried < FK_MAX_WEIGHTS; p++)
				if (gcd_one(p, q))
					tried[ntried++] = (struct rat){(i128)p, (i128)q};
			mpz_clears(pl, ph, NULL);
		}
		if (ntried == 0 && mpq_sgn(lo) > 0 && mpq_cmp_ui(hi, 1, 1) < 0 &&
		    fk_simplest_fraction(lo, hi, FK_MAX_EXACT_DEN, x) && mpq_sgn(x) > 0 && mpq_cmp_ui(x, 1, 1) < 0)
			tried[ntried++] = (struct rat){(i128)mpz_get_ui(mpq_numref(x)), (i128)mpz_get_ui(mpq_denref(x))};
	}
	mpq_clears(lo, hi, x, NULL);
	for (size_t t = 0; t < ntried; t++) {
		struct apportion_key keys[2] = {
			{in->keys[j].value, tried[t], in->keys[j].name},
			{in->keys[k].value, rat_make(tried[t].den - tried[t].num, tried[t].den), in->keys[k].name},
		};
		struct apportion_weights w;
		apportion_weights_init(&w);
		if (apportion_weights_mix(&w, in->n, 2, keys, NULL) == 0) {
			set_candidate(s, FK_TWO_KEYS, j, k, tried[t], 0);
			evaluate(s, &w);
		}
		apportion_weights_release(&w);
	}
}

/* Rows left out of the interval conditions: the two largest amounts. */
static void mark_skip(struct search *s)
{
	const struct fk_input *in = s->in;
	if (in->n <= 4)
		return;
	for (int t = 0; t < 2; t++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < in->n; i++)
			if (!s->skip[i] && (best == SIZE_MAX || in->published[i] > in->published[best]))
				best = i;
		s->skip[best] = true;
	}
}

int fk_search(const struct fk_input *in, struct fk_result *res, struct bd_error *err)
{
	if (in->n == 0)
		return bd_fail(err, "the table has no rows");
	if (in->unit < 1)
		return bd_fail(err, "the rounding unit must be at least 1 krona");
	for (size_t i = 0; i < in->n; i++)
		if (in->published[i] < 0)
			return bd_fail(err, "row %zu: a negative amount", i + 1);
	for (size_t k = 0; k < in->nkeys; k++)
		for (size_t i = 0; i < in->n; i++)
			if (in->keys[k].value[i] < 0)
				return bd_fail(err, "key '%s', row %zu: a negative value", in->keys[k].name, i + 1);
	struct search s = {in, res, xcalloc(in->n, sizeof(int64_t)), {0}, xcalloc(in->n, sizeof(bool))};
	mark_skip(&s);

	/* 1. equal shares */
	struct apportion_weights eq;
	apportion_weights_init(&eq);
	apportion_weights_equal(&eq, in->n);
	set_candidate(&s, FK_EQUAL, 0, 0, (struct rat){1, 1}, 0);
	evaluate(&s, &eq);
	apportion_weights_release(&eq);

	/* 2. each key alone */
	struct apportion_weights *w = xcalloc(in->nkeys ? in->nkeys : 1, sizeof(*w));
	bool *usable = xcalloc(in->nkeys ? in->nkeys : 1, sizeof(bool));
	for (size_t k = 0; k < in->nkeys; k++) {
		apportion_weights_init(&w[k]);
		if (key_weights(in, k, &w[k])) {
			add_note(res, "%s: summerar till noll över tabellens mottagare; prövas inte", in->keys[k].name);
			continue;
		}
		usable[k] = true;
		set_candidate(&s, FK_KEY, k, k, (struct rat){1, 1}, 0);
		evaluate(&s, &w[k]);
	}
	/* 3. base + key */
	for (size_t k = 0; k < in->nkeys; k++)
		if (usable[k])
			try_bases(&s, k, &w[k]);
	/* 4. two keys weighted (keys with the same shares make no mix) */
	for (size_t j = 0; j < in->nkeys; j++)
		for (size_t k = j + 1; k < in->nkeys; k++)
			if (usable[j] && usable[k] && !fk_proportional(in->n, in->keys[j].value, in->keys[k].value))
				try_pair(&s, j, k, &w[j], &w[k]);
	for (size_t k = 0; k < in->nkeys; k++)
		apportion_weights_release(&w[k]);
	free(w);
	free(usable);
	candidate_release(&s.cur);
	free(s.amount);
	free(s.skip);
	return 0;
}
