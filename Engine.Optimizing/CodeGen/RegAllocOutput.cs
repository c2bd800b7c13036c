namespace Hoist.Optimizing.CodeGen;

/// <summary>A point between instructions: just before or just after instruction <see cref="Inst"/>.</summary>
public readonly record struct ProgPoint(int Inst, bool After)
{
    public static ProgPoint Before(int inst) => new(inst, false);
    public static ProgPoint AfterInst(int inst) => new(inst, true);
    /// <summary>Points in program order: before n &lt; after n &lt; before n+1.</summary>
    public int Order => Inst * 2 + (After ? 1 : 0);
    public override string ToString() => (After ? "after " : "before ") + Inst;
}

/// <summary>A move the allocator inserts at a point (spill, reload, split, block-argument move). Moves at one point run in list order.</summary>
public readonly record struct Edit(ProgPoint At, Allocation From, Allocation To)
{
    public override string ToString() => $"{At}: {To} <- {From}";
}

/// <summary>
/// What register allocation decides for a <see cref="VCode{TInst}"/>: an allocation for every operand
/// (parallel to the VCode's operand array), the location of every block parameter at its block's start,
/// the moves to insert (sorted by point), and the number of spill slots the frame needs.
/// </summary>
public sealed class RegAllocOutput(Allocation[] operands, Allocation[][] blockParams, List<Edit> edits, int spillSlots)
{
    public Allocation[] Operands { get; } = operands;
    public Allocation[][] BlockParams { get; } = blockParams;
    public List<Edit> Edits { get; } = edits;
    public int SpillSlots { get; } = spillSlots;
}
