using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Parametric operators, locals, globals, references, tables and the bulk operations done by builtins.
internal sealed partial class FunctionCompiler
{
    // ---- Parametric.

    void Drop() => Free(Pop());

    /// <summary><c>select</c>: c ? a : b, with cmov for integers and references, a short branch for floats.</summary>
    void Select()
    {
        Entry c = Pop();
        Entry b = Pop();
        Entry a = Pop();
        if (c.Kind == EntryKind.Const)
        {
            if (c.Bits != 0) { Free(b); Push(a); }
            else { Free(a); PushMoved(b); }
            return;
        }
        if (!a.IsFloat)
        {
            Gpr d = ToGpr(ref a);
            if (b.Kind == EntryKind.Const) LoadInto(Scratch, b);
            Cond cond = c.Kind == EntryKind.Flags ? c.Cond : TestCondition(c);
            if (b.Kind == EntryKind.Const) _masm.Cmov(cond.Invert(), a.Width, d, Scratch);
            else if (b.Kind == EntryKind.Reg) _masm.Cmov(cond.Invert(), a.Width, d, b.Gpr);
            else _masm.Cmov(cond.Invert(), a.Width, d, MemOf(b));
            Free(b);
            PushGpr(a.Type, d);
        }
        else
        {
            Xmm d = ToXmm(ref a);
            Cond cond = c.Kind == EntryKind.Flags ? c.Cond : TestCondition(c);
            Label done = _masm.NewLabel();
            _masm.Jcc(cond, done, JumpDistance.Short);
            LoadInto(d, b);
            _masm.Bind(done);
            Free(b);
            PushXmm(a.Type, d);
        }
    }

    // ---- Locals.

    void LocalGet(uint index) => Push(Entry.OfLocal(_localKind[index], (int)index));

    void LocalSet(uint index, bool tee)
    {
        Entry v = Pop();
        FlushLocal(index);
        if (v.Kind != EntryKind.Local || v.Offset != (int)index) StoreTo(Rbp(_localOffset[index]), v);
        if (!tee) { Free(v); return; }
        if (v.Kind is EntryKind.Reg or EntryKind.Const) Push(v);
        else Push(Entry.OfLocal(_localKind[index], (int)index));
    }

    // ---- Globals.

    /// <summary>The cell of global <paramref name="index"/>; an imported one is reached through r11.</summary>
    Mem GlobalCell(uint index)
    {
        (bool indirect, int offset) = _env.Offsets.Global(index);
        if (!indirect) return Mem.At(Gpr.R14, offset);
        _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset));
        return Mem.At(Scratch);
    }

    void GlobalGet(uint index)
    {
        ValKind kind = KindOf(_env.Globals[index].Type);
        if (kind is ValKind.F32 or ValKind.F64)
        {
            Xmm x = AllocXmm();
            Mem cell = GlobalCell(index);
            if (kind == ValKind.F64) _masm.Movsd(x, cell); else _masm.Movss(x, cell);
            PushXmm(kind, x);
        }
        else
        {
            Gpr r = AllocGpr();
            _masm.Mov(kind == ValKind.I32 ? Width.W32 : Width.W64, r, GlobalCell(index));
            PushGpr(kind, r);
        }
    }

    void GlobalSet(uint index)
    {
        Entry v = Pop();
        // StoreTo may need the scratch register for a slot or a wide constant; the cell's address may too.
        if (!(v.Kind == EntryKind.Reg || FitsImm32(v)))
        {
            if (v.IsFloat) ToXmm(ref v); else ToGpr(ref v);
        }
        StoreTo(GlobalCell(index), v);
        Free(v);
    }

    // ---- References.

    void RefIsNull()
    {
        Entry r = Pop();
        if (r.Kind == EntryKind.Const) { PushConst(ValKind.I32, r.Bits == 0 ? 1u : 0u); return; }
        TestNull(ref r);
        Free(r);
        Push(Entry.InFlags(Cond.Equal));
    }

    void RefAsNonNull()
    {
        Entry r = Pop();
        TestNull(ref r);
        _masm.TrapIf(Cond.Equal, TrapCode.NullReference);
        Push(r);
    }

    void RefFunc(uint funcIndex)
    {
        Gpr r = AllocGpr();
        if (funcIndex < (uint)_env.ImportedFunctions)
            _masm.Mov(Width.W64, r, Mem.At(Gpr.R14, _env.Offsets.ImportedFunction(funcIndex) + VmOffsets.ImportedFunctionFuncRef));
        else
            _masm.Lea(Width.W64, r, Mem.At(Gpr.R14, _env.Offsets.FuncRef(funcIndex)));
        PushGpr(ValKind.Ref, r);
    }

    // ---- Tables.

    /// <summary>
    /// Checks <paramref name="index"/> (an i32 zero-extended, or an i64) against the table's length, trapping
    /// with "out of bounds table access", and leaves the table's element base in r11.
    /// </summary>
    void TableElementBase(uint table, Gpr index)
    {
        (bool indirect, int offset) = _env.Offsets.Table(table);
        if (indirect)
        {
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset));
            _masm.Cmp(Width.W64, index, Mem.At(Scratch, VmOffsets.TableLength));
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.TableOutOfBounds);
            _masm.Mov(Width.W64, Scratch, Mem.At(Scratch, VmOffsets.TableBase));
        }
        else
        {
            _masm.Cmp(Width.W64, index, Mem.At(Gpr.R14, offset + VmOffsets.TableLength));
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.TableOutOfBounds);
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset + VmOffsets.TableBase));
        }
    }

    void TableGet(uint table)
    {
        Gpr r = PopGpr();
        TableElementBase(table, r);
        _masm.Mov(Width.W64, r, Mem.At(Scratch, r, 8));
        PushGpr(ValKind.Ref, r);
    }

    void TableSet(uint table)
    {
        Entry v = Pop();
        if (!(v.Kind == EntryKind.Reg || FitsImm32(v))) ToGpr(ref v);
        Gpr r = PopGpr();
        TableElementBase(table, r);
        Mem element = Mem.At(Scratch, r, 8);
        if (v.Kind == EntryKind.Reg) _masm.Mov(Width.W64, element, v.Gpr);
        else _masm.MovImm(Width.W64, element, Imm32(v));
        Free(v);
        FreeGpr(r);
    }

    void TableSize(uint table)
    {
        bool is64 = _env.Tables[table].Limits.Is64;
        Gpr r = AllocGpr();
        (bool indirect, int offset) = _env.Offsets.Table(table);
        Mem length = Mem.At(Gpr.R14, offset + VmOffsets.TableLength);
        if (indirect)
        {
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset));
            length = Mem.At(Scratch, VmOffsets.TableLength);
        }
        // A 32-bit table's length fits 32 bits.
        _masm.Mov(is64 ? Width.W64 : Width.W32, r, length);
        PushGpr(is64 ? ValKind.I64 : ValKind.I32, r);
    }

    void TableGrow(uint table)
    {
        Entry delta = Pop();
        Entry init = Pop();
        CallBuiltin(BuiltinId.TableGrow, [Index(table), init, delta]);
        PushSizeResult(_env.Tables[table].Limits.Is64);
    }

    void TableFill(uint table)
    {
        Entry len = Pop();
        Entry value = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.TableFill, [Index(table), dst, value, len]);
        TrapIfBuiltinFailed(TrapCode.TableOutOfBounds);
    }

    void TableCopy(uint dstTable, uint srcTable)
    {
        Entry len = Pop();
        Entry src = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.TableCopy, [Index(dstTable), Index(srcTable), dst, src, len]);
        TrapIfBuiltinFailed(TrapCode.TableOutOfBounds);
    }

    void TableInit(uint elem, uint table)
    {
        Entry len = Pop();
        Entry src = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.TableInit, [Index(table), Index(elem), dst, src, len]);
        TrapIfBuiltinFailed(TrapCode.TableOutOfBounds);
    }

    void SegmentDrop(BuiltinId id, uint segment) => CallBuiltin(id, [Index(segment)]);

    static Entry Index(uint index) => Entry.Constant(ValKind.I32, index);

    /// <summary>Pushes the u64 a grow builtin returned in rax (old size, or all ones on failure) as an i32 or i64.</summary>
    void PushSizeResult(bool is64)
    {
        ClaimGpr(Gpr.Rax);
        if (!is64) _masm.Mov(Width.W32, Gpr.Rax, Gpr.Rax);
        PushGpr(is64 ? ValKind.I64 : ValKind.I32, Gpr.Rax);
    }
}
