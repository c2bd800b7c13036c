using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.RegAlloc;

namespace Hoist.Tests.Optimizing.CodeGen;

/// <summary>The register-allocation checker accepts a valid allocation and catches each kind of mistake.</summary>
public class RegAllocCheckerTests
{
    readonly record struct Toy(string Name);

    static PReg R(int n) => new(RegClass.Int, (byte)n);
    static Allocation A(int n) => Allocation.InReg(R(n));
    static Allocation S(int n) => Allocation.InStack(new SpillSlot(n));
    static readonly PRegSet CallClobbers = new PRegSet(0).With(R(0)).With(R(1)).With(R(2)).With(R(6)).With(R(7));

    /// <summary>
    /// block0: %0, %1 = args (r7, r6); %2 = add %0, %1 (reuse); %3 = call %2 (r7 → r0, clobbers); jump block1(%3)
    /// block1(%4): %5 = add %4, %1; ret %5 (r0)
    /// </summary>
    static VCode<Toy> Sample()
    {
        var code = new VCode<Toy>(2);
        var v = Enumerable.Range(0, 6).Select(_ => code.NewVReg(RegClass.Int)).ToArray();
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(v[0], R(7)), Operand.FixedDef(v[1], R(6))]);
        code.Push(new Toy("add"), [Operand.Use(v[0]), Operand.Use(v[1]), Operand.ReuseDef(v[2], 0)]);
        code.Push(new Toy("call"), [Operand.FixedUse(v[2], R(7)), Operand.FixedDef(v[3], R(0))], CallClobbers);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1], [v[3]]);
        code.StartBlock(1, [v[4]]);
        code.Push(new Toy("add"), [Operand.Use(v[4]), Operand.Use(v[1]), Operand.ReuseDef(v[5], 0)]);
        code.Push(new Toy("ret"), [Operand.FixedUse(v[5], R(0))]);
        code.EndBlock([]);
        return code;
    }

    /// <summary>A valid allocation: %1 lives in r6, which the call clobbers, so it is spilled around the call.</summary>
    static (Allocation[] Ops, Allocation[][] Params, List<Edit> Edits) Valid() => (
        [A(7), A(6), /* add */ A(7), A(6), A(7), /* call */ A(7), A(0), /* add */ A(0), A(3), A(0), /* ret */ A(0)],
        [[], [A(0)]],
        [new Edit(ProgPoint.Before(2), A(6), S(0)), new Edit(ProgPoint.AfterInst(2), S(0), A(3))]);

    static List<string> Check(Allocation[] ops, Allocation[][] ps, List<Edit> edits) =>
        Checker.Check(Sample(), new RegAllocOutput(ops, ps, edits, 1));

    [Fact]
    public void AcceptsAValidAllocation()
    {
        var (ops, ps, edits) = Valid();
        Assert.Empty(Check(ops, ps, edits));
    }

    [Fact]
    public void AValueInAClobberedRegisterIsLost()
    {
        var (ops, ps, _) = Valid();
        ops[8] = A(6); // read %1 from r6 after the call, with no spill
        Assert.Contains(Check(ops, ps, []), e => e.Contains("r6 does not hold %1"));
    }

    [Fact]
    public void AUseFromTheWrongRegister()
    {
        var (ops, ps, edits) = Valid();
        ops[3] = A(5);
        Assert.Contains(Check(ops, ps, edits), e => e.Contains("inst 1 operand 1") && e.Contains("does not hold %1"));
    }

    [Fact]
    public void ConstraintsAreEnforced()
    {
        var (ops, ps, edits) = Valid();
        ops[4] = A(6);  // reuse def not in its use's register (and r6 then holds %2, not %1)
        ops[5] = A(5);  // fixed use in the wrong register
        var errors = Check(ops, ps, edits);
        Assert.Contains(errors, e => e.Contains("inst 1 operand 2") && e.Contains("breaks its constraint"));
        Assert.Contains(errors, e => e.Contains("inst 2 operand 0") && e.Contains("breaks its constraint"));
    }

    [Fact]
    public void BlockParametersMustBeWhereTheArgumentIs()
    {
        var (ops, _, edits) = Valid();
        var errors = Check(ops, [[], [A(1)]], edits);
        Assert.Contains(errors, e => e.Contains("block 0 -> 1: r1 does not hold argument %3"));
        Assert.Contains(errors, e => e.Contains("r0 does not hold %4"));
    }

    [Fact]
    public void MovesThatDoNotRestoreAreCaught()
    {
        var (ops, ps, _) = Valid();
        // Spills %1 but reloads the slot into r4 while the use reads r3.
        var edits = new List<Edit> { new(ProgPoint.Before(2), A(6), S(0)), new(ProgPoint.AfterInst(2), S(0), A(4)) };
        Assert.Contains(Check(ops, ps, edits), e => e.Contains("r3 does not hold %1"));
    }

    [Fact]
    public void EarlyDefsLateUsesAndDuplicateDefs()
    {
        var code = new VCode<Toy>(1);
        var a = code.NewVReg(RegClass.Int);
        var b = code.NewVReg(RegClass.Int);
        var c = code.NewVReg(RegClass.Int);
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(a, R(7))]);
        code.Push(new Toy("op"), [Operand.Use(a), Operand.EarlyDef(b)]);
        code.Push(new Toy("op2"), [Operand.LateUse(b), Operand.Def(c), Operand.Def(a)]);
        code.Push(new Toy("ret"), [Operand.FixedUse(c, R(0))]);
        code.EndBlock([]);
        var output = new RegAllocOutput([A(7), A(7), A(7), A(7), A(7), A(7), A(0)], [[]], [], 0);
        var errors = Checker.Check(code, output);
        Assert.Contains(errors, e => e.Contains("an early def shares r7 with use 0"));
        Assert.Contains(errors, e => e.Contains("a late use shares r7 with def"));
        Assert.Contains(errors, e => e.Contains("two defs of one instruction in r7"));
        Assert.Contains(errors, e => e.Contains("r0 does not hold %2"));
    }

    [Fact]
    public void AValueMustSurviveEveryPathIntoALoop()
    {
        // block0: %0 = args(r7); jump block1
        // block1: use %0 (r7); clobber r7 via a call; br block1 | block2   (the back edge arrives without %0 in r7)
        // block2: ret
        var code = new VCode<Toy>(3);
        var v0 = code.NewVReg(RegClass.Int);
        var v1 = code.NewVReg(RegClass.Int);
        code.StartBlock(0);
        code.Push(new Toy("args"), [Operand.FixedDef(v0, R(7))]);
        code.Push(new Toy("jump"), []);
        code.EndBlock([1]);
        code.StartBlock(1);
        code.Push(new Toy("use"), [Operand.Use(v0)]);
        code.Push(new Toy("call"), [Operand.FixedDef(v1, R(0))], CallClobbers);
        code.Push(new Toy("brif"), [Operand.Use(v1)]);
        code.EndBlock([1, 2]);
        code.StartBlock(2);
        code.Push(new Toy("ret"), []);
        code.EndBlock([]);
        var bad = new RegAllocOutput([A(7), A(7), A(0), A(0)], [[], [], []], [], 0);
        Assert.Contains(Checker.Check(code, bad), e => e.Contains("inst 2 operand 0") && e.Contains("r7 does not hold %0"));
        // Keeping %0 in callee-saved r3 instead fixes it.
        var good = new RegAllocOutput([A(7), A(3), A(0), A(0)], [[], [], []], [new Edit(ProgPoint.AfterInst(0), A(7), A(3))], 0);
        Assert.Empty(Checker.Check(code, good));
    }

    [Fact]
    public void VCodeRecordsBlocksOperandsAndPredecessors()
    {
        var code = Sample();
        Assert.True(code.IsComplete);
        Assert.Equal(11, code.OperandCount);
        Assert.Equal([0], code.Predecessors(1).ToArray());
        Assert.Equal((4, 6), code.InstRange(1));
        Assert.Equal(CallClobbers, code.Clobbers(2));
        Assert.Equal("%2:def:reuse0", code.Operands(1)[2].ToString());
        Assert.Equal("%0:use:reg", code.Operands(1)[0].ToString());
        Assert.Throws<InvalidOperationException>(() => new VCode<Toy>(2).StartBlock(1));
    }
}
