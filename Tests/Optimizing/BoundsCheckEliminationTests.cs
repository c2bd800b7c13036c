using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Bounds-check elimination, before and after.</summary>
public class BoundsCheckEliminationTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new BoundsCheckElimination(), before, after);

    [Fact]
    public void ADominatingCheckWithALargerEndCoversLaterOnesOnlyWhereItDominates() => Check("""
        function %t wasm (i64, i64, i64, i32) {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            bounds_check v1+8, v2, memory_out_of_bounds
            store.i32 mem0 v1, v3
            bounds_check v1+4, v2, memory_out_of_bounds
            brif v3, block1, block2
        block1:
            bounds_check v1+8, v2, memory_out_of_bounds
            bounds_check v1+16, v2, memory_out_of_bounds
            jump block3
        block2:
            jump block3
        block3:
            bounds_check v1+16, v2, memory_out_of_bounds
            bounds_check v1+2, v0, memory_out_of_bounds
            return
        }
        """, """
        function %t wasm (i64, i64, i64, i32) {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            bounds_check v1+8, v2, memory_out_of_bounds
            store.i32 mem0 v1, v3
            brif v3, block1, block2
        block1:
            bounds_check v1+16, v2, memory_out_of_bounds
            jump block3
        block2:
            jump block3
        block3:
            bounds_check v1+16, v2, memory_out_of_bounds
            bounds_check v1+2, v0, memory_out_of_bounds
            return
        }
        """);

    [Fact]
    public void ConstantOffsetsFromAZeroExtendedIndexCount() => Check("""
        function %t wasm (i64, i32, i64, i32) {
        block0(v0: i64, v1: i32, v2: i64, v3: i32):
            v4 = uextend v1
            bounds_check v4+12, v2, memory_out_of_bounds
            store.i32 mem0 v4, v3
            v5 = iconst.i64 8
            v6 = iadd.i64 v4, v5
            bounds_check v6+4, v2, memory_out_of_bounds
            v7 = iconst.i64 16
            v8 = iadd.i64 v0, v7
            bounds_check v8+4, v2, memory_out_of_bounds
            store.i32 mem0 v8, v3
            bounds_check v0+20, v2, memory_out_of_bounds
            return
        }
        """, """
        function %t wasm (i64, i32, i64, i32) {
        block0(v0: i64, v1: i32, v2: i64, v3: i32):
            v4 = uextend v1
            bounds_check v4+12, v2, memory_out_of_bounds
            store.i32 mem0 v4, v3
            v5 = iconst.i64 8
            v6 = iadd.i64 v4, v5
            v7 = iconst.i64 16
            v8 = iadd.i64 v0, v7
            bounds_check v8+4, v2, memory_out_of_bounds
            store.i32 mem0 v8, v3
            bounds_check v0+20, v2, memory_out_of_bounds
            return
        }
        """);

    [Fact]
    public void ChecksOfGrowingEndsMergeUntilSomethingObservableIntervenes() => Check("""
        function %t wasm (i64, i64, i64, i64) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i64):
            bounds_check v1+4, v2, memory_out_of_bounds
            v4 = load.i32 mem0 v3
            bounds_check v1+8, v2, memory_out_of_bounds
            v5 = load.i32 mem0 v3+4
            bounds_check v0+4, v2, memory_out_of_bounds
            bounds_check v1+12, v2, memory_out_of_bounds
            v6 = load.i32 mem0 v3+8
            store.i32 mem0 v3, v6
            bounds_check v1+16, v2, memory_out_of_bounds
            bounds_check v1+20, v2, table_out_of_bounds
            bounds_check v1+24, v2, table_out_of_bounds
            v7 = iadd.i32 v4, v5
            return v7
        }
        """, """
        function %t wasm (i64, i64, i64, i64) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i64):
            bounds_check v1+12, v2, memory_out_of_bounds
            v4 = load.i32 mem0 v3
            v5 = load.i32 mem0 v3+4
            bounds_check v0+4, v2, memory_out_of_bounds
            v6 = load.i32 mem0 v3+8
            store.i32 mem0 v3, v6
            bounds_check v1+16, v2, memory_out_of_bounds
            bounds_check v1+20, v2, table_out_of_bounds
            bounds_check v1+24, v2, table_out_of_bounds
            v7 = iadd.i32 v4, v5
            return v7
        }
        """);

    [Fact]
    public void AMemoryOnlyGrowsSoANewerSizeIsCoveredAndAnOlderOneIsNot() => Check("""
        function %t wasm (i64, i64) {
            sig0 = sysv (i64) -> i64
        block0(v0: i64, v1: i64):
            v2 = load.i64 movable mem_size0 v0+8
            bounds_check v1+8, v2, memory_out_of_bounds
            v3 = load.i64 movable const v0+24
            v4 = call_indirect sig0, v3(v0)
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v1+4, v5, memory_out_of_bounds
            bounds_check v1+16, v5, memory_out_of_bounds
            bounds_check v1+12, v2, memory_out_of_bounds
            v6 = load.i64 movable mem_size1 v0+8
            bounds_check v1+4, v6, memory_out_of_bounds
            return
        }
        """, """
        function %t wasm (i64, i64) {
            sig0 = sysv (i64) -> i64
        block0(v0: i64, v1: i64):
            v2 = load.i64 movable mem_size0 v0+8
            bounds_check v1+8, v2, memory_out_of_bounds
            v3 = load.i64 movable const v0+24
            v4 = call_indirect sig0, v3(v0)
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v1+16, v5, memory_out_of_bounds
            bounds_check v1+12, v2, memory_out_of_bounds
            v6 = load.i64 movable mem_size1 v0+8
            bounds_check v1+4, v6, memory_out_of_bounds
            return
        }
        """);
}
