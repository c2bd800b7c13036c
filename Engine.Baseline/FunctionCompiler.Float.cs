using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Float operators (SSE2 and SSE4.1 scalar instructions). IEEE semantics as wasm requires: arithmetic,
// sqrt and rounding are the hardware's (round-to-nearest-even; a NaN operand propagates quieted, a new NaN
// is the default NaN, both allowed results). The sequences (min/max, copysign, abs, neg, rounding,
// compares) are MacroAssembler's, shared with the optimizing tier; this file only places the operands.
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
            case Opcode.F32Eq: case Opcode.F64Eq: FloatEquality(FloatCmp.Eq); break;
            case Opcode.F32Ne: case Opcode.F64Ne: FloatEquality(FloatCmp.Ne); break;
            case Opcode.F32Lt: case Opcode.F64Lt: FloatOrder(FloatCmp.Lt); break;
            case Opcode.F32Gt: case Opcode.F64Gt: FloatOrder(FloatCmp.Gt); break;
            case Opcode.F32Le: case Opcode.F64Le: FloatOrder(FloatCmp.Le); break;
            case Opcode.F32Ge: case Opcode.F64Ge: FloatOrder(FloatCmp.Ge); break;
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

    static FloatType FloatTypeOf(in Entry e) => e.Type == ValKind.F64 ? FloatType.F64 : FloatType.F32;

    void Round(RoundingMode mode)
    {
        Entry a = Pop();
        FloatType t = FloatTypeOf(a);
        Xmm d = a.Kind == EntryKind.Reg ? a.Xmm : AllocXmm();
        if (a.Kind == EntryKind.Reg) _masm.FloatRound(t, mode, d, d);
        else _masm.FloatRound(t, mode, d, FloatMem(a));
        PushXmm(a.Type, d);
    }

    /// <summary>abs clears the sign bit, neg flips it (constants fold).</summary>
    void SignBitOp(bool abs)
    {
        Entry a = Pop();
        ulong sign = a.Type == ValKind.F64 ? 0x8000_0000_0000_0000UL : 0x8000_0000UL;
        if (a.Kind == EntryKind.Const)
        {
            PushConst(a.Type, abs ? a.Bits & ~sign : a.Bits ^ sign);
            return;
        }
        Xmm d = ToXmm(ref a);
        if (abs) _masm.FloatAbs(FloatTypeOf(a), d); else _masm.FloatNeg(FloatTypeOf(a), d);
        PushXmm(a.Type, d);
    }

    void Copysign()
    {
        Entry b = Pop();
        Entry a = Pop();
        FloatType t = FloatTypeOf(a);
        ulong sign = t == FloatType.F64 ? 0x8000_0000_0000_0000UL : 0x8000_0000UL;
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const)
        {
            PushConst(a.Type, (a.Bits & ~sign) | (b.Bits & sign));
            return;
        }
        Xmm d = ToXmm(ref a);
        if (b.Kind == EntryKind.Const) _masm.FloatCopysign(t, d, negative: (b.Bits & sign) != 0);
        else
        {
            Xmm s = ToXmm(ref b);
            _masm.FloatCopysign(t, d, s, tmp: s); // s is freed next: it may serve as the temporary
            FreeXmm(s);
        }
        PushXmm(a.Type, d);
    }

    /// <summary>min/max: the shared sequence (NaN propagation, -0 &lt; +0) on both operands in registers.</summary>
    void MinMax(bool max)
    {
        Entry b = Pop();
        Entry a = Pop();
        FloatType t = FloatTypeOf(a);
        Xmm d = ToXmm(ref a);
        Xmm s = ToXmm(ref b);
        if (max) _masm.FloatMax(t, d, s); else _masm.FloatMin(t, d, s);
        FreeXmm(s);
        PushXmm(a.Type, d);
    }

    /// <summary>
    /// lt, gt, le, ge: one condition after ucomis with the operands ordered as <see cref="FloatCmps.Flags"/> says,
    /// so the answer stays in the flags (a branch or select can use it directly).
    /// </summary>
    void FloatOrder(FloatCmp cc)
    {
        Entry b = Pop();
        Entry a = Pop();
        (bool swap, Cond cond) = cc.Flags();
        if (swap) (a, b) = (b, a);
        Xmm x = ToXmm(ref a);
        if (b.Kind == EntryKind.Reg) { _masm.Ucomis(FloatTypeOf(a), x, b.Xmm); FreeXmm(b.Xmm); }
        else _masm.Ucomis(FloatTypeOf(a), x, FloatMem(b));
        FreeXmm(x);
        Push(Entry.InFlags(cond));
    }

    /// <summary>eq and ne need two flags (parity), so the answer goes to a register at once.</summary>
    void FloatEquality(FloatCmp cc)
    {
        ref Entry top = ref _stack[_sp - 1];
        ref Entry next = ref _stack[_sp - 2];
        if (next.Kind != EntryKind.Reg && top.Kind == EntryKind.Reg) (next, top) = (top, next);
        Entry b = Pop();
        Entry a = Pop();
        FloatType t = FloatTypeOf(a);
        Gpr r = AllocGpr();
        Xmm x = ToXmm(ref a);
        if (b.Kind == EntryKind.Reg) { _masm.FloatCompare(t, cc, r, x, b.Xmm, Scratch); FreeXmm(b.Xmm); }
        else _masm.FloatCompare(t, cc, r, x, FloatMem(b), Scratch);
        FreeXmm(x);
        PushGpr(ValKind.I32, r);
    }
}
