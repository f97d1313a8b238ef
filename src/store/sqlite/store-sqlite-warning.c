/* store-sqlite-warning.c: warnings kept with a registered decision, in
 * SQLite (0005-decision-warning.sql). */
#include "sqlite-internal.h"

int sq_decision_warning_add(struct store *base, const struct decision_warning *w, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"INSERT INTO decision_warning (decision_id, part, field, date, message) "
				"SELECT id, ?2, ?3, ?4, ?5 FROM decision WHERE dnr = ?1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, w->dnr);
	bind_text(st, 2, w->part);
	bind_text(st, 3, w->field);
	bind_text(st, 4, w->date);
	bind_text(st, 5, w->message);
	if (step_done(s, st, "keeping a warning with the decision", err))
		return -1;
	/* The SELECT finds the decision inserted in this transaction. */
	if (sqlite3_changes(s->db) != 1)
		return bd_fail(err, "database: keeping a warning: no decision %s", w->dnr);
	return 0;
}

int sq_decision_warnings(struct store *base, const char *dnr, decision_warning_fn fn, void *ctx,
			 struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT d.dnr, w.part, w.field, w.date, w.message FROM decision_warning w "
				"JOIN decision d ON d.id = w.decision_id WHERE ?1 IS NULL OR d.dnr = ?1 "
				"ORDER BY d.date, d.dnr, w.id",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, dnr);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct decision_warning w = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
					     col_text(st, 4)};
		if (fn(ctx, &w)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "reading a decision's warnings");
	return 0;
}
