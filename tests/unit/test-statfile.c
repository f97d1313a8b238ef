/* test-statfile.c: SCB's statistics files (PC-Axis, JSON-stat 2.0, CSV) read
 * into cubes, and series chosen from them.
 *
 * Golden tests on every real file in ../shared/data/scb (values written
 * down by reading the files by hand, and SCB's published totals from that
 * folder's README), the readers' error paths on small made-up files, and
 * property tests of the selection arithmetic on random cubes (fixed seed). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmp.h>

#include "prng.h"
#include "refload.h"
#include "statcube.h"
#include "statfile.h"
#include "statseries.h"
#include "tap.h"

#define F_KOMMUN "px_BE0101A1_pop_riket_21lan_290kommuner_civil_sex_2001-2004_en.px"
#define F_AGE "px_BE0101A1_pop_21lan_civil_age_sex_2004-2005_en.px"
#define F_BIRTHS "px_BE0101D1_births_riket_21lan_290kommuner_motherage_2002-2003_en.px"
#define F_TAB638 "px_TAB638_BE0101N1_folkmangd_sv_2kommuner_2020-2021_iso8859-1.px"
#define F_JSON "jsonstat2_v2_TAB6471_folkmangd_manad_21lan_alder10_kon_2026M01-M04.json"
#define F_META "jsonstat2_v2_TAB6471_metadata.json"
#define F_CSV "csv_BE0101N1_pop_21lan_2018_en_cp1252.csv"

/* ---- helpers ------------------------------------------------------------ */

static char scb_dir[4096];

static bool find_data(void)
{
	const char *src = getenv("BIDRAG_SRC");
	const char *cand[] = {src ? src : "", "..", "../..", "."};
	for (size_t i = 0; i < 4; i++) {
		if (!cand[i][0])
			continue;
		snprintf(scb_dir, sizeof(scb_dir), "%s/../shared/data/scb", cand[i]);
		char probe[4200];
		snprintf(probe, sizeof(probe), "%s/%s", scb_dir, F_CSV);
		if (access(probe, R_OK) == 0)
			return true;
	}
	return false;
}

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", scb_dir, name);
}

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

/* read_real: a file of the data folder; bails out when it cannot be read,
 * since every test below depends on it. */
static void read_real(const char *name, const struct statfile_opts *o, struct stat_cube *c)
{
	char *p = path_of(name);
	struct bd_error err;
	statcube_init(c);
	if (statfile_read(p, o, c, &err)) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	free(p);
}

/* parse_text: a made-up file from memory. */
static int parse_text(const char *text, const char *origin, const struct statfile_opts *o, struct stat_cube *c,
		      struct bd_error *err)
{
	statcube_init(c);
	memset(err->msg, 0, sizeof(err->msg));
	return statfile_parse(text, strlen(text), origin, o, c, err);
}

/* parse_fails: the text fails to read with a message holding each string. */
#define parse_fails(...) parse_fails_(__VA_ARGS__, NULL)
static void parse_fails_(const char *what, const char *text, const struct statfile_opts *o, ...)
{
	struct stat_cube c;
	struct bd_error err;
	int rc = parse_text(text, "t.px", o, &c, &err);
	va_list ap;
	va_start(ap, o);
	bool all = rc != 0 && err.msg[0];
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		if (!strstr(err.msg, s)) {
			diag("missing '%s' in: %s", s, err.msg);
			all = false;
		}
	va_end(ap);
	if (rc == 0)
		diag("read succeeded");
	ok(all, "%s: %s", what, err.msg);
	statcube_release(&c);
}

/* select_picks: the series of c under picks "Dim=value" (a NULL-ended
 * array). */
static int select_picks(const struct stat_cube *c, const char *period, const char *region_dim, struct stat_series *s,
			struct bd_error *err, const char *const *picks)
{
	struct stat_pick pick[16];
	char *texts[16];
	size_t n = 0;
	for (; picks[n] && n < 16; n++) {
		texts[n] = xstrdup(picks[n]);
		if (stat_pick_parse(texts[n], &pick[n], err)) {
			for (size_t i = 0; i <= n; i++)
				free(texts[i]);
			return -1;
		}
	}
	struct stat_series_opts o = {pick, n, period, region_dim, NULL};
	memset(err->msg, 0, sizeof(err->msg));
	int rc = stat_series_select(c, &o, s, err);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	return rc;
}

/* select_series: the same with the picks as arguments, NULL-ended. */
static int select_series(const struct stat_cube *c, const char *period, const char *region_dim, struct stat_series *s,
			 struct bd_error *err, ...)
{
	const char *picks[17];
	size_t n = 0;
	va_list ap;
	va_start(ap, err);
	const char *t;
	while ((t = va_arg(ap, const char *)) != NULL && n < 16)
		picks[n++] = t;
	va_end(ap);
	picks[n] = NULL;
	return select_picks(c, period, region_dim, s, err, picks);
}

/* value: the row of code as text ("1234", "12.50"), or "(none)". */
static char value_buf[128];
static const char *value(const struct stat_series *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->code[i], code) == 0) {
			char *v = stat_decimal_text(s->value[i], s->scale, false);
			snprintf(value_buf, sizeof(value_buf), "%s", v);
			free(v);
			return value_buf;
		}
	return "(none)";
}

static bool value_is(const struct stat_series *s, const char *code, const char *want)
{
	const char *got = value(s, code);
	if (strcmp(got, want) != 0) {
		diag("%s: got %s, want %s", code, got, want);
		return false;
	}
	return true;
}

/* sum_rows: the sum of the rows whose code has `len` characters (0: all). */
static char sum_buf[128];
static const char *sum_rows(const struct stat_series *s, size_t len)
{
	mpz_t t;
	mpz_init(t);
	for (size_t i = 0; i < s->n; i++)
		if (!len || strlen(s->code[i]) == len)
			mpz_add(t, t, s->value[i]);
	char *v = stat_decimal_text(t, s->scale, false);
	snprintf(sum_buf, sizeof(sum_buf), "%s", v);
	free(v);
	mpz_clear(t);
	return sum_buf;
}

static size_t dim_of(const struct stat_cube *c, const char *name)
{
	size_t d = 999;
	struct bd_error err;
	if (statcube_find_dim(c, name, &d, &err))
		diag("%s", err.msg);
	return d;
}

/* cell: the cell at the categories given by code, one per dimension. */
static const struct stat_cell *cell(const struct stat_cube *c, ...)
{
	size_t cat[16];
	va_list ap;
	va_start(ap, c);
	for (size_t d = 0; d < c->ndim; d++) {
		const char *code = va_arg(ap, const char *);
		int64_t k = statcube_cat(&c->dim[d], code);
		if (k < 0) {
			diag("no code '%s' in dimension %s", code, c->dim[d].label);
			va_end(ap);
			return NULL;
		}
		cat[d] = (size_t)k;
	}
	va_end(ap);
	return &c->cell[statcube_offset(c, cat)];
}

static bool cell_is(const struct stat_cell *k, int64_t mant, int scale)
{
	if (!k || k->status == STAT_MISSING || k->mant != mant || k->scale != scale) {
		if (k)
			diag("cell: %lld / 10^%d status %d, want %lld / 10^%d", (long long)k->mant, k->scale, k->status,
			     (long long)mant, scale);
		return false;
	}
	return true;
}

/* SELECT_FAILS: the selection (PICKS(...) or NOPICK) fails with a message
 * holding each string. */
#define PICKS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOPICK ((const char *const[]){NULL})
#define SELECT_FAILS(what, c, period, region_dim, picks, ...)                                                          \
	do {                                                                                                           \
		struct stat_series s_;                                                                                 \
		struct bd_error e_;                                                                                    \
		int rc_ = select_picks(c, period, region_dim, &s_, &e_, picks);                                        \
		ok(rc_ != 0 && has_all(e_.msg, __VA_ARGS__, NULL), "%s: %s", what, rc_ ? e_.msg : "(succeeded)");      \
		if (!rc_)                                                                                              \
			stat_series_release(&s_);                                                                      \
	} while (0)

/* ---- PC-Axis: riket, 21 län and 290 kommuner, 2001-2004 ------------------- */

static void test_px_kommuner(void)
{
	struct stat_cube c;
	read_real(F_KOMMUN, NULL, &c);
	ok(strcmp(c.format, "PC-Axis") == 0 && strstr(c.encoding, "WINDOWS-1252") && strstr(c.encoding, "ANSI"),
	   "kommuner px: PC-Axis, read as Windows-1252 by CHARSET=\"ANSI\" (%s)", c.encoding);
	ok(c.ndim == 4 && c.nstub == 2 && c.ncell == 312 * 4 * 2 * 4 && c.has_values,
	   "kommuner px: 4 variables (STUB 2), 312 x 4 x 2 x 4 = 9984 cells");
	ok(c.ndim == 4 && c.dim[0].ncat == 312 && c.dim[1].ncat == 4 && c.dim[2].ncat == 2 && c.dim[3].ncat == 4,
	   "kommuner px: 312 regions, 4 marital statuses, 2 sexes, 4 years");
	ok(strcmp(c.matrix, "BE0101A1") == 0 && strcmp(c.source, "Statistics Sweden") == 0 &&
		   strcmp(c.title, "Population by region, marital status, sex and period") == 0 &&
		   strcmp(c.all.refperiod, "31 Dec each year") == 0 && strcmp(c.all.unit, "number") == 0 &&
		   strcmp(c.all.measure, "stock") == 0 && c.all.decimals == 0,
	   "kommuner px: MATRIX, SOURCE, TITLE, REFPERIOD, UNITS, STOCKFA, DECIMALS");
	size_t reg = dim_of(&c, "region"), per = dim_of(&c, "period"), sex = dim_of(&c, "sex");
	ok(reg == 0 && c.dim[reg].role == STAT_ROLE_GEO && c.dim[per].role == STAT_ROLE_TIME,
	   "kommuner px: MAP makes region geographic, TIMEVAL period time");
	ok(c.dim[reg].elimination && c.dim[reg].elim == statcube_cat(&c.dim[reg], "00") && c.dim[sex].elimination &&
		   c.dim[sex].elim == -1,
	   "kommuner px: ELIMINATION(\"region\")=\"00 Sweden\" is the total; sex ELIMINATION=YES has none");
	const struct stat_dim *r = &c.dim[reg];
	int64_t k0114 = statcube_cat(r, "0114"), k01 = statcube_cat(r, "01"), k00 = statcube_cat(r, "00");
	ok(r->hierarchy && r->cat[k0114].parent == k01 && r->cat[k01].parent == k00 && r->cat[k00].parent == -1 &&
		   r->cat[statcube_cat(r, "2584")].parent == statcube_cat(r, "25"),
	   "kommuner px: HIERARCHIES: 0114 under 01 under 00, 2584 under 25");
	ok(strcmp(r->cat[statcube_cat(r, "0117")].label, "0117 \xc3\x96ster\xc3\xa5ker") == 0 &&
		   strcmp(r->cat[statcube_cat(r, "2584")].label, "2584 Kiruna") == 0 &&
		   statcube_cat(&c.dim[1], "\xc3\x84NKL") >= 0,
	   "kommuner px: Windows-1252 letters in UTF-8 ('0117 Österåker', code 'ÄNKL')");
	ok(cell_is(cell(&c, "0114", "OG", "1", "2001"), 10362, 0) && cell_is(cell(&c, "0114", "G", "2", "2004"), 6343, 0) &&
		   cell_is(cell(&c, "00", "OG", "1", "2001"), 2391644, 0),
	   "kommuner px: cells by hand (Upplands Väsby single men 2001 = 10 362, married women 2004 = 6 343)");
	ok(cell_is(cell(&c, "0330", "OG", "1", "2001"), 0, 0), "kommuner px: Knivsta 2001 is 0, not missing");
	ok(c.ncellnote == 2 && c.cellnote[0].cat[0] == statcube_cat(r, "0330") && c.cellnote[0].cat[1] == -1 &&
		   strstr(c.cellnote[0].text, "new municipality called Knivsta.") &&
		   strstr(c.cellnote[0].text, "has been established."),
	   "kommuner px: CELLNOTE with '*', its text joined over three lines");
	ok(c.nnote == 1 && strstr(c.note[0], "for each respective year according to administrative"),
	   "kommuner px: NOTEX split mid-word ('accord' + 'ing') joins without a space");

	struct stat_series s;
	struct bd_error err;
	const char *years[] = {"2001", "2002", "2003", "2004"};
	const char *sweden[] = {"8909128", "8940788", "8975670", "9011392"};
	for (int y = 0; y < 4; y++) {
		int rc = select_series(&c, years[y], NULL, &s, &err, NULL);
		ok(rc == 0 && value_is(&s, "00", sweden[y]),
		   "kommuner px %s: Sweden = %s (%s)", years[y], sweden[y], rc ? err.msg : "ok");
		if (rc)
			continue;
		/* The 21 län (two-digit codes but 00) and the kommuner sum to Sweden. */
		mpz_t lan;
		mpz_init(lan);
		for (size_t i = 0; i < s.n; i++)
			if (strlen(s.code[i]) == 2 && strcmp(s.code[i], "00") != 0)
				mpz_add(lan, lan, s.value[i]);
		ok(mpz_cmp_ui(lan, strtoul(sweden[y], NULL, 10)) == 0 && strcmp(sum_rows(&s, 4), sweden[y]) == 0,
		   "kommuner px %s: the 21 län and the 290 kommuner each sum to Sweden", years[y]);
		mpz_clear(lan);
		if (y == 3) {
			ok(value_is(&s, "0180", "765044") && value_is(&s, "01", "1872900") && s.cells == 8 && s.scale == 0,
			   "kommuner px 2004: Stockholms kommun 765 044, Stockholms län 1 872 900 (8 cells each)");
			ok(strcmp(s.ref_date, "2004-12-31") == 0 && strstr(s.ref_basis, "31 Dec each year"),
			   "kommuner px 2004: reference date 2004-12-31 by REFPERIOD (%s)", s.ref_basis);
			ok(strstr(s.selection, "marital status: all 4 values summed") &&
				   strstr(s.selection, "sex: all 2 values summed"),
			   "kommuner px: marital status and sex (ELIMINATION=YES) summed, and said so: %s", s.selection);
			bool knivsta = false;
			for (size_t i = 0; i < s.n; i++)
				if (strcmp(s.code[i], "0330") == 0)
					knivsta = s.note[i] && strstr(s.note[i], "Knivsta");
			ok(knivsta, "kommuner px: the Knivsta row carries its cell note");
			/* The rows as the register's recipients. */
			struct stat_rows rows;
			int r1 = stat_series_resolve(&s, 0, false, &rows, &err);
			ok(r1 != 0 && has_all(err.msg, "21 län and 289 kommuner", "--level", NULL),
			   "kommuner px: rows of both levels: choose one (%s)", err.msg);
			r1 = stat_series_resolve(&s, RK_KOMMUN, false, &rows, &err);
			ok(r1 != 0 && has_all(err.msg, "23 rows", "21 län", "'00 Sweden'", "'1917 Heby'", "--skip-unknown",
					      NULL),
			   "kommuner px: as kommuner, Sweden, the län and Heby's old code 1917 are named (%s)", err.msg);
			r1 = stat_series_resolve(&s, RK_KOMMUN, true, &rows, &err);
			size_t n = 0;
			const struct recipient *sthlm = NULL;
			for (size_t i = 0; r1 == 0 && i < s.n; i++)
				if (rows.rec[i]) {
					n++;
					if (strcmp(s.code[i], "0180") == 0)
						sthlm = rows.rec[i];
				}
			ok(r1 == 0 && n == 289 && rows.nskipped == 23 && sthlm && strcmp(sthlm->code, "0180") == 0 &&
				   rows.kind == RK_KOMMUN && strstr(rows.skipped, "1917 Heby"),
			   "kommuner px: --skip-unknown keeps 289 kommuner, skips 23 and says which");
			if (r1 == 0)
				stat_rows_release(&rows);
			r1 = stat_series_resolve(&s, RK_REGION, true, &rows, &err);
			n = 0;
			for (size_t i = 0; r1 == 0 && i < s.n; i++)
				n += rows.rec[i] != NULL;
			ok(r1 == 0 && n == 21 && rows.nskipped == 291 && strstr(rows.skipped, "289 kommuner") &&
				   strstr(rows.skipped, "'00 Sweden', '1917 Heby'"),
			   "kommuner px: as län, 21 rows; the 289 kommuner, Sweden and Heby's old code skipped (%s...)",
			   r1 == 0 ? "ok" : err.msg);
			if (r1 == 0)
				stat_rows_release(&rows);
		}
		stat_series_release(&s);
	}
	/* Choosing in the region dimension as another variable: the
	 * hierarchy forbids summing a län with its kommuner. */
	SELECT_FAILS("kommuner px: a län and one of its kommuner would count twice", &c, "2004", "sex", PICKS("region=01,0114"),
		     "'0114 Upplands Väsby' lies within '01 Stockholm county'", "twice");
	SELECT_FAILS("kommuner px: the total with its parts would count twice", &c, "2004", "sex", PICKS("region=00,01"),
		     "'00 Sweden' is the total of 'region'");
	int rc = select_series(&c, "2004", "sex", &s, &err, "region=01,03", NULL);
	ok(rc == 0 && s.n == 2 && value_is(&s, "1", "1068598") && value_is(&s, "2", "1106866"),
	   "kommuner px: by sex, Stockholms + Uppsala län summed (%s)", rc ? err.msg : "ok");
	if (!rc)
		stat_series_release(&s);
	SELECT_FAILS("kommuner px: four periods, none chosen", &c, NULL, NULL, NOPICK, "4 periods", "--period",
		     "2001, 2002, 2003, 2004");
	SELECT_FAILS("kommuner px: an unknown period", &c, "2005", NULL, NOPICK, "no value '2005'", "--period 2005");
	statcube_release(&c);
}

/* ---- PC-Axis: 21 län by age, 2004-2005 ------------------------------------- */

static void test_px_age(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	read_real(F_AGE, NULL, &c);
	ok(c.ndim == 5 && c.ncell == 33936 && c.dim[2].ncat == 101 && strcmp(c.dim[2].cat[100].label, "100+") == 0,
	   "age px: 21 x 4 x 101 x 2 x 2 = 33 936 cells, ages 0..100+");
	ok(strcmp(c.dim[0].cat[2].label, "04 S\xc3\xb6" "dermanland county") == 0 &&
		   strcmp(c.dim[0].cat[3].label, "05 \xc3\x96sterg\xc3\xb6tland county") == 0,
	   "age px: 'Södermanland', 'Östergötland' in UTF-8");
	ok(cell_is(cell(&c, "01", "G", "30", "2", "2005"), 4735, 0) && cell_is(cell(&c, "09", "\xc3\x84NKL", "100+", "2", "2004"), 6, 0) &&
		   cell_is(cell(&c, "25", "OG", "0", "1", "2004"), 1239, 0),
	   "age px: cells by hand (Stockholm married women 30 in 2005 = 4 735, Gotland widows 100+ 2004 = 6)");
	ok(c.ncell > 0 && c.cell[c.ncell - 1].status == STAT_VALUE,
	   "age px: DATA ended by the end of the file (no ';'), every cell read");
	const char *y2004 = "9011392", *y2005 = "9047752";
	int rc = select_series(&c, "2004", NULL, &s, &err, NULL);
	ok(rc == 0 && strcmp(sum_rows(&s, 0), y2004) == 0, "age px: Sweden 2004 = 9 011 392 (%s)", rc ? err.msg : sum_buf);
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2005", NULL, &s, &err, NULL);
	ok(rc == 0 && strcmp(sum_rows(&s, 0), y2005) == 0 && value_is(&s, "01", "1889945") && s.cells == 808,
	   "age px: Sweden 2005 = 9 047 752, Stockholms län 1 889 945");
	if (!rc)
		stat_series_release(&s);
	static const struct {
		const char *sex, *age, *sthlm, *riket;
	} sel[] = {
		{"sex=women", "age=15-44", "399992", "1740187"},
		{"sex=2", "Age=15-44 years", "399992", "1740187"},
		{"SEX=Women", "age=15-19,20-44", "399992", "1740187"},
		{"sex=kvinnor", NULL, NULL, NULL}, /* the file is in English */
		{"sex=men,women", "age=0-17", "416131", NULL},
		{"sex=women", "age=15–44", "399992", NULL}, /* an en dash */
		{"sex=men,women", "age=65+", "266148", NULL},
		{"sex=men,women", "age=65 years and over", "266148", NULL},
		{"sex=men,women", "age=80+", "84861", NULL},
		{"sex=men,women", "age=80-", "84861", NULL},
		{"sex=men,women", "age=0+", "1889945", NULL},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(sel); i++) {
		rc = sel[i].age ? select_series(&c, "2005", NULL, &s, &err, sel[i].sex, sel[i].age, NULL)
				: select_series(&c, "2005", NULL, &s, &err, sel[i].sex, NULL);
		if (!sel[i].sthlm) {
			ok(rc != 0 && has_all(err.msg, "no value 'kvinnor'", "men", "women", NULL),
			   "age px: '%s' is not a value of the English file (%s)", sel[i].sex, err.msg);
			continue;
		}
		ok(rc == 0 && value_is(&s, "01", sel[i].sthlm) && (!sel[i].riket || strcmp(sum_rows(&s, 0), sel[i].riket) == 0),
		   "age px 2005: %s %s: Stockholms län %s%s%s (%s)", sel[i].sex, sel[i].age ? sel[i].age : "", sel[i].sthlm,
		   sel[i].riket ? ", riket " : "", sel[i].riket ? sel[i].riket : "", rc ? err.msg : "ok");
		if (!rc)
			stat_series_release(&s);
	}
	rc = select_series(&c, "2005", NULL, &s, &err, "sex=women", "age=15-44", NULL);
	ok(rc == 0 && strstr(s.selection, "age=15-44 (sum of 30: 15, 16, ..., 44)") && strstr(s.selection, "sex=women") &&
		   s.cells == 4 * 30,
	   "age px: the selection says what was summed: %s", rc ? err.msg : s.selection);
	if (!rc)
		stat_series_release(&s);
	SELECT_FAILS("age px: no dimension 'Ålder' in the English file", &c, "2005", NULL, PICKS("\xc3\x85lder=15-44"),
		     "no dimension '\xc3\x85lder'", "age", "marital status");
	SELECT_FAILS("age px: ages beyond the file", &c, "2005", NULL, PICKS("age=90-120"), "cuts the group '100+'");
	SELECT_FAILS("age px: overlapping ranges count twice", &c, "2005", NULL, PICKS("age=15-19,18-25"), "'18' of 'age' is chosen twice",
		     "counted twice");
	SELECT_FAILS("age px: the same age twice", &c, "2005", NULL, PICKS("age=15,15"), "chosen twice");
	SELECT_FAILS("age px: a dimension chosen twice", &c, "2005", NULL, PICKS("sex=men", "Sex=women"), "selected twice");
	SELECT_FAILS("age px: an unknown value lists the values", &c, "2005", NULL, PICKS("sex=both"), "no value 'both'",
		     "1 men, 2 women");
	SELECT_FAILS("age px: a range in a dimension without ages", &c, "2005", NULL, PICKS("sex=1-2"),
		     "no value of 'sex' is an age");
	SELECT_FAILS("age px: the period twice", &c, "2005", NULL, PICKS("period=2004"), "the period is chosen twice");
	statcube_release(&c);
}

/* ---- PC-Axis: births by mother's age, with a total ------------------------- */

static void test_px_births(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	read_real(F_BIRTHS, NULL, &c);
	size_t age = dim_of(&c, "maternal age");
	ok(c.ncell == 312 * 37 * 2 * 2 && c.dim[age].elim == statcube_cat(&c.dim[age], "tot") &&
		   strcmp(c.dim[age].cat[36].label, "total") == 0 && strcmp(c.all.measure, "flow") == 0,
	   "births px: 46 176 cells, ELIMINATION(\"maternal age\")=\"total\", STOCKFA=F");
	ok(statcube_cat(&c.dim[dim_of(&c, "year")], "2003") >= 0 && c.dim[dim_of(&c, "year")].role == STAT_ROLE_TIME,
	   "births px: the year has no CODES: its values are its codes");
	ok(c.dim[0].note && strstr(c.dim[0].note, "Nykvarn (kod 0140)") && c.dim[age].note &&
		   strstr(c.dim[age].note, "uppn\xc3\xa5" "dd \xc3\xa5lder"),
	   "births px: NOTE(\"region\") and NOTE(\"maternal age\"), Swedish letters in UTF-8");
	int rc = select_series(&c, "2003", NULL, &s, &err, NULL);
	ok(rc == 0 && value_is(&s, "00", "99157") && value_is(&s, "0180", "10792") && s.cells == 2 &&
		   strstr(s.selection, "maternal age=total (the table's total"),
	   "births px 2003: Sweden 99 157, Stockholms kommun 10 792: the total taken, never its parts (%s)",
	   rc ? err.msg : s.selection);
	ok(rc == 0 && s.ref_date[0] == '\0' && strstr(s.ref_basis, "flow"),
	   "births px: a flow has no reference day unless given (%s)", rc ? "" : s.ref_basis);
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2002", NULL, &s, &err, NULL);
	ok(rc == 0 && value_is(&s, "00", "95815"), "births px 2002: Sweden 95 815");
	if (!rc)
		stat_series_release(&s);
	/* The parts add up to the total in these years (no noise). */
	rc = select_series(&c, "2003", NULL, &s, &err, "maternal age=0+", NULL);
	ok(rc == 0 && value_is(&s, "00", "99157") && value_is(&s, "0180", "10792") && s.cells == 36 * 2,
	   "births px 2003: every age group ('-14' .. '49+') sums to the total (%s)", rc ? err.msg : "ok");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2003", NULL, &s, &err, "maternal age=-17", "gender=women", NULL);
	ok(rc == 0 && value_is(&s, "00", "112"), "births px 2003: girls born to mothers up to 17 ('-14' is 0-14) (%s)",
	   rc ? err.msg : "ok");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2003", NULL, &s, &err, "maternal age=15-44", "gender=2", NULL);
	ok(rc == 0 && value_is(&s, "00", "47948"), "births px 2003: girls, mothers 15-44: 47 948");
	if (!rc)
		stat_series_release(&s);
	struct stat_series_opts o = {NULL, 0, "2003", NULL, "2003-12-31"};
	rc = stat_series_select(&c, &o, &s, &err);
	ok(rc == 0 && strcmp(s.ref_date, "2003-12-31") == 0 && strstr(s.ref_basis, "given"),
	   "births px: the caller gives the reference date");
	if (!rc)
		stat_series_release(&s);
	o.ref_date = "2003-02-30";
	rc = stat_series_select(&c, &o, &s, &err);
	ok(rc != 0 && strstr(err.msg, "2003-02-30"), "births px: a reference date that is no date: %s", err.msg);
	SELECT_FAILS("births px: the total with a part", &c, "2003", NULL, PICKS("maternal age=total,15"), "is the total",
		     "twice");
	SELECT_FAILS("births px: a range that cuts '49+'", &c, "2003", NULL, PICKS("maternal age=40-49"), "cuts the group '49+'");
	SELECT_FAILS("births px: a range that cuts '-14'", &c, "2003", NULL, PICKS("maternal age=10-20"), "cuts the group '-14'");
	statcube_release(&c);
}

/* ---- PC-Axis 2010: TAB638, ISO-8859-1, CONTVARIABLE --------------------------- */

static void test_px_tab638(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	read_real(F_TAB638, NULL, &c);
	ok(strstr(c.encoding, "ISO-8859-1") && strstr(c.encoding, "CODEPAGE"),
	   "TAB638: read as ISO-8859-1 by CODEPAGE (%s)", c.encoding);
	ok(strcmp(c.table_id, "TAB638") == 0 && strcmp(c.language, "sv") == 0 &&
		   strcmp(c.title, "Folkm\xc3\xa4ngden efter region, civilst\xc3\xa5nd, \xc3\xa5lder, k\xc3\xb6n, "
				   "tabellinneh\xc3\xa5ll och \xc3\xa5r") == 0,
	   "TAB638: TABLEID, LANGUAGE and a TITLE with å ä ö");
	size_t cont = dim_of(&c, "tabellinneh\xc3\xa5ll"), reg = dim_of(&c, "Region");
	ok(c.ndim == 6 && c.nstub == 4 && c.dim[cont].role == STAT_ROLE_CONTENT &&
		   strcmp(c.dim[cont].code, "ContentsCode") == 0 && strcmp(c.dim[cont].cat[0].code, "BE0101N1") == 0 &&
		   strcmp(c.dim[cont].cat[0].unit, "antal") == 0 && strcmp(c.dim[cont].cat[0].measure, "stock") == 0 &&
		   strcmp(c.dim[cont].cat[1].measure, "flow") == 0 &&
		   strcmp(c.dim[cont].cat[0].refperiod, "31 december respektive \xc3\xa5r") == 0,
	   "TAB638: CONTVARIABLE, VARIABLECODE, and UNITS/STOCKFA/REFPERIOD per content");
	ok(reg == 0 && strcmp(c.dim[0].cat[0].label, "Upplands V\xc3\xa4sby") == 0 && strcmp(c.dim[0].code, "Region") == 0 &&
		   c.dim[dim_of(&c, "k\xc3\xb6n")].elimination && !c.dim[dim_of(&c, "civilst\xc3\xa5nd")].elimination,
	   "TAB638: 'Upplands Väsby' in UTF-8; kön may be left out, civilstånd may not");
	ok(cell_is(cell(&c, "0114", "OG", "45-54", "1", "BE0101N1", "2020"), 1054, 0) &&
		   cell_is(cell(&c, "0114", "OG", "45-54", "1", "BE0101N2", "2021"), -28, 0) &&
		   cell_is(cell(&c, "0115", "G", "55-64", "2", "BE0101N1", "2021"), 1049, 0),
	   "TAB638: Upplands Väsby, ogifta, 45-54 år, män, Folkmängd 2020 = 1 054; Folkökning 2021 = -28");
	ok(c.nnote == 1 && strstr(c.note[0], "Registrerade partners r\xc3\xa4knas som Gifta") &&
		   strstr(c.dim[0].note, "1968-1998") && strstr(c.dim[cont].cat[0].note, "31 december") &&
		   strstr(c.dim[cont].cat[1].note, "skillnaden"),
	   "TAB638: NOTEX (joined over two lines), NOTE(\"region\"), VALUENOTE(X) per content");
	SELECT_FAILS("TAB638: two contents, none chosen", &c, "2020", NULL,
		     PICKS("civilst\xc3\xa5nd=OG", "\xc3\xa5lder=45-54 \xc3\xa5r"), "2 contents",
		     "--select 'tabellinneh\xc3\xa5ll=VALUE'");
	SELECT_FAILS("TAB638: civilstånd has no total and may not be left out", &c, "2020", NULL,
		     PICKS("tabellinneh\xc3\xa5ll=Folkm\xc3\xa4ngd"), "'civilst\xc3\xa5nd (Civilstand)' has 2 values and no total",
		     "OG ogifta, G gifta");
	SELECT_FAILS("TAB638: contents are never summed", &c, "2020", NULL, PICKS("ContentsCode=BE0101N1,BE0101N2", "Civilstand=G", "Alder=45-54"),
		     "takes one value");
	int rc = select_series(&c, "2020", NULL, &s, &err, "tabellinneh\xc3\xa5ll=Folkm\xc3\xa4ngd",
			       "civilst\xc3\xa5nd=ogifta,gifta", "\xc3\x85lder=45-64", NULL);
	ok(rc == 0 && value_is(&s, "0114", "8977") && value_is(&s, "0115", "7453") && s.cells == 8 &&
		   strcmp(s.ref_date, "2020-12-31") == 0 && strcmp(s.unit, "antal") == 0 && strcmp(s.table_id, "TAB638") == 0,
	   "TAB638: Folkmängd 2020, 45-64 år over '45-54 år' and '55-64 år': 8 977 and 7 453, 31 Dec (%s)",
	   rc ? err.msg : s.ref_basis);
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2020", NULL, &s, &err, "ContentsCode=BE0101N2", "Civilstand=OG,G", "Alder=45-54,55-64",
			   NULL);
	ok(rc == 0 && value_is(&s, "0114", "100") && s.ref_date[0] == '\0' && strstr(s.ref_basis, "flow"),
	   "TAB638: Folkökning by codes: negative cells summed exactly (100); a flow has no day (%s)",
	   rc ? err.msg : s.ref_basis);
	if (!rc) {
		struct stat_rows rows;
		int r = stat_series_resolve(&s, 0, false, &rows, &err);
		ok(r == 0 && rows.kind == RK_KOMMUN && rows.rec[0] && strcmp(rows.rec[0]->code, "0114") == 0 &&
			   rows.nskipped == 0,
		   "TAB638: the rows are kommuner (%s)", r ? err.msg : "ok");
		if (!r)
			stat_rows_release(&rows);
		stat_series_release(&s);
	}
	SELECT_FAILS("TAB638: ages no value covers", &c, "2020", NULL,
		     PICKS("ContentsCode=BE0101N1", "Civilstand=OG", "Alder=40-64"),
		     "no value of '\xc3\xa5lder (Alder)' covers the ages 40-44");
	SELECT_FAILS("TAB638: a range cutting '45-54 år'", &c, "2020", NULL, PICKS("ContentsCode=BE0101N1", "Civilstand=OG", "Alder=50-64"),
		     "cuts the group '45-54 \xc3\xa5r'");
	statcube_release(&c);
}

/* ---- JSON-stat 2.0: TAB6471 monthly, with noise ------------------------------- */

static void test_jsonstat(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	read_real(F_JSON, NULL, &c);
	ok(strcmp(c.format, "JSON-stat 2.0") == 0 && c.ndim == 5 && c.ncell == 2772 && c.has_values &&
		   strcmp(c.table_id, "TAB6471") == 0 && strcmp(c.source, "SCB") == 0 && c.nstub == 3,
	   "json: JSON-stat 2.0, 21 x 11 x 3 x 1 x 4 = 2 772 cells, tableid TAB6471, stub of 3");
	size_t kon = dim_of(&c, "Kon"), tid = dim_of(&c, "Tid"), cont = dim_of(&c, "ContentsCode");
	ok(c.dim[kon].elim == statcube_cat(&c.dim[kon], "TotSa") && c.dim[tid].role == STAT_ROLE_TIME &&
		   c.dim[cont].role == STAT_ROLE_CONTENT && !c.dim[dim_of(&c, "Alder")].elimination &&
		   strcmp(c.all.unit, "antal") == 0 && strcmp(c.all.measure, "stock") == 0,
	   "json: eliminationValueCode TotSa, role time and metric, unit and measuringType");
	ok(strcmp(c.dim[0].cat[3].label, "\xc3\x96sterg\xc3\xb6tlands l\xc3\xa4n") == 0 && c.nnote == 4 &&
		   strstr(c.note[2], "sista dagen i respektive m\xc3\xa5nad"),
	   "json: labels and notes in UTF-8");
	ok(cell_is(cell(&c, "01", "0-9", "TotSa", "000007SF", "2026M01"), 245284, 0) &&
		   cell_is(cell(&c, "09", "80-89", "2", "000007SF", "2026M04"), 2656, 0) &&
		   cell_is(cell(&c, "01", "100+10", "TotSa", "000007SF", "2026M01"), 1018, 0),
	   "json: cells by hand (Stockholm 0-9 år 2026M01 = 245 284; Gotland women 80-89 2026M04 = 2 656)");
	int rc = select_series(&c, "2026M01", NULL, &s, &err, "\xc3\x85lder=0+", NULL);
	ok(rc == 0 && value_is(&s, "01", "2486498") && strcmp(sum_rows(&s, 0), "10604483") == 0 &&
		   strstr(s.selection, "k\xc3\xb6n=totalt, samtliga m\xc3\xa4n och kvinnor (the table's total"),
	   "json 2026M01: Stockholms län 2 486 498, the 21 län 10 604 483, by the total of kön (%s)",
	   rc ? err.msg : s.selection);
	ok(rc == 0 && strcmp(s.ref_date, "2026-01-31") == 0 && strstr(s.ref_basis, "sista dagen") && s.noise,
	   "json 2026M01: the last day of the month, by the note (%s); the noise is noted", rc ? "" : s.ref_basis);
	if (!rc)
		stat_series_release(&s);
	/* Men + women: SCB's noise (2025 on) makes the parts differ from the
	 * total; the sum is what the cells say, never adjusted. */
	rc = select_series(&c, "2026M01", NULL, &s, &err, "\xc3\xa5lder=0+", "k\xc3\xb6n=m\xc3\xa4n,kvinnor", NULL);
	ok(rc == 0 && strcmp(sum_rows(&s, 0), "10604505") == 0 && value_is(&s, "01", "2486501"),
	   "json 2026M01: men + women = 10 604 505, not the published total 10 604 483 (noise left alone)");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2026M02", NULL, &s, &err, "Alder=20-39", "Kon=2", NULL);
	ok(rc == 0 && value_is(&s, "25", "27461") && strcmp(s.ref_date, "2026-02-28") == 0,
	   "json 2026M02: Norrbotten women 20-39 = 27 461; 28 February");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2026M01", NULL, &s, &err, "Alder=20-29 \xc3\xa5r,30-39 \xc3\xa5r", "Kon=kvinnor", NULL);
	ok(rc == 0 && strcmp(sum_rows(&s, 0), "1315167") == 0, "json 2026M01: women 20-39 by labels, riket 1 315 167");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, "2026M01", NULL, &s, &err, "Alder=0+", "Kon=totalt, samtliga m\xc3\xa4n och kvinnor", NULL);
	ok(rc == 0 && value_is(&s, "01", "2486498"), "json: a label with a comma is taken whole (%s)", rc ? err.msg : "ok");
	if (!rc)
		stat_series_release(&s);
	SELECT_FAILS("json: Ålder has no total and may not be left out", &c, "2026M01", NULL, PICKS("Kon=TotSa"),
		     "'\xc3\xa5lder (Alder)' has 11 values and no total", "0-9 \xc3\xa5r");
	SELECT_FAILS("json: the total with a part", &c, "2026M01", NULL, PICKS("Alder=0+", "Kon=TotSa,1"), "is the total");
	SELECT_FAILS("json: 15-44 cuts the ten-year groups", &c, "2026M01", NULL, PICKS("Alder=15-44"),
		     "cuts the group '10-19 \xc3\xa5r'");
	statcube_release(&c);

	/* The metadata response: dimensions, no values. */
	read_real(F_META, NULL, &c);
	size_t reg = dim_of(&c, "region"), alder = dim_of(&c, "Alder");
	ok(!c.has_values && c.cell == NULL && c.ndim == 5 && c.dim[reg].ncat == 312 && c.dim[alder].ncat == 134 &&
		   c.dim[dim_of(&c, "Tid")].ncat == 16,
	   "json metadata: 312 regions, 134 ages, 16 months, no cells");
	ok(strcmp(c.dim[reg].cat[0].label, "Riket") == 0 && strcmp(c.dim[reg].cat[311].label, "Kiruna") == 0 &&
		   c.dim[reg].elimination && c.dim[reg].elim == -1 &&
		   c.dim[dim_of(&c, "Kon")].elim == -1 && stat_is_total(&c.dim[dim_of(&c, "Kon")].cat[0]),
	   "json metadata: Riket .. Kiruna; region may be eliminated; Kon has no eliminationValueCode here, but "
	   "its TotSa is a total");
	ok(strcmp(c.dim[alder].cat[statcube_cat(&c.dim[alder], "100+5")].label, "100+ \xc3\xa5r") == 0,
	   "json metadata: three codes share the label '100+ år'");
	rc = select_series(&c, "2026M01", NULL, &s, &err, NULL);
	ok(rc != 0 && strstr(err.msg, "no values"), "json metadata: no series from a metadata file (%s)", err.msg);
	statcube_release(&c);
}

/* ---- SCB CSV download ------------------------------------------------------- */

static void test_csv(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	read_real(F_CSV, NULL, &c);
	ok(strcmp(c.format, "SCB CSV") == 0 && strstr(c.encoding, "WINDOWS-1252") &&
		   strcmp(c.title, "Population by region and year") == 0,
	   "csv: Windows-1252 (not UTF-8), the title line (%s)", c.encoding);
	ok(c.ndim == 2 && c.dim[0].ncat == 21 && c.dim[1].ncat == 1 && c.dim[1].role == STAT_ROLE_TIME &&
		   strcmp(c.dim[0].cat[0].code, "01") == 0 && strcmp(c.dim[0].cat[0].label, "Stockholm county") == 0 &&
		   strcmp(c.dim[0].cat[2].label, "S\xc3\xb6" "dermanland county") == 0 &&
		   strcmp(c.dim[0].cat[4].label, "J\xc3\xb6nk\xc3\xb6ping county") == 0,
	   "csv: 21 län split into code and label ('Södermanland' in UTF-8), one period");
	int rc = select_series(&c, "2018", NULL, &s, &err, NULL);
	ok(rc == 0 && value_is(&s, "01", "2344124") && strcmp(sum_rows(&s, 0), "10230185") == 0 && s.ref_date[0] == 0 &&
		   strstr(s.ref_basis, "does not say"),
	   "csv 2018: Stockholm 2 344 124, sum 10 230 185; no reference day in the file (%s)", rc ? err.msg : s.ref_basis);
	if (!rc) {
		struct stat_rows rows;
		int r = stat_series_resolve(&s, 0, false, &rows, &err);
		ok(r == 0 && rows.kind == RK_REGION && rows.rec[20] && strcmp(rows.rec[20]->code, "25") == 0,
		   "csv: the rows are the 21 regions");
		if (!r)
			stat_rows_release(&rows);
		stat_series_release(&s);
	}
	rc = select_series(&c, NULL, NULL, &s, &err, NULL);
	ok(rc == 0 && strcmp(s.period, "2018") == 0, "csv: one period needs no --period");
	if (!rc)
		stat_series_release(&s);
	statcube_release(&c);
}

/* ---- PC-Axis files of other statistics offices (../shared/data/px-samples) ---- */

static void test_px_samples(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	/* INE Spain, Soria: ages " 0-4", " 05-09", " 10-14 ", " 85 y mas"; codes
	 * with a trailing space ("42001 "); ELIMINATION by value. */
	read_real("../px-samples/inst_extdata_example.px", NULL, &c);
	ok(c.ncell == 3 * 184 * 19 && c.dim[1].role == STAT_ROLE_GEO && c.dim[0].elim == 0,
	   "px-samples Soria: 3 x 184 x 19 cells, MAP makes municipios the regions, ELIMINATION=\"Ambos sexos\"");
	int rc = select_series(&c, NULL, NULL, &s, &err, "edad=0-84", NULL);
	ok(rc == 0 && value_is(&s, "000", "90711"), "px-samples Soria: ages ' 0-4' .. ' 80-84' of all: 90 711 (%s)",
	   rc ? err.msg : "ok");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, NULL, NULL, &s, &err, "edad=85 y mas", "sexo=Mujeres", NULL);
	ok(rc == 0 && value_is(&s, "000", "2924"), "px-samples Soria: women '85 y mas' by label: 2 924");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, NULL, NULL, &s, &err, "edad=0-84", "sexo=Mujeres", NULL);
	ok(rc == 0 && value_is(&s, "42001", "157"), "px-samples Soria: Abejar (code '42001 ') women 0-84: 157");
	if (!rc)
		stat_series_release(&s);
	rc = select_series(&c, NULL, NULL, &s, &err, NULL);
	ok(rc == 0 && value_is(&s, "000", "95258"), "px-samples Soria: every dimension by its ELIMINATION value: 95 258");
	if (!rc)
		stat_series_release(&s);
	SELECT_FAILS("px-samples Soria: '85 y mas' is no age bidrag reads: 85+ is not covered", &c, NULL, NULL,
		     PICKS("edad=80+"), "no value of 'edad' covers the ages 85+");
	statcube_release(&c);
	/* INE Spain, EPA: one decimal, values split over lines after '='. */
	read_real("../px-samples/inst_extdata_EPA_es_1.px", NULL, &c);
	ok(c.ncell == 2340 && cell_is(&c.cell[0], 361876, 1) && cell_is(&c.cell[2339], 58978, 1),
	   "px-samples EPA: 2 340 cells, the first 36187.6 and the last 5897.8 exactly");
	rc = select_series(&c, NULL, "Periodo", &s, &err, "Sexo=Varones,Mujeres", NULL);
	ok(rc == 0 && value_is(&s, "2005TI", "36187.6") && value_is(&s, "2011TII", "38481.2") &&
		   strstr(s.selection, "Edad=Total (the table's total)"),
	   "px-samples EPA: men + women = 'Ambos sexos' (36 187.6 thousand), decimals exact; 'Total' taken alone (%s)",
	   rc ? err.msg : s.selection);
	if (!rc)
		stat_series_release(&s);
	statcube_release(&c);
	/* KEYS (sparse rows): Eurostat's example 4, keys for every STUB
	 * variable (codes and values): the dense cube, cell by cell (its
	 * values are 1 + 2a + 16b + 8c + d by position). */
	read_real("../px-samples/tests_review_example4.px", NULL, &c);
	bool all = c.ncell == 48 && c.nstub == 3;
	for (size_t a = 0; a < 4 && all; a++)
		for (size_t b = 0; b < 3 && all; b++)
			for (size_t k = 0; k < 2 && all; k++)
				for (size_t d = 0; d < 2 && all; d++)
					all = cell_is(&c.cell[((a * 3 + b) * 2 + k) * 2 + d], (int64_t)(1 + 2 * a + 16 * b + 8 * k + d), 0);
	ok(all, "px-samples KEYS: example 4's 24 keyed rows are the dense 4 x 3 x 2 x 2 cube");
	statcube_release(&c);
	/* Keys in the order of the KEYS statements (C before B), and a row
	 * left out (C2, B1): zero, as the format defines it. */
	read_real("../px-samples/inst_extdata_example6.px", NULL, &c);
	ok(c.ncell == 24 && cell_is(&c.cell[(1 * 2 + 0) * 4 + 0], 9, 0) && cell_is(&c.cell[(2 * 2 + 1) * 4 + 3], 24, 0) &&
		   cell_is(&c.cell[(1 * 2 + 1) * 4 + 0], 13, 0) && c.cell[(0 * 2 + 1) * 4 + 2].status == STAT_NIL &&
		   c.cell[(0 * 2 + 1) * 4 + 2].mant == 0,
	   "px-samples KEYS: rows keyed C then B as KEYS lists them, the row left out is zero");
	statcube_release(&c);
	const char *keyed[] = {"../px-samples/tests_review_example5.px", "../px-samples/tests_review_example7.px"};
	for (size_t i = 0; i < BD_ARRAY_LEN(keyed); i++) {
		char *kp = path_of(keyed[i]);
		statcube_init(&c);
		rc = statfile_read(kp, NULL, &c, &err);
		ok(rc == 0 && c.has_values, "px-samples KEYS: %s reads%s%s", keyed[i], rc ? ": " : "", rc ? err.msg : "");
		free(kp);
		statcube_release(&c);
	}
}

/* ---- Made-up files: features and errors ------------------------------------------ */

#define PX_HEAD                                                                                                        \
	"CHARSET=\"ANSI\";\nMATRIX=\"T1\";\nTITLE=\"t\";\nCONTENTS=\"c\";\nUNITS=\"antal\";\n"                            \
	"STUB=\"region\";\nHEADING=\"\xe5r\";\n"                                                                        \
	"VALUES(\"region\")=\"Stockholm\",\"Uppsala\";\nCODES(\"region\")=\"01\",\"03\";\n"                           \
	"VALUES(\"\xe5r\")=\"2022\",\"2023\";\nTIMEVAL(\"\xe5r\")=TLIST(A1),\"2022\",\"2023\";\n"

static void test_px_made_up(void)
{
	struct stat_cube c;
	struct bd_error err;
	struct stat_series s;
	int rc = parse_text(PX_HEAD "REFPERIOD=\"1 november respektive \xe5r\";\nDATA=\n12.5 3\n\"-\" \"..\";\n", "t.px",
			    NULL, &c, &err);
	ok(rc == 0 && cell_is(&c.cell[0], 125, 1) && c.cell[2].status == STAT_NIL && c.cell[3].status == STAT_MISSING &&
		   strcmp(c.symbol[c.cell[3].symbol - 1], "..") == 0,
	   "made-up px: a decimal, nil '-' and missing '..' (%s)", rc ? err.msg : "ok");
	if (!rc) {
		int r = select_series(&c, "2022", NULL, &s, &err, NULL);
		ok(r == 0 && value_is(&s, "01", "12.5") && value_is(&s, "03", "0.0") && strcmp(s.ref_date, "2022-11-01") == 0 &&
			   strstr(s.ref_basis, "1 November"),
		   "made-up px: 2022: 12.5 and '-' as 0 (scale 1); 1 November by REFPERIOD (%s)", r ? err.msg : s.ref_basis);
		if (!r)
			stat_series_release(&s);
		SELECT_FAILS("made-up px: a missing cell in the selection is named", &c, "2023", NULL, NOPICK,
			     "region=03 Uppsala, \xc3\xa5r=2023", "has no value ('..')");
	}
	statcube_release(&c);
	rc = parse_text(PX_HEAD "DATA=\n\"7\" 1.50 -2 \":\"\n", "t.px", NULL, &c, &err);
	ok(rc == 0 && cell_is(&c.cell[0], 7, 0) && cell_is(&c.cell[1], 150, 2) && cell_is(&c.cell[2], -2, 0) &&
		   c.cell[3].status == STAT_MISSING,
	   "made-up px: a quoted number, '1.50' keeps its decimals, ':' is missing, DATA ended by the file (%s)",
	   rc ? err.msg : "ok");
	statcube_release(&c);
	/* A language suffix and strings over several lines. */
	rc = parse_text("CHARSET=\"ANSI\";\nLANGUAGE=\"sv\";\nLANGUAGES=\"sv\",\"en\";\nTITLE=\"Folkm\xe4ngd\";\n"
			"TITLE[en]=\"Popu\"\n\"lation\";\nSTUB=\"region\";\nSTUB[en]=\"region\";\nHEADING=\"k\xf6n\";\n"
			"HEADING[en]=\"sex\";\nVALUES(\"region\")=\"Stockholms l\xe4n\",\n\"Uppsala l\xe4n\";\n"
			"VALUES[en](\"region\")=\"Stockholm county\",\"Uppsala county\";\nCODES(\"region\")=\"01\",\"03\";\n"
			"VALUES(\"k\xf6n\")=\"m\xe4n\",\"kvinnor\";\nVALUES[en](\"sex\")=\"men\",\"women\";\n"
			"CODES(\"k\xf6n\")=\"1\",\"2\";\nELIMINATION(\"k\xf6n\")=YES;\nNOTE[en]=\"In English\";\nNOTE=\"P\xe5 svenska\";\n"
			"DATA=\n1 2\n3 4;\n",
			"t.px", &(struct statfile_opts){.language = "en"}, &c, &err);
	ok(rc == 0 && strcmp(c.title, "Population") == 0 && strcmp(c.dim[1].label, "sex") == 0 &&
		   strcmp(c.dim[0].cat[1].label, "Uppsala county") == 0 && strcmp(c.dim[0].cat[1].code, "03") == 0 &&
		   c.dim[1].elimination && c.nnote == 1 && strcmp(c.note[0], "In English") == 0 && strcmp(c.language, "en") == 0,
	   "made-up px [en]: TITLE[en] over two lines, STUB/VALUES[en], the default's CODES and ELIMINATION (%s)",
	   rc ? err.msg : "ok");
	if (!rc) {
		int r = select_series(&c, NULL, NULL, &s, &err, "sex=women", NULL);
		ok(r == 0 && value_is(&s, "03", "4"), "made-up px [en]: sex=women");
		if (!r)
			stat_series_release(&s);
	}
	statcube_release(&c);
	rc = parse_text("CHARSET=\"ANSI\";\nLANGUAGE=\"sv\";\nTITLE=\"Folkm\xe4ngd\";\nSTUB=\"region\";\nHEADING=\"k\xf6n\";\n"
			"VALUES(\"region\")=\"Stockholms l\xe4n\";\nVALUES(\"k\xf6n\")=\"m\xe4n\",\"kvinnor\";\nDATA=\n1 2;\n",
			"t.px", NULL, &c, &err);
	ok(rc == 0 && strcmp(c.dim[1].cat[0].label, "m\xc3\xa4n") == 0 && strcmp(c.dim[0].cat[0].code, "Stockholms l\xc3\xa4n") == 0,
	   "made-up px: without CODES the values are the codes");
	statcube_release(&c);

	parse_fails("px: a missing ';'", PX_HEAD "SOURCE=\"x\"\nDATABASE=\"SCB\";\nDATA=\n1 2 3 4;\n", NULL, "t.px:13:",
		    "after the value of SOURCE expected ',' or ';'", "DATABASE");
	parse_fails("px: a string never closed", PX_HEAD "SOURCE=\"SCB;\nDATA=\n1 2 3 4;\n", NULL, "t.px:12:",
		    "never closed");
	parse_fails("px: no '='", PX_HEAD "SOURCE \"SCB\";\nDATA=\n1 2 3 4;\n", NULL, "t.px:12:", "expected '='");
	parse_fails("px: too few values", PX_HEAD "DATA=\n1 2 3;\n", NULL, "t.px:13:", "after 3 values", "4 cells (2 x 2)");
	parse_fails("px: too many values", PX_HEAD "DATA=\n1 2 3 4 5;\n", NULL, "t.px:13:", "more values than");
	parse_fails("px: a word in DATA", PX_HEAD "DATA=\n1 2 x 4;\n", NULL, "t.px:13:", "'x'", "not a number");
	parse_fails("px: text after DATA", PX_HEAD "DATA=\n1 2 3 4;\nTITLE=\"x\";\n", NULL, "t.px:14:", "after the end of DATA");
	parse_fails("px: VALUES twice", PX_HEAD "VALUES(\"region\")=\"A\",\"B\";\nDATA=\n1 2 3 4;\n", NULL,
		    "VALUES is given twice");
	parse_fails("px: CODES of the wrong length", PX_HEAD "CODES(\"\xe5r\")=\"2022\";\nDATA=\n1 2 3 4;\n", NULL,
		    "CODES(\"\xc3\xa5r\") has 1 codes", "2 values");
	parse_fails("px: no VALUES for a variable", "CHARSET=\"ANSI\";\nSTUB=\"a\";\nHEADING=\"b\";\nVALUES(\"a\")=\"x\";\nDATA=\n1;\n",
		    NULL, "no VALUES(\"b\")");
	/* One made-up table written dense and with KEYS: the same cube. */
	{
		struct stat_cube dense, keyed;
		statcube_init(&dense);
		statcube_init(&keyed);
		int r1 = parse_text(PX_HEAD "DATA=\n1054 1060\n\"..\" 7;\n", "dense.px", NULL, &dense, &err);
		int r2 = parse_text(PX_HEAD "KEYS(\"region\")=VALUES;\nDATA=\n\"Uppsala\" \"..\" 7\n\"Stockholm\",1054,1060;\n",
				    "keys.px", NULL, &keyed, &err);
		bool same = r1 == 0 && r2 == 0 && dense.ncell == keyed.ncell;
		for (size_t i = 0; same && i < dense.ncell; i++)
			same = dense.cell[i].status == keyed.cell[i].status && dense.cell[i].mant == keyed.cell[i].mant &&
			       dense.cell[i].scale == keyed.cell[i].scale;
		ok(same, "px: KEYS by value, rows in any order, a missing symbol kept: the dense file's cube%s%s",
		   r1 || r2 ? ": " : "", r1 || r2 ? err.msg : "");
		statcube_release(&dense);
		statcube_release(&keyed);
		r2 = parse_text(PX_HEAD "KEYS(\"region\")=CODES;\nDATA=\n\"03\",3 4;\n", "keys.px", NULL, &keyed, &err);
		ok(r2 == 0 && keyed.cell[0].status == STAT_NIL && cell_is(&keyed.cell[2], 3, 0) && cell_is(&keyed.cell[3], 4, 0),
		   "px: KEYS by code, Stockholm's row left out is zero");
		statcube_release(&keyed);
	}
	parse_fails("px: KEYS: a key that is no code", PX_HEAD "KEYS(\"region\")=CODES;\nDATA=\n\"01\",1 2\n\"09\",3 4;\n", NULL,
		    "t.px:15:", "the key '09' is not a code of 'region'", "KEYS(\"region\")=CODES");
	parse_fails("px: KEYS: a row twice", PX_HEAD "KEYS(\"region\")=CODES;\nDATA=\n\"01\",1 2\n\"01\",3 4;\n", NULL,
		    "t.px:15:", "given twice");
	parse_fails("px: KEYS: a short row", PX_HEAD "KEYS(\"region\")=CODES;\nDATA=\n\"01\",1 2\n\"03\",3;\n", NULL,
		    "ends with ';' after 1 of the row's 2 values");
	parse_fails("px: KEYS on a HEADING variable", PX_HEAD "KEYS(\"\xe5r\")=CODES;\nDATA=\n1 2 3 4;\n", NULL,
		    "only STUB variables have keys");
	parse_fails("px: KEYS neither VALUES nor CODES", PX_HEAD "KEYS(\"region\")=\"x\";\nDATA=\n1 2 3 4;\n", NULL,
		    "expected KEYS(\"variable\")=VALUES or =CODES");
	parse_fails("px: ELIMINATION names no value", PX_HEAD "ELIMINATION(\"region\")=\"Riket\";\nDATA=\n1 2 3 4;\n", NULL,
		    "ELIMINATION(\"region\")=\"Riket\"", "no such value");
	parse_fails("px: a CELLNOTE with the wrong arity", PX_HEAD "CELLNOTE(\"*\")=\"n\";\nDATA=\n1 2 3 4;\n", NULL,
		    "CELLNOTE has 1 values, the table 2 variables");
	parse_fails("px: no DATA", PX_HEAD, NULL, "without DATA=");
	parse_fails("px: a language the file lacks", PX_HEAD "DATA=\n1 2 3 4;\n", &(struct statfile_opts){.language = "en"},
		    "no texts in language 'en'");
	/* Encodings: a declaration that disagrees with the bytes. */
	parse_fails("px: CODEPAGE utf-8 over Latin-1 bytes",
		    "CHARSET=\"ANSI\";\nCODEPAGE=\"utf-8\";\nSTUB=\"r\";\nHEADING=\"k\xf6n\";\nVALUES(\"r\")=\"a\";\n"
		    "VALUES(\"k\xf6n\")=\"m\";\nDATA=\n1;\n",
		    NULL, "t.px:4:", "byte 0xF6 is not UTF-8", "CODEPAGE=\"utf-8\"");
	parse_fails("px: ANSI over UTF-8 text",
		    "CHARSET=\"ANSI\";\nSTUB=\"r\";\nHEADING=\"k\xc3\xb6n\";\nVALUES(\"r\")=\"a\";\n"
		    "VALUES(\"k\xc3\xb6n\")=\"m\";\nDATA=\n1;\n",
		    NULL, "t.px:3:", "read as WINDOWS-1252 (CHARSET=\"ANSI\")", "its text is UTF-8", "'\xc3\xb6'");
	parse_fails("px: ISO-8859-1 with a Windows-1252 dash",
		    "CHARSET=\"ANSI\";\nCODEPAGE=\"iso-8859-1\";\nSTUB=\"r\";\nHEADING=\"k\";\nVALUES(\"r\")=\"a\x96" "b\";\n"
		    "VALUES(\"k\")=\"m\";\nDATA=\n1;\n",
		    NULL, "t.px:5:", "0x96", "control character in ISO-8859-1", "Windows-1252");
	parse_fails("px: an encoding iconv does not know", "CHARSET=\"ANSI\";\nCODEPAGE=\"klingon\";\nSTUB=\"r\";\n"
		    "HEADING=\"k\";\nVALUES(\"r\")=\"a\";\nVALUES(\"k\")=\"m\";\nDATA=\n1;\n",
		    NULL, "unknown encoding 'klingon'");
	rc = parse_text("CHARSET=\"ANSI\";\nSTUB=\"r\";\nHEADING=\"k\xc3\xb6n\";\nVALUES(\"r\")=\"a\";\n"
			"VALUES(\"k\xc3\xb6n\")=\"m\";\nDATA=\n1;\n",
			"t.px", &(struct statfile_opts){.encoding = "utf-8"}, &c, &err);
	ok(rc == 0 && strcmp(c.dim[1].label, "k\xc3\xb6n") == 0 && strstr(c.encoding, "given"),
	   "px: the encoding given overrides the declaration (%s)", rc ? err.msg : c.encoding);
	statcube_release(&c);
	rc = parse_text("STUB=\"r\";\nHEADING=\"k\x94n\";\nVALUES(\"r\")=\"a\";\nVALUES(\"k\x94n\")=\"m\";\nDATA=\n1;\n", "t.px",
			NULL, &c, &err);
	ok(rc == 0 && strcmp(c.dim[1].label, "k\xc3\xb6n") == 0 && strstr(c.encoding, "CP437"),
	   "px: no CHARSET is DOS code page 437 (0x94 is ö) (%s)", rc ? err.msg : c.encoding);
	statcube_release(&c);
	parse_fails("not a statistics file", "hello world\n", NULL, "not a statistics file");
}

static void test_json_made_up(void)
{
	struct stat_cube c;
	struct bd_error err;
	const char *head = "{\"version\":\"2.0\",\"class\":\"dataset\",\"id\":[\"r\",\"t\"],\"size\":[2,2],"
			   "\"dimension\":{\"r\":{\"category\":{\"index\":[\"01\",\"03\"]}},"
			   "\"t\":{\"label\":\"tid\",\"category\":{\"index\":{\"2023\":1,\"2022\":0}}}},";
	char *doc = xasprintf("%s\"value\":{\"0\":12.50,\"3\":-1.5e2},\"status\":{\"1\":\"..\",\"0\":\"p\"},"
			      "\"role\":{\"time\":[\"t\"]}}", head);
	int rc = parse_text(doc, "t.json", NULL, &c, &err);
	free(doc);
	ok(rc == 0 && cell_is(&c.cell[0], 1250, 2) && cell_is(&c.cell[3], -150, 0) && c.cell[1].status == STAT_MISSING &&
		   strcmp(c.symbol[c.cell[1].symbol - 1], "..") == 0 && c.cell[2].status == STAT_MISSING &&
		   c.cell[0].symbol && strcmp(c.dim[1].cat[0].code, "2022") == 0 && c.dim[1].role == STAT_ROLE_TIME,
	   "made-up json: sparse values, 12.50 kept exactly (1250, 2 decimals), -1.5e2, status, index object (%s)",
	   rc ? err.msg : "ok");
	statcube_release(&c);
	static const struct {
		const char *what, *tail, *want;
	} bad[] = {
		{"value of the wrong length", "\"value\":[1,2,3]}", "value: 3 cells, but \"size\" makes 4 (2 x 2)"},
		{"a string value", "\"value\":[1,\"x\",3,4]}", "value[1]: a string, expected a number or null"},
		{"no value", "\"label\":\"x\"}", "value: missing"},
		{"a position beyond the cells", "\"value\":{\"4\":1}}", "key '4' is not a cell position from 0 to 3"},
		{"a status of the wrong length", "\"value\":[1,2,3,4],\"status\":[\"a\"]}", "status: 1 entries"},
		{"a number too large", "\"value\":[1,2,3,123456789012345678901234]}", "value[3]: 123456789012345678901234"},
		{"a role naming no dimension", "\"value\":[1,2,3,4],\"role\":{\"time\":[\"x\"]}}", "role.time"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(bad); i++) {
		doc = xasprintf("%s%s", head, bad[i].tail);
		rc = parse_text(doc, "t.json", NULL, &c, &err);
		ok(rc != 0 && strstr(err.msg, bad[i].want) && strstr(err.msg, "t.json: "), "json: %s: %s", bad[i].what,
		   err.msg);
		if (rc == 0 || !strstr(err.msg, bad[i].want))
			diag("want '%s'", bad[i].want);
		free(doc);
		statcube_release(&c);
	}
	/* JSON-stat 1.x: a bundle (PxWeb API v1's "json-stat"), a lone 1.x
	 * dataset, "version": "1.02": refused, saying what to fetch instead. */
	const char *v1[] = {
		"{\"TAB638\":{\"label\":\"x\",\"dimension\":{\"id\":[\"r\"],\"size\":[1],\"r\":{\"category\":"
		"{\"index\":{\"01\":0}}}},\"value\":[1]}}",
		"{\"label\":\"x\",\"dimension\":{\"id\":[\"r\"],\"size\":[1]},\"value\":[1]}",
		"{\"version\":\"1.02\",\"class\":\"dataset\",\"id\":[\"r\"],\"size\":[1],\"value\":[1]}",
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(v1); i++) {
		rc = parse_text(v1[i], "t.json", NULL, &c, &err);
		ok(rc != 0 && strstr(err.msg, "JSON-stat 1.x") && strstr(err.msg, "json-stat2") &&
			   strstr(err.msg, "t.json: "),
		   "json: JSON-stat 1.x (%zu) is refused, saying what to fetch: %s", i, err.msg);
		statcube_release(&c);
	}
	rc = parse_text("{\"version\":\"2.0\",\"class\":\"collection\"}", "t.json", NULL, &c, &err);
	ok(rc != 0 && strstr(err.msg, "class: 'collection'"), "json: a collection is refused: %s", err.msg);
	statcube_release(&c);
	rc = parse_text("{\"class\":\"dataset\",\"id\":[\"r\"],\"size\":[2],\"dimension\":{\"r\":{\"category\":"
			"{\"index\":[\"a\",\"a\"]}}},\"value\":[1,2]}",
			"t.json", NULL, &c, &err);
	ok(rc != 0 && strstr(err.msg, "the code 'a' is given twice"), "json: a code twice: %s", err.msg);
	statcube_release(&c);
	rc = parse_text("{\"class\":\"dataset\",\n\"id\":[\"r\"],,}", "t.json", NULL, &c, &err);
	ok(rc != 0 && strstr(err.msg, "t.json:2:"), "json: a syntax error names the line: %s", err.msg);
	statcube_release(&c);
	struct bd_error err2;
	rc = parse_text("{\"class\":\"dataset\",\"x\":105,\n\"id\":[\"r\"],,}", "t.json", NULL, &c, &err2);
	statcube_release(&c);
	rc = parse_text("{\"class\":\"dataset\",\"x\":1.5,\n\"id\":[\"r\"],,}", "t.json", NULL, &c, &err);
	ok(rc != 0 && strcmp(err.msg, err2.msg) == 0, "json: a decimal before a syntax error does not move it: %s", err.msg);
	statcube_release(&c);
}

static void test_csv_made_up(void)
{
	struct stat_cube c;
	struct bd_error err;
	int rc = parse_text("\"Folkm\xc3\xa4ngd\"\r\n\r\n\"region\";\"k\xc3\xb6n\";\"2022\";\"2023\"\r\n"
			    "\"01 Stockholms l\xc3\xa4n\";\"m\xc3\xa4n\";1,5;..\r\n\"01 Stockholms l\xc3\xa4n\";\"kvinnor\";2;-\r\n"
			    "\r\n\"K\xc3\xa4lla: SCB\"\r\n",
			    "t.csv", NULL, &c, &err);
	ok(rc == 0 && strstr(c.encoding, "UTF-8") && c.ndim == 3 && cell_is(&c.cell[0], 15, 1) &&
		   c.cell[1].status == STAT_MISSING && c.cell[3].status == STAT_NIL && c.nnote == 1 &&
		   strcmp(c.note[0], "K\xc3\xa4lla: SCB") == 0 && strcmp(c.dim[0].cat[0].code, "01") == 0,
	   "made-up csv: semicolons, decimal comma, '..', '-', two row variables, a footnote (%s)", rc ? err.msg : "ok");
	statcube_release(&c);
	static const struct {
		const char *what, *text, *want;
	} bad[] = {
		{"a row twice", "\"t\"\n\"region\",\"2022\"\n\"01 A\",1\n\"01 A\",2\n", "t.csv:4: the row of '01 A' is given twice"},
		{"a header without periods", "\"t\"\n\"region\",\"value\"\n\"01 A\",1\n", "no column of the header is a period"},
		{"a period, then not", "\"t\"\n\"region\",\"2022\",\"sum\"\n\"01 A\",1,2\n", "'sum', is not a period"},
		{"a field too many", "\"t\"\n\"region\",\"2022\"\n\"01 A\",1,2\n", "t.csv:3: 3 fields, but the header has 2"},
		{"a word as a value", "\"t\"\n\"region\",\"2022\"\n\"01 A\",many\n", "t.csv:3: column '2022': 'many' is not a number"},
		{"rows after the notes", "\"t\"\n\"region\",\"2022\"\n\"01 A\",1\n\"note\"\n\"03 B\",2\n", "t.csv:5:"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(bad); i++) {
		rc = parse_text(bad[i].text, "t.csv", NULL, &c, &err);
		ok(rc != 0 && strstr(err.msg, bad[i].want), "csv: %s: %s", bad[i].what, err.msg);
		statcube_release(&c);
	}
}

/* ---- Property tests: the selection arithmetic on random cubes ----------------- */

/* A random cube: region (R), age (single years 0..A-1, or groups of G
 * years, and a "totalt" category), kön (män, kvinnor, totalt as the
 * elimination value), år (T years).  Values with 0-2 decimals, some
 * negative.  The totals are the sums of their parts (no noise) unless
 * noisy. */
struct rcube {
	struct stat_cube c;
	size_t R, A, G, T; /* A ages in groups of G (1: single years) */
};

static void make_cube(struct rcube *r, bool noisy)
{
	struct stat_cube *c = &r->c;
	statcube_init(c);
	c->origin = "random";
	r->R = 1 + rng_below(5);
	r->G = rng_below(2) ? 1 : 5;
	r->A = r->G * (2 + rng_below(8)); /* ages 0..A-1 in A/G groups, then "A+" */
	r->T = 1 + rng_below(3);
	size_t ng = r->A / r->G;
	size_t d0 = statcube_add_dim(c, "region", "region", r->R);
	for (size_t i = 0; i < r->R; i++) {
		char code[24];
		snprintf(code, sizeof(code), "%02zu", i + 1);
		statcube_set_cat(c, d0, i, code, code);
	}
	size_t d1 = statcube_add_dim(c, "Alder", "\xc3\xa5lder", ng + 2);
	for (size_t g = 0; g < ng; g++) {
		char code[48], label[64];
		if (r->G == 1) {
			snprintf(code, sizeof(code), "%zu", g);
			snprintf(label, sizeof(label), "%zu \xc3\xa5r", g);
		} else {
			snprintf(code, sizeof(code), "%zu-%zu", g * r->G, g * r->G + r->G - 1);
			snprintf(label, sizeof(label), "%s \xc3\xa5r", code);
		}
		statcube_set_cat(c, d1, g, code, label);
	}
	char top[32];
	snprintf(top, sizeof(top), "%zu+", r->A);
	statcube_set_cat(c, d1, ng, top, top);
	statcube_set_cat(c, d1, ng + 1, "tot", "totalt");
	size_t d2 = statcube_add_dim(c, "Kon", "k\xc3\xb6n", 3);
	statcube_set_cat(c, d2, 0, "1", "m\xc3\xa4n");
	statcube_set_cat(c, d2, 1, "2", "kvinnor");
	statcube_set_cat(c, d2, 2, "T", "totalt, b\xc3\xa5" "da k\xc3\xb6nen");
	c->dim[d2].elimination = true;
	c->dim[d2].elim = 2;
	size_t d3 = statcube_add_dim(c, "Tid", "\xc3\xa5r", r->T);
	c->dim[d3].role = STAT_ROLE_TIME;
	for (size_t t = 0; t < r->T; t++) {
		char code[24];
		snprintf(code, sizeof(code), "%zu", 2020 + t);
		statcube_set_cat(c, d3, t, code, code);
	}
	struct bd_error err;
	if (statcube_finish(c, true, &err)) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	/* Parts first, then totals as their exact sums at a common scale
	 * (or off by a little when noisy). */
	size_t cat[4];
	for (size_t i = 0; i < c->ncell; i++) {
		statcube_coords(c, i, cat);
		struct stat_cell *k = &c->cell[i];
		k->status = STAT_VALUE;
		k->scale = (uint8_t)rng_below(3);
		k->mant = (int64_t)rng_below(200000) - 20000;
	}
	for (size_t i = 0; i < c->ncell; i++) {
		statcube_coords(c, i, cat);
		bool tot_age = cat[1] == ng + 1, tot_sex = cat[2] == 2;
		if (!tot_age && !tot_sex)
			continue;
		/* sum the parts at scale 2 */
		int64_t sum = 0;
		size_t lo1 = tot_age ? 0 : cat[1], hi1 = tot_age ? ng + 1 : cat[1] + 1;
		size_t lo2 = tot_sex ? 0 : cat[2], hi2 = tot_sex ? 2 : cat[2] + 1;
		for (size_t a = lo1; a < hi1; a++)
			for (size_t s = lo2; s < hi2; s++) {
				size_t cc[4] = {cat[0], a, s, cat[3]};
				const struct stat_cell *p = &c->cell[statcube_offset(c, cc)];
				int64_t m = p->mant;
				for (int k = p->scale; k < 2; k++)
					m *= 10;
				sum += m;
			}
		c->cell[i].mant = sum + (noisy ? (int64_t)rng_below(7) - 3 : 0);
		c->cell[i].scale = 2;
	}
}

/* The independent sum: every cell whose age group lies in [lo, hi] (hi
 * SIZE_MAX: with the open group), sex in the mask (bit 0 män, 1 kvinnor, 2
 * totalt), period t, region r; as a rational. */
static void brute(const struct rcube *r, size_t region, size_t lo, size_t hi, unsigned sexmask, size_t t, mpq_t out)
{
	const struct stat_cube *c = &r->c;
	size_t ng = r->A / r->G;
	mpq_set_ui(out, 0, 1);
	mpq_t v;
	mpq_init(v);
	size_t cat[4];
	for (size_t i = 0; i < c->ncell; i++) {
		statcube_coords(c, i, cat);
		if (cat[0] != region || cat[3] != t || !(sexmask & (1u << cat[2])))
			continue;
		size_t alo, ahi;
		if (cat[1] == ng + 1)
			continue; /* the total of ages: never in a range */
		if (cat[1] == ng) {
			alo = r->A;
			ahi = SIZE_MAX;
		} else {
			alo = cat[1] * r->G;
			ahi = alo + r->G - 1;
		}
		if (alo < lo || ahi > hi)
			continue;
		mpz_t den;
		mpz_init(den);
		mpz_ui_pow_ui(den, 10, c->cell[i].scale);
		mpq_set_si(v, c->cell[i].mant, 1);
		mpz_set(mpq_denref(v), den);
		mpq_canonicalize(v);
		mpq_add(out, out, v);
		mpz_clear(den);
	}
	mpq_clear(v);
}

static bool series_equals(const struct stat_series *s, size_t row, const mpq_t want)
{
	mpq_t got;
	mpq_init(got);
	mpz_t den;
	mpz_init(den);
	mpz_ui_pow_ui(den, 10, (unsigned long)s->scale);
	mpq_set_num(got, s->value[row]);
	mpq_set_den(got, den);
	mpq_canonicalize(got);
	bool eq = mpq_equal(got, want);
	if (!eq)
		gmp_printf("# row %zu: got %Qd, want %Qd\n", row, got, want);
	mpq_clear(got);
	mpz_clear(den);
	return eq;
}

static void range_text(const struct rcube *r, size_t lo, size_t hi, char *out, size_t n)
{
	if (hi == SIZE_MAX)
		snprintf(out, n, "%zu+", lo);
	else
		snprintf(out, n, "%zu-%zu", lo, hi);
	(void)r;
}

static void test_properties(void)
{
	rng_seed(20240517);
	size_t runs = 300, agree = 0, splits = 0, totals = 0, cuts = 0, doubles = 0;
	bool all_agree = true, all_split = true, all_total = true, all_cut = true, all_double = true;
	mpq_t want, w2;
	mpq_init(want);
	mpq_init(w2);
	for (size_t run = 0; run < runs; run++) {
		struct rcube r;
		bool noisy = run % 3 == 0;
		make_cube(&r, noisy);
		size_t ng = r.A / r.G, t = rng_below(r.T);
		char period[24];
		snprintf(period, sizeof(period), "%zu", 2020 + t);
		/* A range on group boundaries, open or not. */
		size_t g0 = rng_below(ng), g1 = g0 + rng_below(ng - g0);
		size_t lo = g0 * r.G, hi = rng_below(4) == 0 ? SIZE_MAX : g1 * r.G + r.G - 1;
		char range[64], pick_age[80], pick_sex[64];
		range_text(&r, lo, hi, range, sizeof(range));
		snprintf(pick_age, sizeof(pick_age), "\xc3\x85lder=%s%s", range, rng_below(2) ? " \xc3\xa5r" : "");
		static const char *const sexes[] = {"K\xc3\xb6n=m\xc3\xa4n", "k\xc3\xb6n=2", "kon=1,kvinnor", "KÖN=T", NULL};
		static const unsigned masks[] = {1, 2, 3, 4, 4};
		size_t si = rng_below(5);
		snprintf(pick_sex, sizeof(pick_sex), "%s", sexes[si] ? sexes[si] : "");
		struct stat_series s;
		struct bd_error err;
		int rc = sexes[si] ? select_series(&r.c, period, NULL, &s, &err, pick_age, pick_sex, NULL)
				   : select_series(&r.c, period, NULL, &s, &err, pick_age, NULL);
		if (rc) {
			diag("run %zu: %s %s: %s", run, pick_age, pick_sex, err.msg);
			all_agree = false;
			statcube_release(&r.c);
			continue;
		}
		bool good = s.n == r.R;
		for (size_t reg = 0; reg < r.R && good; reg++) {
			brute(&r, reg, lo, hi, masks[si], t, want);
			good = series_equals(&s, reg, want);
		}
		agree += good;
		if (!good) {
			all_agree = false;
			diag("run %zu: %s %s (%s) disagrees with the cell-by-cell sum", run, pick_age, pick_sex, s.selection);
		}
		stat_series_release(&s);
		/* Split the range at a group boundary: the two parts add up, and
		 * so does the list of both. */
		if (hi != SIZE_MAX ? g1 > g0 : ng > g0) {
			size_t gk = g0 + 1 + rng_below((hi == SIZE_MAX ? ng : g1) - g0);
			size_t k = gk * r.G; /* the second part starts here */
			char a[64], b[64], both[160];
			range_text(&r, lo, k - 1, a, sizeof(a));
			range_text(&r, k, hi, b, sizeof(b));
			snprintf(both, sizeof(both), "Alder=%s,%s", a, b);
			char pa[80], pb[80];
			snprintf(pa, sizeof(pa), "Alder=%s", a);
			snprintf(pb, sizeof(pb), "Alder=%s", b);
			struct stat_series sa, sb, sab, sw;
			int r1 = select_series(&r.c, period, NULL, &sa, &err, pa, "Kon=1", NULL);
			int r2 = select_series(&r.c, period, NULL, &sb, &err, pb, "Kon=1", NULL);
			int r3 = select_series(&r.c, period, NULL, &sab, &err, both, "Kon=1", NULL);
			int r4 = select_series(&r.c, period, NULL, &sw, &err, pick_age, "Kon=1", NULL);
			bool ok_split = !r1 && !r2 && !r3 && !r4;
			for (size_t reg = 0; ok_split && reg < r.R; reg++) {
				mpq_t qa, qb;
				mpq_init(qa);
				mpq_init(qb);
				brute(&r, reg, lo, k - 1, 1, t, qa);
				brute(&r, reg, k, hi, 1, t, qb);
				mpq_add(w2, qa, qb);
				ok_split = series_equals(&sa, reg, qa) && series_equals(&sb, reg, qb) &&
					   series_equals(&sab, reg, w2) && series_equals(&sw, reg, w2);
				mpq_clear(qa);
				mpq_clear(qb);
			}
			if (!ok_split) {
				all_split = false;
				diag("run %zu: split %s at %zu: %s", run, range, k, (r1 || r2 || r3 || r4) ? err.msg : "sums differ");
			}
			splits += ok_split;
			if (!r1)
				stat_series_release(&sa);
			if (!r2)
				stat_series_release(&sb);
			if (!r3)
				stat_series_release(&sab);
			if (!r4)
				stat_series_release(&sw);
		}
		/* Kön left out takes the total alone, never total + parts; the
		 * age total likewise when chosen; choosing it with parts fails. */
		{
			struct stat_series st;
			int r1 = select_series(&r.c, period, NULL, &st, &err, "\xc3\xa5lder=totalt", NULL);
			bool good_t = !r1 && strstr(st.selection, "k\xc3\xb6n=totalt");
			for (size_t reg = 0; good_t && reg < r.R; reg++) {
				size_t cc[4] = {reg, ng + 1, 2, t};
				const struct stat_cell *k = &r.c.cell[statcube_offset(&r.c, cc)];
				mpq_set_si(want, k->mant, 100);
				mpq_canonicalize(want);
				good_t = series_equals(&st, reg, want);
			}
			if (!r1)
				stat_series_release(&st);
			int r2 = select_series(&r.c, period, NULL, &st, &err, "\xc3\xa5lder=totalt", "k\xc3\xb6n=T,1", NULL);
			good_t = good_t && r2 != 0 && strstr(err.msg, "is the total");
			if (!r2)
				stat_series_release(&st);
			/* Without noise, the total equals the sum of all parts. */
			if (!noisy) {
				r2 = select_series(&r.c, period, NULL, &st, &err, "\xc3\xa5lder=0+", "k\xc3\xb6n=1,2", NULL);
				for (size_t reg = 0; good_t && !r2 && reg < r.R; reg++) {
					size_t cc[4] = {reg, ng + 1, 2, t};
					const struct stat_cell *k = &r.c.cell[statcube_offset(&r.c, cc)];
					mpq_set_si(want, k->mant, 100);
					mpq_canonicalize(want);
					good_t = series_equals(&st, reg, want);
				}
				good_t = good_t && !r2;
				if (!r2)
					stat_series_release(&st);
			}
			totals += good_t;
			if (!good_t) {
				all_total = false;
				diag("run %zu: totals: %s", run, err.msg);
			}
		}
		/* A range that cuts a group fails (groups of 5 only). */
		if (r.G > 1) {
			size_t g = rng_below(ng);
			char cut[80];
			snprintf(cut, sizeof(cut), "\xc3\x85lder=%zu-%zu", g * r.G + 1 + rng_below(r.G - 1), ng * r.G - 1);
			struct stat_series sc;
			int r1 = select_series(&r.c, period, NULL, &sc, &err, cut, NULL);
			bool good_c = r1 != 0 && strstr(err.msg, "cuts the group");
			cuts += good_c;
			if (!good_c) {
				all_cut = false;
				diag("run %zu: %s: %s", run, cut, r1 ? err.msg : "succeeded");
			}
			if (!r1)
				stat_series_release(&sc);
		}
		/* Overlapping items of a list fail. */
		if (ng >= 2) {
			char dbl[120];
			snprintf(dbl, sizeof(dbl), "Alder=0-%zu,%zu-%zu", r.G * 2 - 1, r.G, r.G * 2 - 1);
			struct stat_series sd;
			int r1 = select_series(&r.c, period, NULL, &sd, &err, dbl, NULL);
			bool good_d = r1 != 0 && (strstr(err.msg, "overlap") || strstr(err.msg, "twice"));
			doubles += good_d;
			if (!good_d) {
				all_double = false;
				diag("run %zu: %s: %s", run, dbl, r1 ? err.msg : "succeeded");
			}
			if (!r1)
				stat_series_release(&sd);
		}
		statcube_release(&r.c);
	}
	mpq_clear(want);
	mpq_clear(w2);
	ok(all_agree && agree == runs, "properties: %zu random selections equal the cell-by-cell sums", agree);
	ok(all_split && splits > runs / 3, "properties: %zu ranges split in two add up (and the list of both)", splits);
	ok(all_total && totals == runs, "properties: %zu cubes: a total is never added to its parts", totals);
	ok(all_cut && cuts > runs / 4, "properties: %zu ranges that cut a group fail", cuts);
	ok(all_double && doubles > runs / 2, "properties: %zu overlapping lists fail", doubles);
}

static void test_decimals(void)
{
	static const struct {
		const char *in;
		long long mant;
		int scale;
	} good[] = {{"0", 0, 0}, {"-12", -12, 0}, {"12.50", 1250, 2}, {"1.5e3", 1500, 0}, {"-2E-2", -2, 2},
		    {"1.25e1", 125, 1}, {"9223372036854775807", INT64_MAX, 0}, {"0.000000000000000001", 1, 18}};
	for (size_t i = 0; i < BD_ARRAY_LEN(good); i++) {
		int64_t m;
		int sc;
		int rc = stat_decimal_parse(good[i].in, strlen(good[i].in), &m, &sc, NULL);
		ok(rc == 0 && m == good[i].mant && sc == good[i].scale, "decimal '%s' = %lld / 10^%d", good[i].in,
		   good[i].mant, good[i].scale);
	}
	static const char *const bad[] = {"", "-", "1.2.3", "1e", "9223372036854775808", "0.0000000000000000001", "12a",
					  "1 000"};
	for (size_t i = 0; i < BD_ARRAY_LEN(bad); i++) {
		int64_t m;
		int sc;
		const char *why = NULL;
		ok(stat_decimal_parse(bad[i], strlen(bad[i]), &m, &sc, &why) != 0 && why, "decimal '%s' refused (%s)", bad[i],
		   why ? why : "");
	}
	mpz_t v;
	mpz_init_set_si(v, -123456705);
	char *a = stat_decimal_text(v, 2, false), *b = stat_decimal_text(v, 2, true);
	mpz_set_si(v, 5);
	char *c = stat_decimal_text(v, 3, false);
	ok(strcmp(a, "-1234567.05") == 0 && strcmp(b, "-1 234 567,05") == 0 && strcmp(c, "0.005") == 0,
	   "decimal text: %s, %s, %s", a, b, c);
	free(a);
	free(b);
	free(c);
	mpz_clear(v);
}

int main(void)
{
	struct bd_error err;
	if (refdata_load(&err)) {
		printf("Bail out! refdata_load: %s\n", err.msg);
		return 1;
	}
	if (!find_data()) {
		printf("Bail out! the SCB files (../shared/data/scb) are not found: set BIDRAG_SRC to the source tree\n");
		return 1;
	}
	test_decimals();
	test_px_kommuner();
	test_px_age();
	test_px_births();
	test_px_tab638();
	test_jsonstat();
	test_csv();
	test_px_samples();
	test_px_made_up();
	test_json_made_up();
	test_csv_made_up();
	test_properties();
	return tap_done();
}
