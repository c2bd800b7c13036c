using Hoist.Runtime.Values;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// A global: a native 16-byte cell (see <see cref="ValueSlot"/> for the encoding), inline in the defining
/// instance's VMContext or in a block of its own for a global the host creates; importers point to it.
/// </summary>
public sealed unsafe class Global : Extern
{
    /// <summary>A global created by the host. Its type may use abstract reference types only.</summary>
    public Global(Store store, GlobalType type, Value value) : this(store, CheckHostType(type), store.AllocateNative(16))
    {
        *(ValueSlot*)Cell = store.ToSlot(value, type.Type);
    }

    /// <summary>A global of canonical type <paramref name="type"/> whose cell is at <paramref name="cell"/>.</summary>
    internal Global(Store store, GlobalType type, nint cell) : base(store)
    {
        Type = type;
        _cell = cell;
    }

    static GlobalType CheckHostType(GlobalType t) =>
        t.Type.IsRef && t.Type.Heap.IsConcrete ? throw new ArgumentException("a host global's type must not name a concrete type", nameof(t)) : t;

    public override ExternKind Kind => ExternKind.Global;

    /// <summary>The type, canonical (concrete heap types are canonical ids).</summary>
    public GlobalType Type { get; }

    readonly nint _cell;

    internal nint Cell
    {
        get
        {
            Store.ThrowIfDisposed();
            return _cell;
        }
    }

    /// <summary>The current value; setting an immutable global throws <see cref="InvalidOperationException"/>.</summary>
    public Value Value
    {
        get => Store.FromSlot(*(ValueSlot*)Cell, Type.Type);
        set
        {
            if (!Type.Mutable) throw new InvalidOperationException("the global is immutable");
            *(ValueSlot*)Cell = Store.ToSlot(value, Type.Type);
        }
    }

    public override string ToString() => $"global {Type}";
}
