using Hoist.Runtime;

namespace Hoist.Tests.Baseline;

/// <summary>
/// br_table in its forms (compare chain, jump table, with values, through stubs and to the function), and the
/// register allocator's corners: fixed registers (division, shift counts) taken while every register is busy,
/// and float spills.
/// </summary>
public class ControlAndRegisterTests
{
    [Fact]
    public void BrTableInAllItsForms()
    {
        using var run = new WasmRun("""
            (module
              (func (export "chain") (param i32) (result i32)
                (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 11)))
                (i32.const 12))
              (func (export "table") (param i32) (result i32)
                (block (block (block (block (block (br_table 4 3 2 1 0 2 (local.get 0)) (return (i32.const 0)))
                  (return (i32.const 1))) (return (i32.const 2))) (return (i32.const 3))) (return (i32.const 4)))
                (i32.const 5))
              (func (export "values") (param i32 i32) (result i32)
                (i32.add (i32.const 1000)
                  (block (result i32)
                    (i32.mul (i32.const 2)
                      (block (result i32)
                        (i32.add (i32.const 1)
                          (block (result i32)
                            (br_table 0 1 2 0 1 2 (i32.mul (local.get 1) (i32.const 3)) (local.get 0)))))))))
              (func (export "to_function") (param i32) (result i32 i64)
                (block (result i32 i64)
                  (i32.const 7) (i64.const 8)
                  (br_table 0 1 0 1 0 (local.get 0)))
                (drop) (drop) (i32.const -1) (i64.const -1))
              (func (export "loop") (param i32) (result i32)
                (local i32)
                (block $done
                  (loop $top
                    (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                    (br_table $top $done (i32.eqz (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))
                (local.get 1)))
            """);
        // Targets 0 1, default 2 (a compare chain): label n returns 10 + n, the outermost falls to 12.
        int[] chain = [10, 11, 12, 12, 12];
        for (int i = 0; i < chain.Length; i++) Assert.Equal(chain[i], run.Call1("chain", i).AsI32());
        Assert.Equal(12, run.Call1("chain", -1).AsI32());
        // Targets 4 3 2 1 0, default 2 (a jump table): label n returns n + 1 (return 0 is dead code).
        int[] table = [5, 4, 3, 2, 1, 3, 3];
        for (int i = 0; i < table.Length; i++) Assert.Equal(table[i], run.Call1("table", i).AsI32());
        Assert.Equal(3, run.Call1("table", int.MaxValue).AsI32());
        for (int i = 0; i < 8; i++)
        {
            int v = 5 * 3;
            int target = i < 6 ? new[] { 0, 1, 2, 0, 1, 2 }[i] : 2;
            int expected = 1000 + target switch { 0 => 2 * (1 + v), 1 => 2 * v, _ => v };
            Assert.Equal(expected, run.Call1("values", i, 5).AsI32());
        }
        Assert.Equal([Value.I32(-1), Value.I64(-1)], run.Call("to_function", 0));
        Assert.Equal([Value.I32(7), Value.I64(8)], run.Call("to_function", 1));
        Assert.Equal([Value.I32(7), Value.I64(8)], run.Call("to_function", 3));
        Assert.Equal([Value.I32(-1), Value.I64(-1)], run.Call("to_function", 9));
        Assert.Equal(4, run.Call1("loop", 4).AsI32());
        Assert.Equal(1, run.Call1("loop", 1).AsI32());
    }

    [Fact]
    public void FixedRegistersAreTakenFromBusyOnes()
    {
        // Nine values live in registers (more than there are), then divisions and shifts need rax, rdx and rcx.
        var sb = new System.Text.StringBuilder("(module (func (export \"f\") (param i32 i32 i32) (result i32)");
        for (int i = 1; i <= 9; i++) sb.Append($" (i32.mul (local.get 0) (i32.const {i}))");
        sb.Append(" (i32.div_s (local.get 1) (local.get 2))");
        sb.Append(" (i32.rem_u (i32.add (local.get 1) (i32.const 100)) (local.get 2))");
        sb.Append(" (i32.shl (local.get 1) (local.get 2))");
        sb.Append(" (i32.rotr (i32.add (local.get 1) (local.get 2)) (i32.add (local.get 2) (i32.const 1)))");
        for (int i = 0; i < 12; i++) sb.Append(" (i32.add)");
        sb.Append("))");
        using var run = new WasmRun(sb.ToString());
        foreach (var (a, b, c) in new[] { (3, 100, 7), (-5, -77, 3), (1000, 1 << 20, 31) })
        {
            int expected = 0;
            for (int i = 1; i <= 9; i++) expected += a * i;
            expected += b / c;
            expected += (int)((uint)(b + 100) % (uint)c);
            expected += b << (c & 31);
            expected += (int)uint.RotateRight((uint)(b + c), (c + 1) & 31);
            Assert.Equal(expected, run.Call1("f", a, b, c).AsI32());
        }
    }

    [Fact]
    public void FloatValuesSpillWhenXmmRegistersRunOut()
    {
        var sb = new System.Text.StringBuilder("(module (func (export \"f\") (param f64) (result f64)");
        for (int i = 1; i <= 20; i++) sb.Append($" (f64.mul (local.get 0) (f64.const {i}))");
        sb.Append(" (f64.max (f64.const -0) (f64.const 0))");
        for (int i = 0; i < 20; i++) sb.Append(" (f64.add)");
        sb.Append("))");
        using var run = new WasmRun(sb.ToString());
        Assert.Equal(1.5 * 210, run.Call1("f", 1.5).AsF64());
    }

    [Fact]
    public void ValuesLiveAcrossBlocksLoopsAndIfs()
    {
        using var run = new WasmRun("""
            (module
              (func (export "f") (param i32) (result i64)
                (local i64)
                (i64.extend_i32_s (local.get 0))              ;; stays on the stack across everything below
                (local.get 1)                                  ;; a lazy local read, spilled at the block
                (block (result i64)
                  (local.set 1 (i64.const 100))                ;; the lazy read above must still see 0
                  (loop $l (result i64)
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (local.set 1 (i64.add (local.get 1) (i64.const 1)))
                    (br_if $l (i32.gt_s (local.get 0) (i32.const 0)))
                    (local.get 1)))
                (if (result i64) (i64.eqz (i64.const 0)) (then (i64.const 1)) (else (i64.const 2)))
                (i64.add) (i64.add) (i64.add)))
            """);
        // initial + 0 + (100 + iterations) + 1, with max(n, 1) iterations.
        Assert.Equal(5 + 0 + 105 + 1, run.Call1("f", 5).AsI64());
        Assert.Equal(-3 + 0 + 101 + 1, run.Call1("f", -3).AsI64());
    }
}
