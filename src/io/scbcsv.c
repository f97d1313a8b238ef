#include "scbcsv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "textenc.h"

struct row {
	const char **f;
	size_t n, line;
};

struct rows {
	struct row *r;
	size_t n, cap;
	struct strpool pool;
};

static int on_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct rows *rs = vctx;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	struct row *r = &rs->r[rs->n++];
	r->n = row->nfields;
	r->line = row->line;
	r->f = strpool_alloc(&rs->pool, (row->nfields ? row->nfields : 1) * sizeof(*r->f));
	for (size_t i = 0; i < row->nfields; i++)
		r->f[i] = strpool_strdup(&rs->pool, row->field[i]);
	return 0;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* is_period: "2018", "2026M01", "2023K4", "2023Q4". */
static bool is_period(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || !digits(s, 4))
		return false;
	if (n == 4)
		return true;
	if (n == 7 && s[4] == 'M' && digits(s + 5, 2))
		return true;
	return n == 6 && (s[4] == 'K' || s[4] == 'Q') && s[5] >= '1' && s[5] <= '4';
}

/* code_prefix: the length of the number in "01 Stockholm county", 0 if the
 * text is not a number, a space and a name. */
static size_t code_prefix(const char *s)
{
	size_t k = 0;
	while (s[k] >= '0' && s[k] <= '9')
		k++;
	return k && s[k] == ' ' && s[k + 1] && s[k + 1] != ' ' ? k : 0;
}

/* The delimiter: by the first line that has a tab, a semicolon or a comma
 * outside quotes (the title line has none). */
static char delimiter(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t tabs = 0, semis = 0, commas = 0;
		bool quoted = false;
		for (; i < n && p[i] != '\n'; i++) {
			if (p[i] == '"')
				quoted = !quoted;
			else if (!quoted && p[i] == '\t')
				tabs++;
			else if (!quoted && p[i] == ';')
				semis++;
			else if (!quoted && p[i] == ',')
				commas++;
		}
		i++;
		if (tabs)
			return '\t';
		if (semis && semis >= commas)
			return ';';
		if (commas)
			return ',';
	}
	return ',';
}

struct column {
	const char **val; /* distinct values, in order of appearance */
	size_t n;
	struct strmap map;
	size_t code; /* the length of every value's code prefix, or 0 (no split) */
};

static int build(const char *origin, struct rows *rs, char delim, struct stat_cube *c, struct bd_error *err)
{
	size_t i = 0;
	const char *title = NULL;
	for (; i < rs->n && rs->r[i].n == 1; i++) {
		if (!title)
			title = rs->r[i].f[0];
		else
			statcube_add_note(c, rs->r[i].f[0]);
	}
	c->title = statcube_str(c, title, -1);
	if (i == rs->n)
		return bd_fail(err, "%s: no header row (expected a row naming the row variables and the periods, such as "
				    "\"region\",\"2018\")", origin);
	const struct row *h = &rs->r[i++];
	size_t p = 0;
	while (p < h->n && !is_period(h->f[p]))
		p++;
	if (p == h->n)
		return bd_fail(err, "%s:%zu: no column of the header is a period (YYYY, YYYYMnn or YYYYKn): bidrag reads SCB "
				    "CSV downloads with the periods as columns and the other variables as rows",
			       origin, h->line);
	if (p == 0)
		return bd_fail(err, "%s:%zu: the first column is the period '%s': expected the row variables (such as "
				    "\"region\") before the periods", origin, h->line, h->f[0]);
	for (size_t k = p; k < h->n; k++) {
		if (!is_period(h->f[k]))
			return bd_fail(err, "%s:%zu: column %zu of the header, '%s', is not a period, but column %zu ('%s') "
					    "is: expected the row variables first, then one column per period (YYYY, "
					    "YYYYMnn or YYYYKn)", origin, h->line, k + 1, h->f[k], p + 1, h->f[p]);
		for (size_t l = p; l < k; l++)
			if (strcmp(h->f[l], h->f[k]) == 0)
				return bd_fail(err, "%s:%zu: the period '%s' is a column twice", origin, h->line, h->f[k]);
	}
	for (size_t k = 0; k < p; k++)
		if (!h->f[k][0])
			return bd_fail(err, "%s:%zu: column %zu of the header is empty (expected the name of a row variable)",
				       origin, h->line, k + 1);
	/* The data rows, then the notes (single fields). */
	size_t first = i, last = i;
	for (; i < rs->n; i++) {
		const struct row *r = &rs->r[i];
		if (r->n == 1 && i > first) {
			statcube_add_note(c, r->f[0]);
			continue;
		}
		if (last != i)
			return bd_fail(err, "%s:%zu: a row after the notes that end the table (line %zu)", origin, r->line,
				       rs->r[last].line);
		if (r->n != h->n)
			return bd_fail(err, "%s:%zu: %zu fields, but the header has %zu", origin, r->line, r->n, h->n);
		last = i + 1;
	}
	size_t nrow = last - first;
	if (nrow == 0)
		return bd_fail(err, "%s: a header but no rows", origin);
	struct column *col = xcalloc(p, sizeof(*col));
	int rc = 0;
	for (size_t k = 0; k < p; k++) {
		col[k].val = xcalloc(nrow, sizeof(*col[k].val));
		strmap_init(&col[k].map, nrow, col[k].val);
		size_t pre = SIZE_MAX;
		for (size_t r = first; r < last; r++) {
			const char *v = rs->r[r].f[k];
			if (strmap_get(&col[k].map, v) >= 0)
				continue;
			col[k].val[col[k].n] = v;
			strmap_put(&col[k].map, (uint32_t)col[k].n, NULL);
			col[k].n++;
			size_t cp = code_prefix(v);
			pre = cp ? (pre == SIZE_MAX ? 1 : pre) : 0;
		}
		col[k].code = pre == 1;
		size_t d = statcube_add_dim(c, h->f[k], h->f[k], col[k].n);
		for (size_t v = 0; v < col[k].n; v++) {
			const char *t = col[k].val[v];
			size_t cl = col[k].code ? code_prefix(t) : 0;
			if (cl) {
				char *code = xstrndup(t, cl);
				statcube_set_cat(c, d, v, code, t + cl + 1);
				free(code);
			} else {
				statcube_set_cat(c, d, v, NULL, t);
			}
		}
	}
	size_t td = statcube_add_dim(c, "period", "period", h->n - p);
	c->dim[td].role = STAT_ROLE_TIME;
	for (size_t k = p; k < h->n; k++)
		statcube_set_cat(c, td, k - p, NULL, h->f[k]);
	c->nstub = p;
	rc = statcube_finish(c, true, err);
	/* Which line gave each combination of the row variables. */
	size_t ncomb = c->ncell / (h->n - p);
	size_t *seen = rc ? NULL : xcalloc(ncomb, sizeof(*seen));
	size_t *cat = xcalloc(p + 1, sizeof(*cat));
	for (size_t r = first; r < last && !rc; r++) {
		const struct row *row = &rs->r[r];
		for (size_t k = 0; k < p; k++)
			cat[k] = (size_t)strmap_get(&col[k].map, row->f[k]);
		cat[p] = 0;
		size_t base = statcube_offset(c, cat);
		size_t comb = base / (h->n - p);
		if (seen[comb]) {
			rc = bd_fail(err, "%s:%zu: the row of '%s' is given twice (first on line %zu)", origin, row->line,
				     row->f[0], seen[comb]);
			break;
		}
		seen[comb] = row->line;
		for (size_t k = p; k < h->n && !rc; k++) {
			struct stat_cell *cell = &c->cell[base + (k - p)];
			const char *v = row->f[k];
			if (!*v || !strcmp(v, "..") || !strcmp(v, ".") || !strcmp(v, ":") || !strcmp(v, "...")) {
				cell->status = STAT_MISSING;
				cell->symbol = statcube_symbol(c, *v ? v : "(empty)");
				continue;
			}
			if (!strcmp(v, "-")) {
				cell->status = STAT_NIL;
				cell->mant = 0;
				cell->symbol = statcube_symbol(c, v);
				continue;
			}
			char num[64];
			size_t n = strlen(v);
			if (n >= sizeof(num)) {
				rc = bd_fail(err, "%s:%zu: column '%s': '%.20s...' is not a number", origin, row->line, h->f[k], v);
				break;
			}
			memcpy(num, v, n + 1);
			if (delim != ',') {
				char *comma = strchr(num, ',');
				if (comma && !strchr(comma + 1, ',') && !strchr(num, '.'))
					*comma = '.';
			}
			int64_t mant;
			int scale;
			const char *why;
			if (stat_decimal_parse(num, strlen(num), &mant, &scale, &why)) {
				rc = bd_fail(err, "%s:%zu: column '%s': '%s' is not a number%s%s%s, nor a missing-value symbol "
						  "(\"..\", \".\", \":\") nor \"-\"", origin, row->line, h->f[k], v,
					     strcmp(why, "not a number") ? " (" : "", strcmp(why, "not a number") ? why : "",
					     strcmp(why, "not a number") ? ")" : "");
				break;
			}
			cell->mant = mant;
			cell->scale = (uint8_t)scale;
			cell->status = STAT_VALUE;
		}
	}
	free(cat);
	free(seen);
	for (size_t k = 0; k < p; k++) {
		strmap_release(&col[k].map);
		free(col[k].val);
	}
	free(col);
	return rc;
}

int scbcsv_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		 struct stat_cube *c, struct bd_error *err)
{
	const char *enc, *why;
	if (o && o->encoding) {
		enc = text_encoding(o->encoding);
		why = "given";
	} else if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		enc = "UTF-8";
		why = "a UTF-8 byte order mark";
	} else if (text_utf8_check(data, len, NULL) == len) {
		enc = "UTF-8";
		why = "the text is valid UTF-8";
	} else {
		enc = "WINDOWS-1252";
		why = "not UTF-8: SCB's encoding for CSV downloads";
	}
	char *text;
	size_t tlen;
	if (text_to_utf8(data, len, enc, origin, why, &text, &tlen, err))
		return -1;
	c->origin = statcube_str(c, origin, -1);
	c->format = "SCB CSV";
	char *e = xasprintf("%s (%s)", enc, why);
	c->encoding = statcube_str(c, e, -1);
	free(e);
	struct rows rs = {0};
	strpool_init(&rs.pool);
	char delim = delimiter(text, tlen);
	int rc = csv_read_buffer_delim(text, tlen, origin, delim, on_row, NULL, &rs, err);
	if (!rc)
		rc = build(origin, &rs, delim, c, err);
	free(rs.r);
	strpool_release(&rs.pool);
	free(text);
	return rc;
}
