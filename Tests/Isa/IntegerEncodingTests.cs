using Hoist.Isa.X64;
using Iced.Intel;
using Xunit.Abstractions;
using static Hoist.Tests.Isa.IcedReference;
using I = Iced.Intel.Instruction;

namespace Hoist.Tests.Isa;

/// <summary>Every integer MacroAssembler operation against Iced's decoder and Capstone (see <see cref="EncodingChecker"/>).</summary>
public class IntegerEncodingTests(ITestOutputHelper output)
{
    private static readonly AluOp[] AluOps = Enum.GetValues<AluOp>();

    private static string Name(AluOp op) => op.ToString();

    [Fact]
    public void MovRegReg() => EncodingChecker.Run(
        from w in Corpus.Widths from d in Corpus.Gprs from s in Corpus.Gprs
        select new EncodingCase($"Mov({w}, {d}, {s})", a => a.Mov(w, d, s), I.Create(C($"Mov_rm{w.Bits()}_r{w.Bits()}"), R(d, w), R(s, w))),
        output);

    [Fact]
    public void MovLoadStoreEveryAddressingForm() => EncodingChecker.Run(
        (from w in Corpus.Widths from m in Corpus.AllMems from r in Corpus.RegsWithMem
         select new EncodingCase($"Mov({w}, {r}, {m})", a => a.Mov(w, r, m), I.Create(C($"Mov_r{w.Bits()}_rm{w.Bits()}"), R(r, w), M(m))))
        .Concat(
         from w in Corpus.Widths from m in Corpus.AllMems from r in Corpus.RegsWithMem
         select new EncodingCase($"Mov({w}, {m}, {r})", a => a.Mov(w, m, r), I.Create(C($"Mov_rm{w.Bits()}_r{w.Bits()}"), M(m), R(r, w)))),
        output);

    [Fact]
    public void MovImmToMemory() => EncodingChecker.Run(
        from w in Corpus.Widths from m in Corpus.Mems from imm in Corpus.Imms(w)
        select new EncodingCase($"MovImm({w}, {m}, {imm})", a => a.MovImm(w, m, imm),
            w == Width.W64 ? I.Create(Code.Mov_rm64_imm32, M(m), imm) : I.Create(C($"Mov_rm{w.Bits()}_imm{w.Bits()}"), M(m), imm)),
        output);

    [Fact]
    public void MovImmToRegisterPicksTheShortestForm()
    {
        long[] values = [0, 1, -1, 127, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000, -0x80000000L, -0x80000001L, long.MinValue, long.MaxValue, 0x123456789ABCDEF0];
        EncodingChecker.Run(
            (from r in Corpus.Gprs from v in values
             select new EncodingCase($"MovImm(W64, {r}, {v:x})", a => a.MovImm(Width.W64, r, v),
                (ulong)v <= uint.MaxValue ? I.Create(Code.Mov_r32_imm32, R(r, Width.W32), (uint)v)
                : v == (int)v ? I.Create(Code.Mov_rm64_imm32, R(r, Width.W64), (int)v)
                : I.Create(Code.Mov_r64_imm64, R(r, Width.W64), (ulong)v)))
            .Concat(
             from r in Corpus.Gprs from v in new long[] { 0, -1, 0x12345678, 0xFFFFFFFF, int.MinValue }
             select new EncodingCase($"MovImm(W32, {r}, {v:x})", a => a.MovImm(Width.W32, r, v), I.Create(Code.Mov_r32_imm32, R(r, Width.W32), (uint)v)))
            .Concat(
             from r in Corpus.Gprs from v in new long[] { 0, 0x7F, 0xFF, -1 }
             select new EncodingCase($"MovImm(W8, {r}, {v})", a => a.MovImm(Width.W8, r, v), I.Create(Code.Mov_r8_imm8, R(r, Width.W8), (byte)v)))
            .Concat(
             from r in Corpus.Gprs from v in new long[] { 0, 0x7FFF, 0xFFFF, -1 }
             select new EncodingCase($"MovImm(W16, {r}, {v})", a => a.MovImm(Width.W16, r, v), I.Create(Code.Mov_r16_imm16, R(r, Width.W16), (ushort)v))),
            output);
    }

    [Fact]
    public void ZeroAndSignExtension()
    {
        (Width Dst, Width Src)[] pairs = [(Width.W16, Width.W8), (Width.W32, Width.W8), (Width.W64, Width.W8), (Width.W32, Width.W16), (Width.W64, Width.W16)];
        EncodingChecker.Run(
            (from p in pairs from d in Corpus.Gprs from s in Corpus.Gprs
             select new EncodingCase($"Movzx({p.Dst}, {d}, {p.Src}, {s})", a => a.Movzx(p.Dst, d, p.Src, s), I.Create(C($"Movzx_r{p.Dst.Bits()}_rm{p.Src.Bits()}"), R(d, p.Dst), R(s, p.Src))))
            .Concat(from p in pairs from d in Corpus.Gprs from s in Corpus.Gprs
             select new EncodingCase($"Movsx({p.Dst}, {d}, {p.Src}, {s})", a => a.Movsx(p.Dst, d, p.Src, s), I.Create(C($"Movsx_r{p.Dst.Bits()}_rm{p.Src.Bits()}"), R(d, p.Dst), R(s, p.Src))))
            .Concat(from d in Corpus.Gprs from s in Corpus.Gprs
             select new EncodingCase($"Movsx(W64, {d}, W32, {s})", a => a.Movsx(Width.W64, d, Width.W32, s), I.Create(Code.Movsxd_r64_rm32, R(d, Width.W64), R(s, Width.W32))))
            .Concat(from d in Corpus.Gprs from s in Corpus.Gprs
             select new EncodingCase($"Movzx(W64, {d}, W32, {s})", a => a.Movzx(Width.W64, d, Width.W32, s), I.Create(Code.Mov_rm32_r32, R(d, Width.W32), R(s, Width.W32))))
            .Concat(from p in pairs from m in Corpus.Mems from d in Corpus.RegsWithMem
             select new EncodingCase($"Movzx({p.Dst}, {d}, {p.Src}, {m})", a => a.Movzx(p.Dst, d, p.Src, m), I.Create(C($"Movzx_r{p.Dst.Bits()}_rm{p.Src.Bits()}"), R(d, p.Dst), M(m))))
            .Concat(from p in pairs from m in Corpus.Mems from d in Corpus.RegsWithMem
             select new EncodingCase($"Movsx({p.Dst}, {d}, {p.Src}, {m})", a => a.Movsx(p.Dst, d, p.Src, m), I.Create(C($"Movsx_r{p.Dst.Bits()}_rm{p.Src.Bits()}"), R(d, p.Dst), M(m))))
            .Concat(from m in Corpus.Mems from d in Corpus.RegsWithMem
             select new EncodingCase($"Movsx(W64, {d}, W32, {m})", a => a.Movsx(Width.W64, d, Width.W32, m), I.Create(Code.Movsxd_r64_rm32, R(d, Width.W64), M(m))))
            .Concat(from m in Corpus.Mems from d in Corpus.RegsWithMem
             select new EncodingCase($"Movzx(W64, {d}, W32, {m})", a => a.Movzx(Width.W64, d, Width.W32, m), I.Create(Code.Mov_r32_rm32, R(d, Width.W32), M(m)))),
            output);
    }

    [Fact]
    public void Lea() => EncodingChecker.Run(
        from w in Corpus.WidthsNoByte from m in Corpus.AllMems from r in Corpus.RegsWithMem
        select new EncodingCase($"Lea({w}, {r}, {m})", a => a.Lea(w, r, m), I.Create(C($"Lea_r{w.Bits()}_m"), R(r, w), M(m))),
        output);

    [Fact]
    public void AluRegReg() => EncodingChecker.Run(
        from op in AluOps from w in Corpus.Widths from d in Corpus.Gprs from s in Corpus.Gprs
        select new EncodingCase($"{op}({w}, {d}, {s})", a => a.Alu(op, w, d, s), I.Create(C($"{Name(op)}_rm{w.Bits()}_r{w.Bits()}"), R(d, w), R(s, w))),
        output);

    [Fact]
    public void AluWithMemory() => EncodingChecker.Run(
        (from op in AluOps from w in Corpus.Widths from m in Corpus.Mems from r in Corpus.RegsWithMem
         select new EncodingCase($"{op}({w}, {r}, {m})", a => a.Alu(op, w, r, m), I.Create(C($"{Name(op)}_r{w.Bits()}_rm{w.Bits()}"), R(r, w), M(m))))
        .Concat(from op in AluOps from w in Corpus.Widths from m in Corpus.Mems from r in Corpus.RegsWithMem
         select new EncodingCase($"{op}({w}, {m}, {r})", a => a.Alu(op, w, m, r), I.Create(C($"{Name(op)}_rm{w.Bits()}_r{w.Bits()}"), M(m), R(r, w)))),
        output);

    private static Code AluImmCode(AluOp op, Width w, int imm) =>
        w == Width.W8 ? C($"{Name(op)}_rm8_imm8")
        : (sbyte)imm == imm ? C($"{Name(op)}_rm{w.Bits()}_imm8")
        : C($"{Name(op)}_rm{w.Bits()}_imm{Math.Min(w.Bits(), 32)}");

    [Fact]
    public void AluWithImmediate() => EncodingChecker.Run(
        (from op in AluOps from w in Corpus.Widths from r in Corpus.Gprs from imm in Corpus.Imms(w)
         select new EncodingCase($"{op}({w}, {r}, {imm})", a => a.Alu(op, w, r, imm), I.Create(AluImmCode(op, w, imm), R(r, w), imm)))
        .Concat(from op in AluOps from w in Corpus.Widths from m in Corpus.Mems from imm in Corpus.Imms(w)
         select new EncodingCase($"{op}({w}, {m}, {imm})", a => a.Alu(op, w, m, imm), I.Create(AluImmCode(op, w, imm), M(m), imm))),
        output);

    [Fact]
    public void NamedAluWrappersMatchAlu()
    {
        var pairs = new (Action<MacroAssembler> Named, Action<MacroAssembler> Generic)[]
        {
            (a => a.Add(Width.W32, Gpr.Rax, Gpr.R9), a => a.Alu(AluOp.Add, Width.W32, Gpr.Rax, Gpr.R9)),
            (a => a.Sub(Width.W64, Gpr.R12, Mem.At(Gpr.Rsp, 8)), a => a.Alu(AluOp.Sub, Width.W64, Gpr.R12, Mem.At(Gpr.Rsp, 8))),
            (a => a.And(Width.W64, Mem.At(Gpr.Rbp), Gpr.Rdx), a => a.Alu(AluOp.And, Width.W64, Mem.At(Gpr.Rbp), Gpr.Rdx)),
            (a => a.Or(Width.W16, Gpr.Rsi, 300), a => a.Alu(AluOp.Or, Width.W16, Gpr.Rsi, 300)),
            (a => a.Xor(Width.W8, Mem.At(Gpr.R13), 7), a => a.Alu(AluOp.Xor, Width.W8, Mem.At(Gpr.R13), 7)),
            (a => a.Cmp(Width.W32, Gpr.Rdi, -5), a => a.Alu(AluOp.Cmp, Width.W32, Gpr.Rdi, -5)),
            (a => a.Adc(Width.W64, Gpr.Rax, Gpr.Rbx), a => a.Alu(AluOp.Adc, Width.W64, Gpr.Rax, Gpr.Rbx)),
            (a => a.Sbb(Width.W64, Gpr.Rdx, 0), a => a.Alu(AluOp.Sbb, Width.W64, Gpr.Rdx, 0)),
        };
        foreach (var (named, generic) in pairs)
        {
            var x = new MacroAssembler();
            var y = new MacroAssembler();
            named(x);
            generic(y);
            Assert.Equal(y.Buffer.Code.ToArray(), x.Buffer.Code.ToArray());
        }
    }

    [Fact]
    public void Test() => EncodingChecker.Run(
        (from w in Corpus.Widths from d in Corpus.Gprs from s in Corpus.Gprs
         select new EncodingCase($"Test({w}, {d}, {s})", a => a.Test(w, d, s), I.Create(C($"Test_rm{w.Bits()}_r{w.Bits()}"), R(d, w), R(s, w))))
        .Concat(from w in Corpus.Widths from m in Corpus.Mems from r in Corpus.RegsWithMem
         select new EncodingCase($"Test({w}, {m}, {r})", a => a.Test(w, m, r), I.Create(C($"Test_rm{w.Bits()}_r{w.Bits()}"), M(m), R(r, w))))
        .Concat(from w in Corpus.Widths from r in Corpus.Gprs from imm in Corpus.Imms(w)
         select new EncodingCase($"Test({w}, {r}, {imm})", a => a.Test(w, r, imm), I.Create(C($"Test_rm{w.Bits()}_imm{Math.Min(w.Bits(), 32)}"), R(r, w), imm)))
        .Concat(from w in Corpus.Widths from m in Corpus.Mems from imm in Corpus.Imms(w)
         select new EncodingCase($"Test({w}, {m}, {imm})", a => a.Test(w, m, imm), I.Create(C($"Test_rm{w.Bits()}_imm{Math.Min(w.Bits(), 32)}"), M(m), imm))),
        output);

    [Fact]
    public void Imul() => EncodingChecker.Run(
        (from w in Corpus.WidthsNoByte from d in Corpus.Gprs from s in Corpus.Gprs
         select new EncodingCase($"Imul({w}, {d}, {s})", a => a.Imul(w, d, s), I.Create(C($"Imul_r{w.Bits()}_rm{w.Bits()}"), R(d, w), R(s, w))))
        .Concat(from w in Corpus.WidthsNoByte from m in Corpus.Mems from r in Corpus.RegsWithMem
         select new EncodingCase($"Imul({w}, {r}, {m})", a => a.Imul(w, r, m), I.Create(C($"Imul_r{w.Bits()}_rm{w.Bits()}"), R(r, w), M(m))))
        .Concat(from w in Corpus.WidthsNoByte from d in Corpus.RegsWithMem from s in Corpus.Gprs from imm in Corpus.Imms(w)
         select new EncodingCase($"Imul({w}, {d}, {s}, {imm})", a => a.Imul(w, d, s, imm),
            I.Create(C((sbyte)imm == imm ? $"Imul_r{w.Bits()}_rm{w.Bits()}_imm8" : $"Imul_r{w.Bits()}_rm{w.Bits()}_imm{Math.Min(w.Bits(), 32)}"), R(d, w), R(s, w), imm)))
        .Concat(from w in Corpus.WidthsNoByte from m in Corpus.Mems from imm in new[] { 3, -200, 0x10000 }.Where(i => w != Width.W16 || i < 0x8000)
         select new EncodingCase($"Imul({w}, R11, {m}, {imm})", a => a.Imul(w, Gpr.R11, m, imm),
            I.Create(C((sbyte)imm == imm ? $"Imul_r{w.Bits()}_rm{w.Bits()}_imm8" : $"Imul_r{w.Bits()}_rm{w.Bits()}_imm{Math.Min(w.Bits(), 32)}"), R(Gpr.R11, w), M(m), imm))),
        output);

    private static readonly (string Name, Action<MacroAssembler, Width, Gpr> Reg, Action<MacroAssembler, Width, Mem> Mem)[] Group3 =
    [
        ("Not", (a, w, r) => a.Not(w, r), (a, w, m) => a.Not(w, m)),
        ("Neg", (a, w, r) => a.Neg(w, r), (a, w, m) => a.Neg(w, m)),
        ("Mul", (a, w, r) => a.Mul(w, r), (a, w, m) => a.Mul(w, m)),
        ("Imul", (a, w, r) => a.ImulWide(w, r), (a, w, m) => a.ImulWide(w, m)),
        ("Div", (a, w, r) => a.Div(w, r), (a, w, m) => a.Div(w, m)),
        ("Idiv", (a, w, r) => a.Idiv(w, r), (a, w, m) => a.Idiv(w, m)),
    ];

    [Fact]
    public void NotNegMulDiv() => EncodingChecker.Run(
        (from g in Group3 from w in Corpus.Widths from r in Corpus.Gprs
         select new EncodingCase($"{g.Name}({w}, {r})", a => g.Reg(a, w, r), I.Create(C($"{g.Name}_rm{w.Bits()}"), R(r, w))))
        .Concat(from g in Group3 from w in Corpus.Widths from m in Corpus.Mems
         select new EncodingCase($"{g.Name}({w}, {m})", a => g.Mem(a, w, m), I.Create(C($"{g.Name}_rm{w.Bits()}"), M(m)))),
        output);

    [Fact]
    public void SignExtendAxToDx() => EncodingChecker.Run(
    [
        new EncodingCase("Cwd", a => a.SignExtendAxToDx(Width.W16), I.Create(Code.Cwd)),
        new EncodingCase("Cdq", a => a.Cdq(), I.Create(Code.Cdq)),
        new EncodingCase("Cqo", a => a.Cqo(), I.Create(Code.Cqo)),
    ], output);

    [Fact]
    public void Shifts()
    {
        ShiftOp[] ops = Enum.GetValues<ShiftOp>();
        EncodingChecker.Run(
            (from op in ops from w in Corpus.Widths from r in Corpus.Gprs
             select new EncodingCase($"{op}({w}, {r}, cl)", a => a.Shift(op, w, r), I.Create(C($"{op}_rm{w.Bits()}_CL"), R(r, w), Register.CL)))
            .Concat(from op in ops from w in Corpus.Widths from r in Corpus.Gprs from n in new byte[] { 1, 2, 7, 31, 63, 255 }
             select new EncodingCase($"{op}({w}, {r}, {n})", a => a.Shift(op, w, r, n),
                n == 1 ? I.Create(C($"{op}_rm{w.Bits()}_1"), R(r, w), 1) : I.Create(C($"{op}_rm{w.Bits()}_imm8"), R(r, w), n)))
            .Concat(from r in Corpus.Gprs
             select new EncodingCase($"named shifts {r}", a => a.Shl(Width.W32, r, 3), I.Create(Code.Shl_rm32_imm8, R(r, Width.W32), 3))),
            output);
    }

    [Fact]
    public void NamedShiftWrappersMatchShift()
    {
        var pairs = new (Action<MacroAssembler> Named, ShiftOp Op)[]
        {
            (a => { a.Shl(Width.W64, Gpr.R9); a.Shl(Width.W64, Gpr.R9, 5); }, ShiftOp.Shl),
            (a => { a.Shr(Width.W64, Gpr.R9); a.Shr(Width.W64, Gpr.R9, 5); }, ShiftOp.Shr),
            (a => { a.Sar(Width.W64, Gpr.R9); a.Sar(Width.W64, Gpr.R9, 5); }, ShiftOp.Sar),
            (a => { a.Rol(Width.W64, Gpr.R9); a.Rol(Width.W64, Gpr.R9, 5); }, ShiftOp.Rol),
            (a => { a.Ror(Width.W64, Gpr.R9); a.Ror(Width.W64, Gpr.R9, 5); }, ShiftOp.Ror),
        };
        foreach (var (named, op) in pairs)
        {
            var x = new MacroAssembler();
            var y = new MacroAssembler();
            named(x);
            y.Shift(op, Width.W64, Gpr.R9);
            y.Shift(op, Width.W64, Gpr.R9, 5);
            Assert.Equal(y.Buffer.Code.ToArray(), x.Buffer.Code.ToArray());
        }
    }

    private static readonly (string Name, Action<MacroAssembler, Width, Gpr, Gpr> Reg, Action<MacroAssembler, Width, Gpr, Mem> Mem)[] BitCounts =
    [
        ("Lzcnt", (a, w, d, s) => a.Lzcnt(w, d, s), (a, w, d, m) => a.Lzcnt(w, d, m)),
        ("Tzcnt", (a, w, d, s) => a.Tzcnt(w, d, s), (a, w, d, m) => a.Tzcnt(w, d, m)),
        ("Popcnt", (a, w, d, s) => a.Popcnt(w, d, s), (a, w, d, m) => a.Popcnt(w, d, m)),
        ("Bsr", (a, w, d, s) => a.Bsr(w, d, s), (a, w, d, m) => a.Bsr(w, d, m)),
        ("Bsf", (a, w, d, s) => a.Bsf(w, d, s), (a, w, d, m) => a.Bsf(w, d, m)),
    ];

    [Fact]
    public void BitCountsAndScans() => EncodingChecker.Run(
        (from b in BitCounts from w in Corpus.WidthsNoByte from d in Corpus.Gprs from s in Corpus.Gprs
         select new EncodingCase($"{b.Name}({w}, {d}, {s})", a => b.Reg(a, w, d, s), I.Create(C($"{b.Name}_r{w.Bits()}_rm{w.Bits()}"), R(d, w), R(s, w))))
        .Concat(from b in BitCounts from w in Corpus.WidthsNoByte from m in Corpus.Mems from d in Corpus.RegsWithMem
         select new EncodingCase($"{b.Name}({w}, {d}, {m})", a => b.Mem(a, w, d, m), I.Create(C($"{b.Name}_r{w.Bits()}_rm{w.Bits()}"), R(d, w), M(m)))),
        output);

    [Fact]
    public void SetccAndCmov() => EncodingChecker.Run(
        (from c in Enum.GetValues<Cond>().Distinct() from r in Corpus.Gprs
         select new EncodingCase($"Setcc({c}, {r})", a => a.Setcc(c, r), I.Create(C($"Set{Corpus.Cc(c)}_rm8"), R(r, Width.W8))))
        .Concat(from c in Enum.GetValues<Cond>().Distinct() from w in Corpus.WidthsNoByte from d in Corpus.Gprs from s in Corpus.Gprs
         select new EncodingCase($"Cmov({c}, {w}, {d}, {s})", a => a.Cmov(c, w, d, s), I.Create(C($"Cmov{Corpus.Cc(c)}_r{w.Bits()}_rm{w.Bits()}"), R(d, w), R(s, w))))
        .Concat(from c in Enum.GetValues<Cond>().Distinct() from w in Corpus.WidthsNoByte from m in Corpus.Mems
         select new EncodingCase($"Cmov({c}, {w}, R14, {m})", a => a.Cmov(c, w, Gpr.R14, m), I.Create(C($"Cmov{Corpus.Cc(c)}_r{w.Bits()}_rm{w.Bits()}"), R(Gpr.R14, w), M(m)))),
        output);

    [Fact]
    public void PushPop() => EncodingChecker.Run(
        (from r in Corpus.Gprs select new EncodingCase($"Push({r})", a => a.Push(r), I.Create(Code.Push_r64, R(r, Width.W64))))
        .Concat(from r in Corpus.Gprs select new EncodingCase($"Pop({r})", a => a.Pop(r), I.Create(Code.Pop_r64, R(r, Width.W64)))),
        output);

    [Fact]
    public void InvalidOperandsThrow()
    {
        var a = new MacroAssembler();
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Imul(Width.W8, Gpr.Rax, Gpr.Rcx));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Lea(Width.W8, Gpr.Rax, Mem.At(Gpr.Rcx)));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Cmov(Cond.Equal, Width.W8, Gpr.Rax, Gpr.Rcx));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(Width.W8, Gpr.Rax, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(Width.W16, Gpr.Rax, 0x10000));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.MovImm(Width.W32, Gpr.Rax, 0x100000000));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.MovImm(Width.W8, Mem.At(Gpr.Rax), -129));
        Assert.Throws<ArgumentException>(() => a.Movzx(Width.W32, Gpr.Rax, Width.W32, Gpr.Rcx));
        Assert.Throws<ArgumentException>(() => a.Movsx(Width.W8, Gpr.Rax, Width.W16, Gpr.Rcx));
        Assert.Throws<ArgumentException>(() => a.Movsx(Width.W32, Gpr.Rax, Width.W32, Gpr.Rcx));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SignExtendAxToDx(Width.W8));
        Assert.Throws<ArgumentException>(() => Mem.At(Gpr.Rax, Gpr.Rsp, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mem.At(Gpr.Rax, Gpr.Rcx, 3));
        Assert.Equal(0, a.Offset); // nothing was emitted by the rejected calls
    }
}
