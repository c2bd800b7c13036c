using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

/// <summary>fd_filestat_set_times and path_filestat_set_times share this translation of (atim, mtim, fstflags) to utimensat's pair.</summary>
internal static class FileTimes
{
    /// <summary>
    /// Fills [atime, mtime]: a given time, UTIME_NOW, or UTIME_OMIT when neither flag of the pair is set.
    /// A time both given and "now" is EINVAL, as are unknown flag bits.
    /// </summary>
    public static Errno ToTimespecs(ulong atim, ulong mtim, Fstflags flags, Span<Posix.Timespec> times)
    {
        if ((flags & ~(Fstflags.Atim | Fstflags.AtimNow | Fstflags.Mtim | Fstflags.MtimNow)) != 0) return Errno.Inval;
        if ((flags & (Fstflags.Atim | Fstflags.AtimNow)) == (Fstflags.Atim | Fstflags.AtimNow)) return Errno.Inval;
        if ((flags & (Fstflags.Mtim | Fstflags.MtimNow)) == (Fstflags.Mtim | Fstflags.MtimNow)) return Errno.Inval;
        times[0] = One(atim, (flags & Fstflags.Atim) != 0, (flags & Fstflags.AtimNow) != 0);
        times[1] = One(mtim, (flags & Fstflags.Mtim) != 0, (flags & Fstflags.MtimNow) != 0);
        return Errno.Success;
    }

    static Posix.Timespec One(ulong ns, bool set, bool now) =>
        now ? new Posix.Timespec { Nsec = Posix.UTIME_NOW }
        : set ? new Posix.Timespec { Sec = (long)(ns / 1_000_000_000), Nsec = (long)(ns % 1_000_000_000) }
        : new Posix.Timespec { Nsec = Posix.UTIME_OMIT };
}
