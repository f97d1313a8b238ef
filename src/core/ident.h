/* ident.h: Swedish payment identifiers: organisationsnummer, bankgiro,
 * plusgiro and OCR references, as users paste them.
 *
 * All four carry a Luhn (mod 10) check digit last, so a single mistyped digit
 * is always caught; validating them here stops a payment going to the wrong
 * recipient over a typo.  Nothing here allocates or uses floating point.
 *
 * Accepted input: digits with whitespace anywhere (ASCII space, tab, NBSP,
 * narrow NBSP U+202F, thin space U+2009) and, where the kind allows it, one
 * '-' (U+2010 hyphen, U+2011 non-breaking hyphen and U+2013 en dash count as
 * '-', since word processors substitute them).  The '-' must stand where the
 * written form has it, because a misplaced one usually means a number of
 * another kind was pasted (a plusgiro "1234567-8" passes the bankgiro Luhn
 * check but not the bankgiro dash position).
 *
 *   kind      digits                  '-' (optional)           canonical
 *   orgnr     10, or 12 as "16"+10    after digit 6 of the 10   232100-0016
 *   bankgiro  7 or 8                  before the last 4         5728-3905, 390-1485
 *   plusgiro  2 to 8                  before the check digit    3 70 20-5, 1-2
 *   OCR       2 to 25                 none                      digits only
 *
 * Organisation numbers must also have digits 3-4 >= 20, which is what tells
 * them apart from personnummer (whose digits 3-4 are a month).
 *
 * Two international kinds have letters and no Luhn digit:
 *
 *   kind      characters                                  check            canonical
 *   IBAN      2 letters (country), 2 check digits, then   mod 97 = 1       SE4550000000058398257466
 *             11-30 letters or digits; 15-34 in all;                        (no spaces, capitals)
 *             a Swedish (SE) one is 24: SE, the check
 *             digits, a 3-digit bank code, a 17-digit account
 *   BIC       4 letters (bank), 2 letters (country),      its form only    ESSESESS, NDEASESSXXX
 *             2 letters or digits (place), and optionally
 *             3 letters or digits (branch): 8 or 11
 *
 * Both take spaces anywhere (an IBAN is printed in groups of four) and small
 * letters, which are made capitals.
 *
 * Errors read "invalid <kind name> '<input>': <reason>", for example
 *   invalid bankgiro '5728-3904': wrong check digit (expected 5)
 *   invalid organisationsnummer '23210-0016': wrong length: 9 digits, expected 10 (or 12 with the prefix 16)
 *   invalid organisationsnummer '2321x0-0016': unexpected character 'x' at position 5
 * Positions are 1-based and count characters (UTF-8 sequences), not bytes,
 * in the input as given (leading whitespace included).  A long input is
 * quoted shortened, and control characters and bytes that are not UTF-8 are
 * quoted as \xNN. */
#ifndef BIDRAG_IDENT_H
#define BIDRAG_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum ident_kind { IDENT_ORGNR, IDENT_BANKGIRO, IDENT_PLUSGIRO, IDENT_OCR, IDENT_IBAN, IDENT_BIC };

/* Enough for every canonical form (the longest is a 34-character IBAN). */
#define IDENT_BUFSZ 40

/* luhn_valid: true if digits[0..n) passes the Luhn (mod 10) check.  False
 * when n is 0 or any of the n bytes is not '0'-'9'. */
bool luhn_valid(const char *digits, size_t n);

/* ident_normalise: validate text (NUL-terminated) as an identifier of `kind`
 * and write its canonical form, NUL-terminated, into out (outsz >=
 * IDENT_BUFSZ).  Returns 0, or -1 with err filled and out set to "".  A NULL
 * text counts as empty. */
int ident_normalise(enum ident_kind kind, const char *text, char *out, size_t outsz, struct bd_error *err);

/* ident_check_ocr_length: an OCR reference that also carries a length digit:
 * the second-last digit is the total number of digits (check and length
 * digits included) mod 10, and Luhn holds over all digits.  2 to 25 digits,
 * spaces allowed, canonical form digits only.  The length digit is checked
 * before the check digit, so a dropped or doubled digit is reported as such:
 * "invalid OCR reference '...': wrong length digit (expected 8)". */
int ident_check_ocr_length(const char *text, char *out, size_t outsz, struct bd_error *err);

/* ident_kind_name: "organisationsnummer", "bankgiro", "plusgiro",
 * "OCR reference", "IBAN", "BIC"; "identifier" for a value outside the enum. */
const char *ident_kind_name(enum ident_kind kind);

/* orgnr_form: the legal form that the first digit of a canonical
 * organisationsnummer stands for: 2 "state, region, municipality or parish",
 * 5 "aktiebolag", 7 "ekonomisk förening", 8 "ideell förening or stiftelse",
 * 9 "handelsbolag or kommanditbolag", anything else (NULL too) "other". */
const char *orgnr_form(const char *canonical);

#endif
