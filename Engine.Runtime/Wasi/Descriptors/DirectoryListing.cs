using System.Runtime.InteropServices;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi.Descriptors;

/// <summary>
/// A snapshot of a directory's entries (including "." and ".."), read once when fd_readdir starts at
/// cookie 0 and served from then on: entry i has cookie i and d_next i + 1, so a guest that resumes at a
/// cookie sees a consistent sequence even if the directory changes meanwhile (POSIX allows either).
/// </summary>
internal sealed class DirectoryListing
{
    public readonly record struct Entry(byte[] Name, ulong Inode, Filetype Type);

    public DirectoryListing(List<Entry> entries) => Entries = entries;

    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Reads the entries of the directory open as <paramref name="dirFd"/> (through a fresh open of ".", so its offset is untouched).</summary>
    public static unsafe Errno Read(int dirFd, out DirectoryListing? listing)
    {
        listing = null;
        byte* dot = stackalloc byte[] { (byte)'.', 0 };
        int fd = Posix.openat(dirFd, dot, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        if (fd < 0) return HostErrno.Last;
        nint dir = Posix.fdopendir(fd);
        if (dir == 0)
        {
            Errno e = HostErrno.Last;
            Posix.close(fd);
            return e;
        }
        var entries = new List<Entry>();
        try
        {
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                byte* d = (byte*)Posix.readdir64(dir);
                if (d == null)
                {
                    int err = Posix.LastError;
                    if (err != 0) return HostErrno.ToWasi(err);
                    break;
                }
                // struct dirent64: d_ino u64 @0, d_off @8, d_reclen u16 @16, d_type u8 @18, d_name @19.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(d + 19);
                Filetype type = d[18] switch
                {
                    4 => Filetype.Directory,
                    8 => Filetype.RegularFile,
                    10 => Filetype.SymbolicLink,
                    2 => Filetype.CharacterDevice,
                    6 => Filetype.BlockDevice,
                    12 => Filetype.SocketStream,
                    1 => Filetype.Unknown,
                    _ => TypeByStat(fd, name),
                };
                entries.Add(new Entry(name.ToArray(), *(ulong*)d, type));
            }
        }
        finally
        {
            Posix.closedir(dir);
        }
        listing = new DirectoryListing(entries);
        return Errno.Success;
    }

    /// <summary>For file systems that report DT_UNKNOWN: the type from statx without following links.</summary>
    static unsafe Filetype TypeByStat(int dirFd, ReadOnlySpan<byte> name)
    {
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[^1] = 0;
        Statx st;
        fixed (byte* p = z)
            return Posix.statx(dirFd, p, Posix.AT_SYMLINK_NOFOLLOW, Posix.STATX_BASIC_STATS, &st) == 0 ? st.Filetype : Filetype.Unknown;
    }
}
