#include "annex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct annex_view {
	const struct decision *d;
	const struct annex *x;
	size_t nrows;
	const char **code, **label;
	/* per column: the part (amount), the key (key, share) */
	const struct part **part;
	const struct key_values **key;
	i128 *keysum;
	struct tcol *cols;
	struct tcell *total;
	char **total_text;
	char **notes;
	struct table t;
};

static int64_t amount_of(const struct part *p, const char *code, bool *found)
{
	for (size_t i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].recipient, code) == 0) {
			*found = true;
			return p->rows[i].amount;
		}
	*found = false;
	return 0;
}

static i128 pow10i(int n)
{
	i128 v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

static void cell(void *ctx, size_t row, size_t col, struct tcell *out, char *scratch)
{
	struct annex_view *v = ctx;
	const struct annex_col *c = &v->x->cols[col];
	const char *code = v->code[row];
	int64_t val;
	bool found;
	*out = (struct tcell){.empty = true};
	switch (c->type) {
	case ACOL_RECIPIENT:
		out->text = v->label[row];
		out->empty = false;
		break;
	case ACOL_KEY:
		if (key_value_of(v->key[col], code, &val)) {
			if (v->key[col]->scale) {
				out->text = fmt_rat_decimal(val, pow10i(v->key[col]->scale), v->key[col]->scale, true,
							    scratch);
			} else {
				out->num = val;
			}
			out->empty = false;
		}
		break;
	case ACOL_SHARE:
		if (key_value_of(v->key[col], code, &val) && v->keysum[col] > 0) {
			if (c->percent) {
				fmt_rat_decimal((i128)val * 100, v->keysum[col], c->decimals, false, scratch);
				size_t len = strlen(scratch);
				scratch[len] = '%';
				scratch[len + 1] = '\0';
			} else {
				fmt_rat_decimal(val, v->keysum[col], c->decimals, false, scratch);
			}
			out->text = scratch;
			out->empty = false;
		}
		break;
	case ACOL_AMOUNT:
		out->num = amount_of(v->part[col], code, &found);
		out->empty = !found;
		break;
	case ACOL_SUM: {
		i128 sum = 0;
		bool any = false;
		for (size_t k = 0; k < v->x->ncols; k++)
			if (v->x->cols[k].type == ACOL_AMOUNT) {
				sum += amount_of(v->part[k], code, &found);
				any |= found;
			}
		out->num = sum;
		out->empty = !any;
		break;
	}
	}
}

static void add_row(struct annex_view *v, const char *code, const char *label)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (strcmp(v->code[i], code) == 0)
			return;
	v->code = xreallocarray(v->code, v->nrows + 1, sizeof(char *));
	v->label = xreallocarray(v->label, v->nrows + 1, sizeof(char *));
	v->code[v->nrows] = code;
	v->label[v->nrows] = label;
	v->nrows++;
}

struct annex_view *annex_view_new(const struct decision *d, const struct annex *x, key_lookup_fn lookup, void *ctx,
				  struct bd_error *err)
{
	struct annex_view *v = xcalloc(1, sizeof(*v));
	v->d = d;
	v->x = x;
	size_t n = x->ncols;
	v->part = xcalloc(n, sizeof(*v->part));
	v->key = xcalloc(n, sizeof(*v->key));
	v->keysum = xcalloc(n, sizeof(*v->keysum));
	v->cols = xcalloc(n, sizeof(*v->cols));
	v->total = xcalloc(n, sizeof(*v->total));
	v->total_text = xcalloc(n, sizeof(char *));
	for (size_t c = 0; c < n; c++) {
		const struct annex_col *col = &x->cols[c];
		if (col->type == ACOL_AMOUNT) {
			for (size_t k = 0; k < d->nparts && !v->part[c]; k++)
				if (strcmp(d->parts[k].id, col->part) == 0)
					v->part[c] = &d->parts[k];
			if (!v->part[c]) {
				bd_fail(err, "annex %s: no part '%s'", x->id, col->part);
				annex_view_free(v);
				return NULL;
			}
			for (size_t r = 0; r < v->part[c]->nrows; r++)
				add_row(v, v->part[c]->rows[r].recipient, v->part[c]->rows[r].label);
		}
		if (col->key && !(v->key[c] = lookup(ctx, col->key, err))) {
			bd_prefix(err, "annex %s", x->id);
			annex_view_free(v);
			return NULL;
		}
	}
	/* Shares are of the table's total of the key (the seeds print the
	 * share of the nation's population, which is the table's sum). */
	for (size_t c = 0; c < n; c++) {
		const struct annex_col *col = &x->cols[c];
		v->cols[c].header = col->heading;
		v->cols[c].share_of = -1;
		switch (col->type) {
		case ACOL_RECIPIENT:
			v->cols[c].key = "recipient";
			v->cols[c].type = COL_TEXT;
			break;
		case ACOL_KEY:
			v->cols[c].key = col->key;
			v->cols[c].type = v->key[c]->scale ? COL_DECIMAL : COL_INT;
			v->cols[c].total = !v->key[c]->scale;
			break;
		case ACOL_SHARE:
			v->cols[c].key = "share";
			v->cols[c].type = COL_DECIMAL;
			break;
		case ACOL_AMOUNT:
			v->cols[c].key = col->part;
			v->cols[c].type = COL_INT;
			v->cols[c].total = true;
			break;
		case ACOL_SUM:
			v->cols[c].key = "total";
			v->cols[c].type = COL_INT;
			v->cols[c].total = true;
			break;
		}
		v->total[c].empty = true;
		if (col->key) {
			for (size_t r = 0; r < v->nrows; r++) {
				int64_t val;
				if (key_value_of(v->key[c], v->code[r], &val))
					v->keysum[c] += val;
			}
		}
		if (col->type == ACOL_SHARE) {
			char buf[NUM_BUFSZ];
			if (col->percent) {
				fmt_rat_decimal(100, 1, col->total_decimals, false, buf);
				v->total_text[c] = xasprintf("%s%%", buf);
			} else {
				v->total_text[c] = xstrdup(fmt_rat_decimal(1, 1, col->total_decimals, false, buf));
			}
			v->total[c] = (struct tcell){.text = v->total_text[c]};
		}
		/* In xlsx a fraction share is a formula over its key column. */
		if (col->type == ACOL_SHARE && !col->percent)
			for (size_t k = 0; k < n; k++)
				if (x->cols[k].type == ACOL_KEY && strcmp(x->cols[k].key, col->key) == 0)
					v->cols[c].share_of = (int)k;
	}
	/* Notes: the annex's own, then what the register found (rows that do
	 * not add up to their part's amount). */
	size_t nn = 0;
	v->notes = xcalloc(x->nnotes + n + 1, sizeof(char *));
	for (size_t i = 0; i < x->nnotes; i++)
		v->notes[nn++] = xstrdup(x->notes[i]);
	for (size_t c = 0; c < n; c++) {
		if (x->cols[c].type != ACOL_AMOUNT)
			continue;
		int64_t sum = part_allocated(v->part[c]);
		if (sum != v->part[c]->amount) {
			char a[NUM_BUFSZ], b[NUM_BUFSZ];
			v->notes[nn++] = xasprintf("Anm.: kolumnen %s summerar till %s kronor; beslutets belopp är %s kronor.",
						   x->cols[c].heading, fmt_kr(sum, a), fmt_kr(v->part[c]->amount, b));
		}
	}
	v->t = (struct table){
		.title = x->caption,
		.notes = nn ? (const char *const *)v->notes : NULL,
		.ncols = n,
		.cols = v->cols,
		.nrows = v->nrows,
		.cell = cell,
		.ctx = v,
		.total_label = x->total_label ? x->total_label : "Summa",
		.total_label_col = 0,
		.total_override = v->total,
	};
	return v;
}

const struct table *annex_view_table(struct annex_view *v)
{
	return &v->t;
}

void annex_view_free(struct annex_view *v)
{
	if (!v)
		return;
	for (size_t c = 0; c < v->x->ncols; c++)
		free(v->total_text[c]);
	for (size_t i = 0; v->notes && v->notes[i]; i++)
		free(v->notes[i]);
	free(v->notes);
	free(v->total_text);
	free(v->total);
	free(v->cols);
	free(v->keysum);
	free(v->key);
	free(v->part);
	free(v->code);
	free(v->label);
	free(v);
}
