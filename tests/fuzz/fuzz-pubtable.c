/* fuzz-pubtable: published allocation tables, as printed in a decision
 * (tab-separated text with prose around it, or CSV; src/io/pubtable.c).
 * Properties:
 *   - a refusal has a message naming the file;
 *   - a table read has a header of two or more columns, the recipient
 *     first, every row as many cells, rows in the order of their lines
 *     after the header's, the total row after them;
 *   - the table written back (header, rows and total row, tab-separated,
 *     every cell quoted) is read back the same: headers, roles, cells,
 *     total. */
#include "fuzz.h"

#include "pubtable.h"

static void add_cell(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_add(b, "\t", 1);
	buf_add(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			buf_add(b, "\"\"", 2);
		else
			buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

static void add_row(struct buf *b, char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_cell(b, cells[i], i == 0);
	buf_add(b, "\n", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".txt");
	struct pubtable t;
	struct bd_error err = {0};
	if (pubtable_read(&t, path, &err)) {
		fuzz_refused(&err, path);
		pubtable_release(&t);
		return 0;
	}
	PROP(t.ncols >= 2 && t.header && t.role[0] == PC_NAME && t.nrows >= 1, "%zu columns, %zu rows", t.ncols,
	     t.nrows);
	/* A row ends with a cell (trailing empty fields are not columns),
	 * unless the cell was only markup: then the round trip cannot hold. */
	bool last_cells = t.header[t.ncols - 1][0] != '\0';
	for (size_t i = 0; i < t.ncols; i++)
		PROP(t.header[i] && pcol_role_name(t.role[i])[0], "column %zu", i);
	for (size_t r = 0; r < t.nrows; r++) {
		/* strictly: a lone carriage return ends a row and a line alike */
		PROP(t.line[r] > (r ? t.line[r - 1] : t.header_line), "row %zu on line %zu", r, t.line[r]);
		for (size_t i = 0; i < t.ncols; i++)
			PROP(t.cell[r][i] != NULL, "row %zu column %zu", r, i);
		last_cells &= t.cell[r][t.ncols - 1][0] != '\0';
	}
	if (t.has_total) {
		PROP(t.total && t.total_line > t.line[t.nrows - 1], "the total row on line %zu", t.total_line);
		last_cells &= t.total[t.ncols - 1][0] != '\0';
	}

	if (last_cells) {
		struct buf b;
		buf_init(&b, SIZE_MAX / 2);
		add_row(&b, t.header, t.ncols);
		for (size_t r = 0; r < t.nrows; r++)
			add_row(&b, t.cell[r], t.ncols);
		if (t.has_total)
			add_row(&b, t.total, t.ncols);
		const char *again = fuzz_file((const uint8_t *)b.data, b.len, ".txt");
		struct pubtable u;
		int rc = pubtable_read(&u, again, &err);
		PROP(rc == 0, "the table written back is refused: %s\n%.*s", err.msg, (int)b.len, b.data);
		PROP(u.ncols == t.ncols && u.nrows == t.nrows && u.has_total == t.has_total,
		     "written back: %zu columns, %zu rows, total %d; read: %zu, %zu, %d\n%.*s", t.ncols, t.nrows,
		     t.has_total, u.ncols, u.nrows, u.has_total, (int)b.len, b.data);
		for (size_t i = 0; i < t.ncols; i++)
			PROP(strcmp(t.header[i], u.header[i]) == 0 && t.role[i] == u.role[i],
			     "header '%s' (%s) read back as '%s' (%s)", t.header[i], pcol_role_name(t.role[i]), u.header[i],
			     pcol_role_name(u.role[i]));
		for (size_t r = 0; r < t.nrows; r++)
			for (size_t i = 0; i < t.ncols; i++)
				PROP(strcmp(t.cell[r][i], u.cell[r][i]) == 0, "row %zu column %zu: '%s' read back as '%s'", r,
				     i, t.cell[r][i], u.cell[r][i]);
		for (size_t i = 0; t.has_total && i < t.ncols; i++)
			PROP(strcmp(t.total[i], u.total[i]) == 0, "total column %zu: '%s' read back as '%s'", i, t.total[i],
			     u.total[i]);
		pubtable_release(&u);
		buf_release(&b);
	}
	pubtable_release(&t);
	return 0;
}
