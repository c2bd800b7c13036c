using System.Runtime.Intrinsics.X86;

namespace Hoist.Baseline;

/// <summary>
/// The x86-64 extensions the baseline code uses beyond SSE2. SSE4.1 (roundss/roundsd for ceil, floor,
/// trunc, nearest) and POPCNT are required: every x86-64 CPU since 2008 has them (x86-64-v2). LZCNT and
/// TZCNT (BMI1) are used when present, else clz and ctz fall back to bsr/bsf, because on an older CPU those
/// encodings silently execute as bsr/bsf and give wrong answers.
/// </summary>
internal readonly record struct CpuFeatures(bool Lzcnt, bool Tzcnt)
{
    public static CpuFeatures Host { get; } = Detect();

    static CpuFeatures Detect()
    {
        if (!Sse41.IsSupported || !Popcnt.IsSupported)
            throw new PlatformNotSupportedException("the baseline compiler needs an x86-64 CPU with SSE4.1 and POPCNT");
        return new CpuFeatures(System.Runtime.Intrinsics.X86.Lzcnt.IsSupported, Bmi1.IsSupported);
    }
}
