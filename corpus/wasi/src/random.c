/* random: random_get, through getentropy and directly. Only properties are printed: a
 * draw is not all zero, two draws differ, a large draw looks uniform (every byte value
 * occurs, no value wildly over-represented), a zero-length draw succeeds. The chance that a
 * correct runtime fails any of these is below 1e-30. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "errname.h"

static const char *yn(int b) { return b ? "yes" : "no"; }

static unsigned char big[1 << 16];

int main(void) {
    unsigned char a[32], b[32], zero[32] = {0};
    int rc = getentropy(a, sizeof a);
    printf("getentropy 32 bytes: %s\n", outcome(rc));
    rc = getentropy(b, sizeof b);
    printf("getentropy again: %s\n", outcome(rc));
    printf("first draw not all zero: %s\n", yn(memcmp(a, zero, 32) != 0));
    printf("two draws differ: %s\n", yn(memcmp(a, b, 32) != 0));
    printf("getentropy 257 bytes (over the limit): %s\n", outcome(getentropy(big, 257)));

    __wasi_errno_t err = __wasi_random_get(big, sizeof big);
    printf("random_get 65536 bytes: errno %d\n", err);
    unsigned count[256] = {0};
    for (unsigned i = 0; i < sizeof big; i++) count[big[i]]++;
    unsigned lo = ~0u, hi = 0;
    for (int v = 0; v < 256; v++) {
        if (count[v] < lo) lo = count[v];
        if (count[v] > hi) hi = count[v];
    }
    /* expected 256 per value, standard deviation 16: [100, 420] is ~10 sigma */
    printf("every byte value occurs, counts within [100, 420]: %s\n", yn(lo >= 100 && hi <= 420));
    err = __wasi_random_get(big, 0);
    printf("random_get 0 bytes: errno %d\n", err);
    return 0;
}
