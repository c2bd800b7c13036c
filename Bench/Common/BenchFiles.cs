namespace Hoist.Bench.Common;

/// <summary>
/// The repository's benchmark inputs, found from wherever the benchmark runs: <c>HOIST_REPO</c> if set, else
/// the nearest ancestor of the executable's directory that holds Engine.sln. (BenchmarkDotNet runs each
/// benchmark in a generated project under bin/, several levels below the Bench project, so a fixed
/// relative path would break.) Files are read once and cached; callers must not modify the arrays.
/// </summary>
public static class BenchFiles
{
    static readonly Lazy<string> s_repo = new(FindRepo);
    static readonly Lazy<byte[]> s_big = new(() => File.ReadAllBytes(ProgramWasm("big")));

    /// <summary>The repository root.</summary>
    public static string Repo => s_repo.Value;

    /// <summary>Bench/programs/NAME.wasm.</summary>
    public static string ProgramWasm(string name) => Path.Combine(Repo, "Bench", "programs", name + ".wasm");

    /// <summary>Bench/programs/big.wasm: 1.8 MB of clang -O2 code (≥ 1 MB code section), the compile-throughput input.</summary>
    public static byte[] BigWasm => s_big.Value;

    static string FindRepo()
    {
        if (Environment.GetEnvironmentVariable("HOIST_REPO") is { Length: > 0 } fromEnv) return Path.GetFullPath(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Engine.sln above {AppContext.BaseDirectory}; set HOIST_REPO to the repository root");
    }
}
