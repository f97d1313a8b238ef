/* store-calendar.h: personal calendar feeds (0012-calendar-feed.sql).  A
 * user may have a secret address from which a calendar program reads the
 * deadlines of the user's organisation (a mottagare) or of every one
 * (staff) without logging in.  The token is made here, handed out once and
 * kept only as its SHA-256; making a new one revokes the one in use. */
#ifndef BIDRAG_STORE_CALENDAR_H
#define BIDRAG_STORE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* The token's length in hex digits (32 random bytes). */
#define CALENDAR_TOKEN_LEN 64

/* store_calendar_new: a new token for user (revoking the one in use), in
 * token; *created the time (seconds since the epoch).  In a write
 * transaction: appends the audit entry calendar.new. */
int store_calendar_new(struct store *s, const char *user, int64_t now, char token[CALENDAR_TOKEN_LEN + 1],
		       struct bd_error *err);
/* store_calendar_revoke: user's token in use is never valid again; 1 if
 * user had none.  In a write transaction: appends calendar.revoke. */
int store_calendar_revoke(struct store *s, const char *user, int64_t now, struct bd_error *err);
/* store_calendar_current: when user's token in use was made; 1 if none. */
int store_calendar_current(struct store *s, const char *user, int64_t *created, struct bd_error *err);
/* store_calendar_user: whose token it is; 1 if it is no token in use (of
 * the wrong form, never made, or revoked). */
int store_calendar_user(struct store *s, const char *token, char user[65], struct bd_error *err);

#endif
