#include "ocr.h"

#include <stdio.h>
#include <string.h>

#include "ident.h"

const char *ocr_control_name(enum ocr_control control)
{
	switch (control) {
	case OCR_SOFT:
		return "soft";
	case OCR_HARD:
		return "hard";
	case OCR_LENGTH:
		return "variable length";
	}
	return "unknown";
}

/* length_ok: the second-last digit of d[0..n) is n mod 10. */
static bool length_ok(const char *d, size_t n)
{
	return n >= 2 && (size_t)(d[n - 2] - '0') == n % 10;
}

/* space_len: the whitespace ident.c accepts between digits (ASCII space
 * and tab, NBSP, narrow NBSP, thin space): its byte length at p, or 0. */
static size_t space_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xAF || p[2] == 0x89))
		return 3;
	return 0;
}

/* digits_only: the digits of text when it holds nothing but digits and
 * whitespace, 2 to 25 of them; false otherwise. */
static bool digits_only(const char *text, char out[OCR_BUFSZ], size_t *n)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t k = 0, len;
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			if (k == OCR_MAX_DIGITS)
				return false;
			out[k++] = (char)*p++;
		} else if ((len = space_len(p)) > 0) {
			p += len;
		} else {
			return false;
		}
	}
	out[k] = '\0';
	*n = k;
	return k >= OCR_MIN_DIGITS;
}

int ocr_check(const char *text, enum ocr_control control, struct ocr_ref *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	char d[OCR_BUFSZ];
	int rc;
	switch (control) {
	case OCR_HARD:
		rc = ident_normalise(IDENT_OCR, text, d, sizeof(d), err);
		break;
	case OCR_LENGTH:
		rc = ident_check_ocr_length(text, d, sizeof(d), err);
		break;
	case OCR_SOFT: {
		size_t n;
		if (!text || !digits_only(text, d, &n)) {
			/* ident says what is wrong with the form, as it would for
			 * a hard check; it cannot accept what digits_only refused
			 * (a wrong check digit is all it adds). */
			if (ident_normalise(IDENT_OCR, text, d, sizeof(d), err) == 0)
				bd_fail(err, "invalid OCR reference: expected 2 to 25 digits");
			return -1;
		}
		rc = 0;
		break;
	}
	default:
		return bd_fail(err, "ocr_check: unknown control %d", (int)control);
	}
	if (rc != 0)
		return -1;
	size_t n = strlen(d);
	memcpy(out->digits, d, n + 1);
	out->check_ok = luhn_valid(d, n);
	out->length_ok = length_ok(d, n);
	return 0;
}

/* check_digit: the digit that, appended to d[0..n), makes Luhn hold; the
 * rule is luhn_valid's, tried for each candidate. */
static char check_digit(char *d, size_t n)
{
	for (char c = '0'; c <= '9'; c++) {
		d[n] = c;
		if (luhn_valid(d, n + 1))
			return c;
	}
	return '?'; /* not reached: exactly one digit completes a Luhn sum */
}

int ocr_make(const char *number, char *out, size_t outsz, struct bd_error *err)
{
	if (out && outsz)
		out[0] = '\0';
	size_t n = number ? strlen(number) : 0;
	if (n == 0)
		return bd_fail(err, "claim number for an OCR reference: empty, expected 1 to %d digits",
			       OCR_MAX_NUMBER_DIGITS);
	for (size_t i = 0; i < n; i++)
		if (number[i] < '0' || number[i] > '9')
			return bd_fail(err,
				       "claim number '%.40s' for an OCR reference: unexpected character at position %zu, "
				       "expected digits only",
				       number, i + 1);
	if (n > OCR_MAX_NUMBER_DIGITS)
		return bd_fail(err,
			       "claim number '%.40s' for an OCR reference: %zu digits, expected at most %d (with its "
			       "length and check digits an OCR reference has at most %d)",
			       number, n, OCR_MAX_NUMBER_DIGITS, OCR_MAX_DIGITS);
	if (!out || outsz < n + 3)
		return bd_fail(err, "ocr_make: output buffer of %zu bytes is too small, need %zu", outsz, n + 3);
	char d[OCR_BUFSZ];
	memcpy(d, number, n);
	d[n] = (char)('0' + (n + 2) % 10);
	d[n + 2] = '\0';
	d[n + 1] = check_digit(d, n + 1);
	memcpy(out, d, n + 3);
	return 0;
}

void ocr_make_u64(uint64_t number, char out[OCR_BUFSZ])
{
	char num[24];
	snprintf(num, sizeof(num), "%llu", (unsigned long long)number);
	if (ocr_make(num, out, OCR_BUFSZ, NULL) != 0)
		out[0] = '\0'; /* not reached: 20 digits at most */
}

int ocr_number(const char *reference, char *out, size_t outsz, struct bd_error *err)
{
	if (out && outsz)
		out[0] = '\0';
	struct ocr_ref r;
	if (ocr_check(reference, OCR_LENGTH, &r, err) != 0)
		return -1;
	size_t n = strlen(r.digits) - 2;
	if (n == 0)
		return bd_fail(err, "OCR reference '%s' holds no number besides its two control digits", r.digits);
	if (!out || outsz < n + 1)
		return bd_fail(err, "ocr_number: output buffer of %zu bytes is too small, need %zu", outsz, n + 1);
	memcpy(out, r.digits, n);
	out[n] = '\0';
	return 0;
}
