/* findkey.h: the rounding rules a published table is compared under, and the
 * search for the key of a published table.
 *
 * Rounding rules (round_rule), each applied to the exact quotas of a rule
 * (apportion.h):
 *   ROUND_LARGEST_REMAINDER  largest remainder (Hamilton, Hare quota): the
 *                            sum is exact; apportion()'s tie-break.
 *   ROUND_HALF_UP            each quota rounded half up on its own; the sum
 *                            may differ from the total.
 *   ROUND_HALF_UP_ADJUSTED   half up, then the whole residual (total - sum)
 *                            put on the largest recipient (the largest
 *                            weight; on a tie the smaller id), as publishers
 *                            do by hand "to reach the total".
 * round_compare() says which rows of a table differ from a rule and by how
 * much, and round_outcome_text() says it in one line (Swedish).
 *
 * The search (fk_search) tries, over the n rows of a table with amounts
 * a_i and a total T, these candidate rules, in this order:
 *   1. equal shares;
 *   2. each key alone;
 *   3. base + key: b kronor to everyone, the rest by the key.  The bases
 *      tried are those the table allows: each row i (but the two largest
 *      amounts, where a hand adjustment may sit) must have
 *      |a_i - b - (T - n*b) * s_i| <= 2, s_i the key's share; that is an
 *      interval of b, found exactly (GMP rationals).  Every whole b >= 1 (a
 *      multiple of the unit) in it is tried, at most FK_MAX_BASES; when it
 *      holds more (a key too even to tell the base), only round bases
 *      (multiples of the smallest power of ten leaving at most FK_MAX_BASES).
 *   4. two keys weighted: alpha of key j and 1 - alpha of key k (j < k).
 *      The same row condition |a_i - T*(alpha*s_ji + (1-alpha)*s_ki)| <= 2
 *      gives an interval of alpha, found exactly.  Tried: every fraction
 *      p/q in it with 0 < p < q <= FK_MAX_DEN (lowest terms; at most
 *      FK_MAX_WEIGHTS, smallest denominators first); when there is none,
 *      the simplest fraction in the interval (the one with the smallest
 *      denominator, found exactly by continued fractions) if its
 *      denominator is at most FK_MAX_EXACT_DEN.
 * Every candidate is evaluated under every rounding rule.  A candidate
 * matches when it gives every row's amount exactly.  The closest candidate
 * under a rule has the fewest rows differing, then the smallest sum of
 * differences, then comes first in the order above.
 *
 * All arithmetic is exact (int64, 128-bit, GMP); no floating point. */
#ifndef BIDRAG_FINDKEY_H
#define BIDRAG_FINDKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apportion.h"
#include "money.h"
#include "util.h"

enum round_rule {
	ROUND_LARGEST_REMAINDER,
	ROUND_HALF_UP,
	ROUND_HALF_UP_ADJUSTED,
	ROUND_NRULES,
};

/* round_rule_id: "largest-remainder", "half-up", "half-up-adjusted". */
const char *round_rule_id(enum round_rule r);
/* round_rule_name: the rule in words (Swedish), for summaries. */
const char *round_rule_name(enum round_rule r);

/* round_amounts: the amounts of spec (its method ignored) under rule r.
 * Fails as apportion() does. */
int round_amounts(const struct apportion_spec *spec, enum round_rule r, int64_t *amount, struct bd_error *err);

/* How a table's amounts compare with a rule's. */
struct round_outcome {
	size_t n, ndiff;  /* rows, rows differing */
	int64_t absdiff;  /* sum of |published - computed| */
	int64_t mindiff, maxdiff; /* smallest and largest |difference| among the rows differing */
	int64_t *computed; /* per row, the rule's amount (malloc'd) */
	int64_t *diff;     /* per row, published - computed (malloc'd) */
};

void round_outcome_release(struct round_outcome *o);
/* round_compare: fill o (released first) from n published and computed amounts. */
void round_compare(struct round_outcome *o, size_t n, const int64_t *published, const int64_t *computed);
/* round_outcome_text: "alla 21 rader stämmer" or "8 rader avviker med 1 kr:
 * Region X +1 kr, Region Y -1 kr, ..." (at most max_rows rows named, the
 * rest counted), with name[r] the rows' names; malloc'd. */
char *round_outcome_text(const struct round_outcome *o, const char *const *name, size_t max_rows);

/* ---- the search --------------------------------------------------------- */

#define FK_MAX_BASES 64
#define FK_MAX_DEN 100
#define FK_MAX_WEIGHTS 64
#define FK_MAX_EXACT_DEN 1000000000
#define FK_TOLERANCE 2

struct fk_key {
	const char *name;
	const int64_t *value; /* n values >= 0, one per row of the table */
};

struct fk_input {
	size_t n;
	const char *const *id;    /* n unique recipient ids, for the tie-breaks */
	const int64_t *published; /* n amounts */
	int64_t total, unit;
	size_t nkeys;
	const struct fk_key *keys;
};

enum fk_form { FK_EQUAL, FK_KEY, FK_BASE_KEY, FK_TWO_KEYS };

struct fk_candidate {
	enum fk_form form;
	size_t key[2];     /* FK_KEY, FK_BASE_KEY: key[0]; FK_TWO_KEYS: both */
	struct rat weight; /* FK_TWO_KEYS: of key[0]; key[1] has 1 - weight */
	int64_t base;      /* FK_BASE_KEY */
	bool evaluated;
	struct round_outcome out[ROUND_NRULES];
	/* The quota rule (what DOMAIN.md asks a verifier to accept): rows whose
	 * amount is a unit or more from the candidate's exact quota. */
	size_t quota_outside;
};

struct fk_result {
	size_t ntried;                 /* candidates evaluated */
	struct fk_candidate *match;    /* those matching under at least one rule, in the search's order */
	size_t nmatch;
	struct fk_candidate closest[ROUND_NRULES]; /* per rule (evaluated false: no candidate could be evaluated) */
	char **note;                   /* what was skipped and why (Swedish) */
	size_t nnote;
};

void fk_result_init(struct fk_result *r);
void fk_result_release(struct fk_result *r);

/* fk_search: try every candidate (see above).  Fails only on input that
 * cannot be searched (no rows, a negative amount or key value, a unit < 1). */
int fk_search(const struct fk_input *in, struct fk_result *res, struct bd_error *err);

/* fk_candidate_exact: the candidate reproduces the table under rule r. */
bool fk_candidate_exact(const struct fk_candidate *c, enum round_rule r);

/* fk_best: the match found first, else the candidate that came closest
 * under any rule (fewest rows differing, then the smallest sum of
 * differences, then the rule first in enum order); NULL when none was
 * evaluated. */
const struct fk_candidate *fk_best(const struct fk_result *res);

/* fk_candidate_text: the candidate in words (Swedish), e.g. "1/2 av A + 1/2
 * av B", "500 000 kr per mottagare, resten efter A"; malloc'd. */
char *fk_candidate_text(const struct fk_candidate *c, const struct fk_key *keys);
/* fk_form_id: "equal", "key", "base+key", "two-keys". */
const char *fk_form_id(enum fk_form f);

/* fk_proportional: the two n-vectors give the same shares (a_i * sum(b) ==
 * b_i * sum(a) for every i). */
bool fk_proportional(size_t n, const int64_t *a, const int64_t *b);

/* fk_base_interval: the bases b (whole kronor, multiples of unit, >= unit)
 * the table allows for shares w (rows but `skip` ones, tolerance tol), as
 * [*lo, *hi]; false when there is none.  Exposed for the tests. */
bool fk_base_interval(const struct fk_input *in, const struct apportion_weights *w, const bool *skip, int64_t tol,
		      int64_t *lo, int64_t *hi);
/* fk_simplest_fraction: the rational with the smallest denominator in
 * [lo, hi] (0 <= lo <= hi), into r; false when its denominator would pass
 * max_den.  Exposed for the tests. */
bool fk_simplest_fraction(const mpq_t lo, const mpq_t hi, unsigned long max_den, mpq_t r);

#endif
