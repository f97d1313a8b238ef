/* auth.c: logins (Argon2id through libsodium), sessions in memory with a
 * CSRF token each, and login throttling per user name and per address. */
#include "web.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store.h"

#define SESSION_IDLE (2 * 3600)      /* seconds without a request */
#define SESSION_MAX (12 * 3600)      /* seconds since login */
#define THROTTLE_FREE 5              /* failures before waiting */
#define THROTTLE_WINDOW (15 * 60)    /* failures older than this are forgotten */
#define THROTTLE_MAX_WAIT (15 * 60)

struct session {
	char token[65];
	struct web_session s;
	time_t created, seen;
};

struct failure {
	char key[200]; /* "user:NAME" or "addr:IP" */
	int count;
	time_t first, until;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct session *sessions;
static size_t nsessions;
static struct failure *failures;
static size_t nfailures;

static void random_hex(char out[65])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, 65, b, sizeof(b));
}

/* A hash of a random password: verified against when the user name is
 * unknown, so a login takes as long whether or not the user exists. */
static char dummy_hash[crypto_pwhash_STRBYTES];

void auth_init(void)
{
	if (sodium_init() < 0)
		abort();
	char pw[65];
	random_hex(pw);
	if (crypto_pwhash_str(dummy_hash, pw, 64, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE))
		abort();
}

void auth_free(void)
{
	pthread_mutex_lock(&lock);
	sodium_memzero(sessions, nsessions * sizeof(*sessions));
	free(sessions);
	free(failures);
	sessions = NULL;
	failures = NULL;
	nsessions = nfailures = 0;
	pthread_mutex_unlock(&lock);
}

enum web_role role_parse(const char *name)
{
	static const struct {
		const char *name;
		enum web_role role;
	} roles[] = {{"handlaggare", ROLE_HANDLAGGARE}, {"attestant", ROLE_ATTESTANT}, {"revisor", ROLE_REVISOR},
		     {"mottagare", ROLE_MOTTAGARE}, {"admin", ROLE_ADMIN}};
	for (size_t i = 0; i < BD_ARRAY_LEN(roles); i++)
		if (name && strcmp(roles[i].name, name) == 0)
			return roles[i].role;
	return 0;
}

/* Constant-time comparison of two tokens of 64 hex digits. */
static bool token_eq(const char *a, const char *b)
{
	return strlen(a) == 64 && strlen(b) == 64 && sodium_memcmp(a, b, 64) == 0;
}

bool auth_session(const char *token, struct web_session *out)
{
	time_t now = time(NULL);
	bool found = false;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsessions; i++) {
		struct session *s = &sessions[i];
		if (now - s->seen > SESSION_IDLE || now - s->created > SESSION_MAX) {
			/* expired: forget it (swap with the last) */
			sodium_memzero(s, sizeof(*s));
			sessions[i--] = sessions[--nsessions];
			continue;
		}
		if (!found && token_eq(s->token, token)) {
			s->seen = now;
			*out = s->s;
			found = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

/* throttle_wait: seconds until key may try again (0: now). */
static long throttle_wait(const char *key, time_t now)
{
	for (size_t i = 0; i < nfailures; i++)
		if (strcmp(failures[i].key, key) == 0)
			return failures[i].until > now ? (long)(failures[i].until - now) : 0;
	return 0;
}

static void throttle_fail(const char *key, time_t now)
{
	/* Forget what is over, so that the table holds only live counts. */
	for (size_t i = 0; i < nfailures; i++)
		if (failures[i].until <= now && now - failures[i].first > THROTTLE_WINDOW)
			failures[i--] = failures[--nfailures];
	struct failure *f = NULL;
	for (size_t i = 0; i < nfailures && !f; i++)
		if (strcmp(failures[i].key, key) == 0)
			f = &failures[i];
	if (!f) {
		failures = xreallocarray(failures, nfailures + 1, sizeof(*failures));
		f = &failures[nfailures++];
		memset(f, 0, sizeof(*f));
		snprintf(f->key, sizeof(f->key), "%s", key);
	}
	if (f->count && now - f->first > THROTTLE_WINDOW) {
		f->count = 0;
		f->until = 0;
	}
	if (!f->count)
		f->first = now;
	f->count++;
	if (f->count >= THROTTLE_FREE) {
		/* 1 s after the fifth failure, doubling, at most 15 minutes */
		long wait = 1L << (f->count - THROTTLE_FREE < 10 ? f->count - THROTTLE_FREE : 10);
		f->until = now + (wait < THROTTLE_MAX_WAIT ? wait : THROTTLE_MAX_WAIT);
	}
}

/* throttle_undo: take back one attempt counted in advance (it succeeded). */
static void throttle_undo(const char *key)
{
	for (size_t i = 0; i < nfailures; i++)
		if (strcmp(failures[i].key, key) == 0) {
			if (failures[i].count > 0 && --failures[i].count < THROTTLE_FREE)
				failures[i].until = 0;
			return;
		}
}

static void throttle_clear(const char *key)
{
	for (size_t i = 0; i < nfailures; i++)
		if (strcmp(failures[i].key, key) == 0) {
			failures[i] = failures[--nfailures];
			return;
		}
}

struct found_user {
	bool found;
	char role[16], org[64];
	char hash[crypto_pwhash_STRBYTES];
};

static int take_user(void *ctx, const struct user *u)
{
	struct found_user *f = ctx;
	f->found = true;
	snprintf(f->role, sizeof(f->role), "%s", u->role);
	snprintf(f->org, sizeof(f->org), "%s", u->org ? u->org : "");
	snprintf(f->hash, sizeof(f->hash), "%s", u->password_hash);
	return 0;
}

int auth_login(struct web_req *r)
{
	json_t *body = r->json; /* only name and password: the route's fields */
	const char *jname = json_string_value(json_object_get(body, "name"));
	const char *jpw = json_string_value(json_object_get(body, "password"));
	if (!jname || !*jname || strlen(jname) > 64) {
		json_decref(body);
		return web_error(r, 400, "name", "name: expected the user name (1 to 64 characters)");
	}
	if (!jpw || strlen(jpw) > 1024) {
		json_decref(body);
		return web_error(r, 400, "password", "password: expected the password as a string");
	}
	char name[65];
	snprintf(name, sizeof(name), "%s", jname);
	char *password = sodium_malloc(1025);
	snprintf(password, 1025, "%s", jpw);
	json_decref(body);
	char ukey[200], akey[200];
	snprintf(ukey, sizeof(ukey), "user:%s", name);
	snprintf(akey, sizeof(akey), "addr:%s", r->client);
	time_t now = time(NULL);
	pthread_mutex_lock(&lock);
	long wait = throttle_wait(ukey, now), wait2 = throttle_wait(akey, now);
	if (wait2 > wait)
		wait = wait2;
	if (wait == 0) {
		/* Counted as a failure before the (slow) check and taken back if it
		 * succeeds: guesses sent in parallel cannot all slip through. */
		throttle_fail(ukey, now);
		throttle_fail(akey, now);
	}
	pthread_mutex_unlock(&lock);
	if (wait > 0) {
		sodium_free(password);
		bd_strf(r->retry_after, sizeof(r->retry_after), "%ld", wait);
		return web_error(r, 429, NULL, "too many failed logins: try again in %ld s", wait);
	}
	struct found_user u = {0};
	struct bd_error err;
	if (store_user_get(r->store, name, take_user, &u, &err) < 0) {
		sodium_free(password);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	/* The same work whether or not the user exists, so timing tells nothing. */
	bool ok = crypto_pwhash_str_verify(u.found ? u.hash : dummy_hash, password, strlen(password)) == 0 && u.found;
	sodium_free(password);
	sodium_memzero(u.hash, sizeof(u.hash));
	if (!ok)
		return web_error(r, 401, NULL, "wrong user name or password");
	pthread_mutex_lock(&lock);
	throttle_clear(ukey);
	throttle_undo(akey);
	struct session s = {0};
	random_hex(s.token);
	random_hex(s.s.csrf);
	snprintf(s.s.name, sizeof(s.s.name), "%s", name);
	snprintf(s.s.role_name, sizeof(s.s.role_name), "%s", u.role);
	snprintf(s.s.org, sizeof(s.s.org), "%s", u.org);
	s.s.role = role_parse(u.role);
	s.created = s.seen = now;
	sessions = xreallocarray(sessions, nsessions + 1, sizeof(*sessions));
	sessions[nsessions++] = s;
	pthread_mutex_unlock(&lock);
	snprintf(r->set_cookie, sizeof(r->set_cookie), "bidrag_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 s.token, r->cfg->secure_cookies ? "; Secure" : "");
	struct store *st = r->store;
	store_set_actor(st, name);
	if (store_begin(st, &err) == 0) {
		if (store_audit_append(st, "session.login", name, NULL, NULL, &err) || store_commit(st, &err))
			store_rollback(st);
	}
	return web_json(r, 200,
			json_pack("{s:s, s:s, s:s?, s:s}", "name", s.s.name, "role", s.s.role_name, "org",
				  s.s.org[0] ? s.s.org : NULL, "csrf", s.s.csrf));
}

int auth_logout(struct web_req *r)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsessions; i++)
		if (token_eq(sessions[i].token, r->token)) {
			sodium_memzero(&sessions[i], sizeof(sessions[i]));
			sessions[i] = sessions[--nsessions];
			break;
		}
	pthread_mutex_unlock(&lock);
	snprintf(r->set_cookie, sizeof(r->set_cookie),
		 "bidrag_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", r->cfg->secure_cookies ? "; Secure" : "");
	return web_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}
