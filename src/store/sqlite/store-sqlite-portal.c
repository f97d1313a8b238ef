/* store-sqlite-portal.c: the recipient's filing in SQLite (0013-portal.sql):
 * the primitives of engine-portal.h, SQL only; the rules are in portal.c. */
#include "sqlite-internal.h"

#include <string.h>

#include "engine-portal.h"

static int sq_file_add(struct store *base, const char *name, const char *sha256, const char *data, size_t len,
		       const char *by, int64_t *id, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	char now[32];
	now_iso(now, sizeof(now));
	struct sq_stmt q;
	if (sq_prepare(&q, s,
		       "INSERT INTO portal_file (name, sha256, data, added_by, recorded) VALUES (?1, ?2, ?3, ?4, ?5) "
		       "RETURNING id",
		       "keeping a file", err))
		return -1;
	int rc = sq_bind(&q, SQ_T(name), SQ_T(sha256), SQ_NULL, SQ_T(by), SQ_T(now));
	if (rc == 0 && sqlite3_bind_blob(q.st, 3, data, (int)len, SQLITE_TRANSIENT) != SQLITE_OK)
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), "keeping a file", err);
	if (rc == 0) {
		int step = sqlite3_step(q.st);
		if (step == SQLITE_ROW) {
			*id = sqlite3_column_int64(q.st, 0);
			step = sqlite3_step(q.st);
		}
		if (step != SQLITE_DONE)
			rc = sq_fail(s, step, "keeping a file", err);
	}
	sq_finalize(&q);
	return rc;
}

static int sq_file_get(struct store *base, int64_t id, char **name, char **sha256, char **data, size_t *len,
		       struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base), "SELECT name, sha256, data FROM portal_file WHERE id = ?1", "reading a kept file",
			  err, SQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*name = xstrdup(sq_text(&q, 0));
	*sha256 = xstrdup(sq_text(&q, 1));
	*len = (size_t)sqlite3_column_bytes(q.st, 2);
	*data = xmalloc(*len + 1);
	if (*len)
		memcpy(*data, sqlite3_column_blob(q.st, 2), *len);
	(*data)[*len] = '\0';
	return sq_stop(&q, 0);
}

static int sq_signatory_add(struct store *base, const struct engine_signatory *g, int64_t *id, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = sq_id(S(base),
			    "INSERT INTO signatory (org_id, user_name, kind, valid_from, valid_to, evidence_id, added_by, "
			    "added_on, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
			    "adding an authorised representative", err, SQ_I(g->org_id), SQ_T(g->user), SQ_T(g->kind),
			    SQ_T(g->valid_from), SQ_T(g->valid_to), SQ_I(g->evidence_id), SQ_T(g->added_by),
			    SQ_T(g->added_on), SQ_T(now));
	if (got <= 0)
		return -1;
	*id = got;
	return 0;
}

static int sq_signatory_scan(struct store *base, int64_t org_id, int64_t id, engine_signatory_fn fn, void *ctx,
			     struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT g.id, g.org_id, o.code, o.name, g.user_name, g.kind, g.valid_from, g.valid_to, g.evidence_id, "
		     "f.name, f.sha256, g.added_by, g.added_on, g.revoked_by, g.revoked_on FROM signatory g "
		     "JOIN org o ON o.id = g.org_id JOIN portal_file f ON f.id = g.evidence_id "
		     "WHERE (?2 > 0 AND g.id = ?2) OR (?2 <= 0 AND (?1 = 0 OR g.org_id = ?1)) "
		     "ORDER BY o.code, g.user_name, g.id",
		     "reading authorised representatives", err, SQ_I(org_id), SQ_I(id)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_signatory g = {
			.id = sq_i64(&q, 0),
			.org_id = sq_i64(&q, 1),
			.org = sq_text(&q, 2),
			.org_name = sq_text(&q, 3),
			.user = sq_text(&q, 4),
			.kind = sq_text(&q, 5),
			.valid_from = sq_text(&q, 6),
			.valid_to = sq_text(&q, 7),
			.evidence_id = sq_i64(&q, 8),
			.evidence_name = sq_text(&q, 9),
			.evidence_sha256 = sq_text(&q, 10),
			.added_by = sq_text(&q, 11),
			.added_on = sq_text(&q, 12),
			.revoked_by = sq_text(&q, 13),
			.revoked_on = sq_text(&q, 14),
		};
		if (fn(ctx, &g))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int sq_signatory_revoke(struct store *base, int64_t id, const char *by, const char *on, struct bd_error *err)
{
	int n = sq_run(S(base), "UPDATE signatory SET revoked_by = ?2, revoked_on = ?3 WHERE id = ?1 AND revoked_by IS NULL",
		       "revoking an authorised representative", err, SQ_I(id), SQ_T(by), SQ_T(on));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

static int sq_submission_add(struct store *base, const struct engine_submission *b, int64_t *id, struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = sq_id(S(base),
			    "INSERT INTO submission (org_id, kind, dnr, part, amount, unused, comments, attachments, state, "
			    "drafted_by, drafted_on, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
			    "RETURNING id",
			    "drafting a submission", err, SQ_I(b->org_id), SQ_T(b->kind), SQ_T(b->dnr), SQ_T(b->part),
			    SQ_OPT(b->has_amount, b->amount), SQ_OPT(b->has_unused, b->unused), SQ_T(b->comments),
			    SQ_T(b->attachments), SQ_T(b->state), SQ_T(b->drafted_by), SQ_T(b->drafted_on), SQ_T(now));
	if (got <= 0)
		return -1;
	*id = got;
	return 0;
}

static int sq_submission_put(struct store *base, const struct engine_submission *b, struct bd_error *err)
{
	int n = sq_run(S(base),
		       "UPDATE submission SET amount = ?2, unused = ?3, comments = ?4, attachments = ?5, state = ?6, "
		       "signed_by = ?7, signatory_id = ?8, signed_on = ?9, sign_method = ?10, doc_id = ?11, "
		       "doc_sha256 = ?12, late = ?13, reviewed_by = ?14, reviewed_on = ?15, review_note = ?16, "
		       "event_id = ?17 WHERE id = ?1",
		       "changing a submission", err, SQ_I(b->id), SQ_OPT(b->has_amount, b->amount),
		       SQ_OPT(b->has_unused, b->unused), SQ_T(b->comments), SQ_T(b->attachments), SQ_T(b->state),
		       SQ_T(b->signed_by), SQ_ID(b->signatory_id), SQ_T(b->signed_on), SQ_T(b->sign_method),
		       SQ_ID(b->doc_id), SQ_T(b->doc_sha256), SQ_I(b->late ? 1 : 0), SQ_T(b->reviewed_by),
		       SQ_T(b->reviewed_on), SQ_T(b->review_note), SQ_T(b->event_id));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

static int sq_submission_scan(struct store *base, int64_t org_id, int64_t id, const char *state,
			      engine_submission_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT b.id, b.org_id, o.code, o.name, b.kind, b.dnr, b.part, b.amount, b.unused, b.comments, "
		     "b.attachments, b.state, b.drafted_by, b.drafted_on, b.signed_by, b.signatory_id, b.signed_on, "
		     "b.sign_method, b.doc_id, b.doc_sha256, b.late, b.reviewed_by, b.reviewed_on, b.review_note, "
		     "b.event_id, g.kind, g.valid_from, g.valid_to, f.name, f.sha256 FROM submission b "
		     "JOIN org o ON o.id = b.org_id LEFT JOIN signatory g ON g.id = b.signatory_id "
		     "LEFT JOIN portal_file f ON f.id = g.evidence_id "
		     "WHERE (?2 > 0 AND b.id = ?2) OR (?2 <= 0 AND (?1 = 0 OR b.org_id = ?1) AND (?3 IS NULL OR b.state = ?3)) "
		     "ORDER BY b.id",
		     "reading submissions", err, SQ_I(org_id), SQ_I(id), SQ_T(state)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_submission b = {
			.id = sq_i64(&q, 0),
			.org_id = sq_i64(&q, 1),
			.org = sq_text(&q, 2),
			.org_name = sq_text(&q, 3),
			.kind = sq_text(&q, 4),
			.dnr = sq_text(&q, 5),
			.part = sq_text(&q, 6),
			.has_amount = !sq_isnull(&q, 7),
			.amount = sq_i64(&q, 7),
			.has_unused = !sq_isnull(&q, 8),
			.unused = sq_i64(&q, 8),
			.comments = sq_text(&q, 9),
			.attachments = sq_text(&q, 10),
			.state = sq_text(&q, 11),
			.drafted_by = sq_text(&q, 12),
			.drafted_on = sq_text(&q, 13),
			.signed_by = sq_text(&q, 14),
			.signatory_id = sq_i64(&q, 15),
			.signed_on = sq_text(&q, 16),
			.sign_method = sq_text(&q, 17),
			.doc_id = sq_i64(&q, 18),
			.doc_sha256 = sq_text(&q, 19),
			.late = sq_int(&q, 20) != 0,
			.reviewed_by = sq_text(&q, 21),
			.reviewed_on = sq_text(&q, 22),
			.review_note = sq_text(&q, 23),
			.event_id = sq_text(&q, 24),
			.sig_kind = sq_text(&q, 25),
			.sig_from = sq_text(&q, 26),
			.sig_to = sq_text(&q, 27),
			.sig_evidence = sq_text(&q, 28),
			.sig_evidence_sha256 = sq_text(&q, 29),
		};
		if (fn(ctx, &b))
			return sq_stop(&q, -1);
	}
	return rc;
}

const struct store_portal_ops store_sqlite_portal_ops = {
	.file_add = sq_file_add,
	.file_get = sq_file_get,
	.signatory_add = sq_signatory_add,
	.signatory_scan = sq_signatory_scan,
	.signatory_revoke = sq_signatory_revoke,
	.submission_add = sq_submission_add,
	.submission_put = sq_submission_put,
	.submission_scan = sq_submission_scan,
};
