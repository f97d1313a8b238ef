/* sieexport.h: the ledger's events of a period for the books, as an SIE 4
 * file (io's sie.h): each event the chart books (core's bookchart.h:
 * payments executed, rejected or returned by the bank, repayments claimed
 * and received, lapses, and the corrections of these) is a verifikation on
 * its day, its amount on the chart's debit and credit accounts, split over
 * the anslagsposter its part is paid from in proportion to the amounts
 * decided on them (exactly, largest remainder), each row with its anslag
 * and anslagspost as objects (SIE_DIM_ANSLAG "UO ANSLAG", SIE_DIM_ANSLAGSPOST
 * "UO ANSLAG ap.POST").  The financial years are the calendar years of the
 * period.  Used by 'bidrag export sie'. */
#ifndef BIDRAG_SIEEXPORT_H
#define BIDRAG_SIEEXPORT_H

#include <stdint.h>

#include "bookchart.h"
#include "store.h"

struct sie_export_in {
	const char *from, *to;         /* YYYY-MM-DD, inclusive */
	const struct book_chart *chart;
	const char *generated;         /* #GEN: today */
	const char *signature;         /* #GEN: who, or NULL */
	const char *agency;            /* the organisation whose books these are: its code (NULL: KAMK) */
};

struct sie_export_summary {
	long vers, rows;
	long events[EV_COUNT];         /* verifikationer by the kind booked (a correction by its own) */
	int64_t amount[EV_COUNT];      /* öre */
};

/* sie_export_run: the file appended to out (codepage 437).  0; 1 bad input
 * (err says what: an unknown agency, a period the writer refuses); -1 a
 * failure. */
int sie_export_run(struct store *s, const struct sie_export_in *in, struct buf *out, struct sie_export_summary *sum,
		   struct bd_error *err);

#endif
