/* store-pg-portal.c: the recipient's filing in PostgreSQL (0013-portal.sql):
 * the primitives of engine-portal.h, SQL only; the rules are in portal.c. */
#include "pg-internal.h"

#include <string.h>

#include "engine-portal.h"

static int pq_file_add(struct store *base, const char *name, const char *sha256, const char *data, size_t len,
		       const char *by, int64_t *id, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = pq_id(P(base),
			    "INSERT INTO portal_file (name, sha256, data, added_by, recorded) VALUES ($1, $2, $3, $4, $5) "
			    "RETURNING id",
			    "keeping a file", err, PQ_T(name), PQ_T(sha256), PQ_B(data, len), PQ_T(by), PQ_T(now));
	if (got <= 0)
		return -1;
	*id = got;
	return 0;
}

static int pq_file_get(struct store *base, int64_t id, char **name, char **sha256, char **data, size_t *len,
		       struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base), "SELECT name, sha256, data FROM portal_file WHERE id = $1", "reading a kept file",
			  err, PQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	size_t n = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)pq_text(&q, 2), &n);
	if (!bytes)
		return pq_stop(&q, bd_failc(err, BD_IO, "database: reading a kept file: out of memory"));
	*name = xstrdup(pq_text(&q, 0));
	*sha256 = xstrdup(pq_text(&q, 1));
	*len = n;
	*data = xmalloc(n + 1);
	if (n)
		memcpy(*data, bytes, n);
	(*data)[n] = '\0';
	PQfreemem(bytes);
	return pq_stop(&q, 0);
}

static int pq_signatory_add(struct store *base, const struct engine_signatory *g, int64_t *id, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = pq_id(P(base),
			    "INSERT INTO signatory (org_id, user_name, kind, valid_from, valid_to, evidence_id, added_by, "
			    "added_on, recorded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			    "adding an authorised representative", err, PQ_I(g->org_id), PQ_T(g->user), PQ_T(g->kind),
			    PQ_T(g->valid_from), PQ_T(g->valid_to), PQ_I(g->evidence_id), PQ_T(g->added_by),
			    PQ_T(g->added_on), PQ_T(now));
	if (got <= 0)
		return -1;
	*id = got;
	return 0;
}

static int pq_signatory_scan(struct store *base, int64_t org_id, int64_t id, engine_signatory_fn fn, void *ctx,
			     struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT g.id, g.org_id, o.code, o.name, g.user_name, g.kind, g.valid_from, g.valid_to, g.evidence_id, "
		     "f.name, f.sha256, g.added_by, g.added_on, g.revoked_by, g.revoked_on FROM signatory g "
		     "JOIN org o ON o.id = g.org_id JOIN portal_file f ON f.id = g.evidence_id "
		     "WHERE ($2 > 0 AND g.id = $2) OR ($2 <= 0 AND ($1 = 0 OR g.org_id = $1)) "
		     "ORDER BY o.code, g.user_name, g.id",
		     "reading authorised representatives", err, PQ_I(org_id), PQ_I(id)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_signatory g = {
			.id = pq_i64(&q, 0),
			.org_id = pq_i64(&q, 1),
			.org = pq_text(&q, 2),
			.org_name = pq_text(&q, 3),
			.user = pq_text(&q, 4),
			.kind = pq_text(&q, 5),
			.valid_from = pq_text(&q, 6),
			.valid_to = pq_text(&q, 7),
			.evidence_id = pq_i64(&q, 8),
			.evidence_name = pq_text(&q, 9),
			.evidence_sha256 = pq_text(&q, 10),
			.added_by = pq_text(&q, 11),
			.added_on = pq_text(&q, 12),
			.revoked_by = pq_text(&q, 13),
			.revoked_on = pq_text(&q, 14),
		};
		if (fn(ctx, &g))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int pq_signatory_revoke(struct store *base, int64_t id, const char *by, const char *on, struct bd_error *err)
{
	int n = pq_run(P(base), "UPDATE signatory SET revoked_by = $2, revoked_on = $3 WHERE id = $1 AND revoked_by IS NULL",
		       "revoking an authorised representative", err, PQ_I(id), PQ_T(by), PQ_T(on));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

static int pq_submission_add(struct store *base, const struct engine_submission *b, int64_t *id, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = pq_id(P(base),
			    "INSERT INTO submission (org_id, kind, dnr, part, amount, unused, comments, attachments, state, "
			    "drafted_by, drafted_on, recorded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
			    "RETURNING id",
			    "drafting a submission", err, PQ_I(b->org_id), PQ_T(b->kind), PQ_T(b->dnr), PQ_T(b->part),
			    PQ_OPT(b->has_amount, b->amount), PQ_OPT(b->has_unused, b->unused), PQ_T(b->comments),
			    PQ_T(b->attachments), PQ_T(b->state), PQ_T(b->drafted_by), PQ_T(b->drafted_on), PQ_T(now));
	if (got <= 0)
		return -1;
	*id = got;
	return 0;
}

static int pq_submission_put(struct store *base, const struct engine_submission *b, struct bd_error *err)
{
	int n = pq_run(P(base),
		       "UPDATE submission SET amount = $2, unused = $3, comments = $4, attachments = $5, state = $6, "
		       "signed_by = $7, signatory_id = $8, signed_on = $9, sign_method = $10, doc_id = $11, "
		       "doc_sha256 = $12, late = $13, reviewed_by = $14, reviewed_on = $15, review_note = $16, "
		       "event_id = $17 WHERE id = $1",
		       "changing a submission", err, PQ_I(b->id), PQ_OPT(b->has_amount, b->amount),
		       PQ_OPT(b->has_unused, b->unused), PQ_T(b->comments), PQ_T(b->attachments), PQ_T(b->state),
		       PQ_T(b->signed_by), PQ_ID(b->signatory_id), PQ_T(b->signed_on), PQ_T(b->sign_method),
		       PQ_ID(b->doc_id), PQ_T(b->doc_sha256), PQ_I(b->late ? 1 : 0), PQ_T(b->reviewed_by),
		       PQ_T(b->reviewed_on), PQ_T(b->review_note), PQ_T(b->event_id));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

static int pq_submission_scan(struct store *base, int64_t org_id, int64_t id, const char *state,
			      engine_submission_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT b.id, b.org_id, o.code, o.name, b.kind, b.dnr, b.part, b.amount, b.unused, b.comments, "
		     "b.attachments, b.state, b.drafted_by, b.drafted_on, b.signed_by, b.signatory_id, b.signed_on, "
		     "b.sign_method, b.doc_id, b.doc_sha256, b.late, b.reviewed_by, b.reviewed_on, b.review_note, "
		     "b.event_id, g.kind, g.valid_from, g.valid_to, f.name, f.sha256 FROM submission b "
		     "JOIN org o ON o.id = b.org_id LEFT JOIN signatory g ON g.id = b.signatory_id "
		     "LEFT JOIN portal_file f ON f.id = g.evidence_id "
		     "WHERE ($2 > 0 AND b.id = $2) OR ($2 <= 0 AND ($1 = 0 OR b.org_id = $1) AND ($3 IS NULL OR b.state = $3)) "
		     "ORDER BY b.id",
		     "reading submissions", err, PQ_I(org_id), PQ_I(id), PQ_T(state)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_submission b = {
			.id = pq_i64(&q, 0),
			.org_id = pq_i64(&q, 1),
			.org = pq_text(&q, 2),
			.org_name = pq_text(&q, 3),
			.kind = pq_text(&q, 4),
			.dnr = pq_text(&q, 5),
			.part = pq_text(&q, 6),
			.has_amount = !pq_isnull(&q, 7),
			.amount = pq_i64(&q, 7),
			.has_unused = !pq_isnull(&q, 8),
			.unused = pq_i64(&q, 8),
			.comments = pq_text(&q, 9),
			.attachments = pq_text(&q, 10),
			.state = pq_text(&q, 11),
			.drafted_by = pq_text(&q, 12),
			.drafted_on = pq_text(&q, 13),
			.signed_by = pq_text(&q, 14),
			.signatory_id = pq_i64(&q, 15),
			.signed_on = pq_text(&q, 16),
			.sign_method = pq_text(&q, 17),
			.doc_id = pq_i64(&q, 18),
			.doc_sha256 = pq_text(&q, 19),
			.late = pq_int(&q, 20) != 0,
			.reviewed_by = pq_text(&q, 21),
			.reviewed_on = pq_text(&q, 22),
			.review_note = pq_text(&q, 23),
			.event_id = pq_text(&q, 24),
			.sig_kind = pq_text(&q, 25),
			.sig_from = pq_text(&q, 26),
			.sig_to = pq_text(&q, 27),
			.sig_evidence = pq_text(&q, 28),
			.sig_evidence_sha256 = pq_text(&q, 29),
		};
		if (fn(ctx, &b))
			return pq_stop(&q, -1);
	}
	return rc;
}

const struct store_portal_ops store_pg_portal_ops = {
	.file_add = pq_file_add,
	.file_get = pq_file_get,
	.signatory_add = pq_signatory_add,
	.signatory_scan = pq_signatory_scan,
	.signatory_revoke = pq_signatory_revoke,
	.submission_add = pq_submission_add,
	.submission_put = pq_submission_put,
	.submission_scan = pq_submission_scan,
};
