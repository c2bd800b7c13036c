using Hoist.Wasm;

namespace Hoist.Runtime.Native;

/// <summary>
/// Which memories are guarded: the one rule that both the memories an engine creates and the code it
/// compiles follow, so compiled code never assumes a guard its memory lacks. A memory is guarded iff the
/// engine runs with guard pages (<see cref="Engine.MemoryGuardBytes"/> &gt; 0), it is a 32-bit unshared
/// memory, and its page size is a multiple of the host page (so its wasm length is exactly its committed
/// length: a 1-byte-page memory of 5 bytes still has a whole accessible host page). memory64 keeps
/// explicit checks (a 64-bit index can reach anywhere).
/// </summary>
internal static class MemoryGuardPolicy
{
    /// <summary>The guard region (bytes after the 4 GiB reservation) of a memory of these limits; 0 = not guarded.</summary>
    public static ulong GuardBytes(Limits limits, ulong engineGuardBytes) =>
        engineGuardBytes > 0 && !limits.Is64 && !limits.Shared && (1UL << limits.PageSizeLog2) % Libc.PageSize == 0
            ? engineGuardBytes
            : 0;

    /// <summary>The address space a guarded memory reserves before its guard region: all a 32-bit index reaches.</summary>
    public const ulong GuardedReservation = 1UL << 32;
}
