namespace Hoist.Tests.Cli;

/// <summary><c>hoist run --invoke</c> and <c>hoist objdump</c> as a user runs them.</summary>
public class RunCommandTests
{
    const string Wat = """
        (module
          (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func $div (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
          (func (export "pair") (param f64) (result f64 i64) (f64.mul (local.get 0) (f64.const 2)) (i64.const -9)))
        """;

    [Fact]
    public void InvokePrintsEachResultOnItsOwnLine()
    {
        using var f = new HoistProcess.TempFile(".wat", Wat);
        var r = HoistProcess.Run("run", "--strategy", "baseline", "--invoke", "add", f.Path, "2", "-5");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("-3", r.Stdout.Trim());
        var pair = HoistProcess.Run("run", "--invoke", "pair", f.Path, "0.25");
        Assert.Equal(["0.5", "-9"], pair.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public void ATrapPrintsTheMessageAndBacktraceAndExits134()
    {
        using var f = new HoistProcess.TempFile(".wat", Wat);
        var r = HoistProcess.Run("run", "--invoke", "div", f.Path, "0");
        Assert.Equal(134, r.ExitCode);
        string[] lines = r.Stderr.Trim().Split('\n');
        Assert.Equal($"{f.Path}: trap: integer divide by zero", lines[0]);
        Assert.Contains("div", lines[1]);
    }

    [Theory]
    [InlineData("1", "add takes 2 argument(s) (i32 i32), 1 given")]
    [InlineData("1 x", "argument 2 'x': not a valid i32")]
    public void BadArgumentsAreOneLineAndExitOne(string args, string message)
    {
        using var f = new HoistProcess.TempFile(".wat", Wat);
        var r = HoistProcess.Run(["run", "--invoke", "add", f.Path, .. args.Split(' ')]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hoist: {message}", r.Stderr.Trim());
    }

    [Fact]
    public void ObjdumpShowsEachFunctionWithWasmOffsets()
    {
        using var f = new HoistProcess.TempFile(".wat", Wat);
        var r = HoistProcess.Run("objdump", f.Path, "--function", "add");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("func[0] <add>:", r.Stdout);
        Assert.Contains(";; wasm @0x", r.Stdout);
        Assert.Contains("ret", r.Stdout);
        Assert.DoesNotContain("<div>", r.Stdout);
    }
}
