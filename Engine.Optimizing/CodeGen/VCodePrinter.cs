using System.Text;

namespace Hoist.Optimizing.CodeGen;

/// <summary>
/// Writes VCode as text for tests and debugging: each block with its parameters, successors and jump
/// arguments; each instruction with its operands and, given an allocation, where each operand lives and
/// the moves inserted around it.
/// </summary>
public static class VCodePrinter
{
    public static string Print<TInst>(VCode<TInst> code, Func<TInst, string> name, RegAllocOutput? alloc = null) where TInst : struct
    {
        var sb = new StringBuilder();
        var edits = alloc?.Edits.ToLookup(e => e.At.Order);
        for (int b = 0; b < code.BlockCount; b++)
        {
            sb.Append("block").Append(b);
            var ps = code.BlockParams(b);
            if (ps.Length > 0)
            {
                sb.Append('(');
                for (int k = 0; k < ps.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    sb.Append(ps[k]);
                    if (alloc is not null) sb.Append(" in ").Append(alloc.BlockParams[b][k]);
                }
                sb.Append(')');
            }
            sb.Append(":\n");
            var (start, end) = code.InstRange(b);
            for (int i = start; i < end; i++)
            {
                if (edits is not null) foreach (var e in edits[ProgPoint.Before(i).Order]) sb.Append("      move ").Append(e.To).Append(" <- ").Append(e.From).Append('\n');
                sb.Append("  ").Append(i.ToString().PadLeft(3)).Append(": ").Append(name(code.Inst(i)));
                var ops = code.Operands(i);
                for (int k = 0; k < ops.Length; k++)
                {
                    sb.Append(k == 0 ? " " : ", ").Append(ops[k]);
                    if (alloc is not null) sb.Append('=').Append(alloc.Operands[code.OperandStart(i) + k]);
                }
                if (!code.Clobbers(i).IsEmpty) sb.Append(" clobbers ").Append(string.Join(" ", code.Clobbers(i).Registers()));
                sb.Append('\n');
                if (edits is not null) foreach (var e in edits[ProgPoint.AfterInst(i).Order]) sb.Append("      move ").Append(e.To).Append(" <- ").Append(e.From).Append('\n');
            }
            var succs = code.Successors(b);
            if (succs.Length > 0)
            {
                sb.Append("  -> ").Append(string.Join(", ", succs.ToArray().Select(s => "block" + s)));
                var args = code.BranchArgs(b);
                if (args.Length > 0) sb.Append('(').Append(string.Join(", ", args.ToArray())).Append(')');
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }
}
