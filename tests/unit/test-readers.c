/* test-readers.c: the error paths of the readers (src/io) that neither the
 * other unit tests nor the command-line tests reach (make coverage shows
 * them; tests/coverage.md lists what is left and why).  Each case is an
 * input as a file would give it, read from memory by the reader's own
 * parse function; it must be refused with a message that names the input
 * (its origin, and the line, entry or field) and says what was expected. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* ---- statistics files (statfile.c) ---- */
	{R_STAT, "x", 1, "unknown statistics format 'xml' (expected px, json or csv)", "xml"},
};

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
	return tap_done();
}
