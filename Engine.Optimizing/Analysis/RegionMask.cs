using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Analysis;

/// <summary>
/// A conservative summary of which alias regions some code writes, as a 64-bit set: each region maps to
/// one of 64 buckets (distinct kinds and small indices to distinct buckets), and a call writes every
/// bucket (<see cref="All"/>). A region may be written only if its bucket's bit is set; two regions sharing
/// a bucket only cost precision, never correctness. The <c>const</c> region is never written, so it has no bit.
/// </summary>
public static class RegionMask
{
    public const ulong All = ~0UL;

    /// <summary>The bucket of a region, 0..63, or -1 for <c>const</c>.</summary>
    public static int Bucket(AliasRegion r) =>
        r.Kind == RegionKind.Const ? -1 : (int)(((uint)r.Kind * 9u + r.Index) & 63u);

    public static ulong Of(AliasRegion r)
    {
        int b = Bucket(r);
        return b < 0 ? 0 : 1UL << b;
    }

    /// <summary>What executing <paramref name="i"/> may write: its store region, everything for a call, nothing otherwise.</summary>
    public static ulong Writes(Function f, Inst i)
    {
        Op op = f.OpOf(i);
        if (op.IsCall()) return All;
        return op.IsStore() ? Of(new AliasRegion(f[i].Ref)) : 0;
    }

    /// <summary>What the instructions of <paramref name="b"/> may write.</summary>
    public static ulong Writes(Function f, Block b)
    {
        ulong m = 0;
        foreach (var i in f.InstsOf(b)) m |= Writes(f, i);
        return m;
    }

    /// <summary>True when a load of <paramref name="r"/> may see a write summarised by <paramref name="mask"/>.</summary>
    public static bool MayWrite(ulong mask, AliasRegion r) => (mask & Of(r)) != 0;
}
