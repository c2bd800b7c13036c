namespace Hoist.Optimizing.Ir;

/// <summary>
/// Decides whether two functions are the same program up to the numbering of values and blocks: the same
/// signature and declarations, blocks in the same layout order with parameters of the same types, and
/// instructions pairwise equal (opcode, types, immediates, regions, callees) whose operands correspond
/// under one consistent bijection of values and of blocks. Aliases are resolved. What a pass test
/// compares its output and the expected text with, so the expectation need not repeat value numbers.
/// </summary>
public static class IrComparer
{
    /// <summary>Null when the functions are equivalent, else a description of the first difference.</summary>
    public static string? Difference(Function a, Function b) => new Matcher(a, b).Run();

    public static bool Equivalent(Function a, Function b) => Difference(a, b) is null;

    sealed class Matcher(Function a, Function b)
    {
        readonly Dictionary<int, int> _valueAb = new(), _valueBa = new();
        readonly Dictionary<int, int> _blockAb = new(), _blockBa = new();

        public string? Run()
        {
            if (!a.Signature.Equals(b.Signature)) return $"signatures differ: {a.Signature} vs {b.Signature}";
            if (a.Signatures.Count != b.Signatures.Count) return "the number of declared signatures differs";
            for (int s = 0; s < a.Signatures.Count; s++)
                if (!a.Signatures[s].Equals(b.Signatures[s])) return $"sig{s} differs";
            if (a.ExtFuncs.Count != b.ExtFuncs.Count) return "the number of declared functions differs";
            for (int e = 0; e < a.ExtFuncs.Count; e++)
                if (a.ExtFuncs[e] != b.ExtFuncs[e]) return $"fn{e} differs";

            var ba = a.FirstBlock;
            var bb = b.FirstBlock;
            while (ba.IsValid && bb.IsValid)
            {
                if (!MapBlock(ba, bb)) return $"{ba} and {bb} do not correspond";
                var pa = a.BlockParams(ba);
                var pb = b.BlockParams(bb);
                if (pa.Length != pb.Length) return $"{ba} has {pa.Length} parameters, {bb} has {pb.Length}";
                for (int k = 0; k < pa.Length; k++)
                    if (a.TypeOf(pa[k]) != b.TypeOf(pb[k]) || !MapValue(pa[k], pb[k])) return $"parameter {k} of {ba} and {bb} differ";
                var ia = a.FirstInst(ba);
                var ib = b.FirstInst(bb);
                while (ia.IsValid && ib.IsValid)
                {
                    if (CompareInst(ia, ib) is string diff)
                        return $"{ba}/{bb}: '{IrPrinter.PrintInst(a, ia)}' vs '{IrPrinter.PrintInst(b, ib)}': {diff}";
                    ia = a.NextInst(ia);
                    ib = b.NextInst(ib);
                }
                if (ia.IsValid || ib.IsValid) return $"{ba} and {bb} have different numbers of instructions";
                ba = a.NextBlock(ba);
                bb = b.NextBlock(bb);
            }
            if (ba.IsValid || bb.IsValid) return "different numbers of blocks";
            return null;
        }

        string? CompareInst(Inst ia, Inst ib)
        {
            ref readonly InstData da = ref a[ia];
            ref readonly InstData db = ref b[ib];
            if (da.Op != db.Op) return "different opcodes";
            if (da.Type != db.Type) return "different types";
            if (da.Code != db.Code || da.Imm != db.Imm) return "different immediates";
            if (da.Op.Format() is InstFormat.Load or InstFormat.Store or InstFormat.Call or InstFormat.CallIndirect && da.Ref != db.Ref)
                return "different region or callee";
            if (!MapValues(a.Args(ia), b.Args(ib))) return "operands do not correspond";
            if (da.ResultCount != db.ResultCount) return "different numbers of results";
            for (int r = 0; r < da.ResultCount; r++)
                if (!MapValue(a.Result(ia, r), b.Result(ib, r))) return $"result {r} does not correspond";
            int n = a.TargetCount(ia);
            if (n != b.TargetCount(ib)) return "different numbers of targets";
            for (int t = 0; t < n; t++)
            {
                if (!MapBlock(a.TargetBlock(ia, t), b.TargetBlock(ib, t))) return $"target {t} does not correspond";
                if (!MapValues(a.TargetArgs(ia, t), b.TargetArgs(ib, t))) return $"arguments of target {t} do not correspond";
            }
            return null;
        }

        bool MapValues(ReadOnlySpan<Value> xs, ReadOnlySpan<Value> ys)
        {
            if (xs.Length != ys.Length) return false;
            for (int k = 0; k < xs.Length; k++)
                if (!MapValue(xs[k], ys[k])) return false;
            return true;
        }

        bool MapValue(Value x, Value y)
        {
            x = a.Resolve(x);
            y = b.Resolve(y);
            if (a.TypeOf(x) != b.TypeOf(y)) return false;
            return Map(_valueAb, _valueBa, x.Index, y.Index);
        }

        bool MapBlock(Block x, Block y) => Map(_blockAb, _blockBa, x.Index, y.Index);

        static bool Map(Dictionary<int, int> ab, Dictionary<int, int> ba, int x, int y)
        {
            if (ab.TryGetValue(x, out int y0)) return y0 == y && ba.TryGetValue(y, out int x0) && x0 == x;
            if (ba.ContainsKey(y)) return false;
            ab[x] = y;
            ba[y] = x;
            return true;
        }
    }
}
