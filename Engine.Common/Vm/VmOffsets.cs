using Hoist.Wasm;

namespace Hoist.Vm;

/// <summary>The regions of a VMContext, in layout order. <see cref="VmOffsets.Layout"/> is the one table that sizes them.</summary>
public enum VmRegion
{
    /// <summary>Memories the instance defines, inline: { byte* base; u64 length_in_bytes }.</summary>
    DefinedMemories,
    /// <summary>Memories it imports: a pointer to the exporter's { base, length } definition.</summary>
    ImportedMemories,
    /// <summary>Fixed runtime fields: see <see cref="VmOffsets.StoreContext"/> and the others after it.</summary>
    Runtime,
    /// <summary>Imported functions: { code*; VMContext* callee; VMFuncRef* funcref }.</summary>
    ImportedFunctions,
    /// <summary>Tables it defines, inline: { element* base; u64 length_in_elements }.</summary>
    DefinedTables,
    /// <summary>Tables it imports: a pointer to the exporter's table definition.</summary>
    ImportedTables,
    /// <summary>Globals it defines: a 16-byte cell each (v128 needs 16).</summary>
    DefinedGlobals,
    /// <summary>Globals it imports: a pointer to the exporter's 16-byte cell.</summary>
    ImportedGlobals,
    /// <summary>Tags (defined and imported, by tag index): a pointer identifying the tag.</summary>
    Tags,
    /// <summary>A VMFuncRef { code*; u64 type_id; VMContext* } for each function the module defines.</summary>
    FuncRefs,
    /// <summary>The engine-wide canonical type id of each of the module's type indices, a u32 each.</summary>
    TypeIds,
}

/// <summary>
/// The layout of one module's VMContext: the native block, one per instance, through which
/// compiled code reaches everything it touches. Computed once per module, here only, and used by
/// both compilers and the runtime. Invariants:
/// <list type="bullet">
/// <item>Regions come in <see cref="VmRegion"/> order; memories first, so memory 0's base and length
///   fit an 8-bit displacement from r14.</item>
/// <item>Every region starts 8-aligned (globals 16-aligned); the whole block is 16-aligned in size.</item>
/// <item>The runtime fields sit at fixed offsets after the memories, so with at most a few memories
///   the store-context pointer (read in every prologue) also fits an 8-bit displacement.</item>
/// </list>
/// </summary>
public sealed class VmOffsets
{
    /// <summary>Bytes of each entry, and the alignment of each region: the single source of truth for sizes.</summary>
    static readonly (VmRegion Region, int EntrySize, int Align)[] s_entries =
    [
        (VmRegion.DefinedMemories, 16, 8),
        (VmRegion.ImportedMemories, 8, 8),
        (VmRegion.Runtime, RuntimeFieldsSize, 8),
        (VmRegion.ImportedFunctions, 24, 8),
        (VmRegion.DefinedTables, 16, 8),
        (VmRegion.ImportedTables, 8, 8),
        (VmRegion.DefinedGlobals, 16, 16),
        (VmRegion.ImportedGlobals, 8, 8),
        (VmRegion.Tags, 8, 8),
        (VmRegion.FuncRefs, VmFuncRef.Size, 8),
        (VmRegion.TypeIds, 4, 4),
    ];

    // The runtime fields, in order, relative to the start of the Runtime region.
    const int RuntimeStoreContext = 0;     // VMStoreContext*: stack limit, trap record, fuel, epoch
    const int RuntimeBuiltins = 8;         // void** table of runtime entry points (memory.grow, table ops, ...)
    const int RuntimeInstanceHandle = 16;  // u64 handle of the managed Instance (GCHandle)
    const int RuntimeFieldsSize = 24;

    readonly int[] _start = new int[s_entries.Length];
    readonly int[] _count = new int[s_entries.Length];

    public VmOffsets(WasmModule module)
    {
        _count[(int)VmRegion.DefinedMemories] = module.Memories.Count;
        _count[(int)VmRegion.ImportedMemories] = module.ImportedMemoryCount;
        _count[(int)VmRegion.Runtime] = 1;
        _count[(int)VmRegion.ImportedFunctions] = module.ImportedFunctionCount;
        _count[(int)VmRegion.DefinedTables] = module.Tables.Count;
        _count[(int)VmRegion.ImportedTables] = module.ImportedTableCount;
        _count[(int)VmRegion.DefinedGlobals] = module.Globals.Count;
        _count[(int)VmRegion.ImportedGlobals] = module.ImportedGlobalCount;
        _count[(int)VmRegion.Tags] = module.TagTypes.Length;
        _count[(int)VmRegion.FuncRefs] = module.Functions.Count;
        _count[(int)VmRegion.TypeIds] = module.Types.Count;
        ImportedMemories = module.ImportedMemoryCount;
        ImportedFunctions = module.ImportedFunctionCount;
        ImportedTables = module.ImportedTableCount;
        ImportedGlobals = module.ImportedGlobalCount;

        int offset = 0;
        for (int i = 0; i < s_entries.Length; i++)
        {
            offset = AlignUp(offset, s_entries[i].Align);
            _start[i] = offset;
            offset += s_entries[i].EntrySize * _count[i];
        }
        Size = AlignUp(offset, 16);
    }

    public int ImportedMemories { get; }
    public int ImportedFunctions { get; }
    public int ImportedTables { get; }
    public int ImportedGlobals { get; }

    /// <summary>Total size in bytes of the VMContext.</summary>
    public int Size { get; }

    public int RegionStart(VmRegion r) => _start[(int)r];
    public int RegionCount(VmRegion r) => _count[(int)r];

    int Entry(VmRegion r, int index)
    {
        if ((uint)index >= (uint)_count[(int)r]) throw new ArgumentOutOfRangeException(nameof(index), $"{r} has {_count[(int)r]} entries");
        return _start[(int)r] + index * s_entries[(int)r].EntrySize;
    }

    /// <summary>Offset of the VMStoreContext pointer (see <see cref="VmStoreContext"/>).</summary>
    public int StoreContext => _start[(int)VmRegion.Runtime] + RuntimeStoreContext;
    public int Builtins => _start[(int)VmRegion.Runtime] + RuntimeBuiltins;
    public int InstanceHandle => _start[(int)VmRegion.Runtime] + RuntimeInstanceHandle;

    /// <summary>
    /// Where memory <paramref name="memoryIndex"/> (in the module's index space) is described: inline
    /// ({base, length} at Offset) for a defined memory, or through a pointer at Offset for an imported one.
    /// </summary>
    public (bool Indirect, int Offset) Memory(uint memoryIndex) =>
        memoryIndex < ImportedMemories
            ? (true, Entry(VmRegion.ImportedMemories, (int)memoryIndex))
            : (false, Entry(VmRegion.DefinedMemories, (int)memoryIndex - ImportedMemories));

    /// <summary>Like <see cref="Memory"/>, for tables ({base, length in elements}).</summary>
    public (bool Indirect, int Offset) Table(uint tableIndex) =>
        tableIndex < ImportedTables
            ? (true, Entry(VmRegion.ImportedTables, (int)tableIndex))
            : (false, Entry(VmRegion.DefinedTables, (int)tableIndex - ImportedTables));

    /// <summary>Like <see cref="Memory"/>, for globals (a 16-byte cell).</summary>
    public (bool Indirect, int Offset) Global(uint globalIndex) =>
        globalIndex < ImportedGlobals
            ? (true, Entry(VmRegion.ImportedGlobals, (int)globalIndex))
            : (false, Entry(VmRegion.DefinedGlobals, (int)globalIndex - ImportedGlobals));

    /// <summary>Offset of the { code*, VMContext*, VMFuncRef* } entry of an imported function.</summary>
    public int ImportedFunction(uint funcIndex) => Entry(VmRegion.ImportedFunctions, (int)funcIndex);

    /// <summary>Offset of the VMFuncRef of a function the module defines (by function index).</summary>
    public int FuncRef(uint funcIndex) => Entry(VmRegion.FuncRefs, (int)funcIndex - ImportedFunctions);

    public int Tag(uint tagIndex) => Entry(VmRegion.Tags, (int)tagIndex);

    public int TypeId(uint typeIndex) => Entry(VmRegion.TypeIds, (int)typeIndex);

    static int AlignUp(int v, int a) => (v + a - 1) & ~(a - 1);

    // Field offsets inside the inline records.
    public const int MemoryBase = 0;
    public const int MemoryLength = 8;
    public const int TableBase = 0;
    public const int TableLength = 8;
    public const int ImportedFunctionCode = 0;
    public const int ImportedFunctionVmContext = 8;
    public const int ImportedFunctionFuncRef = 16;
}

/// <summary>
/// A function reference as compiled code sees it (what funcref table elements and ref.func values point
/// to; null is 0): the entry point, the engine-wide canonical type id for call_indirect checks, and the
/// VMContext to call it with.
/// </summary>
public static class VmFuncRef
{
    public const int Code = 0;
    public const int TypeId = 8;
    public const int VmContext = 16;
    public const int Size = 24;
}

/// <summary>
/// The per-store block of runtime state that every instance's VMContext points to (one store runs on
/// one thread at a time). The prologue's stack check reads <see cref="StackLimit"/>; the trap path
/// writes the trap record and unwinds to <see cref="EntryStackPointer"/>.
/// </summary>
public static class VmStoreContext
{
    /// <summary>Lowest rsp wasm may use; set by the outermost entry from Config.MaxWasmStack.</summary>
    public const int StackLimit = 0;
    /// <summary>rsp saved by the innermost entry trampoline, where a trap unwinds to.</summary>
    public const int EntryStackPointer = 8;
    /// <summary>The TrapCode of the last trap (u32).</summary>
    public const int TrapCode = 16;
    /// <summary>The pc and frame pointer where the last trap happened, for the backtrace.</summary>
    public const int TrapPc = 24;
    public const int TrapFramePointer = 32;
    /// <summary>Remaining fuel (i64, counts down), when fuel metering is on.</summary>
    public const int Fuel = 40;
    /// <summary>The epoch deadline (u64), when epoch interruption is on.</summary>
    public const int EpochDeadline = 48;
    /// <summary>Pointer to the engine's current epoch counter (u64*).</summary>
    public const int EpochCounter = 56;
    /// <summary>Frame pointer and pc of the last exit from wasm to the host, for backtraces across host calls.</summary>
    public const int LastExitFramePointer = 64;
    public const int LastExitPc = 72;
    public const int Size = 80;
}
