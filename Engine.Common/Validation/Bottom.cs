namespace Hoist.Wasm.Validation;

/// <summary>
/// The validator's bottom types, which only exist on the operand stack of unreachable code: the
/// bottom value type (an operand popped from an empty polymorphic stack, a subtype of every value
/// type) and the bottom heap type (the heap type of a reference whose type is unknown there, e.g.
/// after <c>unreachable ref.as_non_null</c>). Neither can be written in a module; compilers see
/// them only through <see cref="FuncValidator.Peek"/> in code that is never executed.
/// </summary>
public static class Bottom
{
    /// <summary>The bottom value type.</summary>
    public static readonly ValType Value = new((ValKind)0xFF);

    /// <summary>The bottom heap type (a code no abstract or concrete heap type uses).</summary>
    public static readonly HeapType Heap = new(-0x40);

    public static bool IsBottom(this ValType t) => t.Kind == (ValKind)0xFF;

    public static bool IsBottom(this HeapType h) => h.Code == -0x40;
}
