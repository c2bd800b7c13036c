using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Hoist.Bench.Common;

/// <summary>
/// A BenchmarkDotNet column with a throughput: the bytes one invocation processes (as the benchmark says
/// through <paramref name="bytes"/>) divided by the mean time, in MB (1e6 bytes) per second. Empty (NA)
/// when the benchmark has no result (a tier that is not available).
/// </summary>
public sealed class MegabytesPerSecondColumn(string name, string legend, Func<BenchmarkCase, long> bytes) : IColumn
{
    public string Id => nameof(MegabytesPerSecondColumn) + "." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is > 0 ? (bytes(benchmarkCase) / 1e6 / (meanNs.Value / 1e9)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "NA";
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
