/* payexport.h: exporting attested payments as a payment file (pain.001 or
 * Bankgirot LB) and recording them executed, in one transaction; used by
 * 'bidrag pay export' and POST /api/batches. */
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
};
struct pay_export_result {
	char *file; /* free() */
	size_t len;
	bool again;        /* exported before: the stored file, nothing recorded */
	int payments;
	int64_t total;     /* öre */
	char exec_date[DATE_LEN];
};
/* pay_export_run: 0 done; 1 bad input (err says what: no attested
 * payments, an unknown payer, no bankgiro, a payment outside its window);
 * -1 a failure.  Nothing is recorded unless 0. */
int pay_export_run(struct store *s, const struct pay_export *in, struct pay_export_result *out, struct bd_error *err);

#endif
