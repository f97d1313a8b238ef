/* recreg.c: loading the recipient register for reports.  See recreg.h. */
#include "recreg.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "regfile.h"

int recreg_load_year(struct store *s, const char *org, int year, int version, struct rg_register *r, int *version_out,
		     struct bd_error *err)
{
	char *doc = NULL;
	int found = store_recipient_get(s, org, year, version, &doc, version_out, err);
	if (found)
		return found;
	char origin[128];
	snprintf(origin, sizeof(origin), "stored register %s %d", org, year);
	int rc = regfile_parse(r, doc, strlen(doc), origin, NULL, NULL, err) || rg_compute(r, err) ? -1 : 0;
	free(doc);
	return rc;
}

int recreg_report_load(struct store *s, const char *org_code, const char *org_name, int year, int version,
		       int compare, struct recreg_report *d, struct bd_error *err)
{
	memset(d, 0, sizeof(*d));
	rg_init(&d->r);
	rg_init(&d->prev);
	snprintf(d->org_code, sizeof(d->org_code), "%s", org_code);
	snprintf(d->org_name, sizeof(d->org_name), "%s", org_name);
	int rc = recreg_load_year(s, org_code, year, version, &d->r, NULL, err);
	if (rc == 1) {
		if (version)
			bd_fail(err, "%s (%s) has no version %d of its register for %d", org_name, org_code, version, year);
		else
			bd_fail(err, "%s (%s) has no register for %d", org_name, org_code, year);
		return 1;
	}
	if (rc)
		return rc;
	const struct rg_year *earlier = NULL;
	if (compare != RECREG_COMPARE_NONE) {
		int cy = compare == RECREG_COMPARE_AUTO ? year - 1 : compare;
		if (cy == year) {
			bd_fail(err, "the year compared with is the year reported (%d); expected another year", cy);
			return 1;
		}
		rc = recreg_load_year(s, org_code, cy, 0, &d->prev, NULL, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && compare != RECREG_COMPARE_AUTO) {
			bd_fail(err, "%s (%s) has no register for %d", org_name, org_code, cy);
			return 1;
		}
		if (rc == 0)
			earlier = &d->prev.years[0];
	}
	const struct rg_year *y = &d->r.years[0];
	/* The comparison runs from the earlier year to the later. */
	if (earlier && earlier->year > y->year ? rg_compare(&d->r, y, earlier, &d->cmp, err)
					       : rg_compare(&d->r, earlier, y, &d->cmp, err))
		return -1;
	d->links = xcalloc(y->ngrants + 1, sizeof(*d->links));
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		if (!g->decision)
			continue;
		struct decision_link l;
		if (store_decision_link(s, g->decision, org_code, &l, err))
			return -1;
		d->links[d->nlinks++] = (struct rg_link){g->key, g->decision, l.registered,
							 l.title ? rg_strdup(&d->r, l.title) : NULL, l.has_allocated,
							 l.allocated};
		free(l.title);
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(d->today, sizeof(d->today), "%Y-%m-%d", &tm);
	d->rep = (struct rg_report){&d->r, d->org_code, d->org_name, y, &d->cmp, d->links, d->nlinks, d->today};
	return 0;
}

void recreg_report_release(struct recreg_report *d)
{
	free(d->links);
	rg_release(&d->r);
	rg_release(&d->prev);
	memset(d, 0, sizeof(*d));
}
