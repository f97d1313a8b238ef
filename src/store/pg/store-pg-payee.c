/* store-pg-payee.c: payees' accounts in PostgreSQL (0007-payee-account.sql):
 * the primitives of engine-payee.h, SQL only; the rules are in payee.c. */
#include "pg-internal.h"

#include <string.h>

#include "engine-payee.h"

/* A NULL of type bytea. */
#define PQ_NULL_B ((struct pq_arg){.type = PQ_ARG_NULL, .oid = 17})

static int pq_payee_orgs(struct store *base, int64_t part_id, int64_t org_id, int64_t ids[PAYEE_CANDIDATES],
			 struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT py.org_id, ppy.org_id, al.org_id FROM allocation al JOIN part p ON p.id = al.part_id "
			  "LEFT JOIN payee py ON py.id = al.payee_id LEFT JOIN payee ppy ON ppy.id = p.payee_id "
			  "WHERE al.part_id = $1 AND al.org_id = $2",
			  "reading an account's payees", err, PQ_I(part_id), PQ_I(org_id));
	if (rc <= 0)
		return rc < 0 ? -1 : bd_failc(err, BD_NOT_FOUND, "database: reading a payee: no allocation row");
	ids[PAYEE_OF_ROW] = pq_i64(&q, 0);
	ids[PAYEE_OF_PART] = pq_i64(&q, 1);
	ids[PAYEE_RECIPIENT] = pq_i64(&q, 2);
	return pq_stop(&q, 0);
}

static int pq_payee_orgs_by_orgnr(struct store *base, const char *orgnr, engine_org_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT id, code, name FROM org WHERE orgnr = $1 ORDER BY code",
		     "reading organisations by orgnr", err, PQ_T(orgnr)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_i64(&q, 0), pq_text(&q, 1), pq_text(&q, 2)))
			return pq_stop(&q, -1);
	return rc;
}

static int pq_payee_legacy_accounts(struct store *base, int64_t org_id, engine_legacy_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT bankgiro, plusgiro FROM org WHERE id = $1 AND (bankgiro IS NOT NULL OR plusgiro IS NOT NULL) "
		     "UNION SELECT bankgiro, plusgiro FROM payee WHERE org_id = $1 "
		     "AND (bankgiro IS NOT NULL OR plusgiro IS NOT NULL) ORDER BY 1, 2",
		     "reading an organisation's accounts", err, PQ_I(org_id)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_text(&q, 0), pq_text(&q, 1)))
			return pq_stop(&q, -1);
	return rc;
}

#define ACCOUNT_COLS                                                                                                   \
	"a.id, a.org_id, o.code, o.name, o.orgnr, a.version, a.bankgiro, a.plusgiro, a.iban, a.bic, a.reference, "      \
	"a.since, a.how, a.changed_on, a.change_id, a.by_user, a.source, a.recorded"

static struct engine_payee_account account_row(const struct pq_stmt *q)
{
	return (struct engine_payee_account){
		.id = pq_i64(q, 0),
		.org_id = pq_i64(q, 1),
		.org = pq_text(q, 2),
		.org_name = pq_text(q, 3),
		.orgnr = pq_text(q, 4),
		.version = pq_int(q, 5),
		.bankgiro = pq_text(q, 6),
		.plusgiro = pq_text(q, 7),
		.iban = pq_text(q, 8),
		.bic = pq_text(q, 9),
		.reference = pq_text(q, 10),
		.since = pq_text(q, 11),
		.how = pq_text(q, 12),
		.changed_on = pq_text(q, 13),
		.change = pq_i64(q, 14),
		.by = pq_text(q, 15),
		.source = pq_text(q, 16),
		.recorded = pq_text(q, 17),
	};
}

static int pq_payee_account_current(struct store *base, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			      struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT " ACCOUNT_COLS " FROM payee_account a JOIN org o ON o.id = a.org_id "
			  "WHERE a.org_id = $1 ORDER BY a.version DESC LIMIT 1",
			  "reading a payee's account", err, PQ_I(org_id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_payee_account a = account_row(&q);
	return pq_stop(&q, fn(ctx, &a) ? -1 : 0);
}

static int pq_payee_account_add(struct store *base, const struct engine_payee_account *a, int64_t *id,
			  struct bd_error *err)
{
	char now[32];
	now_iso(now, sizeof(now));
	int64_t got = pq_id(P(base),
			    "INSERT INTO payee_account (org_id, version, bankgiro, plusgiro, iban, bic, reference, since, how, "
			    "changed_on, change_id, by_user, source, recorded) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
			    "ON CONFLICT DO NOTHING RETURNING id",
			    "registering a payee's account", err, PQ_I(a->org_id), PQ_I(a->version), PQ_T(a->bankgiro),
			    PQ_T(a->plusgiro), PQ_T(a->iban), PQ_T(a->bic), PQ_T(a->reference), PQ_T(a->since),
			    PQ_T(a->how), PQ_T(a->changed_on), PQ_ID(a->change), PQ_T(a->by), PQ_T(a->source), PQ_T(now));
	if (got < 0)
		return -1;
	*id = got;
	return got == 0 ? 1 : 0;
}

static int pq_payee_account_scan(struct store *base, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			   struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT " ACCOUNT_COLS ", (SELECT count(*) FROM payee_change c WHERE c.org_id = a.org_id "
		     " AND c.state = 'proposed') FROM payee_account a JOIN org o ON o.id = a.org_id "
		     "WHERE ($1 = 0 AND a.version = (SELECT max(v.version) FROM payee_account v WHERE v.org_id = a.org_id)) "
		     " OR a.org_id = $1 ORDER BY o.code, a.version",
		     "reading payees' accounts", err, PQ_I(org_id)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_payee_account a = account_row(&q);
		a.pending = pq_int(&q, 18);
		if (fn(ctx, &a))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int pq_payee_change_add(struct store *base, const struct engine_payee_change *c, int64_t *id, struct bd_error *err)
{
	int64_t got = pq_id(P(base),
			    "INSERT INTO payee_change (org_id, bankgiro, plusgiro, iban, bic, reference, evidence, "
			    "evidence_sha256, evidence_file, proposed_by, proposed_on, source, recorded) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id",
			    "proposing a change of account", err, PQ_I(c->org_id), PQ_T(c->bankgiro), PQ_T(c->plusgiro),
			    PQ_T(c->iban), PQ_T(c->bic), PQ_T(c->reference), PQ_T(c->evidence), PQ_T(c->evidence_sha256),
			    c->evidence_file ? PQ_B(c->evidence_file, c->evidence_len) : PQ_NULL_B, PQ_T(c->proposed_by),
			    PQ_T(c->proposed_on), PQ_T(c->source), PQ_T(c->recorded));
	if (got < 0)
		return -1;
	*id = got;
	return got == 0 ? 1 : 0; /* 0: the organisation's open change is there */
}

#define CHANGE_COLS                                                                                                    \
	"c.id, c.org_id, o.code, o.name, o.orgnr, c.bankgiro, c.plusgiro, c.iban, c.bic, c.reference, c.evidence, "    \
	"c.evidence_sha256, c.state, c.proposed_by, c.proposed_on, c.decided_by, c.decided_on, c.source, c.recorded"

static struct engine_payee_change change_row(const struct pq_stmt *q)
{
	return (struct engine_payee_change){
		.id = pq_i64(q, 0),
		.org_id = pq_i64(q, 1),
		.org = pq_text(q, 2),
		.org_name = pq_text(q, 3),
		.orgnr = pq_text(q, 4),
		.bankgiro = pq_text(q, 5),
		.plusgiro = pq_text(q, 6),
		.iban = pq_text(q, 7),
		.bic = pq_text(q, 8),
		.reference = pq_text(q, 9),
		.evidence = pq_text(q, 10),
		.evidence_sha256 = pq_text(q, 11),
		.state = pq_text(q, 12),
		.proposed_by = pq_text(q, 13),
		.proposed_on = pq_text(q, 14),
		.decided_by = pq_text(q, 15),
		.decided_on = pq_text(q, 16),
		.source = pq_text(q, 17),
		.recorded = pq_text(q, 18),
	};
}

static int pq_payee_change_get(struct store *base, int64_t id, engine_payee_change_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT " CHANGE_COLS " FROM payee_change c JOIN org o ON o.id = c.org_id WHERE c.id = $1",
			  "reading a change of account", err, PQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_payee_change c = change_row(&q);
	return pq_stop(&q, fn(ctx, &c) ? -1 : 0);
}

static int pq_payee_change_evidence(struct store *base, int64_t id, char **name, char **data, size_t *len,
				    struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT evidence, evidence_file FROM payee_change WHERE id = $1 AND evidence_file IS NOT NULL",
			  "reading the evidence of a change of account", err, PQ_I(id));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	size_t n = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)pq_text(&q, 1), &n);
	if (!bytes)
		return pq_stop(&q, bd_failc(err, BD_IO, "database: reading the evidence of a change of account: out of memory"));
	*name = xstrdup(pq_text(&q, 0));
	*len = n;
	*data = xmalloc(n + 1);
	if (n)
		memcpy(*data, bytes, n);
	(*data)[n] = '\0';
	PQfreemem(bytes);
	return pq_stop(&q, 0);
}

static int pq_payee_change_decide(struct store *base, int64_t id, const char *state, const char *by, const char *on,
			    struct bd_error *err)
{
	int n = pq_run(P(base),
		       "UPDATE payee_change SET state = $2, decided_by = $3, decided_on = $4 "
		       "WHERE id = $1 AND state = 'proposed'",
		       "deciding a change of account", err, PQ_I(id), PQ_T(state), PQ_T(by), PQ_T(on));
	return n < 0 ? -1 : n ? 0 : 1;
}

static int pq_payee_change_scan(struct store *base, int64_t org_id, bool open_only, engine_payee_change_fn fn, void *ctx,
			  struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT " CHANGE_COLS " FROM payee_change c JOIN org o ON o.id = c.org_id "
		     "WHERE ($1 = 0 OR c.org_id = $1) AND ($2 = 0 OR c.state = 'proposed') ORDER BY c.id",
		     "reading changes of account", err, PQ_I(org_id), PQ_I(open_only)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct engine_payee_change c = change_row(&q);
		if (fn(ctx, &c))
			return pq_stop(&q, -1);
	}
	return rc;
}

static int pq_payee_batch_account_put(struct store *base, const struct engine_batch_account *a, struct bd_error *err)
{
	int n = pq_run(P(base),
		       "INSERT INTO pay_batch_account (payment_id, batch, payee_name, orgnr, bankgiro, plusgiro, iban, bic, "
		       "reference, account_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
		       "keeping the account a batch pays", err, PQ_T(a->payment), PQ_T(a->batch), PQ_T(a->name),
		       PQ_T(a->orgnr), PQ_T(a->bankgiro), PQ_T(a->plusgiro), PQ_T(a->iban), PQ_T(a->bic),
		       PQ_T(a->reference), PQ_ID(a->account_id));
	return n < 0 ? -1 : n ? 0 : 1;
}

static int pq_payee_batch_account_get(struct store *base, const char *payment, engine_batch_account_fn fn, void *ctx,
				struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT payment_id, batch, payee_name, orgnr, bankgiro, plusgiro, iban, bic, reference, account_id "
			  "FROM pay_batch_account WHERE payment_id = $1",
			  "reading the account a batch paid", err, PQ_T(payment));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	struct engine_batch_account a = {pq_text(&q, 0), pq_text(&q, 1), pq_text(&q, 2), pq_text(&q, 3), pq_text(&q, 4),
					 pq_text(&q, 5), pq_text(&q, 6),  pq_text(&q, 7), pq_text(&q, 8), pq_i64(&q, 9)};
	return pq_stop(&q, fn(ctx, &a) ? -1 : 0);
}

const struct store_payee_ops store_pg_payee_ops = {
	.payee_orgs = pq_payee_orgs,
	.orgs_by_orgnr = pq_payee_orgs_by_orgnr,
	.legacy_accounts = pq_payee_legacy_accounts,
	.account_current = pq_payee_account_current,
	.account_add = pq_payee_account_add,
	.account_scan = pq_payee_account_scan,
	.change_add = pq_payee_change_add,
	.change_get = pq_payee_change_get,
	.change_evidence = pq_payee_change_evidence,
	.change_decide = pq_payee_change_decide,
	.change_scan = pq_payee_change_scan,
	.batch_account_put = pq_payee_batch_account_put,
	.batch_account_get = pq_payee_batch_account_get,
};
