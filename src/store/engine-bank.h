/* engine-bank.h: what an engine provides for the bank's files
 * (0009-bank.sql): the primitives behind struct store_ops's `bank`.  The
 * rules (what an entry matches, what is recorded, four eyes on a match made
 * by hand, claim numbers) are in bank.c; an engine only stores and finds.
 * Return values as in engine.h: 0, 1 for "none" where said, -1 with err.
 * Strings handed to a callback, or in a struct filled, are valid until the
 * next call of the engine. */
#ifndef BIDRAG_ENGINE_BANK_H
#define BIDRAG_ENGINE_BANK_H

#include "engine.h"

/* An imported file (bank_file). */
struct engine_bank_file {
	int64_t id;
	const char *sha256, *kind, *name, *msg_id, *imported_by, *imported;
	int64_t size, entries;
};

/* An entry of a file (bank_entry), with its hand match when it has one. */
struct engine_bank_entry {
	int64_t id, file_id;
	const char *ident, *what, *date, *currency, *reference, *reason, *text, *batch, *payment_id, *event_id,
		*note, *place;
	bool credit;
	int64_t amount, claim; /* claim 0: none */
	/* Scans and get: its file's name and kind; its approved hand match
	 * (match_id 0: none) and its open proposal (open_id 0: none). */
	const char *file_name, *file_kind;
	int64_t match_id, match_claim, open_id;
	const char *match_payment, *match_event, *match_by, *open_by;
};
typedef int (*engine_bank_entry_fn)(void *ctx, const struct engine_bank_entry *e);

/* A repayment claim (repay_claim) with its event's account and what has
 * been matched to it. */
struct engine_claim {
	int64_t number, amount;
	const char *event_id, *ocr, *recorded;
	const char *kind, *dnr, *part, *recipient, *recipient_name, *date; /* its event's */
	bool corrected;     /* its event was corrected */
	int64_t matched;    /* öre: bank entries matched to it (imported or approved by hand) */
};
typedef int (*engine_claim_fn)(void *ctx, const struct engine_claim *c);

/* An event that claimed money (repay-claim, or a report whose declared
 * unused amount was claimed) without a claim number yet. */
typedef int (*engine_unnumbered_fn)(void *ctx, const char *event_id, int64_t amount);

/* An executed payment with what the bank said of it: the rows of a batch
 * come in the order its payment file lists them (the execute events' order),
 * so the nth is EndToEndId "<batch>-<n>". */
struct engine_bank_payment {
	const char *batch, *id, *exec_date, *dnr, *part, *recipient, *recipient_name;
	const char *payment_detail; /* the payment event's detail (its payee) */
	int64_t seq, amount;
	/* The dates of its bank events, NULL when none; the rejection's or
	 * return's detail (its reason). */
	const char *accepted, *booked, *rejected, *returned, *reject_detail;
};
typedef int (*engine_bank_payment_fn)(void *ctx, const struct engine_bank_payment *p);

/* A match made by hand (bank_match). */
struct engine_bank_match {
	int64_t id, entry_id, claim; /* claim 0: none */
	const char *payment_id, *note, *proposed_by, *proposed_on, *state, *decided_by, *decided_on, *event_id,
		*recorded;
};
typedef int (*engine_bank_match_fn)(void *ctx, const struct engine_bank_match *m);

/* A day's sum of one kind of movement: the bank's entries by `what` and
 * direction, or the ledger's events by kind. */
struct engine_bank_day {
	const char *date, *what; /* what: bank_entry.what, or a ledger event kind */
	bool bank, credit;
	int64_t count, amount;
};
typedef int (*engine_bank_day_fn)(void *ctx, const struct engine_bank_day *d);

struct store_bank_ops {
	/* file_find: the file imported with that SHA-256; 1 if none. */
	int (*file_find)(struct store *s, const char *sha256, struct engine_bank_file *out, struct bd_error *err);
	int (*file_add)(struct store *s, const struct engine_bank_file *f, int64_t *id, struct bd_error *err);
	/* entry_known: 0 and *id if an entry of that identity is kept; 1 if none. */
	int (*entry_known)(struct store *s, const char *ident, int64_t *id, struct bd_error *err);
	int (*entry_add)(struct store *s, const struct engine_bank_entry *e, int64_t *id, struct bd_error *err);
	/* entry_get: 1 if none. */
	int (*entry_get)(struct store *s, int64_t id, engine_bank_entry_fn fn, void *ctx, struct bd_error *err);
	/* entry_scan: file_id 0: every file's; by id. */
	int (*entry_scan)(struct store *s, int64_t file_id, engine_bank_entry_fn fn, void *ctx, struct bd_error *err);
	/* file_scan: every imported file, by id. */
	int (*file_scan)(struct store *s, int (*fn)(void *ctx, const struct engine_bank_file *f), void *ctx,
			 struct bd_error *err);

	/* claim_next: the largest claim number used (0: none). */
	int (*claim_max)(struct store *s, int64_t *max, struct bd_error *err);
	/* claim_add: 1 if the number or the event has one already. */
	int (*claim_add)(struct store *s, int64_t number, const char *event_id, const char *ocr, int64_t amount,
			 struct bd_error *err);
	/* claim_unnumbered: the claiming events without a number, in seq order. */
	int (*claim_unnumbered)(struct store *s, engine_unnumbered_fn fn, void *ctx, struct bd_error *err);
	/* claim_scan: number 0: every claim, by number; else that one (1 if none).
	 * ocr non-NULL: the claim of that reference (1 if none). */
	int (*claim_scan)(struct store *s, int64_t number, const char *ocr, engine_claim_fn fn, void *ctx,
			  struct bd_error *err);

	/* payment_scan: batch NULL: every executed payment, by execution; else
	 * the batch's. */
	int (*payment_scan)(struct store *s, const char *batch, engine_bank_payment_fn fn, void *ctx,
			    struct bd_error *err);
	/* payment_batch: the batch that executed a payment event; 1 if it was
	 * not executed (or there is no such payment). */
	int (*payment_batch)(struct store *s, const char *payment_id, char *batch, size_t len, struct bd_error *err);

	/* match_add: 1 if the entry has an open proposal already. */
	int (*match_add)(struct store *s, const struct engine_bank_match *m, int64_t *id, struct bd_error *err);
	/* match_get: 1 if none. */
	int (*match_get)(struct store *s, int64_t id, engine_bank_match_fn fn, void *ctx, struct bd_error *err);
	/* match_decide: 1 if it is not proposed (any more). */
	int (*match_decide)(struct store *s, int64_t id, const char *state, const char *by, const char *on,
			    const char *event_id, struct bd_error *err);
	/* match_scan: open_only: the proposals not yet decided; by id. */
	int (*match_scan)(struct store *s, bool open_only, engine_bank_match_fn fn, void *ctx, struct bd_error *err);

	/* day_scan: per day from..to (NULL: open-ended), the bank's movements
	 * (entries booked, returned, repaid or unmatched: pain.002's statuses
	 * are no movement) and the ledger's (execute, repay-receive,
	 * bank-reject, bank-return), by date. */
	int (*day_scan)(struct store *s, const char *from, const char *to, engine_bank_day_fn fn, void *ctx,
			struct bd_error *err);
};

extern const struct store_bank_ops store_sqlite_bank_ops, store_pg_bank_ops;

#endif
