/* fileio: file-system operations inside one preopened directory, mounted at /sandbox.
 * Fixture (see manifest.json): /sandbox/input.txt = "hello from the fixture\n" and an
 * empty directory /sandbox/keep. Every step prints its outcome ("ok" or an errno name)
 * and the values it observed, so the output is the same on every conforming runtime.
 * WASI calls exercised: path_open (create, excl, trunc, append, directory), fd_read,
 * fd_write, fd_seek, fd_tell, fd_pread, fd_pwrite, fd_filestat_get,
 * fd_filestat_set_size, fd_filestat_set_times, path_filestat_get,
 * path_filestat_set_times, fd_sync, fd_datasync, path_rename, path_link,
 * path_unlink_file, path_create_directory, path_remove_directory, fd_readdir, fd_close,
 * fd_fdstat_get, fd_prestat_get/fd_prestat_dir_name (libc start-up). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "errname.h"

#define D "/sandbox/"

/* Prints bytes with NUL as \0 so holes and truncation are visible. */
static void show(const char *label, const char *buf, long n) {
    printf("%s (%ld bytes): \"", label, n);
    for (long i = 0; i < n; i++) {
        if (buf[i] == 0) printf("\\0");
        else if (buf[i] == '\n') printf("\\n");
        else putchar(buf[i]);
    }
    printf("\"\n");
}

static void show_file(const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("read %s: %s\n", path, errname(errno)); return; }
    long n = read(fd, buf, sizeof buf);
    show(path, buf, n);
    close(fd);
}

static const char *kind(mode_t m) {
    return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : "other";
}

static void stat_line(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { printf("stat %s: %s\n", path, errname(errno)); return; }
    /* A directory's size and link count depend on the host file system: not printed. */
    if (S_ISDIR(st.st_mode)) { printf("stat %s: dir\n", path); return; }
    printf("stat %s: %s, size %lld, nlink %llu\n", path, kind(st.st_mode),
           (long long)st.st_size, (unsigned long long)st.st_nlink);
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s: %s\n", path, errname(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue; /* runtimes differ */
        const char *t = e->d_type == DT_REG ? "file" : e->d_type == DT_DIR ? "dir"
                      : e->d_type == DT_LNK ? "symlink" : "other";
        char *s = malloc(strlen(e->d_name) + 16);
        sprintf(s, "%s (%s)", e->d_name, t);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmpstr);
    printf("readdir %s: %d entries\n", path, n);
    for (int i = 0; i < n; i++) { printf("  %s\n", names[i]); free(names[i]); }
}

int main(void) {
    char buf[256];
    long n;

    /* 1. The fixture is visible. */
    show_file(D "input.txt");
    stat_line(D "input.txt");
    stat_line(D "keep");

    /* 2. Create and write. */
    int fd = open(D "work.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
    printf("open work.txt create: %s\n", outcome(fd));
    n = write(fd, "abcdefghijklmnopqrstuvwxyz", 26);
    printf("write: %ld\n", n);

    /* 3. Seek and read. */
    printf("lseek cur: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set 5: %lld\n", (long long)lseek(fd, 5, SEEK_SET));
    n = read(fd, buf, 5);
    show("read 5", buf, n);
    printf("lseek cur after read: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek cur -3: %lld\n", (long long)lseek(fd, -3, SEEK_CUR));

    /* 4. pwrite/pread leave the file offset alone. */
    printf("pwrite XYZ at 10: %ld\n", (long)pwrite(fd, "XYZ", 3, 10));
    n = pread(fd, buf, 8, 8);
    show("pread 8 at 8", buf, n);
    printf("offset after pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    n = pread(fd, buf, 100, 20);
    show("pread 100 at 20 (short)", buf, n);
    n = pread(fd, buf, 10, 1000);
    printf("pread past end: %ld\n", n);

    /* 5. fstat, truncate (shrink and grow), write past the end. */
    struct stat st;
    printf("fstat: %s\n", outcome(fstat(fd, &st)));
    printf("  type %s, size %lld\n", kind(st.st_mode), (long long)st.st_size);
    printf("ftruncate 12: %s\n", outcome(ftruncate(fd, 12)));
    fstat(fd, &st);
    printf("  size %lld\n", (long long)st.st_size);
    lseek(fd, 10, SEEK_SET);
    n = read(fd, buf, sizeof buf);
    show("read from 10 after truncate", buf, n);
    printf("read at EOF: %ld\n", (long)read(fd, buf, sizeof buf));
    printf("ftruncate 16: %s\n", outcome(ftruncate(fd, 16)));
    n = pread(fd, buf, 16, 0);
    show("after grow", buf, n);
    lseek(fd, 20, SEEK_SET);
    printf("write ! at 20: %ld\n", (long)write(fd, "!", 1));
    fstat(fd, &st);
    printf("  size %lld\n", (long long)st.st_size);
    printf("fsync: %s\n", outcome(fsync(fd)));
    printf("fdatasync: %s\n", outcome(fdatasync(fd)));
    printf("write to closed fd after close: ");
    close(fd);
    printf("%s\n", outcome(write(fd, "x", 1)));
    show_file(D "work.txt");

    /* 6. O_APPEND writes at the end whatever the offset. */
    fd = open(D "work.txt", O_WRONLY | O_APPEND);
    printf("open append: %s\n", outcome(fd));
    lseek(fd, 0, SEEK_SET);
    printf("append END: %ld\n", (long)write(fd, "END", 3));
    printf("offset after append: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    stat_line(D "work.txt");

    /* 7. Timestamps: set, then read back exactly. */
    struct timeval tv[2] = {{1000000000, 0}, {1234567890, 500000}};
    printf("utimes: %s\n", outcome(utimes(D "work.txt", tv)));
    stat(D "work.txt", &st);
    printf("  atime %lld.%09ld, mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    fd = open(D "work.txt", O_RDONLY);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1500000000, 250000000}};
    printf("futimens (omit atime): %s\n", outcome(futimens(fd, ts)));
    fstat(fd, &st);
    printf("  atime %lld.%09ld, mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    close(fd);

    /* 8. stdio on top of the same calls. */
    FILE *f = fopen(D "lines.txt", "w+");
    printf("fopen w+: %s\n", f ? "ok" : errname(errno));
    for (int i = 1; i <= 3; i++) fprintf(f, "line %d of %d\n", i, 3);
    printf("ftell: %ld\n", ftell(f));
    rewind(f);
    while (fgets(buf, sizeof buf, f)) printf("  fgets: %s", buf);
    fseek(f, -8, SEEK_END);
    n = fread(buf, 1, sizeof buf, f);
    show("last 8 via fread", buf, n);
    fclose(f);

    /* 9. Rename, including over an existing file, and hard links. */
    printf("rename work.txt -> renamed.txt: %s\n", outcome(rename(D "work.txt", D "renamed.txt")));
    stat_line(D "work.txt");
    stat_line(D "renamed.txt");
    printf("rename lines.txt -> renamed.txt (replace): %s\n",
           outcome(rename(D "lines.txt", D "renamed.txt")));
    show_file(D "renamed.txt");
    printf("link renamed.txt -> hard.txt: %s\n", outcome(link(D "renamed.txt", D "hard.txt")));
    stat_line(D "renamed.txt");
    printf("unlink hard.txt: %s\n", outcome(unlink(D "hard.txt")));
    stat_line(D "renamed.txt");

    /* 10. Directories. */
    printf("mkdir newdir: %s\n", outcome(mkdir(D "newdir", 0755)));
    printf("mkdir newdir again: %s\n", outcome(mkdir(D "newdir", 0755)));
    fd = open(D "newdir/inner.txt", O_CREAT | O_WRONLY, 0644);
    printf("create newdir/inner.txt: %s\n", outcome(fd));
    write(fd, "inner\n", 6);
    close(fd);
    printf("create file with UTF-8 name: %s\n",
           outcome(fd = open(D "newdir/\xc3\xbcnic\xc3\xb6" "de.txt", O_CREAT | O_WRONLY, 0644)));
    close(fd);
    list_dir(D "newdir");
    printf("rmdir non-empty newdir: %s\n", outcome(rmdir(D "newdir")));
    printf("unlink newdir/inner.txt: %s\n", outcome(unlink(D "newdir/inner.txt")));
    printf("unlink UTF-8 file: %s\n", outcome(unlink(D "newdir/\xc3\xbcnic\xc3\xb6" "de.txt")));
    printf("rmdir newdir: %s\n", outcome(rmdir(D "newdir")));
    stat_line(D "newdir");
    list_dir("/sandbox");

    /* 11. Errors a runtime must report faithfully. */
    printf("open missing: %s\n", outcome(open(D "missing.txt", O_RDONLY)));
    printf("open excl existing: %s\n", outcome(open(D "input.txt", O_CREAT | O_EXCL | O_WRONLY, 0644)));
    printf("open dir for writing: %s\n", outcome(open(D "keep", O_WRONLY)));
    printf("open file as directory: %s\n", outcome(open(D "input.txt", O_RDONLY | O_DIRECTORY)));
    printf("path through a file: %s\n", outcome(open(D "input.txt/x", O_RDONLY)));
    printf("rmdir a file: %s\n", outcome(rmdir(D "input.txt")));
    printf("mkdir in missing parent: %s\n", outcome(mkdir(D "no/such", 0755)));
    fd = open(D "input.txt", O_RDONLY);
    printf("write to read-only fd: %s\n", outcome(write(fd, "x", 1)));
    printf("lseek to negative offset: %s\n", outcome(lseek(fd, -1, SEEK_SET)));
    close(fd);
    printf("close twice: %s\n", outcome(close(fd)));
    printf("lseek on stdin-like bad fd 99: %s\n", outcome(lseek(99, 0, SEEK_SET)));

    /* 12. A result file the harness checks on the host. */
    fd = open(D "result.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644);
    const char *done = "fileio done\n";
    write(fd, done, strlen(done));
    close(fd);
    printf("done\n");
    return 0;
}
