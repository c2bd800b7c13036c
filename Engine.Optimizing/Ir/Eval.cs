using System.Numerics;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// The meaning of every IR operation that computes a value from values, on raw bits in a long: integers
/// as iconst stores them (i32 sign-extended, see <see cref="Normalize"/>), floats as their IEEE bits
/// (f32 zero-extended). The one definition the constant folder and the IR
/// interpreter share. Float results follow wasm: NaNs produced by arithmetic are quiet (the hardware's),
/// min/max/nearest/trunc are wasm's; every such NaN is one wasm allows.
/// <see cref="TryEvaluate"/> returns false where the operation traps (division by zero, signed overflow,
/// an out-of-range or NaN trapping conversion) or is not a value computation.
/// </summary>
public static class Eval
{
    /// <summary>The canonical form of an integer of type <paramref name="t"/>: i32 sign-extended to 64 bits, as iconst stores it.</summary>
    public static long Normalize(IrType t, long v) => t == IrType.I32 ? (int)v : v;

    public static bool TryEvaluate(Op op, IrType ctrl, byte code, ReadOnlySpan<long> a, ReadOnlySpan<IrType> argTypes, out long result)
    {
        result = 0;
        switch (op)
        {
            case Op.Icmp: result = ((IntCC)code).Evaluate(argTypes[0], a[0], a[1]) ? 1 : 0; return true;
            case Op.Fcmp:
                result = ((FloatCC)code).Evaluate(ToDouble(argTypes[0], a[0]), ToDouble(argTypes[0], a[1])) ? 1 : 0;
                return true;
            case Op.Select: result = (argTypes[0] == IrType.I32 ? (int)a[0] : a[0]) != 0 ? a[1] : a[2]; return true;
            case Op.Uextend: result = (uint)a[0]; return true;
            case Op.Sextend: result = (int)a[0]; return true;
            case Op.Ireduce: result = (int)a[0]; return true;
            case Op.Bitcast:
                // Integers are kept sign-extended, f32 bits zero-extended.
                result = ctrl switch { IrType.I32 => (int)(uint)a[0], IrType.F32 => (uint)a[0], _ => a[0] };
                return true;
            case Op.Fpromote: result = BitConverter.DoubleToInt64Bits(F32(a[0])); return true;
            case Op.Fdemote: result = (uint)BitConverter.SingleToUInt32Bits((float)F64(a[0])); return true;
            case Op.FcvtToSint:
            case Op.FcvtToUint:
            case Op.FcvtToSintSat:
            case Op.FcvtToUintSat:
                return TryTruncate(op, ctrl, argTypes[0], a[0], out result);
            case Op.FcvtFromSint:
            case Op.FcvtFromUint:
                result = FromInt(op == Op.FcvtFromSint, ctrl, argTypes[0], a[0]);
                return true;
        }
        if (ctrl.IsInt()) return TryInt(op, ctrl, a, out result);
        if (ctrl == IrType.F32) return TryF32(op, a, out result);
        if (ctrl == IrType.F64) return TryF64(op, a, out result);
        return false;
    }

    static bool TryInt(Op op, IrType t, ReadOnlySpan<long> a, out long result)
    {
        bool w32 = t == IrType.I32;
        int bits = w32 ? 32 : 64;
        long x = a.Length > 0 ? a[0] : 0, y = a.Length > 1 ? a[1] : 0;
        ulong ux = w32 ? (uint)x : (ulong)x, uy = w32 ? (uint)y : (ulong)y;
        int shift = (int)(uy & (ulong)(bits - 1));
        long r;
        switch (op)
        {
            case Op.Iadd: r = x + y; break;
            case Op.Isub: r = x - y; break;
            case Op.Ineg: r = -x; break;
            case Op.Imul: r = x * y; break;
            case Op.Smulhi: r = w32 ? ((long)(int)x * (int)y) >> 32 : Math.BigMul(x, y, out _); break;
            case Op.Umulhi: r = w32 ? (long)(((ulong)(uint)x * (uint)y) >> 32) : (long)Math.BigMul(ux, uy, out _); break;
            case Op.Sdiv:
                if (y == 0 || (w32 ? (int)x == int.MinValue && (int)y == -1 : x == long.MinValue && y == -1)) { result = 0; return false; }
                r = w32 ? (int)x / (int)y : x / y;
                break;
            case Op.Udiv:
                if (uy == 0) { result = 0; return false; }
                r = (long)(ux / uy);
                break;
            case Op.Srem:
                if (y == 0) { result = 0; return false; }
                r = (w32 ? (int)y : y) == -1 ? 0 : (w32 ? (int)x % (int)y : x % y);
                break;
            case Op.Urem:
                if (uy == 0) { result = 0; return false; }
                r = (long)(ux % uy);
                break;
            case Op.Band: r = x & y; break;
            case Op.Bor: r = x | y; break;
            case Op.Bxor: r = x ^ y; break;
            case Op.Bnot: r = ~x; break;
            case Op.Ishl: r = (long)(ux << shift); break;
            case Op.Ushr: r = (long)(ux >> shift); break;
            case Op.Sshr: r = w32 ? (int)x >> shift : x >> shift; break;
            case Op.Rotl: r = w32 ? (long)BitOperations.RotateLeft((uint)ux, shift) : (long)BitOperations.RotateLeft(ux, shift); break;
            case Op.Rotr: r = w32 ? (long)BitOperations.RotateRight((uint)ux, shift) : (long)BitOperations.RotateRight(ux, shift); break;
            case Op.Clz: r = w32 ? BitOperations.LeadingZeroCount((uint)ux) : BitOperations.LeadingZeroCount(ux); break;
            case Op.Ctz: r = w32 ? (ux == 0 ? 32 : BitOperations.TrailingZeroCount((uint)ux)) : (ux == 0 ? 64 : BitOperations.TrailingZeroCount(ux)); break;
            case Op.Popcnt: r = BitOperations.PopCount(ux); break;
            case Op.Sext8: r = (sbyte)x; break;
            case Op.Sext16: r = (short)x; break;
            case Op.Sext32: r = (int)x; break;
            default: result = 0; return false;
        }
        result = Normalize(t, r);
        return true;
    }

    static float F32(long bits) => BitConverter.UInt32BitsToSingle((uint)bits);
    static double F64(long bits) => BitConverter.Int64BitsToDouble(bits);
    static long Bits(float f) => BitConverter.SingleToUInt32Bits(f);
    static long Bits(double d) => BitConverter.DoubleToInt64Bits(d);
    static double ToDouble(IrType t, long bits) => t == IrType.F32 ? F32(bits) : F64(bits);

    const uint SignBit32 = 0x8000_0000;
    const ulong SignBit64 = 0x8000_0000_0000_0000;

    static bool TryF32(Op op, ReadOnlySpan<long> a, out long result)
    {
        uint xb = (uint)a[0], yb = a.Length > 1 ? (uint)a[1] : 0;
        float x = F32(a[0]), y = a.Length > 1 ? F32(a[1]) : 0;
        switch (op)
        {
            case Op.Fadd: result = Bits(x + y); return true;
            case Op.Fsub: result = Bits(x - y); return true;
            case Op.Fmul: result = Bits(x * y); return true;
            case Op.Fdiv: result = Bits(x / y); return true;
            case Op.Fmin: result = Bits(float.IsNaN(x) || float.IsNaN(y) ? x + y : MathF.Min(x, y)); return true;
            case Op.Fmax: result = Bits(float.IsNaN(x) || float.IsNaN(y) ? x + y : MathF.Max(x, y)); return true;
            case Op.Fcopysign: result = (xb & ~SignBit32) | (yb & SignBit32); return true;
            case Op.Fneg: result = xb ^ SignBit32; return true;
            case Op.Fabs: result = xb & ~SignBit32; return true;
            case Op.Fsqrt: result = Bits(MathF.Sqrt(x)); return true;
            case Op.Fceil: result = Bits(float.IsNaN(x) ? x + x : MathF.Ceiling(x)); return true;
            case Op.Ffloor: result = Bits(float.IsNaN(x) ? x + x : MathF.Floor(x)); return true;
            case Op.Ftrunc: result = Bits(float.IsNaN(x) ? x + x : MathF.Truncate(x)); return true;
            case Op.Fnearest: result = Bits(float.IsNaN(x) ? x + x : MathF.Round(x, MidpointRounding.ToEven)); return true;
            default: result = 0; return false;
        }
    }

    static bool TryF64(Op op, ReadOnlySpan<long> a, out long result)
    {
        ulong xb = (ulong)a[0], yb = a.Length > 1 ? (ulong)a[1] : 0;
        double x = F64(a[0]), y = a.Length > 1 ? F64(a[1]) : 0;
        switch (op)
        {
            case Op.Fadd: result = Bits(x + y); return true;
            case Op.Fsub: result = Bits(x - y); return true;
            case Op.Fmul: result = Bits(x * y); return true;
            case Op.Fdiv: result = Bits(x / y); return true;
            case Op.Fmin: result = Bits(double.IsNaN(x) || double.IsNaN(y) ? x + y : Math.Min(x, y)); return true;
            case Op.Fmax: result = Bits(double.IsNaN(x) || double.IsNaN(y) ? x + y : Math.Max(x, y)); return true;
            case Op.Fcopysign: result = (long)((xb & ~SignBit64) | (yb & SignBit64)); return true;
            case Op.Fneg: result = (long)(xb ^ SignBit64); return true;
            case Op.Fabs: result = (long)(xb & ~SignBit64); return true;
            case Op.Fsqrt: result = Bits(Math.Sqrt(x)); return true;
            case Op.Fceil: result = Bits(double.IsNaN(x) ? x + x : Math.Ceiling(x)); return true;
            case Op.Ffloor: result = Bits(double.IsNaN(x) ? x + x : Math.Floor(x)); return true;
            case Op.Ftrunc: result = Bits(double.IsNaN(x) ? x + x : Math.Truncate(x)); return true;
            case Op.Fnearest: result = Bits(double.IsNaN(x) ? x + x : Math.Round(x, MidpointRounding.ToEven)); return true;
            default: result = 0; return false;
        }
    }

    /// <summary>Float to integer: the trapping forms fail on NaN or out of range; the saturating forms clamp (NaN → 0).</summary>
    static bool TryTruncate(Op op, IrType to, IrType from, long bits, out long result)
    {
        result = 0;
        double v = ToDouble(from, bits);
        bool signed = op is Op.FcvtToSint or Op.FcvtToSintSat;
        bool saturate = op is Op.FcvtToSintSat or Op.FcvtToUintSat;
        if (double.IsNaN(v)) return saturate;
        double t = Math.Truncate(v);
        // Exclusive upper and inclusive lower bounds, all exact powers of two.
        double lo = signed ? (to == IrType.I32 ? -2147483648.0 : -9223372036854775808.0) : 0.0;
        double hiExclusive = signed ? (to == IrType.I32 ? 2147483648.0 : 9223372036854775808.0) : (to == IrType.I32 ? 4294967296.0 : 18446744073709551616.0);
        if (t < lo || t >= hiExclusive)
        {
            if (!saturate) return false;
            if (signed) result = t < lo ? (to == IrType.I32 ? int.MinValue : long.MinValue) : (to == IrType.I32 ? int.MaxValue : long.MaxValue);
            else result = t < lo ? 0 : (to == IrType.I32 ? uint.MaxValue : -1L);
            result = Normalize(to, result);
            return true;
        }
        result = signed ? (long)t : (long)(ulong)t;
        result = Normalize(to, result);
        return true;
    }

    /// <summary>Integer to float with one rounding (ties to even), unsigned 64-bit values included.</summary>
    static long FromInt(bool signed, IrType to, IrType from, long v)
    {
        if (from == IrType.I32)
        {
            long wide = signed ? (int)v : (uint)v;
            return to == IrType.F32 ? Bits((float)wide) : Bits((double)wide);
        }
        if (signed || v >= 0) return to == IrType.F32 ? Bits((float)v) : Bits((double)v);
        // An unsigned value ≥ 2^63: halve it keeping a sticky bit, convert, double (exact, so one rounding).
        long half = (long)((ulong)v >> 1) | (v & 1);
        return to == IrType.F32 ? Bits((float)half * 2f) : Bits((double)half * 2.0);
    }
}
