#include "statseries.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"

#define AGE_INF LONG_MAX

/* buf_take: the text of b, "" when nothing was added (malloc'd). */
static char *buf_take(struct buf *b)
{
	return b->data ? b->data : xstrdup("");
}

int stat_pick_parse(char *text, struct stat_pick *pick, struct bd_error *err)
{
	char *eq = strchr(text, '=');
	if (!eq)
		return bd_fail(err, "--select '%s': expected DIMENSION=VALUE, such as 'Kön=kvinnor' or 'Ålder=15-44'",
			       text);
	*eq = '\0';
	char *dim = text, *value = eq + 1;
	while (*dim == ' ')
		dim++;
	for (char *e = dim + strlen(dim); e > dim && e[-1] == ' ';)
		*--e = '\0';
	while (*value == ' ')
		value++;
	for (char *e = value + strlen(value); e > value && e[-1] == ' ';)
		*--e = '\0';
	if (!*dim || !*value) {
		*eq = '=';
		return bd_fail(err, "--select '%s': expected DIMENSION=VALUE with both parts, such as 'Kön=kvinnor'",
			       text);
	}
	pick->dim = dim;
	pick->value = value;
	return 0;
}

/* ---- Ages ------------------------------------------------------------- */

/* strip_suffix: when f ends with one of the words, cut it (and the spaces
 * before it); returns whether it did. */
static bool strip_suffix(char *f, const char *const *words, size_t n)
{
	size_t len = strlen(f);
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);
		if (len >= wl && strcmp(f + len - wl, words[i]) == 0) {
			f[len - wl] = '\0';
			for (size_t l = len - wl; l > 0 && f[l - 1] == ' '; l--)
				f[l - 1] = '\0';
			return true;
		}
	}
	return false;
}

static bool read_age(const char **p, long *out)
{
	const char *s = *p;
	long v = 0;
	int nd = 0;
	while (*s >= '0' && *s <= '9' && nd < 4) {
		v = v * 10 + (*s - '0');
		s++;
		nd++;
	}
	if (!nd || (*s >= '0' && *s <= '9'))
		return false;
	*out = v;
	*p = s;
	return true;
}

/* age_interval: the ages a text names: "15", "15 år", "15 years" [15, 15];
 * "15-19 år", "15–19" [15, 19]; "100+", "100+ år", "65 år och äldre",
 * "80-" [N, inf); "-14" [0, 14].  false for anything else. */
static bool age_interval(const char *text, long *lo, long *hi)
{
	char *f = stat_text_fold(text);
	/* An en dash as a hyphen. */
	for (char *p = f; (p = strstr(p, "\xe2\x80\x93")) != NULL;) {
		*p = '-';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	static const char *const open_words[] = {"och äldre", "och över", "and over", "and older", "or older",
						 "or over", "+"};
	static const char *const units[] = {"år", "years", "year", "years old", "åringar", "y"};
	bool open = false;
	strip_suffix(f, units, BD_ARRAY_LEN(units));
	if (strip_suffix(f, open_words, BD_ARRAY_LEN(open_words))) {
		open = true;
		strip_suffix(f, units, BD_ARRAY_LEN(units));
	}
	const char *p = f;
	bool ok = false;
	long a, b;
	if (*p == '-') { /* "-14": up to 14 */
		p++;
		while (*p == ' ')
			p++;
		ok = !open && read_age(&p, &b) && !*p;
		if (ok) {
			*lo = 0;
			*hi = b;
		}
	} else if (read_age(&p, &a)) {
		while (*p == ' ')
			p++;
		if (!*p) {
			ok = true;
			*lo = a;
			*hi = open ? AGE_INF : a;
		} else if (*p == '-' && !open) {
			p++;
			while (*p == ' ')
				p++;
			if (!*p) { /* "80-": 80 and over */
				ok = true;
				*lo = a;
				*hi = AGE_INF;
			} else if (read_age(&p, &b) && !*p && b >= a) {
				ok = true;
				*lo = a;
				*hi = b;
			}
		}
	}
	free(f);
	return ok;
}

static void age_text(struct buf *b, long lo, long hi)
{
	if (hi == AGE_INF)
		buf_addf(b, "%ld+", lo);
	else if (lo == hi)
		buf_addf(b, "%ld", lo);
	else
		buf_addf(b, "%ld-%ld", lo, hi);
}

/* ---- Choosing in one dimension ---------------------------------------- */

struct dimsel {
	size_t *cat;
	size_t n;
	char *how; /* for the provenance: "kön=kvinnor" */
};

static bool is_total(const struct stat_dim *d, size_t i)
{
	return (d->elim >= 0 && (size_t)d->elim == i) || stat_is_total(&d->cat[i]);
}

static void cat_text(struct buf *b, const struct stat_category *k)
{
	size_t cl = strlen(k->code);
	if (strcmp(k->code, k->label) == 0 || (strncmp(k->label, k->code, cl) == 0 && k->label[cl] == ' '))
		buf_adds(b, k->label);
	else
		buf_addf(b, "%s %s", k->code, k->label);
}

/* The values of d for a message: "1 män, 2 kvinnor", the first 12. */
static char *values_list(const struct stat_dim *d)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	size_t show = d->ncat > 12 ? 10 : d->ncat;
	for (size_t i = 0; i < show; i++) {
		if (i)
			buf_adds(&b, ", ");
		cat_text(&b, &d->cat[i]);
	}
	if (show < d->ncat)
		buf_addf(&b, ", ... (%zu values in all)", d->ncat);
	return buf_take(&b);
}

static const char *dname(const struct stat_dim *d, char *buf, size_t n)
{
	return statcube_dim_name(d, buf, n);
}

/* exact: the categories whose code or label is text (folded). */
static size_t exact(const struct stat_dim *d, const char *text, size_t *found, size_t max)
{
	char *want = stat_text_fold(text);
	size_t n = 0;
	for (size_t i = 0; i < d->ncat; i++) {
		char *code = stat_text_fold(d->cat[i].code), *label = stat_text_fold(d->cat[i].label);
		if (strcmp(code, want) == 0 || strcmp(label, want) == 0) {
			if (n < max)
				found[n] = i;
			n++;
		}
		free(code);
		free(label);
	}
	free(want);
	return n;
}

/* one_value: text as one category of d by code or label (not a range).
 * Returns 1 found, 0 no match, -1 error (ambiguous). */
static int one_value(const struct stat_cube *c, const struct stat_dim *d, const char *text, size_t *out,
		     struct bd_error *err)
{
	size_t found[8];
	size_t n = exact(d, text, found, 8);
	if (n == 0)
		return 0;
	if (n == 1) {
		*out = found[0];
		return 1;
	}
	char nm[256];
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (i)
			buf_adds(&b, ", ");
		buf_addf(&b, "'%s'", d->cat[found[i]].code);
	}
	bd_fail(err, "%s: '%s' is the label of %zu values of '%s' (codes %s): choose one by its code", c->origin,
		text, n, dname(d, nm, sizeof(nm)), b.data ? b.data : "");
	buf_release(&b);
	return -1;
}

/* age_range: the categories of d within [lo, hi]; text is the user's. */
static int age_range(const struct stat_cube *c, const struct stat_dim *d, const char *text, long lo, long hi,
		     size_t **cats, size_t *ncats, struct bd_error *err)
{
	char nm[256];
	size_t n = 0;
	size_t *in = xcalloc(d->ncat, sizeof(*in));
	long *ilo = xcalloc(d->ncat, sizeof(*ilo)), *ihi = xcalloc(d->ncat, sizeof(*ihi));
	size_t nages = 0;
	int rc = 0;
	for (size_t i = 0; i < d->ncat && !rc; i++) {
		long a, b;
		if (is_total(d, i) || !age_interval(d->cat[i].label, &a, &b))
			continue;
		nages++;
		bool overlaps = a <= hi && b >= lo;
		bool inside = a >= lo && b <= hi;
		if (overlaps && !inside) {
			struct buf m;
			buf_init(&m, SIZE_MAX);
			age_text(&m, a, b);
			rc = bd_fail(err, "%s: the range '%s' of '%s' cuts the group '%s' (ages %s): choose a range whose ends "
					  "fall on the file's groups", c->origin, text, dname(d, nm, sizeof(nm)),
				     d->cat[i].label, m.data);
			buf_release(&m);
			break;
		}
		if (inside) {
			ilo[n] = a;
			ihi[n] = b;
			in[n++] = i;
		}
	}
	if (!rc && nages == 0) {
		char *vl = values_list(d);
		rc = bd_fail(err, "%s: '%s' is an age range, but no value of '%s' is an age (values: %s)", c->origin, text,
			     dname(d, nm, sizeof(nm)), vl);
		free(vl);
	}
	/* The categories must tile [lo, hi]: sort by start, no overlap, no gap. */
	for (size_t i = 1; i < n && !rc; i++)
		for (size_t j = i; j > 0 && (ilo[j - 1] > ilo[j] || (ilo[j - 1] == ilo[j] && ihi[j - 1] > ihi[j])); j--) {
			long t = ilo[j];
			ilo[j] = ilo[j - 1];
			ilo[j - 1] = t;
			t = ihi[j];
			ihi[j] = ihi[j - 1];
			ihi[j - 1] = t;
			size_t u = in[j];
			in[j] = in[j - 1];
			in[j - 1] = u;
		}
	long next = lo;
	for (size_t i = 0; i < n && !rc; i++) {
		if (ilo[i] < next) {
			rc = bd_fail(err, "%s: '%s' is ambiguous in '%s': the file has overlapping age groups ('%s' and '%s'); "
					  "list the values to sum instead, e.g. '%s=%s,...'", c->origin, text,
				     dname(d, nm, sizeof(nm)), d->cat[in[i - 1]].label, d->cat[in[i]].label, d->label,
				     d->cat[in[i - 1]].code);
			break;
		}
		if (ilo[i] > next) {
			struct buf m;
			buf_init(&m, SIZE_MAX);
			age_text(&m, next, ilo[i] - 1);
			rc = bd_fail(err, "%s: no value of '%s' covers the ages %s of the range '%s'", c->origin,
				     dname(d, nm, sizeof(nm)), m.data, text);
			buf_release(&m);
			break;
		}
		next = ihi[i] == AGE_INF ? AGE_INF : ihi[i] + 1;
	}
	if (!rc && n && next != AGE_INF && (hi == AGE_INF || next <= hi)) {
		struct buf m;
		buf_init(&m, SIZE_MAX);
		age_text(&m, next, hi);
		rc = bd_fail(err, "%s: no value of '%s' covers the ages %s of the range '%s'", c->origin,
			     dname(d, nm, sizeof(nm)), m.data, text);
		buf_release(&m);
	}
	if (!rc && n == 0)
		rc = bd_fail(err, "%s: no value of '%s' lies in the range '%s'", c->origin, dname(d, nm, sizeof(nm)), text);
	free(ilo);
	free(ihi);
	if (rc) {
		free(in);
		return rc;
	}
	*cats = in;
	*ncats = n;
	return 0;
}

/* pick_item: one value, or one range, of d into the list. */
static int pick_item(const struct stat_cube *c, const struct stat_dim *d, const char *text, bool ranges,
		     size_t **cats, size_t *ncats, struct bd_error *err)
{
	size_t one;
	int r = one_value(c, d, text, &one, err);
	if (r < 0)
		return -1;
	if (r == 1) {
		*cats = xmalloc(sizeof(**cats));
		**cats = one;
		*ncats = 1;
		return 0;
	}
	long lo, hi;
	char nm[256];
	if (age_interval(text, &lo, &hi)) {
		if (!ranges) {
			char *vl = values_list(d);
			bd_failc(err, BD_NOT_FOUND, "%s: '%s' takes one value, not a range: no value '%s' (values: %s)",
				 c->origin, dname(d, nm, sizeof(nm)), text, vl);
			free(vl);
			return -1;
		}
		return age_range(c, d, text, lo, hi, cats, ncats, err);
	}
	char *vl = values_list(d);
	bd_failc(err, BD_NOT_FOUND, "%s: no value '%s' in '%s' (values: %s)", c->origin, text,
		 dname(d, nm, sizeof(nm)), vl);
	free(vl);
	return -1;
}

/* check_no_double: the chosen categories of d never count a person twice:
 * no category twice, no total beside others, no category beside one above
 * it in a hierarchy, no two age groups that overlap. */
static int check_no_double(const struct stat_cube *c, const struct stat_dim *d, const size_t *cat, size_t n,
			   struct bd_error *err)
{
	char nm[256];
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (cat[i] == cat[j])
				return bd_fail(err, "%s: '%s' of '%s' is chosen twice: it would be counted twice", c->origin,
					       d->cat[cat[i]].label, dname(d, nm, sizeof(nm)));
		if (n > 1 && is_total(d, cat[i]))
			return bd_fail(err, "%s: '%s' is the total of '%s': chosen with other values it would count them "
					    "twice; choose the total alone, or only its parts", c->origin,
				       d->cat[cat[i]].label, dname(d, nm, sizeof(nm)));
		for (size_t j = 0; j < n; j++)
			for (int64_t p = d->cat[cat[j]].parent; p >= 0 && j != i; p = d->cat[p].parent)
				if ((size_t)p == cat[i])
					return bd_fail(err, "%s: '%s' lies within '%s' in the hierarchy of '%s': choosing both "
							    "counts it twice", c->origin, d->cat[cat[j]].label,
						       d->cat[cat[i]].label, dname(d, nm, sizeof(nm)));
	}
	for (size_t i = 0; i < n; i++) {
		long a, b, x, y;
		if (!age_interval(d->cat[cat[i]].label, &a, &b))
			continue;
		for (size_t j = 0; j < i; j++)
			if (age_interval(d->cat[cat[j]].label, &x, &y) && a <= y && x <= b)
				return bd_fail(err, "%s: the ages of '%s' and '%s' of '%s' overlap: summing both counts "
						    "some people twice", c->origin, d->cat[cat[j]].label, d->cat[cat[i]].label,
					       dname(d, nm, sizeof(nm)));
	}
	return 0;
}

/* pick: the user's value text for dimension d. */
static int pick(const struct stat_cube *c, const struct stat_dim *d, const char *text, bool many,
		struct dimsel *out, struct bd_error *err)
{
	size_t *cats = NULL, n = 0;
	size_t one;
	char nm[256];
	int r = one_value(c, d, text, &one, err);
	if (r < 0)
		return -1;
	if (r == 1) {
		cats = xmalloc(sizeof(*cats));
		cats[0] = one;
		n = 1;
	} else if (strchr(text, ',') && many) {
		char *copy = xstrdup(text);
		char *save = NULL;
		for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
			while (*item == ' ')
				item++;
			for (char *e = item + strlen(item); e > item && e[-1] == ' ';)
				*--e = '\0';
			size_t *part, np;
			if (!*item || pick_item(c, d, item, true, &part, &np, err)) {
				if (!*item)
					bd_fail(err, "%s: an empty value in '%s' for '%s'", c->origin, text,
						dname(d, nm, sizeof(nm)));
				free(copy);
				free(cats);
				return -1;
			}
			cats = xreallocarray(cats, n + np, sizeof(*cats));
			memcpy(cats + n, part, np * sizeof(*part));
			n += np;
			free(part);
		}
		free(copy);
	} else if (strchr(text, ',') && !many) {
		char *vl = values_list(d);
		bd_fail(err, "%s: '%s' takes one value, never a sum ('%s'): choose one of %s", c->origin,
			dname(d, nm, sizeof(nm)), text, vl);
		free(vl);
		return -1;
	} else if (pick_item(c, d, text, many, &cats, &n, err)) {
		return -1;
	}
	if (!many && n > 1) {
		free(cats);
		return bd_fail(err, "%s: '%s' takes one value ('%s' names %zu)", c->origin, dname(d, nm, sizeof(nm)), text,
			       n);
	}
	if (check_no_double(c, d, cats, n, err)) {
		free(cats);
		return -1;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	buf_addf(&b, "%s=%s", d->label, text);
	if (n > 1 || strcmp(text, d->cat[cats[0]].label) != 0) {
		buf_adds(&b, n > 1 ? " (sum of " : " (");
		if (n > 1)
			buf_addf(&b, "%zu: ", n);
		for (size_t i = 0; i < n; i++) {
			if (i && n > 6 && i == 2) {
				buf_adds(&b, ", ...");
				i = n - 2;
				continue;
			}
			if (i)
				buf_adds(&b, ", ");
			cat_text(&b, &d->cat[cats[i]]);
		}
		buf_adds(&b, ")");
	}
	out->cat = cats;
	out->n = n;
	out->how = buf_take(&b);
	return 0;
}

/* unpicked: a dimension the selection does not name. */
static int unpicked(const struct stat_cube *c, const struct stat_dim *d, struct dimsel *out, struct bd_error *err)
{
	char nm[256];
	struct buf b;
	buf_init(&b, SIZE_MAX);
	if (d->ncat == 1) {
		out->cat = xmalloc(sizeof(size_t));
		out->cat[0] = 0;
		out->n = 1;
		buf_addf(&b, "%s=%s (its only value)", d->label, d->cat[0].label);
		out->how = buf_take(&b);
		return 0;
	}
	if (d->role == STAT_ROLE_TIME || d->role == STAT_ROLE_CONTENT) {
		char *vl = values_list(d);
		if (d->role == STAT_ROLE_TIME)
			bd_fail(err, "%s: the table has %zu periods in '%s': choose one with --period (%s)", c->origin, d->ncat,
				dname(d, nm, sizeof(nm)), vl);
		else
			bd_fail(err, "%s: the table has %zu contents in '%s': choose one with --select '%s=VALUE' (%s)",
				c->origin, d->ncat, dname(d, nm, sizeof(nm)), d->label, vl);
		free(vl);
		return -1;
	}
	int64_t take = d->elim;
	const char *why = "the table's total, its elimination value";
	if (take < 0) {
		size_t ntot = 0;
		for (size_t i = 0; i < d->ncat; i++)
			if (stat_is_total(&d->cat[i])) {
				take = (int64_t)i;
				ntot++;
			}
		if (ntot > 1) {
			char *vl = values_list(d);
			bd_fail(err, "%s: '%s' has %zu totals: choose one with --select '%s=VALUE' (values: %s)", c->origin,
				dname(d, nm, sizeof(nm)), ntot, d->label, vl);
			free(vl);
			return -1;
		}
		why = "the table's total";
	}
	if (take >= 0) {
		out->cat = xmalloc(sizeof(size_t));
		out->cat[0] = (size_t)take;
		out->n = 1;
		buf_addf(&b, "%s=%s (%s)", d->label, d->cat[take].label, why);
		out->how = buf_take(&b);
		return 0;
	}
	if (d->elimination && !d->hierarchy) {
		out->cat = xcalloc(d->ncat, sizeof(size_t));
		for (size_t i = 0; i < d->ncat; i++)
			out->cat[i] = i;
		out->n = d->ncat;
		buf_addf(&b, "%s: all %zu values summed (the file allows leaving it out)", d->label, d->ncat);
		out->how = buf_take(&b);
		return 0;
	}
	char *vl = values_list(d);
	bd_fail(err, "%s: '%s' has %zu values and no total: choose with --select '%s=VALUE', or sum several with "
		     "--select '%s=A,B' (values: %s)", c->origin, dname(d, nm, sizeof(nm)), d->ncat, d->label, d->label,
		vl);
	free(vl);
	buf_release(&b);
	return -1;
}

/* The dimension that holds the regions. */
static int region_dim(const struct stat_cube *c, const char *name, size_t *out, struct bd_error *err)
{
	if (name)
		return statcube_find_dim(c, name, out, err);
	size_t n = 0, last = 0;
	for (size_t d = 0; d < c->ndim; d++)
		if (c->dim[d].role == STAT_ROLE_GEO) {
			n++;
			last = d;
		}
	if (n == 1) {
		*out = last;
		return 0;
	}
	static const char *const names[] = {"region", "län", "lan", "kommun", "county", "municipality", "regioner"};
	size_t m = 0;
	for (size_t d = 0; d < c->ndim; d++) {
		char *code = stat_text_fold(c->dim[d].code), *label = stat_text_fold(c->dim[d].label);
		bool hit = false;
		for (size_t i = 0; i < BD_ARRAY_LEN(names) && !hit; i++)
			hit = strcmp(code, names[i]) == 0 || strcmp(label, names[i]) == 0;
		if (hit && (n == 0 || c->dim[d].role == STAT_ROLE_GEO)) {
			m++;
			last = d;
		}
		free(code);
		free(label);
	}
	if (m == 1) {
		*out = last;
		return 0;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t d = 0; d < c->ndim; d++) {
		char nm[256];
		buf_addf(&b, "%s%s", d ? ", " : "", dname(&c->dim[d], nm, sizeof(nm)));
	}
	bd_fail(err, "%s: %s: name the dimension of the regions with --region-dim (dimensions: %s)", c->origin,
		m ? "more than one dimension could be the regions" : "no dimension is called region", b.data ? b.data : "");
	buf_release(&b);
	return -1;
}

/* ---- The reference date ------------------------------------------------ */

static bool digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* phrase: where f contains one of the phrases as words of their own (no
 * digit just before or after), or NULL. */
static const char *phrase(const char *f, const char *const *ph, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ph[i]);
		for (const char *p = f; (p = strstr(p, ph[i])) != NULL; p++)
			if ((p == f || !digit(p[-1])) && !digit(p[l]))
				return p;
	}
	return NULL;
}

static const char *const dec31[] = {"31 dec", "december 31", "dec 31", "dec. 31", "31st dec", "31:a dec"};
static const char *const nov1[] = {"1 nov", "november 1", "nov 1", "nov. 1", "1st nov", "1:a nov", "1:e nov"};
static const char *const monthend[] = {"sista dag", "last day", "end of month", "end of the month", "month end",
				       "månadens slut", "slutet av månaden", "utgången av månaden", "månadens utgång"};

struct reftext {
	const char *what; /* "REFPERIOD", "the note" */
	const char *text;
};

/* excerpt: "…the words around at…" of text (folded f, match at), quoted. */
static void excerpt(struct buf *b, const char *what, const char *text)
{
	size_t len = strlen(text);
	if (len <= 90)
		buf_addf(b, "%s \"%s\"", what, text);
	else
		buf_addf(b, "%s \"%.*s...\"", what, 87, text);
}

/* find_in: the first text with one of the phrases; its index or -1; into
 * where the excerpt of the matching part when the text is long. */
static int64_t find_in(const struct reftext *t, size_t n, const char *const *ph, size_t nph, char **where)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].text)
			continue;
		char *f = stat_text_fold(t[i].text);
		const char *p = phrase(f, ph, nph);
		if (p) {
			struct buf b;
			buf_init(&b, SIZE_MAX);
			size_t off = (size_t)(p - f);
			if (strlen(f) <= 90)
				excerpt(&b, t[i].what, t[i].text);
			else {
				/* The folded text has the same length as the original
				 * except for collapsed spaces: quote around the
				 * match from the folded text. */
				size_t from = off > 50 ? off - 50 : 0;
				buf_addf(&b, "%s \"%s%.*s%s\"", t[i].what, from ? "..." : "", (int)(off - from + 40), f + from,
					 strlen(f + from) > off - from + 40 ? "..." : "");
			}
			*where = buf_take(&b);
			free(f);
			return (int64_t)i;
		}
		free(f);
	}
	return -1;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

void stat_ref_date(const struct stat_cube *c, const char *period, const struct stat_category *content, char out[11],
		   char **basis)
{
	out[0] = '\0';
	struct buf b;
	buf_init(&b, SIZE_MAX);
	const char *measure = content && content->measure ? content->measure : c->all.measure;
	if (measure && strcmp(measure, "flow") == 0) {
		buf_addf(&b, "the figures are a flow over the period %s, not a count on a day",
			 period && *period ? period : "(none)");
		*basis = buf_take(&b);
		return;
	}
	int y = 0, m = 0;
	char kind = 0;
	if (period && strlen(period) >= 4 && digit(period[0]) && digit(period[1]) && digit(period[2]) &&
	    digit(period[3])) {
		y = atoi(period);
		if (!period[4])
			kind = 'Y';
		else if ((period[4] == 'M' || period[4] == 'm') && digit(period[5]) && digit(period[6]) && !period[7]) {
			m = (period[5] - '0') * 10 + (period[6] - '0');
			if (m >= 1 && m <= 12)
				kind = 'M';
		}
	}
	if (!kind) {
		buf_addf(&b, "the period '%s' is neither a year nor a month (YYYY, YYYYMmm)",
			 period && *period ? period : "(none)");
		*basis = buf_take(&b);
		return;
	}
	size_t nt = 0;
	struct reftext *t = xcalloc(6 + c->nnote, sizeof(*t));
	if (content && content->refperiod)
		t[nt++] = (struct reftext){"the reference period", content->refperiod};
	if (c->all.refperiod)
		t[nt++] = (struct reftext){"the reference period", c->all.refperiod};
	if (c->title)
		t[nt++] = (struct reftext){"the title", c->title};
	if (c->contents)
		t[nt++] = (struct reftext){"the contents", c->contents};
	for (size_t i = 0; i < c->nnote; i++)
		t[nt++] = (struct reftext){"the note", c->note[i]};
	char *wd = NULL, *wn = NULL, *wm = NULL;
	int64_t id = find_in(t, nt, dec31, BD_ARRAY_LEN(dec31), &wd);
	int64_t in = find_in(t, nt, nov1, BD_ARRAY_LEN(nov1), &wn);
	int64_t im = kind == 'M' ? find_in(t, nt, monthend, BD_ARRAY_LEN(monthend), &wm) : -1;
	if (kind == 'M' && im >= 0) {
		bd_strf(out, 11, "%04d-%02d-%02d", y, m, days_in_month(y, m));
		buf_addf(&b, "the last day of %s, by %s", period, wm);
	} else if (kind == 'M') {
		buf_addf(&b, "the file does not say which day of the month %s its figures count",
			 period);
	} else if (id >= 0 && in >= 0) {
		buf_addf(&b, "the file says both 31 December (%s) and 1 November (%s)", wd, wn);
	} else if (id >= 0) {
		bd_strf(out, 11, "%04d-12-31", y);
		buf_addf(&b, "31 December %d, by %s", y, wd);
	} else if (in >= 0) {
		bd_strf(out, 11, "%04d-11-01", y);
		buf_addf(&b, "1 November %d, by %s", y, wn);
	} else {
		buf_addf(&b, "the file does not say which day of %d its figures count (no 31 December or 1 November in its "
			     "reference period, title or notes)", y);
	}
	free(wd);
	free(wn);
	free(wm);
	free(t);
	*basis = buf_take(&b);
}

/* ---- The series -------------------------------------------------------- */

static const char *pstr(struct stat_series *s, const char *v)
{
	return strpool_strdup(&s->pool, v ? v : "");
}

static bool mentions_noise(const char *text)
{
	if (!text)
		return false;
	char *f = stat_text_fold(text);
	bool yes = strstr(f, "slumpmässig osäkerhet") || strstr(f, "cell key method") || strstr(f, "deliberate noise") ||
		   strstr(f, "random noise");
	free(f);
	return yes;
}

void stat_series_release(struct stat_series *s)
{
	if (s->value)
		for (size_t i = 0; i < s->n; i++)
			mpz_clear(s->value[i]);
	free(s->value);
	free(s->code);
	free(s->label);
	free(s->note);
	strpool_release(&s->pool);
	memset(s, 0, sizeof(*s));
}

int stat_series_value64(const struct stat_series *s, size_t i, int64_t *mant)
{
	if (i >= s->n || !mpz_fits_slong_p(s->value[i]))
		return -1;
	*mant = mpz_get_si(s->value[i]);
	return 0;
}

/* The cells of one row: an odometer over the chosen categories. */
struct walk {
	const struct stat_cube *c;
	struct dimsel *sel; /* per dimension; the region dimension's has one entry, set per row */
	size_t *pos, *cat;
};

static void walk_start(struct walk *w)
{
	for (size_t d = 0; d < w->c->ndim; d++) {
		w->pos[d] = 0;
		w->cat[d] = w->sel[d].cat[0];
	}
}

static bool walk_next(struct walk *w)
{
	for (size_t d = w->c->ndim; d-- > 0;) {
		if (++w->pos[d] < w->sel[d].n) {
			w->cat[d] = w->sel[d].cat[w->pos[d]];
			return true;
		}
		w->pos[d] = 0;
		w->cat[d] = w->sel[d].cat[0];
	}
	return false;
}

int stat_series_select(const struct stat_cube *c, const struct stat_series_opts *o, struct stat_series *s,
		       struct bd_error *err)
{
	memset(s, 0, sizeof(*s));
	strpool_init(&s->pool);
	if (!c->has_values)
		return bd_fail(err, "%s: the file holds the table's dimensions but no values (a metadata file): download the "
				    "data itself", c->origin);
	if (o->ref_date && !date_valid(o->ref_date))
		return bd_fail(err, "reference date '%s': expected a date YYYY-MM-DD", o->ref_date);
	size_t rdim;
	if (region_dim(c, o->region_dim, &rdim, err))
		return -1;
	struct dimsel *sel = xcalloc(c->ndim, sizeof(*sel));
	int rc = 0;
	char nm[256];
	/* Each --select names a dimension once. */
	size_t *pdim = xcalloc(o->npick + 1, sizeof(*pdim));
	for (size_t i = 0; i < o->npick && !rc; i++) {
		if (statcube_find_dim(c, o->pick[i].dim, &pdim[i], err)) {
			bd_prefix(err, "--select '%s=%s'", o->pick[i].dim, o->pick[i].value);
			rc = -1;
			break;
		}
		for (size_t j = 0; j < i && !rc; j++)
			if (pdim[j] == pdim[i])
				rc = bd_fail(err, "'%s' is selected twice (--select '%s=%s' and '%s=%s'): give the values "
						  "in one, separated by commas", dname(&c->dim[pdim[i]], nm, sizeof(nm)),
					     o->pick[j].dim, o->pick[j].value, o->pick[i].dim, o->pick[i].value);
	}
	/* The period: the time dimension. */
	int64_t tdim = -1;
	if (!rc) {
		size_t ntime = 0;
		for (size_t d = 0; d < c->ndim; d++)
			if (c->dim[d].role == STAT_ROLE_TIME) {
				ntime++;
				tdim = (int64_t)d;
			}
		if (ntime > 1 && o->period)
			rc = bd_fail(err, "%s: the table has %zu time dimensions: choose the period of each with --select",
				     c->origin, ntime);
		else if (ntime == 0 && o->period)
			rc = bd_fail(err, "%s: the file marks no dimension as time: choose the period with --select "
					  "'DIMENSION=%s'", c->origin, o->period);
		if (ntime != 1)
			tdim = -1;
		for (size_t i = 0; i < o->npick && !rc && o->period; i++)
			if ((int64_t)pdim[i] == tdim)
				rc = bd_fail(err, "the period is chosen twice: --period %s and --select '%s=%s'", o->period,
					     o->pick[i].dim, o->pick[i].value);
	}
	for (size_t d = 0; d < c->ndim && !rc; d++) {
		const struct stat_dim *dim = &c->dim[d];
		const char *text = NULL;
		for (size_t i = 0; i < o->npick; i++)
			if (pdim[i] == d)
				text = o->pick[i].value;
		if ((int64_t)d == tdim && o->period)
			text = o->period;
		bool many = dim->role != STAT_ROLE_TIME && dim->role != STAT_ROLE_CONTENT;
		if (d == rdim) {
			/* The rows: all regions, or those chosen (never summed). */
			if (text) {
				rc = pick(c, dim, text, true, &sel[d], err);
			} else {
				sel[d].n = dim->ncat;
				sel[d].cat = xcalloc(dim->ncat, sizeof(size_t));
				for (size_t i = 0; i < dim->ncat; i++)
					sel[d].cat[i] = i;
			}
			continue;
		}
		rc = text ? pick(c, dim, text, many, &sel[d], err) : unpicked(c, dim, &sel[d], err);
		if (rc && text && (int64_t)d == tdim && o->period)
			bd_prefix(err, "--period %s", o->period);
	}
	free(pdim);
	/* Provenance. */
	if (!rc) {
		struct buf b;
		buf_init(&b, SIZE_MAX);
		for (size_t d = 0; d < c->ndim; d++)
			if (d != rdim && sel[d].how)
				buf_addf(&b, "%s%s", b.len ? "; " : "", sel[d].how);
		s->selection = pstr(s, b.data);
		buf_release(&b);
		s->origin = pstr(s, c->origin);
		s->format = pstr(s, c->format);
		s->encoding = pstr(s, c->encoding);
		s->source = pstr(s, c->source);
		s->table_id = pstr(s, c->table_id ? c->table_id : c->matrix);
		s->title = pstr(s, c->title);
		s->contents = pstr(s, c->contents);
		s->updated = pstr(s, c->updated);
		s->created = pstr(s, c->created);
		s->region_dim = pstr(s, c->dim[rdim].label);
		const struct stat_category *content = NULL;
		for (size_t d = 0; d < c->ndim; d++)
			if (c->dim[d].role == STAT_ROLE_CONTENT && d != rdim)
				content = &c->dim[d].cat[sel[d].cat[0]];
		const char *unit = content && content->unit ? content->unit : c->all.unit;
		s->unit = pstr(s, unit);
		if (content && content->updated)
			s->updated = pstr(s, content->updated);
		s->period = pstr(s, tdim >= 0 ? c->dim[tdim].cat[sel[tdim].cat[0]].code : "");
		char date[11];
		char *basis;
		stat_ref_date(c, tdim >= 0 ? s->period : NULL, content, date, &basis);
		if (o->ref_date) {
			char *given = date[0] ? xasprintf("given (the file says %s: %s)", date, basis)
					      : xasprintf("given (%s)", basis);
			free(basis);
			basis = given;
			memcpy(date, o->ref_date, 11);
		} else if (!date[0]) {
			char *ask = xasprintf("%s: give the reference date", basis);
			free(basis);
			basis = ask;
		}
		memcpy(s->ref_date, date, 11);
		s->ref_basis = pstr(s, basis);
		free(basis);
		s->noise = mentions_noise(c->title);
		for (size_t i = 0; i < c->nnote && !s->noise; i++)
			s->noise = mentions_noise(c->note[i]);
	}
	/* Sum: the scale first (and every cell present), then the values. */
	if (!rc) {
		size_t nrow = sel[rdim].n;
		size_t *rows = sel[rdim].cat;
		struct walk w = {c, sel, xcalloc(c->ndim, sizeof(size_t)), xcalloc(c->ndim, sizeof(size_t))};
		struct dimsel one = {NULL, 1, NULL};
		sel[rdim] = one;
		size_t rowcat;
		sel[rdim].cat = &rowcat;
		int scale = 0;
		size_t cells = 0;
		for (size_t r = 0; r < nrow && !rc; r++) {
			rowcat = rows[r];
			walk_start(&w);
			cells = 0;
			do {
				const struct stat_cell *cell = &c->cell[statcube_offset(c, w.cat)];
				cells++;
				if (cell->status == STAT_MISSING) {
					char *name = statcube_cell_name(c, statcube_offset(c, w.cat));
					rc = bd_fail(err, "%s: the cell %s has no value (%s%s%s): choose other values or another "
							  "table", c->origin, name, cell->symbol ? "'" : "",
						     cell->symbol ? c->symbol[cell->symbol - 1] : "not in the file",
						     cell->symbol ? "'" : "");
					free(name);
					break;
				}
				if (cell->scale > scale)
					scale = cell->scale;
			} while (walk_next(&w));
		}
		if (!rc) {
			mpz_t pow10[STAT_MAX_SCALE + 1], term;
			mpz_init(term);
			for (int k = 0; k <= STAT_MAX_SCALE; k++) {
				mpz_init(pow10[k]);
				mpz_ui_pow_ui(pow10[k], 10, (unsigned long)k);
			}
			s->n = nrow;
			s->scale = scale;
			s->cells = cells;
			s->value = xcalloc(nrow, sizeof(*s->value));
			s->code = xcalloc(nrow, sizeof(*s->code));
			s->label = xcalloc(nrow, sizeof(*s->label));
			s->note = xcalloc(nrow, sizeof(*s->note));
			for (size_t r = 0; r < nrow; r++) {
				rowcat = rows[r];
				mpz_init(s->value[r]);
				s->code[r] = c->dim[rdim].cat[rowcat].code;
				s->label[r] = c->dim[rdim].cat[rowcat].label;
				struct buf notes;
				buf_init(&notes, SIZE_MAX);
				walk_start(&w);
				do {
					size_t off = statcube_offset(c, w.cat);
					const struct stat_cell *cell = &c->cell[off];
					mpz_set_si(term, cell->mant);
					mpz_addmul(s->value[r], term, pow10[scale - cell->scale]);
					if (c->ncellnote) {
						char *n = statcube_cell_notes(c, off);
						if (n && !(notes.data && strstr(notes.data, n)))
							buf_addf(&notes, "%s%s", notes.len ? " | " : "", n);
						free(n);
					}
				} while (walk_next(&w));
				s->note[r] = notes.data ? strpool_strdup(&s->pool, notes.data) : NULL;
				buf_release(&notes);
			}
			for (size_t r = 0; r < nrow; r++) {
				s->code[r] = strpool_strdup(&s->pool, s->code[r]);
				s->label[r] = strpool_strdup(&s->pool, s->label[r]);
			}
			for (int k = 0; k <= STAT_MAX_SCALE; k++)
				mpz_clear(pow10[k]);
			mpz_clear(term);
		}
		sel[rdim].cat = rows;
		sel[rdim].n = nrow;
		free(w.pos);
		free(w.cat);
	}
	for (size_t d = 0; d < c->ndim; d++) {
		free(sel[d].cat);
		free(sel[d].how);
	}
	free(sel);
	if (rc)
		stat_series_release(s);
	return rc;
}

/* ---- Rows as recipients -------------------------------------------------- */

void stat_rows_release(struct stat_rows *rows)
{
	free(rows->rec);
	free(rows->skipped);
	memset(rows, 0, sizeof(*rows));
}

/* row_recipient: the recipient of one kind a row names, or NULL. */
static const struct recipient *row_recipient(const struct stat_series *s, size_t i, unsigned kind)
{
	const struct recipient *r = refdata_by_code(s->code[i]);
	if (r)
		return (r->kind & kind) ? r : NULL;
	/* No code of the register: a file that gives names only (code = label). */
	if (strcmp(s->code[i], s->label[i]) == 0) {
		struct bd_error e;
		if (refdata_resolve(s->label[i], kind, &r, &e) == 0)
			return r;
	}
	return NULL;
}

/* row_name: "'0180 Stockholm'" for a list: the label, with the code in
 * front unless the label starts with it already. */
static void row_name(struct buf *b, const struct stat_series *s, size_t i)
{
	const char *code = s->code[i], *label = s->label[i];
	size_t cl = strlen(code);
	if (strcmp(code, label) == 0 || (strncmp(label, code, cl) == 0 && label[cl] == ' '))
		buf_addf(b, "'%s'", label);
	else
		buf_addf(b, "'%s %s'", code, label);
}

/* A list of rows for a message: the first 12, then how many more. */
struct rowlist {
	struct buf b;
	size_t n;
};

static void rowlist_add(struct rowlist *l, const struct stat_series *s, size_t i)
{
	if (l->n < 12) {
		if (l->n)
			buf_adds(&l->b, ", ");
		row_name(&l->b, s, i);
	} else if (l->n == 12) {
		buf_adds(&l->b, ", ...");
	}
	l->n++;
}

int stat_series_resolve(const struct stat_series *s, unsigned kinds, bool skip_unknown, struct stat_rows *rows,
			struct bd_error *err)
{
	memset(rows, 0, sizeof(*rows));
	if (kinds == 0) {
		size_t nreg = 0, nkom = 0;
		for (size_t i = 0; i < s->n; i++) {
			nreg += row_recipient(s, i, RK_REGION) != NULL;
			nkom += row_recipient(s, i, RK_KOMMUN) != NULL;
		}
		if (nreg && nkom)
			return bd_fail(err, "%s: the rows hold %zu län and %zu kommuner: choose the level (--level lan or "
					    "--level kommun)", s->origin, nreg, nkom);
		if (!nreg && !nkom)
			return bd_fail(err, "%s: no row of '%s' is a län or a kommun the register knows (the first: '%s')",
				       s->origin, s->region_dim, s->n ? s->label[0] : "(none)");
		kinds = nreg ? RK_REGION : RK_KOMMUN;
	}
	if (kinds != RK_REGION && kinds != RK_KOMMUN)
		return bd_fail(err, "internal: rows resolve to regions or kommuner, one at a time");
	unsigned other = kinds == RK_REGION ? RK_KOMMUN : RK_REGION;
	rows->kind = kinds;
	rows->rec = xcalloc(s->n ? s->n : 1, sizeof(*rows->rec));
	struct rowlist level = {{0}, 0}, unknown = {{0}, 0};
	buf_init(&level.b, SIZE_MAX);
	buf_init(&unknown.b, SIZE_MAX);
	int rc = 0;
	for (size_t i = 0; i < s->n && !rc; i++) {
		rows->rec[i] = row_recipient(s, i, kinds);
		if (!rows->rec[i]) {
			rowlist_add(row_recipient(s, i, other) ? &level : &unknown, s, i);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (rows->rec[j] == rows->rec[i])
				rc = bd_fail(err, "%s: the rows '%s' and '%s' are both %s (%s)", s->origin, s->label[j],
					     s->label[i], rows->rec[i]->name, rows->rec[i]->code);
	}
	size_t n = level.n + unknown.n;
	struct buf what;
	buf_init(&what, SIZE_MAX);
	if (level.n)
		buf_addf(&what, "%zu %s (%s)", level.n,
			 kinds == RK_REGION ? (level.n == 1 ? "kommun" : "kommuner") : "län", level.b.data);
	if (unknown.n)
		buf_addf(&what, "%s%zu the register does not know (%s)", level.n ? "; " : "", unknown.n, unknown.b.data);
	buf_release(&level.b);
	buf_release(&unknown.b);
	if (!rc && n && !skip_unknown)
		rc = bd_fail(err, "%s: %zu row%s of '%s' %s not %s: %s; leave %s out with --skip-unknown", s->origin, n,
			     n == 1 ? "" : "s", s->region_dim, n == 1 ? "is" : "are",
			     kinds == RK_REGION ? "a län (region)" : "a kommun", what.data, n == 1 ? "it" : "them");
	if (rc) {
		buf_release(&what);
		stat_rows_release(rows);
		return -1;
	}
	rows->nskipped = n;
	rows->skipped = what.data;
	return 0;
}

int stat_series_recode(struct stat_series *s, const char *text, struct bd_error *err)
{
	const char *eq = strchr(text, '=');
	if (!eq || eq == text || !eq[1] || strchr(eq + 1, '='))
		return bd_fail(err, "%s: --recode '%s': expected FROM=TO, a code of the file and the register's code "
				    "(1917=0331: Heby's code until 2007)", s->origin, text);
	char *from = xstrndup(text, (size_t)(eq - text));
	const char *to = eq + 1;
	const struct recipient *r = refdata_by_code(to);
	int rc = 0;
	size_t at = SIZE_MAX;
	if (!r || !(r->kind & (RK_REGION | RK_KOMMUN)))
		rc = bd_fail(err, "%s: --recode %s: '%s' is not the code of a region or kommun of the register", s->origin,
			     text, to);
	for (size_t i = 0; i < s->n && !rc; i++) {
		if (strcmp(s->code[i], to) == 0)
			rc = bd_fail(err, "%s: --recode %s: the file has a row '%s' already (%s)", s->origin, text, to,
				     s->label[i]);
		else if (strcmp(s->code[i], from) == 0 && at != SIZE_MAX)
			rc = bd_fail(err, "%s: --recode %s: the file has two rows of code '%s'", s->origin, text, from);
		else if (strcmp(s->code[i], from) == 0)
			at = i;
	}
	if (!rc && at == SIZE_MAX)
		rc = bd_fail(err, "%s: --recode %s: no row of '%s' has the code '%s'", s->origin, text, s->region_dim,
			     from);
	if (!rc) {
		char *note = xasprintf("%s%srow '%s' taken as %s %s (--recode %s)", s->selection ? s->selection : "",
				       s->selection && *s->selection ? "; " : "", s->label[at], r->code, r->name, text);
		s->selection = strpool_strdup(&s->pool, note);
		free(note);
		s->code[at] = strpool_strdup(&s->pool, to);
	}
	free(from);
	return rc;
}
