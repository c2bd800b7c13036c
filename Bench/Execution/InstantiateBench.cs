using BenchmarkDotNet.Attributes;
using Hoist.Bench.Common;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Bench.Execution;

/// <summary>
/// Instantiation of an already compiled module, per instance, on each tier: a new <see cref="Store"/>, the
/// instance (imports resolved, memory reserved and committed, data and element segments copied, globals
/// initialised, VMContext filled) and the store's disposal (memory released). Two modules: a minimal one
/// (one page, a table, a global, a data segment) and a real C program (Bench/programs/sha256.wasm, linked
/// to WASI, 2 pages of memory and libc's data).
/// </summary>
public class InstantiateBench : TierBench
{
    const string MinimalWat = """
        (module
          (memory (export "memory") 1)
          (global $g (mut i32) (i32.const 42))
          (table 4 funcref)
          (elem (i32.const 0) $f $f)
          (data (i32.const 16) "hello, instance")
          (func $f (export "f") (result i32) (global.get $g)))
        """;

    Module _minimal = null!, _program = null!;
    Linker _linker = null!, _wasiLinker = null!;
    WasiContext _wasi = null!;
    Engine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = NewEngine();
        _minimal = Module.FromText(_engine, MinimalWat);
        _program = Module.FromFile(_engine, BenchFiles.ProgramWasm("sha256"));
        _linker = new Linker(_engine);
        _wasiLinker = new Linker(_engine);
        _wasi = new WasiContext(new WasiConfig().WithArguments("sha256.wasm"));
        _wasi.AddToLinker(_wasiLinker);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _wasi.Dispose();
        _minimal.Dispose();
        _program.Dispose();
    }

    [Benchmark]
    public Instance Minimal()
    {
        using var store = new Store(_engine);
        return _linker.Instantiate(store, _minimal);
    }

    [Benchmark]
    public Instance CProgramWithWasi()
    {
        using var store = new Store(_engine);
        return _wasiLinker.Instantiate(store, _program);
    }
}
