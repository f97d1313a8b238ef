/* regpdf.c: the recipient register's report as PDF, and its summary as a bar
 * chart (PNG, SVG), drawn with cairo and laid out with pango.
 *
 * Every figure is formatted from whole kronor by the integer formatters
 * (fmt_kr, fmt_mkr), and a bar's length is a whole number of units computed
 * in 128-bit arithmetic; doubles appear only as cairo coordinates, font
 * metrics and colours.  All text goes through pango markup built here, with
 * the register's strings escaped, so a title containing '<' or '&' is shown
 * as written.
 *
 * The page is A4 portrait in points; text flows line by line, so a long
 * paragraph continues on the next page, and a table that breaks repeats its
 * header row.  Every page has a footer with the organisation, the year, the
 * page number and the date the report was made. */
#include "regreport.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#define FONT "DejaVu Sans"

/* The page, in points. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define LEFT 50.0
#define TOP 50.0
#define WIDTH (PAGE_W - 2 * LEFT)
#define BOTTOM (PAGE_H - 64.0)   /* text stops here; the footer is below */
#define FOOTER_Y (PAGE_H - 42.0)

/* Font sizes in tenths of a point, so no size is a fraction in code. */
#define SZ_TITLE 220
#define SZ_SUBTITLE 120
#define SZ_H1 140
#define SZ_H2 105
#define SZ_H3 95
#define SZ_BODY 95
#define SZ_SMALL 85
#define SZ_TABLE 85
#define SZ_THEAD 80
#define SZ_FOOTER 75

/* Colours, 0xRRGGBB. */
#define C_TEXT 0x1a1a1a
#define C_MUTED 0x5b6570
#define C_ACCENT 0x1f3a5f
#define C_RULE 0xc9d0d8
#define C_HEAD_BG 0xe4ebf2
#define C_BAND_BG 0xf1f3f6
#define C_TOTAL_BG 0xf6f7f9
#define C_STRONG_RULE 0x3c4650
#define C_GRID 0xe3e6ea
/* The chart's two years: orange and blue of the Okabe-Ito palette, told
 * apart also by readers with the common colour-vision deficiencies. */
#define C_EARLIER 0xe69f00
#define C_LATER 0x0072b2

#define MARKUP_MAX ((size_t)16 << 20)

/* Markup around an amount in running text: "37 157 kr" must not break at
 * the spaces between its digit groups. */
#define NB "<span allow_breaks=\"false\">"
#define NB_END "</span>"

enum { F_BOLD = 1, F_ITALIC = 2 };

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

static double pu(int v)
{
	return pango_units_to_double(v);
}

/* Markup. */

/* utf8_add: s appended to b as valid UTF-8, escaped for pango markup when
 * markup is true.  A byte that is not UTF-8 becomes U+FFFD and a control
 * character a space: the text comes from files people type, and one bad
 * byte must not make pango drop a whole paragraph. */
static void utf8_add(struct buf *b, const char *s, bool markup)
{
	if (!s)
		return;
	const char *p = s;
	while (*p) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			buf_adds(b, "\xEF\xBF\xBD");
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		switch (markup ? c : 0) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		case '\n': case '\t': buf_add(b, p, 1); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_adds(b, " ");
			else
				buf_add(b, p, (size_t)(next - p));
		}
		p = next;
	}
}

static void m_esc(struct buf *b, const char *s)
{
	utf8_add(b, s, true);
}

/* m_take: the markup built in b, owned by the caller (never NULL). */
static char *m_take(struct buf *b)
{
	return b->data ? b->data : xstrdup("");
}

static char *m_str(const char *s)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	m_esc(&b, s);
	return m_take(&b);
}

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

/* Layouts. */

/* context_for: a pango context drawing on cr at 72 dpi, so a font size in
 * points is that many units of the surface, with unhinted metrics so text
 * measures the same on a scratch surface, a PDF page, an SVG and a PNG. */
static PangoContext *context_for(cairo_t *cr)
{
	PangoContext *pc = pango_cairo_create_context(cr);
	pango_cairo_context_set_resolution(pc, 72);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	return pc;
}

/* new_layout: markup in FONT at tenths/10 points; width > 0 wraps the text
 * to it (breaking inside a word only when the word is wider than the
 * line, so nothing ever runs past its column). */
static PangoLayout *new_layout(PangoContext *pc, const char *markup, int tenths, unsigned f, double width,
			       PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_size(fd, tenths * PANGO_SCALE / 10);
	if (f & F_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (f & F_ITALIC)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, pango_units_from_double(width));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align);
	pango_layout_set_markup(l, markup ? markup : "", -1);
	return l;
}

static double layout_h(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return pu(h);
}

static double layout_w(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return pu(w);
}

/* The document. */

struct doc {
	const struct rg_report *rep;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
	double y;        /* where the next block starts on the page */
	int page;        /* 1-based */
};

static const char *org_name(const struct rg_report *rep)
{
	if (rep->org_name && rep->org_name[0])
		return rep->org_name;
	if (rep->org_code && rep->org_code[0])
		return rep->org_code;
	return rep->reg && rep->reg->org ? rep->reg->org : "";
}

static void hrule(cairo_t *cr, double x, double y, double w, double width, unsigned rgb)
{
	set_rgb(cr, rgb);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + w, y);
	cairo_stroke(cr);
}

static void show_at(struct doc *d, PangoLayout *l, double x, double y, unsigned rgb)
{
	set_rgb(d->cr, rgb);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
}

static void footer(struct doc *d)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	m_esc(&b, org_name(d->rep));
	buf_addf(&b, " · Riktade statsbidrag %d · sida %d", d->rep->year->year, d->page);
	char *left = m_take(&b);
	hrule(d->cr, LEFT, FOOTER_Y - 5, WIDTH, 0.5, C_RULE);
	PangoLayout *l = new_layout(d->pc, left, SZ_FOOTER, 0, WIDTH * 0.75, PANGO_ALIGN_LEFT);
	show_at(d, l, LEFT, FOOTER_Y, C_MUTED);
	g_object_unref(l);
	free(left);
	if (d->rep->generated && d->rep->generated[0]) {
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Skapad ");
		m_esc(&b, d->rep->generated);
		char *right = m_take(&b);
		l = new_layout(d->pc, right, SZ_FOOTER, 0, WIDTH * 0.25, PANGO_ALIGN_RIGHT);
		show_at(d, l, LEFT + WIDTH * 0.75, FOOTER_Y, C_MUTED);
		g_object_unref(l);
		free(right);
	}
}

static void page_end(struct doc *d)
{
	footer(d);
	cairo_show_page(d->cr);
}

static void page_break(struct doc *d)
{
	page_end(d);
	d->page++;
	d->y = TOP;
}

/* need: start a new page unless h more points fit on this one.  A block
 * taller than a page starts at the top and breaks where it must. */
static void need(struct doc *d, double h)
{
	if (d->y + h > BOTTOM && d->y > TOP)
		page_break(d);
}

/* outline: a bookmark to where the next block starts. */
static int outline(struct doc *d, int parent, const char *text)
{
	char dest[80];
	snprintf(dest, sizeof(dest), "page=%d pos=[%d %d]", d->page, (int)LEFT, (int)d->y);
	/* plain UTF-8, not markup: the outline shows entities as written */
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	utf8_add(&b, text, false);
	int id = cairo_pdf_surface_add_outline(d->surface, parent, b.data ? b.data : "", dest, 0);
	buf_release(&b);
	return id;
}

/* flow: draw l line by line from d->y at x, breaking to a new page between
 * lines where the page ends; marker (a bullet) goes before the first line,
 * ending at x - 4. */
static void flow(struct doc *d, PangoLayout *l, double x, PangoLayout *marker, unsigned rgb)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double origin = d->y; /* the layout's top on this page */
	bool first = true;
	set_rgb(d->cr, rgb);
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = pu(r.y), bottom = pu(r.y + r.height);
		if (origin + bottom > BOTTOM && origin + top > TOP) {
			page_break(d);
			origin = TOP - top;
			set_rgb(d->cr, rgb);
		}
		double base = origin + pu(pango_layout_iter_get_baseline(it));
		if (first && marker) {
			cairo_move_to(d->cr, x - 4 - layout_w(marker), base);
			pango_cairo_show_layout_line(d->cr, pango_layout_get_line_readonly(marker, 0));
		}
		first = false;
		cairo_move_to(d->cr, x + pu(r.x), base);
		pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	d->y = origin + layout_h(l);
}

/* para: a paragraph of markup across the column, indented by indent. */
static void para(struct doc *d, const char *markup, int size, unsigned f, double indent, unsigned rgb,
		 double after)
{
	if (!markup || !markup[0])
		return;
	PangoLayout *l = new_layout(d->pc, markup, size, f, WIDTH - indent, PANGO_ALIGN_LEFT);
	flow(d, l, LEFT + indent, NULL, rgb);
	g_object_unref(l);
	d->y += after;
}

static void para_text(struct doc *d, const char *text, int size, unsigned f, unsigned rgb, double after)
{
	char *m = m_str(text);
	para(d, m, size, f, 0, rgb, after);
	free(m);
}

static void bullet(struct doc *d, const char *markup)
{
	const double indent = 14;
	PangoLayout *l = new_layout(d->pc, markup, SZ_BODY, 0, WIDTH - indent, PANGO_ALIGN_LEFT);
	PangoLayout *m = new_layout(d->pc, "•", SZ_BODY, 0, 0, PANGO_ALIGN_LEFT);
	/* keep the first two lines of an item together */
	need(d, layout_h(l) < 30 ? layout_h(l) : 30);
	flow(d, l, LEFT + indent, m, C_TEXT);
	g_object_unref(m);
	g_object_unref(l);
	d->y += 3;
}

/* heading: a heading kept with the next `keep` points of what follows it;
 * with a bookmark, an outline entry under parent pointing at it, whose id
 * is returned (else -1). */
static int heading(struct doc *d, const char *markup, int size, unsigned rgb, double before, double keep,
		   int parent, const char *bookmark)
{
	if (d->y > TOP)
		d->y += before;
	PangoLayout *l = new_layout(d->pc, markup, size, F_BOLD, WIDTH, PANGO_ALIGN_LEFT);
	need(d, layout_h(l) + keep);
	int id = bookmark ? outline(d, parent, bookmark) : -1;
	flow(d, l, LEFT, NULL, rgb);
	g_object_unref(l);
	return id;
}

/* Tables. */

#define TMAXCOL 6
#define PAD_X 4.0
#define PAD_Y 2.6

enum {
	T_BOLD = 1 << 0,
	T_ITALIC = 1 << 1,
	T_RULE = 1 << 2,  /* a strong rule above: a sum */
	T_SHADE = 1 << 3, /* a light background: a total */
	T_BAND = 1 << 4,  /* the first cell spans the row: a title within the table */
	T_HEAD = 1 << 5,
};

struct tcol {
	const char *head; /* markup */
	int weight;       /* share of the width the fitted columns leave; 0: fit the content */
	bool right;
};

struct trow {
	char *cell[TMAXCOL]; /* markup; NULL: empty */
	unsigned style;
	double indent;       /* before the row's first non-empty cell */
};

struct table {
	const struct tcol *cols;
	size_t ncols;
	struct trow *rows;
	size_t nrows, cap;
};

static void table_init(struct table *t, const struct tcol *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols < TMAXCOL ? ncols : TMAXCOL;
}

static struct trow *table_row(struct table *t, unsigned style)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
	}
	struct trow *r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	r->style = style;
	return r;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t c = 0; c < TMAXCOL; c++)
			free(t->rows[i].cell[c]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static unsigned row_font(unsigned style)
{
	return (style & (T_BOLD | T_HEAD) ? F_BOLD : 0) | (style & T_ITALIC ? F_ITALIC : 0);
}

/* table_widths: fitted columns (figures) get their widest cell and as much
 * of the header as fits on a short line; the rest of the width is shared
 * among the text columns by weight. */
static void table_widths(struct doc *d, const struct table *t, double *w)
{
	double fixed = 0;
	int weights = 0;
	for (size_t c = 0; c < t->ncols; c++)
		weights += t->cols[c].weight;
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].weight > 0)
			continue;
		double max;
		PangoLayout *l = new_layout(d->pc, t->cols[c].head, SZ_THEAD, F_BOLD, 0, PANGO_ALIGN_LEFT);
		max = layout_w(l) < 84 ? layout_w(l) : 84;
		g_object_unref(l);
		for (size_t i = 0; i < t->nrows; i++) {
			const struct trow *r = &t->rows[i];
			if (!r->cell[c] || (r->style & T_BAND))
				continue;
			l = new_layout(d->pc, r->cell[c], SZ_TABLE, row_font(r->style), 0, PANGO_ALIGN_LEFT);
			if (layout_w(l) > max)
				max = layout_w(l);
			g_object_unref(l);
		}
		/* one point of slack: a cell exactly as wide as its text must
		 * not wrap on a rounding */
		w[c] = max + 2 * PAD_X + 1;
		if (weights > 0 && w[c] > WIDTH / 4) /* leave the text room */
			w[c] = WIDTH / 4;
		fixed += w[c];
	}
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].weight > 0 && weights)
			w[c] = (WIDTH - fixed) * t->cols[c].weight / weights;
	if (weights == 0 && fixed < WIDTH) /* figures only: spread them out */
		for (size_t c = 0; c < t->ncols; c++)
			w[c] += (WIDTH - fixed) / (double)t->ncols;
}

/* row_layouts: the cells of a row laid out in their columns; returns the
 * row's height.  A cell is cut (with an ellipsis) at a page's height, so
 * that even an absurdly long comment cannot run off the page. */
static double row_layouts(struct doc *d, const struct table *t, const char *const *cell, unsigned style,
			  double indent, const double *w, PangoLayout **ls)
{
	double h = 0;
	bool first = true;
	for (size_t c = 0; c < t->ncols; c++)
		ls[c] = NULL;
	for (size_t c = 0; c < t->ncols; c++) {
		if (!cell[c] || !cell[c][0])
			continue;
		double cw = w[c];
		if (style & T_BAND)
			for (size_t k = c + 1; k < t->ncols; k++)
				cw += w[k];
		double ind = first ? indent : 0;
		first = false;
		cw -= 2 * PAD_X + ind;
		if (cw < 10)
			cw = 10;
		PangoAlignment al = t->cols[c].right && !(style & T_BAND) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
		ls[c] = new_layout(d->pc, cell[c], style & T_HEAD ? SZ_THEAD : SZ_TABLE, row_font(style), cw, al);
		pango_layout_set_height(ls[c], pango_units_from_double(BOTTOM - TOP - 80));
		pango_layout_set_ellipsize(ls[c], PANGO_ELLIPSIZE_END);
		if (layout_h(ls[c]) > h)
			h = layout_h(ls[c]);
		if (style & T_BAND)
			break;
	}
	if (h == 0) { /* an empty row still has a line's height */
		PangoLayout *l = new_layout(d->pc, " ", SZ_TABLE, 0, 0, PANGO_ALIGN_LEFT);
		h = layout_h(l);
		g_object_unref(l);
	}
	return h + 2 * PAD_Y;
}

static void row_paint(struct doc *d, const struct table *t, unsigned style, double indent, const double *w,
		      PangoLayout **ls, double h)
{
	cairo_t *cr = d->cr;
	double total = 0;
	for (size_t c = 0; c < t->ncols; c++)
		total += w[c];
	unsigned bg = style & T_HEAD ? C_HEAD_BG : style & T_BAND ? C_BAND_BG : style & T_SHADE ? C_TOTAL_BG : 0;
	if (bg) {
		set_rgb(cr, bg);
		cairo_rectangle(cr, LEFT, d->y, total, h);
		cairo_fill(cr);
	}
	double x = LEFT;
	bool first = true;
	for (size_t c = 0; c < t->ncols; c++) {
		if (ls[c]) {
			double ind = first ? indent : 0;
			first = false;
			show_at(d, ls[c], x + PAD_X + ind, d->y + PAD_Y, style & T_HEAD ? C_ACCENT : C_TEXT);
		}
		x += w[c];
	}
	if (style & T_RULE)
		hrule(cr, LEFT, d->y, total, 0.8, C_STRONG_RULE);
	if (style & T_HEAD)
		hrule(cr, LEFT, d->y + h, total, 0.8, C_ACCENT);
	else
		hrule(cr, LEFT, d->y + h, total, 0.4, C_RULE);
}

static void free_layouts(PangoLayout **ls, size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (ls[c])
			g_object_unref(ls[c]);
}

/* table_draw: the table at d->y; where a page ends, the rest goes on the
 * next page under the header row again.  The header and the first row are
 * kept together. */
static void table_draw(struct doc *d, const struct table *t)
{
	if (t->nrows == 0)
		return;
	double w[TMAXCOL] = {0};
	table_widths(d, t, w);
	const char *head[TMAXCOL] = {0};
	for (size_t c = 0; c < t->ncols; c++)
		head[c] = t->cols[c].head;
	PangoLayout *hl[TMAXCOL];
	double hh = row_layouts(d, t, head, T_HEAD, 0, w, hl);
	bool need_head = true;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct trow *r = &t->rows[i];
		PangoLayout *ls[TMAXCOL];
		double h = row_layouts(d, t, (const char *const *)r->cell, r->style, r->indent, w, ls);
		if (i == 0) {
			need(d, hh + h);
		} else if (d->y + h > BOTTOM) {
			page_break(d);
			need_head = true;
		}
		if (need_head) {
			row_paint(d, t, T_HEAD, 0, w, hl, hh);
			d->y += hh;
			need_head = false;
		}
		row_paint(d, t, r->style, r->indent, w, ls, h);
		d->y += h;
		free_layouts(ls, t->ncols);
	}
	free_layouts(hl, t->ncols);
	d->y += 8;
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
	m_esc(&b, l->title ? l->title : l->key);
	if (l->preliminary)
		buf_adds(&b, " <i>(preliminärt)</i>");
	if (l->note && l->note[0]) {
		buf_addf(&b, "\n<small><span foreground=\"#%06x\">", C_MUTED);
		m_esc(&b, l->note);
		buf_adds(&b, "</span></small>");
	}
	return m_take(&b);
}

/* breakdown_rows: a line and the lines below it.  A top-level parent is a
 * bold row of its own with its sum, its lines go in the second column; a
 * top-level leaf stands in the first column; deeper lines are indented. */
static void breakdown_rows(struct table *t, const struct rg_line *l, int depth, bool national)
{
	size_t sum_col = national ? 3 : 2;
	bool parent = l->nlines > 0;
	struct trow *r = table_row(t, depth == 0 && parent ? T_BOLD : 0);
	r->cell[depth == 0 ? 0 : 1] = line_label(l);
	if (depth > 1)
		r->indent = 10.0 * (depth - 1);
	if (national && l->has_national)
		r->cell[2] = m_kr(l->national, true);
	if (parent || l->has_amount)
		r->cell[sum_col] = m_kr(l->amount, true);
	for (size_t i = 0; i < l->nlines; i++)
		breakdown_rows(t, &l->lines[i], depth + 1, national);
}

static void draw_breakdown(struct doc *d, const struct rg_grant *g)
{
	bool national = lines_national(g->lines, g->nlines);
	static const struct tcol cols3[] = {
		{"UTVECKLINGSOMRÅDE", 5, false}, {"DELOMRÅDE", 5, false}, {"SUMMA", 0, true},
	};
	static const struct tcol cols4[] = {
		{"UTVECKLINGSOMRÅDE", 5, false}, {"DELOMRÅDE", 5, false},
		{"LANDET", 0, true}, {"SUMMA", 0, true},
	};
	struct table t;
	if (national)
		table_init(&t, cols4, BD_ARRAY_LEN(cols4));
	else
		table_init(&t, cols3, BD_ARRAY_LEN(cols3));
	for (size_t i = 0; i < g->nlines; i++)
		breakdown_rows(&t, &g->lines[i], 0, national);
	struct trow *r = table_row(&t, T_BOLD | T_RULE | T_SHADE);
	r->cell[0] = xstrdup("TOTALT");
	r->cell[national ? 3 : 2] = m_kr(g->breakdown, true);
	table_draw(d, &t);
	table_free(&t);

	if (g->has_amount && g->has_breakdown && g->amount != g->breakdown) {
		char a[NUM_BUFSZ], b[NUM_BUFSZ], diff[NUM_BUFSZ];
		fmt_kr(g->amount, a);
		fmt_kr(g->breakdown, b);
		fmt_kr_signed(g->amount - g->breakdown, diff);
		char *m = xasprintf("<b>Obs:</b> Beloppet " NB "%s kr" NB_END " skiljer sig från fördelningens summa "
				    NB "%s kr" NB_END " (" NB "%s kr" NB_END ").",
				    a, b, diff);
		para(d, m, SZ_SMALL, 0, 0, C_TEXT, 6);
		free(m);
	}
}

static void draw_application(struct doc *d, const struct rg_application *a)
{
	char n[NUM_BUFSZ];
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	if (a->has_applied) {
		buf_addf(&b, "Ansökt belopp " NB "%s kr" NB_END, fmt_kr(a->applied, n));
		if (a->applied_on[0]) {
			buf_adds(&b, " (");
			m_esc(&b, a->applied_on);
			buf_adds(&b, ")");
		}
		buf_adds(&b, ".");
	}
	if (a->outcome != RG_OUTCOME_NONE) {
		buf_addf(&b, "%sUtfall: <b>", b.len ? " " : "");
		m_esc(&b, rg_outcome_sv(a->outcome));
		buf_adds(&b, "</b>");
		if (a->has_granted)
			buf_addf(&b, ", beviljat " NB "%s kr" NB_END, fmt_kr(a->granted, n));
		if (a->decided_on[0]) {
			buf_adds(&b, " (beslut ");
			m_esc(&b, a->decided_on);
			buf_adds(&b, ")");
		}
		buf_adds(&b, ".");
	} else if (a->has_granted) {
		buf_addf(&b, "%sBeviljat " NB "%s kr" NB_END ".", b.len ? " " : "", fmt_kr(a->granted, n));
	}
	char *m = m_take(&b);
	para(d, m, SZ_BODY, 0, 0, C_TEXT, 6);
	free(m);
}

/* usage_spec: the form's specification: every purpose with every cost
 * group (blank when nothing was spent on it), then the purpose's other
 * cost groups ("Annat: ..."), its sum, and the account's total. */
static void usage_spec(struct table *t, const struct rg_usage *u)
{
	for (size_t i = 0; i < u->npurposes; i++) {
		const struct rg_purpose *p = &u->purposes[i];
		size_t first = t->nrows;
		/* the groups: the declared ones, then the others in the order
		 * the entries name them */
		size_t cap = p->ngroups + u->nentries, ng = 0;
		const char **groups = xcalloc(cap + 1, sizeof(*groups));
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
		for (size_t j = 0; j < ng; j++) {
			i128 sum = 0;
			bool any = false;
			struct buf com;
			buf_init(&com, MARKUP_MAX);
			for (size_t k = 0; k < u->nentries; k++) {
				const struct rg_usage_entry *e = &u->entries[k];
				if (strcmp(e->purpose, p->name) != 0 || strcmp(e->cost_group, groups[j]) != 0)
					continue;
				sum += e->amount;
				any = true;
				if (e->comment && e->comment[0]) {
					if (com.len)
						buf_adds(&com, "; ");
					m_esc(&com, e->comment);
				}
			}
			struct trow *r = table_row(t, 0);
			r->cell[1] = m_str(groups[j]);
			if (any)
				r->cell[2] = m_kr(sum, false);
			r->cell[3] = com.data;
		}
		free(groups);
		if (t->nrows == first)
			table_row(t, 0);
		t->rows[first].cell[0] = m_str(p->name);
		struct trow *r = table_row(t, T_BOLD | T_RULE);
		r->cell[0] = xstrdup("SUMMA");
		r->cell[2] = m_kr(p->spent, false);
	}
	struct trow *r = table_row(t, T_BOLD | T_RULE | T_SHADE);
	r->cell[0] = xstrdup("TOT SUMMA");
	r->cell[2] = m_kr(u->spent, false);
}

static void draw_usage(struct doc *d, const struct rg_usage *u)
{
	char *m;
	if (u->title && u->title[0])
		m = m_str(u->title);
	else
		m = xasprintf("Redovisning av %d års användning", u->year);
	heading(d, m, SZ_H3, C_TEXT, 6, 60, 0, NULL);
	free(m);
	d->y += 3;
	if (u->note && u->note[0])
		para_text(d, u->note, SZ_BODY, 0, C_TEXT, 5);

	char h0[80], h1[80];
	snprintf(h0, sizeof(h0), "Disponibelt statsbidrag %d", u->year);
	snprintf(h1, sizeof(h1), "Förbrukade medel per %d-12-31", u->year);
	const struct tcol cols[] = {{h0, 1, true}, {h1, 1, true}, {"Kvar", 1, true}};
	struct table t;
	table_init(&t, cols, BD_ARRAY_LEN(cols));
	struct trow *r = table_row(&t, 0);
	r->cell[0] = m_kr(u->available, true);
	r->cell[1] = m_kr(u->spent, true);
	r->cell[2] = m_kr(u->remaining, true);
	table_draw(d, &t);
	table_free(&t);

	if (u->npurposes == 0 && u->nentries == 0)
		return;
	m = xasprintf("Specificerad redovisning av förbrukade medel av %d års disponibla statsbidrag", u->year);
	heading(d, m, SZ_SMALL, C_TEXT, 2, 50, 0, NULL);
	free(m);
	d->y += 3;
	static const struct tcol spec[] = {
		{"Ändamål", 4, false}, {"Kostnadsgrupp", 4, false}, {"Belopp i kr", 0, true}, {"Kommentarer", 4, false},
	};
	table_init(&t, spec, BD_ARRAY_LEN(spec));
	usage_spec(&t, u);
	table_draw(d, &t);
	table_free(&t);
}

/* draw_link: what the database knows of the grant's state-side decision;
 * a decision with no link found is one the database does not have. */
static void draw_link(struct doc *d, const struct rg_grant *g)
{
	const struct rg_link *k = rg_report_link(d->rep, g->key);
	const char *dnr = k && k->dnr ? k->dnr : g->decision;
	if (!dnr)
		return;
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_adds(&b, "Statens beslut ");
	m_esc(&b, dnr);
	if (k && k->registered) {
		buf_adds(&b, ": registrerat i bidrag");
		if (k->title && k->title[0]) {
			buf_adds(&b, ", ");
			m_esc(&b, k->title);
		}
		if (k->has_allocated) {
			char n[NUM_BUFSZ];
			buf_adds(&b, ", fördelat till ");
			m_esc(&b, org_name(d->rep));
			buf_addf(&b, ": " NB "%s kr" NB_END, fmt_kr(k->allocated, n));
		} else {
			buf_adds(&b, ", inget belopp fördelat till ");
			m_esc(&b, org_name(d->rep));
		}
	} else {
		buf_adds(&b, ": finns inte i registret");
	}
	char *m = m_take(&b);
	para(d, m, SZ_SMALL, 0, 0, C_MUTED, 1);
	free(m);
}

/* draw_replaces: "Ersätter: ..." with the previous year's labels. */
static void draw_replaces(struct doc *d, const struct rg_grant *g)
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
		m_esc(&b, o ? grant_label(o) : g->replaces[i]);
	}
	char *m = m_take(&b);
	para(d, m, SZ_SMALL, 0, 0, C_MUTED, 1);
	free(m);
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
static void draw_flags(struct doc *d, const struct rg_grant *g)
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
		m_esc(&b, g_utf8_next_char(flags));
	} else {
		m_esc(&b, flags);
	}
	char *m = m_take(&b);
	para(d, m, SZ_SMALL, F_BOLD, 0, C_ACCENT, 1);
	free(m);
}

/* draw_particulars: grantor, decision on the use, the state's decision,
 * what the grant replaces, its flags: small lines under the heading. */
static void draw_particulars(struct doc *d, const struct rg_grant *g)
{
	struct buf b;
	char *m;
	if (g->grantor || g->grantor_dnr) {
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Bidragsgivare: ");
		m_esc(&b, g->grantor ? g->grantor : "–");
		if (g->grantor_dnr && g->grantor_dnr[0]) {
			buf_adds(&b, ", dnr ");
			m_esc(&b, g->grantor_dnr);
		}
		m = m_take(&b);
		para(d, m, SZ_SMALL, 0, 0, C_MUTED, 1);
		free(m);
	}
	if ((g->decided_by && g->decided_by[0]) || g->decided_on[0]) {
		buf_init(&b, MARKUP_MAX);
		buf_adds(&b, "Beslut om användning: ");
		m_esc(&b, g->decided_by);
		if (g->decided_on[0]) {
			if (g->decided_by && g->decided_by[0])
				buf_adds(&b, " ");
			m_esc(&b, g->decided_on);
		}
		m = m_take(&b);
		para(d, m, SZ_SMALL, 0, 0, C_MUTED, 1);
		free(m);
	}
	draw_link(d, g);
	draw_replaces(d, g);
	draw_flags(d, g);
}

/* draw_outside: why a grant listed here is in no summary row. */
static void draw_outside(struct doc *d, const struct rg_grant *g)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_adds(&b, "<b>Ingår inte i sammanställningen</b>");
	const char *note = g->summary_note;
	if (note && note[0]) {
		buf_adds(&b, ": ");
		m_esc(&b, note);
	}
	if (!note || !note[0] || !strchr(".!?", note[strlen(note) - 1]))
		buf_adds(&b, ".");
	char *m = m_take(&b);
	para(d, m, SZ_SMALL, F_ITALIC, 0, C_MUTED, 4);
	free(m);
}

static void draw_grant(struct doc *d, const struct rg_grant *g, int parent)
{
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	m_esc(&b, g->title ? g->title : g->key);
	if (grant_has_total(g)) {
		char n[NUM_BUFSZ];
		buf_addf(&b, "  " NB "%s mkr" NB_END, fmt_mkr(g->total, n));
	}
	if (g->dnr && g->dnr[0]) {
		buf_addf(&b, "  <span weight=\"normal\" foreground=\"#%06x\">", C_MUTED);
		m_esc(&b, g->dnr);
		buf_adds(&b, "</span>");
	}
	char *m = m_take(&b);
	/* kept with its particulars and the start of its text */
	heading(d, m, SZ_H2, C_ACCENT, 12, 80, parent, grant_label(g));
	free(m);
	d->y += 2;
	draw_particulars(d, g);
	d->y += 5;
	for (size_t i = 0; i < g->ntext; i++)
		para_text(d, g->text[i], SZ_BODY, 0, C_TEXT, 5);
	if (g->nlines)
		draw_breakdown(d, g);
	if (g->application)
		draw_application(d, g->application);
	for (size_t i = 0; i < g->nusage; i++)
		draw_usage(d, &g->usage[i]);
	if (g->status && g->status[0])
		para_text(d, g->status, SZ_BODY, F_ITALIC, C_TEXT, 5);
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

/* draw_section: a section's heading and its grants, in the year's order;
 * key NULL: the grants of no section, without a heading; orphans: grants
 * naming a section the year does not have (rg_compute rejects them; shown
 * rather than lost). */
static void draw_section(struct doc *d, const char *key, const char *title, bool orphans)
{
	const struct rg_year *y = d->rep->year;
	int parent = CAIRO_PDF_OUTLINE_ROOT;
	bool started = false;
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		bool in;
		if (orphans)
			in = g->section && !section_known(y, g->section);
		else if (!key)
			in = !g->section;
		else
			in = g->section && strcmp(g->section, key) == 0;
		if (!in)
			continue;
		if (!started && (key || orphans)) {
			char *m = m_str(title);
			parent = heading(d, m, SZ_H1, C_ACCENT, 16, 80, CAIRO_PDF_OUTLINE_ROOT, title);
			free(m);
			hrule(d->cr, LEFT, d->y + 2, WIDTH, 0.8, C_ACCENT);
			d->y += 4;
		}
		started = true;
		draw_grant(d, g, parent);
	}
}

static void draw_title(struct doc *d)
{
	const struct rg_year *y = d->rep->year;
	char *m = xasprintf("Riktade statsbidrag %d", y->year);
	para(d, m, SZ_TITLE, F_BOLD, 0, C_ACCENT, 2);
	free(m);
	para_text(d, org_name(d->rep), SZ_SUBTITLE, 0, C_TEXT, 6);
	if (y->title && y->title[0])
		para_text(d, y->title, SZ_H2, F_BOLD, C_TEXT, 4);
	hrule(d->cr, LEFT, d->y + 2, WIDTH, 1.5, C_ACCENT);
	d->y += 14;
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
		m_esc(&b, r->note);
	if (cmp->year[0] && r->moved) {
		buf_addf(&b, "%s<i>", b.len ? "\n" : "");
		if (r->moved[0]) {
			buf_addf(&b, "%d: ingick i ", cmp->year[0]);
			m_esc(&b, r->moved);
		} else {
			buf_addf(&b, "%d: egen rad", cmp->year[0]);
		}
		buf_adds(&b, "</i>");
	}
	if (cmp->year[0] && r->earlier_label) {
		buf_addf(&b, "%s<i>%d: ", b.len ? "\n" : "", cmp->year[0]);
		m_esc(&b, r->earlier_label);
		buf_adds(&b, "</i>");
	}
	return b.data;
}

/* cmp_values: the figures of a row in the table's columns from 1 on. */
static void cmp_values(struct trow *r, bool two, const bool *has, const int64_t *v)
{
	if (two) {
		if (has[0])
			r->cell[1] = m_mkr(v[0]);
		if (has[1])
			r->cell[2] = m_mkr(v[1]);
		if (has[0] && has[1]) {
			char n[NUM_BUFSZ + 1];
			r->cell[3] = xstrdup(fmt_mkr_change(v[1] - v[0], n));
		}
	} else if (has[1]) {
		r->cell[1] = m_mkr(v[1]);
	}
}

static void draw_summary(struct doc *d)
{
	const struct rg_comparison *cmp = d->rep->cmp;
	bool two = cmp->year[0] != 0;
	char y0[16], y1[16];
	snprintf(y0, sizeof(y0), "%d", cmp->year[0]);
	snprintf(y1, sizeof(y1), "%d", cmp->year[1]);
	const struct tcol cols2[] = {
		{"Rubrik", 6, false}, {y0, 0, true}, {y1, 0, true}, {"Förändring", 0, true}, {"Kommentar", 4, false},
	};
	const struct tcol cols1[] = {{"Rubrik", 6, false}, {y1, 0, true}, {"Kommentar", 4, false}};
	size_t ccol = two ? 4 : 2;

	if (d->y > TOP)
		page_break(d);
	heading(d, "Sammanställning", SZ_H1, C_ACCENT, 0, 80, CAIRO_PDF_OUTLINE_ROOT, "Sammanställning");
	hrule(d->cr, LEFT, d->y + 2, WIDTH, 0.8, C_ACCENT);
	d->y += 8;
	char *m;
	if (two)
		m = xasprintf("Belopp i miljoner kronor (mkr). Varje år summeras efter sin egen indelning; "
			      "Förändring är %d jämfört med %d. Kursiva rader (varav) ingår i raden ovanför "
			      "och räknas inte med i summan.", cmp->year[1], cmp->year[0]);
	else
		m = xasprintf("Belopp i miljoner kronor (mkr). Kursiva rader (varav) ingår i raden ovanför "
			      "och räknas inte med i summan.");
	para(d, m, SZ_SMALL, 0, 0, C_MUTED, 6);
	free(m);

	struct table t;
	if (two)
		table_init(&t, cols2, BD_ARRAY_LEN(cols2));
	else
		table_init(&t, cols1, BD_ARRAY_LEN(cols1));
	for (size_t s = 0; s < cmp->nsections; s++) {
		const struct rg_cmp_section *sec = &cmp->sections[s];
		if (sec->title && sec->title[0])
			table_row(&t, T_BAND | T_BOLD)->cell[0] = m_str(sec->title);
		for (size_t i = 0; i < sec->nrows; i++) {
			const struct rg_cmp_row *row = &sec->rows[i];
			struct trow *r = table_row(&t, row->level > 0 ? T_ITALIC : 0);
			if (row->level > 0)
				r->indent = 12.0 * row->level;
			r->cell[0] = m_str(row->label ? row->label : row->key);
			cmp_values(r, two, row->has, row->value);
			r->cell[ccol] = cmp_comment(cmp, row);
		}
		struct trow *r = table_row(&t, T_BOLD | T_RULE);
		r->cell[0] = xstrdup("Summa");
		cmp_values(r, two, sec->has, sec->sum);
	}
	if (cmp->nsections > 1) {
		/* a year's total means something when one of its sections has a sum */
		bool has[2] = {false, false};
		for (size_t s = 0; s < cmp->nsections; s++)
			for (int k = 0; k < 2; k++)
				has[k] |= cmp->sections[s].has[k];
		struct trow *r = table_row(&t, T_BOLD | T_RULE | T_SHADE);
		r->cell[0] = xstrdup("Totalt");
		cmp_values(r, two, has, cmp->total);
	}
	table_draw(d, &t);
	table_free(&t);
}

/* The discrepancies. */

struct disc_list {
	const struct rg_report *rep;
	char **items; /* markup */
	size_t n, cap;
};

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
	char s[NUM_BUFSZ], c[NUM_BUFSZ], diff[NUM_BUFSZ];
	fmt_kr(x->stated, s);
	fmt_kr(x->computed, c);
	struct buf b;
	buf_init(&b, MARKUP_MAX);
	buf_addf(&b, "%d, <b>", x->year);
	m_esc(&b, label ? label : "?");
	buf_adds(&b, "</b>: ");
	if (strcmp(x->what, "breakdown") == 0) {
		fmt_kr_signed(x->stated - x->computed, diff);
		buf_addf(&b, "beloppet " NB "%s kr" NB_END ", fördelningen " NB "%s kr" NB_END ", skillnad " NB
			     "%s kr" NB_END, s, c, diff);
	} else if (strcmp(x->what, "overspent") == 0) {
		buf_addf(&b, "förbrukat " NB "%s kr" NB_END " av disponibla " NB "%s kr" NB_END " för %d", c, s,
			 x->usage_year);
	} else {
		buf_adds(&b, "avvikelse ");
		m_esc(&b, x->what);
		buf_addf(&b, ": angivet " NB "%s kr" NB_END ", beräknat " NB "%s kr" NB_END, s, c);
	}
	if (dl->n == dl->cap) {
		dl->cap = dl->cap ? 2 * dl->cap : 8;
		dl->items = xreallocarray(dl->items, dl->cap, sizeof(*dl->items));
	}
	dl->items[dl->n++] = m_take(&b);
}

static void draw_discrepancies(struct doc *d)
{
	struct disc_list dl = {.rep = d->rep};
	if (d->rep->reg)
		rg_discrepancies(d->rep->reg, on_discrepancy, &dl);
	heading(d, "Avvikelser", SZ_H1, C_ACCENT, 14, 40, CAIRO_PDF_OUTLINE_ROOT, "Avvikelser");
	hrule(d->cr, LEFT, d->y + 2, WIDTH, 0.8, C_ACCENT);
	d->y += 8;
	if (dl.n == 0) {
		para(d, "Inga avvikelser.", SZ_BODY, 0, 0, C_TEXT, 4);
	} else {
		para(d, "Registret godtar följande avvikelser men redovisar dem här: belopp som skiljer sig "
			"från sin fördelning, och konton där mer förbrukats än vad som fanns disponibelt.",
		     SZ_SMALL, 0, 0, C_MUTED, 6);
		for (size_t i = 0; i < dl.n; i++)
			bullet(d, dl.items[i]);
	}
	for (size_t i = 0; i < dl.n; i++)
		free(dl.items[i]);
	free(dl.items);
}

/* The chart. */

#define CHART_W_FILE 1000 /* PNG pixels, SVG points */
#define CHART_W_PDF 800   /* units scaled to the page's width */
#define CHART_H_MAX 32000 /* cairo's image surfaces stop at 32767 */

static void chart_text(cairo_t *cr, PangoLayout *l, double x, double y, unsigned rgb)
{
	set_rgb(cr, rgb);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
}

static bool chart_two(const struct rg_comparison *cmp)
{
	return cmp->year[0] != 0;
}

/* charted: a row counted in the sum of either year.  A row that is a varav
 * row in one year and stood alone in the other is charted with a bar for
 * the year it stood alone, so each year's bars add up to its sums. */
static bool charted(const struct rg_cmp_row *r)
{
	return r->year_level[0] == 0 || r->year_level[1] == 0;
}

/* chart_max: the largest figure of the chart's rows, so that it fills the
 * width of the bars. */
static int64_t chart_max(const struct rg_comparison *cmp)
{
	int64_t max = 0;
	for (size_t s = 0; s < cmp->nsections; s++)
		for (size_t i = 0; i < cmp->sections[s].nrows; i++) {
			const struct rg_cmp_row *r = &cmp->sections[s].rows[i];
			for (int k = 0; k < 2; k++)
				if (r->year_level[k] == 0 && r->has[k] && r->value[k] > max)
					max = r->value[k];
		}
	return max;
}

static size_t chart_rows(const struct rg_comparison *cmp)
{
	size_t n = 0;
	for (size_t s = 0; s < cmp->nsections; s++)
		for (size_t i = 0; i < cmp->sections[s].nrows; i++)
			n += charted(&cmp->sections[s].rows[i]);
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
	c->two = chart_two(c->cmp);
	c->width = width;
	c->pad = 24;
	c->max = chart_max(c->cmp);
	/* room after the longest bar for its figure */
	char n[NUM_BUFSZ];
	PangoLayout *l = new_layout(pc, fmt_mkr(c->max, n), 120, 0, 0, PANGO_ALIGN_LEFT);
	int reserve = (int)layout_w(l) + 14;
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

/* chart_head: title, organisation and legend; returns where rows start. */
static double chart_head(const struct chart *c, bool cont)
{
	cairo_t *cr = c->cr;
	const struct rg_comparison *cmp = c->cmp;
	double y = c->pad;
	char *m;
	if (c->two)
		m = xasprintf("Jämförelse %d–%d, mkr%s", cmp->year[0], cmp->year[1], cont ? " (forts.)" : "");
	else
		m = xasprintf("Sammanställning %d, mkr%s", cmp->year[1], cont ? " (forts.)" : "");
	PangoLayout *l = new_layout(c->pc, m, 220, F_BOLD, c->width - 2 * c->pad, PANGO_ALIGN_LEFT);
	chart_text(cr, l, c->pad, y, C_ACCENT);
	y += layout_h(l) + 2;
	g_object_unref(l);
	free(m);
	m = m_str(org_name(c->rep));
	l = new_layout(c->pc, m, 140, 0, c->width - 2 * c->pad, PANGO_ALIGN_LEFT);
	chart_text(cr, l, c->pad, y, C_MUTED);
	y += layout_h(l) + 12;
	g_object_unref(l);
	free(m);
	double x = c->pad;
	for (int k = c->two ? 0 : 1; k < 2; k++) {
		char yr[16];
		snprintf(yr, sizeof(yr), "%d", cmp->year[k]);
		l = new_layout(c->pc, yr, 140, 0, 0, PANGO_ALIGN_LEFT);
		double lh = layout_h(l);
		set_rgb(cr, k == 0 ? C_EARLIER : C_LATER);
		cairo_rectangle(cr, x, y + (lh - 14) / 2, 14, 14);
		cairo_fill(cr);
		chart_text(cr, l, x + 20, y, C_TEXT);
		x += 20 + layout_w(l) + 28;
		g_object_unref(l);
	}
	return y + 34;
}

/* chart_row: one row's label and bars at y, in a space rh high. */
static void chart_row(const struct chart *c, const struct rg_cmp_row *r, PangoLayout *label, double y, double rh)
{
	cairo_t *cr = c->cr;
	/* the grid behind the bars, then the axis, over the row's whole
	 * pitch so that they join the next row's */
	set_rgb(cr, C_GRID);
	cairo_set_line_width(cr, 1);
	for (int64_t t = c->step; c->max > 0 && t <= c->max; t += c->step) {
		double gx = c->bx + (double)bar_len(t, c->max, c->maxlen) + 0.5;
		cairo_move_to(cr, gx, y - 6);
		cairo_line_to(cr, gx, y + rh + 6);
	}
	cairo_stroke(cr);
	set_rgb(cr, C_STRONG_RULE);
	cairo_move_to(cr, c->bx + 0.5, y - 6);
	cairo_line_to(cr, c->bx + 0.5, y + rh + 6);
	cairo_stroke(cr);
	chart_text(cr, label, c->pad, y + (rh - layout_h(label)) / 2, C_TEXT);
	double by = y + (rh - c->bars_h) / 2;
	for (int k = c->two ? 0 : 1; k < 2; k++, by += c->bh + c->gap) {
		/* A year in which the row is a varav row has its figure in its
		 * parent's bar already. */
		if (!r->has[k] || r->year_level[k] != 0)
			continue;
		int64_t len = bar_len(r->value[k], c->max, c->maxlen);
		if (len > 0) {
			set_rgb(cr, k == 0 ? C_EARLIER : C_LATER);
			cairo_rectangle(cr, c->bx + 1, by, (double)len, c->bh);
			cairo_fill(cr);
		}
		char n[NUM_BUFSZ];
		PangoLayout *l = new_layout(c->pc, fmt_mkr(r->value[k], n), 120, 0, 0, PANGO_ALIGN_LEFT);
		chart_text(cr, l, c->bx + 1 + (double)len + 5, by + (c->bh - layout_h(l)) / 2, C_TEXT);
		g_object_unref(l);
	}
}

/* chart_scale: the figures under the bars; returns the height used. */
static double chart_scale(const struct chart *c, double y)
{
	char n[NUM_BUFSZ];
	for (int64_t t = 0; c->max > 0 && t <= c->max; t += c->step) {
		tick_label(t, n);
		PangoLayout *l = new_layout(c->pc, n, 110, 0, 0, PANGO_ALIGN_LEFT);
		double tx = c->bx + (double)bar_len(t, c->max, c->maxlen) - layout_w(l) / 2;
		chart_text(c->cr, l, tx, y - 4, C_MUTED);
		if (t + c->step > c->max) {
			PangoLayout *u = new_layout(c->pc, "mkr", 110, 0, 0, PANGO_ALIGN_LEFT);
			chart_text(c->cr, u, tx + layout_w(l) + 6, y - 4, C_MUTED);
			g_object_unref(u);
		}
		g_object_unref(l);
		if (c->step > INT64_MAX - t)
			break;
	}
	return 16 + c->pad;
}

/* chart_draw: the chart on cr in a space `width` units wide from (0, 0),
 * from the from'th row (counting the top-level rows of all sections) while
 * the rows fit in max_h (at least one row); *next is the row to continue
 * from, or the number of rows when all are drawn.  Returns the height it
 * took.  Drawn once on a scratch surface to learn the height, then again
 * for real: the layout is the same both times. */
static double chart_draw(cairo_t *cr, PangoContext *pc, const struct rg_report *rep, int width, size_t from,
			 double max_h, size_t *next)
{
	struct chart c;
	chart_setup(&c, cr, pc, rep, width);
	const struct rg_comparison *cmp = c.cmp;
	double y = chart_head(&c, from > 0);
	const double scale_h = 16 + c.pad;
	size_t k = 0;  /* top-level rows seen */
	bool drawn = false, full = false;
	*next = chart_rows(cmp);
	if (*next == 0) {
		PangoLayout *l = new_layout(pc, "Sammanställningen har inga rader att visa.", 140, F_ITALIC,
					    width - 2 * c.pad, PANGO_ALIGN_LEFT);
		chart_text(cr, l, c.pad, y, C_MUTED);
		y += layout_h(l) + c.pad;
		g_object_unref(l);
		return y;
	}
	for (size_t s = 0; s < cmp->nsections && !full; s++) {
		const struct rg_cmp_section *sec = &cmp->sections[s];
		bool titled = false;
		for (size_t i = 0; i < sec->nrows && !full; i++) {
			const struct rg_cmp_row *r = &sec->rows[i];
			if (!charted(r))
				continue;
			if (k++ < from)
				continue;
			/* the section's title goes above its first row on this part */
			PangoLayout *tl = NULL;
			double th = 0;
			if (!titled && sec->title && sec->title[0]) {
				char *m = m_str(sec->title);
				tl = new_layout(pc, m, 150, F_BOLD, width - 2 * c.pad, PANGO_ALIGN_LEFT);
				free(m);
				th = 6 + layout_h(tl) + 11;
			}
			char *m = m_str(r->label ? r->label : r->key);
			PangoLayout *l = new_layout(pc, m, 130, 0, c.label_w, PANGO_ALIGN_RIGHT);
			free(m);
			double rh = layout_h(l) > c.bars_h ? layout_h(l) : c.bars_h;
			if (drawn && y + th + rh + scale_h > max_h) {
				*next = k - 1;
				full = true;
			} else {
				if (tl) {
					chart_text(cr, tl, c.pad, y + 6, C_ACCENT);
					hrule(cr, c.pad, y + 6 + layout_h(tl) + 3, width - 2 * c.pad, 1, C_RULE);
					y += th;
				}
				titled = true;
				chart_row(&c, r, l, y, rh);
				y += rh + 12;
				drawn = true;
			}
			if (tl)
				g_object_unref(tl);
			g_object_unref(l);
		}
	}
	return y + chart_scale(&c, y);
}

/* chart_height: the height of the chart's part from `from` at width,
 * measured on a scratch surface with the same metrics. */
static int chart_height(const struct rg_report *rep, int width, size_t from, double max_h, size_t *next)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(s);
	PangoContext *pc = context_for(cr);
	double h = chart_draw(cr, pc, rep, width, from, max_h, next);
	g_object_unref(pc);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return (int)h + 1;
}

/* draw_chart_pages: the chart at the page's width, on as many pages as its
 * rows need, rather than shrunk until it is unreadable. */
static void draw_chart_pages(struct doc *d)
{
	if (!d->rep->cmp)
		return;
	const double s = WIDTH / CHART_W_PDF;
	const double max_h = (BOTTOM - TOP) / s;
	size_t from = 0, total = chart_rows(d->rep->cmp), next;
	do {
		if (d->y > TOP)
			page_break(d);
		if (from == 0)
			outline(d, CAIRO_PDF_OUTLINE_ROOT, "Diagram");
		int h = chart_height(d->rep, CHART_W_PDF, from, max_h, &next);
		cairo_save(d->cr);
		cairo_translate(d->cr, LEFT, TOP);
		cairo_scale(d->cr, s, s);
		pango_cairo_update_context(d->cr, d->pc);
		chart_draw(d->cr, d->pc, d->rep, CHART_W_PDF, from, max_h, &next);
		cairo_restore(d->cr);
		pango_cairo_update_context(d->cr, d->pc);
		d->y = TOP + h * s;
		from = next;
	} while (from < total);
}

/* Output. */

/* A file or stdout that cairo writes to through sink_write, remembering
 * the first error so the message can say what went wrong. */
struct sink {
	const char *path;
	FILE *f;
	bool is_stdout, regular;
	int err;
};

static const char *sink_name(const struct sink *s)
{
	return s->is_stdout ? "standard output" : s->path;
}

static int sink_open(struct sink *s, const char *path, const char *what, struct bd_error *err)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	if (strcmp(path, "-") == 0) {
		s->f = stdout;
		s->is_stdout = true;
		return 0;
	}
	s->f = fopen(path, "wb");
	if (!s->f)
		return bd_fail(err, "cannot write the %s '%s': %s", what, path, strerror(errno));
	struct stat st;
	s->regular = fstat(fileno(s->f), &st) == 0 && S_ISREG(st.st_mode);
	return 0;
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	if (s->err)
		return CAIRO_STATUS_WRITE_ERROR;
	errno = 0;
	if (len && fwrite(data, 1, len, s->f) != len) {
		s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* sink_close: flush and close; st is cairo's status for the drawing.  A
 * regular file left half-written by a failure is removed, so no one
 * mistakes it for a report. */
static int sink_close(struct sink *s, cairo_status_t st, const char *what, struct bd_error *err)
{
	errno = 0;
	if (fflush(s->f) != 0 && !s->err)
		s->err = errno ? errno : EIO;
	if (ferror(s->f) && !s->err)
		s->err = EIO;
	if (!s->is_stdout) {
		errno = 0;
		if (fclose(s->f) != 0 && !s->err)
			s->err = errno ? errno : EIO;
	}
	int rc = 0;
	if (s->err)
		rc = bd_fail(err, "cannot write the %s '%s': %s", what, sink_name(s), strerror(s->err));
	else if (st != CAIRO_STATUS_SUCCESS)
		rc = bd_fail(err, "cannot draw the %s '%s': %s", what, sink_name(s), cairo_status_to_string(st));
	if (rc && s->regular)
		unlink(s->path);
	return rc;
}

/* first_error: the first of the statuses that is an error. */
static cairo_status_t first_error(cairo_status_t a, cairo_status_t b)
{
	return a != CAIRO_STATUS_SUCCESS ? a : b;
}

/* set_metadata: title, author and a creation date taken from the report's
 * date, so the same register gives the same file. */
static void set_metadata(cairo_surface_t *s, const struct rg_report *rep)
{
	char title[64];
	snprintf(title, sizeof(title), "Riktade statsbidrag %d", rep->year->year);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	const char *org = org_name(rep);
	if (org[0] && g_utf8_validate(org, -1, NULL))
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, org);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "bidrag");
	const char *g = rep->generated;
	bool iso = g && strlen(g) == 10;
	for (int i = 0; iso && i < 10; i++)
		iso = (i == 4 || i == 7) ? g[i] == '-' : (g[i] >= '0' && g[i] <= '9');
	if (iso) {
		char date[32];
		snprintf(date, sizeof(date), "%sT00:00:00Z", g);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	}
}

int rg_report_pdf(const struct rg_report *rep, const char *path, struct bd_error *err)
{
	if (!rep || !rep->year)
		return bd_fail(err, "PDF report '%s': no year to report", path);
	struct sink sk;
	if (sink_open(&sk, path, "PDF report", err))
		return -1;
	struct doc d = {.rep = rep, .y = TOP, .page = 1};
	d.surface = cairo_pdf_surface_create_for_stream(sink_write, &sk, PAGE_W, PAGE_H);
	set_metadata(d.surface, rep);
	d.cr = cairo_create(d.surface);
	d.pc = context_for(d.cr);

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
	draw_chart_pages(&d);
	page_end(&d);

	cairo_status_t st = cairo_status(d.cr);
	g_object_unref(d.pc);
	cairo_destroy(d.cr);
	cairo_surface_finish(d.surface);
	st = first_error(st, cairo_surface_status(d.surface));
	cairo_surface_destroy(d.surface);
	return sink_close(&sk, st, "PDF report", err);
}

/* paint_chart: a white background and the chart. */
static cairo_status_t paint_chart(cairo_surface_t *s, const struct rg_report *rep, int width)
{
	cairo_t *cr = cairo_create(s);
	set_rgb(cr, 0xffffff);
	cairo_paint(cr);
	PangoContext *pc = context_for(cr);
	size_t next;
	chart_draw(cr, pc, rep, width, 0, HUGE_VAL, &next);
	g_object_unref(pc);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	return st;
}

int rg_chart(const struct rg_report *rep, enum rg_chart_format fmt, const char *path, struct bd_error *err)
{
	const char *what = fmt == RG_CHART_SVG ? "SVG chart" : "PNG chart";
	if (!rep || !rep->year || !rep->cmp)
		return bd_fail(err, "%s '%s': the report has no summary to draw", what, path);
	size_t next;
	int h = chart_height(rep, CHART_W_FILE, 0, HUGE_VAL, &next);
	if (h > CHART_H_MAX)
		return bd_fail(err, "%s '%s': %zu rows make the chart %d pixels tall, more than %d", what, path,
			       chart_rows(rep->cmp), h, CHART_H_MAX);
	struct sink sk;
	if (sink_open(&sk, path, what, err))
		return -1;
	cairo_status_t st;
	if (fmt == RG_CHART_SVG) {
		cairo_surface_t *s = cairo_svg_surface_create_for_stream(sink_write, &sk, CHART_W_FILE, h);
		st = first_error(cairo_surface_status(s), paint_chart(s, rep, CHART_W_FILE));
		cairo_surface_finish(s);
		st = first_error(st, cairo_surface_status(s));
		cairo_surface_destroy(s);
	} else {
		cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, CHART_W_FILE, h);
		st = first_error(cairo_surface_status(s), paint_chart(s, rep, CHART_W_FILE));
		cairo_surface_flush(s);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_write_to_png_stream(s, sink_write, &sk);
		cairo_surface_destroy(s);
	}
	return sink_close(&sk, st, what, err);
}
