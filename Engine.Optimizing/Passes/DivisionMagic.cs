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

    /// <summary>
    /// q = floor(2^p / d) (up to 2^(W+1), so two words) and r = 2^p mod d, advanced one p at a time by long division:
    /// 2^(p+1) = 2·(q·d + r), so q doubles and takes one more quotient bit from 2r. Plain 64-bit arithmetic: no
    /// <see cref="UInt128"/>, whose methods ReadyToRun does not precompile (they would be JIT-compiled at start-up).
    /// </summary>
    struct PowerOfTwoDivision
    {
        public ulong QHi, QLo, R;
        readonly ulong _d;

        /// <summary>Starts at p = <paramref name="w"/> (32 or 64) for 3 ≤ d &lt; 2^63.</summary>
        public PowerOfTwoDivision(ulong d, int w)
        {
            _d = d;
            QHi = 0;
            if (w == 64)
            {
                // 2^64 = (2^64 - 1) + 1
                QLo = ulong.MaxValue / d;
                R = ulong.MaxValue % d + 1;
                if (R == d) { QLo++; R = 0; }
            }
            else
            {
                QLo = (1UL << w) / d;
                R = (1UL << w) % d;
            }
        }

        public void Next()
        {
            ulong r2 = R << 1; // R < d < 2^63: no overflow
            ulong bit = r2 >= _d ? 1UL : 0;
            QHi = QHi << 1 | QLo >> 63;
            QLo = QLo << 1 | bit;
            R = bit != 0 ? r2 - _d : r2;
        }
    }

    /// <summary>x ≤ 2^k for k ≥ 0.</summary>
    static bool AtMostPowerOfTwo(ulong x, int k) => k >= 64 || x <= 1UL << k;

    /// <summary>
    /// The magic number for an unsigned divisor 3 ≤ d &lt; 2^(W-1) that is not a power of two (larger divisors
    /// give a quotient of 0 or 1 and are better compared). Theorem 4.2: with m = ceil(2^p / d),
    /// floor(x·m / 2^p) = floor(x / d) for every x &lt; 2^W when m·d - 2^p ≤ 2^(p-W); p = W + ceil(log2 d) always qualifies.
    /// With 2^p = q·d + r: m = q + [r ≠ 0] and m·d - 2^p = (r = 0 ? 0 : d - r).
    /// </summary>
    public static Unsigned ForUnsigned(ulong d, int w)
    {
        if (d < 3 || BitOperations.IsPow2(d) || d >= 1UL << (w - 1)) throw new ArgumentOutOfRangeException(nameof(d));
        var div = new PowerOfTwoDivision(d, w);
        for (int p = w; ; p++, div.Next())
        {
            if (!AtMostPowerOfTwo(div.R == 0 ? 0 : d - div.R, p - w)) continue;
            ulong mLo = div.QLo + (div.R != 0 ? 1UL : 0);
            ulong mHi = div.QHi + (mLo < div.QLo ? 1UL : 0);
            bool fitsW = mHi == 0 && (w == 64 || mLo >> w == 0);
            if (fitsW) return new Unsigned(mLo, false, p - w);
            // p > w here: at p = w, m = ceil(2^W / d) < 2^W. Multiplier = m - 2^W (m < 2^(W+1)).
            return new Unsigned(w == 64 ? mLo : mLo - (1UL << w), true, p - w - 1);
        }
    }

    /// <summary>
    /// The magic number for a signed divisor whose magnitude 3 ≤ |d| &lt; 2^(W-1) is not a power of two
    /// (the caller negates the quotient for negative d). Theorem 5.1: with m = floor(2^p / |d|) + 1 (so
    /// 2^p &lt; m·|d|), trunc(x / |d|) = floor(x·m / 2^p) + [x &lt; 0] for every W-bit signed x when
    /// m·|d| - 2^p ≤ 2^(p-W+1); p = W - 1 + ceil(log2 |d|) always qualifies, and m &lt; 2^W.
    /// With 2^p = q·|d| + r: m = q + 1 and m·|d| - 2^p = |d| - r.
    /// </summary>
    public static Signed ForSigned(ulong ad, int w)
    {
        if (ad < 3 || BitOperations.IsPow2(ad) || ad >= 1UL << (w - 1)) throw new ArgumentOutOfRangeException(nameof(ad));
        var div = new PowerOfTwoDivision(ad, w);
        for (int p = w; ; p++, div.Next())
        {
            if (!AtMostPowerOfTwo(ad - div.R, p - w + 1)) continue;
            ulong mLo = div.QLo + 1;
            ulong mHi = div.QHi + (mLo == 0 ? 1UL : 0);
            if (mHi != 0 || (w < 64 && mLo >> w != 0)) throw new InvalidOperationException("signed magic multiplier out of range");
            // m ≥ 2^(W-1) does not fit a signed W-bit number: use m - 2^W and add x back (x·m = x·(m - 2^W) + x·2^W).
            bool addX = mLo >> (w - 1) != 0;
            long multiplier = w == 64 ? (long)mLo : (int)(uint)mLo;
            return new Signed(multiplier, addX, p - w);
        }
    }
}
