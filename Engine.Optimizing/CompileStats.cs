using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Hoist.Optimizing;

/// <summary>
/// Where the optimizing compiler's time and allocations go, stage by stage: translation (which includes
/// decoding and validation), each pass of the pipeline, instruction selection, register allocation and
/// emission. Collected only when asked for (<c>HOIST_COMPILE_STATS=1</c> in the environment, which prints a
/// breakdown of every module compiled to stderr, or a <see cref="CompileStats"/> handed to
/// <see cref="OptimizingCompiler.Compile(Compiler.CompileInput, CompileStats?)"/>); otherwise the compiler
/// reads no clock.
/// <para>
/// One instance per compiling thread (<see cref="FunctionPipeline"/>); <see cref="Add(CompileStats)"/> merges
/// them. Times are <see cref="Stopwatch"/> ticks of the compiling thread's CPU time on Linux (wall time elsewhere);
/// bytes are <see cref="GC.GetAllocatedBytesForCurrentThread"/> deltas.
/// </para>
/// </summary>
public sealed class CompileStats
{
    readonly List<string> _names = new();
    long[] _ticks = new long[16];
    long[] _bytes = new long[16];

    /// <summary>Functions compiled.</summary>
    public int Functions { get; private set; }

    /// <summary>Bytes of wasm function bodies compiled.</summary>
    public long CodeBytes { get; private set; }

    /// <summary>The stage names in the order they were first recorded.</summary>
    public IReadOnlyList<string> Stages => _names;

    public long TicksOf(int stage) => _ticks[stage];
    public long BytesOf(int stage) => _bytes[stage];

    /// <summary>The index of a stage, created on first use (a handful of names; done once per pipeline, not per function).</summary>
    public int Stage(string name)
    {
        int i = _names.IndexOf(name);
        if (i >= 0) return i;
        _names.Add(name);
        if (_names.Count > _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
            Array.Resize(ref _bytes, _bytes.Length * 2);
        }
        return _names.Count - 1;
    }

    /// <summary>A point in time and allocation for <see cref="Record"/>.</summary>
    public static (long Ticks, long Bytes) Now() => (ThreadTicks(), GC.GetAllocatedBytesForCurrentThread());

    /// <summary>Ticks (<see cref="Stopwatch.Frequency"/> per second) of the calling thread's CPU time on Linux, where a busy machine makes wall time meaningless; else the wall clock.</summary>
    static long ThreadTicks()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var ts) == 0)
            return (long)((ts.Sec * 1_000_000_000.0 + ts.Nsec) * Stopwatch.Frequency / 1e9);
        return Stopwatch.GetTimestamp();
    }

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec { public long Sec; public long Nsec; }

    [DllImport("libc", SetLastError = false)]
    static extern int clock_gettime(int clock, out Timespec ts);

    /// <summary>Charges the time and bytes since <paramref name="start"/> to <paramref name="stage"/>; returns the new start.</summary>
    public (long Ticks, long Bytes) Record(int stage, (long Ticks, long Bytes) start)
    {
        var now = Now();
        _ticks[stage] += now.Ticks - start.Ticks;
        _bytes[stage] += now.Bytes - start.Bytes;
        return now;
    }

    public void CountFunction(int codeBytes)
    {
        Functions++;
        CodeBytes += codeBytes;
    }

    /// <summary>Adds another thread's figures to these (call under a lock when threads finish together).</summary>
    public void Add(CompileStats other)
    {
        for (int k = 0; k < other._names.Count; k++)
        {
            int i = Stage(other._names[k]);
            _ticks[i] += other._ticks[k];
            _bytes[i] += other._bytes[k];
        }
        Functions += other.Functions;
        CodeBytes += other.CodeBytes;
    }

    /// <summary>A table: per stage milliseconds, share of the total, MB allocated.</summary>
    public string Format()
    {
        long totalTicks = 0, totalBytes = 0;
        for (int i = 0; i < _names.Count; i++) { totalTicks += _ticks[i]; totalBytes += _bytes[i]; }
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"optimizing compile: {Functions} functions, {CodeBytes:N0} bytes of code, {Ms(totalTicks):F1} ms in stages, {totalBytes / 1e6:F1} MB allocated");
        for (int i = 0; i < _names.Count; i++)
            sb.AppendLine(inv, $"  {_names[i],-14} {Ms(_ticks[i]),9:F1} ms {100.0 * _ticks[i] / Math.Max(1, totalTicks),5:F1} %  {_bytes[i] / 1e6,8:F2} MB");
        return sb.ToString();
    }

    static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
