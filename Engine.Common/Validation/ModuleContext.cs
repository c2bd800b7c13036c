namespace Hoist.Wasm.Validation;

/// <summary>
/// What validating code needs to know about its module: the validated types and every index space
/// (imports first), element segment types, the data count, and which functions may be named by
/// <c>ref.func</c> in function bodies (the spec's C.refs: functions named in exports, element segments
/// and constant expressions). Built by <see cref="ModuleValidator"/>; read-only once module-level
/// validation is over, so <see cref="FuncValidator"/>s on several threads may share one.
/// </summary>
public sealed class ModuleContext
{
    internal readonly uint[] FuncTypes;
    internal readonly TableType[] Tables;
    internal readonly MemoryType[] Memories;
    internal readonly GlobalType[] Globals;
    internal readonly uint[] TagTypes;
    internal readonly ValType[] ElemTypes;
    internal readonly bool[] DeclaredFuncs;

    public WasmModule Module { get; }
    public ModuleTypes Types { get; }
    public FeatureSet Features => Types.Features;
    /// <summary>The data count section's value, or null when the module has none.</summary>
    public uint? DataCount { get; }
    public int ImportedFunctionCount { get; }
    public int ImportedGlobalCount { get; }

    internal ModuleContext(WasmModule module, ModuleTypes types)
    {
        Module = module;
        Types = types;
        FuncTypes = module.FunctionTypeIndices.ToArray();
        Tables = module.TableTypes.ToArray();
        Memories = module.MemoryTypes.ToArray();
        Globals = module.GlobalTypes.ToArray();
        var tags = module.TagTypes;
        TagTypes = new uint[tags.Length];
        for (int i = 0; i < tags.Length; i++) TagTypes[i] = tags[i].TypeIndex;
        ElemTypes = new ValType[module.Elements.Count];
        for (int i = 0; i < ElemTypes.Length; i++) ElemTypes[i] = module.Elements[i].Type;
        DeclaredFuncs = new bool[FuncTypes.Length];
        DataCount = module.DataCount;
        ImportedFunctionCount = module.ImportedFunctionCount;
        ImportedGlobalCount = module.ImportedGlobalCount;
    }

    public int FunctionCount => FuncTypes.Length;
    public int GlobalCount => Globals.Length;

    /// <summary>Type index of function <paramref name="funcIndex"/>.</summary>
    public uint FunctionTypeIndex(uint funcIndex) => FuncTypes[funcIndex];

    public FuncType FunctionType(uint funcIndex) => (FuncType)Types[FuncTypes[funcIndex]].Composite;

    /// <summary>Whether <c>ref.func</c> may name the function in a function body.</summary>
    public bool IsDeclared(uint funcIndex) => funcIndex < (uint)DeclaredFuncs.Length && DeclaredFuncs[funcIndex];

    internal void Declare(uint funcIndex)
    {
        if (funcIndex < (uint)DeclaredFuncs.Length) DeclaredFuncs[funcIndex] = true;
    }
}
