/* store-dataset.h: key datasets kept in the register (dataset.c), in
 * immutable versions with their origin.
 *
 * A dataset is a name ("population@2019-11-01", "kommunpop@2023") with one
 * value per recipient, in versions 1, 2, ...  Version 1 of a name is an
 * import (or one of the compiled-in seed datasets); every later version
 * corrects the one before it and says why.  No version is ever changed or
 * deleted (the tables' triggers refuse it), so a decision that used version
 * 1 keeps pointing at the values it was allocated by, and what a correction
 * changes can be computed at any time.  Every version added is in the audit
 * log (dataset.import, dataset.seed). */
#ifndef BIDRAG_STORE_DATASET_H
#define BIDRAG_STORE_DATASET_H

#include "store.h"

/* Where a version came from (0008-dataset-origin.sql).  Strings may be NULL
 * where the source does not say. */
struct dataset_origin {
	const char *kind;        /* "seed" or "import" */
	const char *format;      /* "compiled-in", "csv", "px", "json-stat", "scb-csv" */
	const char *file_name, *file_sha256;
	const char *table_id, *title, *selection, *period, *ref_basis;
	const char *downloaded;  /* YYYY-MM-DD */
	int corrects;            /* the version this one corrects; 0: none */
	const char *reason;      /* why (with corrects) */
	const char *imported_by;
};

/* A version as the register holds it. */
struct dataset_version {
	const char *name;
	int version;
	const char *date, *label, *unit, *source;
	int scale;
	const char *sha256;      /* of the values (key_values_digest) */
	const char *registered;  /* when (UTC) */
	size_t nvalues;
	bool has_origin;         /* false: registered with a decision, before datasets were imported */
	struct dataset_origin origin;
	int corrected_by;        /* the version that corrects this one; 0: none (yet) */
};
typedef int (*dataset_version_fn)(void *ctx, const struct dataset_version *v);

/* store_dataset_versions: every version of name (NULL: of every dataset),
 * by name then version.  fn returning nonzero stops with -1 (err untouched). */
int store_dataset_versions(struct store *s, const char *name, dataset_version_fn fn, void *ctx,
			   struct bd_error *err);

/* store_dataset_add: a new version of in->name, with its origin (kind,
 * imported_by required):
 *   - a name the register does not have becomes version 1; o->corrects must
 *     be 0;
 *   - a name it has: the new version must correct its latest version
 *     (o->corrects) and say why (o->reason);
 *   - values equal to those of a version of the name already are refused
 *     (nothing would be corrected) -- except a seed whose values a decision
 *     registered before datasets were kept: that version gets its origin.
 * *version is the version added (or given its origin), sha256 (65 bytes)
 * its values' digest, *added whether a version was added.  Appends the
 * audit entry.  BD_INVALID with a message for the user when a rule refuses,
 * BD_CONFLICT when another writer took the version first.  Call inside a
 * write transaction. */
int store_dataset_add(struct store *s, const struct dataset_in *in, const struct dataset_origin *o, int *version,
		      char *sha256, bool *added, struct bd_error *err);

#endif
