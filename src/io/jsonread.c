/* jsonread.c: see jsonread.h. */
#include "jsonread.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decision.h"
#include "money.h"

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

int jf_fail(const struct json_fields *f, const char *path, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bd_fail(f->err, "%s: %s: %s", f->origin, path[0] ? path : "(top level)", msg);
}

void jf_pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

void jf_sub(char *out, size_t n, const char *path, const char *key)
{
	jf_pathf(out, n, "%s%s%s", path, path[0] ? "." : "", key);
}

int jf_keys(const struct json_fields *f, const json_t *obj, const char *path, const char *const *allowed)
{
	char msg[1024];
	return json_unknown_field(obj, allowed, msg, sizeof(msg)) ? jf_fail(f, path, "%s", msg) : 0;
}

int jf_text(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	    char **out)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected text)") : 0;
	if (!json_is_string(v))
		return jf_fail(f, p, "expected a string, found %s", json_type_name(v));
	const char *s = json_string_value(v);
	if ((flags & JF_REQUIRED) && !*s)
		return jf_fail(f, p, "empty (expected text)");
	/* Control characters would break payment files and tables; only free
	 * text may have line breaks. */
	for (const char *c = s; *c; c++) {
		bool allowed = (*c == '\n' && (flags & JF_NEWLINES)) || (*c == '\t' && (flags & JF_TABS));
		if ((unsigned char)*c < 0x20 && !allowed)
			return jf_fail(f, p, "a control character (0x%02x) at position %zu (expected plain text)",
				       (unsigned char)*c, (size_t)(c - s) + 1);
	}
	*out = f->dup(f->pool, s);
	return 0;
}

int jf_amount_value(const struct json_fields *f, const json_t *v, const char *p, int64_t max, int64_t *out)
{
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < 0)
			return jf_fail(f, p, "%lld is negative (expected whole kronor, 0 or more)", (long long)n);
		*out = (int64_t)n;
	} else if (json_is_string(v)) {
		char why[256];
		if (money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY, out, why, sizeof(why)))
			return jf_fail(f, p, "'%s': %s", json_string_value(v), why);
	} else if (json_is_real(v)) {
		return jf_fail(f, p, "a fractional JSON number (expected whole kronor as an integer, or a string "
				     "such as \"215 000 000\")");
	} else {
		return jf_fail(f, p, "expected an amount (an integer or a string such as \"215 000 000\"), found %s",
			       json_type_name(v));
	}
	if (*out > max) {
		char lim[NUM_BUFSZ];
		return jf_fail(f, p, "too large: at most %s kronor", fmt_kr(max, lim));
	}
	return 0;
}

int jf_amount(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	      int64_t max, int64_t *out, bool *present)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected an amount in kronor)") : 0;
	return jf_amount_value(f, v, p, max, out);
}

int jf_date(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	    char out[11])
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	out[0] = '\0';
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected a date, YYYY-MM-DD)") : 0;
	if (!json_is_string(v))
		return jf_fail(f, p, "expected a date (YYYY-MM-DD), found %s", json_type_name(v));
	const char *s = json_string_value(v);
	if (!date_valid(s))
		return jf_fail(f, p, "'%s' is not a date (expected YYYY-MM-DD, a real calendar day)", s);
	memcpy(out, s, 11);
	return 0;
}

int jf_int(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	   int *out, int min, int max)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected an integer from %d to %d)", min, max) : 0;
	if (!json_is_integer(v))
		return jf_fail(f, p, "expected an integer from %d to %d, found %s", min, max, json_type_name(v));
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return jf_fail(f, p, "%lld is out of range (expected %d to %d)", (long long)n, min, max);
	*out = (int)n;
	return 0;
}

int jf_bool(const struct json_fields *f, const json_t *obj, const char *key, const char *path, bool *out)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return jf_fail(f, p, "expected true or false, found %s", json_type_name(v));
	*out = json_is_true(v);
	return 0;
}

int jf_strings(const struct json_fields *f, const json_t *obj, const char *key, const char *path, char ***out,
	       size_t *n)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return jf_fail(f, p, "expected an array of strings, found %s", json_type_name(v));
	size_t k = json_array_size(v);
	char **lines = f->alloc(f->pool, k + 1, sizeof(char *));
	for (size_t i = 0; i < k; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s)) {
			char q[320];
			jf_pathf(q, sizeof(q), "%s[%zu]", p, i);
			return jf_fail(f, q, "expected a string, found %s", json_type_name(s));
		}
		lines[i] = f->dup(f->pool, json_string_value(s));
	}
	*out = lines;
	*n = k;
	return 0;
}

int jf_object(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	      const json_t **out)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected an object)") : 0;
	if (!json_is_object(v))
		return jf_fail(f, p, "expected an object, found %s", json_type_name(v));
	*out = v;
	return 0;
}

int jf_array(const struct json_fields *f, const json_t *obj, const char *key, const char *path, unsigned flags,
	     const json_t **out, size_t *n)
{
	char p[300];
	jf_sub(p, sizeof(p), path, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	*n = 0;
	if (!v)
		return flags & JF_REQUIRED ? jf_fail(f, p, "missing (expected an array)") : 0;
	if (!json_is_array(v))
		return jf_fail(f, p, "expected an array, found %s", json_type_name(v));
	if ((flags & JF_NONEMPTY) && json_array_size(v) == 0)
		return jf_fail(f, p, "empty (expected at least one entry)");
	*out = v;
	*n = json_array_size(v);
	return 0;
}

int jf_element(const struct json_fields *f, const json_t *arr, size_t i, const char *path, const json_t **out,
	       char *p, size_t plen)
{
	jf_pathf(p, plen, "%s[%zu]", path, i);
	*out = json_array_get(arr, i);
	if (!json_is_object(*out))
		return jf_fail(f, p, "expected an object, found %s", json_type_name(*out));
	return 0;
}
