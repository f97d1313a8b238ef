/* util.h: allocation wrappers, the error struct, small string helpers.
 *
 * Allocation wrappers abort on out-of-memory (as tmux's xmalloc does), so
 * callers never check for NULL.  Every subsystem reports failure by returning
 * non-zero and filling a struct bd_error with a message a user can act on:
 * what was wrong, where, and what was expected. */
#ifndef BIDRAG_UTIL_H
#define BIDRAG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>

#define BD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: like xrealloc(p, nmemb * size) but aborts on overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf: a freshly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What kind of failure an error is, so a caller can act on it without
 * reading the message: retry on BD_BUSY, answer 404 on BD_NOT_FOUND, 409 on
 * BD_CONFLICT.  bd_fail sets BD_INVALID (bad input: the usual case). */
enum bd_code {
	BD_OK = 0,
	BD_INVALID,   /* the input breaks a rule; nothing was changed */
	BD_NOT_FOUND, /* what was named does not exist */
	BD_CONFLICT,  /* it clashes with what is stored (an id reused with other content, a changed row) */
	BD_BUSY,      /* the database is busy or the transaction could not be serialised: retry */
	BD_IO,        /* the database or a file failed */
	BD_UNAVAILABLE, /* the database server cannot be reached, refuses the login, has no such
			 * database, or went away during the command: nothing was written */
};

struct bd_error {
	char msg[1024];
	enum bd_code code;
};

/* bd_fail: fill err (if not NULL) and return -1, so callers can write
 * `return bd_fail(err, "unknown region '%s'", name);`. */
int bd_fail(struct bd_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* bd_failc: the same with a code other than BD_INVALID. */
int bd_failc(struct bd_error *err, enum bd_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* bd_prefix: put "prefix: " in front of an existing message. */
void bd_prefix(struct bd_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An arena of strings: many small copies freed in one call. */
struct strpool {
	struct strpool_block *head;
};
void strpool_init(struct strpool *p);
char *strpool_dup(struct strpool *p, const char *s, size_t len);
/* strpool_strdup: a copy of s in the pool; NULL for NULL. */
char *strpool_strdup(struct strpool *p, const char *s);
/* strpool_alloc: size zeroed bytes, 16-byte aligned, freed with the pool. */
void *strpool_alloc(struct strpool *p, size_t size);
void strpool_release(struct strpool *p);

/* A growable byte buffer with a maximum size (curl's dynbuf idea). */
struct buf {
	char *data;
	size_t len, cap, max;
	int failed; /* sticky: set when an append would pass max */
};
void buf_init(struct buf *b, size_t max);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_release(struct buf *b);

/* bd_strf: snprintf for messages and paths, where cutting a long text is
 * acceptable (and the compiler need not warn that it may happen). */
void bd_strf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));


#endif
