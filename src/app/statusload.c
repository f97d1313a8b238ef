/* statusload.c: the status view from a store (statusload.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "statusload.h"

struct load_ctx {
	struct status_view *v;
	bool reported; /* some account has a financial report */
};

static int add_account(void *ctx, const struct ledger_account *a)
{
	struct load_ctx *c = ctx;
	struct status_view *v = c->v;
	if (a->balance->reports > 0)
		c->reported = true;
	struct status_post *posts = xcalloc(a->nfunding ? a->nfunding : 1, sizeof(*posts));
	for (size_t i = 0; i < a->nfunding; i++) {
		const struct part_funding_row *f = &a->funding[i];
		posts[i] = (struct status_post){f->budget_year, f->uo, f->post, f->anslag, f->post_name, f->amount};
	}
	struct status_account sa = {
		.dnr = a->dnr,
		.part = a->part,
		.part_title = a->part_title,
		.recipient = a->recipient,
		.recipient_name = a->recipient_name,
		.terms = a->terms,
		.balance = a->balance,
		.part_decided = a->part_amount,
		.nposts = a->nfunding,
		.posts = posts,
		.report_deadline = a->report_deadline,
	};
	struct bd_error err;
	int rc = status_view_add(v, &sa, &err);
	free(posts);
	return rc;
}

int status_view_load(struct store *s, const char *dnr, const char *part, const char *recipient, const char *as_of,
		     const char *today, bool by_post, struct status_view *v, struct bd_error *err)
{
	status_view_init(v, as_of ? as_of : today, by_post);
	struct load_ctx c = {v, false};
	if (store_ledger_accounts(s, dnr, part, recipient, as_of, add_account, &c, err))
		return -1;
	status_view_finish(v);
	/* The reports' dates, from the journal only when there are any. */
	if (!by_post && c.reported) {
		struct report_dates r;
		if (report_dates_load(s, dnr, as_of, &r, err)) {
			report_dates_release(&r);
			return -1;
		}
		for (size_t i = 0; i < v->n; i++) {
			struct status_row *x = &v->v[i];
			status_row_report(x, report_date_of(&r, x->k1, x->k2, x->recipient));
		}
		report_dates_release(&r);
	}
	return 0;
}

struct report_scan {
	struct report_dates *r;
	const char *as_of;
};

static int scan_report(void *ctx, const struct ledger_row *e)
{
	struct report_scan *c = ctx;
	struct report_dates *r = c->r;
	if (c->as_of && strcmp(e->date, c->as_of) > 0)
		return 0;
	if (strcmp(e->kind, "correction") == 0 && e->ref) {
		if ((r->ncorrected & (r->ncorrected - 1)) == 0)
			r->corrected = xreallocarray(r->corrected, r->ncorrected ? r->ncorrected * 2 : 1, sizeof(char *));
		r->corrected[r->ncorrected++] = strpool_strdup(&r->pool, e->ref);
		return 0;
	}
	if (strcmp(e->kind, "report") != 0 || !e->dnr || !e->part || !e->recipient)
		return 0;
	if ((r->n & (r->n - 1)) == 0)
		r->v = xreallocarray(r->v, r->n ? r->n * 2 : 1, sizeof(*r->v));
	struct report_date *x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	x->id = strpool_strdup(&r->pool, e->id);
	x->dnr = strpool_strdup(&r->pool, e->dnr);
	x->part = strpool_strdup(&r->pool, e->part);
	x->recipient = strpool_strdup(&r->pool, e->recipient);
	snprintf(x->date, DATE_LEN, "%s", e->date);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int report_dates_load(struct store *s, const char *dnr, const char *as_of, struct report_dates *out,
		      struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	struct report_scan c = {out, as_of};
	if (store_ledger_events(s, dnr, scan_report, &c, err))
		return -1;
	/* As of a day, a report stands unless a correction dated up to that
	 * day withdrew it. */
	if (out->ncorrected)
		qsort(out->corrected, out->ncorrected, sizeof(char *), cmp_str);
	for (size_t i = 0; i < out->n; i++)
		out->v[i].corrected = out->ncorrected && bsearch(&out->v[i].id, out->corrected, out->ncorrected,
								  sizeof(char *), cmp_str) != NULL;
	return 0;
}

const char *report_date_of(const struct report_dates *r, const char *dnr, const char *part, const char *recipient)
{
	const char *first = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct report_date *x = &r->v[i];
		if (!x->corrected && strcmp(x->dnr, dnr) == 0 && strcmp(x->part, part) == 0 &&
		    strcmp(x->recipient, recipient) == 0 && (!first || strcmp(x->date, first) < 0))
			first = x->date;
	}
	return first;
}

void report_dates_release(struct report_dates *r)
{
	free(r->v);
	free(r->corrected);
	strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

void date_today(char out[DATE_LEN])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, DATE_LEN, "%Y-%m-%d", &tm);
}
