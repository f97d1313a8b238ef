/* dataset.h: named key datasets: kept in the register in immutable
 * versions (store-dataset.h), or the compiled-in seed datasets
 * (data/datasets/) when there is no register.
 *
 * A dataset is a key: one value per recipient, with its name
 * ("population@2019-11-01"), version, reference date, label, unit, domain,
 * source and origin.  Version 1 of a name is an import or a seed; a later
 * version corrects the one before it and says why.  A dataset is named by
 * its name (the latest version) or NAME@VERSION ("kommunpop@2023@1"): the
 * whole text is a name when there is a dataset of that name, else a suffix
 * '@' and digits is a version.
 *
 * Where the commands take their datasets from (datasets_register_path):
 * the register named by --db, else $BIDRAG_DB, else ./bidrag.db when that
 * file exists; without one, the compiled-in seeds only (what `bidrag init`
 * puts in every register as their first versions). */
#ifndef BIDRAG_DATASET_H
#define BIDRAG_DATASET_H

#include <stdbool.h>

#include <jansson.h>

#include "keyfile.h"
#include "store-dataset.h"
#include "statseries.h"
#include "util.h"

struct dataset {
	const char *name;
	int version;          /* the register's; 1 for a seed read without a register */
	bool latest;          /* the latest version of its name */
	const char *date, *label, *unit, *domain, *source;
	bool builtin;         /* a compiled-in seed (its origin says so) */
	const char *sha256, *registered; /* NULL without a register */
	bool has_origin;      /* false: registered with a decision before datasets were kept */
	struct dataset_origin origin;
	int corrected_by;     /* the version correcting this one; 0: none */
	struct keyfile kf;    /* one value column */
	struct strpool pool;  /* the strings above */
};

/* A set of datasets: every version of every name, by name then version. */
struct dataset_set {
	struct dataset **v;
	size_t n;
};

/* dataset_set_load: the datasets of the register s (every version), or the
 * compiled-in seeds when s is NULL.  Reads only. */
int dataset_set_load(struct dataset_set *set, struct store *s, struct bd_error *err);
void dataset_set_release(struct dataset_set *set);
/* dataset_set_find: by name (its latest version) or NAME@VERSION; fails
 * naming the closest names, or the versions there are. */
int dataset_set_find(const struct dataset_set *set, const char *ref, const struct dataset **out,
		     struct bd_error *err);
/* dataset_set_latest: the latest version of each name, by name (malloc'd). */
const struct dataset **dataset_set_latest(const struct dataset_set *set, size_t *n);
/* dataset_set_versions: every version of name, oldest first (malloc'd);
 * *n 0 when there is none. */
const struct dataset **dataset_set_versions(const struct dataset_set *set, const char *name, size_t *n);

/* The process's datasets, for the commands: loaded once. */
/* datasets_register_path: the register the datasets come from: opt (--db),
 * else $BIDRAG_DB, else "bidrag.db" when it exists; NULL when none. */
const char *datasets_register_path(const char *opt);
/* datasets_use_store: take the datasets from the register s (every
 * version) instead of the seeds; before datasets_load. */
int datasets_use_store(struct store *s, struct bd_error *err);
/* datasets_load: the compiled-in seeds, unless datasets_use_store took the
 * register's (idempotent). */
int datasets_load(struct bd_error *err);
/* datasets_all: the latest version of every dataset, by name. */
struct dataset *const *datasets_all(size_t *n);
/* dataset_find: by name or NAME@VERSION (dataset_set_find). */
int dataset_find(const char *ref, const struct dataset **out, struct bd_error *err);

/* datasets_seed: the compiled-in seed datasets into the register s, as
 * version 1 of each name with the origin "seed": adds only what is
 * missing (a seed a decision registered before gets its origin), so it is
 * safe to run again.  *added counts the versions added or given their
 * origin.  Call inside a write transaction. */
int datasets_seed(struct store *s, int *added, struct bd_error *err);
/* datasets_seeded: whether every seed is in the register with its origin
 * (else datasets_seed has something to do). */
int datasets_seeded(struct store *s, bool *seeded, struct bd_error *err);

/* Importing a dataset into the register: a key file (CSV/TSV with a header
 * row: keyfile.h) or a statistics file as SCB publishes it (PC-Axis,
 * JSON-stat 2.0, SCB's CSV download: statfile.h) with the series chosen by
 * a selection (statseries.h). */
struct dataset_import {
	const char *path;        /* the file ("-": standard input) */
	const char *name;
	int corrects;            /* the version corrected (0: a new name) */
	const char *reason;
	const char *by;          /* who imports it */
	/* Metadata; NULL: from the file (a key file's "# date:" lines, a
	 * statistics file's table), else none. */
	const char *date, *label, *unit, *source, *downloaded;
	/* A key file: its value column (NULL: the only one). */
	const char *column;
	/* A statistics file. */
	const struct stat_pick *pick;
	size_t npick;
	const char *period, *region_dim, *encoding, *language;
	unsigned kinds;          /* RK_REGION, RK_KOMMUN, or 0: the one the rows have */
	bool skip_unknown;       /* leave out rows the register does not know */
	const char *const *recode; /* "FROM=TO": a row's code taken as another (stat_series_recode) */
	size_t nrecode;
	bool statistics;         /* read FILE as a statistics file (else: recognised) */
};
struct dataset_imported {
	int version;
	char sha256[65];
	size_t nvalues;
	const char *domain;      /* "regions", "kommuner", ... */
	const char *format;      /* "csv", "px", "json-stat", "scb-csv" */
	char *skipped;           /* the rows left out (malloc'd), or NULL */
	size_t nskipped;
	char *ref_date;          /* malloc'd, or NULL */
	char *ref_basis;         /* malloc'd, or NULL */
};
/* dataset_import: read and check the file, then store it as a new version
 * in the register s, in one write transaction with its audit entry.  On any
 * failure nothing is written and err says what, where and what was
 * expected. */
int dataset_import(struct store *s, const struct dataset_import *in, struct dataset_imported *out,
		   struct bd_error *err);
void dataset_imported_release(struct dataset_imported *out);

/* dataset_to_json: a version with its origin, and its values when asked
 * (bidrag datasets --format json, GET /api/datasets, /api/dataset). */
json_t *dataset_to_json(const struct dataset *d, bool values);

/* dataset_domain: "regions", "kommuner", "groups" or "other" by the
 * recipients of codes (refdata loaded). */
const char *dataset_domain(const char *const *code, size_t n);

#endif
