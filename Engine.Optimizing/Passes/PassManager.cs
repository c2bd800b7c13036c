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

    public void Run(Function f)
    {
        foreach (var pass in Passes)
            if (pass is IUsesAnalyses { Shared: { } shared }) shared.Invalidate();
        foreach (var pass in Passes)
        {
            pass.Run(f);
            if (!VerifyEachPass) continue;
            try { Verifier.Verify(f); }
            catch (IrVerificationException e) { throw new IrVerificationException($"after pass '{pass.Name}': {e.Message}"); }
        }
    }
}
