/* fuzz-keyfile: key files, CSV with a header row (src/io/keyfile.c).  The
 * first byte chooses the options (opaque ids; the recipient kinds to
 * resolve to), the rest is the file.  Properties:
 *   - a refusal has a message naming the file;
 *   - each row's id is found again at its row (ids are unique), rows come
 *     in the order of their lines, values are never negative;
 *   - a value column either has a first bad cell named with the file and a
 *     line, or values; keyfile_column finds it by its name;
 *   - the file written back (metadata comments, id, name and every good
 *     value column as exact decimals at the column's scale) is read back
 *     with the same ids, labels, metadata, values and scales. */
#include "fuzz.h"

#include "keyfile.h"
#include "money.h"
#include "refload.h"

#define ORIGIN "fuzz-input.csv"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bd_error err;
	if (refdata_load(&err)) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	return 0;
}

static void add_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_add(b, "\t", 1);
	buf_add(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			buf_add(b, "\"\"", 2);
		else
			buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

static void decimal(int64_t v, int scale, char *out, size_t len)
{
	int64_t p = 1;
	for (int k = 0; k < scale; k++)
		p *= 10;
	if (scale == 0)
		snprintf(out, len, "%lld", (long long)v);
	else
		snprintf(out, len, "%lld.%0*lld", (long long)(v / p), scale, (long long)(v % p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return -1;
	struct keyfile_opts o = {.opaque_ids = data[0] & 1, .kinds = (data[0] >> 1) & RK_ANY};
	struct keyfile kf;
	keyfile_init(&kf);
	struct bd_error err = {0};
	if (keyfile_parse(&kf, (const char *)data + 1, size - 1, ORIGIN, &o, &err)) {
		fuzz_refused(&err, ORIGIN);
		keyfile_release(&kf);
		return 0;
	}
	PROP(kf.nrows > 0 && kf.ncols > 0, "%zu rows, %zu value columns read", kf.nrows, kf.ncols);
	for (size_t r = 0; r < kf.nrows; r++) {
		PROP(kf.id[r] && kf.label[r], "row %zu has no id or label", r);
		PROP(keyfile_row(&kf, kf.id[r]) == (int64_t)r, "'%s' of row %zu is found at row %lld", kf.id[r], r,
		     (long long)keyfile_row(&kf, kf.id[r]));
		/* Strictly after: a lone carriage return (old Mac files) ends a
		 * row and a line alike, so no two rows share a line number. */
		PROP(r == 0 || kf.line[r] > kf.line[r - 1], "row %zu is on line %u, after line %u", r, kf.line[r],
		     kf.line[r - 1]);
	}
	size_t good = 0;
	for (size_t c = 0; c < kf.ncols; c++) {
		PROP(kf.scale[c] >= 0 && kf.scale[c] <= 18, "column %zu has scale %d", c, kf.scale[c]);
		if (kf.colerr[c]) {
			PROP(strncmp(kf.colerr[c], ORIGIN ":", strlen(ORIGIN) + 1) == 0, "a bad cell named as '%s'",
			     kf.colerr[c]);
			continue;
		}
		good++;
		for (size_t r = 0; r < kf.nrows; r++)
			PROP(kf.value[c][r] >= 0, "column %zu row %zu is %lld", c, r, (long long)kf.value[c][r]);
		size_t col = SIZE_MAX;
		struct bd_error cerr = {0};
		if (keyfile_column(&kf, kf.colname[c], &col, &cerr) == 0)
			PROP(strcmp(kf.colname[col], kf.colname[c]) == 0 || col == c, "column '%s' found as '%s'",
			     kf.colname[c], kf.colname[col]);
		else
			PROP(cerr.msg[0], "keyfile_column('%s') refused without a message", kf.colname[c]);
	}

	/* Written back and read again. */
	if (good > 0) {
		struct buf b;
		buf_init(&b, SIZE_MAX / 2);
		static const char *const meta[] = {"name", "date", "label", "unit", "domain", "source"};
		for (size_t k = 0; k < BD_ARRAY_LEN(meta); k++)
			if (kf.meta[k])
				buf_addf(&b, "# %s: %s\n", meta[k], kf.meta[k]);
		add_field(&b, "id", true);
		add_field(&b, "namn", false);
		for (size_t c = 0; c < kf.ncols; c++)
			if (!kf.colerr[c])
				add_field(&b, kf.colname[c], false);
		buf_add(&b, "\n", 1);
		for (size_t r = 0; r < kf.nrows; r++) {
			add_field(&b, kf.id[r], true);
			add_field(&b, kf.label[r], false);
			for (size_t c = 0; c < kf.ncols; c++) {
				char v[64];
				if (kf.colerr[c])
					continue;
				decimal(kf.value[c][r], kf.scale[c], v, sizeof(v));
				add_field(&b, v, false);
			}
			buf_add(&b, "\n", 1);
		}
		struct keyfile back;
		keyfile_init(&back);
		struct keyfile_opts ob = {.opaque_ids = true};
		int rc = keyfile_parse(&back, b.data, b.len, "written-back.csv", &ob, &err);
		PROP(rc == 0, "the file written back is refused: %s\n%.*s", err.msg, (int)b.len, b.data);
		PROP(back.nrows == kf.nrows && back.ncols == good, "written back: %zu rows, %zu columns; read: %zu, %zu",
		     kf.nrows, good, back.nrows, back.ncols);
		for (size_t k = 0; k < BD_ARRAY_LEN(meta); k++)
			PROP((!kf.meta[k] && !back.meta[k]) || (kf.meta[k] && back.meta[k] && strcmp(kf.meta[k], back.meta[k]) == 0),
			     "metadata '%s' was '%s', read back '%s'", meta[k], kf.meta[k] ? kf.meta[k] : "(none)",
			     back.meta[k] ? back.meta[k] : "(none)");
		for (size_t r = 0; r < kf.nrows; r++)
			PROP(strcmp(kf.id[r], back.id[r]) == 0 && strcmp(kf.label[r], back.label[r]) == 0,
			     "row %zu was '%s' '%s', read back '%s' '%s'", r, kf.id[r], kf.label[r], back.id[r], back.label[r]);
		for (size_t c = 0, bc = 0; c < kf.ncols; c++) {
			if (kf.colerr[c])
				continue;
			PROP(strcmp(kf.colname[c], back.colname[bc]) == 0 && !back.colerr[bc] && back.scale[bc] == kf.scale[c],
			     "column '%s' (scale %d) read back as '%s' (scale %d): %s", kf.colname[c], kf.scale[c],
			     back.colname[bc], back.scale[bc], back.colerr[bc] ? back.colerr[bc] : "");
			for (size_t r = 0; r < kf.nrows; r++)
				PROP(kf.value[c][r] == back.value[bc][r], "column '%s' row %zu: %lld read back as %lld",
				     kf.colname[c], r, (long long)kf.value[c][r], (long long)back.value[bc][r]);
			bc++;
		}
		keyfile_release(&back);
		buf_release(&b);
	}
	keyfile_release(&kf);
	return 0;
}
