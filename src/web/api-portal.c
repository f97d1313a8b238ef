/* api-portal.c: the recipient's side (mottagare): grants and what is due,
 * authorised representatives, requisitions and reports signed and submitted
 * (docs/api.md).  Its routes are in the table below, which routes.c lists. */
#include "api-internal.h"

const struct route api_portal_routes[] = {
	{NULL, NULL, 0, NULL, NULL},
};
