namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// The optional x86-64 extensions the optimizing tier's code may use. The code always needs SSE4.1 and POPCNT (as the
/// Baseline's); with <see cref="Avx"/> scalar float arithmetic, int→float and float↔float conversions and square roots
/// use the three-operand VEX forms (no copy to keep an input, no false dependency on the destination); with
/// <see cref="Bmi1"/> <c>x &amp; ~y</c> is one <c>andn</c> and ctz is <c>tzcnt</c>; with <see cref="Bmi2"/> constant
/// rotates are <c>rorx</c> and shifts by a register <c>shlx/shrx/sarx</c> (non-destructive, any count register);
/// with <see cref="Lzcnt"/> clz is <c>lzcnt</c>. Lowering and emission of one compilation take the same set.
/// </summary>
public readonly record struct X64Features(bool Avx, bool Bmi1, bool Bmi2, bool Lzcnt)
{
    /// <summary>
    /// What this machine has: the code is compiled for the machine that runs it. <c>HOIST_X64_FEATURES=minimal</c> in the
    /// environment turns every optional extension off (to run the test suites on the fallback code).
    /// </summary>
    public static X64Features Host { get; } = Environment.GetEnvironmentVariable("HOIST_X64_FEATURES") == "minimal" ? Minimal : new(
        System.Runtime.Intrinsics.X86.Avx.IsSupported,
        System.Runtime.Intrinsics.X86.Bmi1.IsSupported,
        System.Runtime.Intrinsics.X86.Bmi2.IsSupported,
        System.Runtime.Intrinsics.X86.Lzcnt.IsSupported);

    /// <summary>None of the optional extensions (SSE4.1 and POPCNT only).</summary>
    public static X64Features Minimal => default;
}
