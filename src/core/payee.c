#include "payee.h"

#include <stdio.h>
#include <string.h>

const char *const account_field_name[AF_COUNT] = {"bankgiro", "plusgiro", "IBAN", "BIC"};

static bool given(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return true;
	return false;
}

static int blame(enum account_field *field, enum account_field f)
{
	if (field)
		*field = f;
	return -1;
}

int payee_account_parse(const char *const text[AF_COUNT], struct payee_account *out, enum account_field *field,
			struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	bool bg = given(text[AF_BANKGIRO]), pg = given(text[AF_PLUSGIRO]), iban = given(text[AF_IBAN]),
	     bic = given(text[AF_BIC]);
	if (bg + pg + iban > 1) {
		enum account_field second = bg && pg ? AF_PLUSGIRO : AF_IBAN;
		bd_fail(err, "one account per payee: a bankgiro, a plusgiro or an IBAN, not %s and %s",
			bg ? "a bankgiro" : "a plusgiro", second == AF_PLUSGIRO ? "a plusgiro" : "an IBAN");
		return blame(field, second);
	}
	if (!bg && !pg && !iban) {
		if (bic) {
			bd_fail(err, "a BIC without an IBAN: the BIC goes with an IBAN");
			return blame(field, AF_BIC);
		}
		bd_fail(err, "no account: a bankgiro, a plusgiro or an IBAN (with its BIC) is needed");
		return blame(field, AF_COUNT);
	}
	if (bg || pg) {
		enum account_field f = bg ? AF_BANKGIRO : AF_PLUSGIRO;
		if (bic) {
			bd_fail(err, "a BIC goes with an IBAN, not with a %s", account_field_name[f]);
			return blame(field, AF_BIC);
		}
		out->kind = bg ? ACCT_BANKGIRO : ACCT_PLUSGIRO;
		if (ident_normalise(bg ? IDENT_BANKGIRO : IDENT_PLUSGIRO, text[f], out->number, sizeof(out->number),
				    err)) {
			out->kind = ACCT_NONE;
			return blame(field, f);
		}
		return 0;
	}
	out->kind = ACCT_IBAN;
	if (ident_normalise(IDENT_IBAN, text[AF_IBAN], out->number, sizeof(out->number), err)) {
		memset(out, 0, sizeof(*out));
		return blame(field, AF_IBAN);
	}
	if (!bic) {
		memset(out, 0, sizeof(*out));
		bd_fail(err, "an IBAN needs its bank's BIC (8 or 11 letters and digits, like ESSESESS)");
		return blame(field, AF_BIC);
	}
	if (ident_normalise(IDENT_BIC, text[AF_BIC], out->bic, sizeof(out->bic), err)) {
		memset(out, 0, sizeof(*out));
		return blame(field, AF_BIC);
	}
	/* Letters 5-6 of a BIC are its bank's country, as the first two of
	 * an IBAN are the account's. */
	if (memcmp(out->bic + 4, out->number, 2) != 0) {
		bd_fail(err, "BIC %s is of a bank in %.2s, the IBAN %s of an account in %.2s", out->bic, out->bic + 4,
			out->number, out->number);
		memset(out, 0, sizeof(*out));
		return blame(field, AF_BIC);
	}
	return 0;
}

int payee_account_from(const char *bankgiro, const char *plusgiro, const char *iban, const char *bic,
		       struct payee_account *out, struct bd_error *err)
{
	if (!bankgiro && !plusgiro && !iban && !bic) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	const char *text[AF_COUNT] = {bankgiro, plusgiro, iban, bic};
	return payee_account_parse(text, out, NULL, err);
}

bool payee_account_same(const struct payee_account *a, const struct payee_account *b)
{
	return a->kind == b->kind && strcmp(a->number, b->number) == 0 && strcmp(a->bic, b->bic) == 0;
}

const char *account_kind_name(enum account_kind kind)
{
	switch (kind) {
	case ACCT_BANKGIRO:
		return "bankgiro";
	case ACCT_PLUSGIRO:
		return "plusgiro";
	case ACCT_IBAN:
		return "IBAN";
	case ACCT_NONE:
		break;
	}
	return NULL;
}

void payee_account_text(const struct payee_account *a, char *out, size_t n)
{
	if (a->kind == ACCT_NONE)
		snprintf(out, n, "no account");
	else if (a->kind == ACCT_IBAN)
		snprintf(out, n, "IBAN %s (BIC %s)", a->number, a->bic);
	else
		snprintf(out, n, "%s %s", account_kind_name(a->kind), a->number);
}

const char *payee_account_bankgiro(const struct payee_account *a)
{
	return a->kind == ACCT_BANKGIRO ? a->number : NULL;
}

const char *payee_account_plusgiro(const struct payee_account *a)
{
	return a->kind == ACCT_PLUSGIRO ? a->number : NULL;
}

const char *payee_account_iban(const struct payee_account *a)
{
	return a->kind == ACCT_IBAN ? a->number : NULL;
}

const char *payee_account_bic(const struct payee_account *a)
{
	return a->kind == ACCT_IBAN ? a->bic : NULL;
}

int payee_text_check(const char *text, struct bd_error *err)
{
	const unsigned char *p = (const unsigned char *)text;
	for (size_t at = 1; *p; at++) {
		uint32_t cp;
		size_t k;
		if (p[0] < 0x80) {
			cp = p[0];
			k = 0;
		} else if ((p[0] & 0xE0) == 0xC0) {
			cp = p[0] & 0x1Fu;
			k = 1;
		} else if ((p[0] & 0xF0) == 0xE0) {
			cp = p[0] & 0x0Fu;
			k = 2;
		} else if ((p[0] & 0xF8) == 0xF0) {
			cp = p[0] & 0x07u;
			k = 3;
		} else {
			return bd_fail(err, "character %zu is not valid UTF-8 (save the text as UTF-8)", at);
		}
		for (size_t j = 1; j <= k; j++) {
			if ((p[j] & 0xC0) != 0x80)
				return bd_fail(err, "character %zu is not valid UTF-8 (save the text as UTF-8)", at);
			cp = (cp << 6) | (p[j] & 0x3Fu);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return bd_fail(err, "character %zu is not valid UTF-8 (save the text as UTF-8)", at);
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
			const char *what = cp == '\r' ? "a carriage return" : cp == '\n' ? "a line break" : cp == '\t' ? "a tab"
															 : "a control character";
			return bd_fail(err,
				       "%s (U+%04X) at character %zu: payment files take one line of printable text (an LB "
				       "file would carry it as a space or not at all, a pain.001 file (XML 1.0) as a "
				       "character reference or not at all)",
				       what, (unsigned)cp, at);
		}
		if (cp > 0xFF)
			return bd_fail(err,
				       "'%.*s' (U+%04X) at character %zu: an LB file (Bankgirot's leverantörsbetalningar) "
				       "carries ISO 8859-1 (Latin-1) only, and a payment may go out as one",
				       (int)(k + 1), (const char *)p, (unsigned)cp, at);
		p += k + 1;
	}
	return 0;
}

/* Days from the civil date (proleptic Gregorian), by eras of 400 years. */
int64_t date_day_number(const char *date)
{
	int64_t y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	int64_t m = (date[5] - '0') * 10 + (date[6] - '0');
	int64_t d = (date[8] - '0') * 10 + (date[9] - '0');
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool payee_change_recent(const char *changed_on, const char *date)
{
	if (!changed_on || !date_valid(changed_on) || !date || !date_valid(date))
		return false;
	return date_day_number(date) - date_day_number(changed_on) <= PAYEE_CHANGE_DAYS;
}
