/* pdfdoc.h: a small PDF document engine on cairo and pango: pages with
 * margins and a footer, paragraphs that flow from page to page, headings
 * kept with what follows them, bookmarks, tables whose columns fit their
 * figures and that repeat their header row on every page they cross, and
 * figures drawn by the caller.  It knows nothing of grants or registers.
 *
 * Text is pango markup (see pdfdoc_esc for putting a string into it).  Font
 * sizes are in tenths of a point, colours 0xRRGGBB, lengths in points.
 *
 * Errors are sticky: a drawing call never fails; the first error (of cairo
 * or of writing the file) is kept and reported once by pdfdoc_close. */
#ifndef BIDRAG_PDFDOC_H
#define BIDRAG_PDFDOC_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "util.h"

/* The house colours, shared by the documents and the charts. */
#define PDFDOC_TEXT 0x1a1a1a
#define PDFDOC_MUTED 0x5b6570
#define PDFDOC_ACCENT 0x1f3a5f
#define PDFDOC_RULE 0xc9d0d8
#define PDFDOC_STRONG_RULE 0x3c4650

/* The most markup one text may take: a bound, not a size anyone reaches. */
#define PDFDOC_MARKUP_MAX ((size_t)16 << 20)

/* The outline's root: the parent of a top-level bookmark. */
#define PDFDOC_OUTLINE_ROOT 0

enum pdfdoc_font { PDFDOC_BOLD = 1 << 0, PDFDOC_ITALIC = 1 << 1 };

/* Markup. */

/* pdfdoc_esc: s appended to b as markup that shows it as written: valid
 * UTF-8 (a bad byte becomes U+FFFD, a control character a space, so one
 * bad byte cannot make pango drop a paragraph) with <, &, quotes escaped. */
void pdfdoc_esc(struct buf *b, const char *s);
/* pdfdoc_take: the text built in b, now the caller's to free (never NULL). */
char *pdfdoc_take(struct buf *b);
/* pdfdoc_markup: s as markup, allocated. */
char *pdfdoc_markup(const char *s);

/* Layout on any cairo surface (the charts draw with these too). */

/* pdfdoc_context: a pango context for cr at 72 dpi with unhinted metrics,
 * so text measures the same on a scratch surface, a PDF, an SVG and a PNG.
 * The caller unrefs it. */
PangoContext *pdfdoc_context(cairo_t *cr);
/* pdfdoc_layout: markup in the house font at tenths/10 points; width > 0
 * wraps it to that width, breaking inside a word only when the word is
 * wider than the line.  The caller unrefs it. */
PangoLayout *pdfdoc_layout(PangoContext *pc, const char *markup, int tenths, unsigned font, double width,
			   PangoAlignment align);
double pdfdoc_layout_w(PangoLayout *l);
double pdfdoc_layout_h(PangoLayout *l);
void pdfdoc_rgb(cairo_t *cr, unsigned rgb);
/* pdfdoc_show: l with its top left corner at (x, y). */
void pdfdoc_show(cairo_t *cr, PangoLayout *l, double x, double y, unsigned rgb);
/* pdfdoc_hline: a horizontal line w long, `width` thick. */
void pdfdoc_hline(cairo_t *cr, double x, double y, double w, double width, unsigned rgb);

/* Output: a file, or standard output for the path "-". */

struct pdfdoc_out;
/* pdfdoc_out_open: NULL and err ("cannot write the <what> '<path>': ...")
 * when the file cannot be made; what names the document in messages and
 * must outlive the out. */
struct pdfdoc_out *pdfdoc_out_open(const char *path, const char *what, struct bd_error *err);
/* pdfdoc_out_write: a cairo_write_func_t; closure is a struct pdfdoc_out. */
cairo_status_t pdfdoc_out_write(void *closure, const unsigned char *data, unsigned int len);
/* pdfdoc_out_close: flush, close and free out; st is cairo's status for
 * what was drawn.  On any error, err says what and a regular file is
 * removed, so no one mistakes a half-written file for a document. */
int pdfdoc_out_close(struct pdfdoc_out *out, cairo_status_t st, struct bd_error *err);
/* pdfdoc_first_error: a if it is an error, else b. */
cairo_status_t pdfdoc_first_error(cairo_status_t a, cairo_status_t b);

/* The document. */

struct pdfdoc_page {
	double width, height; /* the sheet */
	double left, top;     /* margins; the right margin is the left one */
	double bottom;        /* text stops here */
	double footer_y;      /* the footer's top, below bottom */
};

/* pdfdoc_footer_fn: the left part of page's footer, as markup to free. */
typedef char *pdfdoc_footer_fn(void *ctx, int page);
/* pdfdoc_draw_fn: a figure drawn on cr from (0, 0) in its own units. */
typedef void pdfdoc_draw_fn(cairo_t *cr, PangoContext *pc, void *ctx);

struct pdfdoc;

/* pdfdoc_open: a document at path ("-": standard output) with its first
 * page begun; NULL and err when the file cannot be made.  what names it
 * in messages ("PDF report") and must outlive the document. */
struct pdfdoc *pdfdoc_open(const char *path, const char *what, const struct pdfdoc_page *page,
			   struct bd_error *err);
/* pdfdoc_info: the document's title, author (left out when empty or not
 * UTF-8) and creation date; a date other than "YYYY-MM-DD" is left out,
 * so that the same input makes the same file. */
void pdfdoc_info(struct pdfdoc *d, const char *title, const char *author, const char *date);
/* pdfdoc_footer: what every page ends with, from the page it is set on:
 * a rule, left(ctx, page) and, when right is not NULL, right (markup,
 * copied) at the right margin. */
void pdfdoc_footer(struct pdfdoc *d, pdfdoc_footer_fn *left, void *ctx, const char *right);
/* pdfdoc_close: end the last page, write the file and free d; 0, or -1
 * and err with the first error met since pdfdoc_open. */
int pdfdoc_close(struct pdfdoc *d, struct bd_error *err);

/* The text column. */
double pdfdoc_width(const struct pdfdoc *d);
double pdfdoc_height(const struct pdfdoc *d);

/* pdfdoc_fresh_page: start a new page unless nothing is on this one. */
void pdfdoc_fresh_page(struct pdfdoc *d);
/* pdfdoc_skip: move down by dy points. */
void pdfdoc_skip(struct pdfdoc *d, double dy);
/* pdfdoc_rule: a line across the column dy below where the text is (it
 * does not move). */
void pdfdoc_rule(struct pdfdoc *d, double dy, double width, unsigned rgb);
/* pdfdoc_outline: a bookmark under parent to where the next block starts;
 * returns its id, a parent for others.  text is plain UTF-8. */
int pdfdoc_outline(struct pdfdoc *d, int parent, const char *text);

/* pdfdoc_para: a paragraph across the column, flowing onto the next page
 * between lines where the page ends, then `after` points of space.  Empty
 * or NULL markup draws nothing. */
void pdfdoc_para(struct pdfdoc *d, const char *markup, int tenths, unsigned font, unsigned rgb, double after);
/* pdfdoc_text: pdfdoc_para of plain UTF-8 text (escaped here). */
void pdfdoc_text(struct pdfdoc *d, const char *text, int tenths, unsigned font, unsigned rgb, double after);
/* pdfdoc_bullet: an item of a list, its first two lines kept together. */
void pdfdoc_bullet(struct pdfdoc *d, const char *markup, int tenths, unsigned rgb);
/* pdfdoc_heading: a bold heading, `before` points below what precedes it
 * (none at the top of a page), on a new page unless the next `keep` points
 * fit under it; with bookmark not NULL, a bookmark under parent to it
 * whose id is returned (else -1). */
int pdfdoc_heading(struct pdfdoc *d, const char *markup, int tenths, unsigned rgb, double before, double keep,
		   int parent, const char *bookmark);
/* pdfdoc_figure: fn's drawing, `units` wide and h units high, scaled to the
 * column's width at where the text is; moves below it.  The caller makes
 * room for it (pdfdoc_fresh_page). */
void pdfdoc_figure(struct pdfdoc *d, double units, double h, pdfdoc_draw_fn *fn, void *ctx);

/* Tables. */

#define PDFDOC_MAXCOL 6

struct pdfdoc_col {
	const char *head; /* markup */
	int weight;       /* share of the width the fitted columns leave; 0: fit the content */
	bool right;       /* aligned right: a figure */
};

enum pdfdoc_row_style {
	PDFDOC_ROW_BOLD = PDFDOC_BOLD,
	PDFDOC_ROW_ITALIC = PDFDOC_ITALIC,
	PDFDOC_ROW_RULE = 1 << 2,  /* a strong rule above: a sum */
	PDFDOC_ROW_SHADE = 1 << 3, /* a light background: a total */
	PDFDOC_ROW_BAND = 1 << 4,  /* the first cell spans the row: a title within the table */
};

struct pdfdoc_table;

/* pdfdoc_table_new: a table of the first PDFDOC_MAXCOL of cols, which must
 * outlive it. */
struct pdfdoc_table *pdfdoc_table_new(const struct pdfdoc_col *cols, size_t ncols);
/* pdfdoc_table_row: a new empty row (a set of pdfdoc_row_style), its first
 * non-empty cell indented by indent points; returns its index. */
size_t pdfdoc_table_row(struct pdfdoc_table *t, unsigned style, double indent);
size_t pdfdoc_table_rows(const struct pdfdoc_table *t);
/* pdfdoc_table_pair: a row of two cells of plain text, a label and its
 * value (NULL: empty), in a table of two columns: a letter's facts. */
void pdfdoc_table_pair(struct pdfdoc_table *t, const char *label, const char *value, unsigned style);
/* pdfdoc_table_cell: markup (allocated, now the table's; NULL: empty) in a
 * row's column, replacing what was there; outside the table it is freed. */
void pdfdoc_table_cell(struct pdfdoc_table *t, size_t row, size_t col, char *markup);
/* pdfdoc_table_draw: t where the text is.  The header row and the first
 * row are kept together; where a page ends, the rest goes on the next page
 * under the header row again.  A cell taller than a page is cut with an
 * ellipsis. */
void pdfdoc_table_draw(struct pdfdoc *d, const struct pdfdoc_table *t);
void pdfdoc_table_free(struct pdfdoc_table *t);

#endif
