using Hoist.Wasm;

namespace Hoist.Optimizing;

/// <summary>
/// A valid module uses something the optimizing compiler does not compile (SIMD, GC, exceptions,
/// threads: outside its scope), reported at the operator's offset like any other module error.
/// <see cref="Feature"/> names the proposal.
/// </summary>
public sealed class UnsupportedFeatureException(Feature feature, string message, SourceLocation location) : WasmException(message, location)
{
    public Feature Feature { get; } = feature;
}
