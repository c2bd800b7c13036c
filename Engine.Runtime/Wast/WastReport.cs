using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hoist.Runtime.Wast;

/// <summary>One directive that did not do what the script said: where, which directive, what happened.</summary>
public sealed record WastFailure(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("message")] string Message)
{
    /// <summary><c>file:line: kind: what happened</c>, the CLI's one line per failure.</summary>
    public override string ToString() => $"{File}:{Line}: {Kind}: {Message}";
}

/// <summary>Counts for one script file.</summary>
public sealed class WastFileResult(string file)
{
    [JsonPropertyName("file")] public string File { get; } = file;
    [JsonPropertyName("passed")] public int Passed { get; set; }
    [JsonPropertyName("failed")] public int Failed => Failures.Count;
    [JsonPropertyName("skipped")] public int Skipped { get; set; }
    /// <summary>Rejections whose reason differs from the message the script expected (informational).</summary>
    [JsonPropertyName("message_mismatches")] public int MessageMismatches { get; set; }
    [JsonPropertyName("failures")] public List<WastFailure> Failures { get; } = new();
}

/// <summary>
/// The result of a run over many scripts. Its JSON form has the top-level keys <c>passed</c>,
/// <c>failed</c> and <c>skipped</c> (scripts depend on them) and the per-file results.
/// </summary>
public sealed class WastReport
{
    [JsonPropertyName("passed")] public int Passed => Files.Sum(f => f.Passed);
    [JsonPropertyName("failed")] public int Failed => Files.Sum(f => f.Failed);
    [JsonPropertyName("skipped")] public int Skipped => Files.Sum(f => f.Skipped);
    [JsonPropertyName("message_mismatches")] public int MessageMismatches => Files.Sum(f => f.MessageMismatches);
    [JsonPropertyName("files")] public List<WastFileResult> Files { get; } = new();

    /// <summary>The closing line: <c>N passed, N failed, N skipped</c>.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true });
}
