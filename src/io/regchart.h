/* regchart.h: the recipient register's summary as a bar chart: each row of
 * the comparison that stands alone in either year as a pair of horizontal
 * bars (earlier year, later year; rg_chart_row, rg_chart_bar), alone as a PNG or an SVG, or as pages of the PDF
 * report.  A bar's length is a whole number of units computed from whole
 * kronor in 128-bit arithmetic. */
#ifndef BIDRAG_REGCHART_H
#define BIDRAG_REGCHART_H

#include <stdbool.h>

struct bd_error;
struct pdfdoc;
struct rg_report;

enum rg_chart_format { RG_CHART_PNG, RG_CHART_SVG };

struct rg_cmp_row;
struct rg_comparison;

/* What the chart draws of the comparison, and nothing else decides it:
 * rg_chart_row says whether a row is charted (it stands alone in either
 * year, so each year's filled bars add up to its sums), rg_chart_bar which
 * bar it has for year k (0 the earlier year, 1 the later).  A charted row
 * has a bar for every year in which the summary table shows a figure for
 * it: RG_BAR_SUM when the figure counts in that year's sum (filled), and
 * RG_BAR_VARAV when the row is a varav row that year, its figure already
 * inside its parent's bar (drawn as an outline, its figure marked
 * "varav"). */
enum rg_bar { RG_BAR_NONE, RG_BAR_SUM, RG_BAR_VARAV };
bool rg_chart_row(const struct rg_cmp_row *r);
enum rg_bar rg_chart_bar(const struct rg_comparison *cmp, const struct rg_cmp_row *r, int k);

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
