using Hoist.Isa.X64;

namespace Hoist.Optimizing.Isa.X64;

// Float arithmetic and conversions: the wasm semantics (min/max with NaN and ±0, copysign, rounding, trapping
// and saturating truncations, unsigned conversions) come from the shared MacroAssembler sequences; their
// temporaries are the emission scratch registers r11 and xmm15 (and, for u64 → float, an allocated temp).
public sealed partial class Emitter
{
    static FloatType FloatTypeOf(int size) => size == 4 ? FloatType.F32 : FloatType.F64;

    void EmitSseBinary(in MInst mi)
    {
        // [a, b, dst = a]
        bool s = mi.Size == 4;
        var t = FloatTypeOf(mi.Size);
        Xmm d = X(0), b = X(1);
        switch ((SseBin)mi.Aux)
        {
            case SseBin.Add: _masm.Sse(s ? SseOp.Addss : SseOp.Addsd, d, b); break;
            case SseBin.Sub: _masm.Sse(s ? SseOp.Subss : SseOp.Subsd, d, b); break;
            case SseBin.Mul: _masm.Sse(s ? SseOp.Mulss : SseOp.Mulsd, d, b); break;
            case SseBin.Div: _masm.Sse(s ? SseOp.Divss : SseOp.Divsd, d, b); break;
            case SseBin.Min: _masm.FloatMin(t, d, b); break;
            case SseBin.Max: _masm.FloatMax(t, d, b); break;
            default: _masm.FloatCopysign(t, d, b, X64Regs.ScratchXmm); break;
        }
    }

    void EmitSseBinaryMem(in MInst mi)
    {
        // [a, dst = a, mem...]
        bool s = mi.Size == 4;
        var m = MemOf(mi);
        MarkMemory(mi);
        var op = (SseBin)mi.Aux switch
        {
            SseBin.Add => s ? SseOp.Addss : SseOp.Addsd,
            SseBin.Sub => s ? SseOp.Subss : SseOp.Subsd,
            SseBin.Mul => s ? SseOp.Mulss : SseOp.Mulsd,
            _ => s ? SseOp.Divss : SseOp.Divsd,
        };
        _masm.Sse(op, X(1), m);
    }

    void EmitSseUnary(in MInst mi)
    {
        var t = FloatTypeOf(mi.Size);
        switch ((SseUn)mi.Aux)
        {
            case SseUn.Neg: _masm.FloatNeg(t, X(0)); break;
            case SseUn.Abs: _masm.FloatAbs(t, X(0)); break;
            case SseUn.Sqrt: _masm.Sse(mi.Size == 4 ? SseOp.Sqrtss : SseOp.Sqrtsd, X(0), X(1)); break;
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
                _masm.Sse(srcSize == 4 ? SseOp.Cvtss2sd : SseOp.Cvtsd2ss, X(0), X(1));
                return;
            case ConvKind.Bitcast:
                if (A(0).Reg.Class == CodeGen.RegClass.Int) _masm.MovFromXmm(dw, G(0), X(1));
                else _masm.MovToXmm(sw, X(0), G(1));
                return;
            case ConvKind.SIntToFloat:
                _masm.ConvertSignedToFloat(FloatTypeOf(dstSize), sw, X(0), G(1));
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
