using Hoist.Wasm;

namespace Hoist.Cli;

/// <summary>A mistake in how the command was called (a missing file, a bad option value).</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>
/// Turns every error a user can cause into one line on stderr and a non-zero exit, never a .NET
/// stack trace: 1 for bad input (malformed or invalid modules, usage errors), 70 for a bug in Hoist.
/// </summary>
public static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (WasmException e)
        {
            Console.Error.WriteLine(e.OneLine);
            return 1;
        }
        catch (CliUsageException e)
        {
            Console.Error.WriteLine($"hoist: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"hoist: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // A bug in Hoist, not a user mistake: say so plainly, with the type for the bug report.
            Console.Error.WriteLine($"hoist: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("HOIST_DEBUG") is not null) Console.Error.WriteLine(e);
            return 70;
        }
    }
}
