/* access.c: the password check and its failure count (moved here from the
 * web's auth.c so that the command line's --as is the same login), and the
 * roles' rights to record events (from the web's POST /api/events). */
#include "access.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define THROTTLE_FREE 5           /* failures before waiting */
#define THROTTLE_WINDOW (15 * 60) /* failures older than this are forgotten */
#define THROTTLE_MAX_WAIT (15 * 60)

static char dummy_hash[crypto_pwhash_STRBYTES];

int access_init(void)
{
	if (sodium_init() < 0)
		return -1;
	if (dummy_hash[0])
		return 0;
	unsigned char b[32];
	char pw[65];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(pw, sizeof(pw), b, sizeof(b));
	return crypto_pwhash_str(dummy_hash, pw, 64, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE)
		       ? -1
		       : 0;
}

void access_free(void)
{
	sodium_memzero(dummy_hash, sizeof(dummy_hash));
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

/* The check before a login, in one write transaction so that servers and
 * commands counting at once both count: the wait of the user name and of
 * the source; with none, the attempt counted as a failure in advance, taken
 * back if it succeeds, so that guesses sent in parallel cannot all slip
 * through. */
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
 * source's attempt taken back. */
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
	struct access_user *out;
	char hash[crypto_pwhash_STRBYTES];
};

static int take_user(void *ctx, const struct user *u)
{
	struct found_user *f = ctx;
	f->found = true;
	snprintf(f->out->name, sizeof(f->out->name), "%s", u->name);
	snprintf(f->out->role, sizeof(f->out->role), "%s", u->role);
	snprintf(f->out->org, sizeof(f->out->org), "%s", u->org ? u->org : "");
	snprintf(f->hash, sizeof(f->hash), "%s", u->password_hash);
	return 0;
}

enum access_login access_login(struct store *st, const char *name, const char *password, const char *source,
			       struct access_user *out, long *wait, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	*wait = 0;
	if (access_init())
		return bd_failc(err, BD_IO, "libsodium could not be initialised"), ACCESS_ERROR;
	/* Counted by the name as stored, so that variants of one name count
	 * together; a name that does not fold is counted as typed. */
	char folded[USER_NAME_SIZE];
	struct bd_error ignored;
	if (user_name_fold(name, folded, &ignored))
		snprintf(folded, sizeof(folded), "%.64s", name);
	char ukey[USER_NAME_SIZE + 8], akey[320];
	snprintf(ukey, sizeof(ukey), "user:%s", folded);
	snprintf(akey, sizeof(akey), "%s", source);
	struct throttle_check tc = {ukey, akey, time(NULL), 0};
	if (store_tx_retry(st, throttle_check_tx, &tc, err))
		return ACCESS_ERROR;
	if (tc.wait > 0) {
		*wait = tc.wait;
		return ACCESS_WAIT;
	}
	struct found_user u = {.out = out};
	if (store_user_get(st, name, take_user, &u, err) < 0)
		return ACCESS_ERROR;
	/* The same work whether or not the user exists, so timing tells nothing. */
	bool ok = crypto_pwhash_str_verify(u.found ? u.hash : dummy_hash, password, strlen(password)) == 0 && u.found;
	sodium_memzero(u.hash, sizeof(u.hash));
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return ACCESS_WRONG;
	}
	if (store_tx_retry(st, login_ok_tx, &tc, err))
		return ACCESS_ERROR;
	return ACCESS_OK;
}

void access_expire(struct store *st, long session_idle, long session_max)
{
	struct bd_error ignored;
	time_t now = time(NULL);
	store_session_expire(st, now - session_idle, now - session_max, &ignored);
	store_throttle_expire(st, now, now - THROTTLE_WINDOW, &ignored);
}

bool access_may_record(const char *role, const char *kind, const char *recipient, const char *org)
{
	bool handlaggare = role && strcmp(role, "handlaggare") == 0;
	if (kind && strcmp(kind, "attest") == 0)
		return role && strcmp(role, "attestant") == 0;
	if (kind && (strcmp(kind, "requisition") == 0 || strcmp(kind, "report") == 0))
		return handlaggare || (role && strcmp(role, "mottagare") == 0 && recipient && org && *org &&
				       strcmp(recipient, org) == 0);
	return handlaggare;
}
