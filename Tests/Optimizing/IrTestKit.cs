using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Optimizing;

/// <summary>Helpers for the optimizing compiler's tests: wat to IR, and comparing IR with expected text.</summary>
static class IrTestKit
{
    /// <summary>Translates every function of a text module (through the binary encoding, as the runtime loads it).</summary>
    public static Function[] Translate(string wat)
    {
        var parsed = WatParser.ParseModule(wat);
        parsed.DataCount ??= (uint)parsed.Data.Count;
        var module = ModuleDecoder.Decode(ModuleEncoder.Encode(parsed));
        var ctx = ModuleValidator.ValidateModule(module);
        var fs = ModuleTranslator.TranslateAll(ctx, new VmOffsets(module));
        foreach (var f in fs) Verifier.Verify(f);
        return fs;
    }

    /// <summary>Asserts that <paramref name="actual"/> is the function <paramref name="expected"/> spells, up to numbering.</summary>
    public static void AssertIr(string expected, Function actual)
    {
        var e = IrParser.Parse(expected);
        string? diff = IrComparer.Difference(e, actual);
        Assert.True(diff is null, $"{diff}\nExpected:\n{IrPrinter.Print(e)}\nActual:\n{IrPrinter.Print(actual)}");
    }
}
