/* regreport.c: the recipient register's reports in Markdown, CSV and XLSX.
 * See regreport.h.  The PDF and the chart are in regpdf.c. */
#include "regreport.h"

#include <errno.h>
#include <string.h>
#include <xlsxwriter.h>

const struct rg_link *rg_report_link(const struct rg_report *rep, const char *grant)
{
	for (size_t i = 0; i < rep->nlinks; i++)
		if (strcmp(rep->links[i].grant, grant) == 0)
			return &rep->links[i];
	return NULL;
}

char *rg_flag_text(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *text;
	} names[] = {
		{RG_RELIEF, "omfattas av regeringens lättnad avseende återrapportering"},
		{RG_PRELIMINARY, "preliminärt belopp"},
		{RG_NEW, "nytt för året"},
	};
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < BD_ARRAY_LEN(names); i++)
		if (flags & names[i].flag)
			k += (size_t)snprintf(buf + k, k < len ? len - k : 0, "%s%s", k ? ", " : "", names[i].text);
	return buf;
}

static const char *label_of(const struct rg_grant *g)
{
	return g->label ? g->label : g->title;
}

/* Markdown. */

static void md_cell(FILE *out, const char *s)
{
	fputs("| ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
	fputc(' ', out);
}

static void md_kr(FILE *out, int64_t v, bool bold)
{
	char b[NUM_BUFSZ];
	fprintf(out, "| %s%s kr%s ", bold ? "**" : "", fmt_kr(v, b), bold ? "**" : "");
}

static void md_lines(FILE *out, const struct rg_line *lines, size_t n, int depth, bool national)
{
	char b[NUM_BUFSZ];
	for (size_t i = 0; i < n; i++) {
		const struct rg_line *l = &lines[i];
		char *t = xasprintf("%s%s%s%s", depth ? "" : "**", l->title, depth ? "" : "**",
				    l->preliminary ? " (preliminärt)" : "");
		if (depth == 0) {
			md_cell(out, t);
			md_cell(out, "");
		} else {
			md_cell(out, "");
			char *u = xasprintf("%*s%s", 2 * (depth - 1), "", t);
			md_cell(out, u);
			free(u);
		}
		free(t);
		if (national)
			md_cell(out, l->has_national ? fmt_kr(l->national, b) : "");
		md_kr(out, l->amount, depth == 0 && l->nlines);
		fputs("|\n", out);
		md_lines(out, l->lines, l->nlines, depth + 1, national);
	}
}

static bool any_national(const struct rg_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].has_national || any_national(lines[i].lines, lines[i].nlines))
			return true;
	return false;
}

/* usage_group_sum: what entries of a purpose and cost group add up to;
 * *any tells whether there are entries. */
static int64_t usage_group_sum(const struct rg_usage *u, const char *purpose, const char *group, bool *any,
			       const char **comment)
{
	int64_t s = 0;
	*any = false;
	*comment = NULL;
	for (size_t i = 0; i < u->nentries; i++)
		if (strcmp(u->entries[i].purpose, purpose) == 0 && strcmp(u->entries[i].cost_group, group) == 0) {
			s += u->entries[i].amount;
			*any = true;
			if (u->entries[i].comment)
				*comment = u->entries[i].comment;
		}
	return s;
}

static void md_usage(FILE *out, const struct rg_usage *u)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ];
	fprintf(out, "#### %s\n\n", u->title ? u->title : "Redovisning av användning");
	fprintf(out, "| Disponibelt statsbidrag %d | Förbrukade medel per %d-12-31 | Kvar |\n|---:|---:|---:|\n",
		u->year, u->year);
	fprintf(out, "| %s | %s | %s |\n\n", fmt_kr(u->available, a), fmt_kr(u->spent, b), fmt_kr(u->remaining, c));
	fprintf(out, "Specificerad redovisning av förbrukade medel av %d års disponibla statsbidrag\n\n", u->year);
	fputs("| Ändamål | Kostnadsgrupp | Belopp i kr | Kommentarer |\n|---|---|---:|---|\n", out);
	for (size_t i = 0; i < u->npurposes; i++) {
		const struct rg_purpose *p = &u->purposes[i];
		for (size_t j = 0; j < p->ngroups; j++) {
			bool any;
			const char *comment;
			int64_t v = usage_group_sum(u, p->name, p->cost_groups[j], &any, &comment);
			md_cell(out, j == 0 ? p->name : "");
			md_cell(out, p->cost_groups[j]);
			md_cell(out, any ? fmt_kr(v, a) : "");
			md_cell(out, comment);
			fputs("|\n", out);
		}
		for (size_t k = 0; k < u->nentries; k++) {
			const struct rg_usage_entry *e = &u->entries[k];
			if (strcmp(e->purpose, p->name) != 0 || strncmp(e->cost_group, "Annat: ", 7) != 0)
				continue;
			md_cell(out, p->ngroups ? "" : p->name);
			md_cell(out, e->cost_group);
			md_cell(out, fmt_kr(e->amount, a));
			md_cell(out, e->comment);
			fputs("|\n", out);
		}
		fprintf(out, "| **SUMMA** | | **%s** | |\n", fmt_kr(p->spent, a));
	}
	fprintf(out, "| **TOT SUMMA** | | **%s** | |\n\n", fmt_kr(u->spent, a));
	if (u->note)
		fprintf(out, "%s\n\n", u->note);
}

static void md_grant(FILE *out, const struct rg_report *rep, const struct rg_grant *g)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ], fl[300];
	fprintf(out, "### %s %s mkr%s%s\n\n", g->title, fmt_mkr(g->total, a), g->dnr ? " " : "", g->dnr ? g->dnr : "");
	if (g->grantor)
		fprintf(out, "- Bidragsgivare: %s%s%s\n", g->grantor, g->grantor_dnr ? ", dnr " : "",
			g->grantor_dnr ? g->grantor_dnr : "");
	fprintf(out, "- Belopp: %s kr%s\n", fmt_kr(g->total, a), (g->flags & RG_PRELIMINARY) ? " (preliminärt)" : "");
	if (g->decided_by || g->decided_on[0])
		fprintf(out, "- Beslut om användning: %s%s%s\n", g->decided_by ? g->decided_by : "",
			g->decided_by && g->decided_on[0] ? " " : "", g->decided_on);
	const struct rg_link *l = rg_report_link(rep, g->key);
	if (l && l->registered) {
		fprintf(out, "- Statens beslut %s: registrerat i bidrag (%s)", l->dnr, l->title);
		if (l->has_allocated)
			fprintf(out, ", fördelat till %s: %s kr", rep->org_name, fmt_kr(l->allocated, b));
		fputc('\n', out);
	}
	else if (g->decision)
		fprintf(out, "- Statens beslut %s: finns inte i registret\n", g->decision);
	if (g->flags & ~(unsigned)RG_PRELIMINARY)
		fprintf(out, "- %s\n", rg_flag_text(g->flags & ~(unsigned)RG_PRELIMINARY, fl, sizeof(fl)));
	if (g->nreplaces) {
		fputs("- Ersätter:", out);
		for (size_t i = 0; i < g->nreplaces; i++)
			fprintf(out, "%s %s", i ? "," : "", g->replaces[i]);
		fputc('\n', out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < g->ntext; i++)
		fprintf(out, "%s\n\n", g->text[i]);
	if (g->nlines) {
		bool nat = any_national(g->lines, g->nlines);
		fprintf(out, "| Utvecklingsområde | Delområde |%s Summa |\n|---|---|%s---:|\n", nat ? " Landet |" : "",
			nat ? "---:|" : "");
		md_lines(out, g->lines, g->nlines, 0, nat);
		fprintf(out, "| **TOTALT** | |%s", nat ? " |" : "");
		md_kr(out, g->breakdown, true);
		fputs("|\n\n", out);
		if (g->total != g->breakdown)
			fprintf(out, "> **Avvikelse:** beloppet %s kr skiljer sig från fördelningens summa %s kr "
				     "(skillnad %s kr).\n\n",
				fmt_kr(g->total, a), fmt_kr(g->breakdown, b), fmt_kr_signed(g->total - g->breakdown, fl));
	}
	if (g->application) {
		const struct rg_application *ap = g->application;
		fputs("Ansökan:", out);
		if (ap->has_applied) {
			fprintf(out, " ansökt belopp %s kr", fmt_kr(ap->applied, a));
			if (ap->applied_on[0])
				fprintf(out, " (%s)", ap->applied_on);
		}
		fprintf(out, "%s %s", ap->has_applied ? "," : "", rg_outcome_sv(ap->outcome));
		if (ap->has_granted)
			fprintf(out, " %s kr", fmt_kr(ap->granted, a));
		if (ap->decided_on[0])
			fprintf(out, " %s", ap->decided_on);
		fputs(".\n\n", out);
	}
	for (size_t i = 0; i < g->nusage; i++)
		md_usage(out, &g->usage[i]);
	if (g->status)
		fprintf(out, "*%s*\n\n", g->status);
	if (!g->in_summary)
		fprintf(out, "Ingår inte i sammanställningen%s%s.\n\n", g->summary_note ? ": " : "",
			g->summary_note ? g->summary_note : "");
}

static void mkr_or_blank(char *buf, bool has, int64_t v)
{
	if (has)
		fmt_mkr(v, buf);
	else
		buf[0] = '\0';
}

/* md_bold_mkr: a sum in bold, or nothing when has is false.  buf of
 * NUM_BUFSZ + 4. */
static void md_bold_mkr(char *buf, bool has, int64_t v)
{
	char n[NUM_BUFSZ];
	if (has)
		snprintf(buf, NUM_BUFSZ + 4, "**%s**", fmt_mkr(v, n));
	else
		buf[0] = '\0';
}

/* rg_cmp_comment: the note of a comparison row, with a move or a change of
 * name between the years.  Free the result. */
static char *cmp_comment(const struct rg_comparison *c, const struct rg_cmp_row *r)
{
	struct buf b;
	buf_init(&b, 4096);
	if (r->note)
		buf_adds(&b, r->note);
	if (r->moved)
		buf_addf(&b, "%s%d: %s%s", b.len ? "; " : "", c->year[0], *r->moved ? "ingick i " : "egen rad",
			 r->moved);
	if (r->earlier_label)
		buf_addf(&b, "%s%d: %s", b.len ? "; " : "", c->year[0], r->earlier_label);
	buf_add(&b, "", 1);
	return b.data ? b.data : xstrdup("");
}

static void md_summary(FILE *out, const struct rg_comparison *c)
{
	bool two = c->year[0] != 0;
	if (two)
		fprintf(out, "## Sammanställning %d och %d (mkr)\n\n", c->year[0], c->year[1]);
	else
		fprintf(out, "## Sammanställning %d (mkr)\n\n", c->year[1]);
	for (size_t s = 0; s < c->nsections; s++) {
		const struct rg_cmp_section *sec = &c->sections[s];
		if (sec->title)
			fprintf(out, "### %s\n\n", sec->title);
		if (two)
			fprintf(out, "| Rubrik | %d | %d | Förändring | Kommentar |\n|---|---:|---:|---:|---|\n", c->year[0],
				c->year[1]);
		else
			fprintf(out, "| Rubrik | %d | Kommentar |\n|---|---:|---|\n", c->year[1]);
		for (size_t i = 0; i < sec->nrows; i++) {
			const struct rg_cmp_row *r = &sec->rows[i];
			char v0[NUM_BUFSZ], v1[NUM_BUFSZ], d[NUM_BUFSZ + 1];
			/* a varav row: a dash for each level, in italics */
			char *label = xasprintf("%s%s%s%s", r->level > 1 ? "– " : "", r->level ? "– *" : "", r->label,
						r->level ? "*" : "");
			md_cell(out, label);
			free(label);
			mkr_or_blank(v0, r->has[0], r->value[0]);
			mkr_or_blank(v1, r->has[1], r->value[1]);
			if (two)
				md_cell(out, v0);
			md_cell(out, v1);
			if (two) {
				d[0] = '\0';
				if (r->has[0] && r->has[1]) {
					char n[NUM_BUFSZ + 1];
					snprintf(d, sizeof(d), "%s", fmt_mkr_change(r->value[1] - r->value[0], n));
				}
				md_cell(out, d);
			}
			char *comment = cmp_comment(c, r);
			md_cell(out, comment);
			free(comment);
			fputs("|\n", out);
		}
		/* A year without rows in the section has no sum: its cell is
		 * empty, not an empty bold "****". */
		char v0[NUM_BUFSZ + 4], v1[NUM_BUFSZ + 4];
		md_bold_mkr(v0, sec->has[0], sec->sum[0]);
		md_bold_mkr(v1, sec->has[1], sec->sum[1]);
		if (two)
			fprintf(out, "| **Summa** | %s | %s | | |\n\n", v0, v1);
		else
			fprintf(out, "| **Summa** | %s | |\n\n", v1);
	}
	if (c->nsections > 1) {
		char v0[NUM_BUFSZ], v1[NUM_BUFSZ];
		fmt_mkr(c->total[0], v0);
		fmt_mkr(c->total[1], v1);
		if (two)
			fprintf(out, "Totalt: %s mkr (%d) och %s mkr (%d).\n\n", v0, c->year[0], v1, c->year[1]);
		else
			fprintf(out, "Totalt: %s mkr.\n\n", v1);
	}
}

struct disc_ctx {
	FILE *out;
	const struct rg_report *rep;
	size_t n;
};

static void md_discrepancy(void *ctx, const struct rg_discrepancy *d)
{
	struct disc_ctx *c = ctx;
	if (d->year != c->rep->year->year && (!c->rep->cmp || d->year != c->rep->cmp->year[0]))
		return;
	const struct rg_year *y = rg_year_find(c->rep->reg, d->year);
	const struct rg_grant *g = y ? rg_grant_find(y, d->grant) : NULL;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], diff[NUM_BUFSZ];
	if (strcmp(d->what, "breakdown") == 0)
		fprintf(c->out, "- %d, %s: beloppet %s kr, fördelningen %s kr, skillnad %s kr\n", d->year,
			g ? label_of(g) : d->grant, fmt_kr(d->stated, a), fmt_kr(d->computed, b),
			fmt_kr_signed(d->stated - d->computed, diff));
	else
		fprintf(c->out, "- %d, %s: förbrukat %s kr av disponibla %s kr för %d\n", d->year,
			g ? label_of(g) : d->grant, fmt_kr(d->computed, a), fmt_kr(d->stated, b), d->usage_year);
	c->n++;
}

static void md_section_grants(FILE *out, const struct rg_report *rep, const char *section)
{
	const struct rg_year *y = rep->year;
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		if ((section == NULL) != (g->section == NULL) || (section && strcmp(section, g->section) != 0))
			continue;
		md_grant(out, rep, g);
	}
}

int rg_report_md(const struct rg_report *rep, FILE *out, struct bd_error *err)
{
	const struct rg_year *y = rep->year;
	fprintf(out, "# Riktade statsbidrag %d – %s\n\n", y->year, rep->org_name);
	if (y->title)
		fprintf(out, "## %s\n\n", y->title);
	for (size_t i = 0; i < y->nintro; i++)
		fprintf(out, "%s\n\n", y->intro[i]);
	md_section_grants(out, rep, NULL);
	for (size_t s = 0; s < y->nsections; s++) {
		fprintf(out, "## %s\n\n", y->sections[s].title);
		md_section_grants(out, rep, y->sections[s].key);
	}
	if (rep->cmp)
		md_summary(out, rep->cmp);
	fputs("## Avvikelser\n\n", out);
	struct disc_ctx dc = {out, rep, 0};
	rg_discrepancies(rep->reg, md_discrepancy, &dc);
	if (!dc.n)
		fputs("Inga avvikelser.\n", out);
	fprintf(out, "\n---\nFramtaget med bidrag %s.\n", rep->generated ? rep->generated : "");
	if (fflush(out) || ferror(out))
		return bd_fail(err, "writing the report: %s", strerror(errno));
	return 0;
}

/* CSV: one long table, for spreadsheets and scripts. */

static void csv_field(FILE *out, const char *s, bool last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputc(last ? '\n' : ',', out);
}

static void csv_row(FILE *out, const char *part, int year, const char *grant, const char *key, const char *title,
		    int level, bool has, int64_t amount)
{
	char y[16], l[16], a[32];
	snprintf(y, sizeof(y), "%d", year);
	snprintf(l, sizeof(l), "%d", level);
	snprintf(a, sizeof(a), "%lld", (long long)amount);
	csv_field(out, part, false);
	csv_field(out, y, false);
	csv_field(out, grant, false);
	csv_field(out, key, false);
	csv_field(out, title, false);
	csv_field(out, l, false);
	csv_field(out, has ? a : "", true);
}

static void csv_lines(FILE *out, int year, const char *grant, const char *prefix, const struct rg_line *lines,
		      size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", lines[i].key);
		csv_row(out, "rad", year, grant, path, lines[i].title, depth, true, lines[i].amount);
		csv_lines(out, year, grant, path, lines[i].lines, lines[i].nlines, depth + 1);
		free(path);
	}
}

int rg_report_csv(const struct rg_report *rep, FILE *out, struct bd_error *err)
{
	const struct rg_year *y = rep->year;
	fputs("del,år,bidrag,nyckel,rubrik,nivå,belopp\n", out);
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		csv_row(out, "bidrag", y->year, g->key, g->key, g->title, 0, true, g->total);
		csv_lines(out, y->year, g->key, "", g->lines, g->nlines, 1);
		for (size_t k = 0; k < g->nusage; k++) {
			const struct rg_usage *u = &g->usage[k];
			csv_row(out, "disponibelt", u->year, g->key, "", "Disponibelt", 0, true, u->available);
			for (size_t e = 0; e < u->nentries; e++)
				csv_row(out, "förbrukat", u->year, g->key, u->entries[e].purpose, u->entries[e].cost_group,
					1, true, u->entries[e].amount);
			csv_row(out, "kvar", u->year, g->key, "", "Kvar", 0, true, u->remaining);
		}
	}
	const struct rg_comparison *c = rep->cmp;
	for (size_t s = 0; c && s < c->nsections; s++) {
		const struct rg_cmp_section *sec = &c->sections[s];
		for (int yi = 0; yi < 2; yi++) {
			if (!c->year[yi])
				continue;
			for (size_t i = 0; i < sec->nrows; i++) {
				const struct rg_cmp_row *r = &sec->rows[i];
				if (r->year_level[yi] >= 0)
					csv_row(out, "sammanställning", c->year[yi], sec->key, r->key,
						yi == 0 && r->earlier_label ? r->earlier_label : r->label,
						r->year_level[yi], r->has[yi], r->value[yi]);
			}
			if (sec->has[yi])
				csv_row(out, "summa", c->year[yi], sec->key, sec->key ? sec->key : "",
					sec->title ? sec->title : "Summa", 0, true, sec->sum[yi]);
		}
	}
	if (fflush(out) || ferror(out))
		return bd_fail(err, "writing the report: %s", strerror(errno));
	return 0;
}

/* XLSX: one sheet per section, numbers as numbers, sums as formulas (with
 * their values cached, so a reader that does not calculate sees them). */

struct xl {
	lxw_workbook *wb;
	lxw_format *bold, *head, *kr, *krbold, *mkr, *mkrbold, *italic, *wrap;
};

static void cell_ref(char *out, size_t n, lxw_row_t row, lxw_col_t col)
{
	lxw_rowcol_to_cell(out, row, col);
	(void)n;
}

/* xl_sum: "=SUM(A1,A3,...)" over cells of one column, cached value v. */
static void xl_sum(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const lxw_row_t *rows, size_t n, int64_t v,
		   lxw_format *f)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_adds(&b, "=SUM(");
	if (n == 0)
		buf_adds(&b, "0");
	for (size_t i = 0; i < n; i++) {
		char ref[32];
		cell_ref(ref, sizeof(ref), rows[i], col);
		buf_addf(&b, "%s%s", i ? "," : "", ref);
	}
	buf_adds(&b, ")");
	worksheet_write_formula_num(ws, row, col, b.data, f, (double)v);
	buf_release(&b);
}

static void xl_sum_range(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, lxw_row_t first, lxw_row_t last,
			 int64_t v, lxw_format *f)
{
	char a[32], b[32], formula[80];
	cell_ref(a, sizeof(a), first, col);
	cell_ref(b, sizeof(b), last, col);
	snprintf(formula, sizeof(formula), "=SUM(%s:%s)", a, b);
	worksheet_write_formula_num(ws, row, col, formula, f, (double)v);
}

static void xl_headers(struct xl *x, lxw_worksheet *ws, lxw_row_t row, const char *const *h, const double *w)
{
	for (lxw_col_t c = 0; h[c]; c++) {
		worksheet_write_string(ws, row, c, h[c], x->head);
		worksheet_set_column(ws, c, c, w[c], NULL);
	}
}

static lxw_worksheet *xl_sheet(struct xl *x, const char *name)
{
	return workbook_add_worksheet(x->wb, name);
}

static void xl_grants(struct xl *x, const struct rg_report *rep)
{
	lxw_worksheet *ws = xl_sheet(x, "Bidrag");
	static const char *const h[] = {"Bidrag", "Avsnitt", "Bidragsgivare", "Dnr", "Beslut om användning",
					"Beslutsdatum", "Belopp (kr)", "Fördelat på rader (kr)", "Ansökt (kr)",
					"Utfall", "Flaggor", "Status", NULL};
	static const double w[] = {50, 22, 22, 16, 22, 13, 16, 18, 14, 12, 30, 60};
	xl_headers(x, ws, 0, h, w);
	const struct rg_year *y = rep->year;
	lxw_row_t row = 1;
	for (size_t i = 0; i < y->ngrants; i++, row++) {
		const struct rg_grant *g = &y->grants[i];
		char fl[300];
		worksheet_write_string(ws, row, 0, g->title, x->wrap);
		if (g->section)
			worksheet_write_string(ws, row, 1, g->section, NULL);
		if (g->grantor)
			worksheet_write_string(ws, row, 2, g->grantor, NULL);
		if (g->dnr)
			worksheet_write_string(ws, row, 3, g->dnr, NULL);
		if (g->decided_by)
			worksheet_write_string(ws, row, 4, g->decided_by, NULL);
		if (g->decided_on[0])
			worksheet_write_string(ws, row, 5, g->decided_on, NULL);
		worksheet_write_number(ws, row, 6, (double)g->total, x->kr);
		if (g->has_breakdown)
			worksheet_write_number(ws, row, 7, (double)g->breakdown, x->kr);
		if (g->application && g->application->has_applied)
			worksheet_write_number(ws, row, 8, (double)g->application->applied, x->kr);
		if (g->application)
			worksheet_write_string(ws, row, 9, rg_outcome_sv(g->application->outcome), NULL);
		if (g->flags)
			worksheet_write_string(ws, row, 10, rg_flag_text(g->flags, fl, sizeof(fl)), NULL);
		if (g->status)
			worksheet_write_string(ws, row, 11, g->status, NULL);
	}
	int64_t total = 0;
	for (size_t i = 0; i < y->ngrants; i++)
		total += y->grants[i].total;
	worksheet_write_string(ws, row, 0, "Summa (alla bidrag)", x->bold);
	if (y->ngrants)
		xl_sum_range(ws, row, 6, 1, row - 1, total, x->krbold);
	worksheet_freeze_panes(ws, 1, 0);
}

/* xl_lines: the lines, parents as sums of their children's cells; returns
 * the row after them and fills tops with the rows of these lines. */
static lxw_row_t xl_lines(struct xl *x, lxw_worksheet *ws, lxw_row_t row, const struct rg_grant *g,
			  const struct rg_line *lines, size_t n, int depth, lxw_row_t *tops)
{
	for (size_t i = 0; i < n; i++) {
		const struct rg_line *l = &lines[i];
		lxw_row_t me = row++;
		tops[i] = me;
		worksheet_write_string(ws, me, 0, g->label ? g->label : g->title, NULL);
		worksheet_write_string(ws, me, depth ? 2 : 1, l->title, l->nlines ? x->bold : NULL);
		if (l->has_national)
			worksheet_write_number(ws, me, 3, (double)l->national, x->kr);
		if (l->nlines) {
			lxw_row_t *sub = xcalloc(l->nlines, sizeof(*sub));
			row = xl_lines(x, ws, row, g, l->lines, l->nlines, depth + 1, sub);
			xl_sum(ws, me, 4, sub, l->nlines, l->amount, x->krbold);
			free(sub);
		} else {
			worksheet_write_number(ws, me, 4, (double)l->amount, x->kr);
		}
	}
	return row;
}

static void xl_breakdowns(struct xl *x, const struct rg_report *rep)
{
	lxw_worksheet *ws = xl_sheet(x, "Fördelning");
	static const char *const h[] = {"Bidrag", "Utvecklingsområde", "Delområde", "Landet (kr)", "Summa (kr)",
					"Bidragets belopp (kr)", "Skillnad (kr)", NULL};
	static const double w[] = {30, 45, 45, 16, 16, 20, 14};
	xl_headers(x, ws, 0, h, w);
	lxw_row_t row = 1;
	for (size_t i = 0; i < rep->year->ngrants; i++) {
		const struct rg_grant *g = &rep->year->grants[i];
		if (!g->nlines)
			continue;
		lxw_row_t *tops = xcalloc(g->nlines, sizeof(*tops));
		row = xl_lines(x, ws, row, g, g->lines, g->nlines, 0, tops);
		worksheet_write_string(ws, row, 0, g->label ? g->label : g->title, x->bold);
		worksheet_write_string(ws, row, 1, "TOTALT", x->bold);
		xl_sum(ws, row, 4, tops, g->nlines, g->breakdown, x->krbold);
		worksheet_write_number(ws, row, 5, (double)g->total, x->kr);
		char a[32], b[32], f[80];
		cell_ref(a, sizeof(a), row, 5);
		cell_ref(b, sizeof(b), row, 4);
		snprintf(f, sizeof(f), "=%s-%s", a, b);
		worksheet_write_formula_num(ws, row, 6, f, x->kr, (double)(g->total - g->breakdown));
		free(tops);
		row += 2;
	}
	worksheet_freeze_panes(ws, 1, 0);
}

static void xl_usage(struct xl *x, const struct rg_report *rep)
{
	lxw_worksheet *ws = xl_sheet(x, "Användning");
	static const char *const h[] = {"Bidrag", "Ändamål", "Kostnadsgrupp", "Belopp i kr", "Kommentarer", NULL};
	static const double w[] = {30, 40, 34, 14, 40};
	xl_headers(x, ws, 0, h, w);
	lxw_row_t row = 1;
	for (size_t i = 0; i < rep->year->ngrants; i++) {
		const struct rg_grant *g = &rep->year->grants[i];
		for (size_t k = 0; k < g->nusage; k++) {
			const struct rg_usage *u = &g->usage[k];
			const char *name = g->label ? g->label : g->title;
			char t[200];
			snprintf(t, sizeof(t), "Disponibelt statsbidrag %d", u->year);
			lxw_row_t avail = row++;
			worksheet_write_string(ws, avail, 0, name, x->bold);
			worksheet_write_string(ws, avail, 1, t, x->bold);
			worksheet_write_number(ws, avail, 3, (double)u->available, x->kr);
			lxw_row_t spent = row++, left = row++;
			snprintf(t, sizeof(t), "Förbrukade medel per %d-12-31", u->year);
			worksheet_write_string(ws, spent, 1, t, x->bold);
			worksheet_write_string(ws, left, 1, "Kvar", x->bold);
			lxw_row_t *sums = xcalloc(u->npurposes, sizeof(*sums));
			for (size_t p = 0; p < u->npurposes; p++) {
				const struct rg_purpose *pu = &u->purposes[p];
				lxw_row_t first = row;
				for (size_t e = 0; e < u->nentries; e++) {
					const struct rg_usage_entry *en = &u->entries[e];
					if (strcmp(en->purpose, pu->name) != 0)
						continue;
					worksheet_write_string(ws, row, 1, pu->name, NULL);
					worksheet_write_string(ws, row, 2, en->cost_group, NULL);
					worksheet_write_number(ws, row, 3, (double)en->amount, x->kr);
					if (en->comment)
						worksheet_write_string(ws, row, 4, en->comment, NULL);
					row++;
				}
				worksheet_write_string(ws, row, 1, pu->name, x->bold);
				worksheet_write_string(ws, row, 2, "SUMMA", x->bold);
				if (row > first)
					xl_sum_range(ws, row, 3, first, row - 1, pu->spent, x->krbold);
				else
					worksheet_write_number(ws, row, 3, 0, x->krbold);
				sums[p] = row++;
			}
			worksheet_write_string(ws, row, 1, "TOT SUMMA", x->bold);
			xl_sum(ws, row, 3, sums, u->npurposes, u->spent, x->krbold);
			char a[32], b[32], f[80];
			cell_ref(a, sizeof(a), row, 3);
			snprintf(f, sizeof(f), "=%s", a);
			worksheet_write_formula_num(ws, spent, 3, f, x->krbold, (double)u->spent);
			cell_ref(a, sizeof(a), avail, 3);
			cell_ref(b, sizeof(b), spent, 3);
			snprintf(f, sizeof(f), "=%s-%s", a, b);
			worksheet_write_formula_num(ws, left, 3, f, x->krbold, (double)u->remaining);
			free(sums);
			row += 2;
		}
	}
	if (row == 1)
		worksheet_write_string(ws, 1, 0, "Inga redovisningar av användning.", NULL);
}

static void xl_summary(struct xl *x, const struct rg_report *rep)
{
	const struct rg_comparison *c = rep->cmp;
	lxw_worksheet *ws = xl_sheet(x, "Sammanställning");
	bool two = c->year[0] != 0;
	char y0[16], y1[16];
	snprintf(y0, sizeof(y0), "%d (mkr)", c->year[0]);
	snprintf(y1, sizeof(y1), "%d (mkr)", c->year[1]);
	const char *h2[] = {"Rubrik", y0, y1, "Förändring (mkr)", "Kommentar", NULL};
	const char *h1[] = {"Rubrik", "", y1, "", "Kommentar", NULL};
	static const double w[] = {60, 14, 14, 16, 60};
	xl_headers(x, ws, 0, two ? h2 : h1, w);
	worksheet_write_string(ws, 1, 0, "Beloppen är kronor, visade i miljoner kronor.", x->italic);
	lxw_row_t row = 3;
	lxw_row_t *secsum = xcalloc(c->nsections + 1, sizeof(*secsum));
	for (size_t s = 0; s < c->nsections; s++) {
		const struct rg_cmp_section *sec = &c->sections[s];
		if (sec->title)
			worksheet_write_string(ws, row++, 0, sec->title, x->bold);
		/* Each year's sum counts the rows that are top-level in that year. */
		lxw_row_t *tops[2] = {xcalloc(sec->nrows + 1, sizeof(lxw_row_t)), xcalloc(sec->nrows + 1, sizeof(lxw_row_t))};
		size_t ntops[2] = {0, 0};
		for (size_t i = 0; i < sec->nrows; i++, row++) {
			const struct rg_cmp_row *r = &sec->rows[i];
			char *label = xasprintf("%s%s%s", r->level > 1 ? "    " : "", r->level ? "    varav " : "", r->label);
			worksheet_write_string(ws, row, 0, label, r->level ? x->italic : NULL);
			free(label);
			for (int yi = 0; yi < 2; yi++) {
				if (!r->has[yi])
					continue;
				worksheet_write_number(ws, row, (lxw_col_t)(1 + yi), (double)r->value[yi], x->mkr);
				if (rg_cmp_counted(r, yi))
					tops[yi][ntops[yi]++] = row;
			}
			if (two && r->has[0] && r->has[1]) {
				char a[32], b[32], f[80];
				cell_ref(a, sizeof(a), row, 2);
				cell_ref(b, sizeof(b), row, 1);
				snprintf(f, sizeof(f), "=%s-%s", a, b);
				worksheet_write_formula_num(ws, row, 3, f, x->mkr, (double)(r->value[1] - r->value[0]));
			}
			char *comment = cmp_comment(c, r);
			if (*comment)
				worksheet_write_string(ws, row, 4, comment, NULL);
			free(comment);
		}
		worksheet_write_string(ws, row, 0, "Summa", x->bold);
		for (int yi = two ? 0 : 1; yi < 2; yi++)
			if (sec->has[yi])
				xl_sum(ws, row, (lxw_col_t)(1 + yi), tops[yi], ntops[yi], sec->sum[yi], x->mkrbold);
		secsum[s] = row;
		row += 2;
		free(tops[0]);
		free(tops[1]);
	}
	if (c->nsections > 1) {
		worksheet_write_string(ws, row, 0, "Totalt", x->bold);
		for (int yi = two ? 0 : 1; yi < 2; yi++)
			xl_sum(ws, row, (lxw_col_t)(1 + yi), secsum, c->nsections, c->total[yi], x->mkrbold);
	}
	free(secsum);
	worksheet_freeze_panes(ws, 1, 0);
}

static void xl_discrepancy(void *ctx, const struct rg_discrepancy *d)
{
	void **v = ctx;
	struct xl *x = v[0];
	lxw_worksheet *ws = v[1];
	lxw_row_t *row = v[2];
	const struct rg_report *rep = v[3];
	if (d->year != rep->year->year && (!rep->cmp || d->year != rep->cmp->year[0]))
		return;
	worksheet_write_number(ws, *row, 0, d->year, NULL);
	worksheet_write_string(ws, *row, 1, d->grant, NULL);
	worksheet_write_string(ws, *row, 2,
			       strcmp(d->what, "breakdown") == 0 ? "belopp och fördelning skiljer sig"
								: "förbrukat mer än disponibelt",
			       NULL);
	worksheet_write_number(ws, *row, 3, (double)d->stated, x->kr);
	worksheet_write_number(ws, *row, 4, (double)d->computed, x->kr);
	char a[32], b[32], f[80];
	cell_ref(a, sizeof(a), *row, 3);
	cell_ref(b, sizeof(b), *row, 4);
	snprintf(f, sizeof(f), "=%s-%s", a, b);
	worksheet_write_formula_num(ws, *row, 5, f, x->kr, (double)(d->stated - d->computed));
	(*row)++;
}

int rg_report_xlsx(const struct rg_report *rep, const char *path, struct bd_error *err)
{
	struct xl x = {0};
	x.wb = workbook_new(path);
	if (!x.wb)
		return bd_fail(err, "cannot create '%s'", path);
	x.bold = workbook_add_format(x.wb);
	format_set_bold(x.bold);
	x.head = workbook_add_format(x.wb);
	format_set_bold(x.head);
	format_set_bottom(x.head, LXW_BORDER_THIN);
	format_set_text_wrap(x.head);
	/* Number formats are locale-neutral codes: a Swedish spreadsheet shows
	 * "71 862 709" and "71,86".  Two trailing commas show kronor as
	 * millions while the cell keeps the exact kronor. */
	x.kr = workbook_add_format(x.wb);
	format_set_num_format(x.kr, "#,##0");
	x.krbold = workbook_add_format(x.wb);
	format_set_num_format(x.krbold, "#,##0");
	format_set_bold(x.krbold);
	x.mkr = workbook_add_format(x.wb);
	format_set_num_format(x.mkr, "#,##0.00,,");
	x.mkrbold = workbook_add_format(x.wb);
	format_set_num_format(x.mkrbold, "#,##0.00,,");
	format_set_bold(x.mkrbold);
	x.italic = workbook_add_format(x.wb);
	format_set_italic(x.italic);
	x.wrap = workbook_add_format(x.wb);
	format_set_text_wrap(x.wrap);
	if (rep->cmp)
		xl_summary(&x, rep);
	xl_grants(&x, rep);
	xl_breakdowns(&x, rep);
	xl_usage(&x, rep);
	lxw_worksheet *ws = xl_sheet(&x, "Avvikelser");
	static const char *const h[] = {"År", "Bidrag", "Avvikelse", "Angivet (kr)", "Beräknat (kr)",
					"Skillnad (kr)", NULL};
	static const double w[] = {8, 30, 34, 16, 16, 16};
	xl_headers(&x, ws, 0, h, w);
	lxw_row_t row = 1;
	void *ctx[4] = {&x, ws, &row, (void *)rep};
	rg_discrepancies(rep->reg, xl_discrepancy, ctx);
	lxw_error e = workbook_close(x.wb);
	if (e != LXW_NO_ERROR)
		return bd_fail(err, "cannot write '%s': %s", path, lxw_strerror(e));
	return 0;
}
