using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Bench.Common;
using Hoist.Runtime;

namespace Hoist.Bench.Compile;

/// <summary>
/// Compile time of big.wasm (≥ 1 MB of code section) on each Hoist tier next to V8's Liftoff and TurboFan
/// compiling the same module eagerly, in one run:
/// <code>dotnet run -c Release --project Bench -- compile [--hoist-only] [--json FILE] [--warmup SECONDS] [--runs N]</code>
/// Every figure includes decoding and validation and counts MB (1e6 bytes) of code section per second of
/// CPU time on one core (compilation on one thread; CPU time is the steady figure on a loaded machine).
/// Hoist's figure is in-process and steady-state: a <see cref="Module"/> is made (decode, validate, compile,
/// link into executable memory) and disposed over and over for <c>--warmup</c> seconds, so that .NET's tiered
/// JIT has promoted the compiler's hot paths, then the median of <c>--runs</c> is taken. V8's compilers are
/// ahead-of-time compiled C++; Bench/scripts/compile-bench.mjs times <c>new WebAssembly.Module</c> on fresh
/// copies. The start-up cost of a cold <c>hoist</c> process is measured by compare.sh, not here.
/// </summary>
public static class QuickCompile
{
    public static void Run(string[] args)
    {
        string? json = null;
        bool hoistOnly = false;
        double warmupSeconds = 4;
        int runs = 9;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = args[++i]; break;
                case "--hoist-only": hoistOnly = true; break;
                case "--warmup": warmupSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"compile: unknown argument {args[i]} (see Bench/Compile/QuickCompile.cs)");
            }
        }

        byte[] module = BenchFiles.BigWasm;
        int codeBytes = WasmSections.CodeSectionSize(module);
        double codeMB = codeBytes / 1e6;
        Console.WriteLine($"big.wasm: {module.Length:N0} bytes, code section {codeMB:F2} MB; median CPU time of {runs} compiles, one compile thread");

        var results = new JsonObject();
        if (!hoistOnly)
        {
            foreach (var (id, label, flag) in new[] { ("liftoff", "V8 Liftoff", "--liftoff-only"), ("turbofan", "V8 TurboFan", "--no-liftoff") })
            {
                var v8 = Node(BenchFiles.ProgramWasm("big"), flag, runs);
                double ms = v8["medianCpuMs"]!.GetValue<double>();
                Print(label, ms, codeMB, "new WebAssembly.Module, eager, --single-threaded");
                results[id] = v8;
            }
        }
        foreach (var strategy in Tiers.All)
        {
            string id = $"hoist-{Tiers.Name(strategy)}";
            if (Tiers.Unavailable(strategy) is { } why)
            {
                Console.WriteLine($"  {"Hoist " + Tiers.Name(strategy),-22} not available ({why})");
                results[id] = new JsonObject { ["available"] = false, ["reason"] = why };
                continue;
            }
            var (cpuMs, wallMs) = Measure(module, strategy, warmupSeconds, runs);
            double median = Median(cpuMs);
            Print("Hoist " + Tiers.Name(strategy), median, codeMB, $"new Module + Dispose, after {warmupSeconds:0.#} s warm-up");
            results[id] = new JsonObject
            {
                ["available"] = true,
                ["medianCpuMs"] = Math.Round(median, 2),
                ["medianWallMs"] = Math.Round(Median(wallMs), 2),
                ["codeMBpsCpu"] = Math.Round(codeMB / (median / 1000), 2),
                ["cpuMs"] = new JsonArray(cpuMs.Select(x => (JsonNode)Math.Round(x, 2)).ToArray()),
                ["warmupSeconds"] = warmupSeconds,
            };
        }
        if (results["liftoff"] is JsonObject l && results["hoist-baseline"] is JsonObject { } b && b["available"]!.GetValue<bool>())
            Console.WriteLine($"  Hoist baseline / V8 Liftoff compile time: {b["medianCpuMs"]!.GetValue<double>() / l["medianCpuMs"]!.GetValue<double>():F2}");

        if (json is not null)
        {
            var doc = new JsonObject { ["file"] = "Bench/programs/big.wasm", ["codeBytes"] = codeBytes, ["runs"] = runs, ["tiers"] = results };
            File.WriteAllText(json, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    static void Print(string label, double ms, double codeMB, string how) =>
        Console.WriteLine($"  {label,-22} {ms,9:F1} ms CPU {codeMB / (ms / 1000),8:F1} MB/s   ({how})");

    /// <summary>CPU and wall milliseconds of each measured compile on one thread, after a timed warm-up.</summary>
    static (List<double> Cpu, List<double> Wall) Measure(byte[] module, Strategy strategy, double warmupSeconds, int runs)
    {
        var engine = Tiers.Engine(strategy, parallelCompilation: false);
        // Warm up by time, not by count: on a loaded machine the tiered JIT's call counting and background
        // recompilation take seconds to promote the compiler (the steady state of a long-lived engine).
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds) new Module(engine, module).Dispose();
        var process = Process.GetCurrentProcess();
        var cpu = new List<double>();
        var wall = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            new Module(engine, module).Dispose();
            wall.Add(sw.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        return (cpu, wall);
    }

    /// <summary>Bench/scripts/compile-bench.mjs on one V8 tier: its JSON line.</summary>
    static JsonObject Node(string file, string tierFlag, int runs)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string script = Path.Combine(BenchFiles.Repo, "Bench", "scripts", "compile-bench.mjs");
        foreach (string a in new[] { tierFlag, "--no-wasm-lazy-compilation", "--single-threaded", script, file, runs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"node {tierFlag} compile-bench.mjs failed: {error}");
        return JsonNode.Parse(output)!.AsObject();
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
