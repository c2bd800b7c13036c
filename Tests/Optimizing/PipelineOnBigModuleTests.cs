using System.Diagnostics;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// The default pipeline over Bench/programs/big.wasm (a 1.7 MB C-compiled module): every function verifies
/// after every pass, and no pass but the one allowed to (strength reduction, which trades a division for a
/// few cheap instructions) adds non-constant instructions over the whole module. The output lists, per
/// pass, the time it took and what it removed, next to the pipeline main had before the new passes
/// (see it with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public class PipelineOnBigModuleTests(ITestOutputHelper output)
{
    static string BigWasm()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "Bench", "programs", "big.wasm");
    }

    static Function[] Translate(byte[] bytes)
    {
        var module = ModuleDecoder.Decode(bytes);
        var ctx = ModuleValidator.ValidateModule(module);
        return ModuleTranslator.TranslateAll(ctx, new VmOffsets(module));
    }

    static (int Insts, int Blocks, int Params) Count(Function[] fs)
    {
        int insts = 0, blocks = 0, ps = 0;
        foreach (var f in fs)
            foreach (var b in f.Blocks)
            {
                blocks++;
                ps += f.BlockParams(b).Length;
                foreach (var i in f.InstsOf(b))
                    if (f.OpOf(i) is not (Op.Iconst or Op.Fconst)) insts++;
            }
        return (insts, blocks, ps);
    }

    static Dictionary<Op, int> CountOps(Function[] fs)
    {
        var counts = new Dictionary<Op, int>();
        foreach (var f in fs)
            foreach (var b in f.Blocks)
                foreach (var i in f.InstsOf(b))
                    counts[f.OpOf(i)] = counts.GetValueOrDefault(f.OpOf(i)) + 1;
        return counts;
    }

    [Fact]
    public void DefaultPipelineVerifiesAndOnlyStrengthReductionGrows()
    {
        byte[] bytes = File.ReadAllBytes(BigWasm());
        // Warm the JIT on one copy with verification, then time fresh copies without it.
        var warm = Translate(bytes);
        var checkedPipeline = new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true };
        foreach (var f in warm) checkedPipeline.Run(f);

        var oldPasses = new IPass[] { new Simplify(), new GlobalValueNumbering(), new Simplify(), new DeadCodeElimination() };
        var old = Translate(bytes);
        var sw = Stopwatch.StartNew();
        foreach (var f in old) foreach (var p in oldPasses) p.Run(f);
        double oldMs = sw.Elapsed.TotalMilliseconds;

        var fs = Translate(bytes);
        var start = Count(fs);
        var before = CountOps(fs);
        output.WriteLine($"big.wasm: {fs.Length} functions, {start.Insts} non-constant instructions, {start.Blocks} blocks, {start.Params} block parameters");
        output.WriteLine($"previous pipeline (simplify, gvn, simplify, dce): {oldMs:F0} ms, leaves {Count(old).Insts} instructions");
        var passes = PassManager.CreateDefault().Passes;
        double total = 0;
        foreach (var pass in passes)
        {
            var c0 = Count(fs);
            sw.Restart();
            foreach (var f in fs) pass.Run(f);
            double ms = sw.Elapsed.TotalMilliseconds;
            total += ms;
            var c1 = Count(fs);
            output.WriteLine($"{pass.Name,-12} {ms,7:F1} ms  instructions {c1.Insts - c0.Insts,+8}  blocks {c1.Blocks - c0.Blocks,+7}  params {c1.Params - c0.Params,+7}");
            if (pass.Name != "strength") Assert.True(c1.Insts <= c0.Insts, $"{pass.Name} added instructions");
        }
        foreach (var pass in passes)
            if (pass is LoopInvariantCodeMotion licm) output.WriteLine($"licm: {licm.Stats.Loops} loops, {licm.Stats.WithoutPreheader} without a preheader, {licm.Stats.Hoisted} instructions hoisted");
        foreach (var pass in passes)
            if (pass is BoundsCheckElimination bce) output.WriteLine($"bce: {bce.Stats.Covered} checks covered by a dominating one, {bce.Stats.Merged} merged into an earlier one");
        foreach (var pass in passes)
            if (pass is StrengthReduction sr) output.WriteLine($"strength: {sr.Rewritten} divisions/remainders by constants rewritten");
        var end = Count(fs);
        output.WriteLine($"pipeline total {total:F0} ms; {start.Insts} -> {end.Insts} instructions, {start.Blocks} -> {end.Blocks} blocks, {start.Params} -> {end.Params} params");
        var after = CountOps(fs);
        foreach (var op in new[] { Op.Load, Op.Store, Op.BoundsCheck, Op.Udiv, Op.Sdiv, Op.Urem, Op.Srem, Op.Brif, Op.Jump })
            output.WriteLine($"  {op.Mnemonic(),-13} {before.GetValueOrDefault(op),8} -> {after.GetValueOrDefault(op),8}");
        foreach (var f in fs) Verifier.Verify(f);
        Assert.True(end.Insts < start.Insts);
    }
}
