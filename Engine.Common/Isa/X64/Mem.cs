namespace Hoist.Isa.X64;

/// <summary>
/// A memory operand: <c>[base + index*scale + disp]</c> (base or index may be absent, not both), or
/// <c>[rip + label]</c>, a label in the same function (code, a jump table or a pool constant).
/// Eight bytes, passed by value.
/// </summary>
/// <remarks>
/// rsp cannot be an index (x86 has no encoding for it). The width of the access is given by the
/// instruction, not the operand. The encoder picks the shortest form: no displacement when it is 0
/// (except for rbp/r13 bases, which need a disp8 of 0), disp8 when it fits, disp32 otherwise; and a SIB
/// byte when there is an index or the base is rsp/r12.
/// </remarks>
public readonly struct Mem
{
    internal const byte NoReg = 0xFF;

    /// <summary>The displacement, or the label id for a RIP-relative operand.</summary>
    internal readonly int Disp;
    internal readonly byte Base;
    internal readonly byte Index;
    internal readonly byte ScaleLog2;
    internal readonly bool IsRip;

    private Mem(byte @base, byte index, byte scaleLog2, int disp, bool isRip)
    {
        Base = @base;
        Index = index;
        ScaleLog2 = scaleLog2;
        Disp = disp;
        IsRip = isRip;
    }

    /// <summary><c>[base + disp]</c>.</summary>
    public static Mem At(Gpr @base, int disp = 0) => new((byte)@base, NoReg, 0, disp, false);

    /// <summary><c>[base + index*scale + disp]</c>; scale is 1, 2, 4 or 8.</summary>
    public static Mem At(Gpr @base, Gpr index, int scale, int disp = 0) =>
        new((byte)@base, CheckIndex(index), ScaleLog2Of(scale), disp, false);

    /// <summary><c>[index*scale + disp]</c>, with no base (always a disp32).</summary>
    public static Mem Indexed(Gpr index, int scale, int disp) => new(NoReg, CheckIndex(index), ScaleLog2Of(scale), disp, false);

    /// <summary><c>[rip + label]</c>: the address of <paramref name="label"/>.</summary>
    public static Mem Rip(Label label)
    {
        if (!label.IsValid) throw new ArgumentException("not a label", nameof(label));
        return new(NoReg, NoReg, 0, label.Id, true);
    }

    public bool HasBase => Base != NoReg;
    public bool HasIndex => Index != NoReg;
    public Gpr BaseReg => HasBase ? (Gpr)Base : throw new InvalidOperationException("no base register");
    public Gpr IndexReg => HasIndex ? (Gpr)Index : throw new InvalidOperationException("no index register");
    public int Scale => 1 << ScaleLog2;
    public int Displacement => IsRip ? throw new InvalidOperationException("a RIP-relative operand has a label, not a displacement") : Disp;
    public Label Label => IsRip ? new Label(Disp) : throw new InvalidOperationException("not a RIP-relative operand");

    /// <summary>The same operand <paramref name="delta"/> bytes further (not for RIP-relative operands).</summary>
    public Mem Offset(int delta)
    {
        if (IsRip) throw new InvalidOperationException("cannot offset a RIP-relative operand");
        return new(Base, Index, ScaleLog2, checked(Disp + delta), false);
    }

    private static byte CheckIndex(Gpr index) =>
        index == Gpr.Rsp ? throw new ArgumentException("rsp cannot be an index register", nameof(index)) : (byte)index;

    private static byte ScaleLog2Of(int scale) => scale switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        8 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be 1, 2, 4 or 8"),
    };

    public override string ToString()
    {
        if (IsRip) return $"[rip+{Label}]";
        string s = HasBase ? ((Gpr)Base).ToString().ToLowerInvariant() : "";
        if (HasIndex) s += (s.Length > 0 ? "+" : "") + ((Gpr)Index).ToString().ToLowerInvariant() + "*" + Scale;
        if (Disp != 0 || s.Length == 0) s += (Disp < 0 ? "-" : "+") + Math.Abs((long)Disp).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + s + "]";
    }
}
