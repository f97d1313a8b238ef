/* store-sqlite-payee.c: payees' accounts in SQLite (0007-payee-account.sql):
 * the primitives of engine-payee.h, SQL only; the rules are in payee.c. */
#include "sqlite-internal.h"

#include <string.h>

#include "engine-payee.h"

static int sq_payee_orgs(struct store *base, int64_t part_id, int64_t org_id, int64_t ids[PAYEE_CANDIDATES],
			 struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT py.org_id, ppy.org_id, al.org_id FROM allocation al JOIN part p ON p.id = al.part_id "
			  "LEFT JOIN payee py ON py.id = al.payee_id LEFT JOIN payee ppy ON ppy.id = p.payee_id "
			  "WHERE al.part_id = ?1 AND al.org_id = ?2",
			  "reading an account's payees", err, SQ_I(part_id), SQ_I(org_id));
	if (rc <= 0)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "database: reading a payee: no allocation row");
	ids[PAYEE_OF_ROW] = sq_i64(&q, 0);
	ids[PAYEE_OF_PART] = sq_i64(&q, 1);
	ids[PAYEE_RECIPIENT] = sq_i64(&q, 2);
	return sq_stop(&q, 0);
}

static int sq_payee_orgs_by_orgnr(struct store *base, const char *orgnr, engine_org_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base), "SELECT id, code, name FROM org WHERE orgnr = ?1 ORDER BY code",
		     "reading organisations by orgnr", err, SQ_T(orgnr)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_i64(&q, 0), sq_text(&q, 1), sq_text(&q, 2)))
			return sq_stop(&q, -1);
	return rc;
}

static int sq_payee_legacy_accounts(struct store *base, int64_t org_id, engine_legacy_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT bankgiro, plusgiro FROM org WHERE id = ?1 AND (bankgiro IS NOT NULL OR plusgiro IS NOT NULL) "
		     "UNION SELECT bankgiro, plusgiro FROM payee WHERE org_id = ?1 "
		     "AND (bankgiro IS NOT NULL OR plusgiro IS NOT NULL) ORDER BY 1, 2",
		     "reading an organisation's accounts", err, SQ_I(org_id)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_text(&q, 0), sq_text(&q, 1)))
			return sq_stop(&q, -1);
	return rc;
}

#define ACCOUNT_COLS                                                                                                   \
	"a.id, a.org_id, o.code, o.name, o.orgnr, a.version, a.bankgiro, a.plusgiro, a.iban, a.bic, a.reference, "      \
	"a.since, a.how, a.changed_on, a.change_id, a.by_user, a.source, a.recorded"

static struct engine_payee_account account_row(const struct sq_stmt *q)
{
	return (struct engine_payee_account){
		.id = sq_i64(q, 0),
		.org_id = sq_i64(q, 1),
		.org = sq_text(q, 2),
		.org_name = sq_text(q, 3),
		.orgnr = sq_text(q, 4),
		.version = sq_int(q, 5),
		.bankgiro = sq_text(q, 6),
		.plusgiro = sq_text(q, 7),
		.iban = sq_text(q, 8),
		.bic = sq_text(q, 9),
		.reference = sq_text(q, 10),
		.since = sq_text(q, 11),
		.how = sq_text(q, 12),
		.changed_on = sq_text(q, 13),
		.change = sq_i64(q, 14),
		.by = sq_text(q, 15),
		.source = sq_text(q, 16),
		.recorded = sq_text(q, 17),
	};
}

static int sq_payee_account_current(struct store *base, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT " ACCOUNT_COLS " FROM payee_account a JOIN org o ON o.id = a.org_id "
			  "WHERE a.org_id = ?1 ORDER BY a.version DESC LIMIT 1",
			  "reading a payee's account", err, SQ_I(org_id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_payee_account a = account_row(&q);
	return sq_stop(&q, fn(ctx, &a) ? -1 : 0);
}

static int sq_payee_account_add(struct store *base, const struct engine_payee_account *a, int64_t *id,
			  struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = sq_id(S(base),
			    "INSERT INTO payee_account (org_id, version, bankgiro, plusgiro, iban, bic, reference, since, how, "
			    "changed_on, change_id, by_user, source, recorded) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
			    "ON CONFLICT DO NOTHING RETURNING id",
			    "registering a payee's account", err, SQ_I(a->org_id), SQ_I(a->version), SQ_T(a->bankgiro),
			    SQ_T(a->plusgiro), SQ_T(a->iban), SQ_T(a->bic), SQ_T(a->reference), SQ_T(a->since),
			    SQ_T(a->how), SQ_T(a->changed_on), SQ_ID(a->change), SQ_T(a->by), SQ_T(a->source), SQ_T(now));
	if (got < 0)
		return -1;
	*id = got;
	return got == 0 ? 1 : 0;
}

static int sq_payee_account_scan(struct store *base, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			   struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT " ACCOUNT_COLS ", (SELECT count(*) FROM payee_change c WHERE c.org_id = a.org_id "
		     " AND c.state = 'proposed') FROM payee_account a JOIN org o ON o.id = a.org_id "
		     "WHERE (?1 = 0 AND a.version = (SELECT max(v.version) FROM payee_account v WHERE v.org_id = a.org_id)) "
		     " OR a.org_id = ?1 ORDER BY o.code, a.version",
		     "reading payees' accounts", err, SQ_I(org_id)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_payee_account a = account_row(&q);
		a.pending = sq_int(&q, 18);
		if (fn(ctx, &a))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int sq_payee_change_add(struct store *base, const struct engine_payee_change *c, int64_t *id, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (sq_prepare(&q, s,
		       "INSERT INTO payee_change (org_id, bankgiro, plusgiro, iban, bic, reference, evidence, "
		       "evidence_sha256, evidence_file, proposed_by, proposed_on, source, recorded) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT DO NOTHING RETURNING id",
		       "proposing a change of account", err))
		return -1;
	int rc = sq_bind(&q, SQ_I(c->org_id), SQ_T(c->bankgiro), SQ_T(c->plusgiro), SQ_T(c->iban), SQ_T(c->bic),
			 SQ_T(c->reference), SQ_T(c->evidence), SQ_T(c->evidence_sha256), SQ_NULL, SQ_T(c->proposed_by),
			 SQ_T(c->proposed_on), SQ_T(c->source), SQ_T(c->recorded));
	if (rc == 0 && c->evidence_file &&
	    sqlite3_bind_blob(q.st, 9, c->evidence_file, (int)c->evidence_len, SQLITE_TRANSIENT) != SQLITE_OK)
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), "proposing a change of account", err);
	if (rc == 0) {
		int step = sqlite3_step(q.st);
		if (step == SQLITE_ROW) {
			*id = sqlite3_column_int64(q.st, 0);
			step = sqlite3_step(q.st);
		} else {
			*id = 0;
			rc = 1; /* the organisation's open change is there */
		}
		if (step != SQLITE_DONE)
			rc = sq_fail(s, sqlite3_extended_errcode(s->db), "proposing a change of account", err);
	}
	sq_finalize(&q);
	return rc;
}

#define CHANGE_COLS                                                                                                    \
	"c.id, c.org_id, o.code, o.name, o.orgnr, c.bankgiro, c.plusgiro, c.iban, c.bic, c.reference, c.evidence, "    \
	"c.evidence_sha256, c.state, c.proposed_by, c.proposed_on, c.decided_by, c.decided_on, c.source, c.recorded"

static struct engine_payee_change change_row(const struct sq_stmt *q)
{
	return (struct engine_payee_change){
		.id = sq_i64(q, 0),
		.org_id = sq_i64(q, 1),
		.org = sq_text(q, 2),
		.org_name = sq_text(q, 3),
		.orgnr = sq_text(q, 4),
		.bankgiro = sq_text(q, 5),
		.plusgiro = sq_text(q, 6),
		.iban = sq_text(q, 7),
		.bic = sq_text(q, 8),
		.reference = sq_text(q, 9),
		.evidence = sq_text(q, 10),
		.evidence_sha256 = sq_text(q, 11),
		.state = sq_text(q, 12),
		.proposed_by = sq_text(q, 13),
		.proposed_on = sq_text(q, 14),
		.decided_by = sq_text(q, 15),
		.decided_on = sq_text(q, 16),
		.source = sq_text(q, 17),
		.recorded = sq_text(q, 18),
	};
}

static int sq_payee_change_get(struct store *base, int64_t id, engine_payee_change_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT " CHANGE_COLS " FROM payee_change c JOIN org o ON o.id = c.org_id WHERE c.id = ?1",
			  "reading a change of account", err, SQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_payee_change c = change_row(&q);
	return sq_stop(&q, fn(ctx, &c) ? -1 : 0);
}

static int sq_payee_change_evidence(struct store *base, int64_t id, char **name, char **data, size_t *len,
				    struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT evidence, evidence_file FROM payee_change WHERE id = ?1 AND evidence_file IS NOT NULL",
			  "reading the evidence of a change of account", err, SQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*name = xstrdup(sq_text(&q, 0));
	*len = (size_t)sqlite3_column_bytes(q.st, 1);
	*data = xmalloc(*len + 1);
	if (*len)
		memcpy(*data, sqlite3_column_blob(q.st, 1), *len);
	(*data)[*len] = '\0';
	return sq_stop(&q, 0);
}

static int sq_payee_change_decide(struct store *base, int64_t id, const char *state, const char *by, const char *on,
			    struct bd_error *err)
{
	int n = sq_run(S(base),
		       "UPDATE payee_change SET state = ?2, decided_by = ?3, decided_on = ?4 "
		       "WHERE id = ?1 AND state = 'proposed'",
		       "deciding a change of account", err, SQ_I(id), SQ_T(state), SQ_T(by), SQ_T(on));
	return n < 0 ? -1 : n ? 0 : 1;
}

static int sq_payee_change_scan(struct store *base, int64_t org_id, bool open_only, engine_payee_change_fn fn, void *ctx,
			  struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT " CHANGE_COLS " FROM payee_change c JOIN org o ON o.id = c.org_id "
		     "WHERE (?1 = 0 OR c.org_id = ?1) AND (?2 = 0 OR c.state = 'proposed') ORDER BY c.id",
		     "reading changes of account", err, SQ_I(org_id), SQ_I(open_only)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct engine_payee_change c = change_row(&q);
		if (fn(ctx, &c))
			return sq_stop(&q, -1);
	}
	return rc;
}

static int sq_payee_batch_account_put(struct store *base, const struct engine_batch_account *a, struct bd_error *err)
{
	int n = sq_run(S(base),
		       "INSERT INTO pay_batch_account (payment_id, batch, payee_name, orgnr, bankgiro, plusgiro, iban, bic, "
		       "reference, account_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
		       "keeping the account a batch pays", err, SQ_T(a->payment), SQ_T(a->batch), SQ_T(a->name),
		       SQ_T(a->orgnr), SQ_T(a->bankgiro), SQ_T(a->plusgiro), SQ_T(a->iban), SQ_T(a->bic),
		       SQ_T(a->reference), SQ_ID(a->account_id));
	return n < 0 ? -1 : n ? 0 : 1;
}

static int sq_payee_batch_account_get(struct store *base, const char *payment, engine_batch_account_fn fn, void *ctx,
				struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT payment_id, batch, payee_name, orgnr, bankgiro, plusgiro, iban, bic, reference, account_id "
			  "FROM pay_batch_account WHERE payment_id = ?1",
			  "reading the account a batch paid", err, SQ_T(payment));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_batch_account a = {sq_text(&q, 0), sq_text(&q, 1), sq_text(&q, 2), sq_text(&q, 3), sq_text(&q, 4),
					 sq_text(&q, 5), sq_text(&q, 6),  sq_text(&q, 7), sq_text(&q, 8), sq_i64(&q, 9)};
	return sq_stop(&q, fn(ctx, &a) ? -1 : 0);
}

const struct store_payee_ops store_sqlite_payee_ops = {
	.payee_orgs = sq_payee_orgs,
	.orgs_by_orgnr = sq_payee_orgs_by_orgnr,
	.legacy_accounts = sq_payee_legacy_accounts,
	.account_current = sq_payee_account_current,
	.account_add = sq_payee_account_add,
	.account_scan = sq_payee_account_scan,
	.change_add = sq_payee_change_add,
	.change_get = sq_payee_change_get,
	.change_evidence = sq_payee_change_evidence,
	.change_decide = sq_payee_change_decide,
	.change_scan = sq_payee_change_scan,
	.batch_account_put = sq_payee_batch_account_put,
	.batch_account_get = sq_payee_batch_account_get,
};
