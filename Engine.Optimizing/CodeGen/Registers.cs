namespace Hoist.Optimizing.CodeGen;

/// <summary>A register class: general-purpose (integers, references, addresses) or float/vector.</summary>
public enum RegClass : byte { Int, Float }

/// <summary>A physical register of an ISA: its class and hardware number (x64: the Gpr or Xmm number).</summary>
public readonly record struct PReg(RegClass Class, byte Hw)
{
    /// <summary>A dense index over both classes (Int 0..31, Float 32..63), for bit sets and tables.</summary>
    public int Index => (int)Class * 32 + Hw;

    public static PReg FromIndex(int index) => new((RegClass)(index >> 5), (byte)(index & 31));

    public override string ToString() => (Class == RegClass.Int ? "r" : "f") + Hw;
}

/// <summary>A set of physical registers (both classes), as a 64-bit mask of <see cref="PReg.Index"/>.</summary>
public readonly record struct PRegSet(ulong Bits)
{
    public static readonly PRegSet Empty = new(0);
    public bool Contains(PReg r) => (Bits & (1UL << r.Index)) != 0;
    public PRegSet With(PReg r) => new(Bits | (1UL << r.Index));
    public PRegSet Union(PRegSet o) => new(Bits | o.Bits);
    public bool IsEmpty => Bits == 0;

    public IEnumerable<PReg> Registers()
    {
        for (ulong b = Bits; b != 0; b &= b - 1) yield return PReg.FromIndex(System.Numerics.BitOperations.TrailingZeroCount(b));
    }
}

/// <summary>A virtual register: a dense index into its function's VCode (which records its class).</summary>
public readonly record struct VReg(int Index)
{
    public static readonly VReg None = new(-1);
    public bool IsValid => Index >= 0;
    public override string ToString() => IsValid ? "%" + Index : "%?";
}

/// <summary>A spill slot of the frame, sized and aligned for its class; allocated by the register allocator.</summary>
public readonly record struct SpillSlot(int Index)
{
    public override string ToString() => "slot" + Index;
}

public enum AllocationKind : byte { None, Reg, Stack }

/// <summary>Where a value lives at one point: a physical register or a spill slot.</summary>
public readonly record struct Allocation(AllocationKind Kind, int Bits)
{
    public static readonly Allocation None = default;
    public static Allocation InReg(PReg r) => new(AllocationKind.Reg, r.Index);
    public static Allocation InStack(SpillSlot s) => new(AllocationKind.Stack, s.Index);

    public PReg Reg => Kind == AllocationKind.Reg ? PReg.FromIndex(Bits) : throw new InvalidOperationException("not a register");
    public SpillSlot Slot => Kind == AllocationKind.Stack ? new SpillSlot(Bits) : throw new InvalidOperationException("not a stack slot");

    public override string ToString() => Kind switch
    {
        AllocationKind.Reg => Reg.ToString(),
        AllocationKind.Stack => Slot.ToString(),
        _ => "none",
    };
}
