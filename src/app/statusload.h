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

/* date_today: today's date (local time), YYYY-MM-DD: the day deadlines are
 * evaluated on when no --as-of is given. */
void date_today(char out[DATE_LEN]);

#endif
