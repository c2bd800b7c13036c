using System.Globalization;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Runtime;

/// <summary>
/// A wasm value as .NET sees it: its type and its bits (numbers are kept as raw bits, so NaN payloads
/// survive), or a reference: a <see cref="Func"/> for funcref (null = ref.null func) or any .NET object for
/// externref (null = ref.null extern). Immutable.
/// </summary>
public readonly struct Value : IEquatable<Value>
{
    readonly ulong _lo, _hi;
    readonly object? _ref;

    Value(ValType type, ulong lo = 0, ulong hi = 0, object? reference = null)
    {
        Type = type;
        _lo = lo;
        _hi = hi;
        _ref = reference;
    }

    public ValType Type { get; }

    public static Value I32(int v) => new(ValType.I32, (uint)v);
    public static Value I64(long v) => new(ValType.I64, (ulong)v);
    public static Value F32(float v) => new(ValType.F32, BitConverter.SingleToUInt32Bits(v));
    public static Value F64(double v) => new(ValType.F64, BitConverter.DoubleToUInt64Bits(v));
    public static Value F32Bits(uint bits) => new(ValType.F32, bits);
    public static Value F64Bits(ulong bits) => new(ValType.F64, bits);
    public static Value V128(V128 v) => new(ValType.V128, v.Low, v.High);

    /// <summary>A funcref: the function, or null for <c>ref.null func</c>.</summary>
    public static Value FuncRef(Func? f) => new(ValType.FuncRef, 0, 0, f);

    /// <summary>An externref: any .NET object, or null for <c>ref.null extern</c>.</summary>
    public static Value ExternRef(object? o) => new(ValType.ExternRef, 0, 0, o);

    /// <summary>The null reference of a reference type.</summary>
    public static Value Null(ValType refType) =>
        refType.IsRef ? new(refType with { Nullable = true }) : throw new ArgumentException($"{refType} is not a reference type", nameof(refType));

    /// <summary>The default value of a type: zero, or null for a nullable reference type.</summary>
    public static Value Default(ValType type) => type.IsRef
        ? (type.Nullable ? new Value(type) : throw new ArgumentException($"{type} has no default value", nameof(type)))
        : new Value(type, 0);

    public int AsI32() => (int)(uint)Bits(ValKind.I32);
    public long AsI64() => (long)Bits(ValKind.I64);
    public float AsF32() => BitConverter.UInt32BitsToSingle((uint)Bits(ValKind.F32));
    public double AsF64() => BitConverter.UInt64BitsToDouble(Bits(ValKind.F64));
    public uint AsF32Bits() => (uint)Bits(ValKind.F32);
    public ulong AsF64Bits() => Bits(ValKind.F64);
    public V128 AsV128() { Bits(ValKind.V128); return new V128(_lo, _hi); }

    /// <summary>The referenced function (null for a null funcref).</summary>
    public Func? AsFunc() => IsFuncRef ? (Func?)_ref : throw new InvalidOperationException($"a {Type} value is not a funcref");

    /// <summary>The referenced object (null for a null externref).</summary>
    public object? AsExtern() => IsExternRef ? _ref : throw new InvalidOperationException($"a {Type} value is not an externref");

    public bool IsNull => Type.IsRef && _ref is null;

    bool IsFuncRef => Type.IsRef && (Type.Heap == HeapType.Func || Type.Heap == HeapType.NoFunc || Type.Heap.IsConcrete);
    bool IsExternRef => Type.IsRef && (Type.Heap == HeapType.Extern || Type.Heap == HeapType.NoExtern);

    /// <summary>The raw reference object (Func or externref object) for the runtime.</summary>
    internal object? Reference => _ref;
    internal ulong Low => _lo;
    internal ulong High => _hi;

    ulong Bits(ValKind kind) =>
        Type.Kind == kind ? _lo : throw new InvalidOperationException($"a {Type} value is not {kind.ToString().ToLowerInvariant()}");

    public static implicit operator Value(int v) => I32(v);
    public static implicit operator Value(long v) => I64(v);
    public static implicit operator Value(float v) => F32(v);
    public static implicit operator Value(double v) => F64(v);

    /// <summary>Same type and the same bits (numbers compare bitwise, so NaNs with equal payloads are equal); references by identity.</summary>
    public bool Equals(Value other) => Type == other.Type && _lo == other._lo && _hi == other._hi && ReferenceEquals(_ref, other._ref);
    public override bool Equals(object? obj) => obj is Value v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Type, _lo, _hi, _ref);
    public static bool operator ==(Value a, Value b) => a.Equals(b);
    public static bool operator !=(Value a, Value b) => !a.Equals(b);

    public override string ToString() => Type.Kind switch
    {
        ValKind.I32 => "i32:" + AsI32().ToString(CultureInfo.InvariantCulture),
        ValKind.I64 => "i64:" + AsI64().ToString(CultureInfo.InvariantCulture),
        ValKind.F32 => "f32:" + AsF32().ToString("R", CultureInfo.InvariantCulture),
        ValKind.F64 => "f64:" + AsF64().ToString("R", CultureInfo.InvariantCulture),
        ValKind.V128 => $"v128:0x{_hi:x16}{_lo:x16}",
        _ => $"{Type}:{(_ref is null ? "null" : _ref.ToString())}",
    };
}
