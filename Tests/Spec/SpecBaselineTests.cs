using Hoist.Runtime;
using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>The spec suite on the Baseline tier (default configuration: guard pages on linux-x64), "baseline" rows.</summary>
public class SpecBaselineTests() : SpecExecutionTests("baseline", s_runner)
{
    static readonly WastRunner s_runner = new(new WastOptions { ValidateOnly = false, Config = new Config { Strategy = Strategy.Baseline } });
}
