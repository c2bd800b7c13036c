using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Global value numbering over the dominator tree: an instruction equal to one that dominates it (same
/// opcode, types, immediates and operands, commutative operands in either order) is removed and its
/// results become the dominating instruction's. Candidates are the pure instructions, loads of the
/// <c>const</c> region (nothing writes it, so two such loads of one address agree wherever they are),
/// and the instructions that only trap or compute (divisions, trapping conversions, conditional traps,
/// bounds checks): the dominating copy would already have trapped. Other loads need the memory state
/// between the two and are left to redundant-load elimination.
/// The walk is a pre-order of the dominator tree with a scoped table (entries leave with their subtree).
/// </summary>
public sealed class GlobalValueNumbering : IPass, IUsesAnalyses
{
    public string Name => "gvn";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public GlobalValueNumbering(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    readonly ScopedMap<Key, Inst> _table = new();
    /// <summary>The walk: (block, undo mark); a mark ≥ 0 means "leave the subtree: undo to the mark".</summary>
    readonly Stack<(Block Block, int Mark)> _stack = new();

    readonly struct Key(Op op, IrType type, byte code, int @ref, long imm, int a0, int a1, int a2) : IScopedKey<Key>
    {
        readonly long _imm = imm;
        readonly int _ref = @ref, _a0 = a0, _a1 = a1, _a2 = a2;
        readonly int _opTypeCode = (int)op | (int)type << 16 | code << 24;

        public int Hash() => KeyHash.Mix((uint)_opTypeCode | (long)_ref << 32, _imm, ((uint)_a0 | (long)_a1 << 32) ^ ((long)_a2 << 17));

        public bool Same(in Key o) =>
            _opTypeCode == o._opTypeCode && _a0 == o._a0 && _a1 == o._a1 && _a2 == o._a2 && _imm == o._imm && _ref == o._ref;
    }

    public bool Run(Function f)
    {
        _analyses.Compute(f, _shared);
        _table.Reset(f.InstCount);
        bool changed = false;
        _stack.Clear();
        _stack.Push((f.EntryBlock, -1));
        while (_stack.Count > 0)
        {
            var (b, mark) = _stack.Pop();
            if (mark >= 0)
            {
                _table.UndoTo(mark);
                continue;
            }
            _stack.Push((b, _table.Mark));
            foreach (var i in f.InstsOf(b)) changed |= Visit(f, i);
            var children = _dom.Children(b);
            for (int c = children.Length - 1; c >= 0; c--) _stack.Push((children[c], -1));
        }
        return changed;
    }

    static bool IsCandidate(Function f, Inst i)
    {
        ref readonly InstData d = ref f[i];
        Op op = d.Op;
        if (op.IsPure()) return true;
        if (op.IsLoad()) return new AliasRegion(d.Ref).Kind == RegionKind.Const;
        return op is Op.Sdiv or Op.Udiv or Op.Srem or Op.Urem or Op.FcvtToSint or Op.FcvtToUint
            or Op.Trapz or Op.Trapnz or Op.BoundsCheck;
    }

    bool Visit(Function f, Inst i)
    {
        var args = f.ArgsMut(i);
        for (int k = 0; k < args.Length; k++) args[k] = f.Resolve(args[k]);
        if (args.Length > 3 || !IsCandidate(f, i)) return false;
        ref readonly InstData d = ref f[i];
        int a0 = args.Length > 0 ? args[0].Index : -1, a1 = args.Length > 1 ? args[1].Index : -1, a2 = args.Length > 2 ? args[2].Index : -1;
        if (d.Op.IsCommutative() && a0 > a1) (a0, a1) = (a1, a0);
        var key = new Key(d.Op, d.Type, d.Code, d.Ref, d.Imm, a0, a1, a2);
        if (_table.TryGetValue(key, out var existing))
        {
            int n = f.ResultCount(i);
            for (int r = 0; r < n; r++) f.ChangeToAlias(f.Result(i, r), f.Result(existing, r));
            f.RemoveInst(i);
            return true;
        }
        _table.Set(key, i);
        return false;
    }
}
