using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Runtime;

/// <summary>Whole modules from WAT through the Baseline compiler and the runtime.</summary>
public class EndToEndTests
{
    static readonly Engine s_engine = new();

    static Instance Instantiate(string wat, Linker? linker = null, Store? store = null)
    {
        var module = Module.FromText(s_engine, wat);
        return (linker ?? new Linker(s_engine)).Instantiate(store ?? new Store(s_engine), module);
    }

    const string Arithmetic = """
        (module
          (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
          (func $fac (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
          (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func $outer (export "outer") (param i32) (result i32) (call $div (i32.const 1) (local.get 0)))
          (func $rec (export "rec") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
          (func (export "swap") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
            local.get 3 local.get 2 local.get 1 local.get 0))
        """;

    [Fact]
    public void Arithmetic_calls_and_multi_value()
    {
        var i = Instantiate(Arithmetic);
        Assert.Equal(7, i.GetFunction<int, int, int>("add")(3, 4));
        Assert.Equal(3628800L, i.GetFunction<long, long>("fac")(10));
        Assert.Equal(-3, i.GetFunction<int, int, int>("div")(-7, 2));
        Assert.Equal([Value.F64(4.5), Value.F32(3.5f), Value.I64(2), Value.I32(1)],
            i.GetFunc("swap").Invoke(1, 2L, 3.5f, 4.5));
    }

    [Fact]
    public void Traps_carry_the_spec_message_and_a_named_backtrace()
    {
        var i = Instantiate(Arithmetic);
        var e = Assert.Throws<TrapException>(() => i.GetFunction<int, int>("outer")(0));
        Assert.Equal(TrapCode.IntegerDivideByZero, e.Code);
        Assert.Equal("integer divide by zero", e.Message);
        Assert.Equal(["div", "outer"], e.Backtrace.Select(f => f.FunctionName));
        Assert.All(e.Backtrace, f => Assert.True(f.WasmOffset > 0));
        Assert.True(e.Backtrace[0].WasmOffset < e.Backtrace[1].WasmOffset, "div's body comes before outer's call: " + e);
        e = Assert.Throws<TrapException>(() => i.GetFunction<int, int, int>("div")(int.MinValue, -1));
        Assert.Equal("integer overflow", e.Message);
    }

    [Fact]
    public void Deep_recursion_traps_with_call_stack_exhausted_1000_times_in_a_row()
    {
        var i = Instantiate(Arithmetic);
        var rec = i.GetFunction<int, int>("rec");
        int frames = -1;
        for (int k = 0; k < 1000; k++)
        {
            var e = Assert.Throws<TrapException>(() => rec(0));
            Assert.Equal(TrapCode.StackOverflow, e.Code);
            Assert.Equal("call stack exhausted", e.Message);
            Assert.All(e.Backtrace, f => Assert.Equal("rec", f.FunctionName));
            if (frames < 0) frames = e.Backtrace.Count;
            Assert.Equal(frames, e.Backtrace.Count);
        }
        Assert.Equal(3, i.GetFunction<int, int, int>("add")(1, 2));
    }

    [Fact]
    public void Host_imports_reentry_and_tables()
    {
        const string wat = """
            (module
              (import "env" "twice" (func $twice (param i32) (result i32)))
              (import "env" "fail" (func $fail))
              (type $ii (func (param i32) (result i32)))
              (table $t (export "t") 4 funcref)
              (elem (i32.const 0) $twice $inc)
              (func $inc (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
              (func (export "viaTable") (param i32 i32) (result i32)
                (call_indirect (type $ii) (local.get 1) (local.get 0)))
              (func (export "callFail") (call $fail))
              (func (export "wrongType") (call_indirect (type 1) (i32.const 0)))
            )
            """;
        var store = new Store(s_engine);
        Func<int, int>? inc = null;
        var linker = new Linker(s_engine)
            .DefineFunction("env", "twice", (int x) => 2 * inc!(x))          // re-enters wasm
            .DefineFunction("env", "fail", () => throw new FormatException("bad"));
        var i = Instantiate(wat, linker, store);
        inc = i.GetFunction<int, int>("inc");
        var viaTable = i.GetFunction<int, int, int>("viaTable");
        Assert.Equal(12, viaTable(0, 5));      // host function through the table, which calls back into wasm
        Assert.Equal(6, viaTable(1, 5));
        Assert.Equal("uninitialized element", Assert.Throws<TrapException>(() => viaTable(2, 5)).Message);
        Assert.Equal("undefined element", Assert.Throws<TrapException>(() => viaTable(4, 5)).Message);
        Assert.Equal("indirect call type mismatch", Assert.Throws<TrapException>(() => i.GetAction("wrongType")()).Message);
        var e = Assert.Throws<TrapException>(() => i.GetAction("callFail")());
        Assert.Equal(TrapCode.HostError, e.Code);
        Assert.IsType<FormatException>(e.InnerException);
        i.GetTable("t").Set(3, Value.FuncRef(i.GetFunc("inc")));
        Assert.Equal(10, viaTable(3, 9));
    }

    [Fact]
    public void Memory_globals_and_segments()
    {
        const string wat = """
            (module
              (memory (export "mem") 1 2)
              (global $g (export "g") (mut i64) (i64.const 40))
              (data (i32.const 16) "hello")
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
              (func (export "bump") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 2))) (global.get $g))
            )
            """;
        var i = Instantiate(wat);
        var load = i.GetFunction<int, int>("load");
        Assert.Equal('h', load(16));
        Assert.Equal("out of bounds memory access", Assert.Throws<TrapException>(() => load(65536)).Message);
        Assert.Equal(1, i.GetFunction<int, int>("grow")(1));
        Assert.Equal(0, load(65536));
        Assert.Equal(-1, i.GetFunction<int, int>("grow")(1));
        Assert.Equal(2ul, i.GetMemory("mem").Size);
        Assert.Equal(42L, i.GetFunction<long>("bump")());
        Assert.Equal(Value.I64(42), i.GetGlobal("g").Value);
    }

    [Fact]
    public void The_spectest_module_can_be_built_with_the_public_API()
    {
        var store = new Store(s_engine);
        var printed = new List<string>();
        var linker = new Linker(s_engine)
            .Define("spectest", "memory", new Memory(store, new MemoryType(new Limits(1, 2))))
            .Define("spectest", "table", new Table(store, new TableType(ValType.FuncRef, new Limits(10, 20)), Value.Null(ValType.FuncRef)))
            .Define("spectest", "global_i32", new Global(store, new GlobalType(ValType.I32, false), Value.I32(666)))
            .Define("spectest", "global_i64", new Global(store, new GlobalType(ValType.I64, false), Value.I64(666)))
            .Define("spectest", "global_f32", new Global(store, new GlobalType(ValType.F32, false), Value.F32(666.6f)))
            .Define("spectest", "global_f64", new Global(store, new GlobalType(ValType.F64, false), Value.F64(666.6)))
            .DefineFunction("spectest", "print", () => printed.Add("print"))
            .DefineFunction("spectest", "print_i32", (int x) => printed.Add($"{x} : i32"))
            .DefineFunction("spectest", "print_i64", (long x) => printed.Add($"{x} : i64"))
            .DefineFunction("spectest", "print_f32", (float x) => printed.Add($"{x} : f32"))
            .DefineFunction("spectest", "print_f64", (double x) => printed.Add($"{x} : f64"))
            .DefineFunction("spectest", "print_i32_f32", (int x, float y) => printed.Add($"{x} {y}"))
            .DefineFunction("spectest", "print_f64_f64", (double x, double y) => printed.Add($"{x} {y}"));
        const string wat = """
            (module
              (import "spectest" "print_i32" (func $p (param i32)))
              (import "spectest" "print_f64_f64" (func $pff (param f64 f64)))
              (import "spectest" "global_i32" (global $g i32))
              (import "spectest" "memory" (memory 1))
              (import "spectest" "table" (table 10 funcref))
              (func (export "run") (call $p (global.get $g)) (call $pff (f64.const 1.5) (f64.const 2)))
            )
            """;
        Instantiate(wat, linker, store).GetAction("run")();
        Assert.Equal(["666 : i32", "1.5 2"], printed);
    }

    const string Spin = """
        (module
          (func (export "count") (param i32) (result i32)
            (local i32)
            (block (loop
              (br_if 1 (i32.eq (local.get 1) (local.get 0)))
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br 0)))
            (local.get 1))
          (func (export "forever") (loop (br 0))))
        """;

    [Fact]
    public void Fuel_bounds_untrusted_code()
    {
        var engine = new Engine(new Config { ConsumeFuel = true });
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Module.FromText(engine, Spin));
        store.Fuel = 10_000;
        Assert.Equal(100, instance.GetFunction<int, int>("count")(100));
        Assert.InRange(store.Fuel, 10_000 - 200, 10_000 - 100);
        var e = Assert.Throws<TrapException>(() => instance.GetAction("forever")());
        Assert.Equal(TrapCode.OutOfFuel, e.Code);
        Assert.Equal("all fuel consumed", e.Message);
        store.Fuel = 1_000_000;
        Assert.Equal(5000, instance.GetFunction<int, int>("count")(5000));
    }

    [Fact]
    public void Epochs_interrupt_running_code_from_another_thread()
    {
        var engine = new Engine(new Config { EpochInterruption = true });
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Module.FromText(engine, Spin));
        store.SetEpochDeadline(1);
        var ticker = new Thread(() => { Thread.Sleep(50); engine.IncrementEpoch(); });
        ticker.Start();
        var e = Assert.Throws<TrapException>(() => instance.GetAction("forever")());
        ticker.Join();
        Assert.Equal(TrapCode.Interrupted, e.Code);
        Assert.Equal("interrupted", e.Message);
        store.SetEpochDeadline(1);
        Assert.Equal(10, instance.GetFunction<int, int>("count")(10));
    }

    [Fact]
    public void Modules_describe_their_imports_and_exports()
    {
        using var module = Module.FromText(s_engine, """
            (module $m
              (import "env" "f" (func (param i32) (result i64)))
              (import "env" "mem" (memory 1 2))
              (global (export "g") (mut f32) (f32.const 0))
              (table (export "t") 3 externref)
              (func (export "h")))
            """);
        Assert.Equal("m", module.Name);
        Assert.Equal([new ImportType("env", "f", new ExternType(ExternKind.Func, Func: module.Imports[0].Type.Func)),
            new ImportType("env", "mem", new ExternType(ExternKind.Memory, Memory: new MemoryType(new Limits(1, 2))))], module.Imports);
        Assert.Equal("(func (param i32) (result i64))", module.Imports[0].Type.Func!.ToString());
        Assert.Equal(["g", "t", "h"], module.Exports.Select(e => e.Name));
        Assert.Equal(new GlobalType(ValType.F32, true), module.Exports[0].Type.Global);
        Assert.Equal(ValType.ExternRef, module.Exports[1].Type.Table!.Value.Element);
        Assert.Equal(ExternKind.Func, module.Exports[2].Type.Kind);
    }

    [Fact]
    public void Invalid_input_is_reported_with_its_location()
    {
        var e = Assert.Throws<ValidationException>(() => Module.FromText(s_engine, "(module (func (result i32)))", "bad.wat"));
        Assert.Equal("bad.wat", e.Location.File);
        var m = Assert.Throws<MalformedException>(() => new Module(s_engine, new byte[] { 0, 0x61, 0x73, 0x6D, 2, 0, 0, 0 }, "bad.wasm"));
        Assert.Equal("bad.wasm", m.Location.File);
        Assert.Throws<MalformedException>(() => Module.FromText(s_engine, "(module (func (i32.const)))"));
    }

    [Fact]
    public void Modules_load_from_files()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hoist-runtime-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.wat"), Arithmetic);
            File.WriteAllBytes(Path.Combine(dir, "a.wasm"), FrontEnd.TextToBinary(Arithmetic));
            foreach (string file in (string[])["a.wat", "a.wasm"])
            {
                using var module = Module.FromFile(s_engine, Path.Combine(dir, file));
                using var store = new Store(s_engine);
                Assert.Equal(9, new Linker(s_engine).Instantiate(store, module).GetFunction<int, int, int>("add")(4, 5));
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
