/* eventfile.c: ledger event batches from CSV or JSON.  See eventfile.h. */
#include "eventfile.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decision.h"
#include "ledger.h"
#include "money.h"
#include "csvread.h"
#include "jsonread.h"


static const char *pdup(struct event_batch *b, const char *s)
{
	return s && *s ? strpool_dup(&b->pool, s, strlen(s)) : NULL;
}

/* One event from named fields; where names the line or element. */
static int event_from_fields(struct event_batch *b, const char *const *name, const char *const *value, size_t nf,
			     const char *where, struct bd_error *err)
{
	struct ledger_input in = {0};
	const char *kind = NULL, *amount = NULL, *date = NULL, *received = NULL;
	for (size_t i = 0; i < nf; i++) {
		const char *k = name[i], *v = value[i];
		if (!v || !*v)
			continue;
		if (strcmp(k, "id") == 0)
			in.id = pdup(b, v);
		else if (strcmp(k, "kind") == 0)
			kind = v;
		else if (strcmp(k, "dnr") == 0)
			in.dnr = pdup(b, v);
		else if (strcmp(k, "part") == 0)
			in.part = pdup(b, v);
		else if (strcmp(k, "recipient") == 0)
			in.recipient = pdup(b, v);
		else if (strcmp(k, "ref") == 0)
			in.ref = pdup(b, v);
		else if (strcmp(k, "date") == 0)
			date = v;
		else if (strcmp(k, "by") == 0)
			in.actor = pdup(b, v);
		else if (strcmp(k, "amount") == 0)
			amount = v;
		else if (strcmp(k, "signed_by") == 0)
			in.signed_by = pdup(b, v);
		else if (strcmp(k, "override") == 0)
			in.override = pdup(b, v);
		else if (strcmp(k, "reason") == 0)
			in.reason = pdup(b, v);
		else if (strcmp(k, "received") == 0)
			received = v;
		else
			return bd_fail(err, "%s: unknown field '%s' (expected id, kind, dnr, part, recipient, ref, date, by, "
				     "amount, signed_by, override, reason, received)",
				     where, k);
	}
	if (!kind)
		return bd_fail(err, "%s: kind is missing", where);
	int k = event_kind_parse(kind);
	if (k < 0 || k == EV_EXECUTE || ledger_kind_bank((enum event_kind)k) || k == EV_ALLOC_RAISE ||
	    k == EV_ALLOC_REDUCE)
		return bd_fail(err, "%s: unknown kind '%s' (expected requisition, lapse, payment, attest, repay-claim, "
			     "repay-receive, report or correction; payments are executed by 'bidrag pay export', the "
			     "bank's answers come from its files by 'bidrag bank import', and an allocation changes only "
			     "by a corrected key, 'bidrag datasets impact --apply')",
			     where, kind);
	in.kind = k;
	if (!in.id)
		return bd_fail(err, "%s: id is missing (every event in a batch carries its id)", where);
	if (!date || !date_valid(date))
		return bd_fail(err, "%s: %s date%s%s%s (expected YYYY-MM-DD)", where, date ? "invalid" : "missing",
			     date ? " '" : "", date ? date : "", date ? "'" : "");
	memcpy(in.date, date, DATE_LEN);
	if (!in.actor)
		return bd_fail(err, "%s: by is missing (who recorded the event)", where);
	if (k == EV_CORRECTION && !in.reason)
		return bd_fail(err, "%s: a correction needs a reason (it is recorded)", where);
	bool takes_amount = k == EV_REQUISITION || k == EV_PAYMENT || k == EV_REPAY_CLAIM || k == EV_REPAY_RECEIVE ||
			    k == EV_REPORT;
	if (amount && !takes_amount)
		return bd_fail(err, "%s: an event of kind '%s' takes no amount (it moves what its rule says)", where, kind);
	if (!amount && takes_amount)
		return bd_fail(err, "%s: amount is missing%s", where, k == EV_REPORT ? " (the unused amount the report declares)" : "");
	if (amount) {
		char why[200];
		if (money_parse_ore(amount, NUM_SUFFIX_MONEY, &in.amount, why, sizeof(why)))
			return bd_fail(err, "%s: invalid amount '%s': %s", where, amount, why);
	}
	if (received)
		in.received_given = strcmp(received, "true") == 0 || strcmp(received, "1") == 0 ||
				    strcmp(received, "yes") == 0;
	/* Twice the room each time: one more each time copied the whole batch
	 * per event where realloc cannot grow in place (under ASan, a batch of
	 * 20 000 events took a minute). */
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	b->v[b->n++] = in;
	return 0;
}

struct csv_ctx {
	struct event_batch *b;
	char **header;
	size_t nheader;
	const char *origin;
};

static int on_csv_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct csv_ctx *c = vctx;
	if (!c->header) {
		static const char *const known[] = {"id",     "kind",     "dnr",    "part",      "recipient",
						    "ref",    "date",     "by",     "amount",    "signed_by",
						    "override", "reason", "received", NULL};
		for (size_t i = 0; i < row->nfields; i++) {
			for (size_t j = 0; j < i; j++)
				if (strcmp(row->field[i], row->field[j]) == 0) {
					return bd_fail(err, "%s:%zu: the column '%s' appears twice in the header", c->origin,
						      row->line, row->field[i]);
				}
			bool ok = false;
			for (size_t k = 0; known[k] && !ok; k++)
				ok = strcmp(known[k], row->field[i]) == 0;
			if (!ok) {
				return bd_fail(err, "%s:%zu: unknown column '%s' in the header (expected id, kind, dnr, part, "
					      "recipient, ref, date, by, amount, signed_by, override, reason, received)",
					      c->origin, row->line, row->field[i]);
			}
		}
		c->nheader = row->nfields;
		c->header = xcalloc(row->nfields, sizeof(char *));
		for (size_t i = 0; i < row->nfields; i++)
			c->header[i] = xstrdup(row->field[i]);
		return 0;
	}
	char where[512];
	snprintf(where, sizeof(where), "%s:%zu", c->origin, row->line);
	if (row->nfields != c->nheader) {
		return bd_fail(err, "%s: %zu fields, expected %zu as in the header", where, row->nfields, c->nheader);
	}
	return event_from_fields(c->b, (const char *const *)c->header, (const char *const *)row->field, row->nfields,
				 where, err);
}

/* json_batch: the events of a parsed JSON array into b. */
static int json_batch(struct event_batch *b, const json_t *root, const char *origin, struct bd_error *err)
{
	if (!json_is_array(root))
		return bd_fail(err, "%s: expected a JSON array of events", origin);
	int rc = 0;
	for (size_t i = 0; i < json_array_size(root) && !rc; i++) {
		json_t *o = json_array_get(root, i);
		char where[512];
		snprintf(where, sizeof(where), "%s: [%zu]", origin, i);
		if (!json_is_object(o)) {
			rc = bd_fail(err, "%s: expected an object", where);
			break;
		}
		size_t nf = json_object_size(o), k = 0;
		const char **names = xcalloc(nf + 1, sizeof(char *)), **values = xcalloc(nf + 1, sizeof(char *));
		char **owned = xcalloc(nf + 1, sizeof(char *));
		const char *key;
		json_t *v;
		json_object_foreach(o, key, v)
		{
			names[k] = key;
			if (json_is_string(v))
				values[k] = json_string_value(v);
			else if (json_is_integer(v))
				values[k] = owned[k] = xasprintf("%lld", (long long)json_integer_value(v));
			else if (json_is_boolean(v))
				values[k] = json_is_true(v) ? "true" : "false";
			else if (json_is_null(v))
				values[k] = NULL;
			else {
				rc = bd_fail(err, "%s.%s: expected a string or an integer (amounts as \"1 234,50\" or whole "
					   "kronor)",
					   where, key);
			}
			k++;
		}
		if (!rc && event_from_fields(b, names, values, nf, where, err))
			rc = -1;
		for (size_t j = 0; j < nf; j++)
			free(owned[j]);
		free(owned);
		free(names);
		free(values);
	}
	return rc;
}

static int read_json_batch(struct event_batch *b, const char *data, size_t len, const char *origin,
			   struct bd_error *err)
{
	json_t *root = json_load_doc(data, len, origin, err);
	if (!root)
		return -1;
	int rc = json_batch(b, root, origin, err);
	json_decref(root);
	return rc;
}

int eventfile_from_json(struct event_batch *b, const json_t *root, const char *origin, struct bd_error *err)
{
	memset(b, 0, sizeof(*b));
	strpool_init(&b->pool);
	return json_batch(b, root, origin, err) ? -1 : 0;
}

int eventfile_parse(struct event_batch *b, const char *data, size_t len, const char *origin, bool json,
		    struct bd_error *err)
{
	memset(b, 0, sizeof(*b));
	strpool_init(&b->pool);
	int rc;
	if (json) {
		rc = read_json_batch(b, data, len, origin, err);
	} else {
		struct csv_ctx c = {.b = b, .origin = origin};
		rc = csv_read_buffer(data, len, origin, on_csv_row, NULL, &c, err);
		for (size_t i = 0; i < c.nheader; i++)
			free(c.header[i]);
		free(c.header);
	}
	return rc ? -1 : 0;
}

void eventfile_release(struct event_batch *b)
{
	free(b->v);
	strpool_release(&b->pool);
	memset(b, 0, sizeof(*b));
}
