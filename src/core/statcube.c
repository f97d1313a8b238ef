#include "statcube.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "refdata.h"

void statcube_init(struct stat_cube *c)
{
	memset(c, 0, sizeof(*c));
	strpool_init(&c->pool);
	c->all.parent = -1;
	c->all.decimals = -1;
}

void statcube_release(struct stat_cube *c)
{
	for (size_t d = 0; d < c->ndim; d++) {
		free(c->dim[d].cat);
		free(c->dim[d].codes);
		strmap_release(&c->dim[d].by_code);
	}
	free(c->dim);
	free(c->cell);
	free(c->note);
	free(c->cellnote);
	free(c->symbol);
	strpool_release(&c->pool);
	memset(c, 0, sizeof(*c));
}

const char *statcube_str(struct stat_cube *c, const char *s, ptrdiff_t len)
{
	if (!s)
		return NULL;
	return strpool_dup(&c->pool, s, len < 0 ? strlen(s) : (size_t)len);
}

size_t statcube_add_dim(struct stat_cube *c, const char *code, const char *label, size_t ncat)
{
	c->dim = xreallocarray(c->dim, c->ndim + 1, sizeof(*c->dim));
	struct stat_dim *d = &c->dim[c->ndim];
	memset(d, 0, sizeof(*d));
	d->code = statcube_str(c, code ? code : label, -1);
	d->label = statcube_str(c, label ? label : code, -1);
	d->elim = -1;
	d->ncat = ncat;
	d->cat = xcalloc(ncat ? ncat : 1, sizeof(*d->cat));
	for (size_t i = 0; i < ncat; i++) {
		d->cat[i].parent = -1;
		d->cat[i].decimals = -1;
	}
	return c->ndim++;
}

void statcube_set_cat(struct stat_cube *c, size_t d, size_t i, const char *code, const char *label)
{
	struct stat_category *k = &c->dim[d].cat[i];
	k->label = statcube_str(c, label ? label : code, -1);
	/* A code is an identifier: the spaces some files pad it with ("42001 ")
	 * are not part of it. */
	const char *s = code ? code : k->label;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	k->code = statcube_str(c, s, (ptrdiff_t)n);
}

int statcube_finish(struct stat_cube *c, bool with_values, struct bd_error *err)
{
	if (c->ndim == 0)
		return bd_fail(err, "%s: the table has no dimensions", c->origin);
	size_t ncell = 1;
	for (size_t di = 0; di < c->ndim; di++) {
		struct stat_dim *d = &c->dim[di];
		char name[256];
		if (d->ncat == 0)
			return bd_fail(err, "%s: dimension '%s' has no values", c->origin,
				       statcube_dim_name(d, name, sizeof(name)));
		d->codes = xcalloc(d->ncat, sizeof(*d->codes));
		for (size_t i = 0; i < d->ncat; i++) {
			if (!d->cat[i].code || !d->cat[i].code[0])
				return bd_fail(err, "%s: dimension '%s': value %zu has an empty code", c->origin,
					       statcube_dim_name(d, name, sizeof(name)), i + 1);
			d->codes[i] = d->cat[i].code;
		}
		strmap_init(&d->by_code, d->ncat, d->codes);
		uint32_t dup, first;
		if (!strmap_put_all(&d->by_code, d->ncat, &dup, &first))
			return bd_fail(err, "%s: dimension '%s': the code '%s' is given twice (values %u and %u)",
				       c->origin, statcube_dim_name(d, name, sizeof(name)), d->codes[dup], first + 1,
				       dup + 1);
		for (size_t i = 0; i < d->ncat; i++)
			if (d->cat[i].parent >= 0)
				d->hierarchy = true;
		if (ncell > STATCUBE_MAX_CELLS / d->ncat)
			return bd_fail(err, "%s: the table has more than %zu cells (at dimension '%s', %zu values): "
					    "choose fewer values when downloading it", c->origin, STATCUBE_MAX_CELLS,
				       statcube_dim_name(d, name, sizeof(name)), d->ncat);
		ncell *= d->ncat;
	}
	c->ncell = ncell;
	c->has_values = with_values;
	if (with_values) {
		c->cell = xcalloc(ncell, sizeof(*c->cell));
		for (size_t i = 0; i < ncell; i++)
			c->cell[i].status = STAT_MISSING;
	}
	return 0;
}

uint16_t statcube_symbol(struct stat_cube *c, const char *s)
{
	for (size_t i = 0; i < c->nsymbol; i++)
		if (strcmp(c->symbol[i], s) == 0)
			return (uint16_t)(i + 1);
	if (c->nsymbol >= UINT16_MAX - 1)
		return UINT16_MAX; /* never in practice: files use a handful */
	c->symbol = xreallocarray(c->symbol, c->nsymbol + 1, sizeof(*c->symbol));
	c->symbol[c->nsymbol++] = statcube_str(c, s, -1);
	return (uint16_t)c->nsymbol;
}

void statcube_add_note(struct stat_cube *c, const char *text)
{
	c->note = xreallocarray(c->note, c->nnote + 1, sizeof(*c->note));
	c->note[c->nnote++] = statcube_str(c, text, -1);
}

void statcube_add_cellnote(struct stat_cube *c, const int64_t *cat, const char *text)
{
	c->cellnote = xreallocarray(c->cellnote, c->ncellnote + 1, sizeof(*c->cellnote));
	struct stat_cellnote *n = &c->cellnote[c->ncellnote++];
	n->cat = strpool_alloc(&c->pool, c->ndim * sizeof(*n->cat));
	memcpy(n->cat, cat, c->ndim * sizeof(*n->cat));
	n->text = statcube_str(c, text, -1);
}

int64_t statcube_cat(const struct stat_dim *d, const char *code)
{
	if (!d->codes)
		return -1;
	return strmap_get(&d->by_code, code);
}

size_t statcube_offset(const struct stat_cube *c, const size_t *cat)
{
	size_t off = 0;
	for (size_t d = 0; d < c->ndim; d++)
		off = off * c->dim[d].ncat + cat[d];
	return off;
}

void statcube_coords(const struct stat_cube *c, size_t offset, size_t *cat)
{
	for (size_t d = c->ndim; d-- > 0;) {
		cat[d] = offset % c->dim[d].ncat;
		offset /= c->dim[d].ncat;
	}
}

/* buf_take: the text of b, "" when nothing was added (malloc'd). */
static char *buf_take(struct buf *b)
{
	return b->data ? b->data : xstrdup("");
}

static void cat_name(struct buf *b, const struct stat_category *k)
{
	size_t cl = strlen(k->code);
	if (strncmp(k->label, k->code, cl) == 0 && (k->label[cl] == ' ' || k->label[cl] == '\0')) {
		buf_adds(b, k->label); /* "0114 Upplands Väsby" says its code already */
		return;
	}
	buf_adds(b, k->code);
	buf_addf(b, " %s", k->label);
}

char *statcube_cell_name(const struct stat_cube *c, size_t offset)
{
	size_t *cat = xcalloc(c->ndim, sizeof(*cat));
	statcube_coords(c, offset, cat);
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t d = 0; d < c->ndim; d++) {
		if (d)
			buf_adds(&b, ", ");
		buf_addf(&b, "%s=", c->dim[d].label);
		cat_name(&b, &c->dim[d].cat[cat[d]]);
	}
	free(cat);
	return buf_take(&b);
}

char *statcube_cell_notes(const struct stat_cube *c, size_t offset)
{
	if (!c->ncellnote)
		return NULL;
	size_t *cat = xcalloc(c->ndim, sizeof(*cat));
	statcube_coords(c, offset, cat);
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t i = 0; i < c->ncellnote; i++) {
		const struct stat_cellnote *n = &c->cellnote[i];
		bool match = true;
		for (size_t d = 0; d < c->ndim && match; d++)
			match = n->cat[d] < 0 || (size_t)n->cat[d] == cat[d];
		if (match) {
			if (b.len)
				buf_adds(&b, " | ");
			buf_adds(&b, n->text);
		}
	}
	free(cat);
	return b.data; /* NULL when no note matched */
}

const char *statcube_dim_name(const struct stat_dim *d, char *buf, size_t n)
{
	if (strcmp(d->code, d->label) == 0)
		bd_strf(buf, n, "%s", d->label);
	else
		bd_strf(buf, n, "%s (%s)", d->label, d->code);
	return buf;
}

/* Names in a statistics file are compared as the register's are (core's
 * name_fold), with tags kept: a label such as "<1 år" is text. */
char *stat_text_fold(const char *s)
{
	return name_fold(s, false);
}

int statcube_find_dim(const struct stat_cube *c, const char *name, size_t *out, struct bd_error *err)
{
	char *want = stat_text_fold(name);
	int64_t found = -1;
	bool twice = false;
	for (size_t d = 0; d < c->ndim; d++) {
		char *code = stat_text_fold(c->dim[d].code), *label = stat_text_fold(c->dim[d].label);
		if (strcmp(code, want) == 0 || strcmp(label, want) == 0) {
			if (found >= 0)
				twice = true;
			else
				found = (int64_t)d;
		}
		free(code);
		free(label);
	}
	free(want);
	if (found >= 0 && !twice) {
		*out = (size_t)found;
		return 0;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t d = 0; d < c->ndim; d++) {
		char nm[256];
		buf_addf(&b, "%s%s", d ? ", " : "", statcube_dim_name(&c->dim[d], nm, sizeof(nm)));
	}
	int rc = twice ? bd_fail(err, "%s: '%s' names more than one dimension (dimensions: %s): use the code", c->origin,
				 name, b.data)
		       : bd_failc(err, BD_NOT_FOUND, "%s: no dimension '%s' (dimensions: %s)", c->origin, name, b.data);
	buf_release(&b);
	return rc;
}

int stat_decimal_parse(const char *s, size_t n, int64_t *mant, int *scale, const char **why)
{
	size_t i = 0;
	bool neg = false;
	const char *dummy;
	if (!why)
		why = &dummy;
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	/* Digits, at most one point, into a 128-bit accumulator. */
	i128 m = 0;
	int sc = 0, digits = 0;
	bool point = false;
	for (; i < n; i++) {
		char ch = s[i];
		if (ch >= '0' && ch <= '9') {
			if (m > ((i128)1 << 100)) {
				*why = "too many digits";
				return -1;
			}
			m = m * 10 + (ch - '0');
			digits++;
			if (point)
				sc++;
		} else if (ch == '.' && !point) {
			point = true;
		} else {
			break;
		}
	}
	if (!digits) {
		*why = "not a number";
		return -1;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < n && (s[i] == '-' || s[i] == '+')) {
			eneg = s[i] == '-';
			i++;
		}
		int e = 0, edigits = 0;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, edigits++)
			if (e < 1000)
				e = e * 10 + (s[i] - '0');
		if (!edigits) {
			*why = "not a number (an exponent without digits)";
			return -1;
		}
		if (eneg)
			sc += e;
		else {
			/* Take the exponent first from the decimals, then by multiplying. */
			for (; e > 0; e--) {
				if (sc > 0) {
					sc--;
					continue;
				}
				if (m > ((i128)1 << 100)) {
					*why = "too large";
					return -1;
				}
				m *= 10;
			}
		}
	}
	if (i != n) {
		*why = "not a number";
		return -1;
	}
	if (sc > STAT_MAX_SCALE) {
		*why = "more than 18 decimals";
		return -1;
	}
	if (m > (i128)INT64_MAX) {
		*why = "too large (at most 19 digits)";
		return -1;
	}
	*mant = neg ? -(int64_t)m : (int64_t)m;
	*scale = sc;
	return 0;
}

char *stat_decimal_text(const mpz_t mant, int scale, bool group)
{
	char *digits = mpz_get_str(NULL, 10, mant);
	bool neg = digits[0] == '-';
	const char *d = digits + neg;
	size_t nd = strlen(d);
	struct buf b;
	buf_init(&b, SIZE_MAX);
	if (neg)
		buf_adds(&b, "-");
	/* The integer part: the digits before the last `scale`, at least "0". */
	size_t nint = nd > (size_t)scale ? nd - (size_t)scale : 0;
	if (nint == 0)
		buf_adds(&b, "0");
	for (size_t i = 0; i < nint; i++) {
		if (group && i && (nint - i) % 3 == 0)
			buf_adds(&b, " ");
		buf_add(&b, d + i, 1);
	}
	if (scale > 0) {
		buf_adds(&b, group ? "," : ".");
		for (size_t k = nd; k < (size_t)scale; k++)
			buf_adds(&b, "0");
		buf_add(&b, d + nint, nd - nint);
	}
	free(digits);
	return buf_take(&b);
}

bool stat_is_total(const struct stat_category *cat)
{
	static const char *const whole[] = {"total", "totalt", "tot", "totsa", "summa", "samtliga", "totalt samtliga"};
	const char *texts[2] = {cat->code, cat->label};
	bool found = false;
	for (size_t t = 0; t < 2 && !found; t++) {
		if (!texts[t])
			continue;
		char *f = stat_text_fold(texts[t]);
		for (size_t i = 0; i < BD_ARRAY_LEN(whole) && !found; i++)
			found = strcmp(f, whole[i]) == 0;
		/* A label such as "totalt, samtliga åldrar" or "total, all ages"
		 * (not "total assets": English "total" counts only before a comma). */
		if (t == 1 && !found)
			found = strncmp(f, "totalt,", 7) == 0 || strncmp(f, "totalt ", 7) == 0 ||
				strncmp(f, "total,", 6) == 0;
		free(f);
	}
	return found;
}
