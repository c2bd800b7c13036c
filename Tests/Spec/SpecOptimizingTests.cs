using Hoist.Runtime;
using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>The spec suite on the Optimizing tier (default configuration: guard pages on linux-x64), "optimizing" rows.</summary>
public class SpecOptimizingTests() : SpecExecutionTests("optimizing", s_runner)
{
    static readonly WastRunner s_runner = new(new WastOptions { ValidateOnly = false, Config = new Config { Strategy = Strategy.Optimizing } });
}
