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

#endif
