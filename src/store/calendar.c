/* calendar.c: personal calendar feeds: tokens made and hashed here, the
 * engines keep only their SHA-256 (store-calendar.h). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "engine-calendar.h"
#include "store-calendar.h"

static void token_sha256(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int audit(struct store *s, const char *action, const char *user, json_t *after, struct bd_error *err)
{
	char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(after);
	int rc = store_audit_append(s, action, user, NULL, a, err);
	free(a);
	return rc;
}

int store_calendar_new(struct store *s, const char *user, int64_t now, char token[CALENDAR_TOKEN_LEN + 1],
		       struct bd_error *err)
{
	if (sodium_init() < 0)
		return bd_failc(err, BD_IO, "internal: libsodium could not start");
	unsigned char raw[CALENDAR_TOKEN_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, CALENDAR_TOKEN_LEN + 1, raw, sizeof(raw));
	char h[65];
	token_sha256(token, h);
	int revoked = 0;
	if (s->ops->calendar->feed_revoke(s, user, now, &revoked, err) ||
	    s->ops->calendar->feed_add(s, user, h, now, err))
		return -1;
	/* The audit entry names the user and whether one was revoked; never
	 * the token, nor its hash. */
	return audit(s, "calendar.new", user, json_pack("{s:s, s:I, s:b}", "user", user, "created", (json_int_t)now,
							"replaced", revoked > 0),
		     err);
}

int store_calendar_revoke(struct store *s, const char *user, int64_t now, struct bd_error *err)
{
	int n = 0;
	if (s->ops->calendar->feed_revoke(s, user, now, &n, err))
		return -1;
	if (n == 0)
		return 1;
	return audit(s, "calendar.revoke", user, json_pack("{s:s, s:I}", "user", user, "revoked", (json_int_t)now), err);
}

int store_calendar_current(struct store *s, const char *user, int64_t *created, struct bd_error *err)
{
	*created = 0;
	return s->ops->calendar->feed_current(s, user, created, err);
}

int store_calendar_user(struct store *s, const char *token, char user[65], struct bd_error *err)
{
	user[0] = '\0';
	size_t n = strlen(token);
	if (n != CALENDAR_TOKEN_LEN)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
			return 1;
	char h[65];
	token_sha256(token, h);
	return s->ops->calendar->feed_find(s, h, user, err);
}
