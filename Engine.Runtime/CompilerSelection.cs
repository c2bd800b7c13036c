using Hoist.Baseline;
using Hoist.Compiler;

namespace Hoist.Runtime;

/// <summary>The one place that maps a <see cref="Strategy"/> to its compiler.</summary>
internal static class CompilerSelection
{
    /// <summary>Fails at once for a strategy that has no compiler, so a bad config is reported when the engine is made.</summary>
    public static void CheckAvailable(Strategy strategy)
    {
        if (strategy == Strategy.Optimizing)
            throw new NotSupportedException(
                "Strategy.Optimizing: the optimizing compiler (Engine.Optimizing) is not implemented yet; " +
                "issue 3 delivers the runtime and the Baseline tier only. Use Strategy.Baseline.");
        if (strategy != Strategy.Baseline) throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown strategy");
    }

    public static ICompiler Create(Strategy strategy)
    {
        CheckAvailable(strategy);
        return new BaselineCompiler();
    }
}
