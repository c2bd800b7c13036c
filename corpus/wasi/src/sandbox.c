/* sandbox: probes the preopen sandbox. The runtime preopens only <root>/sandbox as
 * /sandbox; <root>/outside.txt holds a secret. Fixture (see manifest.json):
 *   sandbox/ok.txt                 "inside\n"
 *   sandbox/sub/                   directory
 *   sandbox/inner-link  -> ok.txt              (stays inside: must work)
 *   sandbox/sub/inner-up -> ../ok.txt          (stays inside: must work)
 *   sandbox/escape-rel  -> ../outside.txt      (relative symlink out)
 *   sandbox/escape-abs  -> <root>/outside.txt  (absolute host path)
 *   sandbox/sub/escape-up -> ../../outside.txt (out from a subdirectory)
 *   sandbox/dir-escape  -> ..                  (a directory symlink out, used mid-path)
 * Each probe prints "ok: <content>" or the errno name it got; reading the secret prints
 * "ESCAPED". A conforming runtime refuses every escape with ENOTCAPABLE; paths outside
 * every preopen never reach the runtime (wasi-libc refuses them itself). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

static void probe_open(const char *path, int flags) {
    int fd = open(path, flags);
    printf("open%s %-34s ", flags & O_NOFOLLOW ? "(O_NOFOLLOW)" : "", path);
    if (fd < 0) { printf("%s\n", errname(errno)); return; }
    char buf[64];
    long n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
    printf("%s: %s\n", strstr(buf, "SECRET") ? "ESCAPED" : "ok", buf);
}

int main(void) {
    printf("-- inside the sandbox (must succeed)\n");
    probe_open("/sandbox/ok.txt", O_RDONLY);
    probe_open("/sandbox/inner-link", O_RDONLY);
    probe_open("/sandbox/sub/inner-up", O_RDONLY);
    probe_open("/sandbox/sub/../ok.txt", O_RDONLY);
    probe_open("/sandbox/./sub/./../ok.txt", O_RDONLY);

    printf("-- paths outside every preopen (refused by wasi-libc)\n");
    probe_open("/outside.txt", O_RDONLY);
    probe_open("/etc/passwd", O_RDONLY);

    printf("-- dot-dot escapes (refused by the runtime)\n");
    probe_open("/sandbox/../outside.txt", O_RDONLY);
    probe_open("/sandbox/sub/../../outside.txt", O_RDONLY);
    probe_open("/sandbox/sub/../../sandbox/ok.txt", O_RDONLY);

    printf("-- symlink escapes (refused by the runtime)\n");
    probe_open("/sandbox/escape-rel", O_RDONLY);
    probe_open("/sandbox/escape-abs", O_RDONLY);
    probe_open("/sandbox/sub/escape-up", O_RDONLY);
    probe_open("/sandbox/dir-escape/outside.txt", O_RDONLY);
    probe_open("/sandbox/escape-rel", O_RDONLY | O_NOFOLLOW);

    printf("-- other calls through escaping paths\n");
    struct stat st;
    printf("stat /sandbox/escape-rel: %s\n", outcome(stat("/sandbox/escape-rel", &st)));
    printf("stat /sandbox/..: %s\n", outcome(stat("/sandbox/..", &st)));
    int rc = lstat("/sandbox/escape-rel", &st);
    printf("lstat /sandbox/escape-rel: %s, is symlink: %s\n", outcome(rc),
           rc == 0 && S_ISLNK(st.st_mode) ? "yes" : "no");
    char target[64];
    long n = readlink("/sandbox/escape-rel", target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("readlink /sandbox/escape-rel: %s [%s]\n", outcome(n), n > 0 ? target : "");
    DIR *d = opendir("/sandbox/..");
    printf("opendir /sandbox/..: %s\n", d ? "ok" : errname(errno));
    if (d) closedir(d);
    d = opendir("/sandbox/dir-escape");
    printf("opendir /sandbox/dir-escape: %s\n", d ? "ok" : errname(errno));
    if (d) closedir(d);
    printf("create /sandbox/../created.txt: %s\n",
           outcome(open("/sandbox/../created.txt", O_CREAT | O_WRONLY, 0644)));
    printf("mkdir /sandbox/../made: %s\n", outcome(mkdir("/sandbox/../made", 0755)));
    printf("mkdir /sandbox/dir-escape/made2: %s\n", outcome(mkdir("/sandbox/dir-escape/made2", 0755)));
    printf("rename ok.txt -> ../stolen.txt: %s\n",
           outcome(rename("/sandbox/ok.txt", "/sandbox/../stolen.txt")));
    printf("link ok.txt -> ../linked.txt: %s\n",
           outcome(link("/sandbox/ok.txt", "/sandbox/../linked.txt")));
    printf("unlink /sandbox/../outside.txt: %s\n", outcome(unlink("/sandbox/../outside.txt")));
    printf("unlink /sandbox/escape-rel (the link itself): %s\n", outcome(unlink("/sandbox/escape-rel")));
    printf("-- done\n");
    return 0;
}
