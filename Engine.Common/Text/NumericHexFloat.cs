using System.Numerics;

namespace Hoist.Wasm.Text;

/// <summary>
/// Hexadecimal float literals (<c>hexnum ('.' hexnum?)? ([pP] sign? num)?</c>, after the "0x") and the
/// exact binary rounding they need. Invariants: the significand is kept in a 64-bit integer plus a
/// sticky bit for every digit that did not fit, which is exact for rounding to at most 53 bits; the
/// result is rounded once, to nearest with ties to even, directly at the target precision (subnormals
/// included); a value that rounds to infinity is reported as out of range.
/// </summary>
internal static class NumericHexFloat
{
    /// <summary>Parses the magnitude after "0x"; <paramref name="bits"/> has no sign bit.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, NumericFloatLayout layout, out ulong bits)
    {
        bits = 0;
        if (!NumericScanner.ScanFloat(s, hex: true, out FloatParts parts)) return false;
        (int intEnd, int fracStart, int fracEnd, long exponent) = parts;

        // Accumulate up to 16 hex digits; once the top nibble is occupied, later digits only feed the
        // sticky bit (integer digits still scale the value by 16 each).
        ulong mantissa = 0;
        bool sticky = false;
        long exp2 = exponent;
        for (int i = 0; i < intEnd; i++)
        {
            if (s[i] == '_') continue;
            uint d = (uint)NumericScanner.DigitValue(s[i], hex: true);
            if (mantissa >> 60 == 0) mantissa = (mantissa << 4) | d;
            else { sticky |= d != 0; exp2 += 4; }
        }
        for (int i = fracStart; i < fracEnd; i++)
        {
            if (s[i] == '_') continue;
            uint d = (uint)NumericScanner.DigitValue(s[i], hex: true);
            if (mantissa >> 60 == 0) { mantissa = (mantissa << 4) | d; exp2 -= 4; }
            else sticky |= d != 0;
        }
        // With the top nibble occupied there are >= 61 significant bits, so bit 0 lies far below the
        // rounding position and can stand for every dropped digit.
        if (sticky) mantissa |= 1;
        return TryRound(mantissa, exp2, layout, out bits);
    }

    /// <summary>
    /// Rounds <paramref name="mantissa"/> × 2^<paramref name="exp2"/> to the nearest value of
    /// <paramref name="layout"/> (ties to even). False when the result would be infinite.
    /// </summary>
    public static bool TryRound(ulong mantissa, long exp2, NumericFloatLayout layout, out ulong bits)
    {
        bits = 0;
        if (mantissa == 0) return true;
        int lz = BitOperations.LeadingZeroCount(mantissa);
        mantissa <<= lz;
        long e = exp2 - lz + 63; // value is in [2^e, 2^(e+1))
        int bias = layout.Bias;
        if (e > bias) return false;
        long emin = 1 - bias;
        int precision = layout.MantissaBits + 1;
        // Below the normal range the quantum stays 2^(emin - MantissaBits): keep fewer bits.
        long shift = 64 - precision + (e < emin ? emin - e : 0);
        if (shift > 64) return true; // less than half the smallest subnormal: +0
        ulong q, rem, half;
        if (shift == 64) { q = 0; rem = mantissa; half = 1UL << 63; }
        else
        {
            q = mantissa >> (int)shift;
            rem = mantissa & ((1UL << (int)shift) - 1);
            half = 1UL << (int)(shift - 1);
        }
        if (rem > half || (rem == half && (q & 1) != 0)) q++;
        if (e < emin)
        {
            // Subnormal; a carry into bit MantissaBits is exactly the encoding of the smallest normal.
            bits = q;
            return true;
        }
        if (q >> precision != 0)
        {
            q >>= 1;
            if (++e > bias) return false;
        }
        bits = ((ulong)(e + bias) << layout.MantissaBits) | (q & layout.MantissaMask);
        return true;
    }
}
