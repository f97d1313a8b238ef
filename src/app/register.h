/* register.h: the decision register's workflows over the storage interface
 * (backend-independent): import a decision, load it back, verify it.
 *
 * Import is all or nothing: the decision is checked, its recipients and key
 * datasets resolved, its allocations computed or checked and locked, and
 * everything written in one transaction; any error leaves the register
 * unchanged. */
#ifndef BIDRAG_REGISTER_H
#define BIDRAG_REGISTER_H

#include "decision.h"
#include "store.h"

enum import_outcome {
	IMPORT_ADDED,     /* registered */
	IMPORT_IDENTICAL, /* already registered with the same content: nothing changed */
};

/* register_import: d as parsed from a decision file. */
int register_import(struct store *s, struct decision *d, struct decision_warnings *w, enum import_outcome *out,
		    struct bd_error *err);

/* register_load: the registered decision dnr into d (initialised), resolved,
 * with its parts' locked fingerprints and key versions.  1 if not found. */
int register_load(struct store *s, const char *dnr, struct decision *d, struct bd_error *err);

/* register_key_values: the values of a key as registered: the version a
 * part of d used, else the latest.  NULL with err filled if unknown. */
const struct key_values *register_key_values(struct store *s, const struct decision *d, const char *name,
					     struct strpool *pool, struct bd_error *err);

/* register_keys: a key_lookup_fn context over the register for one
 * decision (for annex_view_new and decision_book_xlsx): the key versions
 * its parts used.  Release the pool when done. */
struct register_keys {
	struct store *s;
	const struct decision *d;
	struct strpool pool;
};
void register_keys_init(struct register_keys *k, struct store *s, const struct decision *d);
void register_keys_release(struct register_keys *k);
const struct key_values *register_keys_lookup(void *register_keys, const char *name, struct bd_error *err);

/* One finding of register_verify. */
struct verify_finding {
	const char *part; /* NULL for the decision as a whole */
	bool ok;
	char msg[512];
};
typedef void (*verify_fn)(void *ctx, const struct verify_finding *f);

/* register_verify: recompute every part's allocation from the registered key
 * versions, check it against the rule, the locked rows and the stored
 * fingerprint, and the document against its digest.  *problems counts the
 * failures.  Returns -1 only when the check could not run. */
int register_verify(struct store *s, const char *dnr, verify_fn fn, void *ctx, int *problems, struct bd_error *err);

#endif
