/* api-recipient.c: the recipient's overview (mottagare): grants and what is
 * due, repayments due, payments received, the calendar feed (docs/api.md).
 * Its routes are in the table below, which routes.c lists. */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "overview.h"
#include "store-calendar.h"

/* The organisation asked for: a mottagare's own (org, when given, must be
 * it); staff name one.  0 with code filled, else answered. */
static int which_org(struct web_req *r, char code[64])
{
	const char *org = web_arg(r, "org");
	if (r->scope_org) {
		if (org && *org && strcmp(org, r->scope_org) != 0)
			return web_error(r, 403, "org", "a recipient's user sees only its own organisation (%s), not '%s'",
					 r->scope_org, org),
			       -1;
		snprintf(code, 64, "%s", r->scope_org);
		return 0;
	}
	if (!org || !*org)
		return web_error(r, 400, "org", "org: missing (the organisation's code, name or orgnr)"), -1;
	struct bd_error err;
	int found = store_org_find(r->store, org, code, NULL, &err);
	if (found)
		return web_error(r, found < 0 ? 500 : 404, found < 0 ? NULL : "org", "%s", err.msg), -1;
	return 0;
}

/* GET /api/recipient/overview?org=CODE[&as_of=DATE] */
static int h_overview(struct web_req *r)
{
	const char *as_of = web_arg(r, "as_of");
	if (as_of && !date_valid(as_of))
		return web_error(r, 400, "as_of", "as_of: '%s' is not a date (expected YYYY-MM-DD)", as_of);
	char code[64];
	if (which_org(r, code))
		return 0;
	struct bd_error err;
	json_t *o = overview_load(r->store, code, as_of, &err);
	if (!o)
		return web_error(r, err.code == BD_NOT_FOUND ? 404 : 500, err.code == BD_NOT_FOUND ? "org" : NULL, "%s",
				 err.msg);
	return web_json(r, 200, o);
}

/* The calendar feed's address, relative to the server. */
#define FEED_PATH "/api/calendar.ics"

/* GET /api/recipient/calendar?user=NAME: whether the session's user has a
 * feed, and since when.  user must be the session's own name: it keeps
 * the answer apart from another user's of the same role and organisation
 * in the server's cache of GET answers. */
static int h_calendar_get(struct web_req *r)
{
	const char *user;
	if (need_arg(r, "user", &user))
		return 0;
	if (strcmp(user, r->user->name) != 0)
		return web_error(r, 403, "user", "user: a user sees only its own calendar feed (%s), not '%s'",
				 r->user->name, user);
	int64_t created = 0;
	struct bd_error err;
	int rc = store_calendar_current(r->store, r->user->name, &created, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	char when[32] = "";
	if (rc == 0) {
		time_t t = (time_t)created;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	return web_json(r, 200, json_pack("{s:s, s:b, s:s?, s:s}", "user", r->user->name, "feed", rc == 0, "created",
					  rc == 0 ? when : NULL, "path", FEED_PATH));
}

struct feed_ctx {
	char token[CALENDAR_TOKEN_LEN + 1];
	bool revoke;
	int found;
};

static int do_calendar(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct feed_ctx *c = vctx;
	int64_t now = (int64_t)time(NULL);
	if (c->revoke) {
		c->found = store_calendar_revoke(r->store, r->user->name, now, err);
		return c->found < 0 ? -1 : 0;
	}
	return store_calendar_new(r->store, r->user->name, now, c->token, err);
}

/* POST /api/recipient/calendar: a new secret address (the one in use, if
 * any, stops working).  The token is shown this once: the register keeps
 * only its SHA-256. */
static int h_calendar_new(struct web_req *r)
{
	struct feed_ctx c = {.revoke = false};
	in_transaction(r, do_calendar, &c, 500);
	if (r->answered)
		return 0;
	char *url = xasprintf(FEED_PATH "?token=%s", c.token);
	web_json(r, 201, json_pack("{s:s, s:s, s:s}", "user", r->user->name, "token", c.token, "url", url));
	free(url);
	sodium_memzero(c.token, sizeof(c.token));
	return 0;
}

/* POST /api/recipient/calendar/revoke: the address in use stops working. */
static int h_calendar_revoke(struct web_req *r)
{
	struct feed_ctx c = {.revoke = true};
	in_transaction(r, do_calendar, &c, 500);
	if (r->answered)
		return 0;
	if (c.found == 1)
		return web_error(r, 404, NULL, "%s has no calendar feed in use (nothing was changed)", r->user->name);
	return web_json(r, 200, json_pack("{s:s, s:b}", "user", r->user->name, "revoked", true));
}

/* GET /api/calendar.ics?token=T: the feed, without a session: the
 * deadlines of the token's user's organisation (a mottagare), or every
 * one (staff), as the user's role is now. */
struct feed_user {
	char role[32], org[64];
};

static int take_user(void *ctx, const struct user *u)
{
	struct feed_user *f = ctx;
	snprintf(f->role, sizeof(f->role), "%s", u->role ? u->role : "");
	snprintf(f->org, sizeof(f->org), "%s", u->org ? u->org : "");
	return 0;
}

static int h_feed(struct web_req *r)
{
	const char *token = web_arg(r, "token");
	if (!token || !*token)
		return web_error(r, 401, "token",
				 "token: missing: a calendar feed is read with its secret address (made on the start page, "
				 "POST /api/recipient/calendar)");
	char user[65];
	struct bd_error err;
	int rc = store_calendar_user(r->store, token, user, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (rc == 1)
		return web_error(r, 404, "token", "no calendar feed has this address: it was revoked or replaced, or never made");
	struct feed_user f = {"", ""};
	rc = store_user_get(r->store, user, take_user, &f, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	bool mottagare = strcmp(f.role, "mottagare") == 0;
	if (rc == 1 || (mottagare && !f.org[0]))
		return web_error(r, 404, "token", "no calendar feed has this address: its user no longer has one");
	char *cal = overview_calendar(r->store, mottagare ? f.org : NULL, NULL, &err);
	if (!cal)
		return web_error(r, 500, NULL, "%s", err.msg);
	return web_bytes(r, 200, "text/calendar; charset=utf-8", cal, strlen(cal), "tidsgranser.ics");
}

static const struct body_field no_fields[] = {{NULL, false}};

const struct route api_recipient_routes[] = {
	{"GET", "/api/recipient/overview", ROLE_ANY, h_overview, NULL},
	{"GET", "/api/recipient/calendar", ROLE_ANY, h_calendar_get, NULL},
	{"POST", "/api/recipient/calendar", ROLE_ANY, h_calendar_new, no_fields},
	{"POST", "/api/recipient/calendar/revoke", ROLE_ANY, h_calendar_revoke, no_fields},
	{"GET", FEED_PATH, 0, h_feed, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
