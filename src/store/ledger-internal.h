/* ledger-internal.h: what the engine-neutral ledger's files share
 * (ledger.c, ledger-replay.c, store.c).  Not part of the storage
 * interface. */
#ifndef BIDRAG_LEDGER_INTERNAL_H
#define BIDRAG_LEDGER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine-checkpoint.h"
#include "store.h"

/* A small open-addressing map from a 64-bit hash (and a string key, when
 * given) to a slot index. */
struct slot_map {
	size_t cap, n;
	uint64_t *hash;
	char **skey;
	size_t *val;
};
/* slot_hash: FNV-1a, never 0 (0 marks an empty slot). */
uint64_t slot_hash(const void *p, size_t n);
void slot_map_release(struct slot_map *m);
/* slot_map_insert_new: a fresh slot for h, even when another key has the
 * same hash (the caller compares its own keys). */
size_t *slot_map_insert_new(struct slot_map *m, uint64_t h);

/* ledger_audit_batch: the audit entry of a recorded batch (store.c);
 * digest[i]: event i's content digest (ledger_input_digest_bin, as
 * recorded). */
int ledger_audit_batch(struct store *s, const struct ledger_input *ev, size_t n, const enum ledger_outcome *out,
		       const unsigned char (*digest)[LEDGER_DIGEST_LEN], struct bd_error *err);

/* bank.c: a claim number and OCR reference for each event of a recorded
 * batch that claimed money (repay-claim, a report's claim); called by
 * store_ledger_record in the batch's transaction. */
int bank_claims_number(struct store *s, const struct ledger_input *ev, size_t n, const enum ledger_outcome *out,
		       struct bd_error *err);
/* bank.c: ledger verify's checks of the bank's entries and the claims
 * against the events (problem_fn as store_ledger_verify's). */
int bank_verify(struct store *s, problem_fn fn, void *ctx, int *problems, struct bd_error *err);

/* A booking recorded (bank-book): the payment's seq and the booking day. */
struct ledger_checkpoint_booking {
	int64_t payment;
	char date[DATE_LEN];
};
/* ledger-replay.c: the checkpoints of a recorded batch (ledger.c, in its
 * transaction): closed[0..n), each account's balance at the end of a day
 * before a later event of the batch, and the batch's bookings, which move
 * the days between their payment's export and the booking.  A register
 * whose checkpoints are not complete gets all of them from the journal. */
int ledger_checkpoints_record(struct store *s, const struct engine_checkpoint *closed, size_t n,
			      const struct ledger_checkpoint_booking *book, size_t nbook, struct bd_error *err);

#endif
