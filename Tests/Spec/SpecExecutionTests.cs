using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>
/// The spec suite executed on one engine configuration, one test case per .wast file: every directive runs
/// (the spectest host module included), against the expected-failure table's rows for <paramref name="mode"/>.
/// Each derived class names a configuration (tier, bounds-check mode) and keeps its runner in a static field,
/// so its engine is made once.
/// </summary>
public abstract class SpecExecutionTests(string mode, WastRunner runner)
{
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

    void Run(string file)
    {
        var result = runner.RunFile(SpecSuite.FullPath(file));
        ExpectedFailures.Check(mode, file, result);
        Assert.True(result.Passed > 0 || result.Failed > 0, $"{file}: the script ran no directive");
    }
}
