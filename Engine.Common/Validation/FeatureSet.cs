namespace Hoist.Wasm.Validation;

/// <summary>
/// The set of proposals (<see cref="Feature"/>) a validator accepts. Operators are gated by
/// <see cref="OpcodeInfo.RequiredFeature"/>; a few module-level constructs (shared memories, GC
/// types, tags) are gated by the feature that introduced them. <see cref="Default"/> is all of
/// Wasm 3.0 plus legacy exceptions; threads and wide arithmetic are opt-in.
/// </summary>
public readonly record struct FeatureSet(uint Mask)
{
    /// <summary>Every feature Hoist knows.</summary>
    public static FeatureSet All { get; } = new((1u << (int)Feature.Widearith + 1) - 1);

    public static FeatureSet Default { get; } = All.Without(Feature.Threads).Without(Feature.Widearith);

    /// <summary>The MVP only (Wasm 1.0 as first published).</summary>
    public static FeatureSet Mvp { get; } = new(1u << (int)Feature.Mvp);

    public bool Has(Feature f) => (Mask & (1u << (int)f)) != 0;

    public FeatureSet With(Feature f) => new(Mask | (1u << (int)f));

    public FeatureSet Without(Feature f) => new(Mask & ~(1u << (int)f));

    public override string ToString()
    {
        var names = new List<string>();
        for (var f = Feature.Mvp; f <= Feature.Widearith; f++) if (Has(f)) names.Add(f.ToString().ToLowerInvariant());
        return string.Join(",", names);
    }
}
