using System.Diagnostics;
using Hoist.Bench.Common;
using Hoist.Compiler;
using Hoist.Optimizing;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Bench.Compile;

/// <summary>
/// Where the optimizing tier's steady-state compile time goes, stage by stage (<see cref="CompileStats"/>):
/// <code>dotnet Bench/bin/Release/net10.0/Bench.dll compile-stages [--warmup SECONDS] [--runs N] [FILE.wasm]</code>
/// (FILE defaults to Bench/programs/big.wasm). Decodes and validates once (timed apart), compiles on one
/// thread for <c>--warmup</c> seconds so the tiered JIT promotes the compiler, then prints the breakdown of
/// the run with the median total of <c>--runs</c> compiles and the CPU time of each. The breakdown of a cold
/// process is <c>HOIST_COMPILE_STATS=1 hoist run --strategy optimizing FILE</c>.
/// </summary>
public static class StageBreakdown
{
    public static void Run(string[] args)
    {
        double warmupSeconds = 4;
        int runs = 5;
        string file = BenchFiles.ProgramWasm("big");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--warmup": warmupSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: file = args[i]; break;
            }
        }
        byte[] bytes = File.ReadAllBytes(file);
        var sw = Stopwatch.StartNew();
        var module = ModuleDecoder.Decode(bytes);
        var context = ModuleValidator.ValidateModule(module);
        Console.WriteLine($"{Path.GetFileName(file)}: decode + validate (cold) {sw.Elapsed.TotalMilliseconds:F1} ms");
        var input = new CompileInput(context, new VmOffsets(module)) { Parallel = false };
        var compiler = new OptimizingCompiler();

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds) compiler.Compile(input, null);

        var process = Process.GetCurrentProcess();
        var results = new List<(double CpuMs, CompileStats Stats)>();
        for (int r = 0; r < runs; r++)
        {
            var stats = new CompileStats();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            compiler.Compile(input, stats);
            process.Refresh();
            results.Add(((process.TotalProcessorTime - cpu0).TotalMilliseconds, stats));
        }
        Console.WriteLine("CPU ms per compile: " + string.Join(", ", results.Select(x => x.CpuMs.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        var median = results.OrderBy(x => x.CpuMs).ElementAt(results.Count / 2);
        Console.WriteLine($"median run ({median.CpuMs:F0} ms CPU, {bytes.Length / 1e6 / (median.CpuMs / 1000):F2} MB/s of file):");
        Console.Write(median.Stats.Format());
    }
}
