using System.Runtime.InteropServices;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// A table of references: native 8-byte elements (funcref: VMFuncRef*, externref: the store's handle; 0 is
/// null). The native definition record { base, length in elements } lives inline in the defining
/// instance's VMContext (or in a block of its own for a table the host creates); importers point to it.
/// Growing may move the elements, so compiled code reads the base from the record at every access.
/// </summary>
public sealed unsafe class Table : Extern
{
    readonly ulong _maxElements;
    readonly Storage _storage = new();
    readonly nint _definition;

    /// <summary>A table created by the host, every element set to <paramref name="init"/>.</summary>
    public Table(Store store, TableType type, Value init)
        : this(store, CheckHostType(type), store.AllocateNative(16), store.ToSlot(init, type.Element).Lo) { }

    /// <summary>A table of canonical type <paramref name="type"/> with its definition record at <paramref name="definition"/>.</summary>
    internal Table(Store store, TableType type, nint definition, ulong init) : base(store)
    {
        Type = type;
        _definition = definition;
        Limits l = type.Limits;
        _maxElements = Math.Min(l.Max ?? ulong.MaxValue, Math.Min(l.Is64 ? ulong.MaxValue : uint.MaxValue, store.Engine.Config.MaxTableElements));
        if (l.Min > _maxElements)
            throw new LinkException($"a table of {l.Min} elements exceeds the engine's limit of {_maxElements}", default);
        store.Own(_storage);
        _storage.Resize(l.Min);
        *(nint*)(definition + VmOffsets.TableBase) = _storage.Base;
        *(ulong*)(definition + VmOffsets.TableLength) = l.Min;
        Elements.Fill(init);
    }

    static TableType CheckHostType(TableType t)
    {
        if (!t.Element.IsRef || t.Element.Heap.IsConcrete) throw new ArgumentException("a host table's element type must be an abstract reference type", nameof(t));
        if (t.Limits.Max is ulong max && max < t.Limits.Min) throw new ArgumentException("the table's maximum is below its minimum", nameof(t));
        return t;
    }

    public override ExternKind Kind => ExternKind.Table;

    /// <summary>The declared type with a canonical element type (its minimum is the initial size).</summary>
    public TableType Type { get; }

    internal nint Definition
    {
        get
        {
            Store.ThrowIfDisposed();
            return _definition;
        }
    }

    /// <summary>The current number of elements.</summary>
    public ulong Size => *(ulong*)(Definition + VmOffsets.TableLength);

    /// <summary>The raw elements (valid until the table grows).</summary>
    internal Span<ulong> Elements => new((void*)*(nint*)(Definition + VmOffsets.TableBase), checked((int)Size));

    public Value Get(ulong index)
    {
        CheckIndex(index);
        return Store.FromSlot(new Values.ValueSlot(Elements[(int)index]), Type.Element);
    }

    public void Set(ulong index, Value value)
    {
        CheckIndex(index);
        Elements[(int)index] = Store.ToSlot(value, Type.Element).Lo;
    }

    void CheckIndex(ulong index)
    {
        if (index >= Size) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside the table of {Size} elements");
    }

    /// <summary>Grows by <paramref name="delta"/> elements set to <paramref name="init"/>; returns the old size, or -1 if it cannot grow.</summary>
    public long Grow(ulong delta, Value init)
    {
        ulong old = GrowRaw(delta, Store.ToSlot(init, Type.Element).Lo);
        return old == ulong.MaxValue ? -1 : (long)old;
    }

    /// <summary>table.grow: the old size, or <see cref="ulong.MaxValue"/> on failure.</summary>
    internal ulong GrowRaw(ulong delta, ulong init)
    {
        ulong old = Size;
        if (delta > _maxElements - old) return ulong.MaxValue;
        ulong size = old + delta;
        if (delta == 0) return old;
        try { _storage.Resize(size); }
        catch (OutOfMemoryException) { return ulong.MaxValue; }
        *(nint*)(Definition + VmOffsets.TableBase) = _storage.Base;
        *(ulong*)(Definition + VmOffsets.TableLength) = size;
        Elements[(int)old..].Fill(init);
        return old;
    }

    public override string ToString() => $"table {Size} x {Type.Element}";

    /// <summary>The native element array, freed with the store.</summary>
    sealed class Storage : IDisposable
    {
        public nint Base;

        public void Resize(ulong elements)
        {
            nuint bytes = (nuint)Math.Max(elements, 1) * 8;
            Base = (nint)NativeMemory.Realloc((void*)Base, bytes);
        }

        public void Dispose()
        {
            NativeMemory.Free((void*)Base);
            Base = 0;
        }
    }
}
