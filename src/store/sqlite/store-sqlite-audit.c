/* store-sqlite-audit.c: the audit log and the users in SQLite (0004-audit.sql). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "sqlite-internal.h"

int sq_generation(struct store *base, uint64_t *gen, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (!s->data_version && !(s->data_version = prep(s, "PRAGMA data_version", err)))
		return -1;
	struct sq_stmt q;
	sq_use(&q, s, s->data_version, "reading the data version", err);
	int rc = sq_row(&q);
	uint64_t dv = rc > 0 ? (uint64_t)sq_i64(&q, 0) : 0;
	sq_stop(&q, 0);
	if (rc < 0)
		return -1;
	/* data_version moves with other connections' commits; this
	 * connection's own changes move total_changes. */
	*gen = dv << 40 ^ (uint64_t)sqlite3_total_changes64(s->db);
	return 0;
}

int sq_audit_append(struct store *base, const char *actor, const char *action, const char *object, const char *before,
		    const char *after, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s, "SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1", "reading the audit log",
			  err);
	if (rc < 0)
		return -1;
	char prev[65];
	strcpy(prev, AUDIT_GENESIS);
	int64_t seq = 1;
	if (rc) {
		seq = sq_i64(&q, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", sq_text(&q, 1));
		sq_stop(&q, 0);
	}
	char at[32], hash[65];
	now_iso(at, sizeof(at));
	struct audit_entry e = {seq, at, actor, action, object, before, after, prev, NULL};
	audit_hash(&e, hash);
	return sq_run(s,
		      "INSERT INTO audit_log (seq, at, actor, action, object, before, after, prev_sha256, sha256) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		      "appending to the audit log", err, SQ_I(seq), SQ_T(at), SQ_T(actor), SQ_T(action), SQ_T(object),
		      SQ_T(before), SQ_T(after), SQ_T(prev), SQ_T(hash)) < 0
		       ? -1
		       : 0;
}

/* actions_json: the actions of a selection as a JSON array, for json_each. */
static char *actions_json(const struct audit_filter *f)
{
	json_t *a = json_array();
	for (size_t i = 0; i < f->nactions; i++)
		json_array_append_new(a, json_string(f->actions[i]));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text;
}

int sq_audit_list(struct store *base, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err)
{
	/* The selection as WHERE clauses: a clause for each field given, so
	 * there are at most 2^6 statements whatever is asked. */
	struct buf sql;
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT seq, at, actor, action, object, before, after, prev_sha256, sha256 FROM audit_log "
		       "WHERE seq >= ?1");
	struct sq_arg args[8];
	size_t n = 0;
	args[n++] = SQ_I(f->seq_from);
	if (f->seq_to > 0) {
		args[n++] = SQ_I(f->seq_to);
		buf_addf(&sql, " AND seq <= ?%zu", n);
	}
	if (f->at_from) {
		args[n++] = SQ_T(f->at_from);
		buf_addf(&sql, " AND at >= ?%zu", n);
	}
	if (f->at_to) {
		args[n++] = SQ_T(f->at_to);
		buf_addf(&sql, " AND at < ?%zu", n);
	}
	if (f->actor) {
		args[n++] = SQ_T(f->actor);
		buf_addf(&sql, " AND actor = ?%zu", n);
	}
	char *actions = f->nactions ? actions_json(f) : NULL;
	if (actions) {
		args[n++] = SQ_T(actions);
		buf_addf(&sql, " AND action IN (SELECT value FROM json_each(?%zu))", n);
	}
	if (f->object) {
		args[n++] = SQ_T(f->object);
		if (f->object_prefix)
			buf_addf(&sql, " AND (object = ?%zu OR substr(object, 1, length(?%zu) + 1) = ?%zu || ' ')", n, n, n);
		else
			buf_addf(&sql, " AND object = ?%zu", n);
	}
	buf_adds(&sql, " ORDER BY seq");
	struct sq_stmt q;
	int rc = sq_query_(&q, S(base), sql.data, "reading the audit log", err, args, n);
	if (!rc) {
		while ((rc = sq_row(&q)) > 0) {
			struct audit_entry e = {sq_i64(&q, 0),	sq_text(&q, 1), sq_text(&q, 2), sq_text(&q, 3),
						sq_text(&q, 4), sq_text(&q, 5), sq_text(&q, 6), sq_text(&q, 7),
						sq_text(&q, 8)};
			if (fn(ctx, &e)) {
				rc = sq_stop(&q, 1);
				break;
			}
		}
	} else
		rc = -1;
	free(actions);
	buf_release(&sql);
	return rc;
}

int sq_user_add(struct store *base, const struct user *u, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int n = sq_run(S(base),
		       "INSERT INTO app_user (name, role, org_id, password_hash, created_at, changed_at, os_account) "
		       "VALUES (?1, ?2, (SELECT id FROM org WHERE code = ?3), ?4, ?5, ?5, ?6) "
		       "ON CONFLICT (name) DO NOTHING",
		       "adding a user", err, SQ_T(u->name), SQ_T(u->role), SQ_T(u->org), SQ_T(u->password_hash),
		       SQ_T(now), SQ_T(u->os_account));
	if (n < 0)
		return -1;
	return n == 0 ? 1 : 0;
}

int sq_user_passwd(struct store *base, const char *name, const char *password_hash, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int n = sq_run(S(base), "UPDATE app_user SET password_hash = ?2, changed_at = ?3 WHERE name = ?1",
		       "changing a password", err, SQ_T(name), SQ_T(password_hash), SQ_T(now));
	return n < 0 ? -1 : n ? 0 : 1;
}

#define USER_SELECT                                                                                                  \
	"SELECT u.name, u.role, o.code, u.password_hash, u.created_at, u.changed_at, u.os_account FROM app_user u "                \
	"LEFT JOIN org o ON o.id = u.org_id "

/* users: each row of sql (with name as ?1, if given) to fn; 1 when there was none. */
static int users(struct store *base, const char *sql, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (name ? sq_query(&q, S(base), sql, "reading users", err, SQ_T(name))
		 : sq_query(&q, S(base), sql, "reading users", err))
		return -1;
	int rc, any = 0;
	while ((rc = sq_row(&q)) > 0) {
		struct user u = {sq_text(&q, 0), sq_text(&q, 1), sq_text(&q, 2),
				 sq_text(&q, 3), sq_text(&q, 4), sq_text(&q, 5), sq_text(&q, 6)};
		any = 1;
		if (fn(ctx, &u))
			return sq_stop(&q, 0);
	}
	return rc < 0 ? -1 : !any;
}

int sq_user_get(struct store *base, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	return users(base, USER_SELECT "WHERE u.name = ?1", name, fn, ctx, err);
}

int sq_user_list(struct store *base, user_fn fn, void *ctx, struct bd_error *err)
{
	return users(base, USER_SELECT "ORDER BY u.name", NULL, fn, ctx, err) < 0 ? -1 : 0;
}

int sq_user_by_os(struct store *base, const char *account, user_fn fn, void *ctx, struct bd_error *err)
{
	return users(base, USER_SELECT "WHERE u.os_account = ?1", account, fn, ctx, err);
}

int sq_user_map(struct store *base, const char *name, const char *account, struct bd_error *err)
{
	int n = sq_run(S(base), "UPDATE app_user SET os_account = ?2 WHERE name = ?1", "mapping a user to an account", err,
		       SQ_T(name), SQ_T(account));
	return n < 0 ? -1 : n ? 0 : 1;
}
