using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Float operators (SSE2 and SSE4.1 scalar instructions). IEEE semantics as wasm requires: arithmetic,
// sqrt and rounding are the hardware's (round-to-nearest-even; a NaN operand propagates quieted, a new NaN
// is the default NaN, both allowed results); abs, neg and copysign are pure bit operations; min and max
// need extra code for NaN and for -0 against +0, which minss/maxss get wrong.
internal sealed partial class FunctionCompiler
{
    void EmitFloat(Opcode code)
    {
        switch (code)
        {
            case Opcode.F32Add: FloatArith(SseOp.Addss, commutative: true); break;
            case Opcode.F64Add: FloatArith(SseOp.Addsd, commutative: true); break;
            case Opcode.F32Sub: FloatArith(SseOp.Subss, commutative: false); break;
            case Opcode.F64Sub: FloatArith(SseOp.Subsd, commutative: false); break;
            case Opcode.F32Mul: FloatArith(SseOp.Mulss, commutative: true); break;
            case Opcode.F64Mul: FloatArith(SseOp.Mulsd, commutative: true); break;
            case Opcode.F32Div: FloatArith(SseOp.Divss, commutative: false); break;
            case Opcode.F64Div: FloatArith(SseOp.Divsd, commutative: false); break;
            case Opcode.F32Min: case Opcode.F64Min: MinMax(max: false); break;
            case Opcode.F32Max: case Opcode.F64Max: MinMax(max: true); break;
            case Opcode.F32Copysign: case Opcode.F64Copysign: Copysign(); break;
            case Opcode.F32Abs: case Opcode.F64Abs: SignBitOp(abs: true); break;
            case Opcode.F32Neg: case Opcode.F64Neg: SignBitOp(abs: false); break;
            case Opcode.F32Sqrt: FloatUnary(SseOp.Sqrtss); break;
            case Opcode.F64Sqrt: FloatUnary(SseOp.Sqrtsd); break;
            case Opcode.F32Ceil: case Opcode.F64Ceil: Round(RoundingMode.Ceil); break;
            case Opcode.F32Floor: case Opcode.F64Floor: Round(RoundingMode.Floor); break;
            case Opcode.F32Trunc: case Opcode.F64Trunc: Round(RoundingMode.Trunc); break;
            case Opcode.F32Nearest: case Opcode.F64Nearest: Round(RoundingMode.Nearest); break;
            case Opcode.F32Eq: case Opcode.F64Eq: FloatEquality(equal: true); break;
            case Opcode.F32Ne: case Opcode.F64Ne: FloatEquality(equal: false); break;
            case Opcode.F32Lt: case Opcode.F64Lt: FloatOrder(swap: true, Cond.Above); break;
            case Opcode.F32Gt: case Opcode.F64Gt: FloatOrder(swap: false, Cond.Above); break;
            case Opcode.F32Le: case Opcode.F64Le: FloatOrder(swap: true, Cond.AboveOrEqual); break;
            case Opcode.F32Ge: case Opcode.F64Ge: FloatOrder(swap: false, Cond.AboveOrEqual); break;
            default: EmitConversion(code); break;
        }
    }

    /// <summary>The second operand of an SSE instruction: a register, a slot, or a pooled constant.</summary>
    Mem FloatMem(in Entry b) =>
        b.Kind == EntryKind.Const ? (b.Type == ValKind.F64 ? _masm.Const64(b.Bits) : _masm.Const32((uint)b.Bits)) : MemOf(b);

    /// <summary><c>op d, b</c>; frees b.</summary>
    void SseWith(SseOp op, Xmm d, in Entry b)
    {
        if (b.Kind == EntryKind.Reg) { _masm.Sse(op, d, b.Xmm); FreeXmm(b.Xmm); }
        else _masm.Sse(op, d, FloatMem(b));
    }

    void FloatArith(SseOp op, bool commutative)
    {
        if (commutative)
        {
            ref Entry top = ref _stack[_sp - 1];
            ref Entry next = ref _stack[_sp - 2];
            if (next.Kind != EntryKind.Reg && top.Kind == EntryKind.Reg) (next, top) = (top, next);
        }
        Entry b = Pop();
        Entry a = Pop();
        Xmm d = ToXmm(ref a);
        SseWith(op, d, b);
        PushXmm(a.Type, d);
    }

    void FloatUnary(SseOp op)
    {
        Entry a = Pop();
        Xmm d = a.Kind == EntryKind.Reg ? a.Xmm : AllocXmm();
        if (a.Kind == EntryKind.Reg) _masm.Sse(op, d, d);
        else _masm.Sse(op, d, FloatMem(a));
        PushXmm(a.Type, d);
    }

    void Round(RoundingMode mode)
    {
        Entry a = Pop();
        bool f64 = a.Type == ValKind.F64;
        Xmm d = a.Kind == EntryKind.Reg ? a.Xmm : AllocXmm();
        if (a.Kind == EntryKind.Reg)
        {
            if (f64) _masm.Roundsd(d, d, mode); else _masm.Roundss(d, d, mode);
        }
        else
        {
            if (f64) _masm.Roundsd(d, FloatMem(a), mode); else _masm.Roundss(d, FloatMem(a), mode);
        }
        PushXmm(a.Type, d);
    }

    static (ulong Lo, ulong Hi) SignMask(bool f64) => f64 ? (0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL) : (0x8000_0000_8000_0000UL, 0x8000_0000_8000_0000UL);

    Mem SignMaskConst(bool f64) { var (lo, hi) = SignMask(f64); return _masm.Const128(lo, hi); }

    Mem AbsMaskConst(bool f64) { var (lo, hi) = SignMask(f64); return _masm.Const128(~lo, ~hi); }

    /// <summary>abs clears the sign bit, neg flips it.</summary>
    void SignBitOp(bool abs)
    {
        Entry a = Pop();
        bool f64 = a.Type == ValKind.F64;
        ulong sign = f64 ? 0x8000_0000_0000_0000UL : 0x8000_0000UL;
        if (a.Kind == EntryKind.Const)
        {
            PushConst(a.Type, abs ? a.Bits & ~sign : a.Bits ^ sign);
            return;
        }
        Xmm d = ToXmm(ref a);
        if (abs) _masm.Sse(f64 ? SseOp.Andpd : SseOp.Andps, d, AbsMaskConst(f64));
        else _masm.Sse(f64 ? SseOp.Xorpd : SseOp.Xorps, d, SignMaskConst(f64));
        PushXmm(a.Type, d);
    }

    void Copysign()
    {
        Entry b = Pop();
        Entry a = Pop();
        bool f64 = a.Type == ValKind.F64;
        ulong sign = f64 ? 0x8000_0000_0000_0000UL : 0x8000_0000UL;
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const)
        {
            PushConst(a.Type, (a.Bits & ~sign) | (b.Bits & sign));
            return;
        }
        Xmm d = ToXmm(ref a);
        _masm.Sse(f64 ? SseOp.Andpd : SseOp.Andps, d, AbsMaskConst(f64));
        if (b.Kind == EntryKind.Const)
        {
            if ((b.Bits & sign) != 0) _masm.Sse(f64 ? SseOp.Orpd : SseOp.Orps, d, SignMaskConst(f64));
        }
        else
        {
            Xmm s = ToXmm(ref b);
            _masm.Sse(f64 ? SseOp.Andpd : SseOp.Andps, s, SignMaskConst(f64));
            _masm.Sse(f64 ? SseOp.Orpd : SseOp.Orps, d, s);
            FreeXmm(s);
        }
        PushXmm(a.Type, d);
    }

    /// <summary>
    /// min/max: ordered and different operands use minss/maxss; equal ones may be -0 and +0, so the result
    /// takes the sign bits' or (min) or and (max); a NaN operand gives a NaN (the sum propagates it).
    /// </summary>
    void MinMax(bool max)
    {
        Entry b = Pop();
        Entry a = Pop();
        bool f64 = a.Type == ValKind.F64;
        Xmm d = ToXmm(ref a);
        Xmm s = ToXmm(ref b);
        Label nan = _masm.NewLabel(), normal = _masm.NewLabel(), done = _masm.NewLabel();
        _masm.Sse(f64 ? SseOp.Ucomisd : SseOp.Ucomiss, d, s);
        _masm.Jcc(Cond.Parity, nan, JumpDistance.Short);
        _masm.Jcc(Cond.NotEqual, normal, JumpDistance.Short);
        if (max) _masm.Sse(f64 ? SseOp.Andpd : SseOp.Andps, d, s);
        else _masm.Sse(f64 ? SseOp.Orpd : SseOp.Orps, d, s);
        _masm.Jmp(done, JumpDistance.Short);
        _masm.Bind(nan);
        _masm.Sse(f64 ? SseOp.Addsd : SseOp.Addss, d, s);
        _masm.Jmp(done, JumpDistance.Short);
        _masm.Bind(normal);
        if (max) _masm.Sse(f64 ? SseOp.Maxsd : SseOp.Maxss, d, s);
        else _masm.Sse(f64 ? SseOp.Minsd : SseOp.Minss, d, s);
        _masm.Bind(done);
        FreeXmm(s);
        PushXmm(a.Type, d);
    }

    /// <summary>ucomiss/ucomisd of a register against b (a register, slot or constant); frees b.</summary>
    void FloatCompare(Xmm a, in Entry b, bool f64) => SseWith(f64 ? SseOp.Ucomisd : SseOp.Ucomiss, a, b);

    /// <summary>
    /// lt, gt, le, ge: ucomis sets CF and ZF as an unsigned compare would and all three of ZF, PF, CF when
    /// unordered, so "above" and "above or equal" (with the operands ordered so that the answer is one of
    /// those) are false for NaN. The answer stays in the flags.
    /// </summary>
    void FloatOrder(bool swap, Cond cond)
    {
        Entry b = Pop();
        Entry a = Pop();
        if (swap) (a, b) = (b, a);
        bool f64 = a.Type == ValKind.F64;
        Xmm x = ToXmm(ref a);
        FloatCompare(x, b, f64);
        FreeXmm(x);
        Push(Entry.InFlags(cond));
    }

    /// <summary>eq is ZF and not PF; ne is not ZF or PF: two conditions, so the answer goes to a register at once.</summary>
    void FloatEquality(bool equal)
    {
        ref Entry top = ref _stack[_sp - 1];
        ref Entry next = ref _stack[_sp - 2];
        if (next.Kind != EntryKind.Reg && top.Kind == EntryKind.Reg) (next, top) = (top, next);
        Entry b = Pop();
        Entry a = Pop();
        bool f64 = a.Type == ValKind.F64;
        Gpr r = AllocGpr();
        Xmm x = ToXmm(ref a);
        FloatCompare(x, b, f64);
        FreeXmm(x);
        if (equal)
        {
            _masm.Setcc(Cond.Equal, r);
            _masm.Setcc(Cond.NotParity, Scratch);
            _masm.And(Width.W8, r, Scratch);
        }
        else
        {
            _masm.Setcc(Cond.NotEqual, r);
            _masm.Setcc(Cond.Parity, Scratch);
            _masm.Or(Width.W8, r, Scratch);
        }
        _masm.Movzx(Width.W32, r, Width.W8, r);
        PushGpr(ValKind.I32, r);
    }
}
