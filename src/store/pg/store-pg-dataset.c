/* store-pg-dataset.c: key datasets kept in the register, in PostgreSQL
 * (engine-dataset.h): the versions with their origin, as rows.  The rules
 * are in ../dataset.c. */
#include <string.h>

#include "engine-dataset.h"
#include "pg-internal.h"

static int version_scan(struct store *base, const char *name, dataset_version_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT ds.name, ds.version, ds.ref_date, ds.label, ds.unit, ds.source, ds.scale, ds.sha256, "
		     "ds.registered, (SELECT count(*) FROM dataset_value v WHERE v.dataset_id = ds.id), "
		     "CASE WHEN o.dataset_id IS NULL THEN 0 ELSE 1 END, o.kind, o.format, o.file_name, o.file_sha256, o.table_id, o.title, "
		     "o.selection, o.period, o.ref_basis, o.downloaded, o.corrects, o.reason, o.imported_by "
		     "FROM dataset ds LEFT JOIN dataset_origin o ON o.dataset_id = ds.id "
		     "WHERE $1 IS NULL OR ds.name = $1 ORDER BY ds.name, ds.version",
		     "reading datasets", err, PQ_T(name)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct dataset_version v = {
			.name = pq_text(&q, 0), .version = pq_int(&q, 1), .date = pq_text(&q, 2), .label = pq_text(&q, 3),
			.unit = pq_text(&q, 4), .source = pq_text(&q, 5), .scale = pq_int(&q, 6), .sha256 = pq_text(&q, 7),
			.registered = pq_text(&q, 8), .nvalues = (size_t)pq_i64(&q, 9), .has_origin = pq_int(&q, 10) != 0,
			.origin = {
				.kind = pq_text(&q, 11), .format = pq_text(&q, 12), .file_name = pq_text(&q, 13),
				.file_sha256 = pq_text(&q, 14), .table_id = pq_text(&q, 15), .title = pq_text(&q, 16),
				.selection = pq_text(&q, 17), .period = pq_text(&q, 18), .ref_basis = pq_text(&q, 19),
				.downloaded = pq_text(&q, 20), .corrects = pq_int(&q, 21), .reason = pq_text(&q, 22),
				.imported_by = pq_text(&q, 23),
			},
		};
		if (fn(ctx, &v))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int version_add(struct store *base, const struct dataset_in *in, int version, const char *sha256,
		       const char *registered, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s,
			  "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
			  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			  "adding a dataset", err, PQ_T(in->name), PQ_I(version), PQ_T(in->date), PQ_T(in->label),
			  PQ_T(in->unit), PQ_T(in->source), PQ_I(in->scale), PQ_T(sha256), PQ_T(registered));
	if (rc <= 0)
		return -1;
	int64_t id = pq_i64(&q, 0);
	pq_stop(&q, 0);
	if (pq_prepare(&q, s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES ($1, $2, $3)",
		       "adding a dataset's values", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->n && rc >= 0; i++)
		rc = pq_exec(&q, PQ_I(id), PQ_T(in->code[i]), PQ_I(in->value[i]));
	pq_finalize(&q);
	return rc < 0 ? -1 : 0;
}

static int origin_add(struct store *base, const char *name, int version, const struct dataset_origin *o,
		      struct bd_error *err)
{
	int64_t n = pq_run(P(base),
			   "INSERT INTO dataset_origin (dataset_id, kind, format, file_name, file_sha256, table_id, title, "
			   "selection, period, ref_basis, downloaded, corrects, reason, imported_by) "
			   "SELECT ds.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM dataset ds "
			   "WHERE ds.name = $1 AND ds.version = $2 "
			   "AND NOT EXISTS (SELECT 1 FROM dataset_origin o WHERE o.dataset_id = ds.id)",
			   "recording a dataset's origin", err, PQ_T(name), PQ_I(version), PQ_T(o->kind), PQ_T(o->format),
			   PQ_T(o->file_name), PQ_T(o->file_sha256), PQ_T(o->table_id), PQ_T(o->title),
			   PQ_T(o->selection), PQ_T(o->period), PQ_T(o->ref_basis), PQ_T(o->downloaded),
			   PQ_ID(o->corrects), PQ_T(o->reason), PQ_T(o->imported_by));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

const struct store_dataset_ops pg_dataset_ops = {
	.version_scan = version_scan,
	.version_add = version_add,
	.origin_add = origin_add,
};
