/* prefill.h: the recipient register starts from what the ledger knows
 * (docs/recipient-register.md, "Prefilled from the ledger"): an
 * organisation's grants received in a year, from the decisions and payments
 * the ledger holds, merged into the year's latest stored version so that
 * what the recipient wrote itself stays. */
#ifndef BIDRAG_PREFILL_H
#define BIDRAG_PREFILL_H

#include "recipient.h"
#include "store.h"

/* The key of a grant that comes from the ledger begins with this, followed
 * by the decision's dnr and the part, made into a key. */
#define PREFILL_KEY_PREFIX "reskontra-"

struct prefill_result {
	char *document;    /* the year as a canonical bidrag-register/1 document; free() */
	int from_ledger;   /* grants that come from the ledger */
	int added;         /* of those, new to the year */
	int updated;       /* of those, already in it (their ledger fields refreshed) */
	int based_on;      /* the stored version it starts from; 0: none */
};

/* recreg_prefill: org's (a code) year: each account of the ledger for org
 * with a payment executed in the year, or of a decision of that budget year,
 * becomes a grant whose key is PREFILL_KEY_PREFIX + dnr + part: its
 * ledger fields (title, decision, grantor_dnr, amount, status: the decision
 * date, what was paid on which day, claimed back and repaid) are set from
 * the ledger; its own fields (dnr, decided_by, decided_on, label, text,
 * flags, lines, usage, application, section, summary) are the stored
 * version's when the grant is there.  Grants of other keys are kept as
 * they are.  The result is read, computed and checked as an import would. */
int recreg_prefill(struct store *s, const char *org, int year, struct prefill_result *out, struct bd_error *err);
void prefill_result_release(struct prefill_result *r);

/* recreg_ledger_kept: y (the yi-th year of a document read from origin),
 * filed for org by a recipient, keeps the ledger's grants as the latest
 * stored version has them: every grant whose key begins with
 * PREFILL_KEY_PREFIX is one the stored year has, with the same ledger
 * fields (title, decision, grantor_dnr, amount, status), and none of the
 * stored year's is left out.  Those fields are the ledger's, set again at
 * every prefill; the recipient's own are its own.  A refusal (BD_INVALID)
 * names the field as the document's path: "ORIGIN:
 * years[0].grants[2].amount: ...". */
int recreg_ledger_kept(struct store *s, const char *org, const struct rg_year *y, size_t yi, const char *origin,
		       struct bd_error *err);

#endif
