/* payees.h: importing a file of payees' accounts into the register: the
 * file read and checked (io's payeefile.h), then matched and registered as
 * one act, all or nothing (store-payee.h); used by 'bidrag payee import' and
 * POST /api/payees/import. */
#ifndef BIDRAG_PAYEES_H
#define BIDRAG_PAYEES_H

#include "payeefile.h"
#include "store-payee.h"

struct payee_import {
	struct payee_file file;
	struct payee_outcome_row *out; /* one per file.v[i] */
};

/* payee_import_run: the payees of the file at path, registered on date
 * (today) by the store's actor.  0 done; 1 bad input (err names the file,
 * row and column, or the payee the register cannot take), nothing
 * registered; -1 a failure of the store. */
int payee_import_run(struct store *s, const char *path, const char *date, struct payee_import *r,
		     struct bd_error *err);
/* payee_import_data: the same for a file's bytes data[0..len) (a file
 * uploaded through the web), named origin in messages and the audit log.
 * Both faces go through here: one reading, one rule. */
int payee_import_data(struct store *s, const char *data, size_t len, const char *origin, const char *date,
		      struct payee_import *r, struct bd_error *err);
void payee_import_release(struct payee_import *r);

#endif
