namespace Hoist.Wasm.Text;

/// <summary>
/// The numeric literals of the WebAssembly text format (spec, text format, "Numbers"), each parsed
/// from one whole token to its raw bits.
/// <list type="bullet">
/// <item>Unsigned (<see cref="TryParseU32"/>, <see cref="TryParseU64"/>): <c>num | 0x hexnum</c>, no sign.</item>
/// <item>Uninterpreted integers iN: an optional sign, then <c>num | 0x hexnum</c>; the value must lie in
///   -2^(N-1) .. 2^N-1 and negative values are stored as two's complement. A '+' accepts the same
///   range as no sign, as the reference interpreter does.</item>
/// <item>Floats: an optional sign, then a decimal or hexadecimal number, <c>inf</c>, <c>nan</c> or
///   <c>nan:0x hexnum</c> (payload 1 .. 2^significand-1). Numbers are rounded once, to nearest with ties
///   to even, directly to the target precision; one that rounds to infinity is out of range. The sign
///   is always kept (-0, -nan).</item>
/// </list>
/// Every '_' must sit between two digits. Every method returns false, never throws, on a malformed or
/// out-of-range literal; the common short literal is parsed without allocating.
/// </summary>
public static class NumericLiterals
{
    public static bool TryParseU32(ReadOnlySpan<char> s, out uint v)
    {
        bool ok = TryParseUnsigned(s, out ulong value) && value <= uint.MaxValue;
        v = ok ? (uint)value : 0;
        return ok;
    }

    public static bool TryParseU64(ReadOnlySpan<char> s, out ulong v) => TryParseUnsigned(s, out v);

    public static bool TryParseI8(ReadOnlySpan<char> s, out byte bits)
    {
        bool ok = TryParseInt(s, 8, out ulong value);
        bits = (byte)value;
        return ok;
    }

    public static bool TryParseI16(ReadOnlySpan<char> s, out ushort bits)
    {
        bool ok = TryParseInt(s, 16, out ulong value);
        bits = (ushort)value;
        return ok;
    }

    public static bool TryParseI32(ReadOnlySpan<char> s, out uint bits)
    {
        bool ok = TryParseInt(s, 32, out ulong value);
        bits = (uint)value;
        return ok;
    }

    public static bool TryParseI64(ReadOnlySpan<char> s, out ulong bits) => TryParseInt(s, 64, out bits);

    public static bool TryParseF32(ReadOnlySpan<char> s, out uint bits)
    {
        bool ok = TryParseFloat(s, NumericFloatLayout.Binary32, out ulong value);
        bits = (uint)value;
        return ok;
    }

    public static bool TryParseF64(ReadOnlySpan<char> s, out ulong bits) => TryParseFloat(s, NumericFloatLayout.Binary64, out bits);

    /// <summary>
    /// True when <paramref name="s"/> has the lexical form of a number of any kind (unsigned, signed or
    /// float, including <c>inf</c>, <c>nan</c> and <c>nan:0x…</c>), whatever its value. When a TryParse
    /// method rejects such a token the spec's error is "constant out of range"; a token that is not a
    /// number at all is "unknown operator".
    /// </summary>
    public static bool IsNumberToken(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-')) s = s[1..];
        if (s.SequenceEqual("inf") || s.SequenceEqual("nan")) return true;
        if (s.StartsWith("nan:0x")) return NumericScanner.ScanDigits(s, 6, hex: true) == s.Length;
        bool hex = s.StartsWith("0x");
        return NumericScanner.ScanFloat(hex ? s[2..] : s, hex, out _);
    }

    /// <summary><c>num | 0x hexnum</c> spanning all of <paramref name="s"/>, up to 2^64-1.</summary>
    private static bool TryParseUnsigned(ReadOnlySpan<char> s, out ulong value)
    {
        bool hex = s.StartsWith("0x");
        return NumericScanner.TryParseDigits(hex ? s[2..] : s, hex, out value);
    }

    /// <summary>An N-bit uninterpreted integer, -2^(N-1) .. 2^N-1, as N-bit two's complement (zero-extended).</summary>
    private static bool TryParseInt(ReadOnlySpan<char> s, int width, out ulong bits)
    {
        bits = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (!TryParseUnsigned(s, out ulong magnitude)) return false;
        ulong unsignedMax = ulong.MaxValue >> (64 - width);
        if (negative)
        {
            if (magnitude > 1UL << (width - 1)) return false;
            bits = (0 - magnitude) & unsignedMax;
        }
        else
        {
            if (magnitude > unsignedMax) return false;
            bits = magnitude;
        }
        return true;
    }

    private static bool TryParseFloat(ReadOnlySpan<char> s, NumericFloatLayout layout, out ulong bits)
    {
        bits = 0;
        ulong sign = 0;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            if (s[0] == '-') sign = layout.SignBit;
            s = s[1..];
        }
        ulong magnitude;
        if (s.SequenceEqual("inf")) magnitude = layout.Infinity;
        else if (s.SequenceEqual("nan")) magnitude = layout.Infinity | layout.CanonicalNanPayload;
        else if (s.StartsWith("nan:0x"))
        {
            if (!NumericScanner.TryParseDigits(s[6..], hex: true, out ulong payload)
                || payload == 0 || payload > layout.MantissaMask) return false;
            magnitude = layout.Infinity | payload;
        }
        else if (s.StartsWith("0x"))
        {
            if (!NumericHexFloat.TryParse(s[2..], layout, out magnitude)) return false;
        }
        else if (!NumericDecimalFloat.TryParse(s, layout, out magnitude)) return false;
        bits = sign | magnitude;
        return true;
    }
}
