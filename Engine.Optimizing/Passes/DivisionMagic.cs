using System.Numerics;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Magic numbers for dividing W-bit integers (W = 32 or 64) by a constant with a multiplication by a
/// reciprocal and shifts (Granlund and Montgomery, "Division by Invariant Integers using Multiplication",
/// 1994; Hacker's Delight, ch. 10). Each search takes the smallest shift whose multiplier satisfies the
/// paper's exactness condition, so the sequences are exact for every input, not just likely ones
/// (Tests/Optimizing/StrengthReductionTests checks edges and random values for many divisors).
/// </summary>
public static class DivisionMagic
{
    /// <summary>
    /// Unsigned: q = umulhi(x, Multiplier) >> Shift, or with <see cref="Add"/> (the multiplier needs W + 1
    /// bits; Multiplier holds the low W): t = umulhi(x, Multiplier), q = (t + ((x - t) >> 1)) >> Shift.
    /// </summary>
    public readonly record struct Unsigned(ulong Multiplier, bool Add, int Shift);

    /// <summary>Signed, for |d|: q = (smulhi(x, Multiplier) [+ x when <see cref="AddX"/>]) >>s Shift, plus 1 when x &lt; 0.</summary>
    public readonly record struct Signed(long Multiplier, bool AddX, int Shift);

    /// <summary>ceil(log2 d) for d ≥ 2.</summary>
    static int CeilLog2(ulong d) => 64 - BitOperations.LeadingZeroCount(d - 1);

    /// <summary>
    /// The magic number for an unsigned divisor 3 ≤ d &lt; 2^(W-1) that is not a power of two (larger divisors
    /// give a quotient of 0 or 1 and are better compared). Theorem 4.2: with m = ceil(2^p / d),
    /// floor(x·m / 2^p) = floor(x / d) for every x &lt; 2^W when m·d - 2^p ≤ 2^(p-W); p = W + ceil(log2 d) always qualifies.
    /// </summary>
    public static Unsigned ForUnsigned(ulong d, int w)
    {
        if (d < 3 || BitOperations.IsPow2(d) || d >= 1UL << (w - 1)) throw new ArgumentOutOfRangeException(nameof(d));
        int l = CeilLog2(d);
        UInt128 twoW = UInt128.One << w;
        for (int p = w; ; p++)
        {
            UInt128 twoP = UInt128.One << p;
            UInt128 m = (twoP + d - 1) / d;
            if (m * d - twoP > UInt128.One << (p - w)) continue;
            if (m < twoW) return new Unsigned((ulong)m, false, p - w);
            // p > w here: at p = w, m = ceil(2^W / d) < 2^W.
            return new Unsigned((ulong)(m - twoW), true, p - w - 1);
        }
    }

    /// <summary>
    /// The magic number for a signed divisor whose magnitude 3 ≤ |d| &lt; 2^(W-1) is not a power of two
    /// (the caller negates the quotient for negative d). Theorem 5.1: with m = floor(2^p / |d|) + 1 (so
    /// 2^p &lt; m·|d|), trunc(x / |d|) = floor(x·m / 2^p) + [x &lt; 0] for every W-bit signed x when
    /// m·|d| - 2^p ≤ 2^(p-W+1); p = W - 1 + ceil(log2 |d|) always qualifies, and m &lt; 2^W.
    /// </summary>
    public static Signed ForSigned(ulong ad, int w)
    {
        if (ad < 3 || BitOperations.IsPow2(ad) || ad >= 1UL << (w - 1)) throw new ArgumentOutOfRangeException(nameof(ad));
        UInt128 twoW = UInt128.One << w;
        for (int p = w; ; p++)
        {
            UInt128 twoP = UInt128.One << p;
            UInt128 m = twoP / ad + 1;
            if (m * ad - twoP > UInt128.One << (p - w + 1)) continue;
            if (m >= twoW) throw new InvalidOperationException("signed magic multiplier out of range");
            // m ≥ 2^(W-1) does not fit a signed W-bit number: use m - 2^W and add x back (x·m = x·(m - 2^W) + x·2^W).
            bool addX = m >= twoW >> 1;
            long multiplier = w == 64 ? (long)(ulong)m : (int)(uint)(ulong)m;
            return new Signed(multiplier, addX, p - w);
        }
    }
}
