#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

void strmap_init(struct strmap *m, size_t n, const char *const *keys)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	m->mask = cap - 1;
	m->slot = xcalloc(cap, sizeof(uint32_t));
	m->keys = keys;
}

void strmap_release(struct strmap *m)
{
	free(m->slot);
	m->slot = NULL;
}

bool strmap_put(struct strmap *m, uint32_t i, uint32_t *existing)
{
	size_t h = (size_t)hash(m->keys[i]) & m->mask;
	while (m->slot[h]) {
		uint32_t j = m->slot[h] - 1;
		if (strcmp(m->keys[j], m->keys[i]) == 0) {
			if (existing)
				*existing = j;
			return false;
		}
		h = (h + 1) & m->mask;
	}
	m->slot[h] = i + 1;
	return true;
}

int64_t strmap_get(const struct strmap *m, const char *key)
{
	size_t h = (size_t)hash(key) & m->mask;
	while (m->slot[h]) {
		uint32_t j = m->slot[h] - 1;
		if (strcmp(m->keys[j], key) == 0)
			return j;
		h = (h + 1) & m->mask;
	}
	return -1;
}
