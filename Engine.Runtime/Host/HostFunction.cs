using Hoist.Runtime.Values;
using Hoist.Wasm;

namespace Hoist.Runtime.Host;

/// <summary>
/// The body of a host function: reads the arguments from the value slots and writes the results back into
/// the same slots (slot i = parameter i on entry, result i on return). Exceptions become traps.
/// </summary>
internal delegate void HostCallback(Store store, Span<ValueSlot> slots);

/// <summary>
/// A host function definition, independent of any store: its type (with abstract reference types only),
/// canonical in the engine's registry, and its body. A store binds it to a native block the first time it
/// is used there (<see cref="Store.Bind"/>).
/// </summary>
internal sealed class HostFunction
{
    public HostFunction(Engine engine, FuncType type, HostCallback callback)
    {
        Engine = engine;
        Type = type;
        TypeId = engine.CanonicalFuncType(type);
        Callback = callback;
        SlotCount = Math.Max(type.Params.Length, type.Results.Length);
    }

    public Engine Engine { get; }
    public FuncType Type { get; }
    public int TypeId { get; }
    public HostCallback Callback { get; }

    /// <summary>The number of value slots a call uses: max(parameters, results).</summary>
    public int SlotCount { get; }
}

/// <summary>A host function bound to a store: what the dispatcher finds through the native block's handle.</summary>
internal sealed record HostBinding(Store Store, HostFunction Function);
