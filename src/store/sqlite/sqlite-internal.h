/* sqlite-internal.h: what the SQLite backend's files share.  Not part of
 * the storage interface: nothing outside src/store/store-sqlite*.c includes
 * it. */
#ifndef BIDRAG_SQLITE_INTERNAL_H
#define BIDRAG_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"

struct ledger_cache;

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	int version, applied;
	bool in_tx;
	struct ledger_cache *ledger; /* prepared statements and lookups of the ledger (store-sqlite-ledger.c) */
	sqlite3_stmt *data_version;  /* PRAGMA data_version, kept for sq_generation (asked on every web read) */
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

static inline void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}


/* The ledger's operations (store-sqlite-ledger.c). */
int sq_ledger_record(struct store *s, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
		     size_t *failed_at, struct bd_error *err);
int sq_ledger_accounts(struct store *s, const char *dnr, const char *part, const char *recipient, const char *as_of,
		       ledger_account_fn fn, void *ctx, struct bd_error *err);
int sq_payments(struct store *s, const char *state, const char *batch, payment_fn fn, void *ctx,
		struct bd_error *err);
int sq_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err);
int sq_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err);
void sq_ledger_cache_free(struct sqlite_store *s);
/* sq_ledger_forget: the ledger's cached balances are stale (a rollback). */
void sq_ledger_forget(struct sqlite_store *s);
int sq_ledger_refs(struct store *s, const char *ref_id, const char *kind, int *total, int *corrected,
		   struct bd_error *err);
int sq_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err);
int sq_ledger_verify(struct store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
		     struct bd_error *err);

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
int sq_audit_list(struct store *s, int64_t from, audit_fn fn, void *ctx, struct bd_error *err);
int sq_user_add(struct store *s, const struct user *u, struct bd_error *err);
int sq_user_passwd(struct store *s, const char *name, const char *password_hash, struct bd_error *err);
int sq_user_get(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err);
int sq_user_list(struct store *s, user_fn fn, void *ctx, struct bd_error *err);

#endif
