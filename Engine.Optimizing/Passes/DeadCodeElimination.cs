using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Removes what cannot affect the function's behaviour, by marking what can and sweeping the rest:
/// <list type="bullet">
/// <item>blocks the entry cannot reach;</item>
/// <item>instructions without side effects (pure ones and loads) whose results nothing live uses;</item>
/// <item>block parameters nothing live uses, with their arguments on every incoming edge — including
///   loop-carried values that only feed themselves.</item>
/// </list>
/// Roots are the instructions with side effects (stores, calls, traps, terminators): their operands are
/// live, except a branch's arguments, which are live only where the parameter they feed is. Entry block
/// parameters always stay (they are the signature).
/// </summary>
public sealed class DeadCodeElimination : IPass, IUsesAnalyses
{
    public string Name => "dce";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public DeadCodeElimination(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    readonly Stack<Value> _work = new();
    readonly IncomingEdges _incoming = new();
    bool[] _liveValue = new bool[64], _liveInst = new bool[64];

    public bool Run(Function f)
    {
        bool changed = RemoveUnreachableBlocks(f);
        if (changed) _analyses.Invalidate(); // the layout lost blocks
        if (_liveValue.Length < f.ValueCount) _liveValue = new bool[Math.Max(f.ValueCount, 2 * _liveValue.Length)];
        if (_liveInst.Length < f.InstCount) _liveInst = new bool[Math.Max(f.InstCount, 2 * _liveInst.Length)];
        var liveValue = _liveValue;
        var liveInst = _liveInst;
        Array.Clear(liveValue, 0, f.ValueCount);
        Array.Clear(liveInst, 0, f.InstCount);
        var incoming = _incoming;
        incoming.Compute(f);

        foreach (var b in f.Blocks)
            foreach (var i in f.InstsOf(b))
            {
                if (!f.HasSideEffects(i)) continue;     // a guarded heap load may trap: it stays (InstEffects)
                liveInst[i.Index] = true;
                foreach (var a in f.Args(i)) _work.Push(a);
            }
        while (_work.Count > 0)
        {
            var v = f.Resolve(_work.Pop());
            if (liveValue[v.Index]) continue;
            liveValue[v.Index] = true;
            ref readonly ValueData vd = ref f.ValueInfo(v);
            if (vd.Kind == ValueKind.Result)
            {
                if (liveInst[vd.Owner]) continue;
                liveInst[vd.Owner] = true;
                foreach (var a in f.Args(new Inst(vd.Owner))) _work.Push(a);
            }
            else if (vd.Kind == ValueKind.Param)
            {
                foreach (var (branch, t) in incoming.Into(new Block(vd.Owner))) _work.Push(f.TargetArgs(branch, t)[vd.Num]);
            }
        }

        foreach (var b in f.Blocks)
        {
            foreach (var i in f.InstsOf(b))
            {
                if (liveInst[i.Index]) continue;
                f.RemoveInst(i);
                changed = true;
            }
            if (b == f.EntryBlock) continue;
            var ps = f.BlockParams(b);
            for (int k = ps.Length - 1; k >= 0; k--)
            {
                if (liveValue[f.BlockParams(b)[k].Index]) continue;
                f.RemoveBlockParam(b, k);
                foreach (var (branch, t) in incoming.Into(b)) f.RemoveTargetArg(branch, t, k);
                changed = true;
            }
        }
        return changed;
    }

    bool RemoveUnreachableBlocks(Function f)
    {
        _analyses.Compute(f, _shared);
        bool changed = false;
        foreach (var b in f.Blocks)
        {
            if (_dom.IsReachable(b)) continue;
            f.RemoveBlock(b);
            changed = true;
        }
        return changed;
    }
}
