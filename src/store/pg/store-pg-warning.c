/* store-pg-warning.c: warnings kept with a registered decision, in
 * PostgreSQL (0005-decision-warning.sql). */
#include "pg-internal.h"

int pq_decision_warning_add(struct store *base, const struct decision_warning *w, struct bd_error *err)
{
	int n = pq_run(P(base),
		       "INSERT INTO decision_warning (decision_id, part, field, date, message) "
		       "SELECT id, $2, $3, $4, $5 FROM decision WHERE dnr = $1",
		       "keeping a warning with the decision", err, PQ_T(w->dnr), PQ_T(w->part), PQ_T(w->field),
		       PQ_T(w->date), PQ_T(w->message));
	if (n < 0)
		return -1;
	/* The SELECT finds the decision inserted in this transaction. */
	if (n != 1)
		return bd_fail(err, "database: keeping a warning: no decision %s", w->dnr);
	return 0;
}

int pq_decision_warnings(struct store *base, const char *dnr, decision_warning_fn fn, void *ctx,
			 struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT d.dnr, w.part, w.field, w.date, w.message FROM decision_warning w "
		     "JOIN decision d ON d.id = w.decision_id WHERE $1 IS NULL OR d.dnr = $1 "
		     "ORDER BY d.date, d.dnr, w.id",
		     "reading a decision's warnings", err, PQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct decision_warning w = {pq_text(&q, 0), pq_text(&q, 1), pq_text(&q, 2), pq_text(&q, 3),
					     pq_text(&q, 4)};
		if (fn(ctx, &w))
			return pq_stop(&q, -1);
	}
	return rc < 0 ? -1 : 0;
}
