namespace Hoist.Vm;

/// <summary>
/// The runtime functions compiled code calls (libcalls): the one table of their ids and signatures
/// (the signatures as data in <see cref="Builtins.Signature"/>; the doc comments below say what each means).
/// The runtime fills a native table of entry points in this order and stores its address in the
/// VMContext (<see cref="VmOffsets.Builtins"/>); compiled code calls <c>[table + 8 * id]</c>.
/// Calling convention: the platform C ABI (System V on linux-x64: integer args in rdi, rsi, rdx, rcx,
/// r8, r9; result in rax; every xmm and rax, rcx, rdx, rsi, rdi, r8-r11 clobbered). The first argument
/// is always the caller's VMContext. Builtins that can trap return a <see cref="TrapCode"/> (0 = no
/// trap) and the caller branches to its trap path, so no trap unwinds through a .NET frame.
/// </summary>
public enum BuiltinId : ushort
{
    /// <summary>(vmctx, u32 memory, u64 deltaPages) → u64 old size in pages, or u64.MaxValue on failure.</summary>
    MemoryGrow,
    /// <summary>(vmctx, u32 memory, u64 dst, u32 value, u64 len) → TrapCode.</summary>
    MemoryFill,
    /// <summary>(vmctx, u32 dstMemory, u32 srcMemory, u64 dst, u64 src, u64 len) → TrapCode.</summary>
    MemoryCopy,
    /// <summary>(vmctx, u32 memory, u32 data, u64 dst, u32 src, u32 len) → TrapCode.</summary>
    MemoryInit,
    /// <summary>(vmctx, u32 data) → 0.</summary>
    DataDrop,
    /// <summary>(vmctx, u32 table, u64 initValue, u64 delta) → u64 old size, or u64.MaxValue on failure.</summary>
    TableGrow,
    /// <summary>(vmctx, u32 table, u64 dst, u64 value, u64 len) → TrapCode.</summary>
    TableFill,
    /// <summary>(vmctx, u32 dstTable, u32 srcTable, u64 dst, u64 src, u64 len) → TrapCode.</summary>
    TableCopy,
    /// <summary>(vmctx, u32 table, u32 elem, u64 dst, u32 src, u32 len) → TrapCode.</summary>
    TableInit,
    /// <summary>(vmctx, u32 elem) → 0.</summary>
    ElemDrop,
    /// <summary>(vmctx, u32 canonicalTypeId, VMFuncRef* callee) → 1 if the callee's type is a subtype, else 0 (non-final types only).</summary>
    IsSubtype,
    /// <summary>(vmctx) → TrapCode: fuel ran out or the epoch deadline passed; the embedder decides (trap, yield, refill).</summary>
    OutOfFuelOrEpoch,
}

/// <summary>The C-ABI kind of a builtin's parameter or result (all passed in integer registers).</summary>
public enum BuiltinValue : byte
{
    /// <summary>The caller's VMContext pointer (always the first parameter).</summary>
    VmContext,
    /// <summary>A 32-bit unsigned integer (an index, a byte value, a length within a 32-bit range).</summary>
    U32,
    /// <summary>A 64-bit unsigned integer (an address, a length, a page count, a reference's bits).</summary>
    U64,
    /// <summary>A native pointer other than the VMContext (e.g. a <c>VMFuncRef*</c>).</summary>
    Pointer,
    /// <summary>A <see cref="TrapCode"/> as a u32: 0 means no trap.</summary>
    TrapCode,
}

/// <summary>A builtin's C signature: its parameters (the VMContext first) and its one result.</summary>
public sealed record BuiltinSignature(BuiltinValue[] Params, BuiltinValue Result);

public static class Builtins
{
    /// <summary>The number of builtins: the length of the runtime's entry-point table.</summary>
    public const int Count = (int)BuiltinId.OutOfFuelOrEpoch + 1;

    private const BuiltinValue Vmctx = BuiltinValue.VmContext, U32 = BuiltinValue.U32, U64 = BuiltinValue.U64,
        Ptr = BuiltinValue.Pointer, Trap = BuiltinValue.TrapCode;

    // The one table of the signatures, in BuiltinId order (checked at startup: one row per id).
    private static readonly BuiltinSignature[] s_signatures = Check(
    [
        new([Vmctx, U32, U64], U64),                 // MemoryGrow
        new([Vmctx, U32, U64, U32, U64], Trap),      // MemoryFill
        new([Vmctx, U32, U32, U64, U64, U64], Trap), // MemoryCopy
        new([Vmctx, U32, U32, U64, U32, U32], Trap), // MemoryInit
        new([Vmctx, U32], U32),                      // DataDrop
        new([Vmctx, U32, U64, U64], U64),            // TableGrow
        new([Vmctx, U32, U64, U64, U64], Trap),      // TableFill
        new([Vmctx, U32, U32, U64, U64, U64], Trap), // TableCopy
        new([Vmctx, U32, U32, U64, U32, U32], Trap), // TableInit
        new([Vmctx, U32], U32),                      // ElemDrop
        new([Vmctx, U32, Ptr], U32),                 // IsSubtype
        new([Vmctx], Trap),                          // OutOfFuelOrEpoch
    ]);

    private static BuiltinSignature[] Check(BuiltinSignature[] table)
    {
        if (table.Length != Count) throw new InvalidOperationException($"{table.Length} builtin signatures for {Count} builtins");
        foreach (BuiltinSignature s in table)
            if (s.Params.Length == 0 || s.Params[0] != BuiltinValue.VmContext || Array.IndexOf(s.Params, BuiltinValue.VmContext, 1) > 0)
                throw new InvalidOperationException("every builtin takes the VMContext first, and only there");
        return table;
    }

    /// <summary>The C signature of <paramref name="id"/> (do not mutate the arrays).</summary>
    public static BuiltinSignature Signature(BuiltinId id) => s_signatures[(int)id];

    /// <summary>Byte offset of a builtin's entry in the table.</summary>
    public static int TableOffset(BuiltinId id) => 8 * (int)id;
}
