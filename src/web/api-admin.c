/* api-admin.c: the audit log and the users. */
#include "api-internal.h"

#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auditlog.h"

#include "store.h"

/* The audit log, as a revisor reads it (app/auditlog.h): a selection by
 * from, to, user, object and action; JSON, or a file as CSV or XLSX. */

struct audit_file {
	const struct auditlog *l;
};

static int audit_csv(void *ctx, FILE *out, struct bd_error *err)
{
	const struct audit_file *f = ctx;
	return auditlog_write(f->l, FMT_CSV, out, NULL, err);
}

static int audit_xlsx(void *ctx, const char *path, struct bd_error *err)
{
	const struct audit_file *f = ctx;
	return auditlog_write(f->l, FMT_XLSX, NULL, path, err);
}

int h_audit(struct web_req *r)
{
	const char *format = web_arg(r, "format");
	enum table_format fmt = FMT_JSON;
	struct bd_error err;
	if (format && *format && strcmp(format, "json") != 0) {
		if (auditlog_format(format, &fmt, &err) || (fmt != FMT_CSV && fmt != FMT_XLSX))
			return web_error(r, 400, "format", "format '%s': expected json (the default), csv or xlsx", format);
	}
	struct auditlog_query q = {web_arg(r, "from"), web_arg(r, "to"), web_arg(r, "user"), web_arg(r, "object"),
				   web_arg(r, "action")};
	struct auditlog l;
	const char *field;
	if (auditlog_load(r->store, &q, &l, &field, &err))
		return field ? web_error(r, 400, field, "%s", err.msg) : web_error(r, 500, NULL, "%s", err.msg);
	struct audit_file f = {&l};
	if (fmt == FMT_CSV)
		send_written(r, "text/csv; charset=utf-8", "granskningslogg.csv", audit_csv, &f);
	else if (fmt == FMT_XLSX)
		send_path(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "granskningslogg.xlsx",
			  audit_xlsx, &f);
	else {
		json_t *body = auditlog_vocabulary();
		json_object_set_new(body, "entries", auditlog_json(&l));
		json_object_set_new(body, "selection", json_string(l.selection));
		json_object_set_new(body, "object", l.object ? json_string(l.object) : json_null());
		web_json(r, 200, body);
	}
	auditlog_free(&l);
	return 0;
}

struct verify_ctx {
	struct audit_check c;
	json_t *problems;
};

static void audit_problem(void *ctx, int64_t seq, const char *msg)
{
	struct verify_ctx *v = ctx;
	json_array_append_new(v->problems, json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "message", msg));
}

static int check_one(void *ctx, const struct audit_entry *e)
{
	struct verify_ctx *v = ctx;
	audit_check_entry(&v->c, e, audit_problem, v);
	return 0;
}

int h_audit_verify(struct web_req *r)
{
	struct verify_ctx v;
	audit_check_init(&v.c);
	v.problems = json_array();
	struct bd_error err;
	if (store_audit_list(r->store, 0, check_one, &v, &err) < 0) {
		json_decref(v.problems);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200,
			json_pack("{s:b, s:I, s:s, s:o}", "ok", v.c.problems == 0, "entries", (json_int_t)v.c.n, "head",
				  v.c.head, "problems", v.problems));
}

/* Users. */

static int add_user(void *ctx, const struct user *u)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "name", u->name, "role", u->role, "org",
					     u->org, "created_at", u->created_at, "changed_at", u->changed_at));
	return 0;
}

int h_users(struct web_req *r)
{
	json_t *arr = json_array();
	struct bd_error err;
	if (store_user_list(r->store, add_user, arr, &err) < 0) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "users", arr));
}

struct user_ctx {
	struct user u;
};

static int do_user(struct web_req *r, void *vctx, struct bd_error *err)
{
	(void)r;
	struct user_ctx *c = vctx;
	return store_user_add(r->store, &c->u, err);
}

/* The body's fields are the route's (users_fields). */
int h_users_post(struct web_req *r)
{
	json_t *b = r->json;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *role = json_string_value(json_object_get(b, "role"));
	const char *org = json_string_value(json_object_get(b, "org"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	int rc = 0;
	if (!name || !user_name_ok(name))
		rc = web_error(r, 400, "name", "name: expected 1 to 64 of a-z, 0-9, '.', '-' and '_'");
	else if (!role_parse(role))
		rc = web_error(r, 400, "role", "role: expected handlaggare, attestant, revisor, mottagare or admin");
	else if ((strcmp(role, "mottagare") == 0) != (org != NULL))
		rc = web_error(r, 400, "org", org ? "org: only for the role mottagare" : "org: a mottagare needs its organisation");
	else if (!pw || strlen(pw) < 12 || strlen(pw) > 1024)
		rc = web_error(r, 400, "password", "password: at least 12 characters");
	if (r->answered || rc) {
		return 0;
	}
	char code[64] = "";
	struct bd_error err;
	int found = org ? store_org_find(r->store, org, code, NULL, &err) : 0;
	if (found) {
		web_error(r, found < 0 ? 500 : 400, found < 0 ? NULL : "org", "%s%s", found < 0 ? "" : "org: ", err.msg);
		return 0;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		return web_error(r, 503, NULL, "hashing the password failed (out of memory)");
	}
	struct user_ctx c = {{name, role, org ? code : NULL, hash, NULL, NULL, NULL}};
	in_transaction(r, do_user, &c, 400);
	if (!r->answered)
		web_json(r, 201, json_pack("{s:s, s:s, s:s?}", "name", name, "role", role, "org", org ? code : NULL));
	return 0;
}
