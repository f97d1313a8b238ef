/* ics.h: deadlines as an iCalendar file (RFC 5545) through libical, for
 * Outlook and Thunderbird: one all-day VEVENT per deadline, with a stable
 * UID so that importing the file again updates instead of duplicating. */
#ifndef BIDRAG_ICS_H
#define BIDRAG_ICS_H

#include <stddef.h>

#include "util.h"

struct ics_event {
	const char *uid;     /* stable: the same deadline keeps its UID */
	const char *date;    /* YYYY-MM-DD */
	const char *summary;
	const char *description;
};

/* ics_write: a VCALENDAR with the events, stamped (DTSTAMP, SEQUENCE) with
 * the time it is made; stamp (the as-of date) is kept for the description.
 * Returns a malloc'd string with CRLF line ends, or NULL. */
char *ics_write(const struct ics_event *ev, size_t n, const char *stamp, struct bd_error *err);

#endif
