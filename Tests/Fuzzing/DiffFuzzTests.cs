using Hoist.Runtime;
using Hoist.Runtime.Fuzzing;
using Hoist.Vm;

namespace Hoist.Tests.Fuzzing;

/// <summary>
/// The fixed-seed differential run of CI: a few hundred generated modules on every available tier (and V8 when
/// node is installed), none of which may diverge, crash, hang or fail to validate. HOIST_FUZZ_MODULES sets the
/// count for a longer run.
/// </summary>
public class DiffFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void AFixedSeedRunFindsNoFailure()
    {
        int modules = int.TryParse(Environment.GetEnvironmentVariable("HOIST_FUZZ_MODULES"), out int n) ? n : 400;
        var report = DiffFuzzer.Run(new FuzzSettings { Seed = 20261121, Iterations = modules, ShrinkTime = TimeSpan.FromSeconds(20) });
        output.WriteLine(report.Summary());
        var failures = report.Findings;
        Assert.True(failures.Count == 0, $"{failures.Count} failure(s); first: {(failures.Count > 0 ? failures[0].Divergence.Detail : "")}\n{report.Summary()}");

        // The run must have exercised what it claims to: calls that return, and traps of many kinds.
        Assert.Equal(modules, report.Modules);
        Assert.Equal(0, report.GeneratorBugs);
        Assert.True(report.Returns > report.Calls / 4, $"only {report.Returns} of {report.Calls} calls returned");
        var kinds = Enum.GetValues<TrapCode>().Where(c => report.Traps(c) > 0).ToList();
        Assert.True(kinds.Count >= 10, "trap kinds seen: " + string.Join(", ", kinds));
        Assert.Equal(TierScope.All.Count, report.Coverage.Covered);
        if (report.Targets.Contains("v8"))
        {
            Assert.True(report.V8Compared > modules / 3, $"only {report.V8Compared} modules compared with V8");
            Assert.True(report.V8Unusable <= modules / 50, $"V8 could not take {report.V8Unusable} modules");
        }
        else output.WriteLine("node was not found: this run did not compare with V8");
    }
}

/// <summary>
/// The tier-against-tier path, as it will run once the Optimizing tier exists: a second tier that miscompiles (here,
/// the Baseline with every i32 result's low bit flipped) is caught, shrunk to a small module and written out.
/// </summary>
public class TierAgainstTierTests
{
    sealed class MiscompilingTier : IFuzzTarget
    {
        readonly EngineTarget _inner = new(Hoist.Runtime.Strategy.Baseline);
        public string Name => "miscompiling";
        public bool ExactNans => true;

        public RunOutcome Run(FuzzCase c)
        {
            var run = _inner.Run(c);
            var steps = run.Steps.Select(s => s.Kind == StepKind.Ok && s.Values is [{ Kind: Hoist.Wasm.ValKind.I32 } v]
                ? s with { Values = [v with { Bits = v.Bits ^ 1 }] } : s).ToList();
            return run with { Target = Name, Steps = steps };
        }

        public void Dispose() => _inner.Dispose();
    }

    /// <summary>A tier that does not compile some operator yet (as the Optimizing tier may start out).</summary>
    sealed class PartialTier : IFuzzTarget
    {
        readonly EngineTarget _inner = new(Hoist.Runtime.Strategy.Baseline);
        public string Name => "partial";
        public bool ExactNans => true;

        public RunOutcome Run(FuzzCase c)
        {
            if (!c.Binary.Contains((byte)0x14)) return _inner.Run(c) with { Target = Name };   // crude: "no call_ref byte"
            return new RunOutcome(Name, [new StepOutcome("compile", StepKind.Unsupported, [], Detail: "call_ref (funcrefs)")], null);
        }

        public void Dispose() => _inner.Dispose();
    }

    [Fact]
    public void ATierThatLacksAnOperatorSitsThoseModulesOut()
    {
        var report = DiffFuzzer.Run(new FuzzSettings { Seed = 6, Iterations = 20, UseV8 = false },
            [new EngineTarget(Hoist.Runtime.Strategy.Baseline), new PartialTier()]);
        Assert.Equal(0, report.Failures);
        Assert.Contains("partial left out (unsupported):", report.Summary());
        Assert.Contains("call_ref (funcrefs)", report.Summary());
    }

    [Fact]
    public void ATierThatDiffersIsCaughtShrunkAndWrittenOut()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"hoist-tiers-{Guid.NewGuid():N}");
        try
        {
            var report = DiffFuzzer.Run(new FuzzSettings { Seed = 5, Iterations = 4, OutDir = dir, UseV8 = false, ShrinkTime = TimeSpan.FromSeconds(30) },
                [new EngineTarget(Hoist.Runtime.Strategy.Baseline), new MiscompilingTier()]);
            Assert.Equal(["baseline", "miscompiling"], report.Targets);
            Assert.DoesNotContain(report.Notes, n => n.Contains("only one tier"));
            var finding = report.Findings.First();
            Assert.Equal("baseline/miscompiling: call results differ", finding.Divergence.Signature);
            string text = File.ReadAllText(finding.Reproducer!);
            // Shrunk to one call of one function that returns a constant i32.
            Assert.Single(text.Split('\n'), l => l.StartsWith(";;   f", StringComparison.Ordinal));
            Assert.Contains(";;     miscompiling: i32:1", text);
            Assert.Contains(";;     baseline: i32:0", text);
            Assert.True(File.Exists(Path.ChangeExtension(finding.Reproducer!, ".wasm")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
