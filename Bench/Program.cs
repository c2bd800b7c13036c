using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Hoist.Bench;

/// <summary>
/// Benchmarks (see the README's "Benchmarks" section):
/// <list type="bullet">
/// <item><c>quick</c>: front-end decode + validate MB/s in seconds (<see cref="FrontEnd.QuickFrontEnd"/>).</item>
/// <item><c>compile [--hoist-only] [--json FILE] [--warmup S] [--runs N]</c>: compile time of big.wasm on each
/// Hoist tier next to V8 Liftoff and TurboFan (<see cref="Compile.QuickCompile"/>); compare.sh uses it.</item>
/// <item><c>compile-stages [--warmup S] [--runs N] [FILE]</c>: the optimizing tier's compile time and allocations
/// stage by stage (<see cref="Compile.StageBreakdown"/>).</item>
/// <item>anything else goes to BenchmarkDotNet, e.g. <c>--filter '*HotLoop*'</c> or <c>--filter '*' --job short</c>.</item>
/// </list>
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["quick", ..])
        {
            FrontEnd.QuickFrontEnd.Run();
            return;
        }
        if (args is ["compile-stages", .. var stageArgs])
        {
            Compile.StageBreakdown.Run(stageArgs);
            return;
        }
        if (args is ["compile", .. var rest])
        {
            Compile.QuickCompile.Run(rest);
            return;
        }
        // Median and minimum beside the mean: on a shared, loaded machine the minimum is the least disturbed run.
        var config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
