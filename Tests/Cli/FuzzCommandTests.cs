namespace Hoist.Tests.Cli;

/// <summary><c>hoist fuzz</c>: a summary on stdout, exit 0 when nothing failed; usage errors are one line and exit 1.</summary>
public class FuzzCommandTests
{
    [Fact]
    public void AShortDiffRunSummarisesAndSucceeds()
    {
        var r = HoistProcess.Run("fuzz", "--seed", "4", "--iterations", "30");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.StartsWith("hoist fuzz (diff): 30 modules", r.Stdout);
        Assert.Contains("traps by kind:", r.Stdout);
        Assert.Contains("coverage:", r.Stdout);
        Assert.Contains("failures: 0", r.Stdout);
    }

    [Fact]
    public void AShortBinaryRunSummarisesAndSucceeds()
    {
        var r = HoistProcess.Run("fuzz", "--mode", "binary", "--iterations", "300");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.StartsWith("hoist fuzz (binary): 300 inputs", r.Stdout);
        Assert.Contains("failures: 0", r.Stdout);
    }

    [Fact]
    public void ACrashOfTheProcessIsReportedShrunkAndTheRunGoesOn()
    {
        // The test hook makes running module 3 end the process (Environment.FailFast) while the module has a call.
        string dir = Path.Combine(Path.GetTempPath(), $"hoist-fuzz-crash-{Guid.NewGuid():N}");
        try
        {
            var r = HoistProcess.Run(new Dictionary<string, string> { ["HOIST_FUZZ_TEST_CRASH"] = "3" },
                "fuzz", "--seed", "4", "--iterations", "6", "--out", dir, "--no-v8", "--shrink-time", "30");
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("hoist fuzz: the process died (exit status 134) on diff 3", r.Stderr);
            Assert.Contains("hoist fuzz: 1 crash(es) of the process", r.Stderr);
            Assert.StartsWith("hoist fuzz (diff): 2 modules", r.Stdout);   // modules 4 and 5, after the crash
            string reproducer = File.ReadAllText(Path.Combine(dir, "crash-4-diff-3.wat"));
            Assert.Contains(";; failure: crash: the process died with exit status 134", reproducer);
            // Shrunk (each candidate in a process of its own, so how far depends on the machine's load): fewer calls and functions.
            var original = Hoist.Runtime.Fuzzing.DiffFuzzer.Generate(4, 3);
            var lines = reproducer.Split('\n');
            Assert.InRange(lines.Count(l => l.StartsWith(";;   f", StringComparison.Ordinal)), 1, original.Calls.Count - 1);
            Assert.InRange(lines.Count(l => l.StartsWith("  (func (;", StringComparison.Ordinal)), 1, original.Funcs.Count - 1);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void IterationsAndTimeTogetherAreAUsageError()
    {
        var r = HoistProcess.Run("fuzz", "--iterations", "5", "--time", "5");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hoist: give --iterations or --time, not both", r.Stderr.Trim());
    }
}
