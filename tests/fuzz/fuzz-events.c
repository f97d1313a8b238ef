/* fuzz-events-csv, fuzz-events-json: batches of ledger events, CSV and
 * JSON (src/io/eventfile.c; 'bidrag events import', POST /api/events).
 * Properties:
 *   - a refusal has a message naming the batch;
 *   - every event read has an id, a known kind, a valid date and who
 *     recorded it, and an amount exactly when its kind takes one;
 *   - the batch written in the other format (and in its own) is read back
 *     as the same events: every field, and the same content digest
 *     (ledger_input_digest, by which a retried event is recognised). */
#include "fuzz.h"

#include <jansson.h>

#include "decision.h"
#include "eventfile.h"
#include "money.h"

#define ORIGIN "fuzz-input"

#ifndef FUZZ_NAME
#define FUZZ_NAME "events-csv"
#endif

static const char *const fields[] = {"id", "kind", "dnr", "part", "recipient", "ref", "date", "by",
				     "amount", "signed_by", "override", "reason", "received"};

/* The value of field k of e as text; NULL when absent. */
static const char *value_of(const struct ledger_input *e, size_t k, char *buf)
{
	switch (k) {
	case 0: return e->id;
	case 1: return event_kind_name(e->kind);
	case 2: return e->dnr;
	case 3: return e->part;
	case 4: return e->recipient;
	case 5: return e->ref;
	case 6: return e->date;
	case 7: return e->actor;
	case 8: {
		bool takes = e->kind == EV_REQUISITION || e->kind == EV_PAYMENT || e->kind == EV_REPAY_CLAIM ||
			     e->kind == EV_REPAY_RECEIVE || e->kind == EV_REPORT;
		return takes ? fmt_ore_plain(e->amount, buf) : NULL;
	}
	case 9: return e->signed_by;
	case 10: return e->override;
	case 11: return e->reason;
	case 12: return e->received_given ? "true" : NULL;
	}
	return NULL;
}

static void add_csv_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_add(b, ",", 1);
	buf_add(b, "\"", 1);
	for (; s && *s; s++) {
		if (*s == '"')
			buf_add(b, "\"\"", 2);
		else
			buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

static char *write_csv(const struct event_batch *eb, size_t *len)
{
	struct buf b;
	buf_init(&b, SIZE_MAX / 2);
	for (size_t k = 0; k < BD_ARRAY_LEN(fields); k++)
		add_csv_field(&b, fields[k], k == 0);
	buf_add(&b, "\n", 1);
	for (size_t i = 0; i < eb->n; i++) {
		char amount[NUM_BUFSZ];
		for (size_t k = 0; k < BD_ARRAY_LEN(fields); k++)
			add_csv_field(&b, value_of(&eb->v[i], k, amount), k == 0);
		buf_add(&b, "\n", 1);
	}
	*len = b.len;
	return b.data;
}

static char *write_json(const struct event_batch *eb, size_t *len)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < eb->n; i++) {
		json_t *o = json_object();
		char amount[NUM_BUFSZ];
		for (size_t k = 0; k < BD_ARRAY_LEN(fields); k++) {
			const char *v = value_of(&eb->v[i], k, amount);
			if (v)
				json_object_set_new(o, fields[k], json_string(v));
		}
		json_array_append_new(arr, o);
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	PROP(s, "jansson cannot write the batch");
	*len = strlen(s);
	return s;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void same_batch(const struct event_batch *a, const char *text, size_t len, bool json)
{
	struct event_batch b;
	struct bd_error err = {0};
	int rc = eventfile_parse(&b, text, len, "written-back", json, &err);
	PROP(rc == 0, "the batch written back as %s is refused: %s\n%.*s", json ? "JSON" : "CSV", err.msg, (int)len, text);
	PROP(b.n == a->n, "%zu events written back as %s, %zu read", a->n, json ? "JSON" : "CSV", b.n);
	for (size_t i = 0; i < a->n; i++) {
		const struct ledger_input *x = &a->v[i], *y = &b.v[i];
		char bx[NUM_BUFSZ], by[NUM_BUFSZ];
		for (size_t k = 0; k < BD_ARRAY_LEN(fields); k++)
			PROP(same_text(value_of(x, k, bx), value_of(y, k, by)), "event %zu, %s: '%s' read back as '%s' (%s)",
			     i, fields[k], value_of(x, k, bx) ? bx : "", value_of(y, k, by) ? by : "", json ? "JSON" : "CSV");
		char dx[65], dy[65];
		ledger_input_digest(x, false, dx);
		ledger_input_digest(y, false, dy);
		PROP(strcmp(dx, dy) == 0, "event %zu: another digest read back (%s)", i, json ? "JSON" : "CSV");
	}
	eventfile_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool json = strcmp(FUZZ_NAME, "events-json") == 0;
	struct event_batch eb;
	struct bd_error err = {0};
	if (eventfile_parse(&eb, (const char *)data, size, ORIGIN, json, &err)) {
		fuzz_refused(&err, ORIGIN);
		eventfile_release(&eb);
		return 0;
	}
	for (size_t i = 0; i < eb.n; i++) {
		const struct ledger_input *e = &eb.v[i];
		PROP(e->id && *e->id && e->actor && *e->actor, "event %zu has no id or no 'by'", i);
		PROP(date_valid(e->date), "event %zu has the date '%.10s'", i, e->date);
		PROP(e->kind != EV_EXECUTE && event_kind_name(e->kind), "event %zu has kind %d", i, (int)e->kind);
	}
	size_t len;
	char *csv = write_csv(&eb, &len);
	same_batch(&eb, csv, len, false);
	free(csv);
	char *js = write_json(&eb, &len);
	same_batch(&eb, js, len, true);
	free(js);
	eventfile_release(&eb);
	return 0;
}
