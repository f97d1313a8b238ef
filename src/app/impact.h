/* impact.h: what a corrected key dataset changes for the decisions already
 * registered and paid (bidrag datasets impact, GET /api/dataset/impact).
 *
 * For a version V of a dataset (the latest by default), every registered
 * decision part that was allocated by an earlier version of it: each
 * recipient's allocation then (as locked) and now (recomputed by the part's
 * own rule and amount with version V, exactly: core's keyimpact.h), the
 * difference, what has been paid, and the adjustment proposed from the
 * recipient's account in the ledger.  Carried out (impact_events), the
 * proposal is ledger events with ids derived from what they are (dataset,
 * version, decision, part, recipient, what), so that carrying it out twice
 * records nothing twice: a payment registered waits for a second person's
 * attestation as every payment does; a claim is a repayment claim. */
#ifndef BIDRAG_IMPACT_H
#define BIDRAG_IMPACT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "dataset.h"
#include "keyimpact.h"
#include "ledger.h"
#include "store.h"

struct impact_row {
	const char *code, *name;
	int64_t then, now;         /* kronor: as locked, by the corrected key */
	int64_t allocated;         /* öre: the account's allocation now (with earlier corrections) */
	int64_t paid;              /* öre: executed (paid out, claimed back included) */
	int64_t in_process;        /* öre: registered or attested, not executed */
	int64_t claimed;           /* öre: claimed back or repaid already */
	int64_t applied;           /* öre, signed: what earlier corrections carried out changed */
	struct keyimpact_proposal prop;
};

struct impact_part {
	const char *dnr, *part, *title, *decision_date;
	int from_version;          /* the version the part was allocated by */
	int64_t amount;            /* kronor: the part's amount */
	const char *rule;          /* "key", "mix", "equal" */
	struct ledger_terms terms;
	size_t nrecipients;        /* the part's */
	size_t nrows;              /* the rows that change or have something to do */
	struct impact_row *rows;
	int64_t changed_then, changed_now; /* kronor, over the rows */
};

struct impact {
	const char *name;
	int version;               /* the corrected version */
	const char *reason;        /* why it corrects the one before (NULL when none given) */
	int corrects;
	size_t nparts;
	struct impact_part *parts;
	size_t unaffected;         /* parts that used an earlier version and change for no one */
	struct strpool pool;
};

/* impact_compute: the impact of ref ("NAME" = the latest version, or
 * NAME@VERSION) on the register s.  A version 1 has nothing before it: no
 * parts, and no error. */
int impact_compute(struct store *s, const char *ref, struct impact *out, struct bd_error *err);
void impact_release(struct impact *im);

/* impact_events: the proposal as ledger events dated `date` (YYYY-MM-DD),
 * recorded by actor (malloc'd array, its strings in im's pool or static).
 * A payment dated outside its part's payment window carries the correction
 * as its recorded override, for the attestant to weigh. */
int impact_events(struct impact *im, const char *date, const char *actor, struct ledger_input **ev, size_t *n,
		  struct bd_error *err);

/* The proposal carried out (impact_apply): the events, each event's
 * outcome, and a summary per decision.  What each kind does: an
 * allocation-raise or -reduce and a repay-claim stand when recorded (the
 * officer's decision, in the audit log); a payment is registered and waits
 * in the attestation queue for a second person (the ledger refuses its
 * attestation by the one who registered it). */
struct impact_sum {
	const char *dnr;
	size_t events;
	int64_t raise, pay, reduce, claim; /* öre */
};
struct impact_applied {
	char name[256];
	int version;
	struct ledger_input *ev;
	size_t n;
	enum ledger_outcome *out; /* NULL in a dry run */
	size_t recorded, already, payments;
	struct impact_sum *sum;   /* one per decision, in the order of the parts */
	size_t nsum;
	char plan[65];            /* SHA-256 (hex) of the events: ids, kinds, amounts */
	struct impact im;         /* what the events were made of */
};

/* impact_apply: the impact of ref on s, its proposal as events dated
 * `date` by actor, and unless dry_run those events recorded in the ledger
 * as one batch, all or nothing; read and recorded in one transaction
 * (retried when the database could not serialise it), so the proposal
 * recorded is the one computed.  With want_plan (not NULL) the plan must
 * still be that digest: else BD_CONFLICT ("the proposal has changed")
 * and nothing is recorded.  The one way the command line (datasets impact
 * --apply) and the web (POST /api/dataset/impact/apply) carry a proposal
 * out.  A refused event: err says which (*failed_at when not NULL). */
int impact_apply(struct store *s, const char *ref, const char *date, const char *actor, bool dry_run,
		 const char *want_plan, struct impact_applied *out, struct bd_error *err);
void impact_applied_release(struct impact_applied *a);
/* impact_applied_to_json: the summary and the events (with their outcome
 * once recorded). */
json_t *impact_applied_to_json(const struct impact_applied *a);

/* impact_proposal_text: a row's proposal in a few words (malloc'd). */
char *impact_proposal_text(const struct keyimpact_proposal *q);
/* impact_to_json: the impact as bidrag datasets impact --format json and
 * GET /api/dataset/impact give it: kronor for the allocations, öre
 * (*_ore) for the account. */
json_t *impact_to_json(const struct impact *im);

/* The id prefix of every event impact_events makes. */
#define IMPACT_ID_PREFIX "impact-"

#endif
