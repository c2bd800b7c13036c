using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hoist.Isa.X64;

// The hand-written encoder: every MacroAssembler instruction except the Iced fallback is one call to
// RR (register, register), RM (register, memory) or OpReg (register in the opcode byte), which write
//   [66] [F3|F2|66 mandatory] [REX] [0F [38|3A]] opcode ModRM [SIB] [disp8|disp32] [imm]
// straight into the CodeBuffer. An instruction's fixed part comes packed in a uint (see Enc).
// Invariants: at most CodeBuffer.MaxInstructionSize bytes per instruction; REX is emitted when a register
// is r8..r15, when REX.W is asked for, or when an 8-bit access names spl/bpl/sil/dil; memory operands use
// the shortest displacement and a SIB byte exactly when x86 requires one (see Mem).
public sealed partial class MacroAssembler
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref byte d, int i, uint value) => Unsafe.Add(ref d, i) = (byte)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PutImm(ref byte d, int n, long imm, int size)
    {
        ref byte p = ref Unsafe.Add(ref d, n);
        switch (size)
        {
            case 1: p = (byte)imm; break;
            case 2: Unsafe.WriteUnaligned(ref p, BitConverter.IsLittleEndian ? (short)imm : BinaryPrimitives.ReverseEndianness((short)imm)); break;
            case 4: Unsafe.WriteUnaligned(ref p, BitConverter.IsLittleEndian ? (int)imm : BinaryPrimitives.ReverseEndianness((int)imm)); break;
            case 8: Unsafe.WriteUnaligned(ref p, BitConverter.IsLittleEndian ? imm : BinaryPrimitives.ReverseEndianness(imm)); break;
        }
        return n + size;
    }

    /// <summary>Prefixes, REX (with the R/X/B bits in <paramref name="rex"/>), opcode map and opcode byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Head(ref byte d, uint op, uint rex, bool forceRex)
    {
        int n = 0;
        if ((op & Enc.OpSize16) != 0) Put(ref d, n++, 0x66);
        uint mandatory = (op >> 10) & 3;
        if (mandatory != 0) Put(ref d, n++, 0xF2F36600u >> (int)(mandatory * 8)); // 1: 66, 2: F3, 3: F2
        rex |= (op >> 9) & 8; // Enc.RexW → REX.W
        if (rex != 0 || forceRex) Put(ref d, n++, 0x40 | rex);
        uint map = (op >> 8) & 3;
        if (map != 0)
        {
            Put(ref d, n++, 0x0F);
            if (map >= 2) Put(ref d, n++, map == 2 ? 0x38u : 0x3Au);
        }
        Put(ref d, n++, op);
        return n;
    }

    /// <summary>An 8-bit access to spl/bpl/sil/dil needs a REX prefix, or it would mean ah/ch/dh/bh.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsByteRex(uint op, int reg, int rm) =>
        ((op & Enc.ByteReg) != 0 && (uint)(reg - 4) < 4u) || ((op & Enc.ByteRm) != 0 && (uint)(rm - 4) < 4u);

    /// <summary><c>op reg, rm</c> with both operands registers, then an optional immediate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RR(uint op, int reg, int rm, long imm = 0, int immSize = 0)
    {
        ref byte d = ref _buf.Reserve(CodeBuffer.MaxInstructionSize);
        uint rex = (uint)(((reg & 8) >> 1) | ((rm & 8) >> 3));
        int n = Head(ref d, op, rex, NeedsByteRex(op, reg, rm));
        Put(ref d, n++, (uint)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
        n = PutImm(ref d, n, imm, immSize);
        _buf.Commit(n);
    }

    /// <summary><c>op reg, mem</c>, then an optional immediate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RM(uint op, int reg, Mem m, long imm = 0, int immSize = 0)
    {
        if (m.IsRip) _buf.LabelOffset(new Label(m.Disp)); // validates the label before anything is emitted
        int start = _buf.Length;
        ref byte d = ref _buf.Reserve(CodeBuffer.MaxInstructionSize);
        uint rex = (uint)((reg & 8) >> 1);
        if (m.Index != Mem.NoReg) rex |= (uint)(m.Index & 8) >> 2;
        if (m.Base != Mem.NoReg) rex |= (uint)(m.Base & 8) >> 3;
        int n = Head(ref d, op, rex, (op & Enc.ByteReg) != 0 && (uint)(reg - 4) < 4u);
        n = PutMem(ref d, n, reg, m, out int ripField);
        n = PutImm(ref d, n, imm, immSize);
        _buf.Commit(n);
        // RIP-relative displacements count from the end of the instruction, immediate included.
        if (ripField >= 0) _buf.UseLabel(new Label(m.Disp), start + ripField, start + n, FixupKind.Rel32);
    }

    /// <summary>
    /// ModRM (with <paramref name="reg"/> in its reg field), SIB and displacement of the memory operand <paramref name="m"/>
    /// at <c>d[n..]</c>; returns the new length, and in <paramref name="ripField"/> where a RIP-relative displacement
    /// field is (-1 if none; the caller registers its fixup once the instruction's end is known).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PutMem(ref byte d, int n, int reg, Mem m, out int ripField)
    {
        uint r = (uint)(reg & 7) << 3;
        int disp = m.Disp;
        ripField = -1;
        if (m.IsRip)
        {
            Put(ref d, n++, r | 5);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n), 0);
            ripField = n;
            n += 4;
        }
        else if (m.Base == Mem.NoReg)
        {
            // [index*scale + disp32]: SIB with base 101 and mod 00.
            Put(ref d, n++, r | 4);
            Put(ref d, n++, (uint)((m.ScaleLog2 << 6) | ((m.Index & 7) << 3) | 5));
            n = PutImm(ref d, n, disp, 4);
        }
        else
        {
            int b = m.Base & 7;
            // rbp/r13 (low bits 101) with mod 00 would mean RIP-relative or no base: give them a disp8 of 0.
            uint mod = disp == 0 && b != 5 ? 0u : (sbyte)disp == disp ? 0x40u : 0x80u;
            if (m.Index == Mem.NoReg && b != 4)
            {
                Put(ref d, n++, mod | r | (uint)b);
            }
            else
            {
                // rsp/r12 as base (low bits 100) need a SIB; index 100 in the SIB means "no index".
                Put(ref d, n++, mod | r | 4);
                int index = m.Index == Mem.NoReg ? 4 : m.Index & 7;
                Put(ref d, n++, (uint)((m.ScaleLog2 << 6) | (index << 3) | b));
            }
            if (mod == 0x40) Put(ref d, n++, (uint)disp);
            else if (mod == 0x80) n = PutImm(ref d, n, disp, 4);
        }
        return n;
    }

    /// <summary><c>op+reg</c> (register in the opcode's low bits), then an optional immediate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OpReg(uint op, int reg, long imm = 0, int immSize = 0)
    {
        ref byte d = ref _buf.Reserve(CodeBuffer.MaxInstructionSize);
        int n = Head(ref d, op | (uint)(reg & 7), (uint)((reg & 8) >> 3), (op & Enc.ByteRm) != 0 && (uint)(reg - 4) < 4u);
        n = PutImm(ref d, n, imm, immSize);
        _buf.Commit(n);
    }

    /// <summary>Emits <paramref name="count"/> (at most 8) fixed bytes, the first in the lowest bits; the rest are zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Bytes(ulong bytes, int count)
    {
        ref byte d = ref _buf.Reserve(8);
        Unsafe.WriteUnaligned(ref d, BitConverter.IsLittleEndian ? bytes : BinaryPrimitives.ReverseEndianness(bytes));
        _buf.Commit(count);
    }

    /// <summary>
    /// The operation <paramref name="op32"/> (its 32-bit opcode) at width <paramref name="w"/>: the 8-bit
    /// form is the opcode minus one on the integer opcodes this is used for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Sized(uint op32, Width w) => w switch
    {
        Width.W8 => (op32 - 1) | Enc.ByteReg | Enc.ByteRm,
        Width.W16 => op32 | Enc.OpSize16,
        Width.W32 => op32,
        _ => op32 | Enc.RexW,
    };

    /// <summary>
    /// Like <see cref="Sized"/> for a "/digit" form, whose ModRM.reg holds an opcode extension rather than
    /// a register (so digits 4..7 must not be taken for spl..dil).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SizedDigit(uint op32, Width w) => Sized(op32, w) & ~Enc.ByteReg;

    /// <summary>The operation <paramref name="op"/> at a width of 16, 32 or 64 bits (it has no 8-bit form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SizedNoByte(uint op, Width w) => w switch
    {
        Width.W16 => op | Enc.OpSize16,
        Width.W32 => op,
        Width.W64 => op | Enc.RexW,
        _ => throw NoByteForm(w),
    };

    /// <summary>REX.W for a 64-bit operand of an instruction that has only 32- and 64-bit forms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint W32Or64(Width w) => w switch
    {
        Width.W32 => 0,
        Width.W64 => Enc.RexW,
        _ => throw new ArgumentOutOfRangeException(nameof(w), w, "this instruction takes a 32- or 64-bit operand"),
    };

    private static ArgumentOutOfRangeException NoByteForm(Width w) =>
        new(nameof(w), w, "this instruction has no 8-bit form");

    /// <summary>The size of an immediate operand at width <paramref name="w"/> (64-bit ops take a sign-extended imm32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ImmSize(Width w) => w switch { Width.W8 => 1, Width.W16 => 2, _ => 4 };

    /// <summary>Checks that <paramref name="imm"/> is representable at width <paramref name="w"/> (signed or unsigned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long CheckImm(long imm, Width w)
    {
        bool fits = w switch
        {
            Width.W8 => imm is >= sbyte.MinValue and <= byte.MaxValue,
            Width.W16 => imm is >= short.MinValue and <= ushort.MaxValue,
            Width.W32 => imm is >= int.MinValue and <= uint.MaxValue,
            _ => true,
        };
        if (!fits) throw new ArgumentOutOfRangeException(nameof(imm), imm, $"immediate does not fit in {w.Bits()} bits");
        return imm;
    }
}
