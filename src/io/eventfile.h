/* eventfile.h: a batch of ledger events from CSV or JSON (the format of
 * 'bidrag events import' and of POST /api/events): one event per row or
 * object with id, kind, dnr, part, recipient, ref, date, by, amount,
 * signed_by, override, reason, received.  Errors name the line or element
 * and the field. */
#ifndef BIDRAG_EVENTFILE_H
#define BIDRAG_EVENTFILE_H

#include <stdbool.h>

#include <jansson.h>

#include "ledger.h"

struct event_batch {
	struct ledger_input *v;
	size_t n, cap;
	struct strpool pool;
};

/* eventfile_parse: json or CSV; b is initialised here (release it even on
 * failure). */
int eventfile_parse(struct event_batch *b, const char *data, size_t len, const char *origin, bool json,
		    struct bd_error *err);
/* eventfile_from_json: the same from an already parsed JSON array (the web
 * API has parsed its body). */
int eventfile_from_json(struct event_batch *b, const json_t *root, const char *origin, struct bd_error *err);
void eventfile_release(struct event_batch *b);

#endif
