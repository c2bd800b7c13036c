using System.Text.Json;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>
/// corpus/wasi/manifest.json (its $comment documents the format): the tests, how to build each one's
/// fixture in a fresh temporary root, and how to configure a run from its args, env and preopens.
/// </summary>
public static class CorpusManifest
{
    public static string Directory => Path.Combine(Spec.SpecSuite.RepoRoot, "corpus", "wasi");

    static readonly Lazy<Dictionary<string, JsonElement>> s_tests = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json")));
        return doc.RootElement.GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.Clone());
    });

    public static IEnumerable<string> Names => s_tests.Value.Keys;

    public static JsonElement Test(string name) => s_tests.Value[name];

    /// <summary>Builds the test's fixture under <paramref name="root"/> ('$ROOT' in a symlink target is the root).</summary>
    public static void BuildFixture(JsonElement test, string root)
    {
        if (!test.TryGetProperty("fixture", out var fixture)) return;
        foreach (var e in fixture.EnumerateArray())
        {
            string p = Path.Combine(root, e.GetProperty("path").GetString()!);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            if (e.TryGetProperty("file", out var content)) File.WriteAllText(p, content.GetString());
            else if (e.TryGetProperty("dir", out _)) System.IO.Directory.CreateDirectory(p);
            else File.CreateSymbolicLink(p, e.GetProperty("symlink").GetString()!.Replace("$ROOT", root));
        }
    }

    /// <summary>Adds the test's arguments, environment and preopens (host paths under <paramref name="root"/>).</summary>
    public static void Configure(JsonElement test, string root, WasiConfig config)
    {
        if (test.TryGetProperty("args", out var args))
            config.Arguments.AddRange(args.EnumerateArray().Select(a => a.GetString()!));
        if (test.TryGetProperty("env", out var env))
            foreach (var kv in env.EnumerateObject()) config.Environment.Add(new(kv.Name, kv.Value.GetString()!));
        if (test.TryGetProperty("preopens", out var preopens))
            foreach (var p in preopens.EnumerateArray())
                config.PreopenDirectory(Path.Combine(root, p.GetProperty("host").GetString()!), p.GetProperty("guest").GetString()!);
    }

    /// <summary>The expected lines of a stream as one string (each line followed by a newline).</summary>
    public static string Lines(JsonElement expect, string stream) =>
        string.Concat(expect.GetProperty(stream).EnumerateArray().Select(l => l.GetString() + "\n"));

    /// <summary>What a file of the fixture root is now: its text, "&lt;dir&gt;", "&lt;link&gt;", or null if absent.</summary>
    public static string? FileState(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return "<link>";
        if (System.IO.Directory.Exists(path)) return "<dir>";
        return info.Exists ? File.ReadAllText(path) : null;
    }
}
