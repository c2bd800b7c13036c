using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>
/// Every way out of a preopened directory, tried at the WASI level (below wasi-libc, which refuses some
/// paths itself): each must be refused with the right errno (ENOTCAPABLE for an escape, ELOOP for a link
/// not to be followed or a loop) and must leave everything outside untouched. Controls check that the
/// same kinds of paths work while they stay inside.
/// </summary>
/// <remarks>
/// Layout (ROOT a fresh temporary directory; the guest sees ROOT/sandbox as fd 3, "/sandbox"):
/// <code>
/// ROOT/outside.txt = SECRET            ROOT/outside-dir/secret.txt = SECRET
/// sandbox/ok.txt = inside              sandbox/sub/          sandbox/sub/deeper/
/// sandbox/esc-rel -> ../outside.txt    sandbox/esc-abs -> ROOT/outside.txt
/// sandbox/esc-dir -> ..                sandbox/esc-dir-abs -> ROOT
/// sandbox/sub/esc-up -> ../../outside.txt
/// sandbox/chain1 -> chain2 -> sub/esc-up        sandbox/dangling -> ../created-by-link.txt
/// sandbox/loop1 -> loop2 -> loop1      sandbox/self -> self
/// sandbox/inside-link -> sub/../ok.txt sandbox/dir-link -> sub
/// </code>
/// </remarks>
public sealed class SandboxEscapeTests : IDisposable
{
    readonly string _root;
    readonly string _sandbox;
    readonly WasiProbe _probe;

    public SandboxEscapeTests()
    {
        _root = Directory.CreateTempSubdirectory("hoist-sandbox-").FullName;
        _sandbox = Path.Combine(_root, "sandbox");
        File.WriteAllText(Path.Combine(_root, "outside.txt"), "SECRET");
        Directory.CreateDirectory(Path.Combine(_root, "outside-dir"));
        File.WriteAllText(Path.Combine(_root, "outside-dir", "secret.txt"), "SECRET");
        Directory.CreateDirectory(Path.Combine(_sandbox, "sub", "deeper"));
        File.WriteAllText(Path.Combine(_sandbox, "ok.txt"), "inside");
        Link("esc-rel", "../outside.txt");
        Link("esc-abs", Path.Combine(_root, "outside.txt"));
        Link("esc-dir", "..");
        Link("esc-dir-abs", _root);
        Link("sub/esc-up", "../../outside.txt");
        Link("chain1", "chain2");
        Link("chain2", "sub/esc-up");
        Link("dangling", "../created-by-link.txt");
        Link("loop1", "loop2");
        Link("loop2", "loop1");
        Link("self", "self");
        Link("inside-link", "sub/../ok.txt");
        Link("dir-link", "sub");
        _probe = new WasiProbe(new WasiConfig().PreopenDirectory(_sandbox, "/sandbox"));
    }

    void Link(string at, string target) => File.CreateSymbolicLink(Path.Combine(_sandbox, at), target);

    public void Dispose()
    {
        _probe.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    void AssertOutsideUntouched()
    {
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(_root, "outside.txt")));
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(_root, "outside-dir", "secret.txt")));
        Assert.Equal(["outside-dir", "outside.txt", "sandbox"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("ok.txt")]
    [InlineData("./ok.txt")]
    [InlineData("sub/../ok.txt")]
    [InlineData("sub/deeper/../../ok.txt")]
    [InlineData("sub//deeper/./..//../ok.txt")]
    [InlineData("inside-link")]
    [InlineData("dir-link/../ok.txt")]
    [InlineData("dir-link/deeper/../../ok.txt")]
    public void PathsThatStayInsideWork(string path) => Assert.Equal("inside", _probe.ReadFile(path));

    [Theory]
    [InlineData("..", "NotCapable")]
    [InlineData("../outside.txt", "NotCapable")]
    [InlineData("../sandbox/ok.txt", "NotCapable")]                // leaving and coming back is leaving
    [InlineData("sub/../../outside.txt", "NotCapable")]
    [InlineData("sub/../../sandbox/ok.txt", "NotCapable")]
    [InlineData("/etc/passwd", "NotCapable")]                      // absolute
    [InlineData("/sandbox/ok.txt", "NotCapable")]                  // absolute, even to the preopen's own guest path
    [InlineData("esc-rel", "NotCapable")]                          // final symlink, relative target outside
    [InlineData("esc-abs", "NotCapable")]                          // final symlink, absolute target
    [InlineData("esc-dir/outside.txt", "NotCapable")]              // a directory symlink mid-path
    [InlineData("esc-dir/sandbox/ok.txt", "NotCapable")]
    [InlineData("esc-dir-abs/outside.txt", "NotCapable")]
    [InlineData("sub/esc-up", "NotCapable")]                       // from a subdirectory
    [InlineData("chain1", "NotCapable")]                           // through a chain of links
    [InlineData("dir-link/esc-up", "NotCapable")]
    [InlineData("esc-dir/", "NotCapable")]                         // a trailing slash follows the link
    [InlineData("loop1", "Loop")]
    [InlineData("self", "Loop")]
    [InlineData("self/x", "Loop")]
    public void EscapesAreRefused(string path, string errno)
    {
        Assert.Equal(errno, _probe.ReadFile(path));
        Assert.Equal(Enum.Parse<Errno>(errno), _probe.Stat(path, out _));
        AssertOutsideUntouched();
    }

    [Fact]
    public void AFinalSymlinkIsNotFollowedWithoutSymlinkFollow()
    {
        Assert.Equal("Loop", _probe.ReadFile("esc-rel", lookup: Lookupflags.None));       // O_NOFOLLOW: ELOOP
        Assert.Equal(Errno.Success, _probe.Stat("esc-rel", out Filetype type, Lookupflags.None));
        Assert.Equal(Filetype.SymbolicLink, type);
        Assert.Equal(Errno.Success, _probe.Stat("inside-link", out type));
        Assert.Equal(Filetype.RegularFile, type);
    }

    [Fact]
    public void CreatingThroughAnEscapeIsRefused()
    {
        Assert.Equal(Errno.NotCapable, _probe.Open("../created.txt", out _, Oflags.Creat));
        Assert.Equal(Errno.NotCapable, _probe.Open("esc-dir/created.txt", out _, Oflags.Creat));
        Assert.Equal(Errno.NotCapable, _probe.Open("dangling", out _, Oflags.Creat));                         // would create ../created-by-link.txt
        Assert.Equal(Errno.Loop, _probe.Open("dangling", out _, Oflags.Creat, Lookupflags.None));
        Assert.Equal(Errno.Exist, _probe.Open("dangling", out _, Oflags.Creat | Oflags.Excl));                // O_EXCL never follows
        Assert.Equal(Errno.NotCapable, _probe.Open("esc-rel", out _, Oflags.Trunc, rights: WasiProbe.FileRights)); // truncating SECRET
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_create_directory", "../made"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_create_directory", "esc-dir/made"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_create_directory", "esc-dir-abs/made"));
        AssertOutsideUntouched();
    }

    [Fact]
    public void RemovingThroughAnEscapeIsRefused()
    {
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_unlink_file", "../outside.txt"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_unlink_file", "esc-dir/outside.txt"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_unlink_file", "esc-dir-abs/outside-dir/secret.txt"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_remove_directory", "../outside-dir"));
        Assert.Equal(Errno.NotCapable, _probe.PathCall("path_remove_directory", "esc-dir/outside-dir"));
        AssertOutsideUntouched();
        // Unlinking the escaping link itself is fine: it is inside.
        Assert.Equal(Errno.Success, _probe.PathCall("path_unlink_file", "esc-rel"));
        Assert.False(File.Exists(Path.Combine(_sandbox, "esc-rel")) || new FileInfo(Path.Combine(_sandbox, "esc-rel")).LinkTarget is not null);
        AssertOutsideUntouched();
    }

    Errno TwoPaths(string function, string from, string to, Lookupflags? oldFlags = null)
    {
        var (a, an) = _probe.Put(from);
        var (b, bn) = _probe.Put(to);
        return oldFlags is { } flags
            ? _probe.Call(function, WasiProbe.FirstPreopen, flags, a, an, WasiProbe.FirstPreopen, b, bn)
            : _probe.Call(function, WasiProbe.FirstPreopen, a, an, WasiProbe.FirstPreopen, b, bn);
    }

    [Fact]
    public void RenamingAndLinkingAcrossTheBoundaryAreRefused()
    {
        Assert.Equal(Errno.NotCapable, TwoPaths("path_rename", "ok.txt", "../stolen.txt"));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_rename", "ok.txt", "esc-dir/stolen.txt"));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_rename", "../outside.txt", "got.txt"));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_rename", "esc-dir/outside.txt", "got.txt"));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_link", "ok.txt", "../linked.txt", Lookupflags.None));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_link", "../outside.txt", "linked.txt", Lookupflags.None));
        Assert.Equal(Errno.NotCapable, TwoPaths("path_link", "esc-rel", "linked.txt", Lookupflags.SymlinkFollow)); // a hard link to SECRET
        AssertOutsideUntouched();
        Assert.False(File.Exists(Path.Combine(_sandbox, "got.txt")) || File.Exists(Path.Combine(_sandbox, "linked.txt")));
        // Without following, the link to the symlink itself is made (it is inside) and still escapes nothing.
        Assert.Equal(Errno.Success, TwoPaths("path_link", "esc-rel", "linked.txt", Lookupflags.None));
        Assert.Equal("NotCapable", _probe.ReadFile("linked.txt"));
    }

    [Fact]
    public void SymlinksAreConfinedWhenMadeAndWhenFollowed()
    {
        var (abs, absLen) = _probe.Put("/etc/passwd");
        var (at, atLen) = _probe.Put("new-abs");
        Assert.Equal(Errno.NotCapable, _probe.Call("path_symlink", abs, absLen, WasiProbe.FirstPreopen, at, atLen));
        var (rel, relLen) = _probe.Put("../outside.txt");
        var (outsideAt, outsideLen) = _probe.Put("../new-link");
        Assert.Equal(Errno.NotCapable, _probe.Call("path_symlink", rel, relLen, WasiProbe.FirstPreopen, outsideAt, outsideLen));
        // A relative link pointing out can be made, but never followed.
        var (ok, okLen) = _probe.Put("new-rel");
        Assert.Equal(Errno.Success, _probe.Call("path_symlink", rel, relLen, WasiProbe.FirstPreopen, ok, okLen));
        Assert.Equal("NotCapable", _probe.ReadFile("new-rel"));
        AssertOutsideUntouched();
    }

    [Fact]
    public void ReadlinkAndTimesAreConfined()
    {
        var (p, n) = _probe.Put("../sandbox/esc-rel");
        uint buf = _probe.Alloc(64), used = _probe.Alloc(4);
        Assert.Equal(Errno.NotCapable, _probe.Call("path_readlink", WasiProbe.FirstPreopen, p, n, buf, 64, used));
        var (q, m) = _probe.Put("esc-rel");
        Assert.Equal(Errno.Success, _probe.Call("path_readlink", WasiProbe.FirstPreopen, q, m, buf, 64, used));
        Assert.Equal("../outside.txt", System.Text.Encoding.UTF8.GetString(_probe.Bytes(buf, (int)_probe.U32(used))));

        DateTime before = File.GetLastWriteTimeUtc(Path.Combine(_root, "outside.txt"));
        Assert.Equal(Errno.NotCapable, _probe.Call("path_filestat_set_times", WasiProbe.FirstPreopen, Lookupflags.SymlinkFollow,
            q, m, 0UL, 0UL, Fstflags.Atim | Fstflags.Mtim));
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(_root, "outside.txt")));
    }

    [Fact]
    public void AnOpenedDirectoryConfinesPathsUnderIt()
    {
        Assert.Equal(Errno.Success, _probe.Open("sub", out uint sub, Oflags.Directory, rights: RightsSets.DirectoryBase));
        Assert.Equal(Errno.NotCapable, _probe.Open("../ok.txt", out _, dirFd: sub));
        Assert.Equal("NotCapable", _probe.ReadFile("esc-up", dirFd: sub));
        Assert.Equal(Errno.Success, _probe.Stat("deeper", out Filetype t, dirFd: sub));
        Assert.Equal(Filetype.Directory, t);
    }

    [Theory]
    [InlineData("", Errno.NoEnt)]
    [InlineData("ok\0.txt", Errno.Inval)]
    public void MalformedPathsAreRefused(string path, Errno errno) => Assert.Equal(errno, _probe.Open(path, out _));

    [Fact]
    public void InvalidUtf8IsIlseqAndAPathOutsideMemoryIsEfault()
    {
        var (p, n) = _probe.Put([0x6f, 0xff, 0x6b]);
        uint result = _probe.Alloc(4);
        Assert.Equal(Errno.IlSeq, _probe.Call("path_open", WasiProbe.FirstPreopen, 0, p, n, 0, WasiProbe.FileRights, 0, 0, result));
        uint end = (uint)_probe.Memory.Length;
        Assert.Equal(Errno.Fault, _probe.Call("path_open", WasiProbe.FirstPreopen, 0, end - 2, 10, 0, WasiProbe.FileRights, 0, 0, result));
    }

    [Fact]
    public void AFileDescriptorIsNoBaseForPaths()
    {
        Assert.Equal(Errno.Success, _probe.Open("ok.txt", out uint file));
        Assert.Equal(Errno.NotCapable, _probe.Open("x", out _, dirFd: file));         // a file has no path_open right
        Assert.Equal(Errno.BadF, _probe.Open("ok.txt", out _, dirFd: 77));
    }

    /// <summary>
    /// A host thread keeps swapping sandbox/race (a directory holding f = "inside") with a symlink to
    /// ROOT/outside-dir (holding f = "SECRET"), and sandbox/g (a file) with a symlink to ../outside.txt,
    /// while the guest opens race/f and g over and over: no open may ever read SECRET, whatever the
    /// interleaving.
    /// </summary>
    [Fact]
    public void SwappingInSymlinksDuringResolutionNeverEscapes()
    {
        string race = Path.Combine(_sandbox, "race"), parked = Path.Combine(_sandbox, "race-parked");
        string g = Path.Combine(_sandbox, "g"), gParked = Path.Combine(_sandbox, "g-parked");
        Directory.CreateDirectory(race);
        File.WriteAllText(Path.Combine(race, "f"), "inside");
        File.WriteAllText(Path.Combine(_root, "outside-dir", "f"), "SECRET");
        File.WriteAllText(g, "inside");
        using var stop = new CancellationTokenSource();
        Exception? swapFailure = null;
        var swapper = new Thread(() =>
        {
            try
            {
                Swap();
            }
            catch (Exception e)
            {
                swapFailure = e;
            }
        });
        void Swap()
        {
            while (!stop.IsCancellationRequested)
            {
                Directory.Move(race, parked);
                File.CreateSymbolicLink(race, "../outside-dir");
                File.Move(g, gParked);
                File.CreateSymbolicLink(g, "../outside.txt");
                Thread.SpinWait(50);
                File.Delete(race);
                Directory.Move(parked, race);
                File.Delete(g);
                File.Move(gParked, g);
            }
        }
        swapper.Start();
        int inside = 0, refused = 0;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(1.5);
            while (DateTime.UtcNow < deadline)
                foreach (string path in new[] { "race/f", "g" })
                {
                    string result = _probe.ReadFile(path);
                    Assert.NotEqual("SECRET", result);
                    if (result == "inside") inside++;
                    else
                    {
                        Assert.Contains(result, new[] { "NotCapable", "NoEnt", "Loop", "NotDir" });
                        refused++;
                    }
                }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }
        Assert.Null(swapFailure);
        Assert.True(inside > 0 && refused > 0, $"the race was not exercised: {inside} reads inside, {refused} refused");
    }
}
