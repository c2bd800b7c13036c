using Hoist.Tests.Spec;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// The spec suite's core scripts executed on the IR interpreter: the translated IR, and the IR after the
/// optimization pipeline, must give every result and trap the scripts expect. Commands the interpreter
/// cannot run (out-of-scope proposals, validation-only assertions) are skipped and counted.
/// </summary>
public class InterpreterSpecTests(ITestOutputHelper output)
{
    public static TheoryData<string> Core => SpecSuite.Files("core");

    [Theory]
    [MemberData(nameof(Core))]
    public void TranslatedIrPassesTheScript(string file) => Run(file, optimize: false);

    [Theory]
    [MemberData(nameof(Core))]
    public void OptimizedIrPassesTheScript(string file) => Run(file, optimize: true);

    void Run(string file, bool optimize)
    {
        var runner = new InterpWastRunner(optimize);
        Exception? crash = null;
        // Deep (non-tail) recursion in the scripts needs a big stack for the interpreter's own recursion.
        var thread = new Thread(() =>
        {
            try { runner.RunFile(SpecSuite.FullPath(file)); }
            catch (Exception e) { crash = e; }
        }, 512 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (crash is not null) throw new Xunit.Sdk.XunitException($"{file}: {crash}");
        output.WriteLine($"{file}: {runner.Passed} passed, {runner.Failures.Count} failed, {runner.Skipped} skipped");
        foreach (var (reason, n) in runner.SkipReasons.OrderByDescending(kv => kv.Value).Take(5)) output.WriteLine($"  skipped {n}: {reason}");
        Assert.True(runner.Failures.Count == 0, string.Join("\n", runner.Failures.Take(30)));
    }
}
