/* dataset.h: named key datasets, compiled in (data/datasets/) or imported.
 *
 * A dataset is a key: one value per recipient, with its name
 * ("population@2019-11-01"), reference date, label, unit, domain and source.
 * Datasets are immutable: a correction is imported under a new name.
 * Imported datasets live as CSV files in the dataset directory:
 * $BIDRAG_DATASETS, else $XDG_DATA_HOME/bidrag/datasets, else
 * ~/.local/share/bidrag/datasets. */
#ifndef BIDRAG_DATASET_H
#define BIDRAG_DATASET_H

#include <stdbool.h>

#include "keyfile.h"
#include "util.h"

struct dataset {
	const char *name, *date, *label, *unit, *domain, *source;
	bool builtin;
	char *path; /* imported: the file; NULL when compiled in */
	struct keyfile kf; /* one value column */
};

/* datasets_load: compiled-in and imported datasets (idempotent). */
int datasets_load(struct bd_error *err);
/* datasets_all: every dataset, compiled-in first, each group by name. */
struct dataset *const *datasets_all(size_t *n);
/* dataset_find: by exact name; fails naming the closest names. */
int dataset_find(const char *name, const struct dataset **out, struct bd_error *err);
/* dataset_import: validate FILE (one value column, or `column`), then store
 * it under name with its metadata.  Fails if the name is taken. */
int dataset_import(const char *path, const char *column, const char *name, const char *date,
		   const char *label, const char *unit, const char *source, struct bd_error *err);
/* dataset_dir: the directory imported datasets live in (malloc'd). */
char *dataset_dir(void);

#endif
