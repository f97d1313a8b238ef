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
#include "prefill.h"
#include "recipient.h"
#include "regfile.h"
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

/* The recipient register prefilled from the ledger (prefill.h). */

/* The organisation of a register request: a mottagare's own (a given org
 * must be it); staff name it.  0 with code filled, else answered. */
static int register_org(struct web_req *r, const char *org, char code[64])
{
	struct bd_error err;
	if (!org || !*org) {
		if (r->scope_org) {
			snprintf(code, 64, "%s", r->scope_org);
			return 0;
		}
		return web_error(r, 400, "org", "org: missing (the organisation's code, name or orgnr)"), -1;
	}
	int found = store_org_find(r->store, org, code, NULL, &err);
	if (found)
		return web_error(r, found < 0 ? 500 : 404, found < 0 ? NULL : "org", "%s", err.msg), -1;
	if (!org_allowed(r, code))
		return web_error(r, 403, "org", "a recipient's user sees and files only its own organisation's register"),
		       -1;
	return 0;
}

/* GET /api/register/document?org=ORG&year=Y: the latest stored version of
 * the year as its canonical document (bidrag-register/1), to be edited and
 * filed again (POST /api/register). */
static int h_register_document(struct web_req *r)
{
	int year;
	char code[64];
	if (parse_int_arg(r, "year", 2000, 2100, &year) || register_org(r, web_arg(r, "org"), code))
		return 0;
	char *doc = NULL;
	int version = 0;
	struct bd_error err;
	int rc = store_recipient_get(r->store, code, year, 0, &doc, &version, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (rc == 1)
		return web_error(r, 404, "year", "%s has no register for %d (prefill it from the ledger, or file one)", code,
				 year);
	char name[96];
	snprintf(name, sizeof(name), "register-%s-%d.json", code, year);
	safe_filename(name);
	return web_bytes(r, 200, "application/json", doc, strlen(doc), name);
}

struct prefill_ctx {
	const char *org;
	int year;
	struct prefill_result p;
	int version;
	bool unchanged;
};

static int do_prefill(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct prefill_ctx *c = vctx;
	prefill_result_release(&c->p);
	if (recreg_prefill(r->store, c->org, c->year, &c->p, err))
		return -1;
	struct rg_register reg;
	rg_init(&reg);
	int rc = regfile_parse(&reg, c->p.document, strlen(c->p.document), "the prefilled register", NULL, NULL, err) ||
			 rg_compute(&reg, err)
		       ? -1
		       : 0;
	if (!rc) {
		const struct rg_year *y = &reg.years[0];
		struct recipient_grant_row *rows = xcalloc(y->ngrants + 1, sizeof(*rows));
		for (size_t k = 0; k < y->ngrants; k++) {
			const struct rg_grant *g = &y->grants[k];
			rows[k] = (struct recipient_grant_row){g->key, g->title, g->dnr, g->decision, g->total};
		}
		struct recipient_put in = {c->org, y->year, c->p.document, "POST /api/register/prefill", r->user->name,
					   rows, y->ngrants};
		rc = store_recipient_put(r->store, &in, &c->version, &c->unchanged, err);
		free(rows);
	}
	rg_release(&reg);
	return rc;
}

/* POST /api/register/prefill {"org", "year"}: the year prefilled from the
 * ledger and stored as a new version (unless unchanged). */
static int h_register_prefill(struct web_req *r)
{
	json_t *y = json_object_get(r->json, "year");
	if (!json_is_integer(y) || json_integer_value(y) < 2000 || json_integer_value(y) > 2100)
		return web_error(r, 400, "year", "year: expected a year from 2000 to 2100 (a number)");
	char code[64];
	if (register_org(r, json_string_value(json_object_get(r->json, "org")), code))
		return 0;
	struct prefill_ctx c = {.org = code, .year = (int)json_integer_value(y)};
	in_transaction(r, do_prefill, &c, 400);
	if (!r->answered)
		web_json(r, c.unchanged ? 200 : 201,
			 json_pack("{s:s, s:i, s:i, s:b, s:i, s:i, s:i}", "org", code, "year", c.year, "version", c.version,
				   "unchanged", c.unchanged, "from_ledger", c.p.from_ledger, "added", c.p.added, "updated",
				   c.p.updated));
	prefill_result_release(&c.p);
	return 0;
}

static const struct body_field no_fields[] = {{NULL, false}};
static const struct body_field prefill_fields[] = {{"org", true}, {"year", false}, {NULL, false}};

const struct route api_recipient_routes[] = {
	{"GET", "/api/recipient/overview", ROLE_ANY, h_overview, NULL},
	{"GET", "/api/recipient/calendar", ROLE_ANY, h_calendar_get, NULL},
	{"POST", "/api/recipient/calendar", ROLE_ANY, h_calendar_new, no_fields},
	{"POST", "/api/recipient/calendar/revoke", ROLE_ANY, h_calendar_revoke, no_fields},
	{"GET", FEED_PATH, 0, h_feed, NULL},
	{"GET", "/api/register/document", ROLE_ANY, h_register_document, NULL},
	{"POST", "/api/register/prefill", ROLE_HANDLAGGARE | ROLE_MOTTAGARE, h_register_prefill, prefill_fields},
	{NULL, NULL, 0, NULL, NULL},
};
