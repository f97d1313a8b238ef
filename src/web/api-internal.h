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
