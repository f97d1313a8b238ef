/* claims.h: repayment claims as the faces show them: the letter (PDF) a
 * claim is sent as, with the agency's bankgiro and the claim's OCR
 * reference.  The claims themselves (numbers, OCR references, what the
 * bank's files paid of them) are the store's (store-bank.h). */
#ifndef BIDRAG_CLAIMS_H
#define BIDRAG_CLAIMS_H

#include <stdint.h>

#include "store.h"

/* The organisation claims are paid to: Kammarkollegiet, as the payment
 * files pay from it. */
#define CLAIMS_AGENCY "KAMK"

/* claim_letter_make: claim number's letter to path ("-": standard output),
 * dated date.  0; 1 when there is no such claim, or the agency has no
 * bankgiro to pay to (err says so); -1 a failure. */
int claim_letter_make(struct store *s, int64_t number, const char *date, const char *path, struct bd_error *err);

#endif
