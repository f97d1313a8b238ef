/* store-sqlite-session.c: the web application's sessions and login
 * throttle counts in SQLite (0006-web-session.sql). */
#include <stdio.h>
#include <string.h>

#include "sqlite-internal.h"

int sq_session_put(struct store *base, const char *token_sha256, const struct store_session *in, struct bd_error *err)
{
	return sq_run(S(base),
		      "INSERT INTO web_session (token_sha256, name, role, org, csrf, created, seen) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		      "keeping a session", err, SQ_T(token_sha256), SQ_T(in->name), SQ_T(in->role),
		      SQ_T(in->org[0] ? in->org : NULL), SQ_T(in->csrf), SQ_I(in->created), SQ_I(in->seen)) < 0
		       ? -1
		       : 0;
}

int sq_session_get(struct store *base, const char *token_sha256, struct store_session *out, struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT name, role, org, csrf, created, seen FROM web_session WHERE token_sha256 = ?1",
			  "reading a session", err, SQ_T(token_sha256));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	snprintf(out->name, sizeof(out->name), "%s", sq_text(&q, 0));
	snprintf(out->role, sizeof(out->role), "%s", sq_text(&q, 1));
	snprintf(out->org, sizeof(out->org), "%s", sq_text(&q, 2) ? sq_text(&q, 2) : "");
	snprintf(out->csrf, sizeof(out->csrf), "%s", sq_text(&q, 3));
	out->created = sq_i64(&q, 4);
	out->seen = sq_i64(&q, 5);
	return sq_stop(&q, 0);
}

int sq_session_touch(struct store *base, const char *token_sha256, int64_t seen, struct bd_error *err)
{
	return sq_run(S(base), "UPDATE web_session SET seen = ?2 WHERE token_sha256 = ?1 AND seen < ?2",
		      "refreshing a session", err, SQ_T(token_sha256), SQ_I(seen)) < 0
		       ? -1
		       : 0;
}

/* Ended, not deleted: the application's database role may have no DELETE
 * right (docs/deploy-roles.sql); an ended session is never valid again. */
int sq_session_end(struct store *base, const char *token_sha256, struct bd_error *err)
{
	return sq_run(S(base), "UPDATE web_session SET created = 0, seen = 0 WHERE token_sha256 = ?1", "ending a session",
		      err, SQ_T(token_sha256)) < 0
		       ? -1
		       : 0;
}

int sq_session_expire(struct store *base, int64_t seen_before, int64_t created_before, struct bd_error *err)
{
	return sq_run(S(base), "DELETE FROM web_session WHERE seen < ?1 OR created < ?2", "forgetting old sessions",
		      err, SQ_I(seen_before), SQ_I(created_before)) < 0
		       ? -1
		       : 0;
}

int sq_throttle_get(struct store *base, const char *key, struct store_throttle *out, struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base), "SELECT failures, first, until FROM login_throttle WHERE key = ?1",
			  "reading failed logins", err, SQ_T(key));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	out->failures = sq_i64(&q, 0);
	out->first = sq_i64(&q, 1);
	out->until = sq_i64(&q, 2);
	return sq_stop(&q, 0);
}

int sq_throttle_put(struct store *base, const char *key, const struct store_throttle *t, struct bd_error *err)
{
	return sq_run(S(base),
		      "INSERT INTO login_throttle (key, failures, first, until) VALUES (?1, ?2, ?3, ?4) "
		      "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first = excluded.first, "
		      "until = excluded.until",
		      "counting a failed login", err, SQ_T(key), SQ_I(t->failures), SQ_I(t->first), SQ_I(t->until)) < 0
		       ? -1
		       : 0;
}

int sq_throttle_expire(struct store *base, int64_t now, int64_t first_before, struct bd_error *err)
{
	return sq_run(S(base), "DELETE FROM login_throttle WHERE until <= ?1 AND first < ?2",
		      "forgetting old failed logins", err, SQ_I(now), SQ_I(first_before)) < 0
		       ? -1
		       : 0;
}
