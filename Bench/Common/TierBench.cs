using BenchmarkDotNet.Attributes;
using Hoist.Runtime;

namespace Hoist.Bench.Common;

/// <summary>
/// A benchmark measured once per Hoist tier. A tier that does not exist yet fails its setup with
/// <see cref="TierNotAvailableException"/> (the reason is in the log), so its rows read NA instead of vanishing.
/// </summary>
public abstract class TierBench
{
    [ParamsAllValues]
    public Strategy Tier { get; set; }

    /// <summary>A new engine for <see cref="Tier"/> (compiling on one thread, as the benchmarks compare one core).</summary>
    protected Engine NewEngine() => Tiers.Engine(Tier, parallelCompilation: false);

    /// <summary>Instantiates WAT text with no imports in a new store of a new engine.</summary>
    protected Instance Instantiate(string wat, out Store store)
    {
        var engine = NewEngine();
        var module = Module.FromText(engine, wat);
        store = new Store(engine);
        return new Linker(engine).Instantiate(store, module);
    }
}
