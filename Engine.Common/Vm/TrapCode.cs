namespace Hoist.Vm;

/// <summary>
/// Why wasm code stopped: the one table of trap codes that both compilers, the runtime and the
/// spec-test runner share. A code is one byte so it fits in code metadata (trap tables of compiled
/// functions) and in an immediate.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Values are stable: compiled artifacts store them. Append new codes; never renumber.</item>
/// <item><see cref="TrapCodes.Message"/> gives every code the spec test suite's wording (the text of
/// <c>assert_trap</c>/<c>assert_exhaustion</c>), so a runner compares messages exactly. Several codes
/// share a message where the spec does (segment bounds errors read as memory/table bounds errors):
/// the code keeps the more precise cause for diagnostics, the message stays the spec's.</item>
/// <item><see cref="None"/> (0) is never raised; it lets a zeroed status mean "no trap".</item>
/// </list>
/// </remarks>
public enum TrapCode : byte
{
    None = 0,

    // Control and calls.
    /// <summary>The <c>unreachable</c> instruction.</summary>
    Unreachable,
    /// <summary>The wasm stack exceeded <c>Config.MaxWasmStack</c> (checked in every prologue).</summary>
    StackOverflow,
    /// <summary><c>call_indirect</c> with an index at or beyond the table's size.</summary>
    UndefinedElement,
    /// <summary><c>call_indirect</c> through a null table entry.</summary>
    UninitializedElement,
    /// <summary><c>call_indirect</c> whose callee's type does not match.</summary>
    IndirectCallTypeMismatch,

    // Memories, tables, segments.
    /// <summary>A load, store or bulk memory operation outside the memory.</summary>
    MemoryOutOfBounds,
    /// <summary>An access outside a table (<c>table.get/set/fill/copy/init</c>, ...).</summary>
    TableOutOfBounds,
    /// <summary>A source range beyond a data segment (<c>memory.init</c>, <c>array.new_data</c>, <c>array.init_data</c>).</summary>
    DataSegmentOutOfBounds,
    /// <summary>A source range beyond an element segment (<c>table.init</c>, <c>array.new_elem</c>, <c>array.init_elem</c>).</summary>
    ElementSegmentOutOfBounds,
    /// <summary>An atomic access whose effective address is not naturally aligned.</summary>
    UnalignedAtomic,
    /// <summary><c>memory.atomic.wait32/64</c> on a memory that is not shared.</summary>
    AtomicWaitNonSharedMemory,

    // Numbers.
    IntegerDivideByZero,
    /// <summary>Signed division of the minimum value by -1, or a truncation whose result does not fit.</summary>
    IntegerOverflow,
    /// <summary>A trapping float-to-int truncation of NaN.</summary>
    BadConversionToInteger,

    // References and GC.
    /// <summary><c>ref.as_non_null</c>, and <c>ref.cast</c> to a non-null type of a null.</summary>
    NullReference,
    /// <summary><c>call_ref</c>/<c>return_call_ref</c> of a null.</summary>
    NullFunctionReference,
    /// <summary><c>struct.get/set</c> of a null.</summary>
    NullStructReference,
    /// <summary><c>array.*</c> of a null.</summary>
    NullArrayReference,
    /// <summary><c>i31.get_s/u</c> of a null.</summary>
    NullI31Reference,
    /// <summary><c>throw_ref</c> of a null.</summary>
    NullExceptionReference,
    /// <summary><c>ref.cast</c> of a value that is not of the target type.</summary>
    CastFailure,
    /// <summary>An array access or bulk array operation outside the array.</summary>
    ArrayOutOfBounds,
    /// <summary>A GC allocation larger than the engine allows.</summary>
    AllocationTooLarge,

    // Imposed by the embedder.
    /// <summary>Fuel metering ran out.</summary>
    OutOfFuel,
    /// <summary>An epoch deadline or an explicit interrupt stopped the code.</summary>
    Interrupted,
    /// <summary>A host (.NET) function threw; the trap keeps the exception as its cause.</summary>
    HostError,
}

/// <summary>Lookups over <see cref="TrapCode"/>.</summary>
public static class TrapCodes
{
    /// <summary>One past the largest defined code (codes are dense from 0).</summary>
    public const int Count = (int)TrapCode.HostError + 1;

    /// <summary>The spec test suite's wording of the trap (see the invariants on <see cref="TrapCode"/>).</summary>
    public static string Message(this TrapCode code) => code switch
    {
        TrapCode.None => "no trap",
        TrapCode.Unreachable => "unreachable",
        TrapCode.StackOverflow => "call stack exhausted",
        TrapCode.UndefinedElement => "undefined element",
        TrapCode.UninitializedElement => "uninitialized element",
        TrapCode.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapCode.MemoryOutOfBounds => "out of bounds memory access",
        TrapCode.TableOutOfBounds => "out of bounds table access",
        TrapCode.DataSegmentOutOfBounds => "out of bounds memory access",
        TrapCode.ElementSegmentOutOfBounds => "out of bounds table access",
        TrapCode.UnalignedAtomic => "unaligned atomic",
        TrapCode.AtomicWaitNonSharedMemory => "atomic wait on non-shared memory",
        TrapCode.IntegerDivideByZero => "integer divide by zero",
        TrapCode.IntegerOverflow => "integer overflow",
        TrapCode.BadConversionToInteger => "invalid conversion to integer",
        TrapCode.NullReference => "null reference",
        TrapCode.NullFunctionReference => "null function reference",
        TrapCode.NullStructReference => "null structure reference",
        TrapCode.NullArrayReference => "null array reference",
        TrapCode.NullI31Reference => "null i31 reference",
        TrapCode.NullExceptionReference => "null exception reference",
        TrapCode.CastFailure => "cast failure",
        TrapCode.ArrayOutOfBounds => "out of bounds array access",
        TrapCode.AllocationTooLarge => "allocation size too large",
        TrapCode.OutOfFuel => "all fuel consumed",
        TrapCode.Interrupted => "interrupted",
        TrapCode.HostError => "host function error",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a trap code"),
    };

    /// <summary>True for the codes the embedder imposes (fuel, interruption, host errors), not wasm semantics.</summary>
    public static bool IsEmbedderTrap(this TrapCode code) => code is TrapCode.OutOfFuel or TrapCode.Interrupted or TrapCode.HostError;

    /// <summary>True when the spec tests this trap with <c>assert_exhaustion</c> rather than <c>assert_trap</c>.</summary>
    public static bool IsExhaustion(this TrapCode code) => code == TrapCode.StackOverflow;
}
