/* pdfdoc.c: the document engine of pdfdoc.h.  Text flows line by line, so
 * a long paragraph continues on the next page; a table that breaks repeats
 * its header row; every page ends with the footer.  Doubles appear only as
 * coordinates, font metrics and colours. */
#include "pdfdoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>

#define FONT "DejaVu Sans"

/* The engine's own look: footers and tables, in tenths of a point. */
#define SZ_FOOTER 75
#define SZ_TABLE 85
#define SZ_THEAD 80
#define C_HEAD_BG 0xe4ebf2
#define C_BAND_BG 0xf1f3f6
#define C_TOTAL_BG 0xf6f7f9

/* Markup. */

/* utf8_add: s appended to b as valid UTF-8, escaped for markup when markup
 * is true (an outline takes plain text: it would show an entity as
 * written). */
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

void pdfdoc_esc(struct buf *b, const char *s)
{
	utf8_add(b, s, true);
}

char *pdfdoc_take(struct buf *b)
{
	return b->data ? b->data : xstrdup("");
}

char *pdfdoc_markup(const char *s)
{
	struct buf b;
	buf_init(&b, PDFDOC_MARKUP_MAX);
	pdfdoc_esc(&b, s);
	return pdfdoc_take(&b);
}

/* Layouts. */

static double pu(int v)
{
	return pango_units_to_double(v);
}

PangoContext *pdfdoc_context(cairo_t *cr)
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

PangoLayout *pdfdoc_layout(PangoContext *pc, const char *markup, int tenths, unsigned font, double width,
			   PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_size(fd, tenths * PANGO_SCALE / 10);
	if (font & PDFDOC_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (font & PDFDOC_ITALIC)
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

double pdfdoc_layout_h(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return pu(h);
}

double pdfdoc_layout_w(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return pu(w);
}

void pdfdoc_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

void pdfdoc_show(cairo_t *cr, PangoLayout *l, double x, double y, unsigned rgb)
{
	pdfdoc_rgb(cr, rgb);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
}

void pdfdoc_hline(cairo_t *cr, double x, double y, double w, double width, unsigned rgb)
{
	pdfdoc_rgb(cr, rgb);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + w, y);
	cairo_stroke(cr);
}

/* Output. */

/* A file or stdout that cairo writes to, remembering the first error so
 * the message can say what went wrong. */
struct pdfdoc_out {
	const char *path, *what;
	FILE *f;
	bool is_stdout, regular;
	int err;
};

struct pdfdoc_out *pdfdoc_out_open(const char *path, const char *what, struct bd_error *err)
{
	struct pdfdoc_out *o = xcalloc(1, sizeof(*o));
	o->path = path;
	o->what = what;
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		o->is_stdout = true;
		return o;
	}
	o->f = fopen(path, "wb");
	if (!o->f) {
		bd_fail(err, "cannot write the %s '%s': %s", what, path, strerror(errno));
		free(o);
		return NULL;
	}
	struct stat st;
	o->regular = fstat(fileno(o->f), &st) == 0 && S_ISREG(st.st_mode);
	return o;
}

cairo_status_t pdfdoc_out_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdfdoc_out *o = closure;
	if (o->err)
		return CAIRO_STATUS_WRITE_ERROR;
	errno = 0;
	if (len && fwrite(data, 1, len, o->f) != len) {
		o->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* keep_errno: record the errno of a failed call unless an error is kept. */
static void keep_errno(struct pdfdoc_out *o, bool failed)
{
	if (failed && !o->err)
		o->err = errno ? errno : EIO;
}

int pdfdoc_out_close(struct pdfdoc_out *o, cairo_status_t st, struct bd_error *err)
{
	const char *name = o->is_stdout ? "standard output" : o->path;
	errno = 0;
	keep_errno(o, fflush(o->f) != 0);
	if (ferror(o->f) && !o->err)
		o->err = EIO;
	if (!o->is_stdout) {
		errno = 0;
		keep_errno(o, fclose(o->f) != 0);
	}
	int rc = 0;
	if (o->err)
		rc = bd_fail(err, "cannot write the %s '%s': %s", o->what, name, strerror(o->err));
	else if (st != CAIRO_STATUS_SUCCESS)
		rc = bd_fail(err, "cannot draw the %s '%s': %s", o->what, name, cairo_status_to_string(st));
	if (rc && o->regular)
		unlink(o->path);
	free(o);
	return rc;
}

cairo_status_t pdfdoc_first_error(cairo_status_t a, cairo_status_t b)
{
	return a != CAIRO_STATUS_SUCCESS ? a : b;
}

/* The document. */

struct pdfdoc {
	struct pdfdoc_page pg;
	struct pdfdoc_out *out;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
	double y;        /* where the next block starts on the page */
	int page;        /* 1-based */
	pdfdoc_footer_fn *footer_left;
	void *footer_ctx;
	char *footer_right;
};

struct pdfdoc *pdfdoc_open(const char *path, const char *what, const struct pdfdoc_page *page,
			   struct bd_error *err)
{
	struct pdfdoc_out *out = pdfdoc_out_open(path, what, err);
	if (!out)
		return NULL;
	struct pdfdoc *d = xcalloc(1, sizeof(*d));
	d->pg = *page;
	d->out = out;
	d->y = page->top;
	d->page = 1;
	d->surface = cairo_pdf_surface_create_for_stream(pdfdoc_out_write, out, page->width, page->height);
	d->cr = cairo_create(d->surface);
	d->pc = pdfdoc_context(d->cr);
	return d;
}

void pdfdoc_info(struct pdfdoc *d, const char *title, const char *author, const char *date)
{
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
	if (author && author[0] && g_utf8_validate(author, -1, NULL))
		cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_AUTHOR, author);
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "bidrag");
	bool iso = date && strlen(date) == 10;
	for (int i = 0; iso && i < 10; i++)
		iso = (i == 4 || i == 7) ? date[i] == '-' : (date[i] >= '0' && date[i] <= '9');
	if (iso) {
		char stamp[32];
		snprintf(stamp, sizeof(stamp), "%sT00:00:00Z", date);
		cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp);
	}
}

void pdfdoc_footer(struct pdfdoc *d, pdfdoc_footer_fn *left, void *ctx, const char *right)
{
	d->footer_left = left;
	d->footer_ctx = ctx;
	free(d->footer_right);
	d->footer_right = right ? xstrdup(right) : NULL;
}

double pdfdoc_width(const struct pdfdoc *d)
{
	return d->pg.width - 2 * d->pg.left;
}

double pdfdoc_height(const struct pdfdoc *d)
{
	return d->pg.bottom - d->pg.top;
}

/* footer_part: markup in the footer's type, w wide from x. */
static void footer_part(struct pdfdoc *d, const char *markup, double x, double w, PangoAlignment align)
{
	PangoLayout *l = pdfdoc_layout(d->pc, markup, SZ_FOOTER, 0, w, align);
	pdfdoc_show(d->cr, l, x, d->pg.footer_y, PDFDOC_MUTED);
	g_object_unref(l);
}

static void page_end(struct pdfdoc *d)
{
	const double w = pdfdoc_width(d);
	if (d->footer_left) {
		char *left = d->footer_left(d->footer_ctx, d->page);
		pdfdoc_hline(d->cr, d->pg.left, d->pg.footer_y - 5, w, 0.5, PDFDOC_RULE);
		footer_part(d, left, d->pg.left, w * 0.75, PANGO_ALIGN_LEFT);
		free(left);
		if (d->footer_right)
			footer_part(d, d->footer_right, d->pg.left + w * 0.75, w * 0.25, PANGO_ALIGN_RIGHT);
	}
	cairo_show_page(d->cr);
}

static void page_break(struct pdfdoc *d)
{
	page_end(d);
	d->page++;
	d->y = d->pg.top;
}

void pdfdoc_fresh_page(struct pdfdoc *d)
{
	if (d->y > d->pg.top)
		page_break(d);
}

/* need: start a new page unless h more points fit on this one.  A block
 * taller than a page starts at the top and breaks where it must. */
static void need(struct pdfdoc *d, double h)
{
	if (d->y + h > d->pg.bottom && d->y > d->pg.top)
		page_break(d);
}

int pdfdoc_close(struct pdfdoc *d, struct bd_error *err)
{
	page_end(d);
	cairo_status_t st = cairo_status(d->cr);
	g_object_unref(d->pc);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	st = pdfdoc_first_error(st, cairo_surface_status(d->surface));
	cairo_surface_destroy(d->surface);
	int rc = pdfdoc_out_close(d->out, st, err);
	free(d->footer_right);
	free(d);
	return rc;
}

void pdfdoc_skip(struct pdfdoc *d, double dy)
{
	d->y += dy;
}

void pdfdoc_rule(struct pdfdoc *d, double dy, double width, unsigned rgb)
{
	pdfdoc_hline(d->cr, d->pg.left, d->y + dy, pdfdoc_width(d), width, rgb);
}

int pdfdoc_outline(struct pdfdoc *d, int parent, const char *text)
{
	char dest[80];
	snprintf(dest, sizeof(dest), "page=%d pos=[%d %d]", d->page, (int)d->pg.left, (int)d->y);
	struct buf b;
	buf_init(&b, PDFDOC_MARKUP_MAX);
	utf8_add(&b, text, false);
	int id = cairo_pdf_surface_add_outline(d->surface, parent, b.data ? b.data : "", dest, 0);
	buf_release(&b);
	return id;
}

/* flow: draw l line by line from d->y at x, breaking to a new page between
 * lines where the page ends; marker (a bullet) goes before the first line,
 * ending at x - 4. */
static void flow(struct pdfdoc *d, PangoLayout *l, double x, PangoLayout *marker, unsigned rgb)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double origin = d->y; /* the layout's top on this page */
	bool first = true;
	pdfdoc_rgb(d->cr, rgb);
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = pu(r.y), bottom = pu(r.y + r.height);
		if (origin + bottom > d->pg.bottom && origin + top > d->pg.top) {
			page_break(d);
			origin = d->pg.top - top;
			pdfdoc_rgb(d->cr, rgb);
		}
		double base = origin + pu(pango_layout_iter_get_baseline(it));
		if (first && marker) {
			cairo_move_to(d->cr, x - 4 - pdfdoc_layout_w(marker), base);
			pango_cairo_show_layout_line(d->cr, pango_layout_get_line_readonly(marker, 0));
		}
		first = false;
		cairo_move_to(d->cr, x + pu(r.x), base);
		pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	d->y = origin + pdfdoc_layout_h(l);
}

void pdfdoc_para(struct pdfdoc *d, const char *markup, int tenths, unsigned font, unsigned rgb, double after)
{
	if (!markup || !markup[0])
		return;
	PangoLayout *l = pdfdoc_layout(d->pc, markup, tenths, font, pdfdoc_width(d), PANGO_ALIGN_LEFT);
	flow(d, l, d->pg.left, NULL, rgb);
	g_object_unref(l);
	d->y += after;
}

void pdfdoc_bullet(struct pdfdoc *d, const char *markup, int tenths, unsigned rgb)
{
	const double indent = 14;
	PangoLayout *l = pdfdoc_layout(d->pc, markup, tenths, 0, pdfdoc_width(d) - indent, PANGO_ALIGN_LEFT);
	PangoLayout *m = pdfdoc_layout(d->pc, "•", tenths, 0, 0, PANGO_ALIGN_LEFT);
	/* about two lines: an item does not start on a page's last line */
	need(d, pdfdoc_layout_h(l) < 30 ? pdfdoc_layout_h(l) : 30);
	flow(d, l, d->pg.left + indent, m, rgb);
	g_object_unref(m);
	g_object_unref(l);
	d->y += 3;
}

int pdfdoc_heading(struct pdfdoc *d, const char *markup, int tenths, unsigned rgb, double before, double keep,
		   int parent, const char *bookmark)
{
	if (d->y > d->pg.top)
		d->y += before;
	PangoLayout *l = pdfdoc_layout(d->pc, markup, tenths, PDFDOC_BOLD, pdfdoc_width(d), PANGO_ALIGN_LEFT);
	need(d, pdfdoc_layout_h(l) + keep);
	int id = bookmark ? pdfdoc_outline(d, parent, bookmark) : -1;
	flow(d, l, d->pg.left, NULL, rgb);
	g_object_unref(l);
	return id;
}

void pdfdoc_figure(struct pdfdoc *d, double units, double h, pdfdoc_draw_fn *fn, void *ctx)
{
	const double s = pdfdoc_width(d) / units;
	cairo_save(d->cr);
	cairo_translate(d->cr, d->pg.left, d->y);
	cairo_scale(d->cr, s, s);
	/* pango measures in the scaled space, as the figure was measured */
	pango_cairo_update_context(d->cr, d->pc);
	fn(d->cr, d->pc, ctx);
	cairo_restore(d->cr);
	pango_cairo_update_context(d->cr, d->pc);
	d->y += h * s;
}

/* Tables. */

#define PAD_X 4.0
#define PAD_Y 2.6
#define ROW_HEAD (1 << 5) /* beside enum pdfdoc_row_style: the header row */

struct trow {
	char *cell[PDFDOC_MAXCOL]; /* markup; NULL: empty */
	unsigned style;
	double indent;             /* before the row's first non-empty cell */
};

struct pdfdoc_table {
	const struct pdfdoc_col *cols;
	size_t ncols;
	struct trow *rows;
	size_t nrows, cap;
};

struct pdfdoc_table *pdfdoc_table_new(const struct pdfdoc_col *cols, size_t ncols)
{
	struct pdfdoc_table *t = xcalloc(1, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols < PDFDOC_MAXCOL ? ncols : PDFDOC_MAXCOL;
	return t;
}

size_t pdfdoc_table_row(struct pdfdoc_table *t, unsigned style, double indent)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
	}
	struct trow *r = &t->rows[t->nrows];
	memset(r, 0, sizeof(*r));
	r->style = style & ~(unsigned)ROW_HEAD;
	r->indent = indent;
	return t->nrows++;
}

size_t pdfdoc_table_rows(const struct pdfdoc_table *t)
{
	return t->nrows;
}

void pdfdoc_table_cell(struct pdfdoc_table *t, size_t row, size_t col, char *markup)
{
	if (row >= t->nrows || col >= t->ncols) {
		free(markup);
		return;
	}
	free(t->rows[row].cell[col]);
	t->rows[row].cell[col] = markup;
}

void pdfdoc_table_free(struct pdfdoc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t c = 0; c < PDFDOC_MAXCOL; c++)
			free(t->rows[i].cell[c]);
	free(t->rows);
	free(t);
}

static unsigned row_font(unsigned style)
{
	return (style & (PDFDOC_ROW_BOLD | ROW_HEAD) ? PDFDOC_BOLD : 0) | (style & PDFDOC_ROW_ITALIC ? PDFDOC_ITALIC : 0);
}

/* fitted_width: a fitted column's width: its widest cell and as much of
 * the header as fits on a short line. */
static double fitted_width(struct pdfdoc *d, const struct pdfdoc_table *t, size_t c)
{
	PangoLayout *l = pdfdoc_layout(d->pc, t->cols[c].head, SZ_THEAD, PDFDOC_BOLD, 0, PANGO_ALIGN_LEFT);
	double max = pdfdoc_layout_w(l) < 84 ? pdfdoc_layout_w(l) : 84;
	g_object_unref(l);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct trow *r = &t->rows[i];
		if (!r->cell[c] || (r->style & PDFDOC_ROW_BAND))
			continue;
		l = pdfdoc_layout(d->pc, r->cell[c], SZ_TABLE, row_font(r->style), 0, PANGO_ALIGN_LEFT);
		if (pdfdoc_layout_w(l) > max)
			max = pdfdoc_layout_w(l);
		g_object_unref(l);
	}
	/* one point of slack: a cell exactly as wide as its text must not
	 * wrap on a rounding */
	return max + 2 * PAD_X + 1;
}

/* table_widths: fitted columns (figures) first; the rest of the width is
 * shared among the text columns by weight. */
static void table_widths(struct pdfdoc *d, const struct pdfdoc_table *t, double *w)
{
	const double width = pdfdoc_width(d);
	double fixed = 0;
	int weights = 0;
	for (size_t c = 0; c < t->ncols; c++)
		weights += t->cols[c].weight;
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].weight > 0)
			continue;
		w[c] = fitted_width(d, t, c);
		if (weights > 0 && w[c] > width / 4) /* leave the text room */
			w[c] = width / 4;
		fixed += w[c];
	}
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].weight > 0 && weights)
			w[c] = (width - fixed) * t->cols[c].weight / weights;
	if (weights == 0 && fixed < width) /* figures only: spread them out */
		for (size_t c = 0; c < t->ncols; c++)
			w[c] += (width - fixed) / (double)t->ncols;
}

/* cell_layout: a cell w wide (padding and indent included) in its
 * column's alignment, cut with an ellipsis at a page's height, so that
 * even an absurdly long comment cannot run off the page. */
static PangoLayout *cell_layout(struct pdfdoc *d, const struct pdfdoc_table *t, size_t c, const char *cell,
				unsigned style, double w, double indent)
{
	w -= 2 * PAD_X + indent;
	if (w < 10)
		w = 10;
	PangoAlignment al = t->cols[c].right && !(style & PDFDOC_ROW_BAND) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
	PangoLayout *l = pdfdoc_layout(d->pc, cell, style & ROW_HEAD ? SZ_THEAD : SZ_TABLE, row_font(style), w, al);
	pango_layout_set_height(l, pango_units_from_double(pdfdoc_height(d) - 80));
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	return l;
}

/* row_layouts: the cells of a row laid out in their columns (a band's
 * first cell across them all); returns the row's height. */
static double row_layouts(struct pdfdoc *d, const struct pdfdoc_table *t, const char *const *cell, unsigned style,
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
		if (style & PDFDOC_ROW_BAND)
			for (size_t k = c + 1; k < t->ncols; k++)
				cw += w[k];
		ls[c] = cell_layout(d, t, c, cell[c], style, cw, first ? indent : 0);
		first = false;
		if (pdfdoc_layout_h(ls[c]) > h)
			h = pdfdoc_layout_h(ls[c]);
		if (style & PDFDOC_ROW_BAND)
			break;
	}
	if (h == 0) { /* an empty row still has a line's height */
		PangoLayout *l = pdfdoc_layout(d->pc, " ", SZ_TABLE, 0, 0, PANGO_ALIGN_LEFT);
		h = pdfdoc_layout_h(l);
		g_object_unref(l);
	}
	return h + 2 * PAD_Y;
}

static unsigned row_background(unsigned style)
{
	if (style & ROW_HEAD)
		return C_HEAD_BG;
	if (style & PDFDOC_ROW_BAND)
		return C_BAND_BG;
	return style & PDFDOC_ROW_SHADE ? C_TOTAL_BG : 0;
}

static void row_paint(struct pdfdoc *d, const struct pdfdoc_table *t, unsigned style, double indent,
		      const double *w, PangoLayout **ls, double h)
{
	cairo_t *cr = d->cr;
	const double left = d->pg.left;
	double total = 0;
	for (size_t c = 0; c < t->ncols; c++)
		total += w[c];
	unsigned bg = row_background(style);
	if (bg) {
		pdfdoc_rgb(cr, bg);
		cairo_rectangle(cr, left, d->y, total, h);
		cairo_fill(cr);
	}
	double x = left;
	bool first = true;
	for (size_t c = 0; c < t->ncols; c++) {
		if (ls[c]) {
			double ind = first ? indent : 0;
			first = false;
			pdfdoc_show(cr, ls[c], x + PAD_X + ind, d->y + PAD_Y, style & ROW_HEAD ? PDFDOC_ACCENT : PDFDOC_TEXT);
		}
		x += w[c];
	}
	if (style & PDFDOC_ROW_RULE)
		pdfdoc_hline(cr, left, d->y, total, 0.8, PDFDOC_STRONG_RULE);
	if (style & ROW_HEAD)
		pdfdoc_hline(cr, left, d->y + h, total, 0.8, PDFDOC_ACCENT);
	else
		pdfdoc_hline(cr, left, d->y + h, total, 0.4, PDFDOC_RULE);
}

static void free_layouts(PangoLayout **ls, size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (ls[c])
			g_object_unref(ls[c]);
}

void pdfdoc_table_draw(struct pdfdoc *d, const struct pdfdoc_table *t)
{
	if (t->nrows == 0)
		return;
	double w[PDFDOC_MAXCOL] = {0};
	table_widths(d, t, w);
	const char *head[PDFDOC_MAXCOL] = {0};
	for (size_t c = 0; c < t->ncols; c++)
		head[c] = t->cols[c].head;
	PangoLayout *hl[PDFDOC_MAXCOL];
	double hh = row_layouts(d, t, head, ROW_HEAD, 0, w, hl);
	bool need_head = true;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct trow *r = &t->rows[i];
		PangoLayout *ls[PDFDOC_MAXCOL];
		double h = row_layouts(d, t, (const char *const *)r->cell, r->style, r->indent, w, ls);
		if (i == 0) {
			need(d, hh + h);
		} else if (d->y + h > d->pg.bottom) {
			page_break(d);
			need_head = true;
		}
		if (need_head) {
			row_paint(d, t, ROW_HEAD, 0, w, hl, hh);
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

void pdfdoc_text(struct pdfdoc *d, const char *text, int tenths, unsigned font, unsigned rgb, double after)
{
	char *m = pdfdoc_markup(text);
	pdfdoc_para(d, m, tenths, font, rgb, after);
	free(m);
}

void pdfdoc_table_pair(struct pdfdoc_table *t, const char *label, const char *value, unsigned style)
{
	size_t r = pdfdoc_table_row(t, style, 0);
	pdfdoc_table_cell(t, r, 0, pdfdoc_markup(label));
	pdfdoc_table_cell(t, r, 1, pdfdoc_markup(value ? value : ""));
}
