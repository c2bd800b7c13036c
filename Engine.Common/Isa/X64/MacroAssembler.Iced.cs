using Iced.Intel;

namespace Hoist.Isa.X64;

// The fallback for instructions the hand-written encoder does not cover (SIMD beyond the basic moves,
// atomics, AVX, ...): Iced's Encoder writes straight into the CodeBuffer, without allocating. About ten
// times slower than the hand encoder per instruction (see Bench/Isa), which is why no listed form comes through here.
public sealed partial class MacroAssembler
{
    private Encoder? _iced;

    /// <summary>
    /// Encodes <paramref name="instruction"/> (made with <c>Instruction.Create...</c>) at the current offset.
    /// Branch targets and RIP-relative addresses in it are offsets from the function's start.
    /// </summary>
    public void Emit(in Instruction instruction) => EncodeWithIced(instruction);

    /// <summary>
    /// Encodes <paramref name="instruction"/>, whose memory operand must be RIP-relative (base <c>Register.RIP</c>,
    /// displacement ignored), so that the operand addresses <paramref name="ripTarget"/> (e.g. a pool constant
    /// from <see cref="CodeBuffer.Constant128"/>).
    /// </summary>
    public void Emit(in Instruction instruction, Label ripTarget)
    {
        if (instruction.MemoryBase != Register.RIP)
            throw new ArgumentException("the instruction has no RIP-relative memory operand", nameof(instruction));
        _buf.LabelOffset(ripTarget); // validates the label before anything is emitted
        int start = _buf.Length;
        Instruction copy = instruction;
        copy.MemoryDisplacement64 = (ulong)start; // any reachable address; the label fixup overwrites the field
        uint length = EncodeWithIced(copy);
        ConstantOffsets offsets = _iced!.GetConstantOffsets();
        if (!offsets.HasDisplacement || offsets.DisplacementSize != 4)
            throw new InvalidOperationException($"Iced encoded {instruction} without a 32-bit displacement");
        _buf.UseLabel(ripTarget, start + offsets.DisplacementOffset, start + (int)length, FixupKind.Rel32);
    }

    private uint EncodeWithIced(in Instruction instruction)
    {
        _iced ??= Encoder.Create(64, new BufferWriter(_buf));
        if (!_iced.TryEncode(instruction, (ulong)_buf.Length, out uint length, out string? error))
            throw new ArgumentException($"cannot encode {instruction}: {error}", nameof(instruction));
        return length;
    }

    /// <summary>Iced's byte sink: appends to the CodeBuffer.</summary>
    private sealed class BufferWriter(CodeBuffer buffer) : CodeWriter
    {
        public override void WriteByte(byte value) => buffer.EmitByte(value);
    }
}
