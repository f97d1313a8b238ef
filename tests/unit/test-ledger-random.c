/* test-ledger-random: random ledger operations against a real SQLite
 * register, checked after every step against an independent model.
 *
 * The model keeps its own books: per account a mirror of the buckets
 * (moved by ledger_apply, the one place the rules live) and per event its
 * own record of payments (attested by whom, executed, corrected), from which
 * it builds the references itself.  The store must accept exactly what the
 * model accepts, move exactly the same amounts, refuse a batch with one bad
 * event as a whole, recognise retries, and its replayed books must equal the
 * model's.  After every step the model's invariants are checked: no bucket
 * below zero, the buckets add up to the allocation, nothing paid beyond the
 * allocation less what lapsed, nothing paid on a requisition part beyond
 * what was requisitioned, no payment executed unattested, twice, or attested
 * by its registrar.
 *
 * Replayable: BIDRAG_SEED (default 20261124) and BIDRAG_EVENTS (default
 * 100000) pick the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "ledger.h"
#include "refdata.h"
#include "decisionfile.h"
#include "prng.h"
#include "register.h"
#include "store.h"
#include "tap.h"
#include "refload.h"

#define NACTORS 3
static const char *const actors[NACTORS] = {"anna", "bertil", "cecilia"};

struct acct {
	const char *part, *recipient;
	struct ledger_terms terms;
	struct ledger_balance bal;
	int64_t req_total; /* requisitioned, all told */
};

struct mevent {
	char id[32];
	struct ledger_input in; /* as sent (strings point at static data or id) */
	size_t acct;
	enum event_kind kind;
	int64_t moved;
	enum bucket from, to;
	long ref;          /* index of the event referred to, or -1 */
	bool attested;     /* payment: attested by an uncorrected attestation */
	bool executed, corrected;
	const char *actor;
};

static struct acct accts[32];
static size_t naccts;
static struct mevent *ev;
static size_t nev, capev;

static const char *const region_codes[] = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
					   "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"};
static const char *const rcc_codes[] = {"RCC-NORR", "RCC-STOCKHOLM-GOTLAND", "RCC-SYD", "RCC-SYDOST",
					"RCC-UPPSALA-OREBRO", "RCC-VAST"};

static const char decision_json[] =
	"{\"format\": \"bidrag-decision/1\", \"dnr\": \"R/1\", \"date\": \"2021-01-01\", \"title\": \"Slump\","
	" \"total\": 2700000,"
	" \"appropriations\": [{\"id\": \"a\", \"budget_year\": 2021, \"utgiftsomrade\": 9, \"anslag\": \"1:6\","
	"   \"post\": 1, \"post_name\": \"Test\"}],"
	" \"parts\": ["
	"  {\"id\": \"fri\", \"title\": \"Utan rekvisition\", \"amount\": 2100000,"
	"   \"funding\": [{\"appropriation\": \"a\", \"amount\": 2100000}], \"recipients\": \"regions\","
	"   \"rule\": {\"method\": \"equal\"},"
	"   \"payment\": {\"mode\": \"without-requisition\", \"from\": \"2021-01-01\", \"to\": \"2021-12-31\"},"
	"   \"repayment_deadline\": \"2022-03-31\", \"report_deadline\": \"2022-03-31\"},"
	"  {\"id\": \"rek\", \"title\": \"Efter rekvisition\", \"amount\": 600000,"
	"   \"funding\": [{\"appropriation\": \"a\", \"amount\": 600000}], \"recipients\": \"rcc\","
	"   \"rule\": {\"method\": \"equal\"},"
	"   \"payment\": {\"mode\": \"requisition\", \"deadline\": \"2021-06-30\", \"lapses\": true},"
	"   \"repayment_deadline\": \"2022-03-31\", \"report_deadline\": \"2022-03-31\"}]}";

static void setup_accounts(void)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(region_codes); i++) {
		struct acct *a = &accts[naccts++];
		a->part = "fri";
		a->recipient = region_codes[i];
		a->terms.mode = PAY_WITHOUT_REQUISITION;
		strcpy(a->terms.from, "2021-01-01");
		strcpy(a->terms.to, "2021-12-31");
		strcpy(a->terms.decision_date, "2021-01-01");
		ledger_open(&a->bal, 100000 * 100);
	}
	for (size_t i = 0; i < BD_ARRAY_LEN(rcc_codes); i++) {
		struct acct *a = &accts[naccts++];
		a->part = "rek";
		a->recipient = rcc_codes[i];
		a->terms.mode = PAY_REQUISITION;
		a->terms.lapses = true;
		strcpy(a->terms.deadline, "2021-06-30");
		strcpy(a->terms.decision_date, "2021-01-01");
		ledger_open(&a->bal, 100000 * 100);
	}
}

/* The model's reference for event r, as it knows it. */
static struct ledger_ref model_ref(long r)
{
	struct ledger_ref ref = {0};
	const struct mevent *e = &ev[r];
	ref.kind = e->kind;
	ref.amount = e->moved;
	ref.from = e->from;
	ref.to = e->to;
	snprintf(ref.actor, sizeof(ref.actor), "%s", e->actor);
	const struct mevent *pay = e->kind == EV_ATTEST ? &ev[e->ref] : e;
	ref.attested = pay->attested;
	ref.executed = pay->executed;
	ref.corrected = pay->corrected;
	ref.ref_corrected = e->corrected;
	return ref;
}

/* Apply event i to the model (balances and states); returns the rule's
 * verdict.  bal is the balance to move (a batch works on copies). */
static int model_apply(size_t i, struct ledger_balance *bal, struct bd_error *err)
{
	struct mevent *e = &ev[i];
	struct ledger_event le = {.kind = e->kind, .actor = e->actor, .amount = e->in.amount,
				  .override = e->in.override, .received_given = e->in.received_given};
	memcpy(le.date, e->in.date, DATE_LEN);
	struct ledger_ref ref;
	if (e->ref >= 0)
		ref = model_ref(e->ref);
	if (ledger_apply(bal, &accts[e->acct].terms, &le, e->ref >= 0 ? &ref : NULL, err))
		return -1;
	e->moved = le.moved;
	e->from = le.from;
	e->to = le.to;
	return 0;
}

/* The states that follow from an accepted event. */
static void model_commit_states(size_t i)
{
	struct mevent *e = &ev[i];
	struct acct *a = &accts[e->acct];
	if (e->kind == EV_REQUISITION)
		a->req_total += e->moved;
	if (e->kind == EV_ATTEST)
		ev[e->ref].attested = true;
	if (e->kind == EV_EXECUTE)
		ev[e->ref].executed = true;
	if (e->kind == EV_CORRECTION) {
		struct mevent *r = &ev[e->ref];
		r->corrected = true;
		if (r->kind == EV_ATTEST)
			ev[r->ref].attested = false;
		if (r->kind == EV_REQUISITION)
			a->req_total -= r->moved;
	}
}

static bool invariants(char *why, size_t n)
{
	for (size_t i = 0; i < naccts; i++) {
		const struct acct *a = &accts[i];
		const struct ledger_balance *b = &a->bal;
		struct bd_error e;
		if (ledger_balance_check(b, &e)) {
			snprintf(why, n, "%s/%s: %s", a->part, a->recipient, e.msg);
			return false;
		}
		int64_t out = b->b[B_PAID] + b->b[B_CLAIMED] + b->b[B_REPAID];
		int64_t committed = out + b->b[B_REGISTERED] + b->b[B_ATTESTED];
		if (committed > b->allocated - b->b[B_LAPSED]) {
			snprintf(why, n, "%s/%s: more paid or payable than allocated less lapsed", a->part, a->recipient);
			return false;
		}
		if (a->terms.mode == PAY_REQUISITION && committed > a->req_total) {
			snprintf(why, n, "%s/%s: more paid than requisitioned", a->part, a->recipient);
			return false;
		}
	}
	return true;
}

static struct store *st;
static char today[32] = "2021-01-01";


static void next_day(void)
{
	int y, m, d;
	sscanf(today, "%d-%d-%d", &y, &m, &d);
	static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (++d > md[m - 1]) {
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
}

/* The events the store has recorded (references point only at these). */
static size_t *accepted_list;
static long accepted;

static long pick_event(enum event_kind want, bool any)
{
	if (accepted == 0)
		return -1;
	for (int tries = 0; tries < 20; tries++) {
		long r = (long)accepted_list[rng_below((uint64_t)accepted)];
		if (any || ev[r].kind == want)
			return r;
	}
	return -1;
}

/* Events live in one array allocated once: inputs point at their ids. */
static size_t new_event(void)
{
	if (nev == capev) {
		fprintf(stderr, "test-ledger-random: more events than planned\n");
		abort();
	}
	struct mevent *e = &ev[nev];
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "e%zu", nev);
	e->ref = -1;
	return nev++;
}

/* Make a random event (not yet in the model's books). */
static size_t random_event(void)
{
	size_t i = new_event();
	struct mevent *e = &ev[i];
	e->acct = rng_below(naccts);
	struct acct *a = &accts[e->acct];
	e->actor = actors[rng_below(NACTORS)];
	int64_t scale = a->bal.allocated / 4;
	uint64_t roll = rng_below(100);
	const char *date = today;
	static char past[DATE_LEN];
	if (rng_below(200) == 0 && strcmp(today, "2021-01-02") > 0) {
		/* Now and then an event dated too early. */
		snprintf(past, sizeof(past), "2021-01-01");
		date = past;
	}
	if (roll < 15)
		e->kind = EV_REQUISITION;
	else if (roll < 17)
		e->kind = EV_LAPSE;
	else if (roll < 42)
		e->kind = EV_PAYMENT;
	else if (roll < 62)
		e->kind = EV_ATTEST;
	else if (roll < 74)
		e->kind = EV_EXECUTE;
	else if (roll < 79)
		e->kind = EV_REPAY_CLAIM;
	else if (roll < 83)
		e->kind = EV_REPORT;
	else if (roll < 89)
		e->kind = EV_REPAY_RECEIVE;
	else
		e->kind = EV_CORRECTION;
	if (e->kind == EV_ATTEST || e->kind == EV_EXECUTE) {
		e->ref = pick_event(EV_PAYMENT, false);
		if (e->ref < 0)
			e->kind = EV_PAYMENT;
	}
	if (e->kind == EV_CORRECTION) {
		e->ref = pick_event(EV_PAYMENT, true);
		if (e->ref < 0)
			e->kind = EV_PAYMENT;
	}
	if (e->ref >= 0)
		e->acct = ev[e->ref].acct;
	struct ledger_input *in = &e->in;
	in->id = e->id;
	in->kind = e->kind;
	in->actor = e->actor;
	memcpy(in->date, date, DATE_LEN);
	if (e->ref >= 0) {
		in->ref = ev[e->ref].id;
		if (e->kind == EV_CORRECTION)
			in->reason = "test";
	} else {
		in->dnr = "R/1";
		in->part = accts[e->acct].part;
		in->recipient = accts[e->acct].recipient;
		int64_t amount = (int64_t)rng_below((uint64_t)scale) + 1;
		if (e->kind == EV_REPAY_CLAIM || e->kind == EV_REPAY_RECEIVE || e->kind == EV_REPORT)
			amount /= 8;
		in->amount = e->kind == EV_LAPSE ? 0 : amount;
		if (e->kind == EV_LAPSE)
			in->received_given = rng_below(2);
	}
	return i;
}

static int record(const struct ledger_input *in, size_t n, enum ledger_outcome *out, size_t *failed_at,
		  struct bd_error *err)
{
	if (store_begin(st, err))
		return -2;
	int rc = store_ledger_record(st, in, n, out, failed_at, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err) ? -2 : 0;
}

struct acct_view {
	size_t mismatches;
	char first[2048];
};

static int compare_account(void *ctx, const struct ledger_account *a)
{
	struct acct_view *v = ctx;
	const struct ledger_balance *b = a->balance;
	for (size_t i = 0; i < naccts; i++) {
		if (strcmp(accts[i].part, a->part) || strcmp(accts[i].recipient, a->recipient))
			continue;
		if (memcmp(accts[i].bal.b, b->b, sizeof(b->b)) != 0 || accts[i].bal.reports != b->reports) {
			if (!v->mismatches++)
				snprintf(v->first, sizeof(v->first), "%s/%s: model avail %lld paid %lld, store avail %lld paid %lld",
					 a->part, a->recipient, (long long)accts[i].bal.b[B_AVAIL],
					 (long long)accts[i].bal.b[B_PAID], (long long)b->b[B_AVAIL], (long long)b->b[B_PAID]);
		}
	}
	return 0;
}

static void problem_line(void *ctx, const char *msg)
{
	int *n = ctx;
	if ((*n)++ < 5)
		diag("ledger verify: %s", msg);
}

int main(void)
{
	const char *seed_env = getenv("BIDRAG_SEED"), *n_env = getenv("BIDRAG_EVENTS");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10) : 20261124;
	long target = n_env ? strtol(n_env, NULL, 10) : 100000;
	rng_seed(seed);
	diag("seed %llu, %ld events (replay with BIDRAG_SEED=%llu BIDRAG_EVENTS=%ld)", (unsigned long long)seed, target,
	     (unsigned long long)seed, target);
	char dir[] = "/tmp/bidrag-random-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "a temporary directory");
		return tap_done();
	}
	char path[256];
	snprintf(path, sizeof(path), "%s/r.db", dir);
	/* tests/run's second pass: an empty PostgreSQL database instead. */
	const char *engine_db = getenv("BIDRAG_TEST_DB");
	if (engine_db && *engine_db)
		snprintf(path, sizeof(path), "%s", engine_db);
	struct bd_error err;
	int added;
	ok(refdata_load(&err) == 0 && datasets_load(&err) == 0, "reference data loads");
	ok(store_open(&st, path, STORE_CREATE, &err) == 0, "a fresh register");
	ok(store_begin(st, &err) == 0 && store_seed_reference(st, &added, &err) == 0 && store_commit(st, &err) == 0,
	   "reference organisations");
	struct decision d;
	decision_init(&d);
	enum import_outcome outcome;
	struct decision_warnings w = {0};
	ok(decisionfile_parse(&d, decision_json, strlen(decision_json), "random", &err) == 0 &&
		   register_import(st, &d, &w, &outcome, &err) == 0,
	   "the test decision registers");
	if (err.msg[0])
		diag("%s", err.msg);
	decision_release(&d);
	decision_warnings_release(&w);
	setup_accounts();

	long steps = 0, refused = 0, retried = 0, batches_refused = 0;
	bool agree = true, invariant_ok = true, retry_ok = true, batch_ok = true;
	char why[4096] = "";
	struct ledger_input batch[12];
	size_t batch_idx[12];
	enum ledger_outcome out[12];
	accepted_list = xcalloc((size_t)target + 16, sizeof(size_t));
	capev = (size_t)target * 8 + 1024;
	ev = xcalloc(capev, sizeof(*ev));
	while (steps < target && agree && invariant_ok && batch_ok && retry_ok) {
		if (rng_below(150) == 0)
			next_day();
		/* A retry of an accepted event is recognised and records
		 * nothing; the same id with other content is refused. */
		if (rng_below(40) == 0 && accepted > 0) {
			const struct mevent *m = &ev[accepted_list[rng_below((uint64_t)accepted)]];
			size_t failed;
			int rc = record(&m->in, 1, out, &failed, &err);
			if (m->corrected) {
				/* Corrected since: a retry would pretend it is in effect. */
				if (rc == 0) {
					retry_ok = false;
					snprintf(why, sizeof(why), "a retry of the corrected %s was accepted", m->id);
				}
			} else if (rc != 0 || out[0] != LEDGER_ALREADY) {
				retry_ok = false;
				snprintf(why, sizeof(why), "a retry of %s was not recognised: %s", m->id, err.msg);
			}
			struct ledger_input changed = m->in;
			changed.actor = "someone-else";
			if (record(&changed, 1, out, &failed, &err) == 0) {
				retry_ok = false;
				snprintf(why, sizeof(why), "%s with other content was accepted", m->id);
			}
			retried++;
			steps += 2;
			continue;
		}
		/* A batch of events the model accepts, now and then with one it
		 * refuses: then the whole batch must be refused at that event. */
		size_t nb = 1 + rng_below(10);
		size_t k = 0;
		struct ledger_balance saved[32];
		for (size_t a = 0; a < naccts; a++)
			saved[a] = accts[a].bal;
		bool poisoned = false;
		long lone = -1; /* one refused event, to send alone after the batch */
		for (size_t tries = 0; k < nb && tries < 4 * nb; tries++) {
			size_t i = random_event();
			struct bd_error e2;
			if (model_apply(i, &accts[ev[i].acct].bal, &e2) == 0) {
				model_commit_states(i);
				batch_idx[k] = i;
				batch[k++] = ev[i].in;
			} else if (!poisoned && rng_below(4) == 0) {
				poisoned = true;
				batch_idx[k] = i;
				batch[k++] = ev[i].in;
				break;
			} else if (lone < 0) {
				lone = (long)i;
			}
		}
		size_t poison_at = poisoned ? k - 1 : k;
		size_t failed = 0;
		int rc = k ? record(batch, k, out, &failed, &err) : 0;
		if (poisoned) {
			batches_refused++;
			if (rc == 0 || failed != poison_at) {
				batch_ok = false;
				snprintf(why, sizeof(why), "a batch with a bad event at %zu was %s (at %zu: %s)", poison_at,
					 rc == 0 ? "accepted" : "refused at the wrong event", failed, err.msg);
				break;
			}
			/* Undo the model's part of the batch, newest first, then send
			 * the good part again. */
			for (size_t a = 0; a < naccts; a++)
				accts[a].bal = saved[a];
			for (size_t j = poison_at; j-- > 0;) {
				struct mevent *m = &ev[batch_idx[j]];
				if (m->kind == EV_REQUISITION)
					accts[m->acct].req_total -= m->moved;
				if (m->kind == EV_ATTEST)
					ev[m->ref].attested = false;
				if (m->kind == EV_EXECUTE)
					ev[m->ref].executed = false;
				if (m->kind == EV_CORRECTION) {
					struct mevent *r = &ev[m->ref];
					r->corrected = false;
					if (r->kind == EV_ATTEST)
						ev[r->ref].attested = true;
					if (r->kind == EV_REQUISITION)
						accts[m->acct].req_total += r->moved;
				}
			}
			for (size_t j = 0; j < poison_at; j++) {
				struct bd_error e4;
				if (model_apply(batch_idx[j], &accts[ev[batch_idx[j]].acct].bal, &e4) == 0)
					model_commit_states(batch_idx[j]);
			}
			ev[batch_idx[poison_at]].in.id = NULL; /* never recorded */
			k = poison_at;
			rc = k ? record(batch, k, out, &failed, &err) : 0;
		}
		if (rc != 0) {
			agree = false;
			if (getenv("BIDRAG_DEBUG")) {
				const struct mevent *m = &ev[batch_idx[failed]];
				diag("failing %s kind %s ref %ld", m->id, event_kind_name(m->kind), m->ref);
				for (size_t q = 0; q < nev; q++)
					if (ev[q].in.id && ev[q].acct == m->acct)
						diag("  %s %s ref %s moved %lld %s->%s actor %s", ev[q].id, event_kind_name(ev[q].kind),
						     ev[q].ref >= 0 ? ev[ev[q].ref].id : "-", (long long)ev[q].moved,
						     bucket_name(ev[q].from), bucket_name(ev[q].to), ev[q].actor);
			}
			snprintf(why, sizeof(why), "store refused event %zu (%s, %s) of a batch the model accepted: %s",
				 failed, batch[failed].id, event_kind_name((enum event_kind)batch[failed].kind), err.msg);
			break;
		}
		for (size_t j = 0; j < k; j++) {
			if (out[j] != LEDGER_RECORDED) {
				agree = false;
				snprintf(why, sizeof(why), "event %s was not recorded", batch[j].id);
			}
			accepted_list[accepted++] = batch_idx[j];
		}
		steps += (long)k;
		/* The refused event, judged again on the books as they are now:
		 * if the model still refuses it, so must the store. */
		if (lone >= 0) {
			struct ledger_balance copy = accts[ev[lone].acct].bal;
			struct bd_error e5;
			if (model_apply((size_t)lone, &copy, &e5) != 0) {
				size_t f2;
				if (record(&ev[lone].in, 1, out, &f2, &err) == 0) {
					agree = false;
					snprintf(why, sizeof(why), "store accepted %s (%s) that the model refused: %s",
						 ev[lone].id, event_kind_name(ev[lone].kind), e5.msg);
				}
				refused++;
				steps++;
			}
			ev[lone].in.id = NULL;
		}
		if (!invariants(why, sizeof(why)))
			invariant_ok = false;
		/* Every so often the store's books against the model's. */
		if (accepted / 5000 != (accepted - (long)k) / 5000 || steps >= target || getenv("BIDRAG_DEBUG")) {
			struct acct_view v = {0};
			if (store_ledger_accounts(st, "R/1", NULL, NULL, NULL, compare_account, &v, &err) || v.mismatches) {
				agree = false;
				snprintf(why, sizeof(why), "store and model differ after %ld events: %s", accepted,
					 v.mismatches ? v.first : err.msg);
				if (getenv("BIDRAG_DEBUG"))
					for (size_t j = 0; j < k; j++)
						diag("batch %zu: %s %s ref %s moved %lld %s->%s", j, ev[batch_idx[j]].id,
						     event_kind_name(ev[batch_idx[j]].kind),
						     ev[batch_idx[j]].ref >= 0 ? ev[ev[batch_idx[j]].ref].id : "-",
						     (long long)ev[batch_idx[j]].moved, bucket_name(ev[batch_idx[j]].from),
						     bucket_name(ev[batch_idx[j]].to));
			}
		}
	}
	free(accepted_list);
	ok(agree, "the store accepts exactly what the model accepts, moving the same amounts (%ld accepted, %ld "
		  "refused alone)",
	   accepted, refused);
	if (!agree || !invariant_ok || !batch_ok || !retry_ok)
		diag("%s", why);
	ok(invariant_ok, "after every step the books balance and no invariant is broken");
	ok(batch_ok, "a batch with one bad event is refused whole, at that event (%ld such batches)", batches_refused);
	ok(retry_ok, "retries are recognised and the same id with other content is refused (%ld retries)", retried);
	ok(steps >= target, "at least %ld events were tried (%ld)", target, steps);
	long events = 0, accounts = 0;
	int problems = 0, shown = 0;
	int vrc = store_ledger_verify(st, problem_line, &shown, &events, &accounts, &problems, &err);
	ok(vrc == 0 && problems == 0, "ledger verify: the replayed books equal the recorded balances (%ld events, %ld "
				      "accounts)",
	   events, accounts);
	ok(events == accepted, "every accepted event is recorded exactly once (%ld recorded, %ld accepted)", events,
	   accepted);
	store_close(st);
	free(ev);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
