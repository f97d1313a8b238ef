/* pg-internal.h: what the PostgreSQL engine's files share.  Not part of the
 * storage interface: nothing outside src/store/pg/ includes it. */
#ifndef BIDRAG_PG_INTERNAL_H
#define BIDRAG_PG_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libpq-fe.h>

#include "engine.h"

struct pq_prepared;
struct pq_batch;

struct pg_store {
	struct store base;
	PGconn *conn;
	int version, applied;
	bool in_tx;
	int64_t data_version;      /* pq_data_version: a new value on every call */
	struct pq_prepared *prep;  /* the statements prepared on this connection (pq-stmt.c) */
	size_t nprep, capprep;
	struct strpool *pool;      /* the strings of the last event_find or payee_get */
	struct pq_batch *batch;    /* a batch's events not sent yet (store-pg-ledger.c) */
	char *kept[4];             /* strings handed out by agreement_get and appropriation_get (pq_keep) */
};

#define P(s) ((struct pg_store *)(s))

extern const struct store_ops store_pg_ops;

static inline void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The statement helper (pq-stmt.c), the SQLite engine's sq_* in libpq: a
 * query is its SQL, its typed arguments and what it does with each row.
 *
 * - Arguments bind to $1, $2, ... in order: PQ_T text (NULL binds NULL),
 *   PQ_I an int8, PQ_ID a row id (0 or less binds NULL), PQ_OPT(has, v) an
 *   int8 or NULL, PQ_B(data, len) bytea, PQ_NULL.  A statement's first
 *   run on a connection sends it unnamed (PQexecParams: one round trip);
 *   its second prepares it (PQprepare, named by its place in the
 *   connection's list) with the arguments' types, and later runs name it
 *   (PQexecPrepared); amounts travel as int8 text, never floating point.
 * - A failure returns -1 and fills err with "database: WHAT: <server's
 *   message>" and a code from its SQLSTATE: 40001 and 40P01 (serialisation
 *   failure, deadlock) -> BD_BUSY (retry the transaction); class 23
 *   (unique, check, foreign key) and P0001 (a locking trigger) ->
 *   BD_CONFLICT; a lost connection -> BD_IO ("the database server went away
 *   during WHAT"); anything else BD_IO.  q->state keeps the SQLSTATE.
 * - The rows are fetched whole; a text column lives until the statement
 *   ends (pq_row returns 0 or -1, or pq_stop). */
enum pq_arg_type { PQ_ARG_NULL, PQ_ARG_TEXT, PQ_ARG_INT, PQ_ARG_BYTES };
struct pq_arg {
	enum pq_arg_type type;
	const char *text;
	int64_t num;
	size_t len;
	unsigned oid; /* the type declared when the statement is prepared; 0: the server infers it */
};
#define PQ_T(v) ((struct pq_arg){.type = PQ_ARG_TEXT, .text = (v), .oid = 25})
#define PQ_I(v) ((struct pq_arg){.type = PQ_ARG_INT, .num = (v), .oid = 20})
#define PQ_B(v, n) ((struct pq_arg){.type = PQ_ARG_BYTES, .text = (v), .len = (n), .oid = 17})
#define PQ_NULL ((struct pq_arg){.type = PQ_ARG_NULL})
#define PQ_NULL_I ((struct pq_arg){.type = PQ_ARG_NULL, .oid = 20})
#define PQ_OPT(has, v) ((has) ? PQ_I(v) : PQ_NULL_I)
#define PQ_ID(v) PQ_OPT((v) > 0, v)
#define PQ_ARGS(...)                                                                                                 \
	((const struct pq_arg[]){PQ_NULL, __VA_ARGS__} + 1),                                                         \
		(sizeof((const struct pq_arg[]){PQ_NULL, __VA_ARGS__}) / sizeof(struct pq_arg) - 1)

struct pq_stmt {
	struct pg_store *s;
	const char *sql;
	PGresult *res; /* NULL once ended */
	int row, nrows;
	const char *what;
	struct bd_error *err;
	int changed;   /* rows changed by the last run */
	char state[6]; /* SQLSTATE of the last failure */
};

/* pq_fail_res: fill err from a failed result (code from its SQLSTATE). */
int pq_fail_res(struct pg_store *s, const PGresult *res, const char *what, struct bd_error *err, char *state);
/* pq_session_setup: UTF-8 both ways, every transaction (also a single
 * statement outside store_begin) SERIALIZABLE, a lock not granted in 30 s
 * an error (BD_BUSY, as SQLite's busy timeout), no notices on stderr. */
int pq_session_setup(struct pg_store *s, struct bd_error *err);
/* pq_exec_sql: a command without arguments and rows (BEGIN, COMMIT, a
 * migration script); -1 with err filled. */
int pq_exec_sql(struct pg_store *s, const char *sql, const char *what, struct bd_error *err);

#define pq_query(q, s, sql, what, err, ...) pq_query_(q, s, sql, what, err, PQ_ARGS(__VA_ARGS__))
int pq_query_(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct pq_arg *args, size_t n);
#define pq_first(q, s, sql, what, err, ...) pq_first_(q, s, sql, what, err, PQ_ARGS(__VA_ARGS__))
int pq_first_(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct pq_arg *args, size_t n);
#define pq_run(s, sql, what, err, ...) pq_run_(s, sql, what, err, PQ_ARGS(__VA_ARGS__))
int pq_run_(struct pg_store *s, const char *sql, const char *what, struct bd_error *err, const struct pq_arg *args,
	    size_t n);
#define pq_id(s, sql, what, err, ...) pq_id_(s, sql, what, err, PQ_ARGS(__VA_ARGS__))
int64_t pq_id_(struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	       const struct pq_arg *args, size_t n);

/* A statement run again and again: pq_prepare names it, pq_bind runs it
 * with arguments (its rows then come by pq_row), pq_exec runs it and
 * returns the rows changed (or -1); pq_finalize ends it. */
int pq_prepare(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err);
#define pq_bind(q, ...) pq_bind_(q, PQ_ARGS(__VA_ARGS__))
int pq_bind_(struct pq_stmt *q, const struct pq_arg *args, size_t n);
#define pq_exec(q, ...) pq_exec_(q, PQ_ARGS(__VA_ARGS__))
int pq_exec_(struct pq_stmt *q, const struct pq_arg *args, size_t n);
void pq_finalize(struct pq_stmt *q);

int pq_row(struct pq_stmt *q);
int pq_stop(struct pq_stmt *q, int ret);

/* A batch's rows as one argument per column: arrays as PostgreSQL reads
 * them ('{1,2,NULL}', '{"a","b\\"c"}'), for `unnest($1::bigint[], ...)`
 * (store-pg-ledger.c).  pq_arrs_init n empty arrays; pq_arr_int and
 * pq_arr_text add an element (NULL: a null); pq_arr_end closes one and
 * gives its text, passed as PQ_IA (bigint[]) or PQ_TA (text[]). */
void pq_arrs_init(struct buf *a, size_t n);
void pq_arr_int(struct buf *b, int64_t v, bool null);
void pq_arr_text(struct buf *b, const char *v);
const char *pq_arr_end(struct buf *b);
void pq_arrs_release(struct buf *a, size_t n);
#define PQ_TA(v) ((struct pq_arg){.type = PQ_ARG_TEXT, .text = (v), .oid = 1009}) /* text[] */
#define PQ_IA(v) ((struct pq_arg){.type = PQ_ARG_TEXT, .text = (v), .oid = 1016}) /* int8[] */

static inline const char *pq_text(const struct pq_stmt *q, int col)
{
	return PQgetisnull(q->res, q->row, col) ? NULL : PQgetvalue(q->res, q->row, col);
}
int64_t pq_i64(const struct pq_stmt *q, int col);
static inline int pq_int(const struct pq_stmt *q, int col)
{
	return (int)pq_i64(q, col);
}
static inline bool pq_isnull(const struct pq_stmt *q, int col)
{
	return PQgetisnull(q->res, q->row, col);
}
/* pq_forget: the prepared statements are gone (a new connection). */
void pq_forget(struct pg_store *s);

/* pq_keep: a copy of v in the store's slot i, valid until the slot is kept
 * again or the store closes; NULL for NULL. */
static inline const char *pq_keep(struct pg_store *s, int i, const char *v)
{
	free(s->kept[i]);
	s->kept[i] = v ? xstrdup(v) : NULL;
	return s->kept[i];
}

/* The register (store-pg-register.c). */
int64_t pgr_org_id_by_code(struct pg_store *s, const char *code, struct bd_error *err);
int pgr_insert_org(struct pg_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err);
int pq_org_insert(struct store *base, const struct org *o, bool builtin, int *added, struct bd_error *err);
int pq_org_find_name(struct store *base, const char *name, int64_t *id, struct bd_error *err);
int pq_org_find_payee(struct store *base, const char *name, const char *orgnr, int64_t *id, bool *has_orgnr,
		      struct bd_error *err);
int pq_org_set_orgnr(struct store *base, int64_t id, const char *orgnr, struct bd_error *err);
int pq_group_add(struct store *base, const char *code, const char *name, const char *kind, int64_t payee,
		 const char *const *members, size_t n, int *added, struct bd_error *err);
int pq_seed_lock(struct store *base, struct bd_error *err);
int pq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err);
int pq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err);
int pq_org_set(struct store *base, const char *code, const struct org *o, struct bd_error *err);
int pq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err);
int pq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256, bool *is_new,
			struct bd_error *err);
int pq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
		      struct key_values *out, struct bd_error *err);
int pq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err);
int pq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
			 struct bd_error *err);
int pq_decision_list(struct store *base, int year, decision_fn fn, void *ctx, struct bd_error *err);
int pq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err);
int pq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err);
int pq_appropriation_get(struct store *base, const struct appropriation *a, struct engine_appropriation *out,
			 struct bd_error *err);
int pq_appropriation_add(struct store *base, const struct appropriation *a, int64_t *id, struct bd_error *err);
int pq_appropriation_set_available(struct store *base, int64_t id, int64_t available, struct bd_error *err);

/* The ops of the other files. */
int pq_event_find(struct store *s, const char *id, struct engine_event *out, struct bd_error *err);
int pq_event_append(struct store *s, const struct engine_event *e, int64_t *seq, struct bd_error *err);
int pq_event_scan(struct store *s, const char *as_of, engine_event_fn fn, void *ctx, struct bd_error *err);
int pq_event_refs(struct store *s, int64_t seq, engine_event_fn fn, void *ctx, struct bd_error *err);
int pq_accounts_get(struct store *s, struct engine_account_row *a, size_t n, struct bd_error *err);
int pq_balances_put(struct store *s, const struct engine_account_row *a, size_t n, struct bd_error *err);
int pq_events_expect(struct store *s, const char *const *ids, size_t n, struct bd_error *err);
int pq_org_ids(struct store *s, const char *const *codes, size_t n, int64_t *ids, struct bd_error *err);
/* pq_batch_flush: the events appended without a statement (events_expect)
 * sent, before any other statement runs (pq-stmt.c) and before COMMIT.
 * pq_batch_end: the batch forgotten (a transaction's end). */
int pq_batch_flush(struct pg_store *s, struct bd_error *err);
void pq_batch_end(struct pg_store *s);
int pq_part_find(struct store *s, const char *dnr, const char *code, int64_t *id, struct ledger_terms *terms,
		 struct bd_error *err);
int pq_part_get(struct store *s, int64_t id, struct ledger_terms *terms, struct bd_error *err);
int pq_part_amounts(struct store *s, int64_t part_id, int64_t *decided, int64_t *allocated, int64_t *committed,
		    struct bd_error *err);
int pq_org_id(struct store *s, const char *code, int64_t *id, struct bd_error *err);
int pq_payee_get(struct store *s, int64_t part_id, int64_t org_id, struct engine_payee out[PAYEE_CANDIDATES],
		 struct bd_error *err);
int pq_data_version(struct store *s, int64_t *version, struct bd_error *err);
int pq_account_scan(struct store *s, const char *dnr, const char *part, const char *recipient,
		    enum engine_account_order order, engine_account_fn fn, void *ctx, struct bd_error *err);
int pq_payment_scan(struct store *s, engine_payment_fn fn, void *ctx, struct bd_error *err);
int pq_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err);
int pq_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		  struct bd_error *err);
int pq_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
		      const char *data, size_t len, struct bd_error *err);
void pq_terms_from_row(const struct pq_stmt *q, int col, struct ledger_terms *t);
void pq_ledger_pool_free(struct pg_store *s);

int pq_recipient_put(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
		     struct bd_error *err);
int pq_recipient_get(struct store *s, const char *org, int year, int version, char **document, int *version_out,
		     struct bd_error *err);
int pq_recipient_list(struct store *s, const char *org, bool all, recipient_version_fn fn, void *ctx,
		      struct bd_error *err);
int pq_decision_link(struct store *s, const char *dnr, const char *org, struct decision_link *out,
		     struct bd_error *err);
int pq_generation(struct store *s, uint64_t *gen, struct bd_error *err);
int pq_audit_append(struct store *s, const char *actor, const char *action, const char *object, const char *before,
		    const char *after, struct bd_error *err);
int pq_audit_list(struct store *s, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err);
int pq_decision_warning_add(struct store *s, const struct decision_warning *w, struct bd_error *err);
int pq_decision_warnings(struct store *s, const char *dnr, decision_warning_fn fn, void *ctx,
			 struct bd_error *err);
int pq_user_add(struct store *s, const struct user *u, struct bd_error *err);
int pq_user_passwd(struct store *s, const char *name, const char *password_hash, struct bd_error *err);
int pq_user_get(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err);
int pq_user_list(struct store *s, user_fn fn, void *ctx, struct bd_error *err);
int pq_user_by_os(struct store *s, const char *account, user_fn fn, void *ctx, struct bd_error *err);
int pq_user_map(struct store *s, const char *name, const char *account, struct bd_error *err);

/* store-pg-session.c: the web application's sessions and login throttle
 * counts (engine.h). */
int pq_session_put(struct store *s, const char *token_sha256, const struct store_session *in, struct bd_error *err);
int pq_session_get(struct store *s, const char *token_sha256, struct store_session *out, struct bd_error *err);
int pq_session_touch(struct store *s, const char *token_sha256, int64_t seen, struct bd_error *err);
int pq_session_end(struct store *s, const char *token_sha256, struct bd_error *err);
int pq_session_expire(struct store *s, int64_t seen_before, int64_t created_before, struct bd_error *err);
int pq_throttle_get(struct store *s, const char *key, struct store_throttle *out, struct bd_error *err);
int pq_throttle_put(struct store *s, const char *key, const struct store_throttle *t, struct bd_error *err);
int pq_throttle_expire(struct store *s, int64_t now, int64_t first_before, struct bd_error *err);

/* Copying a register (store-pg-copy.c). */
int pq_table_names(struct store *s, copy_name_fn fn, void *ctx, struct bd_error *err);
int pq_table_scan(struct store *s, const struct copy_table *t, copy_row_fn fn, void *ctx, struct bd_error *err);
int pq_table_clear(struct store *s, const struct copy_table *t, struct bd_error *err);
int pq_table_load(struct store *s, const struct copy_table *t, const struct copy_value *row, struct bd_error *err);
int pq_table_loaded(struct store *s, const struct copy_table *t, struct bd_error *err);

#endif
