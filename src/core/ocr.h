/* ocr.h: Bankgirot's OCR references: making one for a repayment claim, and
 * checking one that comes back in a bank file.
 *
 * An OCR reference is 2 to 25 digits whose last digit is a Luhn (mod 10)
 * check digit over all the others.  Under Bankgirot's "variable length"
 * control the second-last digit is a length digit, the total number of
 * digits (both control digits included) mod 10, and it takes part in the
 * Luhn sum.  The references bidrag makes carry both digits, so that a
 * dropped or doubled digit is caught as well as a mistyped one:
 *
 *   claim number 1234  ->  1234 6 4  ->  "123464"    (6 digits, Luhn holds)
 *
 * A payee's bank checks a reference the way the receiving bankgiro's
 * agreement with Bankgirot says; a reader of a bank file picks the same:
 *
 *   OCR_SOFT    the check digit is computed but a wrong one does not refuse
 *               the reference (the payment went through; check_ok says
 *               whether it can be trusted)
 *   OCR_HARD    the check digit must be right
 *   OCR_LENGTH  "variable length": the length digit and the check digit
 *               must both be right (what bidrag's own references satisfy)
 *
 * The Luhn rule itself is luhn_valid in ident.h, and the messages are
 * ident.c's ("invalid OCR reference '123': wrong check digit (expected 5)"),
 * so a reference reads the same wherever it is refused.  Pure logic. */
#ifndef BIDRAG_OCR_H
#define BIDRAG_OCR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define OCR_MIN_DIGITS 2
#define OCR_MAX_DIGITS 25
/* The digits of a claim number ocr_make takes: two control digits follow. */
#define OCR_MAX_NUMBER_DIGITS (OCR_MAX_DIGITS - 2)
/* Enough for any reference and its NUL. */
#define OCR_BUFSZ 32

enum ocr_control { OCR_SOFT, OCR_HARD, OCR_LENGTH };

struct ocr_ref {
	char digits[OCR_BUFSZ]; /* the reference as digits only, spaces removed */
	bool check_ok;          /* the Luhn check digit is right */
	bool length_ok;         /* the second-last digit is the number of digits mod 10 */
};

/* ocr_check: text (digits, spaces allowed between them) as an OCR reference
 * under `control`.  Fills *out and returns 0 when the control accepts it;
 * returns -1 with err filled (and *out cleared) when it is not 2 to 25
 * digits, or a digit the control checks is wrong.  Under OCR_SOFT only the
 * form is refused: check_ok and length_ok report the digits. */
int ocr_check(const char *text, enum ocr_control control, struct ocr_ref *out, struct bd_error *err);

/* ocr_make: the OCR reference for a claim number of 1 to 23 digits (leading
 * zeros are kept: they are part of the reference): the number, its length
 * digit and its check digit, NUL-terminated in out (outsz >= OCR_BUFSZ).
 * Returns 0, or -1 with err filled and out set to "". */
int ocr_make(const char *number, char *out, size_t outsz, struct bd_error *err);

/* ocr_make_u64: the same for a number (at most 20 digits, so it cannot
 * fail): 1234 -> "123464". */
void ocr_make_u64(uint64_t number, char out[OCR_BUFSZ]);

/* ocr_number: the claim number inside a reference ocr_make made: the
 * reference without its two control digits, once ocr_check under
 * OCR_LENGTH accepts it.  Returns 0, or -1 with err filled and out "". */
int ocr_number(const char *reference, char *out, size_t outsz, struct bd_error *err);

/* ocr_control_name: "soft", "hard", "variable length". */
const char *ocr_control_name(enum ocr_control control);

#endif
