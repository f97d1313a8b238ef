/* allocation.c: the one allocation service (allocation.h). */
#include "allocation.h"

enum allocation_failure allocation_run(const struct allocation_rule *rule, size_t n, const char *const *id,
				       struct apportion_weights *w, int64_t *amount, int64_t *residual,
				       struct bd_error *err)
{
	if (rule->nkeys == 0)
		apportion_weights_equal(w, n);
	else if (apportion_weights_mix(w, n, rule->nkeys, rule->keys, err))
		return ALLOCATION_BAD_WEIGHTS;
	struct apportion_spec spec = {
		.weights = w,
		.id = id,
		.total = rule->total,
		.base = rule->base,
		.unit = rule->unit,
		.method = rule->method,
	};
	if (apportion(&spec, amount, residual, err))
		return ALLOCATION_BAD_AMOUNTS;
	return ALLOCATION_OK;
}
