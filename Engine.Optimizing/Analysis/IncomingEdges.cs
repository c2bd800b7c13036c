using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// For each block, every branch target that goes to it: one entry per (branch, target index), so a
/// br_table naming a block twice gives two entries, each with its own argument list. Passes that rewrite
/// block parameters use it to reach all argument lists of a block. Compressed arrays reused across
/// functions. Counts branches in layout blocks only; recompute after changing terminators or the layout.
/// </summary>
public sealed class IncomingEdges
{
    int[] _start = new int[17];
    (Inst Branch, int Target)[] _edges = new (Inst, int)[64];
    int _blockCount;

    public void Compute(Function f)
    {
        _blockCount = f.BlockCount;
        if (_start.Length < _blockCount + 1) _start = new int[Math.Max(_blockCount + 1, 2 * _start.Length)];
        Array.Clear(_start, 0, _blockCount + 1);
        int total = 0;
        foreach (var b in f.Blocks)
        {
            var term = f.Terminator(b);
            if (!term.IsValid) continue;
            int n = f.TargetCount(term);
            for (int t = 0; t < n; t++) { _start[f.TargetBlock(term, t).Index + 1]++; total++; }
        }
        for (int i = 0; i < _blockCount; i++) _start[i + 1] += _start[i];
        if (_edges.Length < total) _edges = new (Inst, int)[Math.Max(total, 2 * _edges.Length)];
        // Fill using _start[b] as a cursor, then shift back.
        foreach (var b in f.Blocks)
        {
            var term = f.Terminator(b);
            if (!term.IsValid) continue;
            int n = f.TargetCount(term);
            for (int t = 0; t < n; t++) _edges[_start[f.TargetBlock(term, t).Index]++] = (term, t);
        }
        for (int i = _blockCount; i > 0; i--) _start[i] = _start[i - 1];
        _start[0] = 0;
    }

    /// <summary>The edges into <paramref name="b"/>: (branch instruction, target index).</summary>
    public ReadOnlySpan<(Inst Branch, int Target)> Into(Block b) =>
        b.Index < _blockCount ? _edges.AsSpan(_start[b.Index], _start[b.Index + 1] - _start[b.Index]) : default;

    public int CountInto(Block b) => b.Index < _blockCount ? _start[b.Index + 1] - _start[b.Index] : 0;
}
