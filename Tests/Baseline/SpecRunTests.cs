using Hoist.Tests.Spec;
using Hoist.Wasm.Text;
using Xunit.Abstractions;

namespace Hoist.Tests.Baseline;

/// <summary>
/// The core spec suite executed on the baseline compiler (see <see cref="SpecExecutor"/> for what runs):
/// every assert_return, assert_trap and assert_exhaustion of the files outside SIMD, GC and exceptions.
/// </summary>
public class SpecRunTests(ITestOutputHelper output)
{
    public static TheoryData<string> CoreFiles() => SuiteCompileTests.CoreFiles();

    [Theory]
    [MemberData(nameof(CoreFiles))]
    public void ScriptPasses(string file)
    {
        WastScript script = WastParser.ParseFile(SpecSuite.FullPath(file));
        using var executor = new SpecExecutor();
        executor.Run(script);
        output.WriteLine($"{file}: {executor.Passed} passed, {executor.Failures.Count} failed, {executor.Skipped} skipped");
        foreach (string limit in executor.RuntimeLimits.Take(5)) output.WriteLine($"  skipped (runtime limit): {limit}");
        Assert.True(executor.Failures.Count == 0,
            $"{executor.Failures.Count} failures:\n" + string.Join("\n", executor.Failures.Take(25)));
    }
}
