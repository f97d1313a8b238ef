/* statcube.h: a statistics table ("cube") as a statistics office publishes
 * it, whatever the file format it came in (io/statfile.h reads PC-Axis,
 * JSON-stat 2.0 and SCB's CSV downloads into one).
 *
 * A cube has dimensions (region, sex, age, period, contents, ...), each with
 * an ordered list of categories (code and label), and one cell per
 * combination of categories, stored row-major: dimension 0 varies slowest,
 * the last dimension fastest (PC-Axis: the STUB variables then the HEADING
 * variables; JSON-stat: the order of "id").
 *
 * Values are exact decimals, never floating point: a cell holds mant /
 * 10^scale, with the scale the file wrote ("12.50" is 1250 and 2).  A cell
 * may instead be missing (PC-Axis "..", ".", ":", JSON-stat null), or nil
 * ("-": exactly zero, a value); the file's own symbol is kept with it.
 *
 * Everything is kept in the cube's string pool and freed by
 * statcube_release.  No file access here: the readers in io fill a cube
 * through the functions below. */
#ifndef BIDRAG_STATCUBE_H
#define BIDRAG_STATCUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "strmap.h"
#include "util.h"

/* The most cells a cube may have (16 bytes each). */
#define STATCUBE_MAX_CELLS ((size_t)20 * 1000 * 1000)
/* The most decimals a value may have. */
#define STAT_MAX_SCALE 18

enum stat_role {
	STAT_ROLE_NONE = 0,
	STAT_ROLE_TIME,    /* PC-Axis TIMEVAL or VARIABLE-TYPE "T"; JSON-stat role.time */
	STAT_ROLE_CONTENT, /* PC-Axis CONTVARIABLE; JSON-stat role.metric */
	STAT_ROLE_GEO,     /* PC-Axis MAP or VARIABLE-TYPE "G"; JSON-stat role.geo */
};

enum stat_status {
	STAT_VALUE = 0, /* mant / 10^scale (a status symbol may still be attached) */
	STAT_NIL,       /* the file's nil symbol ("-"): exactly zero, mant = 0 */
	STAT_MISSING,   /* no value: "..", ".", ":", null, or a cell the file left out */
};

struct stat_cell {
	int64_t mant;
	uint8_t scale;  /* 0..STAT_MAX_SCALE */
	uint8_t status; /* enum stat_status */
	uint16_t symbol; /* 1 + index into cube->symbol, 0 for none */
};

struct stat_category {
	const char *code;  /* as the file writes it ("0114", "TotSa", "2026M01") */
	const char *label; /* as shown ("Upplands Väsby", "totalt, samtliga män och kvinnor") */
	const char *note;  /* PC-Axis VALUENOTE(X), JSON-stat category.note; NULL if none */
	int64_t parent;    /* the category above it in a hierarchy, -1 if none */
	/* Categories of the content dimension (and, for a cube without one,
	 * the cube as a whole) may say: */
	const char *unit;      /* "antal" */
	const char *refperiod; /* "31 december respektive år", "Respektive månad" */
	const char *measure;   /* "stock" or "flow", NULL when unknown */
	const char *updated;   /* LAST-UPDATED */
	int decimals;          /* -1 when not said */
};

struct stat_dim {
	const char *code;  /* PC-Axis VARIABLECODE, else its name; JSON-stat the id */
	const char *label; /* PC-Axis the variable's name; JSON-stat the label */
	enum stat_role role;
	/* elimination: the table may be read without choosing in this
	 * dimension, by its elimination category `elim` (the total) when
	 * elim >= 0, else by summing every category.  PC-Axis ELIMINATION=YES
	 * or ="value"; JSON-stat extension.elimination, eliminationValueCode. */
	bool elimination;
	int64_t elim;
	bool hierarchy; /* some category has a parent (PC-Axis HIERARCHIES, JSON-stat child) */
	const char *note;
	size_t ncat;
	struct stat_category *cat;
	struct strmap by_code; /* code -> category index, after statcube_finish */
	const char **codes;    /* the keys of by_code */
};

/* A note on some cells: cat[d] is the category in dimension d, or -1 for
 * every category ("*" in a PC-Axis CELLNOTE). */
struct stat_cellnote {
	int64_t *cat;
	const char *text;
};

struct stat_cube {
	const char *origin;   /* the file, for messages */
	const char *format;   /* "PC-Axis", "JSON-stat 2.0", "SCB CSV" */
	const char *encoding; /* how the text was read, and why ("windows-1252 (CHARSET=\"ANSI\")") */
	/* The table's metadata; NULL when the file does not say. */
	const char *table_id; /* PC-Axis TABLEID, JSON-stat extension.px.tableid */
	const char *matrix;   /* PC-Axis MATRIX */
	const char *title;    /* PC-Axis TITLE, JSON-stat label, the CSV's first line */
	const char *contents; /* PC-Axis CONTENTS */
	const char *source;   /* "SCB", "Statistics Sweden" */
	const char *language; /* "sv", "en" */
	const char *updated;  /* LAST-UPDATED, JSON-stat updated */
	const char *created;  /* CREATION-DATE */
	const char *database; /* PC-Axis DATABASE */
	const char *subject;  /* PC-Axis SUBJECT-AREA */
	/* Unit, reference period, stock or flow and decimals of the whole
	 * table (its content categories may say it each for itself). */
	struct stat_category all;
	/* Dimensions; the first nstub are PC-Axis STUB (or JSON-stat stub). */
	size_t ndim, nstub;
	struct stat_dim *dim;
	/* Cells: has_values is false for a metadata file (JSON-stat with no
	 * values), which gives dimensions only; cell is then NULL. */
	bool has_values;
	size_t ncell;
	struct stat_cell *cell;
	/* The table's notes (PC-Axis NOTE/NOTEX, JSON-stat note). */
	size_t nnote;
	const char **note;
	size_t ncellnote;
	struct stat_cellnote *cellnote;
	/* The symbols cells carry ("..", "-"); a cell's symbol s is symbol[s-1]. */
	size_t nsymbol;
	const char **symbol;
	struct strpool pool;
};

void statcube_init(struct stat_cube *c);
void statcube_release(struct stat_cube *c);

/* statcube_str: a copy of s (len bytes; -1 for strlen) in the cube's pool;
 * NULL stays NULL. */
const char *statcube_str(struct stat_cube *c, const char *s, ptrdiff_t len);

/* Building a cube (the readers):
 *   statcube_add_dim: a dimension with ncat categories (filled by
 *     statcube_set_cat), appended; returns its index.
 *   statcube_set_cat: category i of dimension d (code NULL: the label);
 *     the code without the spaces around it, the label as written.
 *   statcube_finish: every dimension is complete: checks that codes are
 *     unique and not empty within each dimension, indexes them, and, when
 *     with_values, allocates the cells (all STAT_MISSING until set).
 *     Fails naming the dimension, or the size when the cube is too big. */
size_t statcube_add_dim(struct stat_cube *c, const char *code, const char *label, size_t ncat);
void statcube_set_cat(struct stat_cube *c, size_t d, size_t i, const char *code, const char *label);
int statcube_finish(struct stat_cube *c, bool with_values, struct bd_error *err);
/* statcube_symbol: the number a cell stores for symbol s (interned). */
uint16_t statcube_symbol(struct stat_cube *c, const char *s);
/* statcube_add_note: a table note. */
void statcube_add_note(struct stat_cube *c, const char *text);
/* statcube_add_cellnote: a note on the cells cat[0..ndim) (-1: any). */
void statcube_add_cellnote(struct stat_cube *c, const int64_t *cat, const char *text);

/* Reading a cube. */
/* statcube_cat: the index of the category with this exact code, or -1. */
int64_t statcube_cat(const struct stat_dim *d, const char *code);
/* statcube_offset: the cell of the categories cat[0..ndim). */
size_t statcube_offset(const struct stat_cube *c, const size_t *cat);
/* statcube_coords: the categories of cell `offset`, into cat[0..ndim). */
void statcube_coords(const struct stat_cube *c, size_t offset, size_t *cat);
/* statcube_cell_name: "region=0114 Upplands Väsby, kön=2 kvinnor, år=2020"
 * for messages (malloc'd). */
char *statcube_cell_name(const struct stat_cube *c, size_t offset);
/* statcube_cell_notes: the cell notes that concern cell `offset`, joined by
 * " | " (malloc'd), or NULL. */
char *statcube_cell_notes(const struct stat_cube *c, size_t offset);
/* statcube_find_dim: the dimension named `name` by code or label
 * (case-insensitive, Swedish letters too).  Fails listing the dimensions. */
int statcube_find_dim(const struct stat_cube *c, const char *name, size_t *d, struct bd_error *err);
/* statcube_dim_name: "kön (Kon)" or "region" when code and label agree,
 * for messages (into buf). */
const char *statcube_dim_name(const struct stat_dim *d, char *buf, size_t n);

/* Exact decimals. */
/* stat_decimal_parse: s[0..n) is "-12", "12.50", "1.5e3", "-2E-2" (a JSON or
 * PC-Axis number); into mant / 10^scale, scale the decimals written (at
 * most STAT_MAX_SCALE after the exponent), mant within int64.  Returns 0,
 * or -1 with why ("more than 18 decimals", "not a number"). */
int stat_decimal_parse(const char *s, size_t n, int64_t *mant, int *scale, const char **why);
/* stat_decimal_text: mant / 10^scale as text with exactly `scale` decimals,
 * '.' as the decimal point ("-1234.50"); with group, a space between groups
 * of three digits and ',' as the decimal point ("-1 234,50").  malloc'd. */
char *stat_decimal_text(const mpz_t mant, int scale, bool group);

/* stat_is_total: a category that stands for all the others of its
 * dimension by its code or label ("total", "totalt", "tot", "TotSa",
 * "totalt, samtliga åldrar"); the dimension's elimination category is one
 * too (statcube users check d->elim themselves). */
bool stat_is_total(const struct stat_category *cat);

/* stat_text_fold: name_fold(s, false) (refdata.h): text case-folded (Swedish letters too) with runs of
 * white space collapsed, for comparing names (malloc'd). */
char *stat_text_fold(const char *s);

#endif
