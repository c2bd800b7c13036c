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

    public void Compute(Function f)
    {
        _blockCount = f.BlockCount;
        var succCount = new int[_blockCount + 1];
        var predCount = new int[_blockCount + 1];
        var seen = new int[_blockCount];
        Array.Fill(seen, -1);
        var edges = new List<(int From, int To)>();
        foreach (var b in f.Blocks)
        {
            var term = f.LastInst(b);
            if (!term.IsValid) continue;
            int n = f.TargetCount(term);
            for (int t = 0; t < n; t++)
            {
                var to = f.TargetBlock(term, t);
                if (!f.IsValidBlock(to) || seen[to.Index] == b.Index) continue;
                seen[to.Index] = b.Index;
                edges.Add((b.Index, to.Index));
                succCount[b.Index]++;
                predCount[to.Index]++;
            }
        }
        _succStart = Prefix(succCount);
        _predStart = Prefix(predCount);
        _succ = new Block[edges.Count];
        _pred = new Block[edges.Count];
        var sFill = (int[])_succStart.Clone();
        var pFill = (int[])_predStart.Clone();
        foreach (var (from, to) in edges)
        {
            _succ[sFill[from]++] = new Block(to);
            _pred[pFill[to]++] = new Block(from);
        }
    }

    static int[] Prefix(int[] counts)
    {
        var starts = new int[counts.Length];
        int sum = 0;
        for (int i = 0; i < counts.Length; i++) { starts[i] = sum; sum += counts[i]; }
        return starts;
    }

    public ReadOnlySpan<Block> Successors(Block b) =>
        b.Index < _blockCount ? _succ.AsSpan(_succStart[b.Index], _succStart[b.Index + 1] - _succStart[b.Index]) : default;

    public ReadOnlySpan<Block> Predecessors(Block b) =>
        b.Index < _blockCount ? _pred.AsSpan(_predStart[b.Index], _predStart[b.Index + 1] - _predStart[b.Index]) : default;
}
