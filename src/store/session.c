/* session.c: the web application's sessions and login throttle counts in
 * the database (store.h); the engines store rows, this file hashes tokens. */
#include <stdbool.h>
#include <stdlib.h>
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

/* The sessions store_session_get_at read, each with the generation it was
 * read at: a few per connection (a server thread serves a few users at a
 * time), the least recently used one replaced.  Keyed by the token's
 * SHA-256, as the database is. */
#define SESSION_SLOTS 16
struct session_cache {
	struct {
		unsigned char h[crypto_hash_sha256_BYTES];
		bool used;
		uint64_t gen;
		unsigned long last;
		struct store_session row;
	} slot[SESSION_SLOTS];
	unsigned long clock;
};

void session_cache_free(struct store *s)
{
	if (s->sessions)
		sodium_memzero(s->sessions, sizeof(*s->sessions));
	free(s->sessions);
	s->sessions = NULL;
}

/* session_slot: the slot kept for hash h, or NULL. */
static int session_slot(struct store *s, const unsigned char h[crypto_hash_sha256_BYTES])
{
	for (int i = 0; s->sessions && i < SESSION_SLOTS; i++)
		if (s->sessions->slot[i].used && sodium_memcmp(s->sessions->slot[i].h, h, crypto_hash_sha256_BYTES) == 0)
			return i;
	return -1;
}

int store_session_get_at(struct store *s, const char *token, uint64_t gen, struct store_session *out,
			 struct bd_error *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	int i = s->in_tx ? -1 : session_slot(s, h);
	struct session_cache *c = s->sessions;
	if (i >= 0 && c->slot[i].gen == gen) {
		c->slot[i].last = ++c->clock;
		*out = c->slot[i].row;
		return 0;
	}
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	memset(out, 0, sizeof(*out));
	int rc = s->ops->session_get(s, hex, out, err);
	if (rc != 0 || s->in_tx) {
		if (i >= 0)
			c->slot[i].used = false;
		return rc;
	}
	if (!c)
		c = s->sessions = xcalloc(1, sizeof(*c));
	if (i < 0) { /* a free slot, else the least recently used */
		i = 0;
		for (int k = 0; k < SESSION_SLOTS; k++) {
			if (!c->slot[k].used) {
				i = k;
				break;
			}
			if (c->slot[k].last < c->slot[i].last)
				i = k;
		}
	}
	memcpy(c->slot[i].h, h, sizeof(h));
	c->slot[i].used = true;
	c->slot[i].gen = gen;
	c->slot[i].last = ++c->clock;
	c->slot[i].row = *out;
	return 0;
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
	if (s->ops->session_touch(s, h, seen, err))
		return -1;
	/* What is kept is as the database has it now (the UPDATE moves 'seen'
	 * forward only), so that it is not touched again on the next request
	 * where the touch does not move the generation (PostgreSQL). */
	unsigned char b[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(b, (const unsigned char *)token, strlen(token));
	int i = session_slot(s, b);
	if (i >= 0 && s->sessions->slot[i].row.seen < seen)
		s->sessions->slot[i].row.seen = seen;
	return 0;
}

int store_session_end(struct store *s, const char *token, struct bd_error *err)
{
	char h[65];
	token_sha256(token, h);
	unsigned char b[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(b, (const unsigned char *)token, strlen(token));
	int i = session_slot(s, b);
	if (i >= 0) /* forgotten before the database is asked: never valid again here, whatever it answers */
		s->sessions->slot[i].used = false;
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
