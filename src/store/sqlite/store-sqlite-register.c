/* store-sqlite-register.c: the register in SQLite (0001-register.sql):
 * organisations and their groups, key datasets, decisions as read back, and
 * appropriations.  Recording a decision is in store-sqlite.c; the rules of
 * both are in ../register.c. */
#include <stdlib.h>
#include <string.h>

#include "sqlite-internal.h"

/* Organisations. */

int64_t org_id_by_code(struct sqlite_store *s, const char *code, struct bd_error *err)
{
	return sq_id(s, "SELECT id FROM org WHERE code = ?1", "looking up an organisation", err, SQ_T(code));
}

int insert_org(struct sqlite_store *s, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	int n = sq_run(s,
		       "INSERT INTO org (code, name, kind, orgnr, bankgiro, plusgiro, payment_ref, lan_code, "
		       "kommun_code, builtin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		       "ON CONFLICT (code) DO NOTHING",
		       "adding an organisation", err, SQ_T(o->code), SQ_T(o->name), SQ_T(o->kind), SQ_T(o->orgnr),
		       SQ_T(o->bankgiro), SQ_T(o->plusgiro), SQ_T(o->payment_ref), SQ_T(o->lan), SQ_T(o->kommun),
		       SQ_I(builtin));
	if (n < 0)
		return -1;
	if (added)
		*added += n;
	return 0;
}

int sq_org_insert(struct store *base, const struct org *o, bool builtin, int *added, struct bd_error *err)
{
	return insert_org(S(base), o, builtin, added, err);
}

int sq_org_find_name(struct store *base, const char *name, int64_t *id, struct bd_error *err)
{
	*id = sq_id(S(base), "SELECT id FROM org WHERE lower(name) = lower(?1) ORDER BY builtin DESC",
		    "looking up a payee", err, SQ_T(name));
	return *id < 0 ? -1 : *id ? 0 : 1;
}

int sq_org_find_payee(struct store *base, const char *name, const char *orgnr, int64_t *id, bool *has_orgnr,
		      struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base),
			  "SELECT id, orgnr FROM org WHERE lower(name) = lower(?1) AND (orgnr IS NULL OR orgnr = ?2 "
			  "OR ?2 IS NULL) ORDER BY (orgnr IS NOT NULL) DESC, builtin DESC LIMIT 1",
			  "looking up a payee", err, SQ_T(name), SQ_T(orgnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*id = sq_i64(&q, 0);
	*has_orgnr = !sq_isnull(&q, 1);
	return sq_stop(&q, 0);
}

int sq_org_set_orgnr(struct store *base, int64_t id, const char *orgnr, struct bd_error *err)
{
	return sq_run(S(base), "UPDATE org SET orgnr = ?2 WHERE id = ?1", "recording an organisationsnummer", err,
		      SQ_I(id), SQ_T(orgnr)) < 0
		       ? -1
		       : 0;
}

int sq_group_add(struct store *base, const char *code, const char *name, const char *kind, int64_t payee,
		 const char *const *members, size_t n, int *added, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	int rc = sq_run(s,
			"INSERT INTO org_group (code, name, kind, payee_org_id) VALUES (?1, ?2, ?3, ?4) "
			"ON CONFLICT (code) DO NOTHING",
			"adding a group", err, SQ_T(code), SQ_T(name), SQ_T(kind), SQ_ID(payee));
	if (rc <= 0)
		return rc;
	*added += 1;
	for (size_t i = 0; i < n; i++)
		if (sq_run(s,
			   "INSERT INTO org_group_member (group_id, org_id) SELECT g.id, o.id FROM org_group g, org o "
			   "WHERE g.code = ?1 AND o.code = ?2",
			   "adding a group member", err, SQ_T(code), SQ_T(members[i])) < 0)
			return -1;
	return 0;
}

#define ORG_COLS "o.code, o.name, o.kind, o.orgnr, o.bankgiro, o.plusgiro, o.payment_ref, o.lan_code, o.kommun_code, o.builtin"

static int emit_orgs(struct sq_stmt *q, org_fn fn, void *ctx, int *count)
{
	int rc;
	*count = 0;
	while ((rc = sq_row(q)) > 0) {
		struct org o = {sq_text(q, 0), sq_text(q, 1), sq_text(q, 2), sq_text(q, 3), sq_text(q, 4),
				sq_text(q, 5), sq_text(q, 6), sq_text(q, 7), sq_text(q, 8), sq_int(q, 9) != 0};
		(*count)++;
		if (fn(ctx, &o))
			return sq_stop(q, -1);
	}
	return rc;
}

int sq_org_list(struct store *base, const char *kind, org_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base), "SELECT " ORG_COLS " FROM org o WHERE ?1 IS NULL OR o.kind = ?1 ORDER BY o.code",
		     "reading organisations", err, SQ_T(kind)))
		return -1;
	int count;
	return emit_orgs(&q, fn, ctx, &count);
}

int sq_org_get(struct store *base, const char *text, org_fn fn, void *ctx, struct bd_error *err)
{
	static const char *const queries[] = {
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1",
		"SELECT " ORG_COLS " FROM org o WHERE o.code = ?1 COLLATE NOCASE",
		"SELECT " ORG_COLS " FROM org o WHERE lower(o.name) = lower(?1) ORDER BY o.builtin DESC, o.code LIMIT 1",
		"SELECT " ORG_COLS " FROM org o WHERE o.orgnr = ?1 ORDER BY o.builtin DESC, o.code LIMIT 1",
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(queries); i++) {
		struct sq_stmt q;
		int count;
		if (sq_query(&q, S(base), queries[i], "reading organisations", err, SQ_T(text)) ||
		    emit_orgs(&q, fn, ctx, &count))
			return -1;
		if (count)
			return 0;
	}
	return 1;
}

int sq_org_set(struct store *base, const char *code, const struct org *o, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	/* An account is bankgiro or plusgiro: setting one clears the other. */
	int n = sq_run(s,
		       "UPDATE org SET name = coalesce(?2, name), orgnr = coalesce(?3, orgnr), "
		       "bankgiro = CASE WHEN ?4 IS NOT NULL THEN ?4 WHEN ?5 IS NOT NULL THEN NULL ELSE bankgiro END, "
		       "plusgiro = CASE WHEN ?5 IS NOT NULL THEN ?5 WHEN ?4 IS NOT NULL THEN NULL ELSE plusgiro END, "
		       "payment_ref = coalesce(?6, payment_ref) WHERE code = ?1",
		       "changing an organisation", err, SQ_T(code), SQ_T(o->name), SQ_T(o->orgnr), SQ_T(o->bankgiro),
		       SQ_T(o->plusgiro), SQ_T(o->payment_ref));
	if (n < 0)
		return -1;
	return n ? 0 : 1;
}

int sq_org_groups(struct store *base, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT g.code, g.name, g.kind, p.name FROM org_group g "
		     "JOIN org_group_member m ON m.group_id = g.id JOIN org o ON o.id = m.org_id "
		     "LEFT JOIN org p ON p.id = g.payee_org_id WHERE o.code = ?1 ORDER BY g.code",
		     "reading groups", err, SQ_T(code)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_text(&q, 0), sq_text(&q, 1), sq_text(&q, 2), sq_text(&q, 3)))
			return sq_stop(&q, -1);
	return rc;
}

/* Key datasets. */

int sq_dataset_register(struct store *base, const struct dataset_in *in, int *version, char *sha256,
			       bool *is_new, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	key_values_digest(in->code, in->value, in->n, in->scale, sha256);
	struct sq_stmt q;
	int rc = sq_first(&q, s, "SELECT version FROM dataset WHERE name = ?1 AND sha256 = ?2", "looking up a dataset",
			  err, SQ_T(in->name), SQ_T(sha256));
	if (rc < 0)
		return -1;
	if (rc) {
		*version = sq_int(&q, 0);
		*is_new = false;
		return sq_stop(&q, 0);
	}
	char now[32];
	now_iso(now, sizeof(now));
	rc = sq_first(&q, s,
		      "INSERT INTO dataset (name, version, ref_date, label, unit, source, scale, sha256, registered) "
		      "SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM dataset WHERE name = ?1 "
		      "RETURNING id, version",
		      "registering a dataset", err, SQ_T(in->name), SQ_T(in->date), SQ_T(in->label), SQ_T(in->unit),
		      SQ_T(in->source), SQ_I(in->scale), SQ_T(sha256), SQ_T(now));
	if (rc <= 0) /* an INSERT ... SELECT of an aggregate returns its one row or fails */
		return -1;
	int64_t id = sq_i64(&q, 0);
	*version = sq_int(&q, 1);
	sq_stop(&q, 0);
	if (sq_prepare(&q, s, "INSERT INTO dataset_value (dataset_id, recipient, value) VALUES (?1, ?2, ?3)",
		       "registering a dataset's values", err))
		return -1;
	rc = 0;
	for (size_t i = 0; i < in->n && rc >= 0; i++)
		rc = sq_exec(&q, SQ_I(id), SQ_T(in->code[i]), SQ_I(in->value[i]));
	sq_finalize(&q);
	if (rc < 0)
		return -1;
	*is_new = true;
	return 0;
}

int sq_dataset_values(struct store *base, const char *name, int version, struct strpool *pool,
			     struct key_values *out, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "SELECT id, version, scale, sha256 FROM dataset WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
			  "ORDER BY version DESC LIMIT 1",
			  "reading a dataset", err, SQ_T(name), SQ_I(version));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	int64_t id = sq_i64(&q, 0);
	memset(out, 0, sizeof(*out));
	out->name = strpool_strdup(pool, name);
	out->version = sq_int(&q, 1);
	out->scale = sq_int(&q, 2);
	out->sha256 = strpool_strdup(pool, sq_text(&q, 3));
	sq_stop(&q, 0);
	int64_t n = sq_id(s, "SELECT count(*) FROM dataset_value WHERE dataset_id = ?1", "reading a dataset", err,
			  SQ_I(id));
	if (n < 0 || sq_query(&q, s, "SELECT recipient, value FROM dataset_value WHERE dataset_id = ?1 ORDER BY recipient",
			      "reading a dataset", err, SQ_I(id)))
		return -1;
	const char **code = strpool_alloc(pool, ((size_t)n + 1) * sizeof(char *));
	int64_t *value = strpool_alloc(pool, ((size_t)n + 1) * sizeof(int64_t));
	size_t k = 0;
	rc = 0;
	while (k < (size_t)n && (rc = sq_row(&q)) > 0) {
		code[k] = strpool_strdup(pool, sq_text(&q, 0));
		value[k] = sq_i64(&q, 1);
		k++;
	}
	sq_stop(&q, 0);
	if (rc < 0)
		return -1;
	out->n = k;
	out->code = code;
	out->value = value;
	return 0;
}

int sq_dataset_uses(struct store *base, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT ds.name, ds.version, ds.ref_date, ds.sha256, ds.source, d.dnr, p.code "
		     "FROM dataset ds LEFT JOIN part_key pk ON pk.dataset_id = ds.id "
		     "LEFT JOIN part p ON p.id = pk.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE ?1 IS NULL OR ds.name = ?1 ORDER BY ds.name, ds.version, d.date, d.dnr, p.ord",
		     "reading datasets", err, SQ_T(name)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct dataset_use u = {.name = sq_text(&q, 0), .version = sq_int(&q, 1), .date = sq_text(&q, 2),
					.sha256 = sq_text(&q, 3), .source = sq_text(&q, 4), .dnr = sq_text(&q, 5),
					.part = sq_text(&q, 6)};
		if (fn(ctx, &u))
			return sq_stop(&q, -1);
	}
	return rc;
}

/* Decisions. */

int sq_decision_document(struct store *base, const char *dnr, char **document, char **sha256,
				struct bd_error *err)
{
	struct sq_stmt q;
	int rc = sq_first(&q, S(base), "SELECT document, document_sha256 FROM decision WHERE dnr = ?1",
			  "reading a decision", err, SQ_T(dnr));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*document = xstrdup(sq_text(&q, 0));
	if (sha256)
		*sha256 = xstrdup(sq_text(&q, 1));
	return sq_stop(&q, 0);
}

int sq_decision_list(struct store *base, int year, decision_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT d.dnr, d.date, d.title, d.department, a.dnr, d.total, "
		     " (SELECT coalesce(sum(al.amount), 0) FROM part p JOIN allocation al ON al.part_id = p.id "
		     "  WHERE p.decision_id = d.id), "
		     " (SELECT count(*) FROM part p WHERE p.decision_id = d.id), "
		     " (SELECT group_concat(y, ', ') FROM (SELECT DISTINCT ap.budget_year AS y FROM "
		     "  decision_appropriation da JOIN appropriation ap ON ap.id = da.appropriation_id "
		     "  WHERE da.decision_id = d.id ORDER BY y)) "
		     "FROM decision d LEFT JOIN agreement a ON a.id = d.agreement_id "
		     "WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM decision_appropriation da JOIN appropriation ap "
		     "  ON ap.id = da.appropriation_id WHERE da.decision_id = d.id AND ap.budget_year = ?1) "
		     "ORDER BY d.date, d.dnr",
		     "listing decisions", err, SQ_I(year)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct decision_summary ds = {
			.dnr = sq_text(&q, 0),
			.date = sq_text(&q, 1),
			.title = sq_text(&q, 2),
			.department = sq_text(&q, 3),
			.agreement_dnr = sq_text(&q, 4),
			.total = sq_i64(&q, 5),
			.allocated = sq_i64(&q, 6),
			.nparts = sq_int(&q, 7),
			.budget_years = sq_text(&q, 8),
		};
		if (fn(ctx, &ds))
			return sq_stop(&q, -1);
	}
	return rc;
}

int sq_part_locks(struct store *base, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt parts, q;
	if (sq_query(&parts, s,
		     "SELECT p.id, p.code, p.fingerprint FROM part p JOIN decision d ON d.id = p.decision_id "
		     "WHERE d.dnr = ?1 ORDER BY p.ord",
		     "reading parts", err, SQ_T(dnr)))
		return -1;
	int rc;
	while ((rc = sq_row(&parts)) > 0) {
		struct strpool pool;
		strpool_init(&pool);
		int64_t pid = sq_i64(&parts, 0);
		struct part_lock l = {.part = sq_text(&parts, 1), .fingerprint = sq_text(&parts, 2)};
		size_t cap = 0;
		const char **code = NULL, **kname = NULL;
		int64_t *amount = NULL;
		int *kver = NULL;
		int r = sq_query(&q, s,
				 "SELECT o.code, a.amount FROM allocation a JOIN org o ON o.id = a.org_id "
				 "WHERE a.part_id = ?1 ORDER BY a.ord",
				 "reading parts", err, SQ_I(pid));
		while (r == 0 && (r = sq_row(&q)) > 0) {
			if (l.nrows == cap) {
				cap = cap ? cap * 2 : 64;
				code = xreallocarray(code, cap, sizeof(*code));
				amount = xreallocarray(amount, cap, sizeof(*amount));
			}
			code[l.nrows] = strpool_strdup(&pool, sq_text(&q, 0));
			amount[l.nrows++] = sq_i64(&q, 1);
			r = 0;
		}
		if (r == 0)
			r = sq_query(&q, s,
				     "SELECT ds.name, ds.version FROM part_key k JOIN dataset ds ON ds.id = k.dataset_id "
				     "WHERE k.part_id = ?1 ORDER BY k.ord",
				     "reading parts", err, SQ_I(pid));
		while (r == 0 && (r = sq_row(&q)) > 0) {
			kname = xreallocarray(kname, l.nkeys + 1, sizeof(*kname));
			kver = xreallocarray(kver, l.nkeys + 1, sizeof(*kver));
			kname[l.nkeys] = strpool_strdup(&pool, sq_text(&q, 0));
			kver[l.nkeys++] = sq_int(&q, 1);
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
			return sq_stop(&parts, -1);
	}
	return rc;
}

/* Appropriations. */

int sq_appropriation_get(struct store *base, const struct appropriation *a, struct engine_appropriation *out,
			 struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	int rc = sq_first(&q, s,
			  "SELECT id, uo_name, anslag_name, post_name, available FROM appropriation "
			  "WHERE budget_year = ?1 AND uo = ?2 AND anslag = ?3 AND post = ?4",
			  "reading an appropriation", err, SQ_I(a->budget_year), SQ_I(a->uo), SQ_T(a->anslag),
			  SQ_I(a->post));
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	*out = (struct engine_appropriation){
		.id = sq_i64(&q, 0),
		.uo_name = sq_keep(s, 0, sq_text(&q, 1)),
		.anslag_name = sq_keep(s, 1, sq_text(&q, 2)),
		.post_name = sq_keep(s, 2, sq_text(&q, 3)),
		.has_available = !sq_isnull(&q, 4),
		.available = sq_i64(&q, 4),
	};
	return sq_stop(&q, 0);
}

int sq_appropriation_add(struct store *base, const struct appropriation *a, int64_t *id, struct bd_error *err)
{
	*id = sq_id(S(base),
		    "INSERT INTO appropriation (budget_year, uo, uo_name, anslag, anslag_name, post, post_name, "
		    "available) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
		    "adding an appropriation", err, SQ_I(a->budget_year), SQ_I(a->uo), SQ_T(a->uo_name),
		    SQ_T(a->anslag), SQ_T(a->anslag_name), SQ_I(a->post), SQ_T(a->post_name),
		    SQ_OPT(a->has_available, a->available));
	return *id < 0 ? -1 : 0;
}

int sq_appropriation_set_available(struct store *base, int64_t id, int64_t available, struct bd_error *err)
{
	return sq_run(S(base), "UPDATE appropriation SET available = ?2 WHERE id = ?1", "setting the amount available",
		      err, SQ_I(id), SQ_I(available)) < 0
		       ? -1
		       : 0;
}

int sq_appropriation_list(struct store *base, int year, appropriation_fn fn, void *ctx, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, S(base),
		     "SELECT ap.budget_year, ap.uo, ap.uo_name, ap.anslag, ap.anslag_name, ap.post, ap.post_name, "
		     " ap.available, d.dnr, d.date, d.title, sum(pf.amount) "
		     "FROM appropriation ap LEFT JOIN part_funding pf ON pf.appropriation_id = ap.id "
		     "LEFT JOIN part p ON p.id = pf.part_id LEFT JOIN decision d ON d.id = p.decision_id "
		     "WHERE ?1 = 0 OR ap.budget_year = ?1 GROUP BY ap.id, d.id "
		     "ORDER BY ap.budget_year, ap.uo, ap.anslag, ap.post, d.date, d.dnr",
		     "listing appropriations", err, SQ_I(year)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		struct appropriation_use u = {
			.budget_year = sq_int(&q, 0),
			.uo = sq_int(&q, 1),
			.uo_name = sq_text(&q, 2),
			.anslag = sq_text(&q, 3),
			.anslag_name = sq_text(&q, 4),
			.post = sq_int(&q, 5),
			.post_name = sq_text(&q, 6),
			.has_available = !sq_isnull(&q, 7),
			.available = sq_i64(&q, 7),
			.dnr = sq_text(&q, 8),
			.date = sq_text(&q, 9),
			.decision_title = sq_text(&q, 10),
			.amount = sq_i64(&q, 11),
		};
		if (fn(ctx, &u))
			return sq_stop(&q, -1);
	}
	return rc;
}
