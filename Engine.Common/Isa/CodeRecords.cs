using Hoist.Vm;

namespace Hoist.Isa;

/// <summary>
/// An instruction that traps: <see cref="Offset"/> is the pc the runtime observes when it traps, relative
/// to the function start. For a faulting instruction (a load under guard pages, a <c>ud2</c>) that is the
/// instruction itself; for a trap stub that calls the runtime's trap handler it is the call's return
/// address.
/// </summary>
public readonly record struct TrapSite(int Offset, TrapCode Code);

/// <summary>A call instruction; <see cref="ReturnOffset"/> is the offset of its return address.</summary>
public readonly record struct CallSite(int ReturnOffset);

/// <summary>
/// From <see cref="CodeOffset"/> up to the next record's code offset, the machine code implements the
/// wasm instruction at byte <see cref="WasmOffset"/> of the module (or <see cref="None"/>: code that belongs
/// to no instruction, such as a prologue).
/// </summary>
public readonly record struct SourceLoc(int CodeOffset, uint WasmOffset)
{
    public const uint None = uint.MaxValue;
}

/// <summary>
/// How a label reference is patched once the label's offset is known: an N-bit little-endian two's
/// complement displacement equal to <c>target - pc</c>, where pc is given with the reference (on x64, the
/// end of the instruction; for a jump-table entry, the table's start).
/// </summary>
public enum FixupKind : byte
{
    Rel8,
    Rel32,
}
