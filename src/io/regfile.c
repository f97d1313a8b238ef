/* regfile.c: reading and writing "bidrag-register/1".  See regfile.h. */
#include "regfile.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decision.h"
#include "money.h"
#include "csvread.h"
#include "jsonread.h"
#include "readfile.h"

struct rf {
	struct rg_register *r;
	const char *origin, *basedir;
	struct regfile_checks *checks;
	struct bd_error *err;
};

static int fail(struct rf *f, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct rf *f, const char *path, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(f->err, "%s: %s: %s", f->origin, path[0] ? path : "(top level)", msg);
}

static void sub(char *out, size_t n, const char *path, const char *key)
{
	bd_strf(out, n, "%s%s%s", path, path[0] ? "." : "", key);
}

static int only_keys(struct rf *f, const json_t *o, const char *path, const char *const *allowed)
{
	char msg[1024];
	return json_unknown_field(o, allowed, msg, sizeof(msg)) ? fail(f, path, "%s", msg) : 0;
}

/* text: a string field; control characters only in free text. */
static int text(struct rf *f, const json_t *o, const char *key, const char *path, bool required, char **out)
{
	char p[300];
	sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v)
		return required ? fail(f, p, "missing (expected text)") : 0;
	if (!json_is_string(v))
		return fail(f, p, "expected a string, found %s", json_type_name(v));
	const char *s = json_string_value(v);
	if (required && !*s)
		return fail(f, p, "empty (expected text)");
	bool multiline = strcmp(key, "status") == 0 || strcmp(key, "note") == 0;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 && !(multiline && *c == '\n'))
			return fail(f, p, "a control character (0x%02x) at position %zu (expected plain text)",
				    (unsigned char)*c, (size_t)(c - s) + 1);
	*out = rg_strdup(f->r, s);
	return 0;
}

static bool key_ok(const char *s)
{
	if (!*s || strlen(s) > 80)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return true;
}

static int key_field(struct rf *f, const json_t *o, const char *key, const char *path, bool required, char **out)
{
	if (text(f, o, key, path, required, out))
		return -1;
	if (*out && !key_ok(*out)) {
		char p[300];
		sub(p, sizeof(p), path, key);
		return fail(f, p, "'%s' is not a key (expected lower-case letters a-z, digits and hyphens, "
				  "at most 80)",
			    *out);
	}
	return 0;
}

static int amount_of(struct rf *f, const json_t *v, const char *p, int64_t *out)
{
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < 0)
			return fail(f, p, "%lld is negative (expected whole kronor, 0 or more)", (long long)n);
		*out = (int64_t)n;
	} else if (json_is_string(v)) {
		char why[256];
		if (money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY, out, why, sizeof(why)))
			return fail(f, p, "'%s': %s", json_string_value(v), why);
	} else if (json_is_real(v)) {
		return fail(f, p, "a fractional JSON number (expected whole kronor as an integer, or a string "
				  "such as \"71,90 mkr\")");
	} else {
		return fail(f, p, "expected an amount (an integer or a string such as \"71 862 709\"), found %s",
			    json_type_name(v));
	}
	if (*out > RG_AMOUNT_MAX)
		return fail(f, p, "too large: at most 100 000 000 000 000 kronor");
	return 0;
}

static int amount(struct rf *f, const json_t *o, const char *key, const char *path, bool *has, int64_t *out)
{
	char p[300];
	sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(o, key);
	*has = v != NULL;
	*out = 0;
	return v ? amount_of(f, v, p, out) : 0;
}

static int check(struct rf *f, const json_t *o, const char *key, const char *path, const int64_t *computed)
{
	bool has;
	int64_t typed = 0;
	json_t *v = json_object_get(o, key);
	has = v != NULL;
	if (has && strcmp(key, "remaining") == 0) {
		/* What remains may be negative: an account spent beyond what was
		 * available is accepted, and its check says so. */
		char p[300], why[256];
		sub(p, sizeof(p), path, key);
		if (json_is_integer(v))
			typed = (int64_t)json_integer_value(v);
		else if (!json_is_string(v) ||
			 money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY | NUM_NEGATIVE, &typed, why, sizeof(why)))
			return fail(f, p, "expected an amount in kronor (it may be negative)");
		if (typed > RG_AMOUNT_MAX || typed < -RG_AMOUNT_MAX)
			return fail(f, p, "too large: at most 100 000 000 000 000 kronor");
	} else if (amount(f, o, key, path, &has, &typed)) {
		return -1;
	}
	if (!has || !f->checks)
		return 0;
	struct regfile_checks *c = f->checks;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	char p[300];
	sub(p, sizeof(p), path, key);
	c->v[c->n++] = (struct regfile_check){xasprintf("%s: %s", f->origin, p), computed, typed};
	return 0;
}

static int date(struct rf *f, const json_t *o, const char *key, const char *path, char out[RG_DATE_LEN])
{
	char p[300];
	sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(o, key);
	out[0] = '\0';
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(f, p, "expected a date (YYYY-MM-DD), found %s", json_type_name(v));
	const char *s = json_string_value(v);
	if (!date_valid(s))
		return fail(f, p, "'%s' is not a date (expected YYYY-MM-DD, a real calendar day)", s);
	memcpy(out, s, RG_DATE_LEN);
	return 0;
}

static int boolean(struct rf *f, const json_t *o, const char *key, const char *path, bool *out)
{
	char p[300];
	sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return fail(f, p, "expected true or false, found %s", json_type_name(v));
	*out = json_is_true(v);
	return 0;
}

/* array: the array at key (NULL and *n = 0 when absent). */
static int array(struct rf *f, const json_t *o, const char *key, const char *path, bool required,
		 const json_t **out, size_t *n)
{
	char p[300];
	sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(o, key);
	*out = NULL;
	*n = 0;
	if (!v)
		return required ? fail(f, p, "missing (expected an array)") : 0;
	if (!json_is_array(v))
		return fail(f, p, "expected an array, found %s", json_type_name(v));
	*out = v;
	*n = json_array_size(v);
	return 0;
}

static int strings(struct rf *f, const json_t *o, const char *key, const char *path, char ***out, size_t *n)
{
	const json_t *a;
	if (array(f, o, key, path, false, &a, n))
		return -1;
	*out = rg_alloc(f->r, *n + 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_array_get(a, i);
		char p[300];
		bd_strf(p, sizeof(p), "%s%s%s[%zu]", path, path[0] ? "." : "", key, i);
		if (!json_is_string(s))
			return fail(f, p, "expected a string, found %s", json_type_name(s));
		(*out)[i] = rg_strdup(f->r, json_string_value(s));
	}
	return 0;
}

static int object_at(struct rf *f, const json_t *a, size_t i, const char *path, const json_t **o, char *p,
		     size_t plen)
{
	bd_strf(p, plen, "%s[%zu]", path, i);
	*o = json_array_get(a, i);
	if (!json_is_object(*o))
		return fail(f, p, "expected an object, found %s", json_type_name(*o));
	return 0;
}

/* file_beside: a CSV file named in the document, read from basedir. */
static int file_beside(struct rf *f, const json_t *o, const char *key, const char *path, char **data,
		       size_t *len, char **name)
{
	char *rel;
	*name = NULL;
	if (text(f, o, key, path, false, &rel))
		return -1;
	if (!rel)
		return 0;
	char p[300];
	sub(p, sizeof(p), path, key);
	if (!f->basedir)
		return fail(f, p, "a file reference in a stored document (expected the data inline)");
	if (rel[0] == '/' || strstr(rel, ".."))
		return fail(f, p, "'%s': expected a file name relative to the register file, without '..'", rel);
	*name = xasprintf("%s/%s", f->basedir, rel);
	if (read_file(*name, REGFILE_MAX, data, len, f->err)) {
		bd_prefix(f->err, "%s: %s", f->origin, p);
		free(*name);
		*name = NULL;
		return -1;
	}
	return 0;
}

static int parse_lines(struct rf *f, const json_t *a, size_t n, const char *path, struct rg_line **out, int depth)
{
	if (depth > 8)
		return fail(f, path, "lines nested more than 8 deep");
	struct rg_line *lines = rg_alloc(f->r, n, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		static const char *const keys[] = {"key", "title", "amount", "national", "preliminary", "note",
						   "lines", "total", NULL};
		const json_t *o;
		char p[300];
		struct rg_line *l = &lines[i];
		if (object_at(f, a, i, path, &o, p, sizeof(p)) || only_keys(f, o, p, keys) ||
		    key_field(f, o, "key", p, true, &l->key) || text(f, o, "title", p, true, &l->title) ||
		    text(f, o, "note", p, false, &l->note) || amount(f, o, "amount", p, &l->has_amount, &l->amount) ||
		    amount(f, o, "national", p, &l->has_national, &l->national) ||
		    boolean(f, o, "preliminary", p, &l->preliminary))
			return -1;
		const json_t *sa;
		size_t sn;
		char q[300];
		sub(q, sizeof(q), p, "lines");
		if (array(f, o, "lines", p, false, &sa, &sn) || (sn && parse_lines(f, sa, sn, q, &l->lines, depth + 1)))
			return -1;
		l->nlines = sn;
		if (json_object_get(o, "total") && !sn)
			return fail(f, p, "a total without lines (a total checks the sum of the lines)");
		if (check(f, o, "total", p, &l->amount))
			return -1;
	}
	*out = lines;
	return 0;
}

static int parse_usage(struct rf *f, const json_t *o, const char *p, struct rg_usage *u)
{
	static const char *const keys[] = {"year", "title", "note", "available", "purposes", "entries",
					   "entries_csv", "spent", "remaining", NULL};
	json_t *yv = json_object_get(o, "year");
	char q[300];
	sub(q, sizeof(q), p, "year");
	bool has;
	if (only_keys(f, o, p, keys))
		return -1;
	if (!json_is_integer(yv) || json_integer_value(yv) < 2000 || json_integer_value(yv) > 2100)
		return fail(f, q, "expected the year whose money is accounted for (2000 to 2100)");
	u->year = (int)json_integer_value(yv);
	if (text(f, o, "title", p, false, &u->title) || text(f, o, "note", p, false, &u->note) ||
	    amount(f, o, "available", p, &has, &u->available))
		return -1;
	if (!has)
		return fail(f, p, "missing 'available' (the amount available to spend)");
	const json_t *pa, *ea;
	size_t pn, en;
	char pp[300];
	sub(pp, sizeof(pp), p, "purposes");
	if (array(f, o, "purposes", p, true, &pa, &pn))
		return -1;
	u->purposes = rg_alloc(f->r, pn, sizeof(*u->purposes));
	u->npurposes = pn;
	for (size_t i = 0; i < pn; i++) {
		static const char *const pkeys[] = {"name", "cost_groups", "total", NULL};
		const json_t *po;
		char r[300];
		if (object_at(f, pa, i, pp, &po, r, sizeof(r)) || only_keys(f, po, r, pkeys) ||
		    text(f, po, "name", r, true, &u->purposes[i].name) ||
		    strings(f, po, "cost_groups", r, &u->purposes[i].cost_groups, &u->purposes[i].ngroups) ||
		    check(f, po, "total", r, &u->purposes[i].spent))
			return -1;
	}
	if (json_object_get(o, "entries") && json_object_get(o, "entries_csv"))
		return fail(f, p, "both 'entries' and 'entries_csv' (expected one)");
	char *csv = NULL, *name = NULL;
	size_t clen;
	if (file_beside(f, o, "entries_csv", p, &csv, &clen, &name))
		return -1;
	if (name) {
		int rc = regfile_usage_csv(f->r, u, csv, clen, name, f->err);
		free(csv);
		free(name);
		if (rc)
			return -1;
	} else {
		char ep[300];
		sub(ep, sizeof(ep), p, "entries");
		if (array(f, o, "entries", p, false, &ea, &en))
			return -1;
		u->entries = rg_alloc(f->r, en, sizeof(*u->entries));
		u->nentries = en;
		for (size_t i = 0; i < en; i++) {
			static const char *const ekeys[] = {"purpose", "cost_group", "amount", "comment", NULL};
			const json_t *eo;
			char r[300];
			struct rg_usage_entry *e = &u->entries[i];
			json_t *av;
			if (object_at(f, ea, i, ep, &eo, r, sizeof(r)) || only_keys(f, eo, r, ekeys) ||
			    text(f, eo, "purpose", r, true, &e->purpose) ||
			    text(f, eo, "cost_group", r, true, &e->cost_group) ||
			    text(f, eo, "comment", r, false, &e->comment))
				return -1;
			char ap[300];
			sub(ap, sizeof(ap), r, "amount");
			av = json_object_get(eo, "amount");
			if (!av)
				return fail(f, ap, "missing (expected the amount spent, whole kronor)");
			if (json_is_integer(av) && json_integer_value(av) < 0)
				return fail(f, ap, "a negative spend (%lld kr); spends are 0 or more, a refund corrects "
						   "the entry it refunds",
					    (long long)json_integer_value(av));
			if (amount_of(f, av, ap, &e->amount))
				return -1;
		}
	}
	return check(f, o, "spent", p, &u->spent) || check(f, o, "remaining", p, &u->remaining) ? -1 : 0;
}

static const char *const flag_names[] = {"reporting-relief", "preliminary", "new"};

static int parse_grant(struct rf *f, const json_t *o, const char *p, struct rg_grant *g)
{
	static const char *const keys[] = {
		"key", "title", "label", "section", "grantor", "grantor_dnr", "decision", "dnr", "decided_by",
		"decided_on", "amount", "flags", "replaces", "status", "text", "lines", "lines_csv", "lines_total",
		"application", "usage", "summary", "summary_note", NULL};
	if (only_keys(f, o, p, keys) || key_field(f, o, "key", p, true, &g->key) ||
	    text(f, o, "title", p, true, &g->title) || text(f, o, "label", p, false, &g->label) ||
	    key_field(f, o, "section", p, false, &g->section) || text(f, o, "grantor", p, false, &g->grantor) ||
	    text(f, o, "grantor_dnr", p, false, &g->grantor_dnr) || text(f, o, "decision", p, false, &g->decision) ||
	    text(f, o, "dnr", p, false, &g->dnr) || text(f, o, "decided_by", p, false, &g->decided_by) ||
	    date(f, o, "decided_on", p, g->decided_on) || amount(f, o, "amount", p, &g->has_amount, &g->amount) ||
	    text(f, o, "status", p, false, &g->status) || strings(f, o, "text", p, &g->text, &g->ntext) ||
	    strings(f, o, "replaces", p, &g->replaces, &g->nreplaces) ||
	    text(f, o, "summary_note", p, false, &g->summary_note))
		return -1;
	g->in_summary = true;
	if (boolean(f, o, "summary", p, &g->in_summary))
		return -1;
	char **flags;
	size_t nflags;
	if (strings(f, o, "flags", p, &flags, &nflags))
		return -1;
	for (size_t i = 0; i < nflags; i++) {
		size_t k = 0;
		while (k < BD_ARRAY_LEN(flag_names) && strcmp(flag_names[k], flags[i]) != 0)
			k++;
		char q[300];
		bd_strf(q, sizeof(q), "%s.flags[%zu]", p, i);
		if (k == BD_ARRAY_LEN(flag_names))
			return fail(f, q, "unknown flag '%s' (expected reporting-relief, preliminary or new)", flags[i]);
		g->flags |= 1u << k;
	}
	if (json_object_get(o, "lines") && json_object_get(o, "lines_csv"))
		return fail(f, p, "both 'lines' and 'lines_csv' (expected one)");
	char *csv = NULL, *name = NULL;
	size_t clen;
	if (file_beside(f, o, "lines_csv", p, &csv, &clen, &name))
		return -1;
	if (name) {
		int rc = regfile_lines_csv(f->r, g, csv, clen, name, f->err);
		free(csv);
		free(name);
		if (rc)
			return -1;
	} else {
		const json_t *la;
		size_t ln;
		char q[300];
		sub(q, sizeof(q), p, "lines");
		if (array(f, o, "lines", p, false, &la, &ln) || (ln && parse_lines(f, la, ln, q, &g->lines, 0)))
			return -1;
		g->nlines = ln;
	}
	if (json_object_get(o, "lines_total") && !g->nlines)
		return fail(f, p, "'lines_total' without lines (it checks the sum of the lines)");
	if (check(f, o, "lines_total", p, &g->breakdown))
		return -1;
	json_t *av = json_object_get(o, "application");
	if (av) {
		static const char *const akeys[] = {"applied", "outcome", "granted", "applied_on", "decided_on", NULL};
		char q[300];
		sub(q, sizeof(q), p, "application");
		if (!json_is_object(av))
			return fail(f, q, "expected an object, found %s", json_type_name(av));
		struct rg_application *a = rg_alloc(f->r, 1, sizeof(*a));
		char *outcome;
		if (only_keys(f, av, q, akeys) || amount(f, av, "applied", q, &a->has_applied, &a->applied) ||
		    amount(f, av, "granted", q, &a->has_granted, &a->granted) ||
		    date(f, av, "applied_on", q, a->applied_on) || date(f, av, "decided_on", q, a->decided_on) ||
		    text(f, av, "outcome", q, true, &outcome))
			return -1;
		static const enum rg_outcome outcomes[] = {RG_GRANTED, RG_REJECTED, RG_PENDING};
		a->outcome = RG_OUTCOME_NONE;
		for (size_t i = 0; i < BD_ARRAY_LEN(outcomes); i++)
			if (strcmp(outcome, rg_outcome_name(outcomes[i])) == 0)
				a->outcome = outcomes[i];
		if (a->outcome == RG_OUTCOME_NONE) {
			char r[300];
			sub(r, sizeof(r), q, "outcome");
			return fail(f, r, "'%s' (expected granted, rejected or pending)", outcome);
		}
		g->application = a;
	}
	const json_t *ua;
	size_t un;
	char up[300];
	sub(up, sizeof(up), p, "usage");
	if (array(f, o, "usage", p, false, &ua, &un))
		return -1;
	g->usage = rg_alloc(f->r, un, sizeof(*g->usage));
	g->nusage = un;
	for (size_t i = 0; i < un; i++) {
		const json_t *uo;
		char q[300];
		if (object_at(f, ua, i, up, &uo, q, sizeof(q)) || parse_usage(f, uo, q, &g->usage[i]))
			return -1;
	}
	return 0;
}

static int parse_members(struct rf *f, const json_t *o, const char *p, struct rg_row *row)
{
	row->has_members = json_object_get(o, "members") != NULL;
	if (strings(f, o, "members", p, &row->members, &row->nmembers))
		return -1;
	for (size_t i = 0; i < row->nmembers; i++) {
		const char *m = row->members[i];
		bool ok = *m && m[strlen(m) - 1] != '/' && !strstr(m, "//");
		for (const char *c = m; *c && ok; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '/';
		if (!ok) {
			char q[300];
			bd_strf(q, sizeof(q), "%s.members[%zu]", p, i);
			return fail(f, q, "'%s' (expected a grant key, or grant/line/subline keys)", m);
		}
	}
	return 0;
}

static int parse_rows(struct rf *f, const json_t *a, size_t n, const char *path, struct rg_row **out, int depth)
{
	struct rg_row *rows = rg_alloc(f->r, n, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		static const char *const keys[] = {"key", "label", "note", "section", "members", "rows", NULL};
		const json_t *o;
		char p[300];
		struct rg_row *row = &rows[i];
		if (object_at(f, a, i, path, &o, p, sizeof(p)) || only_keys(f, o, p, keys) ||
		    key_field(f, o, "key", p, true, &row->key) || text(f, o, "label", p, true, &row->label) ||
		    text(f, o, "note", p, false, &row->note) || key_field(f, o, "section", p, false, &row->section) ||
		    parse_members(f, o, p, row))
			return -1;
		const json_t *sa;
		size_t sn;
		char q[300];
		sub(q, sizeof(q), p, "rows");
		if (array(f, o, "rows", p, false, &sa, &sn))
			return -1;
		if (sn && depth > 0)
			return fail(f, q, "varav rows cannot have rows of their own");
		if (sn && parse_rows(f, sa, sn, q, &row->rows, depth + 1))
			return -1;
		row->nrows = sn;
	}
	*out = rows;
	return 0;
}

static int parse_year(struct rf *f, const json_t *o, const char *p, struct rg_year *y)
{
	static const char *const keys[] = {"year", "title", "intro", "sections", "grants", "summary", NULL};
	if (only_keys(f, o, p, keys))
		return -1;
	json_t *yv = json_object_get(o, "year");
	char q[300];
	sub(q, sizeof(q), p, "year");
	if (!yv)
		return fail(f, q, "missing (expected a year, 2000 to 2100)");
	if (!json_is_integer(yv) || json_integer_value(yv) < 2000 || json_integer_value(yv) > 2100)
		return fail(f, q, "expected a year from 2000 to 2100");
	y->year = (int)json_integer_value(yv);
	if (text(f, o, "title", p, false, &y->title) || strings(f, o, "intro", p, &y->intro, &y->nintro))
		return -1;
	const json_t *sa, *ga, *ra;
	size_t sn, gn, rn;
	if (array(f, o, "sections", p, false, &sa, &sn))
		return -1;
	y->sections = rg_alloc(f->r, sn, sizeof(*y->sections));
	y->nsections = sn;
	sub(q, sizeof(q), p, "sections");
	for (size_t i = 0; i < sn; i++) {
		static const char *const skeys[] = {"key", "title", NULL};
		const json_t *so;
		char r[300];
		if (object_at(f, sa, i, q, &so, r, sizeof(r)) || only_keys(f, so, r, skeys) ||
		    key_field(f, so, "key", r, true, &y->sections[i].key) ||
		    text(f, so, "title", r, true, &y->sections[i].title))
			return -1;
	}
	if (array(f, o, "grants", p, true, &ga, &gn))
		return -1;
	y->grants = rg_alloc(f->r, gn, sizeof(*y->grants));
	y->ngrants = gn;
	sub(q, sizeof(q), p, "grants");
	for (size_t i = 0; i < gn; i++) {
		const json_t *go;
		char r[300];
		if (object_at(f, ga, i, q, &go, r, sizeof(r)) || parse_grant(f, go, r, &y->grants[i]))
			return -1;
	}
	y->summary_given = json_object_get(o, "summary") != NULL;
	sub(q, sizeof(q), p, "summary");
	if (array(f, o, "summary", p, false, &ra, &rn) || (rn && parse_rows(f, ra, rn, q, &y->summary, 0)))
		return -1;
	y->nsummary = rn;
	return 0;
}

int regfile_parse(struct rg_register *r, const char *data, size_t len, const char *origin, const char *basedir,
		  struct regfile_checks *checks, struct bd_error *err)
{
	struct rf f = {r, origin, basedir, checks, err};
	json_t *root = json_load_doc(data, len, origin, err);
	if (!root)
		return -1;
	int rc = -1;
	static const char *const keys[] = {"format", "org", "years", NULL};
	char *format, *org;
	const json_t *ya;
	size_t yn;
	if (!json_is_object(root)) {
		fail(&f, "", "expected an object with format, org and years");
		goto out;
	}
	if (only_keys(&f, root, "", keys) || text(&f, root, "format", "", true, &format) ||
	    text(&f, root, "org", "", true, &org) || array(&f, root, "years", "", true, &ya, &yn))
		goto out;
	if (strcmp(format, REGFILE_FORMAT) != 0) {
		fail(&f, "format", "'%s' (expected \"%s\")", format, REGFILE_FORMAT);
		goto out;
	}
	if (yn == 0) {
		fail(&f, "years", "empty (expected at least one year)");
		goto out;
	}
	if (r->org && strcmp(r->org, org) != 0) {
		fail(&f, "org", "'%s', while the register is '%s'", org, r->org);
		goto out;
	}
	r->org = org;
	struct rg_year *years = rg_alloc(r, r->nyears + yn, sizeof(*years));
	if (r->nyears)
		memcpy(years, r->years, r->nyears * sizeof(*years));
	r->years = years;
	for (size_t i = 0; i < yn; i++) {
		const json_t *yo;
		char p[64];
		if (object_at(&f, ya, i, "years", &yo, p, sizeof(p)) || parse_year(&f, yo, p, &years[r->nyears]))
			goto out;
		r->nyears++;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int regfile_run_checks(const struct regfile_checks *c, struct bd_error *err)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (*c->v[i].computed != c->v[i].typed) {
			char a[NUM_BUFSZ], b[NUM_BUFSZ];
			return bd_fail(err, "%s: typed as %s kr, but the parts add up to %s kr (a sum is computed; "
					    "correct the parts or the typed sum)",
				       c->v[i].where, fmt_kr(c->v[i].typed, a), fmt_kr(*c->v[i].computed, b));
		}
	return 0;
}

void regfile_checks_release(struct regfile_checks *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].where);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int regfile_load(struct rg_register *r, const char *path, struct bd_error *err)
{
	char *data;
	size_t len;
	if (read_file(path, REGFILE_MAX, &data, &len, err))
		return -1;
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	struct regfile_checks checks = {0};
	int rc = regfile_parse(r, data, len, path, dir, &checks, err);
	if (!rc && rg_compute(r, err)) {
		bd_prefix(err, "%s", path);
		rc = -1;
	}
	if (!rc)
		rc = regfile_run_checks(&checks, err);
	regfile_checks_release(&checks);
	free(dir);
	free(data);
	return rc;
}

/* CSV. */

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
		if (!key_ok(l->key))
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
	if (!key_ok(l->key))
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

/* The canonical document. */

static void set_strings(json_t *o, const char *key, char *const *v, size_t n)
{
	if (n)
		json_object_set_new(o, key, json_string_array(v, n));
}

static json_t *dump_lines(const struct rg_line *lines, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct rg_line *l = &lines[i];
		json_t *o = json_object();
		json_set_str(o, "key", l->key);
		json_set_str(o, "title", l->title);
		if (l->has_amount)
			json_object_set_new(o, "amount", json_integer(l->amount));
		if (l->has_national)
			json_object_set_new(o, "national", json_integer(l->national));
		if (l->preliminary)
			json_object_set_new(o, "preliminary", json_true());
		json_set_str(o, "note", l->note);
		if (l->nlines)
			json_object_set_new(o, "lines", dump_lines(l->lines, l->nlines));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *dump_rows(const struct rg_row *rows, size_t n, bool top)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct rg_row *row = &rows[i];
		json_t *o = json_object();
		json_set_str(o, "key", row->key);
		json_set_str(o, "label", row->label);
		json_set_str(o, "note", row->note);
		if (top)
			json_set_str(o, "section", row->section);
		if (row->has_members) {
			json_t *m = json_array();
			for (size_t j = 0; j < row->nmembers; j++)
				json_array_append_new(m, json_string(row->members[j]));
			json_object_set_new(o, "members", m);
		}
		if (row->nrows)
			json_object_set_new(o, "rows", dump_rows(row->rows, row->nrows, false));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *dump_usage(const struct rg_usage *u)
{
	json_t *o = json_object();
	json_object_set_new(o, "year", json_integer(u->year));
	json_set_str(o, "title", u->title);
	json_set_str(o, "note", u->note);
	json_object_set_new(o, "available", json_integer(u->available));
	json_t *pa = json_array();
	for (size_t i = 0; i < u->npurposes; i++) {
		json_t *p = json_object();
		json_set_str(p, "name", u->purposes[i].name);
		json_t *g = json_array();
		for (size_t j = 0; j < u->purposes[i].ngroups; j++)
			json_array_append_new(g, json_string(u->purposes[i].cost_groups[j]));
		json_object_set_new(p, "cost_groups", g);
		json_array_append_new(pa, p);
	}
	json_object_set_new(o, "purposes", pa);
	json_t *ea = json_array();
	for (size_t i = 0; i < u->nentries; i++) {
		const struct rg_usage_entry *e = &u->entries[i];
		json_t *eo = json_object();
		json_set_str(eo, "purpose", e->purpose);
		json_set_str(eo, "cost_group", e->cost_group);
		json_object_set_new(eo, "amount", json_integer(e->amount));
		json_set_str(eo, "comment", e->comment);
		json_array_append_new(ea, eo);
	}
	json_object_set_new(o, "entries", ea);
	return o;
}

static json_t *dump_grant(const struct rg_grant *g)
{
	json_t *o = json_object();
	json_set_str(o, "key", g->key);
	json_set_str(o, "title", g->title);
	json_set_str(o, "label", g->label);
	json_set_str(o, "section", g->section);
	json_set_str(o, "grantor", g->grantor);
	json_set_str(o, "grantor_dnr", g->grantor_dnr);
	json_set_str(o, "decision", g->decision);
	json_set_str(o, "dnr", g->dnr);
	json_set_str(o, "decided_by", g->decided_by);
	if (g->decided_on[0])
		json_set_str(o, "decided_on", g->decided_on);
	if (g->has_amount)
		json_object_set_new(o, "amount", json_integer(g->amount));
	if (g->flags) {
		json_t *a = json_array();
		for (size_t k = 0; k < BD_ARRAY_LEN(flag_names); k++)
			if (g->flags & (1u << k))
				json_array_append_new(a, json_string(flag_names[k]));
		json_object_set_new(o, "flags", a);
	}
	set_strings(o, "replaces", g->replaces, g->nreplaces);
	json_set_str(o, "status", g->status);
	set_strings(o, "text", g->text, g->ntext);
	if (g->nlines)
		json_object_set_new(o, "lines", dump_lines(g->lines, g->nlines));
	if (g->application) {
		const struct rg_application *a = g->application;
		json_t *ao = json_object();
		if (a->has_applied)
			json_object_set_new(ao, "applied", json_integer(a->applied));
		json_set_str(ao, "outcome", rg_outcome_name(a->outcome));
		if (a->has_granted)
			json_object_set_new(ao, "granted", json_integer(a->granted));
		if (a->applied_on[0])
			json_set_str(ao, "applied_on", a->applied_on);
		if (a->decided_on[0])
			json_set_str(ao, "decided_on", a->decided_on);
		json_object_set_new(o, "application", ao);
	}
	if (g->nusage) {
		json_t *a = json_array();
		for (size_t i = 0; i < g->nusage; i++)
			json_array_append_new(a, dump_usage(&g->usage[i]));
		json_object_set_new(o, "usage", a);
	}
	if (!g->in_summary)
		json_object_set_new(o, "summary", json_false());
	json_set_str(o, "summary_note", g->summary_note);
	return o;
}

char *regfile_dump_year(const struct rg_year *y, const char *org)
{
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string(REGFILE_FORMAT));
	json_object_set_new(root, "org", json_string(org));
	json_t *yo = json_object();
	json_object_set_new(yo, "year", json_integer(y->year));
	json_set_str(yo, "title", y->title);
	set_strings(yo, "intro", y->intro, y->nintro);
	if (y->nsections) {
		json_t *a = json_array();
		for (size_t i = 0; i < y->nsections; i++) {
			json_t *s = json_object();
			json_set_str(s, "key", y->sections[i].key);
			json_set_str(s, "title", y->sections[i].title);
			json_array_append_new(a, s);
		}
		json_object_set_new(yo, "sections", a);
	}
	json_t *ga = json_array();
	for (size_t i = 0; i < y->ngrants; i++)
		json_array_append_new(ga, dump_grant(&y->grants[i]));
	json_object_set_new(yo, "grants", ga);
	if (y->summary_given)
		json_object_set_new(yo, "summary", dump_rows(y->summary, y->nsummary, true));
	json_t *years = json_array();
	json_array_append_new(years, yo);
	json_object_set_new(root, "years", years);
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	char *out = xasprintf("%s\n", s);
	free(s);
	return out;
}
