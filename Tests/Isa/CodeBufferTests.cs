using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;
using Label = Hoist.Isa.Label;

namespace Hoist.Tests.Isa;

/// <summary>The constant pool, source locations, finishing, and the buffer's misuse checks.</summary>
public class CodeBufferTests
{
    private static List<I> Instructions(MachineCode code) => DecodeAll(code.Bytes[..code.InstructionsSize]);

    [Fact]
    public void ConstantsAreDeduplicatedAlignedAndAddressedRipRelative()
    {
        var a = new MacroAssembler();
        a.Movsd(Xmm.Xmm0, a.ConstF64(1.5));
        a.Sse(SseOp.Addsd, Xmm.Xmm0, a.ConstF64(1.5));           // same constant: same pool slot
        a.Movss(Xmm.Xmm1, a.ConstF32(-0f));
        a.Sse(SseOp.Andps, Xmm.Xmm2, a.Const128(0x7FFFFFFF7FFFFFFF, 0x7FFFFFFF7FFFFFFF));
        a.Sse(SseOp.Xorpd, Xmm.Xmm3, a.Const128(0x8000000000000000, 0));
        a.Sse(SseOp.Xorpd, Xmm.Xmm4, a.Const128(0x8000000000000000, 0));
        a.Movss(Xmm.Xmm5, a.Const32(0x80000000));       // same bits as -0f
        a.Movsd(Xmm.Xmm6, a.Const64(0x3FF8000000000000)); // same bits as 1.5
        a.Ret();
        MachineCode code = a.Finish();

        // Pool: two 16-byte, one 8-byte, one 4-byte constant after 16-byte alignment.
        int poolStart = (code.InstructionsSize + 15) & ~15;
        Assert.Equal(poolStart + 16 + 16 + 8 + 4, code.Size);
        Assert.All(code.Bytes[code.InstructionsSize..poolStart].ToArray(), b => Assert.Equal(0xCC, b));

        var loads = Instructions(code).Where(i => i.IsIPRelativeMemoryOperand).ToList();
        Assert.Equal(8, loads.Count);
        var addresses = loads.Select(i => (int)i.IPRelativeMemoryAddress).ToArray();
        Assert.Equal(addresses[0], addresses[1]);
        Assert.Equal(addresses[0], addresses[7]);
        Assert.Equal(addresses[2], addresses[6]);
        Assert.Equal(addresses[4], addresses[5]);
        Assert.Equal(4, addresses.Distinct().Count());
        ReadOnlySpan<byte> b = code.Bytes;
        Assert.Equal(1.5, BitConverter.ToDouble(b[addresses[0]..]));
        Assert.Equal(0x80000000u, BitConverter.ToUInt32(b[addresses[2]..]));
        Assert.Equal(0x7FFFFFFF7FFFFFFFUL, BitConverter.ToUInt64(b[addresses[3]..]));
        Assert.Equal(0x7FFFFFFF7FFFFFFFUL, BitConverter.ToUInt64(b[(addresses[3] + 8)..]));
        Assert.Equal(0x8000000000000000UL, BitConverter.ToUInt64(b[addresses[4]..]));
        Assert.Equal(0UL, BitConverter.ToUInt64(b[(addresses[4] + 8)..]));
        Assert.Equal(0, addresses[3] % 16);
        Assert.Equal(0, addresses[4] % 16);
        Assert.Equal(0, addresses[0] % 8);
        Assert.Equal(0, addresses[2] % 4);
        Assert.True(addresses.All(x => x >= code.InstructionsSize));
    }

    [Fact]
    public void RipRelativeOperandsFollowedByAnImmediateCountFromTheInstructionEnd()
    {
        var a = new MacroAssembler();
        Mem c32 = a.Const32(1234), c64 = a.ConstF64(2.5);
        a.Cmp(Width.W32, c32, 100000);           // imm32 after disp32
        a.Cmp(Width.W32, c32, 5);                // imm8
        a.Cmp(Width.W16, c32, 1000);             // imm16
        a.MovImm(Width.W64, c64, -1);
        a.Roundsd(Xmm.Xmm7, c64, RoundingMode.Floor);
        a.Imul(Width.W32, Gpr.R9, c32, 1000);
        a.Test(Width.W8, c32, 0xFF);
        a.Ret();
        MachineCode code = a.Finish();
        var rip = Instructions(code).Where(i => i.IsIPRelativeMemoryOperand).ToList();
        Assert.Equal(7, rip.Count);
        int addr32 = (int)rip[0].IPRelativeMemoryAddress;
        Assert.Equal(1234u, BitConverter.ToUInt32(code.Bytes[addr32..]));
        foreach (int i in new[] { 1, 2, 5, 6 }) Assert.Equal((ulong)addr32, rip[i].IPRelativeMemoryAddress);
        int addr64 = (int)rip[3].IPRelativeMemoryAddress;
        Assert.Equal(2.5, BitConverter.ToDouble(code.Bytes[addr64..]));
        Assert.Equal((ulong)addr64, rip[4].IPRelativeMemoryAddress);
    }

    [Fact]
    public void RipRelativeLabelsInCodeResolveBackwardAndForward()
    {
        var a = new MacroAssembler();
        Label back = a.NewLabel(), fwd = a.NewLabel();
        a.Bind(back);
        a.Lea(Width.W64, Gpr.Rax, Mem.Rip(back));
        a.Lea(Width.W64, Gpr.R15, Mem.Rip(fwd));
        a.Nop(7);
        a.Bind(fwd);
        a.Ret();
        MachineCode code = a.Finish();
        var insns = Instructions(code);
        Assert.Equal(0UL, insns[0].IPRelativeMemoryAddress);
        Assert.Equal((ulong)a.Buffer.LabelOffset(fwd), insns[1].IPRelativeMemoryAddress);
    }

    [Fact]
    public void SourceLocationsMapCodeRangesToWasmOffsets()
    {
        var a = new MacroAssembler();
        a.Push(Gpr.Rbp);                   // prologue: no location
        a.SetSourceLocation(10);
        int at10 = a.Offset;
        a.Mov(Width.W32, Gpr.Rax, Gpr.Rcx);
        a.SetSourceLocation(12);           // nothing emitted for 12 ...
        a.SetSourceLocation(15);           // ... so 15 replaces it
        int at15 = a.Offset;
        a.Add(Width.W32, Gpr.Rax, 1);
        a.SetSourceLocation(15);           // unchanged: no new record
        a.Add(Width.W32, Gpr.Rax, 1);
        a.SetSourceLocation(20);
        a.SetSourceLocation(15);           // back to 15 with nothing for 20: no record
        a.Sub(Width.W32, Gpr.Rax, 1);
        a.SetSourceLocation(SourceLoc.None);
        int epilogue = a.Offset;
        a.Pop(Gpr.Rbp);
        a.Ret();
        MachineCode code = a.Finish();
        Assert.Equal([new SourceLoc(at10, 10), new SourceLoc(at15, 15), new SourceLoc(epilogue, SourceLoc.None)], code.SourceLocations.ToArray());
        Assert.Equal(SourceLoc.None, code.WasmOffsetAt(0));
        Assert.Equal(10u, code.WasmOffsetAt(at10));
        Assert.Equal(10u, code.WasmOffsetAt(at15 - 1));
        Assert.Equal(15u, code.WasmOffsetAt(at15));
        Assert.Equal(15u, code.WasmOffsetAt(epilogue - 1));
        Assert.Equal(SourceLoc.None, code.WasmOffsetAt(epilogue));
    }

    [Fact]
    public void FinishRejectsAReferencedLabelThatWasNeverBound()
    {
        var a = new MacroAssembler();
        a.Jmp(a.NewLabel());
        var e = Assert.Throws<InvalidOperationException>(() => a.Finish());
        Assert.Contains("never bound", e.Message);
    }

    [Fact]
    public void FinishingTwiceWithoutResetThrows()
    {
        var a = new MacroAssembler();
        a.Ret();
        a.Finish();
        Assert.Throws<InvalidOperationException>(() => a.Finish());
        a.Reset();
        a.Ret();
        Assert.Equal(1, a.Finish().Size);
    }

    [Fact]
    public void UnreferencedUnboundLabelsAreFine()
    {
        var a = new MacroAssembler();
        a.NewLabel();
        a.Ret();
        Assert.Equal(1, a.Finish().Size);
    }

    [Fact]
    public void LabelMisuseThrows()
    {
        var a = new MacroAssembler();
        Label l = a.NewLabel();
        a.Bind(l);
        Assert.Throws<InvalidOperationException>(() => a.Bind(l));
        Assert.Throws<ArgumentException>(() => a.Jmp(default(Label)));
        Assert.Throws<ArgumentException>(() => Mem.Rip(default));
        var other = new MacroAssembler();
        other.NewLabel();
        other.NewLabel();
        Assert.Throws<ArgumentException>(() => a.Jmp(other.NewLabel()));
        Assert.Throws<ArgumentException>(() => a.Jcc(Cond.Equal, other.NewLabel(), JumpDistance.Near));
        Assert.Throws<ArgumentException>(() => a.Mov(Width.W32, Gpr.Rax, Mem.Rip(other.NewLabel())));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Buffer.UseLabel(l, 0, 0, FixupKind.Rel32)); // field not emitted
        Assert.Equal(0, a.Offset); // nothing was emitted by the rejected calls
        a.Reset();
        Assert.Throws<ArgumentException>(() => a.Bind(l));
    }

    [Fact]
    public void ResetReusesTheBufferForTheNextFunction()
    {
        var a = new MacroAssembler();
        byte[] Assemble()
        {
            Label loop = a.NewLabel();
            a.SetSourceLocation(3);
            a.Bind(loop);
            a.Movsd(Xmm.Xmm0, a.ConstF64(3.0));
            a.Sub(Width.W32, Gpr.Rdi, 1);
            a.TrapIf(Cond.Overflow, TrapCode.IntegerOverflow);
            a.Jcc(Cond.NotZero, loop);
            a.Call(RelocTarget.Function(0));
            a.Ret();
            MachineCode code = a.Finish();
            Assert.Single(code.TrapSites.ToArray());
            Assert.Equal(2, code.Relocations.Length);
            return code.Bytes.ToArray();
        }
        byte[] first = Assemble();
        a.Reset();
        Assert.Equal(0, a.Offset);
        byte[] second = Assemble();
        Assert.Equal(first, second);
    }

    [Fact]
    public void TheBufferGrowsPastItsInitialCapacity()
    {
        var a = new MacroAssembler(new CodeBuffer(initialCapacity: 64));
        Label top = a.NewLabel();
        a.Bind(top);
        for (int i = 0; i < 10000; i++) a.Mov(Width.W64, Gpr.R15, Mem.At(Gpr.R12, Gpr.R13, 8, 0x1000 + i));
        a.Jmp(top);
        MachineCode code = a.Finish();
        var insns = DecodeAll(code.Bytes);
        Assert.Equal(10001, insns.Count);
        Assert.Equal(0x1000 + 9999UL, insns[9999].MemoryDisplacement64);
        Assert.Equal(0UL, insns[^1].NearBranchTarget);
    }

    [Fact]
    public void RawEmitAndPatch()
    {
        var b = new CodeBuffer();
        b.EmitByte(0x90);
        b.EmitInt32(0x11223344);
        b.EmitInt64(0x5566778899AABBCC);
        b.EmitBytes([1, 2, 3]);
        b.PatchInt32(1, -2);
        b.EmitByte(0xC3);
        b.AlignWith(8, 0xCC);
        Assert.Equal(Convert.FromHexString("90FEFFFFFFCCBBAA9988776655010203C3CCCCCCCCCCCCCC"), b.Code.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => b.PatchInt32(21, 0));
    }

    [Fact]
    public void MachineCodeValidatesItsTables()
    {
        byte[] bytes = new byte[16];
        Assert.Throws<ArgumentException>(() => new MachineCode(bytes, 16, [new TrapSite(8, TrapCode.Unreachable), new TrapSite(4, TrapCode.Unreachable)], [], [], []));
        Assert.Throws<ArgumentException>(() => new MachineCode(bytes, 16, [], [new CallSite(17)], [], []));
        Assert.Throws<ArgumentException>(() => new MachineCode(bytes, 8, [], [], [new Relocation(6, RelocKind.PcRel32, RelocTarget.Function(0))], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MachineCode(bytes, 17, [], [], [], []));
        var ok = new MachineCode(bytes, 16, [new TrapSite(4, TrapCode.Unreachable), new TrapSite(8, TrapCode.StackOverflow)], [], [], []);
        Assert.True(ok.TryGetTrap(8, out TrapCode code));
        Assert.Equal(TrapCode.StackOverflow, code);
        Assert.False(ok.TryGetTrap(5, out _));
    }
}
