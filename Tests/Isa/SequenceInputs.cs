using Hoist.Isa.X64;
using Hoist.Optimizing.Ir;

namespace Hoist.Tests.Isa;

/// <summary>
/// Edge-case inputs for the shared code sequences (as raw bits), and the reference semantics they are checked
/// against: <see cref="Eval"/>, the optimizing tier's one definition of each operation, plus the spec's rule
/// for which trap a failing operation raises.
/// </summary>
internal static class SequenceInputs
{
    private static ulong F(float f) => BitConverter.SingleToUInt32Bits(f);
    private static ulong D(double d) => BitConverter.DoubleToUInt64Bits(d);

    public static readonly ulong[] F32 =
    [
        F(0f), F(-0f), F(1f), F(-1f), F(0.5f), F(-0.5f), F(1.5f), F(2.5f), F(-2.5f), F(0.99f), F(-0.99f), F(3.7f), F(-3.7f),
        0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x807F_FFFF,                 // denormals
        F(float.MaxValue), F(float.MinValue), F(float.PositiveInfinity), F(float.NegativeInfinity),
        0x7FC0_0000, 0xFFC0_0000, 0x7FC1_2345, 0xFFD5_4321, 0x7F80_0001, 0xFFA0_0000, // quiet and signalling NaNs with payloads
        F(2147483648f), F(-2147483648f), F(2147483520f), F(-2147483904f),  // ±2^31 and their neighbours
        F(4294967296f), F(4294967040f),                                     // 2^32 and the largest f32 below
        F(9223372036854775808f), F(-9223372036854775808f), F(9223371487098961920f), F(-9223373136366403584f), // ±2^63 and neighbours
        F(18446744073709551616f), F(18446742974197923840f),                 // 2^64 and the largest f32 below
        F(16777217f), F(1e10f), F(-1e10f), F(8388608.5f),
    ];

    public static readonly ulong[] F64 =
    [
        D(0), D(-0.0), D(1), D(-1), D(0.5), D(-0.5), D(1.5), D(2.5), D(-2.5), D(0.9999), D(-0.9999), D(3.7), D(-3.7),
        1, 0x8000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF, 0x800F_FFFF_FFFF_FFFF, // denormals
        D(double.MaxValue), D(double.MinValue), D(double.PositiveInfinity), D(double.NegativeInfinity),
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF8_0000_0000_0001, 0xFFFC_DEAD_BEEF_0001, 0x7FF0_0000_0000_0001, 0xFFF4_0000_0000_0000,
        D(2147483647), D(2147483647.9), D(2147483648), D(-2147483648), D(-2147483648.9), D(-2147483649), D(-2147483649.5),
        D(4294967295), D(4294967295.9), D(4294967296), D(-0.0000001),
        D(9223372036854775808.0), D(-9223372036854775808.0), D(9223372036854774784.0), D(-9223372036854777856.0),
        D(18446744073709551616.0), D(18446744073709549568.0),
        D(4503599627370497.5), D(1e300), D(-1e300),
    ];

    public static readonly ulong[] I32 =
    [
        0, 1, 2, 3, 7, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFF9, 0x8000_0000, 0x7FFF_FFFF, 0x8000_0001, 0x1234_5678, 0x0100_0001,
        0xDEAD_BEEF_0000_0005, 0xFFFF_FFFF_8000_0000, 0x0000_0001_FFFF_FFFF, // upper halves that a 32-bit sequence must ignore
    ];

    public static readonly ulong[] I64 =
    [
        0, 1, 2, 3, 7, ulong.MaxValue, ulong.MaxValue - 1, unchecked((ulong)-7L), 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0001, 0x1234_5678_9ABC_DEF0, 0x0020_0000_0000_0001, 0x0020_0000_0000_0003, 0xFFFF_FFFF_FFFF_FC00,
        0xFFFF_FFFF_FFFF_FBFF, 0xFFFF_FFFF_FFFF_F400, 0x8000_0000_0000_0400, 0x8000_0000_0000_0C01, 0x8000_0080_0000_0000,
        0x8000_0080_0000_0001, 0x0000_0001_0000_0000, 0xFFFF_FFFF,
    ];

    public static ulong[] Floats(FloatType t) => t == FloatType.F64 ? F64 : F32;

    public static ulong[] Ints(Width w) => w == Width.W64 ? I64 : I32;

    public static IrType Ir(FloatType t) => t == FloatType.F64 ? IrType.F64 : IrType.F32;

    public static IrType Ir(Width w) => w == Width.W64 ? IrType.I64 : IrType.I32;

    public static bool IsNaN(FloatType t, ulong bits) =>
        t == FloatType.F64 ? double.IsNaN(BitConverter.UInt64BitsToDouble(bits)) : float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits));

    /// <summary>A NaN with the quiet bit set (what wasm calls an arithmetic NaN).</summary>
    public static bool IsQuietNaN(FloatType t, ulong bits) =>
        IsNaN(t, bits) && (t == FloatType.F64 ? (bits & 0x0008_0000_0000_0000) != 0 : (bits & 0x0040_0000) != 0);

    /// <summary>The value bits of a result of width <paramref name="t"/> (an f32 lives in the low 32 bits).</summary>
    public static ulong Mask(FloatType t, ulong bits) => t == FloatType.F64 ? bits : (uint)bits;

    public static ulong Mask(Width w, ulong bits) => w == Width.W64 ? bits : (uint)bits;

    /// <summary>The reference result of a value operation (integers as unsigned bits of the width).</summary>
    public static bool Reference(Op op, IrType ctrl, byte code, ulong[] args, IrType[] argTypes, out ulong result)
    {
        long[] a = new long[args.Length];
        for (int i = 0; i < args.Length; i++)
            a[i] = argTypes[i] == IrType.I32 ? (int)(uint)args[i] : (long)args[i];
        bool ok = Eval.TryEvaluate(op, ctrl, code, a, argTypes, out long r);
        result = ctrl is IrType.I32 or IrType.F32 ? (uint)r : (ulong)r;
        return ok;
    }

    /// <summary>
    /// The correctly rounded (to nearest, ties to even) conversion of an integer to a float with
    /// <paramref name="mantissaBits"/> significant bits, computed on integers: an oracle independent of any
    /// hardware conversion or of the halving trick the sequences use.
    /// </summary>
    public static double RoundToPrecision(ulong magnitude, int mantissaBits)
    {
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
        if (bits <= mantissaBits) return magnitude;
        int drop = bits - mantissaBits;
        ulong q = magnitude >> drop, rem = magnitude & ((1UL << drop) - 1), half = 1UL << (drop - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) q++;
        return Math.ScaleB(q, drop);
    }
}
