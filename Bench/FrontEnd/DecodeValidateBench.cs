using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hoist.Bench.Common;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// Decode + validate throughput of the front end on one core (validation forced sequential), in MB of
/// module per second, on two ≥ 1 MB modules: Bench/programs/big.wasm (clang -O2 code) and a synthetic
/// module shaped like compiled C. <c>Bench quick</c> prints the same figures in seconds rather than minutes.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class DecodeValidateBench
{
    static readonly ValidationOptions s_oneCore = new() { ParallelThresholdBytes = 0 };

    [Params("big.wasm", "synthetic")]
    public string Input { get; set; } = "big.wasm";

    byte[] _module = [];

    [GlobalSetup]
    public void Setup() => _module = Load(Input);

    static readonly Lazy<byte[]> s_synthetic = new(() => SyntheticModule.Build(minCodeBytes: 1 << 20));

    static byte[] Load(string input) => input == "big.wasm" ? BenchFiles.BigWasm : s_synthetic.Value;

    [Benchmark]
    public ModuleContext DecodeAndValidate() => ModuleValidator.Validate(Hoist.Wasm.FrontEnd.Decode(_module), s_oneCore);

    [Benchmark]
    public WasmModule DecodeOnly() => Hoist.Wasm.FrontEnd.Decode(_module);

    sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new MegabytesPerSecondColumn("MB/s", "megabytes (1e6) of module per second, one core",
            c => Load((string)c.Parameters["Input"]).Length));
    }
}
