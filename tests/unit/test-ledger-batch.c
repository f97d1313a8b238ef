/* test-ledger-batch.c: recording a batch of events through the store, as
 * the batch-level primitives do it (engine.h: accounts_get, balances_put,
 * events_expect, org_ids; PostgreSQL appends a batch's new events in one
 * statement and looks up its accounts and ids in one each), on a fresh
 * register; tests/run runs it on both engines (BIDRAG_TEST_DB).
 *
 * What must hold whatever an engine sends when: events are numbered 1, 2,
 * 3 ... in the order recorded, with no gap, also across two batches of one
 * transaction and after refused batches; a payment attested in the batch
 * that registers it; an id twice in one batch (the same content: recorded
 * once; other content: the batch refused); a batch sent again records
 * nothing; a batch with one bad event records nothing and says which; a
 * recipient by its name as by its code; the balances kept equal the
 * replay of the events (ledger verify). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "decisionfile.h"
#include "ledger.h"
#include "refdata.h"
#include "refload.h"
#include "register.h"
#include "store.h"
#include "tap.h"

static const char decision_json[] =
	"{\"format\": \"bidrag-decision/1\", \"dnr\": \"R/1\", \"date\": \"2021-01-01\", \"title\": \"Batch\","
	" \"total\": 2100000,"
	" \"appropriations\": [{\"id\": \"a\", \"budget_year\": 2021, \"utgiftsomrade\": 9, \"anslag\": \"1:6\","
	"   \"post\": 1, \"post_name\": \"Test\"}],"
	" \"parts\": ["
	"  {\"id\": \"fri\", \"title\": \"Utan rekvisition\", \"amount\": 2100000,"
	"   \"funding\": [{\"appropriation\": \"a\", \"amount\": 2100000}], \"recipients\": \"regions\","
	"   \"rule\": {\"method\": \"equal\"},"
	"   \"payment\": {\"mode\": \"without-requisition\", \"from\": \"2021-01-01\", \"to\": \"2021-12-31\"},"
	"   \"repayment_deadline\": \"2022-03-31\", \"report_deadline\": \"2022-03-31\"}]}";

static const char *const regions[] = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
				      "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static struct store *st;

static struct ledger_input payment(const char *id, const char *recipient, int64_t ore, const char *actor)
{
	struct ledger_input e = {.id = id, .kind = EV_PAYMENT, .dnr = "R/1", .part = "fri", .recipient = recipient,
				 .actor = actor, .amount = ore};
	snprintf(e.date, sizeof(e.date), "2021-06-01");
	return e;
}

static struct ledger_input attest(const char *id, const char *ref, const char *actor)
{
	struct ledger_input e = {.id = id, .kind = EV_ATTEST, .ref = ref, .actor = actor};
	snprintf(e.date, sizeof(e.date), "2021-06-02");
	return e;
}

/* record: one batch in its own transaction; -1 when refused (rolled back). */
static int record(const struct ledger_input *in, size_t n, enum ledger_outcome *out, size_t *failed_at,
		  struct bd_error *err)
{
	if (store_begin(st, err))
		return -1;
	if (store_ledger_record(st, in, n, out, failed_at, err)) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* The journal as recorded: ids in seq order, and whether the seqs run 1, 2, 3 ... */
struct journal {
	size_t n, cap;
	char **id;
	bool gapless;
};

static int take_row(void *ctx, const struct ledger_row *r)
{
	struct journal *j = ctx;
	if (r->seq != (int64_t)j->n + 1)
		j->gapless = false;
	if (j->n == j->cap)
		j->id = xreallocarray(j->id, j->cap = j->cap ? 2 * j->cap : 256, sizeof(*j->id));
	j->id[j->n++] = xstrdup(r->id);
	return 0;
}

static void journal_release(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->id[i]);
	free(j->id);
	memset(j, 0, sizeof(*j));
}

static bool journal(struct journal *j)
{
	struct bd_error err = {0};
	journal_release(j);
	j->gapless = true;
	if (store_ledger_events(st, "R/1", take_row, j, &err)) {
		diag("reading the journal: %s", err.msg);
		return false;
	}
	return true;
}

static bool recorded(const struct journal *j, const char *id)
{
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->id[i], id) == 0)
			return true;
	return false;
}

static bool all(const enum ledger_outcome *out, size_t n, enum ledger_outcome want)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] != want)
			return false;
	return true;
}

static void problem(void *ctx, const char *msg)
{
	(*(int *)ctx)++;
	diag("ledger verify: %s", msg);
}

int main(void)
{
	char dir[] = "/tmp/bidrag-test-batch-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char path[512], datasets[512];
	snprintf(path, sizeof(path), "%s/batch.db", dir);
	/* tests/run's second pass: an empty PostgreSQL database instead. */
	const char *engine_db = getenv("BIDRAG_TEST_DB");
	if (engine_db && *engine_db)
		snprintf(path, sizeof(path), "%s", engine_db);
	snprintf(datasets, sizeof(datasets), "%s/datasets", dir);
	setenv("BIDRAG_DATASETS", datasets, 1);
	struct bd_error err = {0};
	int added = 0;
	if (!ok(refdata_load(&err) == 0 && datasets_load(&err) == 0, "reference data loaded: %s", err.msg) ||
	    !ok(store_open(&st, path, STORE_CREATE, &err) == 0, "a new register opens: %s", err.msg))
		return tap_done();
	ok(store_begin(st, &err) == 0 && store_seed_reference(st, &added, &err) == 0 && store_commit(st, &err) == 0,
	   "reference organisations seeded");
	struct decision d;
	decision_init(&d);
	enum import_outcome outcome;
	struct decision_warnings w = {0};
	ok(decisionfile_parse(&d, decision_json, strlen(decision_json), "batch", &err) == 0 &&
		   register_import(st, &d, &w, &outcome, &err) == 0,
	   "the test decision registers: %s", err.msg);
	decision_release(&d);
	decision_warnings_release(&w);

	enum { N = 1000 };
	struct ledger_input *in = xcalloc(N, sizeof(*in));
	enum ledger_outcome *out = xcalloc(N, sizeof(*out));
	char (*ids)[16] = xcalloc(N, sizeof(*ids));
	size_t at = 0;
	struct journal j = {0};

	/* A batch of 1 000 payments over every account. */
	for (size_t i = 0; i < N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "p%zu", i);
		in[i] = payment(ids[i], regions[i % NREGIONS], 100, "anna");
	}
	int rc = record(in, N, out, &at, &err);
	ok(rc == 0 && all(out, N, LEDGER_RECORDED), "a batch of %d payments is recorded (%s)", N, rc ? err.msg : "");
	bool order = journal(&j) && j.n == N;
	for (size_t i = 0; order && i < N; i++)
		order = strcmp(j.id[i], ids[i]) == 0;
	ok(order && j.gapless, "numbered 1 to %d in the order recorded (%zu events)", N, j.n);

	/* Sent again: recognised, nothing recorded. */
	rc = record(in, N, out, &at, &err);
	ok(rc == 0 && all(out, N, LEDGER_ALREADY), "the same batch again: every event already recorded (%s)",
	   rc ? err.msg : "");
	ok(journal(&j) && j.n == N, "and nothing recorded twice (%zu events)", j.n);

	/* One bad event: the batch is refused whole, and says which. */
	struct ledger_input bad[8];
	char bad_ids[8][16];
	for (size_t i = 0; i < 8; i++) {
		snprintf(bad_ids[i], sizeof(bad_ids[i]), "b%zu", i);
		bad[i] = payment(bad_ids[i], regions[i], 100, "anna");
	}
	bad[5].recipient = "no-such-region";
	rc = record(bad, 8, out, &at, &err);
	ok(rc == -1 && at == 5 && err.code == BD_NOT_FOUND, "a batch with an unknown recipient at 6: refused there (%zu: %s)",
	   at + 1, err.msg);
	bad[5].recipient = "03";
	bad[6].amount = 200000000000; /* more than the account holds */
	rc = record(bad, 8, out, &at, &err);
	ok(rc == -1 && at == 6, "a batch with a payment beyond its account at 7: refused there (%zu: %s)", at + 1, err.msg);
	ok(journal(&j) && j.n == N && !recorded(&j, "b0") && !recorded(&j, "b5"), "nothing of either is recorded");

	/* In one batch: a payment and its attestation, a second payment, the
	 * second once more (the same content), a payment of a retried event,
	 * and a recipient by its name. */
	const struct recipient *r01 = refdata_by_code("01");
	struct ledger_input mix[6] = {
		payment("q1", "03", 500, "anna"), attest("q1-a", "q1", "bertil"), payment("q2", "04", 700, "anna"),
		payment("q2", "04", 700, "anna"), in[0],                             payment("q3", r01->name, 300, "anna"),
	};
	rc = record(mix, 6, out, &at, &err);
	ok(rc == 0 && out[0] == LEDGER_RECORDED && out[1] == LEDGER_RECORDED && out[2] == LEDGER_RECORDED &&
		   out[3] == LEDGER_ALREADY && out[4] == LEDGER_ALREADY && out[5] == LEDGER_RECORDED,
	   "one batch: a payment attested in it, an id twice with the same content, a retry, a name (%s)",
	   rc ? err.msg : "");
	ok(journal(&j) && j.n == N + 4 && j.gapless && strcmp(j.id[N], "q1") == 0 && strcmp(j.id[N + 1], "q1-a") == 0 &&
		   strcmp(j.id[N + 2], "q2") == 0 && strcmp(j.id[N + 3], "q3") == 0,
	   "numbered on without a gap after the refused batches (%zu events)", j.n);
	int total = 0, corrected = 0;
	ok(store_ledger_refs(st, "q1", EV_ATTEST, &total, &corrected, &err) == 0 && total == 1,
	   "the attestation refers to the payment of its own batch (%d)", total);

	/* An id twice in one batch with other content: refused whole. */
	struct ledger_input clash[3] = {payment("c1", "05", 100, "anna"), payment("c2", "06", 100, "anna"),
					payment("c1", "05", 900, "anna")};
	rc = record(clash, 3, out, &at, &err);
	ok(rc == -1 && at == 2 && err.code == BD_CONFLICT, "an id twice in a batch with other content: refused (%zu: %s)",
	   at + 1, err.msg);
	ok(journal(&j) && j.n == N + 4 && !recorded(&j, "c1") && !recorded(&j, "c2"), "nothing of it is recorded");

	/* Two batches in one transaction, the second attesting the first's. */
	struct ledger_input first[2] = {payment("t1", "07", 100, "anna"), payment("t2", "08", 100, "anna")};
	struct ledger_input second[2] = {attest("t1-a", "t1", "cecilia"), payment("t3", "09", 100, "anna")};
	enum ledger_outcome o1[2], o2[2];
	rc = store_begin(st, &err);
	if (rc == 0)
		rc = store_ledger_record(st, first, 2, o1, &at, &err) || store_ledger_record(st, second, 2, o2, &at, &err)
			     ? -1
			     : 0;
	if (rc == 0)
		rc = store_commit(st, &err);
	else
		store_rollback(st);
	ok(rc == 0 && all(o1, 2, LEDGER_RECORDED) && all(o2, 2, LEDGER_RECORDED),
	   "two batches in one transaction, the second attesting the first's payment (%s)", rc ? err.msg : "");
	ok(journal(&j) && j.n == N + 8 && j.gapless && strcmp(j.id[N + 4], "t1") == 0 && strcmp(j.id[N + 6], "t1-a") == 0,
	   "numbered in order across both (%zu events)", j.n);

	/* Ids and text that PostgreSQL's array syntax quotes. */
	struct ledger_input odd[3] = {payment("we\"ird\\id{1}, 2", "13", 100, "an\"na"),
				      payment("NULL", "14", 100, "anna"), payment(" {}\\\"", "17", 100, "anna")};
	rc = record(odd, 3, out, &at, &err);
	ok(rc == 0 && all(out, 3, LEDGER_RECORDED) && journal(&j) && j.n == N + 11 &&
		   strcmp(j.id[N + 8], "we\"ird\\id{1}, 2") == 0 && strcmp(j.id[N + 9], "NULL") == 0 &&
		   strcmp(j.id[N + 10], " {}\\\"") == 0,
	   "ids with quotes, backslashes, braces, commas and the word NULL are kept as given (%s)", rc ? err.msg : "");
	rc = record(odd, 3, out, &at, &err);
	ok(rc == 0 && all(out, 3, LEDGER_ALREADY), "and recognised when sent again (%s)", rc ? err.msg : "");

	/* A transaction that records and then rolls back leaves nothing. */
	struct ledger_input gone[2] = {payment("g1", "10", 100, "anna"), payment("g2", "12", 100, "anna")};
	rc = store_begin(st, &err);
	if (rc == 0) {
		rc = store_ledger_record(st, gone, 2, o1, &at, &err);
		store_rollback(st);
	}
	ok(rc == 0 && journal(&j) && j.n == N + 11 && !recorded(&j, "g1"), "a batch rolled back records nothing");
	rc = record(gone, 2, o1, &at, &err);
	ok(rc == 0 && all(o1, 2, LEDGER_RECORDED) && journal(&j) && j.n == N + 13 && j.gapless,
	   "and records when sent again (%s)", rc ? err.msg : "");

	long events = 0, accounts = 0;
	int problems = 0, seen = 0;
	ok(store_ledger_verify(st, problem, &seen, &events, &accounts, &problems, &err) == 0 && problems == 0 &&
		   seen == 0 && events == (long)N + 13,
	   "ledger verify: the balances kept equal the replay (%ld events, %ld accounts, %d problems)", events,
	   accounts, problems);

	journal_release(&j);
	free(in);
	free(out);
	free(ids);
	store_close(st);
	if (!engine_db || !*engine_db) {
		snprintf(path, sizeof(path), "%s/batch.db", dir);
		unlink(path);
		char side[600];
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	rmdir(datasets);
	rmdir(dir);
	return tap_done();
}
