/* statusload.h: the status view (core status.h) filled from a store, for
 * `bidrag status` and GET /api/status alike. */
#ifndef BIDRAG_STATUSLOAD_H
#define BIDRAG_STATUSLOAD_H

#include "status.h"
#include "store.h"

/* status_view_load: every account of the register (filtered by dnr, part,
 * recipient code when given) into v, initialised here and finished: with
 * as_of, the balances of the events dated up to that day, evaluated on that
 * day; without, the balances as recorded now, evaluated on today.  The
 * caller releases v (also on failure). */
int status_view_load(struct store *s, const char *dnr, const char *part, const char *recipient, const char *as_of,
		     const char *today, bool by_post, struct status_view *v, struct bd_error *err);

/* The financial reports of the ledger: per account (dnr, part, recipient
 * code) the date of its first report that stands (not corrected), dated up
 * to as_of (every one when NULL), read from the journal (of one decision
 * when dnr is given).  Whether it is late is the ledger's rule,
 * ledger_report_late, against the part's report deadline. */
struct report_date {
	const char *id, *dnr, *part, *recipient;
	char date[DATE_LEN];
	bool corrected;
};
struct report_dates {
	struct report_date *v;
	size_t n;
	char **corrected; /* the ids corrections refer to */
	size_t ncorrected;
	struct strpool pool;
};
int report_dates_load(struct store *s, const char *dnr, const char *as_of, struct report_dates *out,
		      struct bd_error *err);
/* report_date_of: the account's report date, or NULL if it has none. */
const char *report_date_of(const struct report_dates *r, const char *dnr, const char *part, const char *recipient);
void report_dates_release(struct report_dates *r);

/* date_today: today's date (local time), YYYY-MM-DD: the day deadlines are
 * evaluated on when no --as-of is given. */
void date_today(char out[DATE_LEN]);

#endif
