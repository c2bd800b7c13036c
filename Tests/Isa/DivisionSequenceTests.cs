using Hoist.Isa.X64;
using Hoist.Optimizing.Ir;
using Hoist.Vm;
using static Hoist.Tests.Isa.NativeSequence;
using static Hoist.Tests.Isa.SequenceInputs;

namespace Hoist.Tests.Isa;

/// <summary>
/// The shared division/remainder sequences run natively on every pair of edge values: results against
/// <see cref="Eval"/>, traps as the spec says (zero divisor: divide by zero; MIN / -1: overflow; MIN % -1 = 0),
/// the divisor preserved, 32-bit results zero-extended.
/// </summary>
public class DivisionSequenceTests
{
    public static TheoryData<DivKind, Width> Kinds()
    {
        var data = new TheoryData<DivKind, Width>();
        foreach (DivKind k in Enum.GetValues<DivKind>())
        foreach (Width w in new[] { Width.W32, Width.W64 })
            data.Add(k, w);
        return data;
    }

    private static Op OpOf(DivKind k) => k switch
    {
        DivKind.DivS => Op.Sdiv,
        DivKind.DivU => Op.Udiv,
        DivKind.RemS => Op.Srem,
        _ => Op.Urem,
    };

    private static void Check(NativeSequence f, DivKind kind, Width w, ulong x, ulong y, bool divisorPreserved)
    {
        string what = $"{kind} {w} ({x:x}, {y:x})";
        bool ok = Reference(OpOf(kind), Ir(w), 0, [x, y], [Ir(w), Ir(w)], out ulong expected);
        (ulong r, ulong divisorAfter, TrapCode? trap) = f.Run(x, y);
        if (!ok)
        {
            TrapCode code = Mask(w, y) == 0 ? TrapCode.IntegerDivideByZero : TrapCode.IntegerOverflow;
            Assert.True(trap == code, $"{what}: expected trap {code}, got {(trap is null ? $"0x{r:x}" : trap)}");
            return;
        }
        Assert.True(trap is null, $"{what}: trapped with {trap}, expected 0x{expected:x}");
        Assert.True(expected == r, $"{what}: got 0x{r:x}, expected 0x{expected:x}");
        if (divisorPreserved) Assert.True(divisorAfter == y, $"{what}: the divisor was not preserved");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ByRegisterAndByMemory(DivKind kind, Width w)
    {
        foreach (Gpr divisor in new[] { Gpr.Rcx, Gpr.R10 })
        {
            using var f = new NativeSequence(a =>
            {
                a.Mov(Width.W64, Gpr.Rax, In0); // 32-bit operands keep garbage upper halves
                a.Mov(Width.W64, divisor, In1);
                a.IntDivRem(kind, w, divisor);
                a.Mov(Width.W64, Out0, kind.Result());
                a.Mov(Width.W64, Out1, divisor);
            });
            foreach (ulong x in Ints(w))
            foreach (ulong y in Ints(w))
                Check(f, kind, w, x, y, divisorPreserved: true);
        }
        using var m = new NativeSequence(a =>
        {
            a.Mov(Width.W64, Gpr.Rax, In0);
            a.IntDivRem(kind, w, In1);
            a.Mov(Width.W64, Out0, kind.Result());
        });
        foreach (ulong x in Ints(w))
        foreach (ulong y in Ints(w))
            Check(m, kind, w, x, y, divisorPreserved: false);
        Assert.Throws<ArgumentException>(() => new MacroAssembler().IntDivRem(kind, w, Gpr.Rdx));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ByConstant(DivKind kind, Width w)
    {
        foreach (ulong y in Ints(w))
        {
            long divisor = w == Width.W64 ? (long)y : (int)(uint)y;
            using var f = new NativeSequence(a =>
            {
                a.Mov(Width.W64, Gpr.Rax, In0);
                a.IntDivRemByConst(kind, w, divisor, Gpr.R9);
                a.Mov(Width.W64, Out0, kind.Result());
            });
            foreach (ulong x in Ints(w))
                Check(f, kind, w, x, y, divisorPreserved: false);
        }
        Assert.Throws<ArgumentException>(() => new MacroAssembler().IntDivRemByConst(kind, w, 3, Gpr.Rax));
    }
}
