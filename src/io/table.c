#include "table.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

int table_format_parse(const char *s, enum table_format *f, struct bd_error *err)
{
	static const struct {
		const char *name;
		enum table_format f;
	} names[] = {{"table", FMT_TABLE}, {"text", FMT_TABLE}, {"tsv", FMT_TSV}, {"csv", FMT_CSV},
		     {"json", FMT_JSON}, {"xlsx", FMT_XLSX}};
	for (size_t i = 0; i < BD_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i].name) == 0) {
			*f = names[i].f;
			return 0;
		}
	return bd_fail(err, "unknown format '%s' (expected table, tsv, csv, json or xlsx)", s);
}

static size_t display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* The text of a cell for people (Swedish) or machines. */
static const char *cell_text(const struct tcol *c, const struct tcell *v, bool human, char *scratch)
{
	if (v->empty)
		return "";
	switch (c->type) {
	case COL_INT:
		return human ? fmt_i128_grouped(v->num, scratch) : fmt_i128(v->num, scratch);
	case COL_DECIMAL:
		if (!human && v->text) {
			if (v->text != scratch) /* the cell may already live in scratch */
				snprintf(scratch, NUM_BUFSZ, "%s", v->text);
			char *comma = strchr(scratch, ',');
			if (comma)
				*comma = '.';
			for (char *p = scratch, *q = scratch;; p++) /* drop grouping spaces */
				if (*p != ' ' && !(*q++ = *p))
					break;
			return scratch;
		}
		return v->text ? v->text : "";
	case COL_TEXT:
		return v->text ? v->text : "";
	case COL_ORE:
		return human ? fmt_ore((int64_t)v->num, scratch) : fmt_ore_plain((int64_t)v->num, scratch);
	}
	return "";
}

static void compute_totals(const struct table *t, struct tcell *tot)
{
	char scratch[NUM_BUFSZ];
	for (size_t c = 0; c < t->ncols; c++) {
		tot[c] = (struct tcell){.empty = true};
		if (t->cols[c].total && (t->cols[c].type == COL_INT || t->cols[c].type == COL_ORE)) {
			tot[c].empty = false;
			tot[c].num = 0;
		}
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (!tot[c].empty) {
				struct tcell v = {0};
				t->cell(t->ctx, r, c, &v, scratch);
				if (!v.empty)
					tot[c].num += v.num;
			}
	if (t->total_override)
		for (size_t c = 0; c < t->ncols; c++)
			if (!t->total_override[c].empty)
				tot[c] = t->total_override[c];
}

static void put_padded(FILE *out, const char *s, size_t width, bool right, bool last)
{
	size_t w = display_width(s);
	if (right)
		for (size_t i = w; i < width; i++)
			fputc(' ', out);
	fputs(s, out);
	if (!right && !last)
		for (size_t i = w; i < width; i++)
			fputc(' ', out);
}

static int write_text(const struct table *t, FILE *out, bool aligned)
{
	size_t n = t->ncols;
	size_t *width = xcalloc(n, sizeof(size_t));
	struct tcell *tot = xcalloc(n, sizeof(struct tcell));
	char scratch[NUM_BUFSZ];
	if (t->total_label)
		compute_totals(t, tot);
	if (aligned) {
		for (size_t c = 0; c < n; c++)
			width[c] = display_width(t->cols[c].header);
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < n; c++) {
				struct tcell v = {0};
				t->cell(t->ctx, r, c, &v, scratch);
				size_t w = display_width(cell_text(&t->cols[c], &v, true, scratch));
				if (w > width[c])
					width[c] = w;
			}
		if (t->total_label) {
			for (size_t c = 0; c < n; c++) {
				size_t w = c == t->total_label_col ? display_width(t->total_label)
								   : display_width(cell_text(&t->cols[c], &tot[c], true, scratch));
				if (w > width[c])
					width[c] = w;
			}
		}
	}
	if (t->title)
		fprintf(out, "%s\n\n", t->title);
	for (size_t c = 0; c < n; c++) {
		if (c)
			fputs(aligned ? "  " : "\t", out);
		put_padded(out, t->cols[c].header, aligned ? width[c] : 0, aligned && t->cols[c].type != COL_TEXT, c == n - 1);
	}
	fputc('\n', out);
	for (size_t r = 0; r <= t->nrows; r++) {
		bool total = r == t->nrows;
		if (total && !t->total_label)
			break;
		for (size_t c = 0; c < n; c++) {
			struct tcell v = {0};
			const char *s;
			if (total)
				s = c == t->total_label_col ? t->total_label : cell_text(&t->cols[c], &tot[c], true, scratch);
			else {
				t->cell(t->ctx, r, c, &v, scratch);
				s = cell_text(&t->cols[c], &v, true, scratch);
			}
			if (c)
				fputs(aligned ? "  " : "\t", out);
			put_padded(out, s, aligned ? width[c] : 0, aligned && t->cols[c].type != COL_TEXT, c == n - 1);
		}
		fputc('\n', out);
	}
	if (t->notes) {
		fputc('\n', out);
		for (size_t i = 0; t->notes[i]; i++)
			fprintf(out, "%s\n", t->notes[i]);
	}
	free(width);
	free(tot);
	return 0;
}

/* A growing row of CSV text.  Cells are appended in place: with ten
 * million rows, per-call costs of stdio and strlen are most of the work. */
struct csvrow {
	char *p;
	size_t len, cap;
};

static char *row_room(struct csvrow *r, size_t n)
{
	if (r->cap - r->len < n) {
		while (r->cap - r->len < n)
			r->cap = r->cap ? 2 * r->cap : 256;
		r->p = xrealloc(r->p, r->cap);
	}
	return r->p + r->len;
}

size_t table_csv_text(char *d, const char *s, size_t n)
{
	size_t plain = strcspn(s, ",\"\n\r");
	if (plain >= n) {
		memcpy(d, s, n);
		return n;
	}
	char *start = d;
	*d++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*d++ = '"';
		*d++ = s[i];
	}
	*d++ = '"';
	return (size_t)(d - start);
}

size_t table_csv_decimal(char *d, const char *s)
{
	char *start = d;
	for (; *s; s++)
		if (*s != ' ')
			*d++ = *s == ',' ? '.' : *s;
	return (size_t)(d - start);
}

static void row_text(struct csvrow *r, const char *s)
{
	size_t n = strlen(s);
	r->len += table_csv_text(row_room(r, 2 * n + 2), s, n);
}

/* A decimal for machines: decimal point, no grouping spaces. */
static void row_decimal(struct csvrow *r, const char *s)
{
	r->len += table_csv_decimal(row_room(r, strlen(s)), s);
}

static void row_cell(struct csvrow *r, const struct tcol *c, const struct tcell *v)
{
	if (v->empty)
		return;
	switch (c->type) {
	case COL_INT:
		r->len += fmt_i128_n(v->num, row_room(r, NUM_BUFSZ));
		break;
	case COL_DECIMAL:
		if (v->text)
			row_decimal(r, v->text);
		break;
	case COL_TEXT:
		if (v->text)
			row_text(r, v->text);
		break;
	case COL_ORE: {
		char scratch[NUM_BUFSZ];
		const char *t = fmt_ore_plain((int64_t)v->num, scratch);
		size_t n = strlen(t);
		memcpy(row_room(r, n), t, n);
		r->len += n;
		break;
	}
	}
}

static int write_csv(const struct table *t, FILE *out)
{
	char scratch[NUM_BUFSZ];
	struct csvrow row = {NULL, 0, 0};
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
		{
			*row_room(&row, 1) = ',';
			row.len++;
		}
		row_text(&row, t->cols[c].key);
	}
	*row_room(&row, 1) = '\n';
	row.len++;
	fwrite(row.p, 1, row.len, out);
	for (size_t r = 0; r < t->nrows; r++) {
		row.len = 0;
		for (size_t c = 0; c < t->ncols; c++) {
			struct tcell v = {0};
			t->cell(t->ctx, r, c, &v, scratch);
			if (c) {
				*row_room(&row, 1) = ',';
				row.len++;
			}
			row_cell(&row, &t->cols[c], &v);
		}
		*row_room(&row, 1) = '\n';
		row.len++;
		fwrite(row.p, 1, row.len, out);
	}
	free(row.p);
	return 0;
}

static int write_json(const struct table *t, FILE *out, struct bd_error *err)
{
	char scratch[NUM_BUFSZ];
	fputs("[", out);
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *o = json_object();
		for (size_t c = 0; c < t->ncols; c++) {
			struct tcell v = {0};
			t->cell(t->ctx, r, c, &v, scratch);
			json_t *val;
			if (v.empty)
				val = json_null();
			else if (t->cols[c].type == COL_INT) {
				if (v.num > INT64_MAX || v.num < INT64_MIN) {
					json_decref(o);
					return bd_fail(err, "a value in column '%s' is too large for JSON", t->cols[c].key);
				}
				val = json_integer((json_int_t)v.num);
			} else
				val = json_string(cell_text(&t->cols[c], &v, false, scratch));
			json_object_set_new(o, t->cols[c].key, val);
		}
		fputs(r ? ",\n " : "\n ", out);
		json_dumpf(o, out, JSON_PRESERVE_ORDER | JSON_COMPACT);
		json_decref(o);
	}
	fputs(t->nrows ? "\n]\n" : "]\n", out);
	return 0;
}

/* libxlsxwriter stores numbers as doubles (the file format does).  Integers
 * below 2^53 convert exactly; larger ones are written as text. */
#define XLSX_EXACT_LIMIT ((i128)1 << 53)

static void col_name(size_t c, char *buf)
{
	/* 0 -> A, 25 -> Z, 26 -> AA */
	char tmp[8];
	int n = 0;
	c++;
	while (c) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

struct table_book {
	lxw_workbook *wb;
	char *path;
};

struct table_book *table_book_open(const char *path, struct bd_error *err)
{
	if (!path) {
		bd_fail(err, "xlsx output needs a file: give --output FILE.xlsx");
		return NULL;
	}
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb) {
		bd_fail(err, "cannot create '%s'", path);
		return NULL;
	}
	struct table_book *b = xcalloc(1, sizeof(*b));
	b->wb = wb;
	b->path = xstrdup(path);
	return b;
}

int table_book_close(struct table_book *b, struct bd_error *err)
{
	lxw_error e = workbook_close(b->wb);
	int rc = 0;
	if (e != LXW_NO_ERROR)
		rc = bd_fail(err, "cannot write '%s': %s", b->path, lxw_strerror(e));
	free(b->path);
	free(b);
	return rc;
}

static int write_xlsx(const struct table *t, const char *path, struct bd_error *err)
{
	struct table_book *b = table_book_open(path, err);
	if (!b)
		return -1;
	if (table_book_add(b, "Fördelning", t, err)) {
		table_book_close(b, NULL);
		return -1;
	}
	return table_book_close(b, err);
}

int table_book_add(struct table_book *book, const char *sheet, const struct table *t, struct bd_error *err)
{
	if (t->nrows > 1048570)
		return bd_fail(err, "a spreadsheet holds at most 1 048 576 rows; this table has %zu (use csv)", t->nrows);
	lxw_workbook *wb = book->wb;
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	if (!ws)
		return bd_fail(err, "cannot add the sheet '%s' (names are at most 31 characters and unique)", sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *intf = workbook_add_format(wb);
	format_set_num_format(intf, "#,##0");
	lxw_format *inttot = workbook_add_format(wb);
	format_set_num_format(inttot, "#,##0");
	format_set_bold(inttot);
	lxw_format *oref = workbook_add_format(wb);
	format_set_num_format(oref, "#,##0.00");
	lxw_format *dec = workbook_add_format(wb);
	format_set_num_format(dec, "0.0000000000");
	char scratch[NUM_BUFSZ];
	lxw_row_t row = 0;
	if (t->title) {
		worksheet_write_string(ws, row, 0, t->title, bold);
		row += 2;
	}
	lxw_row_t first = row + 1, last = (lxw_row_t)(row + t->nrows); /* data rows, 0-based */
	for (size_t c = 0; c < t->ncols; c++) {
		worksheet_write_string(ws, row, (lxw_col_t)c, t->cols[c].header, bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->cols[c].type == COL_TEXT ? 30 : 18, NULL);
	}
	row++;
	for (size_t r = 0; r < t->nrows; r++, row++) {
		for (size_t c = 0; c < t->ncols; c++) {
			struct tcell v = {0};
			t->cell(t->ctx, r, c, &v, scratch);
			if (v.empty)
				continue;
			const struct tcol *col = &t->cols[c];
			if (col->share_of >= 0 && t->total_label) {
				char a[8], f[64];
				col_name((size_t)col->share_of, a);
				snprintf(f, sizeof(f), "=%s%u/%s$%u", a, row + 1, a, last + 2);
				worksheet_write_formula(ws, row, (lxw_col_t)c, f, dec);
			} else if (col->type == COL_INT && v.num < XLSX_EXACT_LIMIT && v.num > -XLSX_EXACT_LIMIT) {
				worksheet_write_number(ws, row, (lxw_col_t)c, (double)(int64_t)v.num, intf);
			} else if (col->type == COL_ORE && v.num < XLSX_EXACT_LIMIT && v.num > -XLSX_EXACT_LIMIT) {
				/* Whole kronor are exact as numbers; öre are written as
				 * a quotient so the cell holds what a person would type. */
				if (v.num % 100 == 0) {
					worksheet_write_number(ws, row, (lxw_col_t)c, (double)(int64_t)(v.num / 100), oref);
				} else {
					char f[64];
					snprintf(f, sizeof(f), "=%lld/100", (long long)v.num);
					worksheet_write_formula(ws, row, (lxw_col_t)c, f, oref);
				}
			} else {
				worksheet_write_string(ws, row, (lxw_col_t)c, cell_text(col, &v, true, scratch), NULL);
			}
		}
	}
	if (t->total_label) {
		worksheet_write_string(ws, row, (lxw_col_t)t->total_label_col, t->total_label, bold);
		for (size_t c = 0; c < t->ncols; c++) {
			if (!t->cols[c].total)
				continue;
			char a[8], f[64];
			col_name(c, a);
			snprintf(f, sizeof(f), "=SUM(%s%u:%s%u)", a, first + 1, a, last + 1);
			worksheet_write_formula(ws, row, (lxw_col_t)c, f, inttot);
		}
		row++;
	}
	if (t->notes) {
		row++;
		for (size_t i = 0; t->notes[i]; i++)
			worksheet_write_string(ws, row++, 0, t->notes[i], NULL);
	}
	return 0;
}

int table_write(const struct table *t, enum table_format fmt, FILE *out, const char *path, struct bd_error *err)
{
	switch (fmt) {
	case FMT_TABLE:
		return write_text(t, out, true);
	case FMT_TSV:
		return write_text(t, out, false);
	case FMT_CSV:
		return write_csv(t, out);
	case FMT_JSON:
		return write_json(t, out, err);
	case FMT_XLSX:
		return write_xlsx(t, path, err);
	}
	return bd_fail(err, "unknown format");
}
