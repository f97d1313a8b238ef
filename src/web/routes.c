/* routes.c: the JSON API's route table and dispatcher (docs/api.md); the
 * handlers live by job in api-*.c.  Each route names the roles that may use
 * it; on one open to a mottagare, the dispatcher holds it to its own
 * organisation (r->scope_org, which the handlers filter and check by), and
 * the checks left in a handler are those that must answer 400 or 404 before
 * 403.  A route that takes a JSON object names its fields; the dispatcher
 * refuses any other before the handler runs (a document, such as a decision
 * file, is checked whole by its reader).  Every state change needs the
 * session's CSRF token in X-CSRF-Token and a JSON body; it runs in one
 * transaction of the store, which appends the audit log's entry in the same
 * transaction. */
#include "api-internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

/* Session. */

static int h_me(struct web_req *r)
{
	const struct web_session *u = r->user;
	return web_json(r, 200,
			json_pack("{s:s, s:s, s:s?, s:s}", "name", u->name, "role", u->role_name, "org",
				  u->org[0] ? u->org : NULL, "csrf", u->csrf));
}

/* The routes. */

/* POST /api/logout and /api/audit/verify: an empty object. */
static const struct body_field no_fields[] = {{NULL, false}};

/* Not strings by type: the handlers say what a name or password must be. */
static const struct body_field login_fields[] = {{"name", false}, {"password", false}, {NULL, false}};

static const struct body_field users_fields[] = {
	{"name", false}, {"role", false}, {"org", false}, {"password", false}, {NULL, false},
};

static const struct body_field batches_fields[] = {
	{"batch", true}, {"date", true}, {"format", true}, {"from", true}, {"override", true}, {"force", false}, {NULL, false},
};

/* The bank's file: its name and its bytes in base64. */
static const struct body_field bank_import_fields[] = {{"name", true}, {"data", true}, {NULL, false}};
static const struct body_field bank_match_fields[] = {
	{"entry", false}, {"claim", false}, {"payment", true}, {"note", true}, {NULL, false},
};
static const struct body_field bank_entry_fields[] = {{"entry", false}, {NULL, false}};

static const struct body_field allocate_fields[] = {
	{"total", false}, {"recipients", false}, {"method", false}, {"key", false},
	{"base", false},  {"unit", false},       {"rounding", false}, {NULL, false},
};

/* Payees' accounts (api-payee.c): a file as the bank's, its name and bytes in base64. */
static const struct body_field payees_import_fields[] = {{"name", true}, {"data", true}, {NULL, false}};

static const struct body_field payee_propose_fields[] = {
	{"org", true},      {"bankgiro", true}, {"plusgiro", true},           {"iban", true},
	{"bic", true},      {"reference", true}, {"evidence", true},          {"evidence_name", true},
	{"evidence_data", true}, {NULL, false},
};

static const struct body_field payee_decide_fields[] = {{"change", false}, {NULL, false}};

/* check_fields: b has only the route's fields, of their types; else answers
 * 400 naming the field. */
static bool check_fields(struct web_req *r, const struct body_field *fields, json_t *b)
{
	const char *key;
	json_t *v;
	json_object_foreach(b, key, v)
	{
		const struct body_field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (f->name && (!f->string || json_is_string(v)))
			continue;
		if (f->name) {
			web_error(r, 400, key, "%s: expected a string", key);
			return false;
		}
		char expected[256] = "";
		size_t len = 0;
		for (f = fields; f->name && len < sizeof(expected); f++)
			len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s", f == fields ? "" : ", ", f->name);
		web_error(r, 400, key, "unknown field '%s' (expected %s)", key, *expected ? expected : "an empty object");
		return false;
	}
	return true;
}

static int h_logout(struct web_req *r)
{
	return auth_logout(r);
}

static const struct route routes[] = {
	{"POST", "/api/login", 0, auth_login, login_fields},
	{"POST", "/api/logout", ROLE_ANY, h_logout, no_fields},
	{"GET", "/api/me", ROLE_ANY, h_me, NULL},
	{"GET", "/api/decisions", ROLE_ANY, h_decisions, NULL},
	{"POST", "/api/decisions", ROLE_HANDLAGGARE, h_decision_import, BODY_DOCUMENT},
	{"GET", "/api/decision", ROLE_ANY, h_decision, NULL},
	{"GET", "/api/decision/annex", ROLE_STAFF, h_annex, NULL},
	{"GET", "/api/status", ROLE_ANY, h_status, NULL},
	{"GET", "/api/events", ROLE_STAFF, h_events, NULL},
	{"POST", "/api/events", ROLE_HANDLAGGARE | ROLE_ATTESTANT | ROLE_MOTTAGARE, h_events_post, BODY_DOCUMENT},
	{"GET", "/api/payments", ROLE_STAFF, h_payments, NULL},
	{"GET", "/api/deadlines", ROLE_ANY, h_deadlines, NULL},
	{"POST", "/api/batches", ROLE_HANDLAGGARE, h_batches_post, batches_fields},
	{"GET", "/api/batch/file", ROLE_STAFF, h_batch_file, NULL},
	{"POST", "/api/bank/import", ROLE_HANDLAGGARE | ROLE_ATTESTANT, h_bank_import, bank_import_fields},
	{"GET", "/api/bank/entries", ROLE_STAFF, h_bank_entries, NULL},
	{"GET", "/api/bank/batches", ROLE_STAFF, h_bank_batches, NULL},
	{"GET", "/api/bank/payments", ROLE_STAFF, h_bank_payments, NULL},
	{"GET", "/api/bank/days", ROLE_STAFF, h_bank_days, NULL},
	{"POST", "/api/bank/match", ROLE_HANDLAGGARE | ROLE_ATTESTANT, h_bank_match, bank_match_fields},
	{"POST", "/api/bank/approve", ROLE_HANDLAGGARE | ROLE_ATTESTANT, h_bank_approve, bank_entry_fields},
	{"POST", "/api/bank/reject", ROLE_HANDLAGGARE | ROLE_ATTESTANT, h_bank_reject, bank_entry_fields},
	{"GET", "/api/claims", ROLE_ANY, h_claims, NULL},
	{"GET", "/api/claim/letter", ROLE_ANY, h_claim_letter, NULL},
	{"GET", "/api/datasets", ROLE_STAFF, h_datasets, NULL},
	{"GET", "/api/dataset", ROLE_STAFF, h_dataset, NULL},
	{"GET", "/api/dataset/impact", ROLE_STAFF, h_dataset_impact, NULL},
	{"POST", "/api/allocate", ROLE_STAFF, h_allocate, allocate_fields},
	{"GET", "/api/register", ROLE_ANY, h_register, NULL},
	{"POST", "/api/register", ROLE_HANDLAGGARE | ROLE_MOTTAGARE, h_register_post, BODY_DOCUMENT},
	{"GET", "/api/register/report", ROLE_ANY, h_register_report_doc, NULL},
	{"GET", "/api/register/chart", ROLE_ANY, h_register_chart, NULL},
	{"GET", "/api/payees", ROLE_STAFF, h_payees, NULL},
	{"GET", "/api/payee", ROLE_STAFF, h_payee, NULL},
	{"POST", "/api/payees/import", ROLE_HANDLAGGARE, h_payees_import, payees_import_fields},
	{"POST", "/api/payee-changes", ROLE_HANDLAGGARE, h_payee_propose, payee_propose_fields},
	{"GET", "/api/payee-changes/evidence", ROLE_STAFF, h_payee_evidence, NULL},
	{"POST", "/api/payee-changes/approve", ROLE_ATTESTANT, h_payee_approve, payee_decide_fields},
	{"POST", "/api/payee-changes/reject", ROLE_HANDLAGGARE | ROLE_ATTESTANT, h_payee_reject, payee_decide_fields},
	{"GET", "/api/audit", ROLE_REVISOR | ROLE_ADMIN, h_audit, NULL},
	{"POST", "/api/audit/verify", ROLE_REVISOR | ROLE_ADMIN, h_audit_verify, no_fields},
	{"GET", "/api/users", ROLE_ADMIN, h_users, NULL},
	{"POST", "/api/users", ROLE_ADMIN, h_users_post, users_fields},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct route *const tables[] = {routes, api_portal_routes, api_officer_routes, api_recipient_routes,
						 api_datasets_routes};

int api_dispatch(struct web_req *r)
{
	bool path_known = false;
	for (size_t ti = 0; ti < BD_ARRAY_LEN(tables); ti++)
	for (const struct route *rt = tables[ti]; rt->method; rt++) {
		if (strcmp(rt->path, r->path) != 0)
			continue;
		path_known = true;
		if (strcmp(rt->method, r->method) != 0)
			continue;
		bool write = strcmp(r->method, "GET") != 0;
		if (write) {
			/* A JSON body only: a cross-site form cannot send one. */
			const char *ct = web_header(r, "Content-Type");
			if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
				return web_error(r, 415, NULL, "expected Content-Type: application/json");
		}
		if (rt->roles) {
			if (!r->user)
				return web_error(r, 401, NULL, "not logged in (POST /api/login)");
			if (write) {
				const char *t = web_header(r, "X-CSRF-Token");
				if (!t || strlen(t) != 64 || sodium_memcmp(t, r->user->csrf, 64) != 0)
					return web_error(r, 403, NULL,
							 "missing or wrong X-CSRF-Token (it comes with the login and GET /api/me)");
			}
			if (!(rt->roles & r->user->role))
				return web_error(r, 403, NULL, "the role %s may not %s %s", r->user->role_name, r->method,
						 r->path);
			if (r->user->role == ROLE_MOTTAGARE)
				r->scope_org = r->user->org; /* the roles let a mottagare in: its own organisation only */
		}
		if (rt->fields) {
			if (!(r->json = web_body_json(r, false)))
				return 0;
			if (!check_fields(r, rt->fields, r->json)) {
				json_decref(r->json); /* after the message: it names a key of the body */
				r->json = NULL;
				return 0;
			}
		}
		int rc = rt->fn(r);
		json_decref(r->json); /* the dispatcher's, whatever the handler answered */
		r->json = NULL;
		return rc;
	}
	if (path_known)
		return web_error(r, 405, NULL, "%s is not allowed on %s", r->method, r->path);
	return web_error(r, 404, NULL, "no API endpoint %s", r->path);
}
