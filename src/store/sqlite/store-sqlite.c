/* store-sqlite.c: the SQLite backend of the storage interface.
 *
 * One database file in WAL mode with synchronous=FULL (an acknowledged
 * write survives a crash or power loss), foreign keys enforced, and a busy
 * timeout so that concurrent writers wait for each other instead of failing.
 * Write transactions start with BEGIN IMMEDIATE: the write lock is taken
 * before anything is read, so two importers never interleave. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "embedded.h"
#include "engine-calendar.h"
#include "engine-checkpoint.h"
#include "engine-portal.h"
#include "sqlite-internal.h"
#include "engine-bank.h"
#include "engine-payee.h"
#include "engine-dataset.h"
#include "store.h"

/* What the neutral migrations' tokens are in SQLite (src/store/migrations/README.md). */
static const struct migration_token sqlite_tokens[] = {
	{"id", "INTEGER PRIMARY KEY", NULL},
	{"int", "INTEGER", NULL},
	{"text", "TEXT", NULL},
	{"blob", "BLOB", NULL},
	{"without-rowid", "WITHOUT ROWID", NULL},
	{"refuse", "BEGIN SELECT RAISE(ABORT, ", "); END"},
	{NULL, NULL, NULL},
};
static const struct migration_dialect sqlite_dialect = {"sqlite", sqlite_tokens};

/* bd_unhex(text): the bytes a text of hex digits spells (SQLite 3.40 has
 * no unhex()); NULL for NULL, an error for anything but pairs of hex
 * digits.  Migration 0016 converts the events' digests with it. */
static void sql_unhex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *hex = (const char *)sqlite3_value_text(argv[0]);
	size_t len = hex ? strlen(hex) : 0, n = 0;
	unsigned char *bin = len ? sqlite3_malloc64(len / 2 + 1) : NULL;
	if (!hex || (len && !bin) || len % 2 || sodium_hex2bin(bin, len / 2 + 1, hex, len, NULL, &n, NULL) != 0 ||
	    n != len / 2) {
		sqlite3_free(bin);
		sqlite3_result_error(ctx, "bd_unhex: not a text of hex digits", -1);
		return;
	}
	sqlite3_result_blob(ctx, bin ? (const void *)bin : "", (int)n, bin ? sqlite3_free : SQLITE_STATIC);
}

static const char *embedded_text(const char *path)
{
	const struct embedded_file *f = embedded_find(path);
	return f ? f->data : NULL;
}

static int migrate(struct sqlite_store *s, struct bd_error *err)
{
	int64_t version = sq_id(s, "PRAGMA user_version", "reading the schema version", err);
	if (version < 0)
		return -1;
	int known = migration_count();
	if (version > known)
		return bd_fail(err, "the database has schema version %" PRId64 ", newer than this bidrag knows (%d): "
				    "use a newer bidrag",
			       version, known);
	s->applied = 0;
	for (int v = (int)version; v < known; v++) {
		char *sql = migration_sql(v, &sqlite_dialect, embedded_text, err);
		if (!sql)
			return -1;
		if (exec(s, "BEGIN IMMEDIATE", err)) {
			free(sql);
			return -1;
		}
		/* Another process may have migrated while we waited for the lock. */
		int64_t now = sq_id(s, "PRAGMA user_version", "reading the schema version", err);
		if (now < 0) {
			free(sql);
			exec(s, "ROLLBACK", NULL);
			return -1;
		}
		if (now > v) {
			free(sql);
			exec(s, "COMMIT", NULL);
			v = (int)now - 1;
			continue;
		}
		char set[64];
		snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
		int rc = exec(s, sql, err) || exec(s, set, err) ? -1 : 0;
		free(sql);
		if (rc) {
			bd_prefix(err, "migration %s", migration_name(v));
			exec(s, "ROLLBACK", NULL);
			return -1;
		}
		if (exec(s, "COMMIT", err))
			return -1;
		s->applied++;
	}
	s->version = known;
	return 0;
}

static int sq_open(struct store **out, const char *path, enum store_open_mode mode, enum engine_open_fault *fault,
		   struct bd_error *err)
{
	*fault = OPEN_FAILED;
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && mode == STORE_EXISTING) {
		*fault = OPEN_MISSING;
		return bd_failc(err, BD_NOT_FOUND, "no database at '%s'", path);
	}
	if (exists && !S_ISREG(sb.st_mode))
		return bd_fail(err, "'%s' is not a regular file (expected a bidrag database)", path);
	struct sqlite_store *s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_sqlite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		bd_fail(err, "cannot open database '%s': %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		free(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 30000);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_create_function(s->db, "bd_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_unhex, NULL, NULL);
	/* Is it a bidrag database at all?  Reading the schema fails on a file
	 * that is not SQLite. */
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(s->db);
	int tables = rc == SQLITE_OK ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		bd_fail(err, "'%s' is not a bidrag database: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (exec(s, "PRAGMA journal_mode = WAL", err) || exec(s, "PRAGMA synchronous = FULL", err) ||
	    exec(s, "PRAGMA foreign_keys = ON", err))
		goto fail;
	if (mode == STORE_EXISTING) {
		st = prep(s, "PRAGMA user_version", err);
		int v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (v == 0) {
			*fault = OPEN_UNINITIALISED;
			bd_failc(err, BD_NOT_FOUND, "'%s' is %s, not an initialised bidrag database", path,
				 tables ? "a SQLite database of something else" : "empty");
			goto fail;
		}
	}
	if (migrate(s, err))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	sqlite3_close(s->db);
	free(s);
	return -1;
}

static void sq_close(struct store *base)
{
	struct sqlite_store *s = S(base);
	if (s->in_tx)
		exec(s, "ROLLBACK", NULL);
	sq_ledger_cache_free(s);
	for (size_t i = 0; i < BD_ARRAY_LEN(s->kept); i++)
		free(s->kept[i]);
	sqlite3_finalize(s->data_version);
	sqlite3_finalize(s->checkpoint_add);
	sqlite3_close(s->db);
	free(s);
}

static void sq_schema_info(struct store *base, int *version, int *applied)
{
	*version = S(base)->version;
	*applied = S(base)->applied;
}

/* tx_exec: a transaction statement; a failure carries its code: a begin or
 * commit that waited out the busy timeout is BD_BUSY (retry), a failed
 * write BD_IO. */
static int tx_exec(struct sqlite_store *s, const char *sql, struct bd_error *err)
{
	if (exec(s, sql, err) == 0)
		return 0;
	if (err) {
		int rc = sqlite3_extended_errcode(s->db) & 0xff;
		err->code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? BD_BUSY
			    : rc == SQLITE_CONSTRAINT		       ? BD_CONFLICT
								       : BD_IO;
	}
	return -1;
}

static int sq_begin(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (tx_exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	s->in_tx = true;
	return 0;
}

static int sq_commit(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (tx_exec(s, "COMMIT", err))
		return -1;
	s->in_tx = false;
	return 0;
}

static void sq_rollback(struct store *base)
{
	struct sqlite_store *s = S(base);
	if (s->in_tx)
		exec(s, "ROLLBACK", NULL);
	s->in_tx = false;
}

/* A read transaction: in WAL mode its first read fixes the snapshot that
 * every later read of it sees. */
static int sq_read_begin(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (tx_exec(s, "BEGIN DEFERRED", err))
		return -1;
	s->in_tx = true;
	return 0;
}

static void sq_read_end(struct store *base)
{
	struct sqlite_store *s = S(base);
	if (s->in_tx)
		exec(s, "COMMIT", NULL);
	s->in_tx = false;
}

/* Recording a decision: the rows as the register's rules (../register.c)
 * resolved them; reading decisions back is in store-sqlite-register.c. */

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

static int sq_agreement_get(struct store *base, const char *dnr, struct engine_agreement *out, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s, "SELECT id, date, title, total, parties FROM agreement WHERE dnr = ?1",
			  "reading an agreement", err, SQ_T(dnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*out = (struct engine_agreement){
		.id = sq_i64(&q, 0),
		.date = sq_keep(s, 0, sq_text(&q, 1)),
		.title = sq_keep(s, 1, sq_text(&q, 2)),
		.has_total = !sq_isnull(&q, 3),
		.total = sq_i64(&q, 3),
		.parties = sq_keep(s, 2, sq_text(&q, 4)),
	};
	return sq_stop(&q, 0);
}

static int sq_agreement_add(struct store *base, const struct agreement *a, const char *parties, int64_t *id,
			    struct bd_error *err)
{
	*id = sq_id(S(base),
		    "INSERT INTO agreement (dnr, date, title, parties, total, reference) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
		    "adding an agreement", err, SQ_T(a->dnr), SQ_T(a->date), SQ_T(a->title), SQ_T(parties),
		    SQ_OPT(a->has_total, a->total), SQ_T(a->reference));
	return *id < 0 ? -1 : 0;
}

static int sq_payee_add(struct store *base, int64_t org, const struct payee *py, int64_t *id, struct bd_error *err)
{
	char *addr = lines_json(py->address, py->naddress);
	*id = sq_id(S(base),
		    "INSERT INTO payee (org_id, bankgiro, plusgiro, bank, reference, address) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
		    "adding a payee", err, SQ_I(org), SQ_T(py->bankgiro), SQ_T(py->plusgiro), SQ_T(py->bank),
		    SQ_T(py->reference), SQ_T(addr));
	free(addr);
	return *id < 0 ? -1 : 0;
}

/* or_null: a date field, NULL when it is not given. */
static const char *or_null(const char *date)
{
	return date[0] ? date : NULL;
}

static int sq_part_add(struct store *base, int64_t decision, size_t ord, const struct part *p, int64_t payee,
		       const int64_t *approp_ids, int64_t *id, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	int64_t part = sq_id(
		s,
		"INSERT INTO part (decision_id, ord, code, title, amount, recipient_set, method, rounding, "
		"base, unit, published, payee_id, pay_mode, pay_from, pay_to, pay_by, "
		"requisition_deadline, lapses, repayment_deadline, report_deadline, fingerprint) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		"?19, ?20, ?21) RETURNING id",
		"adding a part", err, SQ_I(decision), SQ_I((int64_t)ord), SQ_T(p->id), SQ_T(p->title), SQ_I(p->amount),
		SQ_T(p->recipient_set), SQ_T(rule_method_name(p->rule.method)),
		SQ_T(p->rule.rounding == APPORTION_HALF_UP ? "half-up" : "largest-remainder"), SQ_I(p->rule.base),
		SQ_I(p->rule.unit), SQ_I(p->published && !p->computed), SQ_ID(payee), SQ_T(payment_mode_name(p->pay.mode)),
		SQ_T(or_null(p->pay.from)), SQ_T(or_null(p->pay.to)), SQ_T(or_null(p->pay.by)),
		SQ_T(or_null(p->pay.deadline)), SQ_I(p->pay.lapses), SQ_T(or_null(p->repayment_deadline)),
		SQ_T(or_null(p->report_deadline)), SQ_T(p->fingerprint));
	if (part <= 0)
		return -1;
	*id = part;
	for (size_t f = 0; f < p->nfunding; f++)
		if (sq_run(s, "INSERT INTO part_funding (part_id, appropriation_id, amount) VALUES (?1, ?2, ?3)",
			   "adding a part's funding", err, SQ_I(part), SQ_I(approp_ids[p->funding[f].approp]),
			   SQ_I(p->funding[f].amount)) < 0)
			return -1;
	for (size_t k = 0; k < p->rule.nkeys; k++) {
		const struct rule_key *rk = &p->rule.keys[k];
		char num[NUM_BUFSZ], den[NUM_BUFSZ];
		char *w = xasprintf("%s/%s", fmt_i128(rk->weight.num, num), fmt_i128(rk->weight.den, den));
		int n = sq_run(s,
			       "INSERT INTO part_key (part_id, ord, dataset_id, weight) "
			       "SELECT ?1, ?2, id, ?5 FROM dataset WHERE name = ?3 AND version = ?4",
			       "adding a part's key", err, SQ_I(part), SQ_I((int64_t)k), SQ_T(rk->dataset),
			       SQ_I(rk->version), SQ_T(w));
		free(w);
		if (n < 0)
			return -1;
		if (n != 1)
			return bd_fail(err, "internal: dataset %s version %d is not registered", rk->dataset, rk->version);
	}
	return 0;
}

static int sq_allocation_add(struct store *base, int64_t part, size_t ord, const struct alloc_row *row, int64_t org,
			     int64_t payee, struct bd_error *err)
{
	return sq_run(S(base),
		      "INSERT INTO allocation (part_id, ord, org_id, label, amount, payee_id) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		      "adding an allocation row", err, SQ_I(part), SQ_I((int64_t)ord), SQ_I(org), SQ_T(row->label),
		      SQ_I(row->amount), SQ_ID(payee)) < 0
		       ? -1
		       : 0;
}

static int sq_decision_add(struct store *base, const struct decision *d, const char *document, int64_t agreement,
			   const int64_t *approp_ids, int64_t *id, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65], now[32];
	crypto_hash_sha256(h, (const unsigned char *)document, strlen(document));
	sodium_bin2hex(sha, sizeof(sha), h, sizeof(h));
	now_iso(now, sizeof(now));
	char *sig = lines_json(d->signatories, d->nsignatories), *copies = lines_json(d->copies, d->ncopies);
	struct sq_stmt q;
	int rc = -1;
	int found = sq_first(&q, s,
			     "INSERT INTO decision (dnr, date, department, addressee, title, total, agreement_id, "
			     "signatories, copies, text, document, document_sha256, registered) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
			     "adding the decision", err, SQ_T(d->dnr), SQ_T(d->date), SQ_T(d->department),
			     SQ_T(d->addressee), SQ_T(d->title), SQ_I(d->total), SQ_ID(agreement), SQ_T(sig),
			     SQ_T(copies), SQ_T(d->text), SQ_T(document), SQ_T(sha), SQ_T(now));
	if (found > 0) {
		*id = sq_i64(&q, 0);
		rc = sq_stop(&q, 0);
	} else if (q.rc == SQLITE_CONSTRAINT_UNIQUE) {
		rc = 1;
	}
	free(sig);
	free(copies);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->napprops; i++)
		if (sq_run(s,
			   "INSERT INTO decision_appropriation (decision_id, appropriation_id, local_id) "
			   "VALUES (?1, ?2, ?3)",
			   "linking an appropriation", err, SQ_I(*id), SQ_I(approp_ids[i]), SQ_T(d->approps[i].id)) < 0) {
			bd_prefix(err, "appropriations[%zu]", i);
			return -1;
		}
	return 0;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.schema_info = sq_schema_info,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.data_version = sq_data_version,
	.org_list = sq_org_list,
	.org_get = sq_org_get,
	.org_set = sq_org_set,
	.org_groups = sq_org_groups,
	.dataset_register = sq_dataset_register,
	.dataset_values = sq_dataset_values,
	.dataset_uses = sq_dataset_uses,
	.decision_document = sq_decision_document,
	.decision_list = sq_decision_list,
	.part_locks = sq_part_locks,
	.appropriation_list = sq_appropriation_list,
	.org_insert = sq_org_insert,
	.org_find_name = sq_org_find_name,
	.org_find_payee = sq_org_find_payee,
	.org_set_orgnr = sq_org_set_orgnr,
	.group_add = sq_group_add,
	.agreement_get = sq_agreement_get,
	.agreement_add = sq_agreement_add,
	.appropriation_get = sq_appropriation_get,
	.appropriation_add = sq_appropriation_add,
	.appropriation_set_available = sq_appropriation_set_available,
	.decision_add = sq_decision_add,
	.payee_add = sq_payee_add,
	.part_add = sq_part_add,
	.allocation_add = sq_allocation_add,
	.event_find = sq_event_find,
	.event_append = sq_event_append,
	.event_scan = sq_event_scan,
	.event_refs = sq_event_refs,
	.accounts_get = sq_accounts_get,
	.balances_put = sq_balances_put,
	.events_expect = sq_events_expect,
	.part_find = sq_part_find,
	.part_get = sq_part_get,
	.part_amounts = sq_part_amounts,
	.org_id = sq_org_id,
	.org_ids = sq_org_ids,
	.payee_get = sq_payee_get,
	.account_scan = sq_account_scan,
	.payment_scan = sq_payment_scan,
	.ledger_events = sq_ledger_events,
	.batch_file = sq_batch_file,
	.batch_file_put = sq_batch_file_put,
	.recipient_put = sq_recipient_put,
	.recipient_get = sq_recipient_get,
	.recipient_list = sq_recipient_list,
	.decision_link = sq_decision_link,
	.generation = sq_generation,
	.audit_append = sq_audit_append,
	.audit_list = sq_audit_list,
	.decision_warning_add = sq_decision_warning_add,
	.decision_warnings = sq_decision_warnings,
	.user_add = sq_user_add,
	.user_passwd = sq_user_passwd,
	.user_get = sq_user_get,
	.user_list = sq_user_list,
	.user_by_os = sq_user_by_os,
	.user_map = sq_user_map,
	.session_put = sq_session_put,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_end = sq_session_end,
	.session_expire = sq_session_expire,
	.throttle_get = sq_throttle_get,
	.throttle_put = sq_throttle_put,
	.throttle_expire = sq_throttle_expire,
	.table_names = sq_table_names,
	.table_scan = sq_table_scan,
	.table_clear = sq_table_clear,
	.table_load = sq_table_load,
	.table_loaded = sq_table_loaded,
	.payee = &store_sqlite_payee_ops,
	.bank = &store_sqlite_bank_ops,
	.datasets = &sqlite_dataset_ops,
	.calendar = &store_sqlite_calendar_ops,
	.checkpoint = &store_sqlite_checkpoint_ops,
	.portal = &store_sqlite_portal_ops,
};
