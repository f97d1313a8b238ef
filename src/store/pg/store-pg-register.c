/* store-pg-register.c: the register in PostgreSQL (0001-register.sql):
 * organisations and their groups, key datasets, decisions as read back, and
 * appropriations.  Recording a decision is in store-pg.c; the rules of both
 * are in ../register.c. */
#include <stdlib.h>
#include <string.h>

#include "pg-internal.h"

/* Organisations. */

int64_t pgr_org_id_by_code(struct pg_store *s, const char *code, struct bd_error *err)
{
	return pq_id(s, "SELECT id FROM org WHERE code = $1", "looking up an organisation", err, PQ_T(code));
}

int pgr_insert_org(struct pg_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	int n = pq_run(s,
		       "INSERT INTO org (code, name, kind, orgnr, bankgiro, plusgiro, payment_ref, lan_code, "
		       "kommun_code, builtin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
		       "ON CONFLICT (code) DO NOTHING",
		       "adding an organisation", err, PQ_T(o->code), PQ_T(o->name), PQ_T(o->kind), PQ_T(o->orgnr),
		       PQ_T(o->bankgiro), PQ_T(o->plusgiro), PQ_T(o->payment_ref), PQ_T(o->lan), PQ_T(o->kommun),
		       PQ_I(builtin));
	if (n < 0)
		return -1;
	if (added)
		*added += n;
	return 0;
}

int pq_org_insert(struct store *base, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	return pgr_insert_org(P(base), o, builtin, added, err);
}

int pq_org_find_name(struct store *base, const char *name, int64_t *id, struct bd_error *err)
{
	*id = pq_id(P(base), "SELECT id FROM org WHERE lower(name) = lower($1) ORDER BY builtin DESC",
		    "looking up a payee", err, PQ_T(name));
	return *id < 0 ? -1 : *id ? 0 : 1;
}

int pq_org_find_payee(struct store *base, const char *name, const char *orgnr, int64_t *id, bool *has_orgnr,
		      struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base),
			  "SELECT id, orgnr FROM org WHERE lower(name) = lower($1) AND (orgnr IS NULL OR orgnr = $2 "
			  "OR $2 IS NULL) ORDER BY (orgnr IS NOT NULL) DESC, builtin DESC LIMIT 1",
			  "looking up a payee", err, PQ_T(name), PQ_T(orgnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*id = pq_i64(&q, 0);
	*has_orgnr = !pq_isnull(&q, 1);
	return pq_stop(&q, 0);
}

int pq_org_set_orgnr(struct store *base, int64_t id, const char *orgnr, struct bd_error *err)
{
	return pq_run(P(base), "UPDATE org SET orgnr = $2 WHERE id = $1", "recording an organisationsnummer", err,
		      PQ_I(id), PQ_T(orgnr)) < 0
		       ? -1
		       : 0;
}

int pq_group_add(struct store *base, const char *code, const char *name, const char *kind, int64_t payee,
		 const char *const *members, size_t n, int *added, struct bd_error *err)
{
	struct pg_store *s = P(base);
	int rc = pq_run(s,
			"INSERT INTO org_group (code, name, kind, payee_org_id) VALUES ($1, $2, $3, $4) "
			"ON CONFLICT (code) DO NOTHING",
			"adding a group", err, PQ_T(code), PQ_T(name), PQ_T(kind), PQ_ID(payee));
	if (rc <= 0)
		return rc;
	*added += 1;
	for (size_t i = 0; i < n; i++)
		if (pq_run(s,
			   "INSERT INTO org_group_member (group_id, org_id) SELECT g.id, o.id FROM org_group g, org o "
			   "WHERE g.code = $1 AND o.code = $2",
			   "adding a group member", err, PQ_T(code), PQ_T(members[i])) < 0)
			return -1;
	return 0;
}

/* Concurrent inits seed the same rows: take turns.  LOCK TABLE takes no
 * snapshot, so when it is the transaction's first statement (as in an init)
 * the rows of the init before are seen, and nothing conflicts. */
int pq_seed_lock(struct store *base, struct bd_error *err)
{
	return pq_exec_sql(P(base), "LOCK TABLE org, org_group, org_group_member IN SHARE ROW EXCLUSIVE MODE",
			   "waiting for another init", err);
}

#define ORG_COLS "o.code, o.name, o.kind, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref, o.lan_code, o.kommun_code, o.builtin"

static int emit_orgs(struct pq_stmt *q, org_fn fn, void *ctx, int *count)
{
	int rc;
	*count = 0;
	while ((rc = pq_row(q)) > 0) {
		struct org o = {pq_text(q, 0), pq_text(q, 1), pq_text(q, 2), pq_text(q, 3), pq_text(q, 4),
				pq_text(q, 5), pq_text(q, 6), pq_text(q, 7), pq_text(q, 8), pq_int(q, 9) != 0};
		(*count)++;
		if (fn(ctx, &o))
			return pq_stop(q, -1);
	}
	return rc;
}

int pq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base), "SELECT " ORG_COLS " FROM org o WHERE $1 IS NULL OR o.kind = $1 ORDER BY o.code",
		     "reading organisations", err, PQ_T(kind)))
		return -1;
	int count;
	return emit_orgs(&q, fn, ctx, &count);
}

int pq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err)
{
	static const char *const queries[] = {
		"SELECT " ORG_COLS " FROM org o WHERE o.code = $1",
		"SELECT " ORG_COLS " FROM org o WHERE lower(o.code) = lower($1)",
		"SELECT " ORG_COLS " FROM org o WHERE lower(o.name) = lower($1) ORDER BY o.builtin DESC, o.code LIMIT 1",
		"SELECT " ORG_COLS " FROM org o WHERE o.orgnr = $1 ORDER BY o.builtin DESC, o.code LIMIT 1",
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(queries); i++) {
		struct pq_stmt q;
		int count;
		if (pq_query(&q, P(base), queries[i], "reading organisations", err, PQ_T(text)) ||
		    emit_orgs(&q, fn, ctx, &count))
			return -1;
		if (count)
			return 0;
	}
	return 1;
}

int pq_org_set(struct store *base, const char *code, const struct org *o, struct bd_error *err)
{
	struct pg_store *s = P(base);
	/* An account is bankgiro or plusgiro: setting one clears the other. */
	int n = pq_run(s,
		       "UPDATE org SET name = coalesce($2, name), orgnr = coalesce($3, orgnr), "
		       "bankgiro = CASE WHEN $4 IS NOT NULL THEN $4 WHEN $5 IS NOT NULL THEN NULL ELSE bankgiro END, "
		       "plusgiro = CASE WHEN $5 IS NOT NULL THEN $5 WHEN $4 IS NOT NULL THEN NULL ELSE plusgiro END, "
		       "payment_ref = coalesce($6, payment_ref) WHERE code = $1",
		       "changing an organisation", err, PQ_T(code), PQ_T(o->name), PQ_T(o->orgnr), PQ_T(o->bankgiro),
		       PQ_T(o->plusgiro), PQ_T(o->payment_ref));
	if (n < 0)
		return -1;
	return n ? 0 : 1;
}

int pq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT g.code, g.name, g.kind, p.name FROM org_group g "
		     "JOIN org_group_member m ON m.group_id = g.id JOIN org o ON o.id = m.org_id "
		     "LEFT JOIN org p ON p.id = g.payee_org_id WHERE o.code = $1 ORDER BY g.code",
		     "reading groups", err, PQ_T(code)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_text(&q, 0), pq_text(&q, 1), pq_text(&q, 2), pq_text(&q, 3)))
			return pq_stop(&q, -1);
	return rc;
}

/* Key datasets. */

int pq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256,
			       bool *is_new, struct bd_error *err)
{
	struct pg_store *s = P(base);
	key_values_digest(in->code, in->value, in->n, in->scale, sha256);
	struct pq_stmt q;
	int rc = pq_first(&q, s, "SELECT version FROM dataset WHERE name = $1 AND sha256 = $2", "looking up a dataset",
			  err, PQ_T(in->name), PQ_T(sha256));
	if (rc < 0)
		return -1;
	if (rc) {
		*version = pq_int(&q, 0);
		*is_new = false;
		return pq_stop(&q, 0);
	}
	char now[32];
	now_iso(now, sizeof(now));
	rc = pq_first(&q, s,
		      "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
		      "SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM dataset WHERE name = $1 "
		      "RETURNING id, version",
		      "registering a dataset", err, PQ_T(in->name), PQ_T(in->date), PQ_T(in->label), PQ_T(in->unit),
		      PQ_T(in->source), PQ_I(in->scale), PQ_T(sha256), PQ_T(now));
	if (rc <= 0) /* an INSERT ... SELECT of an aggregate returns its one row or fails */
		return -1;
	int64_t id = pq_i64(&q, 0);
	*version = pq_int(&q, 1);
	pq_stop(&q, 0);
	if (pq_prepare(&q, s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES ($1, $2, $3)",
		       "registering a dataset's values", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->n && rc >= 0; i++)
		rc = pq_exec(&q, PQ_I(id), PQ_T(in->code[i]), PQ_I(in->value[i]));
	pq_finalize(&q);
	if (rc < 0)
		return -1;
	*is_new = true;
	return 0;
}

int pq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
			     struct key_values *out, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s,
			  "SELECT id, version, scale, sha256 FROM dataset WHERE name = $1 AND ($2 = 0 OR version = $2) "
			  "ORDER BY version DESC LIMIT 1",
			  "reading a dataset", err, PQ_T(name), PQ_I(version));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	int64_t id = pq_i64(&q, 0);
	memset(out, 0, sizeof(*out));
	out->name = strpool_strdup(pool, name);
	out->version = pq_int(&q, 1);
	out->scale = pq_int(&q, 2);
	out->sha256 = strpool_strdup(pool, pq_text(&q, 3));
	pq_stop(&q, 0);
	int64_t n = pq_id(s, "SELECT count(*) FROM dataset_value WHERE dataset_id = $1", "reading a dataset", err,
			  PQ_I(id));
	if (n < 0 || pq_query(&q, s, "SELECT recipient, value FROM dataset_value WHERE dataset_id = $1 ORDER BY recipient",
			      "reading a dataset", err, PQ_I(id)))
		return -1;
	const char **code = strpool_alloc(pool, ((size_t)n + 1) * sizeof(char *));
	int64_t *value = strpool_alloc(pool, ((size_t)n + 1) * sizeof(int64_t));
	size_t k = 0;
	rc = 0;
	while (k < (size_t)n && (rc = pq_row(&q)) > 0) {
		code[k] = strpool_strdup(pool, pq_text(&q, 0));
		value[k] = pq_i64(&q, 1);
		k++;
	}
	pq_stop(&q, 0);
	if (rc < 0)
		return -1;
	out->n = k;
	out->code = code;
	out->value = value;
	return 0;
}

int pq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT ds.name, ds.version, ds.ref_date, ds.sha256, ds.source, d.dnr, p.code "
		     "FROM dataset ds LEFT JOIN part_key pk ON pk.dataset_id = ds.id "
		     "LEFT JOIN part p ON p.id = pk.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE $1 IS NULL OR ds.name = $1 ORDER BY ds.name, ds.version, d.date, d.dnr, p.ord",
		     "reading datasets", err, PQ_T(name)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct dataset_use u = {.name = pq_text(&q, 0), .version = pq_int(&q, 1), .date = pq_text(&q, 2),
					.sha256 = pq_text(&q, 3), .source = pq_text(&q, 4), .dnr = pq_text(&q, 5),
					.part = pq_text(&q, 6)};
		if (fn(ctx, &u))
			return pq_stop(&q, -1);
	}
	return rc;
}

/* Decisions. */

int pq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
				struct bd_error *err)
{
	struct pq_stmt q;
	int rc = pq_first(&q, P(base), "SELECT document, document_sha256 FROM decision WHERE dnr = $1",
			  "reading a decision", err, PQ_T(dnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*document = xstrdup(pq_text(&q, 0));
	if (sha256)
		*sha256 = xstrdup(pq_text(&q, 1));
	return pq_stop(&q, 0);
}

int pq_decision_list(struct store *base, int year, decision_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT d.dnr, d.date, d.title, d.department, a.dnr, d.total, "
		     " (SELECT coalesce(sum(al.amount), 0) FROM part p JOIN allocation al ON al.part_id = p.id "
		     "  WHERE p.decision_id = d.id), "
		     " (SELECT count(*) FROM part p WHERE p.decision_id = d.id), "
		     " (SELECT string_agg(y::text, ', ' ORDER BY y) FROM (SELECT DISTINCT ap.budget_year AS y FROM "
		     "  decision_appropriation da JOIN appropriation ap ON ap.id = da.appropriation_id "
		     "  WHERE da.decision_id = d.id) yy) "
		     "FROM decision d LEFT JOIN agreement a ON a.id = d.agreement_id "
		     "WHERE $1 = 0 OR EXISTS (SELECT 1 FROM decision_appropriation da JOIN appropriation ap "
		     "  ON ap.id = da.appropriation_id WHERE da.decision_id = d.id AND ap.budget_year = $1) "
		     "ORDER BY d.date, d.dnr",
		     "listing decisions", err, PQ_I(year)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct decision_summary ds = {
			.dnr = pq_text(&q, 0),
			.date = pq_text(&q, 1),
			.title = pq_text(&q, 2),
			.department = pq_text(&q, 3),
			.agreement_dnr = pq_text(&q, 4),
			.total = pq_i64(&q, 5),
			.allocated = pq_i64(&q, 6),
			.nparts = pq_int(&q, 7),
			.budget_years = pq_text(&q, 8),
		};
		if (fn(ctx, &ds))
			return pq_stop(&q, -1);
	}
	return rc;
}

int pq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt parts, q;
	if (pq_query(&parts, s,
		     "SELECT p.id, p.code, p.fingerprint FROM part p JOIN decision d ON d.id = p.decision_id "
		     "WHERE d.dnr = $1 ORDER BY p.ord",
		     "reading parts", err, PQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = pq_row(&parts)) > 0) {
		struct strpool pool;
		strpool_init(&pool);
		int64_t pid = pq_i64(&parts, 0);
		struct part_lock l = {.part = pq_text(&parts, 1), .fingerprint = pq_text(&parts, 2)};
		size_t cap = 0;
		const char **code = NULL, **kname = NULL;
		int64_t *amount = NULL;
		int *kver = NULL;
		int r = pq_query(&q, s,
				 "SELECT o.code, a.amount FROM allocation a JOIN org o ON o.id = a.org_id "
				 "WHERE a.part_id = $1 ORDER BY a.ord",
				 "reading parts", err, PQ_I(pid));
		while (r == 0 && (r = pq_row(&q)) > 0) {
			if (l.nrows == cap) {
				cap = cap ? cap * 2 : 64;
				code = xreallocarray(code, cap, sizeof(*code));
				amount = xreallocarray(amount, cap, sizeof(*amount));
			}
			code[l.nrows] = strpool_strdup(&pool, pq_text(&q, 0));
			amount[l.nrows++] = pq_i64(&q, 1);
			r = 0;
		}
		if (r == 0)
			r = pq_query(&q, s,
				     "SELECT ds.name, ds.version FROM part_key k JOIN dataset ds ON ds.id = k.dataset_id "
				     "WHERE k.part_id = $1 ORDER BY k.ord",
				     "reading parts", err, PQ_I(pid));
		while (r == 0 && (r = pq_row(&q)) > 0) {
			kname = xreallocarray(kname, l.nkeys + 1, sizeof(*kname));
			kver = xreallocarray(kver, l.nkeys + 1, sizeof(*kver));
			kname[l.nkeys] = strpool_strdup(&pool, pq_text(&q, 0));
			kver[l.nkeys++] = pq_int(&q, 1);
			r = 0;
		}
		l.code = code;
		l.amount = amount;
		l.key_name = kname;
		l.key_version = kver;
		if (r == 0 && fn(ctx, &l))
			r = -1;
		free(code);
		free(amount);
		free(kname);
		free(kver);
		strpool_release(&pool);
		if (r)
			return pq_stop(&parts, -1);
	}
	return rc;
}

/* Appropriations. */

int pq_appropriation_get(struct store *base, const struct appropriation *a, struct engine_appropriation *out,
			 struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	int rc = pq_first(&q, s,
			  "SELECT id, uo_name, anslag_name, post_name, available FROM appropriation "
			  "WHERE budget_year = $1 AND uo = $2 AND anslag = $3 AND post = $4",
			  "reading an appropriation", err, PQ_I(a->budget_year), PQ_I(a->uo), PQ_T(a->anslag),
			  PQ_I(a->post));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*out = (struct engine_appropriation){
		.id = pq_i64(&q, 0),
		.uo_name = pq_keep(s, 0, pq_text(&q, 1)),
		.anslag_name = pq_keep(s, 1, pq_text(&q, 2)),
		.post_name = pq_keep(s, 2, pq_text(&q, 3)),
		.has_available = !pq_isnull(&q, 4),
		.available = pq_i64(&q, 4),
	};
	return pq_stop(&q, 0);
}

int pq_appropriation_add(struct store *base, const struct appropriation *a, int64_t *id, struct bd_error *err)
{
	*id = pq_id(P(base),
		    "INSERT INTO appropriation (budget_year, uo, uo_name, anslag, anslag_name, post, post_name, "
		    "available) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
		    "adding an appropriation", err, PQ_I(a->budget_year), PQ_I(a->uo), PQ_T(a->uo_name),
		    PQ_T(a->anslag), PQ_T(a->anslag_name), PQ_I(a->post), PQ_T(a->post_name),
		    PQ_OPT(a->has_available, a->available));
	return *id < 0 ? -1 : 0;
}

int pq_appropriation_set_available(struct store *base, int64_t id, int64_t available, struct bd_error *err)
{
	return pq_run(P(base), "UPDATE appropriation SET available = $2 WHERE id = $1", "setting the amount available",
		      err, PQ_I(id), PQ_I(available)) < 0
		       ? -1
		       : 0;
}

int pq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err)
{
	struct pq_stmt q;
	if (pq_query(&q, P(base),
		     "SELECT ap.budget_year, ap.uo, ap.uo_name, ap.anslag, ap.anslag_name, ap.post, ap.post_name, "
		     " ap.available, d.dnr, d.date, d.title, sum(pf.amount) "
		     "FROM appropriation ap LEFT JOIN part_funding pf ON pf.appropriation_id = ap.id "
		     "LEFT JOIN part p ON p.id = pf.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE $1 = 0 OR ap.budget_year = $1 GROUP BY ap.id, d.id "
		     "ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post, d.date, d.dnr",
		     "listing appropriations", err, PQ_I(year)))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0) {
		struct appropriation_use u = {
			.budget_year = pq_int(&q, 0),
			.uo = pq_int(&q, 1),
			.uo_name = pq_text(&q, 2),
			.anslag = pq_text(&q, 3),
			.anslag_name = pq_text(&q, 4),
			.post = pq_int(&q, 5),
			.post_name = pq_text(&q, 6),
			.has_available = !pq_isnull(&q, 7),
			.available = pq_i64(&q, 7),
			.dnr = pq_text(&q, 8),
			.date = pq_text(&q, 9),
			.decision_title = pq_text(&q, 10),
			.amount = pq_i64(&q, 11),
		};
		if (fn(ctx, &u))
			return pq_stop(&q, -1);
	}
	return rc;
}
