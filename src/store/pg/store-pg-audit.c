/* store-pg-audit.c: the audit log and the users in PostgreSQL (0004-audit.sql). */
#include <string.h>

#include "audit.h"
#include "pg-internal.h"

/* The change counter (engine.sql): every writing transaction of any process
 * bumps it as it commits. */
int pq_generation(struct store *base, uint64_t *gen, struct bd_error *err)
{
	int64_t n = pq_id(P(base), "SELECT n FROM bd_generation", "reading the change counter", err);
	if (n < 0)
		return -1;
	*gen = (uint64_t)n;
	return 0;
}

int pq_audit_append(struct store *base, const char *actor, const char *action, const char *object, const char *before,
		    const char *after, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s, "SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1", "reading the audit log",
			  err);
	if (rc < 0)
		return -1;
	char prev[65];
	strcpy(prev, AUDIT_GENESIS);
	int64_t seq = 1;
	if (rc) {
		seq = pq_i64(&q, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", pq_text(&q, 1));
		pq_stop(&q, 0);
	}
	char at[32], hash[65];
	now_iso(at, sizeof(at));
	struct audit_entry e = {seq, at, actor, action, object, before, after, prev, NULL};
	audit_hash(&e, hash);
	return pq_run(s,
		      "INSERT INTO audit_log (seq, at, actor, action, object, before, after, prev_sha256, sha256) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		      "appending to the audit log", err, PQ_I(seq), PQ_T(at), PQ_T(actor), PQ_T(action), PQ_T(object),
		      PQ_T(before), PQ_T(after), PQ_T(prev), PQ_T(hash)) < 0
		       ? -1
		       : 0;
}

int pq_audit_list(struct store *base, int64_t from, audit_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT seq, at, actor, action, object, before, after, prev_sha256, sha256 FROM audit_log "
		     "WHERE seq >= $1 ORDER BY seq",
		     "reading the audit log", err, PQ_I(from)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct audit_entry e = {pq_i64(&q, 0),	pq_text(&q, 1), pq_text(&q, 2), pq_text(&q, 3), pq_text(&q, 4),
					pq_text(&q, 5), pq_text(&q, 6), pq_text(&q, 7), pq_text(&q, 8)};
		if (fn(ctx, &e))
			return pq_stop(&q, 1);
	}
	return rc;
}

int pq_user_add(struct store *base, const struct user *u, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int n = pq_run(P(base),
		       "INSERT INTO app_user (name, role, org_id, password_hash, created_at, changed_at) "
		       "VALUES ($1, $2, (SELECT id FROM org WHERE code = $3), $4, $5, $5) "
		       "ON CONFLICT (name) DO NOTHING",
		       "adding a user", err, PQ_T(u->name), PQ_T(u->role), PQ_T(u->org), PQ_T(u->password_hash),
		       PQ_T(now));
	if (n < 0)
		return -1;
	return n == 0 ? 1 : 0;
}

int pq_user_passwd(struct store *base, const char *name, const char *password_hash, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int n = pq_run(P(base), "UPDATE app_user SET password_hash = $2, changed_at = $3 WHERE name = $1",
		       "changing a password", err, PQ_T(name), PQ_T(password_hash), PQ_T(now));
	return n < 0 ? -1 : n ? 0 : 1;
}

#define USER_SELECT                                                                                                  \
	"SELECT u.name, u.role, o.code, u.password_hash, u.created_at, u.changed_at FROM app_user u "                \
	"LEFT JOIN org o ON o.id = u.org_id "

/* users: each row of sql (with name as $1, if given) to fn; 1 when there was none. */
static int users(struct store *base, const char *sql, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (name ? pq_query(&q, P(base), sql, "reading users", err, PQ_T(name))
		 : pq_query(&q, P(base), sql, "reading users", err))
		return -1;
	int rc, any = 0;
	while ((rc = pq_row(&q)) > 0) {
		struct user u = {pq_text(&q, 0), pq_text(&q, 1), pq_text(&q, 2),
				 pq_text(&q, 3), pq_text(&q, 4), pq_text(&q, 5)};
		any = 1;
		if (fn(ctx, &u))
			return pq_stop(&q, 0);
	}
	return rc < 0 ? -1 : !any;
}

int pq_user_get(struct store *base, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	return users(base, USER_SELECT "WHERE u.name = $1", name, fn, ctx, err);
}

int pq_user_list(struct store *base, user_fn fn, void *ctx, struct bd_error *err)
{
	return users(base, USER_SELECT "ORDER BY u.name", NULL, fn, ctx, err) < 0 ? -1 : 0;
}
