using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// Moves of one wasm value between a 16-byte value slot (or an ABI stack slot) and its ABI register, as
/// the trampolines need them. Integers and references move 8 bytes (an i32 slot's upper half is
/// ignored by readers); f32 moves 4 bytes, f64 8, v128 16.
/// </summary>
internal static class ValueMoves
{
    /// <summary>Scratch for memory-to-memory v128 copies: never an argument or result register.</summary>
    public const Xmm VectorScratch = Xmm.Xmm15;

    /// <summary><c>reg ← [src]</c>.</summary>
    public static void Load(MacroAssembler a, ValType t, AbiLocation reg, Mem src)
    {
        if (reg.Kind == AbiLocationKind.Gpr) { a.Mov(Width.W64, reg.Gpr, src); return; }
        switch (t.Kind)
        {
            case ValKind.F32: a.Movss(reg.Xmm, src); break;
            case ValKind.F64: a.Movsd(reg.Xmm, src); break;
            default: a.Movdqu(reg.Xmm, src); break;
        }
    }

    /// <summary><c>[dst] ← reg</c>.</summary>
    public static void Store(MacroAssembler a, ValType t, Mem dst, AbiLocation reg)
    {
        if (reg.Kind == AbiLocationKind.Gpr) { a.Mov(Width.W64, dst, reg.Gpr); return; }
        switch (t.Kind)
        {
            case ValKind.F32: a.Movss(dst, reg.Xmm); break;
            case ValKind.F64: a.Movsd(dst, reg.Xmm); break;
            default: a.Movdqu(dst, reg.Xmm); break;
        }
    }

    /// <summary><c>[dst] ← [src]</c> through <paramref name="scratch"/> (or <see cref="VectorScratch"/> for v128).</summary>
    public static void Copy(MacroAssembler a, ValType t, Mem dst, Mem src, Gpr scratch)
    {
        if (t.Kind == ValKind.V128)
        {
            a.Movdqu(VectorScratch, src);
            a.Movdqu(dst, VectorScratch);
            return;
        }
        a.Mov(Width.W64, scratch, src);
        a.Mov(Width.W64, dst, scratch);
    }
}
