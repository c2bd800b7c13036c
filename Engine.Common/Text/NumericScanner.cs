namespace Hoist.Wasm.Text;

/// <summary>
/// The lexical pieces shared by every numeric literal of the text format (spec "Numbers"):
/// <c>num ::= digit ('_'? digit)*</c> and <c>hexnum ::= hexdigit ('_'? hexdigit)*</c>.
/// Invariant: a digit group starts and ends with a digit and every '_' sits between two digits,
/// so a '_' can never be leading, trailing, doubled, or next to "0x", '.', 'e', 'p' or a sign.
/// </summary>
internal static class NumericScanner
{
    /// <summary>The value of a decimal (or, when <paramref name="hex"/>, hexadecimal) digit, or -1.</summary>
    public static int DigitValue(char c, bool hex)
    {
        uint d = (uint)(c - '0');
        if (d <= 9) return (int)d;
        if (!hex) return -1;
        uint l = (uint)((c | 0x20) - 'a'); // ASCII lower-casing; non-letters stay out of range
        return l <= 5 ? (int)l + 10 : -1;
    }

    public static bool IsDigit(ReadOnlySpan<char> s, int pos, bool hex) => pos < s.Length && DigitValue(s[pos], hex) >= 0;

    /// <summary>
    /// Scans a digit group starting at <paramref name="pos"/>. Returns the index just past it, or -1
    /// when there is no digit at <paramref name="pos"/> or a '_' is not followed by a digit.
    /// </summary>
    public static int ScanDigits(ReadOnlySpan<char> s, int pos, bool hex)
    {
        if (!IsDigit(s, pos, hex)) return -1;
        pos++;
        while (pos < s.Length)
        {
            char c = s[pos];
            if (c == '_')
            {
                if (!IsDigit(s, pos + 1, hex)) return -1;
                pos += 2;
            }
            else if (DigitValue(c, hex) >= 0) pos++;
            else break;
        }
        return pos;
    }

    /// <summary>
    /// The value of a whole <c>num</c> (or <c>hexnum</c>) that must span all of <paramref name="s"/>;
    /// false on a syntax error or when the value does not fit 64 bits.
    /// </summary>
    public static bool TryParseDigits(ReadOnlySpan<char> s, bool hex, out ulong value)
    {
        value = 0;
        if (ScanDigits(s, 0, hex) != s.Length) return false;
        ulong v = 0;
        foreach (char c in s)
        {
            if (c == '_') continue;
            uint d = (uint)DigitValue(c, hex);
            if (hex)
            {
                if (v >> 60 != 0) return false;
                v = (v << 4) | d;
            }
            else
            {
                if (v > (ulong.MaxValue - d) / 10) return false;
                v = v * 10 + d;
            }
        }
        value = v;
        return true;
    }

    /// <summary>
    /// Scans an exponent <c>sign? num</c> at <paramref name="pos"/> (just after 'e'/'E'/'p'/'P').
    /// Returns the index past it, or -1. The value saturates near ±10^15, far beyond any exponent that
    /// can change a result, so arbitrarily long exponents cannot overflow the callers' arithmetic.
    /// </summary>
    public static int ScanExponent(ReadOnlySpan<char> s, int pos, out long exponent)
    {
        exponent = 0;
        bool negative = false;
        if (pos < s.Length && (s[pos] == '+' || s[pos] == '-'))
        {
            negative = s[pos] == '-';
            pos++;
        }
        int end = ScanDigits(s, pos, hex: false);
        if (end < 0) return -1;
        long e = 0;
        for (int i = pos; i < end; i++)
        {
            char c = s[i];
            if (c != '_' && e < 100_000_000_000_000) e = e * 10 + (c - '0');
        }
        exponent = negative ? -e : e;
        return end;
    }

    /// <summary>
    /// Scans the magnitude of a decimal float (<c>num ('.' num?)? ([eE] sign? num)?</c>) or, when
    /// <paramref name="hex"/>, of a hex float after its "0x" (<c>hexnum ('.' hexnum?)? ([pP] sign? num)?</c>),
    /// which must span all of <paramref name="s"/>. Integers are floats of this form too.
    /// </summary>
    public static bool ScanFloat(ReadOnlySpan<char> s, bool hex, out FloatParts parts)
    {
        parts = default;
        int intEnd = ScanDigits(s, 0, hex);
        if (intEnd < 0) return false;
        int pos = intEnd, fracStart = pos, fracEnd = pos;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            fracStart = fracEnd = pos;
            if (IsDigit(s, pos, hex))
            {
                fracEnd = ScanDigits(s, pos, hex);
                if (fracEnd < 0) return false;
                pos = fracEnd;
            }
        }
        long exponent = 0;
        if (pos < s.Length && (s[pos] | 0x20) == (hex ? 'p' : 'e'))
        {
            pos = ScanExponent(s, pos + 1, out exponent);
            if (pos < 0) return false;
        }
        if (pos != s.Length) return false;
        parts = new FloatParts(intEnd, fracStart, fracEnd, exponent);
        return true;
    }
}

/// <summary>
/// Where the pieces of a scanned float magnitude are: integer digits [0, IntEnd), fraction digits
/// [FracStart, FracEnd) (empty when there are none; both groups may contain '_'), and the value of the
/// exponent (a power of 10 for decimal, of 2 for hex; 0 when absent; saturated, see ScanExponent).
/// </summary>
internal readonly record struct FloatParts(int IntEnd, int FracStart, int FracEnd, long Exponent);
