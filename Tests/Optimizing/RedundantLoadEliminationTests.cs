using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Redundant load elimination and store-to-load forwarding, before and after.</summary>
public class RedundantLoadEliminationTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new RedundantLoadElimination(), before, after);

    [Fact]
    public void MemorySizeIsNotReloadedAcrossStoresToTheMemory() => Check("""
        function %t wasm (i64, i32, i32) {
        block0(v0: i64, v1: i32, v2: i32):
            v3 = uextend v1
            v4 = load.i64 movable mem_size0 v0+8
            bounds_check v3+4, v4, memory_out_of_bounds
            v5 = load.i64 movable const v0
            v6 = iadd.i64 v5, v3
            store.i32 mem0 v6, v2
            v7 = load.i64 movable mem_size0 v0+8
            bounds_check v3+8, v7, memory_out_of_bounds
            store.i32 mem0 v6+4, v2
            return
        }
        """, """
        function %t wasm (i64, i32, i32) {
        block0(v0: i64, v1: i32, v2: i32):
            v3 = uextend v1
            v4 = load.i64 movable mem_size0 v0+8
            bounds_check v3+4, v4, memory_out_of_bounds
            v5 = load.i64 movable const v0
            v6 = iadd.i64 v5, v3
            store.i32 mem0 v6, v2
            bounds_check v3+8, v4, memory_out_of_bounds
            store.i32 mem0 v6+4, v2
            return
        }
        """);

    [Fact]
    public void StoreForwardsToALoadOfTheSameBytesUntilAnotherStoreToTheRegion() => Check("""
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            store.i32 mem0 v1+4, v2
            v3 = load.i32 mem0 v1+4
            v4 = load.i32 mem0 v1+8
            v5 = load.i32 mem0 v1+8
            store.i32 mem0 v1+12, v3
            v6 = load.i32 mem0 v1+4
            v7 = iadd.i32 v4, v5
            v8 = iadd.i32 v7, v6
            return v8
        }
        """, """
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            store.i32 mem0 v1+4, v2
            v4 = load.i32 mem0 v1+8
            store.i32 mem0 v1+12, v2
            v6 = load.i32 mem0 v1+4
            v7 = iadd.i32 v4, v4
            v8 = iadd.i32 v7, v6
            return v8
        }
        """);

    [Fact]
    public void NarrowStoresAndDifferentTypesDoNotForward() => Check("""
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            istore8.i32 mem0 v1, v2
            v3 = uload8.i32 mem0 v1
            v4 = sload8.i32 mem0 v1
            v5 = iadd.i32 v3, v4
            return v5
        }
        """, """
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            istore8.i32 mem0 v1, v2
            v3 = uload8.i32 mem0 v1
            v4 = sload8.i32 mem0 v1
            v5 = iadd.i32 v3, v4
            return v5
        }
        """);

    [Fact]
    public void CallsClobberEverythingButConst() => Check("""
        function %t wasm (i64) -> i32 {
            sig0 = sysv (i64) -> i64
        block0(v0: i64):
            v1 = load.i32 movable global0 v0+48
            v2 = load.i64 movable const v0+24
            v3 = call_indirect sig0, v2(v0)
            v4 = load.i32 movable global0 v0+48
            v5 = load.i64 movable const v0+24
            v6 = iadd.i32 v1, v4
            return v6
        }
        """, """
        function %t wasm (i64) -> i32 {
            sig0 = sysv (i64) -> i64
        block0(v0: i64):
            v1 = load.i32 movable global0 v0+48
            v2 = load.i64 movable const v0+24
            v3 = call_indirect sig0, v2(v0)
            v4 = load.i32 movable global0 v0+48
            v6 = iadd.i32 v1, v4
            return v6
        }
        """);

    [Fact]
    public void AJoinForgetsOnlyTheRegionsItsIncomingPathsWrite() => Check("""
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            v3 = load.i32 movable global0 v0+48
            v4 = load.i32 mem0 v1
            brif v2, block1, block2
        block1:
            store.i32 mem0 v1+16, v2
            jump block3
        block2:
            jump block3
        block3:
            v5 = load.i32 movable global0 v0+48
            v6 = load.i32 mem0 v1
            v7 = iadd.i32 v5, v6
            v8 = iadd.i32 v7, v3
            v9 = iadd.i32 v8, v4
            return v9
        }
        """, """
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            v3 = load.i32 movable global0 v0+48
            v4 = load.i32 mem0 v1
            brif v2, block1, block2
        block1:
            store.i32 mem0 v1+16, v2
            jump block3
        block2:
            jump block3
        block3:
            v6 = load.i32 mem0 v1
            v7 = iadd.i32 v3, v6
            v8 = iadd.i32 v7, v3
            v9 = iadd.i32 v8, v4
            return v9
        }
        """);

    [Fact]
    public void ALoopHeaderForgetsWhatTheLoopBodyWrites() => Check("""
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            v3 = load.i64 movable mem_size0 v0+8
            v4 = load.i32 mem0 v1
            jump block1
        block1:
            v5 = load.i64 movable mem_size0 v0+8
            v6 = load.i32 mem0 v1
            brif v6, block2, block3
        block2:
            store.i32 mem0 v1+4, v2
            jump block1
        block3:
            v7 = ireduce v5
            v8 = iadd.i32 v7, v4
            return v8
        }
        """, """
        function %t wasm (i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32):
            v3 = load.i64 movable mem_size0 v0+8
            v4 = load.i32 mem0 v1
            jump block1
        block1:
            v6 = load.i32 mem0 v1
            brif v6, block2, block3
        block2:
            store.i32 mem0 v1+4, v2
            jump block1
        block3:
            v7 = ireduce v3
            v8 = iadd.i32 v7, v4
            return v8
        }
        """);
}
