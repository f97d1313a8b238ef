/* regchart.h: the recipient register's summary as a bar chart: each
 * top-level row of the comparison as a pair of horizontal bars (earlier
 * year, later year), alone as a PNG or an SVG, or as pages of the PDF
 * report.  A bar's length is a whole number of units computed from whole
 * kronor in 128-bit arithmetic. */
#ifndef BIDRAG_REGCHART_H
#define BIDRAG_REGCHART_H

struct bd_error;
struct pdfdoc;
struct rg_report;

enum rg_chart_format { RG_CHART_PNG, RG_CHART_SVG };

/* rg_chart: the chart to a file; path "-" is stdout.  Fails, writing
 * nothing, when the report has no summary or the chart would be taller
 * than an image can be. */
int rg_chart(const struct rg_report *rep, enum rg_chart_format fmt, const char *path, struct bd_error *err);
/* rg_chart_pages: the chart at the column's width from a new page, on as
 * many pages as its rows need rather than shrunk until it is unreadable,
 * bookmarked "Diagram"; nothing when the report has no summary. */
void rg_chart_pages(struct pdfdoc *d, const struct rg_report *rep);
/* rg_report_org_label: the organisation as the PDF and the chart name it:
 * its name, else its code, else the register's org; never NULL. */
const char *rg_report_org_label(const struct rg_report *rep);

#endif
