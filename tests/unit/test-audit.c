/* test-audit.c: the audit log as people read it (core/audit.c): Swedish
 * time against the C library's Europe/Stockholm (the tz database, an
 * independent source of the rule), the action table, and the Swedish texts
 * of objects and actors with names and without. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "ledger.h"
#include "tap.h"

static void utc_stamp(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void stockholm(time_t t, char out[32])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Names a register might know. */
static const char *org_name(void *ctx, const char *code)
{
	(void)ctx;
	return strcmp(code, "23") == 0 ? "Region Jämtland Härjedalen" : NULL;
}

static const char *title(void *ctx, const char *dnr)
{
	(void)ctx;
	return strcmp(dnr, "S2020/09797") == 0 ? "Personcentrerade vårdförlopp" : NULL;
}

static bool user(void *ctx, const char *name, const char **role, const char **org)
{
	(void)ctx;
	if (strcmp(name, "anna") == 0) {
		*role = "handlaggare";
		*org = NULL;
		return true;
	}
	if (strcmp(name, "eva") == 0) {
		*role = "mottagare";
		*org = "23";
		return true;
	}
	return false;
}

static const char *object(const char *action, const char *obj, const struct audit_names *n)
{
	static struct buf b;
	buf_release(&b);
	buf_init(&b, 1 << 16);
	audit_object_text(action, obj, n, &b);
	return b.data ? b.data : "";
}

static const char *actor(const char *name, const struct audit_names *n, bool *known)
{
	static struct buf b;
	buf_release(&b);
	buf_init(&b, 1 << 16);
	*known = audit_actor_text(name, n, &b);
	return b.data ? b.data : "";
}

int main(void)
{
	/* Swedish time: every hour from 1996 to 2037 and the seconds around
	 * each change, against glibc with TZ=Europe/Stockholm. */
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	struct tm probe;
	time_t midsummer = 1624017600; /* 2021-06-18T12:00:00Z */
	localtime_r(&midsummer, &probe);
	ok(probe.tm_gmtoff == 7200 && probe.tm_isdst > 0,
	   "the C library knows Europe/Stockholm, the reference for what follows (apt-get install tzdata)");
	char a[32], b[32], at[32];
	long bad = 0, n = 0;
	const time_t start = 820454400; /* 1996-01-01T00:00:00Z */
	for (time_t t = start; t < 2145916800; t += 3600 - 7, n++) {
		utc_stamp(t, at);
		if (!audit_at_local(at, a))
			bad++;
		stockholm(t, b);
		if (strcmp(a, b) != 0 && bad++ < 5)
			diag("%s: %s, the C library %s", at, a, b);
	}
	ok(bad == 0, "audit_at_local agrees with the tz database's Europe/Stockholm at %ld times 1996-2037", n);
	/* The days: the UTC stamp of each Swedish midnight, 1996-2037. */
	bad = n = 0;
	for (time_t t = start; t < 2145916800; t += 86400, n++) {
		struct tm tm;
		gmtime_r(&t, &tm);
		char date[16];
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		struct tm mid = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday, .tm_isdst = -1};
		utc_stamp(mktime(&mid), b);
		audit_day_start(date, 0, a);
		if (strcmp(a, b) != 0 && bad++ < 5)
			diag("%s: %s, the C library %s", date, a, b);
	}
	ok(bad == 0, "audit_day_start agrees with the tz database on every day 1996-2037 (%ld days)", n);
	audit_day_start("2021-03-28", 0, a);
	ok(strcmp(a, "2021-03-27T23:00:00Z") == 0, "the day of the change to summer time begins 23:00 UTC the day before (%s)", a);
	audit_day_start("2021-03-28", 1, a);
	ok(strcmp(a, "2021-03-28T22:00:00Z") == 0, "and ends 22:00 UTC (%s)", a);
	audit_day_start("2021-10-31", 1, a);
	ok(strcmp(a, "2021-10-31T23:00:00Z") == 0, "the day of the change back ends 23:00 UTC (%s)", a);
	audit_day_start("2020-12-31", 1, a);
	ok(strcmp(a, "2020-12-31T23:00:00Z") == 0, "the next day across a year's end (%s)", a);
	audit_at_local("2021-03-28T00:59:59Z", a);
	audit_at_local("2021-03-28T01:00:00Z", b);
	ok(strcmp(a, "2021-03-28 01:59:59") == 0 && strcmp(b, "2021-03-28 03:00:00") == 0, "01:00 UTC: 01:59:59 then 03:00:00");
	ok(!audit_at_local("2021-02-30T10:00:00Z", a) && strcmp(a, "2021-02-30T10:00:00Z") == 0,
	   "a stamp that is no time is shown as it is");
	ok(!audit_at_local("2021-03-28 10:00", a), "a stamp of another form is refused");

	/* The table. */
	size_t nact = 0;
	bool texts = true, unique = true;
	for (const struct audit_action *x; (x = audit_action_at(nact)); nact++) {
		texts = texts && x->text && *x->text && *audit_kind_key(x->kind);
		for (size_t j = 0; j < nact; j++)
			unique = unique && strcmp(audit_action_at(j)->action, x->action) != 0;
	}
	ok(nact >= 25 && texts && unique, "%zu actions, each with a Swedish text and an object type, none twice", nact);
	ok(strcmp(audit_action_sv("ledger.record"), "Händelser registrerade i reskontran") == 0,
	   "ledger.record: Händelser registrerade i reskontran");
	ok(strcmp(audit_action_sv("session.login"), "Inloggning i webbapplikationen") == 0, "session.login in Swedish");
	ok(audit_action_sv("ledger.erase") == NULL, "an action not in the table has no text");
	size_t ntype = 0;
	for (; audit_type_at(ntype); ntype++)
		;
	const struct audit_type *org = audit_type_find("org");
	ok(ntype == 13 && org && org->prefix && (org->kinds & (1u << AUDIT_KIND_REGISTER)),
	   "object types: org matches organisations and their registers");
	for (size_t i = 0; i < nact; i++) {
		const struct audit_action *x = audit_action_at(i);
		if (!audit_type_find(audit_kind_key(x->kind)))
			ok(0, "%s: its object type '%s' is a type a selection can name", x->action, audit_kind_key(x->kind));
	}

	bool kinds = true;
	for (int k = 0; k < EV_COUNT; k++)
		kinds = kinds && audit_event_sv(event_kind_name((enum event_kind)k), false) &&
			audit_event_sv(event_kind_name((enum event_kind)k), true);
	ok(kinds, "every kind of ledger event has a Swedish name, one and several");
	ok(strcmp(audit_event_sv("attest", true), "attester") == 0 && !audit_event_sv("gift", false),
	   "attest: attester; an unknown kind has none");

	/* Objects and actors, with names. */
	struct audit_names nm = {org_name, title, user, NULL};
	ok(strcmp(object("org.set", "23", &nm), "Region Jämtland Härjedalen (23)") == 0, "an organisation by name and code");
	ok(strcmp(object("org.set", "99", &nm), "organisation 99 (okänd i registret)") == 0, "a code the register lacks");
	ok(strcmp(object("recipient-register.import", "23 2020", &nm), "Region Jämtland Härjedalen (23), år 2020") == 0,
	   "a recipient's register");
	ok(strcmp(object("ledger.record", "S2020/09797", &nm), "Beslut S2020/09797 (Personcentrerade vårdförlopp)") == 0,
	   "a decision with its title");
	ok(strcmp(object("ledger.record", "ledger", &nm), "Reskontran (händelser i flera beslut)") == 0,
	   "a batch of several decisions");
	ok(strcmp(object("appropriation.set", "2021 uo 9 1:6 post 3", &nm),
		  "Anslag 1:6 post 3, utgiftsområde 9, budgetår 2021") == 0,
	   "an appropriation post");
	ok(strcmp(object("dataset.register", "population@2019-11-01 v1", &nm),
		  "Nyckeldata population@2019-11-01, version 1") == 0,
	   "a dataset's version");
	ok(strcmp(object("payee.propose", "change 4", &nm), "Kontoändring 4") == 0, "a proposed change of account");
	ok(strcmp(object("bank match approve", "bank entry 12", &nm), "Bankpost 12") == 0, "an entry of a bank's file");
	ok(strcmp(object("user.add", "eva", &nm), "Användaren eva, mottagare för Region Jämtland Härjedalen (23)") == 0,
	   "a recipient's user by its organisation's name, not 'org 23'");
	ok(strcmp(object("some.future", "x y", &nm), "x y") == 0, "an unknown action's object as stored");
	bool known;
	ok(strcmp(actor("anna", &nm, &known), "anna, handläggare") == 0 && known, "a user and her role");
	ok(strcmp(actor("eva", &nm, &known), "eva, mottagare för Region Jämtland Härjedalen (23)") == 0 && known,
	   "a recipient's user and her organisation");
	ok(strcmp(actor("ekonom", &nm, &known), "ekonom (ingen användare)") == 0 && !known, "a name that is no user");
	ok(strcmp(actor("anna", NULL, &known), "anna (ingen användare)") == 0 && !known, "without names, no one is a user");
	return tap_done();
}
