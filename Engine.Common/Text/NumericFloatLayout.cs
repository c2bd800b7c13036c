namespace Hoist.Wasm.Text;

/// <summary>
/// The shape of an IEEE 754 binary interchange format (binary32 or binary64) as raw bits in a
/// <see cref="ulong"/>: sign | biased exponent | trailing significand. Every float routine of the
/// text format is written once against this and used for both f32 and f64.
/// </summary>
internal readonly struct NumericFloatLayout(int mantissaBits, int exponentBits)
{
    public static readonly NumericFloatLayout Binary32 = new(23, 8);
    public static readonly NumericFloatLayout Binary64 = new(52, 11);

    /// <summary>Stored (trailing) significand bits: 23 or 52.</summary>
    public int MantissaBits { get; } = mantissaBits;
    public int ExponentBits { get; } = exponentBits;
    public bool IsBinary32 => MantissaBits == 23;
    public int Bias => (1 << (ExponentBits - 1)) - 1;
    public ulong MantissaMask => (1UL << MantissaBits) - 1;
    public ulong SignBit => 1UL << (MantissaBits + ExponentBits);
    public ulong Infinity => ((1UL << ExponentBits) - 1) << MantissaBits;
    /// <summary>The canonical NaN payload: only the top significand bit set.</summary>
    public ulong CanonicalNanPayload => 1UL << (MantissaBits - 1);
}
