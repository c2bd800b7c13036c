using System.Diagnostics;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Runs a fuzzing run in a child process, so that a crash of the process itself — compiled code faulting on
/// memory it must not touch kills it with a signal, which no exception handler sees — becomes a finding rather than
/// the end of the run. The child keeps the input under test in the state directory (<see cref="FuzzSettings.StateDir"/>);
/// when it dies, the supervisor writes that input as a reproducer and, in diff mode, shrinks it (each candidate run
/// in a child of its own: it still fails if that child dies the same way) and starts a new child at the next module.
/// </summary>
/// <remarks>
/// A child that ends normally exits 0 (nothing failed), 1 (failures) or 70 (an internal error of the fuzzer, which
/// also ends the run); any other exit status is a crash (on Linux 128 + the signal: 139 for SIGSEGV).
/// </remarks>
public sealed class FuzzSupervisor(Func<IReadOnlyList<string>, bool, Process> startChild)
{
    static readonly int[] s_normalExits = [0, 1, 70];

    /// <summary>
    /// Runs <paramref name="mode"/> with <paramref name="settings"/>; <paramref name="childArguments"/> are the options
    /// every child gets (seed, mode, output...), to which the supervisor adds where to start and how much to do.
    /// Returns the exit status for the whole run.
    /// </summary>
    public int Run(string mode, FuzzSettings settings, IReadOnlyList<string> childArguments, TextWriter log)
    {
        string state = Path.Combine(Path.GetTempPath(), $"hoist-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(state);
        var clock = Stopwatch.StartNew();
        int first = settings.FirstIteration;
        int? remaining = settings.Iterations;   // null: the child's own default (or the time limit)
        int status = 0, crashes = 0;
        try
        {
            while (true)
            {
                var args = new List<string>(childArguments) { "--worker", "--state", state, "--first", first.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                if (remaining is int n) args.AddRange(["--iterations", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                else if (settings.Duration is { } limit)
                    args.AddRange(["--time", Math.Max(1, (limit - clock.Elapsed).TotalSeconds).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)]);
                int exit = Wait(startChild(args, false));
                if (s_normalExits.Contains(exit))
                {
                    status = Math.Max(status, exit);
                    break;
                }
                crashes++;
                string what = File.Exists(Path.Combine(state, FuzzSettings.CurrentText)) ? File.ReadAllText(Path.Combine(state, FuzzSettings.CurrentText)) : "";
                log.WriteLine($"hoist fuzz: the process died (exit status {exit}) on {(what.Length > 0 ? what : "an unknown input")}");
                string? path = Report(mode, settings, state, what, exit, childArguments, log);
                if (path is not null) log.WriteLine($"  reproducer: {path}");
                // Only diff mode can resume (module i is known by its index alone): carry on after the crash.
                if (mode != "diff" || !what.StartsWith("diff ", StringComparison.Ordinal)) break;
                int crashed = int.Parse(what[5..], System.Globalization.CultureInfo.InvariantCulture);
                if (settings.Duration is null) remaining = (remaining ?? FuzzSettings.DefaultIterations) - (crashed + 1 - first);
                first = crashed + 1;
                if (remaining <= 0 || (settings.Duration is { } d && clock.Elapsed >= d)) break;
            }
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
        if (crashes > 0) log.WriteLine($"hoist fuzz: {crashes} crash(es) of the process");
        return crashes > 0 ? Math.Max(status, 1) : status;
    }

    static int Wait(Process p)
    {
        using (p)
        {
            p.WaitForExit();
            return p.ExitCode;
        }
    }

    /// <summary>Writes the crashing input (shrunk, in diff mode) to the output directory; returns its path.</summary>
    string? Report(string mode, FuzzSettings settings, string state, string what, int exit, IReadOnlyList<string> childArguments, TextWriter log)
    {
        string current = Path.Combine(state, FuzzSettings.CurrentBinary);
        if (settings.OutDir is not { } outDir || !File.Exists(current)) return null;
        Directory.CreateDirectory(outDir);
        string name = $"crash-{settings.Seed}-{what.Replace(' ', '-')}";
        var divergence = new Divergence($"crash: the process died with exit status {exit}", $"running {what} on every tier ended the process with exit status {exit}");
        if (mode != "diff" || !what.StartsWith("diff ", StringComparison.Ordinal))
        {
            string path = Path.Combine(outDir, name + ".wasm");
            File.Copy(current, path, overwrite: true);
            return path;
        }
        int iteration = int.Parse(what[5..], System.Globalization.CultureInfo.InvariantCulture);
        var module = DiffFuzzer.Generate(settings.Seed, iteration);
        if (settings.Shrink)
        {
            log.WriteLine($"  shrinking (each candidate in its own process, at most {settings.ShrinkTime.TotalSeconds:0} s)");
            Shrinker? shrinker = null;
            shrinker = new Shrinker(_ =>
            {
                var args = new List<string>(childArguments) { "--worker", "--first", iteration.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--case", string.Join(',', shrinker!.Edits) };
                return Wait(startChild(args, true)) == exit;
            }, settings.ShrinkTime);
            module = shrinker.Shrink(module);
        }
        var c = new FuzzCase(module, ModuleEmitter.Encode(module));
        return Reproducer.Write(outDir, name, c,
            $"hoist fuzz --seed {settings.Seed} --first {iteration} --iterations 1 (module seed {DiffFuzzer.ModuleSeed(settings.Seed, iteration)}, {DiffFuzzer.Profile(iteration).Name} profile)",
            divergence, []);
    }
}
