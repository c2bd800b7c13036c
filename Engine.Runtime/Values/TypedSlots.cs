using System.Runtime.CompilerServices;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Runtime.Values;

/// <summary>
/// Reads and writes value slots as .NET types without boxing, for typed host functions and typed calls.
/// The supported types and the wasm types they stand for: int/uint = i32, long/ulong = i64, float = f32,
/// double = f64, <see cref="V128"/> = v128, <see cref="Func"/> = funcref (nullable), object = externref
/// (nullable). The <c>typeof</c> tests are constants per instantiation, so the JIT keeps one branch.
/// </summary>
internal static class TypedSlots
{
    /// <summary>The wasm type a .NET type stands for; throws for an unsupported type.</summary>
    public static ValType TypeOf<T>()
    {
        if (typeof(T) == typeof(int) || typeof(T) == typeof(uint)) return ValType.I32;
        if (typeof(T) == typeof(long) || typeof(T) == typeof(ulong)) return ValType.I64;
        if (typeof(T) == typeof(float)) return ValType.F32;
        if (typeof(T) == typeof(double)) return ValType.F64;
        if (typeof(T) == typeof(V128)) return ValType.V128;
        if (typeof(T) == typeof(Func)) return ValType.FuncRef;
        if (typeof(T) == typeof(object)) return ValType.ExternRef;
        throw new NotSupportedException($"{typeof(T)} is not a wasm value type (use int, uint, long, ulong, float, double, V128, Func or object)");
    }

    /// <summary>Whether a typed .NET parameter or result of type <typeparamref name="T"/> can stand for wasm type <paramref name="t"/> (canonical) in <paramref name="store"/>'s engine.</summary>
    public static bool Matches<T>(Store store, ValType t)
    {
        ValType mine = TypeOf<T>();
        if (!mine.IsRef) return mine.Kind == t.Kind;
        return t.IsRef && store.IsFuncHierarchy(t.Heap) == (mine.Heap == HeapType.Func);
    }

    public static T Read<T>(Store store, in ValueSlot s)
    {
        if (typeof(T) == typeof(int) || typeof(T) == typeof(uint)) { uint v = (uint)s.Lo; return Unsafe.As<uint, T>(ref v); }
        if (typeof(T) == typeof(long) || typeof(T) == typeof(ulong)) { ulong v = s.Lo; return Unsafe.As<ulong, T>(ref v); }
        if (typeof(T) == typeof(float)) { float v = BitConverter.UInt32BitsToSingle((uint)s.Lo); return Unsafe.As<float, T>(ref v); }
        if (typeof(T) == typeof(double)) { double v = BitConverter.UInt64BitsToDouble(s.Lo); return Unsafe.As<double, T>(ref v); }
        if (typeof(T) == typeof(V128)) { var v = new V128(s.Lo, s.Hi); return Unsafe.As<V128, T>(ref v); }
        if (typeof(T) == typeof(Func)) return (T)(object)store.FuncFromRef((nint)s.Lo)!;
        return (T)store.ExternObject(s.Lo)!;
    }

    /// <summary>Writes <paramref name="value"/>, checked against the canonical wasm type <paramref name="expected"/> (references only: numbers were matched by type).</summary>
    public static void Write<T>(Store store, ref ValueSlot s, T value, ValType expected)
    {
        if (typeof(T) == typeof(int) || typeof(T) == typeof(uint)) { s = new ValueSlot(Unsafe.As<T, uint>(ref value)); return; }
        if (typeof(T) == typeof(long) || typeof(T) == typeof(ulong)) { s = new ValueSlot(Unsafe.As<T, ulong>(ref value)); return; }
        if (typeof(T) == typeof(float)) { s = new ValueSlot(BitConverter.SingleToUInt32Bits(Unsafe.As<T, float>(ref value))); return; }
        if (typeof(T) == typeof(double)) { s = new ValueSlot(BitConverter.DoubleToUInt64Bits(Unsafe.As<T, double>(ref value))); return; }
        if (typeof(T) == typeof(V128)) { V128 v = Unsafe.As<T, V128>(ref value); s = new ValueSlot(v.Low, v.High); return; }
        s = new ValueSlot(store.RefToRaw(value, typeof(T) == typeof(Func), expected));
    }
}
