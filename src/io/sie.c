#include "sie.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decision.h"
#include "ident.h"
#include "money.h"

/* Codepage 437's characters 0x80-0xFF as Unicode code points. */
static const unsigned short cp437_high[128] = {
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
	0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
	0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
	0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
	0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* Typographic characters codepage 437 lacks, and their plain forms. */
static const struct {
	unsigned long cp;
	const char *plain;
} plain_forms[] = {
	{0x00A0, " "},   /* no-break space (437 has one, but it would read as a letter) */
	{0x2009, " "},   /* thin space */
	{0x202F, " "},   /* narrow no-break space */
	{0x2010, "-"},   /* hyphen */
	{0x2011, "-"},   /* non-breaking hyphen */
	{0x2013, "-"},   /* en dash */
	{0x2014, "-"},   /* em dash */
	{0x2018, "'"},   /* left single quotation mark */
	{0x2019, "'"},   /* right single quotation mark, apostrophe */
	{0x201C, "\""},  /* left double quotation mark */
	{0x201D, "\""},  /* right double quotation mark */
	{0x2026, "..."}, /* horizontal ellipsis */
};

/* utf8_next: the code point at *p and its length (0 when not UTF-8). */
static size_t utf8_next(const unsigned char *p, unsigned long *cp)
{
	size_t len;
	unsigned long c, min;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		len = 2, c = p[0] & 0x1Fu, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3, c = p[0] & 0x0Fu, min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4, c = p[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3Fu);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* shown: s for a message: at most 60 bytes, control characters as \xNN
 * so that a newline cannot break the message. */
static const char *shown(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; s[i] && i < 60 && k + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			k += (size_t)snprintf(out + k, n - k, "\\x%02X", c);
		else
			out[k++] = (char)c;
	}
	out[k] = '\0';
	return out;
}

/* The writer: the file being built, and which record a message is about. */
struct w {
	struct buf b;
	struct bd_error *err;
	char where[300]; /* "verifikation A 3 (2024-03-01, \"Utbetalning\")" */
};

__attribute__((format(printf, 2, 3))) static int fail(struct w *w, const char *fmt, ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(w->err, "SIE: %s%s%s", w->where, w->where[0] ? ": " : "", msg);
}

/* text: s (UTF-8) quoted in codepage 437. */
static int text(struct w *w, const char *s, const char *field)
{
	char qs[300];
	buf_add(&w->b, "\"", 1);
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t pos = 0;
	while (*p) {
		unsigned long cp;
		size_t len = utf8_next(p, &cp);
		pos++;
		if (len == 0)
			return fail(w, "%s '%s': byte 0x%02X at character %zu is not UTF-8", field, shown(s, qs, sizeof(qs)), *p, pos);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return fail(w, "%s '%s': a control character (U+%04lX) at character %zu; SIE allows none in a "
				       "text",
				    field, shown(s, qs, sizeof(qs)), cp, pos);
		if (cp == '\\' && (p[1] == '"' || p[1] == '\0'))
			return fail(w,
				    "%s '%s': a backslash %s at character %zu would be read as an escape in SIE; "
				    "remove it",
				    field, shown(s, qs, sizeof(qs)), p[1] ? "before a '\"'" : "at the end", pos);
		if (cp == '"') {
			buf_adds(&w->b, "\\\"");
		} else if (cp < 0x80) {
			char c = (char)cp;
			buf_add(&w->b, &c, 1);
		} else {
			const char *plain = NULL;
			for (size_t i = 0; i < BD_ARRAY_LEN(plain_forms) && !plain; i++)
				if (plain_forms[i].cp == cp)
					plain = plain_forms[i].plain;
			if (plain) {
				for (const char *q = plain; *q; q++)
					buf_adds(&w->b, *q == '"' ? "\\\"" : (char[]){*q, 0});
			} else {
				int byte = -1;
				for (int i = 0; i < 128 && byte < 0; i++)
					if (cp437_high[i] == cp)
						byte = 0x80 + i;
				if (byte < 0)
					return fail(w,
						    "%s '%s': the character '%.*s' (U+%04lX) at character %zu cannot be "
						    "written in PC8 (codepage 437), which SIE requires",
						    field, shown(s, qs, sizeof(qs)), (int)len, (const char *)p, cp, pos);
				char c = (char)byte;
				buf_add(&w->b, &c, 1);
			}
		}
		p += len;
	}
	buf_add(&w->b, "\"", 1);
	return 0;
}

static void eol(struct w *w)
{
	buf_adds(&w->b, "\r\n");
}

/* date: YYYY-MM-DD as YYYYMMDD; -1 when not a date. */
static int date(struct w *w, const char *iso, const char *field)
{
	if (!date_valid(iso))
		return fail(w, "%s '%s' is not a date (expected YYYY-MM-DD)", field, iso ? iso : "");
	buf_addf(&w->b, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
	return 0;
}

static void amount(struct w *w, int64_t ore)
{
	/* |INT64_MIN| does not fit int64: go through unsigned. */
	uint64_t u = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
	buf_addf(&w->b, "%s%llu.%02llu", ore < 0 ? "-" : "", (unsigned long long)(u / 100),
		 (unsigned long long)(u % 100));
}

static bool all_digits(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool alnum(const char *s)
{
	if (!s || !*s || strlen(s) > 20)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static const struct sie_account *find_account(const struct sie_file *f, const char *number)
{
	for (size_t i = 0; i < f->naccounts; i++)
		if (f->accounts[i].number && strcmp(f->accounts[i].number, number) == 0)
			return &f->accounts[i];
	return NULL;
}

static const struct sie_dim *find_dim(const struct sie_file *f, int number)
{
	for (size_t i = 0; i < f->ndims; i++)
		if (f->dims[i].number == number)
			return &f->dims[i];
	return NULL;
}

static const struct sie_object *find_object(const struct sie_file *f, int dim, const char *id)
{
	for (size_t i = 0; i < f->nobjects; i++)
		if (f->objects[i].dim == dim && f->objects[i].id && strcmp(f->objects[i].id, id) == 0)
			return &f->objects[i];
	return NULL;
}

static int header(struct w *w, const struct sie_file *f)
{
	strcpy(w->where, "header");
	if (!f->program || !*f->program)
		return fail(w, "#PROGRAM: the program's name is missing");
	if (!f->company || !*f->company)
		return fail(w, "#FNAMN: the company's name is missing");
	if (f->nyears == 0)
		return fail(w, "#RAR: no financial year given (expected at least the current one)");
	if (f->kptyp && !(strcmp(f->kptyp, "BAS95") == 0 || strcmp(f->kptyp, "BAS96") == 0 ||
			  strcmp(f->kptyp, "EUBAS97") == 0 || strcmp(f->kptyp, "NE2007") == 0 ||
			  (strncmp(f->kptyp, "BAS2", 4) == 0 && all_digits(f->kptyp + 3, 8))))
		return fail(w, "#KPTYP '%s' is not a chart of accounts SIE names (expected BAS95, BAS96, EUBAS97, NE2007 "
			       "or BAS2 and a year, such as BAS2024)",
			    f->kptyp);
	if (f->currency && !(strlen(f->currency) == 3 && f->currency[0] >= 'A' && f->currency[0] <= 'Z' &&
			     f->currency[1] >= 'A' && f->currency[1] <= 'Z' && f->currency[2] >= 'A' &&
			     f->currency[2] <= 'Z'))
		return fail(w, "#VALUTA '%s' is not a currency code (expected three capitals, such as SEK)", f->currency);
	char org[IDENT_BUFSZ] = "";
	if (f->orgnr) {
		struct bd_error e = {0};
		if (ident_normalise(IDENT_ORGNR, f->orgnr, org, sizeof(org), &e))
			return fail(w, "#ORGNR: %s", e.msg);
	}
	buf_adds(&w->b, "#FLAGGA 0");
	eol(w);
	buf_adds(&w->b, "#PROGRAM ");
	if (text(w, f->program, "#PROGRAM"))
		return -1;
	buf_adds(&w->b, " ");
	if (text(w, f->version ? f->version : "", "#PROGRAM version"))
		return -1;
	eol(w);
	buf_adds(&w->b, "#FORMAT PC8");
	eol(w);
	buf_adds(&w->b, "#GEN ");
	if (date(w, f->generated, "#GEN date"))
		return -1;
	if (f->signature) {
		buf_adds(&w->b, " ");
		if (text(w, f->signature, "#GEN sign"))
			return -1;
	}
	eol(w);
	buf_adds(&w->b, "#SIETYP 4");
	eol(w);
	if (org[0]) {
		buf_addf(&w->b, "#ORGNR %s", org);
		eol(w);
	}
	buf_adds(&w->b, "#FNAMN ");
	if (text(w, f->company, "#FNAMN"))
		return -1;
	eol(w);
	for (size_t i = 0; i < f->nyears; i++) {
		const struct sie_year *y = &f->years[i];
		if (!date_valid(y->start) || !date_valid(y->end) || strcmp(y->start, y->end) > 0)
			return fail(w, "#RAR %s%zu: '%s' to '%s' is not a financial year (expected two dates YYYY-MM-DD, "
				       "the first not after the second)",
				    i ? "-" : "", i, y->start ? y->start : "", y->end ? y->end : "");
		if (i > 0 && strcmp(y->end, f->years[i - 1].start) >= 0)
			return fail(w, "#RAR -%zu (%s to %s) does not end before #RAR %s%zu begins (%s)", i, y->start, y->end,
				    i > 1 ? "-" : "", i - 1, f->years[i - 1].start);
		buf_addf(&w->b, "#RAR %s%zu ", i ? "-" : "", i);
		date(w, y->start, "#RAR start");
		buf_adds(&w->b, " ");
		date(w, y->end, "#RAR end");
		eol(w);
	}
	if (f->kptyp) {
		buf_addf(&w->b, "#KPTYP %s", f->kptyp);
		eol(w);
	}
	if (f->currency) {
		buf_addf(&w->b, "#VALUTA %s", f->currency);
		eol(w);
	}
	return 0;
}

static int chart(struct w *w, const struct sie_file *f)
{
	for (size_t i = 0; i < f->naccounts; i++) {
		const struct sie_account *a = &f->accounts[i];
		bd_strf(w->where, sizeof(w->where), "#KONTO %s", a->number ? a->number : "");
		if (!all_digits(a->number, 20))
			return fail(w, "the account number is not digits (SIE requires numeric accounts)");
		if (find_account(f, a->number) != a)
			return fail(w, "the account is declared twice");
		buf_addf(&w->b, "#KONTO %s ", a->number);
		if (text(w, a->name ? a->name : "", "the account's name"))
			return -1;
		eol(w);
	}
	for (size_t i = 0; i < f->ndims; i++) {
		const struct sie_dim *d = &f->dims[i];
		bd_strf(w->where, sizeof(w->where), "#DIM %d", d->number);
		if (d->number < 1 || (d->number >= 3 && d->number <= 5) || (d->number >= 11 && d->number <= 19))
			return fail(w, "the dimension number is %s (the spec reserves 3-5 and 11-19; 1, 2 and 6-10 have "
				       "fixed meanings; 20 and up are free)",
				    d->number < 1 ? "below 1" : "reserved");
		if (find_dim(f, d->number) != d)
			return fail(w, "the dimension is declared twice");
		if (!d->name || !*d->name)
			return fail(w, "the dimension has no name");
		buf_addf(&w->b, "#DIM %d ", d->number);
		if (text(w, d->name, "the dimension's name"))
			return -1;
		eol(w);
	}
	for (size_t i = 0; i < f->nobjects; i++) {
		const struct sie_object *o = &f->objects[i];
		bd_strf(w->where, sizeof(w->where), "#OBJEKT %d \"%.80s\"", o->dim, o->id ? o->id : "");
		if (!find_dim(f, o->dim))
			return fail(w, "dimension %d is not declared (give it in dims)", o->dim);
		if (!o->id || !*o->id)
			return fail(w, "the object has no id");
		if (find_object(f, o->dim, o->id) != o)
			return fail(w, "the object is declared twice");
		buf_addf(&w->b, "#OBJEKT %d ", o->dim);
		if (text(w, o->id, "the object's id"))
			return -1;
		buf_adds(&w->b, " ");
		if (text(w, o->name ? o->name : "", "the object's name"))
			return -1;
		eol(w);
	}
	return 0;
}

/* in_year: the date lies within one of the financial years. */
static bool in_year(const struct sie_file *f, const char *d)
{
	for (size_t i = 0; i < f->nyears; i++)
		if (strcmp(d, f->years[i].start) >= 0 && strcmp(d, f->years[i].end) <= 0)
			return true;
	return false;
}

static int ver(struct w *w, const struct sie_file *f, size_t k)
{
	const struct sie_ver *v = &f->vers[k];
	char qs[300];
	bd_strf(w->where, sizeof(w->where), "verifikation %s %ld (%s, \"%s\")", v->series ? v->series : "",
		v->number, v->date ? v->date : "", shown(v->text ? v->text : "", qs, sizeof(qs)));
	if (!alnum(v->series))
		return fail(w, "the series '%s' is not letters and digits (such as A, 1 or LEV1)", v->series ? v->series : "");
	if (v->number < 1)
		return fail(w, "the number is %ld, expected 1 or more", v->number);
	for (size_t i = k; i-- > 0;)
		if (strcmp(f->vers[i].series, v->series) == 0) {
			if (f->vers[i].number >= v->number)
				return fail(w, "comes after %s %ld: SIE requires rising numbers within a series",
					    f->vers[i].series, f->vers[i].number);
			break;
		}
	if (!date_valid(v->date))
		return fail(w, "the date is not a date (expected YYYY-MM-DD)");
	if (!in_year(f, v->date))
		return fail(w, "dated outside the financial year%s in #RAR (%s to %s%s)", f->nyears > 1 ? "s" : "",
			    f->years[f->nyears - 1].start, f->years[0].end, f->nyears > 1 ? ", all years" : "");
	if (v->regdate && !date_valid(v->regdate))
		return fail(w, "the registration date '%s' is not a date (expected YYYY-MM-DD)", v->regdate);
	if (v->nrows == 0)
		return fail(w, "has no rows (#TRANS)");
	i128 debit = 0, credit = 0;
	for (size_t r = 0; r < v->nrows; r++) {
		const struct sie_trans *t = &v->rows[r];
		if (!t->account || !find_account(f, t->account))
			return fail(w, "row %zu: account '%s' is not declared (give it in accounts: SIE asks for every "
				       "account used)",
				    r + 1, t->account ? t->account : "");
		for (size_t o = 0; o < t->nobjects; o++) {
			const struct sie_objref *x = &t->objects[o];
			if (!find_dim(f, x->dim))
				return fail(w, "row %zu: dimension %d is not declared", r + 1, x->dim);
			if (!x->id || !find_object(f, x->dim, x->id))
				return fail(w, "row %zu: object '%s' of dimension %d is not declared", r + 1,
					    x->id ? x->id : "", x->dim);
			for (size_t o2 = 0; o2 < o; o2++)
				if (t->objects[o2].dim == x->dim)
					return fail(w, "row %zu: two objects of dimension %d ('%s' and '%s')", r + 1, x->dim,
						    t->objects[o2].id, x->id);
		}
		if (t->amount >= 0)
			debit += t->amount;
		else
			credit -= (i128)t->amount;
	}
	if (debit != credit) {
		char d[NUM_BUFSZ], c[NUM_BUFSZ], diff[NUM_BUFSZ];
		i128 x = debit - credit;
		/* Totals past int64 are reported digit by digit. */
		fmt_i128(debit, d);
		fmt_i128(credit, c);
		fmt_i128(x < 0 ? -x : x, diff);
		return fail(w, "does not balance: debit %s öre, credit %s öre, a difference of %s öre %s (SIE requires "
			       "each verifikation's rows to add up to zero)",
			    d, c, diff, x > 0 ? "too much debit" : "too much credit");
	}
	buf_addf(&w->b, "#VER %s %ld ", v->series, v->number);
	date(w, v->date, "the date");
	buf_adds(&w->b, " ");
	if (text(w, v->text ? v->text : "", "the text"))
		return -1;
	if (v->regdate) {
		buf_adds(&w->b, " ");
		date(w, v->regdate, "the registration date");
	}
	eol(w);
	buf_adds(&w->b, "{");
	eol(w);
	for (size_t r = 0; r < v->nrows; r++) {
		const struct sie_trans *t = &v->rows[r];
		buf_addf(&w->b, "#TRANS %s {", t->account);
		for (size_t o = 0; o < t->nobjects; o++) {
			buf_addf(&w->b, "%s%d ", o ? " " : "", t->objects[o].dim);
			if (text(w, t->objects[o].id, "an object id"))
				return -1;
		}
		buf_adds(&w->b, "} ");
		amount(w, t->amount);
		if (t->text) {
			/* The row text is the field after the row's date. */
			buf_adds(&w->b, " ");
			date(w, v->date, "the date");
			buf_adds(&w->b, " ");
			char field[40];
			snprintf(field, sizeof(field), "row %zu's text", r + 1);
			if (text(w, t->text, field))
				return -1;
		}
		eol(w);
	}
	buf_adds(&w->b, "}");
	eol(w);
	return 0;
}

int sie_write(const struct sie_file *f, struct buf *out, struct bd_error *err)
{
	struct w w = {.err = err};
	buf_init(&w.b, out->max ? out->max : (size_t)1 << 30);
	int rc = header(&w, f);
	if (rc == 0)
		rc = chart(&w, f);
	for (size_t k = 0; rc == 0 && k < f->nvers; k++)
		rc = ver(&w, f, k);
	if (rc == 0 && w.b.failed)
		rc = bd_fail(err, "SIE: the file is larger than the limit of %zu bytes", w.b.max);
	if (rc == 0)
		buf_add(out, w.b.data, w.b.len);
	buf_release(&w.b);
	if (rc == 0 && out->failed)
		return bd_fail(err, "SIE: the file is larger than the output's limit of %zu bytes", out->max);
	return rc;
}
