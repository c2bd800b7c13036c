using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Global value numbering, before and after, in the text form.</summary>
public class GlobalValueNumberingTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new GlobalValueNumbering(), before, after);

    [Fact]
    public void MergesEqualPureInstructionsInOneBlockAndCommutedOperands() => Check("""
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            v3 = iadd.i32 v1, v2
            v4 = iadd.i32 v2, v1
            v5 = isub.i32 v1, v2
            v6 = isub.i32 v2, v1
            v7 = iconst.i32 3
            v8 = iconst.i32 3
            v9 = imul.i32 v3, v7
            v10 = imul.i32 v4, v8
            v11 = iadd.i32 v9, v10
            v12 = iadd.i32 v5, v6
            v13 = iadd.i32 v11, v12
            return v13
        }
        """, """
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            v3 = iadd.i32 v1, v2
            v5 = isub.i32 v1, v2
            v6 = isub.i32 v2, v1
            v7 = iconst.i32 3
            v9 = imul.i32 v3, v7
            v11 = iadd.i32 v9, v9
            v12 = iadd.i32 v5, v6
            v13 = iadd.i32 v11, v12
            return v13
        }
        """);

    [Fact]
    public void UsesOnlyDominatingDefinitions() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            brif v0, block1, block2
        block1:
            v2 = iadd.i32 v0, v1
            v3 = iconst.i32 1
            jump block3(v2)
        block2:
            v4 = iadd.i32 v0, v1
            jump block3(v4)
        block3(v5: i32):
            v6 = iadd.i32 v0, v1
            v7 = iadd.i32 v5, v6
            return v7
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            brif v0, block1, block2
        block1:
            v2 = iadd.i32 v0, v1
            jump block3(v2)
        block2:
            v4 = iadd.i32 v0, v1
            jump block3(v4)
        block3(v5: i32):
            v6 = iadd.i32 v0, v1
            v7 = iadd.i32 v5, v6
            return v7
        }
        """);

    [Fact]
    public void ConstLoadsMergeOtherLoadsDoNot() => Check("""
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = load.i64 movable const v0+16
            v3 = load.i32 movable global0 v0+48
            store.i32 global0 v0+48, v1
            v4 = load.i64 movable const v0+16
            v5 = load.i32 movable global0 v0+48
            v6 = load.i64 movable const v0+24
            v7 = iadd.i32 v3, v5
            return v7
        }
        """, """
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = load.i64 movable const v0+16
            v3 = load.i32 movable global0 v0+48
            store.i32 global0 v0+48, v1
            v5 = load.i32 movable global0 v0+48
            v6 = load.i64 movable const v0+24
            v7 = iadd.i32 v3, v5
            return v7
        }
        """);

    [Fact]
    public void DominatedRepeatsOfTrapsAndDivisionsGo() => Check("""
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            trapz v2, integer_divide_by_zero
            v3 = udiv.i32 v1, v2
            v4 = uextend v1
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v4+4, v5, memory_out_of_bounds
            brif v1, block1, block2
        block1:
            trapz v2, integer_divide_by_zero
            v6 = udiv.i32 v1, v2
            bounds_check v4+4, v5, memory_out_of_bounds
            bounds_check v4+8, v5, memory_out_of_bounds
            trapnz v2, integer_divide_by_zero
            return v6
        block2:
            return v3
        }
        """, """
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            trapz v2, integer_divide_by_zero
            v3 = udiv.i32 v1, v2
            v4 = uextend v1
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v4+4, v5, memory_out_of_bounds
            brif v1, block1, block2
        block1:
            bounds_check v4+8, v5, memory_out_of_bounds
            trapnz v2, integer_divide_by_zero
            return v3
        block2:
            return v3
        }
        """);

    [Fact]
    public void DifferentImmediatesOrTypesAreDifferentValues() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            v2 = iconst.i64 1
            v3 = icmp.i32 slt v0, v1
            v4 = icmp.i32 ult v0, v1
            v5 = iadd.i32 v3, v4
            return v5
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            v2 = iconst.i64 1
            v3 = icmp.i32 slt v0, v1
            v4 = icmp.i32 ult v0, v1
            v5 = iadd.i32 v3, v4
            return v5
        }
        """);
}
