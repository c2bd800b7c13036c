/* binarytrees: allocation and pointer chasing with malloc/free. The classic benchmark:
 * one long-lived tree of depth MAX, then for each depth d = 4, 6, ..., MAX many short-lived
 * trees of depth d are built, checked (recursive walk) and freed. Nodes carry a payload so
 * that the walk reads memory, not only pointers. Standard size: MAX = 17. */
#include "bench.h"

struct node { struct node *left, *right; uint32_t value; };

static struct node *build(int depth, uint32_t v) {
    struct node *n = malloc(sizeof *n);
    n->value = v;
    if (depth > 0) {
        n->left = build(depth - 1, 2 * v);
        n->right = build(depth - 1, 2 * v + 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static uint64_t check(const struct node *n) {
    uint64_t c = 1 + (n->value & 7);
    if (n->left) c += check(n->left) + check(n->right);
    return c;
}

static void release(struct node *n) {
    if (n->left) { release(n->left); release(n->right); }
    free(n);
}

int main(int argc, char **argv) {
    int scale = bench_scale(argc, argv);
    int max = 17;
    /* scale shrinks the iteration counts, not the depth, so the shape stays the same */
    struct node *stretch = build(max + 1, 1);
    printf("stretch tree of depth %d: check %llu\n", max + 1, (unsigned long long)check(stretch));
    release(stretch);

    struct node *longlived = build(max, 1);
    uint64_t h = 0;
    for (int d = 4; d <= max; d += 2) {
        long iters = scaled(1L << (max - d + 4), scale);
        uint64_t sum = 0;
        for (long i = 0; i < iters; i++) {
            struct node *t = build(d, (uint32_t)i);
            sum += check(t);
            release(t);
        }
        printf("%ld trees of depth %d: check %llu\n", iters, d, (unsigned long long)sum);
        h = mix(h, sum);
    }
    printf("long lived tree of depth %d: check %llu\n", max, (unsigned long long)check(longlived));
    h = mix(h, check(longlived));
    release(longlived);
    print_checksum(h);
    return 0;
}
