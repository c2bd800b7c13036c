using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The numbers the generator draws constants and arguments from: mostly edge values (0, ±1, the extremes, the
/// boundaries of every float-to-int conversion, ±0, infinities, denormals, NaNs with payloads and signs), the rest
/// small or random. All as raw bits.
/// </summary>
public static class EdgeValues
{
    static readonly uint[] s_i32 =
    [
        0, 1, 2, 3, 7, 8, 16, 31, 32, 33, 63, 64, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FF80, 0xFFFF_8000, 0x5555_5555, 0xAAAA_AAAA,
        0x0001_0000, 0x00FF_FFFF, 0x8000_0000 - 64,
    ];

    static readonly ulong[] s_i64 =
    [
        0, 1, 2, 7, 31, 32, 63, 64, 65, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x8000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
        0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_7FFF_FFFF, 0x5555_5555_5555_5555, 0x0010_0000_0000_0000, 0x0020_0000_0000_0001,
    ];

    static readonly uint[] s_f32 =
    [
        0x0000_0000, 0x8000_0000,                 // ±0
        0x3F80_0000, 0xBF80_0000,                 // ±1
        0x3F00_0000, 0xBF00_0000, 0x3FC0_0000, 0xC020_0000, 0x4020_0000, // ±0.5, 1.5, -2.5, 2.5 (rounding ties)
        0x7F80_0000, 0xFF80_0000,                 // ±inf
        0x7FC0_0000, 0xFFC0_0000,                 // canonical NaNs
        0x7FA0_0000, 0x7F80_0001, 0xFFFF_FFFF, 0x7FC0_0001, // NaNs with payloads, signalling and quiet
        0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0080_0000, // denormals, smallest normal
        0x7F7F_FFFF, 0xFF7F_FFFF,                 // ±max
        0x4EFF_FFFF, 0x4F00_0000, 0xCF00_0000, 0xCF00_0001, // around ±2^31 (i32 truncation limits)
        0x4F7F_FFFF, 0x4F80_0000,                 // around 2^32
        0x5EFF_FFFF, 0x5F00_0000, 0xDF00_0000, 0xDF00_0001, 0x5F80_0000, // around ±2^63, 2^64
        0x4B00_0000, 0x4B80_0000, 0xCB00_0001,    // 2^23, 2^24 (integers stop being exact)
        0xBF7F_FFFF, 0x3F7F_FFFF,                 // just inside ±1
    ];

    static readonly ulong[] s_f64 =
    [
        0x0000_0000_0000_0000, 0x8000_0000_0000_0000,
        0x3FF0_0000_0000_0000, 0xBFF0_0000_0000_0000,
        0x3FE0_0000_0000_0000, 0xBFE0_0000_0000_0000, 0x3FF8_0000_0000_0000, 0xC004_0000_0000_0000, 0x4004_0000_0000_0000,
        0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000,
        0x7FF4_0000_0000_0000, 0x7FF0_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0x7FF8_0000_0000_0001,
        0x0000_0000_0000_0001, 0x8000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000,
        0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF,
        0x41DF_FFFF_FFC0_0000, 0x41E0_0000_0000_0000, 0xC1E0_0000_0000_0000, 0xC1E0_0000_0020_0000, // around ±2^31
        0x41EF_FFFF_FFE0_0000, 0x41F0_0000_0000_0000,   // around 2^32
        0x43DF_FFFF_FFFF_FFFF, 0x43E0_0000_0000_0000, 0xC3E0_0000_0000_0000, 0xC3E0_0000_0000_0001, 0x43F0_0000_0000_0000,
        0x4330_0000_0000_0000, 0x4340_0000_0000_0000,   // 2^52, 2^53
        0x3FEF_FFFF_FFFF_FFFF, 0xBFEF_FFFF_FFFF_FFFF,
        0x36A0_0000_0000_0000, 0x47EF_FFFF_E000_0000,   // below f32's smallest denormal; f32's max
    ];

    /// <summary>The bits of the canonical NaN with a positive sign.</summary>
    public const uint CanonicalNanF32 = 0x7FC0_0000;
    public const ulong CanonicalNanF64 = 0x7FF8_0000_0000_0000;

    /// <summary>The edge values of a numeric type, as raw bits.</summary>
    public static IReadOnlyList<ulong> Pool(ValType type) => type.Kind switch
    {
        ValKind.I32 => Array.ConvertAll(s_i32, v => (ulong)v),
        ValKind.I64 => s_i64,
        ValKind.F32 => Array.ConvertAll(s_f32, v => (ulong)v),
        ValKind.F64 => s_f64,
        _ => throw new ArgumentException($"{type} is not numeric", nameof(type)),
    };

    /// <summary>A value of numeric type <paramref name="type"/>: an edge value most of the time.</summary>
    public static ulong Draw(Random r, ValType type, bool allowNanPayloads = true)
    {
        ulong bits = type.Kind switch
        {
            ValKind.I32 => DrawI32(r),
            ValKind.I64 => DrawI64(r),
            ValKind.F32 => DrawF32(r),
            ValKind.F64 => DrawF64(r),
            _ => throw new ArgumentException($"{type} is not numeric", nameof(type)),
        };
        if (!allowNanPayloads) bits = WithoutPayload(type, bits);
        return bits;
    }

    static ulong DrawI32(Random r) => r.Next(10) switch
    {
        < 6 => s_i32[r.Next(s_i32.Length)],
        < 8 => (uint)r.Next(-20, 100),
        _ => (uint)r.NextInt64(),
    };

    static ulong DrawI64(Random r) => r.Next(10) switch
    {
        < 5 => s_i64[r.Next(s_i64.Length)],
        < 6 => (ulong)(long)(int)s_i32[r.Next(s_i32.Length)],
        < 8 => (ulong)r.NextInt64(-20, 100),
        _ => (ulong)r.NextInt64() ^ ((ulong)r.Next() << 33),
    };

    static ulong DrawF32(Random r) => r.Next(10) switch
    {
        < 6 => s_f32[r.Next(s_f32.Length)],
        < 8 => BitConverter.SingleToUInt32Bits(r.Next(-100, 100) / (float)(1 << r.Next(4))),
        _ => (uint)r.NextInt64(),
    };

    static ulong DrawF64(Random r) => r.Next(10) switch
    {
        < 6 => s_f64[r.Next(s_f64.Length)],
        < 8 => BitConverter.DoubleToUInt64Bits(r.Next(-100, 100) / (double)(1 << r.Next(4))),
        _ => (ulong)r.NextInt64() ^ ((ulong)r.Next() << 33),
    };

    /// <summary>Replaces a NaN with the canonical NaN (for arguments an engine may not pass through bit for bit).</summary>
    public static ulong WithoutPayload(ValType type, ulong bits) => type.Kind switch
    {
        ValKind.F32 when float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits)) => CanonicalNanF32,
        ValKind.F64 when double.IsNaN(BitConverter.UInt64BitsToDouble(bits)) => CanonicalNanF64,
        _ => bits,
    };

    /// <summary>Whether the bits are a NaN of the float type.</summary>
    public static bool IsNan(ValKind kind, ulong bits) => kind switch
    {
        ValKind.F32 => float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits)),
        ValKind.F64 => double.IsNaN(BitConverter.UInt64BitsToDouble(bits)),
        _ => false,
    };
}
