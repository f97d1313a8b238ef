/* bidrag datasets: list, show and import key datasets. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dataset.h"
#include "store.h"
#include "cmd.h"

struct datasets_opts {
	const char *format, *name, *column, *date, *label, *unit, *source, *db;
};

static const struct cmd_opt datasets_options[] = {
	OPT_STR("format", 0, struct datasets_opts, format, "F", "table (default), csv (show only) or json"),
	OPT_STR("name", 0, struct datasets_opts, name, "NAME",
		 "the name to import the dataset under (a new name for a correction)"),
	OPT_STR("column", 0, struct datasets_opts, column, "C",
		 "the value column of FILE (default: the only numeric one)"),
	OPT_STR("date", 0, struct datasets_opts, date, "DATE", "the date the values refer to (YYYY-MM-DD)"),
	OPT_STR("label", 0, struct datasets_opts, label, "TEXT", "what the values are, in a few words"),
	OPT_STR("unit", 0, struct datasets_opts, unit, "UNIT", "the values' unit"),
	OPT_STR("source", 0, struct datasets_opts, source, "TEXT", "where the values come from"),
	OPT_STR("db", 0, struct datasets_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_END,
};

const struct cmd_entry cmd_datasets_entry = {
	.name = "datasets",
	.summary = "list, show and import key datasets (population, insatser, ...)",
	.usage = "datasets [list] [--format=table|json]\n"
		 "       bidrag datasets show NAME [--format=table|csv|json]\n"
		 "       bidrag datasets import FILE --name [--column] [--date] [--label]\n"
		 "                              [--unit] [--source]\n"
		 "       bidrag datasets registered [NAME] [--db]",
	.about = "Compiled-in datasets carry the keys of the seed decisions.  Imported datasets are kept in\n"
		 "$BIDRAG_DATASETS (default ~/.local/share/bidrag/datasets) and are immutable: a correction\n"
		 "is imported under a new name.  'registered' lists the versions the register holds (a dataset\n"
		 "is registered when a decision first uses it; changed values become a new version) and the\n"
		 "decision parts that used each version.",
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
	return usage_error(&cmd_datasets_entry, "unknown subcommand '%s' (expected list, show, import or registered)",
			   verb);
}
