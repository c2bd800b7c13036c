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
    public void IterationsAndTimeTogetherAreAUsageError()
    {
        var r = HoistProcess.Run("fuzz", "--iterations", "5", "--time", "5");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hoist: give --iterations or --time, not both", r.Stderr.Trim());
    }
}
