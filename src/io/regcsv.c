/* regcsv.c: the register's CSV files, a grant's breakdown ("lines_csv")
 * and an account of use ("entries_csv"), read as the seed's tables lay
 * them out.  See regfile.h. */
#include "regfile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "money.h"
#include "csvread.h"

void regfile_slug(const char *title, char *out, size_t len)
{
	static const struct {
		const char *from, *to;
	} map[] = {{"å", "a"}, {"ä", "a"}, {"ö", "o"}, {"Å", "a"}, {"Ä", "a"}, {"Ö", "o"}, {"é", "e"}, {"É", "e"},
		   {"ü", "u"}, {"Ü", "u"}};
	size_t k = 0;
	bool dash = false;
	for (const char *s = title; *s && k + 2 < len;) {
		const char *to = NULL;
		size_t adv = 1;
		for (size_t i = 0; i < BD_ARRAY_LEN(map) && !to; i++)
			if (strncmp(s, map[i].from, strlen(map[i].from)) == 0) {
				to = map[i].to;
				adv = strlen(map[i].from);
			}
		char c = to ? to[0] : *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && k)
				out[k++] = '-';
			out[k++] = c;
			dash = false;
		} else {
			dash = true;
			while ((unsigned char)s[adv] >= 0x80 && ((unsigned char)s[adv] & 0xC0) == 0x80)
				adv++; /* the rest of an unmapped UTF-8 character */
		}
		s += adv;
		if (k >= 60)
			break;
	}
	out[k] = '\0';
	if (!k)
		bd_strf(out, len, "rad");
}

struct csvctx {
	struct rg_register *r;
	const char *origin;
	int col[5];       /* field index of each known column, -1 if absent */
	bool header;
	/* lines */
	struct rg_line *lines;  /* growable arrays in malloc'd memory, copied to the pool at the end */
	size_t nlines, cap;
	struct sub {
		struct rg_line *v;
		size_t n, cap;
	} *subs;                 /* sub-lines per area (index = area) */
	int64_t running;
	/* usage */
	struct rg_usage *u;
	struct rg_usage_entry *entries;
	size_t nentries, ecap;
	const char *purpose;
	int64_t purpose_sum, total_sum;
	bool seen_rows;
};

static int csv_header(struct csvctx *c, const struct csv_row *row, const char *const *names, size_t nnames,
		      size_t required, struct bd_error *err)
{
	for (size_t i = 0; i < nnames; i++)
		c->col[i] = -1;
	for (size_t j = 0; j < row->nfields; j++) {
		const char *h = row->field[j];
		size_t i = 0;
		while (i < nnames && strcasecmp(names[i], h) != 0)
			i++;
		if (i == nnames) {
			struct buf b;
			buf_init(&b, 1024);
			for (size_t k = 0; k < nnames; k++)
				buf_addf(&b, "%s%s", k ? ", " : "", names[k]);
			int rc = bd_fail(err, "%s:%zu: column %zu: unknown column '%s' (expected: %s)", c->origin,
					 row->line, j + 1, h, b.data);
			buf_release(&b);
			return rc;
		}
		if (c->col[i] >= 0)
			return bd_fail(err, "%s:%zu: column '%s' given twice", c->origin, row->line, h);
		c->col[i] = (int)j;
	}
	for (size_t i = 0; i < required; i++)
		if (c->col[i] < 0)
			return bd_fail(err, "%s:%zu: no column '%s' in the header", c->origin, row->line, names[i]);
	c->header = true;
	return 0;
}

static const char *field(const struct csvctx *c, const struct csv_row *row, int i)
{
	int k = c->col[i];
	return k >= 0 && (size_t)k < row->nfields ? row->field[k] : "";
}

static int csv_amount(const struct csvctx *c, const struct csv_row *row, int i, const char *name, int64_t *out,
		      struct bd_error *err)
{
	const char *s = field(c, row, i);
	char why[256];
	if (s[0] == '-' && s[1])
		return bd_fail(err, "%s:%zu: column '%s': '%s' is negative (expected whole kronor, 0 or more)",
			       c->origin, row->line, name, s);
	if (money_parse_kronor(s, NUM_SUFFIX_MONEY, out, why, sizeof(why)))
		return bd_fail(err, "%s:%zu: column '%s': '%s': %s", c->origin, row->line, name, s, why);
	if (*out > RG_AMOUNT_MAX)
		return bd_fail(err, "%s:%zu: column '%s': too large", c->origin, row->line, name);
	return 0;
}

/* plain_text: the row's text columns (all but the amounts) hold no control
 * character, as jf_text asks of the same texts in the JSON document (a
 * breakdown read from CSV is stored as JSON, so it must read back). */
static int plain_text(const struct csvctx *c, const struct csv_row *row, const char *const *names, size_t n,
		      const int *text_cols, struct bd_error *err)
{
	for (size_t k = 0; k < n; k++) {
		const char *s = field(c, row, text_cols[k]);
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20)
				return bd_fail(err, "%s:%zu: column '%s': a control character (0x%02x) at position %zu "
						    "(expected plain text)",
					       c->origin, row->line, names[text_cols[k]], (unsigned char)*p, (size_t)(p - s) + 1);
	}
	return 0;
}

static bool is_sum_label(const char *s)
{
	return strcasecmp(s, "TOTALT") == 0 || strcasecmp(s, "TOTALT:") == 0 || strcasecmp(s, "SUMMA") == 0 ||
	       strcasecmp(s, "Summa:") == 0;
}

static int sum_mismatch(const struct csvctx *c, const struct csv_row *row, const char *what, int64_t typed,
			int64_t computed, struct bd_error *err)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	return bd_fail(err, "%s:%zu: %s typed as %s kr, but the rows above add up to %s kr (a sum is computed; "
			    "correct the rows or the typed sum)",
		       c->origin, row->line, what, fmt_kr(typed, a), fmt_kr(computed, b));
}

enum { LC_AREA, LC_SUB, LC_AMOUNT, LC_NATIONAL, LC_KEY };

static struct rg_line *new_line(struct rg_line **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

static int lines_row(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	struct csvctx *c = ctx;
	static const char *const names[] = {"område", "delområde", "belopp", "landet", "nyckel"};
	if (!c->header)
		return csv_header(c, row, names, 5, 3, err);
	static const int text_cols[] = {LC_AREA, LC_SUB, LC_KEY};
	if (plain_text(c, row, names, BD_ARRAY_LEN(text_cols), text_cols, err))
		return -1;
	const char *area = field(c, row, LC_AREA), *subarea = field(c, row, LC_SUB);
	const char *amt = field(c, row, LC_AMOUNT), *key = field(c, row, LC_KEY);
	if (is_sum_label(area)) {
		int64_t typed;
		if (csv_amount(c, row, LC_AMOUNT, "belopp", &typed, err))
			return -1;
		return typed == c->running ? 0 : sum_mismatch(c, row, area, typed, c->running, err);
	}
	if (!*area && !*subarea && !*amt)
		return 0;
	struct rg_line *l;
	if (*area) {
		/* An area row, perhaps with its first sub-area on the same row. */
		l = new_line(&c->lines, &c->nlines, &c->cap);
		c->subs = xreallocarray(c->subs, c->cap, sizeof(*c->subs));
		memset(&c->subs[c->nlines - 1], 0, sizeof(*c->subs));
		l->title = rg_strdup(c->r, area);
		char slug[80];
		regfile_slug(area, slug, sizeof(slug));
		l->key = rg_strdup(c->r, *key && !*subarea ? key : slug);
		if (!regfile_key_ok(l->key))
			return bd_fail(err, "%s:%zu: column 'nyckel': '%s' is not a key (expected a-z, 0-9 and hyphens)",
				       c->origin, row->line, l->key);
		if (!*subarea) {
			if (!*amt)
				return 0; /* its sub-areas follow */
			goto leaf;
		}
	} else if (!c->nlines) {
		return bd_fail(err, "%s:%zu: column 'område': a sub-area before any area (expected the area's name)",
			       c->origin, row->line);
	}
	if (!*subarea)
		return bd_fail(err, "%s:%zu: column 'delområde': empty, on a row with an amount and no area",
			       c->origin, row->line);
	struct sub *s = &c->subs[c->nlines - 1];
	if (c->lines[c->nlines - 1].has_amount)
		return bd_fail(err, "%s:%zu: area '%s' has an amount of its own and then sub-areas (expected one "
				    "or the other)",
			       c->origin, row->line, c->lines[c->nlines - 1].title);
	l = new_line(&s->v, &s->n, &s->cap);
	/* Titles in the seed's tables start "-" or "- ". */
	const char *t = subarea;
	while (*t == '-' || *t == ' ')
		t++;
	l->title = rg_strdup(c->r, *t ? t : subarea);
	char slug[80];
	regfile_slug(l->title, slug, sizeof(slug));
	l->key = rg_strdup(c->r, *key ? key : slug);
leaf:
	if (!regfile_key_ok(l->key))
		return bd_fail(err, "%s:%zu: column 'nyckel': '%s' is not a key (expected a-z, 0-9 and hyphens)",
			       c->origin, row->line, l->key);
	if (!*amt)
		return bd_fail(err, "%s:%zu: column 'belopp': empty (expected the amount of '%s')", c->origin,
			       row->line, l->title);
	if (csv_amount(c, row, LC_AMOUNT, "belopp", &l->amount, err))
		return -1;
	l->has_amount = true;
	if (*field(c, row, LC_NATIONAL)) {
		if (csv_amount(c, row, LC_NATIONAL, "landet", &l->national, err))
			return -1;
		l->has_national = true;
	}
	if (!rg_add(&c->running, l->amount))
		return bd_fail(err, "%s:%zu: the lines add up to more than 100 000 000 000 000 kronor", c->origin,
			       row->line);
	return 0;
}

int regfile_lines_csv(struct rg_register *r, struct rg_grant *g, const char *data, size_t len, const char *origin,
		      struct bd_error *err)
{
	struct csvctx c = {.r = r, .origin = origin};
	int rc = csv_read_buffer(data, len, origin, lines_row, NULL, &c, err);
	if (!rc && !c.header)
		rc = bd_fail(err, "%s: no header row (expected område, delområde, belopp)", origin);
	if (!rc && !c.nlines)
		rc = bd_fail(err, "%s: no lines", origin);
	if (!rc) {
		struct rg_line *lines = rg_alloc(r, c.nlines, sizeof(*lines));
		for (size_t i = 0; i < c.nlines && !rc; i++) {
			lines[i] = c.lines[i];
			struct sub *s = &c.subs[i];
			if (!s->n && !lines[i].has_amount) {
				rc = bd_fail(err, "%s: area '%s' has neither an amount nor sub-areas", origin, lines[i].title);
				break;
			}
			lines[i].lines = rg_alloc(r, s->n, sizeof(struct rg_line));
			if (s->n)
				memcpy(lines[i].lines, s->v, s->n * sizeof(struct rg_line));
			lines[i].nlines = s->n;
		}
		if (!rc) {
			/* Only a whole breakdown replaces the old one. */
			g->lines = lines;
			g->nlines = c.nlines;
		}
	}
	for (size_t i = 0; i < c.nlines; i++)
		free(c.subs[i].v);
	free(c.subs);
	free(c.lines);
	return rc;
}

enum { UC_PURPOSE, UC_GROUP, UC_AMOUNT, UC_COMMENT };

static bool dashes(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s != '-')
			return false;
	return true;
}

static int usage_row(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	struct csvctx *c = ctx;
	static const char *const names[] = {"ändamål", "kostnadsgrupp", "belopp", "kommentar"};
	if (!c->header)
		return csv_header(c, row, names, 4, 3, err);
	static const int text_cols[] = {UC_PURPOSE, UC_GROUP, UC_COMMENT};
	if (plain_text(c, row, names, BD_ARRAY_LEN(text_cols), text_cols, err))
		return -1;
	const char *purpose = field(c, row, UC_PURPOSE), *group = field(c, row, UC_GROUP);
	const char *amt = field(c, row, UC_AMOUNT);
	if (dashes(purpose))
		return 0;
	bool total = strcasecmp(purpose, "TOT SUMMA") == 0;
	if (total || strcasecmp(purpose, "SUMMA") == 0) {
		int64_t typed;
		if (csv_amount(c, row, UC_AMOUNT, "belopp", &typed, err))
			return -1;
		int64_t computed = total ? c->total_sum : c->purpose_sum;
		char what[300];
		bd_strf(what, sizeof(what), total ? "TOT SUMMA" : "SUMMA of '%s'", c->purpose ? c->purpose : "");
		if (!total && !c->purpose)
			return bd_fail(err, "%s:%zu: SUMMA before any purpose", c->origin, row->line);
		return typed == computed ? 0 : sum_mismatch(c, row, what, typed, computed, err);
	}
	if (*purpose && strncmp(purpose, "Annat", 5) != 0) {
		/* A new purpose; it must be one the account declares. */
		const char *name = NULL;
		for (size_t i = 0; i < c->u->npurposes && !name; i++)
			if (strcmp(c->u->purposes[i].name, purpose) == 0)
				name = c->u->purposes[i].name;
		if (!name) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t i = 0; i < c->u->npurposes; i++)
				buf_addf(&b, "%s'%s'", i ? ", " : "", c->u->purposes[i].name);
			int rc = bd_fail(err, "%s:%zu: column 'ändamål': unknown purpose '%s' (expected one of: %s)",
					 c->origin, row->line, purpose, c->u->npurposes ? b.data : "none declared");
			buf_release(&b);
			return rc;
		}
		if (!c->purpose || strcmp(c->purpose, name) != 0)
			c->purpose_sum = 0;
		c->purpose = name;
	}
	if (!*amt)
		return 0; /* a line of the form left empty */
	if (!c->purpose)
		return bd_fail(err, "%s:%zu: column 'ändamål': an amount before any purpose", c->origin, row->line);
	const char *g = group;
	char *annat = NULL;
	if (strncmp(purpose, "Annat", 5) == 0) {
		/* "Annat, ange vad" in the first column, what in the second. */
		if (!*group)
			return bd_fail(err, "%s:%zu: column 'kostnadsgrupp': 'Annat' needs what it was", c->origin,
				       row->line);
		annat = xasprintf("Annat: %s", group);
		g = annat;
	}
	if (!*g) {
		free(annat);
		return bd_fail(err, "%s:%zu: column 'kostnadsgrupp': empty (expected a cost group of '%s')",
			       c->origin, row->line, c->purpose);
	}
	int64_t v;
	if (csv_amount(c, row, UC_AMOUNT, "belopp", &v, err)) {
		free(annat);
		return -1;
	}
	if (c->nentries == c->ecap) {
		c->ecap = c->ecap ? 2 * c->ecap : 32;
		c->entries = xreallocarray(c->entries, c->ecap, sizeof(*c->entries));
	}
	struct rg_usage_entry *e = &c->entries[c->nentries++];
	e->purpose = (char *)c->purpose;
	e->cost_group = rg_strdup(c->r, g);
	const char *comment = field(c, row, UC_COMMENT);
	e->comment = *comment ? rg_strdup(c->r, comment) : NULL;
	e->amount = v;
	if (!rg_add(&c->purpose_sum, v) || !rg_add(&c->total_sum, v)) {
		free(annat);
		return bd_fail(err, "%s:%zu: the entries add up to more than 100 000 000 000 000 kronor", c->origin,
			       row->line);
	}
	free(annat);
	/* Cost groups are checked with the rest by rg_compute, but naming the
	 * line here is kinder. */
	for (size_t i = 0; i < c->u->npurposes; i++) {
		const struct rg_purpose *p = &c->u->purposes[i];
		if (strcmp(p->name, c->purpose) != 0 || strncmp(e->cost_group, "Annat: ", 7) == 0)
			continue;
		for (size_t j = 0; j < p->ngroups; j++)
			if (strcmp(p->cost_groups[j], e->cost_group) == 0)
				return 0;
		return bd_fail(err, "%s:%zu: column 'kostnadsgrupp': unknown cost group '%s' for purpose '%s'",
			       c->origin, row->line, e->cost_group, p->name);
	}
	return 0;
}

int regfile_usage_csv(struct rg_register *r, struct rg_usage *u, const char *data, size_t len, const char *origin,
		      struct bd_error *err)
{
	struct csvctx c = {.r = r, .origin = origin, .u = u};
	int rc = csv_read_buffer(data, len, origin, usage_row, NULL, &c, err);
	if (!rc && !c.header)
		rc = bd_fail(err, "%s: no header row (expected ändamål, kostnadsgrupp, belopp, kommentar)", origin);
	if (!rc) {
		u->entries = rg_alloc(r, c.nentries, sizeof(*u->entries));
		if (c.nentries)
			memcpy(u->entries, c.entries, c.nentries * sizeof(*u->entries));
		u->nentries = c.nentries;
	}
	free(c.entries);
	return rc;
}
