/* pq-stmt.c: the statement helper of the PostgreSQL engine (pg-internal.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "pg-internal.h"

/* A statement run on this connection: its SQL and the types of its
 * arguments (a statement is the same SQL with the same types).  The first
 * run sends it unnamed, parsed and run in one round trip (PQexecParams: a
 * command's many statements each run once, and a round trip for the
 * PREPARE of each would be wasted); the second prepares it (PQprepare),
 * and every later run names it. */
struct pq_prepared {
	char *sql;
	uint64_t hash;
	unsigned types[32];
	size_t ntypes;
	bool named; /* prepared on the server as "bd<index>" */
};

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void pq_forget(struct pg_store *s)
{
	for (size_t i = 0; i < s->nprep; i++)
		free(s->prep[i].sql);
	free(s->prep);
	s->prep = NULL;
	s->nprep = s->capprep = 0;
}

static enum bd_code code_of(const char *state)
{
	if (!state)
		return BD_IO;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return BD_BUSY;
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
		return BD_CONFLICT;
	return BD_IO;
}

/* one_line: the first line of a libpq message, without its trailing
 * newline. */
static void one_line(char *out, size_t len, const char *msg)
{
	if (!msg || !*msg)
		msg = "unknown error";
	size_t n = strcspn(msg, "\n");
	snprintf(out, len, "%.*s", (int)n, msg);
}

int pq_fail_res(struct pg_store *s, const PGresult *res, const char *what, struct bd_error *err, char *state)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state)
		snprintf(state, 6, "%s", st ? st : "");
	/* The server can die before libpq has marked the connection bad: then
	 * the error is libpq's own (no SQLSTATE) and says the connection was
	 * closed; that is the server going away too. */
	const char *cm = PQerrorMessage(s->conn);
	bool closed = !st && cm &&
		      (strstr(cm, "server closed the connection") || strstr(cm, "no connection to the server") ||
		       strstr(cm, "could not receive data from server") || strstr(cm, "could not send data to server") ||
		       strstr(cm, "terminating connection"));
	if (PQstatus(s->conn) == CONNECTION_BAD || closed || (st && strncmp(st, "08", 2) == 0) ||
	    (st && strcmp(st, "57P01") == 0)) {
		char msg[256];
		one_line(msg, sizeof(msg), PQerrorMessage(s->conn));
		return bd_failc(err, BD_UNAVAILABLE, "database: the database server went away during %s (%s)", what, msg);
	}
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[512];
	one_line(msg, sizeof(msg), primary ? primary : PQerrorMessage(s->conn));
	return bd_failc(err, code_of(st), "database: %s: %s", what, msg);
}

int pq_session_setup(struct pg_store *s, struct bd_error *err)
{
	if (PQsetClientEncoding(s->conn, "UTF8") != 0)
		return bd_failc(err, BD_IO, "database: the server does not take UTF-8");
	/* A lone statement (a read outside a write transaction: pay list,
	 * status, a web GET) runs REPEATABLE READ: one snapshot, and never
	 * aborted, where SERIALIZABLE may abort even a read-only statement
	 * with 40001 while writers commit (the 8-writer test saw 'reading
	 * payments' fail so).  It also lets read-only commands run on a hot
	 * standby, which refuses SERIALIZABLE (docs/deploy.md).  Writes name
	 * SERIALIZABLE themselves (pq_begin). */
	PGresult *res = PQexec(s->conn, "SET default_transaction_isolation = 'repeatable read'; "
				     "SET lock_timeout = '30s'; SET client_min_messages = 'warning'");
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pq_fail_res(s, res, "setting up the session", err, NULL);
	PQclear(res);
	return rc;
}

/* alive: a connection lost between transactions (a server restarted, a
 * standby promoted behind the same address) is made again before the next
 * statement, so a long-lived process (bidrag serve) recovers; one lost
 * inside a transaction is not: that transaction failed, and the caller
 * hears so (BD_IO) and may retry it whole. */
static void alive(struct pg_store *s)
{
	if (PQstatus(s->conn) != CONNECTION_BAD || s->in_tx)
		return;
	PQreset(s->conn);
	pq_forget(s); /* a new session knows none of them */
	if (PQstatus(s->conn) == CONNECTION_OK)
		pq_session_setup(s, NULL);
}

int pq_exec_sql(struct pg_store *s, const char *sql, const char *what, struct bd_error *err)
{
	if (pq_batch_flush(s, err)) /* every statement sees the events appended before it */
		return -1;
	alive(s);
	PGresult *res = PQexec(s->conn, sql);
	ExecStatusType rs = PQresultStatus(res);
	int rc = 0;
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
		rc = pq_fail_res(s, res, what, err, NULL);
	PQclear(res);
	return rc;
}

/* statement: how to run sql with these argument types on this connection:
 * its name (prepared now on its second run), or "" on its first run (sent
 * unnamed, with the types in types[]). */
static int statement(struct pg_store *s, const char *sql, const struct pq_arg *args, size_t n, char *name,
		     size_t namelen, Oid *types, const char *what, struct bd_error *err)
{
	if (n > 32)
		return bd_failc(err, BD_IO, "internal: %s: more than 32 arguments", what);
	uint64_t h = hash_sql(sql);
	struct pq_prepared *p = NULL;
	size_t i = 0;
	for (; i < s->nprep && !p; i++) {
		struct pq_prepared *c = &s->prep[i];
		if (c->hash != h || c->ntypes != n || strcmp(c->sql, sql) != 0)
			continue;
		bool same = true;
		for (size_t k = 0; k < n && same; k++)
			same = c->types[k] == args[k].oid || !args[k].oid;
		if (same)
			p = c;
	}
	if (!p) { /* its first run */
		if (s->nprep == s->capprep) {
			s->capprep = s->capprep ? 2 * s->capprep : 64;
			s->prep = xreallocarray(s->prep, s->capprep, sizeof(*s->prep));
		}
		p = &s->prep[s->nprep++];
		*p = (struct pq_prepared){.sql = xstrdup(sql), .hash = h, .ntypes = n};
		for (size_t k = 0; k < n; k++)
			types[k] = p->types[k] = args[k].oid;
		name[0] = '\0';
		return 0;
	}
	i = (size_t)(p - s->prep);
	snprintf(name, namelen, "bd%zu", i);
	if (p->named)
		return 0;
	for (size_t k = 0; k < n; k++)
		types[k] = p->types[k];
	PGresult *res = PQprepare(s->conn, name, sql, (int)n, types);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pq_fail_res(s, res, what, err, NULL);
	PQclear(res);
	if (rc)
		return -1;
	p->named = true;
	return 0;
}

static int run(struct pq_stmt *q, const struct pq_arg *args, size_t n)
{
	PQclear(q->res);
	q->res = NULL;
	q->row = -1;
	q->nrows = 0;
	q->changed = 0;
	char name[32];
	if (pq_batch_flush(q->s, q->err)) /* every statement sees the events appended before it */
		return -1;
	alive(q->s);
	Oid types[32];
	if (statement(q->s, q->sql, args, n, name, sizeof(name), types, q->what, q->err))
		return -1;
	char nums[32][24];
	const char *values[32];
	int lengths[32], formats[32];
	for (size_t k = 0; k < n; k++) {
		values[k] = NULL;
		lengths[k] = 0;
		formats[k] = 0;
		switch (args[k].type) {
		case PQ_ARG_TEXT:
			values[k] = args[k].text;
			break;
		case PQ_ARG_INT:
			snprintf(nums[k], sizeof(nums[k]), "%" PRId64, args[k].num);
			values[k] = nums[k];
			break;
		case PQ_ARG_BYTES:
			values[k] = args[k].text ? args[k].text : "";
			lengths[k] = (int)args[k].len;
			formats[k] = 1;
			break;
		default:
			break;
		}
	}
	PGresult *res = name[0] ? PQexecPrepared(q->s->conn, name, (int)n, values, lengths, formats, 0)
				: PQexecParams(q->s->conn, q->sql, (int)n, types, values, lengths, formats, 0);
	ExecStatusType rs = PQresultStatus(res);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
		pq_fail_res(q->s, res, q->what, q->err, q->state);
		PQclear(res);
		return -1;
	}
	const char *ct = PQcmdTuples(res);
	q->changed = ct && *ct ? atoi(ct) : 0;
	q->nrows = PQntuples(res);
	q->res = res;
	return 0;
}

int pq_prepare(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err)
{
	*q = (struct pq_stmt){.s = s, .sql = sql, .what = what, .err = err, .row = -1};
	return 0;
}

int pq_bind_(struct pq_stmt *q, const struct pq_arg *args, size_t n)
{
	return run(q, args, n);
}

int pq_query_(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct pq_arg *args, size_t n)
{
	pq_prepare(q, s, sql, what, err);
	return run(q, args, n);
}

int pq_row(struct pq_stmt *q)
{
	if (!q->res)
		return 0;
	if (++q->row < q->nrows)
		return 1;
	PQclear(q->res);
	q->res = NULL;
	return 0;
}

int pq_stop(struct pq_stmt *q, int ret)
{
	PQclear(q->res);
	q->res = NULL;
	return ret;
}

void pq_finalize(struct pq_stmt *q)
{
	pq_stop(q, 0);
}

int pq_first_(struct pq_stmt *q, struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	      const struct pq_arg *args, size_t n)
{
	if (pq_query_(q, s, sql, what, err, args, n))
		return -1;
	return pq_row(q);
}

int pq_exec_(struct pq_stmt *q, const struct pq_arg *args, size_t n)
{
	if (run(q, args, n))
		return -1;
	pq_stop(q, 0);
	return q->changed;
}

int pq_run_(struct pg_store *s, const char *sql, const char *what, struct bd_error *err, const struct pq_arg *args,
	    size_t n)
{
	struct pq_stmt q;
	pq_prepare(&q, s, sql, what, err);
	return pq_exec_(&q, args, n);
}

int64_t pq_id_(struct pg_store *s, const char *sql, const char *what, struct bd_error *err,
	       const struct pq_arg *args, size_t n)
{
	struct pq_stmt q;
	int rc = pq_first_(&q, s, sql, what, err, args, n);
	if (rc <= 0)
		return rc;
	int64_t v = pq_i64(&q, 0);
	return pq_stop(&q, 0) + v;
}

int64_t pq_i64(const struct pq_stmt *q, int col)
{
	if (PQgetisnull(q->res, q->row, col))
		return 0;
	const char *v = PQgetvalue(q->res, q->row, col);
	/* A boolean column (EXISTS, a comparison) reads as 1 or 0, as in SQLite. */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}
