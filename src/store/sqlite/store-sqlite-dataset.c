/* store-sqlite-dataset.c: key datasets kept in the register, in SQLite
 * (engine-dataset.h): the versions with their origin, as rows.  The rules
 * are in ../dataset.c. */
#include <string.h>

#include "engine-dataset.h"
#include "sqlite-internal.h"

static int version_scan(struct store *base, const char *name, dataset_version_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT ds.name, ds.version, ds.ref_date, ds.label, ds.unit, ds.source, ds.scale, ds.sha256, "
		     "ds.registered, (SELECT count(*) FROM dataset_value v WHERE v.dataset_id = ds.id), "
		     "CASE WHEN o.dataset_id IS NULL THEN 0 ELSE 1 END, o.kind, o.format, o.file_name, o.file_sha256, o.table_id, o.title, "
		     "o.selection, o.period, o.ref_basis, o.downloaded, o.corrects, o.reason, o.imported_by "
		     "FROM dataset ds LEFT JOIN dataset_origin o ON o.dataset_id = ds.id "
		     "WHERE ?1 IS NULL OR ds.name = ?1 ORDER BY ds.name, ds.version",
		     "reading datasets", err, SQ_T(name)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct dataset_version v = {
			.name = sq_text(&q, 0), .version = sq_int(&q, 1), .date = sq_text(&q, 2), .label = sq_text(&q, 3),
			.unit = sq_text(&q, 4), .source = sq_text(&q, 5), .scale = sq_int(&q, 6), .sha256 = sq_text(&q, 7),
			.registered = sq_text(&q, 8), .nvalues = (size_t)sq_i64(&q, 9), .has_origin = sq_int(&q, 10) != 0,
			.origin = {
				.kind = sq_text(&q, 11), .format = sq_text(&q, 12), .file_name = sq_text(&q, 13),
				.file_sha256 = sq_text(&q, 14), .table_id = sq_text(&q, 15), .title = sq_text(&q, 16),
				.selection = sq_text(&q, 17), .period = sq_text(&q, 18), .ref_basis = sq_text(&q, 19),
				.downloaded = sq_text(&q, 20), .corrects = sq_int(&q, 21), .reason = sq_text(&q, 22),
				.imported_by = sq_text(&q, 23),
			},
		};
		if (fn(ctx, &v))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int version_add(struct store *base, const struct dataset_in *in, int version, const char *sha256,
		       const char *registered, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
			  "adding a dataset", err, SQ_T(in->name), SQ_I(version), SQ_T(in->date), SQ_T(in->label),
			  SQ_T(in->unit), SQ_T(in->source), SQ_I(in->scale), SQ_T(sha256), SQ_T(registered));
	if (rc <= 0)
		return -1;
	int64_t id = sq_i64(&q, 0);
	sq_stop(&q, 0);
	if (sq_prepare(&q, s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES (?1, ?2, ?3)",
		       "adding a dataset's values", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->n && rc >= 0; i++)
		rc = sq_exec(&q, SQ_I(id), SQ_T(in->code[i]), SQ_I(in->value[i]));
	sq_finalize(&q);
	return rc < 0 ? -1 : 0;
}

static int origin_add(struct store *base, const char *name, int version, const struct dataset_origin *o,
		      struct bd_error *err)
{
	int64_t n = sq_run(S(base),
			   "INSERT INTO dataset_origin (dataset_id, kind, format, file_name, file_sha256, table_id, title, "
			   "selection, period, ref_basis, downloaded, corrects, reason, imported_by) "
			   "SELECT ds.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 FROM dataset ds "
			   "WHERE ds.name = ?1 AND ds.version = ?2 "
			   "AND NOT EXISTS (SELECT 1 FROM dataset_origin o WHERE o.dataset_id = ds.id)",
			   "recording a dataset's origin", err, SQ_T(name), SQ_I(version), SQ_T(o->kind), SQ_T(o->format),
			   SQ_T(o->file_name), SQ_T(o->file_sha256), SQ_T(o->table_id), SQ_T(o->title),
			   SQ_T(o->selection), SQ_T(o->period), SQ_T(o->ref_basis), SQ_T(o->downloaded),
			   SQ_ID(o->corrects), SQ_T(o->reason), SQ_T(o->imported_by));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

const struct store_dataset_ops sqlite_dataset_ops = {
	.version_scan = version_scan,
	.version_add = version_add,
	.origin_add = origin_add,
};
