/* regwrite.c: a year of the register as its canonical document, with
 * the CSV contents inlined and no checks.  See regfile.h. */
#include "regfile.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

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
		for (size_t k = 0; k < BD_ARRAY_LEN(regfile_flag_names); k++)
			if (g->flags & (1u << k))
				json_array_append_new(a, json_string(regfile_flag_names[k]));
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
