using System.Security.Cryptography;

namespace Hoist.Runtime.Wasi;

// random_get, sched_yield, proc_raise. (proc_exit is in WasiImports: it throws WasiExitException.)
public sealed partial class WasiContext
{
    /// <summary>Fills the buffer from the OS's cryptographically secure generator.</summary>
    internal Errno RandomGet(in GuestMemory m, uint buffer, uint length)
    {
        RandomNumberGenerator.Fill(m.Span(buffer, length));
        return Errno.Success;
    }

    internal static Errno SchedYield()
    {
        Thread.Yield();
        return Errno.Success;
    }

    /// <summary>Signals do not exist for a WASI program (preview 1 deprecates proc_raise): ENOSYS, as wasi-libc's raise expects of a host without them.</summary>
    internal static Errno ProcRaise(uint signal) => Errno.NoSys;
}
