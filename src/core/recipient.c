/* recipient.c: checks and sums of the recipient register.  See recipient.h. */
#include "recipient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rg_init(struct rg_register *r)
{
	memset(r, 0, sizeof(*r));
	strpool_init(&r->pool);
}

void rg_release(struct rg_register *r)
{
	strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

char *rg_strdup(struct rg_register *r, const char *s)
{
	return strpool_strdup(&r->pool, s);
}

void *rg_alloc(struct rg_register *r, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size - 1)
		abort();
	return strpool_alloc(&r->pool, n && size ? n * size : 1);
}

struct rg_year *rg_year_find(const struct rg_register *r, int year)
{
	for (size_t i = 0; i < r->nyears; i++)
		if (r->years[i].year == year)
			return &r->years[i];
	return NULL;
}

const struct rg_grant *rg_grant_find(const struct rg_year *y, const char *key)
{
	for (size_t i = 0; i < y->ngrants; i++)
		if (strcmp(y->grants[i].key, key) == 0)
			return &y->grants[i];
	return NULL;
}

/* line_step: the line named by the first component of path among lines;
 * *rest points after it ("" at the end). */
static const struct rg_line *line_step(const struct rg_line *lines, size_t n, const char *path, const char **rest)
{
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);
	*rest = slash ? slash + 1 : path + len;
	for (size_t i = 0; i < n; i++)
		if (strlen(lines[i].key) == len && memcmp(lines[i].key, path, len) == 0)
			return &lines[i];
	return NULL;
}

const struct rg_line *rg_line_find(const struct rg_grant *g, const char *path)
{
	const struct rg_line *lines = g->lines, *l = NULL;
	size_t n = g->nlines;
	while (*path) {
		l = line_step(lines, n, path, &path);
		if (!l)
			return NULL;
		lines = l->lines;
		n = l->nlines;
	}
	return l;
}

static int check_amount(int64_t v, struct bd_error *err, const char *what)
{
	if (v < 0)
		return bd_fail(err, "%s: %lld kr is negative (expected 0 or more)", what, (long long)v);
	if (v > RG_AMOUNT_MAX)
		return bd_fail(err, "%s: too large (at most 100 000 000 000 000 kr)", what);
	return 0;
}

static bool key_repeated(const char *key, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* sum_lines: parents become the sum of their children; keys must be unique
 * among siblings.  where names the grant for messages. */
static int sum_lines(struct rg_line *lines, size_t n, const char *where, int64_t *sum, struct bd_error *err)
{
	int64_t s = 0;
	for (size_t i = 0; i < n; i++) {
		struct rg_line *l = &lines[i];
		for (size_t j = 0; j < i; j++)
			if (strcmp(lines[j].key, l->key) == 0)
				return bd_fail(err, "%s: line key '%s' is used twice (lines %zu and %zu)", where, l->key,
					       j + 1, i + 1);
		char what[300];
		bd_strf(what, sizeof(what), "%s, line '%s'", where, l->key);
		if (l->nlines) {
			if (l->has_amount)
				return bd_fail(err, "%s: has both an amount and lines (a parent's amount is the sum of its lines)",
					       what);
			int64_t sub;
			if (sum_lines(l->lines, l->nlines, what, &sub, err))
				return -1;
			l->amount = sub;
		} else if (!l->has_amount) {
			return bd_fail(err, "%s: has neither an amount nor lines", what);
		}
		if (check_amount(l->amount, err, what))
			return -1;
		if (l->has_national && check_amount(l->national, err, what))
			return -1;
		s += l->amount;
		if (s > RG_AMOUNT_MAX)
			return bd_fail(err, "%s: the lines add up to more than 100 000 000 000 000 kr", where);
	}
	*sum = s;
	return 0;
}

static int compute_usage(struct rg_usage *u, const char *where, struct bd_error *err)
{
	char what[300];
	bd_strf(what, sizeof(what), "%s, usage account %d", where, u->year);
	if (check_amount(u->available, err, what))
		return -1;
	for (size_t i = 0; i < u->npurposes; i++) {
		u->purposes[i].spent = 0;
		for (size_t j = 0; j < i; j++)
			if (strcmp(u->purposes[j].name, u->purposes[i].name) == 0)
				return bd_fail(err, "%s: purpose '%s' is listed twice", what, u->purposes[i].name);
	}
	u->spent = 0;
	for (size_t i = 0; i < u->nentries; i++) {
		struct rg_usage_entry *e = &u->entries[i];
		char ewhat[400];
		bd_strf(ewhat, sizeof(ewhat), "%s, entry %zu", what, i + 1);
		struct rg_purpose *p = NULL;
		for (size_t j = 0; j < u->npurposes && !p; j++)
			if (strcmp(u->purposes[j].name, e->purpose) == 0)
				p = &u->purposes[j];
		if (!p) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t j = 0; j < u->npurposes; j++)
				buf_addf(&b, "%s'%s'", j ? ", " : "", u->purposes[j].name);
			int rc = bd_fail(err, "%s: unknown purpose '%s' (expected one of: %s)", ewhat, e->purpose,
					 u->npurposes ? b.data : "none declared");
			buf_release(&b);
			return rc;
		}
		bool known = strncmp(e->cost_group, "Annat: ", 7) == 0 && e->cost_group[7];
		for (size_t j = 0; j < p->ngroups && !known; j++)
			known = strcmp(p->cost_groups[j], e->cost_group) == 0;
		if (!known) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t j = 0; j < p->ngroups; j++)
				buf_addf(&b, "'%s', ", p->cost_groups[j]);
			int rc = bd_fail(err, "%s: unknown cost group '%s' for purpose '%s' (expected one of: %s'Annat: WHAT')",
					 ewhat, e->cost_group, p->name, b.data ? b.data : "");
			buf_release(&b);
			return rc;
		}
		if (e->amount < 0)
			return bd_fail(err, "%s: a negative spend (%lld kr); spends are 0 or more, a refund corrects the entry it refunds",
				       ewhat, (long long)e->amount);
		if (check_amount(e->amount, err, ewhat))
			return -1;
		p->spent += e->amount;
		u->spent += e->amount;
		if (u->spent > RG_AMOUNT_MAX)
			return bd_fail(err, "%s: the entries add up to more than 100 000 000 000 000 kr", what);
	}
	u->remaining = u->available - u->spent;
	return 0;
}

static int compute_grant(struct rg_year *y, struct rg_grant *g, struct bd_error *err)
{
	char where[300];
	bd_strf(where, sizeof(where), "year %d, grant '%s'", y->year, g->key);
	if (g->has_amount && check_amount(g->amount, err, where))
		return -1;
	g->has_breakdown = g->nlines > 0;
	g->breakdown = 0;
	if (g->nlines && sum_lines(g->lines, g->nlines, where, &g->breakdown, err))
		return -1;
	const struct rg_application *a = g->application;
	if (a) {
		if ((a->has_applied && check_amount(a->applied, err, where)) ||
		    (a->has_granted && check_amount(a->granted, err, where)))
			return -1;
		if (a->outcome == RG_REJECTED && a->has_granted && a->granted)
			return bd_fail(err, "%s: the application was rejected but %lld kr is granted", where,
				       (long long)a->granted);
		if (a->outcome == RG_GRANTED && a->has_granted && g->has_amount && a->granted != g->amount)
			return bd_fail(err, "%s: the amount %lld kr differs from the granted amount %lld kr", where,
				       (long long)g->amount, (long long)a->granted);
	}
	if (a && a->outcome == RG_GRANTED && !a->has_granted && !g->has_amount)
		return bd_fail(err, "%s: the application was granted but gives no granted amount (expected "
				    "application.granted, or the grant's amount)",
			       where);
	if (g->has_amount)
		g->total = g->amount;
	else if (a && a->outcome == RG_GRANTED)
		g->total = a->granted;
	else if (a && a->outcome == RG_REJECTED)
		g->total = 0;
	else if (g->nlines)
		g->total = g->breakdown;
	else if (a && a->outcome == RG_PENDING)
		g->total = 0; /* nothing received yet */
	else
		return bd_fail(err, "%s: has no amount (expected an amount, an application or lines)", where);
	for (size_t i = 0; i < g->nusage; i++) {
		for (size_t j = 0; j < i; j++)
			if (g->usage[j].year == g->usage[i].year)
				return bd_fail(err, "%s: two usage accounts for %d", where, g->usage[i].year);
		if (compute_usage(&g->usage[i], where, err))
			return -1;
	}
	return 0;
}

int rg_member_value(const struct rg_year *y, const char *ref, int64_t *out, struct bd_error *err)
{
	const char *slash = strchr(ref, '/');
	char key[200];
	size_t len = slash ? (size_t)(slash - ref) : strlen(ref);
	if (len >= sizeof(key))
		return bd_fail(err, "member '%s': the grant key is too long", ref);
	memcpy(key, ref, len);
	key[len] = '\0';
	const struct rg_grant *g = rg_grant_find(y, key);
	if (!g)
		return bd_fail(err, "member '%s': no grant '%s' in %d", ref, key, y->year);
	if (!slash) {
		*out = g->total;
		return 0;
	}
	const struct rg_line *l = rg_line_find(g, slash + 1);
	if (!l)
		return bd_fail(err, "member '%s': grant '%s' has no line '%s'", ref, key, slash + 1);
	*out = l->amount;
	return 0;
}

/* Coverage: which grants and lines the top-level rows count.  A mark per
 * grant and per line (by address). */
struct cover {
	const void **what;
	const char **row;
	size_t n, cap;
};

static const char *cover_find(const struct cover *c, const void *p)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->what[i] == p)
			return c->row[i];
	return NULL;
}

static void cover_add(struct cover *c, const void *p, const char *row)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->what = xreallocarray(c->what, c->cap, sizeof(*c->what));
		c->row = xreallocarray(c->row, c->cap, sizeof(*c->row));
	}
	c->what[c->n] = p;
	c->row[c->n++] = row;
}

/* counted_by: the row that counts line l or one of its ancestors/descendants. */
static const char *line_overlap(const struct cover *c, const struct rg_line *l)
{
	const char *r = cover_find(c, l);
	for (size_t i = 0; i < l->nlines && !r; i++)
		r = line_overlap(c, &l->lines[i]);
	return r;
}

static int mark_member(struct rg_year *y, const char *ref, const char *row, struct cover *c, struct bd_error *err)
{
	const char *slash = strchr(ref, '/');
	size_t len = slash ? (size_t)(slash - ref) : strlen(ref);
	const struct rg_grant *g = NULL;
	for (size_t i = 0; i < y->ngrants && !g; i++)
		if (strlen(y->grants[i].key) == len && memcmp(y->grants[i].key, ref, len) == 0)
			g = &y->grants[i];
	if (!g)
		return 0; /* reported by rg_member_value */
	const char *other = cover_find(c, g);
	if (!slash) {
		for (size_t i = 0; i < g->nlines && !other; i++)
			other = line_overlap(c, &g->lines[i]);
		if (other)
			return bd_fail(err, "year %d, summary row '%s': grant '%s' is already counted by row '%s'",
				       y->year, row, g->key, other);
		cover_add(c, g, row);
		return 0;
	}
	/* A line: neither it, its ancestors, its grant nor its descendants may
	 * be counted already. */
	const struct rg_line *lines = g->lines, *l = NULL;
	size_t n = g->nlines;
	const char *path = slash + 1;
	while (*path && !other) {
		l = line_step(lines, n, path, &path);
		if (!l)
			return 0;
		other = cover_find(c, l);
		lines = l->lines;
		n = l->nlines;
	}
	if (!other && l)
		other = line_overlap(c, l);
	if (other)
		return bd_fail(err, "year %d, summary row '%s': '%s' overlaps what row '%s' already counts", y->year,
			       row, ref, other);
	cover_add(c, l, row);
	return 0;
}

/* line_uncovered: the first line of lines (path into out) no row counts. */
static bool line_uncovered(const struct cover *c, const struct rg_line *l, char *out, size_t len)
{
	if (cover_find(c, l))
		return false;
	if (!l->nlines) {
		bd_strf(out, len, "%s", l->key);
		return true;
	}
	for (size_t i = 0; i < l->nlines; i++) {
		char sub[256];
		if (line_uncovered(c, &l->lines[i], sub, sizeof(sub))) {
			bd_strf(out, len, "%s/%s", l->key, sub);
			return true;
		}
	}
	return false;
}

static bool grant_touched(const struct cover *c, const struct rg_grant *g)
{
	if (cover_find(c, g))
		return true;
	for (size_t i = 0; i < g->nlines; i++)
		if (line_overlap(c, &g->lines[i]))
			return true;
	return false;
}

static int row_values(struct rg_year *y, struct rg_row *row, const char *section, struct bd_error *err)
{
	row->value = 0;
	if (row->has_members)
		for (size_t i = 0; i < row->nmembers; i++) {
			int64_t v;
			if (rg_member_value(y, row->members[i], &v, err)) {
				bd_prefix(err, "year %d, summary row '%s'", y->year, row->key);
				return -1;
			}
			if (!rg_add(&row->value, v))
				return bd_fail(err, "year %d, summary row '%s': its members add up to more than "
					       "100 000 000 000 000 kronor", y->year, row->key);
		}
	if (!row->section)
		row->section = (char *)section;
	else if (section && strcmp(row->section, section) != 0)
		return bd_fail(err, "year %d, summary row '%s': a varav row is in its row's section '%s', not '%s'",
			       y->year, row->key, section, row->section);
	for (size_t i = 0; i < row->nrows; i++)
		if (row_values(y, &row->rows[i], row->section, err))
			return -1;
	return 0;
}

/* member_section: the section of the grant a member names. */
static const char *member_section(const struct rg_year *y, const char *ref)
{
	const char *slash = strchr(ref, '/');
	size_t len = slash ? (size_t)(slash - ref) : strlen(ref);
	for (size_t i = 0; i < y->ngrants; i++)
		if (strlen(y->grants[i].key) == len && memcmp(y->grants[i].key, ref, len) == 0)
			return y->grants[i].section;
	return NULL;
}

static bool section_known(const struct rg_year *y, const char *key)
{
	for (size_t i = 0; i < y->nsections; i++)
		if (strcmp(y->sections[i].key, key) == 0)
			return true;
	return false;
}

static int collect_row_keys(const struct rg_row *rows, size_t n, const char **keys, size_t *nkeys, int year,
			    struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (key_repeated(rows[i].key, keys, *nkeys))
			return bd_fail(err, "year %d: summary row key '%s' is used twice", year, rows[i].key);
		keys[(*nkeys)++] = rows[i].key;
		if (collect_row_keys(rows[i].rows, rows[i].nrows, keys, nkeys, year, err))
			return -1;
	}
	return 0;
}

static size_t count_rows(const struct rg_row *rows, size_t n)
{
	size_t k = n;
	for (size_t i = 0; i < n; i++)
		k += count_rows(rows[i].rows, rows[i].nrows);
	return k;
}

static int compute_summary(struct rg_register *r, struct rg_year *y, struct bd_error *err)
{
	if (!y->summary_given) {
		size_t n = 0;
		for (size_t i = 0; i < y->ngrants; i++)
			n += y->grants[i].in_summary;
		y->summary = rg_alloc(r, n, sizeof(*y->summary));
		y->nsummary = 0;
		for (size_t i = 0; i < y->ngrants; i++) {
			struct rg_grant *g = &y->grants[i];
			if (!g->in_summary)
				continue;
			struct rg_row *row = &y->summary[y->nsummary++];
			row->key = g->key;
			row->label = g->label ? g->label : g->title;
			row->section = g->section;
			row->has_members = true;
			row->members = rg_alloc(r, 1, sizeof(char *));
			row->members[0] = g->key;
			row->nmembers = 1;
		}
	}
	size_t nkeys = 0;
	const char **keys = xcalloc(count_rows(y->summary, y->nsummary) + 1, sizeof(char *));
	int rc = collect_row_keys(y->summary, y->nsummary, keys, &nkeys, y->year, err);
	free(keys);
	if (rc)
		return -1;
	struct cover c = {0};
	rc = 0;
	for (size_t i = 0; i < y->nsummary && !rc; i++) {
		struct rg_row *row = &y->summary[i];
		/* A row's section: as given, else its members' (which must agree). */
		const char *sec = row->section;
		for (size_t j = 0; j < row->nmembers && !rc; j++) {
			const char *ms = member_section(y, row->members[j]);
			if (!ms)
				continue;
			if (!sec)
				sec = ms;
			else if (strcmp(sec, ms) != 0)
				rc = bd_fail(err, "year %d, summary row '%s': member '%s' is in section '%s', the row in '%s'",
					     y->year, row->key, row->members[j], ms, sec);
		}
		if (rc)
			break;
		if (y->nsections && !sec)
			rc = bd_fail(err, "year %d, summary row '%s': no section (give \"section\", or members)", y->year,
				     row->key);
		else if (sec && !section_known(y, sec))
			rc = bd_fail(err, "year %d, summary row '%s': unknown section '%s'", y->year, row->key, sec);
		if (rc)
			break;
		row->section = (char *)sec;
		rc = row_values(y, row, sec, err);
		for (size_t j = 0; j < row->nmembers && !rc; j++)
			rc = mark_member(y, row->members[j], row->key, &c, err);
	}
	/* Every grant counted once, whole or by all of its lines. */
	for (size_t i = 0; i < y->ngrants && !rc; i++) {
		const struct rg_grant *g = &y->grants[i];
		bool touched = grant_touched(&c, g);
		if (!g->in_summary) {
			if (touched)
				rc = bd_fail(err, "year %d: grant '%s' has \"summary\": false but a summary row counts it",
					     y->year, g->key);
			continue;
		}
		if (!touched) {
			rc = bd_fail(err, "year %d: grant '%s' is in no summary row (add it to a row, or give it "
					  "\"summary\": false)",
				     y->year, g->key);
			break;
		}
		if (cover_find(&c, g))
			continue;
		for (size_t j = 0; j < g->nlines && !rc; j++) {
			char path[300];
			if (line_uncovered(&c, &g->lines[j], path, sizeof(path)))
				rc = bd_fail(err, "year %d: line '%s/%s' is in no summary row, while other lines of "
						  "grant '%s' are",
					     y->year, g->key, path, g->key);
		}
	}
	free(c.what);
	free(c.row);
	return rc;
}

int rg_compute(struct rg_register *r, struct bd_error *err)
{
	for (size_t i = 0; i < r->nyears; i++) {
		struct rg_year *y = &r->years[i];
		for (size_t j = 0; j < i; j++)
			if (r->years[j].year == y->year)
				return bd_fail(err, "year %d is given twice", y->year);
		for (size_t j = 0; j < y->nsections; j++)
			for (size_t k = 0; k < j; k++)
				if (strcmp(y->sections[k].key, y->sections[j].key) == 0)
					return bd_fail(err, "year %d: section key '%s' is used twice", y->year,
						       y->sections[j].key);
		for (size_t j = 0; j < y->ngrants; j++) {
			struct rg_grant *g = &y->grants[j];
			for (size_t k = 0; k < j; k++)
				if (strcmp(y->grants[k].key, g->key) == 0)
					return bd_fail(err, "year %d: grant key '%s' is used twice", y->year, g->key);
			if (y->nsections && !g->section)
				return bd_fail(err, "year %d, grant '%s': no section (the year has sections)", y->year,
					       g->key);
			if (g->section && !section_known(y, g->section))
				return bd_fail(err, "year %d, grant '%s': unknown section '%s'", y->year, g->key,
					       g->section);
			if (compute_grant(y, g, err))
				return -1;
		}
		/* The year's grants, and so every sum of them (sections, totals,
		 * comparisons), stay within bounds. */
		int64_t all = 0;
		for (size_t j = 0; j < y->ngrants; j++)
			if (!rg_add(&all, y->grants[j].total))
				return bd_fail(err, "year %d: the grants add up to more than 100 000 000 000 000 kronor",
					       y->year);
	}
	/* replaces: checked against the previous year when it is here. */
	for (size_t i = 0; i < r->nyears; i++) {
		struct rg_year *y = &r->years[i];
		const struct rg_year *prev = rg_year_find(r, y->year - 1);
		for (size_t j = 0; j < y->ngrants && prev; j++)
			for (size_t k = 0; k < y->grants[j].nreplaces; k++)
				if (!rg_grant_find(prev, y->grants[j].replaces[k]))
					return bd_fail(err, "year %d, grant '%s': replaces '%s', which is not a grant of %d",
						       y->year, y->grants[j].key, y->grants[j].replaces[k], prev->year);
		if (compute_summary(r, y, err))
			return -1;
		int64_t all = 0;
		for (size_t j = 0; j < y->nsummary; j++)
			if (!rg_add(&all, y->summary[j].value))
				return bd_fail(err, "year %d: the summary rows add up to more than 100 000 000 000 000 kronor",
					       y->year);
	}
	return 0;
}

size_t rg_discrepancies(const struct rg_register *r, rg_discrepancy_fn fn, void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nyears; i++) {
		const struct rg_year *y = &r->years[i];
		for (size_t j = 0; j < y->ngrants; j++) {
			const struct rg_grant *g = &y->grants[j];
			if (g->has_breakdown && g->total != g->breakdown) {
				struct rg_discrepancy d = {y->year, g->key, "breakdown", g->total, g->breakdown, 0};
				if (fn)
					fn(ctx, &d);
				n++;
			}
			for (size_t k = 0; k < g->nusage; k++) {
				const struct rg_usage *u = &g->usage[k];
				if (u->remaining < 0) {
					struct rg_discrepancy d = {y->year, g->key, "overspent", u->available, u->spent,
								   u->year};
					if (fn)
						fn(ctx, &d);
					n++;
				}
			}
		}
	}
	return n;
}

/* The comparison. */

struct flat_row {
	const struct rg_row *row;
	const struct rg_row *parent;
	int level;
};

static void flatten(const struct rg_row *rows, size_t n, const struct rg_row *parent, int level,
		    struct flat_row *out, size_t *k)
{
	for (size_t i = 0; i < n; i++) {
		out[(*k)++] = (struct flat_row){&rows[i], parent, level};
		flatten(rows[i].rows, rows[i].nrows, &rows[i], level + 1, out, k);
	}
}

static const struct flat_row *flat_find(const struct flat_row *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].row->key, key) == 0)
			return &f[i];
	return NULL;
}

static const char *section_title(const struct rg_year *y, const char *key)
{
	for (size_t i = 0; y && i < y->nsections; i++)
		if (strcmp(y->sections[i].key, key) == 0)
			return y->sections[i].title;
	return NULL;
}

static void fill_row(struct rg_cmp_row *out, const struct flat_row *a, const struct flat_row *b)
{
	const struct flat_row *main = b ? b : a;
	memset(out, 0, sizeof(*out));
	out->key = main->row->key;
	out->label = main->row->label ? main->row->label : main->row->key;
	out->note = main->row->note;
	out->level = main->level;
	const struct flat_row *yr[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		out->year_level[i] = yr[i] ? yr[i]->level : -1;
		if (yr[i] && yr[i]->row->has_members) {
			out->has[i] = true;
			out->value[i] = yr[i]->row->value;
		}
	}
	if (a && b) {
		const char *pa = a->parent ? a->parent->key : NULL, *pb = b->parent ? b->parent->key : NULL;
		if ((pa == NULL) != (pb == NULL) || (pa && strcmp(pa, pb) != 0))
			out->moved = a->parent ? (a->parent->label ? a->parent->label : a->parent->key) : "";
		const char *la = a->row->label ? a->row->label : a->row->key;
		if (strcmp(la, out->label) != 0)
			out->earlier_label = la;
	}
}

/* in_section: whether a row of section key sk (NULL: the unnamed one)
 * belongs to the section. */
static bool in_section(const char *sk, const char *row_section)
{
	if ((sk == NULL) != (row_section == NULL))
		return false;
	return !sk || strcmp(sk, row_section) == 0;
}

/* The rows of the comparison are placed section by section; from[i] is the
 * earlier year's row shown by sec->rows[i] (NULL when the earlier year has
 * none), so that a row of the earlier year only can find its own parent and
 * its predecessor. */
struct placing {
	struct rg_cmp_section *sec;
	const struct flat_row **from;
};

static void place_at(struct placing *p, size_t at, const struct flat_row *a, const struct flat_row *b, int level)
{
	struct rg_cmp_section *sec = p->sec;
	memmove(&sec->rows[at + 1], &sec->rows[at], (sec->nrows - at) * sizeof(*sec->rows));
	memmove(&p->from[at + 1], &p->from[at], (sec->nrows - at) * sizeof(*p->from));
	fill_row(&sec->rows[at], a, b);
	sec->rows[at].level = level;
	p->from[at] = a;
	sec->nrows++;
}

/* block_end: the position after row i and the rows under it. */
static size_t block_end(const struct rg_cmp_section *sec, size_t i)
{
	size_t j = i + 1;
	while (j < sec->nrows && sec->rows[j].level > sec->rows[i].level)
		j++;
	return j;
}

/* placed: where the earlier year's row a is shown, in section *s at *i. */
static bool placed(const struct placing *pl, size_t npl, const struct flat_row *a, size_t *s, size_t *i)
{
	for (size_t k = 0; k < npl; k++)
		for (size_t j = 0; j < pl[k].sec->nrows; j++)
			if (pl[k].from[j] == a) {
				*s = k;
				*i = j;
				return true;
			}
	return false;
}

/* place_earlier_only: the earlier year's row fa[k], which the later year
 * does not have.  This is the one rule of where such a row goes, and every
 * format shows the comparison's rows in its order:
 *  - a varav row goes under its own year's parent, wherever that parent is
 *    shown (alone, or matched to a row of the later year), after the rows
 *    already under it, never under a row it was not part of;
 *  - a row that stood alone goes after the block (the row and its varav
 *    rows) of its nearest predecessor among the earlier year's rows that
 *    stood alone in the same section, when that predecessor is shown in
 *    the section (under a row of the later year: after that row's block);
 *    with none, first in its section. */
static void place_earlier_only(struct placing *pl, size_t npl, const char *const *keys, const struct flat_row *fa,
			       size_t k)
{
	const struct flat_row *a = &fa[k];
	size_t s, i;
	if (a->parent) {
		/* The parent comes before its rows in the earlier order, so it
		 * is shown by now: matched, or placed as an earlier-only row. */
		const struct flat_row *pa = NULL;
		for (size_t j = k; j-- > 0;)
			if (fa[j].row == a->parent) {
				pa = &fa[j];
				break;
			}
		if (pa && placed(pl, npl, pa, &s, &i)) {
			place_at(&pl[s], block_end(pl[s].sec, i), a, NULL, pl[s].sec->rows[i].level + 1);
			return;
		}
	}
	for (s = 0; s < npl; s++)
		if (in_section(keys[s], a->row->section))
			break;
	if (s == npl)
		return; /* not reached: every section of either year has its own */
	size_t at = 0;
	for (size_t j = k; j-- > 0;) {
		size_t ps, pi;
		if (fa[j].level != 0 || !in_section(keys[s], fa[j].row->section) || !placed(pl, npl, &fa[j], &ps, &pi) ||
		    ps != s)
			continue;
		while (pi > 0 && pl[s].sec->rows[pi].level > 0)
			pi--;
		at = block_end(pl[s].sec, pi);
		break;
	}
	place_at(&pl[s], at, a, NULL, 0);
}

int rg_compare(struct rg_register *r, const struct rg_year *earlier, const struct rg_year *later,
	       struct rg_comparison *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!later)
		return bd_fail(err, "no year to compare");
	out->year[0] = earlier ? earlier->year : 0;
	out->year[1] = later->year;
	size_t na = 0, nb = 0;
	size_t ca = earlier ? count_rows(earlier->summary, earlier->nsummary) : 0;
	size_t cb = count_rows(later->summary, later->nsummary);
	struct flat_row *fa = xcalloc(ca + 1, sizeof(*fa)), *fb = xcalloc(cb + 1, sizeof(*fb));
	if (earlier)
		flatten(earlier->summary, earlier->nsummary, NULL, 0, fa, &na);
	flatten(later->summary, later->nsummary, NULL, 0, fb, &nb);

	/* Sections: the later year's, then any only the earlier year has; a
	 * year without sections has one unnamed section. */
	size_t nsec_max = later->nsections + (earlier ? earlier->nsections : 0) + 1;
	out->sections = rg_alloc(r, nsec_max, sizeof(*out->sections));
	const char **keys = xcalloc(nsec_max, sizeof(char *));
	size_t nsec = 0;
	for (size_t i = 0; i < later->nsections; i++)
		keys[nsec++] = later->sections[i].key;
	for (size_t i = 0; earlier && i < earlier->nsections; i++)
		if (!key_repeated(earlier->sections[i].key, keys, nsec))
			keys[nsec++] = earlier->sections[i].key;
	/* A year without sections has its rows in no section: they get an
	 * unnamed section of their own rather than being lost. */
	if (nsec == 0 || later->nsections == 0 || (earlier && earlier->nsections == 0))
		keys[nsec++] = NULL;

	struct placing *pl = xcalloc(nsec, sizeof(*pl));
	for (size_t s = 0; s < nsec; s++) {
		struct rg_cmp_section *sec = &out->sections[out->nsections++];
		const char *sk = keys[s];
		pl[s].sec = sec;
		pl[s].from = xcalloc(na + nb + 1, sizeof(*pl[s].from));
		sec->key = sk;
		sec->title = sk ? section_title(later, sk) : NULL;
		if (sk && !sec->title)
			sec->title = section_title(earlier, sk);
		sec->rows = rg_alloc(r, na + nb + 1, sizeof(*sec->rows));
		/* Each year is summed by its own grouping: its rows that stand
		 * alone, never its varav rows. */
		for (int yi = 0; yi < 2; yi++) {
			const struct rg_year *y = yi ? later : earlier;
			for (size_t i = 0; y && i < y->nsummary; i++) {
				const struct rg_row *row = &y->summary[i];
				if (!in_section(sk, row->section))
					continue;
				sec->has[yi] = true;
				sec->sum[yi] += row->value;
			}
		}
		/* The later year's rows, in its order and with its levels, each
		 * with the earlier year's row of the same key. */
		for (size_t bi = 0; bi < nb; bi++)
			if (in_section(sk, fb[bi].row->section))
				place_at(&pl[s], sec->nrows, flat_find(fa, na, fb[bi].row->key), &fb[bi], fb[bi].level);
	}
	/* Then the earlier year's rows the later year does not have, in the
	 * earlier order, so that a parent is shown before its rows. */
	for (size_t k = 0; k < na; k++)
		if (!flat_find(fb, nb, fa[k].row->key))
			place_earlier_only(pl, nsec, keys, fa, k);
	for (size_t s = 0; s < nsec; s++) {
		for (int yi = 0; yi < 2; yi++)
			out->total[yi] += out->sections[s].sum[yi];
		free(pl[s].from);
	}
	free(pl);
	free(keys);
	free(fa);
	free(fb);
	return 0;
}

bool rg_cmp_counted(const struct rg_cmp_row *r, int k)
{
	return k >= 0 && k < 2 && r->has[k] && r->year_level[k] == 0;
}

char *fmt_mkr(int64_t kr, char *buf)
{
	return fmt_rat_decimal(kr, 1000000, 2, true, buf);
}

char *fmt_mkr_change(int64_t diff, char *buf)
{
	char *n = buf + 1;
	fmt_mkr(diff, n);
	if (strcmp(n[0] == '-' ? n + 1 : n, "0,00") == 0)
		return strcpy(buf, "0,00");
	if (diff > 0) {
		buf[0] = '+';
		return buf;
	}
	return n;
}

const char *rg_outcome_name(enum rg_outcome o)
{
	switch (o) {
	case RG_GRANTED: return "granted";
	case RG_REJECTED: return "rejected";
	case RG_PENDING: return "pending";
	case RG_OUTCOME_NONE: break;
	}
	return "";
}

const char *rg_outcome_sv(enum rg_outcome o)
{
	switch (o) {
	case RG_GRANTED: return "Beviljat";
	case RG_REJECTED: return "Avslag";
	case RG_PENDING: return "Ej avgjort";
	case RG_OUTCOME_NONE: break;
	}
	return "";
}
