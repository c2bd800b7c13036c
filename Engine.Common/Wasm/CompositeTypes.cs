namespace Hoist.Wasm;

/// <summary>A field of a struct or the element of an array: a storage type (value or packed) and mutability.</summary>
public readonly record struct FieldType(ValType Storage, bool Mutable);

/// <summary>The structure of a defined type: a function, struct or array type.</summary>
public abstract class CompositeType
{
    public abstract CompositeKind Kind { get; }
}

public enum CompositeKind : byte { Func, Struct, Array }

public sealed class FuncType(ValType[] parameters, ValType[] results) : CompositeType
{
    public ValType[] Params { get; } = parameters;
    public ValType[] Results { get; } = results;
    public override CompositeKind Kind => CompositeKind.Func;

    public bool SignatureEquals(FuncType other) =>
        Params.AsSpan().SequenceEqual(other.Params) && Results.AsSpan().SequenceEqual(other.Results);

    public override string ToString() =>
        $"(func (param {string.Join(' ', Params)}) (result {string.Join(' ', Results)}))";
}

public sealed class StructType(FieldType[] fields) : CompositeType
{
    public FieldType[] Fields { get; } = fields;
    public override CompositeKind Kind => CompositeKind.Struct;
}

public sealed class ArrayType(FieldType element) : CompositeType
{
    public FieldType Element { get; } = element;
    public override CompositeKind Kind => CompositeKind.Array;
}

/// <summary>
/// A defined type: its composite structure, whether it is final, and its declared supertypes
/// (at most one in Wasm 3.0; the list form is the binary format's). A plain <c>(func ...)</c> type
/// is final with no supertypes.
/// </summary>
public sealed class SubType(bool final, uint[] supertypes, CompositeType composite)
{
    public bool Final { get; } = final;
    public uint[] Supertypes { get; } = supertypes;
    public CompositeType Composite { get; } = composite;

    /// <summary>The index of this type's recursion group in <see cref="WasmModule.RecGroups"/>.</summary>
    public int RecGroup { get; set; }

    public FuncType? AsFunc => Composite as FuncType;
    public StructType? AsStruct => Composite as StructType;
    public ArrayType? AsArray => Composite as ArrayType;
}

/// <summary>A recursion group: the types <c>[Start, Start + Count)</c> of the module's type index space.</summary>
public readonly record struct RecGroup(int Start, int Count, bool Explicit);
