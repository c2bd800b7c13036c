/* sieve: integer work. A segmented sieve of Eratosthenes over [0, LIMIT) with 32 KiB byte
 * segments (byte loads/stores, strided inner loop, branches on data), folding every prime
 * into a 64-bit hash (i64 multiply, shifts). Standard size: LIMIT = 200 000 000. */
#include <math.h>
#include <string.h>
#include "bench.h"

#define SEG 32768

int main(int argc, char **argv) {
    long limit = scaled(200000000, bench_scale(argc, argv));
    long root = (long)sqrt((double)limit) + 1;

    /* small primes up to sqrt(limit) by a plain sieve */
    char *small = calloc(root + 1, 1);
    int *primes = malloc(sizeof(int) * (root + 1));
    long *next = malloc(sizeof(long) * (root + 1));
    int np = 0;
    for (long i = 2; i <= root; i++) {
        if (small[i]) continue;
        primes[np] = (int)i;
        next[np++] = i * i;
        for (long j = i * i; j <= root; j += i) small[j] = 1;
    }

    static unsigned char seg[SEG];
    long count = 0;
    uint64_t h = 0, last = 0;
    for (long lo = 0; lo < limit; lo += SEG) {
        long hi = lo + SEG < limit ? lo + SEG : limit;
        memset(seg, 0, SEG);
        for (int k = 0; k < np; k++) {
            long p = primes[k], j = next[k];
            if (j >= hi) continue;
            for (; j < hi; j += p) seg[j - lo] = 1;
            next[k] = j;
        }
        for (long n = lo < 2 ? 2 : lo; n < hi; n++) {
            if (!seg[n - lo]) {
                count++;
                h = mix(h, (uint64_t)n);
                last = (uint64_t)n;
            }
        }
    }
    printf("primes below %ld: %ld, largest %llu\n", limit, count, (unsigned long long)last);
    print_checksum(mix(h, (uint64_t)count));
    return 0;
}
