#include "keyfile.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "money.h"
#include "csvread.h"
#include "readfile.h"
#include "refload.h"

#define KEYFILE_MAX_BYTES ((size_t)4 << 30)

static const char *const code_headers[] = {"code", "kod", "kommunkod", "länskod", "lanskod", "id", "nr", NULL};
static const char *const name_headers[] = {"name", "namn", "region", "kommun", "län", "lan", "landsting",
					   "mottagare", "recipient", "länsvis", "organisation", NULL};
static const char *const meta_keys[] = {"name", "date", "label", "unit", "domain", "source"};

void keyfile_init(struct keyfile *kf)
{
	memset(kf, 0, sizeof(*kf));
	strpool_init(&kf->pool);
}

void keyfile_release(struct keyfile *kf)
{
	for (size_t c = 0; c < kf->ncols; c++) { /* a bad header fails before value, colerr exist */
		if (kf->value)
			free(kf->value[c]);
		if (kf->colerr)
			free(kf->colerr[c]);
	}
	free(kf->value);
	free(kf->colerr);
	free(kf->colname);
	free(kf->scale);
	free(kf->id);
	if (kf->label != kf->id)
		free(kf->label);
	free(kf->line);
	free(kf->origin);
	for (size_t i = 0; i < BD_ARRAY_LEN(kf->meta); i++)
		free(kf->meta[i]);
	if (kf->index.slot)
		strmap_release(&kf->index);
	strpool_release(&kf->pool);
	keyfile_init(kf);
}

static bool header_in(const char *h, const char *const *list)
{
	char *n = name_normalise(h);
	bool hit = false;
	for (size_t i = 0; list[i] && !hit; i++)
		hit = strcmp(n, list[i]) == 0;
	free(n);
	return hit;
}

struct parse_ctx {
	struct keyfile *kf;
	bool header_done;
	size_t nheader;
	int code_col, name_col;
	size_t *valcol; /* header index of each value column */
	const char **raw_code, **raw_name;
	size_t cap;
};

static void on_comment(const char *text, size_t len, void *vctx)
{
	struct parse_ctx *c = vctx;
	if (c->header_done)
		return;
	while (len && *text == ' ') {
		text++;
		len--;
	}
	for (size_t k = 0; k < BD_ARRAY_LEN(meta_keys); k++) {
		size_t kl = strlen(meta_keys[k]);
		if (len > kl && strncmp(text, meta_keys[k], kl) == 0 && text[kl] == ':') {
			const char *v = text + kl + 1;
			size_t vl = len - kl - 1;
			while (vl && *v == ' ') {
				v++;
				vl--;
			}
			free(c->kf->meta[k]);
			c->kf->meta[k] = xstrndup(v, vl);
		}
	}
}

static int set_value(struct keyfile *kf, size_t col, size_t row, const char *text, size_t line)
{
	char why[200];
	struct rat v;
	if (kf->colerr[col])
		return 0;
	/* Plain digits (most key files): no grammar to apply. */
	size_t len = 0;
	int64_t plain = 0;
	while (text[len] >= '0' && text[len] <= '9' && len < 18)
		plain = plain * 10 + (text[len++] - '0');
	if (len > 0 && text[len] == '\0') {
		v = (struct rat){plain, 1};
	} else if (*text == '\0') {
		kf->colerr[col] = xasprintf("%s:%zu: missing value in column '%s' (expected a number)",
					    kf->origin, line, kf->colname[col]);
		return 0;
	} else if (num_parse(text, NUM_SUFFIX_MONEY | NUM_PERCENT | NUM_NEGATIVE, &v, why, sizeof(why))) {
		kf->colerr[col] = xasprintf("%s:%zu: '%s' in column '%s' is not a number: %s", kf->origin, line,
					    text, kf->colname[col], why);
		return 0;
	}
	if (v.num < 0) {
		kf->colerr[col] = xasprintf("%s:%zu: negative value '%s' in column '%s' (expected zero or more)",
					    kf->origin, line, text, kf->colname[col]);
		return 0;
	}
	/* Exact decimal: den must divide a power of ten. */
	int d = 0;
	i128 p10 = 1;
	while (v.den != 1 && p10 % v.den != 0 && d < 18) { /* whole numbers: no division */
		p10 *= 10;
		d++;
	}
	if (v.den != 1 && p10 % v.den != 0) {
		kf->colerr[col] = xasprintf("%s:%zu: '%s' in column '%s' is not a decimal number", kf->origin, line,
					    text, kf->colname[col]);
		return 0;
	}
	i128 coef = v.den == 1 ? v.num : v.num * (p10 / v.den);
	/* Bring this value and the column to a common scale (stopping once
	 * too large for int64, before the 128 bits overflow). */
	while (d < kf->scale[col] && coef <= INT64_MAX) {
		coef *= 10;
		d++;
	}
	if (d > kf->scale[col]) {
		i128 f = 1;
		for (int k = kf->scale[col]; k < d; k++)
			f *= 10;
		for (size_t r = 0; r < row; r++) {
			i128 x = (i128)kf->value[col][r] * f;
			if (x > INT64_MAX) {
				kf->colerr[col] = xasprintf("%s:%zu: values in column '%s' are too large",
							    kf->origin, line, kf->colname[col]);
				return 0;
			}
			kf->value[col][r] = (int64_t)x;
		}
		kf->scale[col] = d;
	}
	if (coef > INT64_MAX) {
		kf->colerr[col] = xasprintf("%s:%zu: '%s' in column '%s' is too large", kf->origin, line, text,
					    kf->colname[col]);
		return 0;
	}
	kf->value[col][row] = (int64_t)coef;
	return 0;
}

static int on_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct parse_ctx *c = vctx;
	struct keyfile *kf = c->kf;
	if (!c->header_done) {
		c->header_done = true;
		c->nheader = row->nfields;
		c->code_col = c->name_col = -1;
		for (size_t i = 0; i < row->nfields; i++) {
			if (c->code_col < 0 && header_in(row->field[i], code_headers))
				c->code_col = (int)i;
			else if (c->name_col < 0 && header_in(row->field[i], name_headers))
				c->name_col = (int)i;
		}
		if (c->code_col < 0 && c->name_col < 0)
			c->name_col = 0;
		if (row->nfields < 2)
			return bd_fail(err, "%s:%zu: the header has %zu column, expected a recipient column and at "
					    "least one value column (is the delimiter a comma, semicolon or tab?)",
				       kf->origin, row->line, row->nfields);
		c->valcol = xcalloc(row->nfields, sizeof(size_t));
		kf->colname = xcalloc(row->nfields, sizeof(char *));
		for (size_t i = 0; i < row->nfields; i++) {
			if ((int)i == c->code_col || (int)i == c->name_col)
				continue;
			if (row->field[i][0] == '\0')
				return bd_fail(err, "%s:%zu: column %zu has an empty header", kf->origin, row->line, i + 1);
			for (size_t k = 0; k < kf->ncols; k++)
				if (strcmp(kf->colname[k], row->field[i]) == 0)
					return bd_fail(err, "%s:%zu: two columns are named '%s'", kf->origin,
						       row->line, row->field[i]);
			c->valcol[kf->ncols] = i;
			kf->colname[kf->ncols++] = strpool_dup(&kf->pool, row->field[i], strlen(row->field[i]));
		}
		if (kf->ncols == 0)
			return bd_fail(err, "%s:%zu: no value column (the header names only recipient columns)",
				       kf->origin, row->line);
		kf->value = xcalloc(kf->ncols, sizeof(int64_t *));
		kf->scale = xcalloc(kf->ncols, sizeof(int));
		kf->colerr = xcalloc(kf->ncols, sizeof(char *));
		return 0;
	}
	if (row->nfields != c->nheader)
		return bd_fail(err, "%s:%zu: %zu fields, but the header has %zu", kf->origin, row->line, row->nfields,
			       c->nheader);
	if (kf->nrows == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		for (size_t k = 0; k < kf->ncols; k++)
			kf->value[k] = xreallocarray(kf->value[k], c->cap, sizeof(int64_t));
		/* Rows are read into id and label as written; resolution
		 * replaces them (ten million rows take no second copy). */
		if (c->code_col >= 0)
			kf->id = xreallocarray(kf->id, c->cap, sizeof(char *));
		if (c->name_col >= 0)
			kf->label = xreallocarray(kf->label, c->cap, sizeof(char *));
		kf->line = xreallocarray(kf->line, c->cap, sizeof(uint32_t));
	}
	size_t r = kf->nrows++;
	kf->line[r] = (uint32_t)row->line;
	const char *code = c->code_col >= 0 ? row->field[c->code_col] : NULL;
	const char *name = c->name_col >= 0 ? row->field[c->name_col] : NULL;
	if ((code && !*code && (!name || !*name)) || (!code && name && !*name))
		return bd_fail(err, "%s:%zu: the recipient is missing", kf->origin, row->line);
	if (code)
		kf->id[r] = *code ? strpool_dup(&kf->pool, code, row->len[c->code_col]) : NULL;
	if (name)
		kf->label[r] = *name ? strpool_dup(&kf->pool, name, row->len[c->name_col]) : NULL;
	for (size_t k = 0; k < kf->ncols; k++)
		set_value(kf, k, r, row->field[c->valcol[k]], row->line);
	return 0;
}

/* Resolve every row as `kinds`; returns the number resolved before the first
 * failure (all rows on success), with err set on failure. */
static size_t resolve_rows(struct keyfile *kf, struct parse_ctx *c, unsigned kinds, struct bd_error *err)
{
	for (size_t r = 0; r < kf->nrows; r++) {
		const struct recipient *rc, *rn = NULL;
		const char *code = c->raw_code ? c->raw_code[r] : NULL, *name = c->raw_name ? c->raw_name[r] : NULL;
		const char *text = code ? code : name;
		if (refdata_resolve(text, kinds, &rc, err)) {
			bd_prefix(err, "%s:%u", kf->origin, kf->line[r]);
			return r;
		}
		if (code && name) {
			if (refdata_resolve(name, kinds, &rn, err)) {
				bd_prefix(err, "%s:%u", kf->origin, kf->line[r]);
				return r;
			}
			if (rn != rc) {
				bd_fail(err, "%s:%u: code '%s' is %s but the name says '%s' (%s)", kf->origin,
					kf->line[r], code, rc->name, name, rn->name);
				return r;
			}
		}
		kf->id[r] = rc->code;
		kf->label[r] = rc->name;
	}
	return kf->nrows;
}

int keyfile_parse(struct keyfile *kf, const char *data, size_t len, const char *origin,
		  const struct keyfile_opts *o, struct bd_error *err)
{
	keyfile_release(kf);
	kf->origin = xstrdup(origin);
	struct parse_ctx c = {.kf = kf};
	int rc = csv_read_buffer(data, len, origin, on_row, on_comment, &c, err);
	if (!rc && !c.header_done)
		rc = bd_fail(err, "%s: the file is empty (expected a header row and one row per recipient)", origin);
	if (!rc && kf->nrows == 0)
		rc = bd_fail(err, "%s: a header but no rows", origin);
	if (!rc) {
		if (o && o->opaque_ids) {
			if (!kf->id || !kf->label) {
				/* One recipient column: it is both id and label. */
				const char **one = kf->id ? kf->id : kf->label;
				kf->id = kf->label = one;
			} else {
				for (size_t r = 0; r < kf->nrows; r++) {
					if (!kf->id[r])
						kf->id[r] = kf->label[r];
					if (!kf->label[r])
						kf->label[r] = kf->id[r];
				}
			}
		} else {
			c.raw_code = kf->id;
			c.raw_name = kf->label;
			kf->id = xcalloc(kf->nrows, sizeof(char *));
			kf->label = xcalloc(kf->nrows, sizeof(char *));
			if ((rc = refdata_load(err)) == 0) {
				static const unsigned order[] = {RK_REGION, RK_KOMMUN, RK_SAMVERKANSREGION | RK_RCC};
				struct bd_error best_err = {0}, e, kerr[BD_ARRAY_LEN(order)];
				size_t best = 0, kgot[BD_ARRAY_LEN(order)] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
				unsigned tied = 0, ntied = 0; /* the kinds that stop at row `best` */
				rc = -1;
				for (size_t k = 0; k < BD_ARRAY_LEN(order) && rc; k++) {
					unsigned kinds = order[k];
					if (o && o->kinds && !(o->kinds & kinds))
						continue;
					if (o && o->kinds)
						kinds &= o->kinds;
					size_t got = resolve_rows(kf, &c, kinds, &e);
					kgot[k] = got;
					kerr[k] = e;
					if (got == kf->nrows) {
						kf->kind = kinds;
						rc = 0;
					} else if (!best_err.msg[0] || got > best) {
						best = got;
						best_err = e;
						tied = kinds;
						ntied = 1;
					} else if (got == best) {
						tied |= kinds;
						ntied++;
					}
				}
				/* Several kinds stop at the same row: take the message of
				 * the kind with the closest name, not simply the first. */
				const struct recipient *any;
				const char *bc = c.raw_code ? c.raw_code[best] : NULL;
				const char *text = rc ? (bc ? bc : c.raw_name[best]) : NULL;
				if (rc && ntied > 1 && refdata_resolve(text, tied, &any, &e) != 0) {
					const char *s = strstr(e.msg, "did you mean '");
					size_t sl = s ? strcspn(s + 14, "'") + 15 : 0;
					for (size_t k = 0; s && k < BD_ARRAY_LEN(order); k++) {
						const char *t = kgot[k] == best ? strstr(kerr[k].msg, "did you mean '") : NULL;
						if (t && strncmp(t, s, sl) == 0) {
							best_err = kerr[k];
							break;
						}
					}
				}
				if (rc && err)
					*err = best_err;
			}
		}
	}
	if (!rc) {
		strmap_init(&kf->index, kf->nrows, kf->id);
		uint32_t r, first;
		if (!strmap_put_all(&kf->index, kf->nrows, &r, &first))
			rc = bd_fail(err, "%s:%u: '%s' appears twice (first at line %u)", origin, kf->line[r],
				     kf->label[r], kf->line[first]);
	}
	free(c.valcol);
	free(c.raw_code);
	free(c.raw_name);
	if (rc) {
		struct bd_error keep;
		if (err)
			keep = *err;
		keyfile_release(kf);
		if (err)
			*err = keep;
	}
	return rc;
}

int keyfile_read(struct keyfile *kf, const char *path, const struct keyfile_opts *o, struct bd_error *err)
{
	const char *data;
	size_t len;
	bool mapped;
	if (map_file(path, KEYFILE_MAX_BYTES, &data, &len, &mapped, err))
		return -1;
	int rc = keyfile_parse(kf, data, len, path, o, err);
	unmap_file(data, len, mapped);
	return rc;
}

int keyfile_column(const struct keyfile *kf, const char *name, size_t *col, struct bd_error *err)
{
	int found = -1;
	if (!name) {
		if (kf->ncols == 1) {
			found = 0;
		} else {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t k = 0; k < kf->ncols; k++)
				buf_addf(&b, "%s'%s'", k ? ", " : "", kf->colname[k]);
			bd_fail(err, "%s has %zu value columns (%s): choose one with --column", kf->origin, kf->ncols,
				b.data);
			buf_release(&b);
			return -1;
		}
	} else {
		char *want = name_normalise(name);
		size_t wl = strlen(want);
		int prefix = -1, nprefix = 0;
		for (size_t k = 0; k < kf->ncols && found < 0; k++) {
			char *h = name_normalise(kf->colname[k]);
			if (strcmp(h, want) == 0)
				found = (int)k;
			else if (strncmp(h, want, wl) == 0) {
				prefix = (int)k;
				nprefix++;
			}
			free(h);
		}
		free(want);
		if (found < 0 && nprefix == 1)
			found = prefix;
		if (found < 0) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t k = 0; k < kf->ncols; k++)
				buf_addf(&b, "%s'%s'", k ? ", " : "", kf->colname[k]);
			bd_fail(err, "%s has no column '%s' (columns: %s)", kf->origin, name, b.data);
			buf_release(&b);
			return -1;
		}
	}
	if (kf->colerr[found])
		return bd_fail(err, "%s", kf->colerr[found]);
	*col = (size_t)found;
	return 0;
}

int64_t keyfile_row(const struct keyfile *kf, const char *id)
{
	return strmap_get(&kf->index, id);
}
