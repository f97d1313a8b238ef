/* sqlite-internal.h: what the SQLite backend's files share.  Not part of
 * the storage interface: nothing outside src/store/store-sqlite*.c includes
 * it. */
#ifndef BIDRAG_SQLITE_INTERNAL_H
#define BIDRAG_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

#include "engine.h"

struct ledger_cache;

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	int version, applied;
	bool in_tx;
	struct ledger_cache *ledger; /* the ledger's kept statements (store-sqlite-ledger.c) */
	sqlite3_stmt *data_version;  /* PRAGMA data_version, kept for sq_generation (asked on every web read) */
	sqlite3_stmt *checkpoint_add; /* the checkpoints' INSERT, kept (run every batch; store-sqlite-checkpoint.c) */
	char *kept[4];               /* strings handed out by agreement_get and appropriation_get (sq_keep) */
};

#define S(s) ((struct sqlite_store *)(s))

static inline int db_fail(struct sqlite_store *s, struct bd_error *err, const char *what)
{
	return bd_fail(err, "database: %s: %s", what, sqlite3_errmsg(s->db));
}

static inline sqlite3_stmt *prep(struct sqlite_store *s, const char *sql, struct bd_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(s, err, "preparing a statement");
		return NULL;
	}
	return st;
}

static inline void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static inline const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static inline int exec(struct sqlite_store *s, const char *sql, struct bd_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bd_fail(err, "database: %s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* step_done: run a statement that returns no rows; finalises it. */
static inline int step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what, struct bd_error *err)
{
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc != SQLITE_DONE)
		ret = db_fail(s, err, what);
	sqlite3_finalize(st);
	return ret;
}

/* sq_keep: a copy of v in the store's slot i, valid until the slot is
 * kept again or the store closes; NULL for NULL. */
static inline const char *sq_keep(struct sqlite_store *s, int i, const char *v)
{
	free(s->kept[i]);
	s->kept[i] = v ? xstrdup(v) : NULL;
	return s->kept[i];
}

static inline void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The statement helper (sq-stmt.c): a query is written as its SQL, its
 * arguments and what it does with each row, not as prepare, bind, step and
 * finalise again:
 *
 *	struct sq_stmt q;
 *	if (sq_query(&q, s, "SELECT name FROM org WHERE kind = ?1", "reading organisations", err, SQ_T(kind)))
 *		return -1;
 *	int rc;
 *	while ((rc = sq_row(&q)) > 0)
 *		if (fn(ctx, sq_text(&q, 0)))
 *			return sq_stop(&q, -1);
 *	return rc;
 *
 * Contract:
 * - Arguments bind to ?1, ?2, ... in order; each is typed by its macro, so
 *   the compiler checks it: SQ_T text (NULL binds NULL), SQ_I an integer,
 *   SQ_ID a row id (0 or less binds NULL: "none"), SQ_OPT(has, v) an integer
 *   or NULL, SQ_NULL.
 * - Every failure returns -1 and fills err with "database: WHAT: <SQLite's
 *   message>" and a code mapped from SQLite's: BUSY and LOCKED -> BD_BUSY
 *   (retry), CONSTRAINT -> BD_CONFLICT, anything else -> BD_IO.  q->rc keeps
 *   SQLite's extended code for a caller that must tell one constraint from
 *   another.
 * - A statement from sq_query or sq_first is finalised when sq_row returns 0
 *   or -1, or by sq_stop; only a caller that leaves with a row in hand calls
 *   sq_stop.  One from sq_prepare or sq_use is kept for reuse: the same
 *   points only reset it; sq_prepare's owner ends it with sq_finalize.
 * - A text column (sq_text) lives until the next sq_row or the end of the
 *   statement. */
enum sq_arg_type { SQ_ARG_NULL, SQ_ARG_TEXT, SQ_ARG_INT };
struct sq_arg {
	enum sq_arg_type type;
	const char *text;
	int64_t num;
};
#define SQ_T(v) ((struct sq_arg){.type = SQ_ARG_TEXT, .text = (v)})
#define SQ_I(v) ((struct sq_arg){.type = SQ_ARG_INT, .num = (v)})
#define SQ_NULL ((struct sq_arg){.type = SQ_ARG_NULL})
#define SQ_OPT(has, v) ((has) ? SQ_I(v) : SQ_NULL)
#define SQ_ID(v) SQ_OPT((v) > 0, v)
/* The arguments as an array and its length; a leading element keeps an
 * empty list valid C. */
#define SQ_ARGS(...)                                                                                                 \
	((const struct sq_arg[]){SQ_NULL, __VA_ARGS__} + 1),                                                         \
		(sizeof((const struct sq_arg[]){SQ_NULL, __VA_ARGS__}) / sizeof(struct sq_arg) - 1)

struct sq_stmt {
	struct sqlite_store *s;
	sqlite3_stmt *st; /* NULL once finalised */
	const char *what; /* what the statement does, for messages: "adding a user" */
	struct bd_error *err;
	bool kept; /* reset, not finalised, at its end */
	int rc;    /* SQLite's extended result code of the last failure */
};

/* sq_fail: fill err from the database's last error (code mapped as above). */
int sq_fail(struct sqlite_store *s, int rc, const char *what, struct bd_error *err);

/* sq_query: prepare sql once and bind the arguments. */
#define sq_query(q, s, sql, what, err, ...) sq_query_(q, s, sql, what, err, SQ_ARGS(__VA_ARGS__))
int sq_query_(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct sq_arg *args, size_t n);
/* sq_first: sq_query and sq_row: 1 with the first row in hand (end it with
 * sq_stop), 0 when there is none, -1 on failure. */
#define sq_first(q, s, sql, what, err, ...) sq_first_(q, s, sql, what, err, SQ_ARGS(__VA_ARGS__))
int sq_first_(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct sq_arg *args, size_t n);
/* sq_run: one statement without rows: the number of rows it changed, or -1. */
#define sq_run(s, sql, what, err, ...) sq_run_(s, sql, what, err, SQ_ARGS(__VA_ARGS__))
int sq_run_(struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err, const struct sq_arg *args,
	    size_t n);
/* sq_id: the first column of the first row as an int64 (a row id, a count,
 * a version): 0 when there is no row, -1 on failure. */
#define sq_id(s, sql, what, err, ...) sq_id_(s, sql, what, err, SQ_ARGS(__VA_ARGS__))
int64_t sq_id_(struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	       const struct sq_arg *args, size_t n);

/* A statement kept for reuse: sq_prepare makes one (end it with
 * sq_finalize), sq_use lends one its owner keeps (a cache).  sq_bind resets
 * it and binds the arguments; sq_exec binds, runs it to its end and returns
 * the rows changed, or -1. */
int sq_prepare(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err);
void sq_use(struct sq_stmt *q, struct sqlite_store *s, sqlite3_stmt *st, const char *what, struct bd_error *err);
#define sq_bind(q, ...) sq_bind_(q, SQ_ARGS(__VA_ARGS__))
int sq_bind_(struct sq_stmt *q, const struct sq_arg *args, size_t n);
#define sq_exec(q, ...) sq_exec_(q, SQ_ARGS(__VA_ARGS__))
int sq_exec_(struct sq_stmt *q, const struct sq_arg *args, size_t n);
void sq_finalize(struct sq_stmt *q);

/* sq_row: step: 1 with a row, 0 at the end, -1 on failure (err filled); the
 * statement ends at 0 and -1. */
int sq_row(struct sq_stmt *q);
/* sq_stop: end the statement early; returns ret, for `return sq_stop(&q, -1)`. */
int sq_stop(struct sq_stmt *q, int ret);

static inline const char *sq_text(const struct sq_stmt *q, int col)
{
	return (const char *)sqlite3_column_text(q->st, col);
}
static inline int sq_int(const struct sq_stmt *q, int col)
{
	return sqlite3_column_int(q->st, col);
}
static inline int64_t sq_i64(const struct sq_stmt *q, int col)
{
	return sqlite3_column_int64(q->st, col);
}
static inline bool sq_isnull(const struct sq_stmt *q, int col)
{
	return sqlite3_column_type(q->st, col) == SQLITE_NULL;
}

/* The register (store-sqlite-register.c). */
int64_t org_id_by_code(struct sqlite_store *s, const char *code, struct bd_error *err);
/* insert_org: add o unless its code is taken; *added (if given) counts the rows added. */
int insert_org(struct sqlite_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err);
int sq_org_insert(struct store *base, const struct org *o, bool builtin, int *added, struct bd_error *err);
int sq_org_find_name(struct store *base, const char *name, int64_t *id, struct bd_error *err);
int sq_org_find_payee(struct store *base, const char *name, const char *orgnr, int64_t *id, bool *has_orgnr,
		      struct bd_error *err);
int sq_org_set_orgnr(struct store *base, int64_t id, const char *orgnr, struct bd_error *err);
int sq_group_add(struct store *base, const char *code, const char *name, const char *kind, int64_t payee,
		 const char *const *members, size_t n, int *added, struct bd_error *err);
int sq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err);
int sq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err);
int sq_org_set(struct store *base, const char *code, const struct org *o, struct bd_error *err);
int sq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err);
int sq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256, bool *is_new,
			struct bd_error *err);
int sq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
		      struct key_values *out, struct bd_error *err);
int sq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err);
int sq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
			 struct bd_error *err);
int sq_decision_list(struct store *base, int year, decision_fn fn, void *ctx, struct bd_error *err);
int sq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err);
int sq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err);
int sq_appropriation_get(struct store *base, const struct appropriation *a, struct engine_appropriation *out,
			 struct bd_error *err);
int sq_appropriation_add(struct store *base, const struct appropriation *a, int64_t *id, struct bd_error *err);
int sq_appropriation_set_available(struct store *base, int64_t id, int64_t available, struct bd_error *err);


/* The ledger's primitives (store-sqlite-ledger.c, store-sqlite-ledger-query.c):
 * the struct store_ops entries of engine.h. */
int sq_event_find(struct store *s, const char *id, struct engine_event *out, struct bd_error *err);
int sq_event_append(struct store *s, const struct engine_event *e, int64_t *seq, struct bd_error *err);
int sq_event_scan(struct store *s, const char *as_of, engine_event_fn fn, void *ctx, struct bd_error *err);
int sq_event_refs(struct store *s, int64_t seq, engine_event_fn fn, void *ctx, struct bd_error *err);
int sq_accounts_get(struct store *s, struct engine_account_row *a, size_t n, struct bd_error *err);
int sq_balances_put(struct store *s, const struct engine_account_row *a, size_t n, struct bd_error *err);
int sq_events_expect(struct store *s, const char *const *ids, size_t n, struct bd_error *err);
int sq_org_ids(struct store *s, const char *const *codes, size_t n, int64_t *ids, struct bd_error *err);
int sq_part_find(struct store *s, const char *dnr, const char *code, int64_t *id, struct ledger_terms *terms,
		 struct bd_error *err);
int sq_part_get(struct store *s, int64_t id, struct ledger_terms *terms, struct bd_error *err);
int sq_part_amounts(struct store *s, int64_t part_id, int64_t *decided, int64_t *allocated, int64_t *committed,
		    struct bd_error *err);
int sq_org_id(struct store *s, const char *code, int64_t *id, struct bd_error *err);
int sq_payee_get(struct store *s, int64_t part_id, int64_t org_id, struct engine_payee out[PAYEE_CANDIDATES],
		 struct bd_error *err);
int sq_data_version(struct store *s, int64_t *version, struct bd_error *err);
int sq_account_scan(struct store *s, const char *dnr, const char *part, const char *recipient,
		    enum engine_account_order order, engine_account_fn fn, void *ctx, struct bd_error *err);
int sq_payment_scan(struct store *s, engine_payment_fn fn, void *ctx, struct bd_error *err);
int sq_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err);
int sq_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err);
int sq_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err);
/* sq_terms_from_row: a part's payment terms from 7 columns from col on:
 * pay_mode, pay_from, pay_to, pay_by, requisition_deadline, lapses and the
 * decision's date. */
void sq_terms_from_row(const struct sq_stmt *q, int col, struct ledger_terms *t);
/* sq_ledger_cache_free: the kept statements, at close. */
void sq_ledger_cache_free(struct sqlite_store *s);

int sq_recipient_put(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
		     struct bd_error *err);
int sq_recipient_get(struct store *s, const char *org, int year, int version, char **document, int *version_out,
		     struct bd_error *err);
int sq_recipient_list(struct store *s, const char *org, bool all, recipient_version_fn fn, void *ctx,
		      struct bd_error *err);
int sq_decision_link(struct store *s, const char *dnr, const char *org, struct decision_link *out,
		     struct bd_error *err);
int sq_generation(struct store *s, uint64_t *gen, struct bd_error *err);
int sq_audit_append(struct store *s, const char *actor, const char *action, const char *object, const char *before,
		    const char *after, struct bd_error *err);
int sq_audit_list(struct store *s, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err);
int sq_decision_warning_add(struct store *s, const struct decision_warning *w, struct bd_error *err);
int sq_decision_warnings(struct store *s, const char *dnr, decision_warning_fn fn, void *ctx,
			 struct bd_error *err);
int sq_user_add(struct store *s, const struct user *u, struct bd_error *err);
int sq_user_passwd(struct store *s, const char *name, const char *password_hash, struct bd_error *err);
int sq_user_get(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err);
int sq_user_list(struct store *s, user_fn fn, void *ctx, struct bd_error *err);
int sq_user_by_os(struct store *s, const char *account, user_fn fn, void *ctx, struct bd_error *err);
int sq_user_map(struct store *s, const char *name, const char *account, struct bd_error *err);

/* store-sqlite-session.c: the web application's sessions and login throttle
 * counts (engine.h). */
int sq_session_put(struct store *s, const char *token_sha256, const struct store_session *in, struct bd_error *err);
int sq_session_get(struct store *s, const char *token_sha256, struct store_session *out, struct bd_error *err);
int sq_session_touch(struct store *s, const char *token_sha256, int64_t seen, struct bd_error *err);
int sq_session_end(struct store *s, const char *token_sha256, struct bd_error *err);
int sq_session_expire(struct store *s, int64_t seen_before, int64_t created_before, struct bd_error *err);
int sq_throttle_get(struct store *s, const char *key, struct store_throttle *out, struct bd_error *err);
int sq_throttle_put(struct store *s, const char *key, const struct store_throttle *t, struct bd_error *err);
int sq_throttle_expire(struct store *s, int64_t now, int64_t first_before, struct bd_error *err);

/* Copying a register (store-sqlite-copy.c). */
int sq_table_names(struct store *s, copy_name_fn fn, void *ctx, struct bd_error *err);
int sq_table_scan(struct store *s, const struct copy_table *t, copy_row_fn fn, void *ctx, struct bd_error *err);
int sq_table_clear(struct store *s, const struct copy_table *t, struct bd_error *err);
int sq_table_load(struct store *s, const struct copy_table *t, const struct copy_value *row, struct bd_error *err);
int sq_table_loaded(struct store *s, const struct copy_table *t, struct bd_error *err);

#endif
