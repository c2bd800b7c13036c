using System.Diagnostics;
using Hoist.Bench.Common;
using Hoist.Wasm.Validation;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// A fast, BenchmarkDotNet-free measurement of decode+validate MB/s (median of repeated runs after
/// warm-up), for a figure in seconds rather than minutes: <c>dotnet run -c Release --project Bench -- quick</c>.
/// </summary>
public static class QuickFrontEnd
{
    public static void Run()
    {
        // Bench/programs/big.wasm: 1.7 MB of clang -O2 code from the project's generated C (Bench/scripts/gen-big.mjs).
        Measure("big.wasm (clang -O2)", BenchFiles.BigWasm);
        Measure("synthetic", SyntheticModule.Build(minCodeBytes: 1 << 20));
    }

    static void Measure(string name, byte[] module)
    {
        double mb = module.Length / 1e6;
        for (int i = 0; i < 5; i++) Once(module); // warm up the JIT (tiered compilation, PGO)
        var decode = new List<double>();
        var both = new List<double>();
        var oneCore = new List<double>();
        var oneCoreCpu = new List<double>();
        var process = Process.GetCurrentProcess();
        var sequential = new ValidationOptions { ParallelThresholdBytes = 0 };
        for (int i = 0; i < 15; i++)
        {
            var sw = Stopwatch.StartNew();
            var m = Hoist.Wasm.FrontEnd.Decode(module);
            double d = sw.Elapsed.TotalSeconds;
            Hoist.Wasm.FrontEnd.Validate(m);
            double t = sw.Elapsed.TotalSeconds;
            decode.Add(d);
            both.Add(t);
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            sw.Restart();
            ModuleValidator.Validate(Hoist.Wasm.FrontEnd.Decode(module), sequential);
            oneCore.Add(sw.Elapsed.TotalSeconds);
            process.Refresh();
            oneCoreCpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        Console.WriteLine($"{name}: {module.Length:N0} bytes, {Environment.ProcessorCount} processors");
        Console.WriteLine($"decode:                       {mb / Median(decode),8:F1} MB/s");
        Console.WriteLine($"decode + validate (parallel): {mb / Median(both),8:F1} MB/s");
        Console.WriteLine($"decode + validate (one core): {mb / Median(oneCore),8:F1} MB/s wall, {mb / Median(oneCoreCpu),8:F1} MB/s of CPU time (robust on a loaded machine)");
    }

    static void Once(byte[] module) => Hoist.Wasm.FrontEnd.Validate(Hoist.Wasm.FrontEnd.Decode(module));

    static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }
}
