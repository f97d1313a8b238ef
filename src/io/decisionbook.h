/* decisionbook.h: a whole decision as one XLSX workbook, as 'bidrag
 * decision show --format xlsx' and GET /api/decision?format=xlsx give it:
 * a sheet "Beslut" (dnr, date, department, title, amount, agreement, parts),
 * a sheet per bilaga in the decision's layout, and a sheet per part with its
 * allocation and payees (amounts as numbers, the sum as a formula). */
#ifndef BIDRAG_DECISIONBOOK_H
#define BIDRAG_DECISIONBOOK_H

#include "decision.h"
#include "table.h"

/* decision_book_xlsx: the workbook into path; key values through lookup. */
int decision_book_xlsx(const char *path, const struct decision *d, key_lookup_fn lookup, void *ctx,
		       struct bd_error *err);

#endif
