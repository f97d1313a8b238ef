/* audit.h: the tamper-evident audit log.
 *
 * Every change to the register is appended as an entry: its sequence
 * number, when, who, what (action and object) and the object before and
 * after (JSON).  Each entry carries the SHA-256 of the previous entry and
 * its own SHA-256 over all of that, so a changed, removed or reordered
 * entry breaks the chain where it happened.  The head (the last entry's
 * hash) can be kept outside the database: an entry removed from the end is
 * then found too. */
#ifndef BIDRAG_AUDIT_H
#define BIDRAG_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
	int64_t seq;
	const char *at, *actor, *action, *object;
	const char *before, *after; /* JSON, or NULL */
	const char *prev;           /* the previous entry's hash; AUDIT_GENESIS for the first */
	const char *sha256;         /* as stored (ignored by audit_hash) */
};

/* audit_hash: the entry's hash (64 hex digits and a NUL) over every field
 * but sha256, each length-prefixed so no two entries hash alike by moving
 * text between fields. */
void audit_hash(const struct audit_entry *e, char out[65]);

/* Verification, one entry at a time in stored order. */
struct audit_check {
	int64_t n, last_seq;
	char head[65];
	int problems;
};
typedef void (*audit_problem_fn)(void *ctx, int64_t seq, const char *msg);
void audit_check_init(struct audit_check *c);
/* audit_check_entry: checks e against the chain so far; reports what is wrong. */
void audit_check_entry(struct audit_check *c, const struct audit_entry *e, audit_problem_fn fn, void *ctx);

/* The audit log as people read it (Swedish).  Filtering and describing are
 * display only: the chain is hashed over the entry as stored. */

/* What an entry is about, as its action says; the object's text is written
 * by the code that writes the action (store.c, payee.c, dataset.c, ...). */
enum audit_kind {
	AUDIT_KIND_OTHER,         /* an action not in the table: the object as stored */
	AUDIT_KIND_REFERENCE,     /* the built-in reference data ("org") */
	AUDIT_KIND_ORG,           /* an organisation's code: "23" */
	AUDIT_KIND_REGISTER,      /* a recipient's register of a year: "23 2020" */
	AUDIT_KIND_USER,          /* a user's name: "anna" */
	AUDIT_KIND_DECISION,      /* a decision's DNR; "ledger": events of several decisions */
	AUDIT_KIND_APPROPRIATION, /* "2021 uo 9 1:6 post 3" */
	AUDIT_KIND_DATASET,       /* "population@2019-11-01 v1" */
	AUDIT_KIND_BATCH,         /* a payment batch: "2021-02-16" */
	AUDIT_KIND_CHANGE,        /* a proposed change of a payee's account: "change 4" */
	AUDIT_KIND_FILE,          /* a file read: "examples/payees.csv" */
	AUDIT_KIND_BANK_ENTRY,    /* an entry of a bank's file: "bank entry 12" */
	AUDIT_KIND_SIGNATORY,     /* an authorised representative: "signatory 3" */
	AUDIT_KIND_SUBMISSION,    /* a requisition or report a recipient filed: "submission 7" */
};

/* Every action the program writes, with what it means in Swedish: the one
 * table (a new action is added here; tests/cli/audit-view.sh finds every
 * action written in src/ and checks that it is here). */
struct audit_action {
	const char *action; /* as stored: "ledger.record" */
	const char *text;   /* Swedish: "Händelser registrerade i reskontran" */
	enum audit_kind kind;
};
/* audit_action_at: the table's row i, in the order shown to people; NULL
 * past the last. */
const struct audit_action *audit_action_at(size_t i);
/* audit_action_find: the action's row; NULL for an action not in the table. */
const struct audit_action *audit_action_find(const char *action);
/* audit_action_sv: the Swedish text of an action; NULL if not in the table. */
const char *audit_action_sv(const char *action);

/* The types of object a selection may name ("org:23"): each matches the
 * entries of its kinds whose object is the id, or (prefix) begins with the
 * id and a space ("org:23" finds the register "23 2020"); id_prefix is what
 * the stored object has before the id ("change " for "change 4"). */
struct audit_type {
	const char *key;  /* "org" */
	const char *text; /* Swedish: "Organisation" */
	unsigned kinds;   /* 1u << each enum audit_kind it matches */
	bool prefix;
	const char *id_prefix; /* NULL: none */
};
const struct audit_type *audit_type_at(size_t i);
const struct audit_type *audit_type_find(const char *key);
/* audit_kind_key: the type key of an entry of kind k ("org"); "" for
 * AUDIT_KIND_OTHER. */
const char *audit_kind_key(enum audit_kind k);

/* What the register knows of names, to describe an entry. */
struct audit_names {
	/* org_name: an organisation's name by its code; NULL when unknown. */
	const char *(*org_name)(void *ctx, const char *code);
	/* decision_title: a decision's title by its DNR; NULL when unknown. */
	const char *(*decision_title)(void *ctx, const char *dnr);
	/* user: whether name is a user of the register, with its role
	 * ("handlaggare") and, for a mottagare, its organisation's code. */
	bool (*user)(void *ctx, const char *name, const char **role, const char **org);
	void *ctx;
};
/* audit_object_text: an entry's object in Swedish, with names:
 * "Beslut S2020/09797 (Titel)", "Region Jämtland Härjedalen (23)". */
void audit_object_text(const char *action, const char *object, const struct audit_names *n, struct buf *out);
/* audit_actor_text: who in Swedish: "anna, handläggare", "eva, mottagare
 * för Region Jämtland Härjedalen (23)", or for a name that is no user of the
 * register "ekonom (ingen användare)"; returns whether it is a user. */
bool audit_actor_text(const char *actor, const struct audit_names *n, struct buf *out);
/* audit_role_sv: a role's Swedish name ("handläggare"); the role itself if
 * unknown. */
const char *audit_role_sv(const char *role);

/* audit_event_sv: a ledger event's kind (its name, ledger.h's
 * event_kind_name: "payment") in Swedish, one or several ("utbetalning",
 * "utbetalningar"); NULL for a kind it does not know.  What a
 * ledger.record entry recorded is told with these. */
const char *audit_event_sv(const char *kind, bool plural);

/* Swedish time.  Entries are stamped in UTC ("2026-11-24T13:07:02Z"); a
 * person in Sweden reads and selects by Swedish time: CET (UTC+1), and CEST
 * (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
 * last Sunday of October (the EU's rule, Sweden's since 1996).
 * audit_at_local: "2026-11-24 14:07:02"; false (out holds at as it is) when
 * at is not of that form. */
bool audit_at_local(const char *at, char out[32]);
/* audit_day_start: the UTC stamp at which the Swedish day date + add_days
 * begins (date a valid YYYY-MM-DD): "2021-03-27T23:00:00Z" for 2021-03-28. */
void audit_day_start(const char *date, int add_days, char out[32]);

#endif
