/* api-datasets.c: the register's key datasets: the list with where each
 * came from, one version with its values and its versions, and what a
 * corrected version changes for the decisions registered (the impact). */
#include "api-internal.h"

#include <string.h>

#include "dataset.h"
#include "impact.h"
#include "statusload.h"

/* load_set: the register's datasets, every version; -1 after answering. */
static int load_set(struct web_req *r, struct dataset_set *set)
{
	struct bd_error err;
	if (dataset_set_load(set, r->store, &err))
		return web_error(r, 500, NULL, "%s", err.msg), -1;
	return 0;
}

int h_datasets(struct web_req *r)
{
	struct dataset_set set;
	if (load_set(r, &set))
		return 0;
	size_t n;
	const struct dataset **latest = dataset_set_latest(&set, &n);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = dataset_to_json(latest[i], false);
		json_object_set_new(o, "versions", json_integer(latest[i]->version));
		/* As before: how many values (the recipients). */
		json_object_set_new(o, "values", json_integer((json_int_t)latest[i]->kf.nrows));
		json_array_append_new(arr, o);
	}
	free(latest);
	dataset_set_release(&set);
	return web_json(r, 200, json_pack("{s:o}", "datasets", arr));
}

int h_dataset(struct web_req *r)
{
	const char *name;
	if (need_arg(r, "name", &name))
		return 0;
	struct dataset_set set;
	if (load_set(r, &set))
		return 0;
	const struct dataset *d;
	struct bd_error err;
	if (dataset_set_find(&set, name, &d, &err)) {
		dataset_set_release(&set);
		return web_error(r, err.code == BD_NOT_FOUND ? 404 : 400, "name", "%s", err.msg);
	}
	json_t *o = dataset_to_json(d, true);
	size_t n;
	const struct dataset **all = dataset_set_versions(&set, d->name, &n);
	json_t *versions = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *v = dataset_to_json(all[i], false);
		json_array_append_new(versions, v);
	}
	free(all);
	json_object_set_new(o, "versions", versions);
	json_object_set_new(o, "latest", json_boolean(d->latest));
	dataset_set_release(&set);
	return web_json(r, 200, o);
}

int h_dataset_impact(struct web_req *r)
{
	const char *name;
	if (need_arg(r, "name", &name))
		return 0;
	struct impact im;
	struct bd_error err;
	if (impact_compute(r->store, name, &im, &err))
		return web_error(r, err.code == BD_NOT_FOUND ? 404 : err.code == BD_INVALID ? 400 : 500, "name", "%s",
				 err.msg);
	json_t *o = impact_to_json(&im);
	impact_release(&im);
	return web_json(r, 200, o);
}

/* The impact carried out: GET /api/dataset/impact/plan shows the events the
 * proposal would record (their count and totals per decision, and the
 * plan's digest); POST /api/dataset/impact/apply {name, plan, date}
 * records them as the session's user, when the proposal is still the plan
 * shown.  Both through app's impact_apply, as `datasets impact --apply`.
 * The payments wait in the attestation queue for another person. */
static int impact_answer(struct web_req *r, const struct bd_error *err)
{
	int status = err->code == BD_NOT_FOUND ? 404
		     : err->code == BD_CONFLICT ? 409
		     : err->code == BD_INVALID	? 400
		     : err->code == BD_BUSY	? 503
						: 500;
	return web_error(r, status, status == 409 ? "plan" : status == 400 || status == 404 ? "name" : NULL, "%s%s",
			 err->msg, status == 500 || status == 503 ? "" : "; nothing was recorded");
}

static int h_impact_plan(struct web_req *r)
{
	const char *name, *date = web_arg(r, "date");
	if (need_arg(r, "name", &name))
		return 0;
	char today[DATE_LEN];
	date_today(today);
	struct impact_applied a;
	struct bd_error err;
	if (impact_apply(r->store, name, date && *date ? date : today, r->user->name, true, NULL, &a, &err))
		return impact_answer(r, &err);
	json_t *o = impact_applied_to_json(&a);
	json_object_set_new(o, "date", json_string(date && *date ? date : today));
	impact_applied_release(&a);
	return web_json(r, 200, o);
}

static int h_impact_apply(struct web_req *r)
{
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *plan = json_string_value(json_object_get(r->json, "plan"));
	const char *date = json_string_value(json_object_get(r->json, "date"));
	if (!name || !*name)
		return web_error(r, 400, "name", "name: expected the dataset (NAME or NAME@VERSION)");
	if (!plan || strlen(plan) != 64)
		return web_error(r, 400, "plan",
				 "plan: expected the digest GET /api/dataset/impact/plan gave (what you confirm)");
	char today[DATE_LEN];
	date_today(today);
	struct impact_applied a;
	struct bd_error err;
	if (impact_apply(r->store, name, date && *date ? date : today, r->user->name, false, plan, &a, &err))
		return impact_answer(r, &err);
	json_t *o = impact_applied_to_json(&a);
	int status = a.recorded ? 201 : 200;
	impact_applied_release(&a);
	return web_json(r, status, o);
}

static const struct body_field impact_apply_fields[] = {{"name", true}, {"plan", true}, {"date", true}, {NULL, false}};

const struct route api_datasets_routes[] = {
	{"GET", "/api/dataset/impact/plan", ROLE_HANDLAGGARE, h_impact_plan, NULL},
	{"POST", "/api/dataset/impact/apply", ROLE_HANDLAGGARE, h_impact_apply, impact_apply_fields},
	{NULL, NULL, 0, NULL, NULL},
};
