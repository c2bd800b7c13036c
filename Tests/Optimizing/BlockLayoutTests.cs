using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Block layout, before and after (the comparison includes block order).</summary>
public class BlockLayoutTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new BlockLayout(), before, after);

    [Fact]
    public void TrapBlocksGoLastAndTheHotSuccessorFollowsItsBranch() => Check("""
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block1, block2
        block1:
            trap unreachable
        block2:
            brif v1, block3, block4
        block3:
            jump block4
        block4:
            return v0
        }
        """, """
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block1, block2
        block2:
            brif v1, block3, block4
        block3:
            jump block4
        block4:
            return v0
        block1:
            trap unreachable
        }
        """);

    [Fact]
    public void LoopsAreContiguousAndTheirExitsFollowThem() => Check("""
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            jump block1(v0)
        block5:
            return v1
        block1(v2: i32):
            brif v2, block5, block2
        block4:
            jump block1(v3)
        block2:
            v3 = iadd.i32 v2, v1
            brif v3, block3, block4
        block3:
            trap unreachable
        }
        """, """
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            jump block1(v0)
        block1(v2: i32):
            brif v2, block5, block2
        block2:
            v3 = iadd.i32 v2, v1
            brif v3, block3, block4
        block4:
            jump block1(v3)
        block5:
            return v1
        block3:
            trap unreachable
        }
        """);

    [Fact]
    public void NestedLoopsStayInsideTheirParent() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            jump block1
        block1:
            brif v0, block2, block6
        block6:
            return v0
        block2:
            brif v0, block3, block5
        block5:
            jump block1
        block3:
            brif v0, block3, block2
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            jump block1
        block1:
            brif v0, block2, block6
        block2:
            brif v0, block3, block5
        block3:
            brif v0, block3, block2
        block5:
            jump block1
        block6:
            return v0
        }
        """);

    [Fact]
    public void AGoodOrderIsLeftAsItIs() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block2
        block1:
            jump block3
        block2:
            jump block3
        block3:
            return v0
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block2
        block1:
            jump block3
        block2:
            jump block3
        block3:
            return v0
        }
        """);
}
