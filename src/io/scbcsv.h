/* scbcsv.h: CSV downloads from SCB's Statistikdatabasen into a statistics
 * cube.
 *
 * The shape SCB writes: Windows-1252 text with CRLF line ends and no byte
 * order mark; a title line ("Population by region and year"), an empty
 * line, a header row naming the row variables ("region") and then one
 * column per period ("2018", "2026M01", "2023K4"), and one row per
 * combination of the row variables.  Fields may be quoted; the delimiter is
 * a comma, a semicolon or a tab (the first line that has one decides).
 *
 * The row variables become dimensions (categories in the order they first
 * appear), the period columns a time dimension "period".  A row variable
 * whose every value starts with a number and a space ("01 Stockholm
 * county") is split into code ("01") and label ("Stockholm county").
 * Values are exact decimals ('.' as the decimal point; ',' too when the
 * delimiter is not a comma); "..", ".", ":" and an empty field are missing,
 * "-" is zero.  A row given twice, a header column that is not a period
 * after the first that is, or a row with too many or too few fields is an
 * error naming the line.  A single-field line after the rows is a note
 * (footnotes, "Källa: SCB"). */
#ifndef BIDRAG_SCBCSV_H
#define BIDRAG_SCBCSV_H

#include <stddef.h>

#include "statcube.h"
#include "statfile.h"
#include "util.h"

int scbcsv_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		 struct stat_cube *c, struct bd_error *err);

#endif
