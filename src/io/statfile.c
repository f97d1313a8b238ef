#include "statfile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonstat.h"
#include "px.h"
#include "readfile.h"
#include "scbcsv.h"

/* looks_px: the first statement is KEYWORD[lang]("...")= (PC-Axis files
 * start with CHARSET=, AXIS-VERSION= or another keyword). */
static bool looks_px(const char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	size_t k = i;
	while (i < n && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '_' ||
			 p[i] == '.'))
		i++;
	if (i == k || !(p[k] >= 'A' && p[k] <= 'Z'))
		return false;
	if (i < n && p[i] == '[') {
		while (i < n && p[i] != ']' && p[i] != '\n')
			i++;
		if (i < n && p[i] == ']')
			i++;
	}
	while (i < n && p[i] == ' ')
		i++;
	if (i < n && p[i] == '(') {
		while (i < n && p[i] != ')' && p[i] != '\n')
			i++;
		if (i < n && p[i] == ')')
			i++;
	}
	while (i < n && p[i] == ' ')
		i++;
	return i < n && p[i] == '=';
}

static bool looks_json(const char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && (p[i] == '{' || p[i] == '[');
}

/* looks_csv: a first line with a quoted field, a comma, a semicolon or a tab. */
static bool looks_csv(const char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < n && p[i] != '\n'; i++)
		if (p[i] == '"' || p[i] == ',' || p[i] == ';' || p[i] == '\t')
			return true;
	return false;
}

int statfile_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		   struct stat_cube *c, struct bd_error *err)
{
	const char *format = o ? o->format : NULL;
	if (!format) {
		if (looks_json(data, len))
			format = "json";
		else if (looks_px(data, len))
			format = "px";
		else if (looks_csv(data, len))
			format = "csv";
		else
			return bd_fail(err, "%s: not a statistics file bidrag reads: expected PC-Axis (KEYWORD=...; lines, "
					    "then DATA=), JSON-stat ({...}) or an SCB CSV download (a title, then a header "
					    "row)", origin);
	}
	if (strcmp(format, "px") == 0)
		return px_parse(data, len, origin, o, c, err);
	if (strcmp(format, "json") == 0 || strcmp(format, "json-stat") == 0 || strcmp(format, "jsonstat") == 0)
		return jsonstat_parse(data, len, origin, o, c, err);
	if (strcmp(format, "csv") == 0)
		return scbcsv_parse(data, len, origin, o, c, err);
	return bd_fail(err, "unknown statistics format '%s' (expected px, json or csv)", format);
}

int statfile_read(const char *path, const struct statfile_opts *o, struct stat_cube *c, struct bd_error *err)
{
	char *data;
	size_t len;
	if (read_file(path, STATFILE_MAX_BYTES, &data, &len, err))
		return -1;
	int rc = statfile_parse(data, len, path, o, c, err);
	free(data);
	return rc;
}
