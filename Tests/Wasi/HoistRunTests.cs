using System.Diagnostics;
using System.Text.Json;
using Hoist.Runtime;
using Hoist.Tests.Cli;

namespace Hoist.Tests.Wasi;

/// <summary>
/// <c>hoist run</c> (and <c>hoist settings</c>, <c>--help</c>) as a separate process, as a user runs it:
/// WASI programs with their arguments, environment, preopens and stdin, exit statuses, traps, bad input.
/// </summary>
public class HoistRunTests
{
    /// <summary>Runs the built hoist with <paramref name="stdin"/> on its standard input.</summary>
    static HoistProcess.Result Hoist(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hoist.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"hoist {string.Join(' ', args)} did not finish"); }
        return new HoistProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    static string Corpus(string name) => Path.Combine(CorpusManifest.Directory, "wasm", name);

    /// <summary>Prints its argv to stdout and its environ to stderr, each string NUL-terminated.</summary>
    const string ArgsEnvWat = """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func $print (param $fd i32)
            (i32.store (i32.const 16) (i32.const 2048))
            (i32.store (i32.const 20) (i32.load (i32.const 4)))
            (drop (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24))))
          (func (export "_start")
            (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
            (drop (call $args_get (i32.const 32) (i32.const 2048)))
            (call $print (i32.const 1))
            (drop (call $environ_sizes_get (i32.const 0) (i32.const 4)))
            (drop (call $environ_get (i32.const 32) (i32.const 2048)))
            (call $print (i32.const 2))))
        """;

    [Fact]
    public void HelloPrintsItsGreeting()
    {
        var r = Hoist("", "run", Corpus("hello.wasm"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Hello, world!\n", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void EverythingAfterTheFileIsTheProgramsAndArgv0IsTheFile()
    {
        using var f = new HoistProcess.TempFile(".wat", ArgsEnvWat);
        var r = Hoist("", "run", "--env", "A=1", f.Path, "--env", "B=2", "-x", "--", "plain");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([f.Path, "--env", "B=2", "-x", "--", "plain", ""], r.Stdout.Split('\0'));
        Assert.Equal("A=1\0", r.Stderr);
    }

    [Fact]
    public void EnvironmentIsSetOrInheritedByName()
    {
        const string name = "HOIST_TEST_INHERITED_VARIABLE";
        Environment.SetEnvironmentVariable(name, "from the host");   // the child hoist inherits the test's environment
        using var f = new HoistProcess.TempFile(".wat", ArgsEnvWat);
        var r = Hoist("", "run", "--env", $"{name}", "--env", "NOT_SET_ANYWHERE_HOIST", "--env", "EQ=a=b", "--env", "EMPTY=", f.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"{name}=from the host\0EQ=a=b\0EMPTY=\0", r.Stderr);   // nothing for a host variable that is not set
        // Nothing of the host's environment is passed without --env.
        Assert.Equal("", Hoist("", "run", f.Path).Stderr);
    }

    /// <summary>The corpus through the command line (stdin, preopens with HOST::GUEST, exit statuses, files).</summary>
    [Theory]
    [InlineData("fileio")]
    [InlineData("wordfreq")]
    [InlineData("exit_status")]
    [InlineData("exit_status_usage")]
    [InlineData("sandbox")]
    public void CorpusProgramsRunFromTheCommandLine(string name)
    {
        JsonElement test = CorpusManifest.Test(name);
        JsonElement expect = test.GetProperty("expect");
        string root = Directory.CreateTempSubdirectory($"hoist-cli-{name}-").FullName;
        try
        {
            CorpusManifest.BuildFixture(test, root);
            var args = new List<string> { "run", "--strategy", Tiers.All[0].ToString().ToLowerInvariant() };
            if (test.TryGetProperty("preopens", out var preopens))
                foreach (var p in preopens.EnumerateArray())
                    args.AddRange(["--dir", $"{Path.Combine(root, p.GetProperty("host").GetString()!)}::{p.GetProperty("guest").GetString()}"]);
            args.Add(Path.Combine(CorpusManifest.Directory, test.GetProperty("wasm").GetString()!));
            if (test.TryGetProperty("args", out var a)) args.AddRange(a.EnumerateArray().Select(x => x.GetString()!));
            var r = Hoist(test.TryGetProperty("stdin", out var s) ? s.GetString()! : "", [.. args]);
            Assert.Equal(CorpusManifest.Lines(expect, "stdout"), r.Stdout);
            Assert.Equal(CorpusManifest.Lines(expect, "stderr"), r.Stderr);
            Assert.Equal(expect.GetProperty("exitCode").GetInt32(), r.ExitCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ATrapPrintsTheMessageAndBacktraceAndExits134()
    {
        const string wat = """
            (module
              (func $inner unreachable)
              (func $outer call $inner)
              (func (export "_start") call $outer))
            """;
        using var f = new HoistProcess.TempFile(".wat", wat);
        var r = Hoist("", "run", f.Path);
        Assert.Equal(134, r.ExitCode);
        string[] lines = r.Stderr.TrimEnd().Split('\n');
        Assert.Equal($"{f.Path}: trap: unreachable", lines[0]);
        Assert.Contains("inner", lines[1]);
        Assert.Contains("outer", lines[2]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void BadInputIsOneLineAndExitsOne()
    {
        using var garbage = new HoistProcess.TempFile(".wasm", [0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]);
        var r = Hoist("", "run", garbage.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith(garbage.Path, r.Stderr);

        using var invalidText = new HoistProcess.TempFile(".wat", "(module\n  (func (export \"_start\")\n    i32.add))");
        r = Hoist("", "run", invalidText.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{invalidText.Path}:3:5: type mismatch: instruction requires [i32 i32] but stack has []", r.Stderr.TrimEnd());

        using var noStart = new HoistProcess.TempFile(".wat", "(module (func (export \"f\")))");
        r = Hoist("", "run", noStart.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hoist: {noStart.Path}: no exported function \"_start\" (use --invoke NAME)", r.Stderr.TrimEnd());

        using var unknown = new HoistProcess.TempFile(".wat", "(module (import \"env\" \"f\" (func)))");
        r = Hoist("", "run", unknown.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown import: env::f", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));

        r = Hoist("", "run", "--dir", "/no/such/dir/hoist", Corpus("hello.wasm"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hoist: --dir '/no/such/dir/hoist': /no/such/dir/hoist is not a directory", r.Stderr.TrimEnd());
    }

    [Fact]
    public void InvokeCallsAnExportWithWasiLinked()
    {
        const string wat = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 64) "side effect\n")
              (func (export "twice") (param i32) (result i32)
                (i32.store (i32.const 0) (i32.const 64))
                (i32.store (i32.const 4) (i32.const 12))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (i32.mul (local.get 0) (i32.const 2)))
              (func (export "quit") (param i32) (call $proc_exit (local.get 0))))
            """;
        using var f = new HoistProcess.TempFile(".wat", wat);
        var r = Hoist("", "run", "--invoke", "twice", f.Path, "21");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("side effect\n42\n", r.Stdout);
        Assert.Equal(9, Hoist("", "run", "--invoke", "quit", f.Path, "9").ExitCode);
    }

    [Fact]
    public async Task TcplistenGivesTheProgramAListeningSocket()
    {
        const string wat = """
            (module
              (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 64) "hello, client\n")
              (func (export "_start")
                (drop (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))   ;; fd 3: no --dir given
                (i32.store (i32.const 8) (i32.const 64))
                (i32.store (i32.const 12) (i32.const 14))
                (drop (call $send (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 16)))
                (drop (call $shutdown (i32.load (i32.const 0)) (i32.const 3)))))
            """;
        using var f = new HoistProcess.TempFile(".wat", wat);
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var run = Task.Run(() => Hoist("", "run", "--tcplisten", $"127.0.0.1:{port}", f.Path));
        using var client = new System.Net.Sockets.TcpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ;)
        {
            try
            {
                client.Connect(System.Net.IPAddress.Loopback, port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !run.IsCompleted)
            {
                await Task.Delay(50);
            }
        }
        using var reader = new StreamReader(client.GetStream());
        Assert.Equal("hello, client\n", await reader.ReadToEndAsync());
        var r = await run;
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void SettingsPrintsTheEffectiveConfiguration()
    {
        var r = Hoist("", "settings", "--strategy", "baseline");
        Assert.Equal(0, r.ExitCode);
        string[] lines = r.Stdout.TrimEnd().Split('\n');
        Assert.Contains("config.Strategy = Baseline", lines);
        Assert.Contains($"config.MaxWasmStack = {new Config().MaxWasmStack}", lines);
        Assert.Contains("compiler.available = yes", lines);
        Assert.Contains(lines, l => l.StartsWith("wasi = wasi_snapshot_preview1 (46 functions)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("wast")]
    [InlineData("objdump")]
    [InlineData("settings")]
    public void EveryCommandHasHelp(string command)
    {
        var r = Hoist("", command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Stdout);
        Assert.Contains($"hoist {command}", r.Stdout);
    }
}
