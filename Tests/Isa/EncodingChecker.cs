using Hoist.Isa.X64;
using Iced.Intel;
using Xunit.Abstractions;

namespace Hoist.Tests.Isa;

/// <summary>One MacroAssembler call and the instruction it must produce, as an Iced <see cref="Instruction"/>.</summary>
internal sealed record EncodingCase(string Name, Action<MacroAssembler> Emit, Instruction Expected);

/// <summary>
/// Checks encoding cases: the bytes must decode (Iced) as exactly one instruction with the expected Code and
/// the same formatted text as Iced's own encoding of the expected instruction, with the same length (so the
/// hand encoder picks forms as short as Iced's: disp8, imm8, no stray prefix); and Capstone must read one
/// instruction of that length with the same mnemonic.
/// </summary>
internal static class EncodingChecker
{
    // The few mnemonics Capstone spells differently from Iced, as (Iced, Capstone) pairs.
    private static readonly HashSet<(string, string)> CapstoneSpellings = [("mov", "movabs")];

    public static void Run(IEnumerable<EncodingCase> cases, ITestOutputHelper output)
    {
        var failures = new List<string>();
        var asm = new MacroAssembler();
        int count = 0, capstoneCount = 0;
        bool capstone = CapstoneReference.Available;
        foreach (EncodingCase c in cases)
        {
            count++;
            asm.Reset();
            string? failure = Check(asm, c, capstone, ref capstoneCount);
            if (failure is not null) failures.Add(failure);
        }
        output.WriteLine($"{count} encodings checked against Iced's decoder, {capstoneCount} against Capstone" +
            (capstone ? "" : $" -- CAPSTONE DID NOT LOAD: {CapstoneReference.LoadError}"));
        Assert.True(count > 0, "no cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} encodings are wrong:\n" + string.Join("\n", failures.Take(40)));
    }

    private static string? Check(MacroAssembler asm, EncodingCase c, bool capstone, ref int capstoneCount)
    {
        try
        {
            c.Emit(asm);
        }
        catch (Exception ex)
        {
            return $"{c.Name}: threw {ex.GetType().Name}: {ex.Message}";
        }
        byte[] ours = asm.Buffer.Code.ToArray();
        string hex = Convert.ToHexString(ours);
        List<Instruction> decoded = IcedReference.DecodeAll(ours);
        if (decoded.Count != 1 || decoded[0].Code == Code.INVALID)
            return $"{c.Name}: {hex} decodes as {IcedReference.Disassemble(ours)}";
        byte[] reference = IcedReference.Encode(c.Expected);
        Instruction expected = IcedReference.DecodeAll(reference)[0];
        Instruction actual = decoded[0];
        string a = IcedReference.Format(actual), e = IcedReference.Format(expected);
        if (a != e || actual.Code != expected.Code || ours.Length != reference.Length)
            return $"{c.Name}: got {hex} = {a} ({actual.Code}), expected {Convert.ToHexString(reference)} = {e} ({expected.Code})";
        if (capstone)
        {
            capstoneCount++;
            var cs = CapstoneReference.Decode(ours);
            string mnemonic = IcedReference.Mnemonic(expected);
            if (cs.Count != 1 || cs[0].Size != ours.Length || !(cs[0].Mnemonic == mnemonic || CapstoneSpellings.Contains((mnemonic, cs[0].Mnemonic))))
                return $"{c.Name}: {hex} = {a}, but Capstone reads [{string.Join("; ", cs.Select(x => $"{x.Mnemonic} {x.Operands} ({x.Size} bytes)"))}]";
        }
        return null;
    }
}

/// <summary>Operand sets that cover the x86 encoding corner cases.</summary>
internal static class Corpus
{
    public static readonly Gpr[] Gprs = Enum.GetValues<Gpr>();
    public static readonly Xmm[] Xmms = Enum.GetValues<Xmm>();

    /// <summary>Registers for the ModRM.reg side of memory forms: rax, rsp/rsi (spl/sil need REX in 8-bit forms), r8, r15.</summary>
    public static readonly Gpr[] RegsWithMem = [Gpr.Rax, Gpr.Rsp, Gpr.Rsi, Gpr.R8, Gpr.R15];
    public static readonly Xmm[] XmmsWithMem = [Xmm.Xmm0, Xmm.Xmm7, Xmm.Xmm8, Xmm.Xmm15];

    public static readonly Width[] Widths = [Width.W8, Width.W16, Width.W32, Width.W64];
    public static readonly Width[] WidthsNoByte = [Width.W16, Width.W32, Width.W64];

    /// <summary>Displacements at the disp8/disp32 boundaries.</summary>
    public static readonly int[] Disps = [0, 1, -1, 127, 128, -128, -129, 0x12345678, int.MaxValue, int.MinValue];

    /// <summary>
    /// Bases: rsp/r12 (need a SIB), rbp/r13 (need a displacement), r8/r15 (REX.B) and plain ones; indexes
    /// including rbp/r12/r13 (legal as index) and r9/r15 (REX.X); all scales; all boundary displacements; and
    /// the base-less [index*scale+disp32] form.
    /// </summary>
    public static readonly Mem[] AllMems = BuildAllMems();

    /// <summary>A smaller set that still hits every ModRM/SIB/displacement shape, for the many memory forms.</summary>
    public static readonly Mem[] Mems =
    [
        Mem.At(Gpr.Rax), Mem.At(Gpr.Rsp), Mem.At(Gpr.Rbp), Mem.At(Gpr.R12), Mem.At(Gpr.R13), Mem.At(Gpr.R15, 127),
        Mem.At(Gpr.Rcx, 128), Mem.At(Gpr.Rdx, -128), Mem.At(Gpr.Rbx, -129), Mem.At(Gpr.R12, int.MinValue),
        Mem.At(Gpr.Rsp, Gpr.R13, 8, 0x12345678), Mem.At(Gpr.Rbp, Gpr.R12, 1), Mem.At(Gpr.R13, Gpr.Rbp, 2, -1),
        Mem.At(Gpr.Rax, Gpr.R15, 4, 64), Mem.Indexed(Gpr.Rsi, 8, 16), Mem.Indexed(Gpr.R13, 1, 0),
    ];

    private static Mem[] BuildAllMems()
    {
        Gpr[] bases = [Gpr.Rax, Gpr.Rcx, Gpr.Rsp, Gpr.Rbp, Gpr.Rdi, Gpr.R8, Gpr.R12, Gpr.R13, Gpr.R15];
        Gpr?[] indexes = [null, Gpr.Rax, Gpr.Rbp, Gpr.Rsi, Gpr.R9, Gpr.R12, Gpr.R13, Gpr.R15];
        int[] scales = [1, 2, 4, 8];
        var list = new List<Mem>();
        int k = 0;
        foreach (Gpr b in bases)
            foreach (Gpr? x in indexes)
                foreach (int d in Disps)
                    list.Add(x is null ? Mem.At(b, d) : Mem.At(b, x.Value, scales[k++ % 4], d));
        foreach (Gpr x in new[] { Gpr.Rax, Gpr.Rbp, Gpr.R12, Gpr.R13, Gpr.R15 })
            foreach (int s in scales)
                list.Add(Mem.Indexed(x, s, s * 8 - 20));
        return [.. list];
    }

    /// <summary>Immediates at the imm8/imm16/imm32 boundaries that fit <paramref name="w"/>.</summary>
    public static int[] Imms(Width w) => w switch
    {
        Width.W8 => [0, 1, -1, 127, -128, 255],
        Width.W16 => [0, 1, -1, 127, 128, -128, -129, 0x7FFF, -0x8000, 0xFFFF],
        _ => [0, 1, -1, 127, 128, -128, -129, 0x12345678, int.MaxValue, int.MinValue],
    };

    /// <summary>Iced's condition-code suffixes in <see cref="Cond"/> order.</summary>
    public static readonly string[] CondSuffixes = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

    public static string Cc(Cond c) => CondSuffixes[(int)c];
}
