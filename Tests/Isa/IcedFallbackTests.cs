using Hoist.Isa;
using Hoist.Isa.X64;
using Iced.Intel;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;

namespace Hoist.Tests.Isa;

/// <summary>Instructions outside the hand encoder, through Iced's Encoder into the same buffer.</summary>
public class IcedFallbackTests
{
    [Fact]
    public void EncodesArbitraryInstructionsBetweenHandEncodedOnes()
    {
        var a = new MacroAssembler();
        a.Mov(Width.W64, Gpr.Rax, Gpr.Rdi);
        I pshufb = I.Create(Code.Pshufb_xmm_xmmm128, Register.XMM1, Register.XMM9);
        I vaddps = I.Create(Code.VEX_Vaddps_ymm_ymm_ymmm256, Register.YMM0, Register.YMM1, new MemoryOperand(Register.R12, Register.RBP, 4, 0x40, 1));
        I cmpxchg = I.Create(Code.Cmpxchg_rm64_r64, new MemoryOperand(Register.RDI), Register.RSI);
        cmpxchg.HasLockPrefix = true;
        a.Emit(pshufb);
        a.Emit(vaddps);
        a.Emit(cmpxchg);
        a.Ret();
        var decoded = DecodeAll(a.Buffer.Code);
        Assert.Equal(5, decoded.Count);
        Assert.Equal(Format(pshufb), Format(decoded[1]));
        Assert.Equal(Format(vaddps), Format(decoded[2]));
        Assert.Equal(Format(cmpxchg), Format(decoded[3]));
        Assert.Equal(Code.Retnq, decoded[4].Code);
    }

    [Fact]
    public void RipRelativeOperandsAddressTheLabel()
    {
        var a = new MacroAssembler();
        Hoist.Isa.Label mask = a.Buffer.Constant128(0x0706050403020100, 0x0F0E0D0C0B0A0908);
        a.Emit(I.Create(Code.Pshufb_xmm_xmmm128, Register.XMM3, new MemoryOperand(Register.RIP)), mask);
        a.Emit(I.Create(Code.Pshufd_xmm_xmmm128_imm8, Register.XMM4, new MemoryOperand(Register.RIP), 0x1B), mask); // imm8 after disp32
        a.Ret();
        MachineCode code = a.Finish();
        var decoded = DecodeAll(code.Bytes[..code.InstructionsSize]);
        int address = a.Buffer.LabelOffset(mask);
        Assert.Equal(0, address % 16);
        Assert.Equal((ulong)address, decoded[0].IPRelativeMemoryAddress);
        Assert.Equal((ulong)address, decoded[1].IPRelativeMemoryAddress);
        Assert.Equal(0x1B, decoded[1].Immediate8);
        Assert.Equal(0x0706050403020100UL, BitConverter.ToUInt64(code.Bytes[address..]));
    }

    [Fact]
    public void BadInstructionsThrow()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentException>(() => a.Emit(I.Create(Code.Pshufb_xmm_xmmm128, Register.XMM1, Register.XMM2), a.NewLabel()));
        Assert.Throws<ArgumentException>(() => a.Emit(I.Create(Code.Add_rm32_r32, Register.EAX, Register.RCX)));
    }
}
