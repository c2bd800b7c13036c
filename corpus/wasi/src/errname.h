/* errname.h: the symbolic name of an errno value, so that the corpus programs print
 * "ENOENT" rather than a number or a strerror text (numbers differ between WASI and
 * POSIX hosts, strerror texts between libcs). Header-only; every program that reports
 * an errno includes it. Unknown values print as "errno=N". */
#ifndef CORPUS_ERRNAME_H
#define CORPUS_ERRNAME_H
#include <errno.h>
#include <stdio.h>

static const char *errname(int e) {
#define E(x) if (e == x) return #x;
    E(EACCES) E(EBADF) E(EEXIST) E(EINVAL) E(EIO) E(EISDIR) E(ELOOP) E(ENAMETOOLONG)
    E(ENOENT) E(ENOSPC) E(ENOSYS) E(ENOTDIR) E(ENOTEMPTY) E(ENOTSUP) E(EPERM)
    E(ESPIPE) E(EXDEV) E(EROFS) E(EFAULT) E(EMFILE) E(ENOMEM) E(ERANGE) E(EOVERFLOW)
    E(ENOTTY) E(EAGAIN) E(EFBIG) E(EILSEQ)
#ifdef ENOTCAPABLE
    E(ENOTCAPABLE)
#endif
#undef E
    static char buf[32];
    snprintf(buf, sizeof buf, "errno=%d", e);
    return buf;
}

/* "ok" when rc >= 0, else the name of errno: the one-word outcome of a call. */
static const char *outcome(long rc) { return rc >= 0 ? "ok" : errname(errno); }
#endif
