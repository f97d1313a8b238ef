/* store-warning.c: the warnings kept with a registered decision, through
 * the engine (engine.h).  A file of its own so that the rework of store.c
 * and this feature do not touch the same lines. */
#include "engine.h"

int store_decision_warning_add(struct store *s, const struct decision_warning *w, struct bd_error *err)
{
	return s->ops->decision_warning_add(s, w, err);
}

int store_decision_warnings(struct store *s, const char *dnr, decision_warning_fn fn, void *ctx,
			    struct bd_error *err)
{
	return s->ops->decision_warnings(s, dnr, fn, ctx, err);
}
