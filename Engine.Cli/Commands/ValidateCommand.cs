using System.CommandLine;
using Hoist.Wasm;

namespace Hoist.Cli.Commands;

/// <summary><c>hoist validate [--features LIST] FILE</c>: exit 0 and print <c>valid</c>, or exit 1 with one line naming the problem.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a .wasm or .wat module" };
        var features = FeaturesOption.Create();
        var command = new Command("validate", "Check that a module is well-formed and valid.") { file, features };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            FrontEnd.LoadFile(parse.GetValue(file)!, parse.GetValue(features));
            Console.Out.WriteLine("valid");
            return 0;
        }));
        return command;
    }
}
