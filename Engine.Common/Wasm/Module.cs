namespace Hoist.Wasm;

/// <summary>
/// A constant expression: its instructions in binary form, ending with <c>end</c>, and the byte
/// offset in the module where they start (for error messages; -1 when not from a binary).
/// </summary>
public readonly record struct ConstExpr(ReadOnlyMemory<byte> Code, int Offset = -1);

public sealed record Import(string Module, string Name, ImportDesc Desc);

public sealed record Export(string Name, ExternKind Kind, uint Index);

/// <summary>A table defined by the module, with its optional initialiser (function-references).</summary>
public sealed record TableDef(TableType Type, ConstExpr? Init);

public sealed record GlobalDef(GlobalType Type, ConstExpr Init);

/// <summary>A run of <see cref="Count"/> locals of one type, as the binary format declares them.</summary>
public readonly record struct LocalGroup(uint Count, ValType Type);

/// <summary>
/// A function body: its local declarations and its instructions (the expression, ending in
/// <c>end</c>). <see cref="BodyOffset"/> is the module offset of the first instruction byte, so
/// operator offsets are <c>BodyOffset + position in Code</c>.
/// </summary>
public sealed record FunctionBody(LocalGroup[] Locals, ReadOnlyMemory<byte> Code, int BodyOffset = -1);

public enum SegmentMode : byte { Active, Passive, Declarative }

/// <summary>
/// An element segment. Items are either plain function indices (<see cref="FuncIndices"/>, the
/// binary format's flag forms 0..3) or constant expressions (<see cref="Exprs"/>, forms 4..7).
/// </summary>
public sealed record ElementSegment(SegmentMode Mode, ValType Type, uint TableIndex, ConstExpr? Offset, uint[]? FuncIndices, ConstExpr[]? Exprs)
{
    public int Count => FuncIndices?.Length ?? Exprs!.Length;
}

public sealed record DataSegment(SegmentMode Mode, uint MemoryIndex, ConstExpr? Offset, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// A custom section kept as bytes. <see cref="After"/> is the id of the known section it followed
/// (0 when it came before every known section), so the encoder can put it back in place.
/// </summary>
public sealed record CustomSection(string Name, ReadOnlyMemory<byte> Data, byte After = 0);

/// <summary>The parts of the name section Hoist uses: module, function and local names.</summary>
public sealed class NameSection
{
    public string? ModuleName { get; set; }
    public Dictionary<uint, string> FunctionNames { get; } = new();
    public Dictionary<uint, Dictionary<uint, string>> LocalNames { get; } = new();
}

/// <summary>
/// A decoded (or parsed) WebAssembly module. Every index space lists imports first, then the
/// module's own definitions, as the spec defines them; the helpers below give both views.
/// Both the binary decoder and the text parser produce this model; the encoder writes it back.
/// </summary>
public sealed class WasmModule
{
    /// <summary>All defined types in type-index order (flattened across rec groups).</summary>
    public List<SubType> Types { get; } = new();
    public List<RecGroup> RecGroups { get; } = new();
    public List<Import> Imports { get; } = new();
    /// <summary>Type index of each function the module defines (not imported).</summary>
    public List<uint> Functions { get; } = new();
    public List<TableDef> Tables { get; } = new();
    public List<MemoryType> Memories { get; } = new();
    public List<GlobalDef> Globals { get; } = new();
    public List<TagType> Tags { get; } = new();
    public List<Export> Exports { get; } = new();
    public uint? Start { get; set; }
    public List<ElementSegment> Elements { get; } = new();
    /// <summary>The data count section's value, when present.</summary>
    public uint? DataCount { get; set; }
    public List<FunctionBody> Code { get; } = new();
    public List<DataSegment> Data { get; } = new();
    public NameSection? Names { get; set; }
    public List<CustomSection> CustomSections { get; } = new();
    /// <summary>For a module parsed from text: where each instruction came from (null otherwise).</summary>
    public TextSourceMap? TextSource { get; set; }

    // ---- Index spaces (imports first). Computed on demand; call InvalidateIndexSpaces after edits.

    uint[]? _funcTypes;
    TableType[]? _tableTypes;
    MemoryType[]? _memoryTypes;
    GlobalType[]? _globalTypes;
    TagType[]? _tagTypes;
    int _importedFuncs = -1, _importedTables, _importedMemories, _importedGlobals, _importedTags;

    public int ImportedFunctionCount { get { EnsureIndexSpaces(); return _importedFuncs; } }
    public int ImportedTableCount { get { EnsureIndexSpaces(); return _importedTables; } }
    public int ImportedMemoryCount { get { EnsureIndexSpaces(); return _importedMemories; } }
    public int ImportedGlobalCount { get { EnsureIndexSpaces(); return _importedGlobals; } }
    public int ImportedTagCount { get { EnsureIndexSpaces(); return _importedTags; } }

    /// <summary>Type index of every function, imported and defined, by function index.</summary>
    public ReadOnlySpan<uint> FunctionTypeIndices { get { EnsureIndexSpaces(); return _funcTypes; } }
    public ReadOnlySpan<TableType> TableTypes { get { EnsureIndexSpaces(); return _tableTypes; } }
    public ReadOnlySpan<MemoryType> MemoryTypes { get { EnsureIndexSpaces(); return _memoryTypes; } }
    public ReadOnlySpan<GlobalType> GlobalTypes { get { EnsureIndexSpaces(); return _globalTypes; } }
    public ReadOnlySpan<TagType> TagTypes { get { EnsureIndexSpaces(); return _tagTypes; } }

    /// <summary>The function type of function <paramref name="funcIndex"/> (the caller checks bounds).</summary>
    public FuncType FunctionType(uint funcIndex) => (FuncType)Types[(int)FunctionTypeIndices[(int)funcIndex]].Composite;

    public void InvalidateIndexSpaces() => _importedFuncs = -1;

    void EnsureIndexSpaces()
    {
        if (_importedFuncs >= 0) return;
        var funcs = new List<uint>(); var tables = new List<TableType>(); var mems = new List<MemoryType>();
        var globals = new List<GlobalType>(); var tags = new List<TagType>();
        foreach (var imp in Imports)
        {
            switch (imp.Desc.Kind)
            {
                case ExternKind.Func: funcs.Add(imp.Desc.TypeIndex); break;
                case ExternKind.Table: tables.Add(imp.Desc.Table); break;
                case ExternKind.Memory: mems.Add(imp.Desc.Memory); break;
                case ExternKind.Global: globals.Add(imp.Desc.Global); break;
                case ExternKind.Tag: tags.Add(new TagType(imp.Desc.TypeIndex)); break;
            }
        }
        _importedTables = tables.Count; _importedMemories = mems.Count; _importedGlobals = globals.Count; _importedTags = tags.Count;
        int importedFuncs = funcs.Count;
        funcs.AddRange(Functions);
        foreach (var t in Tables) tables.Add(t.Type);
        mems.AddRange(Memories);
        foreach (var g in Globals) globals.Add(g.Type);
        tags.AddRange(Tags);
        _funcTypes = funcs.ToArray(); _tableTypes = tables.ToArray(); _memoryTypes = mems.ToArray();
        _globalTypes = globals.ToArray(); _tagTypes = tags.ToArray();
        _importedFuncs = importedFuncs;
    }

    /// <summary>The function's name from the name section, if it has one.</summary>
    public string? FunctionName(uint funcIndex) =>
        Names is not null && Names.FunctionNames.TryGetValue(funcIndex, out var n) ? n : null;
}
