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
/// Classifies a token by the spec's lexical grammar of numbers (<see cref="NumericLiterals.IsNumberToken"/>
/// decides whether it is one at all). The value itself is parsed by <see cref="NumericLiterals"/>; this
/// only tells a literal that is out of range for its type ("constant out of range") from text that is no
/// literal ("unknown operator"), and an index (which must be a <see cref="NumberKind.Nat"/>) from a signed
/// or float literal ("unexpected token").
/// </summary>
public static class NumberShape
{
    public static NumberKind Classify(ReadOnlySpan<char> s)
    {
        if (!NumericLiterals.IsNumberToken(s)) return NumberKind.None;
        bool signed = s[0] is '+' or '-';
        var magnitude = signed ? s[1..] : s;
        // A well-formed number is an integer when it has no fraction, exponent, inf or nan.
        bool integer = magnitude.StartsWith("0x")
            ? magnitude.IndexOfAny('.', 'p', 'P') < 0
            : magnitude.IndexOfAnyExcept("0123456789_") < 0;
        if (!integer) return NumberKind.Float;
        return signed ? NumberKind.Int : NumberKind.Nat;
    }
}
