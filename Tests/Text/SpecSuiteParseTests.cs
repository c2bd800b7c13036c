using System.Diagnostics;
using Hoist.Wasm;
using Hoist.Wasm.Text;
using Xunit.Abstractions;

namespace Hoist.Tests.Text;

/// <summary>Where the spec suite is: <c>HOIST_TESTSUITE</c>, or <c>../shared/wasm-testsuite</c> beside the repository.</summary>
internal static class SpecSuite
{
    public static readonly string? Root = Find();

    static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("HOIST_TESTSUITE");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) continue;
            string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "wasm-testsuite"));
            return Directory.Exists(candidate) ? candidate : null;
        }
        return null;
    }

    public static IEnumerable<string> Files(params string[] folders) => folders
        .Select(f => Path.Combine(Root!, f))
        .Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateFiles(d, "*.wast", SearchOption.AllDirectories))
        .OrderBy(f => f, StringComparer.Ordinal);
}

/// <summary>A test that is reported as skipped, with the reason, when the spec suite is not found.</summary>
public sealed class SpecSuiteFactAttribute : FactAttribute
{
    public SpecSuiteFactAttribute()
    {
        if (SpecSuite.Root is null) Skip = "SKIPPED: the WebAssembly spec suite was not found (set HOIST_TESTSUITE or put it in ../shared/wasm-testsuite)";
    }
}

/// <summary>
/// Parses every .wast file of the spec suite: each script must parse; in the core, legacy and custom
/// folders (and the wide-arithmetic proposal) every module an <c>assert_malformed</c>
/// gives as text must be rejected and every other text or quoted module must parse. Per-file counts
/// are written to the test output.
/// </summary>
public class SpecSuiteParseTests(ITestOutputHelper output)
{
    static readonly string[] StrictFolders = ["core", "legacy", "custom", "proposals/wide-arithmetic"];

    sealed record FileResult(string File, int Commands, int Modules, int Rejected, List<string> Problems);

    static FileResult Check(string path)
    {
        var script = WastParser.ParseFile(path);
        int modules = 0, rejected = 0;
        var problems = new List<string>();
        foreach (var command in script.Commands)
        {
            WastModule? module = command switch
            {
                WastModuleCommand c => c.Module,
                WastAssertMalformed c => c.Module,
                WastAssertInvalid c => c.Module,
                WastAssertUnlinkable c => c.Module,
                WastAssertTrap c => c.Module,
                _ => null,
            };
            if (module is WastBinaryModule or null) continue;
            modules++;
            MalformedException? error = module switch
            {
                WastTextModule t => t.Error,
                WastQuoteModule q => QuotedError(q.Text),
                _ => null,
            };
            if (error is not null) rejected++;
            bool mustReject = command is WastAssertMalformed;
            if (mustReject && error is null)
                problems.Add($"{Path.GetFileName(path)}:{command.Line}: accepted, but the suite expects \"{((WastAssertMalformed)command).Message}\"");
            else if (!mustReject && error is not null)
                problems.Add($"{Path.GetFileName(path)}:{command.Line}: rejected a well-formed module: {error.OneLine}");
        }
        return new FileResult(path, script.Commands.Count, modules, rejected, problems);
    }

    static MalformedException? QuotedError(string text)
    {
        try
        {
            WatParser.ParseQuoted(text);
            return null;
        }
        catch (MalformedException e)
        {
            return e;
        }
    }

    [SpecSuiteFact]
    public void EveryScriptParses()
    {
        var files = SpecSuite.Files("core", "legacy", "custom", "proposals").ToList();
        Assert.NotEmpty(files);
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        int commands = 0;
        foreach (var f in files)
        {
            var script = WastParser.ParseFile(f);
            bytes += new FileInfo(f).Length;
            commands += script.Commands.Count;
            Assert.NotEmpty(script.Commands);
        }
        output.WriteLine($"{files.Count} scripts, {commands} commands, {bytes / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F2} s");
    }

    [SpecSuiteFact]
    public void MalformedModulesAreRejectedAndWellFormedOnesParse()
    {
        var results = SpecSuite.Files(StrictFolders).Select(Check).ToList();
        Assert.NotEmpty(results);
        foreach (var r in results)
            output.WriteLine($"{Path.GetRelativePath(SpecSuite.Root!, r.File),-48} {r.Commands,6} commands {r.Modules,5} text/quote modules {r.Rejected,5} rejected");
        var problems = results.SelectMany(r => r.Problems).ToList();
        foreach (var p in problems.Take(50)) output.WriteLine(p);
        Assert.Empty(problems);
    }

    [SpecSuiteFact]
    public void ProposalsWithoutOpcodeSupportStillParseAsScripts()
    {
        // custom-descriptors uses instructions the opcode table does not have yet; custom-page-sizes and
        // threads (a 2020 copy of memory.wast) predate memory64's 64-bit limits: report, do not require.
        var files = SpecSuite.Files("proposals/custom-descriptors", "proposals/custom-page-sizes", "proposals/threads").ToList();
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var r = Check(f);
            output.WriteLine($"{Path.GetRelativePath(SpecSuite.Root!, f),-60} {r.Modules,5} modules {r.Problems.Count,4} not as the suite expects");
        }
    }
}
