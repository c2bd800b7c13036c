using BenchmarkDotNet.Attributes;
using Hoist.Bench.Common;
using Hoist.Runtime;

namespace Hoist.Bench.Execution;

/// <summary>
/// <c>memory.grow</c> from wasm, per page, on each tier: each iteration gets a fresh one-page memory (set up
/// outside the measurement) and grows it one page at a time <see cref="Pages"/> times, touching each new page
/// once (so the cost of committing it is counted, as a program that grows to use the memory pays it).
/// </summary>
[InvocationCount(1)] // a fresh memory per invocation (IterationSetup), whatever job runs it
public class MemoryGrowBench : TierBench
{
    const int Pages = 1024; // 64 MiB per iteration

    const string Wat = """
        (module
          (memory 1 65536)
          (func (export "grow") (param $n i32) (result i32)
            (local $i i32) (local $old i32)
            (loop $top
              (local.set $old (memory.grow (i32.const 1)))
              (if (i32.lt_s (local.get $old) (i32.const 0)) (then (unreachable)))
              (i32.store (i32.shl (local.get $old) (i32.const 16)) (local.get $i))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (memory.size)))
        """;

    Engine _engine = null!;
    Module _module = null!;
    Linker _linker = null!;
    Store? _store;
    Func<int, int> _grow = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = NewEngine();
        _module = Module.FromText(_engine, Wat);
        _linker = new Linker(_engine);
    }

    [IterationSetup]
    public void NewInstance()
    {
        _store?.Dispose();
        _store = new Store(_engine);
        _grow = _linker.Instantiate(_store, _module).GetFunction<int, int>("grow");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _module?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public int GrowOnePage()
    {
        int size = _grow(Pages);
        if (size != Pages + 1) throw new InvalidOperationException($"memory.size {size} after growing {Pages} pages");
        return size;
    }
}
