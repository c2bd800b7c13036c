using System.Runtime.InteropServices;

namespace Hoist.Runtime.Wasi.Native;

/// <summary>
/// The libc calls WASI needs, on linux-x64 glibc (source-generated P/Invoke; every call sets the
/// last error). Paths are NUL-terminated byte strings, passed through untouched: file names are
/// bytes on Linux, so UTF-8 names (and any other bytes) round-trip exactly.
/// </summary>
/// <remarks>
/// The constants are Linux x86-64 values. <c>openat</c>, <c>fcntl</c> and <c>ioctl</c> are variadic in
/// C; calling them with a fixed signature is sound on the x86-64 System V ABI for integer and pointer
/// arguments (they travel in the same registers; <c>%al</c> only bounds how many vector registers the
/// callee spills). Another architecture or OS gets its own file of constants and declarations.
/// </remarks>
internal static unsafe partial class Posix
{
    const string Lib = "libc";

    // open flags
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public const int O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400,
        O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
        O_CLOEXEC = 0x80000, O_SYNC = 0x101000, O_RSYNC = O_SYNC, O_PATH = 0x200000;

    // *at flags
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

    public const int F_GETFL = 3, F_SETFL = 4;
    public const long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    public const uint STATX_BASIC_STATS = 0x7ff;
    public const short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int SOL_SOCKET = 1, SO_TYPE = 3, SOCK_STREAM = 1, SOCK_DGRAM = 2;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
    public const int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public const ulong FIONREAD = 0x541B;
    public const int POSIX_FADV_NORMAL = 0, POSIX_FADV_RANDOM = 1, POSIX_FADV_SEQUENTIAL = 2,
        POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4, POSIX_FADV_NOREUSE = 5;
    public const int PATH_MAX = 4096;

    // errno values the runtime itself tests for
    public const int EINTR = 4, EINVAL = 22, ENOTDIR = 20, ELOOP = 40, EAGAIN = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct Iovec { public nint Base; public nuint Length; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long Sec; public long Nsec; }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public nint Name;
        public uint NameLength;
        public nint Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport(Lib, SetLastError = true)] public static partial int openat(int dirfd, byte* path, int flags, uint mode);
    [LibraryImport(Lib, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int dup(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint readv(int fd, Iovec* iov, int count);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint writev(int fd, Iovec* iov, int count);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint preadv(int fd, Iovec* iov, int count, long offset);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint pwritev(int fd, Iovec* iov, int count, long offset);
    [LibraryImport(Lib, SetLastError = true)] public static partial long lseek(int fd, long offset, int whence);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fsync(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fdatasync(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ftruncate(int fd, long length);
    [LibraryImport(Lib, SetLastError = true)] public static partial int futimens(int fd, Timespec* times);
    [LibraryImport(Lib, SetLastError = true)] public static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    /// <summary>Returns an error number (not -1 and errno).</summary>
    [LibraryImport(Lib)] public static partial int posix_fadvise(int fd, long offset, long length, int advice);

    /// <summary>Returns an error number (not -1 and errno).</summary>
    [LibraryImport(Lib)] public static partial int posix_fallocate(int fd, long offset, long length);

    [LibraryImport(Lib, SetLastError = true)] public static partial int fcntl(int fd, int cmd, int arg);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ioctl(int fd, ulong request, int* arg);
    [LibraryImport(Lib, SetLastError = true)] public static partial int isatty(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int statx(int dirfd, byte* path, int flags, uint mask, Statx* buffer);
    [LibraryImport(Lib, SetLastError = true)] public static partial int mkdirat(int dirfd, byte* path, uint mode);
    [LibraryImport(Lib, SetLastError = true)] public static partial int unlinkat(int dirfd, byte* path, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);
    [LibraryImport(Lib, SetLastError = true)] public static partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int symlinkat(byte* target, int newdirfd, byte* linkpath);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint readlinkat(int dirfd, byte* path, byte* buffer, nuint size);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint fdopendir(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint readdir64(nint dir);
    [LibraryImport(Lib, SetLastError = true)] public static partial int closedir(nint dir);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ppoll(PollFd* fds, ulong count, Timespec* timeout, nint sigmask);
    [LibraryImport(Lib, SetLastError = true)] public static partial int accept4(int fd, nint address, nint addressLength, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint recvmsg(int fd, MsgHdr* message, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint sendmsg(int fd, MsgHdr* message, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int shutdown(int fd, int how);
    [LibraryImport(Lib, SetLastError = true)] public static partial int getsockopt(int fd, int level, int name, int* value, uint* length);

    // The clocks are vDSO calls of a few nanoseconds: no GC transition.
    [LibraryImport(Lib), SuppressGCTransition] public static partial int clock_gettime(int clock, Timespec* time);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int clock_getres(int clock, Timespec* resolution);
}
