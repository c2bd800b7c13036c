using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;
using Code = Iced.Intel.Code;
using RelocKind = Hoist.Isa.RelocKind;

namespace Hoist.Tests.Isa;

/// <summary>TrapIf/Trap/MarkTrapSite: the stubs, the trap table and the records around them.</summary>
public class TrapTests
{
    private static Dictionary<int, I> ByOffset(MachineCode code) =>
        DecodeAll(code.Bytes[..code.InstructionsSize]).ToDictionary(i => (int)i.IP);

    [Fact]
    public void TrapIfJumpsToAnOutOfLineCallStubPerSite()
    {
        var a = new MacroAssembler();
        a.SetSourceLocation(100);
        a.Test(Width.W32, Gpr.Rcx, Gpr.Rcx);
        int j1 = a.Offset;
        a.TrapIf(Cond.Zero, TrapCode.IntegerDivideByZero);
        a.Cmp(Width.W32, Gpr.Rcx, -1);
        int j2 = a.Offset;
        a.TrapIf(Cond.Equal, TrapCode.IntegerOverflow);
        a.SetSourceLocation(200);
        a.Cmp(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, 8));
        int j3 = a.Offset;
        a.TrapIf(Cond.AboveOrEqual, TrapCode.MemoryOutOfBounds);
        int j4 = a.Offset;
        a.TrapIf(Cond.Below, TrapCode.MemoryOutOfBounds); // same code, same location: shares the stub of j3
        a.Ret();
        int bodyEnd = a.Offset;
        MachineCode code = a.Finish();
        var insns = ByOffset(code);

        int[] jumps = [j1, j2, j3, j4];
        Assert.All(jumps, j => Assert.Equal(6, insns[j].Length)); // jcc rel32
        ulong[] targets = jumps.Select(j => insns[j].NearBranchTarget).ToArray();
        Assert.Equal(targets[2], targets[3]);
        Assert.Equal(3, targets.Distinct().Count());
        Assert.All(targets, t => Assert.True((int)t >= bodyEnd, "stubs are after the body"));

        TrapCode[] expected = [TrapCode.IntegerDivideByZero, TrapCode.IntegerOverflow, TrapCode.MemoryOutOfBounds];
        uint[] locations = [100, 100, 200];
        for (int k = 0; k < 3; k++)
        {
            I stub = insns[(int)targets[k]];
            Assert.Equal(Code.Call_rel32_64, stub.Code);
            int returnAddress = (int)stub.NextIP;
            Assert.True(code.TryGetTrap(returnAddress, out TrapCode c));
            Assert.Equal(expected[k], c);
            Assert.Equal(locations[k], code.WasmOffsetAt(returnAddress - 1));
            Assert.Contains(new Relocation((int)stub.IP + 1, RelocKind.PcRel32, RelocTarget.TrapHandler), code.Relocations.ToArray());
        }
        Assert.Equal(3, code.TrapSites.Length);
        Assert.Empty(code.CallSites.ToArray()); // a trap stub never returns: it is not a call site
    }

    [Fact]
    public void Ud2StyleStubsRecordTheUd2Itself()
    {
        var a = new MacroAssembler(trapStubStyle: TrapStubStyle.Ud2);
        a.SetSourceLocation(7);
        int j = a.Offset;
        a.TrapIf(Cond.Below, TrapCode.StackOverflow);
        int inline = a.Offset;
        a.Trap(TrapCode.Unreachable);          // inline ud2 in this style
        a.Ret();
        MachineCode code = a.Finish();
        var insns = ByOffset(code);
        Assert.Equal(Code.Ud2, insns[inline].Code);
        int stub = (int)insns[j].NearBranchTarget;
        Assert.Equal(Code.Ud2, insns[stub].Code);
        Assert.Equal([new TrapSite(inline, TrapCode.Unreachable), new TrapSite(stub, TrapCode.StackOverflow)], code.TrapSites.ToArray());
        Assert.Empty(code.Relocations.ToArray());
        Assert.Equal(7u, code.WasmOffsetAt(stub));
    }

    [Fact]
    public void UnconditionalTrapWithCallStubsJumpsOutOfLine()
    {
        var a = new MacroAssembler();
        int at = a.Offset;
        a.Trap(TrapCode.Unreachable);
        int next = a.Offset;
        a.MarkTrapSite(TrapCode.MemoryOutOfBounds);
        a.Mov(Width.W32, Gpr.Rax, Mem.At(Gpr.Rdi, Gpr.Rsi, 1));
        a.Ret();
        MachineCode code = a.Finish();
        var insns = ByOffset(code);
        Assert.Equal(Code.Jmp_rel32_64, insns[at].Code);
        I stub = insns[(int)insns[at].NearBranchTarget];
        Assert.Equal(Code.Call_rel32_64, stub.Code);
        Assert.True(code.TryGetTrap((int)stub.NextIP, out TrapCode c));
        Assert.Equal(TrapCode.Unreachable, c);
        // The faulting load keeps its own entry, distinct from any stub return address.
        Assert.True(code.TryGetTrap(next, out c));
        Assert.Equal(TrapCode.MemoryOutOfBounds, c);
        Assert.Equal(code.TrapSites.Length, code.TrapSites.ToArray().Select(t => t.Offset).Distinct().Count());
    }

    [Fact]
    public void TrapCodeNoneIsRejected()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentException>(() => a.TrapIf(Cond.Equal, TrapCode.None));
        Assert.Throws<ArgumentException>(() => a.MarkTrapSite(TrapCode.None));
    }
}
