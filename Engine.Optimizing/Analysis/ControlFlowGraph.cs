using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// The successor and predecessor blocks of every block in the layout, each list without duplicates (a
/// br_table naming a block twice gives one edge), in compressed arrays indexed by block number.
/// Blocks out of the layout have empty lists. Recompute after any change to terminators or the layout.
/// </summary>
public sealed class ControlFlowGraph
{
    int[] _succStart = [], _predStart = [];
    Block[] _succ = [], _pred = [];
    int _blockCount;
    // Scratch reused from one function to the next (a compiling thread computes the graph many times).
    int[] _seen = [];
    int[] _fill = [];

    public void Compute(Function f)
    {
        _blockCount = f.BlockCount;
        int n = _blockCount;
        if (_succStart.Length < n + 1)
        {
            int cap = Math.Max(n + 1, 2 * _succStart.Length);
            _succStart = new int[cap];
            _predStart = new int[cap];
            _seen = new int[cap];
            _fill = new int[cap];
        }
        Array.Clear(_succStart, 0, n + 1);
        Array.Clear(_predStart, 0, n + 1);
        Array.Fill(_seen, -1, 0, n);
        // Count distinct edges: successors at [b + 1], predecessors at [to + 1], then prefix sums.
        int edges = 0;
        foreach (var b in f.Blocks)
        {
            var term = f.LastInst(b);
            if (!term.IsValid) continue;
            int count = f.TargetCount(term);
            for (int t = 0; t < count; t++)
            {
                var to = f.TargetBlock(term, t);
                if (!f.IsValidBlock(to) || _seen[to.Index] == b.Index) continue;
                _seen[to.Index] = b.Index;
                _succStart[b.Index + 1]++;
                _predStart[to.Index + 1]++;
                edges++;
            }
        }
        for (int i = 0; i < n; i++)
        {
            _succStart[i + 1] += _succStart[i];
            _predStart[i + 1] += _predStart[i];
        }
        if (_succ.Length < edges)
        {
            int cap = Math.Max(edges, 2 * _succ.Length);
            _succ = new Block[cap];
            _pred = new Block[cap];
        }
        Array.Fill(_seen, -1, 0, n);
        Array.Copy(_predStart, _fill, n + 1);
        foreach (var b in f.Blocks)
        {
            var term = f.LastInst(b);
            if (!term.IsValid) continue;
            int count = f.TargetCount(term);
            int next = _succStart[b.Index];
            for (int t = 0; t < count; t++)
            {
                var to = f.TargetBlock(term, t);
                if (!f.IsValidBlock(to) || _seen[to.Index] == b.Index) continue;
                _seen[to.Index] = b.Index;
                _succ[next++] = to;
                _pred[_fill[to.Index]++] = b;
            }
        }
    }

    public ReadOnlySpan<Block> Successors(Block b) =>
        b.Index < _blockCount ? _succ.AsSpan(_succStart[b.Index], _succStart[b.Index + 1] - _succStart[b.Index]) : default;

    public ReadOnlySpan<Block> Predecessors(Block b) =>
        b.Index < _blockCount ? _pred.AsSpan(_predStart[b.Index], _predStart[b.Index + 1] - _predStart[b.Index]) : default;
}
