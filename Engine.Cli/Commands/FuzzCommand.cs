using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hoist.Runtime.Fuzzing;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist fuzz [--seed N] [--iterations N | --time SECONDS] [--mode diff|binary|ops] [--out DIR] [--no-v8] [--no-shrink]
/// [--shrink-time SECONDS] [--first N]</c>.
/// Diff mode generates modules and compares every available tier (and V8, through node, for the modules it can
/// run); binary mode feeds mutated binaries to the decoder, validator and compilers; ops mode sweeps every numeric
/// operator over edge values, constant and not (<see cref="OperatorSweep"/>). A progress line on stderr
/// while it runs, the summary on stdout at the end; exit 1 if anything failed (a divergence, a crash, a hang, an
/// invalid generated module), with the shrunk reproducers in DIR. The run happens in a child process watched by
/// <see cref="FuzzSupervisor"/>, so a crash of the process is reported (and, in diff mode, shrunk and passed) too.
/// </summary>
public static class FuzzCommand
{
    /// <summary>Starts <c>hoist fuzz ARGS</c> again, as this process was started; quiet: its output is discarded.</summary>
    static Process StartChild(IReadOnlyList<string> args, bool quiet)
    {
        string self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = quiet, RedirectStandardError = quiet };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(FuzzCommand).Assembly.Location);
        info.ArgumentList.Add("fuzz");
        foreach (string a in args) info.ArgumentList.Add(a);
        var p = Process.Start(info) ?? throw new InvalidOperationException("could not start a fuzzing process");
        if (quiet)
        {
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
        }
        return p;
    }

    public static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "the run's seed (module i is generated from it and i)", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int?>("--iterations") { Description = "how many modules (diff) or inputs (binary), default 1000; random operand tuples per operator (ops), default 32", HelpName = "N" };
        var time = new Option<double?>("--time") { Description = "run for this many seconds instead", HelpName = "SECONDS" };
        var mode = new Option<string>("--mode") { Description = "diff (generated modules on every tier), binary (mutated binaries) or ops (every operator on edge values, constant and not)", DefaultValueFactory = _ => "diff" };
        mode.AcceptOnlyFromAmong("diff", "binary", "ops");
        var outDir = new Option<string?>("--out") { Description = "where to write reproducers", HelpName = "DIR" };
        var noV8 = new Option<bool>("--no-v8") { Description = "do not compare with V8 even when node is available" };
        var noShrink = new Option<bool>("--no-shrink") { Description = "write failing cases as found, without shrinking them" };
        var shrinkTime = new Option<double>("--shrink-time") { Description = "the most time spent shrinking one failure", HelpName = "SECONDS", DefaultValueFactory = _ => 60 };
        var first = new Option<int>("--first") { Description = "start at module N (diff mode): --first N --iterations 1 replays module N of a run", HelpName = "N" };
        // The supervisor's own options for its child processes (not for users).
        var worker = new Option<bool>("--worker") { Hidden = true };
        var state = new Option<string?>("--state") { Hidden = true };
        var caseEdits = new Option<string?>("--case") { Hidden = true };
        var command = new Command("fuzz", "Differential and binary fuzzing of the tiers.") { seed, iterations, time, mode, outDir, noV8, noShrink, shrinkTime, first, worker, state, caseEdits };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int? n = parse.GetValue(iterations);
            double? seconds = parse.GetValue(time);
            if (n is not null && seconds is not null) throw new CliUsageException("give --iterations or --time, not both");
            if (n is <= 0) throw new CliUsageException("--iterations must be positive");
            if (seconds is <= 0) throw new CliUsageException("--time must be positive");
            if (parse.GetValue(first) < 0) throw new CliUsageException("--first must not be negative");
            bool interactive = !Console.IsErrorRedirected;
            string modeName = parse.GetValue(mode)!;
            var settings = new FuzzSettings
            {
                StateDir = parse.GetValue(state),
                Seed = parse.GetValue(seed),
                Iterations = n,
                Duration = seconds is double s ? TimeSpan.FromSeconds(s) : null,
                OutDir = parse.GetValue(outDir),
                UseV8 = !parse.GetValue(noV8),
                Shrink = !parse.GetValue(noShrink),
                ShrinkTime = TimeSpan.FromSeconds(parse.GetValue(shrinkTime)),
                FirstIteration = parse.GetValue(first),
                ProgressInterval = TimeSpan.FromSeconds(interactive ? 1 : 10),
                Progress = report => Console.Error.Write(interactive ? "\r" + report.ProgressLine() + "   " : report.ProgressLine() + "\n"),
            };
            if (parse.GetValue(caseEdits) is { } edits)
            {
                DiffFuzzer.RunCase(settings, ShrinkEdit.ParseList(edits));
                return 0;
            }
            if (!parse.GetValue(worker))
            {
                // Run in a child process, so that a crash of the process is a finding, not the end of the run.
                var childArguments = new List<string> { "--seed", settings.Seed.ToString(CultureInfo.InvariantCulture), "--mode", modeName,
                    "--shrink-time", settings.ShrinkTime.TotalSeconds.ToString(CultureInfo.InvariantCulture) };
                if (settings.OutDir is { } o) childArguments.AddRange(["--out", o]);
                if (!settings.UseV8) childArguments.Add("--no-v8");
                if (!settings.Shrink) childArguments.Add("--no-shrink");
                return new FuzzSupervisor(StartChild).Run(modeName, settings, childArguments, Console.Error);
            }
            var result = modeName switch
            {
                "binary" => BinaryFuzzer.Run(settings),
                "ops" => OperatorSweep.Run(settings),
                _ => DiffFuzzer.Run(settings),
            };
            if (interactive) Console.Error.WriteLine();
            Console.Out.Write(result.Summary());
            return result.Failures == 0 ? 0 : 1;
        }));
        return command;
    }
}
