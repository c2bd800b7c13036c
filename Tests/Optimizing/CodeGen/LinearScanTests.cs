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
    public void ATerminatorMayDefineOnlyByReuse()
    {
        // A br_table-like terminator with a temporary of its own: the allocator could give it a register that a value
        // live into a successor still holds (big.wasm's f117 was miscompiled so), so VCode refuses it; a reuse def is fine.
        var code = new VCode<Toy>(2);
        var index = code.NewVReg(RegClass.Int);
        var temp = code.NewVReg(RegClass.Int);
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(index, I(7))]);
        code.Push(new Toy("br_table"), [Operand.Use(index), Operand.Def(temp)]);
        var e = Assert.Throws<InvalidOperationException>(() => code.EndBlock([1]));
        Assert.Contains("terminator defines", e.Message);

        var ok = new VCode<Toy>(2);
        var index2 = ok.NewVReg(RegClass.Int);
        var temp2 = ok.NewVReg(RegClass.Int);
        ok.StartBlock(0);
        ok.Push(new Toy("args"), [Operand.FixedDef(index2, I(7))]);
        ok.Push(new Toy("br_table"), [Operand.Use(index2), Operand.ReuseDef(temp2, 0)]);
        ok.EndBlock([1]);
        ok.StartBlock(1);
        ok.Push(new Toy("ret"), []);
        ok.EndBlock([]);
        Assert.True(ok.IsComplete);
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

    /// <summary>Only caller-saved registers: every value live across a call must leave its register there.</summary>
    static readonly MachineEnv CallerSavedOnly = new([I(0), I(1), I(2), I(6), I(7)], [F(0), F(1)], PRegSet.Empty);

    /// <summary>The moves the allocation inserts in the given blocks.</summary>
    static List<Edit> EditsIn<T>(VCode<T> code, RegAllocOutput result, params int[] blocks) where T : struct =>
        result.Edits.Where(e => blocks.Any(b => code.InstRange(b).Start <= e.At.Inst && e.At.Inst < code.InstRange(b).End)).ToList();

    /// <summary>
    /// A loop whose cold path calls out: the values the loop uses keep their registers on the hot path and across
    /// the back edge; only the path through the call stores and reloads them.
    /// </summary>
    [Fact]
    public void ACallOnAColdPathOfALoopCostsNothingOnTheHotPath()
    {
        // block0: %0, %1 = args; jump block1(%0)
        // block1(%2): %3 = op %2, %1; brif %3 -> block2 | block3
        // block2 (hot): jump block4              block3 (cold): %4 = call; jump block4
        // block4: %5 = op %2; brif %5 -> block5 | block6
        // block5: jump block1(%5)                block6: ret %1
        var code = new VCode<Toy>(7);
        var v = Enumerable.Range(0, 6).Select(_ => code.NewVReg(RegClass.Int)).ToArray();
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(v[0], I(7)), Operand.FixedDef(v[1], I(6))]);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[0]]);
        code.StartBlock(1, [v[2]]);
        code.Push(new Toy("op"), [Operand.Use(v[2]), Operand.Use(v[1]), Operand.Def(v[3])]);
        code.Push(new Toy("brif"), [Operand.Use(v[3])]);
        code.EndBlock([2, 3]);
        code.StartBlock(2);
        code.Push(new Toy("jump"), []);
        code.EndBlock([4]);
        code.StartBlock(3);
        code.Push(new Toy("call"), [Operand.FixedDef(v[4], I(0))], RandomVCode.CallClobbers);
        code.Push(new Toy("jump"), []);
        code.EndBlock([4]);
        code.StartBlock(4);
        code.Push(new Toy("op"), [Operand.Use(v[2]), Operand.Def(v[5])]);
        code.Push(new Toy("brif"), [Operand.Use(v[5])]);
        code.EndBlock([5, 6]);
        code.StartBlock(5);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[5]]);
        code.StartBlock(6);
        code.Push(new Toy("ret"), [Operand.FixedUse(v[1], I(0))]);
        code.EndBlock([]);
        var result = LinearScan.Allocate(code, CallerSavedOnly);
        Assert.Empty(Checker.Check(code, result));
        Assert.Empty(EditsIn(code, result, 1, 2, 4, 5));
        // The cold path reloads the two values live across the call; it stores only the one defined in the loop.
        var cold = EditsIn(code, result, 3);
        Assert.Equal(2, cold.Count(e => e.From.Kind == AllocationKind.Stack && e.To.Kind == AllocationKind.Reg));
        Assert.Equal(1, cold.Count(e => e.To.Kind == AllocationKind.Stack));
        // The value defined before the loop is stored once, where it is defined.
        Assert.Single(EditsIn(code, result, 0), e => e.To.Kind == AllocationKind.Stack && e.At == ProgPoint.AfterInst(0));
    }

    /// <summary>
    /// A value live through a loop that calls out on every iteration, not used in the loop: stored once before the
    /// loop (or kept in its slot), never stored and reloaded on each iteration.
    /// </summary>
    [Fact]
    public void AValueUnusedInALoopLeavesItsRegisterBeforeTheLoop()
    {
        // block0: %0, %1 = args; %6 = op %1; jump block1(%0)
        // block1(%2): %7 = op %2; %3 = call %7; %4 = op %3; brif %4 -> block2 | block3
        // block2: jump block1(%4)               block3: ret %1
        var code = new VCode<Toy>(4);
        var v = Enumerable.Range(0, 8).Select(_ => code.NewVReg(RegClass.Int)).ToArray();
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(v[0], I(7)), Operand.FixedDef(v[1], I(6))]);
        code.Push(new Toy("op"), [Operand.Use(v[1]), Operand.Def(v[6])]);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[0]]);
        code.StartBlock(1, [v[2]]);
        code.Push(new Toy("op"), [Operand.Use(v[2]), Operand.Def(v[7])]);
        code.Push(new Toy("call"), [Operand.FixedUse(v[7], I(7)), Operand.FixedDef(v[3], I(0))], RandomVCode.CallClobbers);
        code.Push(new Toy("op"), [Operand.Use(v[3]), Operand.Def(v[4])]);
        code.Push(new Toy("brif"), [Operand.Use(v[4])]);
        code.EndBlock([2, 3]);
        code.StartBlock(2);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[4]]);
        code.StartBlock(3);
        code.Push(new Toy("ret"), [Operand.FixedUse(v[1], I(0))]);
        code.EndBlock([]);
        var result = LinearScan.Allocate(code, CallerSavedOnly);
        Assert.Empty(Checker.Check(code, result));
        Assert.DoesNotContain(EditsIn(code, result, 1, 2), e => e.From.Kind == AllocationKind.Stack || e.To.Kind == AllocationKind.Stack);
    }
}
