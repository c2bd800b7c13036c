using Hoist.Isa.X64;
using Hoist.Optimizing.Ir;
using Hoist.Vm;
using static Hoist.Tests.Isa.NativeSequence;
using static Hoist.Tests.Isa.SequenceInputs;

namespace Hoist.Tests.Isa;

/// <summary>
/// The shared float→int truncations (trapping and saturating) and int→float conversions, run natively on edge
/// values: results against <see cref="Eval"/> (and an integer-only rounding oracle for int→float), trap codes
/// against the spec's rule (NaN: invalid conversion; any other unrepresentable input: overflow).
/// </summary>
public class ConvertSequenceTests
{
    public static TheoryData<FloatType, Width, bool, bool> Truncations()
    {
        var data = new TheoryData<FloatType, Width, bool, bool>();
        foreach (FloatType t in new[] { FloatType.F32, FloatType.F64 })
        foreach (Width w in new[] { Width.W32, Width.W64 })
        foreach (bool signed in new[] { true, false })
        foreach (bool saturating in new[] { false, true })
            data.Add(t, w, signed, saturating);
        return data;
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void TruncationMatchesTheSpec(FloatType t, Width w, bool signed, bool saturating)
    {
        Op op = (signed, saturating) switch
        {
            (true, false) => Op.FcvtToSint,
            (false, false) => Op.FcvtToUint,
            (true, true) => Op.FcvtToSintSat,
            _ => Op.FcvtToUintSat,
        };
        (Gpr Dst, Xmm Src, Gpr Tmp, Xmm XTmp)[] placements = [(Gpr.R8, Xmm.Xmm10, Gpr.Rcx, Xmm.Xmm3), (Gpr.Rax, Xmm.Xmm0, Gpr.R11, Xmm.Xmm15)];
        foreach ((Gpr dst, Xmm src, Gpr tmp, Xmm xtmp) in placements)
        {
            using var f = new NativeSequence(a =>
            {
                a.Movsd(src, In0); // both widths: an f32 in the low half; the upper half is ignored
                a.MovImm(Width.W64, dst, unchecked((long)0xDEAD_BEEF_DEAD_BEEF));
                a.TruncateToInt(t, w, signed, saturating, dst, src, tmp, xtmp);
                a.Mov(Width.W64, Out0, dst);
                a.Movsd(Out1, src);
            });
            foreach (ulong x in Floats(t))
            {
                string what = $"{op} {t}->{w} ({x:x}) in {dst},{src}";
                bool ok = Reference(op, Ir(w), 0, [x], [Ir(t)], out ulong expected);
                (ulong r, ulong srcAfter, TrapCode? trap) = f.Run(x);
                if (!ok)
                {
                    Assert.False(saturating, $"{what}: the reference traps for a saturating conversion");
                    TrapCode code = IsNaN(t, x) ? TrapCode.BadConversionToInteger : TrapCode.IntegerOverflow;
                    Assert.True(trap == code, $"{what}: expected trap {code}, got {(trap is null ? $"0x{r:x}" : trap)}");
                    continue;
                }
                Assert.True(trap is null, $"{what}: trapped with {trap}, expected 0x{expected:x}");
                Assert.True(expected == r, $"{what}: got 0x{r:x}, expected 0x{expected:x} (32-bit results zero-extended)");
                Assert.True(Mask(t, srcAfter) == x, $"{what}: the source was not preserved");
            }
        }
    }

    [Fact]
    public void TruncationRejectsTemporariesThatAliasItsOperands()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentException>(() => a.TruncateToInt(FloatType.F64, Width.W32, false, false, Gpr.Rax, Xmm.Xmm0, Gpr.Rax, Xmm.Xmm1));
        Assert.Throws<ArgumentException>(() => a.TruncateToInt(FloatType.F64, Width.W64, false, true, Gpr.Rax, Xmm.Xmm0, Gpr.Rcx, Xmm.Xmm0));
        Assert.Throws<ArgumentException>(() => a.TruncateToInt(FloatType.F32, Width.W16, true, false, Gpr.Rax, Xmm.Xmm0, Gpr.Rcx, Xmm.Xmm1));
        // Temporaries that a form does not need are not checked: a signed trapping truncation needs none.
        a.TruncateToInt(FloatType.F32, Width.W32, true, false, Gpr.Rax, Xmm.Xmm0, Gpr.Rax, Xmm.Xmm0);
    }

    public static TheoryData<FloatType, Width, bool> Conversions()
    {
        var data = new TheoryData<FloatType, Width, bool>();
        foreach (FloatType t in new[] { FloatType.F32, FloatType.F64 })
        foreach (Width w in new[] { Width.W32, Width.W64 })
        foreach (bool signed in new[] { true, false })
            data.Add(t, w, signed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void IntToFloatIsCorrectlyRounded(FloatType t, Width w, bool signed)
    {
        // (src, tmp, tmp2): tmp2 distinct from src, then tmp2 = src (allowed: src is then clobbered).
        (Gpr Src, Gpr Tmp, Gpr Tmp2)[] placements = [(Gpr.Rsi, Gpr.R9, Gpr.Rdx), (Gpr.R10, Gpr.Rax, Gpr.R10)];
        foreach ((Gpr src, Gpr tmp, Gpr tmp2) in placements)
        {
            using var f = new NativeSequence(a =>
            {
                a.Mov(Width.W64, src, In0); // 32-bit inputs keep their garbage upper halves
                a.Movsd(Xmm.Xmm7, In1);     // garbage that the conversion must not depend on
                if (signed) a.ConvertSignedToFloat(t, w, Xmm.Xmm7, src);
                else a.ConvertUnsignedToFloat(t, w, Xmm.Xmm7, src, tmp, tmp2);
                a.Movsd(Out0, Xmm.Xmm7);
                a.Mov(Width.W64, Out1, src);
            });
            foreach (ulong x in Ints(w))
            {
                ulong value = Mask(w, x);
                bool negative = signed && (w == Width.W64 ? (long)value < 0 : (int)(uint)value < 0);
                ulong magnitude = !negative ? value : w == Width.W64 ? 0 - value : (ulong)-(long)(int)(uint)value;
                double rounded = RoundToPrecision(magnitude, t == FloatType.F64 ? 53 : 24);
                if (negative) rounded = -rounded;
                ulong expected = t == FloatType.F64 ? BitConverter.DoubleToUInt64Bits(rounded) : BitConverter.SingleToUInt32Bits((float)rounded);
                (ulong r, ulong srcAfter, _) = f.Run(x, 0xFFFF_FFFF_FFFF_FFFF);
                Assert.True(expected == r, $"convert {(signed ? "s" : "u")} {w}->{t} ({x:x}) = 0x{r:x}, expected 0x{expected:x} (upper lane zero)");
                if (tmp2 != src) Assert.Equal(x, srcAfter);
            }
        }
    }
}
