/* status.h: the status view of the ledger, one computation for every face.
 *
 * Per account (decision, part, recipient), or per budget year and
 * anslagspost: what was allocated, requisitioned, is in process, paid,
 * lapsed (recorded, or due because a requisition deadline passed on the
 * evaluation day without a requisition), claimed, repaid, and what is still
 * outstanding.  Every row adds up: allocated = paid + lapsed + outstanding.
 * Amounts in öre, exact. */
#ifndef BIDRAG_STATUS_H
#define BIDRAG_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "util.h"

/* The figures of a row, in the order the views show them. */
enum status_figure {
	ST_ALLOCATED,
	ST_REQUISITIONED,
	ST_IN_PROCESS,
	ST_PAID,
	ST_LAPSED,
	ST_CLAIMED,
	ST_REPAID,
	ST_OUTSTANDING,
	ST_COUNT
};

/* The figures' names in machine output ("allocated", ...). */
extern const char *const status_figure_key[ST_COUNT];

/* An anslagspost a part is paid from, with the amount (kronor) decided on it. */
struct status_post {
	int budget_year, uo, post;
	const char *anslag, *post_name;
	int64_t amount;
};

/* One account as the store gives it. */
struct status_account {
	const char *dnr, *part, *part_title, *recipient, *recipient_name;
	const struct ledger_terms *terms;
	const struct ledger_balance *balance;
	int64_t part_decided; /* kronor: what the decision gives the part */
	size_t nposts;
	const struct status_post *posts;
	const char *report_deadline; /* the part's, or NULL */
};

/* A part whose allocation rows add up to more than its decision (a
 * published table rounded up), with what it has paid or has in process:
 * the ledger holds payments to the decided amount unless an override is
 * recorded, so committed > decided means an override paid the excess. */
struct status_excess {
	char *dnr, *part;
	int64_t decided, allocated, committed; /* öre */
};

struct status_row {
	/* By account: dnr, part, the recipient's name (its code when it has no
	 * name).  By post: the budget year, the post's text, and a key that
	 * orders the posts by number. */
	char *k1, *k2, *k3;
	char *part_title, *recipient; /* by account only (part_title may be NULL) */
	int64_t f[ST_COUNT];
	/* Of f[ST_LAPSED], what is due to lapse (a requisition deadline
	 * passed) but not yet recorded as lapsed. */
	int64_t lapse_due;
	/* By account: the part's report deadline ("" if none), the date of the
	 * account's financial report ("" if none stands) and whether it came
	 * after the deadline (ledger_report_late): set by status_row_report. */
	char report_deadline[DATE_LEN], report_date[DATE_LEN];
	bool report_late;
};

struct status_view {
	struct status_row *v;
	size_t n;
	char as_of[DATE_LEN]; /* the day the deadlines are evaluated on */
	bool by_post;
	/* After status_view_finish: the parts shown that allocate more than
	 * their decision, in the order first seen. */
	struct status_excess *excess;
	size_t nexcess;
};

/* status_view_init: an empty view evaluated on as_of (YYYY-MM-DD). */
void status_view_init(struct status_view *v, const char *as_of, bool by_post);

/* status_view_add: one account's row, or (by post) its figures split over
 * its posts in proportion to the amounts decided on them, each figure
 * exactly (largest remainder), so the posts add up to the part.  An account
 * without posts adds nothing by post.  Fails only if the split cannot be
 * made (err says why). */
int status_view_add(struct status_view *v, const struct status_account *a, struct bd_error *err);

/* status_view_finish: after the last add.  By post: rows in post order, and
 * each row's outstanding follows from its own figures, so each row adds up. */
void status_view_finish(struct status_view *v);

/* status_row_report: the account's financial report is dated `date`:
 * kept, and marked late if it is after the row's report deadline. */
void status_row_report(struct status_row *x, const char *date);

void status_view_release(struct status_view *v);

#endif
