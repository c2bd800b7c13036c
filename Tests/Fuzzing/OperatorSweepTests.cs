using Hoist.Runtime.Fuzzing;
using Hoist.Wasm;

namespace Hoist.Tests.Fuzzing;

/// <summary>The operator sweep: every numeric operator and every load and store, constant and not, agree and obey the spec.</summary>
public class OperatorSweepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void EveryOperatorAgreesWithItselfTheOtherTiersAndV8()
    {
        var report = OperatorSweep.Run(new FuzzSettings { Seed = 3, Iterations = 8 });
        output.WriteLine(report.Summary());
        Assert.True(report.Failures == 0, report.Summary() + string.Join('\n', report.Findings.Select(f => f.Divergence.Detail)));
        int memoryOps = OperatorCatalog.Stores.Length + new[] { ValKind.I32, ValKind.I64, ValKind.F32, ValKind.F64 }.Sum(k => OperatorCatalog.Loads(k).Length);
        Assert.Equal(OperatorSweep.Operators.Count + 2 * memoryOps, report.Modules);
        Assert.True(OperatorSweep.Operators.Count > 120, $"{OperatorSweep.Operators.Count} operators");
        Assert.True(report.Calls > 50_000 && report.Returns < report.Calls, $"{report.Calls} calls, {report.Returns} returned");
    }

    [Theory]
    [InlineData(0x7FC0_0000u, 0xFFC0_0000u, null)]                   // canonical in, canonical out (either sign)
    [InlineData(0x7FC0_0000u, 0x7FC0_0001u, "a NaN result of canonical operands is not canonical")]
    [InlineData(0x7FA0_0000u, 0x7FE0_0000u, null)]                   // a payload in: any arithmetic NaN out
    [InlineData(0x7FA0_0000u, 0x7FA0_0000u, "a NaN result is not an arithmetic NaN")]
    [InlineData(0x3F80_0000u, 0x3F80_0000u, null)]                   // not a NaN: nothing to check
    public void TheSpecsNanRulesAreChecked(uint operand, uint result, string? broken) =>
        Assert.Equal(broken, OperatorSweep.NanRuleBroken([operand], [ValType.F32], FuzzValue.Number(ValKind.F32, result)));
}
