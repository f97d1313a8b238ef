/* test-decision.c: the decision model without the register.
 *
 *  - dates: date_valid, date_swedish;
 *  - the decision file: every example parses and its canonical dump is a
 *    fixed point (dump -> parse -> dump gives the same text);
 *  - reading errors name the exact field path and say why;
 *  - decision_check's cross-field errors and warnings;
 *  - decision_resolve + decision_allocate with key datasets looked up here
 *    (hand-made keys and the compiled-in datasets), recipients resolved by
 *    the reference data;
 *  - part_fingerprint: what it covers and what it ignores;
 *  - key_value_of: the RSS fall back to their län, kommuner do not.
 *
 * Most error cases start from a real example file and change one field in
 * its JSON (edited_example), so each case shows exactly what a user got
 * wrong.  The examples are read from $BIDRAG_SRC/examples/decisions, or
 * ./examples/decisions without BIDRAG_SRC. */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dataset.h"
#include "decision.h"
#include "refdata.h"
#include "decisionfile.h"
#include "readfile.h"
#include "prng.h"
#include "tap.h"
#include "refload.h"

#define SEED000 "S2020-09797.json"
#define SEED001 "S2017-07321-FS.json"
#define SEED003 "2023-12-22-god-och-nara-vard-2024.json"
#define SEED004 "S2020-09796.json"

/* ---- helpers: files, messages ----------------------------------------- */

static const char *src_dir(void)
{
	const char *s = getenv("BIDRAG_SRC");
	return s && *s ? s : ".";
}

static char *example_path(const char *name)
{
	return xasprintf("%s/examples/decisions/%s", src_dir(), name);
}

/* has_all: msg contains each of the NULL-terminated strings; says which
 * one is missing, so a failure shows the message it got. */
static bool has_all(const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	bool all = true;
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		if (!strstr(msg, s)) {
			diag("missing '%s' in: %s", s, msg);
			all = false;
		}
	va_end(ap);
	return all;
}

static bool starts_with(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) == 0)
		return true;
	diag("expected '%s' at the start of: %s", prefix, s);
	return false;
}

/* warned: one of the warnings contains every phrase. */
static bool warned(const struct decision_warnings *w, const char *a, const char *b)
{
	for (size_t i = 0; i < w->n; i++)
		if (strstr(w->msg[i], a) && (!b || strstr(w->msg[i], b)))
			return true;
	diag("no warning with '%s'%s%s%s among %zu", a, b ? " and '" : "", b ? b : "", b ? "'" : "", w->n);
	for (size_t i = 0; i < w->n; i++)
		diag("  warning: %s", w->msg[i]);
	return false;
}

/* ---- helpers: editing a decision file's JSON -------------------------- */

/* One change to a file: the field at path ("parts[1].payment.deadline")
 * set to the JSON text json, or removed when json is NULL. */
struct edit {
	const char *path, *json;
};

/* json_at: the node at path; NULL when there is none. */
static json_t *json_at(json_t *root, const char *path)
{
	json_t *v = root;
	const char *s = path;
	while (v && *s) {
		if (*s == '[') {
			char *end;
			size_t i = strtoul(s + 1, &end, 10);
			v = json_array_get(v, i);
			s = *end == ']' ? end + 1 : end;
		} else {
			if (*s == '.')
				s++;
			size_t n = strcspn(s, ".[");
			char key[128];
			snprintf(key, sizeof(key), "%.*s", (int)n, s);
			v = json_object_get(v, key);
			s += n;
		}
	}
	return v;
}

/* apply_edit: false when the path does not lead anywhere, so a mistyped
 * path in a case fails loudly instead of testing nothing. */
static bool apply_edit(json_t *root, const struct edit *e)
{
	json_t *value = NULL;
	if (e->json) {
		json_error_t je;
		value = json_loads(e->json, JSON_DECODE_ANY, &je);
		if (!value) {
			diag("edit %s: bad JSON '%s': %s", e->path, e->json, je.text);
			return false;
		}
	}
	size_t len = strlen(e->path);
	bool done = false;
	if (len && e->path[len - 1] == ']') {
		const char *br = strrchr(e->path, '[');
		char *parent = xstrndup(e->path, (size_t)(br - e->path));
		json_t *arr = json_at(root, parent);
		size_t i = strtoul(br + 1, NULL, 10);
		if (json_is_array(arr) && i < json_array_size(arr))
			done = value ? json_array_set_new(arr, i, value) == 0 : json_array_remove(arr, i) == 0;
		else
			json_decref(value);
		free(parent);
	} else {
		const char *dot = strrchr(e->path, '.');
		char *parent = dot ? xstrndup(e->path, (size_t)(dot - e->path)) : xstrdup("");
		const char *key = dot ? dot + 1 : e->path;
		json_t *obj = json_at(root, parent);
		if (json_is_object(obj))
			done = value ? json_object_set_new(obj, key, value) == 0 : json_object_del(obj, key) == 0;
		else
			json_decref(value);
		free(parent);
	}
	if (!done)
		diag("edit %s: no such place in the file", e->path);
	return done;
}

/* edited_example: the example file with the edits applied, as JSON text
 * (malloc'd); NULL if the file cannot be read or an edit does not apply. */
static char *edited_example(const char *file, const struct edit *edits, size_t nedits)
{
	char *path = example_path(file);
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	free(path);
	if (!root) {
		diag("%s: %s", file, je.text);
		return NULL;
	}
	for (size_t i = 0; i < nedits; i++)
		if (edits[i].path && !apply_edit(root, &edits[i])) {
			json_decref(root);
			return NULL;
		}
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}

static int parse_text(struct decision *d, const char *text, const char *origin, struct bd_error *err)
{
	decision_init(d);
	memset(err->msg, 0, sizeof(err->msg));
	return decisionfile_parse(d, text, strlen(text), origin, err);
}

/* load_edited: an example with edits, parsed into d (initialised either
 * way, so the caller always releases it). */
static int load_edited(struct decision *d, const char *file, const struct edit *edits, size_t nedits,
		       struct bd_error *err)
{
	char *text = edited_example(file, edits, nedits);
	if (!text) {
		decision_init(d);
		snprintf(err->msg, sizeof(err->msg), "could not prepare %s", file);
		return -1;
	}
	int rc = parse_text(d, text, file, err);
	free(text);
	if (rc)
		diag("%s", err->msg);
	return rc;
}

static int load_example(struct decision *d, const char *file, struct bd_error *err)
{
	return load_edited(d, file, NULL, 0, err);
}

/* ---- helpers: keys and recipients for resolve/allocate ---------------- */

/* Key datasets as the store would hand them over: hand-made ones first,
 * then the compiled-in datasets (dataset module), each given a version and
 * digest of our own. */
struct keys_ctx {
	const struct key_values *const *own;
	size_t nown;
	struct key_values ds[8];
	size_t nds;
};

static const struct key_values *lookup_key(void *vctx, const char *name, struct bd_error *err)
{
	struct keys_ctx *k = vctx;
	for (size_t i = 0; i < k->nown; i++)
		if (strcmp(k->own[i]->name, name) == 0)
			return k->own[i];
	for (size_t i = 0; i < k->nds; i++)
		if (strcmp(k->ds[i].name, name) == 0)
			return &k->ds[i];
	const struct dataset *ds;
	if (datasets_load(err) || dataset_find(name, &ds, err))
		return NULL;
	if (k->nds == BD_ARRAY_LEN(k->ds)) {
		bd_fail(err, "test: too many datasets");
		return NULL;
	}
	struct key_values *kv = &k->ds[k->nds++];
	*kv = (struct key_values){
		.name = ds->name, .n = ds->kf.nrows, .code = ds->kf.id, .value = ds->kf.value[0],
		.scale = ds->kf.scale[0], .version = 1,
		.sha256 = "0000000000000000000000000000000000000000000000000000000000000001",
	};
	return kv;
}

static int resolve_ref(void *ctx, const char *text, unsigned kinds, const char **code, const char **name,
		       struct bd_error *err)
{
	(void)ctx; /* the reference data only: no registered organisations here */
	const struct recipient *r;
	if (refdata_resolve(text, kinds, &r, err))
		return -1;
	*code = r->code;
	*name = r->name;
	return 0;
}

/* A three-region key: Stockholm 2, Uppsala 3, Sörmland 5.  For 1 001 kr
 * the exact quotas are 200,2 / 300,3 / 500,5, so largest remainder gives
 * 200 / 300 / 501. */
static const char *three_codes[] = {"01", "03", "04"};
static const int64_t three_values[] = {2, 3, 5};
static const struct key_values three_key = {
	.name = "three@test", .n = 3, .code = three_codes, .value = three_values, .scale = 0, .version = 7,
	.sha256 = "7777777777777777777777777777777777777777777777777777777777777777",
};
/* The same without Sörmland: a key that lacks a recipient. */
static const struct key_values two_key = {
	.name = "two@test", .n = 2, .code = three_codes, .value = three_values, .scale = 0, .version = 1,
	.sha256 = "2222222222222222222222222222222222222222222222222222222222222222",
};
static const struct key_values *const own_keys[] = {&three_key, &two_key};

static void keys_ctx_init(struct keys_ctx *k)
{
	memset(k, 0, sizeof(*k));
	k->own = own_keys;
	k->nown = BD_ARRAY_LEN(own_keys);
}

/* resolve_allocate: what an import does after decision_check. */
static int resolve_allocate(struct decision *d, struct decision_warnings *w, struct bd_error *err)
{
	struct keys_ctx k;
	keys_ctx_init(&k);
	memset(err->msg, 0, sizeof(err->msg));
	if (decision_resolve(d, resolve_ref, NULL, err))
		return -1;
	return decision_allocate(d, lookup_key, &k, w, err);
}

/* mini_decision: a one-part decision for the three regions of three_key,
 * amount `amount`, the given rule, and allocation rows when rows is not
 * NULL (JSON array text).  malloc'd. */
static char *mini_decision(int64_t amount, const char *rule, const char *rows)
{
	return xasprintf(
		"{\"format\": \"bidrag-decision/1\", \"dnr\": \"T/1\", \"date\": \"2024-01-10\", \"title\": \"T\",\n"
		" \"total\": %lld,\n"
		" \"appropriations\": [{\"id\": \"a\", \"budget_year\": 2024, \"utgiftsomrade\": 9,\n"
		"                      \"anslag\": \"1:6\", \"post\": 1, \"post_name\": \"P\"}],\n"
		" \"parts\": [{\"id\": \"p\", \"title\": \"P\", \"amount\": %lld,\n"
		"   \"funding\": [{\"appropriation\": \"a\", \"amount\": %lld}],\n"
		"   \"recipients\": [\"Region Stockholm\", \"Region Uppsala\", \"Region Sörmland\"],\n"
		"   \"rule\": %s,%s%s\n"
		"   \"payment\": {\"mode\": \"requisition\", \"deadline\": \"2024-12-01\"}}]}\n",
		(long long)amount, (long long)amount, (long long)amount, rule, rows ? "\n   \"allocation\": " : "",
		rows ? rows : "");
}

#define KEY3 "{\"method\": \"key\", \"key\": \"three@test\"}"
#define ROWS3(a, b, c)                                                                                            \
	"[{\"recipient\": \"Region Stockholm\", \"amount\": " #a "},"                                              \
	" {\"recipient\": \"Region Uppsala\", \"amount\": " #b "},"                                                \
	" {\"recipient\": \"Region Sörmland\", \"amount\": " #c "}],"

/* mini_run: a mini decision parsed, checked, resolved and allocated.
 * Returns the first failing step's -1 (err filled), or 0. */
static int mini_run(struct decision *d, int64_t amount, const char *rule, const char *rows,
		    struct decision_warnings *w, struct bd_error *err)
{
	char *text = mini_decision(amount, rule, rows);
	int rc = parse_text(d, text, "mini.json", err);
	free(text);
	if (rc) {
		diag("mini decision does not parse: %s", err->msg);
		return -1;
	}
	if (decision_check(d, w, err))
		return -1;
	return resolve_allocate(d, w, err);
}

/* ---- 1. dates --------------------------------------------------------- */

static void test_dates(void)
{
	static const struct {
		const char *s;
		bool valid;
	} cases[] = {
		{"2021-12-01", true},  {"2021-12-31", true},  {"2021-04-30", true},  {"2021-01-31", true},
		{"2024-02-29", true},  /* leap year */
		{"2023-02-29", false}, /* not a leap year */
		{"2000-02-29", true},  /* divisible by 400: leap */
		{"1900-02-29", false}, /* century, not by 400 */
		{"2100-02-29", false}, {"2023-02-28", true},  {"2021-02-30", false}, {"2021-04-31", false},
		{"2021-01-32", false}, {"2021-13-01", false}, {"2021-00-10", false}, {"2021-01-00", false},
		{"2021-1-01", false},  {"2021-01-1", false},  {"20210101", false},   {"2021/01/01", false},
		{"2021-01-01 ", false}, {" 2021-01-01", false}, {"21-01-2021", false}, {"2021-0a-01", false},
		{"", false},           {"2021-01-01T00:00", false},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(cases); i++)
		ok(date_valid(cases[i].s) == cases[i].valid, "date_valid('%s') is %s", cases[i].s,
		   cases[i].valid ? "true" : "false");
	ok(!date_valid(NULL), "date_valid(NULL) is false");

	static const struct {
		const char *iso, *sv;
	} sv[] = {
		{"2021-12-01", "1 december 2021"}, {"2021-02-15", "15 februari 2021"},
		{"2024-02-29", "29 februari 2024"}, {"2020-01-09", "9 januari 2020"}, {"2022-05-31", "31 maj 2022"},
		{"2021-02-30", "2021-02-30"}, /* not a date: echoed, never "30 februari" */
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(sv); i++) {
		char buf[32];
		const char *got = date_swedish(sv[i].iso, buf, sizeof(buf));
		ok(got == buf && strcmp(buf, sv[i].sv) == 0, "date_swedish('%s') = '%s' (got '%s')", sv[i].iso,
		   sv[i].sv, buf);
	}
}

/* ---- 2. every example parses and dumps to a fixed point --------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_roundtrip_one(const char *name)
{
	char *path = example_path(name);
	struct decision d1, d2;
	struct bd_error err;
	decision_init(&d1);
	decision_init(&d2);
	char *dump1 = NULL, *dump2 = NULL;
	int rc = decisionfile_read(&d1, path, &err);
	if (!ok(rc == 0, "%s parses", name)) {
		diag("%s", err.msg);
		goto done;
	}
	dump1 = decisionfile_dump(&d1);
	rc = decisionfile_parse(&d2, dump1, strlen(dump1), "dump", &err);
	if (!ok(rc == 0, "%s: its canonical dump parses", name)) {
		diag("%s", err.msg);
		goto done;
	}
	dump2 = decisionfile_dump(&d2);
	bool same = strcmp(dump1, dump2) == 0;
	if (!same) {
		size_t i = 0, line = 1;
		while (dump1[i] && dump1[i] == dump2[i])
			line += dump1[i++] == '\n';
		diag("first difference at line %zu", line);
	}
	ok(same, "%s: dump -> parse -> dump gives the same text", name);
	/* The dump is the decision, not an empty shell. */
	ok(strstr(dump1, d1.dnr) && d1.nparts == d2.nparts && d1.total == d2.total && d1.nparts > 0,
	   "%s: the dump carries the dnr, the total and all its parts (%zu)", name, d1.nparts);
done:
	free(dump1);
	free(dump2);
	decision_release(&d1);
	decision_release(&d2);
	free(path);
}

static void test_roundtrip(void)
{
	char *dir = xasprintf("%s/examples/decisions", src_dir());
	DIR *dh = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	if (dh) {
		struct dirent *e;
		while ((e = readdir(dh)) != NULL) {
			size_t len = strlen(e->d_name);
			if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
				names = xreallocarray(names, n + 1, sizeof(*names));
				names[n++] = xstrdup(e->d_name);
			}
		}
		closedir(dh);
	}
	qsort(names, n, sizeof(*names), cmp_str);
	ok(n >= 4, "examples/decisions holds the four seed decisions (%zu files in %s)", n, dir);
	for (size_t i = 0; i < n; i++) {
		test_roundtrip_one(names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* The examples leave some fields at their defaults (unit 1, no base,
 * lapses true); a dump must keep them when they are not. */
static void test_roundtrip_fields(void)
{
	struct decision d, d2;
	struct bd_error err;
	char *text = mini_decision(100000, "{\"method\": \"key\", \"key\": \"three@test\", \"base\": \"10 000 kr\","
					   " \"unit\": \"1 tkr\", \"rounding\": \"half-up\"}",
				   NULL);
	int rc = parse_text(&d, text, "mini.json", &err);
	free(text);
	const struct part *p = d.parts; /* read only when rc == 0 */
	ok(rc == 0 && p->rule.base == 10000 && p->rule.unit == 1000 && p->rule.rounding == APPORTION_HALF_UP &&
		   p->pay.mode == PAY_REQUISITION && p->pay.lapses,
	   "amounts as written (\"10 000 kr\", \"1 tkr\") are read; a requisition lapses by default%s%s",
	   rc ? ": " : "", rc ? err.msg : "");
	if (rc) {
		decision_release(&d);
		return;
	}
	d.parts[0].pay.lapses = false;
	char *dump = decisionfile_dump(&d);
	rc = parse_text(&d2, dump, "dump", &err);
	const struct part *p2 = d2.parts;
	ok(rc == 0 && p2->rule.base == 10000 && p2->rule.unit == 1000 && p2->rule.rounding == APPORTION_HALF_UP &&
		   p2->rule.keys && strcmp(p2->rule.keys[0].dataset, "three@test") == 0,
	   "base, unit, rounding and key survive a dump%s%s", rc ? ": " : "", rc ? err.msg : "");
	ok(rc == 0 && !p2->pay.lapses && p2->pay.mode == PAY_REQUISITION && strcmp(p2->pay.deadline, "2024-12-01") == 0,
	   "a requisition that does not lapse stays so after a dump");
	ok(strstr(dump, "\"base\": 10000") && strstr(dump, "\"unit\": 1000"), "the dump writes amounts as integers");
	free(dump);
	decision_release(&d2);
	decision_release(&d);
}

/* ---- 3. reading errors ------------------------------------------------ */

struct parse_case {
	const char *what, *file;
	struct edit edits[2];
	const char *path;   /* the field the message must name, right after the origin */
	const char *phrase; /* and what it must say */
};

static const struct parse_case parse_cases[] = {
	{"a typo in a part's field name", SEED000, {{"parts[0].ammount", "215000000"}}, "parts[0]",
	 "unknown field 'ammount'"},
	{"a typo at the top level", SEED000, {{"totl", "1"}}, "(top level)", "unknown field 'totl'"},
	{"a fractional amount", SEED000, {{"parts[0].amount", "1.5"}}, "parts[0].amount", "fractional"},
	{"a negative amount", SEED000, {{"parts[0].amount", "-215000000"}}, "parts[0].amount", "is negative"},
	{"an amount with öre", SEED000, {{"parts[0].funding[0].amount", "\"12,5 kr\""}}, "parts[0].funding[0].amount",
	 "not whole kronor"},
	{"an amount that is not a number", SEED000, {{"total", "\"många kronor\""}}, "total", "'många kronor'"},
	{"an amount of the wrong type", SEED000, {{"total", "true"}}, "total", "found a boolean"},
	{"30 February as the decision date", SEED000, {{"date", "\"2021-02-30\""}}, "date",
	 "'2021-02-30' is not a date"},
	{"30 February as a deadline", SEED000, {{"parts[2].payment.deadline", "\"2021-02-30\""}},
	 "parts[2].payment.deadline", "'2021-02-30' is not a date"},
	{"29 February in a year that is not a leap year", SEED003, {{"parts[4].repayment_deadline", "\"2025-02-29\""}},
	 "parts[4].repayment_deadline", "not a date"},
	{"a part without a title", SEED000, {{"parts[0].title", NULL}}, "parts[0].title", "missing"},
	{"a decision without parts", SEED000, {{"parts", NULL}}, "parts", "missing"},
	{"an empty list of parts", SEED000, {{"parts", "[]"}}, "parts", "empty"},
	{"a title that is a number", SEED000, {{"parts[0].title", "42"}}, "parts[0].title",
	 "expected a string, found an integer"},
	{"parts as an object", SEED000, {{"parts", "{}"}}, "parts", "expected an array, found an object"},
	{"a payment that is a string", SEED000, {{"parts[2].payment", "\"requisition\""}}, "parts[2].payment",
	 "expected an object, found a string"},
	{"funding from an unknown appropriation", SEED000, {{"parts[0].funding[0].appropriation", "\"41\""}},
	 "parts[0].funding[0].appropriation", "no appropriation has the id '41' (the file's appropriations: '40')"},
	{"an orgnr with a wrong check digit", SEED000, {{"parts[1].allocation[0].payee.orgnr", "\"222000-1652\""}},
	 "parts[1].allocation[0].payee.orgnr", "wrong check digit (expected 1)"},
	{"a bankgiro with a wrong check digit", SEED000, {{"parts[1].allocation[0].payee.bankgiro", "\"5728-3906\""}},
	 "parts[1].allocation[0].payee.bankgiro", "check digit"},
	{"both bankgiro and plusgiro", SEED000, {{"parts[1].allocation[0].payee.plusgiro", "\"3 70 20-5\""}},
	 "parts[1].allocation[0].payee", "both bankgiro and plusgiro"},
	{"an unknown rule method", SEED000, {{"parts[1].rule.method", "\"lika\""}}, "parts[1].rule.method",
	 "unknown method 'lika'"},
	{"an unknown rounding", SEED000, {{"parts[0].rule.rounding", "\"bankers\""}}, "parts[0].rule.rounding",
	 "unknown rounding 'bankers'"},
	{"rounding on a list", SEED003, {{"parts[0].rule.rounding", "\"half-up\""}}, "parts[0].rule.rounding",
	 "a list has no rounding"},
	{"a base on a list", SEED003, {{"parts[0].rule.base", "500000"}}, "parts[0].rule.base", "a list has no base"},
	{"computed on a list", SEED003, {{"parts[0].computed", "true"}}, "parts[0].computed",
	 "only an allocation table of a key, mix or equal rule"},
	{"computed without a table", SEED004, {{"parts[3].computed", "true"}}, "parts[3].computed",
	 "only an allocation table"},
	{"a key on an equal rule", SEED000, {{"parts[1].rule.key", "\"population@2019-11-01\""}}, "parts[1].rule.key",
	 "only method 'key' takes one key"},
	{"a zero weight in a mix", SEED003, {{"parts[2].rule.keys[0].weight", "\"0\""}},
	 "parts[2].rule.keys[0].weight", "zero"},
	{"a payment without requisition that lapses", SEED000, {{"parts[0].payment.lapses", "true"}},
	 "parts[0].payment.lapses", "only a requisition can lapse"},
	{"an unknown payment mode", SEED000, {{"parts[0].payment.mode", "\"rekvisition\""}}, "parts[0].payment.mode",
	 "unknown mode 'rekvisition'"},
	{"a part id with a space", SEED000, {{"parts[2].id", "\"skr 2\""}}, "parts[2].id", "not an id"},
	{"an unknown annex column type", SEED000, {{"annexes[0].columns[1].type", "\"befolkning\""}},
	 "annexes[0].columns[1].type", "unknown column type 'befolkning'"},
	{"an anslag that is not N:N", SEED000, {{"appropriations[0].anslag", "\"1.6\""}}, "appropriations[0].anslag",
	 "not an anslag number"},
	{"another format", SEED000, {{"format", "\"bidrag-decision/2\""}}, "format", "not a format this version reads"},
};

static void check_parse_fails(const char *what, const char *origin, const char *text, const char *path,
			      const char *phrase)
{
	struct decision d;
	struct bd_error err;
	if (!text) {
		ok(0, "%s: could not prepare the file", what);
		return;
	}
	int rc = parse_text(&d, text, origin, &err);
	char *prefix = xasprintf("%s: %s: ", origin, path);
	ok(rc == -1 && starts_with(err.msg, prefix) && has_all(err.msg, phrase, NULL), "%s: %s", what, err.msg);
	free(prefix);
	decision_release(&d);
}

static void test_parse_errors(void)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		char *text = edited_example(c->file, c->edits, BD_ARRAY_LEN(c->edits));
		check_parse_fails(c->what, c->file, text, c->path, c->phrase);
		free(text);
	}

	/* Errors jansson finds: the message gives FILE:LINE:COLUMN. */
	struct decision d;
	struct bd_error err;
	const char *missing_comma = "{\n  \"format\": \"bidrag-decision/1\",\n"
				    "  \"dnr\": \"X/1\"\n"
				    "  \"date\": \"2021-01-01\"\n}\n";
	int rc = parse_text(&d, missing_comma, "t.json", &err);
	ok(rc == -1 && starts_with(err.msg, "t.json:4:"), "a JSON syntax error names line 4 and a column: %s",
	   err.msg);
	decision_release(&d);

	const char *dup = "{\"format\": \"bidrag-decision/1\",\n \"dnr\": \"X/1\",\n \"dnr\": \"X/2\"}";
	rc = parse_text(&d, dup, "t.json", &err);
	ok(rc == -1 && starts_with(err.msg, "t.json:3:") && has_all(err.msg, "duplicate", NULL),
	   "a duplicate key is an error naming its line: %s", err.msg);
	decision_release(&d);

	/* A duplicate key deep in a real file: one of two amounts would
	 * otherwise be dropped silently. */
	char *path = example_path(SEED000);
	char *data = NULL;
	size_t len;
	if (read_file(path, 64u << 20, &data, &len, &err) == 0) {
		const char *at = strstr(data, "\"amount\": 15000000,");
		char *text = at ? xasprintf("%.*s\"amount\": 1, %s", (int)(at - data), data, at) : NULL;
		int line = 1;
		for (const char *p = data; at && p < at; p++)
			line += *p == '\n';
		char *want = xasprintf("%s:%d:", SEED000, line);
		rc = text ? parse_text(&d, text, SEED000, &err) : 0;
		ok(rc == -1 && starts_with(err.msg, want) && has_all(err.msg, "duplicate", NULL),
		   "a duplicate 'amount' in parts[2] is an error at line %d: %s", line, err.msg);
		decision_release(&d);
		free(want);
		free(text);
		free(data);
	} else {
		ok(0, "read %s: %s", path, err.msg);
	}
	free(path);

	rc = parse_text(&d, "[1, 2]", "t.json", &err);
	ok(rc == -1 && starts_with(err.msg, "t.json: (top level): ") &&
		   has_all(err.msg, "expected a JSON object", NULL),
	   "an array instead of an object: %s", err.msg);
	decision_release(&d);
}

/* ---- 4. decision_check ------------------------------------------------ */

struct check_case {
	const char *what, *file;
	struct edit edits[2];
	const char *path;             /* the message starts with "path: " */
	const char *phrase1, *phrase2; /* and contains both */
};

static const struct check_case check_cases[] = {
	{"parts above the decision's total", SEED000, {{"total", "289999999"}}, "parts", "add up to 290 000 000 kr",
	 "total 289 999 999 kr"},
	{"funding short of the part's amount", SEED000, {{"parts[2].funding[0].amount", "14999999"}},
	 "parts[2].funding",
	 "add up to 14 999 999 kr", "amount 15 000 000 kr"},
	{"funding above the part's amount", SEED003, {{"parts[3].funding[2].amount", "3000001"}}, "parts[3].funding",
	 "add up to 80 000 001 kr", "amount 80 000 000 kr"},
	{"one post named twice in a part's funding", SEED003, {{"parts[3].funding[1].appropriation", "\"3\""}},
	 "parts[3].funding[1].appropriation", "'3' is already named in funding[0]", NULL},
	{"an annex total that is not its parts' sum", SEED003, {{"annexes[0].total", "2466000001"}}, "annexes[0].total",
	 "states 2 466 000 001 kr", "add up to 2 466 000 000 kr"},
	{"an annex column naming no part", SEED000, {{"annexes[0].columns[3].part", "\"regionerna\""}},
	 "annexes[0].columns[3].part", "no part has the id 'regionerna'", NULL},
	{"a requisition deadline before the decision", SEED000, {{"parts[2].payment.deadline", "\"2020-12-21\""}},
	 "parts[2].payment.deadline", "21 december 2020 is before the decision date", "22 december 2020"},
	{"a repayment deadline before the decision", SEED000, {{"parts[0].repayment_deadline", "\"2020-03-31\""}},
	 "parts[0].repayment_deadline", "31 mars 2020", "22 december 2020"},
	{"a window starting before the decision", SEED000, {{"parts[0].payment.from", "\"2020-12-01\""}},
	 "parts[0].payment.from", "1 december 2020 is before", NULL},
	{"a window ending before it starts", SEED000, {{"parts[0].payment.to", "\"2021-02-14\""}},
	 "parts[0].payment.to",
	 "ends (2021-02-14) before it starts (2021-02-15)", NULL},
	{"a window without an end", SEED000, {{"parts[0].payment.to", NULL}, {"parts[0].payment.by", "\"2021-03-15\""}},
	 "parts[0].payment", "a window needs both 'from' and 'to'", NULL},
	{"a requisition without a deadline", SEED000, {{"parts[2].payment.deadline", NULL}},
	 "parts[2].payment.deadline",
	 "missing", NULL},
	{"mix weights adding up to 5/6", SEED003, {{"parts[2].rule.keys[1].weight", "\"1/3\""}}, "parts[2].rule.keys",
	 "add up to 5/6", "expected exactly 1"},
	{"mix weights adding up to more than 1", SEED003, {{"parts[2].rule.keys[1].weight", "\"60%\""}},
	 "parts[2].rule.keys", "add up to 11/10", NULL},
	{"two parts with one id", SEED000, {{"parts[2].id", "\"regioner\""}}, "parts[2].id",
	 "'regioner' is already the id of parts[0]", NULL},
	{"a list without its table", SEED003, {{"parts[0].allocation", NULL}}, "parts[0].allocation", "missing", NULL},
	{"a unit of 0 kr", SEED004, {{"parts[3].rule.unit", "0"}}, "parts[3].rule.unit", "at least 1 krona", NULL},
};

static void test_check_errors(void)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct decision d;
		struct bd_error err;
		struct decision_warnings w = {0};
		if (load_edited(&d, c->file, c->edits, BD_ARRAY_LEN(c->edits), &err)) {
			ok(0, "%s: the edited file should parse (the error is decision_check's)", c->what);
			decision_release(&d);
			continue;
		}
		memset(err.msg, 0, sizeof(err.msg));
		int rc = decision_check(&d, &w, &err);
		char *prefix = xasprintf("%s: ", c->path);
		ok(rc == -1 && starts_with(err.msg, prefix) && has_all(err.msg, c->phrase1, c->phrase2, NULL), "%s: %s",
		   c->what, err.msg);
		free(prefix);
		decision_warnings_release(&w);
		decision_release(&d);
	}
}

/* check_passes: the edited example passes decision_check; returns its
 * warnings for the caller to inspect (release them). */
static bool check_passes(const char *file, const struct edit *edits, size_t nedits, struct decision_warnings *w)
{
	struct decision d;
	struct bd_error err;
	bool good = load_edited(&d, file, edits, nedits, &err) == 0 && decision_check(&d, w, &err) == 0;
	if (!good)
		diag("%s", err.msg);
	decision_release(&d);
	return good;
}

static void test_check_passes(void)
{
	static const char *const files[] = {SEED000, SEED001, SEED003, SEED004};
	for (size_t i = 0; i < BD_ARRAY_LEN(files); i++) {
		struct decision_warnings w = {0};
		bool good = check_passes(files[i], NULL, 0, &w);
		ok(good && w.n == 0, "%s passes decision_check without warnings (%zu)", files[i], w.n);
		decision_warnings_release(&w);
	}

	/* A deadline on the decision's own day is allowed ("on or after"). */
	struct decision_warnings w = {0};
	struct edit same_day[] = {{"parts[2].payment.deadline", "\"2020-12-22\""}};
	ok(check_passes(SEED000, same_day, 1, &w), "a deadline on the decision date is accepted");
	decision_warnings_release(&w);

	/* A one-day window is a window. */
	struct edit one_day[] = {{"parts[0].payment.from", "\"2021-03-15\""}};
	ok(check_passes(SEED000, one_day, 1, &w), "a window from 15 to 15 March is accepted");
	decision_warnings_release(&w);

	/* Less than the total is legal, but said. */
	struct edit more_total[] = {{"total", "290000001"}, {"agreement.total", "290000001"}};
	bool good = check_passes(SEED000, more_total, 2, &w);
	ok(good && w.n == 1 &&
		   warned(&w, "parts: the parts add up to 290 000 000 kr, less than", "total 290 000 001 kr"),
	   "parts short of the total: a warning, not an error");
	decision_warnings_release(&w);

	struct edit small_agreement[] = {{"agreement.total", "3330249999"}};
	good = check_passes(SEED003, small_agreement, 1, &w);
	ok(good && w.n == 1 && warned(&w, "agreement.total: 3 330 249 999 kr is less than", "3 330 250 000 kr"),
	   "an agreement smaller than the decision: a warning, not an error");
	decision_warnings_release(&w);

	/* Modifying the struct, not the file: what a caller building a
	 * decision in memory would hit. */
	struct decision d;
	struct bd_error err;
	if (load_example(&d, SEED004, &err) == 0) {
		d.parts[3].amount += 1;
		d.parts[3].funding[0].amount += 1;
		memset(err.msg, 0, sizeof(err.msg));
		int rc = decision_check(&d, NULL, &err);
		ok(rc == -1 && starts_with(err.msg, "parts: ") && has_all(err.msg, "315 000 001 kr", "315 000 000 kr", NULL),
		   "a part raised in memory by 1 kr exceeds the total: %s", err.msg);
	} else {
		ok(0, "%s parses", SEED004);
	}
	decision_release(&d);
}

/* ---- 5. resolve and allocate ------------------------------------------ */

static const struct part *find_part(const struct decision *d, const char *id)
{
	for (size_t i = 0; i < d->nparts; i++)
		if (strcmp(d->parts[i].id, id) == 0)
			return &d->parts[i];
	return NULL;
}

static bool is_fingerprint(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Every seed decision goes through resolve and allocate with the
 * compiled-in datasets, as an import does; seed 001's published table
 * (980 000 001 kr for a part of 980 000 000) is a warning, not an error. */
static void test_allocate_examples(void)
{
	static const char *const files[] = {SEED000, SEED001, SEED003, SEED004};
	for (size_t i = 0; i < BD_ARRAY_LEN(files); i++) {
		struct decision d;
		struct bd_error err;
		struct decision_warnings w = {0};
		int rc = load_example(&d, files[i], &err);
		if (rc == 0)
			rc = resolve_allocate(&d, &w, &err);
		bool fps = rc == 0;
		for (size_t p = 0; fps && p < d.nparts; p++)
			fps = is_fingerprint(d.parts[p].fingerprint) && d.parts[p].nrows > 0 &&
			      d.parts[p].nrows == d.parts[p].ncodes;
		ok(rc == 0 && fps, "%s resolves and allocates; every part has a table and a fingerprint%s%s", files[i],
		   rc ? ": " : "", rc ? err.msg : "");
		if (strcmp(files[i], SEED001) == 0)
			ok(rc == 0 && warned(&w, "parts[0].allocation: the published amounts add up to 980 000 001 kr, more",
					     "980 000 000 kr"),
			   "seed 001: the table 1 kr over its part is registered with a warning");
		decision_warnings_release(&w);
		decision_release(&d);
	}
}

/* Seed 004: "80 000 000 ska fördelas lika mellan RCC" has no table; the
 * register computes it.  All six quotas are 13 333 333,33: the two lowest
 * codes get the extra kronor. */
static void test_equal_split(void)
{
	struct decision d;
	struct bd_error err;
	struct decision_warnings w = {0};
	int rc = load_example(&d, SEED004, &err);
	if (rc == 0)
		rc = resolve_allocate(&d, &w, &err);
	const struct part *p = rc == 0 ? find_part(&d, "skr-rcc-barncancer") : NULL;
	if (!ok(p && p->nrows == 6 && p->computed, "seed 004: the RCC part gets a computed table of six rows")) {
		diag("%s", err.msg);
		decision_warnings_release(&w);
		decision_release(&d);
		return;
	}
	static const struct {
		const char *code, *name;
		int64_t amount;
	} want[] = {
		{"RCC-NORR", "RCC Norr", 13333334},
		{"RCC-STOCKHOLM-GOTLAND", "RCC Stockholm Gotland", 13333334},
		{"RCC-SYD", "RCC Syd", 13333333},
		{"RCC-SYDOST", "RCC Sydöst", 13333333},
		{"RCC-UPPSALA-OREBRO", "RCC Uppsala Örebro", 13333333},
		{"RCC-VAST", "RCC Väst", 13333333},
	};
	int64_t sum = 0;
	for (size_t i = 0; i < 6; i++) {
		const struct alloc_row *r = &p->rows[i];
		ok(strcmp(r->recipient, want[i].code) == 0 && strcmp(r->label, want[i].name) == 0 &&
			   r->amount == want[i].amount,
		   "seed 004: row %zu is %s (%s) %lld kr (got %s %lld)", i, want[i].code, want[i].name,
		   (long long)want[i].amount, r->recipient, (long long)r->amount);
		sum += r->amount;
	}
	ok(sum == 80000000 && part_allocated(p) == 80000000, "seed 004: the computed rows sum to exactly 80 000 000");
	ok(w.n == 0, "seed 004: allocation gives no warnings (%zu)", w.n);

	/* Export and re-import: the computed table comes back marked
	 * computed, is checked against the recomputation and keeps its
	 * fingerprint. */
	char *dump = decisionfile_dump(&d);
	struct decision d2;
	struct decision_warnings w2 = {0};
	rc = parse_text(&d2, dump, "export", &err);
	if (rc == 0)
		rc = resolve_allocate(&d2, &w2, &err);
	const struct part *p2 = rc == 0 ? find_part(&d2, "skr-rcc-barncancer") : NULL;
	ok(p2 && p2->published && p2->computed && strcmp(p2->fingerprint, p->fingerprint) == 0,
	   "seed 004 exported and re-imported: the computed table keeps its fingerprint%s%s", rc ? ": " : "",
	   rc ? err.msg : "");
	bool all_same = rc == 0;
	for (size_t i = 0; all_same && i < d.nparts; i++)
		all_same = strcmp(d.parts[i].fingerprint, d2.parts[i].fingerprint) == 0;
	ok(all_same, "seed 004 re-imported: every part keeps its fingerprint");
	char *dump2 = rc == 0 ? decisionfile_dump(&d2) : NULL;
	ok(dump2 && strcmp(dump, dump2) == 0, "seed 004: the export is a fixed point after re-import");
	free(dump2);
	decision_warnings_release(&w2);
	decision_release(&d2);

	/* A tampered export: two rows swapped a krona, still summing to the
	 * total and within the quota rule, but no longer the register's own
	 * result, which "computed" claims. */
	json_error_t je;
	json_t *root = json_loads(dump, 0, &je);
	struct edit swap[] = {{"parts[3].allocation[0].amount", "13333333"}, {"parts[3].allocation[2].amount", "13333334"}};
	bool edited = root && apply_edit(root, &swap[0]) && apply_edit(root, &swap[1]);
	char *tampered = edited ? json_dumps(root, JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	rc = tampered ? parse_text(&d2, tampered, "export", &err) : -1;
	if (rc == 0)
		rc = resolve_allocate(&d2, &w2, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[3].allocation: ") &&
		   has_all(err.msg, "marked computed, but 2 amounts differ", NULL),
	   "a computed table changed by hand is refused: %s", err.msg);
	free(tampered);
	decision_warnings_release(&w2);
	decision_release(&d2);
	free(dump);
	decision_warnings_release(&w);
	decision_release(&d);
}

/* Seed 003 bilaga 2 names the RSS by län ("Stockholm", "Norrbottn"): among
 * a part of RSS they are RSS, even where the same word names a region
 * elsewhere in the file. */
static void test_rss_names(void)
{
	struct decision d;
	struct bd_error err;
	int rc = load_example(&d, SEED003, &err);
	if (rc == 0)
		rc = decision_resolve(&d, resolve_ref, NULL, &err);
	const struct part *rss = rc == 0 ? find_part(&d, "rss") : NULL;
	const struct part *amb = rc == 0 ? find_part(&d, "ambulans") : NULL;
	if (!ok(rss && amb && rss->nrows == 21 && amb->nrows == 21, "seed 003 resolves")) {
		diag("%s", err.msg);
		decision_release(&d);
		return;
	}
	ok(strcmp(rss->rows[0].label, "Stockholm") == 0 && strcmp(rss->rows[0].recipient, "RSS-01") == 0,
	   "seed 003: 'Stockholm' in the RSS part is RSS-01 (got %s)", rss->rows[0].recipient);
	ok(strcmp(rss->rows[20].label, "Norrbottn") == 0 && strcmp(rss->rows[20].recipient, "RSS-25") == 0,
	   "seed 003: 'Norrbottn' in the RSS part is RSS-25 (got %s)", rss->rows[20].recipient);
	bool all_rss = true;
	for (size_t i = 0; i < rss->nrows; i++)
		all_rss = all_rss && strncmp(rss->rows[i].recipient, "RSS-", 4) == 0;
	ok(all_rss, "seed 003: every row of the RSS part is an RSS");
	ok(strcmp(amb->rows[0].recipient, "01") == 0, "seed 003: 'Region Stockholm' in the Ambulans part is region 01");
	ok(rss->ncodes == 21 && strcmp(rss->codes[0], "RSS-01") == 0 && strcmp(rss->codes[20], "RSS-25") == 0,
	   "seed 003: the set 'rss' is the 21 RSS in code order");
	decision_release(&d);

	/* The same row in a part of regions is the region, not the RSS. */
	struct edit as_region[] = {{"parts[1].allocation[0].recipient", "\"Stockholm\""}};
	rc = load_edited(&d, SEED003, as_region, 1, &err);
	if (rc == 0)
		rc = decision_resolve(&d, resolve_ref, NULL, &err);
	ok(rc == 0 && strcmp(d.parts[1].rows[0].recipient, "01") == 0,
	   "seed 003: 'Stockholm' in a part of regions is region 01%s%s", rc ? ": " : "", rc ? err.msg : "");
	decision_release(&d);
}

/* Recipients that do not exist: decision_resolve says where and what the
 * name probably was. */
struct resolve_case {
	const char *what, *file;
	struct edit edit;
	const char *path, *phrase;
};

static const struct resolve_case resolve_cases[] = {
	{"an unknown set", SEED004, {"parts[0].recipients", "\"regionerna\""}, "parts[0].recipients",
	 "unknown recipient set 'regionerna'"},
	{"an unknown listed recipient", SEED004, {"parts[1].recipients[0]", "\"SKL-X\""}, "parts[1].recipients[0]",
	 "SKL-X"},
	{"a misspelt row", SEED004, {"parts[0].allocation[14].recipient", "\"Region Norbotten\""},
	 "parts[0].allocation[14].recipient", "did you mean 'Region Norrbotten'"},
	{"a region's row in a part of RSS", SEED003, {"parts[2].allocation[0].recipient", "\"Region Stockholm\""},
	 "parts[2].allocation[0].recipient", "Region Stockholm"},
	{"one recipient listed twice", SEED003, {"parts[4].recipients", "[\"SKR\", \"Sveriges Kommuner och Regioner\"]"},
	 "parts[4].recipients[1]", "already named in recipients[0]"},
};

static void test_resolve_errors(void)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(resolve_cases); i++) {
		const struct resolve_case *c = &resolve_cases[i];
		struct decision d;
		struct bd_error err;
		int rc = load_edited(&d, c->file, &c->edit, 1, &err);
		if (rc == 0) {
			memset(err.msg, 0, sizeof(err.msg));
			rc = decision_resolve(&d, resolve_ref, NULL, &err) == -1 ? 1 : 0;
		}
		char *prefix = xasprintf("%s: ", c->path);
		ok(rc == 1 && starts_with(err.msg, prefix) && has_all(err.msg, c->phrase, NULL), "%s: %s", c->what,
		   err.msg);
		free(prefix);
		decision_release(&d);
	}
}

/* The mini decisions: one part, three regions, the three_key. */
static void test_published_rows(void)
{
	struct decision d;
	struct bd_error err;
	struct decision_warnings w = {0};

	int rc = mini_run(&d, 1001, KEY3, NULL, &w, &err);
	const struct part *p = d.parts; /* read only when rc == 0 */
	ok(rc == 0 && p->computed && p->nrows == 3 && p->rows[0].amount == 200 && p->rows[1].amount == 300 &&
		   p->rows[2].amount == 501 && strcmp(p->rows[2].recipient, "04") == 0,
	   "a key rule without a table: computed 200 / 300 / 501 by the in-test key%s%s", rc ? ": " : "",
	   rc ? err.msg : "");
	ok(rc == 0 && p->rule.keys[0].version == 7 && p->rule.keys[0].sha256 &&
		   strcmp(p->rule.keys[0].sha256, three_key.sha256) == 0,
	   "allocation records the key's version and digest");
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1001, KEY3, ROWS3(200, 300, 501), &w, &err);
	ok(rc == 0 && w.n == 0 && !d.parts[0].computed, "a published table equal to largest remainder: no warnings%s%s",
	   rc ? ": " : "", rc ? err.msg : "");
	decision_warnings_release(&w);
	decision_release(&d);

	/* 201 is within a krona of 200,2: half-up style rounding is accepted,
	 * but the sum is 1 002 for a part of 1 001. */
	rc = mini_run(&d, 1001, KEY3, ROWS3(201, 300, 501), &w, &err);
	ok(rc == 0 && warned(&w, "parts[0].allocation: the published amounts add up to 1 002 kr, more than",
			     "amount 1 001 kr"),
	   "a published table 1 kr over the part: a warning, not an error%s%s", rc ? ": " : "", rc ? err.msg : "");
	ok(rc == 0 && warned(&w, "1 published amount differs by one unit (1 kr) from largest remainder", NULL),
	   "and a note that it is not the rule's rounding");
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1001, KEY3, ROWS3(200, 302, 499), &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation[1].amount: ") &&
		   has_all(err.msg, "302 kr for 'Region Uppsala'", "exact quota is 300,30 kr", NULL),
	   "a published row outside the quota rule names the row: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	/* With whole quotas (200 / 300 / 500), a krona off is outside the
	 * quota rule: the only amount within one unit is the quota itself. */
	rc = mini_run(&d, 1000, KEY3, ROWS3(200, 300, 501), &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation[2].amount: ") && has_all(err.msg, "Region Sörmland", NULL),
	   "1 kr over a whole quota breaks the quota rule: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1001, "{\"method\": \"list\"}", ROWS3(200, 300, 500), &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation: ") &&
		   has_all(err.msg, "add up to 1 000 kr", "amount 1 001 kr", NULL),
	   "a list that does not add up is an error: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1000, "{\"method\": \"list\"}", ROWS3(200, 300, 500), &w, &err);
	ok(rc == 0 && w.n == 0 && part_allocated(&d.parts[0]) == 1000, "a list that adds up is accepted%s%s",
	   rc ? ": " : "", rc ? err.msg : "");
	decision_warnings_release(&w);
	decision_release(&d);

	const char *with_skane = "[{\"recipient\": \"Region Stockholm\", \"amount\": 200},"
				 " {\"recipient\": \"Region Uppsala\", \"amount\": 300},"
				 " {\"recipient\": \"Region Skåne\", \"amount\": 501}],";
	rc = mini_run(&d, 1001, KEY3, with_skane, &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation[2].recipient: ") &&
		   has_all(err.msg, "'Region Skåne' is not one of the part's recipients", NULL),
	   "a row for a region outside the part: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	const char *two_rows = "[{\"recipient\": \"Region Stockholm\", \"amount\": 200},"
			       " {\"recipient\": \"Region Uppsala\", \"amount\": 300}],";
	rc = mini_run(&d, 1001, KEY3, two_rows, &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation: ") &&
		   has_all(err.msg, "no row for 'Region Sörmland' (04)", NULL),
	   "a missing row names the recipient: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	/* "SLL" is an alias of Region Stockholm: a second row for it. */
	const char *twice = "[{\"recipient\": \"Region Stockholm\", \"amount\": 200},"
			    " {\"recipient\": \"Uppsala\", \"amount\": 300},"
			    " {\"recipient\": \"SLL\", \"amount\": 501}],";
	rc = mini_run(&d, 1001, KEY3, twice, &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].allocation[2].recipient: ") &&
		   has_all(err.msg, "'SLL' has a row already", NULL),
	   "two rows for one region (by an alias): %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1001, "{\"method\": \"key\", \"key\": \"population@1999-11-01\"}", NULL, &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].rule.key: ") && has_all(err.msg, "population@1999-11-01", NULL),
	   "an unknown key dataset is an error at the rule: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);

	rc = mini_run(&d, 1001, "{\"method\": \"key\", \"key\": \"two@test\"}", NULL, &w, &err);
	ok(rc == -1 && starts_with(err.msg, "parts[0].rule: ") &&
		   has_all(err.msg, "'two@test' has no value for 'Region Sörmland'", NULL),
	   "a key without a value for a recipient: %s", err.msg);
	decision_warnings_release(&w);
	decision_release(&d);
}

/* ---- 6. part_fingerprint ---------------------------------------------- */

enum { FP_NROWS = 21 };

struct fp_fixture {
	struct part p;
	struct alloc_row rows[FP_NROWS];
	struct rule_key keys[2];
	char codes[FP_NROWS][4];
};

/* A mix over the 21 regions, rows in code order. */
static void fp_fixture_init(struct fp_fixture *f)
{
	memset(f, 0, sizeof(*f));
	static const char *const lan[FP_NROWS] = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
						  "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"};
	int64_t sum = 0;
	for (size_t i = 0; i < FP_NROWS; i++) {
		snprintf(f->codes[i], sizeof(f->codes[i]), "%s", lan[i]);
		f->rows[i].recipient = f->codes[i];
		f->rows[i].label = f->codes[i];
		f->rows[i].amount = 1000000 + (int64_t)i * 12345;
		sum += f->rows[i].amount;
	}
	f->keys[0] = (struct rule_key){.dataset = "population@2023-11-01", .weight = {1, 2}, .version = 1,
				       .sha256 = "aaaa"};
	f->keys[1] = (struct rule_key){.dataset = "insatser@2023", .weight = {1, 2}, .version = 1, .sha256 = "bbbb"};
	f->p.amount = sum;
	f->p.rows = f->rows;
	f->p.nrows = FP_NROWS;
	f->p.rule = (struct rule){.method = RULE_MIX, .keys = f->keys, .nkeys = 2, .base = 0, .unit = 1,
				  .rounding = APPORTION_HALF_UP};
}

/* fp_mutate: change one input of the fingerprint; returns what changed,
 * NULL past the last. */
static const char *fp_mutate(struct fp_fixture *f, int which)
{
	switch (which) {
	case 0: f->rows[0].amount++; return "a krona more on the first row";
	case 1: f->rows[20].amount--; return "a krona less on the last row";
	case 2:
		f->rows[3].amount++;
		f->rows[4].amount--;
		return "a krona moved between two rows (same sum)";
	case 3: f->p.amount++; return "a krona more on the part's amount";
	case 4: f->p.rule.base = 500000; return "a base of 500 000";
	case 5: f->p.rule.unit = 100000; return "a unit of 100 000";
	case 6: f->p.rule.rounding = APPORTION_LARGEST_REMAINDER; return "largest remainder instead of half-up";
	case 7: f->p.rule.method = RULE_KEY; return "method key instead of mix";
	case 8: f->keys[0].version = 2; return "version 2 of a key";
	case 9: f->keys[1].sha256 = "bbbc"; return "another digest of a key";
	case 10: f->keys[1].dataset = "insatser@2024"; return "another dataset as a key";
	case 11:
		f->keys[0].weight = (struct rat){2, 3};
		f->keys[1].weight = (struct rat){1, 3};
		return "weights 2/3 + 1/3 instead of 1/2 + 1/2";
	case 12: snprintf(f->codes[5], sizeof(f->codes[5]), "02"); return "a row for another recipient";
	case 13: f->p.nrows--; return "a row left out";
	default: return NULL;
	}
}

static void test_fingerprint(void)
{
	struct fp_fixture f;
	fp_fixture_init(&f);
	char base[65], again[65];
	part_fingerprint(&f.p, base);
	part_fingerprint(&f.p, again);
	ok(is_fingerprint(base) && strcmp(base, again) == 0, "the fingerprint is 64 hex digits and deterministic");

	/* The row order does not matter: a table published in another order
	 * (by size, by name) is the same table. */
	rng_seed(20231222);
	bool stable = true;
	for (int t = 0; t < 50 && stable; t++) {
		for (size_t i = FP_NROWS; i > 1; i--) {
			size_t j = (size_t)rng_below(i);
			struct alloc_row tmp = f.rows[i - 1];
			f.rows[i - 1] = f.rows[j];
			f.rows[j] = tmp;
		}
		part_fingerprint(&f.p, again);
		stable = strcmp(base, again) == 0;
	}
	ok(stable, "the fingerprint does not depend on the order of the rows (50 shuffles)");

	/* Labels and payees are how the table is shown, not what it pays. */
	fp_fixture_init(&f);
	f.rows[0].label = "Region Stockholm";
	part_fingerprint(&f.p, again);
	ok(strcmp(base, again) == 0, "a row's label does not change the fingerprint");

	const char *what;
	for (int i = 0; fp_fixture_init(&f), (what = fp_mutate(&f, i)) != NULL; i++) {
		part_fingerprint(&f.p, again);
		ok(strcmp(base, again) != 0, "%s changes the fingerprint", what);
	}
}

/* ---- 7. key_value_of -------------------------------------------------- */

/* expect_value: key_value_of(k, code) finds `want`, or finds nothing and
 * leaves the output alone. */
static void expect_value(const struct key_values *k, const char *code, bool found, int64_t want, const char *what)
{
	int64_t v = -1;
	bool got = key_value_of(k, code, &v);
	ok(got == found && v == (found ? want : -1), "%s (%s: %s %lld)", what, code, got ? "found" : "not found",
	   (long long)v);
}

static void test_key_value_of(void)
{
	/* A key per län, and one with a kommun and an RSS of its own. */
	static const char *lan_codes[] = {"01", "03", "25"};
	static const int64_t lan_values[] = {2415139, 404589, 249677};
	const struct key_values per_lan = {.name = "lan@test", .n = 3, .code = lan_codes, .value = lan_values};
	static const char *own_codes[] = {"0114", "01", "RSS-03"};
	static const int64_t own_values[] = {48000, 2415139, 7};
	const struct key_values own = {.name = "own@test", .n = 3, .code = own_codes, .value = own_values};

	expect_value(&per_lan, "01", true, 2415139, "a region's value is its own");
	expect_value(&per_lan, "RSS-01", true, 2415139, "RSS-01 takes the value of län 01");
	expect_value(&per_lan, "RSS-25", true, 249677, "RSS-25 takes the value of län 25");
	expect_value(&per_lan, "RSS-04", false, 0, "RSS-04 has no value when län 04 has none");
	expect_value(&per_lan, "0114", false, 0, "a kommun (0114, in län 01) does not take its län's value");
	expect_value(&per_lan, "0380", false, 0, "nor does Uppsala kommun (0380) take län 03's");
	expect_value(&per_lan, "RCC-NORR", false, 0, "an RCC has no value in a key per län");
	expect_value(&per_lan, "XX", false, 0, "an unknown code has no value");
	expect_value(&own, "0114", true, 48000, "a kommun's own value is found");
	expect_value(&own, "RSS-03", true, 7, "an RSS's own value comes before its län's");
}

int main(void)
{
	struct bd_error err;
	if (!ok(refdata_load(&err) == 0, "refdata_load")) {
		diag("%s", err.msg);
		return tap_done();
	}
	test_dates();
	test_roundtrip();
	test_roundtrip_fields();
	test_parse_errors();
	test_check_errors();
	test_check_passes();
	test_allocate_examples();
	test_equal_split();
	test_rss_names();
	test_resolve_errors();
	test_published_rows();
	test_fingerprint();
	test_key_value_of();
	return tap_done();
}
