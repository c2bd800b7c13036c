using Hoist.Compiler;
using Hoist.Optimizing;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// The optimizing compiler's compile-time properties: per-thread state is reused across functions (the
/// translator refills one <see cref="Function"/>, the passes keep their tables), which shows in the allocation
/// figures of <see cref="CompileStats"/>; reuse changes nothing in the output; the scoped hash table of the
/// dominator-tree walks restores exactly what it changed.
/// </summary>
public class CompileTimeTests(ITestOutputHelper output)
{
    static string Program(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "Bench", "programs", name + ".wasm");
    }

    static CompileInput Input(string name, out ModuleContext context)
    {
        var module = ModuleDecoder.Decode(File.ReadAllBytes(Program(name)));
        context = ModuleValidator.ValidateModule(module);
        return new CompileInput(context, new VmOffsets(module)) { Parallel = false };
    }

    /// <summary>
    /// A pipeline's second round over a module's functions allocates next to nothing in translation and the passes:
    /// their tables grew in the first round and are reused. Before the translator refilled one function, translation
    /// allocated fresh tables sized by each body (about 90 bytes per byte of wasm code); dce allocated marks and an
    /// edge map per function, gvn and rle dictionary storage and walk stacks.
    /// </summary>
    [Theory]
    [InlineData("lz")]
    [InlineData("strings")]
    public void SecondRoundOfTranslationAndPassesAllocatesAlmostNothing(string name)
    {
        var input = Input(name, out var context);
        var stats = new CompileStats();
        var pipeline = new FunctionPipeline(new ModuleEnvironment(context, input.Offsets), input) { Stats = stats };
        int n = context.Module.Code.Count;
        for (int i = 0; i < n; i++) pipeline.Compile(i);
        var first = Enumerable.Range(0, stats.Stages.Count).Select(stats.BytesOf).ToArray();
        for (int i = 0; i < n; i++) pipeline.Compile(i);
        long Second(Func<string, bool> which) =>
            Enumerable.Range(0, stats.Stages.Count).Where(k => which(stats.Stages[k])).Sum(k => stats.BytesOf(k) - first[k]);
        var passNames = PassManager.CreateDefault().Passes.Select(p => p.Name).ToHashSet();
        long translate = Second(s => s == "translate");
        long passes = Second(s => passNames.Contains(s.Split('.')[0]));
        output.WriteLine($"{n} functions; second round: translate {translate} bytes, passes {passes} bytes");
        output.WriteLine(stats.Format());
        Assert.True(translate < 64 * n, $"translate allocated {translate} bytes for {n} functions");
        Assert.True(passes < 64 * n, $"the passes allocated {passes} bytes for {n} functions");
    }

    /// <summary>Refilling one function gives exactly the IR a fresh function gets, whatever came before it.</summary>
    [Fact]
    public void ReusedFunctionTranslatesLikeAFreshOne()
    {
        var input = Input("vm", out var context);
        var env = new ModuleEnvironment(context, input.Offsets);
        var fresh = new FunctionTranslator(env);
        var reusing = new FunctionTranslator(env);
        var reused = new Function("", new Signature(CallConv.Wasm, [], []));
        int n = context.Module.Code.Count;
        // Big after small and small after big, so stale entries past the new counts would show.
        foreach (int i in Enumerable.Range(0, n).OrderBy(i => (i * 7919) % n))
        {
            string expected = IrPrinter.Print(fresh.Translate(i));
            var f = reusing.Translate(i, reused);
            Assert.Same(reused, f);
            Verifier.Verify(f);
            Assert.Equal(expected, IrPrinter.Print(f));
            new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true }.Run(f);
        }
    }

    readonly struct IntKey(int v) : IScopedKey<IntKey>
    {
        public readonly int V = v;
        public int Hash() => V & 3; // collide on purpose: long probe chains
        public bool Same(in IntKey other) => V == other.V;
    }

    /// <summary>Undo restores overwritten values and removes added keys, in any interleaving of scopes.</summary>
    [Fact]
    public void ScopedMapUndoRestoresEveryEarlierState()
    {
        var map = new ScopedMap<IntKey, int>();
        var rng = new Random(5);
        for (int round = 0; round < 50; round++)
        {
            map.Reset(200);
            var model = new Dictionary<int, int>();
            var marks = new Stack<(int Mark, Dictionary<int, int> State)>();
            for (int step = 0; step < 400; step++)
            {
                int r = rng.Next(10);
                if (r < 2) marks.Push((map.Mark, new Dictionary<int, int>(model)));
                else if (r < 4 && marks.Count > 0)
                {
                    var (mark, state) = marks.Pop();
                    map.UndoTo(mark);
                    model = state;
                }
                else if (model.Count < 200)
                {
                    int k = rng.Next(300), v = rng.Next();
                    map.Set(new IntKey(k), v);
                    model[k] = v;
                }
                for (int k = 0; k < 300; k++)
                {
                    bool has = map.TryGetValue(new IntKey(k), out int v);
                    Assert.Equal(model.ContainsKey(k), has);
                    if (has) Assert.Equal(model[k], v);
                }
            }
        }
    }
}
