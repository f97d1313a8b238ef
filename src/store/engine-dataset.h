/* engine-dataset.h: what an engine provides for key datasets kept in the
 * register (0008-dataset-origin.sql): the primitives behind struct
 * store_ops's `datasets`.  The rules (version numbers, the correction
 * chain, values that must differ, the audit entries) are in dataset.c; an
 * engine only stores and finds.  Return values as in engine.h: 0, 1 for
 * "none" or "taken" where said, -1 with err.  Strings handed to a callback
 * are valid during the callback. */
#ifndef BIDRAG_ENGINE_DATASET_H
#define BIDRAG_ENGINE_DATASET_H

#include "engine.h"
#include "store-dataset.h"

struct store_dataset_ops {
	/* version_scan: every version of name (NULL: all), by name then
	 * version, with its origin when it has one (corrected_by left 0). */
	int (*version_scan)(struct store *s, const char *name, dataset_version_fn fn, void *ctx,
			    struct bd_error *err);
	/* version_add: the dataset row (numbered version, digest sha256,
	 * registered at) and its values.  The name's version or values taken
	 * already is BD_CONFLICT (the rules look first: another writer came
	 * between). */
	int (*version_add)(struct store *s, const struct dataset_in *in, int version, const char *sha256,
			   const char *registered, struct bd_error *err);
	/* origin_add: the origin of version `version` of name; 1 if it has one
	 * already or there is no such version (nothing written). */
	int (*origin_add)(struct store *s, const char *name, int version, const struct dataset_origin *o,
			  struct bd_error *err);
};

extern const struct store_dataset_ops sqlite_dataset_ops, pg_dataset_ops;

#endif
