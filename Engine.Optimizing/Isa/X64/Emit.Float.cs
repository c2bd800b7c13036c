using Hoist.Isa.X64;

namespace Hoist.Optimizing.Isa.X64;

// Float arithmetic and conversions (add/sub/mul/div, sqrt, int→float and float↔float in their AVX forms when the
// function was selected for AVX, see X64Features): the wasm semantics (min/max with NaN and ±0, copysign, rounding, trapping
// and saturating truncations, unsigned conversions) come from the shared MacroAssembler sequences; their
// temporaries are the emission scratch registers r11 and xmm15 (and, for u64 → float, an allocated temp).
public sealed partial class Emitter
{
    static FloatType FloatTypeOf(int size) => size == 4 ? FloatType.F32 : FloatType.F64;

    static SseOp ArithOp(SseBin bin, bool single) => bin switch
    {
        SseBin.Add => single ? SseOp.Addss : SseOp.Addsd,
        SseBin.Sub => single ? SseOp.Subss : SseOp.Subsd,
        SseBin.Mul => single ? SseOp.Mulss : SseOp.Mulsd,
        _ => single ? SseOp.Divss : SseOp.Divsd,
    };

    void EmitSseBinary(in MInst mi)
    {
        var bin = (SseBin)mi.Aux;
        bool s = mi.Size == 4;
        if (Lower.IsVex3(bin, _fn.Cpu))
        {
            // [dst, a, b]
            _masm.Vex(ArithOp(bin, s), X(0), X(1), X(2));
            return;
        }
        // [a, b, dst = a]
        var t = FloatTypeOf(mi.Size);
        Xmm d = X(0), b = X(1);
        switch (bin)
        {
            case SseBin.Min: _masm.FloatMin(t, d, b); break;
            case SseBin.Max: _masm.FloatMax(t, d, b); break;
            case SseBin.CopySign: _masm.FloatCopysign(t, d, b, X64Regs.ScratchXmm); break;
            default: _masm.Sse(ArithOp(bin, s), d, b); break;
        }
    }

    void EmitSseBinaryMem(in MInst mi)
    {
        // AVX: [dst, a, mem...]; SSE: [a, dst = a, mem...]
        var op = ArithOp((SseBin)mi.Aux, mi.Size == 4);
        var m = MemOf(mi);
        MarkMemory(mi);
        if (Lower.IsVex3((SseBin)mi.Aux, _fn.Cpu)) _masm.Vex(op, X(0), X(1), m);
        else _masm.Sse(op, X(1), m);
    }

    void EmitSseUnary(in MInst mi)
    {
        var t = FloatTypeOf(mi.Size);
        switch ((SseUn)mi.Aux)
        {
            case SseUn.Neg: _masm.FloatNeg(t, X(0)); break;
            case SseUn.Abs: _masm.FloatAbs(t, X(0)); break;
            case SseUn.Sqrt:
                // AVX: vsqrtsd dst, src, src has no dependency on dst's old value (sqrtsd merges into it).
                if (_fn.Cpu.Avx) _masm.Vex(mi.Size == 4 ? SseOp.Sqrtss : SseOp.Sqrtsd, X(0), X(1), X(1));
                else _masm.Sse(mi.Size == 4 ? SseOp.Sqrtss : SseOp.Sqrtsd, X(0), X(1));
                break;
            case SseUn.Ceil: _masm.FloatRound(t, RoundingMode.Ceil, X(0), X(1)); break;
            case SseUn.Floor: _masm.FloatRound(t, RoundingMode.Floor, X(0), X(1)); break;
            case SseUn.Trunc: _masm.FloatRound(t, RoundingMode.Trunc, X(0), X(1)); break;
            default: _masm.FloatRound(t, RoundingMode.Nearest, X(0), X(1)); break;
        }
    }

    void EmitConvert(in MInst mi)
    {
        // [dst, src, (temp)]
        var kind = (ConvKind)mi.Aux;
        int dstSize = mi.Size, srcSize = mi.Aux2;
        Width dw = dstSize == 4 ? Width.W32 : Width.W64;
        Width sw = srcSize == 4 ? Width.W32 : Width.W64;
        switch (kind)
        {
            case ConvKind.FloatToFloat:
                if (_fn.Cpu.Avx) _masm.Vex(srcSize == 4 ? SseOp.Cvtss2sd : SseOp.Cvtsd2ss, X(0), X(1), X(1));
                else _masm.Sse(srcSize == 4 ? SseOp.Cvtss2sd : SseOp.Cvtsd2ss, X(0), X(1));
                return;
            case ConvKind.Bitcast:
                if (A(0).Reg.Class == CodeGen.RegClass.Int) _masm.MovFromXmm(dw, G(0), X(1));
                else _masm.MovToXmm(sw, X(0), G(1));
                return;
            case ConvKind.SIntToFloat:
                // AVX: the upper lanes come from the scratch register, not dst, so no xorps is needed to break a dependency.
                if (_fn.Cpu.Avx && dstSize == 8) _masm.Vcvtsi2sd(sw, X(0), X64Regs.ScratchXmm, G(1));
                else if (_fn.Cpu.Avx) _masm.Vcvtsi2ss(sw, X(0), X64Regs.ScratchXmm, G(1));
                else _masm.ConvertSignedToFloat(FloatTypeOf(dstSize), sw, X(0), G(1));
                return;
            case ConvKind.UIntToFloat:
                _masm.ConvertUnsignedToFloat(FloatTypeOf(dstSize), sw, X(0), G(1), X64Regs.Scratch, srcSize == 8 ? G(2) : X64Regs.Scratch);
                return;
            default:
                bool signed = kind is ConvKind.FloatToSInt or ConvKind.FloatToSIntSat;
                bool saturating = kind is ConvKind.FloatToSIntSat or ConvKind.FloatToUIntSat;
                _masm.TruncateToInt(FloatTypeOf(srcSize), dw, signed, saturating, G(0), X(1), X64Regs.Scratch, X64Regs.ScratchXmm);
                return;
        }
    }
}
