/* store-sqlite-audit.c: the audit log and the users in SQLite (0004-audit.sql). */
#include <string.h>

#include "audit.h"
#include "sqlite-internal.h"

int sq_generation(struct store *base, uint64_t *gen, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (!s->data_version && !(s->data_version = prep(s, "PRAGMA data_version", err)))
		return -1;
	sqlite3_stmt *st = s->data_version;
	int rc = sqlite3_step(st);
	uint64_t dv = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_fail(s, err, "reading the data version");
	/* data_version moves with other connections' commits; this
	 * connection's own changes move total_changes. */
	*gen = dv << 40 ^ (uint64_t)sqlite3_total_changes64(s->db);
	return 0;
}

int sq_audit_append(struct store *base, const char *actor, const char *action, const char *object, const char *before,
		    const char *after, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s, "SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1", err);
	if (!st)
		return -1;
	char prev[65];
	strcpy(prev, AUDIT_GENESIS);
	int64_t seq = 1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", col_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s, err, "reading the audit log");
	char at[32], hash[65];
	now_iso(at, sizeof(at));
	struct audit_entry e = {seq, at, actor, action, object, before, after, prev, NULL};
	audit_hash(&e, hash);
	st = prep(s,
		  "INSERT INTO audit_log (seq, at, actor, action, object, before, after, prev_sha256, sha256) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		  err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	bind_text(st, 2, at);
	bind_text(st, 3, actor);
	bind_text(st, 4, action);
	bind_text(st, 5, object);
	bind_text(st, 6, before);
	bind_text(st, 7, after);
	bind_text(st, 8, prev);
	bind_text(st, 9, hash);
	return step_done(s, st, "appending to the audit log", err);
}

int sq_audit_list(struct store *base, int64_t from, audit_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT seq, at, actor, action, object, before, after, prev_sha256, sha256 FROM audit_log "
				"WHERE seq >= ?1 ORDER BY seq",
				err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e = {
			sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 5),
			(const char *)sqlite3_column_text(st, 6),
			(const char *)sqlite3_column_text(st, 7),
			(const char *)sqlite3_column_text(st, 8),
		};
		if (fn(ctx, &e)) {
			sqlite3_finalize(st);
			return 1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading the audit log");
}

int sq_user_add(struct store *base, const struct user *u, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	char now[32];
	now_iso(now, sizeof(now));
	sqlite3_stmt *st = prep(s,
				"INSERT INTO app_user (name, role, org_id, password_hash, created_at, changed_at) "
				"VALUES (?1, ?2, (SELECT id FROM org WHERE code = ?3), ?4, ?5, ?5) "
				"ON CONFLICT (name) DO NOTHING",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, u->name);
	bind_text(st, 2, u->role);
	bind_text(st, 3, u->org);
	bind_text(st, 4, u->password_hash);
	bind_text(st, 5, now);
	if (step_done(s, st, "adding a user", err))
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return bd_fail(err, "a user named '%s' exists already (see 'bidrag user list')", u->name);
	return 0;
}

int sq_user_passwd(struct store *base, const char *name, const char *password_hash, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	char now[32];
	now_iso(now, sizeof(now));
	sqlite3_stmt *st = prep(s, "UPDATE app_user SET password_hash = ?2, changed_at = ?3 WHERE name = ?1", err);
	if (!st)
		return -1;
	bind_text(st, 1, name);
	bind_text(st, 2, password_hash);
	bind_text(st, 3, now);
	if (step_done(s, st, "changing a password", err))
		return -1;
	return sqlite3_changes(s->db) ? 0 : 1;
}

static int user_rows(struct sqlite_store *s, sqlite3_stmt *st, user_fn fn, void *ctx, bool *any,
		     struct bd_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct user u = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
		};
		*any = true;
		if (fn(ctx, &u))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(s, err, "reading users");
}

#define USER_SELECT                                                                                                  \
	"SELECT u.name, u.role, o.code, u.password_hash, u.created_at, u.changed_at FROM app_user u "                \
	"LEFT JOIN org o ON o.id = u.org_id "

int sq_user_get(struct store *base, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s, USER_SELECT "WHERE u.name = ?1", err);
	if (!st)
		return -1;
	bind_text(st, 1, name);
	bool any = false;
	if (user_rows(s, st, fn, ctx, &any, err))
		return -1;
	return any ? 0 : 1;
}

int sq_user_list(struct store *base, user_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s, USER_SELECT "ORDER BY u.name", err);
	if (!st)
		return -1;
	bool any = false;
	return user_rows(s, st, fn, ctx, &any, err);
}
