#include "dataset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "money.h"
#include "refload.h"

static struct {
	bool loaded;
	struct dataset **v;
	size_t n;
} ds;

char *dataset_dir(void)
{
	const char *e = getenv("BIDRAG_DATASETS");
	if (e && *e)
		return xstrdup(e);
	e = getenv("XDG_DATA_HOME");
	if (e && *e)
		return xasprintf("%s/bidrag/datasets", e);
	e = getenv("HOME");
	return xasprintf("%s/.local/share/bidrag/datasets", e && *e ? e : ".");
}

static int finish(struct dataset *d, const char *origin, struct bd_error *err)
{
	struct keyfile *kf = &d->kf;
	if (!kf->meta[META_NAME])
		return bd_fail(err, "%s: no '# name:' line", origin);
	if (kf->ncols != 1)
		return bd_fail(err, "%s: a dataset has exactly one value column, found %zu", origin, kf->ncols);
	if (kf->colerr[0])
		return bd_fail(err, "%s", kf->colerr[0]);
	d->name = kf->meta[META_NAME];
	d->date = kf->meta[META_DATE] ? kf->meta[META_DATE] : "";
	d->label = kf->meta[META_LABEL] ? kf->meta[META_LABEL] : d->name;
	d->unit = kf->meta[META_UNIT] ? kf->meta[META_UNIT] : "";
	d->domain = kf->meta[META_DOMAIN] ? kf->meta[META_DOMAIN] : "";
	d->source = kf->meta[META_SOURCE] ? kf->meta[META_SOURCE] : "";
	return 0;
}

static void add(struct dataset *d)
{
	ds.v = xreallocarray(ds.v, ds.n + 1, sizeof(*ds.v));
	ds.v[ds.n++] = d;
}

static int by_name(const void *a, const void *b)
{
	const struct dataset *x = *(struct dataset *const *)a, *y = *(struct dataset *const *)b;
	if (x->builtin != y->builtin)
		return x->builtin ? -1 : 1;
	return strcmp(x->name, y->name);
}

int datasets_load(struct bd_error *err)
{
	if (ds.loaded)
		return 0;
	if (refdata_load(err))
		return -1;
	for (size_t i = 0; i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (strncmp(f->name, "datasets/", 9) != 0)
			continue;
		struct dataset *d = xcalloc(1, sizeof(*d));
		keyfile_init(&d->kf);
		d->builtin = true;
		if (keyfile_parse(&d->kf, f->data, f->len, f->name, NULL, err) || finish(d, f->name, err))
			return -1;
		add(d);
	}
	char *dir = dataset_dir();
	DIR *dh = opendir(dir);
	if (dh) {
		struct dirent *e;
		while ((e = readdir(dh)) != NULL) {
			size_t l = strlen(e->d_name);
			if (l < 5 || strcmp(e->d_name + l - 4, ".csv") != 0)
				continue;
			struct dataset *d = xcalloc(1, sizeof(*d));
			keyfile_init(&d->kf);
			d->path = xasprintf("%s/%s", dir, e->d_name);
			if (keyfile_read(&d->kf, d->path, NULL, err) || finish(d, d->path, err)) {
				bd_prefix(err, "imported dataset");
				closedir(dh);
				free(dir);
				return -1;
			}
			add(d);
		}
		closedir(dh);
	}
	free(dir);
	qsort(ds.v, ds.n, sizeof(*ds.v), by_name);
	ds.loaded = true;
	return 0;
}

struct dataset *const *datasets_all(size_t *n)
{
	*n = ds.n;
	return ds.v;
}

int dataset_find(const char *name, const struct dataset **out, struct bd_error *err)
{
	for (size_t i = 0; i < ds.n; i++)
		if (strcmp(ds.v[i]->name, name) == 0) {
			*out = ds.v[i];
			return 0;
		}
	/* Name those sharing the part before '@', or all. */
	struct buf b;
	buf_init(&b, 4096);
	const char *at = strchr(name, '@');
	size_t stem = at ? (size_t)(at - name) : strlen(name);
	for (size_t i = 0; i < ds.n; i++)
		if (strncmp(ds.v[i]->name, name, stem) == 0)
			buf_addf(&b, "%s'%s'", b.len ? ", " : "", ds.v[i]->name);
	if (!b.len)
		for (size_t i = 0; i < ds.n; i++)
			buf_addf(&b, "%s'%s'", b.len ? ", " : "", ds.v[i]->name);
	bd_fail(err, "unknown dataset '%s' (known: %s; see 'bidrag datasets')", name, b.data ? b.data : "none");
	buf_release(&b);
	return -1;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 100)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.' || *p == '@'))
			return false;
	return s[0] != '.';
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = '/';
		}
	}
	int rc = mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

static bool one_line(const char *s)
{
	return !s || (!strchr(s, '\n') && !strchr(s, '\r'));
}

int dataset_import(const char *path, const char *column, const char *name, const char *date,
		   const char *label, const char *unit, const char *source, struct bd_error *err)
{
	if (!valid_name(name))
		return bd_fail(err, "invalid dataset name '%s' (expected letters, digits, '-', '_', '.', '@', "
				    "like 'population@2024-11-01')", name);
	if (!one_line(date) || !one_line(label) || !one_line(unit) || !one_line(source))
		return bd_fail(err, "metadata must be one line each");
	if (datasets_load(err))
		return -1;
	for (size_t i = 0; i < ds.n; i++)
		if (strcmp(ds.v[i]->name, name) == 0)
			return bd_fail(err, "dataset '%s' exists already (datasets are immutable: import a "
					    "correction under a new name, like '%s-v2')", name, name);
	struct keyfile kf;
	keyfile_init(&kf);
	size_t col;
	if (keyfile_read(&kf, path, NULL, err) || keyfile_column(&kf, column, &col, err)) {
		keyfile_release(&kf);
		return -1;
	}
	char *dir = dataset_dir();
	char *final = xasprintf("%s/%s.csv", dir, name), *tmp = xasprintf("%s/.%s.tmp", dir, name);
	int rc = 0;
	FILE *f = NULL;
	if (mkdirs(dir) || !(f = fopen(tmp, "w"))) {
		rc = bd_fail(err, "cannot write to '%s': %s", dir, strerror(errno));
		goto cleanup;
	}
	fprintf(f, "# name: %s\n# date: %s\n# label: %s\n# unit: %s\n# domain: %s\n# source: %s\ncode,value\n", name,
		date ? date : "", label ? label : name, unit ? unit : "",
		kf.kind == RK_KOMMUN ? "kommuner" : kf.kind == RK_REGION ? "regions" : "groups",
		source ? source : path);
	for (size_t r = 0; r < kf.nrows; r++) {
		i128 den = 1;
		for (int k = 0; k < kf.scale[col]; k++)
			den *= 10;
		char dec[NUM_BUFSZ];
		fmt_rat_decimal(kf.value[col][r], den, kf.scale[col], false, dec);
		char *comma = strchr(dec, ',');
		if (comma)
			*comma = '.';
		fprintf(f, "%s,%s\n", kf.id[r], dec);
	}
	if (fflush(f) || fsync(fileno(f)) || fclose(f)) {
		f = NULL;
		rc = bd_fail(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, final)) {
		rc = bd_fail(err, "cannot rename '%s': %s", tmp, strerror(errno));
		goto cleanup;
	}
cleanup:
	if (f)
		fclose(f);
	if (rc)
		unlink(tmp);
	free(dir);
	free(final);
	free(tmp);
	keyfile_release(&kf);
	return rc;
}
