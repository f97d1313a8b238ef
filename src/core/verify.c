/* verify.c: the checks of a published allocation table (verify.h), moved
 * here from bidrag verify so that every face runs the same checks. */
#include <gmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "verify.h"

static void add_check(struct table_verify *v, const char *id, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_check(struct table_verify *v, const char *id, bool ok, const char *fmt, ...)
{
	if (v->nchecks == BD_ARRAY_LEN(v->checks))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = xstrdup(id);
	va_end(ap);
	v->checks[v->nchecks++] = (struct verify_check){id, ok, m};
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

static int resolve_rows(struct table_verify *v, struct bd_error *err)
{
	const struct pubtable *t = v->t;
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

static int choose_amount_column(struct table_verify *v, struct bd_error *err)
{
	const struct pubtable *t = v->t;
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
static int load_keys(struct table_verify *v, verify_dataset_fn lookup, void *ctx, struct bd_error *err)
{
	const struct pubtable *t = v->t;
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
		v->key[0] = (struct verify_key){.column = t->header[found], .weight = {1, 1}, .col = found};
		v->nkeys = 1;
	}
	int keycols[VERIFY_MAX_KEYS * 2], nkeycols = 0;
	for (size_t i = 1; i < t->ncols && nkeycols < VERIFY_MAX_KEYS * 2; i++)
		if (t->role[i] == PC_KEY)
			keycols[nkeycols++] = (int)i;
	size_t ndatasets = 0;
	for (size_t k = 0; k < v->nkeys; k++)
		ndatasets += v->key[k].dataset != NULL;
	size_t dsi = 0;
	for (size_t k = 0; k < v->nkeys; k++) {
		struct verify_key *key = &v->key[k];
		key->values = xcalloc(nrows ? nrows : 1, sizeof(int64_t));
		if (key->column) {
			if (key->col < 0 && (key->col = find_column(t, key->column, is_key, err)) < 0)
				return -1;
			for (size_t r = 0; r < nrows; r++)
				if (parse_int_cell(t, r, (size_t)key->col, &key->values[r], err))
					return -1;
			continue;
		}
		if (lookup(ctx, key->dataset, &key->ds, err))
			return -1;
		key->has_ds = true;
		/* The k-th dataset is compared with the k-th key column, when the
		 * table prints as many key columns as datasets are given. */
		if ((size_t)nkeycols == ndatasets)
			key->col = keycols[dsi];
		dsi++;
		for (size_t r = 0; r < nrows; r++) {
			int64_t row = strmap_get(key->ds.index, v->rcp[r]->code);
			if (row < 0)
				return bd_fail(err, "dataset '%s' has no value for %s (line %zu)", key->dataset,
					       v->rcp[r]->name, t->line[r]);
			key->values[r] = key->ds.value[row];
		}
	}
	return 0;
}

static void check_keys_against_datasets(struct table_verify *v)
{
	const struct pubtable *t = v->t;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	for (size_t k = 0; k < v->nkeys; k++) {
		struct verify_key *key = &v->key[k];
		if (!key->has_ds)
			continue;
		/* Missing rows: recipients of the dataset absent from the table. */
		struct buf miss;
		buf_init(&miss, 1 << 16);
		size_t nmiss = 0;
		for (size_t r = 0; r < key->ds.n; r++) {
			bool present = false;
			for (size_t i = 0; i < t->nrows && !present; i++)
				present = strcmp(v->rcp[i]->code, key->ds.id[r]) == 0;
			if (!present) {
				buf_addf(&miss, "%s%s", nmiss ? ", " : "", key->ds.label[r]);
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
static void check_key_totals(struct table_verify *v)
{
	const struct pubtable *t = v->t;
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

static void check_shares(struct table_verify *v)
{
	const struct pubtable *t = v->t;
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
static void check_row_totals(struct table_verify *v)
{
	const struct pubtable *t = v->t;
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

static int run_checks(struct table_verify *v, verify_dataset_fn lookup, void *ctx, struct bd_error *err)
{
	const struct pubtable *t = v->t;
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
	if (load_keys(v, lookup, ctx, err))
		return -1;
	check_keys_against_datasets(v);
	check_key_totals(v);
	check_row_totals(v);
	if (!v->list) {
		struct apportion_key keys[VERIFY_MAX_KEYS];
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
		if (!rc) {
			/* The table under each rounding rule, for the summary. */
			int64_t *hua = xcalloc(n, sizeof(int64_t));
			round_compare(&v->round[ROUND_LARGEST_REMAINDER], n, v->amount, v->lr);
			round_compare(&v->round[ROUND_HALF_UP], n, v->amount, v->hu);
			if (round_amounts(&spec, ROUND_HALF_UP_ADJUSTED, hua, NULL) == 0)
				round_compare(&v->round[ROUND_HALF_UP_ADJUSTED], n, v->amount, hua);
			free(hua);
		}
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

bool table_verify_consistent(const struct table_verify *v)
{
	for (size_t i = 0; i < v->nchecks; i++)
		if (!v->checks[i].ok)
			return false;
	return true;
}

char *table_verify_rule_text(const struct table_verify *v)
{
	struct buf b;
	buf_init(&b, 1 << 14);
	char t[NUM_BUFSZ], r[NUM_BUFSZ];
	buf_addf(&b, "%s kr ", fmt_kr(v->total, t));
	if (v->list)
		buf_adds(&b, "enligt angivna belopp (endast summor kontrolleras)");
	else if (v->equal)
		buf_addf(&b, "i lika delar mellan %zu mottagare", v->t->nrows);
	else {
		if (v->base)
			buf_addf(&b, "med %s kr per mottagare och resten efter ", fmt_kr(v->base, t));
		else
			buf_adds(&b, "efter ");
		for (size_t k = 0; k < v->nkeys; k++) {
			const struct verify_key *key = &v->key[k];
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


void table_verify_init(struct table_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->unit = 1;
	apportion_weights_init(&v->w);
}

void table_verify_release(struct table_verify *v)
{
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
	for (int r = 0; r < ROUND_NRULES; r++)
		round_outcome_release(&v->round[r]);
	memset(v, 0, sizeof(*v));
}

int table_verify_run(struct table_verify *v, const struct pubtable *t, verify_dataset_fn lookup, void *ctx,
		     struct bd_error *err)
{
	v->t = t;
	if (resolve_rows(v, err) || choose_amount_column(v, err) || run_checks(v, lookup, ctx, err))
		return -1;
	return 0;
}

struct apportion_spec table_verify_spec(const struct table_verify *v)
{
	return (struct apportion_spec){&v->w, NULL, v->total, v->base, v->unit, APPORTION_LARGEST_REMAINDER};
}

/* ---- rounding rules in the summary ---------------------------------------- */

static const char **row_names(const struct table_verify *v)
{
	size_t n = v->t->nrows;
	const char **name = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t r = 0; r < n; r++)
		name[r] = v->rcp[r]->name;
	return name;
}

/* At most this many rows are named in a summary line; the rest are counted. */
#define SUMMARY_ROWS 30

char *table_verify_rounding_line(const struct table_verify *v, enum round_rule r)
{
	if (!v->has_quota)
		return NULL;
	if (!v->round[r].diff)
		return xasprintf("%s: kan inte beräknas", round_rule_name(r));
	const char **name = row_names(v);
	char *text = round_outcome_text(&v->round[r], name, SUMMARY_ROWS);
	char *line = xasprintf("%s: %s", round_rule_name(r), text);
	free(text);
	free(name);
	return line;
}

/* ---- the key of a published table ----------------------------------------- */

void table_findkey_init(struct table_findkey *f)
{
	memset(f, 0, sizeof(*f));
	f->unit = 1;
	table_verify_init(&f->v);
	fk_result_init(&f->res);
}

void table_findkey_release(struct table_findkey *f)
{
	for (size_t k = 0; k < f->nkeys; k++) {
		free((char *)f->keys[k].name);
		free((int64_t *)f->keys[k].value);
	}
	free(f->keys);
	free(f->key_is_column);
	for (size_t i = 0; i < f->nnote; i++)
		free(f->note[i]);
	free(f->note);
	fk_result_release(&f->res);
	table_verify_release(&f->v);
	memset(f, 0, sizeof(*f));
}

static void fk_note(struct table_findkey *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fk_note(struct table_findkey *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = xstrdup(fmt);
	va_end(ap);
	f->note = xreallocarray(f->note, f->nnote + 1, sizeof(char *));
	f->note[f->nnote++] = m;
}

static void fk_add_key(struct table_findkey *f, char *name, int64_t *values, bool column)
{
	f->keys = xreallocarray(f->keys, f->nkeys + 1, sizeof(*f->keys));
	f->key_is_column = xreallocarray(f->key_is_column, f->nkeys + 1, sizeof(bool));
	f->keys[f->nkeys] = (struct fk_key){name, values};
	f->key_is_column[f->nkeys++] = column;
}

/* A dataset's values for the table's rows, or a note saying why not. */
static void fk_add_dataset(struct table_findkey *f, const struct verify_known_dataset *d)
{
	const struct table_verify *v = &f->v;
	size_t n = v->t->nrows, nmiss = 0;
	int64_t *values = xcalloc(n, sizeof(int64_t));
	struct buf miss;
	buf_init(&miss, 1 << 12);
	for (size_t r = 0; r < n; r++) {
		int64_t row = strmap_get(d->ds.index, v->rcp[r]->code);
		if (row < 0) {
			if (nmiss < 3)
				buf_addf(&miss, "%s%s", nmiss ? ", " : "", v->rcp[r]->name);
			nmiss++;
		} else {
			values[r] = d->ds.value[row];
		}
	}
	if (nmiss) {
		fk_note(f, "%s (%s) prövas inte: värde saknas för %zu av tabellens %zu mottagare (%s%s)", d->name,
			d->domain && *d->domain ? d->domain : "okänd domän", nmiss, n, miss.data,
			nmiss > 3 ? ", …" : "");
		buf_release(&miss);
		free(values);
		return;
	}
	buf_release(&miss);
	if (d->ds.n > n)
		fk_note(f, "%s: tabellen har %zu av datasetets %zu mottagare; nyckeln prövas över tabellens mottagare",
			d->name, n, d->ds.n);
	fk_add_key(f, xstrdup(d->name), values, false);
	f->ndatasets++;
}

/* The table's own key columns, unless a key already tried has their shares. */
static void fk_add_columns(struct table_findkey *f)
{
	const struct pubtable *t = f->v.t;
	size_t n = t->nrows;
	for (size_t c = 1; c < t->ncols; c++) {
		if (t->role[c] != PC_KEY)
			continue;
		int64_t *values = xcalloc(n, sizeof(int64_t));
		struct bd_error e;
		bool readable = true;
		for (size_t r = 0; r < n && readable; r++)
			if (parse_int_cell(t, r, c, &values[r], &e) || values[r] < 0) {
				fk_note(f, "kolumnen '%s' prövas inte: rad %zu, '%s' är inget heltal >= 0", t->header[c],
					t->line[r], t->cell[r][c]);
				readable = false;
			}
		size_t same = SIZE_MAX;
		for (size_t k = 0; k < f->nkeys && readable && same == SIZE_MAX; k++)
			if (fk_proportional(n, values, f->keys[k].value))
				same = k;
		if (readable && same != SIZE_MAX)
			fk_note(f, "kolumnen '%s' har samma andelar som %s och prövas inte för sig", t->header[c],
				f->keys[same].name);
		if (!readable || same != SIZE_MAX) {
			free(values);
			continue;
		}
		fk_add_key(f, xasprintf("kolumnen '%s'", t->header[c]), values, true);
		f->ncolumns++;
	}
}

int table_find_key(struct table_findkey *f, const struct pubtable *t, const struct verify_known_dataset *ds,
		   size_t nds, struct bd_error *err)
{
	struct table_verify *v = &f->v;
	v->t = t;
	v->amount_column = f->amount_column;
	v->recipients = f->recipients;
	v->unit = f->unit;
	if (resolve_rows(v, err) || choose_amount_column(v, err))
		return -1;
	size_t n = t->nrows;
	v->amount = xcalloc(n, sizeof(int64_t));
	f->sum = 0;
	for (size_t r = 0; r < n; r++) {
		if (parse_int_cell(t, r, (size_t)v->amount_col, &v->amount[r], err))
			return -1;
		if (v->amount[r] < 0)
			return bd_fail(err, "%s:%zu: a negative amount '%s' in column '%s'", t->origin, t->line[r],
				       t->cell[r][v->amount_col], t->header[v->amount_col]);
		f->sum += v->amount[r];
	}
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	if (f->has_total) {
		f->total_from = FINDKEY_TOTAL_STATED;
	} else if (t->has_total && t->total[v->amount_col][0] != '\0') {
		if (parse_int_cell(t, n, (size_t)v->amount_col, &f->total, err))
			return -1;
		f->total_from = FINDKEY_TOTAL_PRINTED;
	} else {
		if (f->sum > INT64_MAX)
			return bd_fail(err, "%s: the amounts sum past the largest total (%s)", t->origin,
				       fmt_i128_grouped(f->sum, a));
		f->total = (int64_t)f->sum;
		f->total_from = FINDKEY_TOTAL_SUM;
		fk_note(f, "tabellen har ingen summarad: radernas summa %s kr används som total (ange --total om "
			   "beslutet anger en annan)", fmt_kr(f->total, a));
	}
	if (f->total_from != FINDKEY_TOTAL_SUM && f->sum != f->total)
		fk_note(f, "raderna summerar till %s kr, men totalen är %s kr: bara halvt uppåt kan ge en sådan tabell",
			fmt_i128_grouped(f->sum, a), fmt_kr(f->total, b));
	v->total = f->total;
	v->has_total = true;
	for (size_t i = 0; i < nds; i++)
		fk_add_dataset(f, &ds[i]);
	fk_add_columns(f);
	const char **ids = xcalloc(n, sizeof(char *));
	for (size_t r = 0; r < n; r++)
		ids[r] = v->rcp[r]->code;
	struct fk_input in = {n, ids, v->amount, f->total, f->unit, f->nkeys, f->keys};
	int rc = fk_search(&in, &f->res, err);
	free(ids);
	if (rc) {
		bd_prefix(err, "%s", t->origin);
		return -1;
	}
	for (size_t i = 0; i < f->res.nnote; i++)
		fk_note(f, "%s", f->res.note[i]);
	return 0;
}

bool table_findkey_found(const struct table_findkey *f)
{
	return f->res.nmatch > 0;
}

const struct fk_candidate *table_findkey_reference(const struct table_findkey *f, enum round_rule r)
{
	for (size_t i = 0; i < f->res.nmatch; i++)
		if (fk_candidate_exact(&f->res.match[i], r))
			return &f->res.match[i];
	if (f->res.nmatch && f->res.match[0].out[r].diff)
		return &f->res.match[0];
	if (f->res.closest[r].evaluated && f->res.closest[r].out[r].diff)
		return &f->res.closest[r];
	return NULL;
}

char *table_findkey_rule_line(const struct table_findkey *f, enum round_rule r)
{
	const struct fk_candidate *c = table_findkey_reference(f, r);
	if (!c)
		return xasprintf("%s: ingen kandidat kunde beräknas", round_rule_name(r));
	struct buf b;
	buf_init(&b, 1 << 20);
	char *what = fk_candidate_text(c, f->keys);
	if (fk_candidate_exact(c, r)) {
		buf_addf(&b, "%s: %s ger alla %zu rader exakt", round_rule_name(r), what, c->out[r].n);
		size_t also = 0;
		for (size_t i = 0; i < f->res.nmatch; i++) {
			const struct fk_candidate *m = &f->res.match[i];
			if (m == c || !fk_candidate_exact(m, r))
				continue;
			char *other = fk_candidate_text(m, f->keys);
			buf_addf(&b, "%s%s", also++ ? ", " : "; även ", other);
			free(other);
		}
	} else {
		const char **name = row_names(&f->v);
		char *text = round_outcome_text(&c->out[r], name, SUMMARY_ROWS);
		buf_addf(&b, "%s: ingen prövad nyckel ger tabellen exakt; %s %s: %s", round_rule_name(r),
			 f->res.nmatch ? "med" : "närmast", what, text);
		free(text);
		free(name);
	}
	free(what);
	return b.data;
}

char *table_findkey_quota_line(const struct table_findkey *f)
{
	const struct fk_candidate *c = fk_best(&f->res);
	if (!c)
		return NULL;
	char *what = fk_candidate_text(c, f->keys), u[NUM_BUFSZ];
	size_t n = f->v.t->nrows;
	char *line;
	if (c->quota_outside == 0)
		line = xasprintf("kvotregeln: med %s ligger alla %zu rader mindre än %s kr från sin exakta kvot", what, n,
				 fmt_kr(f->unit, u));
	else
		line = xasprintf("kvotregeln: med %s ligger %zu av %zu rader %s kr eller mer från sin exakta kvot", what,
				 c->quota_outside, n, fmt_kr(f->unit, u));
	free(what);
	return line;
}
