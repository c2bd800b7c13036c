using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Runtime.Native;
using Hoist.Vm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The tail that every trap path shares (the trap handler and the host trampoline's failure path): record
/// a backtrace, then unwind to the innermost entry trampoline.
/// </summary>
/// <remarks>
/// On entry rax = the store context and r10 = the first frame pointer to walk. It walks the frame-pointer
/// chain (<c>[fp + 8]</c> = return address, <c>[fp]</c> = next frame) and stores up to
/// <see cref="StoreContextLayout.BacktraceCapacity"/> return addresses in the store's backtrace buffer,
/// stopping at a null frame pointer or at the entry trampoline's frame (every wasm frame lies below the
/// <see cref="VmStoreContext.EntryStackPointer"/> it recorded). The walk happens here, in native code,
/// because once control is back in .NET the dead wasm frames are overwritten by the next managed call.
/// Then <c>rsp = EntryStackPointer; ret</c>: the entry trampoline pushed its trap landing pad's address
/// exactly there, so the <c>ret</c> lands in it with the stack as the entry left it. Clobbers only
/// caller-saved registers; the landing pad reloads everything from its own frame.
/// </remarks>
internal static class TrapUnwind
{
    public static void Emit(MacroAssembler a)
    {
        Label loop = a.NewLabel(), done = a.NewLabel();
        a.Mov(Width.W64, Gpr.Rdx, Mem.At(Gpr.Rax, StoreContextLayout.BacktraceBuffer));
        a.Mov(Width.W64, Gpr.R8, Mem.At(Gpr.Rax, StoreContextLayout.BacktraceCapacity));
        a.Mov(Width.W64, Gpr.R9, Mem.At(Gpr.Rax, VmStoreContext.EntryStackPointer));
        a.Xor(Width.W32, Gpr.R11, Gpr.R11);
        a.Bind(loop);
        a.Cmp(Width.W64, Gpr.R11, Gpr.R8);
        a.Jcc(Cond.AboveOrEqual, done);
        a.Test(Width.W64, Gpr.R10, Gpr.R10);
        a.Jcc(Cond.Zero, done);
        a.Cmp(Width.W64, Gpr.R10, Gpr.R9);
        a.Jcc(Cond.AboveOrEqual, done);
        a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.R10, 8));
        a.Mov(Width.W64, Mem.At(Gpr.Rdx, Gpr.R11, 8), Gpr.Rcx);
        a.Add(Width.W64, Gpr.R11, 1);
        a.Mov(Width.W64, Gpr.R10, Mem.At(Gpr.R10, 0));
        a.Jmp(loop);
        a.Bind(done);
        a.Mov(Width.W64, Mem.At(Gpr.Rax, StoreContextLayout.BacktraceCount), Gpr.R11);
        a.Mov(Width.W64, Gpr.Rsp, Gpr.R9);
        a.Ret();
    }
}
