using System.Runtime.InteropServices;

namespace Hoist.Runtime.Native;

/// <summary>The few libc calls the runtime needs for native memory on linux-x64 (source-generated P/Invoke).</summary>
internal static partial class Libc
{
    public const int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    public static readonly nint MAP_FAILED = -1;
    const int _SC_PAGESIZE = 30;

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(nint addr, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mprotect(nint addr, nuint length, int prot);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int madvise(nint addr, nuint length, int advice);

    [LibraryImport("libc")]
    private static partial long sysconf(int name);

    public const int MADV_DONTNEED = 4;

    [LibraryImport("libc")]
    public static partial nint pthread_self();

    /// <summary>Fills <paramref name="attr"/> (a pthread_attr_t, 56 bytes on x86-64 glibc) with the thread's attributes.</summary>
    [LibraryImport("libc")]
    public static partial int pthread_getattr_np(nint thread, nint attr);

    [LibraryImport("libc")]
    public static partial int pthread_attr_getstack(nint attr, out nint stackAddr, out nuint stackSize);

    [LibraryImport("libc")]
    public static partial int pthread_attr_destroy(nint attr);

    public const int SIGBUS = 7, SIGSEGV = 11;
    public const int SA_SIGINFO = 0x4, SA_ONSTACK = 0x0800_0000, SA_RESETHAND = unchecked((int)0x8000_0000);

    /// <summary>glibc's <c>struct sigaction</c> on x86-64: handler (8), sa_mask (128), sa_flags (4, padded to 8), sa_restorer (8).</summary>
    public const int SigactionSize = 152, SigactionMaskOffset = 8, SigactionFlagsOffset = 136;

    /// <summary>glibc's sigaction (it supplies the restorer): <paramref name="act"/> and <paramref name="oldact"/> point to <see cref="SigactionSize"/> bytes, or are 0.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int sigaction(int signum, nint act, nint oldact);

    public static readonly nuint PageSize = (nuint)sysconf(_SC_PAGESIZE);

    public static nuint RoundUpToPage(nuint n) => (n + PageSize - 1) & ~(PageSize - 1);

    /// <summary>Maps fresh anonymous pages, or throws <see cref="OutOfMemoryException"/> naming the request.</summary>
    public static nint MapAnonymous(nuint length, int prot, bool noReserve = false)
    {
        nint p = mmap(0, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | (noReserve ? MAP_NORESERVE : 0), -1, 0);
        if (p == MAP_FAILED)
            throw new OutOfMemoryException($"mmap of {length} bytes failed (errno {Marshal.GetLastPInvokeError()})");
        return p;
    }

    public static void Protect(nint addr, nuint length, int prot)
    {
        if (mprotect(addr, length, prot) != 0)
            throw new InvalidOperationException($"mprotect({addr:x}, {length}, {prot}) failed (errno {Marshal.GetLastPInvokeError()})");
    }
}
