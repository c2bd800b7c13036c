using System.Text;
using Hoist.Vm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>A failure the fuzzer found: where, what, and the reproducer it wrote (if it had a directory).</summary>
public sealed record Finding(int Iteration, int ModuleSeed, string Profile, Divergence Divergence, string? Reproducer);

/// <summary>The running totals of a fuzzing run, and its summary. Updated by one thread, read by the progress reporter.</summary>
public sealed class FuzzReport
{
    readonly long[] _traps = new long[TrapCodes.Count];
    readonly List<Finding> _findings = [];
    readonly List<string> _notes = [];

    public string Mode { get; init; } = "diff";
    public IReadOnlyList<string> Targets { get; init; } = [];
    public int Modules;
    public int GeneratorBugs;
    public long Calls;
    public long Returns;
    /// <summary>Modules compared with V8 / modules V8 could not take (it rejected them, or its runner failed).</summary>
    public int V8Compared, V8Unusable;
    public OpcodeCoverage Coverage { get; } = new();
    public TimeSpan Elapsed;

    public IReadOnlyList<Finding> Findings { get { lock (_findings) return _findings.ToArray(); } }
    public IReadOnlyList<string> Notes => _notes;
    public long Traps(TrapCode code) => Interlocked.Read(ref _traps[(int)code]);

    /// <summary>Failures: divergences, crashes, hangs, generator bugs. A run with any exits non-zero.</summary>
    public int Failures { get { lock (_findings) return _findings.Count; } }

    readonly Dictionary<(string Target, string Construct), int> _unsupported = [];

    /// <summary>Counts a module a tier did not compile because of <paramref name="construct"/> (left out of the comparison).</summary>
    public void CountUnsupported(string target, string construct)
    {
        lock (_unsupported) _unsupported[(target, construct)] = _unsupported.GetValueOrDefault((target, construct)) + 1;
    }

    public void AddFinding(Finding f) { lock (_findings) _findings.Add(f); }
    public void AddNote(string note) => _notes.Add(note);

    /// <summary>Counts the calls of the reference run: how many returned, how many trapped and with what.</summary>
    public void Count(RunOutcome reference)
    {
        foreach (var s in reference.Steps)
        {
            if (s.Step is "compile" or "instantiate" or "final state") { if (s.Kind == StepKind.Trapped) Interlocked.Increment(ref _traps[(int)s.Trap]); continue; }
            Calls++;
            if (s.Kind == StepKind.Ok) Returns++;
            else if (s.Kind == StepKind.Trapped) Interlocked.Increment(ref _traps[(int)s.Trap]);
        }
    }

    string Unit => Mode switch { "binary" => "inputs", "ops" => "operators", _ => "modules" };

    public string ProgressLine() => Mode == "binary"
        ? $"{Mode}: {Modules} inputs, {Failures} failures, {Elapsed.TotalSeconds:0} s"
        : $"{Mode}: {Modules} modules, {Calls} calls ({Returns} returned), {Failures} failures, {Elapsed.TotalSeconds:0} s";

    public string Summary()
    {
        var s = new StringBuilder();
        s.AppendLine($"hoist fuzz ({Mode}): {Modules} {Unit} in {Elapsed.TotalSeconds:0.0} s on {string.Join(", ", Targets)}");
        foreach (var n in _notes) s.AppendLine("  note: " + n);
        if (Mode == "ops") s.AppendLine($"  calls: {Calls} ({Returns} returned)");
        if (Mode == "diff")
        {
            s.AppendLine($"  calls: {Calls} ({Returns} returned, {Calls - Returns} trapped or failed)");
            var traps = Enumerable.Range(1, TrapCodes.Count - 1).Where(i => _traps[i] > 0)
                .Select(i => $"{(TrapCode)i} {_traps[i]}").ToList();
            s.AppendLine("  traps by kind: " + (traps.Count == 0 ? "none" : string.Join(", ", traps)));
            if (Targets.Contains("v8")) s.AppendLine($"  compared with V8: {V8Compared} modules ({V8Unusable} V8 could not take)");
            s.AppendLine($"  generator bugs (invalid modules): {GeneratorBugs}");
            s.AppendLine("  coverage: " + Coverage.Summary());
        }
        lock (_unsupported)
            foreach (var g in _unsupported.GroupBy(u => u.Key.Target))
                s.AppendLine($"  {g.Key} left out (unsupported): {g.Sum(u => u.Value)} modules; " +
                    string.Join(", ", g.OrderByDescending(u => u.Value).Take(8).Select(u => $"{u.Key.Construct} {u.Value}")));
        var findings = Findings;
        s.AppendLine($"  failures: {findings.Count}");
        foreach (var f in findings)
        {
            s.AppendLine($"    #{f.Iteration} (module seed {f.ModuleSeed}, {f.Profile}): {f.Divergence.Signature}");
            if (f.Reproducer is not null) s.AppendLine($"      reproducer: {f.Reproducer}");
        }
        return s.ToString();
    }
}
