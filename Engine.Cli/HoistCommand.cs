using System.CommandLine;

namespace Hoist.Cli;

/// <summary>Builds the root command from the individual commands and runs it.</summary>
public static class HoistCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Hoist: a WebAssembly runtime for .NET");
        return root;
    }

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
