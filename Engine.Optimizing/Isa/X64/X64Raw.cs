using Hoist.Isa;
using Hoist.Isa.X64;

namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// The fixed encodings emission needs that <see cref="MacroAssembler"/> does not offer yet (constant byte
/// strings, no operands to encode): <c>leave</c>, <c>ret imm16</c>, <c>jmp rel32</c> with a relocation.
/// The Baseline has the same three (Engine.Baseline/X64Raw.cs); both go once MacroAssembler has them.
/// </summary>
internal static class X64Raw
{
    public static void Leave(MacroAssembler masm) => masm.Buffer.EmitByte(0xC9);

    public static void Ret(MacroAssembler masm, int popBytes)
    {
        if (popBytes == 0) { masm.Ret(); return; }
        if ((uint)popBytes > ushort.MaxValue) throw new InvalidOperationException($"cannot pop {popBytes} bytes of arguments");
        masm.Buffer.EmitByte(0xC2);
        masm.Buffer.EmitByte((byte)popBytes);
        masm.Buffer.EmitByte((byte)(popBytes >> 8));
    }

    public static void JmpReloc(MacroAssembler masm, RelocTarget target)
    {
        CodeBuffer b = masm.Buffer;
        b.EmitByte(0xE9);
        b.EmitInt32(0);
        b.AddRelocation(b.Length - 4, RelocKind.PcRel32, target);
    }
}
