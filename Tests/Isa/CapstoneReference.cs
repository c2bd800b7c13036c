using Gee.External.Capstone;
using Gee.External.Capstone.X86;

namespace Hoist.Tests.Isa;

/// <summary>
/// Capstone (Gee.External.Capstone, Capstone 4.0) as a second, independent decoder. It loads a native
/// library; when that fails, <see cref="LoadError"/> says why, <see cref="CapstoneTests.CapstoneLoads"/>
/// fails with that message, and the encoding tests print that they ran without Capstone.
/// Capstone 4 does not know every instruction (it stops at the first one it does not know), so callers
/// compare only forms it knows.
/// </summary>
internal static class CapstoneReference
{
    private static readonly Lazy<(CapstoneX86Disassembler? Disassembler, string? Error)> Instance = new(Load);

    private static (CapstoneX86Disassembler?, string?) Load()
    {
        try
        {
            var d = CapstoneDisassembler.CreateX86Disassembler(X86DisassembleMode.Bit64);
            d.DisassembleSyntax = DisassembleSyntax.Intel;
            d.EnableInstructionDetails = false;
            return (d, null);
        }
        catch (Exception e)
        {
            return (null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static bool Available => Instance.Value.Disassembler is not null;

    public static string? LoadError => Instance.Value.Error;

    /// <summary>(mnemonic, operands, size) of each instruction Capstone decodes, stopping at the first it does not know.</summary>
    public static List<(string Mnemonic, string Operands, int Size)> Decode(byte[] bytes)
    {
        var d = Instance.Value.Disassembler ?? throw new InvalidOperationException("Capstone is not available: " + LoadError);
        lock (d)
        {
            return d.Disassemble(bytes, 0).Select(i => (i.Mnemonic, i.Operand, i.Bytes.Length)).ToList();
        }
    }
}
