using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Simplifies the control-flow graph, in rounds until nothing changes:
/// <list type="bullet">
/// <item>a <c>brif</c> on a constant, a <c>br_table</c> on a constant, and a branch whose targets are all the
///   same block with the same arguments become a <c>jump</c>; <c>brif (icmp ne x, 0)</c> tests x itself and
///   <c>brif (icmp eq x, 0)</c> tests x with its targets swapped;</item>
/// <item>blocks the entry cannot reach leave the layout;</item>
/// <item>a block parameter whose incoming arguments are all one value v (or the parameter itself, on a loop's
///   back edge) becomes v, and its arguments go (the φs Braun's construction leaves, and those a folded
///   branch leaves with one incoming edge). v dominates the block: it reaches it on every entering edge.
///   Likewise when every edge passes an equal constant from different instructions: the parameter becomes a
///   constant at the top of the block (constants are free; conditions on it then fold);</item>
/// <item>jump threading: an edge to a block that holds nothing but <c>jump C(args)</c> and has no parameters goes
///   straight to C — unless C is a loop header entered from outside (that block is the loop's preheader,
///   where code motion puts invariant code), or the edge is one of several out of a branch and C takes
///   arguments (the edge would need its own block again for the moves);</item>
/// <item>a block whose only predecessor ends with a jump to it is merged into that predecessor.</item>
/// </list>
/// Everything here removes instructions, blocks or moves; nothing is added.
/// </summary>
public sealed class BranchFold : IPass, IUsesAnalyses
{
    public string Name => "branch-fold";

    const int MaxRounds = 6;

    // Its own graph and tree: they are recomputed every round, as the pass changes the control flow.
    readonly ControlFlowGraph _cfg = new();
    readonly DominatorTree _dom = new();
    readonly FunctionAnalyses? _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared;

    /// <summary>A pass that invalidates <paramref name="shared"/> (a pipeline's analyses) when it changes the function.</summary>
    public BranchFold(FunctionAnalyses? shared = null) => _shared = shared;
    readonly IncomingEdges _edges = new();
    Value[] _scratch = new Value[16];
    bool[] _remove = new bool[16];

    public bool Run(Function f)
    {
        bool changed = false;
        for (int round = 0; round < MaxRounds; round++)
        {
            bool c = FoldBranches(f);
            _cfg.Compute(f);
            _dom.Compute(f, _cfg);
            foreach (var b in f.Blocks)
                if (!_dom.IsReachable(b)) { f.RemoveBlock(b); c = true; }
            _edges.Compute(f);
            c |= RemoveTrivialParams(f);
            c |= ThreadJumps(f);
            _edges.Compute(f);
            c |= MergeIntoPredecessors(f);
            if (!c) break;
            changed = true;
        }
        if (changed) _shared?.Invalidate();
        return changed;
    }

    // ---- Branches on known conditions.

    bool FoldBranches(Function f)
    {
        bool changed = false;
        foreach (var b in f.Blocks)
        {
            var term = f.Terminator(b);
            if (!term.IsValid || !f.OpOf(term).IsBranch()) continue;
            ResolveArgs(f, term);
            changed |= FoldBranch(f, term);
        }
        return changed;
    }

    static void ResolveArgs(Function f, Inst i)
    {
        var args = f.ArgsMut(i);
        for (int k = 0; k < args.Length; k++) args[k] = f.Resolve(args[k]);
        int n = f.TargetCount(i);
        for (int t = 0; t < n; t++)
        {
            var targs = f.TargetArgsMut(i, t);
            for (int k = 0; k < targs.Length; k++) targs[k] = f.Resolve(targs[k]);
        }
    }

    static bool IsConst(Function f, Value v, out long imm)
    {
        var d = f.DefiningInst(v);
        imm = d.IsValid && f.OpOf(d) == Op.Iconst ? f[d].Imm : 0;
        return d.IsValid && f.OpOf(d) == Op.Iconst;
    }

    bool FoldBranch(Function f, Inst term)
    {
        Op op = f.OpOf(term);
        int n = f.TargetCount(term);
        if (op == Op.Jump) return false;
        // A condition or index known at compile time picks the target.
        if (IsConst(f, f.Arg(term, 0), out long c))
        {
            int t = op == Op.Brif ? (c != 0 ? 0 : 1) : ((ulong)(uint)c < (ulong)(n - 1) ? 1 + (int)(uint)c : 0);
            ToJump(f, term, t);
            return true;
        }
        if (AllTargetsEqual(f, term, n))
        {
            ToJump(f, term, 0);
            return true;
        }
        if (op != Op.Brif) return false;
        var cmp = f.DefiningInst(f.Arg(term, 0));
        if (!cmp.IsValid || f.OpOf(cmp) != Op.Icmp || !IsConst(f, f.Arg(cmp, 1), out long rhs) || rhs != 0) return false;
        var cc = (IntCC)f[cmp].Code;
        if (cc is not (IntCC.Ne or IntCC.Eq)) return false;
        f.ArgsMut(term)[0] = f.Resolve(f.Arg(cmp, 0));
        if (cc == IntCC.Eq) SwapTargets(f, term);
        return true;
    }

    static bool AllTargetsEqual(Function f, Inst term, int n)
    {
        var first = f.TargetBlock(term, 0);
        var args = f.TargetArgs(term, 0);
        for (int t = 1; t < n; t++)
            if (f.TargetBlock(term, t) != first || !f.TargetArgs(term, t).SequenceEqual(args)) return false;
        return true;
    }

    void ToJump(Function f, Inst term, int t)
    {
        var target = f.TargetBlock(term, t);
        var args = Copy(f.TargetArgs(term, t));
        f.RewriteAsJump(term, target, args);
    }

    Span<Value> Copy(ReadOnlySpan<Value> args, int at = 0)
    {
        if (_scratch.Length < at + args.Length) Array.Resize(ref _scratch, Math.Max(2 * _scratch.Length, at + args.Length));
        args.CopyTo(_scratch.AsSpan(at));
        return _scratch.AsSpan(at, args.Length);
    }

    void SwapTargets(Function f, Inst term)
    {
        Block b0 = f.TargetBlock(term, 0), b1 = f.TargetBlock(term, 1);
        int n0 = f.TargetArgs(term, 0).Length, n1 = f.TargetArgs(term, 1).Length;
        Copy(f.TargetArgs(term, 0));
        Copy(f.TargetArgs(term, 1), n0);
        f.SetTarget(term, 0, b1, _scratch.AsSpan(n0, n1));
        f.SetTarget(term, 1, b0, _scratch.AsSpan(0, n0));
    }

    // ---- Block parameters with one incoming value.

    bool RemoveTrivialParams(Function f)
    {
        bool any = false;
        for (bool again = true; again;)
        {
            again = false;
            foreach (var b in f.Blocks)
            {
                if (b == f.EntryBlock) continue;
                int count = f.BlockParams(b).Length;
                if (count == 0 || _edges.CountInto(b) == 0) continue;
                if (_remove.Length < count) _remove = new bool[Math.Max(count, 2 * _remove.Length)];
                var remove = _remove.AsSpan(0, count);
                remove.Clear();
                bool removeAny = false;
                for (int k = 0; k < count; k++)
                {
                    var p = f.BlockParams(b)[k];
                    var v = SingleIncoming(f, b, k, p);
                    if (!v.IsValid)
                    {
                        // Every edge passes an equal constant (from different instructions): one constant at the top.
                        if (!SameConstantIncoming(f, b, k, p, out var c)) continue;
                        var def = f[c];
                        var copy = f.CreateInst(def.Op, def.Type, default, imm: def.Imm);
                        f.SetSourceOffset(copy, def.SourceOffset);
                        var first = f.FirstInst(b);
                        if (first.IsValid) f.InsertInstBefore(copy, first); else f.AppendInst(b, copy);
                        v = f.Result(copy);
                    }
                    f.ChangeToAlias(p, v);
                    remove[k] = removeAny = true;
                }
                if (!removeAny) continue;
                f.RemoveBlockParams(b, remove);
                foreach (var (branch, t) in _edges.Into(b)) f.RemoveTargetArgs(branch, t, remove);
                again = any = true;
            }
        }
        return any;
    }

    /// <summary>The one value every edge passes to parameter k (ignoring the parameter itself), or None.</summary>
    Value SingleIncoming(Function f, Block b, int k, Value p)
    {
        var v = Value.None;
        foreach (var (branch, t) in _edges.Into(b))
        {
            var a = f.Resolve(f.TargetArgs(branch, t)[k]);
            if (a == p || a == v) continue;
            if (v.IsValid) return Value.None;
            v = a;
        }
        return v;
    }

    /// <summary>True when every edge passes parameter k a constant of the same value (ignoring the parameter itself); <paramref name="c"/> is one of them.</summary>
    bool SameConstantIncoming(Function f, Block b, int k, Value p, out Inst c)
    {
        c = Inst.None;
        foreach (var (branch, t) in _edges.Into(b))
        {
            var a = f.Resolve(f.TargetArgs(branch, t)[k]);
            if (a == p) continue;
            var d = f.DefiningInst(a);
            if (!d.IsValid || f.OpOf(d) is not (Op.Iconst or Op.Fconst)) return false;
            if (!c.IsValid) c = d;
            else if (f[d].Imm != f[c].Imm || f[d].Type != f[c].Type || f.OpOf(d) != f.OpOf(c)) return false;
        }
        return c.IsValid;
    }

    // ---- Jump threading.

    /// <summary>True for a block that only jumps on, with no parameters (so its jump's arguments are defined elsewhere).</summary>
    static bool IsForwarder(Function f, Block b, out Inst jump)
    {
        jump = f.FirstInst(b);
        return b != f.EntryBlock && f.BlockParams(b).Length == 0 && jump.IsValid && f.OpOf(jump) == Op.Jump
            && f.TargetBlock(jump, 0) != b;
    }

    bool ThreadJumps(Function f)
    {
        bool changed = false;
        foreach (var b in f.Blocks)
        {
            if (!IsForwarder(f, b, out var jump)) continue;
            // Follow a chain of forwarders (bounded: a cycle of them is an infinite loop, left as it is).
            // `full` is the chain's last jump; `plain` the last one whose target takes no arguments.
            Inst full = jump, plain = f.TargetArgs(jump, 0).Length == 0 ? jump : Inst.None;
            for (int steps = 0; steps < 8 && IsForwarder(f, f.TargetBlock(full, 0), out var next) && f.TargetBlock(next, 0) != b; steps++)
            {
                full = next;
                if (f.TargetArgs(next, 0).Length == 0) plain = next;
            }
            foreach (var (branch, t) in _edges.Into(b))
            {
                var via = f.OpOf(branch) == Op.Jump ? full : plain;
                if (!via.IsValid || f.TargetBlock(branch, t) != b) continue;
                var c = f.TargetBlock(via, 0);
                if (IsLoopHeader(c) && !_dom.Dominates(c, b)) continue;
                f.SetTarget(branch, t, c, Copy(f.TargetArgs(via, 0)));
                changed = true;
            }
        }
        return changed;
    }

    bool IsLoopHeader(Block c)
    {
        foreach (var p in _cfg.Predecessors(c))
            if (_dom.Dominates(c, p)) return true;
        return false;
    }

    // ---- Straight-line chains.

    bool MergeIntoPredecessors(Function f)
    {
        bool changed = false;
        // Over the round's reverse post-order (a snapshot: merging takes later blocks out of the layout).
        foreach (var p in _dom.ReversePostOrder)
        {
            if (!f.IsInLayout(p)) continue;
            while (true)
            {
                var jump = f.Terminator(p);
                if (!jump.IsValid || f.OpOf(jump) != Op.Jump) break;
                var b = f.TargetBlock(jump, 0);
                if (b == p || b == f.EntryBlock || _edges.CountInto(b) != 1 || !f.IsInLayout(b)) break;
                var args = f.TargetArgs(jump, 0);
                var ps = f.BlockParams(b);
                for (int k = 0; k < ps.Length; k++) f.ChangeToAlias(ps[k], args[k]);
                f.RemoveInst(jump);
                foreach (var i in f.InstsOf(b))
                {
                    f.RemoveInst(i);
                    f.AppendInst(p, i);
                }
                f.RemoveBlock(b);
                changed = true;
            }
        }
        return changed;
    }
}
