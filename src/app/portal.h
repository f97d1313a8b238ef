/* portal.h: the recipient's filing as workflows (docs/portal.md): what an
 * organisation may file for a part, drafting, signing (rendering the PDF,
 * identifying the signer, recording the ledger's event) and the agency's
 * review.  The rules about money are the ledger's (ledger.h): a draft and
 * a signature are checked by applying the event to the account, never by
 * rules of their own.
 *
 * Signing is an interface: a struct portal_signer identifies the signer.
 * This version has one, portal_signer_password, which asks for the user's
 * password again and checks it as the login does; a Swedish e-ID service
 * (BankID's relying-party API, Freja eID) is another signer whose identify
 * starts an order for the user's personnummer and collects its answer (the
 * secret is then the order's reference), and whose name is recorded as the
 * method. */
#ifndef BIDRAG_PORTAL_H
#define BIDRAG_PORTAL_H

#include <jansson.h>

#include "store-portal.h"
#include "store.h"

/* Who signs: identify returns 0 when the person proves to be user, 1 when
 * not (a wrong password, an e-ID order refused or not for that person), 2
 * when too many failed attempts came first (*wait: seconds to wait), -1
 * with err when the check could not be made.  Called outside a
 * transaction: a failed attempt is counted in one of its own (the
 * password's as a login's, by the user name and by source, "addr:..."). */
struct portal_signer {
	const char *method; /* recorded with the signature: "password" */
	const char *words;  /* how the document says it: "lösenord i bidrag" */
	int (*identify)(const struct portal_signer *m, struct store *s, const char *user, const char *secret,
			const char *source, long *wait, struct bd_error *err);
};
extern const struct portal_signer portal_signer_password;

/* What an organisation may file for a part of a decision. */
struct portal_part {
	char dnr[64], part[64], title[512], decision_title[512];
	char mode[32];           /* "requisition", "without-requisition" */
	char deadline[DATE_LEN]; /* the requisition deadline, "" none */
	char report_deadline[DATE_LEN];
	bool lapses;
	int64_t allocated, avail, paid_out; /* öre; paid_out: paid, claimed or repaid */
	bool can_requisition;    /* the ledger would take a requisition of 1 öre today */
	bool activity_asked;     /* the decision asks for activity reports */
};

/* portal_parts: every part allocated to org (a code), as a JSON array of
 * objects (the fields above), as of today. */
int portal_parts(struct store *s, const char *org, const char *today, json_t **out, struct bd_error *err);

/* portal_draft: a new draft for org, checked against the part: an account
 * of org; a requisition the ledger would take today; an activity report
 * only where the decision asks for one.  Refused (BD_INVALID) saying why. */
int portal_draft(struct store *s, const char *org, const struct submission_draft *d, const char *today, int64_t *id,
		 struct bd_error *err);

/* portal_render: submission id as the PDF its signer signs (signed by user
 * on date, by the method's words), malloc'd.  1 if there is none; refused
 * when user is no representative of its organisation that day. */
int portal_render(struct store *s, int64_t id, const char *user, const struct portal_signer *m, const char *date,
		  char **pdf, size_t *len, struct bd_error *err);

/* portal_identify: whether the signer proves to be user by m with secret
 * (m->identify), before the transaction of portal_sign: 0 if so; 1 if not
 * and 2 if too many failed attempts came first (*wait: seconds), both with
 * err BD_INVALID "could not identify ..."; -1 with err when the check could
 * not be made. */
int portal_identify(struct store *s, const struct portal_signer *m, const char *user, const char *secret,
		    const char *source, long *wait, struct bd_error *err);

/* portal_sign: user, identified by portal_identify first, signs submission
 * id on date by m: the PDF rendered, kept with its SHA-256, the signer and
 * the authority; a requisition recorded in the ledger (EV_REQUISITION,
 * signed by user).  Call inside a transaction.  1 if there is none. */
int portal_sign(struct store *s, int64_t id, const struct portal_signer *m, const char *user, const char *date,
		struct bd_error *err);

/* portal_review: the agency accepts submission id (a financial report
 * records the ledger's report event with the unused amount declared) or
 * returns it with note; by is the reviewer.  Call inside a transaction.  1 if there is none. */
int portal_review(struct store *s, int64_t id, const char *by, bool accept, const char *note, const char *date,
		  struct bd_error *err);

/* portal_submission_json: a submission as the API and the command line
 * show it, with "signature": "signerad av X, firmatecknare enligt ..." */
json_t *portal_submission_json(const struct submission *b);
/* portal_signatory_json: a representative, with "valid" for today. */
json_t *portal_signatory_json(const struct signatory *g, const char *today);

/* portal_may_keep_signatories: whether user (role, org) may keep org's list:
 * a handläggare, or a mottagare of org who is its firmatecknare today. */
int portal_may_keep_signatories(struct store *s, const char *user, const char *role, const char *user_org,
				const char *org, const char *today, bool *may, struct bd_error *err);

#endif
