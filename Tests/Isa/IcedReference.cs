using Hoist.Isa;
using Hoist.Isa.X64;
using Iced.Intel;
using IcedDecoder = Iced.Intel.Decoder;
using IcedEncoder = Iced.Intel.Encoder;

namespace Hoist.Tests.Isa;

/// <summary>
/// Iced as the reference: maps Hoist operands to Iced's, encodes the intended instruction with Iced's own
/// encoder, decodes bytes and formats instructions (Intel syntax, memory sizes always shown).
/// </summary>
internal static class IcedReference
{
    public static Register R(Gpr g, Width w)
    {
        int i = (int)g;
        return w switch
        {
            Width.W8 => i < 4 ? Register.AL + i : i < 8 ? Register.SPL + (i - 4) : Register.R8L + (i - 8),
            Width.W16 => Register.AX + i,
            Width.W32 => Register.EAX + i,
            _ => Register.RAX + i,
        };
    }

    public static Register R(Xmm x) => Register.XMM0 + (int)x;

    /// <summary>The Iced memory operand for a non-RIP <see cref="Mem"/>; displacement size left to Iced's choice of the shortest.</summary>
    public static MemoryOperand M(Mem m)
    {
        Register b = m.HasBase ? R(m.BaseReg, Width.W64) : Register.None;
        Register x = m.HasIndex ? R(m.IndexReg, Width.W64) : Register.None;
        int disp = m.Displacement;
        int displSize = !m.HasBase ? 4 : disp == 0 ? 0 : 1;
        return new MemoryOperand(b, x, m.HasIndex ? m.Scale : 1, disp, displSize);
    }

    public static Code C(string name) => Enum.Parse<Code>(name);

    public static byte[] Encode(in Instruction instruction, ulong ip = 0)
    {
        var writer = new CodeWriterImpl();
        var encoder = IcedEncoder.Create(64, writer);
        if (!encoder.TryEncode(instruction, ip, out _, out string? error))
            throw new InvalidOperationException($"Iced cannot encode the expected {instruction.Code}: {error}");
        return writer.ToArray();
    }

    /// <summary>Decodes <paramref name="bytes"/> as instructions at <paramref name="ip"/>; invalid ones are included (Code.INVALID).</summary>
    public static List<Instruction> DecodeAll(ReadOnlySpan<byte> bytes, ulong ip = 0)
    {
        var decoder = IcedDecoder.Create(64, new ByteArrayCodeReader(bytes.ToArray()), ip);
        var list = new List<Instruction>();
        while (decoder.IP < ip + (ulong)bytes.Length)
        {
            decoder.Decode(out Instruction instruction);
            list.Add(instruction);
        }
        return list;
    }

    private static readonly IntelFormatter Formatter = CreateFormatter();

    private static IntelFormatter CreateFormatter()
    {
        var f = new IntelFormatter();
        f.Options.MemorySizeOptions = MemorySizeOptions.Always;
        f.Options.HexPrefix = "0x";
        f.Options.HexSuffix = "";
        f.Options.UppercaseHex = false;
        f.Options.SpaceAfterOperandSeparator = true;
        return f;
    }

    public static string Format(in Instruction instruction)
    {
        var output = new StringOutput();
        lock (Formatter) Formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }

    public static string Mnemonic(in Instruction instruction)
    {
        var output = new StringOutput();
        lock (Formatter) Formatter.FormatMnemonic(instruction, output);
        return output.ToStringAndReset();
    }

    public static string Disassemble(ReadOnlySpan<byte> bytes) =>
        string.Join("; ", DecodeAll(bytes).Select(i => Format(i)));

    private sealed class CodeWriterImpl : CodeWriter
    {
        private readonly List<byte> _bytes = [];
        public override void WriteByte(byte value) => _bytes.Add(value);
        public byte[] ToArray() => [.. _bytes];
    }
}
