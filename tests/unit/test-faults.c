/* test-faults.c: injected I/O faults (issue 15 item 2).  A test SQLite VFS
 * wraps the default one ("unix") and fails the Nth read, write or fsync
 * (xRead: SQLITE_IOERR_READ; xWrite: SQLITE_IOERR_WRITE, or SQLITE_FULL as
 * the unix VFS reports ENOSPC; xSync: SQLITE_IOERR_FSYNC).  It runs over two
 * scenarios, each first run clean to count its reads, writes and fsyncs:
 *
 *   init      `bidrag init` of a new register;
 *   work      on a register with users root, anna and bertil: a seed
 *             decision imported (examples/decisions/S2020-09797.json), the
 *             payees imported (examples/payees.csv), three event batches
 *             (a requisition; payments; their attestations), and a pay
 *             export (pain.001).
 *
 * The commands are the command line's own: this program is linked with the
 * objects of the bidrag executable, whose main() the linker renames
 * (-Wl,--wrap=main: __real_main is bidrag's main), so each command runs as
 * `bidrag ARGS` does, in a child process that has registered the fault VFS
 * as the default (sqlite3_vfs_register(vfs, 1)).  No fault code is in the
 * bidrag binary.
 *
 * For each kind and each N the child runs the scenario with the fault at N;
 * then, with the normal VFS:
 *   - the child did not crash, and every command that failed said why
 *     (a message on stderr) and every command that succeeded had its effect;
 *   - PRAGMA integrity_check is ok, `ledger verify` and `audit verify` pass;
 *   - every acknowledged command's effect is whole (a batch's events all
 *     there, the decision, the payees, the payment batch), and a failed
 *     one's is absent or (an fsync that failed after the commit record was
 *     written: the database keeps the transaction) whole, never partial;
 *   - the failed commands, run again, succeed, and the ledger then holds
 *     exactly the events of a clean run, each once.
 *
 * Every N is run for fsyncs; for reads and writes a deterministic sample of
 * BIDRAG_FAULTS_SAMPLE values (default 12) spread over 1..count, unless
 * BIDRAG_FAULTS=all (bench/killpoints faults), which runs every N of every
 * kind.  The counts are printed as TAP comments.
 *
 * On PostgreSQL (BIDRAG_TEST_DB, as tests/run gives it: unit/test-faults@pg)
 * the same scenarios and checks run with libpq faults instead: the Nth
 * statement fails on the server, or the server terminates the connection
 * (pg_terminate_backend) as the Nth is sent; a sample of 6 N each (each run
 * makes a database from a template), BIDRAG_FAULTS_SAMPLE more. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "tap.h"

__attribute__((format(printf, 1, 2), noreturn)) static void bail_out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("Bail out! ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	exit(1);
}

int __real_main(int argc, char **argv);
int __wrap_main(int argc, char **argv);

/* ---- the fault VFS ---------------------------------------------------- */

/* K_LIE is no fault a disk should have: the write is dropped and reported
 * done.  It checks the checks: they must see what it loses. */
/* On PostgreSQL (BIDRAG_TEST_DB): K_STMT counts the statements bidrag sends
 * (PQexec, PQexecParams, PQexecPrepared, PQprepare, wrapped by the linker);
 * K_PGERR makes the Nth fail on the server (it is replaced by a call of a
 * function that does not exist), K_PGKILL has the server terminate the
 * connection (pg_terminate_backend) just before the Nth is sent. */
enum kind { K_NONE, K_READ, K_WRITE, K_FULL, K_SYNC, K_LIE, K_STMT, K_PGERR, K_PGKILL, NKINDS };
static const char *const kind_name[NKINDS] = {"none", "read", "write (EIO)", "write (ENOSPC)", "fsync",
					      "write lost", "statement", "statement error", "backend terminated"};

static sqlite3_vfs *real_vfs;
static enum kind fault_kind = K_NONE;
static long fault_at;	   /* the 1-based call of fault_kind that fails */
static long calls[NKINDS]; /* reads, writes, syncs so far (K_WRITE counts K_FULL's too) */
static bool fired;

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
	const char *name;
};
static char fired_where[160]; /* the file and offset of the fault */

static bool hit(sqlite3_file *f, enum kind k, sqlite3_int64 off)
{
	long n = ++calls[k];
	enum kind want = fault_kind == K_FULL || fault_kind == K_LIE ? K_WRITE : fault_kind;
	if (want == k && n == fault_at) {
		const char *name = ((struct ffile *)f)->name, *slash = name ? strrchr(name, '/') : NULL;
		snprintf(fired_where, sizeof(fired_where), "%s at %lld", slash ? slash + 1 : name ? name : "(temp)",
			 (long long)off);
		fired = true;
		return true;
	}
	return false;
}

#define REAL(f) (((struct ffile *)(f))->real)
static int f_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}
static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (hit(f, K_READ, off))
		return SQLITE_IOERR_READ;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (hit(f, K_WRITE, off))
		return fault_kind == K_FULL ? SQLITE_FULL : fault_kind == K_LIE ? SQLITE_OK : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int f_sync(sqlite3_file *f, int flags)
{
	if (hit(f, K_SYNC, 0))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int f_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_check(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int f_control(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_caps(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int f_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, p);
}
static int f_shmlock(sqlite3_file *f, int off, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags); }
static void f_shmbarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int f_shmunmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
/* No memory-mapped reads: every read goes through xRead, where it can fail. */
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	(void)f, (void)off, (void)n;
	*p = NULL;
	return SQLITE_OK;
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods fault_methods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_check, f_control,
	f_sector, f_caps, f_shmmap, f_shmlock, f_shmbarrier, f_shmunmap, f_fetch, f_unfetch,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	struct ffile *ff = (struct ffile *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	ff->real->pMethods = NULL;
	ff->name = name;
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	f->pMethods = ff->real->pMethods ? &fault_methods : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; return real_vfs->xDelete(real_vfs, n, s); }
static int v_access(sqlite3_vfs *v, const char *n, int fl, int *o) { (void)v; return real_vfs->xAccess(real_vfs, n, fl, o); }
static int v_full(sqlite3_vfs *v, const char *n, int sz, char *o) { (void)v; return real_vfs->xFullPathname(real_vfs, n, sz, o); }
static void *v_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return real_vfs->xDlOpen(real_vfs, n); }
static void v_dlerror(sqlite3_vfs *v, int n, char *o) { (void)v; real_vfs->xDlError(real_vfs, n, o); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, s); }
static void v_dlclose(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xRandomness(real_vfs, n, o); }
static int v_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int v_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int v_lasterr(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xGetLastError(real_vfs, n, o); }
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, t); }

static sqlite3_vfs fault_vfs = {
	2, 0, 1024, NULL, "bidrag-fault", NULL, v_open, v_delete, v_access, v_full, v_dlopen, v_dlerror,
	v_dlsym, v_dlclose, v_random, v_sleep, v_time, v_lasterr, v_time64, NULL, NULL, NULL,
};

/* ---- the libpq faults -------------------------------------------------- */

PGresult *__real_PQexec(PGconn *c, const char *q);
PGresult *__real_PQexecParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l,
			      const int *f, int rf);
PGresult *__real_PQexecPrepared(PGconn *c, const char *name, int n, const char *const *v, const int *l, const int *f,
				int rf);
PGresult *__real_PQprepare(PGconn *c, const char *name, const char *q, int n, const Oid *t);
PGresult *__wrap_PQexec(PGconn *c, const char *q);
PGresult *__wrap_PQexecParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l,
			      const int *f, int rf);
PGresult *__wrap_PQexecPrepared(PGconn *c, const char *name, int n, const char *const *v, const int *l, const int *f,
				int rf);
PGresult *__wrap_PQprepare(PGconn *c, const char *name, const char *q, int n, const Oid *t);

static bool pg_faults; /* set in the child that runs bidrag's commands */

/* stmt: before statement Q goes out on C; a result to return instead, or NULL. */
static PGresult *stmt(PGconn *c, const char *q)
{
	if (!pg_faults)
		return NULL;
	long n = ++calls[K_STMT];
	if ((fault_kind != K_PGERR && fault_kind != K_PGKILL) || n != fault_at)
		return NULL;
	snprintf(fired_where, sizeof(fired_where), "%.60s", q ? q : "(prepared)");
	fired = true;
	if (fault_kind == K_PGERR)
		return __real_PQexec(c, "SELECT bidrag_fault_injected()");
	PQclear(__real_PQexec(c, "SELECT pg_terminate_backend(pg_backend_pid())"));
	return NULL;
}
PGresult *__wrap_PQexec(PGconn *c, const char *q)
{
	PGresult *r = stmt(c, q);
	return r ? r : __real_PQexec(c, q);
}
PGresult *__wrap_PQexecParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l,
			      const int *f, int rf)
{
	PGresult *r = stmt(c, q);
	return r ? r : __real_PQexecParams(c, q, n, t, v, l, f, rf);
}
PGresult *__wrap_PQexecPrepared(PGconn *c, const char *name, int n, const char *const *v, const int *l, const int *f,
				int rf)
{
	PGresult *r = stmt(c, NULL);
	return r ? r : __real_PQexecPrepared(c, name, n, v, l, f, rf);
}
PGresult *__wrap_PQprepare(PGconn *c, const char *name, const char *q, int n, const Oid *t)
{
	PGresult *r = stmt(c, q);
	return r ? r : __real_PQprepare(c, name, q, n, t);
}

static const char *pg_host; /* PostgreSQL: the server's socket directory */

static void fault_install(enum kind k, long at)
{
	if (pg_host) {
		fault_kind = k;
		fault_at = at;
		memset(calls, 0, sizeof(calls));
		fired = false;
		pg_faults = true;
		return;
	}
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	fault_vfs.mxPathname = real_vfs->mxPathname;
	fault_kind = k;
	fault_at = at;
	memset(calls, 0, sizeof(calls));
	fired = false;
	if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
		abort();
}

/* ---- running bidrag's commands --------------------------------------- */

static char work[256];	/* this run's folder */
static char db[300];	/* its register */
static const char *src; /* the source tree (examples/) */
#define PW "fault-test-password"

#define MAXCMD 8
struct scenario {
	const char *name;
	int ncmd;
	const char *const *cmd[MAXCMD]; /* NULL-terminated argv, without "bidrag" */
};

/* expand: $S in an argument is the source tree, $W the run's folder. */
static char *expand(const char *a)
{
	char *out = malloc(strlen(a) + strlen(src) + strlen(work) + 1), *o = out;
	for (; *a; a++) {
		if (a[0] == '$' && (a[1] == 'S' || a[1] == 'W')) {
			const char *r = a[1] == 'S' ? src : work;
			o = stpcpy(o, r);
			a++;
		} else
			*o++ = *a;
	}
	*o = 0;
	return out;
}

/* run_cmd: bidrag ARGV in this process, stdout to OUT, stderr to ERR, stdin
 * from IN (paths; NULL: /dev/null). */
static int run_cmd(const char *const *argv, const char *in, const char *out, const char *err)
{
	char *a[16];
	int n = 0;
	a[n++] = "bidrag";
	for (; *argv; argv++)
		a[n++] = expand(*argv);
	a[n] = NULL;
	fflush(NULL);
	int fin = open(in ? in : "/dev/null", O_RDONLY), fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644),
	    fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fin, 0), dup2(fo, 1), dup2(fe, 2);
	close(fin), close(fo), close(fe);
	clearerr(stdin);
	int rc = __real_main(n, a);
	fflush(NULL);
	for (int i = 1; i < n; i++)
		free(a[i]);
	return rc;
}

/* A child's report: each command's exit status, and the calls counted. */
struct report {
	int ncmd;
	int rc[MAXCMD];
	long calls[NKINDS];
	bool fired;
	char where[160];
	int fired_in; /* the command during which the fault fired (-1: none) */
};

/* run_scenario: in a child, with the fault VFS (K_NONE: counting only) when
 * K is given, every command of SC from FIRST on.  Returns 0, or -1 when the
 * child crashed (its status in *STATUS). */
static int run_scenario(const struct scenario *sc, int first, bool vfs, enum kind k, long at, struct report *r,
			int *status)
{
	int p[2];
	if (pipe(p))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (vfs)
			fault_install(k, at);
		struct report me = {.ncmd = sc->ncmd, .fired_in = -1};
		for (int i = first; i < sc->ncmd; i++) {
			char o[320], e[320];
			snprintf(o, sizeof(o), "%s/out%d", work, i);
			snprintf(e, sizeof(e), "%s/err%d", work, i);
			me.rc[i] = run_cmd(sc->cmd[i], NULL, o, e);
			if (fired && me.fired_in < 0)
				me.fired_in = i;
		}
		memcpy(me.calls, calls, sizeof(calls));
		me.fired = fired;
		memcpy(me.where, fired_where, sizeof(me.where));
		if (write(p[1], &me, sizeof(me)) != (ssize_t)sizeof(me))
			_exit(98);
		close(p[1]);
		exit(0);
	}
	close(p[1]);
	memset(r, 0, sizeof(*r));
	ssize_t got = read(p[0], r, sizeof(*r));
	close(p[0]);
	waitpid(pid, status, 0);
	if (got != (ssize_t)sizeof(*r) || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
		return -1;
	return 0;
}

/* bidrag ARGS... in a child with the normal VFS; its exit status (or 128 +
 * signal); stderr's first line in MSG. */
static int bidrag(char *msg, size_t len, const char *in, ...)
{
	const char *argv[16];
	int n = 0;
	va_list ap;
	va_start(ap, in);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 15)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	char o[320], e[320];
	snprintf(o, sizeof(o), "%s/vout", work);
	snprintf(e, sizeof(e), "%s/verr", work);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exit(run_cmd(argv, in, o, e));
	int st;
	waitpid(pid, &st, 0);
	if (msg) {
		msg[0] = 0;
		FILE *f = fopen(e, "r");
		if (f) {
			if (!fgets(msg, (int)len, f))
				msg[0] = 0;
			msg[strcspn(msg, "\n")] = 0;
			fclose(f);
		}
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- what the database holds ------------------------------------------ */

struct conn {
	sqlite3 *lite;
	PGconn *pg;
};

static void db_close(struct conn *d)
{
	if (!d)
		return;
	if (d->pg)
		PQfinish(d->pg);
	else
		sqlite3_close(d->lite);
	free(d);
}

static struct conn *db_open(void)
{
	struct conn *d = calloc(1, sizeof(*d));
	if (pg_host) {
		d->pg = PQconnectdb(db);
		if (PQstatus(d->pg) != CONNECTION_OK) {
			db_close(d);
			return NULL;
		}
		return d;
	}
	if (sqlite3_open_v2(db, &d->lite, SQLITE_OPEN_READONLY, "unix") != SQLITE_OK) {
		db_close(d);
		return NULL;
	}
	sqlite3_busy_timeout(d->lite, 5000);
	return d;
}

/* query: the first column of SQL's rows as text, separated by spaces (into OUT). */
static bool query(struct conn *c, const char *sql, char *out, size_t len)
{
	out[0] = 0;
	if (!c) {
		snprintf(out, len, "(no connection)");
		return false;
	}
	if (c->pg) {
		PGresult *r = PQexec(c->pg, sql);
		bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			snprintf(out, len, "(%s)", PQresultErrorMessage(r));
		size_t at = 0;
		for (int i = 0; ok && i < PQntuples(r) && at < len; i++)
			at += (size_t)snprintf(out + at, len - at, "%s%s", i ? " " : "", PQgetvalue(r, i, 0));
		PQclear(r);
		return ok;
	}
	sqlite3 *d = c->lite;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(d, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(out, len, "(%s)", sqlite3_errmsg(d));
		return false;
	}
	int rc;
	size_t at = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && at < len)
		at += (size_t)snprintf(out + at, len - at, "%s%s", at ? " " : "",
				       sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "");
	bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	if (!ok)
		snprintf(out, len, "(%s)", sqlite3_errmsg(d));
	sqlite3_finalize(s);
	return ok;
}

static long count(struct conn *d, const char *sql)
{
	char b[64];
	if (!query(d, sql, b, sizeof(b)))
		return -1;
	return atol(b);
}

/* ---- the scenarios ----------------------------------------------------- */

static const char *const c_init[] = {"init", NULL};
/* Each change as a user (--as, with $BIDRAG_PASSWORD): the handläggare's,
 * the attestant's attests. */
static const char *const c_decision[] = {"decision", "import", "$S/examples/decisions/S2020-09797.json", "--by", "anna",
					 NULL};
static const char *const c_payees[] = {"payee", "import", "$S/examples/payees.csv", "--user", "anna", NULL};
static const char *const c_b1[] = {"events", "import", "$W/../b1.csv", "--by", "anna", NULL};
static const char *const c_b2[] = {"events", "import", "$W/../b2.csv", "--by", "anna", NULL};
static const char *const c_b3[] = {"events", "import", "$W/../b3.csv", "--by", "bertil", NULL};
static const char *const c_pay[] = {"pay", "export", "--batch", "2021-03-01", "--date", "2021-03-01", "--by", "bertil",
				    "--output", "$W/pay.xml", NULL};

static const struct scenario s_init = {"init", 1, {c_init}};
static const struct scenario s_work = {"work", 6, {c_decision, c_payees, c_b1, c_b2, c_b3, c_pay}};

static const char *const b1_ids[] = {"rq-skr", NULL};
static const char *const b2_ids[] = {"p01", "p03", "p04", "p05", "p-skr", NULL};
static const char *const b3_ids[] = {"a01", "a03", "a04", "a05", "a-skr", NULL};

/* effect: how much of command I of the work scenario the database holds:
 * 0 none, 1 whole, 2 partial (with what in WHAT). */
static int effect(struct conn *d, int i, char *what, size_t len)
{
	long have, want;
	const char *const *ids = NULL;
	switch (i) {
	case 0:
		/* the template has no decision: every allocation row is this one's */
		have = count(d, "SELECT count(*) FROM allocation");
		want = 28;
		break;
	case 1:
		have = count(d, "SELECT count(*) FROM payee_account");
		want = 25;
		break;
	case 2: ids = b1_ids; break;
	case 3: ids = b2_ids; break;
	case 4: ids = b3_ids; break;
	default:
		/* the batch and its five payments' accounts */
		have = count(d, "SELECT count(*) FROM pay_batch WHERE id = '2021-03-01'") +
		       count(d, "SELECT count(*) FROM pay_batch_account WHERE batch = '2021-03-01'");
		want = 6;
		break;
	}
	if (ids) {
		char sql[512] = "SELECT count(*) FROM ledger_event WHERE id IN (";
		want = 0;
		for (; ids[want]; want++) {
			strcat(sql, want ? ",'" : "'");
			strcat(sql, ids[want]);
			strcat(sql, "'");
		}
		strcat(sql, ")");
		have = count(d, sql);
	}
	snprintf(what, len, "%ld of %ld", have, want);
	return have == 0 ? 0 : have == want ? 1 : 2;
}

/* ---- one faulted run and its checks ----------------------------------- */

static char base[64]; /* the test's folder: the template register, the batches */
static char events_clean[4096];
static long n_absorbed, n_kept, n_runs;

static void copy_file(const char *from, const char *to)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' 2>/dev/null", from, to);
	if (system(cmd) != 0) {
		/* the template has no WAL left: nothing to copy is fine */
	}
}

static char pg_name[64]; /* PostgreSQL: the name of BIDRAG_TEST_DB's database */

/* pg_admin: SQL on the server's database postgres.  Tried again for a few
 * seconds: DROP DATABASE ... WITH (FORCE) is refused while the server's
 * autovacuum (not ours to terminate) works on the database. */
static void pg_admin(const char *sql)
{
	char conninfo[400];
	snprintf(conninfo, sizeof(conninfo), "host=%s user=bidrag_test dbname=postgres", pg_host);
	for (int attempt = 0;; attempt++) {
		PGconn *c = PQconnectdb(conninfo);
		PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
		if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			PQfinish(c);
			return;
		}
		if (attempt == 40)
			bail_out("%s: %s", sql, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		usleep(250000);
	}
}

/* fresh: an empty run folder; for the work scenario, the template register. */
static void fresh(const struct scenario *sc)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", work, work);
	if (system(cmd) != 0)
		bail_out("cannot make %s", work);
	if (pg_host) {
		char sql[300];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s_f WITH (FORCE)", pg_name);
		pg_admin(sql);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s_f%s%s%s", pg_name, sc == &s_work ? " TEMPLATE " : "",
			 sc == &s_work ? pg_name : "", sc == &s_work ? "_t" : "");
		pg_admin(sql);
		return;
	}
	if (sc == &s_work) {
		char from[300];
		snprintf(from, sizeof(from), "%s/template.db", base);
		copy_file(from, db);
	}
}

/* check_run: the checks after a faulted (or clean) run.  Returns NULL when
 * all hold, else what failed (static). */
static const char *check_run(const struct scenario *sc, const struct report *r, int crashed, int status)
{
	static char why[1024];
	char msg[512], w[64];
	if (crashed) {
		snprintf(why, sizeof(why), "the run crashed (%s %d)", WIFSIGNALED(status) ? "signal" : "exit",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return why;
	}
	/* Every failure has a message. */
	for (int i = 0; i < sc->ncmd; i++) {
		if (!r->rc[i])
			continue;
		char e[320];
		snprintf(e, sizeof(e), "%s/err%d", work, i);
		FILE *f = fopen(e, "r");
		msg[0] = 0;
		if (f) {
			if (!fgets(msg, sizeof(msg), f))
				msg[0] = 0;
			fclose(f);
		}
		if (!msg[0]) {
			snprintf(why, sizeof(why), "command %d (%s) failed (exit %d) without a message", i, sc->cmd[i][0],
				 r->rc[i]);
			return why;
		}
	}
	if (sc == &s_init && r->rc[0]) {
		/* A failed init leaves a folder where init can run again. */
		int rc = bidrag(msg, sizeof(msg), NULL, "init", NULL);
		if (rc) {
			snprintf(why, sizeof(why), "init again after the failed init: exit %d: %s", rc, msg);
			return why;
		}
	}
	struct conn *d = db_open();
	if (!d) {
		snprintf(why, sizeof(why), "the register does not open");
		return why;
	}
	/* SQLite's check of its file; PostgreSQL's is its own WAL replay. */
	if (!pg_host && (!query(d, "PRAGMA integrity_check", msg, sizeof(msg)) || strcmp(msg, "ok") != 0)) {
		snprintf(why, sizeof(why), "integrity_check: %s", msg);
		db_close(d);
		return why;
	}
	if (sc == &s_work) {
		for (int i = 0; i < sc->ncmd; i++) {
			int e = effect(d, i, w, sizeof(w));
			if (e == 2 || (r->rc[i] == 0 && e != 1)) {
				snprintf(why, sizeof(why), "command %d (%s %s, exit %d): %s in the register", i,
					 sc->cmd[i][0], sc->cmd[i][1], r->rc[i], w);
				db_close(d);
				return why;
			}
			if (r->rc[i] && e == 1)
				n_kept++;
		}
	}
	db_close(d);
	int rc = bidrag(msg, sizeof(msg), NULL, "ledger", "verify", NULL);
	if (rc) {
		snprintf(why, sizeof(why), "ledger verify: exit %d: %s", rc, msg);
		return why;
	}
	rc = bidrag(msg, sizeof(msg), NULL, "audit", "verify", NULL);
	if (rc) {
		snprintf(why, sizeof(why), "audit verify: exit %d: %s", rc, msg);
		return why;
	}
	if (sc != &s_work)
		return NULL;
	/* The failed commands again, in order: each succeeds, and the ledger
	 * holds every event of a clean run once. */
	for (int i = 0; i < sc->ncmd; i++) {
		if (!r->rc[i])
			continue;
		const char *const *a = sc->cmd[i];
		const char *v[12] = {0};
		for (int j = 0; a[j] && j < 11; j++)
			v[j] = a[j];
		char *x[12] = {0};
		for (int j = 0; v[j]; j++)
			x[j] = expand(v[j]);
		rc = bidrag(msg, sizeof(msg), NULL, x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], NULL);
		for (int j = 0; x[j]; j++)
			free(x[j]);
		if (rc) {
			snprintf(why, sizeof(why), "command %d (%s %s) again after its fault: exit %d: %s", i, a[0], a[1], rc,
				 msg);
			return why;
		}
	}
	d = db_open();
	char ev[4096];
	query(d, "SELECT id FROM ledger_event ORDER BY id", ev, sizeof(ev));
	db_close(d);
	if (strcmp(ev, events_clean) != 0) {
		snprintf(why, sizeof(why), "after the retries the ledger holds [%.400s], a clean run [%.400s]", ev, events_clean);
		return why;
	}
	return NULL;
}

/* ---- driving every N --------------------------------------------------- */

static bool all_n;
static long sample = 12;

/* the values of N to run for a kind with COUNT calls */
static long *plan(enum kind k, long total, long *n)
{
	long *v = malloc(sizeof(long) * (size_t)(total + 1));
	*n = 0;
	/* K_LIE: every N, until the checks see one (run_kind stops there) */
	if (all_n || k == K_SYNC || k == K_LIE || total <= sample) {
		for (long i = 1; i <= total; i++)
			v[(*n)++] = i;
		return v;
	}
	/* first, last, and evenly spread between, with an offset that differs by kind */
	for (long j = 0; j < sample; j++) {
		long at = 1 + (j * (total - 1) + (long)k * 7) / (sample - 1);
		if (at > total)
			at = total;
		if (*n && v[*n - 1] >= at)
			continue;
		v[(*n)++] = at;
	}
	return v;
}

/* run_kind: the scenario with a fault of kind K at each planned N of TOTAL;
 * returns how many runs failed a check. */
static long run_kind(const struct scenario *sc, enum kind k, long total)
{
	long n;
	long *v = plan(k, total, &n);
	long bad = 0, failed_clean = 0, unfired = 0;
	const char *first_bad = NULL;
	bool quiet = k == K_LIE && !getenv("BIDRAG_FAULTS_VERBOSE");
	static char first_why[1200];
	time_t t0 = time(NULL);
	for (long i = 0; i < n; i++) {
		fresh(sc);
		struct report r;
		int status = 0;
		int crashed = run_scenario(sc, 0, true, k, v[i], &r, &status) != 0;
		n_runs++;
		if (!crashed && !r.fired)
			unfired++;
		bool anyfail = false;
		for (int c = 0; !crashed && c < sc->ncmd; c++)
			anyfail |= r.rc[c] != 0;
		if (!crashed && r.fired && !anyfail) {
			n_absorbed++;
			if (getenv("BIDRAG_FAULTS_VERBOSE"))
				diag("%s %s N=%ld absorbed: %s, during command %d", sc->name, kind_name[k], v[i], r.where,
				     r.fired_in);
		}
		if (anyfail)
			failed_clean++;
		const char *why = check_run(sc, &r, crashed, status);
		if (why) {
			if (!bad++) {
				snprintf(first_why, sizeof(first_why), "N=%ld: %s", v[i], why);
				first_bad = first_why;
			}
			if (!quiet)
				diag("%s %s N=%ld: %s", sc->name, kind_name[k], v[i], why);
			if (k == K_LIE) {
				n = i + 1;
				break;
			}
		}
	}
	if (k == K_LIE) {
		diag("%s %s: N=1..%ld, %ld found by the checks (%s)", sc->name, kind_name[k], n, bad,
		     first_bad ? first_bad : "none");
		free(v);
		return bad;
	}
	ok(bad == 0, "%s: %s fault at each of %ld N of %ld (%s): every failure with a message, the register "
		     "consistent, verified, every acknowledged batch whole, the rest absent, retries once",
	   sc->name, kind_name[k], n, total, n == total ? "every N" : "a sample");
	if (first_bad)
		diag("first: %s", first_bad);
	diag("%s %s: %ld runs in %lds, %ld with a command failing, %ld faults not reached", sc->name, kind_name[k], n,
	     (long)(time(NULL) - t0), failed_clean, unfired);
	free(v);
	return bad;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		bail_out("cannot write %s", path);
}

int __wrap_main(int argc, char **argv)
{
	(void)argc, (void)argv;
	src = getenv("BIDRAG_SRC") ? getenv("BIDRAG_SRC") : SRC_DIR;
	const char *a = getenv("BIDRAG_FAULTS");
	all_n = a && strcmp(a, "all") == 0;
	/* A PostgreSQL run makes a database from a template: a smaller sample. */
	if (getenv("BIDRAG_TEST_DB") && *getenv("BIDRAG_TEST_DB"))
		sample = 6;
	if (getenv("BIDRAG_FAULTS_SAMPLE"))
		sample = atol(getenv("BIDRAG_FAULTS_SAMPLE"));
	if (sample < 2)
		sample = 2;
	setenv("BIDRAG_PASSWORD", PW, 1);
	unsetenv("BIDRAG_USER"); /* init and the first user: the OS account's, before any user */
	unsetenv("BIDRAG_TEST_ENGINE");
	/* In memory where there is /dev/shm: the faults are the VFS's, and
	 * thousands of runs need not wait for a disk's fsyncs. */
	char tmpl[] = "/dev/shm/bidrag-faults-XXXXXX";
	if (access("/dev/shm", W_OK) != 0)
		memcpy(tmpl, "/tmp/bidrag-faults-XXXXXX", sizeof("/tmp/bidrag-faults-XXXXXX"));
	if (!mkdtemp(tmpl))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(base, sizeof(base), "%s", tmpl);
	snprintf(work, sizeof(work), "%s/run", base);
	snprintf(db, sizeof(db), "%s/run/r.db", base);
	/* PostgreSQL (tests/run: unit/test-faults@pg): databases NAME_f (each
	 * run's) and NAME_t (the template register) beside BIDRAG_TEST_DB's. */
	const char *url = getenv("BIDRAG_TEST_DB");
	if (url && *url) {
		const char *h = strstr(url, "host="), *slash = strstr(url, "@/"), *q = strchr(url, '?');
		if (!h || !slash || !q || q - slash - 2 <= 0 || q - slash - 2 > 40)
			bail_out("BIDRAG_TEST_DB '%s': expected postgresql://USER@/NAME?host=DIR", url);
		pg_host = h + 5;
		snprintf(pg_name, sizeof(pg_name), "%.*s", (int)(q - slash - 2), slash + 2);
		snprintf(db, sizeof(db), "postgresql://bidrag_test@/%s_f?host=%s", pg_name, pg_host);
	}
	setenv("BIDRAG_DB", db, 1);

	/* The batches, and the template register: init and the users. */
	char p[400];
	snprintf(p, sizeof(p), "%s/b1.csv", base);
	write_text(p, "id,kind,dnr,part,recipient,date,by,amount,signed_by\n"
		      "rq-skr,requisition,S2020/09797,skr,SKR,2021-02-16,anna,15000000,Anders Knape\n");
	snprintf(p, sizeof(p), "%s/b2.csv", base);
	write_text(p, "id,kind,dnr,part,recipient,date,by,amount\n"
		      "p01,payment,S2020/09797,regioner,01,2021-02-20,anna,1000\n"
		      "p03,payment,S2020/09797,regioner,03,2021-02-20,anna,2000\n"
		      "p04,payment,S2020/09797,regioner,04,2021-02-20,anna,3000\n"
		      "p05,payment,S2020/09797,regioner,05,2021-02-20,anna,4000\n"
		      "p-skr,payment,S2020/09797,skr,SKR,2021-02-20,anna,15000000\n");
	snprintf(p, sizeof(p), "%s/b3.csv", base);
	write_text(p, "id,kind,ref,date,by\n"
		      "a01,attest,p01,2021-02-21,bertil\n"
		      "a03,attest,p03,2021-02-21,bertil\n"
		      "a04,attest,p04,2021-02-21,bertil\n"
		      "a05,attest,p05,2021-02-21,bertil\n"
		      "a-skr,attest,p-skr,2021-02-21,bertil\n");
	snprintf(p, sizeof(p), "%s/pw", base);
	write_text(p, PW "\n");
	fresh(&s_init);
	char msg[512];
	int rc = bidrag(msg, sizeof(msg), NULL, "init", NULL);
	rc = rc ? rc : bidrag(msg, sizeof(msg), p, "user", "add", "root", "--role", "admin", NULL);
	rc = rc ? rc : bidrag(msg, sizeof(msg), p, "user", "add", "anna", "--role", "handlaggare", "--by", "root", NULL);
	rc = rc ? rc : bidrag(msg, sizeof(msg), p, "user", "add", "bertil", "--role", "attestant", "--by", "root", NULL);
	if (rc)
		bail_out("the template register: exit %d: %s", rc, msg);
	if (pg_host) {
		char sql[300];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s_t WITH (FORCE)", pg_name);
		pg_admin(sql);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s_t TEMPLATE %s_f", pg_name, pg_name);
		pg_admin(sql);
	} else {
		/* One file: the WAL checkpointed into it (sqlite3 closes it so). */
		sqlite3 *d;
		if (sqlite3_open(db, &d) != SQLITE_OK || sqlite3_exec(d, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL))
			bail_out("checkpoint the template: %s", sqlite3_errmsg(d));
		sqlite3_close(d);
		char tp[400];
		snprintf(tp, sizeof(tp), "%s/template.db", base);
		copy_file(db, tp);
	}

	const struct scenario *const scs[] = {&s_init, &s_work};
	for (size_t s = 0; s < 2; s++) {
		const struct scenario *sc = scs[s];
		/* A clean run, counting; the same run through the fault VFS with
		 * no fault must give the same results as the normal one. */
		fresh(sc);
		struct report r;
		int status;
		bool crashed = run_scenario(sc, 0, true, K_NONE, 0, &r, &status) != 0;
		bool all0 = !crashed;
		for (int i = 0; all0 && i < sc->ncmd; i++)
			all0 = r.rc[i] == 0;
		if (!ok(all0, "%s: a clean run through the fault layer succeeds", sc->name)) {
			for (int i = 0; i < sc->ncmd; i++) {
				char e[320], line[512] = "";
				snprintf(e, sizeof(e), "%s/err%d", work, i);
				FILE *f = fopen(e, "r");
				if (f) {
					if (!fgets(line, sizeof(line), f))
						line[0] = 0;
					fclose(f);
				}
				diag("command %d: exit %d: %s", i, r.rc[i], line);
			}
			continue;
		}
		const char *why = NULL;
		if (sc == &s_work) {
			/* what every run must end with */
			struct conn *d = db_open();
			query(d, "SELECT id FROM ledger_event ORDER BY id", events_clean, sizeof(events_clean));
			db_close(d);
			why = strlen(events_clean) > 20 ? NULL : "the clean run recorded no events";
		}
		why = why ? why : check_run(sc, &r, false, 0);
		ok(!why, "%s: the clean run passes the checks%s%s", sc->name, why ? ": " : "", why ? why : "");
		if (pg_host) {
			diag("%s: a clean run sends %ld statements", sc->name, r.calls[K_STMT]);
			ok(r.calls[K_STMT] > 0, "%s: the wrapper sees the scenario's statements", sc->name);
			run_kind(sc, K_PGERR, r.calls[K_STMT]);
			run_kind(sc, K_PGKILL, r.calls[K_STMT]);
			continue;
		}
		diag("%s: a clean run makes %ld reads, %ld writes and %ld fsyncs", sc->name, r.calls[K_READ],
		     r.calls[K_WRITE], r.calls[K_SYNC]);
		ok(r.calls[K_WRITE] > 0 && r.calls[K_SYNC] > 0 && r.calls[K_READ] > 0,
		   "%s: the fault VFS sees the scenario's reads, writes and fsyncs", sc->name);
		for (enum kind k = K_READ; k < K_LIE; k++)
			run_kind(sc, k, r.calls[k == K_FULL ? K_WRITE : k]);
		/* The checks can fail: writes silently lost are seen. */
		if (sc == &s_work)
			ok(run_kind(sc, K_LIE, r.calls[K_WRITE]) > 0,
			   "%s: the checks see writes silently lost (a disk that lies), for some N", sc->name);
	}
	diag("%ld faulted runs; %ld faults absorbed (every command succeeded); %ld failed commands whose "
	     "transaction was kept (whole)",
	     n_runs, n_absorbed, n_kept);
	if (pg_host) {
		char sql[300];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s_f WITH (FORCE)", pg_name);
		pg_admin(sql);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s_t WITH (FORCE)", pg_name);
		pg_admin(sql);
	}
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		diag("cannot remove %s", base);
	return tap_done();
}
