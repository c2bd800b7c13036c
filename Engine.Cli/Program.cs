namespace Hoist.Cli;

/// <summary>The <c>hoist</c> command line. Each command lives in its own file under Commands/.</summary>
public static class Program
{
    public static int Main(string[] args) => HoistCommand.Run(args);
}
