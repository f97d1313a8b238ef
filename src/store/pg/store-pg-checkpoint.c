/* store-pg-checkpoint.c: the ledger's balance checkpoints by date in
 * PostgreSQL (0015-ledger-checkpoint.sql; the rules in ledger-replay.c). */
#include <stdio.h>
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

static int scan(struct store *base, const char *as_of, engine_checkpoint_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (!as_of) {
		if (pq_query(&q, P(base), "SELECT " COLS " FROM ledger_checkpoint c ORDER BY c.part_id, c.org_id, c.date",
			     "reading the checkpoints", err))
			return -1;
		return rows(&q, fn, ctx);
	}
	/* An account whose latest day is after as_of: its last day up to
	 * as_of, one backward index scan each. */
	if (pq_query(&q, P(base),
		     "SELECT " COLS " FROM ledger_balance b CROSS JOIN LATERAL (SELECT * FROM ledger_checkpoint x "
		     "WHERE x.part_id = b.part_id AND x.org_id = b.org_id AND x.date <= $1 ORDER BY x.date DESC LIMIT 1) c "
		     "WHERE b.last_date > $1",
		     "reading the checkpoints", err, PQ_T(as_of)))
		return -1;
	return rows(&q, fn, ctx);
}

static int account(struct store *base, int64_t part_id, int64_t org_id, const char *from, engine_checkpoint_fn fn,
		   void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT " COLS " FROM ledger_checkpoint c WHERE c.part_id = $1 AND c.org_id = $2 AND c.date >= $3 "
		     "ORDER BY c.date",
		     "reading an account's checkpoints", err, PQ_I(part_id), PQ_I(org_id), PQ_T(from)))
		return -1;
	return rows(&q, fn, ctx);
}

static int put(struct store *base, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_prepare(&q, P(base),
		       "INSERT INTO ledger_checkpoint (part_id, org_id, date, allocated, avail, "
		       "requisitioned, registered, attested, paid, lapsed, claimed, repaid, reports) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
		       "ON CONFLICT (part_id, org_id, date) DO UPDATE SET allocated = excluded.allocated, avail = "
		       "excluded.avail, requisitioned = excluded.requisitioned, registered = excluded.registered, "
		       "attested = excluded.attested, paid = excluded.paid, lapsed = excluded.lapsed, claimed = "
		       "excluded.claimed, repaid = excluded.repaid, reports = excluded.reports",
		       "writing a checkpoint", err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct ledger_balance *b = &c[i].bal;
		if (pq_exec(&q, PQ_I(c[i].part_id), PQ_I(c[i].org_id), PQ_T(b->last_date), PQ_I(b->allocated),
			    PQ_I(b->b[B_AVAIL]), PQ_I(b->b[B_REQUISITIONED]), PQ_I(b->b[B_REGISTERED]),
			    PQ_I(b->b[B_ATTESTED]), PQ_I(b->b[B_PAID]), PQ_I(b->b[B_LAPSED]), PQ_I(b->b[B_CLAIMED]),
			    PQ_I(b->b[B_REPAID]), PQ_I(b->reports)) < 0) {
			pq_finalize(&q);
			return -1;
		}
	}
	pq_finalize(&q);
	return 0;
}

const struct store_checkpoint_ops store_pg_checkpoint_ops = {
	.complete = complete,
	.reset = reset,
	.scan = scan,
	.account = account,
	.put = put,
};
