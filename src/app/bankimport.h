/* bankimport.h: a bank's file imported into the register: read and checked
 * whole by io (bankfile.h: pain.002, camt.053/054, BgMax, recognised by
 * content), turned into the store's entries (store-bank.h) and matched and
 * recorded in one write transaction (store_tx_retry): all or nothing.  Used
 * by 'bidrag bank import' and POST /api/bank/import. */
#ifndef BIDRAG_BANKIMPORT_H
#define BIDRAG_BANKIMPORT_H

#include <stddef.h>

#include "store-bank.h"
#include "store.h"

struct bank_import_report {
	char kind[32];           /* "pain.002.001.03", ... */
	char sha256[65];
	size_t entries;          /* entries read from the file */
	size_t skipped;          /* camt entries not booked (PDNG, INFO): not kept */
	struct bank_import_result result;
};
void bank_import_report_release(struct bank_import_report *r);

/* bank_import_data: the file data[0..len), named name in messages, imported
 * by actor.  0 done (report->result.again: imported before, nothing done);
 * 1 refused (err says what, naming the file and the entry: a file that is
 * no bank file bidrag reads or does not validate, an entry that breaks a
 * rule); -1 a failure (the database).  Nothing is recorded unless 0. */
int bank_import_data(struct store *s, const char *data, size_t len, const char *name, const char *actor,
		     struct bank_import_report *report, struct bd_error *err);
/* bank_import_file: the same for the file at path ("-": standard input). */
int bank_import_file(struct store *s, const char *path, const char *actor, struct bank_import_report *report,
		     struct bd_error *err);

#endif
