namespace Hoist.Tests.Spec;

/// <summary>
/// Finds the official spec test suite: <c>HOIST_TESTSUITE</c>, else <c>../shared/wasm-testsuite</c>
/// next to the repository. Never copied into the project.
/// </summary>
public static class SpecSuite
{
    public const string Missing = "<spec suite not found>";

    static readonly Lazy<string?> s_root = new(Locate);

    public static string? Root => s_root.Value;

    public static string MissingMessage =>
        "The WebAssembly spec suite was not found. Set HOIST_TESTSUITE to its folder, or put it at ../shared/wasm-testsuite next to the repository.";

    static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("HOIST_TESTSUITE") is { Length: > 0 } env)
            return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "wasm-testsuite"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }

    /// <summary>The repository root (the folder holding Engine.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
            throw new InvalidOperationException("cannot find the repository root (Engine.sln)");
        }
    }

    /// <summary>
    /// The .wast files of a suite folder, relative to the suite root, as xunit theory data; a single
    /// <see cref="Missing"/> entry when the suite is absent, so the test fails loudly instead of vanishing.
    /// </summary>
    public static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        if (Root is null) { data.Add(Missing); return data; }
        string dir = Path.Combine(Root, folder);
        if (!Directory.Exists(dir)) { data.Add(Missing); return data; }
        foreach (string f in Directory.EnumerateFiles(dir, "*.wast", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, f));
        return data;
    }

    public static string FullPath(string relative) =>
        relative == Missing ? throw new Xunit.Sdk.XunitException(MissingMessage) : Path.Combine(Root!, relative);
}
