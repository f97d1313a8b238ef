/* store-pg-checkpoint.c: the ledger's balance checkpoints by date in
 * PostgreSQL (0015-ledger-checkpoint.sql; the rules in ledger-replay.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-checkpoint.h"
#include "pg-internal.h"

#define COLS                                                                                                      \
	"c.part_id, c.org_id, c.date, c.allocated, c.avail, c.requisitioned, c.registered, c.attested, c.paid, "     \
	"c.lapsed, c.claimed, c.repaid, c.reports"

static void row_of(const struct pq_stmt *q, struct engine_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	c->part_id = pq_i64(q, 0);
	c->org_id = pq_i64(q, 1);
	snprintf(c->bal.last_date, sizeof(c->bal.last_date), "%s", pq_text(q, 2));
	c->bal.allocated = pq_i64(q, 3);
	for (int b = 0; b < B_COUNT; b++)
		c->bal.b[b] = pq_i64(q, 4 + b);
	c->bal.reports = pq_int(q, 4 + B_COUNT);
}

static int rows(struct pq_stmt *q, engine_checkpoint_fn fn, void *ctx)
{
	int rc;
	while ((rc = pq_row(q)) > 0) {
		struct engine_checkpoint c;
		row_of(q, &c);
		if (fn(ctx, &c))
			return pq_stop(q, -1);
	}
	return rc < 0 ? -1 : 0;
}

static int complete(struct store *base, bool *out, struct bd_error *err)
{
	int64_t v = pq_id(P(base), "SELECT complete FROM ledger_checkpoint_state", "reading the checkpoints' state", err);
	if (v < 0)
		return -1;
	*out = v == 1;
	return 0;
}

static int reset(struct store *base, struct bd_error *err)
{
	struct pg_store *s = P(base);
	if (pq_run(s, "DELETE FROM ledger_checkpoint", "clearing the checkpoints", err) < 0 ||
	    pq_run(s, "UPDATE ledger_checkpoint_state SET complete = 1", "marking the checkpoints complete", err) < 0)
		return -1;
	return 0;
}

static int later(struct store *base, const char *as_of, int (*fn)(void *ctx, int64_t part_id, int64_t org_id),
		 void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT part_id, org_id FROM ledger_balance WHERE last_date > $1",
		     "reading the checkpoints", err, PQ_T(as_of)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_i64(&q, 0), pq_i64(&q, 1)))
			return pq_stop(&q, -1);
	return rc < 0 ? -1 : 0;
}

/* The rows dated up to as_of come from the latest back in pages of PAGE
 * (by the key, 0017), so that a status whose accounts all have a row in
 * the last days reads those days only.  (A build with -DCHECKPOINT_PAGE=2
 * makes every status --as-of of the tests turn pages.) */
#ifdef CHECKPOINT_PAGE
#define PAGE CHECKPOINT_PAGE
#else
#define PAGE 2000
#endif

static int scan(struct store *base, const char *as_of, engine_checkpoint_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (!as_of) {
		if (pq_query(&q, s, "SELECT " COLS " FROM ledger_checkpoint c ORDER BY c.date, c.part_id, c.org_id",
			     "reading the checkpoints", err))
			return -1;
		return rows(&q, fn, ctx);
	}
	/* From the latest back, a page at a time, as long as the caller wants
	 * more. */
	struct engine_checkpoint last = {0}; /* the key of the page's last row */
	for (bool first = true;; first = false) {
		if (first ? pq_query(&q, s,
				     "SELECT " COLS " FROM ledger_checkpoint c WHERE c.date <= $1 "
				     "ORDER BY c.date DESC, c.part_id DESC, c.org_id DESC LIMIT $2",
				     "reading the checkpoints", err, PQ_T(as_of), PQ_I(PAGE))
			  : pq_query(&q, s,
				     "SELECT " COLS " FROM ledger_checkpoint c WHERE (c.date, c.part_id, c.org_id) < "
				     "($1, $2, $3) ORDER BY c.date DESC, c.part_id DESC, c.org_id DESC LIMIT $4",
				     "reading the checkpoints", err, PQ_T(last.bal.last_date), PQ_I(last.part_id),
				     PQ_I(last.org_id), PQ_I(PAGE)))
			return -1;
		int got = 0, rc;
		while ((rc = pq_row(&q)) > 0) {
			got++;
			row_of(&q, &last);
			int more = fn(ctx, &last);
			if (more)
				return pq_stop(&q, more < 0 ? -1 : 0);
		}
		if (rc < 0)
			return -1;
		if (got < PAGE)
			return 0; /* no more rows */
	}
}

static int account(struct store *base, int64_t part_id, int64_t org_id, const char *from, engine_checkpoint_fn fn,
		   void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT " COLS " FROM ledger_checkpoint c WHERE c.date >= $3 AND c.part_id = $1 AND c.org_id = $2 "
		     "ORDER BY c.date",
		     "reading an account's checkpoints", err, PQ_I(part_id), PQ_I(org_id), PQ_T(from)))
		return -1;
	return rows(&q, fn, ctx);
}

/* write: the n rows as one statement, one array per column ($1..$13: part,
 * org, date and the eleven integers); it must touch exactly n rows. */
static int write(struct store *base, const char *sql, const char *what, const struct engine_checkpoint *c, size_t n,
		 struct bd_error *err)
{
	enum { NCOL = 13 };
	if (!n)
		return 0;
	struct buf col[NCOL];
	pq_arrs_init(col, NCOL);
	for (size_t i = 0; i < n; i++) {
		const struct ledger_balance *b = &c[i].bal;
		pq_arr_int(&col[0], c[i].part_id, false);
		pq_arr_int(&col[1], c[i].org_id, false);
		pq_arr_text(&col[2], b->last_date);
		pq_arr_int(&col[3], b->allocated, false);
		for (int k = 0; k < B_COUNT; k++)
			pq_arr_int(&col[4 + k], b->b[k], false);
		pq_arr_int(&col[12], b->reports, false);
	}
	struct pq_stmt q;
	int changed = -1;
	if (pq_prepare(&q, P(base), sql, what, err) == 0) {
		changed = pq_exec(&q, PQ_IA(pq_arr_end(&col[0])), PQ_IA(pq_arr_end(&col[1])), PQ_TA(pq_arr_end(&col[2])),
				  PQ_IA(pq_arr_end(&col[3])), PQ_IA(pq_arr_end(&col[4])), PQ_IA(pq_arr_end(&col[5])),
				  PQ_IA(pq_arr_end(&col[6])), PQ_IA(pq_arr_end(&col[7])), PQ_IA(pq_arr_end(&col[8])),
				  PQ_IA(pq_arr_end(&col[9])), PQ_IA(pq_arr_end(&col[10])), PQ_IA(pq_arr_end(&col[11])),
				  PQ_IA(pq_arr_end(&col[12])));
		pq_finalize(&q);
	}
	pq_arrs_release(col, NCOL);
	if (changed < 0)
		return -1;
	if ((size_t)changed != n)
		return bd_fail(err, "internal: %s: %d of %zu checkpoints", what, changed, n);
	return 0;
}

#define UNNEST                                                                                                    \
	"unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], "   \
	"$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[]) "                  \
	"AS u(part_id, org_id, date, allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, " \
	"repaid, reports)"

/* add: rows of days just closed, one INSERT for the batch (a day is closed
 * once: a row already there is a constraint error, not replaced). */
static int add(struct store *base, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	return write(base,
		     "INSERT INTO ledger_checkpoint (part_id, org_id, date, allocated, avail, requisitioned, registered, "
		     "attested, paid, lapsed, claimed, repaid, reports) SELECT * FROM " UNNEST,
		     "writing the checkpoints", c, n, err);
}

static int update(struct store *base, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	return write(base,
		     "UPDATE ledger_checkpoint x SET allocated = u.allocated, avail = u.avail, requisitioned = "
		     "u.requisitioned, registered = u.registered, attested = u.attested, paid = u.paid, lapsed = u.lapsed, "
		     "claimed = u.claimed, repaid = u.repaid, reports = u.reports FROM " UNNEST " "
		     "WHERE x.date = u.date AND x.part_id = u.part_id AND x.org_id = u.org_id",
		     "moving the checkpoints", c, n, err);
}

const struct store_checkpoint_ops store_pg_checkpoint_ops = {
	.complete = complete,
	.reset = reset,
	.later = later,
	.scan = scan,
	.account = account,
	.add = add,
	.update = update,
};
