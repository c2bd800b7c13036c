using Hoist.Tests.Spec;
using Hoist.Wasm.Text;
using Xunit.Abstractions;

namespace Hoist.Tests.Baseline;

/// <summary>
/// Wasmtime's extra test scripts executed on the baseline compiler (see <see cref="SpecExecutor"/>); the
/// official suite runs on it in <c>Tests/Spec/SpecBaselineTests</c>.
/// </summary>
public class SpecRunTests(ITestOutputHelper output)
{
    static readonly string[] s_miscExcluded =
        ["component-model", "component-model-threading", "gc", "simd", "stack-switching", "threads", "shared-everything-threads", "stack-switching-and-gc"];

    static readonly string[] s_miscConfigs = [";;! nan_canonicalization = true", ";;! hogs_memory = true", ";;! bulk_memory = false"];

    /// <summary>Wasmtime's extra tests (../shared/wasmtime-misc-testsuite), outside the proposals the tier leaves out.</summary>
    public static TheoryData<string> MiscFiles()
    {
        var data = new TheoryData<string>();
        string root = Path.GetFullPath(Path.Combine(SpecSuite.RepoRoot, "..", "shared", "wasmtime-misc-testsuite"));
        if (!Directory.Exists(root)) { data.Add(SpecSuite.Missing); return data; }
        foreach (string f in Directory.EnumerateFiles(root, "*.wast", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string rel = Path.GetRelativePath(root, f);
            string first = rel.Split(Path.DirectorySeparatorChar)[0].Replace(".wast", "");
            if (s_miscExcluded.Contains(first) || rel.Contains("exceptions", StringComparison.Ordinal) || rel.Contains("throw", StringComparison.Ordinal)) continue;
            // Files that need a wasmtime configuration Hoist does not have (or that would reserve huge memories).
            string text = File.ReadAllText(f);
            if (s_miscConfigs.Any(c => text.Contains(c, StringComparison.Ordinal))) continue;
            data.Add(rel);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MiscFiles))]
    public void WasmtimeScriptPasses(string file)
    {
        if (file == SpecSuite.Missing) throw new Xunit.Sdk.XunitException("the wasmtime misc testsuite was not found next to the repository");
        string root = Path.GetFullPath(Path.Combine(SpecSuite.RepoRoot, "..", "shared", "wasmtime-misc-testsuite"));
        Run(Path.Combine(root, file), file);
    }

    void Run(string path, string file)
    {
        WastScript script;
        try { script = WastParser.ParseFile(path); }
        catch (Hoist.Wasm.WasmException e)
        {
            output.WriteLine($"{file}: the script does not parse ({e.Message}); skipped");
            return;
        }
        using var executor = new SpecExecutor();
        executor.Run(script);
        output.WriteLine($"{file}: {executor.Passed} passed, {executor.Failures.Count} failed, {executor.Skipped} skipped");
        foreach (string limit in executor.RuntimeLimits.Take(5)) output.WriteLine($"  skipped (runtime limit): {limit}");
        Assert.True(executor.Failures.Count == 0,
            $"{executor.Failures.Count} failures:\n" + string.Join("\n", executor.Failures.Take(25)));
    }
}
