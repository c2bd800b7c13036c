using Hoist.Runtime.Wasi.Descriptors;
using Hoist.Runtime.Wasi.Native;
using Hoist.Runtime.Wasi.Sandbox;

namespace Hoist.Runtime.Wasi;

// path_*: every path is resolved by PathResolver inside the directory descriptor it is relative to (see
// there for the confinement), and the operation is then the *at call on (parent, final name) that does
// not follow symlinks. Checks: the descriptor exists (EBADF), holds the right (ENOTCAPABLE), is a
// directory (ENOTDIR), the path resolves (ENOTCAPABLE for an escape), then the call.
public sealed partial class WasiContext
{
    /// <summary>The mode of files and directories the guest creates (the host's umask applies), as wasmtime and uvwasi use.</summary>
    const uint CreateFileMode = 0b110_110_110, CreateDirectoryMode = 0b111_111_111;

    Errno LookupDirectory(uint fd, Rights needed, out HostDescriptor dir)
    {
        dir = null!;
        Errno e = Lookup(fd, needed, out Descriptor d);
        if (e != Errno.Success) return e;
        if (d is not HostDescriptor { IsDirectory: true } h) return Errno.NotDir;
        dir = h;
        return Errno.Success;
    }

    /// <summary>Looks up the directory and resolves <paramref name="path"/> in it.</summary>
    Errno Resolve(in GuestMemory m, uint fd, Rights needed, uint path, uint pathLength, bool follow, out ResolvedPath resolved)
    {
        resolved = default;
        Errno e = LookupDirectory(fd, needed, out HostDescriptor dir);
        if (e != Errno.Success) return e;
        return PathResolver.Resolve(dir.Fd, m.Bytes(path, pathLength), follow, out resolved);
    }

    static bool Follows(uint lookupFlags) => (lookupFlags & (uint)Lookupflags.SymlinkFollow) != 0;

    static Errno Check(int rc) => rc == 0 ? Errno.Success : HostErrno.Last;

    internal unsafe Errno PathCreateDirectory(in GuestMemory m, uint fd, uint path, uint pathLength)
    {
        Errno e = Resolve(m, fd, Rights.PathCreateDirectory, path, pathLength, false, out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
            fixed (byte* name = r.Name)
                return Check(Posix.mkdirat(r.DirFd, name, CreateDirectoryMode));
    }

    internal unsafe Errno PathRemoveDirectory(in GuestMemory m, uint fd, uint path, uint pathLength)
    {
        Errno e = Resolve(m, fd, Rights.PathRemoveDirectory, path, pathLength, false, out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
            fixed (byte* name = r.Name)
                return Check(Posix.unlinkat(r.DirFd, name, Posix.AT_REMOVEDIR));
    }

    internal unsafe Errno PathUnlinkFile(in GuestMemory m, uint fd, uint path, uint pathLength)
    {
        Errno e = Resolve(m, fd, Rights.PathUnlinkFile, path, pathLength, false, out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
        {
            e = r.CheckDirectoryRequirement();
            if (e != Errno.Success) return e;
            fixed (byte* name = r.Name)
                return Check(Posix.unlinkat(r.DirFd, name, 0));
        }
    }

    internal unsafe Errno PathFilestatGet(in GuestMemory m, uint fd, uint flags, uint path, uint pathLength, uint resultPtr)
    {
        Errno e = Resolve(m, fd, Rights.PathFilestatGet, path, pathLength, Follows(flags), out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
        {
            m.Check(resultPtr, WasiLayout.FilestatSize);
            e = r.CheckDirectoryRequirement();
            if (e != Errno.Success) return e;
            Statx st;
            fixed (byte* name = r.Name)
                if (Posix.statx(r.DirFd, name, Posix.AT_SYMLINK_NOFOLLOW, Posix.STATX_BASIC_STATS, &st) != 0) return HostErrno.Last;
            FileStat.From(st).WriteTo(m, resultPtr);
            return Errno.Success;
        }
    }

    internal unsafe Errno PathFilestatSetTimes(in GuestMemory m, uint fd, uint flags, uint path, uint pathLength, ulong atim, ulong mtim, uint fstFlags)
    {
        Errno e = Resolve(m, fd, Rights.PathFilestatSetTimes, path, pathLength, Follows(flags), out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
        {
            Posix.Timespec* times = stackalloc Posix.Timespec[2];
            e = FileTimes.ToTimespecs(atim, mtim, (Fstflags)fstFlags, new Span<Posix.Timespec>(times, 2));
            if (e != Errno.Success) return e;
            e = r.CheckDirectoryRequirement();
            if (e != Errno.Success) return e;
            fixed (byte* name = r.Name)
                return Check(Posix.utimensat(r.DirFd, name, times, Posix.AT_SYMLINK_NOFOLLOW));
        }
    }

    internal unsafe Errno PathReadlink(in GuestMemory m, uint fd, uint path, uint pathLength, uint buffer, uint length, uint resultPtr)
    {
        Errno e = Resolve(m, fd, Rights.PathReadlink, path, pathLength, false, out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
        {
            m.Check(resultPtr, 4);
            Span<byte> output = m.Span(buffer, length);
            byte* target = stackalloc byte[Posix.PATH_MAX];
            nint n;
            fixed (byte* name = r.Name) n = Posix.readlinkat(r.DirFd, name, target, Posix.PATH_MAX);
            if (n < 0) return HostErrno.Last;
            // Like readlink(2): a target longer than the buffer is silently cut.
            int copied = CopyPart(new ReadOnlySpan<byte>(target, (int)n), output);
            m.Write32(resultPtr, (uint)copied);
            return Errno.Success;
        }
    }

    /// <summary>
    /// Creates a symlink holding <paramref name="target"/> as given. An absolute target is refused
    /// (ENOTCAPABLE): it could only ever name the host's root, which the guest has no capability for.
    /// Relative targets are stored as they are; following them later is confined like any path.
    /// </summary>
    internal unsafe Errno PathSymlink(in GuestMemory m, uint target, uint targetLength, uint fd, uint path, uint pathLength)
    {
        ReadOnlySpan<byte> text = m.Bytes(target, targetLength);
        if (text.IndexOf((byte)0) >= 0) return Errno.Inval;
        if (!System.Text.Unicode.Utf8.IsValid(text)) return Errno.IlSeq;
        if (text.Length > 0 && text[0] == (byte)'/') return Errno.NotCapable;
        byte[] z = new byte[text.Length + 1];
        text.CopyTo(z);
        Errno e = Resolve(m, fd, Rights.PathSymlink, path, pathLength, false, out ResolvedPath r);
        if (e != Errno.Success) return e;
        using (r)
            fixed (byte* t = z)
            fixed (byte* name = r.Name)
                return Check(Posix.symlinkat(t, r.DirFd, name));
    }

    internal unsafe Errno PathLink(in GuestMemory m, uint oldFd, uint oldFlags, uint oldPath, uint oldLength, uint newFd, uint newPath, uint newLength)
    {
        Errno e = Resolve(m, oldFd, Rights.PathLinkSource, oldPath, oldLength, Follows(oldFlags), out ResolvedPath from);
        if (e != Errno.Success) return e;
        using (from)
        {
            e = Resolve(m, newFd, Rights.PathLinkTarget, newPath, newLength, false, out ResolvedPath to);
            if (e != Errno.Success) return e;
            using (to)
            {
                e = from.CheckDirectoryRequirement();
                if (e != Errno.Success) return e;
                fixed (byte* a = from.Name)
                fixed (byte* b = to.Name)
                    return Check(Posix.linkat(from.DirFd, a, to.DirFd, b, 0));
            }
        }
    }

    internal unsafe Errno PathRename(in GuestMemory m, uint fd, uint oldPath, uint oldLength, uint newFd, uint newPath, uint newLength)
    {
        Errno e = Resolve(m, fd, Rights.PathRenameSource, oldPath, oldLength, false, out ResolvedPath from);
        if (e != Errno.Success) return e;
        using (from)
        {
            e = Resolve(m, newFd, Rights.PathRenameTarget, newPath, newLength, false, out ResolvedPath to);
            if (e != Errno.Success) return e;
            using (to)
            {
                e = from.CheckDirectoryRequirement();
                if (e != Errno.Success) return e;
                fixed (byte* a = from.Name)
                fixed (byte* b = to.Name)
                    return Check(Posix.renameat(from.DirFd, a, to.DirFd, b));
            }
        }
    }

    /// <summary>
    /// path_open. The OS open mode follows the requested rights (read: fd_read or fd_readdir; write:
    /// fd_write, fd_datasync, fd_allocate or fd_filestat_set_size), as in wasi-common. Requested rights
    /// must be inheritable from the directory (else ENOTCAPABLE); the new descriptor keeps those that
    /// make sense for what was opened. O_CREAT|O_EXCL never follows a final symlink (POSIX).
    /// </summary>
    internal unsafe Errno PathOpen(in GuestMemory m, uint fd, uint dirFlags, uint path, uint pathLength, uint oflags,
        ulong rightsBase, ulong rightsInheriting, uint fdFlags, uint resultPtr)
    {
        var o = (Oflags)oflags;
        var f = (Fdflags)fdFlags;
        if ((o & ~(Oflags.Creat | Oflags.Directory | Oflags.Excl | Oflags.Trunc)) != 0) return Errno.Inval;
        if ((f & ~(Fdflags.Append | Fdflags.Dsync | Fdflags.Nonblock | Fdflags.Rsync | Fdflags.Sync)) != 0) return Errno.Inval;
        var requested = (Rights)rightsBase & RightsSets.All;
        var inheriting = (Rights)rightsInheriting & RightsSets.All;

        Rights needed = Rights.PathOpen
            | ((o & Oflags.Creat) != 0 ? Rights.PathCreateFile : 0)
            | ((o & Oflags.Trunc) != 0 ? Rights.PathFilestatSetSize : 0);
        Errno e = LookupDirectory(fd, needed, out HostDescriptor dir);
        if (e != Errno.Success) return e;
        if ((f & Fdflags.Dsync) != 0) requested |= Rights.FdDatasync;
        if ((f & (Fdflags.Rsync | Fdflags.Sync)) != 0) requested |= Rights.FdSync;
        if ((requested & ~dir.RightsInheriting) != 0 || (inheriting & ~dir.RightsInheriting) != 0) return Errno.NotCapable;
        m.Check(resultPtr, 4);

        bool follow = Follows(dirFlags) && (o & (Oflags.Creat | Oflags.Excl)) != (Oflags.Creat | Oflags.Excl);
        e = PathResolver.Resolve(dir.Fd, m.Bytes(path, pathLength), follow, out ResolvedPath r);
        if (e != Errno.Success) return e;
        int newFd;
        using (r)
        {
            bool read = (requested & (Rights.FdRead | Rights.FdReaddir)) != 0;
            bool write = (requested & (Rights.FdWrite | Rights.FdDatasync | Rights.FdAllocate | Rights.FdFilestatSetSize)) != 0;
            int flags = (read && write ? Posix.O_RDWR : write ? Posix.O_WRONLY : Posix.O_RDONLY)
                | Posix.O_NOFOLLOW | Posix.O_CLOEXEC | Posix.O_NOCTTY
                | ((o & Oflags.Creat) != 0 ? Posix.O_CREAT : 0)
                | ((o & Oflags.Excl) != 0 ? Posix.O_EXCL : 0)
                | ((o & Oflags.Trunc) != 0 ? Posix.O_TRUNC : 0)
                | ((o & Oflags.Directory) != 0 || r.MustBeDirectory ? Posix.O_DIRECTORY : 0)
                | ((f & Fdflags.Append) != 0 ? Posix.O_APPEND : 0)
                | ((f & Fdflags.Dsync) != 0 ? Posix.O_DSYNC : 0)
                | ((f & Fdflags.Nonblock) != 0 ? Posix.O_NONBLOCK : 0)
                | ((f & (Fdflags.Sync | Fdflags.Rsync)) != 0 ? Posix.O_SYNC : 0);
            fixed (byte* name = r.Name) newFd = Posix.openat(r.DirFd, name, flags, CreateFileMode);
            if (newFd < 0) return HostErrno.Last;
        }
        var opened = HostDescriptor.Adopt(newFd);
        opened.RightsBase = requested & RightsSets.MaxFor(opened.Filetype);
        opened.RightsInheriting = inheriting;
        e = _fds.Insert(opened, out uint guestFd);
        if (e != Errno.Success)
        {
            opened.Close();
            return e;
        }
        m.Write32(resultPtr, guestFd);
        return Errno.Success;
    }
}
