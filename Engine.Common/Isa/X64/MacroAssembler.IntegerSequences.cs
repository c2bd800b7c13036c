using Hoist.Vm;

namespace Hoist.Isa.X64;

/// <summary>Which of wasm's four integer divisions a <see cref="MacroAssembler.IntDivRem(DivKind, Width, Gpr)"/> sequence computes.</summary>
public enum DivKind : byte
{
    DivS,
    DivU,
    RemS,
    RemU,
}

/// <summary>Helpers over <see cref="DivKind"/>.</summary>
public static class DivKinds
{
    public static bool IsSigned(this DivKind k) => k is DivKind.DivS or DivKind.RemS;
    public static bool IsRemainder(this DivKind k) => k is DivKind.RemS or DivKind.RemU;

    /// <summary>Where the result is: rax for a quotient, rdx for a remainder.</summary>
    public static Gpr Result(this DivKind k) => k.IsRemainder() ? Gpr.Rdx : Gpr.Rax;
}

// Integer division and remainder with wasm's checks, shared by both compilers. Register constraints (fixed
// by the hardware's div/idiv): the dividend is in rax on entry (a 32-bit one in eax: the upper half and rdx
// are ignored, and 32-bit results are zero-extended); rax and rdx are both clobbered; the result
// is in rax (quotient) or rdx (remainder), see DivKinds.Result; the divisor is in any other register or in
// memory (not based on rax/rdx) and is preserved. Clobbers the flags. Traps, as the spec says:
// IntegerDivideByZero for a zero divisor (every kind), IntegerOverflow for signed division of the minimum by
// -1; the signed remainder of the minimum by -1 is 0 (idiv would fault, so -1 takes a side path).
public sealed partial class MacroAssembler
{
    /// <summary>
    /// wasm <c>iNN.div_s/div_u/rem_s/rem_u</c> by a register: see the file comment for the rdx:rax contract.
    /// <paramref name="divisor"/> must not be rax or rdx. <paramref name="w"/> is 32 or 64.
    /// </summary>
    public void IntDivRem(DivKind kind, Width w, Gpr divisor)
    {
        if (divisor is Gpr.Rax or Gpr.Rdx) throw new ArgumentException("the divisor must not be rax or rdx", nameof(divisor));
        CheckDivWidth(w);
        Test(w, divisor, divisor);
        TrapIf(Cond.Zero, TrapCode.IntegerDivideByZero);
        DivRemChecked(kind, w, divisor, default, inRegister: true);
    }

    /// <summary>
    /// As <see cref="IntDivRem(DivKind, Width, Gpr)"/> with the divisor in memory (its address must not use rax or rdx).
    /// </summary>
    public void IntDivRem(DivKind kind, Width w, Mem divisor)
    {
        CheckDivWidth(w);
        Cmp(w, divisor, 0);
        TrapIf(Cond.Zero, TrapCode.IntegerDivideByZero);
        DivRemChecked(kind, w, default, divisor, inRegister: false);
    }

    /// <summary>
    /// As <see cref="IntDivRem(DivKind, Width, Gpr)"/> by a constant <paramref name="divisor"/> (read at the width:
    /// a 32-bit one is sign-extended). Needs no runtime checks: 0 traps unconditionally (the code after it is
    /// then dead but still emitted), signed -1 is a negation (trapping on the minimum) or 0, anything else is
    /// loaded into <paramref name="tmp"/> (≠ rax, rdx) and divided by.
    /// </summary>
    public void IntDivRemByConst(DivKind kind, Width w, long divisor, Gpr tmp)
    {
        if (tmp is Gpr.Rax or Gpr.Rdx) throw new ArgumentException("the divisor temporary must not be rax or rdx", nameof(tmp));
        CheckDivWidth(w);
        if (w == Width.W32) divisor = (int)divisor;
        if (divisor == 0)
        {
            Trap(TrapCode.IntegerDivideByZero);
            return;
        }
        if (kind.IsSigned() && divisor == -1)
        {
            DivByMinusOne(kind, w);
            return;
        }
        MovImm(w, tmp, w == Width.W32 ? (uint)divisor : divisor);
        if (kind.IsSigned()) { SignExtendAxToDx(w); Idiv(w, tmp); }
        else { Xor(Width.W32, Gpr.Rdx, Gpr.Rdx); Div(w, tmp); }
    }

    private static void CheckDivWidth(Width w)
    {
        if (w is not (Width.W32 or Width.W64)) throw new ArgumentException("wasm divides 32 or 64 bits", nameof(w));
    }

    // After the zero check: unsigned divides at once; signed sends -1 to the side path first.
    private void DivRemChecked(DivKind kind, Width w, Gpr reg, Mem mem, bool inRegister)
    {
        if (!kind.IsSigned())
        {
            Xor(Width.W32, Gpr.Rdx, Gpr.Rdx);
            if (inRegister) Div(w, reg); else Div(w, mem);
            return;
        }
        Label general = NewLabel(), done = NewLabel();
        if (inRegister) Cmp(w, reg, -1); else Cmp(w, mem, -1);
        Jcc(Cond.NotEqual, general, JumpDistance.Short);
        DivByMinusOne(kind, w);
        Jmp(done, JumpDistance.Short);
        Bind(general);
        SignExtendAxToDx(w);
        if (inRegister) Idiv(w, reg); else Idiv(w, mem);
        Bind(done);
    }

    // Division by -1 is negation, which overflows only for the minimum; the remainder is 0.
    private void DivByMinusOne(DivKind kind, Width w)
    {
        if (kind.IsRemainder()) Xor(Width.W32, Gpr.Rdx, Gpr.Rdx);
        else
        {
            Neg(w, Gpr.Rax);
            TrapIf(Cond.Overflow, TrapCode.IntegerOverflow);
        }
    }
}
