using Hoist.Baseline;
using Hoist.Compiler;
using Hoist.Optimizing;

namespace Hoist.Runtime;

/// <summary>The one place that maps a <see cref="Strategy"/> to its compiler.</summary>
internal static class CompilerSelection
{
    /// <summary>Fails at once for a strategy that has no compiler, so a bad config is reported when the engine is made.</summary>
    public static void CheckAvailable(Strategy strategy)
    {
        if (strategy is not (Strategy.Baseline or Strategy.Optimizing))
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown strategy");
    }

    public static ICompiler Create(Strategy strategy)
    {
        CheckAvailable(strategy);
        return strategy == Strategy.Optimizing ? new OptimizingCompiler() : new BaselineCompiler();
    }
}
