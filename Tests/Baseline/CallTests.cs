using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Baseline;

/// <summary>Calls under the ABI: stack arguments, the return area, multi-value, tail calls, imports and other instances.</summary>
public class CallTests
{
    [Fact]
    public void ManyArgumentsAndResultsGoThroughTheStackAndTheReturnArea()
    {
        // 10 integers and 10 floats: 4 integer and 2 float stack arguments; 6 results, 4 in the return area.
        using var run = new WasmRun("""
            (module
              (func $f (param i32 i64 i32 i64 i32 i64 i32 i64 i32 i64 f64 f32 f64 f32 f64 f32 f64 f32 f64 f32)
                       (result i64 f64 i32 f32 i64 f64)
                (i64.add (i64.extend_i32_u (local.get 8)) (local.get 9))
                (f64.add (local.get 18) (f64.promote_f32 (local.get 19)))
                (i32.add (local.get 0) (local.get 2))
                (f32.add (local.get 11) (local.get 17))
                (i64.add (local.get 1) (local.get 7))
                (f64.add (local.get 10) (local.get 16)))
              (func (export "call") (result i64 f64 i32 f32 i64 f64)
                (call $f (i32.const 1) (i64.const 2) (i32.const 3) (i64.const 4) (i32.const 5) (i64.const 6) (i32.const 7)
                         (i64.const 8) (i32.const 9) (i64.const 10) (f64.const 1.5) (f32.const 2.5) (f64.const 3.5)
                         (f32.const 4.5) (f64.const 5.5) (f32.const 6.5) (f64.const 7.5) (f32.const 8.5)
                         (f64.const 9.5) (f32.const 10.5)))
              (func (export "direct") (param i32 i64 i32 i64 i32 i64 i32 i64 i32 i64 f64 f32 f64 f32 f64 f32 f64 f32 f64 f32)
                       (result i64 f64 i32 f32 i64 f64)
                (call $f (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)
                         (local.get 7) (local.get 8) (local.get 9) (local.get 10) (local.get 11) (local.get 12)
                         (local.get 13) (local.get 14) (local.get 15) (local.get 16) (local.get 17) (local.get 18) (local.get 19))))
            """);
        Value[] r = run.Call("call");
        Assert.Equal([Value.I64(19), Value.F64(20), Value.I32(4), Value.F32(11), Value.I64(10), Value.F64(9)], r);
        Value[] args = [1, 2L, 3, 4L, 5, 6L, 7, 8L, 9, 10L, 1.5, 2.5f, 3.5, 4.5f, 5.5, 6.5f, 7.5, 8.5f, 9.5, 10.5f];
        Assert.Equal(r, run.Call("direct", args));
    }

    [Fact]
    public void BlocksWithParametersAndSeveralResults()
    {
        using var run = new WasmRun("""
            (module
              (type $pair (func (param i32 i32) (result i32 i32)))
              (func (export "swap_if") (param i32 i32 i32) (result i32 i32)
                (local.get 0) (local.get 1)
                (if (type $pair) (local.get 2)
                  (then (local.set 0) (local.set 1) (local.get 0) (local.get 1))))
              (func (export "swap_else") (param i32 i32 i32) (result i32 i32)
                (local.get 0) (local.get 1)
                (if (type $pair) (local.get 2)
                  (then (i32.add (i32.const 100)) (local.set 0) (drop) (i32.const 0) (local.get 0))
                  (else (i32.mul (i32.const 10)) (i32.const 1) (i32.add))))
              (func (export "loop_sum") (param i32) (result i32)
                (i32.const 0) (local.get 0)
                (loop $l (param i32 i32) (result i32)
                  (local.set 0) (i32.add (local.get 0))
                  (i32.sub (local.get 0) (i32.const 1)) (local.tee 0) (local.get 0)
                  (br_if $l) (drop)))
              (func (export "block_results") (param i32) (result f64 i32 i64)
                (block (result f64 i32 i64)
                  (f64.const 1.5) (i32.const 2) (i64.const 3)
                  (br_if 0 (local.get 0))
                  (drop) (drop) (drop)
                  (f64.const -1) (i32.const -2) (i64.const -3))))
            """);
        Assert.Equal([Value.I32(1), Value.I32(2)], run.Call("swap_if", 1, 2, 0));
        Assert.Equal([Value.I32(2), Value.I32(1)], run.Call("swap_if", 1, 2, 1));
        Assert.Equal([Value.I32(0), Value.I32(102)], run.Call("swap_else", 1, 2, 1));
        Assert.Equal([Value.I32(1), Value.I32(21)], run.Call("swap_else", 1, 2, 0));
        Assert.Equal(55, run.Call1("loop_sum", 10).AsI32());
        Assert.Equal(1, run.Call1("loop_sum", 1).AsI32());
        Assert.Equal([Value.F64(1.5), Value.I32(2), Value.I64(3)], run.Call("block_results", 1));
        Assert.Equal([Value.F64(-1), Value.I32(-2), Value.I64(-3)], run.Call("block_results", 0));
    }

    [Fact]
    public void MutualTailRecursionRunsInConstantStack()
    {
        using var run = new WasmRun("""
            (module
              (type $t (func (param i64 i64) (result i64)))
              (table 2 funcref)
              (elem (i32.const 0) $even_i $odd_i)
              (func $even (export "even") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                  (else (return_call $odd (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))))))
              (func $odd (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
                  (else (return_call $even (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))))))
              (func $even_i (export "even_indirect") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                  (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)) (i32.const 1)))))
              (func $odd_i (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
                  (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)) (ref.func $even_i)))))
              (elem declare func $even_i))
            """);
        // A million frames would exhaust the 512 KiB wasm stack many times over without frame replacement.
        Assert.Equal(1_000_000L, run.Call1("even", 1_000_000L, 0L).AsI64());
        Assert.Equal(-1_000_001L, run.Call1("even", 1_000_001L, 0L).AsI64());
        Assert.Equal(1_000_000L, run.Call1("even_indirect", 1_000_000L, 0L).AsI64());
        Assert.Equal(-999_999L, run.Call1("even_indirect", 999_999L, 0L).AsI64());
    }

    [Fact]
    public void TailCallsChangeTheNumberOfStackArguments()
    {
        // $few has no stack arguments; $many has 4 integer stack arguments (10 i64 params) and returns 3 values
        // (2 in the return area): tail calls between them grow and shrink the argument area in place.
        using var run = new WasmRun("""
            (module
              (func $many (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i32) (result i64 i64 i64)
                (if (result i64 i64 i64) (i32.eqz (local.get 10))
                  (then (i64.add (local.get 0) (local.get 9)) (local.get 6) (local.get 8))
                  (else (return_call $few (i32.sub (local.get 10) (i32.const 1)) (local.get 9)))))
              (func $few (export "few") (param i32 i64) (result i64 i64 i64)
                (return_call $many (local.get 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
                  (i64.const 7) (i64.const 8) (i64.const 9) (i64.add (local.get 1) (i64.const 1)) (local.get 0)))
              (func (export "outer") (param i32) (result i64)
                (local i64 i64)
                (call $few (local.get 0) (i64.const 100))
                (local.set 1) (local.set 2)
                (i64.add (local.get 1) (local.get 2))
                (i64.add)))
            """);
        // Each round: few(n, x) → many(x, 2..9, x+1, n) → (n == 0 ? results : few(n-1, x+1)).
        Assert.Equal([Value.I64(201), Value.I64(7), Value.I64(9)], run.Call("few", 0, 100L));
        Assert.Equal([Value.I64(211), Value.I64(7), Value.I64(9)], run.Call("few", 5, 100L));
        Assert.Equal([Value.I64(200_021), Value.I64(7), Value.I64(9)], run.Call("few", 100_000, 10L));
        Assert.Equal(201 + 7 + 9 + 6, run.Call1("outer", 3).AsI64());
    }

    [Fact]
    public void ImportsAndTailCallsAcrossInstancesKeepEachInstanceOwnContext()
    {
        var engine = new Engine(new Config { ParallelCompilation = false });
        using var store = new Store(engine);
        var linker = new Linker(engine);
        // B's functions read B's global: they only work with B's VMContext in r14.
        var b = new WasmRun("""
            (module
              (global $g (mut i32) (i32.const 1000))
              (func (export "get") (param i32) (result i32) (i32.add (global.get $g) (local.get 0)))
              (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1)))))
            """, store: store);
        linker.DefineInstance("b", b.Instance);
        var c = new WasmRun("""
            (module
              (import "b" "get" (func $get (param i32) (result i32)))
              (func (export "tail") (param i32) (result i32) (return_call $get (local.get 0))))
            """, store: store, linker: linker);
        linker.DefineInstance("c", c.Instance);
        var a = new WasmRun("""
            (module
              (import "b" "get" (func $get (param i32) (result i32)))
              (import "b" "bump" (func $bump))
              (import "c" "tail" (func $tail (param i32) (result i32)))
              (global $mine (mut i32) (i32.const 7))
              (func $local_tail (param i32) (result i32) (return_call $tail (local.get 0)))
              (func (export "run") (result i32)
                (call $bump)
                ;; A direct call whose callee tail-calls into C, which tail-calls B: we come back with B's context.
                (drop (call $local_tail (i32.const 1)))
                (i32.add (global.get $mine) (call $get (i32.const 5)))))
            """, store: store, linker: linker);
        Assert.Equal(7 + 1001 + 5, a.Call1("run").AsI32());
        Assert.Equal(1002 + 5, a.Call1("run").AsI32() - 7);
    }

    [Fact]
    public void HostImportsTakeStackArguments()
    {
        var engine = new Engine(new Config { ParallelCompilation = false });
        var linker = new Linker(engine);
        var ps = Enumerable.Repeat(ValType.I64, 8).Concat(Enumerable.Repeat(ValType.F64, 9)).ToArray();
        linker.DefineFunction("host", "sum", new FuncType(ps, [ValType.F64, ValType.I64]), args =>
        {
            double f = 0; long i = 0;
            foreach (Value v in args) { if (v.Type == ValType.I64) i += v.AsI64(); else f += v.AsF64(); }
            return [Value.F64(f), Value.I64(i)];
        });
        using var run = new WasmRun("""
            (module
              (import "host" "sum" (func $sum (param i64 i64 i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 f64) (result f64 i64)))
              (func (export "run") (result f64 i64)
                (call $sum (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8)
                  (f64.const 0.5) (f64.const 1) (f64.const 1) (f64.const 1) (f64.const 1) (f64.const 1) (f64.const 1) (f64.const 1) (f64.const 1.5))))
            """, linker: linker);
        Assert.Equal([Value.F64(9), Value.I64(36)], run.Call("run"));
    }

    [Fact]
    public void CallIndirectChecksSubtypesOfNonFinalTypes()
    {
        using var run = new WasmRun("""
            (module
              (type $base (sub (func (result i32))))
              (type $derived (sub $base (func (result i32))))
              (type $other (func (result i32)))
              (table 3 funcref)
              (elem (i32.const 0) $d $o $b)
              (func $d (type $derived) (i32.const 1))
              (func $o (type $other) (i32.const 2))
              (func $b (type $base) (i32.const 3))
              (func (export "as_base") (param i32) (result i32) (call_indirect (type $base) (local.get 0)))
              (func (export "as_derived") (param i32) (result i32) (call_indirect (type $derived) (local.get 0))))
            """);
        Assert.Equal(1, run.Call1("as_base", 0).AsI32());
        Assert.Equal(3, run.Call1("as_base", 2).AsI32());
        Assert.Equal(TrapCode.IndirectCallTypeMismatch, run.Trap("as_base", 1).Code);
        Assert.Equal(1, run.Call1("as_derived", 0).AsI32());
        Assert.Equal(TrapCode.IndirectCallTypeMismatch, run.Trap("as_derived", 2).Code);
    }

    [Fact]
    public void RegisterPressureSpillsAndRestores()
    {
        // 24 values live at once in registers force spills; calls in between clobber every register.
        var sb = new System.Text.StringBuilder();
        sb.Append("(module (func $id (param i64) (result i64) (local.get 0)) (func (export \"f\") (param i64) (result i64)");
        for (int i = 1; i <= 24; i++) sb.Append($" (i64.mul (local.get 0) (i64.const {i}))");
        sb.Append(" (call $id (i64.const 1000))");
        for (int i = 0; i < 24; i++) sb.Append(" (i64.add)");
        sb.Append("))");
        using var run = new WasmRun(sb.ToString());
        Assert.Equal(3 * 300 + 1000, run.Call1("f", 3L).AsI64());
    }
}
