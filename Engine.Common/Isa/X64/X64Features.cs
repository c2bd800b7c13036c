using System.Runtime.Intrinsics.X86;

namespace Hoist.Isa.X64;

/// <summary>
/// The optional x86-64 extensions generated code may use, for both tiers. The code always needs SSE4.1 (roundss/roundsd
/// for ceil, floor, trunc, nearest) and POPCNT: every x86-64 CPU since 2008 has them (x86-64-v2). With <see cref="Lzcnt"/>
/// clz is <c>lzcnt</c> and with <see cref="Bmi1"/> ctz is <c>tzcnt</c>, else they fall back to bsr/bsf (on an older CPU
/// those encodings silently execute as bsr/bsf and give wrong answers). The optimizing tier also uses: with
/// <see cref="Avx"/> the three-operand VEX forms of scalar float arithmetic, int→float and float↔float conversions and
/// square roots (no copy to keep an input, no false dependency on the destination); with <see cref="Bmi1"/> <c>andn</c>
/// for <c>x &amp; ~y</c>; with <see cref="Bmi2"/> <c>rorx</c> for constant rotates and <c>shlx/shrx/sarx</c> for shifts by
/// a register. One compilation (its lowering and its emission) takes one set.
/// </summary>
public readonly record struct X64Features(bool Avx, bool Bmi1, bool Bmi2, bool Lzcnt)
{
    /// <summary>
    /// What this machine has: the code is compiled for the machine that runs it. <c>HOIST_X64_FEATURES=minimal</c> in the
    /// environment turns every optional extension off (to run the test suites on the fallback code).
    /// </summary>
    public static X64Features Host { get; } = Detect();

    /// <summary>None of the optional extensions (SSE4.1 and POPCNT only).</summary>
    public static X64Features Minimal => default;

    static X64Features Detect()
    {
        if (!Sse41.IsSupported || !Popcnt.IsSupported)
            throw new PlatformNotSupportedException("Hoist's compilers need an x86-64 CPU with SSE4.1 and POPCNT");
        if (Environment.GetEnvironmentVariable("HOIST_X64_FEATURES") == "minimal") return Minimal;
        return new(System.Runtime.Intrinsics.X86.Avx.IsSupported, System.Runtime.Intrinsics.X86.Bmi1.IsSupported, System.Runtime.Intrinsics.X86.Bmi2.IsSupported,
            System.Runtime.Intrinsics.X86.Lzcnt.IsSupported);
    }
}
