using System.Buffers.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// The lane shapes of <c>v128.const</c> (<c>i8x16 i16x8 i32x4 i64x2 f32x4 f64x2</c>): how many lanes,
/// and how one lane literal is parsed into its little-endian place in the 16 bytes.
/// </summary>
internal enum V128Shape : byte { None, I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 }

internal static class V128Shapes
{
    public static V128Shape Parse(ReadOnlySpan<char> keyword) => keyword switch
    {
        "i8x16" => V128Shape.I8x16,
        "i16x8" => V128Shape.I16x8,
        "i32x4" => V128Shape.I32x4,
        "i64x2" => V128Shape.I64x2,
        "f32x4" => V128Shape.F32x4,
        "f64x2" => V128Shape.F64x2,
        _ => V128Shape.None,
    };

    public static int LaneCount(this V128Shape shape) => shape switch
    {
        V128Shape.I8x16 => 16,
        V128Shape.I16x8 => 8,
        V128Shape.I32x4 or V128Shape.F32x4 => 4,
        _ => 2,
    };

    public static bool IsFloat(this V128Shape shape) => shape is V128Shape.F32x4 or V128Shape.F64x2;

    /// <summary>The scalar type of a float shape's lanes (for NaN patterns).</summary>
    public static ValType LaneType(this V128Shape shape) => shape == V128Shape.F32x4 ? ValType.F32 : ValType.F64;

    /// <summary>Parses lane <paramref name="lane"/>'s literal into <paramref name="bytes"/>; false if out of range.</summary>
    public static bool TryParseLane(this V128Shape shape, ReadOnlySpan<char> text, Span<byte> bytes, int lane)
    {
        switch (shape)
        {
            case V128Shape.I8x16:
                if (!NumericLiterals.TryParseI8(text, out byte b)) return false;
                bytes[lane] = b;
                return true;
            case V128Shape.I16x8:
                if (!NumericLiterals.TryParseI16(text, out ushort h)) return false;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes[(lane * 2)..], h);
                return true;
            case V128Shape.I32x4:
                if (!NumericLiterals.TryParseI32(text, out uint w)) return false;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(lane * 4)..], w);
                return true;
            case V128Shape.I64x2:
                if (!NumericLiterals.TryParseI64(text, out ulong d)) return false;
                BinaryPrimitives.WriteUInt64LittleEndian(bytes[(lane * 8)..], d);
                return true;
            case V128Shape.F32x4:
                if (!NumericLiterals.TryParseF32(text, out uint f)) return false;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(lane * 4)..], f);
                return true;
            case V128Shape.F64x2:
                if (!NumericLiterals.TryParseF64(text, out ulong g)) return false;
                BinaryPrimitives.WriteUInt64LittleEndian(bytes[(lane * 8)..], g);
                return true;
            default:
                return false;
        }
    }
}
