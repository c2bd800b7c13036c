using System.Diagnostics;

namespace Hoist.Tests.Cli;

/// <summary>Runs the built <c>hoist</c> command as a separate process, as a user would.</summary>
public static class HoistProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    static string HoistDll => Path.Combine(AppContext.BaseDirectory, "hoist.dll");

    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs hoist with extra environment variables.</summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(HoistDll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"hoist {string.Join(' ', args)} did not finish"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh temporary file with the given content; deleted by the caller's using.</summary>
    public sealed class TempFile : IDisposable
    {
        public TempFile(string extension, byte[] content)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hoist-test-{Guid.NewGuid():N}{extension}");
            File.WriteAllBytes(Path, content);
        }

        public TempFile(string extension, string text) : this(extension, System.Text.Encoding.UTF8.GetBytes(text)) { }

        public string Path { get; }
        public void Dispose() => File.Delete(Path);
    }
}
