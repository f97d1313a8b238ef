/* api-officer.c: the handläggare's records and reviews: reports, repayment
 * claims, lapses and corrections, deadlines by recipient, bulk actions
 * (docs/api.md).  Its routes are in the table below, which routes.c lists. */
#include "api-internal.h"

const struct route api_officer_routes[] = {
	{NULL, NULL, 0, NULL, NULL},
};
