#include "refdata.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


static struct {
	bool loaded, pool_ready;
	struct recipient *r;
	size_t n, cap;
	struct strpool pool;
} rd;

const char *kind_name(enum recipient_kind k)
{
	switch (k) {
	case RK_REGION: return "region";
	case RK_KOMMUN: return "kommun";
	case RK_SAMVERKANSREGION: return "samverkansregion";
	case RK_RCC: return "regional cancer centre";
	case RK_RSS: return "RSS";
	case RK_ORG: return "organisation";
	}
	return "recipient";
}

static const char *kinds_label(unsigned kinds)
{
	switch (kinds) {
	case RK_REGION: return "region";
	case RK_KOMMUN: return "kommun";
	case RK_SAMVERKANSREGION: return "samverkansregion";
	case RK_RCC: return "regional cancer centre";
	case RK_RSS: return "RSS";
	case RK_ORG: return "organisation";
	}
	return "recipient";
}

/* Fold text to the form names are compared in: the letters that occur in
 * Swedish and English names to lower case (ASCII and the Latin-1
 * supplement, À..Þ to à..þ but not ×), runs of white space (NBSP too)
 * collapsed to one space and trimmed, and with strip_tags HTML tags such
 * as <b> removed.  The one folding of names: the register's recipients
 * (name_normalise) and the statistics files' labels (statcube, statseries). */
char *name_fold(const char *s, bool strip_tags)
{
	size_t n = strlen(s);
	char *out = xmalloc(n + 1);
	size_t o = 0;
	bool space = false, tag = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (tag) {
			if (c == '>')
				tag = false;
			continue;
		}
		if (strip_tags && c == '<' && strchr(s + i, '>')) {
			tag = true;
			continue;
		}
		bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
			is_space = true;
			i++;
		}
		if (is_space) {
			space = o > 0;
			continue;
		}
		if (space) {
			out[o++] = ' ';
			space = false;
		}
		if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c + 32);
		} else if (c == 0xC3 && i + 1 < n) {
			unsigned char d = (unsigned char)s[i + 1];
			if (d >= 0x80 && d <= 0x9E && d != 0x97)
				d += 0x20;
			out[o++] = (char)c;
			out[o++] = (char)d;
			i++;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

char *name_normalise(const char *s)
{
	return name_fold(s, true);
}

static struct recipient *add_recipient(void)
{
	if (rd.n == rd.cap) {
		rd.cap = rd.cap ? rd.cap * 2 : 512;
		rd.r = xreallocarray(rd.r, rd.cap, sizeof(*rd.r));
	}
	struct recipient *r = &rd.r[rd.n++];
	memset(r, 0, sizeof(*r));
	return r;
}

static const char *pooled(const char *s)
{
	return strpool_dup(&rd.pool, s, strlen(s));
}

/* Split "a|b|c" into a NULL-terminated array of pooled strings. */
static const char **split_list(const char *s)
{
	size_t count = 1;
	for (const char *p = s; *p; p++)
		count += *p == '|';
	const char **arr = xcalloc(count + 1, sizeof(char *)); /* lives as long as rd */
	size_t k = 0;
	const char *start = s;
	for (const char *p = s;; p++) {
		if (*p == '|' || *p == '\0') {
			if (p > start)
				arr[k++] = strpool_dup(&rd.pool, start, (size_t)(p - start));
			if (!*p)
				break;
			start = p + 1;
		}
	}
	arr[k] = NULL;
	return arr;
}

int refdata_add_row(enum refdata_table table, char *const *field, size_t nfields, struct bd_error *err)
{
	static const size_t fields[] = {[T_REGIONS] = 4, [T_KOMMUNER] = 4, [T_GROUPS] = 7, [T_ORGS] = 6};
	size_t need = fields[table];
	if (nfields != need)
		return bd_fail(err, "expected %zu fields, found %zu", need, nfields);
	if (!rd.pool_ready) {
		strpool_init(&rd.pool);
		rd.pool_ready = true;
	}
	struct recipient *r = add_recipient();
	r->code = pooled(field[0]);
	r->name = pooled(field[1]);
	switch (table) {
	case T_REGIONS:
		r->kind = RK_REGION;
		r->lan = r->code;
		{
			char *all = xasprintf("%s|%s", field[2], field[3]);
			r->aliases = split_list(all);
			free(all);
		}
		break;
	case T_KOMMUNER:
		r->kind = RK_KOMMUN;
		r->lan = pooled(field[3]);
		r->aliases = split_list(field[2]);
		break;
	case T_GROUPS:
		r->kind = strcmp(field[2], "rcc") == 0 ? RK_RCC : RK_SAMVERKANSREGION;
		r->members = split_list(field[3]);
		r->payee = pooled(field[4]);
		r->payee_orgnr = pooled(field[5]);
		r->aliases = split_list(field[6]);
		break;
	case T_ORGS:
		r->kind = RK_ORG;
		r->orgkind = pooled(field[2]);
		r->orgnr = *field[3] ? pooled(field[3]) : NULL;
		r->bankgiro = *field[4] ? pooled(field[4]) : NULL;
		r->aliases = split_list(field[5]);
		break;
	}
	return 0;
}

/* One RSS (regional samverkans- och stödstruktur, through which the state
 * pays the kommuner of a län) per region, named by län: seed 003 bilaga 2
 * writes "Stockholm", "Jönköpings län", "Norrbottn". */
void refdata_add_rss(void)
{
	size_t nregions = rd.n;
	for (size_t i = 0; i < nregions; i++) {
		if (rd.r[i].kind != RK_REGION)
			continue;
		const struct recipient *reg = &rd.r[i];
		size_t na = 0;
		while (reg->aliases[na])
			na++;
		char *code = xasprintf("RSS-%s", reg->code);
		char *name = xasprintf("RSS %s", reg->aliases[0]);
		char *full = xasprintf("Regional samverkans- och stödstruktur %s", reg->aliases[0]);
		const char **aliases = xcalloc(na + 2, sizeof(char *));
		for (size_t k = 0; k < na; k++)
			aliases[k] = reg->aliases[k];
		aliases[na] = pooled(full);
		struct recipient *r = add_recipient();
		reg = &rd.r[i]; /* add_recipient may move the array */
		r->kind = RK_RSS;
		r->code = pooled(code);
		r->name = pooled(name);
		r->lan = reg->code;
		r->aliases = aliases;
		free(code);
		free(name);
		free(full);
	}
}

bool refdata_loaded(void)
{
	return rd.loaded;
}

void refdata_mark_loaded(void)
{
	rd.loaded = true;
}

const struct recipient *refdata_all(size_t *n)
{
	*n = rd.n;
	return rd.r;
}

const struct recipient *refdata_by_code(const char *code)
{
	for (size_t i = 0; i < rd.n; i++)
		if (strcmp(rd.r[i].code, code) == 0)
			return &rd.r[i];
	return NULL;
}

/* Levenshtein distance over bytes of normalised names (good enough for the
 * Latin letters of Swedish names; a two-byte letter counts as two). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *prev = xcalloc(lb + 1, sizeof(size_t)), *cur = xcalloc(lb + 1, sizeof(size_t));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

static bool name_matches(const struct recipient *r, const char *norm)
{
	bool hit = false;
	char *n = name_normalise(r->name);
	hit = strcmp(n, norm) == 0;
	free(n);
	for (size_t k = 0; !hit && r->aliases && r->aliases[k]; k++) {
		char *a = name_normalise(r->aliases[k]);
		hit = strcmp(a, norm) == 0;
		free(a);
	}
	return hit;
}

int refdata_resolve(const char *text, unsigned kinds, const struct recipient **out, struct bd_error *err)
{
	char *norm = name_normalise(text);
	const struct recipient *found = NULL;
	for (size_t i = 0; i < rd.n && !found; i++)
		if ((rd.r[i].kind & kinds) && strcmp(rd.r[i].code, norm) == 0)
			found = &rd.r[i];
	/* Codes are also accepted upper-case insensitive ("svr-norra"). */
	for (size_t i = 0; i < rd.n && !found; i++) {
		if (!(rd.r[i].kind & kinds))
			continue;
		char *c = name_normalise(rd.r[i].code);
		if (strcmp(c, norm) == 0)
			found = &rd.r[i];
		free(c);
	}
	for (size_t i = 0; i < rd.n && !found; i++)
		if ((rd.r[i].kind & kinds) && name_matches(&rd.r[i], norm))
			found = &rd.r[i];
	if (found) {
		free(norm);
		*out = found;
		return 0;
	}
	/* Suggest up to three recipients whose names are closest. */
	const struct recipient *best[3] = {NULL, NULL, NULL};
	size_t bestd[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
	for (size_t i = 0; i < rd.n; i++) {
		const struct recipient *r = &rd.r[i];
		if (!(r->kind & kinds))
			continue;
		char *n = name_normalise(r->name);
		size_t d = distance(norm, n);
		free(n);
		for (size_t k = 0; r->aliases && r->aliases[k]; k++) {
			char *a = name_normalise(r->aliases[k]);
			size_t da = distance(norm, a);
			free(a);
			if (da < d)
				d = da;
		}
		for (size_t s = 0; s < 3; s++) {
			if (d < bestd[s]) {
				for (size_t t = 2; t > s; t--) {
					best[t] = best[t - 1];
					bestd[t] = bestd[t - 1];
				}
				best[s] = r;
				bestd[s] = d;
				break;
			}
		}
	}
	size_t limit = strlen(norm) / 2 + 2;
	struct buf sug;
	buf_init(&sug, 4096);
	for (size_t s = 0; s < 3; s++) {
		if (!best[s] || bestd[s] > limit)
			continue;
		buf_addf(&sug, "%s'%s'", sug.len ? ", " : "", best[s]->name);
	}
	if (sug.len)
		bd_fail(err, "unknown %s '%s' (did you mean %s?)", kinds_label(kinds), text, sug.data);
	else
		bd_fail(err, "unknown %s '%s'", kinds_label(kinds), text);
	buf_release(&sug);
	free(norm);
	return -1;
}

static int cmp_code(const void *a, const void *b)
{
	const struct recipient *x = *(const struct recipient *const *)a, *y = *(const struct recipient *const *)b;
	return strcmp(x->code, y->code);
}

int refdata_set(const char *set, const struct recipient ***out, size_t *n, struct bd_error *err)
{
	const struct recipient **v = xcalloc(rd.n + 1, sizeof(*v));
	size_t k = 0;
	unsigned kind = 0;
	const char *lan = NULL;
	if (strcmp(set, "regions") == 0 || strcmp(set, "regioner") == 0)
		kind = RK_REGION;
	else if (strcmp(set, "kommuner") == 0)
		kind = RK_KOMMUN;
	else if (strncmp(set, "kommuner:", 9) == 0) {
		kind = RK_KOMMUN;
		lan = set + 9;
		if (!refdata_by_code(lan) || refdata_by_code(lan)->kind != RK_REGION) {
			free(v);
			return bd_fail(err, "unknown län code '%s' in '%s' (expected two digits, like 'kommuner:23')", lan, set);
		}
	} else if (strcmp(set, "samverkansregioner") == 0)
		kind = RK_SAMVERKANSREGION;
	else if (strcmp(set, "rcc") == 0 || strcmp(set, "RCC") == 0)
		kind = RK_RCC;
	else if (strcmp(set, "rss") == 0 || strcmp(set, "RSS") == 0)
		kind = RK_RSS;
	if (kind) {
		for (size_t i = 0; i < rd.n; i++)
			if (rd.r[i].kind == kind && (!lan || strcmp(rd.r[i].lan, lan) == 0))
				v[k++] = &rd.r[i];
	} else {
		/* A list of codes or names, comma-separated. */
		char *copy = xstrdup(set);
		char *p = copy;
		while (p) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			const struct recipient *r;
			if (*p == '\0') {
				free(copy);
				free(v);
				return bd_fail(err, "empty name in the recipient list '%s'", set);
			}
			if (refdata_resolve(p, RK_ANY, &r, err)) {
				bd_prefix(err, "in --recipients (expected regions, kommuner, kommuner:NN, "
					       "samverkansregioner, rcc or a comma-separated list)");
				free(copy);
				free(v);
				return -1;
			}
			for (size_t i = 0; i < k; i++)
				if (v[i] == r) {
					free(copy);
					free(v);
					return bd_fail(err, "'%s' is named twice in the recipient list", r->name);
				}
			v[k++] = r;
			p = comma ? comma + 1 : NULL;
		}
		free(copy);
	}
	qsort(v, k, sizeof(*v), cmp_code);
	*out = v;
	*n = k;
	return 0;
}
