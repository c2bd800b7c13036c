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

    /// <summary>
    /// Parses a comma-separated change list applied to <paramref name="start"/>: <c>name</c> or <c>+name</c>
    /// adds a feature, <c>-name</c> removes it, <c>all</c>, <c>default</c> and <c>mvp</c> replace the set
    /// (<c>default,+threads,-gc</c>). Names are the lower-case <see cref="Feature"/> names. Returns false with
    /// a one-line <paramref name="error"/> naming the bad entry and the known names.
    /// </summary>
    public static bool TryParse(string text, FeatureSet start, out FeatureSet result, out string? error)
    {
        result = start;
        error = null;
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            bool remove = raw[0] == '-';
            string name = raw[0] is '-' or '+' ? raw[1..] : raw;
            switch (name.ToLowerInvariant())
            {
                case "all" when !remove: result = All; continue;
                case "default" when !remove: result = Default; continue;
                case "mvp" when !remove && raw[0] != '+': result = Mvp; continue;
            }
            if (!Enum.TryParse(name, ignoreCase: true, out Feature f) || int.TryParse(name, out _) || f == Feature.Mvp)
            {
                error = $"unknown feature '{raw}' (known: all, default, mvp, {string.Join(", ", KnownNames())})";
                return false;
            }
            result = remove ? result.Without(f) : result.With(f);
        }
        return true;
    }

    static IEnumerable<string> KnownNames()
    {
        for (var f = Feature.Mvp + 1; f <= Feature.Widearith; f++) yield return f.ToString().ToLowerInvariant();
    }

    public override string ToString()
    {
        var names = new List<string>();
        for (var f = Feature.Mvp; f <= Feature.Widearith; f++) if (Has(f)) names.Add(f.ToString().ToLowerInvariant());
        return string.Join(",", names);
    }
}
