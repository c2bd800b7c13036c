using System.Text;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Tests.Spec;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// Golden tests in the manner of Wasmtime's tests/disas: each <c>Golden/*.wat</c> holds a module, a first
/// line <c>;;! stage = translate</c> (the IR as translated), <c>;;! stage = disasm</c> (the optimizing tier's machine code) or <c>;;! stage = optimize</c> (after the
/// optimization pipeline), and after the module the expected output as <c>;; </c> comment lines.
/// Run with <c>HOIST_BLESS=1</c> to rewrite the expectations from the current output (then review the diff).
/// </summary>
public class GoldenTests
{
    const string Marker = ";; ---- expected output (regenerate with HOIST_BLESS=1) ----";

    static string Folder => Path.Combine(SpecSuite.RepoRoot, "Tests", "Optimizing", "Golden");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Folder, "*.wat").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void OutputMatches(string name)
    {
        string path = Path.Combine(Folder, name);
        string text = File.ReadAllText(path).ReplaceLineEndings("\n");
        int marker = text.IndexOf(Marker, StringComparison.Ordinal);
        string source = marker >= 0 ? text[..marker].TrimEnd() + "\n" : text.TrimEnd() + "\n";
        string stage = StageOf(source);
        string actual = Render(source, stage, name);
        string expected = marker >= 0 ? Uncomment(text[(marker + Marker.Length)..]) : "";
        if (Environment.GetEnvironmentVariable("HOIST_BLESS") is "1")
        {
            var sb = new StringBuilder(source).Append('\n').Append(Marker).Append('\n');
            foreach (var line in actual.TrimEnd('\n').Split('\n')) sb.Append(line.Length == 0 ? ";;" : ";; " + line).Append('\n');
            File.WriteAllText(path, sb.ToString());
            return;
        }
        Assert.True(expected == actual, $"{name}: output differs from the expectation (HOIST_BLESS=1 regenerates it).\nActual:\n{actual}");
    }

    static string StageOf(string source)
    {
        var first = source.Split('\n')[0];
        if (!first.StartsWith(";;! stage = ", StringComparison.Ordinal)) throw new Xunit.Sdk.XunitException("the first line must be ';;! stage = translate|optimize|disasm'");
        return first[";;! stage = ".Length..].Trim();
    }

    static string Uncomment(string block)
    {
        var sb = new StringBuilder();
        foreach (var raw in block.Split('\n'))
        {
            if (raw.Length == 0) continue;
            if (raw == ";;") { sb.Append('\n'); continue; }
            if (!raw.StartsWith(";; ", StringComparison.Ordinal)) throw new Xunit.Sdk.XunitException($"unexpected line in the expectation: {raw}");
            sb.Append(raw, 3, raw.Length - 3).Append('\n');
        }
        return sb.ToString();
    }

    static string Render(string source, string stage, string file)
    {
        var parsed = WatParser.ParseModule(source, file);
        parsed.DataCount ??= (uint)parsed.Data.Count;
        var module = ModuleDecoder.Decode(ModuleEncoder.Encode(parsed), file);
        var ctx = ModuleValidator.ValidateModule(module);
        if (stage == "disasm") return Disassemble(ctx, module);
        var functions = ModuleTranslator.TranslateAll(ctx, new VmOffsets(module));
        var sb = new StringBuilder();
        foreach (var f in functions)
        {
            Verifier.Verify(f);
            switch (stage)
            {
                case "translate": break;
                case "optimize": new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true }.Run(f); break;
                default: throw new Xunit.Sdk.XunitException($"unknown stage '{stage}'");
            }
            if (sb.Length > 0) sb.Append('\n');
            IrPrinter.Print(f, sb);
        }
        return sb.ToString();
    }

    /// <summary>The machine code of every function (the optimizing tier), one instruction a line, with the wasm offsets.</summary>
    static string Disassemble(ModuleContext ctx, WasmModule module)
    {
        var compiled = new Hoist.Optimizing.OptimizingCompiler().Compile(new Hoist.Compiler.CompileInput(ctx, new VmOffsets(module)) { Parallel = false });
        var sb = new StringBuilder();
        for (int i = 0; i < compiled.Functions.Length; i++)
        {
            var code = compiled.Functions[i];
            if (sb.Length > 0) sb.Append('\n');
            sb.Append("function ").Append(module.ImportedFunctionCount + i).Append(":\n");
            var bytes = code.Bytes[..code.InstructionsSize].ToArray();
            var decoder = Iced.Intel.Decoder.Create(64, new Iced.Intel.ByteArrayCodeReader(bytes), 0);
            var formatter = new Iced.Intel.IntelFormatter();
            formatter.Options.FirstOperandCharIndex = 8;
            var output = new Iced.Intel.StringOutput();
            uint last = uint.MaxValue - 1;
            while (decoder.IP < (ulong)bytes.Length)
            {
                int at = (int)decoder.IP;
                decoder.Decode(out var instruction);
                uint wasm = code.WasmOffsetAt(at);
                if (wasm != last)
                {
                    sb.Append(wasm == Hoist.Isa.SourceLoc.None ? "  ;; -\n" : $"  ;; @{wasm:x}\n");
                    last = wasm;
                }
                formatter.Format(instruction, output);
                sb.Append($"  {at,4:x}: ").Append(output.ToStringAndReset()).Append('\n');
            }
        }
        return sb.ToString();
    }
}
