/* engine-portal.h: what an engine provides for the recipient's filing
 * (0013-portal.sql): the primitives behind struct store_ops's `portal`.
 * The rules (who may sign, what may be submitted, reviewed) are in
 * portal.c; an engine only stores and finds.  Return values as in
 * engine.h: 0, 1 for "none" where said, -1 with err.  Strings handed to a
 * callback are valid during the callback. */
#ifndef BIDRAG_ENGINE_PORTAL_H
#define BIDRAG_ENGINE_PORTAL_H

#include "engine.h"

/* An authorised representative (signatory), with its organisation and
 * the name and digest of its evidence. */
struct engine_signatory {
	int64_t id, org_id;
	const char *org, *org_name; /* scans */
	const char *user, *kind, *valid_from, *valid_to;
	int64_t evidence_id;
	const char *evidence_name, *evidence_sha256; /* scans */
	const char *added_by, *added_on, *revoked_by, *revoked_on;
};
typedef int (*engine_signatory_fn)(void *ctx, const struct engine_signatory *g);

/* A submission: a requisition or a report, with its signature. */
struct engine_submission {
	int64_t id, org_id;
	const char *org, *org_name; /* scans */
	const char *kind, *dnr, *part;
	bool has_amount, has_unused;
	int64_t amount, unused;
	const char *comments, *attachments; /* attachments: a JSON array */
	const char *state, *drafted_by, *drafted_on;
	const char *signed_by;
	int64_t signatory_id;
	const char *signed_on, *sign_method;
	int64_t doc_id;
	const char *doc_sha256;
	bool late;
	const char *reviewed_by, *reviewed_on, *review_note, *event_id;
	/* scans: the signatory's kind, validity and evidence */
	const char *sig_kind, *sig_from, *sig_to, *sig_evidence, *sig_evidence_sha256;
};
typedef int (*engine_submission_fn)(void *ctx, const struct engine_submission *b);

struct store_portal_ops {
	/* file_add: a kept file; *id its row. */
	int (*file_add)(struct store *s, const char *name, const char *sha256, const char *data, size_t len,
			const char *by, int64_t *id, struct bd_error *err);
	/* file_get: its name, digest and bytes (all malloc'd; *data
	 * NUL-terminated past *len); 1 if there is none. */
	int (*file_get)(struct store *s, int64_t id, char **name, char **sha256, char **data, size_t *len,
			struct bd_error *err);
	/* signatory_add: g's row (id, names and revocation ignored). */
	int (*signatory_add)(struct store *s, const struct engine_signatory *g, int64_t *id, struct bd_error *err);
	/* signatory_scan: id > 0: that one; else org_id's (0: all), by
	 * organisation, user, id. */
	int (*signatory_scan)(struct store *s, int64_t org_id, int64_t id, engine_signatory_fn fn, void *ctx,
			      struct bd_error *err);
	/* signatory_revoke: 1 if there is none not yet revoked. */
	int (*signatory_revoke)(struct store *s, int64_t id, const char *by, const char *on, struct bd_error *err);
	/* submission_add: b's row (id and names ignored). */
	int (*submission_add)(struct store *s, const struct engine_submission *b, int64_t *id, struct bd_error *err);
	/* submission_put: b's row as it stands now (every column but id,
	 * org_id, kind, dnr, part, drafted_by, drafted_on); 1 if there is none. */
	int (*submission_put)(struct store *s, const struct engine_submission *b, struct bd_error *err);
	/* submission_scan: id > 0: that one; else org_id's (0: all) in state
	 * (NULL: any), by id. */
	int (*submission_scan)(struct store *s, int64_t org_id, int64_t id, const char *state,
			       engine_submission_fn fn, void *ctx, struct bd_error *err);
};

extern const struct store_portal_ops store_sqlite_portal_ops, store_pg_portal_ops;

#endif
