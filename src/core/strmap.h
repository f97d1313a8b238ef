/* strmap.h: a string -> index map (open addressing).  Keys are not copied:
 * they must outlive the map.  Sized once for the expected count.  Each slot
 * keeps 32 bits of the key's hash, so a probe compares strings only when
 * the hashes agree. */
#ifndef BIDRAG_STRMAP_H
#define BIDRAG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	size_t mask;
	uint64_t *slot;          /* hash tag << 32 | (index + 1); 0 = empty */
	const char *const *keys; /* keys[index] */
};

/* strmap_init: for up to n keys, looked up in keys[]. */
void strmap_init(struct strmap *m, size_t n, const char *const *keys);
void strmap_release(struct strmap *m);
/* strmap_put: add index i (keys[i]); returns false, with *existing set,
 * when an equal key is already there. */
bool strmap_put(struct strmap *m, uint32_t i, uint32_t *existing);
/* strmap_put_all: add keys[0..n-1] in order, as strmap_put would, but
 * faster on large maps (hashes first, slots prefetched).  Returns false at
 * the first duplicate, with *dup its index and *existing the earlier one. */
bool strmap_put_all(struct strmap *m, size_t n, uint32_t *dup, uint32_t *existing);
/* strmap_get: index of key, or -1. */
int64_t strmap_get(const struct strmap *m, const char *key);

#endif
