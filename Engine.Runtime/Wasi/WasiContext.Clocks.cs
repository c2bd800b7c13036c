using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

// clock_res_get and clock_time_get: the host's clock_gettime/clock_getres on the matching POSIX clock,
// in nanoseconds. The precision argument is a hint and is ignored (the host clock is as precise as it gets).
public sealed partial class WasiContext
{
    internal Errno ClockResGet(in GuestMemory m, uint id, uint resultPtr)
    {
        m.Check(resultPtr, 8);
        Errno e = ClockResolution(id, out ulong ns);
        if (e == Errno.Success) m.Write64(resultPtr, ns);
        return e;
    }

    internal Errno ClockTimeGet(in GuestMemory m, uint id, ulong precision, uint resultPtr)
    {
        m.Check(resultPtr, 8);
        Errno e = Now(id, out ulong ns);
        if (e == Errno.Success) m.Write64(resultPtr, ns);
        return e;
    }

    /// <summary>The POSIX clock of a WASI clock id, or -1 for an unknown id.</summary>
    static int HostClock(uint id) => (ClockId)id switch
    {
        ClockId.Realtime => 0,           // CLOCK_REALTIME
        ClockId.Monotonic => 1,          // CLOCK_MONOTONIC
        ClockId.ProcessCputimeId => 2,   // CLOCK_PROCESS_CPUTIME_ID
        ClockId.ThreadCputimeId => 3,    // CLOCK_THREAD_CPUTIME_ID
        _ => -1,
    };

    /// <summary>The current time of WASI clock <paramref name="id"/> in nanoseconds (EINVAL for an unknown clock).</summary>
    internal static unsafe Errno Now(uint id, out ulong ns)
    {
        ns = 0;
        int clock = HostClock(id);
        if (clock < 0) return Errno.Inval;
        Posix.Timespec t;
        if (Posix.clock_gettime(clock, &t) != 0) return Errno.Inval;
        ns = (ulong)t.Sec * 1_000_000_000UL + (ulong)t.Nsec;
        return Errno.Success;
    }

    static unsafe Errno ClockResolution(uint id, out ulong ns)
    {
        ns = 0;
        int clock = HostClock(id);
        if (clock < 0) return Errno.Inval;
        Posix.Timespec t;
        if (Posix.clock_getres(clock, &t) != 0) return Errno.Inval;
        ns = Math.Max(1UL, (ulong)t.Sec * 1_000_000_000UL + (ulong)t.Nsec);
        return Errno.Success;
    }
}
