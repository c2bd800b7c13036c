/* hello: the smallest WASI command. Exercises fd_write on stdout (through stdio) and
 * a normal return from main (proc_exit 0 via _start). */
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    return 0;
}
