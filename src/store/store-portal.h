/* store-portal.h: the recipient's filing (portal.c): who may sign for an
 * organisation, and the requisitions and reports its users draft, sign and
 * submit, which the agency accepts or returns for completion.
 *
 * An authorised representative (signatory) is a bidrag user of the
 * organisation (role mottagare), a firmatecknare or an ombud, from a first
 * day to a last (or until revoked), by a document that shows the authority
 * (a PDF, kept with its SHA-256).  The agency keeps the list (handläggare);
 * so does the organisation itself, through a user who is a firmatecknare of
 * it valid that day: the organisation's admin is its firmatecknare.
 *
 * A submission is drafted by a user of the organisation and submitted only
 * when signed by a representative valid on the day: the signed document
 * (a PDF the app layer renders), its SHA-256, the signer and the authority
 * are kept with it and in the audit log.  Every act is audited. */
#ifndef BIDRAG_STORE_PORTAL_H
#define BIDRAG_STORE_PORTAL_H

#include "store.h"

#define SIGNATORY_FIRMATECKNARE "firmatecknare"
#define SIGNATORY_OMBUD "ombud"

struct signatory {
	int64_t id;
	const char *org, *org_name, *user, *kind;
	const char *valid_from, *valid_to; /* valid_to NULL: until revoked */
	int64_t evidence_id;
	const char *evidence_name, *evidence_sha256;
	const char *added_by, *added_on, *revoked_by, *revoked_on; /* revoked_by NULL: not revoked */
};
typedef int (*signatory_fn)(void *ctx, const struct signatory *g);

/* signatory_valid: g may sign on date (not revoked, within its validity). */
bool signatory_valid(const struct signatory *g, const char *date);

/* store_signatory_add: user (a mottagare of org, a code) may sign for org
 * as kind from valid_from to valid_to (NULL: until revoked), by the PDF
 * evidence (its name and bytes); added by the store's actor on date.
 * Refused (BD_INVALID) saying what: no such user, not a mottagare of org,
 * a kind other than firmatecknare or ombud, a bad date, a file that is no
 * PDF. */
int store_signatory_add(struct store *s, const char *org, const char *user, const char *kind, const char *valid_from,
			const char *valid_to, const char *evidence_name, const char *data, size_t len, const char *date,
			int64_t *id, struct bd_error *err);
/* store_signatory_revoke: from date; 1 if there is no such signatory not
 * yet revoked. */
int store_signatory_revoke(struct store *s, int64_t id, const char *date, struct bd_error *err);
/* store_signatories: org's (a code; NULL: every organisation's), revoked
 * ones included. */
int store_signatories(struct store *s, const char *org, signatory_fn fn, void *ctx, struct bd_error *err);
/* store_signatory_get: 1 if there is none. */
int store_signatory_get(struct store *s, int64_t id, signatory_fn fn, void *ctx, struct bd_error *err);
/* store_signatory_of: the representative user is for org on date (a valid
 * firmatecknare before a valid ombud); 1 if user is none on that day. */
int store_signatory_of(struct store *s, const char *org, const char *user, const char *date, signatory_fn fn,
		       void *ctx, struct bd_error *err);

/* store_portal_file: a kept file (an authority's document, a signed PDF, an
 * attachment): its name, SHA-256 and bytes, malloc'd; 1 if there is none. */
int store_portal_file(struct store *s, int64_t id, char **name, char **sha256, char **data, size_t *len,
		      struct bd_error *err);

#define SUBMISSION_REQUISITION "requisition"
#define SUBMISSION_FINANCIAL "financial-report"
#define SUBMISSION_ACTIVITY "activity-report"

/* A submission as it stands. */
struct submission {
	int64_t id;
	const char *org, *org_name, *kind, *dnr, *part;
	bool has_amount, has_unused;
	int64_t amount, unused; /* öre: a requisition's amount, a financial report's used and unused */
	const char *comments;   /* the comments; an activity report's text */
	const char *attachments; /* JSON array of {id, name, sha256} */
	const char *state;      /* "draft", "submitted", "returned", "accepted" */
	const char *drafted_by, *drafted_on;
	const char *signed_by, *signed_on, *sign_method; /* NULL: never signed */
	int64_t signatory_id, doc_id;
	const char *doc_sha256;
	bool late;
	const char *reviewed_by, *reviewed_on, *review_note, *event_id;
	/* The authority it was signed by: kind, validity, document. */
	const char *sig_kind, *sig_from, *sig_to, *sig_evidence, *sig_evidence_sha256;
};
typedef int (*submission_fn)(void *ctx, const struct submission *b);

/* What a user drafts. */
struct submission_draft {
	const char *kind, *dnr, *part;
	bool has_amount, has_unused;
	int64_t amount, unused;
	const char *comments;
};
/* store_submission_add: a draft for org (a code) by the store's actor. */
int store_submission_add(struct store *s, const char *org, const struct submission_draft *d, const char *date,
			 int64_t *id, struct bd_error *err);
/* store_submission_amend: a draft's, or a returned submission's, figures
 * and comments; refused once submitted or accepted.  1 if none. */
int store_submission_amend(struct store *s, int64_t id, const struct submission_draft *d, struct bd_error *err);
/* store_submission_attach: a file (a PDF) attached to a draft or a
 * returned submission; *file its id.  1 if none. */
int store_submission_attach(struct store *s, int64_t id, const char *name, const char *data, size_t len,
			    int64_t *file, struct bd_error *err);
/* The signature the app layer made: the signed document and who. */
struct submission_signature {
	const char *user;      /* the signer (authenticated by method) */
	const char *method;    /* "password", an e-ID service's name */
	const char *date;      /* the day signed */
	const char *doc_name;  /* the PDF's name */
	const char *doc;       /* its bytes */
	size_t doc_len;
	bool late;             /* after the part's deadline */
	const char *event_id;  /* the ledger event recorded with it (a requisition), or NULL */
};
/* store_submission_sign: a draft or a returned submission becomes
 * submitted, signed by sg->user, who must be a representative of its
 * organisation valid on sg->date.  1 if none. */
int store_submission_sign(struct store *s, int64_t id, const struct submission_signature *sg,
			  struct bd_error *err);
/* store_submission_review: a submitted one is accepted (accept) or
 * returned with note (required), by the store's actor on date; event_id the
 * ledger event recorded with an acceptance (a financial report), or NULL.
 * 1 if none. */
int store_submission_review(struct store *s, int64_t id, bool accept, const char *note, const char *date,
			    const char *event_id, struct bd_error *err);
/* store_submissions: org's (a code; NULL: all) in state (NULL: any). */
int store_submissions(struct store *s, const char *org, const char *state, submission_fn fn, void *ctx,
		      struct bd_error *err);
/* store_submission_get: 1 if there is none. */
int store_submission_get(struct store *s, int64_t id, submission_fn fn, void *ctx, struct bd_error *err);

#endif
