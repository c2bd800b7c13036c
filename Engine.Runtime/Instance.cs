using System.Runtime.InteropServices;
using Hoist.Runtime.Instantiation;
using Hoist.Runtime.Linking;
using Hoist.Runtime.Values;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// An instance of a module in a store: its native VMContext (laid out per the module's <see cref="VmOffsets"/>)
/// and the functions, tables, memories and globals of its index spaces. Made by <see cref="Linker.Instantiate"/>
/// or <see cref="Create"/>; lives as long as its store.
/// </summary>
/// <remarks>
/// Native layout: the VMContext is preceded by a runtime-private 16-byte header whose last word (at
/// <c>vmctx - 8</c>) is the GCHandle of this object, so builtins find the instance of any VMContext without
/// knowing its module's layout. Compiled code never reads below the VMContext.
/// </remarks>
public sealed unsafe partial class Instance
{
    internal const int HeaderSize = 16;
    readonly Dictionary<string, Extern> _exports = new(StringComparer.Ordinal);

    internal Instance(Store store, Module module)
    {
        Store = store;
        Module = module;
        Code = module.AcquireCode();
        store.HoldCode(Code);
        store.AddInstance(this);
        VmContext = store.AllocateNative(HeaderSize + module.Offsets.Size) + HeaderSize;
        nint handle = store.AllocateHandle(this);
        *(nint*)(VmContext - 8) = handle;
        VmOffsets o = module.Offsets;
        *(nint*)(VmContext + o.StoreContext) = store.Context;
        *(nint*)(VmContext + o.Builtins) = Builtins.BuiltinTable.Address;
        *(nint*)(VmContext + o.InstanceHandle) = handle;
        WasmModule m = module.Wasm;
        Functions = new Func?[m.FunctionTypeIndices.Length];
        Memories = new Memory[m.MemoryTypes.Length];
        Tables = new Table[m.TableTypes.Length];
        Globals = new Global[m.GlobalTypes.Length];
        Tags = new Tag[m.TagTypes.Length];
        ElementSegments = new ulong[m.Elements.Count][];
        DataSegments = new ReadOnlyMemory<byte>[m.Data.Count];
    }

    /// <summary>Instantiates <paramref name="module"/> with imports given in the module's import order.</summary>
    public static Instance Create(Store store, Module module, params Extern[] imports) => Instantiator.Instantiate(store, module, imports);

    public Store Store { get; }
    public Module Module { get; }

    internal ModuleCode Code { get; }
    internal nint VmContext { get; }
    internal VmOffsets Offsets => Module.Offsets;

    // The index spaces (imports first). Functions are made on demand from their funcrefs.
    internal Func?[] Functions { get; }
    internal Memory[] Memories { get; }
    internal Table[] Tables { get; }
    internal Global[] Globals { get; }
    internal Tag[] Tags { get; }

    /// <summary>The items of each element segment as raw references; empty once dropped.</summary>
    internal ulong[][] ElementSegments { get; }

    /// <summary>The bytes of each data segment; empty once dropped.</summary>
    internal ReadOnlyMemory<byte>[] DataSegments { get; }

    /// <summary>The instance of a VMContext (see the header in the remarks).</summary>
    internal static Instance FromVmContext(nint vmctx) => (Instance)GCHandle.FromIntPtr(*(nint*)(vmctx - 8)).Target!;

    /// <summary>The VMFuncRef* of function <paramref name="index"/> (what ref.func yields).</summary>
    internal nint FuncRefOf(uint index)
    {
        VmOffsets o = Offsets;
        return index < (uint)o.ImportedFunctions
            ? *(nint*)(VmContext + o.ImportedFunction(index) + VmOffsets.ImportedFunctionFuncRef)
            : VmContext + o.FuncRef(index);
    }

    internal Func Function(uint index) => Functions[index] ??= Store.FuncFromRef(FuncRefOf(index))!;

    internal void AddExport(string name, Extern e) => _exports.Add(name, e);

    /// <summary>The exports by name.</summary>
    public IReadOnlyDictionary<string, Extern> Exports => _exports;

    public Extern? GetExport(string name) => _exports.GetValueOrDefault(name);

    /// <summary>The exported function <paramref name="name"/>; throws <see cref="ArgumentException"/> if there is none.</summary>
    public Func GetFunc(string name) => Get<Func>(name);
    public Memory GetMemory(string name) => Get<Memory>(name);
    public Table GetTable(string name) => Get<Table>(name);
    public Global GetGlobal(string name) => Get<Global>(name);
    public Tag GetTag(string name) => Get<Tag>(name);

    T Get<T>(string name) where T : Extern => _exports.GetValueOrDefault(name) switch
    {
        T t => t,
        null => throw new ArgumentException($"the instance has no export \"{name}\"", nameof(name)),
        var other => throw new ArgumentException($"the export \"{name}\" is a {other.Kind.ToString().ToLowerInvariant()}, not a {typeof(T).Name.ToLowerInvariant()}", nameof(name)),
    };
}
