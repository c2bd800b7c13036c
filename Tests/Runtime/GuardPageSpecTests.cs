using Hoist.Runtime;
using Hoist.Runtime.Wast;
using Hoist.Tests.Spec;

namespace Hoist.Tests.Runtime;

/// <summary>
/// The spec suite on the Baseline tier with explicit bounds checks (<see cref="Config.GuardPages"/> off).
/// <see cref="SpecBaselineTests"/> runs it with the default configuration, guard pages on linux-x64, so
/// both ways of trapping out-of-bounds accesses meet the same expected-failure table.
/// </summary>
public class GuardPageSpecTests() : SpecExecutionTests("baseline", s_explicit)
{
    static readonly WastRunner s_explicit = new(new WastOptions
    {
        ValidateOnly = false,
        Config = new Config { Strategy = Strategy.Baseline, GuardPages = false },
    });
}
