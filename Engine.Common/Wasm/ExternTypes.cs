namespace Hoist.Wasm;

/// <summary>The kind of an import or export.</summary>
public enum ExternKind : byte { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 }

/// <summary>
/// Limits of a memory or table. <see cref="Is64"/> selects the i64 address type (memory64/table64).
/// <see cref="PageSizeLog2"/> is 16 unless the custom-page-sizes proposal says otherwise.
/// </summary>
public readonly record struct Limits(ulong Min, ulong? Max, bool Is64 = false, bool Shared = false, int PageSizeLog2 = 16)
{
    public ValType AddressType => Is64 ? ValType.I64 : ValType.I32;
}

public readonly record struct MemoryType(Limits Limits);

public readonly record struct TableType(ValType Element, Limits Limits);

public readonly record struct GlobalType(ValType Type, bool Mutable);

/// <summary>An exception tag: its attribute (0, exception) and the index of its function type.</summary>
public readonly record struct TagType(uint TypeIndex, byte Attribute = 0);

/// <summary>What an import declares: exactly one of the fields is meaningful, chosen by <see cref="Kind"/>.</summary>
public readonly record struct ImportDesc(ExternKind Kind, uint TypeIndex = 0, TableType Table = default, MemoryType Memory = default, GlobalType Global = default)
{
    public static ImportDesc ForFunc(uint typeIndex) => new(ExternKind.Func, TypeIndex: typeIndex);
    public static ImportDesc ForTable(TableType t) => new(ExternKind.Table, Table: t);
    public static ImportDesc ForMemory(MemoryType m) => new(ExternKind.Memory, Memory: m);
    public static ImportDesc ForGlobal(GlobalType g) => new(ExternKind.Global, Global: g);
    public static ImportDesc ForTag(TagType t) => new(ExternKind.Tag, TypeIndex: t.TypeIndex);
}
