using Hoist.Runtime;

namespace Hoist.Bench.Common;

/// <summary>
/// Which of Hoist's compilers exist in this build. A tier that is not implemented yet (the runtime throws
/// <see cref="NotSupportedException"/> when an engine is made for it) is reported as "not available" with the
/// runtime's reason, never skipped silently: benchmarks that take a tier throw <see cref="TierNotAvailableException"/>
/// from their setup, which BenchmarkDotNet shows as NA, and the comparison tables print "not available".
/// </summary>
public static class Tiers
{
    public static readonly Strategy[] All = Enum.GetValues<Strategy>();

    /// <summary>Null when the tier works, else why not (the runtime's message).</summary>
    public static string? Unavailable(Strategy strategy)
    {
        try
        {
            _ = new Engine(new Config { Strategy = strategy });
            return null;
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }
    }

    /// <summary>An engine for <paramref name="strategy"/>, or <see cref="TierNotAvailableException"/>.</summary>
    public static Engine Engine(Strategy strategy, bool parallelCompilation = true)
    {
        if (Unavailable(strategy) is { } why) throw new TierNotAvailableException(strategy, why);
        return new Engine(new Config { Strategy = strategy, ParallelCompilation = parallelCompilation });
    }

    /// <summary>The tier's name as the command line spells it (<c>--strategy baseline</c>).</summary>
    public static string Name(Strategy strategy) => strategy.ToString().ToLowerInvariant();
}

public sealed class TierNotAvailableException(Strategy strategy, string reason)
    : Exception($"Hoist {Tiers.Name(strategy)}: not available ({reason})")
{
    public Strategy Strategy { get; } = strategy;
}
