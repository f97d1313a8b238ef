#include "refload.h"

#include <stdbool.h>

#include "csvread.h"
#include "embedded.h"

struct load_ctx {
	enum refdata_table table;
	bool header_seen;
};

static int on_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct load_ctx *c = vctx;
	if (!c->header_seen) {
		c->header_seen = true;
		return 0;
	}
	if (refdata_add_row(c->table, row->field, row->nfields, err)) {
		bd_prefix(err, "line %zu", row->line);
		return -1;
	}
	return 0;
}

int refdata_load(struct bd_error *err)
{
	if (refdata_loaded())
		return 0;
	static const struct {
		const char *file;
		enum refdata_table table;
	} files[] = {{"regions.csv", T_REGIONS}, {"kommuner.csv", T_KOMMUNER}, {"groups.csv", T_GROUPS},
		     {"orgs.csv", T_ORGS}};
	for (size_t i = 0; i < BD_ARRAY_LEN(files); i++) {
		const struct embedded_file *f = embedded_find(files[i].file);
		if (!f)
			return bd_fail(err, "internal: reference file '%s' is not compiled in", files[i].file);
		struct load_ctx ctx = {files[i].table, false};
		if (csv_read_buffer(f->data, f->len, files[i].file, on_row, NULL, &ctx, err))
			return -1;
		if (files[i].table == T_GROUPS)
			refdata_add_rss();
	}
	refdata_mark_loaded();
	return 0;
}
