/* apportion.h: exact apportionment of a total among recipients.
 *
 * Every rule in the seeds reduces to one form: recipient i gets
 *     base + unit * round(rest * N_i / (C * unit)),   rest = total - n*base,
 * where N_i >= 0 are integer weights and C = sum N_i.  A weighted mix of keys
 * (1/2 population + 1/2 insatser) is turned into such integer weights exactly
 * by apportion_weights_mix(); equal shares are N_i = 1.
 *
 * Rounding:
 *  - largest remainder (Hamilton), the default: everyone gets the floor of
 *    the quota, and the units left over go to the largest remainders.  The
 *    sum is exact and every amount is within one unit of its quota.
 *  - half-up: each quota rounded half up on its own; the sum may differ from
 *    the total, and that residual is reported, never hidden.
 *
 * Tie-break (largest remainder): among equal remainders, the recipient with
 * the larger weight (larger quota) is served first; among equal weights, the
 * smaller id in byte order.  Ids are unique, so the order is total and the
 * result does not depend on the order of the input.
 *
 * Exactness: the weights are kept in 64 bits when a bound proves they fit,
 * the arithmetic runs in 128 bits when every product fits; otherwise the same
 * computation runs in GMP.  No floating point anywhere. */
#ifndef BIDRAG_APPORTION_H
#define BIDRAG_APPORTION_H

#include <gmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "money.h"
#include "util.h"

enum apportion_method {
	APPORTION_LARGEST_REMAINDER,
	APPORTION_HALF_UP,
};

/* Integer weights N_i: 64-bit when every one is below 2^64 (narrow; the
 * mix proves it from the keys' largest values before it computes them),
 * else 128-bit (small), else GMP integers (big).  Exactly one is set. */
struct apportion_weights {
	size_t n;
	uint64_t *narrow; /* n values, or NULL */
	u128 *small;      /* n values, or NULL */
	mpz_t *big;       /* n values, or NULL */
	u128 small_sum;   /* C when narrow or small */
	mpz_t sum;        /* always set: C = sum N_i */
};

/* One key column in a mix: n non-negative integers (decimal keys are scaled
 * to integers by the reader; the scale cancels) and its weight. */
struct apportion_key {
	const int64_t *value;
	struct rat weight;
	const char *name; /* for messages */
};

void apportion_weights_init(struct apportion_weights *w);
void apportion_weights_release(struct apportion_weights *w);
/* apportion_weights_equal: N_i = 1 for n recipients. */
void apportion_weights_equal(struct apportion_weights *w, size_t n);
/* apportion_weights_mix: N_i such that N_i / C = sum_j weight_j * v_ji / S_j
 * exactly.  Weights must be positive and sum to exactly 1; every key must
 * have a positive sum.  Returns 0, or -1 with err filled. */
int apportion_weights_mix(struct apportion_weights *w, size_t n, size_t nkeys,
			  const struct apportion_key *keys, struct bd_error *err);

struct apportion_spec {
	const struct apportion_weights *weights;
	const char *const *id; /* n unique ids for the tie-break */
	int64_t total;         /* >= 0 kronor */
	int64_t base;          /* per recipient, >= 0 */
	int64_t unit;          /* >= 1 */
	enum apportion_method method;
};

/* apportion: fill amount[0..n-1].  *residual = total - sum(amount): always 0
 * for largest remainder.  Fails (nothing written to amount) on: no recipients,
 * base * n > total, a rest not divisible by the unit under largest remainder,
 * a total or base not a multiple of the unit, all weights zero. */
int apportion(const struct apportion_spec *spec, int64_t *amount, int64_t *residual,
	      struct bd_error *err);

/* apportion_residual_to_largest: put *residual kronor (what a half-up
 * apportionment left: total - sum of amount) on the recipient with the
 * largest weight, so the largest quota (on a tie, the smaller id; without
 * ids, the first), and set *residual to 0.  Fails (nothing changed) when
 * that amount would go below zero. */
int apportion_residual_to_largest(const struct apportion_spec *spec, int64_t *amount, int64_t *residual,
				  struct bd_error *err);

/* apportion_quota: the exact quota of recipient i, base included, as a
 * GMP rational (q must be initialised). */
void apportion_quota(const struct apportion_spec *spec, size_t i, mpq_t q);
/* apportion_share: the exact share N_i / C as a GMP rational. */
void apportion_share(const struct apportion_weights *w, size_t i, mpq_t q);
/* apportion_share_decimal: N_i / C rounded half up to `decimals` places,
 * Swedish decimal comma ("0,2301038047"). buf: NUM_BUFSZ bytes. */
char *apportion_share_decimal(const struct apportion_weights *w, size_t i, int decimals, char *buf);

/* fmt_mpq_decimal: q rounded half away from zero, decimal comma; grouped
 * integer part when group.  Returns a malloc'd string. */
char *fmt_mpq_decimal(const mpq_t q, int decimals, bool group);

#endif
