/* engine-checkpoint.h: what an engine provides for the ledger's balance
 * checkpoints by date (0015-ledger-checkpoint.sql): the primitives behind
 * struct store_ops's `checkpoint`.  The rules (which day's state a row
 * holds, when rows are written and moved by a booking, the rebuild from the
 * journal and verify's comparison) are in ledger-replay.c; an engine only
 * stores and finds rows.  Return values as in engine.h: 0, 1 for "none"
 * where said, -1 with err. */
#ifndef BIDRAG_ENGINE_CHECKPOINT_H
#define BIDRAG_ENGINE_CHECKPOINT_H

#include "engine.h"

/* An account's balance at the end of a day (bal.last_date) on which it had
 * an event, a day before its latest. */
struct engine_checkpoint {
	int64_t part_id, org_id;
	struct ledger_balance bal;
};
typedef int (*engine_checkpoint_fn)(void *ctx, const struct engine_checkpoint *c);

struct store_checkpoint_ops {
	/* complete: whether the rows hold every event (ledger_checkpoint_state). */
	int (*complete)(struct store *s, bool *complete, struct bd_error *err);
	/* reset: every row deleted and the rows marked complete (in the write
	 * transaction that builds them again). */
	int (*reset)(struct store *s, struct bd_error *err);
	/* later: the accounts whose kept balance's last_date is after as_of
	 * (those whose state as of that day a checkpoint holds), fn(ctx,
	 * part_id, org_id) for each. */
	int (*later)(struct store *s, const char *as_of, int (*fn)(void *ctx, int64_t part_id, int64_t org_id),
		     void *ctx, struct bd_error *err);
	/* scan: with as_of, the rows dated up to as_of from the latest back
	 * (date, part and organisation descending) until fn returns 1 (the
	 * caller has what it needs: no error); with NULL, every row, by date,
	 * part and organisation (the key's order).  fn's -1 ends the scan with
	 * an error. */
	int (*scan)(struct store *s, const char *as_of, engine_checkpoint_fn fn, void *ctx, struct bd_error *err);
	/* account: an account's rows dated from `from` on, by date. */
	int (*account)(struct store *s, int64_t part_id, int64_t org_id, const char *from, engine_checkpoint_fn fn,
		       void *ctx, struct bd_error *err);
	/* add: n new rows (days just closed, or all of them after reset); a
	 * row of the same account and day already kept is an error. */
	int (*add)(struct store *s, const struct engine_checkpoint *c, size_t n, struct bd_error *err);
	/* update: n kept rows rewritten (each must exist: an error if not). */
	int (*update)(struct store *s, const struct engine_checkpoint *c, size_t n, struct bd_error *err);
};

extern const struct store_checkpoint_ops store_sqlite_checkpoint_ops, store_pg_checkpoint_ops;

#endif
