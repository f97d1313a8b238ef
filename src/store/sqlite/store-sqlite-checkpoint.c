/* store-sqlite-checkpoint.c: the ledger's balance checkpoints by date in
 * SQLite (0015-ledger-checkpoint.sql; the rules in ledger-replay.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-checkpoint.h"
#include "sqlite-internal.h"

#define COLS                                                                                                      \
	"c.part_id, c.org_id, c.date, c.allocated, c.avail, c.requisitioned, c.registered, c.attested, c.paid, "     \
	"c.lapsed, c.claimed, c.repaid, c.reports"

static void row_of(const struct sq_stmt *q, struct engine_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	c->part_id = sq_i64(q, 0);
	c->org_id = sq_i64(q, 1);
	snprintf(c->bal.last_date, sizeof(c->bal.last_date), "%s", sq_text(q, 2));
	c->bal.allocated = sq_i64(q, 3);
	for (int b = 0; b < B_COUNT; b++)
		c->bal.b[b] = sq_i64(q, 4 + b);
	c->bal.reports = sq_int(q, 4 + B_COUNT);
}

static int rows(struct sq_stmt *q, engine_checkpoint_fn fn, void *ctx)
{
	int rc;
	while ((rc = sq_row(q)) > 0) {
		struct engine_checkpoint c;
		row_of(q, &c);
		if (fn(ctx, &c))
			return sq_stop(q, -1);
	}
	return rc < 0 ? -1 : 0;
}

static int complete(struct store *base, bool *out, struct bd_error *err)
{
	int64_t v = sq_id(S(base), "SELECT complete FROM ledger_checkpoint_state", "reading the checkpoints' state", err);
	if (v < 0)
		return -1;
	*out = v == 1;
	return 0;
}

static int reset(struct store *base, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (sq_run(s, "DELETE FROM ledger_checkpoint", "clearing the checkpoints", err) < 0 ||
	    sq_run(s, "UPDATE ledger_checkpoint_state SET complete = 1", "marking the checkpoints complete", err) < 0)
		return -1;
	return 0;
}

static int later(struct store *base, const char *as_of, int (*fn)(void *ctx, int64_t part_id, int64_t org_id),
		 void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base), "SELECT part_id, org_id FROM ledger_balance WHERE last_date > ?1",
		     "reading the checkpoints", err, SQ_T(as_of)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_i64(&q, 0), sq_i64(&q, 1)))
			return sq_stop(&q, -1);
	return rc < 0 ? -1 : 0;
}

static int scan(struct store *base, const char *as_of, engine_checkpoint_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (!as_of) {
		if (sq_query(&q, s, "SELECT " COLS " FROM ledger_checkpoint c ORDER BY c.date, c.part_id, c.org_id",
			     "reading the checkpoints", err))
			return -1;
		return rows(&q, fn, ctx);
	}
	/* From the latest back, in the key's order (0017), as long as the
	 * caller wants more. */
	if (sq_query(&q, s,
		     "SELECT " COLS " FROM ledger_checkpoint c WHERE c.date <= ?1 "
		     "ORDER BY c.date DESC, c.part_id DESC, c.org_id DESC",
		     "reading the checkpoints", err, SQ_T(as_of)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_checkpoint c;
		row_of(&q, &c);
		int more = fn(ctx, &c);
		if (more)
			return sq_stop(&q, more < 0 ? -1 : 0);
	}
	return rc < 0 ? -1 : 0;
}

static int account(struct store *base, int64_t part_id, int64_t org_id, const char *from, engine_checkpoint_fn fn,
		   void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT " COLS " FROM ledger_checkpoint c WHERE c.date >= ?3 AND c.part_id = ?1 AND c.org_id = ?2 "
		     "ORDER BY c.date",
		     "reading an account's checkpoints", err, SQ_I(part_id), SQ_I(org_id), SQ_T(from)))
		return -1;
	return rows(&q, fn, ctx);
}

/* write: n rows by q, whose ?1..?13 are a row's part, org, date and the
 * eleven integers, bound straight (the date outlives the step); each must
 * change exactly one row. */
static int write(struct sq_stmt *q, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	struct sqlite_store *s = q->s;
	sqlite3_stmt *st = q->st;
	for (size_t i = 0; i < n; i++) {
		const struct ledger_balance *b = &c[i].bal;
		int64_t v[13] = {c[i].part_id, c[i].org_id, 0, b->allocated, b->b[B_AVAIL], b->b[B_REQUISITIONED],
				 b->b[B_REGISTERED], b->b[B_ATTESTED], b->b[B_PAID], b->b[B_LAPSED], b->b[B_CLAIMED],
				 b->b[B_REPAID], b->reports};
		int rc = SQLITE_OK;
		for (int k = 0; k < 13 && rc == SQLITE_OK; k++)
			rc = k == 2 ? sqlite3_bind_text(st, 3, b->last_date, -1, SQLITE_STATIC)
				    : sqlite3_bind_int64(st, k + 1, v[k]);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			sq_fail(s, sqlite3_extended_errcode(s->db), q->what, err);
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
		if (sqlite3_changes(s->db) != 1)
			return bd_fail(err, "internal: %s: no checkpoint of part id %" PRId64 ", organisation id %" PRId64
				       " on %s", q->what, c[i].part_id, c[i].org_id, b->last_date);
	}
	return 0;
}

/* add: rows of days just closed (a day is closed once, so a plain INSERT:
 * a row already there is a constraint error, not replaced).  Its statement
 * is kept with the connection: a batch runs it. */
static int add(struct store *base, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	if (!n)
		return 0;
	if (!s->checkpoint_add) {
		int rc = sqlite3_prepare_v3(s->db,
					    "INSERT INTO ledger_checkpoint (part_id, org_id, date, allocated, avail, "
					    "requisitioned, registered, attested, paid, lapsed, claimed, repaid, reports) "
					    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
					    -1, SQLITE_PREPARE_PERSISTENT, &s->checkpoint_add, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(s->checkpoint_add);
			s->checkpoint_add = NULL;
			return sq_fail(s, rc, "writing a checkpoint", err);
		}
	}
	struct sq_stmt q;
	sq_use(&q, s, s->checkpoint_add, "writing a checkpoint", err);
	return write(&q, c, n, err);
}

static int update(struct store *base, const struct engine_checkpoint *c, size_t n, struct bd_error *err)
{
	struct sq_stmt q;
	if (!n)
		return 0;
	if (sq_prepare(&q, S(base),
		       "UPDATE ledger_checkpoint SET allocated = ?4, avail = ?5, requisitioned = ?6, registered = ?7, "
		       "attested = ?8, paid = ?9, lapsed = ?10, claimed = ?11, repaid = ?12, reports = ?13 "
		       "WHERE date = ?3 AND part_id = ?1 AND org_id = ?2",
		       "moving a checkpoint", err))
		return -1;
	int rc = write(&q, c, n, err);
	sq_finalize(&q);
	return rc;
}

const struct store_checkpoint_ops store_sqlite_checkpoint_ops = {
	.complete = complete,
	.reset = reset,
	.later = later,
	.scan = scan,
	.account = account,
	.add = add,
	.update = update,
};
