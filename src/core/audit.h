/* audit.h: the tamper-evident audit log.
 *
 * Every change to the register is appended as an entry: its sequence
 * number, when, who, what (action and object) and the object before and
 * after (JSON).  Each entry carries the SHA-256 of the previous entry and
 * its own SHA-256 over all of that, so a changed, removed or reordered
 * entry breaks the chain where it happened.  The head (the last entry's
 * hash) can be kept outside the database: an entry removed from the end is
 * then found too. */
#ifndef BIDRAG_AUDIT_H
#define BIDRAG_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
	int64_t seq;
	const char *at, *actor, *action, *object;
	const char *before, *after; /* JSON, or NULL */
	const char *prev;           /* the previous entry's hash; AUDIT_GENESIS for the first */
	const char *sha256;         /* as stored (ignored by audit_hash) */
};

/* audit_hash: the entry's hash (64 hex digits and a NUL) over every field
 * but sha256, each length-prefixed so no two entries hash alike by moving
 * text between fields. */
void audit_hash(const struct audit_entry *e, char out[65]);

/* Verification, one entry at a time in stored order. */
struct audit_check {
	int64_t n, last_seq;
	char head[65];
	int problems;
};
typedef void (*audit_problem_fn)(void *ctx, int64_t seq, const char *msg);
void audit_check_init(struct audit_check *c);
/* audit_check_entry: checks e against the chain so far; reports what is wrong. */
void audit_check_entry(struct audit_check *c, const struct audit_entry *e, audit_problem_fn fn, void *ctx);

#endif
