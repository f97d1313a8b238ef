/* bidrag verify: check a published allocation table against its rule. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apportion.h"
#include "dataset.h"
#include "refdata.h"
#include "pubtable.h"
#include "verify.h"
#include "cmd.h"
#include "refload.h"

#define MAX_KEYS VERIFY_MAX_KEYS

struct vkey {
	const char *dataset; /* or */
	const char *column;
	struct rat weight;
	bool has_weight;
	int col; /* table column for column keys, or the matching key column of a dataset key (-1) */
};

struct verify {
	const char *file, *amount_column, *recipients, *format;
	bool has_total, equal, list;
	int64_t total, base, unit;
	struct vkey key[MAX_KEYS];
	size_t nkeys;
	struct pubtable t;
	struct table_verify tv; /* the checks and their findings (core verify.h) */
};

static int set_total(void *ctx, const char *text)
{
	struct verify *v = ctx;
	v->has_total = true;
	return opt_kronor("--total", text, &v->total);
}

static int set_base(void *ctx, const char *text)
{
	return opt_kronor("--base", text, &((struct verify *)ctx)->base);
}

static int set_unit(void *ctx, const char *text)
{
	return opt_unit(text, &((struct verify *)ctx)->unit);
}

static int add_key(struct verify *v, const char *dataset, const char *column)
{
	if (v->nkeys == MAX_KEYS)
		return error("too many keys (at most %d)", MAX_KEYS);
	struct vkey *k = &v->key[v->nkeys++];
	k->col = -1;
	k->dataset = dataset;
	k->column = column;
	return 0;
}

static int set_key(void *ctx, const char *text)
{
	return add_key(ctx, text, NULL);
}

static int set_key_column(void *ctx, const char *text)
{
	return add_key(ctx, NULL, text);
}

static int set_weight(void *ctx, const char *text)
{
	struct verify *v = ctx;
	struct vkey *last = v->nkeys ? &v->key[v->nkeys - 1] : NULL;
	return opt_weight(&cmd_verify_entry, text, "--key or --key-column", last ? &last->weight : NULL,
			  last ? &last->has_weight : NULL);
}

static int set_format(void *ctx, const char *text)
{
	if (strcmp(text, "text") && strcmp(text, "json"))
		return error("unknown format '%s' (expected text or json)", text);
	((struct verify *)ctx)->format = text;
	return 0;
}

static const struct cmd_opt verify_options[] = {
	OPT_CALL("total", 0, "AMOUNT", set_total, "the stated total (default: the table's printed total)"),
	OPT_CALL("key", 0, "DATASET", set_key, "the key dataset the amounts follow (see 'bidrag datasets')"),
	OPT_CALL("key-column", 0, "C", set_key_column, "the table's own key column (default: the only one)"),
	OPT_CALL("weight", 0, "W", set_weight, "the weight of the preceding key in a mix ('1/2', '50%')"),
	OPT_CALL("base", 0, "AMOUNT", set_base, "a fixed amount per recipient; the rest follows the key"),
	OPT_BOOL("equal", 0, struct verify, equal, "the rule is equal shares"),
	OPT_BOOL("list", 0, struct verify, list, "the amounts are an explicit list: check sums only"),
	OPT_CALL("unit", 0, "AMOUNT", set_unit, "the rounding unit the amounts were computed in (default 1 krona)"),
	OPT_STR("amount-column", 0, struct verify, amount_column, "C",
		 "the column to check when the table has several amount columns"),
	OPT_STR("recipients", 0, struct verify, recipients, "SET",
		 "the recipients the table must have: regions, kommuner, kommuner:NN,\n"
		 "samverkansregioner, rcc"),
	OPT_CALL("format", 0, "F", set_format, "text (default) or json"),
	OPT_END,
};

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.summary = "check a published allocation table: quotas, sums, shares and key totals",
	.usage = "verify FILE [--total] [--key [--weight] ...] [--key-column [--weight] ...]\n"
		 "                     [--base] [--equal | --list] [--unit] [--amount-column]\n"
		 "                     [--recipients] [--format=text|json]",
	.about = "FILE is a table as published (tab-separated as in the decision texts, or CSV): a header\n"
		 "row, one row per recipient, optionally a total row (Summa/Totalt).  Key values come from\n"
		 "--key DATASET or from the table's own key column (--key-column, or the only one).",
	.after = "Exit status: 0 when the table is consistent, 1 when a check fails, 2 for unreadable input.",
	.exec = cmd_verify,
	.options = verify_options,
};

static int parse_args(struct verify *v, int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_verify_entry;
	v->unit = 1;
	v->format = "text";
	int next, rc = cmd_parse(e, argc, argv, v, &next);
	if (rc == 0)
		exit(0); /* --help */
	if (rc > 0)
		return -1;
	if (next >= argc)
		return usage_error(e, "which table? give the FILE to verify");
	if (argc - next > 1)
		return usage_error(e, "unexpected argument '%s' (verify checks one table at a time)", argv[next + 1]);
	v->file = argv[next];
	if ((v->equal || v->list) && v->nkeys)
		return usage_error(e, "--equal and --list do not take keys");
	if (v->equal && v->list)
		return usage_error(e, "--equal and --list exclude each other");
	if (v->nkeys > 1)
		for (size_t k = 0; k < v->nkeys; k++)
			if (!v->key[k].has_weight)
				return usage_error(e, "key '%s' has no --weight: a mix of keys needs a weight for each",
						   v->key[k].dataset ? v->key[k].dataset : v->key[k].column);
	if (v->nkeys == 1 && !v->key[0].has_weight)
		v->key[0].weight = (struct rat){1, 1};
	return 0;
}

/* A dataset a key names, for the checks. */
static int find_dataset(void *ctx, const char *name, struct verify_dataset *out, struct bd_error *err)
{
	(void)ctx;
	const struct dataset *ds;
	if (datasets_load(err) || dataset_find(name, &ds, err))
		return -1;
	*out = (struct verify_dataset){ds->kf.nrows, ds->kf.id, ds->kf.label, ds->kf.value[0], &ds->kf.index};
	return 0;
}

static void print_text(const struct table_verify *v)
{
	const struct pubtable *t = v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	char *rule = table_verify_rule_text(v);
	printf("Tabell: %s, %zu rader (rad %zu-%zu)\nBelopp: kolumnen '%s'\nRegel: %s\n\n", t->origin, t->nrows, t->line[0],
	       t->line[t->nrows - 1], t->header[v->amount_col], rule);
	free(rule);
	size_t namew = 9;
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = 0;
		for (const char *p = v->rcp[r]->name; *p; p++)
			w += ((unsigned char)*p & 0xC0) != 0x80;
		if (w > namew)
			namew = w;
	}
	printf("%5s  %-*s  %18s  %14s  %10s  %14s  %s\n", "Rad", (int)namew, "Mottagare", "Exakt kvot", "Publicerat",
	       "Avvikelse", "Största rest", "Status");
	mpq_t q, dev;
	mpq_inits(q, dev, NULL);
	struct apportion_spec spec = table_verify_spec(v);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = 0;
		for (const char *p = v->rcp[r]->name; *p; p++)
			w += ((unsigned char)*p & 0xC0) != 0x80;
		printf("%5zu  %s%*s  ", t->line[r], v->rcp[r]->name, (int)(namew - w), "");
		if (v->has_quota) {
			apportion_quota(&spec, r, q);
			mpq_set_si(dev, v->amount[r], 1);
			mpq_sub(dev, dev, q);
			/* Grouped like the other money columns: 159 184,90. */
			char *qs = fmt_mpq_decimal(q, 2, true), *ds = fmt_mpq_decimal(dev, 2, true);
			printf("%18s  %14s  %10s  %14s  ", qs, fmt_kr(v->amount[r], a), ds, fmt_kr(v->lr[r], b));
			free(qs);
			free(ds);
		} else {
			printf("%18s  %14s  %10s  %14s  ", "", fmt_kr(v->amount[r], a), "", "");
		}
		const char *status = v->row_quota_bad[r] ? "UTANFÖR KVOTREGELN"
				     : v->row_key_bad[r] ? "NYCKEL AVVIKER"
				     : v->row_share_bad[r] ? "ANDEL AVVIKER"
							   : "ok";
		printf("%s\n", status);
	}
	mpq_clears(q, dev, NULL);
	printf("\nKontroller:\n");
	for (size_t i = 0; i < v->nchecks; i++)
		printf("  %-4s %s\n", v->checks[i].ok ? "ok" : "FEL", v->checks[i].message);
	size_t bad = 0;
	for (size_t i = 0; i < v->nchecks; i++)
		bad += !v->checks[i].ok;
	if (bad)
		printf("\nResultat: tabellen är INTE konsistent (%zu fel).\n", bad);
	else
		printf("\nResultat: tabellen är konsistent.\n");
}

static void print_json(const struct table_verify *v)
{
	const struct pubtable *t = v->t;
	json_t *o = json_object(), *rows = json_array(), *checks = json_array();
	char *rule = table_verify_rule_text(v);
	json_object_set_new(o, "file", json_string(t->origin));
	json_object_set_new(o, "consistent", json_boolean(table_verify_consistent(v)));
	json_object_set_new(o, "amount_column", json_string(t->header[v->amount_col]));
	json_object_set_new(o, "rule", json_string(rule));
	free(rule);
	json_object_set_new(o, "total", json_integer(v->total));
	i128 sum = 0;
	mpq_t q, dev;
	mpq_inits(q, dev, NULL);
	struct apportion_spec spec = table_verify_spec(v);
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_object();
		sum += v->amount[r];
		json_object_set_new(row, "line", json_integer((json_int_t)t->line[r]));
		json_object_set_new(row, "code", json_string(v->rcp[r]->code));
		json_object_set_new(row, "recipient", json_string(v->rcp[r]->name));
		json_object_set_new(row, "printed_name", json_string(t->cell[r][0]));
		json_object_set_new(row, "published", json_integer(v->amount[r]));
		if (v->has_quota) {
			apportion_quota(&spec, r, q);
			mpq_set_si(dev, v->amount[r], 1);
			mpq_sub(dev, dev, q);
			char *qs = fmt_mpq_decimal(q, 6, false), *ds = fmt_mpq_decimal(dev, 6, false), *ex = mpq_get_str(NULL, 10, q);
			for (char *p = qs; *p; p++)
				if (*p == ',')
					*p = '.';
			for (char *p = ds; *p; p++)
				if (*p == ',')
					*p = '.';
			json_object_set_new(row, "quota", json_string(qs));
			json_object_set_new(row, "quota_exact", json_string(ex));
			json_object_set_new(row, "deviation", json_string(ds));
			json_object_set_new(row, "largest_remainder", json_integer(v->lr[r]));
			json_object_set_new(row, "half_up", json_integer(v->hu[r]));
			json_object_set_new(row, "within_quota", json_boolean(!v->row_quota_bad[r]));
			free(qs);
			free(ds);
			free(ex);
		}
		json_object_set_new(row, "share_ok", json_boolean(!v->row_share_bad[r]));
		json_object_set_new(row, "key_ok", json_boolean(!v->row_key_bad[r]));
		json_array_append_new(rows, row);
	}
	mpq_clears(q, dev, NULL);
	json_object_set_new(o, "sum", json_integer((json_int_t)sum));
	json_object_set_new(o, "rows", rows);
	for (size_t i = 0; i < v->nchecks; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "check", json_string(v->checks[i].id));
		json_object_set_new(c, "ok", json_boolean(v->checks[i].ok));
		json_object_set_new(c, "message", json_string(v->checks[i].message));
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

int cmd_verify(int argc, char **argv)
{
	struct verify *v = xcalloc(1, sizeof(*v));
	struct bd_error err = {0};
	struct table_verify *tv = &v->tv;
	table_verify_init(tv);
	int rc = EXIT_USAGE;
	if (parse_args(v, argc, argv))
		goto cleanup;
	/* The rule as given, for the checks in core. */
	tv->amount_column = v->amount_column;
	tv->recipients = v->recipients;
	tv->has_total = v->has_total;
	tv->equal = v->equal;
	tv->list = v->list;
	tv->total = v->total;
	tv->base = v->base;
	tv->unit = v->unit;
	tv->nkeys = v->nkeys;
	for (size_t k = 0; k < v->nkeys; k++)
		tv->key[k] = (struct verify_key){.dataset = v->key[k].dataset, .column = v->key[k].column,
						 .weight = v->key[k].weight, .col = v->key[k].col};
	if (refdata_load(&err) || pubtable_read(&v->t, v->file, &err) ||
	    table_verify_run(tv, &v->t, find_dataset, NULL, &err)) {
		error("%s", err.msg);
		goto cleanup;
	}
	if (strcmp(v->format, "json") == 0)
		print_json(tv);
	else
		print_text(tv);
	rc = table_verify_consistent(tv) ? EXIT_OK : EXIT_PROBLEM;
cleanup:
	table_verify_release(tv);
	pubtable_release(&v->t);
	free(v);
	return rc;
}
