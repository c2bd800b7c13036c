namespace Hoist.Wasm.Text;

/// <summary>The lexical class of a numeric token, before its value is checked against any range.</summary>
public enum NumberKind : byte
{
    /// <summary>Not a number at all (<c>0x</c>, <c>1_</c>, <c>nan:1</c>): the suite calls this an "unknown operator".</summary>
    None,
    /// <summary>Unsigned integer: <c>num | 0x hexnum</c>.</summary>
    Nat,
    /// <summary>Signed integer: a sign, then a <see cref="Nat"/>.</summary>
    Int,
    /// <summary>Any other float literal: decimal or hex with fraction or exponent, <c>inf</c>, <c>nan</c>, <c>nan:0x..</c>.</summary>
    Float,
}

/// <summary>
/// Classifies a token by the spec's lexical grammar of numbers. The value itself is parsed by
/// <see cref="NumericLiterals"/>; this only tells a literal that is out of range for its type
/// ("constant out of range") from text that is no literal ("unknown operator"), and an index
/// (which must be a <see cref="NumberKind.Nat"/>) from a signed or float literal ("unexpected token").
/// </summary>
public static class NumberShape
{
    public static NumberKind Classify(ReadOnlySpan<char> s)
    {
        bool signed = s.Length > 0 && (s[0] == '+' || s[0] == '-');
        if (signed) s = s[1..];
        if (s.SequenceEqual("inf") || s.SequenceEqual("nan")) return NumberKind.Float;
        if (s.StartsWith("nan:0x")) return Digits(s, 6, hex: true) == s.Length ? NumberKind.Float : NumberKind.None;
        bool hex = s.StartsWith("0x");
        int i = Digits(s, hex ? 2 : 0, hex);
        if (i < 0) return NumberKind.None;
        if (i == s.Length) return signed ? NumberKind.Int : NumberKind.Nat;
        if (s[i] == '.')
        {
            i++;
            if (i < s.Length && IsDigit(s[i], hex))
            {
                i = Digits(s, i, hex);
                if (i < 0) return NumberKind.None;
            }
            if (i == s.Length) return NumberKind.Float;
        }
        char e = s[i];
        if (hex ? e is 'p' or 'P' : e is 'e' or 'E')
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
            i = Digits(s, i, hex: false);
            return i == s.Length ? NumberKind.Float : NumberKind.None;
        }
        return NumberKind.None;
    }

    /// <summary>
    /// Reads <c>digit ('_'? digit)*</c> from <paramref name="i"/>; returns the index after it, or -1 if there
    /// is no digit there or an underscore is not between two digits.
    /// </summary>
    static int Digits(ReadOnlySpan<char> s, int i, bool hex)
    {
        if (i >= s.Length || !IsDigit(s[i], hex)) return -1;
        i++;
        while (i < s.Length)
        {
            if (s[i] == '_')
            {
                if (i + 1 >= s.Length || !IsDigit(s[i + 1], hex)) return -1;
                i += 2;
            }
            else if (IsDigit(s[i], hex)) i++;
            else break;
        }
        return i;
    }

    static bool IsDigit(char c, bool hex) => hex ? WatStrings.HexValue(c) >= 0 : c is >= '0' and <= '9';
}
