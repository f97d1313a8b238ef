/* dataset.c: key datasets kept in the register, above the engines: which
 * version a new one is, the correction chain (a new version corrects the
 * latest and says why), values that must differ from every earlier
 * version's, a seed that a decision registered before datasets were kept,
 * and the audit entries.  See store-dataset.h; the engines only store and
 * find (engine-dataset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "engine-dataset.h"
#include "store-dataset.h"

#define OPS(s) ((s)->ops->datasets)

/* What a version's name says, for messages: "kommunpop@2023@2". */
static void ref(char *buf, size_t len, const char *name, int version)
{
	snprintf(buf, len, "%s@%d", name, version);
}

struct version_seen {
	const char *sha256;
	int latest;
	int same;         /* the version with the same values; 0: none */
	bool same_has_origin;
};

static int see(void *ctx, const struct dataset_version *v)
{
	struct version_seen *c = ctx;
	if (v->version > c->latest)
		c->latest = v->version;
	if (strcmp(v->sha256, c->sha256) == 0) {
		c->same = v->version;
		c->same_has_origin = v->has_origin;
	}
	return 0;
}

/* Chains of corrections: the scan's versions with corrected_by filled. */
struct chain {
	struct dataset_version *v;
	char **owned; /* strings copied */
	size_t n, nowned;
};

static const char *keep(struct chain *c, const char *s)
{
	if (!s)
		return NULL;
	c->owned = xreallocarray(c->owned, c->nowned + 1, sizeof(char *));
	return c->owned[c->nowned++] = xstrdup(s);
}

static int collect(void *ctx, const struct dataset_version *v)
{
	struct chain *c = ctx;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct dataset_version *o = &c->v[c->n++];
	*o = *v;
	o->name = keep(c, v->name);
	o->date = keep(c, v->date);
	o->label = keep(c, v->label);
	o->unit = keep(c, v->unit);
	o->source = keep(c, v->source);
	o->sha256 = keep(c, v->sha256);
	o->registered = keep(c, v->registered);
	struct dataset_origin *g = &o->origin;
	g->kind = keep(c, v->origin.kind);
	g->format = keep(c, v->origin.format);
	g->file_name = keep(c, v->origin.file_name);
	g->file_sha256 = keep(c, v->origin.file_sha256);
	g->table_id = keep(c, v->origin.table_id);
	g->title = keep(c, v->origin.title);
	g->selection = keep(c, v->origin.selection);
	g->period = keep(c, v->origin.period);
	g->ref_basis = keep(c, v->origin.ref_basis);
	g->downloaded = keep(c, v->origin.downloaded);
	g->reason = keep(c, v->origin.reason);
	g->imported_by = keep(c, v->origin.imported_by);
	o->corrected_by = 0;
	return 0;
}

static void chain_release(struct chain *c)
{
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->v);
}

int store_dataset_versions(struct store *s, const char *name, dataset_version_fn fn, void *ctx,
			   struct bd_error *err)
{
	/* Read whole first: which version corrects which is known only once
	 * the later versions are read. */
	struct chain c = {0};
	int rc = OPS(s)->version_scan(s, name, collect, &c, err);
	for (size_t i = 0; i < c.n && !rc; i++)
		if (c.v[i].has_origin && c.v[i].origin.corrects)
			for (size_t j = 0; j < c.n; j++)
				if (strcmp(c.v[j].name, c.v[i].name) == 0 && c.v[j].version == c.v[i].origin.corrects)
					c.v[j].corrected_by = c.v[i].version;
	for (size_t i = 0; i < c.n && !rc; i++)
		if (fn(ctx, &c.v[i]))
			rc = -1;
	chain_release(&c);
	return rc;
}

static bool one_line(const char *s)
{
	return !s || (!strchr(s, '\n') && !strchr(s, '\r'));
}

static json_t *origin_json(const struct dataset_in *in, int version, const char *sha256,
			   const struct dataset_origin *o)
{
	json_t *j = json_pack("{s:s, s:i, s:s?, s:I, s:s, s:s}", "name", in->name, "version", version, "date",
			      in->date, "values", (json_int_t)in->n, "sha256", sha256, "kind", o->kind);
	const char *keys[] = {"format", "file", "file_sha256", "table", "selection", "period", "downloaded", "reason"};
	const char *vals[] = {o->format, o->file_name, o->file_sha256, o->table_id, o->selection, o->period,
			      o->downloaded, o->reason};
	for (size_t i = 0; i < BD_ARRAY_LEN(keys); i++)
		if (vals[i])
			json_object_set_new(j, keys[i], json_string(vals[i]));
	if (o->corrects)
		json_object_set_new(j, "corrects", json_integer(o->corrects));
	return j;
}

/* audit: the entry of a version added, its object "NAME vN" as the
 * register's other dataset entries name it. */
static int audit(struct store *s, const char *action, const char *name, int version, json_t *after,
		 struct bd_error *err)
{
	char object[300];
	snprintf(object, sizeof(object), "%s v%d", name, version);
	char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = store_audit_append(s, action, object, NULL, a, err);
	free(a);
	json_decref(after);
	return rc;
}

int store_dataset_add(struct store *s, const struct dataset_in *in, const struct dataset_origin *o, int *version,
		      char *sha256, bool *added, struct bd_error *err)
{
	char r1[256], r2[256];
	*added = false;
	if (!o->kind || (strcmp(o->kind, "seed") != 0 && strcmp(o->kind, "import") != 0))
		return bd_fail(err, "internal: a dataset's origin is 'seed' or 'import'");
	if (!o->imported_by || !*o->imported_by)
		return bd_fail(err, "internal: a dataset's origin names who imported it");
	if (in->n == 0)
		return bd_fail(err, "dataset '%s' has no values", in->name);
	const char *texts[] = {in->name, in->date, in->label, in->unit, in->source, o->reason, o->selection, o->title};
	for (size_t i = 0; i < BD_ARRAY_LEN(texts); i++)
		if (!one_line(texts[i]))
			return bd_fail(err, "a dataset's name, date, label, unit, source, title, selection and reason are "
					    "one line each");
	if ((o->corrects != 0) != (o->reason && *o->reason))
		return bd_fail(err, o->corrects ? "a correction says why (--reason TEXT)"
						: "a reason goes with a correction (--corrects NAME@VERSION)");
	key_values_digest(in->code, in->value, in->n, in->scale, sha256);
	struct version_seen seen = {.sha256 = sha256};
	if (OPS(s)->version_scan(s, in->name, see, &seen, err))
		return -1;
	bool seed = strcmp(o->kind, "seed") == 0;
	if (!seed && seen.latest && !o->corrects) {
		ref(r1, sizeof(r1), in->name, seen.latest);
		return bd_fail(err, "dataset '%s' is in the register already (its latest version is %s); a new version "
				    "corrects it: --corrects %s --reason TEXT",
			       in->name, r1, r1);
	}
	if (seen.same) {
		ref(r1, sizeof(r1), in->name, seen.same);
		if (seed && !seen.same_has_origin && seen.same == 1 && !o->corrects) {
			/* A seed a decision registered before datasets were kept:
			 * the version is there, its origin now too. */
			int rc = OPS(s)->origin_add(s, in->name, 1, o, err);
			if (rc)
				return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "dataset %s got its origin meanwhile", r1);
			*version = 1;
			return audit(s, "dataset.seed", in->name, 1, origin_json(in, 1, sha256, o), err);
		}
		if (seed) {
			*version = seen.same;
			return 0; /* there already: seeding adds what is missing */
		}
		return bd_fail(err, "dataset '%s': the values are those of version %d (%s) already; a correction changes "
				    "some value",
			       in->name, seen.same, r1);
	}
	if (seen.latest == 0 && o->corrects)
		return bd_fail(err, "dataset '%s' is not in the register: there is nothing to correct (import it without "
				    "--corrects)",
			       in->name);
	if (seen.latest && !o->corrects) /* a seed's name with other values */
		return bd_fail(err, "dataset '%s' is in the register with other values than the compiled-in seed's "
				    "(version %d is its latest); the seed is left out",
			       in->name, seen.latest);
	if (o->corrects && o->corrects != seen.latest) {
		ref(r1, sizeof(r1), in->name, o->corrects);
		ref(r2, sizeof(r2), in->name, seen.latest);
		if (o->corrects > seen.latest)
			return bd_fail(err, "--corrects %s: dataset '%s' has no version %d (its latest is %s)", r1,
				       in->name, o->corrects, r2);
		return bd_fail(err, "--corrects %s: a correction corrects the latest version, %s (which corrects the "
				    "versions before it)",
			       r1, r2);
	}
	*version = seen.latest + 1;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	int rc = OPS(s)->version_add(s, in, *version, sha256, now, err);
	if (rc == 0)
		rc = OPS(s)->origin_add(s, in->name, *version, o, err);
	if (rc)
		return rc < 0 ? -1 : bd_failc(err, BD_CONFLICT, "dataset '%s' changed meanwhile", in->name);
	*added = true;
	return audit(s, seed ? "dataset.seed" : "dataset.import", in->name, *version, origin_json(in, *version, sha256, o),
		     err);
}
