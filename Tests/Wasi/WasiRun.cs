using System.Text;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>Runs a WASI command in-process with captured stdio, the way an embedder would.</summary>
public static class WasiRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// Runs <paramref name="wasmPath"/> on tier <paramref name="strategy"/> with stdin
    /// <paramref name="stdin"/>; <paramref name="configure"/> adds arguments, environment and preopens
    /// (argv[0] is already the file name).
    /// </summary>
    public static Result Run(Strategy strategy, string wasmPath, string stdin = "", Action<WasiConfig>? configure = null)
    {
        var engine = Tiers.Engine(strategy);
        using var module = Module.FromFile(engine, wasmPath);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var config = new WasiConfig
        {
            Stdin = WasiStdio.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(stdin))),
            Stdout = WasiStdio.FromStream(stdout),
            Stderr = WasiStdio.FromStream(stderr),
        };
        config.Arguments.Add(Path.GetFileName(wasmPath));
        configure?.Invoke(config);
        using var wasi = new WasiContext(config);
        using var store = new Store(engine);
        var linker = new Linker(engine);
        wasi.AddToLinker(linker);
        int code = wasi.RunCommand(linker.Instantiate(store, module));
        return new Result(code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
