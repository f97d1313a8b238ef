/* bookchart.h: how the ledger's events are booked: the chart of accounts
 * an export for the books (SIE 4) uses, one rule per kind of event: the
 * account debited and the account credited.  Pure logic.
 *
 * The events booked, and the default chart (docs/bank.md; a CSV file of
 * the same rules overrides it, see chartfile.h):
 *
 *   execute        a payment paid out        debit 4650 Lämnade bidrag,       credit 1930 Bank
 *   bank-reject    the bank rejected it      debit 1930 Bank,                 credit 4650 Lämnade bidrag
 *   bank-return    the bank returned it      debit 1930 Bank,                 credit 4650 Lämnade bidrag
 *   repay-claim    a repayment claimed       debit 1510 Fordran återkrav,     credit 4650 Lämnade bidrag
 *   report         a report's unused money   debit 1510 Fordran återkrav,     credit 4650 Lämnade bidrag
 *                  claimed
 *   repay-receive  a repayment received      debit 1930 Bank,                 credit 1510 Fordran återkrav
 *   lapse          a right to a grant lapsed debit 2990 Beslutade bidrag,     credit 8990 Förfallna bidrag
 *                                             (the commitment released)
 *
 * A correction is booked as the reverse of the event it corrects (its rule
 * with debit and credit swapped), when that event is booked at all.
 * Registrations and attestations of payments, requisitions, acceptances and
 * bookings by the bank move no money of the books and are not booked. */
#ifndef BIDRAG_BOOKCHART_H
#define BIDRAG_BOOKCHART_H

#include <stdbool.h>

#include "ledger.h"

#define BOOK_ACCOUNT_LEN 16
#define BOOK_NAME_LEN 128

struct book_rule {
	bool booked; /* the kind is booked */
	char debit[BOOK_ACCOUNT_LEN], credit[BOOK_ACCOUNT_LEN];
	char debit_name[BOOK_NAME_LEN], credit_name[BOOK_NAME_LEN];
	const char *text; /* Swedish: what a verifikation of it says */
};

struct book_chart {
	struct book_rule rule[EV_COUNT];
};

/* book_chart_default: the chart above. */
void book_chart_default(struct book_chart *c);
/* book_kind_bookable: a kind a chart may give a rule (the list above). */
bool book_kind_bookable(enum event_kind k);
/* book_account_ok: an account number: 1 to 15 digits. */
bool book_account_ok(const char *s);
/* book_text: the Swedish word of what an event of kind k is in the books
 * ("Utbetalning", "Återkrav", ...). */
const char *book_text(enum event_kind k);

#endif
