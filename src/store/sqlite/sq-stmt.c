/* sq-stmt.c: the statement helper of the SQLite engine (sqlite-internal.h). */
#include "sqlite-internal.h"

static enum bd_code code_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return BD_BUSY;
	case SQLITE_CONSTRAINT:
		return BD_CONFLICT;
	default:
		return BD_IO;
	}
}

int sq_fail(struct sqlite_store *s, int rc, const char *what, struct bd_error *err)
{
	return bd_failc(err, code_of(rc), "database: %s: %s", what, sqlite3_errmsg(s->db));
}

/* The statement's end: a kept one is reset for its next use, any other
 * finalised. */
static void finish(struct sq_stmt *q)
{
	if (!q->st)
		return;
	if (q->kept) {
		sqlite3_reset(q->st);
		sqlite3_clear_bindings(q->st);
	} else {
		sqlite3_finalize(q->st);
		q->st = NULL;
	}
}

/* fail: the message first (finishing a statement may change what SQLite
 * reports), then the end. */
static int fail(struct sq_stmt *q, int rc)
{
	q->rc = rc;
	sq_fail(q->s, rc, q->what, q->err);
	finish(q);
	return -1;
}

int sq_prepare(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err)
{
	*q = (struct sq_stmt){.s = s, .what = what, .err = err, .kept = true};
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q->st, NULL);
	if (rc != SQLITE_OK) {
		q->rc = sqlite3_extended_errcode(s->db);
		sq_fail(s, q->rc, what, err);
		sqlite3_finalize(q->st);
		q->st = NULL;
		return -1;
	}
	return 0;
}

void sq_use(struct sq_stmt *q, struct sqlite_store *s, sqlite3_stmt *st, const char *what, struct bd_error *err)
{
	*q = (struct sq_stmt){.s = s, .st = st, .what = what, .err = err, .kept = true};
}

void sq_finalize(struct sq_stmt *q)
{
	sqlite3_finalize(q->st);
	q->st = NULL;
}

int sq_bind_(struct sq_stmt *q, const struct sq_arg *args, size_t n)
{
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	for (size_t i = 0; i < n; i++) {
		int col = (int)i + 1, rc;
		switch (args[i].type) {
		case SQ_ARG_TEXT:
			rc = args[i].text ? sqlite3_bind_text(q->st, col, args[i].text, -1, SQLITE_TRANSIENT)
					  : sqlite3_bind_null(q->st, col);
			break;
		case SQ_ARG_INT:
			rc = sqlite3_bind_int64(q->st, col, args[i].num);
			break;
		default:
			rc = sqlite3_bind_null(q->st, col);
			break;
		}
		if (rc != SQLITE_OK)
			return fail(q, rc);
	}
	return 0;
}

int sq_query_(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct sq_arg *args, size_t n)
{
	if (sq_prepare(q, s, sql, what, err))
		return -1;
	q->kept = false;
	return sq_bind_(q, args, n);
}

int sq_row(struct sq_stmt *q)
{
	if (!q->st)
		return 0;
	int rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return fail(q, sqlite3_extended_errcode(q->s->db));
	finish(q);
	return 0;
}

int sq_stop(struct sq_stmt *q, int ret)
{
	finish(q);
	return ret;
}

int sq_first_(struct sq_stmt *q, struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct sq_arg *args, size_t n)
{
	if (sq_query_(q, s, sql, what, err, args, n))
		return -1;
	return sq_row(q);
}

int sq_exec_(struct sq_stmt *q, const struct sq_arg *args, size_t n)
{
	if (sq_bind_(q, args, n))
		return -1;
	int rc = sq_row(q);
	if (rc > 0) /* a row where none was expected: the statement ends here */
		rc = sq_stop(q, 0);
	return rc < 0 ? -1 : sqlite3_changes(q->s->db);
}

int sq_run_(struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err, const struct sq_arg *args,
	    size_t n)
{
	struct sq_stmt q;
	if (sq_prepare(&q, s, sql, what, err))
		return -1;
	q.kept = false;
	return sq_exec_(&q, args, n);
}

int64_t sq_id_(struct sqlite_store *s, const char *sql, const char *what, struct bd_error *err,
	       const struct sq_arg *args, size_t n)
{
	struct sq_stmt q;
	int rc = sq_first_(&q, s, sql, what, err, args, n);
	if (rc <= 0)
		return rc;
	int64_t v = sq_i64(&q, 0);
	return sq_stop(&q, 0) + v;
}
