/* decisionfile.h: the decision file (JSON, "bidrag-decision/1"), read and
 * written.  The format is documented in docs/decision-file.md, with a JSON
 * Schema in docs/decision-file.schema.json.
 *
 * Reading checks the shape and every value (types, amounts, dates, ids,
 * identifiers by their check digits) and fails on unknown fields; errors
 * read "FILE: parts[1].payment.deadline: ...".  Cross-field checks (sums,
 * deadlines against the decision date) are decision_check()'s. */
#ifndef BIDRAG_DECISIONFILE_H
#define BIDRAG_DECISIONFILE_H

#include <stddef.h>

#include <jansson.h>

#include "decision.h"

/* decisionfile_parse: data (len bytes of JSON) into d (initialised). */
int decisionfile_parse(struct decision *d, const char *data, size_t len, const char *origin, struct bd_error *err);
/* decisionfile_read: the same from a file ("-" for standard input). */
int decisionfile_read(struct decision *d, const char *path, struct bd_error *err);

/* decisionfile_json: the canonical form of d: fields in a fixed order,
 * amounts as integers, identifiers normalised, every allocation table
 * written out (computed ones marked "computed": true).  Caller owns it. */
json_t *decisionfile_json(const struct decision *d);
/* decisionfile_dump: the canonical form as text, two-space indent, ending in
 * a newline (malloc'd). */
char *decisionfile_dump(const struct decision *d);

#endif
