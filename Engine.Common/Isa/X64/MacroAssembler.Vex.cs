using System.Runtime.CompilerServices;

namespace Hoist.Isa.X64;

// VEX-encoded instructions: AVX scalar float arithmetic in its three-operand form (the destination is not a source,
// so no copy is needed to keep an input), and the BMI1/BMI2 integer instructions (andn, rorx, shlx/shrx/sarx).
// The caller checks the CPU has the extension (System.Runtime.Intrinsics.X86.Avx/Bmi1/Bmi2.IsSupported).
//
// Encoding: [C5 R̄vvvv̄Lpp] when the map is 0F, W is 0 and neither X nor B is needed, else [C4 R̄X̄B̄mmmmm Wvvvv̄Lpp];
// then the opcode, ModRM, SIB, displacement and immediate as for legacy instructions (PutMem). The packed op (Enc)
// supplies pp (its mandatory prefix: 66, F3, F2 have the same numbers), mmmmm (its map) and W (its REX.W bit); L is 0
// (128-bit or scalar). Only scalar and 128-bit forms are emitted, which zero the upper YMM half: there is never dirty
// upper state, so mixing them with legacy SSE costs no transition penalty.
public sealed partial class MacroAssembler
{
    /// <summary>The VEX prefix and the opcode byte; <paramref name="x"/>/<paramref name="b"/> are the SIB index and base/rm register numbers (or 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int VexHead(ref byte d, uint op, int reg, int vvvv, int x, int b)
    {
        uint rBar = (uint)(~reg >> 3) & 1, xBar = (uint)(~x >> 3) & 1, bBar = (uint)(~b >> 3) & 1;
        uint map = (op >> 8) & 3, pp = (op >> 10) & 3, w = (op >> 12) & 1;
        uint tail = ((uint)(~vvvv & 15) << 3) | pp;
        int n = 0;
        if (map == 1 && w == 0 && xBar == 1 && bBar == 1)
        {
            Put(ref d, n++, 0xC5);
            Put(ref d, n++, (rBar << 7) | tail);
        }
        else
        {
            Put(ref d, n++, 0xC4);
            Put(ref d, n++, (rBar << 7) | (xBar << 6) | (bBar << 5) | map);
            Put(ref d, n++, (w << 7) | tail);
        }
        Put(ref d, n++, op);
        return n;
    }

    /// <summary>VEX <c>op reg, vvvv, rm</c> with all three registers, then an optional imm8.</summary>
    private void VexRR(uint op, int reg, int vvvv, int rm, long imm = 0, int immSize = 0)
    {
        ref byte d = ref _buf.Reserve(CodeBuffer.MaxInstructionSize);
        int n = VexHead(ref d, op, reg, vvvv, 0, rm);
        Put(ref d, n++, (uint)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
        n = PutImm(ref d, n, imm, immSize);
        _buf.Commit(n);
    }

    /// <summary>VEX <c>op reg, vvvv, mem</c>, then an optional imm8.</summary>
    private void VexRM(uint op, int reg, int vvvv, Mem m, long imm = 0, int immSize = 0)
    {
        if (m.IsRip) _buf.LabelOffset(new Label(m.Disp));
        int start = _buf.Length;
        ref byte d = ref _buf.Reserve(CodeBuffer.MaxInstructionSize);
        int n = VexHead(ref d, op, reg, vvvv, m.Index == Mem.NoReg ? 0 : m.Index, m.Base == Mem.NoReg ? 0 : m.Base);
        n = PutMem(ref d, n, reg, m, out int ripField);
        n = PutImm(ref d, n, imm, immSize);
        _buf.Commit(n);
        if (ripField >= 0) _buf.UseLabel(new Label(m.Disp), start + ripField, start + n, FixupKind.Rel32);
    }

    // ---- AVX: scalar float arithmetic, three-operand.

    /// <summary>
    /// The AVX form of a scalar SSE arithmetic op (add, sub, mul, div, min, max, sqrt of ss/sd): <c>vop dst, src1, src2</c>,
    /// i.e. dst's low lane = src1 op src2 (sqrt: of src2) and its other bits those of src1.
    /// </summary>
    public void Vex(SseOp op, Xmm dst, Xmm src1, Xmm src2) => VexRR(CheckVexScalar(op), (int)dst, (int)src1, (int)src2);

    /// <summary><c>vop dst, src1, [src2]</c> (see the register form); reads 4 or 8 bytes, no alignment needed.</summary>
    public void Vex(SseOp op, Xmm dst, Xmm src1, Mem src2) => VexRM(CheckVexScalar(op), (int)dst, (int)src1, src2);

    private static uint CheckVexScalar(SseOp op) => op switch
    {
        SseOp.Addss or SseOp.Addsd or SseOp.Subss or SseOp.Subsd or SseOp.Mulss or SseOp.Mulsd or SseOp.Divss or SseOp.Divsd
            or SseOp.Minss or SseOp.Minsd or SseOp.Maxss or SseOp.Maxsd or SseOp.Sqrtss or SseOp.Sqrtsd
            or SseOp.Cvtss2sd or SseOp.Cvtsd2ss => (uint)op,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a scalar three-operand AVX operation"),
    };

    /// <summary><c>vcvtsi2ss/vcvtsi2sd dst, src1, src</c>: dst = src1 with its low lane the converted integer (no dependency on dst's old value).</summary>
    public void Vcvtsi2ss(Width srcWidth, Xmm dst, Xmm src1, Gpr src) => VexRR(Cvtsi2ssOp | W32Or64(srcWidth), (int)dst, (int)src1, (int)src);
    public void Vcvtsi2sd(Width srcWidth, Xmm dst, Xmm src1, Gpr src) => VexRR(Cvtsi2sdOp | W32Or64(srcWidth), (int)dst, (int)src1, (int)src);

    // ---- BMI1 / BMI2.

    private const uint AndnOp = Enc.Map0F38 | 0xF2;
    private const uint RorxOp = Enc.PF2 | Enc.Map0F3A | 0xF0;
    private const uint ShlxOp = Enc.P66 | Enc.Map0F38 | 0xF7, ShrxOp = Enc.PF2 | Enc.Map0F38 | 0xF7, SarxOp = Enc.PF3 | Enc.Map0F38 | 0xF7;

    /// <summary>BMI1 <c>andn dst, a, b</c>: dst = ~a &amp; b (flags: SF/ZF from the result, CF/OF clear).</summary>
    public void Andn(Width w, Gpr dst, Gpr a, Gpr b) => VexRR(AndnOp | W32Or64(w), (int)dst, (int)a, (int)b);
    public void Andn(Width w, Gpr dst, Gpr a, Mem b) => VexRM(AndnOp | W32Or64(w), (int)dst, (int)a, b);

    /// <summary>BMI2 <c>rorx dst, src, imm</c>: dst = src rotated right by imm (mod the width); flags unchanged.</summary>
    public void Rorx(Width w, Gpr dst, Gpr src, byte imm) => VexRR(RorxOp | W32Or64(w), (int)dst, 0, (int)src, imm, 1);
    public void Rorx(Width w, Gpr dst, Mem src, byte imm) => VexRM(RorxOp | W32Or64(w), (int)dst, 0, src, imm, 1);

    /// <summary>BMI2 <c>shlx/shrx/sarx dst, src, count</c>: a shift by a register other than cl (count mod the width); flags unchanged.</summary>
    public void Shiftx(ShiftOp op, Width w, Gpr dst, Gpr src, Gpr count) => VexRR(ShiftxOp(op) | W32Or64(w), (int)dst, (int)count, (int)src);
    public void Shiftx(ShiftOp op, Width w, Gpr dst, Mem src, Gpr count) => VexRM(ShiftxOp(op) | W32Or64(w), (int)dst, (int)count, src);

    private static uint ShiftxOp(ShiftOp op) => op switch
    {
        ShiftOp.Shl => ShlxOp,
        ShiftOp.Shr => ShrxOp,
        ShiftOp.Sar => SarxOp,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "BMI2 has shlx, shrx and sarx only"),
    };
}
