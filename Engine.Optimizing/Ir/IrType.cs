namespace Hoist.Optimizing.Ir;

/// <summary>
/// The type of an IR value. Wasm's numeric types map one to one; references (funcref as a
/// <c>VMFuncRef*</c>, externref as a u64 handle) and every address are <see cref="I64"/>.
/// <see cref="Invalid"/> (0) marks "no type": an instruction without a controlling type, a free value.
/// </summary>
public enum IrType : byte { Invalid = 0, I32, I64, F32, F64 }

public static class IrTypes
{
    public static bool IsInt(this IrType t) => t is IrType.I32 or IrType.I64;
    public static bool IsFloat(this IrType t) => t is IrType.F32 or IrType.F64;

    /// <summary>Width in bits (0 for <see cref="IrType.Invalid"/>).</summary>
    public static int Bits(this IrType t) => t switch { IrType.I32 or IrType.F32 => 32, IrType.I64 or IrType.F64 => 64, _ => 0 };

    public static int Bytes(this IrType t) => t.Bits() / 8;

    /// <summary>The text-form name: i32, i64, f32, f64.</summary>
    public static string Name(this IrType t) => t switch
    {
        IrType.I32 => "i32", IrType.I64 => "i64", IrType.F32 => "f32", IrType.F64 => "f64", _ => "invalid",
    };

    public static bool TryParse(ReadOnlySpan<char> s, out IrType t)
    {
        t = s switch { "i32" => IrType.I32, "i64" => IrType.I64, "f32" => IrType.F32, "f64" => IrType.F64, _ => IrType.Invalid };
        return t != IrType.Invalid;
    }

    /// <summary>Whether <paramref name="t"/> satisfies <paramref name="c"/> (<see cref="TypeConstraint.Ctrl"/> is the caller's to resolve).</summary>
    public static bool Satisfies(this IrType t, TypeConstraint c) => c switch
    {
        TypeConstraint.I32 => t == IrType.I32,
        TypeConstraint.I64 => t == IrType.I64,
        TypeConstraint.F32 => t == IrType.F32,
        TypeConstraint.F64 => t == IrType.F64,
        TypeConstraint.Int => t.IsInt(),
        TypeConstraint.Float => t.IsFloat(),
        TypeConstraint.Any => t != IrType.Invalid,
        _ => false,
    };

    /// <summary>The one type a concrete constraint names, else <see cref="IrType.Invalid"/>.</summary>
    public static IrType Concrete(this TypeConstraint c) => c switch
    {
        TypeConstraint.I32 => IrType.I32, TypeConstraint.I64 => IrType.I64,
        TypeConstraint.F32 => IrType.F32, TypeConstraint.F64 => IrType.F64,
        _ => IrType.Invalid,
    };
}
