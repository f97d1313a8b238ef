/* bidrag datasets: list, show and import key datasets. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dataset.h"
#include "refload.h"
#include "statfile.h"
#include "statseries.h"
#include "store.h"
#include "cmd.h"

struct datasets_opts {
	const char *format, *name, *column, *date, *label, *unit, *source, *db;
	/* datasets read */
	char **select;
	size_t nselect;
	const char *period, *region_dim, *level, *ref_date, *language, *encoding;
	bool skip_unknown;
};

static int set_select(void *ctx, const char *text)
{
	struct datasets_opts *o = ctx;
	o->select = xreallocarray(o->select, o->nselect + 1, sizeof(*o->select));
	o->select[o->nselect++] = xstrdup(text);
	return 0;
}

static const struct cmd_opt datasets_options[] = {
	OPT_STR("format", 0, struct datasets_opts, format, "F", "table (default), csv (show, read) or json (list, show)"),
	OPT_STR("name", 0, struct datasets_opts, name, "NAME",
		 "the name to import the dataset under (a new name for a correction)"),
	OPT_STR("column", 0, struct datasets_opts, column, "C",
		 "the value column of FILE (default: the only numeric one)"),
	OPT_STR("date", 0, struct datasets_opts, date, "DATE", "the date the values refer to (YYYY-MM-DD)"),
	OPT_STR("label", 0, struct datasets_opts, label, "TEXT", "what the values are, in a few words"),
	OPT_STR("unit", 0, struct datasets_opts, unit, "UNIT", "the values' unit"),
	OPT_STR("source", 0, struct datasets_opts, source, "TEXT", "where the values come from"),
	OPT_STR("db", 0, struct datasets_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_CALL("select", 0, "DIM=VALUE", set_select,
		 "read: what to take from a dimension, by code or label ('Kön=kvinnor', 'Ålder=15-44',\n"
		 "'Ålder=65+', several summed: 'Ålder=0-9,10-19'); repeat for each dimension"),
	OPT_STR("period", 0, struct datasets_opts, period, "P", "read: the period (2023, 2026M01)"),
	OPT_STR("region-dim", 0, struct datasets_opts, region_dim, "NAME",
		"read: the dimension of the regions (default: the one called region)"),
	OPT_STR("level", 0, struct datasets_opts, level, "L", "read: the rows' level, lan or kommun (default: the one the rows have)"),
	OPT_BOOL("skip-unknown", 0, struct datasets_opts, skip_unknown,
		 "read: leave out rows the register does not know (Riket, a län in a table of kommuner,\n"
		 "a former kommun) instead of failing"),
	OPT_STR("ref-date", 0, struct datasets_opts, ref_date, "DATE",
		"read: the reference date (YYYY-MM-DD), when the file does not say it or says another"),
	OPT_STR("language", 0, struct datasets_opts, language, "LANG", "read: a PC-Axis file's language (en)"),
	OPT_STR("encoding", 0, struct datasets_opts, encoding, "ENC",
		"read: the file's encoding (windows-1252, iso-8859-1, utf-8), whatever it declares"),
	OPT_END,
};

const struct cmd_entry cmd_datasets_entry = {
	.name = "datasets",
	.summary = "list, show and import key datasets (population, insatser, ...)",
	.usage = "datasets [list] [--format=table|json]\n"
		 "       bidrag datasets show NAME [--format=table|csv|json]\n"
		 "       bidrag datasets import FILE --name [--column] [--date] [--label]\n"
		 "                              [--unit] [--source]\n"
		 "       bidrag datasets registered [NAME] [--db]\n"
		 "       bidrag datasets read FILE [--select] ... [--period] [--region-dim]\n"
		 "                            [--level] [--skip-unknown] [--ref-date] [--language]\n"
		 "                            [--encoding] [--format=table|csv]",
	.about = "Compiled-in datasets carry the keys of the seed decisions.  Imported datasets are kept in\n"
		 "$BIDRAG_DATASETS (default ~/.local/share/bidrag/datasets) and are immutable: a correction\n"
		 "is imported under a new name.  'registered' lists the versions the register holds (a dataset\n"
		 "is registered when a decision first uses it; changed values become a new version) and the\n"
		 "decision parts that used each version.  'read' reads an SCB statistics file (PC-Axis,\n"
		 "JSON-stat 2.0 or a CSV download) and prints the series a selection names: one exact value per\n"
		 "län or kommun, the sum of exactly the cells selected, with its source, table, selection and\n"
		 "reference date.",
	.exec = cmd_datasets,
	.options = datasets_options,
};

static i128 dataset_sum(const struct dataset *d)
{
	i128 s = 0;
	for (size_t r = 0; r < d->kf.nrows; r++)
		s += d->kf.value[0][r];
	return s;
}

static char *value_text(const struct dataset *d, i128 v, char *buf)
{
	int scale = d->kf.scale[0];
	i128 den = 1;
	for (int k = 0; k < scale; k++)
		den *= 10;
	return fmt_rat_decimal(v, den, scale, true, buf);
}

static int list(bool json)
{
	size_t n;
	struct dataset *const *v = datasets_all(&n);
	char buf[NUM_BUFSZ];
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(v[i]->name));
			json_object_set_new(o, "date", json_string(v[i]->date));
			json_object_set_new(o, "label", json_string(v[i]->label));
			json_object_set_new(o, "unit", json_string(v[i]->unit));
			json_object_set_new(o, "domain", json_string(v[i]->domain));
			json_object_set_new(o, "recipients", json_integer((json_int_t)v[i]->kf.nrows));
			json_object_set_new(o, "sum", json_string(value_text(v[i], dataset_sum(v[i]), buf)));
			json_object_set_new(o, "source", json_string(v[i]->source));
			json_object_set_new(o, "origin", json_string(v[i]->builtin ? "compiled in" : v[i]->path));
			json_array_append_new(arr, o);
		}
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(arr);
		return 0;
	}
	printf("%-26s %-11s %-10s %4s %16s  %s\n", "NAME", "DATE", "DOMAIN", "N", "SUM", "SOURCE");
	for (size_t i = 0; i < n; i++)
		printf("%-26s %-11s %-10s %4zu %16s  %s%s\n", v[i]->name, v[i]->date, v[i]->domain, v[i]->kf.nrows,
		       value_text(v[i], dataset_sum(v[i]), buf), v[i]->builtin ? "" : "[imported] ", v[i]->source);
	return 0;
}

static int show(const char *name, const char *format)
{
	struct bd_error err;
	const struct dataset *d;
	if (dataset_find(name, &d, &err))
		return error("%s", err.msg);
	char buf[NUM_BUFSZ];
	bool csv = format && strcmp(format, "csv") == 0, json = format && strcmp(format, "json") == 0;
	if (format && !csv && !json && strcmp(format, "table") != 0)
		return error("unknown format '%s' (expected table, csv or json)", format);
	if (json) {
		json_t *o = json_object(), *rows = json_array();
		json_object_set_new(o, "name", json_string(d->name));
		json_object_set_new(o, "date", json_string(d->date));
		json_object_set_new(o, "label", json_string(d->label));
		json_object_set_new(o, "unit", json_string(d->unit));
		json_object_set_new(o, "source", json_string(d->source));
		for (size_t r = 0; r < d->kf.nrows; r++) {
			json_t *row = json_object();
			json_object_set_new(row, "code", json_string(d->kf.id[r]));
			json_object_set_new(row, "recipient", json_string(d->kf.label[r]));
			if (d->kf.scale[0] == 0)
				json_object_set_new(row, "value", json_integer(d->kf.value[0][r]));
			else
				json_object_set_new(row, "value", json_string(value_text(d, d->kf.value[0][r], buf)));
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "values", rows);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
		return 0;
	}
	if (csv) {
		printf("code,recipient,value\n");
		for (size_t r = 0; r < d->kf.nrows; r++) {
			value_text(d, d->kf.value[0][r], buf);
			for (char *p = buf, *q = buf;; p++)
				if (*p != ' ' && !(*q++ = *p == ',' ? '.' : *p))
					break;
			printf("%s,\"%s\",%s\n", d->kf.id[r], d->kf.label[r], buf);
		}
		return 0;
	}
	printf("%s: %s\ndate: %s\nunit: %s\nsource: %s\n\n", d->name, d->label, d->date, d->unit, d->source);
	for (size_t r = 0; r < d->kf.nrows; r++)
	{
		printf("%-6s ", d->kf.id[r]);
		print_padded(stdout, d->kf.label[r], 30);
		printf(" %14s\n", value_text(d, d->kf.value[0][r], buf));
	}
	printf("%-6s %-30s %14s\n", "", "Summa", value_text(d, dataset_sum(d), buf));
	return 0;
}

static int print_use(void *ctx, const struct dataset_use *u)
{
	(void)ctx;
	printf("%-26s %7d  %-10s  %.12s  %s%s%s\n", u->name, u->version, u->date ? u->date : "", u->sha256,
	       u->dnr ? u->dnr : "(no decision uses it)", u->part ? " part " : "", u->part ? u->part : "");
	return 0;
}

static int registered(const char *db, const char *name)
{
	struct store *s;
	int rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	printf("%-26s %7s  %-10s  %-12s  %s\n", "NAME", "VERSION", "DATE", "SHA-256", "USED BY");
	if (store_dataset_uses(s, name, print_use, NULL, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return rc;
}

/* datasets read: the series of a statistics file, resolved to the
 * register's regions or kommuner. */
static int read_series(const char *path, const struct datasets_opts *o)
{
	struct bd_error err;
	unsigned kinds = 0;
	if (o->level) {
		if (!strcmp(o->level, "lan") || !strcmp(o->level, "län") || !strcmp(o->level, "region"))
			kinds = RK_REGION;
		else if (!strcmp(o->level, "kommun"))
			kinds = RK_KOMMUN;
		else
			return error("unknown level '%s' (expected lan or kommun)", o->level);
	}
	bool csv = o->format && strcmp(o->format, "csv") == 0;
	if (o->format && !csv && strcmp(o->format, "table") != 0)
		return error("unknown format '%s' (expected table or csv)", o->format);
	if (refdata_load(&err))
		return error("%s", err.msg);
	struct stat_pick *pick = xcalloc(o->nselect + 1, sizeof(*pick));
	for (size_t i = 0; i < o->nselect; i++)
		if (stat_pick_parse(o->select[i], &pick[i], &err)) {
			free(pick);
			return error("%s", err.msg);
		}
	struct statfile_opts fo = {.encoding = o->encoding, .language = o->language};
	struct stat_cube cube;
	statcube_init(&cube);
	struct stat_series s;
	struct stat_rows rows;
	struct stat_series_opts so = {pick, o->nselect, o->period, o->region_dim, o->ref_date};
	int rc = 0;
	if (statfile_read(path, &fo, &cube, &err) || stat_series_select(&cube, &so, &s, &err)) {
		rc = error("%s", err.msg);
	} else {
		if (stat_series_resolve(&s, kinds, o->skip_unknown, &rows, &err)) {
			rc = error("%s", err.msg);
		} else {
			const char *level = rows.kind == RK_REGION ? "län (regions)" : "kommuner";
			size_t n = 0;
			for (size_t i = 0; i < s.n; i++)
				n += rows.rec[i] != NULL;
			const char *pre = csv ? "# " : "";
			printf("%sfile: %s (%s, %s)\n", pre, s.origin, s.format, s.encoding);
			printf("%ssource: %s%s%s\n", pre, *s.source ? s.source : "(the file does not say)",
			       *s.table_id ? ", table " : "", s.table_id);
			printf("%stitle: %s\n", pre, s.title);
			if (*s.updated)
				printf("%supdated: %s\n", pre, s.updated);
			printf("%sselection: %s\n", pre, *s.selection ? s.selection : "(nothing to choose)");
			if (*s.period)
				printf("%speriod: %s\n", pre, s.period);
			printf("%s%s: %s\n", pre, csv ? "date" : "reference date", *s.ref_date ? s.ref_date : "unknown");
			printf("%sreference date basis: %s\n", pre, s.ref_basis);
			printf("%sunit: %s\n", pre, *s.unit ? s.unit : "(the file does not say)");
			printf("%srows: %zu %s, %zu cell%s summed per row\n", pre, n, level, s.cells, s.cells == 1 ? "" : "s");
			if (rows.nskipped)
				printf("%sskipped: %zu row%s the register does not know: %s\n", pre, rows.nskipped,
				       rows.nskipped == 1 ? "" : "s", rows.skipped);
			if (s.noise)
				printf("%snote: the file says its figures carry deliberate noise: parts need not add up to "
				       "the totals, and are summed as published\n", pre);
			if (csv)
				printf("code,recipient,value\n");
			else
				putchar('\n');
			mpz_t sum;
			mpz_init(sum);
			for (size_t i = 0; i < s.n; i++) {
				if (!rows.rec[i])
					continue;
				char *v = stat_decimal_text(s.value[i], s.scale, !csv);
				mpz_add(sum, sum, s.value[i]);
				if (csv) {
					printf("%s,\"%s\",%s\n", rows.rec[i]->code, rows.rec[i]->name, v);
				} else {
					printf("%-6s ", rows.rec[i]->code);
					print_padded(stdout, rows.rec[i]->name, 34);
					printf(" %16s\n", v);
				}
				free(v);
			}
			if (!csv) {
				char *v = stat_decimal_text(sum, s.scale, true);
				printf("%-6s %-34s %16s\n", "", "Summa", v);
				free(v);
			}
			mpz_clear(sum);
			stat_rows_release(&rows);
		}
		stat_series_release(&s);
	}
	statcube_release(&cube);
	free(pick);
	return rc;
}

int cmd_datasets(int argc, char **argv)
{
	struct datasets_opts o = {0};
	int next, rc = cmd_parse(&cmd_datasets_entry, argc, argv, &o, &next);
	if (rc >= 0)
		return rc;
	const char *db = o.db, *format = o.format, *name = o.name, *column = o.column, *date = o.date,
		   *label = o.label, *unit = o.unit, *source = o.source;
	struct bd_error err;
	if (datasets_load(&err))
		return error("%s", err.msg);
	const char *verb = next < argc ? argv[next] : "list";
	int nargs = argc - next - (next < argc);
	if (strcmp(verb, "list") == 0) {
		if (nargs)
			return usage_error(&cmd_datasets_entry, "unexpected argument '%s'", argv[next + 1]);
		if (format && strcmp(format, "json") && strcmp(format, "table"))
			return error("unknown format '%s' (expected table or json)", format);
		return list(format && strcmp(format, "json") == 0);
	}
	if (strcmp(verb, "show") == 0) {
		if (nargs != 1)
			return usage_error(&cmd_datasets_entry, "datasets show takes one dataset name");
		return show(argv[next + 1], format);
	}
	if (strcmp(verb, "import") == 0) {
		if (nargs != 1)
			return usage_error(&cmd_datasets_entry, "datasets import takes one file");
		if (!name)
			return usage_error(&cmd_datasets_entry, "datasets import needs --name NAME (like population@2024-11-01)");
		if (dataset_import(argv[next + 1], column, name, date, label, unit, source, &err))
			return error("%s", err.msg);
		char *dir = dataset_dir();
		printf("imported dataset '%s' into %s\n", name, dir);
		free(dir);
		return 0;
	}
	if (strcmp(verb, "registered") == 0) {
		if (nargs > 1)
			return usage_error(&cmd_datasets_entry, "datasets registered takes at most one dataset name");
		return registered(db, nargs ? argv[next + 1] : NULL);
	}
	if (strcmp(verb, "read") == 0) {
		if (nargs != 1)
			return usage_error(&cmd_datasets_entry, "datasets read takes one file");
		rc = read_series(argv[next + 1], &o);
		for (size_t i = 0; i < o.nselect; i++)
			free(o.select[i]);
		free(o.select);
		return rc;
	}
	return usage_error(&cmd_datasets_entry,
			   "unknown subcommand '%s' (expected list, show, import, registered or read)", verb);
}
