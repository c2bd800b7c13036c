using Hoist.Isa.X64;
using Iced.Intel;
using I = Iced.Intel.Instruction;
using Label = Hoist.Isa.Label;

namespace Hoist.Tests.Isa;

/// <summary>Condition codes: their meaning after <c>cmp a, b</c>, inversion and commutation.</summary>
public class CondTests
{
    private static readonly Cond[] All = Enum.GetValues<Cond>().Distinct().ToArray();
    private static readonly long[] Samples = [0, 1, -1, 2, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 0x80000000, 42, -42];

    /// <summary>Whether <paramref name="c"/> holds after a 64-bit <c>cmp a, b</c>, from the flags the subtraction sets.</summary>
    private static bool Holds(Cond c, long a, long b)
    {
        long r = unchecked(a - b);
        bool cf = (ulong)a < (ulong)b, zf = r == 0, sf = r < 0, of = ((a ^ b) & (a ^ r)) < 0;
        bool pf = System.Numerics.BitOperations.PopCount((ulong)(r & 0xFF)) % 2 == 0;
        bool holds = ((int)c >> 1) switch
        {
            0 => of, 1 => cf, 2 => zf, 3 => cf || zf, 4 => sf, 5 => pf, 6 => sf != of, _ => zf || sf != of,
        };
        return ((int)c & 1) == 0 ? holds : !holds;
    }

    [Fact]
    public void NamesMeanWhatTheySayAfterCmp()
    {
        foreach (long a in Samples)
        {
            foreach (long b in Samples)
            {
                Assert.Equal(a == b, Holds(Cond.Equal, a, b));
                Assert.Equal(a < b, Holds(Cond.Less, a, b));
                Assert.Equal(a <= b, Holds(Cond.LessOrEqual, a, b));
                Assert.Equal(a > b, Holds(Cond.Greater, a, b));
                Assert.Equal(a >= b, Holds(Cond.GreaterOrEqual, a, b));
                Assert.Equal((ulong)a < (ulong)b, Holds(Cond.Below, a, b));
                Assert.Equal((ulong)a <= (ulong)b, Holds(Cond.BelowOrEqual, a, b));
                Assert.Equal((ulong)a > (ulong)b, Holds(Cond.Above, a, b));
                Assert.Equal((ulong)a >= (ulong)b, Holds(Cond.AboveOrEqual, a, b));
            }
        }
    }

    [Fact]
    public void InvertNegatesAndMatchesIced()
    {
        foreach (Cond c in All)
        {
            foreach (long a in Samples)
                foreach (long b in Samples)
                    Assert.Equal(!Holds(c, a, b), Holds(c.Invert(), a, b));
            var asm = new MacroAssembler();
            Label l = asm.NewLabel();
            asm.Bind(l);
            asm.Jcc(c, l);
            asm.Jcc(c.Invert(), l);
            var decoded = IcedReference.DecodeAll(asm.Buffer.Code);
            I first = decoded[0];
            first.NegateConditionCode();
            Assert.Equal(decoded[1].Code, first.Code);
        }
    }

    [Fact]
    public void CommuteSwapsTheOperands()
    {
        foreach (Cond c in All)
        {
            if (c is Cond.Overflow or Cond.NoOverflow or Cond.Sign or Cond.NotSign or Cond.Parity or Cond.NotParity)
            {
                Assert.Throws<ArgumentException>(() => c.Commute());
                continue;
            }
            foreach (long a in Samples)
                foreach (long b in Samples)
                    Assert.Equal(Holds(c, a, b), Holds(c.Commute(), b, a));
        }
    }

    [Fact]
    public void AliasesAreTheSameCodes()
    {
        Assert.Equal(Cond.Below, Cond.Carry);
        Assert.Equal(Cond.AboveOrEqual, Cond.NotCarry);
        Assert.Equal(Cond.Equal, Cond.Zero);
        Assert.Equal(Cond.NotEqual, Cond.NotZero);
        Assert.Equal(16, All.Length);
    }
}
