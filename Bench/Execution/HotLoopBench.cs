using BenchmarkDotNet.Attributes;
using Hoist.Bench.Common;
using Hoist.Runtime;

namespace Hoist.Bench.Execution;

/// <summary>
/// The <see cref="Kernels"/> hot loops on each tier, reported per loop iteration (per call for fib), so the
/// figure is the cost of one iteration of compiled code; the single entry from .NET is amortised away.
/// </summary>
public class HotLoopBench : TierBench
{
    const int N = 1_000_000;
    const int FibN = 25;
    const int FibCalls = 242_785; // Kernels.FibCalls(25), checked at setup

    Store? _store;
    Func<int, int> _int = null!, _mem = null!, _fib = null!, _indirect = null!;
    Func<int, double> _f64 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var instance = Instantiate(Kernels.Wat, out _store);
        _int = instance.GetFunction<int, int>("int_loop");
        _mem = instance.GetFunction<int, int>("mem_loop");
        _f64 = instance.GetFunction<int, double>("f64_loop");
        _fib = instance.GetFunction<int, int>("fib");
        _indirect = instance.GetFunction<int, int>("indirect_loop");
        if (_fib(FibN) != 75025 || Kernels.FibCalls(FibN) != FibCalls) throw new InvalidOperationException("fib(25) is wrong");
    }

    [GlobalCleanup]
    public void Cleanup() => _store?.Dispose();

    [Benchmark(OperationsPerInvoke = N)]
    public int IntLoop() => _int(N);

    [Benchmark(OperationsPerInvoke = N)]
    public int MemoryLoop() => _mem(N);

    [Benchmark(OperationsPerInvoke = N)]
    public double F64Loop() => _f64(N);

    [Benchmark(OperationsPerInvoke = FibCalls)]
    public int FibCall() => _fib(FibN);

    [Benchmark(OperationsPerInvoke = N)]
    public int IndirectCallLoop() => _indirect(N);
}
