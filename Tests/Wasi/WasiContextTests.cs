using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>The embedding API around the functions: errno numbering, memory binding, linking, descriptor lifetime.</summary>
public class WasiContextTests
{
    /// <summary>The errno names of wasi_snapshot_preview1.witx in order (value = position), an independent copy to check the enum against.</summary>
    const string WitxErrnos =
        "success 2big acces addrinuse addrnotavail afnosupport again already badf badmsg busy canceled child connaborted " +
        "connrefused connreset deadlk destaddrreq dom dquot exist fault fbig hostunreach idrm ilseq inprogress intr inval io " +
        "isconn isdir loop mfile mlink msgsize multihop nametoolong netdown netreset netunreach nfile nobufs nodev noent " +
        "noexec nolck nolink nomem nomsg noprotoopt nospc nosys notconn notdir notempty notrecoverable notsock notsup notty " +
        "nxio overflow ownerdead perm pipe proto protonosupport prototype range rofs spipe srch stale timedout txtbsy xdev notcapable";

    [Fact]
    public void ErrnoValuesAreTheInterfaces()
    {
        string[] witx = WitxErrnos.Split(' ');
        Errno[] values = Enum.GetValues<Errno>();
        Assert.Equal(witx.Length, values.Length);
        for (int i = 0; i < witx.Length; i++)
        {
            Assert.Equal(i, (int)values[i]);
            Assert.Equal(witx[i], values[i] == Errno.TooBig ? "2big" : values[i].ToString().ToLowerInvariant());
        }
    }

    [Fact]
    public void EveryFunctionOfPreview1IsProvided()
    {
        Assert.Equal(46, WasiContext.FunctionNames.Count);
        Assert.Equal(WasiContext.FunctionNames.Count, WasiContext.FunctionNames.Distinct().Count());
        foreach (string prefix in new[] { "args_", "environ_", "clock_", "fd_", "path_", "poll_", "proc_", "sched_", "random_", "sock_" })
            Assert.Contains(WasiContext.FunctionNames, n => n.StartsWith(prefix, StringComparison.Ordinal));
    }

    static Instance Instantiate(Store store, WasiContext wasi, string wat)
    {
        var linker = new Linker(store.Engine);
        wasi.AddToLinker(linker);
        return linker.Instantiate(store, Module.FromText(store.Engine, wat));
    }

    [Fact]
    public void ACallWithoutBoundMemoryTrapsNamingTheCause()
    {
        const string wat = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
              (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))
            """;
        using var store = new Store(Tiers.Engine(Tiers.All[0]));
        using var wasi = new WasiContext(new WasiConfig { Stdout = WasiStdio.Null });
        var trap = Assert.Throws<TrapException>(() => wasi.RunCommand(Instantiate(store, wasi, wat)));
        Assert.Equal(Hoist.Vm.TrapCode.HostError, trap.Code);
        Assert.Contains("no memory is bound", trap.InnerException!.Message);
        Assert.Contains(trap.Backtrace, f => f.FunctionIndex == 1);
    }

    [Fact]
    public void AWrongImportSignatureFailsToLink()
    {
        const string wat = """(module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32))))""";
        using var store = new Store(Tiers.Engine(Tiers.All[0]));
        using var wasi = new WasiContext(new WasiConfig());
        var e = Assert.Throws<LinkException>(() => Instantiate(store, wasi, wat));
        Assert.StartsWith(LinkException.IncompatibleImportType, e.Message);
    }

    [Fact]
    public void InheritedDescriptorsGetTheirFlagsBackWhenClosed()
    {
        using var handle = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        int host = (int)handle.DangerousGetHandle();
        var guest = Hoist.Runtime.Wasi.Descriptors.HostDescriptor.Adopt(Hoist.Runtime.Wasi.Native.Posix.dup(host));
        guest.RestoreFlagsOnClose();
        Assert.Equal(Errno.Success, guest.SetFlags(Fdflags.Nonblock | Fdflags.Append));
        int shared = Hoist.Runtime.Wasi.Native.Posix.fcntl(host, Hoist.Runtime.Wasi.Native.Posix.F_GETFL, 0);
        Assert.NotEqual(0, shared & Hoist.Runtime.Wasi.Native.Posix.O_NONBLOCK);   // the duplicate shares the host's flags
        Assert.Equal(Errno.Success, guest.Close());
        int after = Hoist.Runtime.Wasi.Native.Posix.fcntl(host, Hoist.Runtime.Wasi.Native.Posix.F_GETFL, 0);
        Assert.Equal(0, after & (Hoist.Runtime.Wasi.Native.Posix.O_NONBLOCK | Hoist.Runtime.Wasi.Native.Posix.O_APPEND));
    }

    [Fact]
    public void AMissingPreopenDirectoryIsAnIOException()
    {
        var e = Assert.Throws<IOException>(() => new WasiContext(new WasiConfig().PreopenDirectory("/no/such/hoist/dir", "/x")));
        Assert.Contains("/no/such/hoist/dir", e.Message);
    }
}

/// <summary>Descriptor lifetime, measured on the process's open descriptors that point into a test's own directory.</summary>
public class WasiDescriptorLifetimeTests
{
    static int OpenDescriptors(string under) =>
        Directory.GetFileSystemEntries("/proc/self/fd").Count(f => new FileInfo(f).LinkTarget is string t && t.StartsWith(under, StringComparison.Ordinal));

    [Fact]
    public void DescriptorsAreClosedAndPathResolutionLeaksNone()
    {        string dir = Directory.CreateTempSubdirectory("hoist-wasi-fds-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "a", "b", "c"));
            File.WriteAllText(Path.Combine(dir, "a", "b", "c", "f"), "x");
            File.CreateSymbolicLink(Path.Combine(dir, "a", "up"), "..");
            int before = OpenDescriptors(dir);
            using (var probe = new WasiProbe(new WasiConfig { Stdin = WasiStdio.Null, Stdout = WasiStdio.Null, Stderr = WasiStdio.Null }
                .PreopenDirectory(dir, "/d")))
            {
                int opened = OpenDescriptors(dir);
                Assert.Equal(before + 1, opened);   // the preopen
                for (int i = 0; i < 200; i++)
                {
                    Assert.Equal("x", probe.ReadFile("a/b/c/f"));
                    Assert.Equal("x", probe.ReadFile("a/up/a/b/../b/c/f"));
                    Assert.Equal("NotCapable", probe.ReadFile("a/b/../../a/up/../x"));
                    Assert.Equal("NoEnt", probe.ReadFile("a/b/none/f"));
                }
                Assert.Equal(opened, OpenDescriptors(dir));
                for (int i = 0; i < 5; i++) Assert.Equal(Errno.Success, probe.Open("a/b/c/f", out _));
                Assert.Equal(opened + 5, OpenDescriptors(dir));
            }
            Assert.Equal(before, OpenDescriptors(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
