using Hoist.Runtime.Host;
using Hoist.Runtime.Instantiation;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// Resolves a module's imports by (module, name) and instantiates it. Definitions are externs of a store
/// (<see cref="Define"/>, <see cref="DefineInstance"/>) or host functions, which belong to no store and are
/// bound to the store an instantiation uses (<see cref="DefineFunction(string, string, FuncType, Func{Value[], Value[]})"/>
/// and the typed overloads). A linker is not thread-safe while it is being defined; instantiating from
/// several threads afterwards is safe as long as each store is used by one thread.
/// </summary>
public sealed partial class Linker(Engine engine)
{
    readonly Dictionary<(string Module, string Name), object> _items = [];

    public Engine Engine { get; } = engine;

    /// <summary>Whether a definition may replace an earlier one of the same name (otherwise that is an error).</summary>
    public bool AllowShadowing { get; set; }

    /// <summary>Defines <paramref name="module"/>::<paramref name="name"/> as an extern of some store.</summary>
    public Linker Define(string module, string name, Extern item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!ReferenceEquals(item.Store.Engine, Engine)) throw new ArgumentException("the extern belongs to another engine", nameof(item));
        return Add(module, name, item);
    }

    /// <summary>Defines a host function over untyped values (see <see cref="Func.FromCallback"/>).</summary>
    public Linker DefineFunction(string module, string name, FuncType type, Func<Value[], Value[]> callback) =>
        Define(module, name, HostFunctions.Untyped(Engine, type, callback));

    /// <summary>Defines every export of <paramref name="instance"/> under the module name <paramref name="module"/>.</summary>
    public Linker DefineInstance(string module, Instance instance)
    {
        foreach (var (name, item) in instance.Exports) Define(module, name, item);
        return this;
    }

    internal Linker Define(string module, string name, HostFunction host) => Add(module, name, host);

    Linker Add(string module, string name, object item)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        if (!AllowShadowing && _items.ContainsKey((module, name)))
            throw new ArgumentException($"{module}::{name} is already defined (set AllowShadowing to replace it)");
        _items[(module, name)] = item;
        return this;
    }

    /// <summary>The definition of <paramref name="module"/>::<paramref name="name"/> as an extern of <paramref name="store"/>, or null.</summary>
    public Extern? Get(Store store, string module, string name) => _items.GetValueOrDefault((module, name)) switch
    {
        Extern e => e,
        HostFunction h => store.Bind(h),
        _ => null,
    };

    /// <summary>
    /// Instantiates <paramref name="module"/> in <paramref name="store"/> with its imports resolved here.
    /// Throws <see cref="LinkException"/> ("unknown import", "incompatible import type") or, when the start
    /// function or a segment traps, <see cref="TrapException"/>.
    /// </summary>
    public Instance Instantiate(Store store, Module module)
    {
        var imports = new Extern[module.Wasm.Imports.Count];
        for (int i = 0; i < imports.Length; i++)
        {
            Import imp = module.Wasm.Imports[i];
            imports[i] = Get(store, imp.Module, imp.Name)
                ?? throw new LinkException($"{LinkException.UnknownImport}: {imp.Module}::{imp.Name}", new SourceLocation(module.File));
        }
        return Instantiator.Instantiate(store, module, imports);
    }
}
