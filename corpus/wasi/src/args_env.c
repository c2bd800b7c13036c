/* args_env: command-line arguments and the environment (args_sizes_get, args_get,
 * environ_sizes_get, environ_get). argv[0] is the runner's choice, so only its presence
 * is printed; every other argument is printed with its byte length (arguments may be
 * empty, contain spaces, '=' or UTF-8). The environment is printed sorted, because WASI
 * does not define its order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    printf("argv[0] present: %s\n", argc > 0 && argv[0] != NULL ? "yes" : "no");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] (%zu bytes) = [%s]\n", i, strlen(argv[i]), argv[i]);
    printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");

    int n = 0;
    while (environ[n]) n++;
    char **sorted = malloc(sizeof(char *) * (n ? n : 1));
    memcpy(sorted, environ, sizeof(char *) * n);
    qsort(sorted, n, sizeof(char *), cmp);
    printf("environ: %d entries\n", n);
    for (int i = 0; i < n; i++) printf("  %s\n", sorted[i]);
    free(sorted);

    const char *probe[] = {"GREETING", "EMPTY", "WITH_EQUALS", "NOT_SET"};
    for (int i = 0; i < 4; i++) {
        const char *v = getenv(probe[i]);
        if (v) printf("getenv(%s) = [%s]\n", probe[i], v);
        else printf("getenv(%s) = (unset)\n", probe[i]);
    }
    return 0;
}
