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

/* impact_proposal_text: a row's proposal in a few words (malloc'd). */
char *impact_proposal_text(const struct keyimpact_proposal *q);
/* impact_to_json: the impact as bidrag datasets impact --format json and
 * GET /api/dataset/impact give it: kronor for the allocations, öre
 * (*_ore) for the account. */
json_t *impact_to_json(const struct impact *im);

/* The id prefix of every event impact_events makes. */
#define IMPACT_ID_PREFIX "impact-"

#endif
