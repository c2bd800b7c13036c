/* wordfreq: a small text tool over stdin (fd_read until end of file, in small chunks so
 * that a runtime's partial reads are exercised). Prints wc-style counts, then the distinct
 * words (lower-cased ASCII letters and apostrophes; other bytes, including UTF-8, separate
 * words) by decreasing frequency then alphabetically, then the input's lines sorted
 * (byte order). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *text;
static size_t len, cap;

struct word { char *w; int n; };
static struct word words[4096];
static int nwords;

static int by_freq(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    return x->n != y->n ? y->n - x->n : strcmp(x->w, y->w);
}
static int by_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add(const char *s, size_t n) {
    for (int i = 0; i < nwords; i++)
        if (strlen(words[i].w) == n && !memcmp(words[i].w, s, n)) { words[i].n++; return; }
    if (nwords == 4096) return;
    words[nwords].w = strndup(s, n);
    words[nwords++].n = 1;
}

int main(void) {
    char chunk[7]; /* deliberately tiny */
    long r;
    while ((r = read(0, chunk, sizeof chunk)) > 0) {
        if (len + r + 1 > cap) text = realloc(text, cap = (cap + r + 1) * 2);
        memcpy(text + len, chunk, r);
        len += r;
    }
    if (r < 0) { perror("read"); return 1; }
    if (!text) text = calloc(1, 1);
    text[len] = 0;

    size_t lines = 0, wc = 0;
    int inword = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') lines++;
        int sp = isspace((unsigned char)text[i]);
        if (!sp && !inword) wc++;
        inword = !sp;
    }
    printf("%zu lines, %zu words, %zu bytes\n", lines, wc, len);

    char w[64];
    size_t wl = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)text[i] : 0;
        if ((c < 128 && isalpha(c)) || (c == '\'' && wl > 0)) {
            if (wl < sizeof w) w[wl++] = (char)tolower(c);
        } else if (wl) {
            while (wl && w[wl - 1] == '\'') wl--;
            if (wl) add(w, wl);
            wl = 0;
        }
    }
    qsort(words, nwords, sizeof words[0], by_freq);
    printf("%d distinct words; most frequent:\n", nwords);
    for (int i = 0; i < nwords && i < 12; i++) printf("%4d %s\n", words[i].n, words[i].w);

    char *ls[1024];
    int nl = 0;
    for (char *p = strtok(text, "\n"); p && nl < 1024; p = strtok(NULL, "\n")) ls[nl++] = p;
    qsort(ls, nl, sizeof(char *), by_str);
    printf("sorted non-empty lines:\n");
    for (int i = 0; i < nl; i++) printf("| %s\n", ls[i]);
    return 0;
}
