/* exit_status: process exit with a non-zero status (proc_exit). With argument "exit N" it
 * calls exit(N): atexit handlers run and stdio is flushed first. With "raw N" it flushes
 * stdout itself and calls proc_exit(N) directly from a nested call, which must end the
 * program at once (no handler runs, nothing after the call prints). Also writes one line
 * to stderr (fd 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void handler(void) { printf("atexit handler ran\n"); }

static void deep(int depth, int code) {
    if (depth == 0) {
        fflush(stdout);
        __wasi_proc_exit(code);
    }
    deep(depth - 1, code);
    printf("unreachable: returned from proc_exit\n");
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: exit_status exit|raw N\n"); return 2; }
    int code = atoi(argv[2]);
    atexit(handler);
    printf("before exit\n");
    fprintf(stderr, "a line on stderr\n");
    if (!strcmp(argv[1], "raw")) deep(50, code);
    else exit(code);
    printf("unreachable: returned from exit\n");
    return 0;
}
