/* decisionbook.c: a whole decision as one XLSX workbook. */
#include "decisionbook.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "annex.h"

/* Sheet names: at most 31 characters, none of []:*?/\ . */
static void sheet_name(char *out, size_t n, const char *s)
{
	size_t o = 0, chars = 0;
	for (size_t i = 0; s[i] && o + 4 < n && chars < 31; i++) {
		unsigned char c = (unsigned char)s[i];
		if (strchr("[]:*?/\\", c))
			c = '-';
		if ((c & 0xC0) != 0x80)
			chars++;
		if (chars > 31)
			break;
		out[o++] = (char)c;
	}
	while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
		o--; /* never cut a character in two */
	out[o] = '\0';
}

struct part_ctx {
	const struct part *p;
};

static void part_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct part *p = ((struct part_ctx *)ctx)->p;
	const struct alloc_row *row = &p->rows[r];
	switch (c) {
	case 0: out->text = row->recipient; break;
	case 1: out->text = row->label; break;
	case 2: out->num = row->amount; break;
	case 3:
		out->text = row->payee ? (row->payee->name ? row->payee->name : row->payee->org)
				       : p->payee ? (p->payee->name ? p->payee->name : p->payee->org) : NULL;
		out->empty = !out->text;
		break;
	}
}

struct kv_ctx {
	size_t n;
	char **k, **v;
};

static void kv_add(struct kv_ctx *c, const char *k, const char *v)
{
	c->k = xreallocarray(c->k, c->n + 1, sizeof(char *));
	c->v = xreallocarray(c->v, c->n + 1, sizeof(char *));
	c->k[c->n] = xstrdup(k);
	c->v[c->n++] = xstrdup(v ? v : "");
}

static void kv_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	struct kv_ctx *k = ctx;
	out->text = c == 0 ? k->k[r] : k->v[r];
}

int decision_book_xlsx(const char *path, const struct decision *d, key_lookup_fn lookup, void *ctx, struct bd_error *err)
{
	struct table_book *book = table_book_open(path, err);
	if (!book)
		return -1;
	char a[NUM_BUFSZ], name[128];
	struct kv_ctx kv = {0};
	kv_add(&kv, "Dnr", d->dnr);
	kv_add(&kv, "Datum", d->date);
	kv_add(&kv, "Departement", d->department);
	kv_add(&kv, "Rubrik", d->title);
	kv_add(&kv, "Belopp (kronor)", fmt_kr(d->total, a));
	if (d->has_agreement)
		kv_add(&kv, "Överenskommelse", d->agreement.dnr ? d->agreement.dnr : d->agreement.title);
	for (size_t i = 0; i < d->nparts; i++) {
		const struct part *p = &d->parts[i];
		char *k = xasprintf("Del %s", p->id);
		char *v = xasprintf("%s: %s kronor", p->title, fmt_kr(p->amount, a));
		kv_add(&kv, k, v);
		free(k);
		free(v);
	}
	static const struct tcol kvcols[] = {{"Uppgift", "field", COL_TEXT, false, -1},
					     {"Värde", "value", COL_TEXT, false, -1}};
	struct table t = {.title = d->title, .ncols = 2, .cols = kvcols, .nrows = kv.n, .cell = kv_cell, .ctx = &kv};
	int rc = table_book_add(book, "Beslut", &t, err);
	for (size_t i = 0; i < kv.n; i++) {
		free(kv.k[i]);
		free(kv.v[i]);
	}
	free(kv.k);
	free(kv.v);
	for (size_t x = 0; x < d->nannexes && !rc; x++) {
		struct annex_view *v = annex_view_new(d, &d->annexes[x], lookup, ctx, err);
		if (!v) {
			rc = -1;
			break;
		}
		sheet_name(name, sizeof(name), d->annexes[x].label);
		rc = table_book_add(book, name, annex_view_table(v), err);
		annex_view_free(v);
	}
	static const struct tcol pcols[] = {
		{"Kod", "code", COL_TEXT, false, -1},
		{"Mottagare", "recipient", COL_TEXT, false, -1},
		{"Belopp", "amount", COL_INT, true, -1},
		{"Betalningsmottagare", "payee", COL_TEXT, false, -1},
	};
	for (size_t i = 0; i < d->nparts && !rc; i++) {
		struct part_ctx pc = {&d->parts[i]};
		char *title = xasprintf("Del %s", d->parts[i].id);
		sheet_name(name, sizeof(name), title);
		free(title);
		struct table pt = {.title = d->parts[i].title, .ncols = 4, .cols = pcols, .nrows = d->parts[i].nrows,
				   .cell = part_cell, .ctx = &pc, .total_label = "Summa"};
		rc = table_book_add(book, name, &pt, err);
	}
	if (rc) {
		table_book_close(book, NULL);
		return -1;
	}
	return table_book_close(book, err);
}

