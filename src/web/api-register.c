/* api-register.c: the recipient register: versions, reports, charts and
 * filing a register. */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regfile.h"

#include "prefill.h"
#include "recreg.h"

/* The recipient register. */

struct rlist {
	json_t *arr;
	struct web_req *r;
};

static int add_register(void *ctx, const struct recipient_version *v)
{
	struct rlist *l = ctx;
	if (!org_allowed(l->r, v->org))
		return 0;
	json_array_append_new(l->arr, json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:s, s:s}", "org", v->org, "org_name",
						v->org_name, "year", v->year, "version", v->version, "grants", v->grants,
						"amount", (json_int_t)v->total, "recorded_at", v->recorded_at,
						"recorded_by", v->recorded_by));
	return 0;
}

int h_register(struct web_req *r)
{
	struct rlist l = {json_array(), r};
	struct bd_error err;
	if (store_recipient_list(r->store, r->scope_org, false, add_register, &l, &err) < 0) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "registers", l.arr));
}

struct report_out {
	struct recreg_report d;
	int kind; /* 0 md, 1 csv, 2 xlsx, 3 pdf, 4 png, 5 svg */
};

static int write_report(void *ctx, FILE *out, struct bd_error *err)
{
	struct report_out *o = ctx;
	return (o->kind == 0 ? rg_report_md : rg_report_csv)(&o->d.rep, out, err);
}

static int write_report_path(void *ctx, const char *path, struct bd_error *err)
{
	struct report_out *o = ctx;
	switch (o->kind) {
	case 2: return rg_report_xlsx(&o->d.rep, path, err);
	case 3: return rg_report_pdf(&o->d.rep, path, err);
	case 4: return rg_chart(&o->d.rep, RG_CHART_PNG, path, err);
	default: return rg_chart(&o->d.rep, RG_CHART_SVG, path, err);
	}
}

static int h_register_report(struct web_req *r, bool chart)
{
	const char *org, *format = web_arg(r, "format");
	int year;
	if (need_arg(r, "org", &org) || parse_int_arg(r, "year", 2000, 2100, &year))
		return 0;
	static const char *const kinds[] = {"md", "csv", "xlsx", "pdf", "png", "svg"};
	static const char *const types[] = {"text/markdown; charset=utf-8", "text/csv; charset=utf-8",
					    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
					    "application/pdf", "image/png", "image/svg+xml"};
	int kind = -1;
	for (int i = chart ? 4 : 0; i < (chart ? 6 : 4); i++)
		if (format && strcmp(format, kinds[i]) == 0)
			kind = i;
	if (kind < 0)
		return web_error(r, 400, "format", "format: '%s' (expected %s)", format ? format : "",
				 chart ? "svg or png" : "md, csv, xlsx or pdf");
	char name[256] = "";
	struct bd_error err;
	char code[64];
	int found = store_org_find(r->store, org, code, name, &err);
	if (found)
		return web_error(r, found < 0 ? 500 : 404, found < 0 ? NULL : "org", "%s", err.msg);
	if (!org_allowed(r, code))
		return web_error(r, 403, "org", "a recipient's user sees only its own organisation's register");
	int compare = RECREG_COMPARE_AUTO;
	const char *cmp = web_arg(r, "compare");
	if (cmp && strcmp(cmp, "none") == 0)
		compare = RECREG_COMPARE_NONE;
	else if (cmp && parse_int_arg(r, "compare", 2000, 2100, &compare))
		return 0;
	struct report_out o = {.kind = kind};
	int rc = recreg_report_load(r->store, code, name, year, 0, compare, &o.d, &err);
	if (rc == 1)
		web_error(r, 404, "year", "%s", err.msg);
	else if (rc)
		web_error(r, 500, NULL, "%s", err.msg);
	else {
		char file[128];
		snprintf(file, sizeof(file), "%s-%s-%d.%s", chart ? "jamforelse" : "statsbidrag", code, year, kinds[kind]);
		if (kind < 2)
			send_written(r, types[kind], file, write_report, &o);
		else
			send_path(r, types[kind], kind >= 4 ? NULL : file, write_report_path, &o);
	}
	recreg_report_release(&o.d);
	return 0;
}

int h_register_report_doc(struct web_req *r)
{
	return h_register_report(r, false);
}

int h_register_chart(struct web_req *r)
{
	return h_register_report(r, true);
}

/* POST /api/register: a register document (bidrag-register/1, with its
 * lines and entries inline), each year stored as a new version. */
struct register_ctx {
	struct rg_register *reg;
	const char *org;
	json_t *stored;
};

static void refusal_field(const struct rg_register *reg, const char *msg, char *out, size_t n);

static int do_register(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct register_ctx *c = vctx;
	for (size_t i = 0; i < c->reg->nyears; i++) {
		const struct rg_year *y = &c->reg->years[i];
		char *doc = regfile_dump_year(y, c->org);
		struct recipient_grant_row *rows = xcalloc(y->ngrants + 1, sizeof(*rows));
		for (size_t k = 0; k < y->ngrants; k++) {
			const struct rg_grant *g = &y->grants[k];
			rows[k] = (struct recipient_grant_row){g->key, g->title, g->dnr, g->decision, g->total};
		}
		/* A recipient's filing keeps the ledger's grants as the ledger
		 * gave them. */
		if (r->scope_org && recreg_ledger_kept(r->store, c->org, y, i, "the register", err)) {
			free(rows);
			free(doc);
			if (err->code == BD_INVALID) {
				char field[300];
				refusal_field(c->reg, err->msg, field, sizeof(field));
				web_error(r, 400, field[0] ? field : NULL, "%s; nothing was stored", err->msg);
			}
			return -1;
		}
		struct recipient_put in = {c->org, y->year, doc, "POST /api/register", r->user->name, rows, y->ngrants};
		int version = 0;
		bool unchanged = false;
		int rc = store_recipient_put(r->store, &in, &version, &unchanged, err);
		free(rows);
		free(doc);
		if (rc)
			return -1;
		json_array_append_new(c->stored, json_pack("{s:i, s:i, s:b}", "year", y->year, "version", version,
							   "unchanged", unchanged));
	}
	return 0;
}

/* refusal_field: where in the posted document a refusal points, as the
 * document's path ("years[0].grants[2].lines[1].amount"), so that the
 * browser can show the message beside that field.  The reader names the
 * path itself ("the register: PATH: ..."); the computation names the year,
 * grant, line, usage account and entry by key ("year 2021, grant 'k', line
 * 'a', line 'b', usage account 2021, entry 3: ..."), found here in reg.
 * Empty when the message points nowhere in particular. */
static void refusal_field(const struct rg_register *reg, const char *msg, char *out, size_t n)
{
	static const char origin[] = "the register: ";
	out[0] = '\0';
	if (strncmp(msg, origin, sizeof(origin) - 1) == 0) {
		const char *p = msg + sizeof(origin) - 1, *end = strstr(p, ": ");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len && len < n && p[0] != '(')
			bd_strf(out, n, "%.*s", (int)len, p);
		return;
	}
	int year, used = 0;
	if (sscanf(msg, "year %d%n", &year, &used) != 1)
		return;
	size_t yi = 0;
	while (yi < reg->nyears && reg->years[yi].year != year)
		yi++;
	if (yi == reg->nyears)
		return;
	const struct rg_year *y = &reg->years[yi];
	char path[300];
	bd_strf(path, sizeof(path), "years[%zu]", yi);
	const char *p = msg + used;
	char key[96];
	if (strncmp(p, ", summary row '", 15) == 0) {
		bd_strf(out, n, "%s.summary", path);
		return;
	}
	if (sscanf(p, ", grant '%95[a-z0-9-]'%n", key, &used) != 1) {
		bd_strf(out, n, "%s", path);
		return;
	}
	size_t gi = 0;
	while (gi < y->ngrants && strcmp(y->grants[gi].key, key) != 0)
		gi++;
	if (gi == y->ngrants)
		return;
	const struct rg_grant *g = &y->grants[gi];
	size_t pl = strlen(path);
	bd_strf(path + pl, sizeof(path) - pl, ".grants[%zu]", gi);
	p += used;
	const struct rg_line *lines = g->lines;
	size_t nlines = g->nlines;
	const struct rg_usage *u = NULL;
	for (;;) {
		int uy;
		size_t entry, i = 0;
		pl = strlen(path);
		if (sscanf(p, ", line '%95[a-z0-9-]'%n", key, &used) == 1) {
			while (i < nlines && strcmp(lines[i].key, key) != 0)
				i++;
			if (i == nlines)
				break;
			bd_strf(path + pl, sizeof(path) - pl, ".lines[%zu]", i);
			nlines = lines[i].nlines;
			lines = lines[i].lines;
		} else if (sscanf(p, ", usage account %d%n", &uy, &used) == 1) {
			while (i < g->nusage && g->usage[i].year != uy)
				i++;
			if (i == g->nusage)
				break;
			u = &g->usage[i];
			bd_strf(path + pl, sizeof(path) - pl, ".usage[%zu]", i);
		} else if (u && sscanf(p, ", entry %zu%n", &entry, &used) == 1 && entry >= 1 && entry <= u->nentries) {
			bd_strf(path + pl, sizeof(path) - pl, ".entries[%zu]", entry - 1);
		} else {
			break;
		}
		p += used;
	}
	bd_strf(out, n, "%s", path);
}

int h_register_post(struct web_req *r)
{
	struct rg_register reg;
	rg_init(&reg);
	struct regfile_checks checks = {0};
	struct bd_error err;
	char code[64] = "";
	if (regfile_parse(&reg, r->body ? r->body : "", r->len, "the register", NULL, &checks, &err) ||
	    rg_compute(&reg, &err) || regfile_run_checks(&checks, &err)) {
		char field[300];
		refusal_field(&reg, err.msg, field, sizeof(field));
		web_error(r, 400, field[0] ? field : NULL, "%s; nothing was stored", err.msg);
	} else {
		int found = store_org_find(r->store, reg.org, code, NULL, &err);
		if (found < 0)
			web_error(r, 500, NULL, "%s", err.msg);
		else if (found == 1)
			web_error(r, 400, "org", "org: %s; nothing was stored", err.msg);
		else if (!org_allowed(r, code))
			web_error(r, 403, "org", "a recipient's user files only its own organisation's register");
		else {
			struct register_ctx c = {&reg, code, json_array()};
			in_transaction(r, do_register, &c, 400);
			if (!r->answered)
				web_json(r, 201, json_pack("{s:s, s:o}", "org", code, "stored", c.stored));
			else
				json_decref(c.stored);
		}
	}
	regfile_checks_release(&checks);
	rg_release(&reg);
	return 0;
}
