/* auth.c: logins (Argon2id through libsodium), sessions with a CSRF token
 * each, and login throttling per user name and per address.  Sessions and
 * failure counts are kept in the database (store.h), so that every server
 * over it knows a session made on another and counts failures together. */
#include "web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store.h"

#define SESSION_IDLE (2 * 3600)      /* seconds without a request */
#define SESSION_MAX (12 * 3600)      /* seconds since login */
#define SESSION_TOUCH 60             /* seconds: how stale 'seen' may be in the database */
#define THROTTLE_FREE 5              /* failures before waiting */
#define THROTTLE_WINDOW (15 * 60)    /* failures older than this are forgotten */
#define THROTTLE_MAX_WAIT (15 * 60)

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
	sodium_memzero(dummy_hash, sizeof(dummy_hash));
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

bool auth_session(struct store *st, const char *token, struct web_session *out)
{
	if (strlen(token) != 64)
		return false;
	struct store_session row;
	struct bd_error err;
	if (store_session_get(st, token, &row, &err))
		return false; /* none, or unreadable: not logged in */
	time_t now = time(NULL);
	if (now - row.seen > SESSION_IDLE || now - row.created > SESSION_MAX) {
		if (row.created)
			store_session_end(st, token, &err); /* so that it stays over */
		return false;
	}
	/* 'seen' is written at most once a minute: a request is not a write. */
	if (now - row.seen >= SESSION_TOUCH)
		store_session_touch(st, token, now, &err);
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", row.name);
	snprintf(out->role_name, sizeof(out->role_name), "%s", row.role);
	snprintf(out->org, sizeof(out->org), "%s", row.org);
	snprintf(out->csrf, sizeof(out->csrf), "%s", row.csrf);
	out->role = role_parse(row.role);
	return out->role != 0;
}

/* throttle_fail: count one failure of t at now. */
static void throttle_fail(struct store_throttle *t, time_t now)
{
	if (t->failures && now - t->first > THROTTLE_WINDOW) {
		t->failures = 0;
		t->until = 0;
	}
	if (!t->failures)
		t->first = now;
	t->failures++;
	if (t->failures >= THROTTLE_FREE) {
		/* 1 s after the fifth failure, doubling, at most 15 minutes */
		long wait = 1L << (t->failures - THROTTLE_FREE < 10 ? t->failures - THROTTLE_FREE : 10);
		t->until = now + (wait < THROTTLE_MAX_WAIT ? wait : THROTTLE_MAX_WAIT);
	}
}

/* The check before a login, in one write transaction so that servers
 * counting at once both count: the wait of the user name and of the
 * address; with none, the attempt counted as a failure in advance, taken
 * back if it succeeds, so that guesses sent in parallel (to one server or
 * several) cannot all slip through. */
struct throttle_check {
	const char *ukey, *akey;
	time_t now;
	long wait;
};

static int throttle_check_tx(struct store *st, void *vctx, struct bd_error *err)
{
	struct throttle_check *c = vctx;
	struct store_throttle u, a;
	if (store_throttle_get(st, c->ukey, &u, err) < 0 || store_throttle_get(st, c->akey, &a, err) < 0)
		return -1;
	c->wait = 0;
	if (u.until > c->now)
		c->wait = (long)(u.until - c->now);
	if (a.until > c->now && a.until - c->now > c->wait)
		c->wait = (long)(a.until - c->now);
	if (c->wait)
		return 0;
	throttle_fail(&u, c->now);
	throttle_fail(&a, c->now);
	return store_throttle_put(st, c->ukey, &u, err) || store_throttle_put(st, c->akey, &a, err) ? -1 : 0;
}

/* After a successful login: the user name's count is cleared, the
 * address's attempt taken back. */
static int login_ok_tx(struct store *st, void *vctx, struct bd_error *err)
{
	struct throttle_check *c = vctx;
	struct store_throttle a, none = {0};
	if (store_throttle_put(st, c->ukey, &none, err) || store_throttle_get(st, c->akey, &a, err) < 0)
		return -1;
	if (a.failures > 0 && --a.failures < THROTTLE_FREE)
		a.until = 0;
	return store_throttle_put(st, c->akey, &a, err);
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
	r->json = NULL; /* taken: released as soon as the password is copied out */
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
	struct store *st = r->store;
	struct throttle_check tc = {ukey, akey, now, 0};
	struct bd_error err;
	if (store_tx_retry(st, throttle_check_tx, &tc, &err)) {
		sodium_free(password);
		return web_error(r, 503, NULL, "%s", err.msg);
	}
	long wait = tc.wait;
	if (wait > 0) {
		sodium_free(password);
		bd_strf(r->retry_after, sizeof(r->retry_after), "%ld", wait);
		return web_error(r, 429, NULL, "too many failed logins: try again in %ld s", wait);
	}
	struct found_user u = {0};
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
	if (store_tx_retry(st, login_ok_tx, &tc, &err))
		return web_error(r, 503, NULL, "%s", err.msg);
	/* Housekeeping, so that the tables hold only live rows: sessions past
	 * their time, counts whose window is over.  It needs the DELETE right,
	 * which a deployment may give the application's role or leave to a
	 * cron job as the owner (docs/deploy-roles.sql): without it the rows
	 * stay, harmless (an expired session is refused when it is read, an old
	 * count starts afresh), so a failure here is no failure of the login. */
	struct bd_error ignored;
	store_session_expire(st, now - SESSION_IDLE, now - SESSION_MAX, &ignored);
	store_throttle_expire(st, now, now - THROTTLE_WINDOW, &ignored);
	char token[65];
	random_hex(token);
	struct store_session row = {.created = now, .seen = now};
	random_hex(row.csrf);
	snprintf(row.name, sizeof(row.name), "%s", name);
	snprintf(row.role, sizeof(row.role), "%s", u.role);
	snprintf(row.org, sizeof(row.org), "%s", u.org);
	if (store_session_add(st, token, &row, &err)) {
		sodium_memzero(token, sizeof(token));
		return web_error(r, 503, NULL, "%s", err.msg);
	}
	snprintf(r->set_cookie, sizeof(r->set_cookie), "bidrag_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 token, r->cfg->secure_cookies ? "; Secure" : "");
	sodium_memzero(token, sizeof(token));
	store_set_actor(st, name);
	if (store_begin(st, &err) == 0) {
		if (store_audit_append(st, "session.login", name, NULL, NULL, &err) || store_commit(st, &err))
			store_rollback(st);
	}
	return web_json(r, 200,
			json_pack("{s:s, s:s, s:s?, s:s}", "name", row.name, "role", row.role, "org",
				  row.org[0] ? row.org : NULL, "csrf", row.csrf));
}

int auth_logout(struct web_req *r)
{
	struct bd_error err;
	if (strlen(r->token) == 64 && store_session_end(r->store, r->token, &err))
		return web_error(r, 503, NULL, "%s", err.msg);
	snprintf(r->set_cookie, sizeof(r->set_cookie),
		 "bidrag_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", r->cfg->secure_cookies ? "; Secure" : "");
	return web_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}
