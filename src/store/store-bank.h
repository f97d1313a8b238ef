/* store-bank.h: the bank's files in (bidrag bank import), matched to the
 * ledger, and the repayment claims' numbers and OCR references (bank.c).
 *
 * A file (read and checked whole by io's bankfile.h) comes in as entries in
 * a form that does not depend on its format; the app turns a pain.002, a
 * camt.053/054 or a BgMax file into them.  What each entry does:
 *
 *   pain.002, a transaction  accepted: the payment is with the bank
 *                            (bank-accept); rejected: the payment is void
 *                            and its money payable again (bank-reject, with
 *                            the reason); pending: noted, nothing recorded
 *   pain.002, a whole file   (a status without transactions) accepted or
 *                            rejected: every payment of the batch is, as
 *                            above
 *   camt, a booked debit     a payment bidrag exported (its EndToEndId):
 *                            booked on the booking date (bank-book)
 *   camt, a booked return    a payment coming back: void, its money payable
 *                            again (bank-return, with the return reason)
 *   camt or BgMax, a credit  a repayment claim's OCR reference: the
 *                            repayment is recorded (repay-receive)
 *
 * Refused, the whole file with nothing recorded, naming the file and the
 * entry: a pain.002 answering a batch bidrag did not export or a payment
 * not in it; an entry of a payment (pain.002 or camt, by an EndToEndId of a
 * batch bidrag exported) whose amount differs from the payment's, that is
 * not in SEK, or that contradicts what the ledger knows (a booked payment
 * rejected, a rejected one booked); any entry in a currency other than
 * SEK.  Kept as unmatched, for an officer to match by hand: a debit or a
 * return that is not a payment bidrag exported (no EndToEndId, or another
 * program's), a credit without an OCR reference of an open claim, or with
 * one but more than the claim has outstanding, or that the ledger cannot
 * take (the account's claimed amount is smaller).  A match by hand is a
 * four-eyes act: one officer proposes it, another approves it, and only then
 * is its event recorded.
 *
 * Importing a file twice records nothing twice: a file is known by its
 * SHA-256, an entry by its identity (the bank's reference where it gives
 * one: a camt.054 entry that the day's camt.053 repeats is kept once), and
 * the events by ids derived from what they are (bank-book:PAYMENT, ...).
 *
 * Every claim of repayment (a repay-claim event, or a report whose declared
 * unused amount is claimed) gets a number unique in the register, from 1001
 * up, and an OCR reference made of it (core's ocr.h: the number, a length
 * digit and a Luhn check digit), when it is recorded. */
#ifndef BIDRAG_STORE_BANK_H
#define BIDRAG_STORE_BANK_H

#include "store.h"

/* The first claim number: every OCR reference has at least six digits. */
#define CLAIM_FIRST 1001

enum bank_entry_type {
	BANK_TX_STATUS,   /* pain.002: a transaction's status */
	BANK_FILE_STATUS, /* pain.002: the whole payment file's status (no transactions given) */
	BANK_DEBIT,       /* camt: money out, booked */
	BANK_RETURN,      /* camt: a payment coming back, booked */
	BANK_CREDIT,      /* camt, BgMax: money in */
};
enum bank_tx_status { BANK_TX_ACCEPTED, BANK_TX_REJECTED, BANK_TX_PENDING };

/* What became of an entry; the names are kept in the register. */
enum bank_what {
	BW_ACCEPTED,
	BW_REJECTED,
	BW_PENDING,
	BW_BOOKED,
	BW_RETURNED,
	BW_REPAID,
	BW_UNMATCHED,
	BW_COUNT
};
const char *bank_what_name(enum bank_what w);    /* "accepted", ... */
const char *bank_what_sv(enum bank_what w);      /* "godkänd", ... */
int bank_what_parse(const char *name);           /* -1 if none */

struct bank_entry_in {
	enum bank_entry_type type;
	const char *ident;          /* its identity, whichever file brings it */
	const char *place;          /* where in the file: "line 12", "Ntry 3 (line 40)" */
	char date[DATE_LEN];        /* booked, paid, or the report's day */
	bool has_amount;
	int64_t amount;             /* öre, >= 0 */
	char currency[4];           /* "" when the file gives none (pain.002 without an amount) */
	const char *end_to_end_id;  /* BANK_TX_STATUS, BANK_DEBIT, BANK_RETURN; or NULL */
	const char *batch;          /* BANK_TX_STATUS, BANK_FILE_STATUS: the payment file answered (its MsgId) */
	enum bank_tx_status status; /* BANK_TX_STATUS, BANK_FILE_STATUS */
	const char *reason;         /* the status or return reason code, or NULL */
	const char *reason_sv;      /* what it means, in Swedish, or NULL */
	const char *reason_text;    /* the bank's own words (AddtlInf), or NULL */
	const char *const *refs;    /* BANK_CREDIT: the references given, the structured ones first */
	size_t nrefs;
	const char *text;           /* who paid, the remittance text, or NULL */
};

struct bank_import_in {
	const char *name;           /* the file's name, for messages */
	const char *kind;           /* "pain.002.001.03", "camt.053.001.02", "BgMax" */
	const char *sha256, *msg_id;
	size_t size;
	const char *actor;
	const struct bank_entry_in *v;
	size_t n;
};

/* What an entry did, one line per entry. */
struct bank_import_line {
	const char *place;
	enum bank_what what;
	bool known;                 /* kept already, from this or another file: nothing done */
	bool recorded;              /* an event was recorded for it */
	int64_t amount;
	const char *payment_id;     /* the payment it concerned, or NULL */
	int64_t claim;              /* the claim it paid, or 0 */
	const char *note;           /* why unmatched, or the reason given, or NULL */
};

struct bank_import_result {
	bool again;                 /* the file was imported before: nothing done */
	char again_by[128], again_at[32];
	int64_t file_id;
	int count[BW_COUNT];
	int64_t amount[BW_COUNT];
	int known, events;
	struct bank_import_line *lines;
	size_t nlines;
	struct strpool pool;
};
void bank_import_result_release(struct bank_import_result *r);

/* store_bank_import: the entries of one file, matched and recorded: all or
 * nothing (call inside a write transaction: store_tx_retry).  0 and *out
 * filled (release it, also on failure); -1 with err saying what, naming the
 * file and the entry. */
int store_bank_import(struct store *s, const struct bank_import_in *in, struct bank_import_result *out,
		      struct bd_error *err);

/* An entry as kept, with what was matched by hand. */
struct bank_entry_row {
	int64_t id;
	const char *file_name, *file_kind, *place;
	enum bank_what what;
	bool credit;
	const char *date, *currency, *reference, *reason, *text, *batch, *payment_id, *event_id, *note;
	int64_t amount, claim;
	/* A match by hand: approved (match_id), or proposed and open (open_id). */
	int64_t match_id, match_claim, open_id;
	const char *match_payment, *match_by, *open_by;
};
typedef int (*bank_entry_fn)(void *ctx, const struct bank_entry_row *e);
/* store_bank_entries: every entry kept (unmatched_only: those neither
 * matched on import nor by hand), by id. */
int store_bank_entries(struct store *s, bool unmatched_only, bank_entry_fn fn, void *ctx, struct bd_error *err);

/* Matching by hand, four eyes: store_bank_match_propose records that the
 * store's actor proposes to match the unmatched entry to a claim (claim >
 * 0) or to an executed payment (payment_id: a debit is its booking, a
 * credit its return).  store_bank_match_approve: another person (never the
 * proposer) approves the entry's open proposal: the event is recorded.
 * store_bank_match_reject drops it.  Each is BD_NOT_FOUND when there is no
 * such entry (or no open proposal), BD_INVALID when a rule stops it. */
int store_bank_match_propose(struct store *s, int64_t entry, int64_t claim, const char *payment_id,
			     const char *note, const char *date, int64_t *match, struct bd_error *err);
int store_bank_match_approve(struct store *s, int64_t entry, const char *date, char event_id[128],
			     struct bd_error *err);
int store_bank_match_reject(struct store *s, int64_t entry, const char *date, struct bd_error *err);

/* A payment executed in a batch, with what the bank said of it. */
struct bank_payment_row {
	const char *batch, *id, *end_to_end_id, *exec_date, *dnr, *part, *recipient, *recipient_name, *payee;
	int64_t amount;
	enum bank_state state;
	const char *state_date;     /* the day of its latest bank event, or NULL */
	const char *reason;         /* rejected or returned: the reason, or NULL */
};
typedef int (*bank_payment_fn)(void *ctx, const struct bank_payment_row *p);
/* store_bank_payments: batch NULL: every executed payment. */
int store_bank_payments(struct store *s, const char *batch, bank_payment_fn fn, void *ctx, struct bd_error *err);

/* A batch: its payments by what the bank has said (a booked payment was
 * accepted too, or never answered by a pain.002: counted once, booked). */
struct bank_batch_row {
	const char *batch, *exec_date;
	int count[BANK_STATE_COUNT + 1]; /* by enum bank_state; [BANK_STATE_COUNT]: all sent */
	int64_t amount[BANK_STATE_COUNT + 1];
};
typedef int (*bank_batch_fn)(void *ctx, const struct bank_batch_row *b);
int store_bank_batches(struct store *s, bank_batch_fn fn, void *ctx, struct bd_error *err);

/* A day: the bank's booked movements beside the ledger's (öre). */
struct bank_day_row {
	const char *date;
	int64_t bank_out, bank_in;        /* debits (payments booked, and unmatched), credits (returns, repayments, unmatched) */
	int64_t ledger_paid, ledger_back, ledger_repaid; /* executed; rejected or returned; repayments received */
	int bank_entries, ledger_events;
};
typedef int (*bank_day_fn)(void *ctx, const struct bank_day_row *d);
/* store_bank_days: by date, from..to (NULL: open-ended). */
int store_bank_days(struct store *s, const char *from, const char *to, bank_day_fn fn, void *ctx,
		    struct bd_error *err);

/* A repayment claim. */
struct repay_claim_row {
	int64_t number;
	const char *ocr, *event_id, *kind, *dnr, *part, *recipient, *recipient_name, *date, *recorded;
	int64_t amount, matched; /* öre: claimed; paid by bank entries matched to it and received by hand for it */
	bool corrected;
};
typedef int (*repay_claim_fn)(void *ctx, const struct repay_claim_row *c);
/* store_repay_claims: number 0: every claim, by number; else that one (1 if
 * none). */
int store_repay_claims(struct store *s, int64_t number, repay_claim_fn fn, void *ctx, struct bd_error *err);
/* store_repay_claims_number: number the claiming events that have no
 * number yet (claims recorded before the register knew claim numbers);
 * inside a write transaction. */
int store_repay_claims_number(struct store *s, struct bd_error *err);

/* A repayment received by hand, for a claim (bidrag repay receive --claim):
 * the repay-receive event to record on the claim's account. */
struct repay_by_hand {
	int64_t number, amount, outstanding; /* öre: what it pays; what the claim had outstanding */
	char ocr[32], dnr[64], part[64], recipient[64];
	char id[128];    /* claim-receive:NUMBER:DATE:ÖRE, counted as paid of the claim */
	char reason[200];
	bool known;      /* that event is recorded already (the same command again) */
};
/* store_repay_by_hand: the claim whose number (else OCR reference) is
 * `claim`, paid `amount` öre (0: what it has outstanding) on
 * date.  Refused (BD_INVALID) when there is no such claim, it was
 * withdrawn, it is paid already, or amount is more than it has
 * outstanding.  The caller records out->id as a repay-receive (a claim's
 * paid amount counts those events beside the bank's entries). */
int store_repay_by_hand(struct store *s, const char *claim, int64_t amount, const char *date,
			struct repay_by_hand *out, struct bd_error *err);

#endif
