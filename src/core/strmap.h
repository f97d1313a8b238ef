/* strmap.h: a string -> index map (open addressing).  Keys are not copied:
 * they must outlive the map.  Sized once for the expected count. */
#ifndef BIDRAG_STRMAP_H
#define BIDRAG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	size_t mask;
	uint32_t *slot;          /* index + 1; 0 = empty */
	const char *const *keys; /* keys[index] */
};

/* strmap_init: for up to n keys, looked up in keys[]. */
void strmap_init(struct strmap *m, size_t n, const char *const *keys);
void strmap_release(struct strmap *m);
/* strmap_put: add index i (keys[i]); returns false, with *existing set,
 * when an equal key is already there. */
bool strmap_put(struct strmap *m, uint32_t i, uint32_t *existing);
/* strmap_get: index of key, or -1. */
int64_t strmap_get(const struct strmap *m, const char *key);

#endif
