using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Dead code elimination, before and after, in the text form.</summary>
public class DeadCodeEliminationTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new DeadCodeElimination(), before, after);

    [Fact]
    public void RemovesUnusedPureInstructionsAndLoadsTransitively() => Check("""
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 3
            v3 = iadd.i32 v1, v2
            v4 = imul.i32 v3, v3
            v5 = load.i64 movable const v0+8
            v6 = load.i32 mem0 v5
            return v1
        }
        """, """
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            return v1
        }
        """);

    [Fact]
    public void KeepsSideEffectsAndWhatTheyUse() => Check("""
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 0
            v3 = sdiv.i32 v1, v2
            v4 = uextend v1
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v4+4, v5, memory_out_of_bounds
            v6 = load.i64 movable const v0
            v7 = iadd.i64 v6, v4
            store.i32 mem0 v7, v1
            v8 = fconst.f32 1.5
            v9 = fcvt_to_sint.i32 v8
            trapz v1, unreachable
            return v2
        }
        """, """
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 0
            v3 = sdiv.i32 v1, v2
            v4 = uextend v1
            v5 = load.i64 movable mem_size0 v0+8
            bounds_check v4+4, v5, memory_out_of_bounds
            v6 = load.i64 movable const v0
            v7 = iadd.i64 v6, v4
            store.i32 mem0 v7, v1
            v8 = fconst.f32 1.5
            v9 = fcvt_to_sint.i32 v8
            trapz v1, unreachable
            return v2
        }
        """);

    [Fact]
    public void RemovesUnreachableBlocks() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            jump block2
        block1:
            v1 = iconst.i32 1
            jump block2
        block2:
            return v0
        block3:
            trap unreachable
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            jump block2
        block2:
            return v0
        }
        """);

    [Fact]
    public void RemovesDeadParametersIncludingLoopCarriedOnes() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 0
            jump block1(v1, v1, v0)
        block1(v2: i32, v3: i32, v4: i32):
            v5 = iconst.i32 1
            v6 = iadd.i32 v2, v5
            v7 = iadd.i32 v3, v5
            v8 = icmp.i32 ult v6, v4
            brif v8, block1(v6, v7, v4), block2(v3)
        block2(v9: i32):
            return v6
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 0
            jump block1(v1, v0)
        block1(v2: i32, v4: i32):
            v5 = iconst.i32 1
            v6 = iadd.i32 v2, v5
            v8 = icmp.i32 ult v6, v4
            brif v8, block1(v6, v4), block2
        block2:
            return v6
        }
        """);

    [Fact]
    public void AParameterFedTwiceByOneBrTableLosesBothArguments() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            br_table v0, block1(v0), [block1(v0), block2]
        block1(v1: i32):
            return v0
        block2:
            return v0
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            br_table v0, block1, [block1, block2]
        block1:
            return v0
        block2:
            return v0
        }
        """);

    [Fact]
    public void NothingToDoReportsNoChange()
    {
        const string text = """
            function %t wasm (i32) -> i32 {
            block0(v0: i32):
                return v0
            }
            """;
        IrTestKit.AssertPass(new DeadCodeElimination(), text, text);
    }
}
