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
        if (MaxBacktraceFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxBacktraceFrames));
        if (MaxTableElements > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxTableElements), MaxTableElements, "must be at most 2^31-1");
    }
}
