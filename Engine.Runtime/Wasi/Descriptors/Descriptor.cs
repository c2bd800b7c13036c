using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi.Descriptors;

/// <summary>
/// An open WASI file descriptor: what the guest's fd number stands for in the <see cref="FdTable"/>.
/// Holds the descriptor's rights (checked by the functions before they call in here) and implements the
/// fd_* operations; the defaults are what POSIX answers for an object that cannot do the operation.
/// </summary>
/// <remarks>
/// Buffers arrive as native iovecs already bounds-checked against guest memory (<see cref="GuestMemory.ReadIovecs"/>).
/// Two kinds exist: <see cref="HostDescriptor"/> (an OS file descriptor: files, directories, inherited
/// stdio, sockets) and <see cref="StreamDescriptor"/> (a .NET stream standing in for stdio).
/// </remarks>
internal abstract class Descriptor
{
    public Rights RightsBase { get; set; }
    public Rights RightsInheriting { get; set; }

    public abstract Filetype Filetype { get; }

    /// <summary>The guest path of a preopened directory (the name fd_prestat_dir_name returns), else null.</summary>
    public byte[]? PreopenName { get; init; }

    public virtual Errno Read(ReadOnlySpan<Posix.Iovec> iovs, out ulong read) { read = 0; return Errno.BadF; }
    public virtual Errno Write(ReadOnlySpan<Posix.Iovec> iovs, out ulong written) { written = 0; return Errno.BadF; }
    public virtual Errno Pread(ReadOnlySpan<Posix.Iovec> iovs, ulong offset, out ulong read) { read = 0; return Errno.SPipe; }
    public virtual Errno Pwrite(ReadOnlySpan<Posix.Iovec> iovs, ulong offset, out ulong written) { written = 0; return Errno.SPipe; }
    public virtual Errno Seek(long offset, Whence whence, out ulong position) { position = 0; return Errno.SPipe; }
    public virtual Errno GetFlags(out Fdflags flags) { flags = Fdflags.None; return Errno.Success; }
    public virtual Errno SetFlags(Fdflags flags) => Errno.NotSup;
    public abstract Errno Stat(out FileStat stat);
    public virtual Errno SetSize(ulong size) => Errno.Inval;
    public virtual Errno SetTimes(ulong atim, ulong mtim, Fstflags flags) => Errno.NotSup;
    public virtual Errno Sync() => Errno.Inval;
    public virtual Errno Datasync() => Errno.Inval;
    public virtual Errno Advise(ulong offset, ulong length, Advice advice) => Errno.SPipe;
    public virtual Errno Allocate(ulong offset, ulong length) => Errno.NotSup;

    /// <summary>The directory's entries for fd_readdir (null, with the errno, when this is no directory).</summary>
    public virtual Errno List(ulong cookie, out DirectoryListing? listing) { listing = null; return Errno.NotDir; }

    /// <summary>The OS descriptor to poll, or -1 when the descriptor is always ready (files, streams).</summary>
    public virtual int PollHandle => -1;

    /// <summary>For fd_read subscriptions on an always-ready descriptor: the bytes readable without blocking.</summary>
    public virtual ulong ReadableBytes => 0;

    public virtual Errno Accept(Fdflags flags, out Descriptor? accepted) { accepted = null; return Errno.NotSock; }
    public virtual Errno Receive(ReadOnlySpan<Posix.Iovec> iovs, Riflags flags, out ulong received, out Roflags outFlags)
    { received = 0; outFlags = Roflags.None; return Errno.NotSock; }
    public virtual Errno Send(ReadOnlySpan<Posix.Iovec> iovs, out ulong sent) { sent = 0; return Errno.NotSock; }
    public virtual Errno Shutdown(Sdflags how) => Errno.NotSock;

    /// <summary>Releases what the descriptor holds (fd_close, fd_renumber's target, the end of the context).</summary>
    public abstract Errno Close();
}

/// <summary>WASI's <c>filestat</c>.</summary>
internal readonly record struct FileStat(ulong Dev, ulong Ino, Filetype Filetype, ulong Nlink, ulong Size, ulong Atim, ulong Mtim, ulong Ctim)
{
    public static FileStat From(in Statx s, Filetype? type = null) =>
        new(s.Device, s.Ino, type ?? s.Filetype, s.Nlink, s.Size, s.Atime.Nanoseconds, s.Mtime.Nanoseconds, s.Ctime.Nanoseconds);

    public void WriteTo(in GuestMemory m, uint ptr)
    {
        m.Check(ptr, WasiLayout.FilestatSize);
        m.Span(ptr, WasiLayout.FilestatSize).Clear();
        m.Write64(ptr + WasiLayout.FilestatDev, Dev);
        m.Write64(ptr + WasiLayout.FilestatIno, Ino);
        m.Write8(ptr + WasiLayout.FilestatFiletype, (byte)Filetype);
        m.Write64(ptr + WasiLayout.FilestatNlink, Nlink);
        m.Write64(ptr + WasiLayout.FilestatSizeField, Size);
        m.Write64(ptr + WasiLayout.FilestatAtim, Atim);
        m.Write64(ptr + WasiLayout.FilestatMtim, Mtim);
        m.Write64(ptr + WasiLayout.FilestatCtim, Ctim);
    }
}
