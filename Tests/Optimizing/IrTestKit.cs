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

    /// <summary>
    /// Runs <paramref name="pass"/> on the function <paramref name="before"/> spells and asserts the result is
    /// <paramref name="after"/> (up to numbering), that both verify, and that the pass did not make the code
    /// worse: no more instructions other than constants (which become immediates). <paramref name="mayGrow"/> lifts
    /// that last check for the one pass that trades an expensive instruction for several cheap ones (strength reduction).
    /// </summary>
    public static Function AssertPass(Hoist.Optimizing.Passes.IPass pass, string before, string after, bool mayGrow = false)
    {
        var f = IrParser.Parse(before);
        Verifier.Verify(f);
        int cost = NonConstantInstructions(f);
        bool changed = pass.Run(f);
        Verifier.Verify(f);
        AssertIr(after, f);
        Assert.True(mayGrow || NonConstantInstructions(f) <= cost, $"{pass.Name} made the code bigger");
        Assert.Equal(IrComparer.Difference(IrParser.Parse(before), IrParser.Parse(after)) is not null, changed);
        return f;
    }

    public static int NonConstantInstructions(Function f)
    {
        int n = 0;
        foreach (var b in f.Blocks)
            foreach (var i in f.InstsOf(b))
                if (f.OpOf(i) is not (Op.Iconst or Op.Fconst)) n++;
        return n;
    }

    /// <summary>Asserts that <paramref name="actual"/> is the function <paramref name="expected"/> spells, up to numbering.</summary>
    public static void AssertIr(string expected, Function actual)
    {
        var e = IrParser.Parse(expected);
        string? diff = IrComparer.Difference(e, actual);
        Assert.True(diff is null, $"{diff}\nExpected:\n{IrPrinter.Print(e)}\nActual:\n{IrPrinter.Print(actual)}");
    }
}
