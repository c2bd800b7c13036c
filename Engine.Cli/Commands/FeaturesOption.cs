using System.CommandLine;
using Hoist.Runtime;
using Hoist.Wasm.Validation;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>--features LIST</c>, shared by every command that loads modules: a comma-separated change list applied
/// to the default set (<see cref="FeatureSet.TryParse"/>), e.g. <c>--features +threads,-gc</c>.
/// </summary>
public static class FeaturesOption
{
    public static Option<FeatureSet> Create() => new("--features")
    {
        Description = "enable (+name) or disable (-name) proposals, comma-separated, starting from the default set "
            + "(all of Wasm 3.0); also all, default, mvp",
        HelpName = "LIST",
        DefaultValueFactory = _ => new Config().Features,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (FeatureSet.TryParse(text, new Config().Features, out var set, out string? error)) return set;
            result.AddError("--features: " + error);
            return default;
        },
    };
}
