/* verify.h: the checks of a published allocation table against its rule,
 * in core so that every face (bidrag verify, the web app) runs the same
 * checks and gets the same findings.  Reading the table (io/pubtable.c) and
 * the datasets is the caller's job; what comes here is already in memory.
 *
 * The findings: one verify_check per check (sum, printed_total,
 * missing_rows, key_matches_dataset, key_total, row_totals, quota_rule,
 * shares), each ok or not with a message in Swedish; per row, whether it
 * breaks the quota rule, its key or its share; and the rule's exact quotas,
 * its largest-remainder and half-up amounts. */
#ifndef BIDRAG_VERIFY_H
#define BIDRAG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apportion.h"
#include "findkey.h"
#include "money.h"
#include "refdata.h"
#include "strmap.h"
#include "util.h"

/* A published table as read: the column roles, by their headers. */
enum pcol_role { PC_NAME, PC_KEY, PC_SHARE, PC_AMOUNT, PC_TOTAL, PC_OTHER };

struct pubtable {
	char *origin;
	size_t ncols;
	char **header;
	enum pcol_role *role;
	size_t header_line;
	size_t nrows;
	char ***cell; /* cell[row][col], tags removed, trimmed */
	size_t *line;
	bool has_total;
	char **total; /* the total row's cells */
	size_t total_line;
};

#define VERIFY_MAX_KEYS 8

/* A dataset a key names, as the caller found it: its rows (by recipient
 * code, found through index) and their values. */
struct verify_dataset {
	size_t n;
	const char *const *id;    /* recipient codes */
	const char *const *label; /* names as the dataset gives them */
	const int64_t *value;
	const struct strmap *index; /* code -> row */
};
/* verify_dataset_fn: find the dataset `name` (0), or fail with err. */
typedef int (*verify_dataset_fn)(void *ctx, const char *name, struct verify_dataset *out, struct bd_error *err);

struct verify_key {
	const char *dataset; /* or */
	const char *column;
	struct rat weight;
	/* the table column: of a column key, or the printed column a dataset
	 * key is compared with (-1: none) */
	int col;
	bool has_ds;
	struct verify_dataset ds;
	int64_t *values; /* per row */
};

struct verify_check {
	const char *id;
	bool ok;
	char *message;
};

struct table_verify {
	/* The rule, as given (table_verify_init sets unit 1). */
	const char *amount_column; /* NULL: the only amount column */
	const char *recipients;    /* NULL: regions, kommuner or samverkansregioner, whichever names the rows */
	bool has_total, equal, list;
	int64_t total, base, unit;
	struct verify_key key[VERIFY_MAX_KEYS]; /* none: the table's only key column */
	size_t nkeys;

	/* The findings (table_verify_run). */
	const struct pubtable *t;
	const struct recipient **rcp; /* per row */
	int amount_col;
	int64_t *amount;
	struct verify_check checks[32];
	size_t nchecks;
	bool *row_quota_bad, *row_share_bad, *row_key_bad;
	bool has_quota; /* the rule gives quotas (not a list) */
	struct apportion_weights w;
	int64_t *lr, *hu;
	/* The table against the rule under each rounding rule (when has_quota):
	 * which rows differ and by how much (findkey.h). */
	struct round_outcome round[ROUND_NRULES];
};

void table_verify_init(struct table_verify *v);
void table_verify_release(struct table_verify *v);

/* table_verify_run: resolve the rows to recipients, choose the amount column,
 * read the keys (datasets through lookup) and run every check on t (which
 * must outlive v).  Fails (err says where) only on input that cannot be
 * checked: an unknown recipient, no amount column, an unreadable cell, no
 * total.  A check that fails is a finding, not a failure. */
int table_verify_run(struct table_verify *v, const struct pubtable *t, verify_dataset_fn lookup, void *ctx,
	       struct bd_error *err);

/* table_verify_consistent: every check passed. */
bool table_verify_consistent(const struct table_verify *v);

/* table_verify_rule_text: the rule in words (Swedish), malloc'd. */
char *table_verify_rule_text(const struct table_verify *v);

/* table_verify_spec: the rule's apportionment (largest remainder), for
 * apportion_quota() of row r when v->has_quota. */
struct apportion_spec table_verify_spec(const struct table_verify *v);

/* table_verify_rounding_line: one line for rounding rule r (Swedish):
 * "största rest: alla 21 rader stämmer" or "halvt uppåt: 2 rader av 21
 * avviker med 1 kr: Region Värmland +1 kr, ..."; malloc'd.  NULL when the
 * rule gives no quotas (--list). */
char *table_verify_rounding_line(const struct table_verify *v, enum round_rule r);

/* ---- the key of a published table (bidrag verify --find-key) ------------ */

/* A dataset the program knows, as the caller found it. */
struct verify_known_dataset {
	const char *name, *domain;
	struct verify_dataset ds;
};

enum findkey_total { FINDKEY_TOTAL_STATED, FINDKEY_TOTAL_PRINTED, FINDKEY_TOTAL_SUM };

struct table_findkey {
	/* As given (table_findkey_init sets unit 1). */
	const char *amount_column, *recipients;
	bool has_total;
	int64_t total, unit;

	/* Found (table_find_key). */
	struct table_verify v; /* rows resolved (v.rcp), amount column, amounts (v.amount) */
	enum findkey_total total_from;
	i128 sum;                 /* of the rows */
	size_t nkeys;             /* the keys tried: datasets, then the table's key columns */
	struct fk_key *keys;
	bool *key_is_column;
	size_t ndatasets, ncolumns; /* tried */
	char **note;              /* what was skipped and why (Swedish) */
	size_t nnote;
	struct fk_result res;
};

void table_findkey_init(struct table_findkey *f);
void table_findkey_release(struct table_findkey *f);

/* table_find_key: resolve t's rows (as table_verify_run does), choose the
 * amount column and the total (stated, else the printed total row, else the
 * sum of the rows), then search (fk_search) over every dataset of ds whose
 * recipients include the table's (the others are skipped with a note) and
 * over the table's own key columns (but those with the same shares as a
 * dataset).  Fails (err says where) only on input that cannot be searched. */
int table_find_key(struct table_findkey *f, const struct pubtable *t, const struct verify_known_dataset *ds,
		   size_t nds, struct bd_error *err);

/* table_findkey_found: some candidate reproduces the table exactly. */
bool table_findkey_found(const struct table_findkey *f);

/* table_findkey_reference: the candidate a summary of rule r speaks of: the
 * first matching exactly under r, else the first match under another rule,
 * else the closest under r; NULL when none could be evaluated. */
const struct fk_candidate *table_findkey_reference(const struct table_findkey *f, enum round_rule r);

/* table_findkey_rule_line: one line for rounding rule r (Swedish), e.g.
 * "största rest: population@2019-11-01 ger alla 21 rader exakt" or
 * "största rest: ingen prövad nyckel ger tabellen exakt; närmast X: 8 rader
 * av 21 avviker med 1 kr: Region Y +1 kr, ..."; malloc'd. */
char *table_findkey_rule_line(const struct table_findkey *f, enum round_rule r);

/* table_findkey_quota_line: the quota rule for the best candidate (fk_best),
 * e.g. "kvotregeln: med population@2019-11-01 ligger alla 21 rader mindre än
 * 1 kr från sin exakta kvot"; malloc'd, NULL when nothing was evaluated. */
char *table_findkey_quota_line(const struct table_findkey *f);

#endif
