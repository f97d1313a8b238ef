/* engine-payee.h: what an engine provides for payees' accounts
 * (0007-payee-account.sql): the primitives behind struct store_ops's
 * `payee`.  The rules (who a payee is, what is a change, four eyes, which
 * account a payment goes to) are in payee.c; an engine only stores and finds.
 * Return values as in engine.h: 0, 1 for "none" where said, -1 with err.
 * Strings handed to a callback are valid during the callback. */
#ifndef BIDRAG_ENGINE_PAYEE_H
#define BIDRAG_ENGINE_PAYEE_H

#include "engine.h"

/* A version of a payee's account (payee_account). */
struct engine_payee_account {
	int64_t id, org_id;
	const char *org, *org_name, *orgnr; /* the organisation's code, name, orgnr (scans and current) */
	int version;
	const char *bankgiro, *plusgiro, *iban, *bic, *reference;
	const char *since;      /* YYYY-MM-DD */
	const char *how;        /* "import", "change", "reference" */
	const char *changed_on; /* NULL: the account was never changed */
	int64_t change;         /* 0: none */
	const char *by, *source, *recorded;
	int pending; /* payee_account_scan of all payees: its changes not yet decided */
};
typedef int (*engine_payee_account_fn)(void *ctx, const struct engine_payee_account *a);

/* A proposed change of a payee's account (payee_change). */
struct engine_payee_change {
	int64_t id, org_id;
	const char *org, *org_name, *orgnr; /* scans and get */
	const char *bankgiro, *plusgiro, *iban, *bic, *reference;
	const char *evidence;         /* the text, or the file's name */
	const char *evidence_sha256;  /* of the file; NULL for a text */
	const char *evidence_file;    /* payee_change_add: the file's bytes (NULL: none) */
	size_t evidence_len;
	const char *state, *proposed_by, *proposed_on, *decided_by, *decided_on, *source, *recorded;
};
typedef int (*engine_payee_change_fn)(void *ctx, const struct engine_payee_change *c);

/* The account a batch paid a payment to (pay_batch_account). */
struct engine_batch_account {
	const char *payment, *batch, *name, *orgnr, *bankgiro, *plusgiro, *iban, *bic, *reference;
	int64_t account_id; /* the payee_account version; 0: an account from before the payee register */
};
typedef int (*engine_batch_account_fn)(void *ctx, const struct engine_batch_account *a);

typedef int (*engine_org_fn)(void *ctx, int64_t id, const char *code, const char *name);
typedef int (*engine_legacy_fn)(void *ctx, const char *bankgiro, const char *plusgiro);

struct store_payee_ops {
	/* payee_orgs: the organisations of an account's candidate payees
	 * (enum PAYEE_OF_ROW, PAYEE_OF_PART, PAYEE_RECIPIENT of engine.h), 0
	 * where there is none; BD_NOT_FOUND if there is no such account. */
	int (*payee_orgs)(struct store *s, int64_t part_id, int64_t org_id, int64_t ids[PAYEE_CANDIDATES],
			  struct bd_error *err);
	/* orgs_by_orgnr: every organisation with that orgnr, by code. */
	int (*orgs_by_orgnr)(struct store *s, const char *orgnr, engine_org_fn fn, void *ctx, struct bd_error *err);
	/* legacy_accounts: the accounts an organisation was given before the
	 * payee register: its own (org set), and those of the decisions' payee
	 * rows naming it. */
	int (*legacy_accounts)(struct store *s, int64_t org_id, engine_legacy_fn fn, void *ctx, struct bd_error *err);
	/* account_current: the latest version of an organisation's account; 1
	 * if it has none. */
	int (*account_current)(struct store *s, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			       struct bd_error *err);
	/* account_add: a new version (a->id, org, pending, recorded ignored);
	 * 1 if the version is taken. */
	int (*account_add)(struct store *s, const struct engine_payee_account *a, int64_t *id, struct bd_error *err);
	/* account_scan: org_id 0: the latest version of every payee's account,
	 * with pending, by code; else every version of one, oldest first. */
	int (*account_scan)(struct store *s, int64_t org_id, engine_payee_account_fn fn, void *ctx,
			    struct bd_error *err);
	/* change_add: a proposed change (id, org, state and decisions ignored);
	 * 1 if the organisation has an open one already. */
	int (*change_add)(struct store *s, const struct engine_payee_change *c, int64_t *id, struct bd_error *err);
	/* change_get: 1 if there is no such change. */
	int (*change_get)(struct store *s, int64_t id, engine_payee_change_fn fn, void *ctx, struct bd_error *err);
	/* change_evidence: the file a change was proposed with: its name and
	 * bytes (both malloc'd, *data NUL-terminated past *len); 1 if there is
	 * no such change or it was proposed with a text. */
	int (*change_evidence)(struct store *s, int64_t id, char **name, char **data, size_t *len,
			       struct bd_error *err);
	/* change_decide: a proposed change becomes state ("approved",
	 * "rejected"); 1 if it is not proposed (any more). */
	int (*change_decide)(struct store *s, int64_t id, const char *state, const char *by, const char *on,
			     struct bd_error *err);
	/* change_scan: the changes of org_id (0: all), the open ones only when
	 * open_only, by id. */
	int (*change_scan)(struct store *s, int64_t org_id, bool open_only, engine_payee_change_fn fn, void *ctx,
			   struct bd_error *err);
	/* batch_account_put: 1 if the payment has one already. */
	int (*batch_account_put)(struct store *s, const struct engine_batch_account *a, struct bd_error *err);
	/* batch_account_get: 1 if the payment has none. */
	int (*batch_account_get)(struct store *s, const char *payment, engine_batch_account_fn fn, void *ctx,
				 struct bd_error *err);
};

extern const struct store_payee_ops store_sqlite_payee_ops, store_pg_payee_ops;

/* payee.c: the payee of an account now (ledger.c's account_payee and the
 * queue): payee_resolve in store-payee.h's terms. */
struct payee_now;
int payee_resolve(struct store *s, int64_t part_id, int64_t org_id, struct payee_now *out, struct bd_error *err);

/* payee_org_account_check: refused (BD_INVALID) when the organisation of
 * code has its account in the payee register, where an account set on the
 * organisation itself ('org set --bankgiro', store_org_set) would change
 * nothing a payment goes to; 0 otherwise (no such organisation included). */
int payee_org_account_check(struct store *s, const char *code, struct bd_error *err);

#endif
