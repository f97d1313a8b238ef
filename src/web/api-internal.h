/* api-internal.h: what the API's files share: the handlers the route table
 * (routes.c) names, and the helpers of api-common.c.  The handlers live by
 * job: api-decisions.c, api-ledger.c, api-register.c, api-admin.c,
 * api-payee.c.  Not for
 * use outside src/web. */
#ifndef BIDRAG_API_INTERNAL_H
#define BIDRAG_API_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "web.h"

/* need_arg: the query parameter name, non-empty; else answers 400 and
 * returns -1. */
int need_arg(struct web_req *r, const char *name, const char **out);

/* The routes (routes.c holds the dispatcher and the core table; a file of
 * handlers may keep its own table, ended by a route with a NULL method, that
 * routes.c lists). */

/* A field a JSON body may have; any other is refused by the dispatcher. */
struct body_field {
	const char *name;
	bool string; /* it must be a string */
};

/* A route: who may use it, its handler and the body it takes.  Its scope
 * follows from its roles: on a route open to ROLE_MOTTAGARE, a mottagare is
 * held to its own organisation (r->scope_org); staff see every
 * organisation. */
struct route {
	const char *method, *path;
	unsigned roles; /* 0: no login needed */
	int (*fn)(struct web_req *r);
	/* A JSON object with only these fields (ended by a NULL name): the
	 * dispatcher parses and checks the body and hands it over in r->json.
	 * NULL on a GET, and on a route whose body is a document its reader
	 * checks whole, refusing an unknown field itself (a decision file, an
	 * event batch, a register). */
	const struct body_field *fields;
};

/* A body that is a document, checked whole by its reader. */
#define BODY_DOCUMENT NULL

/* The tables kept beside their handlers: the recipient's side (api-portal.c)
 * and the handläggare's records and reviews (api-officer.c). */
extern const struct route api_portal_routes[];
extern const struct route api_officer_routes[];
/* The recipient's overview: grants, what is due, the calendar (api-recipient.c). */
extern const struct route api_recipient_routes[];
/* The impact of a corrected dataset carried out (api-datasets.c). */
extern const struct route api_datasets_routes[];
/* parse_int_arg: the query parameter name, a whole number from min to max;
 * else answers 400 and returns -1. */
int parse_int_arg(struct web_req *r, const char *name, int min, int max, int *out);

/* send_written: what fn prints to a FILE, as the response body (200), or
 * 500 with fn's error. */
typedef int (*write_fn)(void *ctx, FILE *out, struct bd_error *err);
int send_written(struct web_req *r, const char *type, const char *filename, write_fn fn, void *ctx);
/* send_path: what fn writes to a path (xlsx, pdf, png), through a
 * temporary file, as the response body. */
typedef int (*path_fn)(void *ctx, const char *path, struct bd_error *err);
int send_path(struct web_req *r, const char *type, const char *filename, path_fn fn, void *ctx);

/* in_transaction: run fn(ctx) in one transaction of the store, as the
 * session's user; a failure rolls back and answers status with err (unless
 * fn answered already). */
typedef int (*tx_fn)(struct web_req *r, void *ctx, struct bd_error *err);
int in_transaction(struct web_req *r, tx_fn fn, void *ctx, int status);

/* org_allowed: whether the request may see organisation code: a mottagare
 * only its own (r->scope_org), staff every one. */
bool org_allowed(const struct web_req *r, const char *code);

/* safe_filename: a name for Content-Disposition: anything but letters,
 * digits, '.' and '-' becomes '_' (no quotes, no slashes, no control bytes). */
void safe_filename(char *name);

/* The handlers, one per route (routes.c). */
int h_decisions(struct web_req *r);
int h_decision(struct web_req *r);
int h_annex(struct web_req *r);
int h_decision_import(struct web_req *r);
int h_datasets(struct web_req *r);
int h_dataset(struct web_req *r);
int h_dataset_impact(struct web_req *r);
int h_allocate(struct web_req *r); /* r->json: the route's fields */

int h_status(struct web_req *r);
int h_payments(struct web_req *r);
int h_events(struct web_req *r);
int h_events_post(struct web_req *r);
int h_deadlines(struct web_req *r);
int h_batches_post(struct web_req *r); /* r->json: the route's fields */
int h_batch_file(struct web_req *r);

int h_register(struct web_req *r);
int h_register_report_doc(struct web_req *r);
int h_register_chart(struct web_req *r);
int h_register_post(struct web_req *r);

int h_bank_import(struct web_req *r); /* r->json: the route's fields */
int h_bank_entries(struct web_req *r);
int h_bank_batches(struct web_req *r);
int h_bank_payments(struct web_req *r);
int h_bank_days(struct web_req *r);
int h_bank_match(struct web_req *r);   /* r->json: the route's fields */
int h_bank_approve(struct web_req *r); /* r->json: the route's fields */
int h_bank_reject(struct web_req *r);  /* r->json: the route's fields */
int h_claims(struct web_req *r);
int h_claim_letter(struct web_req *r);

int h_payees(struct web_req *r);
int h_payee(struct web_req *r);
int h_payee_evidence(struct web_req *r);
int h_payees_import(struct web_req *r);  /* r->json: the route's fields */
int h_payee_propose(struct web_req *r);  /* r->json: the route's fields */
int h_payee_approve(struct web_req *r);  /* r->json: the route's fields */
int h_payee_reject(struct web_req *r);   /* r->json: the route's fields */

int h_audit(struct web_req *r);
int h_audit_verify(struct web_req *r);
int h_users(struct web_req *r);
int h_users_post(struct web_req *r); /* r->json: the route's fields */

#endif
