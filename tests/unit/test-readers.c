/* test-readers.c: the error paths of the readers (src/io) that neither the
 * other unit tests nor the command-line tests reach (make coverage shows
 * them; tests/coverage.md lists what is left and why).  Each case is an
 * input as a file would give it, mostly a real file (../shared/data, the
 * examples) changed at one place, read from memory by the reader's own
 * parse function (and, for the readers that open a file, a path that is
 * not there); it must be refused with a message that names the input (its
 * origin, and the line, entry or field) and says what was expected. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bankfile.h"
#include "bgmax.h"
#include "camt.h"
#include "csvread.h"
#include "decision.h"
#include "decisionfile.h"
#include "eventfile.h"
#include "keyfile.h"
#include "pain002.h"
#include "payeefile.h"
#include "pubtable.h"
#include "regfile.h"
#include "statcube.h"
#include "statfile.h"
#include "tap.h"

enum reader {
	R_EVENTS_CSV, R_EVENTS_JSON, R_BANK, R_PAYEES, R_STAT, R_DECISION, R_KEYS, R_CSV, R_PUBTABLE, R_REG,
	R_PAIN002, R_CAMT, R_BGMAX
};
static const char *const reader_name[] = {"events csv", "events json", "bank file", "payees", "statistics",
					  "decision", "key file", "csv", "published table", "register",
					  "pain.002", "camt", "BgMax"};

struct rcase {
	enum reader r;
	const char *data;
	size_t len; /* 0: strlen(data) */
	const char *want;
	const char *format; /* R_STAT: the format, NULL by content */
};

static int no_row(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	(void)row;
	(void)ctx;
	(void)err;
	return 0;
}

/* read_case: run the reader on c's input; 0 if it accepted it. */
static int read_case(const struct rcase *c, struct bd_error *err)
{
	size_t len = c->len ? c->len : strlen(c->data);
	const char *origin = "in.txt";
	int rc = 0;
	switch (c->r) {
	case R_EVENTS_CSV:
	case R_EVENTS_JSON: {
		struct event_batch b;
		rc = eventfile_parse(&b, c->data, len, origin, c->r == R_EVENTS_JSON, err);
		eventfile_release(&b);
		break;
	}
	case R_BANK: {
		struct bankfile f;
		memset(&f, 0, sizeof(f));
		rc = bankfile_parse(c->data, len, origin, &f, err);
		if (rc == 0)
			bankfile_free(&f);
		break;
	}
	case R_PAYEES: {
		struct payee_file f;
		memset(&f, 0, sizeof(f));
		rc = payee_file_parse(c->data, len, origin, &f, err);
		payee_file_release(&f);
		break;
	}
	case R_STAT: {
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o = {.format = c->format};
		rc = statfile_parse(c->data, len, origin, &o, &cube, err);
		statcube_release(&cube);
		break;
	}
	case R_DECISION: {
		struct decision d;
		decision_init(&d);
		rc = decisionfile_parse(&d, c->data, len, origin, err);
		decision_release(&d);
		break;
	}
	case R_KEYS: {
		struct keyfile kf;
		keyfile_init(&kf);
		struct keyfile_opts o = {.opaque_ids = true};
		rc = keyfile_parse(&kf, c->data, len, origin, &o, err);
		keyfile_release(&kf);
		break;
	}
	case R_CSV:
		rc = csv_read_buffer(c->data, len, origin, no_row, NULL, NULL, err);
		break;
	case R_PUBTABLE: {
		char path[] = "/tmp/test-readers-XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f)
			return bd_fail(err, "cannot write %s", path);
		fwrite(c->data, 1, len, f);
		fclose(f);
		struct pubtable t;
		rc = pubtable_read(&t, path, err);
		pubtable_release(&t);
		remove(path);
		/* the path is a temporary name: name the input as the others */
		if (rc) {
			char *at = strstr(err->msg, path);
			if (at) {
				char rest[sizeof(err->msg)];
				snprintf(rest, sizeof(rest), "%s", at + strlen(path));
				snprintf(at, sizeof(err->msg) - (size_t)(at - err->msg), "%s%s", origin, rest);
			}
		}
		break;
	}
	case R_PAIN002: {
		struct pain002 r;
		rc = pain002_parse(c->data, len, origin, &r, err);
		if (rc == 0)
			pain002_free(&r);
		break;
	}
	case R_CAMT: {
		struct camt r;
		rc = camt_parse(c->data, len, origin, &r, err);
		if (rc == 0)
			camt_free(&r);
		break;
	}
	case R_BGMAX: {
		struct bgmax r;
		rc = bgmax_parse(c->data, len, origin, &r, err);
		bgmax_free(&r);
		break;
	}
	case R_REG: {
		struct rg_register reg;
		rg_init(&reg);
		rc = regfile_parse(&reg, c->data, len, origin, NULL, NULL, err);
		rg_release(&reg);
		break;
	}
	}
	return rc;
}

#define C(r, lit, want) {r, lit, sizeof(lit) - 1, want, NULL}

static const struct rcase cases[] = {
	/* ---- events (eventfile.c) ---- */
	C(R_EVENTS_CSV, "id,id\n1,2\n", "in.txt:1: the column 'id' appears twice"),
	C(R_EVENTS_CSV, "id,foo\n1,2\n", "in.txt:1: unknown column 'foo' in the header (expected id, kind"),
	C(R_EVENTS_CSV, "id,kind\n1\n", "in.txt:2: 1 fields, expected 2 as in the header"),
	C(R_EVENTS_CSV, "id,date\n1,2021-01-01\n", "in.txt:2: kind is missing"),
	C(R_EVENTS_CSV, "id,kind\n1,execute\n", "in.txt:2: unknown kind 'execute' (expected requisition"),
	C(R_EVENTS_CSV, "id,kind\n1,bank-book\n", "in.txt:2: unknown kind 'bank-book'"),
	C(R_EVENTS_CSV, "kind,date\npayment,2021-01-01\n", "in.txt:2: id is missing"),
	C(R_EVENTS_CSV, "id,kind\n1,payment\n", "in.txt:2: missing date (expected YYYY-MM-DD)"),
	C(R_EVENTS_CSV, "id,kind,date\n1,payment,2021-02-30\n", "in.txt:2: invalid date '2021-02-30'"),
	C(R_EVENTS_CSV, "id,kind,date\n1,payment,2021-02-01\n", "in.txt:2: by is missing"),
	C(R_EVENTS_CSV, "id,kind,date,by\n1,correction,2021-02-01,anna\n", "in.txt:2: a correction needs a reason"),
	C(R_EVENTS_CSV, "id,kind,date,by,amount\n1,attest,2021-02-01,anna,5\n",
	  "in.txt:2: an event of kind 'attest' takes no amount"),
	C(R_EVENTS_CSV, "id,kind,date,by\n1,payment,2021-02-01,anna\n", "in.txt:2: amount is missing"),
	C(R_EVENTS_CSV, "id,kind,date,by\n1,report,2021-02-01,anna\n",
	  "in.txt:2: amount is missing (the unused amount the report declares)"),
	C(R_EVENTS_CSV, "id,kind,date,by,amount\n1,payment,2021-02-01,anna,5 äpplen\n",
	  "in.txt:2: invalid amount '5 äpplen'"),
	C(R_EVENTS_JSON, "{}", "in.txt: expected a JSON array of events"),
	C(R_EVENTS_JSON, "[1]", "in.txt: [0]: expected an object"),
	C(R_EVENTS_JSON, "[{\"id\": [1]}]", "in.txt: [0].id: expected a string or an integer"),
	C(R_EVENTS_JSON, "[{\"id\": \"1\", \"colour\": \"red\"}]", "in.txt: [0]: unknown field 'colour'"),
	C(R_EVENTS_JSON, "[", "in.txt"),
	C(R_DECISION, "[]", "in.txt: (top level): expected a JSON object, found an array"),
	/* ---- the bank's files, read directly (bankfile_parse picks the reader
	 * by the root element and namespace, so these come only this way) ---- */
	C(R_PAIN002, "<Foo/>", "in.txt:1: the root element is <Foo>, expected <Document> of pain.002.001.03"),
	C(R_PAIN002, "<Document xmlns=\"urn:x\"/>", "in.txt:1: the document's namespace is urn:x, expected"),
	C(R_CAMT, "<Document xmlns=\"urn:x\"/>", "in.txt:1: the document's namespace is urn:x, expected"),
	C(R_CAMT, "<Document/>", "in.txt:1: the document's namespace is none, expected"),
	C(R_BGMAX, "\n", "in.txt:1: an empty line (expected a record"),
	C(R_BGMAX, "01BGMAX\0x\n", "in.txt:1: a NUL byte (expected text in ISO 8859-1"),
	C(R_BGMAX, "01BG\001MAX\n", "in.txt:1:5: a control character (byte 0x01) in a record"),
	C(R_BGMAX, "", "in.txt: empty (expected a BgMax file starting with the start record 01)"),
	C(R_BGMAX, "20000000000000000000\n", "in.txt:1: the file starts with record type 20, expected the start record 01"),
	C(R_BGMAX, "x1\n", "in.txt:1:1: 'x1' is no record type"),
	/* ---- published tables (pubtable.c) ---- */
	C(R_PUBTABLE, "Region;Andel;Belopp\nA;1;2\nB;1\n", "in.txt:3: 2 fields, but the header (line 1) has 3"),
	C(R_PUBTABLE, "Regionen i fr\xc3\xa5ga\n", "in.txt: no table found (expected a header row of at least three"),
	C(R_PUBTABLE, "Region;Andel;Belopp\n", "in.txt:1: the table has a header but no rows"),
	C(R_PUBTABLE, "Region;Frukt\nA;1\nB;2\n", "in.txt:1: no table found: a table of two columns needs a header row naming the second"),
	/* ---- payee files (payeefile.c; the rest in tests/cli/payee.sh) ---- */
	C(R_PAYEES, "organisationsnummer,namn,namn,bankgiro\n232100-0016,A,B,5728-3905\n",
	  "in.txt, row 1, column C: a second namn column (the first is column B)"),
	C(R_PAYEES, "organisationsnummer,namn\n232100-0016,A\n",
	  "in.txt, row 1: the header has no account column (bankgiro, plusgiro or IBAN)"),
	C(R_PAYEES, "organisationsnummer,namn,IBAN\n232100-0016,A,SE4550000000058398257466\n",
	  "in.txt, row 1: the header has an IBAN column without a BIC column"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro,BIC\n232100-0016,A,5728-3905,ESSESESS\n",
	  "in.txt, row 1: the header has a BIC column without an IBAN column"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0016,NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN,5728-3905\n",
	  "in.txt, row 2, column B (namn): a name of 201 bytes; at most 200"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro,referens\n232100-0016,A,5728-3905,RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\n",
	  "in.txt, row 2, column D (referens): a reference of 71 characters; at most 70 reach the payee"),
	C(R_PAYEES, "namn,bankgiro\nRegion Stockholm,5728-3905\n",
	  "in.txt, row 1: the header has no organisationsnummer column"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0017,Region Stockholm,5728-3905\n",
	  "in.txt, row 2, column A (organisationsnummer): invalid organisationsnummer '232100-0017': wrong check digit (expected 6)"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0016, ,5728-3905\n",
	  "in.txt, row 2, column B (namn): no name (the payee's name, as payments are to be addressed)"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0016,Region\x7fStockholm,5728-3905\n",
	  "in.txt, row 2, column B (namn): the name: a control character (U+007F) at character 7"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro,plusgiro\n232100-0016,Region Stockholm,,\n",
	  "in.txt, row 2, columns C (bankgiro), D (plusgiro): no account: a bankgiro, a plusgiro or an IBAN (with its BIC) is needed"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0016,Region Stockholm,5728-3906\n",
	  "in.txt, row 2, column C (bankgiro): invalid bankgiro '5728-3906': wrong check digit (expected 5)"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro,referens\n232100-0016,Region Stockholm,5728-3905,bidrag\x7f" "2021\n",
	  "in.txt, row 2, column D (referens): the reference: a control character (U+007F) at character 7"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n232100-0016,Region Stockholm,5728-3905\n232100-0016,REGION STOCKHOLM,5728-3905\n",
	  "in.txt, row 3: REGION STOCKHOLM (232100-0016) is on row 2 already: a payee is given once"),
	C(R_PAYEES, "\n", "in.txt: empty: the first row names the columns (organisationsnummer, namn, bankgiro"),
	C(R_PAYEES, "organisationsnummer,namn,bankgiro\n", "in.txt: no payees: only the header row"),
	/* ---- statistics files (statfile.c) ---- */
	{R_STAT, "x", 1, "unknown statistics format 'xml' (expected px, json or csv)", "xml"},
	{R_STAT, "[]", 2, "in.txt: (top level): an array, expected a JSON-stat dataset (an object)", "json"},
	{R_STAT,
	 "{\"class\": \"dataset\", \"version\": \"2.0\", \"id\": [\"R\"], \"size\": [3], \"dimension\": {\"R\": "
	 "{\"category\": {\"index\": [\"a\", \"b\", \"c\"], \"child\": {\"a\": [\"c\"], \"b\": [\"c\"]}}}}, "
	 "\"value\": [1, 2, 3]}",
	 0, "'c' has two parents", "json"},
};

/* ---- documents changed at one place: the example decision and register,
 * each with one value set (or removed), must be refused there ---- */

/* src_path: rel in the source tree, found from this file's path as the
 * compiler saw it, or from the build directory. */
static const char *src_path(const char *rel, char *out, size_t n)
{
	const char *self = __FILE__, *cut = strstr(self, "tests/unit/test-readers.c");
	if (cut) {
		snprintf(out, n, "%.*s%s", (int)(cut - self), self, rel);
		FILE *f = fopen(out, "r");
		if (f) {
			fclose(f);
			return out;
		}
	}
	static const char *const prefix[] = {"", "../", "../../"};
	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		snprintf(out, n, "%s%s", prefix[i], rel);
		FILE *f = fopen(out, "r");
		if (f) {
			fclose(f);
			return out;
		}
	}
	return NULL;
}

/* set_at: put value (NULL: remove) at path "a.b[2].c" of doc; -1 if the
 * path is not there.  A path "+a.b[2]" merges value's fields into the
 * object there (to change two fields of one object; a null removes one). */
static int set_at(json_t *doc, const char *path, json_t *value)
{
	char buf[256];
	if (path[0] == '+') {
		json_t *cur = doc;
		char *save = NULL;
		snprintf(buf, sizeof(buf), "%s", path + 1);
		for (char *seg = strtok_r(buf, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
			char *br = strchr(seg, '[');
			long idx = br ? strtol(br + 1, NULL, 10) : -1;
			if (br)
				*br = '\0';
			cur = json_object_get(cur, seg);
			if (br)
				cur = idx >= 0 ? json_array_get(cur, (size_t)idx) : NULL;
		}
		int rc = json_is_object(cur) && json_is_object(value) ? json_object_update(cur, value) : -1;
		const char *k;
		json_t *v, *tmp;
		json_object_foreach_safe(value, tmp, k, v) /* a null removes the field */
		{
			if (rc == 0 && json_is_null(v))
				json_object_del(cur, k);
		}
		json_decref(value);
		return rc;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = doc;
	char *save = NULL;
	for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
		char *br = strchr(seg, '[');
		long idx = br ? strtol(br + 1, NULL, 10) : -1;
		if (br)
			*br = '\0';
		bool last = !save || !*save;
		if (last && !br) {
			if (value)
				return json_object_set_new(cur, seg, value);
			return json_object_del(cur, seg);
		}
		json_t *next = json_object_get(cur, seg);
		if (!br) { /* an object on the way */
			if (!json_is_object(next))
				return -1;
			cur = next;
			continue;
		}
		if (!json_is_array(next) || idx < 0 || (size_t)idx >= json_array_size(next))
			return -1;
		if (last) {
			if (value)
				return json_array_set_new(next, (size_t)idx, value);
			return json_array_remove(next, (size_t)idx);
		}
		cur = json_array_get(next, (size_t)idx);
	}
	return -1;
}

struct mcase {
	enum reader r; /* R_DECISION, R_REG or R_STAT */
	const char *path;
	const char *value; /* JSON; NULL removes */
	const char *want;
};

static const struct mcase mcases[] = {
	/* register (regfile.c), examples/register/jamtland-2020.json */
	{R_REG, "years[1].grants[13].usage[0].remaining", "\"x\"", "usage[0].remaining: expected an amount in kronor (it may be negative)"},
	{R_REG, "years[1].grants[13].usage[0].remaining", "\"200 000 000 000 000\"", "usage[0].remaining: too large"},
	{R_REG, "years[1].grants[13].usage[0].year", "1999", "usage[0].year: expected the year whose money is accounted for"},
	{R_REG, "years[1].grants[13].usage[0].entries", "[]", "usage[0]: both 'entries' and 'entries_csv'"},
	{R_REG, "years[1].grants[2].lines_csv", "\"x.csv\"", "grants[2]: both 'lines' and 'lines_csv'"},
	{R_REG, "years[0].year", NULL, "years[0].year: missing (expected a year, 2000 to 2100)"},
	{R_REG, "years[1].grants[13].usage[0].colour", "1", "usage[0]: unknown field 'colour' (expected one of: year, title"},
	{R_REG, "years[1].grants[13].usage[0].title", "5", "usage[0].title: expected a string, found an integer"},
	{R_REG, "years[1].grants[13].usage[0].purposes", NULL, "usage[0].purposes: missing (expected an array)"},
	{R_REG, "years[1].grants[13].usage[0].purposes", "[5]", "usage[0].purposes[0]: expected an object, found an integer"},
	{R_REG, "years[1].grants[13].usage[0].entries_csv", "\"no-such-file.csv\"", "usage[0].entries_csv: cannot open"},
	{R_REG, "years[1].grants[2].lines[0].key", "\"Ab\"", "grants[2].lines[0].key: 'Ab' is not a key"},
	{R_REG, "years[1].grants[0].lines_csv", "\"../x.csv\"", "grants[0].lines_csv: '../x.csv': expected a file name relative to the register file, without '..'"},
	{R_REG, "years[1].grants[2].lines[0].total", "\"1\"", "grants[2].lines[0]: a total without lines"},
	{R_REG, "years[1].grants[13].usage[0].available", NULL, "usage[0]: missing 'available'"},
	{R_REG, "+years[1].grants[13].usage[0]", "{\"entries_csv\": null, \"entries\": 5}", "usage[0].entries: expected an array"},
	{R_REG, "+years[1].grants[13].usage[0]", "{\"entries_csv\": null, \"entries\": [{\"purpose\": 5}]}", "usage[0].entries[0].purpose: expected a string"},
	{R_REG, "+years[1].grants[13].usage[0]", "{\"entries_csv\": null, \"entries\": [{\"purpose\": \"a\", \"cost_group\": \"b\"}]}", "usage[0].entries[0].amount: missing (expected the amount spent, whole kronor)"},
	{R_REG, "+years[1].grants[13].usage[0]", "{\"entries_csv\": null, \"entries\": [{\"purpose\": \"a\", \"cost_group\": \"b\", \"amount\": -5}]}", "usage[0].entries[0].amount: a negative spend (-5 kr)"},
	{R_REG, "years[1].grants[0].status", "5", "grants[0].status: expected a string"},
	{R_REG, "years[1].grants[0].flags", "[\"shiny\"]", "grants[0].flags[0]: unknown flag 'shiny' (expected reporting-relief, preliminary or new)"},
	{R_REG, "years[1].grants[1].lines_total", "\"1\"", "grants[1]: 'lines_total' without lines"},
	{R_REG, "years[1].grants[11].application.applied", "\"x\"", "grants[11].application.applied:"},
	{R_REG, "years[1].grants[11].application.outcome", "\"maybe\"", "grants[11].application.outcome: 'maybe' (expected granted, rejected or pending)"},
	{R_REG, "years[1].summary[1].members", "[\"A\"]", "summary[1].members[0]: 'A' (expected a grant key, or grant/line/subline keys)"},
	{R_REG, "years[1].summary[1].label", "5", "summary[1].label: expected a string"},
	{R_REG, "years[1].summary[1].rows[0].rows", "[{\"key\": \"x\", \"label\": \"y\"}]", "summary[1].rows[0].rows: varav rows cannot have rows of their own"},
	{R_REG, "years[0].year", "1999", "years[0].year: expected a year from 2000 to 2100"},
	{R_REG, "years[1].title", "5", "years[1].title: expected a string"},
	{R_REG, "years[1].sections[0].title", "5", "years[1].sections[0].title: expected a string"},
	{R_REG, "years[1].summary", "5", "years[1].summary: expected an array"},
	{R_REG, "format", NULL, "format: missing"},
	{R_REG, "format", "\"bidrag-register/2\"", "format: 'bidrag-register/2' (expected \"bidrag-register/1\")"},
	{R_REG, "years", "[]", "years: empty (expected at least one year)"},
	{R_REG, "years[1].grants[4].lines_total", "\"1\"", "in.json: years[1].grants[4].lines_total: typed as 1 kr, but the parts add up to"},
	{R_REG, "years[1].grants[2].lines", "[{\"key\": \"x9\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x8\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x7\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x6\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x5\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x4\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x3\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x2\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x1\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x0\", \"title\": \"x\", \"amount\": \"1\", \"lines\": [{\"key\": \"x\", \"title\": \"x\", \"amount\": \"1\"}]}]}]}]}]}]}]}]}]}]}]", "lines nested more than 8 deep"},
	/* a field read by a shared helper, refused there and passed on */
	{R_REG, "years[1].grants[13].usage[0].spent", "\"42 äpplen\"", "in.json: years[1].grants[13].usage[0].spent: '42 äpplen':"},
	{R_REG, "years[1].grants[13].usage[0].entries_csv", "[\"jamtland-2020-nationella-minoriteter-2019.csv\"]", "in.json: years[1].grants[13].usage[0].entries_csv: expected a string, found an array"},
	{R_REG, "+years[1].grants[2].lines[0]", "{\"lines\": [{\"key\": \"a\", \"title\": \"A\", \"amount\": \"5,2 mkr\"}], \"total\": \"fem miljoner\"}", "in.json: years[1].grants[2].lines[0].total: 'fem miljoner':"},
	{R_REG, "years[1].grants[4].lines_total", "\"x\"", "in.json: years[1].grants[4].lines_total: 'x':"},
	{R_REG, "years[1].grants[0].summary", "\"no\"", "in.json: years[1].grants[0].summary: expected true or false, found a string"},
	{R_REG, "years[1].grants[0].flags", "\"new\"", "in.json: years[1].grants[0].flags: expected an array of strings, found a string"},
	{R_REG, "years[1].grants[11].application", "[]", "in.json: years[1].grants[11].application: expected an object, found an array"},
	{R_REG, "years[1].grants[13].usage", "{}", "in.json: years[1].grants[13].usage: expected an array, found an object"},
	{R_REG, "years[1].summary[1].members", "\"god-och-nara-vard\"", "in.json: years[1].summary[1].members: expected an array of strings, found a string"},
	{R_REG, "years[1].summary[1].rows", "{}", "in.json: years[1].summary[1].rows: expected an array, found an object"},
	{R_REG, "years[1].sections", "{}", "in.json: years[1].sections: expected an array, found an object"},
	/* a CSV file beside the register, of the other kind: usage entries
	 * named as a grant's lines, and a grant's lines as usage entries */
	{R_REG, "years[1].grants[13].usage[0].entries_csv", "\"jamtland-2020-god-och-nara-vard.csv\"", "jamtland-2020-god-och-nara-vard.csv:3: column 1: unknown column 'område' (expected: ändamål, kostnadsgrupp, belopp, kommentar)"},
	{R_REG, "+years[1].grants[2]", "{\"lines\": null, \"lines_csv\": \"jamtland-2020-nationella-minoriteter-2019.csv\"}", "jamtland-2020-nationella-minoriteter-2019.csv:4: column 1: unknown column 'ändamål' (expected: område, delområde, belopp, landet, nyckel)"},
	/* decision (decisionfile.c), examples/decisions/S2020-09797.json */
	{R_DECISION, "parts[0].payee", "\"\"", "parts[0].payee: empty (expected an organisation's code or name"},
	{R_DECISION, "parts[0].payee", "12", "parts[0].payee: expected an organisation's name or a payee object, found"},
	{R_DECISION, "parts[0].rule.keys", "[]", "parts[0].rule.keys: only method 'mix' takes keys"},
	{R_DECISION, "parts[0].recipients", NULL, "parts[0].recipients: missing (expected a set such as \"regions\""},
	{R_DECISION, "parts[0].recipients", "[]", "parts[0].recipients: expected a set such as \"regions\", or a non-empty array of recipients, found an array"},
	{R_DECISION, "parts[0].recipients", "\"\"", "parts[0].recipients: empty (expected a set"},
	{R_DECISION, "parts[0].recipients", "12", "parts[0].recipients: expected a set such as \"regions\", or a non-empty array"},
	{R_DECISION, "parts[0].allocation", "[]", "parts[0].allocation: empty (leave it out to have the register compute"},
	{R_DECISION, "annexes[0].id", "\"a b\"", "annexes[0].id: 'a b' is not an id"},
	{R_DECISION, "annexes[0].columns[1].key", NULL, "annexes[0].columns[1].key: missing (a key column names its key dataset)"},
	{R_DECISION, "annexes[0].columns[0].part", "\"1\"", "annexes[0].columns[0].part: only an amount column names a part"},
	{R_DECISION, "annexes[0].columns[1].style", "\"fraction\"", "annexes[0].columns[1].style: only a share column has a style"},
	{R_DECISION, "annexes[0].columns[2].style", "\"roman\"", "annexes[0].columns[2].style: unknown style 'roman'"},
	{R_DECISION, "annexes[0].columns[3].part", NULL, "annexes[0].columns[3].part: missing (an amount column names its part)"},
	{R_DECISION, "annexes[0].columns[1].decimals", "2", "annexes[0].columns[1].decimals: only a share column has decimals"},
	/* JSON-stat (jsonstat.c), tests/fuzz/corpus/jsonstat/small.json */
	{R_STAT, "label", "12", "'label' is an integer, expected a string"},
	{R_STAT, "size", "[2, -1]", "expected a whole number from"},
	{R_STAT, "size", "[2, \"2\"]", "a string, expected a whole number"},
	{R_STAT, "note", "12", "expected an array of notes"},
	{R_STAT, "note", "[12]", "expected a note (a string)"},
	{R_STAT, "id", "[\"Region\", \"Kön\"]", "no dimension 'Kön', which \"id\" names"},
	{R_STAT, "dimension.Tid", "12", "an integer, expected an object"},
	{R_STAT, "dimension.Tid.category", "12", "expected an object with \"index\" and \"label\""},
	{R_STAT, "dimension.Region.category.label", "12", "\"label\" is an integer, expected an object code -> label"},
	{R_STAT, "dimension.Tid.category.index", NULL, "no \"index\" (only a dimension of one category may go without)"},
	{R_STAT, "dimension.Tid.category.index", "[\"2026M01\"]", "\"index\" has 1 codes, \"size\" says 2"},
	{R_STAT, "dimension.Tid.category.index", "[\"2026M01\", 5]", "an integer, expected a code (a string)"},
	{R_STAT, "dimension.Region.category.index", "{\"01\": 0}", "\"index\" has 1 codes, \"size\" says 2"},
	{R_STAT, "dimension.Region.category.index", "{\"01\": 0, \"03\": 0}", "position 0 is also that of '01'"},
	{R_STAT, "dimension.Region.category.index", "12", "\"index\" is an integer, expected an array of codes or an object"},
	{R_STAT, "dimension.Region.category.label", "{\"01\": 5}", "an integer, expected a label (a string)"},
	{R_STAT, "dimension.Region.category.label", "{\"09\": \"x\"}", "a label for '09', which is not in \"index\""},
	{R_STAT, "dimension.Region.category.child", "12", "expected an object parent -> [children]"},
	{R_STAT, "dimension.Region.category.child", "{\"09\": [\"01\"]}", "'09' is not a code of the dimension"},
	{R_STAT, "dimension.Region.category.child", "{\"01\": 5}", "'01': an integer, expected an array of codes"},
	{R_STAT, "dimension.Region.category.child", "{\"01\": [\"09\"]}", "'01'[0] is not a code of the dimension"},
	{R_STAT, "dimension.Region.category.note", "12", "expected an object code -> notes"},
	{R_STAT, "dimension.Region.category.note", "{\"09\": \"x\"}", "'09' is not a code of the dimension"},
	{R_STAT, "dimension.Region.category.unit", "12", "expected an object code -> unit"},
	{R_STAT, "dimension.Region.category.unit", "{\"09\": {}}", "'09': expected a code of the dimension with an object"},
	{R_STAT, "dimension.Region.extension", "{\"elimination\": 5}", "\"elimination\" is an integer, expected true or false"},
	{R_STAT, "dimension.Region.extension", "{\"elimination\": true, \"eliminationValueCode\": \"09\"}", "\"eliminationValueCode\" '09' is not a code of the dimension"},
	{R_STAT, "role", "12", "role: an integer, expected an object"},
	{R_STAT, "status", "[12, null, null, null]", "expected a status symbol (a string) or null"},
	{R_STAT, "status", "12", "an integer, expected a symbol, an array or an object"},
	{R_STAT, "value", "12", "an integer, expected an array or an object of cells"},
	{R_STAT, "id", "12", "an integer, expected an array of dimension ids"},
	{R_STAT, "size", "[2]", "expected an array of 2 sizes, one per id"},
	{R_STAT, "dimension", "12", "an integer, expected an object of dimensions"},
	{R_STAT, "id", "[\"Region\", 5]", "an integer, expected a dimension id"},
	{R_STAT, "id", "[\"Region\", \"Region\"]", "'Region' is named twice"},
	{R_STAT, "dimension.Tid.note", "12", "an integer, expected a note (a string) or an array of notes"},
	{R_STAT, "dimension.Tid.note", "[\"a\", 12]", "an integer, expected a note (a string)"},
	{R_STAT, "dimension.Region.category.child", "{\"01\": [\"03\"], \"03\": [\"01\"]}", "a loop through"},
	{R_STAT, "class", "\"collection\"", "class: 'collection': bidrag reads one JSON-stat dataset (\"class\": \"dataset\")"},
	{R_STAT, "class", NULL, "class: not a JSON-stat 2.0 dataset"},
	{R_STAT, "version", "\"3.0\"", "version: not a JSON-stat 2.0 dataset"},
	{R_STAT, "version", "\"1.0\"", "\"version\" is 1.x: JSON-stat 1.x, which bidrag does not read"},
	{R_STAT, "source", "12", "'source' is an integer, expected a string"},
	{R_STAT, "size", "[2, 2.5]", "2.5, expected a whole number from"},
	{R_STAT, "dimension.Region.category.unit", "{\"01\": {\"base\": 5}}", "'base' is an integer, expected a string"},
	{R_STAT, "dimension.Region.extension", "{\"refperiod\": 5}", "\"refperiod\" is an integer, expected an object code -> text"},
	{R_STAT, "dimension.Region.extension", "{\"measuringType\": {\"09\": \"x\"}}", "\"measuringType\": '09' is not a code of the dimension with a text"},
	{R_STAT, "extension", "{\"px\": {\"contents\": 5}}", "extension.px: 'contents' is an integer, expected a string"},
	{R_STAT, "status", "{\"9\": \"..\"}", "status: key '9' is not a cell position from 0 to 3"},
	{R_STAT, "class", "5", "'class' is an integer, expected a string"},
	{R_DECISION, "dnr", "\"S2020/0979700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"", "dnr: longer than 100 characters"},
	{R_DECISION, "parts[0].amount", "1.5", "parts[0].amount: the amount is a fractional JSON number"},
	{R_DECISION, "parts[0].payee", "{\"name\": \"x\", \"orgnr\": \"123\"}", "parts[0].payee.orgnr:"},
	{R_DECISION, "parts[0].payee", "{\"name\": 5}", "parts[0].payee.name: expected a string"},
	{R_DECISION, "parts[0].payee", "{\"name\": \"x\", \"bankgiro\": \"5728-3905\", \"plusgiro\": \"100000-9\"}", "parts[0].payee: both bankgiro and plusgiro given (expected one account)"},
	{R_DECISION, "parts[0].rule.method", "5", "parts[0].rule.method: expected a string"},
	{R_DECISION, "parts[0].rule.method", "\"lottery\"", "parts[0].rule.method: unknown method 'lottery' (expected key, mix, equal or list)"},
	{R_DECISION, "parts[0].rule.rounding", "\"up\"", "parts[0].rule.rounding: unknown rounding 'up'"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"list\", \"rounding\": \"half-up\"}", "parts[1].rule.rounding: a list has no rounding"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"equal\", \"base\": \"x\"}", "parts[1].rule.base:"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"list\", \"unit\": \"1000\"}", "parts[1].rule.unit: a list has no unit"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"equal\", \"key\": \"population@2019-11-01\"}", "parts[1].rule.key: only method 'key' takes one key (method 'equal'"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"mix\", \"keys\": [5]}", "parts[1].rule.keys[0]: expected an object {\"key\": ..., \"weight\": ...}, found an integer"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"mix\", \"keys\": [{\"key\": \"a\"}]}", "parts[1].rule.keys[0].weight: missing"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"mix\", \"keys\": [{\"key\": \"a\", \"weight\": \"x\"}]}", "parts[1].rule.keys[0].weight: 'x':"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"mix\", \"keys\": [{\"key\": \"a\", \"weight\": \"0\"}]}", "parts[1].rule.keys[0].weight: '0' is zero (expected a positive weight)"},
	{R_DECISION, "parts[1].rule", "{\"method\": \"key\", \"key\": \"population@2019-11-01@2\"}", "parts[1].rule.key: this part names version 2 of 'population@2019-11-01', parts[0] its latest version"},
	{R_DECISION, "parts[0].payment.mode", NULL, "parts[0].payment.mode: missing"},
	{R_DECISION, "parts[0].payment.mode", "\"cash\"", "parts[0].payment.mode: unknown mode 'cash' (expected requisition or without-requisition)"},
	{R_DECISION, "parts[2].payment.deadline", "\"2021-02-30\"", "parts[2].payment.deadline:"},
	{R_DECISION, "parts[0].payment.lapses", "true", "parts[0].payment.lapses: only a requisition can lapse"},
	{R_DECISION, "parts[0].allocation[0]", "5", "parts[0].allocation[0]: expected an object {\"recipient\": ..., \"amount\": ...}, found an integer"},
	{R_DECISION, "parts[0].allocation[0].amount", NULL, "parts[0].allocation[0].amount: missing"},
	{R_DECISION, "parts[0].allocation[0].payee", "\"\"", "parts[0].allocation[0].payee: empty"},
	{R_DECISION, "parts[0].title", "5", "parts[0].title: expected a string"},
	{R_DECISION, "parts[0].id", "\"a b\"", "parts[0].id: 'a b' is not an id"},
	{R_DECISION, "parts[0].funding[0]", "5", "parts[0].funding[0]: expected an object {\"appropriation\": ..., \"amount\": ...}, found an integer"},
	{R_DECISION, "parts[0].funding[0].amount", NULL, "parts[0].funding[0].amount: missing"},
	{R_DECISION, "parts[0].funding[0].appropriation", "\"99\"", "no appropriation has the id '99' (the file's appropriations: '40')"},
	{R_DECISION, "+parts[0]", "{\"computed\": true, \"rule\": {\"method\": \"list\"}}", "parts[0].computed: only an allocation table of a key, mix or equal rule can be marked computed"},
	{R_DECISION, "annexes[0].notes", "5", "annexes[0].notes"},
	{R_DECISION, "annexes[0].columns[0].style", "5", "annexes[0].columns[0].style: expected a string"},
	{R_DECISION, "annexes[0].columns[0].type", "\"colour\"", "annexes[0].columns[0].type: unknown column type 'colour'"},
	{R_DECISION, "annexes[0].columns[0].key", "\"population@2019-11-01\"", "annexes[0].columns[0].key: a recipient column has no key"},
	{R_DECISION, "appropriations[0].post", NULL, "appropriations[0].post: missing"},
	{R_DECISION, "appropriations[0].anslag", "\"16\"", "appropriations[0].anslag: '16' is not an anslag number (expected N:N"},
	{R_DECISION, "format", "\"bidrag-decision/2\"", "format: 'bidrag-decision/2' is not a format this version reads"},
	{R_DECISION, "appropriations", "[{\"id\": \"40\", \"budget_year\": 2021, \"utgiftsomrade\": 9, \"utgiftsomrade_name\": \"H\", \"anslag\": \"1:6\", \"anslag_name\": \"B\", \"post\": 40, \"post_name\": \"J\"}, {\"id\": \"40\", \"budget_year\": 2021, \"utgiftsomrade\": 9, \"utgiftsomrade_name\": \"H\", \"anslag\": \"1:6\", \"anslag_name\": \"B\", \"post\": 40, \"post_name\": \"J\"}]", "appropriations[1].id: '40' is already the id of appropriations[0]"},
	/* a field read by a shared helper, refused there and passed on (every
	 * `return -1` after get_str, get_arr, get_obj, get_bool, get_lines) */
	{R_DECISION, "parts[0].payee", "{\"name\": \"Region Stockholm\", \"orgnr\": 232100016}", "in.json: parts[0].payee.orgnr: expected a string, found an integer"},
	{R_DECISION, "parts[0].rule.share", "\"1/2\"", "in.json: parts[0].rule: unknown field 'share' (expected one of: method, key, keys, base, unit, rounding)"},
	{R_DECISION, "parts[0].rule.key", "[\"population@2019-11-01\"]", "in.json: parts[0].rule.key: expected a string, found an array"},
	{R_DECISION, "parts[0].rule.keys", "{\"key\": \"population@2019-11-01\", \"weight\": \"1\"}", "in.json: parts[0].rule.keys: expected an array, found an object"},
	{R_DECISION, "parts[0].funding", "[]", "in.json: parts[0].funding: empty (expected at least one entry)"},
	{R_DECISION, "parts[0].recipients", "[\"Region Stockholm\", 21]", "in.json: parts[0].recipients[1]: expected a string, found an integer"},
	{R_DECISION, "parts[0].rule", NULL, "in.json: parts[0].rule: missing (expected an object)"},
	{R_DECISION, "parts[0].allocation", "{\"Region Stockholm\": 49472318}", "in.json: parts[0].allocation: expected an array, found an object"},
	{R_DECISION, "parts[0].computed", "\"yes\"", "in.json: parts[0].computed: expected true or false, found a string"},
	{R_DECISION, "annexes[0].columns", "[]", "in.json: annexes[0].columns: empty (expected at least one entry)"},
};

static void test_documents(void)
{
	char dpath[4096], rpath[4096];
	const char *dec = src_path("examples/decisions/S2020-09797.json", dpath, sizeof(dpath));
	const char *reg = src_path("examples/register/jamtland-2020.json", rpath, sizeof(rpath));
	if (!ok(dec && reg, "the example decision and register are found")) {
		diag("run from the build directory or the source tree");
		return;
	}
	static const char small_jsonstat[] =
		"{\"class\":\"dataset\",\"version\":\"2.0\",\"label\":\"Folkmängd\",\"id\":[\"Region\",\"Tid\"],"
		"\"size\":[2,2],\"role\":{\"time\":[\"Tid\"],\"geo\":[\"Region\"]},\"dimension\":{\"Region\":{\"label\":"
		"\"region\",\"category\":{\"index\":{\"01\":0,\"03\":1},\"label\":{\"01\":\"Stockholms län\",\"03\":"
		"\"Uppsala län\"}}},\"Tid\":{\"label\":\"månad\",\"category\":{\"index\":[\"2026M01\",\"2026M02\"]}}},"
		"\"value\":[2377081,12.50,null,-0.5e1],\"status\":{\"2\":\"..\"}}";
	char regdir[4096];
	snprintf(regdir, sizeof(regdir), "%.*s", (int)(strrchr(reg, '/') - reg), reg);
	for (size_t i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *m = &mcases[i];
		json_error_t je;
		json_t *doc = m->r == R_STAT ? json_loads(small_jsonstat, 0, &je)
					     : json_load_file(m->r == R_REG ? reg : dec, 0, &je);
		json_t *v = m->value ? json_loads(m->value, JSON_DECODE_ANY, &je) : NULL;
		if (!doc || (m->value && !v) || set_at(doc, m->path, v)) {
			ok(0, "%s: %s can be set", reader_name[m->r], m->path);
			json_decref(doc);
			continue;
		}
		char *text = json_dumps(doc, 0);
		json_decref(doc);
		struct bd_error err = {0};
		int rc;
		if (m->r == R_REG) { /* as regfile_read: parse, compute the sums, check the typed ones */
			struct rg_register reg_;
			rg_init(&reg_);
			struct regfile_checks checks = {0};
			rc = regfile_parse(&reg_, text, strlen(text), "in.json", regdir, &checks, &err);
			if (!rc)
				rc = rg_compute(&reg_, &err);
			if (!rc)
				rc = regfile_run_checks(&checks, &err);
			regfile_checks_release(&checks);
			rg_release(&reg_);
		} else if (m->r == R_STAT) {
			struct stat_cube cube;
			statcube_init(&cube);
			struct statfile_opts o = {.format = "json"};
			rc = statfile_parse(text, strlen(text), "in.json", &o, &cube, &err);
			statcube_release(&cube);
		} else {
			struct decision d;
			decision_init(&d);
			rc = decisionfile_parse(&d, text, strlen(text), "in.json", &err);
			decision_release(&d);
		}
		free(text);
		bool good = rc != 0 && strstr(err.msg, m->want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "%s with %s = %s: refused: %s", reader_name[m->r], m->path, m->value ? m->value : "(removed)",
		   m->want);
	}
	/* the unchanged documents are read (the cases above change only one thing) */
	for (int k = 0; k < 2; k++) {
		json_error_t je;
		json_t *doc = json_load_file(k ? reg : dec, 0, &je);
		char *text = json_dumps(doc, 0);
		json_decref(doc);
		struct bd_error err = {0};
		int rc;
		if (k) {
			struct rg_register reg_;
			rg_init(&reg_);
			rc = regfile_parse(&reg_, text, strlen(text), "in.json", regdir, NULL, &err);
			rg_release(&reg_);
		} else {
			struct decision d;
			decision_init(&d);
			rc = decisionfile_parse(&d, text, strlen(text), "in.json", &err);
			decision_release(&d);
		}
		free(text);
		ok(rc == 0, "the example %s as it is is read (%s)", k ? "register" : "decision", rc ? err.msg : "ok");
	}
	/* a stored register (no directory to look beside) with a file reference */
	{
		json_error_t je;
		json_t *doc = json_load_file(reg, 0, &je);
		char *text = json_dumps(doc, 0);
		json_decref(doc);
		struct rg_register r2;
		rg_init(&r2);
		struct bd_error e2 = {0};
		ok(text && regfile_parse(&r2, text, strlen(text), "in.json", NULL, NULL, &e2) != 0 &&
			   strstr(e2.msg, "lines_csv: a file reference in a stored document (expected the data inline)"),
		   "a register with lines_csv read as a stored document: %s", e2.msg);
		rg_release(&r2);
		free(text);
	}
	/* a second document for the same register naming another organisation */
	{
		json_error_t je;
		json_t *doc = json_load_file(reg, 0, &je);
		char *text = json_dumps(doc, 0);
		json_object_set_new(doc, "org", json_string("Region Gotland"));
		char *other = json_dumps(doc, 0);
		json_decref(doc);
		struct rg_register r3;
		rg_init(&r3);
		struct bd_error e3 = {0};
		ok(text && other && regfile_parse(&r3, text, strlen(text), "a.json", regdir, NULL, &e3) == 0 &&
			   regfile_parse(&r3, other, strlen(other), "b.json", regdir, NULL, &e3) != 0 &&
			   strstr(e3.msg, "b.json: org: 'Region Gotland', while the register is 'Region J"),
		   "a second document of another organisation: %s", e3.msg);
		rg_release(&r3);
		free(text);
		free(other);
	}
	/* a register that is no object */
	struct rg_register reg_;
	rg_init(&reg_);
	struct bd_error err = {0};
	ok(regfile_parse(&reg_, "[]", 2, "in.json", NULL, NULL, &err) != 0 &&
		   strstr(err.msg, "expected an object with format, org and years"),
	   "a register that is an array: %s", err.msg);
	rg_release(&reg_);
}

/* ---- PC-Axis (px.c): the fuzz seed small.px with one statement changed ---- */

static const char small_px[] =
	"CHARSET=\"ANSI\";\nAXIS-VERSION=\"2010\";\nLANGUAGE=\"sv\";\nMATRIX=\"BE0101N1\";\n"
	"TITLE=\"Folkmängd efter region och år\";\nCONTENTS=\"Folkmängd\";\nUNITS=\"antal\";\nSTUB=\"region\";\n"
	"HEADING=\"år\";\nVALUES(\"region\")=\"01 Stockholms län\",\"03 Uppsala län\";\nCODES(\"region\")=\"01\",\"03\";\n"
	"VALUES(\"år\")=\"2020\",\"2021\";\nTIMEVAL(\"år\")=TLIST(A1),\"2020\",\"2021\";\nELIMINATION(\"region\")=YES;\n"
	"DATASYMBOL1=\"..\";\nDATASYMBOLNIL=\"-\";\nDATA=\n2377081 2391990\n383713 \"..\"\n;\n";

static const struct {
	const char *find, *replace, *want;
	const char *lang; /* the language to read (statfile_opts.language); NULL: the default */
} pxcases[] = {
	{"UNITS=\"antal\";", "=\"antal\";", "in.px:7: expected a keyword such as VALUES(\"region\")=...; found", NULL},
	{"TITLE=", "TITLE[en=", "in.px:5: TITLE[: expected a language code and ']'", NULL},
	{"CODES(\"region\")", "CODES(region)", "in.px:11: CODES(: expected a quoted name", NULL},
	{"CODES(\"region\")", "CODES(\"region\"x)", "in.px:11: CODES(...: expected ',' or ')' after a name", NULL},
	{"UNITS=\"antal\";", "UNITS=;", "in.px:7: UNITS= has an empty value", NULL},
	{"383713 \"..\"", "383713 \"..", "in.px:19: DATA: a quoted symbol opened on this line is never closed", NULL},
	{"\"..\"\n;\n", "\"..\"\n;\nNOTE=\"x\"\n", "in.px:21: text after the end of DATA: 'NOTE=\"x\"'", NULL},
	{"STUB=\"region\";\nHEADING=\"år\";\n", "", "neither STUB nor HEADING names the table's variables", NULL},
	{"HEADING=\"år\";", "HEADING=\"år\",\"region\";", "the variable \"region\" is named twice in STUB/HEADING", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nCONTVARIABLE=\"x\";", "CONTVARIABLE names \"x\", which is not a variable", NULL},
	{"ELIMINATION(\"region\")=YES;", "ELIMINATION(\"region\")=\"01\",\"03\";", "ELIMINATION(\"region\"): expected YES, NO or one value", NULL},
	{"ELIMINATION(\"region\")=YES;", "ELIMINATION(\"region\")=\"Riket\";", "in.px:14: ELIMINATION(\"region\")=\"Riket\": no such value of \"region\"", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nHIERARCHIES(\"region\")=\"01\":\"09\";", "HIERARCHIES(\"region\"): \"09\" is not a code or value", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nHIERARCHIES(\"region\")=\"09\":\"01\";", "HIERARCHIES(\"region\"): \"09\" is not a code or value", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nHIERARCHIES(\"region\")=\"01\":\"01\";", "is its own parent", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nDECIMALS=20;", "DECIMALS: expected a number of decimals from 0 to 15, found '20'", NULL},
	{"DATASYMBOLNIL=\"-\";", "DATASYMBOLNIL=\"..\";", "the symbol \"..\" means both a missing value (DATASYMBOLn) and zero", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nVALUENOTE(\"region\",\"09\")=\"x\";", "VALUENOTE(\"region\", \"09\"): no such value of \"region\"", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nVALUENOTE(\"region\")=\"x\";", "VALUENOTE: expected (\"variable\", \"value\") of STUB or HEADING", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nNOTE(\"kön\")=\"x\";", "NOTE(\"kön\"): not a variable of STUB or HEADING", NULL},
	{"CODES(\"region\")=\"01\"", "CODES(\"region\")=01", "CODES: item 1 is not a quoted text ('01')", NULL},
	{"DATA=\n2377081 2391990\n383713 \"..\"\n;\n", "NOTE(\"region", "in.px:17: a string opened on this line is never closed", NULL},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\",\"sex\";\nHEADING[en]=\"year\";", "STUB[en]/HEADING[en] name 3 variables, STUB/HEADING 2", "en"},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";\nHEADING[en]=\"year\";\nVALUES[en](\"region\")=\"a\";", "in.px:11: VALUES[en](\"region\") has 1 values, VALUES(\"region\") 2", "en"},
	{"ELIMINATION(\"region\")=YES;", "HIERARCHIES(\"region\")=\"01\":x;", "in.px:14: HIERARCHIES: expected a quoted value after ':'; found 'x;", NULL},
	{"TLIST(A1),\"2020\",\"2021\";", "TLIST(A1,\"2020);", "in.px:13: TIMEVAL: a string opened on this line is never closed", NULL},
	{"DATA=\n2377081 2391990\n383713 \"..\"\n;\n", "NOTE=\"x\"", "in.px:17: the statement NOTE is not ended by ';'", NULL},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB=\"region\";", "in.px:9: STUB is given twice (first on line 8)", NULL},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";\nSTUB[en]=\"region\";", "in.px:10: STUB[en] is given twice (first on line 9)", "en"},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";", "STUB[en] and HEADING[en] do not match STUB and HEADING", "en"},
	{"STUB=\"region\";", "STUB=region;", "in.px:8: STUB: item 1 is not a quoted text ('region')", NULL},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=region;\nHEADING[en]=\"year\";", "in.px:9: STUB: item 1 is not a quoted text ('region')", "en"},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";\nHEADING[en]=\"year\";\nVALUES[en](\"region\")=\"a\",\"b\";\nVALUES[en](\"region\")=\"a\",\"b\";",
	 "in.px:12: VALUES[en] is given twice (first on line 11)", "en"},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";\nHEADING[en]=\"year\";", "no VALUES[en](\"region\") for the variable \"region\"", "en"},
	{"STUB=\"region\";", "STUB=\"region\";\nSTUB[en]=\"region\";\nHEADING[en]=\"year\";\nVALUES[en](\"region\")=a,b;", "in.px:11: VALUES: item 1 is not a quoted text ('a')", "en"},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nHIERARCHIES(\"region\")=\"01\":\"03\",\"03\":\"03\";", "HIERARCHIES(\"region\"): \"03\" has two parents (\"01\" and \"03\")", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nHIERARCHIES(\"region\")=\"01\":\"03\",\"03\":\"01\";", "in.px:8: HIERARCHIES(\"region\") has a loop through", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nCELLNOTE(\"09\",\"*\")=\"x\";", "in.px:8: CELLNOTE: \"09\" is no value of \"region\"", NULL},
	{"DATASYMBOL1=\"..\";", "DATASYMBOL1=\"..\";\nDATASYMBOL1=\"..\";", "in.px:16: DATASYMBOL1 is given twice (first on line 15)", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nKEYS(\"kön\")=VALUES;", "in.px:8: KEYS(\"kön\"): no such variable in STUB or HEADING", NULL},
	{"UNITS=\"antal\";", "UNITS=\"antal\";\nKEYS(\"region\")=VALUES;\nKEYS(\"region\")=CODES;", "in.px:9: KEYS(\"region\") is given twice", NULL},
	{"STUB=\"region\";\nHEADING=\"år\";", "STUB=\"region\",\"år\";\nKEYS(\"år\")=VALUES;", "KEYS: the variables with keys must be the first of STUB ('år' has keys, 'region' before it has none)", NULL},
};

/* whole small PC-Axis files with KEYS: two STUB variables, no HEADING */
#define PX_KEYS                                                                                                        \
	"CHARSET=\"ANSI\";\nLANGUAGE=\"sv\";\nMATRIX=\"X\";\nTITLE=\"t\";\nCONTENTS=\"c\";\nUNITS=\"antal\";\n"         \
	"STUB=\"region\",\"år\";\nVALUES(\"region\")=\"01 S\",\"03 U\";\nCODES(\"region\")=\"01\",\"03\";\n"                \
	"VALUES(\"år\")=\"2020\",\"2021\";\nKEYS(\"region\")=CODES;\nKEYS(\"år\")=VALUES;\n"
static const struct {
	const char *text, *want;
} pxtexts[] = {
	{PX_KEYS "DATA=\n\"01\",\"2020\",5\n\"03\";\n", "in.px:15: DATA ends with ';' inside a row, after 1 of its 2 keys"},
	{PX_KEYS "DATA=\n;\n", "DATA with KEYS has no row"},
};

static void test_px(void)
{
	for (size_t i = 0; i < sizeof(pxcases) / sizeof(pxcases[0]); i++) {
		const char *at = strstr(small_px, pxcases[i].find);
		if (!ok(at != NULL, "px case %zu: '%s' is in the seed", i + 1, pxcases[i].find))
			continue;
		char text[4096];
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - small_px), small_px, pxcases[i].replace,
			 at + strlen(pxcases[i].find));
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o = {.format = "px", .encoding = "utf-8", .language = pxcases[i].lang};
		struct bd_error err = {0};
		int rc = statfile_parse(text, strlen(text), "in.px", &o, &cube, &err);
		statcube_release(&cube);
		bool good = rc != 0 && strstr(err.msg, pxcases[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "px with '%s': refused: %s", pxcases[i].replace, pxcases[i].want);
	}
	for (size_t i = 0; i < sizeof(pxtexts) / sizeof(pxtexts[0]); i++) {
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o = {.format = "px", .encoding = "utf-8"};
		struct bd_error err = {0};
		int rc = statfile_parse(pxtexts[i].text, strlen(pxtexts[i].text), "in.px", &o, &cube, &err);
		statcube_release(&cube);
		bool good = rc != 0 && strstr(err.msg, pxtexts[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "px with KEYS, case %zu: refused: %s", i + 1, pxtexts[i].want);
	}
	{ /* KEYS on 17 variables: more than the reader keeps (16) */
		static char text[4096];
		size_t o = (size_t)snprintf(text, sizeof(text), "CHARSET=\"ANSI\";\nMATRIX=\"X\";\nTITLE=\"t\";\n"
								"CONTENTS=\"c\";\nUNITS=\"antal\";\nSTUB=");
		for (int v = 1; v <= 17; v++)
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\"v%d\"", v > 1 ? "," : "", v);
		o += (size_t)snprintf(text + o, sizeof(text) - o, ";\n");
		for (int v = 1; v <= 17; v++)
			o += (size_t)snprintf(text + o, sizeof(text) - o, "VALUES(\"v%d\")=\"a\";\nKEYS(\"v%d\")=VALUES;\n", v, v);
		snprintf(text + o, sizeof(text) - o, "DATA=\n;\n");
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o2 = {.format = "px", .encoding = "utf-8"};
		struct bd_error err = {0};
		int rc = statfile_parse(text, strlen(text), "in.px", &o2, &cube, &err);
		statcube_release(&cube);
		bool good = rc != 0 && strstr(err.msg, "in.px:40: more than 16 variables with KEYS") != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "px with KEYS on 17 variables: refused: more than 16 variables with KEYS");
	}
	struct stat_cube cube;
	statcube_init(&cube);
	struct statfile_opts o = {.format = "px", .encoding = "utf-8"};
	struct bd_error err = {0};
	ok(statfile_parse(small_px, strlen(small_px), "in.px", &o, &cube, &err) == 0, "the seed itself is read (%s)",
	   err.msg);
	statcube_release(&cube);
}

/* ---- SCB's own files (../shared/data/scb): the JSON-stat 2.0 download
 * of TAB6471 with one value set, and the PC-Axis 2010 download of TAB638
 * (ISO-8859-1) with one statement changed or given twice ---- */

#define SCB_JSONSTAT "jsonstat2_v2_TAB6471_folkmangd_manad_21lan_alder10_kon_2026M01-M04.json"
#define SCB_PX "px_TAB638_BE0101N1_folkmangd_sv_2kommuner_2020-2021_iso8859-1.px"

static const struct {
	const char *path, *value, *want;
} scb_jscases[] = {
	{"dimension.Region.label", "[\"region\"]", "in.json: dimension.Region: 'label' is an array, expected a string"},
	{"dimension.ContentsCode.category.unit", "{\"000007SF\": {\"base\": [\"antal\"]}}", "in.json: dimension.ContentsCode.category.unit.000007SF: 'base' is an array, expected a string"},
	{"dimension.Region.category.note", "{\"01\": 1}", "in.json: dimension.Region.category.note: an integer, expected a note (a string) or an array of notes"},
	{"dimension.ContentsCode.category.unit.000007SF.decimals", "16", "in.json: dimension.ContentsCode.category.unit.000007SF.decimals: 16, expected a whole number from 0 to 15"},
	{"dimension.Kon.extension.eliminationValueCode", "0", "in.json: dimension.Kon.extension: 'eliminationValueCode' is an integer, expected a string"},
	{"extension.px.decimals", "\"0\"", "in.json: extension.px.decimals: a string, expected a whole number from 0 to 15"},
	{"value", "{\"0\": \"245284\"}", "in.json: value.0: a string, expected a number or null"},
	{"status", "{\"0\": 1}", "in.json: status.0: an integer, expected a status symbol (a string) or null"},
};

static const struct {
	const char *find, *replace, *want;
} scb_pxcases[] = {
	{"\"Vallentuna\";\nVARIABLECODE", "Vallentuna;\nVARIABLECODE", "in.px:18: VALUES: item 2 is not a quoted text ('Vallentuna')"},
	/* a statement given twice, in every place that reads one */
	{"CODES(\"region\")=\"0114\",\"0115\";\n", "CODES(\"region\")=\"0114\",\"0115\";\nCODES(\"region\")=\"0114\",\"0115\";\n",
	 "in.px:31: CODES is given twice (first on line 30)"},
	{"VARIABLECODE(\"region\")=\"Region\";\n", "VARIABLECODE(\"region\")=\"Region\";\nVARIABLECODE(\"region\")=\"Region\";\n",
	 "in.px:18: VARIABLECODE is given twice (first on line 17)"},
	{"CONTVARIABLE=\"tabellinneh\xe5ll\";\n", "CONTVARIABLE=\"tabellinneh\xe5ll\";\nCONTVARIABLE=\"tabellinneh\xe5ll\";\n",
	 "in.px:17: CONTVARIABLE is given twice (first on line 16)"},
	{"TIMEVAL(\"\xe5r\")=TLIST(A1),\"2020\",\"2021\";\n", "TIMEVAL(\"\xe5r\")=TLIST(A1),\"2020\",\"2021\";\nTIMEVAL(\"\xe5r\")=TLIST(A1),\"2020\",\"2021\";\n",
	 "in.px:30: TIMEVAL is given twice (first on line 29)"},
	{"PRESTEXT(\"region\")=2;\n", "PRESTEXT(\"region\")=2;\nVARIABLE-TYPE(\"region\")=\"G\";\nVARIABLE-TYPE(\"region\")=\"G\";\n",
	 "in.px:38: VARIABLE-TYPE is given twice (first on line 37)"},
	{"PRESTEXT(\"region\")=2;\n", "PRESTEXT(\"region\")=2;\nMAP(\"region\")=\"Sverige_kommuner\";\nMAP(\"region\")=\"Sverige_kommuner\";\n",
	 "in.px:38: MAP is given twice (first on line 37)"},
	{"ELIMINATION(\"k\xf6n\")=YES;\n", "ELIMINATION(\"k\xf6n\")=YES;\nELIMINATION(\"k\xf6n\")=NO;\n",
	 "in.px:39: ELIMINATION is given twice (first on line 38)"},
	{"PRESTEXT(\"region\")=2;\n", "PRESTEXT(\"region\")=2;\nHIERARCHIES(\"region\")=\"0114\",\"0115\";\nHIERARCHIES(\"region\")=\"0115\";\n",
	 "in.px:38: HIERARCHIES is given twice (first on line 37)"},
	{"MATRIX=\"BE0101N1\";\n", "MATRIX=\"BE0101N1\";\nMATRIX=\"BE0101N2\";\n", "in.px:9: MATRIX is given twice (first on line 8)"},
	{"UNITS=\"antal\";\n", "UNITS=\"antal\";\nUNITS=\"personer\";\n", "in.px:40: UNITS is given twice (first on line 39)"},
	{"UNITS=\"antal\";\n", "UNITS=\"antal\";\nREFPERIOD=\"31 december\";\nREFPERIOD=\"1 november\";\n",
	 "in.px:41: REFPERIOD is given twice (first on line 40)"},
	{"UNITS=\"antal\";\n", "UNITS=\"antal\";\nSTOCKFA=\"S\";\nSTOCKFA=\"F\";\n", "in.px:41: STOCKFA is given twice (first on line 40)"},
	{"UNITS(\"Folkm\xe4ngd\")=\"antal\";\n", "UNITS(\"Folkm\xe4ngd\")=\"antal\";\nUNITS(\"Folkm\xe4ngd\")=\"personer\";\n",
	 "in.px:46: UNITS is given twice (first on line 45)"},
	{"SOURCE=\"SCB\";\n", "SOURCE=\"SCB\";\nDATASYMBOLNIL=\"-\";\nDATASYMBOLNIL=\"0\";\n",
	 "in.px:56: DATASYMBOLNIL is given twice (first on line 55)"},
};

/* read_data: the file at rel (from the source tree) into a static buffer. */
static char *read_data(const char *rel, size_t *n)
{
	static char buf[1 << 18];
	char path[4096];
	const char *src = src_path(rel, path, sizeof(path));
	FILE *f = src ? fopen(src, "rb") : NULL;
	if (!f)
		return NULL;
	*n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[*n] = '\0';
	return buf;
}

static void test_scb(void)
{
	size_t n;
	char *js = read_data("../shared/data/scb/" SCB_JSONSTAT, &n);
	if (ok(js != NULL, "%s is found", SCB_JSONSTAT)) {
		for (size_t i = 0; i < sizeof(scb_jscases) / sizeof(scb_jscases[0]); i++) {
			json_error_t je;
			json_t *doc = json_loadb(js, n, 0, &je);
			json_t *v = json_loads(scb_jscases[i].value, JSON_DECODE_ANY, &je);
			if (!doc || !v || set_at(doc, scb_jscases[i].path, v)) {
				ok(0, "JSON-stat: %s can be set", scb_jscases[i].path);
				json_decref(doc);
				continue;
			}
			char *text = json_dumps(doc, 0);
			json_decref(doc);
			struct stat_cube cube;
			statcube_init(&cube);
			struct statfile_opts o = {.format = "json"};
			struct bd_error err = {0};
			int rc = statfile_parse(text, strlen(text), "in.json", &o, &cube, &err);
			statcube_release(&cube);
			free(text);
			bool good = rc != 0 && strstr(err.msg, scb_jscases[i].want) != NULL;
			if (!good)
				diag("got %s", rc ? err.msg : "accepted");
			ok(good, "SCB's JSON-stat with %s = %s: refused: %s", scb_jscases[i].path, scb_jscases[i].value,
			   scb_jscases[i].want);
		}
		/* UTF-8 (as JSON is) read as ISO-8859-1 because the user said so:
		 * 'Å' is C3 85, and 85 is a control character there */
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o = {.format = "json", .encoding = "iso-8859-1"};
		struct bd_error err = {0};
		int rc = statfile_parse(js, n, "in.json", &o, &cube, &err);
		statcube_release(&cube);
		const char *want = "in.json:11: byte 0x85 is a control character in ISO-8859-1, which the file is read as";
		bool good = rc != 0 && strstr(err.msg, want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "SCB's JSON-stat read as ISO-8859-1: refused: %s", want);
	}
	char *px = read_data("../shared/data/scb/" SCB_PX, &n);
	if (!ok(px != NULL, "%s is found", SCB_PX))
		return;
	for (size_t i = 0; i < sizeof(scb_pxcases) / sizeof(scb_pxcases[0]); i++) {
		const char *at = strstr(px, scb_pxcases[i].find);
		if (!ok(at != NULL, "PC-Axis case %zu: '%s' is in %s", i + 1, scb_pxcases[i].find, SCB_PX))
			continue;
		static char text[1 << 18];
		int len = snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - px), px, scb_pxcases[i].replace,
				   at + strlen(scb_pxcases[i].find));
		struct stat_cube cube;
		statcube_init(&cube);
		struct statfile_opts o = {.format = "px"};
		struct bd_error err = {0};
		int rc = statfile_parse(text, (size_t)len, "in.px", &o, &cube, &err);
		statcube_release(&cube);
		bool good = rc != 0 && strstr(err.msg, scb_pxcases[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "SCB's PC-Axis, case %zu: refused: %s", i + 1, scb_pxcases[i].want);
	}
	struct stat_cube cube;
	statcube_init(&cube);
	struct statfile_opts o = {.format = "px"};
	struct bd_error err = {0};
	ok(statfile_parse(px, n, "in.px", &o, &cube, &err) == 0, "SCB's PC-Axis file itself is read (%s)", err.msg);
	statcube_release(&cube);
}

/* ---- a payee workbook (.xlsx) whose organisationsnummer Excel stored as
 * a number, 2.321000016E9: the workbook is a zip of stored (uncompressed)
 * entries, written here as Excel lays one out ---- */

static uint32_t crc32_of(const char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return c ^ 0xFFFFFFFFu;
}

static size_t put16(char *o, unsigned v)
{
	o[0] = (char)(v & 0xFF);
	o[1] = (char)(v >> 8 & 0xFF);
	return 2;
}

static size_t put32(char *o, uint32_t v)
{
	put16(o, v & 0xFFFF);
	put16(o + 2, v >> 16);
	return 4;
}

/* zip_stored: a zip of the n files name[i] -> data[i], stored, into out. */
static size_t zip_stored(char *out, const char *const *name, const char *const *data, size_t n)
{
	size_t o = 0, at[8];
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(name[i]), dl = strlen(data[i]);
		uint32_t crc = crc32_of(data[i], dl);
		at[i] = o;
		o += put32(out + o, 0x04034b50u); /* local file header */
		o += put16(out + o, 20);
		o += put16(out + o, 0);		 /* flags */
		o += put16(out + o, 0);		 /* stored */
		o += put16(out + o, 0);		 /* time */
		o += put16(out + o, 0x21);	 /* 1980-01-01 */
		o += put32(out + o, crc);
		o += put32(out + o, (uint32_t)dl);
		o += put32(out + o, (uint32_t)dl);
		o += put16(out + o, (unsigned)nl);
		o += put16(out + o, 0);
		memcpy(out + o, name[i], nl);
		o += nl;
		memcpy(out + o, data[i], dl);
		o += dl;
	}
	size_t cd = o;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(name[i]), dl = strlen(data[i]);
		o += put32(out + o, 0x02014b50u); /* central directory */
		o += put16(out + o, 20);
		o += put16(out + o, 20);
		o += put16(out + o, 0);
		o += put16(out + o, 0);
		o += put16(out + o, 0);
		o += put16(out + o, 0x21);
		o += put32(out + o, crc32_of(data[i], dl));
		o += put32(out + o, (uint32_t)dl);
		o += put32(out + o, (uint32_t)dl);
		o += put16(out + o, (unsigned)nl);
		o += put16(out + o, 0); /* extra */
		o += put16(out + o, 0); /* comment */
		o += put16(out + o, 0); /* disk */
		o += put16(out + o, 0); /* internal attributes */
		o += put32(out + o, 0); /* external attributes */
		o += put32(out + o, (uint32_t)at[i]);
		memcpy(out + o, name[i], nl);
		o += nl;
	}
	size_t cdlen = o - cd;
	o += put32(out + o, 0x06054b50u); /* end of central directory */
	o += put16(out + o, 0);
	o += put16(out + o, 0);
	o += put16(out + o, (unsigned)n);
	o += put16(out + o, (unsigned)n);
	o += put32(out + o, (uint32_t)cdlen);
	o += put32(out + o, (uint32_t)cd);
	o += put16(out + o, 0);
	return o;
}

static void test_payee_xlsx(void)
{
#define SSML "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define ISTR(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"
	static const char *const name[] = {"xl/workbook.xml", "xl/worksheets/sheet1.xml"};
	static const char *const data[] = {
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"" SSML "\"><sheets><sheet name=\"Blad1\" "
		"sheetId=\"1\"/></sheets></workbook>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" SSML "\"><sheetData>"
		"<row r=\"1\">" ISTR("A1", "organisationsnummer") ISTR("B1", "namn") ISTR("C1", "bankgiro") "</row>"
		"<row r=\"2\"><c r=\"A2\"><v>2.321000016E9</v></c>" ISTR("B2", "Region Stockholm") ISTR("C2", "5728-3905")
		"</row></sheetData></worksheet>",
	};
#undef ISTR
#undef SSML
	static char zip[8192];
	size_t n = zip_stored(zip, name, data, 2);
	struct payee_file f;
	struct bd_error err = {0};
	int rc = payee_file_parse(zip, n, "in.xlsx", &f, &err);
	payee_file_release(&f);
	const char *want = "in.xlsx, row 2, column A (organisationsnummer): the cell holds the number 2.321000016E9, "
			   "not the digits as written: format the column as text and type the number again";
	bool good = rc != 0 && strstr(err.msg, want) != NULL;
	if (!good)
		diag("got %s", rc ? err.msg : "accepted");
	ok(good, "a payee workbook with the organisationsnummer as a number: refused: %s", want);
	/* the same workbook with the digits as text is read: the zip is sound */
	static char fixed[sizeof("<?xml") + 1024];
	snprintf(fixed, sizeof(fixed), "%s", data[1]);
	char *at = strstr(fixed, "<c r=\"A2\"><v>2.321000016E9</v></c>");
	const char *text_cell = "<c r=\"A2\" t=\"inlineStr\"><is><t>232100-0016</t></is></c>";
	if (at) {
		char rest[1024];
		snprintf(rest, sizeof(rest), "%s", at + strlen("<c r=\"A2\"><v>2.321000016E9</v></c>"));
		snprintf(at, sizeof(fixed) - (size_t)(at - fixed), "%s%s", text_cell, rest);
	}
	const char *const data2[] = {data[0], fixed};
	n = zip_stored(zip, name, data2, 2);
	memset(&err, 0, sizeof(err));
	rc = payee_file_parse(zip, n, "in.xlsx", &f, &err);
	ok(at && rc == 0 && f.n == 1, "the same workbook with the number typed as text is read (%s)", rc ? err.msg : "ok");
	if (rc == 0)
		payee_file_release(&f);
}

/* ---- a file that is not there: each reader that opens one says which ---- */

static void test_missing(void)
{
	const char *path = "/nonexistent/bidrag-test-readers.json";
	char want[256];
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", path);
	struct bd_error err = {0};
	struct decision d;
	decision_init(&d);
	ok(decisionfile_read(&d, path, &err) != 0 && strstr(err.msg, want), "a decision file not there: %s", err.msg);
	decision_release(&d);
	struct rg_register reg;
	rg_init(&reg);
	memset(&err, 0, sizeof(err));
	ok(regfile_load(&reg, path, &err) != 0 && strstr(err.msg, want), "a register file not there: %s", err.msg);
	rg_release(&reg);
	struct stat_cube cube;
	statcube_init(&cube);
	memset(&err, 0, sizeof(err));
	ok(statfile_read(path, NULL, &cube, &err) != 0 && strstr(err.msg, want), "a statistics file not there: %s",
	   err.msg);
	statcube_release(&cube);
	struct pubtable t;
	memset(&err, 0, sizeof(err));
	ok(pubtable_read(&t, path, &err) != 0 && strstr(err.msg, want), "a published table not there: %s", err.msg);
	pubtable_release(&t);
	struct payee_file pf;
	memset(&err, 0, sizeof(err));
	ok(payee_file_read(path, &pf, &err) != 0 && strstr(err.msg, want), "a payee file not there: %s", err.msg);
}

/* ---- BgMax (bgmax.c): a real file (../shared/data/bank) with one record
 * put in where it does not belong ---- */

static const struct {
	size_t before; /* insert before this line (1-based); 0: at the end */
	const char *record;
	const char *want;
} bgcases[] = {
	{2, "01BGMAX               0120040525173035010331P", "in.txt:2: record 01 (start): a second start record"},
	{3, "050009912346          SEK", "in.txt:3: record 05 (opening): a new section opens before the section opened at line 2"},
	{3, "25Text", "in.txt:3: record 25 (information): comes before any payment (20) or deduction (21)"},
	{2, "15000000000000000000058410000010098232004052500074000000000000190000SEK00000003",
	 "in.txt:2: record 15 (deposit): a deposit record outside a section"},
	{4, "7000000006000000010000000600000002", "in.txt:4: record 70 (end): the end record comes inside the section opened at line 2"},
	{0, "25Text", "record 25 (information): comes after the end record 70 (expected nothing more)"},
	{3, "200003783511                   655969000000000000100000220000000000100          ", "in.txt:24: record 15 (deposit): the deposit counts 3 payments but its section (lines 2-24) has 4 payment and deduction records (20, 21)"},
	/* ten payments of 9 999 999 999 999 999,99 kr: past what int64 holds */
	{3, "200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          \r\n200003783511                   655969999999999999999999220000000000100          ",
	 "in.txt:12: record 20 (payment): the section's payments add up to more than any amount bidrag can hold"},
};

/* the same file with one character changed (line, column as BgMax counts
 * them, from 1) */
static const struct {
	size_t line;
	int col;
	char c;
	const char *want;
} bgdamage[] = {
	{3, 57, 'x', "in.txt:3:57: record 20 (payment): payment channel code (columns 57-57) is 'x', expected"},
	/* a reference code the manual does not have (found by fuzz-bgmax) */
	{3, 56, '7', "in.txt:3:56: record 20 (payment): reference code (columns 56-56) is '7', expected 0 to 5"},
	{8, 71, ' ', "in.txt:8:71: record 21 (deduction): deduction code (columns 71-71) is ' ', expected"},
	{23, 70, 'e', "in.txt:23:69: record 15 (deposit): currency (columns 69-71) is 'SeK', expected a currency code such as SEK"},
	/* an extra reference (22) made the section's first payment record */
	{3, 2, '2', "in.txt:3: record 22 (extra reference): comes before any payment (20) or deduction (21) of its section"},
};

static void test_bgmax(void)
{
	char path[4096];
	const char *src = src_path("../shared/data/bank/bgmax/fabhed_bankgiroinbetalningar_exempelfil_ocr.txt", path,
				   sizeof(path));
	FILE *f = src ? fopen(src, "rb") : NULL;
	if (!ok(f != NULL, "the BgMax example of ../shared/data/bank is found")) {
		return;
	}
	static char base[1 << 16];
	size_t n = fread(base, 1, sizeof(base) - 1, f);
	fclose(f);
	base[n] = '\0';
	for (size_t i = 0; i < sizeof(bgcases) / sizeof(bgcases[0]); i++) {
		static char text[1 << 17];
		size_t o = 0, line = 1;
		for (size_t k = 0; k <= n; k++) {
			if (line == bgcases[i].before && (k == 0 || base[k - 1] == '\n')) {
				o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\r\n", bgcases[i].record);
				line++; /* once */
			}
			if (k < n) {
				text[o++] = base[k];
				if (base[k] == '\n' && line < bgcases[i].before)
					line++;
			}
		}
		if (!bgcases[i].before)
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s\r\n", n && base[n - 1] != '\n' ? "\r\n" : "",
					      bgcases[i].record);
		struct bgmax r;
		struct bd_error err = {0};
		int rc = bgmax_parse(text, o, "in.txt", &r, &err);
		bgmax_free(&r);
		bool good = rc != 0 && strstr(err.msg, bgcases[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "BgMax with %.12s... before line %zu: refused: %s", bgcases[i].record, bgcases[i].before,
		   bgcases[i].want);
	}
	for (size_t i = 0; i < sizeof(bgdamage) / sizeof(bgdamage[0]); i++) {
		static char text[1 << 16];
		memcpy(text, base, n);
		size_t off = 0;
		for (size_t line = 1; line < bgdamage[i].line && off < n; off++)
			line += base[off] == '\n';
		bool there = off + (size_t)bgdamage[i].col <= n;
		if (there)
			text[off + (size_t)bgdamage[i].col - 1] = bgdamage[i].c;
		struct bgmax r;
		struct bd_error err = {0};
		int rc = there ? bgmax_parse(text, n, "in.txt", &r, &err) : 0;
		if (there)
			bgmax_free(&r);
		bool good = rc != 0 && strstr(err.msg, bgdamage[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "BgMax with '%c' at line %zu, column %d: refused: %s", bgdamage[i].c, bgdamage[i].line,
		   bgdamage[i].col, bgdamage[i].want);
	}
	struct bgmax r;
	struct bd_error err = {0};
	ok(bgmax_parse(base, n, "in.txt", &r, &err) == 0, "the example itself is read (%s)", err.msg);
	bgmax_free(&r);
}

/* ---- the bank's XML files (pain002.c, camt.c): a real file of
 * ../shared/data/bank changed at one place, still valid under the schema
 * but refused by what the reader checks itself ---- */

static const struct {
	const char *file, *find, *replace, *want;
} xmlcases[] = {
	{"pain002/iso20022js_goldman_sachs_pain_002_v3_accepted.xml", ">10.00</InstdAmt>", ">10.001</InstdAmt>",
	 "in.xml:29: transaction 1 (TxInfAndSts) InstdAmt: '10.001' has more than two decimals"},
	{"pain002/iso20022js_cross_river_pain_002_transaction_rejected.xml",
	 "missing2</OrgnlPmtInfId>\n      <OrgnlNbOfTxs>3</OrgnlNbOfTxs>\n      <OrgnlCtrlSum>5.0400",
	 "missing2</OrgnlPmtInfId>\n      <OrgnlNbOfTxs>3</OrgnlNbOfTxs>\n      <OrgnlCtrlSum>5.041",
	 "in.xml:26: payment information 1 (OrgnlPmtInfAndSts) OrgnlCtrlSum: '5.041' has more than two decimals"},
	{"camt/genkgo_camt053.v2.minimal.xml", "<BookgDt>\n                    <Dt>2014-12-31</Dt>",
	 "<BookgDt>\n                    <Dt>12014-12-31</Dt>", "in.xml:95: Stmt 1, Ntry 1: BookgDt '12014-12-31' is not a date"},
	/* a transaction's own amount (AmtDtls/TxAmt) and a balance's amount */
	{"camt/nordea-dk_camt.053.001.02_example.xml", "<Amt Ccy=\"DKK\">100.00</Amt>\n\t\t\t\t\t\t\t</TxAmt>",
	 "<Amt Ccy=\"DKK\">100.005</Amt>\n\t\t\t\t\t\t\t</TxAmt>", "in.xml:112: Stmt 1, Ntry 1 (NtryRef 1), TxDtls 1: Amt: '100.005' has more than two decimals (expected an amount in whole hundredths"},
	{"camt/genkgo_camt053.v2.minimal.xml", "<Amt Ccy=\"EUR\">18.15</Amt>", "<Amt Ccy=\"EUR\">18.155</Amt>",
	 "in.xml:48: Stmt 1, Bal 1: Amt: '18.155' has more than two decimals (expected an amount in whole hundredths"},
	/* cut off before its end: not well-formed XML */
	{"pain002/iso20022js_goldman_sachs_pain_002_v3_accepted.xml", "</Document>", "",
	 "in.xml:35: not well-formed XML: Premature end of data in tag Document line 2"},
	{"camt/genkgo_camt053.v2.minimal.xml", "</Document>", "",
	 "in.xml:174: not well-formed XML: Premature end of data in tag Document line 2"},
	{"camt/nordea-dk_camt.053.001.02_example.xml", "<NbOfTxs>2</NbOfTxs>\n",
	 "<NbOfTxs>2</NbOfTxs>\n<TtlAmt Ccy=\"DKK\">1.005</TtlAmt>\n", "TtlAmt: '1.005' has more than two decimals"},
};

static void test_bankxml(void)
{
	for (size_t i = 0; i < sizeof(xmlcases) / sizeof(xmlcases[0]); i++) {
		char rel[512], path[4096];
		snprintf(rel, sizeof(rel), "../shared/data/bank/%s", xmlcases[i].file);
		const char *src = src_path(rel, path, sizeof(path));
		FILE *f = src ? fopen(src, "rb") : NULL;
		if (!ok(f != NULL, "%s is found", rel))
			continue;
		static char base[1 << 16], text[1 << 17];
		size_t n = fread(base, 1, sizeof(base) - 1, f);
		fclose(f);
		base[n] = '\0';
		const char *at = strstr(base, xmlcases[i].find);
		if (!ok(at != NULL, "'%s' is in %s", xmlcases[i].find, xmlcases[i].file))
			continue;
		int len = snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base, xmlcases[i].replace,
				   at + strlen(xmlcases[i].find));
		struct bd_error err = {0};
		int rc;
		if (strncmp(xmlcases[i].file, "pain002/", 8) == 0) {
			struct pain002 r;
			rc = pain002_parse(text, (size_t)len, "in.xml", &r, &err);
			if (rc == 0)
				pain002_free(&r);
		} else {
			struct camt r;
			rc = camt_parse(text, (size_t)len, "in.xml", &r, &err);
			if (rc == 0)
				camt_free(&r);
		}
		bool good = rc != 0 && strstr(err.msg, xmlcases[i].want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "%s with '%s': refused: %s", xmlcases[i].file, xmlcases[i].replace, xmlcases[i].want);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];
		struct bd_error err = {0};
		int rc = read_case(c, &err);
		bool good = rc != 0 && strstr(err.msg, c->want) != NULL;
		if (!good)
			diag("got %s", rc ? err.msg : "accepted");
		ok(good, "%s, case %zu: refused: %s", reader_name[c->r], i + 1, c->want);
	}
	test_documents();
	test_px();
	test_scb();
	test_missing();
	test_payee_xlsx();
	test_bgmax();
	test_bankxml();
	return tap_done();
}
