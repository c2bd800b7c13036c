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
    int _rpoCount;
    int[] _pre = [], _post = [];
    int[] _childStart = [0];
    Block[] _children = [];
    Block[] _preorder = [];
    int _blockCount;
    // Scratch reused from one function to the next (a compiling thread computes the tree many times).
    byte[] _state = [];
    int[] _fill = [];
    readonly Stack<(int Block, int Next)> _stack = new();

    /// <summary>The reachable blocks in reverse post-order (the entry first).</summary>
    public ReadOnlySpan<Block> ReversePostOrder => _rpo.AsSpan(0, _rpoCount);

    public bool IsReachable(Block b) => b.Index < _blockCount && _rpoNumber[b.Index] >= 0;

    /// <summary>The block's position in <see cref="ReversePostOrder"/>, or -1 when unreachable.</summary>
    public int RpoNumber(Block b) => b.Index < _blockCount ? _rpoNumber[b.Index] : -1;

    /// <summary>The immediate dominator; None for the entry and for unreachable blocks.</summary>
    public Block ImmediateDominator(Block b) => IsReachable(b) ? new Block(_idom[b.Index]) : Block.None;

    public void Compute(Function f, ControlFlowGraph cfg)
    {
        int n = f.BlockCount;
        _blockCount = n;
        if (_rpoNumber.Length < n + 1)
        {
            int cap = Math.Max(n + 1, 2 * _rpoNumber.Length);
            _rpoNumber = new int[cap];
            _idom = new int[cap];
            _rpo = new Block[cap];
            _pre = new int[cap];
            _post = new int[cap];
            _childStart = new int[cap + 1];
            _children = new Block[cap];
            _preorder = new Block[cap];
            _state = new byte[cap];
            _fill = new int[cap + 1];
        }
        Array.Fill(_rpoNumber, -1, 0, n);
        Array.Fill(_idom, -1, 0, n);
        _rpoCount = 0;
        var entry = f.EntryBlock;
        if (!entry.IsValid) { Array.Clear(_childStart, 0, n + 1); return; }

        // Post-order by an explicit DFS stack of (block, next successor index), then reversed in place.
        Array.Clear(_state, 0, n); // 0 unvisited, 1 seen
        int position = 0;
        _stack.Clear();
        _stack.Push((entry.Index, 0));
        _state[entry.Index] = 1;
        while (_stack.Count > 0)
        {
            var (b, next) = _stack.Pop();
            var succ = cfg.Successors(new Block(b));
            if (next < succ.Length)
            {
                _stack.Push((b, next + 1));
                var s = succ[next];
                if (_state[s.Index] == 0)
                {
                    _state[s.Index] = 1;
                    _stack.Push((s.Index, 0));
                }
                continue;
            }
            _rpo[position++] = new Block(b);
        }
        _rpoCount = position;
        Array.Reverse(_rpo, 0, position);
        for (int i = 0; i < _rpoCount; i++) _rpoNumber[_rpo[i].Index] = i;

        _idom[entry.Index] = entry.Index;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 1; i < _rpoCount; i++)
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

    /// <summary>
    /// Children lists of the tree, and pre/post numbers of a DFS over it: a dominates b iff
    /// pre[a] ≤ pre[b] and post[b] ≤ post[a].
    /// </summary>
    void NumberTree(int n)
    {
        Array.Clear(_childStart, 0, n + 1);
        for (int i = 0; i < _rpoCount; i++) { var b = _rpo[i]; if (_idom[b.Index] >= 0) _childStart[_idom[b.Index]]++; }
        int sum = 0;
        for (int i = 0; i <= n; i++) { int c = _childStart[i]; _childStart[i] = sum; sum += c; }
        Array.Copy(_childStart, _fill, n + 1);
        for (int i = 0; i < _rpoCount; i++) { var b = _rpo[i]; if (_idom[b.Index] >= 0) _children[_fill[_idom[b.Index]]++] = b; }

        int counter = 0, visited = 0;
        _stack.Clear();
        _stack.Push((_rpo[0].Index, 0));
        _pre[_rpo[0].Index] = counter++;
        _preorder[visited++] = _rpo[0];
        while (_stack.Count > 0)
        {
            var (b, next) = _stack.Pop();
            if (_childStart[b] + next < _childStart[b + 1])
            {
                _stack.Push((b, next + 1));
                var c = _children[_childStart[b] + next];
                _pre[c.Index] = counter++;
                _preorder[visited++] = c;
                _stack.Push((c.Index, 0));
                continue;
            }
            _post[b] = counter++;
        }
    }

    /// <summary>The blocks <paramref name="b"/> immediately dominates, in reverse post-order.</summary>
    public ReadOnlySpan<Block> Children(Block b) =>
        b.Index < _blockCount ? _children.AsSpan(_childStart[b.Index], _childStart[b.Index + 1] - _childStart[b.Index]) : default;

    /// <summary>The reachable blocks in a pre-order of the dominator tree (each after its dominators).</summary>
    public ReadOnlySpan<Block> Preorder => _preorder.AsSpan(0, _rpoCount);

    /// <summary>The depth-first interval of <paramref name="b"/> in the tree: a dominates b iff b's interval lies inside a's.</summary>
    public (int Pre, int Post) Interval(Block b) => IsReachable(b) ? (_pre[b.Index], _post[b.Index]) : (-1, -1);

    /// <summary>True if every path from the entry to <paramref name="b"/> passes through <paramref name="a"/> (a block dominates itself).</summary>
    public bool Dominates(Block a, Block b) =>
        IsReachable(a) && IsReachable(b) && _pre[a.Index] <= _pre[b.Index] && _post[b.Index] <= _post[a.Index];
}
