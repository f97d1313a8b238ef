/* audit.c: hashing and checking the audit log's chain.  See audit.h. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

static void field(crypto_hash_sha256_state *h, const char *s)
{
	/* "N:text\n", N the length, or "-\n" for none. */
	char len[32];
	if (!s) {
		crypto_hash_sha256_update(h, (const unsigned char *)"-\n", 2);
		return;
	}
	size_t n = strlen(s);
	int k = snprintf(len, sizeof(len), "%zu:", n);
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
	crypto_hash_sha256_update(h, (const unsigned char *)s, (unsigned long long)n);
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

void audit_hash(const struct audit_entry *e, char out[65])
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	char seq[32];
	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	field(&h, "bidrag-audit/1");
	field(&h, seq);
	field(&h, e->at);
	field(&h, e->actor);
	field(&h, e->action);
	field(&h, e->object);
	field(&h, e->before);
	field(&h, e->after);
	field(&h, e->prev);
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

void audit_check_init(struct audit_check *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->head, AUDIT_GENESIS);
}

static void problem(struct audit_check *c, audit_problem_fn fn, void *ctx, int64_t seq, const char *msg)
{
	c->problems++;
	if (fn)
		fn(ctx, seq, msg);
}

void audit_check_entry(struct audit_check *c, const struct audit_entry *e, audit_problem_fn fn, void *ctx)
{
	char msg[400];
	if (e->seq != c->last_seq + 1) {
		if (e->seq > c->last_seq + 1)
			snprintf(msg, sizeof(msg), "entries %lld to %lld are missing (removed from the log)",
				 (long long)c->last_seq + 1, (long long)e->seq - 1);
		else
			snprintf(msg, sizeof(msg), "entry %lld comes after entry %lld (the log is out of order)",
				 (long long)e->seq, (long long)c->last_seq);
		problem(c, fn, ctx, e->seq, msg);
	}
	if (!e->prev || strcmp(e->prev, c->head) != 0) {
		snprintf(msg, sizeof(msg),
			 "entry %lld does not follow the entry before it: it names the previous hash %.12s…, "
			 "the log has %.12s… (an entry before it was changed, removed or moved)",
			 (long long)e->seq, e->prev ? e->prev : "(none)", c->head);
		problem(c, fn, ctx, e->seq, msg);
	}
	char h[65];
	audit_hash(e, h);
	if (!e->sha256 || strcmp(h, e->sha256) != 0) {
		snprintf(msg, sizeof(msg),
			 "entry %lld (%s %s by %s at %s) was changed: its content does not match its hash",
			 (long long)e->seq, e->action ? e->action : "?", e->object ? e->object : "?",
			 e->actor ? e->actor : "?", e->at ? e->at : "?");
		problem(c, fn, ctx, e->seq, msg);
	}
	/* Continue the chain from what is stored, so one changed entry is
	 * reported once, not again for every entry after it. */
	snprintf(c->head, sizeof(c->head), "%s", e->sha256 ? e->sha256 : "");
	c->last_seq = e->seq;
	c->n++;
}
