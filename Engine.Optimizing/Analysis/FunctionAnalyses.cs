using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// The control-flow graph, dominator tree and loop nest of one function, computed on demand and kept while
/// they stay true, so a pipeline computes them once per change of the graph instead of once per pass.
/// <para>
/// The contract: a pass that changes the control flow (terminators, the blocks in the layout or their
/// order) calls <see cref="Invalidate"/> before it returns; every other change (instructions, block
/// parameters, moving instructions between existing blocks) keeps them. A pipeline shares one instance
/// among its passes (<see cref="Passes.PassManager.CreateDefault"/>); a pass made without one gets a private
/// instance that it recomputes on every run (its function may have been changed by anything since).
/// </para>
/// </summary>
public sealed class FunctionAnalyses
{
    Function? _for;
    int _forGeneration;
    bool _loopsValid;

    public ControlFlowGraph Cfg { get; } = new();
    public DominatorTree Dom { get; } = new();
    public LoopNest Loops { get; } = new();

    /// <summary>Makes <see cref="Cfg"/> and <see cref="Dom"/> describe <paramref name="f"/>; <paramref name="trustCache"/> false recomputes them regardless.</summary>
    public void Compute(Function f, bool trustCache)
    {
        // A refilled function (Function.Reset) is another function: its generation tells.
        if (trustCache && ReferenceEquals(_for, f) && _forGeneration == f.Generation) return;
        Cfg.Compute(f);
        Dom.Compute(f, Cfg);
        _for = f;
        _forGeneration = f.Generation;
        _loopsValid = false;
    }

    /// <summary>Like <see cref="Compute"/>, and <see cref="Loops"/> too.</summary>
    public LoopNest ComputeLoops(Function f, bool trustCache)
    {
        Compute(f, trustCache);
        if (!_loopsValid)
        {
            Loops.Compute(f, Cfg, Dom);
            _loopsValid = true;
        }
        return Loops;
    }

    /// <summary>Forgets everything: the next <see cref="Compute"/> recomputes.</summary>
    public void Invalidate()
    {
        _for = null;
        _loopsValid = false;
    }
}
