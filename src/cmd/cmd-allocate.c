/* bidrag allocate: compute an allocation table to the krona. */
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "apportion.h"
#include "dataset.h"
#include "refdata.h"
#include "keyfile.h"
#include "table.h"
#include "cmd.h"
#include "refload.h"

#define MAX_KEYS 16
#define MAX_COMPONENTS 16

struct keyspec {
	const char *dataset; /* a dataset name, or */
	const char *file;    /* a key file */
	const char *column;
	struct rat weight;
	bool has_weight;
	/* resolved */
	const char *label;
	struct keyfile *kf;
	size_t col;
	int64_t *values; /* aligned to the recipients; owned when owned */
	bool owned;
};

struct component {
	const char *title;
	bool touched;
	bool has_total;
	int64_t total;
	int64_t base;
	bool equal;
	const char *amounts_file, *amounts_column;
	struct keyspec key[MAX_KEYS];
	size_t nkeys;
	/* results */
	struct apportion_weights w;
	int64_t *amount;
	int64_t residual;
};

/* Files read once, however many keys they give. */
struct file_cache {
	const char *path[MAX_KEYS * MAX_COMPONENTS];
	struct keyfile kf[MAX_KEYS * MAX_COMPONENTS];
	size_t n;
};

struct alloc {
	struct component comp[MAX_COMPONENTS];
	size_t ncomp;
	const char *recipients, *exclude, *sort, *title, *db;
	enum apportion_method method;
	int64_t unit;
	enum table_format format;
	const char *output;
	bool opaque;
	unsigned kinds;
	/* the recipients */
	size_t n;
	const char **id, **label;
	struct keyfile *source; /* recipients are exactly this file's rows, in order */
	size_t *order;
	struct file_cache files;
};

static int load_file(struct alloc *a, const char *path, struct keyfile **out, struct bd_error *err)
{
	for (size_t i = 0; i < a->files.n; i++)
		if (strcmp(a->files.path[i], path) == 0) {
			*out = &a->files.kf[i];
			return 0;
		}
	size_t i = a->files.n;
	keyfile_init(&a->files.kf[i]);
	struct keyfile_opts o = {.opaque_ids = a->opaque, .kinds = a->kinds};
	if (keyfile_read(&a->files.kf[i], path, &o, err))
		return -1;
	a->files.path[i] = path;
	a->files.n++;
	*out = &a->files.kf[i];
	return 0;
}

static struct component *current(struct alloc *a)
{
	struct component *c = &a->comp[a->ncomp - 1];
	c->touched = true;
	return c;
}

/* The options, read into the allocation as they come: --weight and
 * --column belong to the key before them, and --component starts a new one. */
struct alloc_parse {
	struct alloc *a;
	bool format_given;
};

static struct keyspec *last_key(struct alloc *a)
{
	struct component *cp = &a->comp[a->ncomp - 1];
	return cp->nkeys ? &cp->key[cp->nkeys - 1] : NULL;
}

static int set_total(void *ctx, const char *text)
{
	struct alloc *a = ((struct alloc_parse *)ctx)->a;
	a->comp[a->ncomp - 1].has_total = true;
	return opt_kronor("--total", text, &current(a)->total);
}

static int set_base(void *ctx, const char *text)
{
	return opt_kronor("--base", text, &current(((struct alloc_parse *)ctx)->a)->base);
}

static int set_unit(void *ctx, const char *text)
{
	return opt_unit(text, &((struct alloc_parse *)ctx)->a->unit);
}

static int add_key(struct alloc *a, const char *dataset, const char *file)
{
	struct component *cp = &a->comp[a->ncomp - 1];
	if (cp->nkeys == MAX_KEYS)
		return error("too many keys in one component (at most %d)", MAX_KEYS);
	struct keyspec *k = &current(a)->key[cp->nkeys++];
	k->dataset = dataset;
	k->file = file;
	return 0;
}

static int set_key(void *ctx, const char *text)
{
	return add_key(((struct alloc_parse *)ctx)->a, text, NULL);
}

static int set_weights(void *ctx, const char *text)
{
	return add_key(((struct alloc_parse *)ctx)->a, NULL, text);
}

static int set_column(void *ctx, const char *text)
{
	struct alloc *a = ((struct alloc_parse *)ctx)->a;
	struct component *cp = &a->comp[a->ncomp - 1];
	struct keyspec *last = last_key(a);
	if (cp->amounts_file && (!last || cp->amounts_column == NULL)) {
		cp->amounts_column = text;
	} else if (last && last->file) {
		if (last->column) {
			if (cp->nkeys == MAX_KEYS)
				return error("too many keys in one component (at most %d)", MAX_KEYS);
			struct keyspec *k = &cp->key[cp->nkeys++];
			k->file = last->file;
			last = k;
		}
		last->column = text;
	} else {
		return usage_error(&cmd_allocate_entry, "--column '%s' must follow --weights FILE or --amounts FILE",
				   text);
	}
	return 0;
}

static int set_weight(void *ctx, const char *text)
{
	struct keyspec *last = last_key(((struct alloc_parse *)ctx)->a);
	return opt_weight(&cmd_allocate_entry, text, "--key or --weights", last ? &last->weight : NULL,
			  last ? &last->has_weight : NULL);
}

static int set_equal(void *ctx, const char *text)
{
	current(((struct alloc_parse *)ctx)->a)->equal = true;
	return 0;
}

static int set_amounts(void *ctx, const char *text)
{
	current(((struct alloc_parse *)ctx)->a)->amounts_file = text;
	return 0;
}

static int set_component(void *ctx, const char *text)
{
	struct alloc *a = ((struct alloc_parse *)ctx)->a;
	struct component *cp = &a->comp[a->ncomp - 1];
	if (cp->touched || cp->title) {
		if (a->ncomp == MAX_COMPONENTS)
			return error("too many components (at most %d)", MAX_COMPONENTS);
		a->ncomp++;
	}
	a->comp[a->ncomp - 1].title = text;
	return 0;
}

static int set_method(void *ctx, const char *text)
{
	struct alloc *a = ((struct alloc_parse *)ctx)->a;
	if (strcmp(text, "largest-remainder") == 0 || strcmp(text, "lr") == 0)
		a->method = APPORTION_LARGEST_REMAINDER;
	else if (strcmp(text, "half-up") == 0)
		a->method = APPORTION_HALF_UP;
	else
		return error("unknown --method '%s' (expected largest-remainder or half-up)", text);
	return 0;
}

static int set_format(void *ctx, const char *text)
{
	struct alloc_parse *p = ctx;
	struct bd_error err;
	if (table_format_parse(text, &p->a->format, &err))
		return error("%s", err.msg);
	p->format_given = true;
	return 0;
}

static int set_sort(void *ctx, const char *text)
{
	if (strcmp(text, "input") && strcmp(text, "code") && strcmp(text, "name") && strcmp(text, "amount") &&
	    strcmp(text, "key"))
		return error("unknown --sort '%s' (expected input, code, name, amount or key)", text);
	((struct alloc_parse *)ctx)->a->sort = text;
	return 0;
}

static int set_recipients(void *ctx, const char *text)
{
	((struct alloc_parse *)ctx)->a->recipients = text;
	return 0;
}

static int set_exclude(void *ctx, const char *text)
{
	((struct alloc_parse *)ctx)->a->exclude = text;
	return 0;
}

static int set_output(void *ctx, const char *text)
{
	((struct alloc_parse *)ctx)->a->output = text;
	return 0;
}

static int set_title(void *ctx, const char *text)
{
	((struct alloc_parse *)ctx)->a->title = text;
	return 0;
}

static int set_db(void *ctx, const char *text)
{
	((struct alloc_parse *)ctx)->a->db = text;
	return 0;
}

static const struct cmd_opt allocate_options[] = {
	OPT_CALL("total", 0, "AMOUNT", set_total, "the amount to share, in kronor ('215 000 000', '71,8 mkr')"),
	OPT_CALL("key", 0, "DATASET", set_key,
		 "a key dataset (see 'bidrag datasets'), e.g. population@2019-11-01, or\n"
		 "NAME@VERSION for a version before the latest"),
	OPT_CALL("weights", 0, "FILE", set_weights,
		 "key values from a CSV/TSV file (header row; recipient by code or name)"),
	OPT_CALL("column", 0, "C", set_column,
		 "the value column of the preceding --weights or --amounts file;\n"
		 "repeat it to take several keys from one file"),
	OPT_CALL("weight", 0, "W", set_weight,
		 "the weight of the preceding key in a mix ('1/2', '50%'); weights sum to 1"),
	OPT_CALL("base", 0, "AMOUNT", set_base, "a fixed amount per recipient; the rest is shared by the key"),
	OPT_CALL("equal", 0, NULL, set_equal, "equal shares (needs --recipients)"),
	OPT_CALL("amounts", 0, "FILE", set_amounts, "an explicit list of amounts, checked against --total"),
	OPT_CALL("component", 0, "NAME", set_component,
		 "start a component of a table with several amount columns and a total"),
	OPT_CALL("recipients", 0, "SET", set_recipients,
		 "regions, kommuner, kommuner:NN, samverkansregioner, rcc, a list of\n"
		 "codes or names, or 'any' to take a file's recipients as given"),
	OPT_CALL("exclude", 0, "CODES", set_exclude, "recipients to leave out, comma-separated codes or names"),
	OPT_CALL("method", 0, "M", set_method,
		 "largest-remainder (default: exact sum, each amount within 1 unit of\n"
		 "its quota) or half-up (each rounded alone; the residual is reported)"),
	OPT_CALL("unit", 0, "AMOUNT", set_unit, "rounding unit (default 1 krona; e.g. 100 000)"),
	OPT_CALL("sort", 0, "S", set_sort,
		 "row order: input (default for files), code (default for datasets),\n"
		 "name, amount or key (both descending)"),
	OPT_CALL("title", 0, "TEXT", set_title, "the title line above the table"),
	OPT_CALL("format", 0, "F", set_format,
		 "table (the seeds' bilaga layout, default), tsv, csv (code,recipient,...,\n"
		 "amount), json (an array of objects, integer amounts) or xlsx"),
	OPT_CALL("output", 0, "FILE", set_output, "write to FILE (a .xlsx, .csv or .json name sets the format)"),
	OPT_CALL("db", 0, "PATH", set_db,
		 "the register whose datasets --key names (default $BIDRAG_DB, else ./bidrag.db\n"
		 "when it exists; without one, the compiled-in seed datasets)"),
	OPT_END,
};

const struct cmd_entry cmd_allocate_entry = {
	.name = "allocate",
	.summary = "share a total among recipients by a key, exactly, to the krona",
	.usage = "allocate --total (--key | --weights [--column]) [--weight]\n"
		 "                       [--key=... --weight ...] [--base] [--equal] [--amounts]\n"
		 "                       [--component ...] [--recipients=SET|any] [--exclude]\n"
		 "                       [--method=largest-remainder|half-up] [--unit]\n"
		 "                       [--sort=input|code|name|amount|key] [--title]\n"
		 "                       [--format=table|tsv|csv|json|xlsx] [--output] [--db]",
	.exec = cmd_allocate,
	.options = allocate_options,
	.in_order = true,
};

static int parse_args(struct alloc *a, int argc, char **argv)
{
	struct alloc_parse p = {.a = a};
	a->ncomp = 1;
	a->unit = 1;
	a->format = FMT_TABLE;
	int next, rc = cmd_parse(&cmd_allocate_entry, argc, argv, &p, &next);
	if (rc == 0)
		exit(0); /* --help */
	if (rc > 0)
		return -1;
	const struct cmd_entry *e = &cmd_allocate_entry;
	bool format_given = p.format_given;
	if (next < argc)
		return usage_error(e, "unexpected argument '%s'", argv[next]);
	for (size_t i = 0; i < a->ncomp; i++) {
		struct component *cp = &a->comp[i];
		const char *name = cp->title ? cp->title : "the allocation";
		int rules = (cp->nkeys > 0) + cp->equal + (cp->amounts_file != NULL);
		if (rules == 0)
			return usage_error(e, "%s has no rule: give --key, --weights, --equal or --amounts", name);
		if (rules > 1)
			return usage_error(e, "%s has more than one rule: --key/--weights, --equal and --amounts "
					      "exclude each other", name);
		if (!cp->has_total && !cp->amounts_file)
			return usage_error(e, "%s needs --total AMOUNT", name);
		if (cp->amounts_file && cp->base)
			return usage_error(e, "--base does not go with --amounts");
		if (cp->nkeys > 1)
			for (size_t k = 0; k < cp->nkeys; k++)
				if (!cp->key[k].has_weight)
					return usage_error(e, "key '%s' has no --weight: a mix of %zu keys needs a weight "
							      "for each (e.g. --weight 1/2)",
							   cp->key[k].dataset ? cp->key[k].dataset : cp->key[k].file,
							   cp->nkeys);
		if (cp->nkeys == 1 && !cp->key[0].has_weight)
			cp->key[0].weight = (struct rat){1, 1};
	}
	if (!format_given && a->output) {
		const char *dot = strrchr(a->output, '.');
		if (dot && strcmp(dot, ".xlsx") == 0)
			a->format = FMT_XLSX;
		else if (dot && strcmp(dot, ".csv") == 0)
			a->format = FMT_CSV;
		else if (dot && strcmp(dot, ".json") == 0)
			a->format = FMT_JSON;
	}
	if (a->format == FMT_XLSX && !a->output)
		return error("--format xlsx writes a file: give --output FILE.xlsx");
	if (a->recipients && strcmp(a->recipients, "any") == 0) {
		a->opaque = true;
		a->recipients = NULL;
	}
	return 0;
}

static int find_dataset(const char *name, const struct dataset **d, struct bd_error *err)
{
	if (datasets_load(err))
		return -1;
	return dataset_find(name, d, err);
}

/* Decide who the recipients are: --recipients, else the first key or list. */
static int choose_recipients(struct alloc *a, struct bd_error *err)
{
	if (refdata_load(err))
		return -1;
	if (a->recipients) {
		const struct recipient **set;
		if (refdata_set(a->recipients, &set, &a->n, err))
			return -1;
		a->id = xcalloc(a->n + 1, sizeof(char *));
		a->label = xcalloc(a->n + 1, sizeof(char *));
		for (size_t i = 0; i < a->n; i++) {
			a->id[i] = set[i]->code;
			a->label[i] = set[i]->name;
			a->kinds |= set[i]->kind;
		}
		free(set);
		return 0;
	}
	struct component *cp = &a->comp[0];
	if (cp->equal)
		return bd_fail(err, "--equal needs --recipients (regions, samverkansregioner, rcc, kommuner:NN or a list)");
	struct keyfile *kf = NULL;
	if (cp->amounts_file) {
		if (load_file(a, cp->amounts_file, &kf, err))
			return -1;
	} else if (cp->key[0].file) {
		if (load_file(a, cp->key[0].file, &kf, err))
			return -1;
	} else {
		const struct dataset *d;
		if (find_dataset(cp->key[0].dataset, &d, err))
			return -1;
		kf = (struct keyfile *)&d->kf;
	}
	a->n = kf->nrows;
	a->id = kf->id;
	a->label = kf->label;
	a->source = kf;
	a->kinds = kf->kind;
	return 0;
}

static int apply_exclusions(struct alloc *a, struct bd_error *err)
{
	if (!a->exclude)
		return 0;
	bool *out = xcalloc(a->n, sizeof(bool));
	char *copy = xstrdup(a->exclude);
	int rc = 0;
	for (char *p = copy; p && !rc;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		const char *id = p;
		const struct recipient *r;
		if (!a->opaque) {
			if (refdata_resolve(p, a->kinds ? a->kinds : RK_ANY, &r, err)) {
				bd_prefix(err, "in --exclude");
				rc = -1;
				break;
			}
			id = r->code;
		}
		size_t i;
		for (i = 0; i < a->n; i++)
			if (strcmp(a->id[i], id) == 0)
				break;
		if (i == a->n)
			rc = bd_fail(err, "--exclude names '%s', which is not among the recipients", p);
		else
			out[i] = true;
		p = comma ? comma + 1 : NULL;
	}
	if (!rc) {
		const char **id = xcalloc(a->n + 1, sizeof(char *)), **label = xcalloc(a->n + 1, sizeof(char *));
		size_t k = 0;
		for (size_t i = 0; i < a->n; i++)
			if (!out[i]) {
				id[k] = a->id[i];
				label[k++] = a->label[i];
			}
		if (!a->source) {
			free(a->id);
			free(a->label);
		}
		a->id = id;
		a->label = label;
		a->n = k;
		a->source = NULL;
	}
	free(copy);
	free(out);
	return rc;
}

/* Values of column col of kf for each recipient; every recipient must have
 * one, and kf may not name recipients outside the allocation. */
static int align(struct alloc *a, struct keyfile *kf, size_t col, const char *what, int64_t **values, bool *owned,
		 bool strict_extra, struct bd_error *err)
{
	if (kf == a->source) {
		*values = kf->value[col];
		*owned = false;
		return 0;
	}
	int64_t *v = xmalloc((a->n ? a->n : 1) * sizeof(int64_t));
	/* A recipient the file has no row for may still have a value: an RSS
	 * by its län's, a län (region or RSS) by the sum of its kommuner
	 * (decision.h: key_value_of, the one rule). */
	struct key_values kv = {what, kf->nrows, kf->id, kf->value[col], kf->scale[col], 0, NULL};
	for (size_t i = 0; i < a->n; i++) {
		int64_t r = keyfile_row(kf, a->id[i]);
		if (r >= 0) {
			v[i] = kf->value[col][r];
			continue;
		}
		if (!a->opaque && key_value_of(&kv, a->id[i], &v[i]))
			continue;
		const struct recipient *first;
		size_t gap = a->opaque ? 0 : key_lan_gap(&kv, a->id[i], &first);
		free(v);
		if (gap)
			return bd_fail(err, "%s has no value for %s (%s), nor for every kommun of its län: it lacks %zu, "
					    "the first %s (%s)",
				       what, a->label[i], a->id[i], gap, first->name, first->code);
		return bd_fail(err, "%s has no value for %s (%s)", what, a->label[i], a->id[i]);
	}
	if (strict_extra && kf->nrows != a->n) {
		struct strmap m;
		strmap_init(&m, a->n, a->id);
		uint32_t dup, first;
		strmap_put_all(&m, a->n, &dup, &first); /* the recipients are unique */
		for (size_t r = 0; r < kf->nrows; r++)
			if (strmap_get(&m, kf->id[r]) < 0) {
				strmap_release(&m);
				free(v);
				return bd_fail(err, "%s:%u: %s is not among the recipients", kf->origin, kf->line[r],
					       kf->label[r]);
			}
		strmap_release(&m);
	}
	*values = v;
	*owned = true;
	return 0;
}

static int run_component(struct alloc *a, struct component *cp, struct bd_error *err)
{
	char b1[NUM_BUFSZ], b2[NUM_BUFSZ];
	cp->amount = xcalloc(a->n ? a->n : 1, sizeof(int64_t));
	apportion_weights_init(&cp->w);
	if (cp->amounts_file) {
		struct keyfile *kf;
		size_t col;
		int64_t *v;
		bool owned;
		if (load_file(a, cp->amounts_file, &kf, err) || keyfile_column(kf, cp->amounts_column, &col, err))
			return -1;
		if (kf->scale[col] != 0)
			return bd_fail(err, "%s: the amounts in column '%s' must be whole kronor", kf->origin,
				       kf->colname[col]);
		if (align(a, kf, col, kf->origin, &v, &owned, true, err))
			return -1;
		i128 sum = 0;
		for (size_t i = 0; i < a->n; i++) {
			cp->amount[i] = v[i];
			sum += v[i];
			if (v[i] % a->unit != 0) {
				if (owned)
					free(v);
				return bd_fail(err, "%s: the amount for %s, %s kr, is not a multiple of the rounding unit %s kr",
					       kf->origin, a->label[i], fmt_kr(cp->amount[i], b1), fmt_kr(a->unit, b2));
			}
		}
		if (owned)
			free(v);
		if (!cp->has_total) {
			cp->total = (int64_t)sum;
			cp->has_total = true;
		} else if (sum != cp->total) {
			return bd_fail(err, "the amounts in %s sum to %s kr, but --total is %s kr (a difference of %s kr)",
				       kf->origin, fmt_i128_grouped(sum, b1), fmt_kr(cp->total, b2),
				       fmt_i128_grouped(sum - cp->total, (char[NUM_BUFSZ]){0}));
		}
		apportion_weights_equal(&cp->w, a->n); /* shares are not shown for lists */
		return 0;
	}
	struct apportion_key keys[MAX_KEYS];
	size_t nkeys = cp->equal ? 0 : cp->nkeys; /* none: equal shares */
	for (size_t k = 0; k < nkeys; k++) {
		struct keyspec *ks = &cp->key[k];
		if (ks->dataset) {
			const struct dataset *d;
			if (find_dataset(ks->dataset, &d, err))
				return -1;
			ks->kf = (struct keyfile *)&d->kf;
			ks->col = 0;
			ks->label = d->label;
		} else {
			if (load_file(a, ks->file, &ks->kf, err) || keyfile_column(ks->kf, ks->column, &ks->col, err))
				return -1;
			ks->label = ks->kf->colname[ks->col];
		}
		const char *what = ks->dataset ? ks->dataset : ks->file;
		if (align(a, ks->kf, ks->col, what, &ks->values, &ks->owned, false, err))
			return -1;
		keys[k] = (struct apportion_key){ks->values, ks->weight, ks->dataset ? ks->dataset : ks->label};
	}
	struct allocation_rule rule = {nkeys, keys, cp->total, cp->base, a->unit, a->method};
	enum allocation_failure af = allocation_run(&rule, a->n, a->id, &cp->w, cp->amount, &cp->residual, err);
	if (af == ALLOCATION_BAD_AMOUNTS && cp->title)
		bd_prefix(err, "%s", cp->title);
	return af == ALLOCATION_OK ? 0 : -1;
}

/* ---- output ---------------------------------------------------------- */

enum colrole { C_CODE, C_NAME, C_KEY, C_SHARE, C_BASE, C_BYKEY, C_AMOUNT, C_COMPONENT, C_TOTAL };

struct outcol {
	enum colrole role;
	size_t arg; /* key index or component index */
};

struct outctx {
	struct alloc *a;
	struct outcol *oc;
};

static void cell(void *vctx, size_t row, size_t col, struct tcell *out, char *scratch)
{
	struct outctx *x = vctx;
	struct alloc *a = x->a;
	size_t i = a->order ? a->order[row] : row;
	struct component *c0 = &a->comp[0];
	switch (x->oc[col].role) {
	case C_CODE:
		out->text = a->id[i];
		break;
	case C_NAME:
		out->text = a->label[i];
		break;
	case C_KEY: {
		struct keyspec *ks = &c0->key[x->oc[col].arg];
		int scale = ks->kf->scale[ks->col];
		if (scale == 0) {
			out->num = ks->values[i];
		} else {
			i128 den = 1;
			for (int k = 0; k < scale; k++)
				den *= 10;
			out->text = fmt_rat_decimal(ks->values[i], den, scale, true, scratch);
		}
		break;
	}
	case C_SHARE:
		out->text = apportion_share_decimal(&c0->w, i, 10, scratch);
		break;
	case C_BASE:
		out->num = c0->base;
		break;
	case C_BYKEY:
		out->num = c0->amount[i] - c0->base;
		break;
	case C_AMOUNT:
		out->num = c0->amount[i];
		break;
	case C_COMPONENT:
		out->num = a->comp[x->oc[col].arg].amount[i];
		break;
	case C_TOTAL: {
		i128 s = 0;
		for (size_t k = 0; k < a->ncomp; k++)
			s += a->comp[k].amount[i];
		out->num = s;
		break;
	}
	}
}

/* The CSV of one component in input order, written straight: the same
 * columns and cells as the table model's CSV writer (table_csv_text and
 * table_csv_decimal are its cell rules), without a callback per cell.  Ten
 * million rows spend most of their time here. */
static bool csv_direct_fits(const struct alloc *a)
{
	const struct component *c0 = &a->comp[0];
	if (a->format != FMT_CSV || a->order || a->ncomp != 1)
		return false;
	for (size_t k = 0; k < c0->nkeys; k++)
		if (c0->key[k].kf->scale[c0->key[k].col] != 0)
			return false;
	return true;
}

static int write_csv_direct(const struct alloc *a, const struct tcol *cols, const struct outcol *oc, size_t nc,
			    FILE *out)
{
	const struct component *c0 = &a->comp[0];
	size_t cap = (size_t)1 << 20, len = 0;
	char *buf = xmalloc(cap), scratch[NUM_BUFSZ];
	for (size_t c = 0; c < nc; c++) {
		size_t n = strlen(cols[c].key);
		if (cap - len < 2 * n + 4) { /* headers are short: room for a few */
			cap += 2 * n + 4;
			buf = xrealloc(buf, cap);
		}
		if (c)
			buf[len++] = ',';
		len += table_csv_text(buf + len, cols[c].key, n);
	}
	buf[len++] = '\n';
	for (size_t i = 0; i < a->n; i++) {
		size_t idl = strlen(a->id[i]), ll = a->label == a->id ? idl : strlen(a->label[i]);
		size_t need = 2 * (idl + ll) + 4 + nc * NUM_BUFSZ;
		if (cap - len < need) {
			if (len && fwrite(buf, 1, len, out) != len)
				break; /* close_output reports it */
			len = 0;
			if (cap < need) {
				cap = need;
				buf = xrealloc(buf, cap);
			}
		}
		char *d = buf + len, *code = NULL;
		size_t codelen = 0;
		for (size_t c = 0; c < nc; c++) {
			if (c)
				*d++ = ',';
			switch (oc[c].role) {
			case C_CODE:
				code = d;
				codelen = table_csv_text(d, a->id[i], idl);
				d += codelen;
				break;
			case C_NAME:
				if (code && a->label[i] == a->id[i]) { /* one column is both: the same field */
					memcpy(d, code, codelen);
					d += codelen;
				} else {
					d += table_csv_text(d, a->label[i], ll);
				}
				break;
			case C_KEY:
				d += fmt_i128_n(c0->key[oc[c].arg].values[i], d);
				break;
			case C_SHARE:
				d += table_csv_decimal(d, apportion_share_decimal(&c0->w, i, 10, scratch));
				break;
			case C_BASE:
				d += fmt_i128_n(c0->base, d);
				break;
			case C_BYKEY:
				d += fmt_i128_n(c0->amount[i] - c0->base, d);
				break;
			case C_AMOUNT:
			case C_TOTAL:
				d += fmt_i128_n(c0->amount[i], d);
				break;
			case C_COMPONENT:
				d += fmt_i128_n(a->comp[oc[c].arg].amount[i], d);
				break;
			}
		}
		*d++ = '\n';
		len = (size_t)(d - buf);
	}
	if (len)
		fwrite(buf, 1, len, out);
	free(buf);
	return 0;
}

static const char *describe_method(const struct alloc *a, char *buf, size_t len)
{
	char u[NUM_BUFSZ];
	const char *unit = a->unit == 1 ? "hela kronor" : fmt_kr(a->unit, u);
	if (a->method == APPORTION_HALF_UP)
		snprintf(buf, len, "Avrundning: varje belopp för sig, halva uppåt, till %s%s; differensen mot totalen redovisas.",
			 unit, a->unit == 1 ? "" : " kr");
	else
		snprintf(buf, len, "Avrundning: största rest-metoden till %s%s (summan blir exakt och varje belopp ligger "
			 "inom en enhet från sin exakta kvot); vid lika rest går enheten först till större nyckel, sedan lägre kod.",
			 unit, a->unit == 1 ? "" : " kr");
	return buf;
}

static char *describe_rule(const struct alloc *a, const struct component *cp)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	char t[NUM_BUFSZ], r[NUM_BUFSZ];
	buf_addf(&b, "%s: %s kr fördelas ", cp->title ? cp->title : "Regel", fmt_kr(cp->total, t));
	if (cp->amounts_file) {
		buf_addf(&b, "enligt angivna belopp i %s", cp->amounts_file);
	} else if (cp->equal) {
		buf_addf(&b, "i lika delar mellan %zu mottagare", a->n);
	} else {
		if (cp->base)
			buf_addf(&b, "med %s kr per mottagare och resten (%s kr) efter ", fmt_kr(cp->base, t),
				 fmt_kr(cp->total - cp->base * (int64_t)a->n, r));
		else
			buf_adds(&b, "efter ");
		for (size_t k = 0; k < cp->nkeys; k++) {
			const struct keyspec *ks = &cp->key[k];
			if (k)
				buf_adds(&b, " + ");
			if (cp->nkeys > 1)
				buf_addf(&b, "%s/%s av ", fmt_i128(ks->weight.num, t), fmt_i128(ks->weight.den, r));
			buf_addf(&b, "andel av %s (%s)", ks->label, ks->dataset ? ks->dataset : ks->file);
		}
	}
	if (cp->residual)
		buf_addf(&b, "; beloppen summerar till %s kr, %s kr %s än totalen", fmt_kr(cp->total - cp->residual, t),
			 fmt_kr(cp->residual < 0 ? -cp->residual : cp->residual, r), cp->residual < 0 ? "mer" : "mindre");
	return b.data;
}

static int cmp_by(const struct alloc *a, const char *sort, size_t x, size_t y)
{
	if (strcmp(sort, "code") == 0)
		return strcmp(a->id[x], a->id[y]);
	if (strcmp(sort, "name") == 0)
		return strcmp(a->label[x], a->label[y]);
	i128 vx = 0, vy = 0;
	for (size_t k = 0; k < a->ncomp; k++) {
		const struct component *cp = &a->comp[k];
		if (strcmp(sort, "amount") == 0) {
			vx += cp->amount[x];
			vy += cp->amount[y];
		} else if (k == 0 && cp->nkeys) {
			vx = cp->key[0].values[x];
			vy = cp->key[0].values[y];
		}
	}
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return strcmp(a->id[x], a->id[y]);
}

struct sort_ctx {
	const struct alloc *a;
	const char *key;
};

static int cmp_rows(const void *p, const void *q, void *vctx)
{
	const struct sort_ctx *c = vctx;
	return cmp_by(c->a, c->key, *(const size_t *)p, *(const size_t *)q);
}

static int write_output(struct alloc *a, struct bd_error *err)
{
	const char *sort = a->sort ? a->sort : (a->source && a->source->meta[META_NAME] == NULL ? "input" : "code");
	if (strcmp(sort, "input") != 0) {
		a->order = xmalloc((a->n ? a->n : 1) * sizeof(size_t));
		for (size_t i = 0; i < a->n; i++)
			a->order[i] = i;
		struct sort_ctx sc = {a, sort};
		qsort_r(a->order, a->n, sizeof(size_t), cmp_rows, &sc);
	}
	struct tcol cols[MAX_KEYS + MAX_COMPONENTS + 8];
	struct outcol oc[MAX_KEYS + MAX_COMPONENTS + 8];
	size_t nc = 0;
	struct component *c0 = &a->comp[0];
	bool machine = a->format == FMT_CSV || a->format == FMT_JSON;
	char keynames[MAX_KEYS][32];
	cols[nc] = (struct tcol){"Kod", "code", COL_TEXT, false, -1};
	oc[nc++] = (struct outcol){C_CODE, 0};
	const char *namehdr = a->kinds == RK_REGION ? "Region" : a->kinds == RK_KOMMUN ? "Kommun" : "Mottagare";
	cols[nc] = (struct tcol){namehdr, "recipient", COL_TEXT, false, -1};
	oc[nc++] = (struct outcol){C_NAME, 0};
	if (a->ncomp == 1) {
		size_t keycol = nc;
		for (size_t k = 0; k < c0->nkeys; k++) {
			struct keyspec *ks = &c0->key[k];
			if (c0->nkeys == 1)
				snprintf(keynames[k], sizeof(keynames[k]), "key");
			else
				snprintf(keynames[k], sizeof(keynames[k]), "key_%zu", k + 1);
			cols[nc] = (struct tcol){ks->label, keynames[k],
						 ks->kf->scale[ks->col] ? COL_DECIMAL : COL_INT,
						 ks->kf->scale[ks->col] == 0, -1};
			oc[nc++] = (struct outcol){C_KEY, k};
		}
		if (!c0->amounts_file) {
			int share_of = c0->nkeys == 1 && !c0->base && c0->key[0].kf->scale[c0->key[0].col] == 0
					       ? (int)keycol : -1;
			cols[nc] = (struct tcol){c0->nkeys > 1 ? "Sammanvägd andel" : "Andel", "share", COL_DECIMAL,
						 false, share_of};
			oc[nc++] = (struct outcol){C_SHARE, 0};
		}
		if (c0->base) {
			cols[nc] = (struct tcol){"Grundbelopp", "base", COL_INT, true, -1};
			oc[nc++] = (struct outcol){C_BASE, 0};
			cols[nc] = (struct tcol){"Efter nyckel", "by_key", COL_INT, true, -1};
			oc[nc++] = (struct outcol){C_BYKEY, 0};
		}
		cols[nc] = (struct tcol){"Fördelade medel (kr)", "amount", COL_INT, true, -1};
		oc[nc++] = (struct outcol){C_AMOUNT, 0};
	} else {
		for (size_t k = 0; k < a->ncomp; k++) {
			const char *t = a->comp[k].title ? a->comp[k].title : "Del";
			char *h = machine ? xstrdup(t) : xasprintf("%s (kronor)", t);
			cols[nc] = (struct tcol){h, t, COL_INT, true, -1};
			oc[nc++] = (struct outcol){C_COMPONENT, k};
		}
		cols[nc] = (struct tcol){"Totalt (kronor)", "amount", COL_INT, true, -1};
		oc[nc++] = (struct outcol){C_TOTAL, 0};
	}
	char title[256], total[NUM_BUFSZ], method[512];
	i128 grand = 0;
	for (size_t k = 0; k < a->ncomp; k++)
		grand += a->comp[k].total;
	snprintf(title, sizeof(title), "%s", a->title ? a->title : "");
	if (!a->title)
		snprintf(title, sizeof(title), "Fördelning av %s kronor", fmt_i128_grouped(grand, total));
	const char *notes[MAX_COMPONENTS + 3];
	size_t nn = 0;
	for (size_t k = 0; k < a->ncomp; k++)
		notes[nn++] = describe_rule(a, &a->comp[k]);
	notes[nn++] = describe_method(a, method, sizeof(method));
	notes[nn] = NULL;
	struct outctx x = {a, oc};
	struct table t = {
		.title = title,
		.notes = notes,
		.ncols = nc,
		.cols = cols,
		.nrows = a->n,
		.cell = cell,
		.ctx = &x,
		.total_label = a->kinds == RK_REGION || a->kinds == 0 ? "Summa" : "Totalt",
		.total_label_col = 1,
	};
	struct tcell override[MAX_KEYS + MAX_COMPONENTS + 8];
	for (size_t k = 0; k < nc; k++)
		override[k] = (struct tcell){.empty = true};
	if (a->ncomp == 1 && !c0->amounts_file) {
		override[nc - (c0->base ? 3 : 1) - 1] = (struct tcell){.text = "1"}; /* the share column */
		t.total_override = override;
	}
	int rc = 0;
	FILE *out = a->format == FMT_XLSX ? NULL : open_output(a->output);
	if (a->format != FMT_XLSX && !out)
		rc = -1;
	else if (csv_direct_fits(a) ? write_csv_direct(a, cols, oc, nc, out) : table_write(&t, a->format, out, a->output, err))
		rc = -1;
	else if (out && close_output(out, a->output))
		rc = -1;
	for (size_t k = 0; k < nn - 1; k++)
		free((char *)notes[k]);
	if (a->ncomp > 1)
		for (size_t k = 2; k < nc - 1; k++)
			free((char *)cols[k].header);
	return rc;
}

static void release(struct alloc *a)
{
	for (size_t k = 0; k < a->ncomp; k++) {
		struct component *cp = &a->comp[k];
		for (size_t j = 0; j < cp->nkeys; j++)
			if (cp->key[j].owned)
				free(cp->key[j].values);
		if (cp->amount)
			apportion_weights_release(&cp->w);
		free(cp->amount);
	}
	if (!a->source) {
		free(a->id);
		free(a->label);
	}
	for (size_t i = 0; i < a->files.n; i++)
		keyfile_release(&a->files.kf[i]);
	free(a->order);
}

int cmd_allocate(int argc, char **argv)
{
	struct alloc *a = xcalloc(1, sizeof(*a));
	struct bd_error err = {0};
	int rc = EXIT_OK;
	if (parse_args(a, argc, argv)) {
		free(a);
		return EXIT_USAGE;
	}
	bool datasets = false;
	for (size_t k = 0; k < a->ncomp; k++)
		for (size_t j = 0; j < a->comp[k].nkeys; j++)
			datasets = datasets || a->comp[k].key[j].dataset;
	if (datasets && (rc = load_datasets(a->db)) != 0) {
		free(a);
		return rc;
	}
	if (choose_recipients(a, &err) || apply_exclusions(a, &err)) {
		rc = error("%s", err.msg);
		goto cleanup;
	}
	if (a->n == 0) {
		rc = error("no recipients left to share among");
		goto cleanup;
	}
	for (size_t k = 0; k < a->ncomp; k++)
		if (run_component(a, &a->comp[k], &err)) {
			rc = error("%s", err.msg);
			goto cleanup;
		}
	if (write_output(a, &err)) {
		if (err.msg[0])
			error("%s", err.msg);
		rc = EXIT_IO;
		goto cleanup;
	}
	for (size_t k = 0; k < a->ncomp; k++)
		if (a->comp[k].residual) {
			char r[NUM_BUFSZ];
			char t[NUM_BUFSZ], d[NUM_BUFSZ];
			int64_t res = a->comp[k].residual;
			fprintf(stderr, "note: half-up rounding: the amounts%s%s sum to %s kr, %s kr %s than the total %s kr\n",
				a->comp[k].title ? " of " : "", a->comp[k].title ? a->comp[k].title : "",
				fmt_kr(a->comp[k].total - res, t), fmt_kr(res < 0 ? -res : res, r),
				res < 0 ? "more" : "less", fmt_kr(a->comp[k].total, d));
		}
cleanup:
	release(a);
	free(a);
	return rc;
}
