/* deadlines.h: what is due in the ledger: payment windows, last payment
 * days, requisition deadlines, repayments and financial reports, per
 * decision and part, with what is still outstanding.  Used by 'bidrag
 * deadlines' and GET /api/deadlines. */
#ifndef BIDRAG_DEADLINES_H
#define BIDRAG_DEADLINES_H

#include <jansson.h>

#include "decision.h"
#include "store.h"

enum dl_kind { DL_WINDOW_OPENS, DL_WINDOW_CLOSES, DL_PAY_BY, DL_REQUISITION, DL_REPAYMENT, DL_REPORT, DL_BANK_UNMATCHED };
extern const char *const dl_name[]; /* Swedish: "Sista dag för rekvisition" */
extern const char *const dl_key[];  /* for machines: "requisition" */

/* A recipient behind a deadline's count: one with something outstanding
 * (for a report: paid and not reported), or one that reported after the
 * report deadline (late: counted apart). */
struct dl_who {
	char *recipient, *name;
	int64_t outstanding;       /* öre; 0 for a report */
	char report_date[DATE_LEN]; /* a report: the date of the recipient's report, "" if none */
	bool reported;             /* a report stands (while collecting) */
	bool late;                 /* reported after the deadline (ledger_report_late) */
};

struct deadline {
	enum dl_kind kind;
	char date[DATE_LEN];
	char *dnr, *part, *title;
	int64_t outstanding; /* öre */
	int recipients;      /* with something outstanding */
	bool overdue;
	char *state, *what;  /* "om 12 d", "15 000 000,00 kr inte rekvirerat (1 mottagare)" */
	char *warning;       /* kept with the decision about this date (store_decision_warnings), or NULL;
				what ends with it ("; OBS: ...") */
	struct dl_who *who;  /* the `recipients` behind the count, then the late reporters */
	size_t nwho;
	int late;            /* a report: how many reported after the deadline */
};

struct deadline_list {
	struct deadline *all;
	size_t nall;
	struct deadline **v; /* those shown, overdue first, then by date */
	size_t n;
	char as_of[DATE_LEN];
};

/* How long an entry of the bank's files may stay unmatched before it is
 * overdue (days after its date): 'bidrag bank unmatched'. */
#define DEADLINES_UNMATCHED_DAYS 5

/* deadlines_collect: as of a date (NULL: today, with the balances as
 * recorded now); without all, only what is overdue or falls due within
 * `within` days with something still open; recipient (a code) or NULL.
 * Each entry of the bank's files that nothing matched is due to be
 * matched by hand unmatched_days after its date (DL_BANK_UNMATCHED: its
 * dnr is "", its part "bankpost N", its title says which entry and where
 * it is; open until matched); unmatched_days < 0, or
 * a recipient given, leaves them out. */
int deadlines_collect(struct store *s, const char *as_of, long within, bool all, const char *recipient,
		      long unmatched_days, struct deadline_list *out, struct bd_error *err);
json_t *deadlines_json(const struct deadline_list *l);
/* deadlines_ics: an iCalendar (RFC 5545) of the list; free() it. */
char *deadlines_ics(const struct deadline_list *l, struct bd_error *err);
void deadlines_release(struct deadline_list *l);

#endif
