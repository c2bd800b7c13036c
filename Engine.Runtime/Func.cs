using Hoist.Runtime.Host;
using Hoist.Runtime.Values;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// A function of a store: defined by an instance's module or by the host. Calls from .NET go through the
/// engine's entry trampoline for the function's type; a trap throws <see cref="TrapException"/>.
/// </summary>
/// <remarks>
/// A Func is a view of a native VMFuncRef (entry point, canonical type id, VMContext); the store maps every
/// funcref back to one Func object, so funcref values compare by identity. <see cref="Type"/> is the
/// canonical type: concrete reference types in it are canonical ids of the engine's registry.
/// </remarks>
public sealed unsafe partial class Func : Extern
{
    nint _entry;

    internal Func(Store store, nint funcRef, int typeId) : base(store)
    {
        FuncRef = funcRef;
        TypeId = typeId;
        Type = store.Engine.FuncTypeOf(typeId);
    }

    /// <summary>A host function taking and returning untyped values (checked against <paramref name="type"/> on every call).</summary>
    public static Func FromCallback(Store store, FuncType type, Func<Value[], Value[]> callback) =>
        store.Bind(HostFunctions.Untyped(store.Engine, type, callback));

    public override ExternKind Kind => ExternKind.Func;

    public FuncType Type { get; }

    /// <summary>The engine-wide canonical type id.</summary>
    internal int TypeId { get; }

    /// <summary>The VMFuncRef* native code uses for this function.</summary>
    internal nint FuncRef { get; }   // read only with the store's Context, which checks that it is alive

    /// <summary>Calls the function with untyped arguments (checked against <see cref="Type"/>).</summary>
    public Value[] Invoke(params Value[] args)
    {
        FuncType t = Type;
        if (args.Length != t.Params.Length)
            throw new ArgumentException($"the function takes {t.Params.Length} arguments, not {args.Length}", nameof(args));
        int n = Math.Max(t.Params.Length, t.Results.Length);
        Span<ValueSlot> slots = n <= 16 ? stackalloc ValueSlot[16] : new ValueSlot[n];
        for (int i = 0; i < args.Length; i++) slots[i] = Store.ToSlot(args[i], t.Params[i]);
        Call(slots);
        var results = new Value[t.Results.Length];
        for (int i = 0; i < results.Length; i++) results[i] = Store.FromSlot(slots[i], t.Results[i]);
        return results;
    }

    /// <summary>
    /// Calls with the arguments in <paramref name="slots"/> (at least max(params, results) of them); the
    /// results replace them. Throws <see cref="TrapException"/> when the code traps.
    /// </summary>
    internal void Call(Span<ValueSlot> slots)
    {
        Store store = Store;
        nint context = store.Context;
        nint entry = _entry != 0 ? _entry : (_entry = store.Engine.Trampolines.Entry(TypeId, Type));
        store.PrepareEntry();
        int status;
        fixed (ValueSlot* p = slots)
        {
            var trampoline = (delegate* unmanaged<nint, nint, nint, nint, nint, int>)entry;
            status = trampoline(*(nint*)(FuncRef + VmFuncRef.VmContext), 0, (nint)p,
                *(nint*)(FuncRef + VmFuncRef.Code), context);
        }
        GC.KeepAlive(this);
        if (status != 0) throw store.TakeTrap();
    }

    void CheckArity(int parameters, int results)
    {
        if (Type.Params.Length != parameters || Type.Results.Length != results)
            throw new ArgumentException($"the function's type {Type} has {Type.Params.Length} parameters and {Type.Results.Length} results, not {parameters} and {results}");
    }

    void CheckType<T>(ValType wasm, string what)
    {
        if (!TypedSlots.Matches<T>(Store, wasm))
            throw new ArgumentException($"{typeof(T).Name} cannot stand for {wasm}, the {what} of {Type}");
    }

    public override string ToString() => $"func {Type}";
}
