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
#include "refdata.h"
#include "sqlite-internal.h"
#include "store.h"

static const char *const migrations[] = {
	"migrations/0001-register.sql",
	"migrations/0002-ledger.sql",
	"migrations/0003-recipient.sql",
	"migrations/0004-audit.sql",
};

static int migrate(struct sqlite_store *s, struct bd_error *err)
{
	int64_t version = sq_id(s, "PRAGMA user_version", "reading the schema version", err);
	if (version < 0)
		return -1;
	int known = (int)BD_ARRAY_LEN(migrations);
	if (version > known)
		return bd_fail(err, "the database has schema version %" PRId64 ", newer than this bidrag knows (%d): "
				    "use a newer bidrag",
			       version, known);
	s->applied = 0;
	for (int v = (int)version; v < known; v++) {
		const struct embedded_file *f = embedded_find(migrations[v]);
		if (!f)
			return bd_fail(err, "internal: migration '%s' is not compiled in", migrations[v]);
		if (exec(s, "BEGIN IMMEDIATE", err))
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		int64_t now = sq_id(s, "PRAGMA user_version", "reading the schema version", err);
		if (now < 0) {
			exec(s, "ROLLBACK", NULL);
			return -1;
		}
		if (now > v) {
			exec(s, "COMMIT", NULL);
			v = (int)now - 1;
			continue;
		}
		char set[64];
		snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
		if (exec(s, f->data, err) || exec(s, set, err)) {
			bd_prefix(err, "migration %s", migrations[v]);
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
	sqlite3_finalize(s->data_version);
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

/* Organisations. */

static const char *org_kind_of(const struct recipient *r)
{
	switch (r->kind) {
	case RK_REGION: return "region";
	case RK_KOMMUN: return "kommun";
	case RK_SAMVERKANSREGION: return "samverkansregion";
	case RK_RCC: return "rcc";
	case RK_RSS: return "rss";
	case RK_ORG: return r->orgkind;
	}
	return "other";
}

static int64_t org_id_by_code(struct sqlite_store *s, const char *code, struct bd_error *err)
{
	return sq_id(s, "SELECT id FROM org WHERE code = ?1", "looking up an organisation", err, SQ_T(code));
}

static int insert_org(struct sqlite_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	int n = sq_run(s,
		       "INSERT INTO org (code, name, kind, orgnr, bankgiro, plusgiro, payment_ref, lan_code, "
		       "kommun_code, builtin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		       "ON CONFLICT (code) DO NOTHING",
		       "adding an organisation", err, SQ_T(o->code), SQ_T(o->name), SQ_T(o->kind), SQ_T(o->orgnr),
		       SQ_T(o->bankgiro), SQ_T(o->plusgiro), SQ_T(o->payment_ref), SQ_T(o->lan), SQ_T(o->kommun),
		       SQ_I(builtin));
	if (n < 0)
		return -1;
	if (added)
		*added += n;
	return 0;
}

static int insert_group(struct sqlite_store *s, const char *code, const char *name, const char *kind,
			int64_t payee, const char *const *members, size_t n, int *added, struct bd_error *err)
{
	int rc = sq_run(s,
			"INSERT INTO org_group (code, name, kind, payee_org_id) VALUES (?1, ?2, ?3, ?4) "
			"ON CONFLICT (code) DO NOTHING",
			"adding a group", err, SQ_T(code), SQ_T(name), SQ_T(kind), SQ_ID(payee));
	if (rc <= 0)
		return rc;
	*added += 1;
	for (size_t i = 0; i < n; i++)
		if (sq_run(s,
			   "INSERT INTO org_group_member (group_id, org_id) SELECT g.id, o.id FROM org_group g, org o "
			   "WHERE g.code = ?1 AND o.code = ?2",
			   "adding a group member", err, SQ_T(code), SQ_T(members[i])) < 0)
			return -1;
	return 0;
}

static int sq_seed_reference(struct store *base, int *added, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	*added = 0;
	size_t n;
	const struct recipient *r = refdata_all(&n);
	for (size_t i = 0; i < n; i++) {
		struct org o = {.code = r[i].code, .name = r[i].name, .kind = org_kind_of(&r[i]), .orgnr = r[i].orgnr,
				.bankgiro = r[i].bankgiro};
		if (r[i].kind == RK_REGION || r[i].kind == RK_RSS || r[i].kind == RK_KOMMUN)
			o.lan = r[i].lan;
		if (r[i].kind == RK_KOMMUN)
			o.kommun = r[i].code;
		if (insert_org(s, &o, true, added, err))
			return -1;
	}
	/* Groups: the samverkansregioner with their designated payees, the
	 * RCC, all regions, all RSS, and the kommuner of each län. */
	const char **all_regions = xcalloc(n + 1, sizeof(char *)), **all_rss = xcalloc(n + 1, sizeof(char *)),
		   **rcc = xcalloc(n + 1, sizeof(char *));
	size_t nreg = 0, nrss = 0, nrcc = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (r[i].kind == RK_REGION)
			all_regions[nreg++] = r[i].code;
		if (r[i].kind == RK_RSS)
			all_rss[nrss++] = r[i].code;
		if (r[i].kind == RK_RCC)
			rcc[nrcc++] = r[i].code;
		if (r[i].kind != RK_SAMVERKANSREGION)
			continue;
		/* The payee: a registered organisation of that name, else a
		 * payee organisation of its own. */
		int64_t payee = sq_id(s, "SELECT id FROM org WHERE name = ?1 COLLATE NOCASE ORDER BY builtin DESC",
				      "looking up a payee", err, SQ_T(r[i].payee));
		if (payee < 0) {
			rc = -1;
			break;
		}
		if (!payee) {
			char *code = xasprintf("%s-PAYEE", r[i].code);
			struct org o = {.code = code, .name = r[i].payee, .kind = "payee", .orgnr = r[i].payee_orgnr};
			rc = insert_org(s, &o, true, added, err);
			payee = rc ? -1 : org_id_by_code(s, code, err);
			free(code);
			if (payee < 0) {
				rc = -1;
				break;
			}
		}
		size_t nm = 0;
		while (r[i].members[nm])
			nm++;
		rc = insert_group(s, r[i].code, r[i].name, "samverkansregion", payee, r[i].members, nm, added, err);
	}
	if (!rc)
		rc = insert_group(s, "REGIONER", "Alla regioner", "regions", 0, all_regions, nreg, added, err);
	if (!rc)
		rc = insert_group(s, "RSS", "Alla RSS (regionala samverkans- och stödstrukturer)", "rss", 0, all_rss,
				  nrss, added, err);
	if (!rc)
		rc = insert_group(s, "RCC", "Regionala cancercentrum", "rcc", 0, rcc, nrcc, added, err);
	for (size_t k = 0; k < nreg && !rc; k++) {
		const char **kom = xcalloc(n + 1, sizeof(char *));
		size_t nk = 0;
		for (size_t i = 0; i < n; i++)
			if (r[i].kind == RK_KOMMUN && strcmp(r[i].lan, all_regions[k]) == 0)
				kom[nk++] = r[i].code;
		char *code = xasprintf("KOMMUNER-%s", all_regions[k]);
		const struct recipient *reg = refdata_by_code(all_regions[k]);
		char *name = xasprintf("Kommunerna i %s", reg->aliases[0]);
		rc = insert_group(s, code, name, "kommuner", 0, kom, nk, added, err);
		free(code);
		free(name);
		free(kom);
	}
	free(all_regions);
	free(all_rss);
	free(rcc);
	return rc;
}

#define ORG_COLS "o.code, o.name, o.kind, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref, o.lan_code, o.kommun_code, o.builtin"

static int emit_orgs(struct sq_stmt *q, org_fn fn, void *ctx, int *count)
{
	int rc;
	*count = 0;
	while ((rc = sq_row(q)) > 0) {
		struct org o = {sq_text(q, 0), sq_text(q, 1), sq_text(q, 2), sq_text(q, 3), sq_text(q, 4),
				sq_text(q, 5), sq_text(q, 6), sq_text(q, 7), sq_text(q, 8), sq_int(q, 9) != 0};
		(*count)++;
		if (fn(ctx, &o))
			return sq_stop(q, -1);
	}
	return rc;
}

static int sq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base), "SELECT " ORG_COLS " FROM org o WHERE ?1 IS NULL OR o.kind = ?1 ORDER BY o.code",
		     "reading organisations", err, SQ_T(kind)))
		return -1;
	int count;
	return emit_orgs(&q, fn, ctx, &count);
}

static int sq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err)
{
	static const char *const queries[] = {
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1",
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1 COLLATE NOCASE",
		"SELECT " ORG_COLS " FROM org o WHERE o.name = ?1 COLLATE NOCASE ORDER BY o.builtin DESC, o.code LIMIT 1",
		"SELECT " ORG_COLS " FROM org o WHERE o.orgnr = ?1 ORDER BY o.builtin DESC, o.code LIMIT 1",
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(queries); i++) {
		struct sq_stmt q;
		int count;
		if (sq_query(&q, S(base), queries[i], "reading organisations", err, SQ_T(text)) ||
		    emit_orgs(&q, fn, ctx, &count))
			return -1;
		if (count)
			return 0;
	}
	return 1;
}

static int sq_org_add(struct store *base, const struct org *o, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	int added = 0;
	if (insert_org(s, o, false, &added, err))
		return -1;
	if (!added)
		return bd_fail(err, "an organisation with the code '%s' is already registered", o->code);
	return 0;
}

static int sq_org_set(struct store *base, const char *code, const struct org *o, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	/* An account is bankgiro or plusgiro: setting one clears the other. */
	int n = sq_run(s,
		       "UPDATE org SET name = coalesce(?2, name), orgnr = coalesce(?3, orgnr), "
		       "bankgiro = CASE WHEN ?4 IS NOT NULL THEN ?4 WHEN ?5 IS NOT NULL THEN NULL ELSE bankgiro END, "
		       "plusgiro = CASE WHEN ?5 IS NOT NULL THEN ?5 WHEN ?4 IS NOT NULL THEN NULL ELSE plusgiro END, "
		       "payment_ref = coalesce(?6, payment_ref) WHERE code = ?1",
		       "changing an organisation", err, SQ_T(code), SQ_T(o->name), SQ_T(o->orgnr), SQ_T(o->bankgiro),
		       SQ_T(o->plusgiro), SQ_T(o->payment_ref));
	if (n < 0)
		return -1;
	return n ? 0 : 1;
}

static int sq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT g.code, g.name, g.kind, p.name FROM org_group g "
		     "JOIN org_group_member m ON m.group_id = g.id JOIN org o ON o.id = m.org_id "
		     "LEFT JOIN org p ON p.id = g.payee_org_id WHERE o.code = ?1 ORDER BY g.code",
		     "reading groups", err, SQ_T(code)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_text(&q, 0), sq_text(&q, 1), sq_text(&q, 2), sq_text(&q, 3)))
			return sq_stop(&q, -1);
	return rc;
}

/* Key datasets. */

static int sq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256,
			       bool *is_new, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	key_values_digest(in->code, in->value, in->n, in->scale, sha256);
	struct sq_stmt q;
	int rc = sq_first(&q, s, "SELECT version FROM dataset WHERE name = ?1 AND sha256 = ?2", "looking up a dataset",
			  err, SQ_T(in->name), SQ_T(sha256));
	if (rc < 0)
		return -1;
	if (rc) {
		*version = sq_int(&q, 0);
		*is_new = false;
		return sq_stop(&q, 0);
	}
	char now[32];
	now_iso(now, sizeof(now));
	rc = sq_first(&q, s,
		      "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
		      "SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM dataset WHERE name = ?1 "
		      "RETURNING id, version",
		      "registering a dataset", err, SQ_T(in->name), SQ_T(in->date), SQ_T(in->label), SQ_T(in->unit),
		      SQ_T(in->source), SQ_I(in->scale), SQ_T(sha256), SQ_T(now));
	if (rc <= 0) /* an INSERT ... SELECT of an aggregate returns its one row or fails */
		return -1;
	int64_t id = sq_i64(&q, 0);
	*version = sq_int(&q, 1);
	sq_stop(&q, 0);
	if (sq_prepare(&q, s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES (?1, ?2, ?3)",
		       "registering a dataset's values", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->n && rc >= 0; i++)
		rc = sq_exec(&q, SQ_I(id), SQ_T(in->code[i]), SQ_I(in->value[i]));
	sq_finalize(&q);
	if (rc < 0)
		return -1;
	*is_new = true;
	return 0;
}

static int sq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
			     struct key_values *out, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "SELECT id, version, scale, sha256 FROM dataset WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
			  "ORDER BY version DESC LIMIT 1",
			  "reading a dataset", err, SQ_T(name), SQ_I(version));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	int64_t id = sq_i64(&q, 0);
	memset(out, 0, sizeof(*out));
	out->name = strpool_strdup(pool, name);
	out->version = sq_int(&q, 1);
	out->scale = sq_int(&q, 2);
	out->sha256 = strpool_strdup(pool, sq_text(&q, 3));
	sq_stop(&q, 0);
	int64_t n = sq_id(s, "SELECT count(*) FROM dataset_value WHERE dataset_id = ?1", "reading a dataset", err,
			  SQ_I(id));
	if (n < 0 || sq_query(&q, s, "SELECT recipient, value FROM dataset_value WHERE dataset_id = ?1 ORDER BY recipient",
			      "reading a dataset", err, SQ_I(id)))
		return -1;
	const char **code = strpool_alloc(pool, ((size_t)n + 1) * sizeof(char *));
	int64_t *value = strpool_alloc(pool, ((size_t)n + 1) * sizeof(int64_t));
	size_t k = 0;
	rc = 0;
	while (k < (size_t)n && (rc = sq_row(&q)) > 0) {
		code[k] = strpool_strdup(pool, sq_text(&q, 0));
		value[k] = sq_i64(&q, 1);
		k++;
	}
	sq_stop(&q, 0);
	if (rc < 0)
		return -1;
	out->n = k;
	out->code = code;
	out->value = value;
	return 0;
}

static int sq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT ds.name, ds.version, ds.ref_date, ds.sha256, ds.source, d.dnr, p.code "
		     "FROM dataset ds LEFT JOIN part_key pk ON pk.dataset_id = ds.id "
		     "LEFT JOIN part p ON p.id = pk.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE ?1 IS NULL OR ds.name = ?1 ORDER BY ds.name, ds.version, d.date, d.dnr, p.ord",
		     "reading datasets", err, SQ_T(name)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct dataset_use u = {.name = sq_text(&q, 0), .version = sq_int(&q, 1), .date = sq_text(&q, 2),
					.sha256 = sq_text(&q, 3), .source = sq_text(&q, 4), .dnr = sq_text(&q, 5),
					.part = sq_text(&q, 6)};
		if (fn(ctx, &u))
			return sq_stop(&q, -1);
	}
	return rc;
}

/* Decisions. */

static int sq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
				struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base), "SELECT document, document_sha256 FROM decision WHERE dnr = ?1",
			  "reading a decision", err, SQ_T(dnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*document = xstrdup(sq_text(&q, 0));
	if (sha256)
		*sha256 = xstrdup(sq_text(&q, 1));
	return sq_stop(&q, 0);
}

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

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int64_t agreement_id(struct sqlite_store *s, const struct agreement *a, struct bd_error *err)
{
	char *parties = lines_json(a->parties, a->nparties);
	int64_t id = -1;
	struct sq_stmt q;
	int rc = !a->dnr ? 0
			 : sq_first(&q, s, "SELECT id, date, title, total, parties FROM agreement WHERE dnr = ?1",
				    "reading an agreement", err, SQ_T(a->dnr));
	if (rc > 0) {
		/* Several payment decisions can implement one agreement; they
		 * must describe it alike. */
		const char *what = NULL, *theirs = NULL;
		if (!same(sq_text(&q, 1), a->date)) {
			what = "date";
			theirs = sq_text(&q, 1);
		} else if (!same(sq_text(&q, 2), a->title)) {
			what = "title";
			theirs = sq_text(&q, 2);
		} else if (sq_isnull(&q, 3) != !a->has_total || (a->has_total && sq_i64(&q, 3) != a->total)) {
			what = "total";
			theirs = sq_text(&q, 3);
		} else if (!same(sq_text(&q, 4), parties)) {
			what = "parties";
			theirs = sq_text(&q, 4);
		}
		if (what)
			bd_fail(err, "agreement.%s: the agreement %s is registered with a different %s ('%s')", what, a->dnr,
				what, theirs ? theirs : "none");
		else
			id = sq_i64(&q, 0);
		sq_stop(&q, 0);
	} else if (rc == 0) {
		id = sq_id(s,
			   "INSERT INTO agreement (dnr, date, title, parties, total, reference) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
			   "adding an agreement", err, SQ_T(a->dnr), SQ_T(a->date), SQ_T(a->title), SQ_T(parties),
			   SQ_OPT(a->has_total, a->total), SQ_T(a->reference));
	}
	free(parties);
	return id;
}

/* The register's id of an appropriation post: the same post named by two
 * decisions is one post, and its names must agree. */
static int64_t appropriation_id(struct sqlite_store *s, const struct appropriation *a, bool set_available,
				struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "SELECT id, uo_name, anslag_name, post_name, available FROM appropriation "
			  "WHERE budget_year = ?1 AND uo = ?2 AND anslag = ?3 AND post = ?4",
			  "reading an appropriation", err, SQ_I(a->budget_year), SQ_I(a->uo), SQ_T(a->anslag),
			  SQ_I(a->post));
	if (rc < 0)
		return -1;
	if (rc == 0)
		return sq_id(s,
			     "INSERT INTO appropriation (budget_year, uo, uo_name, anslag, anslag_name, post, post_name, "
			     "available) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
			     "adding an appropriation", err, SQ_I(a->budget_year), SQ_I(a->uo), SQ_T(a->uo_name),
			     SQ_T(a->anslag), SQ_T(a->anslag_name), SQ_I(a->post), SQ_T(a->post_name),
			     SQ_OPT(a->has_available, a->available));
	int64_t id = sq_i64(&q, 0);
	static const char *const names[] = {"utgiftsomrade_name", "anslag_name", "post_name"};
	const char *mine[] = {a->uo_name, a->anslag_name, a->post_name};
	for (int k = 0; k < 3; k++) {
		const char *theirs = sq_text(&q, k + 1);
		if (mine[k] && theirs && strcmp(mine[k], theirs) != 0) {
			bd_fail(err, "%s: anslagspost %d under anslag %s, budget year %d, is registered as '%s', not '%s'",
				names[k], a->post, a->anslag, a->budget_year, theirs, mine[k]);
			return sq_stop(&q, -1);
		}
	}
	bool has = !sq_isnull(&q, 4);
	int64_t avail = sq_i64(&q, 4);
	sq_stop(&q, 0);
	if (a->has_available && (!has || avail != a->available)) {
		if (has && !set_available) {
			char x[NUM_BUFSZ], y[NUM_BUFSZ];
			return bd_fail(err, "available: anslagspost %d (%d) has %s kr available in the register, "
					    "not %s kr (change it with 'bidrag appropriation set')",
				       a->post, a->budget_year, fmt_kr(avail, x), fmt_kr(a->available, y));
		}
		if (sq_run(s, "UPDATE appropriation SET available = ?2 WHERE id = ?1", "setting the amount available",
			   err, SQ_I(id), SQ_I(a->available)) < 0)
			return -1;
	}
	return id;
}

struct found_org {
	char code[128];
	bool has_orgnr, found;
};

static int take_org(void *ctx, const struct org *o)
{
	struct found_org *f = ctx;
	snprintf(f->code, sizeof(f->code), "%s", o->code);
	f->has_orgnr = o->orgnr != NULL;
	f->found = true;
	return 0;
}

/* A payee's organisation: named by code; or matched by orgnr and name; or
 * by name alone when the registered organisation has no orgnr yet (it
 * learns it); else a new payee organisation. */
static int64_t payee_org(struct sqlite_store *s, const struct payee *py, const char *path, struct bd_error *err)
{
	if (py->org && !py->name) {
		struct found_org f = {0};
		int rc = sq_org_get(&s->base, py->org, take_org, &f, err);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			/* Names known to the reference data (aliases). */
			const struct recipient *r;
			if (refdata_resolve(py->org, RK_ALL, &r, err)) {
				bd_prefix(err, "%s", path);
				return -1;
			}
			return org_id_by_code(s, r->code, err);
		}
		return org_id_by_code(s, f.code, err);
	}
	sqlite3_stmt *st = prep(s,
				"SELECT id, orgnr FROM org WHERE name = ?1 COLLATE NOCASE AND (orgnr IS NULL OR orgnr = ?2 "
				"OR ?2 IS NULL) ORDER BY (orgnr IS NOT NULL) DESC, builtin DESC LIMIT 1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, py->name);
	bind_text(st, 2, py->orgnr);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		bool learn = sqlite3_column_type(st, 1) == SQLITE_NULL && py->orgnr;
		sqlite3_finalize(st);
		if (learn) {
			st = prep(s, "UPDATE org SET orgnr = ?2 WHERE id = ?1", err);
			if (!st)
				return -1;
			sqlite3_bind_int64(st, 1, id);
			bind_text(st, 2, py->orgnr);
			if (step_done(s, st, "recording an organisationsnummer", err))
				return -1;
		}
		return id;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "looking up a payee");
	/* A new payee organisation, under the first free code the ledger's
	 * rule gives. */
	char code[64];
	for (int64_t n = 0;; n++) {
		ledger_payee_org_code(code, sizeof(code), py->orgnr, n);
		int64_t exists = org_id_by_code(s, code, err);
		if (exists < 0)
			return -1;
		if (!exists)
			break;
	}
	struct org o = {.code = code, .name = py->name, .kind = "payee", .orgnr = py->orgnr,
			.bankgiro = py->bankgiro, .plusgiro = py->plusgiro, .payment_ref = py->reference};
	if (insert_org(s, &o, false, NULL, err))
		return -1;
	return org_id_by_code(s, code, err);
}

static int64_t insert_payee(struct sqlite_store *s, const struct payee *py, const char *path, struct bd_error *err)
{
	int64_t org = payee_org(s, py, path, err);
	if (org <= 0)
		return org == 0 ? bd_fail(err, "%s: the payee's organisation is not registered", path) : -1;
	char *addr = lines_json(py->address, py->naddress);
	int64_t id = sq_id(s,
			   "INSERT INTO payee (org_id, bankgiro, plusgiro, bank, reference, address) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
			   "adding a payee", err, SQ_I(org), SQ_T(py->bankgiro), SQ_T(py->plusgiro), SQ_T(py->bank),
			   SQ_T(py->reference), SQ_T(addr));
	free(addr);
	return id;
}

/* or_null: a date field, NULL when it is not given. */
static const char *or_null(const char *date)
{
	return date[0] ? date : NULL;
}

static int insert_part(struct sqlite_store *s, int64_t decision, size_t ord, const struct part *p,
		       const int64_t *approp_ids, struct bd_error *err)
{
	char path[128];
	snprintf(path, sizeof(path), "parts[%zu].payee", ord);
	int64_t payee = 0;
	if (p->payee && (payee = insert_payee(s, p->payee, path, err)) < 0)
		return -1;
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
	for (size_t r = 0; r < p->nrows; r++) {
		const struct alloc_row *row = &p->rows[r];
		int64_t rp = 0;
		if (row->payee) {
			snprintf(path, sizeof(path), "parts[%zu].allocation[%zu].payee", ord, r);
			if ((rp = insert_payee(s, row->payee, path, err)) < 0)
				return -1;
		}
		int64_t org = org_id_by_code(s, row->recipient, err);
		if (org < 0)
			return -1;
		if (org == 0)
			return bd_fail(err,
				       "parts[%zu].allocation[%zu]: the recipient '%s' (%s) is not among the register's "
				       "organisations (run 'bidrag init' to add the reference organisations)",
				       ord, r, row->label, row->recipient);
		if (sq_run(s,
			   "INSERT INTO allocation (part_id, ord, org_id, label, amount, payee_id) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			   "adding an allocation row", err, SQ_I(part), SQ_I((int64_t)r), SQ_I(org), SQ_T(row->label),
			   SQ_I(row->amount), SQ_ID(rp)) < 0)
			return -1;
	}
	return 0;
}

static int sq_decision_insert(struct store *base, const struct decision *d, const char *document,
			      struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	int64_t agreement = 0;
	if (d->has_agreement && (agreement = agreement_id(s, &d->agreement, err)) < 0)
		return -1;
	int64_t *approp_ids = xcalloc(d->napprops ? d->napprops : 1, sizeof(int64_t));
	int rc = -1;
	for (size_t i = 0; i < d->napprops; i++)
		if ((approp_ids[i] = appropriation_id(s, &d->approps[i], false, err)) < 0) {
			bd_prefix(err, "appropriations[%zu]", i);
			goto done;
		}
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65], now[32];
	crypto_hash_sha256(h, (const unsigned char *)document, strlen(document));
	sodium_bin2hex(sha, sizeof(sha), h, sizeof(h));
	now_iso(now, sizeof(now));
	char *sig = lines_json(d->signatories, d->nsignatories), *copies = lines_json(d->copies, d->ncopies);
	struct sq_stmt q;
	int64_t id = -1;
	int found = sq_first(&q, s,
			     "INSERT INTO decision (dnr, date, department, addressee, title, total, agreement_id, "
			     "signatories, copies, text, document, document_sha256, registered) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
			     "adding the decision", err, SQ_T(d->dnr), SQ_T(d->date), SQ_T(d->department),
			     SQ_T(d->addressee), SQ_T(d->title), SQ_I(d->total), SQ_ID(agreement), SQ_T(sig),
			     SQ_T(copies), SQ_T(d->text), SQ_T(document), SQ_T(sha), SQ_T(now));
	if (found > 0) {
		id = sq_i64(&q, 0);
		sq_stop(&q, 0);
	} else if (q.rc == SQLITE_CONSTRAINT_UNIQUE) {
		bd_fail(err, "dnr: a decision %s is already registered", d->dnr);
	}
	free(sig);
	free(copies);
	if (id < 0)
		goto done;
	for (size_t i = 0; i < d->napprops; i++)
		if (sq_run(s,
			   "INSERT INTO decision_appropriation (decision_id, appropriation_id, local_id) "
			   "VALUES (?1, ?2, ?3)",
			   "linking an appropriation", err, SQ_I(id), SQ_I(approp_ids[i]), SQ_T(d->approps[i].id)) < 0) {
			bd_prefix(err, "appropriations[%zu]", i);
			goto done;
		}
	for (size_t i = 0; i < d->nparts; i++)
		if (insert_part(s, id, i, &d->parts[i], approp_ids, err))
			goto done;
	rc = 0;
done:
	free(approp_ids);
	return rc;
}

static int sq_decision_list(struct store *base, int year, decision_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT d.dnr, d.date, d.title, d.department, a.dnr, d.total, "
		     " (SELECT coalesce(sum(al.amount), 0) FROM part p JOIN allocation al ON al.part_id = p.id "
		     "  WHERE p.decision_id = d.id), "
		     " (SELECT count(*) FROM part p WHERE p.decision_id = d.id), "
		     " (SELECT group_concat(y, ', ') FROM (SELECT DISTINCT ap.budget_year AS y FROM "
		     "  decision_appropriation da JOIN appropriation ap ON ap.id = da.appropriation_id "
		     "  WHERE da.decision_id = d.id ORDER BY y)) "
		     "FROM decision d LEFT JOIN agreement a ON a.id = d.agreement_id "
		     "WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM decision_appropriation da JOIN appropriation ap "
		     "  ON ap.id = da.appropriation_id WHERE da.decision_id = d.id AND ap.budget_year = ?1) "
		     "ORDER BY d.date, d.dnr",
		     "listing decisions", err, SQ_I(year)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct decision_summary ds = {
			.dnr = sq_text(&q, 0),
			.date = sq_text(&q, 1),
			.title = sq_text(&q, 2),
			.department = sq_text(&q, 3),
			.agreement_dnr = sq_text(&q, 4),
			.total = sq_i64(&q, 5),
			.allocated = sq_i64(&q, 6),
			.nparts = sq_int(&q, 7),
			.budget_years = sq_text(&q, 8),
		};
		if (fn(ctx, &ds))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int sq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt parts, q;
	if (sq_query(&parts, s,
		     "SELECT p.id, p.code, p.fingerprint FROM part p JOIN decision d ON d.id = p.decision_id "
		     "WHERE d.dnr = ?1 ORDER BY p.ord",
		     "reading parts", err, SQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = sq_row(&parts)) > 0) {
		struct strpool pool;
		strpool_init(&pool);
		int64_t pid = sq_i64(&parts, 0);
		struct part_lock l = {.part = sq_text(&parts, 1), .fingerprint = sq_text(&parts, 2)};
		size_t cap = 0;
		const char **code = NULL, **kname = NULL;
		int64_t *amount = NULL;
		int *kver = NULL;
		int r = sq_query(&q, s,
				 "SELECT o.code, a.amount FROM allocation a JOIN org o ON o.id = a.org_id "
				 "WHERE a.part_id = ?1 ORDER BY a.ord",
				 "reading parts", err, SQ_I(pid));
		while (r == 0 && (r = sq_row(&q)) > 0) {
			if (l.nrows == cap) {
				cap = cap ? cap * 2 : 64;
				code = xreallocarray(code, cap, sizeof(*code));
				amount = xreallocarray(amount, cap, sizeof(*amount));
			}
			code[l.nrows] = strpool_strdup(&pool, sq_text(&q, 0));
			amount[l.nrows++] = sq_i64(&q, 1);
			r = 0;
		}
		if (r == 0)
			r = sq_query(&q, s,
				     "SELECT ds.name, ds.version FROM part_key k JOIN dataset ds ON ds.id = k.dataset_id "
				     "WHERE k.part_id = ?1 ORDER BY k.ord",
				     "reading parts", err, SQ_I(pid));
		while (r == 0 && (r = sq_row(&q)) > 0) {
			kname = xreallocarray(kname, l.nkeys + 1, sizeof(*kname));
			kver = xreallocarray(kver, l.nkeys + 1, sizeof(*kver));
			kname[l.nkeys] = strpool_strdup(&pool, sq_text(&q, 0));
			kver[l.nkeys++] = sq_int(&q, 1);
			r = 0;
		}
		l.code = code;
		l.amount = amount;
		l.key_name = kname;
		l.key_version = kver;
		if (r == 0 && fn(ctx, &l))
			r = -1;
		free(code);
		free(amount);
		free(kname);
		free(kver);
		strpool_release(&pool);
		if (r)
			return sq_stop(&parts, -1);
	}
	return rc;
}

static int sq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT ap.budget_year, ap.uo, ap.uo_name, ap.anslag, ap.anslag_name, ap.post, ap.post_name, "
		     " ap.available, d.dnr, d.date, d.title, sum(pf.amount) "
		     "FROM appropriation ap LEFT JOIN part_funding pf ON pf.appropriation_id = ap.id "
		     "LEFT JOIN part p ON p.id = pf.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE ?1 = 0 OR ap.budget_year = ?1 GROUP BY ap.id, d.id "
		     "ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post, d.date, d.dnr",
		     "listing appropriations", err, SQ_I(year)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct appropriation_use u = {
			.budget_year = sq_int(&q, 0),
			.uo = sq_int(&q, 1),
			.uo_name = sq_text(&q, 2),
			.anslag = sq_text(&q, 3),
			.anslag_name = sq_text(&q, 4),
			.post = sq_int(&q, 5),
			.post_name = sq_text(&q, 6),
			.has_available = !sq_isnull(&q, 7),
			.available = sq_i64(&q, 7),
			.dnr = sq_text(&q, 8),
			.date = sq_text(&q, 9),
			.decision_title = sq_text(&q, 10),
			.amount = sq_i64(&q, 11),
		};
		if (fn(ctx, &u))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int sq_appropriation_put(struct store *base, const struct appropriation *a, struct bd_error *err)
{
	return appropriation_id(S(base), a, true, err) < 0 ? -1 : 0;
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
	.seed_reference = sq_seed_reference,
	.org_list = sq_org_list,
	.org_get = sq_org_get,
	.org_add = sq_org_add,
	.org_set = sq_org_set,
	.org_groups = sq_org_groups,
	.dataset_register = sq_dataset_register,
	.dataset_values = sq_dataset_values,
	.dataset_uses = sq_dataset_uses,
	.decision_document = sq_decision_document,
	.decision_insert = sq_decision_insert,
	.decision_list = sq_decision_list,
	.part_locks = sq_part_locks,
	.appropriation_list = sq_appropriation_list,
	.appropriation_put = sq_appropriation_put,
	.event_find = sq_event_find,
	.event_append = sq_event_append,
	.event_scan = sq_event_scan,
	.event_refs = sq_event_refs,
	.balance_get = sq_balance_get,
	.balance_put = sq_balance_put,
	.allocation_get = sq_allocation_get,
	.part_find = sq_part_find,
	.part_get = sq_part_get,
	.org_id = sq_org_id,
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
	.user_add = sq_user_add,
	.user_passwd = sq_user_passwd,
	.user_get = sq_user_get,
	.user_list = sq_user_list,
};
