using System.CommandLine;
using Hoist.Runtime;

namespace Hoist.Cli.Commands;

/// <summary><c>--strategy baseline|optimizing</c>, shared by every command that compiles.</summary>
public static class StrategyOption
{
    public static Option<Strategy> Create() => new("--strategy")
    {
        Description = "which compiler to use: baseline or optimizing",
        DefaultValueFactory = _ => new Config().Strategy,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Enum.TryParse<Strategy>(text, ignoreCase: true, out var s) && !int.TryParse(text, out _)) return s;
            result.AddError($"--strategy must be baseline or optimizing, not '{text}'");
            return default;
        },
    };
}
