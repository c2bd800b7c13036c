using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// The natural loops of a function and how they nest. A back edge is an edge b → h where h dominates b;
/// the loop of header h is h plus every block that reaches one of its back edges' sources without passing
/// through h (all back edges to one header form one loop). Irreducible cycles (no dominating header) are
/// not loops here, so passes simply leave them alone.
/// <para>
/// Loops are numbered 0..Count-1 in reverse post-order of their headers, so a loop's parent has a smaller
/// number than the loop and iterating downwards visits inner loops before outer ones. Membership is O(1)
/// through a pre/post numbering of the loop forest. Arrays are reused across functions.
/// </para>
/// </summary>
public sealed class LoopNest
{
    int[] _loopOf = [];        // per block: innermost loop, or -1
    Block[] _header = new Block[8];
    int[] _parent = new int[8], _depth = new int[8], _pre = new int[8], _post = new int[8];
    int _count;
    readonly Stack<Block> _work = new();

    public int Count => _count;
    public Block Header(int loop) => _header[loop];
    public int Parent(int loop) => _parent[loop];
    public int Depth(int loop) => _depth[loop];

    /// <summary>The innermost loop holding <paramref name="b"/>, or -1.</summary>
    public int InnermostLoop(Block b) => b.Index < _loopOf.Length ? _loopOf[b.Index] : -1;

    public bool IsHeader(Block b) { int l = InnermostLoop(b); return l >= 0 && _header[l] == b; }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or nested in it.</summary>
    public bool IsWithin(int inner, int outer) =>
        inner >= 0 && _pre[outer] <= _pre[inner] && _post[inner] <= _post[outer];

    public bool Contains(int loop, Block b) => IsWithin(InnermostLoop(b), loop);

    public void Compute(Function f, ControlFlowGraph cfg, DominatorTree dom)
    {
        int n = f.BlockCount;
        if (_loopOf.Length < n) _loopOf = new int[Math.Max(n, 2 * _loopOf.Length)];
        Array.Fill(_loopOf, -1, 0, n);
        _count = 0;
        var rpo = dom.ReversePostOrder;
        // Number the headers in reverse post-order.
        foreach (var h in rpo)
            foreach (var p in cfg.Predecessors(h))
                if (dom.Dominates(h, p))
                {
                    if (_count == _header.Length) Grow();
                    _header[_count] = h;
                    _parent[_count] = -1;
                    _loopOf[h.Index] = _count++;
                    break;
                }
        // Bodies, inner loops first (higher numbers): walk backwards from the back edges' sources.
        for (int l = _count - 1; l >= 0; l--)
        {
            var h = _header[l];
            foreach (var p in cfg.Predecessors(h))
                if (dom.Dominates(h, p) && p != h) _work.Push(p);
            while (_work.Count > 0)
            {
                var b = _work.Pop();
                int inner = _loopOf[b.Index];
                if (inner == l) continue;
                if (inner >= 0)
                {
                    // Already in a loop: climb to its outermost known ancestor and adopt it.
                    while (_parent[inner] >= 0) inner = _parent[inner];
                    if (inner == l) continue;
                    _parent[inner] = l;
                    foreach (var p in cfg.Predecessors(_header[inner]))
                        if (dom.IsReachable(p) && !dom.Dominates(_header[inner], p)) _work.Push(p);
                    continue;
                }
                if (!dom.IsReachable(b)) continue;
                _loopOf[b.Index] = l;
                foreach (var p in cfg.Predecessors(b)) _work.Push(p);
            }
        }
        // A loop's parent always has a smaller number (its header comes first in RPO); depth and intervals.
        for (int l = 0; l < _count; l++) _depth[l] = _parent[l] < 0 ? 1 : _depth[_parent[l]] + 1;
        NumberForest();
    }

    /// <summary>Pre/post numbers of the loop forest (children after parents in numbering, so one forward sweep).</summary>
    void NumberForest()
    {
        // Subtree sizes bottom-up (children have larger numbers than parents), then pre-order positions top-down.
        Span<int> size = _count <= 256 ? stackalloc int[_count] : new int[_count];
        for (int l = 0; l < _count; l++) size[l] = 1;
        for (int l = _count - 1; l >= 0; l--) if (_parent[l] >= 0) size[_parent[l]] += size[l];
        Span<int> nextChild = _count <= 256 ? stackalloc int[_count] : new int[_count];
        int nextRoot = 0;
        for (int l = 0; l < _count; l++)
        {
            int p = _parent[l];
            if (p < 0) { _pre[l] = nextRoot; nextRoot += size[l]; }
            else { _pre[l] = nextChild[p]; }
            nextChild[l] = _pre[l] + 1;
            if (p >= 0) nextChild[p] += size[l];
            _post[l] = _pre[l] + size[l] - 1;
        }
    }

    void Grow()
    {
        int m = _header.Length * 2;
        Array.Resize(ref _header, m);
        Array.Resize(ref _parent, m);
        Array.Resize(ref _depth, m);
        Array.Resize(ref _pre, m);
        Array.Resize(ref _post, m);
    }
}
