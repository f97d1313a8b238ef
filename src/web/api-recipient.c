/* api-recipient.c: the recipient's overview (mottagare): grants and what is
 * due, repayments due, payments received, the calendar feed (docs/api.md).
 * Its routes are in the table below, which routes.c lists. */
#include "api-internal.h"

const struct route api_recipient_routes[] = {
	{NULL, NULL, 0, NULL, NULL},
};
