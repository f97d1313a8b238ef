#include "register.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dataset.h"
#include "refdata.h"
#include "decisionfile.h"

/* Resolution of recipients: the reference data first (codes, names,
 * aliases), then organisations registered by users. */
struct resolve_ctx {
	struct store *s;
	struct decision *d;
};

struct org_hit {
	struct decision *d;
	const char *code, *name;
};

static int take_org(void *ctx, const struct org *o)
{
	struct org_hit *h = ctx;
	h->code = decision_strdup(h->d, o->code);
	h->name = decision_strdup(h->d, o->name);
	return 0;
}

static int resolve_recipient(void *vctx, const char *text, unsigned kinds, const char **code, const char **name,
			     struct bd_error *err)
{
	struct resolve_ctx *c = vctx;
	const struct recipient *r;
	if (refdata_resolve(text, kinds, &r, err) == 0) {
		*code = r->code;
		*name = r->name;
		return 0;
	}
	if (!(kinds & RK_ORG))
		return -1;
	struct bd_error e2;
	struct org_hit h = {c->d, NULL, NULL};
	if (store_org_get(c->s, text, take_org, &h, &e2) == 0) {
		*code = h.code;
		*name = h.name;
		return 0;
	}
	return -1; /* err holds the reference data's suggestions */
}

/* Key lookup for a new decision: the latest version of the dataset in the
 * register (a seed a register made before datasets were kept lacks is
 * seeded first, in the import's transaction). */
struct key_ctx {
	struct store *s;
	const struct decision *d;
	struct strpool pool;
	struct key_values **cache;
	size_t n;
	bool pinned;   /* verification: use the versions the parts recorded */
	bool register_new;
};

static const struct key_values *cached(struct key_ctx *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->cache[i]->name, name) == 0)
			return k->cache[i];
	return NULL;
}

static int recorded_version(const struct decision *d, const char *name)
{
	for (size_t i = 0; i < d->nparts; i++)
		for (size_t k = 0; k < d->parts[i].rule.nkeys; k++)
			if (strcmp(d->parts[i].rule.keys[k].dataset, name) == 0 && d->parts[i].rule.keys[k].version)
				return d->parts[i].rule.keys[k].version;
	return 0;
}

static const struct key_values *lookup_key(void *vctx, const char *name, struct bd_error *err)
{
	struct key_ctx *k = vctx;
	const struct key_values *hit = cached(k, name);
	if (hit)
		return hit;
	/* Verification: the versions the parts recorded; a new decision: the
	 * latest, or the version its file names (NAME@VERSION). */
	int version = recorded_version(k->d, name);
	struct key_values *kv = strpool_alloc(&k->pool, sizeof(*kv));
	int rc = store_dataset_values(k->s, name, version, &k->pool, kv, err);
	if (rc == 1 && k->register_new) {
		int added;
		bool seeded;
		if (datasets_seeded(k->s, &seeded, err) || (!seeded && datasets_seed(k->s, &added, err)))
			return NULL;
		rc = store_dataset_values(k->s, name, version, &k->pool, kv, err);
	}
	if (rc < 0)
		return NULL;
	if (rc == 1) {
		/* Say what the register has. */
		struct dataset_set set;
		const struct dataset *ds;
		if (dataset_set_load(&set, k->s, err) == 0) {
			if (dataset_set_find(&set, name, &ds, err) == 0)
				bd_fail(err, "dataset '%s' version %d is not in the register", name, version);
			dataset_set_release(&set);
		}
		return NULL;
	}
	/* The register's copy must still be what was registered. */
	char sha[65];
	key_values_digest(kv->code, kv->value, kv->n, kv->scale, sha);
	if (strcmp(sha, kv->sha256) != 0) {
		bd_fail(err, "dataset '%s' version %d: its values in the register do not match their recorded digest "
			     "(%.12s..., now %.12s...)",
			name, kv->version, kv->sha256, sha);
		return NULL;
	}
	k->cache = xreallocarray(k->cache, k->n + 1, sizeof(*k->cache));
	k->cache[k->n++] = kv;
	return kv;
}

static void key_ctx_release(struct key_ctx *k)
{
	free(k->cache);
	strpool_release(&k->pool);
}

/* Keep each deadline_note with the decision, in the insert's transaction. */
struct keep_notes {
	struct store *s;
	const char *dnr;
	struct bd_error *err;
	int rc;
};

static void keep_note(void *ctx, const struct deadline_note *n)
{
	struct keep_notes *k = ctx;
	struct decision_warning w = {k->dnr, n->part, n->field, n->date, n->message};
	if (!k->rc)
		k->rc = store_decision_warning_add(k->s, &w, k->err);
}

int register_import(struct store *s, struct decision *d, struct decision_warnings *w, enum import_outcome *out,
		    struct bd_error *err)
{
	if (decision_check(d, w, err))
		return -1;
	if (store_begin(s, err))
		return -1;
	struct resolve_ctx rc = {s, d};
	struct key_ctx kc = {.s = s, .d = d, .register_new = true};
	strpool_init(&kc.pool);
	char *doc = NULL, *old = NULL;
	int ret = -1;
	if (decision_resolve(d, resolve_recipient, &rc, err) || decision_allocate(d, lookup_key, &kc, w, err))
		goto fail;
	doc = decisionfile_dump(d);
	int found = store_decision_document(s, d->dnr, &old, NULL, err);
	if (found < 0)
		goto fail;
	if (found == 0) {
		if (strcmp(old, doc) == 0) {
			*out = IMPORT_IDENTICAL;
			store_rollback(s);
			ret = 0;
			goto done;
		}
		/* Name the first difference, so the user sees what changed. */
		size_t line = 1, i = 0;
		while (old[i] && old[i] == doc[i]) {
			line += old[i] == '\n';
			i++;
		}
		size_t start = i;
		while (start > 0 && doc[start - 1] != '\n')
			start--;
		size_t end = i;
		while (doc[end] && doc[end] != '\n')
			end++;
		bd_fail(err,
			"dnr: a decision %s is already registered with different content (first difference at line %zu "
			"of 'bidrag decision export %s': %.*s); a registered decision is not changed by importing",
			d->dnr, line, d->dnr, (int)(end - start > 200 ? 200 : end - start), doc + start);
		goto fail;
	}
	if (store_decision_insert(s, d, doc, err))
		goto fail;
	struct keep_notes kn = {s, d->dnr, err, 0};
	decision_deadline_notes(d, keep_note, &kn);
	if (kn.rc || store_commit(s, err))
		goto fail;
	*out = IMPORT_ADDED;
	ret = 0;
	goto done;
fail:
	store_rollback(s);
done:
	free(doc);
	free(old);
	key_ctx_release(&kc);
	return ret;
}

struct lock_copy {
	struct decision *d;
	struct part_lock_rec {
		char *part, *fingerprint;
		size_t nrows;
		char **code;
		int64_t *amount;
	} *v;
	size_t n;
};

static int copy_lock(void *ctx, const struct part_lock *l)
{
	struct lock_copy *c = ctx;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct part_lock_rec *r = &c->v[c->n++];
	r->part = decision_strdup(c->d, l->part);
	r->fingerprint = decision_strdup(c->d, l->fingerprint);
	r->nrows = l->nrows;
	r->code = decision_alloc(c->d, l->nrows, sizeof(char *));
	r->amount = decision_alloc(c->d, l->nrows, sizeof(int64_t));
	for (size_t i = 0; i < l->nrows; i++) {
		r->code[i] = decision_strdup(c->d, l->code[i]);
		r->amount[i] = l->amount[i];
	}
	/* Record the key versions on the decision's part. */
	for (size_t i = 0; i < c->d->nparts; i++) {
		struct part *p = &c->d->parts[i];
		if (strcmp(p->id, l->part) != 0)
			continue;
		snprintf(p->fingerprint, sizeof(p->fingerprint), "%s", l->fingerprint);
		for (size_t k = 0; k < p->rule.nkeys && k < l->nkeys; k++)
			p->rule.keys[k].version = l->key_version[k];
	}
	return 0;
}

/* load: the registered decision, resolved, with its locks.  With digest
 * (65 bytes), the document's SHA-256 as read, and *matches whether it is
 * the one recorded. */
static int load(struct store *s, const char *dnr, struct decision *d, struct lock_copy *locks, char *digest,
		bool *matches, struct bd_error *err)
{
	char *doc, *recorded = NULL;
	int rc = store_decision_document(s, dnr, &doc, digest ? &recorded : NULL, err);
	if (rc)
		return rc;
	if (digest) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)doc, strlen(doc));
		sodium_bin2hex(digest, 65, h, sizeof(h));
		*matches = strcmp(digest, recorded) == 0;
		free(recorded);
	}
	char origin[300];
	snprintf(origin, sizeof(origin), "registered decision %s", dnr);
	rc = decisionfile_parse(d, doc, strlen(doc), origin, err);
	free(doc);
	if (rc)
		return -1;
	struct resolve_ctx rctx = {s, d};
	if (decision_resolve(d, resolve_recipient, &rctx, err))
		return -1;
	locks->d = d;
	if (store_part_locks(s, dnr, copy_lock, locks, err))
		return -1;
	for (size_t i = 0; i < d->nparts; i++)
		d->parts[i].computed = d->parts[i].computed || !d->parts[i].published;
	return 0;
}

int register_load(struct store *s, const char *dnr, struct decision *d, struct bd_error *err)
{
	struct lock_copy locks = {0};
	int rc = load(s, dnr, d, &locks, NULL, NULL, err);
	free(locks.v);
	if (rc)
		return rc;
	/* Rows carry the codes decision_resolve found. */
	return 0;
}

const struct key_values *register_key_values(struct store *s, const struct decision *d, const char *name,
					     struct strpool *pool, struct bd_error *err)
{
	struct key_values *kv = strpool_alloc(pool, sizeof(*kv));
	int rc = store_dataset_values(s, name, recorded_version(d, name), pool, kv, err);
	if (rc == 1)
		bd_fail(err, "dataset '%s' is not in the register", name);
	return rc ? NULL : kv;
}

void register_keys_init(struct register_keys *k, struct store *s, const struct decision *d)
{
	k->s = s;
	k->d = d;
	strpool_init(&k->pool);
}

void register_keys_release(struct register_keys *k)
{
	strpool_release(&k->pool);
}

const struct key_values *register_keys_lookup(void *ctx, const char *name, struct bd_error *err)
{
	struct register_keys *k = ctx;
	return register_key_values(k->s, k->d, name, &k->pool, err);
}

static void finding(verify_fn fn, void *ctx, int *problems, const char *part, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void finding(verify_fn fn, void *ctx, int *problems, const char *part, bool ok, const char *fmt, ...)
{
	struct verify_finding f = {.part = part, .ok = ok};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f.msg, sizeof(f.msg), fmt, ap);
	va_end(ap);
	if (!ok)
		(*problems)++;
	fn(ctx, &f);
}

int register_verify(struct store *s, const char *dnr, verify_fn fn, void *ctx, int *problems, struct bd_error *err)
{
	struct decision d;
	decision_init(&d);
	struct lock_copy locks = {0};
	char hex[65];
	bool matches;
	*problems = 0;
	int rc = load(s, dnr, &d, &locks, hex, &matches, err);
	if (rc) {
		if (rc == 1)
			bd_fail(err, "no decision %s in the register (see 'bidrag decision list')", dnr);
		free(locks.v);
		decision_release(&d);
		return -1;
	}
	finding(fn, ctx, problems, NULL, matches, "document digest %s %s", hex,
		matches ? "matches" : "does not match the recorded digest");
	/* Recompute: the stored fingerprints are kept aside, the allocation
	 * is checked again from the registered key versions. */
	char (*stored)[65] = xcalloc(d.nparts ? d.nparts : 1, 65);
	for (size_t i = 0; i < d.nparts; i++)
		memcpy(stored[i], d.parts[i].fingerprint, 65);
	struct key_ctx kc = {.s = s, .d = &d, .pinned = true};
	strpool_init(&kc.pool);
	struct bd_error e;
	if (decision_allocate(&d, lookup_key, &kc, NULL, &e)) {
		finding(fn, ctx, problems, NULL, false, "recomputation failed: %s", e.msg);
	} else {
		for (size_t i = 0; i < d.nparts; i++) {
			const struct part *p = &d.parts[i];
			const struct part_lock_rec *l = NULL;
			for (size_t k = 0; k < locks.n; k++)
				if (strcmp(locks.v[k].part, p->id) == 0)
					l = &locks.v[k];
			if (!l) {
				finding(fn, ctx, problems, p->id, false, "no locked allocation in the register");
				continue;
			}
			bool rows_ok = l->nrows == p->nrows;
			size_t bad = 0;
			for (size_t r = 0; rows_ok && r < p->nrows; r++)
				if (strcmp(l->code[r], p->rows[r].recipient) != 0 || l->amount[r] != p->rows[r].amount) {
					rows_ok = false;
					bad = r;
				}
			char a[NUM_BUFSZ];
			if (!rows_ok)
				finding(fn, ctx, problems, p->id, false,
					"the locked allocation table differs from the decision (row %zu: %s %s kr in the "
					"table)",
					bad + 1, bad < l->nrows ? l->code[bad] : "-",
					bad < l->nrows ? fmt_kr(l->amount[bad], a) : "-");
			bool fp_ok = strcmp(stored[i], p->fingerprint) == 0 && strcmp(l->fingerprint, p->fingerprint) == 0;
			/* A list part has no quota rule: what holds for it is that
			 * its amounts add up to the part's (decision_allocate). */
			const char *checked = p->computed                  ? "recomputed by largest remainder"
					      : p->rule.method == RULE_LIST ? "listed amounts adding up to the part's amount"
									    : "published amounts within the quota rule";
			finding(fn, ctx, problems, p->id, fp_ok, "%zu row%s, %s kr, %s: fingerprint %s", p->nrows,
				p->nrows == 1 ? "" : "s", fmt_kr(part_allocated(p), a), checked,
				fp_ok ? "verified" : "DOES NOT MATCH the recorded one");
		}
	}
	key_ctx_release(&kc);
	free(stored);
	free(locks.v);
	decision_release(&d);
	return 0;
}
