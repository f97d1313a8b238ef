/* store.c: dispatch to the engine, and the audit entry of every change.
 * The engine is chosen by the path: a "postgresql://" or "postgres://" URI
 * is PostgreSQL's, anything else a SQLite file (engines[] below).  The
 * ledger's rules are in ledger.c. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "audit.h"
#include "engine.h"
#include "engine-payee.h"
#include "ledger-internal.h"
#include "decision.h"
#include "ident.h"
#include "ledger.h"
#include "refdata.h"

const char *store_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("BIDRAG_DB");
	if (env && *env)
		return env;
	return "bidrag.db";
}

extern const struct store_ops store_pg_ops;

/* The engines, chosen by the scheme of --db or BIDRAG_DB; anything else is
 * the path of a SQLite file. */
static const struct {
	const char *scheme;
	const struct store_ops *ops;
} engines[] = {
	{"postgresql://", &store_pg_ops},
	{"postgres://", &store_pg_ops},
};

static const struct store_ops *engine_of(const char *path)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(engines); i++)
		if (strncmp(path, engines[i].scheme, strlen(engines[i].scheme)) == 0)
			return engines[i].ops;
	return &store_sqlite_ops;
}

int store_open(struct store **out, const char *path, enum store_open_mode mode, struct bd_error *err)
{
	enum engine_open_fault fault;
	if (engine_of(path)->open(out, path, mode, &fault, err)) {
		/* What to do about it is the same whatever the engine. */
		char what[sizeof(err->msg)];
		snprintf(what, sizeof(what), "%s", err->msg);
		if (fault == OPEN_MISSING)
			snprintf(err->msg, sizeof(err->msg), "%.500s (create it with 'bidrag init --db %.400s', or give --db or "
				 "BIDRAG_DB)", what, path);
		else if (fault == OPEN_UNINITIALISED)
			snprintf(err->msg, sizeof(err->msg), "%.500s (run 'bidrag init --db %.400s')", what, path);
		return -1;
	}
	store_set_actor(*out, NULL);
	return 0;
}

int store_generation(struct store *s, uint64_t *gen, struct bd_error *err)
{
	return s->ops->generation(s, gen, err);
}

void store_set_actor(struct store *s, const char *actor)
{
	snprintf(s->actor, sizeof(s->actor), "%s", actor && *actor ? actor : "unknown");
}

/* The audit log: every change the store makes is appended in the same
 * transaction, by the wrappers below. */

int store_audit_append(struct store *s, const char *action, const char *object, const char *before,
		       const char *after, struct bd_error *err)
{
	return s->ops->audit_append(s, s->actor, action, object, before, after, err);
}

/* audit_json: append an entry whose before/after are JSON values (stolen). */
static int audit_json(struct store *s, const char *action, const char *object, json_t *before, json_t *after,
		      struct bd_error *err)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = store_audit_append(s, action, object, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

static void set_opt(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static int org_to_json(void *ctx, const struct org *o)
{
	json_t *j = json_object();
	set_opt(j, "code", o->code);
	set_opt(j, "name", o->name);
	set_opt(j, "kind", o->kind);
	set_opt(j, "orgnr", o->orgnr);
	set_opt(j, "bankgiro", o->bankgiro);
	set_opt(j, "plusgiro", o->plusgiro);
	set_opt(j, "payment_reference", o->payment_ref);
	*(json_t **)ctx = j;
	return 0;
}

static json_t *org_now(struct store *s, const char *code, struct bd_error *err)
{
	json_t *j = NULL;
	if (s->ops->org_get(s, code, org_to_json, &j, err) < 0)
		return NULL;
	return j ? j : json_null();
}

int store_audit_list(struct store *s, int64_t from, audit_fn fn, void *ctx, struct bd_error *err)
{
	struct audit_filter f = {.seq_from = from};
	return s->ops->audit_list(s, &f, fn, ctx, err);
}

int store_audit_query(struct store *s, const struct audit_filter *f, audit_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->audit_list(s, f, fn, ctx, err);
}

static int audit_user(struct store *s, const char *action, const struct user *u, struct bd_error *err)
{
	return audit_json(s, action, u->name, NULL,
			  json_pack("{s:s, s:s, s:s?, s:s?}", "name", u->name, "role", u->role ? u->role : "", "org", u->org,
				    "os_account", u->os_account),
			  err);
}

int user_name_fold(const char *text, char out[USER_NAME_SIZE], struct bd_error *err)
{
	out[0] = '\0';
	size_t n = text ? strlen(text) : 0;
	if (n > 4 * USER_NAME_SIZE || u8_check((const uint8_t *)text, n))
		return bd_fail(err, "a user name must be UTF-8 text of at most 64 characters");
	size_t len = 0;
	uint8_t *nfc = n ? u8_normalize(UNINORM_NFC, (const uint8_t *)text, n, NULL, &len) : NULL;
	if (n && !nfc)
		return bd_fail(err, "the user name could not be normalised (NFC)");
	size_t o = 0, chars = 0;
	bool space = false;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int k = u8_mbtouc(&c, nfc + i, len - i);
		if (uc_is_property_white_space(c)) {
			space = o > 0;
		} else {
			if (space) {
				out[o++] = ' ';
				chars++;
				space = false;
			}
			if (o + (size_t)k >= USER_NAME_SIZE || chars >= 64) {
				free(nfc);
				out[0] = '\0';
				return bd_fail(err, "a user name has at most 64 characters");
			}
			memcpy(out + o, nfc + i, (size_t)k);
			o += (size_t)k;
			chars++;
		}
		i += (size_t)k;
	}
	out[o] = '\0';
	free(nfc);
	return 0;
}

/* p_len_ok: at most 64 bytes, what a session row and the web's login hold. */
static bool p_len_ok(const char *name)
{
	return strlen(name) <= 64;
}

bool user_name_ok(const char *name)
{
	/* The small Swedish (and German, French) letters, composed: what NFC
	 * makes of them, so a decomposed 'å' typed is the same name. */
	static const char *const letters[] = {"\xc3\xa5", "\xc3\xa4", "\xc3\xb6", "\xc3\xa9", "\xc3\xbc"};
	size_t chars = 0;
	for (const char *p = name; *p; chars++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p)) {
			p++;
			continue;
		}
		size_t i = 0;
		while (i < BD_ARRAY_LEN(letters) && strncmp(p, letters[i], 2) != 0)
			i++;
		if (i == BD_ARRAY_LEN(letters))
			return false;
		p += 2;
	}
	return chars >= 1 && p_len_ok(name);
}

/* user_take_name: the user's name into ctx (USER_NAME_SIZE), if ctx. */
static int user_take_name(void *ctx, const struct user *u)
{
	if (ctx)
		snprintf(ctx, USER_NAME_SIZE, "%s", u->name);
	return 0;
}

/* fold_name: name as stored into out; -1 with err if it cannot be a name. */
static int fold_name(const char *name, char out[USER_NAME_SIZE], struct bd_error *err)
{
	if (user_name_fold(name, out, err))
		return -1;
	if (!user_name_ok(out))
		return bd_fail(err, "user name '%s': expected 1 to 64 of a-z, 0-9, '.', '-', '_', å, ä, ö, é and ü "
			       "(small letters, no spaces)", out);
	return 0;
}

int store_user_add(struct store *s, const struct user *u, struct bd_error *err)
{
	char name[USER_NAME_SIZE];
	if (fold_name(u->name, name, err))
		return -1;
	struct user f = *u;
	f.name = name;
	if (f.os_account && !*f.os_account)
		f.os_account = NULL;
	if (f.os_account) {
		int other = s->ops->user_by_os(s, f.os_account, user_take_name, NULL, err);
		if (other < 0)
			return -1;
		if (other == 0)
			return bd_failc(err, BD_CONFLICT, "the OS account '%s' is another user's already (see 'bidrag user list')",
					f.os_account);
	}
	int rc = s->ops->user_add(s, &f, err);
	if (rc == 1)
		return bd_failc(err, BD_CONFLICT, "a user named '%s' exists already (see 'bidrag user list')", name);
	return rc || audit_user(s, "user.add", &f, err) ? -1 : 0;
}

int store_user_passwd(struct store *s, const char *name, const char *password_hash, struct bd_error *err)
{
	char n[USER_NAME_SIZE];
	if (user_name_fold(name, n, err))
		return 1;
	int rc = s->ops->user_passwd(s, n, password_hash, err);
	if (rc)
		return rc;
	return audit_json(s, "user.passwd", n, NULL, json_pack("{s:s, s:s}", "name", n, "password", "changed"), err);
}

int store_user_get(struct store *s, const char *name, user_fn fn, void *ctx, struct bd_error *err)
{
	char n[USER_NAME_SIZE];
	if (user_name_fold(name, n, err))
		return 1; /* no user has a name that does not fold */
	return s->ops->user_get(s, n, fn, ctx, err);
}

int store_user_list(struct store *s, user_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->user_list(s, fn, ctx, err);
}

int store_user_by_os(struct store *s, const char *account, user_fn fn, void *ctx, struct bd_error *err)
{
	return account && *account ? s->ops->user_by_os(s, account, fn, ctx, err) : 1;
}

int store_user_map(struct store *s, const char *name, const char *account, struct bd_error *err)
{
	char n[USER_NAME_SIZE], holder[USER_NAME_SIZE] = "";
	if (user_name_fold(name, n, err))
		return 1;
	if (account && !*account)
		account = NULL;
	if (account) {
		int other = s->ops->user_by_os(s, account, user_take_name, holder, err);
		if (other < 0)
			return -1;
		if (other == 0 && strcmp(holder, n) != 0)
			return bd_failc(err, BD_CONFLICT, "the OS account '%s' is %s's already (unmap it first: 'bidrag user map %s "
					"--os-account \"\"')", account, holder, holder);
	}
	int rc = s->ops->user_map(s, n, account, err);
	if (rc)
		return rc;
	return audit_json(s, "user.map", n, NULL, json_pack("{s:s, s:s?}", "name", n, "os_account", account), err);
}

struct org_names {
	char *code, *name;
};

static int take_names(void *ctx, const struct org *o)
{
	struct org_names *n = ctx;
	bd_strf(n->code, 64, "%s", o->code);
	if (n->name)
		bd_strf(n->name, 256, "%s", o->name);
	return 0;
}

int store_org_find(struct store *s, const char *text, char *code, char *name, struct bd_error *err)
{
	struct org_names n = {code, name};
	char orgnr[32];
	struct bd_error e2;
	const char *t = ident_normalise(IDENT_ORGNR, text, orgnr, sizeof(orgnr), &e2) == 0 ? orgnr : text;
	int rc = store_org_get(s, t, take_names, &n, err);
	if (rc != 1)
		return rc;
	const struct recipient *r;
	if (refdata_resolve(text, RK_ALL, &r, &e2) != 0) { /* its message suggests the names it knows */
		*err = e2;
		return 1;
	}
	rc = store_org_get(s, r->code, take_names, &n, err);
	if (rc == 1)
		bd_fail(err, "no organisation '%s' in the register (see 'bidrag org list')", text);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	ledger_cache_free(s);
	session_cache_free(s);
	s->ops->close(s);
}

void store_schema_info(struct store *s, int *version, int *applied)
{
	s->ops->schema_info(s, version, applied);
}

void store_set_actor_resolver(struct store *s, int (*fn)(struct store *s, void *ctx, struct bd_error *err), void *ctx)
{
	s->resolve_actor = fn;
	s->resolve_ctx = ctx;
}

int store_begin(struct store *s, struct bd_error *err)
{
	if (s->resolve_actor && !s->resolving) {
		/* Before the transaction, so that a password is asked for with no
		 * lock held, and a failed login's count (its own transaction,
		 * through this function again) is kept. */
		s->resolving = true;
		int rc = s->resolve_actor(s, s->resolve_ctx, err);
		s->resolving = false;
		if (rc)
			return -1;
		s->resolve_actor = NULL;
	}
	if (s->ops->begin(s, err))
		return -1;
	s->in_tx = true;
	return 0;
}

int store_commit(struct store *s, struct bd_error *err)
{
	if (s->ops->commit(s, err)) {
		ledger_cache_forget(s); /* what it kept was not written */
		return -1;
	}
	s->in_tx = false;
	return 0;
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
	s->in_tx = false;
	ledger_cache_forget(s); /* its balances may hold what was rolled back */
}

/* Retrying a transaction is a rule, the same for every engine, so it lives
 * here and not in an engine: the engine only says BD_BUSY. */
int store_tx_retry(struct store *s, store_tx_fn fn, void *ctx, struct bd_error *err)
{
	enum { TRIES = 8 };
	long pause_us = 10000;
	for (int try = 1;; try++) {
		int rc = store_begin(s, err);
		if (rc == 0) {
			rc = fn(s, ctx, err);
			if (rc == 0 && store_commit(s, err) == 0)
				return 0;
			if (s->in_tx || rc != 0)
				store_rollback(s);
		}
		if (err->code != BD_BUSY)
			return rc ? rc : -1;
		if (try == TRIES) {
			bd_prefix(err, "still busy after %d tries", TRIES);
			err->code = BD_BUSY;
			return -1;
		}
		/* Jitter, so that two writers that collided do not collide again. */
		long us = pause_us / 2 + (long)randombytes_uniform((uint32_t)(pause_us / 2 + 1));
		struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
		nanosleep(&ts, NULL);
		if (pause_us < 1000000)
			pause_us *= 2;
	}
}

int store_seed_reference(struct store *s, int *added, struct bd_error *err)
{
	if (register_seed(s, added, err))
		return -1;
	return *added ? audit_json(s, "reference.seed", "org", NULL, json_pack("{s:i}", "added", *added), err) : 0;
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
	int added = 0;
	if (s->ops->org_insert(s, o, false, &added, err))
		return -1;
	if (!added)
		return bd_fail(err, "an organisation with the code '%s' is already registered", o->code);
	json_t *after = org_now(s, o->code, err);
	return after ? audit_json(s, "org.add", o->code, NULL, after, err) : -1;
}

int store_org_set(struct store *s, const char *code, const struct org *o, struct bd_error *err)
{
	/* An account of the payee register is changed under four eyes only. */
	if ((o->bankgiro || o->plusgiro) && payee_org_account_check(s, code, err))
		return -1;
	json_t *before = org_now(s, code, err);
	if (!before)
		return -1;
	int rc = s->ops->org_set(s, code, o, err);
	if (rc) {
		json_decref(before);
		return rc;
	}
	ledger_cache_forget(s); /* the payees it keeps may have changed */
	json_t *after = org_now(s, code, err);
	if (!after) {
		json_decref(before);
		return -1;
	}
	return audit_json(s, "org.set", code, before, after, err);
}

int store_org_groups(struct store *s, const char *code, group_fn fn, void *ctx, struct bd_error *err)
{
	return s->ops->org_groups(s, code, fn, ctx, err);
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
	if (register_decision(s, d, document, err))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)document, strlen(document));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return audit_json(s, "decision.register", d->dnr, NULL,
			  json_pack("{s:s, s:s?, s:I, s:s}", "dnr", d->dnr, "title", d->title, "total",
				    (json_int_t)d->total, "document_sha256", hex),
			  err);
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
	if (register_appropriation(s, a, err))
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "%d uo %d %s post %d", a->budget_year, a->uo, a->anslag ? a->anslag : "",
		 a->post);
	json_t *after = json_pack("{s:i, s:i, s:s?, s:i, s:s?}", "budget_year", a->budget_year, "uo", a->uo, "anslag",
				  a->anslag, "post", a->post, "post_name", a->post_name);
	if (after && a->has_available)
		json_object_set_new(after, "available", json_integer(a->available));
	return audit_json(s, "appropriation.set", object, NULL, after, err);
}

int ledger_audit_batch(struct store *s, const struct ledger_input *ev, size_t n, const enum ledger_outcome *out,
		       const unsigned char (*digest)[LEDGER_DIGEST_LEN], struct bd_error *err)
{
	/* One entry per batch: the events are immutable rows of their own; the
	 * entry names them and binds their content by a digest: BLAKE2b-256
	 * over the recorded events' own digests (32 bytes each, as
	 * ledger_event.digest holds them), in order.  (Entries written before
	 * 0016 have "sha256": SHA-256 over the digests in hex.) */
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, crypto_generichash_BYTES);
	json_t *ids = json_array();
	size_t recorded = 0;
	const char *first = NULL, *last = NULL;
	for (size_t i = 0; i < n; i++) {
		if (out[i] != LEDGER_RECORDED)
			continue;
		crypto_generichash_update(&h, digest[i], LEDGER_DIGEST_LEN);
		if (recorded < 100)
			json_array_append_new(ids, json_string(ev[i].id));
		if (!first)
			first = ev[i].id;
		last = ev[i].id;
		recorded++;
	}
	if (!recorded) {
		json_decref(ids);
		return 0;
	}
	unsigned char dg[crypto_generichash_BYTES];
	char hex[2 * crypto_generichash_BYTES + 1];
	crypto_generichash_final(&h, dg, sizeof(dg));
	sodium_bin2hex(hex, sizeof(hex), dg, sizeof(dg));
	json_t *after = json_pack("{s:I, s:s, s:s, s:s}", "events", (json_int_t)recorded, "first", first, "last", last,
				  "blake2b", hex);
	if (recorded <= 100)
		json_object_set_new(after, "ids", ids);
	else
		json_decref(ids);
	return audit_json(s, "ledger.record", ev[0].dnr && recorded == n ? ev[0].dnr : "ledger", NULL, after, err);
}

int store_batch_file(struct store *s, const char *batch, const char *format, char **data, size_t *len,
		     struct bd_error *err)
{
	return s->ops->batch_file(s, batch, format, data, len, err);
}

int store_batch_file_put(struct store *s, const char *batch, const char *format, int payments, int64_t total,
			 const char *data, size_t len, struct bd_error *err)
{
	if (s->ops->batch_file_put(s, batch, format, payments, total, data, len, err))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return audit_json(s, "payment-file.export", batch, NULL,
			  json_pack("{s:s, s:s, s:i, s:I, s:s}", "batch", batch, "format", format, "payments", payments,
				    "total_ore", (json_int_t)total, "sha256", hex),
			  err);
}

int store_recipient_put(struct store *s, const struct recipient_put *in, int *version, bool *unchanged,
			struct bd_error *err)
{
	if (s->ops->recipient_put(s, in, version, unchanged, err))
		return -1;
	if (*unchanged)
		return 0;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65], object[96];
	crypto_hash_sha256(h, (const unsigned char *)in->document, strlen(in->document));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(object, sizeof(object), "%s %d", in->org, in->year);
	return audit_json(s, "recipient-register.import", object, NULL,
			  json_pack("{s:s, s:i, s:i, s:s, s:s?}", "org", in->org, "year", in->year, "version", *version,
				    "sha256", hex, "source", in->source),
			  err);
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
