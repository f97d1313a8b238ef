/* pubtable.h: a published allocation table, as printed in a decision.
 *
 * Reads the tab-separated text of the seeds (with prose lines around the
 * table, <b> tags in the total row) or a CSV export.  The header is the
 * first row of three or more fields; data rows follow until the total row
 * (Summa, Totalt, Total, TOT SUMMA) or the end of the table.  Columns are
 * classified by their headers:
 *   share   "Andel ..."                       (printed shares or percentages)
 *   key     "Befolkning", "invånare", "Antal", "insatser", "population", "nyckel"
 *   total   "Totalt ..." / "Summa ..."         (a row total of the amount columns)
 *   amount  "... kronor", "medel", "belopp", "kr", "bidrag", "tilldelat", "utbetalning"
 * The first column names the recipient.  A table of two columns (recipient
 * and amount, no key or share) is read as well, when its header names the
 * second column as one of the above. */
#ifndef BIDRAG_PUBTABLE_H
#define BIDRAG_PUBTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "verify.h" /* struct pubtable and its column roles: what the checks read */

int pubtable_read(struct pubtable *t, const char *path, struct bd_error *err);
void pubtable_release(struct pubtable *t);
const char *pcol_role_name(enum pcol_role r);

#endif
