/* test-csvread: the reader gives the rows libcsv gives.  Lines without
 * quotes take a fast path (split at the delimiter); libcsv itself, set up
 * the same way, is the oracle on random input. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "csvread.h"
#include "prng.h"
#include "tap.h"

struct rows {
	struct buf text; /* fields as "f1|f2|...\n" */
};

static int collect(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	struct rows *r = ctx;
	(void)err;
	for (size_t i = 0; i < row->nfields; i++)
		buf_addf(&r->text, "%s[%s]", i ? "|" : "", row->field[i]);
	buf_adds(&r->text, "\n");
	return 0;
}

/* collect_line: the rows' line numbers, "1 2 4". */
static int collect_line(const struct csv_row *row, void *ctx, struct bd_error *err)
{
	struct rows *r = ctx;
	(void)err;
	buf_addf(&r->text, "%s%zu", r->text.len ? " " : "", row->line);
	return 0;
}

static void oracle_field(void *s, size_t len, void *ctx)
{
	struct buf *b = ctx;
	buf_adds(b, b->len && b->data[b->len - 1] != '\n' ? "|[" : "[");
	buf_add(b, s ? s : "", s ? len : 0);
	buf_adds(b, "]");
}

static void oracle_record(int c, void *ctx)
{
	(void)c;
	buf_adds(ctx, "\n");
}

static int only_space(unsigned char c)
{
	return c == ' ';
}

/* libcsv as bidrag sets it up, on input that has no comments, blank lines
 * or byte order mark. */
static void oracle(const char *data, size_t len, char delim, struct buf *out)
{
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	csv_set_space_func(&p, only_space);
	csv_set_delim(&p, (unsigned char)delim);
	csv_parse(&p, data, len, oracle_field, oracle_record, out);
	csv_fini(&p, oracle_field, oracle_record, out);
	csv_free(&p);
}

static const char *const pieces[] = {"a", "b", "Gotland", " ", "  ", "12", "3,5", "Jämtland", "x y", ""};

int main(void)
{
	static const char delims[] = {',', ';', '\t'};
	rng_seed(20261124);
	int mismatches = 0, cases = 0, quoted_lines = 0;
	for (int t = 0; t < 2000; t++) {
		char delim = delims[rng_below(3)];
		struct buf in;
		buf_init(&in, 1 << 20);
		/* The first line fixes the delimiter the reader detects. */
		buf_addf(&in, "h1%ch2%ch3\n", delim, delim);
		int lines = 1 + (int)rng_below(6);
		for (int l = 0; l < lines; l++) {
			int fields = 1 + (int)rng_below(5);
			for (int f = 0; f < fields; f++) {
				if (f)
					buf_add(&in, &delim, 1);
				if (rng_below(8) == 0) { /* a quoted field: libcsv's path */
					buf_addf(&in, "\"q%c %s\"", delim, pieces[rng_below(BD_ARRAY_LEN(pieces))]);
					quoted_lines++;
				} else {
					int k = (int)rng_below(3);
					for (int i = 0; i < k; i++)
						buf_adds(&in, pieces[rng_below(BD_ARRAY_LEN(pieces))]);
				}
			}
			/* keep every line non-blank (the reader skips blank lines),
			 * in a field of its own so that quoted fields stay valid */
			buf_add(&in, &delim, 1);
			buf_adds(&in, "z");
			buf_adds(&in, rng_below(4) == 0 ? "\r\n" : "\n");
		}
		struct rows got;
		buf_init(&got.text, 1 << 20);
		struct bd_error err;
		int rc = csv_read_buffer(in.data, in.len, "t", collect, NULL, &got, &err);
		struct buf want;
		buf_init(&want, 1 << 20);
		oracle(in.data, in.len, delim, &want);
		cases++;
		if (rc != 0 || !got.text.data || !want.data || strcmp(got.text.data, want.data) != 0) {
			if (mismatches++ < 3)
				diag("input:\n%s\ngot:\n%s\nwant:\n%s", in.data, got.text.data ? got.text.data : "(none)",
				     want.data ? want.data : "(none)");
		}
		buf_release(&in);
		buf_release(&got.text);
		buf_release(&want);
	}
	ok(mismatches == 0, "%d random inputs (comma, semicolon, tab; blanks, empty fields, CRLF): rows equal libcsv's (%d mismatches)",
	   cases, mismatches);
	ok(quoted_lines > 100, "the inputs mix quoted lines (libcsv's path) with plain ones (%d quoted fields)", quoted_lines);

	/* A field that spans lines still goes through libcsv. */
	const char *multi = "a,b\n\"x\ny\",2\n";
	struct rows got;
	buf_init(&got.text, 1 << 16);
	struct bd_error err;
	ok(csv_read_buffer(multi, strlen(multi), "t", collect, NULL, &got, &err) == 0 && got.text.data &&
		   strcmp(got.text.data, "[a]|[b]\n[x\ny]|[2]\n") == 0,
	   "a quoted field with a newline");
	buf_release(&got.text);
	/* A carriage return inside a line ends a record, as in libcsv. */
	const char *cr = "a,b\n1,2\r3,4\n";
	buf_init(&got.text, 1 << 16);
	ok(csv_read_buffer(cr, strlen(cr), "t", collect, NULL, &got, &err) == 0 && got.text.data &&
		   strcmp(got.text.data, "[a]|[b]\n[1]|[2]\n[3]|[4]\n") == 0,
	   "a bare carriage return ends a record");
	buf_release(&got.text);
	/* ... and a line: each row its own line number, CRLF one line end, a
	 * lone carriage return last in the file or in a quoted field too. */
	static const struct {
		const char *data, *lines;
	} crs[] = {
		{"a,b\r1,2\r3,4", "1 2 3"},
		{"a,b\r\n1,2\r\r3,4\r\n5,6\r", "1 2 4 5"},
		{"a,b\n\"x\ry\",2\r3,4\n", "1 3 4"},
		{"a,b\r\"q\",1\r\n\r\"z\",2\n", "1 2 4"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(crs); i++) {
		buf_init(&got.text, 1 << 16);
		int rc = csv_read_buffer(crs[i].data, strlen(crs[i].data), "t", collect_line, NULL, &got, &err);
		ok(rc == 0 && got.text.data && strcmp(got.text.data, crs[i].lines) == 0,
		   "carriage returns, case %zu: rows on lines %s (got %s)", i + 1, crs[i].lines,
		   rc ? err.msg : got.text.data ? got.text.data : "none");
		buf_release(&got.text);
	}

	/* A NUL byte would end its cell as a C string ("1\0 00" read as 1):
	 * refused wherever it is, plain or quoted, with line and column. */
#define S(lit) lit, sizeof(lit) - 1
	static const struct {
		const char *data;
		size_t len;
		const char *msg;
	} nuls[] = {
		{S("k;v\n01;1\0 00\n"), "t.csv:2:5: a NUL byte"},
		{S("k;v\n01;\"1\0 00\"\n"), "t.csv:2:6: a NUL byte"},
		{S("k;v\n\"Sk\xC3\xA5ne\";\0\n"), "t.csv:2:9: a NUL byte"},
		{S("k;v\n\"a\nb\0\";1\n"), "t.csv:3:2: a NUL byte"},
	};
#undef S
	for (size_t i = 0; i < sizeof(nuls) / sizeof(nuls[0]); i++) {
		buf_init(&got.text, 1 << 16);
		int rc = csv_read_buffer(nuls[i].data, nuls[i].len, "t.csv", collect, NULL, &got, &err);
		ok(rc != 0 && strncmp(err.msg, nuls[i].msg, strlen(nuls[i].msg)) == 0,
		   "NUL byte case %zu is refused: %s", i + 1, rc ? err.msg : "accepted");
		buf_release(&got.text);
	}
	/* Every message names the input, the field limit's too. */
	struct buf big;
	buf_init(&big, 4u << 20);
	buf_addf(&big, "k;v\n01;");
	for (size_t i = 0; i <= (1u << 20); i++)
		buf_addf(&big, "9");
	buf_addf(&big, "\n");
	buf_init(&got.text, 1 << 16);
	ok(csv_read_buffer(big.data, big.len, "t.csv", collect, NULL, &got, &err) != 0 &&
		   strncmp(err.msg, "t.csv:2: a field is longer than 1 MiB", 37) == 0,
	   "a field over 1 MiB: the message names the file and line: %s", err.msg);
	buf_release(&got.text);
	buf_release(&big);
	return tap_done();
}
