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
	while (cap < n + n / 2) /* load at most 2/3 */
		cap *= 2;
	m->mask = cap - 1;
	m->slot = xcalloc(cap, sizeof(uint64_t));
	m->keys = keys;
}

void strmap_release(struct strmap *m)
{
	free(m->slot);
	m->slot = NULL;
}

static bool put_hashed(struct strmap *m, uint32_t i, uint64_t h, uint32_t *existing)
{
	uint64_t tag = h >> 32;
	size_t s = (size_t)h & m->mask;
	while (m->slot[s]) {
		uint32_t j = (uint32_t)m->slot[s] - 1;
		if (m->slot[s] >> 32 == tag && strcmp(m->keys[j], m->keys[i]) == 0) {
			if (existing)
				*existing = j;
			return false;
		}
		s = (s + 1) & m->mask;
	}
	m->slot[s] = tag << 32 | (uint64_t)(i + 1);
	return true;
}

bool strmap_put(struct strmap *m, uint32_t i, uint32_t *existing)
{
	return put_hashed(m, i, hash(m->keys[i]), existing);
}

bool strmap_put_all(struct strmap *m, size_t n, uint32_t *dup, uint32_t *existing)
{
	/* A slot table larger than the caches costs a miss per insert; hashing
	 * ahead lets the slot be fetched while earlier keys are inserted. */
	enum { AHEAD = 16 };
	uint64_t ring[AHEAD];
	for (size_t i = 0; i < n && i < AHEAD; i++) {
		ring[i] = hash(m->keys[i]);
		__builtin_prefetch(&m->slot[(size_t)ring[i] & m->mask], 1);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t h = ring[i % AHEAD];
		if (i + AHEAD < n) {
			uint64_t next = hash(m->keys[i + AHEAD]);
			ring[i % AHEAD] = next;
			__builtin_prefetch(&m->slot[(size_t)next & m->mask], 1);
		}
		if (!put_hashed(m, (uint32_t)i, h, existing)) {
			*dup = (uint32_t)i;
			return false;
		}
	}
	return true;
}

int64_t strmap_get(const struct strmap *m, const char *key)
{
	uint64_t h = hash(key), tag = h >> 32;
	size_t s = (size_t)h & m->mask;
	while (m->slot[s]) {
		uint32_t j = (uint32_t)m->slot[s] - 1;
		if (m->slot[s] >> 32 == tag && strcmp(m->keys[j], key) == 0)
			return j;
		s = (s + 1) & m->mask;
	}
	return -1;
}
