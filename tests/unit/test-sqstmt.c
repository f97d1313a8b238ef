/* test-sqstmt.c: the SQLite engine's statement helper (sq-stmt.c) on a
 * scratch database: arguments bind in order and by type (NULL text and a
 * row id of 0 bind NULL), sq_run counts the rows changed, sq_id tells no row
 * (0) from a failure (-1), a kept statement runs many times, and failures
 * carry the bd_error code a caller acts on: a constraint BD_CONFLICT, a
 * locked database BD_BUSY, bad SQL or a wrong argument count BD_IO.  Every
 * path leaves no statement open. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sqlite-internal.h"
#include "tap.h"

static int open_db(struct sqlite_store *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	return sqlite3_open(path, &s->db) == SQLITE_OK ? 0 : -1;
}

/* open_statements: statements not finalised on the connection. */
static int open_statements(struct sqlite_store *s)
{
	int n = 0;
	for (sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL); st; st = sqlite3_next_stmt(s->db, st))
		n++;
	return n;
}

int main(void)
{
	char path[] = "/tmp/test-sqstmt-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	struct sqlite_store s, other;
	struct bd_error err = {0};
	if (open_db(&s, path) || open_db(&other, path)) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}

	ok(sq_run(&s, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, n INTEGER, note TEXT)",
		  "creating a table", &err) == 0,
	   "sq_run without arguments runs a statement");
	ok(sq_run(&s, "INSERT INTO t (name, n, note) VALUES (?1, ?2, ?3)", "adding", &err, SQ_T("a"), SQ_I(5),
		  SQ_T(NULL)) == 1,
	   "sq_run binds text and integers and counts one row changed");
	ok(sq_run(&s, "INSERT INTO t (name, n) VALUES (?1, ?2)", "adding", &err, SQ_T("b"), SQ_ID(0)) == 1 &&
		   sq_run(&s, "INSERT INTO t (name, n) VALUES (?1, ?2)", "adding", &err, SQ_T("c"),
			  SQ_OPT(true, (int64_t)1 << 40)) == 1,
	   "SQ_ID(0) and SQ_OPT add rows");

	struct sq_stmt q;
	int rc = sq_first(&q, &s, "SELECT n, note FROM t WHERE name = ?1", "reading", &err, SQ_T("a"));
	ok(rc == 1 && sq_int(&q, 0) == 5 && sq_isnull(&q, 1), "sq_first gives the row; NULL text was bound as NULL");
	sq_stop(&q, 0);
	ok(sq_id(&s, "SELECT n FROM t WHERE name = 'b' AND n IS NULL", "reading", &err) == 0,
	   "a row id of 0 was bound as NULL (sq_id: 0 when there is no row)");
	ok(sq_id(&s, "SELECT n FROM t WHERE name = ?1", "reading", &err, SQ_T("c")) == (int64_t)1 << 40,
	   "sq_id reads a 64-bit integer");

	int rows = 0;
	if (sq_query(&q, &s, "SELECT name FROM t ORDER BY name", "listing", &err) == 0)
		while ((rc = sq_row(&q)) > 0)
			rows += sq_text(&q, 0)[0] - 'a' + 1;
	ok(rc == 0 && rows == 1 + 2 + 3, "sq_row walks every row and ends with 0");

	ok(sq_prepare(&q, &s, "INSERT INTO t (name, n) VALUES (?1, ?2)", "adding many", &err) == 0,
	   "sq_prepare keeps a statement");
	const char *names[] = {"d", "e", "f"};
	int changed = 0;
	for (int i = 0; i < 3; i++)
		changed += sq_exec(&q, SQ_T(names[i]), SQ_I(i));
	ok(changed == 3, "sq_exec runs a kept statement again and again");
	ok(sq_exec(&q, SQ_T("d"), SQ_I(9)) == -1 && err.code == BD_CONFLICT && q.rc == SQLITE_CONSTRAINT_UNIQUE &&
		   strstr(err.msg, "database: adding many: UNIQUE constraint failed") == err.msg,
	   "a unique key reused: BD_CONFLICT, SQLite's code kept, the message says what was done (%s)", err.msg);
	ok(sq_exec(&q, SQ_T("g"), SQ_I(7)) == 1, "the kept statement still runs after a failure");
	sq_finalize(&q);

	err = (struct bd_error){0};
	ok(sq_run(&s, "INSERT INTO t (name) VALUES (?1)", "adding", &err, SQ_T(NULL)) == -1 && err.code == BD_CONFLICT,
	   "NULL where NOT NULL is due: BD_CONFLICT");
	err = (struct bd_error){0};
	ok(sq_run(&s, "INSERT INTO t (name) VALUES (?1)", "adding", &err, SQ_T("x"), SQ_I(1)) == -1 &&
		   err.code == BD_IO,
	   "an argument too many: refused (BD_IO), not ignored (%s)", err.msg);
	err = (struct bd_error){0};
	ok(sq_id(&s, "SELECT x FROM nowhere", "reading nothing", &err) == -1 && err.code == BD_IO &&
		   strstr(err.msg, "database: reading nothing: no such table") == err.msg,
	   "bad SQL: -1, BD_IO (%s)", err.msg);

	/* Another connection holds the write lock; no busy timeout here. */
	err = (struct bd_error){0};
	sq_run(&other, "BEGIN IMMEDIATE", "beginning", &err);
	ok(sq_run(&s, "INSERT INTO t (name) VALUES ('h')", "adding", &err) == -1 && err.code == BD_BUSY,
	   "a database locked by another writer: BD_BUSY (%s)", err.msg);
	sq_run(&other, "ROLLBACK", "rolling back", &err);

	rc = sq_first(&q, &s, "SELECT name FROM t", "reading", &err);
	ok(rc == 1 && sq_stop(&q, 7) == 7, "sq_stop ends a statement early and returns its argument");
	ok(open_statements(&s) == 0 && open_statements(&other) == 0, "no statement is left open");

	sqlite3_close(s.db);
	sqlite3_close(other.db);
	unlink(path);
	return tap_done();
}
