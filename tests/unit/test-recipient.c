/* test-recipient.c: the recipient register's core (src/core/recipient.c)
 * through its file format (src/io/regfile.c), docs/recipient-register.md.
 *
 *  - usage accounts: spent per purpose and in total, remaining, an account
 *    without entries, overspending (accepted, a discrepancy), the checks
 *    `spent`, `remaining` and a purpose's `total`;
 *  - bad usage entries: unknown purpose or cost group, "Annat: X", negative
 *    spends;
 *  - lines: parents are the sum of their children, the line errors, the
 *    checks `lines_total` and `total`, a grant's amount differing from its
 *    breakdown (a discrepancy);
 *  - a grant's total: given, from its application, from its lines;
 *  - the summary: the default one, and the coverage rules of an explicit one
 *    (every grant counted once, whole or by all of its lines);
 *  - rg_compare: each year summed by its own grouping, rows that come, go
 *    and move, the order of rows only in the earlier year; a varav row of
 *    the earlier year only stands under its own year's parent, whatever the
 *    later year matched (every comparison checked row by row);
 *  - the chart's rows and bars (rg_chart_row, rg_chart_bar): every figure
 *    the table shows for a charted row has a bar, and each year's filled
 *    bars add up to its sums;
 *  - fmt_mkr;
 *  - the CSV readers, in the layout of seed 002's tables and of the
 *    Sametinget form, also as files beside a register file;
 *  - the canonical dump: parsed again it gives the same dump and sums;
 *  - keys, unknown fields, JSON syntax errors.
 *
 * The documents are written with single quotes, turned into double quotes
 * before parsing (dq), so they read like the file format.  Amounts are whole
 * kronor. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recipient.h"
#include "regfile.h"
#include "regreport.h"
#include "tap.h"

#define ORIGIN "t.json"
#define ABSENT INT64_MIN

/* ---- helpers: loading ------------------------------------------------- */

static struct rg_register R;
static struct regfile_checks C;
static struct bd_error E;

/* Where the last load stopped. */
enum { ST_OK, ST_PARSE, ST_COMPUTE, ST_CHECKS };
static int S;
static const char *const stage_names[] = {"ok", "regfile_parse", "rg_compute", "regfile_run_checks"};

static void reset(void)
{
	regfile_checks_release(&C);
	rg_release(&R);
	rg_init(&R);
	memset(&E, 0, sizeof(E));
	S = ST_OK;
}

/* dq: the single-quoted document with double quotes. */
static char *dq(const char *s)
{
	char *t = xstrdup(s);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

/* load_raw: parse the document into a fresh R, compute, run the checks:
 * 0, or -1 with E and S saying why and where. */
static int load_raw(const char *doc)
{
	reset();
	if (regfile_parse(&R, doc, strlen(doc), ORIGIN, NULL, &C, &E)) {
		S = ST_PARSE;
		return -1;
	}
	if (rg_compute(&R, &E)) {
		S = ST_COMPUTE;
		return -1;
	}
	if (regfile_run_checks(&C, &E)) {
		S = ST_CHECKS;
		return -1;
	}
	return 0;
}

static int load_doc(const char *doc)
{
	char *d = dq(doc);
	int rc = load_raw(d);
	free(d);
	return rc;
}

/* load: the years (single-quoted JSON objects, comma-separated) in a
 * document of organisation 23. */
static int load(const char *years)
{
	char *d = xasprintf("{'format': 'bidrag-register/1', 'org': '23', 'years': [%s]}", years);
	int rc = load_doc(d);
	free(d);
	return rc;
}

/* ---- helpers: checking ------------------------------------------------ */

static bool has_all_v(const char *msg, va_list ap)
{
	bool all = true;
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		if (!strstr(msg, s)) {
			diag("missing '%s' in: %s", s, msg);
			all = false;
		}
	return all;
}

/* passed: rc is 0 (a load succeeded). */
static bool passed(int rc, const char *what)
{
	if (!ok(rc == 0, "%s: accepted", what))
		diag("refused by %s: %s", stage_names[S], E.msg);
	return rc == 0;
}

/* failed: rc is -1, the load stopped in `stage`, and the message contains
 * each of the NULL-terminated strings after `what`. */
__attribute__((sentinel)) static bool failed(int rc, int stage, const char *what, ...)
{
	va_list ap;
	va_start(ap, what);
	bool good = rc == -1 && S == stage;
	if (rc != -1)
		diag("accepted (expected %s to refuse it)", stage_names[stage]);
	else if (S != stage)
		diag("refused by %s, expected %s: %s", stage_names[S], stage_names[stage], E.msg);
	good = has_all_v(rc == -1 ? E.msg : "", ap) && good;
	va_end(ap);
	ok(good, "%s: refused", what);
	return good;
}

__attribute__((format(printf, 3, 4))) static bool eq(int64_t got, int64_t want, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!ok(got == want, "%s = %lld", what, (long long)want))
		diag("got %lld", (long long)got);
	return got == want;
}

__attribute__((format(printf, 3, 4))) static bool str_eq(const char *got, const char *want, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	bool same = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	if (!ok(same, "%s = %s%s%s", what, want ? "'" : "", want ? want : "NULL", want ? "'" : ""))
		diag("got %s%s%s", got ? "'" : "", got ? got : "NULL", got ? "'" : "");
	return same;
}

/* ---- helpers: looking things up ------------------------------------- */

static const struct rg_grant *grant(int year, const char *key)
{
	const struct rg_year *y = rg_year_find(&R, year);
	const struct rg_grant *g = y ? rg_grant_find(y, key) : NULL;
	if (!g)
		diag("no grant '%s' in %d", key, year);
	return g;
}

static int64_t total_of(int year, const char *key)
{
	const struct rg_grant *g = grant(year, key);
	return g ? g->total : ABSENT;
}

static int64_t line_of(int year, const char *key, const char *path)
{
	const struct rg_grant *g = grant(year, key);
	const struct rg_line *l = g ? rg_line_find(g, path) : NULL;
	if (g && !l)
		diag("grant '%s' has no line '%s'", key, path);
	return l ? l->amount : ABSENT;
}

static const struct rg_row *row_in(const struct rg_row *rows, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].key, key) == 0)
			return &rows[i];
		const struct rg_row *r = row_in(rows[i].rows, rows[i].nrows, key);
		if (r)
			return r;
	}
	return NULL;
}

static const struct rg_row *row(int year, const char *key)
{
	const struct rg_year *y = rg_year_find(&R, year);
	const struct rg_row *r = y ? row_in(y->summary, y->nsummary, key) : NULL;
	if (!r)
		diag("no summary row '%s' in %d", key, year);
	return r;
}

static int64_t row_value(int year, const char *key)
{
	const struct rg_row *r = row(year, key);
	return r ? r->value : ABSENT;
}

static const struct rg_usage *usage(int year, const char *key, int account)
{
	const struct rg_grant *g = grant(year, key);
	for (size_t i = 0; g && i < g->nusage; i++)
		if (g->usage[i].year == account)
			return &g->usage[i];
	diag("no usage account %d of grant '%s' in %d", account, key, year);
	return NULL;
}

static int64_t purpose_spent(const struct rg_usage *u, const char *name)
{
	for (size_t i = 0; u && i < u->npurposes; i++)
		if (strcmp(u->purposes[i].name, name) == 0)
			return u->purposes[i].spent;
	diag("no purpose '%s'", name);
	return ABSENT;
}

/* Discrepancies, collected. */
struct disc {
	int year, usage_year;
	char grant[64], what[16];
	int64_t stated, computed;
};
static struct disc D[16];
static size_t ND;

static void collect(void *ctx, const struct rg_discrepancy *d)
{
	(void)ctx;
	if (ND == BD_ARRAY_LEN(D))
		return;
	struct disc *x = &D[ND++];
	x->year = d->year;
	x->usage_year = d->usage_year;
	snprintf(x->grant, sizeof(x->grant), "%s", d->grant);
	snprintf(x->what, sizeof(x->what), "%s", d->what);
	x->stated = d->stated;
	x->computed = d->computed;
}

static size_t discrepancies(void)
{
	ND = 0;
	size_t n = rg_discrepancies(&R, collect, NULL);
	if (n != ND)
		diag("rg_discrepancies returned %zu but reported %zu", n, ND);
	return n;
}

/* disc_is: discrepancy i is exactly this one. */
static bool disc_is(size_t i, int year, const char *key, const char *what, int64_t stated, int64_t computed,
		    int usage_year)
{
	bool same = i < ND && D[i].year == year && strcmp(D[i].grant, key) == 0 && strcmp(D[i].what, what) == 0 &&
		    D[i].stated == stated && D[i].computed == computed && D[i].usage_year == usage_year;
	if (!ok(same, "discrepancy %zu: %d '%s' %s stated %lld computed %lld (usage %d)", i, year, key, what,
		(long long)stated, (long long)computed, usage_year)) {
		if (i < ND)
			diag("got %d '%s' %s stated %lld computed %lld (usage %d)", D[i].year, D[i].grant, D[i].what,
			     (long long)D[i].stated, (long long)D[i].computed, D[i].usage_year);
		else
			diag("only %zu discrepancies", ND);
	}
	return same;
}

/* Comparison rows. */
static const struct rg_cmp_row *cmp_row(const struct rg_comparison *c, const char *key, size_t *sec)
{
	for (size_t s = 0; s < c->nsections; s++)
		for (size_t i = 0; i < c->sections[s].nrows; i++)
			if (strcmp(c->sections[s].rows[i].key, key) == 0) {
				if (sec)
					*sec = s;
				return &c->sections[s].rows[i];
			}
	diag("no row '%s' in the comparison", key);
	return NULL;
}

/* row_order: a section's row keys, "a,b,c". */
static void row_order(const struct rg_cmp_section *s, char *out, size_t len)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->nrows && k + 1 < len; i++) {
		int n = snprintf(out + k, len - k, "%s%s", i ? "," : "", s->rows[i].key);
		if (n < 0)
			break;
		k += (size_t)n;
	}
}

/* check_cmp_row: a row's values, presence and levels in both years. */
static void check_cmp_row(const struct rg_comparison *c, const char *key, bool has0, int64_t v0, bool has1,
			  int64_t v1, int lvl0, int lvl1, int level)
{
	const struct rg_cmp_row *r = cmp_row(c, key, NULL);
	bool good = r && r->has[0] == has0 && r->has[1] == has1 && (!has0 || r->value[0] == v0) &&
		    (!has1 || r->value[1] == v1) && r->year_level[0] == lvl0 && r->year_level[1] == lvl1 &&
		    r->level == level;
	if (!ok(good, "compare row '%s': %s%lld / %s%lld, year levels %d / %d, level %d", key, has0 ? "" : "(none) ",
		(long long)(has0 ? v0 : 0), has1 ? "" : "(none) ", (long long)(has1 ? v1 : 0), lvl0, lvl1, level) &&
	    r)
		diag("got %s%lld / %s%lld, year levels %d / %d, level %d", r->has[0] ? "" : "(none) ",
		     (long long)r->value[0], r->has[1] ? "" : "(none) ", (long long)r->value[1], r->year_level[0],
		     r->year_level[1], r->level);
}

/* row_parent: the key of the row a summary row is a varav row of in y, or
 * NULL when it stands alone (or y has no such row). */
static const char *row_parent_in(const struct rg_row *rows, size_t n, const struct rg_row *parent, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].key, key) == 0)
			return parent ? parent->key : NULL;
		const char *p = row_parent_in(rows[i].rows, rows[i].nrows, &rows[i], key);
		if (p)
			return p;
	}
	return NULL;
}

static const char *row_parent(const struct rg_year *y, const char *key)
{
	return y ? row_parent_in(y->summary, y->nsummary, NULL, key) : NULL;
}

/* check_parents: every row shown under another (level > 0) is shown under
 * its own parent: the later year's when the later year has the row, else
 * the earlier year's; a row standing alone is shown at level 0.  "Under" is
 * the nearest row above it of a lower level, in the same section. */
static void check_parents(const struct rg_comparison *c, const struct rg_year *earlier, const struct rg_year *later,
			  const char *name)
{
	size_t bad = 0;
	for (size_t s = 0; s < c->nsections; s++) {
		const struct rg_cmp_section *sec = &c->sections[s];
		for (size_t i = 0; i < sec->nrows; i++) {
			const struct rg_cmp_row *r = &sec->rows[i];
			bool later_has = r->year_level[1] >= 0;
			const char *want = row_parent(later_has ? later : earlier, r->key);
			const char *shown = NULL;
			for (size_t j = i; r->level > 0 && j-- > 0;)
				if (sec->rows[j].level < r->level) {
					shown = sec->rows[j].key;
					break;
				}
			bool good = (want == NULL) == (shown == NULL) && (!want || strcmp(want, shown) == 0) &&
				    (r->level == 0) == (want == NULL);
			if (!good) {
				diag("%s: row '%s' (level %d) is shown under '%s', its %s parent is '%s'", name, r->key,
				     r->level, shown ? shown : "(nothing)", later_has ? "later year's" : "earlier year's",
				     want ? want : "(none: it stands alone)");
				bad++;
			}
		}
	}
	ok(bad == 0, "%s: every row is shown under its own year's parent", name);
}

/* check_chart: every figure the table shows for a charted row has a bar,
 * filled when it counts in its year's sum, and each year's filled bars add
 * up to the year's total. */
static void check_chart(const struct rg_comparison *c, const char *name)
{
	int64_t sum[2] = {0, 0};
	size_t missing = 0;
	for (size_t s = 0; s < c->nsections; s++)
		for (size_t i = 0; i < c->sections[s].nrows; i++) {
			const struct rg_cmp_row *r = &c->sections[s].rows[i];
			for (int k = 0; k < 2; k++) {
				enum rg_bar bar = rg_chart_bar(c, r, k);
				bool shown = r->has[k] && (k == 1 || c->year[0] != 0);
				if (rg_chart_row(r) && shown && bar == RG_BAR_NONE) {
					diag("%s: row '%s' shows %lld for year %d in the table but has no bar", name,
					     r->key, (long long)r->value[k], c->year[k]);
					missing++;
				}
				if (bar != RG_BAR_NONE && (bar == RG_BAR_SUM) != rg_cmp_counted(r, k)) {
					diag("%s: row '%s', year %d: bar kind disagrees with rg_cmp_counted", name, r->key,
					     c->year[k]);
					missing++;
				}
				if (bar == RG_BAR_SUM)
					sum[k] += r->value[k];
			}
		}
	ok(missing == 0, "%s: every figure of a charted row has its bar", name);
	ok(sum[0] == (c->year[0] ? c->total[0] : 0) && sum[1] == c->total[1],
	   "%s: the filled bars add up to each year's total (%lld, %lld; totals %lld, %lld)", name, (long long)sum[0],
	   (long long)sum[1], (long long)c->total[0], (long long)c->total[1]);
}

/* ---- 1. usage accounts ------------------------------------------------- */

/* The seed's 2019 account of nationella minoriteter, its figures entered in
 * JSON: 54 454 + 42 360 + 36 619 + 100 621 = 234 054 of 250 000. */
#define SEED_ENTRIES                                                                                                \
	"{'purpose': 'Inflytande, delaktighet och samråd', 'cost_group': 'lokalhyra', 'amount': 17575, 'comment': ''}," \
	"{'purpose': 'Inflytande, delaktighet och samråd', 'cost_group': 'förtäring', 'amount': 2628},"                 \
	"{'purpose': 'Inflytande, delaktighet och samråd', 'cost_group': 'arvoden', 'amount': '34 251'},"               \
	"{'purpose': 'Språk -och kultur', 'cost_group': 'studiecirklar', 'amount': 41632},"                             \
	"{'purpose': 'Språk -och kultur', 'cost_group': 'litteratur-/tidskriftsinköp', 'amount': 728},"                 \
	"{'purpose': 'Samordning', 'cost_group': 'personal, lön', 'amount': 31682},"                                    \
	"{'purpose': 'Samordning', 'cost_group': 'resor och logi', 'amount': 4937},"                                    \
	"{'purpose': 'Ärendehandläggning', 'cost_group': 'tolk/översättning', 'amount': 23139},"                        \
	"{'purpose': 'Ärendehandläggning', 'cost_group': 'fortbildning av personal', 'amount': 77482}"

#define P_INFLYTANDE "Inflytande, delaktighet och samråd"
#define SEED_PURPOSES_AFTER_FIRST                                                                                   \
	"{'name': 'Språk -och kultur', 'cost_groups': ['språkläger/språkbad', 'studiecirklar', 'kulturrevenemang', "    \
	"'litteratur-/tidskriftsinköp']},"                                                                              \
	"{'name': 'Samordning', 'cost_groups': ['personal, lön', 'OH-kostn.', 'resor och logi', 'konferenskostnader']}," \
	"{'name': 'Ärendehandläggning', 'cost_groups': ['tolk/översättning', 'fortbildning av personal']},"               \
	"{'name': 'Övergripande information', 'cost_groups': ['kartläggning', 'hemsidan', "                             \
	"'informationsmaterial/ broschyrer', 'skyltning']},"                                                            \
	"{'name': 'Övrigt', 'cost_groups': ['växel/reception']}"

/* minority_year: the year 2020 with the grant 'minoriteter' and its usage
 * account for 2019; available: its amount; p0: more fields of the first
 * purpose (", 'total': 54454"); entries: the entries (NULL: the seed's);
 * acct: more fields of the account (", 'spent': 234054").  free() it. */
static char *minority_year(const char *available, const char *p0, const char *entries, const char *acct)
{
	return xasprintf("{'year': 2020, 'grants': [{'key': 'minoriteter', 'title': 'Nationella minoriteter och "
			 "minoritetsspråk', 'amount': 250000, 'usage': [{'year': 2019, 'title': 'Redovisning 2019 års "
			 "användning', 'available': %s, 'purposes': [{'name': '" P_INFLYTANDE "', 'cost_groups': "
			 "['lokalhyra', 'förtäring', 'arvoden', 'resekostnader']%s}," SEED_PURPOSES_AFTER_FIRST
			 "], 'entries': [%s]%s}]}]}",
			 available, p0, entries ? entries : SEED_ENTRIES, acct);
}

static int load_minority(const char *available, const char *p0, const char *entries, const char *acct)
{
	char *y = minority_year(available, p0, entries, acct);
	int rc = load(y);
	free(y);
	return rc;
}

static void test_usage(void)
{
	diag("1. usage accounts");
	if (passed(load_minority("250000", "", NULL, ""), "seed 002's 2019 account of nationella minoriteter")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(u ? u->spent : ABSENT, 234054, "spent in total");
		eq(u ? u->remaining : ABSENT, 15946, "remaining = 250 000 - 234 054");
		eq(purpose_spent(u, P_INFLYTANDE), 54454, "spent on Inflytande (17 575 + 2 628 + '34 251')");
		eq(purpose_spent(u, "Språk -och kultur"), 42360, "spent on Språk -och kultur");
		eq(purpose_spent(u, "Samordning"), 36619, "spent on Samordning");
		eq(purpose_spent(u, "Ärendehandläggning"), 100621, "spent on Ärendehandläggning");
		eq(purpose_spent(u, "Övergripande information"), 0, "a purpose without entries has spent 0");
		eq((int64_t)discrepancies(), 0, "no discrepancies when 15 946 kr remain");
	}

	/* An account without entries: nothing spent, all remaining. */
	if (passed(load_minority("'250 tkr'", "", "", ", 'spent': 0, 'remaining': '250 000'"),
		   "an account with 'entries': []")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(u ? u->spent : ABSENT, 0, "no entries: spent");
		eq(u ? u->remaining : ABSENT, 250000, "no entries: remaining = available ('250 tkr')");
		eq(purpose_spent(u, P_INFLYTANDE), 0, "no entries: a purpose's spent");
	}
	if (passed(load("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G', 'amount': 5, 'usage': [{'year': 2019, "
			"'available': 5, 'purposes': []}]}]}"),
		   "an account without 'entries' or purposes")) {
		const struct rg_usage *u = usage(2020, "g", 2019);
		eq(u ? (int64_t)u->nentries : ABSENT, 0, "no 'entries': no entries");
		eq(u ? u->remaining : ABSENT, 5, "no 'entries': remaining = available");
	}

	/* Overspending: accepted, a discrepancy with the figures. */
	if (passed(load_minority("200000", "", NULL, ", 'spent': 234054"), "an account spending 234 054 of 200 000")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(u ? u->remaining : ABSENT, -34054, "overspent: remaining is negative");
		eq((int64_t)discrepancies(), 1, "overspent: one discrepancy");
		disc_is(0, 2020, "minoriteter", "overspent", 200000, 234054, 2019);
	}
	/* Spending exactly what is available is no discrepancy. */
	if (passed(load_minority("234054", "", NULL, ", 'remaining': 0"), "an account spending all it has"))
		eq((int64_t)discrepancies(), 0, "remaining 0: no discrepancy");

	/* The checks: agreeing ones pass, the others name the field and both
	 * figures, grouped the Swedish way. */
	passed(load_minority("250000", ", 'total': 54454", NULL, ", 'spent': '234 054', 'remaining': 15946"),
	       "checks spent, remaining and a purpose's total that agree");
	failed(load_minority("250000", "", NULL, ", 'spent': 234055"), ST_CHECKS, "a 'spent' one krona too high",
	       "t.json: years[0].grants[0].usage[0].spent: typed as 234 055 kr", "add up to 234 054 kr", NULL);
	failed(load_minority("250000", "", NULL, ", 'remaining': '15 964'"), ST_CHECKS, "a 'remaining' with digits swapped",
	       "years[0].grants[0].usage[0].remaining: typed as 15 964 kr", "add up to 15 946 kr", NULL);
	failed(load_minority("250000", ", 'total': 54455", NULL, ""), ST_CHECKS, "a purpose's 'total' that disagrees",
	       "years[0].grants[0].usage[0].purposes[0].total: typed as 54 455 kr", "add up to 54 454 kr", NULL);

	/* An overspent account's remaining is negative, and its check may say so. */
	passed(load_minority("200000", "", NULL, ", 'remaining': -34054"),
	       "an overspent account's agreeing 'remaining': -34054 check");
	failed(load_minority("200000", "", NULL, ", 'remaining': '-34 055'"), ST_CHECKS,
	       "an overspent account's disagreeing 'remaining' check", "typed as -34 055 kr", "add up to -34 054 kr", NULL);
}

/* ---- 2. bad usage input ------------------------------------------------ */

static int load_entry(const char *entry)
{
	char *y = xasprintf("{'year': 2020, 'grants': [{'key': 'minoriteter', 'title': 'M', 'amount': 1000, 'usage': "
			    "[{'year': 2019, 'available': 1000, 'purposes': [{'name': 'Inflytande', 'cost_groups': "
			    "['lokalhyra', 'arvoden']}, {'name': 'Samordning', 'cost_groups': ['resor och logi']}], "
			    "'entries': [{'purpose': 'Samordning', 'cost_group': 'resor och logi', 'amount': 10}, %s]}]}]}",
			    entry);
	int rc = load(y);
	free(y);
	return rc;
}

static void test_usage_errors(void)
{
	diag("2. bad usage input");
	failed(load_entry("{'purpose': 'Språk', 'cost_group': 'lokalhyra', 'amount': 1}"), ST_COMPUTE,
	       "an entry with an unknown purpose",
	       "year 2020, grant 'minoriteter', usage account 2019, entry 2: unknown purpose 'Språk'",
	       "(expected one of: 'Inflytande', 'Samordning')", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'fika', 'amount': 1}"), ST_COMPUTE,
	       "an entry with an unknown cost group", "usage account 2019, entry 2: unknown cost group 'fika'",
	       "for purpose 'Inflytande'", "'lokalhyra', 'arvoden', 'Annat: WHAT'", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'resor och logi', 'amount': 1}"), ST_COMPUTE,
	       "an entry with another purpose's cost group", "unknown cost group 'resor och logi' for purpose 'Inflytande'",
	       NULL);
	if (passed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'Annat: Tryck av broschyr', 'amount': 250}"),
		   "an entry with cost group 'Annat: Tryck av broschyr'")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(purpose_spent(u, "Inflytande"), 250, "'Annat: ...' counts toward its purpose");
		eq(u ? u->spent : ABSENT, 260, "'Annat: ...' counts toward the account");
	}
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'Annat: ', 'amount': 1}"), ST_COMPUTE,
	       "'Annat: ' without saying what", "unknown cost group 'Annat: '", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'lokalhyra', 'amount': -5}"), ST_PARSE,
	       "a negative spend as the JSON integer -5",
	       "t.json: years[0].grants[0].usage[0].entries[1].amount: a negative spend (-5 kr)", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'lokalhyra', 'amount': '-5'}"), ST_PARSE,
	       "a negative spend as the string '-5'", "t.json: years[0].grants[0].usage[0].entries[1].amount: '-5'",
	       "negative", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'lokalhyra'}"), ST_PARSE, "an entry without amount",
	       "years[0].grants[0].usage[0].entries[1].amount: missing", NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'lokalhyra', 'amount': 1.5}"), ST_PARSE,
	       "a fractional spend", "entries[1].amount: a fractional JSON number", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 60000000000000}, "
		    "{'key': 'b', 'title': 'B', 'amount': 60000000000000}]}"),
	       ST_COMPUTE, "a year whose grants pass the bound of amounts together",
	       "year 2020: the grants add up to more than 100 000 000 000 000 kronor", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G', 'amount': 5, 'usage': [{'year': 2019, "
		    "'available': 5, 'purposes': [{'name': 'A'}, {'name': 'A'}]}]}]}"),
	       ST_COMPUTE, "a purpose listed twice", "usage account 2019: purpose 'A' is listed twice", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G', 'amount': 5, 'usage': [{'year': 2019, "
		    "'available': 5, 'purposes': []}, {'year': 2019, 'available': 1, 'purposes': []}]}]}"),
	       ST_COMPUTE, "two usage accounts for one year", "grant 'g': two usage accounts for 2019", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G', 'amount': 5, 'usage': [{'year': 2019, "
		    "'purposes': []}]}]}"),
	       ST_PARSE, "an account without 'available'", "years[0].grants[0].usage[0]: missing 'available'", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G', 'amount': 5, 'usage': [{'year': 2019, "
		    "'available': 5, 'purposes': [], 'entries': [{'purpose': 'A', 'cost_group': 'b', 'amount': 1}]}]}]}"),
	       ST_COMPUTE, "an entry when no purpose is declared", "unknown purpose 'A' (expected one of: none declared)",
	       NULL);
}

/* ---- 3. lines ---------------------------------------------------------- */

/* lines_year: one grant 'g' with the given extra fields. */
static int load_grant(const char *fields)
{
	char *y = xasprintf("{'year': 2020, 'grants': [{'key': 'g', 'title': 'G'%s}]}", fields);
	int rc = load(y);
	free(y);
	return rc;
}

#define TWO_LEVELS                                                                                  \
	", 'lines': [{'key': 'a', 'title': 'A', 'lines': [{'key': 'a1', 'title': 'A1', 'amount': 100}, " \
	"{'key': 'a2', 'title': 'A2', 'amount': '200'}]}, {'key': 'b', 'title': 'B', 'amount': 50}]"
#define THREE_LEVELS                                                                                       \
	", 'lines': [{'key': 'p', 'title': 'P', 'lines': [{'key': 'q', 'title': 'Q', 'lines': [{'key': 'r1', " \
	"'title': 'R1', 'amount': 1}, {'key': 'r2', 'title': 'R2', 'amount': 2}]}, {'key': 's', 'title': 'S', "  \
	"'amount': 4}]}, {'key': 'q', 'title': 'Q at the top', 'amount': 8}]"

static void test_lines(void)
{
	diag("3. lines");
	if (passed(load_grant(TWO_LEVELS), "two levels of lines")) {
		eq(line_of(2020, "g", "a"), 300, "parent a = a1 + a2");
		eq(line_of(2020, "g", "a/a2"), 200, "leaf a/a2 as given");
		const struct rg_grant *g = grant(2020, "g");
		eq(g ? g->breakdown : ABSENT, 350, "the breakdown: a + b");
		ok(g && g->has_breakdown, "the grant has a breakdown");
		eq(g ? g->total : ABSENT, 350, "no amount: the total is the breakdown");
		eq((int64_t)discrepancies(), 0, "no amount: no discrepancy");
	}
	if (passed(load_grant(THREE_LEVELS), "three levels of lines, the key 'q' at two levels")) {
		eq(line_of(2020, "g", "p/q"), 3, "p/q = r1 + r2");
		eq(line_of(2020, "g", "p"), 7, "p = q + s");
		eq(line_of(2020, "g", "q"), 8, "the top-level q is its own line");
		eq(line_of(2020, "g", "p/q/r2"), 2, "p/q/r2 as given");
		eq(total_of(2020, "g"), 15, "the total: p + q");
		const struct rg_grant *g = grant(2020, "g");
		ok(g && rg_line_find(g, "p/r1") == NULL, "rg_line_find: p/r1 is no line");
	}
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'amount': 5, 'lines': [{'key': 'a1', 'title': 'A1', "
			  "'amount': 5}]}]"),
	       ST_COMPUTE, "a line with both an amount and lines",
	       "year 2020, grant 'g', line 'a': has both an amount and lines",
	       NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'lines': [{'key': 'a1', 'title': 'A1'}]}]"), ST_COMPUTE,
	       "a line with neither an amount nor lines",
	       "year 2020, grant 'g', line 'a', line 'a1': has neither an amount nor lines",
	       NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'lines': []}]"), ST_COMPUTE,
	       "a line with 'lines': [] and no amount", "line 'a': has neither an amount nor lines", NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'amount': 1}, {'key': 'b', 'title': 'B', 'amount': 2}, "
			  "{'key': 'a', 'title': 'A again', 'amount': 3}]"),
	       ST_COMPUTE, "sibling lines with the same key", "grant 'g': line key 'a' is used twice (lines 1 and 3)", NULL);
	failed(load_grant(", 'lines': [{'key': 'p', 'title': 'P', 'lines': [{'key': 'x', 'title': 'X', 'amount': 1}, "
			  "{'key': 'x', 'title': 'X', 'amount': 1}]}]"),
	       ST_COMPUTE, "nested sibling lines with the same key", "grant 'g', line 'p': line key 'x' is used twice", NULL);

	/* Checks. */
	passed(load_grant(TWO_LEVELS ", 'lines_total': '350'"), "lines_total that agrees");
	failed(load_grant(TWO_LEVELS ", 'lines_total': 1350"), ST_CHECKS, "lines_total that disagrees",
	       "t.json: years[0].grants[0].lines_total: typed as 1 350 kr, but the parts add up to 350 kr", NULL);
	passed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'total': 300, 'lines': [{'key': 'a1', 'title': 'A1', "
			  "'amount': 100}, {'key': 'a2', 'title': 'A2', 'amount': 200}]}]"),
	       "a line's total that agrees");
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'total': 301, 'lines': [{'key': 'a1', 'title': 'A1', "
			  "'amount': 100}, {'key': 'a2', 'title': 'A2', 'amount': 200}]}]"),
	       ST_CHECKS, "a line's total that disagrees", "years[0].grants[0].lines[0].total: typed as 301 kr",
	       "add up to 300 kr", NULL);
	passed(load_grant(THREE_LEVELS ", 'lines_total': 15"), "lines_total of a three-level breakdown that agrees");
	failed(load_grant(", 'lines': [{'key': 'p', 'title': 'P', 'lines': [{'key': 'q', 'title': 'Q', 'total': '1 000 003', "
			  "'lines': [{'key': 'r1', 'title': 'R1', 'amount': 1}, {'key': 'r2', 'title': 'R2', 'amount': 2}]}]}]"),
	       ST_CHECKS, "a nested line's total that disagrees",
	       "years[0].grants[0].lines[0].lines[0].total: typed as 1 000 003 kr, but the parts add up to 3 kr", NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'amount': 5, 'total': 5}]"), ST_PARSE,
	       "a total on a leaf", "years[0].grants[0].lines[0]: a total without lines", NULL);
	failed(load_grant(", 'amount': 5, 'lines_total': 5"), ST_PARSE, "lines_total without lines",
	       "years[0].grants[0]: 'lines_total' without lines", NULL);

	/* A grant's amount differing from its breakdown: accepted, reported. */
	if (passed(load_grant(", 'amount': '400'" TWO_LEVELS), "an amount of 400 with a breakdown of 350")) {
		eq(total_of(2020, "g"), 400, "the total is the amount as given");
		eq((int64_t)discrepancies(), 1, "one discrepancy");
		disc_is(0, 2020, "g", "breakdown", 400, 350, 0);
	}
	if (passed(load_grant(", 'amount': 350" TWO_LEVELS), "an amount equal to its breakdown"))
		eq((int64_t)discrepancies(), 0, "amount = breakdown: no discrepancy");
}

/* ---- 4. grant totals --------------------------------------------------- */

static void test_totals(void)
{
	diag("4. grant totals");
	if (passed(load("{'year': 2020, 'grants': ["
			"{'key': 'a', 'title': 'A', 'amount': 71862709},"
			"{'key': 'b', 'title': 'B', 'amount': '71 862 709'},"
			"{'key': 'c', 'title': 'C', 'amount': '71,90 mkr'},"
			"{'key': 'd', 'title': 'D', 'amount': '250 tkr'},"
			"{'key': 'e', 'title': 'E', 'application': {'applied': 500000, 'outcome': 'granted', 'granted': "
			"'400 000', 'applied_on': '2020-02-01', 'decided_on': '2020-04-15'}},"
			"{'key': 'f', 'title': 'F', 'application': {'applied': 500000, 'outcome': 'rejected'}},"
			"{'key': 'h', 'title': 'H', 'application': {'applied': 500000, 'outcome': 'rejected', 'granted': 0}},"
			"{'key': 'i', 'title': 'I', 'application': {'applied': 500000, 'outcome': 'pending'}},"
			"{'key': 'j', 'title': 'J', 'amount': 400000, 'application': {'outcome': 'granted', 'granted': 400000}},"
			"{'key': 'k', 'title': 'K', 'lines': [{'key': 'x', 'title': 'X', 'amount': 7}, {'key': 'y', 'title': "
			"'Y', 'amount': 8}]}]}"),
		   "grants with amounts, applications and lines")) {
		eq(total_of(2020, "a"), 71862709, "amount as an integer");
		eq(total_of(2020, "b"), 71862709, "amount '71 862 709'");
		eq(total_of(2020, "c"), 71900000, "amount '71,90 mkr'");
		eq(total_of(2020, "d"), 250000, "amount '250 tkr'");
		eq(total_of(2020, "e"), 400000, "no amount, application granted: the granted amount");
		eq(total_of(2020, "f"), 0, "no amount, application rejected: 0");
		eq(total_of(2020, "h"), 0, "rejected with granted 0: 0");
		eq(total_of(2020, "i"), 0, "pending: 0");
		eq(total_of(2020, "j"), 400000, "an amount equal to the granted amount");
		eq(total_of(2020, "k"), 15, "no amount, no application: the lines' sum");
		const struct rg_grant *e = grant(2020, "e");
		ok(e && e->application && e->application->outcome == RG_GRANTED && e->application->applied == 500000 &&
			   strcmp(e->application->decided_on, "2020-04-15") == 0,
		   "the application as given");
		const struct rg_grant *a = grant(2020, "a");
		ok(a && !a->has_breakdown, "a grant without lines has no breakdown");
		eq((int64_t)discrepancies(), 0, "none of them is a discrepancy");
	}
	failed(load_grant(", 'application': {'applied': 500000, 'outcome': 'rejected', 'granted': 5}"), ST_COMPUTE,
	       "a rejected application with 5 kr granted",
	       "year 2020, grant 'g': the application was rejected but 5 kr is granted",
	       NULL);
	failed(load_grant(", 'amount': 90, 'application': {'outcome': 'granted', 'granted': 80}"), ST_COMPUTE,
	       "an amount differing from the granted amount",
	       "grant 'g': the amount 90 kr differs from the granted amount 80 kr",
	       NULL);
	failed(load_grant(", 'application': {'outcome': 'maybe'}"), ST_PARSE, "an unknown outcome",
	       "years[0].grants[0].application.outcome: 'maybe' (expected granted, rejected or pending)", NULL);
	failed(load_grant(""), ST_COMPUTE, "a grant with no amount, application or lines",
	       "year 2020, grant 'g': has no amount (expected an amount, an application or lines)", NULL);
	failed(load_grant(", 'amount': 71.9"), ST_PARSE, "a fractional amount",
	       "years[0].grants[0].amount: a fractional JSON number", NULL);
	failed(load_grant(", 'amount': '71,85 kr'"), ST_PARSE, "an amount that is not whole kronor",
	       "years[0].grants[0].amount: '71,85 kr'", NULL);
	failed(load_grant(", 'amount': -1"), ST_PARSE, "a negative amount",
	       "years[0].grants[0].amount: -1 is negative (expected whole kronor, 0 or more)", NULL);
	passed(load_grant(", 'amount': 100000000000000"), "an amount of 10^14 (the largest)");
	failed(load_grant(", 'amount': '100 000 000 000 001'"), ST_PARSE, "an amount above 10^14",
	       "years[0].grants[0].amount: too large", NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'amount': 100000000000000}, {'key': 'b', 'title': 'B', "
			  "'amount': 1}]"),
	       ST_COMPUTE, "lines adding up to more than 10^14", "grant 'g': the lines add up to more than", NULL);
	failed(load_grant(", 'amount': 5, 'decided_on': '2020-02-30'"), ST_PARSE, "a date that is no calendar day",
	       "years[0].grants[0].decided_on: '2020-02-30' is not a date", NULL);
	failed(load_grant(", 'amount': 5, 'flags': ['nytt']"), ST_PARSE, "an unknown flag",
	       "years[0].grants[0].flags[0]: unknown flag 'nytt'", NULL);
}

/* ---- 5. summary coverage ---------------------------------------------- */

/* Grants of 2020: a (lines x 10, y 20), b 5, c 7, d (lines p (q (r1 1, r2 2),
 * s 4)), e 9 with "summary": false. */
#define COVER_GRANTS                                                                                                \
	"'grants': ["                                                                                               \
	"{'key': 'a', 'title': 'A', 'lines': [{'key': 'x', 'title': 'X', 'amount': 10}, {'key': 'y', 'title': 'Y', "    \
	"'amount': 20}]},"                                                                                          \
	"{'key': 'b', 'title': 'B', 'label': 'Bee', 'amount': 5},"                                                  \
	"{'key': 'c', 'title': 'C', 'amount': 7},"                                                                  \
	"{'key': 'd', 'title': 'D', 'lines': [{'key': 'p', 'title': 'P', 'lines': [{'key': 'q', 'title': 'Q', "         \
	"'lines': [{'key': 'r1', 'title': 'R1', 'amount': 1}, {'key': 'r2', 'title': 'R2', 'amount': 2}]}, "             \
	"{'key': 's', 'title': 'S', 'amount': 4}]}]},"                                                               \
	"{'key': 'e', 'title': 'E', 'amount': 9, 'summary': false, 'summary_note': 'Ingår i d'}]"

static int load_summary(const char *rows)
{
	char *y = xasprintf("{'year': 2020, " COVER_GRANTS ", 'summary': [%s]}", rows);
	int rc = load(y);
	free(y);
	return rc;
}

static void test_summary(void)
{
	diag("5. summary coverage");
	if (passed(load("{'year': 2020, " COVER_GRANTS "}"), "no summary: the default")) {
		const struct rg_year *y = rg_year_find(&R, 2020);
		eq(y ? (int64_t)y->nsummary : ABSENT, 4, "the default summary: a row per grant, not e (summary false)");
		ok(y && !y->summary_given, "summary_given is false");
		static const char *const keys[] = {"a", "b", "c", "d"};
		static const int64_t values[] = {30, 5, 7, 7};
		for (size_t i = 0; y && i < y->nsummary && i < 4; i++) {
			const struct rg_row *r = &y->summary[i];
			ok(strcmp(r->key, keys[i]) == 0 && r->nmembers == 1 && strcmp(r->members[0], keys[i]) == 0 &&
				   r->has_members && r->value == values[i] && r->nrows == 0,
			   "default row %zu: '%s' = [%s], %lld", i, keys[i], keys[i], (long long)values[i]);
		}
		str_eq(y && y->nsummary > 1 ? y->summary[1].label : NULL, "Bee", "a default row's label is the grant's label");
		str_eq(y && y->nsummary ? y->summary[0].label : NULL, "A", "... or else its title");
	}
	const char *rest = ", {'key': 'rb', 'label': 'B', 'members': ['b']}, {'key': 'rc', 'label': 'C', 'members': ['c']}"
			   ", {'key': 'rd', 'label': 'D', 'members': ['d']}";
	char *rows;

	rows = xasprintf("{'key': 'ra', 'label': 'A', 'members': ['a']}%s", rest);
	if (passed(load_summary(rows), "an explicit summary counting each grant once")) {
		eq(row_value(2020, "ra"), 30, "row ra");
		eq(row_value(2020, "rd"), 7, "row rd");
	}
	free(rows);

	failed(load_summary("{'key': 'r1', 'label': 'A', 'members': ['a', 'b', 'd']}"), ST_COMPUTE,
	       "a grant in no row", "year 2020: grant 'c' is in no summary row", "\"summary\": false", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'AB', 'members': ['a', 'b']}, {'key': 'r2', 'label': 'BCD', "
			    "'members': ['b', 'c', 'd']}"),
	       ST_COMPUTE, "a grant counted by two rows",
	       "year 2020, summary row 'r2': grant 'b' is already counted by row 'r1'", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'b', 'c', 'd']}"), ST_COMPUTE,
	       "a grant counted twice by one row", "summary row 'r1': grant 'b' is already counted by row 'r1'", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'A', 'members': ['a']}, {'key': 'r2', 'label': 'x', 'members': "
			    "['a/x', 'b', 'c', 'd']}"),
	       ST_COMPUTE, "a grant counted whole, then one of its lines",
	       "year 2020, summary row 'r2': 'a/x' overlaps what row 'r1' already counts", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'x', 'members': ['a/x']}, {'key': 'r2', 'label': 'A', 'members': "
			    "['a', 'b', 'c', 'd']}"),
	       ST_COMPUTE, "a line counted, then its grant whole",
	       "year 2020, summary row 'r2': grant 'a' is already counted by row 'r1'", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'q', 'members': ['d/p/q']}, {'key': 'r2', 'label': 'r', 'members': "
			    "['d/p/q/r1', 'a', 'b', 'c']}"),
	       ST_COMPUTE, "a line counted, then one of its sub-lines", "summary row 'r2': 'd/p/q/r1' overlaps what row 'r1'",
	       NULL);
	failed(load_summary("{'key': 'r1', 'label': 'r', 'members': ['d/p/q/r1']}, {'key': 'r2', 'label': 'p', 'members': "
			    "['d/p', 'a', 'b', 'c']}"),
	       ST_COMPUTE, "a sub-line counted, then its parent's parent", "summary row 'r2': 'd/p' overlaps what row 'r1'",
	       NULL);

	if (passed(load_summary("{'key': 'ax', 'label': 'x', 'members': ['a/x']}, {'key': 'ay', 'label': 'y', 'members': "
				"['a/y', 'b', 'c']}, {'key': 'dq', 'label': 'q', 'members': ['d/p/q']}, {'key': 'ds', "
				"'label': 's', 'members': ['d/p/s']}"),
		   "every line of a grant counted individually (two and three levels)")) {
		eq(row_value(2020, "ax"), 10, "row ax = a/x");
		eq(row_value(2020, "ay"), 32, "row ay = a/y + b + c");
		eq(row_value(2020, "dq"), 3, "row dq = d/p/q (a parent line)");
	}
	passed(load_summary("{'key': 'r1', 'label': 'r1', 'members': ['d/p/q/r1', 'd/p/q/r2']}, {'key': 'r2', 'label': "
			    "'rest', 'members': ['d/p/s', 'a', 'b', 'c']}"),
	       "the leaves of a three-level breakdown counted individually");
	failed(load_summary("{'key': 'r1', 'label': 'A', 'members': ['a/x', 'b', 'c', 'd']}"), ST_COMPUTE,
	       "only some lines of a grant counted",
	       "year 2020: line 'a/y' is in no summary row, while other lines of grant 'a' are", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'A', 'members': ['a', 'b', 'c', 'd/p/q/r1', 'd/p/s']}"), ST_COMPUTE,
	       "a leaf three levels down not counted", "line 'd/p/q/r2' is in no summary row", NULL);

	/* "summary": false */
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'c', 'd', 'e']}"), ST_COMPUTE,
	       "a grant with \"summary\": false counted",
	       "year 2020: grant 'e' has \"summary\": false but a summary row counts it", NULL);

	/* Unknown members. */
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'c', 'd', 'zz']}"), ST_COMPUTE,
	       "an unknown grant as a member", "year 2020, summary row 'r1': member 'zz': no grant 'zz' in 2020", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a/z', 'b', 'c', 'd']}"), ST_COMPUTE,
	       "an unknown line as a member", "summary row 'r1': member 'a/z': grant 'a' has no line 'z'", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'c', 'd'], 'rows': [{'key': 'v', "
			    "'label': 'v', 'members': ['d/p/zz']}]}"),
	       ST_COMPUTE, "an unknown line in a varav row", "summary row 'v': member 'd/p/zz': grant 'd' has no line 'p/zz'",
	       NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'B']}"), ST_PARSE,
	       "a member that is no key", "years[0].summary[0].members[1]: 'B' (expected a grant key", NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a/']}"), ST_PARSE, "a member ending in '/'",
	       "years[0].summary[0].members[0]: 'a/'", NULL);

	/* Varav rows: not coverage, not sums. */
	failed(load_summary("{'key': 'r1', 'label': 'ABD', 'members': ['a', 'b', 'd'], 'rows': [{'key': 'v1', 'label': "
			    "'C', 'members': ['c']}]}"),
	       ST_COMPUTE, "a grant counted only by a varav row", "year 2020: grant 'c' is in no summary row", NULL);
	if (passed(load_summary("{'key': 'r1', 'label': 'A', 'members': ['a'], 'rows': [{'key': 'v1', 'label': 'x', "
				"'members': ['a/x']}, {'key': 'v2', 'label': 'y', 'members': ['a/y']}, {'key': 'v3', "
				"'label': 'text'}]}, {'key': 'r2', 'label': 'BCD', 'members': ['b', 'c', 'd']}"),
		   "varav rows under a row")) {
		eq(row_value(2020, "r1"), 30, "a row's value is its members', not its varav rows' added");
		eq(row_value(2020, "v1"), 10, "varav row v1");
		eq(row_value(2020, "v2"), 20, "varav row v2");
		const struct rg_row *v3 = row(2020, "v3");
		ok(v3 && !v3->has_members && v3->value == 0, "a varav row without members is text only");
		struct rg_comparison cmp;
		const struct rg_year *y = rg_year_find(&R, 2020);
		if (ok(y && rg_compare(&R, NULL, y, &cmp, &E) == 0, "rg_compare of one year"))
			eq(cmp.total[1], 49, "the sum leaves the varav rows out (r1 30 + r2 19)");
	}
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'c', 'd'], 'rows': [{'key': 'v', "
			    "'label': 'v', 'members': ['b'], 'rows': [{'key': 'w', 'label': 'w', 'members': ['b']}]}]}"),
	       ST_PARSE, "a varav row with rows of its own", "years[0].summary[0].rows[0].rows: varav rows cannot have rows",
	       NULL);
	failed(load_summary("{'key': 'r1', 'label': 'All', 'members': ['a', 'b', 'c', 'd'], 'rows': [{'key': 'r1', "
			    "'label': 'again', 'members': ['b']}]}"),
	       ST_COMPUTE, "a row key used twice (once as a varav row)",
	       "year 2020: summary row key 'r1' is used twice", NULL);
	failed(load_summary(""), ST_COMPUTE, "'summary': [] counts nothing", "grant 'a' is in no summary row", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 60000000000000}], 'summary': "
		    "[{'key': 'r1', 'label': 'Twice', 'members': ['a', 'a']}]}"),
	       ST_COMPUTE, "a summary row whose members pass the bound of amounts (checked before it overflows)",
	       "year 2020, summary row 'r1': its members add up to more than 100 000 000 000 000 kronor", NULL);

	/* Sections. */
	const char *sec = "'sections': [{'key': 's1', 'title': 'Överenskommelser'}, {'key': 's2', 'title': 'Övriga'}], "
			  "'grants': [{'key': 'a', 'title': 'A', 'section': 's1', 'amount': 1}, {'key': 'b', 'title': "
			  "'B', 'section': 's1', 'amount': 2}, {'key': 'c', 'title': 'C', 'section': 's2', 'amount': 4}]";
	char *y = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'r1', 'label': 'AB', 'members': ['a', 'b']}, "
			    "{'key': 'r2', 'label': 'C', 'members': ['c']}, {'key': 't', 'label': 'Text', 'section': 's2'}, "
			    "{'key': 'z', 'label': 'Zero', 'members': [], 'section': 's1'}]}",
			    sec);
	if (passed(load(y), "rows taking their members' section")) {
		const struct rg_row *r = row(2020, "r2");
		str_eq(r ? r->section : NULL, "s2", "row r2's section is its member's");
		eq(row_value(2020, "z"), 0, "'members': [] is a figure of 0");
	}
	free(y);
	y = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'r1', 'label': 'BC', 'members': ['a', 'b', 'c']}]}", sec);
	failed(load(y), ST_COMPUTE, "members in different sections in one row",
	       "year 2020, summary row 'r1': member 'c' is in section 's2', the row in 's1'", NULL);
	free(y);
	y = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'r1', 'label': 'AB', 'section': 's2', 'members': ['a', "
		      "'b']}, {'key': 'r2', 'label': 'C', 'members': ['c']}]}",
		      sec);
	failed(load(y), ST_COMPUTE, "a row's section differing from its members'",
	       "member 'a' is in section 's1', the row in 's2'",
	       NULL);
	free(y);
	y = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'r1', 'label': 'ABC', 'members': ['a', 'b']}, {'key': "
		      "'r2', 'label': 'C', 'members': ['c']}, {'key': 't', 'label': 'Text'}]}",
		      sec);
	failed(load(y), ST_COMPUTE, "a text row without a section when the year has sections",
	       "year 2020, summary row 't': no section", NULL);
	free(y);
	failed(load("{'year': 2020, 'sections': [{'key': 's1', 'title': 'S'}], 'grants': [{'key': 'a', 'title': 'A', "
		    "'amount': 1}]}"),
	       ST_COMPUTE, "a grant without a section when the year has sections",
	       "year 2020, grant 'a': no section (the year has sections)", NULL);
	failed(load("{'year': 2020, 'sections': [{'key': 's1', 'title': 'S'}], 'grants': [{'key': 'a', 'title': 'A', "
		    "'section': 's9', 'amount': 1}]}"),
	       ST_COMPUTE, "a grant in an unknown section", "year 2020, grant 'a': unknown section 's9'", NULL);

	/* A varav row is in its row's section: naming another is refused (the
	 * dump leaves a varav row's section out, being its row's). */
	y = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'r1', 'label': 'AB', 'members': ['a', 'b'], 'rows': "
		      "[{'key': 'v', 'label': 'v', 'section': 'nowhere', 'members': ['a']}]}, {'key': 'r2', 'label': 'C', "
		      "'members': ['c']}]}",
		      sec);
	failed(load(y), ST_COMPUTE, "a varav row naming another section",
	       "summary row 'v': a varav row is in its row's section 's1', not 'nowhere'", NULL);
	free(y);
}

/* ---- 6. comparing years ------------------------------------------------ */

#define SECTIONS "'sections': [{'key': 's1', 'title': 'Överenskommelser'}, {'key': 's2', 'title': 'Övriga'}]"
/* 2019: row a counts line x of g, row b line y; civ stands alone; old is a
 * grant (and row) of 2019 only. */
#define CMP_2019                                                                                                  \
	"{'year': 2019, " SECTIONS ", 'grants': ["                                                                \
	"{'key': 'g', 'title': 'G', 'section': 's1', 'lines': [{'key': 'x', 'title': 'X', 'amount': 100}, "          \
	"{'key': 'y', 'title': 'Y', 'amount': 200}]},"                                                            \
	"{'key': 'old', 'title': 'Old', 'section': 's1', 'amount': 7},"                                           \
	"{'key': 'c', 'title': 'Civilt försvar', 'section': 's1', 'amount': 50},"                                 \
	"{'key': 'o', 'title': 'O', 'section': 's2', 'amount': 9}],"                                              \
	"'summary': ["                                                                                            \
	"{'key': 'a', 'label': 'Row A', 'members': ['g/x']},"                                                     \
	"{'key': 'b', 'label': 'Row B', 'members': ['g/y']},"                                                     \
	"{'key': 'old', 'label': 'Gammal', 'members': ['old']},"                                                  \
	"{'key': 'civ', 'label': 'Civilberedskapsplanering', 'members': ['c']},"                                  \
	"{'key': 'oth', 'label': 'Övrigt', 'members': ['o']}]}"
/* 2020: line x is counted by row b, y by row a; civ is a varav row under p;
 * n and its row new are new. */
#define CMP_2020                                                                                                  \
	"{'year': 2020, " SECTIONS ", 'grants': ["                                                                \
	"{'key': 'g', 'title': 'G', 'section': 's1', 'lines': [{'key': 'x', 'title': 'X', 'amount': 110}, "          \
	"{'key': 'y', 'title': 'Y', 'amount': 220}]},"                                                            \
	"{'key': 'vf', 'title': 'Vårdförlopp', 'section': 's1', 'amount': 30},"                                   \
	"{'key': 'c', 'title': 'Civilt försvar', 'section': 's1', 'amount': 60},"                                 \
	"{'key': 'o', 'title': 'O', 'section': 's2', 'amount': 11},"                                              \
	"{'key': 'n', 'title': 'N', 'section': 's2', 'amount': 13, 'flags': ['new']}],"                           \
	"'summary': ["                                                                                            \
	"{'key': 'b', 'label': 'Row B', 'members': ['g/x']},"                                                     \
	"{'key': 'a', 'label': 'Row A', 'members': ['g/y']},"                                                     \
	"{'key': 'p', 'label': 'Patientsäkerhet', 'members': ['vf', 'c'], 'rows': ["                              \
	"{'key': 'vf', 'label': 'Vårdförlopp', 'members': ['vf']},"                                               \
	"{'key': 'civ', 'label': 'Civilberedskapsplanering', 'members': ['c']}]},"                                \
	"{'key': 'oth', 'label': 'Övrigt 2020', 'members': ['o']},"                                               \
	"{'key': 'new', 'label': 'Ny', 'members': ['n']}]}"

static void test_compare(void)
{
	diag("6. comparing years");
	struct rg_comparison cmp;
	char order[256];
	if (passed(load(CMP_2019 "," CMP_2020), "two years with different groupings")) {
		const struct rg_year *y19 = rg_year_find(&R, 2019), *y20 = rg_year_find(&R, 2020);
		if (ok(rg_compare(&R, y19, y20, &cmp, &E) == 0, "rg_compare 2019, 2020")) {
			eq(cmp.year[0], 2019, "year[0]");
			eq(cmp.year[1], 2020, "year[1]");
			eq((int64_t)cmp.nsections, 2, "two sections");
			const struct rg_cmp_section *s1 = &cmp.sections[0], *s2 = &cmp.sections[1];
			str_eq(s1->key, "s1", "section 1's key");
			str_eq(s1->title, "Överenskommelser", "section 1's title");
			eq(s1->sum[0], 357, "s1 2019 by 2019's rows: a 100 + b 200 + old 7 + civ 50");
			eq(s1->sum[1], 420, "s1 2020 by 2020's rows: b 110 + a 220 + p 90 (not its varav rows)");
			eq(s2->sum[0], 9, "s2 2019");
			eq(s2->sum[1], 24, "s2 2020: oth 11 + new 13");
			ok(s1->has[0] && s1->has[1] && s2->has[0] && s2->has[1], "both sections in both years");
			eq(cmp.total[0], 366, "total 2019");
			eq(cmp.total[1], 444, "total 2020");
			row_order(s1, order, sizeof(order));
			str_eq(order, "b,old,a,p,vf,civ", "s1's rows: 2020's order, old after b (its predecessor in 2019)");
			row_order(s2, order, sizeof(order));
			str_eq(order, "oth,new", "s2's rows");
			/* x moved from row a to row b: each row's figure by its own year's members. */
			check_cmp_row(&cmp, "b", true, 200, true, 110, 0, 0, 0);
			check_cmp_row(&cmp, "a", true, 100, true, 220, 0, 0, 0);
			check_cmp_row(&cmp, "old", true, 7, false, 0, 0, -1, 0);
			check_cmp_row(&cmp, "p", false, 0, true, 90, -1, 0, 0);
			check_cmp_row(&cmp, "vf", false, 0, true, 30, -1, 1, 1);
			check_cmp_row(&cmp, "civ", true, 50, true, 60, 0, 1, 1);
			check_cmp_row(&cmp, "oth", true, 9, true, 11, 0, 0, 0);
			check_cmp_row(&cmp, "new", false, 0, true, 13, -1, 0, 0);
			const struct rg_cmp_row *civ = cmp_row(&cmp, "civ", NULL);
			str_eq(civ ? civ->moved : NULL, "", "civ stood alone in 2019: moved is \"\"");
			const struct rg_cmp_row *b = cmp_row(&cmp, "b", NULL);
			str_eq(b ? b->moved : NULL, NULL, "b did not move: moved is NULL");
			str_eq(b ? b->earlier_label : NULL, NULL, "b's label is the same: no earlier label");
			const struct rg_cmp_row *oth = cmp_row(&cmp, "oth", NULL);
			str_eq(oth ? oth->label : NULL, "Övrigt 2020", "oth's label is 2020's");
			str_eq(oth ? oth->earlier_label : NULL, "Övrigt", "oth's 2019 label differs: earlier_label");
			const struct rg_cmp_row *old = cmp_row(&cmp, "old", NULL);
			str_eq(old ? old->label : NULL, "Gammal", "a 2019-only row keeps its 2019 label");
			check_parents(&cmp, y19, y20, "2019, 2020");
			check_chart(&cmp, "2019, 2020");
			eq((int64_t)rg_chart_bar(&cmp, cmp_row(&cmp, "civ", NULL), 1), RG_BAR_VARAV,
			   "civ: alone in 2019, a varav row in 2020: its 2020 figure has a varav bar");
			eq((int64_t)rg_chart_bar(&cmp, cmp_row(&cmp, "civ", NULL), 0), RG_BAR_SUM,
			   "civ: its 2019 bar is counted in 2019's sum");
			ok(!rg_chart_row(cmp_row(&cmp, "vf", NULL)), "vf, a varav row only, is not charted");
		}
		/* The later year alone. */
		if (ok(rg_compare(&R, NULL, y20, &cmp, &E) == 0, "rg_compare NULL, 2020")) {
			eq(cmp.year[0], 0, "one year: year[0] is 0");
			eq(cmp.total[0], 0, "one year: total[0] is 0");
			eq(cmp.total[1], 444, "one year: total[1]");
			ok(!cmp.sections[0].has[0] && cmp.sections[0].has[1], "one year: section has[0] false, has[1] true");
			row_order(&cmp.sections[0], order, sizeof(order));
			str_eq(order, "b,a,p,vf,civ", "one year: s1's rows");
			check_cmp_row(&cmp, "civ", false, 0, true, 60, -1, 1, 1);
			const struct rg_cmp_row *civ = cmp_row(&cmp, "civ", NULL);
			str_eq(civ ? civ->moved : NULL, NULL, "one year: nothing moved");
		}
		failed(rg_compare(&R, y19, NULL, &cmp, &E), ST_OK, "rg_compare without a later year", "no year to compare",
		       NULL);
	}

	/* Rows moving between parents and out of them; a parent of 2019 only. */
	const char *g3 = "'grants': [{'key': 'm1', 'title': 'M1', 'amount': 1}, {'key': 'm2', 'title': 'M2', 'amount': 2}, "
			 "{'key': 'm3', 'title': 'M3', 'amount': 3}]";
	char *y19 = xasprintf("{'year': 2019, %s, 'summary': [{'key': 'px', 'label': 'Parent X', 'members': ['m1', 'm2'], "
			      "'rows': [{'key': 'k1', 'label': 'K1', 'members': ['m1']}, {'key': 'k2', 'label': 'K2', "
			      "'members': ['m2']}]}, {'key': 'py', 'label': 'Parent Y', 'members': ['m3'], 'rows': [{'key': "
			      "'k3', 'label': 'K3', 'members': ['m3']}]}]}",
			      g3);
	char *y20 = xasprintf("{'year': 2020, %s, 'summary': [{'key': 'k1', 'label': 'K1', 'members': ['m1']}, {'key': "
			      "'py', 'label': 'Parent Y', 'members': ['m2', 'm3'], 'rows': [{'key': 'k2', 'label': 'K2', "
			      "'members': ['m2']}, {'key': 'k3', 'label': 'K3', 'members': ['m3']}]}]}",
			      g3);
	char *both = xasprintf("%s, %s", y19, y20);
	if (passed(load(both), "rows leaving a parent of 2019 only")) {
		if (ok(rg_compare(&R, rg_year_find(&R, 2019), rg_year_find(&R, 2020), &cmp, &E) == 0, "rg_compare")) {
			eq((int64_t)cmp.nsections, 1, "no sections: one unnamed section");
			str_eq(cmp.sections[0].key, NULL, "the unnamed section's key");
			eq(cmp.sections[0].sum[0], 6, "2019: px 3 + py 3");
			eq(cmp.sections[0].sum[1], 6, "2020: k1 1 + py 5");
			const struct rg_cmp_row *k1 = cmp_row(&cmp, "k1", NULL), *k2 = cmp_row(&cmp, "k2", NULL),
						*k3 = cmp_row(&cmp, "k3", NULL);
			str_eq(k1 ? k1->moved : NULL, "Parent X", "k1, varav of px in 2019, alone in 2020: moved");
			check_cmp_row(&cmp, "k1", true, 1, true, 1, 1, 0, 0);
			str_eq(k2 ? k2->moved : NULL, "Parent X", "k2, from under px to under py: moved");
			str_eq(k3 ? k3->moved : NULL, NULL, "k3, under py both years: not moved");
			check_cmp_row(&cmp, "px", true, 3, false, 0, 0, -1, 0);
			check_cmp_row(&cmp, "py", true, 3, true, 5, 0, 0, 0);
			row_order(&cmp.sections[0], order, sizeof(order));
			str_eq(order, "px,k1,py,k2,k3",
			       "px, 2019's first row and 2019 only, comes first, not after 2020's rows");
			check_parents(&cmp, rg_year_find(&R, 2019), rg_year_find(&R, 2020), "rows leaving px");
			check_chart(&cmp, "rows leaving px");
		}
	}
	free(both);
	free(y20);

	/* A year without sections compared with one that has them: the earlier
	 * year's rows (section NULL) get an unnamed section of their own. */
	y20 = xasprintf("{'year': 2020, 'sections': [{'key': 's1', 'title': 'S'}], 'grants': [{'key': 'm1', 'title': "
			"'M1', 'section': 's1', 'amount': 1}], 'summary': [{'key': 'k1', 'label': 'K1', 'members': ['m1']}]}");
	both = xasprintf("%s, %s", y19, y20);
	if (passed(load(both), "a year without sections and one with")) {
		if (ok(rg_compare(&R, rg_year_find(&R, 2019), rg_year_find(&R, 2020), &cmp, &E) == 0, "rg_compare")) {
			eq(cmp.total[0], 6, "the comparison's total for 2019 (no sections) is 2019's total");
			const struct rg_cmp_row *px = NULL;
			for (size_t s = 0; s < cmp.nsections && !px; s++)
				for (size_t i = 0; i < cmp.sections[s].nrows; i++)
					if (strcmp(cmp.sections[s].rows[i].key, "px") == 0)
						px = &cmp.sections[s].rows[i];
			ok(px != NULL, "2019's row px is in the comparison");
		}
	}
	free(both);
	free(y20);
	free(y19);

	/* A grant of one year only, with the default summaries. */
	if (passed(load("{'year': 2019, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}, {'key': 'gone', 'title': "
			"'Gone', 'amount': 2}]}, {'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 10}, {'key': "
			"'fresh', 'title': 'Fresh', 'amount': 20, 'replaces': ['gone']}]}"),
		   "default summaries, a grant replaced by another")) {
		if (ok(rg_compare(&R, rg_year_find(&R, 2019), rg_year_find(&R, 2020), &cmp, &E) == 0, "rg_compare")) {
			row_order(&cmp.sections[0], order, sizeof(order));
			str_eq(order, "a,gone,fresh", "gone follows a, its predecessor in 2019");
			check_cmp_row(&cmp, "gone", true, 2, false, 0, 0, -1, 0);
			check_cmp_row(&cmp, "fresh", false, 0, true, 20, -1, 0, 0);
			eq(cmp.sections[0].sum[0], 3, "2019's sum includes the 2019-only grant");
			eq(cmp.sections[0].sum[1], 30, "2020's sum includes the new grant");
		}
	}
	failed(load("{'year': 2019, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}]}, {'year': 2020, 'grants': [{'key': "
		    "'b', 'title': 'B', 'amount': 1, 'replaces': ['zz']}]}"),
	       ST_COMPUTE, "replaces naming no grant of the year before",
	       "year 2020, grant 'b': replaces 'zz', which is not a grant of 2019", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}]}, {'year': 2020, 'grants': [{'key': "
		    "'a', 'title': 'A', 'amount': 1}]}"),
	       ST_COMPUTE, "a year given twice", "year 2020 is given twice", NULL);
}

/* 6b. A varav row of the earlier year only belongs under its own year's
 * parent (issue 14): 2020 has Patientsäkerhet with the varav rows
 * Vårdförlopp and Civilberedskapsplanering; 2021 has Vårdförlopp as a row of
 * its own and no Civilberedskapsplanering.  Civilberedskapsplanering must
 * stand under Patientsäkerhet, never under 2021's Vårdförlopp.  2021 has no
 * rows in section s2. */
#define VARAV_2020                                                                                                \
	"{'year': 2020, " SECTIONS ", 'grants': ["                                                                \
	"{'key': 'canc', 'title': 'Cancervård', 'section': 's1', 'amount': 3840000},"                             \
	"{'key': 'vf', 'title': 'Vårdförlopp', 'section': 's1', 'amount': 2600000},"                              \
	"{'key': 'c', 'title': 'Civilt försvar', 'section': 's1', 'amount': 1300000},"                            \
	"{'key': 'sj', 'title': 'Sjukskrivning', 'section': 's1', 'amount': 10600000},"                           \
	"{'key': 'o', 'title': 'O', 'section': 's2', 'amount': 1680000}],"                                        \
	"'summary': ["                                                                                            \
	"{'key': 'canc', 'label': 'Cancervårdens SVF', 'members': ['canc']},"                                     \
	"{'key': 'p', 'label': 'Patientsäkerhet', 'members': ['vf', 'c'], 'rows': ["                              \
	"{'key': 'vf', 'label': 'Personcentrerade Vårdförlopp', 'members': ['vf']},"                              \
	"{'key': 'civ', 'label': 'Civilberedskapsplanering', 'members': ['c']}]},"                                \
	"{'key': 'sj', 'label': 'Sjukskrivning', 'members': ['sj']},"                                             \
	"{'key': 'o', 'label': 'Övrigt', 'members': ['o']}]}"
#define VARAV_2021                                                                                                \
	"{'year': 2021, 'sections': [{'key': 's1', 'title': 'Överenskommelser'}], 'grants': ["                   \
	"{'key': 'canc', 'title': 'Cancervård', 'section': 's1', 'amount': 4100000},"                             \
	"{'key': 'vf', 'title': 'Vårdförlopp', 'section': 's1', 'amount': 2900000}],"                             \
	"'summary': ["                                                                                            \
	"{'key': 'canc', 'label': 'Cancervårdens SVF', 'members': ['canc']},"                                     \
	"{'key': 'vf', 'label': 'Personcentrerade och sammanhållna vårdförlopp', 'members': ['vf']}]}"

static void test_compare_varav(void)
{
	diag("6b. a varav row of the earlier year only, under its own parent");
	struct rg_comparison cmp;
	char order[256];
	if (passed(load(VARAV_2020 "," VARAV_2021), "2020 with varav rows, 2021 with one of them standing alone")) {
		const struct rg_year *y20 = rg_year_find(&R, 2020), *y21 = rg_year_find(&R, 2021);
		if (ok(rg_compare(&R, y20, y21, &cmp, &E) == 0, "rg_compare 2020, 2021")) {
			size_t sec = 99;
			const struct rg_cmp_row *civ = cmp_row(&cmp, "civ", &sec);
			eq((int64_t)sec, 0, "civ is in section s1");
			row_order(&cmp.sections[0], order, sizeof(order));
			str_eq(order, "canc,p,civ,sj,vf",
			       "s1: civ right under p, its 2020 parent; sj after p's block; 2021's vf in 2021's place");
			check_cmp_row(&cmp, "civ", true, 1300000, false, 0, 1, -1, 1);
			check_cmp_row(&cmp, "vf", true, 2600000, true, 2900000, 1, 0, 0);
			check_cmp_row(&cmp, "p", true, 3900000, false, 0, 0, -1, 0);
			const struct rg_cmp_row *vf = cmp_row(&cmp, "vf", NULL);
			str_eq(vf ? vf->moved : NULL, "Patientsäkerhet", "vf: 2020 had it under Patientsäkerhet");
			/* The row above civ: the old placement put it under vf. */
			size_t i = civ ? (size_t)(civ - cmp.sections[0].rows) : 0;
			ok(civ && i > 0 && strcmp(cmp.sections[0].rows[i - 1].key, "p") == 0,
			   "the row above civ is p, not 2021's vf");
			check_parents(&cmp, y20, y21, "2020, 2021");
			/* 2021 has no rows in s2: its sum is absent, not 0. */
			ok(cmp.sections[1].has[0] && !cmp.sections[1].has[1], "s2: 2020 has rows, 2021 none");
			eq(cmp.sections[0].sum[0], 3840000 + 3900000 + 10600000, "s1 2020: canc + p + sj, not its varav rows");
			eq(cmp.sections[0].sum[1], 4100000 + 2900000, "s1 2021: canc + vf");
			/* The chart: vf's 2020 figure (2,60), shown by the table on
			 * vf's row, has a bar, a varav bar: it is inside p's 3,90. */
			ok(vf && rg_chart_row(vf), "vf is charted");
			eq((int64_t)rg_chart_bar(&cmp, vf, 0), RG_BAR_VARAV, "vf's 2020 bar (2,60): a varav bar");
			eq((int64_t)rg_chart_bar(&cmp, vf, 1), RG_BAR_SUM, "vf's 2021 bar: counted in 2021's sum");
			ok(civ && !rg_chart_row(civ), "civ, a varav row only, is not charted: it is in p's bar");
			check_chart(&cmp, "2020, 2021");
		}
		/* The later year alone: no earlier bars. */
		if (ok(rg_compare(&R, NULL, y21, &cmp, &E) == 0, "rg_compare NULL, 2021")) {
			const struct rg_cmp_row *vf = cmp_row(&cmp, "vf", NULL);
			eq((int64_t)rg_chart_bar(&cmp, vf, 0), RG_BAR_NONE, "one year: no bar for year[0]");
			check_chart(&cmp, "2021 alone");
		}
	}

	/* The earlier parent matched to a later varav row: its earlier-only
	 * rows stand under it, one level deeper. */
	const char *g = "'grants': [{'key': 'm1', 'title': 'M1', 'amount': 1}, {'key': 'm2', 'title': 'M2', 'amount': 2}, "
			"{'key': 'm3', 'title': 'M3', 'amount': 4}]";
	char *both = xasprintf(
		"{'year': 2020, %s, 'summary': [{'key': 'x', 'label': 'X', 'members': ['m3']}, {'key': 'p', 'label': 'P', "
		"'members': ['m1', 'm2'], 'rows': [{'key': 'c1', 'label': 'C1', 'members': ['m1']}, {'key': 'c2', "
		"'label': 'C2', 'members': ['m2']}]}]}, "
		"{'year': 2021, %s, 'summary': [{'key': 'q', 'label': 'Q', 'members': ['m1', 'm2'], 'rows': [{'key': 'p', "
		"'label': 'P', 'members': ['m1', 'm2']}]}, {'key': 'x', 'label': 'X', 'members': ['m3']}]}",
		g, g);
	if (passed(load(both), "a parent of 2020 that is a varav row in 2021")) {
		const struct rg_year *y20 = rg_year_find(&R, 2020), *y21 = rg_year_find(&R, 2021);
		if (ok(rg_compare(&R, y20, y21, &cmp, &E) == 0, "rg_compare")) {
			row_order(&cmp.sections[0], order, sizeof(order));
			str_eq(order, "q,p,c1,c2,x", "c1 and c2 under p, their 2020 parent, though p is under q in 2021");
			check_cmp_row(&cmp, "c1", true, 1, false, 0, 1, -1, 2);
			check_cmp_row(&cmp, "c2", true, 2, false, 0, 1, -1, 2);
			check_parents(&cmp, y20, y21, "p under q");
			check_chart(&cmp, "p under q");
		}
	}
	free(both);
}

/* ---- 7. fmt_mkr -------------------------------------------------------- */

static void test_fmt_mkr(void)
{
	diag("7. fmt_mkr");
	static const struct {
		int64_t kr;
		const char *want;
	} cases[] = {
		{71862709, "71,86"},    {174630000, "174,63"}, {188000, "0,19"},      {1685000, "1,69"},
		{1675000, "1,68"},      {1684999, "1,68"},     {0, "0,00"},           {-1685000, "-1,69"},
		{-71862709, "-71,86"},  {-4999, "0,00"},       {-5000, "-0,01"},      {5000, "0,01"},
		{999995000, "1 000,00"}, {RG_AMOUNT_MAX, "100 000 000,00"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(cases); i++) {
		char buf[NUM_BUFSZ];
		str_eq(fmt_mkr(cases[i].kr, buf), cases[i].want, "fmt_mkr(%lld)", (long long)cases[i].kr);
	}
	/* Changes, as the Markdown and PDF comparisons print them (one function). */
	static const struct {
		int64_t kr;
		const char *want;
	} changes[] = {
		{41300000, "+41,30"}, {-1200000, "-1,20"}, {3000, "0,00"}, {-3000, "0,00"}, {0, "0,00"}, {5000, "+0,01"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(changes); i++) {
		char buf[NUM_BUFSZ + 1];
		str_eq(fmt_mkr_change(changes[i].kr, buf), changes[i].want, "fmt_mkr_change(%lld)",
		       (long long)changes[i].kr);
	}
}

/* ---- 8. CSV ------------------------------------------------------------ */

/* Seed 002's God och nära vård 2020, as the example file has it. */
static const char GNV_CSV[] =
	"# Seed 002: God och nära vård 2020 (RS/195/2020), Region Jämtland Härjedalens fördelning.\n"
	"område;delområde;belopp;nyckel\n"
	"Utvecklingen av den nära vården med fokus på primärvården;;;utveckling-nara-vard\n"
	";Nära vård/primärvård;18 174 397;nara-vard\n"
	";Generell resursförstärkning;18 997 627;resursforstarkning\n"
	"Ökad tillgänglighet i barnhälsovården;;;barnhalsovard\n"
	";Barnhälsovård;1 140 877;barnhalsovard\n"
	"Goda förutsättningar för vårdens medarbetare;;;medarbetare\n"
	";Vårdens medarbetare;23 037 789;vardens-medarbetare\n"
	";Vidareutbildning specialistsjuksköterskor;6 332 542;vidareutbildning\n"
	";Karriärtjänster för specialistsjuksköterskor;1 266 508;karriartjanster\n"
	"Insatser inom ramen för Vision e-hälsa 2025;;;e-halsa\n"
	";E hälsa;2 912 969;e-halsa\n"
	"TOTALT;;71 862 709;\n";

/* The same without keys: titles as the seed prints them ("- "), one area
 * with an amount of its own, keys made from the titles. */
static const char GNV_NOKEY_CSV[] = "område;delområde;belopp\n"
				    "Utvecklingen av den nära vården med fokus på primärvården;;\n"
				    ";- Nära vård/primärvård;18 174 397\n"
				    ";- Generell resursförstärkning;18 997 627\n"
				    "Ökad tillgänglighet i barnhälsovården;;\n"
				    ";-Barnhälsovård;1 140 877\n"
				    "Goda förutsättningar för vårdens medarbetare;;\n"
				    ";- Vårdens medarbetare;23 037 789\n"
				    ";- Vidareutbildning specialistsjuksköterskor;6 332 542\n"
				    ";- Karriärtjänster för specialistsjuksköterskor;1 266 508\n"
				    "Insatser inom ramen för Vision e-hälsa 2025;;2 912 969\n"
				    "\n"
				    "Totalt;;71 862 709\n";

#define ONE_GRANT "{'year': 2020, 'grants': [{'key': 'gnv', 'title': 'God och nära vård', 'amount': 71862709}]}"

/* lines_csv: load ONE_GRANT, replace the breakdown of 'gnv' from csv, then
 * compute: 0, or -1 with S saying which step refused. */
static int lines_csv(const char *csv)
{
	if (load(ONE_GRANT)) {
		diag("ONE_GRANT: %s", E.msg);
		return -1;
	}
	struct rg_grant *g = (struct rg_grant *)rg_grant_find(rg_year_find(&R, 2020), "gnv");
	if (regfile_lines_csv(&R, g, csv, strlen(csv), "g.csv", &E)) {
		S = ST_PARSE;
		return -1;
	}
	if (rg_compute(&R, &E)) {
		S = ST_COMPUTE;
		return -1;
	}
	return 0;
}

static void test_lines_csv(void)
{
	diag("8a. lines from CSV");
	char slug[80];
	regfile_slug("Nära vård/primärvård", slug, sizeof(slug));
	str_eq(slug, "nara-vard-primarvard", "regfile_slug(\"Nära vård/primärvård\")");
	regfile_slug("  Ökad tillgänglighet – i BARNHÄLSOVÅRDEN! ", slug, sizeof(slug));
	str_eq(slug, "okad-tillganglighet-i-barnhalsovarden", "regfile_slug: case, punctuation, an unmapped dash");
	regfile_slug("–", slug, sizeof(slug));
	str_eq(slug, "rad", "regfile_slug of nothing usable");

	if (passed(lines_csv(GNV_CSV), "seed 002's God och nära vård table with keys")) {
		eq(line_of(2020, "gnv", "utveckling-nara-vard"), 37172024, "area utveckling-nara-vard = its sub-areas");
		eq(line_of(2020, "gnv", "medarbetare"), 30636839, "area medarbetare = its three sub-areas");
		eq(line_of(2020, "gnv", "e-halsa/e-halsa"), 2912969, "e-halsa/e-halsa");
		const struct rg_grant *g = grant(2020, "gnv");
		eq(g ? g->breakdown : ABSENT, 71862709, "the breakdown: 71 862 709");
		eq(g ? (int64_t)g->nlines : ABSENT, 4, "four areas");
		eq((int64_t)discrepancies(), 0, "amount = breakdown");
	}
	if (passed(lines_csv(GNV_NOKEY_CSV), "the same table without keys, titles with '- '")) {
		const struct rg_grant *g = grant(2020, "gnv");
		const struct rg_line *l = g ? rg_line_find(g, "utvecklingen-av-den-nara-varden-med-fokus-pa-primarvarden/"
							     "nara-vard-primarvard")
					    : NULL;
		ok(l && l->amount == 18174397, "the key of 'Nära vård/primärvård' made from the title");
		str_eq(l ? l->title : NULL, "Nära vård/primärvård", "'- ' stripped from the title");
		l = g ? rg_line_find(g, "okad-tillganglighet-i-barnhalsovarden/barnhalsovard") : NULL;
		str_eq(l ? l->title : NULL, "Barnhälsovård", "'-' stripped from the title");
		eq(line_of(2020, "gnv", "goda-forutsattningar-for-vardens-medarbetare"), 30636839, "area by its made key");
		l = g ? rg_line_find(g, "insatser-inom-ramen-for-vision-e-halsa-2025") : NULL;
		ok(l && l->has_amount && l->nlines == 0 && l->amount == 2912969, "an area row with an amount is a leaf");
		eq(g ? g->breakdown : ABSENT, 71862709, "the breakdown");
	}

	/* TOTALT */
	char *bad = xstrdup(GNV_CSV);
	char *t = strstr(bad, "71 862 709");
	t[9] = '0'; /* 71 862 700 */
	failed(lines_csv(bad), ST_PARSE, "a TOTALT that disagrees",
	       "g.csv:14: TOTALT typed as 71 862 700 kr, but the rows above add up to 71 862 709 kr", NULL);
	free(bad);
	passed(lines_csv("område;delområde;belopp\nA;;1\nSUMMA;;1\nB;;2\nSumma:;;3\n"), 
	       "SUMMA and Summa: checks along the way");
	failed(lines_csv("område;delområde;belopp\nA;;1\nB;;2\nTOTALT:;;4\n"), ST_PARSE, "'TOTALT:' that disagrees",
	       "g.csv:4: TOTALT: typed as 4 kr, but the rows above add up to 3 kr", NULL);

	/* Bad input. */
	failed(lines_csv("# a comment\nområde;delområde;summa\nA;;1\n"), ST_PARSE, "an unknown column",
	       "g.csv:2: column 3: unknown column 'summa'", "expected: område, delområde, belopp, landet, nyckel", NULL);
	failed(lines_csv("område;belopp\nA;1\n"), ST_PARSE, "a missing column", "g.csv:1: no column 'delområde'", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;\n;B;1\n;C;42 045981\n"), ST_PARSE, "an amount with a bad digit group",
	       "g.csv:4: column 'belopp': '42 045981': digit groups must be three digits", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;-5\n"), ST_PARSE, "a negative amount",
	       "g.csv:2: column 'belopp': '-5' is negative", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;60 000 000 000 000\nB;;60 000 000 000 000\n"), ST_PARSE,
	       "lines whose sum passes the bound of amounts",
	       "g.csv:3: the lines add up to more than 100 000 000 000 000 kronor", NULL);
	failed(lines_csv("område;delområde;belopp\n;B;1\n"), ST_PARSE, "a sub-area before any area",
	       "g.csv:2: column 'område': a sub-area before any area", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;5\n;B;1\n"), ST_PARSE, "an area with an amount, then sub-areas",
	       "g.csv:3: area 'A' has an amount of its own and then sub-areas", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;\n;B;\n"), ST_PARSE, "a sub-area without amount",
	       "g.csv:3: column 'belopp': empty (expected the amount of 'B')", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;\nB;;1\n"), ST_PARSE, "an area with neither amount nor sub-areas",
	       "g.csv: area 'A' has neither an amount nor sub-areas", NULL);
	failed(lines_csv("område;delområde;belopp;nyckel\nA;;1;Bad Key\n"), ST_PARSE, "a leaf's key that is no key",
	       "g.csv:2: column 'nyckel': 'Bad Key' is not a key", NULL);
	failed(lines_csv("område;delområde;belopp\nA;;\n;B;1\n;- B;2\n"), ST_COMPUTE, "two sub-areas with the same made key",
	       "line key 'b' is used twice", NULL);
	if (passed(lines_csv("område;delområde;belopp;landet\nA;;1 000;1 000 000\n"), "a 'landet' column"))
		eq(line_of(2020, "gnv", "a") == 1000 && grant(2020, "gnv")->lines[0].has_national
			   ? grant(2020, "gnv")->lines[0].national
			   : ABSENT,
		   1000000, "landet is the line's national total");

	/* The key of an area row with sub-areas ('nyckel' on the area's own
	 * row) is checked like any other key. */
	failed(lines_csv("område;delområde;belopp;nyckel\nA;;;Bad Key\n;B;1;\n"), ST_PARSE,
	       "an area's key that is no key", "g.csv:2: column 'nyckel': 'Bad Key' is not a key", NULL);
}

/* Seed 002's Sametinget form for nationella minoriteter 2019, as the example
 * file has it. */
static const char FORM_CSV[] =
	"# Seed 002: Nationella minoriteter och minoritetsspråk (RS/285/2020), redovisning av 2019 års användning.\n"
	"# Specificerad redovisning av förbrukade medel av 2019 års disponibla statsbidrag*\n"
	"# * Statsbidrag som utbetalats av Länsstyrelsen i Stockholms län eller Sametinget\n"
	"ändamål;kostnadsgrupp;belopp;kommentar\n"
	"Inflytande, delaktighet och samråd;lokalhyra;17575;\n"
	";förtäring;2628;\n"
	";arvoden;34251;\n"
	";resekostnader;;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;54454;\n"
	"-----;;;\n"
	"Språk -och kultur;språkläger/språkbad;;\n"
	";studiecirklar;41632;\n"
	";kulturrevenemang;;\n"
	";litteratur-/tidskriftsinköp;728;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;42360;\n"
	"-----;;;\n"
	"Samordning;personal, lön;31682;\n"
	";OH-kostn.;;\n"
	";resor och logi;4937;\n"
	";konferenskostnader;;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;36619;\n"
	"-----;;;\n"
	"Ärendehandläggning;tolk/översättning;23139;\n"
	";fortbildning av personal;77482;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;100621;\n"
	"-----;;;\n"
	"Övergripande information;kartläggning;;\n"
	";hemsidan;;\n"
	";informationsmaterial/ broschyrer;;\n"
	";skyltning;;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;0;\n"
	"-----;;;\n"
	"Övrigt;växel/reception;;\n"
	"Annat, ange vad;;;\n"
	"SUMMA;;0;\n"
	"-----;;;\n"
	"TOT SUMMA;;234 054;\n";

/* usage_csv: the minority account with no entries, its entries replaced
 * from csv, then computed. */
static int usage_csv(const char *csv)
{
	if (load_minority("250000", "", "", "")) {
		diag("minority_year: %s", E.msg);
		return -1;
	}
	struct rg_usage *u = (struct rg_usage *)usage(2020, "minoriteter", 2019);
	if (regfile_usage_csv(&R, u, csv, strlen(csv), "u.csv", &E)) {
		S = ST_PARSE;
		return -1;
	}
	if (rg_compute(&R, &E)) {
		S = ST_COMPUTE;
		return -1;
	}
	return 0;
}

static void test_usage_csv(void)
{
	diag("8b. usage entries from CSV");
	if (passed(usage_csv(FORM_CSV), "seed 002's Sametinget form")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(u ? (int64_t)u->nentries : ABSENT, 9, "nine entries (blank amounts, Annat rows, SUMMA and dashes are none)");
		eq(u ? u->spent : ABSENT, 234054, "spent");
		eq(u ? u->remaining : ABSENT, 15946, "remaining");
		eq(purpose_spent(u, P_INFLYTANDE), 54454, "Inflytande");
		eq(purpose_spent(u, "Ärendehandläggning"), 100621, "Ärendehandläggning");
		ok(u && u->nentries > 1 && strcmp(u->entries[1].purpose, P_INFLYTANDE) == 0 &&
			   strcmp(u->entries[1].cost_group, "förtäring") == 0 && u->entries[1].amount == 2628,
		   "a row with a blank purpose is the purpose above's");
	}
	char *bad = xstrdup(FORM_CSV);
	char *t = strstr(bad, "SUMMA;;54454");
	t[11] = '5'; /* 54455 */
	failed(usage_csv(bad), ST_PARSE, "a SUMMA that disagrees",
	       "u.csv:10: SUMMA of '" P_INFLYTANDE "' typed as 54 455 kr, but the rows above add up to 54 454 kr", NULL);
	free(bad);
	bad = xstrdup(FORM_CSV);
	t = strstr(bad, "234 054");
	t[6] = '5';
	failed(usage_csv(bad), ST_PARSE, "a TOT SUMMA that disagrees",
	       "u.csv:42: TOT SUMMA typed as 234 055 kr, but the rows above add up to 234 054 kr", NULL);
	free(bad);

	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;5\nKultur;teater;7\n"), ST_PARSE,
	       "an unknown purpose", "u.csv:3: column 'ändamål': unknown purpose 'Kultur'",
	       "(expected one of: '" P_INFLYTANDE "', 'Språk -och kultur', 'Samordning'", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;fika;5\n"), ST_PARSE, "an unknown cost group",
	       "u.csv:2: column 'kostnadsgrupp': unknown cost group 'fika' for purpose 'Samordning'", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;-5\n"), ST_PARSE, "a negative spend",
	       "u.csv:2: column 'belopp': '-5' is negative", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;60 000 000 000 000\n"
			 "Samordning;resor och logi;60 000 000 000 000\n"),
	       ST_PARSE, "entries whose sum passes the bound of amounts",
	       "u.csv:3: the entries add up to more than 100 000 000 000 000 kronor", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\n;resor och logi;5\n"), ST_PARSE, "an amount before any purpose",
	       "u.csv:2: column 'ändamål': an amount before any purpose", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;5\n;;3\n"), ST_PARSE,
	       "an amount without cost group", "u.csv:3: column 'kostnadsgrupp': empty", NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;5\nAnnat, ange vad;;3\n"), ST_PARSE,
	       "'Annat, ange vad' with an amount but not what", "u.csv:3: column 'kostnadsgrupp': 'Annat' needs what it was",
	       NULL);
	failed(usage_csv("ändamål;kostnadsgrupp;belopp;summa\n"), ST_PARSE, "an unknown column",
	       "u.csv:1: column 4: unknown column 'summa'", NULL);
	if (passed(usage_csv("ändamål;kostnadsgrupp;belopp;kommentar\n"
			     "Samordning;resor och logi;4 937;tåg\n"
			     "Annat, ange vad;Tryck;500;broschyr\n"
			     "SUMMA;;5 437\n"
			     "--;;\n"
			     "Övrigt;växel/reception;\n"
			     "Annat, ange vad;Porto;63\n"
			     "SUMMA;;63\n"
			     "TOT SUMMA;;5 500\n"),
		   "'Annat, ange vad' with what it was, under the purpose above")) {
		const struct rg_usage *u = usage(2020, "minoriteter", 2019);
		eq(u ? (int64_t)u->nentries : ABSENT, 3, "three entries");
		str_eq(u && u->nentries > 1 ? u->entries[1].cost_group : NULL, "Annat: Tryck", "the cost group 'Annat: Tryck'");
		str_eq(u && u->nentries > 1 ? u->entries[1].purpose : NULL, "Samordning", "... of the purpose above");
		str_eq(u && u->nentries > 1 ? u->entries[1].comment : NULL, "broschyr", "... with its comment");
		str_eq(u && u->nentries > 2 ? u->entries[2].purpose : NULL, "Övrigt", "'Annat: Porto' is Övrigt's");
		eq(purpose_spent(u, "Samordning"), 5437, "Samordning with its Annat");
		eq(u ? u->spent : ABSENT, 5500, "spent");
	}
}

/* ---- 8c. CSV files beside the register file -------------------------- */

static int write_file(const char *dir, const char *name, const char *data)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	int rc = f && fputs(data, f) >= 0 ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	free(path);
	return rc;
}

static void remove_file(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	unlink(path);
	free(path);
}

static void test_csv_files(void)
{
	diag("8c. lines_csv and entries_csv beside the file");
	char dir[] = "/tmp/test-recipient-XXXXXX";
	if (!ok(mkdtemp(dir) != NULL, "a temporary directory"))
		return;
	const char *doc = "{'format': 'bidrag-register/1', 'org': '23', 'years': [{'year': 2020, 'grants': ["
			  "{'key': 'gnv', 'title': 'God och nära vård', 'amount': 71862709, 'lines_csv': 'gnv.csv', "
			  "'lines_total': 71862709},"
			  "{'key': 'minoriteter', 'title': 'Nationella minoriteter', 'amount': 250000, 'usage': [{'year': "
			  "2019, 'available': 250000, 'purposes': [{'name': '" P_INFLYTANDE "', 'cost_groups': "
			  "['lokalhyra', 'förtäring', 'arvoden', 'resekostnader'], 'total': 54454}," SEED_PURPOSES_AFTER_FIRST
			  "], 'entries_csv': 'form.csv', 'spent': 234054, 'remaining': 15946}]}]}]}";
	char *d = dq(doc);
	if (ok(write_file(dir, "gnv.csv", GNV_CSV) == 0 && write_file(dir, "form.csv", FORM_CSV) == 0 &&
		       write_file(dir, "r.json", d) == 0,
	       "files written")) {
		char *path = xasprintf("%s/r.json", dir);
		reset();
		if (ok(regfile_load(&R, path, &E) == 0, "regfile_load with lines_csv and entries_csv")) {
			eq(line_of(2020, "gnv", "medarbetare"), 30636839, "a line from gnv.csv");
			const struct rg_usage *u = usage(2020, "minoriteter", 2019);
			eq(u ? u->spent : ABSENT, 234054, "spent from form.csv");
		} else {
			diag("%s", E.msg);
		}
		free(path);
		/* The same document without a base directory. */
		reset();
		failed(regfile_parse(&R, d, strlen(d), ORIGIN, NULL, &C, &E), ST_OK, "lines_csv in a stored document",
		       "t.json: years[0].grants[0].lines_csv: a file reference in a stored document", NULL);
		reset();
		failed(regfile_parse(&R, d, strlen(d), ORIGIN, "/nonexistent-dir", &C, &E), ST_OK, "a missing lines_csv file",
		       "t.json: years[0].grants[0].lines_csv", "/nonexistent-dir/gnv.csv", NULL);
		char *up = xasprintf("{'format': 'bidrag-register/1', 'org': '23', 'years': [{'year': 2020, 'grants': [{'key': "
				     "'g', 'title': 'G', 'lines_csv': '../gnv.csv'}]}]}");
		char *u2 = dq(up);
		reset();
		failed(regfile_parse(&R, u2, strlen(u2), ORIGIN, dir, &C, &E), ST_OK, "a lines_csv outside the directory",
		       "years[0].grants[0].lines_csv: '../gnv.csv': expected a file name relative to the register file", NULL);
		free(u2);
		free(up);
	}
	free(d);
	remove_file(dir, "gnv.csv");
	remove_file(dir, "form.csv");
	remove_file(dir, "r.json");
	rmdir(dir);
}

/* ---- 9. round trip ----------------------------------------------------- */

/* A year with most of the format. */
#define RICH_2020                                                                                                      \
	"{'year': 2020, 'title': 'Riktade statsbidrag 2020', 'intro': ['Första stycket.', 'Andra stycket.'], " SECTIONS  \
	", 'grants': ["                                                                                                \
	"{'key': 'gnv', 'title': 'God och nära vård', 'label': 'GNV', 'section': 's1', 'grantor': 'Regeringen och SKR', " \
	"'grantor_dnr': 'S2020/00123', 'decision': 'S2020/01', 'dnr': 'RS/195/2020', 'decided_by': 'Regionstyrelsen', "   \
	"'decided_on': '2020-03-31', 'amount': '71 862 710', 'flags': ['new', 'reporting-relief'], 'replaces': ['old'], " \
	"'status': 'Beslutat.\\nFördelat.', 'text': ['Ett stycke.'], 'lines_total': 71862709, 'lines': ["               \
	"{'key': 'p', 'title': 'P', 'note': 'not', 'lines': [{'key': 'q', 'title': 'Q', 'lines': [{'key': 'r1', "         \
	"'title': 'R1', 'amount': 1, 'national': 1000, 'preliminary': true}, {'key': 'r2', 'title': 'R2', 'amount': "     \
	"71862700}]}, {'key': 's', 'title': 'S', 'amount': 8, 'preliminary': false}]}]},"                                  \
	"{'key': 'sokt', 'title': 'Sökt', 'section': 's2', 'application': {'applied': 500000, 'outcome': 'granted', "     \
	"'granted': 400000, 'applied_on': '2020-02-01', 'decided_on': '2020-04-15'}},"                                    \
	"{'key': 'avslag', 'title': 'Avslag', 'section': 's2', 'application': {'applied': 100, 'outcome': 'rejected'}, "  \
	"'summary': false, 'summary_note': 'Avslag'},"                                                                   \
	"{'key': 'minoriteter', 'title': 'Nationella minoriteter', 'section': 's2', 'amount': 250000, 'usage': [{'year': " \
	"2019, 'title': 'Redovisning', 'note': 'En not', 'available': 200000, 'purposes': [{'name': '" P_INFLYTANDE        \
	"', 'cost_groups': ['lokalhyra', 'förtäring', 'arvoden', 'resekostnader'], 'total': 54454},"  \
	SEED_PURPOSES_AFTER_FIRST \
	"], 'entries': [" SEED_ENTRIES ", {'purpose': 'Övrigt', 'cost_group': 'Annat: Porto', 'amount': 0, 'comment': "  \
	"'inget'}], 'spent': 234054}]}],"                                                                                \
	"'summary': ["                                                                                                   \
	"{'key': 'gnv', 'label': 'God och Nära vård', 'note': 'fd patientmiljard', 'members': ['gnv'], 'rows': ["        \
	"{'key': 'gnv-q', 'label': 'Q', 'members': ['gnv/p/q']}, {'key': 'gnv-s', 'label': 'S', 'members': ['gnv/p/s']}, " \
	"{'key': 'gnv-text', 'label': 'Text'}]},"                                                                         \
	"{'key': 'forut', 'label': 'Förutsättningar', 'section': 's1', 'members': [], 'note': 'Ingår i GNV'},"             \
	"{'key': 'ovriga', 'label': 'Övriga', 'members': ['sokt', 'minoriteter']},"                                       \
	"{'key': 'text', 'label': 'Endast text', 'section': 's2'}]}"

/* fingerprint: every computed figure of R, as text. */
static void fp_lines(struct buf *b, const struct rg_line *l, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", path, l[i].key);
		buf_addf(b, "%s=%lld ", p, (long long)l[i].amount);
		fp_lines(b, l[i].lines, l[i].nlines, p);
		free(p);
	}
}

static void fp_rows(struct buf *b, const struct rg_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_addf(b, "row %s[%s]=%lld ", r[i].key, r[i].section ? r[i].section : "", (long long)r[i].value);
		fp_rows(b, r[i].rows, r[i].nrows);
	}
}

static char *fingerprint(void)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < R.nyears; i++) {
		const struct rg_year *y = &R.years[i];
		buf_addf(&b, "year %d: ", y->year);
		for (size_t j = 0; j < y->ngrants; j++) {
			const struct rg_grant *g = &y->grants[j];
			buf_addf(&b, "%s total=%lld breakdown=%lld ", g->key, (long long)g->total, (long long)g->breakdown);
			fp_lines(&b, g->lines, g->nlines, g->key);
			for (size_t k = 0; k < g->nusage; k++) {
				const struct rg_usage *u = &g->usage[k];
				buf_addf(&b, "usage %d spent=%lld remaining=%lld ", u->year, (long long)u->spent,
					 (long long)u->remaining);
				for (size_t m = 0; m < u->npurposes; m++)
					buf_addf(&b, "%s=%lld ", u->purposes[m].name, (long long)u->purposes[m].spent);
			}
		}
		fp_rows(&b, y->summary, y->nsummary);
	}
	char *s = xstrdup(b.data ? b.data : "");
	buf_release(&b);
	return s;
}

/* round_trip: R holds one computed year; dump it, load the dump, dump
 * again: the same document, the same figures. */
static void round_trip(const char *what, int year)
{
	char *d1 = regfile_dump_year(rg_year_find(&R, year), "23");
	char *f1 = fingerprint();
	size_t n1 = discrepancies();
	ok(strstr(d1, "lines_total") == NULL && strstr(d1, "\"spent\"") == NULL && strstr(d1, "\"total\"") == NULL,
	   "%s: the dump has no checks", what);
	if (!passed(load_raw(d1), what)) {
		diag("the dump:\n%s", d1);
		free(d1);
		free(f1);
		return;
	}
	char *d2 = regfile_dump_year(rg_year_find(&R, year), "23");
	char *f2 = fingerprint();
	if (!ok(strcmp(d1, d2) == 0, "%s: dumped again, byte for byte the same", what))
		diag("first:\n%s\nsecond:\n%s", d1, d2);
	if (!ok(strcmp(f1, f2) == 0, "%s: the same sums", what))
		diag("before: %s\nafter:  %s", f1, f2);
	eq((int64_t)discrepancies(), (int64_t)n1, "%s: the same discrepancies", what);
	free(d1);
	free(d2);
	free(f1);
	free(f2);
}

static void test_round_trip(void)
{
	diag("9. round trip");
	if (passed(load(RICH_2020), "a year with most of the format")) {
		eq(row_value(2020, "gnv"), 71862710, "row gnv: the grant's amount");
		eq(row_value(2020, "ovriga"), 650000, "row ovriga: 400 000 + 250 000");
		eq(line_of(2020, "gnv", "p"), 71862709, "line p");
		eq((int64_t)discrepancies(), 2, "two discrepancies: gnv's breakdown, the overspent account");
		disc_is(0, 2020, "gnv", "breakdown", 71862710, 71862709, 0);
		disc_is(1, 2020, "minoriteter", "overspent", 200000, 234054, 2019);
		round_trip("the rich year", 2020);
		const struct rg_grant *g = grant(2020, "gnv");
		str_eq(g ? g->status : NULL, "Beslutat.\nFördelat.", "a status with a line break survives");
		ok(g && g->flags == (RG_NEW | RG_RELIEF), "the flags survive");
		const struct rg_line *r1 = g ? rg_line_find(g, "p/q/r1") : NULL;
		ok(r1 && r1->preliminary && r1->has_national && r1->national == 1000, "a line's national and preliminary survive");
		const struct rg_grant *a = grant(2020, "avslag");
		ok(a && !a->in_summary && a->summary_note && strcmp(a->summary_note, "Avslag") == 0,
		   "summary false and its note survive");
	}
	if (passed(load(CMP_2019), "a year with a summary of lines"))
		round_trip("2019 of the comparison", 2019);
	if (passed(load("{'year': 2021, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}, {'key': 'b', 'title': 'B', "
			"'amount': 2, 'summary': false}]}"),
		   "a year with the default summary")) {
		char *d = regfile_dump_year(rg_year_find(&R, 2021), "23");
		ok(strstr(d, "\"summary\": [") == NULL, "the default summary is not dumped");
		free(d);
		round_trip("the default summary", 2021);
	}
	if (passed(lines_csv(GNV_NOKEY_CSV), "a breakdown from CSV"))
		round_trip("a breakdown from CSV, inlined", 2020);
	if (passed(usage_csv(FORM_CSV), "entries from CSV"))
		round_trip("entries from CSV, inlined", 2020);
}

/* ---- 10. keys, fields, syntax ----------------------------------------- */

static void test_keys_fields_syntax(void)
{
	diag("10. keys, unknown fields, JSON syntax");
	failed(load_grant(", 'amount': 1}, {'key': 'Stor', 'title': 'S', 'amount': 1"), ST_PARSE, "a key with upper case",
	       "t.json: years[0].grants[1].key: 'Stor' is not a key (expected lower-case letters a-z, digits and hyphens",
	       NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'god och nara', 'title': 'G', 'amount': 1}]}"), ST_PARSE,
	       "a key with spaces", "years[0].grants[0].key: 'god och nara' is not a key", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'nära', 'title': 'G', 'amount': 1}]}"), ST_PARSE,
	       "a key with å, ä or ö", "'nära' is not a key", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': '', 'title': 'G', 'amount': 1}]}"), ST_PARSE, "an empty key",
	       "years[0].grants[0].key: empty", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'G', 'lines': [{'key': 'A_1', 'title': 'X', 'amount': "
		    "1}]}]}"),
	       ST_PARSE, "a line key with upper case and '_'", "years[0].grants[0].lines[0].key: 'A_1' is not a key", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'G', 'amount': 1}], 'summary': [{'key': 'Rad', "
		    "'label': 'R', 'members': ['a']}]}"),
	       ST_PARSE, "a row key with upper case", "years[0].summary[0].key: 'Rad' is not a key", NULL);
	failed(load("{'year': 2020, 'sections': [{'key': 'S 1', 'title': 'S'}], 'grants': []}"), ST_PARSE,
	       "a section key with a space", "years[0].sections[0].key: 'S 1' is not a key", NULL);
	char longkey[100];
	memset(longkey, 'k', 81);
	longkey[81] = '\0';
	char *y = xasprintf("{'year': 2020, 'grants': [{'key': '%s', 'title': 'G', 'amount': 1}]}", longkey);
	failed(load(y), ST_PARSE, "a key of 81 characters", "is not a key", "at most 80", NULL);
	free(y);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}, {'key': 'a', 'title': 'A2', "
		    "'amount': 2}]}"),
	       ST_COMPUTE, "a grant key used twice", "year 2020: grant key 'a' is used twice", NULL);
	failed(load("{'year': 2020, 'sections': [{'key': 's', 'title': 'S'}, {'key': 's', 'title': 'T'}], 'grants': []}"),
	       ST_COMPUTE, "a section key used twice", "year 2020: section key 's' is used twice", NULL);

	/* Unknown fields, with their paths. */
	failed(load_doc("{'format': 'bidrag-register/1', 'org': '23', 'years': [], 'extra': 1}"), ST_PARSE,
	       "an unknown top-level field",
	       "t.json: (top level): unknown field 'extra' (expected one of: format, org, years)",
	       NULL);
	failed(load("{'year': 2020, 'grants': [], 'sumary': []}"), ST_PARSE, "an unknown field of a year",
	       "t.json: years[0]: unknown field 'sumary'", NULL);
	failed(load_grant(", 'amount': 1, 'belopp': 1"), ST_PARSE, "an unknown field of a grant",
	       "t.json: years[0].grants[0]: unknown field 'belopp'", NULL);
	failed(load_grant(", 'lines': [{'key': 'a', 'title': 'A', 'lines': [{'key': 'b', 'title': 'B', 'amout': 1}]}]"),
	       ST_PARSE, "an unknown field of a nested line",
	       "t.json: years[0].grants[0].lines[0].lines[0]: unknown field 'amout'",
	       NULL);
	failed(load_entry("{'purpose': 'Inflytande', 'cost_group': 'lokalhyra', 'amount': 1, 'note': 'x'}"), ST_PARSE,
	       "an unknown field of a usage entry", "years[0].grants[0].usage[0].entries[1]: unknown field 'note'",
	       "(expected one of: purpose, cost_group, amount, comment)", NULL);
	failed(load_grant(", 'application': {'outcome': 'granted', 'granted': 1, 'sokt': 2}"), ST_PARSE,
	       "an unknown field of an application", "years[0].grants[0].application: unknown field 'sokt'", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': 1}], 'summary': [{'key': 'r', 'label': "
		    "'R', 'members': ['a'], 'rows': [{'key': 'v', 'label': 'V', 'member': ['a']}]}]}"),
	       ST_PARSE, "an unknown field of a varav row", "years[0].summary[0].rows[0]: unknown field 'member'", NULL);

	/* Other document errors. */
	failed(load_doc("{'format': 'bidrag-register/2', 'org': '23', 'years': []}"), ST_PARSE, "another format",
	       "t.json: format: 'bidrag-register/2' (expected \"bidrag-register/1\")", NULL);
	failed(load_doc("{'format': 'bidrag-register/1', 'org': '23', 'years': []}"), ST_PARSE, "no years",
	       "t.json: years: empty (expected at least one year)", NULL);
	failed(load("{'year': 1999, 'grants': []}"), ST_PARSE, "a year before 2000",
	       "years[0].year: expected a year from 2000 to 2100", NULL);
	failed(load("{'year': 2020}"), ST_PARSE, "a year without grants",
	       "years[0].grants: missing (expected an array)", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'amount': 1}]}"), ST_PARSE, "a grant without title",
	       "years[0].grants[0].title: missing (expected text)", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A\\tB', 'amount': 1}]}"), ST_PARSE,
	       "a control character in a title", "years[0].grants[0].title: a control character (0x09) at position 2", NULL);
	failed(load("{'year': 2020, 'grants': [{'key': 'a', 'title': 'A', 'amount': true}]}"), ST_PARSE, "a boolean amount",
	       "years[0].grants[0].amount: expected an amount", "found a boolean", NULL);

	/* JSON syntax: the line and column. */
	failed(load_raw("{\n  \"format\": \"bidrag-register/1\",\n  \"org\" \"23\",\n  \"years\": []\n}\n"), ST_PARSE,
	       "a missing colon", "t.json:3:12: not valid JSON: ':' expected", NULL);
	failed(load_raw("{\n  \"format\": \"bidrag-register/1\",\n  \"org\": \"23\",\n  \"years\": [\n    {\"year\": "
			"2020, \"grants\": [],}\n  ]\n}\n"),
	       ST_PARSE, "a trailing comma", "t.json:5:33: not valid JSON", NULL);
	failed(load_raw("{\"format\": \"bidrag-register/1\", \"org\": \"23\", \"org\": \"24\", \"years\": []}"), ST_PARSE,
	       "a field given twice", "t.json:1:50: not valid JSON: duplicate object key", NULL);
	failed(load_raw(""), ST_PARSE, "an empty document", "t.json:1:0: not valid JSON", NULL);

	/* A second document must name the same organisation. */
	reset();
	char *a = dq("{'format': 'bidrag-register/1', 'org': '23', 'years': [{'year': 2019, 'grants': []}]}");
	char *b = dq("{'format': 'bidrag-register/1', 'org': '24', 'years': [{'year': 2020, 'grants': []}]}");
	ok(regfile_parse(&R, a, strlen(a), "a.json", NULL, &C, &E) == 0, "a first document");
	failed(regfile_parse(&R, b, strlen(b), "b.json", NULL, &C, &E), ST_OK, "a second document of another organisation",
	       "b.json: org: '24', while the register is '23'", NULL);
	free(a);
	free(b);
}

int main(void)
{
	rg_init(&R);
	test_usage();
	test_usage_errors();
	test_lines();
	test_totals();
	test_summary();
	test_compare();
	test_compare_varav();
	test_fmt_mkr();
	test_lines_csv();
	test_usage_csv();
	test_csv_files();
	test_round_trip();
	test_keys_fields_syntax();
	regfile_checks_release(&C);
	rg_release(&R);
	return tap_done();
}
