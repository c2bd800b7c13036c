using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist settings [--strategy S]</c>: prints the effective configuration, one <c>name = value</c> per
/// line: every <see cref="Config"/> property as an engine made by <c>hoist run</c> with the same options
/// would have it (read from the record itself, so a new setting shows up without touching this file),
/// whether that strategy's compiler is available, the host runtime, and the WASI interface provided.
/// </summary>
public static class SettingsCommand
{
    public static Command Create()
    {
        var strategy = StrategyOption.Create();
        var command = new Command("settings", "Print the effective configuration.") { strategy };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var config = new Config { Strategy = parse.GetValue(strategy) };
            foreach (var p in typeof(Config).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
                Console.Out.WriteLine($"config.{p.Name} = {p.GetValue(config)}");
            Console.Out.WriteLine($"compiler.available = {Available(config)}");
            Console.Out.WriteLine($"memory.bounds_checks = {BoundsChecks(config)}");
            Console.Out.WriteLine($"runtime = {RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier}");
            Console.Out.WriteLine($"runtime.processors = {Environment.ProcessorCount}");
            Console.Out.WriteLine($"wasi = {WasiContext.ModuleName} ({WasiContext.FunctionNames.Count} functions)");
            Console.Out.WriteLine("wasi.stdio = inherited");
            Console.Out.WriteLine("wasi.sandbox = preopened directories only (--dir), paths resolved component by component");
            return 0;
        }));
        return command;
    }

    /// <summary>How out-of-bounds accesses are caught: guard pages (signal-based traps) or explicit checks, and why.</summary>
    static string BoundsChecks(Config config)
    {
        Engine engine;
        try { engine = new Engine(config with { Strategy = Strategy.Baseline }); }
        catch (NotSupportedException e) { return $"unknown ({e.Message})"; }
        if (engine.GuardPagesEnabled)
            return $"guard pages (32-bit memories: 4 GiB + {config.MemoryGuardSize >> 20} MiB guard reserved, signal-based traps; memory64: explicit)";
        return engine.GuardPagesUnavailable is { } why ? $"explicit (guard pages unavailable: {why})" : "explicit (config.GuardPages = False)";
    }

    static string Available(Config config)
    {
        try
        {
            _ = new Engine(config);
            return "yes";
        }
        catch (NotSupportedException e)
        {
            return $"no ({e.Message})";
        }
    }
}
