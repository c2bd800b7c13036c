using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Constant rematerialization, before and after, in the text form.</summary>
public class ConstantRematerializationTests
{
    static void Check(string before, string after) =>
        IrTestKit.AssertPass(new ConstantRematerialization(), before, after);

    [Fact]
    public void EachBlockGetsOneCopyBeforeItsFirstUse() => Check("""
        function %t wasm (i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 -7046029254386353131
            v3 = fconst.f64 0x3ff8000000000000
            v4 = imul.i64 v1, v2
            jump block1(v4)
        block1(v5: i64):
            v6 = bxor.i64 v5, v2
            v7 = imul.i64 v6, v2
            v8 = fcvt_from_sint.f64 v7
            v9 = fmul.f64 v8, v3
            v10 = fcvt_to_sint_sat.i64 v9
            brif v10, block1(v2), block2
        block2:
            return v10
        }
        """, """
        function %t wasm (i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 -7046029254386353131
            v3 = fconst.f64 0x3ff8000000000000
            v4 = imul.i64 v1, v2
            jump block1(v4)
        block1(v5: i64):
            v11 = iconst.i64 -7046029254386353131
            v6 = bxor.i64 v5, v11
            v7 = imul.i64 v6, v11
            v8 = fcvt_from_sint.f64 v7
            v12 = fconst.f64 0x3ff8000000000000
            v9 = fmul.f64 v8, v12
            v10 = fcvt_to_sint_sat.i64 v9
            brif v10, block1(v11), block2
        block2:
            return v10
        }
        """);

    [Fact]
    public void UsesInTheDefiningBlockAndNonConstantsStay() => Check("""
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 3
            v3 = iadd.i32 v1, v2
            brif v3, block1, block2
        block1:
            return v3
        block2:
            return v2
        }
        """, """
        function %t wasm (i64, i32) -> i32 {
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 3
            v3 = iadd.i32 v1, v2
            brif v3, block1, block2
        block1:
            return v3
        block2:
            v4 = iconst.i32 3
            return v4
        }
        """);
}
