namespace Hoist.Runtime;

/// <summary>
/// Something an instance can import or export: a <see cref="Func"/>, <see cref="Memory"/>, <see cref="Table"/>
/// or <see cref="Global"/>. Every extern belongs to one <see cref="Store"/> and is only usable with it.
/// </summary>
public abstract class Extern
{
    private protected Extern(Store store) => Store = store;

    public Store Store { get; }

    /// <summary>The kind of extern, for messages and matching.</summary>
    public abstract Hoist.Wasm.ExternKind Kind { get; }
}
