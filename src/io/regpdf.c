/* regpdf.c: the recipient register's report as PDF, written with the
 * document engine of pdfdoc.h; its chart pages come from regchart.h.
 *
 * Every figure is formatted from whole kronor by the integer formatters
 * (fmt_kr, fmt_mkr).  All text goes through pango markup built here, with
 * the register's strings escaped, so a title containing '<' or '&' is shown
 * as written.  The page is A4 portrait; every page has a footer with the
 * organisation, the year, the page number and the date the report was
 * made. */
#include "regreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdoc.h"
#include "regchart.h"

/* A4 portrait, in points. */
static const struct pdfdoc_page A4 = {
	.width = 595.0, .height = 842.0, .left = 50.0, .top = 50.0,
	.bottom = 842.0 - 64.0, .footer_y = 842.0 - 42.0,
};

/* Font sizes in tenths of a point, so no size is a fraction in code. */
#define SZ_TITLE 220
#define SZ_SUBTITLE 120
#define SZ_H1 140
#define SZ_H2 105
#define SZ_H3 95
#define SZ_BODY 95
#define SZ_SMALL 85

#define C_TEXT PDFDOC_TEXT
#define C_MUTED PDFDOC_MUTED
#define C_ACCENT PDFDOC_ACCENT

#define MARKUP_MAX PDFDOC_MARKUP_MAX
#define ROOT PDFDOC_OUTLINE_ROOT

/* Markup around an amount in running text: "37 157 kr" must not break at
 * the spaces between its digit groups. */
#define NB "<span allow_breaks=\"false\">"
#define NB_END "</span>"

/* The report being written. */
struct rdoc {
	struct pdfdoc *pd;
	const struct rg_report *rep;
};

/* m_kr: "18 174 397 kr"; with_kr false: the digits only. */
static char *m_kr(i128 v, bool with_kr)
{
	char n[NUM_BUFSZ];
	fmt_i128_grouped(v, n);
	return with_kr ? xasprintf(NB "%s kr" NB_END, n) : xasprintf(NB "%s" NB_END, n);
}

static char *m_mkr(int64_t v)
{
	char n[NUM_BUFSZ];
	return xstrdup(fmt_mkr(v, n));
}

/* small: a paragraph of small print (markup, freed here). */
static void small(struct rdoc *d, char *markup, unsigned font, unsigned rgb, double after)
{
	pdfdoc_para(d->pd, markup, SZ_SMALL, font, rgb, after);
	free(markup);
}

static void para_text(struct rdoc *d, const char *text, int size, unsigned f, unsigned rgb, double after)
{
	char *m = pdfdoc_markup(text);
	pdfdoc_para(d->pd, m, size, f, rgb, after);
	free(m);
}

/* h1: a top-level heading, bookmarked, with its rule under it. */
static int h1(struct rdoc *d, const char *markup, const char *bookmark, double before, double keep, double after)
{
	int id = pdfdoc_heading(d->pd, markup, SZ_H1, C_ACCENT, before, keep, ROOT, bookmark);
	pdfdoc_rule(d->pd, 2, 0.8, C_ACCENT);
	pdfdoc_skip(d->pd, after);
	return id;
}

static char *footer_left(void *ctx, int page)
{
	const struct rg_report *rep = ctx;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	pdfdoc_esc(&b, rg_report_org_label(rep));
	buf_addf(&b, " · Riktade statsbidrag %d · sida %d", rep->year->year, page);
	return pdfdoc_take(&b);
}

/* set_footer: organisation, year and page on the left, the date made on
 * the right. */
static void set_footer(struct rdoc *d)
{
	char *right = NULL;
	if (d->rep->generated && d->rep->generated[0]) {
		struct buf b;
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Skapad ");
		pdfdoc_esc(&b, d->rep->generated);
		right = pdfdoc_take(&b);
	}
	pdfdoc_footer(d->pd, footer_left, (void *)d->rep, right);
	free(right);
}

/* The grants. */

static const char *grant_label(const struct rg_grant *g)
{
	return g->label ? g->label : g->title ? g->title : g->key;
}

static bool lines_national(const struct rg_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].has_national || lines_national(lines[i].lines, lines[i].nlines))
			return true;
	return false;
}

/* line_label: a line's title, marked when preliminary, with its note in
 * small type below. */
static char *line_label(const struct rg_line *l)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	pdfdoc_esc(&b, l->title ? l->title : l->key);
	if (l->preliminary)
		buf_adds(&b, " <i>(preliminärt)</i>");
	if (l->note && l->note[0]) {
		buf_addf(&b, "\n<small><span foreground=\"#%06x\">", C_MUTED);
		pdfdoc_esc(&b, l->note);
		buf_adds(&b, "</span></small>");
	}
	return pdfdoc_take(&b);
}

/* breakdown_rows: a line and the lines below it.  A top-level parent is a
 * bold row of its own with its sum, its lines go in the second column; a
 * top-level leaf stands in the first column; deeper lines are indented. */
static void breakdown_rows(struct pdfdoc_table *t, const struct rg_line *l, int depth, bool national)
{
	size_t sum_col = national ? 3 : 2;
	bool parent = l->nlines > 0;
	size_t r = pdfdoc_table_row(t, depth == 0 && parent ? PDFDOC_ROW_BOLD : 0,
				    depth > 1 ? 10.0 * (depth - 1) : 0);
	pdfdoc_table_cell(t, r, depth == 0 ? 0 : 1, line_label(l));
	if (national && l->has_national)
		pdfdoc_table_cell(t, r, 2, m_kr(l->national, true));
	if (parent || l->has_amount)
		pdfdoc_table_cell(t, r, sum_col, m_kr(l->amount, true));
	for (size_t i = 0; i < l->nlines; i++)
		breakdown_rows(t, &l->lines[i], depth + 1, national);
}

/* breakdown_note: the grant's amount when its breakdown adds up to another. */
static void breakdown_note(struct rdoc *d, const struct rg_grant *g)
{
	if (!g->has_amount || !g->has_breakdown || g->amount == g->breakdown)
		return;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], diff[NUM_BUFSZ];
	fmt_kr(g->amount, a);
	fmt_kr(g->breakdown, b);
	fmt_kr_signed(g->amount - g->breakdown, diff);
	small(d, xasprintf("<b>Obs:</b> Beloppet " NB "%s kr" NB_END " skiljer sig från fördelningens summa "
			   NB "%s kr" NB_END " (" NB "%s kr" NB_END ").", a, b, diff),
	      0, C_TEXT, 6);
}

static void draw_breakdown(struct rdoc *d, const struct rg_grant *g)
{
	bool national = lines_national(g->lines, g->nlines);
	static const struct pdfdoc_col cols3[] = {
		{"UTVECKLINGSOMRÅDE", 5, false}, {"DELOMRÅDE", 5, false}, {"SUMMA", 0, true},
	};
	static const struct pdfdoc_col cols4[] = {
		{"UTVECKLINGSOMRÅDE", 5, false}, {"DELOMRÅDE", 5, false},
		{"LANDET", 0, true}, {"SUMMA", 0, true},
	};
	struct pdfdoc_table *t = national ? pdfdoc_table_new(cols4, BD_ARRAY_LEN(cols4))
					  : pdfdoc_table_new(cols3, BD_ARRAY_LEN(cols3));
	for (size_t i = 0; i < g->nlines; i++)
		breakdown_rows(t, &g->lines[i], 0, national);
	size_t r = pdfdoc_table_row(t, PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE | PDFDOC_ROW_SHADE, 0);
	pdfdoc_table_cell(t, r, 0, xstrdup("TOTALT"));
	pdfdoc_table_cell(t, r, national ? 3 : 2, m_kr(g->breakdown, true));
	pdfdoc_table_draw(d->pd, t);
	pdfdoc_table_free(t);
	breakdown_note(d, g);
}

/* add_date: " (<prefix>date)" when there is a date. */
static void add_date(struct buf *b, const char *prefix, const char *date)
{
	if (!date[0])
		return;
	buf_addf(b, " (%s", prefix);
	pdfdoc_esc(b, date);
	buf_adds(b, ")");
}

static void draw_application(struct rdoc *d, const struct rg_application *a)
{
	char n[NUM_BUFSZ];
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	if (a->has_applied) {
		buf_addf(&b, "Ansökt belopp " NB "%s kr" NB_END, fmt_kr(a->applied, n));
		add_date(&b, "", a->applied_on);
		buf_adds(&b, ".");
	}
	if (a->outcome != RG_OUTCOME_NONE) {
		buf_addf(&b, "%sUtfall: <b>", b.len ? " " : "");
		pdfdoc_esc(&b, rg_outcome_sv(a->outcome));
		buf_adds(&b, "</b>");
		if (a->has_granted)
			buf_addf(&b, ", beviljat " NB "%s kr" NB_END, fmt_kr(a->granted, n));
		add_date(&b, "beslut ", a->decided_on);
		buf_adds(&b, ".");
	} else if (a->has_granted) {
		buf_addf(&b, "%sBeviljat " NB "%s kr" NB_END ".", b.len ? " " : "", fmt_kr(a->granted, n));
	}
	char *m = pdfdoc_take(&b);
	pdfdoc_para(d->pd, m, SZ_BODY, 0, C_TEXT, 6);
	free(m);
}

/* purpose_groups: the cost groups of a purpose: the declared ones, then
 * the others in the order the entries name them; *n of them, to free. */
static const char **purpose_groups(const struct rg_usage *u, const struct rg_purpose *p, size_t *n)
{
	size_t ng = 0;
	const char **groups = xcalloc(p->ngroups + u->nentries + 1, sizeof(*groups));
	for (size_t j = 0; j < p->ngroups; j++)
		groups[ng++] = p->cost_groups[j];
	for (size_t k = 0; k < u->nentries; k++) {
		const struct rg_usage_entry *e = &u->entries[k];
		if (strcmp(e->purpose, p->name) != 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < ng && !seen; j++)
			seen = strcmp(groups[j], e->cost_group) == 0;
		if (!seen)
			groups[ng++] = e->cost_group;
	}
	*n = ng;
	return groups;
}

/* group_row: a cost group's row: what was spent on it for the purpose
 * (blank when nothing was) and the entries' comments. */
static void group_row(struct pdfdoc_table *t, const struct rg_usage *u, const char *purpose, const char *group)
{
	i128 sum = 0;
	bool any = false;
	struct buf com;
	buf_init(&com, MARKUP_MAX);
	for (size_t k = 0; k < u->nentries; k++) {
		const struct rg_usage_entry *e = &u->entries[k];
		if (strcmp(e->purpose, purpose) != 0 || strcmp(e->cost_group, group) != 0)
			continue;
		sum += e->amount;
		any = true;
		if (e->comment && e->comment[0]) {
			if (com.len)
				buf_adds(&com, "; ");
			pdfdoc_esc(&com, e->comment);
		}
	}
	size_t r = pdfdoc_table_row(t, 0, 0);
	pdfdoc_table_cell(t, r, 1, pdfdoc_markup(group));
	if (any)
		pdfdoc_table_cell(t, r, 2, m_kr(sum, false));
	pdfdoc_table_cell(t, r, 3, com.data);
}

/* sum_row: a bold row with a label and a figure in the amount column. */
static void sum_row(struct pdfdoc_table *t, unsigned style, const char *label, size_t col, char *figure)
{
	size_t r = pdfdoc_table_row(t, PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE | style, 0);
	pdfdoc_table_cell(t, r, 0, xstrdup(label));
	pdfdoc_table_cell(t, r, col, figure);
}

/* usage_spec: the form's specification: every purpose with every cost
 * group, its sum, and the account's total. */
static void usage_spec(struct pdfdoc_table *t, const struct rg_usage *u)
{
	for (size_t i = 0; i < u->npurposes; i++) {
		const struct rg_purpose *p = &u->purposes[i];
		size_t first = pdfdoc_table_rows(t), ng;
		const char **groups = purpose_groups(u, p, &ng);
		for (size_t j = 0; j < ng; j++)
			group_row(t, u, p->name, groups[j]);
		free(groups);
		if (pdfdoc_table_rows(t) == first)
			pdfdoc_table_row(t, 0, 0);
		pdfdoc_table_cell(t, first, 0, pdfdoc_markup(p->name));
		sum_row(t, 0, "SUMMA", 2, m_kr(p->spent, false));
	}
	sum_row(t, PDFDOC_ROW_SHADE, "TOT SUMMA", 2, m_kr(u->spent, false));
}

/* usage_totals: available, spent and remaining, in a table of their own. */
static void usage_totals(struct rdoc *d, const struct rg_usage *u)
{
	char h0[80], h1[80];
	snprintf(h0, sizeof(h0), "Disponibelt statsbidrag %d", u->year);
	snprintf(h1, sizeof(h1), "Förbrukade medel per %d-12-31", u->year);
	const struct pdfdoc_col cols[] = {{h0, 1, true}, {h1, 1, true}, {"Kvar", 1, true}};
	struct pdfdoc_table *t = pdfdoc_table_new(cols, BD_ARRAY_LEN(cols));
	size_t r = pdfdoc_table_row(t, 0, 0);
	pdfdoc_table_cell(t, r, 0, m_kr(u->available, true));
	pdfdoc_table_cell(t, r, 1, m_kr(u->spent, true));
	pdfdoc_table_cell(t, r, 2, m_kr(u->remaining, true));
	pdfdoc_table_draw(d->pd, t);
	pdfdoc_table_free(t);
}

static void draw_usage(struct rdoc *d, const struct rg_usage *u)
{
	char *m;
	if (u->title && u->title[0])
		m = pdfdoc_markup(u->title);
	else
		m = xasprintf("Redovisning av %d års användning", u->year);
	pdfdoc_heading(d->pd, m, SZ_H3, C_TEXT, 6, 60, 0, NULL);
	free(m);
	pdfdoc_skip(d->pd, 3);
	if (u->note && u->note[0])
		para_text(d, u->note, SZ_BODY, 0, C_TEXT, 5);
	usage_totals(d, u);
	if (u->npurposes == 0 && u->nentries == 0)
		return;
	m = xasprintf("Specificerad redovisning av förbrukade medel av %d års disponibla statsbidrag", u->year);
	pdfdoc_heading(d->pd, m, SZ_SMALL, C_TEXT, 2, 50, 0, NULL);
	free(m);
	pdfdoc_skip(d->pd, 3);
	static const struct pdfdoc_col spec[] = {
		{"Ändamål", 4, false}, {"Kostnadsgrupp", 4, false}, {"Belopp i kr", 0, true}, {"Kommentarer", 4, false},
	};
	struct pdfdoc_table *t = pdfdoc_table_new(spec, BD_ARRAY_LEN(spec));
	usage_spec(t, u);
	pdfdoc_table_draw(d->pd, t);
	pdfdoc_table_free(t);
}

/* link_text: what the database knows of a registered decision. */
static void link_text(struct buf *b, const struct rg_link *k, const char *org)
{
	buf_adds(b, ": registrerat i bidrag");
	if (k->title && k->title[0]) {
		buf_adds(b, ", ");
		pdfdoc_esc(b, k->title);
	}
	if (k->has_allocated) {
		char n[NUM_BUFSZ];
		buf_adds(b, ", fördelat till ");
		pdfdoc_esc(b, org);
		buf_addf(b, ": " NB "%s kr" NB_END, fmt_kr(k->allocated, n));
	} else {
		buf_adds(b, ", inget belopp fördelat till ");
		pdfdoc_esc(b, org);
	}
}

/* draw_link: what the database knows of the grant's state-side decision;
 * a decision with no link found is one the database does not have. */
static void draw_link(struct rdoc *d, const struct rg_grant *g)
{
	const struct rg_link *k = rg_report_link(d->rep, g->key);
	const char *dnr = k && k->dnr ? k->dnr : g->decision;
	if (!dnr)
		return;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_adds(&b, "Statens beslut ");
	pdfdoc_esc(&b, dnr);
	if (k && k->registered)
		link_text(&b, k, rg_report_org_label(d->rep));
	else
		buf_adds(&b, ": finns inte i registret");
	small(d, pdfdoc_take(&b), 0, C_MUTED, 1);
}

/* draw_replaces: "Ersätter: ..." with the previous year's labels. */
static void draw_replaces(struct rdoc *d, const struct rg_grant *g)
{
	if (g->nreplaces == 0)
		return;
	const struct rg_year *prev = d->rep->reg ? rg_year_find(d->rep->reg, d->rep->year->year - 1) : NULL;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_adds(&b, "Ersätter: ");
	for (size_t i = 0; i < g->nreplaces; i++) {
		const struct rg_grant *o = prev ? rg_grant_find(prev, g->replaces[i]) : NULL;
		if (i)
			buf_adds(&b, ", ");
		pdfdoc_esc(&b, o ? grant_label(o) : g->replaces[i]);
	}
	small(d, pdfdoc_take(&b), 0, C_MUTED, 1);
}

/* grant_has_total: whether the heading's figure means something.  A grant
 * whose application is not yet decided has a total of 0 that is no amount
 * (the application's line says so). */
static bool grant_has_total(const struct rg_grant *g)
{
	return g->has_amount || g->has_breakdown || !g->application || g->application->outcome != RG_PENDING;
}

/* draw_flags: the grant's flags as a line of their own, starting with a
 * capital. */
static void draw_flags(struct rdoc *d, const struct rg_grant *g)
{
	char flags[300];
	rg_flag_text(g->flags, flags, sizeof(flags));
	if (!flags[0])
		return;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	gunichar first = g_utf8_get_char_validated(flags, -1);
	if (first != (gunichar)-1 && first != (gunichar)-2) {
		char up[8];
		buf_add(&b, up, (size_t)g_unichar_to_utf8(g_unichar_totitle(first), up));
		pdfdoc_esc(&b, g_utf8_next_char(flags));
	} else {
		pdfdoc_esc(&b, flags);
	}
	small(d, pdfdoc_take(&b), PDFDOC_BOLD, C_ACCENT, 1);
}

/* draw_particulars: grantor, decision on the use, the state's decision,
 * what the grant replaces, its flags: small lines under the heading. */
static void draw_particulars(struct rdoc *d, const struct rg_grant *g)
{
	struct buf b;
	if (g->grantor || g->grantor_dnr) {
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Bidragsgivare: ");
		pdfdoc_esc(&b, g->grantor ? g->grantor : "–");
		if (g->grantor_dnr && g->grantor_dnr[0]) {
			buf_adds(&b, ", dnr ");
			pdfdoc_esc(&b, g->grantor_dnr);
		}
		small(d, pdfdoc_take(&b), 0, C_MUTED, 1);
	}
	if ((g->decided_by && g->decided_by[0]) || g->decided_on[0]) {
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Beslut om användning: ");
		pdfdoc_esc(&b, g->decided_by);
		if (g->decided_on[0]) {
			if (g->decided_by && g->decided_by[0])
				buf_adds(&b, " ");
			pdfdoc_esc(&b, g->decided_on);
		}
		small(d, pdfdoc_take(&b), 0, C_MUTED, 1);
	}
	draw_link(d, g);
	draw_replaces(d, g);
	draw_flags(d, g);
}

/* draw_outside: why a grant listed here is in no summary row. */
static void draw_outside(struct rdoc *d, const struct rg_grant *g)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_adds(&b, "<b>Ingår inte i sammanställningen</b>");
	const char *note = g->summary_note;
	if (note && note[0]) {
		buf_adds(&b, ": ");
		pdfdoc_esc(&b, note);
	}
	if (!note || !note[0] || !strchr(".!?", note[strlen(note) - 1]))
		buf_adds(&b, ".");
	small(d, pdfdoc_take(&b), PDFDOC_ITALIC, C_MUTED, 4);
}

/* grant_heading: title, total in mkr and the region's dnr, bookmarked. */
static void grant_heading(struct rdoc *d, const struct rg_grant *g, int parent)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	pdfdoc_esc(&b, g->title ? g->title : g->key);
	if (grant_has_total(g)) {
		char n[NUM_BUFSZ];
		buf_addf(&b, "  " NB "%s mkr" NB_END, fmt_mkr(g->total, n));
	}
	if (g->dnr && g->dnr[0]) {
		buf_addf(&b, "  <span weight=\"normal\" foreground=\"#%06x\">", C_MUTED);
		pdfdoc_esc(&b, g->dnr);
		buf_adds(&b, "</span>");
	}
	char *m = pdfdoc_take(&b);
	/* kept with its particulars and the start of its text */
	pdfdoc_heading(d->pd, m, SZ_H2, C_ACCENT, 12, 80, parent, grant_label(g));
	free(m);
}

static void draw_grant(struct rdoc *d, const struct rg_grant *g, int parent)
{
	grant_heading(d, g, parent);
	pdfdoc_skip(d->pd, 2);
	draw_particulars(d, g);
	pdfdoc_skip(d->pd, 5);
	for (size_t i = 0; i < g->ntext; i++)
		para_text(d, g->text[i], SZ_BODY, 0, C_TEXT, 5);
	if (g->nlines)
		draw_breakdown(d, g);
	if (g->application)
		draw_application(d, g->application);
	for (size_t i = 0; i < g->nusage; i++)
		draw_usage(d, &g->usage[i]);
	if (g->status && g->status[0])
		para_text(d, g->status, SZ_BODY, PDFDOC_ITALIC, C_TEXT, 5);
	if (!g->in_summary)
		draw_outside(d, g);
}

static bool section_known(const struct rg_year *y, const char *key)
{
	for (size_t i = 0; i < y->nsections; i++)
		if (strcmp(y->sections[i].key, key) == 0)
			return true;
	return false;
}

/* in_section: whether g goes in the section drawn (see draw_section). */
static bool in_section(const struct rg_year *y, const struct rg_grant *g, const char *key, bool orphans)
{
	if (orphans)
		return g->section && !section_known(y, g->section);
	if (!key)
		return !g->section;
	return g->section && strcmp(g->section, key) == 0;
}

/* draw_section: a section's heading and its grants, in the year's order;
 * key NULL: the grants of no section, without a heading; orphans: grants
 * naming a section the year does not have (rg_compute rejects them; shown
 * rather than lost). */
static void draw_section(struct rdoc *d, const char *key, const char *title, bool orphans)
{
	const struct rg_year *y = d->rep->year;
	int parent = ROOT;
	bool started = false;
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		if (!in_section(y, g, key, orphans))
			continue;
		if (!started && (key || orphans)) {
			char *m = pdfdoc_markup(title);
			parent = h1(d, m, title, 16, 80, 4);
			free(m);
		}
		started = true;
		draw_grant(d, g, parent);
	}
}

static void draw_title(struct rdoc *d)
{
	const struct rg_year *y = d->rep->year;
	char *m = xasprintf("Riktade statsbidrag %d", y->year);
	pdfdoc_para(d->pd, m, SZ_TITLE, PDFDOC_BOLD, C_ACCENT, 2);
	free(m);
	para_text(d, rg_report_org_label(d->rep), SZ_SUBTITLE, 0, C_TEXT, 6);
	if (y->title && y->title[0])
		para_text(d, y->title, SZ_H2, PDFDOC_BOLD, C_TEXT, 4);
	pdfdoc_rule(d->pd, 2, 1.5, C_ACCENT);
	pdfdoc_skip(d->pd, 14);
	for (size_t i = 0; i < y->nintro; i++)
		para_text(d, y->intro[i], SZ_BODY, 0, C_TEXT, 6);
}

/* The summary. */

/* cmp_comment: the row's note, and how the earlier year had it. */
static char *cmp_comment(const struct rg_comparison *cmp, const struct rg_cmp_row *r)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	if (r->note && r->note[0])
		pdfdoc_esc(&b, r->note);
	if (cmp->year[0] && r->moved) {
		buf_addf(&b, "%s<i>", b.len ? "\n" : "");
		if (r->moved[0]) {
			buf_addf(&b, "%d: ingick i ", cmp->year[0]);
			pdfdoc_esc(&b, r->moved);
		} else {
			buf_addf(&b, "%d: egen rad", cmp->year[0]);
		}
		buf_adds(&b, "</i>");
	}
	if (cmp->year[0] && r->earlier_label) {
		buf_addf(&b, "%s<i>%d: ", b.len ? "\n" : "", cmp->year[0]);
		pdfdoc_esc(&b, r->earlier_label);
		buf_adds(&b, "</i>");
	}
	return b.data;
}

/* cmp_values: the figures of a row in the table's columns from 1 on. */
static void cmp_values(struct pdfdoc_table *t, size_t r, bool two, const bool *has, const int64_t *v)
{
	if (two) {
		if (has[0])
			pdfdoc_table_cell(t, r, 1, m_mkr(v[0]));
		if (has[1])
			pdfdoc_table_cell(t, r, 2, m_mkr(v[1]));
		if (has[0] && has[1]) {
			char n[NUM_BUFSZ + 1];
			pdfdoc_table_cell(t, r, 3, xstrdup(fmt_mkr_change(v[1] - v[0], n)));
		}
	} else if (has[1]) {
		pdfdoc_table_cell(t, r, 1, m_mkr(v[1]));
	}
}

/* summary_section: a section's band, its rows and its sum. */
static void summary_section(struct pdfdoc_table *t, const struct rg_comparison *cmp,
			    const struct rg_cmp_section *sec)
{
	bool two = cmp->year[0] != 0;
	if (sec->title && sec->title[0]) {
		size_t r = pdfdoc_table_row(t, PDFDOC_ROW_BAND | PDFDOC_ROW_BOLD, 0);
		pdfdoc_table_cell(t, r, 0, pdfdoc_markup(sec->title));
	}
	for (size_t i = 0; i < sec->nrows; i++) {
		const struct rg_cmp_row *row = &sec->rows[i];
		size_t r = pdfdoc_table_row(t, row->level > 0 ? PDFDOC_ROW_ITALIC : 0,
					    row->level > 0 ? 12.0 * row->level : 0);
		pdfdoc_table_cell(t, r, 0, pdfdoc_markup(row->label ? row->label : row->key));
		cmp_values(t, r, two, row->has, row->value);
		pdfdoc_table_cell(t, r, two ? 4 : 2, cmp_comment(cmp, row));
	}
	size_t r = pdfdoc_table_row(t, PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE, 0);
	pdfdoc_table_cell(t, r, 0, xstrdup("Summa"));
	cmp_values(t, r, two, sec->has, sec->sum);
}

/* summary_total: the years' totals, when there is more than one section. */
static void summary_total(struct pdfdoc_table *t, const struct rg_comparison *cmp)
{
	if (cmp->nsections <= 1)
		return;
	/* a year's total means something when one of its sections has a sum */
	bool has[2] = {false, false};
	for (size_t s = 0; s < cmp->nsections; s++)
		for (int k = 0; k < 2; k++)
			has[k] |= cmp->sections[s].has[k];
	size_t r = pdfdoc_table_row(t, PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE | PDFDOC_ROW_SHADE, 0);
	pdfdoc_table_cell(t, r, 0, xstrdup("Totalt"));
	cmp_values(t, r, cmp->year[0] != 0, has, cmp->total);
}

static void summary_intro(struct rdoc *d, const struct rg_comparison *cmp)
{
	char *m;
	if (cmp->year[0] != 0)
		m = xasprintf("Belopp i miljoner kronor (mkr). Varje år summeras efter sin egen indelning; "
			      "Förändring är %d jämfört med %d. Kursiva rader (varav) ingår i raden ovanför "
			      "och räknas inte med i summan.", cmp->year[1], cmp->year[0]);
	else
		m = xasprintf("Belopp i miljoner kronor (mkr). Kursiva rader (varav) ingår i raden ovanför "
			      "och räknas inte med i summan.");
	small(d, m, 0, C_MUTED, 6);
}

static void draw_summary(struct rdoc *d)
{
	const struct rg_comparison *cmp = d->rep->cmp;
	bool two = cmp->year[0] != 0;
	char y0[16], y1[16];
	snprintf(y0, sizeof(y0), "%d", cmp->year[0]);
	snprintf(y1, sizeof(y1), "%d", cmp->year[1]);
	const struct pdfdoc_col cols2[] = {
		{"Rubrik", 6, false}, {y0, 0, true}, {y1, 0, true}, {"Förändring", 0, true}, {"Kommentar", 4, false},
	};
	const struct pdfdoc_col cols1[] = {{"Rubrik", 6, false}, {y1, 0, true}, {"Kommentar", 4, false}};

	pdfdoc_fresh_page(d->pd);
	h1(d, "Sammanställning", "Sammanställning", 0, 80, 8);
	summary_intro(d, cmp);
	struct pdfdoc_table *t = two ? pdfdoc_table_new(cols2, BD_ARRAY_LEN(cols2))
				     : pdfdoc_table_new(cols1, BD_ARRAY_LEN(cols1));
	for (size_t s = 0; s < cmp->nsections; s++)
		summary_section(t, cmp, &cmp->sections[s]);
	summary_total(t, cmp);
	pdfdoc_table_draw(d->pd, t);
	pdfdoc_table_free(t);
}

/* The discrepancies. */

struct disc_list {
	const struct rg_report *rep;
	char **items; /* markup */
	size_t n, cap;
};

/* disc_text: what is wrong, in words and figures. */
static void disc_text(struct buf *b, const struct rg_discrepancy *x)
{
	char s[NUM_BUFSZ], c[NUM_BUFSZ], diff[NUM_BUFSZ];
	fmt_kr(x->stated, s);
	fmt_kr(x->computed, c);
	if (strcmp(x->what, "breakdown") == 0) {
		fmt_kr_signed(x->stated - x->computed, diff);
		buf_addf(b, "beloppet " NB "%s kr" NB_END ", fördelningen " NB "%s kr" NB_END ", skillnad " NB
			    "%s kr" NB_END, s, c, diff);
	} else if (strcmp(x->what, "overspent") == 0) {
		buf_addf(b, "förbrukat " NB "%s kr" NB_END " av disponibla " NB "%s kr" NB_END " för %d", c, s,
			 x->usage_year);
	} else {
		buf_adds(b, "avvikelse ");
		pdfdoc_esc(b, x->what);
		buf_addf(b, ": angivet " NB "%s kr" NB_END ", beräknat " NB "%s kr" NB_END, s, c);
	}
}

/* on_discrepancy: those of the year reported and of the year it is
 * compared with (whose figures the summary shows), as the other formats
 * list them. */
static void on_discrepancy(void *ctx, const struct rg_discrepancy *x)
{
	struct disc_list *dl = ctx;
	const struct rg_report *rep = dl->rep;
	if (x->year != rep->year->year && (!rep->cmp || !rep->cmp->year[0] || x->year != rep->cmp->year[0]))
		return;
	const struct rg_year *y = rg_year_find(rep->reg, x->year);
	const struct rg_grant *g = y && x->grant ? rg_grant_find(y, x->grant) : NULL;
	const char *label = g ? grant_label(g) : x->grant;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_addf(&b, "%d, <b>", x->year);
	pdfdoc_esc(&b, label ? label : "?");
	buf_adds(&b, "</b>: ");
	disc_text(&b, x);
	if (dl->n == dl->cap) {
		dl->cap = dl->cap ? 2 * dl->cap : 8;
		dl->items = xreallocarray(dl->items, dl->cap, sizeof(*dl->items));
	}
	dl->items[dl->n++] = pdfdoc_take(&b);
}

static void draw_discrepancies(struct rdoc *d)
{
	struct disc_list dl = {.rep = d->rep};
	if (d->rep->reg)
		rg_discrepancies(d->rep->reg, on_discrepancy, &dl);
	h1(d, "Avvikelser", "Avvikelser", 14, 40, 8);
	if (dl.n == 0) {
		pdfdoc_para(d->pd, "Inga avvikelser.", SZ_BODY, 0, C_TEXT, 4);
	} else {
		pdfdoc_para(d->pd, "Registret godtar följande avvikelser men redovisar dem här: belopp som skiljer "
			    "sig från sin fördelning, och konton där mer förbrukats än vad som fanns disponibelt.",
			    SZ_SMALL, 0, C_MUTED, 6);
		for (size_t i = 0; i < dl.n; i++)
			pdfdoc_bullet(d->pd, dl.items[i], SZ_BODY, C_TEXT);
	}
	for (size_t i = 0; i < dl.n; i++)
		free(dl.items[i]);
	free(dl.items);
}

/* The report. */

int rg_report_pdf(const struct rg_report *rep, const char *path, struct bd_error *err)
{
	if (!rep || !rep->year)
		return bd_fail(err, "PDF report '%s': no year to report", path);
	struct rdoc d = {.rep = rep, .pd = pdfdoc_open(path, "PDF report", &A4, err)};
	if (!d.pd)
		return -1;
	char title[64];
	snprintf(title, sizeof(title), "Riktade statsbidrag %d", rep->year->year);
	pdfdoc_info(d.pd, title, rg_report_org_label(rep), rep->generated);
	set_footer(&d);

	draw_title(&d);
	draw_section(&d, NULL, NULL, false);
	for (size_t i = 0; i < rep->year->nsections; i++) {
		const struct rg_section *s = &rep->year->sections[i];
		draw_section(&d, s->key, s->title ? s->title : s->key, false);
	}
	draw_section(&d, NULL, "Övriga bidrag", true);
	if (rep->cmp)
		draw_summary(&d);
	draw_discrepancies(&d);
	rg_chart_pages(d.pd, rep);
	return pdfdoc_close(d.pd, err);
}
