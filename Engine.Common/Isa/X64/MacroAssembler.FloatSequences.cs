namespace Hoist.Isa.X64;

/// <summary>The scalar float type a sequence works on.</summary>
public enum FloatType : byte
{
    F32,
    F64,
}

/// <summary>A wasm float comparison (all false on a NaN operand except <see cref="Ne"/>, which is true).</summary>
public enum FloatCmp : byte
{
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// <summary>How each <see cref="FloatCmp"/> maps onto <c>ucomiss/ucomisd</c> flags: the one table of the parity rules.</summary>
public static class FloatCmps
{
    /// <summary>
    /// ucomis sets ZF, PF and CF all three for unordered operands and otherwise sets CF/ZF as an unsigned
    /// compare would. So "above" and "above or equal" are false for NaN: lt/le swap the operands
    /// (<c>ucomis rhs, lhs</c>) to become gt/ge. Only eq (ZF and not PF) and ne (not ZF, or PF) need a second
    /// flag, <see cref="ParityRule"/>.
    /// </summary>
    public static (bool Swap, Cond Cond) Flags(this FloatCmp cc) => cc switch
    {
        FloatCmp.Eq => (false, Cond.Equal),
        FloatCmp.Ne => (false, Cond.NotEqual),
        FloatCmp.Lt => (true, Cond.Above),
        FloatCmp.Gt => (false, Cond.Above),
        FloatCmp.Le => (true, Cond.AboveOrEqual),
        FloatCmp.Ge => (false, Cond.AboveOrEqual),
        _ => throw new ArgumentOutOfRangeException(nameof(cc), cc, null),
    };

    /// <summary>Whether the answer needs the parity flag besides <see cref="Flags"/>'s condition (eq: and not PF; ne: or PF).</summary>
    public static bool ParityRule(this FloatCmp cc) => cc is FloatCmp.Eq or FloatCmp.Ne;
}

// Float sequences shared by both compilers: min/max, copysign, abs, neg, rounding, compares to 0/1.
// Invariants of every sequence here: it works on PHYSICAL registers chosen by the caller (never picks a
// register itself), needs at most the temporaries it takes as parameters, reads its constants from the code
// buffer's pool (RIP-relative, so they cost no register), and its doc comment states what may alias what.
// "Two-address" means dst holds the left operand on entry and the result on exit. NaN results are ones wasm
// allows (a quieted input NaN or the default NaN); none of these sequences traps.
public sealed partial class MacroAssembler
{
    private static SseOp Pick(FloatType t, SseOp f32, SseOp f64) => t == FloatType.F64 ? f64 : f32;

    /// <summary><c>ucomiss/ucomisd a, b</c>.</summary>
    public void Ucomis(FloatType t, Xmm a, Xmm b) => Sse(Pick(t, SseOp.Ucomiss, SseOp.Ucomisd), a, b);

    /// <summary><c>ucomiss/ucomisd a, [b]</c>.</summary>
    public void Ucomis(FloatType t, Xmm a, Mem b) => Sse(Pick(t, SseOp.Ucomiss, SseOp.Ucomisd), a, b);

    /// <summary>A pooled scalar constant of type <paramref name="t"/> (f32 constants are rounded from the double).</summary>
    public Mem ConstFloat(FloatType t, double value) => t == FloatType.F64 ? ConstF64(value) : ConstF32((float)value);

    // The 16-byte sign-bit masks (16 bytes because andps/xorps read a whole, aligned register's worth).
    private Mem SignMask(FloatType t) => t == FloatType.F64
        ? Const128(0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL)
        : Const128(0x8000_0000_8000_0000UL, 0x8000_0000_8000_0000UL);

    private Mem MagnitudeMask(FloatType t) => t == FloatType.F64
        ? Const128(0x7FFF_FFFF_FFFF_FFFFUL, 0x7FFF_FFFF_FFFF_FFFFUL)
        : Const128(0x7FFF_FFFF_7FFF_FFFFUL, 0x7FFF_FFFF_7FFF_FFFFUL);

    /// <summary>
    /// wasm <c>fNN.min</c>, two-address: <c>dst = min(dst, rhs)</c>. A NaN operand gives a NaN; -0 is less than
    /// +0. <paramref name="rhs"/> is preserved and may be <paramref name="dst"/>. No temporaries. Clobbers the
    /// flags. SSE2 only.
    /// </summary>
    /// <remarks>minss alone is wrong twice: it returns its second operand when either is NaN, and for equal
    /// operands (which -0 and +0 are) too. So: unordered → <c>add</c> (propagates the NaN); equal → <c>or</c> of
    /// the bits (the sign of -0 wins, and equal non-zero values are the same bits); otherwise minss.</remarks>
    public void FloatMin(FloatType t, Xmm dst, Xmm rhs) => MinMax(t, dst, rhs, max: false);

    /// <summary>
    /// wasm <c>fNN.max</c>, two-address: <c>dst = max(dst, rhs)</c>. A NaN operand gives a NaN; +0 is greater than
    /// -0 (equal operands combine with <c>and</c>). Same contract as <see cref="FloatMin"/>.
    /// </summary>
    public void FloatMax(FloatType t, Xmm dst, Xmm rhs) => MinMax(t, dst, rhs, max: true);

    private void MinMax(FloatType t, Xmm dst, Xmm rhs, bool max)
    {
        Label nan = NewLabel(), normal = NewLabel(), done = NewLabel();
        Ucomis(t, dst, rhs);
        Jcc(Cond.Parity, nan, JumpDistance.Short);
        Jcc(Cond.NotEqual, normal, JumpDistance.Short);
        Sse(max ? Pick(t, SseOp.Andps, SseOp.Andpd) : Pick(t, SseOp.Orps, SseOp.Orpd), dst, rhs);
        Jmp(done, JumpDistance.Short);
        Bind(nan);
        Sse(Pick(t, SseOp.Addss, SseOp.Addsd), dst, rhs);
        Jmp(done, JumpDistance.Short);
        Bind(normal);
        Sse(max ? Pick(t, SseOp.Maxss, SseOp.Maxsd) : Pick(t, SseOp.Minss, SseOp.Minsd), dst, rhs);
        Bind(done);
    }

    /// <summary>
    /// wasm <c>fNN.copysign</c>, two-address: <c>dst = magnitude of dst with the sign of <paramref name="sign"/></c>.
    /// <paramref name="tmp"/> must differ from <paramref name="dst"/>; it may be <paramref name="sign"/> (which is
    /// then clobbered), otherwise <paramref name="sign"/> is preserved. <paramref name="sign"/> must not be
    /// <paramref name="dst"/> unless the caller accepts copysign(x, x) = x, which is what this then computes.
    /// Leaves the flags alone. SSE2 only. Pure bit operations: NaN payloads are kept.
    /// </summary>
    public void FloatCopysign(FloatType t, Xmm dst, Xmm sign, Xmm tmp)
    {
        if (tmp == dst) throw new ArgumentException("copysign: tmp must differ from dst", nameof(tmp));
        if (tmp != sign) Movaps(tmp, sign);
        Sse(Pick(t, SseOp.Andps, SseOp.Andpd), tmp, SignMask(t));
        Sse(Pick(t, SseOp.Andps, SseOp.Andpd), dst, MagnitudeMask(t));
        Sse(Pick(t, SseOp.Orps, SseOp.Orpd), dst, tmp);
    }

    /// <summary>
    /// <c>fNN.copysign</c> with a constant sign: clears (<paramref name="negative"/> false) or sets the sign bit of
    /// <paramref name="dst"/> in place. No temporaries, flags untouched, SSE2 only.
    /// </summary>
    public void FloatCopysign(FloatType t, Xmm dst, bool negative)
    {
        if (negative) Sse(Pick(t, SseOp.Orps, SseOp.Orpd), dst, SignMask(t));
        else FloatAbs(t, dst);
    }

    /// <summary>wasm <c>fNN.abs</c> in place: clears the sign bit (NaN payload kept). No temporaries, flags untouched, SSE2 only.</summary>
    public void FloatAbs(FloatType t, Xmm dst) => Sse(Pick(t, SseOp.Andps, SseOp.Andpd), dst, MagnitudeMask(t));

    /// <summary>wasm <c>fNN.neg</c> in place: flips the sign bit (NaN payload kept). No temporaries, flags untouched, SSE2 only.</summary>
    public void FloatNeg(FloatType t, Xmm dst) => Sse(Pick(t, SseOp.Xorps, SseOp.Xorpd), dst, SignMask(t));

    /// <summary>
    /// wasm <c>fNN.ceil/floor/trunc/nearest</c>: <c>dst = round(src)</c> (<see cref="RoundingMode.Nearest"/> is
    /// ties-to-even, as wasm's nearest). <paramref name="src"/> may be <paramref name="dst"/>. No temporaries, flags
    /// untouched, no trap (a NaN gives a quiet NaN). Needs SSE4.1 (<c>roundss/roundsd</c>); there is no fallback:
    /// both compilers require x86-64-v2 and check it before compiling.
    /// </summary>
    public void FloatRound(FloatType t, RoundingMode mode, Xmm dst, Xmm src)
    {
        if (t == FloatType.F64) Roundsd(dst, src, mode); else Roundss(dst, src, mode);
    }

    /// <summary>As <see cref="FloatRound(FloatType, RoundingMode, Xmm, Xmm)"/> with the operand in memory.</summary>
    public void FloatRound(FloatType t, RoundingMode mode, Xmm dst, Mem src)
    {
        if (t == FloatType.F64) Roundsd(dst, src, mode); else Roundss(dst, src, mode);
    }

    /// <summary>
    /// wasm <c>fNN.eq/ne/lt/gt/le/ge</c> producing 0 or 1 in <paramref name="dst"/> (all 64 bits written).
    /// <paramref name="lhs"/> and <paramref name="rhs"/> are preserved and may be the same register.
    /// <paramref name="tmp"/> is used only for eq and ne (pass any register otherwise) and must differ from
    /// <paramref name="dst"/>. Clobbers the flags. SSE2 only.
    /// </summary>
    public void FloatCompare(FloatType t, FloatCmp cc, Gpr dst, Xmm lhs, Xmm rhs, Gpr tmp)
    {
        (bool swap, Cond cond) = cc.Flags();
        if (swap) Ucomis(t, rhs, lhs); else Ucomis(t, lhs, rhs);
        SetFloatCond(cc, dst, tmp);
    }

    /// <summary>
    /// As <see cref="FloatCompare(FloatType, FloatCmp, Gpr, Xmm, Xmm, Gpr)"/> with the right operand in memory;
    /// only for the comparisons that do not swap their operands (eq, ne, gt, ge): lt/le throw.
    /// </summary>
    public void FloatCompare(FloatType t, FloatCmp cc, Gpr dst, Xmm lhs, Mem rhs, Gpr tmp)
    {
        if (cc.Flags().Swap) throw new ArgumentException($"{cc} swaps its operands: the right one must be in a register", nameof(cc));
        Ucomis(t, lhs, rhs);
        SetFloatCond(cc, dst, tmp);
    }

    /// <summary>
    /// After the <c>ucomis</c> that <see cref="FloatCmps.Flags"/> prescribes for <paramref name="cc"/>: 0 or 1 into
    /// <paramref name="dst"/> (zero-extended to 64 bits). <paramref name="tmp"/> (≠ dst) only for eq and ne.
    /// Clobbers the flags for eq and ne (the and/or that combines the parity flag).
    /// </summary>
    public void SetFloatCond(FloatCmp cc, Gpr dst, Gpr tmp)
    {
        (_, Cond cond) = cc.Flags();
        Setcc(cond, dst);
        if (cc.ParityRule())
        {
            if (tmp == dst) throw new ArgumentException("float eq/ne: tmp must differ from dst", nameof(tmp));
            bool eq = cc == FloatCmp.Eq;
            Setcc(eq ? Cond.NotParity : Cond.Parity, tmp);
            if (eq) And(Width.W8, dst, tmp); else Or(Width.W8, dst, tmp);
        }
        Movzx(Width.W32, dst, Width.W8, dst);
    }

    /// <summary>
    /// A branch to <paramref name="target"/> taken when <paramref name="cc"/> holds, after the <c>ucomis</c> that
    /// <see cref="FloatCmps.Flags"/> prescribes (eq: a parity check jumps over; ne: two branches). No registers.
    /// </summary>
    public void JccFloat(FloatCmp cc, Label target)
    {
        switch (cc)
        {
            case FloatCmp.Eq:
                Label skip = NewLabel();
                Jcc(Cond.Parity, skip, JumpDistance.Short);
                Jcc(Cond.Equal, target);
                Bind(skip);
                break;
            case FloatCmp.Ne:
                Jcc(Cond.Parity, target);
                Jcc(Cond.NotEqual, target);
                break;
            default:
                Jcc(cc.Flags().Cond, target);
                break;
        }
    }
}
