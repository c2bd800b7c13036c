using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Redundant load elimination and store-to-load forwarding, per alias region. A load of (region, address
/// value, offset, opcode, type) whose memory cannot have changed since a dominating load of the same key
/// reuses that load's result; a <c>load.T</c> after a dominating <c>store.T</c> to the same key uses the stored
/// value. Both never add a trap: the dominating access touched the same bytes and did not trap.
/// <para>
/// Memory state is a version per bucket of regions (<see cref="RegionMask"/>): a store bumps its region's
/// bucket, a call bumps every bucket; an entry is valid while its bucket's version is the one it was
/// recorded at. The walk is a pre-order of the dominator tree with scoped tables (undone when a subtree is
/// left), so a block starts from its immediate dominator's final state. A block entered other than straight
/// from its immediate dominator D first bumps every bucket written by some block on a path from D to it
/// (found by walking predecessors back to D; a loop header's walk covers its whole loop).
/// Only full-width forwarding: a narrow store (istore8...) does not forward to a load (that would need a mask).
/// A trap-flagged load (guarded memory) may go too: the dominating access to the same bytes did not fault.
/// </para>
/// </summary>
public sealed class RedundantLoadElimination : IPass, IUsesAnalyses
{
    public string Name => "rle";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public RedundantLoadElimination(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    readonly ScopedMap<Key, (Value Value, int Version)> _avail = new();
    readonly List<(int Bucket, int Old)> _undoVersion = new();
    readonly int[] _version = new int[64];
    int _counter;
    ulong[] _blockWrites = [];
    int[] _stamp = [];
    int _stampCounter;
    readonly Stack<Block> _work = new();
    readonly Stack<(Block Block, int AvailMark, int VersionMark)> _walk = new();

    readonly struct Key(int region, int addr, long offset, Op op, IrType type) : IScopedKey<Key>
    {
        readonly long _offset = offset;
        readonly int _region = region, _addr = addr;
        readonly int _opType = (int)op | (int)type << 16;

        public int Hash() => KeyHash.Mix((uint)_region | (long)_addr << 32, _offset, _opType);

        public bool Same(in Key o) => _addr == o._addr && _offset == o._offset && _region == o._region && _opType == o._opType;
    }

    public bool Run(Function f)
    {
        if (!f.MayContainAny(OpFlags.Load)) return false; // only loads are ever replaced
        _analyses.Compute(f, _shared);
        _avail.Reset(f.InstCount);
        _undoVersion.Clear();
        Array.Clear(_version);
        _counter = 0;
        int n = f.BlockCount;
        if (_blockWrites.Length < n) { _blockWrites = new ulong[Math.Max(n, 2 * _blockWrites.Length)]; _stamp = new int[_blockWrites.Length]; _stampCounter = 0; }
        foreach (var b in f.Blocks) _blockWrites[b.Index] = RegionMask.Writes(f, b);

        bool changed = false;
        _walk.Push((f.EntryBlock, -1, -1));
        while (_walk.Count > 0)
        {
            var (b, availMark, versionMark) = _walk.Pop();
            if (availMark >= 0)
            {
                Undo(availMark, versionMark);
                continue;
            }
            _walk.Push((b, _avail.Mark, _undoVersion.Count));
            EnterBlock(b);
            foreach (var i in f.InstsOf(b)) changed |= Visit(f, i);
            var children = _dom.Children(b);
            for (int c = children.Length - 1; c >= 0; c--) _walk.Push((children[c], -1, -1));
        }
        return changed;
    }

    void Undo(int availMark, int versionMark)
    {
        _avail.UndoTo(availMark);
        for (int k = _undoVersion.Count - 1; k >= versionMark; k--) _version[_undoVersion[k].Bucket] = _undoVersion[k].Old;
        _undoVersion.RemoveRange(versionMark, _undoVersion.Count - versionMark);
    }

    void Bump(ulong mask)
    {
        while (mask != 0)
        {
            int bucket = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            _undoVersion.Add((bucket, _version[bucket]));
            _version[bucket] = ++_counter;
        }
    }

    /// <summary>Invalidates what paths from the immediate dominator to <paramref name="b"/> may have written.</summary>
    void EnterBlock(Block b)
    {
        var idom = _dom.ImmediateDominator(b);
        if (!idom.IsValid) return;
        var preds = _cfg.Predecessors(b);
        if (preds.Length == 1 && preds[0] == idom) return;
        int stamp = ++_stampCounter;
        _stamp[idom.Index] = stamp;
        ulong mask = 0;
        foreach (var p in preds) _work.Push(p);
        while (_work.Count > 0)
        {
            var x = _work.Pop();
            if (_stamp[x.Index] == stamp || !_dom.IsReachable(x)) continue;
            _stamp[x.Index] = stamp;
            mask |= _blockWrites[x.Index];
            if (mask == RegionMask.All) { _work.Clear(); break; }
            foreach (var p in _cfg.Predecessors(x)) _work.Push(p);
        }
        Bump(mask);
    }

    bool Visit(Function f, Inst i)
    {
        ref readonly InstData d = ref f[i];
        Op op = d.Op;
        if (op.IsCall())
        {
            Bump(RegionMask.All);
            return false;
        }
        if (op.IsLoad())
        {
            var region = new AliasRegion(d.Ref);
            var key = new Key(d.Ref, f.Resolve(f.Arg(i, 0)).Index, d.Imm, op, d.Type);
            int version = Version(region);
            if (_avail.TryGetValue(key, out var e) && e.Version == version)
            {
                f.ReplaceWithValue(i, e.Value);
                return true;
            }
            Record(key, f.Result(i), version);
            return false;
        }
        if (op.IsStore())
        {
            var region = new AliasRegion(d.Ref);
            Bump(RegionMask.Of(region));
            if (op != Op.Store) return false;
            var value = f.Resolve(f.Arg(i, 1));
            var key = new Key(d.Ref, f.Resolve(f.Arg(i, 0)).Index, d.Imm, Op.Load, f.TypeOf(value));
            Record(key, value, Version(region));
        }
        return false;
    }

    int Version(AliasRegion r)
    {
        int bucket = RegionMask.Bucket(r);
        return bucket < 0 ? 0 : _version[bucket];
    }

    void Record(in Key key, Value value, int version) => _avail.Set(key, (value, version));
}
