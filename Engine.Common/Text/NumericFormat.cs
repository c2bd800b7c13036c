using System.Globalization;

namespace Hoist.Wasm.Text;

/// <summary>
/// Prints float bits as text-format literals, the inverse of <see cref="NumericLiterals.TryParseF32"/> and
/// <see cref="NumericLiterals.TryParseF64"/>: every output parses back to exactly the same bits.
/// Finite values are the shortest decimal that round-trips (.NET's "R" format, exponent written 'e');
/// infinities are <c>inf</c>; NaNs are <c>nan</c> for the canonical payload and <c>nan:0x…</c> otherwise;
/// the sign is always kept (<c>-0</c>, <c>-nan</c>). The span forms do not allocate.
/// </summary>
public static class NumericFormat
{
    /// <summary>No output is longer than this (e.g. "-2.2250738585072014e-308", "-nan:0xfffffffffffff").</summary>
    public const int MaxLength = 32;

    public static string FormatF32(uint bits) => Format(bits, NumericFloatLayout.Binary32);

    public static string FormatF64(ulong bits) => Format(bits, NumericFloatLayout.Binary64);

    public static bool TryFormatF32(uint bits, Span<char> destination, out int charsWritten) =>
        TryFormat(bits, NumericFloatLayout.Binary32, destination, out charsWritten);

    public static bool TryFormatF64(ulong bits, Span<char> destination, out int charsWritten) =>
        TryFormat(bits, NumericFloatLayout.Binary64, destination, out charsWritten);

    private static string Format(ulong bits, NumericFloatLayout layout)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        TryFormat(bits, layout, buffer, out int n);
        return new string(buffer[..n]);
    }

    private static bool TryFormat(ulong bits, NumericFloatLayout layout, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        int n = 0;
        if ((bits & layout.SignBit) != 0)
        {
            if (destination.IsEmpty) return false;
            destination[n++] = '-';
        }
        ulong magnitude = bits & (layout.SignBit - 1);
        Span<char> rest = destination[n..];
        int written;
        if ((magnitude & layout.Infinity) == layout.Infinity)
        {
            ulong payload = magnitude & layout.MantissaMask;
            if (payload == 0) { if (!"inf".TryCopyTo(rest)) return false; written = 3; }
            else if (payload == layout.CanonicalNanPayload) { if (!"nan".TryCopyTo(rest)) return false; written = 3; }
            else
            {
                if (!"nan:0x".TryCopyTo(rest) || !payload.TryFormat(rest[6..], out written, "x", CultureInfo.InvariantCulture)) return false;
                written += 6;
            }
        }
        else if (!TryFormatFinite(magnitude, layout, rest, out written)) return false;
        charsWritten = n + written;
        return true;
    }

    /// <summary>"G1" … "G17": precisions to fall back on, preallocated so formatting never allocates.</summary>
    private static readonly string[] Precisions = [.. Enumerable.Range(0, 18).Select(p => "G" + p.ToString(CultureInfo.InvariantCulture))];

    /// <summary>
    /// A positive finite value: .NET's shortest round-trip form, checked by parsing it back. The check
    /// matters: this runtime's Dragon4 mishandles some exact powers of two (2^-25 and 2^-958 print as
    /// 2.980232238769531E-08 and 4.104536801298376E-289, which parse to the next lower double;
    /// dotnet/runtime#131131). Then the fewest digits that do round-trip are used (17 always do).
    /// </summary>
    private static bool TryFormatFinite(ulong magnitude, NumericFloatLayout layout, Span<char> destination, out int written)
    {
        bool single = layout.IsBinary32;
        if (!TryFormatWith("R", magnitude, single, destination, out written, out bool roundTrips)) return false;
        for (int digits = 1; !roundTrips; digits++)
        {
            // terminates: 9 (f32) or 17 (f64) significant digits always round-trip
            if (!TryFormatWith(Precisions[digits], magnitude, single, destination, out written, out roundTrips)) return false;
        }
        return true;
    }

    private static bool TryFormatWith(string format, ulong magnitude, bool single, Span<char> destination, out int written, out bool roundTrips)
    {
        roundTrips = false;
        bool ok = single
            ? BitConverter.UInt32BitsToSingle((uint)magnitude).TryFormat(destination, out written, format, CultureInfo.InvariantCulture)
            : BitConverter.UInt64BitsToDouble(magnitude).TryFormat(destination, out written, format, CultureInfo.InvariantCulture);
        if (!ok) return false;
        Span<char> text = destination[..written];
        int e = text.IndexOf('E');
        if (e >= 0) text[e] = 'e';
        ulong back;
        if (single) { ok = NumericLiterals.TryParseF32(text, out uint b32); back = b32; }
        else ok = NumericLiterals.TryParseF64(text, out back);
        roundTrips = ok && back == magnitude;
        return true;
    }
}
