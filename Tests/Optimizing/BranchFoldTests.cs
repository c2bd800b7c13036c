using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Branch folding, block-parameter removal, jump threading and block merging, before and after.</summary>
public class BranchFoldTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new BranchFold(), before, after);

    [Fact]
    public void ConstantConditionPicksATargetAndTheOtherBlockGoes() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 0
            brif v1, block1, block2(v0)
        block1:
            return v1
        block2(v2: i32):
            v3 = iadd.i32 v2, v2
            return v3
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 0
            v3 = iadd.i32 v0, v0
            return v3
        }
        """);

    [Fact]
    public void ConstantBrTableIndexOutOfRangeTakesTheDefault() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 7
            br_table v1, block1, [block2, block3]
        block1:
            return v0
        block2:
            return v1
        block3:
            return v1
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 7
            return v0
        }
        """);

    [Fact]
    public void ConstantBrTableIndexInRangeTakesItsEntry() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            br_table v1, block1, [block2, block3]
        block1:
            return v0
        block2:
            return v1
        block3:
            v2 = iadd.i32 v0, v1
            return v2
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 1
            v2 = iadd.i32 v0, v1
            return v2
        }
        """);

    [Fact]
    public void CompareWithZeroIsTestedDirectlyAndEqSwapsTheTargets() => Check("""
        function %t wasm (i32, i64) -> i32 {
        block0(v0: i32, v1: i64):
            v2 = iconst.i64 0
            v3 = icmp.i64 eq v1, v2
            brif v3, block1, block2
        block1:
            return v0
        block2:
            v4 = iconst.i32 0
            v5 = icmp.i32 ne v0, v4
            brif v5, block3, block4
        block3:
            return v4
        block4:
            v6 = iadd.i32 v0, v0
            return v6
        }
        """, """
        function %t wasm (i32, i64) -> i32 {
        block0(v0: i32, v1: i64):
            v2 = iconst.i64 0
            v3 = icmp.i64 eq v1, v2
            brif v1, block2, block1
        block1:
            return v0
        block2:
            v4 = iconst.i32 0
            v5 = icmp.i32 ne v0, v4
            brif v0, block3, block4
        block3:
            return v4
        block4:
            v6 = iadd.i32 v0, v0
            return v6
        }
        """);

    [Fact]
    public void ParametersWithOneIncomingValueGoIncludingLoopCarriedOnes() => Check("""
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            jump block1(v0, v1, v0)
        block1(v2: i32, v3: i32, v4: i32):
            v5 = iadd.i32 v2, v3
            brif v5, block1(v2, v5, v4), block2(v4)
        block2(v6: i32):
            return v6
        }
        """, """
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            jump block1(v1)
        block1(v3: i32):
            v5 = iadd.i32 v0, v3
            brif v5, block1(v5), block2
        block2:
            return v0
        }
        """);

    [Fact]
    public void EmptyBlocksAreThreadedAndChainsMerge() => Check("""
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block1, block2
        block1:
            jump block3
        block2:
            jump block4
        block3:
            jump block5(v0)
        block4:
            jump block5(v1)
        block5(v2: i32):
            v3 = iadd.i32 v2, v1
            jump block6
        block6:
            return v3
        }
        """, """
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block3, block4
        block3:
            jump block5(v0)
        block4:
            jump block5(v1)
        block5(v2: i32):
            v3 = iadd.i32 v2, v1
            return v3
        }
        """);

    [Fact]
    public void BranchWithEqualTargetsBecomesAJump() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1(v0), block1(v0)
        block1(v1: i32):
            return v1
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            return v0
        }
        """);

    [Fact]
    public void KeepsTheEmptyBlockThatEntersALoop() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block3
        block1:
            jump block2
        block2:
            v1 = iadd.i32 v0, v0
            brif v1, block2, block3
        block3:
            return v0
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block3
        block1:
            jump block2
        block2:
            v1 = iadd.i32 v0, v0
            brif v1, block2, block3
        block3:
            return v0
        }
        """);

    [Fact]
    public void LeavesAnAlreadySimpleGraphAlone() => Check("""
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block1, block2
        block1:
            v2 = iadd.i32 v0, v1
            jump block3(v2)
        block2:
            jump block3(v1)
        block3(v3: i32):
            return v3
        }
        """, """
        function %t wasm (i32, i32) -> i32 {
        block0(v0: i32, v1: i32):
            brif v0, block1, block2
        block1:
            v2 = iadd.i32 v0, v1
            jump block3(v2)
        block2:
            jump block3(v1)
        block3(v3: i32):
            return v3
        }
        """);

    [Fact]
    public void AParameterThatAlwaysReceivesTheSameConstantBecomesItAndItsBranchFolds() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block2
        block1:
            v1 = iconst.i32 1
            v2 = iadd.i32 v0, v0
            jump block3(v1, v2)
        block2:
            v3 = iconst.i32 1
            jump block3(v3, v0)
        block3(v4: i32, v5: i32):
            brif v4, block4, block5
        block4:
            return v5
        block5:
            return v0
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            brif v0, block1, block2
        block1:
            v1 = iconst.i32 1
            v2 = iadd.i32 v0, v0
            jump block3(v2)
        block2:
            v3 = iconst.i32 1
            jump block3(v0)
        block3(v5: i32):
            v6 = iconst.i32 1
            return v5
        }
        """);
}
