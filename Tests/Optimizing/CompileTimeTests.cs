using Hoist.Compiler;
using Hoist.Optimizing;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using Hoist.Tests.Validation;
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

    /// <summary>
    /// <see cref="Function.MayContain"/>, which lets bce, rle and strength reduction skip functions they cannot change,
    /// is never wrong: every instruction in the layout, after translation and after each pass, has its opcode and
    /// flags "seen"; and it does tell: some functions have no division, no bounds check (guarded memory) or no load.
    /// </summary>
    [Theory]
    [InlineData("lz")]
    [InlineData("nbody")]
    public void MayContainCoversEveryInstructionAndSaysNoWhenItCan(string name)
    {
        var input = Input(name, out var context);
        var translator = new FunctionTranslator(new ModuleEnvironment(context, input.Offsets) { MemoryGuardBytes = [1UL << 31] });
        var reused = new Function("", new Signature(CallConv.Wasm, [], []));
        int withoutDivision = 0, withoutCheck = 0;
        for (int n = 0; n < context.Module.Code.Count; n++)
        {
            var f = translator.Translate(n, reused);
            AssertCovered(f);
            foreach (var pass in PassManager.CreateDefault().Passes)
            {
                pass.Run(f);
                AssertCovered(f);
            }
            if (!f.MayContain(Op.Udiv) && !f.MayContain(Op.Sdiv)) withoutDivision++;
            if (!f.MayContain(Op.BoundsCheck)) withoutCheck++;
        }
        Assert.True(withoutDivision > 0 && withoutCheck > 0, $"{withoutDivision} functions without division, {withoutCheck} without bounds checks");

        static void AssertCovered(Function f)
        {
            foreach (var b in f.Blocks)
                foreach (var i in f.InstsOf(b))
                {
                    Assert.True(f.MayContain(f.OpOf(i)), $"{f.Name}: {f.OpOf(i).Mnemonic()} not seen");
                    Assert.True(f.OpOf(i).Flags() == OpFlags.None || f.MayContainAny(f.OpOf(i).Flags()));
                }
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

/// <summary>
/// <see cref="DivisionMagic"/> computes its magic numbers with 64-bit long division (its former 128-bit arithmetic
/// was JIT-compiled at every start of a ReadyToRun build); the results are exactly those of the formulas of
/// Granlund–Montgomery evaluated with <see cref="UInt128"/>, for thousands of divisors of each width.
/// </summary>
public class DivisionMagicReferenceTests
{
    static DivisionMagic.Unsigned ReferenceUnsigned(ulong d, int w)
    {
        UInt128 twoW = UInt128.One << w;
        for (int p = w; ; p++)
        {
            UInt128 twoP = UInt128.One << p;
            UInt128 m = (twoP + d - 1) / d;
            if (m * d - twoP > UInt128.One << (p - w)) continue;
            return m < twoW ? new((ulong)m, false, p - w) : new((ulong)(m - twoW), true, p - w - 1);
        }
    }

    static DivisionMagic.Signed ReferenceSigned(ulong ad, int w)
    {
        UInt128 twoW = UInt128.One << w;
        for (int p = w; ; p++)
        {
            UInt128 twoP = UInt128.One << p;
            UInt128 m = twoP / ad + 1;
            if (m * ad - twoP > UInt128.One << (p - w + 1)) continue;
            return new(w == 64 ? (long)(ulong)m : (int)(uint)(ulong)m, m >= twoW >> 1, p - w);
        }
    }

    static IEnumerable<ulong> Divisors(int w)
    {
        var rng = new Random(w);
        ulong limit = 1UL << (w - 1);
        for (ulong d = 3; d < 5000; d++) yield return d;
        for (int k = 2; k < w - 1; k++)
            foreach (long delta in new long[] { -3, -1, 1, 3 })
                yield return (ulong)((1L << k) + delta);
        for (int i = 0; i < 5000; i++) yield return (ulong)rng.NextInt64(3, (long)Math.Min(limit, long.MaxValue));
        yield return limit - 1;
        yield return limit - 3;
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void MatchesTheUInt128Formulas(int w)
    {
        foreach (ulong d in Divisors(w))
        {
            if (d < 3 || System.Numerics.BitOperations.IsPow2(d) || d >= 1UL << (w - 1)) continue;
            Assert.Equal(ReferenceUnsigned(d, w), DivisionMagic.ForUnsigned(d, w));
            Assert.Equal(ReferenceSigned(d, w), DivisionMagic.ForSigned(d, w));
        }
    }
}

/// <summary>
/// The parallel compile (one worker per core, indices from a shared counter) reports the error of the lowest
/// failing function, as a sequential compile would, whatever the interleaving.
/// </summary>
public class ParallelCompileTests
{
    [Fact]
    public void ParallelCompileReportsTheLowestFailingFunction()
    {
        var m = new Hoist.Wasm.WasmModule();
        uint t = m.AddFuncType([], [Hoist.Wasm.ValType.I32]);
        for (int i = 0; i < 64; i++)
        {
            var c = new Hoist.Tests.Validation.Code();
            for (int k = 0; k < 20; k++) c.I32(k).Op(Hoist.Wasm.Opcode.Drop);
            m.AddFunc(t, (i is 17 or 40 ? c.I64(1) : c.I32(1)).End());
            m.Code[i] = m.Code[i] with { BodyOffset = i * 1000 };
        }
        var context = ModuleValidator.ValidateModule(m);
        var input = new CompileInput(context, new VmOffsets(m)) { Parallel = true, ParallelThresholdBytes = 1 };
        for (int run = 0; run < 5; run++)
        {
            var e = Assert.Throws<Hoist.Wasm.ValidationException>(() => new OptimizingCompiler().Compile(input));
            Assert.StartsWith("type mismatch", e.Message);
            Assert.Equal(17 * 1000 + m.Code[17].Code.Length - 1, e.Location.Offset);
        }
        // And a valid module compiles in parallel to the same code as sequentially.
        for (int i = 0; i < 64; i++)
            if (i is 17 or 40) m.Code[i] = m.Code[i] with { Code = m.Code[0].Code };
        context = ModuleValidator.ValidateModule(m);
        var parallel = new OptimizingCompiler().Compile(new CompileInput(context, new VmOffsets(m)) { Parallel = true, ParallelThresholdBytes = 1 });
        var sequential = new OptimizingCompiler().Compile(new CompileInput(context, new VmOffsets(m)) { Parallel = false });
        Assert.Equal(sequential.Functions.Length, parallel.Functions.Length);
        for (int i = 0; i < 64; i++) Assert.Equal(sequential.Functions[i].Memory.ToArray(), parallel.Functions[i].Memory.ToArray());
    }
}
