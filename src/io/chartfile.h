/* chartfile.h: a chart of accounts for the books from a small CSV file
 * (bidrag export sie --chart FILE): a header row naming the columns kind,
 * debit, credit and, optionally, debit_name and credit_name (any order),
 * then one row per kind of event booked (core's bookchart.h lists them:
 * execute, bank-reject, bank-return, repay-claim, report, repay-receive,
 * lapse).  A kind the file leaves out keeps the default chart's rule; a
 * row with empty debit and credit takes the kind out of the books.  Every
 * error names the file, the row and the column. */
#ifndef BIDRAG_CHARTFILE_H
#define BIDRAG_CHARTFILE_H

#include <stddef.h>

#include "bookchart.h"
#include "util.h"

/* chart_file_parse: data[0..len) over the default chart in *c. */
int chart_file_parse(const char *data, size_t len, const char *origin, struct book_chart *c, struct bd_error *err);
/* chart_file_read: the file at path. */
int chart_file_read(const char *path, struct book_chart *c, struct bd_error *err);

#endif
