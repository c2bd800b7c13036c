using Hoist.Isa;
using Hoist.Isa.X64;

namespace Hoist.Baseline;

/// <summary>
/// The few fixed encodings the baseline compiler needs that <see cref="MacroAssembler"/> does not offer,
/// written straight into its <see cref="CodeBuffer"/>: all are constant byte strings (no operands to
/// encode), so they cannot be wrong in ways the assembler's encoder tests would catch.
/// </summary>
internal static class X64Raw
{
    /// <summary><c>leave</c> (mov rsp, rbp; pop rbp).</summary>
    public static void Leave(this MacroAssembler masm) => masm.Buffer.EmitByte(0xC9);

    /// <summary><c>ret</c>, or <c>ret imm16</c> popping <paramref name="popBytes"/> bytes of stack arguments.</summary>
    public static void Ret(this MacroAssembler masm, int popBytes)
    {
        if (popBytes == 0) { masm.Ret(); return; }
        if ((uint)popBytes > ushort.MaxValue) throw new InvalidOperationException($"cannot pop {popBytes} bytes of arguments");
        masm.Buffer.EmitByte(0xC2);
        masm.Buffer.EmitByte((byte)popBytes);
        masm.Buffer.EmitByte((byte)(popBytes >> 8));
    }

    /// <summary><c>jmp rel32</c> to a function the linker resolves (a tail call).</summary>
    public static void JmpReloc(this MacroAssembler masm, RelocTarget target)
    {
        CodeBuffer b = masm.Buffer;
        b.EmitByte(0xE9);
        b.EmitInt32(0);
        b.AddRelocation(b.Length - 4, RelocKind.PcRel32, target);
    }

    /// <summary><c>rep stosq</c>: stores rax at [rdi], rcx times, upwards.</summary>
    public static void RepStosq(this MacroAssembler masm)
    {
        masm.Buffer.EmitByte(0xF3);
        masm.Buffer.EmitByte(0x48);
        masm.Buffer.EmitByte(0xAB);
    }
}
