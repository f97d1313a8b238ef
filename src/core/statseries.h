/* statseries.h: one series out of a statistics cube (statcube.h): one exact
 * value per region, the sum of exactly the cells a selection names, with
 * where it came from.
 *
 * A selection names, for some dimensions, what to take ("Kön=kvinnor",
 * "Ålder=15-44", --period 2023); the region dimension gives the rows.
 *   - A value is chosen by code or by label, as the file writes them
 *     (Swedish or English), case-insensitive: "kvinnor", "2", "women".
 *   - Several values are summed: "Ålder=15-19 år,20-24 år" (a value whose
 *     own code or label contains a comma is taken whole first).
 *   - An age range "15-44", "65+", "-17", "80-" ("15-44 år", "65+ years")
 *     takes the categories whose ages lie within it, single-year ages ("15",
 *     "15 år", "15 years") or groups ("15-19 år", "100+", "-14"), and
 *     refuses a range that cuts a group ("15-44" over "10-19 år"), that
 *     leaves an age uncovered, or that the file covers twice (single years
 *     and groups side by side: list the codes to sum instead).
 *   - A total ("totalt", "total", the dimension's elimination value) is
 *     never added to its own parts: choosing it with its parts, or a
 *     category with one above it in a hierarchy, is an error.
 *   - The time dimension and the content dimension take exactly one value.
 *   - A selection in the region dimension keeps those rows (never sums
 *     them): "region=01,03".
 * A dimension not named is taken whole when it can be without guessing: its
 * only value; else its elimination value or its one total; else, when the
 * file allows leaving it out (PC-Axis ELIMINATION=YES), the sum of all its
 * values; otherwise it is an error that lists the dimension and its values.
 * A missing cell among those summed is an error naming the cell; the nil
 * symbol "-" is zero.  Parts are summed exactly as published: where SCB
 * adds noise (reference years 2025 on) the sum of parts may differ from the
 * published total, and is left so.
 *
 * The reference date comes from the file: for a year, "31 december" (SCB's
 * BE0101 tables) or "1 november" (Folkmängd 1 november) in the table's
 * reference period or notes; for a month, the month's last day when the
 * file says the figures are for the last day of the month.  ref_basis says
 * which text decided it.  A flow (births over a year) or a file that says
 * nothing gives no date, unless the caller gives one. */
#ifndef BIDRAG_STATSERIES_H
#define BIDRAG_STATSERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "refdata.h"
#include "statcube.h"
#include "util.h"

/* One --select: dimension (code or label) and value text. */
struct stat_pick {
	const char *dim;
	const char *value;
};

/* stat_pick_parse: "Kön=kvinnor" into pick (pointers into text, which is
 * modified: the '=' becomes a NUL).  Fails unless there is a '=' with text
 * on both sides. */
int stat_pick_parse(char *text, struct stat_pick *pick, struct bd_error *err);

struct stat_series_opts {
	const struct stat_pick *pick;
	size_t npick;
	const char *period;     /* the time dimension's value (code or label); NULL: it must have one */
	const char *region_dim; /* the dimension of the rows; NULL: the one region dimension */
	const char *ref_date;   /* YYYY-MM-DD, overriding what the file says; NULL */
};

struct stat_series {
	size_t n;            /* rows: one per region category, in the file's order */
	const char **code;   /* the region category's code ("0114") */
	const char **label;  /* and label ("0114 Upplands Väsby") */
	const char **note;   /* cell notes on the row's cells, or NULL */
	mpz_t *value;        /* value[i] / 10^scale, exact */
	int scale;           /* the most decimals of any cell summed */
	size_t cells;        /* cells summed per row */
	/* Provenance (never NULL; "" when the file does not say). */
	const char *origin, *format, *encoding;
	const char *source, *table_id, *title, *contents, *unit;
	const char *updated, *created; /* LAST-UPDATED (of the content chosen), CREATION-DATE */
	const char *region_dim; /* the label of the rows' dimension */
	const char *period;     /* the period's code, "" when the table has no time dimension */
	const char *selection;  /* what was taken from each other dimension, "; "-separated */
	char ref_date[11];      /* YYYY-MM-DD, or "" when unknown */
	const char *ref_basis;  /* why that date (or why none) */
	bool noise;             /* the file says its figures carry deliberate noise (parts need not add up) */
	struct strpool pool;
};

/* stat_series_select: the series of cube c (which must hold values) under
 * o.  On failure s is empty and err says what to choose. */
int stat_series_select(const struct stat_cube *c, const struct stat_series_opts *o, struct stat_series *s,
		       struct bd_error *err);
void stat_series_release(struct stat_series *s);

/* stat_series_value64: row i's value as mant / 10^s->scale with mant in
 * int64; fails (-1) when it does not fit. */
int stat_series_value64(const struct stat_series *s, size_t i, int64_t *mant);

/* stat_ref_date: the reference date of period `period` (a code such as
 * "2004", "2026M01") by the texts of the cube: the content category's
 * reference period and measure (content may be NULL), the table's, its
 * notes.  out is "" when they do not say; basis (malloc'd) says which text
 * decided, or why none did. */
void stat_ref_date(const struct stat_cube *c, const char *period, const struct stat_category *content, char out[11],
		   char **basis);

/* The rows as recipients of the register (refdata.h, which must be
 * loaded).  A row is matched by its code ("01" a region, "0114" a kommun),
 * or by its label when the file gives no code.  kinds is RK_REGION,
 * RK_KOMMUN, or 0 to take the one kind every known row has (an error, when
 * rows of both are present, asks for one).  A row that is not a recipient
 * of that kind ("00" Riket, a län in a table of kommuner, a kommun that no
 * longer exists) fails, naming every such row, unless skip_unknown; then
 * it is left out and named in `skipped`. */
struct stat_rows {
	const struct recipient **rec; /* per series row; NULL when skipped */
	unsigned kind;                /* the kind resolved to */
	size_t nskipped;
	char *skipped;                /* "00 Sweden, 1917 Heby" (malloc'd), or NULL */
};
int stat_series_resolve(const struct stat_series *s, unsigned kinds, bool skip_unknown, struct stat_rows *rows,
			struct bd_error *err);
/* stat_series_recode: the row SCB wrote with code FROM taken as the
 * register's recipient TO ("1917=0331": Heby was kommun 1917 in
 * Västmanlands län until 2007, and is 0331 in Uppsala län), said in the
 * selection.  Refused: a text that is not FROM=TO, no row or two rows of
 * code FROM, TO not a region or kommun of the register, TO among the rows
 * already.  Call before stat_series_resolve. */
int stat_series_recode(struct stat_series *s, const char *text, struct bd_error *err);
void stat_rows_release(struct stat_rows *rows);

#endif
