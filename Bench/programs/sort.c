/* sort: sorting a PRNG array of N 32-bit keys four ways: an in-place quicksort (median of
 * three, insertion sort for short runs), a top-down mergesort with a buffer, a heapsort,
 * and a generic comparator-driven mergesort (byte-wise element moves, an indirect call per
 * comparison, like qsort); then 16-byte records sorted by a double key with the generic
 * sort. Every result is verified and folded into the checksum. libc's qsort is not used:
 * glibc's and wasi-libc's differ wildly, and this compares compilers, not libcs.
 * Standard size: N = 1 000 000, ROUNDS = 3. */
#include <string.h>
#include "bench.h"

static void insertion(uint32_t *a, long n) {
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n) {
    while (n > 16) {
        long m = n / 2;
        uint32_t x = a[0], y = a[m], z = a[n - 1];
        uint32_t p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        /* recurse into the smaller part, loop on the larger */
        if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
        else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
    }
    insertion(a, n);
}

static void mergesort_rec(uint32_t *a, uint32_t *tmp, long n) {
    if (n <= 16) { insertion(a, n); return; }
    long m = n / 2;
    mergesort_rec(a, tmp, m);
    mergesort_rec(a + m, tmp, n - m);
    long i = 0, j = m, k = 0;
    while (i < m && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < m) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static void sift(uint32_t *a, long i, long n) {
    uint32_t v = a[i];
    for (;;) {
        long c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[c] <= v) break;
        a[i] = a[c];
        i = c;
    }
    a[i] = v;
}

static void heapsort(uint32_t *a, long n) {
    for (long i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (long k = n - 1; k > 0; k--) {
        uint32_t t = a[0]; a[0] = a[k]; a[k] = t;
        sift(a, 0, k);
    }
}

/* Stable mergesort of n elements of `size` bytes with a comparator; tmp holds n elements. */
static void gsort_rec(char *a, char *tmp, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    if (n < 2) return;
    size_t m = n / 2;
    gsort_rec(a, tmp, m, size, cmp);
    gsort_rec(a + m * size, tmp, n - m, size, cmp);
    if (cmp(a + (m - 1) * size, a + m * size) <= 0) return; /* already in order */
    size_t i = 0, j = m, k = 0;
    while (i < m && j < n) {
        if (cmp(a + j * size, a + i * size) < 0) { memcpy(tmp + k * size, a + j * size, size); j++; }
        else { memcpy(tmp + k * size, a + i * size, size); i++; }
        k++;
    }
    memcpy(tmp + k * size, a + i * size, (m - i) * size);
    k += m - i;
    memcpy(a, tmp, k * size); /* the rest of the right half is already in place */
}

static void gsort(void *a, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    char *tmp = malloc(n * size);
    gsort_rec(a, tmp, n, size, cmp);
    free(tmp);
}

static int cmp_u32(const void *x, const void *y) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

struct rec { double key; uint32_t id, pad; };
static int cmp_rec(const void *x, const void *y) {
    const struct rec *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static uint64_t verify(const uint32_t *a, long n, const char *what) {
    uint64_t h = 0;
    for (long i = 0; i < n; i++) {
        if (i && a[i - 1] > a[i]) { printf("%s: not sorted at %ld\n", what, i); exit(1); }
        if ((i & 1023) == 0) h = mix(h, a[i]);
    }
    return h;
}

int main(int argc, char **argv) {
    int scale = bench_scale(argc, argv);
    long n = scaled(1000000, scale);
    int rounds = 3;
    uint32_t *src = malloc(n * sizeof *src), *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    uint64_t h = 0, first = 0;
    for (int r = 0; r < rounds; r++) {
        for (long i = 0; i < n; i++) src[i] = (uint32_t)rng_next();
        if (r == 1) for (long i = 0; i < n / 2; i++) src[i] = (uint32_t)i * 3; /* a sorted prefix */
        if (r == 2) for (long i = 0; i < n; i++) src[i] &= 0xFFF;              /* many duplicates */
        memcpy(a, src, n * sizeof *a); quicksort(a, n); uint64_t hq = verify(a, n, "quicksort");
        memcpy(a, src, n * sizeof *a); mergesort_rec(a, tmp, n); uint64_t hm = verify(a, n, "mergesort");
        memcpy(a, src, n * sizeof *a); heapsort(a, n); uint64_t hh = verify(a, n, "heapsort");
        memcpy(a, src, n * sizeof *a); gsort(a, n, sizeof *a, cmp_u32); uint64_t hs = verify(a, n, "gsort");
        if (hq != hm || hm != hh || hh != hs) { printf("sorts disagree in round %d\n", r); return 1; }
        if (r == 0) first = hq;
        h = mix(h, hq);
        printf("round %d: median %u\n", r, a[n / 2]);
    }
    long nr = n / 4;
    struct rec *recs = malloc(nr * sizeof *recs);
    for (long i = 0; i < nr; i++) { recs[i].key = (double)rng_below(100000) / 7.0; recs[i].id = (uint32_t)i; recs[i].pad = 0; }
    gsort(recs, nr, sizeof *recs, cmp_rec);
    for (long i = 0; i < nr; i += 997) h = mix(h, recs[i].id);
    printf("records: first id %u, last id %u\n", recs[0].id, recs[nr - 1].id);
    printf("round 0 sample hash %016llx\n", (unsigned long long)first);
    print_checksum(h);
    return 0;
}
