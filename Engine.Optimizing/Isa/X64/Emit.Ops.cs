using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

// Emission of each machine instruction (operand layouts: see X64Op). Float conversions and min/max are in
// Emit.Float.cs, calls and returns in Emit.Calls.cs.
public sealed partial class Emitter
{
    void EmitInst(int block, int index, in MInst mi)
    {
        Width w = mi.Width;
        switch (mi.Op)
        {
            case X64Op.Args: EmitArgs(); break;
            case X64Op.GetVmctx: _masm.Mov(Width.W64, G(0), Gpr.R14); break;
            case X64Op.InterruptCheck: EmitInterruptCheck(); break;
            case X64Op.Mov:
                if (A(0).Reg.Class == RegClass.Float) { if (X(0) != X(1)) _masm.Movaps(X(0), X(1)); }
                else if (mi.Size == 4 || G(0) != G(1)) _masm.Mov(w, G(0), G(1));
                break;
            case X64Op.MovImm:
                if (mi.Imm == 0) _masm.Xor(Width.W32, G(0), G(0));
                else _masm.MovImm(w, G(0), mi.Imm);
                break;
            case X64Op.FConst:
                if (mi.Imm == 0) _masm.Xorps(X(0), X(0));
                else if (mi.Size == 4) _masm.Movss(X(0), _masm.Const32((uint)mi.Imm));
                else _masm.Movsd(X(0), _masm.Const64((ulong)mi.Imm));
                break;
            case X64Op.AluRR:
                if (mi.Aux == 8) _masm.Imul(w, G(2), G(1));
                else _masm.Alu((AluOp)mi.Aux, w, G(2), G(1));
                break;
            case X64Op.AluRI: _masm.Alu((AluOp)mi.Aux, w, G(1), (int)mi.Imm); break;
            case X64Op.AluRM:
            {
                var m = MemOf(mi);
                MarkMemory(mi);
                if (mi.Aux == 8) _masm.Imul(w, G(1), m);
                else _masm.Alu((AluOp)mi.Aux, w, G(1), m);
                break;
            }
            case X64Op.ImulRRI: _masm.Imul(w, G(0), G(1), (int)mi.Imm); break;
            case X64Op.Lea: _masm.Lea(mi.Size == 4 ? Width.W32 : Width.W64, G(0), MemOf(mi)); break;
            case X64Op.Unary:
                if (mi.Aux == 0) _masm.Neg(w, G(1)); else _masm.Not(w, G(1));
                break;
            case X64Op.ShiftRC: _masm.Shift((ShiftOp)mi.Aux, w, G(2)); break;
            case X64Op.ShiftRI:
                if (mi.Imm != 0) _masm.Shift((ShiftOp)mi.Aux, w, G(1), (byte)mi.Imm);
                break;
            case X64Op.Rorx: _masm.Rorx(w, G(0), G(1), (byte)mi.Imm); break;
            case X64Op.ShiftX: _masm.Shiftx((ShiftOp)mi.Aux, w, G(0), G(1), G(2)); break;
            case X64Op.Andn: _masm.Andn(w, G(0), G(1), G(2)); break;
            case X64Op.BitCount: EmitBitCount(mi); break;
            case X64Op.Movsx:
                _masm.Movsx(w, G(0), mi.Aux switch { 1 => Width.W8, 2 => Width.W16, _ => Width.W32 }, G(1));
                break;
            case X64Op.Div: EmitDiv(mi); break;
            case X64Op.MulHi:
                if (mi.Aux == 1) _masm.ImulWide(w, G(1)); else _masm.Mul(w, G(1));
                break;
            case X64Op.Setcc: EmitSetcc(mi); break;
            case X64Op.Select: EmitSelect(mi); break;
            case X64Op.Load: EmitLoad(mi); break;
            case X64Op.Store:
            {
                var m = MemOf(mi);
                MarkMemory(mi);
                if (mi.Aux == 3) { if (mi.Size == 4) _masm.Movss(m, X(0)); else _masm.Movsd(m, X(0)); }
                else _masm.Mov(w, m, G(0));
                break;
            }
            case X64Op.StoreImm:
            {
                var m = MemOf(mi);
                MarkMemory(mi);
                _masm.MovImm(w, m, (int)mi.Imm);
                break;
            }
            case X64Op.SseRR: EmitSseBinary(mi); break;
            case X64Op.SseRM: EmitSseBinaryMem(mi); break;
            case X64Op.SseUnary: EmitSseUnary(mi); break;
            case X64Op.Convert: EmitConvert(mi); break;
            case X64Op.Jump:
            {
                int s = _code.Successors(block)[0];
                if (!IsNext(s)) _masm.Jmp(LabelOf(s));
                break;
            }
            case X64Op.Brif: EmitBrif(block, mi); break;
            case X64Op.BrTable: EmitBrTable(block, mi); break;
            case X64Op.Return: EmitReturn(); break;
            case X64Op.Trap: _masm.Trap((TrapCode)mi.Aux); break;
            case X64Op.TrapIf:
            {
                EmitCompare(mi);
                _masm.TrapIf(mi.Cond, (TrapCode)mi.Aux);
                break;
            }
            case X64Op.BoundsCheck: EmitBoundsCheck(mi); break;
            case X64Op.Call: EmitCall(mi); break;
            case X64Op.ReturnCall: EmitReturnCall(mi); break;
            default: throw new NotSupportedException($"x64 emission of {mi.Op}");
        }
    }

    /// <summary>Sets the flags for the compare prefix; returns the number of operands it used.</summary>
    int EmitCompare(in MInst mi)
    {
        Width w = mi.CmpWidth;
        switch (mi.Cmp)
        {
            case CmpKind.Test: _masm.Test(w, G(0), G(0)); return 1;
            case CmpKind.TestImm: _masm.Test(w, G(0), (int)mi.Imm); return 1;
            case CmpKind.Imm: _masm.Cmp(w, G(0), (int)mi.Imm); return 1;
            case CmpKind.Reg: _masm.Cmp(w, G(0), G(1)); return 2;
            case CmpKind.Float: _masm.Sse(mi.CmpSize == 4 ? SseOp.Ucomiss : SseOp.Ucomisd, X(0), X(1)); return 2;
            case CmpKind.Flags: return 0;
            case CmpKind.RegMem:
            {
                var m = MemOf(mi);
                MarkMemory(mi);
                _masm.Cmp(w, G(0), m);
                return 1 + MemRegCount(mi);
            }
            case CmpKind.MemImm:
            {
                var m = MemOf(mi);
                MarkMemory(mi);
                _masm.Cmp(w, m, (int)mi.Imm);
                return MemRegCount(mi);
            }
            default: throw new InvalidOperationException("no condition");
        }
    }

    void EmitBrif(int block, in MInst mi)
    {
        EmitCompare(mi);
        var succs = _code.Successors(block);
        int t = succs[0], f = succs[1];
        var extra = (FloatExtra)mi.Aux2;
        if (mi.Cmp != CmpKind.Float || extra == FloatExtra.None)
        {
            if (IsNext(t)) _masm.Jcc(mi.Cond.Invert(), LabelOf(f));
            else
            {
                _masm.Jcc(mi.Cond, LabelOf(t));
                if (!IsNext(f)) _masm.Jmp(LabelOf(f));
            }
            return;
        }
        if (extra == FloatExtra.AndNotParity)
        {
            // True iff ZF and not PF.
            _masm.Jcc(Cond.Parity, LabelOf(f));
            if (IsNext(t)) _masm.Jcc(Cond.NotEqual, LabelOf(f));
            else
            {
                _masm.Jcc(Cond.Equal, LabelOf(t));
                if (!IsNext(f)) _masm.Jmp(LabelOf(f));
            }
            return;
        }
        // True iff not ZF, or PF.
        _masm.Jcc(Cond.Parity, LabelOf(t));
        if (IsNext(t)) _masm.Jcc(Cond.Equal, LabelOf(f));
        else
        {
            _masm.Jcc(Cond.NotEqual, LabelOf(t));
            if (!IsNext(f)) _masm.Jmp(LabelOf(f));
        }
    }

    void EmitBrTable(int block, in MInst mi)
    {
        // [index, reuse-def of index]: the index register is ours to overwrite.
        var idx = G(1);
        var temp = idx;
        var entries = _fn.Tables[(int)mi.Imm];
        var succs = _code.Successors(block);
        int count = entries.Length - 1;
        _masm.Cmp(Width.W32, idx, count);
        _masm.Jcc(Cond.AboveOrEqual, LabelOf(succs[entries[0]]), JumpDistance.Near);
        var table = _masm.NewLabel();
        _masm.Lea(Width.W64, X64Regs.Scratch, Mem.Rip(table));
        _masm.Movsx(Width.W64, temp, Width.W32, Mem.At(X64Regs.Scratch, idx, 4));
        _masm.Add(Width.W64, X64Regs.Scratch, temp);
        _masm.Jmp(X64Regs.Scratch);
        _jumpTables.Add((table, entries[1..], block));
    }

    void EmitSetcc(in MInst mi)
    {
        int n = EmitCompare(mi);
        var dst = G(n);
        var extra = mi.Cmp == CmpKind.Float ? (FloatExtra)mi.Aux2 : FloatExtra.None;
        switch (extra)
        {
            case FloatExtra.AndNotParity:
                _masm.Setcc(Cond.NotParity, X64Regs.Scratch);
                _masm.Setcc(Cond.Equal, dst);
                _masm.And(Width.W8, dst, X64Regs.Scratch);
                break;
            case FloatExtra.OrParity:
                _masm.Setcc(Cond.Parity, X64Regs.Scratch);
                _masm.Setcc(Cond.NotEqual, dst);
                _masm.Or(Width.W8, dst, X64Regs.Scratch);
                break;
            default:
                _masm.Setcc(mi.Cond, dst);
                break;
        }
        _masm.Movzx(Width.W32, dst, Width.W8, dst);
    }

    void EmitSelect(in MInst mi)
    {
        // [condition..., x, y, dst = y]: dst already holds y; take x when the condition holds.
        int n = EmitCompare(mi);
        if (mi.Aux == 0)
        {
            _masm.Cmov(mi.Cond, mi.Size == 4 ? Width.W32 : Width.W64, G(n + 2), G(n));
            return;
        }
        var skip = _masm.NewLabel();
        _masm.Jcc(mi.Cond.Invert(), skip);
        if (X(n + 2) != X(n)) _masm.Movaps(X(n + 2), X(n));
        _masm.Bind(skip);
    }

    void EmitBoundsCheck(in MInst mi)
    {
        var index = G(0);
        bool inMemory = (mi.Flags & MInst.FlagBoundInMemory) != 0;
        ulong end = (ulong)mi.Imm;
        var code = (TrapCode)mi.Aux;
        Gpr lhs = index;
        if (end == 0) { }
        else if (mi.Aux2 == 1 && end <= int.MaxValue)
        {
            // index < 2^32: index + end cannot wrap.
            _masm.Lea(Width.W64, X64Regs.Scratch, Mem.At(index, (int)end));
            lhs = X64Regs.Scratch;
        }
        else
        {
            _masm.MovImm(Width.W64, X64Regs.Scratch, (long)end);
            _masm.Add(Width.W64, X64Regs.Scratch, index);
            _masm.TrapIf(Cond.Carry, code);
            lhs = X64Regs.Scratch;
        }
        if (inMemory) _masm.Cmp(Width.W64, lhs, MemOf(mi));
        else _masm.Cmp(Width.W64, lhs, G(1));
        _masm.TrapIf(Cond.Above, code);
    }

    void EmitLoad(in MInst mi)
    {
        var m = MemOf(mi);
        MarkMemory(mi);
        switch (mi.Aux)
        {
            case 0: _masm.Mov(mi.Width, G(0), m); break;
            case 1:
                if (mi.Aux2 == 4) _masm.Mov(Width.W32, G(0), m);
                else _masm.Movzx(Width.W32, G(0), mi.Aux2 == 1 ? Width.W8 : Width.W16, m);
                break;
            case 2: _masm.Movsx(mi.Width, G(0), mi.Aux2 switch { 1 => Width.W8, 2 => Width.W16, _ => Width.W32 }, m); break;
            default:
                if (mi.Size == 4) _masm.Movss(X(0), m); else _masm.Movsd(X(0), m);
                break;
        }
    }

    void EmitBitCount(in MInst mi)
    {
        Width w = mi.Width;
        Gpr dst = G(0), src = G(1);
        switch (mi.Aux)
        {
            case 0:
                if (_fn.Cpu.Lzcnt) { _masm.Lzcnt(w, dst, src); break; }
                // bsr leaves dst undefined and sets ZF for 0: substitute 2*bits-1, which the xor turns into bits.
                _masm.MovImm(Width.W32, X64Regs.Scratch, mi.Size * 16 - 1);
                _masm.Bsr(w, dst, src);
                _masm.Cmov(Cond.Zero, w, dst, X64Regs.Scratch);
                _masm.Xor(w, dst, mi.Size * 8 - 1);
                break;
            case 1:
                if (_fn.Cpu.Bmi1) { _masm.Tzcnt(w, dst, src); break; }
                _masm.MovImm(Width.W32, X64Regs.Scratch, mi.Size * 8);
                _masm.Bsf(w, dst, src);
                _masm.Cmov(Cond.Zero, w, dst, X64Regs.Scratch);
                break;
            default: _masm.Popcnt(w, dst, src); break;
        }
    }

    void EmitDiv(in MInst mi)
    {
        // [a in rax, (rdx reserved), b or a constant, result in rax or rdx]; the shared sequence does the checks.
        var kind = (DivKind)mi.Aux;
        if (mi.Aux2 == 1) _masm.IntDivRemByConst(kind, mi.Width, mi.Imm, X64Regs.Scratch);
        else _masm.IntDivRem(kind, mi.Width, G(2));
    }

    // ---- Entry and interruption.

    void EmitArgs()
    {
        var sig = _fn.Sig;
        var abi = _fn.Abi;
        for (int k = 0; k < abi.Params.Length; k++)
        {
            var loc = abi.Params[k];
            var t = sig.Params[k + 1];
            if (!loc.IsStack)
            {
                // Other tiers and the entry trampoline may leave garbage above an i32: clear it (the i32 invariant).
                if (t == IrType.I32) _masm.Mov(Width.W32, loc.Gpr, loc.Gpr);
                continue;
            }
            LoadAny(A(k), Mem.At(Gpr.Rbp, 16 + loc.Offset), t);
        }
    }

    void EmitInterruptCheck()
    {
        var resume = _masm.NewLabel();
        uint src = _masm.Buffer.SourceLocation;
        if (_fuel)
        {
            var slow = _masm.NewLabel();
            _masm.Mov(Width.W64, X64Regs.Scratch, Mem.At(Gpr.R14, _offsets.StoreContext));
            _masm.Sub(Width.W64, Mem.At(X64Regs.Scratch, VmStoreContext.Fuel), 1);
            _masm.Jcc(Cond.Sign, slow, JumpDistance.Near);
            _slowPaths.Add((slow, resume, TrapCode.OutOfFuel, src, default));
        }
        if (_epoch)
        {
            var slow = _masm.NewLabel();
            var t = G(0);
            _masm.Mov(Width.W64, X64Regs.Scratch, Mem.At(Gpr.R14, _offsets.StoreContext));
            _masm.Mov(Width.W64, t, Mem.At(X64Regs.Scratch, VmStoreContext.EpochCounter));
            _masm.Mov(Width.W64, t, Mem.At(t));
            _masm.Cmp(Width.W64, t, Mem.At(X64Regs.Scratch, VmStoreContext.EpochDeadline));
            _masm.Jcc(Cond.AboveOrEqual, slow, JumpDistance.Near);
            _slowPaths.Add((slow, resume, TrapCode.Interrupted, src, default));
        }
        _masm.Bind(resume);
    }

    /// <summary>Calls the OutOfFuelOrEpoch builtin with every caller-saved register preserved (values may live in any).</summary>
    void EmitInterruptSlowPath(Label entry, Label resume, TrapCode code, uint src)
    {
        _masm.SetSourceLocation(src);
        _masm.Bind(entry);
        var gprs = X64Regs.CallerSavedGpr;
        const int Xmms = 15;
        int size = (8 * gprs.Length + 8 * Xmms + 15) & ~15;
        _masm.Sub(Width.W64, Gpr.Rsp, size);
        for (int k = 0; k < gprs.Length; k++) _masm.Mov(Width.W64, Mem.At(Gpr.Rsp, 8 * k), gprs[k]);
        for (int j = 0; j < Xmms; j++) _masm.Movsd(Mem.At(Gpr.Rsp, 8 * gprs.Length + 8 * j), (Xmm)j);
        _masm.Mov(Width.W64, Gpr.Rdi, Gpr.R14);
        _masm.Mov(Width.W64, X64Regs.Scratch, Mem.At(Gpr.R14, _offsets.Builtins));
        _masm.Call(Mem.At(X64Regs.Scratch, Builtins.TableOffset(BuiltinId.OutOfFuelOrEpoch)));
        _masm.Mov(Width.W64, X64Regs.Scratch, Gpr.Rax);
        for (int k = 0; k < gprs.Length; k++) _masm.Mov(Width.W64, gprs[k], Mem.At(Gpr.Rsp, 8 * k));
        for (int j = 0; j < Xmms; j++) _masm.Movsd((Xmm)j, Mem.At(Gpr.Rsp, 8 * gprs.Length + 8 * j));
        _masm.Add(Width.W64, Gpr.Rsp, size);
        _masm.Test(Width.W32, X64Regs.Scratch, X64Regs.Scratch);
        _masm.TrapIf(Cond.NotZero, code);
        _masm.Jmp(resume);
    }

    // ---- Values in any location.

    /// <summary>Stores a value (register or spill slot) to <paramref name="dst"/>, 8 bytes.</summary>
    void StoreAny(Allocation a, Mem dst)
    {
        if (a.Kind == AllocationKind.Reg)
        {
            if (a.Reg.Class == RegClass.Int) _masm.Mov(Width.W64, dst, (Gpr)a.Reg.Hw);
            else _masm.Movsd(dst, (Xmm)a.Reg.Hw);
            return;
        }
        _masm.Mov(Width.W64, X64Regs.Scratch, Slot(a.Slot.Index));
        _masm.Mov(Width.W64, dst, X64Regs.Scratch);
    }

    /// <summary>Loads a value of type <paramref name="t"/> from <paramref name="src"/> into its location (an i32 zero-extended).</summary>
    void LoadAny(Allocation a, Mem src, IrType t)
    {
        if (a.Kind == AllocationKind.Reg)
        {
            if (a.Reg.Class == RegClass.Int) _masm.Mov(t == IrType.I32 ? Width.W32 : Width.W64, (Gpr)a.Reg.Hw, src);
            else if (t == IrType.F32) _masm.Movss((Xmm)a.Reg.Hw, src);
            else _masm.Movsd((Xmm)a.Reg.Hw, src);
            return;
        }
        _masm.Mov(t == IrType.I32 ? Width.W32 : Width.W64, X64Regs.Scratch, src);
        _masm.Mov(Width.W64, Slot(a.Slot.Index), X64Regs.Scratch);
    }
}
