using System.Text;
using Hoist.Vm;
using Xunit.Abstractions;

namespace Hoist.Tests.Isa;

public class TrapCodeTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryCodeHasAMessageAndCodesAreDense()
    {
        TrapCode[] codes = Enum.GetValues<TrapCode>();
        Assert.Equal(TrapCodes.Count, codes.Length);
        Assert.Equal(Enumerable.Range(0, TrapCodes.Count).Select(i => (TrapCode)i), codes);
        Assert.All(codes, c => Assert.False(string.IsNullOrWhiteSpace(c.Message())));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TrapCode)TrapCodes.Count).Message());
    }

    [Fact]
    public void MessagesAreTheSpecWording()
    {
        Assert.Equal("unreachable", TrapCode.Unreachable.Message());
        Assert.Equal("out of bounds memory access", TrapCode.MemoryOutOfBounds.Message());
        Assert.Equal("out of bounds memory access", TrapCode.DataSegmentOutOfBounds.Message());
        Assert.Equal("out of bounds table access", TrapCode.ElementSegmentOutOfBounds.Message());
        Assert.Equal("uninitialized element", TrapCode.UninitializedElement.Message());
        Assert.Equal("undefined element", TrapCode.UndefinedElement.Message());
        Assert.Equal("call stack exhausted", TrapCode.StackOverflow.Message());
        Assert.Equal("invalid conversion to integer", TrapCode.BadConversionToInteger.Message());
        Assert.True(TrapCode.StackOverflow.IsExhaustion());
        Assert.False(TrapCode.Unreachable.IsExhaustion());
        Assert.True(TrapCode.HostError.IsEmbedderTrap());
        Assert.False(TrapCode.CastFailure.IsEmbedderTrap());
    }

    /// <summary>
    /// Every message the spec suite expects from <c>assert_trap</c>/<c>assert_exhaustion</c> is one of ours,
    /// or starts with one of ours followed by a space (the reference interpreter appends details, as in
    /// "uninitialized element 2", and runners compare by prefix).
    /// </summary>
    [Fact]
    public void CoversEveryTrapMessageOfTheSpecSuite()
    {
        string suite = FindSuite();
        var files = Directory.GetFiles(Path.Combine(suite, "core"), "*.wast")
            .Concat(Directory.GetFiles(Path.Combine(suite, "legacy"), "*.wast"))
            .Concat(Directory.GetFiles(Path.Combine(suite, "proposals", "threads"), "*.wast"))
            .Concat(Directory.GetFiles(Path.Combine(suite, "proposals", "wide-arithmetic"), "*.wast"))
            .ToArray();
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in files) expected.UnionWith(TrapMessages(File.ReadAllText(file, Encoding.Latin1)));
        var ours = Enum.GetValues<TrapCode>().Where(c => c != TrapCode.None).Select(c => c.Message()).ToHashSet();
        output.WriteLine($"{files.Length} files, {expected.Count} distinct messages: {string.Join(" | ", expected)}");
        Assert.True(expected.Count >= 15, "the scan found too few messages to be working");
        var missing = expected.Where(m => !ours.Contains(m) && !ours.Any(o => m.StartsWith(o + " ", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "trap messages of the suite with no TrapCode: " + string.Join(", ", missing));
    }

    private static string FindSuite()
    {
        string? env = Environment.GetEnvironmentVariable("HOIST_TESTSUITE");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "wasm-testsuite"));
                Assert.True(Directory.Exists(candidate), $"spec test suite not found at {candidate}; set HOIST_TESTSUITE");
                return candidate;
            }
        }
        Assert.Fail("repository root not found; set HOIST_TESTSUITE");
        return "";
    }

    /// <summary>The last string of each <c>(assert_trap ...)</c> and <c>(assert_exhaustion ...)</c> form.</summary>
    private static IEnumerable<string> TrapMessages(string text)
    {
        foreach (string head in new[] { "(assert_trap", "(assert_exhaustion" })
        {
            for (int start = text.IndexOf(head, StringComparison.Ordinal); start >= 0; start = text.IndexOf(head, start + 1, StringComparison.Ordinal))
            {
                string? last = null;
                int depth = 0;
                for (int i = start; i < text.Length; i++)
                {
                    char ch = text[i];
                    if (ch == ';' && i + 1 < text.Length && text[i + 1] == ';') { i = text.IndexOf('\n', i); if (i < 0) break; continue; }
                    if (ch == '"')
                    {
                        var s = new StringBuilder();
                        for (i++; i < text.Length && text[i] != '"'; i++)
                        {
                            if (text[i] == '\\') i++;
                            s.Append(text[i]);
                        }
                        last = s.ToString();
                        continue;
                    }
                    if (ch == '(') depth++;
                    else if (ch == ')' && --depth == 0) break;
                }
                if (last is not null) yield return last;
            }
        }
    }
}
