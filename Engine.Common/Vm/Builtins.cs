namespace Hoist.Vm;

/// <summary>
/// The runtime functions compiled code calls (libcalls): the one table of their ids and signatures.
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

public static class Builtins
{
    /// <summary>The number of builtins: the length of the runtime's entry-point table.</summary>
    public const int Count = (int)BuiltinId.OutOfFuelOrEpoch + 1;

    /// <summary>Byte offset of a builtin's entry in the table.</summary>
    public static int TableOffset(BuiltinId id) => 8 * (int)id;
}
