using Hoist.Runtime;

namespace Hoist.Tests.Baseline;

/// <summary>The float cases where x86 and wasm disagree unless the compiler takes care: signed zeros, NaN, rounding, unsigned conversions.</summary>
public class FloatTests
{
    const string Module = """
        (module
          (func (export "min32") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
          (func (export "max32") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
          (func (export "min64") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
          (func (export "max64") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
          (func (export "nearest32") (param f32) (result f32) (f32.nearest (local.get 0)))
          (func (export "nearest64") (param f64) (result f64) (f64.nearest (local.get 0)))
          (func (export "trunc64") (param f64) (result f64) (f64.trunc (local.get 0)))
          (func (export "copysign64") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
          (func (export "copysign32_const") (param f32) (result f32) (f32.copysign (local.get 0) (f32.const -0)))
          (func (export "neg32") (param f32) (result f32) (f32.neg (local.get 0)))
          (func (export "abs64") (param f64) (result f64) (f64.abs (local.get 0)))
          (func (export "eq64") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))
          (func (export "ne64") (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
          (func (export "lt32") (param f32 f32) (result i32) (f32.lt (local.get 0) (local.get 1)))
          (func (export "ge32") (param f32 f32) (result i32) (f32.ge (local.get 0) (local.get 1)))
          (func (export "lt_branch") (param f64 f64) (result i32) (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
          (func (export "sat_s32") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
          (func (export "sat_u32") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))
          (func (export "sat_s64") (param f32) (result i64) (i64.trunc_sat_f32_s (local.get 0)))
          (func (export "sat_u64") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
          (func (export "u64_to_f32") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
          (func (export "u64_to_f64") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
          (func (export "u32_to_f32") (param i32) (result f32) (f32.convert_i32_u (local.get 0)))
          (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
          (func (export "reinterpret") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
        )
        """;

    static uint Bits(float f) => BitConverter.SingleToUInt32Bits(f);
    static ulong Bits(double d) => BitConverter.DoubleToUInt64Bits(d);

    [Fact]
    public void MinAndMaxOrderSignedZerosAndPropagateNaN()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(Bits(-0f), run.Call1("min32", 0f, -0f).AsF32Bits());
        Assert.Equal(Bits(-0f), run.Call1("min32", -0f, 0f).AsF32Bits());
        Assert.Equal(Bits(0f), run.Call1("max32", -0f, 0f).AsF32Bits());
        Assert.Equal(Bits(0f), run.Call1("max32", 0f, -0f).AsF32Bits());
        Assert.Equal(Bits(-0.0), run.Call1("min64", 0.0, -0.0).AsF64Bits());
        Assert.Equal(Bits(0.0), run.Call1("max64", -0.0, 0.0).AsF64Bits());
        Assert.Equal(-1.0, run.Call1("min64", 3.0, -1.0).AsF64());
        Assert.Equal(3.0, run.Call1("max64", 3.0, -1.0).AsF64());
        Assert.True(double.IsNaN(run.Call1("min64", 1.0, double.NaN).AsF64()));
        Assert.True(double.IsNaN(run.Call1("max64", double.NaN, 1.0).AsF64()));
        Assert.True(float.IsNaN(run.Call1("max32", float.NaN, float.PositiveInfinity).AsF32()));
        // A NaN operand's payload comes through quieted (an arithmetic NaN).
        uint quiet = run.Call1("min32", Value.F32Bits(0x7FA0_0001), 1f).AsF32Bits();
        Assert.Equal(0x7FC0_0000u, quiet & 0x7FC0_0000u);
    }

    [Fact]
    public void RoundingAndSignBits()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(2f, run.Call1("nearest32", 2.5f).AsF32());
        Assert.Equal(4f, run.Call1("nearest32", 3.5f).AsF32());
        Assert.Equal(Bits(-0f), run.Call1("nearest32", -0.5f).AsF32Bits());
        Assert.Equal(-2.0, run.Call1("nearest64", -2.5).AsF64());
        Assert.Equal(4503599627370497.0, run.Call1("nearest64", 4503599627370497.0).AsF64());
        Assert.Equal(Bits(-0.0), run.Call1("trunc64", -0.75).AsF64Bits());
        Assert.Equal(-3.0, run.Call1("copysign64", 3.0, -0.0).AsF64());
        Assert.Equal(3.0, run.Call1("copysign64", -3.0, 1e-300).AsF64());
        Assert.Equal(0xFFC0_0000u, run.Call1("copysign32_const", Value.F32Bits(0x7FC0_0000)).AsF32Bits());
        // neg and abs only touch the sign bit, NaN payloads included.
        Assert.Equal(0xFFA0_0001u, run.Call1("neg32", Value.F32Bits(0x7FA0_0001)).AsF32Bits());
        Assert.Equal(0x7FF4_0000_0000_0001UL, run.Call1("abs64", Value.F64Bits(0xFFF4_0000_0000_0001)).AsF64Bits());
        Assert.Equal(0x7FA0_0001, run.Call1("reinterpret", Value.F32Bits(0x7FA0_0001)).AsI32());
    }

    [Fact]
    public void ComparisonsWithNaN()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(0, run.Call1("eq64", double.NaN, double.NaN).AsI32());
        Assert.Equal(1, run.Call1("eq64", 0.0, -0.0).AsI32());
        Assert.Equal(1, run.Call1("ne64", double.NaN, 1.0).AsI32());
        Assert.Equal(0, run.Call1("ne64", 2.0, 2.0).AsI32());
        Assert.Equal(0, run.Call1("lt32", float.NaN, 1f).AsI32());
        Assert.Equal(0, run.Call1("lt32", 1f, float.NaN).AsI32());
        Assert.Equal(1, run.Call1("lt32", -1f, 1f).AsI32());
        Assert.Equal(0, run.Call1("ge32", float.NaN, 1f).AsI32());
        Assert.Equal(1, run.Call1("ge32", 1f, 1f).AsI32());
        Assert.Equal(0, run.Call1("lt_branch", double.NaN, 0.0).AsI32());
        Assert.Equal(1, run.Call1("lt_branch", -0.5, 0.0).AsI32());
    }

    [Fact]
    public void SaturatingTruncations()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(int.MaxValue, run.Call1("sat_s32", 1e10).AsI32());
        Assert.Equal(int.MinValue, run.Call1("sat_s32", -1e10).AsI32());
        Assert.Equal(0, run.Call1("sat_s32", double.NaN).AsI32());
        Assert.Equal(-5, run.Call1("sat_s32", -5.9).AsI32());
        Assert.Equal(-1, run.Call1("sat_u32", 5e9f).AsI32());
        Assert.Equal(0, run.Call1("sat_u32", -5f).AsI32());
        Assert.Equal(0, run.Call1("sat_u32", float.NaN).AsI32());
        Assert.Equal(unchecked((int)4294967040u), run.Call1("sat_u32", 4294967040f).AsI32());
        Assert.Equal(long.MaxValue, run.Call1("sat_s64", float.PositiveInfinity).AsI64());
        Assert.Equal(long.MinValue, run.Call1("sat_s64", -9.3e18f).AsI64());
        Assert.Equal(0L, run.Call1("sat_s64", float.NaN).AsI64());
        Assert.Equal(-1L, run.Call1("sat_u64", 1e20).AsI64());
        Assert.Equal(0L, run.Call1("sat_u64", -1e20).AsI64());
        Assert.Equal(0L, run.Call1("sat_u64", double.NaN).AsI64());
        Assert.Equal(unchecked((long)9223372036854775808UL), run.Call1("sat_u64", 9223372036854775808.0).AsI64());
        Assert.Equal(unchecked((long)18446744073709549568UL), run.Call1("sat_u64", 18446744073709549568.0).AsI64());
    }

    [Fact]
    public void UnsignedConversionsRoundCorrectly()
    {
        using var run = new WasmRun(Module);
        Assert.Equal(18446744073709551616f, run.Call1("u64_to_f32", -1L).AsF32());
        Assert.Equal(9223372036854775808f, run.Call1("u64_to_f32", long.MinValue).AsF32());
        // 2^63 + 2^39 + 1 rounds up only thanks to the sticky bit kept when halving.
        Assert.Equal(9223373136366403584f, run.Call1("u64_to_f32", unchecked((long)0x8000008000000001UL)).AsF32());
        Assert.Equal(9223372036854775808f, run.Call1("u64_to_f32", unchecked((long)0x8000008000000000UL)).AsF32());
        Assert.Equal(18446744073709551616.0, run.Call1("u64_to_f64", -1L).AsF64());
        Assert.Equal(9223372036854779904.0, run.Call1("u64_to_f64", unchecked((long)0x8000000000000C01UL)).AsF64());
        Assert.Equal(4294967296f, run.Call1("u32_to_f32", -1).AsF32());
        Assert.Equal(16777216f, run.Call1("u32_to_f32", 16777217).AsF32());
        Assert.Equal(float.PositiveInfinity, run.Call1("demote", 1e300).AsF32());
        Assert.True(float.IsNaN(run.Call1("demote", double.NaN).AsF32()));
    }
}
