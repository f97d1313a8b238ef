/* bidrag verify: check a published allocation table against its rule. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "allocation.h"
#include "apportion.h"
#include "dataset.h"
#include "refdata.h"
#include "pubtable.h"
#include "cmd.h"
#include "refload.h"

#define MAX_KEYS 8

struct vkey {
	const char *dataset; /* or */
	const char *column;
	struct rat weight;
	bool has_weight;
	int col; /* table column for column keys, or the matching key column of a dataset key (-1) */
	const struct dataset *ds;
	int64_t *values;
};

struct check {
	const char *id;
	bool ok;
	char *message;
};

struct verify {
	const char *file, *amount_column, *recipients, *format;
	bool has_total, equal, list;
	int64_t total, base, unit;
	struct vkey key[MAX_KEYS];
	size_t nkeys;
	struct pubtable t;
	const struct recipient **rcp; /* per row */
	int amount_col;
	int64_t *amount;
	struct check checks[32];
	size_t nchecks;
	/* per-row flags */
	bool *row_quota_bad, *row_share_bad, *row_key_bad;
	bool has_quota;
	struct apportion_weights w;
	int64_t *lr, *hu;
};

static void add_check(struct verify *v, const char *id, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_check(struct verify *v, const char *id, bool ok, const char *fmt, ...)
{
	if (v->nchecks == BD_ARRAY_LEN(v->checks))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = xstrdup(id);
	va_end(ap);
	v->checks[v->nchecks++] = (struct check){id, ok, m};
}

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
	OPT_CALL("total", 0, "AMOUNT", set_total, NULL),
	OPT_CALL("key", 0, "DATASET", set_key, NULL),
	OPT_CALL("key-column", 0, "C", set_key_column, NULL),
	OPT_CALL("weight", 0, "W", set_weight, NULL),
	OPT_CALL("base", 0, "AMOUNT", set_base, NULL),
	OPT_BOOL("equal", 0, struct verify, equal, NULL),
	OPT_BOOL("list", 0, struct verify, list, NULL),
	OPT_CALL("unit", 0, "AMOUNT", set_unit, NULL),
	OPT_STR("amount-column", 0, struct verify, amount_column, "C", NULL),
	OPT_STR("recipients", 0, struct verify, recipients, "SET", NULL),
	OPT_CALL("format", 0, "F", set_format, NULL),
	OPT_END,
};

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.summary = "check a published allocation table: quotas, sums, shares and key totals",
	.usage = "verify FILE [--total AMOUNT] [--key DATASET [--weight W] ...] [--key-column C [--weight W] ...]\n"
		 "                     [--base AMOUNT] [--equal | --list] [--unit AMOUNT] [--amount-column C]\n"
		 "                     [--recipients SET] [--format text|json]\n"
		 "\n"
		 "FILE is a table as published (tab-separated as in the decision texts, or CSV): a header\n"
		 "row, one row per recipient, optionally a total row (Summa/Totalt).  Key values come from\n"
		 "--key DATASET or from the table's own key column (--key-column, or the only one).\n"
		 "  --total AMOUNT        the stated total (default: the table's printed total)\n"
		 "  --amount-column C     the column to check when the table has several amount columns\n"
		 "  --list                the amounts are an explicit list: check sums only\n"
		 "  --equal               the rule is equal shares\n"
		 "Exit status: 0 when the table is consistent, 1 when a check fails, 2 for unreadable input.",
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

/* A column by name: exact (normalised) or a unique prefix or substring. */
static int find_column(const struct pubtable *t, const char *name, bool (*want)(enum pcol_role), struct bd_error *err)
{
	char *n = name_normalise(name);
	int exact = -1, partial = -1, npartial = 0;
	for (size_t i = 1; i < t->ncols; i++) {
		if (want && !want(t->role[i]))
			continue;
		char *h = name_normalise(t->header[i]);
		if (strcmp(h, n) == 0)
			exact = (int)i;
		else if (strstr(h, n)) {
			partial = (int)i;
			npartial++;
		}
		free(h);
	}
	free(n);
	if (exact >= 0)
		return exact;
	if (npartial == 1)
		return partial;
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 1; i < t->ncols; i++)
		buf_addf(&b, "%s'%s'", b.len ? ", " : "", t->header[i]);
	bd_fail(err, "%s: %s column '%s' (columns: %s)", t->origin, npartial > 1 ? "more than one" : "no", name,
		b.data ? b.data : "");
	buf_release(&b);
	return -1;
}

static bool is_amount(enum pcol_role r)
{
	return r == PC_AMOUNT || r == PC_TOTAL || r == PC_OTHER;
}

static bool is_key(enum pcol_role r)
{
	return r == PC_KEY || r == PC_OTHER;
}

static int parse_int_cell(const struct pubtable *t, size_t row, size_t col, int64_t *out, struct bd_error *err)
{
	const char *text = row < t->nrows ? t->cell[row][col] : t->total[col];
	size_t line = row < t->nrows ? t->line[row] : t->total_line;
	char why[200];
	if (money_parse_kronor(text, 0, out, why, sizeof(why)))
		return bd_fail(err, "%s:%zu: '%s' in column '%s' is not a whole number: %s", t->origin, line, text,
			       t->header[col], why);
	return 0;
}

static int resolve_rows(struct verify *v, struct bd_error *err)
{
	struct pubtable *t = &v->t;
	unsigned kinds_try[] = {RK_REGION, RK_KOMMUN, RK_SAMVERKANSREGION | RK_RCC};
	size_t nk = BD_ARRAY_LEN(kinds_try);
	if (v->recipients) {
		const struct recipient **set;
		size_t n;
		if (refdata_set(v->recipients, &set, &n, err))
			return -1;
		kinds_try[0] = n ? set[0]->kind : RK_REGION;
		nk = 1;
		free(set);
	}
	v->rcp = xcalloc(t->nrows, sizeof(*v->rcp));
	struct bd_error best = {0};
	size_t bestn = 0;
	for (size_t k = 0; k < nk; k++) {
		size_t r;
		struct bd_error e;
		for (r = 0; r < t->nrows; r++) {
			if (refdata_resolve(t->cell[r][0], kinds_try[k], &v->rcp[r], &e)) {
				bd_prefix(&e, "%s:%zu", t->origin, t->line[r]);
				break;
			}
		}
		if (r == t->nrows) {
			for (size_t i = 0; i < t->nrows; i++)
				for (size_t j = 0; j < i; j++)
					if (v->rcp[i] == v->rcp[j])
						return bd_fail(err, "%s:%zu: %s appears twice (first at line %zu)", t->origin,
							       t->line[i], v->rcp[i]->name, t->line[j]);
			return 0;
		}
		if (k == 0 || r > bestn) { /* on a tie, the first kind tried explains best */
			bestn = r;
			best = e;
		}
	}
	*err = best;
	return -1;
}

static int choose_amount_column(struct verify *v, struct bd_error *err)
{
	struct pubtable *t = &v->t;
	if (v->amount_column) {
		v->amount_col = find_column(t, v->amount_column, is_amount, err);
		return v->amount_col < 0 ? -1 : 0;
	}
	int found = -1, n = 0;
	for (size_t i = 1; i < t->ncols; i++)
		if (t->role[i] == PC_AMOUNT) {
			found = (int)i;
			n++;
		}
	if (n == 0)
		for (size_t i = 1; i < t->ncols; i++)
			if (t->role[i] == PC_TOTAL) {
				found = (int)i;
				n++;
			}
	if (n == 1) {
		v->amount_col = found;
		return 0;
	}
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 1; i < t->ncols; i++)
		if (t->role[i] == PC_AMOUNT || t->role[i] == PC_TOTAL)
			buf_addf(&b, "%s'%s'", b.len ? ", " : "", t->header[i]);
	if (n == 0)
		bd_fail(err, "%s: no amount column found (headers: %s); name it with --amount-column", t->origin,
			b.data ? b.data : "none");
	else
		bd_fail(err, "%s: several amount columns (%s): choose one with --amount-column", t->origin, b.data);
	buf_release(&b);
	return -1;
}

/* Key values per row, from datasets or the table's columns. */
static int load_keys(struct verify *v, struct bd_error *err)
{
	struct pubtable *t = &v->t;
	size_t nrows = t->nrows;
	if (v->equal || v->list)
		return 0;
	if (v->nkeys == 0) {
		int found = -1, n = 0;
		for (size_t i = 1; i < t->ncols; i++)
			if (t->role[i] == PC_KEY) {
				found = (int)i;
				n++;
			}
		if (n != 1) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t i = 1; i < t->ncols; i++)
				if (t->role[i] == PC_KEY)
					buf_addf(&b, "%s'%s'", b.len ? ", " : "", t->header[i]);
			if (n == 0)
				bd_fail(err, "%s: the table has no key column: give --key DATASET, --key-column C, "
					     "--equal or --list", t->origin);
			else
				bd_fail(err, "%s: the table has %d key columns (%s): choose with --key-column C "
					     "--weight W for each", t->origin, n, b.data);
			buf_release(&b);
			return -1;
		}
		v->key[0] = (struct vkey){.column = t->header[found], .weight = {1, 1}, .has_weight = true, .col = found};
		v->nkeys = 1;
	}
	int keycols[MAX_KEYS * 2], nkeycols = 0;
	for (size_t i = 1; i < t->ncols && nkeycols < MAX_KEYS * 2; i++)
		if (t->role[i] == PC_KEY)
			keycols[nkeycols++] = (int)i;
	size_t ndatasets = 0;
	for (size_t k = 0; k < v->nkeys; k++)
		ndatasets += v->key[k].dataset != NULL;
	size_t dsi = 0;
	for (size_t k = 0; k < v->nkeys; k++) {
		struct vkey *key = &v->key[k];
		key->values = xcalloc(nrows ? nrows : 1, sizeof(int64_t));
		if (key->column) {
			if (key->col < 0 && (key->col = find_column(t, key->column, is_key, err)) < 0)
				return -1;
			for (size_t r = 0; r < nrows; r++)
				if (parse_int_cell(t, r, (size_t)key->col, &key->values[r], err))
					return -1;
			continue;
		}
		if (datasets_load(err) || dataset_find(key->dataset, &key->ds, err))
			return -1;
		/* The k-th dataset is compared with the k-th key column, when the
		 * table prints as many key columns as datasets are given. */
		if ((size_t)nkeycols == ndatasets)
			key->col = keycols[dsi];
		dsi++;
		for (size_t r = 0; r < nrows; r++) {
			int64_t row = keyfile_row(&key->ds->kf, v->rcp[r]->code);
			if (row < 0)
				return bd_fail(err, "dataset '%s' has no value for %s (line %zu)", key->dataset,
					       v->rcp[r]->name, t->line[r]);
			key->values[r] = key->ds->kf.value[0][row];
		}
	}
	return 0;
}

static void check_keys_against_datasets(struct verify *v)
{
	struct pubtable *t = &v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	for (size_t k = 0; k < v->nkeys; k++) {
		struct vkey *key = &v->key[k];
		if (!key->ds)
			continue;
		/* Missing rows: recipients of the dataset absent from the table. */
		struct buf miss;
		buf_init(&miss, 1 << 16);
		size_t nmiss = 0;
		for (size_t r = 0; r < key->ds->kf.nrows; r++) {
			bool present = false;
			for (size_t i = 0; i < t->nrows && !present; i++)
				present = strcmp(v->rcp[i]->code, key->ds->kf.id[r]) == 0;
			if (!present) {
				buf_addf(&miss, "%s%s", nmiss ? ", " : "", key->ds->kf.label[r]);
				nmiss++;
			}
		}
		if (nmiss)
			add_check(v, "missing_rows", false, "%zu mottagare i %s saknas i tabellen: %s", nmiss, key->dataset,
				  miss.data);
		else
			add_check(v, "missing_rows", true, "tabellen har en rad för varje mottagare i %s", key->dataset);
		buf_release(&miss);
		if (key->col < 0)
			continue;
		size_t bad = 0;
		struct buf det;
		buf_init(&det, 1 << 16);
		for (size_t r = 0; r < t->nrows; r++) {
			int64_t printed;
			if (parse_int_cell(t, r, (size_t)key->col, &printed, NULL)) {
				buf_addf(&det, "%s rad %zu: '%s' är inget heltal", bad ? ";" : "", t->line[r], t->cell[r][key->col]);
				bad++;
				v->row_key_bad[r] = true;
			} else if (printed != key->values[r]) {
				buf_addf(&det, "%s rad %zu %s: tryckt %s, datasetet %s", bad ? ";" : "", t->line[r],
					 v->rcp[r]->name, fmt_kr(printed, a), fmt_kr(key->values[r], b));
				bad++;
				v->row_key_bad[r] = true;
			}
		}
		if (bad)
			add_check(v, "key_matches_dataset", false, "kolumnen '%s' avviker från %s på %zu rader:%s",
				  t->header[key->col], key->dataset, bad, det.data);
		else
			add_check(v, "key_matches_dataset", true, "kolumnen '%s' stämmer med %s på alla rader",
				  t->header[key->col], key->dataset);
		buf_release(&det);
	}
}

/* Printed key totals equal the sums of the key columns. */
static void check_key_totals(struct verify *v)
{
	struct pubtable *t = &v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	if (!t->has_total)
		return;
	for (size_t i = 1; i < t->ncols; i++) {
		if (t->role[i] != PC_KEY || t->total[i][0] == '\0')
			continue;
		i128 sum = 0;
		int64_t printed, x;
		bool readable = parse_int_cell(t, t->nrows, i, &printed, NULL) == 0;
		for (size_t r = 0; r < t->nrows && readable; r++)
			if (parse_int_cell(t, r, i, &x, NULL) == 0)
				sum += x;
			else
				readable = false;
		if (!readable)
			add_check(v, "key_total", false, "kolumnen '%s' innehåller tal som inte kan läsas", t->header[i]);
		else if (sum != printed)
			add_check(v, "key_total", false, "kolumnen '%s' summerar till %s, men summaraden säger %s",
				  t->header[i], fmt_i128_grouped(sum, a), fmt_kr(printed, b));
		else
			add_check(v, "key_total", true, "kolumnen '%s' summerar till den tryckta summan %s", t->header[i],
				  fmt_kr(printed, a));
	}
}

/* A printed share (0,2301038047 or 23,3%) agrees with the exact share when
 * it equals it rounded to the printed number of decimals. */
static int printed_share(const char *text, mpq_t p, int *decimals)
{
	struct rat r;
	char why[100];
	if (ratio_parse(text, &r, why, sizeof(why)))
		return -1;
	const char *dec = strpbrk(text, ",.");
	int d = 0;
	if (dec)
		for (const char *q = dec + 1; *q >= '0' && *q <= '9'; q++)
			d++;
	if (strchr(text, '%'))
		d += 2;
	*decimals = d;
	char nb[NUM_BUFSZ], db[NUM_BUFSZ];
	mpq_set_str(p, fmt_i128(r.num, nb), 10);
	mpz_set_str(mpq_denref(p), fmt_i128(r.den, db), 10);
	mpq_canonicalize(p);
	return 0;
}

static bool share_agrees(const mpq_t exact, const mpq_t printed, int decimals)
{
	/* |printed - exact| <= 1/2 * 10^-decimals */
	mpq_t d, tol;
	mpq_inits(d, tol, NULL);
	mpq_sub(d, printed, exact);
	mpq_abs(d, d);
	mpz_set_ui(mpq_numref(tol), 1);
	mpz_ui_pow_ui(mpq_denref(tol), 10, (unsigned long)decimals);
	mpz_mul_ui(mpq_denref(tol), mpq_denref(tol), 2);
	mpq_canonicalize(tol);
	bool ok = mpq_cmp(d, tol) <= 0;
	mpq_clears(d, tol, NULL);
	return ok;
}

static void check_shares(struct verify *v)
{
	struct pubtable *t = &v->t;
	for (size_t i = 1; i < t->ncols; i++) {
		if (t->role[i] != PC_SHARE)
			continue;
		/* The share of the nearest key column to the left, else the combined share. */
		int kc = -1;
		for (int j = (int)i - 1; j > 0 && kc < 0; j--)
			if (t->role[j] == PC_KEY)
				kc = j;
		int64_t *vals = NULL;
		for (size_t k = 0; k < v->nkeys && kc >= 0; k++)
			if (v->key[k].col == kc)
				vals = v->key[k].values;
		int64_t *own = NULL;
		if (kc >= 0 && !vals) {
			own = xcalloc(t->nrows, sizeof(int64_t));
			for (size_t r = 0; r < t->nrows; r++)
				if (parse_int_cell(t, r, (size_t)kc, &own[r], NULL))
					own[r] = 0;
			vals = own;
		}
		if (!vals && !v->has_quota) {
			free(own);
			continue;
		}
		mpz_t sum;
		mpz_init(sum);
		for (size_t r = 0; vals && r < t->nrows; r++)
			mpz_add_ui(sum, sum, (unsigned long)vals[r]);
		mpq_t exact, printed;
		mpq_inits(exact, printed, NULL);
		size_t bad = 0;
		struct buf det;
		buf_init(&det, 1 << 16);
		int maxdec = 0;
		for (size_t r = 0; r < t->nrows; r++) {
			int d;
			if (vals) {
				if (mpz_sgn(sum) == 0)
					break;
				mpq_set_ui(exact, (unsigned long)vals[r], 1);
				mpz_set(mpq_denref(exact), sum);
				mpq_canonicalize(exact);
			} else {
				apportion_share(&v->w, r, exact);
			}
			if (printed_share(t->cell[r][i], printed, &d)) {
				buf_addf(&det, "; rad %zu: '%s' är ingen andel", t->line[r], t->cell[r][i]);
				bad++;
				v->row_share_bad[r] = true;
				continue;
			}
			if (d > maxdec)
				maxdec = d;
			if (!share_agrees(exact, printed, d)) {
				char *e = fmt_mpq_decimal(exact, d + 2, false);
				buf_addf(&det, "; rad %zu %s: tryckt %s, exakt %s", t->line[r], v->rcp[r]->name, t->cell[r][i], e);
				free(e);
				bad++;
				v->row_share_bad[r] = true;
			}
		}
		if (t->has_total && t->total[i][0]) {
			int d;
			mpq_set_ui(exact, 1, 1);
			if (printed_share(t->total[i], printed, &d) || !share_agrees(exact, printed, d)) {
				buf_addf(&det, "; summaraden: '%s', väntat 1 (100 %%)", t->total[i]);
				bad++;
			}
		}
		if (bad)
			add_check(v, "shares", false, "kolumnen '%s' stämmer inte med nyckeln på %zu rader%s", t->header[i],
				  bad, det.data);
		else
			add_check(v, "shares", true, "kolumnen '%s' stämmer med nyckeln (avrundad till %d decimaler)",
				  t->header[i], maxdec);
		buf_release(&det);
		mpq_clears(exact, printed, NULL);
		mpz_clear(sum);
		free(own);
	}
}

/* Row totals: the Totalt column equals the sum of the amount columns. */
static void check_row_totals(struct verify *v)
{
	struct pubtable *t = &v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	for (size_t i = 1; i < t->ncols; i++) {
		if (t->role[i] != PC_TOTAL)
			continue;
		size_t bad = 0, parts = 0;
		struct buf det;
		buf_init(&det, 1 << 16);
		for (size_t j = 1; j < t->ncols; j++)
			parts += t->role[j] == PC_AMOUNT;
		if (parts == 0)
			continue;
		for (size_t r = 0; r <= t->nrows; r++) {
			if (r == t->nrows && !t->has_total)
				break;
			int64_t tot, x;
			i128 sum = 0;
			bool readable = parse_int_cell(t, r, i, &tot, NULL) == 0;
			for (size_t j = 1; j < t->ncols && readable; j++)
				if (t->role[j] == PC_AMOUNT) {
					if (parse_int_cell(t, r, j, &x, NULL))
						readable = false;
					else
						sum += x;
				}
			if (!readable || sum != tot) {
				bad++;
				if (readable)
					buf_addf(&det, "; %s: %s, men delarna summerar till %s",
						 r < t->nrows ? v->rcp[r]->name : "summaraden", fmt_kr(tot, a),
						 fmt_i128_grouped(sum, b));
				else
					buf_addf(&det, "; rad %zu kan inte läsas", r < t->nrows ? t->line[r] : t->total_line);
			}
		}
		if (bad)
			add_check(v, "row_totals", false, "kolumnen '%s' är inte summan av beloppskolumnerna på %zu rader%s",
				  t->header[i], bad, det.data);
		else
			add_check(v, "row_totals", true, "kolumnen '%s' är summan av beloppskolumnerna på varje rad",
				  t->header[i]);
		buf_release(&det);
	}
}

static int run_checks(struct verify *v, struct bd_error *err)
{
	struct pubtable *t = &v->t;
	size_t n = t->nrows;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ];
	v->amount = xcalloc(n, sizeof(int64_t));
	v->row_quota_bad = xcalloc(n, sizeof(bool));
	v->row_share_bad = xcalloc(n, sizeof(bool));
	v->row_key_bad = xcalloc(n, sizeof(bool));
	i128 sum = 0;
	for (size_t r = 0; r < n; r++) {
		if (parse_int_cell(t, r, (size_t)v->amount_col, &v->amount[r], err))
			return -1;
		sum += v->amount[r];
	}
	int64_t printed_total = 0;
	bool has_printed = t->has_total && t->total[v->amount_col][0] != '\0';
	if (has_printed && parse_int_cell(t, n, (size_t)v->amount_col, &printed_total, err))
		return -1;
	if (!v->has_total) {
		if (!has_printed)
			return bd_fail(err, "%s: no stated total: give --total AMOUNT (the table has no total row)", t->origin);
		v->total = printed_total;
	}
	/* The sum of the rows against the stated total and the printed total. */
	if (sum == v->total)
		add_check(v, "sum", true, "raderna summerar till totalen %s kr", fmt_kr(v->total, a));
	else
		add_check(v, "sum", false, "raderna summerar till %s kr, men totalen är %s kr (differens %s%s kr)",
			  fmt_i128_grouped(sum, a), fmt_kr(v->total, b), sum > v->total ? "+" : "",
			  fmt_i128_grouped(sum - v->total, c));
	if (has_printed && v->has_total) {
		if (printed_total == v->total)
			add_check(v, "printed_total", true, "summaraden anger %s kr, som totalen", fmt_kr(printed_total, a));
		else
			add_check(v, "printed_total", false, "summaraden anger %s kr, men totalen är %s kr",
				  fmt_kr(printed_total, a), fmt_kr(v->total, b));
	}
	if (load_keys(v, err))
		return -1;
	check_keys_against_datasets(v);
	check_key_totals(v);
	check_row_totals(v);
	if (!v->list) {
		struct apportion_key keys[MAX_KEYS];
		size_t nkeys = v->equal ? 0 : v->nkeys; /* none: equal shares */
		for (size_t k = 0; k < nkeys; k++)
			keys[k] = (struct apportion_key){v->key[k].values, v->key[k].weight,
							 v->key[k].dataset ? v->key[k].dataset : v->key[k].column};
		const char **ids = xcalloc(n, sizeof(char *));
		for (size_t r = 0; r < n; r++)
			ids[r] = v->rcp[r]->code;
		v->lr = xcalloc(n, sizeof(int64_t));
		v->hu = xcalloc(n, sizeof(int64_t));
		int64_t res;
		/* The rule's amounts by largest remainder, then by half-up on the
		 * same weights (what a table rounded on its own would show). */
		struct allocation_rule rule = {nkeys, keys, v->total, v->base, v->unit, APPORTION_LARGEST_REMAINDER};
		int rc = allocation_run(&rule, n, ids, &v->w, v->lr, &res, err) == ALLOCATION_OK ? 0 : -1;
		struct apportion_spec spec = {&v->w, ids, v->total, v->base, v->unit, APPORTION_HALF_UP};
		if (!rc)
			rc = apportion(&spec, v->hu, &res, err);
		free(ids);
		if (rc)
			return -1;
		v->has_quota = true;
		/* The quota rule, row by row. */
		mpq_t q, d;
		mpq_inits(q, d, NULL);
		size_t bad = 0;
		struct buf det;
		buf_init(&det, 1 << 16);
		spec.method = APPORTION_LARGEST_REMAINDER;
		for (size_t r = 0; r < n; r++) {
			apportion_quota(&spec, r, q);
			mpq_set_si(d, v->amount[r], 1);
			mpq_sub(d, d, q);
			mpq_abs(d, d);
			/* within one unit of the quota, and on the unit grid */
			mpq_t u;
			mpq_init(u);
			mpq_set_si(u, v->unit, 1);
			bool ok = mpq_cmp(d, u) < 0 && (v->amount[r] - v->base) % v->unit == 0;
			mpq_clear(u);
			if (!ok) {
				char *qs = fmt_mpq_decimal(q, 2, true);
				buf_addf(&det, "; %s (rad %zu): %s kr, kvoten är %s", v->rcp[r]->name, t->line[r],
					 fmt_kr(v->amount[r], a), qs);
				free(qs);
				v->row_quota_bad[r] = true;
				bad++;
			}
		}
		if (bad)
			add_check(v, "quota_rule", false, "%zu av %zu belopp ligger utanför kvotregeln (mer än %s kr från "
				  "exakt kvot)%s", bad, n, fmt_kr(v->unit, a), det.data);
		else
			add_check(v, "quota_rule", true, "alla %zu belopp ligger inom kvotregeln (mindre än %s kr från "
				  "exakt kvot)", n, fmt_kr(v->unit, a));
		buf_release(&det);
		mpq_clears(q, d, NULL);
	}
	check_shares(v);
	return 0;
}

static bool consistent(const struct verify *v)
{
	for (size_t i = 0; i < v->nchecks; i++)
		if (!v->checks[i].ok)
			return false;
	return true;
}

static char *rule_text(const struct verify *v)
{
	struct buf b;
	buf_init(&b, 1 << 14);
	char t[NUM_BUFSZ], r[NUM_BUFSZ];
	buf_addf(&b, "%s kr ", fmt_kr(v->total, t));
	if (v->list)
		buf_adds(&b, "enligt angivna belopp (endast summor kontrolleras)");
	else if (v->equal)
		buf_addf(&b, "i lika delar mellan %zu mottagare", v->t.nrows);
	else {
		if (v->base)
			buf_addf(&b, "med %s kr per mottagare och resten efter ", fmt_kr(v->base, t));
		else
			buf_adds(&b, "efter ");
		for (size_t k = 0; k < v->nkeys; k++) {
			const struct vkey *key = &v->key[k];
			if (k)
				buf_adds(&b, " + ");
			if (v->nkeys > 1)
				buf_addf(&b, "%s/%s av ", fmt_i128(key->weight.num, t), fmt_i128(key->weight.den, r));
			if (key->dataset)
				buf_addf(&b, "andel av %s", key->dataset);
			else
				buf_addf(&b, "andel av kolumnen '%s'", key->column);
		}
	}
	return b.data;
}

static void print_text(struct verify *v)
{
	struct pubtable *t = &v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	char *rule = rule_text(v);
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
	struct apportion_spec spec = {&v->w, NULL, v->total, v->base, v->unit, APPORTION_LARGEST_REMAINDER};
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = 0;
		for (const char *p = v->rcp[r]->name; *p; p++)
			w += ((unsigned char)*p & 0xC0) != 0x80;
		printf("%5zu  %s%*s  ", t->line[r], v->rcp[r]->name, (int)(namew - w), "");
		if (v->has_quota) {
			apportion_quota(&spec, r, q);
			mpq_set_si(dev, v->amount[r], 1);
			mpq_sub(dev, dev, q);
			char *qs = fmt_mpq_decimal(q, 2, true), *ds = fmt_mpq_decimal(dev, 2, false);
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

static void print_json(struct verify *v)
{
	struct pubtable *t = &v->t;
	json_t *o = json_object(), *rows = json_array(), *checks = json_array();
	char *rule = rule_text(v);
	json_object_set_new(o, "file", json_string(t->origin));
	json_object_set_new(o, "consistent", json_boolean(consistent(v)));
	json_object_set_new(o, "amount_column", json_string(t->header[v->amount_col]));
	json_object_set_new(o, "rule", json_string(rule));
	free(rule);
	json_object_set_new(o, "total", json_integer(v->total));
	i128 sum = 0;
	mpq_t q, dev;
	mpq_inits(q, dev, NULL);
	struct apportion_spec spec = {&v->w, NULL, v->total, v->base, v->unit, APPORTION_LARGEST_REMAINDER};
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
	apportion_weights_init(&v->w);
	int rc = EXIT_USAGE;
	if (parse_args(v, argc, argv))
		goto cleanup;
	if (refdata_load(&err) || pubtable_read(&v->t, v->file, &err) || resolve_rows(v, &err) ||
	    choose_amount_column(v, &err) || run_checks(v, &err)) {
		error("%s", err.msg);
		goto cleanup;
	}
	if (strcmp(v->format, "json") == 0)
		print_json(v);
	else
		print_text(v);
	rc = consistent(v) ? EXIT_OK : EXIT_PROBLEM;
cleanup:
	for (size_t i = 0; i < v->nchecks; i++)
		free(v->checks[i].message);
	for (size_t k = 0; k < v->nkeys; k++)
		free(v->key[k].values);
	apportion_weights_release(&v->w);
	free(v->lr);
	free(v->hu);
	free(v->amount);
	free(v->rcp);
	free(v->row_quota_bad);
	free(v->row_share_bad);
	free(v->row_key_bad);
	pubtable_release(&v->t);
	free(v);
	return rc;
}
