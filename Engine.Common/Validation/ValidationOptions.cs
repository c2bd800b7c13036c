namespace Hoist.Wasm.Validation;

/// <summary>How <see cref="ModuleValidator"/> validates a module.</summary>
public sealed record ValidationOptions
{
    public static readonly ValidationOptions Default = new();

    /// <summary>The proposals to accept (default: Wasm 3.0 plus legacy exceptions).</summary>
    public FeatureSet Features { get; init; } = FeatureSet.Default;

    /// <summary>The engine's type registry; null gives the module a registry of its own.</summary>
    public TypeRegistry? Registry { get; init; }

    /// <summary>
    /// Validate function bodies on several threads when their code totals at least this many bytes
    /// and the machine has more than one processor; 0 or less never does.
    /// </summary>
    public int ParallelThresholdBytes { get; init; } = 1 << 20;
}
