using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi.Descriptors;

/// <summary>
/// A descriptor backed by an OS file descriptor it owns (closed with it): a regular file, a directory
/// (a preopen or one path_open opened), a socket, or a duplicate of an inherited stdio descriptor.
/// Each operation is the one libc call; the kernel's errno is translated by <see cref="HostErrno"/>.
/// I/O goes straight between the descriptor and guest memory (readv/writev over guest buffers).
/// </summary>
internal sealed unsafe class HostDescriptor : Descriptor
{
    readonly Filetype _type;
    DirectoryListing? _listing;
    int _flagsToRestore = -1;

    HostDescriptor(int fd, Filetype type)
    {
        Fd = fd;
        _type = type;
    }

    /// <summary>Wraps <paramref name="fd"/> (now owned), finding its type; the rights are the most that type can hold.</summary>
    public static HostDescriptor Adopt(int fd)
    {
        Filetype type = TypeOf(fd);
        return new HostDescriptor(fd, type) { RightsBase = RightsSets.MaxFor(type), RightsInheriting = RightsSets.MaxFor(type) };
    }

    /// <summary>A preopened directory: all directory rights, and every right inheritable by what it opens.</summary>
    public static HostDescriptor Preopen(int fd, byte[] guestName) => new(fd, Filetype.Directory)
    {
        RightsBase = RightsSets.DirectoryBase,
        RightsInheriting = RightsSets.DirectoryInheriting,
        PreopenName = guestName,
    };

    /// <summary>
    /// For a duplicate of an inherited descriptor: its file status flags (append, nonblock) are shared with
    /// the host's, so the ones found now are put back when the guest's copy is closed (a guest setting
    /// nonblock on stdin must not leave the user's terminal non-blocking).
    /// </summary>
    public void RestoreFlagsOnClose() => _flagsToRestore = Posix.fcntl(Fd, Posix.F_GETFL, 0);

    /// <summary>The OS descriptor (-1 once closed).</summary>
    public int Fd { get; private set; }

    public override Filetype Filetype => _type;

    public bool IsDirectory => _type == Filetype.Directory;

    static Filetype TypeOf(int fd)
    {
        Statx st;
        byte empty = 0;
        if (Posix.statx(fd, &empty, Posix.AT_EMPTY_PATH, Posix.STATX_BASIC_STATS, &st) != 0) return Filetype.Unknown;
        if ((st.Mode & Statx.S_IFMT) != Statx.S_IFSOCK) return st.Filetype;
        int kind = 0;
        uint size = sizeof(int);
        Posix.getsockopt(fd, Posix.SOL_SOCKET, Posix.SO_TYPE, &kind, &size);
        return kind == Posix.SOCK_DGRAM ? Filetype.SocketDgram : Filetype.SocketStream;
    }

    /// <summary>True for a terminal (stdio rights then omit seek and tell, as wasi-libc's isatty expects).</summary>
    public bool IsTerminal => Posix.isatty(Fd) == 1;

    static Errno Result(nint rc, out ulong n)
    {
        n = rc >= 0 ? (ulong)rc : 0;
        return rc >= 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno Read(ReadOnlySpan<Posix.Iovec> iovs, out ulong read)
    {
        fixed (Posix.Iovec* p = iovs)
        {
            nint rc;
            do rc = Posix.readv(Fd, p, iovs.Length); while (rc < 0 && Posix.LastError == Posix.EINTR);
            return Result(rc, out read);
        }
    }

    public override Errno Write(ReadOnlySpan<Posix.Iovec> iovs, out ulong written)
    {
        fixed (Posix.Iovec* p = iovs)
        {
            nint rc;
            do rc = Posix.writev(Fd, p, iovs.Length); while (rc < 0 && Posix.LastError == Posix.EINTR);
            return Result(rc, out written);
        }
    }

    public override Errno Pread(ReadOnlySpan<Posix.Iovec> iovs, ulong offset, out ulong read)
    {
        read = 0;
        if (offset > long.MaxValue) return Errno.Inval;
        fixed (Posix.Iovec* p = iovs)
        {
            nint rc;
            do rc = Posix.preadv(Fd, p, iovs.Length, (long)offset); while (rc < 0 && Posix.LastError == Posix.EINTR);
            return Result(rc, out read);
        }
    }

    public override Errno Pwrite(ReadOnlySpan<Posix.Iovec> iovs, ulong offset, out ulong written)
    {
        written = 0;
        if (offset > long.MaxValue) return Errno.Inval;
        fixed (Posix.Iovec* p = iovs)
        {
            nint rc;
            do rc = Posix.pwritev(Fd, p, iovs.Length, (long)offset); while (rc < 0 && Posix.LastError == Posix.EINTR);
            return Result(rc, out written);
        }
    }

    public override Errno Seek(long offset, Whence whence, out ulong position)
    {
        long rc = Posix.lseek(Fd, offset, (int)whence);
        position = rc >= 0 ? (ulong)rc : 0;
        return rc >= 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno GetFlags(out Fdflags flags)
    {
        flags = Fdflags.None;
        int fl = Posix.fcntl(Fd, Posix.F_GETFL, 0);
        if (fl < 0) return HostErrno.Last;
        flags = FromOpenFlags(fl);
        return Errno.Success;
    }

    static Fdflags FromOpenFlags(int fl)
    {
        var f = Fdflags.None;
        if ((fl & Posix.O_APPEND) != 0) f |= Fdflags.Append;
        if ((fl & Posix.O_NONBLOCK) != 0) f |= Fdflags.Nonblock;
        // Linux: O_SYNC = O_DSYNC | __O_SYNC and O_RSYNC = O_SYNC, so rsync is never told apart.
        if ((fl & Posix.O_SYNC) == Posix.O_SYNC) f |= Fdflags.Sync;
        else if ((fl & Posix.O_DSYNC) != 0) f |= Fdflags.Dsync;
        return f;
    }

    public override Errno SetFlags(Fdflags flags)
    {
        int fl = Posix.fcntl(Fd, Posix.F_GETFL, 0);
        if (fl < 0) return HostErrno.Last;
        // Linux's F_SETFL changes append and nonblock only; a change of the sync flags cannot be made.
        const Fdflags syncFlags = Fdflags.Dsync | Fdflags.Rsync | Fdflags.Sync;
        if ((flags & syncFlags) != (FromOpenFlags(fl) & syncFlags) && (flags & syncFlags) != 0) return Errno.NotSup;
        fl &= ~(Posix.O_APPEND | Posix.O_NONBLOCK);
        if ((flags & Fdflags.Append) != 0) fl |= Posix.O_APPEND;
        if ((flags & Fdflags.Nonblock) != 0) fl |= Posix.O_NONBLOCK;
        return Posix.fcntl(Fd, Posix.F_SETFL, fl) == 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno Stat(out FileStat stat)
    {
        Statx st;
        byte empty = 0;
        if (Posix.statx(Fd, &empty, Posix.AT_EMPTY_PATH, Posix.STATX_BASIC_STATS, &st) != 0)
        {
            stat = default;
            return HostErrno.Last;
        }
        stat = FileStat.From(st, _type);
        return Errno.Success;
    }

    public override Errno SetSize(ulong size)
    {
        if (size > long.MaxValue) return Errno.Inval;
        return Posix.ftruncate(Fd, (long)size) == 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno SetTimes(ulong atim, ulong mtim, Fstflags flags)
    {
        Posix.Timespec* ts = stackalloc Posix.Timespec[2];
        Errno e = FileTimes.ToTimespecs(atim, mtim, flags, new Span<Posix.Timespec>(ts, 2));
        if (e != Errno.Success) return e;
        return Posix.futimens(Fd, ts) == 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno Sync() => Posix.fsync(Fd) == 0 ? Errno.Success : HostErrno.Last;

    public override Errno Datasync() => Posix.fdatasync(Fd) == 0 ? Errno.Success : HostErrno.Last;

    public override Errno Advise(ulong offset, ulong length, Advice advice)
    {
        if (offset > long.MaxValue || length > long.MaxValue) return Errno.Inval;
        int posix = advice switch
        {
            Advice.Normal => Posix.POSIX_FADV_NORMAL,
            Advice.Sequential => Posix.POSIX_FADV_SEQUENTIAL,
            Advice.Random => Posix.POSIX_FADV_RANDOM,
            Advice.WillNeed => Posix.POSIX_FADV_WILLNEED,
            Advice.DontNeed => Posix.POSIX_FADV_DONTNEED,
            Advice.NoReuse => Posix.POSIX_FADV_NOREUSE,
            _ => -1,
        };
        if (posix < 0) return Errno.Inval;
        int rc = Posix.posix_fadvise(Fd, (long)offset, (long)length, posix);
        return rc == 0 ? Errno.Success : HostErrno.ToWasi(rc);
    }

    public override Errno Allocate(ulong offset, ulong length)
    {
        if (offset > long.MaxValue || length > long.MaxValue) return Errno.Inval;
        int rc = Posix.posix_fallocate(Fd, (long)offset, (long)length);
        return rc == 0 ? Errno.Success : HostErrno.ToWasi(rc);
    }

    public override Errno List(ulong cookie, out DirectoryListing? listing)
    {
        listing = null;
        if (!IsDirectory) return Errno.NotDir;
        if (cookie == 0 || _listing is null)
        {
            Errno e = DirectoryListing.Read(Fd, out _listing);
            if (e != Errno.Success) return e;
        }
        listing = _listing;
        return Errno.Success;
    }

    public override int PollHandle => _type is Filetype.RegularFile or Filetype.Directory ? -1 : Fd;

    public override ulong ReadableBytes
    {
        get
        {
            if (_type != Filetype.RegularFile || Stat(out FileStat st) != Errno.Success) return 0;
            long pos = Posix.lseek(Fd, 0, (int)Whence.Cur);
            return pos >= 0 && (ulong)pos < st.Size ? st.Size - (ulong)pos : 0;
        }
    }

    bool IsSocket => _type is Filetype.SocketStream or Filetype.SocketDgram;

    public override Errno Accept(Fdflags flags, out Descriptor? accepted)
    {
        accepted = null;
        if (!IsSocket) return Errno.NotSock;
        if ((flags & ~Fdflags.Nonblock) != 0) return Errno.Inval;
        int fd;
        do fd = Posix.accept4(Fd, 0, 0, Posix.SOCK_CLOEXEC | ((flags & Fdflags.Nonblock) != 0 ? Posix.SOCK_NONBLOCK : 0));
        while (fd < 0 && Posix.LastError == Posix.EINTR);
        if (fd < 0) return HostErrno.Last;
        accepted = new HostDescriptor(fd, Filetype.SocketStream)
        {
            RightsBase = RightsSets.SocketBase & ~Rights.SockAccept,
            RightsInheriting = Rights.None,
        };
        return Errno.Success;
    }

    public override Errno Receive(ReadOnlySpan<Posix.Iovec> iovs, Riflags flags, out ulong received, out Roflags outFlags)
    {
        received = 0;
        outFlags = Roflags.None;
        if (!IsSocket) return Errno.NotSock;
        if ((flags & ~(Riflags.RecvPeek | Riflags.RecvWaitall)) != 0) return Errno.Inval;
        int f = ((flags & Riflags.RecvPeek) != 0 ? Posix.MSG_PEEK : 0) | ((flags & Riflags.RecvWaitall) != 0 ? Posix.MSG_WAITALL : 0);
        fixed (Posix.Iovec* p = iovs)
        {
            var msg = new Posix.MsgHdr { Iov = (nint)p, IovLength = (nuint)iovs.Length };
            nint rc;
            do rc = Posix.recvmsg(Fd, &msg, f); while (rc < 0 && Posix.LastError == Posix.EINTR);
            if (rc < 0) return HostErrno.Last;
            received = (ulong)rc;
            if ((msg.Flags & Posix.MSG_TRUNC) != 0) outFlags = Roflags.RecvDataTruncated;
            return Errno.Success;
        }
    }

    public override Errno Send(ReadOnlySpan<Posix.Iovec> iovs, out ulong sent)
    {
        sent = 0;
        if (!IsSocket) return Errno.NotSock;
        fixed (Posix.Iovec* p = iovs)
        {
            var msg = new Posix.MsgHdr { Iov = (nint)p, IovLength = (nuint)iovs.Length };
            nint rc;
            do rc = Posix.sendmsg(Fd, &msg, Posix.MSG_NOSIGNAL); while (rc < 0 && Posix.LastError == Posix.EINTR);
            return Result(rc, out sent);
        }
    }

    public override Errno Shutdown(Sdflags how)
    {
        if (!IsSocket) return Errno.NotSock;
        int h = how switch
        {
            Sdflags.Rd => Posix.SHUT_RD,
            Sdflags.Wr => Posix.SHUT_WR,
            Sdflags.Rd | Sdflags.Wr => Posix.SHUT_RDWR,
            _ => -1,
        };
        if (h < 0) return Errno.Inval;
        return Posix.shutdown(Fd, h) == 0 ? Errno.Success : HostErrno.Last;
    }

    public override Errno Close()
    {
        if (Fd < 0) return Errno.BadF;
        int fd = Fd;
        Fd = -1;
        if (_flagsToRestore >= 0) Posix.fcntl(fd, Posix.F_SETFL, _flagsToRestore);
        // close(2) releases the descriptor even when it reports EINTR or EIO: never retry.
        return Posix.close(fd) == 0 ? Errno.Success : HostErrno.Last;
    }
}
