using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Optimizing.Ir;
using Hoist.Vm;
using static Hoist.Tests.Isa.NativeSequence;
using static Hoist.Tests.Isa.SequenceInputs;

namespace Hoist.Tests.Isa;

/// <summary>
/// The shared float sequences (min/max, copysign, abs, neg, rounding, compares) run natively on edge values
/// and compared with <see cref="Eval"/>; the register contracts (preserved inputs, allowed aliases) are
/// checked on the way.
/// </summary>
public class FloatSequenceTests
{
    public static TheoryData<FloatType> Types => new() { FloatType.F32, FloatType.F64 };

    private static void Load(MacroAssembler a, FloatType t, Xmm dst, Mem src)
    {
        if (t == FloatType.F64) a.Movsd(dst, src); else a.Movss(dst, src);
    }

    private static void Store(MacroAssembler a, FloatType t, Mem dst, Xmm src)
    {
        if (t == FloatType.F64) a.Movsd(dst, src); else a.Movss(dst, src);
    }

    /// <summary>NaN results need only be quiet NaNs (wasm's arithmetic NaNs); anything else must be the exact bits.</summary>
    private static void AssertFloat(FloatType t, ulong expected, ulong actual, string what)
    {
        actual = Mask(t, actual);
        if (IsNaN(t, expected)) Assert.True(IsQuietNaN(t, actual), $"{what}: expected a quiet NaN, got 0x{actual:x}");
        else Assert.True(expected == actual, $"{what}: expected 0x{expected:x}, got 0x{actual:x}");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void MinAndMaxPropagateNaNAndOrderZeros(FloatType t)
    {
        (Xmm Dst, Xmm Rhs)[] placements = [(Xmm.Xmm1, Xmm.Xmm9), (Xmm.Xmm12, Xmm.Xmm0), (Xmm.Xmm5, Xmm.Xmm5)];
        foreach (bool max in new[] { false, true })
        foreach ((Xmm dst, Xmm rhs) in placements)
        {
            using var f = new NativeSequence(a =>
            {
                Load(a, t, dst, In0);
                if (rhs != dst) Load(a, t, rhs, In1);
                if (max) a.FloatMax(t, dst, rhs); else a.FloatMin(t, dst, rhs);
                Store(a, t, Out0, dst);
                Store(a, t, Out1, rhs);
            });
            foreach (ulong x in Floats(t))
            foreach (ulong y in rhs == dst ? [x] : Floats(t))
            {
                Reference(max ? Op.Fmax : Op.Fmin, Ir(t), 0, [x, y], [Ir(t), Ir(t)], out ulong expected);
                (ulong r, ulong rhsAfter, TrapCode? trap) = f.Run(x, y);
                string what = $"{t} {(max ? "max" : "min")}({x:x}, {y:x}) in {dst},{rhs}";
                Assert.Null(trap);
                AssertFloat(t, expected, r, what);
                if (rhs != dst) Assert.True(Mask(t, rhsAfter) == y, $"{what}: rhs not preserved");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void CopysignKeepsPayloadsAndPreservesTheSignOperand(FloatType t)
    {
        (Xmm Dst, Xmm Sign, Xmm Tmp)[] placements = [(Xmm.Xmm1, Xmm.Xmm2, Xmm.Xmm3), (Xmm.Xmm8, Xmm.Xmm15, Xmm.Xmm15)];
        foreach ((Xmm dst, Xmm sign, Xmm tmp) in placements)
        {
            using var f = new NativeSequence(a =>
            {
                Load(a, t, dst, In0);
                Load(a, t, sign, In1);
                a.FloatCopysign(t, dst, sign, tmp);
                Store(a, t, Out0, dst);
                Store(a, t, Out1, sign);
            });
            foreach (ulong x in Floats(t))
            foreach (ulong y in Floats(t))
            {
                Reference(Op.Fcopysign, Ir(t), 0, [x, y], [Ir(t), Ir(t)], out ulong expected);
                (ulong r, ulong signAfter, _) = f.Run(x, y);
                Assert.True(expected == Mask(t, r), $"{t} copysign({x:x}, {y:x}) = {r:x}, expected {expected:x}");
                if (tmp != sign) Assert.Equal(y, Mask(t, signAfter));
            }
        }
        Assert.Throws<ArgumentException>(() => new MacroAssembler().FloatCopysign(t, Xmm.Xmm1, Xmm.Xmm2, Xmm.Xmm1));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void CopysignWithAConstantSignAbsAndNegAreBitOperations(FloatType t)
    {
        using var abs = new NativeSequence(a => { Load(a, t, Xmm.Xmm4, In0); a.FloatAbs(t, Xmm.Xmm4); Store(a, t, Out0, Xmm.Xmm4); });
        using var neg = new NativeSequence(a => { Load(a, t, Xmm.Xmm11, In0); a.FloatNeg(t, Xmm.Xmm11); Store(a, t, Out0, Xmm.Xmm11); });
        using var plus = new NativeSequence(a => { Load(a, t, Xmm.Xmm0, In0); a.FloatCopysign(t, Xmm.Xmm0, negative: false); Store(a, t, Out0, Xmm.Xmm0); });
        using var minus = new NativeSequence(a => { Load(a, t, Xmm.Xmm0, In0); a.FloatCopysign(t, Xmm.Xmm0, negative: true); Store(a, t, Out0, Xmm.Xmm0); });
        ulong minusOne = t == FloatType.F64 ? BitConverter.DoubleToUInt64Bits(-1) : BitConverter.SingleToUInt32Bits(-1f);
        foreach (ulong x in Floats(t))
        {
            Check(abs, Op.Fabs, [x]);
            Check(neg, Op.Fneg, [x]);
            Check(plus, Op.Fcopysign, [x, 0]);
            Check(minus, Op.Fcopysign, [x, minusOne]);
        }

        void Check(NativeSequence f, Op op, ulong[] args)
        {
            Reference(op, Ir(t), 0, args, args.Length == 1 ? [Ir(t)] : [Ir(t), Ir(t)], out ulong expected);
            ulong r = Mask(t, f.Run(args[0]).Out0);
            Assert.True(expected == r, $"{t} {op}({args[0]:x}) = {r:x}, expected {expected:x}");
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void RoundingFollowsWasm(FloatType t)
    {
        (RoundingMode Mode, Op Op)[] modes = [(RoundingMode.Ceil, Op.Fceil), (RoundingMode.Floor, Op.Ffloor), (RoundingMode.Trunc, Op.Ftrunc), (RoundingMode.Nearest, Op.Fnearest)];
        foreach ((RoundingMode mode, Op op) in modes)
        {
            using var inPlace = new NativeSequence(a => { Load(a, t, Xmm.Xmm2, In0); a.FloatRound(t, mode, Xmm.Xmm2, Xmm.Xmm2); Store(a, t, Out0, Xmm.Xmm2); });
            using var apart = new NativeSequence(a => { Load(a, t, Xmm.Xmm9, In0); a.FloatRound(t, mode, Xmm.Xmm3, Xmm.Xmm9); Store(a, t, Out0, Xmm.Xmm3); Store(a, t, Out1, Xmm.Xmm9); });
            using var fromMemory = new NativeSequence(a => { a.FloatRound(t, mode, Xmm.Xmm13, In0); Store(a, t, Out0, Xmm.Xmm13); });
            foreach (ulong x in Floats(t))
            {
                Reference(op, Ir(t), 0, [x], [Ir(t)], out ulong expected);
                string what = $"{t} {mode}({x:x})";
                AssertFloat(t, expected, inPlace.Run(x).Out0, what);
                (ulong r, ulong src, _) = apart.Run(x);
                AssertFloat(t, expected, r, what + " apart");
                Assert.Equal(x, Mask(t, src));
                AssertFloat(t, expected, fromMemory.Run(x).Out0, what + " from memory");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ComparesGiveZeroOrOneWithTheParityRules(FloatType t)
    {
        (FloatCmp Cmp, FloatCC CC)[] cmps = [(FloatCmp.Eq, FloatCC.Eq), (FloatCmp.Ne, FloatCC.Ne), (FloatCmp.Lt, FloatCC.Lt), (FloatCmp.Gt, FloatCC.Gt), (FloatCmp.Le, FloatCC.Le), (FloatCmp.Ge, FloatCC.Ge)];
        foreach ((FloatCmp cmp, FloatCC cc) in cmps)
        {
            var variants = new List<NativeSequence>
            {
                // Register operands; dst starts with garbage in its upper bits.
                new(a =>
                {
                    Load(a, t, Xmm.Xmm2, In0); Load(a, t, Xmm.Xmm12, In1);
                    a.MovImm(Width.W64, Gpr.R9, -1);
                    a.FloatCompare(t, cmp, Gpr.R9, Xmm.Xmm2, Xmm.Xmm12, Gpr.Rsi);
                    a.Mov(Width.W64, Out0, Gpr.R9);
                }),
                // A branch on the flags.
                new(a =>
                {
                    Load(a, t, Xmm.Xmm7, In0); Load(a, t, Xmm.Xmm1, In1);
                    (bool swap, _) = cmp.Flags();
                    if (swap) a.Ucomis(t, Xmm.Xmm1, Xmm.Xmm7); else a.Ucomis(t, Xmm.Xmm7, Xmm.Xmm1);
                    Label yes = a.NewLabel(), done = a.NewLabel();
                    a.JccFloat(cmp, yes);
                    a.MovImm(Width.W64, Out0, 0);
                    a.Jmp(done);
                    a.Bind(yes);
                    a.MovImm(Width.W64, Out0, 1);
                    a.Bind(done);
                }),
            };
            if (!cmp.Flags().Swap)
                variants.Add(new(a =>
                {
                    Load(a, t, Xmm.Xmm15, In0);
                    a.MovImm(Width.W64, Gpr.Rax, -1);
                    a.FloatCompare(t, cmp, Gpr.Rax, Xmm.Xmm15, In1, Gpr.R8);
                    a.Mov(Width.W64, Out0, Gpr.Rax);
                }));
            foreach (ulong x in Floats(t))
            foreach (ulong y in Floats(t))
            {
                Reference(Op.Fcmp, IrType.I32, (byte)cc, [x, y], [Ir(t), Ir(t)], out ulong expected);
                for (int v = 0; v < variants.Count; v++)
                {
                    ulong r = variants[v].Run(x, y).Out0;
                    Assert.True(expected == r, $"{t} {cmp}({x:x}, {y:x}) variant {v} = {r:x}, expected {expected}");
                }
            }
            foreach (NativeSequence f in variants) f.Dispose();
        }
        Assert.Throws<ArgumentException>(() => new MacroAssembler().FloatCompare(t, FloatCmp.Lt, Gpr.Rax, Xmm.Xmm0, Mem.At(Gpr.Rdi), Gpr.Rcx));
        Assert.Throws<ArgumentException>(() => new MacroAssembler().FloatCompare(t, FloatCmp.Eq, Gpr.Rax, Xmm.Xmm0, Xmm.Xmm1, Gpr.Rax));
    }
}
