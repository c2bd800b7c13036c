namespace Hoist.Isa.X64;

/// <summary>
/// An x86 condition code; the value is the hardware's 4-bit <c>cc</c> field, so flipping bit 0 inverts it.
/// Unsigned comparisons read Below/Above, signed ones Less/Greater.
/// </summary>
public enum Cond : byte
{
    Overflow = 0x0,
    NoOverflow = 0x1,
    Below = 0x2,
    AboveOrEqual = 0x3,
    Equal = 0x4,
    NotEqual = 0x5,
    BelowOrEqual = 0x6,
    Above = 0x7,
    Sign = 0x8,
    NotSign = 0x9,
    Parity = 0xA,
    NotParity = 0xB,
    Less = 0xC,
    GreaterOrEqual = 0xD,
    LessOrEqual = 0xE,
    Greater = 0xF,

    Carry = Below,
    NotCarry = AboveOrEqual,
    Zero = Equal,
    NotZero = NotEqual,
}

/// <summary>Helpers over <see cref="Cond"/>.</summary>
public static class Conds
{
    /// <summary>The condition that holds exactly when <paramref name="c"/> does not.</summary>
    public static Cond Invert(this Cond c) => (Cond)((int)c ^ 1);

    /// <summary>
    /// The condition that gives the same answer with the compared operands swapped (<c>a &lt; b</c> ⇔ <c>b &gt; a</c>).
    /// Only comparisons commute; flag tests (overflow, sign, parity) throw.
    /// </summary>
    public static Cond Commute(this Cond c) => c switch
    {
        Cond.Equal or Cond.NotEqual => c,
        Cond.Below => Cond.Above,
        Cond.Above => Cond.Below,
        Cond.BelowOrEqual => Cond.AboveOrEqual,
        Cond.AboveOrEqual => Cond.BelowOrEqual,
        Cond.Less => Cond.Greater,
        Cond.Greater => Cond.Less,
        Cond.LessOrEqual => Cond.GreaterOrEqual,
        Cond.GreaterOrEqual => Cond.LessOrEqual,
        _ => throw new ArgumentException($"{c} is not a comparison", nameof(c)),
    };
}
