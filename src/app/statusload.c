/* statusload.c: the status view from a store (statusload.h). */
#include <stdlib.h>
#include <time.h>

#include "statusload.h"

static int add_account(void *ctx, const struct ledger_account *a)
{
	struct status_view *v = ctx;
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
	if (store_ledger_accounts(s, dnr, part, recipient, as_of, add_account, v, err))
		return -1;
	status_view_finish(v);
	return 0;
}

void date_today(char out[DATE_LEN])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, DATE_LEN, "%Y-%m-%d", &tm);
}
