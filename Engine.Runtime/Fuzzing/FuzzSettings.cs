namespace Hoist.Runtime.Fuzzing;

/// <summary>How a fuzzing run goes: its seed, how long, where reproducers go, which oracles it uses.</summary>
public sealed record FuzzSettings
{
    /// <summary>The run's seed: module i is generated from <see cref="DiffFuzzer.ModuleSeed"/>(Seed, i).</summary>
    public int Seed { get; init; }

    /// <summary>The first module to generate (diff mode): with <see cref="Iterations"/> = 1, replays one module of a run.</summary>
    public int FirstIteration { get; init; }

    /// <summary>Stop after this many modules (or inputs, in binary mode)...</summary>
    public int? Iterations { get; init; }

    /// <summary>...or after this long, whichever comes first. Neither: 1000 iterations.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Where reproducers go (none written when null).</summary>
    public string? OutDir { get; init; }

    /// <summary>
    /// Where the input under test is kept while it runs (<c>current.wasm</c>, and <c>current.txt</c> saying which it
    /// is), so a crash of the whole process leaves it behind; <see cref="OutDir"/> when null (nowhere when both are).
    /// <see cref="FuzzSupervisor"/> reads them after a crash.
    /// </summary>
    public string? StateDir { get; init; }

    /// <summary>Compare with V8 (through node) when node is available.</summary>
    public bool UseV8 { get; init; } = true;

    /// <summary>Shrink failures before writing them, for at most <see cref="ShrinkTime"/> each.</summary>
    public bool Shrink { get; init; } = true;
    public TimeSpan ShrinkTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A module (or input) that runs longer than this is a hang, and stops the run.</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Called about every <see cref="ProgressInterval"/> with the running report.</summary>
    public Action<FuzzReport>? Progress { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    internal const string CurrentBinary = "current.wasm", CurrentText = "current.txt";

    /// <summary>Records the input about to run (see <see cref="StateDir"/>).</summary>
    internal void MarkCurrent(string what, ReadOnlySpan<byte> binary)
    {
        if ((StateDir ?? OutDir) is not { } dir) return;
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, CurrentBinary), binary.ToArray());
        File.WriteAllText(Path.Combine(dir, CurrentText), what);
    }

    /// <summary>Forgets the current input: the run ended without crashing.</summary>
    internal void ClearCurrent()
    {
        if ((StateDir ?? OutDir) is not { } dir) return;
        File.Delete(Path.Combine(dir, CurrentBinary));
        File.Delete(Path.Combine(dir, CurrentText));
    }

    /// <summary>Whether a run that has done <paramref name="count"/> modules or inputs in <paramref name="elapsed"/> is over.</summary>
    internal bool Done(int count, TimeSpan elapsed) =>
        (Iterations is int n && count >= n) || (Duration is { } d && elapsed >= d) || (Iterations is null && Duration is null && count >= DefaultIterations);

    /// <summary>How many modules or inputs a run without a count or a time limit does.</summary>
    public const int DefaultIterations = 1000;
}
