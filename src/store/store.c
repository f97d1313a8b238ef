/* store.c: dispatch to the backend.  The backend is chosen by the path:
 * SQLite for a file; a PostgreSQL backend will take "postgresql://" URIs. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

const char *store_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("BIDRAG_DB");
	if (env && *env)
		return env;
	return "bidrag.db";
}

int store_open(struct store **out, const char *path, enum store_open_mode mode, struct bd_error *err)
{
	if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
		return bd_fail(err, "'%s': this build has no PostgreSQL backend yet (use a SQLite file)", path);
	return store_sqlite_ops.open(out, path, mode, err);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void store_schema_info(struct store *s, int *version, int *applied)
{
	s->ops->schema_info(s, version, applied);
}

int store_begin(struct store *s, struct bd_error *err) { return s->ops->begin(s, err); }
int store_commit(struct store *s, struct bd_error *err) { return s->ops->commit(s, err); }
void store_rollback(struct store *s) { s->ops->rollback(s); }

int store_seed_reference(struct store *s, int *added, struct bd_error *err)
{
	return s->ops->seed_reference(s, added, err);
}

int store_org_list(struct store *s, const char *kind, org_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->org_list(s, kind, fn, ctx, err);
}

int store_org_get(struct store *s, const char *text, org_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->org_get(s, text, fn, ctx, err);
}

int store_org_add(struct store *s, const struct org *o, struct bd_error *err)
{
	return s->ops->org_add(s, o, err);
}

int store_org_set(struct store *s, const char *code, const struct org *o, struct bd_error *err)
{
	return s->ops->org_set(s, code, o, err);
}

int store_org_groups(struct store *s, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->org_groups(s, code, fn, ctx, err);
}

int store_dataset_register(struct store *s, const struct dataset_in *in, int *version, char *sha256, bool *is_new,
			   struct bd_error *err)
{
	return s->ops->dataset_register(s, in, version, sha256, is_new, err);
}

int store_dataset_values(struct store *s, const char *name, int version, struct strpool *pool,
			 struct key_values *out, struct bd_error *err)
{
	return s->ops->dataset_values(s, name, version, pool, out, err);
}

int store_dataset_uses(struct store *s, const char *name, dataset_use_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->dataset_uses(s, name, fn, ctx, err);
}

int store_decision_document(struct store *s, const char *dnr, char **document, char **sha256, struct bd_error *err)
{
	return s->ops->decision_document(s, dnr, document, sha256, err);
}

int store_decision_insert(struct store *s, const struct decision *d, const char *document, struct bd_error *err)
{
	return s->ops->decision_insert(s, d, document, err);
}

int store_decision_list(struct store *s, int year, decision_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->decision_list(s, year, fn, ctx, err);
}

int store_part_locks(struct store *s, const char *dnr, part_lock_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->part_locks(s, dnr, fn, ctx, err);
}

int store_appropriation_list(struct store *s, int year, appropriation_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->appropriation_list(s, year, fn, ctx, err);
}

int store_appropriation_put(struct store *s, const struct appropriation *a, struct bd_error *err)
{
	return s->ops->appropriation_put(s, a, err);
}

int store_ledger_record(struct store *s, const struct ledger_input *ev, size_t n, enum ledger_outcome *out,
			size_t *failed_at, struct bd_error *err)
{
	return s->ops->ledger_record(s, ev, n, out, failed_at, err);
}

int store_ledger_accounts(struct store *s, const char *dnr, const char *part, const char *recipient,
			  const char *as_of, ledger_account_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->ledger_accounts(s, dnr, part, recipient, as_of, fn, ctx, err);
}

int store_payments(struct store *s, const char *state, const char *batch, payment_fn fn, void *ctx,
		   struct bd_error *err)
{
	return s->ops->payments(s, state, batch, fn, ctx, err);
}

int store_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		     struct bd_error *err)
{
	return s->ops->batch_file(s, batch, format, data, len, err);
}

int store_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
			 const char *data, size_t len, struct bd_error *err)
{
	return s->ops->batch_file_put(s, batch, format, payments, total, data, len, err);
}

int store_ledger_verify(struct store *s, problem_fn fn, void *ctx, long *events, long *accounts, int *problems,
			struct bd_error *err)
{
	return s->ops->ledger_verify(s, fn, ctx, events, accounts, problems, err);
}

int store_ledger_events(struct store *s, const char *dnr, ledger_row_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->ledger_events(s, dnr, fn, ctx, err);
}

int store_ledger_refs(struct store *s, const char *ref_id, const char *kind, int *total, int *corrected,
		      struct bd_error *err)
{
	return s->ops->ledger_refs(s, ref_id, kind, total, corrected, err);
}

void ledger_input_digest(const struct ledger_input *e, bool identity_only, char out[65])
{
	/* One buffer, one BLAKE2b-256: fast on the recording path, and as
	 * collision-resistant as SHA-256.  Absent fields are marked apart from
	 * empty ones. */
	const char *all[] = {e->dnr, e->part, e->recipient, e->ref, e->date, e->batch,
			     e->actor, e->signed_by, e->override, e->reason};
	size_t nf = identity_only ? 6 : BD_ARRAY_LEN(all);
	char stack[1024];
	size_t need = 64;
	for (size_t i = 0; i < nf; i++)
		need += (all[i] ? strlen(all[i]) : 0) + 1;
	char *p = need > sizeof(stack) ? xmalloc(need) : stack;
	size_t len = (size_t)snprintf(p, 64, "%d\x1f%" PRId64 "\x1f%d\x1f", e->kind, e->amount,
				      identity_only ? 0 : e->received_given);
	for (size_t i = 0; i < nf; i++) {
		if (all[i]) {
			size_t l = strlen(all[i]);
			memcpy(p + len, all[i], l);
			len += l;
		}
		p[len++] = all[i] ? '\x1f' : '\x1e';
	}
	unsigned char d[32];
	crypto_generichash(d, sizeof(d), (const unsigned char *)p, len, NULL, 0);
	sodium_bin2hex(out, 65, d, sizeof(d));
	if (p != stack)
		free(p);
}

int store_recipient_put(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
			struct bd_error *err)
{
	return s->ops->recipient_put(s, in, version, unchanged, err);
}

int store_recipient_get(struct store *s, const char *org, int year, int version, char **document, int *version_out,
			struct bd_error *err)
{
	return s->ops->recipient_get(s, org, year, version, document, version_out, err);
}

int store_recipient_list(struct store *s, const char *org, bool all, recipient_version_fn fn, void *ctx,
			 struct bd_error *err)
{
	return s->ops->recipient_list(s, org, all, fn, ctx, err);
}

int store_decision_link(struct store *s, const char *dnr, const char *org, struct decision_link *out,
			struct bd_error *err)
{
	return s->ops->decision_link(s, dnr, org, out, err);
}
