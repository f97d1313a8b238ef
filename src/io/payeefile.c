/* payeefile.c: a file of payees' accounts.  See payeefile.h. */
#include "payeefile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "csvread.h"
#include "readfile.h"
#include "xlsxread.h"

#define MAX_FILE (16u << 20)

enum col { C_ORGNR, C_NAME, C_BANKGIRO, C_PLUSGIRO, C_IBAN, C_BIC, C_REFERENCE, C_BANK, C_COUNT };

/* What each column is called in messages (the first of its names), and the
 * names a header may give it, as header_key makes them comparable. */
static const char *const col_names[C_COUNT][8] = {
	[C_ORGNR] = {"organisationsnummer", "orgnr", "organisationsnr", "organisationnumber", "orgno"},
	[C_NAME] = {"namn", "name", "betalningsmottagare", "payee", "mottagare"},
	[C_BANKGIRO] = {"bankgiro", "bg", "bankgironummer", "bankgironr"},
	[C_PLUSGIRO] = {"plusgiro", "pg", "plusgironummer", "plusgironr"},
	[C_IBAN] = {"iban"},
	[C_BIC] = {"bic", "swift", "bicswift", "swiftbic", "swiftadress", "bickod"},
	[C_REFERENCE] = {"betalningsreferens", "referens", "reference", "paymentreference"},
	[C_BANK] = {"bank"},
};

struct reader {
	const char *origin;
	struct payee_file *out;
	bool header;
	int col[C_COUNT];         /* the cell index of each column, -1 if absent */
	char *heading[C_COUNT];   /* each column's header as written */
	size_t *rows;             /* each entry's row, for duplicates */
};

/* column: "column C (bankgiro)", by the header as written. */
static void column(const struct reader *r, enum col c, char *out, size_t n)
{
	char letter[8];
	xlsx_column_name((size_t)r->col[c], letter, sizeof(letter));
	snprintf(out, n, "column %s (%s)", letter, r->heading[c]);
}

/* header_key: the header made comparable: ASCII letters small, without
 * spaces, dots, dashes, slashes and a trailing ':' ("Org. nr" is "orgnr",
 * "BIC/SWIFT" "bicswift"); other characters (å, ä, ö) as they are. */
static void header_key(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++) {
		char c = *s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '.' || c == '-' || c == '/' || c == ':' ||
		    c == '_')
			continue;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[k] = '\0';
}

static int read_header(struct reader *r, size_t row, size_t n, char **cell, struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char key[128];
		header_key(cell[i], key, sizeof(key));
		if (!key[0])
			continue;
		int found = -1;
		for (int c = 0; c < C_COUNT && found < 0; c++)
			for (size_t k = 0; k < BD_ARRAY_LEN(col_names[c]) && col_names[c][k]; k++)
				if (strcmp(key, col_names[c][k]) == 0)
					found = c;
		char letter[8];
		xlsx_column_name(i, letter, sizeof(letter));
		if (found < 0)
			return bd_fail(err,
				       "%s, row %zu, column %s: unknown column '%s' (expected organisationsnummer, namn, "
				       "bankgiro, plusgiro, IBAN, BIC, betalningsreferens or bank)",
				       r->origin, row, letter, cell[i]);
		if (r->col[found] >= 0) {
			char other[8];
			xlsx_column_name((size_t)r->col[found], other, sizeof(other));
			return bd_fail(err, "%s, row %zu, column %s: a second %s column (the first is column %s)",
				       r->origin, row, letter, col_names[found][0], other);
		}
		r->col[found] = (int)i;
		r->heading[found] = strpool_strdup(&r->out->pool, cell[i]);
	}
	if (r->col[C_ORGNR] < 0 || r->col[C_NAME] < 0)
		return bd_fail(err, "%s, row %zu: the header has no %s column (the first row names the columns: "
				    "organisationsnummer, namn, bankgiro, plusgiro, IBAN, BIC, betalningsreferens)",
			       r->origin, row, r->col[C_ORGNR] < 0 ? "organisationsnummer" : "namn");
	if (r->col[C_BANKGIRO] < 0 && r->col[C_PLUSGIRO] < 0 && r->col[C_IBAN] < 0)
		return bd_fail(err, "%s, row %zu: the header has no account column (bankgiro, plusgiro or IBAN)",
			       r->origin, row);
	if ((r->col[C_IBAN] < 0) != (r->col[C_BIC] < 0))
		return bd_fail(err, "%s, row %zu: the header has %s column without %s (an IBAN goes with its BIC)",
			       r->origin, row, r->col[C_IBAN] < 0 ? "a BIC" : "an IBAN",
			       r->col[C_IBAN] < 0 ? "an IBAN column" : "a BIC column");
	r->header = true;
	return 0;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool blank_row(size_t n, char **cell)
{
	for (size_t i = 0; i < n; i++)
		if (!blank(cell[i]))
			return false;
	return true;
}

/* The cell of column c in a row (NULL when absent or blank). */
static const char *cell_of(const struct reader *r, enum col c, size_t n, char **cell)
{
	int i = r->col[c];
	if (i < 0 || (size_t)i >= n || blank(cell[i]))
		return NULL;
	return cell[i];
}

/* trimmed: a copy without surrounding whitespace. */
static char *trimmed(struct strpool *p, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return strpool_dup(p, s, n);
}

static int read_entry(struct reader *r, size_t row, size_t n, char **cell, const bool *number, struct bd_error *err)
{
	if (blank_row(n, cell))
		return 0;
	/* A number in a spreadsheet cell is what the workbook stores; one
	 * Excel wrote as 2.321000016E9 or 5728390.5 has lost the number as typed. */
	for (int c = 0; c < C_COUNT && number; c++) {
		int i = r->col[c];
		if (i < 0 || (size_t)i >= n || !number[i] || strspn(cell[i], "0123456789") == strlen(cell[i]))
			continue;
		char col[160];
		column(r, (enum col)c, col, sizeof(col));
		return bd_fail(err, "%s, row %zu, %s: the cell holds the number %s, not the digits as written: format "
				    "the column as text and type the number again",
			       r->origin, row, col, cell[i]);
	}
	struct payee_entry e = {0};
	char col[160], where[300];
	snprintf(where, sizeof(where), "%s, row %zu", r->origin, row);
	struct bd_error why;
	if (ident_normalise(IDENT_ORGNR, cell_of(r, C_ORGNR, n, cell), e.orgnr, sizeof(e.orgnr), &why)) {
		column(r, C_ORGNR, col, sizeof(col));
		return bd_fail(err, "%s, %s: %s", where, col, why.msg);
	}
	const char *name = cell_of(r, C_NAME, n, cell);
	if (!name) {
		column(r, C_NAME, col, sizeof(col));
		return bd_fail(err, "%s, %s: no name (the payee's name, as payments are to be addressed)", where, col);
	}
	e.name = trimmed(&r->out->pool, name);
	if (strlen(e.name) > 200) {
		column(r, C_NAME, col, sizeof(col));
		return bd_fail(err, "%s, %s: a name of %zu bytes; at most 200", where, col, strlen(e.name));
	}
	if (payee_text_check(e.name, &why)) {
		column(r, C_NAME, col, sizeof(col));
		return bd_fail(err, "%s, %s: the name: %s", where, col, why.msg);
	}
	static const enum col acct_col[AF_COUNT] = {C_BANKGIRO, C_PLUSGIRO, C_IBAN, C_BIC};
	const char *text[AF_COUNT];
	for (int f = 0; f < AF_COUNT; f++)
		text[f] = cell_of(r, acct_col[f], n, cell);
	enum account_field field;
	if (payee_account_parse(text, &e.account, &field, &why)) {
		if (field == AF_COUNT) {
			char cols[400] = "";
			for (int f = 0; f < AF_BIC; f++)
				if (r->col[acct_col[f]] >= 0) {
					column(r, acct_col[f], col, sizeof(col));
					snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s", cols[0] ? ", " : "",
						 col + strlen("column "));
				}
			return bd_fail(err, "%s, columns %s: %s", where, cols, why.msg);
		}
		column(r, acct_col[field], col, sizeof(col));
		return bd_fail(err, "%s, %s: %s", where, col, why.msg);
	}
	const char *ref = cell_of(r, C_REFERENCE, n, cell);
	if (ref) {
		e.reference = trimmed(&r->out->pool, ref);
		size_t chars = 0;
		for (const char *s = e.reference; *s; s++)
			chars += ((unsigned char)*s & 0xC0) != 0x80;
		if (chars > 70) {
			column(r, C_REFERENCE, col, sizeof(col));
			return bd_fail(err, "%s, %s: a reference of %zu characters; at most 70 reach the payee", where, col,
				       chars);
		}
		if (payee_text_check(e.reference, &why)) {
			column(r, C_REFERENCE, col, sizeof(col));
			return bd_fail(err, "%s, %s: the reference: %s", where, col, why.msg);
		}
	}
	struct payee_file *f = r->out;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].orgnr, e.orgnr) == 0 && strcasecmp(f->v[i].name, e.name) == 0)
			return bd_fail(err, "%s: %s (%s) is on row %zu already: a payee is given once", where, e.name,
				       e.orgnr, r->rows[i]);
	e.where = strpool_strdup(&f->pool, where);
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	r->rows = xreallocarray(r->rows, f->n + 1, sizeof(size_t));
	r->rows[f->n] = row;
	f->v[f->n++] = e;
	return 0;
}

static int on_cells(struct reader *r, size_t row, size_t n, char **cell, const bool *number, struct bd_error *err)
{
	if (r->header)
		return read_entry(r, row, n, cell, number, err);
	return blank_row(n, cell) ? 0 : read_header(r, row, n, cell, err);
}

static int on_csv(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	return on_cells(ctx, row->line, row->nfields, row->field, NULL, err);
}

static int on_xlsx(const struct xlsx_row *row, void *ctx, struct bd_error *err)
{
	return on_cells(ctx, row->row, row->ncells, row->cell, row->number, err);
}

int payee_file_parse(const char *data, size_t len, const char *origin, struct payee_file *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out->sha256, sizeof(out->sha256), h, sizeof(h));
	struct reader r = {.origin = origin, .out = out};
	for (int c = 0; c < C_COUNT; c++)
		r.col[c] = -1;
	int rc;
	if (xlsx_is_zip(data, len)) {
		out->kind = "xlsx";
		rc = xlsx_read_first_sheet(data, len, origin, on_xlsx, &r, err);
	} else {
		out->kind = "csv";
		rc = csv_read_buffer(data, len, origin, on_csv, NULL, &r, err);
	}
	free(r.rows);
	if (!rc && !r.header)
		rc = bd_fail(err, "%s: empty: the first row names the columns (organisationsnummer, namn, bankgiro, "
				  "plusgiro, IBAN, BIC, betalningsreferens), each row after it is a payee",
			     origin);
	else if (!rc && out->n == 0)
		rc = bd_fail(err, "%s: no payees: only the header row", origin);
	if (rc)
		payee_file_release(out);
	return rc ? -1 : 0;
}

int payee_file_read(const char *path, struct payee_file *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	char *data;
	size_t len;
	if (read_file(path, MAX_FILE, &data, &len, err))
		return -1;
	int rc = payee_file_parse(data, len, path, out, err);
	free(data);
	return rc;
}

void payee_file_release(struct payee_file *f)
{
	free(f->v);
	strpool_release(&f->pool);
	memset(f, 0, sizeof(*f));
	strpool_init(&f->pool);
}
