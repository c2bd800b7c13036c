using System.Runtime.InteropServices;

namespace Hoist.Runtime.Values;

/// <summary>
/// One 16-byte value slot as native code sees it (entry trampoline arguments and results, host call
/// arguments and results, global cells, constant-expression results): i32/f32 in the low 4 bytes, i64/f64
/// in the low 8, v128 all 16; funcref = VMFuncRef* (0 = null); externref = a handle of the store's
/// externref table (0 = null). Never a managed pointer.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct ValueSlot
{
    public ulong Lo;
    public ulong Hi;

    public ValueSlot(ulong lo, ulong hi = 0) { Lo = lo; Hi = hi; }
}
