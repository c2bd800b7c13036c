using System.Numerics;
using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Integer operators. The width (32 or 64 bits) comes from the operand's type on the value stack, so the
// i32 and i64 forms of an operator share one emitter. Operators on two constants fold at compile time
// (except those that can trap).
internal sealed partial class FunctionCompiler
{
    void EmitNumeric(Opcode code)
    {
        switch (code)
        {
            case Opcode.I32Add: case Opcode.I64Add: BinaryAlu(AluOp.Add, commutative: true); break;
            case Opcode.I32Sub: case Opcode.I64Sub: BinaryAlu(AluOp.Sub, commutative: false); break;
            case Opcode.I32And: case Opcode.I64And: BinaryAlu(AluOp.And, commutative: true); break;
            case Opcode.I32Or: case Opcode.I64Or: BinaryAlu(AluOp.Or, commutative: true); break;
            case Opcode.I32Xor: case Opcode.I64Xor: BinaryAlu(AluOp.Xor, commutative: true); break;
            case Opcode.I32Mul: case Opcode.I64Mul: Multiply(); break;
            case Opcode.I32DivS: case Opcode.I64DivS: Divide(signed: true, remainder: false); break;
            case Opcode.I32DivU: case Opcode.I64DivU: Divide(signed: false, remainder: false); break;
            case Opcode.I32RemS: case Opcode.I64RemS: Divide(signed: true, remainder: true); break;
            case Opcode.I32RemU: case Opcode.I64RemU: Divide(signed: false, remainder: true); break;
            case Opcode.I32Shl: case Opcode.I64Shl: Shift(ShiftOp.Shl); break;
            case Opcode.I32ShrS: case Opcode.I64ShrS: Shift(ShiftOp.Sar); break;
            case Opcode.I32ShrU: case Opcode.I64ShrU: Shift(ShiftOp.Shr); break;
            case Opcode.I32Rotl: case Opcode.I64Rotl: Shift(ShiftOp.Rol); break;
            case Opcode.I32Rotr: case Opcode.I64Rotr: Shift(ShiftOp.Ror); break;
            case Opcode.I32Clz: case Opcode.I64Clz: BitCount(code); break;
            case Opcode.I32Ctz: case Opcode.I64Ctz: BitCount(code); break;
            case Opcode.I32Popcnt: case Opcode.I64Popcnt: BitCount(code); break;
            case Opcode.I32Eqz: case Opcode.I64Eqz: Eqz(); break;
            case Opcode.I32Eq: case Opcode.I64Eq: Compare(Cond.Equal); break;
            case Opcode.I32Ne: case Opcode.I64Ne: Compare(Cond.NotEqual); break;
            case Opcode.I32LtS: case Opcode.I64LtS: Compare(Cond.Less); break;
            case Opcode.I32LtU: case Opcode.I64LtU: Compare(Cond.Below); break;
            case Opcode.I32GtS: case Opcode.I64GtS: Compare(Cond.Greater); break;
            case Opcode.I32GtU: case Opcode.I64GtU: Compare(Cond.Above); break;
            case Opcode.I32LeS: case Opcode.I64LeS: Compare(Cond.LessOrEqual); break;
            case Opcode.I32LeU: case Opcode.I64LeU: Compare(Cond.BelowOrEqual); break;
            case Opcode.I32GeS: case Opcode.I64GeS: Compare(Cond.GreaterOrEqual); break;
            case Opcode.I32GeU: case Opcode.I64GeU: Compare(Cond.AboveOrEqual); break;
            case Opcode.I32Extend8S: SignExtend(Width.W32, Width.W8); break;
            case Opcode.I32Extend16S: SignExtend(Width.W32, Width.W16); break;
            case Opcode.I64Extend8S: SignExtend(Width.W64, Width.W8); break;
            case Opcode.I64Extend16S: SignExtend(Width.W64, Width.W16); break;
            case Opcode.I64Extend32S: SignExtend(Width.W64, Width.W32); break;
            case Opcode.I64ExtendI32S: ExtendI32(signed: true); break;
            case Opcode.I64ExtendI32U: ExtendI32(signed: false); break;
            case Opcode.I32WrapI64: Wrap(); break;
            default: EmitFloat(code); break;
        }
    }

    static ulong Truncate(ulong v, bool is64) => is64 ? v : (uint)v;

    /// <summary>add, sub, and, or, xor: the first operand's register becomes the result.</summary>
    void BinaryAlu(AluOp op)
    {
        Entry b = Pop();
        Entry a = Pop();
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const)
        {
            ulong x = a.Bits, y = b.Bits;
            ulong r = op switch
            {
                AluOp.Add => x + y, AluOp.Sub => x - y, AluOp.And => x & y, AluOp.Or => x | y, _ => x ^ y,
            };
            PushConst(a.Type, Truncate(r, a.Is64));
            return;
        }
        Gpr d = ToGpr(ref a);
        AluWith(op, a.Width, d, b);
        PushGpr(a.Type, d);
    }

    void BinaryAlu(AluOp op, bool commutative)
    {
        if (commutative)
        {
            // Prefer an operand already in a register as the destination, and a constant as the immediate.
            ref Entry b = ref _stack[_sp - 1];
            ref Entry a = ref _stack[_sp - 2];
            if ((a.Kind != EntryKind.Reg && b.Kind == EntryKind.Reg) || (a.Kind == EntryKind.Const && b.Kind != EntryKind.Const))
                (a, b) = (b, a);
        }
        BinaryAlu(op);
    }

    /// <summary><c>op d, b</c> with b as a register, an immediate or a memory operand; frees b.</summary>
    void AluWith(AluOp op, Width w, Gpr d, in Entry b)
    {
        switch (b.Kind)
        {
            case EntryKind.Reg:
                _masm.Alu(op, w, d, b.Gpr);
                FreeGpr(b.Gpr);
                break;
            case EntryKind.Const:
                if (FitsImm32(b)) _masm.Alu(op, w, d, Imm32(b));
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)b.Bits);
                    _masm.Alu(op, w, d, Scratch);
                }
                break;
            default:
                _masm.Alu(op, w, d, MemOf(b));
                break;
        }
    }

    void Multiply()
    {
        ref Entry top = ref _stack[_sp - 1];
        ref Entry next = ref _stack[_sp - 2];
        if ((next.Kind != EntryKind.Reg && top.Kind == EntryKind.Reg) || (next.Kind == EntryKind.Const && top.Kind != EntryKind.Const))
            (next, top) = (top, next);
        Entry b = Pop();
        Entry a = Pop();
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const)
        {
            PushConst(a.Type, Truncate(a.Bits * b.Bits, a.Is64));
            return;
        }
        Width w = a.Width;
        if (FitsImm32(b) && a.Kind != EntryKind.Reg)
        {
            // Three-operand form straight from the slot.
            Gpr r = AllocGpr();
            _masm.Imul(w, r, MemOf(a), Imm32(b));
            PushGpr(a.Type, r);
            return;
        }
        Gpr d = ToGpr(ref a);
        switch (b.Kind)
        {
            case EntryKind.Reg: _masm.Imul(w, d, b.Gpr); FreeGpr(b.Gpr); break;
            case EntryKind.Const:
                if (FitsImm32(b)) _masm.Imul(w, d, d, Imm32(b));
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)b.Bits);
                    _masm.Imul(w, d, Scratch);
                }
                break;
            default: _masm.Imul(w, d, MemOf(b)); break;
        }
        PushGpr(a.Type, d);
    }

    /// <summary>
    /// div and rem: the dividend in rax (rdx:rax), the divisor in a register other than those two or in memory.
    /// Traps: a zero divisor; signed division of the minimum by -1 (its remainder is 0, no trap).
    /// </summary>
    void Divide(bool signed, bool remainder)
    {
        Entry b = Pop();
        Entry a = Pop();
        Width w = a.Width;
        bool is64 = a.Is64;
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const && TryFoldDivide(a, b, signed, remainder, out ulong folded))
        {
            PushConst(a.Type, folded);
            return;
        }

        DivKind kind = (signed, remainder) switch
        {
            (true, false) => DivKind.DivS,
            (false, false) => DivKind.DivU,
            (true, true) => DivKind.RemS,
            _ => DivKind.RemU,
        };
        // The divisor: out of rax/rdx (constants stay constants: the sequence loads them into the scratch register).
        if (b.Kind == EntryKind.Reg && (b.Gpr == Gpr.Rax || b.Gpr == Gpr.Rdx))
        {
            LoadInto(Scratch, b);
            Free(b);
            b = Entry.InGpr(b.Type, Scratch);
        }
        // The dividend into rax, then rdx is claimed for the high half.
        if (!(a.Kind == EntryKind.Reg && a.Gpr == Gpr.Rax))
        {
            ClaimGpr(Gpr.Rax);
            LoadInto(Gpr.Rax, a);
            Free(a);
        }
        ClaimGpr(Gpr.Rdx);

        switch (b.Kind)
        {
            case EntryKind.Const: _masm.IntDivRemByConst(kind, w, is64 ? (long)b.Bits : (int)(uint)b.Bits, Scratch); break;
            case EntryKind.Reg: _masm.IntDivRem(kind, w, b.Gpr); break;
            default: _masm.IntDivRem(kind, w, MemOf(b)); break;
        }
        // A divisor moved to the scratch register above holds no allocatable register: never free r11.
        if (!(b.Kind == EntryKind.Reg && b.Gpr == Scratch)) Free(b);
        if (remainder) { FreeGpr(Gpr.Rax); PushGpr(a.Type, Gpr.Rdx); }
        else { FreeGpr(Gpr.Rdx); PushGpr(a.Type, Gpr.Rax); }
    }

    static bool TryFoldDivide(in Entry a, in Entry b, bool signed, bool remainder, out ulong result)
    {
        result = 0;
        if (a.Is64)
        {
            long x = (long)a.Bits, y = (long)b.Bits;
            if (y == 0 || (signed && x == long.MinValue && y == -1 && !remainder)) return false;
            if (signed) result = (ulong)(y == -1 ? (remainder ? 0 : -x) : remainder ? x % y : x / y);
            else result = remainder ? a.Bits % b.Bits : a.Bits / b.Bits;
        }
        else
        {
            int x = (int)(uint)a.Bits, y = (int)(uint)b.Bits;
            if (y == 0 || (signed && x == int.MinValue && y == -1 && !remainder)) return false;
            if (signed) result = (uint)(y == -1 ? (remainder ? 0 : -x) : remainder ? x % y : x / y);
            else result = remainder ? (uint)a.Bits % (uint)b.Bits : (uint)a.Bits / (uint)b.Bits;
        }
        return true;
    }

    /// <summary>Shifts and rotates: a constant count becomes an immediate (masked as wasm says), else it goes to cl.</summary>
    void Shift(ShiftOp op)
    {
        Entry b = Pop();
        Entry a = Pop();
        Width w = a.Width;
        int mask = a.Is64 ? 63 : 31;
        if (b.Kind == EntryKind.Const)
        {
            int count = (int)(b.Bits & (uint)mask);
            if (a.Kind == EntryKind.Const) { PushConst(a.Type, FoldShift(op, a.Bits, count, a.Is64)); return; }
            Gpr r = ToGpr(ref a);
            if (count != 0) _masm.Shift(op, w, r, (byte)count);
            PushGpr(a.Type, r);
            return;
        }
        if (!(b.Kind == EntryKind.Reg && b.Gpr == Gpr.Rcx))
        {
            if (a.Kind == EntryKind.Reg && a.Gpr == Gpr.Rcx)
            {
                // The value sits where the count must go: move it away first.
                Gpr moved = AllocGpr();
                _masm.Mov(Width.W64, moved, Gpr.Rcx);
                a = Entry.InGpr(a.Type, moved);
            }
            else ClaimGpr(Gpr.Rcx);
            LoadInto(Gpr.Rcx, b);
            Free(b);
        }
        Gpr d = ToGpr(ref a);
        _masm.Shift(op, w, d);
        FreeGpr(Gpr.Rcx);
        PushGpr(a.Type, d);
    }

    static ulong FoldShift(ShiftOp op, ulong v, int count, bool is64)
    {
        if (is64)
        {
            return op switch
            {
                ShiftOp.Shl => v << count,
                ShiftOp.Shr => v >> count,
                ShiftOp.Sar => (ulong)((long)v >> count),
                ShiftOp.Rol => BitOperations.RotateLeft(v, count),
                _ => BitOperations.RotateRight(v, count),
            };
        }
        uint x = (uint)v;
        return op switch
        {
            ShiftOp.Shl => x << count,
            ShiftOp.Shr => x >> count,
            ShiftOp.Sar => (uint)((int)x >> count),
            ShiftOp.Rol => BitOperations.RotateLeft(x, count),
            _ => BitOperations.RotateRight(x, count),
        };
    }

    /// <summary>clz, ctz, popcnt (lzcnt/tzcnt/popcnt, which give the width for a zero input as wasm wants).</summary>
    void BitCount(Opcode code)
    {
        Entry a = Pop();
        Width w = a.Width;
        if (a.Kind == EntryKind.Const)
        {
            ulong v = a.Bits;
            int r = code switch
            {
                Opcode.I32Clz => BitOperations.LeadingZeroCount((uint)v),
                Opcode.I64Clz => BitOperations.LeadingZeroCount(v),
                Opcode.I32Ctz => v == 0 ? 32 : BitOperations.TrailingZeroCount((uint)v),
                Opcode.I64Ctz => BitOperations.TrailingZeroCount(v),
                _ => BitOperations.PopCount(v),
            };
            PushConst(a.Type, (ulong)r);
            return;
        }
        Gpr d;
        if (a.Kind == EntryKind.Reg) d = a.Gpr;
        else d = AllocGpr();
        bool clz = code is Opcode.I32Clz or Opcode.I64Clz, ctz = code is Opcode.I32Ctz or Opcode.I64Ctz;
        if ((clz && !_env.Cpu.Lzcnt) || (ctz && !_env.Cpu.Bmi1))
        {
            // Without LZCNT/BMI1 those encodings run as bsr/bsf, whose result is a bit index, undefined for 0.
            int bits = w.Bits();
            if (a.Kind == EntryKind.Reg) _masm.Mov(w, Scratch, d); else _masm.Mov(w, Scratch, MemOf(a));
            _masm.MovImm(Width.W32, d, clz ? 2 * bits - 1 : bits); // what the index must become for a zero input
            Label zero = _masm.NewLabel();
            if (clz) _masm.Bsr(w, Scratch, Scratch); else _masm.Bsf(w, Scratch, Scratch);
            _masm.Jcc(Cond.Zero, zero, JumpDistance.Short);
            _masm.Mov(w, d, Scratch);
            _masm.Bind(zero);
            if (clz) _masm.Xor(w, d, bits - 1); // clz = (width - 1) - index; for 0: (2w - 1) ^ (w - 1) = w
            PushGpr(a.Type, d);
            return;
        }
        if (a.Kind == EntryKind.Reg)
        {
            if (clz) _masm.Lzcnt(w, d, d); else if (ctz) _masm.Tzcnt(w, d, d); else _masm.Popcnt(w, d, d);
        }
        else
        {
            Mem m = MemOf(a);
            if (clz) _masm.Lzcnt(w, d, m); else if (ctz) _masm.Tzcnt(w, d, m); else _masm.Popcnt(w, d, m);
        }
        PushGpr(a.Type, d);
    }

    /// <summary>eqz leaves its answer in the flags (a following br_if or if branches on it directly).</summary>
    void Eqz()
    {
        Entry a = Pop();
        switch (a.Kind)
        {
            case EntryKind.Flags: Push(Entry.InFlags(a.Cond.Invert())); return;
            case EntryKind.Const: PushConst(ValKind.I32, a.Bits == 0 ? 1u : 0u); return;
            case EntryKind.Reg: _masm.Test(a.Width, a.Gpr, a.Gpr); FreeGpr(a.Gpr); break;
            default: _masm.Cmp(a.Width, MemOf(a), 0); break;
        }
        Push(Entry.InFlags(Cond.Equal));
    }

    /// <summary>Integer comparisons leave their answer in the flags.</summary>
    void Compare(Cond cond)
    {
        Entry b = Pop();
        Entry a = Pop();
        if (a.Kind == EntryKind.Const && b.Kind == EntryKind.Const)
        {
            PushConst(ValKind.I32, FoldCompare(cond, a.Bits, b.Bits, a.Is64) ? 1u : 0u);
            return;
        }
        // The first operand must be a register or memory; with a constant first, swap and commute.
        if (a.Kind == EntryKind.Const || (a.Kind != EntryKind.Reg && b.Kind == EntryKind.Reg))
        {
            (a, b) = (b, a);
            cond = cond.Commute();
        }
        Width w = a.Width;
        if (a.Kind == EntryKind.Reg) AluWith(AluOp.Cmp, w, a.Gpr, b);
        else if (b.Kind == EntryKind.Const && FitsImm32(b)) _masm.Cmp(w, MemOf(a), Imm32(b));
        else if (b.Kind == EntryKind.Reg) { _masm.Cmp(w, MemOf(a), b.Gpr); FreeGpr(b.Gpr); }
        else AluWith(AluOp.Cmp, w, ToGpr(ref a), b);
        Free(a);
        Push(Entry.InFlags(cond));
    }

    static bool FoldCompare(Cond cond, ulong x, ulong y, bool is64)
    {
        long sx = is64 ? (long)x : (int)(uint)x, sy = is64 ? (long)y : (int)(uint)y;
        return cond switch
        {
            Cond.Equal => x == y,
            Cond.NotEqual => x != y,
            Cond.Less => sx < sy,
            Cond.LessOrEqual => sx <= sy,
            Cond.Greater => sx > sy,
            Cond.GreaterOrEqual => sx >= sy,
            Cond.Below => x < y,
            Cond.BelowOrEqual => x <= y,
            Cond.Above => x > y,
            _ => x >= y,
        };
    }

    void SignExtend(Width to, Width from)
    {
        Entry a = Pop();
        if (a.Kind == EntryKind.Const)
        {
            long v = from switch { Width.W8 => (sbyte)a.Bits, Width.W16 => (short)a.Bits, _ => (int)a.Bits };
            PushConst(a.Type, Truncate((ulong)v, a.Is64));
            return;
        }
        Gpr d = a.Kind == EntryKind.Reg ? a.Gpr : AllocGpr();
        if (a.Kind == EntryKind.Reg) _masm.Movsx(to, d, from, d);
        else _masm.Movsx(to, d, from, MemOf(a));
        PushGpr(a.Type, d);
    }

    void ExtendI32(bool signed)
    {
        Entry a = Pop();
        if (a.Kind == EntryKind.Const)
        {
            PushConst(ValKind.I64, signed ? (ulong)(long)(int)(uint)a.Bits : (uint)a.Bits);
            return;
        }
        Gpr d;
        if (signed)
        {
            d = a.Kind == EntryKind.Reg ? a.Gpr : AllocGpr();
            if (a.Kind == EntryKind.Reg) _masm.Movsx(Width.W64, d, Width.W32, d);
            else _masm.Movsx(Width.W64, d, Width.W32, MemOf(a));
        }
        else d = ToGpr(ref a); // an i32 in a register is already zero-extended
        PushGpr(ValKind.I64, d);
    }

    void Wrap()
    {
        Entry a = Pop();
        switch (a.Kind)
        {
            case EntryKind.Const:
                PushConst(ValKind.I32, (uint)a.Bits);
                return;
            case EntryKind.Reg:
                _masm.Mov(Width.W32, a.Gpr, a.Gpr);
                PushGpr(ValKind.I32, a.Gpr);
                return;
            default:
                // The low half of the slot, as an i32 (little-endian).
                a.Type = ValKind.I32;
                Push(a);
                return;
        }
    }
}
