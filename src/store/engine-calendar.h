/* engine-calendar.h: what an engine provides for the personal calendar
 * feeds (0012-calendar-feed.sql): the primitives behind struct store_ops's
 * `calendar`.  The rules (a token is made and hashed here above the line, a
 * user has one in use, the audit entries) are in calendar.c; an engine only
 * stores and finds rows by the token's hex SHA-256.  Return values as in
 * engine.h: 0, 1 for "none" where said, -1 with err. */
#ifndef BIDRAG_ENGINE_CALENDAR_H
#define BIDRAG_ENGINE_CALENDAR_H

#include "engine.h"

struct store_calendar_ops {
	/* feed_add: a new token of user, in use from created. */
	int (*feed_add)(struct store *s, const char *user, const char *token_sha256, int64_t created,
			struct bd_error *err);
	/* feed_revoke: every token of user still in use is revoked at now;
	 * *count says how many. */
	int (*feed_revoke)(struct store *s, const char *user, int64_t now, int *count, struct bd_error *err);
	/* feed_find: the user of a token still in use; 1 if there is none
	 * (never made, or revoked). */
	int (*feed_find)(struct store *s, const char *token_sha256, char user[65], struct bd_error *err);
	/* feed_current: when user's token in use was made; 1 if none. */
	int (*feed_current)(struct store *s, const char *user, int64_t *created, struct bd_error *err);
};

extern const struct store_calendar_ops store_sqlite_calendar_ops, store_pg_calendar_ops;

#endif
