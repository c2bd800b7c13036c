using Hoist.Runtime;
using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>
/// The spec suite executed on the Optimizing tier, one test case per .wast file: every directive runs
/// (the spectest host module included), against the expected-failure table's "optimizing" rows.
/// </summary>
public class SpecOptimizingTests
{
    static readonly WastRunner s_runner = new(new WastOptions { ValidateOnly = false, Config = new Config { Strategy = Strategy.Optimizing } });

    public static TheoryData<string> Core => SpecSuite.Files("core");
    public static TheoryData<string> Legacy => SpecSuite.Files("legacy");
    public static TheoryData<string> Supplement => SpecSuite.Files("spec-supplement");

    [Theory]
    [MemberData(nameof(Core))]
    public void CoreFileRuns(string file) => Run(file);

    [Theory]
    [MemberData(nameof(Legacy))]
    public void LegacyFileRuns(string file) => Run(file);

    [Theory]
    [MemberData(nameof(Supplement))]
    public void SupplementFileRuns(string file) => Run(file);

    static void Run(string file)
    {
        var result = s_runner.RunFile(SpecSuite.FullPath(file));
        ExpectedFailures.Check("optimizing", file, result);
        Assert.True(result.Passed > 0 || result.Failed > 0, $"{file}: the script ran no directive");
    }
}
