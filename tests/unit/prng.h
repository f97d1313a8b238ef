/* prng.h: a fixed-seed PRNG (xorshift64*) for the property tests, so that
 * every run and every machine sees the same "random" inputs. */
#ifndef BIDRAG_PRNG_H
#define BIDRAG_PRNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline void rng_seed(uint64_t s)
{
	rng_state = s ? s : 0x9E3779B97F4A7C15ULL;
}

static inline uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* rng_below: in [0, n), 0 when n is 0; the modulo bias is irrelevant here. */
static inline uint64_t rng_below(uint64_t n)
{
	return n ? rng() % n : 0;
}

#endif
