using BenchmarkDotNet.Attributes;
using Hoist.Wasm;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// Decode + validate throughput of the front end on one core, on a ≥ 1 MB synthetic module.
/// Divide the module size (printed at setup) by the mean to get MB/s; `Hoist.Bench quick` prints it directly.
/// </summary>
[MemoryDiagnoser]
public class DecodeValidateBench
{
    byte[] _module = [];

    [GlobalSetup]
    public void Setup()
    {
        _module = SyntheticModule.Build(minCodeBytes: 1 << 20);
        Console.WriteLine($"// module: {_module.Length:N0} bytes");
    }

    [Benchmark]
    public WasmModule DecodeAndValidate()
    {
        var module = Hoist.Wasm.FrontEnd.Decode(_module);
        Hoist.Wasm.FrontEnd.Validate(module);
        return module;
    }

    [Benchmark]
    public WasmModule DecodeOnly() => Hoist.Wasm.FrontEnd.Decode(_module);
}
