/* overview.h: the recipient's overview (a mottagare's start page, GET
 * /api/recipient/overview): its grants with their deadlines and what is due,
 * the reminders 60, 30 and 7 days before a deadline and after it, the
 * repayments claimed with the agency's bankgiro and each claim's OCR
 * reference, and the payments received with the day each was executed.
 * Also the organisation's deadlines as a calendar (the personal feed). */
#ifndef BIDRAG_OVERVIEW_H
#define BIDRAG_OVERVIEW_H

#include <jansson.h>

#include "deadlines.h"
#include "store.h"

/* The days before a deadline a reminder shows from, nearest last; after
 * the deadline, while something is still open, it shows as overdue. */
#define OVERVIEW_REMIND_FIRST 60
extern const int overview_remind_days[3]; /* 60, 30, 7 */

/* overview_remind: the reminder a deadline date gives as of a day: the
 * smallest of 60, 30, 7 that days_left is within, -1 after the deadline
 * (days_left < 0), 0 none (further than 60 days). */
int overview_remind(long days_left);

/* overview_days: days from date a to date b (YYYY-MM-DD), by the civil
 * calendar. */
long overview_days(const char *a, const char *b);

/* overview_load: the overview of organisation org (a code) as of as_of
 * (NULL: today).  Returns a JSON object (see docs/api.md, GET
 * /api/recipient/overview), or NULL with err (BD_NOT_FOUND: no such
 * organisation). */
json_t *overview_load(struct store *s, const char *org, const char *as_of, struct bd_error *err);

/* overview_calendar: the deadlines of org (NULL: every organisation's) as
 * an iCalendar (RFC 5545), as of as_of (NULL: today); for a recipient the
 * deadlines that are its own to meet (requisition, financial report,
 * repayment), in words addressed to it.  free() it; NULL with err. */
char *overview_calendar(struct store *s, const char *org, const char *as_of, struct bd_error *err);

#endif
