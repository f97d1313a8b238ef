/* fuzz-ident: organisationsnummer, bankgiro, plusgiro, OCR references,
 * IBAN and BIC as users paste them (src/core/ident.c).  The first byte
 * chooses the kind, the rest is the text.  Properties:
 *   - a refusal reads "invalid <kind> '<input>': <reason>", quotes the input
 *     with no control character and as valid UTF-8, and a position it names
 *     is within the input;
 *   - a canonical form is what the kind's written form says (ident.h), its
 *     digits are the input's, its check digit holds, and it normalises to
 *     itself. */
#include "fuzz.h"

#include <ctype.h>

#include "ident.h"

/* clean_utf8: s is well-formed UTF-8 with no control character. */
static bool clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7F)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n = *p >= 0xF0 && *p <= 0xF4 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 && *p < 0xE0 ? 1 : -1;
		if (n < 0 || *p > 0xF4)
			return false;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n + 1;
	}
	return true;
}

/* digits: the ASCII digits of s, in order. */
static size_t digits(const char *s, char *out, size_t max)
{
	size_t n = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9' && n < max)
			out[n++] = *s;
	out[n] = '\0';
	return n;
}

static void check_refusal(enum ident_kind kind, const char *text, const struct bd_error *err)
{
	char head[64];
	snprintf(head, sizeof(head), "invalid %s '", ident_kind_name(kind));
	PROP(strncmp(err->msg, head, strlen(head)) == 0, "'%s' refused as '%s'", text, err->msg);
	PROP(clean_utf8(err->msg), "the message quotes control characters or bytes that are not UTF-8: %s", err->msg);
	const char *at = strstr(err->msg, " at position ");
	if (at && !strstr(text, "position")) { /* (the input is quoted in the message) */
		size_t pos = strtoul(strstr(at, "position ") + 9, NULL, 10);
		/* Positions count characters, a byte that is not UTF-8 as one:
		 * at most as many as the bytes. */
		PROP(pos >= 1 && pos <= strlen(text), "position %zu of %zu bytes: %s", pos, strlen(text), err->msg);
	}
}

static void check_form(enum ident_kind kind, const char *text, const char *out)
{
	size_t n = strlen(out);
	char in_d[256], out_d[64];
	size_t ni = digits(text, in_d, sizeof(in_d) - 1), no = digits(out, out_d, sizeof(out_d) - 1);
	switch (kind) {
	case IDENT_ORGNR:
		PROP(n == 11 && out[6] == '-', "orgnr '%s' -> '%s'", text, out);
		PROP(luhn_valid(out_d, 10) && out_d[2] >= '2', "orgnr '%s' -> '%s'", text, out);
		PROP(strcmp(in_d + (ni == 12 ? 2 : 0), out_d) == 0, "orgnr '%s' -> '%s': other digits", text, out);
		break;
	case IDENT_BANKGIRO:
		PROP((n == 8 || n == 9) && out[n - 5] == '-', "bankgiro '%s' -> '%s'", text, out);
		PROP(luhn_valid(out_d, no) && strcmp(in_d, out_d) == 0, "bankgiro '%s' -> '%s'", text, out);
		break;
	case IDENT_PLUSGIRO:
		PROP(n >= 3 && out[n - 2] == '-', "plusgiro '%s' -> '%s'", text, out);
		PROP(no >= 2 && no <= 8 && luhn_valid(out_d, no) && strcmp(in_d, out_d) == 0, "plusgiro '%s' -> '%s'",
		     text, out);
		break;
	case IDENT_OCR:
		PROP(no == n && no >= 2 && no <= 25 && luhn_valid(out, n) && strcmp(in_d, out) == 0, "OCR '%s' -> '%s'",
		     text, out);
		break;
	case IDENT_IBAN:
		PROP(n >= 15 && n <= 34 && isupper((unsigned char)out[0]) && isupper((unsigned char)out[1]) &&
			     isdigit((unsigned char)out[2]) && isdigit((unsigned char)out[3]),
		     "IBAN '%s' -> '%s'", text, out);
		for (size_t i = 0; i < n; i++)
			PROP(isupper((unsigned char)out[i]) || isdigit((unsigned char)out[i]), "IBAN '%s' -> '%s'", text, out);
		break;
	case IDENT_BIC:
		PROP(n == 8 || n == 11, "BIC '%s' -> '%s'", text, out);
		for (size_t i = 0; i < n; i++)
			PROP(i < 6 ? isupper((unsigned char)out[i]) : isupper((unsigned char)out[i]) || isdigit((unsigned char)out[i]),
			     "BIC '%s' -> '%s'", text, out);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 300)
		return -1;
	static const enum ident_kind kinds[] = {IDENT_ORGNR, IDENT_BANKGIRO, IDENT_PLUSGIRO, IDENT_OCR, IDENT_IBAN, IDENT_BIC};
	enum ident_kind kind = kinds[data[0] % BD_ARRAY_LEN(kinds)];
	bool length_digit = data[0] & 0x80;
	char *text = fuzz_str(data + 1, size - 1);
	char out[IDENT_BUFSZ], again[IDENT_BUFSZ];
	struct bd_error err = {0};
	if (kind == IDENT_OCR && length_digit) {
		if (ident_check_ocr_length(text, out, sizeof(out), &err)) {
			PROP(out[0] == '\0', "a refusal leaves the output '%s'", out);
			check_refusal(kind, text, &err);
		} else {
			size_t n = strlen(out);
			check_form(kind, text, out);
			PROP((size_t)(out[n - 2] - '0') == n % 10, "OCR '%s' -> '%s': wrong length digit", text, out);
			PROP(ident_check_ocr_length(out, again, sizeof(again), &err) == 0 && strcmp(out, again) == 0,
			     "'%s' does not normalise to itself", out);
		}
	} else if (ident_normalise(kind, text, out, sizeof(out), &err)) {
		PROP(out[0] == '\0', "a refusal leaves the output '%s'", out);
		check_refusal(kind, text, &err);
	} else {
		check_form(kind, text, out);
		PROP(ident_normalise(kind, out, again, sizeof(again), &err) == 0 && strcmp(out, again) == 0,
		     "%s '%s' -> '%s' does not normalise to itself (%s)", ident_kind_name(kind), text, out, err.msg);
		if (kind == IDENT_ORGNR)
			PROP(orgnr_form(out) != NULL, "no form for '%s'", out);
	}
	free(text);
	return 0;
}
