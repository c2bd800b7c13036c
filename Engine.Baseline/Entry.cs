using Hoist.Isa.X64;
using Hoist.Wasm;

namespace Hoist.Baseline;

/// <summary>Where the value of a <see cref="Entry"/> is.</summary>
internal enum EntryKind : byte
{
    /// <summary>A constant known at compile time (<see cref="Entry.Bits"/>); never needs code until used.</summary>
    Const,
    /// <summary>In a register the entry owns (<see cref="Entry.Reg"/>: a Gpr for integers and references, an Xmm for floats).</summary>
    Reg,
    /// <summary>Still in local <see cref="Entry.Offset"/>'s slot: a lazy <c>local.get</c>, materialised before that local is written.</summary>
    Local,
    /// <summary>In a frame slot at <c>[rbp + Offset]</c> (normally the canonical slot of the entry's position).</summary>
    Stack,
    /// <summary>An i32 boolean still in the CPU flags (<see cref="Entry.Cond"/>): only ever the top entry, right after a compare.</summary>
    Flags,
}

/// <summary>
/// One value of the baseline compiler's value stack: a lazy description of where the wasm operand is,
/// so that constants fold into immediates, locals are read straight from their slots, and registers are
/// only used once a value is computed. <see cref="Type"/> is I32, I64, F32, F64 or Ref (Ref covers every
/// reference type: a 64-bit pointer or handle, 0 = null).
/// </summary>
internal struct Entry
{
    public EntryKind Kind;
    public ValKind Type;
    public byte Reg;
    public Cond Cond;
    /// <summary>Stack: the rbp displacement of the slot. Local: the local index.</summary>
    public int Offset;
    /// <summary>Const: the bits (i32 and f32 zero-extended).</summary>
    public ulong Bits;

    public readonly bool IsFloat => Type is ValKind.F32 or ValKind.F64;
    public readonly bool Is64 => Type is ValKind.I64 or ValKind.F64 or ValKind.Ref;
    public readonly Width Width => Is64 ? Width.W64 : Width.W32;
    public readonly Gpr Gpr => (Gpr)Reg;
    public readonly Xmm Xmm => (Xmm)Reg;
    public readonly bool IsConst => Kind == EntryKind.Const;
    public readonly bool IsReg => Kind == EntryKind.Reg;
    public readonly bool IsMemory => Kind is EntryKind.Local or EntryKind.Stack;

    public static Entry Constant(ValKind type, ulong bits) => new() { Kind = EntryKind.Const, Type = type, Bits = bits };
    public static Entry InGpr(ValKind type, Gpr r) => new() { Kind = EntryKind.Reg, Type = type, Reg = (byte)r };
    public static Entry InXmm(ValKind type, Xmm r) => new() { Kind = EntryKind.Reg, Type = type, Reg = (byte)r };
    public static Entry InSlot(ValKind type, int offset) => new() { Kind = EntryKind.Stack, Type = type, Offset = offset };
    public static Entry OfLocal(ValKind type, int index) => new() { Kind = EntryKind.Local, Type = type, Offset = index };
    public static Entry InFlags(Cond cond) => new() { Kind = EntryKind.Flags, Type = ValKind.I32, Cond = cond };

    public override readonly string ToString() => Kind switch
    {
        EntryKind.Const => $"{Type}:const 0x{Bits:x}",
        EntryKind.Reg => IsFloat ? $"{Type}:{Xmm}" : $"{Type}:{Gpr}",
        EntryKind.Local => $"{Type}:local {Offset}",
        EntryKind.Stack => $"{Type}:[rbp{Offset:+0;-0}]",
        _ => $"{Type}:flags {Cond}",
    };
}
