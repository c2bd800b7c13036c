using Hoist.Isa.X64;
using Iced.Intel;
using Xunit.Abstractions;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;

namespace Hoist.Tests.Isa;

/// <summary>Every SSE MacroAssembler operation against Iced's decoder and Capstone (see <see cref="EncodingChecker"/>).</summary>
public class FloatEncodingTests(ITestOutputHelper output)
{
    // The Iced instruction each op is meant to be; written out here, independently of the encoder's tables.
    private static readonly Dictionary<SseOp, Code> SseCodes = new()
    {
        [SseOp.Movss] = Code.Movss_xmm_xmmm32, [SseOp.Movsd] = Code.Movsd_xmm_xmmm64, [SseOp.Movq] = Code.Movq_xmm_xmmm64,
        [SseOp.Movups] = Code.Movups_xmm_xmmm128, [SseOp.Movupd] = Code.Movupd_xmm_xmmm128,
        [SseOp.Movaps] = Code.Movaps_xmm_xmmm128, [SseOp.Movapd] = Code.Movapd_xmm_xmmm128,
        [SseOp.Movdqu] = Code.Movdqu_xmm_xmmm128, [SseOp.Movdqa] = Code.Movdqa_xmm_xmmm128,
        [SseOp.Addss] = Code.Addss_xmm_xmmm32, [SseOp.Addsd] = Code.Addsd_xmm_xmmm64,
        [SseOp.Mulss] = Code.Mulss_xmm_xmmm32, [SseOp.Mulsd] = Code.Mulsd_xmm_xmmm64,
        [SseOp.Subss] = Code.Subss_xmm_xmmm32, [SseOp.Subsd] = Code.Subsd_xmm_xmmm64,
        [SseOp.Minss] = Code.Minss_xmm_xmmm32, [SseOp.Minsd] = Code.Minsd_xmm_xmmm64,
        [SseOp.Divss] = Code.Divss_xmm_xmmm32, [SseOp.Divsd] = Code.Divsd_xmm_xmmm64,
        [SseOp.Maxss] = Code.Maxss_xmm_xmmm32, [SseOp.Maxsd] = Code.Maxsd_xmm_xmmm64,
        [SseOp.Sqrtss] = Code.Sqrtss_xmm_xmmm32, [SseOp.Sqrtsd] = Code.Sqrtsd_xmm_xmmm64,
        [SseOp.Cvtss2sd] = Code.Cvtss2sd_xmm_xmmm32, [SseOp.Cvtsd2ss] = Code.Cvtsd2ss_xmm_xmmm64,
        [SseOp.Ucomiss] = Code.Ucomiss_xmm_xmmm32, [SseOp.Ucomisd] = Code.Ucomisd_xmm_xmmm64,
        [SseOp.Andps] = Code.Andps_xmm_xmmm128, [SseOp.Andpd] = Code.Andpd_xmm_xmmm128,
        [SseOp.Andnps] = Code.Andnps_xmm_xmmm128, [SseOp.Andnpd] = Code.Andnpd_xmm_xmmm128,
        [SseOp.Orps] = Code.Orps_xmm_xmmm128, [SseOp.Orpd] = Code.Orpd_xmm_xmmm128,
        [SseOp.Xorps] = Code.Xorps_xmm_xmmm128, [SseOp.Xorpd] = Code.Xorpd_xmm_xmmm128,
        [SseOp.Pxor] = Code.Pxor_xmm_xmmm128,
    };

    private static readonly Dictionary<SseStoreOp, Code> StoreCodes = new()
    {
        [SseStoreOp.Movss] = Code.Movss_xmmm32_xmm, [SseStoreOp.Movsd] = Code.Movsd_xmmm64_xmm, [SseStoreOp.Movq] = Code.Movq_xmmm64_xmm,
        [SseStoreOp.Movups] = Code.Movups_xmmm128_xmm, [SseStoreOp.Movupd] = Code.Movupd_xmmm128_xmm,
        [SseStoreOp.Movaps] = Code.Movaps_xmmm128_xmm, [SseStoreOp.Movapd] = Code.Movapd_xmmm128_xmm,
        [SseStoreOp.Movdqu] = Code.Movdqu_xmmm128_xmm, [SseStoreOp.Movdqa] = Code.Movdqa_xmmm128_xmm,
    };

    [Fact]
    public void EveryOpHasAnExpectedInstruction()
    {
        Assert.Equal(Enum.GetValues<SseOp>().Order(), SseCodes.Keys.Order());
        Assert.Equal(Enum.GetValues<SseStoreOp>().Order(), StoreCodes.Keys.Order());
    }

    [Fact]
    public void SseRegReg() => EncodingChecker.Run(
        from op in SseCodes.Keys from d in Corpus.Xmms from s in Corpus.Xmms
        select new EncodingCase($"{op}({d}, {s})", a => a.Sse(op, d, s), I.Create(SseCodes[op], R(d), R(s))),
        output);

    [Fact]
    public void SseLoadsAndStores() => EncodingChecker.Run(
        (from op in SseCodes.Keys from m in Corpus.Mems from x in Corpus.XmmsWithMem
         select new EncodingCase($"{op}({x}, {m})", a => a.Sse(op, x, m), I.Create(SseCodes[op], R(x), M(m))))
        .Concat(from op in StoreCodes.Keys from m in Corpus.AllMems from x in Corpus.XmmsWithMem
         select new EncodingCase($"{op}({m}, {x})", a => a.Sse(op, m, x), I.Create(StoreCodes[op], M(m), R(x)))),
        output);

    [Fact]
    public void Rounding() => EncodingChecker.Run(
        (from mode in Enum.GetValues<RoundingMode>() from d in Corpus.Xmms from s in Corpus.Xmms
         select new EncodingCase($"Roundss({d}, {s}, {mode})", a => a.Roundss(d, s, mode), I.Create(Code.Roundss_xmm_xmmm32_imm8, R(d), R(s), (int)mode | 8)))
        .Concat(from mode in Enum.GetValues<RoundingMode>() from d in Corpus.Xmms from s in Corpus.Xmms
         select new EncodingCase($"Roundsd({d}, {s}, {mode})", a => a.Roundsd(d, s, mode), I.Create(Code.Roundsd_xmm_xmmm64_imm8, R(d), R(s), (int)mode | 8)))
        .Concat(from m in Corpus.Mems from x in Corpus.XmmsWithMem
         select new EncodingCase($"Roundss({x}, {m}, Floor)", a => a.Roundss(x, m, RoundingMode.Floor), I.Create(Code.Roundss_xmm_xmmm32_imm8, R(x), M(m), 9)))
        .Concat(from m in Corpus.Mems from x in Corpus.XmmsWithMem
         select new EncodingCase($"Roundsd({x}, {m}, Trunc)", a => a.Roundsd(x, m, RoundingMode.Trunc), I.Create(Code.Roundsd_xmm_xmmm64_imm8, R(x), M(m), 11))),
        output);

    private static readonly Width[] IntWidths = [Width.W32, Width.W64];

    [Fact]
    public void IntegerConversions() => EncodingChecker.Run(
        (from w in IntWidths from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Cvtsi2ss({w}, {x}, {g})", a => a.Cvtsi2ss(w, x, g), I.Create(C($"Cvtsi2ss_xmm_rm{w.Bits()}"), R(x), R(g, w))))
        .Concat(from w in IntWidths from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Cvtsi2sd({w}, {x}, {g})", a => a.Cvtsi2sd(w, x, g), I.Create(C($"Cvtsi2sd_xmm_rm{w.Bits()}"), R(x), R(g, w))))
        .Concat(from w in IntWidths from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Cvttss2si({w}, {g}, {x})", a => a.Cvttss2si(w, g, x), I.Create(C($"Cvttss2si_r{w.Bits()}_xmmm32"), R(g, w), R(x))))
        .Concat(from w in IntWidths from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Cvttsd2si({w}, {g}, {x})", a => a.Cvttsd2si(w, g, x), I.Create(C($"Cvttsd2si_r{w.Bits()}_xmmm64"), R(g, w), R(x))))
        .Concat(from w in IntWidths from m in Corpus.Mems
         select new EncodingCase($"Cvtsi2ss({w}, Xmm9, {m})", a => a.Cvtsi2ss(w, Xmm.Xmm9, m), I.Create(C($"Cvtsi2ss_xmm_rm{w.Bits()}"), R(Xmm.Xmm9), M(m))))
        .Concat(from w in IntWidths from m in Corpus.Mems
         select new EncodingCase($"Cvtsi2sd({w}, Xmm2, {m})", a => a.Cvtsi2sd(w, Xmm.Xmm2, m), I.Create(C($"Cvtsi2sd_xmm_rm{w.Bits()}"), R(Xmm.Xmm2), M(m))))
        .Concat(from w in IntWidths from m in Corpus.Mems
         select new EncodingCase($"Cvttss2si({w}, R10, {m})", a => a.Cvttss2si(w, Gpr.R10, m), I.Create(C($"Cvttss2si_r{w.Bits()}_xmmm32"), R(Gpr.R10, w), M(m))))
        .Concat(from w in IntWidths from m in Corpus.Mems
         select new EncodingCase($"Cvttsd2si({w}, Rdi, {m})", a => a.Cvttsd2si(w, Gpr.Rdi, m), I.Create(C($"Cvttsd2si_r{w.Bits()}_xmmm64"), R(Gpr.Rdi, w), M(m)))),
        output);

    [Fact]
    public void MovesBetweenGprAndXmm() => EncodingChecker.Run(
        (from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Movd({x}, {g})", a => a.Movd(x, g), I.Create(Code.Movd_xmm_rm32, R(x), R(g, Width.W32))))
        .Concat(from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Movq({x}, {g})", a => a.Movq(x, g), I.Create(Code.Movq_xmm_rm64, R(x), R(g, Width.W64))))
        .Concat(from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Movd({g}, {x})", a => a.Movd(g, x), I.Create(Code.Movd_rm32_xmm, R(g, Width.W32), R(x))))
        .Concat(from x in Corpus.Xmms from g in Corpus.Gprs
         select new EncodingCase($"Movq({g}, {x})", a => a.Movq(g, x), I.Create(Code.Movq_rm64_xmm, R(g, Width.W64), R(x)))),
        output);

    [Fact]
    public void NamedMovesMatchTheGenericForms()
    {
        Mem m = Mem.At(Gpr.R13, Gpr.R12, 8, -8);
        var pairs = new (Action<MacroAssembler> Named, Action<MacroAssembler> Generic)[]
        {
            (a => a.Movss(Xmm.Xmm1, Xmm.Xmm9), a => a.Sse(SseOp.Movss, Xmm.Xmm1, Xmm.Xmm9)),
            (a => a.Movss(Xmm.Xmm1, m), a => a.Sse(SseOp.Movss, Xmm.Xmm1, m)),
            (a => a.Movss(m, Xmm.Xmm1), a => a.Sse(SseStoreOp.Movss, m, Xmm.Xmm1)),
            (a => a.Movsd(Xmm.Xmm1, Xmm.Xmm9), a => a.Sse(SseOp.Movsd, Xmm.Xmm1, Xmm.Xmm9)),
            (a => a.Movsd(Xmm.Xmm1, m), a => a.Sse(SseOp.Movsd, Xmm.Xmm1, m)),
            (a => a.Movsd(m, Xmm.Xmm1), a => a.Sse(SseStoreOp.Movsd, m, Xmm.Xmm1)),
            (a => a.Movaps(Xmm.Xmm3, Xmm.Xmm15), a => a.Sse(SseOp.Movaps, Xmm.Xmm3, Xmm.Xmm15)),
            (a => a.Movdqa(Xmm.Xmm3, Xmm.Xmm15), a => a.Sse(SseOp.Movdqa, Xmm.Xmm3, Xmm.Xmm15)),
            (a => a.Movups(Xmm.Xmm3, m), a => a.Sse(SseOp.Movups, Xmm.Xmm3, m)),
            (a => a.Movups(m, Xmm.Xmm3), a => a.Sse(SseStoreOp.Movups, m, Xmm.Xmm3)),
            (a => a.Movdqu(Xmm.Xmm3, m), a => a.Sse(SseOp.Movdqu, Xmm.Xmm3, m)),
            (a => a.Movdqu(m, Xmm.Xmm3), a => a.Sse(SseStoreOp.Movdqu, m, Xmm.Xmm3)),
            (a => a.Pxor(Xmm.Xmm0, Xmm.Xmm8), a => a.Sse(SseOp.Pxor, Xmm.Xmm0, Xmm.Xmm8)),
            (a => a.Xorps(Xmm.Xmm0, Xmm.Xmm8), a => a.Sse(SseOp.Xorps, Xmm.Xmm0, Xmm.Xmm8)),
            (a => a.MovToXmm(Width.W64, Xmm.Xmm4, Gpr.R8), a => a.Movq(Xmm.Xmm4, Gpr.R8)),
            (a => a.MovFromXmm(Width.W32, Gpr.R8, Xmm.Xmm4), a => a.Movd(Gpr.R8, Xmm.Xmm4)),
        };
        foreach (var (named, generic) in pairs)
        {
            var x = new MacroAssembler();
            var y = new MacroAssembler();
            named(x);
            generic(y);
            Assert.Equal(y.Buffer.Code.ToArray(), x.Buffer.Code.ToArray());
            Assert.NotEqual(0, x.Offset);
        }
    }

    [Fact]
    public void ConversionsRejectNarrowIntegers()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Cvtsi2sd(Width.W16, Xmm.Xmm0, Gpr.Rax));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Cvttss2si(Width.W8, Gpr.Rax, Xmm.Xmm0));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.MovToXmm(Width.W16, Xmm.Xmm0, Gpr.Rax));
        Assert.Equal(0, a.Offset);
    }
}
