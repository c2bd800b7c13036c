using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.RegAlloc;

namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// The x86-64 register model of the optimizing tier, per <see cref="Vm.Abi"/>:
/// <list type="bullet">
/// <item>Reserved, never allocated: rsp, rbp (frame pointer), r14 (the VMContext), r11 and xmm15 (emission
///   scratch: stack-to-stack moves, constants, sequences).</item>
/// <item>Allocatable: rax, rcx, rdx, rsi, rdi, r8, r9, r10 (caller-saved) then rbx, r12, r13, r15 (callee-saved,
///   pushed by the prologue when used); xmm0..xmm14 (all caller-saved).</item>
/// <item>A wasm call or a builtin clobbers every allocatable caller-saved register.</item>
/// </list>
/// Invariant kept by every lowering: an i32 value in a register has its upper 32 bits zero.
/// </summary>
public static class X64Regs
{
    public const Gpr Scratch = Gpr.R11;
    public const Xmm ScratchXmm = Xmm.Xmm15;

    public static PReg G(Gpr r) => new(RegClass.Int, (byte)r);
    public static PReg X(Xmm r) => new(RegClass.Float, (byte)r);

    static readonly Gpr[] s_callerSavedGpr = [Gpr.Rax, Gpr.Rcx, Gpr.Rdx, Gpr.Rsi, Gpr.Rdi, Gpr.R8, Gpr.R9, Gpr.R10];

    /// <summary>Callee-saved allocatable registers, in the order the prologue pushes them.</summary>
    public static readonly Gpr[] CalleeSavedGpr = [Gpr.Rbx, Gpr.R12, Gpr.R13, Gpr.R15];

    /// <summary>Caller-saved allocatable general-purpose registers (what the interrupt slow path preserves).</summary>
    public static ReadOnlySpan<Gpr> CallerSavedGpr => s_callerSavedGpr;

    public static readonly MachineEnv Env = BuildEnv();

    /// <summary>What a call clobbers: every allocatable caller-saved register of both classes.</summary>
    public static readonly PRegSet CallClobbers = BuildClobbers();

    static MachineEnv BuildEnv()
    {
        var ints = new List<PReg>();
        foreach (var r in s_callerSavedGpr) ints.Add(G(r));
        foreach (var r in CalleeSavedGpr) ints.Add(G(r));
        var floats = new List<PReg>();
        for (int i = 0; i < 15; i++) floats.Add(X((Xmm)i));
        var saved = PRegSet.Empty;
        foreach (var r in CalleeSavedGpr) saved = saved.With(G(r));
        return new MachineEnv([.. ints], [.. floats], saved);
    }

    static PRegSet BuildClobbers()
    {
        var set = PRegSet.Empty;
        foreach (var r in s_callerSavedGpr) set = set.With(G(r));
        for (int i = 0; i < 15; i++) set = set.With(X((Xmm)i));
        return set;
    }
}
