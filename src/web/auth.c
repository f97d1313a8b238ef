/* auth.c: logins (Argon2id through libsodium), sessions with a CSRF token
 * each, and login throttling per user name and per address.  Sessions and
 * failure counts are kept in the database (store.h), so that every server
 * over it knows a session made on another and counts failures together. */
#include "web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "access.h"
#include "store.h"

#define SESSION_IDLE (2 * 3600)      /* seconds without a request */
#define SESSION_MAX (12 * 3600)      /* seconds since login */
#define SESSION_TOUCH 60             /* seconds: how stale 'seen' may be in the database */

static void random_hex(char out[65])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, 65, b, sizeof(b));
}

void auth_init(void)
{
	if (access_init())
		abort();
}

void auth_free(void)
{
	access_free();
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

bool auth_session(struct store *st, const char *token, const uint64_t *gen, struct web_session *out)
{
	if (strlen(token) != 64)
		return false;
	struct store_session row;
	struct bd_error err;
	if (gen ? store_session_get_at(st, token, *gen, &row, &err) : store_session_get(st, token, &row, &err))
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
	char akey[200];
	snprintf(akey, sizeof(akey), "addr:%s", r->client);
	struct store *st = r->store;
	struct bd_error err;
	struct access_user u;
	long wait;
	enum access_login got = access_login(st, name, password, akey, &u, &wait, &err);
	sodium_free(password);
	if (got == ACCESS_ERROR)
		return web_error(r, 503, NULL, "%s", err.msg);
	if (got == ACCESS_WAIT) {
		bd_strf(r->retry_after, sizeof(r->retry_after), "%ld", wait);
		return web_error(r, 429, NULL, "too many failed logins: try again in %ld s", wait);
	}
	if (got != ACCESS_OK)
		return web_error(r, 401, NULL, "wrong user name or password");
	/* Housekeeping, so that the tables hold only live rows: sessions past
	 * their time, counts whose window is over.  It needs the DELETE right,
	 * which a deployment may give the application's role or leave to a
	 * cron job as the owner (docs/deploy-roles.sql): without it the rows
	 * stay, harmless (an expired session is refused when it is read, an old
	 * count starts afresh), so a failure here is no failure of the login. */
	access_expire(st, SESSION_IDLE, SESSION_MAX);
	time_t now = time(NULL);
	snprintf(name, sizeof(name), "%.64s", u.name); /* the name as stored */
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
