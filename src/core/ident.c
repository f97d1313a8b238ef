#include "ident.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The most digits any kind accepts (OCR).  The scanner counts digits beyond
 * this without storing them, so the length error can say how many there
 * were. */
#define MAX_DIGITS 25
/* Input bytes quoted in an error message before "...": a whole CSV field
 * pasted by mistake must not push the reason out of the 1024-byte message. */
#define QUOTE_MAX 80

/* What the messages about one kind say, and the text being checked. */
struct ctx {
	const char *name;         /* ident_kind_name */
	const char *text;         /* the input as given */
	const char *expect_len;   /* "7 or 8" */
	const char *expect_empty; /* "7 or 8 digits" */
	struct bd_error *err;
};

/* The input with separators removed. */
struct scanned {
	char d[MAX_DIGITS + 1]; /* the first MAX_DIGITS digits, NUL-terminated */
	size_t n;               /* all digits, stored or not */
	size_t dashes;          /* 0 or 1 once scan() succeeds */
	size_t dash_after;      /* digits before the '-' */
	size_t dash_pos;        /* 1-based character position of the '-' */
	bool blank;             /* nothing but whitespace */
};

/* ---- Luhn ----------------------------------------------------------------- */

/* luhn_sum: the Luhn sum of d[0..n) mod 10, doubling the rightmost digit when
 * double_last (that is the position a check digit would be appended after). */
static unsigned luhn_sum(const char *d, size_t n, bool double_last)
{
	unsigned sum = 0;
	bool dbl = double_last;
	for (size_t i = n; i > 0; i--) {
		unsigned v = (unsigned)(d[i - 1] - '0');
		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum = (sum + v) % 10;
		dbl = !dbl;
	}
	return sum;
}

bool luhn_valid(const char *digits, size_t n)
{
	if (!digits || n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return false;
	return luhn_sum(digits, n, false) == 0;
}

/* check_digit: the digit that, appended to d[0..n), passes Luhn. */
static char check_digit(const char *d, size_t n)
{
	return (char)('0' + (10 - luhn_sum(d, n, true)) % 10);
}

/* ---- characters ----------------------------------------------------------- */

/* utf8_decode: the length (1 to 4) of the well-formed UTF-8 sequence at p,
 * with its code point in *cp, or 0 if p does not start one (overlong forms
 * and surrogates included).  Never reads past a NUL, which is no
 * continuation byte. */
static size_t utf8_decode(const unsigned char *p, unsigned long *cp)
{
	size_t len;
	unsigned long c, min;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		len = 2;
		c = p[0] & 0x1Fu;
		min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3;
		c = p[0] & 0x0Fu;
		min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4;
		c = p[0] & 0x07u;
		min = 0x10000;
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

/* space_len: the byte length of the whitespace character at p, or 0.  The
 * Unicode spaces are what word processors and web pages put between digit
 * groups. */
static size_t space_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0) /* NBSP */
		return 2;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xAF || p[2] == 0x89)) /* narrow NBSP, thin space */
		return 3;
	return 0;
}

/* dash_len: the byte length of the '-' or typographic hyphen/dash at p, or 0. */
static size_t dash_len(const unsigned char *p)
{
	if (*p == '-')
		return 1;
	/* U+2010 hyphen, U+2011 non-breaking hyphen, U+2013 en dash */
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x90 || p[2] == 0x91 || p[2] == 0x93))
		return 3;
	return 0;
}

/* describe_char: the character at p for "unexpected %s", quoted whole when
 * printable, with its code point when non-ASCII (so that invisible ones such
 * as U+200B zero width space can be identified). */
static void describe_char(const unsigned char *p, char *buf, size_t bufsz)
{
	unsigned long cp;
	size_t len = utf8_decode(p, &cp);
	if (len == 0)
		snprintf(buf, bufsz, "byte 0x%02X (not UTF-8)", p[0]);
	else if (cp < 0x20 || cp == 0x7F)
		snprintf(buf, bufsz, "control character U+%04lX", cp);
	else if (len == 1)
		snprintf(buf, bufsz, "character '%c'", p[0]);
	else if (cp >= 0x80 && cp < 0xA0) /* C1 controls: not printable either */
		snprintf(buf, bufsz, "control character U+%04lX", cp);
	else
		snprintf(buf, bufsz, "character '%.*s' (U+%04lX)", (int)len, (const char *)p, cp);
}

/* quote: text as it goes between the quotes of a message: at most QUOTE_MAX
 * input bytes (cut at a character boundary, then "..."), control characters
 * and bytes that are not UTF-8 as \xNN so that they show and cannot mangle a
 * terminal.  bufsz must be at least 4 * QUOTE_MAX + 4. */
static void quote(const char *text, char *buf, size_t bufsz)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t used = 0, k = 0;
	while (*p) {
		unsigned long cp;
		size_t len = utf8_decode(p, &cp);
		size_t take = len ? len : 1;
		if (used + take > QUOTE_MAX) {
			memcpy(buf + k, "...", 3);
			k += 3;
			break;
		}
		if (len == 0 || cp < 0x20 || cp == 0x7F) {
			snprintf(buf + k, bufsz - k, "\\x%02X", p[0]);
			k += 4;
		} else {
			memcpy(buf + k, p, len);
			k += len;
		}
		used += take;
		p += take;
	}
	buf[k] = '\0';
}

/* reject: fill the error as "invalid <kind> '<input>': <reason>"; returns -1. */
__attribute__((format(printf, 2, 3))) static int reject(const struct ctx *c, const char *fmt, ...)
{
	char reason[512], quoted[4 * QUOTE_MAX + 4];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	quote(c->text, quoted, sizeof(quoted));
	return bd_fail(c->err, "invalid %s '%s': %s", c->name, quoted, reason);
}

/* ---- scanning ------------------------------------------------------------- */

/* scan: split c->text into digits and at most one '-' (when dash_ok),
 * skipping whitespace; the first other character is an error. */
static int scan(const struct ctx *c, bool dash_ok, struct scanned *s)
{
	const unsigned char *p = (const unsigned char *)c->text;
	size_t pos = 0, len;
	memset(s, 0, sizeof(*s));
	s->blank = true;
	while (*p) {
		pos++;
		if (*p >= '0' && *p <= '9') {
			if (s->n < MAX_DIGITS)
				s->d[s->n] = (char)*p;
			s->n++;
			s->blank = false;
			p++;
		} else if ((len = space_len(p)) > 0) {
			p += len;
		} else if (dash_ok && (len = dash_len(p)) > 0) {
			s->blank = false;
			if (s->dashes++ > 0)
				return reject(c, "more than one '-' (at positions %zu and %zu), expected at most one",
					      s->dash_pos, pos);
			s->dash_pos = pos;
			s->dash_after = s->n;
			p += len;
		} else {
			char what[64];
			describe_char(p, what, sizeof(what));
			return reject(c, "unexpected %s at position %zu", what, pos);
		}
	}
	return 0;
}

/* scan_count: scan, then require between min and max digits.  Orgnr passes
 * 10..12 and rules out 11 itself, since its message is the same. */
static int scan_count(const struct ctx *c, bool dash_ok, size_t min, size_t max, struct scanned *s)
{
	if (scan(c, dash_ok, s) != 0)
		return -1;
	if (s->blank)
		return reject(c, "empty, expected %s", c->expect_empty);
	if (s->n == 0)
		return reject(c, "no digits, expected %s", c->expect_empty);
	if (s->n < min || s->n > max)
		return reject(c, "wrong length: %zu digit%s, expected %s", s->n, s->n == 1 ? "" : "s",
			      c->expect_len);
	return 0;
}

static int check_luhn(const struct ctx *c, const char *d, size_t n)
{
	if (luhn_valid(d, n))
		return 0;
	return reject(c, "wrong check digit (expected %c)", check_digit(d, n - 1));
}

/* ---- the kinds ------------------------------------------------------------ */

static int orgnr(const struct ctx *c, char *canon)
{
	struct scanned s;
	if (scan_count(c, true, 10, 12, &s) != 0)
		return -1;
	size_t lead = 0;
	if (s.n == 12) {
		/* "16" is the century-like prefix some registers (Skatteverket's
		 * 12-digit form) put in front; 18, 19 and 20 there mean a person. */
		if (memcmp(s.d, "16", 2) != 0) {
			bool century = memcmp(s.d, "18", 2) == 0 || memcmp(s.d, "19", 2) == 0 ||
				       memcmp(s.d, "20", 2) == 0;
			return reject(c, "12 digits must start with the prefix 16, not %.2s%s", s.d,
				      century ? " (a century: this looks like a personnummer)" : "");
		}
		lead = 2;
	} else if (s.n != 10) {
		return reject(c, "wrong length: %zu digits, expected %s", s.n, c->expect_len);
	}
	if (s.dashes && s.dash_after != lead + 6)
		return reject(c, "misplaced '-' at position %zu, expected after the first %zu digits (%s)", s.dash_pos,
			      lead + 6, lead ? "16NNNNNN-NNNN" : "NNNNNN-NNNN");
	const char *d = s.d + lead;
	if (check_luhn(c, d, 10) != 0)
		return -1;
	if (d[2] < '2')
		return reject(c,
			      "not an organisation number: digits 3-4 are %.2s, a personnummer month; "
			      "organisation numbers have 20 or more",
			      d + 2);
	memcpy(canon, d, 6);
	canon[6] = '-';
	memcpy(canon + 7, d + 6, 4);
	canon[11] = '\0';
	return 0;
}

static int bankgiro(const struct ctx *c, char *canon)
{
	struct scanned s;
	if (scan_count(c, true, 7, 8, &s) != 0)
		return -1;
	/* The dash position is what tells a bankgiro from a 7- or 8-digit
	 * plusgiro, which would pass the same Luhn check. */
	if (s.dashes && s.dash_after != s.n - 4)
		return reject(c, "misplaced '-' at position %zu, expected before the last 4 digits (%s)", s.dash_pos,
			      s.n == 7 ? "NNN-NNNN" : "NNNN-NNNN");
	if (check_luhn(c, s.d, s.n) != 0)
		return -1;
	size_t head = s.n - 4;
	memcpy(canon, s.d, head);
	canon[head] = '-';
	memcpy(canon + head + 1, s.d + head, 4);
	canon[s.n + 1] = '\0';
	return 0;
}

static int plusgiro(const struct ctx *c, char *canon)
{
	struct scanned s;
	if (scan_count(c, true, 2, 8, &s) != 0)
		return -1;
	if (s.dashes && s.dash_after != s.n - 1)
		return reject(c, "misplaced '-' at position %zu, expected before the check digit (the last digit)",
			      s.dash_pos);
	if (check_luhn(c, s.d, s.n) != 0)
		return -1;
	/* As printed on giro forms: pairs from the right, "-" and the check
	 * digit: 370205 -> "3 70 20-5". */
	size_t rest = s.n - 1, k = 0;
	for (size_t i = 0; i < rest; i++) {
		if (i > 0 && (rest - i) % 2 == 0)
			canon[k++] = ' ';
		canon[k++] = s.d[i];
	}
	canon[k++] = '-';
	canon[k++] = s.d[rest];
	canon[k] = '\0';
	return 0;
}

static int ocr(const struct ctx *c, bool length_digit, char *canon)
{
	struct scanned s;
	if (scan_count(c, false, 2, MAX_DIGITS, &s) != 0)
		return -1;
	/* The length digit first: when it is wrong a digit was most likely
	 * dropped or doubled, which says more than "wrong check digit". */
	if (length_digit && (size_t)(s.d[s.n - 2] - '0') != s.n % 10)
		return reject(c, "wrong length digit (expected %zu)", s.n % 10);
	if (check_luhn(c, s.d, s.n) != 0)
		return -1;
	memcpy(canon, s.d, s.n + 1);
	return 0;
}

/* ---- IBAN and BIC ----------------------------------------------------------- */

/* The most characters either accepts (an IBAN). */
#define MAX_ALNUM 34

/* The input with spaces removed, small letters made capitals. */
struct alnum {
	char d[MAX_ALNUM + 1]; /* the first MAX_ALNUM characters, NUL-terminated */
	size_t pos[MAX_ALNUM]; /* each one's 1-based character position in the input */
	size_t n;              /* all characters, stored or not */
};

static int scan_alnum(const struct ctx *c, struct alnum *s)
{
	const unsigned char *p = (const unsigned char *)c->text;
	size_t pos = 0, len;
	memset(s, 0, sizeof(*s));
	while (*p) {
		pos++;
		bool digit = *p >= '0' && *p <= '9', upper = *p >= 'A' && *p <= 'Z', lower = *p >= 'a' && *p <= 'z';
		if (digit || upper || lower) {
			if (s->n < MAX_ALNUM) {
				s->d[s->n] = (char)(lower ? *p - 'a' + 'A' : *p);
				s->pos[s->n] = pos;
			}
			s->n++;
			p++;
		} else if ((len = space_len(p)) > 0) {
			p += len;
		} else {
			char what[64];
			describe_char(p, what, sizeof(what));
			return reject(c, "unexpected %s at position %zu", what, pos);
		}
	}
	if (s->n == 0)
		return reject(c, "empty, expected %s", c->expect_empty);
	return 0;
}

static bool is_letter(char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* iban_mod97: the IBAN's number mod 97: the characters after the first
 * four, then those four (with check digits cd), letters as 10 to 35. */
static unsigned iban_mod97(const char *d, size_t n, const char cd[2])
{
	unsigned m = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = (k + 4) % n;
		char ch = i == 2 ? cd[0] : i == 3 ? cd[1] : d[i];
		if (is_digit(ch))
			m = (m * 10 + (unsigned)(ch - '0')) % 97;
		else
			m = (m * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return m;
}

static int iban(const struct ctx *c, char *canon)
{
	struct alnum s;
	if (scan_alnum(c, &s) != 0)
		return -1;
	if (s.n < 15 || s.n > MAX_ALNUM)
		return reject(c, "wrong length: %zu characters, expected %s", s.n, c->expect_len);
	if (!is_letter(s.d[0]) || !is_letter(s.d[1]))
		return reject(c, "it starts with the country's two letters, not '%.2s'", s.d);
	if (!is_digit(s.d[2]) || !is_digit(s.d[3]))
		return reject(c, "characters 3-4 are the check digits, not '%.2s'", s.d + 2);
	if (memcmp(s.d, "SE", 2) == 0) {
		if (s.n != 24)
			return reject(c,
				      "wrong length: %zu characters, a Swedish IBAN has 24 (SE, 2 check digits, a "
				      "3-digit bank code and a 17-digit account)",
				      s.n);
		for (size_t i = 4; i < s.n; i++)
			if (!is_digit(s.d[i]))
				return reject(c, "a Swedish IBAN has only digits after SE and its check digits: '%c' at "
						 "position %zu",
					      s.d[i], s.pos[i]);
	}
	if (iban_mod97(s.d, s.n, s.d + 2) != 1) {
		unsigned want = 98 - iban_mod97(s.d, s.n, "00");
		return reject(c, "wrong check digits (expected %02u)", want);
	}
	memcpy(canon, s.d, s.n + 1);
	return 0;
}

static int bic(const struct ctx *c, char *canon)
{
	struct alnum s;
	if (scan_alnum(c, &s) != 0)
		return -1;
	if (s.n != 8 && s.n != 11)
		return reject(c, "wrong length: %zu characters, expected %s", s.n, c->expect_len);
	for (size_t i = 0; i < 6; i++)
		if (!is_letter(s.d[i]))
			return reject(c, "'%c' at position %zu: the first 4 characters (the bank) and the next 2 (the "
					 "country) are letters",
				      s.d[i], s.pos[i]);
	memcpy(canon, s.d, s.n + 1);
	return 0;
}

/* ---- entry points --------------------------------------------------------- */

/* finish: copy a successful canonical form out, or clear out on failure so
 * that a caller ignoring the return value never sees a stale value. */
static int finish(int rc, const char *canon, char *out, size_t outsz, struct bd_error *err)
{
	if (rc == 0) {
		size_t len = strlen(canon);
		if (out && outsz > len) {
			memcpy(out, canon, len + 1);
			return 0;
		}
		rc = bd_fail(err, "ident: output buffer of %zu bytes is too small for '%s', need %zu", outsz, canon,
			     len + 1);
	}
	if (out && outsz)
		out[0] = '\0';
	return rc;
}

int ident_normalise(enum ident_kind kind, const char *text, char *out, size_t outsz, struct bd_error *err)
{
	char canon[IDENT_BUFSZ] = "";
	struct ctx c = {ident_kind_name(kind), text ? text : "", NULL, NULL, err};
	int rc;
	switch (kind) {
	case IDENT_ORGNR:
		c.expect_len = "10 (or 12 with the prefix 16)";
		c.expect_empty = "10 digits (or 12 with the prefix 16)";
		rc = orgnr(&c, canon);
		break;
	case IDENT_BANKGIRO:
		c.expect_len = "7 or 8";
		c.expect_empty = "7 or 8 digits";
		rc = bankgiro(&c, canon);
		break;
	case IDENT_PLUSGIRO:
		c.expect_len = "2 to 8";
		c.expect_empty = "2 to 8 digits";
		rc = plusgiro(&c, canon);
		break;
	case IDENT_OCR:
		c.expect_len = "2 to 25";
		c.expect_empty = "2 to 25 digits";
		rc = ocr(&c, false, canon);
		break;
	case IDENT_IBAN:
		c.expect_len = "15 to 34 (24 for a Swedish IBAN)";
		c.expect_empty = "an IBAN (SE and 22 digits for a Swedish account)";
		rc = iban(&c, canon);
		break;
	case IDENT_BIC:
		c.expect_len = "8 or 11";
		c.expect_empty = "a BIC of 8 or 11 letters and digits";
		rc = bic(&c, canon);
		break;
	default:
		rc = bd_fail(err, "ident: unknown identifier kind %d, expected one of enum ident_kind", (int)kind);
		break;
	}
	return finish(rc, canon, out, outsz, err);
}

int ident_check_ocr_length(const char *text, char *out, size_t outsz, struct bd_error *err)
{
	char canon[IDENT_BUFSZ] = "";
	struct ctx c = {ident_kind_name(IDENT_OCR), text ? text : "", "2 to 25", "2 to 25 digits", err};
	return finish(ocr(&c, true, canon), canon, out, outsz, err);
}

const char *ident_kind_name(enum ident_kind kind)
{
	switch (kind) {
	case IDENT_ORGNR:
		return "organisationsnummer";
	case IDENT_BANKGIRO:
		return "bankgiro";
	case IDENT_PLUSGIRO:
		return "plusgiro";
	case IDENT_OCR:
		return "OCR reference";
	case IDENT_IBAN:
		return "IBAN";
	case IDENT_BIC:
		return "BIC";
	}
	return "identifier";
}

const char *orgnr_form(const char *canonical)
{
	switch (canonical ? canonical[0] : '\0') {
	case '2':
		return "state, region, municipality or parish";
	case '5':
		return "aktiebolag";
	case '7':
		return "ekonomisk förening";
	case '8':
		return "ideell förening or stiftelse";
	case '9':
		return "handelsbolag or kommanditbolag";
	default:
		return "other";
	}
}
