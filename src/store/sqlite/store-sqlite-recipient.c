/* store-sqlite-recipient.c: the recipient register in SQLite (0003-recipient.sql). */
#include <sodium.h>
#include <string.h>

#include "sqlite-internal.h"

static int org_id(struct sqlite_store *s, const char *code, int64_t *id, struct bd_error *err)
{
	sqlite3_stmt *st = prep(s, "SELECT id FROM org WHERE code = ?1", err);
	if (!st)
		return -1;
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? bd_fail(err, "no organisation with code '%s'", code)
				 : db_fail(s, err, "finding an organisation");
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

	sqlite3_stmt *st = prep(s,
				"SELECT version, document_sha256 FROM recipient_register WHERE org_id = ?1 AND year = ?2 "
				"ORDER BY version DESC LIMIT 1",
				err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int(st, 2, in->year);
	int latest = 0;
	bool same = false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		latest = sqlite3_column_int(st, 0);
		same = strcmp(col_text(st, 1), sha) == 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s, err, "reading the recipient register");
	*unchanged = same;
	*version = same ? latest : latest + 1;
	if (same)
		return 0;

	char now[32];
	now_iso(now, sizeof(now));
	st = prep(s,
		  "INSERT INTO recipient_register (org_id, year, version, document, document_sha256, source, "
		  "recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
		  err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int(st, 2, in->year);
	sqlite3_bind_int(st, 3, *version);
	bind_text(st, 4, in->document);
	bind_text(st, 5, sha);
	bind_text(st, 6, in->source);
	bind_text(st, 7, in->by);
	bind_text(st, 8, now);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (id < 0)
		return db_fail(s, err, "storing the recipient register");
	st = prep(s,
		  "INSERT INTO recipient_grant (register_id, ord, key, title, dnr, decision_dnr, amount) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		  err);
	if (!st)
		return -1;
	for (size_t i = 0; i < in->ngrants; i++) {
		const struct recipient_grant_row *g = &in->grants[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		bind_text(st, 3, g->key);
		bind_text(st, 4, g->title);
		bind_text(st, 5, g->dnr);
		bind_text(st, 6, g->decision);
		sqlite3_bind_int64(st, 7, g->amount);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_fail(s, err, "storing a grant of the recipient register");
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int sq_recipient_get(struct store *base, const char *org, int year, int version, char **document, int *version_out,
		     struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(s,
				"SELECT r.document, r.version FROM recipient_register r JOIN org o ON o.id = r.org_id "
				"WHERE o.code = ?1 AND r.year = ?2 AND (?3 = 0 OR r.version = ?3) "
				"ORDER BY r.version DESC LIMIT 1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, org);
	sqlite3_bind_int(st, 2, year);
	sqlite3_bind_int(st, 3, version);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*document = xstrdup(col_text(st, 0));
		if (version_out)
			*version_out = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_fail(s, err, "reading the recipient register");
}

int sq_recipient_list(struct store *base, const char *org, bool all, recipient_version_fn fn, void *ctx,
		      struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = prep(
		s,
		"SELECT o.code, o.name, r.year, r.version, r.document_sha256, r.source, r.recorded_by, r.recorded_at, "
		"(SELECT count(*) FROM recipient_grant g WHERE g.register_id = r.id), "
		"(SELECT coalesce(sum(g.amount), 0) FROM recipient_grant g WHERE g.register_id = r.id) "
		"FROM recipient_register r JOIN org o ON o.id = r.org_id "
		"WHERE (?1 IS NULL OR o.code = ?1) AND (?2 OR r.version = (SELECT max(version) FROM "
		"recipient_register x WHERE x.org_id = r.org_id AND x.year = r.year)) "
		"ORDER BY o.code, r.year, r.version",
		err);
	if (!st)
		return -1;
	bind_text(st, 1, org);
	sqlite3_bind_int(st, 2, all);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct recipient_version v = {
			.org = col_text(st, 0),
			.org_name = col_text(st, 1),
			.year = sqlite3_column_int(st, 2),
			.version = sqlite3_column_int(st, 3),
			.sha256 = col_text(st, 4),
			.source = col_text(st, 5),
			.recorded_by = col_text(st, 6),
			.recorded_at = col_text(st, 7),
			.grants = sqlite3_column_int(st, 8),
			.total = sqlite3_column_int64(st, 9),
		};
		if (fn(ctx, &v)) {
			sqlite3_finalize(st);
			return 1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, err, "listing recipient registers");
}

int sq_decision_link(struct store *base, const char *dnr, const char *org, struct decision_link *out,
		     struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = prep(s,
				"SELECT d.title, (SELECT sum(a.amount) FROM part p JOIN allocation a ON a.part_id = p.id "
				"JOIN org o ON o.id = a.org_id WHERE p.decision_id = d.id AND o.code = ?2) "
				"FROM decision d WHERE d.dnr = ?1",
				err);
	if (!st)
		return -1;
	bind_text(st, 1, dnr);
	bind_text(st, 2, org);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->registered = true;
		out->title = xstrdup(col_text(st, 0));
		out->has_allocated = sqlite3_column_type(st, 1) != SQLITE_NULL;
		out->allocated = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(s, err, "reading a decision");
}
