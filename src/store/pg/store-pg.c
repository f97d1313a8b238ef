/* store-pg.c: the PostgreSQL engine of the storage interface, through libpq.
 *
 * Chosen by a "postgresql://" or "postgres://" URI (store.c), handed to
 * PQconnectdb as it is, so the usual PG* environment variables fill in
 * what it leaves out.  This file opens and migrates, runs the
 * transactions, and records a decision; the other store-pg-*.c files hold
 * the rest of the primitives, each a prepared statement.
 *
 * Transactions are SERIALIZABLE, not READ COMMITTED with row locks: the
 * ledger's rules (no payment beyond the allocation, no payment exported
 * twice, four eyes, payee freeze, the audit chain's one successor) are
 * checked by reading rows that a concurrent writer may change or add, and
 * under SSI PostgreSQL aborts one of two transactions whose reads and
 * writes could not have happened one after the other (SQLSTATE 40001, or
 * 40P01 for a deadlock).  Row locks would have to name every row and every
 * absent row (an export reads "the payments not yet executed") that each
 * rule reads, in every rule, now and later; SERIALIZABLE makes each rule
 * hold as it would with one writer.  The failure comes back as BD_BUSY and
 * src/store retries the whole transaction with a bounded backoff
 * (store_tx_retry).
 *
 * Every write transaction also appends to the audit chain, whose next entry
 * follows the last: two writers that overlap can never both commit, so one
 * of them would always fail and run again.  A write transaction therefore
 * begins by taking an EXCLUSIVE lock on bd_generation (the change counter
 * it bumps anyway) before its snapshot exists, and writers wait for each
 * other as with SQLite's BEGIN IMMEDIATE, instead of failing; SERIALIZABLE
 * still guards what the lock does not cover (a lone statement outside a
 * transaction, another program writing), and a wait beyond lock_timeout is
 * BD_BUSY like any other.  Readers are not blocked: read transactions are
 * REPEATABLE READ READ ONLY, one snapshot, never aborted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "embedded.h"
#include "pg-internal.h"
#include "store.h"

/* The numbered migrations, the same numbers and names as SQLite's
 * (migrations/README.md). */
static const char *const migrations[] = {
	"pg/migrations/0001-register.sql",
	"pg/migrations/0002-ledger.sql",
	"pg/migrations/0003-recipient.sql",
	"pg/migrations/0004-audit.sql",
	"pg/migrations/0005-decision-warning.sql",
	"pg/migrations/0006-web-session.sql",
};

/* Every table gets the trigger that bumps the change counter (engine.sql),
 * also a table a later migration adds.  A row trigger, not a statement
 * trigger: an INSERT ... ON CONFLICT DO NOTHING that inserts nothing (an
 * event recorded again) changes nothing, and must not look like a change. */
static const char attach_changed[] =
	"DO $$ DECLARE t text; BEGIN "
	"FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	" WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname NOT IN ('bd_schema', 'bd_generation', 'web_session', 'login_throttle') "
	" AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'bd_changed') LOOP "
	"EXECUTE format('CREATE TRIGGER bd_changed AFTER INSERT OR UPDATE OR DELETE ON %I "
	"FOR EACH ROW EXECUTE FUNCTION bd_changed()', t); "
	"END LOOP; END $$";

/* schema_version: the version recorded, 0 when the database has none
 * (nothing of bidrag's), -1 on failure. */
static int schema_version(struct pg_store *s, int *tables, struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, s,
			  "SELECT to_regclass('bd_schema') IS NOT NULL, (SELECT count(*) FROM pg_tables "
			  "WHERE schemaname = current_schema())",
			  "reading the schema version", err);
	if (rc <= 0)
		return -1;
	bool has = pq_i64(&q, 0) != 0;
	if (tables)
		*tables = pq_int(&q, 1);
	pq_stop(&q, 0);
	if (!has)
		return 0;
	int64_t v = pq_id(s, "SELECT version FROM bd_schema", "reading the schema version", err);
	return v < 0 ? -1 : (int)v;
}

static int migrate_in_tx(struct pg_store *s, int known, struct bd_error *err)
{
	/* One migrator at a time: the others wait here, then find it done. */
	if (pq_exec_sql(s, "SELECT pg_advisory_xact_lock(7123004512)", "waiting for another migration", err))
		return -1;
	const struct embedded_file *f = embedded_find("pg/engine.sql");
	if (!f)
		return bd_fail(err, "internal: 'pg/engine.sql' is not compiled in");
	if (pq_exec_sql(s, f->data, "preparing the schema", err))
		return -1;
	int64_t version = pq_id(s, "SELECT coalesce(max(version), 0) FROM bd_schema", "reading the schema version", err);
	if (version < 0)
		return -1;
	if (version > known)
		return bd_fail(err, "the database has schema version %" PRId64 ", newer than this bidrag knows (%d): "
				    "use a newer bidrag",
			       version, known);
	for (int v = (int)version; v < known; v++) {
		f = embedded_find(migrations[v]);
		if (!f)
			return bd_fail(err, "internal: migration '%s' is not compiled in", migrations[v]);
		if (pq_exec_sql(s, f->data, "applying a migration", err) ||
		    pq_run(s,
			   "INSERT INTO bd_schema (version) VALUES ($1) ON CONFLICT (only_row) DO UPDATE SET version = $1",
			   "recording the schema version", err, PQ_I(v + 1)) < 0) {
			bd_prefix(err, "migration %s", migrations[v]);
			return -1;
		}
		s->applied++;
	}
	return pq_exec_sql(s, attach_changed, "attaching the change counter", err);
}

static int migrate(struct pg_store *s, struct bd_error *err)
{
	int known = (int)BD_ARRAY_LEN(migrations);
	int version = schema_version(s, NULL, err);
	if (version < 0)
		return -1;
	s->applied = 0;
	/* Up to date: nothing to take a lock for (and the application's role
	 * needs no right to change the schema). */
	if (version != known) {
		if (version > known)
			return bd_fail(err, "the database has schema version %d, newer than this bidrag knows (%d): "
					    "use a newer bidrag",
				       version, known);
		/* READ COMMITTED, unlike every other transaction: a migrator that
		 * waited for another's lock must see what that one committed. */
		if (pq_exec_sql(s, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a migration", err))
			return -1;
		if (migrate_in_tx(s, known, err)) {
			pq_exec_sql(s, "ROLLBACK", "rolling back", NULL);
			return -1;
		}
		if (pq_exec_sql(s, "COMMIT", "committing a migration", err))
			return -1;
	}
	s->version = known;
	return 0;
}

/* redact: the URI without a password, for messages. */
static void redact(char *out, size_t len, const char *uri)
{
	snprintf(out, len, "%s", uri);
	char *scheme = strstr(out, "://");
	if (scheme) {
		char *user = scheme + 3, *at = strchr(user, '@'), *slash = strchr(user, '/');
		char *colon = strchr(user, ':');
		if (at && (!slash || at < slash) && colon && colon < at)
			memmove(colon, at, strlen(at) + 1);
	}
	char *pw = strstr(out, "password=");
	if (pw) {
		char *end = strchr(pw, '&');
		if (end)
			memmove(pw, end + 1, strlen(end + 1) + 1);
		else
			*pw = '\0';
	}
}

/* connect_fail: a one-line message that says which failure it was. */
static int connect_fail(PGconn *conn, const char *uri, struct bd_error *err)
{
	const char *m = conn ? PQerrorMessage(conn) : "out of memory";
	char where[512], line[512];
	redact(where, sizeof(where), uri);
	/* libpq's message may run over several lines ("Is the server running
	 * ...?"): keep the one that says what happened. */
	const char *fatal = strstr(m, "FATAL:");
	const char *failed = strstr(m, "failed: ");
	const char *what = fatal ? fatal + 6 : failed ? failed + 8 : m;
	what += strspn(what, " ");
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(what, "\n"), what);
	if (strstr(m, "password authentication failed") || strstr(m, "no password supplied"))
		return bd_failc(err, BD_UNAVAILABLE, "cannot connect to the database '%s': wrong password or user (%s)", where,
				line);
	if (strstr(m, "does not exist") && strstr(m, "database \""))
		return bd_failc(err, BD_UNAVAILABLE,
				"cannot connect to the database '%s': the server has no such database (%s; create it "
				"with createdb)",
				where, line);
	if (strstr(m, "Connection refused") || strstr(m, "No such file or directory") ||
	    strstr(m, "could not translate host name") || strstr(m, "timeout expired") ||
	    strstr(m, "No route to host") || strstr(m, "Network is unreachable"))
		return bd_failc(err, BD_UNAVAILABLE, "cannot connect to the database '%s': the server is unreachable (%s)", where,
				line);
	return bd_failc(err, BD_UNAVAILABLE, "cannot connect to the database '%s': %s", where, line);
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pq_open(struct store **out, const char *path, enum store_open_mode mode, enum engine_open_fault *fault,
		   struct bd_error *err)
{
	*fault = OPEN_FAILED;
	PGconn *conn = PQconnectdb(path);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		connect_fail(conn, path, err);
		PQfinish(conn);
		return -1;
	}
	PQsetNoticeProcessor(conn, quiet, NULL);
	struct pg_store *s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_pg_ops;
	s->conn = conn;
	if (pq_session_setup(s, err))
		goto fail;
	if (mode == STORE_EXISTING) {
		int tables = 0;
		int v = schema_version(s, &tables, err);
		if (v < 0)
			goto fail;
		if (v == 0) {
			char where[512];
			redact(where, sizeof(where), path);
			*fault = OPEN_UNINITIALISED;
			bd_failc(err, BD_NOT_FOUND, "'%s' is %s, not an initialised bidrag database", where,
				 tables ? "a PostgreSQL database of something else" : "empty");
			goto fail;
		}
	}
	if (migrate(s, err))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	pq_forget(s);
	PQfinish(s->conn);
	free(s);
	return -1;
}

static void pq_close(struct store *base)
{
	struct pg_store *s = P(base);
	if (s->in_tx)
		pq_exec_sql(s, "ROLLBACK", "rolling back", NULL);
	pq_ledger_pool_free(s);
	for (size_t i = 0; i < BD_ARRAY_LEN(s->kept); i++)
		free(s->kept[i]);
	pq_forget(s);
	PQfinish(s->conn);
	free(s);
}

static void pq_schema_info(struct store *base, int *version, int *applied)
{
	*version = P(base)->version;
	*applied = P(base)->applied;
}

static int pq_begin(struct store *base, struct bd_error *err)
{
	struct pg_store *s = P(base);
	/* Writers take turns on the change counter's table before their
	 * snapshot is taken (LOCK TABLE takes none): see the top of the file. */
	if (pq_exec_sql(s, "BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE bd_generation IN EXCLUSIVE MODE",
			"starting a transaction", err))
		return -1;
	s->in_tx = true;
	return 0;
}

static int pq_commit(struct store *base, struct bd_error *err)
{
	struct pg_store *s = P(base);
	PGresult *res = PQexec(s->conn, "COMMIT");
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pq_fail_res(s, res, "committing", err, NULL);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) /* a statement of it had failed */
		rc = bd_failc(err, BD_IO, "database: committing: the transaction had failed and was rolled back");
	PQclear(res);
	if (rc && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		pq_exec_sql(s, "ROLLBACK", "rolling back", NULL);
	s->in_tx = false;
	return rc;
}

static void pq_rollback(struct store *base)
{
	struct pg_store *s = P(base);
	if (s->in_tx || PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		pq_exec_sql(s, "ROLLBACK", "rolling back", NULL);
	s->in_tx = false;
}

/* A read transaction: one snapshot for every read of it. */
static int pq_read_begin(struct store *base, struct bd_error *err)
{
	struct pg_store *s = P(base);
	if (pq_exec_sql(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a read transaction", err))
		return -1;
	s->in_tx = true;
	return 0;
}

static void pq_read_end(struct store *base)
{
	struct pg_store *s = P(base);
	if (s->in_tx)
		pq_exec_sql(s, "COMMIT", "ending a read transaction", NULL);
	s->in_tx = false;
}

/* Recording a decision: the rows as the register's rules (../register.c)
 * resolved them; reading decisions back is in store-pg-register.c. */

static char *lines_json(char **lines, size_t n)
{
	if (!lines)
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(lines[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static int pq_agreement_get(struct store *base, const char *dnr, struct engine_agreement *out, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s, "SELECT id, date, title, total, parties FROM agreement WHERE dnr = $1",
			  "reading an agreement", err, PQ_T(dnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*out = (struct engine_agreement){
		.id = pq_i64(&q, 0),
		.date = pq_keep(s, 0, pq_text(&q, 1)),
		.title = pq_keep(s, 1, pq_text(&q, 2)),
		.has_total = !pq_isnull(&q, 3),
		.total = pq_i64(&q, 3),
		.parties = pq_keep(s, 2, pq_text(&q, 4)),
	};
	return pq_stop(&q, 0);
}

static int pq_agreement_add(struct store *base, const struct agreement *a, const char *parties, int64_t *id,
			    struct bd_error *err)
{
	*id = pq_id(P(base),
		    "INSERT INTO agreement (dnr, date, title, parties, total, reference) "
		    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		    "adding an agreement", err, PQ_T(a->dnr), PQ_T(a->date), PQ_T(a->title), PQ_T(parties),
		    PQ_OPT(a->has_total, a->total), PQ_T(a->reference));
	return *id < 0 ? -1 : 0;
}

static int pq_payee_add(struct store *base, int64_t org, const struct payee *py, int64_t *id, struct bd_error *err)
{
	char *addr = lines_json(py->address, py->naddress);
	*id = pq_id(P(base),
		    "INSERT INTO payee (org_id, bankgiro, plusgiro, bank, reference, address) "
		    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		    "adding a payee", err, PQ_I(org), PQ_T(py->bankgiro), PQ_T(py->plusgiro), PQ_T(py->bank),
		    PQ_T(py->reference), PQ_T(addr));
	free(addr);
	return *id < 0 ? -1 : 0;
}

/* or_null: a date field, NULL when it is not given. */
static const char *or_null(const char *date)
{
	return date[0] ? date : NULL;
}

static int pq_part_add(struct store *base, int64_t decision, size_t ord, const struct part *p, int64_t payee,
		       const int64_t *approp_ids, int64_t *id, struct bd_error *err)
{
	struct pg_store *s = P(base);
	int64_t part = pq_id(
		s,
		"INSERT INTO part (decision_id, ord, code, title, amount, recipient_set, method, rounding, "
		"base, unit, published, payee_id, pay_mode, pay_from, pay_to, pay_by, "
		"requisition_deadline, lapses, repayment_deadline, report_deadline, fingerprint) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
		"$19, $20, $21) RETURNING id",
		"adding a part", err, PQ_I(decision), PQ_I((int64_t)ord), PQ_T(p->id), PQ_T(p->title), PQ_I(p->amount),
		PQ_T(p->recipient_set), PQ_T(rule_method_name(p->rule.method)),
		PQ_T(p->rule.rounding == APPORTION_HALF_UP ? "half-up" : "largest-remainder"), PQ_I(p->rule.base),
		PQ_I(p->rule.unit), PQ_I(p->published && !p->computed), PQ_ID(payee), PQ_T(payment_mode_name(p->pay.mode)),
		PQ_T(or_null(p->pay.from)), PQ_T(or_null(p->pay.to)), PQ_T(or_null(p->pay.by)),
		PQ_T(or_null(p->pay.deadline)), PQ_I(p->pay.lapses), PQ_T(or_null(p->repayment_deadline)),
		PQ_T(or_null(p->report_deadline)), PQ_T(p->fingerprint));
	if (part <= 0)
		return -1;
	*id = part;
	for (size_t f = 0; f < p->nfunding; f++)
		if (pq_run(s, "INSERT INTO part_funding (part_id, appropriation_id, amount) VALUES ($1, $2, $3)",
			   "adding a part's funding", err, PQ_I(part), PQ_I(approp_ids[p->funding[f].approp]),
			   PQ_I(p->funding[f].amount)) < 0)
			return -1;
	for (size_t k = 0; k < p->rule.nkeys; k++) {
		const struct rule_key *rk = &p->rule.keys[k];
		char num[NUM_BUFSZ], den[NUM_BUFSZ];
		char *w = xasprintf("%s/%s", fmt_i128(rk->weight.num, num), fmt_i128(rk->weight.den, den));
		int n = pq_run(s,
			       "INSERT INTO part_key (part_id, ord, dataset_id, weight) "
			       "SELECT $1, $2, id, $5 FROM dataset WHERE name = $3 AND version = $4",
			       "adding a part's key", err, PQ_I(part), PQ_I((int64_t)k), PQ_T(rk->dataset),
			       PQ_I(rk->version), PQ_T(w));
		free(w);
		if (n < 0)
			return -1;
		if (n != 1)
			return bd_fail(err, "internal: dataset %s version %d is not registered", rk->dataset, rk->version);
	}
	return 0;
}

static int pq_allocation_add(struct store *base, int64_t part, size_t ord, const struct alloc_row *row, int64_t org,
			     int64_t payee, struct bd_error *err)
{
	return pq_run(P(base),
		      "INSERT INTO allocation (part_id, ord, org_id, label, amount, payee_id) "
		      "VALUES ($1, $2, $3, $4, $5, $6)",
		      "adding an allocation row", err, PQ_I(part), PQ_I((int64_t)ord), PQ_I(org), PQ_T(row->label),
		      PQ_I(row->amount), PQ_ID(payee)) < 0
		       ? -1
		       : 0;
}

static int pq_decision_add(struct store *base, const struct decision *d, const char *document, int64_t agreement,
			   const int64_t *approp_ids, int64_t *id, struct bd_error *err)
{
	struct pg_store *s = P(base);
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65], now[32];
	crypto_hash_sha256(h, (const unsigned char *)document, strlen(document));
	sodium_bin2hex(sha, sizeof(sha), h, sizeof(h));
	now_iso(now, sizeof(now));
	char *sig = lines_json(d->signatories, d->nsignatories), *copies = lines_json(d->copies, d->ncopies);
	struct pq_stmt q;
	int rc = -1;
	int found = pq_first(&q, s,
			     "INSERT INTO decision (dnr, date, department, addressee, title, total, agreement_id, "
			     "signatories, copies, text, document, document_sha256, registered) "
			     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
			     "adding the decision", err, PQ_T(d->dnr), PQ_T(d->date), PQ_T(d->department),
			     PQ_T(d->addressee), PQ_T(d->title), PQ_I(d->total), PQ_ID(agreement), PQ_T(sig),
			     PQ_T(copies), PQ_T(d->text), PQ_T(document), PQ_T(sha), PQ_T(now));
	if (found > 0) {
		*id = pq_i64(&q, 0);
		rc = pq_stop(&q, 0);
	} else if (strcmp(q.state, "23505") == 0) {
		rc = 1;
	}
	free(sig);
	free(copies);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->napprops; i++)
		if (pq_run(s,
			   "INSERT INTO decision_appropriation (decision_id, appropriation_id, local_id) "
			   "VALUES ($1, $2, $3)",
			   "linking an appropriation", err, PQ_I(*id), PQ_I(approp_ids[i]), PQ_T(d->approps[i].id)) < 0) {
			bd_prefix(err, "appropriations[%zu]", i);
			return -1;
		}
	return 0;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pq_open,
	.close = pq_close,
	.schema_info = pq_schema_info,
	.begin = pq_begin,
	.commit = pq_commit,
	.rollback = pq_rollback,
	.read_begin = pq_read_begin,
	.read_end = pq_read_end,
	.data_version = pq_data_version,
	.org_list = pq_org_list,
	.org_get = pq_org_get,
	.org_set = pq_org_set,
	.org_groups = pq_org_groups,
	.dataset_register = pq_dataset_register,
	.dataset_values = pq_dataset_values,
	.dataset_uses = pq_dataset_uses,
	.decision_document = pq_decision_document,
	.decision_list = pq_decision_list,
	.part_locks = pq_part_locks,
	.appropriation_list = pq_appropriation_list,
	.seed_lock = pq_seed_lock,
	.org_insert = pq_org_insert,
	.org_find_name = pq_org_find_name,
	.org_find_payee = pq_org_find_payee,
	.org_set_orgnr = pq_org_set_orgnr,
	.group_add = pq_group_add,
	.agreement_get = pq_agreement_get,
	.agreement_add = pq_agreement_add,
	.appropriation_get = pq_appropriation_get,
	.appropriation_add = pq_appropriation_add,
	.appropriation_set_available = pq_appropriation_set_available,
	.decision_add = pq_decision_add,
	.payee_add = pq_payee_add,
	.part_add = pq_part_add,
	.allocation_add = pq_allocation_add,
	.event_find = pq_event_find,
	.event_append = pq_event_append,
	.event_scan = pq_event_scan,
	.event_refs = pq_event_refs,
	.balance_get = pq_balance_get,
	.balance_put = pq_balance_put,
	.allocation_get = pq_allocation_get,
	.part_find = pq_part_find,
	.part_get = pq_part_get,
	.part_amounts = pq_part_amounts,
	.org_id = pq_org_id,
	.payee_get = pq_payee_get,
	.account_scan = pq_account_scan,
	.payment_scan = pq_payment_scan,
	.ledger_events = pq_ledger_events,
	.batch_file = pq_batch_file,
	.batch_file_put = pq_batch_file_put,
	.recipient_put = pq_recipient_put,
	.recipient_get = pq_recipient_get,
	.recipient_list = pq_recipient_list,
	.decision_link = pq_decision_link,
	.generation = pq_generation,
	.audit_append = pq_audit_append,
	.audit_list = pq_audit_list,
	.decision_warning_add = pq_decision_warning_add,
	.decision_warnings = pq_decision_warnings,
	.user_add = pq_user_add,
	.user_passwd = pq_user_passwd,
	.user_get = pq_user_get,
	.user_list = pq_user_list,
	.session_put = pq_session_put,
	.session_get = pq_session_get,
	.session_touch = pq_session_touch,
	.session_end = pq_session_end,
	.session_expire = pq_session_expire,
	.throttle_get = pq_throttle_get,
	.throttle_put = pq_throttle_put,
	.throttle_expire = pq_throttle_expire,
	.table_names = pq_table_names,
	.table_scan = pq_table_scan,
	.table_clear = pq_table_clear,
	.table_load = pq_table_load,
	.table_loaded = pq_table_loaded,
};
