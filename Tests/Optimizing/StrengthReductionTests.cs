using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// Division and remainder by constants: the shapes in the text form, and exactness — for many divisors
/// (every small one, powers of two and their neighbours, the extremes, random ones), 32 and 64 bits, signed
/// and unsigned, the rewritten function is evaluated with <see cref="Eval"/> on edge and random dividends
/// and must agree with the original operation bit for bit.
/// </summary>
public class StrengthReductionTests
{
    static void Check(string before, string after) => IrTestKit.AssertPass(new StrengthReduction(), before, after, mayGrow: true);

    [Fact]
    public void UnsignedDivisionBySevenUsesTheAddFixUp() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 7
            v2 = udiv.i32 v0, v1
            return v2
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 7
            v3 = iconst.i32 613566757
            v4 = umulhi.i32 v0, v3
            v5 = isub.i32 v0, v4
            v6 = iconst.i32 1
            v7 = ushr.i32 v5, v6
            v8 = iadd.i32 v4, v7
            v9 = iconst.i32 2
            v10 = ushr.i32 v8, v9
            return v10
        }
        """);

    [Fact]
    public void SignedRemainderByMinusThreeAndDivisionByMinusFour() => Check("""
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 -3
            v2 = srem.i32 v0, v1
            v3 = iconst.i32 -4
            v4 = sdiv.i32 v0, v3
            v5 = iadd.i32 v2, v4
            return v5
        }
        """, """
        function %t wasm (i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 -3
            v10 = iconst.i32 1431655766
            v11 = smulhi.i32 v0, v10
            v12 = iconst.i32 31
            v13 = ushr.i32 v0, v12
            v14 = iadd.i32 v11, v13
            v15 = ineg.i32 v14
            v16 = imul.i32 v15, v1
            v2 = isub.i32 v0, v16
            v3 = iconst.i32 -4
            v20 = iconst.i32 1
            v21 = sshr.i32 v0, v20
            v22 = iconst.i32 30
            v23 = ushr.i32 v21, v22
            v24 = iadd.i32 v0, v23
            v25 = iconst.i32 2
            v26 = sshr.i32 v24, v25
            v4 = ineg.i32 v26
            v5 = iadd.i32 v2, v4
            return v5
        }
        """);

    [Fact]
    public void LeavesTrappingAndVariableDivisionsAlone() => Check("""
        function %t wasm (i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 0
            v3 = iconst.i64 -1
            v4 = udiv.i64 v0, v2
            v5 = sdiv.i64 v0, v3
            v6 = srem.i64 v0, v1
            v7 = iadd.i64 v4, v5
            v8 = iadd.i64 v7, v6
            return v8
        }
        """, """
        function %t wasm (i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 0
            v3 = iconst.i64 -1
            v4 = udiv.i64 v0, v2
            v5 = sdiv.i64 v0, v3
            v6 = srem.i64 v0, v1
            v7 = iadd.i64 v4, v5
            v8 = iadd.i64 v7, v6
            return v8
        }
        """);

    static IEnumerable<long> Divisors(int w, Random rng)
    {
        for (long d = -300; d <= 300; d++) yield return d;
        for (int k = 2; k < w; k++)
        {
            long p = 1L << k;
            foreach (long d in new[] { p - 1, p, p + 1, -p + 1, -p, -p - 1, p / 3, p / 5 * 3, p / 7 }) yield return d;
        }
        long max = w == 32 ? int.MaxValue : long.MaxValue, min = w == 32 ? int.MinValue : long.MinValue;
        foreach (long d in new[] { max, max - 1, max - 2, min, min + 1, min + 2, -1 - max / 2, 1 + max / 2, 3 + max / 2 }) yield return d;
        // Unsigned views of large values: all ones, and just above 2^(W-1).
        foreach (long d in new long[] { -1, -2, -3, -7, min + 3 }) yield return d;
        for (int r = 0; r < 150; r++)
        {
            long d = rng.NextInt64();
            yield return d >> rng.Next(0, 63);
        }
    }

    static IEnumerable<long> Dividends(int w, long d, Random rng)
    {
        long max = w == 32 ? int.MaxValue : long.MaxValue, min = w == 32 ? int.MinValue : long.MinValue;
        foreach (long x in new[] { 0, 1, -1, 2, -2, max, min, max - 1, min + 1, d, d - 1, d + 1, -d, -d + 1, -d - 1, 2 * d, 2 * d - 1 })
            yield return x;
        // Around the largest multiples of d in range, where a wrong multiplier shows first.
        if (d != 0)
        {
            ulong ud = w == 32 ? (uint)d : (ulong)d;
            ulong umax = w == 32 ? uint.MaxValue : ulong.MaxValue;
            ulong top = umax / ud * ud;
            for (long e = -2; e <= 2; e++) yield return (long)(top + (ulong)e);
            long ad = Math.Abs(d == long.MinValue ? long.MaxValue : d);
            long stop = max / ad * ad, sbottom = min / ad * ad;
            for (long e = -2; e <= 2; e++) { yield return stop + e; yield return sbottom + e; }
        }
        for (int r = 0; r < 60; r++) yield return rng.NextInt64() >> rng.Next(0, 63);
    }

    /// <summary>Evaluates a straight-line function of one argument with <see cref="Eval"/>; false if it traps.</summary>
    static bool Run(Function f, long x, out long result)
    {
        Span<long> values = stackalloc long[f.ValueCount];
        values[f.BlockParams(f.EntryBlock)[0].Index] = x;
        Span<long> a = stackalloc long[3];
        Span<IrType> ts = stackalloc IrType[3];
        foreach (var i in f.InstsOf(f.EntryBlock))
        {
            ref readonly InstData d = ref f[i];
            var args = f.Args(i);
            for (int k = 0; k < args.Length; k++) { a[k] = values[f.Resolve(args[k]).Index]; ts[k] = f.TypeOf(args[k]); }
            if (d.Op == Op.Return) { result = a[0]; return true; }
            long r;
            if (d.Op == Op.Iconst) r = d.Imm;
            else if (!Eval.TryEvaluate(d.Op, d.Type, d.Code, a[..args.Length], ts[..args.Length], out r)) { result = 0; return false; }
            values[f.Result(i).Index] = r;
        }
        throw new InvalidOperationException("no return");
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void RewrittenDivisionsAreExactForEveryDivisorAndDividend(int w)
    {
        var rng = new Random(1234 + w);
        var t = w == 32 ? IrType.I32 : IrType.I64;
        var pass = new StrengthReduction();
        int rewritten = 0, checkedValues = 0;
        foreach (long rawD in Divisors(w, rng))
        {
            long d = Eval.Normalize(t, rawD);
            foreach (var op in new[] { Op.Udiv, Op.Sdiv, Op.Urem, Op.Srem })
            {
                var f = new Function("t", new Signature(CallConv.Wasm, [t], [t]));
                var b = new IrBuilder(f);
                var entry = f.CreateBlock();
                f.AppendBlock(entry);
                var x = f.AppendBlockParam(entry, t);
                b.SwitchToBlock(entry);
                var q = b.Binary(op, x, b.Iconst(t, d));
                b.Return([q]);
                bool changed = pass.Run(f);
                Verifier.Verify(f);
                bool leftAlone = d is 0 or 1 || (op is Op.Sdiv or Op.Srem && d == -1)
                    || (op is Op.Udiv or Op.Urem && System.Numerics.BitOperations.IsPow2(w == 32 ? (uint)d : (ulong)d));
                if (changed == leftAlone) Assert.Fail($"{op.Mnemonic()}.{t} by {d}: changed = {changed}");
                if (!changed) continue;
                rewritten++;
                foreach (var op2 in f.InstsOf(entry)) Assert.False(f.OpOf(op2) is Op.Udiv or Op.Sdiv or Op.Urem or Op.Srem);
                foreach (long rawX in Dividends(w, d, rng))
                {
                    long xv = Eval.Normalize(t, rawX);
                    Assert.True(Eval.TryEvaluate(op, t, 0, [xv, d], [t, t], out long expected));
                    Assert.True(Run(f, xv, out long actual));
                    if (expected != actual) Assert.Fail($"{op.Mnemonic()}.{t} {xv} by {d}: expected {expected}, got {actual}");
                    checkedValues++;
                }
            }
        }
        Assert.True(rewritten > 2000 && checkedValues > 100_000, $"{rewritten} rewritten, {checkedValues} checked");
    }
}
