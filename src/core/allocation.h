/* allocation.h: the one allocation service: a rule over recipients ->
 * integer weights -> apportioned amounts.  The decision register, allocate,
 * verify, status (split over posts) and the API all allocate through it, so
 * a rule gives the same amounts wherever it is evaluated. */
#ifndef BIDRAG_ALLOCATION_H
#define BIDRAG_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>

#include "apportion.h"
#include "util.h"

/* A rule: equal shares (nkeys == 0), or a weighted mix of key columns (the
 * weights add up to exactly 1), of total kronor, with base kronor to
 * everyone first and amounts in whole units. */
struct allocation_rule {
	size_t nkeys;
	const struct apportion_key *keys; /* nkeys columns of n values each */
	int64_t total, base, unit;
	enum apportion_method method;
};

/* What allocation_run failed on, so a caller can say where in its input. */
enum allocation_failure {
	ALLOCATION_OK = 0,
	ALLOCATION_BAD_WEIGHTS = -1, /* the keys: a zero sum, weights not adding up to 1, ... */
	ALLOCATION_BAD_AMOUNTS = -2, /* the apportionment: base * n > total, a total off the unit grid, ... */
};

/* allocation_run: fill w (initialised by the caller, released by the caller
 * whatever the outcome) with the rule's integer weights over the n
 * recipients (ids unique, for the tie-break), then amount[0..n-1] and
 * *residual (total - sum of amounts; 0 under largest remainder).  Returns
 * ALLOCATION_OK, or a failure with err filled. */
enum allocation_failure allocation_run(const struct allocation_rule *rule, size_t n, const char *const *id,
				       struct apportion_weights *w, int64_t *amount, int64_t *residual,
				       struct bd_error *err);

#endif
