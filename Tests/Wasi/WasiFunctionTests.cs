using System.Text;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>
/// The wasi_snapshot_preview1 functions one by one at the ABI level (through <see cref="WasiProbe"/>):
/// results, struct layouts and errno values as the interface defines them.
/// </summary>
public sealed class WasiFunctionTests : IDisposable
{
    readonly string _dir;
    readonly MemoryStream _stdout = new();
    readonly WasiProbe _probe;

    public WasiFunctionTests()
    {
        _dir = Directory.CreateTempSubdirectory("hoist-wasi-fn-").FullName;
        File.WriteAllText(Path.Combine(_dir, "data.txt"), "0123456789");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        var config = new WasiConfig
        {
            Stdin = WasiStdio.FromStream(new MemoryStream(Encoding.UTF8.GetBytes("from stdin"))),
            Stdout = WasiStdio.FromStream(_stdout),
            Stderr = WasiStdio.Null,
        }.WithArguments("prog", "a", "ü").WithEnvironment("K", "V").WithEnvironment("EMPTY", "").PreopenDirectory(_dir, "/dir");
        _probe = new WasiProbe(config);
    }

    public void Dispose()
    {
        _probe.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    Errno Call(string name, params object[] args) => _probe.Call(name, args);

    uint OpenData(Rights rights = WasiProbe.FileRights, Fdflags fdflags = Fdflags.None)
    {
        Assert.Equal(Errno.Success, _probe.Open("data.txt", out uint fd, rights: rights, fdflags: fdflags));
        return fd;
    }

    [Fact]
    public void ArgsAndEnvironmentArePackedAsCStrings()
    {
        uint count = _probe.Alloc(4), size = _probe.Alloc(4);
        Assert.Equal(Errno.Success, Call("args_sizes_get", count, size));
        Assert.Equal(3u, _probe.U32(count));
        Assert.Equal((uint)"prog\0a\0ü\0".Length + 1, _probe.U32(size));   // ü is two bytes
        uint argv = _probe.Alloc(12), buf = _probe.Alloc(16);
        Assert.Equal(Errno.Success, Call("args_get", argv, buf));
        Assert.Equal(buf, _probe.U32(argv));
        Assert.Equal(Encoding.UTF8.GetBytes("prog\0a\0ü\0"), _probe.Bytes(buf, 10));
        Assert.Equal(buf + 7, _probe.U32(argv + 8));

        Assert.Equal(Errno.Success, Call("environ_sizes_get", count, size));
        Assert.Equal(2u, _probe.U32(count));
        Assert.Equal(11u, _probe.U32(size));
        uint environ = _probe.Alloc(8), ebuf = _probe.Alloc(11);
        Assert.Equal(Errno.Success, Call("environ_get", environ, ebuf));
        Assert.Equal("K=V\0EMPTY=\0"u8.ToArray(), _probe.Bytes(ebuf, 11));
        Assert.Equal(ebuf + 4, _probe.U32(environ + 4));
        Assert.Equal(Errno.Fault, Call("args_get", (uint)_probe.Memory.Length - 4, buf));
    }

    [Fact]
    public void ClocksReportNanosecondsAndRejectUnknownIds()
    {
        uint t = _probe.Alloc(8);
        foreach (ClockId id in Enum.GetValues<ClockId>())
        {
            Assert.Equal(Errno.Success, Call("clock_res_get", id, t));
            Assert.InRange(_probe.U64(t), 1UL, 1_000_000UL);
            Assert.Equal(Errno.Success, Call("clock_time_get", id, 1000UL, t));
            Assert.True(_probe.U64(t) > 0);
        }
        Assert.Equal(Errno.Success, Call("clock_time_get", ClockId.Realtime, 0UL, t));
        ulong realtime = _probe.U64(t);
        ulong expected = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L);
        Assert.InRange(realtime, expected - 5_000_000_000UL, expected + 5_000_000_000UL);
        Assert.Equal(Errno.Success, Call("clock_time_get", ClockId.Monotonic, 0UL, t));
        ulong a = _probe.U64(t);
        Thread.Sleep(5);
        Assert.Equal(Errno.Success, Call("clock_time_get", ClockId.Monotonic, 0UL, t));
        Assert.InRange(_probe.U64(t) - a, 4_000_000UL, 5_000_000_000UL);
        Assert.Equal(Errno.Inval, Call("clock_time_get", 4, 0UL, t));
        Assert.Equal(Errno.Inval, Call("clock_res_get", 99, t));
    }

    [Fact]
    public void StdioStreamsReadAndWrite()
    {
        Assert.Equal(Errno.Success, _probe.Read(0, out string text));
        Assert.Equal("from stdin", text);
        Assert.Equal(Errno.Success, _probe.Read(0, out text));
        Assert.Equal("", text);   // end of file
        Assert.Equal(Errno.Success, _probe.Write(1, "out!", out uint n));
        Assert.Equal(4u, n);
        Assert.Equal("out!", Encoding.UTF8.GetString(_stdout.ToArray()));
        Assert.Equal(Errno.BadF, _probe.Write(0, "x", out _));   // stdin is not writable
        Assert.Equal(Errno.BadF, _probe.Read(1, out _));
        uint pos = _probe.Alloc(8);
        Assert.Equal(Errno.SPipe, Call("fd_seek", 1, 0L, Whence.Set, pos));
        Assert.Equal(Errno.BadF, _probe.Write(9, "x", out _));
    }

    [Fact]
    public void FdstatReportsTypeFlagsAndRights()
    {
        uint st = _probe.Alloc(24);
        Assert.Equal(Errno.Success, Call("fd_fdstat_get", WasiProbe.FirstPreopen, st));
        Assert.Equal((byte)Filetype.Directory, _probe.Bytes(st, 1)[0]);
        Assert.Equal((ulong)RightsSets.DirectoryBase, _probe.U64(st + 8));
        Assert.Equal((ulong)RightsSets.DirectoryInheriting, _probe.U64(st + 16));

        uint fd = OpenData(fdflags: Fdflags.Append);
        Assert.Equal(Errno.Success, Call("fd_fdstat_get", fd, st));
        Assert.Equal((byte)Filetype.RegularFile, _probe.Bytes(st, 1)[0]);
        Assert.Equal((ushort)Fdflags.Append, BitConverter.ToUInt16(_probe.Bytes(st + 2, 2)));
        Assert.Equal((ulong)WasiProbe.FileRights, _probe.U64(st + 8));
        Assert.Equal(Errno.Success, Call("fd_fdstat_set_flags", fd, Fdflags.Nonblock));
        Assert.Equal(Errno.Success, Call("fd_fdstat_get", fd, st));
        Assert.Equal((ushort)Fdflags.Nonblock, BitConverter.ToUInt16(_probe.Bytes(st + 2, 2)));
        Assert.Equal(Errno.Inval, Call("fd_fdstat_set_flags", fd, 0x100));
        Assert.Equal(Errno.BadF, Call("fd_fdstat_get", 99, st));
    }

    [Fact]
    public void RightsCanBeDroppedButNotRegained()
    {
        uint fd = OpenData();
        Assert.Equal(Errno.Success, Call("fd_fdstat_set_rights", fd, (ulong)(WasiProbe.FileRights & ~Rights.FdRead & ~Rights.FdSeek), 0UL));
        Assert.Equal(Errno.BadF, _probe.Read(fd, out _));
        uint pos = _probe.Alloc(8);
        Assert.Equal(Errno.NotCapable, Call("fd_seek", fd, 1L, Whence.Set, pos));
        Assert.Equal(Errno.Success, Call("fd_tell", fd, pos));   // fd_tell is still held
        Assert.Equal(Errno.NotCapable, Call("fd_fdstat_set_rights", fd, (ulong)WasiProbe.FileRights, 0UL));
        // Opening asks only for inheritable rights.
        Assert.Equal(Errno.NotCapable, _probe.Open("data.txt", out _, rights: Rights.SockAccept));
    }

    [Fact]
    public void SeekTellPreadPwrite()
    {
        uint fd = OpenData();
        uint pos = _probe.Alloc(8);
        Assert.Equal(Errno.Success, Call("fd_seek", fd, 4L, Whence.Set, pos));
        Assert.Equal(4UL, _probe.U64(pos));
        Assert.Equal(Errno.Success, Call("fd_seek", fd, -1L, Whence.End, pos));
        Assert.Equal(9UL, _probe.U64(pos));
        Assert.Equal(Errno.Inval, Call("fd_seek", fd, -100L, Whence.Cur, pos));
        Assert.Equal(Errno.Inval, Call("fd_seek", fd, 0L, 3, pos));
        Assert.Equal(Errno.Success, Call("fd_seek", fd, 2L, Whence.Set, pos));

        uint buf = _probe.Alloc(8), iov = _probe.Alloc(8), n = _probe.Alloc(4);
        _probe.Memory.Write(iov, buf);
        _probe.Memory.Write(iov + 4, 3u);
        Assert.Equal(Errno.Success, Call("fd_pread", fd, iov, 1, 5UL, n));
        Assert.Equal("567", Encoding.ASCII.GetString(_probe.Bytes(buf, (int)_probe.U32(n))));
        "XY"u8.CopyTo(_probe.Memory.GetSpan(buf, 2));
        _probe.Memory.Write(iov + 4, 2u);
        Assert.Equal(Errno.Success, Call("fd_pwrite", fd, iov, 1, 8UL, n));
        Assert.Equal(2u, _probe.U32(n));
        Assert.Equal(Errno.Success, Call("fd_tell", fd, pos));
        Assert.Equal(2UL, _probe.U64(pos));   // pread and pwrite leave the offset alone
        Assert.Equal("01234567XY", File.ReadAllText(Path.Combine(_dir, "data.txt")));
        // An iovec outside memory is EFAULT and reads nothing.
        _probe.Memory.Write(iov, (uint)_probe.Memory.Length - 1);
        Assert.Equal(Errno.Fault, Call("fd_read", fd, iov, 1, n));
        Assert.Equal(Errno.Success, Call("fd_tell", fd, pos));
        Assert.Equal(2UL, _probe.U64(pos));
    }

    [Fact]
    public void FilestatSizeTimesSyncAdviseAllocate()
    {
        uint fd = OpenData();
        uint st = _probe.Alloc(64);
        Assert.Equal(Errno.Success, Call("fd_filestat_get", fd, st));
        Assert.Equal((byte)Filetype.RegularFile, _probe.Bytes(st + 16, 1)[0]);
        Assert.Equal(1UL, _probe.U64(st + 24));
        Assert.Equal(10UL, _probe.U64(st + 32));
        Assert.Equal(Errno.Success, Call("fd_filestat_set_size", fd, 4UL));
        Assert.Equal(4, new FileInfo(Path.Combine(_dir, "data.txt")).Length);
        Assert.Equal(Errno.Success, Call("fd_allocate", fd, 0UL, 100UL));
        Assert.Equal(100, new FileInfo(Path.Combine(_dir, "data.txt")).Length);
        Assert.Equal(Errno.Success, Call("fd_advise", fd, 0UL, 0UL, Advice.Sequential));
        Assert.Equal(Errno.Inval, Call("fd_advise", fd, 0UL, 0UL, 6));
        Assert.Equal(Errno.Success, Call("fd_sync", fd));
        Assert.Equal(Errno.Success, Call("fd_datasync", fd));

        Assert.Equal(Errno.Success, Call("fd_filestat_set_times", fd, 1_000_000_000_123_456_789UL, 2_000_000_000_987_654_321UL, Fstflags.Atim | Fstflags.Mtim));
        Assert.Equal(Errno.Success, Call("fd_filestat_get", fd, st));
        Assert.Equal(1_000_000_000_123_456_789UL, _probe.U64(st + 40));
        Assert.Equal(2_000_000_000_987_654_321UL, _probe.U64(st + 48));
        Assert.Equal(Errno.Inval, Call("fd_filestat_set_times", fd, 0UL, 0UL, Fstflags.Atim | Fstflags.AtimNow));
        Assert.Equal(Errno.Success, Call("fd_filestat_set_times", fd, 0UL, 0UL, Fstflags.MtimNow));
        Assert.Equal(Errno.Success, Call("fd_filestat_get", fd, st));
        Assert.Equal(1_000_000_000_123_456_789UL, _probe.U64(st + 40));   // atime omitted
        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        Assert.InRange(_probe.U64(st + 48), now - 5_000_000_000UL, now + 5_000_000_000UL);   // mtime now

        var (p, n) = _probe.Put("data.txt");
        Assert.Equal(Errno.Success, Call("path_filestat_set_times", WasiProbe.FirstPreopen, 0, p, n, 5_000_000_000UL, 6_000_000_001UL, Fstflags.Atim | Fstflags.Mtim));
        Assert.Equal(Errno.Success, Call("path_filestat_get", WasiProbe.FirstPreopen, 0, p, n, st));
        Assert.Equal(5_000_000_000UL, _probe.U64(st + 40));
        Assert.Equal(6_000_000_001UL, _probe.U64(st + 48));
    }

    [Fact]
    public void OpenFlagsBehaveAsPosix()
    {
        Assert.Equal(Errno.NoEnt, _probe.Open("new.txt", out _));
        Assert.Equal(Errno.Success, _probe.Open("new.txt", out uint fd, Oflags.Creat));
        Assert.Equal(Errno.Success, _probe.Write(fd, "abc", out _));
        Assert.Equal(Errno.Exist, _probe.Open("new.txt", out _, Oflags.Creat | Oflags.Excl));
        Assert.Equal(Errno.Success, _probe.Open("new.txt", out uint t, Oflags.Trunc));
        Assert.Equal(0, new FileInfo(Path.Combine(_dir, "new.txt")).Length);
        Assert.Equal(Errno.NotDir, _probe.Open("new.txt", out _, Oflags.Directory));
        Assert.Equal(Errno.NotDir, _probe.Open("new.txt/", out _));
        Assert.Equal(Errno.IsDir, _probe.Open("sub", out _, rights: Rights.FdWrite));
        Assert.Equal(Errno.Success, _probe.Open("sub/", out _, rights: Rights.FdReaddir));
        Assert.Equal(Errno.Inval, _probe.Open("new.txt", out _, (Oflags)0x10));
        Assert.Equal(Errno.Success, _probe.Open("new.txt", out uint app, rights: Rights.FdWrite, fdflags: Fdflags.Append));
        Assert.Equal(Errno.Success, _probe.Write(t, "12345", out _));
        Assert.Equal(Errno.Success, _probe.Write(app, "Z", out _));
        Assert.Equal("12345Z", File.ReadAllText(Path.Combine(_dir, "new.txt")));
        Assert.Equal(Errno.BadF, _probe.Read(app, out _));   // opened without fd_read
        Assert.Equal(Errno.NotCapable, _probe.Open("x", out _, Oflags.Creat, dirFd: 1));   // stdout is no directory and has no path rights
    }

    [Fact]
    public void DirectoriesLinksRenames()
    {
        Assert.Equal(Errno.Success, _probe.PathCall("path_create_directory", "d"));
        Assert.Equal(Errno.Exist, _probe.PathCall("path_create_directory", "d"));
        Assert.Equal(Errno.NoEnt, _probe.PathCall("path_create_directory", "no/such"));
        Assert.Equal(Errno.Success, _probe.Open("d/f", out _, Oflags.Creat));
        Assert.Equal(Errno.NotEmpty, _probe.PathCall("path_remove_directory", "d"));
        Assert.Equal(Errno.NotDir, _probe.PathCall("path_remove_directory", "d/f"));
        Assert.Equal(Errno.IsDir, _probe.PathCall("path_unlink_file", "d"));
        Assert.Equal(Errno.NotDir, _probe.PathCall("path_unlink_file", "d/f/"));

        var (a, an) = _probe.Put("d/f");
        var (b, bn) = _probe.Put("g");
        Assert.Equal(Errno.Success, Call("path_link", WasiProbe.FirstPreopen, 0, a, an, WasiProbe.FirstPreopen, b, bn));
        uint st = _probe.Alloc(64);
        Assert.Equal(Errno.Success, Call("path_filestat_get", WasiProbe.FirstPreopen, 0, b, bn, st));
        Assert.Equal(2UL, _probe.U64(st + 24));
        Assert.Equal(Errno.Exist, Call("path_link", WasiProbe.FirstPreopen, 0, a, an, WasiProbe.FirstPreopen, b, bn));
        var (c, cn) = _probe.Put("sub/h");
        Assert.Equal(Errno.Success, Call("path_rename", WasiProbe.FirstPreopen, b, bn, WasiProbe.FirstPreopen, c, cn));
        Assert.True(File.Exists(Path.Combine(_dir, "sub", "h")));
        Assert.Equal(Errno.NoEnt, Call("path_rename", WasiProbe.FirstPreopen, b, bn, WasiProbe.FirstPreopen, c, cn));

        var (target, tn) = _probe.Put("sub/h");
        var (link, ln) = _probe.Put("lnk");
        Assert.Equal(Errno.Success, Call("path_symlink", target, tn, WasiProbe.FirstPreopen, link, ln));
        Assert.Equal(Errno.Exist, Call("path_symlink", target, tn, WasiProbe.FirstPreopen, link, ln));
        uint buf = _probe.Alloc(16), used = _probe.Alloc(4);
        Assert.Equal(Errno.Success, Call("path_readlink", WasiProbe.FirstPreopen, link, ln, buf, 3, used));
        Assert.Equal(3u, _probe.U32(used));   // cut to the buffer, as readlink(2) does
        Assert.Equal("sub"u8.ToArray(), _probe.Bytes(buf, 3));
        Assert.Equal(Errno.Inval, Call("path_readlink", WasiProbe.FirstPreopen, a, an, buf, 16, used));   // not a link
        Assert.Equal(Errno.Success, _probe.Stat("lnk", out Filetype type));
        Assert.Equal(Filetype.RegularFile, type);
        Assert.Equal(Errno.Success, _probe.PathCall("path_unlink_file", "lnk"));
        Assert.True(File.Exists(Path.Combine(_dir, "sub", "h")));
    }

    [Fact]
    public void ReaddirServesEntriesByCookieAndFillsTheBuffer()
    {
        for (int i = 0; i < 20; i++) File.WriteAllText(Path.Combine(_dir, "sub", $"file{i:D2}"), "");
        Assert.Equal(Errno.Success, _probe.Open("sub", out uint dir, Oflags.Directory, rights: Rights.FdReaddir));
        var names = new List<string>();
        ulong cookie = 0;
        uint buf = _probe.Alloc(100), used = _probe.Alloc(4);
        while (true)
        {
            // A 100-byte buffer holds two or three entries; the last one is usually cut off.
            Assert.Equal(Errno.Success, Call("fd_readdir", dir, buf, 100, cookie, used));
            uint n = _probe.U32(used), at = 0;
            while (at + 24 <= n)
            {
                ulong next = _probe.U64(buf + at);
                uint nameLength = _probe.U32(buf + at + 16);
                if (at + 24 + nameLength > n) break;   // cut off: ask again from its cookie
                names.Add(Encoding.UTF8.GetString(_probe.Bytes(buf + at + 24, (int)nameLength)));
                Assert.Equal(names[^1].StartsWith("file") ? (byte)Filetype.RegularFile : (byte)Filetype.Directory, _probe.Bytes(buf + at + 20, 1)[0]);
                cookie = next;
                at += 24 + nameLength;
            }
            if (n < 100) break;
        }
        Assert.Equal(new[] { ".", ".." }.Concat(Enumerable.Range(0, 20).Select(i => $"file{i:D2}")).Order(), names.Order());
        // A file never holds fd_readdir (path_open keeps only the rights that make sense for what it opened).
        Assert.Equal(Errno.NotCapable, Call("fd_readdir", OpenData(rights: Rights.FdReaddir | Rights.FdRead), buf, 100, 0UL, used));
    }

    [Fact]
    public void PrestatNamesThePreopensAndEndsWithEbadf()
    {
        uint pre = _probe.Alloc(8), name = _probe.Alloc(8);
        Assert.Equal(Errno.Success, Call("fd_prestat_get", WasiProbe.FirstPreopen, pre));
        Assert.Equal(0, _probe.Bytes(pre, 1)[0]);
        Assert.Equal(4u, _probe.U32(pre + 4));
        Assert.Equal(Errno.Success, Call("fd_prestat_dir_name", WasiProbe.FirstPreopen, name, 4));
        Assert.Equal("/dir"u8.ToArray(), _probe.Bytes(name, 4));
        Assert.Equal(Errno.NameTooLong, Call("fd_prestat_dir_name", WasiProbe.FirstPreopen, name, 3));
        Assert.Equal(Errno.BadF, Call("fd_prestat_get", 4, pre));
        Assert.Equal(Errno.BadF, Call("fd_prestat_get", 1, pre));
    }

    [Fact]
    public void CloseAndRenumber()
    {
        uint a = OpenData();
        Assert.Equal(Errno.Success, _probe.Open("sub", out uint b, Oflags.Directory, rights: Rights.FdReaddir));
        Assert.Equal(Errno.Success, Call("fd_renumber", a, b));
        Assert.Equal(Errno.BadF, Call("fd_close", a));
        Assert.Equal(Errno.Success, _probe.Read(b, out string text));
        Assert.Equal("0123456789", text);
        Assert.Equal(Errno.BadF, Call("fd_renumber", b, 50));
        Assert.Equal(Errno.Success, Call("fd_renumber", b, b));
        Assert.Equal(Errno.Success, Call("fd_close", b));
        Assert.Equal(Errno.BadF, Call("fd_close", b));
        // The lowest free number is reused.
        Assert.Equal(a, OpenData());
    }

    [Fact]
    public void PollOneoffClocksAndDescriptors()
    {
        uint subs = _probe.Alloc(48 * 4), events = _probe.Alloc(32 * 4), n = _probe.Alloc(4);
        void Clock(int i, ulong userdata, uint id, ulong timeout, bool absolute)
        {
            uint s = subs + (uint)i * 48;
            _probe.Memory.GetSpan(s, 48).Clear();
            _probe.Memory.Write(s, userdata);
            _probe.Memory.Write(s + 16, id);
            _probe.Memory.Write(s + 24, timeout);
            _probe.Memory.Write(s + 40, (ushort)(absolute ? 1 : 0));
        }
        void Fd(int i, ulong userdata, EventType type, uint fd)
        {
            uint s = subs + (uint)i * 48;
            _probe.Memory.GetSpan(s, 48).Clear();
            _probe.Memory.Write(s, userdata);
            _probe.Memory.Write(s + 8, (byte)type);
            _probe.Memory.Write(s + 16, fd);
        }
        Assert.Equal(Errno.Inval, Call("poll_oneoff", subs, events, 0, n));

        var sw = System.Diagnostics.Stopwatch.StartNew();
        Clock(0, 0xabc, (uint)ClockId.Monotonic, 20_000_000, false);
        Assert.Equal(Errno.Success, Call("poll_oneoff", subs, events, 1, n));
        Assert.True(sw.ElapsedMilliseconds >= 19, $"{sw.ElapsedMilliseconds} ms");
        Assert.Equal(1u, _probe.U32(n));
        Assert.Equal(0xabcUL, _probe.U64(events));
        Assert.Equal((byte)EventType.Clock, _probe.Bytes(events + 10, 1)[0]);

        // An absolute deadline in the past fires at once; an unknown clock is an event with EINVAL.
        Clock(0, 1, (uint)ClockId.Realtime, 1_000_000_000, true);
        Clock(1, 2, 42, 0, false);
        Assert.Equal(Errno.Success, Call("poll_oneoff", subs, events, 2, n));
        Assert.Equal(2u, _probe.U32(n));
        var errors = Enumerable.Range(0, 2).ToDictionary(i => _probe.U64(events + (uint)i * 32), i => (Errno)BitConverter.ToUInt16(_probe.Bytes(events + (uint)i * 32 + 8, 2)));
        Assert.Equal(Errno.Success, errors[1]);
        Assert.Equal(Errno.Inval, errors[2]);

        // A regular file is always ready (nbytes = what is left); a bad fd is an event with EBADF; a long
        // clock next to them does not delay the answer.
        uint fd = OpenData();
        sw.Restart();
        Clock(0, 10, (uint)ClockId.Monotonic, 10_000_000_000, false);
        Fd(1, 11, EventType.FdRead, fd);
        Fd(2, 12, EventType.FdWrite, 99);
        Assert.Equal(Errno.Success, Call("poll_oneoff", subs, events, 3, n));
        Assert.True(sw.ElapsedMilliseconds < 5000);
        Assert.Equal(2u, _probe.U32(n));
        Assert.Equal(11UL, _probe.U64(events));
        Assert.Equal(10UL, _probe.U64(events + 16));
        Assert.Equal(12UL, _probe.U64(events + 32));
        Assert.Equal(Errno.BadF, (Errno)BitConverter.ToUInt16(_probe.Bytes(events + 32 + 8, 2)));
    }

    [Fact]
    public void RandomYieldRaise()
    {
        uint buf = _probe.Alloc(64);
        Assert.Equal(Errno.Success, Call("random_get", buf, 64));
        Assert.Contains(_probe.Bytes(buf, 64), b => b != 0);
        Assert.Equal(Errno.Success, Call("random_get", buf, 0));
        Assert.Equal(Errno.Fault, Call("random_get", (uint)_probe.Memory.Length - 8, 16));
        Assert.Equal(Errno.Success, Call("sched_yield"));
        Assert.Equal(Errno.NoSys, Call("proc_raise", 6));
    }

    [Fact]
    public void ProcExitUnwindsAsATrapCarryingTheStatus()
    {
        var trap = Assert.Throws<TrapException>(() => Call("proc_exit", 42));
        Assert.Equal(42, WasiExitException.ExitCodeOf(trap));
        Assert.Null(WasiExitException.ExitCodeOf(new TrapException(Hoist.Vm.TrapCode.Unreachable)));
    }
}
