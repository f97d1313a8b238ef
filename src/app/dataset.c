#include "dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "decision.h"
#include "embedded.h"
#include "money.h"
#include "readfile.h"
#include "refload.h"
#include "statcube.h"
#include "statfile.h"

/* The largest key or statistics file imported. */
#define IMPORT_MAX_BYTES ((size_t)512 << 20)

static void dataset_free(struct dataset *d)
{
	if (!d)
		return;
	keyfile_release(&d->kf);
	strpool_release(&d->pool);
	free(d);
}

static struct dataset *dataset_new(void)
{
	struct dataset *d = xcalloc(1, sizeof(*d));
	keyfile_init(&d->kf);
	strpool_init(&d->pool);
	return d;
}

static const char *dup(struct dataset *d, const char *s)
{
	return s ? strpool_strdup(&d->pool, s) : NULL;
}

const char *dataset_domain(const char *const *code, size_t n)
{
	unsigned kinds = 0;
	for (size_t i = 0; i < n; i++) {
		const struct recipient *r = refdata_by_code(code[i]);
		kinds |= r ? (unsigned)r->kind : 0x8000u;
	}
	if (kinds == RK_REGION)
		return "regions";
	if (kinds == RK_KOMMUN)
		return "kommuner";
	if (kinds && !(kinds & ~(unsigned)(RK_SAMVERKANSREGION | RK_RCC | RK_RSS)))
		return "groups";
	return "other";
}

static int one_value_column(struct dataset *d, const char *origin, struct bd_error *err)
{
	if (d->kf.ncols != 1)
		return bd_fail(err, "%s: a dataset has exactly one value column, found %zu", origin, d->kf.ncols);
	if (d->kf.colerr[0])
		return bd_fail(err, "%s", d->kf.colerr[0]);
	return 0;
}

/* A compiled-in seed (data/datasets/NAME.csv). */
static int seed_parse(const struct embedded_file *f, struct dataset *d, struct bd_error *err)
{
	struct keyfile *kf = &d->kf;
	if (keyfile_parse(kf, f->data, f->len, f->name, NULL, err) || one_value_column(d, f->name, err))
		return -1;
	if (!kf->meta[META_NAME])
		return bd_fail(err, "%s: no '# name:' line", f->name);
	d->name = dup(d, kf->meta[META_NAME]);
	d->version = 1;
	d->latest = true;
	d->date = dup(d, kf->meta[META_DATE] ? kf->meta[META_DATE] : "");
	d->label = dup(d, kf->meta[META_LABEL] ? kf->meta[META_LABEL] : d->name);
	d->unit = dup(d, kf->meta[META_UNIT] ? kf->meta[META_UNIT] : "");
	d->source = dup(d, kf->meta[META_SOURCE] ? kf->meta[META_SOURCE] : "");
	d->domain = dataset_domain(kf->id, kf->nrows);
	d->builtin = true;
	d->has_origin = true;
	char *path = xasprintf("data/%s", f->name);
	d->origin = (struct dataset_origin){.kind = "seed", .format = "compiled-in", .file_name = dup(d, path),
					    .imported_by = "bidrag"};
	free(path);
	return 0;
}

static bool is_seed(const struct embedded_file *f)
{
	return strncmp(f->name, "datasets/", 9) == 0;
}

/* A version of the register, its values as a key file: the recipients
 * resolved as every key file's are (labels, kind, index). */
static int from_register(struct store *s, const struct dataset_version *v, struct dataset *d, struct bd_error *err)
{
	struct strpool pool;
	strpool_init(&pool);
	struct key_values kv;
	int rc = store_dataset_values(s, v->name, v->version, &pool, &kv, err);
	if (rc) {
		strpool_release(&pool);
		return rc < 0 ? -1 : bd_fail(err, "dataset %s@%d has gone from the register", v->name, v->version);
	}
	char sha[65];
	key_values_digest(kv.code, kv.value, kv.n, kv.scale, sha);
	if (strcmp(sha, kv.sha256) != 0) {
		bd_fail(err, "dataset %s@%d: its values in the register do not match their recorded digest (%.12s..., now "
			     "%.12s...)",
			v->name, v->version, kv.sha256, sha);
		strpool_release(&pool);
		return -1;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	buf_adds(&b, "code,value\n");
	i128 den = 1;
	for (int k = 0; k < kv.scale; k++)
		den *= 10;
	for (size_t i = 0; i < kv.n; i++) {
		char dec[NUM_BUFSZ];
		fmt_rat_decimal(kv.value[i], den, kv.scale, false, dec);
		char *comma = strchr(dec, ',');
		if (comma)
			*comma = '.';
		buf_addf(&b, "%s,%s\n", kv.code[i], dec);
	}
	char *origin = xasprintf("register dataset %s@%d", v->name, v->version);
	rc = keyfile_parse(&d->kf, b.data, b.len, origin, NULL, err) || one_value_column(d, origin, err) ? -1 : 0;
	free(origin);
	buf_release(&b);
	strpool_release(&pool);
	if (rc)
		return -1;
	d->name = dup(d, v->name);
	d->version = v->version;
	d->date = dup(d, v->date ? v->date : "");
	d->label = dup(d, v->label ? v->label : v->name);
	d->unit = dup(d, v->unit ? v->unit : "");
	d->source = dup(d, v->source ? v->source : "");
	d->sha256 = dup(d, v->sha256);
	d->registered = dup(d, v->registered);
	d->domain = dataset_domain(d->kf.id, d->kf.nrows);
	d->has_origin = v->has_origin;
	d->corrected_by = v->corrected_by;
	const struct dataset_origin *o = &v->origin;
	d->origin = (struct dataset_origin){
		.kind = dup(d, o->kind), .format = dup(d, o->format), .file_name = dup(d, o->file_name),
		.file_sha256 = dup(d, o->file_sha256), .table_id = dup(d, o->table_id), .title = dup(d, o->title),
		.selection = dup(d, o->selection), .period = dup(d, o->period), .ref_basis = dup(d, o->ref_basis),
		.downloaded = dup(d, o->downloaded), .corrects = o->corrects, .reason = dup(d, o->reason),
		.imported_by = dup(d, o->imported_by),
	};
	d->builtin = v->has_origin && o->kind && strcmp(o->kind, "seed") == 0;
	return 0;
}

struct load_ctx {
	struct store *s;
	struct dataset_set *set;
	struct bd_error *err;
};

static void set_add(struct dataset_set *set, struct dataset *d)
{
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = d;
}

/* The versions first, then their values: one statement at a time. */
struct version_list {
	struct dataset_version *v;
	struct strpool pool;
	size_t n;
};

static const char *pdup(struct strpool *p, const char *s)
{
	return s ? strpool_strdup(p, s) : NULL;
}

static int take_version(void *ctx, const struct dataset_version *v)
{
	struct version_list *l = ctx;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	struct dataset_version *c = &l->v[l->n++];
	struct strpool *p = &l->pool;
	*c = *v;
	c->name = pdup(p, v->name);
	c->date = pdup(p, v->date);
	c->label = pdup(p, v->label);
	c->unit = pdup(p, v->unit);
	c->source = pdup(p, v->source);
	c->sha256 = pdup(p, v->sha256);
	c->registered = pdup(p, v->registered);
	struct dataset_origin *o = &c->origin;
	o->kind = pdup(p, v->origin.kind);
	o->format = pdup(p, v->origin.format);
	o->file_name = pdup(p, v->origin.file_name);
	o->file_sha256 = pdup(p, v->origin.file_sha256);
	o->table_id = pdup(p, v->origin.table_id);
	o->title = pdup(p, v->origin.title);
	o->selection = pdup(p, v->origin.selection);
	o->period = pdup(p, v->origin.period);
	o->ref_basis = pdup(p, v->origin.ref_basis);
	o->downloaded = pdup(p, v->origin.downloaded);
	o->reason = pdup(p, v->origin.reason);
	o->imported_by = pdup(p, v->origin.imported_by);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct dataset *x = *(struct dataset *const *)a, *y = *(struct dataset *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->version - y->version;
}

int dataset_set_load(struct dataset_set *set, struct store *s, struct bd_error *err)
{
	memset(set, 0, sizeof(*set));
	if (refdata_load(err))
		return -1;
	if (!s) {
		for (size_t i = 0; i < embedded_count; i++) {
			if (!is_seed(&embedded_files[i]))
				continue;
			struct dataset *d = dataset_new();
			if (seed_parse(&embedded_files[i], d, err)) {
				dataset_free(d);
				dataset_set_release(set);
				return -1;
			}
			set_add(set, d);
		}
		qsort(set->v, set->n, sizeof(*set->v), by_name); /* as the register lists them */
	} else {
		struct version_list l = {0};
		strpool_init(&l.pool);
		int rc = store_dataset_versions(s, NULL, take_version, &l, err);
		for (size_t i = 0; i < l.n && !rc; i++) {
			struct dataset *d = dataset_new();
			if (from_register(s, &l.v[i], d, err)) {
				dataset_free(d);
				rc = -1;
				break;
			}
			d->latest = i + 1 == l.n || strcmp(l.v[i + 1].name, l.v[i].name) != 0;
			set_add(set, d);
		}
		free(l.v);
		strpool_release(&l.pool);
		if (rc) {
			dataset_set_release(set);
			return -1;
		}
	}
	return 0;
}

void dataset_set_release(struct dataset_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		dataset_free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* version_suffix: the version a "NAME@VERSION" names, or 0. */
static int version_suffix(const char *ref, size_t *namelen)
{
	const char *at = strrchr(ref, '@');
	if (!at || !at[1] || at == ref || at[1] == '0' || strlen(at + 1) > 6)
		return 0;
	for (const char *p = at + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	*namelen = (size_t)(at - ref);
	return atoi(at + 1);
}

int dataset_set_find(const struct dataset_set *set, const char *ref, const struct dataset **out,
		     struct bd_error *err)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->latest && strcmp(set->v[i]->name, ref) == 0) {
			*out = set->v[i];
			return 0;
		}
	size_t namelen = 0;
	int version = version_suffix(ref, &namelen);
	if (version) {
		bool known = false;
		struct buf vs;
		buf_init(&vs, 4096);
		for (size_t i = 0; i < set->n; i++) {
			const struct dataset *d = set->v[i];
			if (strlen(d->name) != namelen || strncmp(d->name, ref, namelen) != 0)
				continue;
			if (d->version == version) {
				buf_release(&vs);
				*out = d;
				return 0;
			}
			known = true;
			buf_addf(&vs, "%s%d", vs.len ? ", " : "", d->version);
		}
		if (known) {
			bd_failc(err, BD_NOT_FOUND, "dataset '%.*s' has no version %d (its versions: %s)", (int)namelen, ref,
				 version, vs.data);
			buf_release(&vs);
			return -1;
		}
		buf_release(&vs);
	}
	/* Name those sharing the part before the first '@', or all. */
	struct buf b;
	buf_init(&b, 4096);
	const char *at = strchr(ref, '@');
	size_t stem = at ? (size_t)(at - ref) : strlen(ref);
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->latest && strncmp(set->v[i]->name, ref, stem) == 0)
			buf_addf(&b, "%s'%s'", b.len ? ", " : "", set->v[i]->name);
	if (!b.len)
		for (size_t i = 0; i < set->n; i++)
			if (set->v[i]->latest)
				buf_addf(&b, "%s'%s'", b.len ? ", " : "", set->v[i]->name);
	bd_failc(err, BD_NOT_FOUND, "unknown dataset '%s' (known: %s; see 'bidrag datasets')", ref,
		 b.data ? b.data : "none");
	buf_release(&b);
	return -1;
}

const struct dataset **dataset_set_latest(const struct dataset_set *set, size_t *n)
{
	const struct dataset **v = xcalloc(set->n + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->latest)
			v[(*n)++] = set->v[i];
	return v;
}

const struct dataset **dataset_set_versions(const struct dataset_set *set, const char *name, size_t *n)
{
	const struct dataset **v = xcalloc(set->n + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			v[(*n)++] = set->v[i];
	return v;
}

/* ---- The process's datasets ------------------------------------------ */

static struct {
	bool loaded;
	struct dataset_set set;
	struct dataset **latest;
	size_t nlatest;
} g;

const char *datasets_register_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("BIDRAG_DB");
	if (env && *env)
		return env;
	struct stat sb;
	return stat("bidrag.db", &sb) == 0 ? "bidrag.db" : NULL;
}

static void latest_index(void)
{
	free(g.latest);
	g.latest = xcalloc(g.set.n + 1, sizeof(*g.latest));
	g.nlatest = 0;
	for (size_t i = 0; i < g.set.n; i++)
		if (g.set.v[i]->latest)
			g.latest[g.nlatest++] = g.set.v[i];
}

int datasets_use_store(struct store *s, struct bd_error *err)
{
	struct dataset_set set;
	if (dataset_set_load(&set, s, err))
		return -1;
	if (g.loaded)
		dataset_set_release(&g.set);
	g.set = set;
	g.loaded = true;
	latest_index();
	return 0;
}

int datasets_load(struct bd_error *err)
{
	if (g.loaded)
		return 0;
	if (dataset_set_load(&g.set, NULL, err))
		return -1;
	g.loaded = true;
	latest_index();
	return 0;
}

struct dataset *const *datasets_all(size_t *n)
{
	*n = g.nlatest;
	return g.latest;
}

int dataset_find(const char *ref, const struct dataset **out, struct bd_error *err)
{
	return dataset_set_find(&g.set, ref, out, err);
}

/* ---- Seeding the register -------------------------------------------- */

static void input_of(const struct dataset *d, struct dataset_in *in)
{
	*in = (struct dataset_in){
		.name = d->name, .date = d->date, .label = d->label, .unit = d->unit, .source = d->source,
		.n = d->kf.nrows, .code = d->kf.id, .value = d->kf.value[0], .scale = d->kf.scale[0],
	};
}

struct seed_state {
	const char *sha256;
	bool found_values, has_origin;
};

static int seed_seen(void *ctx, const struct dataset_version *v)
{
	struct seed_state *st = ctx;
	if (strcmp(v->sha256, st->sha256) == 0) {
		st->found_values = true;
		st->has_origin = v->has_origin;
	} else if (v->version == 1) {
		st->has_origin = true; /* another dataset of that name: not a seed to add */
		st->found_values = true;
	}
	return 0;
}

/* seed_todo: whether seed d is to be added to (or given its origin in) s. */
static int seed_todo(struct store *s, const struct dataset *d, bool *todo, struct bd_error *err)
{
	char sha[65];
	key_values_digest(d->kf.id, d->kf.value[0], d->kf.nrows, d->kf.scale[0], sha);
	struct seed_state st = {.sha256 = sha};
	if (store_dataset_versions(s, d->name, seed_seen, &st, err))
		return -1;
	*todo = !st.found_values || !st.has_origin;
	return 0;
}

int datasets_seeded(struct store *s, bool *seeded, struct bd_error *err)
{
	struct dataset_set seeds;
	if (dataset_set_load(&seeds, NULL, err))
		return -1;
	*seeded = true;
	int rc = 0;
	for (size_t i = 0; i < seeds.n && *seeded && !rc; i++) {
		bool todo;
		rc = seed_todo(s, seeds.v[i], &todo, err);
		if (!rc && todo)
			*seeded = false;
	}
	dataset_set_release(&seeds);
	return rc;
}

int datasets_seed(struct store *s, int *added, struct bd_error *err)
{
	struct dataset_set seeds;
	*added = 0;
	if (dataset_set_load(&seeds, NULL, err))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < seeds.n && !rc; i++) {
		const struct dataset *d = seeds.v[i];
		bool todo;
		if ((rc = seed_todo(s, d, &todo, err)) || !todo)
			continue;
		struct dataset_in in;
		input_of(d, &in);
		int version;
		char sha[65];
		bool was_added;
		rc = store_dataset_add(s, &in, &d->origin, &version, sha, &was_added, err);
		if (!rc)
			(*added)++;
	}
	dataset_set_release(&seeds);
	return rc;
}

/* ---- Importing ------------------------------------------------------- */

void dataset_imported_release(struct dataset_imported *out)
{
	free(out->skipped);
	free(out->ref_date);
	free(out->ref_basis);
	memset(out, 0, sizeof(*out));
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 100)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.' || *p == '@'))
			return false;
	return s[0] != '.' && s[0] != '@';
}

/* What an import read: the values and what the file said of them. */
struct parsed {
	const char *format;
	size_t n;
	const char **code;
	int64_t *value;
	int scale;
	/* From the file (NULL when it does not say). */
	const char *date, *label, *unit, *source, *table_id, *title, *selection, *period, *ref_basis;
	char *skipped;
	size_t nskipped;
	struct strpool pool;
};

static const char *pstr(struct parsed *p, const char *s)
{
	return s && *s ? strpool_strdup(&p->pool, s) : NULL;
}

static int read_keyfile(const struct dataset_import *in, const char *data, size_t len, struct parsed *p,
			struct bd_error *err)
{
	struct keyfile kf;
	keyfile_init(&kf);
	size_t col;
	if (keyfile_parse(&kf, data, len, in->path, NULL, err) || keyfile_column(&kf, in->column, &col, err)) {
		keyfile_release(&kf);
		return -1;
	}
	p->format = "csv";
	p->n = kf.nrows;
	p->code = strpool_alloc(&p->pool, (kf.nrows + 1) * sizeof(char *));
	p->value = strpool_alloc(&p->pool, (kf.nrows + 1) * sizeof(int64_t));
	for (size_t r = 0; r < kf.nrows; r++) {
		p->code[r] = strpool_strdup(&p->pool, kf.id[r]);
		p->value[r] = kf.value[col][r];
	}
	p->scale = kf.scale[col];
	p->date = pstr(p, kf.meta[META_DATE]);
	p->label = pstr(p, kf.meta[META_LABEL]);
	p->unit = pstr(p, kf.meta[META_UNIT]);
	p->source = pstr(p, kf.meta[META_SOURCE]);
	keyfile_release(&kf);
	return 0;
}

static const char *format_of(const char *cube_format)
{
	if (!cube_format)
		return "statistics";
	if (strcmp(cube_format, "PC-Axis") == 0)
		return "px";
	if (strncmp(cube_format, "JSON-stat", 9) == 0)
		return "json-stat";
	if (strcmp(cube_format, "SCB CSV") == 0)
		return "scb-csv";
	return cube_format;
}

static int read_statistics(const struct dataset_import *in, const char *data, size_t len, struct parsed *p,
			   struct bd_error *err)
{
	struct statfile_opts fo = {.encoding = in->encoding, .language = in->language};
	struct stat_cube cube;
	statcube_init(&cube);
	struct stat_series s;
	memset(&s, 0, sizeof(s));
	struct stat_rows rows;
	memset(&rows, 0, sizeof(rows));
	struct stat_series_opts so = {in->pick, in->npick, in->period, in->region_dim, in->date};
	int rc = -1;
	bool have_series = false, have_rows = false;
	if (statfile_parse(data, len, in->path, &fo, &cube, err))
		goto done;
	if (!cube.has_values) {
		bd_fail(err, "%s: a metadata file, with no values (download the table's data)", in->path);
		goto done;
	}
	if (stat_series_select(&cube, &so, &s, err))
		goto done;
	have_series = true;
	for (size_t i = 0; i < in->nrecode; i++)
		if (stat_series_recode(&s, in->recode[i], err))
			goto done;
	if (stat_series_resolve(&s, in->kinds, in->skip_unknown, &rows, err))
		goto done;
	have_rows = true;
	p->format = format_of(cube.format);
	p->code = strpool_alloc(&p->pool, (s.n + 1) * sizeof(char *));
	p->value = strpool_alloc(&p->pool, (s.n + 1) * sizeof(int64_t));
	p->scale = s.scale;
	for (size_t i = 0; i < s.n; i++) {
		if (!rows.rec[i])
			continue;
		int64_t v = 0;
		bool fits = stat_series_value64(&s, i, &v) == 0;
		if (!fits || v < 0) {
			char *t = stat_decimal_text(s.value[i], s.scale, false);
			if (fits)
				bd_fail(err, "%s: %s (%s) is %s: a key's values are 0 or more (choose another series)",
					in->path, s.label[i], s.code[i], t);
			else
				bd_fail(err, "%s: %s (%s) is %s, too large for a key", in->path, s.label[i], s.code[i], t);
			free(t);
			goto done;
		}
		p->code[p->n] = strpool_strdup(&p->pool, rows.rec[i]->code);
		p->value[p->n++] = v;
	}
	p->date = pstr(p, s.ref_date);
	p->ref_basis = pstr(p, s.ref_basis);
	p->label = pstr(p, s.title);
	p->unit = pstr(p, s.unit);
	p->source = pstr(p, s.source);
	p->table_id = pstr(p, s.table_id);
	p->title = pstr(p, s.title);
	p->selection = pstr(p, s.selection);
	p->period = pstr(p, s.period);
	if (rows.nskipped) {
		p->skipped = xstrdup(rows.skipped);
		p->nskipped = rows.nskipped;
	}
	rc = 0;
done:
	if (have_rows)
		stat_rows_release(&rows);
	if (have_series)
		stat_series_release(&s);
	statcube_release(&cube);
	return rc;
}

/* is_statistics: a PC-Axis or JSON-stat file by its first bytes. */
static bool looks_statistics(const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return true;
	/* PC-Axis starts with a keyword in capitals and '=' (CHARSET=, AXIS-VERSION=). */
	size_t k = i;
	while (i < len && ((data[i] >= 'A' && data[i] <= 'Z') || data[i] == '-' || data[i] == '[' || data[i] == ']' ||
			   (data[i] >= 'a' && data[i] <= 'z' && k < i && data[k] >= 'A' && data[k] <= 'Z' &&
			    memchr(data + k, '[', i - k))))
		i++;
	return i > k && i < len && data[i] == '=' && data[k] >= 'A' && data[k] <= 'Z';
}

static void digest_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

struct import_tx {
	const struct dataset_in *in;
	const struct dataset_origin *o;
	int version;
	char sha256[65];
	bool added;
};

static int import_tx(struct store *s, void *ctx, struct bd_error *err)
{
	struct import_tx *t = ctx;
	return store_dataset_add(s, t->in, t->o, &t->version, t->sha256, &t->added, err);
}

int dataset_import(struct store *s, const struct dataset_import *in, struct dataset_imported *out,
		   struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!in->name || !valid_name(in->name))
		return bd_fail(err, "invalid dataset name '%s' (expected letters, digits, '-', '_', '.', '@', like "
				    "'population@2024-11-01')",
			       in->name ? in->name : "");
	if (in->downloaded && !date_valid(in->downloaded))
		return bd_fail(err, "--downloaded '%s' is not a date (expected YYYY-MM-DD)", in->downloaded);
	if (refdata_load(err))
		return -1;
	/* A new name must not read as a version of another ("x@2" beside "x"),
	 * nor another name as a version of it. */
	struct dataset_set set;
	if (dataset_set_load(&set, s, err))
		return -1;
	/* A correction says what the version it corrects said (label, unit,
	 * source, reference date), unless told otherwise or its file says. */
	const char *was_label = NULL, *was_unit = NULL, *was_source = NULL, *was_date = NULL;
	struct strpool was;
	strpool_init(&was);
	for (size_t i = 0; i < set.n; i++)
		if (in->corrects && set.v[i]->version == in->corrects && strcmp(set.v[i]->name, in->name) == 0) {
			was_label = strpool_strdup(&was, set.v[i]->label);
			was_unit = strpool_strdup(&was, set.v[i]->unit);
			was_source = strpool_strdup(&was, set.v[i]->source);
			was_date = *set.v[i]->date ? strpool_strdup(&was, set.v[i]->date) : NULL;
		}
	size_t namelen;
	int v = version_suffix(in->name, &namelen);
	int rc = 0;
	for (size_t i = 0; i < set.n && !rc; i++) {
		const struct dataset *d = set.v[i];
		if (strcmp(d->name, in->name) == 0)
			continue;
		size_t dl;
		if (v && strlen(d->name) == namelen && strncmp(d->name, in->name, namelen) == 0)
			rc = bd_fail(err, "dataset name '%s' reads as version %d of '%s': choose another name", in->name, v,
				     d->name);
		else if (version_suffix(d->name, &dl) && dl == strlen(in->name) && strncmp(d->name, in->name, dl) == 0)
			rc = bd_fail(err, "dataset name '%s' would make '%s' read as one of its versions: choose another "
					  "name",
				     in->name, d->name);
	}
	dataset_set_release(&set);
	if (rc) {
		strpool_release(&was);
		return -1;
	}

	char *data = NULL;
	size_t len = 0;
	if (read_file(in->path, IMPORT_MAX_BYTES, &data, &len, err)) {
		strpool_release(&was);
		return -1;
	}
	struct parsed p;
	memset(&p, 0, sizeof(p));
	strpool_init(&p.pool);
	bool stat_opts = in->statistics || in->npick || in->period || in->region_dim || in->encoding || in->language ||
			 in->kinds || in->skip_unknown || in->nrecode;
	if (stat_opts && in->column) {
		rc = bd_fail(err, "--column is for a key file; a statistics file's series is chosen with --select and "
				  "--period");
	} else if (stat_opts || looks_statistics(data, len)) {
		rc = read_statistics(in, data, len, &p, err);
	} else {
		/* A CSV: a key file (a header row naming the recipients' column),
		 * or SCB's download (a title line, then the header). */
		struct bd_error kerr;
		rc = read_keyfile(in, data, len, &p, &kerr);
		if (rc) {
			struct parsed q;
			memset(&q, 0, sizeof(q));
			strpool_init(&q.pool);
			struct bd_error serr;
			if (read_statistics(in, data, len, &q, &serr) == 0) {
				strpool_release(&p.pool);
				p = q;
				rc = 0;
			} else {
				strpool_release(&q.pool);
				free(q.skipped);
				/* The key file's reason first: a CSV is a key file unless
				 * it is SCB's download. */
				bd_failc(err, kerr.code, "%.500s (nor is it a statistics file SCB publishes: %.400s)", kerr.msg,
					 serr.msg);
			}
		}
	}
	if (!rc && p.n == 0)
		rc = bd_fail(err, "%s: no values for any recipient the register knows", in->path);
	if (rc)
		goto done;

	char file_sha[65];
	digest_hex(data, len, file_sha);
	const char *date = in->date ? in->date : p.date ? p.date : was_date;
	if (date && *date && !date_valid(date) && !(strlen(date) == 4 && strspn(date, "0123456789") == 4)) {
		rc = bd_fail(err, "the reference date '%s' is not a date (expected YYYY-MM-DD)", date);
		goto done;
	}
	if ((!date || !*date) && strcmp(p.format, "csv") != 0) {
		/* A key's date is what a decision names it by: never left to guess. */
		rc = bd_fail(err, "%s: no reference date: %s (--date YYYY-MM-DD)", in->path,
			     p.ref_basis ? p.ref_basis : "the file does not say it");
		goto done;
	}
	char *basis = NULL;
	if (in->date && p.format && strcmp(p.format, "csv") != 0)
		basis = xasprintf("given with --date %s", in->date);
	const char *base = strrchr(in->path, '/');
	struct dataset_in din = {
		.name = in->name, .date = date,
		.label = in->label ? in->label : p.label ? p.label : was_label ? was_label : in->name,
		.unit = in->unit ? in->unit : p.unit ? p.unit : was_unit,
		.source = in->source ? in->source : p.source ? p.source : was_source,
		.n = p.n, .code = p.code, .value = p.value, .scale = p.scale,
	};
	struct dataset_origin o = {
		.kind = "import", .format = p.format, .file_name = base ? base + 1 : in->path, .file_sha256 = file_sha,
		.table_id = p.table_id, .title = p.title, .selection = p.selection, .period = p.period,
		.ref_basis = basis ? basis : p.ref_basis, .downloaded = in->downloaded, .corrects = in->corrects,
		.reason = in->reason, .imported_by = in->by,
	};
	struct import_tx t = {&din, &o, 0, "", false};
	rc = store_tx_retry(s, import_tx, &t, err);
	if (!rc) {
		out->version = t.version;
		memcpy(out->sha256, t.sha256, sizeof(out->sha256));
		out->nvalues = p.n;
		out->domain = dataset_domain(p.code, p.n);
		out->format = p.format;
		out->skipped = p.skipped;
		out->nskipped = p.nskipped;
		p.skipped = NULL;
		out->ref_date = date && *date ? xstrdup(date) : NULL;
		out->ref_basis = o.ref_basis ? xstrdup(o.ref_basis) : NULL;
	}
	free(basis);
done:
	free(p.skipped);
	strpool_release(&p.pool);
	strpool_release(&was);
	free(data);
	return rc;
}

/* ---- JSON ------------------------------------------------------------ */

static i128 dataset_sum(const struct dataset *d)
{
	i128 s = 0;
	for (size_t r = 0; r < d->kf.nrows; r++)
		s += d->kf.value[0][r];
	return s;
}

static char *value_text(const struct dataset *d, i128 v, char *buf)
{
	int scale = d->kf.scale[0];
	i128 den = 1;
	for (int k = 0; k < scale; k++)
		den *= 10;
	return fmt_rat_decimal(v, den, scale, true, buf);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *origin_to_json(const struct dataset *d)
{
	if (!d->has_origin)
		return json_pack("{s:s}", "kind", "decision");
	const struct dataset_origin *o = &d->origin;
	json_t *j = json_object();
	json_object_set_new(j, "kind", jstr(o->kind));
	json_object_set_new(j, "format", jstr(o->format));
	json_object_set_new(j, "file", jstr(o->file_name));
	json_object_set_new(j, "file_sha256", jstr(o->file_sha256));
	json_object_set_new(j, "table", jstr(o->table_id));
	json_object_set_new(j, "title", jstr(o->title));
	json_object_set_new(j, "selection", jstr(o->selection));
	json_object_set_new(j, "period", jstr(o->period));
	json_object_set_new(j, "ref_date_basis", jstr(o->ref_basis));
	json_object_set_new(j, "downloaded", jstr(o->downloaded));
	json_object_set_new(j, "imported_by", jstr(o->imported_by));
	json_object_set_new(j, "corrects", o->corrects ? json_integer(o->corrects) : json_null());
	json_object_set_new(j, "reason", jstr(o->reason));
	return j;
}

json_t *dataset_to_json(const struct dataset *d, bool values)
{
	char buf[NUM_BUFSZ];
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "version", json_integer(d->version));
	json_object_set_new(o, "date", json_string(d->date));
	json_object_set_new(o, "label", json_string(d->label));
	json_object_set_new(o, "unit", json_string(d->unit));
	json_object_set_new(o, "domain", json_string(d->domain));
	json_object_set_new(o, "recipients", json_integer((json_int_t)d->kf.nrows));
	json_object_set_new(o, "sum", json_string(value_text(d, dataset_sum(d), buf)));
	json_object_set_new(o, "source", json_string(d->source));
	json_object_set_new(o, "builtin", json_boolean(d->builtin));
	json_object_set_new(o, "sha256", jstr(d->sha256));
	json_object_set_new(o, "registered", jstr(d->registered));
	json_object_set_new(o, "origin", origin_to_json(d));
	json_object_set_new(o, "corrected_by", d->corrected_by ? json_integer(d->corrected_by) : json_null());
	if (values) {
		json_t *rows = json_array();
		for (size_t r = 0; r < d->kf.nrows; r++) {
			json_t *row = json_object();
			json_object_set_new(row, "code", json_string(d->kf.id[r]));
			json_object_set_new(row, "recipient", json_string(d->kf.label[r]));
			if (d->kf.scale[0] == 0)
				json_object_set_new(row, "value", json_integer(d->kf.value[0][r]));
			else
				json_object_set_new(row, "value", json_string(value_text(d, d->kf.value[0][r], buf)));
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "values", rows);
	}
	return o;
}

