/* bench.h: what every benchmark program shares. A deterministic PRNG (splitmix64, so no
 * program depends on libc's rand), the work scale (argv[1], a percentage of the standard
 * size: 100 by default; the checksums recorded in expected.json are for 100) and the
 * checksum line every program ends with. Header-only: each program is one .c file. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static inline void rng_seed(uint64_t s) { rng_state = s; }

static inline uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0; the tiny modulo bias does not matter here). */
static inline uint32_t rng_below(uint32_t n) { return (uint32_t)(rng_next() % n); }

/* Uniform in [0, 1). */
static inline double rng_unit(void) { return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0); }

/* Folds a value into a running checksum (order-sensitive). */
static inline uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDull;
}

/* The work scale in percent of the standard size, from argv[1]. */
static int bench_scale(int argc, char **argv) {
    int s = argc > 1 ? atoi(argv[1]) : 100;
    return s > 0 ? s : 100;
}

/* n scaled by the percentage, at least 1. (64-bit arithmetic: long is 32 bits on wasm32.) */
static inline long scaled(long n, int scale) {
    long r = (long)((long long)n * scale / 100);
    return r > 0 ? r : 1;
}

static void print_checksum(uint64_t h) { printf("checksum: %016llx\n", (unsigned long long)h); }
#endif
