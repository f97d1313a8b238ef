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
	sqlite3_stmt *st = prep(s, "PRAGMA user_version", err);
	if (!st)
		return -1;
	int version = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int known = (int)BD_ARRAY_LEN(migrations);
	if (version > known)
		return bd_fail(err, "the database has schema version %d, newer than this bidrag knows (%d): "
				    "use a newer bidrag",
			       version, known);
	s->applied = 0;
	for (int v = version; v < known; v++) {
		const struct embedded_file *f = embedded_find(migrations[v]);
		if (!f)
			return bd_fail(err, "internal: migration '%s' is not compiled in", migrations[v]);
		if (exec(s, "BEGIN IMMEDIATE", err))
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		st = prep(s, "PRAGMA user_version", err);
		int now = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		if (now < 0) {
			exec(s, "ROLLBACK", NULL);
			return -1;
		}
		if (now > v) {
			exec(s, "COMMIT", NULL);
			v = now - 1;
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

static int sq_open(struct store **out, const char *path, enum store_open_mode mode, struct bd_error *err)
{
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && mode == STORE_EXISTING)
		return bd_fail(err, "no database at '%s' (create it with 'bidrag init --db %s', or give --db or "
				    "BIDRAG_DB)",
			       path, path);
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
			bd_fail(err, "'%s' is %s, not an initialised bidrag database (run 'bidrag init --db %s')", path,
				tables ? "a SQLite database of something else" : "empty", path);
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

static int sq_begin(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	s->in_tx = true;
	return 0;
}

static int sq_commit(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (exec(s, "COMMIT", err)) {
		sq_ledger_forget(s); /* what it kept was not written */
		return -1;
	}
	s->in_tx = false;
	return 0;
}

static void sq_rollback(struct store *base)
{
	struct sqlite_store *s = S(base);
	if (s->in_tx)
		exec(s, "ROLLBACK", NULL);
	s->in_tx = false;
	sq_ledger_forget(s); /* its balances may hold what was rolled back */
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
	sqlite3_stmt *st = prep(s, "SELECT id FROM org WHERE code = ?1", err);
	if (!st)
		return -1;
	bind_text(st, 1, code);
	int64_t id = 0;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = db_fail(s, err, "looking up an organisation");
	sqlite3_finalize(st);
	return id;
}

static int insert_org(struct sqlite_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	sqlite3_stmt *st = prep(s,
				"INSERT INTO org (code, name, kind, orgnr, bankgiro, plusgiro, payment_ref, lan_code, "
				"kommun_code, builtin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
				"ON CONFLICT (code) DO NOTHING",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, o->code);
	bind_text(st, 2, o->name);
	bind_text(st, 3, o->kind);
	bind_text(st, 4, o->orgnr);
	bind_text(st, 5, o->bankgiro);
	bind_text(st, 6, o->plusgiro);
	bind_text(st, 7, o->payment_ref);
	bind_text(st, 8, o->lan);
	bind_text(st, 9, o->kommun);
	sqlite3_bind_int(st, 10, builtin);
	if (step_done(s, st, "adding an organisation", err))
		return -1;
	if (added)
		*added += sqlite3_changes(s->db);
	return 0;
}

static int insert_group(struct sqlite_store *s, const char *code, const char *name, const char *kind,
			int64_t payee, const char *const *members, size_t n, int *added, struct bd_error *err)
{
	sqlite3_stmt *st = prep(s,
				"INSERT INTO org_group (code, name, kind, payee_org_id) VALUES (?1, ?2, ?3, ?4) "
				"ON CONFLICT (code) DO NOTHING",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, code);
	bind_text(st, 2, name);
	bind_text(st, 3, kind);
	if (payee > 0)
		sqlite3_bind_int64(st, 4, payee);
	else
		sqlite3_bind_null(st, 4);
	if (step_done(s, st, "adding a group", err))
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 0;
	*added += 1;
	for (size_t i = 0; i < n; i++) {
		st = prep(s,
			  "INSERT INTO org_group_member (group_id, org_id) SELECT g.id, o.id FROM org_group g, org o "
			  "WHERE g.code = ?1 AND o.code = ?2",
			  err);
		if (!st)
			return -1;
		bind_text(st, 1, code);
		bind_text(st, 2, members[i]);
		if (step_done(s, st, "adding a group member", err))
			return -1;
	}
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
		int64_t payee = 0;
		sqlite3_stmt *st = prep(s, "SELECT id FROM org WHERE name = ?1 COLLATE NOCASE ORDER BY builtin DESC", err);
		if (!st) {
			rc = -1;
			break;
		}
		bind_text(st, 1, r[i].payee);
		if (sqlite3_step(st) == SQLITE_ROW)
			payee = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
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

static int emit_orgs(struct sqlite_store *s, sqlite3_stmt *st, org_fn fn, void *ctx, int *count, struct bd_error *err)
{
	int rc;
	*count = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct org o = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
				col_text(st, 5), col_text(st, 6), col_text(st, 7), col_text(st, 8),
				sqlite3_column_int(st, 9) != 0};
		(*count)++;
		if (fn(ctx, &o)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "reading organisations");
	return 0;
}

static int sq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s, "SELECT " ORG_COLS " FROM org o WHERE ?1 IS NULL OR o.kind = ?1 ORDER BY o.code", err);
	if (!st)
		return -1;
	bind_text(st, 1, kind);
	int count;
	return emit_orgs(s, st, fn, ctx, &count, err);
}

static int sq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	static const char *const queries[] = {
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1",
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1 COLLATE NOCASE",
		"SELECT " ORG_COLS " FROM org o WHERE o.name = ?1 COLLATE NOCASE ORDER BY o.builtin DESC, o.code LIMIT 1",
		"SELECT " ORG_COLS " FROM org o WHERE o.orgnr = ?1 ORDER BY o.builtin DESC, o.code LIMIT 1",
	};
	for (size_t q = 0; q < BD_ARRAY_LEN(queries); q++) {
		sqlite3_stmt *st = prep(s, queries[q], err);
		if (!st)
			return -1;
		bind_text(st, 1, text);
		int count;
		if (emit_orgs(s, st, fn, ctx, &count, err))
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
	sqlite3_stmt *st = prep(s,
				"UPDATE org SET name = coalesce(?2, name), orgnr = coalesce(?3, orgnr), "
				"bankgiro = CASE WHEN ?4 IS NOT NULL THEN ?4 WHEN ?5 IS NOT NULL THEN NULL ELSE bankgiro END, "
				"plusgiro = CASE WHEN ?5 IS NOT NULL THEN ?5 WHEN ?4 IS NOT NULL THEN NULL ELSE plusgiro END, "
				"payment_ref = coalesce(?6, payment_ref) WHERE code = ?1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, code);
	bind_text(st, 2, o->name);
	bind_text(st, 3, o->orgnr);
	bind_text(st, 4, o->bankgiro);
	bind_text(st, 5, o->plusgiro);
	bind_text(st, 6, o->payment_ref);
	if (step_done(s, st, "changing an organisation", err))
		return -1;
	sq_ledger_forget(s);
	return sqlite3_changes(s->db) ? 0 : 1;
}

static int sq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT g.code, g.name, g.kind, p.name FROM org_group g "
				"JOIN org_group_member m ON m.group_id = g.id JOIN org o ON o.id = m.org_id "
				"LEFT JOIN org p ON p.id = g.payee_org_id WHERE o.code = ?1 ORDER BY g.code",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, code);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3))) {
			sqlite3_finalize(st);
			return -1;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading groups");
}

/* Key datasets. */

static int sq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256,
			       bool *is_new, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	key_values_digest(in->code, in->value, in->n, in->scale, sha256);
	sqlite3_stmt *st = prep(s, "SELECT version FROM dataset WHERE name = ?1 AND sha256 = ?2", err);
	if (!st)
		return -1;
	bind_text(st, 1, in->name);
	bind_text(st, 2, sha256);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*is_new = false;
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "looking up a dataset");
	char now[32];
	now_iso(now, sizeof(now));
	st = prep(s,
		  "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
		  "SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM dataset WHERE name = ?1 "
		  "RETURNING id, version",
		  err);
	if (!st)
		return -1;
	bind_text(st, 1, in->name);
	bind_text(st, 2, in->date);
	bind_text(st, 3, in->label);
	bind_text(st, 4, in->unit);
	bind_text(st, 5, in->source);
	sqlite3_bind_int(st, 6, in->scale);
	bind_text(st, 7, sha256);
	bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(s, err, "registering a dataset");
	}
	int64_t id = sqlite3_column_int64(st, 0);
	*version = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = prep(s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES (?1, ?2, ?3)", err);
	if (!st)
		return -1;
	for (size_t i = 0; i < in->n; i++) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, in->code[i]);
		sqlite3_bind_int64(st, 3, in->value[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return db_fail(s, err, "registering a dataset's values");
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	*is_new = true;
	return 0;
}

static int sq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
			     struct key_values *out, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT id, version, scale, sha256 FROM dataset WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
				"ORDER BY version DESC LIMIT 1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, version);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 1 : db_fail(s, err, "reading a dataset");
	}
	int64_t id = sqlite3_column_int64(st, 0);
	memset(out, 0, sizeof(*out));
	out->name = strpool_dup(pool, name, strlen(name));
	out->version = sqlite3_column_int(st, 1);
	out->scale = sqlite3_column_int(st, 2);
	out->sha256 = strpool_dup(pool, col_text(st, 3), strlen(col_text(st, 3)));
	sqlite3_finalize(st);
	st = prep(s, "SELECT count(*) FROM dataset_value WHERE dataset_id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	size_t n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	const char **code = strpool_alloc(pool, (n + 1) * sizeof(char *));
	int64_t *value = strpool_alloc(pool, (n + 1) * sizeof(int64_t));
	st = prep(s, "SELECT recipient, value FROM dataset_value WHERE dataset_id = ?1 ORDER BY recipient", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	size_t k = 0;
	while (k < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		code[k] = strpool_dup(pool, col_text(st, 0), strlen(col_text(st, 0)));
		value[k] = sqlite3_column_int64(st, 1);
		k++;
	}
	sqlite3_finalize(st);
	out->n = k;
	out->code = code;
	out->value = value;
	return 0;
}

static int sq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT ds.name, ds.version, ds.ref_date, ds.sha256, ds.source, d.dnr, p.code "
				"FROM dataset ds LEFT JOIN part_key pk ON pk.dataset_id = ds.id "
				"LEFT JOIN part p ON p.id = pk.part_id LEFT JOIN decision d ON d.id = p.decision_id "
				"WHERE ?1 IS NULL OR ds.name = ?1 ORDER BY ds.name, ds.version, d.date, d.dnr, p.ord",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, name);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dataset_use u = {.name = col_text(st, 0), .version = sqlite3_column_int(st, 1),
					.date = col_text(st, 2), .sha256 = col_text(st, 3), .source = col_text(st, 4),
					.dnr = col_text(st, 5), .part = col_text(st, 6)};
		if (fn(ctx, &u)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading datasets");
}

/* Decisions. */

static int sq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
				struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s, "SELECT document, document_sha256 FROM decision WHERE dnr = ?1", err);
	if (!st)
		return -1;
	bind_text(st, 1, dnr);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*document = xstrdup(col_text(st, 0));
		if (sha256)
			*sha256 = xstrdup(col_text(st, 1));
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(s, err, "reading a decision");
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
	if (a->dnr) {
		sqlite3_stmt *st = prep(s, "SELECT id, date, title, total, parties FROM agreement WHERE dnr = ?1", err);
		if (!st)
			goto done;
		bind_text(st, 1, a->dnr);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			/* Several payment decisions can implement one agreement;
			 * they must describe it alike. */
			const char *what = NULL, *theirs = NULL;
			if (!same(col_text(st, 1), a->date)) {
				what = "date";
				theirs = col_text(st, 1);
			} else if (!same(col_text(st, 2), a->title)) {
				what = "title";
				theirs = col_text(st, 2);
			} else if ((sqlite3_column_type(st, 3) == SQLITE_NULL) != !a->has_total ||
				   (a->has_total && sqlite3_column_int64(st, 3) != a->total)) {
				what = "total";
				theirs = col_text(st, 3);
			} else if (!same(col_text(st, 4), parties)) {
				what = "parties";
				theirs = col_text(st, 4);
			}
			if (what) {
				bd_fail(err, "agreement.%s: the agreement %s is registered with a different %s ('%s')", what,
					a->dnr, what, theirs ? theirs : "none");
				sqlite3_finalize(st);
				goto done;
			}
			id = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			goto done;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_fail(s, err, "reading an agreement");
			goto done;
		}
	}
	sqlite3_stmt *st = prep(s,
				"INSERT INTO agreement (dnr, date, title, parties, total, reference) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
				err);
	if (!st)
		goto done;
	bind_text(st, 1, a->dnr);
	bind_text(st, 2, a->date);
	bind_text(st, 3, a->title);
	bind_text(st, 4, parties);
	if (a->has_total)
		sqlite3_bind_int64(st, 5, a->total);
	bind_text(st, 6, a->reference);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		db_fail(s, err, "adding an agreement");
	sqlite3_finalize(st);
done:
	free(parties);
	return id;
}

/* The register's id of an appropriation post: the same post named by two
 * decisions is one post, and its names must agree. */
static int64_t appropriation_id(struct sqlite_store *s, const struct appropriation *a, bool set_available,
				struct bd_error *err)
{
	sqlite3_stmt *st = prep(s,
				"SELECT id, uo_name, anslag_name, post_name, available FROM appropriation "
				"WHERE budget_year = ?1 AND uo = ?2 AND anslag = ?3 AND post = ?4",
				err);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, a->budget_year);
	sqlite3_bind_int(st, 2, a->uo);
	bind_text(st, 3, a->anslag);
	sqlite3_bind_int(st, 4, a->post);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		static const char *const names[] = {"utgiftsomrade_name", "anslag_name", "post_name"};
		const char *mine[] = {a->uo_name, a->anslag_name, a->post_name};
		for (int k = 0; k < 3; k++) {
			const char *theirs = col_text(st, k + 1);
			if (mine[k] && theirs && strcmp(mine[k], theirs) != 0) {
				bd_fail(err, "%s: anslagspost %d under anslag %s, budget year %d, is registered as '%s', "
					     "not '%s'",
					names[k], a->post, a->anslag, a->budget_year, theirs, mine[k]);
				sqlite3_finalize(st);
				return -1;
			}
		}
		bool has = sqlite3_column_type(st, 4) != SQLITE_NULL;
		int64_t avail = sqlite3_column_int64(st, 4);
		sqlite3_finalize(st);
		if (a->has_available && (!has || avail != a->available)) {
			if (has && !set_available) {
				char x[NUM_BUFSZ], y[NUM_BUFSZ];
				return bd_fail(err, "available: anslagspost %d (%d) has %s kr available in the register, "
						    "not %s kr (change it with 'bidrag appropriation set')",
					       a->post, a->budget_year, fmt_kr(avail, x), fmt_kr(a->available, y));
			}
			st = prep(s, "UPDATE appropriation SET available = ?2 WHERE id = ?1", err);
			if (!st)
				return -1;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, a->available);
			if (step_done(s, st, "setting the amount available", err))
				return -1;
		}
		return id;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "reading an appropriation");
	st = prep(s,
		  "INSERT INTO appropriation (budget_year, uo, uo_name, anslag, anslag_name, post, post_name, available) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
		  err);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, a->budget_year);
	sqlite3_bind_int(st, 2, a->uo);
	bind_text(st, 3, a->uo_name);
	bind_text(st, 4, a->anslag);
	bind_text(st, 5, a->anslag_name);
	sqlite3_bind_int(st, 6, a->post);
	bind_text(st, 7, a->post_name);
	if (a->has_available)
		sqlite3_bind_int64(st, 8, a->available);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		db_fail(s, err, "adding an appropriation");
	sqlite3_finalize(st);
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
	/* A new payee organisation, coded by its orgnr ("ORG-2220001651"), and
	 * "-2", "-3" after it for units sharing one orgnr. */
	char code[64];
	for (int64_t n = 0;; n++) {
		int len = py->orgnr ? snprintf(code, sizeof(code), "ORG-%.6s%.4s", py->orgnr, py->orgnr + 7)
				    : snprintf(code, sizeof(code), "ORG-X");
		if (n)
			snprintf(code + len, sizeof(code) - (size_t)len, "-%" PRId64, n + 1);
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
	sqlite3_stmt *st = prep(s,
				"INSERT INTO payee (org_id, bankgiro, plusgiro, bank, reference, address) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
				err);
	int64_t id = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, org);
		bind_text(st, 2, py->bankgiro);
		bind_text(st, 3, py->plusgiro);
		bind_text(st, 4, py->bank);
		bind_text(st, 5, py->reference);
		bind_text(st, 6, addr);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		else
			db_fail(s, err, "adding a payee");
		sqlite3_finalize(st);
	}
	free(addr);
	return id;
}

static int insert_part(struct sqlite_store *s, int64_t decision, size_t ord, const struct part *p,
		       const int64_t *approp_ids, struct bd_error *err)
{
	char path[128];
	snprintf(path, sizeof(path), "parts[%zu].payee", ord);
	int64_t payee = 0;
	if (p->payee && (payee = insert_payee(s, p->payee, path, err)) < 0)
		return -1;
	sqlite3_stmt *st = prep(s,
				"INSERT INTO part (decision_id, ord, code, title, amount, recipient_set, method, rounding, "
				"base, unit, published, payee_id, pay_mode, pay_from, pay_to, pay_by, "
				"requisition_deadline, lapses, repayment_deadline, report_deadline, fingerprint) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
				"?19, ?20, ?21) RETURNING id",
				err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, decision);
	sqlite3_bind_int64(st, 2, (int64_t)ord);
	bind_text(st, 3, p->id);
	bind_text(st, 4, p->title);
	sqlite3_bind_int64(st, 5, p->amount);
	bind_text(st, 6, p->recipient_set);
	bind_text(st, 7, rule_method_name(p->rule.method));
	bind_text(st, 8, p->rule.rounding == APPORTION_HALF_UP ? "half-up" : "largest-remainder");
	sqlite3_bind_int64(st, 9, p->rule.base);
	sqlite3_bind_int64(st, 10, p->rule.unit);
	sqlite3_bind_int(st, 11, p->published && !p->computed);
	if (payee)
		sqlite3_bind_int64(st, 12, payee);
	bind_text(st, 13, payment_mode_name(p->pay.mode));
	bind_text(st, 14, p->pay.from[0] ? p->pay.from : NULL);
	bind_text(st, 15, p->pay.to[0] ? p->pay.to : NULL);
	bind_text(st, 16, p->pay.by[0] ? p->pay.by : NULL);
	bind_text(st, 17, p->pay.deadline[0] ? p->pay.deadline : NULL);
	sqlite3_bind_int(st, 18, p->pay.lapses);
	bind_text(st, 19, p->repayment_deadline[0] ? p->repayment_deadline : NULL);
	bind_text(st, 20, p->report_deadline[0] ? p->report_deadline : NULL);
	bind_text(st, 21, p->fingerprint);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(s, err, "adding a part");
	}
	int64_t part = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (size_t f = 0; f < p->nfunding; f++) {
		st = prep(s, "INSERT INTO part_funding (part_id, appropriation_id, amount) VALUES (?1, ?2, ?3)", err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, part);
		sqlite3_bind_int64(st, 2, approp_ids[p->funding[f].approp]);
		sqlite3_bind_int64(st, 3, p->funding[f].amount);
		if (step_done(s, st, "adding a part's funding", err))
			return -1;
	}
	for (size_t k = 0; k < p->rule.nkeys; k++) {
		const struct rule_key *rk = &p->rule.keys[k];
		st = prep(s,
			  "INSERT INTO part_key (part_id, ord, dataset_id, weight) "
			  "SELECT ?1, ?2, id, ?5 FROM dataset WHERE name = ?3 AND version = ?4",
			  err);
		if (!st)
			return -1;
		char num[NUM_BUFSZ], den[NUM_BUFSZ];
		char *w = xasprintf("%s/%s", fmt_i128(rk->weight.num, num), fmt_i128(rk->weight.den, den));
		sqlite3_bind_int64(st, 1, part);
		sqlite3_bind_int64(st, 2, (int64_t)k);
		bind_text(st, 3, rk->dataset);
		sqlite3_bind_int(st, 4, rk->version);
		bind_text(st, 5, w);
		free(w);
		if (step_done(s, st, "adding a part's key", err))
			return -1;
		if (sqlite3_changes(s->db) != 1)
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
		st = prep(s,
			  "INSERT INTO allocation (part_id, ord, org_id, label, amount, payee_id) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			  err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, part);
		sqlite3_bind_int64(st, 2, (int64_t)r);
		sqlite3_bind_int64(st, 3, org);
		bind_text(st, 4, row->label);
		sqlite3_bind_int64(st, 5, row->amount);
		if (rp)
			sqlite3_bind_int64(st, 6, rp);
		if (step_done(s, st, "adding an allocation row", err))
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
	sqlite3_stmt *st = prep(s,
				"INSERT INTO decision (dnr, date, department, addressee, title, total, agreement_id, "
				"signatories, copies, text, document, document_sha256, registered) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
				err);
	int64_t id = -1;
	if (st) {
		bind_text(st, 1, d->dnr);
		bind_text(st, 2, d->date);
		bind_text(st, 3, d->department);
		bind_text(st, 4, d->addressee);
		bind_text(st, 5, d->title);
		sqlite3_bind_int64(st, 6, d->total);
		if (agreement)
			sqlite3_bind_int64(st, 7, agreement);
		bind_text(st, 8, sig);
		bind_text(st, 9, copies);
		bind_text(st, 10, d->text);
		bind_text(st, 11, document);
		bind_text(st, 12, sha);
		bind_text(st, 13, now);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			bd_fail(err, "dnr: a decision %s is already registered", d->dnr);
		else
			db_fail(s, err, "adding the decision");
		sqlite3_finalize(st);
	}
	free(sig);
	free(copies);
	if (id < 0)
		goto done;
	for (size_t i = 0; i < d->napprops; i++) {
		st = prep(s,
			  "INSERT INTO decision_appropriation (decision_id, appropriation_id, local_id) VALUES (?1, ?2, ?3)",
			  err);
		if (!st)
			goto done;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, approp_ids[i]);
		bind_text(st, 3, d->approps[i].id);
		if (step_done(s, st, "linking an appropriation", err)) {
			bd_prefix(err, "appropriations[%zu]", i);
			goto done;
		}
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
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(
		s,
		"SELECT d.dnr, d.date, d.title, d.department, a.dnr, d.total, "
		" (SELECT coalesce(sum(al.amount), 0) FROM part p JOIN allocation al ON al.part_id = p.id "
		"  WHERE p.decision_id = d.id), "
		" (SELECT count(*) FROM part p WHERE p.decision_id = d.id), "
		" (SELECT group_concat(y, ', ') FROM (SELECT DISTINCT ap.budget_year AS y FROM decision_appropriation da "
		"  JOIN appropriation ap ON ap.id = da.appropriation_id WHERE da.decision_id = d.id ORDER BY y)) "
		"FROM decision d LEFT JOIN agreement a ON a.id = d.agreement_id "
		"WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM decision_appropriation da JOIN appropriation ap "
		"  ON ap.id = da.appropriation_id WHERE da.decision_id = d.id AND ap.budget_year = ?1) "
		"ORDER BY d.date, d.dnr",
		err);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct decision_summary ds = {
			.dnr = col_text(st, 0),
			.date = col_text(st, 1),
			.title = col_text(st, 2),
			.department = col_text(st, 3),
			.agreement_dnr = col_text(st, 4),
			.total = sqlite3_column_int64(st, 5),
			.allocated = sqlite3_column_int64(st, 6),
			.nparts = sqlite3_column_int(st, 7),
			.budget_years = col_text(st, 8),
		};
		if (fn(ctx, &ds)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "listing decisions");
}

static int sq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *parts = prep(s,
				   "SELECT p.id, p.code, p.fingerprint FROM part p JOIN decision d ON d.id = p.decision_id "
				   "WHERE d.dnr = ?1 ORDER BY p.ord",
				   err);
	if (!parts)
		return -1;
	bind_text(parts, 1, dnr);
	int rc;
	while ((rc = sqlite3_step(parts)) == SQLITE_ROW) {
		struct strpool pool;
		strpool_init(&pool);
		int64_t pid = sqlite3_column_int64(parts, 0);
		struct part_lock l = {.part = col_text(parts, 1), .fingerprint = col_text(parts, 2)};
		sqlite3_stmt *st = prep(s,
					"SELECT o.code, a.amount FROM allocation a JOIN org o ON o.id = a.org_id "
					"WHERE a.part_id = ?1 ORDER BY a.ord",
					err);
		if (!st) {
			strpool_release(&pool);
			sqlite3_finalize(parts);
			return -1;
		}
		sqlite3_bind_int64(st, 1, pid);
		size_t cap = 0;
		const char **code = NULL;
		int64_t *amount = NULL;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (l.nrows == cap) {
				cap = cap ? cap * 2 : 64;
				code = xreallocarray(code, cap, sizeof(*code));
				amount = xreallocarray(amount, cap, sizeof(*amount));
			}
			code[l.nrows] = strpool_strdup(&pool, col_text(st, 0));
			amount[l.nrows++] = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		l.code = code;
		l.amount = amount;
		st = prep(s,
			  "SELECT ds.name, ds.version FROM part_key k JOIN dataset ds ON ds.id = k.dataset_id "
			  "WHERE k.part_id = ?1 ORDER BY k.ord",
			  err);
		const char **kname = NULL;
		int *kver = NULL;
		if (st) {
			sqlite3_bind_int64(st, 1, pid);
			while (sqlite3_step(st) == SQLITE_ROW) {
				kname = xreallocarray(kname, l.nkeys + 1, sizeof(*kname));
				kver = xreallocarray(kver, l.nkeys + 1, sizeof(*kver));
				kname[l.nkeys] = strpool_strdup(&pool, col_text(st, 0));
				kver[l.nkeys++] = sqlite3_column_int(st, 1);
			}
			sqlite3_finalize(st);
		}
		l.key_name = kname;
		l.key_version = kver;
		int r = st ? fn(ctx, &l) : -1;
		free(code);
		free(amount);
		free(kname);
		free(kver);
		strpool_release(&pool);
		if (r) {
			sqlite3_finalize(parts);
			return -1;
		}
	}
	sqlite3_finalize(parts);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading parts");
}

static int sq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(
		s,
		"SELECT ap.budget_year, ap.uo, ap.uo_name, ap.anslag, ap.anslag_name, ap.post, ap.post_name, "
		" ap.available, d.dnr, d.date, d.title, sum(pf.amount) "
		"FROM appropriation ap LEFT JOIN part_funding pf ON pf.appropriation_id = ap.id "
		"LEFT JOIN part p ON p.id = pf.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		"WHERE ?1 = 0 OR ap.budget_year = ?1 GROUP BY ap.id, d.id "
		"ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post, d.date, d.dnr",
		err);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct appropriation_use u = {
			.budget_year = sqlite3_column_int(st, 0),
			.uo = sqlite3_column_int(st, 1),
			.uo_name = col_text(st, 2),
			.anslag = col_text(st, 3),
			.anslag_name = col_text(st, 4),
			.post = sqlite3_column_int(st, 5),
			.post_name = col_text(st, 6),
			.has_available = sqlite3_column_type(st, 7) != SQLITE_NULL,
			.available = sqlite3_column_int64(st, 7),
			.dnr = col_text(st, 8),
			.date = col_text(st, 9),
			.decision_title = col_text(st, 10),
			.amount = sqlite3_column_int64(st, 11),
		};
		if (fn(ctx, &u)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "listing appropriations");
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
	.ledger_record = sq_ledger_record,
	.ledger_accounts = sq_ledger_accounts,
	.ledger_events = sq_ledger_events,
	.ledger_refs = sq_ledger_refs,
	.ledger_verify = sq_ledger_verify,
	.payments = sq_payments,
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
