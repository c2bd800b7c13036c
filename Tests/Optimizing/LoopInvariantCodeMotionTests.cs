using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Loop-invariant code motion, before and after.</summary>
public class LoopInvariantCodeMotionTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new LoopInvariantCodeMotion(), before, after);

    [Fact]
    public void HoistsPureInstructionsWithTheirConstantsAndMovableLoadsOfUnwrittenRegions() => Check("""
        function %t wasm (i64, i32, i64) -> i32 {
        block0(v0: i64, v1: i32, v2: i64):
            jump block1(v1)
        block1(v3: i32):
            v4 = iconst.i32 7
            v5 = imul.i32 v1, v4
            v6 = iadd.i32 v3, v5
            v7 = load.i64 movable mem_size0 v0+8
            v8 = load.i32 movable global0 v0+48
            v9 = load.i32 mem0 v2
            store.i32 mem0 v2+4, v6
            v10 = ireduce v7
            v11 = iadd.i32 v10, v8
            v12 = iadd.i32 v11, v9
            brif v12, block1(v6), block2
        block2:
            return v6
        }
        """, """
        function %t wasm (i64, i32, i64) -> i32 {
        block0(v0: i64, v1: i32, v2: i64):
            v4 = iconst.i32 7
            v5 = imul.i32 v1, v4
            v7 = load.i64 movable mem_size0 v0+8
            v8 = load.i32 movable global0 v0+48
            v10 = ireduce v7
            v11 = iadd.i32 v10, v8
            jump block1(v1)
        block1(v3: i32):
            v6 = iadd.i32 v3, v5
            v9 = load.i32 mem0 v2
            store.i32 mem0 v2+4, v6
            v12 = iadd.i32 v11, v9
            brif v12, block1(v6), block2
        block2:
            return v6
        }
        """);

    [Fact]
    public void ALoadStaysWhenTheLoopWritesItsRegionOrCalls() => Check("""
        function %t wasm (i64, i32) -> i32 {
            sig0 = sysv (i64) -> i64
        block0(v0: i64, v1: i32):
            jump block1
        block1:
            v2 = load.i32 movable global0 v0+48
            v3 = load.i32 movable global1 v0+52
            v4 = load.i64 movable const v0+24
            store.i32 global1 v0+52, v2
            brif v1, block2, block3
        block2:
            v5 = call_indirect sig0, v4(v0)
            jump block1
        block3:
            return v3
        }
        """, """
        function %t wasm (i64, i32) -> i32 {
            sig0 = sysv (i64) -> i64
        block0(v0: i64, v1: i32):
            v4 = load.i64 movable const v0+24
            jump block1
        block1:
            v2 = load.i32 movable global0 v0+48
            v3 = load.i32 movable global1 v0+52
            store.i32 global1 v0+52, v2
            brif v1, block2, block3
        block2:
            v5 = call_indirect sig0, v4(v0)
            jump block1
        block3:
            return v3
        }
        """);

    /// <summary>
    /// A <c>const</c> load that is not <c>movable</c> (a function reference's contents) stays below the null check
    /// guarding it, although its address is invariant and nothing writes <c>const</c> (fuzz seed 2026, module 1463:
    /// the hoisted load faulted on a null reference in the preheader).
    /// </summary>
    [Fact]
    public void AConstLoadThatIsNotMovableStaysBelowItsCheck() => Check("""
        function %t wasm (i64, i64, i32) {
            sig0 = wasm (i64) -> i64
        block0(v0: i64, v1: i64, v2: i32):
            jump block1
        block1:
            v3 = load.i32 movable global0 v0+48
            store.i32 global0 v0+48, v3
            trapz v1, null_function_reference
            v4 = load.i64 const v1
            v5 = load.i64 const v1+16
            v6 = call_indirect sig0, v4(v5)
            brif v2, block1, block2
        block2:
            return
        }
        """, """
        function %t wasm (i64, i64, i32) {
            sig0 = wasm (i64) -> i64
        block0(v0: i64, v1: i64, v2: i32):
            jump block1
        block1:
            v3 = load.i32 movable global0 v0+48
            store.i32 global0 v0+48, v3
            trapz v1, null_function_reference
            v4 = load.i64 const v1
            v5 = load.i64 const v1+16
            v6 = call_indirect sig0, v4(v5)
            brif v2, block1, block2
        block2:
            return
        }
        """);

    /// <summary>
    /// A guarded heap load (<c>load trap</c>, guard pages) that stays in the loop may trap: an invariant division after
    /// it in the header stays too (it left the loop and trapped first when only the opcode's effects counted).
    /// </summary>
    [Fact]
    public void ATrappingLoadThatStaysKeepsTheTrapsAfterIt() => Check("""
        function %t wasm (i64, i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32, v3: i32):
            jump block1
        block1:
            v4 = load.i32 trap mem0 v1
            v5 = sdiv.i32 v2, v3
            v6 = iadd.i32 v4, v5
            store.i32 trap mem0 v1, v6
            brif v6, block1, block2
        block2:
            return v6
        }
        """, """
        function %t wasm (i64, i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i32, v3: i32):
            jump block1
        block1:
            v4 = load.i32 trap mem0 v1
            v5 = sdiv.i32 v2, v3
            v6 = iadd.i32 v4, v5
            store.i32 trap mem0 v1, v6
            brif v6, block1, block2
        block2:
            return v6
        }
        """);

    [Fact]
    public void HoistsOutOfEveryLoopThatAllowsIt() => Check("""
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            jump block1(v1)
        block1(v3: i32):
            jump block2(v2)
        block2(v4: i32):
            v5 = iadd.i32 v1, v2
            v6 = iadd.i32 v3, v5
            v7 = iadd.i32 v4, v6
            brif v7, block2(v7), block3
        block3:
            brif v3, block1(v6), block4
        block4:
            return v5
        }
        """, """
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            v5 = iadd.i32 v1, v2
            jump block1(v1)
        block1(v3: i32):
            v6 = iadd.i32 v3, v5
            jump block2(v2)
        block2(v4: i32):
            v7 = iadd.i32 v4, v6
            brif v7, block2(v7), block3
        block3:
            brif v3, block1(v6), block4
        block4:
            return v5
        }
        """);

    [Fact]
    public void HoistsAnInvariantCheckOnlyFromTheHeaderBeforeAnyEffect() => Check("""
        function %t wasm (i64, i64, i64, i32) {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            jump block1
        block1:
            bounds_check v1+4, v2, memory_out_of_bounds
            store.i32 mem0 v1, v3
            bounds_check v1+8, v2, memory_out_of_bounds
            brif v3, block2, block3
        block2:
            trapz v3, integer_divide_by_zero
            jump block1
        block3:
            return
        }
        """, """
        function %t wasm (i64, i64, i64, i32) {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            bounds_check v1+4, v2, memory_out_of_bounds
            jump block1
        block1:
            store.i32 mem0 v1, v3
            bounds_check v1+8, v2, memory_out_of_bounds
            brif v3, block2, block3
        block2:
            trapz v3, integer_divide_by_zero
            jump block1
        block3:
            return
        }
        """);

    [Fact]
    public void NothingMovesWithoutAPreheader() => Check("""
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            brif v1, block1, block2
        block1:
            v3 = iadd.i32 v1, v2
            brif v3, block1, block2
        block2:
            return v1
        }
        """, """
        function %t wasm (i64, i32, i32) -> i32 {
        block0(v0: i64, v1: i32, v2: i32):
            brif v1, block1, block2
        block1:
            v3 = iadd.i32 v1, v2
            brif v3, block1, block2
        block2:
            return v1
        }
        """);

    [Fact]
    public void AMemoryLoadLeavesWithItsCheckOnlyFromTheHeaderOfALoopThatDoesNotWriteMemory() => Check("""
        function %t wasm (i64, i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            jump block1(v3)
        block1(v4: i32):
            bounds_check v1+4, v2, memory_out_of_bounds
            v5 = load.i32 mem0 v1
            v6 = isub.i32 v4, v5
            brif v6, block2, block3
        block2:
            v7 = load.i32 mem0 v1+4
            v8 = iadd.i32 v6, v7
            jump block1(v8)
        block3:
            jump block4(v3)
        block4(v9: i32):
            bounds_check v1+4, v2, memory_out_of_bounds
            v10 = load.i32 mem0 v1
            store.i32 mem0 v1, v9
            brif v10, block4(v10), block5
        block5:
            return v6
        }
        """, """
        function %t wasm (i64, i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            bounds_check v1+4, v2, memory_out_of_bounds
            v5 = load.i32 mem0 v1
            jump block1(v3)
        block1(v4: i32):
            v6 = isub.i32 v4, v5
            brif v6, block2, block3
        block2:
            v7 = load.i32 mem0 v1+4
            v8 = iadd.i32 v6, v7
            jump block1(v8)
        block3:
            bounds_check v1+4, v2, memory_out_of_bounds
            jump block4(v3)
        block4(v9: i32):
            v10 = load.i32 mem0 v1
            store.i32 mem0 v1, v9
            brif v10, block4(v10), block5
        block5:
            return v6
        }
        """);

    [Fact]
    public void ATrapFlaggedLoadMovesOnlyAsACheckDoesAndAVariantOneStopsLaterChecks() => Check("""
        function %t wasm (i64, i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            jump block1(v3)
        block1(v4: i32):
            v5 = load.i32 trap mem0 v1
            v10 = uextend v4
            v11 = load.i32 trap mem0 v10
            bounds_check v1+4, v2, memory_out_of_bounds
            v7 = isub.i32 v11, v5
            brif v7, block2, block3
        block2:
            v8 = load.i32 trap mem0 v1+4
            v9 = iadd.i32 v7, v8
            jump block1(v9)
        block3:
            return v7
        }
        """, """
        function %t wasm (i64, i64, i64, i32) -> i32 {
        block0(v0: i64, v1: i64, v2: i64, v3: i32):
            v5 = load.i32 trap mem0 v1
            jump block1(v3)
        block1(v4: i32):
            v10 = uextend v4
            v11 = load.i32 trap mem0 v10
            bounds_check v1+4, v2, memory_out_of_bounds
            v7 = isub.i32 v11, v5
            brif v7, block2, block3
        block2:
            v8 = load.i32 trap mem0 v1+4
            v9 = iadd.i32 v7, v8
            jump block1(v9)
        block3:
            return v7
        }
        """);
}
