using System.Diagnostics;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// A fast, BenchmarkDotNet-free measurement of decode+validate MB/s (median of repeated runs after
/// warm-up), for a figure in seconds rather than minutes: <c>dotnet run -c Release --project Bench -- quick</c>.
/// </summary>
public static class QuickFrontEnd
{
    public static void Run()
    {
        byte[] module = SyntheticModule.Build(minCodeBytes: 1 << 20);
        double mb = module.Length / 1e6;
        for (int i = 0; i < 5; i++) Once(module); // warm up the JIT (tiered compilation, PGO)
        var decode = new List<double>();
        var both = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            var sw = Stopwatch.StartNew();
            var m = Hoist.Wasm.FrontEnd.Decode(module);
            double d = sw.Elapsed.TotalSeconds;
            Hoist.Wasm.FrontEnd.Validate(m);
            double t = sw.Elapsed.TotalSeconds;
            decode.Add(d);
            both.Add(t);
        }
        Console.WriteLine($"module: {module.Length:N0} bytes");
        Console.WriteLine($"decode:            {mb / Median(decode),8:F1} MB/s");
        Console.WriteLine($"decode + validate: {mb / Median(both),8:F1} MB/s");
    }

    static void Once(byte[] module) => Hoist.Wasm.FrontEnd.Validate(Hoist.Wasm.FrontEnd.Decode(module));

    static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }
}
