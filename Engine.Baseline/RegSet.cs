using System.Numerics;
using Hoist.Isa.X64;

namespace Hoist.Baseline;

/// <summary>A set of registers of one class (bit n = hardware register n).</summary>
internal struct RegSet(uint bits)
{
    public uint Bits = bits;

    public readonly bool IsEmpty => Bits == 0;
    public readonly bool Contains(int reg) => (Bits & (1u << reg)) != 0;
    public void Add(int reg) => Bits |= 1u << reg;
    public void Remove(int reg) => Bits &= ~(1u << reg);
    public readonly int First => BitOperations.TrailingZeroCount(Bits);
    public readonly int Count => BitOperations.PopCount(Bits);

    public static RegSet Of(params ReadOnlySpan<Gpr> regs)
    {
        var s = new RegSet(0);
        foreach (Gpr r in regs) s.Add((int)r);
        return s;
    }
}
