using Hoist.Tests.Spec;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// The printer is the inverse of the parser: for every module of the core suite, binary B → decode → print →
/// parse → encode gives B again for every text module (without its name section, which the printer leaves out);
/// for the suite's binary modules, which may use encodings the text cannot keep, printing is a fixed point.
/// </summary>
public class WatPrinterTests
{
    public static TheoryData<string> Core => Hoist.Tests.Spec.SpecSuite.Files("core");

    [Theory]
    [MemberData(nameof(Core))]
    public void PrintedModulesParseBackToTheSameBinary(string file)
    {
        var script = WastParser.Parse(File.ReadAllText(Hoist.Tests.Spec.SpecSuite.FullPath(file)), file);
        int checkedModules = 0;
        foreach (var command in script.Commands)
        {
            if (command is not WastModuleCommand { Module: var m }) continue;
            WasmModule? model = m switch
            {
                WastTextModule { Module: { } module } => module,
                WastBinaryModule b => TryDecode(b.Bytes),
                _ => null,
            };
            if (model is null) continue;
            byte[] first = Canonical(FrontEnd.Encode(model));
            string text = WatPrinter.Print(FrontEnd.Decode(first));
            WasmModule reparsed;
            try { reparsed = WatParser.ParseModule(text, "printed"); }
            catch (WasmException e) { throw new Xunit.Sdk.XunitException($"{file}:{command.Line}: the printed module does not parse: {e.Message}\n{text}"); }
            byte[] second = Canonical(FrontEnd.Encode(reparsed));
            if (m is WastBinaryModule)
            {
                // A binary may use encodings the text cannot keep (padded LEB128, empty local groups): compare the printed texts.
                Assert.True(text == WatPrinter.Print(FrontEnd.Decode(second)), $"{file}:{command.Line}: printing is not a fixed point\n{text}");
            }
            else if (!first.AsSpan().SequenceEqual(second))
            {
                int at = first.AsSpan().CommonPrefixLength(second);
                Assert.Fail($"{file}:{command.Line}: printed and parsed back, the binary differs at byte {at} ({first.Length} vs {second.Length} bytes)\n{text}");
            }
            checkedModules++;
        }
        Assert.True(checkedModules > 0 || !script.Commands.Any(c => c is WastModuleCommand { Module: WastTextModule }), $"{file}: no module checked");
    }

    [Fact]
    public void FloatsAndNanPayloadsPrintExactly()
    {
        const string wat = """
            (module (func (result f32 f64 f32)
              f32.const -nan:0x200000 f64.const -0 f32.const 0x1p-149))
            """;
        string text = WatPrinter.Print(FrontEnd.Decode(FrontEnd.TextToBinary(wat)));
        Assert.Contains("f32.const -nan:0x200000", text);
        Assert.Contains("f64.const -0", text);
        Assert.Contains("f32.const 1e-45", text);
    }

    static WasmModule? TryDecode(byte[] bytes)
    {
        try { return FrontEnd.Decode(bytes); }
        catch (WasmException) { return null; }
    }

    /// <summary>The binary without its name section, as the decoder and encoder normalise it.</summary>
    static byte[] Canonical(byte[] binary)
    {
        var m = FrontEnd.Decode(binary);
        m.Names = null;
        m.CustomSections.RemoveAll(c => c.Name == "name");
        return FrontEnd.Encode(m);
    }
}
