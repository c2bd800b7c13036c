using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Runtime.Native;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The entry trampoline: how .NET calls a wasm function (or any function with a VMFuncRef) of one
/// signature. Generated at run time per canonical function type and cached by the engine.
/// </summary>
/// <remarks>
/// <para>C ABI (System V): <c>int entry(callee vmctx, caller vmctx, slots*, code*, store context*)</c>.
/// The first three are the contract's; the code pointer and the store context are passed too because one
/// trampoline serves every function of the signature, and the store context's offset in a VMContext
/// differs between modules. The caller VMContext is not used (it may be 0). Returns 0 when the callee
/// returned (results in the slots), 1 when it trapped (the trap record is in the store context).</para>
/// <para>Frame (one line = 8 bytes; rbp 16-aligned):</para>
/// <code>
///        | return address into .NET            | [rbp + 8]
/// rbp →  | saved rbp                           | [rbp + 0]
///        | saved rbx, r12, r13, r14, r15       | [rbp - 8] .. [rbp - 40]
///        | previous EntryStackPointer          | [rbp - 48]
///        | previous StackLimit                 | [rbp - 56]
///        | previous LastExitFramePointer       | [rbp - 64]
///        | previous LastExitPc                 | [rbp - 72]
///        | store context                       | [rbp - 80]
///        | slots                               | [rbp - 88]
///        | address of the trap landing pad     | [rbp - 96]  ← EntryStackPointer
///        | return area (extra results)         |
///        | stack arguments                     | [rbp - 96 - StackSize]  ← rsp at the call (16-aligned)
/// </code>
/// <para>Body: save the callee-saved registers and the previous entry state (so entries nest for
/// wasm → host → wasm); zero <see cref="VmStoreContext.TrapCode"/>; on the outermost entry (previous
/// EntryStackPointer 0) set <see cref="VmStoreContext.StackLimit"/> to <c>rsp - MaxWasmStack</c>, but not
/// below <see cref="StoreContextLayout.StackFloor"/>; push the landing pad's address and record rsp as the
/// EntryStackPointer; load the arguments from the slots into their <see cref="AbiSignature"/> locations,
/// r14 = callee VMContext; call; store the results into the slots; status 0. The trap paths
/// (<see cref="TrapUnwind"/>) set rsp to EntryStackPointer and <c>ret</c> into the landing pad, which
/// recomputes rbp from rsp and returns status 1. Both paths restore the previous entry state and the
/// callee-saved registers from the frame, as nothing in the registers can be trusted after a trap.</para>
/// </remarks>
internal static class EntryTrampoline
{
    const int SavedRegisters = 5;                       // rbx, r12, r13, r14, r15
    const int PrevEntrySp = -48, PrevStackLimit = -56, PrevExitFp = -64, PrevExitPc = -72;
    const int StoreSlot = -80, SlotsSlot = -88, LandingSlot = -96;
    static readonly Gpr[] s_saved = [Gpr.Rbx, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15];

    public static MachineCode Emit(FuncType type, int maxWasmStack)
    {
        var sig = AbiSignature.Of(type);
        var a = new MacroAssembler();
        Label landing = a.NewLabel(), restore = a.NewLabel(), nested = a.NewLabel();

        a.Push(Gpr.Rbp);
        a.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        foreach (Gpr r in s_saved) a.Push(r);
        a.Mov(Width.W64, Gpr.R12, Gpr.R8);               // store context
        foreach (int field in (ReadOnlySpan<int>)[VmStoreContext.EntryStackPointer, VmStoreContext.StackLimit,
                     VmStoreContext.LastExitFramePointer, VmStoreContext.LastExitPc])
        {
            a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R12, field));
            a.Push(Gpr.Rax);
        }
        a.Push(Gpr.R12);
        a.Push(Gpr.Rdx);
        a.Mov(Width.W64, Gpr.R13, Gpr.Rdx);              // slots
        a.Mov(Width.W64, Gpr.Rbx, Gpr.Rcx);              // code
        a.Mov(Width.W64, Gpr.R14, Gpr.Rdi);              // callee VMContext
        a.MovImm(Width.W32, Mem.At(Gpr.R12, VmStoreContext.TrapCode), 0);

        // The outermost entry sets the stack limit; nested ones keep it.
        a.Cmp(Width.W64, Mem.At(Gpr.R12, VmStoreContext.EntryStackPointer), 0);
        a.Jcc(Cond.NotEqual, nested);
        a.Lea(Width.W64, Gpr.Rax, Mem.At(Gpr.Rsp, -maxWasmStack));
        a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.R12, StoreContextLayout.StackFloor));
        a.Cmp(Width.W64, Gpr.Rax, Gpr.Rcx);
        a.Cmov(Cond.Below, Width.W64, Gpr.Rax, Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.R12, VmStoreContext.StackLimit), Gpr.Rax);
        a.Bind(nested);

        a.Lea(Width.W64, Gpr.Rax, Mem.Rip(landing));
        a.Push(Gpr.Rax);
        a.Mov(Width.W64, Mem.At(Gpr.R12, VmStoreContext.EntryStackPointer), Gpr.Rsp);
        if (sig.StackSize > 0) a.Sub(Width.W64, Gpr.Rsp, sig.StackSize);

        // Stack arguments first (they use rax as scratch), then the argument registers.
        ReadOnlySpan<AbiLocation> ps = sig.Params;
        for (int i = 0; i < ps.Length; i++)
            if (ps[i].IsStack) ValueMoves.Copy(a, type.Params[i], Mem.At(Gpr.Rsp, ps[i].Offset), Slot(Gpr.R13, i), Gpr.Rax);
        for (int i = 0; i < ps.Length; i++)
            if (!ps[i].IsStack) ValueMoves.Load(a, type.Params[i], ps[i], Slot(Gpr.R13, i));
        a.Call(Gpr.Rbx);

        // r13 (slots) and rbp survive the call: both are callee-saved.
        int returnArea = LandingSlot - sig.StackSize;     // rbp-relative address of offset 0 of the call area
        ReadOnlySpan<AbiLocation> rs = sig.Results;
        for (int i = 0; i < rs.Length; i++)
        {
            if (rs[i].IsStack) ValueMoves.Copy(a, type.Results[i], Slot(Gpr.R13, i), Mem.At(Gpr.Rbp, returnArea + rs[i].Offset), Gpr.Rcx);
            else ValueMoves.Store(a, type.Results[i], Slot(Gpr.R13, i), rs[i]);
        }
        a.Xor(Width.W32, Gpr.Rax, Gpr.Rax);
        a.Jmp(restore);

        // Trap landing pad: TrapUnwind's ret popped our landing slot, so rsp = rbp + LandingSlot + 8.
        a.Bind(landing);
        a.Lea(Width.W64, Gpr.Rbp, Mem.At(Gpr.Rsp, -(LandingSlot + 8)));
        a.MovImm(Width.W32, Gpr.Rax, 1);

        a.Bind(restore);
        a.Mov(Width.W64, Gpr.R12, Mem.At(Gpr.Rbp, StoreSlot));
        foreach ((int slot, int field) in (ReadOnlySpan<(int, int)>)[(PrevEntrySp, VmStoreContext.EntryStackPointer),
                     (PrevStackLimit, VmStoreContext.StackLimit), (PrevExitFp, VmStoreContext.LastExitFramePointer),
                     (PrevExitPc, VmStoreContext.LastExitPc)])
        {
            a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.Rbp, slot));
            a.Mov(Width.W64, Mem.At(Gpr.R12, field), Gpr.Rcx);
        }
        for (int i = 0; i < SavedRegisters; i++) a.Mov(Width.W64, s_saved[i], Mem.At(Gpr.Rbp, -8 * (i + 1)));
        a.Mov(Width.W64, Gpr.Rsp, Gpr.Rbp);
        a.Pop(Gpr.Rbp);
        a.Ret();
        return a.Finish();
    }

    static Mem Slot(Gpr slots, int index) => Mem.At(slots, 16 * index);
}
