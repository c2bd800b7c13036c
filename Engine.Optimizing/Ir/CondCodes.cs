namespace Hoist.Optimizing.Ir;

/// <summary>An integer comparison (icmp's Code). Names are the text form's.</summary>
public enum IntCC : byte { Eq, Ne, Slt, Sge, Sgt, Sle, Ult, Uge, Ugt, Ule }

/// <summary>
/// A float comparison (fcmp's Code). <c>eq lt le gt ge</c> are ordered (false if either is NaN) and
/// <c>ne</c> is unordered-or-not-equal, as wasm's f32/f64 comparisons; the rest complete the set so
/// every condition has an inverse: <c>ord uno ueq one ult ule ugt uge</c> (u = true when unordered,
/// one = ordered and not equal).
/// </summary>
public enum FloatCC : byte { Eq, Ne, Lt, Le, Gt, Ge, Ord, Uno, Ueq, One, Ult, Ule, Ugt, Uge }

public static class CondCodes
{
    static readonly string[] s_int = ["eq", "ne", "slt", "sge", "sgt", "sle", "ult", "uge", "ugt", "ule"];
    static readonly string[] s_float = ["eq", "ne", "lt", "le", "gt", "ge", "ord", "uno", "ueq", "one", "ult", "ule", "ugt", "uge"];

    public static string Name(this IntCC cc) => s_int[(int)cc];
    public static string Name(this FloatCC cc) => s_float[(int)cc];

    public static bool TryParse(string s, out IntCC cc)
    {
        int i = Array.IndexOf(s_int, s);
        cc = (IntCC)Math.Max(i, 0);
        return i >= 0;
    }

    public static bool TryParse(string s, out FloatCC cc)
    {
        int i = Array.IndexOf(s_float, s);
        cc = (FloatCC)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>The condition that holds exactly when <paramref name="cc"/> does not (pairs are adjacent in the enum).</summary>
    public static IntCC Inverse(this IntCC cc) => (IntCC)((int)cc ^ 1);

    /// <summary>The condition on swapped operands: a cc b ⇔ b Swapped(cc) a.</summary>
    public static IntCC Swapped(this IntCC cc) => cc switch
    {
        IntCC.Slt => IntCC.Sgt, IntCC.Sgt => IntCC.Slt, IntCC.Sle => IntCC.Sge, IntCC.Sge => IntCC.Sle,
        IntCC.Ult => IntCC.Ugt, IntCC.Ugt => IntCC.Ult, IntCC.Ule => IntCC.Uge, IntCC.Uge => IntCC.Ule,
        _ => cc,
    };

    public static bool IsSigned(this IntCC cc) => cc is IntCC.Slt or IntCC.Sge or IntCC.Sgt or IntCC.Sle;

    public static FloatCC Inverse(this FloatCC cc) => cc switch
    {
        FloatCC.Eq => FloatCC.Ne, FloatCC.Ne => FloatCC.Eq,
        FloatCC.Lt => FloatCC.Uge, FloatCC.Uge => FloatCC.Lt,
        FloatCC.Le => FloatCC.Ugt, FloatCC.Ugt => FloatCC.Le,
        FloatCC.Gt => FloatCC.Ule, FloatCC.Ule => FloatCC.Gt,
        FloatCC.Ge => FloatCC.Ult, FloatCC.Ult => FloatCC.Ge,
        FloatCC.Ord => FloatCC.Uno, FloatCC.Uno => FloatCC.Ord,
        FloatCC.Ueq => FloatCC.One, _ => FloatCC.Ueq,
    };

    public static FloatCC Swapped(this FloatCC cc) => cc switch
    {
        FloatCC.Lt => FloatCC.Gt, FloatCC.Gt => FloatCC.Lt, FloatCC.Le => FloatCC.Ge, FloatCC.Ge => FloatCC.Le,
        FloatCC.Ult => FloatCC.Ugt, FloatCC.Ugt => FloatCC.Ult, FloatCC.Ule => FloatCC.Uge, FloatCC.Uge => FloatCC.Ule,
        _ => cc,
    };

    /// <summary>Evaluates an integer comparison of two values of the given width (bits above it are ignored).</summary>
    public static bool Evaluate(this IntCC cc, IrType t, long a, long b)
    {
        if (t == IrType.I32) { a = (int)a; b = (int)b; }
        ulong ua = t == IrType.I32 ? (uint)a : (ulong)a, ub = t == IrType.I32 ? (uint)b : (ulong)b;
        return cc switch
        {
            IntCC.Eq => a == b, IntCC.Ne => a != b,
            IntCC.Slt => a < b, IntCC.Sge => a >= b, IntCC.Sgt => a > b, IntCC.Sle => a <= b,
            IntCC.Ult => ua < ub, IntCC.Uge => ua >= ub, IntCC.Ugt => ua > ub, _ => ua <= ub,
        };
    }

    /// <summary>Evaluates a float comparison.</summary>
    public static bool Evaluate(this FloatCC cc, double a, double b)
    {
        bool uno = double.IsNaN(a) || double.IsNaN(b);
        return cc switch
        {
            FloatCC.Eq => !uno && a == b, FloatCC.Ne => uno || a != b,
            FloatCC.Lt => !uno && a < b, FloatCC.Le => !uno && a <= b,
            FloatCC.Gt => !uno && a > b, FloatCC.Ge => !uno && a >= b,
            FloatCC.Ord => !uno, FloatCC.Uno => uno,
            FloatCC.Ueq => uno || a == b, FloatCC.One => !uno && a != b,
            FloatCC.Ult => uno || a < b, FloatCC.Ule => uno || a <= b,
            FloatCC.Ugt => uno || a > b, _ => uno || a >= b,
        };
    }
}
