using Hoist.Runtime;
using Hoist.Vm;

namespace Hoist.Tests.Baseline;

/// <summary>Every trap the baseline tier raises, each with its code, through the runtime's trap path.</summary>
public class TrapTests
{
    const string Module = """
        (module
          (type $v (func))
          (type $i (func (result i32)))
          (memory 1)
          (table $t 4 funcref)
          (table $e 2 externref)
          (elem (table $t) (i32.const 0) func $ret1 $nothing)
          (func $ret1 (result i32) i32.const 1)
          (func $nothing)
          (func (export "unreachable") unreachable)
          (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
          (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
          (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
          (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
          (func (export "div_by_const0") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
          (func (export "div_s_by_minus1") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
          (func (export "rem_s_by_minus1") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const -1)))
          (func (export "trunc_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
          (func (export "trunc_u64") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
          (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
          (func (export "store") (param i32) (i64.store (local.get 0) (i64.const 7)))
          (func (export "load_const_oob") (result i32) (i32.load (i32.const 65535)))
          (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
          (func (export "table_get") (param i32) (result funcref) (table.get $t (local.get 0)))
          (func (export "table_set") (param i32) (table.set $e (local.get 0) (ref.null extern)))
          (func (export "table_copy") (param i32) (table.copy $t $t (local.get 0) (i32.const 0) (i32.const 2)))
          (func (export "call_indirect") (param i32) (result i32) (call_indirect $t (type $i) (local.get 0)))
          (func (export "call_ref_null") (call_ref $v (ref.null $v)))
          (func (export "as_non_null") (param externref) (result externref) (ref.as_non_null (local.get 0)))
          (func $recurse (export "recurse") (param i64) (result i64) (i64.add (call $recurse (local.get 0)) (i64.const 1)))
        )
        """;

    static void AssertTrap(TrapCode code, WasmRun run, string name, params Value[] args) =>
        Assert.Equal(code, run.Trap(name, args).Code);

    [Fact]
    public void ControlAndCallTraps()
    {
        using var run = new WasmRun(Module);
        AssertTrap(TrapCode.Unreachable, run, "unreachable");
        Assert.Equal(1, run.Call1("call_indirect", 0).AsI32());
        AssertTrap(TrapCode.IndirectCallTypeMismatch, run, "call_indirect", 1);
        AssertTrap(TrapCode.UninitializedElement, run, "call_indirect", 2);
        AssertTrap(TrapCode.UndefinedElement, run, "call_indirect", 4);
        AssertTrap(TrapCode.UndefinedElement, run, "call_indirect", -1);
        AssertTrap(TrapCode.NullFunctionReference, run, "call_ref_null");
        AssertTrap(TrapCode.NullReference, run, "as_non_null", Value.Null(Hoist.Wasm.ValType.ExternRef));
        Assert.False(run.Call1("as_non_null", Value.ExternRef("x")).IsNull);
        AssertTrap(TrapCode.StackOverflow, run, "recurse", 0L);
        // The store is still usable after a trap.
        Assert.Equal(1, run.Call1("call_indirect", 0).AsI32());
    }

    [Fact]
    public void IntegerTraps()
    {
        using var run = new WasmRun(Module);
        AssertTrap(TrapCode.IntegerDivideByZero, run, "div_s", 1, 0);
        AssertTrap(TrapCode.IntegerDivideByZero, run, "div_u", 1, 0);
        AssertTrap(TrapCode.IntegerDivideByZero, run, "rem_s", 1, 0);
        AssertTrap(TrapCode.IntegerDivideByZero, run, "div_by_const0", 5);
        AssertTrap(TrapCode.IntegerOverflow, run, "div_s", int.MinValue, -1);
        AssertTrap(TrapCode.IntegerOverflow, run, "div_s64", long.MinValue, -1L);
        AssertTrap(TrapCode.IntegerOverflow, run, "div_s_by_minus1", int.MinValue);
        Assert.Equal(0, run.Call1("rem_s", int.MinValue, -1).AsI32());
        Assert.Equal(0L, run.Call1("rem_s64", long.MinValue, -1L).AsI64());
        Assert.Equal(0L, run.Call1("rem_s_by_minus1", long.MinValue).AsI64());
        Assert.Equal(-7, run.Call1("div_s_by_minus1", 7).AsI32());
        Assert.Equal(-3, run.Call1("div_s", -7, 2).AsI32());
        Assert.Equal(-1, run.Call1("rem_s", -7, 2).AsI32());
        Assert.Equal(int.MaxValue, run.Call1("div_u", -2, 2).AsI32());
    }

    [Fact]
    public void ConversionTraps()
    {
        using var run = new WasmRun(Module);
        AssertTrap(TrapCode.BadConversionToInteger, run, "trunc_s", double.NaN);
        AssertTrap(TrapCode.IntegerOverflow, run, "trunc_s", 2147483648.0);
        AssertTrap(TrapCode.IntegerOverflow, run, "trunc_s", -2147483649.0);
        Assert.Equal(int.MinValue, run.Call1("trunc_s", -2147483648.9).AsI32());
        Assert.Equal(int.MaxValue, run.Call1("trunc_s", 2147483647.9).AsI32());
        AssertTrap(TrapCode.BadConversionToInteger, run, "trunc_u64", float.NaN);
        AssertTrap(TrapCode.IntegerOverflow, run, "trunc_u64", -1f);
        AssertTrap(TrapCode.IntegerOverflow, run, "trunc_u64", 18446744073709551616f);
        Assert.Equal(0L, run.Call1("trunc_u64", -0.9f).AsI64());
        Assert.Equal(unchecked((long)18446742974197923840UL), run.Call1("trunc_u64", 18446742974197923840f).AsI64());
    }

    [Fact]
    public void MemoryAndTableTraps()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(0, run.Call1("load", 65528).AsI32());
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load", 65529);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load", -1);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "store", 65529);
        run.Call("store", 65528);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load_const_oob");
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "fill", 65000, 537);
        run.Call("fill", 65000, 536);
        AssertTrap(TrapCode.TableOutOfBounds, run, "table_get", 4);
        Assert.False(run.Call1("table_get", 0).IsNull);
        AssertTrap(TrapCode.TableOutOfBounds, run, "table_set", 2);
        AssertTrap(TrapCode.TableOutOfBounds, run, "table_copy", 3);
        run.Call("table_copy", 2);
    }

    [Fact]
    public void Memory64BoundsNeverWrap()
    {
        using var run = new WasmRun("""
            (module
              (memory i64 1)
              (func (export "load") (param i64) (result i32) (i32.load offset=8 (local.get 0)))
              (func (export "load_big_offset") (param i64) (result i32) (i32.load offset=0xFFFFFFFFFFFFFFF0 (local.get 0)))
              (func (export "store8") (param i64) (i64.store8 offset=0x100000000 (local.get 0) (i64.const 1))))
            """);
        Assert.Equal(0, run.Call1("load", 65524L).AsI32());
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load", 65525L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load", -8L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load", -12L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load_big_offset", 16L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "load_big_offset", 0L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "store8", 0L);
        AssertTrap(TrapCode.MemoryOutOfBounds, run, "store8", -0x100000000L);
    }

    [Fact]
    public void TrapsReportTheWasmFunction()
    {
        using var run = new WasmRun(Module);
        TrapException e = run.Trap("div_s", 1, 0);
        Assert.NotEmpty(e.Backtrace);
    }
}
