using Hoist.Runtime.Fuzzing;
using Hoist.Tests.Spec;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Robustness;

/// <summary>
/// Mutated binaries from the spec suite's modules through the decoder and validator: every input
/// must end in a valid module or a typed error, never another exception or a hang. 20,000 inputs
/// with a fixed seed in CI; set HOIST_MUTATIONS (e.g. 1000000) for a long run.
/// </summary>
public class MutatedBinaryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void MutatedSuiteBinariesEndInAValidModuleOrATypedError()
    {
        var corpus = SuiteBinaries();
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("HOIST_MUTATIONS"), out int n) ? n : 20_000;
        var result = RobustnessRun.Run(corpus, seed: 20261121, iterations, input =>
        {
            var module = FrontEnd.Decode(input);
            FrontEnd.Validate(module);
        });
        if (result.Failures.Count > 0)
        {
            var first = result.Failures[0];
            Assert.Fail($"{result.Failures.Count} input(s) crashed or hung; first: #{first.Index} {first.What}\ninput: {Convert.ToHexString(first.Input)}");
        }
        Assert.Equal(iterations, result.Inputs);
        output.WriteLine($"{result.Inputs} mutated inputs from {corpus.Count} modules: {result.Accepted} valid, {result.Rejected} typed errors, 0 crashes");
        // Both outcomes must occur, or the mutator or the corpus is broken.
        Assert.True(result.Rejected > 0 && result.Accepted > 0, $"accepted {result.Accepted}, rejected {result.Rejected}");
    }

    /// <summary>Every module of the core suite that loads, in binary form (text modules encoded).</summary>
    internal static List<byte[]> SuiteBinaries()
    {
        if (SpecSuite.Root is null) throw new Xunit.Sdk.XunitException(SpecSuite.MissingMessage);
        var corpus = new List<byte[]>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(SpecSuite.Root, "core"), "*.wast").Order(StringComparer.Ordinal))
        {
            var script = WastParser.Parse(File.ReadAllText(file), file);
            foreach (var command in script.Commands)
            {
                if (command is not WastModuleCommand { Module: var m }) continue;
                try
                {
                    byte[] bytes = m switch
                    {
                        WastTextModule { Module: { } module } => FrontEnd.Encode(module),
                        WastBinaryModule b => b.Bytes,
                        _ => [],
                    };
                    if (bytes.Length > 0 && bytes.Length < 64 * 1024) corpus.Add(bytes);
                }
                catch (WasmException) { }
            }
        }
        Assert.True(corpus.Count > 1000, $"only {corpus.Count} modules in the corpus");
        return corpus;
    }
}
