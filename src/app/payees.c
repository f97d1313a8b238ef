/* payees.c: importing a file of payees' accounts.  See payees.h. */
#include "payees.h"

#include <stdlib.h>
#include <string.h>

struct import_tx {
	const char *path, *date;
	struct payee_import *r;
};

static int import_tx(struct store *s, void *ctx, struct bd_error *err)
{
	struct import_tx *t = ctx;
	memset(t->r->out, 0, t->r->file.n * sizeof(*t->r->out));
	return store_payee_import(s, t->path, t->r->file.sha256, t->r->file.v, t->r->file.n, t->date, t->r->out, err);
}

/* import_file: the payees of r->file, registered as one act. */
static int import_file(struct store *s, const char *origin, const char *date, struct payee_import *r,
		       struct bd_error *err)
{
	r->out = xcalloc(r->file.n, sizeof(*r->out));
	/* Retried when the database could not serialise it (PostgreSQL with
	 * other writers): each try matches the payees afresh. */
	struct import_tx t = {origin, date, r};
	if (store_tx_retry(s, import_tx, &t, err))
		return err->code == BD_INVALID ? 1 : -1;
	return 0;
}

int payee_import_run(struct store *s, const char *path, const char *date, struct payee_import *r,
		     struct bd_error *err)
{
	memset(r, 0, sizeof(*r));
	if (payee_file_read(path, &r->file, err))
		return err->code == BD_INVALID ? 1 : -1;
	return import_file(s, path, date, r, err);
}

int payee_import_data(struct store *s, const char *data, size_t len, const char *origin, const char *date,
		      struct payee_import *r, struct bd_error *err)
{
	memset(r, 0, sizeof(*r));
	if (payee_file_parse(data, len, origin, &r->file, err))
		return err->code == BD_INVALID ? 1 : -1;
	return import_file(s, origin, date, r, err);
}

void payee_import_release(struct payee_import *r)
{
	payee_file_release(&r->file);
	free(r->out);
	memset(r, 0, sizeof(*r));
}
