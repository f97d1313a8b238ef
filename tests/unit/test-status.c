/* test-status: the one status view (core status.h) and the one allocation
 * service (core allocation.h). */
#include <string.h>

#include "allocation.h"
#include "status.h"
#include "tap.h"

static struct ledger_terms requisition_terms(const char *deadline)
{
	struct ledger_terms t;
	memset(&t, 0, sizeof(t));
	t.mode = PAY_REQUISITION;
	t.lapses = true;
	strcpy(t.deadline, deadline);
	return t;
}

static bool adds_up(const struct status_row *x)
{
	return x->f[ST_ALLOCATED] == x->f[ST_PAID] + x->f[ST_LAPSED] + x->f[ST_OUTSTANDING];
}

static void test_lapse_due(void)
{
	/* 15 000 000 kr to requisition by 2021-12-01, none requisitioned. */
	struct ledger_balance b;
	ledger_open(&b, 1500000000);
	struct ledger_terms t = requisition_terms("2021-12-01");
	struct status_account a = {.dnr = "S2020/09797", .part = "skr", .recipient = "SKR",
				   .recipient_name = "Sveriges Kommuner och Regioner", .terms = &t, .balance = &b};
	struct status_view v;
	struct bd_error err;
	status_view_init(&v, "2021-12-01", false);
	ok(status_view_add(&v, &a, &err) == 0, "on the deadline: an account is added");
	status_view_finish(&v);
	ok(v.n == 1 && v.v[0].f[ST_LAPSED] == 0 && v.v[0].f[ST_OUTSTANDING] == 1500000000 && adds_up(&v.v[0]),
	   "on the deadline: nothing lapsed, all outstanding");
	status_view_release(&v);

	status_view_init(&v, "2021-12-02", false);
	status_view_add(&v, &a, &err);
	status_view_finish(&v);
	ok(v.v[0].f[ST_LAPSED] == 1500000000 && v.v[0].lapse_due == 1500000000 && v.v[0].f[ST_OUTSTANDING] == 0,
	   "the day after: lapsed includes what is due to lapse (lapse_due), nothing outstanding");
	ok(adds_up(&v.v[0]), "... and the row adds up to allocated");
	ok(strcmp(v.v[0].k3, "Sveriges Kommuner och Regioner") == 0 && strcmp(v.v[0].recipient, "SKR") == 0,
	   "the row names the recipient and keeps its code");
	status_view_release(&v);

	/* Recorded lapse: counted once, none due. */
	b.b[B_AVAIL] = 0;
	b.b[B_LAPSED] = 1500000000;
	status_view_init(&v, "2022-01-01", false);
	status_view_add(&v, &a, &err);
	ok(v.v[0].f[ST_LAPSED] == 1500000000 && v.v[0].lapse_due == 0 && adds_up(&v.v[0]),
	   "a recorded lapse counts once, with nothing due");
	status_view_release(&v);
}

static void test_by_post(void)
{
	/* 10 öre allocated, 3 paid, on two posts decided 2:1. */
	struct ledger_balance b;
	ledger_open(&b, 10);
	b.b[B_AVAIL] = 7;
	b.b[B_PAID] = 3;
	struct ledger_terms t;
	memset(&t, 0, sizeof(t));
	t.mode = PAY_WITHOUT_REQUISITION;
	struct status_post posts[2] = {{2021, 9, 2, "1:6", "Post två", 200}, {2021, 9, 1, "1:6", "Post ett", 100}};
	struct status_account a = {.dnr = "D", .part = "p", .recipient = "01", .recipient_name = "Region Stockholm",
				   .terms = &t, .balance = &b, .nposts = 2, .posts = posts};
	struct status_view v;
	struct bd_error err;
	status_view_init(&v, "2021-06-01", true);
	ok(status_view_add(&v, &a, &err) == 0 && status_view_add(&v, &a, &err) == 0, "by post: two accounts added");
	status_view_finish(&v);
	ok(v.n == 2 && strstr(v.v[0].k2, "anslagspost 1 ") && strstr(v.v[1].k2, "anslagspost 2 "),
	   "by post: one row per post, in post order");
	int64_t alloc = 0, paid = 0;
	bool all = true;
	for (size_t i = 0; i < v.n; i++) {
		alloc += v.v[i].f[ST_ALLOCATED];
		paid += v.v[i].f[ST_PAID];
		all = all && adds_up(&v.v[i]);
	}
	ok(alloc == 20 && paid == 6, "by post: the posts add up to the accounts exactly (20 allocated, 6 paid)");
	ok(all, "by post: every row adds up");
	status_view_release(&v);
}

static void test_allocation(void)
{
	const char *ids[3] = {"01", "03", "04"};
	int64_t key[3] = {2, 1, 1}, amount[3], residual;
	struct apportion_key k = {key, rat_make(1, 1), "k"};
	struct apportion_weights w;
	struct bd_error err;
	apportion_weights_init(&w);
	struct allocation_rule r = {1, &k, 101, 0, 1, APPORTION_LARGEST_REMAINDER};
	ok(allocation_run(&r, 3, ids, &w, amount, &residual, &err) == ALLOCATION_OK && amount[0] == 51 &&
		   amount[1] == 25 && amount[2] == 25 && residual == 0,
	   "a key 2:1:1 of 101 kr: 51, 25, 25 (largest remainder, larger weight first)");
	apportion_weights_release(&w);

	apportion_weights_init(&w);
	struct allocation_rule eq = {0, NULL, 9, 0, 1, APPORTION_LARGEST_REMAINDER};
	ok(allocation_run(&eq, 3, ids, &w, amount, &residual, &err) == ALLOCATION_OK && amount[0] == 3 &&
		   amount[1] == 3 && amount[2] == 3,
	   "no keys: equal shares");
	apportion_weights_release(&w);

	int64_t zero[3] = {0, 0, 0};
	struct apportion_key kz = {zero, rat_make(1, 1), "zero"};
	apportion_weights_init(&w);
	struct allocation_rule bad = {1, &kz, 9, 0, 1, APPORTION_LARGEST_REMAINDER};
	ok(allocation_run(&bad, 3, ids, &w, amount, &residual, &err) == ALLOCATION_BAD_WEIGHTS,
	   "a key summing to zero fails on the weights");
	apportion_weights_release(&w);

	apportion_weights_init(&w);
	struct allocation_rule over = {0, NULL, 9, 4, 1, APPORTION_LARGEST_REMAINDER};
	ok(allocation_run(&over, 3, ids, &w, amount, &residual, &err) == ALLOCATION_BAD_AMOUNTS,
	   "a base beyond the total fails on the amounts");
	apportion_weights_release(&w);
}

int main(void)
{
	test_lapse_due();
	test_by_post();
	test_allocation();
	return tap_done();
}
