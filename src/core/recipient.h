/* recipient.h: the recipient's own register of grants received (seed 002).
 *
 * A register is one organisation's record of one or more years.  Each year
 * has grants (title, grantor, amount, own diary number, who decided the use
 * and when, a status narrative, flags), each grant a hierarchy of lines
 * (development area -> sub-area), perhaps an application (applied, outcome,
 * granted) and usage accounts (available, spent by purpose and cost group).
 * A year's summary groups grants and lines into rows; the comparison puts two
 * years' summaries side by side, each summed by its own year's grouping.
 *
 * Amounts are whole kronor (int64_t).  Every sum is computed here; figures
 * typed into an input file as sums are checks only, and a check that
 * disagrees is an error.  Nothing here uses floating point. */
#ifndef BIDRAG_RECIPIENT_H
#define BIDRAG_RECIPIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money.h"
#include "util.h"

#define RG_DATE_LEN 11
#define RG_AMOUNT_MAX INT64_C(100000000000000) /* 10^14 kronor, as decisions */
/* rg_add: *sum += v, false (and *sum unchanged) when the result would pass
 * RG_AMOUNT_MAX either way: every sum of a register stays far from int64's
 * limits, whatever the number of rows. */
static inline bool rg_add(int64_t *sum, int64_t v)
{
	int64_t t;
	if (__builtin_add_overflow(*sum, v, &t) || t > RG_AMOUNT_MAX || t < -RG_AMOUNT_MAX)
		return false;
	*sum = t;
	return true;
}

/* Flags of a grant. */
enum {
	RG_RELIEF = 1 << 0,      /* covered by the 2020 relief from reporting */
	RG_PRELIMINARY = 1 << 1, /* the amount is preliminary */
	RG_NEW = 1 << 2,         /* new this year */
};

enum rg_outcome { RG_OUTCOME_NONE, RG_GRANTED, RG_REJECTED, RG_PENDING };

struct rg_line {
	char *key, *title, *note;
	bool has_amount;          /* leaves have amounts; parents sum children */
	int64_t amount;           /* leaf: as given; parent: computed by rg_compute */
	bool has_national;
	int64_t national;         /* the national total of this line ("Landet") */
	bool preliminary;
	struct rg_line *lines;
	size_t nlines;
};

struct rg_purpose {
	char *name;
	char **cost_groups;
	size_t ngroups;
	int64_t spent; /* computed */
};

struct rg_usage_entry {
	char *purpose, *cost_group, *comment;
	int64_t amount;
};

/* A usage account: what was available of one year's money and what it was
 * spent on. */
struct rg_usage {
	int year;
	char *title, *note;
	int64_t available;
	struct rg_purpose *purposes;
	size_t npurposes;
	struct rg_usage_entry *entries;
	size_t nentries;
	int64_t spent, remaining; /* computed; remaining < 0 is overspending */
};

struct rg_application {
	bool has_applied, has_granted;
	int64_t applied, granted;
	enum rg_outcome outcome;
	char applied_on[RG_DATE_LEN], decided_on[RG_DATE_LEN];
};

struct rg_grant {
	char *key, *title, *label, *section;
	char *grantor, *grantor_dnr; /* "Regeringen och SKR", "Socialstyrelsen"; their dnr */
	char *decision;              /* a state-side decision's dnr, linked when registered */
	char *dnr;                   /* the recipient's own diary number: RS/195/2020 */
	char *decided_by;
	char decided_on[RG_DATE_LEN];
	char *status;
	char **text;
	size_t ntext;
	unsigned flags;
	char **replaces;
	size_t nreplaces;
	bool has_amount;
	int64_t amount;              /* as given (the amount received or notified) */
	bool in_summary;             /* false: listed, but in no summary row */
	char *summary_note;          /* why it is outside the summary */
	struct rg_line *lines;
	size_t nlines;
	struct rg_application *application;
	struct rg_usage *usage;
	size_t nusage;
	/* computed */
	int64_t total;               /* the amount: given, else granted, else the lines' sum */
	bool has_breakdown;
	int64_t breakdown;           /* the lines' sum */
};

/* A row of a year's summary: the sum of its members (grants or lines,
 * written "grant" or "grant/line/subline"); its rows are "varav" rows,
 * shown under it and not added to the section's sum. */
struct rg_row {
	char *key, *label, *note, *section;
	bool has_members;            /* false: a row of text only, no figure */
	char **members;
	size_t nmembers;
	struct rg_row *rows;
	size_t nrows;
	int64_t value;               /* computed */
};

struct rg_section {
	char *key, *title;
};

struct rg_year {
	int year;
	char *title;
	char **intro;
	size_t nintro;
	struct rg_section *sections;
	size_t nsections;
	struct rg_grant *grants;
	size_t ngrants;
	bool summary_given;          /* false: one row per grant in the summary */
	struct rg_row *summary;
	size_t nsummary;
};

struct rg_register {
	struct strpool pool;
	char *org;                   /* as written in the file: a code or name */
	struct rg_year *years;
	size_t nyears;
};

void rg_init(struct rg_register *r);
void rg_release(struct rg_register *r);
char *rg_strdup(struct rg_register *r, const char *s);
void *rg_alloc(struct rg_register *r, size_t n, size_t size);

/* rg_year_find: the year, or NULL. */
struct rg_year *rg_year_find(const struct rg_register *r, int year);
const struct rg_grant *rg_grant_find(const struct rg_year *y, const char *key);
/* rg_line_find: a line by its path below the grant ("area/sub"). */
const struct rg_line *rg_line_find(const struct rg_grant *g, const char *path);

/* rg_compute: check a register and compute its sums: parents' amounts,
 * grants' totals and breakdowns, usage accounts, summary rows.  Fails with
 * a message naming the year, grant, line or row when a key is repeated, a
 * member or purpose is unknown, a grant is in no summary row (or in two),
 * an amount is negative or out of range.  Fills the default summary when
 * none is given.  Warnings (discrepancies between a grant's amount and its
 * breakdown, overspending) are not failures: see rg_discrepancies. */
int rg_compute(struct rg_register *r, struct bd_error *err);

/* rg_member_value: the amount a member reference stands for. */
int rg_member_value(const struct rg_year *y, const char *ref, int64_t *out, struct bd_error *err);

/* Discrepancies the register shows but accepts: a grant whose amount differs
 * from its breakdown, a usage account spending more than was available. */
struct rg_discrepancy {
	int year;
	const char *grant;   /* key */
	const char *what;    /* "breakdown", "overspent" */
	int64_t stated, computed;
	int usage_year;      /* for "overspent" */
};
typedef void (*rg_discrepancy_fn)(void *ctx, const struct rg_discrepancy *d);
size_t rg_discrepancies(const struct rg_register *r, rg_discrepancy_fn fn, void *ctx);

/* The comparison of two years: rows matched by key, in the later year's
 * order and with its levels.  A row only the earlier year has goes where
 * that year had it (rg_compare, the one rule every format shows): a varav
 * row under its own year's parent, whatever the later year matched that
 * parent or its other rows to, so it never reads as part of a row it was
 * not part of; a row that stood alone after its predecessor there, or first
 * in its section. */
struct rg_cmp_row {
	const char *key, *label, *note;
	int level;                /* the row's depth as shown: 0 a row standing alone, 1 a varav
				     row under the row of level 0 above it, 2 under a level-1 row */
	bool has[2];              /* [0] earlier year, [1] later year */
	int64_t value[2];
	int year_level[2];        /* the level the row has in each year; -1 if absent */
	const char *moved;        /* when the row moved: its parent's label in the earlier
				   year, "" when it stood alone there */
	const char *earlier_label;/* the earlier year's label when it differs */
};
struct rg_cmp_section {
	const char *key, *title;
	struct rg_cmp_row *rows;
	size_t nrows;
	bool has[2];
	int64_t sum[2];           /* each year by its own grouping */
};
struct rg_comparison {
	int year[2];
	struct rg_cmp_section *sections;
	size_t nsections;
	int64_t total[2];         /* all sections */
};
/* rg_cmp_counted: whether the row's figure for year k (0 the earlier, 1
 * the later) is counted in that year's sum: the row has a figure that year
 * and stands alone in it.  A varav row's figure is part of its parent's. */
bool rg_cmp_counted(const struct rg_cmp_row *r, int k);
/* rg_compare: earlier may be NULL (a one-year summary).  Allocates from
 * r's pool; both years must have been computed. */
int rg_compare(struct rg_register *r, const struct rg_year *earlier, const struct rg_year *later,
	       struct rg_comparison *out, struct bd_error *err);

/* fmt_mkr: kronor as millions with two decimals, rounded half away from
 * zero: 71862709 -> "71,86". */
char *fmt_mkr(int64_t kr, char *buf);
/* fmt_mkr_change: a change in mkr with its sign, "+41,30" or "-1,20"; one
 * that rounds to nothing is "0,00", without a sign.  buf of NUM_BUFSZ + 1. */
char *fmt_mkr_change(int64_t diff, char *buf);

const char *rg_outcome_name(enum rg_outcome o);   /* "granted", ... */
const char *rg_outcome_sv(enum rg_outcome o);     /* "Beviljat", ... */

#endif
