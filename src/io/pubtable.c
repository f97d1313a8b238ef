#include "pubtable.h"

#include <stdlib.h>
#include <string.h>

#include "refdata.h"
#include "csvread.h"
#include "readfile.h"

#define PUBTABLE_MAX_BYTES ((size_t)64 << 20)

const char *pcol_role_name(enum pcol_role r)
{
	switch (r) {
	case PC_NAME: return "mottagare";
	case PC_KEY: return "nyckel";
	case PC_SHARE: return "andel";
	case PC_AMOUNT: return "belopp";
	case PC_TOTAL: return "radsumma";
	case PC_OTHER: return "övrigt";
	}
	return "";
}

static bool has(const char *norm, const char *word)
{
	return strstr(norm, word) != NULL;
}

static enum pcol_role classify(const char *header, size_t index)
{
	if (index == 0)
		return PC_NAME;
	char *n = name_normalise(header);
	enum pcol_role r = PC_OTHER;
	if (has(n, "andel") || has(n, "share") || has(n, "procent"))
		r = PC_SHARE;
	else if (strncmp(n, "totalt", 6) == 0 || strncmp(n, "summa", 5) == 0 || strcmp(n, "total") == 0)
		r = PC_TOTAL;
	else if (has(n, "befolkning") || has(n, "invånare") || has(n, "antal") || has(n, "insatser") ||
		 has(n, "population") || has(n, "nyckel") || has(n, "folkmängd"))
		r = PC_KEY;
	else if (has(n, "kronor") || has(n, "medel") || has(n, "belopp") || has(n, "kr)") || has(n, "amount") ||
		 has(n, "sek") || has(n, "bidrag") || has(n, "tilldel") || has(n, "utbetal"))
		r = PC_AMOUNT;
	free(n);
	return r;
}

static bool is_total_label(const char *s)
{
	char *n = name_normalise(s);
	bool t = strcmp(n, "summa") == 0 || strcmp(n, "totalt") == 0 || strcmp(n, "total") == 0 ||
		 strcmp(n, "tot summa") == 0 || strcmp(n, "summa totalt") == 0 || strcmp(n, "sum") == 0 ||
		 strcmp(n, "riket") == 0;
	free(n);
	return t;
}

/* Remove HTML tags and surrounding blanks (NBSP included). */
static char *clean(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(n + 1);
	bool tag = false;
	for (size_t i = 0; i < n; i++) {
		if (tag) {
			if (s[i] == '>')
				tag = false;
			continue;
		}
		if (s[i] == '<' && strchr(s + i, '>')) {
			tag = true;
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	size_t start = 0;
	while (out[start] == ' ' || ((unsigned char)out[start] == 0xC2 && (unsigned char)out[start + 1] == 0xA0))
		start += out[start] == ' ' ? 1 : 2;
	while (o > start && (out[o - 1] == ' ' || (o >= 2 && (unsigned char)out[o - 2] == 0xC2 &&
						   (unsigned char)out[o - 1] == 0xA0)))
		o -= out[o - 1] == ' ' ? 1 : 2;
	memmove(out, out + start, o - start);
	out[o - start] = '\0';
	return out;
}

struct ctx {
	struct pubtable *t;
	bool done;
	size_t cap;
	/* The first row of two fields passed over as prose, for the error
	 * when no header is found. */
	size_t pair_line;
	char *pair_second;
};

static int on_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct ctx *c = vctx;
	struct pubtable *t = c->t;
	if (c->done)
		return 0;
	size_t nf = row->nfields;
	while (nf > 0 && row->field[nf - 1][0] == '\0')
		nf--; /* trailing empty fields */
	if (!t->header) {
		/* Prose before the table: a header has three columns, or two
		 * whose second is recognisably a key, share or amount. */
		if (nf == 2 && classify(row->field[1], 1) == PC_OTHER && !c->pair_line) {
			c->pair_line = row->line;
			c->pair_second = clean(row->field[1]);
		}
		if (nf < 2 || (nf == 2 && classify(row->field[1], 1) == PC_OTHER))
			return 0;
		t->ncols = nf;
		t->header = xcalloc(nf, sizeof(char *));
		t->role = xcalloc(nf, sizeof(enum pcol_role));
		for (size_t i = 0; i < nf; i++) {
			t->header[i] = clean(row->field[i]);
			t->role[i] = classify(t->header[i], i);
		}
		t->header_line = row->line;
		return 0;
	}
	if (nf == 0)
		return 0;
	char *first = clean(row->field[0]);
	if (nf == 1 && first[0] != '\0' && t->nrows > 0 && !is_total_label(first)) {
		free(first); /* prose after the table ends it */
		c->done = true;
		return 0;
	}
	if (nf != t->ncols) {
		free(first);
		return bd_fail(err, "%s:%zu: %zu fields, but the header (line %zu) has %zu", t->origin, row->line, nf,
			       t->header_line, t->ncols);
	}
	char **cells = xcalloc(t->ncols, sizeof(char *));
	cells[0] = first;
	for (size_t i = 1; i < t->ncols; i++)
		cells[i] = clean(row->field[i]);
	if (is_total_label(first)) {
		t->has_total = true;
		t->total = cells;
		t->total_line = row->line;
		c->done = true;
		return 0;
	}
	if (t->nrows == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		t->cell = xreallocarray(t->cell, c->cap, sizeof(char **));
		t->line = xreallocarray(t->line, c->cap, sizeof(size_t));
	}
	t->cell[t->nrows] = cells;
	t->line[t->nrows++] = row->line;
	return 0;
}

int pubtable_read(struct pubtable *t, const char *path, struct bd_error *err)
{
	memset(t, 0, sizeof(*t));
	t->origin = xstrdup(path);
	char *data;
	size_t len;
	if (read_file(path, PUBTABLE_MAX_BYTES, &data, &len, err))
		return -1;
	char delim = memchr(data, '\t', len) ? '\t' : 0;
	struct ctx c = {t, false, 0, 0, NULL};
	int rc = csv_read_buffer_delim(data, len, path, delim, on_row, NULL, &c, err);
	free(data);
	if (!rc && !t->header && c.pair_line)
		rc = bd_fail(err, "%s:%zu: no table found: a table of two columns needs a header row naming the "
				  "second as an amount, key or share ('Belopp', 'Bidrag', 'kronor', 'medel', "
				  "'Befolkning', 'Andel'), but line %zu has '%s'", path, c.pair_line, c.pair_line,
			     c.pair_second);
	else if (!rc && !t->header)
		rc = bd_fail(err, "%s: no table found (expected a header row of at least three columns: "
				  "recipient, key or share, amount; or two: recipient, amount)", path);
	free(c.pair_second);
	if (!rc && t->nrows == 0)
		rc = bd_fail(err, "%s:%zu: the table has a header but no rows", path, t->header_line);
	return rc;
}

void pubtable_release(struct pubtable *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++)
			free(t->cell[r][i]);
		free(t->cell[r]);
	}
	if (t->total) {
		for (size_t i = 0; i < t->ncols; i++)
			free(t->total[i]);
		free(t->total);
	}
	if (t->header)
		for (size_t i = 0; i < t->ncols; i++)
			free(t->header[i]);
	free(t->header);
	free(t->role);
	free(t->cell);
	free(t->line);
	free(t->origin);
	memset(t, 0, sizeof(*t));
}
