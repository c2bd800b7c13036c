using BenchmarkDotNet.Attributes;
using Hoist.Bench.Common;
using Hoist.Runtime;
using Hoist.Wasm;

namespace Hoist.Bench.Execution;

/// <summary>
/// Crossing the boundary between .NET and wasm, per call, on each tier. Host → wasm: a typed delegate
/// (<see cref="Func.Typed{T1, T2, TResult}"/>: value slots on the stack, no allocation) and the untyped
/// <see cref="Func.Invoke"/> (a <see cref="Value"/> array in and out). Wasm → host: a wasm loop calls an
/// imported .NET function <see cref="Calls"/> times (typed lambda, or an untyped callback), so the figure is
/// one wasm → .NET → wasm round trip.
/// </summary>
public class CallBench : TierBench
{
    const int Calls = 1000;

    const string Wat = """
        (module
          (import "host" "typed" (func $typed (param i32) (result i32)))
          (import "host" "untyped" (func $untyped (param i32) (result i32)))
          (func (export "nop"))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "call_typed") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $top
              (local.set $acc (call $typed (local.get $acc)))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $acc))
          (func (export "call_untyped") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $top
              (local.set $acc (call $untyped (local.get $acc)))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $acc))
        )
        """;

    Store? _store;
    Action _nop = null!;
    Func<int, int, int> _add = null!;
    Func _addUntyped = null!;
    readonly Value[] _args = [Value.I32(1), Value.I32(2)];
    Func<int, int> _callTyped = null!, _callUntyped = null!;

    [GlobalSetup]
    public void Setup()
    {
        var engine = NewEngine();
        var module = Module.FromText(engine, Wat);
        _store = new Store(engine);
        var linker = new Linker(engine)
            .DefineFunction<int, int>("host", "typed", x => x + 1)
            .DefineFunction("host", "untyped", new FuncType([ValType.I32], [ValType.I32]), args => [Value.I32(args[0].AsI32() + 1)]);
        var instance = linker.Instantiate(_store, module);
        _nop = instance.GetAction("nop");
        _add = instance.GetFunction<int, int, int>("add");
        _addUntyped = instance.GetFunc("add");
        _callTyped = instance.GetFunction<int, int>("call_typed");
        _callUntyped = instance.GetFunction<int, int>("call_untyped");
        if (_callTyped(Calls) != Calls || _callUntyped(Calls) != Calls) throw new InvalidOperationException("host calls miscounted");
    }

    [GlobalCleanup]
    public void Cleanup() => _store?.Dispose();

    [Benchmark]
    public void HostToWasm_TypedNop() => _nop();

    [Benchmark]
    public int HostToWasm_TypedAdd() => _add(1, 2);

    [Benchmark]
    public Value[] HostToWasm_InvokeAdd() => _addUntyped.Invoke(_args);

    [Benchmark(OperationsPerInvoke = Calls)]
    public int WasmToHost_Typed() => _callTyped(Calls);

    [Benchmark(OperationsPerInvoke = Calls)]
    public int WasmToHost_Untyped() => _callUntyped(Calls);
}
