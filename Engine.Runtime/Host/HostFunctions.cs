using Hoist.Wasm;

namespace Hoist.Runtime.Host;

/// <summary>Host functions from .NET delegates: the untyped form here, the typed ones in HostFunctions.Typed.cs.</summary>
internal static partial class HostFunctions
{
    /// <summary>
    /// A host function over <see cref="Value"/> arrays: the arguments arrive as values of the parameter types;
    /// the returned values must match the result types in number and type, or the call traps (host error).
    /// </summary>
    public static HostFunction Untyped(Engine engine, FuncType type, Func<Value[], Value[]> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new HostFunction(engine, type, (store, slots) =>
        {
            var args = new Value[type.Params.Length];
            for (int i = 0; i < args.Length; i++) args[i] = store.FromSlot(slots[i], type.Params[i]);
            Value[] results = callback(args) ?? [];
            if (results.Length != type.Results.Length)
                throw new InvalidOperationException($"the host function returned {results.Length} values for {type.Results.Length} results");
            for (int i = 0; i < results.Length; i++) slots[i] = store.ToSlot(results[i], type.Results[i]);
        });
    }
}
