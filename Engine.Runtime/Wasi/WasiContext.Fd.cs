using System.Runtime.CompilerServices;
using Hoist.Runtime.Wasi.Descriptors;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

// fd_*: operations on an open descriptor. Order of checks everywhere: the descriptor exists (EBADF), it
// holds the rights the call needs (ENOTCAPABLE; but reading or writing without fd_read / fd_write is
// EBADF, as POSIX says of a descriptor not open for it), the out-pointers are inside memory (EFAULT),
// then the operation, so a bad pointer never loses data already read or written.
public sealed partial class WasiContext
{
    /// <summary>IOV_MAX: more buffers in one call is EINVAL, as for readv/writev.</summary>
    const uint MaxIovecs = 1024;

    [InlineArray(16)]
    struct IovecBuffer { Posix.Iovec _first; }

    internal Errno Lookup(uint fd, Rights needed, out Descriptor d)
    {
        Errno e = _fds.Get(fd, out d);
        if (e != Errno.Success) return e;
        return (d.RightsBase & needed) == needed ? Errno.Success : Errno.NotCapable;
    }

    /// <summary>Like <see cref="Lookup"/> for I/O: a descriptor without <paramref name="io"/> (fd_read or fd_write) is EBADF.</summary>
    Errno LookupIo(uint fd, Rights io, Rights others, out Descriptor d)
    {
        Errno e = _fds.Get(fd, out d);
        if (e != Errno.Success) return e;
        if ((d.RightsBase & io) == 0) return Errno.BadF;
        return (d.RightsBase & others) == others ? Errno.Success : Errno.NotCapable;
    }

    /// <summary>The guest's iovec array as native iovecs (checked), in <paramref name="buffer"/> when it fits.</summary>
    static Span<Posix.Iovec> Iovecs(in GuestMemory m, uint iovs, uint count, ref IovecBuffer buffer)
    {
        if (count > MaxIovecs) throw new WasiErrorException(Errno.Inval);
        Span<Posix.Iovec> v = count <= 16 ? ((Span<Posix.Iovec>)buffer)[..(int)count] : new Posix.Iovec[count];
        m.ReadIovecs(iovs, count, v);
        return v;
    }

    internal Errno FdRead(in GuestMemory m, uint fd, uint iovs, uint count, uint resultPtr)
    {
        Errno e = LookupIo(fd, Rights.FdRead, 0, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        var buffer = new IovecBuffer();
        e = d.Read(Iovecs(m, iovs, count, ref buffer), out ulong n);
        if (e == Errno.Success) m.Write32(resultPtr, (uint)n);
        return e;
    }

    internal Errno FdWrite(in GuestMemory m, uint fd, uint iovs, uint count, uint resultPtr)
    {
        Errno e = LookupIo(fd, Rights.FdWrite, 0, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        var buffer = new IovecBuffer();
        e = d.Write(Iovecs(m, iovs, count, ref buffer), out ulong n);
        if (e == Errno.Success) m.Write32(resultPtr, (uint)n);
        return e;
    }

    internal Errno FdPread(in GuestMemory m, uint fd, uint iovs, uint count, ulong offset, uint resultPtr)
    {
        Errno e = LookupIo(fd, Rights.FdRead, Rights.FdSeek, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        var buffer = new IovecBuffer();
        e = d.Pread(Iovecs(m, iovs, count, ref buffer), offset, out ulong n);
        if (e == Errno.Success) m.Write32(resultPtr, (uint)n);
        return e;
    }

    internal Errno FdPwrite(in GuestMemory m, uint fd, uint iovs, uint count, ulong offset, uint resultPtr)
    {
        Errno e = LookupIo(fd, Rights.FdWrite, Rights.FdSeek, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        var buffer = new IovecBuffer();
        e = d.Pwrite(Iovecs(m, iovs, count, ref buffer), offset, out ulong n);
        if (e == Errno.Success) m.Write32(resultPtr, (uint)n);
        return e;
    }

    internal Errno FdSeek(in GuestMemory m, uint fd, ulong offset, uint whence, uint resultPtr)
    {
        // fd_tell's right suffices to ask for the current position (what lseek(fd, 0, SEEK_CUR) does).
        Rights needed = whence == (uint)Whence.Cur && offset == 0 ? Rights.FdTell : Rights.FdSeek;
        Errno e = Lookup(fd, needed, out Descriptor d);
        if (e != Errno.Success) return e;
        if (whence > (uint)Whence.End) return Errno.Inval;
        m.Check(resultPtr, 8);
        e = d.Seek((long)offset, (Whence)whence, out ulong position);
        if (e == Errno.Success) m.Write64(resultPtr, position);
        return e;
    }

    internal Errno FdTell(in GuestMemory m, uint fd, uint resultPtr)
    {
        Errno e = Lookup(fd, Rights.FdTell, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 8);
        e = d.Seek(0, Whence.Cur, out ulong position);
        if (e == Errno.Success) m.Write64(resultPtr, position);
        return e;
    }

    internal Errno FdClose(uint fd) => _fds.Close(fd);

    internal Errno FdRenumber(uint from, uint to) => _fds.Renumber(from, to);

    internal Errno FdSync(uint fd)
    {
        Errno e = Lookup(fd, Rights.FdSync, out Descriptor d);
        return e != Errno.Success ? e : d.Sync();
    }

    internal Errno FdDatasync(uint fd)
    {
        Errno e = Lookup(fd, Rights.FdDatasync, out Descriptor d);
        return e != Errno.Success ? e : d.Datasync();
    }

    internal Errno FdAdvise(uint fd, ulong offset, ulong length, uint advice)
    {
        Errno e = Lookup(fd, Rights.FdAdvise, out Descriptor d);
        if (e != Errno.Success) return e;
        return advice > (uint)Advice.NoReuse ? Errno.Inval : d.Advise(offset, length, (Advice)advice);
    }

    internal Errno FdAllocate(uint fd, ulong offset, ulong length)
    {
        Errno e = Lookup(fd, Rights.FdAllocate, out Descriptor d);
        return e != Errno.Success ? e : d.Allocate(offset, length);
    }

    internal Errno FdFdstatGet(in GuestMemory m, uint fd, uint resultPtr)
    {
        Errno e = _fds.Get(fd, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, WasiLayout.FdstatSize);
        e = d.GetFlags(out Fdflags flags);
        if (e != Errno.Success) return e;
        m.Span(resultPtr, WasiLayout.FdstatSize).Clear();
        m.Write8(resultPtr, (byte)d.Filetype);
        m.Write16(resultPtr + WasiLayout.FdstatFlags, (ushort)flags);
        m.Write64(resultPtr + WasiLayout.FdstatRightsBase, (ulong)d.RightsBase);
        m.Write64(resultPtr + WasiLayout.FdstatRightsInheriting, (ulong)d.RightsInheriting);
        return Errno.Success;
    }

    internal Errno FdFdstatSetFlags(uint fd, uint flags)
    {
        Errno e = Lookup(fd, Rights.FdFdstatSetFlags, out Descriptor d);
        if (e != Errno.Success) return e;
        const uint known = (uint)(Fdflags.Append | Fdflags.Dsync | Fdflags.Nonblock | Fdflags.Rsync | Fdflags.Sync);
        return (flags & ~known) != 0 ? Errno.Inval : d.SetFlags((Fdflags)flags);
    }

    /// <summary>Rights can only be dropped, never gained.</summary>
    internal Errno FdFdstatSetRights(uint fd, ulong rightsBase, ulong rightsInheriting)
    {
        Errno e = _fds.Get(fd, out Descriptor d);
        if (e != Errno.Success) return e;
        if (((Rights)rightsBase & ~d.RightsBase) != 0 || ((Rights)rightsInheriting & ~d.RightsInheriting) != 0) return Errno.NotCapable;
        d.RightsBase = (Rights)rightsBase;
        d.RightsInheriting = (Rights)rightsInheriting;
        return Errno.Success;
    }

    internal Errno FdFilestatGet(in GuestMemory m, uint fd, uint resultPtr)
    {
        Errno e = Lookup(fd, Rights.FdFilestatGet, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, WasiLayout.FilestatSize);
        e = d.Stat(out FileStat stat);
        if (e == Errno.Success) stat.WriteTo(m, resultPtr);
        return e;
    }

    internal Errno FdFilestatSetSize(uint fd, ulong size)
    {
        Errno e = Lookup(fd, Rights.FdFilestatSetSize, out Descriptor d);
        return e != Errno.Success ? e : d.SetSize(size);
    }

    internal Errno FdFilestatSetTimes(uint fd, ulong atim, ulong mtim, uint flags)
    {
        Errno e = Lookup(fd, Rights.FdFilestatSetTimes, out Descriptor d);
        return e != Errno.Success ? e : d.SetTimes(atim, mtim, (Fstflags)flags);
    }

    internal Errno FdPrestatGet(in GuestMemory m, uint fd, uint resultPtr)
    {
        Errno e = _fds.Get(fd, out Descriptor d);
        if (e != Errno.Success) return e;
        if (d.PreopenName is not byte[] name) return Errno.BadF;   // wasi-libc stops scanning preopens at EBADF
        m.Check(resultPtr, WasiLayout.PrestatSize);
        m.Write32(resultPtr, 0);   // tag 0: a directory (and the padding)
        m.Write32(resultPtr + WasiLayout.PrestatNameLength, (uint)name.Length);
        return Errno.Success;
    }

    internal Errno FdPrestatDirName(in GuestMemory m, uint fd, uint buffer, uint length)
    {
        Errno e = _fds.Get(fd, out Descriptor d);
        if (e != Errno.Success) return e;
        if (d.PreopenName is not byte[] name) return Errno.BadF;
        if (length < name.Length) return Errno.NameTooLong;
        name.CopyTo(m.Span(buffer, (uint)name.Length));
        return Errno.Success;
    }

    /// <summary>
    /// Fills the buffer with dirents from <paramref name="cookie"/> on; the last one may be cut off, and a
    /// result equal to the buffer's size tells the caller there may be more (wasi-libc then grows its buffer).
    /// </summary>
    internal Errno FdReaddir(in GuestMemory m, uint fd, uint buffer, uint length, ulong cookie, uint resultPtr)
    {
        Errno e = Lookup(fd, Rights.FdReaddir, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        Span<byte> output = m.Span(buffer, length);
        e = d.List(cookie, out DirectoryListing? listing);
        if (e != Errno.Success) return e;
        int used = 0;
        Span<byte> header = stackalloc byte[WasiLayout.DirentSize];
        for (ulong i = cookie; i < (ulong)listing!.Entries.Count && used < output.Length; i++)
        {
            var entry = listing.Entries[(int)i];
            header.Clear();
            BitConverter.TryWriteBytes(header[WasiLayout.DirentNext..], i + 1);
            BitConverter.TryWriteBytes(header[WasiLayout.DirentIno..], entry.Inode);
            BitConverter.TryWriteBytes(header[WasiLayout.DirentNamlen..], (uint)entry.Name.Length);
            header[WasiLayout.DirentType] = (byte)entry.Type;
            used += CopyPart(header, output[used..]);
            used += CopyPart(entry.Name, output[used..]);
        }
        m.Write32(resultPtr, (uint)used);
        return Errno.Success;
    }

    static int CopyPart(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n = Math.Min(source.Length, destination.Length);
        source[..n].CopyTo(destination);
        return n;
    }
}
