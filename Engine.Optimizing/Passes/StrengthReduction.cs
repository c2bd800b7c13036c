using System.Numerics;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Integer division and remainder by a constant become multiplications by a reciprocal and shifts
/// (<see cref="DivisionMagic"/>). A hardware division costs 20–90 cycles and carries a trap; the
/// replacement is 3–7 single-cycle or multiply instructions and cannot trap — a division by a constant
/// other than 0 (and, signed, -1, where MIN / -1 traps) never does, so dropping the trap is exact.
/// <list type="bullet">
/// <item>unsigned by d ≥ 2^(W-1): the quotient is <c>x ≥ d</c>, the remainder <c>x - (x ≥ d ? d : 0)</c>;</item>
/// <item>unsigned by another non-power of two: <c>umulhi</c>, with the add fix-up when the multiplier needs W + 1 bits;</item>
/// <item>signed by ±2^k: a bias of 2^k - 1 for negative x, then an arithmetic shift (and a negation for -2^k);
///   the remainder masks instead of shifting;</item>
/// <item>signed by another constant: <c>smulhi</c>, the add fix-up, a shift, +1 for negative x, and a negation
///   for negative divisors;</item>
/// <item>remainders otherwise: <c>x - q·d</c>.</item>
/// </list>
/// Divisions by 0, ±1 and unsigned powers of two are left to <see cref="Simplify"/> (which runs first).
/// Multiplications by constants are left to instruction selection (lea/shift forms are addressing modes).
/// This is the one pass allowed to add instructions: it trades one expensive instruction for a few cheap ones.
/// </summary>
public sealed class StrengthReduction : IPass
{
    public string Name => "strength";

    readonly IrBuilder _b = new(null!);
    Function _f = null!;

    /// <summary>Divisions and remainders rewritten over every run of this instance.</summary>
    public int Rewritten { get; private set; }

    public bool Run(Function f)
    {
        if (!f.MayContain(Op.Udiv) && !f.MayContain(Op.Sdiv) && !f.MayContain(Op.Urem) && !f.MayContain(Op.Srem)) return false;
        _f = f;
        _b.Reset(f);
        bool changed = false;
        foreach (var block in f.Blocks)
            foreach (var i in f.InstsOf(block))
            {
                if (f.OpOf(i) is not (Op.Udiv or Op.Sdiv or Op.Urem or Op.Srem)) continue;
                var y = f.DefiningInst(f.Arg(i, 1));
                if (!y.IsValid || f.OpOf(y) != Op.Iconst) continue;
                if (!Reduce(i, f.Resolve(f.Arg(i, 1)), f[y].Imm)) continue;
                changed = true;
                Rewritten++;
            }
        return changed;
    }

    Value C(IrType t, long v) => _b.Iconst(t, v);
    Value Bin(Op op, Value a, Value b) => _b.Binary(op, a, b);

    /// <summary>Rewrites <paramref name="i"/> (x op divisor, where divisor is the constant c); false when it is left alone.</summary>
    bool Reduce(Inst i, Value divisor, long c)
    {
        Op op = _f.OpOf(i);
        IrType t = _f[i].Type;
        int w = t == IrType.I32 ? 32 : 64;
        var x = _f.Resolve(_f.Arg(i, 0));
        bool signed = op is Op.Sdiv or Op.Srem, rem = op is Op.Urem or Op.Srem;
        ulong ud = w == 32 ? (uint)c : (ulong)c;
        _b.InsertBefore(i);
        _b.SourceOffset = _f[i].SourceOffset;
        Value result;
        if (!signed)
        {
            if (ud < 3 || BitOperations.IsPow2(ud)) return false;
            if (ud >= 1UL << (w - 1))
            {
                var ge = _b.Icmp(IntCC.Uge, x, divisor);
                if (rem) result = _b.Select(ge, Bin(Op.Isub, x, divisor), x);
                else result = w == 32 ? ge : _b.Unary(Op.Uextend, ge);
            }
            else
            {
                var q = UnsignedQuotient(t, w, x, ud);
                result = rem ? Bin(Op.Isub, x, Bin(Op.Imul, q, divisor)) : q;
            }
        }
        else
        {
            long sd = w == 32 ? (int)c : c;
            if (sd is 0 or 1 or -1) return false;
            ulong ad = sd < 0 ? (ulong)-sd : (ulong)sd; // |MIN| = 2^(W-1) as an unsigned number
            if (w == 32) ad = (uint)ad;
            if (BitOperations.IsPow2(ad))
            {
                int k = BitOperations.TrailingZeroCount(ad);
                // bias = 2^k - 1 when x < 0, else 0.
                var sign = k == 1 ? x : Bin(Op.Sshr, x, C(t, k - 1));
                var biased = Bin(Op.Iadd, x, Bin(Op.Ushr, sign, C(t, w - k)));
                if (rem) result = Bin(Op.Isub, x, Bin(Op.Band, biased, C(t, -(1L << k))));
                else
                {
                    result = Bin(Op.Sshr, biased, C(t, k));
                    if (sd < 0) result = _b.Unary(Op.Ineg, result);
                }
            }
            else
            {
                var q = SignedQuotient(t, w, x, ad);
                if (sd < 0) q = _b.Unary(Op.Ineg, q);
                result = rem ? Bin(Op.Isub, x, Bin(Op.Imul, q, divisor)) : q;
            }
        }
        _f.ReplaceWithValue(i, result);
        return true;
    }

    Value UnsignedQuotient(IrType t, int w, Value x, ulong d)
    {
        var m = DivisionMagic.ForUnsigned(d, w);
        var hi = Bin(Op.Umulhi, x, C(t, (long)m.Multiplier));
        if (m.Add) hi = Bin(Op.Iadd, hi, Bin(Op.Ushr, Bin(Op.Isub, x, hi), C(t, 1)));
        return m.Shift == 0 ? hi : Bin(Op.Ushr, hi, C(t, m.Shift));
    }

    Value SignedQuotient(IrType t, int w, Value x, ulong ad)
    {
        var m = DivisionMagic.ForSigned(ad, w);
        var q = Bin(Op.Smulhi, x, C(t, m.Multiplier));
        if (m.AddX) q = Bin(Op.Iadd, q, x);
        if (m.Shift != 0) q = Bin(Op.Sshr, q, C(t, m.Shift));
        return Bin(Op.Iadd, q, Bin(Op.Ushr, x, C(t, w - 1)));
    }
}
