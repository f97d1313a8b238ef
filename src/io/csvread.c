#include "csvread.h"

#include <csv.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define CSV_FIELD_MAX ((size_t)1 << 20)

struct reader {
	struct csv_row row;
	size_t cap;      /* room in row.field and start */
	size_t *start;   /* each field's offset in text */
	char *text;      /* the row's fields, NUL-terminated one after another */
	size_t len, textcap;
	csv_row_fn on_row;
	void *ctx;
	const char *origin;
	struct bd_error *err;
	int failed;
	size_t line;
	size_t records;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->failed)
		return;
	if (len > CSV_FIELD_MAX) {
		r->failed = bd_fail(r->err, "%s:%zu: a field is longer than 1 MiB", r->origin, r->line);
		return;
	}
	if (r->row.nfields == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->start = xreallocarray(r->start, r->cap, sizeof(size_t));
		r->row.field = xreallocarray(r->row.field, r->cap, sizeof(char *));
		r->row.len = xreallocarray(r->row.len, r->cap, sizeof(size_t));
	}
	if (r->textcap - r->len < len + 1) {
		while (r->textcap - r->len < len + 1)
			r->textcap = r->textcap ? 2 * r->textcap : 4096;
		r->text = xrealloc(r->text, r->textcap);
	}
	if (len)
		memcpy(r->text + r->len, s, len);
	r->text[r->len + len] = '\0';
	r->row.len[r->row.nfields] = len;
	r->start[r->row.nfields++] = r->len;
	r->len += len + 1;
}

/* row_done: hand the row to on_row (unless reading has failed), then start
 * the next one; the one end of a row for libcsv's records and plain lines. */
static void row_done(struct reader *r)
{
	if (!r->failed) {
		r->row.line = r->line;
		if (r->on_row(&r->row, r->ctx, r->err))
			r->failed = -1;
	}
	r->row.nfields = 0;
	r->len = 0;
	r->records++;
}

static void on_record(int c, void *data)
{
	(void)c;
	struct reader *r = data;
	/* Pointers only now: text may have moved while the row grew. */
	for (size_t i = 0; i < r->row.nfields; i++)
		r->row.field[i] = r->text + r->start[i];
	row_done(r);
}

/* Only blanks are trimmed around fields; a tab is a delimiter in TSV. */
static int is_space(unsigned char c)
{
	return c == ' ';
}

static bool valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* Most text is ASCII: skip eight such bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = p[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (p[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + j] & 0x3F);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

/* text_column: the 1-based column, in characters, of byte off of line. */
static size_t text_column(const char *line, size_t off)
{
	size_t col = 1;
	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)line[i] & 0xC0) != 0x80;
	return col;
}

static char detect_delimiter(const char *line, size_t len)
{
	size_t tabs = 0, semis = 0, commas = 0;
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == '\t')
			tabs++;
		else if (!quoted && line[i] == ';')
			semis++;
		else if (!quoted && line[i] == ',')
			commas++;
	}
	if (tabs)
		return '\t';
	if (semis && semis >= commas)
		return ';';
	return ',';
}

/* split_plain: a line without quotes (or carriage returns) has no grammar
 * to apply: its fields are the bytes between delimiters, blanks trimmed, as
 * libcsv would give them.  Lines with a quote go to libcsv.  With ten
 * million rows this is a third of the reading time. */
static void split_plain(struct reader *r, const char *line, size_t len, char delim)
{
	/* The line is copied once and cut at its delimiters in the copy (fields
	 * NUL-terminated in place), not copied field by field through
	 * on_field: ten million rows of three fields spent a third of their
	 * reading time in those calls. */
	if (r->textcap < len + 1) {
		while (r->textcap < len + 1)
			r->textcap = r->textcap ? 2 * r->textcap : 4096;
		r->text = xrealloc(r->text, r->textcap);
	}
	char *text = r->text, *end = text + len;
	memcpy(text, line, len);
	*end = '\0';
	size_t n = 0;
	for (char *f = text;;) {
		char *d = f;
		while (d < end && *d != delim)
			d++;
		char *fe = d, *fs = f;
		while (fs < fe && *fs == ' ')
			fs++;
		while (fe > fs && fe[-1] == ' ')
			fe--;
		if ((size_t)(fe - fs) > CSV_FIELD_MAX) {
			r->failed = bd_fail(r->err, "%s:%zu: a field is longer than 1 MiB", r->origin, r->line);
			return;
		}
		if (n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 16;
			r->start = xreallocarray(r->start, r->cap, sizeof(size_t));
			r->row.field = xreallocarray(r->row.field, r->cap, sizeof(char *));
			r->row.len = xreallocarray(r->row.len, r->cap, sizeof(size_t));
		}
		*fe = '\0';
		r->row.field[n] = fs;
		r->row.len[n++] = (size_t)(fe - fs);
		if (d == end)
			break;
		f = d + 1;
	}
	r->row.nfields = n;
	row_done(r);
}

/* plain_line: where the line at data[pos..len) ends (the offset of its
 * newline, or len) when it is ASCII without a carriage return, NUL or
 * quote, else SIZE_MAX.  Such a line needs none of the checks below (valid
 * UTF-8, no NUL, no lone CR, no quoting): one pass, eight bytes at a time,
 * instead of a memchr for each. */
static size_t plain_line(const char *data, size_t pos, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i = pos;
	for (; i + 8 <= len; i += 8) {
		uint64_t w, nl, cr, q;
		memcpy(&w, data + i, 8);
		nl = w ^ (ones * '\n');
		cr = w ^ (ones * '\r');
		q = w ^ (ones * '"');
		/* a zero byte in w, nl, cr or q, or a byte >= 0x80: look closer */
		if ((((nl - ones) & ~nl) | ((cr - ones) & ~cr) | ((q - ones) & ~q) | ((w - ones) & ~w) | w) & high)
			break;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\n')
			return i;
		if (c == '\r' || c == '\0' || c == '"' || c >= 0x80)
			return SIZE_MAX;
	}
	return len;
}

int csv_read_buffer(const char *data, size_t len, const char *origin, csv_row_fn on_row,
		    csv_comment_fn on_comment, void *ctx, struct bd_error *err)
{
	return csv_read_buffer_delim(data, len, origin, 0, on_row, on_comment, ctx, err);
}

int csv_read_buffer_delim(const char *data, size_t len, const char *origin, char delim, csv_row_fn on_row,
			  csv_comment_fn on_comment, void *ctx, struct bd_error *err)
{
	struct reader r = {.on_row = on_row, .ctx = ctx, .origin = origin, .err = err};
	struct csv_parser p;
	/* (libcsv fails here only when it cannot allocate: no test reaches
	 * it; tests/coverage.md) */
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return bd_fail(err, "%s: cannot start the CSV parser", origin);
	csv_set_space_func(&p, is_space);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	bool delim_set = delim != 0, in_record = false;
	if (delim)
		csv_set_delim(&p, (unsigned char)delim);
	size_t pos = 0, record_line = 0;
	int rc = 0;
	while (pos < len && !r.failed) {
		size_t plain_end = in_record ? SIZE_MAX : plain_line(data, pos, len);
		if (plain_end != SIZE_MAX) { /* what the general path below does with such a line */
			const char *line = data + pos;
			size_t content = plain_end - pos;
			r.line++;
			pos = plain_end < len ? plain_end + 1 : len;
			if (content == 0)
				continue;
			if (line[0] == '#') {
				if (on_comment)
					on_comment(line + 1, content - 1, ctx);
				continue;
			}
			if (!delim_set) {
				csv_set_delim(&p, (unsigned char)detect_delimiter(line, content));
				delim_set = true;
			}
			split_plain(&r, line, content, (char)csv_get_delim(&p));
			continue;
		}
		/* A line ends at a newline, or at a carriage return not followed
		 * by one (old Mac files): libcsv ends a row at either, so the
		 * line numbers count both, and no two rows share one. */
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t stop = nl ? (size_t)(nl - data) : len;
		const char *cr = memchr(data + pos, '\r', stop - pos);
		if (cr && (size_t)(cr - data) + 1 < stop)
			nl = cr; /* a lone carriage return before the newline */
		else if (cr && !nl && (size_t)(cr - data) + 1 == len)
			nl = cr; /* the last byte */
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		const char *line = data + pos;
		size_t ll = end - pos;
		r.line++;
		pos = end;
		/* A NUL would end the cell it is in as a C string: "1\0 00" would
		 * read as 1.  No text file has one, so it is refused. */
		const char *nul = memchr(line, '\0', ll);
		if (nul) {
			rc = bd_fail(err, "%s:%zu:%zu: a NUL byte (expected text; is this a binary or UTF-16 file?)",
				     origin, r.line, text_column(line, (size_t)(nul - line)));
			break;
		}
		if (!valid_utf8((const unsigned char *)line, ll)) {
			rc = bd_fail(err, "%s:%zu: the line is not valid UTF-8 (save the file as UTF-8)", origin, r.line);
			break;
		}
		size_t content = ll;
		while (content > 0 && (line[content - 1] == '\n' || line[content - 1] == '\r'))
			content--;
		if (!in_record) {
			if (content == 0)
				continue;
			if (line[0] == '#') {
				if (on_comment)
					on_comment(line + 1, content - 1, ctx);
				continue;
			}
			if (!delim_set) {
				csv_set_delim(&p, (unsigned char)detect_delimiter(line, content));
				delim_set = true;
			}
		}
		if (!in_record && !memchr(line, '"', content) && !memchr(line, '\r', content)) {
			split_plain(&r, line, content, (char)csv_get_delim(&p));
			continue;
		}
		size_t before = r.records;
		if (!in_record)
			record_line = r.line;
		/* The last line is ended as if it had a newline, so that an open
		 * quote shows below instead of being closed by csv_fini.  Not
		 * strict (no CSV_STRICT), libcsv refuses nothing but what it cannot
		 * allocate (a field past SIZE_MAX, or memory): the error below is
		 * for that, and no test reaches it (tests/coverage.md). */
		if (csv_parse(&p, line, ll, on_field, on_record, &r) != ll ||
		    (!nl && csv_parse(&p, "\n", 1, on_field, on_record, &r) != 1)) {
			rc = bd_fail(err, "%s:%zu: %s", origin, r.line, csv_strerror(csv_error(&p)));
			break;
		}
		/* A line that did not end a record lies inside a quoted field
		 * that spans lines. */
		in_record = r.records == before;
	}
	if (!rc && !r.failed && in_record)
		rc = bd_fail(err, "%s:%zu: unterminated quoted field (a '\"' opened on this line is never closed)",
			     origin, record_line);
	/* (csv_fini fails only with CSV_STRICT_FINI, not set: an open quote
	 * is the message above; tests/coverage.md) */
	if (!rc && !r.failed && csv_fini(&p, on_field, on_record, &r) != 0)
		rc = bd_fail(err, "%s:%zu: unterminated quoted field", origin, r.line);
	if (r.failed)
		rc = -1;
	csv_free(&p);
	free(r.start);
	free(r.text);
	free(r.row.field);
	free(r.row.len);
	return rc;
}
