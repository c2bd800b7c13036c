using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Spec;

/// <summary>
/// Text → binary → decode → encode gives the same bytes, for every well-formed text module of the
/// core suite; and a suite binary, once re-encoded, is a fixed point of decode → encode.
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string> Core => SpecSuite.Files("core");

    [Theory]
    [MemberData(nameof(Core))]
    public void ModulesRoundTripThroughTheBinaryFormat(string file)
    {
        var script = WastParser.Parse(File.ReadAllText(SpecSuite.FullPath(file)), file);
        int checkedModules = 0;
        foreach (var command in script.Commands)
        {
            if (command is not WastModuleCommand { Module: var m }) continue;
            byte[] first = m switch
            {
                WastTextModule { Module: { } module } => FrontEnd.Encode(module),
                WastBinaryModule b => FrontEnd.Encode(FrontEnd.Decode(b.Bytes)),
                WastQuoteModule q => FrontEnd.Encode(WatParser.ParseQuoted(q.Text, file)),
                _ => throw new Xunit.Sdk.XunitException($"{file}:{command.Line}: module did not parse"),
            };
            byte[] second = FrontEnd.Encode(FrontEnd.Decode(first));
            if (!first.AsSpan().SequenceEqual(second))
            {
                int at = first.AsSpan().CommonPrefixLength(second);
                Assert.Fail($"{file}:{command.Line}: re-encoding differs at byte {at} ({first.Length} vs {second.Length} bytes)");
            }
            checkedModules++;
        }
        Assert.True(checkedModules > 0 || !script.Commands.Any(c => c is WastModuleCommand), $"{file}: no module checked");
    }
}
