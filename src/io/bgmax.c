#include "bgmax.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "money.h"

#define COLS 80
#define TAB_STOP 8

const char *bgmax_ref_code_name(int code)
{
	switch (code) {
	case 0:
	case 1:
		return "no reference";
	case 2:
		return "OCR reference (passed Bankgirot's OCR control)";
	case 3:
		return "one or more references (not OCR-checked)";
	case 4:
		return "one reference (not OCR-checked)";
	case 5:
		return "reference that failed the OCR control";
	default:
		return "reference code not in the manual";
	}
}

int64_t bgmax_net(const struct bgmax_payment *p)
{
	return p->item.tk == 21 ? -p->item.amount : p->item.amount;
}

void bgmax_free(struct bgmax *b)
{
	for (size_t i = 0; i < b->nsections; i++) {
		struct bgmax_section *s = &b->sections[i];
		for (size_t j = 0; j < s->npayments; j++) {
			free(s->payments[j].extra);
			free(s->payments[j].info);
		}
		free(s->payments);
	}
	free(b->sections);
	strpool_release(&b->pool);
	memset(b, 0, sizeof(*b));
}

/* The file being read and the record at hand: rec is the line as 80
 * columns of ISO 8859-1, TABs expanded and blanks padded. */
struct rd {
	const char *origin;
	struct bgmax *b;
	struct bd_error *err;
	long line;
	char rec[COLS + 1];
	int tk;
};

/* field: columns from..to (1-based, inclusive) of the record. */
static void field(const struct rd *d, int from, int to, char *out)
{
	size_t n = (size_t)(to - from + 1);
	memcpy(out, d->rec + from - 1, n);
	out[n] = '\0';
}

/* shown: a field as it goes in a message: UTF-8, control characters as \xNN. */
static void shown(const char *latin1, char *out, size_t n)
{
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)latin1; *p && k + 5 < n; p++) {
		if (*p < 0x20 || *p == 0x7F)
			k += (size_t)snprintf(out + k, n - k, "\\x%02X", *p);
		else if (*p < 0x80)
			out[k++] = (char)*p;
		else {
			out[k++] = (char)(0xC0 | (*p >> 6));
			out[k++] = (char)(0x80 | (*p & 0x3F));
		}
	}
	out[k] = '\0';
}

/* bad: "ORIGIN:LINE:COL: record TK (name): <what> (columns a-b) is '...', expected <expected>". */
static const char *tk_name(int tk)
{
	switch (tk) {
	case 1:
		return "start";
	case 5:
		return "opening";
	case 15:
		return "deposit";
	case 20:
		return "payment";
	case 21:
		return "deduction";
	case 22:
	case 23:
		return "extra reference";
	case 25:
		return "information";
	case 26:
		return "name";
	case 27:
		return "address";
	case 28:
		return "address 2";
	case 29:
		return "organisation number";
	case 70:
		return "end";
	default:
		return "unknown";
	}
}

static int bad(struct rd *d, int from, int to, const char *what, const char *expected)
{
	char raw[COLS + 1], txt[4 * COLS + 1];
	field(d, from, to, raw);
	shown(raw, txt, sizeof(txt));
	return bd_fail(d->err, "%s:%ld:%d: record %02d (%s): %s (columns %d-%d) is '%s', expected %s", d->origin, d->line,
		       from, d->tk, tk_name(d->tk), what, from, to, txt, expected);
}

__attribute__((format(printf, 2, 3))) static int fail_at(struct rd *d, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(d->err, "%s:%ld: record %02d (%s): %s", d->origin, d->line, d->tk, tk_name(d->tk), msg);
}

/* digits: columns from..to must be digits; their value in *v (NULL: not
 * needed, as for the 20-digit timestamp; a value is at most 18 digits,
 * the widest amount, which int64 holds). */
static int digits(struct rd *d, int from, int to, const char *what, int64_t *v)
{
	int64_t x = 0;
	for (int i = from; i <= to; i++) {
		char c = d->rec[i - 1];
		if (c < '0' || c > '9')
			return bad(d, from, to, what, "digits");
		if (v)
			x = x * 10 + (c - '0');
	}
	if (v)
		*v = x;
	return 0;
}

/* number: digits, leading zeros removed, into out ("" for all zeros). */
static int number(struct rd *d, int from, int to, const char *what, char *out)
{
	if (digits(d, from, to, what, NULL))
		return -1;
	int i = from;
	while (i <= to && d->rec[i - 1] == '0')
		i++;
	size_t n = (size_t)(to - i + 1);
	memcpy(out, d->rec + i - 1, n);
	out[n] = '\0';
	return 0;
}

/* digits_or_blank: a field that may be left blank. */
static int number_or_blank(struct rd *d, int from, int to, const char *what, char *out)
{
	bool blank = true;
	for (int i = from; i <= to; i++)
		blank &= d->rec[i - 1] == ' ';
	if (blank) {
		out[0] = '\0';
		return 0;
	}
	return number(d, from, to, what, out);
}

/* latin1_utf8: bytes of ISO 8859-1 as UTF-8 into the pool. */
static char *utf8(struct rd *d, const char *s, size_t n)
{
	char tmp[4 * COLS + 1];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			tmp[k++] = (char)c;
		} else {
			tmp[k++] = (char)(0xC0 | (c >> 6));
			tmp[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	return strpool_dup(&d->b->pool, tmp, k);
}

/* text: columns from..to, blanks trimmed on both sides, as UTF-8; NULL
 * when blank. */
static const char *text(struct rd *d, int from, int to)
{
	const char *s = d->rec + from - 1;
	size_t n = (size_t)(to - from + 1);
	while (n && *s == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	return n ? utf8(d, s, n) : NULL;
}

static int currency(struct rd *d, int from, char out[4])
{
	for (int i = 0; i < 3; i++) {
		char c = d->rec[from - 1 + i];
		if (c < 'A' || c > 'Z')
			return bad(d, from, from + 2, "currency", "a currency code such as SEK");
	}
	field(d, from, from + 2, out);
	return 0;
}

/* item: the fields of a 20, 21, 22 or 23 record. */
static int item(struct rd *d, struct bgmax_item *it)
{
	memset(it, 0, sizeof(*it));
	it->tk = d->tk;
	it->line = d->line;
	it->deduction_code = -1;
	int64_t v = 0;
	if (number(d, 3, 12, "sender bankgiro", it->sender_bankgiro) || digits(d, 38, 55, "amount in öre", &it->amount) ||
	    digits(d, 56, 56, "reference code", &v))
		return -1;
	if (v > 5) /* the manual's codes are 0-5; an unknown one cannot be read as a reference */
		return bad(d, 56, 56, "reference code", "0 to 5 (BgMax: 0-1 none, 2 OCR, 3-4 reference, 5 failed OCR)");
	it->ref_code = (int)v;
	if (digits(d, 57, 57, "payment channel code", &v))
		return -1;
	it->channel = (int)v;
	if (digits(d, 58, 69, "BGC serial number", NULL))
		return -1;
	field(d, 58, 69, it->serial);
	if (digits(d, 70, 70, "image flag", &v))
		return -1;
	it->image = (int)v;
	if (d->tk == 21) {
		if (digits(d, 71, 71, "deduction code", &v))
			return -1;
		it->deduction_code = (int)v;
	}
	const char *ref = text(d, 13, 37);
	snprintf(it->reference, sizeof(it->reference), "%s", ref ? ref : "");
	if (it->ref_code == 2) {
		/* Bankgirot has OCR-checked it: digits, right-aligned. */
		if (!it->reference[0])
			return bad(d, 13, 37, "reference", "an OCR number (reference code 2)");
		for (const char *c = it->reference; *c; c++)
			if (*c < '0' || *c > '9')
				return bad(d, 13, 37, "reference", "the digits of an OCR number (reference code 2)");
	}
	return 0;
}

/* The file's state between records. */
struct state {
	bool started, ended;
	struct bgmax_section *sec;  /* the open section, or NULL */
	struct bgmax_payment *pay;  /* the section's last 20/21, or NULL */
	long n20, n21, nextra, n15; /* counted for the 70 */
	long sec_count;
	int64_t sec_total;
};

static int rec_start(struct rd *d, struct state *st)
{
	if (st->started)
		return fail_at(d, "a second start record (the first is the file's first line)");
	st->started = true;
	char layout[21];
	field(d, 3, 22, layout);
	if (strcmp(layout, "BGMAX               ") != 0)
		return bad(d, 3, 22, "layout name", "BGMAX");
	if (digits(d, 23, 24, "version", NULL) || digits(d, 25, 44, "timestamp", NULL))
		return -1;
	field(d, 23, 24, d->b->version);
	char ts[21], date[11];
	field(d, 25, 44, ts);
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", ts, ts + 4, ts + 6);
	if (!date_valid(date))
		return bad(d, 25, 44, "timestamp", "YYYYMMDDHHMMSS and microseconds");
	snprintf(d->b->timestamp, sizeof(d->b->timestamp), "%s %.2s:%.2s:%.2s.%.6s", date, ts + 8, ts + 10, ts + 12,
		 ts + 14);
	char mark = d->rec[44];
	if (mark != 'T' && mark != 'P')
		return bad(d, 45, 45, "test mark", "T (test) or P (production)");
	d->b->test = mark == 'T';
	return 0;
}

static int rec_open(struct rd *d, struct state *st)
{
	if (st->sec)
		return fail_at(d, "a new section opens before the section opened at line %ld has its deposit record 15",
			       st->sec->line);
	struct bgmax *b = d->b;
	b->sections = xreallocarray(b->sections, b->nsections + 1, sizeof(*b->sections));
	struct bgmax_section *s = &b->sections[b->nsections++];
	memset(s, 0, sizeof(*s));
	s->line = d->line;
	st->sec = s;
	st->pay = NULL;
	st->sec_count = 0;
	st->sec_total = 0;
	if (number(d, 3, 12, "receiving bankgiro", s->bankgiro) ||
	    number_or_blank(d, 13, 22, "receiving plusgiro", s->plusgiro) || currency(d, 23, s->currency))
		return -1;
	if (!s->bankgiro[0])
		return bad(d, 3, 12, "receiving bankgiro", "a bankgiro number");
	return 0;
}

static int rec_payment(struct rd *d, struct state *st)
{
	if (!st->sec)
		return fail_at(d, "a %s outside a section (expected an opening record 05 before it)",
			       d->tk == 20 ? "payment" : "deduction");
	struct bgmax_section *s = st->sec;
	s->payments = xreallocarray(s->payments, s->npayments + 1, sizeof(*s->payments));
	struct bgmax_payment *p = &s->payments[s->npayments++];
	memset(p, 0, sizeof(*p));
	st->pay = p;
	if (item(d, &p->item))
		return -1;
	if (d->tk == 20)
		st->n20++;
	else
		st->n21++;
	st->sec_count++;
	if (__builtin_add_overflow(st->sec_total, bgmax_net(p), &st->sec_total))
		return fail_at(d, "the section's payments add up to more than any amount bidrag can hold");
	return 0;
}

/* need_payment: the 22-29 records belong to the 20 or 21 before them. */
static int need_payment(struct rd *d, const struct state *st)
{
	if (!st->pay)
		return fail_at(d, "%s", st->sec ? "comes before any payment (20) or deduction (21) of its section, "
						  "which it would belong to"
						: "outside a section (expected after a payment record 20 or 21)");
	return 0;
}

static int rec_extra(struct rd *d, struct state *st)
{
	if (need_payment(d, st))
		return -1;
	struct bgmax_payment *p = st->pay;
	p->extra = xreallocarray(p->extra, p->nextra + 1, sizeof(*p->extra));
	struct bgmax_item *it = &p->extra[p->nextra++];
	st->nextra++;
	return item(d, it);
}

static int rec_party(struct rd *d, struct state *st)
{
	if (need_payment(d, st))
		return -1;
	struct bgmax_payment *p = st->pay;
	switch (d->tk) {
	case 25:
		p->info = xreallocarray(p->info, p->ninfo + 1, sizeof(*p->info));
		p->info[p->ninfo++] = text(d, 3, 52);
		if (!p->info[p->ninfo - 1])
			p->info[p->ninfo - 1] = "";
		break;
	case 26:
		p->name = text(d, 3, 37);
		p->extra_name = text(d, 38, 72);
		break;
	case 27:
		p->address = text(d, 3, 37);
		p->postcode = text(d, 38, 46);
		break;
	case 28:
		p->town = text(d, 3, 37);
		p->country = text(d, 38, 72);
		p->country_code = text(d, 73, 74);
		break;
	case 29: {
		/* Text like the others: Bankgirot's own example BgMaxfil4 has
		 * one a digit short and left-aligned.  Leading zeros go. */
		const char *org = text(d, 3, 14);
		while (org && *org == '0')
			org++;
		p->orgnr = org && *org ? org : NULL;
		break;
	}
	}
	return 0;
}

static int rec_deposit(struct rd *d, struct state *st)
{
	if (!st->sec)
		return fail_at(d, "a deposit record outside a section (expected an opening record 05 before it)");
	struct bgmax_section *s = st->sec;
	s->end_line = d->line;
	int64_t count = 0;
	if (number(d, 3, 37, "receiving bank account", s->account) || digits(d, 38, 45, "payment date", NULL) ||
	    digits(d, 46, 50, "deposit serial number", NULL) || digits(d, 51, 68, "deposit amount in öre", &s->total) ||
	    digits(d, 72, 79, "number of payments", &count))
		return -1;
	s->count = (long)count;
	char ymd[9];
	field(d, 38, 45, ymd);
	snprintf(s->date, sizeof(s->date), "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
	if (!date_valid(s->date))
		return bad(d, 38, 45, "payment date", "a date YYYYMMDD");
	field(d, 46, 50, s->deposit_serial);
	char ccy[4];
	if (currency(d, 69, ccy))
		return -1;
	if (strcmp(ccy, s->currency) != 0)
		return fail_at(d, "the deposit is in %s but its section (opened at line %ld) is in %s", ccy, s->line,
			       s->currency);
	s->deposit_type = d->rec[79];
	if (s->count != st->sec_count)
		return fail_at(d,
			       "the deposit counts %ld payment%s but its section (lines %ld-%ld) has %ld payment and "
			       "deduction records (20, 21)",
			       s->count, s->count == 1 ? "" : "s", s->line, d->line, st->sec_count);
	if (s->total != st->sec_total) {
		char a[NUM_BUFSZ], b[NUM_BUFSZ];
		return fail_at(d,
			       "the deposit amount is %s %s but its section's payments less deductions (lines "
			       "%ld-%ld) add up to %s %s",
			       fmt_ore(s->total, a), s->currency, s->line, d->line, fmt_ore(st->sec_total, b), s->currency);
	}
	st->n15++;
	st->sec = NULL;
	st->pay = NULL;
	return 0;
}

static int rec_end(struct rd *d, struct state *st)
{
	if (st->sec)
		return fail_at(d, "the end record comes inside the section opened at line %ld (no deposit record 15)",
			       st->sec->line);
	int64_t n20 = 0, n21 = 0, nx = 0, n15 = 0;
	if (digits(d, 3, 10, "number of payment records", &n20) || digits(d, 11, 18, "number of deduction records", &n21) ||
	    digits(d, 19, 26, "number of extra reference records", &nx) ||
	    digits(d, 27, 34, "number of deposit records", &n15))
		return -1;
	struct bgmax *b = d->b;
	b->n_payments = (long)n20;
	b->n_deductions = (long)n21;
	b->n_extra = (long)nx;
	b->n_deposits = (long)n15;
	if (n20 != st->n20 || n21 != st->n21 || nx != st->nextra || n15 != st->n15)
		return fail_at(d,
			       "the end record counts %lld payment (20), %lld deduction (21), %lld extra reference (22, "
			       "23) and %lld deposit (15) records, but the file has %ld, %ld, %ld and %ld",
			       (long long)n20, (long long)n21, (long long)nx, (long long)n15, st->n20, st->n21, st->nextra,
			       st->n15);
	st->ended = true;
	return 0;
}

/* load: the line data[0..n) (without its newline) into d->rec: CR at the
 * end dropped, TABs expanded to the next stop of 8 columns, blanks padded
 * to 80. */
static int load(struct rd *d, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			size_t next = (col / TAB_STOP + 1) * TAB_STOP;
			for (; col < next; col++)
				if (col < COLS)
					d->rec[col] = ' ';
			continue;
		}
		if (c < 0x20 || c == 0x7F)
			return bd_fail(d->err, "%s:%ld:%zu: a control character (byte 0x%02X) in a record (expected text in "
					       "ISO 8859-1)",
				       d->origin, d->line, col + 1, c);
		if (col < COLS)
			d->rec[col] = (char)c;
		col++;
	}
	if (col > COLS) {
		/* Ã¥ for å: an editor saved the file as UTF-8. */
		bool utf8 = false;
		for (size_t i = 0; i + 1 < n && !utf8; i++)
			utf8 = ((unsigned char)s[i] & 0xE0) == 0xC0 && ((unsigned char)s[i + 1] & 0xC0) == 0x80;
		return bd_fail(d->err, "%s:%ld: the record is %zu columns long, expected at most %d%s", d->origin, d->line,
			       col, COLS,
			       utf8 ? " (the line holds UTF-8 characters: a BgMax file is ISO 8859-1; was it saved by an "
				      "editor?)"
				    : "");
	}
	memset(d->rec + col, ' ', COLS - col);
	d->rec[COLS] = '\0';
	return 0;
}

static int record(struct rd *d, struct state *st)
{
	char tk[3];
	field(d, 1, 2, tk);
	if (tk[0] < '0' || tk[0] > '9' || tk[1] < '0' || tk[1] > '9') {
		char txt[16];
		shown(tk, txt, sizeof(txt));
		return bd_fail(d->err, "%s:%ld:1: '%s' is no record type (expected two digits, such as 20)", d->origin,
			       d->line, txt);
	}
	d->tk = atoi(tk);
	if (st->ended)
		return fail_at(d, "comes after the end record 70 (expected nothing more)");
	if (!st->started && d->tk != 1)
		return bd_fail(d->err,
			       "%s:%ld: the file starts with record type %s, expected the start record 01 of a BgMax file",
			       d->origin, d->line, tk);
	switch (d->tk) {
	case 1:
		return rec_start(d, st);
	case 5:
		return rec_open(d, st);
	case 20:
	case 21:
		return rec_payment(d, st);
	case 22:
	case 23:
		return rec_extra(d, st);
	case 25:
	case 26:
	case 27:
	case 28:
	case 29:
		return rec_party(d, st);
	case 15:
		return rec_deposit(d, st);
	case 70:
		return rec_end(d, st);
	default:
		d->b->ignored++; /* the manual: a reader ignores record types it does not know */
		return 0;
	}
}

int bgmax_parse(const char *data, size_t len, const char *origin, struct bgmax *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	struct rd d = {.origin = origin, .b = out, .err = err};
	struct state st = {0};
	size_t i = 0;
	int rc = 0;
	while (i < len && rc == 0) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
		d.line++;
		const char *s = data + i;
		i += n + (nl ? 1 : 0);
		if (n == 0 || (n == 1 && s[0] == '\r')) {
			if (!st.ended) {
				rc = bd_fail(err, "%s:%ld: an empty line (expected a record; only the end may have empty lines)",
					     origin, d.line);
			}
			continue;
		}
		if (memchr(s, '\0', n)) {
			rc = bd_fail(err, "%s:%ld: a NUL byte (expected text in ISO 8859-1; is this a binary file?)", origin,
				     d.line);
			break;
		}
		rc = load(&d, s, n);
		if (rc == 0)
			rc = record(&d, &st);
	}
	if (rc == 0 && !st.started)
		rc = bd_fail(err, "%s: empty (expected a BgMax file starting with the start record 01)", origin);
	else if (rc == 0 && st.sec)
		rc = bd_fail(err,
			     "%s:%ld: the file ends inside the section opened at line %ld: no deposit record 15 and no end "
			     "record 70 (is it cut short?)",
			     origin, d.line, st.sec->line);
	else if (rc == 0 && !st.ended)
		rc = bd_fail(err, "%s:%ld: the file ends without its end record 70 (is it cut short?)", origin, d.line);
	if (rc) {
		bgmax_free(out);
		return -1;
	}
	return 0;
}
