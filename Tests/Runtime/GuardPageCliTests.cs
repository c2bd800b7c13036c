using System.Runtime.InteropServices;
using Hoist.Tests.Cli;

namespace Hoist.Tests.Runtime;

/// <summary>The guard-page mode through the <c>hoist</c> command: <c>settings</c> reports it, HOIST_GUARD_PAGES switches it, traps read the same.</summary>
public class GuardPageCliTests
{
    static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [Fact]
    public void SettingsReportTheModeAndTheEnvironmentSwitchesIt()
    {
        var on = HoistProcess.Run(new Dictionary<string, string> { ["HOIST_GUARD_PAGES"] = "1" }, "settings");
        var off = HoistProcess.Run(new Dictionary<string, string> { ["HOIST_GUARD_PAGES"] = "0" }, "settings");
        Assert.Equal(0, on.ExitCode);
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("config.GuardPages = True", on.Stdout);
        Assert.Contains("config.GuardPages = False", off.Stdout);
        Assert.Contains(Supported ? "memory.bounds_checks = guard pages" : "memory.bounds_checks = explicit", on.Stdout);
        Assert.Contains("memory.bounds_checks = explicit (config.GuardPages = False)", off.Stdout);
    }

    [Fact]
    public void AnOutOfBoundsTrapReadsTheSameInBothModes()
    {
        string file = Path.Combine(Path.GetTempPath(), $"hoist-guard-{Environment.ProcessId}.wat");
        File.WriteAllText(file, """
            (module (memory 1)
              (func $load (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0))))
            """);
        try
        {
            var results = new[] { "1", "0" }.Select(mode =>
                HoistProcess.Run(new Dictionary<string, string> { ["HOIST_GUARD_PAGES"] = mode }, "run", "--invoke", "load", file, "65532")).ToArray();
            foreach (var r in results)
            {
                Assert.Equal(134, r.ExitCode);
                Assert.Contains("trap: out of bounds memory access", r.Stderr);
                Assert.Contains("at load @ 0x", r.Stderr);
            }
            Assert.Equal(results[0].Stderr, results[1].Stderr);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void ObjdumpIrShowsTheChecksTheCompiledCodeHas()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module (memory 1) (func (export \"f\") (param i32) (result i32) (i32.load (local.get 0))))");
        var on = HoistProcess.Run(new Dictionary<string, string> { ["HOIST_GUARD_PAGES"] = "1" }, "objdump", "--strategy", "optimizing", "--ir", f.Path);
        var off = HoistProcess.Run(new Dictionary<string, string> { ["HOIST_GUARD_PAGES"] = "0" }, "objdump", "--strategy", "optimizing", "--ir", f.Path);
        Assert.Equal(0, on.ExitCode);
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("load", on.Stdout);
        Assert.DoesNotContain("bounds_check", on.Stdout);
        Assert.Contains("bounds_check", off.Stdout);
    }
}
