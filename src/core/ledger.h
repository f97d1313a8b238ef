/* ledger.h: the disbursement ledger's rules, in one place.
 *
 * Each (part, recipient) is an account whose allocation is held in buckets:
 *
 *   avail ──requisition──> requisitioned ──payment──> registered ──attest──>
 *   attested ──execute──> paid ──repay-claim/report──> claimed ──repay-receive──> repaid
 *   avail ──lapse──> lapsed            (a part paid without requisition pays from avail)
 *   ──allocation-raise──> avail ──allocation-reduce──>   (a corrected key: the allocation itself
 *                                                        grows or shrinks, bidrag datasets impact)
 *
 * Every event moves an amount (öre) from one bucket to another, so the
 * buckets always add up to the allocation and none can go below zero: that
 * is what makes "never pay more than allocated", "never pay a lapsed right"
 * and "never pay before a requisition" hold by construction.  The rules that
 * are not about amounts (deadlines, payment windows, four eyes) are checked
 * here too, before anything moves.  A correction moves an earlier event's
 * amount back.  Pure logic: no I/O. */
#ifndef BIDRAG_LEDGER_H
#define BIDRAG_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "decision.h"
#include "util.h"

enum bucket {
	B_AVAIL,
	B_REQUISITIONED,
	B_REGISTERED,
	B_ATTESTED,
	B_PAID,
	B_LAPSED,
	B_CLAIMED,
	B_REPAID,
	B_COUNT,
	B_NONE = -1,
};

struct ledger_balance {
	int64_t allocated; /* öre */
	int64_t b[B_COUNT];
	int reports;       /* financial reports received */
	char last_date[DATE_LEN]; /* the latest event's date: events are kept in date order */
};

enum event_kind {
	EV_REQUISITION,
	EV_LAPSE,
	EV_PAYMENT,
	EV_ATTEST,
	EV_EXECUTE,
	EV_REPAY_CLAIM,
	EV_REPAY_RECEIVE,
	EV_REPORT,
	EV_CORRECTION,
	/* The bank's answers about an executed payment (bidrag bank import):
	 * accepted (pain.002), booked on the agency's account (camt), rejected
	 * (pain.002) or returned (camt).  A rejection or a return gives the
	 * payment's money back to be paid again: the payment is void. */
	EV_BANK_ACCEPT,
	EV_BANK_BOOK,
	EV_BANK_REJECT,
	EV_BANK_RETURN,
	/* The allocation itself changes: a key dataset was corrected and the
	 * recipient's share recomputed ('bidrag datasets impact --apply').
	 * raise: money enters avail from outside the account (allocated
	 * grows); reduce: unpaid money leaves it, from avail, else from
	 * requisitioned when avail is empty (allocated shrinks). */
	EV_ALLOC_RAISE,
	EV_ALLOC_REDUCE,
	EV_COUNT,
};

/* The terms of a part that the rules need. */
struct ledger_terms {
	enum payment_mode mode;
	char from[DATE_LEN], to[DATE_LEN], by[DATE_LEN], deadline[DATE_LEN];
	char decision_date[DATE_LEN];
	bool lapses;
};

/* The longest name of who records an event (--by). */
#define LEDGER_ACTOR_MAX 100

/* What an attest, execute or correction refers to: an earlier event and
 * where its money is now. */
struct ledger_ref {
	enum event_kind kind;
	int64_t amount;
	enum bucket from, to; /* as it moved */
	char actor[LEDGER_ACTOR_MAX + 1];
	bool attested, executed, corrected; /* for a payment: its state now */
	bool ref_corrected;                  /* the event itself was corrected */
	bool overridden;                     /* the payment was registered with an override of its window */
	/* For a payment: what the bank said of it (bank events referring to it). */
	bool accepted, booked, rejected;     /* rejected: rejected or returned */
};

struct ledger_event {
	enum event_kind kind;
	char date[DATE_LEN];
	const char *actor;
	int64_t amount;         /* öre; for a report: the unused amount declared */
	const char *override;   /* a recorded reason to pay outside the window */
	bool received_given;    /* lapse: a late requisition was received (vs none came in) */
	/* Filled by ledger_apply: */
	enum bucket from, to;
	int64_t moved;
};

const char *event_kind_name(enum event_kind k);
/* event_kind_parse: -1 if unknown. */
int event_kind_parse(const char *s);
/* ledger_kind_refers: an event of kind k refers to an earlier event (attest,
 * execute, correction and the bank's answers) rather than naming its
 * account. */
bool ledger_kind_refers(enum event_kind k);
/* ledger_kind_bank: one of the bank's answers (EV_BANK_*). */
bool ledger_kind_bank(enum event_kind k);
const char *bucket_name(enum bucket b);
int bucket_parse(const char *s);

/* ledger_open: a fresh account holding `allocated` öre in avail. */
void ledger_open(struct ledger_balance *b, int64_t allocated);

/* ledger_apply: check e against the account, the part's terms and (for
 * attest, execute, correction) the event it refers to; on success move the
 * money in *b and fill e->from, e->to, e->moved.  On failure *b is
 * unchanged and err says what rule stopped it and what would be allowed. */
int ledger_apply(struct ledger_balance *b, const struct ledger_terms *t, struct ledger_event *e,
		 const struct ledger_ref *ref, struct bd_error *err);

/* ledger_report_late: a financial report dated `date` is late when the
 * part has a report deadline (`deadline`, "" or NULL when it has none) and
 * the report is dated after it.  A late report is not refused: it is
 * recorded, and marked late wherever it is shown (status, deadlines, the
 * recipient's view).  An account's report is the first of its reports that
 * stands (not corrected). */
bool ledger_report_late(const char *date, const char *deadline);

/* ledger_committed: what the account has committed to payment (öre):
 * registered, attested, paid, claimed or repaid.  The sum a part's decided
 * amount caps. */
int64_t ledger_committed(const struct ledger_balance *b);

/* ledger_check_decided: a payment that brings a part's payments
 * (registered, attested, paid, claimed or repaid: öre, this payment
 * included) to `committed` stays within the part's decided amount
 * (kronor), unless it carries an override: a recorded reason, which a second
 * person sees and weighs when attesting.  Only a part whose allocation rows
 * add up to more than it decides (a published table rounded up) can get
 * there. */
int ledger_check_decided(int64_t decided_kr, int64_t committed, int64_t amount, const char *override,
			 const char *part, struct bd_error *err);

/* ledger_balance_check: the account's invariants (no bucket below zero, the
 * buckets add up to the allocation). */
int ledger_balance_check(const struct ledger_balance *b, struct bd_error *err);

/* Figures for status reports, from an account (öre). */
struct ledger_figures {
	int64_t allocated, requisitioned, in_process, paid, lapsed, claimed, repaid, outstanding, lapse_due;
};
/* ledger_figures: as of a date: a right not requisitioned by a lapsing
 * deadline that has passed counts as lapse_due (not yet recorded). */
void ledger_figures(const struct ledger_balance *b, const struct ledger_terms *t, const char *as_of,
		    struct ledger_figures *f);

/* An organisation as the register keeps it: a recipient or a payee. */
struct org {
	const char *code, *name, *kind, *orgnr, *bankgiro, *plusgiro, *payment_ref, *lan, *kommun;
	bool builtin;
};

/* The ledger.  An event as a client gives it: on an account (dnr, part,
 * recipient), or referring to an earlier event by its id (attest, execute,
 * correction). */
struct ledger_input {
	const char *id; /* the client's idempotency id */
	enum event_kind kind;
	const char *dnr, *part, *recipient;
	const char *ref;
	char date[DATE_LEN];
	const char *actor;
	int64_t amount; /* öre */
	const char *signed_by, *override, *reason, *batch;
	bool received_given;
};
enum ledger_outcome { LEDGER_RECORDED, LEDGER_ALREADY };
/* ledger_input_digest: the hex digest (65 bytes) of an event's content, by
 * which a retry is recognised; identity_only leaves out who recorded it and
 * what they noted (signatory, override, reason), for ids derived from what
 * the event is. */
void ledger_input_digest(const struct ledger_input *e, bool identity_only, char out[65]);
/* ledger_input_digest_bin: the same digest as its 32 bytes (BLAKE2b-256),
 * as ledger_event.digest stores it; the hex above is these bytes. */
#define LEDGER_DIGEST_LEN 32
void ledger_input_digest_bin(const struct ledger_input *e, bool identity_only, unsigned char out[LEDGER_DIGEST_LEN]);

/* A payment as a payment file needs it. */
/* The state of a payment that is not corrected: registered (not yet
 * attested), attested (not yet executed), executed (in a payment file). */
enum payment_state { PAYMENT_REGISTERED, PAYMENT_ATTESTED, PAYMENT_EXECUTED };
const char *payment_state_name(enum payment_state st);
/* payment_state_parse: -1 for a name that is none of the three. */
int payment_state_parse(const char *name);
/* payment_state_of: a payment's state from what refers to it: an
 * attestation that stands (not corrected), an execution. */
enum payment_state payment_state_of(bool attested, bool executed);

/* What the bank has said of an executed payment: nothing yet (sent), accepted
 * (pain.002), booked (camt), rejected (pain.002) or returned (camt).  A
 * rejected or returned payment is void: its money is payable again. */
enum bank_state { BANK_SENT, BANK_ACCEPTED, BANK_BOOKED, BANK_REJECTED, BANK_RETURNED, BANK_STATE_COUNT };
const char *bank_state_name(enum bank_state st); /* "sent", "accepted", ... */
const char *bank_state_sv(enum bank_state st);   /* "skickad", "godkänd", ... */
/* bank_state_of: from the bank events referring to a payment. */
enum bank_state bank_state_of(bool accepted, bool booked, bool rejected, bool returned);

/* ledger_payee_org_code: the code of a new payee organisation, by its
 * orgnr ("ORG-2220001651"; "ORG-X" without one), with "-2", "-3" after it
 * for the nth (n > 0) unit sharing it.  buf holds at least 64 bytes. */
void ledger_payee_org_code(char *buf, size_t len, const char *orgnr, int64_t n);

struct payment_row {
	const char *id;        /* the payment event's id */
	const char *dnr, *part, *recipient, *recipient_name;
	const char *payee_name, *orgnr, *bankgiro, *plusgiro, *reference;
	int64_t amount;        /* öre */
	const char *date;
	const char *registered_by;
	const char *exec_date; /* executed payments: the day the file was made */
	const char *override;  /* the reason recorded to pay outside the rules (the window, the decided amount), or NULL */
	/* The payee's account by IBAN (bankgiro and plusgiro NULL): the IBAN
	 * and its bank's BIC; else NULL. */
	const char *iban, *bic;
	/* The day the payee's account took effect by an approved change
	 * ('bidrag payee approve'), or NULL; and whether that is within 30 days
	 * before the payment or after it: flagged for the attestant. */
	const char *account_changed;
	bool account_recent;
};


#endif
