/* refload.h: the reference data (refdata.h) read from the compiled-in
 * files of data/ (regions.csv, kommuner.csv, groups.csv, orgs.csv). */
#ifndef BIDRAG_REFLOAD_H
#define BIDRAG_REFLOAD_H

#include "refdata.h"
#include "util.h"

/* refdata_load: parse the compiled-in data (idempotent).  Fails only if the
 * build is broken. */
int refdata_load(struct bd_error *err);

#endif
