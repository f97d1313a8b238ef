/* jsonstat.h: JSON-stat 2.0 datasets, as SCB's PxWebApi v2 returns them,
 * into a statistics cube.
 *
 * A dataset ("class": "dataset") with "id", "size" and "dimension": each
 * dimension's category "index" (an array of codes, or an object code ->
 * position), "label", "unit" (decimals), "child" (a hierarchy) and "note";
 * "role" (time, metric, geo); PxWebApi's "extension": elimination,
 * eliminationValueCode, refperiod, measuringType, and extension.px
 * (tableid, contents, decimals, language, stub, heading, matrix).  "value"
 * is an array in row-major order or a sparse object ("17": 123; a cell not
 * named is missing), numbers or null; "status" is one symbol for all, an
 * array, or an object by position.  The metadata response (the same
 * object with "value": []) gives the dimensions without cells.
 *
 * Numbers are kept exactly as written ("12.50" is 1250 and 2 decimals):
 * jansson would read a decimal as a double, so decimals are taken from the
 * text before it parses.  Errors name the JSON path ("dimension.Kon.
 * category.index"). */
#ifndef BIDRAG_JSONSTAT_H
#define BIDRAG_JSONSTAT_H

#include <stddef.h>

#include "statcube.h"
#include "statfile.h"
#include "util.h"

int jsonstat_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		   struct stat_cube *c, struct bd_error *err);

#endif
