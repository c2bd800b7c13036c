using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// The type of an import or export, as a module declares it: exactly one of the type fields is set,
/// chosen by <see cref="Kind"/>. Concrete reference types name the declaring module's type indices.
/// </summary>
public sealed record ExternType(ExternKind Kind, FuncType? Func = null, TableType? Table = null, MemoryType? Memory = null,
    GlobalType? Global = null, TagType? Tag = null)
{
    internal static ExternType Of(WasmModule module, ExternKind kind, uint index) => kind switch
    {
        ExternKind.Func => new(kind, Func: module.FunctionType(index)),
        ExternKind.Table => new(kind, Table: module.TableTypes[(int)index]),
        ExternKind.Memory => new(kind, Memory: module.MemoryTypes[(int)index]),
        ExternKind.Global => new(kind, Global: module.GlobalTypes[(int)index]),
        _ => new(kind, Tag: module.TagTypes[(int)index]),
    };

    internal static ExternType Of(WasmModule module, ImportDesc d) => d.Kind switch
    {
        ExternKind.Func => new(d.Kind, Func: (FuncType)module.Types[(int)d.TypeIndex].Composite),
        ExternKind.Table => new(d.Kind, Table: d.Table),
        ExternKind.Memory => new(d.Kind, Memory: d.Memory),
        ExternKind.Global => new(d.Kind, Global: d.Global),
        _ => new(d.Kind, Tag: new TagType(d.TypeIndex)),
    };

    public override string ToString() => Kind switch
    {
        ExternKind.Func => $"func {Func}",
        ExternKind.Table => $"table {Table}",
        ExternKind.Memory => $"memory {Memory}",
        ExternKind.Global => $"global {Global}",
        _ => $"tag {Tag}",
    };
}

/// <summary>One import of a module: where it comes from and what it must be.</summary>
public sealed record ImportType(string Module, string Name, ExternType Type);

/// <summary>One export of a module.</summary>
public sealed record ExportType(string Name, ExternType Type);
