using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Runtime.Trampolines;
using Hoist.Vm;

namespace Hoist.Runtime.Native;

/// <summary>
/// The machine code of the SIGSEGV/SIGBUS handler that turns a fault in wasm code into a trap, and of the
/// landing stub it resumes in. Raw code, because a managed handler cannot run in a signal context (DESIGN.md,
/// "Facts already measured"): it allocates nothing, takes no lock and calls nothing but the chained handler.
/// </summary>
/// <remarks>
/// <para><b>Handler</b> (SysV: rdi = signal, rsi = siginfo_t*, rdx = ucontext_t*). For a fault the kernel
/// raised (si_code &gt; 0; a signal sent with kill or sigqueue is never a trap) it reads the faulting pc
/// from the ucontext and scans <see cref="WasmCodeRanges"/>. If the pc lies in wasm code it emulates a call
/// from the faulting instruction to the landing stub: <c>rsp -= 8; [rsp] = pc; rip = landing</c>, with
/// rax = the module's store-context offset; then it returns, and the kernel resumes the thread there. The
/// wasm thread's registers r14 (VMContext) and rbp (frame) are untouched. Otherwise it chains: it jumps to
/// the handler it replaced (same arguments; that handler returns to the kernel itself), or, if that was
/// SIG_DFL or SIG_IGN, restores SIG_DFL with rt_sigaction and returns, so the instruction faults again and
/// the default action (a core dump) happens as if the runtime were not there.</para>
/// <para><b>Landing stub</b> (on the wasm thread, in its normal context): the trap handler's work, with
/// the faulting pc as the trap pc and <see cref="StoreContextLayout.TrapAtFault"/> set so the runtime looks
/// the pc up as an instruction, not a return address:</para>
/// <code>
///   mov  rax, [r14 + rax]          ; the store context
///   pop  rcx                       ; the faulting pc
///   mov  [rax + TrapPc], rcx
///   mov  [rax + TrapFramePointer], rbp
///   mov  qword [rax + TrapAtFault], 1
///   mov  r10, rbp
///   TrapUnwind                     ; backtrace, rsp = EntryStackPointer, ret to the entry's landing pad
/// </code>
/// <para><b>State</b> block (native, never freed): +0 the replaced SIGSEGV handler, +8 the replaced SIGBUS
/// handler (sa_handler values: 0 = SIG_DFL, 1 = SIG_IGN, else a function), +16 a zeroed kernel sigaction
/// (32 bytes: SIG_DFL, no flags, empty mask) for the restore.</para>
/// </remarks>
internal static class FaultHandlerCode
{
    public const int OldSegvField = 0, OldBusField = 8, DefaultActionField = 16, StateSize = 48;

    // glibc/kernel ucontext_t on x86-64: uc_mcontext.gregs starts at 40; REG_RAX = 13, REG_RSP = 15, REG_RIP = 16.
    const int UcGregs = 40, UcRax = UcGregs + 13 * 8, UcRsp = UcGregs + 15 * 8, UcRip = UcGregs + 16 * 8;
    const int SysRtSigaction = 13;
    const int SiCode = 8;                      // siginfo_t: si_signo, si_errno, si_code (int each)

    /// <summary>The handler at offset 0 and the landing stub at <paramref name="landingOffset"/>.</summary>
    public static MachineCode Emit(nint rangesTable, nint state, out int landingOffset)
    {
        var a = new MacroAssembler();
        Label loop = a.NewLabel(), next = a.NewLabel(), found = a.NewLabel(), notWasm = a.NewLabel(),
            bus = a.NewLabel(), chain = a.NewLabel(), landing = a.NewLabel();

        // ---- Is it a fault (si_code > 0: sent by the kernel for this instruction, not by kill or sigqueue) in wasm code?
        a.Cmp(Width.W32, Mem.At(Gpr.Rsi, SiCode), 0);
        a.Jcc(Cond.LessOrEqual, notWasm);
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rdx, UcRip));
        a.MovImm(Width.W64, Gpr.Rcx, rangesTable);
        a.Mov(Width.W64, Gpr.R8, Mem.At(Gpr.Rcx, 0));                   // slots in use
        a.Lea(Width.W64, Gpr.R9, Mem.At(Gpr.Rcx, WasmCodeRanges.HeaderSize));
        a.Bind(loop);
        a.Test(Width.W64, Gpr.R8, Gpr.R8);
        a.Jcc(Cond.Zero, notWasm);
        a.Mov(Width.W64, Gpr.R10, Mem.At(Gpr.R9, WasmCodeRanges.StartField));
        a.Test(Width.W64, Gpr.R10, Gpr.R10);
        a.Jcc(Cond.Zero, next);
        a.Cmp(Width.W64, Gpr.Rax, Gpr.R10);
        a.Jcc(Cond.Below, next);
        a.Cmp(Width.W64, Gpr.Rax, Mem.At(Gpr.R9, WasmCodeRanges.EndField));
        a.Jcc(Cond.AboveOrEqual, next);
        a.Mov(Width.W64, Gpr.R11, Mem.At(Gpr.R9, WasmCodeRanges.StoreContextField));
        a.Cmp(Width.W64, Gpr.R10, Mem.At(Gpr.R9, WasmCodeRanges.StartField));   // still the same registration
        a.Jcc(Cond.Equal, found);
        a.Bind(next);
        a.Add(Width.W64, Gpr.R9, WasmCodeRanges.SlotSize);
        a.Sub(Width.W64, Gpr.R8, 1);
        a.Jmp(loop);

        // ---- Wasm: emulate `call landing` from the faulting instruction.
        a.Bind(found);
        a.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.Rdx, UcRsp));
        a.Sub(Width.W64, Gpr.Rcx, 8);
        a.Mov(Width.W64, Mem.At(Gpr.Rcx, 0), Gpr.Rax);
        a.Mov(Width.W64, Mem.At(Gpr.Rdx, UcRsp), Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.Rdx, UcRax), Gpr.R11);
        a.Lea(Width.W64, Gpr.Rcx, Mem.Rip(landing));
        a.Mov(Width.W64, Mem.At(Gpr.Rdx, UcRip), Gpr.Rcx);
        a.Ret();

        // ---- Not wasm: chain to the replaced handler.
        a.Bind(notWasm);
        a.MovImm(Width.W64, Gpr.Rcx, state);
        a.Cmp(Width.W32, Gpr.Rdi, Libc.SIGBUS);
        a.Jcc(Cond.Equal, bus);
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rcx, OldSegvField));
        a.Jmp(chain);
        a.Bind(bus);
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rcx, OldBusField));
        a.Bind(chain);
        a.Cmp(Width.W64, Gpr.Rax, 1);
        Label dfl = a.NewLabel();
        a.Jcc(Cond.BelowOrEqual, dfl);
        a.Jmp(Gpr.Rax);                                                // rdi, rsi, rdx are still the kernel's
        a.Bind(dfl);
        // rt_sigaction(signal, &SIG_DFL action, NULL, sizeof(kernel sigset)); return to re-fault.
        a.Lea(Width.W64, Gpr.Rsi, Mem.At(Gpr.Rcx, DefaultActionField));
        a.Xor(Width.W32, Gpr.Rdx, Gpr.Rdx);
        a.MovImm(Width.W64, Gpr.R10, 8);
        a.MovImm(Width.W64, Gpr.Rax, SysRtSigaction);
        a.Buffer.EmitBytes([0x0F, 0x05]);                              // syscall
        a.Ret();

        // ---- The landing stub, on the wasm thread.
        a.Align(16);
        a.Bind(landing);
        landingOffset = a.Buffer.LabelOffset(landing);
        a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, Gpr.Rax, 1));
        a.Pop(Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapPc), Gpr.Rcx);
        a.Mov(Width.W64, Mem.At(Gpr.Rax, VmStoreContext.TrapFramePointer), Gpr.Rbp);
        a.MovImm(Width.W64, Mem.At(Gpr.Rax, StoreContextLayout.TrapAtFault), 1);
        a.Mov(Width.W64, Gpr.R10, Gpr.Rbp);
        TrapUnwind.Emit(a);
        return a.Finish();
    }
}
