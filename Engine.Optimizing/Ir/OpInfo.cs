using System.Runtime.InteropServices;

namespace Hoist.Optimizing.Ir;

/// <summary>Facts about each IR <see cref="Op"/>, all read from the tables generated from irops.def.</summary>
public static partial class OpInfo
{
    public static string Mnemonic(this Op op) => s_mnemonic[(int)op];
    public static InstFormat Format(this Op op) => (InstFormat)s_format[(int)op];

    /// <summary>The class of the controlling type, or <see cref="TypeConstraint.None"/> if the opcode has none.</summary>
    public static TypeConstraint Ctrl(this Op op) => (TypeConstraint)s_ctrl[(int)op];
    public static bool HasCtrl(this Op op) => s_ctrl[(int)op] != (byte)TypeConstraint.None;

    public static OpFlags Flags(this Op op) => (OpFlags)s_flags[(int)op];
    public static bool IsPure(this Op op) => (Flags(op) & OpFlags.Pure) != 0;
    public static bool IsCommutative(this Op op) => (Flags(op) & OpFlags.Commutative) != 0;
    public static bool IsTerminator(this Op op) => (Flags(op) & OpFlags.Terminator) != 0;
    public static bool IsLoad(this Op op) => (Flags(op) & OpFlags.Load) != 0;
    public static bool IsStore(this Op op) => (Flags(op) & OpFlags.Store) != 0;
    public static bool IsCall(this Op op) => (Flags(op) & OpFlags.Call) != 0;

    /// <summary>True if executing the instruction can have an effect beyond its results (trap, store, call, control).</summary>
    public static bool HasSideEffects(this Op op) =>
        (Flags(op) & (OpFlags.Trap | OpFlags.Store | OpFlags.Call | OpFlags.Terminator)) != 0;

    /// <summary>True for the terminators that transfer control to blocks of the function (jump, brif, br_table).</summary>
    public static bool IsBranch(this Op op) => (InstFormat)s_format[(int)op] is InstFormat.Jump or InstFormat.Brif or InstFormat.BranchTable;

    /// <summary>The fixed operand constraints (before any variable list).</summary>
    public static ReadOnlySpan<TypeConstraint> Params(this Op op) =>
        MemoryMarshal.Cast<byte, TypeConstraint>(s_sigPool.Slice(s_sigStart[(int)op], s_paramCount[(int)op]));

    /// <summary>The fixed result constraints (each <see cref="TypeConstraint.Ctrl"/> or concrete).</summary>
    public static ReadOnlySpan<TypeConstraint> Results(this Op op) =>
        MemoryMarshal.Cast<byte, TypeConstraint>(s_sigPool.Slice(s_sigStart[(int)op] + s_paramCount[(int)op], s_resultCount[(int)op]));

    /// <summary>True if a variable list of operands follows the fixed ones (calls, returns, branches).</summary>
    public static bool HasVarArgs(this Op op) => (s_variadic[(int)op] & 1) != 0;

    /// <summary>True if the results come from a signature (calls).</summary>
    public static bool HasVarResults(this Op op) => (s_variadic[(int)op] & 2) != 0;

    static Dictionary<string, Op>? s_byMnemonic;

    public static bool TryParse(string mnemonic, out Op op)
    {
        var map = s_byMnemonic ??= BuildMap();
        return map.TryGetValue(mnemonic, out op);
    }

    static Dictionary<string, Op> BuildMap()
    {
        var map = new Dictionary<string, Op>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++) map[s_mnemonic[i]] = (Op)i;
        return map;
    }
}
