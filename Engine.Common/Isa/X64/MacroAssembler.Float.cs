namespace Hoist.Isa.X64;

// SSE/SSE2/SSE4.1 scalar float operations and the basic 128-bit moves. All legacy-SSE encodings (no VEX),
// so the destination is also the first source.
public sealed partial class MacroAssembler
{
    /// <summary><c>op dst, src</c> for any <see cref="SseOp"/> (moves, arithmetic, compares, bitwise).</summary>
    public void Sse(SseOp op, Xmm dst, Xmm src) => RR((uint)op, (int)dst, (int)src);

    /// <summary><c>op dst, [src]</c>; scalar ops read 4 or 8 bytes, the others 16 (aligned for movaps/movdqa and the arithmetic ops).</summary>
    public void Sse(SseOp op, Xmm dst, Mem src) => RM((uint)op, (int)dst, src);

    /// <summary>Store: <c>op [dst], src</c>.</summary>
    public void Sse(SseStoreOp op, Mem dst, Xmm src) => RM((uint)op, (int)src, dst);

    public void Movss(Xmm dst, Xmm src) => Sse(SseOp.Movss, dst, src);
    public void Movss(Xmm dst, Mem src) => Sse(SseOp.Movss, dst, src);
    public void Movss(Mem dst, Xmm src) => Sse(SseStoreOp.Movss, dst, src);
    public void Movsd(Xmm dst, Xmm src) => Sse(SseOp.Movsd, dst, src);
    public void Movsd(Xmm dst, Mem src) => Sse(SseOp.Movsd, dst, src);
    public void Movsd(Mem dst, Xmm src) => Sse(SseStoreOp.Movsd, dst, src);
    public void Movaps(Xmm dst, Xmm src) => Sse(SseOp.Movaps, dst, src);
    public void Movdqa(Xmm dst, Xmm src) => Sse(SseOp.Movdqa, dst, src);
    public void Movups(Xmm dst, Mem src) => Sse(SseOp.Movups, dst, src);
    public void Movups(Mem dst, Xmm src) => Sse(SseStoreOp.Movups, dst, src);
    public void Movdqu(Xmm dst, Mem src) => Sse(SseOp.Movdqu, dst, src);
    public void Movdqu(Mem dst, Xmm src) => Sse(SseStoreOp.Movdqu, dst, src);
    public void Pxor(Xmm dst, Xmm src) => Sse(SseOp.Pxor, dst, src);
    public void Xorps(Xmm dst, Xmm src) => Sse(SseOp.Xorps, dst, src);

    // ---- SSE4.1 rounding ----

    private const uint RoundssOp = Enc.P66 | Enc.Map0F3A | 0x0A, RoundsdOp = Enc.P66 | Enc.Map0F3A | 0x0B;
    private const int SuppressPrecisionException = 8;

    public void Roundss(Xmm dst, Xmm src, RoundingMode mode) => RR(RoundssOp, (int)dst, (int)src, (int)mode | SuppressPrecisionException, 1);
    public void Roundss(Xmm dst, Mem src, RoundingMode mode) => RM(RoundssOp, (int)dst, src, (int)mode | SuppressPrecisionException, 1);
    public void Roundsd(Xmm dst, Xmm src, RoundingMode mode) => RR(RoundsdOp, (int)dst, (int)src, (int)mode | SuppressPrecisionException, 1);
    public void Roundsd(Xmm dst, Mem src, RoundingMode mode) => RM(RoundsdOp, (int)dst, src, (int)mode | SuppressPrecisionException, 1);

    // ---- Conversions between integers and floats (signed; the source/destination integer is 32 or 64 bits) ----

    private const uint Cvtsi2ssOp = Enc.PF3 | Enc.Map0F | 0x2A, Cvtsi2sdOp = Enc.PF2 | Enc.Map0F | 0x2A;
    private const uint Cvttss2siOp = Enc.PF3 | Enc.Map0F | 0x2C, Cvttsd2siOp = Enc.PF2 | Enc.Map0F | 0x2C;

    /// <summary><c>cvtsi2ss dst, src</c> (writes only the low lane: clear dst first to break the dependency).</summary>
    public void Cvtsi2ss(Width srcWidth, Xmm dst, Gpr src) => RR(Cvtsi2ssOp | W32Or64(srcWidth), (int)dst, (int)src);
    public void Cvtsi2ss(Width srcWidth, Xmm dst, Mem src) => RM(Cvtsi2ssOp | W32Or64(srcWidth), (int)dst, src);
    public void Cvtsi2sd(Width srcWidth, Xmm dst, Gpr src) => RR(Cvtsi2sdOp | W32Or64(srcWidth), (int)dst, (int)src);
    public void Cvtsi2sd(Width srcWidth, Xmm dst, Mem src) => RM(Cvtsi2sdOp | W32Or64(srcWidth), (int)dst, src);

    /// <summary><c>cvttss2si dst, src</c>: truncating; NaN and out-of-range give the "integer indefinite" (min value).</summary>
    public void Cvttss2si(Width dstWidth, Gpr dst, Xmm src) => RR(Cvttss2siOp | W32Or64(dstWidth), (int)dst, (int)src);
    public void Cvttss2si(Width dstWidth, Gpr dst, Mem src) => RM(Cvttss2siOp | W32Or64(dstWidth), (int)dst, src);
    public void Cvttsd2si(Width dstWidth, Gpr dst, Xmm src) => RR(Cvttsd2siOp | W32Or64(dstWidth), (int)dst, (int)src);
    public void Cvttsd2si(Width dstWidth, Gpr dst, Mem src) => RM(Cvttsd2siOp | W32Or64(dstWidth), (int)dst, src);

    // ---- Bit moves between general-purpose and SSE registers ----

    private const uint MovdToXmmOp = Enc.P66 | Enc.Map0F | 0x6E, MovdFromXmmOp = Enc.P66 | Enc.Map0F | 0x7E;

    /// <summary><c>movd/movq dst, src</c>: the 32 or 64 bits of <paramref name="src"/> into the low lane, the rest zeroed.</summary>
    public void MovToXmm(Width width, Xmm dst, Gpr src) => RR(MovdToXmmOp | W32Or64(width), (int)dst, (int)src);

    /// <summary><c>movd/movq dst, src</c>: the low 32 or 64 bits of <paramref name="src"/> (32 zero-extends).</summary>
    public void MovFromXmm(Width width, Gpr dst, Xmm src) => RR(MovdFromXmmOp | W32Or64(width), (int)src, (int)dst);

    public void Movd(Xmm dst, Gpr src) => MovToXmm(Width.W32, dst, src);
    public void Movq(Xmm dst, Gpr src) => MovToXmm(Width.W64, dst, src);
    public void Movd(Gpr dst, Xmm src) => MovFromXmm(Width.W32, dst, src);
    public void Movq(Gpr dst, Xmm src) => MovFromXmm(Width.W64, dst, src);
}
