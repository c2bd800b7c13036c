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
    static string Program(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "Bench", "programs", name + ".wasm");
    }

    static string BigWasm() => Program("big");

    /// <summary>
    /// The C benchmark programs (real loops over memory, unlike big.wasm's generated arithmetic): the pipeline
    /// verifies after every pass, only strength reduction grows the code, and the output says what each pass did.
    /// </summary>
    [Theory]
    [InlineData("lz")]
    [InlineData("sha256")]
    [InlineData("sort")]
    [InlineData("vm")]
    [InlineData("nbody")]
    [InlineData("strings")]
    public void PipelineOnACProgram(string name)
    {
        var fs = Translate(File.ReadAllBytes(Program(name)));
        var passes = PassManager.CreateDefault().Passes;
        var before = CountOps(fs);
        var counts = new int[passes.Count];
        foreach (var f in fs)
            for (int k = 0; k < passes.Count; k++)
            {
                int c0 = IrTestKit.NonConstantInstructions(f);
                passes[k].Run(f);
                Verifier.Verify(f);
                int c1 = IrTestKit.NonConstantInstructions(f);
                if (passes[k].Name != "strength") Assert.True(c1 <= c0, $"{passes[k].Name} added instructions to {f.Name}");
                counts[k] += c1 - c0;
            }
        var after = CountOps(fs);
        output.WriteLine($"{name}.wasm: {fs.Length} functions; instructions per pass: " + string.Join(", ", passes.Select((p, k) => $"{p.Name} {counts[k]:+0;-0;0}")));
        foreach (var pass in passes)
        {
            if (pass is LoopInvariantCodeMotion licm) output.WriteLine($"licm: {licm.Stats.Loops} loops, {licm.Stats.WithoutPreheader} without a preheader, {licm.Stats.Hoisted} hoisted ({licm.Stats.TrapsHoisted} checks/traps)");
            if (pass is BoundsCheckElimination bce) output.WriteLine($"bce: {bce.Stats.Covered} covered, {bce.Stats.Merged} merged");
        }
        foreach (var op in new[] { Op.Load, Op.Store, Op.BoundsCheck, Op.Udiv, Op.Sdiv, Op.Urem, Op.Srem, Op.Brif, Op.Jump })
            output.WriteLine($"  {op.Mnemonic(),-13} {before.GetValueOrDefault(op),8} -> {after.GetValueOrDefault(op),8}");
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

    /// <summary>Timing runs (the fastest is reported): HOIST_PIPELINE_RUNS, default 1 (each run translates the module twice).</summary>
    static int Runs => int.TryParse(Environment.GetEnvironmentVariable("HOIST_PIPELINE_RUNS"), out int n) && n > 0 ? n : 1;

    [Fact]
    public void DefaultPipelineVerifiesAndOnlyStrengthReductionGrows()
    {
        byte[] bytes = File.ReadAllBytes(BigWasm());
        // Warm the JIT with a verified run of the pipeline over the whole module (the correctness half of this test).
        var warm = Translate(bytes);
        var checkedPipeline = new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true };
        foreach (var f in warm) checkedPipeline.Run(f);
        var start = Count(Translate(bytes));

        double oldMs = double.MaxValue, pipelineMs = double.MaxValue;
        int oldLeft = 0;
        var passes = PassManager.CreateDefault().Passes;
        var best = new double[passes.Count];
        Array.Fill(best, double.MaxValue);
        var deltas = new (int Insts, int Blocks, int Params)[passes.Count];
        Dictionary<Op, int> before = new(), after = new();
        Function[] fs = [];
        for (int run = 0; run < Runs; run++)
        {
            var oldPasses = new IPass[] { new Simplify(), new GlobalValueNumbering(), new Simplify(), new DeadCodeElimination() };
            var old = Translate(bytes);
            var sw = Stopwatch.StartNew();
            foreach (var f in old) foreach (var p in oldPasses) p.Run(f);
            oldMs = Math.Min(oldMs, sw.Elapsed.TotalMilliseconds);
            oldLeft = Count(old).Insts;
            old = null;

            passes = PassManager.CreateDefault().Passes;
            fs = Translate(bytes);
            before = CountOps(fs);
            for (int k = 0; k < passes.Count; k++)
            {
                var c0 = Count(fs);
                sw.Restart();
                foreach (var f in fs) passes[k].Run(f);
                best[k] = Math.Min(best[k], sw.Elapsed.TotalMilliseconds);
                var c1 = Count(fs);
                deltas[k] = (c1.Insts - c0.Insts, c1.Blocks - c0.Blocks, c1.Params - c0.Params);
                if (passes[k].Name != "strength") Assert.True(c1.Insts <= c0.Insts, $"{passes[k].Name} added instructions");
            }
            after = CountOps(fs);

            // As the compiler runs it: function by function, the passes sharing their analyses.
            var pipeline = PassManager.CreateDefault();
            var again = Translate(bytes);
            sw.Restart();
            foreach (var f in again) pipeline.Run(f);
            pipelineMs = Math.Min(pipelineMs, sw.Elapsed.TotalMilliseconds);
            Assert.Equal(Count(fs).Insts, Count(again).Insts);
        }
        output.WriteLine($"big.wasm: {fs.Length} functions, {start.Insts} non-constant instructions, {start.Blocks} blocks, {start.Params} block parameters; best of {Runs} runs");
        output.WriteLine($"previous pipeline (simplify, gvn, simplify, dce): {oldMs:F0} ms, leaves {oldLeft} instructions");
        for (int k = 0; k < passes.Count; k++)
            output.WriteLine($"{passes[k].Name,-12} {best[k],7:F1} ms  instructions {deltas[k].Insts,+8}  blocks {deltas[k].Blocks,+7}  params {deltas[k].Params,+7}");
        foreach (var pass in passes)
        {
            if (pass is LoopInvariantCodeMotion licm) output.WriteLine($"licm: {licm.Stats.Loops} loops, {licm.Stats.WithoutPreheader} without a preheader, {licm.Stats.Hoisted} instructions hoisted ({licm.Stats.TrapsHoisted} of them checks/traps)");
            if (pass is BoundsCheckElimination bce) output.WriteLine($"bce: {bce.Stats.Covered} checks covered by a dominating one, {bce.Stats.Merged} merged into an earlier one");
            if (pass is StrengthReduction sr) output.WriteLine($"strength: {sr.Rewritten} divisions/remainders by constants rewritten");
        }
        var end = Count(fs);
        output.WriteLine($"pipeline function by function (as compiled): {pipelineMs:F0} ms");
        output.WriteLine($"pipeline total of the passes above (pass by pass, each recomputing its analyses) {best.Sum():F0} ms; {start.Insts} -> {end.Insts} instructions, {start.Blocks} -> {end.Blocks} blocks, {start.Params} -> {end.Params} params");
        foreach (var op in new[] { Op.Load, Op.Store, Op.BoundsCheck, Op.Udiv, Op.Sdiv, Op.Urem, Op.Srem, Op.Brif, Op.Jump })
            output.WriteLine($"  {op.Mnemonic(),-13} {before.GetValueOrDefault(op),8} -> {after.GetValueOrDefault(op),8}");
        foreach (var f in fs) Verifier.Verify(f);
        Assert.True(end.Insts < start.Insts);
    }
}
