namespace Hoist.Tests.Cli;

/// <summary><c>hoist validate</c>: "valid" and exit 0, or exactly one line naming the file, the place and the problem, and exit 1.</summary>
public class ValidateCommandTests
{
    [Fact]
    public void AValidTextModuleIsValid()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module (func (export \"f\") (result i32) (i32.const 7)))");
        var r = HoistProcess.Run("validate", f.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("valid", r.Stdout.Trim());
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void AnInvalidTextModuleIsReportedAtLineAndColumn()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module\n  (func (result i32)\n    (i32.add (i32.const 1) (i64.const 2))))\n");
        var r = HoistProcess.Run("validate", f.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{f.Path}:3:6: type mismatch: instruction requires [i32 i32] but stack has [i32 i64]", r.Stderr.Trim());
    }

    [Fact]
    public void AMalformedTextModuleIsReportedAtLineAndColumn()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module\n (func (i32.const 1x)))");
        var r = HoistProcess.Run("validate", f.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{f.Path}:2:19: unknown operator 1x", r.Stderr.Trim());
    }

    [Fact]
    public void AMalformedBinaryIsReportedAtItsByteOffset()
    {
        // A type section that claims 5 bytes where the module ends after 0.
        using var f = new HoistProcess.TempFile(".wasm", [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05]);
        var r = HoistProcess.Run("validate", f.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{f.Path}:0x9: length out of bounds", r.Stderr.Trim());
    }

    [Fact]
    public void AMissingFileIsOneLineAndExitOne()
    {
        var r = HoistProcess.Run("validate", "/nonexistent/x.wasm");
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("/nonexistent/x.wasm", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void WastValidateOnlyEndsWithTheCountsLine()
    {
        using var f = new HoistProcess.TempFile(".wast",
            "(module (func))\n(assert_invalid (module (func (result i32))) \"type mismatch\")\n(assert_malformed (module quote \"(func (i32.const 1x))\") \"unknown operator\")\n(assert_return (invoke \"f\"))\n");
        var r = HoistProcess.Run("wast", "--validate-only", f.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("3 passed, 0 failed, 1 skipped", r.Stdout.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void WastReportsAFailingDirectiveWithItsLineAndExitsOne()
    {
        using var f = new HoistProcess.TempFile(".wast", "(module (func))\n(assert_invalid (module (func)) \"type mismatch\")\n");
        var r = HoistProcess.Run("wast", "--validate-only", f.Path);
        Assert.Equal(1, r.ExitCode);
        string[] lines = r.Stdout.Trim().Split('\n');
        Assert.StartsWith($"{f.Path}:2: assert_invalid: module was accepted", lines[0]);
        Assert.Equal("1 passed, 1 failed, 0 skipped", lines[^1]);
    }

    [Fact]
    public void FeaturesSwitchAProposalOnAndOff()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module (memory 1 1 shared))");
        var off = HoistProcess.Run("validate", f.Path);
        Assert.Equal(1, off.ExitCode);
        Assert.Contains("threads", off.Stderr);
        var on = HoistProcess.Run("validate", "--features", "+threads", f.Path);
        Assert.Equal(0, on.ExitCode);
        Assert.Equal("valid", on.Stdout.Trim());

        using var g = new HoistProcess.TempFile(".wat", "(module (func (result i32) (i32.extend8_s (i32.const 1))))");
        Assert.Equal(0, HoistProcess.Run("validate", g.Path).ExitCode);
        var noSignExt = HoistProcess.Run("validate", "--features", "-signext", g.Path);
        Assert.Equal(1, noSignExt.ExitCode);
    }

    [Fact]
    public void AnUnknownFeatureIsAnErrorThatNamesTheKnownOnes()
    {
        using var f = new HoistProcess.TempFile(".wat", "(module)");
        var r = HoistProcess.Run("validate", "--features", "+bogus", f.Path);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown feature '+bogus'", r.Stderr);
        Assert.Contains("threads", r.Stderr);
    }
}
