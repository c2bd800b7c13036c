using System.Globalization;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// A value as the fuzzer compares it across engines: numbers by their bits; references by what they refer to in
/// the generated module — a function by its index (-1: null), a host object by its id — never by identity.
/// </summary>
public readonly record struct FuzzValue(ValKind Kind, ulong Bits, int Ref = -1)
{
    public const int Null = -1;
    /// <summary>A reference the runner could not map back (not a function of the instance, not a known host object).</summary>
    public const int Unknown = -2;
    /// <summary>Host objects are <c>ExternBase + id</c>.</summary>
    public const int ExternBase = 1_000_000;

    public static FuzzValue Number(ValKind kind, ulong bits) => new(kind, bits);

    public override string ToString() => Kind switch
    {
        ValKind.I32 => "i32:" + ((int)(uint)Bits).ToString(CultureInfo.InvariantCulture),
        ValKind.I64 => "i64:" + ((long)Bits).ToString(CultureInfo.InvariantCulture),
        ValKind.F32 => "f32:" + NumericFormat.FormatF32((uint)Bits),
        ValKind.F64 => "f64:" + NumericFormat.FormatF64(Bits),
        _ => Ref switch
        {
            Null => "null",
            Unknown => "ref:?",
            >= ExternBase => "extern:" + (Ref - ExternBase).ToString(CultureInfo.InvariantCulture),
            _ => "func:" + Ref.ToString(CultureInfo.InvariantCulture),
        },
    };
}

/// <summary>How one step of a run ended.</summary>
public enum StepKind : byte
{
    /// <summary>Compiled, instantiated, or returned (with <see cref="StepOutcome.Values"/>).</summary>
    Ok,
    /// <summary>A wasm trap (<see cref="StepOutcome.Trap"/>; from V8 only its message).</summary>
    Trapped,
    /// <summary>The engine refused the module with a typed error (a generated module never deserves it).</summary>
    Rejected,
    /// <summary>Any other exception: an internal error of the engine.</summary>
    Crashed,
    /// <summary>No result within the time limit.</summary>
    Hung,
    /// <summary>
    /// The tier does not compile something the module uses (UnsupportedFeatureException): a gap in the tier, not a
    /// wrong answer; the run is left out of the comparison and counted.
    /// </summary>
    Unsupported,
}

/// <summary>
/// One step of a run: <c>compile</c>, <c>instantiate</c>, or a call (named by its export and arguments).
/// <see cref="Detail"/> is the trap message or the error.
/// </summary>
public sealed record StepOutcome(string Step, StepKind Kind, FuzzValue[] Values, TrapCode Trap = TrapCode.None, string Detail = "")
{
    public static StepOutcome Success(string step, FuzzValue[]? values = null) => new(step, StepKind.Ok, values ?? []);

    public override string ToString() => Kind switch
    {
        StepKind.Ok => Values.Length == 0 ? "ok" : string.Join(' ', Values),
        StepKind.Trapped => "trap: " + (Trap != TrapCode.None ? Trap.Message() : Detail),
        StepKind.Rejected => "rejected: " + Detail,
        StepKind.Crashed => "internal error: " + Detail,
        StepKind.Unsupported => "unsupported: " + Detail,
        _ => "hung: " + Detail,
    };
}

/// <summary>The state a run leaves: every global's value, every memory's size and hash, every table's elements.</summary>
public sealed record FinalState(FuzzValue[] Globals, MemoryImage[] Memories, TableImage[] Tables);

/// <summary>A memory's size in pages and the SHA-256 of its bytes (hex).</summary>
public sealed record MemoryImage(ulong Pages, string Sha256);

/// <summary>A table's elements (function indices, -1 for null; see <see cref="FuzzValue"/>).</summary>
public sealed record TableImage(int[] Elements)
{
    public override string ToString() => "[" + string.Join(' ', Elements) + "]";
}

/// <summary>Everything one engine did with one test case.</summary>
public sealed record RunOutcome(string Target, List<StepOutcome> Steps, FinalState? Final)
{
    /// <summary>The first step that is an internal error, a hang or a rejection: a failure whatever the other engines do.</summary>
    public StepOutcome? Failure => Steps.FirstOrDefault(s => s.Kind is StepKind.Crashed or StepKind.Hung or StepKind.Rejected);

    /// <summary>The step where the tier found something it does not compile, if any.</summary>
    public StepOutcome? Unsupported => Steps.FirstOrDefault(s => s.Kind == StepKind.Unsupported);
}
