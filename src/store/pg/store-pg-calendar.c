/* store-pg-calendar.c: personal calendar feeds' tokens, by their hex SHA-256
 * (0012-calendar-feed.sql; the rules in calendar.c). */
#include <stdio.h>
#include <string.h>

#include "engine-calendar.h"
#include "pg-internal.h"

static int feed_add(struct store *base, const char *user, const char *token_sha256, int64_t created,
		    struct bd_error *err)
{
	return pq_run(P(base), "INSERT INTO calendar_feed (user_name, token_sha256, created) VALUES ($1, $2, $3)",
		      "keeping a calendar feed's token", err, PQ_T(user), PQ_T(token_sha256), PQ_I(created)) < 0
		       ? -1
		       : 0;
}

static int feed_revoke(struct store *base, const char *user, int64_t now, int *count, struct bd_error *err)
{
	int n = pq_run(P(base), "UPDATE calendar_feed SET revoked = $2 WHERE user_name = $1 AND revoked IS NULL",
		       "revoking a calendar feed", err, PQ_T(user), PQ_I(now));
	if (n < 0)
		return -1;
	*count = n;
	return 0;
}

static int feed_find(struct store *base, const char *token_sha256, char user[65], struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base), "SELECT user_name FROM calendar_feed WHERE token_sha256 = $1 AND revoked IS NULL",
			  "reading a calendar feed's token", err, PQ_T(token_sha256));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	snprintf(user, 65, "%s", pq_text(&q, 0));
	return pq_stop(&q, 0);
}

static int feed_current(struct store *base, const char *user, int64_t *created, struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT created FROM calendar_feed WHERE user_name = $1 AND revoked IS NULL ORDER BY id DESC",
			  "reading a calendar feed", err, PQ_T(user));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*created = pq_i64(&q, 0);
	return pq_stop(&q, 0);
}

const struct store_calendar_ops store_pg_calendar_ops = {
	.feed_add = feed_add,
	.feed_revoke = feed_revoke,
	.feed_find = feed_find,
	.feed_current = feed_current,
};
