using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>
/// The spec suite in validate-only mode, one test case per .wast file: every module must load,
/// every assert_malformed and assert_invalid must be rejected in its category.
/// </summary>
public class SpecValidateTests
{
    static readonly WastRunner s_runner = new(new WastOptions { ValidateOnly = true });

    public static TheoryData<string> Core => SpecSuite.Files("core");
    public static TheoryData<string> Legacy => SpecSuite.Files("legacy");

    [Theory]
    [MemberData(nameof(Core))]
    public void CoreFileValidates(string file) => Run(file);

    [Theory]
    [MemberData(nameof(Legacy))]
    public void LegacyFileValidates(string file) => Run(file);

    static void Run(string file)
    {
        var result = s_runner.RunFile(SpecSuite.FullPath(file));
        ExpectedFailures.Check("validate", file, result);
        Assert.True(result.Passed > 0 || result.Skipped > 0, $"{file}: the script ran no directive");
    }
}
