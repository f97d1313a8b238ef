/* engine.h: what a storage engine provides, and the struct store every
 * engine's own struct begins with.
 *
 * Only the engines (src/store/<engine>/) and the engine-neutral store
 * (store.c, ledger.c) include this; everyone else sees struct store as
 * opaque through store.h.  The rules of the ledger (idempotency, date
 * windows, payee freeze, replay, verify, four eyes, payment states) live in
 * ledger.c above this interface: an engine only stores and finds.  A new
 * engine is a directory that fills a struct store_ops.
 *
 * Unless said otherwise an operation returns 0 on success, 1 for "none" where
 * its comment says so, and -1 with err filled on failure (err->code BD_BUSY
 * when the database is locked by another writer, BD_CONFLICT for a broken
 * constraint, BD_IO for a read or write that failed).  Strings handed out
 * (in a struct filled or a callback) are valid until the next call of the
 * same operation. */
#ifndef BIDRAG_ENGINE_H
#define BIDRAG_ENGINE_H

#include "store.h"

/* An event as the engine keeps it. */
struct engine_event {
	int64_t seq; /* its place in the journal: increasing */
	const char *id, *actor, *date, *batch, *detail, *recorded;
	const unsigned char *digest; /* LEDGER_DIGEST_LEN bytes (find and append only) */
	enum event_kind kind;
	int64_t part_id, org_id;
	int64_t amount;        /* öre moved */
	enum bucket from, to;  /* B_NONE where none */
	int64_t ref_seq;       /* the event it refers to; 0: none */
	int ref_kind;          /* that event's kind (scans only; -1 when none) */
	bool corrected;        /* a correction refers to it (find and refs only) */
	const char *override;  /* its detail's override, NULL when none (find only) */
};
typedef int (*engine_event_fn)(void *ctx, const struct engine_event *e);

/* A candidate payee of an account: a payee row with its organisation, or
 * the recipient itself (no org_* fields). */
struct engine_payee {
	bool present;
	const char *name, *orgnr, *bankgiro, *plusgiro, *reference;
	const char *org_bankgiro, *org_plusgiro, *org_reference;
};
enum { PAYEE_OF_ROW, PAYEE_OF_PART, PAYEE_RECIPIENT, PAYEE_CANDIDATES };

/* An allocation row of a decision's part with the balance kept for it. */
struct engine_account {
	int64_t part_id, org_id;
	const char *dnr, *part, *part_title, *recipient, *recipient_name;
	const struct ledger_terms *terms;
	int64_t allocation; /* kronor, as locked */
	int64_t part_amount; /* kronor: what the decision gives the part */
	bool has_balance;
	const struct ledger_balance *balance; /* when has_balance */
	int64_t last_seq;
	const char *repayment_deadline, *report_deadline;
	int budget_year;
	size_t nfunding;
	const struct part_funding_row *funding;
};
typedef int (*engine_account_fn)(void *ctx, const struct engine_account *a);
enum engine_account_order { ACCOUNTS_BY_DECISION, ACCOUNTS_BY_ID };

/* An account's balance as recording reads and writes it (accounts_get,
 * balances_put). */
enum account_state { ACCOUNT_KEPT, ACCOUNT_NEW, ACCOUNT_NONE };
struct engine_account_row {
	int64_t part_id, org_id;
	enum account_state state; /* accounts_get's answer */
	struct ledger_balance bal; /* ACCOUNT_KEPT; what balances_put writes */
	int64_t kronor;            /* ACCOUNT_NEW: the allocation locked */
	int64_t last_seq;          /* balances_put: the last event on it */
};

/* A payment event with the facts its state follows from. */
struct engine_payment {
	struct payment_row row;
	bool attested;          /* an attestation refers to it that is not corrected */
	bool corrected;         /* corrected, or rejected or returned by the bank: void */
	const char *exec_batch; /* the batch that executed it; NULL: not executed */
};
typedef int (*engine_payment_fn)(void *ctx, const struct engine_payment *p);

/* An agreement as registered (agreement_get). */
struct engine_agreement {
	int64_t id;
	const char *date, *title, *parties; /* NULL when none; parties as JSON */
	bool has_total;
	int64_t total;
};

/* An appropriation post as registered (appropriation_get). */
struct engine_appropriation {
	int64_t id;
	const char *uo_name, *anslag_name, *post_name; /* NULL when none */
	bool has_available;
	int64_t available;
};

/* Why open failed, for the store to tell the user what to do. */
enum engine_open_fault {
	OPEN_FAILED,        /* anything else: the message says it all */
	OPEN_MISSING,       /* no database at the path (STORE_EXISTING) */
	OPEN_UNINITIALISED, /* a database, but not an initialised register */
};

/* Copying a whole register (store-copy.c): a table as every engine has it,
 * by its columns' names and neutral types, so that rows go from one engine
 * to another as values, not as SQL. */
enum copy_type { COPY_INT, COPY_TEXT, COPY_BLOB };
struct copy_column {
	const char *name;
	enum copy_type type;
};
struct copy_table {
	const char *name;
	const char *what;     /* for messages: "decisions" */
	const char *order;    /* the primary key's columns, for ORDER BY */
	const char *identity; /* the column the engine numbers new rows by; NULL: none */
	size_t ncols;
	const struct copy_column *cols;
};
/* A column's value: null, or num (COPY_INT), or text/len (COPY_TEXT, COPY_BLOB). */
struct copy_value {
	bool null;
	int64_t num;
	const char *text;
	size_t len;
};
typedef int (*copy_row_fn)(void *ctx, const struct copy_value *row);
typedef int (*copy_name_fn)(void *ctx, const char *table);

struct store_ops {
	const char *name;
	/* open: on failure *fault says why. */
	int (*open)(struct store **out, const char *path, enum store_open_mode mode, enum engine_open_fault *fault,
		    struct bd_error *err);
	void (*close)(struct store *s);
	void (*schema_info)(struct store *s, int *version, int *applied);
	/* begin: a write transaction, taken before anything is read. */
	int (*begin)(struct store *s, struct bd_error *err);
	int (*commit)(struct store *s, struct bd_error *err);
	void (*rollback)(struct store *s);
	/* read_begin/read_end: a read transaction: every read between them
	 * sees one snapshot. */
	int (*read_begin)(struct store *s, struct bd_error *err);
	void (*read_end)(struct store *s);
	/* data_version: changes when another connection commits. */
	int (*data_version)(struct store *s, int64_t *version, struct bd_error *err);
	int (*org_list)(struct store *s, const char *kind, org_fn fn, void *ctx, struct bd_error *err);
	int (*org_get)(struct store *s, const char *text, org_fn fn, void *ctx, struct bd_error *err);
	int (*org_set)(struct store *s, const char *code, const struct org *o, struct bd_error *err);
	int (*org_groups)(struct store *s, const char *code, group_fn fn, void *ctx, struct bd_error *err);
	int (*dataset_register)(struct store *s, const struct dataset_in *in, int *version, char *sha256,
				bool *is_new, struct bd_error *err);
	int (*dataset_values)(struct store *s, const char *name, int version, struct strpool *pool,
			      struct key_values *out, struct bd_error *err);
	int (*dataset_uses)(struct store *s, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err);
	int (*decision_document)(struct store *s, const char *dnr, char **document, char **sha256,
				 struct bd_error *err);
	int (*decision_list)(struct store *s, int year, decision_fn fn, void *ctx, struct bd_error *err);
	int (*part_locks)(struct store *s, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err);
	int (*appropriation_list)(struct store *s, int year, appropriation_fn fn, void *ctx, struct bd_error *err);

	/* The register's primitives: the rules of seeding the reference
	 * organisations and of recording a decision (an agreement described
	 * alike, appropriation names that agree, who a payee is, registered
	 * recipients) are in register.c. */
	/* seed_lock: taken before seeding, so that concurrent inits take turns;
	 * NULL when the write transaction already serialises them. */
	int (*seed_lock)(struct store *s, struct bd_error *err);
	/* org_insert: an organisation unless its code is taken; *added (when
	 * not NULL) grows by the rows added. */
	int (*org_insert)(struct store *s, const struct org *o, bool builtin, int *added, struct bd_error *err);
	/* org_find_name: the organisation of that name (any case), builtin ones
	 * first; 1 if none. */
	int (*org_find_name)(struct store *s, const char *name, int64_t *id, struct bd_error *err);
	/* org_find_payee: the organisation of that name (any case) whose orgnr
	 * is orgnr or none (any when orgnr is NULL), those with an orgnr first,
	 * then builtin ones; 1 if none. */
	int (*org_find_payee)(struct store *s, const char *name, const char *orgnr, int64_t *id, bool *has_orgnr,
			      struct bd_error *err);
	int (*org_set_orgnr)(struct store *s, int64_t id, const char *orgnr, struct bd_error *err);
	/* group_add: a group and its members (by code) unless its code is
	 * taken; *added grows by one when it is added.  payee_org 0: none. */
	int (*group_add)(struct store *s, const char *code, const char *name, const char *kind, int64_t payee_org,
			 const char *const *members, size_t n, int *added, struct bd_error *err);
	/* agreement_get: the agreement registered under dnr; 1 if none. */
	int (*agreement_get)(struct store *s, const char *dnr, struct engine_agreement *out, struct bd_error *err);
	/* agreement_add: parties is the JSON array kept for them (or NULL). */
	int (*agreement_add)(struct store *s, const struct agreement *a, const char *parties, int64_t *id,
			     struct bd_error *err);
	/* appropriation_get: the post of a's budget year, uo, anslag and post;
	 * 1 if none. */
	int (*appropriation_get)(struct store *s, const struct appropriation *a, struct engine_appropriation *out,
				 struct bd_error *err);
	int (*appropriation_add)(struct store *s, const struct appropriation *a, int64_t *id, struct bd_error *err);
	int (*appropriation_set_available)(struct store *s, int64_t id, int64_t available, struct bd_error *err);
	/* decision_add: the decision's row and its links to approp_ids (one per
	 * d->approps); agreement 0: none.  1 if its dnr is taken. */
	int (*decision_add)(struct store *s, const struct decision *d, const char *document, int64_t agreement,
			    const int64_t *approp_ids, int64_t *id, struct bd_error *err);
	int (*payee_add)(struct store *s, int64_t org_id, const struct payee *py, int64_t *id, struct bd_error *err);
	/* part_add: a part with its funding and keys; payee 0: none. */
	int (*part_add)(struct store *s, int64_t decision, size_t ord, const struct part *p, int64_t payee,
			const int64_t *approp_ids, int64_t *id, struct bd_error *err);
	/* allocation_add: payee 0: none. */
	int (*allocation_add)(struct store *s, int64_t part, size_t ord, const struct alloc_row *row, int64_t org_id,
			      int64_t payee, struct bd_error *err);

	/* The ledger's primitives. */
	/* event_find: the event with this id; 1 if none. */
	int (*event_find)(struct store *s, const char *id, struct engine_event *out, struct bd_error *err);
	/* event_append: a new event (seq, ref_kind, corrected and override are
	 * ignored); its seq into *seq.  1 if the id is taken (nothing written). */
	int (*event_append)(struct store *s, const struct engine_event *e, int64_t *seq, struct bd_error *err);
	/* event_scan: every event dated up to as_of (all when NULL), in seq
	 * order. */
	int (*event_scan)(struct store *s, const char *as_of, engine_event_fn fn, void *ctx, struct bd_error *err);
	/* event_refs: the events that refer to seq, in seq order. */
	int (*event_refs)(struct store *s, int64_t seq, engine_event_fn fn, void *ctx, struct bd_error *err);
	/* The batch-level primitives of recording: what a batch of events
	 * needs, asked for in one call, so that an engine that pays a round
	 * trip per statement (PostgreSQL) pays one per batch, not one per
	 * event or account; SQLite runs a statement per row as before.
	 * accounts_get: n accounts (a[i].part_id, a[i].org_id) at once:
	 *   a[i].state ACCOUNT_KEPT with its balance kept (a[i].bal),
	 *   ACCOUNT_NEW without one yet but with an allocation row
	 *   (a[i].kronor locked), or ACCOUNT_NONE with neither.
	 * balances_put: n balances written (inserted or replaced), each
	 *   account at most once.
	 * events_expect: the ids of the events a batch is about to append in
	 *   this write transaction.  A hint, nothing is written: an engine may
	 *   look them up together and then append the ones not recorded
	 *   without a statement each (PostgreSQL: one multi-row INSERT before
	 *   the next statement of any kind; event_append's answers stay
	 *   exactly what they would be without it); SQLite ignores it. */
	int (*accounts_get)(struct store *s, struct engine_account_row *a, size_t n, struct bd_error *err);
	int (*balances_put)(struct store *s, const struct engine_account_row *a, size_t n, struct bd_error *err);
	int (*events_expect)(struct store *s, const char *const *ids, size_t n, struct bd_error *err);
	/* org_ids: the ids of n organisations by their codes (0: no such code). */
	int (*org_ids)(struct store *s, const char *const *codes, size_t n, int64_t *ids, struct bd_error *err);
	/* part_find: a decision's part by dnr and code; 1 if none.
	 * part_get: by id; 1 if none. */
	int (*part_find)(struct store *s, const char *dnr, const char *code, int64_t *id, struct ledger_terms *terms,
			 struct bd_error *err);
	int (*part_get)(struct store *s, int64_t id, struct ledger_terms *terms, struct bd_error *err);
	/* part_amounts: a part's decided amount and the sum of its allocation
	 * rows (kronor), and the öre its accounts have committed to payment as
	 * their stored balances say (registered + attested + paid + claimed +
	 * repaid); 1 if no such part. */
	int (*part_amounts)(struct store *s, int64_t part_id, int64_t *decided, int64_t *allocated, int64_t *committed,
			    struct bd_error *err);
	/* org_id: an organisation's id by its code; 1 if none. */
	int (*org_id)(struct store *s, const char *code, int64_t *id, struct bd_error *err);
	/* payee_get: the candidates for who an account's payments go to. */
	int (*payee_get)(struct store *s, int64_t part_id, int64_t org_id, struct engine_payee out[PAYEE_CANDIDATES],
			 struct bd_error *err);
	/* account_scan: allocation rows (filtered by dnr, part, recipient code
	 * when given) with their kept balances. */
	int (*account_scan)(struct store *s, const char *dnr, const char *part, const char *recipient,
			    enum engine_account_order order, engine_account_fn fn, void *ctx, struct bd_error *err);
	/* payment_scan: every payment event in seq order. */
	int (*payment_scan)(struct store *s, engine_payment_fn fn, void *ctx, struct bd_error *err);
	int (*ledger_events)(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err);
	int (*batch_file)(struct store *s, const char *batch, const char *format, char **data, size_t *len,
			  struct bd_error *err);
	int (*batch_file_put)(struct store *s, const char *batch, const char *format, int payments, int64_t total,
			      const char *data, size_t len, struct bd_error *err);

	int (*recipient_put)(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
			     struct bd_error *err);
	int (*recipient_get)(struct store *s, const char *org, int year, int version, char **document,
			     int *version_out, struct bd_error *err);
	int (*recipient_list)(struct store *s, const char *org, bool all, recipient_version_fn fn, void *ctx,
			      struct bd_error *err);
	int (*decision_link)(struct store *s, const char *dnr, const char *org, struct decision_link *out,
			     struct bd_error *err);
	int (*generation)(struct store *s, uint64_t *gen, struct bd_error *err);
	int (*audit_append)(struct store *s, const char *actor, const char *action, const char *object,
			    const char *before, const char *after, struct bd_error *err);
	/* audit_list: the entries of the selection f (store.h), in seq order. */
	int (*audit_list)(struct store *s, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err);
	int (*decision_warning_add)(struct store *s, const struct decision_warning *w, struct bd_error *err);
	int (*decision_warnings)(struct store *s, const char *dnr, decision_warning_fn fn, void *ctx,
				 struct bd_error *err);
	/* user_add: 1 if the name is taken (nothing written). */
	int (*user_add)(struct store *s, const struct user *u, struct bd_error *err);
	int (*user_passwd)(struct store *s, const char *name, const char *password_hash, struct bd_error *err);
	int (*user_get)(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err);
	int (*user_list)(struct store *s, user_fn fn, void *ctx, struct bd_error *err);
	/* user_by_os: the user whose os_account is account; 1 if none. */
	int (*user_by_os)(struct store *s, const char *account, user_fn fn, void *ctx, struct bd_error *err);
	/* user_map: name's os_account becomes account (NULL: none); 1 if no such user. */
	int (*user_map)(struct store *s, const char *name, const char *account, struct bd_error *err);

	/* The web application's sessions (0006-web-session.sql), by the hex
	 * SHA-256 of the token (the store hashes; an engine never sees a
	 * token).  Each is one statement, in or outside a transaction.
	 * session_get and throttle_get: 1 when there is no such row. */
	int (*session_put)(struct store *s, const char *token_sha256, const struct store_session *in,
			   struct bd_error *err);
	int (*session_get)(struct store *s, const char *token_sha256, struct store_session *out, struct bd_error *err);
	int (*session_touch)(struct store *s, const char *token_sha256, int64_t seen, struct bd_error *err);
	int (*session_end)(struct store *s, const char *token_sha256, struct bd_error *err);
	int (*session_expire)(struct store *s, int64_t seen_before, int64_t created_before, struct bd_error *err);
	int (*throttle_get)(struct store *s, const char *key, struct store_throttle *out, struct bd_error *err);
	/* throttle_put: insert or replace key's row. */
	int (*throttle_put)(struct store *s, const char *key, const struct store_throttle *t, struct bd_error *err);
	int (*throttle_expire)(struct store *s, int64_t now, int64_t first_before, struct bd_error *err);
	/* Copying a register (store-copy.c), table by table; the rules (which
	 * tables, in what order, what an empty target is) are above.
	 * table_names: every table of the register's schema (not the engine's
	 * own bookkeeping).  table_scan: every row of t in t->order, a value
	 * per column of t (text and blobs valid during fn); fn returning
	 * nonzero stops with -1 (err untouched).  table_clear: every row of t
	 * deleted, past its locking triggers (in a write transaction).
	 * table_load: a row as table_scan gives it, ids and all.  table_loaded:
	 * after the rows of t: a new row gets a number past the largest
	 * loaded (t->identity). */
	int (*table_names)(struct store *s, copy_name_fn fn, void *ctx, struct bd_error *err);
	int (*table_scan)(struct store *s, const struct copy_table *t, copy_row_fn fn, void *ctx,
			  struct bd_error *err);
	int (*table_clear)(struct store *s, const struct copy_table *t, struct bd_error *err);
	int (*table_load)(struct store *s, const struct copy_table *t, const struct copy_value *row,
			  struct bd_error *err);
	int (*table_loaded)(struct store *s, const struct copy_table *t, struct bd_error *err);
	/* Payees' accounts (engine-payee.h; the rules in payee.c). */
	const struct store_payee_ops *payee;
	/* Key datasets kept in the register (engine-dataset.h; the rules in
	 * dataset.c). */
	const struct store_dataset_ops *datasets;
	/* The bank's files and repayment claims' numbers (engine-bank.h; the
	 * rules in bank.c). */
	const struct store_bank_ops *bank;
	/* Personal calendar feeds' tokens (engine-calendar.h; the rules in
	 * calendar.c). */
	const struct store_calendar_ops *calendar;
	/* The recipient's filing: authorised representatives and submissions
	 * (engine-portal.h; the rules in portal.c). */
	const struct store_portal_ops *portal;
	/* The ledger's balance checkpoints by date (engine-checkpoint.h; the
	 * rules in ledger-replay.c). */
	const struct store_checkpoint_ops *checkpoint;
};

struct ledger_state;
struct store_payee_ops;
struct store_dataset_ops;
struct store_bank_ops;
struct store_calendar_ops;
struct store_portal_ops;
struct store_checkpoint_ops;

/* Every engine's struct begins with this. */
struct store {
	const struct store_ops *ops;
	char actor[128];
	bool in_tx;                  /* inside store_begin/commit */
	/* store_set_actor_resolver: asked once, before the first write. */
	int (*resolve_actor)(struct store *s, void *ctx, struct bd_error *err);
	void *resolve_ctx;
	bool resolving;
	struct ledger_state *ledger; /* the recording pipeline's lookups (ledger.c) */
	struct session_cache *sessions; /* sessions read, by generation (session.c) */
};

/* ledger.c: the cache of the recording pipeline; forgotten when a write
 * transaction does not commit. */
void ledger_cache_forget(struct store *s);
void ledger_cache_free(struct store *s);
/* session.c: the sessions kept by store_session_get_at. */
void session_cache_free(struct store *s);

/* register.c: the register's rules above the primitives (store.c adds the
 * audit entries). */
int register_seed(struct store *s, int *added, struct bd_error *err);
int register_appropriation(struct store *s, const struct appropriation *a, struct bd_error *err);
int register_decision(struct store *s, const struct decision *d, const char *document, struct bd_error *err);
/* register_payee_org: who a payee is (its organisation's id; 0 if one
 * named by code is not registered): a decision's payee or a file's. */
int64_t register_payee_org(struct store *s, const struct payee *py, const char *path, struct bd_error *err);

/* migrate.c: the numbered migrations, written once
 * (src/store/migrations/README.md).  Migration v (0-based) is
 * migrations/NNNN-name.sql among the embedded files, in a neutral form
 * whose tokens each engine's dialect expands, plus an optional companion
 * migrations/NNNN-name.ENGINE.sql that only that engine runs, after it. */
struct migration_token {
	const char *name;   /* between the @s: "text" is written @text@ */
	const char *before; /* what @name@ becomes; for @name(ARG)@, what comes before ARG */
	const char *after;  /* NULL: a plain @name@; else what comes after ARG in @name(ARG)@ */
};
struct migration_dialect {
	const char *engine;                   /* "sqlite", "pg": the companions' middle name */
	const struct migration_token *tokens; /* ended by a token with a NULL name */
};
/* migration_find_fn: the text of an embedded file by its name, NULL if none. */
typedef const char *(*migration_find_fn)(const char *path);
int migration_count(void);
/* migration_name: "0001-register" for v = 0; NULL past the last. */
const char *migration_name(int v);
/* migration_path: "migrations/NNNN-name.sql", or with engine
 * "migrations/NNNN-name.ENGINE.sql"; NULL past the last.  Freed by the caller. */
char *migration_path(int v, const char *engine);
/* migration_expand: sql (the file path, for messages) with every token of
 * the dialect expanded; an '@' that is not one of its tokens is an internal
 * error naming the file and line.  Freed by the caller; NULL on failure. */
char *migration_expand(const char *path, const char *sql, const struct migration_dialect *d, struct bd_error *err);
/* migration_sql: what an engine runs for migration v: the neutral file
 * expanded, then its own companion, if there is one, expanded.  Freed by
 * the caller; NULL on failure (a missing neutral file is an internal error). */
char *migration_sql(int v, const struct migration_dialect *d, migration_find_fn find, struct bd_error *err);

extern const struct store_ops store_sqlite_ops;

#endif
