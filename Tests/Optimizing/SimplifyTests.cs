using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>Constant folding and algebraic simplification, before and after, in the text form.</summary>
public class SimplifyTests
{
    static string Fn(string body, string sig = "wasm (i64, i32, i64) -> i32") => $"function %t {sig} {{\nblock0(v0: i64, v1: i32, v2: i64):\n{body}\n}}";

    static void Check(string before, string after, string sig = "wasm (i64, i32, i64) -> i32") =>
        IrTestKit.AssertPass(new Simplify(), Fn(before, sig), Fn(after, sig));

    [Fact]
    public void FoldsIntegerArithmetic() => Check("""
            v3 = iconst.i32 6
            v4 = iconst.i32 7
            v5 = imul.i32 v3, v4
            v6 = iconst.i32 -1
            v7 = iadd.i32 v5, v6
            return v7
        """, """
            v3 = iconst.i32 6
            v4 = iconst.i32 7
            v5 = iconst.i32 42
            v6 = iconst.i32 -1
            v7 = iconst.i32 41
            return v7
        """);

    [Fact]
    public void FoldsWithWasmSemantics()
    {
        // Shift counts wrap; i32 results stay sign-extended; rotations, counts and comparisons are unsigned where wasm says so.
        Check("""
            v3 = iconst.i32 1
            v4 = iconst.i32 33
            v5 = ishl.i32 v3, v4
            v6 = iconst.i32 -2147483648
            v7 = iconst.i32 1
            v8 = rotl.i32 v6, v7
            v9 = clz.i32 v8
            v10 = icmp.i32 ult v6, v3
            v11 = iadd.i32 v5, v9
            v12 = iadd.i32 v11, v10
            return v12
            """, """
            v3 = iconst.i32 1
            v4 = iconst.i32 33
            v5 = iconst.i32 2
            v6 = iconst.i32 -2147483648
            v7 = iconst.i32 1
            v8 = iconst.i32 1
            v9 = iconst.i32 31
            v10 = iconst.i32 0
            v11 = iconst.i32 33
            v12 = iconst.i32 33
            return v12
            """);
    }

    [Fact]
    public void DivisionByZeroAndOverflowStayToTrapAtRunTime() => Check("""
            v3 = iconst.i32 0
            v4 = iconst.i32 5
            v5 = sdiv.i32 v4, v3
            v6 = iconst.i32 -2147483648
            v7 = iconst.i32 -1
            v8 = sdiv.i32 v6, v7
            v9 = srem.i32 v6, v7
            v10 = iadd.i32 v5, v8
            v11 = iadd.i32 v10, v9
            return v11
        """, """
            v3 = iconst.i32 0
            v4 = iconst.i32 5
            v5 = sdiv.i32 v4, v3
            v6 = iconst.i32 -2147483648
            v7 = iconst.i32 -1
            v8 = sdiv.i32 v6, v7
            v9 = iconst.i32 0
            v10 = iadd.i32 v5, v8
            return v10
        """);

    [Fact]
    public void FoldsFloatsExactly() => Check("""
            v3 = fconst.f64 0.1
            v4 = fconst.f64 0.2
            v5 = fadd.f64 v3, v4
            v6 = fconst.f32 -0
            v7 = fconst.f32 0
            v8 = fmin.f32 v6, v7
            v9 = fconst.f64 2.5
            v10 = fnearest.f64 v9
            v11 = fcvt_to_sint.i32 v10
            v12 = fcmp.f64 lt v5, v10
            v13 = bitcast.i32 v8
            v14 = iadd.i32 v11, v12
            v15 = iadd.i32 v14, v13
            return v15
        """, """
            v3 = fconst.f64 0.1
            v4 = fconst.f64 0.2
            v5 = fconst.f64 0.30000000000000004
            v6 = fconst.f32 -0
            v7 = fconst.f32 0
            v8 = fconst.f32 -0
            v9 = fconst.f64 2.5
            v10 = fconst.f64 2
            v11 = iconst.i32 2
            v12 = iconst.i32 1
            v13 = iconst.i32 -2147483648
            v14 = iconst.i32 3
            v15 = iconst.i32 -2147483645
            return v15
        """);

    [Fact]
    public void TrappingConversionsOfNaNOrOutOfRangeStay() => Check("""
            v3 = fconst.f32 nan
            v4 = fcvt_to_sint.i32 v3
            v5 = fconst.f64 4294967296
            v6 = fcvt_to_uint.i32 v5
            v7 = fcvt_to_uint_sat.i32 v5
            v8 = fcvt_to_sint_sat.i32 v3
            v9 = iadd.i32 v4, v6
            v10 = iadd.i32 v7, v8
            v11 = iadd.i32 v9, v10
            return v11
        """, """
            v3 = fconst.f32 nan
            v4 = fcvt_to_sint.i32 v3
            v5 = fconst.f64 4294967296
            v6 = fcvt_to_uint.i32 v5
            v7 = iconst.i32 -1
            v8 = iconst.i32 0
            v9 = iadd.i32 v4, v6
            v13 = iconst.i32 -1
            v11 = iadd.i32 v9, v13
            return v11
        """);

    [Fact]
    public void Identities() => Check("""
            v3 = iconst.i32 0
            v4 = iadd.i32 v1, v3
            v5 = iconst.i32 1
            v6 = imul.i32 v4, v5
            v7 = bxor.i32 v6, v6
            v8 = bor.i32 v6, v7
            v9 = band.i32 v8, v8
            v10 = iconst.i32 32
            v11 = ishl.i32 v9, v10
            v12 = isub.i32 v11, v11
            v13 = select.i32 v1, v11, v11
            v14 = iadd.i32 v13, v12
            return v14
        """, """
            v3 = iconst.i32 0
            v5 = iconst.i32 1
            v7 = iconst.i32 0
            v10 = iconst.i32 32
            v12 = iconst.i32 0
            return v1
        """);

    [Fact]
    public void CheaperForms() => Check("""
            v3 = iconst.i32 8
            v4 = imul.i32 v1, v3
            v5 = iconst.i32 -1
            v6 = imul.i32 v4, v5
            v7 = udiv.i32 v6, v3
            v8 = urem.i32 v7, v3
            v9 = bxor.i32 v8, v5
            v10 = iconst.i32 1
            v11 = sdiv.i32 v9, v10
            v12 = srem.i32 v11, v5
            v13 = iadd.i32 v11, v12
            return v13
        """, """
            v3 = iconst.i32 8
            v20 = iconst.i32 3
            v4 = ishl.i32 v1, v20
            v5 = iconst.i32 -1
            v6 = ineg.i32 v4
            v21 = iconst.i32 3
            v7 = ushr.i32 v6, v21
            v22 = iconst.i32 7
            v8 = band.i32 v7, v22
            v9 = bnot.i32 v8
            v10 = iconst.i32 1
            v12 = iconst.i32 0
            return v9
        """);

    [Fact]
    public void ConstantsGoRightAndChainsReassociate() => Check("""
            v3 = iconst.i64 5
            v4 = iadd.i64 v3, v2
            v5 = iconst.i64 7
            v6 = iadd.i64 v4, v5
            v7 = isub.i64 v6, v5
            v8 = icmp.i64 slt v3, v7
            return v8
        """, """
            v3 = iconst.i64 5
            v4 = iadd.i64 v2, v3
            v5 = iconst.i64 7
            v20 = iconst.i64 12
            v6 = iadd.i64 v2, v20
            v21 = iconst.i64 -7
            v22 = iconst.i64 5
            v7 = iadd.i64 v2, v22
            v8 = icmp.i64 sgt v7, v3
            return v8
        """);

    [Fact]
    public void ComparisonsOfComparisonsAndOfThemselves() => Check("""
            v3 = icmp.i64 ult v2, v2
            v4 = fconst.f64 1
            v5 = fcvt_from_sint.f64 v1
            v6 = fcmp.f64 lt v5, v4
            v7 = iconst.i32 0
            v8 = icmp.i32 eq v6, v7
            v9 = icmp.i32 ne v8, v7
            v10 = iadd.i32 v9, v3
            return v10
        """, """
            v3 = iconst.i32 0
            v4 = fconst.f64 1
            v5 = fcvt_from_sint.f64 v1
            v6 = fcmp.f64 lt v5, v4
            v7 = iconst.i32 0
            v8 = fcmp.f64 uge v5, v4
            return v8
        """);

    [Fact]
    public void DoubleNegationsAndWrappedExtensions() => Check("""
            v3 = bnot.i32 v1
            v4 = bnot.i32 v3
            v5 = uextend v4
            v6 = ireduce v5
            v7 = fcvt_from_sint.f32 v6
            v8 = fneg.f32 v7
            v9 = fabs.f32 v8
            v10 = fneg.f32 v9
            v11 = fneg.f32 v10
            v12 = bitcast.i32 v11
            return v12
        """, """
            v3 = bnot.i32 v1
            v5 = uextend v1
            v7 = fcvt_from_sint.f32 v1
            v8 = fneg.f32 v7
            v9 = fabs.f32 v7
            v10 = fneg.f32 v9
            v12 = bitcast.i32 v9
            return v12
        """);

    [Fact]
    public void FloatArithmeticIsNotReassociatedOrSimplified() => Check("""
            v3 = fcvt_from_sint.f64 v1
            v4 = fconst.f64 0
            v5 = fadd.f64 v3, v4
            v6 = fconst.f64 1
            v7 = fmul.f64 v5, v6
            v8 = fsub.f64 v7, v7
            v9 = fcvt_to_sint_sat.i32 v8
            return v9
        """, """
            v3 = fcvt_from_sint.f64 v1
            v4 = fconst.f64 0
            v5 = fadd.f64 v3, v4
            v6 = fconst.f64 1
            v7 = fmul.f64 v5, v6
            v8 = fsub.f64 v7, v7
            v9 = fcvt_to_sint_sat.i32 v8
            return v9
        """);

    [Fact]
    public void TrapsThatCannotFireAreRemoved() => Check("""
            v3 = iconst.i32 1
            trapz v3, integer_divide_by_zero
            v4 = iconst.i32 0
            trapnz v4, integer_overflow
            trapz v4, unreachable
            v5 = iconst.i64 16
            v6 = iconst.i64 65536
            bounds_check v5+8, v6, memory_out_of_bounds
            bounds_check v5+65521, v6, memory_out_of_bounds
            return v3
        """, """
            v3 = iconst.i32 1
            v4 = iconst.i32 0
            trapz v4, unreachable
            v5 = iconst.i64 16
            v6 = iconst.i64 65536
            bounds_check v5+65521, v6, memory_out_of_bounds
            return v3
        """);
}
