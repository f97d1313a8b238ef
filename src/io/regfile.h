/* regfile.h: the recipient register's file format, "bidrag-register/1"
 * (docs/recipient-register.md): JSON through jansson, with breakdowns and
 * usage entries optionally in CSV files beside it.  Read by regfile.c
 * (JSON; errors name the field's path, "FILE: years[0].grants[3].amount:
 * ...") and regcsv.c (CSV; errors "FILE:LINE: column 'belopp': ..."),
 * written by regwrite.c.
 *
 * Figures typed as sums (a line's "total", "lines_total", a purpose's
 * "total", "spent", "remaining", SUMMA rows in CSV) are checks: CSV checks
 * are tested as the file is read, JSON checks by regfile_run_checks after
 * rg_compute.  The canonical document (regfile_dump_year) has the CSV
 * contents inlined and no checks: everything in it is data. */
#ifndef BIDRAG_REGFILE_H
#define BIDRAG_REGFILE_H

#include <stdbool.h>

#include "recipient.h"

#define REGFILE_FORMAT "bidrag-register/1"
#define REGFILE_MAX (16u << 20)

struct regfile_check {
	char *where;               /* "FILE: years[0].grants[3].lines_total" */
	const int64_t *computed;
	int64_t typed;
};
struct regfile_checks {
	struct regfile_check *v;
	size_t n, cap;
};

/* regfile_parse: add the years of a document to r (r->org is set from the
 * first document; a later one must name the same organisation).  basedir is
 * where "lines_csv" and "entries_csv" are looked up; NULL refuses them (a
 * stored document has them inlined).  checks may be NULL. */
int regfile_parse(struct rg_register *r, const char *data, size_t len, const char *origin, const char *basedir,
		  struct regfile_checks *checks, struct bd_error *err);
/* regfile_load: read, parse, compute and check a file. */
int regfile_load(struct rg_register *r, const char *path, struct bd_error *err);
int regfile_run_checks(const struct regfile_checks *c, struct bd_error *err);
void regfile_checks_release(struct regfile_checks *c);

/* regfile_lines_csv: the breakdown of g from CSV (replacing its lines). */
int regfile_lines_csv(struct rg_register *r, struct rg_grant *g, const char *data, size_t len, const char *origin,
		      struct bd_error *err);
/* regfile_usage_csv: the entries of u from CSV (replacing them). */
int regfile_usage_csv(struct rg_register *r, struct rg_usage *u, const char *data, size_t len, const char *origin,
		      struct bd_error *err);

/* regfile_dump_year: one year as a canonical document, org given as a code;
 * free() the result. */
char *regfile_dump_year(const struct rg_year *y, const char *org);

/* regfile_key_ok: s is a key: lower-case a-z, digits and '-', 1 to 80. */
bool regfile_key_ok(const char *s);

/* The names of a grant's flags, bit k of rg_grant.flags being the k-th. */
#define REGFILE_NFLAGS 3
extern const char *const regfile_flag_names[REGFILE_NFLAGS];

/* regfile_slug: a key made from a title: "Nära vård/primärvård" ->
 * "nara-vard-primarvard". */
void regfile_slug(const char *title, char *out, size_t len);

#endif
