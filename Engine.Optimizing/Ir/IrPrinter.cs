using System.Globalization;
using System.Text;
using Hoist.Vm;
using Hoist.Wasm.Text;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// Writes a function in the IR's text form, which <see cref="IrParser"/> reads back to an equal function:
/// <code>
/// function %name wasm (i64, i32) -> i32 {
///     sig0 = wasm (i64, i32) -> i32
///     fn0 = func 3 sig0
///
/// block0(v0: i64, v1: i32):
///     v2 = iconst.i32 1
///     v3 = iadd.i32 v1, v2
///     brif v3, block1(v2), block2
/// ...
/// }
/// </code>
/// Blocks appear in layout order, operands with aliases resolved. Each format's syntax is documented on
/// <see cref="InstFormat"/>. With <see cref="Options.SourceOffsets"/>, an instruction that has a wasm
/// offset is prefixed by <c>@hex</c>.
/// </summary>
public static class IrPrinter
{
    public readonly record struct Options(bool SourceOffsets = false);

    public static string Print(Function f, Options options = default)
    {
        var sb = new StringBuilder();
        Print(f, sb, options);
        return sb.ToString();
    }

    public static void Print(Function f, StringBuilder sb, Options options = default)
    {
        sb.Append("function ").Append(FunctionName(f.Name)).Append(' ').Append(f.Signature).Append(" {\n");
        for (int s = 0; s < f.Signatures.Count; s++) sb.Append("    sig").Append(s).Append(" = ").Append(f.Signatures[s]).Append('\n');
        for (int e = 0; e < f.ExtFuncs.Count; e++)
        {
            var x = f.ExtFuncs[e];
            sb.Append("    fn").Append(e).Append(" = func ").Append(x.WasmFunction).Append(' ').Append(x.Sig).Append('\n');
        }
        bool first = f.Signatures.Count == 0 && f.ExtFuncs.Count == 0;
        foreach (var b in f.Blocks)
        {
            if (!first) sb.Append('\n');
            first = false;
            PrintBlockHeader(f, b, sb);
            foreach (var i in f.InstsOf(b))
            {
                sb.Append("    ");
                int at = f[i].SourceOffset;
                if (options.SourceOffsets && at >= 0) sb.Append('@').Append(at.ToString("x4", CultureInfo.InvariantCulture)).Append(' ');
                PrintInst(f, i, sb);
                sb.Append('\n');
            }
        }
        sb.Append("}\n");
    }

    /// <summary><c>%name</c>, or <c>%"..."</c> with escapes when the name is not a plain identifier.</summary>
    public static string FunctionName(string name)
    {
        bool plain = name.Length > 0;
        foreach (char c in name) plain &= char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$';
        if (plain) return "%" + name;
        var sb = new StringBuilder("%\"");
        foreach (char c in name)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < 0x20 || c == 0x7F) sb.Append("\\u{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    static void PrintBlockHeader(Function f, Block b, StringBuilder sb)
    {
        sb.Append(b);
        var ps = f.BlockParams(b);
        if (ps.Length > 0)
        {
            sb.Append('(');
            for (int k = 0; k < ps.Length; k++)
            {
                if (k > 0) sb.Append(", ");
                sb.Append(ps[k]).Append(": ").Append(f.TypeOf(ps[k]).Name());
            }
            sb.Append(')');
        }
        sb.Append(":\n");
    }

    /// <summary>One instruction without indentation or newline.</summary>
    public static string PrintInst(Function f, Inst i)
    {
        var sb = new StringBuilder();
        PrintInst(f, i, sb);
        return sb.ToString();
    }

    public static void PrintInst(Function f, Inst i, StringBuilder sb)
    {
        ref readonly InstData d = ref f[i];
        if (d.ResultCount > 0)
        {
            for (int r = 0; r < d.ResultCount; r++)
            {
                if (r > 0) sb.Append(", ");
                sb.Append(f.Result(i, r));
            }
            sb.Append(" = ");
        }
        sb.Append(d.Op.Mnemonic());
        if (d.Op.HasCtrl()) sb.Append('.').Append(d.Type.Name());
        var args = f.Args(i);
        switch (d.Op.Format())
        {
            case InstFormat.IntConst:
                sb.Append(' ').Append(d.Imm.ToString(CultureInfo.InvariantCulture));
                break;
            case InstFormat.FloatConst:
                sb.Append(' ').Append(d.Type == IrType.F32 ? NumericFormat.FormatF32((uint)d.Imm) : NumericFormat.FormatF64((ulong)d.Imm));
                break;
            case InstFormat.Unary:
            case InstFormat.Binary:
            case InstFormat.Ternary:
            case InstFormat.Return:
                ValueList(f, args, sb, leadingSpace: true);
                break;
            case InstFormat.IntCompare:
                sb.Append(' ').Append(((IntCC)d.Code).Name());
                ValueList(f, args, sb, leadingSpace: true);
                break;
            case InstFormat.FloatCompare:
                sb.Append(' ').Append(((FloatCC)d.Code).Name());
                ValueList(f, args, sb, leadingSpace: true);
                break;
            case InstFormat.Load:
                MemPrefix(d, sb);
                Address(f, args[0], d.Imm, sb);
                break;
            case InstFormat.Store:
                MemPrefix(d, sb);
                Address(f, args[0], d.Imm, sb);
                sb.Append(", ").Append(f.Resolve(args[1]));
                break;
            case InstFormat.Trap:
                sb.Append(' ').Append(TrapCodeNames.Name((TrapCode)d.Code));
                break;
            case InstFormat.CondTrap:
                sb.Append(' ').Append(f.Resolve(args[0])).Append(", ").Append(TrapCodeNames.Name((TrapCode)d.Code));
                break;
            case InstFormat.BoundsCheck:
                sb.Append(' ');
                Address(f, args[0], d.Imm, sb);
                sb.Append(", ").Append(f.Resolve(args[1])).Append(", ").Append(TrapCodeNames.Name((TrapCode)d.Code));
                break;
            case InstFormat.Jump:
                sb.Append(' ');
                BlockCall(f, i, 0, sb);
                break;
            case InstFormat.Brif:
                sb.Append(' ').Append(f.Resolve(args[0])).Append(", ");
                BlockCall(f, i, 0, sb);
                sb.Append(", ");
                BlockCall(f, i, 1, sb);
                break;
            case InstFormat.BranchTable:
            {
                sb.Append(' ').Append(f.Resolve(args[0])).Append(", ");
                BlockCall(f, i, 0, sb);
                sb.Append(", [");
                int n = f.TargetCount(i);
                for (int t = 1; t < n; t++)
                {
                    if (t > 1) sb.Append(", ");
                    BlockCall(f, i, t, sb);
                }
                sb.Append(']');
                break;
            }
            case InstFormat.Call:
                sb.Append(' ').Append(new FuncRef(d.Ref)).Append('(');
                ValueList(f, args, sb, leadingSpace: false);
                sb.Append(')');
                break;
            case InstFormat.CallIndirect:
                sb.Append(' ').Append(new SigRef(d.Ref)).Append(", ").Append(f.Resolve(args[0])).Append('(');
                ValueList(f, args[1..], sb, leadingSpace: false);
                sb.Append(')');
                break;
            default:
                throw new InvalidOperationException($"no printer for format {d.Op.Format()}");
        }
    }

    static void MemPrefix(in InstData d, StringBuilder sb)
    {
        if (((MemFlags)d.Code & MemFlags.Movable) != 0) sb.Append(" movable");
        if (((MemFlags)d.Code & MemFlags.Trap) != 0) sb.Append(" trap");
        sb.Append(' ').Append(new AliasRegion(d.Ref)).Append(' ');
    }

    static void Address(Function f, Value addr, long offset, StringBuilder sb)
    {
        sb.Append(f.Resolve(addr));
        if (offset != 0) sb.Append('+').Append(((ulong)offset).ToString(CultureInfo.InvariantCulture));
    }

    static void ValueList(Function f, ReadOnlySpan<Value> vs, StringBuilder sb, bool leadingSpace)
    {
        for (int k = 0; k < vs.Length; k++)
        {
            sb.Append(k == 0 ? (leadingSpace ? " " : "") : ", ");
            sb.Append(f.Resolve(vs[k]));
        }
    }

    static void BlockCall(Function f, Inst i, int t, StringBuilder sb)
    {
        sb.Append(f.TargetBlock(i, t));
        var args = f.TargetArgs(i, t);
        if (args.Length == 0) return;
        sb.Append('(');
        ValueList(f, args, sb, leadingSpace: false);
        sb.Append(')');
    }
}
