/* xlsxread.h: the cells of a workbook's first sheet (Office Open XML,
 * .xlsx), read with minizip (the zip container) and libxml2 (its XML).
 *
 * The first sheet is the first <sheet> of xl/workbook.xml, found through
 * xl/_rels/workbook.xml.rels (xl/worksheets/sheet1.xml when a workbook has
 * no relationships).  A cell's text is its shared string (xl/sharedStrings.xml,
 * rich text joined), its inline string, or its value as written: a number is
 * given as the workbook stores it ("57283905", "0.5").  Formulas give their
 * cached value.  Rows reach the callback in order with their 1-based row
 * number as the sheet gives it; a row's cells are indexed by column (0 = A),
 * and columns with no cell are "".  Every error message starts "ORIGIN:". */
#ifndef BIDRAG_XLSXREAD_H
#define BIDRAG_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct xlsx_row {
	size_t row;     /* 1-based, as in the sheet */
	size_t ncells;  /* the last column with a cell, plus one */
	char **cell;    /* ncells texts; "" for none */
	bool *number;   /* whether each cell is a number (not a string) */
};
typedef int (*xlsx_row_fn)(const struct xlsx_row *row, void *ctx, struct bd_error *err);

/* xlsx_is_zip: whether data starts like a zip file (what an .xlsx is). */
bool xlsx_is_zip(const char *data, size_t len);

/* xlsx_read_first_sheet: the first sheet of the workbook in data[0..len),
 * row by row.  Stops at the first callback returning non-zero (its err is
 * kept).  A file that is no zip, a workbook without a sheet, an entry larger
 * than 64 MB unpacked, or XML that does not parse is an error. */
int xlsx_read_first_sheet(const char *data, size_t len, const char *origin, xlsx_row_fn fn, void *ctx,
			  struct bd_error *err);

/* xlsx_column_name: "A", ..., "Z", "AA", ... for column index c (0 = A);
 * out holds at least 8 bytes. */
void xlsx_column_name(size_t c, char *out, size_t n);

#endif
