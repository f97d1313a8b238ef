/* register-common.c: what the register's commands share: opening the
 * database named by --db or BIDRAG_DB, and printing warnings. */
#include <stdlib.h>

#include "../core/dataset.h"
#include "../core/refdata.h"
#include "../store/store.h"
#include "cmd.h"

int open_register(const char *db, bool create, struct store **s)
{
	struct bd_error err;
	if (refdata_load(&err))
		{
		error("%s", err.msg);
		return EXIT_IO;
	}
	const char *path = store_path(db);
	if (store_open(s, path, create ? STORE_CREATE : STORE_EXISTING, &err)) {
		error("%s", err.msg);
		return EXIT_USAGE;
	}
	return 0;
}

void print_warnings(const char *origin, struct decision_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "warning: %s: %s\n", origin, w->msg[i]);
}
