/* status.c: the status view (status.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "status.h"

const char *const status_figure_key[ST_COUNT] = {
	"allocated", "requisitioned", "in_process", "paid", "lapsed", "claimed", "repaid", "outstanding",
};

void status_view_init(struct status_view *v, const char *as_of, bool by_post)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->as_of, sizeof(v->as_of), "%s", as_of);
	v->by_post = by_post;
}

static struct status_row *find_or_add(struct status_view *v, const char *k1, const char *k2, const char *k3)
{
	if (v->by_post)
		for (size_t i = 0; i < v->n; i++)
			if (strcmp(v->v[i].k1, k1) == 0 && strcmp(v->v[i].k2, k2) == 0)
				return &v->v[i];
	v->v = xreallocarray(v->v, v->n + 1, sizeof(*v->v));
	struct status_row *x = &v->v[v->n++];
	memset(x, 0, sizeof(*x));
	x->k1 = xstrdup(k1);
	x->k2 = xstrdup(k2);
	x->k3 = xstrdup(k3);
	return x;
}

/* The figures of one account.  Lapsed counts what is due to lapse too:
 * otherwise a right whose deadline passed would show as neither lapsed
 * nor outstanding, and the row would not add up to what was allocated. */
static void figures_of(const struct status_account *a, const char *as_of, int64_t out[ST_COUNT], int64_t *lapse_due)
{
	struct ledger_figures f;
	ledger_figures(a->balance, a->terms, as_of, &f);
	out[ST_ALLOCATED] = f.allocated;
	out[ST_REQUISITIONED] = f.requisitioned;
	out[ST_IN_PROCESS] = f.in_process;
	out[ST_PAID] = f.paid;
	out[ST_LAPSED] = f.lapsed + f.lapse_due;
	out[ST_CLAIMED] = f.claimed;
	out[ST_REPAID] = f.repaid;
	out[ST_OUTSTANDING] = f.outstanding;
	*lapse_due = f.lapse_due;
}

/* note_part: the account's share of its part's sums, for the excess. */
static void note_part(struct status_view *v, const struct status_account *a)
{
	struct status_excess *x = NULL;
	for (size_t i = v->nexcess; i > 0 && !x; i--)
		if (strcmp(v->excess[i - 1].dnr, a->dnr) == 0 && strcmp(v->excess[i - 1].part, a->part) == 0)
			x = &v->excess[i - 1];
	if (!x) {
		v->excess = xreallocarray(v->excess, v->nexcess + 1, sizeof(*v->excess));
		x = &v->excess[v->nexcess++];
		*x = (struct status_excess){xstrdup(a->dnr), xstrdup(a->part), a->part_decided * 100, 0, 0};
	}
	const struct ledger_balance *b = a->balance;
	x->allocated += b->allocated;
	x->committed += ledger_committed(b);
}

int status_view_add(struct status_view *v, const struct status_account *a, struct bd_error *err)
{
	int64_t f[ST_COUNT], due;
	figures_of(a, v->as_of, f, &due);
	note_part(v, a);
	if (!v->by_post) {
		struct status_row *x =
			find_or_add(v, a->dnr, a->part, a->recipient_name ? a->recipient_name : a->recipient);
		memcpy(x->f, f, sizeof(f));
		x->lapse_due = due;
		x->part_title = a->part_title ? xstrdup(a->part_title) : NULL;
		x->recipient = xstrdup(a->recipient);
		snprintf(x->report_deadline, DATE_LEN, "%s", a->report_deadline ? a->report_deadline : "");
		return 0;
	}
	size_t n = a->nposts;
	if (n == 0)
		return 0;
	int64_t *keys = xcalloc(n, sizeof(int64_t));
	char **ids = xcalloc(n, sizeof(char *));
	int64_t *split = xcalloc(n, sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		keys[i] = a->posts[i].amount;
		ids[i] = xasprintf("%04d/%s/%04d", a->posts[i].budget_year, a->posts[i].anslag, a->posts[i].post);
	}
	struct apportion_key k = {.value = keys, .weight = rat_make(1, 1), .name = "funding"};
	struct apportion_weights w;
	apportion_weights_init(&w);
	int rc = 0;
	for (int fi = 0; fi < ST_COUNT && !rc; fi++) {
		if (f[fi] == 0) {
			memset(split, 0, n * sizeof(int64_t));
		} else {
			struct allocation_rule rule = {.nkeys = 1, .keys = &k, .total = f[fi], .unit = 1,
						       .method = APPORTION_LARGEST_REMAINDER};
			int64_t residual;
			apportion_weights_release(&w);
			apportion_weights_init(&w);
			if (allocation_run(&rule, n, (const char *const *)ids, &w, split, &residual, err)) {
				rc = -1;
				break;
			}
		}
		for (size_t i = 0; i < n; i++) {
			const struct status_post *p = &a->posts[i];
			char year[16], post[300], order[64];
			snprintf(year, sizeof(year), "%d", p->budget_year);
			snprintf(post, sizeof(post), "UO %d, anslag %s, anslagspost %d %s", p->uo, p->anslag, p->post,
				 p->post_name);
			/* k3 orders the posts by number, not as text. */
			snprintf(order, sizeof(order), "%04d/%02d/%s/%06d", p->budget_year, p->uo, p->anslag, p->post);
			find_or_add(v, year, post, order)->f[fi] += split[i];
		}
	}
	apportion_weights_release(&w);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(keys);
	free(split);
	return rc;
}

static int cmp_post(const void *a, const void *b)
{
	const struct status_row *x = a, *y = b;
	return strcmp(x->k3, y->k3);
}

void status_view_finish(struct status_view *v)
{
	size_t kept = 0;
	for (size_t i = 0; i < v->nexcess; i++) {
		if (v->excess[i].allocated > v->excess[i].decided) {
			v->excess[kept++] = v->excess[i];
		} else {
			free(v->excess[i].dnr);
			free(v->excess[i].part);
		}
	}
	v->nexcess = kept;
	if (!v->by_post)
		return;
	qsort(v->v, v->n, sizeof(*v->v), cmp_post);
	/* Each figure was split on its own; what is left on a post follows
	 * from the post's own figures, so each row adds up. */
	for (size_t i = 0; i < v->n; i++) {
		int64_t *f = v->v[i].f;
		f[ST_OUTSTANDING] = f[ST_ALLOCATED] - f[ST_LAPSED] - f[ST_PAID];
	}
}

void status_row_report(struct status_row *x, const char *date)
{
	snprintf(x->report_date, DATE_LEN, "%s", date ? date : "");
	x->report_late = ledger_report_late(x->report_date, x->report_deadline);
}

void status_view_release(struct status_view *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].k1);
		free(v->v[i].k2);
		free(v->v[i].k3);
		free(v->v[i].part_title);
		free(v->v[i].recipient);
	}
	free(v->v);
	for (size_t i = 0; i < v->nexcess; i++) {
		free(v->excess[i].dnr);
		free(v->excess[i].part);
	}
	free(v->excess);
	memset(v, 0, sizeof(*v));
}
