using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// Dominators of the blocks reachable from the entry (Cooper, Harvey and Kennedy, "A Simple, Fast
/// Dominance Algorithm"), with the reverse post-order it iterates in and a pre/post numbering of the
/// tree so <see cref="Dominates(Block, Block)"/> is O(1). Unreachable blocks have no dominator, dominate
/// nothing and are dominated by nothing. Every walk is iterative (no recursion on deep graphs).
/// </summary>
public sealed class DominatorTree
{
    int[] _idom = [];
    int[] _rpoNumber = [];
    Block[] _rpo = [];
    int[] _pre = [], _post = [];

    /// <summary>The reachable blocks in reverse post-order (the entry first).</summary>
    public ReadOnlySpan<Block> ReversePostOrder => _rpo;

    public bool IsReachable(Block b) => b.Index < _rpoNumber.Length && _rpoNumber[b.Index] >= 0;

    /// <summary>The block's position in <see cref="ReversePostOrder"/>, or -1 when unreachable.</summary>
    public int RpoNumber(Block b) => b.Index < _rpoNumber.Length ? _rpoNumber[b.Index] : -1;

    /// <summary>The immediate dominator; None for the entry and for unreachable blocks.</summary>
    public Block ImmediateDominator(Block b) => IsReachable(b) ? new Block(_idom[b.Index]) : Block.None;

    public void Compute(Function f, ControlFlowGraph cfg)
    {
        int n = f.BlockCount;
        _rpoNumber = new int[n];
        Array.Fill(_rpoNumber, -1);
        _idom = new int[n];
        Array.Fill(_idom, -1);
        var entry = f.EntryBlock;
        if (!entry.IsValid) { _rpo = []; _pre = _post = new int[n]; return; }

        // Post-order by an explicit DFS stack of (block, next successor index).
        var order = new List<Block>(n);
        var state = new byte[n]; // 0 unvisited, 1 on stack, 2 done
        var stack = new Stack<(Block Block, int Next)>();
        stack.Push((entry, 0));
        state[entry.Index] = 1;
        while (stack.Count > 0)
        {
            var (b, next) = stack.Pop();
            var succ = cfg.Successors(b);
            if (next < succ.Length)
            {
                stack.Push((b, next + 1));
                var s = succ[next];
                if (state[s.Index] == 0)
                {
                    state[s.Index] = 1;
                    stack.Push((s, 0));
                }
                continue;
            }
            state[b.Index] = 2;
            order.Add(b);
        }
        order.Reverse();
        _rpo = order.ToArray();
        for (int i = 0; i < _rpo.Length; i++) _rpoNumber[_rpo[i].Index] = i;

        _idom[entry.Index] = entry.Index;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 1; i < _rpo.Length; i++)
            {
                var b = _rpo[i];
                int newIdom = -1;
                foreach (var p in cfg.Predecessors(b))
                {
                    if (_rpoNumber[p.Index] < 0 || _idom[p.Index] < 0) continue;
                    newIdom = newIdom < 0 ? p.Index : Intersect(p.Index, newIdom);
                }
                if (newIdom != _idom[b.Index])
                {
                    _idom[b.Index] = newIdom;
                    changed = true;
                }
            }
        }
        _idom[entry.Index] = -1;
        NumberTree(n);
    }

    int Intersect(int a, int b)
    {
        while (a != b)
        {
            while (_rpoNumber[a] > _rpoNumber[b]) a = _idom[a];
            while (_rpoNumber[b] > _rpoNumber[a]) b = _idom[b];
        }
        return a;
    }

    /// <summary>Pre/post numbers of a DFS over the dominator tree: a dominates b iff pre[a] ≤ pre[b] and post[b] ≤ post[a].</summary>
    void NumberTree(int n)
    {
        _pre = new int[n];
        _post = new int[n];
        var childStart = new int[n + 1];
        foreach (var b in _rpo) if (_idom[b.Index] >= 0) childStart[_idom[b.Index]]++;
        int sum = 0;
        for (int i = 0; i <= n; i++) { int c = childStart[i]; childStart[i] = sum; sum += c; }
        var children = new int[Math.Max(sum, 1)];
        var fill = (int[])childStart.Clone();
        foreach (var b in _rpo) if (_idom[b.Index] >= 0) children[fill[_idom[b.Index]]++] = b.Index;

        int counter = 0;
        var stack = new Stack<(int Block, int Next)>();
        stack.Push((_rpo[0].Index, 0));
        _pre[_rpo[0].Index] = counter++;
        while (stack.Count > 0)
        {
            var (b, next) = stack.Pop();
            if (childStart[b] + next < childStart[b + 1])
            {
                stack.Push((b, next + 1));
                int c = children[childStart[b] + next];
                _pre[c] = counter++;
                stack.Push((c, 0));
                continue;
            }
            _post[b] = counter++;
        }
    }

    /// <summary>True if every path from the entry to <paramref name="b"/> passes through <paramref name="a"/> (a block dominates itself).</summary>
    public bool Dominates(Block a, Block b) =>
        IsReachable(a) && IsReachable(b) && _pre[a.Index] <= _pre[b.Index] && _post[b.Index] <= _post[a.Index];
}
