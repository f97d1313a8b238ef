/* payeefile.h: a file of payees' accounts ('bidrag payee import'), as a
 * CSV file (comma, semicolon or tab; UTF-8) or an Excel workbook (.xlsx, its
 * first sheet), told apart by content.
 *
 * The first row names the columns, in any order, in Swedish or English (any
 * case):
 *   organisationsnummer | orgnr | org.nr | organisation number    required
 *   namn | name | betalningsmottagare | payee                      required
 *   bankgiro | bg,  plusgiro | pg,  iban,  bic | swift             the account: one of
 *                                                                  bankgiro, plusgiro, IBAN+BIC
 *   betalningsreferens | referens | reference | payment reference  optional
 *   bank                                                           optional, not kept
 * Every other row is a payee: its organisationsnummer, bankgiro, plusgiro,
 * IBAN and BIC are checked by their check digits (ident.h) and their form
 * (payee.h); the same organisationsnummer and name twice is an error.  The
 * first error ends the reading: "FILE, row N, column C (bankgiro): invalid
 * bankgiro '5728-3904': wrong check digit (expected 5)".  Empty rows are
 * skipped; a CSV line starting with '#' is a comment. */
#ifndef BIDRAG_PAYEEFILE_H
#define BIDRAG_PAYEEFILE_H

#include <stddef.h>

#include "payee.h"
#include "util.h"

struct payee_file {
	struct payee_entry *v;
	size_t n;
	char sha256[65];   /* of the file's bytes */
	const char *kind;  /* "csv" or "xlsx" */
	struct strpool pool;
};

/* payee_file_parse: data[0..len), named origin in messages. */
int payee_file_parse(const char *data, size_t len, const char *origin, struct payee_file *out, struct bd_error *err);
/* payee_file_read: the file at path (at most 16 MB). */
int payee_file_read(const char *path, struct payee_file *out, struct bd_error *err);
void payee_file_release(struct payee_file *f);

#endif
