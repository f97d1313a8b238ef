/* store-payee.h: payees' accounts as master data, changed under four eyes,
 * and the account each payment goes to (payee.c).
 *
 * A payee is an organisation of the register; its account (a bankgiro, a
 * plusgiro or an IBAN with its BIC: core's payee.h) is kept in versions.
 * Registering a payee's first account is one person's act (payee import).
 * Changing it is two persons': one proposes the new account with the
 * evidence (the payee's signed letter), another approves it (never the
 * proposer); until then payments go to the old account.  An import whose
 * account differs from the one a payee has does not change it: it proposes
 * the change.  Every act is in the audit log.
 *
 * The account a payment goes to is its payee's: the payee named by its
 * allocation row, else by its part, else the recipient itself; the payee's
 * account in the payee register, else (a payee not yet registered) the
 * account the decision gives the payee, else the organisation's own ('org
 * set').  A payment is registered with the account it has then, and exported
 * to the account approved at export time; the batch keeps which. */
#ifndef BIDRAG_STORE_PAYEE_H
#define BIDRAG_STORE_PAYEE_H

#include "payee.h"
#include "store.h"

/* A version of a payee's account. */
struct payee_version {
	const char *org, *org_name, *orgnr; /* the payee's organisation */
	int version;
	struct payee_account account;
	const char *reference;  /* NULL: none */
	const char *since;      /* the day it took effect */
	const char *how;        /* "import" (the first), "change" (an approved change), "reference" (a new reference) */
	const char *changed_on; /* the day the account last took effect by an approved change; NULL: never */
	int64_t change;         /* with "change": the change approved */
	const char *by;         /* who imported or approved it */
	const char *source;     /* the file and row it came from, or "change N" */
	const char *recorded;   /* when (UTC) */
	int pending;            /* store_payee_list: changes proposed and not yet decided */
};
typedef int (*payee_version_fn)(void *ctx, const struct payee_version *v);

/* A proposed change of a payee's account. */
struct payee_change {
	int64_t id;
	const char *org, *org_name, *orgnr;
	struct payee_account account; /* the account proposed */
	const char *reference;        /* NULL: keep the payee's */
	const char *evidence;         /* the text given, or the file's name */
	const char *evidence_sha256;  /* a file's SHA-256 (its bytes are kept); NULL for a text */
	const char *state;            /* "proposed", "approved", "rejected" */
	const char *proposed_by, *proposed_on, *decided_by, *decided_on;
	const char *source; /* "payee propose", or the import's file and row */
};
typedef int (*payee_change_fn)(void *ctx, const struct payee_change *c);

/* store_payee_import: the payees of a file (io's payeefile.h), checked, as
 * one act: all or nothing (call inside store_begin/commit).  Each is matched
 * to an organisation by orgnr and name (by orgnr alone when one organisation
 * has it), or added as a payee organisation.  out[i] says what became of
 * v[i].  date is today. */
enum payee_outcome {
	PAYEE_ADDED,     /* its first account, registered */
	PAYEE_UNCHANGED, /* the account and reference it has */
	PAYEE_REFERENCE, /* the same account, a new payment reference */
	PAYEE_PROPOSED,  /* another account than it has: a change is proposed, for another person to approve */
	PAYEE_PENDING,   /* that change is proposed already */
};
struct payee_outcome_row {
	enum payee_outcome outcome;
	char org[64];      /* the organisation's code */
	bool org_added;    /* a new payee organisation */
	int64_t change;    /* PAYEE_PROPOSED, PAYEE_PENDING */
	char was[128];     /* PAYEE_PROPOSED: the account it keeps until the change is approved */
};
int store_payee_import(struct store *s, const char *source, const char *sha256, const struct payee_entry *v,
		       size_t n, const char *date, struct payee_outcome_row *out, struct bd_error *err);

/* The evidence of a change: a text, or a file's name and bytes. */
struct payee_evidence {
	const char *text;
	const char *file_name;
	const char *data;
	size_t len;
};
/* store_payee_propose: a change of org's (code, name or orgnr) account to a,
 * by the store's actor, dated date; reference NULL keeps the payee's.  1 if
 * there is no such organisation.  Refused (BD_INVALID) when a is its
 * account already, or a change of it is proposed already. */
int store_payee_propose(struct store *s, const char *org, const struct payee_account *a, const char *reference,
			const struct payee_evidence *ev, const char *date, int64_t *id, struct bd_error *err);
/* store_payee_approve: the change takes effect, approved by the store's
 * actor, who must not be its proposer.  1 if there is no such change. */
int store_payee_approve(struct store *s, int64_t id, const char *date, struct bd_error *err);
/* store_payee_reject: the change is dropped.  1 if there is no such change. */
int store_payee_reject(struct store *s, int64_t id, const char *date, struct bd_error *err);

/* store_payee_evidence: the file change id was proposed with (the payee's
 * signed letter): its name and bytes, malloc'd (*data NUL-terminated past
 * *len).  1 if there is no such change, or it was proposed with a text. */
int store_payee_evidence(struct store *s, int64_t id, char **name, char **data, size_t *len, struct bd_error *err);

/* store_payee_list: every registered payee's account now, by code. */
int store_payee_list(struct store *s, payee_version_fn fn, void *ctx, struct bd_error *err);
/* store_payee_changes: the changes proposed (open_only: not yet decided). */
int store_payee_changes(struct store *s, bool open_only, payee_change_fn fn, void *ctx, struct bd_error *err);
/* store_payee_change: change id as it stands; 1 if there is no such change. */
int store_payee_change(struct store *s, int64_t id, payee_change_fn fn, void *ctx, struct bd_error *err);
/* store_payee_history: one payee's versions, oldest first, then its changes;
 * 1 if there is no such organisation.  *code gets its code (64 bytes). */
int store_payee_history(struct store *s, const char *org, char *code, payee_version_fn fn, payee_change_fn cfn,
			void *ctx, struct bd_error *err);

/* The account an allocation row's payments go to now. */
struct payee_now {
	char org[64];                 /* the payee's organisation's code */
	char name[256], orgnr[IDENT_BUFSZ], reference[256];
	struct payee_account account; /* ACCOUNT_NONE: no valid one (problem says why) */
	bool registered;              /* the payee register's (else the decision's or the organisation's own) */
	int64_t account_id;           /* registered: the version */
	char changed[DATE_LEN];       /* the day it took effect by an approved change; "" never */
	char problem[400];
};
/* store_payee_of: the account of part_id's allocation row of recipient (a
 * code); BD_NOT_FOUND if there is none. */
int store_payee_of(struct store *s, int64_t part_id, const char *recipient, struct payee_now *out,
		   struct bd_error *err);

/* store_payment_queue: store_payments with the account each payment goes to:
 * a registered or attested payment its payee's account now (what an export
 * pays), with account_changed and account_recent (payee.h's rule) set; an
 * executed one the account its batch paid. */
int store_payment_queue(struct store *s, enum payment_state state, const char *batch, payment_fn fn, void *ctx,
			struct bd_error *err);
/* store_batch_accounts_put: the accounts a fresh batch pays (rows as
 * store_payment_queue gave them), kept with it. */
int store_batch_accounts_put(struct store *s, const char *batch, const struct payment_row *rows, size_t n,
			     struct bd_error *err);

#endif
