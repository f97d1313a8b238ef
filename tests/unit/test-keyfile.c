/* test-keyfile.c: key files as users make them (Excel CSV with commas or
 * semicolons, TSV, Swedish numbers, names as the seeds spell them) and the
 * errors they get when something is off. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "refdata.h"
#include "keyfile.h"
#include "tap.h"
#include "refload.h"

#define ORIGIN "t.csv"

static int parse(struct keyfile *kf, const char *data, const struct keyfile_opts *o, struct bd_error *err)
{
	memset(err->msg, 0, sizeof(err->msg));
	return keyfile_parse(kf, data, strlen(data), ORIGIN, o, err);
}

/* has_all: msg contains every string of the NULL-terminated list. */
static bool has_all(const char *msg, va_list ap)
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

/* parse_fails: keyfile_parse fails with a message containing each of the
 * strings after `what` (NULL-terminated), and leaves the keyfile empty. */
static int parse_fails(const char *what, const char *data, const struct keyfile_opts *o, ...)
{
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);
	int rc = parse(&kf, data, o, &err);
	va_list ap;
	va_start(ap, o);
	bool good = rc == -1 && err.msg[0] && has_all(err.msg, ap);
	va_end(ap);
	if (rc != -1)
		diag("keyfile_parse succeeded");
	good = good && kf.nrows == 0 && kf.ncols == 0 && kf.value == NULL;
	ok(good, "%s: %s", what, err.msg);
	keyfile_release(&kf);
	return good;
}

/* column_fails: the file parses, but keyfile_column(name) fails with a
 * message containing each string. */
static int column_fails(const char *what, const char *data, const char *name, ...)
{
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);
	int rc = parse(&kf, data, NULL, &err);
	if (rc) {
		diag("keyfile_parse failed: %s", err.msg);
		keyfile_release(&kf);
		return ok(0, "%s", what);
	}
	size_t col = 99;
	memset(err.msg, 0, sizeof(err.msg));
	rc = keyfile_column(&kf, name, &col, &err);
	va_list ap;
	va_start(ap, name);
	bool good = rc == -1 && err.msg[0] && has_all(err.msg, ap) && col == 99;
	va_end(ap);
	ok(good, "%s: %s", what, err.msg);
	keyfile_release(&kf);
	return good;
}

/* row_is: row r has id, label and (column col) value. */
static bool row_is(const struct keyfile *kf, size_t r, const char *id, const char *label, size_t col, int64_t value)
{
	bool good = r < kf->nrows && strcmp(kf->id[r], id) == 0 && (!label || strcmp(kf->label[r], label) == 0) &&
		    col < kf->ncols && kf->value[col][r] == value && keyfile_row(kf, id) == (int64_t)r;
	if (!good && r < kf->nrows && col < kf->ncols)
		diag("row %zu: id '%s', label '%s', value %lld; want '%s', '%s', %lld", r, kf->id[r], kf->label[r],
		     (long long)kf->value[col][r], id, label ? label : "(any)", (long long)value);
	return good;
}

static void test_delimiters(void)
{
	struct keyfile kf;
	struct bd_error err;
	size_t col = 99;
	keyfile_init(&kf);

	/* comma, codes */
	int rc = parse(&kf, "code,value\n01,2374550\n03,383044\n25,250230\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 3 && kf.ncols == 1 && strcmp(kf.colname[0], "value") == 0, "comma: 3 rows, 1 column");
	ok(rc == 0 && row_is(&kf, 0, "01", "Region Stockholm", 0, 2374550) &&
		   row_is(&kf, 1, "03", "Region Uppsala", 0, 383044) && row_is(&kf, 2, "25", "Region Norrbotten", 0, 250230),
	   "comma: codes resolve to regions, values exact");
	ok(rc == 0 && kf.kind == RK_REGION && kf.scale[0] == 0 && kf.line[0] == 2 && kf.line[2] == 4,
	   "comma: kind region, scale 0, line numbers");
	ok(rc == 0 && keyfile_row(&kf, "99") == -1 && keyfile_row(&kf, "Region Stockholm") == -1,
	   "keyfile_row: unknown ids give -1 (rows are found by code)");
	ok(rc == 0 && keyfile_column(&kf, NULL, &col, &err) == 0 && col == 0, "keyfile_column: the only column");
	ok(rc == 0 && strcmp(kf.origin, ORIGIN) == 0, "origin kept");

	/* semicolon, names with aliases, Swedish numbers */
	rc = parse(&kf,
		   "Region;Befolkning;Andel\n"
		   "Region Stockholm;2 374 550;12,5\n"
		   "Norrbottn;250 230;0,125\n"
		   "Region Gotlands;59 636;3\n",
		   NULL, &err);
	ok(rc == 0 && kf.nrows == 3 && kf.ncols == 2 && strcmp(kf.colname[0], "Befolkning") == 0 &&
		   strcmp(kf.colname[1], "Andel") == 0,
	   "semicolon: 3 rows, 2 columns (%s)", rc ? err.msg : "ok");
	ok(rc == 0 && row_is(&kf, 0, "01", "Region Stockholm", 0, 2374550) &&
		   row_is(&kf, 1, "25", "Region Norrbotten", 0, 250230) && row_is(&kf, 2, "09", "Region Gotland", 0, 59636),
	   "semicolon: 'Norrbottn' and 'Region Gotlands' resolve; '2 374 550' = 2374550");
	ok(rc == 0 && kf.scale[1] == 3 && kf.value[1][0] == 12500 && kf.value[1][1] == 125 && kf.value[1][2] == 3000,
	   "semicolon: '12,5', '0,125', '3' scaled to 3 decimals exactly");

	/* tab */
	rc = parse(&kf,
		   "namn\tvärde\n"
		   "Stockholms län\t1\n"
		   "Jämtland/Härjedalen\t2\n"
		   "Region Gotlands\t3\n"
		   "VGR\t4\n"
		   "region  örebro  LÄN\t5\n",
		   NULL, &err);
	ok(rc == 0 && kf.nrows == 5 && row_is(&kf, 0, "01", "Region Stockholm", 0, 1) &&
		   row_is(&kf, 1, "23", "Region Jämtland Härjedalen", 0, 2) && row_is(&kf, 2, "09", NULL, 0, 3) &&
		   row_is(&kf, 3, "14", "Västra Götalandsregionen", 0, 4) && row_is(&kf, 4, "18", NULL, 0, 5),
	   "tab: 'Stockholms län', 'Jämtland/Härjedalen', 'VGR', case and spaces folded (%s)", rc ? err.msg : "ok");

	/* tab with commas and semicolons inside values */
	rc = parse(&kf, "kod\tv\n01\t1,5\n03\t2\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 2 && kf.scale[0] == 1 && kf.value[0][0] == 15 && kf.value[0][1] == 20,
	   "tab wins over the comma of a decimal");

	/* quoted comma CSV as Excel writes it */
	rc = parse(&kf, "namn,v\n\"Region Stockholm\",\"2 374,5\"\n\"Region Uppsala\",\"1,25\"\n", NULL, &err);
	ok(rc == 0 && kf.scale[0] == 2 && kf.value[0][0] == 237450 && kf.value[0][1] == 125,
	   "comma CSV with quoted Swedish decimals (%s)", rc ? err.msg : "ok");

	/* CRLF line ends, blank lines */
	rc = parse(&kf, "code,value\r\n01,1\r\n\r\n03,2\r\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 2 && row_is(&kf, 1, "03", NULL, 0, 2) && kf.line[1] == 4,
	   "CRLF and blank lines (%s)", rc ? err.msg : "ok");

	/* no newline at the end */
	rc = parse(&kf, "code,value\n01,1\n03,2", NULL, &err);
	ok(rc == 0 && kf.nrows == 2 && row_is(&kf, 1, "03", NULL, 0, 2), "no newline at the end");

	/* UTF-8 byte order mark */
	rc = parse(&kf, "\xEF\xBB\xBF" "kod;värde\n01;5\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 1 && row_is(&kf, 0, "01", NULL, 0, 5) && strcmp(kf.colname[0], "värde") == 0,
	   "a UTF-8 BOM is skipped and the header still recognised (%s)", rc ? err.msg : "ok");

	/* no recognised recipient header: the first column */
	rc = parse(&kf, "mottagarna,belopp\nRegion Skåne,10\n", NULL, &err);
	ok(rc == 0 && row_is(&kf, 0, "12", "Region Skåne", 0, 10) && strcmp(kf.colname[0], "belopp") == 0,
	   "without a known header the first column names the recipient");
	/* a recipient column that is not first */
	rc = parse(&kf, "v;Län\n7;Skåne län\n", NULL, &err);
	ok(rc == 0 && kf.ncols == 1 && strcmp(kf.colname[0], "v") == 0 && row_is(&kf, 0, "12", NULL, 0, 7),
	   "a 'Län' column in second place names the recipient");

	keyfile_release(&kf);
}

static void test_values(void)
{
	struct keyfile kf;
	struct bd_error err;
	size_t col;
	keyfile_init(&kf);

	/* decimals: the column takes the largest scale, earlier rows rescaled */
	int rc = parse(&kf, "kod;a;b;c\n01;2;50 %;71,8 mkr\n03;1,5;12,5%;1 kr\n04;3,125;0 %;0\n05;0;100%;250 tkr\n", NULL,
		       &err);
	ok(rc == 0 && kf.scale[0] == 3 && kf.value[0][0] == 2000 && kf.value[0][1] == 1500 && kf.value[0][2] == 3125 &&
		   kf.value[0][3] == 0,
	   "decimals 2, 1,5, 3,125, 0 -> 2000, 1500, 3125, 0 / 10^3 (%s)", rc ? err.msg : "ok");
	ok(rc == 0 && kf.scale[1] == 3 && kf.value[1][0] == 500 && kf.value[1][1] == 125 && kf.value[1][2] == 0 &&
		   kf.value[1][3] == 1000,
	   "percentages 50 %%, 12,5%%, 0 %%, 100%% -> 500, 125, 0, 1000 / 10^3");
	ok(rc == 0 && kf.scale[2] == 0 && kf.value[2][0] == 71800000 && kf.value[2][1] == 1 && kf.value[2][3] == 250000,
	   "money suffixes: '71,8 mkr', '1 kr', '250 tkr'");
	ok(rc == 0 && keyfile_column(&kf, "a", &col, &err) == 0 && col == 0 && keyfile_column(&kf, "B", &col, &err) == 0 &&
		   col == 1,
	   "keyfile_column by name, case-insensitive");

	/* NBSP digit groups, as pasted from a web page */
	rc = parse(&kf, "kod;v\n01;2\xC2\xA0" "374\xC2\xA0" "550\n03;383\xE2\x80\xAF" "044\n", NULL, &err);
	ok(rc == 0 && kf.value[0][0] == 2374550 && kf.value[0][1] == 383044, "NBSP and narrow NBSP digit groups");

	/* the largest int64 is kept; one more is too large */
	rc = parse(&kf, "kod;v\n01;9223372036854775807\n03;1\n", NULL, &err);
	ok(rc == 0 && keyfile_column(&kf, NULL, &col, &err) == 0 && kf.value[0][0] == INT64_MAX, "INT64_MAX fits");
	column_fails("one more than INT64_MAX", "kod;v\n01;1\n03;9223372036854775808\n", NULL, ORIGIN ":3:",
		     "too large", NULL);
	/* rescaling earlier rows past int64 is caught */
	column_fails("an earlier value rescaled past int64", "kod;v\n01;9223372036854775807\n03;0,5\n", NULL,
		     "too large", NULL);
	/* a small decimal first, then a value that cannot take its scale */
	column_fails("a large value at a fine scale", "kod;v\n01;0,000000000000000001\n03;99999999999999999999999999999\n",
		     NULL, ORIGIN ":3:", "too large", NULL);
	column_fails("a large value at a fine scale (int64-sized)", "kod;v\n01;0,000000000000000001\n03;10\n", NULL,
		     ORIGIN ":3:", "too large", NULL);
	column_fails("more than 18 decimals", "kod;v\n01;0,0000000000000000001\n03;1\n", NULL, ORIGIN ":2:", NULL);

	/* bad cells are reported by keyfile_column, with the line */
	column_fails("a negative value", "code,value\n01,5\n03,-2\n", "value", ORIGIN ":3:", "negative", "'-2'", NULL);
	column_fails("a non-numeric value", "code,value\n01,abc\n03,2\n", NULL, ORIGIN ":2:", "'abc'", "not a number",
		     NULL);
	column_fails("digit groups of the wrong size", "kod;v\n01;42 045981\n", NULL, ORIGIN ":2:", "three digits", NULL);
	column_fails("a missing value", "code,value\n01,1\n03,\n", NULL, ORIGIN ":3:", "missing value", NULL);
	column_fails("a fraction", "code,value\n01,1/2\n", NULL, ORIGIN ":2:", NULL);
	/* one bad column does not spoil another */
	rc = parse(&kf, "kod;bra;dålig\n01;1;x\n03;2;3\n", NULL, &err);
	ok(rc == 0 && keyfile_column(&kf, "bra", &col, &err) == 0 && col == 0 &&
		   keyfile_column(&kf, "dålig", &col, &err) == -1 && strstr(err.msg, "'x'"),
	   "a bad cell only spoils its own column");

	keyfile_release(&kf);
}

static void test_columns(void)
{
	column_fails("several columns and no name", "kod;befolkning;insatser;yta\n01;1;2;3\n", NULL, "3 value columns",
		     "'befolkning'", "'insatser'", "'yta'", NULL);
	column_fails("an unknown column", "kod;befolkning;insatser\n01;1;2\n", "pengar", "'pengar'", "'befolkning'",
		     "'insatser'", NULL);
	column_fails("an ambiguous prefix", "kod;bef2019;bef2023\n01;1;2\n", "bef", "'bef2019'", NULL);
	struct keyfile kf;
	struct bd_error err;
	size_t col = 99;
	keyfile_init(&kf);
	int rc = parse(&kf, "kod;befolkning;insatser\n01;1;2\n", NULL, &err);
	ok(rc == 0 && keyfile_column(&kf, "ins", &col, &err) == 0 && col == 1, "a unique prefix names a column");
	ok(rc == 0 && keyfile_column(&kf, "BEFOLKNING", &col, &err) == 0 && col == 0, "names are case-insensitive");
	rc = parse(&kf, "kod;bef;befolkning\n01;1;2\n", NULL, &err);
	ok(rc == 0 && keyfile_column(&kf, "bef", &col, &err) == 0 && col == 0, "an exact name beats a prefix");
	rc = parse(&kf, "kod;befolkning;bef\n01;1;2\n", NULL, &err);
	ok(rc == 0 && keyfile_column(&kf, "bef", &col, &err) == 0 && col == 1, "an exact name beats an earlier prefix");
	keyfile_release(&kf);

	parse_fails("two columns with one name", "kod;v;v\n01;1;2\n", NULL, ORIGIN ":1:", "'v'", NULL);
	parse_fails("an empty header", "kod;;v\n01;1;2\n", NULL, ORIGIN ":1:", "empty header", NULL);
	parse_fails("only recipient columns", "kod;namn\n01;Region Stockholm\n", NULL, "no value column", NULL);
	parse_fails("a single column", "kod\n01\n", NULL, ORIGIN ":1:", "1 column", NULL);
}

static void test_recipients(void)
{
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);

	/* code and name that agree */
	int rc = parse(&kf, "kod,namn,v\n01,Region Stockholm,5\n25,Norrbottn,1\n", NULL, &err);
	ok(rc == 0 && row_is(&kf, 0, "01", "Region Stockholm", 0, 5) && row_is(&kf, 1, "25", NULL, 0, 1) &&
		   kf.ncols == 1,
	   "a code column and a name column that agree (%s)", rc ? err.msg : "ok");
	/* and that disagree */
	parse_fails("a code and a name that disagree", "kod,namn,v\n01,Region Stockholm,5\n03,Region Skåne,1\n", NULL,
		    ORIGIN ":3:", "'03'", "Region Uppsala", "Region Skåne", NULL);

	/* unknown names: the line and the closest canonical name */
	parse_fails("an unknown name on a later row", "region,v\nRegion Stockholm,1\nRegion Uppsala,2\nNorbotten,3\n",
		    NULL, ORIGIN ":4:", "'Norbotten'", "did you mean 'Region Norrbotten'", NULL);
	parse_fails("an unknown name on the first row", "region,v\nNorbotten,3\nRegion Stockholm,1\n", NULL,
		    ORIGIN ":2:", "unknown region 'Norbotten'", "did you mean 'Region Norrbotten'", NULL);
	parse_fails("an unknown region in a longer file",
		    "Region;v\nStockholm;1\nUppsala;1\nSörmland;1\nÖstergötland;1\nJönköping;1\nKronoberg;1\n"
		    "Kalmar;1\nGotland;1\nBlekinge;1\nSkåne;1\nHalland;1\nVästra Götaland;1\nVärmland;1\nÖrebro;1\n"
		    "Västmanland;1\nDalarna;1\nGävleborg;1\nVästernorrland;1\nJämtland;1\nVästerbotn;1\nNorrbotten;1\n",
		    NULL, ORIGIN ":21:", "'Västerbotn'", "did you mean 'Region Västerbotten'", NULL);
	/* the first row wrong: the suggestion comes from every kind, not regions only */
	parse_fails("a misspelt kommun on the first row", "kommun;v\nUpplands Väsbyy;1\nVallentuna;2\n", NULL,
		    ORIGIN ":2:", "unknown kommun 'Upplands Väsbyy'", "did you mean 'Upplands Väsby kommun'", NULL);
	parse_fails("a misspelt kommun after one that is also a region", "kommun;v\nGotland;1\nVallentunaa;2\n", NULL,
		    ORIGIN ":3:", "unknown kommun 'Vallentunaa'", "did you mean 'Vallentuna kommun'", NULL);
	parse_fails("a misspelt samverkansregion", "namn;v\nNorra samverkansregionn;1\n", NULL, ORIGIN ":2:",
		    "did you mean 'Norra samverkansregionen'", NULL);
	parse_fails("a misspelt region on the first row of a region file", "region;v\nVärmlnd;1\nRegion Uppsala;2\n",
		    NULL, ORIGIN ":2:", "unknown region 'Värmlnd'", "did you mean 'Region Värmland'", NULL);
	parse_fails("a name nothing like any recipient", "namn,v\nAtlantis,1\n", NULL, ORIGIN ":2:", "'Atlantis'", NULL);
	parse_fails("an empty recipient", "kod,v\n01,1\n,2\n", NULL, ORIGIN ":3:", "missing", NULL);

	/* duplicates, also through different spellings */
	parse_fails("a duplicate code", "code,v\n01,1\n03,2\n01,3\n", NULL, ORIGIN ":4:", "first at line 2",
		    "Region Stockholm", NULL);
	parse_fails("a duplicate through an alias", "namn;v\n# comment\nStockholm;1\nRegion Uppsala;2\nSLL;3\n", NULL,
		    ORIGIN ":5:", "first at line 3", NULL);

	/* kommuner */
	rc = parse(&kf, "kommun;v\nUpplands Väsby;1\n0115;2\nÖsteråkers kommun;3\n", NULL, &err);
	ok(rc == 0 && kf.kind == RK_KOMMUN && row_is(&kf, 0, "0114", "Upplands Väsby kommun", 0, 1) &&
		   row_is(&kf, 1, "0115", "Vallentuna kommun", 0, 2) && row_is(&kf, 2, "0117", NULL, 0, 3),
	   "kommuner by name, code and canonical name (%s)", rc ? err.msg : "ok");
	rc = parse(&kf, "kod;v\n0114;1\n", NULL, &err);
	ok(rc == 0 && kf.kind == RK_KOMMUN && row_is(&kf, 0, "0114", "Upplands Väsby kommun", 0, 1),
	   "kommun code '0114'");
	/* 'Gotland' is a region first, a kommun when asked for kommuner */
	rc = parse(&kf, "namn;v\nGotland;1\n", NULL, &err);
	ok(rc == 0 && kf.kind == RK_REGION && row_is(&kf, 0, "09", NULL, 0, 1), "'Gotland' alone is the region");
	struct keyfile_opts ko = {.kinds = RK_KOMMUN};
	rc = parse(&kf, "namn;v\nGotland;1\n", &ko, &err);
	ok(rc == 0 && kf.kind == RK_KOMMUN && row_is(&kf, 0, "0980", "Gotlands kommun", 0, 1),
	   "'Gotland' with kinds = kommun is Gotlands kommun (%s)", rc ? err.msg : "ok");
	/* a mix of a region and a kommun only resolves as kommuner if it can */
	rc = parse(&kf, "namn;v\nStockholm;1\nUpplands Väsby;2\n", NULL, &err);
	ok(rc == 0 && kf.kind == RK_KOMMUN && row_is(&kf, 0, "0180", NULL, 0, 1) && row_is(&kf, 1, "0114", NULL, 0, 2),
	   "'Stockholm' next to a kommun is Stockholms kommun (%s)", rc ? err.msg : "ok");
	/* samverkansregioner */
	rc = parse(&kf, "id;v\nSVR-NORRA;1\nSödra;2\nsvr-vastra;3\n", NULL, &err);
	ok(rc == 0 && (kf.kind & RK_SAMVERKANSREGION) && row_is(&kf, 0, "SVR-NORRA", NULL, 0, 1) &&
		   row_is(&kf, 1, "SVR-SODRA", NULL, 0, 2) && row_is(&kf, 2, "SVR-VASTRA", NULL, 0, 3),
	   "samverkansregioner by code, alias and lower-case code (%s)", rc ? err.msg : "ok");
	ko.kinds = RK_REGION;
	parse_fails("a kommun where only regions are allowed", "namn;v\nUpplands Väsby;1\n", &ko, ORIGIN ":2:",
		    "unknown region", NULL);

	/* opaque ids */
	struct keyfile_opts op = {.opaque_ids = true};
	rc = parse(&kf, "id;belopp\nX-1;5\nfoo bar;6\nRegion Stockholm;7\n", &op, &err);
	ok(rc == 0 && kf.kind == 0 && kf.nrows == 3 && row_is(&kf, 0, "X-1", "X-1", 0, 5) &&
		   row_is(&kf, 1, "foo bar", "foo bar", 0, 6) && row_is(&kf, 2, "Region Stockholm", NULL, 0, 7),
	   "opaque ids are taken as given (%s)", rc ? err.msg : "ok");
	rc = parse(&kf, "kod;namn;v\nA1;Alfa;1\nB2;Beta;2\n", &op, &err);
	ok(rc == 0 && row_is(&kf, 0, "A1", "Alfa", 0, 1) && row_is(&kf, 1, "B2", "Beta", 0, 2),
	   "opaque ids with a name column: the name is the label");
	parse_fails("a duplicate opaque id", "id;v\nX;1\nY;2\nX;3\n", &op, ORIGIN ":4:", "first at line 2", NULL);

	keyfile_release(&kf);
}

static void test_structure(void)
{
	parse_fails("empty input", "", NULL, ORIGIN, "empty", NULL);
	parse_fails("only comments and blank lines", "# name: x\n\n#\n\n", NULL, "empty", NULL);
	parse_fails("a header only", "code,value\n", NULL, ORIGIN, "no rows", NULL);
	parse_fails("a header and comments only", "code,value\n# nothing\n\n", NULL, "no rows", NULL);
	parse_fails("too many fields", "code,value\n01,1\n03,2,3\n", NULL, ORIGIN ":3:", "3 fields", "header has 2", NULL);
	parse_fails("too few fields", "kod;a;b\n01;1;2\n03;2\n", NULL, ORIGIN ":3:", "2 fields", "header has 3", NULL);
	parse_fails("invalid UTF-8", "code,value\n01,1\n03,\xFF\n", NULL, ORIGIN ":3:", "UTF-8", NULL);
	parse_fails("Latin-1 text (a saved-as-ANSI file)", "namn;v\nRegion Sk\xE5ne;1\n", NULL, ORIGIN ":2:", "UTF-8",
		    NULL);
	parse_fails("an overlong UTF-8 encoding", "code,value\n01,\xC0\xB1\n", NULL, ORIGIN ":2:", "UTF-8", NULL);
	parse_fails("a UTF-8 surrogate", "code,value\n01,\xED\xA0\x80\n", NULL, ORIGIN ":2:", "UTF-8", NULL);
	parse_fails("a truncated UTF-8 sequence at the end", "code,value\n01,1\xC3", NULL, ORIGIN ":2:", "UTF-8", NULL);
	parse_fails("an unterminated quote", "code,value\n01,\"1\n03,2\n", NULL, ORIGIN ":2:", "unterminated", NULL);
	/* an open quote in a last column must not swallow the rows after it */
	parse_fails("an unterminated quote in a note column", "kod;v;anm\n01;1;\"ok\n03;2;x\n04;3;y\n", NULL,
		    ORIGIN ":2:", "unterminated", NULL);
	parse_fails("an unterminated quote, no newline at the end", "kod;v;anm\n01;1;\"ok\n03;2;x", NULL,
		    ORIGIN ":2:", "unterminated", NULL);
	parse_fails("an unterminated quote on the last line", "kod;v;anm\n01;1;x\n03;2;\"y", NULL, ORIGIN ":3:",
		    "unterminated", NULL);

	/* metadata comments */
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);
	int rc = parse(&kf,
		       "# name: befolkning\n"
		       "#date: 2019-11-01\n"
		       "# unit: invånare\n"
		       "# source: SCB, BE0101\n"
		       "# a plain comment\n"
		       "code,value\n"
		       "01,1\n"
		       "# name: late\n"
		       "03,2\n",
		       NULL, &err);
	ok(rc == 0 && kf.meta[META_NAME] && strcmp(kf.meta[META_NAME], "befolkning") == 0 && kf.meta[META_DATE] &&
		   strcmp(kf.meta[META_DATE], "2019-11-01") == 0 && kf.meta[META_UNIT] &&
		   strcmp(kf.meta[META_UNIT], "invånare") == 0 && kf.meta[META_SOURCE] &&
		   strcmp(kf.meta[META_SOURCE], "SCB, BE0101") == 0 && kf.meta[META_LABEL] == NULL,
	   "'# key: value' comments before the header are metadata; later ones are not");
	ok(rc == 0 && kf.nrows == 2 && kf.line[0] == 7 && kf.line[1] == 9, "comment lines count in line numbers");
	/* a multi-line quoted field: the row gets the line it ends on */
	rc = parse(&kf, "namn,v\n\"Region\nStockholm\",1\n03,2\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 2 && row_is(&kf, 0, "01", NULL, 0, 1) && kf.line[0] == 3 && kf.line[1] == 4,
	   "a name spanning two lines (%s)", rc ? err.msg : "ok");
	/* a keyfile can be parsed into again, and released twice */
	rc = parse(&kf, "code,value\n01,1\n", NULL, &err);
	ok(rc == 0 && kf.nrows == 1 && kf.meta[META_NAME] == NULL, "parsing again replaces everything");
	keyfile_release(&kf);
	keyfile_release(&kf);

	/* keyfile_read */
	char path[] = "/tmp/bidrag-test-keyfile-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "kod;v\n01;3\n";
	bool wrote = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	rc = wrote ? keyfile_read(&kf, path, NULL, &err) : -1;
	ok(rc == 0 && row_is(&kf, 0, "01", NULL, 0, 3) && strcmp(kf.origin, path) == 0, "keyfile_read from a file");
	keyfile_release(&kf);
	if (fd >= 0)
		unlink(path);
	rc = keyfile_read(&kf, "/nonexistent/dir/keys.csv", NULL, &err);
	ok(rc == -1 && strstr(err.msg, "/nonexistent/dir/keys.csv"), "keyfile_read of a missing file: %s", err.msg);
	keyfile_release(&kf);
}

/* A whole population file as shipped, through the reader. */
static void test_dataset_file(void)
{
	char path[4096];
	const char *self = __FILE__, *cut = strstr(self, "tests/unit/test-keyfile.c");
	static const char *const rel = "data/datasets/population@2019-11-01.csv";
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);
	int rc = -1;
	if (cut) {
		snprintf(path, sizeof(path), "%.*s%s", (int)(cut - self), self, rel);
		rc = keyfile_read(&kf, path, NULL, &err);
	}
	static const char *const prefix[] = {"", "../", "../../"};
	for (size_t i = 0; rc && i < BD_ARRAY_LEN(prefix); i++) {
		snprintf(path, sizeof(path), "%s%s", prefix[i], rel);
		rc = keyfile_read(&kf, path, NULL, &err);
	}
	if (rc) {
		diag("%s not found; skipping", rel);
		keyfile_release(&kf);
		return;
	}
	int64_t sum = 0;
	for (size_t r = 0; r < kf.nrows; r++)
		sum += kf.value[0][r];
	ok(kf.nrows == 21 && kf.kind == RK_REGION && sum == 10319473 && row_is(&kf, 0, "01", "Region Stockholm", 0, 2374550) &&
		   kf.meta[META_NAME] && strcmp(kf.meta[META_NAME], "population@2019-11-01") == 0,
	   "population@2019-11-01.csv: 21 regions summing to 10 319 473");
	keyfile_release(&kf);
}

/* All 290 kommuner, in reverse code order, through the reader: many rows
 * (the arrays grow several times), codes and canonical names. */
static void test_all_kommuner(void)
{
	size_t n;
	const struct recipient **all;
	struct bd_error serr;
	if (!ok(refdata_set("kommuner", &all, &n, &serr) == 0, "the kommuner set loads"))
		return;
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_adds(&b, "Kommun;Kod;Invånare\n");
	size_t count = 0;
	for (size_t i = n; i-- > 0;)
		if (all[i]->kind == RK_KOMMUN) {
			buf_addf(&b, "%s;%s;%zu,%zu\n", all[i]->name, all[i]->code, 1000 + i, i % 10);
			count++;
		}
	struct keyfile kf;
	struct bd_error err;
	keyfile_init(&kf);
	int rc = keyfile_parse(&kf, b.data, b.len, ORIGIN, NULL, &err);
	bool good = rc == 0 && kf.nrows == count && count == 290 && kf.kind == RK_KOMMUN && kf.scale[0] == 1;
	size_t r = 0;
	for (size_t i = n; good && i-- > 0;)
		if (all[i]->kind == RK_KOMMUN) {
			good = strcmp(kf.id[r], all[i]->code) == 0 && strcmp(kf.label[r], all[i]->name) == 0 &&
			       kf.value[0][r] == (int64_t)((1000 + i) * 10 + i % 10) && keyfile_row(&kf, all[i]->code) == (int64_t)r &&
			       kf.line[r] == r + 2;
			if (!good)
				diag("row %zu: %s %s %lld", r, kf.id[r], kf.label[r], (long long)kf.value[0][r]);
			r++;
		}
	ok(good, "all 290 kommuner by name and code, values exact (%s)", rc ? err.msg : "ok");
	keyfile_release(&kf);
	buf_release(&b);
	free(all);
}

static void test_wide_and_long(void)
{
	struct buf b;
	struct keyfile kf;
	struct bd_error err;
	size_t col;
	keyfile_init(&kf);
	/* 40 value columns */
	buf_init(&b, 1 << 22);
	buf_adds(&b, "kod");
	for (int c = 0; c < 40; c++)
		buf_addf(&b, ";k%d", c);
	buf_adds(&b, "\n01");
	for (int c = 0; c < 40; c++)
		buf_addf(&b, ";%d", c * 3);
	buf_adds(&b, "\n03");
	for (int c = 0; c < 40; c++)
		buf_addf(&b, ";%d", c);
	buf_adds(&b, "\n");
	int rc = keyfile_parse(&kf, b.data, b.len, ORIGIN, NULL, &err);
	ok(rc == 0 && kf.ncols == 40 && keyfile_column(&kf, "k39", &col, &err) == 0 && col == 39 &&
		   kf.value[39][0] == 117 && kf.value[39][1] == 39,
	   "40 value columns (%s)", rc ? err.msg : "ok");
	buf_release(&b);
	/* a field over 1 MiB */
	buf_init(&b, 1 << 22);
	buf_adds(&b, "kod;v\n01;");
	for (int i = 0; i < (1 << 20) + 10; i++)
		buf_add(&b, "1", 1);
	buf_adds(&b, "\n");
	rc = keyfile_parse(&kf, b.data, b.len, ORIGIN, NULL, &err);
	ok(rc == -1 && strstr(err.msg, "1 MiB") && strstr(err.msg, "2"), "a field over 1 MiB is refused: %s", err.msg);
	buf_release(&b);
	keyfile_release(&kf);
}

/* strmap against a linear search: random keys with duplicates. */
static void test_strmap(void)
{
	uint64_t x = 88172645463325252ULL;
	int bad = 0;
	for (int round = 0; round < 20; round++) {
		size_t n = round == 0 ? 0 : round == 1 ? 1 : (size_t)(round * round * 12);
		char **keys = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			keys[i] = xasprintf("k%llu", (unsigned long long)(x % (n * 2 + 1)));
		}
		struct strmap m;
		strmap_init(&m, n, (const char *const *)keys);
		for (size_t i = 0; i < n; i++) {
			size_t first = SIZE_MAX;
			for (size_t k = 0; k < i && first == SIZE_MAX; k++)
				if (strcmp(keys[k], keys[i]) == 0)
					first = k;
			uint32_t existing = UINT32_MAX;
			bool put = strmap_put(&m, (uint32_t)i, &existing);
			if (put != (first == SIZE_MAX) || (!put && existing != first))
				bad++;
		}
		for (size_t i = 0; i < n; i++) {
			int64_t got = strmap_get(&m, keys[i]);
			if (got < 0 || strcmp(keys[got], keys[i]) != 0)
				bad++;
			else
				for (size_t k = 0; k < (size_t)got; k++)
					if (strcmp(keys[k], keys[i]) == 0) {
						bad++; /* not the first occurrence */
						break;
					}
		}
		if (strmap_get(&m, "absent") != -1 || strmap_get(&m, "") != -1)
			bad++;
		strmap_release(&m);
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
		free(keys);
	}
	ok(bad == 0, "strmap agrees with a linear search on 20 random key sets with duplicates (%d wrong)", bad);
}

int main(void)
{
	struct bd_error err;
	if (refdata_load(&err)) {
		printf("Bail out! refdata_load: %s\n", err.msg);
		return 1;
	}
	test_delimiters();
	test_values();
	test_columns();
	test_recipients();
	test_structure();
	test_dataset_file();
	test_all_kommuner();
	test_wide_and_long();
	test_strmap();
	return tap_done();
}
