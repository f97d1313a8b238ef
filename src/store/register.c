/* register.c: the register's rules above the engines: seeding the reference
 * organisations, and recording a decision (an agreement several decisions
 * implement is described alike by all of them, an appropriation post keeps
 * its names and its amount available, who a payee is, every allocation row's
 * recipient is registered).  The engines only store and find (engine.h);
 * what to run about a failure is said here, once for every engine. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine.h"
#include "decision.h"
#include "ledger.h"
#include "refdata.h"

/* Seeding. */

static const char *org_kind_of(const struct recipient *r)
{
	switch (r->kind) {
	case RK_REGION: return "region";
	case RK_KOMMUN: return "kommun";
	case RK_SAMVERKANSREGION: return "samverkansregion";
	case RK_RCC: return "rcc";
	case RK_RSS: return "rss";
	case RK_ORG: return r->orgkind;
	}
	return "other";
}

/* org_id_of: an organisation's id by its code; 0 if none, -1 on failure. */
static int64_t org_id_of(struct store *s, const char *code, struct bd_error *err)
{
	int64_t id = 0;
	int rc = s->ops->org_id(s, code, &id, err);
	return rc < 0 ? -1 : rc ? 0 : id;
}

/* seed_payee: a samverkansregion's designated payee: a registered
 * organisation of that name, else a payee organisation of its own. */
static int64_t seed_payee(struct store *s, const struct recipient *r, int *added, struct bd_error *err)
{
	int64_t id = 0;
	int rc = s->ops->org_find_name(s, r->payee, &id, err);
	if (rc <= 0)
		return rc < 0 ? -1 : id;
	char *code = xasprintf("%s-PAYEE", r->code);
	struct org o = {.code = code, .name = r->payee, .kind = "payee", .orgnr = r->payee_orgnr};
	id = s->ops->org_insert(s, &o, true, added, err) ? -1 : org_id_of(s, code, err);
	free(code);
	return id;
}

int register_seed(struct store *s, int *added, struct bd_error *err)
{
	*added = 0;
	if (s->ops->seed_lock && s->ops->seed_lock(s, err))
		return -1;
	size_t n;
	const struct recipient *r = refdata_all(&n);
	for (size_t i = 0; i < n; i++) {
		struct org o = {.code = r[i].code, .name = r[i].name, .kind = org_kind_of(&r[i]), .orgnr = r[i].orgnr,
				.bankgiro = r[i].bankgiro};
		if (r[i].kind == RK_REGION || r[i].kind == RK_RSS || r[i].kind == RK_KOMMUN)
			o.lan = r[i].lan;
		if (r[i].kind == RK_KOMMUN)
			o.kommun = r[i].code;
		if (s->ops->org_insert(s, &o, true, added, err))
			return -1;
	}
	/* Groups: the samverkansregioner with their designated payees, the
	 * RCC, all regions, all RSS, and the kommuner of each län. */
	const char **all_regions = xcalloc(n + 1, sizeof(char *)), **all_rss = xcalloc(n + 1, sizeof(char *)),
		   **rcc = xcalloc(n + 1, sizeof(char *));
	size_t nreg = 0, nrss = 0, nrcc = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (r[i].kind == RK_REGION)
			all_regions[nreg++] = r[i].code;
		if (r[i].kind == RK_RSS)
			all_rss[nrss++] = r[i].code;
		if (r[i].kind == RK_RCC)
			rcc[nrcc++] = r[i].code;
		if (r[i].kind != RK_SAMVERKANSREGION)
			continue;
		int64_t payee = seed_payee(s, &r[i], added, err);
		if (payee < 0) {
			rc = -1;
			break;
		}
		size_t nm = 0;
		while (r[i].members[nm])
			nm++;
		rc = s->ops->group_add(s, r[i].code, r[i].name, "samverkansregion", payee, r[i].members, nm, added,
				       err);
	}
	if (!rc)
		rc = s->ops->group_add(s, "REGIONER", "Alla regioner", "regions", 0, all_regions, nreg, added, err);
	if (!rc)
		rc = s->ops->group_add(s, "RSS", "Alla RSS (regionala samverkans- och stödstrukturer)", "rss", 0,
				       all_rss, nrss, added, err);
	if (!rc)
		rc = s->ops->group_add(s, "RCC", "Regionala cancercentrum", "rcc", 0, rcc, nrcc, added, err);
	for (size_t k = 0; k < nreg && !rc; k++) {
		const char **kom = xcalloc(n + 1, sizeof(char *));
		size_t nk = 0;
		for (size_t i = 0; i < n; i++)
			if (r[i].kind == RK_KOMMUN && strcmp(r[i].lan, all_regions[k]) == 0)
				kom[nk++] = r[i].code;
		char *code = xasprintf("KOMMUNER-%s", all_regions[k]);
		const struct recipient *reg = refdata_by_code(all_regions[k]);
		char *name = xasprintf("Kommunerna i %s", reg->aliases[0]);
		rc = s->ops->group_add(s, code, name, "kommuner", 0, kom, nk, added, err);
		free(code);
		free(name);
		free(kom);
	}
	free(all_regions);
	free(all_rss);
	free(rcc);
	return rc;
}

/* Appropriations. */

/* appropriation_id: the register's id of an appropriation post: the same
 * post named by two decisions is one post, and its names must agree; the
 * amount available is set only by set_available (appropriation set). */
static int64_t appropriation_id(struct store *s, const struct appropriation *a, bool set_available,
				struct bd_error *err)
{
	struct engine_appropriation have;
	int64_t id;
	int rc = s->ops->appropriation_get(s, a, &have, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return s->ops->appropriation_add(s, a, &id, err) ? -1 : id;
	static const char *const names[] = {"utgiftsomrade_name", "anslag_name", "post_name"};
	const char *mine[] = {a->uo_name, a->anslag_name, a->post_name};
	const char *theirs[] = {have.uo_name, have.anslag_name, have.post_name};
	for (int k = 0; k < 3; k++)
		if (mine[k] && theirs[k] && strcmp(mine[k], theirs[k]) != 0)
			return bd_fail(err,
				       "%s: anslagspost %d under anslag %s, budget year %d, is registered as '%s', not '%s'",
				       names[k], a->post, a->anslag, a->budget_year, theirs[k], mine[k]);
	if (a->has_available && (!have.has_available || have.available != a->available)) {
		if (have.has_available && !set_available) {
			char x[NUM_BUFSZ], y[NUM_BUFSZ];
			return bd_fail(err,
					"available: anslagspost %d (%d) has %s kr available in the register, "
					"not %s kr (change it with 'bidrag appropriation set')",
					a->post, a->budget_year, fmt_kr(have.available, x), fmt_kr(a->available, y));
		}
		if (s->ops->appropriation_set_available(s, have.id, a->available, err))
			return -1;
	}
	return have.id;
}

int register_appropriation(struct store *s, const struct appropriation *a, struct bd_error *err)
{
	return appropriation_id(s, a, true, err) < 0 ? -1 : 0;
}

/* Recording a decision. */

/* lines_json: the JSON array kept for a list of lines; NULL for none. */
static char *lines_json(char **lines, size_t n)
{
	if (!lines)
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(lines[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* agreement_id: several payment decisions can implement one agreement; they
 * must describe it alike. */
static int64_t agreement_id(struct store *s, const struct agreement *a, struct bd_error *err)
{
	char *parties = lines_json(a->parties, a->nparties);
	int64_t id = -1;
	struct engine_agreement have;
	int rc = !a->dnr ? 1 : s->ops->agreement_get(s, a->dnr, &have, err);
	if (rc == 0) {
		const char *what = NULL, *theirs = NULL;
		char total[32];
		if (!same(have.date, a->date)) {
			what = "date";
			theirs = have.date;
		} else if (!same(have.title, a->title)) {
			what = "title";
			theirs = have.title;
		} else if (have.has_total != a->has_total || (a->has_total && have.total != a->total)) {
			what = "total";
			if (have.has_total) {
				snprintf(total, sizeof(total), "%" PRId64, have.total);
				theirs = total;
			}
		} else if (!same(have.parties, parties)) {
			what = "parties";
			theirs = have.parties;
		}
		if (what)
			bd_fail(err, "agreement.%s: the agreement %s is registered with a different %s ('%s')",
				 what, a->dnr, what, theirs ? theirs : "none");
		else
			id = have.id;
	} else if (rc == 1 && s->ops->agreement_add(s, a, parties, &id, err)) {
		id = -1;
	}
	free(parties);
	return id;
}

struct found_org {
	char code[128];
};

static int take_org(void *ctx, const struct org *o)
{
	struct found_org *f = ctx;
	snprintf(f->code, sizeof(f->code), "%s", o->code);
	return 0;
}

/* register_payee_org: a payee's organisation: named by code (or by a name
 * the reference data knows); or matched by orgnr and name; or by name alone
 * when the registered organisation has no orgnr yet (it learns it); else a
 * new payee organisation under the first free code the ledger's rule gives.
 * 0 if the organisation named is not registered.  Also who a payee of a
 * file of payees is (payee.c). */
int64_t register_payee_org(struct store *s, const struct payee *py, const char *path, struct bd_error *err)
{
	if (py->org && !py->name) {
		struct found_org f = {{0}};
		int rc = s->ops->org_get(s, py->org, take_org, &f, err);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			/* Names known to the reference data (aliases). */
			const struct recipient *r;
			if (refdata_resolve(py->org, RK_ALL, &r, err)) {
				bd_prefix(err, "%s", path);
				return -1;
			}
			return org_id_of(s, r->code, err);
		}
		return org_id_of(s, f.code, err);
	}
	int64_t id;
	bool has_orgnr;
	int rc = s->ops->org_find_payee(s, py->name, py->orgnr, &id, &has_orgnr, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (!has_orgnr && py->orgnr && s->ops->org_set_orgnr(s, id, py->orgnr, err))
			return -1;
		return id;
	}
	char code[64];
	for (int64_t n = 0;; n++) {
		ledger_payee_org_code(code, sizeof(code), py->orgnr, n);
		int64_t exists = org_id_of(s, code, err);
		if (exists < 0)
			return -1;
		if (!exists)
			break;
	}
	struct org o = {.code = code, .name = py->name, .kind = "payee", .orgnr = py->orgnr,
			.bankgiro = py->bankgiro, .plusgiro = py->plusgiro, .payment_ref = py->reference};
	if (s->ops->org_insert(s, &o, false, NULL, err))
		return -1;
	return org_id_of(s, code, err);
}

static int64_t add_payee(struct store *s, const struct payee *py, const char *path, struct bd_error *err)
{
	int64_t org = register_payee_org(s, py, path, err);
	if (org <= 0)
		return org == 0 ? bd_fail(err, "%s: the payee's organisation is not registered", path)
				: -1;
	int64_t id;
	return s->ops->payee_add(s, org, py, &id, err) ? -1 : id;
}

static int add_part(struct store *s, int64_t decision, size_t ord, const struct part *p, const int64_t *approp_ids,
		    struct bd_error *err)
{
	char path[128];
	snprintf(path, sizeof(path), "parts[%zu].payee", ord);
	int64_t payee = 0;
	if (p->payee && (payee = add_payee(s, p->payee, path, err)) < 0)
		return -1;
	int64_t part;
	if (s->ops->part_add(s, decision, ord, p, payee, approp_ids, &part, err))
		return -1;
	for (size_t r = 0; r < p->nrows; r++) {
		const struct alloc_row *row = &p->rows[r];
		int64_t rp = 0;
		if (row->payee) {
			snprintf(path, sizeof(path), "parts[%zu].allocation[%zu].payee", ord, r);
			if ((rp = add_payee(s, row->payee, path, err)) < 0)
				return -1;
		}
		int64_t org = org_id_of(s, row->recipient, err);
		if (org < 0)
			return -1;
		if (org == 0)
			return bd_fail(err,
					"parts[%zu].allocation[%zu]: the recipient '%s' (%s) is not among the register's "
					"organisations (run 'bidrag init' to add the reference organisations)",
					ord, r, row->label, row->recipient);
		if (s->ops->allocation_add(s, part, r, row, org, rp, err))
			return -1;
	}
	return 0;
}

int register_decision(struct store *s, const struct decision *d, const char *document, struct bd_error *err)
{
	int64_t agreement = 0;
	if (d->has_agreement && (agreement = agreement_id(s, &d->agreement, err)) < 0)
		return -1;
	int64_t *approp_ids = xcalloc(d->napprops ? d->napprops : 1, sizeof(int64_t));
	int rc = -1;
	for (size_t i = 0; i < d->napprops; i++)
		if ((approp_ids[i] = appropriation_id(s, &d->approps[i], false, err)) < 0) {
			bd_prefix(err, "appropriations[%zu]", i);
			goto done;
		}
	int64_t id;
	int added = s->ops->decision_add(s, d, document, agreement, approp_ids, &id, err);
	if (added == 1)
		bd_fail(err, "dnr: a decision %s is already registered", d->dnr);
	if (added)
		goto done;
	for (size_t i = 0; i < d->nparts; i++)
		if (add_part(s, id, i, &d->parts[i], approp_ids, err))
			goto done;
	rc = 0;
done:
	free(approp_ids);
	return rc;
}
