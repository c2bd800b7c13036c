using Hoist.Runtime.Wast;

namespace Hoist.Tests.Spec;

/// <summary>
/// The one table of spec-suite directives that are known to fail, each with its reason
/// (<c>Tests/Spec/expected-failures.tsv</c>). Columns: mode (validate, baseline, optimizing, or
/// * for all), file relative to the suite root, line, reason. Line 0 stands for the whole file (a
/// feature the mode does not implement): the file must still fail somewhere. A listed directive that
/// passes is an error too, so the table only ever shrinks.
/// </summary>
public static class ExpectedFailures
{
    public sealed record Row(string Mode, string File, int Line, string Reason);

    static readonly Lazy<List<Row>> s_rows = new(Load);

    public static IReadOnlyList<Row> Rows => s_rows.Value;

    static List<Row> Load()
    {
        string path = Path.Combine(SpecSuite.RepoRoot, "Tests", "Spec", "expected-failures.tsv");
        var rows = new List<Row>();
        foreach (string raw in File.ReadLines(path))
        {
            if (raw.Length == 0 || raw[0] == '#') continue;
            string[] cols = raw.Split('\t');
            if (cols.Length != 4 || !int.TryParse(cols[2], out int line) || cols[3].Trim().Length == 0)
                throw new InvalidDataException($"{path}: a row needs mode, file, line and a reason: '{raw}'");
            rows.Add(new Row(cols[0], cols[1], line, cols[3]));
        }
        return rows;
    }

    /// <summary>
    /// Asserts that a file's failures are exactly the expected ones for this mode: no unexpected
    /// failure, and no expected failure that now passes.
    /// </summary>
    public static void Check(string mode, string relativeFile, WastFileResult result)
    {
        var expected = Rows.Where(r => (r.Mode == mode || r.Mode == "*") && r.File == relativeFile).ToList();
        if (expected.FirstOrDefault(r => r.Line == 0) is { } wholeFile)
        {
            if (result.Failed == 0)
                throw new Xunit.Sdk.XunitException($"{relativeFile} is listed as failing as a whole ({wholeFile.Reason}) but passes completely: remove the row");
            return;
        }
        var unexpected = result.Failures.Where(f => !expected.Any(r => r.Line == f.Line)).ToList();
        var nowPassing = expected.Where(r => !result.Failures.Any(f => f.Line == r.Line)).ToList();
        var problems = new List<string>();
        problems.AddRange(unexpected.Select(f => f.ToString()));
        problems.AddRange(nowPassing.Select(r => $"{r.File}:{r.Line}: listed as an expected failure ({r.Reason}) but passes: remove the row"));
        if (problems.Count > 0)
            throw new Xunit.Sdk.XunitException($"{problems.Count} problem(s) in {relativeFile} ({result.Passed} passed):\n" + string.Join('\n', problems.Take(50)));
    }
}
