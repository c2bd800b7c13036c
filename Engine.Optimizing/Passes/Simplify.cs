using System.Numerics;
using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Constant folding and algebraic simplification, instruction by instruction in reverse post-order (so an
/// operand is simplified before its uses; block parameters are left to later passes).
/// <list type="bullet">
/// <item>An operation whose operands are all constants becomes a constant (<see cref="Eval"/>), unless it
///   would trap (a division by zero stays and traps at run time).</item>
/// <item>Identities replace an instruction by an operand or a constant (x + 0, x * 1, x &amp; x, x ^ x,
///   shifts by a multiple of the width, select of equal arms, double negation, wrap of an extension,
///   comparisons of a value with itself, comparisons of a comparison with zero).</item>
/// <item>Cheaper forms: x * -1 → ineg, x * 2^k → ishl, udiv/urem by 2^k → ushr/band, x ^ -1 → bnot;
///   divisions by ±1 lose their trap.</item>
/// <item>Canonical forms that help value numbering: a constant operand of a commutative operation or a
///   comparison goes on the right; chains with constants reassociate ((x + c1) + c2 → x + (c1 + c2)).</item>
/// <item>Conditional traps on a constant that never traps are removed; so is a bounds check of constants in range.</item>
/// </list>
/// Floats get only the rules that are exact bit for bit (negation and absolute value), since NaN payloads
/// and signed zeros forbid the rest. Removed instructions' results become aliases of their replacement.
/// </summary>
public sealed class Simplify : IPass, IUsesAnalyses
{
    public string Name => "simplify";

    Function _f = null!;
    readonly IrBuilder _b = new(null!);
    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public Simplify(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    bool _changed;

    public bool Run(Function f)
    {
        _f = f;
        _b.Reset(f);
        _changed = false;
        _analyses.Compute(f, _shared);
        foreach (var block in _dom.ReversePostOrder)
            foreach (var i in f.InstsOf(block))
            {
                ResolveArgs(i);
                // A rewritten instruction may simplify further (x * 1 * 4 → x * 4 → x << 2).
                for (int round = 0; round < 4 && f.IsInLayout(i) && Visit(i); round++) _changed = true;
            }
        return _changed;
    }

    void ResolveArgs(Inst i)
    {
        var args = _f.ArgsMut(i);
        for (int k = 0; k < args.Length; k++) args[k] = _f.Resolve(args[k]);
        int n = _f.TargetCount(i);
        for (int t = 0; t < n; t++)
        {
            var targs = _f.TargetArgsMut(i, t);
            for (int k = 0; k < targs.Length; k++) targs[k] = _f.Resolve(targs[k]);
        }
    }

    bool IsConst(Value v, out long imm)
    {
        var d = _f.DefiningInst(v);
        if (d.IsValid && _f.OpOf(d) is Op.Iconst or Op.Fconst)
        {
            imm = _f[d].Imm;
            return true;
        }
        imm = 0;
        return false;
    }

    bool IsConst(Value v, long expected) => IsConst(v, out long imm) && imm == expected;

    /// <summary>The instruction defining <paramref name="v"/> if it has opcode <paramref name="op"/>.</summary>
    bool DefinedBy(Value v, Op op, out Inst def)
    {
        def = _f.DefiningInst(v);
        return def.IsValid && _f.OpOf(def) == op;
    }

    Value NewConst(Inst before, IrType t, long v)
    {
        _b.InsertBefore(before);
        _b.SourceOffset = _f[before].SourceOffset;
        return _b.Iconst(t, v);
    }

    void ToConst(Inst i, long v)
    {
        IrType t = _f.TypeOf(_f.Result(i));
        _f.Rewrite(i, t.IsFloat() ? Op.Fconst : Op.Iconst, t, default, imm: t.IsFloat() ? v : Eval.Normalize(t, v));
    }

    void Replace(Inst i, Value v) => _f.ReplaceWithValue(i, v);

    /// <summary>Simplifies one instruction; true if it changed (it may have been removed).</summary>
    bool Visit(Inst i)
    {
        ref readonly InstData d = ref _f[i];
        Op op = d.Op;
        switch (op.Format())
        {
            case InstFormat.CondTrap:
                if (IsConst(_f.Arg(i, 0), out long c) && (op == Op.Trapz ? c != 0 : c == 0))
                {
                    _f.RemoveInst(i);
                    return true;
                }
                return false;
            case InstFormat.BoundsCheck:
                if (IsConst(_f.Arg(i, 0), out long index) && IsConst(_f.Arg(i, 1), out long bound)
                    && (ulong)index <= (ulong)bound && (ulong)d.Imm <= (ulong)bound - (ulong)index)
                {
                    _f.RemoveInst(i);
                    return true;
                }
                return false;
            case InstFormat.Unary:
            case InstFormat.Binary:
            case InstFormat.Ternary:
            case InstFormat.IntCompare:
            case InstFormat.FloatCompare:
                break;
            default:
                return false;
        }
        if (!op.IsPure() && op is not (Op.Sdiv or Op.Udiv or Op.Srem or Op.Urem or Op.FcvtToSint or Op.FcvtToUint)) return false;
        if (Fold(i)) return true;
        return op.Format() switch
        {
            InstFormat.Binary => SimplifyBinary(i),
            InstFormat.Unary => SimplifyUnary(i),
            InstFormat.IntCompare => SimplifyIcmp(i),
            InstFormat.Ternary => SimplifySelect(i),
            _ => false,
        };
    }

    /// <summary>Every operand constant: evaluate.</summary>
    bool Fold(Inst i)
    {
        var args = _f.Args(i);
        Span<long> values = stackalloc long[3];
        Span<IrType> types = stackalloc IrType[3];
        for (int k = 0; k < args.Length; k++)
        {
            if (!IsConst(args[k], out values[k])) return false;
            types[k] = _f.TypeOf(args[k]);
        }
        ref readonly InstData d = ref _f[i];
        if (!Eval.TryEvaluate(d.Op, d.Type, d.Code, values[..args.Length], types[..args.Length], out long r)) return false;
        ToConst(i, r);
        return true;
    }

    static bool IsPowerOfTwo(IrType t, long v, out int log2)
    {
        ulong u = t == IrType.I32 ? (uint)v : (ulong)v;
        log2 = BitOperations.TrailingZeroCount(u);
        return u != 0 && (u & (u - 1)) == 0;
    }

    bool SimplifyBinary(Inst i)
    {
        ref readonly InstData d = ref _f[i];
        Op op = d.Op;
        IrType t = d.Type;
        if (!t.IsInt()) return false;
        var args = _f.ArgsMut(i);
        // Constants on the right of commutative operations.
        if (op.IsCommutative() && IsConst(args[0], out _) && !IsConst(args[1], out _))
        {
            (args[0], args[1]) = (args[1], args[0]);
            return true;
        }
        Value x = args[0], y = args[1];
        bool yc = IsConst(y, out long cy);
        int bits = t.Bits();
        switch (op)
        {
            case Op.Iadd:
                if (yc && cy == 0) { Replace(i, x); return true; }
                return yc && Reassociate(i, x, cy, (a, b) => a + b);
            case Op.Isub:
                if (yc && cy == 0) { Replace(i, x); return true; }
                if (x == y) { ToConst(i, 0); return true; }
                if (yc)
                {
                    // x - c → x + (-c): one canonical form for value numbering and reassociation.
                    _f.Rewrite(i, Op.Iadd, t, [x, NewConst(i, t, -cy)]);
                    return true;
                }
                return false;
            case Op.Imul:
                if (!yc) return false;
                if (cy == 0) { ToConst(i, 0); return true; }
                if (cy == 1) { Replace(i, x); return true; }
                if (Eval.Normalize(t, cy) == -1) { _f.Rewrite(i, Op.Ineg, t, [x]); return true; }
                if (IsPowerOfTwo(t, cy, out int k)) { _f.Rewrite(i, Op.Ishl, t, [x, NewConst(i, t, k)]); return true; }
                return Reassociate(i, x, cy, (a, b) => a * b);
            case Op.Band:
                if (x == y) { Replace(i, x); return true; }
                if (!yc) return false;
                if (cy == 0) { ToConst(i, 0); return true; }
                if (Eval.Normalize(t, cy) == -1) { Replace(i, x); return true; }
                return Reassociate(i, x, cy, (a, b) => a & b);
            case Op.Bor:
                if (x == y) { Replace(i, x); return true; }
                if (!yc) return false;
                if (cy == 0) { Replace(i, x); return true; }
                if (Eval.Normalize(t, cy) == -1) { ToConst(i, -1); return true; }
                return Reassociate(i, x, cy, (a, b) => a | b);
            case Op.Bxor:
                if (x == y) { ToConst(i, 0); return true; }
                if (!yc) return false;
                if (cy == 0) { Replace(i, x); return true; }
                if (Eval.Normalize(t, cy) == -1) { _f.Rewrite(i, Op.Bnot, t, [x]); return true; }
                return Reassociate(i, x, cy, (a, b) => a ^ b);
            case Op.Ishl:
            case Op.Ushr:
            case Op.Sshr:
            case Op.Rotl:
            case Op.Rotr:
                if (yc && (cy & (bits - 1)) == 0) { Replace(i, x); return true; }
                return false;
            case Op.Udiv:
                if (!yc) return false;
                if (cy == 1) { Replace(i, x); return true; }
                if (IsPowerOfTwo(t, cy, out int ud)) { _f.Rewrite(i, Op.Ushr, t, [x, NewConst(i, t, ud)]); return true; }
                return false;
            case Op.Sdiv:
                if (yc && cy == 1) { Replace(i, x); return true; }
                return false;
            case Op.Urem:
                if (!yc) return false;
                if (cy == 1) { ToConst(i, 0); return true; }
                if (IsPowerOfTwo(t, cy, out _)) { _f.Rewrite(i, Op.Band, t, [x, NewConst(i, t, cy - 1)]); return true; }
                return false;
            case Op.Srem:
                if (yc && (cy == 1 || Eval.Normalize(t, cy) == -1)) { ToConst(i, 0); return true; }
                return false;
        }
        return false;
    }

    /// <summary>(x op c1) op c2 → x op (c1 op c2) for an associative operation whose inner result feeds it.</summary>
    bool Reassociate(Inst i, Value x, long c2, Func<long, long, long> combine)
    {
        Op op = _f.OpOf(i);
        if (!DefinedBy(x, op, out var inner) || !IsConst(_f.Arg(inner, 1), out long c1)) return false;
        IrType t = _f[i].Type;
        _f.Rewrite(i, op, t, [_f.Arg(inner, 0), NewConst(i, t, combine(c1, c2))]);
        return true;
    }

    bool SimplifyUnary(Inst i)
    {
        ref readonly InstData d = ref _f[i];
        Op op = d.Op;
        Value x = _f.Arg(i, 0);
        switch (op)
        {
            case Op.Bnot:
            case Op.Ineg:
            case Op.Fneg:
                if (DefinedBy(x, op, out var inner)) { Replace(i, _f.Arg(inner, 0)); return true; }
                return false;
            case Op.Fabs:
                if (DefinedBy(x, Op.Fabs, out _)) { Replace(i, x); return true; }
                if (DefinedBy(x, Op.Fneg, out var neg)) { _f.Rewrite(i, Op.Fabs, d.Type, [_f.Arg(neg, 0)]); return true; }
                return false;
            case Op.Ireduce:
                if ((DefinedBy(x, Op.Uextend, out var ext) || DefinedBy(x, Op.Sextend, out ext)))
                {
                    Replace(i, _f.Arg(ext, 0));
                    return true;
                }
                return false;
        }
        return false;
    }

    bool SimplifyIcmp(Inst i)
    {
        ref readonly InstData d = ref _f[i];
        var cc = (IntCC)d.Code;
        var args = _f.ArgsMut(i);
        if (IsConst(args[0], out _) && !IsConst(args[1], out _))
        {
            (args[0], args[1]) = (args[1], args[0]);
            _f.SetCode(i, (byte)cc.Swapped());
            return true;
        }
        Value x = args[0], y = args[1];
        if (x == y)
        {
            ToConst(i, cc is IntCC.Eq or IntCC.Sle or IntCC.Sge or IntCC.Ule or IntCC.Uge ? 1 : 0);
            return true;
        }
        if (!IsConst(y, out long cy)) return false;
        if (cy == 0 && cc is IntCC.Ult or IntCC.Uge)
        {
            ToConst(i, cc == IntCC.Uge ? 1 : 0);
            return true;
        }
        // A comparison result is 0 or 1: comparing it with zero is the comparison or its inverse.
        if (cy == 0 && cc is IntCC.Eq or IntCC.Ne)
        {
            var inner = _f.DefiningInst(x);
            if (!inner.IsValid || _f.OpOf(inner) is not (Op.Icmp or Op.Fcmp)) return false;
            if (cc == IntCC.Ne) { Replace(i, x); return true; }
            ref readonly InstData id = ref _f[inner];
            byte inverse = id.Op == Op.Icmp ? (byte)((IntCC)id.Code).Inverse() : (byte)((FloatCC)id.Code).Inverse();
            _f.Rewrite(i, id.Op, id.Type, [_f.Arg(inner, 0), _f.Arg(inner, 1)], inverse);
            return true;
        }
        return false;
    }

    bool SimplifySelect(Inst i)
    {
        var args = _f.Args(i);
        Value c = args[0], x = args[1], y = args[2];
        if (x == y) { Replace(i, x); return true; }
        if (IsConst(c, out long cv))
        {
            Replace(i, (_f.TypeOf(c) == IrType.I32 ? (int)cv : cv) != 0 ? x : y);
            return true;
        }
        return false;
    }
}
