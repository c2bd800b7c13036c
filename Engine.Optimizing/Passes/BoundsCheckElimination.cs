using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Removes bounds checks that an earlier check already covers. A check <c>bounds_check i+e, b</c> is seen
/// as base + k + e ≤ b, where i = <c>iadd base, k</c> with base a zero-extended 32-bit value and
/// 0 ≤ k &lt; 2^32 (so i = base + k exactly), and otherwise base = i, k = 0. Per (base, b) the walk — a
/// pre-order of the dominator tree with scoped tables — keeps the largest end k + e proven so far:
/// <list type="bullet">
/// <item>a check whose end is within a dominating check's is removed (it cannot fail where that one passed);</item>
/// <item>a <c>memory_out_of_bounds</c> check with a larger end that follows one of the same (base, b) in the same block, with
///   nothing between them that stores, calls, branches or may trap with another code (other memory checks,
///   loads and pure code are fine), is merged
///   into the earlier one, whose end grows: the program traps with the same code and no effect in between
///   (struct fields at increasing offsets of one pointer then cost one check). The trap then reports the
///   earlier check's wasm offset.</item>
/// </list>
/// Checks that are loop-invariant leave loops in <see cref="LoopInvariantCodeMotion"/> (header rule);
/// checks on induction variables would need loop versioning, which is not done.
/// </summary>
public sealed class BoundsCheckElimination : IPass, IUsesAnalyses
{
    public string Name => "bce";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public BoundsCheckElimination(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    readonly Dictionary<(int Base, int Bound, byte Code), Entry> _table = new();
    readonly Dictionary<(int Region, int Addr, long Offset), int> _sizeLocations = new();
    int[] _visit = [];
    int _visitCounter;
    readonly List<((int, int, byte) Key, Entry Previous, bool Had)> _undo = new();
    readonly Stack<(Block Block, int Mark)> _walk = new();
    int _epoch;

    /// <summary>Statistics over every run: checks removed as covered, checks merged into an earlier one.</summary>
    public (int Covered, int Merged) Stats { get; private set; }

    /// <summary>
    /// The largest end proven for a (base, bound), the age of the bound value it was proven against (its
    /// definition's visit number; 0 when the bound is not a memory size), and the check that proved it with
    /// its offset, bound value and the epoch it was seen in.
    /// </summary>
    readonly record struct Entry(ulong End, int Age, Inst Check, ulong CheckOffset, int BoundValue, int Epoch);

    public bool Run(Function f)
    {
        if (!f.MayContain(Op.BoundsCheck)) return false; // nothing to remove or merge (guarded memories have none)
        _analyses.Compute(f, _shared);
        _table.Clear();
        _undo.Clear();
        _sizeLocations.Clear();
        if (_visit.Length < f.InstCount) _visit = new int[Math.Max(f.InstCount, 2 * _visit.Length)];
        _visitCounter = 0;
        bool changed = false;
        _walk.Push((f.EntryBlock, -1));
        while (_walk.Count > 0)
        {
            var (b, mark) = _walk.Pop();
            if (mark >= 0)
            {
                Undo(mark);
                continue;
            }
            _walk.Push((b, _undo.Count));
            _epoch++; // a new block: no merging across block boundaries
            foreach (var i in f.InstsOf(b))
            {
                _visit[i.Index] = ++_visitCounter;
                changed |= Visit(f, i);
            }
            var children = _dom.Children(b);
            for (int c = children.Length - 1; c >= 0; c--) _walk.Push((children[c], -1));
        }
        return changed;
    }

    void Undo(int height)
    {
        for (int k = _undo.Count - 1; k >= height; k--)
        {
            var (key, previous, had) = _undo[k];
            if (had) _table[key] = previous; else _table.Remove(key);
        }
        _undo.RemoveRange(height, _undo.Count - height);
    }

    bool Visit(Function f, Inst i)
    {
        Op op = f.OpOf(i);
        if (op != Op.BoundsCheck)
        {
            // Anything observable ends the run of checks that may merge (loads and pure code do not).
            if (f.HasSideEffects(i)) _epoch++; // trap-flagged heap accesses included (InstEffects)
            return false;
        }
        ref readonly InstData d = ref f[i];
        var index = f.Resolve(f.Arg(i, 0));
        var bound = f.Resolve(f.Arg(i, 1));
        var (baseValue, k) = Decompose(f, index);
        ulong end = k + (ulong)d.Imm;
        if (end < k) { _epoch++; return false; } // overflow: leave it alone
        var (boundKey, age) = BoundIdentity(f, bound);
        var key = (baseValue.Index, boundKey, d.Code);
        bool replace = true;
        if (_table.TryGetValue(key, out var e))
        {
            if (end <= e.End && age >= e.Age)
            {
                f.RemoveInst(i);
                Stats = Stats with { Covered = Stats.Covered + 1 };
                return true;
            }
            if (end > e.End && e.Epoch == _epoch && d.Code == (byte)TrapCode.MemoryOutOfBounds && e.BoundValue == bound.Index && f.IsInLayout(e.Check))
            {
                // Grow the earlier check to this end: k + e' = end with the earlier check's own k.
                f.SetImm(e.Check, (long)(end - e.CheckOffset));
                f.RemoveInst(i);
                Set(key, e with { End = end });
                Stats = Stats with { Merged = Stats.Merged + 1 };
                return true;
            }
            // A check against an older size proves less than the entry (unless it reaches further).
            replace = end > e.End;
        }
        if (replace) Set(key, new Entry(end, age, i, k, bound.Index, _epoch));
        // A check with another trap code must keep its order relative to the others.
        if (d.Code != (byte)TrapCode.MemoryOutOfBounds) _epoch++;
        return false;
    }

    void Set((int, int, byte) key, Entry e)
    {
        bool had = _table.TryGetValue(key, out var previous);
        _undo.Add((key, previous, had));
        _table[key] = e;
    }

    /// <summary>
    /// The key a bound is known by, and its age: a load of a memory's size is known by its location (a
    /// negative id) and aged by its visit number; any other value by itself, with age 0.
    /// </summary>
    (int Key, int Age) BoundIdentity(Function f, Value bound)
    {
        var def = f.DefiningInst(bound);
        if (!def.IsValid || !f.OpOf(def).IsLoad() || new AliasRegion(f[def].Ref).Kind != RegionKind.MemorySize) return (bound.Index, 0);
        var location = (f[def].Ref, f.Resolve(f.Arg(def, 0)).Index, f[def].Imm);
        if (!_sizeLocations.TryGetValue(location, out int id)) _sizeLocations[location] = id = -1 - _sizeLocations.Count;
        return (id, _visit[def.Index]);
    }

    /// <summary>i = base + k exactly: base a zero-extended i32 (below 2^32) and k a constant in [0, 2^32).</summary>
    static (Value Base, ulong K) Decompose(Function f, Value index)
    {
        var add = f.DefiningInst(index);
        if (!add.IsValid || f.OpOf(add) != Op.Iadd) return (index, 0);
        var x = f.Resolve(f.Arg(add, 0));
        var c = f.DefiningInst(f.Arg(add, 1));
        var ext = f.DefiningInst(x);
        if (!c.IsValid || f.OpOf(c) != Op.Iconst || !ext.IsValid || f.OpOf(ext) != Op.Uextend) return (index, 0);
        long k = f[c].Imm;
        return k is >= 0 and < 1L << 32 ? (x, (ulong)k) : (index, 0);
    }
}
