using Hoist.Optimizing.CodeGen;

namespace Hoist.Optimizing.RegAlloc;

/// <summary>
/// The natural loops of a <see cref="VCode{TInst}"/>'s control-flow graph, for the allocator's cost model and
/// split placement: per block its loop depth and innermost loop; per loop its header, parent and depth.
/// <para>
/// A back edge is an edge b → h where h dominates b (dominators by Cooper, Harvey and Kennedy's iterative
/// algorithm over a reverse post-order); the loop of header h is h plus every block that reaches a back edge's
/// source without passing through h. Loops with one header are one loop. A retreating edge whose target does
/// not dominate its source (irreducible flow, which wasm does not produce) makes no loop. Blocks unreachable
/// from the entry have depth 0.
/// </para>
/// </summary>
sealed class LoopInfo
{
    /// <summary>Per block: how many loops contain it.</summary>
    public readonly int[] Depth;
    /// <summary>Per block: the innermost loop containing it (an index into the loop tables), or -1.</summary>
    public readonly int[] Innermost;
    /// <summary>Per loop: its header block.</summary>
    public readonly List<int> Header = new();
    /// <summary>Per loop: the loop immediately containing it, or -1.</summary>
    public readonly List<int> Parent = new();
    /// <summary>Per loop: its depth (1 for an outermost loop).</summary>
    public readonly List<int> LoopDepth = new();

    public int LoopCount => Header.Count;

    public static LoopInfo Compute<TInst>(VCode<TInst> code) where TInst : struct
    {
        var succs = new int[code.BlockCount][];
        var preds = new int[code.BlockCount][];
        for (int b = 0; b < code.BlockCount; b++)
        {
            succs[b] = code.Successors(b).ToArray();
            preds[b] = code.Predecessors(b).ToArray();
        }
        return new LoopInfo(succs, preds);
    }

    /// <summary>From successor and predecessor lists per block (block 0 is the entry).</summary>
    public LoopInfo(int[][] successors, int[][] predecessors)
    {
        int n = successors.Length;
        Depth = new int[n];
        Innermost = new int[n];
        Array.Fill(Innermost, -1);

        // Reverse post-order (iterative DFS from the entry).
        var rpoIndex = new int[n];
        Array.Fill(rpoIndex, -1);
        var order = new int[n];
        int count = 0;
        var stack = new Stack<(int Block, int Next)>();
        var visited = new bool[n];
        visited[0] = true;
        stack.Push((0, 0));
        var post = new List<int>(n);
        while (stack.Count > 0)
        {
            var (b, next) = stack.Pop();
            var succs = successors[b];
            if (next < succs.Length)
            {
                stack.Push((b, next + 1));
                int s = succs[next];
                if (!visited[s]) { visited[s] = true; stack.Push((s, 0)); }
                continue;
            }
            post.Add(b);
        }
        for (int k = post.Count - 1; k >= 0; k--) { order[count] = post[k]; rpoIndex[post[k]] = count++; }

        // Immediate dominators.
        var idom = new int[n];
        Array.Fill(idom, -1);
        idom[0] = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = 1; k < count; k++)
            {
                int b = order[k], nd = -1;
                foreach (int p in predecessors[b])
                {
                    if (idom[p] < 0) continue;
                    nd = nd < 0 ? p : Intersect(p, nd, idom, rpoIndex);
                }
                if (nd >= 0 && idom[b] != nd) { idom[b] = nd; changed = true; }
            }
        }

        // Loop bodies, one per header with a back edge, in reverse post-order of headers (outer loops first:
        // a header dominates the headers of the loops nested in it).
        var work = new Stack<int>();
        for (int k = 0; k < count; k++)
        {
            int h = order[k];
            bool[]? body = null;
            foreach (int b in predecessors[h])
            {
                if (rpoIndex[b] < 0 || !Dominates(h, b, idom)) continue;
                if (body is null) { body = new bool[n]; body[h] = true; }
                if (!body[b]) { body[b] = true; work.Push(b); }
                while (work.Count > 0)
                {
                    int x = work.Pop();
                    foreach (int p in predecessors[x])
                        if (rpoIndex[p] >= 0 && !body[p]) { body[p] = true; work.Push(p); }
                }
            }
            if (body is null) continue;
            int loop = Header.Count;
            Header.Add(h);
            // The parent is the innermost loop already found that contains the header.
            int parent = Innermost[h];
            Parent.Add(parent);
            LoopDepth.Add(parent < 0 ? 1 : LoopDepth[parent] + 1);
            for (int b = 0; b < n; b++)
                if (body[b]) { Innermost[b] = loop; Depth[b]++; }
        }
    }

    /// <summary>Whether block <paramref name="block"/> is inside loop <paramref name="loop"/>.</summary>
    public bool Contains(int loop, int block)
    {
        for (int l = Innermost[block]; l >= 0; l = Parent[l])
            if (l == loop) return true;
        return false;
    }

    static int Intersect(int a, int b, int[] idom, int[] rpo)
    {
        while (a != b)
        {
            while (rpo[a] > rpo[b]) a = idom[a];
            while (rpo[b] > rpo[a]) b = idom[b];
        }
        return a;
    }

    static bool Dominates(int h, int b, int[] idom)
    {
        while (true)
        {
            if (b == h) return true;
            if (b == 0) return false;
            b = idom[b];
        }
    }
}
