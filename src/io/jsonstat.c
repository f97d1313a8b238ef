#include "jsonstat.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonread.h"
#include "textenc.h"

/* A number jansson must not see as a double travels as a string that starts
 * with this byte (a control character no JSON-stat text has). */
#define DECIMAL_MARK '\x01'

static int fail(const char *origin, struct bd_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(const char *origin, struct bd_error *err, const char *path, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(err, "%s: %s: %s", origin, path && *path ? path : "(top level)", msg);
}

/* mark_decimals: the text with every number that has a fraction or an
 * exponent, or more than 18 digits, turned into a string "\u0001TEXT";
 * NULL when there is none. */
static char *mark_decimals(const char *p, size_t n, size_t *outlen)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	size_t copied = 0;
	bool marked = false;
	for (size_t i = 0; i < n;) {
		char ch = p[i];
		if (ch == '"') {
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (ch == '-' || (ch >= '0' && ch <= '9')) {
			size_t s = i, digits = 0;
			bool frac = false;
			while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '+' || p[i] == '.' ||
					 p[i] == 'e' || p[i] == 'E')) {
				if (p[i] >= '0' && p[i] <= '9')
					digits++;
				else if (p[i] != '-' || i != s)
					frac = true;
				i++;
			}
			if (frac || digits > 18) {
				buf_add(&b, p + copied, s - copied);
				buf_adds(&b, "\"\\u0001");
				buf_add(&b, p + s, i - s);
				buf_adds(&b, "\"");
				copied = i;
				marked = true;
			}
			continue;
		}
		i++;
	}
	if (!marked) {
		buf_release(&b);
		return NULL;
	}
	buf_add(&b, p + copied, n - copied);
	*outlen = b.len;
	return b.data;
}

struct js {
	const char *origin;
	struct bd_error *err;
	struct stat_cube *c;
};

/* text: a string member, or NULL; -1 when it is there but not a string. */
static int text(struct js *j, const json_t *obj, const char *key, const char *path, const char **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(j->origin, j->err, path, "'%s' is %s, expected a string", key, json_type_name(v));
	*out = statcube_str(j->c, json_string_value(v), -1);
	return 0;
}

/* integer: v is a whole number (not a marked decimal). */
static int integer(struct js *j, const json_t *v, const char *path, json_int_t min, json_int_t max, json_int_t *out)
{
	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && json_string_value(v)[0] == DECIMAL_MARK)
		return fail(j->origin, j->err, path, "%s, expected a whole number from %lld to %lld",
			    json_string_value(v) + 1, (long long)min, (long long)max);
	if (json_is_integer(v))
		return fail(j->origin, j->err, path, "%lld, expected a whole number from %lld to %lld",
			    (long long)json_integer_value(v), (long long)min, (long long)max);
	return fail(j->origin, j->err, path, "%s, expected a whole number from %lld to %lld", json_type_name(v),
		    (long long)min, (long long)max);
}

/* Notes: a string, or an array of strings, joined by newlines. */
static int note_text(struct js *j, const json_t *v, const char *path, const char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = statcube_str(j->c, json_string_value(v), -1);
		return 0;
	}
	if (!json_is_array(v))
		return fail(j->origin, j->err, path, "%s, expected a note (a string) or an array of notes",
			    json_type_name(v));
	struct buf b;
	buf_init(&b, SIZE_MAX);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e)) {
			buf_release(&b);
			char p[512];
			jf_pathf(p, sizeof(p), "%s[%zu]", path, i);
			return fail(j->origin, j->err, p, "%s, expected a note (a string)", json_type_name(e));
		}
		buf_addf(&b, "%s%s", i ? "\n" : "", json_string_value(e));
	}
	*out = statcube_str(j->c, b.data ? b.data : "", -1);
	buf_release(&b);
	return 0;
}

static int dimension(struct js *j, const json_t *dims, const char *id, json_int_t size)
{
	char path[512], p[600];
	jf_pathf(path, sizeof(path), "dimension.%s", id);
	json_t *dim = json_object_get(dims, id);
	if (!dim)
		return fail(j->origin, j->err, "dimension", "no dimension '%s', which \"id\" names", id);
	if (!json_is_object(dim))
		return fail(j->origin, j->err, path, "%s, expected an object", json_type_name(dim));
	const char *label;
	if (text(j, dim, "label", path, &label))
		return -1;
	json_t *cat = json_object_get(dim, "category");
	jf_pathf(p, sizeof(p), "%s.category", path);
	if (!json_is_object(cat))
		return fail(j->origin, j->err, p, "%s, expected an object with \"index\" and \"label\"",
			    cat ? json_type_name(cat) : "missing");
	json_t *index = json_object_get(cat, "index"), *labels = json_object_get(cat, "label");
	if (labels && !json_is_object(labels))
		return fail(j->origin, j->err, p, "\"label\" is %s, expected an object code -> label", json_type_name(labels));
	const char **codes = xcalloc((size_t)size, sizeof(*codes));
	int rc = 0;
	if (!index) {
		/* A single category may go without an index. */
		if (size != 1 || !labels || json_object_size(labels) != 1)
			rc = fail(j->origin, j->err, p, "no \"index\" (only a dimension of one category may go without)");
		else
			codes[0] = json_object_iter_key(json_object_iter(labels));
	} else if (json_is_array(index)) {
		if ((json_int_t)json_array_size(index) != size)
			rc = fail(j->origin, j->err, p, "\"index\" has %zu codes, \"size\" says %lld", json_array_size(index),
				  (long long)size);
		for (size_t i = 0; i < json_array_size(index) && !rc; i++) {
			json_t *e = json_array_get(index, i);
			if (!json_is_string(e)) {
				jf_pathf(p, sizeof(p), "%s.category.index[%zu]", path, i);
				rc = fail(j->origin, j->err, p, "%s, expected a code (a string)", json_type_name(e));
			} else {
				codes[i] = json_string_value(e);
			}
		}
	} else if (json_is_object(index)) {
		if ((json_int_t)json_object_size(index) != size)
			rc = fail(j->origin, j->err, p, "\"index\" has %zu codes, \"size\" says %lld", json_object_size(index),
				  (long long)size);
		const char *code;
		json_t *pos;
		json_object_foreach(index, code, pos)
		{
			if (rc)
				break;
			json_int_t k;
			jf_pathf(p, sizeof(p), "%s.category.index.%s", path, code);
			if (integer(j, pos, p, 0, size - 1, &k))
				rc = -1;
			else if (codes[k])
				rc = fail(j->origin, j->err, p, "position %lld is also that of '%s'", (long long)k, codes[k]);
			else
				codes[k] = code;
		}
	} else {
		rc = fail(j->origin, j->err, p, "\"index\" is %s, expected an array of codes or an object code -> position",
			  json_type_name(index));
	}
	if (rc) {
		free(codes);
		return rc;
	}
	size_t d = statcube_add_dim(j->c, id, label ? label : id, (size_t)size);
	for (size_t i = 0; i < (size_t)size; i++) {
		json_t *l = labels ? json_object_get(labels, codes[i]) : NULL;
		if (l && !json_is_string(l)) {
			jf_pathf(p, sizeof(p), "%s.category.label.%s", path, codes[i]);
			free(codes);
			return fail(j->origin, j->err, p, "%s, expected a label (a string)", json_type_name(l));
		}
		statcube_set_cat(j->c, d, i, codes[i], l ? json_string_value(l) : codes[i]);
	}
	free(codes);
	if (labels) {
		const char *code;
		json_t *l;
		json_object_foreach(labels, code, l)
		{
			bool known = false;
			for (size_t i = 0; i < (size_t)size && !known; i++)
				known = strcmp(j->c->dim[d].cat[i].code, code) == 0;
			if (!known) {
				jf_pathf(p, sizeof(p), "%s.category.label", path);
				return fail(j->origin, j->err, p, "a label for '%s', which is not in \"index\"", code);
			}
		}
	}
	return 0;
}

/* find_cat: the category of dimension d with this code (before the cube is
 * finished: a linear search). */
static int64_t find_cat(const struct stat_cube *c, size_t d, const char *code)
{
	for (size_t i = 0; i < c->dim[d].ncat; i++)
		if (strcmp(c->dim[d].cat[i].code, code) == 0)
			return (int64_t)i;
	return -1;
}

/* Per dimension after its categories: child, note, unit, extension. */
static int dimension_extra(struct js *j, const json_t *dims, size_t d)
{
	struct stat_cube *c = j->c;
	struct stat_dim *dim = &c->dim[d];
	char path[512], p[700];
	jf_pathf(path, sizeof(path), "dimension.%s", dim->code);
	json_t *jd = json_object_get(dims, dim->code), *cat = json_object_get(jd, "category");
	jf_pathf(p, sizeof(p), "%s.note", path);
	if (note_text(j, json_object_get(jd, "note"), p, &dim->note))
		return -1;
	const char *key;
	json_t *v;
	json_t *child = json_object_get(cat, "child");
	if (child) {
		jf_pathf(p, sizeof(p), "%s.category.child", path);
		if (!json_is_object(child))
			return fail(j->origin, j->err, p, "%s, expected an object parent -> [children]", json_type_name(child));
		json_object_foreach(child, key, v)
		{
			int64_t parent = find_cat(c, d, key);
			if (parent < 0)
				return fail(j->origin, j->err, p, "'%s' is not a code of the dimension", key);
			if (!json_is_array(v))
				return fail(j->origin, j->err, p, "'%s': %s, expected an array of codes", key, json_type_name(v));
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e)
			{
				int64_t k = json_is_string(e) ? find_cat(c, d, json_string_value(e)) : -1;
				if (k < 0 || k == parent)
					return fail(j->origin, j->err, p, "'%s'[%zu] is not a code of the dimension (or is '%s' itself)",
						    key, i, key);
				if (dim->cat[k].parent >= 0 && dim->cat[k].parent != parent)
					return fail(j->origin, j->err, p, "'%s' has two parents", json_string_value(e));
				dim->cat[k].parent = parent;
			}
		}
		for (size_t k = 0; k < dim->ncat; k++) {
			size_t steps = 0;
			for (int64_t q = dim->cat[k].parent; q >= 0; q = dim->cat[q].parent)
				if (++steps > dim->ncat)
					return fail(j->origin, j->err, p, "a loop through '%s'", dim->cat[k].code);
		}
	}
	json_t *notes = json_object_get(cat, "note");
	if (notes) {
		jf_pathf(p, sizeof(p), "%s.category.note", path);
		if (!json_is_object(notes))
			return fail(j->origin, j->err, p, "%s, expected an object code -> notes", json_type_name(notes));
		json_object_foreach(notes, key, v)
		{
			int64_t k = find_cat(c, d, key);
			if (k < 0)
				return fail(j->origin, j->err, p, "'%s' is not a code of the dimension", key);
			if (note_text(j, v, p, &dim->cat[k].note))
				return -1;
		}
	}
	json_t *unit = json_object_get(cat, "unit");
	if (unit) {
		jf_pathf(p, sizeof(p), "%s.category.unit", path);
		if (!json_is_object(unit))
			return fail(j->origin, j->err, p, "%s, expected an object code -> unit", json_type_name(unit));
		json_object_foreach(unit, key, v)
		{
			int64_t k = find_cat(c, d, key);
			if (k < 0 || !json_is_object(v))
				return fail(j->origin, j->err, p, "'%s': expected a code of the dimension with an object "
								  "{\"base\", \"decimals\"}", key);
			const char *base, *ulabel;
			char q[700], qd[720];
			jf_pathf(q, sizeof(q), "%s.%s", p, key);
			jf_pathf(qd, sizeof(qd), "%s.decimals", q);
			if (text(j, v, "base", q, &base) || text(j, v, "label", q, &ulabel))
				return -1;
			dim->cat[k].unit = base ? base : ulabel;
			json_t *dec = json_object_get(v, "decimals");
			json_int_t n;
			if (dec && integer(j, dec, qd, 0, 15, &n))
				return -1;
			if (dec)
				dim->cat[k].decimals = (int)n;
		}
	}
	json_t *ext = json_object_get(jd, "extension");
	if (ext && json_is_object(ext)) {
		jf_pathf(p, sizeof(p), "%s.extension", path);
		json_t *el = json_object_get(ext, "elimination");
		if (el && !json_is_boolean(el))
			return fail(j->origin, j->err, p, "\"elimination\" is %s, expected true or false", json_type_name(el));
		dim->elimination = el && json_is_true(el);
		const char *ev;
		if (text(j, ext, "eliminationValueCode", p, &ev))
			return -1;
		if (ev) {
			int64_t k = find_cat(c, d, ev);
			if (k < 0)
				return fail(j->origin, j->err, p, "\"eliminationValueCode\" '%s' is not a code of the dimension",
					    ev);
			dim->elim = k;
			dim->elimination = true;
		}
		static const char *const per[] = {"refperiod", "measuringType"};
		for (size_t x = 0; x < 2; x++) {
			json_t *o = json_object_get(ext, per[x]);
			if (!o)
				continue;
			if (!json_is_object(o))
				return fail(j->origin, j->err, p, "\"%s\" is %s, expected an object code -> text", per[x],
					    json_type_name(o));
			json_object_foreach(o, key, v)
			{
				int64_t k = find_cat(c, d, key);
				if (k < 0 || !json_is_string(v))
					return fail(j->origin, j->err, p, "\"%s\": '%s' is not a code of the dimension with a text",
						    per[x], key);
				const char *t = json_string_value(v);
				if (x == 0)
					dim->cat[k].refperiod = statcube_str(c, t, -1);
				else if (strcmp(t, "Stock") == 0 || strcmp(t, "stock") == 0)
					dim->cat[k].measure = "stock";
				else if (strcmp(t, "Flow") == 0 || strcmp(t, "flow") == 0)
					dim->cat[k].measure = "flow";
			}
		}
	}
	return 0;
}

static int roles(struct js *j, const json_t *root)
{
	json_t *role = json_object_get(root, "role");
	if (!role)
		return 0;
	if (!json_is_object(role))
		return fail(j->origin, j->err, "role", "%s, expected an object", json_type_name(role));
	static const struct {
		const char *key;
		enum stat_role role;
	} kinds[] = {{"time", STAT_ROLE_TIME}, {"metric", STAT_ROLE_CONTENT}, {"geo", STAT_ROLE_GEO}};
	for (size_t k = 0; k < BD_ARRAY_LEN(kinds); k++) {
		json_t *ids = json_object_get(role, kinds[k].key);
		if (!ids)
			continue;
		char p[64];
		bd_strf(p, sizeof(p), "role.%s", kinds[k].key);
		if (!json_is_array(ids))
			return fail(j->origin, j->err, p, "%s, expected an array of dimension ids", json_type_name(ids));
		size_t i;
		json_t *e;
		json_array_foreach(ids, i, e)
		{
			int64_t d = -1;
			for (size_t x = 0; json_is_string(e) && x < j->c->ndim && d < 0; x++)
				if (strcmp(j->c->dim[x].code, json_string_value(e)) == 0)
					d = (int64_t)x;
			if (d < 0)
				return fail(j->origin, j->err, p, "entry %zu is not an id of \"id\"", i);
			j->c->dim[d].role = kinds[k].role;
		}
	}
	return 0;
}

static int metadata(struct js *j, const json_t *root)
{
	struct stat_cube *c = j->c;
	if (text(j, root, "label", "", &c->title) || text(j, root, "source", "", &c->source) ||
	    text(j, root, "updated", "", &c->updated))
		return -1;
	json_t *note = json_object_get(root, "note");
	if (note) {
		if (json_is_string(note)) {
			statcube_add_note(c, json_string_value(note));
		} else if (json_is_array(note)) {
			size_t i;
			json_t *e;
			json_array_foreach(note, i, e)
			{
				if (!json_is_string(e)) {
					char p[32];
					bd_strf(p, sizeof(p), "note[%zu]", i);
					return fail(j->origin, j->err, p, "%s, expected a note (a string)", json_type_name(e));
				}
				statcube_add_note(c, json_string_value(e));
			}
		} else {
			return fail(j->origin, j->err, "note", "%s, expected an array of notes", json_type_name(note));
		}
	}
	json_t *ext = json_object_get(root, "extension");
	json_t *px = json_is_object(ext) ? json_object_get(ext, "px") : NULL;
	if (json_is_object(px)) {
		const char *lang;
		if (text(j, px, "tableid", "extension.px", &c->table_id) ||
		    text(j, px, "contents", "extension.px", &c->contents) ||
		    text(j, px, "matrix", "extension.px", &c->matrix) ||
		    text(j, px, "subject-area", "extension.px", &c->subject) ||
		    text(j, px, "language", "extension.px", &lang))
			return -1;
		c->language = lang;
		json_t *dec = json_object_get(px, "decimals");
		json_int_t n;
		if (dec && integer(j, dec, "extension.px.decimals", 0, 15, &n))
			return -1;
		if (dec)
			c->all.decimals = (int)n;
		/* stub + heading in the order of "id": the stub's length. */
		json_t *stub = json_object_get(px, "stub"), *heading = json_object_get(px, "heading");
		if (json_is_array(stub) && json_is_array(heading) &&
		    json_array_size(stub) + json_array_size(heading) == c->ndim) {
			bool same = true;
			for (size_t i = 0; i < c->ndim && same; i++) {
				json_t *e = i < json_array_size(stub) ? json_array_get(stub, i)
								      : json_array_get(heading, i - json_array_size(stub));
				same = json_is_string(e) && strcmp(json_string_value(e), c->dim[i].code) == 0;
			}
			if (same)
				c->nstub = json_array_size(stub);
		}
	}
	/* A table with one content: its unit and reference period are the
	 * table's. */
	for (size_t d = 0; d < c->ndim; d++)
		if (c->dim[d].role == STAT_ROLE_CONTENT && c->dim[d].ncat == 1) {
			const struct stat_category *k = &c->dim[d].cat[0];
			c->all.unit = k->unit;
			c->all.refperiod = k->refperiod;
			c->all.measure = k->measure;
			if (k->decimals >= 0)
				c->all.decimals = k->decimals;
		}
	return 0;
}

/* set_value: cell i from v (integer, marked decimal or null). */
static int set_value(struct js *j, size_t i, const json_t *v, const char *path)
{
	struct stat_cell *cell = &j->c->cell[i];
	if (json_is_null(v)) {
		cell->status = STAT_MISSING;
		return 0;
	}
	if (json_is_integer(v)) {
		cell->mant = json_integer_value(v);
		cell->scale = 0;
		cell->status = STAT_VALUE;
		return 0;
	}
	if (json_is_string(v) && json_string_value(v)[0] == DECIMAL_MARK) {
		const char *t = json_string_value(v) + 1, *why;
		int64_t mant;
		int scale;
		if (stat_decimal_parse(t, strlen(t), &mant, &scale, &why))
			return fail(j->origin, j->err, path, "%s: %s", t, why);
		cell->mant = mant;
		cell->scale = (uint8_t)scale;
		cell->status = STAT_VALUE;
		return 0;
	}
	return fail(j->origin, j->err, path, "%s, expected a number or null", json_type_name(v));
}

static int set_status(struct js *j, size_t i, const json_t *v, const char *path)
{
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(j->origin, j->err, path, "%s, expected a status symbol (a string) or null", json_type_name(v));
	j->c->cell[i].symbol = statcube_symbol(j->c, json_string_value(v));
	return 0;
}

/* position: an object key "17" as a cell position below n. */
static int position(struct js *j, const char *key, const char *what, size_t n, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(key, &end, 10);
	if (!*key || *end || key[0] == '-' || key[0] == '+' || v >= n)
		return fail(j->origin, j->err, what, "key '%s' is not a cell position from 0 to %zu", key, n - 1);
	*out = (size_t)v;
	return 0;
}

static int values(struct js *j, const json_t *root)
{
	struct stat_cube *c = j->c;
	json_t *value = json_object_get(root, "value");
	char p[64];
	if (!value)
		return fail(j->origin, j->err, "value", "missing (expected the cells: an array, or an object position -> "
							"value)");
	bool meta = json_is_array(value) && json_array_size(value) == 0;
	if (statcube_finish(c, !meta, j->err))
		return -1;
	if (meta)
		return 0;
	if (json_is_array(value)) {
		if (json_array_size(value) != c->ncell) {
			struct buf b;
			buf_init(&b, SIZE_MAX);
			for (size_t d = 0; d < c->ndim; d++)
				buf_addf(&b, "%s%zu", d ? " x " : "", c->dim[d].ncat);
			int rc = fail(j->origin, j->err, "value", "%zu cells, but \"size\" makes %zu (%s)",
				      json_array_size(value), c->ncell, b.data);
			buf_release(&b);
			return rc;
		}
		for (size_t i = 0; i < c->ncell; i++) {
			bd_strf(p, sizeof(p), "value[%zu]", i);
			if (set_value(j, i, json_array_get(value, i), p))
				return -1;
		}
	} else if (json_is_object(value)) {
		const char *key;
		json_t *v;
		json_object_foreach(value, key, v)
		{
			size_t i = 0;
			if (position(j, key, "value", c->ncell, &i))
				return -1;
			bd_strf(p, sizeof(p), "value.%s", key);
			if (set_value(j, i, v, p))
				return -1;
		}
	} else {
		return fail(j->origin, j->err, "value", "%s, expected an array or an object of cells", json_type_name(value));
	}
	json_t *status = json_object_get(root, "status");
	if (!status || json_is_null(status))
		return 0;
	if (json_is_string(status)) {
		uint16_t s = statcube_symbol(c, json_string_value(status));
		for (size_t i = 0; i < c->ncell; i++)
			c->cell[i].symbol = s;
	} else if (json_is_array(status)) {
		if (json_array_size(status) != c->ncell)
			return fail(j->origin, j->err, "status", "%zu entries, but there are %zu cells", json_array_size(status),
				    c->ncell);
		for (size_t i = 0; i < c->ncell; i++) {
			bd_strf(p, sizeof(p), "status[%zu]", i);
			if (set_status(j, i, json_array_get(status, i), p))
				return -1;
		}
	} else if (json_is_object(status)) {
		const char *key;
		json_t *v;
		json_object_foreach(status, key, v)
		{
			size_t i = 0;
			if (position(j, key, "status", c->ncell, &i))
				return -1;
			bd_strf(p, sizeof(p), "status.%s", key);
			if (set_status(j, i, v, p))
				return -1;
		}
	} else {
		return fail(j->origin, j->err, "status", "%s, expected a symbol, an array or an object", json_type_name(status));
	}
	return 0;
}

static int dataset(struct js *j, const json_t *root)
{
	if (!json_is_object(root))
		return fail(j->origin, j->err, "", "%s, expected a JSON-stat dataset (an object)", json_type_name(root));
	const char *cls, *version;
	if (text(j, root, "class", "", &cls) || text(j, root, "version", "", &version))
		return -1;
	if (cls && strcmp(cls, "dataset") != 0)
		return fail(j->origin, j->err, "class", "'%s': bidrag reads one JSON-stat dataset (\"class\": \"dataset\"); "
							"download one table", cls);
	/* JSON-stat 1.x (PxWeb API v1's "json-stat"): a bundle, an object of
	 * datasets without "class" and "version", or "version": "1.x". */
	bool v1 = version && version[0] == '1';
	if (!cls && !version) {
		v1 = json_object_get(root, "dimension") != NULL;
		for (void *it = json_object_iter((json_t *)root); it && !v1; it = json_object_iter_next((json_t *)root, it)) {
			json_t *member = json_object_iter_value(it);
			v1 = json_is_object(member) && json_object_get(member, "dimension");
		}
	}
	if (v1)
		return fail(j->origin, j->err, version ? "version" : "",
			    "%s: JSON-stat 1.x, which bidrag does not read; fetch the table as JSON-stat 2.0: from "
			    "PxWebApi v2 (.../api/v2/tables/TABLE/data?outputFormat=json-stat2), or from PxWeb API v1 "
			    "with \"response\": {\"format\": \"json-stat2\"} instead of \"json-stat\"",
			    version			      ? "\"version\" is 1.x"
			    : json_object_get(root, "dimension") ? "a dataset without \"class\" and \"version\""
							       : "a bundle of datasets without \"class\" and \"version\"");
	if (!cls || (version && strncmp(version, "2", 1) != 0))
		return fail(j->origin, j->err, cls ? "version" : "class",
			    "not a JSON-stat 2.0 dataset (expected \"version\": \"2.0\" and \"class\": \"dataset\"; "
			    "JSON-stat 1 bundles are not read)");
	json_t *id = json_object_get(root, "id"), *size = json_object_get(root, "size"),
	       *dims = json_object_get(root, "dimension");
	if (!json_is_array(id) || json_array_size(id) == 0)
		return fail(j->origin, j->err, "id", "%s, expected an array of dimension ids",
			    id ? json_type_name(id) : "missing");
	if (!json_is_array(size) || json_array_size(size) != json_array_size(id))
		return fail(j->origin, j->err, "size", "expected an array of %zu sizes, one per id", json_array_size(id));
	if (!json_is_object(dims))
		return fail(j->origin, j->err, "dimension", "%s, expected an object of dimensions",
			    dims ? json_type_name(dims) : "missing");
	for (size_t i = 0; i < json_array_size(id); i++) {
		json_t *e = json_array_get(id, i);
		char p[32];
		bd_strf(p, sizeof(p), "id[%zu]", i);
		if (!json_is_string(e))
			return fail(j->origin, j->err, p, "%s, expected a dimension id", json_type_name(e));
		for (size_t k = 0; k < i; k++)
			if (strcmp(json_string_value(json_array_get(id, k)), json_string_value(e)) == 0)
				return fail(j->origin, j->err, p, "'%s' is named twice", json_string_value(e));
		json_int_t n;
		bd_strf(p, sizeof(p), "size[%zu]", i);
		if (integer(j, json_array_get(size, i), p, 1, (json_int_t)STATCUBE_MAX_CELLS, &n))
			return -1;
		if (dimension(j, dims, json_string_value(e), n))
			return -1;
	}
	for (size_t d = 0; d < j->c->ndim; d++)
		if (dimension_extra(j, dims, d))
			return -1;
	if (roles(j, root) || metadata(j, root))
		return -1;
	return values(j, root);
}

int jsonstat_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		   struct stat_cube *c, struct bd_error *err)
{
	char *conv = NULL;
	size_t clen = 0;
	const char *enc = "UTF-8 (JSON)";
	if (o && o->encoding && strcmp(text_encoding(o->encoding), "UTF-8") != 0) {
		if (text_to_utf8(data, len, o->encoding, origin, "given", &conv, &clen, err))
			return -1;
		data = conv;
		len = clen;
		enc = text_encoding(o->encoding);
	}
	c->origin = statcube_str(c, origin, -1);
	c->format = "JSON-stat 2.0";
	c->encoding = statcube_str(c, enc, -1);
	size_t mlen = 0;
	char *marked = mark_decimals(data, len, &mlen);
	json_t *root = json_load_doc(marked ? marked : data, marked ? mlen : len, origin, err);
	if (!root && marked) {
		/* Say where the error is in the file as it is. */
		json_t *orig = json_load_doc(data, len, origin, err);
		json_decref(orig);
	}
	free(marked);
	free(conv);
	if (!root)
		return -1;
	struct js j = {origin, err, c};
	int rc = dataset(&j, root);
	json_decref(root);
	return rc;
}
