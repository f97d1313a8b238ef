/* regfile.c: reading "bidrag-register/1" documents (JSON); the CSV files
 * beside them are regcsv.c's, the canonical form regwrite.c's.  See
 * regfile.h. */
#include "regfile.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "jsonread.h"
#include "readfile.h"

/* The field readers are jsonread's (jf_*), shared with the decision
 * reader; these adapters give them the register's pool and say which
 * fields are free text. */
struct rf {
	struct rg_register *r;
	const char *origin, *basedir;
	struct regfile_checks *checks;
	struct bd_error *err;
	struct json_fields jf;
};

static char *pool_dup(void *pool, const char *s)
{
	return rg_strdup(pool, s);
}

static void *pool_alloc(void *pool, size_t n, size_t size)
{
	return rg_alloc(pool, n, size);
}

/* text: a string field; line breaks only in free text. */
static int text(struct rf *f, const json_t *o, const char *key, const char *path, bool required, char **out)
{
	bool free_text = strcmp(key, "status") == 0 || strcmp(key, "note") == 0;
	return jf_text(&f->jf, o, key, path, (required ? JF_REQUIRED : 0) | (free_text ? JF_NEWLINES : 0), out);
}

bool regfile_key_ok(const char *s)
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
	if (*out && !regfile_key_ok(*out)) {
		char p[300];
		jf_sub(p, sizeof(p), path, key);
		return jf_fail(&f->jf, p, "'%s' is not a key (expected lower-case letters a-z, digits and hyphens, "
					  "at most 80)",
			       *out);
	}
	return 0;
}

static int amount(struct rf *f, const json_t *o, const char *key, const char *path, bool *has, int64_t *out)
{
	*out = 0;
	return jf_amount(&f->jf, o, key, path, 0, RG_AMOUNT_MAX, out, has);
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
		jf_sub(p, sizeof(p), path, key);
		if (json_is_integer(v))
			typed = (int64_t)json_integer_value(v);
		else if (!json_is_string(v) ||
			 money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY | NUM_NEGATIVE, &typed, why, sizeof(why)))
			return jf_fail(&f->jf, p, "expected an amount in kronor (it may be negative)");
		if (typed > RG_AMOUNT_MAX || typed < -RG_AMOUNT_MAX)
			return jf_fail(&f->jf, p, "too large: at most 100 000 000 000 000 kronor");
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
	jf_sub(p, sizeof(p), path, key);
	c->v[c->n++] = (struct regfile_check){xasprintf("%s: %s", f->origin, p), computed, typed};
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
	jf_sub(p, sizeof(p), path, key);
	if (!f->basedir)
		return jf_fail(&f->jf, p, "a file reference in a stored document (expected the data inline)");
	if (rel[0] == '/' || strstr(rel, ".."))
		return jf_fail(&f->jf, p, "'%s': expected a file name relative to the register file, without '..'", rel);
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
		return jf_fail(&f->jf, path, "lines nested more than 8 deep");
	struct rg_line *lines = rg_alloc(f->r, n, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		static const char *const keys[] = {"key", "title", "amount", "national", "preliminary", "note",
						   "lines", "total", NULL};
		const json_t *o;
		char p[300];
		struct rg_line *l = &lines[i];
		if (jf_element(&f->jf, a, i, path, &o, p, sizeof(p)) || jf_keys(&f->jf, o, p, keys) ||
		    key_field(f, o, "key", p, true, &l->key) || text(f, o, "title", p, true, &l->title) ||
		    text(f, o, "note", p, false, &l->note) || amount(f, o, "amount", p, &l->has_amount, &l->amount) ||
		    amount(f, o, "national", p, &l->has_national, &l->national) ||
		    jf_bool(&f->jf, o, "preliminary", p, &l->preliminary))
			return -1;
		const json_t *sa;
		size_t sn;
		char q[300];
		jf_sub(q, sizeof(q), p, "lines");
		if (jf_array(&f->jf, o, "lines", p, 0, &sa, &sn) || (sn && parse_lines(f, sa, sn, q, &l->lines, depth + 1)))
			return -1;
		l->nlines = sn;
		if (json_object_get(o, "total") && !sn)
			return jf_fail(&f->jf, p, "a total without lines (a total checks the sum of the lines)");
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
	jf_sub(q, sizeof(q), p, "year");
	bool has;
	if (jf_keys(&f->jf, o, p, keys))
		return -1;
	if (!json_is_integer(yv) || json_integer_value(yv) < 2000 || json_integer_value(yv) > 2100)
		return jf_fail(&f->jf, q, "expected the year whose money is accounted for (2000 to 2100)");
	u->year = (int)json_integer_value(yv);
	if (text(f, o, "title", p, false, &u->title) || text(f, o, "note", p, false, &u->note) ||
	    amount(f, o, "available", p, &has, &u->available))
		return -1;
	if (!has)
		return jf_fail(&f->jf, p, "missing 'available' (the amount available to spend)");
	const json_t *pa, *ea;
	size_t pn, en;
	char pp[300];
	jf_sub(pp, sizeof(pp), p, "purposes");
	if (jf_array(&f->jf, o, "purposes", p, JF_REQUIRED, &pa, &pn))
		return -1;
	u->purposes = rg_alloc(f->r, pn, sizeof(*u->purposes));
	u->npurposes = pn;
	for (size_t i = 0; i < pn; i++) {
		static const char *const pkeys[] = {"name", "cost_groups", "total", NULL};
		const json_t *po;
		char r[300];
		if (jf_element(&f->jf, pa, i, pp, &po, r, sizeof(r)) || jf_keys(&f->jf, po, r, pkeys) ||
		    text(f, po, "name", r, true, &u->purposes[i].name) ||
		    jf_strings(&f->jf, po, "cost_groups", r, &u->purposes[i].cost_groups, &u->purposes[i].ngroups) ||
		    check(f, po, "total", r, &u->purposes[i].spent))
			return -1;
	}
	if (json_object_get(o, "entries") && json_object_get(o, "entries_csv"))
		return jf_fail(&f->jf, p, "both 'entries' and 'entries_csv' (expected one)");
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
		jf_sub(ep, sizeof(ep), p, "entries");
		if (jf_array(&f->jf, o, "entries", p, 0, &ea, &en))
			return -1;
		u->entries = rg_alloc(f->r, en, sizeof(*u->entries));
		u->nentries = en;
		for (size_t i = 0; i < en; i++) {
			static const char *const ekeys[] = {"purpose", "cost_group", "amount", "comment", NULL};
			const json_t *eo;
			char r[300];
			struct rg_usage_entry *e = &u->entries[i];
			json_t *av;
			if (jf_element(&f->jf, ea, i, ep, &eo, r, sizeof(r)) || jf_keys(&f->jf, eo, r, ekeys) ||
			    text(f, eo, "purpose", r, true, &e->purpose) ||
			    text(f, eo, "cost_group", r, true, &e->cost_group) ||
			    text(f, eo, "comment", r, false, &e->comment))
				return -1;
			char ap[300];
			jf_sub(ap, sizeof(ap), r, "amount");
			av = json_object_get(eo, "amount");
			if (!av)
				return jf_fail(&f->jf, ap, "missing (expected the amount spent, whole kronor)");
			if (json_is_integer(av) && json_integer_value(av) < 0)
				return jf_fail(&f->jf, ap, "a negative spend (%lld kr); spends are 0 or more, a refund corrects "
							   "the entry it refunds",
					       (long long)json_integer_value(av));
			if (jf_amount_value(&f->jf, av, ap, RG_AMOUNT_MAX, &e->amount))
				return -1;
		}
	}
	return check(f, o, "spent", p, &u->spent) || check(f, o, "remaining", p, &u->remaining) ? -1 : 0;
}

const char *const regfile_flag_names[REGFILE_NFLAGS] = {"reporting-relief", "preliminary", "new"};

static int parse_grant(struct rf *f, const json_t *o, const char *p, struct rg_grant *g)
{
	static const char *const keys[] = {
		"key", "title", "label", "section", "grantor", "grantor_dnr", "decision", "dnr", "decided_by",
		"decided_on", "amount", "flags", "replaces", "status", "text", "lines", "lines_csv", "lines_total",
		"application", "usage", "summary", "summary_note", NULL};
	if (jf_keys(&f->jf, o, p, keys) || key_field(f, o, "key", p, true, &g->key) ||
	    text(f, o, "title", p, true, &g->title) || text(f, o, "label", p, false, &g->label) ||
	    key_field(f, o, "section", p, false, &g->section) || text(f, o, "grantor", p, false, &g->grantor) ||
	    text(f, o, "grantor_dnr", p, false, &g->grantor_dnr) || text(f, o, "decision", p, false, &g->decision) ||
	    text(f, o, "dnr", p, false, &g->dnr) || text(f, o, "decided_by", p, false, &g->decided_by) ||
	    jf_date(&f->jf, o, "decided_on", p, 0, g->decided_on) || amount(f, o, "amount", p, &g->has_amount, &g->amount) ||
	    text(f, o, "status", p, false, &g->status) || jf_strings(&f->jf, o, "text", p, &g->text, &g->ntext) ||
	    jf_strings(&f->jf, o, "replaces", p, &g->replaces, &g->nreplaces) ||
	    text(f, o, "summary_note", p, false, &g->summary_note))
		return -1;
	g->in_summary = true;
	if (jf_bool(&f->jf, o, "summary", p, &g->in_summary))
		return -1;
	char **flags;
	size_t nflags;
	if (jf_strings(&f->jf, o, "flags", p, &flags, &nflags))
		return -1;
	for (size_t i = 0; i < nflags; i++) {
		size_t k = 0;
		while (k < BD_ARRAY_LEN(regfile_flag_names) && strcmp(regfile_flag_names[k], flags[i]) != 0)
			k++;
		char q[300];
		bd_strf(q, sizeof(q), "%s.flags[%zu]", p, i);
		if (k == BD_ARRAY_LEN(regfile_flag_names))
			return jf_fail(&f->jf, q, "unknown flag '%s' (expected reporting-relief, preliminary or new)", flags[i]);
		g->flags |= 1u << k;
	}
	if (json_object_get(o, "lines") && json_object_get(o, "lines_csv"))
		return jf_fail(&f->jf, p, "both 'lines' and 'lines_csv' (expected one)");
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
		jf_sub(q, sizeof(q), p, "lines");
		if (jf_array(&f->jf, o, "lines", p, 0, &la, &ln) || (ln && parse_lines(f, la, ln, q, &g->lines, 0)))
			return -1;
		g->nlines = ln;
	}
	if (json_object_get(o, "lines_total") && !g->nlines)
		return jf_fail(&f->jf, p, "'lines_total' without lines (it checks the sum of the lines)");
	if (check(f, o, "lines_total", p, &g->breakdown))
		return -1;
	const json_t *av;
	if (jf_object(&f->jf, o, "application", p, 0, &av))
		return -1;
	if (av) {
		static const char *const akeys[] = {"applied", "outcome", "granted", "applied_on", "decided_on", NULL};
		char q[300];
		jf_sub(q, sizeof(q), p, "application");
		struct rg_application *a = rg_alloc(f->r, 1, sizeof(*a));
		char *outcome;
		if (jf_keys(&f->jf, av, q, akeys) || amount(f, av, "applied", q, &a->has_applied, &a->applied) ||
		    amount(f, av, "granted", q, &a->has_granted, &a->granted) ||
		    jf_date(&f->jf, av, "applied_on", q, 0, a->applied_on) ||
		    jf_date(&f->jf, av, "decided_on", q, 0, a->decided_on) || text(f, av, "outcome", q, true, &outcome))
			return -1;
		static const enum rg_outcome outcomes[] = {RG_GRANTED, RG_REJECTED, RG_PENDING};
		a->outcome = RG_OUTCOME_NONE;
		for (size_t i = 0; i < BD_ARRAY_LEN(outcomes); i++)
			if (strcmp(outcome, rg_outcome_name(outcomes[i])) == 0)
				a->outcome = outcomes[i];
		if (a->outcome == RG_OUTCOME_NONE) {
			char r[300];
			jf_sub(r, sizeof(r), q, "outcome");
			return jf_fail(&f->jf, r, "'%s' (expected granted, rejected or pending)", outcome);
		}
		g->application = a;
	}
	const json_t *ua;
	size_t un;
	char up[300];
	jf_sub(up, sizeof(up), p, "usage");
	if (jf_array(&f->jf, o, "usage", p, 0, &ua, &un))
		return -1;
	g->usage = rg_alloc(f->r, un, sizeof(*g->usage));
	g->nusage = un;
	for (size_t i = 0; i < un; i++) {
		const json_t *uo;
		char q[300];
		if (jf_element(&f->jf, ua, i, up, &uo, q, sizeof(q)) || parse_usage(f, uo, q, &g->usage[i]))
			return -1;
	}
	return 0;
}

static int parse_members(struct rf *f, const json_t *o, const char *p, struct rg_row *row)
{
	row->has_members = json_object_get(o, "members") != NULL;
	if (jf_strings(&f->jf, o, "members", p, &row->members, &row->nmembers))
		return -1;
	for (size_t i = 0; i < row->nmembers; i++) {
		const char *m = row->members[i];
		bool ok = *m && m[strlen(m) - 1] != '/' && !strstr(m, "//");
		for (const char *c = m; *c && ok; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '/';
		if (!ok) {
			char q[300];
			bd_strf(q, sizeof(q), "%s.members[%zu]", p, i);
			return jf_fail(&f->jf, q, "'%s' (expected a grant key, or grant/line/subline keys)", m);
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
		if (jf_element(&f->jf, a, i, path, &o, p, sizeof(p)) || jf_keys(&f->jf, o, p, keys) ||
		    key_field(f, o, "key", p, true, &row->key) || text(f, o, "label", p, true, &row->label) ||
		    text(f, o, "note", p, false, &row->note) || key_field(f, o, "section", p, false, &row->section) ||
		    parse_members(f, o, p, row))
			return -1;
		const json_t *sa;
		size_t sn;
		char q[300];
		jf_sub(q, sizeof(q), p, "rows");
		if (jf_array(&f->jf, o, "rows", p, 0, &sa, &sn))
			return -1;
		if (sn && depth > 0)
			return jf_fail(&f->jf, q, "varav rows cannot have rows of their own");
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
	if (jf_keys(&f->jf, o, p, keys))
		return -1;
	json_t *yv = json_object_get(o, "year");
	char q[300];
	jf_sub(q, sizeof(q), p, "year");
	if (!yv)
		return jf_fail(&f->jf, q, "missing (expected a year, 2000 to 2100)");
	if (!json_is_integer(yv) || json_integer_value(yv) < 2000 || json_integer_value(yv) > 2100)
		return jf_fail(&f->jf, q, "expected a year from 2000 to 2100");
	y->year = (int)json_integer_value(yv);
	if (text(f, o, "title", p, false, &y->title) || jf_strings(&f->jf, o, "intro", p, &y->intro, &y->nintro))
		return -1;
	const json_t *sa, *ga, *ra;
	size_t sn, gn, rn;
	if (jf_array(&f->jf, o, "sections", p, 0, &sa, &sn))
		return -1;
	y->sections = rg_alloc(f->r, sn, sizeof(*y->sections));
	y->nsections = sn;
	jf_sub(q, sizeof(q), p, "sections");
	for (size_t i = 0; i < sn; i++) {
		static const char *const skeys[] = {"key", "title", NULL};
		const json_t *so;
		char r[300];
		if (jf_element(&f->jf, sa, i, q, &so, r, sizeof(r)) || jf_keys(&f->jf, so, r, skeys) ||
		    key_field(f, so, "key", r, true, &y->sections[i].key) ||
		    text(f, so, "title", r, true, &y->sections[i].title))
			return -1;
	}
	if (jf_array(&f->jf, o, "grants", p, JF_REQUIRED, &ga, &gn))
		return -1;
	y->grants = rg_alloc(f->r, gn, sizeof(*y->grants));
	y->ngrants = gn;
	jf_sub(q, sizeof(q), p, "grants");
	for (size_t i = 0; i < gn; i++) {
		const json_t *go;
		char r[300];
		if (jf_element(&f->jf, ga, i, q, &go, r, sizeof(r)) || parse_grant(f, go, r, &y->grants[i]))
			return -1;
	}
	y->summary_given = json_object_get(o, "summary") != NULL;
	jf_sub(q, sizeof(q), p, "summary");
	if (jf_array(&f->jf, o, "summary", p, 0, &ra, &rn) || (rn && parse_rows(f, ra, rn, q, &y->summary, 0)))
		return -1;
	y->nsummary = rn;
	return 0;
}

int regfile_parse(struct rg_register *r, const char *data, size_t len, const char *origin, const char *basedir,
		  struct regfile_checks *checks, struct bd_error *err)
{
	struct rf f = {r, origin, basedir, checks, err, {origin, err, r, pool_dup, pool_alloc}};
	json_t *root = json_load_doc(data, len, origin, err);
	if (!root)
		return -1;
	int rc = -1;
	static const char *const keys[] = {"format", "org", "years", NULL};
	char *format, *org;
	const json_t *ya;
	size_t yn;
	if (!json_is_object(root)) {
		jf_fail(&f.jf, "", "expected an object with format, org and years");
		goto out;
	}
	if (jf_keys(&f.jf, root, "", keys) || text(&f, root, "format", "", true, &format) ||
	    text(&f, root, "org", "", true, &org) || jf_array(&f.jf, root, "years", "", JF_REQUIRED, &ya, &yn))
		goto out;
	if (strcmp(format, REGFILE_FORMAT) != 0) {
		jf_fail(&f.jf, "format", "'%s' (expected \"%s\")", format, REGFILE_FORMAT);
		goto out;
	}
	if (yn == 0) {
		jf_fail(&f.jf, "years", "empty (expected at least one year)");
		goto out;
	}
	if (r->org && strcmp(r->org, org) != 0) {
		jf_fail(&f.jf, "org", "'%s', while the register is '%s'", org, r->org);
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
		if (jf_element(&f.jf, ya, i, "years", &yo, p, sizeof(p)) || parse_year(&f, yo, p, &years[r->nyears]))
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

