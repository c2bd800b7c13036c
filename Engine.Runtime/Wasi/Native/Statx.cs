using System.Runtime.InteropServices;

namespace Hoist.Runtime.Wasi.Native;

/// <summary>
/// Linux's <c>struct statx</c> (the same layout on every architecture, unlike <c>struct stat</c>),
/// with what WASI's filestat needs: the file type, device, inode, link count, size and times.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct Statx
{
    [FieldOffset(16)] public uint Nlink;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Ino;
    [FieldOffset(40)] public ulong Size;
    [FieldOffset(64)] public StatxTimestamp Atime;
    [FieldOffset(96)] public StatxTimestamp Ctime;
    [FieldOffset(112)] public StatxTimestamp Mtime;
    [FieldOffset(136)] public uint DevMajor;
    [FieldOffset(140)] public uint DevMinor;

    public const ushort S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000,
        S_IFBLK = 0x6000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    /// <summary>The device number as glibc's makedev encodes it (what st_dev would hold).</summary>
    public readonly ulong Device =>
        ((ulong)(DevMajor & 0xfffff000) << 32) | ((ulong)(DevMajor & 0xfff) << 8)
        | ((ulong)(DevMinor & 0xffffff00) << 12) | (DevMinor & 0xff);

    /// <summary>
    /// The WASI file type of the mode. A socket found by path is reported as a stream socket (its kind
    /// is only known for an open descriptor); a FIFO has no WASI type and is unknown.
    /// </summary>
    public readonly Filetype Filetype => (Mode & S_IFMT) switch
    {
        S_IFREG => Filetype.RegularFile,
        S_IFDIR => Filetype.Directory,
        S_IFLNK => Filetype.SymbolicLink,
        S_IFCHR => Filetype.CharacterDevice,
        S_IFBLK => Filetype.BlockDevice,
        S_IFSOCK => Filetype.SocketStream,
        _ => Filetype.Unknown,
    };
}

[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct StatxTimestamp
{
    public long Sec;
    public uint Nsec;

    /// <summary>Nanoseconds since the epoch (WASI's timestamp); times before 1970 clamp to 0.</summary>
    public readonly ulong Nanoseconds => Sec < 0 ? 0 : (ulong)Sec * 1_000_000_000UL + Nsec;
}
