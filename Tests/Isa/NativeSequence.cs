using System.Buffers.Binary;
using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Runtime.Native;
using Hoist.Vm;

namespace Hoist.Tests.Isa;

/// <summary>
/// Runs an assembled code sequence natively, to check what it computes. The function is
/// <c>long f(ulong* io)</c> (System V): the body reads its inputs from <see cref="In0"/>/<see cref="In1"/>
/// and writes results to <see cref="Out0"/>/<see cref="Out1"/>, using only caller-saved registers other than
/// rdi (rax, rcx, rdx, rsi, r8–r11, xmm0–15). Traps go to a three-byte handler placed after the code
/// (<c>pop rax; leave; ret</c>): the function then returns the trap stub's return address, which
/// <see cref="MachineCode.TryGetTrap"/> maps to the trap code; a normal return gives 0.
/// </summary>
internal sealed unsafe class NativeSequence : IDisposable
{
    public const uint SourceLocation = 0x2A;

    public static Mem In0 => Mem.At(Gpr.Rdi, 0);
    public static Mem In1 => Mem.At(Gpr.Rdi, 8);
    public static Mem Out0 => Mem.At(Gpr.Rdi, 16);
    public static Mem Out1 => Mem.At(Gpr.Rdi, 24);

    private static ReadOnlySpan<byte> Handler => [0x58, 0xC9, 0xC3];

    private readonly CodeMemory _memory;
    private readonly MachineCode _code;

    public NativeSequence(Action<MacroAssembler> body)
    {
        var a = new MacroAssembler();
        a.Push(Gpr.Rbp);
        a.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        a.SetSourceLocation(SourceLocation);
        body(a);
        a.Xor(Width.W32, Gpr.Rax, Gpr.Rax);
        a.Leave();
        a.Ret();
        _code = a.Finish();
        MachineCode code = _code;
        int handler = (code.Size + 15) & ~15;
        _memory = new CodeMemory(handler + Handler.Length, (span, address) =>
        {
            code.Bytes.CopyTo(span);
            Handler.CopyTo(span[handler..]);
            foreach (Relocation r in code.Relocations)
            {
                if (r.Kind != RelocKind.PcRel32 || r.Target.Kind != RelocTargetKind.TrapHandler)
                    throw new InvalidOperationException($"the sequence runner links only trap stubs, not {r}");
                BinaryPrimitives.WriteInt32LittleEndian(span[r.Offset..], handler - (r.Offset + 4));
            }
        });
    }

    public MachineCode Code => _code;

    /// <summary>The two outputs, or the trap the sequence raised (checked to carry <see cref="SourceLocation"/>).</summary>
    public (ulong Out0, ulong Out1, TrapCode? Trap) Run(ulong in0, ulong in1 = 0)
    {
        ulong* io = stackalloc ulong[4];
        io[0] = in0;
        io[1] = in1;
        io[2] = 0xBAD0_BAD0_BAD0_BAD0;
        io[3] = 0xBAD1_BAD1_BAD1_BAD1;
        var f = (delegate* unmanaged<ulong*, nint>)_memory.Base;
        nint ret = f(io);
        if (ret == 0) return (io[2], io[3], null);
        int offset = checked((int)(ret - _memory.Base));
        if (!_code.TryGetTrap(offset, out TrapCode trap))
            throw new InvalidOperationException($"returned 0x{ret:x}, which is not a trap site");
        Assert.Equal(SourceLocation, _code.WasmOffsetAt(offset - 1));
        return (0, 0, trap);
    }

    public void Dispose() => _memory.Dispose();
}
