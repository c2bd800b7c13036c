using System.Text.Json;
using Hoist.Runtime;

namespace Hoist.Tests.Wasi;

/// <summary>
/// The clang-compiled benchmark programs of Bench/programs as correctness tests: each prints its results
/// and a checksum of everything it computed, which must be what V8 prints, on every tier. At a small work
/// scale by default (bench-small-expected.json, recorded by record-bench-small.mjs); at the standard scale
/// against Bench/programs/expected.json with HOIST_BENCH_FULL=1 (about a minute per tier).
/// </summary>
public class BenchProgramTests
{
    static string Programs => Path.Combine(Spec.SpecSuite.RepoRoot, "Bench", "programs");

    static Dictionary<string, string> Expected(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateObject()
            .Where(p => !p.Name.StartsWith('$') && p.Name != "scale")
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);

    static readonly Lazy<Dictionary<string, string>> s_small = new(() => Expected(Path.Combine(Spec.SpecSuite.RepoRoot, "Tests", "Wasi", "bench-small-expected.json")));
    static readonly Lazy<Dictionary<string, string>> s_full = new(() => Expected(Path.Combine(Programs, "expected.json")));

    static IEnumerable<string> ProgramNames => Directory.EnumerateFiles(Programs, "*.wasm").Select(Path.GetFileNameWithoutExtension).Order()!;

    public static TheoryData<string, Strategy> Cases => Tiers.Cross(ProgramNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SmallScaleOutputMatchesV8(string name, Strategy strategy)
    {
        var r = WasiRun.Run(strategy, Path.Combine(Programs, name + ".wasm"), configure: c => c.Arguments.Add("5"));
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(s_small.Value[name], r.Stdout);
    }

    [FullScaleTheory]
    [MemberData(nameof(Cases))]
    public void FullScaleOutputMatchesExpectedJson(string name, Strategy strategy)
    {
        var r = WasiRun.Run(strategy, Path.Combine(Programs, name + ".wasm"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(s_full.Value[name], r.Stdout);
    }

    [Fact]
    public void EveryProgramHasExpectations()
    {
        Assert.True(ProgramNames.Count() >= 11);
        foreach (string name in ProgramNames)
        {
            Assert.True(s_small.Value.ContainsKey(name), $"{name} is missing from bench-small-expected.json (run record-bench-small.mjs)");
            Assert.True(s_full.Value.ContainsKey(name), $"{name} is missing from Bench/programs/expected.json");
        }
    }
}

/// <summary>A theory that runs only with HOIST_BENCH_FULL=1 (it is long), and says so when skipped.</summary>
public sealed class FullScaleTheoryAttribute : TheoryAttribute
{
    public FullScaleTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("HOIST_BENCH_FULL") != "1")
            Skip = "the standard-scale benchmark runs take about a minute per tier: set HOIST_BENCH_FULL=1";
    }
}
