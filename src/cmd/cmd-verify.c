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
	const char *file, *amount_column, *recipients, *format, *db;
	bool has_total, has_base, equal, list, find_key;
	int64_t total, base, unit;
	struct vkey key[MAX_KEYS];
	size_t nkeys;
	struct pubtable t;
	struct table_verify tv; /* the checks and their findings (core verify.h) */
	struct table_findkey fk; /* --find-key (core verify.h, findkey.h) */
};

static int set_total(void *ctx, const char *text)
{
	struct verify *v = ctx;
	v->has_total = true;
	return opt_kronor("--total", text, &v->total);
}

static int set_base(void *ctx, const char *text)
{
	((struct verify *)ctx)->has_base = true;
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
	OPT_BOOL("find-key", 0, struct verify, find_key,
		 "find the key: try every known dataset and the table's key columns, alone,\n"
		 "as base + key and as two keys weighted, under each rounding rule"),
	OPT_CALL("format", 0, "F", set_format, "text (default) or json"),
	OPT_STR("db", 0, struct verify, db, "PATH",
		"the register whose datasets --key and --find-key use (default $BIDRAG_DB, else\n"
		"./bidrag.db when it exists; without one, the compiled-in seed datasets)"),
	OPT_END,
};

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.summary = "check a published allocation table: quotas, sums, shares and key totals",
	.usage = "verify FILE [--total] [--key [--weight] ...] [--key-column [--weight] ...]\n"
		 "                     [--base] [--equal | --list] [--unit] [--amount-column]\n"
		 "                     [--recipients] [--format=text|json] [--db]\n"
		 "       bidrag verify FILE --find-key [--total] [--unit] [--amount-column] [--recipients]\n"
		 "                     [--format=text|json] [--db]",
	.about = "FILE is a table as published (tab-separated as in the decision texts, or CSV): a header\n"
		 "row, one row per recipient, optionally a total row (Summa/Totalt).  Key values come from\n"
		 "--key DATASET (NAME or NAME@VERSION, from the register) or from the table's own key\n"
		 "column (--key-column, or the only one).\n"
		 "A table may have only a recipient and an amount column.  The summary says, for each\n"
		 "rounding rule (largest remainder; half-up; half-up with the residual put on the largest\n"
		 "recipient), which rows differ from the rule and by how much.\n"
		 "\n"
		 "--find-key tries every dataset bidrag knows ('bidrag datasets'; those without the\n"
		 "table's recipients are skipped with a note) and the table's own key columns: equal\n"
		 "shares, each key alone, a base per recipient + the rest by a key (the bases the table\n"
		 "allows, found exactly), and two keys weighted (every fraction p/q, q <= 100, the table\n"
		 "allows, else the simplest fraction it allows).  It reports every one that gives each\n"
		 "row's amount exactly, to the krona, and under which rounding rule; where none does,\n"
		 "the closest per rule.  The total is --total, else the printed total row, else the sum.",
	.after = "Exit status: 0 when the table is consistent (--find-key: some key reproduces it exactly),\n"
		 "1 when a check fails (--find-key: no key does), 2 for unreadable input.",
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
	if (v->find_key && (v->nkeys || v->has_base || v->equal || v->list))
		return usage_error(e, "--find-key tries the keys itself: it takes no --key, --key-column, --base, "
				      "--equal or --list");
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
	if (v->has_quota) {
		printf("\nAvrundning (publicerat belopp jämfört med regelns, per avrundningsregel):\n");
		for (int r = 0; r < ROUND_NRULES; r++) {
			char *line = table_verify_rounding_line(v, (enum round_rule)r);
			printf("  %s\n", line);
			free(line);
		}
	}
	size_t bad = 0;
	for (size_t i = 0; i < v->nchecks; i++)
		bad += !v->checks[i].ok;
	if (bad)
		printf("\nResultat: tabellen är INTE konsistent (%zu fel).\n", bad);
	else
		printf("\nResultat: tabellen är konsistent.\n");
}

/* A rounding rule's outcome: the rows that differ and by how much. */
static json_t *rounding_json(const struct table_verify *v, const struct round_outcome *o, enum round_rule r,
			     const char *summary)
{
	const struct pubtable *t = v->t;
	json_t *j = json_object(), *diffs = json_array();
	json_object_set_new(j, "rule", json_string(round_rule_id(r)));
	json_object_set_new(j, "name", json_string(round_rule_name(r)));
	if (!o->diff) {
		json_object_set_new(j, "computed", json_false());
		json_decref(diffs);
		return j;
	}
	json_object_set_new(j, "exact", json_boolean(o->ndiff == 0));
	json_object_set_new(j, "rows_differing", json_integer((json_int_t)o->ndiff));
	for (size_t i = 0; i < o->n; i++) {
		if (!o->diff[i])
			continue;
		json_t *d = json_object();
		json_object_set_new(d, "line", json_integer((json_int_t)t->line[i]));
		json_object_set_new(d, "code", json_string(v->rcp[i]->code));
		json_object_set_new(d, "recipient", json_string(v->rcp[i]->name));
		json_object_set_new(d, "published", json_integer(o->computed[i] + o->diff[i]));
		json_object_set_new(d, "computed", json_integer(o->computed[i]));
		json_object_set_new(d, "difference", json_integer(o->diff[i]));
		json_array_append_new(diffs, d);
	}
	json_object_set_new(j, "differences", diffs);
	char *line = summary ? xstrdup(summary) : table_verify_rounding_line(v, r);
	json_object_set_new(j, "summary", json_string(line));
	free(line);
	return j;
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
			if (v->round[ROUND_HALF_UP_ADJUSTED].computed)
				json_object_set_new(row, "half_up_adjusted",
						    json_integer(v->round[ROUND_HALF_UP_ADJUSTED].computed[r]));
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
	if (v->has_quota) {
		json_t *rounding = json_array();
		for (int r = 0; r < ROUND_NRULES; r++)
			json_array_append_new(rounding, rounding_json(v, &v->round[r], (enum round_rule)r, NULL));
		json_object_set_new(o, "rounding", rounding);
	}
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

/* ---- --find-key -------------------------------------------------------- */

/* Every dataset bidrag knows, through the datasets API (dataset.h). */
static int known_datasets(struct verify_known_dataset **out, size_t *n, struct bd_error *err)
{
	if (datasets_load(err))
		return -1;
	size_t nd;
	struct dataset *const *all = datasets_all(&nd);
	struct verify_known_dataset *k = xcalloc(nd ? nd : 1, sizeof(*k));
	for (size_t i = 0; i < nd; i++) {
		const struct dataset *d = all[i];
		k[i] = (struct verify_known_dataset){d->name, d->domain,
			{d->kf.nrows, d->kf.id, d->kf.label, d->kf.value[0], &d->kf.index}};
	}
	*out = k;
	*n = nd;
	return 0;
}

static const char *total_from_text(enum findkey_total f)
{
	switch (f) {
	case FINDKEY_TOTAL_STATED: return "angiven med --total";
	case FINDKEY_TOTAL_PRINTED: return "summaraden";
	case FINDKEY_TOTAL_SUM: return "radernas summa";
	}
	return "";
}

static const char *total_from_id(enum findkey_total f)
{
	switch (f) {
	case FINDKEY_TOTAL_STATED: return "stated";
	case FINDKEY_TOTAL_PRINTED: return "printed";
	case FINDKEY_TOTAL_SUM: return "sum";
	}
	return "";
}

/* The rules under which candidate c reproduces the table, in words. */
static char *exact_rules_text(const struct fk_candidate *c)
{
	struct buf b;
	buf_init(&b, 4096);
	for (int r = 0; r < ROUND_NRULES; r++)
		if (fk_candidate_exact(c, (enum round_rule)r))
			buf_addf(&b, "%s%s", b.len ? "; " : "", round_rule_name((enum round_rule)r));
	return b.data;
}

static void print_findkey_text(const struct table_findkey *f)
{
	const struct table_verify *v = &f->v;
	const struct pubtable *t = v->t;
	char a[NUM_BUFSZ];
	printf("Tabell: %s, %zu rader (rad %zu-%zu)\nBelopp: kolumnen '%s'\nTotal: %s kr (%s)\n", t->origin, t->nrows,
	       t->line[0], t->line[t->nrows - 1], t->header[v->amount_col], fmt_kr(f->total, a),
	       total_from_text(f->total_from));
	printf("Prövat: %zu dataset och %zu nyckelkolumner i tabellen; %zu kandidater (lika delar, en nyckel, "
	       "grundbelopp + nyckel, två nycklar viktade) under %d avrundningsregler\n",
	       f->ndatasets, f->ncolumns, f->res.ntried, ROUND_NRULES);
	if (f->nnote) {
		printf("Anmärkningar:\n");
		for (size_t i = 0; i < f->nnote; i++)
			printf("  - %s\n", f->note[i]);
	}
	const struct fk_candidate *shown = fk_best(&f->res);
	if (shown) {
		char *what = fk_candidate_text(shown, f->keys);
		printf("\n%s %s:\n", f->res.nmatch ? "Beloppen enligt" : "Beloppen enligt den närmaste kandidaten,", what);
		free(what);
		size_t namew = 9;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = 0;
			for (const char *p = v->rcp[r]->name; *p; p++)
				w += ((unsigned char)*p & 0xC0) != 0x80;
			if (w > namew)
				namew = w;
		}
		printf("%5s  %-*s  %14s  %18s  %18s  %18s\n", "Rad", (int)namew, "Mottagare", "Publicerat", "Största rest",
		       "Halvt uppåt", "Halvt uppåt + rest");
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = 0;
			for (const char *p = v->rcp[r]->name; *p; p++)
				w += ((unsigned char)*p & 0xC0) != 0x80;
			printf("%5zu  %s%*s  %14s", t->line[r], v->rcp[r]->name, (int)(namew - w), "", fmt_kr(v->amount[r], a));
			for (int k = 0; k < ROUND_NRULES; k++) {
				const struct round_outcome *o = &shown->out[k];
				char cell[2 * NUM_BUFSZ + 8], d[NUM_BUFSZ];
				if (!o->diff)
					bd_strf(cell, sizeof(cell), "-");
				else if (o->diff[r])
					bd_strf(cell, sizeof(cell), "%s (%s)", fmt_kr(o->computed[r], a), fmt_kr_signed(o->diff[r], d));
				else
					bd_strf(cell, sizeof(cell), "%s", fmt_kr(o->computed[r], a));
				printf("  %18s", cell);
			}
			printf("\n");
		}
		printf("(inom parentes: publicerat minus regelns belopp)\n");
	}
	if (f->res.nmatch) {
		printf("\nNycklar som ger tabellen exakt, till kronan:\n");
		for (size_t i = 0; i < f->res.nmatch; i++) {
			char *what = fk_candidate_text(&f->res.match[i], f->keys), *rules = exact_rules_text(&f->res.match[i]);
			printf("  %s: %s\n", what, rules);
			free(what);
			free(rules);
		}
	}
	printf("\nSammanfattning per avrundningsregel (publicerat minus regelns belopp):\n");
	for (int r = 0; r < ROUND_NRULES; r++) {
		char *line = table_findkey_rule_line(f, (enum round_rule)r);
		printf("  %s\n", line);
		free(line);
	}
	char *quota = table_findkey_quota_line(f);
	if (quota)
		printf("  %s\n", quota);
	free(quota);
	if (f->res.nmatch) {
		char *what = fk_candidate_text(&f->res.match[0], f->keys), *rules = exact_rules_text(&f->res.match[0]);
		printf("\nResultat: tabellen följer %s (%s).\n", what, rules);
		free(what);
		free(rules);
	} else {
		printf("\nResultat: ingen prövad nyckel ger tabellen exakt.\n");
	}
}

static json_t *candidate_json(const struct table_findkey *f, const struct fk_candidate *c)
{
	json_t *j = json_object(), *keys = json_array(), *rules = json_array();
	char *what = fk_candidate_text(c, f->keys);
	char nb[NUM_BUFSZ], db[NUM_BUFSZ];
	json_object_set_new(j, "candidate", json_string(what));
	free(what);
	json_object_set_new(j, "form", json_string(fk_form_id(c->form)));
	if (c->form == FK_KEY || c->form == FK_BASE_KEY) {
		json_t *k = json_object();
		json_object_set_new(k, "name", json_string(f->keys[c->key[0]].name));
		json_object_set_new(k, "source", json_string(f->key_is_column[c->key[0]] ? "column" : "dataset"));
		json_object_set_new(k, "weight", json_string("1"));
		json_array_append_new(keys, k);
	} else if (c->form == FK_TWO_KEYS) {
		struct rat w[2] = {c->weight, rat_make(c->weight.den - c->weight.num, c->weight.den)};
		for (int i = 0; i < 2; i++) {
			json_t *k = json_object();
			char *ws = xasprintf("%s/%s", fmt_i128(w[i].num, nb), fmt_i128(w[i].den, db));
			json_object_set_new(k, "name", json_string(f->keys[c->key[i]].name));
			json_object_set_new(k, "source", json_string(f->key_is_column[c->key[i]] ? "column" : "dataset"));
			json_object_set_new(k, "weight", json_string(ws));
			free(ws);
			json_array_append_new(keys, k);
		}
	}
	json_object_set_new(j, "keys", keys);
	json_object_set_new(j, "base", json_integer(c->form == FK_BASE_KEY ? c->base : 0));
	for (int r = 0; r < ROUND_NRULES; r++)
		if (fk_candidate_exact(c, (enum round_rule)r))
			json_array_append_new(rules, json_string(round_rule_id((enum round_rule)r)));
	json_object_set_new(j, "exact_under", rules);
	return j;
}

static void print_findkey_json(const struct table_findkey *f)
{
	const struct table_verify *v = &f->v;
	const struct pubtable *t = v->t;
	json_t *o = json_object(), *rows = json_array(), *keys = json_array(), *notes = json_array(),
	       *matches = json_array(), *rules = json_array();
	json_object_set_new(o, "file", json_string(t->origin));
	json_object_set_new(o, "found", json_boolean(table_findkey_found(f)));
	json_object_set_new(o, "amount_column", json_string(t->header[v->amount_col]));
	json_object_set_new(o, "total", json_integer(f->total));
	json_object_set_new(o, "total_from", json_string(total_from_id(f->total_from)));
	json_object_set_new(o, "sum", json_integer((json_int_t)f->sum));
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_object();
		json_object_set_new(row, "line", json_integer((json_int_t)t->line[r]));
		json_object_set_new(row, "code", json_string(v->rcp[r]->code));
		json_object_set_new(row, "recipient", json_string(v->rcp[r]->name));
		json_object_set_new(row, "printed_name", json_string(t->cell[r][0]));
		json_object_set_new(row, "published", json_integer(v->amount[r]));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "rows", rows);
	for (size_t k = 0; k < f->nkeys; k++) {
		json_t *j = json_object();
		json_object_set_new(j, "name", json_string(f->keys[k].name));
		json_object_set_new(j, "source", json_string(f->key_is_column[k] ? "column" : "dataset"));
		json_array_append_new(keys, j);
	}
	json_object_set_new(o, "keys_tried", keys);
	json_object_set_new(o, "candidates_tried", json_integer((json_int_t)f->res.ntried));
	for (size_t i = 0; i < f->nnote; i++)
		json_array_append_new(notes, json_string(f->note[i]));
	json_object_set_new(o, "notes", notes);
	for (size_t i = 0; i < f->res.nmatch; i++)
		json_array_append_new(matches, candidate_json(f, &f->res.match[i]));
	json_object_set_new(o, "matches", matches);
	for (int r = 0; r < ROUND_NRULES; r++) {
		const struct fk_candidate *c = table_findkey_reference(f, (enum round_rule)r);
		char *line = table_findkey_rule_line(f, (enum round_rule)r);
		json_t *j;
		if (c) {
			j = rounding_json(v, &c->out[r], (enum round_rule)r, line);
			json_object_set_new(j, "candidate", candidate_json(f, c));
		} else {
			j = json_object();
			json_object_set_new(j, "rule", json_string(round_rule_id((enum round_rule)r)));
			json_object_set_new(j, "summary", json_string(line));
		}
		free(line);
		json_array_append_new(rules, j);
	}
	json_object_set_new(o, "rounding", rules);
	const struct fk_candidate *best = fk_best(&f->res);
	if (best) {
		json_t *q = json_object();
		char *line = table_findkey_quota_line(f);
		json_object_set_new(q, "candidate", candidate_json(f, best));
		json_object_set_new(q, "rows_outside", json_integer((json_int_t)best->quota_outside));
		json_object_set_new(q, "summary", json_string(line));
		free(line);
		json_object_set_new(o, "quota_rule", q);
	}
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

static int run_find_key(struct verify *v)
{
	struct bd_error err = {0};
	struct table_findkey *f = &v->fk;
	f->amount_column = v->amount_column;
	f->recipients = v->recipients;
	f->has_total = v->has_total;
	f->total = v->total;
	f->unit = v->unit;
	struct verify_known_dataset *ds = NULL;
	size_t nds = 0;
	if (refdata_load(&err) || pubtable_read(&v->t, v->file, &err) || known_datasets(&ds, &nds, &err) ||
	    table_find_key(f, &v->t, ds, nds, &err)) {
		free(ds);
		return error("%s", err.msg);
	}
	free(ds);
	if (strcmp(v->format, "json") == 0)
		print_findkey_json(f);
	else
		print_findkey_text(f);
	return table_findkey_found(f) ? EXIT_OK : EXIT_PROBLEM;
}

int cmd_verify(int argc, char **argv)
{
	struct verify *v = xcalloc(1, sizeof(*v));
	struct bd_error err = {0};
	struct table_verify *tv = &v->tv;
	table_verify_init(tv);
	table_findkey_init(&v->fk);
	int rc = EXIT_USAGE;
	if (parse_args(v, argc, argv))
		goto cleanup;
	bool datasets = v->find_key;
	for (size_t k = 0; k < v->nkeys; k++)
		datasets = datasets || v->key[k].dataset;
	if (datasets && (rc = load_datasets(v->db)) != 0)
		goto cleanup;
	rc = EXIT_USAGE;
	if (v->find_key) {
		rc = run_find_key(v);
		goto cleanup;
	}
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
	table_findkey_release(&v->fk);
	pubtable_release(&v->t);
	free(v);
	return rc;
}
