/* payfile.h: bank payment files for a batch of payments.
 *
 *  - ISO 20022 pain.001.001.03 (customer credit transfer initiation), the
 *    XML Swedish banks accept, written with libxml2: one payment
 *    information block, bankgiro creditors as clearing member 9900 with the
 *    account scheme BGNR, plusgiro as 9960 with PGNR, an IBAN as itself
 *    (CdtrAcct/Id/IBAN) with its bank's BIC (CdtrAgt/FinInstnId/BIC): the
 *    file names the account each payment goes to; a reference that is a
 *    valid OCR number goes as a structured SCOR reference, the decision's dnr
 *    always in the remittance information.  The file is checked against the
 *    schema (compiled in) before it is handed out.  The default format.
 *  - Bankgirot Leverantörsbetalningar (LB), legacy (Bankgirot is retiring
 *    it; banks move to pain.001): 80-column ISO 8859-1 records:
 *    11 opening, 14 payment to a bankgiro, 25 information to the payee (the
 *    remittance text, 50 characters a record, when it does not fit the
 *    payment record's 25), 54 payment to a plusgiro (its 25 characters
 *    only), 29 summary (count of payment records and total in öre).  No
 *    library writes this format.  It cannot pay an IBAN: such a payment
 *    fails, naming it.
 *
 * Amounts are öre.  Payments without an account fail, naming the payment. */
#ifndef BIDRAG_PAYFILE_H
#define BIDRAG_PAYFILE_H

#include <stddef.h>

#include "util.h"
#include "ledger.h"

struct payfile_header {
	const char *batch; /* message id: 1-35 characters */
	const char *date;  /* requested execution date, YYYY-MM-DD */
	const char *debtor_name, *debtor_orgnr, *debtor_bankgiro;
};

int pain001_write(const struct payfile_header *h, const struct payment_row *p, size_t n, struct buf *out,
		  struct bd_error *err);
int lb_write(const struct payfile_header *h, const struct payment_row *p, size_t n, struct buf *out,
	     struct bd_error *err);

/* pain001_validate: check an XML document against the pain.001.001.03
 * schema; err names the first problem with its line. */
int pain001_validate(const char *xml, size_t len, struct bd_error *err);

#endif
