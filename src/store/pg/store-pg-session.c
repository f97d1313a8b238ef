/* store-pg-session.c: the web application's sessions and login
 * throttle counts in PostgreSQL (0006-web-session.sql). */
#include <stdio.h>
#include <string.h>

#include "pg-internal.h"

int pq_session_put(struct store *base, const char *token_sha256, const struct store_session *in, struct bd_error *err)
{
	return pq_run(P(base),
		      "INSERT INTO web_session (token_sha256, name, role, org, csrf, created, seen) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		      "keeping a session", err, PQ_T(token_sha256), PQ_T(in->name), PQ_T(in->role),
		      PQ_T(in->org[0] ? in->org : NULL), PQ_T(in->csrf), PQ_I(in->created), PQ_I(in->seen)) < 0
		       ? -1
		       : 0;
}

int pq_session_get(struct store *base, const char *token_sha256, struct store_session *out, struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT name, role, org, csrf, created, seen FROM web_session WHERE token_sha256 = $1",
			  "reading a session", err, PQ_T(token_sha256));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	snprintf(out->name, sizeof(out->name), "%s", pq_text(&q, 0));
	snprintf(out->role, sizeof(out->role), "%s", pq_text(&q, 1));
	snprintf(out->org, sizeof(out->org), "%s", pq_text(&q, 2) ? pq_text(&q, 2) : "");
	snprintf(out->csrf, sizeof(out->csrf), "%s", pq_text(&q, 3));
	out->created = pq_i64(&q, 4);
	out->seen = pq_i64(&q, 5);
	return pq_stop(&q, 0);
}

int pq_session_touch(struct store *base, const char *token_sha256, int64_t seen, struct bd_error *err)
{
	return pq_run(P(base), "UPDATE web_session SET seen = $2 WHERE token_sha256 = $1 AND seen < $2",
		      "refreshing a session", err, PQ_T(token_sha256), PQ_I(seen)) < 0
		       ? -1
		       : 0;
}

/* Ended, not deleted: the application's database role may have no DELETE
 * right (docs/deploy-roles.sql); an ended session is never valid again.
 * web_session has no bd_changed trigger (a login or a touch is no change
 * of the register), but an end or a deletion bumps the change counter in
 * the same statement, so that every server that keeps sessions read at a
 * generation (store_session_get_at) reads the row again at once. */
int pq_session_end(struct store *base, const char *token_sha256, struct bd_error *err)
{
	return pq_run(P(base),
		      "WITH e AS (UPDATE web_session SET created = 0, seen = 0 WHERE token_sha256 = $1 RETURNING 1) "
		      "UPDATE bd_generation SET n = n + 1 WHERE EXISTS (SELECT 1 FROM e)",
		      "ending a session", err, PQ_T(token_sha256)) < 0
		       ? -1
		       : 0;
}

int pq_session_expire(struct store *base, int64_t seen_before, int64_t created_before, struct bd_error *err)
{
	return pq_run(P(base),
		      "WITH d AS (DELETE FROM web_session WHERE seen < $1 OR created < $2 RETURNING 1) "
		      "UPDATE bd_generation SET n = n + 1 WHERE EXISTS (SELECT 1 FROM d)",
		      "forgetting old sessions", err, PQ_I(seen_before), PQ_I(created_before)) < 0
		       ? -1
		       : 0;
}

int pq_throttle_get(struct store *base, const char *key, struct store_throttle *out, struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base), "SELECT failures, first, until FROM login_throttle WHERE key = $1",
			  "reading failed logins", err, PQ_T(key));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	out->failures = pq_i64(&q, 0);
	out->first = pq_i64(&q, 1);
	out->until = pq_i64(&q, 2);
	return pq_stop(&q, 0);
}

int pq_throttle_put(struct store *base, const char *key, const struct store_throttle *t, struct bd_error *err)
{
	return pq_run(P(base),
		      "INSERT INTO login_throttle (key, failures, first, until) VALUES ($1, $2, $3, $4) "
		      "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first = excluded.first, "
		      "until = excluded.until",
		      "counting a failed login", err, PQ_T(key), PQ_I(t->failures), PQ_I(t->first), PQ_I(t->until)) < 0
		       ? -1
		       : 0;
}

int pq_throttle_expire(struct store *base, int64_t now, int64_t first_before, struct bd_error *err)
{
	return pq_run(P(base), "DELETE FROM login_throttle WHERE until <= $1 AND first < $2",
		      "forgetting old failed logins", err, PQ_I(now), PQ_I(first_before)) < 0
		       ? -1
		       : 0;
}
