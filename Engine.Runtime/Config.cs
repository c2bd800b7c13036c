using Hoist.Wasm.Validation;

namespace Hoist.Runtime;

/// <summary>
/// The settings of an <see cref="Engine"/>. An engine copies nothing out of it lazily: the values are read
/// when the engine is created (trampolines embed <see cref="MaxWasmStack"/>), so a config is effectively
/// frozen once an engine uses it. Validated by <see cref="Validate"/>, which the engine calls.
/// </summary>
public sealed record Config
{
    /// <summary>The compiler. Defaults to <see cref="Strategy.Baseline"/> while the optimizing tier does not exist.</summary>
    public Strategy Strategy { get; init; } = Strategy.Baseline;

    /// <summary>
    /// The most stack wasm code may use, counted from the outermost entry from .NET; a deeper call traps with
    /// "call stack exhausted". Nested entries (wasm → host → wasm) share the outermost entry's budget.
    /// </summary>
    public int MaxWasmStack { get; init; } = 512 * 1024;

    /// <summary>
    /// Stack kept free for .NET below the lowest address wasm may use (host functions and builtins run
    /// there). When the current thread's stack is too small for <see cref="MaxWasmStack"/> plus this, the
    /// wasm budget shrinks rather than letting the process overflow its stack.
    /// </summary>
    public int HostStackReserve { get; init; } = 256 * 1024;

    /// <summary>The proposals modules may use (validation).</summary>
    public FeatureSet Features { get; init; } = FeatureSet.Default;

    /// <summary>Compile with fuel checks (<see cref="Store.Fuel"/>).</summary>
    public bool ConsumeFuel { get; init; }

    /// <summary>Compile with epoch-deadline checks (<see cref="Engine.IncrementEpoch"/>, <see cref="Store.SetEpochDeadline"/>).</summary>
    public bool EpochInterruption { get; init; }

    /// <summary>Compile (and validate) function bodies on several threads when a module is large enough.</summary>
    public bool ParallelCompilation { get; init; } = true;

    /// <summary>
    /// The address space reserved for a 64-bit memory (memory64) without a smaller maximum; growing past it
    /// fails (memory.grow returns -1). 32-bit memories reserve their maximum, at most 4 GiB.
    /// </summary>
    public ulong Memory64ReservationCap { get; init; } = 8UL << 30;

    /// <summary>
    /// Guard-page memories with signal-based traps: a 32-bit memory reserves 4 GiB plus
    /// <see cref="MemoryGuardSize"/> of address space, and compiled code accesses it without explicit bounds
    /// checks (an access out of bounds faults, and a signal handler turns the fault into the trap). On by
    /// default where supported (linux-x64); where the signal handler cannot be installed the engine falls back
    /// to explicit checks (<see cref="Engine.GuardPagesEnabled"/> says which). The environment variable
    /// <c>HOIST_GUARD_PAGES=0</c> (or <c>1</c>) changes the default. memory64 always uses explicit checks.
    /// </summary>
    public bool GuardPages { get; init; } = DefaultGuardPages();

    /// <summary>
    /// The inaccessible region after a guarded memory's 4 GiB (a multiple of 64 KiB). Accesses whose static
    /// offset plus size fit in it need no check; larger offsets keep an explicit check.
    /// </summary>
    public ulong MemoryGuardSize { get; init; } = 2UL << 30;

    static bool DefaultGuardPages() => Environment.GetEnvironmentVariable("HOIST_GUARD_PAGES") is not ("0" or "false" or "off");

    /// <summary>The most elements a table may grow to, whatever its declared maximum; table.grow past it returns -1.</summary>
    public ulong MaxTableElements { get; init; } = 10_000_000;

    /// <summary>The most wasm frames a trap's backtrace records (the innermost ones).</summary>
    public int MaxBacktraceFrames { get; init; } = 1000;

    internal void Validate()
    {
        if (MaxWasmStack < 16 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxWasmStack), MaxWasmStack, "must be at least 16 KiB");
        if (MaxWasmStack > 1 << 30) throw new ArgumentOutOfRangeException(nameof(MaxWasmStack), MaxWasmStack, "must be at most 1 GiB");
        if (HostStackReserve < 0) throw new ArgumentOutOfRangeException(nameof(HostStackReserve));
        if (Memory64ReservationCap == 0) throw new ArgumentOutOfRangeException(nameof(Memory64ReservationCap));
        if (MemoryGuardSize == 0 || MemoryGuardSize % 65536 != 0 || MemoryGuardSize > 4UL << 30)
            throw new ArgumentOutOfRangeException(nameof(MemoryGuardSize), MemoryGuardSize, "must be a non-zero multiple of 64 KiB, at most 4 GiB");
        if (MaxBacktraceFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxBacktraceFrames));
        if (MaxTableElements > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxTableElements), MaxTableElements, "must be at most 2^31-1");
    }
}
