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
