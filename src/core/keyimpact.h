/* keyimpact.h: what a corrected key dataset changes for a decision part
 * that was allocated by an earlier version of it, and what to do about the
 * money.  Pure logic: the caller (app/impact.c) reads the register.
 *
 * A part's allocation is recomputed by its own rule (largest remainder over
 * the part's amount, its base and rounding unit, its keys weighted) twice,
 * exactly: with the key values it was allocated by, and with the corrected
 * version in place of the earlier one.  What the correction changes is the
 * difference, added to the allocation as locked (for a table computed by
 * the register the locked row is the first result; a published table keeps
 * its own rounding).
 *
 * The proposal, per recipient, from its account in the ledger (öre): the
 * account's allocation is brought to the corrected one.  An allocation that
 * grows is raised (allocation-raise) and, when the part's payments have
 * started and it is paid without requisition, the rise is paid at once (a
 * payment registered, to be attested by a second person as every payment);
 * otherwise it is paid with the part's payments or on requisition.  One that
 * shrinks is reduced by what is unpaid (allocation-reduce: available first,
 * then requisitioned), and what was paid beyond the corrected allocation is
 * claimed back (repay-claim: paid - now, at most what was paid).  Money in
 * payments not yet executed beyond the corrected allocation is named in a
 * note for the officer (withdraw and plan again), never moved silently. */
#ifndef BIDRAG_KEYIMPACT_H
#define BIDRAG_KEYIMPACT_H

#include <stdint.h>

#include "decision.h"
#include "ledger.h"
#include "util.h"

/* keyimpact_recompute: part p's allocation by its rule with keys[k] the
 * values of its rule's key k, in the order of p->codes (amount has
 * p->ncodes entries).  A key without a value for a recipient of the part,
 * or a rule the values cannot carry (all zero), fails naming it. */
int keyimpact_recompute(const struct part *p, const struct key_values *const *keys, int64_t *amount,
			struct bd_error *err);

/* The proposal for one account (öre). */
struct keyimpact_proposal {
	int64_t target;         /* the allocation it is brought to: now, in öre */
	int64_t raise;          /* allocation-raise */
	int64_t reduce_avail;   /* allocation-reduce from avail */
	int64_t reduce_req;     /* allocation-reduce from requisitioned (after avail) */
	int64_t pay;            /* a payment registered now */
	int64_t claim;          /* repay-claim */
	int64_t excess_pending; /* in payments not executed, beyond the corrected allocation */
	bool lapsed;            /* the right has lapsed: nothing proposed */
	bool later;             /* a rise paid with the part's payments or on requisition */
};

/* keyimpact_propose: for an account locked at then_kr kronor whose
 * allocation by the corrected key is now_kr, in state b under terms mode;
 * applied (öre, signed) is what earlier corrections carried out on it
 * changed (raised, less reduced and claimed back), so that a proposal
 * carried out proposes nothing the next time. */
void keyimpact_propose(int64_t then_kr, int64_t now_kr, int64_t applied, const struct ledger_balance *b,
		       enum payment_mode mode, struct keyimpact_proposal *out);

/* keyimpact_empty: the proposal moves nothing. */
bool keyimpact_empty(const struct keyimpact_proposal *p);

#endif
