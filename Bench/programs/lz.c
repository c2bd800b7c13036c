/* lz: a compression kernel. An LZ77 compressor with hash chains (64 KiB window, minimum
 * match 4, bounded chain search, LZ4-like token format: literal/match length nibbles,
 * 255-run length extensions, 16-bit offsets) and its decompressor (overlapping copies),
 * over PRNG text built from a Zipf-like vocabulary with repeated phrases. Each round
 * compresses, decompresses, verifies the round trip and folds the compressed bytes into
 * the checksum. Standard size: 8 MiB input, 4 rounds with chain depths 8, 16, 32, 64. */
#include <string.h>
#include "bench.h"

#define WBITS 16
#define WSIZE (1 << WBITS)
#define HBITS 15
#define MINMATCH 4

static int32_t head[1 << HBITS];
static int32_t chain[WSIZE];

static inline uint32_t hash4(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return (v * 2654435761u) >> (32 - HBITS);
}

static uint8_t *put_len(uint8_t *o, size_t len) {
    while (len >= 255) { *o++ = 255; len -= 255; }
    *o++ = (uint8_t)len;
    return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out, int depth) {
    for (int i = 0; i < (1 << HBITS); i++) head[i] = -1;
    uint8_t *o = out;
    size_t lit = 0, i = 0;
    while (i + MINMATCH <= n) {
        uint32_t hsh = hash4(in + i);
        int32_t cand = head[hsh];
        size_t best = 0, boff = 0;
        for (int d = 0; d < depth && cand >= 0 && i - (size_t)cand < WSIZE; d++) {
            const uint8_t *a = in + cand, *b = in + i;
            size_t max = n - i, l = 0;
            if (a[best] == b[best]) /* quick reject: must beat the best so far */
                while (l < max && a[l] == b[l]) l++;
            if (l > best) { best = l; boff = i - (size_t)cand; }
            int32_t nx = chain[cand & (WSIZE - 1)];
            if (nx >= cand) break;
            cand = nx;
        }
        chain[i & (WSIZE - 1)] = head[hsh];
        head[hsh] = (int32_t)i;
        if (best >= MINMATCH) {
            size_t ml = best - MINMATCH;
            *o++ = (uint8_t)((lit < 15 ? lit : 15) << 4 | (ml < 15 ? ml : 15));
            if (lit >= 15) o = put_len(o, lit - 15);
            memcpy(o, in + i - lit, lit);
            o += lit;
            *o++ = (uint8_t)boff;
            *o++ = (uint8_t)(boff >> 8);
            if (ml >= 15) o = put_len(o, ml - 15);
            for (size_t k = 1; k < best && i + k + MINMATCH <= n; k++) { /* index the matched bytes */
                uint32_t hk = hash4(in + i + k);
                chain[(i + k) & (WSIZE - 1)] = head[hk];
                head[hk] = (int32_t)(i + k);
            }
            i += best;
            lit = 0;
        } else {
            i++;
            lit++;
        }
    }
    lit += n - i;
    *o++ = (uint8_t)((lit < 15 ? lit : 15) << 4);
    if (lit >= 15) o = put_len(o, lit - 15);
    memcpy(o, in + n - lit, lit);
    o += lit;
    return (size_t)(o - out);
}

static size_t get_len(const uint8_t **p, size_t base) {
    if (base != 15) return base;
    size_t len = 15;
    uint8_t b;
    do { b = *(*p)++; len += b; } while (b == 255);
    return len;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    const uint8_t *p = in, *end = in + n;
    uint8_t *o = out;
    for (;;) {
        uint8_t tok = *p++;
        size_t lit = get_len(&p, tok >> 4);
        memcpy(o, p, lit);
        o += lit;
        p += lit;
        if (p >= end) break;
        size_t off = p[0] | (size_t)p[1] << 8;
        p += 2;
        size_t ml = get_len(&p, tok & 15) + MINMATCH;
        const uint8_t *s = o - off;
        for (size_t k = 0; k < ml; k++) o[k] = s[k]; /* may overlap: byte by byte */
        o += ml;
    }
    return (size_t)(o - out);
}

static size_t make_text(uint8_t *buf, size_t n) {
    static char vocab[2000][12];
    for (int w = 0; w < 2000; w++) {
        int len = 2 + (int)rng_below(9);
        for (int k = 0; k < len; k++) vocab[w][k] = (char)('a' + rng_below(26));
        vocab[w][len] = 0;
    }
    size_t i = 0;
    while (i + 64 < n) {
        if (i > 1000 && rng_below(16) == 0) { /* repeat an earlier phrase */
            size_t len = 8 + rng_below(48), from = rng_below((uint32_t)(i - len));
            memcpy(buf + i, buf + from, len);
            i += len;
            continue;
        }
        double u = rng_unit();
        const char *w = vocab[(int)(u * u * u * 2000)];
        size_t l = strlen(w);
        memcpy(buf + i, w, l);
        i += l;
        uint32_t r = rng_below(20);
        buf[i++] = r == 0 ? '\n' : r == 1 ? ',' : ' ';
    }
    return i;
}

int main(int argc, char **argv) {
    size_t n = (size_t)scaled(8 << 20, bench_scale(argc, argv));
    uint8_t *in = malloc(n + 64), *comp = malloc(n + n / 8 + 64), *back = malloc(n + 64);
    n = make_text(in, n);
    uint64_t h = 0;
    int depths[4] = {8, 16, 32, 64};
    for (int r = 0; r < 4; r++) {
        size_t c = compress(in, n, comp, depths[r]);
        size_t d = decompress(comp, c, back);
        if (d != n || memcmp(in, back, n) != 0) { printf("round trip failed at depth %d\n", depths[r]); return 1; }
        printf("depth %2d: %zu -> %zu bytes (%.2f%%)\n", depths[r], n, c, 100.0 * c / n);
        for (size_t k = 0; k < c; k += 8) {
            uint64_t v = 0;
            memcpy(&v, comp + k, c - k < 8 ? c - k : 8);
            h = mix(h, v);
        }
    }
    print_checksum(h);
    return 0;
}
