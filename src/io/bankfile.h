/* bankfile.h: one entry for the files a bank sends back, recognised by
 * their content, not their name:
 *
 *   pain.002.001.03   payment status report: what the bank did with a
 *                     pain.001 bidrag sent (pain002.h)
 *   camt.053.001.02   account statement: booked entries (camt.h)
 *   camt.054.001.02   debit/credit notification (camt.h)
 *   BgMax             Bankgirot's incoming payments on a bankgiro (bgmax.h)
 *
 * Recognised but refused as not supported, saying what the file is: other
 * versions of those messages, camt.052, a pain.001 (bidrag's own payment
 * file), a Leverantörsbetalningar (LB) file such as its return report.
 * Anything else is refused as not a bank file bidrag reads.  Every message
 * starts with the file's name (and the line where there is one).
 *
 * The file is read whole and checked whole (schema, totals) before
 * anything is handed back: a caller gets all of it or an error, never a
 * part.  The digest of its bytes lets a caller recognise a file imported
 * before, whatever its name.
 *
 * Typical use (the matcher, `bidrag bank import FILE`):
 *
 *   struct bankfile f;
 *   if (bankfile_read(path, &f, &err)) -> report err.msg, record nothing
 *   switch (f.kind) {
 *   case BANKFILE_PAIN002: for each f.pain002.pmtinfs[i].txs[j]: match
 *        t->end_to_end_id to a payment; pain002_tx_status() and
 *        pain002_outcome() say accepted or rejected; t->reasons.v[k].code
 *        (bankfile_reason_sv() in Swedish); a group status RJCT with no
 *        transactions rejects the whole file (f.pain002.orig_msg_id).
 *   case BANKFILE_CAMT053/054: for each statement's entries: status BOOK,
 *        !credit: each tx's end_to_end_id is an executed payment on
 *        booking_date; credit with tx->returned: a payment back
 *        (tx->return_code); credit otherwise: a repayment, tx->refs[k].ref
 *        an OCR number (ocr.h).  Refuse a currency other than SEK.
 *   case BANKFILE_BGMAX: for each section (its currency!) and payment:
 *        item.reference (ref_code 2: OCR-checked) and bgmax_net(p) öre on
 *        the section's date.
 *   }
 *   bankfile_free(&f); */
#ifndef BIDRAG_BANKFILE_H
#define BIDRAG_BANKFILE_H

#include <stddef.h>

#include "bgmax.h"
#include "camt.h"
#include "pain002.h"
#include "util.h"

/* The largest bank file read (a year of daily statements is far less). */
#define BANKFILE_MAX (64u << 20)

enum bankfile_kind { BANKFILE_PAIN002, BANKFILE_CAMT053, BANKFILE_CAMT054, BANKFILE_BGMAX };

struct bankfile {
	enum bankfile_kind kind;
	char sha256[65];      /* hex SHA-256 of the file's bytes */
	size_t size;          /* bytes */
	struct pain002 pain002; /* kind BANKFILE_PAIN002 */
	struct camt camt;       /* kind BANKFILE_CAMT053 or BANKFILE_CAMT054 */
	struct bgmax bgmax;     /* kind BANKFILE_BGMAX */
};

/* bankfile_read: the file at path ("-": standard input), recognised and
 * read.  0 and *out filled (release with bankfile_free), or -1 with err
 * filled and *out empty. */
int bankfile_read(const char *path, struct bankfile *out, struct bd_error *err);

/* bankfile_parse: the same for data[0..len) already in memory; origin
 * names it in messages. */
int bankfile_parse(const char *data, size_t len, const char *origin, struct bankfile *out, struct bd_error *err);

void bankfile_free(struct bankfile *f);

/* bankfile_kind_name: "pain.002.001.03", "camt.053.001.02",
 * "camt.054.001.02", "BgMax". */
const char *bankfile_kind_name(enum bankfile_kind k);

/* bankfile_reason_sv: a Swedish explanation of an ISO 20022 status or
 * return reason code (AC01 "felaktigt kontonummer", AC04, AM04, NARR, ...),
 * or NULL for a code not in the table (show the code itself then). */
const char *bankfile_reason_sv(const char *code);

#endif
