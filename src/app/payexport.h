/* payexport.h: exporting attested payments as a payment file (pain.001, the
 * default, or Bankgirot LB, legacy) and recording them executed, in one
 * transaction; used by 'bidrag pay export' and POST /api/batches.  Each
 * payment goes to its payee's account as approved at export time
 * (store_payment_queue), which the batch keeps; a batch is written in one
 * format, a second only when forced, since both files could be sent and
 * pay the same payments twice. */
#ifndef BIDRAG_PAYEXPORT_H
#define BIDRAG_PAYEXPORT_H

#include "decision.h"
#include "store.h"

/* Payments as the store hands them out, copied. */
struct payment_rows {
	struct payment_row *v;
	size_t n;
	struct strpool pool;
};
int payment_rows_collect(void *ctx, const struct payment_row *p); /* a payment_fn; init pool first */
void payment_rows_release(struct payment_rows *r);

struct pay_export {
	const char *batch, *format; /* "pain001" or "lb" */
	const char *date;           /* the execution date */
	const char *from;           /* the paying organisation; NULL: KAMK */
	const char *by, *override;
	bool force;                 /* a batch exported in the other format: write this one too */
};
struct pay_export_result {
	char *file; /* free() */
	size_t len;
	bool again;        /* exported before: the stored file, nothing recorded */
	int payments;
	int64_t total;     /* öre */
	char exec_date[DATE_LEN];
	/* Lines (each ending '\n') naming the payments paid to another account
	 * than the one they were registered and attested with (the payee's
	 * account changed, and was approved, since); "" when none. */
	char notes[2048];
};
/* pay_export_run: 0 done; 1 bad input (err says what: no attested
 * payments, an unknown payer, no bankgiro, a payment without an account or
 * outside its window, an IBAN in an LB file, a batch exported in the other
 * format and not forced); -1 a failure.  Nothing is recorded unless 0. */
int pay_export_run(struct store *s, const struct pay_export *in, struct pay_export_result *out, struct bd_error *err);

#endif
