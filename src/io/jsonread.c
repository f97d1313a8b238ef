/* jsonread.c: see jsonread.h. */
#include "jsonread.h"

#include <string.h>

json_t *json_load_doc(const char *data, size_t len, const char *origin, struct bd_error *err)
{
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		size_t line = 1, col = 1;
		for (const char *c = data; c < nul; c++) {
			if (*c == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*c & 0xC0) != 0x80) {
				col++;
			}
		}
		bd_fail(err, "%s:%zu:%zu: a NUL byte (expected text; is this a binary or UTF-16 file?)", origin, line,
			col);
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		bd_fail(err, "%s:%d:%d: not valid JSON: %s", origin, je.line, je.column, je.text);
	return root;
}

const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a fractional number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

bool json_unknown_field(const json_t *obj, const char *const *allowed, char *msg, size_t len)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = strcmp(allowed[i], key) == 0;
		if (ok)
			continue;
		struct buf b;
		buf_init(&b, 4096);
		for (size_t i = 0; allowed[i]; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", allowed[i]);
		bd_strf(msg, len, "unknown field '%s' (expected one of: %s)", key, b.data ? b.data : "");
		buf_release(&b);
		return true;
	}
	return false;
}

void json_set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, json_string(s));
}

json_t *json_string_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}
