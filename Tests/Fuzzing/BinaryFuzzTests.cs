using Hoist.Runtime.Fuzzing;

namespace Hoist.Tests.Fuzzing;

/// <summary>Mutated generated binaries through the decoder, the validator and every tier's compiler: a compiled module or a typed error, always.</summary>
public class BinaryFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void MutatedGeneratedModulesCompileOrFailWithATypedError()
    {
        var report = BinaryFuzzer.Run(new FuzzSettings { Seed = 20261121, Iterations = 3000, ShrinkTime = TimeSpan.FromSeconds(20) });
        output.WriteLine(report.Summary());
        Assert.True(report.Failures == 0, report.Summary());
        Assert.Equal(3000, report.Modules);
    }

    [Fact]
    public void ByteShrinkingKeepsWhatMakesTheInputFail()
    {
        byte[] input = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 9, 9, 0xAB, 9, 9, 9, 0xCD, 9];
        byte[] shrunk = BinaryFuzzer.ShrinkBytes(input, b => b.Contains((byte)0xAB) && b.Contains((byte)0xCD), TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 0xAB, 0xCD }, shrunk);
    }
}
