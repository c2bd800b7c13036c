using BenchmarkDotNet.Attributes;
using Hoist.Isa;
using Hoist.Isa.X64;
using Iced.Intel;
using Label = Hoist.Isa.Label;

namespace Hoist.Bench.Isa;

/// <summary>
/// Instructions per second of the x64 MacroAssembler (hand encoder) against Iced's Encoder with
/// Instruction.Create on the same instruction mix. Each benchmark reports the time per instruction
/// (OperationsPerInvoke = instructions emitted). The integer mix is what a single-pass compiler emits
/// most: local loads/stores off rbp, VMContext loads, ALU with registers and imm8/imm32, compare + setcc
/// + movzx, linear-memory loads/stores [mem + index + offset], lea, test + backward jcc, forward jmp.
/// The float mix is scalar SSE2 arithmetic with loads, stores and conversions.
/// </summary>
[MemoryDiagnoser]
public class MacroAssemblerBench
{
    private const int Units = 64;
    private const int IntPerUnit = 16;
    private const int FloatPerUnit = 8;

    private static readonly Gpr[] Regs = [Gpr.Rax, Gpr.Rcx, Gpr.Rdx, Gpr.Rbx, Gpr.Rsi, Gpr.Rdi, Gpr.R8, Gpr.R9, Gpr.R10, Gpr.R11, Gpr.R12, Gpr.R13];
    private static readonly Xmm[] Xmms = Enum.GetValues<Xmm>();

    private readonly MacroAssembler _asm = new();
    private readonly ArrayWriter _writer = new();
    private readonly Encoder _encoder;

    public MacroAssemblerBench() => _encoder = Encoder.Create(64, _writer);

    private static Register R32(Gpr g) => Register.EAX + (int)g;
    private static Register R64(Gpr g) => Register.RAX + (int)g;
    private static Register R8(Gpr g) => (int)g < 4 ? Register.AL + (int)g : (int)g < 8 ? Register.SPL + ((int)g - 4) : Register.R8L + ((int)g - 8);
    private static Register X(Xmm x) => Register.XMM0 + (int)x;

    [Benchmark(Baseline = true, OperationsPerInvoke = Units * IntPerUnit)]
    public int MacroAssembler_IntegerMix()
    {
        MacroAssembler a = _asm;
        a.Reset();
        for (int u = 0; u < Units; u++)
        {
            Gpr r1 = Regs[u % 12], r2 = Regs[(u + 3) % 12], r3 = Regs[(u + 5) % 12], r4 = Regs[(u + 7) % 12], r5 = Regs[(u + 9) % 12];
            int local = -8 * (1 + (u & 7));
            Label top = a.NewLabel(), next = a.NewLabel();
            a.Bind(top);
            a.Mov(Width.W32, r1, Mem.At(Gpr.Rbp, local));
            a.Mov(Width.W64, r2, Mem.At(Gpr.R14, 0x120));
            a.Add(Width.W32, r1, r2);
            a.Add(Width.W32, r1, 1);
            a.Sub(Width.W64, r2, 0x1000);
            a.Cmp(Width.W32, r1, r2);
            a.Setcc(Cond.Less, r3);
            a.Movzx(Width.W32, r3, Width.W8, r3);
            a.Mov(Width.W32, r4, Mem.At(Gpr.R15, r1, 1, 16));
            a.Mov(Width.W32, Mem.At(Gpr.R15, r1, 1, 16), r4);
            a.Lea(Width.W64, r5, Mem.At(r2, r1, 8, 8));
            a.Mov(Width.W32, Mem.At(Gpr.Rbp, local), r1);
            a.Test(Width.W32, r1, r1);
            a.Jcc(Cond.NotEqual, top);
            a.MovImm(Width.W32, r5, 12345);
            a.Jmp(next);
            a.Bind(next);
        }
        return a.Offset;
    }

    [Benchmark(OperationsPerInvoke = Units * IntPerUnit)]
    public int IcedEncoder_IntegerMix()
    {
        ArrayWriter w = _writer;
        Encoder e = _encoder;
        w.Reset();
        for (int u = 0; u < Units; u++)
        {
            Gpr r1 = Regs[u % 12], r2 = Regs[(u + 3) % 12], r3 = Regs[(u + 5) % 12], r4 = Regs[(u + 7) % 12], r5 = Regs[(u + 9) % 12];
            int local = -8 * (1 + (u & 7));
            ulong top = (ulong)w.Length;
            Emit(e, w, Instruction.Create(Code.Mov_r32_rm32, R32(r1), new MemoryOperand(Register.RBP, local, 1)));
            Emit(e, w, Instruction.Create(Code.Mov_r64_rm64, R64(r2), new MemoryOperand(Register.R14, 0x120, 1)));
            Emit(e, w, Instruction.Create(Code.Add_rm32_r32, R32(r1), R32(r2)));
            Emit(e, w, Instruction.Create(Code.Add_rm32_imm8, R32(r1), 1));
            Emit(e, w, Instruction.Create(Code.Sub_rm64_imm32, R64(r2), 0x1000));
            Emit(e, w, Instruction.Create(Code.Cmp_rm32_r32, R32(r1), R32(r2)));
            Emit(e, w, Instruction.Create(Code.Setl_rm8, R8(r3)));
            Emit(e, w, Instruction.Create(Code.Movzx_r32_rm8, R32(r3), R8(r3)));
            Emit(e, w, Instruction.Create(Code.Mov_r32_rm32, R32(r4), new MemoryOperand(Register.R15, R64(r1), 1, 16, 1)));
            Emit(e, w, Instruction.Create(Code.Mov_rm32_r32, new MemoryOperand(Register.R15, R64(r1), 1, 16, 1), R32(r4)));
            Emit(e, w, Instruction.Create(Code.Lea_r64_m, R64(r5), new MemoryOperand(R64(r2), R64(r1), 8, 8, 1)));
            Emit(e, w, Instruction.Create(Code.Mov_rm32_r32, new MemoryOperand(Register.RBP, local, 1), R32(r1)));
            Emit(e, w, Instruction.Create(Code.Test_rm32_r32, R32(r1), R32(r1)));
            Emit(e, w, Instruction.CreateBranch(Code.Jne_rel8_64, top));
            Emit(e, w, Instruction.Create(Code.Mov_r32_imm32, R32(r5), 12345));
            Emit(e, w, Instruction.CreateBranch(Code.Jmp_rel32_64, (ulong)w.Length + 5));
        }
        return w.Length;
    }

    [Benchmark(OperationsPerInvoke = Units * FloatPerUnit)]
    public int MacroAssembler_FloatMix()
    {
        MacroAssembler a = _asm;
        a.Reset();
        for (int u = 0; u < Units; u++)
        {
            Xmm x1 = Xmms[u & 15], x2 = Xmms[(u + 5) & 15], x3 = Xmms[(u + 9) & 15];
            Gpr r1 = Regs[u % 12], r2 = Regs[(u + 3) % 12];
            a.Movsd(x1, Mem.At(Gpr.Rbp, -16));
            a.Sse(SseOp.Addsd, x1, x2);
            a.Sse(SseOp.Mulsd, x1, Mem.At(Gpr.R14, 0x40));
            a.Sse(SseOp.Ucomisd, x1, x2);
            a.Cvttsd2si(Width.W64, r1, x1);
            a.Cvtsi2sd(Width.W32, x3, r2);
            a.Sse(SseOp.Sqrtsd, x3, x1);
            a.Movsd(Mem.At(Gpr.Rbp, -16), x1);
        }
        return a.Offset;
    }

    [Benchmark(OperationsPerInvoke = Units * FloatPerUnit)]
    public int IcedEncoder_FloatMix()
    {
        ArrayWriter w = _writer;
        Encoder e = _encoder;
        w.Reset();
        for (int u = 0; u < Units; u++)
        {
            Xmm x1 = Xmms[u & 15], x2 = Xmms[(u + 5) & 15], x3 = Xmms[(u + 9) & 15];
            Gpr r1 = Regs[u % 12], r2 = Regs[(u + 3) % 12];
            Emit(e, w, Instruction.Create(Code.Movsd_xmm_xmmm64, X(x1), new MemoryOperand(Register.RBP, -16, 1)));
            Emit(e, w, Instruction.Create(Code.Addsd_xmm_xmmm64, X(x1), X(x2)));
            Emit(e, w, Instruction.Create(Code.Mulsd_xmm_xmmm64, X(x1), new MemoryOperand(Register.R14, 0x40, 1)));
            Emit(e, w, Instruction.Create(Code.Ucomisd_xmm_xmmm64, X(x1), X(x2)));
            Emit(e, w, Instruction.Create(Code.Cvttsd2si_r64_xmmm64, R64(r1), X(x1)));
            Emit(e, w, Instruction.Create(Code.Cvtsi2sd_xmm_rm32, X(x3), R32(r2)));
            Emit(e, w, Instruction.Create(Code.Sqrtsd_xmm_xmmm64, X(x3), X(x1)));
            Emit(e, w, Instruction.Create(Code.Movsd_xmmm64_xmm, new MemoryOperand(Register.RBP, -16, 1), X(x1)));
        }
        return w.Length;
    }

    /// <summary>A whole small function: the integer mix, then Finish (constant pool, tables, the MachineCode copy).</summary>
    [Benchmark(OperationsPerInvoke = Units * IntPerUnit)]
    public MachineCode MacroAssembler_IntegerMixAndFinish()
    {
        MacroAssembler_IntegerMix();
        return _asm.Finish();
    }

    private static void Emit(Encoder e, ArrayWriter w, in Instruction instruction) => e.Encode(instruction, (ulong)w.Length);

    private sealed class ArrayWriter : CodeWriter
    {
        private byte[] _bytes = new byte[1 << 16];
        public int Length { get; private set; }
        public void Reset() => Length = 0;
        public override void WriteByte(byte value)
        {
            if (Length == _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2);
            _bytes[Length++] = value;
        }
    }
}
