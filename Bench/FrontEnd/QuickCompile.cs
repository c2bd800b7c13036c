using System.Diagnostics;
using System.Text.Json;
using Hoist.Runtime;
using Hoist.Runtime.Inspection;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// Compile throughput of Hoist's tiers on Bench/programs/big.wasm (≥ 1 MB of code) next to V8's Liftoff
/// compiling the same module eagerly, measured in the same run: <c>dotnet run -c Release --project Bench -- compile</c>.
/// Both sides include decoding and validation, use one core, and count MB of code section per second of CPU time;
/// Hoist's figure is the steady state after warm-up (V8's compilers are ahead-of-time compiled C++).
/// </summary>
public static class QuickCompile
{
    public static void Run()
    {
        string repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        string big = Path.Combine(repo, "Bench", "programs", "big.wasm");
        byte[] module = File.ReadAllBytes(big);
        double codeMB = CodeSectionSize(module) / 1e6;
        Console.WriteLine($"big.wasm: {module.Length:N0} bytes, code section {codeMB:F2} MB");

        var liftoff = Node(repo, big, "--liftoff-only");
        var hoist = Measure(module, Strategy.Baseline);
        Console.WriteLine($"V8 Liftoff:      {liftoff,8:F1} MB/s");
        Console.WriteLine($"Hoist Baseline:  {codeMB / hoist,8:F1} MB/s   ratio to Liftoff: {codeMB / hoist / liftoff:F2}");
    }

    /// <summary>Median CPU seconds of decode + validate + compile on one core.</summary>
    static double Measure(byte[] module, Strategy strategy)
    {
        var engine = new Engine(new Config { Strategy = strategy, ParallelCompilation = false });
        // Warm up until .NET's tiered JIT has promoted the compiler's hot paths (call counts, then a
        // background recompile): a few seconds, not a few calls, on a loaded machine. This measures the
        // steady state of a long-lived engine; `hoist run` start-up is measured separately.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 4) CodeInspector.Compile(engine, module);
        var process = Process.GetCurrentProcess();
        var times = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            CodeInspector.Compile(engine, module);
            process.Refresh();
            times.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    static double Node(string repo, string file, string tierFlag)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { tierFlag, "--no-wasm-lazy-compilation", "--single-threaded", Path.Combine(repo, "Bench", "scripts", "compile-bench.mjs"), file, "9" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"node failed: {p.StandardError.ReadToEnd()}");
        return JsonDocument.Parse(output).RootElement.GetProperty("codeMBpsCpu").GetDouble();
    }

    /// <summary>The size of the code section (id 10), as compile-bench.mjs counts it.</summary>
    static int CodeSectionSize(byte[] m)
    {
        int pos = 8;
        while (pos < m.Length)
        {
            byte id = m[pos++];
            uint size = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = m[pos++];
                size |= (uint)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            if (id == 10) return (int)size;
            pos += (int)size;
        }
        return 0;
    }
}
