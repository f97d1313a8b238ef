/* fuzz-px, fuzz-jsonstat, fuzz-scbcsv: statistics files as SCB publishes
 * them (src/io/px.c, jsonstat.c, scbcsv.c through statfile_parse), one
 * harness per format.  The first byte chooses the options (the encoding to
 * read the text in, or as declared; for PC-Axis the language), the rest is
 * the file.  Properties:
 *   - a refusal has a message naming the file;
 *   - the cube read is whole: every dimension's codes unique, non-empty and
 *     found by code; as many cells as the dimensions make; each cell a
 *     value (at most 18 decimals), zero (nil) or missing; hierarchy
 *     parents, cell notes and symbols within their ranges; every text
 *     UTF-8;
 *   - the cube written as JSON-stat 2.0 (dimensions, categories, labels,
 *     every cell as the exact decimal it holds, null when missing) is read
 *     back by the JSON-stat reader as the same cube. */
#include "fuzz.h"

#include <jansson.h>

#include "statcube.h"
#include "statfile.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME "px"
#endif

static bool utf8_ok(const char *s)
{
	if (!s)
		return true;
	json_t *j = json_string(s); /* jansson checks UTF-8 as strictly as a JSON reader must */
	json_decref(j);
	return j != NULL;
}

static void check_cube(const struct stat_cube *c)
{
	size_t cells = 1;
	PROP(utf8_ok(c->title) && utf8_ok(c->contents) && utf8_ok(c->source) && utf8_ok(c->table_id) &&
		     utf8_ok(c->matrix) && utf8_ok(c->updated) && utf8_ok(c->created) && utf8_ok(c->language) &&
		     utf8_ok(c->database) && utf8_ok(c->subject) && utf8_ok(c->all.unit) && utf8_ok(c->all.refperiod),
	     "the table's metadata is not UTF-8");
	for (size_t d = 0; d < c->ndim; d++) {
		const struct stat_dim *dim = &c->dim[d];
		PROP(dim->code && *dim->code && utf8_ok(dim->code) && utf8_ok(dim->label) && utf8_ok(dim->note),
		     "dimension %zu: its code or label", d);
		PROP(dim->ncat > 0, "dimension '%s' has no category", dim->code);
		PROP(!dim->elimination || dim->elim < (int64_t)dim->ncat, "dimension '%s': elimination category %lld of %zu",
		     dim->code, (long long)dim->elim, dim->ncat);
		for (size_t i = 0; i < dim->ncat; i++) {
			const struct stat_category *k = &dim->cat[i];
			PROP(k->code && *k->code && utf8_ok(k->code) && utf8_ok(k->label) && utf8_ok(k->note) &&
				     utf8_ok(k->unit) && utf8_ok(k->refperiod),
			     "dimension '%s', category %zu: code, label or note", dim->code, i);
			PROP(k->parent >= -1 && k->parent < (int64_t)dim->ncat && k->parent != (int64_t)i,
			     "dimension '%s', '%s': parent %lld", dim->code, k->code, (long long)k->parent);
			PROP(strmap_get(&dim->by_code, k->code) == (int64_t)i, "dimension '%s': '%s' is not found at %zu",
			     dim->code, k->code, i);
		}
		PROP(cells <= SIZE_MAX / dim->ncat, "too many cells");
		cells *= dim->ncat;
	}
	if (c->has_values) {
		PROP(c->ncell == cells && c->cell, "%zu cells, the dimensions make %zu", c->ncell, cells);
		for (size_t i = 0; i < c->ncell; i++) {
			const struct stat_cell *x = &c->cell[i];
			PROP(x->scale <= STAT_MAX_SCALE && x->status <= STAT_MISSING && x->symbol <= c->nsymbol,
			     "cell %zu: scale %d, status %d, symbol %d", i, x->scale, x->status, x->symbol);
			PROP(x->status != STAT_NIL || x->mant == 0, "cell %zu: nil but %lld", i, (long long)x->mant);
		}
	}
	for (size_t i = 0; i < c->nsymbol; i++)
		PROP(c->symbol[i] && utf8_ok(c->symbol[i]), "symbol %zu", i);
	for (size_t i = 0; i < c->nnote; i++)
		PROP(utf8_ok(c->note[i]), "note %zu is not UTF-8", i);
	for (size_t i = 0; i < c->ncellnote; i++) {
		PROP(utf8_ok(c->cellnote[i].text), "cell note %zu is not UTF-8", i);
		for (size_t d = 0; d < c->ndim; d++)
			PROP(c->cellnote[i].cat[d] >= -1 && c->cellnote[i].cat[d] < (int64_t)c->dim[d].ncat,
			     "cell note %zu, dimension %zu: category %lld", i, d, (long long)c->cellnote[i].cat[d]);
	}
}

/* decimal: mant / 10^scale as JSON number text. */
static void decimal(struct buf *b, int64_t mant, int scale)
{
	char digits[32];
	uint64_t u = mant < 0 ? (uint64_t)0 - (uint64_t)mant : (uint64_t)mant;
	int n = snprintf(digits, sizeof(digits), "%0*llu", scale + 1, (unsigned long long)u);
	buf_addf(b, "%s%.*s", mant < 0 ? "-" : "", n - scale, digits);
	if (scale)
		buf_addf(b, ".%s", digits + n - scale);
}

/* as_jsonstat: c as a JSON-stat 2.0 dataset; NULL when JSON-stat cannot
 * say it (two dimensions of one code: "dimension" is an object). */
static char *as_jsonstat(const struct stat_cube *c, size_t *len)
{
	json_t *root = json_object(), *id = json_array(), *size = json_array(), *dims = json_object();
	json_object_set_new(root, "class", json_string("dataset"));
	json_object_set_new(root, "version", json_string("2.0"));
	for (size_t d = 0; d < c->ndim; d++) {
		const struct stat_dim *dim = &c->dim[d];
		if (json_object_get(dims, dim->code)) {
			json_decref(root), json_decref(id), json_decref(size), json_decref(dims);
			return NULL;
		}
		json_t *index = json_array(), *labels = json_object(), *cat = json_object(), *o = json_object();
		for (size_t i = 0; i < dim->ncat; i++) {
			json_array_append_new(index, json_string(dim->cat[i].code));
			json_object_set_new(labels, dim->cat[i].code, json_string(dim->cat[i].label ? dim->cat[i].label : dim->cat[i].code));
		}
		json_object_set_new(cat, "index", index);
		json_object_set_new(cat, "label", labels);
		json_object_set_new(o, "label", json_string(dim->label ? dim->label : dim->code));
		json_object_set_new(o, "category", cat);
		json_object_set_new(dims, dim->code, o);
		json_array_append_new(id, json_string(dim->code));
		json_array_append_new(size, json_integer((json_int_t)dim->ncat));
	}
	json_object_set_new(root, "id", id);
	json_object_set_new(root, "size", size);
	json_object_set_new(root, "dimension", dims);
	/* The cells last, as the exact decimals they are (jansson would write
	 * a double): the object's text without its closing brace, then them. */
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	PROP(text, "jansson cannot write the cube");
	size_t tl = strlen(text);
	PROP(tl > 2 && text[tl - 1] == '}', "jansson wrote '%s'", text);
	struct buf b;
	buf_init(&b, SIZE_MAX / 2);
	buf_add(&b, text, tl - 1);
	buf_adds(&b, ",\"value\":");
	buf_add(&b, "[", 1);
	for (size_t i = 0; c->has_values && i < c->ncell; i++) {
		if (i)
			buf_add(&b, ",", 1);
		if (c->cell[i].status == STAT_MISSING)
			buf_adds(&b, "null");
		else
			decimal(&b, c->cell[i].mant, c->cell[i].scale);
	}
	buf_adds(&b, "]}");
	free(text);
	*len = b.len;
	return b.data;
}

/* same_value: a/10^sa == b/10^sb. */
static bool same_value(int64_t a, int sa, int64_t b, int sb)
{
	__int128 x = a, y = b;
	for (; sa < sb; sa++)
		x *= 10;
	for (; sb < sa; sb++)
		y *= 10;
	return x == y;
}

static void same_cube(const struct stat_cube *a, const struct stat_cube *b, const char *doc, size_t len)
{
	PROP(a->ndim == b->ndim && a->has_values == b->has_values, "%zu dimensions, %zu read back\n%.*s", a->ndim,
	     b->ndim, (int)len, doc);
	for (size_t d = 0; d < a->ndim; d++) {
		const struct stat_dim *x = &a->dim[d], *y = &b->dim[d];
		PROP(strcmp(x->code, y->code) == 0 && x->ncat == y->ncat, "dimension %zu: '%s' (%zu) read back as '%s' (%zu)",
		     d, x->code, x->ncat, y->code, y->ncat);
		for (size_t i = 0; i < x->ncat; i++)
			PROP(strcmp(x->cat[i].code, y->cat[i].code) == 0 &&
				     strcmp(x->cat[i].label ? x->cat[i].label : x->cat[i].code, y->cat[i].label) == 0,
			     "dimension '%s', category %zu: '%s' '%s' read back as '%s' '%s'", x->code, i, x->cat[i].code,
			     x->cat[i].label ? x->cat[i].label : "", y->cat[i].code, y->cat[i].label);
	}
	for (size_t i = 0; a->has_values && i < a->ncell; i++) {
		const struct stat_cell *x = &a->cell[i], *y = &b->cell[i];
		bool xm = x->status == STAT_MISSING, ym = y->status == STAT_MISSING;
		PROP(xm == ym && (xm || same_value(x->mant, x->scale, y->mant, y->scale)),
		     "cell %zu: %lld/10^%d (status %d) read back as %lld/10^%d (status %d)", i, (long long)x->mant, x->scale,
		     x->status, (long long)y->mant, y->scale, y->status);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return -1;
	static const char *const encodings[] = {NULL, "windows-1252", "iso-8859-1", "utf-8", "cp437"};
	const char *format = strcmp(FUZZ_NAME, "jsonstat") == 0 ? "json" : strcmp(FUZZ_NAME, "scbcsv") == 0 ? "csv" : "px";
	struct statfile_opts o = {.encoding = encodings[data[0] % 5], .language = data[0] & 0x80 ? "en" : NULL,
				  .format = format};
	const char *origin = "fuzz-input";
	struct stat_cube c;
	statcube_init(&c);
	struct bd_error err = {0};
	if (statfile_parse((const char *)data + 1, size - 1, origin, &o, &c, &err)) {
		fuzz_refused(&err, origin);
		statcube_release(&c);
		return 0;
	}
	check_cube(&c);
	size_t len;
	char *doc = as_jsonstat(&c, &len);
	if (doc) {
		struct stat_cube back;
		statcube_init(&back);
		struct statfile_opts jo = {.format = "json"};
		int rc = statfile_parse(doc, len, "as-jsonstat.json", &jo, &back, &err);
		PROP(rc == 0, "the cube written as JSON-stat is refused: %s\n%.*s", err.msg, (int)(len > 2000 ? 2000 : len), doc);
		same_cube(&c, &back, doc, len);
		statcube_release(&back);
		free(doc);
	}
	statcube_release(&c);
	return 0;
}
