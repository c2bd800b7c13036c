/* spectral: f64 work dominated by integer-to-float conversion, division and function calls.
 * The spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by 10 power
 * iterations of A^T A on an N-vector. Standard size: N = 4000. */
#include <math.h>
#include <string.h>
#include "bench.h"

static double A(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_Av(int n, const double *v, double *out) {
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += A(i, j) * v[j];
        out[i] = s;
    }
}

static void mul_Atv(int n, const double *v, double *out) {
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += A(j, i) * v[j];
        out[i] = s;
    }
}

static void mul_AtAv(int n, const double *v, double *out, double *tmp) {
    mul_Av(n, v, tmp);
    mul_Atv(n, tmp, out);
}

int main(int argc, char **argv) {
    int n = (int)scaled(4000, bench_scale(argc, argv));
    double *u = malloc(n * sizeof(double)), *v = malloc(n * sizeof(double)), *t = malloc(n * sizeof(double));
    for (int i = 0; i < n; i++) u[i] = 1;
    for (int i = 0; i < 10; i++) { mul_AtAv(n, u, v, t); mul_AtAv(n, v, u, t); }
    double vBv = 0, vv = 0;
    for (int i = 0; i < n; i++) { vBv += u[i] * v[i]; vv += v[i] * v[i]; }
    double norm = sqrt(vBv / vv);
    printf("spectral norm (N=%d): %.9f\n", n, norm);
    uint64_t h = 0, bits;
    for (int i = 0; i < n; i++) { memcpy(&bits, &u[i], 8); h = mix(h, bits); }
    memcpy(&bits, &norm, 8);
    print_checksum(mix(h, bits));
    return 0;
}
