namespace Hoist.Vm;

/// <summary>
/// Hoist's one internal calling convention for wasm-to-wasm calls on x86-64, shared by both tiers.
/// Any compiled function can call any other, in any instance, directly, through an import, a table
/// or a function reference, because they all follow these rules.
///
/// <para><b>Registers.</b></para>
/// <list type="bullet">
/// <item><b>r14 = VMContext</b> of the instance whose code is running. On entry to a function it holds the
///   callee's VMContext. It is callee-saved: a function that calls into another instance (import,
///   call_indirect, call_ref, return_call_*) loads the target's VMContext into r14 for the call and
///   restores its own afterwards (from its frame slot, see below).</item>
/// <item><b>rbp</b> = frame pointer (always kept, so backtraces can walk frames); <b>rsp</b> 16-byte aligned
///   at every call instruction.</item>
/// <item>Integer and reference arguments, in order: <c>rdi, rsi, rdx, rcx, r8, r9</c>; float and vector
///   arguments, in order: <c>xmm0..xmm7</c>. Each class is assigned independently (as in SysV).
///   Arguments that do not fit go to the stack (see the frame), in parameter order, 8 bytes each
///   (16 for v128, 16-aligned).</item>
/// <item>Results: the first integer/reference result in <c>rax</c>, the first float/vector result in
///   <c>xmm0</c>; every further result goes to the <b>return area</b> (stack slots above the stack
///   arguments, written by the callee, read by the caller after the call).</item>
/// <item>Callee-saved: <c>rbx, rbp, r12, r13, r14, r15</c>. Everything else, including every xmm
///   register, is caller-saved (clobbered by a call).</item>
/// <item><b>Callee pops</b> its stack arguments (<c>ret n</c>), so a tail call can replace a frame
///   by one with a different number of stack arguments.</item>
/// </list>
///
/// <para><b>Frame</b> (addresses grow upwards; one line is 8 bytes):</para>
/// <code>
///        | caller's frame ...                     |
///        | return area: extra results (callee writes)| ← reserved by the caller, above the stack args
///        | stack argument n-1                     |
///        | ...                                    |
///        | stack argument 0                       | ← [rbp + 16]
///        | return address                         | ← [rbp + 8]
/// rbp →  | caller's rbp                           | ← [rbp + 0]
///        | saved r14 (own VMContext)              | ← [rbp - 8]   (every function; see r14 rule)
///        | callee-saved registers it uses         |
///        | locals and spill slots                 |
///        | outgoing stack args / return areas     |
/// rsp →  |                                        | (16-aligned before each call)
/// </code>
///
/// <para><b>Prologue</b>: <c>push rbp; mov rbp, rsp; push r14</c>; then the stack check
/// (<see cref="VmOffsets.StackLimit"/>): if <c>rsp - frameSize</c> is below the limit, trap with
/// "call stack exhausted"; then reserve the frame. Epilogue: restore, <c>leave; ret n</c>.</para>
///
/// <para><b>Traps</b>: compiled code jumps to a trap stub that stores the trap code, the faulting pc and
/// rbp in the store's <see cref="VmOffsets"/> runtime-limits block and jumps to the entry trampoline's
/// unwind point, which restores the stack pointer saved at entry, pops the callee-saved registers and
/// returns a status. No .NET exception ever unwinds through wasm frames.</para>
/// </summary>
public static class Abi
{
    /// <summary>The number of integer/reference argument registers (rdi, rsi, rdx, rcx, r8, r9).</summary>
    public const int IntArgRegisters = 6;

    /// <summary>The number of float/vector argument registers (xmm0..xmm7).</summary>
    public const int FloatArgRegisters = 8;

    /// <summary>Results returned in registers per class (rax; xmm0). The rest use the return area.</summary>
    public const int RegisterResultsPerClass = 1;

    /// <summary>Offset from rbp of the slot holding the function's own VMContext.</summary>
    public const int SavedVmContextOffset = -8;
}
