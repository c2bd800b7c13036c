namespace Hoist.Isa.X64;

// Integer moves and arithmetic. 32-bit operations zero the upper half of a 64-bit destination register.
public sealed partial class MacroAssembler
{
    // ---- Moves ----

    public void Mov(Width w, Gpr dst, Gpr src) => RR(Sized(0x89, w), (int)src, (int)dst);

    /// <summary>Load: <c>mov dst, [src]</c>.</summary>
    public void Mov(Width w, Gpr dst, Mem src) => RM(Sized(0x8B, w), (int)dst, src);

    /// <summary>Store: <c>mov [dst], src</c>.</summary>
    public void Mov(Width w, Mem dst, Gpr src) => RM(Sized(0x89, w), (int)src, dst);

    /// <summary>Store an immediate; at <see cref="Width.W64"/> it is sign-extended from 32 bits.</summary>
    public void MovImm(Width w, Mem dst, int imm) => RM(SizedDigit(0xC7, w), 0, dst, CheckImm(imm, w), ImmSize(w));

    /// <summary>
    /// Loads an immediate into a register in the shortest form: at <see cref="Width.W64"/>, <c>mov r32, imm32</c>
    /// when the value zero-extends from 32 bits, <c>mov r64, simm32</c> when it sign-extends, <c>mov r64, imm64</c>
    /// otherwise. At <see cref="Width.W32"/> (and narrower) the value must fit the width, signed or unsigned.
    /// Leaves the flags alone (it never becomes <c>xor</c>).
    /// </summary>
    public void MovImm(Width w, Gpr dst, long imm)
    {
        int r = (int)dst;
        CheckImm(imm, w);
        switch (w)
        {
            case Width.W8: OpReg(0xB0 | Enc.ByteRm, r, imm, 1); break;
            case Width.W16: OpReg(0xB8 | Enc.OpSize16, r, imm, 2); break;
            case Width.W32: OpReg(0xB8, r, imm, 4); break;
            default:
                if ((ulong)imm <= uint.MaxValue) OpReg(0xB8, r, imm, 4);
                else if (imm == (int)imm) RR(0xC7 | Enc.RexW, 0, r, imm, 4);
                else OpReg(0xB8 | Enc.RexW, r, imm, 8);
                break;
        }
    }

    /// <summary>
    /// Zero extension: <c>movzx</c> from 8 or 16 bits; from 32 bits (to 64) a 32-bit <c>mov</c>, which zero-extends.
    /// </summary>
    public void Movzx(Width dstWidth, Gpr dst, Width srcWidth, Gpr src)
    {
        if (srcWidth == Width.W32) { CheckExtension(dstWidth, srcWidth); Mov(Width.W32, dst, src); return; }
        RR(ExtendOp(0xB6, dstWidth, srcWidth), (int)dst, (int)src);
    }

    public void Movzx(Width dstWidth, Gpr dst, Width srcWidth, Mem src)
    {
        if (srcWidth == Width.W32) { CheckExtension(dstWidth, srcWidth); Mov(Width.W32, dst, src); return; }
        RM(ExtendOp(0xB6, dstWidth, srcWidth), (int)dst, src);
    }

    /// <summary>Sign extension: <c>movsx</c> from 8 or 16 bits, <c>movsxd</c> from 32 bits (to 64).</summary>
    public void Movsx(Width dstWidth, Gpr dst, Width srcWidth, Gpr src)
    {
        if (srcWidth == Width.W32) { CheckExtension(dstWidth, srcWidth); RR(0x63 | Enc.RexW, (int)dst, (int)src); return; }
        RR(ExtendOp(0xBE, dstWidth, srcWidth), (int)dst, (int)src);
    }

    public void Movsx(Width dstWidth, Gpr dst, Width srcWidth, Mem src)
    {
        if (srcWidth == Width.W32) { CheckExtension(dstWidth, srcWidth); RM(0x63 | Enc.RexW, (int)dst, src); return; }
        RM(ExtendOp(0xBE, dstWidth, srcWidth), (int)dst, src);
    }

    /// <summary><c>0F B6/B7</c> (movzx) or <c>0F BE/BF</c> (movsx) for an 8- or 16-bit source.</summary>
    private static uint ExtendOp(uint op8, Width dstWidth, Width srcWidth)
    {
        CheckExtension(dstWidth, srcWidth);
        uint op = Enc.Map0F | (srcWidth == Width.W8 ? op8 | Enc.ByteRm : op8 + 1);
        return SizedNoByte(op, dstWidth);
    }

    private static void CheckExtension(Width dstWidth, Width srcWidth)
    {
        if (srcWidth >= dstWidth || srcWidth == Width.W64)
            throw new ArgumentException($"cannot extend {srcWidth} to {dstWidth}", nameof(srcWidth));
    }

    /// <summary><c>lea dst, [src]</c> at 16, 32 or 64 bits.</summary>
    public void Lea(Width w, Gpr dst, Mem src) => RM(SizedNoByte(0x8D, w), (int)dst, src);

    // ---- Two-operand ALU: add, or, adc, sbb, and, sub, xor, cmp ----

    public void Alu(AluOp op, Width w, Gpr dst, Gpr src) => RR(Sized((uint)op * 8 + 1, w), (int)src, (int)dst);
    public void Alu(AluOp op, Width w, Gpr dst, Mem src) => RM(Sized((uint)op * 8 + 3, w), (int)dst, src);
    public void Alu(AluOp op, Width w, Mem dst, Gpr src) => RM(Sized((uint)op * 8 + 1, w), (int)src, dst);

    /// <summary>With an immediate: the sign-extended imm8 form when it fits, else imm16/imm32.</summary>
    public void Alu(AluOp op, Width w, Gpr dst, int imm)
    {
        CheckImm(imm, w);
        if (w == Width.W8) RR(0x80 | Enc.ByteRm, (int)op, (int)dst, imm, 1);
        else if ((sbyte)imm == imm) RR(SizedDigit(0x83, w), (int)op, (int)dst, imm, 1);
        else RR(SizedDigit(0x81, w), (int)op, (int)dst, imm, ImmSize(w));
    }

    public void Alu(AluOp op, Width w, Mem dst, int imm)
    {
        CheckImm(imm, w);
        if (w == Width.W8) RM(0x80, (int)op, dst, imm, 1);
        else if ((sbyte)imm == imm) RM(SizedDigit(0x83, w), (int)op, dst, imm, 1);
        else RM(SizedDigit(0x81, w), (int)op, dst, imm, ImmSize(w));
    }

    public void Add(Width w, Gpr dst, Gpr src) => Alu(AluOp.Add, w, dst, src);
    public void Add(Width w, Gpr dst, Mem src) => Alu(AluOp.Add, w, dst, src);
    public void Add(Width w, Mem dst, Gpr src) => Alu(AluOp.Add, w, dst, src);
    public void Add(Width w, Gpr dst, int imm) => Alu(AluOp.Add, w, dst, imm);
    public void Add(Width w, Mem dst, int imm) => Alu(AluOp.Add, w, dst, imm);

    public void Sub(Width w, Gpr dst, Gpr src) => Alu(AluOp.Sub, w, dst, src);
    public void Sub(Width w, Gpr dst, Mem src) => Alu(AluOp.Sub, w, dst, src);
    public void Sub(Width w, Mem dst, Gpr src) => Alu(AluOp.Sub, w, dst, src);
    public void Sub(Width w, Gpr dst, int imm) => Alu(AluOp.Sub, w, dst, imm);
    public void Sub(Width w, Mem dst, int imm) => Alu(AluOp.Sub, w, dst, imm);

    public void And(Width w, Gpr dst, Gpr src) => Alu(AluOp.And, w, dst, src);
    public void And(Width w, Gpr dst, Mem src) => Alu(AluOp.And, w, dst, src);
    public void And(Width w, Mem dst, Gpr src) => Alu(AluOp.And, w, dst, src);
    public void And(Width w, Gpr dst, int imm) => Alu(AluOp.And, w, dst, imm);
    public void And(Width w, Mem dst, int imm) => Alu(AluOp.And, w, dst, imm);

    public void Or(Width w, Gpr dst, Gpr src) => Alu(AluOp.Or, w, dst, src);
    public void Or(Width w, Gpr dst, Mem src) => Alu(AluOp.Or, w, dst, src);
    public void Or(Width w, Mem dst, Gpr src) => Alu(AluOp.Or, w, dst, src);
    public void Or(Width w, Gpr dst, int imm) => Alu(AluOp.Or, w, dst, imm);
    public void Or(Width w, Mem dst, int imm) => Alu(AluOp.Or, w, dst, imm);

    public void Xor(Width w, Gpr dst, Gpr src) => Alu(AluOp.Xor, w, dst, src);
    public void Xor(Width w, Gpr dst, Mem src) => Alu(AluOp.Xor, w, dst, src);
    public void Xor(Width w, Mem dst, Gpr src) => Alu(AluOp.Xor, w, dst, src);
    public void Xor(Width w, Gpr dst, int imm) => Alu(AluOp.Xor, w, dst, imm);
    public void Xor(Width w, Mem dst, int imm) => Alu(AluOp.Xor, w, dst, imm);

    public void Cmp(Width w, Gpr a, Gpr b) => Alu(AluOp.Cmp, w, a, b);
    public void Cmp(Width w, Gpr a, Mem b) => Alu(AluOp.Cmp, w, a, b);
    public void Cmp(Width w, Mem a, Gpr b) => Alu(AluOp.Cmp, w, a, b);
    public void Cmp(Width w, Gpr a, int imm) => Alu(AluOp.Cmp, w, a, imm);
    public void Cmp(Width w, Mem a, int imm) => Alu(AluOp.Cmp, w, a, imm);

    public void Adc(Width w, Gpr dst, Gpr src) => Alu(AluOp.Adc, w, dst, src);
    public void Adc(Width w, Gpr dst, int imm) => Alu(AluOp.Adc, w, dst, imm);
    public void Sbb(Width w, Gpr dst, Gpr src) => Alu(AluOp.Sbb, w, dst, src);
    public void Sbb(Width w, Gpr dst, int imm) => Alu(AluOp.Sbb, w, dst, imm);

    // ---- test ----

    public void Test(Width w, Gpr a, Gpr b) => RR(Sized(0x85, w), (int)b, (int)a);
    public void Test(Width w, Mem a, Gpr b) => RM(Sized(0x85, w), (int)b, a);
    public void Test(Width w, Gpr a, int imm) => RR(SizedDigit(0xF7, w), 0, (int)a, CheckImm(imm, w), ImmSize(w));
    public void Test(Width w, Mem a, int imm) => RM(SizedDigit(0xF7, w), 0, a, CheckImm(imm, w), ImmSize(w));

    // ---- Multiplication and division ----

    /// <summary><c>imul dst, src</c> (truncating, 16/32/64-bit).</summary>
    public void Imul(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(Enc.Map0F | 0xAF, w), (int)dst, (int)src);
    public void Imul(Width w, Gpr dst, Mem src) => RM(SizedNoByte(Enc.Map0F | 0xAF, w), (int)dst, src);

    /// <summary><c>imul dst, src, imm</c>.</summary>
    public void Imul(Width w, Gpr dst, Gpr src, int imm)
    {
        CheckImm(imm, w);
        if ((sbyte)imm == imm) RR(SizedNoByte(0x6B, w), (int)dst, (int)src, imm, 1);
        else RR(SizedNoByte(0x69, w), (int)dst, (int)src, imm, ImmSize(w));
    }

    public void Imul(Width w, Gpr dst, Mem src, int imm)
    {
        CheckImm(imm, w);
        if ((sbyte)imm == imm) RM(SizedNoByte(0x6B, w), (int)dst, src, imm, 1);
        else RM(SizedNoByte(0x69, w), (int)dst, src, imm, ImmSize(w));
    }

    // Group 3 (F6/F7 /digit): not, neg, and the one-operand rdx:rax multiply and divide.
    private const int Group3Not = 2, Group3Neg = 3, Group3Mul = 4, Group3Imul = 5, Group3Div = 6, Group3Idiv = 7;

    public void Not(Width w, Gpr r) => RR(SizedDigit(0xF7, w), Group3Not, (int)r);
    public void Not(Width w, Mem m) => RM(SizedDigit(0xF7, w), Group3Not, m);
    public void Neg(Width w, Gpr r) => RR(SizedDigit(0xF7, w), Group3Neg, (int)r);
    public void Neg(Width w, Mem m) => RM(SizedDigit(0xF7, w), Group3Neg, m);

    /// <summary>Unsigned <c>rdx:rax = rax * src</c> (at the width).</summary>
    public void Mul(Width w, Gpr src) => RR(SizedDigit(0xF7, w), Group3Mul, (int)src);
    public void Mul(Width w, Mem src) => RM(SizedDigit(0xF7, w), Group3Mul, src);

    /// <summary>Signed <c>rdx:rax = rax * src</c> (the one-operand <c>imul</c>).</summary>
    public void ImulWide(Width w, Gpr src) => RR(SizedDigit(0xF7, w), Group3Imul, (int)src);
    public void ImulWide(Width w, Mem src) => RM(SizedDigit(0xF7, w), Group3Imul, src);

    /// <summary>Unsigned <c>rax = rdx:rax / src, rdx = remainder</c>; zero rdx first.</summary>
    public void Div(Width w, Gpr src) => RR(SizedDigit(0xF7, w), Group3Div, (int)src);
    public void Div(Width w, Mem src) => RM(SizedDigit(0xF7, w), Group3Div, src);

    /// <summary>Signed <c>rax = rdx:rax / src, rdx = remainder</c>; sign-extend rax into rdx first (<see cref="SignExtendAxToDx"/>).</summary>
    public void Idiv(Width w, Gpr src) => RR(SizedDigit(0xF7, w), Group3Idiv, (int)src);
    public void Idiv(Width w, Mem src) => RM(SizedDigit(0xF7, w), Group3Idiv, src);

    /// <summary><c>cwd</c>/<c>cdq</c>/<c>cqo</c>: sign-extends ax/eax/rax into dx/edx/rdx.</summary>
    public void SignExtendAxToDx(Width w)
    {
        switch (w)
        {
            case Width.W16: Bytes(0x99_66, 2); break;
            case Width.W32: Bytes(0x99, 1); break;
            case Width.W64: Bytes(0x99_48, 2); break;
            default: throw NoByteForm(w);
        }
    }

    public void Cdq() => SignExtendAxToDx(Width.W32);
    public void Cqo() => SignExtendAxToDx(Width.W64);

    // ---- Shifts and rotates ----

    /// <summary>Shift or rotate by <c>cl</c> (the count is masked by the CPU to 5 or 6 bits).</summary>
    public void Shift(ShiftOp op, Width w, Gpr dst) => RR(SizedDigit(0xD3, w), (int)op, (int)dst);

    /// <summary>Shift or rotate by an immediate (as given; the CPU masks it).</summary>
    public void Shift(ShiftOp op, Width w, Gpr dst, byte count)
    {
        if (count == 1) RR(SizedDigit(0xD1, w), (int)op, (int)dst);
        else RR(SizedDigit(0xC1, w), (int)op, (int)dst, count, 1);
    }

    public void Shl(Width w, Gpr dst) => Shift(ShiftOp.Shl, w, dst);
    public void Shl(Width w, Gpr dst, byte count) => Shift(ShiftOp.Shl, w, dst, count);
    public void Shr(Width w, Gpr dst) => Shift(ShiftOp.Shr, w, dst);
    public void Shr(Width w, Gpr dst, byte count) => Shift(ShiftOp.Shr, w, dst, count);
    public void Sar(Width w, Gpr dst) => Shift(ShiftOp.Sar, w, dst);
    public void Sar(Width w, Gpr dst, byte count) => Shift(ShiftOp.Sar, w, dst, count);
    public void Rol(Width w, Gpr dst) => Shift(ShiftOp.Rol, w, dst);
    public void Rol(Width w, Gpr dst, byte count) => Shift(ShiftOp.Rol, w, dst, count);
    public void Ror(Width w, Gpr dst) => Shift(ShiftOp.Ror, w, dst);
    public void Ror(Width w, Gpr dst, byte count) => Shift(ShiftOp.Ror, w, dst, count);

    // ---- Bit counts (16/32/64-bit). lzcnt/tzcnt/popcnt need LZCNT/BMI1/POPCNT; bsr/bsf leave dst undefined for 0. ----

    private const uint LzcntOp = Enc.PF3 | Enc.Map0F | 0xBD, TzcntOp = Enc.PF3 | Enc.Map0F | 0xBC, PopcntOp = Enc.PF3 | Enc.Map0F | 0xB8;
    private const uint BsrOp = Enc.Map0F | 0xBD, BsfOp = Enc.Map0F | 0xBC;

    public void Lzcnt(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(LzcntOp, w), (int)dst, (int)src);
    public void Lzcnt(Width w, Gpr dst, Mem src) => RM(SizedNoByte(LzcntOp, w), (int)dst, src);
    public void Tzcnt(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(TzcntOp, w), (int)dst, (int)src);
    public void Tzcnt(Width w, Gpr dst, Mem src) => RM(SizedNoByte(TzcntOp, w), (int)dst, src);
    public void Popcnt(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(PopcntOp, w), (int)dst, (int)src);
    public void Popcnt(Width w, Gpr dst, Mem src) => RM(SizedNoByte(PopcntOp, w), (int)dst, src);
    public void Bsr(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(BsrOp, w), (int)dst, (int)src);
    public void Bsr(Width w, Gpr dst, Mem src) => RM(SizedNoByte(BsrOp, w), (int)dst, src);
    public void Bsf(Width w, Gpr dst, Gpr src) => RR(SizedNoByte(BsfOp, w), (int)dst, (int)src);
    public void Bsf(Width w, Gpr dst, Mem src) => RM(SizedNoByte(BsfOp, w), (int)dst, src);

    // ---- Conditions ----

    /// <summary><c>setcc dst8</c>: writes only the low byte (zero-extend it with <see cref="Movzx(Width, Gpr, Width, Gpr)"/>).</summary>
    public void Setcc(Cond cond, Gpr dst) => RR(Enc.Map0F | Enc.ByteRm | (0x90u + (uint)cond), 0, (int)dst);

    /// <summary><c>cmovcc dst, src</c> at 16, 32 or 64 bits (a 32-bit cmov zero-extends even when not taken).</summary>
    public void Cmov(Cond cond, Width w, Gpr dst, Gpr src) => RR(SizedNoByte(Enc.Map0F | (0x40u + (uint)cond), w), (int)dst, (int)src);
    public void Cmov(Cond cond, Width w, Gpr dst, Mem src) => RM(SizedNoByte(Enc.Map0F | (0x40u + (uint)cond), w), (int)dst, src);

    // ---- Stack ----

    public void Push(Gpr r) => OpReg(0x50, (int)r);
    public void Pop(Gpr r) => OpReg(0x58, (int)r);
}
