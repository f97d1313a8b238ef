/* test-payee.c: a payee's account (core/payee.c): what is one account and
 * what is not, the day numbers the 30-day rule counts with (against the C
 * library's timegm for every day of two centuries), and the rule's edges. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "payee.h"
#include "tap.h"

static void parse_ok(const char *bg, const char *pg, const char *iban, const char *bic, enum account_kind kind,
		     const char *number, const char *want_bic, const char *what)
{
	const char *text[AF_COUNT] = {bg, pg, iban, bic};
	struct payee_account a;
	enum account_field field = AF_BANKGIRO;
	struct bd_error err = {0};
	int rc = payee_account_parse(text, &a, &field, &err);
	bool good = rc == 0 && a.kind == kind && strcmp(a.number, number) == 0 && strcmp(a.bic, want_bic) == 0;
	if (!good)
		diag("rc %d kind %d number '%s' bic '%s': %s", rc, (int)a.kind, a.number, a.bic, err.msg);
	ok(good, "%s", what);
}

static void parse_fails(const char *bg, const char *pg, const char *iban, const char *bic, enum account_field blame,
			const char *reason, const char *what)
{
	const char *text[AF_COUNT] = {bg, pg, iban, bic};
	struct payee_account a;
	enum account_field field = AF_BANKGIRO;
	struct bd_error err = {0};
	int rc = payee_account_parse(text, &a, &field, &err);
	bool good = rc == -1 && field == blame && strstr(err.msg, reason) && a.kind == ACCT_NONE;
	if (!good)
		diag("rc %d field %d kind %d: '%s'; want field %d, '%s'", rc, (int)field, (int)a.kind, err.msg, (int)blame,
		     reason);
	ok(good, "%s", what);
}

static void test_parse(void)
{
	parse_ok("5728-3905", NULL, NULL, NULL, ACCT_BANKGIRO, "5728-3905", "", "a bankgiro");
	parse_ok(" ", "370205", "", NULL, ACCT_PLUSGIRO, "3 70 20-5", "", "a plusgiro, blank fields not given");
	parse_ok(NULL, NULL, "se45 5000 0000 0583 9825 7466", "essesess", ACCT_IBAN, "SE4550000000058398257466",
		 "ESSESESS", "an IBAN with its BIC, canonical");
	parse_ok(NULL, NULL, "DE89 3704 0044 0532 0130 00", "COBADEFFXXX", ACCT_IBAN, "DE89370400440532013000",
		 "COBADEFFXXX", "a German IBAN with an 11-character BIC");
	parse_fails(NULL, NULL, NULL, NULL, AF_COUNT, "no account", "no account at all");
	parse_fails("5728-3905", "370205", NULL, NULL, AF_PLUSGIRO, "not a bankgiro and a plusgiro",
		    "a bankgiro and a plusgiro");
	parse_fails(NULL, "370205", "SE4550000000058398257466", "ESSESESS", AF_IBAN, "not a plusgiro and an IBAN",
		    "a plusgiro and an IBAN");
	parse_fails("5728-3905", NULL, NULL, "ESSESESS", AF_BIC, "a BIC goes with an IBAN, not with a bankgiro",
		    "a BIC with a bankgiro");
	parse_fails(NULL, NULL, NULL, "ESSESESS", AF_BIC, "a BIC without an IBAN", "a BIC alone");
	parse_fails(NULL, NULL, "SE4550000000058398257466", NULL, AF_BIC, "an IBAN needs its bank's BIC",
		    "an IBAN without its BIC");
	parse_fails(NULL, NULL, "SE4550000000058398257466", "DEUTDEFF", AF_BIC, "BIC DEUTDEFF is of a bank in DE",
		    "a BIC of another country");
	parse_fails("5728-3904", NULL, NULL, NULL, AF_BANKGIRO, "wrong check digit (expected 5)", "a bankgiro's Luhn");
	parse_fails(NULL, NULL, "SE4550000000058398257467", "ESSESESS", AF_IBAN, "wrong check digits (expected 18)",
		    "an IBAN's mod 97");

	struct payee_account a, b;
	struct bd_error err;
	ok(payee_account_from("5728-3905", NULL, NULL, NULL, &a, &err) == 0 &&
		   payee_account_from(NULL, NULL, NULL, NULL, &b, &err) == 0 && b.kind == ACCT_NONE &&
		   !payee_account_same(&a, &b) && payee_account_same(&a, &a),
	   "payee_account_from: stored forms; same");
	char text[128];
	payee_account_text(&a, text, sizeof(text));
	ok(strcmp(text, "bankgiro 5728-3905") == 0, "payee_account_text: %s", text);
	ok(payee_account_from(NULL, NULL, "SE4550000000058398257466", "ESSESESS", &a, &err) == 0, "an IBAN stored");
	payee_account_text(&a, text, sizeof(text));
	ok(strcmp(text, "IBAN SE4550000000058398257466 (BIC ESSESESS)") == 0 &&
		   strcmp(payee_account_iban(&a), "SE4550000000058398257466") == 0 &&
		   strcmp(payee_account_bic(&a), "ESSESESS") == 0 && !payee_account_bankgiro(&a) &&
		   !payee_account_plusgiro(&a),
	   "an IBAN's fields: %s", text);
}

/* date_day_number against timegm, every day from 1900 to 2100. */
static void test_days(void)
{
	int bad = 0, n = 0;
	for (time_t t = -2208988800; t <= 4102444800; t += 86400) {
		struct tm tm;
		gmtime_r(&t, &tm);
		char date[16];
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		int64_t want = (int64_t)(t / 86400);
		if (date_day_number(date) != want && bad++ < 5)
			diag("%s: %lld, want %lld", date, (long long)date_day_number(date), (long long)want);
		n++;
	}
	ok(bad == 0, "date_day_number agrees with timegm on %d days from 1900 to 2100 (%d differ)", n, bad);
}

static void test_recent(void)
{
	ok(payee_change_recent("2024-01-31", "2024-03-01"), "30 days after the change (a leap February): flagged");
	ok(!payee_change_recent("2024-01-31", "2024-03-02"), "31 days after: not flagged");
	ok(payee_change_recent("2024-03-01", "2024-03-01"), "the same day: flagged");
	ok(payee_change_recent("2024-03-02", "2024-03-01"), "changed after the payment was registered: flagged");
	ok(payee_change_recent("2023-12-15", "2024-01-14"), "across a year's end, 30 days: flagged");
	ok(!payee_change_recent(NULL, "2024-03-01") && !payee_change_recent("", "2024-03-01") &&
		   !payee_change_recent("2024-02-30", "2024-03-01"),
	   "never changed (or no date): not flagged");
}

/* payee_text_check: what every payment file can carry, and why not. */
static void text_fails(const char *text, const char *want)
{
	struct bd_error err = {0};
	int rc = payee_text_check(text, &err);
	ok(rc == -1 && strstr(err.msg, want), "text refused: %s (%s)", want, rc ? err.msg : "accepted");
}

static void test_text(void)
{
	struct bd_error err;
	ok(payee_text_check("", &err) == 0 && payee_text_check("Region Skåne", &err) == 0 &&
		   payee_text_check("Ærø «ß» § ÿ ~ \xc2\xa0", &err) == 0,
	   "text: printable Latin-1 (and NBSP) is taken");
	text_fails("a\rb", "a carriage return (U+000D) at character 2: payment files take one line");
	text_fails("ab\n", "a line break (U+000A) at character 3");
	text_fails("\tab", "a tab (U+0009) at character 1");
	text_fails("å\x01", "a control character (U+0001) at character 2");
	text_fails("x\x7f", "a control character (U+007F) at character 2");
	text_fails("x\xc2\x9f", "a control character (U+009F) at character 2");
	text_fails("5 \xe2\x82\xac", "'€' (U+20AC) at character 3: an LB file (Bankgirot's leverantörsbetalningar) carries ISO 8859-1");
	text_fails("\xf0\x9f\x98\x80", "(U+1F600) at character 1: an LB file");
	text_fails("\xc5\x81\xc3\xb3" "d\xc5\xba", "'Ł' (U+0141) at character 1");
	text_fails("a\xff", "character 2 is not valid UTF-8");
	text_fails("a\xc3", "character 2 is not valid UTF-8");
	text_fails("a\xc3x", "character 2 is not valid UTF-8");
	text_fails("\xc0\x80", "character 1 is not valid UTF-8");
	text_fails("\xe0\x80\x80", "character 1 is not valid UTF-8");
	text_fails("\xed\xa0\x80", "character 1 is not valid UTF-8");
	text_fails("\xf0\x80\x80\x80", "character 1 is not valid UTF-8");
	text_fails("\xf4\x90\x80\x80", "character 1 is not valid UTF-8");
}

int main(void)
{
	test_parse();
	test_days();
	test_recent();
	test_text();
	return tap_done();
}
