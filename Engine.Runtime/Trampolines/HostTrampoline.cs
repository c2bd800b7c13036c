using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;
using Code = Iced.Intel.Code;
using Instruction = Iced.Intel.Instruction;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The wasm-to-host trampoline of one signature: the code pointer of every host-defined function of that
/// type (in import entries, table elements and funcrefs). Generated at run time per canonical function
/// type and cached by the engine.
/// </summary>
/// <remarks>
/// <para>Called by wasm code under <see cref="Abi"/>: r14 = the host function's block
/// (<see cref="HostContextLayout"/>), arguments in their <see cref="AbiSignature"/> locations. It spills
/// the arguments into 16-byte value slots on its own stack, records the exit (frame pointer and pc) in the
/// store context, and calls the dispatcher, an <c>[UnmanagedCallersOnly]</c> .NET method, through an
/// absolute address: <c>int dispatch(host function handle, host block, slots*)</c>. On status 0 it loads
/// the results from the slots into their ABI locations (extra results into the caller's return area) and
/// returns popping the stack arguments. On a non-zero status the dispatcher has already written the trap
/// code (<see cref="TrapCode.HostError"/>, or the code of a trap it propagates) into the store context;
/// the trampoline then does what the trap handler does, with the wasm caller as the trapping frame: trap
/// pc = its return address, frame pointer = its rbp, then <see cref="TrapUnwind"/>.</para>
/// <para>Frame (one line = 8 bytes):</para>
/// <code>
///        | caller's return area (extra results) |
///        | stack arguments                      | [rbp + 16] ..
///        | return address into wasm             | [rbp + 8]
/// rbp →  | caller's rbp                         | [rbp + 0]
///        | saved r14 (the host block)           | [rbp - 8]   (as every wasm frame has)
///        | padding                              | [rbp - 16]
///        | value slots, 16 bytes each           | [rsp + 16 * i]  (rsp 16-aligned at the dispatcher call)
/// </code>
/// The frame follows the wasm frame convention, so frame-pointer walks pass through it.
/// </remarks>
internal static class HostTrampoline
{
    public static MachineCode Emit(FuncType type, nint dispatcher)
    {
        var sig = AbiSignature.Of(type);
        var a = new MacroAssembler();
        Label trap = a.NewLabel();
        int slots = Math.Max(type.Params.Length, type.Results.Length);

        a.Push(Gpr.Rbp);
        a.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        a.Push(Gpr.R14);
        a.Sub(Width.W64, Gpr.Rsp, 16 * slots + 8);

        ReadOnlySpan<AbiLocation> ps = sig.Params;
        for (int i = 0; i < ps.Length; i++)
            if (!ps[i].IsStack) ValueMoves.Store(a, type.Params[i], Slot(i), ps[i]);
        for (int i = 0; i < ps.Length; i++)
            if (ps[i].IsStack) ValueMoves.Copy(a, type.Params[i], Slot(i), Mem.At(Gpr.Rbp, 16 + ps[i].Offset), Gpr.Rax);

        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, HostContextLayout.StoreContext));
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.LastExitFramePointer), Gpr.Rbp);
        a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.Rbp, 8));
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.LastExitPc), Gpr.Rcx);
        a.Mov(Width.W64, Gpr.Rdi, Mem.At(Gpr.R14, HostContextLayout.FunctionHandle));
        a.Mov(Width.W64, Gpr.Rsi, Gpr.R14);
        a.Mov(Width.W64, Gpr.Rdx, Gpr.Rsp);
        a.MovImm(Width.W64, Gpr.Rax, dispatcher);
        a.Call(Gpr.Rax);                                  // r14 survives: callee-saved in the C ABI
        a.Test(Width.W32, Gpr.Rax, Gpr.Rax);
        a.Jcc(Cond.NotZero, trap);

        ReadOnlySpan<AbiLocation> rs = sig.Results;
        for (int i = 0; i < rs.Length; i++)
        {
            if (rs[i].IsStack) ValueMoves.Copy(a, type.Results[i], Mem.At(Gpr.Rbp, 16 + rs[i].Offset), Slot(i), Gpr.Rcx);
            else ValueMoves.Load(a, type.Results[i], rs[i], Slot(i));
        }
        a.Mov(Width.W64, Gpr.Rsp, Gpr.Rbp);
        a.Pop(Gpr.Rbp);
        if (sig.StackArgsSize == 0) a.Ret();
        else a.Emit(Instruction.Create(Code.Retnq_imm16, sig.StackArgsSize));

        // Failure: the wasm caller is the trapping frame.
        a.Bind(trap);
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, HostContextLayout.StoreContext));
        a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.Rbp, 8));
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapPc), Gpr.Rcx);
        a.Mov(Width.W64, Gpr.R10, Mem.At(Gpr.Rbp, 0));
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapFramePointer), Gpr.R10);
        TrapUnwind.Emit(a);
        return a.Finish();
    }

    static Mem Slot(int index) => Mem.At(Gpr.Rsp, 16 * index);
}
