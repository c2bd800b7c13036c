using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Conversions between integers and floats, and reinterpretations. cvttss2si/cvttsd2si return the "integer
// indefinite" value (the minimum) for NaN and out-of-range inputs, so the trapping truncations check that
// value on a side path: NaN traps as an invalid conversion, anything else but the one input that really
// truncates to the minimum as an overflow. The saturating ones clamp instead. Unsigned forms go through
// the 64-bit conversion, and for u64 through a bias of 2^63.
internal sealed partial class FunctionCompiler
{
    const ulong TwoPow63 = 0x8000_0000_0000_0000UL;

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

    Mem FloatConst(bool f64, double value) =>
        f64 ? _masm.Const64(BitConverter.DoubleToUInt64Bits(value)) : _masm.Const32(BitConverter.SingleToUInt32Bits((float)value));

    void Cvtt(bool f64, Width w, Gpr d, Xmm x)
    {
        if (f64) _masm.Cvttsd2si(w, d, x); else _masm.Cvttss2si(w, d, x);
    }

    SseOp Ucomis(bool f64) => f64 ? SseOp.Ucomisd : SseOp.Ucomiss;

    void Truncate(bool f64, bool to64, bool signed, bool saturating)
    {
        Entry a = Pop();
        Xmm x = ToXmm(ref a);
        Gpr d = AllocGpr();
        Width w = to64 ? Width.W64 : Width.W32;
        ValKind result = to64 ? ValKind.I64 : ValKind.I32;
        Label done = _masm.NewLabel();

        if (signed)
        {
            Cvtt(f64, w, d, x);
            _masm.Cmp(w, d, 1);                       // overflows exactly when d is the minimum
            _masm.Jcc(Cond.NoOverflow, done, JumpDistance.Near);
            if (saturating)
            {
                // NaN → 0; negative → the minimum (already in d); positive → the maximum.
                Label nan = _masm.NewLabel();
                _masm.Sse(Ucomis(f64), x, x);
                _masm.Jcc(Cond.Parity, nan, JumpDistance.Short);
                _masm.Xorps(ScratchXmm, ScratchXmm);
                _masm.Sse(Ucomis(f64), x, ScratchXmm);
                _masm.Jcc(Cond.BelowOrEqual, done, JumpDistance.Short);
                _masm.MovImm(w, d, to64 ? long.MaxValue : int.MaxValue);
                _masm.Jmp(done, JumpDistance.Short);
                _masm.Bind(nan);
                _masm.Xor(Width.W32, d, d);
            }
            else
            {
                _masm.Sse(Ucomis(f64), x, x);
                _masm.TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
                if (f64 && !to64)
                {
                    // Everything in (-2^31 - 1, -2^31] truncates to the minimum.
                    _masm.Sse(SseOp.Ucomisd, x, FloatConst(true, -2147483649.0));
                    _masm.TrapIf(Cond.BelowOrEqual, TrapCode.IntegerOverflow);
                    _masm.Sse(SseOp.Ucomisd, x, FloatConst(true, -2147483648.0));
                    _masm.TrapIf(Cond.Above, TrapCode.IntegerOverflow);
                }
                else
                {
                    // Only the minimum itself (exactly representable) truncates to the minimum.
                    _masm.Sse(Ucomis(f64), x, FloatConst(f64, to64 ? -9223372036854775808.0 : -2147483648.0));
                    _masm.TrapIf(Cond.NotEqual, TrapCode.IntegerOverflow);
                }
            }
        }
        else if (!to64)
        {
            // u32 through the i64 conversion: valid results are exactly those below 2^32.
            Cvtt(f64, Width.W64, d, x);
            _masm.Mov(Width.W64, Scratch, d);
            _masm.Shr(Width.W64, Scratch, 32);
            _masm.Jcc(Cond.Zero, done, JumpDistance.Near);
            if (saturating)
            {
                // NaN or negative → 0; too large → the maximum.
                _masm.Xor(Width.W32, d, d);
                _masm.Xorps(ScratchXmm, ScratchXmm);
                _masm.Sse(Ucomis(f64), x, ScratchXmm);
                _masm.Jcc(Cond.BelowOrEqual, done, JumpDistance.Short);
                _masm.MovImm(Width.W32, d, uint.MaxValue);
            }
            else
            {
                _masm.Sse(Ucomis(f64), x, x);
                _masm.TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
                // -1 < x < 0 truncates to 0 and passed above; anything else here is out of range.
                _masm.Trap(TrapCode.IntegerOverflow);
            }
        }
        else
        {
            // u64: below 2^63 the signed conversion works; from 2^63 on, convert x - 2^63 and set the top bit.
            Label big = _masm.NewLabel();
            _masm.Sse(Ucomis(f64), x, FloatConst(f64, 9223372036854775808.0));
            _masm.Jcc(Cond.AboveOrEqual, big, JumpDistance.Near);
            Cvtt(f64, Width.W64, d, x);
            _masm.Test(Width.W64, d, d);
            _masm.Jcc(Cond.NotSign, done, JumpDistance.Near);
            // NaN (unordered: not "above or equal") or x <= -1.
            if (saturating) _masm.Xor(Width.W32, d, d);
            else
            {
                _masm.Sse(Ucomis(f64), x, x);
                _masm.TrapIf(Cond.Parity, TrapCode.BadConversionToInteger);
                _masm.Trap(TrapCode.IntegerOverflow);
            }
            _masm.Jmp(done, JumpDistance.Near);
            _masm.Bind(big);
            _masm.Sse(f64 ? SseOp.Movapd : SseOp.Movaps, ScratchXmm, x);
            _masm.Sse(f64 ? SseOp.Subsd : SseOp.Subss, ScratchXmm, FloatConst(f64, 9223372036854775808.0));
            Cvtt(f64, Width.W64, d, ScratchXmm);
            _masm.Test(Width.W64, d, d);
            if (saturating)
            {
                Label fits = _masm.NewLabel();
                _masm.Jcc(Cond.NotSign, fits, JumpDistance.Short);
                _masm.MovImm(Width.W64, d, -1);
                _masm.Jmp(done, JumpDistance.Short);
                _masm.Bind(fits);
            }
            else _masm.TrapIf(Cond.Sign, TrapCode.IntegerOverflow);
            _masm.MovImm(Width.W64, Scratch, unchecked((long)TwoPow63));
            _masm.Xor(Width.W64, d, Scratch);
        }
        _masm.Bind(done);
        FreeXmm(x);
        PushGpr(result, d);
    }

    void ConvertInt(bool f64, bool signed)
    {
        Entry a = Pop();
        bool from64 = a.Is64;
        Gpr r = ToGpr(ref a);
        Xmm d = AllocXmm();
        SseOp add = f64 ? SseOp.Addsd : SseOp.Addss;
        // cvtsi2ss/sd write only the low lane: clear d first so it does not depend on its old value.
        _masm.Xorps(d, d);
        if (signed || !from64)
        {
            // An unsigned i32 is zero-extended in its register, so the 64-bit signed conversion is exact.
            Width w = signed && !from64 ? Width.W32 : Width.W64;
            if (f64) _masm.Cvtsi2sd(w, d, r); else _masm.Cvtsi2ss(w, d, r);
        }
        else
        {
            // u64 with the top bit set: halve (keeping the low bit, so rounding stays right), convert, double.
            Label negative = _masm.NewLabel(), done = _masm.NewLabel();
            _masm.Test(Width.W64, r, r);
            _masm.Jcc(Cond.Sign, negative, JumpDistance.Short);
            if (f64) _masm.Cvtsi2sd(Width.W64, d, r); else _masm.Cvtsi2ss(Width.W64, d, r);
            _masm.Jmp(done, JumpDistance.Short);
            _masm.Bind(negative);
            _masm.Mov(Width.W64, Scratch, r);
            _masm.Shr(Width.W64, Scratch, 1);
            _masm.And(Width.W32, r, 1);
            _masm.Or(Width.W64, Scratch, r);
            if (f64) _masm.Cvtsi2sd(Width.W64, d, Scratch); else _masm.Cvtsi2ss(Width.W64, d, Scratch);
            _masm.Sse(add, d, d);
            _masm.Bind(done);
        }
        FreeGpr(r);
        PushXmm(f64 ? ValKind.F64 : ValKind.F32, d);
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
