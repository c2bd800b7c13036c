using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.RegAlloc;

namespace Hoist.Tests.Optimizing.CodeGen;

/// <summary>The linear-scan allocator: every allocation of many random programs passes the checker, under high and normal register pressure.</summary>
public class LinearScanTests
{
    static PReg I(int n) => new(RegClass.Int, (byte)n);
    static PReg F(int n) => new(RegClass.Float, (byte)n);

    /// <summary>Few registers: spills, splits and reloads everywhere.</summary>
    static readonly MachineEnv Tight = new([I(0), I(1), I(2), I(3)], [F(0), F(1), F(2)], new PRegSet(0).With(I(3)));

    /// <summary>An x86-64-like set: 12 integer registers, 15 float registers.</summary>
    static readonly MachineEnv Roomy = new(
        [I(0), I(1), I(2), I(6), I(7), I(8), I(9), I(10), I(3), I(12), I(13), I(15)],
        Enumerable.Range(0, 15).Select(F).ToArray(),
        new PRegSet(0).With(I(3)).With(I(12)).With(I(13)).With(I(15)));

    public static TheoryData<int> Seeds()
    {
        var d = new TheoryData<int>();
        for (int s = 0; s < 40; s++) d.Add(s * 97 + 1);
        return d;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomProgramsAllocateCorrectly(int seed)
    {
        for (int k = 0; k < 10; k++)
        {
            var code = RandomVCode.Generate(seed + k, size: 20 + (seed + k) % 80);
            foreach (var env in new[] { Tight, Roomy })
            {
                var result = LinearScan.Allocate(code, env);
                var errors = Checker.Check(code, result);
                Assert.True(errors.Count == 0, $"seed {seed + k}, {(env == Tight ? "tight" : "roomy")}:\n{string.Join("\n", errors.Take(10))}");
            }
        }
    }

    readonly record struct Toy(string Name);

    [Fact]
    public void LargeRandomProgramsAllocateCorrectly()
    {
        for (int seed = 5000; seed < 5040; seed++)
        {
            var code = RandomVCode.Generate(seed, size: 300);
            foreach (var env in new[] { Tight, Roomy })
            {
                var errors = Checker.Check(code, LinearScan.Allocate(code, env));
                Assert.True(errors.Count == 0, $"seed {seed}:\n{string.Join("\n", errors.Take(10))}");
            }
        }
    }

    [Fact]
    public void TwoAddressChainsAndLoopParametersNeedNoMoves()
    {
        // block0: %0 = args(r7); jump block1(%0)
        // block1(%1): %2 = op2 %1, %1 (reuse); %3 = op2 %2, %2; brif %3 -> block2 | block3
        // block2: jump block1(%3)        block3: ret %3 (r0)
        var code = new VCode<Toy>(4);
        var v = Enumerable.Range(0, 4).Select(_ => code.NewVReg(RegClass.Int)).ToArray();
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(v[0], I(7))]);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[0]]);
        code.StartBlock(1, [v[1]]);
        code.Push(new Toy("op2"), [Operand.Use(v[1]), Operand.Use(v[1]), Operand.ReuseDef(v[2], 0)]);
        code.Push(new Toy("op2"), [Operand.Use(v[2]), Operand.Use(v[2]), Operand.ReuseDef(v[3], 0)]);
        code.Push(new Toy("brif"), [Operand.Use(v[3])]);
        code.EndBlock([2, 3]);
        code.StartBlock(2);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[3]]);
        code.StartBlock(3);
        code.Push(new Toy("ret"), [Operand.FixedUse(v[3], I(0))]);
        code.EndBlock([]);
        var result = LinearScan.Allocate(code, Roomy);
        Assert.Empty(Checker.Check(code, result));
        // The two-address ops take over their inputs' registers: no copies for them.
        Assert.DoesNotContain(result.Edits, e => e.At == ProgPoint.Before(2) || e.At == ProgPoint.Before(3));
        Assert.Equal(0, result.SpillSlots);
    }

    [Fact]
    public void ValuesLiveAcrossACallAvoidClobberedRegisters()
    {
        var code = new VCode<Toy>(1);
        var a = code.NewVReg(RegClass.Int);
        var b = code.NewVReg(RegClass.Int);
        var r = code.NewVReg(RegClass.Int);
        var s = code.NewVReg(RegClass.Int);
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(a, I(7)), Operand.FixedDef(b, I(6))]);
        code.Push(new Toy("call"), [Operand.FixedUse(a, I(7)), Operand.FixedDef(r, I(0))], RandomVCode.CallClobbers);
        code.Push(new Toy("op"), [Operand.Use(b), Operand.Use(r), Operand.Def(s)]);
        code.Push(new Toy("ret"), [Operand.FixedUse(s, I(0))]);
        code.EndBlock([]);
        var result = LinearScan.Allocate(code, Roomy);
        Assert.Empty(Checker.Check(code, result));
        // b stays in a register the call preserves (no spill slot needed).
        var bAtOp = result.Operands[code.OperandStart(2)];
        Assert.Equal(AllocationKind.Reg, bAtOp.Kind);
        Assert.False(RandomVCode.CallClobbers.Contains(bAtOp.Reg));
        Assert.Equal(0, result.SpillSlots);
    }

    [Fact]
    public void CriticalEdgesAreRejected()
    {
        var code = new VCode<Toy>(3);
        var a = code.NewVReg(RegClass.Int);
        var b = code.NewVReg(RegClass.Int);
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(a, I(7)), Operand.FixedDef(b, I(6))]);
        code.Push(new Toy("brif"), [Operand.Use(a)]);
        code.EndBlock([1, 2]);
        code.StartBlock(1);
        code.Push(new Toy("brif"), [Operand.Use(a)]);
        code.EndBlock([2, 1]);
        code.StartBlock(2);
        code.Push(new Toy("ret"), [Operand.FixedUse(b, I(0))]);
        code.EndBlock([]);
        var e = Assert.Throws<InvalidOperationException>(() => LinearScan.Allocate(code, Tight));
        Assert.Contains("critical edge", e.Message);
    }
}
