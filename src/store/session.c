/* session.c: the web application's sessions and login throttle counts in
 * the database (store.h); the engines store rows, this file hashes tokens. */
#include <string.h>

#include <sodium.h>

#include "engine.h"
#include "store.h"

/* token_sha256: the hex SHA-256 of a token: what the database keeps. */
static void token_sha256(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int store_session_add(struct store *s, const char *token, const struct store_session *in, struct bd_error *err)
{
	char h[65];
	token_sha256(token, h);
	return s->ops->session_put(s, h, in, err);
}

int store_session_get(struct store *s, const char *token, struct store_session *out, struct bd_error *err)
{
	char h[65];
	token_sha256(token, h);
	memset(out, 0, sizeof(*out));
	return s->ops->session_get(s, h, out, err);
}

int store_session_touch(struct store *s, const char *token, int64_t seen, struct bd_error *err)
{
	char h[65];
	token_sha256(token, h);
	return s->ops->session_touch(s, h, seen, err);
}

int store_session_end(struct store *s, const char *token, struct bd_error *err)
{
	char h[65];
	token_sha256(token, h);
	return s->ops->session_end(s, h, err);
}

int store_session_expire(struct store *s, int64_t seen_before, int64_t created_before, struct bd_error *err)
{
	return s->ops->session_expire(s, seen_before, created_before, err);
}

int store_throttle_get(struct store *s, const char *key, struct store_throttle *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	return s->ops->throttle_get(s, key, out, err);
}

int store_throttle_put(struct store *s, const char *key, const struct store_throttle *t, struct bd_error *err)
{
	return s->ops->throttle_put(s, key, t, err);
}

int store_throttle_expire(struct store *s, int64_t now, int64_t first_before, struct bd_error *err)
{
	return s->ops->throttle_expire(s, now, first_before, err);
}
