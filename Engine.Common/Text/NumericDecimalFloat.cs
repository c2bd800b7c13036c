using System.Buffers;
using System.Globalization;

namespace Hoist.Wasm.Text;

/// <summary>
/// Decimal float literals (<c>num ('.' num?)? ([eE] sign? num)?</c>, scanned by
/// <see cref="NumericScanner.ScanFloat"/>). The digits are normalised to <c>0.DDDD…e±X</c> (no '_', no leading or trailing zeros, |X| ≤ 400)
/// and converted by .NET's <see cref="float.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out float)"/>
/// / <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>,
/// which round correctly (nearest, ties to even, directly to the target type, any number of digits):
/// NumericLiteralsTests proves that on this runtime against an exact BigInteger reference.
/// Invariants: no allocation up to <see cref="StackDigits"/> significant digits; a value that rounds to
/// infinity is out of range (false); an underflow gives zero.
/// </summary>
internal static class NumericDecimalFloat
{
    private const int StackDigits = 64;
    /// <summary>Any 0.D × 10^X with X beyond this overflows (or underflows to zero) in both formats.</summary>
    private const long ExponentLimit = 400;

    /// <summary>Parses an unsigned decimal float; <paramref name="bits"/> has no sign bit.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, NumericFloatLayout layout, out ulong bits)
    {
        bits = 0;
        if (!NumericScanner.ScanFloat(s, hex: false, out FloatParts parts)) return false;
        (int intEnd, int fracStart, int fracEnd, long exponent) = parts;

        // value = 0.D × 10^x, D = the significant digits (first one nonzero).
        long x = exponent;
        int count = 0, significant = 0; // digits of D so far / up to the last nonzero one
        for (int i = 0; i < intEnd; i++)
        {
            char c = s[i];
            if (c == '_' || (c == '0' && count == 0)) continue;
            count++;
            x++;
            if (c != '0') significant = count;
        }
        for (int i = fracStart; i < fracEnd; i++)
        {
            char c = s[i];
            if (c == '_') continue;
            if (c == '0' && count == 0) { x--; continue; }
            count++;
            if (c != '0') significant = count;
        }
        if (significant == 0) return true; // zero
        if (x > ExponentLimit) return false;
        if (x < -ExponentLimit) return true;

        int length = significant + 8; // "0." + digits + "e-400"
        char[]? rented = null;
        Span<char> buffer = significant <= StackDigits
            ? stackalloc char[StackDigits + 8]
            : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            buffer[0] = '0';
            buffer[1] = '.';
            int n = 2;
            for (int i = 0; i < fracEnd && n < significant + 2; i++)
            {
                char c = s[i];
                if (c == '_' || c == '.' || (c == '0' && n == 2)) continue;
                buffer[n++] = c;
            }
            buffer[n++] = 'e';
            x.TryFormat(buffer[n..], out int written, provider: CultureInfo.InvariantCulture);
            n += written;
            const NumberStyles style = NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            if (layout.IsBinary32)
            {
                if (!float.TryParse(buffer[..n], style, CultureInfo.InvariantCulture, out float f) || float.IsInfinity(f)) return false;
                bits = BitConverter.SingleToUInt32Bits(f);
            }
            else
            {
                if (!double.TryParse(buffer[..n], style, CultureInfo.InvariantCulture, out double d) || double.IsInfinity(d)) return false;
                bits = BitConverter.DoubleToUInt64Bits(d);
            }
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }
}
