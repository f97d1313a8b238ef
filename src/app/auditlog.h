/* auditlog.h: the audit log as a revisor reads it.  A selection by date,
 * user, object and action, turned into the store's engine-neutral filter
 * (struct audit_filter, whose WHERE clauses each engine writes), and every
 * entry described in Swedish with the names of people and organisations
 * (core/audit.h), written as text, CSV, JSON or XLSX (io/table.h).  Used by
 * 'bidrag audit list' and GET /api/audit.  Display only: the hash chain is
 * verified over the whole log, as stored ('bidrag audit verify'). */
#ifndef BIDRAG_AUDITLOG_H
#define BIDRAG_AUDITLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "store.h"
#include "table.h"
#include "util.h"

/* A selection as a person gives it: each an option's or a query
 * parameter's value, NULL or "" when not given. */
struct auditlog_query {
	/* from, to: a date YYYY-MM-DD, the whole day in Swedish time, both
	 * ends included; or an entry number (1 or more). */
	const char *from, *to;
	const char *user;   /* who made the change, as the log names them: "anna" */
	/* object: TYPE:ID ("org:23", "decision:S2020/09797", an organisation
	 * also by name), TYPE alone ("org") or ID alone (any entry whose object
	 * is ID, or begins with ID and a space). */
	const char *object;
	const char *action; /* an action ("ledger.record"), or several separated by commas */
};

/* An entry with what it means; every string lives as long as the list. */
struct auditlog_entry {
	int64_t seq;
	const char *at;       /* UTC, as stored */
	const char *at_local; /* Swedish time: "2021-02-16 10:12:03" */
	const char *actor, *actor_text; /* "anna"; "anna, handläggare" */
	bool actor_known;     /* the actor is a user of the register */
	const char *action, *action_text;
	const char *object, *object_type, *object_text; /* as stored; "org"; "Region Jämtland Härjedalen (23)" */
	const char *before, *after; /* JSON, or NULL */
	const char *prev, *sha256;
};

struct auditlog {
	struct auditlog_entry *v;
	size_t n, cap;
	/* The selection in Swedish ("från och med 2021-01-01; användare
	 * anna"), "" for the whole log; object, the object asked for as it was
	 * matched ("org:23"), NULL when none. */
	const char *selection, *object;
	struct strpool pool;
};

/* auditlog_load: the entries of the selection, described.  Bad input fails
 * with BD_INVALID, *field the parameter at fault ("from", "to", "user",
 * "object" or "action") and a message that begins with that name; a
 * database failure leaves *field NULL. */
int auditlog_load(struct store *s, const struct auditlog_query *q, struct auditlog *out, const char **field,
		  struct bd_error *err);
void auditlog_free(struct auditlog *l);

/* auditlog_format: "text" (or "table"), "csv", "json" or "xlsx". */
int auditlog_format(const char *name, enum table_format *f, struct bd_error *err);
/* auditlog_write: text (Nr, Tid, Vem, Åtgärd, Objekt and a line that counts
 * them), CSV (every field, a header of keys), JSON (auditlog_json) or XLSX
 * (every field, Swedish headers; path must be given). */
int auditlog_write(const struct auditlog *l, enum table_format fmt, FILE *out, const char *path,
		   struct bd_error *err);
/* auditlog_json: the entries as an array of objects: seq, at, at_local,
 * actor, actor_text, actor_known, action, action_text, object, object_type,
 * object_text, before, after, prev_sha256, sha256. */
json_t *auditlog_json(const struct auditlog *l);
/* auditlog_vocabulary: what a selection may name, in Swedish:
 * {"actions": [{action, text, object_type}], "object_types": [{key, text}]}. */
json_t *auditlog_vocabulary(void);

#endif
