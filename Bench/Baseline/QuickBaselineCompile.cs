using System.Diagnostics;
using Hoist.Baseline;
using Hoist.Bench.FrontEnd;
using Hoist.Compiler;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Bench.Baseline;

/// <summary>
/// Baseline compile throughput in MB/s of code section (median of repeated runs after warm-up), on one
/// core and on all: <c>dotnet run -c Release --project Bench -- quick-baseline [file.wasm]</c>. Compiling
/// includes validating the bodies (the compiler drives the validator); module-level validation and decoding
/// are done once, outside the timing. Without a file it compiles the synthetic C-like module.
/// </summary>
public static class QuickBaselineCompile
{
    public static void Run(string? file)
    {
        byte[] bytes = file is null ? SyntheticModule.Build(minCodeBytes: 4 << 20) : File.ReadAllBytes(file);
        var module = ModuleDecoder.Decode(bytes);
        ModuleContext ctx = ModuleValidator.ValidateModule(module);
        var offsets = new VmOffsets(module);
        long codeBytes = 0;
        foreach (var body in module.Code) codeBytes += body.Code.Length;
        double mb = codeBytes / 1e6;
        var compiler = new BaselineCompiler();
        CompiledModule Compile(bool parallel) =>
            compiler.Compile(new CompileInput(ctx, offsets) { Parallel = parallel, ParallelThresholdBytes = 0 });

        var validator = new FuncValidator(ctx);
        var buffers = new OperatorBuffers();
        void ValidateOnly()
        {
            for (int f = 0; f < module.Code.Count; f++) ModuleValidator.ValidateFunction(ctx, f, validator, buffers);
        }

        for (int i = 0; i < 5; i++) { Compile(false); ValidateOnly(); }
        var one = new List<double>();
        var all = new List<double>();
        var validate = new List<double>();
        long machineBytes = 0;
        for (int i = 0; i < 11; i++)
        {
            var sw = Stopwatch.StartNew();
            CompiledModule c = Compile(false);
            one.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
            Compile(true);
            all.Add(sw.Elapsed.TotalSeconds);
            machineBytes = c.Functions.Sum(f => (long)f.Size);
            sw.Restart();
            ValidateOnly();
            validate.Add(sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"module: {bytes.Length:N0} bytes, code section bodies {codeBytes:N0} bytes, {module.Code.Count:N0} functions");
        Console.WriteLine($"machine code: {machineBytes:N0} bytes ({(double)machineBytes / codeBytes:F2} per wasm byte)");
        Console.WriteLine($"validation alone, 1 core:      {mb / Median(validate),8:F1} MB/s (what the compiler's pass includes)");
        Console.WriteLine($"baseline compile, 1 core:      {mb / Median(one),8:F1} MB/s");
        Console.WriteLine($"baseline compile, {Environment.ProcessorCount} cores:     {mb / Median(all),8:F1} MB/s");
    }

    static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }
}
