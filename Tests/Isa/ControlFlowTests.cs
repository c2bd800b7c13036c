using Hoist.Isa;
using Hoist.Isa.X64;
using Iced.Intel;
using Xunit.Abstractions;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;
using Label = Hoist.Isa.Label;
using RelocKind = Hoist.Isa.RelocKind;

namespace Hoist.Tests.Isa;

/// <summary>Branches to labels (forward, backward, short, near), indirect branches, calls, padding.</summary>
public class ControlFlowTests(ITestOutputHelper output)
{
    private static readonly Cond[] Conds = Enum.GetValues<Cond>().Distinct().ToArray();

    /// <summary>The instruction at <paramref name="offset"/> of the finished code.</summary>
    private static I At(MachineCode code, int offset) =>
        DecodeAll(code.Bytes[..code.InstructionsSize]).First(i => (int)i.IP == offset);

    private static I Only(MacroAssembler a) => Assert.Single(DecodeAll(a.Buffer.Code));

    [Fact]
    public void IndirectBranchesCallsAndSingleInstructions() => EncodingChecker.Run(
        (from r in Corpus.Gprs select new EncodingCase($"Jmp({r})", a => a.Jmp(r), I.Create(Code.Jmp_rm64, R(r, Width.W64))))
        .Concat(from r in Corpus.Gprs select new EncodingCase($"Call({r})", a => a.Call(r), I.Create(Code.Call_rm64, R(r, Width.W64))))
        .Concat(from m in Corpus.AllMems select new EncodingCase($"Jmp({m})", a => a.Jmp(m), I.Create(Code.Jmp_rm64, M(m))))
        .Concat(from m in Corpus.Mems select new EncodingCase($"Call({m})", a => a.Call(m), I.Create(Code.Call_rm64, M(m))))
        .Concat(from r in Corpus.Gprs select new EncodingCase($"MovAddress({r})", a => a.MovAddress(r, RelocTarget.Libcall(3)), I.Create(Code.Mov_r64_imm64, R(r, Width.W64), 0UL)))
        .Append(new EncodingCase("Call(func[1])", a => a.Call(RelocTarget.Function(1)), I.CreateBranch(Code.Call_rel32_64, 5)))
        .Append(new EncodingCase("Ret", a => a.Ret(), I.Create(Code.Retnq)))
        .Append(new EncodingCase("Ret(0)", a => a.Ret(0), I.Create(Code.Retnq)))
        .Concat(from n in new[] { 8, 0x100, 0xFFFF } select new EncodingCase($"Ret({n})", a => a.Ret(n), I.Create(Code.Retnq_imm16, n)))
        .Append(new EncodingCase("Jmp(func[2])", a => a.Jmp(RelocTarget.Function(2)), I.CreateBranch(Code.Jmp_rel32_64, 5)))
        .Append(new EncodingCase("Leave", a => a.Leave(), I.Create(Code.Leaveq)))
        .Append(new EncodingCase("RepStosq", a => a.RepStosq(), I.CreateStosq(64, RepPrefixKind.Repe)))
        .Append(new EncodingCase("Ud2", a => a.Ud2(), I.Create(Code.Ud2)))
        .Append(new EncodingCase("Int3", a => a.Int3(), I.Create(Code.Int3))),
        output);

    [Fact]
    public void JmpToARelocTargetRecordsARelocationAndNoCallSite()
    {
        var a = new MacroAssembler();
        a.Nop(3);
        a.Jmp(RelocTarget.Function(7));
        MachineCode code = a.Finish();
        Assert.Equal([new Relocation(4, RelocKind.PcRel32, RelocTarget.Function(7))], code.Relocations.ToArray());
        Assert.Empty(code.CallSites.ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0x10000)]
    public void RetRejectsAPopItCannotEncode(int popBytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MacroAssembler().Ret(popBytes));

    [Fact]
    public void BackwardBranchesToABoundLabelAreShortWhenTheyReach() => EncodingChecker.Run(
        (from c in Conds select new EncodingCase($"Jcc({c}) back", a => { Label l = a.NewLabel(); a.Bind(l); a.Jcc(c, l); }, I.CreateBranch(C($"J{Corpus.Cc(c)}_rel8_64"), 0)))
        .Append(new EncodingCase("Jmp back", a => { Label l = a.NewLabel(); a.Bind(l); a.Jmp(l); }, I.CreateBranch(Code.Jmp_rel8_64, 0)))
        .Concat(from c in Conds select new EncodingCase($"Jcc({c}) forced near", a => { Label l = a.NewLabel(); a.Bind(l); a.Jcc(c, l, JumpDistance.Near); }, I.CreateBranch(C($"J{Corpus.Cc(c)}_rel32_64"), 0)))
        .Append(new EncodingCase("Jmp forced near", a => { Label l = a.NewLabel(); a.Bind(l); a.Jmp(l, JumpDistance.Near); }, I.CreateBranch(Code.Jmp_rel32_64, 0))),
        output);

    [Theory]
    [InlineData(126, 2)] // 126 bytes + the 2-byte jcc: displacement -128, the last that fits rel8
    [InlineData(127, 6)]
    [InlineData(1000, 6)]
    public void BackwardBranchPicksRel8ExactlyWhenItFits(int gap, int expectedSize)
    {
        foreach (bool conditional in new[] { true, false })
        {
            var a = new MacroAssembler();
            Label top = a.NewLabel();
            a.Bind(top);
            a.Nop(gap);
            int start = a.Offset;
            if (conditional) a.Jcc(Cond.NotEqual, top);
            else a.Jmp(top);
            int size = a.Offset - start;
            Assert.Equal(conditional ? expectedSize : expectedSize - (expectedSize == 6 ? 1 : 0), size);
            MachineCode code = a.Finish();
            I branch = At(code, start);
            Assert.Equal(0UL, branch.NearBranchTarget);
        }
    }

    [Fact]
    public void ForwardBranchesAreNearUnlessShortIsAsked()
    {
        var a = new MacroAssembler();
        var sites = new List<(int Offset, string Cc, JumpDistance Distance, Label Target)>();
        foreach (Cond? c in Conds.Cast<Cond?>().Append(null))
        {
            Label end = a.NewLabel();
            string cc = c is null ? "mp" : Corpus.Cc(c.Value);
            foreach (JumpDistance d in new[] { JumpDistance.Auto, JumpDistance.Short, JumpDistance.Near })
            {
                sites.Add((a.Offset, cc, d, end));
                if (c is null) a.Jmp(end, d);
                else a.Jcc(c.Value, end, d);
            }
            a.Nop(c is null ? 100 : 3);
            a.Bind(end);
        }
        a.Ret();
        MachineCode code = a.Finish();
        foreach (var (offset, cc, distance, target) in sites)
        {
            I branch = At(code, offset);
            Assert.Equal((ulong)a.Buffer.LabelOffset(target), branch.NearBranchTarget);
            Assert.Equal(C($"J{cc}_{(distance == JumpDistance.Short ? "rel8" : "rel32")}_64"), branch.Code);
        }
    }

    [Fact]
    public void ManyReferencesToManyLabelsAllResolve()
    {
        var a = new MacroAssembler();
        var labels = Enumerable.Range(0, 50).Select(_ => a.NewLabel()).ToArray();
        var expected = new List<(int Offset, int Label)>();
        var rng = new Random(42);
        var bound = new int[labels.Length];
        Array.Fill(bound, -1);
        for (int step = 0; step < 2000; step++)
        {
            int l = rng.Next(labels.Length);
            if (bound[l] < 0 && rng.Next(20) == 0)
            {
                a.Bind(labels[l]);
                bound[l] = a.Offset;
                continue;
            }
            expected.Add((a.Offset, l));
            if (rng.Next(2) == 0) a.Jcc((Cond)rng.Next(16), labels[l]);
            else a.Jmp(labels[l]);
            a.Nop(rng.Next(4));
        }
        foreach (var (label, i) in labels.Select((x, i) => (x, i)))
        {
            if (bound[i] < 0) { a.Bind(label); bound[i] = a.Offset; a.Int3(); }
        }
        MachineCode code = a.Finish();
        var byOffset = DecodeAll(code.Bytes).ToDictionary(i => (int)i.IP);
        foreach (var (offset, l) in expected)
            Assert.Equal((ulong)bound[l], byOffset[offset].NearBranchTarget);
    }

    [Fact]
    public void ShortForwardBranchThatDoesNotReachThrowsWhenBound()
    {
        var a = new MacroAssembler();
        Label far = a.NewLabel();
        a.Jmp(far, JumpDistance.Short);
        a.Nop(200);
        Assert.Throws<InvalidOperationException>(() => a.Bind(far));
    }

    [Fact]
    public void ShortBackwardBranchThatDoesNotReachThrows()
    {
        var a = new MacroAssembler();
        Label top = a.NewLabel();
        a.Bind(top);
        a.Nop(300);
        Assert.Throws<InvalidOperationException>(() => a.Jcc(Cond.Equal, top, JumpDistance.Short));
        Assert.Throws<InvalidOperationException>(() => a.Jmp(top, JumpDistance.Short));
        Assert.Equal(300, a.Offset); // nothing emitted
    }

    [Fact]
    public void JumpTableEntriesAreTargetMinusTable()
    {
        var a = new MacroAssembler();
        Label table = a.NewLabel(), back = a.NewLabel(), fwd = a.NewLabel();
        a.Bind(back);
        a.Nop(3);
        a.Lea(Width.W64, Gpr.Rcx, Mem.Rip(table));
        a.Movsx(Width.W64, Gpr.Rax, Width.W32, Mem.At(Gpr.Rcx, Gpr.Rax, 4));
        a.Add(Width.W64, Gpr.Rcx, Gpr.Rax);
        a.Jmp(Gpr.Rcx);
        a.Align(4);
        a.Bind(table);
        int tableOffset = a.Offset;
        a.JumpTableEntry(back, table);
        a.JumpTableEntry(fwd, table);
        a.JumpTableEntry(back, table);
        a.Nop(5);
        a.Bind(fwd);
        int fwdOffset = a.Offset;
        a.Ret();
        MachineCode code = a.Finish();
        ReadOnlySpan<byte> b = code.Bytes;
        Assert.Equal(0 - tableOffset, BitConverter.ToInt32(b[tableOffset..]));
        Assert.Equal(fwdOffset - tableOffset, BitConverter.ToInt32(b[(tableOffset + 4)..]));
        Assert.Equal(0 - tableOffset, BitConverter.ToInt32(b[(tableOffset + 8)..]));
        Assert.Equal((ulong)tableOffset, At(code, 3).IPRelativeMemoryAddress);
    }

    [Fact]
    public void CallsRecordRelocationsAndCallSites()
    {
        var a = new MacroAssembler();
        a.Push(Gpr.Rbp);
        int c1 = a.Offset;
        a.Call(RelocTarget.Function(7));
        int c2 = a.Offset;
        a.Call(Gpr.R11);
        int c3 = a.Offset;
        a.Call(Mem.At(Gpr.R14, 0x40));
        int c4 = a.Offset;
        a.Call(RelocTarget.Libcall(2));
        int m = a.Offset;
        a.MovAddress(Gpr.Rax, RelocTarget.Libcall(9));
        int end = a.Offset;
        a.Ret();
        MachineCode code = a.Finish();
        Assert.Equal(
            [new Relocation(c1 + 1, RelocKind.PcRel32, RelocTarget.Function(7)), new Relocation(c4 + 1, RelocKind.PcRel32, RelocTarget.Libcall(2)),
             new Relocation(m + 2, RelocKind.Abs64, RelocTarget.Libcall(9))],
            code.Relocations.ToArray());
        Assert.Equal([new CallSite(c2), new CallSite(c3), new CallSite(c4), new CallSite(m)], code.CallSites.ToArray());
        Assert.Equal(end, m + 10);
    }

    [Fact]
    public void NopsArePaddingOfTheAskedSize()
    {
        for (int n = 0; n <= 40; n++)
        {
            var a = new MacroAssembler();
            a.Nop(n);
            Assert.Equal(n, a.Offset);
            var decoded = DecodeAll(a.Buffer.Code);
            Assert.All(decoded, i => Assert.Equal(Iced.Intel.Mnemonic.Nop, i.Mnemonic));
            Assert.Equal((n + 8) / 9, decoded.Count);
            if (CapstoneReference.Available && n > 0)
                Assert.All(CapstoneReference.Decode(a.Buffer.Code.ToArray()), i => Assert.Equal("nop", i.Mnemonic));
        }
    }

    [Fact]
    public void AlignPadsToTheBoundary()
    {
        var a = new MacroAssembler();
        a.Ret();
        a.Align(16);
        Assert.Equal(16, a.Offset);
        a.Align(16);
        Assert.Equal(16, a.Offset);
        a.Int3();
        a.Align(8);
        Assert.Equal(24, a.Offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Align(12));
    }
}
