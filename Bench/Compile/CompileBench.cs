using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hoist.Bench.Common;
using Hoist.Runtime;

namespace Hoist.Bench.Compile;

/// <summary>
/// Compile throughput of each tier on Bench/programs/big.wasm (1.72 MB of code section), in MB of code
/// section per second: a <see cref="Module"/> made (decode, validate, compile on one thread, link into
/// executable memory) and disposed. BenchmarkDotNet's warm-up gives the steady state of a long-lived engine;
/// <c>Bench compile</c> measures the same in CPU time next to V8 in one run.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class CompileBench : TierBench
{
    Engine _engine = null!;

    [GlobalSetup]
    public void Setup() => _engine = NewEngine();

    [Benchmark]
    public void CompileBigWasm() => new Module(_engine, BenchFiles.BigWasm).Dispose();

    sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new MegabytesPerSecondColumn("Code MB/s", "megabytes (1e6) of code section per second",
            _ => WasmSections.CodeSectionSize(BenchFiles.BigWasm)));
    }
}
