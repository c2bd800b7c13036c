using System.CommandLine;
using Hoist.Runtime;
using Hoist.Runtime.Wast;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist wast [--strategy S] [--features LIST] [--validate-only] [--json REPORT] FILES_OR_DIRS...</c>: runs spec scripts. Prints one
/// line per failing directive and closes with <c>N passed, N failed, N skipped</c>; exit 1 if any failed.
/// </summary>
public static class WastCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("FILES_OR_DIRS") { Description = ".wast files, or directories searched for them", Arity = ArgumentArity.OneOrMore };
        var validateOnly = new Option<bool>("--validate-only") { Description = "check modules, assert_malformed and assert_invalid; count execution directives as skipped" };
        var json = new Option<string?>("--json") { Description = "write a JSON report to this file", HelpName = "REPORT" };
        var strategy = StrategyOption.Create();
        var features = FeaturesOption.Create();
        var command = new Command("wast", "Run WebAssembly spec scripts (.wast).") { paths, validateOnly, json, strategy, features };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string[] inputs = parse.GetValue(paths)!;
            foreach (string p in inputs)
                if (!File.Exists(p) && !Directory.Exists(p)) throw new CliUsageException($"{p}: no such file or directory");
            var runner = new WastRunner(new WastOptions
            {
                ValidateOnly = parse.GetValue(validateOnly),
                Config = new Config { Strategy = parse.GetValue(strategy), Features = parse.GetValue(features) },
            });
            var report = runner.Run(inputs, file =>
            {
                foreach (var failure in file.Failures) Console.Out.WriteLine(failure);
            });
            if (parse.GetValue(json) is { } jsonPath) File.WriteAllText(jsonPath, report.ToJson());
            Console.Out.WriteLine(report.Summary);
            return report.Failed == 0 ? 0 : 1;
        }));
        return command;
    }
}
