/* bench/ledger.c: the ledger benchmark (issue 4).  Not part of the test suite.
 *
 *   bench/ledger [N]          (N events, default 10^6; or BENCH_LEDGER_N)
 *
 * Records N payment events through the storage interface (store_ledger_record)
 * in batches of 1 000, each batch one transaction (store_begin/commit; the
 * store's own WAL + synchronous=FULL), and, in the same run, inserts the same
 * rows with a bare SQLite loop (one prepared INSERT, the same batches) into a
 * second database with the same pragmas and the same table: ledger_event as
 * the store created it, read back from the ledger database, without its
 * REFERENCES clauses; and again into a third database that also holds
 * ledger_checkpoint as the store created it, writing the checkpoint rows the
 * ledger writes (the same number, checked).  Issue 16's goals: at least
 * 300 000 events/s, within 1.3x of the bare loop; both peers are reported,
 * by wall and by CPU time.  The events are dated over 2021, in order.  Then it
 * times status over the N events (store_ledger_accounts: the cached
 * balances; as of the year's end; as of 2021-07-01, which reads the balance
 * checkpoints by date, five times alternated with the same question asked
 * of the sqlite3 shell as a GROUP BY over the events, medians, then as
 * the replay of the journal that the checkpoints replace) and
 * store_ledger_verify.
 *
 * It fails (exit 1) if anything errors, if not exactly N events are recorded,
 * if verify reports a problem, if status as of the year's end differs from
 * the cached balances, or if status as of 2021-07-01 differs from the
 * events dated up to it.  A missed performance target is reported, not
 * failed.  A missed performance target is reported, not failed.
 *
 * Environment (all optional):
 *   BENCH_LEDGER_N=1000000     events (an argument takes precedence)
 *   BENCH_LEDGER_BATCH=1000    events per batch (= per transaction)
 *   BENCH_LEDGER_DAYS=365      the days of 2021 the events are spread over
 *                              (1: all on 2021-01-01, no checkpoint written)
 *   BENCH_LEDGER_DIR=DIR       where the temporary directory with the two
 *                              databases is made (default $TMPDIR, else /tmp)
 *   BENCH_LEDGER_KEEP=1        keep the databases (the path is printed)
 *
 * Built by bench/run against build-release/libbidrag.a. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "refdata.h"
#include "refload.h"
#include "decisionfile.h"
#include "register.h"
#include "store.h"

#define NKOMMUNER 290
#define DNR "B2021/00001"
#define PART "kommuner"
#define AS_OF "2021-12-31"
/* The events are spread over 2021, day by day in order; status as of the
 * middle of the year reads the checkpoints (issue 16 item 3). */
#define MID_AS_OF "2021-07-01"
#define ASOF_RUNS 5
#define ACTOR "bench"
#define AMOUNT 100 /* öre: 1 krona */

/* The synthetic decision: 1 000 000 000 kr to each of the 290 kommuner,
 * paid without requisition in 2021. */
static const char decision_json[] =
	"{\"format\": \"bidrag-decision/1\", \"dnr\": \"" DNR "\", \"date\": \"2020-12-15\","
	" \"title\": \"Benchmark: statsbidrag till kommunerna\", \"total\": 290000000000,"
	" \"appropriations\": [{\"id\": \"1\", \"budget_year\": 2021, \"utgiftsomrade\": 25,"
	"   \"utgiftsomrade_name\": \"Allm\xc3\xa4nna bidrag till kommuner\", \"anslag\": \"1:1\","
	"   \"anslag_name\": \"Kommunalekonomisk utj\xc3\xa4mning\", \"post\": 1,"
	"   \"post_name\": \"Benchmark\"}],"
	" \"parts\": [{\"id\": \"" PART "\", \"title\": \"Bidrag till kommunerna\", \"amount\": 290000000000,"
	"   \"funding\": [{\"appropriation\": \"1\", \"amount\": 290000000000}],"
	"   \"recipients\": \"kommuner\", \"rule\": {\"method\": \"equal\"},"
	"   \"payment\": {\"mode\": \"without-requisition\", \"from\": \"2021-01-01\", \"to\": \"2021-12-31\"}}]}";

/* The number of days the events are spread over (BENCH_LEDGER_DAYS). */
static long ndays = 365;

/* event_date: the date of event i of n: day i * ndays / n of 2021. */
static void event_date(long i, long n, char out[DATE_LEN])
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int day = (int)((long long)i * ndays / n), m = 0;
	while (day >= mdays[m])
		day -= mdays[m++];
	memcpy(out, "2021-00-00", DATE_LEN);
	out[5] = (char)('0' + (m + 1) / 10);
	out[6] = (char)('0' + (m + 1) % 10);
	out[8] = (char)('0' + (day + 1) / 10);
	out[9] = (char)('0' + (day + 1) % 10);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double now_s(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static double wall(void) { return now_s(CLOCK_MONOTONIC); }

/* User and system CPU seconds of the process so far. */
static void cpu(double *user, double *sys)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static char tmpdir[4096]; /* the databases' directory, once made */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench/ledger: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tmpdir[0])
		fprintf(stderr, "bench/ledger: the databases are left in %s\n", tmpdir);
	exit(1);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n <= 0)
		die("%s must be a positive integer", name);
	return n;
}

struct phase {
	double wall, user, sys, commit_wall;
	double u0, s0; /* at the start */
};

static void phase_start(struct phase *ph)
{
	memset(ph, 0, sizeof(*ph));
	cpu(&ph->u0, &ph->s0);
	ph->wall = wall();
}

static void phase_end(struct phase *ph)
{
	ph->wall = wall() - ph->wall;
	cpu(&ph->user, &ph->sys);
	ph->user -= ph->u0;
	ph->sys -= ph->s0;
}

/* ---- accounts, through the storage interface ---------------------------- */

struct accounts {
	const char *as_of;    /* for ledger_figures, as status does */
	size_t n;
	char code[NKOMMUNER + 1][16];
	struct ledger_balance bal[NKOMMUNER + 1];
	int64_t in_process, allocated; /* sums of ledger_figures, as status does */
	bool overflow;
};

static int account_cb(void *ctx, const struct ledger_account *a)
{
	struct accounts *x = ctx;
	if (x->n >= NKOMMUNER + 1) {
		x->overflow = true;
		return 0;
	}
	snprintf(x->code[x->n], sizeof(x->code[0]), "%s", a->recipient);
	x->bal[x->n] = *(const struct ledger_balance *)a->balance;
	struct ledger_figures f;
	ledger_figures(a->balance, a->terms, x->as_of, &f);
	x->in_process += f.in_process;
	x->allocated += f.allocated;
	x->n++;
	return 0;
}

static void time_accounts(struct store *s, const char *as_of, struct accounts *x, struct phase *ph)
{
	struct bd_error err;
	memset(x, 0, sizeof(*x));
	x->as_of = as_of ? as_of : AS_OF;
	phase_start(ph);
	if (store_ledger_accounts(s, NULL, NULL, NULL, as_of, account_cb, x, &err))
		die("status: %s", err.msg);
	phase_end(ph);
	if (x->overflow || x->n != NKOMMUNER)
		die("status: %s", "expected 290 accounts");
}

static void problem_cb(void *ctx, const char *msg)
{
	(*(int *)ctx)++;
	fprintf(stderr, "bench/ledger: verify: %s\n", msg);
}

/* ---- the bare SQLite loop ------------------------------------------------ */

/* The bare table is ledger_event exactly as the store created it (read from
 * the ledger database, so the baseline follows any migration), less its
 * REFERENCES clauses (the bare database has no part/org tables, and foreign
 * keys stay off) and its triggers (they fire on update and delete only).  Its
 * indexes come along: the UNIQUE id and the partial ones. */
static char *strip_references(const char *sql)
{
	size_t len = strlen(sql);
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = sql; *p;) {
		if (strncmp(p, "REFERENCES ", 11) == 0) {
			/* REFERENCES table(column) */
			const char *close = strchr(p, ')');
			if (!close)
				break;
			p = close + 1;
			while (o > out && o[-1] == ' ')
				o--;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static void bare_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("bare SQLite: %s", msg ? msg : sqlite3_errmsg(db));
}

/* 32 bytes standing in for the event's digest (the bare loop stores one,
 * a blob as ledger_event.digest is since migration 0016; computing a real
 * hash is the ledger's work). */
static void fake_digest(uint64_t i, unsigned char out[32])
{
	uint64_t z = i;
	for (int w = 0; w < 4; w++) {
		z += 0x9e3779b97f4a7c15ull;
		uint64_t x = z;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
		x ^= x >> 31;
		for (int k = 0; k < 8; k++)
			out[w * 8 + k] = (unsigned char)(x >> (56 - 8 * k));
	}
}

/* bare_run: the bare loop; with ckpt_schema (ledger_checkpoint as the store
 * created it) it also writes, in the same transactions, the checkpoint rows
 * the ledger writes: an account's day, with its balance after that day's
 * events, when its first event of a later day comes. */
static void bare_run(const char *path, const char *schema, const char *ckpt_schema, long n, long batch,
		     int64_t part_id, const int64_t *org_ids, struct phase *ph, long *ckpt_rows)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("bare SQLite: cannot open %s", path);
	bare_exec(db, "PRAGMA journal_mode = WAL");
	bare_exec(db, "PRAGMA synchronous = FULL");
	bare_exec(db, schema);
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v3(db,
			       "INSERT INTO ledger_event (id, digest, kind, part_id, org_id, amount, from_bucket, "
			       "to_bucket, date, actor, ref_seq, batch, detail, recorded) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
			       -1, SQLITE_PREPARE_PERSISTENT, &ins, NULL) != SQLITE_OK)
		die("bare SQLite: %s", sqlite3_errmsg(db));
	sqlite3_stmt *ck = NULL;
	if (ckpt_schema) {
		bare_exec(db, ckpt_schema);
		if (sqlite3_prepare_v3(db,
				       "INSERT INTO ledger_checkpoint (part_id, org_id, date, allocated, avail, "
				       "requisitioned, registered, attested, paid, lapsed, claimed, repaid, reports) "
				       "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, 0, 0, 0, 0, 0, 0)",
				       -1, SQLITE_PREPARE_PERSISTENT, &ck, NULL) != SQLITE_OK)
			die("bare SQLite: %s", sqlite3_errmsg(db));
	}
	static char last[NKOMMUNER][DATE_LEN]; /* each account's last day, "" before its first event */
	static int64_t reg[NKOMMUNER];
	memset(last, 0, sizeof(last));
	memset(reg, 0, sizeof(reg));
	*ckpt_rows = 0;
	char id[24], recorded[32], date[DATE_LEN];
	unsigned char digest[32];
	phase_start(ph);
	for (long i = 0; i < n; i += batch) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(recorded, sizeof(recorded), "%Y-%m-%dT%H:%M:%SZ", &tm);
		bare_exec(db, "BEGIN IMMEDIATE");
		long end = i + batch < n ? i + batch : n;
		for (long j = i; j < end; j++) {
			snprintf(id, sizeof(id), "p%ld", j);
			fake_digest((uint64_t)j, digest);
			sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_blob(ins, 2, digest, 32, SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, "payment", -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 4, part_id);
			sqlite3_bind_int64(ins, 5, org_ids[j % NKOMMUNER]);
			sqlite3_bind_int64(ins, 6, AMOUNT);
			sqlite3_bind_text(ins, 7, "avail", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 8, "registered", -1, SQLITE_STATIC);
			event_date(j, n, date);
			sqlite3_bind_text(ins, 9, date, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 10, ACTOR, -1, SQLITE_STATIC);
			sqlite3_bind_null(ins, 11);
			sqlite3_bind_null(ins, 12);
			sqlite3_bind_null(ins, 13);
			sqlite3_bind_text(ins, 14, recorded, -1, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				die("bare SQLite: %s", sqlite3_errmsg(db));
			sqlite3_reset(ins);
			long a = j % NKOMMUNER;
			if (ck && last[a][0] && strcmp(date, last[a]) > 0) {
				const int64_t alloc = (int64_t)1000000000 * 100; /* öre */
				sqlite3_bind_int64(ck, 1, part_id);
				sqlite3_bind_int64(ck, 2, org_ids[a]);
				sqlite3_bind_text(ck, 3, last[a], -1, SQLITE_STATIC);
				sqlite3_bind_int64(ck, 4, alloc);
				sqlite3_bind_int64(ck, 5, alloc - reg[a]);
				sqlite3_bind_int64(ck, 6, reg[a]);
				if (sqlite3_step(ck) != SQLITE_DONE)
					die("bare SQLite: %s", sqlite3_errmsg(db));
				sqlite3_reset(ck);
				(*ckpt_rows)++;
			}
			memcpy(last[a], date, DATE_LEN);
			reg[a] += AMOUNT;
		}
		double tc = wall();
		bare_exec(db, "COMMIT");
		ph->commit_wall += wall() - tc;
	}
	phase_end(ph);
	sqlite3_finalize(ins);
	sqlite3_finalize(ck);
	sqlite3_stmt *cnt;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM ledger_event", -1, &cnt, NULL);
	long rows = sqlite3_step(cnt) == SQLITE_ROW ? (long)sqlite3_column_int64(cnt, 0) : -1;
	sqlite3_finalize(cnt);
	sqlite3_close(db);
	if (rows != n)
		die("bare SQLite: %s", "the table does not hold N rows");
}

/* read_schema: a table's CREATE TABLE and its indexes, as the store made
 * them, less their REFERENCES clauses. */
static char *read_schema(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	/* The table first, then its indexes (sqlite_autoindex_* have no SQL). */
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE tbl_name = ?1 AND "
				   "type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type = 'index', rowid",
			       -1, &st, NULL) != SQLITE_OK)
		die("reading the schema: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	size_t cap = 1, len = 0;
	char *schema = calloc(1, 1);
	while (schema && sqlite3_step(st) == SQLITE_ROW) {
		char *one = strip_references((const char *)sqlite3_column_text(st, 0));
		if (!one)
			die("%s", "out of memory");
		size_t n = strlen(one);
		cap += n + 2;
		char *grown = realloc(schema, cap);
		if (!grown)
			die("%s", "out of memory");
		schema = grown;
		memcpy(schema + len, one, n);
		len += n;
		schema[len++] = ';';
		schema[len++] = '\n';
		schema[len] = '\0';
		free(one);
	}
	sqlite3_finalize(st);
	if (!schema || !strstr(schema, "CREATE TABLE") || strstr(schema, "REFERENCES"))
		die("reading the schema: no usable CREATE TABLE %s", table);
	return schema;
}

/* The ids the ledger database gave the part and the kommuner, so that the
 * bare rows carry the same values, and the bare schema (above).  (Read with
 * SQLite directly: this is the benchmark's own bookkeeping, not the store's.) */
static char *ledger_ids(const char *path, const struct accounts *acc, int64_t *part_id, int64_t *org_ids,
			char **ckpt_schema)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT p.id FROM part p JOIN decision d ON d.id = p.decision_id "
				   "WHERE d.dnr = '" DNR "' AND p.code = '" PART "'",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		die("reading ids: %s", sqlite3_errmsg(db));
	*part_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT id FROM org WHERE code = ?1", -1, &st, NULL) != SQLITE_OK)
		die("reading ids: %s", sqlite3_errmsg(db));
	for (size_t k = 0; k < NKOMMUNER; k++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, acc->code[k], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			die("reading ids: no org %s", acc->code[k]);
		org_ids[k] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	char *schema = read_schema(db, "ledger_event");
	*ckpt_schema = read_schema(db, "ledger_checkpoint");
	sqlite3_close(db);
	return schema;
}

/* ---- main ------------------------------------------------------------------ */

static const char *yes(bool ok) { return ok ? "yes" : "NO"; }

int main(int argc, char **argv)
{
	long n = env_long("BENCH_LEDGER_N", 1000000);
	if (argc > 1) {
		char *end;
		n = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end || n <= 0)
			die("usage: bench/ledger [N]  (N events, default 10^6): not a positive integer: %s", argv[1]);
	}
	long batch = env_long("BENCH_LEDGER_BATCH", 1000);
	ndays = env_long("BENCH_LEDGER_DAYS", 365);
	if (ndays > 365)
		die("BENCH_LEDGER_DAYS must be at most 365 (the days of 2021)");
	const char *base = getenv("BENCH_LEDGER_DIR");
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/bidrag-bench-ledger-XXXXXX", base);
	if (!mkdtemp(dir))
		die("cannot make a temporary directory under %s", base);
	snprintf(tmpdir, sizeof(tmpdir), "%s", dir);
	char ledger_db[4200], bare_db[4200], bare_ck_db[4200];
	snprintf(ledger_db, sizeof(ledger_db), "%s/ledger.db", dir);
	snprintf(bare_db, sizeof(bare_db), "%s/bare.db", dir);
	snprintf(bare_ck_db, sizeof(bare_ck_db), "%s/bare-ckpt.db", dir);
	printf("ledger benchmark: %ld payment events in batches of %ld, databases in %s\n", n, batch, dir);
	printf("SQLite %s (runtime), journal_mode=WAL, synchronous=FULL\n", sqlite3_libversion());
	fflush(stdout);

	/* 1. A fresh register with the synthetic decision. */
	struct bd_error err;
	struct store *s;
	if (refdata_load(&err))
		die("%s", err.msg);
	if (store_open(&s, ledger_db, STORE_CREATE, &err))
		die("%s", err.msg);
	int added;
	if (store_begin(s, &err) || store_seed_reference(s, &added, &err) || store_commit(s, &err))
		die("seeding: %s", err.msg);
	struct decision d;
	decision_init(&d);
	struct decision_warnings w = {0};
	enum import_outcome io;
	if (decisionfile_parse(&d, decision_json, sizeof(decision_json) - 1, "bench decision", &err))
		die("%s", err.msg);
	if (register_import(s, &d, &w, &io, &err))
		die("registering the decision: %s", err.msg);
	for (size_t i = 0; i < w.n; i++)
		fprintf(stderr, "bench/ledger: warning: %s\n", w.msg[i]);
	decision_warnings_release(&w);
	decision_release(&d);

	/* The 290 recipients, in allocation order, as the store lists them. */
	static struct accounts acc, st_cached, st_replay;
	struct phase ph_setup, st_c, st_r, ver;
	time_accounts(s, NULL, &acc, &ph_setup);

	/* 2. The bare SQLite baseline, always first, then the ledger. */
	int64_t part_id, org_ids[NKOMMUNER];
	char *ckpt_schema = NULL;
	char *schema = ledger_ids(ledger_db, &acc, &part_id, org_ids, &ckpt_schema);
	struct phase bare, bare_ck, led;
	long bare_rows = 0, bare_ck_rows = 0;
	printf("bare SQLite insert loop...\n");
	fflush(stdout);
	bare_run(bare_db, schema, NULL, n, batch, part_id, org_ids, &bare, &bare_rows);
	printf("bare SQLite insert loop with the checkpoint rows...\n");
	fflush(stdout);
	bare_run(bare_ck_db, schema, ckpt_schema, n, batch, part_id, org_ids, &bare_ck, &bare_ck_rows);
	free(schema);
	free(ckpt_schema);

	/* 3. The ledger. */
	printf("ledger (store_ledger_record)...\n");
	fflush(stdout);
	struct ledger_input *ev = calloc((size_t)batch, sizeof(*ev));
	enum ledger_outcome *out = calloc((size_t)batch, sizeof(*out));
	char (*ids)[24] = calloc((size_t)batch, sizeof(*ids));
	if (!ev || !out || !ids)
		die("%s", "out of memory");
	long recorded = 0, already = 0;
	static int64_t mid_registered[NKOMMUNER]; /* per account, the events dated up to MID_AS_OF */
	double record_wall = 0, commit_wall = 0;
	phase_start(&led);
	for (long i = 0; i < n; i += batch) {
		long m = i + batch < n ? batch : n - i;
		for (long j = 0; j < m; j++) {
			snprintf(ids[j], sizeof(ids[j]), "p%ld", i + j);
			ev[j] = (struct ledger_input){
				.id = ids[j],
				.kind = EV_PAYMENT,
				.dnr = DNR,
				.part = PART,
				.recipient = acc.code[(i + j) % NKOMMUNER],
				.actor = ACTOR,
				.amount = AMOUNT,
			};
			event_date(i + j, n, ev[j].date);
			if (strcmp(ev[j].date, MID_AS_OF) <= 0)
				mid_registered[(i + j) % NKOMMUNER] += AMOUNT;
		}
		size_t failed_at = 0;
		if (store_begin(s, &err))
			die("begin: %s", err.msg);
		double tr = wall();
		if (store_ledger_record(s, ev, (size_t)m, out, &failed_at, &err)) {
			fprintf(stderr, "bench/ledger: event %s: ", ev[failed_at].id);
			die("%s", err.msg);
		}
		double tc = wall();
		if (store_commit(s, &err))
			die("commit: %s", err.msg);
		double te = wall();
		record_wall += tc - tr;
		commit_wall += te - tc;
		for (long j = 0; j < m; j++) {
			if (out[j] == LEDGER_RECORDED)
				recorded++;
			else
				already++;
		}
	}
	phase_end(&led);
	led.commit_wall = commit_wall;
	free(ev);
	free(out);
	free(ids);

	/* 4. Status: the cached balances, and the replay of the events. */
	printf("status...\n");
	fflush(stdout);
	time_accounts(s, NULL, &st_cached, &st_c);
	time_accounts(s, AS_OF, &st_replay, &st_r);
	double status_cached = st_c.wall, status_replay = st_r.wall;
	bool same = true;
	int64_t registered = 0;
	for (size_t k = 0; k < NKOMMUNER; k++) {
		registered += st_cached.bal[k].b[B_REGISTERED];
		if (strcmp(st_cached.code[k], st_replay.code[k]) != 0 || st_cached.bal[k].reports != st_replay.bal[k].reports ||
		    memcmp(st_cached.bal[k].b, st_replay.bal[k].b, sizeof(st_cached.bal[k].b)) != 0)
			same = false;
	}

	/* 4b. Status as of the middle of the year (the checkpoints), beside
	 * the same question asked of the sqlite3 shell as a GROUP BY over the
	 * events: A B A B, medians. */
	printf("status --as-of %s beside the sqlite3 shell...\n", MID_AS_OF);
	fflush(stdout);
	static struct accounts st_mid;
	double asof_t[ASOF_RUNS], shell_t[ASOF_RUNS];
	char shell[4600];
	snprintf(shell, sizeof(shell),
		 "sqlite3 -readonly '%s' \"SELECT part_id, org_id, from_bucket, to_bucket, sum(amount), count(*), "
		 "max(date) FROM ledger_event WHERE date <= '%s' GROUP BY part_id, org_id, from_bucket, to_bucket\" "
		 ">/dev/null",
		 ledger_db, MID_AS_OF);
	bool mid_right = true;
	for (int k = 0; k < ASOF_RUNS; k++) {
		struct phase ph;
		time_accounts(s, MID_AS_OF, &st_mid, &ph);
		asof_t[k] = ph.wall;
		for (size_t a = 0; a < NKOMMUNER; a++)
			if (st_mid.bal[a].b[B_REGISTERED] != mid_registered[a])
				mid_right = false;
		double t0 = wall();
		if (system(shell) != 0)
			die("the sqlite3 shell failed: %s", shell);
		shell_t[k] = wall() - t0;
	}
	double asof_mid = median(asof_t, ASOF_RUNS), shell_mid = median(shell_t, ASOF_RUNS);
	/* The same status as before the checkpoints: marked incomplete (as a
	 * register from before migration 0015), the store replays the journal. */
	char mark[4400];
	double replay_t[ASOF_RUNS];
	snprintf(mark, sizeof(mark), "sqlite3 '%s' 'UPDATE ledger_checkpoint_state SET complete = 0'", ledger_db);
	if (system(mark) != 0)
		die("the sqlite3 shell failed: %s", mark);
	for (int k = 0; k < ASOF_RUNS; k++) {
		struct phase ph;
		time_accounts(s, MID_AS_OF, &st_mid, &ph);
		replay_t[k] = ph.wall;
		for (size_t a = 0; a < NKOMMUNER; a++)
			if (st_mid.bal[a].b[B_REGISTERED] != mid_registered[a])
				mid_right = false;
	}
	snprintf(mark, sizeof(mark), "sqlite3 '%s' 'UPDATE ledger_checkpoint_state SET complete = 1'", ledger_db);
	if (system(mark) != 0)
		die("the sqlite3 shell failed: %s", mark);
	double replay_mid = median(replay_t, ASOF_RUNS);

	/* 5. Verify. */
	printf("verify...\n");
	fflush(stdout);
	long vevents = 0, vaccounts = 0;
	int problems = 0, seen = 0;
	phase_start(&ver);
	if (store_ledger_verify(s, problem_cb, &seen, &vevents, &vaccounts, &problems, &err))
		die("verify: %s", err.msg);
	phase_end(&ver);
	double verify_s = ver.wall;
	store_close(s);
	/* The checkpoint rows the ledger wrote: the peer with checkpoints must
	 * have written as many. */
	long led_ck_rows = -1;
	{
		sqlite3 *db;
		sqlite3_stmt *cnt;
		if (sqlite3_open_v2(ledger_db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM ledger_checkpoint", -1, &cnt, NULL) == SQLITE_OK) {
			if (sqlite3_step(cnt) == SQLITE_ROW)
				led_ck_rows = (long)sqlite3_column_int64(cnt, 0);
			sqlite3_finalize(cnt);
		}
		sqlite3_close(db);
	}

	/* Report.  Issue 16's goals: at least 300 000 events/s, within 1.3x of
	 * the bare loop writing the same rows with the same durability. */
	double ev_s = (double)n / led.wall, bare_s = (double)n / bare.wall, ratio = led.wall / bare.wall;
	double bare_ck_s = (double)n / bare_ck.wall, ratio_ck = led.wall / bare_ck.wall;
	double led_cpu = led.user + led.sys, cpu_ratio = led_cpu / (bare.user + bare.sys),
	       cpu_ratio_ck = led_cpu / (bare_ck.user + bare_ck.sys);
	long batches = (n + batch - 1) / batch;
	printf("\n");
	printf("%-44s %14s %12s %4s\n", "measure", "value", "target", "met");
	printf("%-44s %14.0f %12s %4s\n", "ledger record, events/s", ev_s, ">= 300000", yes(ev_s >= 300000));
	printf("%-44s %14.0f %12s %4s\n", "bare SQLite insert loop, rows/s", bare_s, "(baseline)", "");
	printf("%-44s %14.0f %12s %4s\n", "bare loop + the checkpoint rows, events/s", bare_ck_s, "(baseline)", "");
	printf("%-44s %13.2fx %12s %4s\n", "ledger time / bare time", ratio, "<= 1.3x", yes(ratio <= 1.3));
	printf("%-44s %13.2fx %12s %4s\n", "ledger CPU / bare CPU (user + sys)", cpu_ratio, "<= 1.3x",
	       yes(cpu_ratio <= 1.3));
	printf("%-44s %13.2fx %12s %4s\n", "ledger time / bare + checkpoints time", ratio_ck, "<= 1.3x",
	       yes(ratio_ck <= 1.3));
	printf("%-44s %13.2fx %12s %4s\n", "ledger CPU / bare + checkpoints CPU", cpu_ratio_ck, "<= 1.3x",
	       yes(cpu_ratio_ck <= 1.3));
	printf("%-44s %13.3fs %12s %4s\n", "status, cached balances (bidrag status)", status_cached, "< 1 s",
	       yes(status_cached < 1));
	printf("%-44s %13.3fs %12s %4s\n", "status --as-of " AS_OF " (the year's end)", status_replay, "(< 1 s)",
	       yes(status_replay < 1));
	printf("%-44s %13.3fs %12s %4s\n", "status --as-of " MID_AS_OF ", checkpoints", asof_mid, "<= 0.1 s",
	       yes(asof_mid <= 0.1));
	printf("%-44s %13.3fs %12s %4s\n", "sqlite3 shell GROUP BY, the same question", shell_mid, "(peer)", "");
	printf("%-44s %13.2fx %12s %4s\n", "sqlite3 shell time / status --as-of time", shell_mid / asof_mid, "", "");
	printf("%-44s %13.3fs %12s %4s\n", "status --as-of " MID_AS_OF ", journal replayed", replay_mid, "(before)", "");
	printf("%-44s %13.3fs %12s %4s\n", "ledger verify", verify_s, "(none)", "");
	printf("\n");
	printf("ledger: %.2f s wall (%.2f s user, %.2f s sys); in store_ledger_record %.2f s, in store_commit %.2f s "
	       "(%ld commits, %.2f ms each)\n",
	       led.wall, led.user, led.sys, record_wall, led.commit_wall, batches,
	       1e3 * led.commit_wall / (double)batches);
	printf("bare:   %.2f s wall (%.2f s user, %.2f s sys); in inserts %.2f s, in COMMIT %.2f s (%.2f ms each)\n",
	       bare.wall, bare.user, bare.sys, bare.wall - bare.commit_wall, bare.commit_wall,
	       1e3 * bare.commit_wall / (double)batches);
	printf("bare + checkpoints: %.2f s wall (%.2f s user, %.2f s sys); in inserts %.2f s, in COMMIT %.2f s "
	       "(%.2f ms each); %ld checkpoint rows (the ledger: %ld)\n",
	       bare_ck.wall, bare_ck.user, bare_ck.sys, bare_ck.wall - bare_ck.commit_wall, bare_ck.commit_wall,
	       1e3 * bare_ck.commit_wall / (double)batches, bare_ck_rows, led_ck_rows);
	printf("as of the year's end: %.2f s wall (%.2f s user, %.2f s sys); verify: %.2f s wall (%.2f s user, %.2f s sys)\n",
	       st_r.wall, st_r.user, st_r.sys, ver.wall, ver.user, ver.sys);
	printf("status: the target is measured on the cached balances (what 'bidrag status' reads without\n"
	       "        --as-of); as of %s (after every event: the kept balances again) against the same 1 s;\n"
	       "        as of %s the checkpoints by date, against 0.1 s (issue 16).\n",
	       AS_OF, MID_AS_OF);
	printf("checks: %ld recorded, %ld already recorded; verify: %ld events, %ld accounts, %d problems;\n"
	       "        status as of the year's end %s the cached balances; registered = %" PRId64 " öre (expected %" PRId64 ")\n",
	       recorded, already, vevents, vaccounts, problems, same ? "equals" : "DIFFERS FROM", registered,
	       (int64_t)n * AMOUNT);

	int rc = 0;
	if (recorded != n || vevents != n) {
		fprintf(stderr, "bench/ledger: FAILED: %ld events recorded, %ld verified, expected %ld\n", recorded,
			vevents, n);
		rc = 1;
	}
	if (bare_ck_rows != led_ck_rows) {
		fprintf(stderr, "bench/ledger: FAILED: the ledger wrote %ld checkpoint rows, the bare peer %ld\n",
			led_ck_rows, bare_ck_rows);
		rc = 1;
	}
	if (problems || seen) {
		fprintf(stderr, "bench/ledger: FAILED: verify reported %d problems\n", problems);
		rc = 1;
	}
	printf("as of:  %s, medians of %d runs each, alternated (status, shell, status, ...), then %d with the\n"
	       "        checkpoints marked incomplete (the replay, as before migration 0015); status as of %s, both\n"
	       "        ways, %s the events dated up to it, per account\n",
	       MID_AS_OF, ASOF_RUNS, ASOF_RUNS, MID_AS_OF, mid_right ? "equals" : "DIFFERS FROM");
	if (!mid_right) {
		fprintf(stderr, "bench/ledger: FAILED: status as of %s is wrong\n", MID_AS_OF);
		rc = 1;
	}
	if (!same || registered != (int64_t)n * AMOUNT) {
		fprintf(stderr, "bench/ledger: FAILED: the balances are wrong\n");
		rc = 1;
	}
	if (getenv("BENCH_LEDGER_KEEP") && *getenv("BENCH_LEDGER_KEEP") && strcmp(getenv("BENCH_LEDGER_KEEP"), "0")) {
		printf("kept: %s\n", dir);
	} else {
		const char *files[] = {"ledger.db",     "ledger.db-wal",     "ledger.db-shm",    "bare.db",
				       "bare.db-wal",   "bare.db-shm",       "bare-ckpt.db",     "bare-ckpt.db-wal",
				       "bare-ckpt.db-shm"};
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			char p[4300];
			snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
			unlink(p);
		}
		rmdir(dir);
	}
	return rc;
}
