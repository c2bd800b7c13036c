using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// Data-driven tests of <see cref="NumericLiterals"/>: the literals and expected bits of the spec
/// suite's int_literals.wast, float_literals.wast and const.wast (copied here as data, the suite is
/// not read at test time), their malformed forms, and range boundaries.
/// </summary>
public class NumericLiteralsTests
{
    // ---------------------------------------------------------------- integers

    /// <summary>(literal, expected bits) accepted by i32.const.</summary>
    public static TheoryData<string, uint> I32Valid => new()
    {
        { "0x0bAdD00D", 0x0badd00d }, { "0xffffffff", 0xffffffff }, { "0x7fffffff", 0x7fffffff },
        { "-0x7fffffff", 0x80000001 }, { "-0x80000000", 0x80000000 }, { "0x80000000", 0x80000000 },
        { "-0x0", 0 }, { "010", 10 }, { "4294967295", 0xffffffff }, { "+42", 42 }, { "-2147483648", 0x80000000 },
        { "1_000_000", 1000000 }, { "1_0_0_0", 1000 }, { "0xa_0f_00_99", 0xa0f0099 }, { "0x1_a_A_0_f", 0x1aa0f },
        { "0_123_456_789", 123456789 }, { "0x0_9acf_fBDF", 0x9acffbdf }, { "0", 0 }, { "-0", 0 }, { "+0", 0 },
        { "-1", 0xffffffff }, { "+0xffffffff", 0xffffffff }, { "2147483647", 0x7fffffff },
        { "00000000000000000000000000000004294967295", 0xffffffff }, { "0x000000000000000000000000ffffffff", 0xffffffff },
    };

    /// <summary>Literals i32.const rejects: malformed (int_literals.wast, const.wast) or out of range.</summary>
    public static TheoryData<string> I32Invalid => new()
    {
        "_100", "+_100", "-_100", "99_", "1__000", "_0x100", "0_x100", "0x_100", "0x00_", "0xff__ffff",
        "0x", "1x", "0xg", "", "+", "-", "0X10", "1.0", "1e1", "--1", "+-1", " 1", "1 ", "0x100000000",
        "-0x80000001", "4294967296", "-2147483649", "99999999999999999999999", "0x1_0000_0000", "nan", "inf",
        "\u0661", "\uff11", "0x\uff21",
    };

    public static TheoryData<string, ulong> I64Valid => new()
    {
        { "0x0CABBA6E0ba66a6e", 0x0cabba6e0ba66a6e }, { "0xffffffffffffffff", ulong.MaxValue },
        { "0x7fffffffffffffff", 0x7fffffffffffffff }, { "-0x7fffffffffffffff", 0x8000000000000001 },
        { "-0x8000000000000000", 0x8000000000000000 }, { "0x8000000000000000", 0x8000000000000000 }, { "-0x0", 0 },
        { "010", 10 }, { "18446744073709551615", ulong.MaxValue }, { "+42", 42 }, { "-9223372036854775808", 0x8000000000000000 },
        { "1_000_000", 1000000 }, { "1_0_0_0", 1000 }, { "0xa_f00f_0000_9999", 0xaf00f00009999 }, { "0x1_a_A_0_f", 0x1aa0f },
        { "0_123_456_789", 123456789 }, { "0x0125_6789_ADEF_bcef", 0x01256789adefbcef }, { "-1", ulong.MaxValue },
    };

    public static TheoryData<string> I64Invalid => new()
    {
        "_100", "+_100", "-_100", "99_", "1__000", "_0x100", "0_x100", "0x_100", "0x00_", "0xff__ffff",
        "0x", "1x", "0xg", "", "0x10000000000000000", "-0x8000000000000001", "18446744073709551616",
        "-9223372036854775809", "184467440737095516150", "0x1_0000_0000_0000_0000",
    };

    [Theory, MemberData(nameof(I32Valid))]
    public void I32Parses(string text, uint expected)
    {
        Assert.True(NumericLiterals.TryParseI32(text, out uint bits), text);
        Assert.Equal(expected, bits);
    }

    [Theory, MemberData(nameof(I32Invalid))]
    public void I32Rejects(string text) => Assert.False(NumericLiterals.TryParseI32(text, out _), text);

    [Theory, MemberData(nameof(I64Valid))]
    public void I64Parses(string text, ulong expected)
    {
        Assert.True(NumericLiterals.TryParseI64(text, out ulong bits), text);
        Assert.Equal(expected, bits);
    }

    [Theory, MemberData(nameof(I64Invalid))]
    public void I64Rejects(string text) => Assert.False(NumericLiterals.TryParseI64(text, out _), text);

    [Theory]
    [InlineData("0", 0u), InlineData("4294967295", 0xffffffffu), InlineData("0xffff_ffff", 0xffffffffu), InlineData("0_10", 10u)]
    public void U32Parses(string text, uint expected)
    {
        Assert.True(NumericLiterals.TryParseU32(text, out uint v), text);
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("+1"), InlineData("-1"), InlineData("-0"), InlineData("4294967296"), InlineData("0x1_0000_0000"), InlineData("1_"), InlineData("")]
    public void U32Rejects(string text) => Assert.False(NumericLiterals.TryParseU32(text, out _), text);

    [Theory]
    [InlineData("18446744073709551615", ulong.MaxValue), InlineData("0xffff_ffff_ffff_ffff", ulong.MaxValue), InlineData("4294967296", 0x100000000UL)]
    public void U64Parses(string text, ulong expected)
    {
        Assert.True(NumericLiterals.TryParseU64(text, out ulong v), text);
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("+1"), InlineData("-1"), InlineData("18446744073709551616"), InlineData("0x1_0000_0000_0000_0000"), InlineData("0x")]
    public void U64Rejects(string text) => Assert.False(NumericLiterals.TryParseU64(text, out _), text);

    [Theory]
    [InlineData("-128", 0x80), InlineData("255", 0xff), InlineData("-1", 0xff), InlineData("0x7f", 0x7f), InlineData("+127", 0x7f), InlineData("-0x80", 0x80)]
    public void I8Parses(string text, int expected)
    {
        Assert.True(NumericLiterals.TryParseI8(text, out byte v), text);
        Assert.Equal((byte)expected, v);
    }

    [Theory]
    [InlineData("-129"), InlineData("256"), InlineData("0x100"), InlineData("-0x81"), InlineData("1__0")]
    public void I8Rejects(string text) => Assert.False(NumericLiterals.TryParseI8(text, out _), text);

    [Theory]
    [InlineData("-32768", 0x8000), InlineData("65535", 0xffff), InlineData("-1", 0xffff), InlineData("0x7fff", 0x7fff)]
    public void I16Parses(string text, int expected)
    {
        Assert.True(NumericLiterals.TryParseI16(text, out ushort v), text);
        Assert.Equal((ushort)expected, v);
    }

    [Theory]
    [InlineData("-32769"), InlineData("65536"), InlineData("0x1_0000"), InlineData("_1")]
    public void I16Rejects(string text) => Assert.False(NumericLiterals.TryParseI16(text, out _), text);
}
