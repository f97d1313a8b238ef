/* claimletter.h: a repayment claim as a one-page letter (PDF): who owes
 * what under which decision, and how to pay it: the agency's bankgiro and
 * the claim's OCR reference, so that the bank's file of the payment (BgMax,
 * camt) is matched to the claim without anyone reading it ('bidrag bank
 * import').  Nothing of the register: the caller fills the fields. */
#ifndef BIDRAG_CLAIMLETTER_H
#define BIDRAG_CLAIMLETTER_H

#include <stdint.h>

#include "util.h"

struct claim_letter {
	const char *agency, *agency_orgnr, *agency_bankgiro; /* who is paid, to which bankgiro */
	const char *recipient, *recipient_orgnr;             /* who owes */
	const char *dnr, *decision_title, *part, *part_title;
	int64_t number;         /* the claim's number */
	const char *ocr;        /* its OCR reference */
	int64_t amount;         /* öre claimed */
	int64_t paid;           /* öre paid so far (matched from the bank's files) */
	const char *claimed_on; /* YYYY-MM-DD: the claim's date */
	const char *due;        /* YYYY-MM-DD: pay by (the decision's repayment deadline), or NULL */
	const char *date;       /* the letter's date */
};

/* claim_letter_write: the letter to path ("-": standard output).  0, or -1
 * with err (a file that cannot be written is removed). */
int claim_letter_write(const struct claim_letter *l, const char *path, struct bd_error *err);

#endif
