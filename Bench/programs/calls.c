/* calls: recursion and calls. Naive Fibonacci, Ackermann, Takeuchi, mutually recursive
 * even/odd, and a loop of indirect calls through a function-pointer table (wasm
 * call_indirect). noinline keeps the calls real at -O2. Standard size: fib(32),
 * ack(2, n) and ack(3, 7) many times, tak(24, 16, 8), 30 000 000 indirect calls. */
#include "bench.h"

#define NOINLINE __attribute__((noinline))

NOINLINE static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

NOINLINE static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

NOINLINE static int tak(int x, int y, int z) {
    return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

NOINLINE static int is_odd(uint32_t n);
NOINLINE static int is_even(uint32_t n) { return n == 0 ? 1 : is_odd(n - 1); }
NOINLINE static int is_odd(uint32_t n) { return n == 0 ? 0 : is_even(n - 1); }

NOINLINE static uint64_t f_add(uint64_t a, uint64_t b) { return a + b; }
NOINLINE static uint64_t f_xor(uint64_t a, uint64_t b) { return a ^ (b << 1); }
NOINLINE static uint64_t f_mul(uint64_t a, uint64_t b) { return a * (b | 1); }
NOINLINE static uint64_t f_rot(uint64_t a, uint64_t b) { return (a << (b & 63)) | (a >> ((64 - b) & 63)); }
NOINLINE static uint64_t f_sub(uint64_t a, uint64_t b) { return a - b * 3; }
NOINLINE static uint64_t f_mix(uint64_t a, uint64_t b) { return mix(a, b); }
NOINLINE static uint64_t f_min(uint64_t a, uint64_t b) { return a < b ? a + 1 : b ^ a; }
NOINLINE static uint64_t f_shr(uint64_t a, uint64_t b) { return a + (b >> 7); }

typedef uint64_t (*binop)(uint64_t, uint64_t);
static binop table[8] = {f_add, f_xor, f_mul, f_rot, f_sub, f_mix, f_min, f_shr};

int main(int argc, char **argv) {
    int scale = bench_scale(argc, argv);
    uint64_t h = 0;

    uint32_t fn = scale >= 100 ? 32 : 20;
    uint32_t f = fib(fn);
    printf("fib(%u) = %u\n", fn, f);
    h = mix(h, f);

    long reps = scaled(300, scale);
    uint64_t acc = 0;
    for (long r = 0; r < reps; r++) acc += ack(2, (uint32_t)(r % 500)) + ack(3, 7);
    printf("ackermann sum over %ld reps = %llu\n", reps, (unsigned long long)acc);
    h = mix(h, acc);

    int t = scale >= 100 ? tak(24, 16, 8) : tak(18, 12, 6);
    printf("tak = %d\n", t);
    h = mix(h, (uint64_t)t);

    long parity = 0;
    for (uint32_t n = 0; n < (uint32_t)scaled(3000, scale); n++) parity += is_even(n * 7 % 5000);
    printf("even count = %ld\n", parity);
    h = mix(h, (uint64_t)parity);

    long calls = scaled(30000000, scale);
    uint64_t a = 1;
    for (long i = 0; i < calls; i++) {
        uint64_t r = rng_next();
        a = table[r & 7](a, r >> 8);
    }
    printf("indirect result = %016llx\n", (unsigned long long)a);
    print_checksum(mix(h, a));
    return 0;
}
