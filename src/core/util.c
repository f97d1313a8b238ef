#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void oom(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

/* A block of 8 MiB or more (a column of 10^6 rows and up) is advised to
 * the kernel for transparent huge pages, where the system leaves them to
 * madvise (Debian's default): one fault and one TLB entry per 2 MiB instead
 * of per 4 KiB.  The advice covers every page the block touches, so that a
 * block glibc maps on its own stays one mapping with one set of flags,
 * which realloc can still grow in place (mremap refuses a range split in
 * two by advice on part of it).  Measured on `bidrag allocate` of 10^7
 * rows (bench/README.md).  It is advice: a kernel without THP (EINVAL)
 * changes nothing. */
enum { HUGE_MIN = 8u << 20 };

static void *advise_huge(void *p, size_t n)
{
	if (n >= HUGE_MIN) {
		uintptr_t pg = 4096;
		uintptr_t a = (uintptr_t)p & ~(pg - 1);
		uintptr_t e = ((uintptr_t)p + n + pg - 1) & ~(pg - 1);
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
	}
	return p;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return advise_huge(p, n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return advise_huge(p, nmemb * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return advise_huge(q, n);
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;
	if (__builtin_mul_overflow(nmemb, size, &n))
		oom();
	return xrealloc(p, n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

int bd_fail(struct bd_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = BD_INVALID;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int bd_failc(struct bd_error *err, enum bd_code code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

void bd_prefix(struct bd_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char pre[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	char old[sizeof(err->msg)];
	memcpy(old, err->msg, sizeof(old));
	size_t pl = strlen(pre);
	if (pl > sizeof(err->msg) - 3)
		pl = sizeof(err->msg) - 3;
	memcpy(err->msg, pre, pl);
	memcpy(err->msg + pl, ": ", 2);
	size_t room = sizeof(err->msg) - pl - 3, ol = strlen(old);
	if (ol > room)
		ol = room;
	memcpy(err->msg + pl + 2, old, ol);
	err->msg[pl + 2 + ol] = '\0';
}

struct strpool_block {
	struct strpool_block *next;
	size_t used, cap;
	char data[];
};

void strpool_init(struct strpool *p)
{
	p->head = NULL;
}

char *strpool_dup(struct strpool *p, const char *s, size_t len)
{
	struct strpool_block *b = p->head;
	if (!b || b->cap - b->used < len + 1) {
		/* Blocks of 1 MiB, each next one twice the last up to 64 MiB: a
		 * pool of 10^7 ids takes 8 blocks, not 115, and its big blocks
		 * get huge pages (advise_huge). */
		size_t cap = b ? (b->cap < (64u << 20) ? 2 * b->cap : b->cap) : (1u << 20);
		if (cap < len + 1)
			cap = len + 1;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = p->head;
		p->head = b;
	}
	char *d = b->data + b->used;
	memcpy(d, s, len);
	d[len] = '\0';
	b->used += len + 1;
	return d;
}

char *strpool_strdup(struct strpool *p, const char *s)
{
	return s ? strpool_dup(p, s, strlen(s)) : NULL;
}

void *strpool_alloc(struct strpool *p, size_t size)
{
	const uintptr_t align = 16;
	struct strpool_block *b = p->head;
	size_t pad = b ? (size_t)(-(uintptr_t)(b->data + b->used) & (align - 1)) : 0;
	if (!b || b->cap - b->used < pad + size) {
		size_t cap = size + align > (1u << 16) ? size + align : (1u << 16);
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = p->head;
		p->head = b;
		pad = (size_t)(-(uintptr_t)b->data & (align - 1));
	}
	void *d = b->data + b->used + pad;
	memset(d, 0, size);
	b->used += pad + size;
	return d;
}

void strpool_release(struct strpool *p)
{
	struct strpool_block *b = p->head;
	while (b) {
		struct strpool_block *next = b->next;
		free(b);
		b = next;
	}
	p->head = NULL;
}

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->failed = 0;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (n > b->max || b->len > b->max - n) {
		b->failed = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
	} else {
		char *big = xmalloc((size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		buf_add(b, big, (size_t)n);
		free(big);
	}
	va_end(ap2);
}

void buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void bd_strf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}
