using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

// Float arithmetic and conversions with wasm's semantics: min/max with NaN and ±0, copysign by masks,
// trapping and saturating truncations (cvtt* yields the "integer indefinite" MIN on overflow and NaN, which
// sends the value down a slow path that sorts out the cases), unsigned conversions both ways.
public sealed partial class Emitter
{
    Mem SignMask(bool single) => single ? _masm.Const128(0x8000_0000, 0) : _masm.Const128(0x8000_0000_0000_0000, 0);
    Mem AbsMask(bool single) => single ? _masm.Const128(0x7FFF_FFFF, 0) : _masm.Const128(0x7FFF_FFFF_FFFF_FFFF, 0);
    Mem FConst(bool single, double value) => single ? _masm.ConstF32((float)value) : _masm.ConstF64(value);

    void EmitSseBinary(in MInst mi)
    {
        // [a, b, dst = a]
        bool s = mi.Size == 4;
        Xmm d = X(0), b = X(1);
        switch ((SseBin)mi.Aux)
        {
            case SseBin.Add: _masm.Sse(s ? SseOp.Addss : SseOp.Addsd, d, b); break;
            case SseBin.Sub: _masm.Sse(s ? SseOp.Subss : SseOp.Subsd, d, b); break;
            case SseBin.Mul: _masm.Sse(s ? SseOp.Mulss : SseOp.Mulsd, d, b); break;
            case SseBin.Div: _masm.Sse(s ? SseOp.Divss : SseOp.Divsd, d, b); break;
            case SseBin.Min:
            case SseBin.Max:
            {
                bool min = (SseBin)mi.Aux == SseBin.Min;
                var nan = _masm.NewLabel();
                var normal = _masm.NewLabel();
                var done = _masm.NewLabel();
                _masm.Sse(s ? SseOp.Ucomiss : SseOp.Ucomisd, d, b);
                _masm.Jcc(Cond.Parity, nan);
                _masm.Jcc(Cond.NotEqual, normal);
                // Equal: only ±0 differ; min ORs the sign bits (-0 wins), max ANDs them (+0 wins).
                _masm.Sse(min ? SseOp.Orps : SseOp.Andps, d, b);
                _masm.Jmp(done);
                _masm.Bind(nan);
                _masm.Sse(s ? SseOp.Addss : SseOp.Addsd, d, b); // a quiet NaN
                _masm.Jmp(done);
                _masm.Bind(normal);
                _masm.Sse(min ? (s ? SseOp.Minss : SseOp.Minsd) : (s ? SseOp.Maxss : SseOp.Maxsd), d, b);
                _masm.Bind(done);
                break;
            }
            default:
                // copysign: (a & ~sign) | (b & sign); b may share d's register, so read it first.
                _masm.Movaps(X64Regs.ScratchXmm, b);
                _masm.Sse(SseOp.Andps, X64Regs.ScratchXmm, SignMask(s));
                _masm.Sse(SseOp.Andps, d, AbsMask(s));
                _masm.Sse(SseOp.Orps, d, X64Regs.ScratchXmm);
                break;
        }
    }

    void EmitSseUnary(in MInst mi)
    {
        bool s = mi.Size == 4;
        switch ((SseUn)mi.Aux)
        {
            case SseUn.Neg: _masm.Sse(SseOp.Xorps, X(0), SignMask(s)); break;
            case SseUn.Abs: _masm.Sse(SseOp.Andps, X(0), AbsMask(s)); break;
            case SseUn.Sqrt: _masm.Sse(s ? SseOp.Sqrtss : SseOp.Sqrtsd, X(0), X(1)); break;
            default:
            {
                var mode = (SseUn)mi.Aux switch
                {
                    SseUn.Ceil => RoundingMode.Ceil,
                    SseUn.Floor => RoundingMode.Floor,
                    SseUn.Trunc => RoundingMode.Trunc,
                    _ => RoundingMode.Nearest,
                };
                if (s) _masm.Roundss(X(0), X(1), mode); else _masm.Roundsd(X(0), X(1), mode);
                break;
            }
        }
    }

    void Cvtt(Width w, Gpr dst, Xmm src, bool single)
    {
        if (single) _masm.Cvttss2si(w, dst, src); else _masm.Cvttsd2si(w, dst, src);
    }

    void Ucomi(Xmm a, Mem b, bool single) => _masm.Sse(single ? SseOp.Ucomiss : SseOp.Ucomisd, a, b);

    void EmitConvert(in MInst mi)
    {
        var kind = (ConvKind)mi.Aux;
        int dstSize = mi.Size, srcSize = mi.Aux2;
        Width dw = dstSize == 4 ? Width.W32 : Width.W64;
        switch (kind)
        {
            case ConvKind.FloatToFloat:
                _masm.Sse(srcSize == 4 ? SseOp.Cvtss2sd : SseOp.Cvtsd2ss, X(0), X(1));
                return;
            case ConvKind.Bitcast:
                if (A(0).Reg.Class == Optimizing.CodeGen.RegClass.Int) _masm.MovFromXmm(dw, G(0), X(1));
                else _masm.MovToXmm(srcSize == 4 ? Width.W32 : Width.W64, X(0), G(1));
                return;
            case ConvKind.SIntToFloat:
                _masm.Xorps(X(0), X(0));
                if (dstSize == 4) _masm.Cvtsi2ss(srcSize == 4 ? Width.W32 : Width.W64, X(0), G(1));
                else _masm.Cvtsi2sd(srcSize == 4 ? Width.W32 : Width.W64, X(0), G(1));
                return;
            case ConvKind.UIntToFloat: EmitUIntToFloat(dstSize == 4, srcSize); return;
            case ConvKind.FloatToSInt: EmitFloatToSInt(dw, srcSize == 4, saturate: false); return;
            case ConvKind.FloatToSIntSat: EmitFloatToSInt(dw, srcSize == 4, saturate: true); return;
            case ConvKind.FloatToUInt: EmitFloatToUInt(dw, srcSize == 4, saturate: false); return;
            default: EmitFloatToUInt(dw, srcSize == 4, saturate: true); return;
        }
    }

    void CvtSi(bool single, Xmm dst, Gpr src)
    {
        if (single) _masm.Cvtsi2ss(Width.W64, dst, src); else _masm.Cvtsi2sd(Width.W64, dst, src);
    }

    void EmitUIntToFloat(bool single, int srcSize)
    {
        // [dst, src, (temp for a 64-bit source)]
        Xmm d = X(0);
        Gpr src = G(1);
        _masm.Xorps(d, d);
        if (srcSize == 4)
        {
            CvtSi(single, d, src); // zero-extended: exact as a signed 64-bit value
            return;
        }
        var big = _masm.NewLabel();
        var done = _masm.NewLabel();
        _masm.Test(Width.W64, src, src);
        _masm.Jcc(Cond.Sign, big);
        CvtSi(single, d, src);
        _masm.Jmp(done);
        _masm.Bind(big);
        // Halve with the lost bit kept sticky (so rounding stays correct), convert, double.
        var t = G(2);
        _masm.Mov(Width.W64, X64Regs.Scratch, src);
        _masm.Shr(Width.W64, X64Regs.Scratch, 1);
        _masm.Mov(Width.W32, t, src);
        _masm.And(Width.W32, t, 1);
        _masm.Or(Width.W64, X64Regs.Scratch, t);
        CvtSi(single, d, X64Regs.Scratch);
        _masm.Sse(single ? SseOp.Addss : SseOp.Addsd, d, d);
        _masm.Bind(done);
    }

    void EmitFloatToSInt(Width dw, bool single, bool saturate)
    {
        Gpr dst = G(0);
        Xmm src = X(1);
        var done = _masm.NewLabel();
        Cvtt(dw, dst, src, single);
        _masm.Cmp(dw, dst, 1);          // overflows exactly when dst is the minimum ("integer indefinite")
        _masm.Jcc(Cond.NoOverflow, done);
        _masm.Sse(single ? SseOp.Ucomiss : SseOp.Ucomisd, src, src);
        if (saturate)
        {
            var nan = _masm.NewLabel();
            _masm.Jcc(Cond.Parity, nan);
            Ucomi(src, FConst(single, 0.0), single);
            _masm.Jcc(Cond.Below, done); // negative: the minimum is the answer
            _masm.MovImm(dw, dst, dw == Width.W32 ? int.MaxValue : long.MaxValue);
            _masm.Jmp(done);
            _masm.Bind(nan);
            _masm.Xor(Width.W32, dst, dst);
            _masm.Bind(done);
            return;
        }
        _masm.TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
        // Not NaN: valid only if the value truncates to the minimum itself.
        if (dw == Width.W32 && !single)
        {
            Ucomi(src, FConst(false, -2147483649.0), false);
            _masm.TrapIf(Cond.BelowOrEqual, TrapCode.IntegerOverflow);
        }
        else
        {
            Ucomi(src, FConst(single, dw == Width.W32 ? -2147483648.0 : -9223372036854775808.0), single);
            _masm.TrapIf(Cond.Below, TrapCode.IntegerOverflow);
        }
        Ucomi(src, FConst(single, 0.0), single);
        _masm.TrapIf(Cond.AboveOrEqual, TrapCode.IntegerOverflow);
        _masm.Bind(done);
    }

    void EmitFloatToUInt(Width dw, bool single, bool saturate)
    {
        Gpr dst = G(0);
        Xmm src = X(1);
        var done = _masm.NewLabel();
        const double Two32 = 4294967296.0, Two64 = 18446744073709551616.0;
        if (saturate)
        {
            var zero = _masm.NewLabel();
            var max = _masm.NewLabel();
            Ucomi(src, FConst(single, 0.0), single);
            _masm.Jcc(Cond.BelowOrEqual, zero); // ≤ 0 or NaN
            Ucomi(src, FConst(single, dw == Width.W32 ? Two32 : Two64), single);
            _masm.Jcc(Cond.AboveOrEqual, max);
            if (dw == Width.W32)
            {
                Cvtt(Width.W64, dst, src, single);
                _masm.Mov(Width.W32, dst, dst);
            }
            else EmitBigUnsigned(dst, src, single, done, trap: false);
            _masm.Jmp(done);
            _masm.Bind(zero);
            _masm.Xor(Width.W32, dst, dst);
            _masm.Jmp(done);
            _masm.Bind(max);
            _masm.MovImm(dw == Width.W32 ? Width.W32 : Width.W64, dst, dw == Width.W32 ? uint.MaxValue : -1L);
            _masm.Bind(done);
            return;
        }
        _masm.Sse(single ? SseOp.Ucomiss : SseOp.Ucomisd, src, src);
        _masm.TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
        Ucomi(src, FConst(single, -1.0), single);
        _masm.TrapIf(Cond.BelowOrEqual, TrapCode.IntegerOverflow);
        if (dw == Width.W32)
        {
            Ucomi(src, FConst(single, Two32), single);
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.IntegerOverflow);
            Cvtt(Width.W64, dst, src, single);
            _masm.Mov(Width.W32, dst, dst);
            _masm.Bind(done);
            return;
        }
        EmitBigUnsigned(dst, src, single, done, trap: true);
        _masm.Bind(done);
    }

    /// <summary>src in [0, 2^64) (or ≥ 2^64 when trapping) → u64: cvtt directly below 2^63, else of src - 2^63 with the top bit set back.</summary>
    void EmitBigUnsigned(Gpr dst, Xmm src, bool single, Label done, bool trap)
    {
        const double Two63 = 9223372036854775808.0;
        var big = _masm.NewLabel();
        Ucomi(src, FConst(single, Two63), single);
        _masm.Jcc(Cond.AboveOrEqual, big);
        Cvtt(Width.W64, dst, src, single);
        _masm.Jmp(done);
        _masm.Bind(big);
        _masm.Movaps(X64Regs.ScratchXmm, src);
        _masm.Sse(single ? SseOp.Subss : SseOp.Subsd, X64Regs.ScratchXmm, FConst(single, Two63));
        if (trap)
        {
            Ucomi(X64Regs.ScratchXmm, FConst(single, Two63), single);
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.IntegerOverflow);
        }
        Cvtt(Width.W64, dst, X64Regs.ScratchXmm, single);
        _masm.MovImm(Width.W64, X64Regs.Scratch, long.MinValue);
        _masm.Xor(Width.W64, dst, X64Regs.Scratch);
    }
}
