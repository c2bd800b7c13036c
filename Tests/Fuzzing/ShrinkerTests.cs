using Hoist.Runtime;
using Hoist.Runtime.Fuzzing;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Fuzzing;

/// <summary>The shrinker reduces a failing case to a small one that fails the same way, and the reproducer is a module that parses back.</summary>
public class ShrinkerTests
{
    [Fact]
    public void ACallThatTrapsShrinksToAFewInstructions()
    {
        using var baseline = new EngineTarget(Strategy.Baseline);
        bool Fails(GModule m)
        {
            byte[] binary;
            try { binary = ModuleEmitter.Encode(m); ModuleValidator.Validate(FrontEnd.Decode(binary)); }
            catch (Exception e) when (e is EmitException or WasmException) { return false; }
            return baseline.Run(new FuzzCase(m, binary)).Steps.Any(s => s.Trap == TrapCode.IntegerDivideByZero);
        }
        var original = Enumerable.Range(0, 400).Select(i => DiffFuzzer.Generate(8, i)).First(Fails);
        int originalNodes = Nodes(original);

        var shrinker = new Shrinker(Fails, TimeSpan.FromSeconds(60));
        var shrunk = shrinker.Shrink(original);

        Assert.True(Fails(shrunk), "the shrunk module no longer fails");
        Assert.Single(shrunk.Calls);
        Assert.True(Nodes(shrunk) <= 12, $"{Nodes(shrunk)} nodes left of {originalNodes}\n{WatPrinter.Print(FrontEnd.Decode(ModuleEmitter.Encode(shrunk)))}");
        Assert.True(shrinker.Accepted > 0 && shrinker.Attempts >= shrinker.Accepted);

        var c = new FuzzCase(shrunk, ModuleEmitter.Encode(shrunk));
        string text = Reproducer.Text(c, "test", new Divergence("baseline: trap", "detail"), [baseline.Run(c)]);
        Assert.Contains(";; failure: baseline: trap", text);
        Assert.Contains("integer divide by zero", text);
        var reparsed = WatParser.ParseModule(text, "reproducer.wat");
        Assert.Equal(c.Binary, FrontEnd.Encode(reparsed));
    }

    static int Nodes(GModule m)
    {
        int n = 0;
        void Count(List<GNode> list)
        {
            foreach (var node in list)
            {
                if (node is not GFuelCheck) n++;
                foreach (var children in node.ChildLists) Count(children);
            }
        }
        foreach (var f in m.Funcs) Count(f.Body);
        return n;
    }
}
