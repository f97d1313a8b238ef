/* test-ident.c: organisationsnummer, bankgiro, plusgiro and OCR references
 * as users paste them: the real values from the seed documents, every error
 * reason, and Luhn properties checked against a slow reference with fixed
 * seeds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "prng.h"
#include "tap.h"

#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"
#define THINSP "\xE2\x80\x89"
#define HYPHEN "\xE2\x80\x90"
#define NBHYPHEN "\xE2\x80\x91"
#define ENDASH "\xE2\x80\x93"

/* ---- helpers ------------------------------------------------------------ */

/* show: s for a TAP line, control characters as \xNN so that a newline in a
 * test input cannot end the line; NULL as "(null)". */
static const char *show(const char *s)
{
	static char bufs[4][256];
	static int k;
	k = (k + 1) % 4;
	char *b = bufs[k];
	size_t n = 0;
	if (!s)
		return "(null)";
	for (; *s && n + 5 < sizeof(bufs[0]); s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			n += (size_t)snprintf(b + n, sizeof(bufs[0]) - n, "\\x%02X", (unsigned char)*s);
		else
			b[n++] = *s;
	}
	b[n] = '\0';
	return b;
}

static int norm_ok(enum ident_kind kind, const char *in, const char *want)
{
	char out[IDENT_BUFSZ] = "stale";
	struct bd_error err = {0};
	int rc = ident_normalise(kind, in, out, sizeof(out), &err);
	bool good = rc == 0 && strcmp(out, want) == 0;
	if (!good)
		diag("ident_normalise(%s, \"%s\") = %d, '%s' (%s); want '%s'", ident_kind_name(kind), show(in), rc, out,
		     err.msg, want);
	return ok(good, "%s '%s' -> '%s'", ident_kind_name(kind), show(in), want);
}

/* The value is rejected, out is cleared, and the message contains `reason`. */
static int norm_fails(enum ident_kind kind, const char *in, const char *reason)
{
	char out[IDENT_BUFSZ] = "stale";
	struct bd_error err = {0};
	int rc = ident_normalise(kind, in, out, sizeof(out), &err);
	bool good = rc == -1 && out[0] == '\0' && strstr(err.msg, reason) != NULL;
	if (!good)
		diag("ident_normalise(%s, \"%s\") = %d, out '%s', msg '%s'; want failure mentioning '%s'",
		     ident_kind_name(kind), show(in), rc, out, err.msg, reason);
	return ok(good, "%s '%s' rejected: %s", ident_kind_name(kind), show(in), reason);
}

/* The whole message is exactly `msg`. */
static int norm_msg(enum ident_kind kind, const char *in, const char *msg)
{
	char out[IDENT_BUFSZ];
	struct bd_error err = {0};
	int rc = ident_normalise(kind, in, out, sizeof(out), &err);
	bool good = rc == -1 && strcmp(err.msg, msg) == 0;
	if (!good)
		diag("ident_normalise(%s, \"%s\") = %d, msg '%s'; want '%s'", ident_kind_name(kind), show(in), rc,
		     err.msg, msg);
	return ok(good, "message: %s", show(msg));
}

static int ocrlen_ok(const char *in, const char *want)
{
	char out[IDENT_BUFSZ] = "stale";
	struct bd_error err = {0};
	int rc = ident_check_ocr_length(in, out, sizeof(out), &err);
	bool good = rc == 0 && strcmp(out, want) == 0;
	if (!good)
		diag("ident_check_ocr_length(\"%s\") = %d, '%s' (%s); want '%s'", show(in), rc, out, err.msg, want);
	return ok(good, "OCR with length digit '%s' -> '%s'", show(in), want);
}

static int ocrlen_fails(const char *in, const char *reason)
{
	char out[IDENT_BUFSZ] = "stale";
	struct bd_error err = {0};
	int rc = ident_check_ocr_length(in, out, sizeof(out), &err);
	bool good = rc == -1 && out[0] == '\0' && strstr(err.msg, reason) != NULL;
	if (!good)
		diag("ident_check_ocr_length(\"%s\") = %d, out '%s', msg '%s'; want failure mentioning '%s'", show(in), rc,
		     out, err.msg, reason);
	return ok(good, "OCR with length digit '%s' rejected: %s", show(in), reason);
}

/* The obvious Luhn, written differently from ident.c on purpose: position
 * counted from the right, doubled digits split into their decimal digits. */
static bool luhn_ref(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i % 2 == 1) {
			int p = 2 * v;
			v = p / 10 + p % 10;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* ref_check_digit: the digit that makes d[0..n) + digit pass luhn_ref, found
 * by trying all ten. */
static char ref_check_digit(char *d, size_t n)
{
	for (char c = '0'; c <= '9'; c++) {
		d[n] = c;
		if (luhn_ref(d, n + 1))
			return c;
	}
	return '?'; /* unreachable: exactly one digit works */
}

static void random_digits(char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (char)('0' + rng_below(10));
	d[n] = '\0';
}

/* ---- the real values ---------------------------------------------------- */

static void test_seed_values(void)
{
	/* Organisation numbers from the seed documents. */
	norm_ok(IDENT_ORGNR, "222000-1651", "222000-1651");
	norm_ok(IDENT_ORGNR, "232100 -0057", "232100-0057");
	norm_ok(IDENT_ORGNR, "232100-0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100-0131", "232100-0131");
	norm_ok(IDENT_ORGNR, "2321000156", "232100-0156");
	norm_ok(IDENT_ORGNR, "232100 -0255", "232100-0255");
	norm_ok(IDENT_ORGNR, "202100-0829", "202100-0829"); /* Kammarkollegiet */
	norm_ok(IDENT_ORGNR, "222000-0315", "222000-0315"); /* SKR */

	norm_ok(IDENT_BANKGIRO, "5728-3905", "5728-3905");
	norm_ok(IDENT_BANKGIRO, "5716-1507", "5716-1507");
	norm_ok(IDENT_BANKGIRO, "390-1485", "390-1485");
	norm_ok(IDENT_BANKGIRO, "289-1919", "289-1919");
	norm_ok(IDENT_BANKGIRO, "5052-5781", "5052-5781");

	norm_ok(IDENT_PLUSGIRO, "3 70 20-5", "3 70 20-5");
}

/* Every single-digit change to a real value is caught, and by the check
 * digit (Luhn comes before the orgnr month-pair rule). */
static void test_seed_flips(void)
{
	static const struct {
		enum ident_kind kind;
		const char *text;
	} seeds[] = {
		{IDENT_ORGNR, "222000-1651"}, {IDENT_ORGNR, "232100-0057"},   {IDENT_ORGNR, "232100-0016"},
		{IDENT_ORGNR, "232100-0131"}, {IDENT_ORGNR, "2321000156"},    {IDENT_ORGNR, "232100-0255"},
		{IDENT_ORGNR, "202100-0829"}, {IDENT_ORGNR, "222000-0315"},   {IDENT_BANKGIRO, "5728-3905"},
		{IDENT_BANKGIRO, "5716-1507"}, {IDENT_BANKGIRO, "390-1485"},  {IDENT_BANKGIRO, "289-1919"},
		{IDENT_BANKGIRO, "5052-5781"}, {IDENT_PLUSGIRO, "3 70 20-5"},
	};
	int tried = 0, missed = 0;
	for (size_t k = 0; k < BD_ARRAY_LEN(seeds); k++) {
		char t[IDENT_BUFSZ], out[IDENT_BUFSZ];
		size_t len = strlen(seeds[k].text);
		memcpy(t, seeds[k].text, len + 1);
		for (size_t i = 0; i < len; i++) {
			if (t[i] < '0' || t[i] > '9')
				continue;
			char orig = t[i];
			for (char c = '0'; c <= '9'; c++) {
				if (c == orig)
					continue;
				struct bd_error err = {0};
				t[i] = c;
				tried++;
				if ((ident_normalise(seeds[k].kind, t, out, sizeof(out), &err) != -1 ||
				     !strstr(err.msg, "wrong check digit (expected ")) &&
				    missed++ < 5)
					diag("'%s' (from %s '%s') not caught by the check digit: %s", t,
					     ident_kind_name(seeds[k].kind), seeds[k].text, err.msg);
			}
			t[i] = orig;
		}
	}
	ok(missed == 0, "all %d single-digit changes to the seed values are rejected (%d missed)", tried, missed);
}

/* ---- accepted forms ----------------------------------------------------- */

static void test_orgnr_forms(void)
{
	/* The 16 prefix (Skatteverket's 12-digit form) is dropped. */
	norm_ok(IDENT_ORGNR, "16232100-0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "162321000016", "232100-0016");
	norm_ok(IDENT_ORGNR, "16 232100-0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "16202100-0829", "202100-0829");

	/* Whitespace anywhere, leading and trailing ignored. */
	norm_ok(IDENT_ORGNR, "  232100-0016  ", "232100-0016");
	norm_ok(IDENT_ORGNR, "\t232100-0016\t", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100 0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100 - 0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "23 21 00 00 16", "232100-0016");
	norm_ok(IDENT_ORGNR, NBSP "232100" NBSP "0016" NBSP, "232100-0016");
	norm_ok(IDENT_ORGNR, "232100" NNBSP "0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100" THINSP "-" THINSP "0016", "232100-0016");

	/* Typographic hyphens and dashes from word processors. */
	norm_ok(IDENT_ORGNR, "232100" HYPHEN "0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100" NBHYPHEN "0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "232100" ENDASH "0016", "232100-0016");
	norm_ok(IDENT_ORGNR, "16232100" ENDASH "0016", "232100-0016");
}

static void test_giro_forms(void)
{
	norm_ok(IDENT_BANKGIRO, "57283905", "5728-3905");
	norm_ok(IDENT_BANKGIRO, "3901485", "390-1485");
	norm_ok(IDENT_BANKGIRO, " 5728 3905 ", "5728-3905");
	norm_ok(IDENT_BANKGIRO, "5728 - 3905", "5728-3905");
	norm_ok(IDENT_BANKGIRO, "5728" ENDASH "3905", "5728-3905");
	norm_ok(IDENT_BANKGIRO, "390" NBSP "1485", "390-1485");
	norm_ok(IDENT_BANKGIRO, "\t289-1919" THINSP, "289-1919");

	norm_ok(IDENT_PLUSGIRO, "370205", "3 70 20-5");
	norm_ok(IDENT_PLUSGIRO, "37020-5", "3 70 20-5");
	norm_ok(IDENT_PLUSGIRO, " 3" NBSP "70" NNBSP "20" ENDASH "5 ", "3 70 20-5");
	norm_ok(IDENT_PLUSGIRO, "18", "1-8");
	norm_ok(IDENT_PLUSGIRO, "1-8", "1-8");
	norm_ok(IDENT_PLUSGIRO, "125", "12-5");
	norm_ok(IDENT_PLUSGIRO, "12345674", "1 23 45 67-4");
	norm_ok(IDENT_PLUSGIRO, "1234567-4", "1 23 45 67-4");
}

/* ---- rejections --------------------------------------------------------- */

static void test_orgnr_errors(void)
{
	/* The whole message for the examples in ident.h. */
	norm_msg(IDENT_ORGNR, "232100-0058", "invalid organisationsnummer '232100-0058': wrong check digit (expected 7)");
	norm_msg(IDENT_ORGNR, "23210-0016",
		 "invalid organisationsnummer '23210-0016': wrong length: 9 digits, expected 10 (or 12 with the prefix 16)");
	norm_msg(IDENT_ORGNR, "2321x0-0016",
		 "invalid organisationsnummer '2321x0-0016': unexpected character 'x' at position 5");
	norm_msg(IDENT_ORGNR, "", "invalid organisationsnummer '': empty, expected 10 digits (or 12 with the prefix 16)");

	norm_fails(IDENT_ORGNR, "232100-0017", "wrong check digit (expected 6)");
	norm_fails(IDENT_ORGNR, "2321000010", "wrong check digit (expected 6)");
	norm_fails(IDENT_ORGNR, "16232100-0010", "wrong check digit (expected 6)");
	norm_fails(IDENT_ORGNR, "222000-1650", "wrong check digit (expected 1)");

	norm_fails(IDENT_ORGNR, "232100-00166", "wrong length: 11 digits, expected 10 (or 12 with the prefix 16)");
	norm_fails(IDENT_ORGNR, "1623210000166", "wrong length: 13 digits, expected 10");
	norm_fails(IDENT_ORGNR, "2", "wrong length: 1 digit, expected 10");
	norm_fails(IDENT_ORGNR, "198112189876", "12 digits must start with the prefix 16, not 19");
	norm_fails(IDENT_ORGNR, "198112189876", "personnummer");
	norm_fails(IDENT_ORGNR, "172321000016", "12 digits must start with the prefix 16, not 17");

	/* Luhn-valid personnummer: digits 3-4 are a month. */
	norm_fails(IDENT_ORGNR, "121212-1212",
		   "not an organisation number: digits 3-4 are 12, a personnummer month; organisation numbers "
		   "have 20 or more");
	norm_fails(IDENT_ORGNR, "811218-9876", "digits 3-4 are 12, a personnummer month");
	norm_fails(IDENT_ORGNR, "16811218-9876", "digits 3-4 are 12");
	norm_fails(IDENT_ORGNR, "200000-0006", "digits 3-4 are 00");

	norm_fails(IDENT_ORGNR, "2321é0-0016", "unexpected character 'é' (U+00E9) at position 5");
	norm_fails(IDENT_ORGNR, "232100+0016", "unexpected character '+' at position 7");
	norm_fails(IDENT_ORGNR, "232100/0016", "unexpected character '/' at position 7");
	norm_fails(IDENT_ORGNR, NBSP "2321x0", "unexpected character 'x' at position 6"); /* NBSP is 1 character */
	norm_fails(IDENT_ORGNR, "232100" "\xE2\x80\x94" "0016", "unexpected character '\xE2\x80\x94' (U+2014) at position 7");
	norm_fails(IDENT_ORGNR, "2321\xE2\x80\x8B" "000016", "(U+200B) at position 5"); /* zero width space */
	norm_fails(IDENT_ORGNR, "232100\n0016", "unexpected control character U+000A at position 7");
	norm_fails(IDENT_ORGNR, "232100\n0016", "'232100\\x0A0016'"); /* quoted visibly */
	norm_fails(IDENT_ORGNR, "2321\xFF" "000016", "unexpected byte 0xFF (not UTF-8) at position 5");
	norm_fails(IDENT_ORGNR, "2321\xC0\xB0" "000016", "unexpected byte 0xC0 (not UTF-8) at position 5"); /* overlong '0' */
	norm_fails(IDENT_ORGNR, "2321\xE2\x80" "000016", "unexpected byte 0xE2 (not UTF-8) at position 5"); /* truncated */

	norm_fails(IDENT_ORGNR, "232100-00-16", "more than one '-' (at positions 7 and 10)");
	norm_fails(IDENT_ORGNR, "232100" ENDASH "-0016", "more than one '-' (at positions 7 and 8)");
	norm_fails(IDENT_ORGNR, "2321-000016", "misplaced '-' at position 5, expected after the first 6 digits");
	norm_fails(IDENT_ORGNR, "-2321000016", "misplaced '-' at position 1");
	norm_fails(IDENT_ORGNR, "16-2321000016", "expected after the first 8 digits (16NNNNNN-NNNN)");

	norm_fails(IDENT_ORGNR, "   ", "empty, expected 10 digits (or 12 with the prefix 16)");
	norm_fails(IDENT_ORGNR, NBSP THINSP, "empty");
	norm_fails(IDENT_ORGNR, NULL, "invalid organisationsnummer '': empty");
	norm_fails(IDENT_ORGNR, " - ", "no digits, expected 10 digits");
}

static void test_giro_errors(void)
{
	norm_msg(IDENT_BANKGIRO, "5728-3904", "invalid bankgiro '5728-3904': wrong check digit (expected 5)");
	norm_msg(IDENT_BANKGIRO, "57283", "invalid bankgiro '57283': wrong length: 5 digits, expected 7 or 8");
	norm_msg(IDENT_BANKGIRO, "", "invalid bankgiro '': empty, expected 7 or 8 digits");
	norm_fails(IDENT_BANKGIRO, "390-1484", "wrong check digit (expected 5)");
	norm_fails(IDENT_BANKGIRO, "572839051", "wrong length: 9 digits, expected 7 or 8");
	norm_fails(IDENT_BANKGIRO, "5728x3905", "unexpected character 'x' at position 5");
	norm_fails(IDENT_BANKGIRO, "5728-39-05", "more than one '-'");
	/* A plusgiro-shaped value passes Luhn; the dash position gives it away. */
	norm_fails(IDENT_BANKGIRO, "5728390-5", "misplaced '-' at position 8, expected before the last 4 digits (NNNN-NNNN)");
	norm_fails(IDENT_BANKGIRO, "3901-485", "expected before the last 4 digits (NNN-NNNN)");
	norm_fails(IDENT_BANKGIRO, " ", "empty, expected 7 or 8 digits");

	norm_msg(IDENT_PLUSGIRO, "3 70 20-6", "invalid plusgiro '3 70 20-6': wrong check digit (expected 5)");
	norm_msg(IDENT_PLUSGIRO, "1", "invalid plusgiro '1': wrong length: 1 digit, expected 2 to 8");
	norm_msg(IDENT_PLUSGIRO, "", "invalid plusgiro '': empty, expected 2 to 8 digits");
	norm_fails(IDENT_PLUSGIRO, "123456789", "wrong length: 9 digits, expected 2 to 8");
	norm_fails(IDENT_PLUSGIRO, "12", "wrong check digit (expected 8)");
	norm_fails(IDENT_PLUSGIRO, "3-70205", "misplaced '-' at position 2, expected before the check digit");
	norm_fails(IDENT_PLUSGIRO, "370205-", "misplaced '-' at position 7");
	norm_fails(IDENT_PLUSGIRO, "3 70-20-5", "more than one '-' (at positions 5 and 8)");
	norm_fails(IDENT_PLUSGIRO, "3 70 20:5", "unexpected character ':' at position 8");
}

static void test_ocr(void)
{
	norm_ok(IDENT_OCR, "1234567897", "1234567897");
	norm_ok(IDENT_OCR, " 1234 5678 97 ", "1234567897");
	norm_ok(IDENT_OCR, "1234" NBSP "5678" NNBSP "97", "1234567897");
	norm_ok(IDENT_OCR, "75", "75");
	norm_ok(IDENT_OCR, "123456789012345678901234", "123456789012345678901234");
	norm_ok(IDENT_OCR, "9000000000000000000000159", "9000000000000000000000159"); /* 25 digits */
	norm_msg(IDENT_OCR, "1234567898", "invalid OCR reference '1234567898': wrong check digit (expected 7)");
	norm_msg(IDENT_OCR, "", "invalid OCR reference '': empty, expected 2 to 25 digits");
	norm_fails(IDENT_OCR, "7", "wrong length: 1 digit, expected 2 to 25");
	norm_fails(IDENT_OCR, "90000000000000000000001590", "wrong length: 26 digits, expected 2 to 25");
	norm_fails(IDENT_OCR, "1234-567897", "unexpected character '-' at position 5");
	norm_fails(IDENT_OCR, "1234" ENDASH "567897", "unexpected character '" ENDASH "' (U+2013) at position 5");

	/* With a length digit: second-last digit = number of digits mod 10. */
	ocrlen_ok("123456790", "123456790");
	ocrlen_ok("1234567806", "1234567806");
	ocrlen_ok("133", "133");
	ocrlen_ok("12 3456 7806", "1234567806");
	ocrlen_ok("9000000000000000000000159", "9000000000000000000000159");
	ocrlen_fails("12345679", "invalid OCR reference '12345679': wrong length digit (expected 8)");
	ocrlen_fails("1234567890", "wrong length digit (expected 0)");
	ocrlen_fails("123456791", "wrong check digit (expected 0)");
	ocrlen_fails("1234567897", "wrong length digit (expected 0)"); /* a valid plain OCR */
	ocrlen_fails("", "invalid OCR reference '': empty, expected 2 to 25 digits");
	ocrlen_fails("5", "wrong length: 1 digit, expected 2 to 25");
	ocrlen_fails("123-456790", "unexpected character '-' at position 4");
	/* The plain check does not care about the length digit. */
	norm_ok(IDENT_OCR, "123456790", "123456790");
}

static void test_misc(void)
{
	char out[IDENT_BUFSZ], small[4] = "abc";
	struct bd_error err = {0};

	ok(strcmp(ident_kind_name(IDENT_ORGNR), "organisationsnummer") == 0 &&
	       strcmp(ident_kind_name(IDENT_BANKGIRO), "bankgiro") == 0 &&
	       strcmp(ident_kind_name(IDENT_PLUSGIRO), "plusgiro") == 0 &&
	       strcmp(ident_kind_name(IDENT_OCR), "OCR reference") == 0,
	   "ident_kind_name");

	ok(strcmp(orgnr_form("232100-0016"), "state, region, municipality or parish") == 0, "orgnr_form 2");
	ok(strcmp(orgnr_form("556000-0000"), "aktiebolag") == 0, "orgnr_form 5");
	ok(strcmp(orgnr_form("769611-3419"), "ekonomisk förening") == 0, "orgnr_form 7");
	ok(strcmp(orgnr_form("802000-0035"), "ideell förening or stiftelse") == 0, "orgnr_form 8");
	ok(strcmp(orgnr_form("969600-0000"), "handelsbolag or kommanditbolag") == 0, "orgnr_form 9");
	ok(strcmp(orgnr_form("302000-0000"), "other") == 0 && strcmp(orgnr_form(""), "other") == 0 &&
	       strcmp(orgnr_form(NULL), "other") == 0,
	   "orgnr_form other");

	ok(ident_normalise(IDENT_BANKGIRO, "5728-3904", out, sizeof(out), NULL) == -1, "a NULL err is allowed");
	ok(ident_normalise(IDENT_BANKGIRO, "5728-3905", small, sizeof(small), &err) == -1 && small[0] == '\0' &&
	       strstr(err.msg, "too small"),
	   "a too small output buffer is an error, not an overflow");
	ok(ident_normalise((enum ident_kind)42, "5728-3905", out, sizeof(out), &err) == -1 &&
	       strstr(err.msg, "unknown identifier kind 42"),
	   "an unknown kind is an error");

	/* A long paste is quoted shortened so that the reason survives. */
	char longtext[600];
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	err.msg[0] = '\0';
	ident_normalise(IDENT_OCR, longtext, out, sizeof(out), &err);
	ok(strstr(err.msg, "xxx...': unexpected character 'x' at position 1") != NULL && strlen(err.msg) < 200,
	   "a long input is quoted shortened (%zu bytes)", strlen(err.msg));
	/* ... and not cut in the middle of a UTF-8 character. */
	char longutf[201];
	for (int i = 0; i < 100; i++)
		memcpy(longutf + 2 * i, "é", 2);
	longutf[200] = '\0';
	ident_normalise(IDENT_OCR, longutf, out, sizeof(out), &err);
	ok(strstr(err.msg, "éé...'") != NULL, "a long non-ASCII input is cut at a character boundary");

	ok(!luhn_valid("", 0) && !luhn_valid(NULL, 0) && !luhn_valid("12a4", 4) && !luhn_valid("-0", 2),
	   "luhn_valid rejects empty and non-digit input");
	ok(luhn_valid("0", 1) && luhn_valid("18", 2) && !luhn_valid("1", 1), "luhn_valid on one and two digits");
	ok(luhn_valid("18xyz", 2), "luhn_valid looks at n bytes only");
}

/* ---- properties --------------------------------------------------------- */

static void test_luhn_property(void)
{
	char d[64];
	int wrong = 0, valid = 0;
	rng_seed(20240501);
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = 1 + (size_t)rng_below(40);
		random_digits(d, n);
		/* Half of them made valid, so both answers are exercised. */
		if (iter % 2 == 0)
			ref_check_digit(d, n - 1);
		bool want = luhn_ref(d, n);
		valid += want;
		if (luhn_valid(d, n) != want && wrong++ < 5)
			diag("luhn_valid(\"%.*s\") = %d, reference says %d", (int)n, d, !want, want);
	}
	ok(wrong == 0, "luhn_valid agrees with the reference on 200000 random strings (%d valid, %d wrong)", valid,
	   wrong);
}

/* Luhn catches every single-digit error, and every swap of adjacent digits
 * except 09 <-> 90. */
static void test_luhn_errors_caught(void)
{
	char d[32];
	long flips = 0, missed_flip = 0, swaps = 0, missed_swap = 0, missed_09 = 0;
	rng_seed(4711);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 2 + (size_t)rng_below(24);
		random_digits(d, n - 1);
		d[n - 1] = ref_check_digit(d, n - 1);
		d[n] = '\0';
		if (!luhn_valid(d, n)) {
			missed_flip++;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			char orig = d[i];
			for (char c = '0'; c <= '9'; c++) {
				if (c == orig)
					continue;
				d[i] = c;
				flips++;
				if (luhn_valid(d, n) && missed_flip++ < 5)
					diag("single-digit change not caught: %s", d);
			}
			d[i] = orig;
		}
		for (size_t i = 0; i + 1 < n; i++) {
			char a = d[i], b = d[i + 1];
			if (a == b)
				continue;
			bool nines = (a == '0' && b == '9') || (a == '9' && b == '0');
			d[i] = b;
			d[i + 1] = a;
			swaps++;
			if (luhn_valid(d, n) != nines && (nines ? missed_09++ : missed_swap++) < 5)
				diag("swap at %zu: luhn_valid(%s) = %d", i, d, luhn_valid(d, n));
			d[i] = a;
			d[i + 1] = b;
		}
	}
	ok(missed_flip == 0, "every single-digit change is caught (%ld changes, %ld missed)", flips, missed_flip);
	ok(missed_swap == 0 && missed_09 == 0,
	   "every adjacent swap is caught except 09/90, which never is (%ld swaps, %ld missed, %ld 09 odd)", swaps,
	   missed_swap, missed_09);
}

/* For random valid identifiers of each kind: accepted with the canonical
 * digits, and a wrong last digit reported with the right one. */
static void test_kinds_property(void)
{
	static const struct {
		enum ident_kind kind;
		size_t min, max;
	} kinds[] = {{IDENT_ORGNR, 10, 10}, {IDENT_BANKGIRO, 7, 8}, {IDENT_PLUSGIRO, 2, 8}, {IDENT_OCR, 2, 25}};
	int bad = 0, total = 0;
	rng_seed(1905);
	for (int iter = 0; iter < 40000; iter++) {
		enum ident_kind kind = kinds[iter % 4].kind;
		size_t n = kinds[iter % 4].min + (size_t)rng_below(kinds[iter % 4].max - kinds[iter % 4].min + 1);
		char d[32], out[IDENT_BUFSZ], want[40];
		struct bd_error err = {0};
		random_digits(d, n - 1);
		if (kind == IDENT_ORGNR && d[2] < '2')
			d[2] = (char)('2' + rng_below(8));
		d[n - 1] = ref_check_digit(d, n - 1);
		d[n] = '\0';
		total++;
		if (ident_normalise(kind, d, out, sizeof(out), &err) != 0) {
			if (bad++ < 5)
				diag("%s '%s' rejected: %s", ident_kind_name(kind), d, err.msg);
			continue;
		}
		/* out with separators removed is the input */
		size_t k = 0;
		for (const char *p = out; *p; p++)
			if (*p >= '0' && *p <= '9')
				want[k++] = *p;
		want[k] = '\0';
		if (strcmp(want, d) != 0 && bad++ < 5)
			diag("%s '%s' -> '%s'", ident_kind_name(kind), d, out);
		char right = d[n - 1];
		d[n - 1] = (char)('0' + (right - '0' + 1 + (int)rng_below(9)) % 10);
		char expect[40];
		snprintf(expect, sizeof(expect), "wrong check digit (expected %c)", right);
		if ((ident_normalise(kind, d, out, sizeof(out), &err) != -1 || !strstr(err.msg, expect)) && bad++ < 5)
			diag("%s '%s': %s; want '%s'", ident_kind_name(kind), d, err.msg, expect);
	}
	ok(bad == 0, "%d random valid identifiers accepted, and rejected with the right check digit once changed (%d bad)",
	   total, bad);
}

/* ---- IBAN and BIC --------------------------------------------------------- */

static void test_iban_bic(void)
{
	/* The Swedish example IBAN of the banks' guides, as printed and as
	 * typed; other countries by their own structure. */
	norm_ok(IDENT_IBAN, "SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466");
	norm_ok(IDENT_IBAN, "se4550000000058398257466", "SE4550000000058398257466");
	norm_ok(IDENT_IBAN, " SE35 5000 0000 0549 1000 0003" NBSP, "SE3550000000054910000003");
	norm_ok(IDENT_IBAN, "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432");
	norm_ok(IDENT_IBAN, "DE89 3704 0044 0532 0130 00", "DE89370400440532013000");
	norm_msg(IDENT_IBAN, "SE45 5000 0000 0583 9825 7467",
		 "invalid IBAN 'SE45 5000 0000 0583 9825 7467': wrong check digits (expected 18)");
	norm_fails(IDENT_IBAN, "SE54 5000 0000 0583 9825 7466", "wrong check digits (expected 45)");
	norm_fails(IDENT_IBAN, "SE45 5000 0000 0583 9825 746",
		   "wrong length: 23 characters, a Swedish IBAN has 24 (SE, 2 check digits, a 3-digit bank code and a "
		   "17-digit account)");
	norm_fails(IDENT_IBAN, "SE45 5000 0000 0583 9825 74X6",
		   "a Swedish IBAN has only digits after SE and its check digits: 'X' at position 28");
	norm_fails(IDENT_IBAN, "4550 0000 0005 8398 2574 66", "it starts with the country's two letters, not '45'");
	norm_fails(IDENT_IBAN, "SEX5 5000 0000 0583 9825 7466", "characters 3-4 are the check digits, not 'X5'");
	norm_fails(IDENT_IBAN, "SE45-5000", "unexpected character '-' at position 5");
	norm_fails(IDENT_IBAN, "SE45 5000", "wrong length: 8 characters, expected 15 to 34 (24 for a Swedish IBAN)");
	norm_fails(IDENT_IBAN, "   ", "empty, expected an IBAN");
	norm_fails(IDENT_IBAN, "5728-3905", "unexpected character '-'");

	norm_ok(IDENT_BIC, "ESSESESS", "ESSESESS");
	norm_ok(IDENT_BIC, "ndeasess xxx", "NDEASESSXXX");
	norm_ok(IDENT_BIC, "SWEDSESS", "SWEDSESS");
	norm_msg(IDENT_BIC, "ESSESES", "invalid BIC 'ESSESES': wrong length: 7 characters, expected 8 or 11");
	norm_fails(IDENT_BIC, "ESSESESSX", "wrong length: 9 characters, expected 8 or 11");
	norm_fails(IDENT_BIC, "ESS1SESS",
		   "'1' at position 4: the first 4 characters (the bank) and the next 2 (the country) are letters");
	norm_fails(IDENT_BIC, "ESSES.SS", "unexpected character '.' at position 6");
	norm_fails(IDENT_BIC, "", "empty, expected a BIC");
	ok(strcmp(ident_kind_name(IDENT_IBAN), "IBAN") == 0 && strcmp(ident_kind_name(IDENT_BIC), "BIC") == 0,
	   "ident_kind_name IBAN, BIC");
}

int main(void)
{
	test_seed_values();
	test_seed_flips();
	test_orgnr_forms();
	test_giro_forms();
	test_orgnr_errors();
	test_giro_errors();
	test_ocr();
	test_misc();
	test_luhn_property();
	test_luhn_errors_caught();
	test_kinds_property();
	test_iban_bic();
	return tap_done();
}
