using System.Text.Json;
using Hoist.Runtime;

namespace Hoist.Tests.Wasi;

/// <summary>
/// Every test of corpus/wasi/manifest.json (real C programs built with wasi-libc) on every tier: stdout,
/// stderr, the exit status and the files afterwards must be what the manifest says a conforming runtime
/// produces (not Node's known deviations: those are only for check-node.mjs's Node runner).
/// </summary>
public class WasiCorpusTests
{
    public static TheoryData<string, Strategy> Cases => Tiers.Cross(CorpusManifest.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConformsToTheManifest(string name, Strategy strategy)
    {
        JsonElement test = CorpusManifest.Test(name);
        JsonElement expect = test.GetProperty("expect");
        string root = Directory.CreateTempSubdirectory($"hoist-wasi-{name}-").FullName;
        try
        {
            CorpusManifest.BuildFixture(test, root);
            string stdin = test.TryGetProperty("stdin", out var s) ? s.GetString()! : "";
            var r = WasiRun.Run(strategy, Path.Combine(CorpusManifest.Directory, test.GetProperty("wasm").GetString()!), stdin,
                config => CorpusManifest.Configure(test, root, config));

            Assert.Equal(CorpusManifest.Lines(expect, "stdout"), r.Stdout);
            Assert.Equal(CorpusManifest.Lines(expect, "stderr"), r.Stderr);
            Assert.Equal(expect.GetProperty("exitCode").GetInt32(), r.ExitCode);
            if (expect.TryGetProperty("files", out var files))
                foreach (var f in files.EnumerateObject())
                    Assert.True(f.Value.GetString() == CorpusManifest.FileState(Path.Combine(root, f.Name)),
                        $"{f.Name}: expected {f.Value.GetString() ?? "absent"}, found {CorpusManifest.FileState(Path.Combine(root, f.Name)) ?? "absent"}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void TheManifestHasEveryProgram()
    {
        // A guard for the theory above: an empty or unreadable manifest must not pass silently.
        Assert.True(CorpusManifest.Names.Count() >= 13);
        Assert.NotEmpty(Tiers.All);
    }
}
