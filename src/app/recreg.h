/* recreg.h: the recipient register's workflows over the storage interface:
 * load a stored year and put together its report (the year, the year it is
 * compared with, the links to state-side decisions).  Used by the command
 * line and the web application alike. */
#ifndef BIDRAG_RECREG_H
#define BIDRAG_RECREG_H

#include "regreport.h"
#include "store.h"

/* recreg_load_year: a stored year into r (its own register); 1 when the
 * organisation has no such year (or version). */
int recreg_load_year(struct store *s, const char *org, int year, int version, struct rg_register *r, int *version_out,
		     struct bd_error *err);

struct recreg_report {
	struct rg_register r, prev;
	struct rg_comparison cmp;
	struct rg_link *links;
	size_t nlinks;
	char org_code[64], org_name[256], today[16];
	struct rg_report rep;
};
enum { RECREG_COMPARE_AUTO = 0, RECREG_COMPARE_NONE = -1 };
/* recreg_report_load: year (a version, 0 the latest) compared with
 * `compare`: a year, RECREG_COMPARE_AUTO (the year before, when stored) or
 * RECREG_COMPARE_NONE.  1 when the year, or a compare year asked for, is not
 * stored (err says which).  Release d even on failure. */
int recreg_report_load(struct store *s, const char *org_code, const char *org_name, int year, int version,
		       int compare, struct recreg_report *d, struct bd_error *err);
void recreg_report_release(struct recreg_report *d);

#endif
