/* jsonread.h: what the readers and writers of JSON documents (decision
 * files, register files, event batches) share: the one loader of a
 * document, typed field readers whose errors name the field by its JSON
 * path, names of JSON types for messages, and small setters. */
#ifndef BIDRAG_JSONREAD_H
#define BIDRAG_JSONREAD_H

#include <stdbool.h>
#include <stdint.h>

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

/* Typed field readers.  Each reads obj[key], where path is obj's own path
 * ("" at the top level, "parts[0].payment"), and on a value of the wrong
 * type or form fails with "ORIGIN: PATH.KEY: what is wrong (what was
 * expected)".  A missing optional field is no error and leaves the output
 * empty (NULL, "", 0, false).  Strings and arrays are copied into the
 * caller's pool through dup and alloc, so the result outlives the JSON. */
struct json_fields {
	const char *origin;
	struct bd_error *err;
	void *pool;
	char *(*dup)(void *pool, const char *s);
	void *(*alloc)(void *pool, size_t n, size_t size);
};

enum {
	JF_REQUIRED = 1,  /* missing (or, for text, empty) is an error */
	JF_NEWLINES = 2,  /* text may hold line breaks (free text) */
	JF_TABS = 4,      /* text may hold tabs */
	JF_NONEMPTY = 8,  /* an array needs at least one entry */
};

/* jf_fail: "ORIGIN: PATH: message" into the error; returns -1.  An empty
 * path is "(top level)". */
int jf_fail(const struct json_fields *f, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* jf_pathf: a path written by format; a long one is cut, never overflows. */
void jf_pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* jf_sub: path.key (key alone at the top level). */
void jf_sub(char *out, size_t n, const char *path, const char *key);
/* jf_keys: fails on a key of obj not in allowed (NULL-terminated). */
int jf_keys(const struct json_fields *f, const json_t *obj, const char *path, const char *const *allowed);
/* jf_text: a string without control characters (but those flags allow). */
int jf_text(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	    char **out);
/* jf_amount_value: v as whole kronor, 0 to max: an integer, or a string
 * such as "215 000 000" or "71,9 mkr"; p is v's path. */
int jf_amount_value(const struct json_fields *f, const json_t *v, const char *p, int64_t max, int64_t *out);
/* jf_amount: obj[key] as jf_amount_value; *present (may be NULL) says
 * whether it was given. */
int jf_amount(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	      int64_t max, int64_t *out, bool *present);
/* jf_date: a real calendar day, YYYY-MM-DD, into out[11] ("" if absent). */
int jf_date(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	    char out[11]);
/* jf_int: an integer from min to max (*out unchanged if absent). */
int jf_int(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	   int *out, int min, int max);
/* jf_bool: true or false (*out unchanged if absent). */
int jf_bool(const struct json_fields *f, const json_t *obj, const char *key, const char *path, bool *out);
/* jf_strings: an array of strings, copied (NULL-terminated; NULL and 0
 * if absent). */
int jf_strings(const struct json_fields *f, const json_t *obj, const char *key, const char *path, char ***out,
	       size_t *n);
/* jf_object: the object at key (*out NULL if absent and not required). */
int jf_object(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	      const json_t **out);
/* jf_array: the array at key and its size (NULL and 0 if absent). */
int jf_array(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	     const json_t **out, size_t *n);
/* jf_element: the i-th entry of arr, which must be an object; its path
 * "PATH[i]" into p. */
int jf_element(const struct json_fields *f, const json_t *arr, size_t i, const char *path, const json_t **out,
	       char *p, size_t plen);

/* json_set_str: o[key] = s, only when s is not NULL. */
void json_set_str(json_t *o, const char *key, const char *s);
/* json_string_array: a new array of the n strings. */
json_t *json_string_array(char *const *v, size_t n);

#endif
