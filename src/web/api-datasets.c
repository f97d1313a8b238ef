/* api-datasets.c: the register's key datasets: the list with where each
 * came from, one version with its values and its versions, and what a
 * corrected version changes for the decisions registered (the impact). */
#include "api-internal.h"

#include <string.h>

#include "dataset.h"
#include "impact.h"

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
