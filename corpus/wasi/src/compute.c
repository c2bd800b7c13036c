/* compute: a pure compute kernel whose output depends only on the wasm semantics and
 * wasi-libc (no WASI call but fd_write): an ASCII Mandelbrot set (f64 arithmetic and
 * comparisons), CRC-32 of PRNG data (i32 shifts, xor, table lookups), 64-bit integer
 * arithmetic (i64 mul/div/rem, rotations), libm functions and printf's float formatting
 * (%f, %e, %g, %a), and f32 accumulation. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { /* xorshift64* */
    state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

static uint8_t data[1 << 16];

int main(void) {
    /* Mandelbrot */
    const char *shades = " .:-=+*#%@";
    for (int y = 0; y < 21; y++) {
        for (int x = 0; x < 64; x++) {
            double cr = -2.2 + x * (3.0 / 64), ci = -1.2 + y * (2.4 / 20);
            double zr = 0, zi = 0;
            int it = 0;
            while (it < 99 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            putchar(shades[it * 9 / 99]);
        }
        putchar('\n');
    }

    crc_init();
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(next() >> 56);
    printf("crc32(\"123456789\") = %08x\n", crc32((const uint8_t *)"123456789", 9));
    printf("crc32(64 KiB PRNG) = %08x\n", crc32(data, sizeof data));

    uint64_t h = 1469598103934665603ull, q = 0;
    int64_t s = 0;
    for (int i = 1; i <= 100000; i++) {
        uint64_t r = next();
        h = (h ^ r) * 1099511628211ull;
        q += r / (uint64_t)i + r % 1000003u;
        s += (int64_t)r / -(int64_t)i;
        h = (h << 13) | (h >> 51);
    }
    printf("i64 mix: h=%016llx q=%016llx s=%lld\n", (unsigned long long)h,
           (unsigned long long)q, (long long)s);

    printf("sqrt(2) = %.17g\n", sqrt(2.0));
    printf("exp(1) = %.17g\n", exp(1.0));
    printf("log(10) = %.17g\n", log(10.0));
    printf("sin(1e6) = %.17g\n", sin(1e6));
    printf("atan2(1, -1) = %.17g\n", atan2(1.0, -1.0));
    printf("pow(1.0001, 10000) = %.17g\n", pow(1.0001, 10000.0));
    printf("fmod(1e300, 3.7) = %.17g\n", fmod(1e300, 3.7));
    printf("formats: %f %e %g %a %.3f\n", M_PI, 6.02214076e23, 1e-5, 0.1, -0.0005);
    printf("specials: %f %f %f %d\n", INFINITY, -INFINITY, NAN, (int)isnan(0.0 / 0.0));
    printf("conversions: %d %u %lld %d\n", (int)-3.99, (unsigned)3.99e9, (long long)-9.2e18,
           (int)lrint(2.5));

    float f = 0;
    for (int i = 1; i <= 1000; i++) f += 1.0f / (float)i;
    printf("f32 harmonic(1000) = %.9g\n", f);
    double pi = 0;
    for (int k = 0; k < 1000000; k++) pi += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
    printf("leibniz pi (1e6 terms) = %.15f\n", pi);
    return 0;
}
