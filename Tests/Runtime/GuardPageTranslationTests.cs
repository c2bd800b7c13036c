using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Runtime;

/// <summary>
/// The Optimizing translator under guard pages: a guarded 32-bit memory's accesses lose their
/// <c>bounds_check</c> exactly when offset + size fits in the guard, and keep the zero extension of the index.
/// (The IR interpreter's tests translate without guards, so they still check every bound themselves.)
/// </summary>
public class GuardPageTranslationTests
{
    const ulong Guard = 2UL << 30;

    static string Translate(string body, string memory = "(memory 1)", ulong[]? guards = null, bool dce = false)
    {
        var parsed = WatParser.ParseModule($"(module {memory} (func (param i32 i64) (result i32) {body}))");
        parsed.DataCount ??= (uint)parsed.Data.Count;
        var module = ModuleDecoder.Decode(ModuleEncoder.Encode(parsed));
        var ctx = ModuleValidator.ValidateModule(module);
        var env = new ModuleEnvironment(ctx, new VmOffsets(module)) { MemoryGuardBytes = guards };
        var f = new FunctionTranslator(env).Translate(0);
        Verifier.Verify(f);
        if (dce)
        {
            new Hoist.Optimizing.Passes.DeadCodeElimination().Run(f);
            Verifier.Verify(f);
        }
        return IrPrinter.Print(f);
    }

    [Fact]
    public void AGuardedAccessHasNoBoundsCheckButKeepsTheZeroExtension()
    {
        string ir = Translate("(i32.load offset=8 (local.get 0))", guards: [Guard]);
        Assert.DoesNotContain("bounds_check", ir);
        Assert.Contains("uextend", ir);
        Assert.Contains("bounds_check", Translate("(i32.load offset=8 (local.get 0))"));
        Assert.Contains("bounds_check", Translate("(i32.load offset=8 (local.get 0))", guards: [0]));
    }

    [Fact]
    public void AnOffsetBeyondTheGuardKeepsItsCheck()
    {
        Assert.DoesNotContain("bounds_check", Translate("(i32.load offset=2147483644 (local.get 0))", guards: [Guard]));
        Assert.Contains("bounds_check", Translate("(i32.load offset=2147483645 (local.get 0))", guards: [Guard]));
        Assert.Contains("bounds_check", Translate("(i32.store offset=65533 (local.get 0) (i32.const 1)) (i32.const 0)", guards: [65536]));
        Assert.DoesNotContain("bounds_check", Translate("(i32.store offset=65532 (local.get 0) (i32.const 1)) (i32.const 0)", guards: [65536]));
    }

    [Fact]
    public void AGuardedLoadWhoseResultIsUnusedStillHappens()
    {
        // The load is the bounds check now: dropping it would drop the trap (spec test traps.wast).
        const string body = "(drop (i32.load (local.get 0))) (i32.const 0)";
        string guarded = Translate(body, guards: [Guard], dce: true);
        Assert.Contains("load.i32 trap mem0", guarded);
        Assert.DoesNotContain("load.i32 mem0", Translate(body, dce: true));   // checked: the load is dead, the check is not
        Assert.Contains("bounds_check", Translate(body, dce: true));
        Assert.Contains("store.i32 trap mem0", Translate("(i32.store (local.get 0) (i32.const 1)) (i32.const 0)", guards: [Guard]));
    }

    [Fact]
    public void TheTrapFlagRoundTripsThroughTheTextFormat()
    {
        string text = Translate("(i32.load offset=8 (local.get 0))", guards: [Guard]);
        var parsed = IrParser.Parse(text);
        Verifier.Verify(parsed);
        Assert.Equal(text, IrPrinter.Print(parsed));
    }

    [Fact]
    public void Memory64IsNeverTreatedAsGuarded()
    {
        Assert.Contains("bounds_check", Translate("(i32.load (local.get 1))", "(memory i64 1)", guards: [Guard]));
    }
    [Fact]
    public void TheOptimizingCompilerTakesTheGuardsFromItsInput()
    {
        // The runtime hands the guards to the compiler through CompileInput; the compiled code then has no
        // compare against the memory length (only the prologue's stack check compares).
        var module = WatParser.ParseModule("(module (memory 1) (func (param i32) (result i32) (i32.load offset=8 (local.get 0))))");
        var ctx = ModuleValidator.ValidateModule(module);
        int Compares(ulong[]? guards)
        {
            var input = new Hoist.Compiler.CompileInput(ctx, new VmOffsets(module)) { Parallel = false, MemoryGuardBytes = guards };
            var code = new Hoist.Optimizing.OptimizingCompiler().Compile(input).Functions[0];
            var decoder = Iced.Intel.Decoder.Create(64, code.Bytes.Slice(0, code.InstructionsSize).ToArray());
            int n = 0;
            while (decoder.IP < (ulong)code.InstructionsSize)
                if (decoder.Decode().Mnemonic == Iced.Intel.Mnemonic.Cmp) n++;
            return n;
        }
        Assert.Equal(1, Compares([Guard]));
        Assert.Equal(2, Compares(null));
        Assert.Equal(2, Compares([0]));
    }
}
