#include "px.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textenc.h"

struct px_item {
	const char *text, *text2; /* text2: the child of a HIERARCHIES item "parent":"child" */
	bool quoted;
};

struct px_stmt {
	const char *kw, *lang; /* lang NULL: the file's default language */
	const char **arg;
	size_t narg;
	struct px_item *item;
	size_t nitem;
	size_t line;
};

/* A variable (dimension) in the language read and in the default one. */
struct px_var {
	const char *name, *dname;
	const char **label, **dlabel;
	size_t n;
};

struct px {
	const char *origin;
	struct bd_error *err;
	const char *s;
	size_t len, pos, line;
	struct px_stmt *st;
	size_t nst;
	struct strpool pool;
	size_t data_pos, data_line;
	const char *lang; /* the language read, NULL for the default */
	struct px_var *var;
	size_t nvar;
	struct stat_cube *c;
};

static int fail(struct px *px, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct px *px, size_t line, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return bd_fail(px->err, "%s:%zu: %s", px->origin, line, msg);
	return bd_fail(px->err, "%s: %s", px->origin, msg);
}

/* ---- Statements --------------------------------------------------------- */

static bool at_end(const struct px *px)
{
	return px->pos >= px->len;
}

static char cur(const struct px *px)
{
	return px->pos < px->len ? px->s[px->pos] : '\0';
}

static void skip_ws(struct px *px)
{
	while (px->pos < px->len) {
		char ch = px->s[px->pos];
		if (ch == '\n')
			px->line++;
		else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\f' && ch != '\v')
			break;
		px->pos++;
	}
}

/* A short view of the text at the current position, for messages. */
static const char *here(const struct px *px, char *buf, size_t n)
{
	size_t k = 0;
	for (size_t i = px->pos; i < px->len && k + 1 < n && k < 24 && px->s[i] != '\n' && px->s[i] != '\r'; i++)
		buf[k++] = px->s[i];
	buf[k] = '\0';
	if (!k)
		bd_strf(buf, n, "%s", at_end(px) ? "the end of the file" : "the end of the line");
	return buf;
}

/* read_string: "..." at pos, and the strings right after it ("abc" "def"
 * across lines is "abcdef").  A line break inside quotes is a space. */
static int read_string(struct px *px, const char **out)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (;;) {
		size_t open = px->line;
		px->pos++; /* the opening quote */
		size_t start = px->pos;
		while (px->pos < px->len && px->s[px->pos] != '"')
			px->pos++;
		if (at_end(px)) {
			buf_release(&b);
			return fail(px, open, "a string opened on this line is never closed (expected '\"')");
		}
		for (size_t i = start; i < px->pos; i++) {
			char ch = px->s[i];
			if (ch == '\n') {
				px->line++;
				buf_adds(&b, " ");
			} else if (ch != '\r') {
				buf_add(&b, &ch, 1);
			}
		}
		px->pos++; /* the closing quote */
		size_t save = px->pos, line = px->line;
		skip_ws(px);
		if (cur(px) != '"') {
			px->pos = save;
			px->line = line;
			break;
		}
	}
	*out = strpool_dup(&px->pool, b.data ? b.data : "", b.len);
	buf_release(&b);
	return 0;
}

static bool kw_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '_' || ch == '.';
}

static int add_stmt(struct px *px, const struct px_stmt *st, size_t *cap)
{
	if (px->nst == *cap) {
		*cap = *cap ? *cap * 2 : 128;
		px->st = xreallocarray(px->st, *cap, sizeof(*px->st));
	}
	px->st[px->nst++] = *st;
	return 0;
}

/* parse_header: the statements up to DATA=; data_pos is where the cells
 * begin. */
static int parse_header(struct px *px)
{
	size_t cap = 0;
	char h[64];
	px->pos = 0;
	px->line = 1;
	if (px->len >= 3 && memcmp(px->s, "\xEF\xBB\xBF", 3) == 0)
		px->pos = 3;
	for (;;) {
		skip_ws(px);
		if (at_end(px))
			return fail(px, px->line, "the file ends without DATA= (the cells): is it complete?");
		struct px_stmt st = {0};
		st.line = px->line;
		size_t k0 = px->pos;
		while (!at_end(px) && kw_char(cur(px)))
			px->pos++;
		if (px->pos == k0)
			return fail(px, px->line, "expected a keyword such as VALUES(\"region\")=...; found '%s'",
				    here(px, h, sizeof(h)));
		st.kw = strpool_dup(&px->pool, px->s + k0, px->pos - k0);
		if (cur(px) == '[') {
			size_t l0 = ++px->pos;
			while (!at_end(px) && kw_char(cur(px)))
				px->pos++;
			if (cur(px) != ']' || px->pos == l0)
				return fail(px, px->line, "%s[: expected a language code and ']' (as in TITLE[en]=...); found '%s'",
					    st.kw, here(px, h, sizeof(h)));
			st.lang = strpool_dup(&px->pool, px->s + l0, px->pos - l0);
			px->pos++;
		}
		skip_ws(px);
		if (cur(px) == '(') {
			px->pos++;
			for (;;) {
				skip_ws(px);
				if (cur(px) != '"') {
					free(st.arg);
					return fail(px, px->line, "%s(: expected a quoted name, such as (\"region\"); found '%s'",
						    st.kw, here(px, h, sizeof(h)));
				}
				const char *arg;
				if (read_string(px, &arg)) {
					free(st.arg);
					return -1;
				}
				st.arg = xreallocarray(st.arg, st.narg + 1, sizeof(*st.arg));
				st.arg[st.narg++] = arg;
				skip_ws(px);
				if (cur(px) == ',') {
					px->pos++;
					continue;
				}
				if (cur(px) == ')') {
					px->pos++;
					break;
				}
				free(st.arg);
				return fail(px, px->line, "%s(...: expected ',' or ')' after a name; found '%s'", st.kw,
					    here(px, h, sizeof(h)));
			}
		}
		skip_ws(px);
		if (cur(px) != '=') {
			free(st.arg);
			return fail(px, px->line, "expected '=' after the keyword %s; found '%s'", st.kw, here(px, h, sizeof(h)));
		}
		px->pos++;
		if (strcmp(st.kw, "DATA") == 0) {
			free(st.arg);
			px->data_pos = px->pos;
			px->data_line = px->line;
			return 0;
		}
		for (;;) {
			skip_ws(px);
			struct px_item it = {0};
			char ch = cur(px);
			if (ch == '"') {
				it.quoted = true;
				if (read_string(px, &it.text))
					goto bad;
				size_t save = px->pos, line = px->line;
				skip_ws(px);
				if (cur(px) == ':') {
					px->pos++;
					skip_ws(px);
					if (cur(px) != '"') {
						fail(px, px->line, "%s: expected a quoted value after ':'; found '%s'", st.kw,
						     here(px, h, sizeof(h)));
						goto bad;
					}
					if (read_string(px, &it.text2))
						goto bad;
				} else {
					px->pos = save;
					px->line = line;
				}
			} else if (ch == ';' || ch == ',' || at_end(px)) {
				fail(px, px->line, "%s= has an empty value (expected a value before '%c')", st.kw,
				     at_end(px) ? ';' : ch);
				goto bad;
			} else {
				size_t v0 = px->pos;
				int depth = 0;
				while (!at_end(px)) {
					char c2 = cur(px);
					if (c2 == '"' && depth > 0) { /* TLIST(A1, "1994"-"1996") */
						px->pos++;
						while (!at_end(px) && cur(px) != '"' && cur(px) != '\n')
							px->pos++;
						if (cur(px) != '"') {
							fail(px, px->line, "%s: a string opened on this line is never closed", st.kw);
							goto bad;
						}
						px->pos++;
						continue;
					}
					if (c2 == '(')
						depth++;
					else if (c2 == ')' && depth > 0)
						depth--;
					else if (depth == 0 && (c2 == ',' || c2 == ';' || c2 == ' ' || c2 == '\t' || c2 == '\r' ||
								c2 == '\n' || c2 == '"'))
						break;
					if (c2 == '\n')
						px->line++;
					px->pos++;
				}
				it.text = strpool_dup(&px->pool, px->s + v0, px->pos - v0);
			}
			st.item = xreallocarray(st.item, st.nitem + 1, sizeof(*st.item));
			st.item[st.nitem++] = it;
			skip_ws(px);
			if (cur(px) == ',') {
				px->pos++;
				continue;
			}
			if (cur(px) == ';') {
				px->pos++;
				break;
			}
			if (at_end(px))
				fail(px, st.line, "the statement %s is not ended by ';'", st.kw);
			else
				fail(px, px->line, "after the value of %s expected ',' or ';'; found '%s' (is a ';' missing?)",
				     st.kw, here(px, h, sizeof(h)));
			goto bad;
		}
		/* Keep the lists in the pool, so that statements free as one. */
		if (st.narg) {
			const char **a = strpool_alloc(&px->pool, st.narg * sizeof(*a));
			memcpy(a, st.arg, st.narg * sizeof(*a));
			free(st.arg);
			st.arg = a;
		}
		struct px_item *items = strpool_alloc(&px->pool, st.nitem * sizeof(*items));
		memcpy(items, st.item, st.nitem * sizeof(*items));
		free(st.item);
		st.item = items;
		add_stmt(px, &st, &cap);
		continue;
bad:
		free(st.arg);
		free(st.item);
		return -1;
	}
}

static void px_release(struct px *px)
{
	free(px->st);
	free(px->var);
	strpool_release(&px->pool);
	px->st = NULL;
	px->var = NULL;
	px->nst = px->nvar = 0;
}

/* ---- Finding statements --------------------------------------------------- */

static bool lang_is(const struct px_stmt *st, const char *lang)
{
	if (!lang)
		return st->lang == NULL;
	return st->lang && strcmp(st->lang, lang) == 0;
}

/* get: the statement kw in language lang (NULL the default) with exactly
 * these arguments; 0 found, 1 absent, -1 given twice (an error). */
static int get(struct px *px, const char *kw, const char *lang, const char *const *args, size_t nargs,
	       const struct px_stmt **out)
{
	const struct px_stmt *found = NULL;
	for (size_t i = 0; i < px->nst; i++) {
		const struct px_stmt *st = &px->st[i];
		if (st->narg != nargs || strcmp(st->kw, kw) != 0 || !lang_is(st, lang))
			continue;
		bool same = true;
		for (size_t a = 0; a < nargs && same; a++)
			same = strcmp(st->arg[a], args[a]) == 0;
		if (!same)
			continue;
		if (found)
			return fail(px, st->line, "%s%s%s%s is given twice (first on line %zu): which one counts is unclear", kw,
				    lang ? "[" : "", lang ? lang : "", lang ? "]" : "", found->line);
		found = st;
	}
	*out = found;
	return found ? 0 : 1;
}

/* getv: kw for variable v: in the language read, else the default. */
static int getv(struct px *px, const char *kw, const struct px_var *v, const struct px_stmt **out)
{
	if (px->lang) {
		int r = get(px, kw, px->lang, &v->name, 1, out);
		if (r <= 0)
			return r;
	}
	return get(px, kw, NULL, &v->dname, 1, out);
}

/* get0: a keyword without arguments, in the language read, else the default. */
static int get0(struct px *px, const char *kw, const struct px_stmt **out)
{
	if (px->lang) {
		int r = get(px, kw, px->lang, NULL, 0, out);
		if (r <= 0)
			return r;
	}
	return get(px, kw, NULL, NULL, 0, out);
}

/* text_of: the text of st, NULL if st is; its items joined with ", ".  It
 * cannot fail (the statement is read already), so it returns nothing. */
static void text_of(struct px *px, const struct px_stmt *st, const char **out)
{
	if (!st) {
		*out = NULL;
		return;
	}
	if (st->nitem == 1) {
		*out = st->item[0].text;
		return;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	for (size_t i = 0; i < st->nitem; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", st->item[i].text);
	*out = strpool_dup(&px->pool, b.data ? b.data : "", b.len);
	buf_release(&b);
}

/* text0: the text of a keyword without arguments, NULL if absent; -1 if
 * it is given twice. */
static int text0(struct px *px, const char *kw, const char **out)
{
	const struct px_stmt *st;
	int r = get0(px, kw, &st);
	if (r < 0)
		return -1;
	text_of(px, r == 0 ? st : NULL, out);
	return 0;
}

/* ---- The cube ---------------------------------------------------------- */

/* list: the quoted items of st (a VALUES, CODES, STUB or HEADING list). */
static int list(struct px *px, const struct px_stmt *st, const char ***out, size_t *n)
{
	const char **v = strpool_alloc(&px->pool, (st->nitem ? st->nitem : 1) * sizeof(*v));
	for (size_t i = 0; i < st->nitem; i++) {
		if (!st->item[i].quoted || st->item[i].text2)
			return fail(px, st->line, "%s: item %zu is not a quoted text ('%s')", st->kw, i + 1, st->item[i].text);
		v[i] = st->item[i].text;
	}
	*out = v;
	*n = st->nitem;
	return 0;
}

static int64_t var_by_name(const struct px *px, const char *name, bool dflt)
{
	for (size_t i = 0; i < px->nvar; i++)
		if (strcmp(dflt ? px->var[i].dname : px->var[i].name, name) == 0)
			return (int64_t)i;
	return -1;
}

/* value_index: a value of variable v by its text in a statement of the
 * default language (dflt) or the one read: the value, else the code. */
static int64_t value_index(const struct px *px, size_t v, const char *text, bool dflt)
{
	const struct px_var *var = &px->var[v];
	const char **labels = dflt ? var->dlabel : var->label;
	for (size_t i = 0; i < var->n; i++)
		if (strcmp(labels[i], text) == 0)
			return (int64_t)i;
	for (size_t i = 0; i < var->n; i++)
		if (strcmp(px->c->dim[v].cat[i].code, text) == 0)
			return (int64_t)i;
	return -1;
}

static int variables(struct px *px)
{
	const struct px_stmt *stub = NULL, *heading = NULL, *lstub = NULL, *lheading = NULL;
	if (get(px, "STUB", NULL, NULL, 0, &stub) < 0 || get(px, "HEADING", NULL, NULL, 0, &heading) < 0)
		return -1;
	if (!stub && !heading)
		return fail(px, px->data_line, "neither STUB nor HEADING names the table's variables");
	if (px->lang) {
		if (get(px, "STUB", px->lang, NULL, 0, &lstub) < 0 || get(px, "HEADING", px->lang, NULL, 0, &lheading) < 0)
			return -1;
		if ((stub != NULL) != (lstub != NULL) || (heading != NULL) != (lheading != NULL))
			return fail(px, 0, "STUB[%s] and HEADING[%s] do not match STUB and HEADING", px->lang, px->lang);
	}
	const char **sn = NULL, **hn = NULL, **lsn = NULL, **lhn = NULL;
	size_t ns = 0, nh = 0, lns = 0, lnh = 0;
	if ((stub && list(px, stub, &sn, &ns)) || (heading && list(px, heading, &hn, &nh)) ||
	    (lstub && list(px, lstub, &lsn, &lns)) || (lheading && list(px, lheading, &lhn, &lnh)))
		return -1;
	if (px->lang && (lns != ns || lnh != nh))
		return fail(px, 0, "STUB[%s]/HEADING[%s] name %zu variables, STUB/HEADING %zu", px->lang, px->lang, lns + lnh,
			    ns + nh);
	px->nvar = ns + nh;
	px->var = xcalloc(px->nvar, sizeof(*px->var));
	for (size_t i = 0; i < px->nvar; i++) {
		struct px_var *v = &px->var[i];
		v->dname = i < ns ? sn[i] : hn[i - ns];
		v->name = px->lang ? (i < ns ? lsn[i] : lhn[i - ns]) : v->dname;
		for (size_t j = 0; j < i; j++)
			if (strcmp(px->var[j].dname, v->dname) == 0)
				return fail(px, stub ? stub->line : heading->line, "the variable \"%s\" is named twice in STUB/HEADING",
					    v->dname);
	}
	px->c->nstub = ns;
	for (size_t i = 0; i < px->nvar; i++) {
		struct px_var *v = &px->var[i];
		const struct px_stmt *vals, *lvals = NULL, *codes, *vcode;
		int r = get(px, "VALUES", NULL, &v->dname, 1, &vals);
		if (r < 0)
			return -1;
		if (r)
			return fail(px, 0, "no VALUES(\"%s\") for the variable \"%s\" of STUB/HEADING", v->dname, v->dname);
		if (list(px, vals, &v->dlabel, &v->n))
			return -1;
		v->label = v->dlabel;
		if (px->lang) {
			r = get(px, "VALUES", px->lang, &v->name, 1, &lvals);
			if (r < 0)
				return -1;
			if (r)
				return fail(px, 0, "no VALUES[%s](\"%s\") for the variable \"%s\"", px->lang, v->name, v->name);
			size_t n;
			if (list(px, lvals, &v->label, &n))
				return -1;
			if (n != v->n)
				return fail(px, lvals->line, "VALUES[%s](\"%s\") has %zu values, VALUES(\"%s\") %zu", px->lang,
					    v->name, n, v->dname, v->n);
		}
		/* Codes are the same in every language: the default's first. */
		r = get(px, "CODES", NULL, &v->dname, 1, &codes);
		if (r == 1 && px->lang)
			r = get(px, "CODES", px->lang, &v->name, 1, &codes);
		if (r < 0)
			return -1;
		const char **code = NULL;
		size_t ncode = 0;
		if (r == 0) {
			if (list(px, codes, &code, &ncode))
				return -1;
			if (ncode != v->n)
				return fail(px, codes->line, "CODES(\"%s\") has %zu codes, but VALUES(\"%s\") has %zu values",
					    v->dname, ncode, v->dname, v->n);
		}
		if (getv(px, "VARIABLECODE", v, &vcode) < 0)
			return -1;
		const char *vc = NULL;
		if (vcode)
			text_of(px, vcode, &vc);
		size_t d = statcube_add_dim(px->c, vc ? vc : v->name, v->name, v->n);
		for (size_t k = 0; k < v->n; k++)
			statcube_set_cat(px->c, d, k, code ? code[k] : NULL, v->label[k]);
	}
	return 0;
}

static int roles(struct px *px)
{
	struct stat_cube *c = px->c;
	const struct px_stmt *st;
	/* CONTVARIABLE: the content variable, by its name. */
	int r = get0(px, "CONTVARIABLE", &st);
	if (r < 0)
		return -1;
	if (r == 0) {
		const char *name;
		text_of(px, st, &name);
		int64_t v = var_by_name(px, name, st->lang == NULL);
		if (v < 0)
			return fail(px, st->line, "CONTVARIABLE names \"%s\", which is not a variable of STUB or HEADING", name);
		c->dim[v].role = STAT_ROLE_CONTENT;
	}
	for (size_t i = 0; i < px->nvar; i++) {
		struct px_var *v = &px->var[i];
		struct stat_dim *d = &c->dim[i];
		if (getv(px, "TIMEVAL", v, &st) < 0)
			return -1;
		if (st && d->role == STAT_ROLE_NONE)
			d->role = STAT_ROLE_TIME;
		if (getv(px, "VARIABLE-TYPE", v, &st) < 0)
			return -1;
		if (st && st->nitem == 1 && d->role == STAT_ROLE_NONE) {
			const char *t = st->item[0].text;
			if (strcmp(t, "T") == 0 || strcmp(t, "t") == 0)
				d->role = STAT_ROLE_TIME;
			else if (strcmp(t, "G") == 0 || strcmp(t, "g") == 0)
				d->role = STAT_ROLE_GEO;
		}
		if (getv(px, "MAP", v, &st) < 0)
			return -1;
		if (st && d->role == STAT_ROLE_NONE)
			d->role = STAT_ROLE_GEO;
		/* ELIMINATION: YES, NO, or the value that stands for all. */
		if (getv(px, "ELIMINATION", v, &st) < 0)
			return -1;
		if (st) {
			if (st->nitem != 1)
				return fail(px, st->line, "ELIMINATION(\"%s\"): expected YES, NO or one value", v->name);
			const char *t = st->item[0].text;
			if (!st->item[0].quoted && (strcmp(t, "YES") == 0 || strcmp(t, "yes") == 0)) {
				d->elimination = true;
			} else if (!st->item[0].quoted && (strcmp(t, "NO") == 0 || strcmp(t, "no") == 0)) {
				d->elimination = false;
			} else {
				int64_t k = value_index(px, i, t, st->lang == NULL);
				if (k < 0)
					return fail(px, st->line, "ELIMINATION(\"%s\")=\"%s\": no such value of \"%s\"", v->name, t,
						    v->name);
				d->elimination = true;
				d->elim = k;
			}
		}
		/* HIERARCHIES: "root", "parent":"child", ... by code or value. */
		if (getv(px, "HIERARCHIES", v, &st) < 0)
			return -1;
		for (size_t k = 0; st && k < st->nitem; k++) {
			const struct px_item *it = &st->item[k];
			int64_t a = value_index(px, i, it->text, st->lang == NULL);
			if (a < 0)
				return fail(px, st->line, "HIERARCHIES(\"%s\"): \"%s\" is not a code or value of \"%s\"", v->name,
					    it->text, v->name);
			if (!it->text2)
				continue;
			int64_t b = value_index(px, i, it->text2, st->lang == NULL);
			if (b < 0)
				return fail(px, st->line, "HIERARCHIES(\"%s\"): \"%s\" is not a code or value of \"%s\"", v->name,
					    it->text2, v->name);
			if (d->cat[b].parent >= 0 && d->cat[b].parent != a)
				return fail(px, st->line, "HIERARCHIES(\"%s\"): \"%s\" has two parents (\"%s\" and \"%s\")",
					    v->name, it->text2, d->cat[d->cat[b].parent].code, it->text);
			if (a == b)
				return fail(px, st->line, "HIERARCHIES(\"%s\"): \"%s\" is its own parent", v->name, it->text);
			d->cat[b].parent = a;
		}
		/* A loop in the hierarchy would make every category its own ancestor. */
		for (size_t k = 0; k < d->ncat; k++) {
			size_t steps = 0;
			for (int64_t p = d->cat[k].parent; p >= 0; p = d->cat[p].parent)
				if (++steps > d->ncat)
					return fail(px, st ? st->line : 0, "HIERARCHIES(\"%s\") has a loop through \"%s\"", v->name,
						    d->cat[k].code);
		}
	}
	return 0;
}

static const char *stockfa(const char *t)
{
	if (!t)
		return NULL;
	if (strcmp(t, "S") == 0 || strcmp(t, "s") == 0)
		return "stock";
	if (strcmp(t, "F") == 0 || strcmp(t, "f") == 0)
		return "flow";
	return NULL;
}

static int decimals_of(struct px *px, const struct px_stmt *st, int *out)
{
	if (!st)
		return 0;
	const char *t = st->item[0].text;
	char *end;
	long v = strtol(t, &end, 10);
	if (st->nitem != 1 || *end || end == t || v < 0 || v > 15)
		return fail(px, st->line, "%s: expected a number of decimals from 0 to 15, found '%s'", st->kw, t);
	*out = (int)v;
	return 0;
}

static int metadata(struct px *px)
{
	struct stat_cube *c = px->c;
	const char *t;
	static const struct {
		const char *kw;
		size_t off;
	} texts[] = {
		{"TABLEID", offsetof(struct stat_cube, table_id)}, {"MATRIX", offsetof(struct stat_cube, matrix)},
		{"TITLE", offsetof(struct stat_cube, title)},      {"DESCRIPTION", offsetof(struct stat_cube, title)},
		{"CONTENTS", offsetof(struct stat_cube, contents)}, {"SOURCE", offsetof(struct stat_cube, source)},
		{"LAST-UPDATED", offsetof(struct stat_cube, updated)},
		{"CREATION-DATE", offsetof(struct stat_cube, created)},
		{"DATABASE", offsetof(struct stat_cube, database)}, {"SUBJECT-AREA", offsetof(struct stat_cube, subject)},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(texts); i++) {
		if (text0(px, texts[i].kw, &t))
			return -1;
		const char **slot = (const char **)((char *)c + texts[i].off);
		if (t && !*slot)
			*slot = statcube_str(c, t, -1);
	}
	c->language = statcube_str(c, px->lang, -1);
	if (!c->language && text0(px, "LANGUAGE", &t) == 0 && t)
		c->language = statcube_str(c, t, -1);
	if (text0(px, "UNITS", &t))
		return -1;
	c->all.unit = statcube_str(c, t, -1);
	if (text0(px, "REFPERIOD", &t))
		return -1;
	c->all.refperiod = statcube_str(c, t, -1);
	if (text0(px, "STOCKFA", &t))
		return -1;
	c->all.measure = stockfa(t);
	const struct px_stmt *st;
	if (get0(px, "DECIMALS", &st) < 0 || decimals_of(px, st, &c->all.decimals))
		return -1;
	/* Per content value: UNITS("Folkmängd"), REFPERIOD(...), ... */
	for (size_t i = 0; i < px->nvar; i++) {
		if (c->dim[i].role != STAT_ROLE_CONTENT)
			continue;
		struct px_var *v = &px->var[i];
		for (size_t k = 0; k < v->n; k++) {
			struct stat_category *cat = &c->dim[i].cat[k];
			static const char *const kws[] = {"UNITS", "REFPERIOD", "STOCKFA", "LAST-UPDATED", "PRECISION"};
			for (size_t j = 0; j < BD_ARRAY_LEN(kws); j++) {
				int r = 1;
				if (px->lang)
					r = get(px, kws[j], px->lang, &v->label[k], 1, &st);
				if (r == 1)
					r = get(px, kws[j], NULL, &v->dlabel[k], 1, &st);
				if (r < 0)
					return -1;
				if (r)
					continue;
				text_of(px, st, &t);
				if (j == 0)
					cat->unit = statcube_str(c, t, -1);
				else if (j == 1)
					cat->refperiod = statcube_str(c, t, -1);
				else if (j == 2)
					cat->measure = stockfa(t);
				else if (j == 3)
					cat->updated = statcube_str(c, t, -1);
			}
		}
	}
	return 0;
}

/* Notes: the statements of kw in the language read, or, when that language
 * has none of them, the default's. */
static const char *note_lang(struct px *px, const char *kw)
{
	if (!px->lang)
		return NULL;
	for (size_t i = 0; i < px->nst; i++)
		if (strcmp(px->st[i].kw, kw) == 0 && lang_is(&px->st[i], px->lang))
			return px->lang;
	return NULL;
}

static const char *join_note(struct stat_cube *c, const char *old, const char *add)
{
	if (!old)
		return statcube_str(c, add, -1);
	char *j = xasprintf("%s\n%s", old, add);
	const char *r = statcube_str(c, j, -1);
	free(j);
	return r;
}

static int notes(struct px *px)
{
	struct stat_cube *c = px->c;
	static const char *const kws[] = {"NOTEX", "NOTE", "VALUENOTEX", "VALUENOTE", "CELLNOTEX", "CELLNOTE"};
	for (size_t k = 0; k < BD_ARRAY_LEN(kws); k++) {
		const char *lang = note_lang(px, kws[k]);
		bool dflt = lang == NULL;
		for (size_t i = 0; i < px->nst; i++) {
			const struct px_stmt *st = &px->st[i];
			if (strcmp(st->kw, kws[k]) != 0 || !lang_is(st, lang))
				continue;
			const char *text;
			text_of(px, st, &text);
			if (k < 2) { /* NOTE(X): the table's, or a variable's */
				if (st->narg == 0) {
					statcube_add_note(c, text);
					continue;
				}
				int64_t v = var_by_name(px, st->arg[0], dflt);
				if (st->narg != 1 || v < 0)
					return fail(px, st->line, "%s(\"%s\"): not a variable of STUB or HEADING", st->kw, st->arg[0]);
				c->dim[v].note = join_note(c, c->dim[v].note, text);
			} else if (k < 4) { /* VALUENOTE(X)("variable", "value") */
				int64_t v = st->narg == 2 ? var_by_name(px, st->arg[0], dflt) : -1;
				if (v < 0)
					return fail(px, st->line, "%s: expected (\"variable\", \"value\") of STUB or HEADING", st->kw);
				int64_t cat = value_index(px, (size_t)v, st->arg[1], dflt);
				if (cat < 0)
					return fail(px, st->line, "%s(\"%s\", \"%s\"): no such value of \"%s\"", st->kw, st->arg[0],
						    st->arg[1], st->arg[0]);
				c->dim[v].cat[cat].note = join_note(c, c->dim[v].cat[cat].note, text);
			} else { /* CELLNOTE(X)("value", "*", ...): one per variable, STUB then HEADING */
				if (st->narg != px->nvar)
					return fail(px, st->line, "%s has %zu values, the table %zu variables (STUB then HEADING; "
								  "\"*\" for any value)", st->kw, st->narg, px->nvar);
				int64_t *cat = xcalloc(px->nvar, sizeof(*cat));
				for (size_t a = 0; a < st->narg; a++) {
					cat[a] = strcmp(st->arg[a], "*") == 0 ? -1 : value_index(px, a, st->arg[a], dflt);
					if (cat[a] < 0 && strcmp(st->arg[a], "*") != 0) {
						free(cat);
						return fail(px, st->line, "%s: \"%s\" is no value of \"%s\"", st->kw, st->arg[a],
							    dflt ? px->var[a].dname : px->var[a].name);
					}
				}
				statcube_add_cellnote(c, cat, text);
				free(cat);
			}
		}
	}
	return 0;
}

/* ---- DATA ----------------------------------------------------------- */

struct symbols {
	const char *missing[8];
	size_t nmissing;
	const char *nil;
};

static int symbols(struct px *px, struct symbols *sy)
{
	static const char *const defaults[] = {".", "..", "...", "....", ".....", "......"};
	char kw[16];
	sy->nmissing = 0;
	for (int i = 1; i <= 6; i++) {
		const char *t;
		snprintf(kw, sizeof(kw), "DATASYMBOL%d", i);
		if (text0(px, kw, &t))
			return -1;
		sy->missing[sy->nmissing++] = t ? t : defaults[i - 1];
	}
	sy->missing[sy->nmissing++] = ":";
	const char *nil;
	if (text0(px, "DATASYMBOLNIL", &nil))
		return -1;
	sy->nil = nil ? nil : "-";
	for (size_t i = 0; i < sy->nmissing; i++)
		if (strcmp(sy->missing[i], sy->nil) == 0)
			return fail(px, 0, "the symbol \"%s\" means both a missing value (DATASYMBOLn) and zero (DATASYMBOLNIL)",
				    sy->nil);
	return 0;
}

/* next_token: the next DATA value (t0, tl: its text without quotes);
 * 1 at the end of DATA (';', or the end of the file: *ended says which). */
static int next_token(struct px *px, size_t *t0, size_t *tl, bool *ended)
{
	while (px->pos < px->len) {
		char ch = px->s[px->pos];
		if (ch == '\n')
			px->line++;
		else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != ',' && ch != '\f' && ch != '\v')
			break;
		px->pos++;
	}
	if (at_end(px))
		return 1;
	if (cur(px) == ';') {
		px->pos++;
		*ended = true;
		return 1;
	}
	bool quoted = cur(px) == '"';
	size_t a = px->pos + quoted, z;
	if (quoted) {
		px->pos++;
		while (!at_end(px) && cur(px) != '"' && cur(px) != '\n')
			px->pos++;
		if (cur(px) != '"')
			return fail(px, px->line, "DATA: a quoted symbol opened on this line is never closed");
		z = px->pos++;
	} else {
		while (!at_end(px)) {
			char ch = cur(px);
			if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ',' || ch == ';' || ch == '"')
				break;
			px->pos++;
		}
		z = px->pos;
	}
	*t0 = a;
	*tl = z - a;
	return 0;
}

/* put_value: the token as cell (value n of DATA, for messages). */
static int put_value(struct px *px, const struct symbols *sy, struct stat_cell *cell, size_t t0, size_t tl, size_t n)
{
	struct stat_cube *c = px->c;
	char tok[64];
	if (tl < sizeof(tok) && !(tl && px->s[t0] >= '0' && px->s[t0] <= '9')) {
		memcpy(tok, px->s + t0, tl);
		tok[tl] = '\0';
		for (size_t i = 0; i < sy->nmissing; i++)
			if (strcmp(tok, sy->missing[i]) == 0) {
				cell->status = STAT_MISSING;
				cell->symbol = statcube_symbol(c, sy->missing[i]);
				return 0;
			}
		if (strcmp(tok, sy->nil) == 0) {
			cell->status = STAT_NIL;
			cell->mant = 0;
			cell->scale = 0;
			cell->symbol = statcube_symbol(c, sy->nil);
			return 0;
		}
	}
	int64_t mant;
	int scale;
	const char *why;
	if (stat_decimal_parse(px->s + t0, tl, &mant, &scale, &why)) { /* a quoted number is a number too */
		struct buf b;
		buf_init(&b, SIZE_MAX);
		for (size_t i = 0; i < sy->nmissing; i++)
			buf_addf(&b, "%s\"%s\"", i ? ", " : "", sy->missing[i]);
		int rc = fail(px, px->line, "DATA value %zu, '%.*s', is not a number, nor a missing-value symbol (%s) "
					    "nor the nil symbol \"%s\"", n, (int)(tl > 40 ? 40 : tl), px->s + t0, b.data,
			      sy->nil);
		buf_release(&b);
		return rc;
	}
	cell->mant = mant;
	cell->scale = (uint8_t)scale;
	cell->status = STAT_VALUE;
	return 0;
}

static int data_end(struct px *px, bool ended)
{
	if (ended) {
		skip_ws(px);
		if (!at_end(px)) {
			char h[64];
			return fail(px, px->line, "text after the end of DATA: '%s'", here(px, h, sizeof(h)));
		}
	}
	return 0;
}

/* KEYS("var")=VALUES|CODES: DATA in sparse rows.  The variables with KEYS
 * are the first of the STUB; each row starts with their keys (a value or a
 * code, as KEYS says), then the row's cells: every combination of the
 * other variables, in the dense order.  A row the file leaves out is zero,
 * as the format defines it (its cells get the nil status, with the symbol
 * "KEYS"); a row given twice, a key that is no value of its variable, or a
 * row of the wrong length is an error naming the line. */
struct keyvar {
	size_t dim;
	bool codes;
};

static int key_index(struct px *px, const struct keyvar *k, const char *text, int64_t *out)
{
	const struct stat_dim *d = &px->c->dim[k->dim];
	*out = -1;
	if (k->codes) {
		for (size_t i = 0; i < d->ncat && *out < 0; i++)
			if (strcmp(d->cat[i].code, text) == 0)
				*out = (int64_t)i;
	} else {
		*out = value_index(px, k->dim, text, px->lang == NULL);
		if (*out < 0 && px->lang)
			*out = value_index(px, k->dim, text, true);
	}
	if (*out >= 0)
		return 0;
	char name[256];
	return fail(px, px->line, "DATA: the key '%s' is not a %s of '%s' (KEYS(\"%s\")=%s)", text,
		    k->codes ? "code" : "value", statcube_dim_name(d, name, sizeof(name)), px->var[k->dim].dname,
		    k->codes ? "CODES" : "VALUES");
}

static int read_keys(struct px *px, const struct symbols *sy, const struct keyvar *kv, size_t nk)
{
	struct stat_cube *c = px->c;
	size_t nrows = 1;
	for (size_t i = 0; i < nk; i++)
		nrows *= c->dim[i].ncat;
	size_t rowlen = c->ncell / nrows;
	bool *seen = xcalloc(nrows, sizeof(*seen));
	uint16_t keysym = statcube_symbol(c, "KEYS");
	for (size_t i = 0; i < c->ncell; i++) {
		c->cell[i].status = STAT_NIL;
		c->cell[i].mant = 0;
		c->cell[i].scale = 0;
		c->cell[i].symbol = keysym;
	}
	px->pos = px->data_pos;
	px->line = px->data_line;
	bool ended = false;
	size_t n = 0, given = 0;
	int rc = 0;
	char key[256];
	while (!rc) {
		size_t t0 = 0, tl = 0, row = 0, line = 0, at[16];
		int r = 0;
		for (size_t k = 0; k < nk && !rc; k++) {
			r = next_token(px, &t0, &tl, &ended);
			if (r < 0) {
				rc = -1;
			} else if (r == 1) {
				if (k)
					rc = fail(px, px->line, "DATA %s inside a row, after %zu of its %zu keys",
						  ended ? "ends with ';'" : "ends with the file", k, nk);
				break;
			} else {
				if (!k)
					line = px->line;
				bd_strf(key, sizeof(key), "%.*s", (int)tl, px->s + t0);
				int64_t ix;
				if (key_index(px, &kv[k], key, &ix))
					rc = -1;
				at[kv[k].dim] = (size_t)ix;
			}
		}
		if (rc || r == 1)
			break;
		for (size_t d = 0; d < nk; d++)
			row = row * c->dim[d].ncat + at[d];
		if (seen[row]) {
			rc = fail(px, line, "DATA: the row of keys given here is given twice");
			break;
		}
		seen[row] = true;
		given++;
		for (size_t j = 0; j < rowlen && !rc; j++) {
			r = next_token(px, &t0, &tl, &ended);
			if (r < 0)
				rc = -1;
			else if (r == 1)
				rc = fail(px, px->line, "DATA %s after %zu of the row's %zu values (the row begun on line %zu)",
					  ended ? "ends with ';'" : "ends with the file", j, rowlen, line);
			else
				rc = put_value(px, sy, &c->cell[row * rowlen + j], t0, tl, ++n);
		}
	}
	free(seen);
	if (!rc && given == 0)
		rc = fail(px, px->line, "DATA with KEYS has no row");
	return rc ? rc : data_end(px, ended);
}

static int read_data(struct px *px)
{
	struct stat_cube *c = px->c;
	struct symbols sy;
	if (symbols(px, &sy))
		return -1;
	/* KEYS: which variables, in the default language or the one read. */
	struct keyvar kv[16];
	size_t nk = 0;
	for (size_t i = 0; i < px->nst; i++) {
		const struct px_stmt *st = &px->st[i];
		if (strcmp(st->kw, "KEYS") != 0 || (st->lang && (!px->lang || strcmp(st->lang, px->lang) != 0)))
			continue;
		if (st->narg != 1 || st->nitem != 1 ||
		    (strcmp(st->item[0].text, "VALUES") != 0 && strcmp(st->item[0].text, "CODES") != 0))
			return fail(px, st->line, "expected KEYS(\"variable\")=VALUES or =CODES");
		int64_t v = var_by_name(px, st->arg[0], st->lang == NULL);
		if (v < 0)
			return fail(px, st->line, "KEYS(\"%s\"): no such variable in STUB or HEADING", st->arg[0]);
		if (nk == BD_ARRAY_LEN(kv))
			return fail(px, st->line, "more than %zu variables with KEYS", BD_ARRAY_LEN(kv));
		for (size_t k = 0; k < nk; k++)
			if (kv[k].dim == (size_t)v)
				return fail(px, st->line, "KEYS(\"%s\") is given twice", st->arg[0]);
		kv[nk++] = (struct keyvar){(size_t)v, strcmp(st->item[0].text, "CODES") == 0};
	}
	if (nk) {
		for (size_t k = 0; k < nk; k++) {
			if (kv[k].dim >= c->nstub)
				return fail(px, 0, "KEYS(\"%s\"): only STUB variables have keys, and it is in HEADING",
					    px->var[kv[k].dim].dname);
		}
		/* They are the first variables of the STUB (in any order: a row
		 * gives its keys in the order of the KEYS statements). */
		for (size_t k = 0; k < nk; k++)
			if (kv[k].dim >= nk)
				return fail(px, 0, "KEYS: the variables with keys must be the first of STUB ('%s' has keys, "
						   "'%s' before it has none)",
					    px->var[kv[k].dim].dname, px->var[nk - 1].dname);
		return read_keys(px, &sy, kv, nk);
	}
	px->pos = px->data_pos;
	px->line = px->data_line;
	size_t n = 0;
	bool ended = false;
	for (;;) {
		size_t t0 = 0, tl = 0;
		int r = next_token(px, &t0, &tl, &ended);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		if (n >= c->ncell)
			return fail(px, px->line, "DATA has more values than the table's %zu cells (the product of the number "
						  "of values of each variable)", c->ncell);
		if (put_value(px, &sy, &c->cell[n], t0, tl, n + 1))
			return -1;
		n++;
	}
	if (n < c->ncell) {
		struct buf b;
		buf_init(&b, SIZE_MAX);
		for (size_t d = 0; d < c->ndim; d++)
			buf_addf(&b, "%s%zu", d ? " x " : "", c->dim[d].ncat);
		int rc = fail(px, px->line, "DATA %s after %zu values, but the table has %zu cells (%s)",
			      ended ? "ends with ';'" : "ends with the file", n, c->ncell, b.data);
		buf_release(&b);
		return rc;
	}
	return data_end(px, ended);
}

/* ---- The encoding -------------------------------------------------------- */

/* declared: the single text of keyword kw (raw bytes, ASCII expected). */
static const char *declared(struct px *px, const char *kw)
{
	const struct px_stmt *st;
	if (get(px, kw, NULL, NULL, 0, &st) != 0 || st->nitem < 1)
		return NULL;
	return st->item[0].text;
}

/* choose_encoding: the encoding to read the file in (*enc, malloc'd) and
 * why (*why, malloc'd). */
static int choose_encoding(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
			   char **enc, char **why, struct bd_error *err)
{
	*enc = NULL;
	if (o && o->encoding) {
		*enc = xstrdup(text_encoding(o->encoding));
		*why = xstrdup("given");
		return 0;
	}
	struct px px = {.origin = origin, .err = err, .s = data, .len = len};
	strpool_init(&px.pool);
	int rc = parse_header(&px);
	const char *codepage = rc ? NULL : declared(&px, "CODEPAGE");
	const char *charset = rc ? NULL : declared(&px, "CHARSET");
	if (!rc) {
		if (codepage) {
			*enc = xstrdup(text_encoding(codepage));
			*why = xasprintf("CODEPAGE=\"%s\"", codepage);
		} else if (charset && strcmp(charset, "ANSI") == 0) {
			*enc = xstrdup("WINDOWS-1252");
			*why = xstrdup("CHARSET=\"ANSI\"");
		} else {
			*enc = xstrdup("CP437");
			*why = xstrdup(charset ? "CHARSET is not \"ANSI\": PC-Axis's DOS code page 437"
					       : "no CHARSET or CODEPAGE: PC-Axis's DOS code page 437");
		}
		/* A single-byte declaration over text written in UTF-8 would turn
		 * every å into two letters: refuse it. */
		bool multibyte;
		size_t head = px.data_pos;
		if (strcmp(*enc, "UTF-8") != 0 && text_utf8_check(data, head, &multibyte) == head && multibyte) {
			size_t off = 0;
			while (off < head && (unsigned char)data[off] < 0x80)
				off++;
			size_t l = 1;
			while (off + l < head && ((unsigned char)data[off + l] & 0xC0) == 0x80)
				l++;
			rc = bd_fail(err, "%s:%zu: the file is read as %s (%s), but its text is UTF-8 ('%.*s' would be read "
					  "as two or more characters): give the encoding utf-8 if it is", origin,
				     text_line_of(data, off), *enc, *why, (int)l, data + off);
			free(*why);
			*why = NULL;
			free(*enc);
			*enc = NULL;
		}
	}
	strpool_release(&px.pool);
	free(px.st);
	return rc;
}

int px_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o, struct stat_cube *c,
	     struct bd_error *err)
{
	char *enc = NULL, *why = NULL;
	if (choose_encoding(data, len, origin, o, &enc, &why, err))
		return -1;
	char *text;
	size_t tlen;
	int rc = text_to_utf8(data, len, enc, origin, why, &text, &tlen, err);
	if (rc) {
		free(enc);
		free(why);
		return rc;
	}
	c->origin = statcube_str(c, origin, -1);
	c->format = "PC-Axis";
	char *e = xasprintf("%s (%s)", enc, why);
	c->encoding = statcube_str(c, e, -1);
	free(e);
	free(enc);
	free(why);
	struct px px = {.origin = origin, .err = err, .s = text, .len = tlen, .c = c};
	strpool_init(&px.pool);
	rc = parse_header(&px);
	/* The language: the default (LANGUAGE), or one of LANGUAGES. */
	const char *deflang = NULL;
	if (!rc)
		deflang = declared(&px, "LANGUAGE");
	for (size_t i = 0; !rc && deflang && i < px.nst; i++)
		if (px.st[i].lang && strcmp(px.st[i].lang, deflang) == 0)
			px.st[i].lang = NULL; /* TITLE[sv] in a file in Swedish is its TITLE */
	if (!rc && o && o->language && !(deflang && strcmp(o->language, deflang) == 0)) {
		bool any = false;
		for (size_t i = 0; i < px.nst && !any; i++)
			any = px.st[i].lang && strcmp(px.st[i].lang, o->language) == 0;
		if (!any) {
			const char *langs = NULL;
			const struct px_stmt *st;
			if (get(&px, "LANGUAGES", NULL, NULL, 0, &st) == 0)
				text_of(&px, st, &langs);
			rc = fail(&px, 0, "the file has no texts in language '%s' (its languages: %s)", o->language,
				  langs ? langs : deflang ? deflang : "one, not named");
		}
		px.lang = o->language;
	}
	if (!rc)
		rc = variables(&px);
	if (!rc)
		rc = roles(&px);
	if (!rc)
		rc = metadata(&px);
	if (!rc)
		rc = statcube_finish(c, true, err);
	if (!rc)
		rc = notes(&px);
	if (!rc)
		rc = read_data(&px);
	px_release(&px);
	free(text);
	return rc;
}
