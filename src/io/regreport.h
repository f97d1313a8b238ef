/* regreport.h: the recipient register's reports, in Swedish, in the layout
 * of seed 002: each grant with its breakdown, decision and status; grants
 * applied for; usage accounts; the summary comparing two years; the
 * discrepancies found.  Markdown, CSV and XLSX here (regreport.c); PDF
 * through the document engine of pdfdoc.h (regpdf.c); the bar chart (PNG,
 * SVG, and pages of the PDF) in regchart.h, included here for the callers
 * of rg_chart. */
#ifndef BIDRAG_REGREPORT_H
#define BIDRAG_REGREPORT_H

#include <stdio.h>

#include "recipient.h"
#include "regchart.h"

/* What the database knows of a grant's state-side decision. */
struct rg_link {
	const char *grant;       /* the grant's key */
	const char *dnr;         /* the decision's dnr */
	bool registered;         /* the decision is in the database */
	const char *title;       /* its title, when registered */
	bool has_allocated;
	int64_t allocated;       /* kronor allocated to the organisation by it */
};

struct rg_report {
	const struct rg_register *reg;
	const char *org_code, *org_name;
	const struct rg_year *year;          /* the year reported */
	const struct rg_comparison *cmp;     /* its summary; cmp->year[0] == 0 when alone */
	const struct rg_link *links;
	size_t nlinks;
	const char *generated;               /* "2026-11-24", printed in the footer */
};

int rg_report_md(const struct rg_report *rep, FILE *out, struct bd_error *err);
int rg_report_csv(const struct rg_report *rep, FILE *out, struct bd_error *err);
int rg_report_xlsx(const struct rg_report *rep, const char *path, struct bd_error *err);
/* rg_report_pdf: the report as an A4 PDF, its chart on the last pages;
 * path "-" is stdout.  A file left half-written by a failure is removed. */
int rg_report_pdf(const struct rg_report *rep, const char *path, struct bd_error *err);

/* Shared by the writers. */
const struct rg_link *rg_report_link(const struct rg_report *rep, const char *grant);
/* rg_flag_text: "Lättnad i återrapporteringen 2020", ... joined by ", ";
 * empty when none.  buf of at least 200 bytes. */
char *rg_flag_text(unsigned flags, char *buf, size_t len);

#endif
