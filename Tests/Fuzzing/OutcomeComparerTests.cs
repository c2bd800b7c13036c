using Hoist.Runtime.Fuzzing;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Fuzzing;

/// <summary>How two runs are compared: bit for bit, except where a target cannot say more (V8's NaNs and trap messages).</summary>
public class OutcomeComparerTests
{
    static RunOutcome Run(string target, params StepOutcome[] calls) =>
        new(target, [StepOutcome.Success("compile"), StepOutcome.Success("instantiate"), .. calls],
            new FinalState([FuzzValue.Number(ValKind.I32, 7)], [new MemoryImage(1, "ab")], [new TableImage([0, -1])]));

    static StepOutcome Returned(params FuzzValue[] values) => StepOutcome.Success("f0()", values);

    static StepOutcome Trapped(TrapCode code) => new("f0()", StepKind.Trapped, [], code, code.Message());

    static readonly FuzzValue Nan = FuzzValue.Number(ValKind.F32, 0x7FC0_0000);
    static readonly FuzzValue NegativeNan = FuzzValue.Number(ValKind.F32, 0xFFC0_0000);

    [Fact]
    public void IdenticalRunsAgree() =>
        Assert.Null(OutcomeComparer.Compare(Run("a", Returned(Nan), Trapped(TrapCode.Unreachable)), Run("b", Returned(Nan), Trapped(TrapCode.Unreachable))));

    [Fact]
    public void NanBitsDifferOnlyWhereTheTargetCannotReportThem()
    {
        var a = Run("a", Returned(Nan));
        var b = Run("b", Returned(NegativeNan));
        Assert.Equal("a/b: call results differ", OutcomeComparer.Compare(a, b)!.Signature);
        Assert.Null(OutcomeComparer.Compare(a, b, exactNans: false));
        Assert.NotNull(OutcomeComparer.Compare(a, Run("b", Returned(FuzzValue.Number(ValKind.F32, 0))), exactNans: false));
    }

    [Fact]
    public void TrapCodesMustMatchAndV8MessagesMatchTheirCodes()
    {
        Assert.Equal("a/b: call trap IntegerOverflow vs BadConversionToInteger",
            OutcomeComparer.Compare(Run("a", Trapped(TrapCode.IntegerOverflow)), Run("b", Trapped(TrapCode.BadConversionToInteger)))!.Signature);
        var v8 = Run("v8", new StepOutcome("f0()", StepKind.Trapped, [], Detail: "float unrepresentable in integer range"));
        Assert.Null(OutcomeComparer.Compare(Run("a", Trapped(TrapCode.BadConversionToInteger)), v8));
        Assert.Null(OutcomeComparer.Compare(Run("a", Trapped(TrapCode.IntegerOverflow)), v8));
        Assert.NotNull(OutcomeComparer.Compare(Run("a", Trapped(TrapCode.Unreachable)), v8));
    }

    [Fact]
    public void AReturnAgainstATrapIsADivergence() =>
        Assert.Equal("a/b: call Ok vs Trapped", OutcomeComparer.Compare(Run("a", Returned()), Run("b", Trapped(TrapCode.Unreachable)))!.Signature);

    [Fact]
    public void TheFinalStateIsCompared()
    {
        var a = Run("a");
        var b = a with { Target = "b", Final = a.Final! with { Memories = [new MemoryImage(1, "cd")] } };
        Assert.Equal("a/b: final memory differs", OutcomeComparer.Compare(a, b)!.Signature);
        var c = a with { Target = "b", Final = a.Final! with { Tables = [new TableImage([0, 1])] } };
        Assert.Equal("a/b: final table differs", OutcomeComparer.Compare(a, c)!.Signature);
    }

    [Fact]
    public void ACrashIsAFailureOnItsOwn()
    {
        var run = Run("a", new StepOutcome("f0()", StepKind.Crashed, [], Detail: "NullReferenceException: boom\n   at X"));
        Assert.Equal("a: crash NullReferenceException at call", OutcomeComparer.Check(run)!.Signature);
        Assert.Null(OutcomeComparer.Check(Run("a", Trapped(TrapCode.Unreachable))));
    }
}
