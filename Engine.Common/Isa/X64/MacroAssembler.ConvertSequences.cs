using Hoist.Vm;

namespace Hoist.Isa.X64;

// Float <-> integer conversion sequences shared by both compilers (wasm's trunc, trunc_sat, convert_u).
// Invariants: physical registers chosen by the caller; the temporaries each needs are parameters (see
// TruncateTemps); constants come from the pool; the float source is always preserved; traps go through
// TrapIf/Trap and so carry the current source location. SSE2 only.
//
// The hardware truncation (cvttss2si/cvttsd2si) returns the "integer indefinite" value (the minimum) for NaN
// and out-of-range inputs, so the fast path is one conversion and one compare; the rare inputs that produce
// the minimum are sorted out on a side path. Trap codes, as the spec says: a NaN is
// BadConversionToInteger, any other input whose truncation does not fit is IntegerOverflow.
public sealed partial class MacroAssembler
{
    private const double TwoPow63 = 9223372036854775808.0;

    /// <summary>Which temporaries <see cref="TruncateToInt"/> needs for a given conversion (the rest may be any register; they are not touched).</summary>
    public static (bool Gpr, bool Xmm) TruncateTemps(Width dstWidth, bool signed, bool saturating) =>
        (signed, dstWidth) switch
        {
            (true, _) => (false, saturating),
            (false, Width.W32) => (true, saturating),
            _ => (true, true),
        };

    private void Cvtt(FloatType t, Width w, Gpr dst, Xmm src)
    {
        if (t == FloatType.F64) Cvttsd2si(w, dst, src); else Cvttss2si(w, dst, src);
    }

    /// <summary>
    /// wasm <c>iNN.trunc_fMM_s/u</c> (<paramref name="saturating"/> false: traps) and <c>iNN.trunc_sat_fMM_s/u</c>
    /// (true: NaN → 0, out of range → the nearest bound): <c>dst = truncate(src)</c>, <paramref name="dstWidth"/>
    /// 32 or 64 bits (a 32-bit result is zero-extended to 64).
    /// </summary>
    /// <remarks>
    /// <para>Inputs: <paramref name="src"/> (preserved). Output: <paramref name="dst"/>. Temporaries, needed per
    /// <see cref="TruncateTemps"/>: <paramref name="tmp"/> (a GPR ≠ dst) for unsigned conversions,
    /// <paramref name="xtmp"/> (an XMM ≠ src) for saturating signed ones and every unsigned 64-bit one.
    /// Clobbers the flags.</para>
    /// <para>Traps (trapping forms only): <see cref="TrapCode.BadConversionToInteger"/> for NaN,
    /// <see cref="TrapCode.IntegerOverflow"/> for anything else out of range, e.g. for i32.trunc_f64_s exactly
    /// the inputs outside (-2^31 - 1, 2^31).</para>
    /// </remarks>
    public void TruncateToInt(FloatType t, Width dstWidth, bool signed, bool saturating, Gpr dst, Xmm src, Gpr tmp, Xmm xtmp)
    {
        if (dstWidth is not (Width.W32 or Width.W64)) throw new ArgumentException("a truncation yields 32 or 64 bits", nameof(dstWidth));
        (bool needGpr, bool needXmm) = TruncateTemps(dstWidth, signed, saturating);
        if (needGpr && tmp == dst) throw new ArgumentException("truncation: tmp must differ from dst", nameof(tmp));
        if (needXmm && xtmp == src) throw new ArgumentException("truncation: xtmp must differ from src", nameof(xtmp));
        Label done = NewLabel();
        if (signed) TruncateSigned(t, dstWidth, saturating, dst, src, xtmp, done);
        else if (dstWidth == Width.W32) TruncateU32(t, saturating, dst, src, tmp, xtmp, done);
        else TruncateU64(t, saturating, dst, src, tmp, xtmp, done);
        Bind(done);
    }

    private void TruncateSigned(FloatType t, Width w, bool saturating, Gpr dst, Xmm src, Xmm xtmp, Label done)
    {
        bool to64 = w == Width.W64;
        Cvtt(t, w, dst, src);
        Cmp(w, dst, 1);                       // overflows exactly when dst is the minimum
        Jcc(Cond.NoOverflow, done, JumpDistance.Near);
        if (saturating)
        {
            // NaN → 0; negative → the minimum (already in dst); positive → the maximum.
            Label nan = NewLabel();
            Ucomis(t, src, src);
            Jcc(Cond.Parity, nan, JumpDistance.Short);
            Xorps(xtmp, xtmp);
            Ucomis(t, src, xtmp);
            Jcc(Cond.BelowOrEqual, done, JumpDistance.Short);
            MovImm(w, dst, to64 ? long.MaxValue : int.MaxValue);
            Jmp(done, JumpDistance.Short);
            Bind(nan);
            Xor(Width.W32, dst, dst);
            return;
        }
        Ucomis(t, src, src);
        TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
        if (t == FloatType.F64 && !to64)
        {
            // Everything in (-2^31 - 1, -2^31] truncates to the minimum.
            Ucomis(t, src, ConstF64(-2147483649.0));
            TrapIf(Cond.BelowOrEqual, TrapCode.IntegerOverflow);
            Ucomis(t, src, ConstF64(-2147483648.0));
            TrapIf(Cond.Above, TrapCode.IntegerOverflow);
        }
        else
        {
            // Only the minimum itself (exactly representable, and no float lies strictly between it and
            // the next integer up at this precision) truncates to the minimum.
            Ucomis(t, src, ConstFloat(t, to64 ? -TwoPow63 : -2147483648.0));
            TrapIf(Cond.NotEqual, TrapCode.IntegerOverflow);
        }
    }

    // u32 through the 64-bit signed conversion: valid results are exactly those below 2^32 (-1 < x < 0
    // truncates to 0, NaN and huge inputs to the 64-bit minimum, which has high bits).
    private void TruncateU32(FloatType t, bool saturating, Gpr dst, Xmm src, Gpr tmp, Xmm xtmp, Label done)
    {
        Cvtt(t, Width.W64, dst, src);
        Mov(Width.W64, tmp, dst);
        Shr(Width.W64, tmp, 32);
        Jcc(Cond.Zero, done, JumpDistance.Near);
        if (saturating)
        {
            // NaN or negative → 0; too large → the maximum.
            Xor(Width.W32, dst, dst);
            Xorps(xtmp, xtmp);
            Ucomis(t, src, xtmp);
            Jcc(Cond.BelowOrEqual, done, JumpDistance.Short);
            MovImm(Width.W32, dst, uint.MaxValue);
        }
        else
        {
            Ucomis(t, src, src);
            TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
            Trap(TrapCode.IntegerOverflow);
        }
    }

    // u64: below 2^63 the signed conversion works; from 2^63 on, convert src - 2^63 and set the top bit.
    private void TruncateU64(FloatType t, bool saturating, Gpr dst, Xmm src, Gpr tmp, Xmm xtmp, Label done)
    {
        Label big = NewLabel();
        Ucomis(t, src, ConstFloat(t, TwoPow63));
        Jcc(Cond.AboveOrEqual, big, JumpDistance.Near);
        Cvtt(t, Width.W64, dst, src);
        Test(Width.W64, dst, dst);
        Jcc(Cond.NotSign, done, JumpDistance.Near);
        // NaN (unordered is not "above or equal") or src <= -1.
        if (saturating) Xor(Width.W32, dst, dst);
        else
        {
            Ucomis(t, src, src);
            TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
            Trap(TrapCode.IntegerOverflow);
        }
        Jmp(done, JumpDistance.Near);
        Bind(big);
        Movaps(xtmp, src);
        Sse(Pick(t, SseOp.Subss, SseOp.Subsd), xtmp, ConstFloat(t, TwoPow63));
        Cvtt(t, Width.W64, dst, xtmp);
        Test(Width.W64, dst, dst);
        if (saturating)
        {
            Label fits = NewLabel();
            Jcc(Cond.NotSign, fits, JumpDistance.Short);
            MovImm(Width.W64, dst, -1);
            Jmp(done, JumpDistance.Short);
            Bind(fits);
        }
        else TrapIf(Cond.Sign, TrapCode.IntegerOverflow);
        MovImm(Width.W64, tmp, long.MinValue);
        Xor(Width.W64, dst, tmp);
    }

    /// <summary>
    /// wasm <c>fMM.convert_iNN_s</c>: <c>dst = (float)src</c>, signed, <paramref name="srcWidth"/> 32 or 64 bits.
    /// Clears <paramref name="dst"/> first (cvtsi2ss/sd write only the low lane; this breaks the dependency on its
    /// old value). <paramref name="src"/> is preserved. No temporaries, flags untouched, SSE2 only.
    /// </summary>
    public void ConvertSignedToFloat(FloatType t, Width srcWidth, Xmm dst, Gpr src)
    {
        Xorps(dst, dst);
        if (t == FloatType.F64) Cvtsi2sd(srcWidth, dst, src); else Cvtsi2ss(srcWidth, dst, src);
    }

    /// <summary>
    /// wasm <c>fMM.convert_iNN_u</c>: <c>dst = (float)src</c> with <paramref name="src"/> read as unsigned,
    /// <paramref name="srcWidth"/> 32 or 64 bits, correctly rounded (to nearest even).
    /// </summary>
    /// <remarks>
    /// 32 bits: the upper half of <paramref name="src"/> need not be zero: it is zero-extended into
    /// <paramref name="tmp"/> (which may be <paramref name="src"/>) and converted as a 64-bit signed value, which
    /// is exact. 64 bits: non-negative values convert directly; with the top bit set the value is halved keeping
    /// its low bit (so the rounding stays right), converted and doubled; needs <paramref name="tmp"/> (≠ src) and
    /// <paramref name="tmp2"/> (≠ tmp; it may be <paramref name="src"/>, which is then clobbered on that path).
    /// Otherwise <paramref name="src"/> is preserved. Clobbers the flags. No trap. SSE2 only.
    /// </remarks>
    public void ConvertUnsignedToFloat(FloatType t, Width srcWidth, Xmm dst, Gpr src, Gpr tmp, Gpr tmp2)
    {
        Xorps(dst, dst);
        if (srcWidth == Width.W32)
        {
            Mov(Width.W32, tmp, src);
            if (t == FloatType.F64) Cvtsi2sd(Width.W64, dst, tmp); else Cvtsi2ss(Width.W64, dst, tmp);
            return;
        }
        if (srcWidth != Width.W64) throw new ArgumentException("a conversion reads 32 or 64 bits", nameof(srcWidth));
        if (tmp == src || tmp == tmp2) throw new ArgumentException("convert_u64: tmp must differ from src and tmp2", nameof(tmp));
        Label negative = NewLabel(), done = NewLabel();
        Test(Width.W64, src, src);
        Jcc(Cond.Sign, negative, JumpDistance.Short);
        if (t == FloatType.F64) Cvtsi2sd(Width.W64, dst, src); else Cvtsi2ss(Width.W64, dst, src);
        Jmp(done, JumpDistance.Short);
        Bind(negative);
        Mov(Width.W64, tmp, src);
        Shr(Width.W64, tmp, 1);
        if (tmp2 != src) Mov(Width.W64, tmp2, src);
        And(Width.W32, tmp2, 1);
        Or(Width.W64, tmp, tmp2);
        if (t == FloatType.F64) Cvtsi2sd(Width.W64, dst, tmp); else Cvtsi2ss(Width.W64, dst, tmp);
        Sse(Pick(t, SseOp.Addss, SseOp.Addsd), dst, dst);
        Bind(done);
    }
}
