using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Orders the blocks for emission (the back end emits them in layout order and omits a jump to the next
/// block, inverting a branch's condition when its second target is next):
/// <list type="bullet">
/// <item>a reverse post-order of a depth-first walk that visits each block's <em>likely</em> successor last, so
///   it comes right after the block: ranked by not ending in a trap, then by staying in the block's loop,
///   then by having the block as its only predecessor (a then-arm or the code after a br_if rather than a
///   join), then by being the first target;</item>
/// <item>each loop contiguous: a loop's blocks (its header first) are placed together where its header falls,
///   recursively for nested loops, keeping the walk's order inside;</item>
/// <item>blocks ending in <c>trap</c> (cold: they run at most once) after everything else; the entry stays first;</item>
/// <item>blocks the entry cannot reach leave the layout.</item>
/// </list>
/// Only the order changes; no instruction is added or removed.
/// </summary>
public sealed class BlockLayout : IPass, IUsesAnalyses
{
    public string Name => "layout";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public BlockLayout(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    LoopNest _loops => _analyses.Loops;
    readonly Stack<(Block Block, int Next)> _dfs = new();
    readonly List<Block> _post = new();
    readonly List<Block> _order = new();
    readonly List<Block> _cold = new();
    readonly Stack<(int List, int Position)> _emit = new();
    byte[] _visited = [];
    Block[] _succ = new Block[8];
    int[] _listStart = [], _listFill = [];
    Block[] _listItems = [];

    public bool Run(Function f)
    {
        _analyses.ComputeLoops(f, _shared);
        if (_visited.Length < f.BlockCount) _visited = new byte[Math.Max(f.BlockCount, 2 * _visited.Length)];
        Array.Clear(_visited, 0, f.BlockCount);
        WalkPreferringLikelySuccessors(f);
        GroupLoops();
        // Cold blocks last (stable), the entry first whatever it ends with.
        _cold.Clear();
        int w = 1;
        for (int k = 1; k < _order.Count; k++)
        {
            if (IsCold(f, _order[k])) _cold.Add(_order[k]);
            else _order[w++] = _order[k];
        }
        foreach (var c in _cold) _order[w++] = c;
        return Apply(f);
    }

    static bool IsCold(Function f, Block b)
    {
        var term = f.Terminator(b);
        return term.IsValid && f.OpOf(term) == Op.Trap;
    }

    /// <summary>Higher is likelier to run right after <paramref name="from"/>.</summary>
    int Rank(Function f, Block from, Block to)
    {
        if (IsCold(f, to)) return 0;
        int loop = _loops.InnermostLoop(from);
        if (loop >= 0 && !_loops.Contains(loop, to)) return 1;
        return _cfg.Predecessors(to).Length == 1 ? 3 : 2;
    }

    /// <summary>Post-order of a DFS from the entry that visits likelier successors later; _post receives it.</summary>
    void WalkPreferringLikelySuccessors(Function f)
    {
        _post.Clear();
        _dfs.Clear();
        _dfs.Push((f.EntryBlock, 0));
        _visited[f.EntryBlock.Index] = 1;
        while (_dfs.Count > 0)
        {
            var (b, next) = _dfs.Pop();
            var succ = OrderedSuccessors(f, b);
            // Successors are re-ranked on every resume; cheap (a handful) and allocation-free.
            if (next < succ.Length)
            {
                _dfs.Push((b, next + 1));
                var s = succ[next];
                if (_visited[s.Index] == 0)
                {
                    _visited[s.Index] = 1;
                    _dfs.Push((s, 0));
                }
                continue;
            }
            _post.Add(b);
        }
    }

    /// <summary>The successors of <paramref name="b"/> in visiting order: least likely first (stable by target order otherwise reversed).</summary>
    ReadOnlySpan<Block> OrderedSuccessors(Function f, Block b)
    {
        var succ = _cfg.Successors(b);
        if (_succ.Length < succ.Length) _succ = new Block[Math.Max(succ.Length, 2 * _succ.Length)];
        // Insertion sort by rank ascending; equal ranks: later targets first, so the first target is visited last.
        int n = 0;
        for (int k = succ.Length - 1; k >= 0; k--)
        {
            var s = succ[k];
            int r = Rank(f, b, s);
            int j = n++;
            while (j > 0 && Rank(f, b, _succ[j - 1]) > r) { _succ[j] = _succ[j - 1]; j--; }
            _succ[j] = s;
        }
        return _succ.AsSpan(0, n);
    }

    /// <summary>
    /// Reverse post-order with every loop contiguous: list 0 holds the blocks outside loops and list l + 1 the
    /// blocks whose innermost loop is l; a loop's header stands in its parent's list for the whole loop.
    /// </summary>
    void GroupLoops()
    {
        int lists = _loops.Count + 1;
        if (_listStart.Length < lists + 1) { _listStart = new int[Math.Max(lists + 1, 2 * _listStart.Length)]; _listFill = new int[_listStart.Length]; }
        Array.Clear(_listStart, 0, lists + 1);
        if (_listItems.Length < _post.Count) _listItems = new Block[Math.Max(_post.Count, 2 * _listItems.Length)];
        for (int k = _post.Count - 1; k >= 0; k--) _listStart[ListOf(_post[k]) + 1]++;
        for (int l = 0; l < lists; l++) _listStart[l + 1] += _listStart[l];
        Array.Copy(_listStart, _listFill, lists + 1);
        for (int k = _post.Count - 1; k >= 0; k--) _listItems[_listFill[ListOf(_post[k])]++] = _post[k];

        _order.Clear();
        _emit.Clear();
        _emit.Push((0, _listStart[0]));
        while (_emit.Count > 0)
        {
            var (list, pos) = _emit.Pop();
            if (pos == _listStart[list + 1]) continue;
            _emit.Push((list, pos + 1));
            var b = _listItems[pos];
            _order.Add(b);
            int loop = _loops.InnermostLoop(b);
            if (loop >= 0 && _loops.Header(loop) == b) _emit.Push((loop + 1, _listStart[loop + 1]));
        }
    }

    /// <summary>The list a block is placed through: its innermost loop's, or for a header its parent loop's.</summary>
    int ListOf(Block b)
    {
        int loop = _loops.InnermostLoop(b);
        if (loop >= 0 && _loops.Header(loop) == b) loop = _loops.Parent(loop);
        return loop + 1;
    }

    bool Apply(Function f)
    {
        int k = 0;
        bool same = true;
        foreach (var b in f.Blocks)
        {
            if (k >= _order.Count || _order[k] != b) { same = false; break; }
            k++;
        }
        if (same && k == _order.Count) return false;
        foreach (var b in f.Blocks) f.RemoveBlock(b);
        foreach (var b in _order) f.AppendBlock(b);
        _analyses.Invalidate(); // unreachable blocks left; the graph's lists follow the layout order
        return true;
    }
}
