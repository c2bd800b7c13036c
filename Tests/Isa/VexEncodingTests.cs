using Hoist.Isa.X64;
using Iced.Intel;
using Xunit.Abstractions;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;

namespace Hoist.Tests.Isa;

/// <summary>
/// The VEX-encoded MacroAssembler operations (AVX scalar arithmetic, vcvtsi2s*, BMI1 andn, BMI2 rorx and shlx/shrx/sarx)
/// against Iced's decoder and Capstone (see <see cref="EncodingChecker"/>): every register in every position, so both
/// the two-byte (C5) and three-byte (C4) prefixes and each of R, X, B and vvvv are covered, and the memory forms.
/// </summary>
public class VexEncodingTests(ITestOutputHelper output)
{
    // The Iced instruction each op is meant to be; written out here, independently of the encoder's tables.
    private static readonly Dictionary<SseOp, Code> VexCodes = new()
    {
        [SseOp.Addss] = Code.VEX_Vaddss_xmm_xmm_xmmm32, [SseOp.Addsd] = Code.VEX_Vaddsd_xmm_xmm_xmmm64,
        [SseOp.Subss] = Code.VEX_Vsubss_xmm_xmm_xmmm32, [SseOp.Subsd] = Code.VEX_Vsubsd_xmm_xmm_xmmm64,
        [SseOp.Mulss] = Code.VEX_Vmulss_xmm_xmm_xmmm32, [SseOp.Mulsd] = Code.VEX_Vmulsd_xmm_xmm_xmmm64,
        [SseOp.Divss] = Code.VEX_Vdivss_xmm_xmm_xmmm32, [SseOp.Divsd] = Code.VEX_Vdivsd_xmm_xmm_xmmm64,
        [SseOp.Minss] = Code.VEX_Vminss_xmm_xmm_xmmm32, [SseOp.Minsd] = Code.VEX_Vminsd_xmm_xmm_xmmm64,
        [SseOp.Maxss] = Code.VEX_Vmaxss_xmm_xmm_xmmm32, [SseOp.Maxsd] = Code.VEX_Vmaxsd_xmm_xmm_xmmm64,
        [SseOp.Sqrtss] = Code.VEX_Vsqrtss_xmm_xmm_xmmm32, [SseOp.Sqrtsd] = Code.VEX_Vsqrtsd_xmm_xmm_xmmm64,
        [SseOp.Cvtss2sd] = Code.VEX_Vcvtss2sd_xmm_xmm_xmmm32, [SseOp.Cvtsd2ss] = Code.VEX_Vcvtsd2ss_xmm_xmm_xmmm64,
    };

    private static readonly Width[] Widths = [Width.W32, Width.W64];
    private static readonly Xmm[] SomeXmms = [Xmm.Xmm0, Xmm.Xmm5, Xmm.Xmm8, Xmm.Xmm15];

    [Fact]
    public void AvxScalarRegisters() => EncodingChecker.Run(
        from op in VexCodes.Keys from d in SomeXmms from s1 in Corpus.Xmms from s2 in SomeXmms
        select new EncodingCase($"Vex({op}, {d}, {s1}, {s2})", a => a.Vex(op, d, s1, s2), I.Create(VexCodes[op], R(d), R(s1), R(s2))),
        output);

    [Fact]
    public void AvxScalarMemory() => EncodingChecker.Run(
        from op in VexCodes.Keys from m in Corpus.AllMems from x in Corpus.XmmsWithMem
        select new EncodingCase($"Vex({op}, {x}, Xmm9, {m})", a => a.Vex(op, x, Xmm.Xmm9, m), I.Create(VexCodes[op], R(x), R(Xmm.Xmm9), M(m))),
        output);

    [Fact]
    public void AvxRejectsNonScalarOps()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Vex(SseOp.Movaps, Xmm.Xmm0, Xmm.Xmm1, Xmm.Xmm2));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Vex(SseOp.Ucomisd, Xmm.Xmm0, Xmm.Xmm1, Xmm.Xmm2));
        Assert.Equal(0, a.Offset);
    }

    [Fact]
    public void AvxIntegerToFloat() => EncodingChecker.Run(
        (from w in Widths from d in SomeXmms from s1 in SomeXmms from g in Corpus.Gprs
         select new EncodingCase($"Vcvtsi2sd({w}, {d}, {s1}, {g})", a => a.Vcvtsi2sd(w, d, s1, g), I.Create(C($"VEX_Vcvtsi2sd_xmm_xmm_rm{w.Bits()}"), R(d), R(s1), R(g, w))))
        .Concat(from w in Widths from d in SomeXmms from s1 in SomeXmms from g in Corpus.Gprs
         select new EncodingCase($"Vcvtsi2ss({w}, {d}, {s1}, {g})", a => a.Vcvtsi2ss(w, d, s1, g), I.Create(C($"VEX_Vcvtsi2ss_xmm_xmm_rm{w.Bits()}"), R(d), R(s1), R(g, w)))),
        output);

    [Fact]
    public void Bmi() => EncodingChecker.Run(
        (from w in Widths from d in Corpus.Gprs from x in Corpus.Gprs from y in Corpus.RegsWithMem
         select new EncodingCase($"Andn({w}, {d}, {x}, {y})", a => a.Andn(w, d, x, y), I.Create(C($"VEX_Andn_r{w.Bits()}_r{w.Bits()}_rm{w.Bits()}"), R(d, w), R(x, w), R(y, w))))
        .Concat(from w in Widths from m in Corpus.AllMems from d in Corpus.RegsWithMem
         select new EncodingCase($"Andn({w}, {d}, R9, {m})", a => a.Andn(w, d, Gpr.R9, m), I.Create(C($"VEX_Andn_r{w.Bits()}_r{w.Bits()}_rm{w.Bits()}"), R(d, w), R(Gpr.R9, w), M(m))))
        .Concat(from w in Widths from d in Corpus.Gprs from s in Corpus.Gprs from k in new byte[] { 0, 1, 13, 31, 63 }
         select new EncodingCase($"Rorx({w}, {d}, {s}, {k})", a => a.Rorx(w, d, s, k), I.Create(C($"VEX_Rorx_r{w.Bits()}_rm{w.Bits()}_imm8"), R(d, w), R(s, w), k)))
        .Concat(from w in Widths from m in Corpus.AllMems from d in Corpus.RegsWithMem
         select new EncodingCase($"Rorx({w}, {d}, {m}, 7)", a => a.Rorx(w, d, m, 7), I.Create(C($"VEX_Rorx_r{w.Bits()}_rm{w.Bits()}_imm8"), R(d, w), M(m), 7)))
        .Concat(from op in new[] { ShiftOp.Shl, ShiftOp.Shr, ShiftOp.Sar } from w in Widths from d in Corpus.RegsWithMem from s in Corpus.Gprs from c in Corpus.RegsWithMem
         select new EncodingCase($"Shiftx({op}, {w}, {d}, {s}, {c})", a => a.Shiftx(op, w, d, s, c),
             I.Create(C($"VEX_{op switch { ShiftOp.Shl => "Shlx", ShiftOp.Shr => "Shrx", _ => "Sarx" }}_r{w.Bits()}_rm{w.Bits()}_r{w.Bits()}"), R(d, w), R(s, w), R(c, w))))
        .Concat(from op in new[] { ShiftOp.Shl, ShiftOp.Shr, ShiftOp.Sar } from w in Widths from m in Corpus.Mems
         select new EncodingCase($"Shiftx({op}, {w}, R12, {m}, Rcx)", a => a.Shiftx(op, w, Gpr.R12, m, Gpr.Rcx),
             I.Create(C($"VEX_{op switch { ShiftOp.Shl => "Shlx", ShiftOp.Shr => "Shrx", _ => "Sarx" }}_r{w.Bits()}_rm{w.Bits()}_r{w.Bits()}"), R(Gpr.R12, w), M(m), R(Gpr.Rcx, w)))),
        output);
}
