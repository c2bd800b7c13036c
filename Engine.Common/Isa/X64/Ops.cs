namespace Hoist.Isa.X64;

/// <summary>
/// How an instruction's fixed part is packed in a <see cref="uint"/> for the encoder: the opcode byte,
/// the opcode map, the mandatory prefix and the REX.W bit, plus operand-shape flags the encoder needs.
/// Public op enums (<see cref="SseOp"/>, <see cref="SseStoreOp"/>) use these packed values directly,
/// so encoding one is a few shifts, not a table lookup.
/// </summary>
internal static class Enc
{
    public const uint Map0F = 1 << 8;
    public const uint Map0F38 = 2 << 8;
    public const uint Map0F3A = 3 << 8;
    public const uint P66 = 1 << 10;
    public const uint PF3 = 2 << 10;
    public const uint PF2 = 3 << 10;
    public const uint RexW = 1 << 12;
    /// <summary>A 16-bit operation: operand-size prefix 0x66.</summary>
    public const uint OpSize16 = 1 << 13;
    /// <summary>ModRM.reg names an 8-bit register (4..7 then need a REX to mean spl..dil).</summary>
    public const uint ByteReg = 1 << 14;
    /// <summary>ModRM.rm names an 8-bit register.</summary>
    public const uint ByteRm = 1 << 15;
}

/// <summary>The two-operand integer ALU operations; the value is the x86 group-1 <c>/digit</c>.</summary>
public enum AluOp : byte
{
    Add = 0,
    Or = 1,
    Adc = 2,
    Sbb = 3,
    And = 4,
    Sub = 5,
    Xor = 6,
    Cmp = 7,
}

/// <summary>Shifts and rotates; the value is the x86 group-2 <c>/digit</c>.</summary>
public enum ShiftOp : byte
{
    Rol = 0,
    Ror = 1,
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// <summary>The rounding of <c>roundss/roundsd</c>: the imm8's mode bits (precision exceptions are suppressed).</summary>
public enum RoundingMode : byte
{
    Nearest = 0,
    Floor = 1,
    Ceil = 2,
    Trunc = 3,
}

/// <summary>
/// SSE operations of the form <c>op xmm, xmm/mem</c> (destination in ModRM.reg). Scalar ops read and write
/// the low lane; loads of movss/movsd/movq zero the rest. The value is the packed encoding (see <c>Enc</c>).
/// </summary>
public enum SseOp : uint
{
    Movss = Enc.PF3 | Enc.Map0F | 0x10,
    Movsd = Enc.PF2 | Enc.Map0F | 0x10,
    /// <summary><c>movq xmm, xmm/m64</c>: copies the low 64 bits and zeroes the high ones.</summary>
    Movq = Enc.PF3 | Enc.Map0F | 0x7E,
    Movups = Enc.Map0F | 0x10,
    Movupd = Enc.P66 | Enc.Map0F | 0x10,
    Movaps = Enc.Map0F | 0x28,
    Movapd = Enc.P66 | Enc.Map0F | 0x28,
    Movdqu = Enc.PF3 | Enc.Map0F | 0x6F,
    Movdqa = Enc.P66 | Enc.Map0F | 0x6F,

    Addss = Enc.PF3 | Enc.Map0F | 0x58,
    Addsd = Enc.PF2 | Enc.Map0F | 0x58,
    Mulss = Enc.PF3 | Enc.Map0F | 0x59,
    Mulsd = Enc.PF2 | Enc.Map0F | 0x59,
    Subss = Enc.PF3 | Enc.Map0F | 0x5C,
    Subsd = Enc.PF2 | Enc.Map0F | 0x5C,
    Minss = Enc.PF3 | Enc.Map0F | 0x5D,
    Minsd = Enc.PF2 | Enc.Map0F | 0x5D,
    Divss = Enc.PF3 | Enc.Map0F | 0x5E,
    Divsd = Enc.PF2 | Enc.Map0F | 0x5E,
    Maxss = Enc.PF3 | Enc.Map0F | 0x5F,
    Maxsd = Enc.PF2 | Enc.Map0F | 0x5F,
    Sqrtss = Enc.PF3 | Enc.Map0F | 0x51,
    Sqrtsd = Enc.PF2 | Enc.Map0F | 0x51,
    Cvtss2sd = Enc.PF3 | Enc.Map0F | 0x5A,
    Cvtsd2ss = Enc.PF2 | Enc.Map0F | 0x5A,

    /// <summary>Unordered compare of the low lanes into ZF/PF/CF (PF set: a NaN).</summary>
    Ucomiss = Enc.Map0F | 0x2E,
    Ucomisd = Enc.P66 | Enc.Map0F | 0x2E,

    // Bitwise ops on the whole register: abs (and), neg (xor), copysign (and/andn/or).
    Andps = Enc.Map0F | 0x54,
    Andpd = Enc.P66 | Enc.Map0F | 0x54,
    Andnps = Enc.Map0F | 0x55,
    Andnpd = Enc.P66 | Enc.Map0F | 0x55,
    Orps = Enc.Map0F | 0x56,
    Orpd = Enc.P66 | Enc.Map0F | 0x56,
    Xorps = Enc.Map0F | 0x57,
    Xorpd = Enc.P66 | Enc.Map0F | 0x57,
    Pxor = Enc.P66 | Enc.Map0F | 0xEF,
}

/// <summary>SSE stores: <c>op mem, xmm</c>. The value is the packed encoding (see <c>Enc</c>).</summary>
public enum SseStoreOp : uint
{
    Movss = Enc.PF3 | Enc.Map0F | 0x11,
    Movsd = Enc.PF2 | Enc.Map0F | 0x11,
    /// <summary><c>movq m64, xmm</c>: the low 64 bits.</summary>
    Movq = Enc.P66 | Enc.Map0F | 0xD6,
    Movups = Enc.Map0F | 0x11,
    Movupd = Enc.P66 | Enc.Map0F | 0x11,
    Movaps = Enc.Map0F | 0x29,
    Movapd = Enc.P66 | Enc.Map0F | 0x29,
    Movdqu = Enc.PF3 | Enc.Map0F | 0x7F,
    Movdqa = Enc.P66 | Enc.Map0F | 0x7F,
}

/// <summary>How a branch to a label is encoded.</summary>
public enum JumpDistance : byte
{
    /// <summary>rel8 when the label is already bound and near enough, rel32 otherwise.</summary>
    Auto,
    /// <summary>Always rel8: the caller promises the label is within -128..127 bytes (checked when bound).</summary>
    Short,
    /// <summary>Always rel32.</summary>
    Near,
}

/// <summary>What the out-of-line stub of <see cref="MacroAssembler.TrapIf"/> (and <see cref="MacroAssembler.Trap"/>) is.</summary>
public enum TrapStubStyle : byte
{
    /// <summary>
    /// <c>call</c> to the runtime's trap handler (a <see cref="RelocTargetKind.TrapHandler"/> relocation); the
    /// trap site is the return address, which the handler finds on the stack. Needs no signal handler.
    /// </summary>
    CallHandler,
    /// <summary><c>ud2</c>; the trap site is the ud2 itself. For runtimes that catch SIGILL.</summary>
    Ud2,
}
