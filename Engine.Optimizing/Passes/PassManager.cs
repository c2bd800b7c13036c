using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Runs a pipeline of passes over a function, verifying the IR after each one when
/// <see cref="VerifyEachPass"/> is set (always in debug builds; tests turn it on). A verification failure
/// names the pass that broke the function. Passes keep scratch state, so a pipeline serves one thread.
/// </summary>
public sealed class PassManager(IReadOnlyList<IPass> passes)
{
    /// <summary>
    /// The optimizing compiler's pipeline, new for each compiling thread. Its passes share one
    /// <see cref="FunctionAnalyses"/>: the graph, dominator tree and loops are computed again only after a pass
    /// that changes the control flow (branch-fold, dce, layout).
    /// </summary>
    public static PassManager CreateDefault()
    {
        var a = new FunctionAnalyses();
        return new([new Simplify(a), new GlobalValueNumbering(a), new BranchFold(a), new RedundantLoadElimination(a),
            new LoopInvariantCodeMotion(a), new BoundsCheckElimination(a), new StrengthReduction(),
            new Simplify(a), new GlobalValueNumbering(a), new ConstantRematerialization(), new DeadCodeElimination(a),
            new BlockLayout(a)]);
    }

#if DEBUG
    public bool VerifyEachPass { get; init; } = true;
#else
    public bool VerifyEachPass { get; init; }
#endif

    public IReadOnlyList<IPass> Passes { get; } = passes;

    public void Run(Function f) => Run(f, null);

    /// <summary>Runs the pipeline; with <paramref name="stats"/>, charges each pass's time and allocations to a stage of its own.</summary>
    public void Run(Function f, CompileStats? stats)
    {
        foreach (var pass in Passes)
            if (pass is IUsesAnalyses { Shared: { } shared }) shared.Invalidate();
        var stages = stats is null ? null : StagesFor(stats);
        var mark = stats is null ? default : CompileStats.Now();
        for (int k = 0; k < Passes.Count; k++)
        {
            var pass = Passes[k];
            pass.Run(f);
            if (stats is not null) mark = stats.Record(stages![k], mark);
            if (!VerifyEachPass) continue;
            try { Verifier.Verify(f); }
            catch (IrVerificationException e) { throw new IrVerificationException($"after pass '{pass.Name}': {e.Message}"); }
            if (stats is not null) mark = CompileStats.Now();
        }
    }

    CompileStats? _statsFor;
    int[]? _stages;

    /// <summary>The stage of each pass in <paramref name="stats"/>: its name, with ".2", ".3" for later runs of the same pass.</summary>
    internal int[] StagesFor(CompileStats stats)
    {
        if (ReferenceEquals(_statsFor, stats)) return _stages!;
        var ids = new int[Passes.Count];
        for (int k = 0; k < Passes.Count; k++)
        {
            int seen = 0;
            for (int j = 0; j < k; j++) if (Passes[j].Name == Passes[k].Name) seen++;
            ids[k] = stats.Stage(seen == 0 ? Passes[k].Name : $"{Passes[k].Name}.{seen + 1}");
        }
        _statsFor = stats;
        return _stages = ids;
    }
}
