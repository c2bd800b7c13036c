using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Runtime.Wast;

/// <summary>The host value a script's <c>ref.extern N</c> / <c>ref.host N</c> stands for: equal when N is.</summary>
public sealed record HostRef(uint Value);

/// <summary>Script values to runtime values, and the matching of results against expected patterns.</summary>
public static class WastValues
{
    public static Value ToValue(WastValue v) => v switch
    {
        WastNum { Type.Kind: ValKind.I32 } n => Value.I32((int)(uint)n.Bits),
        WastNum { Type.Kind: ValKind.I64 } n => Value.I64((long)n.Bits),
        WastNum { Type.Kind: ValKind.F32 } n => Value.F32Bits((uint)n.Bits),
        WastNum { Type.Kind: ValKind.F64 } n => Value.F64Bits(n.Bits),
        WastV128 x => Value.V128(x.Value),
        WastRef { Kind: "ref.null", NullType: { } ht } => Value.Null(ValType.Ref(ht, nullable: true)),
        WastRef { Kind: "ref.extern" or "ref.host", Payload: { } p } => Value.ExternRef(new HostRef(p)),
        _ => throw new NotSupportedException($"argument {v} is not supported"),
    };

    /// <summary>Whether <paramref name="actual"/> matches the expected value or pattern.</summary>
    public static bool Matches(Value actual, WastValue expected) => expected switch
    {
        WastEither e => e.Alternatives.Any(a => Matches(actual, a)),
        WastNum n => actual.Type.Kind == n.Type.Kind && RawBits(actual) == n.Bits,
        WastNanPattern p => actual.Type.Kind == p.Type.Kind && IsNan(RawBits(actual), p.Type.Kind == ValKind.F64, p.Kind),
        WastV128 x => actual.Type.Kind == ValKind.V128 && LanesMatch(actual.AsV128(), x),
        WastRef r => RefMatches(actual, r),
        _ => false,
    };

    static ulong RawBits(Value v) => v.Type.Kind switch
    {
        ValKind.I32 => (uint)v.AsI32(),
        ValKind.I64 => (ulong)v.AsI64(),
        ValKind.F32 => v.AsF32Bits(),
        ValKind.F64 => v.AsF64Bits(),
        _ => ulong.MaxValue,
    };

    static bool IsNan(ulong bits, bool is64, WastNanKind kind)
    {
        if (is64)
        {
            bool nan = (bits & 0x7FF0_0000_0000_0000) == 0x7FF0_0000_0000_0000 && (bits & 0x000F_FFFF_FFFF_FFFF) != 0;
            return nan && (kind == WastNanKind.Canonical
                ? (bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000
                : (bits & 0x0008_0000_0000_0000) != 0);
        }
        uint b = (uint)bits;
        bool isNan = (b & 0x7F80_0000) == 0x7F80_0000 && (b & 0x007F_FFFF) != 0;
        return isNan && (kind == WastNanKind.Canonical ? (b & 0x7FFF_FFFF) == 0x7FC0_0000 : (b & 0x0040_0000) != 0);
    }

    static bool LanesMatch(V128 actual, WastV128 expected)
    {
        int laneBytes = expected.Shape switch { "i8x16" => 1, "i16x8" => 2, "i32x4" or "f32x4" => 4, _ => 8 };
        Span<byte> a = actual.Bytes;
        V128 e = expected.Value;
        Span<byte> eb = e.Bytes;
        for (int lane = 0; lane < 16 / laneBytes; lane++)
        {
            var aLane = a.Slice(lane * laneBytes, laneBytes);
            if (expected.LanePatterns?[lane] is { } nan)
            {
                ulong bits = laneBytes == 4 ? BitConverter.ToUInt32(aLane) : BitConverter.ToUInt64(aLane);
                if (!IsNan(bits, laneBytes == 8, nan.Kind)) return false;
            }
            else if (!aLane.SequenceEqual(eb.Slice(lane * laneBytes, laneBytes))) return false;
        }
        return true;
    }

    static bool RefMatches(Value actual, WastRef r)
    {
        if (!actual.Type.IsRef) return false;
        HeapType h = actual.Type.Heap;
        bool isExtern = h == HeapType.Extern || h == HeapType.NoExtern;
        bool isFunc = h == HeapType.Func || h == HeapType.NoFunc || h.IsConcrete;
        return r.Kind switch
        {
            "ref.null" => actual.IsNull,
            "ref.extern" or "ref.host" when r.Payload is { } p => isExtern && Equals(actual.AsExtern(), new HostRef(p)),
            "ref.extern" => isExtern && !actual.IsNull,
            "ref.func" => isFunc && !actual.IsNull,
            _ => false, // GC and exception reference patterns need a tier that runs GC and exceptions
        };
    }

    public static string Describe(Value v) => v.Type.Kind switch
    {
        ValKind.I32 => $"i32:{(uint)v.AsI32()}",
        ValKind.I64 => $"i64:{(ulong)v.AsI64()}",
        ValKind.F32 => $"f32:0x{v.AsF32Bits():x8}",
        ValKind.F64 => $"f64:0x{v.AsF64Bits():x16}",
        ValKind.V128 => $"v128:{v.AsV128().High:x16}{v.AsV128().Low:x16}",
        _ => v.IsNull ? $"null {v.Type}" : $"{v.Type}",
    };
}
