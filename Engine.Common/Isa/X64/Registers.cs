namespace Hoist.Isa.X64;

/// <summary>
/// A general-purpose register, numbered as the hardware does (the low 3 bits go in ModRM/SIB/opcode,
/// bit 3 in REX). The width of an access is given separately (<see cref="Width"/>); in 8-bit accesses
/// 4..7 mean spl/bpl/sil/dil (never ah/ch/dh/bh).
/// </summary>
public enum Gpr : byte
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi,
    R8, R9, R10, R11, R12, R13, R14, R15,
}

/// <summary>An SSE register, numbered as the hardware does.</summary>
public enum Xmm : byte
{
    Xmm0, Xmm1, Xmm2, Xmm3, Xmm4, Xmm5, Xmm6, Xmm7,
    Xmm8, Xmm9, Xmm10, Xmm11, Xmm12, Xmm13, Xmm14, Xmm15,
}

/// <summary>The width of an integer operation or access.</summary>
public enum Width : byte
{
    W8,
    W16,
    W32,
    W64,
}

/// <summary>Helpers over <see cref="Width"/>.</summary>
public static class Widths
{
    public static int Bytes(this Width w) => 1 << (int)w;
    public static int Bits(this Width w) => 8 << (int)w;
}
