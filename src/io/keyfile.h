/* keyfile.h: key values (or explicit amounts) per recipient from a
 * delimited file with a header row.
 *
 * The recipient is named by a code column (code, kod, kommunkod, länskod,
 * id) or a name column (name, namn, region, kommun, län, landsting,
 * mottagare, recipient, länsvis); without either, by the first column.  All
 * other columns are value columns: Swedish or plain numbers, "kr"/"mkr"
 * suffixes and "%" allowed, no negatives.  Decimal values are kept exactly
 * as scaled integers (value[c][r] / 10^scale[c]).
 *
 * Recipients are resolved against the reference data: as regions if every
 * row is a region, else as kommuner, else as samverkansregioner/RCC.  With
 * opaque ids (for data bidrag does not know), the code is taken as given.
 * Lines starting with '#' are comments; "# key: value" comments before the
 * header are metadata (name, date, label, unit, domain, source). */
#ifndef BIDRAG_KEYFILE_H
#define BIDRAG_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refdata.h"
#include "strmap.h"
#include "util.h"

struct keyfile {
	char *origin;
	size_t nrows, ncols;
	char **colname;    /* value column headers */
	int64_t **value;   /* value[col][row] */
	int *scale;        /* decimals per column */
	char **colerr;     /* first bad cell per column, or NULL */
	const char **id;   /* recipient code (or the text as given, for opaque ids) */
	const char **label;/* display name */
	uint32_t *line;
	unsigned kind;     /* the recipient kind resolved to; 0 for opaque ids */
	char *meta[6];     /* name, date, label, unit, domain, source */
	struct strpool pool;
	struct strmap index; /* id -> row */
};

enum { META_NAME, META_DATE, META_LABEL, META_UNIT, META_DOMAIN, META_SOURCE };

struct keyfile_opts {
	bool opaque_ids; /* take ids as given; no reference lookup */
	unsigned kinds;  /* restrict resolution to these kinds (0 = try all) */
};

void keyfile_init(struct keyfile *kf);
void keyfile_release(struct keyfile *kf);
/* keyfile_parse: from memory; origin names the input in messages. */
int keyfile_parse(struct keyfile *kf, const char *data, size_t len, const char *origin,
		  const struct keyfile_opts *o, struct bd_error *err);
/* keyfile_read: from a file ("-" for standard input). */
int keyfile_read(struct keyfile *kf, const char *path, const struct keyfile_opts *o, struct bd_error *err);
/* keyfile_column: the value column named `name` (case-insensitive, or a
 * unique prefix), or the only value column when name is NULL.  Fails with
 * the list of columns, or with the column's first bad cell. */
int keyfile_column(const struct keyfile *kf, const char *name, size_t *col, struct bd_error *err);
/* keyfile_row: row of recipient id, or -1. */
int64_t keyfile_row(const struct keyfile *kf, const char *id);

#endif
