using Hoist.Optimizing.Ir;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Optimizing.Translate;

// Linear memories, tables and globals: every access goes through explicit loads of the VMContext
// records (VmOffsets), each tagged with the alias region it reads, so value numbering can share them and
// only the operations that can change them (stores, memory.grow, table.grow, calls) separate them.
// Heap accesses of guarded memories skip the bounds check (see CheckedAddress).
public sealed partial class FunctionTranslator
{
    /// <summary>A load of a field that never changes (VMContext records, import pointers): movable and in the const region.</summary>
    Value LoadConst(Value address, int offset) =>
        _b.Load(Op.Load, IrType.I64, AliasRegion.Const, address, offset, MemFlags.Movable);

    /// <summary>The pointer to a memory/table/global record and the offset of the record from it (imports go through a pointer).</summary>
    (Value Pointer, int Offset) Record((bool Indirect, int Offset) where) =>
        where.Indirect ? (LoadConst(_vmctx, where.Offset), 0) : (_vmctx, where.Offset);

    Value HeapBase(uint memory)
    {
        var (p, off) = Record(_env.Offsets.Memory(memory));
        return LoadConst(p, off + VmOffsets.MemoryBase);
    }

    /// <summary>The memory's current length in bytes (changes with memory.grow).</summary>
    Value HeapSize(uint memory)
    {
        var (p, off) = Record(_env.Offsets.Memory(memory));
        return _b.Load(Op.Load, IrType.I64, AliasRegion.MemorySize(memory), p, off + VmOffsets.MemoryLength, MemFlags.Movable);
    }

    /// <summary>A wasm address (i32 or i64) as an i64.</summary>
    Value ToI64(Value address) => _f.TypeOf(address) == IrType.I32 ? _b.Unary(Op.Uextend, address) : address;

    /// <summary>
    /// Checks that [index + offset, index + offset + size) lies in the memory and returns base + index, to
    /// be accessed at +offset; None (after a trap) when offset + size overflows, so no access can be in bounds.
    /// </summary>
    /// <remarks>
    /// A guarded memory (<see cref="ModuleEnvironment.GuardBytes"/>, guard pages) needs no check when
    /// offset + size fits in its guard: base + uextend(index) + offset is then in bounds or faults in the
    /// memory's reservation, and the runtime turns the fault into the trap. The access is then flagged
    /// <see cref="MemFlags.Trap"/> (<paramref name="flags"/>), so a load whose result is unused still happens.
    /// The back end must keep the zero extension (the sandbox depends on it) and make every heap access a
    /// MemoryOutOfBounds trap site.
    /// </remarks>
    Value CheckedAddress(uint memory, Value index, ulong offset, uint size, out MemFlags flags)
    {
        flags = MemFlags.None;
        var index64 = ToI64(index);
        ulong end = offset + size;
        if (end < offset)
        {
            _b.Trap(TrapCode.MemoryOutOfBounds);
            SetUnreachable();
            return Value.None;
        }
        ulong guard = _env.GuardBytes(memory);
        bool guarded = guard > 0 && !_env.Memory(memory).Limits.Is64 && offset <= int.MaxValue && end <= guard;
        if (guarded) flags = MemFlags.Trap;        // the access itself may trap: dead code elimination must keep it
        else _b.BoundsCheck(index64, end, HeapSize(memory), TrapCode.MemoryOutOfBounds);
        return _b.Binary(Op.Iadd, HeapBase(memory), index64);
    }

    void MemoryLoad(in Operator op, Op load)
    {
        uint memory = op.MemArg.Memory;
        var addr = CheckedAddress(memory, Pop(), op.MemArg.Offset, 1u << op.Opcode.NaturalAlignmentLog2(), out var flags);
        if (!addr.IsValid) return;
        Push(_b.Load(load, FromSig(op.Opcode.Results()[0]), AliasRegion.Memory(memory), addr, (long)op.MemArg.Offset, flags));
    }

    void MemoryStore(in Operator op, Op store)
    {
        uint memory = op.MemArg.Memory;
        var value = Pop();
        var addr = CheckedAddress(memory, Pop(), op.MemArg.Offset, 1u << op.Opcode.NaturalAlignmentLog2(), out var flags);
        if (!addr.IsValid) return;
        _b.Store(store, AliasRegion.Memory(memory), addr, (long)op.MemArg.Offset, value, flags);
    }

    void MemorySize(uint memory)
    {
        var limits = _env.Memory(memory).Limits;
        var pages = _b.Binary(Op.Ushr, HeapSize(memory), _b.Iconst(IrType.I64, limits.PageSizeLog2));
        Push(limits.Is64 ? pages : _b.Unary(Op.Ireduce, pages));
    }

    void MemoryGrow(uint memory)
    {
        var delta = ToI64(Pop());
        var old = _f.Result(CallBuiltin(BuiltinId.MemoryGrow, [Const32(memory), delta]));
        Push(_env.Memory(memory).Limits.Is64 ? old : _b.Unary(Op.Ireduce, old));
    }

    void MemoryFill(uint memory)
    {
        var n = ToI64(Pop());
        var value = Pop();
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.MemoryFill, [Const32(memory), dst, value, n]), TrapCode.MemoryOutOfBounds);
    }

    void MemoryCopy(uint dstMemory, uint srcMemory)
    {
        var n = ToI64(Pop());
        var src = ToI64(Pop());
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.MemoryCopy, [Const32(dstMemory), Const32(srcMemory), dst, src, n]), TrapCode.MemoryOutOfBounds);
    }

    void MemoryInit(uint data, uint memory)
    {
        var n = Pop();
        var src = Pop();
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.MemoryInit, [Const32(memory), Const32(data), dst, src, n]), TrapCode.MemoryOutOfBounds);
    }

    /// <summary>A builtin's TrapCode result: non-zero traps (the runtime reports the builtin's own code; <paramref name="fallback"/> otherwise).</summary>
    void CheckStatus(Inst call, TrapCode fallback) => _b.Trapnz(_f.Result(call), fallback);

    // ---- Tables.

    (Value Pointer, int Offset) TableRecord(uint table) => Record(_env.Offsets.Table(table));

    /// <summary>The length in elements (changes with table.grow).</summary>
    Value TableLength(uint table)
    {
        var (p, off) = TableRecord(table);
        return _b.Load(Op.Load, IrType.I64, AliasRegion.TableMeta(table), p, off + VmOffsets.TableLength, MemFlags.Movable);
    }

    /// <summary>The address of element <paramref name="index"/> after checking it against the length (trapping with <paramref name="code"/>).</summary>
    Value TableElementAddress(uint table, Value index, TrapCode code)
    {
        var index64 = ToI64(index);
        _b.BoundsCheck(index64, 1, TableLength(table), code);
        var (p, off) = TableRecord(table);
        var elements = _b.Load(Op.Load, IrType.I64, AliasRegion.TableMeta(table), p, off + VmOffsets.TableBase, MemFlags.Movable);
        return _b.Binary(Op.Iadd, elements, _b.Binary(Op.Ishl, index64, _b.Iconst(IrType.I64, 3)));
    }

    void TableGet(uint table)
    {
        var addr = TableElementAddress(table, Pop(), TrapCode.TableOutOfBounds);
        Push(_b.Load(Op.Load, IrType.I64, AliasRegion.Table(table), addr, 0));
    }

    void TableSet(uint table)
    {
        var value = Pop();
        var addr = TableElementAddress(table, Pop(), TrapCode.TableOutOfBounds);
        _b.Store(Op.Store, AliasRegion.Table(table), addr, 0, value);
    }

    void TableSize(uint table)
    {
        var length = TableLength(table);
        Push(_env.Table(table).Limits.Is64 ? length : _b.Unary(Op.Ireduce, length));
    }

    void TableGrow(uint table)
    {
        var delta = ToI64(Pop());
        var init = Pop();
        var old = _f.Result(CallBuiltin(BuiltinId.TableGrow, [Const32(table), init, delta]));
        Push(_env.Table(table).Limits.Is64 ? old : _b.Unary(Op.Ireduce, old));
    }

    void TableFill(uint table)
    {
        var n = ToI64(Pop());
        var value = Pop();
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.TableFill, [Const32(table), dst, value, n]), TrapCode.TableOutOfBounds);
    }

    void TableCopy(uint dstTable, uint srcTable)
    {
        var n = ToI64(Pop());
        var src = ToI64(Pop());
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.TableCopy, [Const32(dstTable), Const32(srcTable), dst, src, n]), TrapCode.TableOutOfBounds);
    }

    void TableInit(uint elem, uint table)
    {
        var n = Pop();
        var src = Pop();
        var dst = ToI64(Pop());
        CheckStatus(CallBuiltin(BuiltinId.TableInit, [Const32(table), Const32(elem), dst, src, n]), TrapCode.TableOutOfBounds);
    }

    // ---- Globals.

    (Value Pointer, int Offset, AliasRegion Region, IrType Type) GlobalCell(uint global, long offset)
    {
        var g = _env.Global(global);
        var (p, off) = Record(_env.Offsets.Global(global));
        return (p, off, g.Mutable ? AliasRegion.Global(global) : AliasRegion.Const, ModuleEnvironment.IrTypeOf(g.Type, offset));
    }

    void GlobalGet(uint global, long offset)
    {
        var (p, off, region, type) = GlobalCell(global, offset);
        Push(_b.Load(Op.Load, type, region, p, off, MemFlags.Movable));
    }

    void GlobalSet(uint global, long offset)
    {
        var (p, off, region, _) = GlobalCell(global, offset);
        _b.Store(Op.Store, region, p, off, Pop());
    }
}
