namespace Hoist.Optimizing.Ir;

/// <summary>
/// Effects of one instruction, where they depend on more than its opcode (<see cref="OpInfo.HasSideEffects"/>):
/// a heap access flagged <see cref="MemFlags.Trap"/> (a guarded memory, guard pages) is its own bounds check,
/// so it may trap like a <c>bounds_check</c> does. Passes that keep, order or speculate instructions by their
/// effects should ask here.
/// </summary>
public static class InstEffects
{
    /// <summary>True if executing <paramref name="i"/> can have an effect beyond its results (trap, store, call, control).</summary>
    public static bool HasSideEffects(this Function f, Inst i) => f.OpOf(i).HasSideEffects() || IsTrappingAccess(f, i);

    /// <summary>True for a load or store that may fault as a trap (<see cref="MemFlags.Trap"/>).</summary>
    public static bool IsTrappingAccess(this Function f, Inst i)
    {
        Op op = f.OpOf(i);
        return (op.IsLoad() || op.IsStore()) && ((MemFlags)f[i].Code & MemFlags.Trap) != 0;
    }
}
