/* csvread.h: delimited text (CSV, semicolon, TSV) through libcsv.
 *
 * The delimiter is taken from the first data line: tab if it has one, else
 * semicolon if it has at least as many as commas, else comma.  A UTF-8 byte
 * order mark is skipped; lines starting with '#' are comments (handed to
 * on_comment when given); empty lines are skipped; every line must be valid
 * UTF-8 without a NUL byte.  Rows reach the callback with the line number
 * they end on.  Every error message starts "ORIGIN:LINE:". */
#ifndef BIDRAG_CSVREAD_H
#define BIDRAG_CSVREAD_H

#include <stddef.h>

#include "util.h"

struct csv_row {
	size_t nfields;
	char **field; /* NUL-terminated, trimmed of surrounding spaces */
	size_t *len;  /* strlen of each field */
	size_t line;
};

typedef int (*csv_row_fn)(const struct csv_row *row, void *ctx, struct bd_error *err);
typedef void (*csv_comment_fn)(const char *text, size_t len, void *ctx);

/* csv_read_buffer: parse data[0..len).  origin names the input in messages.
 * Stops at the first callback returning non-zero (its err is kept) or at a
 * parse error.  Returns 0 on success. */
int csv_read_buffer(const char *data, size_t len, const char *origin, csv_row_fn on_row,
		    csv_comment_fn on_comment, void *ctx, struct bd_error *err);

/* csv_read_buffer_delim: the same with a given delimiter (0: detect). */
int csv_read_buffer_delim(const char *data, size_t len, const char *origin, char delim, csv_row_fn on_row,
			  csv_comment_fn on_comment, void *ctx, struct bd_error *err);

#endif
