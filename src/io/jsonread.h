/* jsonread.h: what the readers and writers of JSON documents (decision
 * files, register files) share: names of JSON types for messages, the check
 * that an object has no field the format does not know, and small setters. */
#ifndef BIDRAG_JSONREAD_H
#define BIDRAG_JSONREAD_H

#include <jansson.h>

#include "util.h"

/* json_load_doc: parse a whole JSON document of len bytes, the one way
 * every file and body is read: a leading UTF-8 byte order mark is skipped,
 * a NUL byte is refused (it would cut a string short), and so is an object
 * that names a key twice (one of the two values would be dropped
 * silently).  On failure NULL, with err "ORIGIN:LINE:COLUMN: ...".  The
 * caller owns the result (json_decref). */
json_t *json_load_doc(const char *data, size_t len, const char *origin, struct bd_error *err);

/* json_type_name: "an object", "a string", ... */
const char *json_type_name(const json_t *v);
/* json_unknown_field: a message "unknown field 'x' (expected one of: a, b)"
 * into msg when obj has a key not in allowed (NULL-terminated); returns
 * whether it did. */
bool json_unknown_field(const json_t *obj, const char *const *allowed, char *msg, size_t len);

/* json_set_str: o[key] = s, only when s is not NULL. */
void json_set_str(json_t *o, const char *key, const char *s);
/* json_string_array: a new array of the n strings. */
json_t *json_string_array(char *const *v, size_t n);

#endif
