using System.Globalization;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// <see cref="NumericFormat"/> prints literals that <see cref="NumericLiterals"/> parses back to the same
/// bits: known outputs, and 100,000 fixed-seed random bit patterns per type (weighted towards the
/// special classes: subnormals, NaNs, infinities, zeros, the largest values).
/// </summary>
public class NumericFormatTests
{
    [Theory]
    [InlineData(0x00000000u, "0"), InlineData(0x80000000u, "-0"), InlineData(0x3f800000u, "1"), InlineData(0x3dcccccdu, "0.1")]
    [InlineData(0x00000001u, "1e-45"), InlineData(0x7f7fffffu, "3.4028235e+38"), InlineData(0xff800000u, "-inf"), InlineData(0x7f800000u, "inf")]
    [InlineData(0x7fc00000u, "nan"), InlineData(0xffc00000u, "-nan"), InlineData(0x7fa00000u, "nan:0x200000"), InlineData(0xffffffffu, "-nan:0x7fffff")]
    [InlineData(0x7f800001u, "nan:0x1"), InlineData(0xc0490fdbu, "-3.1415927")]
    public void F32KnownOutputs(uint bits, string expected) => Assert.Equal(expected, NumericFormat.FormatF32(bits));

    [Theory]
    [InlineData(0x0000000000000000ul, "0"), InlineData(0x8000000000000000ul, "-0"), InlineData(0x3fb999999999999aul, "0.1")]
    [InlineData(0x0000000000000001ul, "5e-324"), InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308"), InlineData(0x7ff0000000000000ul, "inf")]
    [InlineData(0x7ff8000000000000ul, "nan"), InlineData(0xfff8000000000001ul, "-nan:0x8000000000001"), InlineData(0x7ff0000000000001ul, "nan:0x1")]
    [InlineData(0x8010000000000000ul, "-2.2250738585072014e-308")]
    // exact powers of two that this runtime's "R" prints one digit short (dotnet/runtime#131131)
    [InlineData(0x3e60000000000000ul, "2.9802322387695312e-08"), InlineData(0x0410000000000000ul, "4.1045368012983762e-289")]
    public void F64KnownOutputs(ulong bits, string expected) => Assert.Equal(expected, NumericFormat.FormatF64(bits));

    [Fact]
    public void F32RandomBitPatternsRoundTrip()
    {
        var rng = new Random(32);
        for (int i = 0; i < 100_000; i++)
        {
            uint bits = (uint)Shape(rng, (ulong)rng.NextInt64() & 0xffffffff, 23, 8);
            string text = NumericFormat.FormatF32(bits);
            Assert.True(NumericLiterals.TryParseF32(text, out uint back), $"{bits:x8} printed as {text}");
            Assert.True(bits == back, $"{bits:x8} printed as {text} parses to {back:x8}");
        }
    }

    [Fact]
    public void F64RandomBitPatternsRoundTrip()
    {
        var rng = new Random(64);
        for (int i = 0; i < 100_000; i++)
        {
            ulong bits = Shape(rng, (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63), 52, 11);
            string text = NumericFormat.FormatF64(bits);
            Assert.True(NumericLiterals.TryParseF64(text, out ulong back), $"{bits:x16} printed as {text}");
            Assert.True(bits == back, $"{bits:x16} printed as {text} parses to {back:x16}");
        }
    }

    /// <summary>Every binade's first, second and last value, positive and negative, in both types.</summary>
    [Fact]
    public void EveryBinadeEdgeRoundTrips()
    {
        for (ulong e = 0; e < 255; e++)
            foreach (uint m in new uint[] { 0, 1, 0x7fffff })
                foreach (uint sign in new uint[] { 0, 0x80000000 })
                {
                    uint bits = sign | (uint)(e << 23) | m;
                    Assert.True(NumericLiterals.TryParseF32(NumericFormat.FormatF32(bits), out uint back) && back == bits, $"{bits:x8}");
                }
        for (ulong e = 0; e < 2047; e++)
            foreach (ulong m in new ulong[] { 0, 1, 0xfffffffffffff })
                foreach (ulong sign in new ulong[] { 0, 0x8000000000000000 })
                {
                    ulong bits = sign | (e << 52) | m;
                    Assert.True(NumericLiterals.TryParseF64(NumericFormat.FormatF64(bits), out ulong back) && back == bits, $"{bits:x16}");
                }
    }

    /// <summary>The output has the fewest significant digits that round-trip: one digit fewer never does.</summary>
    [Fact]
    public void OutputIsShortest()
    {
        var rng = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            double d = BitConverter.UInt64BitsToDouble(Shape(rng, (ulong)rng.NextInt64(), 52, 11) & 0x7fefffffffffffff);
            int digits = SignificantDigits(NumericFormat.FormatF64(BitConverter.DoubleToUInt64Bits(d)));
            if (digits > 1)
            {
                string shorter = d.ToString("E" + (digits - 2), CultureInfo.InvariantCulture);
                Assert.False(NumericLiterals.TryParseF64(shorter, out ulong back) && back == BitConverter.DoubleToUInt64Bits(d), $"{d:R}: {shorter} is shorter");
            }
            float f = BitConverter.UInt32BitsToSingle((uint)Shape(rng, (ulong)rng.Next(), 23, 8) & 0x7f7fffff);
            digits = SignificantDigits(NumericFormat.FormatF32(BitConverter.SingleToUInt32Bits(f)));
            if (digits > 1)
            {
                string shorter = f.ToString("E" + (digits - 2), CultureInfo.InvariantCulture);
                Assert.False(NumericLiterals.TryParseF32(shorter, out uint back) && back == BitConverter.SingleToUInt32Bits(f), $"{f:R}: {shorter} is shorter");
            }
        }
    }

    private static int SignificantDigits(string text)
    {
        int e = text.IndexOf('e');
        string mantissa = (e < 0 ? text : text[..e]).Replace(".", "").Replace("-", "").Trim('0');
        return mantissa.Length;
    }

    [Fact]
    public void SpanFormsFitMaxLengthAndFailCleanlyWhenShort()
    {
        Span<char> buffer = stackalloc char[NumericFormat.MaxLength];
        foreach (ulong bits in new[] { 0x8010000000000000ul, 0xfff7ffffffffffffUL, 0x8000000000000001ul })
        {
            Assert.True(NumericFormat.TryFormatF64(bits, buffer, out int n));
            Assert.Equal(NumericFormat.FormatF64(bits), buffer[..n].ToString());
            Assert.False(NumericFormat.TryFormatF64(bits, buffer[..(n - 1)], out _));
        }
        Assert.True(NumericFormat.TryFormatF32(0xff7fffff, buffer, out int m));
        Assert.Equal("-3.4028235e+38", buffer[..m].ToString());
        Assert.False(NumericFormat.TryFormatF32(0xff7fffff, buffer[..(m - 1)], out _));
    }

    /// <summary>Half of the patterns stay uniform; the rest get an exponent field of 0, all ones, or near either end.</summary>
    private static ulong Shape(Random rng, ulong bits, int mantissaBits, int exponentBits)
    {
        ulong expMask = ((1UL << exponentBits) - 1) << mantissaBits;
        ulong exp = rng.Next(8) switch
        {
            0 => 0,
            1 => expMask,
            2 => (ulong)rng.Next(1, 4) << mantissaBits,
            3 => expMask - ((ulong)rng.Next(1, 4) << mantissaBits),
            _ => bits & expMask,
        };
        ulong result = (bits & ~expMask) | exp;
        if (rng.Next(16) == 0) result = (result & ~((1UL << mantissaBits) - 1)) | (uint)rng.Next(4); // tiny payloads / significands
        return result;
    }
}
