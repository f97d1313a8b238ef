/* store-sqlite-recipient.c: the recipient register in SQLite (0003-recipient.sql). */
#include <sodium.h>
#include <string.h>

#include "sqlite-internal.h"

static int org_id(struct sqlite_store *s, const char *code, int64_t *id, struct bd_error *err)
{
	*id = org_id_by_code(s, code, err);
	if (*id < 0)
		return -1;
	return *id ? 0 : bd_fail(err, "no organisation with code '%s'", code);
}

int sq_recipient_put(struct store *base, const struct recipient_put *in, int *version, bool *unchanged,
		     struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	int64_t org = 0;
	if (org_id(s, in->org, &org, err))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65];
	crypto_hash_sha256(h, (const unsigned char *)in->document, strlen(in->document));
	sodium_bin2hex(sha, sizeof(sha), h, sizeof(h));

	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "SELECT version, document_sha256 FROM recipient_register WHERE org_id = ?1 AND year = ?2 "
			  "ORDER BY version DESC LIMIT 1",
			  "reading the recipient register", err, SQ_I(org), SQ_I(in->year));
	if (rc < 0)
		return -1;
	int latest = rc ? sq_int(&q, 0) : 0;
	bool same = rc && strcmp(sq_text(&q, 1), sha) == 0;
	sq_stop(&q, 0);
	*unchanged = same;
	*version = same ? latest : latest + 1;
	if (same)
		return 0;

	char now[32];
	now_iso(now, sizeof(now));
	int64_t id = sq_id(s,
			   "INSERT INTO recipient_register (org_id, year, version, document, document_sha256, source, "
			   "recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
			   "storing the recipient register", err, SQ_I(org), SQ_I(in->year), SQ_I(*version),
			   SQ_T(in->document), SQ_T(sha), SQ_T(in->source), SQ_T(in->by), SQ_T(now));
	if (id <= 0)
		return -1;
	if (sq_prepare(&q, s,
		       "INSERT INTO recipient_grant (register_id, ord, key, title, dnr, decision_dnr, amount) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		       "storing a grant of the recipient register", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->ngrants && rc >= 0; i++) {
		const struct recipient_grant_row *g = &in->grants[i];
		rc = sq_exec(&q, SQ_I(id), SQ_I((int64_t)i + 1), SQ_T(g->key), SQ_T(g->title), SQ_T(g->dnr),
			     SQ_T(g->decision), SQ_I(g->amount));
	}
	sq_finalize(&q);
	return rc < 0 ? -1 : 0;
}

int sq_recipient_get(struct store *base, const char *org, int year, int version, char **document, int *version_out,
		     struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT r.document, r.version FROM recipient_register r JOIN org o ON o.id = r.org_id "
			  "WHERE o.code = ?1 AND r.year = ?2 AND (?3 = 0 OR r.version = ?3) "
			  "ORDER BY r.version DESC LIMIT 1",
			  "reading the recipient register", err, SQ_T(org), SQ_I(year), SQ_I(version));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*document = xstrdup(sq_text(&q, 0));
	if (version_out)
		*version_out = sq_int(&q, 1);
	return sq_stop(&q, 0);
}

int sq_recipient_list(struct store *base, const char *org, bool all, recipient_version_fn fn, void *ctx,
		      struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT o.code, o.name, r.year, r.version, r.document_sha256, r.source, r.recorded_by, "
		     "r.recorded_at, (SELECT count(*) FROM recipient_grant g WHERE g.register_id = r.id), "
		     "(SELECT coalesce(sum(g.amount), 0) FROM recipient_grant g WHERE g.register_id = r.id) "
		     "FROM recipient_register r JOIN org o ON o.id = r.org_id "
		     "WHERE (?1 IS NULL OR o.code = ?1) AND (?2 OR r.version = (SELECT max(version) FROM "
		     "recipient_register x WHERE x.org_id = r.org_id AND x.year = r.year)) "
		     "ORDER BY o.code, r.year, r.version",
		     "listing recipient registers", err, SQ_T(org), SQ_I(all)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct recipient_version v = {
			.org = sq_text(&q, 0),
			.org_name = sq_text(&q, 1),
			.year = sq_int(&q, 2),
			.version = sq_int(&q, 3),
			.sha256 = sq_text(&q, 4),
			.source = sq_text(&q, 5),
			.recorded_by = sq_text(&q, 6),
			.recorded_at = sq_text(&q, 7),
			.grants = sq_int(&q, 8),
			.total = sq_i64(&q, 9),
		};
		if (fn(ctx, &v))
			return sq_stop(&q, 1);
	}
	return rc;
}

int sq_decision_link(struct store *base, const char *dnr, const char *org, struct decision_link *out,
		     struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT d.title, (SELECT sum(a.amount) FROM part p JOIN allocation a ON a.part_id = p.id "
			  "JOIN org o ON o.id = a.org_id WHERE p.decision_id = d.id AND o.code = ?2) "
			  "FROM decision d WHERE d.dnr = ?1",
			  "reading a decision", err, SQ_T(dnr), SQ_T(org));
	if (rc <= 0)
		return rc;
	out->registered = true;
	out->title = xstrdup(sq_text(&q, 0));
	out->has_allocated = !sq_isnull(&q, 1);
	out->allocated = sq_i64(&q, 1);
	return sq_stop(&q, 0);
}
