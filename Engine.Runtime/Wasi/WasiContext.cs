using System.Runtime.InteropServices;
using System.Text;
using Hoist.Runtime.Wasi.Descriptors;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

/// <summary>
/// The state of one WASI program (wasi_snapshot_preview1): its arguments and environment, its file
/// descriptor table (stdio, preopened directories and sockets, what it opens), and the linear memory its
/// calls read and write. The functions themselves are in the WasiContext.*.cs files, one per group.
/// </summary>
/// <remarks>
/// <para>Use: <see cref="AddToLinker"/>, instantiate, then <see cref="RunCommand"/> (which binds the
/// instance's exported "memory" and calls <c>_start</c>), or <see cref="Bind"/> and call exports yourself.
/// WASI functions need the guest's memory, so one called before <see cref="Bind"/> (from a start
/// function) traps naming the cause.</para>
/// <para>Like a store, a context is used by one thread at a time. <see cref="Dispose"/> closes every host
/// descriptor it holds (the guest's files, the duplicates of inherited stdio, the preopens).</para>
/// </remarks>
public sealed partial class WasiContext : IDisposable
{
    /// <summary>The import module name of WASI preview 1.</summary>
    public const string ModuleName = "wasi_snapshot_preview1";

    readonly byte[][] _arguments;
    readonly byte[][] _environment;
    readonly FdTable _fds = new();
    Memory? _memory;

    public WasiContext(WasiConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _arguments = config.Arguments.Select(CString).ToArray();
        _environment = config.Environment.Select(kv => CString($"{kv.Key}={kv.Value}")).ToArray();
        try
        {
            _fds.Set(0, Stdio(config.Stdin, 0));
            _fds.Set(1, Stdio(config.Stdout, 1));
            _fds.Set(2, Stdio(config.Stderr, 2));
            // Numbered explicitly: a stdio slot left empty (the host has no such descriptor) stays empty.
            uint next = 3;
            foreach (var p in config.Preopens) _fds.Set(next++, OpenPreopen(p));
            foreach (var s in config.Sockets) _fds.Set(next++, AdoptDuplicate((int)s.SafeHandle.DangerousGetHandle()));
        }
        catch
        {
            _fds.CloseAll();
            throw;
        }
    }

    static byte[] CString(string s)
    {
        byte[] z = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, z);
        return z;
    }

    static Descriptor? Stdio(WasiStdio stdio, int hostFd)
    {
        if (!stdio.IsInherited) return new StreamDescriptor(stdio.Stream!, input: hostFd == 0);
        // A duplicate, so the guest closing its fd 1 does not close the host's.
        int fd = Posix.dup(hostFd);
        if (fd < 0) return null;   // the host has no such descriptor: neither does the guest
        var d = HostDescriptor.Adopt(fd);
        d.RestoreFlagsOnClose();   // the open file description is the host's: leave it as it was found
        if (d.IsTerminal) d.RightsBase = d.RightsInheriting = RightsSets.TtyBase;
        return d;
    }

    static unsafe HostDescriptor OpenPreopen(WasiPreopen p)
    {
        byte[] host = CString(Path.GetFullPath(p.HostPath));
        int fd;
        fixed (byte* path = host) fd = Posix.openat(-100 /* AT_FDCWD */, path, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        if (fd < 0)
            throw new IOException($"cannot preopen {p.HostPath}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return HostDescriptor.Preopen(fd, Encoding.UTF8.GetBytes(p.GuestPath));
    }

    static HostDescriptor AdoptDuplicate(int hostFd)
    {
        int fd = Posix.dup(hostFd);
        if (fd < 0) throw new IOException($"cannot share socket descriptor {hostFd}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return HostDescriptor.Adopt(fd);
    }

    /// <summary>The memory WASI calls use; <see cref="Bind"/> sets it from an instance.</summary>
    public Memory? Memory
    {
        get => _memory;
        set => _memory = value;
    }

    /// <summary>Binds the instance's exported "memory" (the WASI convention for commands and reactors).</summary>
    public void Bind(Instance instance) => _memory = instance.GetExport("memory") as Memory;

    /// <summary>The names of the wasi_snapshot_preview1 functions provided (all of them).</summary>
    public static IReadOnlyList<string> FunctionNames { get; } = WasiImports.Names.ToArray();

    /// <summary>Defines every wasi_snapshot_preview1 function in <paramref name="linker"/>, bound to this context.</summary>
    public void AddToLinker(Linker linker) => WasiImports.Define(linker, this);

    /// <summary>
    /// Runs a command: binds the instance's memory and calls its <c>_start</c>. Returns the exit status:
    /// 0 when <c>_start</c> returns, n after proc_exit(n). A trap throws <see cref="TrapException"/>.
    /// </summary>
    public int RunCommand(Instance instance)
    {
        Bind(instance);
        if (instance.GetExport("_start") is not Func start)
            throw new ArgumentException("the module exports no function \"_start\" (not a WASI command)", nameof(instance));
        try
        {
            start.Invoke();
            return 0;
        }
        catch (TrapException trap) when (WasiExitException.ExitCodeOf(trap) is int code)
        {
            return code;
        }
    }

    /// <summary>The view of guest memory for one call (every access bounds-checked).</summary>
    internal GuestMemory GuestMemory => new(_memory);

    public void Dispose() => _fds.CloseAll();
}
