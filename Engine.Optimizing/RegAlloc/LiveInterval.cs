using Hoist.Optimizing.CodeGen;

namespace Hoist.Optimizing.RegAlloc;

/// <summary>
/// Positions: instruction i has four, <c>4i</c> (before it: moves inserted there), <c>4i+1</c> (early: its
/// inputs are read), <c>4i+2</c> (late: its outputs are written), <c>4i+3</c> (after it). Ranges are half-open.
/// </summary>
static class Pos
{
    public static int Before(int inst) => 4 * inst;
    public static int Early(int inst) => 4 * inst + 1;
    public static int Late(int inst) => 4 * inst + 2;
    public static int After(int inst) => 4 * inst + 3;
    public static int InstOf(int pos) => pos >> 2;
}

/// <summary>A position where an interval's value is needed, and whether it must be in a register there.</summary>
readonly record struct UsePos(int Pos, bool RequiresReg, int Hint);

/// <summary>
/// The lifetime of one virtual register, or of one piece of it after splitting: sorted disjoint ranges
/// with holes, the positions that use it, and where the allocator put it (a register, or the vreg's spill
/// slot). Splitting at a position moves the later ranges and uses to a new child of the same vreg.
/// </summary>
sealed class LiveInterval(VReg vreg, RegClass cls)
{
    public readonly VReg VReg = vreg;
    public readonly RegClass Class = cls;
    public readonly List<(int From, int To)> Ranges = new();
    public readonly List<UsePos> Uses = new();
    /// <summary>The register (a <see cref="PReg.Index"/>), or -1.</summary>
    public int Reg = -1;
    public bool Spilled;
    /// <summary>This piece begins by loading the value from the vreg's spill slot (which therefore still holds it).</summary>
    public bool IsReload;
    /// <summary>A register that would save a move (a fixed operand's register).</summary>
    public int Hint = -1;
    /// <summary>A vreg whose register would save a move (a reused input, a block argument), or -1.</summary>
    public int HintVReg = -1;
    /// <summary>For the first piece of a reuse def: the vreg of the input it reuses (which may hand its register over), or -1.</summary>
    public int ReuseVReg = -1;

    public int Start => Ranges[0].From;
    public int End => Ranges[^1].To;
    public bool IsEmpty => Ranges.Count == 0;

    /// <summary>Adds [from, to), merging with an overlapping or adjacent first range (ranges are built backwards).</summary>
    public void AddRange(int from, int to)
    {
        if (Ranges.Count > 0 && Ranges[0].From <= to)
        {
            Ranges[0] = (Math.Min(from, Ranges[0].From), Math.Max(to, Ranges[0].To));
            return;
        }
        Ranges.Insert(0, (from, to));
    }

    /// <summary>
    /// A definition at <paramref name="pos"/>: the first range starts there and lasts at least until
    /// <paramref name="minEnd"/> (so every def of one instruction overlaps the others, even a dead one).
    /// </summary>
    public void SetFrom(int pos, int minEnd)
    {
        if (Ranges.Count == 0) Ranges.Add((pos, minEnd));
        else Ranges[0] = (pos, Math.Max(Ranges[0].To, minEnd));
    }

    public void AddUse(UsePos u)
    {
        int i = Uses.Count;
        while (i > 0 && Uses[i - 1].Pos > u.Pos) i--;
        Uses.Insert(i, u);
    }

    public bool Covers(int pos)
    {
        foreach (var (from, to) in Ranges)
        {
            if (pos < from) return false;
            if (pos < to) return true;
        }
        return false;
    }

    /// <summary>The first position ≥ <paramref name="pos"/> in [<paramref name="from"/>, <paramref name="to"/>) that this interval covers, or int.MaxValue.</summary>
    public int NextIntersection(int from, int to, int pos)
    {
        foreach (var (a, b) in Ranges)
        {
            int lo = Math.Max(Math.Max(a, from), pos), hi = Math.Min(b, to);
            if (lo < hi) return lo;
            if (a >= to) break;
        }
        return int.MaxValue;
    }

    /// <summary>The first position ≥ <paramref name="pos"/> covered by both intervals, or int.MaxValue.</summary>
    public int NextIntersection(List<(int From, int To)> other, int pos)
    {
        int i = 0, j = 0;
        while (i < Ranges.Count && j < other.Count)
        {
            var a = Ranges[i];
            var b = other[j];
            int lo = Math.Max(Math.Max(a.From, b.From), pos), hi = Math.Min(a.To, b.To);
            if (lo < hi) return lo;
            if (a.To <= b.To) i++; else j++;
        }
        return int.MaxValue;
    }

    /// <summary>The first use at or after <paramref name="pos"/> that needs a register, or int.MaxValue.</summary>
    public int NextRegUse(int pos)
    {
        foreach (var u in Uses) if (u.Pos >= pos && u.RequiresReg) return u.Pos;
        return int.MaxValue;
    }

    /// <summary>The first use at or after <paramref name="pos"/>, or int.MaxValue.</summary>
    public int NextUse(int pos)
    {
        foreach (var u in Uses) if (u.Pos >= pos) return u.Pos;
        return int.MaxValue;
    }

    /// <summary>Moves everything from <paramref name="pos"/> on into a new interval of the same vreg (which this one no longer covers).</summary>
    public LiveInterval SplitAt(int pos)
    {
        var child = new LiveInterval(VReg, Class) { Hint = Hint, HintVReg = HintVReg };
        for (int i = 0; i < Ranges.Count; i++)
        {
            var (from, to) = Ranges[i];
            if (to <= pos) continue;
            if (from < pos)
            {
                child.Ranges.Add((pos, to));
                Ranges[i] = (from, pos);
                i++;
            }
            child.Ranges.AddRange(Ranges.GetRange(i, Ranges.Count - i));
            Ranges.RemoveRange(i, Ranges.Count - i);
            break;
        }
        int u = Uses.FindIndex(x => x.Pos >= pos);
        if (u >= 0)
        {
            child.Uses.AddRange(Uses.GetRange(u, Uses.Count - u));
            Uses.RemoveRange(u, Uses.Count - u);
        }
        return child;
    }

    public override string ToString() =>
        $"{VReg}[{string.Join(",", Ranges.Select(r => $"{r.From}-{r.To}"))}]" + (Reg >= 0 ? " " + PReg.FromIndex(Reg) : Spilled ? " spilled" : "");
}
