/* test-store.c: the store's error codes, as a caller sees them through
 * store.h, on a fresh register in a temporary file:
 *
 *  - an event that refers to no recorded event, a part that is not in the
 *    register: BD_NOT_FOUND;
 *  - an event without an id: BD_INVALID;
 *  - an organisation code added twice: refused, with a code;
 *  - with a decision registered (examples/decisions/S2020-09797.json, found
 *    from $BIDRAG_SRC or the current folder up): an event id reused with
 *    other content is BD_CONFLICT, and the same content again is
 *    LEDGER_ALREADY, not an error;
 *  - ledger verify finds the books in balance and reads them in one
 *    snapshot (no error inside a read transaction it opens itself). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "decisionfile.h"
#include "ledger.h"
#include "refload.h"
#include "register.h"
#include "store.h"
#include "tap.h"

static int record(struct store *s, const struct ledger_input *in, enum ledger_outcome *out, struct bd_error *err)
{
	size_t at;
	if (store_begin(s, err))
		return -1;
	if (store_ledger_record(s, in, 1, out, &at, err)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, err);
}

static const char *example(char *buf, size_t len)
{
	static const char *const up[] = {".", "..", "../..", "../../.."};
	const char *src = getenv("BIDRAG_SRC");
	if (src && *src) {
		snprintf(buf, len, "%s/examples/decisions/S2020-09797.json", src);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(buf, len, "%s/examples/decisions/S2020-09797.json", up[i]);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}

static void no_problem(void *ctx, const char *msg)
{
	(*(int *)ctx)++;
	diag("verify: %s", msg);
}

int main(void)
{
	char dir[] = "/tmp/bidrag-test-store-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	/* tests/run's second pass: an empty PostgreSQL database instead. */
	const char *engine_db = getenv("BIDRAG_TEST_DB");
	if (engine_db && *engine_db)
		snprintf(path, sizeof(path), "%s", engine_db);
	struct store *s;
	struct bd_error err = {0};
	if (!ok(refdata_load(&err) == 0 && datasets_load(&err) == 0, "reference data loaded: %s", err.msg))
		return tap_done();
	if (!ok(store_open(&s, path, STORE_CREATE, &err) == 0, "a new register opens: %s", err.msg))
		return tap_done();
	int added = 0;
	ok(store_begin(s, &err) == 0 && store_seed_reference(s, &added, &err) == 0 && store_commit(s, &err) == 0,
	   "reference organisations seeded (%d)", added);

	enum ledger_outcome out;
	int rc;
	struct ledger_input attest = {.id = "a1", .kind = EV_ATTEST, .ref = "no-such-event", .date = "2021-02-01",
				      .actor = "anna"};
	rc = record(s, &attest, &out, &err);
	ok(rc == -1 && err.code == BD_NOT_FOUND,
	   "an attestation of an unknown event: BD_NOT_FOUND (%d: %s)", err.code, err.msg);
	struct ledger_input pay = {.id = "p1", .kind = EV_PAYMENT, .dnr = "S2020/09797", .part = "regioner",
				   .recipient = "01", .date = "2021-02-20", .actor = "anna", .amount = 100};
	rc = record(s, &pay, &out, &err);
	ok(rc == -1 && err.code == BD_NOT_FOUND,
	   "a payment on a decision not in the register: BD_NOT_FOUND (%d: %s)", err.code, err.msg);
	struct ledger_input noid = pay;
	noid.id = NULL;
	rc = record(s, &noid, &out, &err);
	ok(rc == -1 && err.code == BD_INVALID, "an event without an id: BD_INVALID (%d: %s)",
	   err.code, err.msg);

	struct org o = {.code = "TEST-1", .name = "Testorganisation", .kind = "payee"};
	ok(store_begin(s, &err) == 0 && store_org_add(s, &o, &err) == 0 && store_commit(s, &err) == 0,
	   "an organisation added");
	rc = store_begin(s, &err);
	if (rc == 0) {
		rc = store_org_add(s, &o, &err);
		store_rollback(s);
	}
	ok(rc != 0 && err.code != BD_OK, "the same code again is refused with a code (%d: %s)", err.code, err.msg);

	char buf[1024];
	const char *file = example(buf, sizeof(buf));
	if (!file) {
		diag("examples/decisions/S2020-09797.json not found (set BIDRAG_SRC): skipping the decision cases");
	} else {
		struct decision d;
		decision_init(&d);
		struct decision_warnings w = {0};
		enum import_outcome io;
		rc = decisionfile_read(&d, file, &err);
		if (rc == 0)
			rc = register_import(s, &d, &w, &io, &err);
		decision_release(&d);
		ok(rc == 0, "a decision registered: %s", rc ? err.msg : "");
		rc = record(s, &pay, &out, &err);
		ok(rc == 0 && out == LEDGER_RECORDED, "a payment recorded: %s", rc ? err.msg : "");
		ok(record(s, &pay, &out, &err) == 0 && out == LEDGER_ALREADY, "the same again: already recorded");
		struct ledger_input other = pay;
		other.amount = 200;
		rc = record(s, &other, &out, &err);
		ok(rc == -1 && err.code == BD_CONFLICT,
		   "its id with other content: BD_CONFLICT (%d: %s)", err.code, err.msg);
		int total = -1, corrected = -1;
		ok(store_ledger_refs(s, "p1", EV_ATTEST, &total, &corrected, &err) == 0 && total == 0 && corrected == 0,
		   "no attestation refers to it yet");
	}
	int problems = 0, counted = 0;
	long events = 0, accounts = 0;
	rc = store_ledger_verify(s, no_problem, &counted, &events, &accounts, &problems, &err);
	ok(rc == 0 && problems == 0 && counted == 0 && events == (file ? 1 : 0),
	   "verify: %ld events on %ld accounts, no problem", events, accounts);
	store_close(s);
	unlink(path); /* nothing to unlink for a PostgreSQL URI: tests/run drops the database */
	char wal[600];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	return tap_done();
}
