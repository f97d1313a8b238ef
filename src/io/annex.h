/* annex.h: a decision's bilaga table, laid out as the decision printed it.
 *
 * Rows are the recipients of the annex's parts, in the order of the first
 * part's allocation table; columns are the annex's: the recipient as named,
 * key values, shares of a key (rounded half up to the printed decimals, as a
 * fraction or a percentage), each part's amounts, and their sum.  The total
 * row sums the key and amount columns and prints the share total as 1 (or
 * 100 %) with the annex's total decimals. */
#ifndef BIDRAG_ANNEX_H
#define BIDRAG_ANNEX_H

#include "decision.h"
#include "table.h"

struct annex_view;

/* annex_view_new: NULL with err filled when a key or part is unknown. */
struct annex_view *annex_view_new(const struct decision *d, const struct annex *x, key_lookup_fn lookup, void *ctx,
				  struct bd_error *err);
/* annex_view_table: the table model (valid while the view lives). */
const struct table *annex_view_table(struct annex_view *v);
void annex_view_free(struct annex_view *v);

#endif
