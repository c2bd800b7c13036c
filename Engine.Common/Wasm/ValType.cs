namespace Hoist.Wasm;

/// <summary>The kind of a value type. <see cref="I8"/> and <see cref="I16"/> are packed storage types of GC fields only.</summary>
public enum ValKind : byte { I32, I64, F32, F64, V128, Ref, I8, I16 }

/// <summary>
/// A heap type: an abstract heap type (negative <see cref="Code"/>, equal to the signed LEB128 value of
/// its binary encoding, e.g. func = 0x70 → -0x10) or a concrete type index (<see cref="Code"/> ≥ 0)
/// into the defining module's type section.
/// </summary>
public readonly record struct HeapType(int Code)
{
    public static readonly HeapType Func = new(-0x10);      // 0x70
    public static readonly HeapType Extern = new(-0x11);    // 0x6F
    public static readonly HeapType Any = new(-0x12);       // 0x6E
    public static readonly HeapType Eq = new(-0x13);        // 0x6D
    public static readonly HeapType I31 = new(-0x14);       // 0x6C
    public static readonly HeapType Struct = new(-0x15);    // 0x6B
    public static readonly HeapType Array = new(-0x16);     // 0x6A
    public static readonly HeapType Exn = new(-0x17);       // 0x69
    public static readonly HeapType NoExn = new(-0x0C);     // 0x74
    public static readonly HeapType NoFunc = new(-0x0D);    // 0x73
    public static readonly HeapType NoExtern = new(-0x0E);  // 0x72
    public static readonly HeapType None = new(-0x0F);      // 0x71

    public bool IsConcrete => Code >= 0;
    public bool IsAbstract => Code < 0;
    public uint TypeIndex => IsConcrete ? (uint)Code : throw new InvalidOperationException("abstract heap type has no index");
    public static HeapType Concrete(uint typeIndex) => new(checked((int)typeIndex));

    /// <summary>True for the codes of the twelve abstract heap types of Wasm 3.0.</summary>
    public static bool IsAbstractCode(int code) => code is >= -0x17 and <= -0x0C;

    /// <summary>The binary byte of an abstract heap type (0x69..0x74).</summary>
    public byte AbstractByte => IsAbstract ? (byte)(Code + 0x80) : throw new InvalidOperationException("concrete heap type");

    /// <summary>The text-format keyword of an abstract heap type.</summary>
    public string? AbstractName => Code switch
    {
        -0x10 => "func", -0x11 => "extern", -0x12 => "any", -0x13 => "eq", -0x14 => "i31", -0x15 => "struct",
        -0x16 => "array", -0x17 => "exn", -0x0C => "noexn", -0x0D => "nofunc", -0x0E => "noextern", -0x0F => "none",
        _ => null,
    };

    public override string ToString() => AbstractName ?? Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A value type (or a packed storage type). Reference types carry nullability and a heap type.
/// Equality is structural on the module-relative form; equivalence of concrete types across
/// rec groups and modules is decided by the validator's type canonicalisation, not by this struct.
/// </summary>
public readonly record struct ValType(ValKind Kind, bool Nullable = false, HeapType Heap = default)
{
    public static readonly ValType I32 = new(ValKind.I32);
    public static readonly ValType I64 = new(ValKind.I64);
    public static readonly ValType F32 = new(ValKind.F32);
    public static readonly ValType F64 = new(ValKind.F64);
    public static readonly ValType V128 = new(ValKind.V128);
    public static readonly ValType I8 = new(ValKind.I8);
    public static readonly ValType I16 = new(ValKind.I16);
    public static readonly ValType FuncRef = Ref(HeapType.Func, nullable: true);
    public static readonly ValType ExternRef = Ref(HeapType.Extern, nullable: true);
    public static readonly ValType AnyRef = Ref(HeapType.Any, nullable: true);
    public static readonly ValType ExnRef = Ref(HeapType.Exn, nullable: true);

    public static ValType Ref(HeapType heap, bool nullable) => new(ValKind.Ref, nullable, heap);

    public bool IsRef => Kind == ValKind.Ref;
    public bool IsNumeric => Kind is ValKind.I32 or ValKind.I64 or ValKind.F32 or ValKind.F64;
    public bool IsPacked => Kind is ValKind.I8 or ValKind.I16;

    /// <summary>True if a default value exists (numeric, vector, or nullable reference), as locals and array.new_default need.</summary>
    public bool IsDefaultable => !IsRef || Nullable;

    /// <summary>The unpacked value type a packed storage type reads as (i8/i16 → i32).</summary>
    public ValType Unpacked => IsPacked ? I32 : this;

    /// <summary>Width in bytes in a struct or array field.</summary>
    public int StorageSize => Kind switch
    {
        ValKind.I8 => 1, ValKind.I16 => 2, ValKind.I32 or ValKind.F32 => 4, ValKind.V128 => 16, _ => 8,
    };

    public override string ToString() => Kind switch
    {
        ValKind.I32 => "i32", ValKind.I64 => "i64", ValKind.F32 => "f32", ValKind.F64 => "f64",
        ValKind.V128 => "v128", ValKind.I8 => "i8", ValKind.I16 => "i16",
        _ when Nullable && Heap.IsAbstract => Heap.AbstractName + "ref",
        _ => Nullable ? $"(ref null {Heap})" : $"(ref {Heap})",
    };
}
