using System.CommandLine;
using Hoist.Cli.Commands;

namespace Hoist.Cli;

/// <summary>Builds the root command from the individual commands (one file each under Commands/) and runs it.</summary>
public static class HoistCommand
{
    public static RootCommand Build() => new("Hoist: a WebAssembly runtime for .NET")
    {
        RunCommand.Create(),
        ValidateCommand.Create(),
        WastCommand.Create(),
        ObjdumpCommand.Create(),
        SettingsCommand.Create(),
        FuzzCommand.Create(),
    };

    public static int Run(string[] args)
    {
        var root = Build();
        return root.Parse(RunCommand.SeparateProgramArguments(root, args)).Invoke();
    }
}
