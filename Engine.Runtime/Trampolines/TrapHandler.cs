using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The trap handler: the code every trap stub of compiled code calls (<see cref="RelocTargetKind.TrapHandler"/>).
/// One copy is appended to each module's code memory, so the stubs' rel32 calls reach it; it is generated
/// per module because it reads the store context at that module's <see cref="VmOffsets.StoreContext"/>.
/// </summary>
/// <remarks>
/// On entry (from a trap stub's <c>call</c>): r14 = the trapping function's VMContext, rbp = its frame,
/// [rsp] = the return address, which is the trap site the runtime looks up in
/// <see cref="MachineCode.TryGetTrap"/>. The handler needs no trap code: a dynamic one is already in
/// <see cref="VmStoreContext.TrapCode"/>, otherwise the site gives it.
/// <code>
///   mov  rax, [r14 + StoreContext]
///   pop  rcx                          ; the trap site
///   mov  [rax + TrapPc], rcx
///   mov  [rax + TrapFramePointer], rbp
///   mov  r10, rbp                     ; walk from the trapping frame
///   TrapUnwind                        ; backtrace, rsp = EntryStackPointer, ret to the landing pad
/// </code>
/// </remarks>
internal static class TrapHandler
{
    public static MachineCode Emit(int storeContextOffset)
    {
        var a = new MacroAssembler();
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, storeContextOffset));
        a.Pop(Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapPc), Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapFramePointer), Gpr.Rbp);
        a.Mov(Width.W64, Gpr.R10, Gpr.Rbp);
        TrapUnwind.Emit(a);
        return a.Finish();
    }
}
