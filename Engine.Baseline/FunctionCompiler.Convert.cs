using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Conversions between integers and floats, and reinterpretations. The truncation and unsigned conversion
// sequences (traps, saturation, rounding) are MacroAssembler's, shared with the optimizing tier; this file
// only places the operands (temporaries: the scratch registers, or a register freed right after).
internal sealed partial class FunctionCompiler
{
    void EmitConversion(Opcode code)
    {
        switch (code)
        {
            case Opcode.I32TruncF32S: Truncate(f64: false, to64: false, signed: true, saturating: false); break;
            case Opcode.I32TruncF32U: Truncate(f64: false, to64: false, signed: false, saturating: false); break;
            case Opcode.I32TruncF64S: Truncate(f64: true, to64: false, signed: true, saturating: false); break;
            case Opcode.I32TruncF64U: Truncate(f64: true, to64: false, signed: false, saturating: false); break;
            case Opcode.I64TruncF32S: Truncate(f64: false, to64: true, signed: true, saturating: false); break;
            case Opcode.I64TruncF32U: Truncate(f64: false, to64: true, signed: false, saturating: false); break;
            case Opcode.I64TruncF64S: Truncate(f64: true, to64: true, signed: true, saturating: false); break;
            case Opcode.I64TruncF64U: Truncate(f64: true, to64: true, signed: false, saturating: false); break;
            case Opcode.I32TruncSatF32S: Truncate(f64: false, to64: false, signed: true, saturating: true); break;
            case Opcode.I32TruncSatF32U: Truncate(f64: false, to64: false, signed: false, saturating: true); break;
            case Opcode.I32TruncSatF64S: Truncate(f64: true, to64: false, signed: true, saturating: true); break;
            case Opcode.I32TruncSatF64U: Truncate(f64: true, to64: false, signed: false, saturating: true); break;
            case Opcode.I64TruncSatF32S: Truncate(f64: false, to64: true, signed: true, saturating: true); break;
            case Opcode.I64TruncSatF32U: Truncate(f64: false, to64: true, signed: false, saturating: true); break;
            case Opcode.I64TruncSatF64S: Truncate(f64: true, to64: true, signed: true, saturating: true); break;
            case Opcode.I64TruncSatF64U: Truncate(f64: true, to64: true, signed: false, saturating: true); break;
            case Opcode.F32ConvertI32S: ConvertInt(f64: false, signed: true); break;
            case Opcode.F32ConvertI32U: ConvertInt(f64: false, signed: false); break;
            case Opcode.F32ConvertI64S: ConvertInt(f64: false, signed: true); break;
            case Opcode.F32ConvertI64U: ConvertInt(f64: false, signed: false); break;
            case Opcode.F64ConvertI32S: ConvertInt(f64: true, signed: true); break;
            case Opcode.F64ConvertI32U: ConvertInt(f64: true, signed: false); break;
            case Opcode.F64ConvertI64S: ConvertInt(f64: true, signed: true); break;
            case Opcode.F64ConvertI64U: ConvertInt(f64: true, signed: false); break;
            case Opcode.F32DemoteF64: FloatResize(SseOp.Cvtsd2ss, ValKind.F32); break;
            case Opcode.F64PromoteF32: FloatResize(SseOp.Cvtss2sd, ValKind.F64); break;
            case Opcode.I32ReinterpretF32: Reinterpret(ValKind.I32); break;
            case Opcode.I64ReinterpretF64: Reinterpret(ValKind.I64); break;
            case Opcode.F32ReinterpretI32: Reinterpret(ValKind.F32); break;
            case Opcode.F64ReinterpretI64: Reinterpret(ValKind.F64); break;
            default:
                throw new InvalidOperationException($"the baseline compiler has no rule for {code.Mnemonic()}");
        }
    }

    void Truncate(bool f64, bool to64, bool signed, bool saturating)
    {
        Entry a = Pop();
        Xmm x = ToXmm(ref a);
        Gpr d = AllocGpr();
        _masm.TruncateToInt(f64 ? FloatType.F64 : FloatType.F32, to64 ? Width.W64 : Width.W32, signed, saturating, d, x, Scratch, ScratchXmm);
        FreeXmm(x);
        PushGpr(to64 ? ValKind.I64 : ValKind.I32, d);
    }

    void ConvertInt(bool f64, bool signed)
    {
        Entry a = Pop();
        Width w = a.Is64 ? Width.W64 : Width.W32;
        FloatType t = f64 ? FloatType.F64 : FloatType.F32;
        Gpr r = ToGpr(ref a);
        Xmm d = AllocXmm();
        if (signed) _masm.ConvertSignedToFloat(t, w, d, r);
        else _masm.ConvertUnsignedToFloat(t, w, d, r, tmp: Scratch, tmp2: r); // r is freed next: it may be clobbered
        FreeGpr(r);
        PushXmm(t == FloatType.F64 ? ValKind.F64 : ValKind.F32, d);
    }

    void FloatResize(SseOp op, ValKind result)
    {
        Entry a = Pop();
        Xmm d = a.Kind == EntryKind.Reg ? a.Xmm : AllocXmm();
        if (a.Kind == EntryKind.Reg) _masm.Sse(op, d, d);
        else _masm.Sse(op, d, FloatMem(a));
        PushXmm(result, d);
    }

    /// <summary>The same bits as another type: a move between register files, or nothing for constants and slots.</summary>
    void Reinterpret(ValKind to)
    {
        Entry a = Pop();
        bool toFloat = to is ValKind.F32 or ValKind.F64;
        Width w = to is ValKind.I64 or ValKind.F64 ? Width.W64 : Width.W32;
        if (a.Kind != EntryKind.Reg)
        {
            a.Type = to;
            Push(a);
            return;
        }
        if (toFloat)
        {
            Xmm d = AllocXmm();
            _masm.MovToXmm(w, d, a.Gpr);
            FreeGpr(a.Gpr);
            PushXmm(to, d);
        }
        else
        {
            Gpr d = AllocGpr();
            _masm.MovFromXmm(w, d, a.Xmm);
            FreeXmm(a.Xmm);
            PushGpr(to, d);
        }
    }
}
