/* regchart.c: the summary's bar chart (regchart.h), drawn with cairo and
 * laid out with pango through pdfdoc's helpers, so it looks the same alone
 * and in the PDF report.  Figures are formatted from whole kronor by the
 * integer formatters; doubles appear only as coordinates and metrics. */
#include "regchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>

#include "pdfdoc.h"
#include "regreport.h"

#define CHART_W_FILE 1000 /* PNG pixels, SVG points */
#define CHART_W_PDF 800   /* units scaled to the page's width */
#define CHART_H_MAX 32000 /* cairo's image surfaces stop at 32767 */

#define C_GRID 0xe3e6ea
/* The two years: orange and blue of the Okabe-Ito palette, told apart
 * also by readers with the common colour-vision deficiencies. */
#define C_EARLIER 0xe69f00
#define C_LATER 0x0072b2

const char *rg_report_org_label(const struct rg_report *rep)
{
	if (rep->org_name && rep->org_name[0])
		return rep->org_name;
	if (rep->org_code && rep->org_code[0])
		return rep->org_code;
	return rep->reg && rep->reg->org ? rep->reg->org : "";
}

bool rg_chart_row(const struct rg_cmp_row *r)
{
	return r->year_level[0] == 0 || r->year_level[1] == 0;
}

enum rg_bar rg_chart_bar(const struct rg_comparison *cmp, const struct rg_cmp_row *r, int k)
{
	if (k < 0 || k > 1 || (k == 0 && cmp->year[0] == 0) || !rg_chart_row(r) || !r->has[k])
		return RG_BAR_NONE;
	return rg_cmp_counted(r, k) ? RG_BAR_SUM : RG_BAR_VARAV;
}

/* chart_max: the largest figure of the chart's bars, so that it fills the
 * width of the bars. */
static int64_t chart_max(const struct rg_comparison *cmp)
{
	int64_t max = 0;
	for (size_t s = 0; s < cmp->nsections; s++)
		for (size_t i = 0; i < cmp->sections[s].nrows; i++) {
			const struct rg_cmp_row *r = &cmp->sections[s].rows[i];
			for (int k = 0; k < 2; k++)
				if (rg_chart_bar(cmp, r, k) != RG_BAR_NONE && r->value[k] > max)
					max = r->value[k];
		}
	return max;
}

/* chart_has_varav: whether any bar is a varav row's, which the legend then
 * explains. */
static bool chart_has_varav(const struct rg_comparison *cmp)
{
	for (size_t s = 0; s < cmp->nsections; s++)
		for (size_t i = 0; i < cmp->sections[s].nrows; i++)
			for (int k = 0; k < 2; k++)
				if (rg_chart_bar(cmp, &cmp->sections[s].rows[i], k) == RG_BAR_VARAV)
					return true;
	return false;
}

static size_t chart_rows(const struct rg_comparison *cmp)
{
	size_t n = 0;
	for (size_t s = 0; s < cmp->nsections; s++)
		for (size_t i = 0; i < cmp->sections[s].nrows; i++)
			n += rg_chart_row(&cmp->sections[s].rows[i]);
	return n;
}

/* bar_len: value's share of maxlen units, rounded down; a positive value
 * too small to show still gets one unit. */
static int64_t bar_len(int64_t value, int64_t max, int64_t maxlen)
{
	if (value <= 0 || max <= 0)
		return 0;
	int64_t len = (int64_t)((i128)value * maxlen / max);
	return len > 0 ? len : 1;
}

/* tick_step: a step of 1, 2 or 5 times a power of ten kronor, from 10 000
 * (0,01 mkr), giving at most five steps up to max. */
static int64_t tick_step(int64_t max)
{
	for (int64_t p = 10000; p <= INT64_MAX / 50; p *= 10) {
		static const int m[] = {1, 2, 5};
		for (size_t i = 0; i < BD_ARRAY_LEN(m); i++)
			if (max / (p * m[i]) <= 5)
				return p * m[i];
	}
	return max > 0 ? max : 1;
}

/* tick_label: whole millions without decimals ("20"), others as mkr. */
static void tick_label(int64_t v, char *buf)
{
	if (v % 1000000 == 0)
		snprintf(buf, NUM_BUFSZ, "%lld", (long long)(v / 1000000));
	else
		fmt_mkr(v, buf);
}

/* The chart's geometry, the same for every part of it. */
struct chart {
	cairo_t *cr;
	PangoContext *pc;
	const struct rg_report *rep;
	const struct rg_comparison *cmp;
	bool two;
	int width, pad, label_w, bx, bh, gap, bars_h;
	int64_t max, maxlen, step;
};

static void chart_setup(struct chart *c, cairo_t *cr, PangoContext *pc, const struct rg_report *rep, int width)
{
	memset(c, 0, sizeof(*c));
	c->cr = cr;
	c->pc = pc;
	c->rep = rep;
	c->cmp = rep->cmp;
	c->two = c->cmp->year[0] != 0;
	c->width = width;
	c->pad = 24;
	c->max = chart_max(c->cmp);
	/* room after the longest bar for its figure */
	char n[NUM_BUFSZ];
	PangoLayout *l = pdfdoc_layout(pc, fmt_mkr(c->max, n), 120, 0, 0, PANGO_ALIGN_LEFT);
	int reserve = (int)pdfdoc_layout_w(l) + 14;
	g_object_unref(l);
	c->label_w = width * 40 / 100 - c->pad;
	c->bx = c->pad + c->label_w + 12;
	c->maxlen = width - c->pad - reserve - c->bx;
	if (c->maxlen < 10)
		c->maxlen = 10;
	c->bh = 15;
	c->gap = 3;
	c->bars_h = (c->two ? 2 : 1) * c->bh + (c->two ? c->gap : 0);
	c->step = tick_step(c->max);
}

/* chart_line: markup across the chart at y; returns the height it took. */
static double chart_line(const struct chart *c, const char *markup, int tenths, unsigned font, double y,
			 unsigned rgb)
{
	PangoLayout *l = pdfdoc_layout(c->pc, markup, tenths, font, c->width - 2 * c->pad, PANGO_ALIGN_LEFT);
	pdfdoc_show(c->cr, l, c->pad, y, rgb);
	double h = pdfdoc_layout_h(l);
	g_object_unref(l);
	return h;
}

/* varav_bar: a bar of a varav row: the year's colour at a quarter of its
 * strength, outlined in the colour itself. */
static void varav_bar(cairo_t *cr, double x, double y, double w, double h, unsigned rgb)
{
	unsigned pale = 0;
	for (int sh = 0; sh <= 16; sh += 8) {
		unsigned ch = (rgb >> sh) & 0xff;
		pale |= (255 - (255 - ch) / 4) << sh;
	}
	pdfdoc_rgb(cr, pale);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	pdfdoc_rgb(cr, rgb);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, x + 0.5, y + 0.5, w > 1 ? w - 1 : w, h - 1);
	cairo_stroke(cr);
}

/* chart_legend: a coloured square and the year for each year shown, and
 * when a varav row has a bar, what its pale bar means. */
static void chart_legend(const struct chart *c, double y)
{
	double x = c->pad;
	for (int k = c->two ? 0 : 1; k < 2; k++) {
		char yr[16];
		snprintf(yr, sizeof(yr), "%d", c->cmp->year[k]);
		PangoLayout *l = pdfdoc_layout(c->pc, yr, 140, 0, 0, PANGO_ALIGN_LEFT);
		double lh = pdfdoc_layout_h(l);
		pdfdoc_rgb(c->cr, k == 0 ? C_EARLIER : C_LATER);
		cairo_rectangle(c->cr, x, y + (lh - 14) / 2, 14, 14);
		cairo_fill(c->cr);
		pdfdoc_show(c->cr, l, x + 20, y, PDFDOC_TEXT);
		x += 20 + pdfdoc_layout_w(l) + 28;
		g_object_unref(l);
	}
	if (c->two && chart_has_varav(c->cmp)) {
		PangoLayout *l = pdfdoc_layout(c->pc, "ljus stapel: varav-rad det året, ingår i en annan rads stapel",
					       140, 0, 0, PANGO_ALIGN_LEFT);
		double lh = pdfdoc_layout_h(l);
		varav_bar(c->cr, x, y + (lh - 14) / 2, 14, 14, PDFDOC_MUTED);
		pdfdoc_show(c->cr, l, x + 20, y, PDFDOC_TEXT);
		g_object_unref(l);
	}
}

/* chart_head: title, organisation and legend; returns where rows start. */
static double chart_head(const struct chart *c, bool cont)
{
	const struct rg_comparison *cmp = c->cmp;
	double y = c->pad;
	char *m;
	if (c->two)
		m = xasprintf("Jämförelse %d–%d, mkr%s", cmp->year[0], cmp->year[1], cont ? " (forts.)" : "");
	else
		m = xasprintf("Sammanställning %d, mkr%s", cmp->year[1], cont ? " (forts.)" : "");
	y += chart_line(c, m, 220, PDFDOC_BOLD, y, PDFDOC_ACCENT) + 2;
	free(m);
	m = pdfdoc_markup(rg_report_org_label(c->rep));
	y += chart_line(c, m, 140, 0, y, PDFDOC_MUTED) + 12;
	free(m);
	chart_legend(c, y);
	return y + 34;
}

/* chart_grid: the grid behind a row's bars, then the axis, over the row's
 * whole pitch so that they join the next row's. */
static void chart_grid(const struct chart *c, double y, double rh)
{
	cairo_t *cr = c->cr;
	pdfdoc_rgb(cr, C_GRID);
	cairo_set_line_width(cr, 1);
	for (int64_t t = c->step; c->max > 0 && t <= c->max; t += c->step) {
		double gx = c->bx + (double)bar_len(t, c->max, c->maxlen) + 0.5;
		cairo_move_to(cr, gx, y - 6);
		cairo_line_to(cr, gx, y + rh + 6);
	}
	cairo_stroke(cr);
	pdfdoc_rgb(cr, PDFDOC_STRONG_RULE);
	cairo_move_to(cr, c->bx + 0.5, y - 6);
	cairo_line_to(cr, c->bx + 0.5, y + rh + 6);
	cairo_stroke(cr);
}

/* chart_row: one row's label and bars at y, in a space rh high. */
static void chart_row(const struct chart *c, const struct rg_cmp_row *r, PangoLayout *label, double y, double rh)
{
	cairo_t *cr = c->cr;
	chart_grid(c, y, rh);
	pdfdoc_show(cr, label, c->pad, y + (rh - pdfdoc_layout_h(label)) / 2, PDFDOC_TEXT);
	double by = y + (rh - c->bars_h) / 2;
	for (int k = c->two ? 0 : 1; k < 2; k++, by += c->bh + c->gap) {
		enum rg_bar bar = rg_chart_bar(c->cmp, r, k);
		if (bar == RG_BAR_NONE)
			continue;
		unsigned rgb = k == 0 ? C_EARLIER : C_LATER;
		int64_t len = bar_len(r->value[k], c->max, c->maxlen);
		if (len > 0 && bar == RG_BAR_SUM) {
			pdfdoc_rgb(cr, rgb);
			cairo_rectangle(cr, c->bx + 1, by, (double)len, c->bh);
			cairo_fill(cr);
		} else if (len > 0) {
			/* A varav row's figure is inside its parent's bar that
			 * year: a pale bar with the year's outline. */
			varav_bar(cr, c->bx + 1, by, (double)len, c->bh, rgb);
		}
		char n[NUM_BUFSZ], *m = NULL;
		fmt_mkr(r->value[k], n);
		if (bar == RG_BAR_VARAV)
			m = xasprintf("%s <i>varav</i>", n);
		PangoLayout *l = pdfdoc_layout(c->pc, m ? m : n, 120, 0, 0, PANGO_ALIGN_LEFT);
		free(m);
		pdfdoc_show(cr, l, c->bx + 1 + (double)len + 5, by + (c->bh - pdfdoc_layout_h(l)) / 2, PDFDOC_TEXT);
		g_object_unref(l);
	}
}

/* chart_scale: the figures under the bars; returns the height used. */
static double chart_scale(const struct chart *c, double y)
{
	char n[NUM_BUFSZ];
	for (int64_t t = 0; c->max > 0 && t <= c->max; t += c->step) {
		tick_label(t, n);
		PangoLayout *l = pdfdoc_layout(c->pc, n, 110, 0, 0, PANGO_ALIGN_LEFT);
		double tx = c->bx + (double)bar_len(t, c->max, c->maxlen) - pdfdoc_layout_w(l) / 2;
		pdfdoc_show(c->cr, l, tx, y - 4, PDFDOC_MUTED);
		if (t + c->step > c->max) {
			PangoLayout *u = pdfdoc_layout(c->pc, "mkr", 110, 0, 0, PANGO_ALIGN_LEFT);
			pdfdoc_show(c->cr, u, tx + pdfdoc_layout_w(l) + 6, y - 4, PDFDOC_MUTED);
			g_object_unref(u);
		}
		g_object_unref(l);
		if (c->step > INT64_MAX - t)
			break;
	}
	return 16 + c->pad;
}

/* A part of the chart: the rows from `from` while they fit in max_h. */
struct part {
	const struct rg_report *rep;
	int width;
	size_t from;
	double max_h;
	size_t next; /* out: the row to continue from, or the number of rows */
};

/* section_title: a section's title above its first row on this part, or
 * NULL when it has none; *h is the room it takes. */
static PangoLayout *section_title(const struct chart *c, const struct rg_cmp_section *sec, double *h)
{
	*h = 0;
	if (!sec->title || !sec->title[0])
		return NULL;
	char *m = pdfdoc_markup(sec->title);
	PangoLayout *tl = pdfdoc_layout(c->pc, m, 150, PDFDOC_BOLD, c->width - 2 * c->pad, PANGO_ALIGN_LEFT);
	free(m);
	*h = 6 + pdfdoc_layout_h(tl) + 11;
	return tl;
}

/* place_row: row r at *y, under its section's title tl (th high) when tl
 * is not NULL, unless it is not the part's first row and the part would
 * then pass max_h: false, and nothing drawn. */
static bool place_row(const struct chart *c, const struct part *p, const struct rg_cmp_row *r, PangoLayout *tl,
		      double th, bool first, double *y)
{
	const double scale_h = 16 + c->pad;
	char *m = pdfdoc_markup(r->label ? r->label : r->key);
	PangoLayout *l = pdfdoc_layout(c->pc, m, 130, 0, c->label_w, PANGO_ALIGN_RIGHT);
	free(m);
	double rh = pdfdoc_layout_h(l) > c->bars_h ? pdfdoc_layout_h(l) : c->bars_h;
	bool fits = first || !(*y + th + rh + scale_h > p->max_h);
	if (fits) {
		if (tl) {
			pdfdoc_show(c->cr, tl, c->pad, *y + 6, PDFDOC_ACCENT);
			pdfdoc_hline(c->cr, c->pad, *y + 6 + pdfdoc_layout_h(tl) + 3, c->width - 2 * c->pad, 1,
				     PDFDOC_RULE);
			*y += th;
		}
		chart_row(c, r, l, *y, rh);
		*y += rh + 12;
	}
	g_object_unref(l);
	return fits;
}

/* chart_rows_draw: the part's rows from y; returns where they end. */
static double chart_rows_draw(const struct chart *c, struct part *p, double y)
{
	const struct rg_comparison *cmp = c->cmp;
	size_t k = 0; /* charted rows seen */
	bool drawn = false;
	for (size_t s = 0; s < cmp->nsections; s++) {
		const struct rg_cmp_section *sec = &cmp->sections[s];
		bool titled = false;
		for (size_t i = 0; i < sec->nrows; i++) {
			const struct rg_cmp_row *r = &sec->rows[i];
			if (!rg_chart_row(r) || k++ < p->from)
				continue;
			double th = 0;
			PangoLayout *tl = titled ? NULL : section_title(c, sec, &th);
			bool fits = place_row(c, p, r, tl, th, !drawn, &y);
			if (tl)
				g_object_unref(tl);
			if (!fits) {
				p->next = k - 1;
				return y;
			}
			titled = drawn = true;
		}
	}
	return y;
}

/* chart_draw: the part p of the chart on cr in a space p->width units wide
 * from (0, 0), at least one row; returns the height it took.  Drawn once
 * on a scratch surface to learn the height, then again for real: the
 * layout is the same both times. */
static double chart_draw(cairo_t *cr, PangoContext *pc, struct part *p)
{
	struct chart c;
	chart_setup(&c, cr, pc, p->rep, p->width);
	double y = chart_head(&c, p->from > 0);
	p->next = chart_rows(c.cmp);
	if (p->next == 0) {
		double h = chart_line(&c, "Sammanställningen har inga rader att visa.", 140, PDFDOC_ITALIC, y,
				      PDFDOC_MUTED);
		return y + (h + c.pad);
	}
	y = chart_rows_draw(&c, p, y);
	return y + chart_scale(&c, y);
}

/* chart_height: the height of part p, measured on a scratch surface with
 * the same metrics. */
static int chart_height(struct part *p)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(s);
	PangoContext *pc = pdfdoc_context(cr);
	double h = chart_draw(cr, pc, p);
	g_object_unref(pc);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return (int)h + 1;
}

static void draw_part(cairo_t *cr, PangoContext *pc, void *ctx)
{
	chart_draw(cr, pc, ctx);
}

void rg_chart_pages(struct pdfdoc *d, const struct rg_report *rep)
{
	if (!rep->cmp)
		return;
	const double s = pdfdoc_width(d) / CHART_W_PDF;
	struct part p = {.rep = rep, .width = CHART_W_PDF, .max_h = pdfdoc_height(d) / s};
	size_t total = chart_rows(rep->cmp);
	do {
		pdfdoc_fresh_page(d);
		if (p.from == 0)
			pdfdoc_outline(d, PDFDOC_OUTLINE_ROOT, "Diagram");
		int h = chart_height(&p);
		pdfdoc_figure(d, CHART_W_PDF, h, draw_part, &p);
		p.from = p.next;
	} while (p.from < total);
}

/* paint_chart: a white background and the whole chart. */
static cairo_status_t paint_chart(cairo_surface_t *s, struct part *p)
{
	cairo_t *cr = cairo_create(s);
	pdfdoc_rgb(cr, 0xffffff);
	cairo_paint(cr);
	PangoContext *pc = pdfdoc_context(cr);
	chart_draw(cr, pc, p);
	g_object_unref(pc);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	return st;
}

static cairo_status_t write_svg(struct pdfdoc_out *out, struct part *p, int h)
{
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(pdfdoc_out_write, out, p->width, h);
	cairo_status_t st = pdfdoc_first_error(cairo_surface_status(s), paint_chart(s, p));
	cairo_surface_finish(s);
	st = pdfdoc_first_error(st, cairo_surface_status(s));
	cairo_surface_destroy(s);
	return st;
}

static cairo_status_t write_png(struct pdfdoc_out *out, struct part *p, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, p->width, h);
	cairo_status_t st = pdfdoc_first_error(cairo_surface_status(s), paint_chart(s, p));
	cairo_surface_flush(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, pdfdoc_out_write, out);
	cairo_surface_destroy(s);
	return st;
}

int rg_chart(const struct rg_report *rep, enum rg_chart_format fmt, const char *path, struct bd_error *err)
{
	const char *what = fmt == RG_CHART_SVG ? "SVG chart" : "PNG chart";
	if (!rep || !rep->year || !rep->cmp)
		return bd_fail(err, "%s '%s': the report has no summary to draw", what, path);
	struct part p = {.rep = rep, .width = CHART_W_FILE, .max_h = HUGE_VAL};
	int h = chart_height(&p);
	if (h > CHART_H_MAX)
		return bd_fail(err, "%s '%s': %zu rows make the chart %d pixels tall, more than %d", what, path,
			       chart_rows(rep->cmp), h, CHART_H_MAX);
	struct pdfdoc_out *out = pdfdoc_out_open(path, what, err);
	if (!out)
		return -1;
	cairo_status_t st = fmt == RG_CHART_SVG ? write_svg(out, &p, h) : write_png(out, &p, h);
	return pdfdoc_out_close(out, st, err);
}
