/* table.h: one table model, many output formats.
 *
 * Rows are not stored: a cell callback produces each cell when the writer
 * needs it, so ten million rows stream straight to CSV.  Formats:
 *   table  aligned text in the layout of the seeds' bilagor, Swedish numbers
 *   tsv    tab-separated, Swedish numbers (as the seed texts are printed)
 *   csv    machine-readable: header of json keys, plain integers, '.' decimals
 *   json   an array of objects (json keys), integers as JSON integers
 *   xlsx   a spreadsheet: numbers as numbers, sums and shares as formulas */
#ifndef BIDRAG_TABLE_H
#define BIDRAG_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "money.h"
#include "util.h"

enum table_format { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_XLSX };

enum col_type {
	COL_TEXT,    /* text */
	COL_INT,     /* an integer: kronor or a count */
	COL_DECIMAL, /* an exact decimal, given as text with a decimal comma */
	COL_ORE,     /* money in öre (num): "1 234,50" for people, "1234.50" for machines */
};

struct tcol {
	const char *header;   /* for people: "Fördelade medel" */
	const char *key;      /* for machines: "amount" */
	enum col_type type;
	bool total;           /* summed in the total row */
	int share_of;         /* xlsx: this column is column share_of / its total; -1 if not */
};

struct tcell {
	const char *text; /* COL_TEXT, COL_DECIMAL; NULL = empty */
	i128 num;         /* COL_INT */
	bool empty;
};

/* Fill *out for (row, col); scratch has NUM_BUFSZ bytes for text. */
typedef void (*tcell_fn)(void *ctx, size_t row, size_t col, struct tcell *out, char *scratch);

struct table {
	const char *title;      /* a line above the table (may be NULL) */
	const char *const *notes; /* NULL-terminated lines below it (may be NULL) */
	size_t ncols;
	const struct tcol *cols;
	size_t nrows;
	tcell_fn cell;
	void *ctx;
	const char *total_label; /* "Summa"; NULL for no total row */
	size_t total_label_col;
	const struct tcell *total_override; /* ncols cells replacing the computed totals, or NULL */
};

/* The CSV writer's cells, for a writer that formats rows itself (allocate's
 * direct writer) and must write them as table_write would:
 * table_csv_text: s[0..n) (s NUL-terminated at n) as one field, quoted when
 * it holds a comma, quote, CR or LF; d has room for 2n+2 bytes.
 * table_csv_decimal: a COL_DECIMAL text with a decimal point and no
 * grouping spaces; d has room for strlen(s) bytes.  Both return the bytes
 * written (no NUL). */
size_t table_csv_text(char *d, const char *s, size_t n);
size_t table_csv_decimal(char *d, const char *s);

int table_format_parse(const char *s, enum table_format *f, struct bd_error *err);
/* table_write: to out, or for xlsx to path (which must be given). */
int table_write(const struct table *t, enum table_format fmt, FILE *out, const char *path, struct bd_error *err);

/* A workbook of several sheets, one table each. */
struct table_book;
struct table_book *table_book_open(const char *path, struct bd_error *err);
/* table_book_add: sheet names are at most 31 characters and unique. */
int table_book_add(struct table_book *b, const char *sheet, const struct table *t, struct bd_error *err);
int table_book_close(struct table_book *b, struct bd_error *err);

#endif
