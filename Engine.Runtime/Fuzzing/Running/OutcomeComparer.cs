using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// A way two runs of the same test case differ, or a run failed on its own. <see cref="Signature"/> names the
/// kind of failure without the details that change while shrinking (which call, which values): the shrinker
/// keeps an edit only when the signature stays the same.
/// </summary>
public sealed record Divergence(string Signature, string Detail);

/// <summary>
/// Compares two runs step by step — how each step ended, the values bit for bit, the trap codes — and then the
/// final state (globals, memory hashes, tables). Generated modules canonicalise arithmetic NaNs, so two correct
/// engines agree on every bit. The one leniency: a target that cannot report NaN bits (V8, through JS numbers)
/// matches any NaN, and its traps, known only by message, match the codes <see cref="V8Traps"/> maps them to.
/// </summary>
public static class OutcomeComparer
{
    /// <summary>The failure of a single run: an internal error, a hang, or a rejection of a valid module.</summary>
    public static Divergence? Check(RunOutcome run)
    {
        if (run.Failure is not { } f) return null;
        string what = f.Kind switch
        {
            StepKind.Crashed => "crash " + f.Detail.Split(':', 2)[0],
            StepKind.Hung => "hang",
            _ => "rejected",
        };
        return new Divergence($"{run.Target}: {what} at {StepKindOf(f.Step)}", $"{run.Target}, step {f.Step}: {f}");
    }

    /// <summary>The first difference between <paramref name="a"/> and <paramref name="b"/>, or null.</summary>
    public static Divergence? Compare(RunOutcome a, RunOutcome b, bool exactNans = true)
    {
        int n = Math.Max(a.Steps.Count, b.Steps.Count);
        for (int i = 0; i < n; i++)
        {
            var sa = i < a.Steps.Count ? a.Steps[i] : null;
            var sb = i < b.Steps.Count ? b.Steps[i] : null;
            if (sa is null || sb is null)
                return new Divergence($"{a.Target}/{b.Target}: different number of steps", $"{a.Target} has {a.Steps.Count} steps, {b.Target} {b.Steps.Count}");
            string step = StepKindOf(sa.Step);
            string detail = $"step {sa.Step}: {a.Target}: {sa}; {b.Target}: {sb}";
            if (sa.Kind != sb.Kind)
                return new Divergence($"{a.Target}/{b.Target}: {step} {sa.Kind} vs {sb.Kind}", detail);
            if (sa.Kind == StepKind.Trapped && !TrapsMatch(sa, sb))
                return new Divergence($"{a.Target}/{b.Target}: {step} trap {TrapName(sa)} vs {TrapName(sb)}", detail);
            if (sa.Kind == StepKind.Ok && !ValuesMatch(sa.Values, sb.Values, exactNans))
                return new Divergence($"{a.Target}/{b.Target}: {step} results differ", detail);
        }
        if (a.Final is { } fa && b.Final is { } fb && StateDifference(fa, fb, exactNans) is { } what)
            return new Divergence($"{a.Target}/{b.Target}: final {what.Split(' ')[0]} differs", $"final state: {what}");
        return null;
    }

    /// <summary>"compile", "instantiate" or "call": what kind of step, for signatures.</summary>
    static string StepKindOf(string step) => step is "compile" or "instantiate" or "final state" ? step : "call";

    static string TrapName(StepOutcome s) => s.Trap != TrapCode.None ? s.Trap.ToString() : $"\"{s.Detail}\"";

    static bool TrapsMatch(StepOutcome a, StepOutcome b)
    {
        if (a.Trap != TrapCode.None && b.Trap != TrapCode.None) return a.Trap == b.Trap;
        if (a.Trap != TrapCode.None) return V8Traps.Matches(b.Detail, a.Trap);
        if (b.Trap != TrapCode.None) return V8Traps.Matches(a.Detail, b.Trap);
        return a.Detail == b.Detail;
    }

    static bool ValuesMatch(FuzzValue[] a, FuzzValue[] b, bool exactNans)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!ValueMatches(a[i], b[i], exactNans)) return false;
        return true;
    }

    static bool ValueMatches(FuzzValue a, FuzzValue b, bool exactNans) =>
        a == b || (!exactNans && a.Kind == b.Kind && EdgeValues.IsNan(a.Kind, a.Bits) && EdgeValues.IsNan(b.Kind, b.Bits));

    static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;

    static string? StateDifference(FinalState a, FinalState b, bool exactNans)
    {
        for (int i = 0; i < Math.Min(a.Globals.Length, b.Globals.Length); i++)
            if (!ValueMatches(a.Globals[i], b.Globals[i], exactNans)) return $"global {i}: {a.Globals[i]} vs {b.Globals[i]}";
        for (int i = 0; i < Math.Min(a.Memories.Length, b.Memories.Length); i++)
            if (a.Memories[i] != b.Memories[i])
                return $"memory {i}: {a.Memories[i].Pages} pages sha256 {Short(a.Memories[i].Sha256)} vs {b.Memories[i].Pages} pages sha256 {Short(b.Memories[i].Sha256)}";
        for (int i = 0; i < Math.Min(a.Tables.Length, b.Tables.Length); i++)
            if (!a.Tables[i].Elements.AsSpan().SequenceEqual(b.Tables[i].Elements)) return $"table {i}: {a.Tables[i]} vs {b.Tables[i]}";
        if (a.Globals.Length != b.Globals.Length || a.Memories.Length != b.Memories.Length || a.Tables.Length != b.Tables.Length)
            return "shape of the final state";
        return null;
    }
}

/// <summary>
/// V8's trap messages and the Hoist trap codes each stands for. V8 says less than Hoist: one message covers both
/// an integer overflow and a NaN conversion, or a null entry and a signature mismatch.
/// </summary>
public static class V8Traps
{
    /// <summary>What the V8 runner reports for a JS RangeError "Maximum call stack size exceeded".</summary>
    public const string StackOverflow = "stack overflow";

    static readonly Dictionary<string, TrapCode[]> s_codes = new(StringComparer.Ordinal)
    {
        ["unreachable"] = [TrapCode.Unreachable],
        [StackOverflow] = [TrapCode.StackOverflow],
        ["memory access out of bounds"] = [TrapCode.MemoryOutOfBounds, TrapCode.DataSegmentOutOfBounds],
        ["data segment out of bounds"] = [TrapCode.DataSegmentOutOfBounds],
        ["data segment is out of bounds"] = [TrapCode.MemoryOutOfBounds, TrapCode.DataSegmentOutOfBounds],
        ["divide by zero"] = [TrapCode.IntegerDivideByZero],
        ["remainder by zero"] = [TrapCode.IntegerDivideByZero],
        ["divide result unrepresentable"] = [TrapCode.IntegerOverflow],
        ["float unrepresentable in integer range"] = [TrapCode.IntegerOverflow, TrapCode.BadConversionToInteger],
        ["table index is out of bounds"] = [TrapCode.UndefinedElement, TrapCode.TableOutOfBounds, TrapCode.ElementSegmentOutOfBounds],
        ["element segment out of bounds"] = [TrapCode.ElementSegmentOutOfBounds],
        ["element segment is out of bounds"] = [TrapCode.TableOutOfBounds, TrapCode.ElementSegmentOutOfBounds],
        ["null function or function signature mismatch"] = [TrapCode.UninitializedElement, TrapCode.IndirectCallTypeMismatch],
        ["dereferencing a null pointer"] = [TrapCode.NullReference, TrapCode.NullFunctionReference],
    };

    public static bool Matches(string v8Message, TrapCode code) =>
        s_codes.TryGetValue(v8Message, out var codes) && Array.IndexOf(codes, code) >= 0;
}
