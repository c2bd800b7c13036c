using System.Diagnostics;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The operator sweep (<c>hoist fuzz --mode ops</c>): every in-scope numeric operator of the opcode table, on edge
/// values and random ones, computed in several forms — all operands constant (what a compiler folds), from
/// parameters (locals), from registers, from spilled stack slots, and each constant/parameter mix — by every tier,
/// and the constant form by V8. Where random modules
/// reach a given operator on a given value by chance, the sweep reaches every one on purpose.
/// </summary>
/// <remarks>
/// <para>Checks, for each operator and operands: the forms agree on each tier (the same bits, or the same trap);
/// the tiers agree with each other and V8 with the constant form; and every NaN an arithmetic operator returns
/// follows the spec — canonical when every NaN operand is canonical, arithmetic (quiet bit set) otherwise. The
/// forms' NaNs may differ in payload and sign as the spec allows, but not in kind.</para>
/// <para>One module per operator: functions computing from parameters, registers and slots; then, per operand tuple,
/// a function with constants only and (for binary operators) one per mix. Each tuple's calls go in the order of
/// <see cref="FormNames"/>. A failure is written as a module with the forms of the failing tuple alone.</para>
/// <para>Then every load and store (<see cref="MemorySweep"/>), at addresses and offsets around the ends of a 32-bit
/// and a 64-bit memory, checked against the exact outcome the sweep computes itself.</para>
/// </remarks>
public static class OperatorSweep
{
    /// <summary>One module of the sweep, and how to judge its runs: each failure with a small module that shows it.</summary>
    internal sealed record SweepItem(string Name, GModule Module, bool ForV8,
        Func<List<RunOutcome>, RunOutcome?, IEnumerable<(GModule Small, Divergence Divergence)>> Check);

    /// <summary>The operators swept: every in-scope operator taking and giving numbers, with no immediate.</summary>
    public static IReadOnlyList<Opcode> Operators { get; } =
        new[] { ValKind.I32, ValKind.I64, ValKind.F32, ValKind.F64 }.SelectMany(k => OperatorCatalog.Producers(k).ToArray()).OrderBy(op => op).ToArray();

    /// <summary>How many edge values of each type make the grid of a binary operator's operands.</summary>
    const int GridSize = 14;

    public static FuzzReport Run(FuzzSettings settings)
    {
        var tiers = Enum.GetValues<Strategy>().Where(EngineTarget.IsAvailable).Select(s => new EngineTarget(s)).ToList();
        var v8 = settings.UseV8 ? V8Target.TryStart() : null;
        var report = new FuzzReport { Mode = "ops", Targets = [.. tiers.Select(t => t.Name), .. v8 is null ? [] : new[] { "v8" }] };
        if (tiers.Count == 1) report.AddNote($"only one tier is available ({tiers[0].Name}): its constant and run-time forms are compared with each other and with V8");
        if (settings.UseV8 && v8 is null) report.AddNote("node was not found: no comparison with V8");
        int randomTuples = settings.Iterations ?? 32;
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var random = new Random(settings.Seed);
        var items = Operators.Select(op => NumericItem(op, random, randomTuples)).Concat(MemorySweep.Items());
        try
        {
            foreach (var item in items)
            {
                if (settings.Duration is { } d && clock.Elapsed >= d) break;
                var c = new FuzzCase(item.Module, ModuleEmitter.Encode(item.Module));
                settings.MarkCurrent($"ops {item.Name}", c.Binary);
                var runs = tiers.Select(t => t.Run(c)).ToList();
                foreach (var r in runs) if (r.Unsupported is { } u) report.CountUnsupported(r.Target, u.Detail);
                runs.RemoveAll(r => r.Unsupported is not null);
                if (runs.Count == 0) continue;
                var v8Run = item.ForV8 && v8 is { Alive: true } ? v8.Run(c) : null;
                report.Modules++;
                report.Count(runs[0]);
                if (v8Run?.Failure is null && v8Run is not null) report.V8Compared++;
                else if (v8Run is not null) { report.V8Unusable++; v8Run = null; }
                foreach (var (small, divergence) in item.Check(runs, v8Run))
                {
                    var sc = new FuzzCase(small, ModuleEmitter.Encode(small));
                    string? path = settings.OutDir is null ? null : Reproducer.Write(settings.OutDir, $"ops-{report.Modules - 1}-{report.Failures}",
                        sc, $"hoist fuzz --mode ops --seed {settings.Seed}: {item.Name}", divergence,
                        [.. tiers.Select(t => t.Run(sc)), .. item.ForV8 && v8 is { Alive: true } ? new[] { v8.Run(sc) } : []]);
                    report.AddFinding(new Finding(report.Modules - 1, settings.Seed, item.Name, divergence, path));
                }
                report.Elapsed = clock.Elapsed;
                if (settings.Progress is { } progress && clock.Elapsed - lastProgress >= settings.ProgressInterval)
                {
                    lastProgress = clock.Elapsed;
                    progress(report);
                }
            }
        }
        finally
        {
            foreach (var t in tiers) t.Dispose();
            v8?.Dispose();
        }
        settings.ClearCurrent();
        report.Elapsed = clock.Elapsed;
        return report;
    }

    static SweepItem NumericItem(Opcode op, Random random, int randomTuples)
    {
        var tuples = Tuples(op, random, randomTuples);
        var module = Module(op, tuples);
        return new SweepItem(op.Mnemonic(), module, ForV8: true, (runs, v8) =>
            Check(op, tuples, runs, v8).Select(x => (x.Tuple.Length == 0 ? module : Module(op, [x.Tuple]), x.Divergence)));
    }

    static ValType[] ParamTypes(Opcode op)
    {
        var ps = op.Params();
        var types = new ValType[ps.Length];
        for (int i = 0; i < ps.Length; i++) types[i] = OperatorCatalog.ToValType(ps[i], ValType.I32);
        return types;
    }

    /// <summary>The operand tuples: every edge value (a grid of them for binary operators), then random ones.</summary>
    static List<ulong[]> Tuples(Opcode op, Random random, int randomCount)
    {
        var types = ParamTypes(op);
        var tuples = new List<ulong[]>();
        if (types.Length == 1)
        {
            foreach (ulong v in EdgeValues.Pool(types[0])) tuples.Add([v]);
        }
        else
        {
            var a = Grid(types[0]);
            var b = Grid(types[1]);
            foreach (ulong x in a) foreach (ulong y in b) tuples.Add([x, y]);
        }
        for (int i = 0; i < randomCount; i++) tuples.Add(types.Select(t => EdgeValues.Draw(random, t)).ToArray());
        return tuples;
    }

    /// <summary>An even spread of <see cref="GridSize"/> edge values of a type (its pool runs from small to odd values).</summary>
    static List<ulong> Grid(ValType t)
    {
        var pool = EdgeValues.Pool(t);
        return Enumerable.Range(0, GridSize).Select(i => pool[i * pool.Count / GridSize]).ToList();
    }

    static GModule Module(Opcode op, List<ulong[]> tuples)
    {
        var types = ParamTypes(op);
        ValType result = OperatorCatalog.ToValType(op.Results()[0], ValType.I32);
        var m = new GModule();
        m.FuelGlobal = 0;
        m.Globals.Add(new GGlobal(new GlobalType(ValType.I32, true), new GConst(ValType.I32, GModule.FuelPerCall)));
        GFunc Function(ValType[] parameters, Func<int, GNode> operand)
        {
            int t = m.TypeIndex(parameters, [result]);
            var f = new GFunc(m.Types[t], t);
            f.Body.Add(new GOp(op, Enumerable.Range(0, types.Length).Select(operand).ToList(), [result]));
            m.Funcs.Add(f);
            return f;
        }
        GNode Get(int local, int operand) => new GOp(Opcode.LocalGet, [], [types[operand]], new GImm { Index = local });

        var runtime = Function(types, i => Get(i, i));
        // The same from registers (select of a value with itself moves it into one) and from spilled stack slots
        // (a block spills the values beneath it, and leaves its result in a slot).
        var registers = Function(types, i => new GOp(types[i].IsNumeric ? Opcode.Select : Opcode.SelectTyped,
            [Get(i, i), Get(i, i), new GConst(ValType.I32, 1)], [types[i]], new GImm { Type = types[i] }));
        var spilled = Function(types, i => new GBlock(Opcode.Block, [], [types[i]], -1) { Body = [Get(i, i)] });
        foreach (var tuple in tuples)
        {
            m.Calls.Add(new Invocation(runtime, Args(types, tuple)));
            var constant = Function([], i => new GConst(types[i], tuple[i]));
            m.Calls.Add(new Invocation(constant, []));
            if (types.Length == 2)
            {
                var left = Function([types[1]], i => i == 0 ? new GConst(types[0], tuple[0]) : Get(0, 1));
                m.Calls.Add(new Invocation(left, [new ArgValue(types[1], tuple[1])]));
                var right = Function([types[0]], i => i == 1 ? new GConst(types[1], tuple[1]) : Get(0, 0));
                m.Calls.Add(new Invocation(right, [new ArgValue(types[0], tuple[0])]));
            }
            m.Calls.Add(new Invocation(registers, Args(types, tuple)));
            m.Calls.Add(new Invocation(spilled, Args(types, tuple)));
        }
        return m;
    }

    static ArgValue[] Args(ValType[] types, ulong[] tuple) => types.Select((t, i) => new ArgValue(t, tuple[i])).ToArray();

    /// <summary>Every tuple on which the forms, the tiers, V8 or the NaN rules disagree, with what went wrong.</summary>
    static IEnumerable<(ulong[] Tuple, Divergence Divergence)> Check(Opcode op, List<ulong[]> tuples, List<RunOutcome> runs, RunOutcome? v8)
    {
        var types = ParamTypes(op);
        var formNames = FormNames(types.Length);
        int forms = formNames.Length;
        string name = op.Mnemonic();
        foreach (var run in runs)
            if (run.Steps.Count < 2 + forms * tuples.Count)
            {
                var f = run.Failure ?? run.Steps[^1];
                yield return ([], new Divergence($"{run.Target}: {name}: the module did not run ({f.Kind})", f.ToString()));
                yield break;
            }
        bool arithmetic = OperatorCatalog.MayProduceArithmeticNan(op);
        for (int t = 0; t < tuples.Count; t++)
        {
            string operands = string.Join(' ', tuples[t].Select((b, i) => FuzzValue.Number(types[i].Kind, b).ToString()));
            Divergence? found = null;
            int first = 2 + t * forms;
            foreach (var run in runs)
            {
                var reference = run.Steps[first];
                for (int f = 0; f < forms && found is null; f++)
                {
                    var step = run.Steps[first + f];
                    if (step.Kind is StepKind.Crashed or StepKind.Hung)
                        found = new Divergence($"{run.Target}: {name}: {step.Kind}", $"{name} {operands}: {step}");
                    else if (!Agree(reference, step, arithmetic, exactNans: true))
                        found = new Divergence($"{run.Target}: {name}: the {formNames[f]} form differs", $"{name} {operands}: from parameters {reference}, {formNames[f]} {step}");
                    else if (arithmetic && step.Kind == StepKind.Ok && NanRuleBroken(tuples[t], types, step.Values[0]) is { } rule)
                        found = new Divergence($"{run.Target}: {name}: {rule}", $"{name} {operands} ({formNames[f]} form) = {step}");
                }
                if (found is null && run != runs[0] && !Agree(runs[0].Steps[first + 1], run.Steps[first + 1], arithmetic, exactNans: true))
                    found = new Divergence($"{runs[0].Target}/{run.Target}: {name} differs", $"{name} {operands}: {runs[0].Target} {runs[0].Steps[first + 1]}, {run.Target} {run.Steps[first + 1]}");
            }
            if (found is null && v8 is not null && !Agree(runs[0].Steps[first + 1], v8.Steps[first + 1], arithmetic, exactNans: false))
                found = new Divergence($"{runs[0].Target}/v8: {name} differs", $"{name} {operands}: {runs[0].Target} {runs[0].Steps[first + 1]}, v8 {v8.Steps[first + 1]}");
            if (found is not null) yield return (tuples[t], found);
        }
    }

    /// <summary>The forms of one operand tuple, in the order of their calls (the constant form is always second).</summary>
    static string[] FormNames(int operands) => operands == 2
        ? ["parameters", "constant", "constant-first", "constant-second", "registers", "spilled"]
        : ["parameters", "constant", "registers", "spilled"];

    /// <summary>Same outcome: the same trap, or the same value (NaNs of an arithmetic operator need only both be NaNs).</summary>
    internal static bool Agree(StepOutcome a, StepOutcome b, bool arithmetic, bool exactNans)
    {
        if (a.Kind != b.Kind) return false;
        if (a.Kind == StepKind.Trapped)
        {
            if (a.Trap != TrapCode.None && b.Trap != TrapCode.None) return a.Trap == b.Trap;
            return a.Trap != TrapCode.None ? V8Traps.Matches(b.Detail, a.Trap) : V8Traps.Matches(a.Detail, b.Trap);
        }
        if (a.Kind != StepKind.Ok || a.Values.Length != 1 || b.Values.Length != 1) return a.Kind == b.Kind;
        var (x, y) = (a.Values[0], b.Values[0]);
        if (x == y) return true;
        bool bothNan = x.Kind == y.Kind && EdgeValues.IsNan(x.Kind, x.Bits) && EdgeValues.IsNan(y.Kind, y.Bits);
        return bothNan && (arithmetic || !exactNans);
    }

    /// <summary>
    /// The spec's rule for an arithmetic operator's NaN result: canonical (either sign) when every NaN operand is
    /// canonical, otherwise arithmetic (the quiet bit set). Null when the result obeys it.
    /// </summary>
    internal static string? NanRuleBroken(ulong[] operands, ValType[] types, FuzzValue result)
    {
        if (!EdgeValues.IsNan(result.Kind, result.Bits)) return null;
        bool is64 = result.Kind == ValKind.F64;
        ulong payload = is64 ? result.Bits & 0x000F_FFFF_FFFF_FFFF : result.Bits & 0x007F_FFFF;
        ulong quiet = is64 ? 0x0008_0000_0000_0000UL : 0x0040_0000UL;
        bool allCanonical = true;
        for (int i = 0; i < operands.Length; i++)
        {
            if (!EdgeValues.IsNan(types[i].Kind, operands[i])) continue;
            ulong p = types[i].Kind == ValKind.F64 ? operands[i] & 0x000F_FFFF_FFFF_FFFF : operands[i] & 0x007F_FFFF;
            allCanonical &= p == (types[i].Kind == ValKind.F64 ? 0x0008_0000_0000_0000UL : 0x0040_0000UL);
        }
        if (allCanonical && payload != quiet) return "a NaN result of canonical operands is not canonical";
        if ((payload & quiet) == 0) return "a NaN result is not an arithmetic NaN";
        return null;
    }
}
