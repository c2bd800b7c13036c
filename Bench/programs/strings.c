/* strings: string processing over generated text. Builds a text of words (a PRNG
 * vocabulary with capitalisation and punctuation) with snprintf-made numbers mixed in, then:
 * tokenises it (character classes), lower-cases and counts words in an open-addressing hash
 * table (FNV-1a, strcmp on collision), parses the numbers back (strtol), and searches it
 * for patterns (naive search with memcmp, and Boyer-Moore-Horspool). Standard size: 16 MiB
 * text, 3 passes. */
#include <ctype.h>
#include <string.h>
#include "bench.h"

#define TBITS 16
struct entry { char *word; uint32_t count; uint32_t hash; };
static struct entry table[1 << TBITS];

static uint32_t fnv1a(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= (uint8_t)s[i]; h *= 16777619u; }
    return h;
}

static void count_word(const char *w, size_t n) {
    uint32_t h = fnv1a(w, n);
    uint32_t i = h & ((1 << TBITS) - 1);
    for (;;) {
        struct entry *e = &table[i];
        if (!e->word) {
            e->word = malloc(n + 1);
            memcpy(e->word, w, n);
            e->word[n] = 0;
            e->hash = h;
            e->count = 1;
            return;
        }
        if (e->hash == h && strncmp(e->word, w, n) == 0 && e->word[n] == 0) { e->count++; return; }
        i = (i + 1) & ((1 << TBITS) - 1);
    }
}

static long horspool(const char *t, size_t n, const char *p, size_t m) {
    size_t skip[256];
    for (int c = 0; c < 256; c++) skip[c] = m;
    for (size_t k = 0; k + 1 < m; k++) skip[(uint8_t)p[k]] = m - 1 - k;
    long found = 0;
    size_t i = 0;
    while (i + m <= n) {
        if (t[i + m - 1] == p[m - 1] && memcmp(t + i, p, m - 1) == 0) found++;
        i += skip[(uint8_t)t[i + m - 1]];
    }
    return found;
}

static long naive(const char *t, size_t n, const char *p, size_t m) {
    long found = 0;
    for (size_t i = 0; i + m <= n; i++)
        if (t[i] == p[0] && memcmp(t + i, p, m) == 0) found++;
    return found;
}

int main(int argc, char **argv) {
    size_t n = (size_t)scaled(16 << 20, bench_scale(argc, argv));
    static char vocab[3000][16];
    for (int w = 0; w < 3000; w++) {
        int len = 1 + (int)rng_below(12);
        for (int k = 0; k < len; k++) vocab[w][k] = (char)('a' + rng_below(26));
        vocab[w][len] = 0;
    }
    char *text = malloc(n + 64);
    size_t len = 0;
    while (len < n) {
        uint32_t r = rng_below(100);
        if (r < 5) {
            len += (size_t)snprintf(text + len, 64, "%d", (int)(rng_next() % 2000001) - 1000000);
        } else {
            double u = rng_unit();
            const char *w = vocab[(int)(u * u * 3000)];
            size_t l = strlen(w);
            memcpy(text + len, w, l);
            if (r < 15) text[len] = (char)toupper((unsigned char)text[len]);
            len += l;
        }
        r = rng_below(30);
        if (r == 1) text[len++] = ',';
        text[len++] = r == 0 ? '.' : r == 2 ? '\n' : ' ';
    }
    text[len] = 0;

    uint64_t h = 0;
    long total_words = 0, numbers = 0, numsum = 0;
    char word[64];
    for (int pass = 0; pass < 3; pass++) {
        const char *p = text, *end = text + len;
        while (p < end) {
            if (isalpha((unsigned char)*p)) {
                size_t wl = 0;
                while (p < end && isalpha((unsigned char)*p)) {
                    if (wl < sizeof word - 1) word[wl++] = (char)tolower((unsigned char)*p);
                    p++;
                }
                if (pass == 0) count_word(word, wl);
                total_words++;
            } else if (*p == '-' || isdigit((unsigned char)*p)) {
                char *after;
                long v = strtol(p, &after, 10);
                if (after == p) { p++; continue; }
                numbers++;
                numsum += v;
                p = after;
            } else {
                p++;
            }
        }
    }
    uint32_t distinct = 0, topc = 0;
    const char *top = "";
    for (uint32_t i = 0; i < (1u << TBITS); i++) {
        if (!table[i].word) continue;
        distinct++;
        h = mix(h, (uint64_t)table[i].hash * table[i].count);
        if (table[i].count > topc || (table[i].count == topc && strcmp(table[i].word, top) < 0)) {
            topc = table[i].count;
            top = table[i].word;
        }
    }
    printf("%ld words (3 passes), %u distinct, most frequent \"%s\" x%u\n", total_words, distinct, top, topc);
    printf("%ld numbers, sum %ld\n", numbers, numsum);
    h = mix(mix(h, (uint64_t)total_words), (uint64_t)numsum);

    const char *pats[] = {vocab[0], vocab[1], vocab[17], "the", ", ", vocab[2999], "zzz", "qa"};
    for (int k = 0; k < 8; k++) {
        size_t m = strlen(pats[k]);
        long a = horspool(text, len, pats[k], m), b = naive(text, len, pats[k], m);
        if (a != b) { printf("search disagreement on \"%s\": %ld vs %ld\n", pats[k], a, b); return 1; }
        printf("\"%s\": %ld\n", pats[k], a);
        h = mix(h, (uint64_t)a);
    }
    print_checksum(h);
    return 0;
}
