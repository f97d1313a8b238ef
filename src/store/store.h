/* store.h: the one storage interface of the register.
 *
 * Everything bidrag keeps goes through these functions; no SQL outside an
 * engine.  struct store is opaque: an engine fills the struct store_ops of
 * engine.h, and the rules of the ledger sit above it (ledger.c), so a
 * PostgreSQL engine can sit behind the same interface.
 * The default backend is SQLite (store-sqlite.c): one file, WAL,
 * synchronous=FULL, foreign keys on, schema created and upgraded by the
 * numbered migrations of src/store/migrations/.
 *
 * Writes happen inside store_begin()/store_commit(); on any error the caller
 * calls store_rollback() and nothing is changed.  Strings handed out by the
 * store (in callbacks) are valid only during the callback. */
#ifndef BIDRAG_STORE_H
#define BIDRAG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "decision.h"
#include "ledger.h"
#include "util.h"

struct store;

enum store_open_mode {
	STORE_EXISTING, /* the database must exist and be initialised */
	STORE_CREATE,   /* create it if missing, then migrate */
};

/* store_path: the database path: --db, else $BIDRAG_DB, else ./bidrag.db. */
const char *store_path(const char *opt);

/* store_open: open (or create) and bring the schema up to date.  An existing
 * database of a newer schema than this bidrag knows is refused. */
int store_open(struct store **out, const char *path, enum store_open_mode mode, struct bd_error *err);
void store_close(struct store *s);
/* store_schema_version: the schema version after migration, and how many
 * migrations store_open applied. */
void store_schema_info(struct store *s, int *version, int *applied);

int store_begin(struct store *s, struct bd_error *err);
int store_commit(struct store *s, struct bd_error *err);
void store_rollback(struct store *s);

/* store_tx_retry: run fn in a write transaction and commit; when the
 * transaction fails with BD_BUSY (a lock not granted in time, or with
 * PostgreSQL a serialisation failure or deadlock, SQLSTATE 40001/40P01),
 * roll back and run fn again from the start, up to 8 times with a growing,
 * jittered pause (10 ms doubling to 1 s; about 3 s in all), so that what fn
 * read is read again.  fn must have no effect outside the store (or make it
 * again each time).  Any other failure rolls back and is returned at once;
 * the last BD_BUSY after the tries says how many there were. */
typedef int (*store_tx_fn)(struct store *s, void *ctx, struct bd_error *err);
int store_tx_retry(struct store *s, store_tx_fn fn, void *ctx, struct bd_error *err);

/* Organisations (struct org is in core/ledger.h).
 * store_seed_reference: the built-in organisations and groups (regions,
 * kommuner, RSS, samverkansregioner, RCC, SKR, Kammarkollegiet); adds what
 * is missing, changes nothing that is there.  *added counts the new ones. */
int store_seed_reference(struct store *s, int *added, struct bd_error *err);
typedef int (*org_fn)(void *ctx, const struct org *o);
/* store_org_list: in code order; kind NULL for all. */
int store_org_list(struct store *s, const char *kind, org_fn fn, void *ctx, struct bd_error *err);
/* store_org_get: by code, exact name (case-insensitive) or orgnr; 1 if not
 * found. */
int store_org_get(struct store *s, const char *text, org_fn fn, void *ctx, struct bd_error *err);
/* store_org_find: an organisation as a person names it: its code, its name
 * in the register, its organisation number (any usual spelling), or a name
 * or alias the reference data knows ("Jämtland", "Region JH").  Its code
 * into code (64 bytes), its name into name (256) when name is not NULL.
 * 1 when there is none (err says so), -1 on a database error. */
int store_org_find(struct store *s, const char *text, char *code, char *name, struct bd_error *err);
/* store_org_add: a new organisation; fails if the code is taken. */
int store_org_add(struct store *s, const struct org *o, struct bd_error *err);
/* store_org_set: change the given (non-NULL) fields of an organisation:
 * name, orgnr, bankgiro or plusgiro (setting one clears the other),
 * payment reference.  1 if there is no such code. */
int store_org_set(struct store *s, const char *code, const struct org *o, struct bd_error *err);
/* store_org_groups: the groups an organisation belongs to (name, kind). */
typedef int (*group_fn)(void *ctx, const char *code, const char *name, const char *kind, const char *payee);
int store_org_groups(struct store *s, const char *code, group_fn fn, void *ctx, struct bd_error *err);

/* Key datasets, as registered (immutable, versioned). */
struct dataset_in {
	const char *name, *date, *label, *unit, *source;
	size_t n;
	const char **code;
	const int64_t *value;
	int scale;
};
/* store_dataset_values: a registered version (0 = the latest), filled into a
 * struct key_values whose arrays live in pool.  1 if not registered. */
int store_dataset_values(struct store *s, const char *name, int version, struct strpool *pool,
			 struct key_values *out, struct bd_error *err);
struct dataset_use {
	const char *name, *date, *sha256, *source;
	int version;
	const char *dnr, *part; /* NULL when unused */
};
typedef int (*dataset_use_fn)(void *ctx, const struct dataset_use *u);
/* store_dataset_uses: every registered version and the parts that use it. */
int store_dataset_uses(struct store *s, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err);

/* Decisions. */
/* store_decision_document: the stored decision file of dnr and its digest
 * (malloc'd); 1 if no such decision. */
int store_decision_document(struct store *s, const char *dnr, char **document, char **sha256, struct bd_error *err);
/* store_decision_insert: a checked, resolved and allocated decision with its
 * canonical document.  Payees named by object are matched to organisations
 * (orgnr and name) or added. */
int store_decision_insert(struct store *s, const struct decision *d, const char *document, struct bd_error *err);

struct decision_summary {
	const char *dnr, *date, *title, *department, *agreement_dnr;
	int64_t total, allocated;
	int nparts;
	const char *budget_years; /* "2021" or "2021, 2022" */
};
typedef int (*decision_fn)(void *ctx, const struct decision_summary *d);
/* store_decision_list: by date then dnr; year 0 for every budget year. */
int store_decision_list(struct store *s, int year, decision_fn fn, void *ctx, struct bd_error *err);

/* Warnings kept with a registered decision (core's struct deadline_note):
 * what was registered as the decision states it although it looks wrong. */
struct decision_warning {
	const char *dnr;
	const char *part;    /* the part's id; NULL for the decision as a whole */
	const char *field;   /* within the part: "payment.by" */
	const char *date;    /* the date it is about, or NULL */
	const char *message; /* Swedish, shown beside the deadline */
};
typedef int (*decision_warning_fn)(void *ctx, const struct decision_warning *w);
/* store_decision_warning_add: in the transaction that inserts the decision
 * (a registered decision's warnings are locked with it). */
int store_decision_warning_add(struct store *s, const struct decision_warning *w, struct bd_error *err);
/* store_decision_warnings: of dnr (NULL: every decision), by decision date,
 * dnr, then as added.  fn returning nonzero stops with -1 (err untouched). */
int store_decision_warnings(struct store *s, const char *dnr, decision_warning_fn fn, void *ctx,
			    struct bd_error *err);

/* The locked state of a decision's parts, for verification. */
struct part_lock {
	const char *part, *fingerprint;
	size_t nrows;
	const char **code;
	const int64_t *amount;
	size_t nkeys;
	const char **key_name;
	const int *key_version;
};
typedef int (*part_lock_fn)(void *ctx, const struct part_lock *l);
int store_part_locks(struct store *s, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err);

/* Appropriations: per anslagspost, what each decision draws on it. */
struct appropriation_use {
	int budget_year, uo, post;
	const char *uo_name, *anslag, *anslag_name, *post_name;
	bool has_available;
	int64_t available;
	const char *dnr, *date, *decision_title; /* NULL for a post no decision uses */
	int64_t amount;                           /* decided on the post by this decision */
};
typedef int (*appropriation_fn)(void *ctx, const struct appropriation_use *u);
/* store_appropriation_list: ordered by year, uo, anslag, post, decision date. */
int store_appropriation_list(struct store *s, int year, appropriation_fn fn, void *ctx, struct bd_error *err);
/* store_appropriation_put: add a post, or set the amount available on it. */
int store_appropriation_put(struct store *s, const struct appropriation *a, struct bd_error *err);

/* The ledger (struct ledger_input is in core/ledger.h).
 * store_ledger_record: record n events as one batch: all or none.  A known
 * id with the same content is reported LEDGER_ALREADY and not recorded
 * again; with different content it is an error (BD_CONFLICT, as is a
 * retry of an event corrected since).  An unknown decision, part, recipient
 * or referred event is BD_NOT_FOUND; a broken rule BD_INVALID; a locked
 * database BD_BUSY.  On error *failed_at is the event's index and nothing is
 * written.  Call inside store_begin/commit. */
int store_ledger_record(struct store *s, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
			size_t *failed_at, struct bd_error *err);

/* store_ledger_verify: replay every event and check the books: each
 * account's recorded balance equals the replay, its buckets add up to its
 * allocation and none is negative, no one attested their own payment, no
 * payment was executed twice or without attestation.  fn gets one line per
 * problem; *events and *accounts count what was checked. */
typedef void (*problem_fn)(void *ctx, const char *msg);
int store_ledger_verify(struct store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			struct bd_error *err);

/* store_ledger_refs: how many events of kind refer to the event with id
 * ref_id, and how many of those were corrected. */
int store_ledger_refs(struct store *s, const char *ref_id, enum event_kind kind, int *total, int *corrected,
		      struct bd_error *err);

/* The journal: every event as recorded, in order. */
struct ledger_row {
	int64_t seq;
	const char *id, *kind, *dnr, *part, *recipient, *date, *actor, *from, *to, *ref, *batch, *detail, *recorded;
	int64_t amount; /* öre moved */
};
typedef int (*ledger_row_fn)(void *ctx, const struct ledger_row *r);
int store_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err);

/* An account's state for status and deadlines. */
struct ledger_account {
	const char *dnr, *part, *part_title, *recipient, *recipient_name;
	int64_t part_id;
	int64_t part_amount; /* kronor: what the decision gives the part (its rows may add up to more) */
	const struct ledger_terms *terms;
	const struct ledger_balance *balance;
	const char *repayment_deadline, *report_deadline;
	int budget_year;
	int64_t last_seq; /* the account's latest event (0: none) */
	/* The part's funding: anslagsposter and the amounts (kronor) decided on them. */
	size_t nfunding;
	const struct part_funding_row *funding;
};

struct part_funding_row {
	int budget_year, uo, post;
	const char *anslag, *post_name;
	int64_t amount;
};
typedef int (*ledger_account_fn)(void *ctx, const struct ledger_account *a);
/* store_ledger_accounts: every allocation row of the register's decisions
 * (filtered by dnr, part, recipient code when given) with its balance: as
 * recorded now, or, with as_of, from the events dated up to that day. */
int store_ledger_accounts(struct store *s, const char *dnr, const char *part, const char *recipient,
			  const char *as_of, ledger_account_fn fn, void *ctx, struct bd_error *err);

typedef int (*payment_fn)(void *ctx, const struct payment_row *p);
/* store_payments: payments (not corrected) in a state: registered (not
 * yet attested), attested (not yet executed), executed (in batch, or in
 * any batch when batch is NULL); in recording order. */
int store_payments(struct store *s, enum payment_state state, const char *batch, payment_fn fn, void *ctx,
		   struct bd_error *err);
/* store_batch_file: a stored payment file of (batch, format); 1 if none. */
int store_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		     struct bd_error *err);
int store_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
			 const char *data, size_t len, struct bd_error *err);

/* The recipient register (docs/recipient-register.md): one organisation's
 * year, stored as its canonical document, in versions. */
struct recipient_grant_row {
	const char *key, *title, *dnr, *decision;
	int64_t amount; /* kronor */
};
struct recipient_put {
	const char *org;       /* an organisation's code */
	int year;
	const char *document;  /* the canonical document of the year */
	const char *source;    /* the file it came from */
	const char *by;
	const struct recipient_grant_row *grants;
	size_t ngrants;
};
/* store_recipient_put: a new version, unless the latest version has the same
 * document (then *unchanged and *version is that version). */
int store_recipient_put(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
			struct bd_error *err);
/* store_recipient_get: the document of a version (0: the latest); 1 if the
 * organisation has no register for the year. */
int store_recipient_get(struct store *s, const char *org, int year, int version, char **document, int *version_out,
			struct bd_error *err);
struct recipient_version {
	const char *org, *org_name;
	int year, version;
	const char *sha256, *source, *recorded_by, *recorded_at;
	int grants;
	int64_t total;
};
typedef int (*recipient_version_fn)(void *ctx, const struct recipient_version *v);
/* store_recipient_list: the latest version of each organisation's years (all
 * versions with all), by organisation and year; org NULL for all. */
int store_recipient_list(struct store *s, const char *org, bool all, recipient_version_fn fn, void *ctx,
			 struct bd_error *err);
/* What the register knows of a state-side decision, for an organisation. */
struct decision_link {
	bool registered;
	char *title;           /* free() */
	bool has_allocated;
	int64_t allocated;     /* kronor allocated to org by the decision */
};
int store_decision_link(struct store *s, const char *dnr, const char *org, struct decision_link *out,
			struct bd_error *err);

/* store_generation: a value that changes whenever the database may have
 * changed: a commit by any connection or process, or a change by this one.
 * Equal values mean every read would give the same answer. */
int store_generation(struct store *s, uint64_t *gen, struct bd_error *err);

/* Who changes are recorded as, in the audit log (default "unknown"). */
void store_set_actor(struct store *s, const char *actor);
/* store_set_actor_resolver: fn is called once, at the first write
 * transaction (store_begin), to find who the changes are recorded as (it
 * calls store_set_actor); when it fails, with err filled, the transaction
 * does not begin and nothing is written.  A command that only reads never
 * calls it.  Writes that fn itself makes (a failed login's count) go
 * through without asking again. */
void store_set_actor_resolver(struct store *s, int (*fn)(struct store *s, void *ctx, struct bd_error *err), void *ctx);

/* The audit log (src/core/audit.h).  The store appends an entry for every
 * change it makes (in the change's transaction); store_audit_append is for
 * changes made elsewhere. */
struct audit_entry;
int store_audit_append(struct store *s, const char *action, const char *object, const char *before,
		       const char *after, struct bd_error *err);
typedef int (*audit_fn)(void *ctx, const struct audit_entry *e);
/* store_audit_list: entries in sequence order from seq `from` (0: all). */
int store_audit_list(struct store *s, int64_t from, audit_fn fn, void *ctx, struct bd_error *err);
/* A selection of the audit log, for reading it (display only: the chain is
 * verified over every entry, store_audit_list).  Each field that is set
 * narrows the selection; an entry must pass all of them. */
struct audit_filter {
	int64_t seq_from, seq_to;    /* seq_from <= seq <= seq_to; 0: open */
	const char *at_from, *at_to; /* at_from <= at < at_to, UTC stamps as stored; NULL: open */
	const char *actor;           /* who, exactly; NULL: anyone */
	const char *const *actions;  /* one of these nactions; nactions 0: any action */
	size_t nactions;
	const char *object;          /* the object, exactly; NULL: any */
	bool object_prefix;          /* also an object that begins with object and a space */
};
/* store_audit_query: the entries of the selection, in sequence order. */
int store_audit_query(struct store *s, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err);

/* Users of the register (the web's logins, the command line's --as); the
 * password is stored as an Argon2id hash.  os_account: the operating-system
 * account whose commands are this user's (0014-user-os-account.sql), or
 * NULL. */
struct user {
	const char *name, *role, *org, *password_hash, *created_at, *changed_at, *os_account;
};
typedef int (*user_fn)(void *ctx, const struct user *u);
/* A user name is stored and compared in one form: the text in Unicode NFC,
 * its whitespace folded (leading and trailing dropped, each run inside one
 * space), so that a name typed on a terminal that decomposes 'å' or with a
 * stray space finds the same user, and two users never differ by such a
 * variant alone.  USER_NAME_SIZE holds 64 characters of it. */
#define USER_NAME_SIZE 260
/* user_name_fold: text in that form into out; -1 with err when text is not
 * UTF-8 or is longer than 64 characters once folded. */
int user_name_fold(const char *text, char out[USER_NAME_SIZE], struct bd_error *err);
/* user_name_ok: a folded name that may name a user: 1 to 64 bytes of a-z,
 * 0-9, '.', '-', '_' and the small letters å, ä, ö, é, ü (composed): no
 * capitals, no spaces, no other look-alikes. */
bool user_name_ok(const char *name);
/* The functions below take a name as typed and fold it first;
 * store_user_add refuses a name that is not user_name_ok once folded, or
 * that folds to an existing user's. */
int store_user_add(struct store *s, const struct user *u, struct bd_error *err);
/* store_user_passwd: 1 if there is no such user. */
int store_user_passwd(struct store *s, const char *name, const char *password_hash, struct bd_error *err);
/* store_user_get: 1 if there is no such user (u->name is the stored form). */
int store_user_get(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err);
int store_user_list(struct store *s, user_fn fn, void *ctx, struct bd_error *err);
/* store_user_by_os: the user mapped to the OS account; 1 if none. */
int store_user_by_os(struct store *s, const char *account, user_fn fn, void *ctx, struct bd_error *err);
/* store_user_map: the OS account of user name becomes account (NULL or "":
 * none), with its audit entry; 1 if there is no such user; BD_CONFLICT if
 * the account is another user's. */
int store_user_map(struct store *s, const char *name, const char *account, struct bd_error *err);

/* The web application's sessions (0006-web-session.sql): in the database,
 * so that every `bidrag serve` over it knows every session.  The functions
 * take the session's token; the store keeps only its SHA-256, so that what
 * is read from the database does not log anyone in.  Times are seconds
 * since the epoch.  Each call is one statement: it needs no transaction
 * (and none is taken by a session's use, so no change counter moves). */
struct store_session {
	char name[65], role[16], org[64]; /* org: a mottagare's organisation code, else "" */
	char csrf[65];
	int64_t created, seen;
};
int store_session_add(struct store *s, const char *token, const struct store_session *in, struct bd_error *err);
/* store_session_get: 1 if there is no such session. */
int store_session_get(struct store *s, const char *token, struct store_session *out, struct bd_error *err);
/* store_session_get_at: store_session_get for a caller that has read
 * store_generation (gen) just before: a session this store (connection)
 * read at the same generation is answered from memory, without a query.
 * It holds because every engine moves the generation when a session ends
 * or is deleted, by any process (SQLite: any commit moves it; PostgreSQL:
 * session_end and session_expire bump the change counter), and this
 * store's own touch updates what it keeps.  Only the SHA-256 of the token
 * is kept, never the token. */
int store_session_get_at(struct store *s, const char *token, uint64_t gen, struct store_session *out,
			 struct bd_error *err);
int store_session_touch(struct store *s, const char *token, int64_t seen, struct bd_error *err);
/* store_session_end: the session is never valid again (logout). */
int store_session_end(struct store *s, const char *token, struct bd_error *err);
/* store_session_expire: delete every session seen before seen_before or
 * created before created_before (ended ones too).  Housekeeping: it needs
 * the DELETE right, which nothing else here needs (docs/deploy-roles.sql). */
int store_session_expire(struct store *s, int64_t seen_before, int64_t created_before, struct bd_error *err);

/* Failed logins, counted per key ('user:NAME', 'addr:IP') across every
 * server over the database.  The rule (how many, how long a wait) is the
 * caller's; read-modify-write inside one write transaction (store_tx_retry)
 * so that two servers counting at once both count. */
struct store_throttle {
	int64_t failures, first, until;
};
/* store_throttle_get: 1 (and *out zeroed) if key has no count. */
int store_throttle_get(struct store *s, const char *key, struct store_throttle *out, struct bd_error *err);
/* store_throttle_put: key's count becomes *t (all zero: no count). */
int store_throttle_put(struct store *s, const char *key, const struct store_throttle *t, struct bd_error *err);
/* store_throttle_expire: delete the counts whose wait is over (until <=
 * now) and whose first failure is before first_before.  Housekeeping, as
 * store_session_expire. */
int store_throttle_expire(struct store *s, int64_t now, int64_t first_before, struct bd_error *err);

/* store_copy: the whole register of `from` into `to` (any engines, one
 * schema version), as it is: every row with its ids, the audit log with its
 * hashes (nothing appended), ledger events with their sequence numbers,
 * users with their password hashes, payment files byte for byte.  One
 * snapshot of `from`, one write transaction on `to`: all or nothing.
 * `to` must be empty: no row in any table, except what 'bidrag init'
 * writes (the built-in organisations, their groups, the audit entry of that
 * seeding), which the copy replaces; else BD_INVALID and nothing written.
 * fn (when not NULL) hears each table copied and its rows. */
typedef void (*store_copy_fn)(void *ctx, const char *table, const char *what, int64_t rows);
int store_copy(struct store *from, struct store *to, store_copy_fn fn, void *ctx, struct bd_error *err);


#endif
