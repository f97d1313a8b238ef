/* api-decisions.c: decisions (list, show, annex tables, import), the key
 * datasets and the allocation preview. */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"

#include "dataset.h"

#include "annex.h"
#include "decisionbook.h"
#include "decisionfile.h"

#include "register.h"

/* Decisions. */

struct dlist {
	json_t *arr;
	struct web_req *r;
};

static int decision_allocates_to(struct store *s, const char *dnr, const char *org)
{
	struct decision_link l;
	struct bd_error err;
	if (store_decision_link(s, dnr, org, &l, &err))
		return -1;
	free(l.title);
	return l.has_allocated;
}

static int add_decision(void *ctx, const struct decision_summary *d)
{
	struct dlist *l = ctx;
	if (l->r->scope_org && decision_allocates_to(l->r->store, d->dnr, l->r->scope_org) != 1)
		return 0;
	json_array_append_new(l->arr, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:I, s:I, s:i, s:s?}", "dnr", d->dnr,
						"date", d->date, "title", d->title, "department", d->department,
						"agreement_dnr", d->agreement_dnr, "total", (json_int_t)d->total,
						"allocated", (json_int_t)d->allocated, "parts", d->nparts,
						"budget_years", d->budget_years));
	return 0;
}

int h_decisions(struct web_req *r)
{
	struct dlist l = {json_array(), r};
	struct bd_error err;
	if (store_decision_list(r->store, 0, add_decision, &l, &err) < 0) {
		json_decref(l.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:o}", "decisions", l.arr));
}

/* allocates_to: whether a loaded decision has an allocation row for org
 * (what decision_allocates_to asks the database, without asking it again). */
static bool allocates_to(const struct decision *d, const char *org)
{
	for (size_t i = 0; i < d->nparts; i++)
		for (size_t k = 0; k < d->parts[i].nrows; k++)
			if (strcmp(d->parts[i].rows[k].recipient, org) == 0)
				return true;
	return false;
}

/* load_decision: the registered decision of ?dnr= into d (initialised),
 * checked against the user; -1 after answering. */
static int load_decision(struct web_req *r, struct decision *d)
{
	const char *dnr;
	if (need_arg(r, "dnr", &dnr))
		return -1;
	struct bd_error err;
	int found = register_load(r->store, dnr, d, &err);
	if (found < 0)
		return web_error(r, 500, NULL, "%s", err.msg), -1;
	if (found == 1 || (r->scope_org && !allocates_to(d, r->scope_org)))
		return web_error(r, 404, "dnr", "no decision '%s' in the register", dnr), -1;
	return 0;
}

struct book_out {
	const struct decision *d;
	struct register_keys keys;
};

static int write_book(void *ctx, const char *path, struct bd_error *err)
{
	struct book_out *b = ctx;
	return decision_book_xlsx(path, b->d, register_keys_lookup, &b->keys, err);
}

/* add_part_warning: ctx is the response's parts array. */
static int add_part_warning(void *ctx, const struct decision_warning *w)
{
	json_t *parts = ctx;
	size_t i;
	json_t *p;
	json_array_foreach(parts, i, p)
	{
		if (!w->part || strcmp(json_string_value(json_object_get(p, "id")), w->part) != 0)
			continue;
		json_t *list = json_object_get(p, "warnings");
		if (!list) {
			list = json_array();
			json_object_set_new(p, "warnings", list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s?, s:s}", "field", w->field, "date", w->date, "message",
						      w->message));
	}
	return 0;
}

int h_decision(struct web_req *r)
{
	const char *format = web_arg(r, "format");
	bool xlsx = format && strcmp(format, "xlsx") == 0;
	if (format && !xlsx && strcmp(format, "json") != 0)
		return web_error(r, 400, "format", "format: '%s' (expected json or xlsx)", format);
	if (xlsx && r->scope_org)
		return web_error(r, 403, "format", "a recipient's user sees its own rows of a decision (format json)");
	struct decision d;
	decision_init(&d);
	if (load_decision(r, &d)) {
		decision_release(&d);
		return 0;
	}
	if (xlsx) {
		struct book_out b = {&d, {0}};
		register_keys_init(&b.keys, r->store, &d);
		char name[160];
		snprintf(name, sizeof(name), "beslut-%s.xlsx", d.dnr);
		safe_filename(name);
		send_path(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, write_book, &b);
		register_keys_release(&b.keys);
		decision_release(&d);
		return 0;
	}
	char *doc = decisionfile_dump(&d);
	json_error_t je;
	json_t *file = json_loads(doc, 0, &je);
	free(doc);
	json_t *annexes = json_array();
	for (size_t i = 0; i < d.nannexes; i++)
		json_array_append_new(annexes, json_pack("{s:s, s:s?, s:s?}", "id", d.annexes[i].id, "label",
							 d.annexes[i].label, "caption", d.annexes[i].caption));
	json_t *parts = json_array();
	for (size_t i = 0; i < d.nparts; i++) {
		const struct part *p = &d.parts[i];
		json_t *rows = json_array();
		for (size_t k = 0; k < p->nrows; k++) {
			const struct alloc_row *ar = &p->rows[k];
			if (r->scope_org && strcmp(ar->recipient, r->scope_org) != 0)
				continue;
			json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "recipient", ar->recipient, "name",
							      ar->label ? ar->label : ar->recipient, "amount",
							      (json_int_t)ar->amount));
		}
		json_array_append_new(parts, json_pack("{s:s, s:s, s:I, s:o}", "id", p->id, "title", p->title, "amount",
						       (json_int_t)p->amount, "rows", rows));
	}
	/* Warnings kept with the decision, on the part whose deadline they
	 * are about (only parts that have any get the key). */
	struct bd_error err;
	if (store_decision_warnings(r->store, d.dnr, add_part_warning, parts, &err)) {
		json_decref(parts);
		json_decref(annexes);
		json_decref(file);
		decision_release(&d);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "dnr", d.dnr, "date", d.date, "title", d.title,
				"total", (json_int_t)d.total, "annexes", annexes, "parts", parts);
	if (file && !r->scope_org)
		json_object_set_new(out, "document", file);
	else
		json_decref(file);
	decision_release(&d);
	return web_json(r, 200, out);
}

struct annex_out {
	const struct table *t;
	enum table_format fmt;
};

static int write_annex(void *ctx, FILE *out, struct bd_error *err)
{
	struct annex_out *a = ctx;
	return table_write(a->t, a->fmt, out, NULL, err);
}

static int write_annex_xlsx(void *ctx, const char *path, struct bd_error *err)
{
	struct annex_out *a = ctx;
	return table_write(a->t, FMT_XLSX, NULL, path, err);
}

int h_annex(struct web_req *r)
{
	const char *id, *format = web_arg(r, "format");
	enum table_format fmt = FMT_JSON;
	struct bd_error err;
	if (format && table_format_parse(format, &fmt, &err))
		return web_error(r, 400, "format", "format: %s", err.msg);
	struct decision d;
	decision_init(&d);
	if (need_arg(r, "annex", &id) || load_decision(r, &d)) {
		decision_release(&d);
		return 0;
	}
	const struct annex *ax = NULL;
	for (size_t i = 0; i < d.nannexes; i++)
		if (strcmp(d.annexes[i].id, id) == 0)
			ax = &d.annexes[i];
	if (!ax) {
		decision_release(&d);
		return web_error(r, 404, "annex", "decision %s has no annex '%s'", web_arg(r, "dnr"), id);
	}
	struct register_keys kc;
	register_keys_init(&kc, r->store, &d);
	struct annex_view *v = annex_view_new(&d, ax, register_keys_lookup, &kc, &err);
	if (!v) {
		web_error(r, 500, NULL, "%s", err.msg);
	} else {
		struct annex_out a = {annex_view_table(v), fmt};
		char name[128];
		snprintf(name, sizeof(name), "%s.%s", id, fmt == FMT_XLSX ? "xlsx" : fmt == FMT_CSV ? "csv" : "txt");
		if (fmt == FMT_XLSX)
			send_path(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name,
				  write_annex_xlsx, &a);
		else
			send_written(r,
				     fmt == FMT_JSON  ? "application/json; charset=utf-8"
				     : fmt == FMT_CSV ? "text/csv; charset=utf-8"
						      : "text/plain; charset=utf-8",
				     fmt == FMT_JSON ? NULL : name, write_annex, &a);
		annex_view_free(v);
	}
	register_keys_release(&kc);
	decision_release(&d);
	return 0;
}

int h_decision_import(struct web_req *r)
{
	struct decision d;
	struct decision_warnings w = {0};
	enum import_outcome outcome;
	decision_init(&d);
	struct bd_error err;
	if (decisionfile_parse(&d, r->body ? r->body : "", r->len, "the decision file", &err)) {
		web_error(r, 400, NULL, "%s", err.msg);
	} else {
		/* register_import is one transaction of its own. */
		if (register_import(r->store, &d, &w, &outcome, &err)) {
			web_error(r, 400, NULL, "%s; nothing was registered", err.msg);
		} else {
			json_t *warnings = json_array();
			for (size_t i = 0; i < w.n; i++)
				json_array_append_new(warnings, json_string(w.msg[i]));
			web_json(r, outcome == IMPORT_ADDED ? 201 : 200,
				 json_pack("{s:s, s:s, s:o}", "dnr", d.dnr, "outcome",
					   outcome == IMPORT_ADDED ? "registered" : "already registered", "warnings",
					   warnings));
		}
	}
	decision_warnings_release(&w);
	decision_release(&d);
	return 0;
}

/* The allocation preview (the datasets themselves: api-datasets.c). */

static int body_amount(struct web_req *r, json_t *b, const char *key, bool required, int64_t *out)
{
	json_t *v = json_object_get(b, key);
	*out = 0;
	if (!v)
		return required ? web_error(r, 400, key, "%s: missing (expected an amount in kronor)", key), -1 : 0;
	char why[200];
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= AMOUNT_MAX) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && money_parse_kronor(json_string_value(v), NUM_SUFFIX_MONEY, out, why, sizeof(why)) == 0 &&
	    *out <= AMOUNT_MAX)
		return 0;
	return web_error(r, 400, key, "%s: expected whole kronor, 0 or more (such as \"215 000 000\")", key), -1;
}

/* The body's fields are the route's (allocate_fields). */
int h_allocate(struct web_req *r)
{
	json_t *b = r->json;
	int64_t total, base, unit;
	const struct recipient **rec = NULL;
	size_t n = 0;
	const char *set = json_string_value(json_object_get(b, "recipients"));
	const char *method = json_string_value(json_object_get(b, "method"));
	const char *keyname = json_string_value(json_object_get(b, "key"));
	const char *rounding = json_string_value(json_object_get(b, "rounding"));
	struct bd_error err;
	const struct dataset *ds = NULL;
	struct dataset_set keys = {0};
	if (body_amount(r, b, "total", true, &total) || body_amount(r, b, "base", false, &base) ||
	    body_amount(r, b, "unit", false, &unit))
		goto out;
	if (!unit)
		unit = 1;
	if (!method || (strcmp(method, "key") != 0 && strcmp(method, "equal") != 0)) {
		web_error(r, 400, "method", "method: expected key or equal");
		goto out;
	}
	if (rounding && strcmp(rounding, "largest-remainder") != 0 && strcmp(rounding, "half-up") != 0) {
		web_error(r, 400, "rounding", "rounding: expected largest-remainder or half-up");
		goto out;
	}
	if (refdata_set(set ? set : "regions", &rec, &n, &err)) {
		web_error(r, 400, "recipients", "recipients: %s", err.msg);
		goto out;
	}
	if (strcmp(method, "key") == 0 && keyname && dataset_set_load(&keys, r->store, &err)) {
		web_error(r, 500, NULL, "%s", err.msg);
		goto out;
	}
	if (strcmp(method, "key") == 0 && (!keyname || dataset_set_find(&keys, keyname, &ds, &err))) {
		web_error(r, 400, "key", "key: %s", keyname ? err.msg : "missing (a dataset, see GET /api/datasets)");
		goto out;
	}
	int64_t *values = xcalloc(n + 1, sizeof(int64_t)), *amounts = xcalloc(n + 1, sizeof(int64_t));
	const char **ids = xcalloc(n + 1, sizeof(char *));
	struct apportion_weights w;
	apportion_weights_init(&w);
	int rc = 0;
	struct apportion_key ak = {values, rat_make(1, 1), ds ? ds->name : NULL};
	if (ds) {
		struct key_values kv = {ds->name, ds->kf.nrows, ds->kf.id, ds->kf.value[0], ds->kf.scale[0], 0, NULL};
		for (size_t i = 0; i < n && !rc; i++)
			if (!key_value_of(&kv, rec[i]->code, &values[i]))
				rc = web_error(r, 400, "key", "key: %s has no value for %s", ds->name, rec[i]->name) + 1;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = rec[i]->code;
	int64_t residual = 0;
	struct allocation_rule rule = {ds ? 1 : 0, &ak, total, base, unit,
				       rounding && strcmp(rounding, "half-up") == 0 ? APPORTION_HALF_UP
										   : APPORTION_LARGEST_REMAINDER};
	enum allocation_failure af = rc ? ALLOCATION_OK : allocation_run(&rule, n, ids, &w, amounts, &residual, &err);
	if (af == ALLOCATION_BAD_WEIGHTS)
		rc = web_error(r, 400, "key", "key: %s", err.msg) + 1;
	else if (af == ALLOCATION_BAD_AMOUNTS)
		rc = web_error(r, 400, NULL, "%s", err.msg) + 1;
	if (!rc) {
		json_t *rows = json_array();
		for (size_t i = 0; i < n; i++) {
			char share[NUM_BUFSZ];
			apportion_share_decimal(&w, i, 10, share);
			json_t *row = json_pack("{s:s, s:s, s:s, s:I}", "recipient", rec[i]->code, "name", rec[i]->name,
						"share", share, "amount", (json_int_t)amounts[i]);
			if (ds)
				json_object_set_new(row, "key_value", json_integer(values[i]));
			json_array_append_new(rows, row);
		}
		web_json(r, 200, json_pack("{s:I, s:I, s:s?, s:o}", "total", (json_int_t)total, "residual",
					   (json_int_t)residual, "key", ds ? ds->name : NULL, "rows", rows));
	}
	apportion_weights_release(&w);
	free(values);
	free(amounts);
	free(ids);
out:
	dataset_set_release(&keys);
	free(rec);
	return 0;
}
