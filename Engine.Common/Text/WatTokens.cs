using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// The tokens of one text (a .wat module or a .wast script) with the source they point into.
/// Invariants: the last token is <see cref="TokenKind.Eof"/>; every <c>(</c> has its matching
/// <c>)</c> in <see cref="Token.Match"/> or -1; string and id tokens were checked by the lexer
/// (escapes well-formed, no illegal characters), so decoding them cannot fail.
/// </summary>
public sealed class WatTokens
{
    readonly Token[] _tokens;
    readonly int[] _lineStarts;

    internal WatTokens(string source, string? file, Token[] tokens, int count, int[] lineStarts)
    {
        Source = source;
        File = file;
        _tokens = tokens;
        Count = count;
        _lineStarts = lineStarts;
    }

    public string Source { get; }
    public string? File { get; }
    /// <summary>Number of tokens, including the final Eof.</summary>
    public int Count { get; }

    public ref readonly Token this[int index] => ref _tokens[index];

    public TokenKind KindAt(int index) => _tokens[index].Kind;

    /// <summary>The token's source text (for strings, with the quotes).</summary>
    public ReadOnlySpan<char> Text(int index)
    {
        ref readonly Token t = ref _tokens[index];
        return Source.AsSpan(t.Start, t.Length);
    }

    /// <summary>True if token <paramref name="index"/> is a keyword spelled <paramref name="keyword"/>.</summary>
    public bool IsKeyword(int index, string keyword)
    {
        ref readonly Token t = ref _tokens[index];
        return t.Kind == TokenKind.Keyword && Source.AsSpan(t.Start, t.Length).SequenceEqual(keyword);
    }

    /// <summary>1-based line and column of the token's first character.</summary>
    public SourceLocation Location(int index) => LocationOfOffset(_tokens[index].Start);

    public SourceLocation LocationOfOffset(int offset)
    {
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return SourceLocation.AtLine(line + 1, offset - _lineStarts[line] + 1, File);
    }

    /// <summary>Appends the bytes a string token denotes.</summary>
    public void AppendStringBytes(int index, WasmWriter into)
    {
        ref readonly Token t = ref _tokens[index];
        var body = Source.AsSpan(t.Start + 1, t.Length - 2);
        if (!t.NeedsDecoding) { foreach (char c in body) into.Byte((byte)c); return; }
        WatStrings.Decode(body, into);
    }

    /// <summary>The bytes a string token denotes.</summary>
    public byte[] StringBytes(int index)
    {
        var w = new WasmWriter(_tokens[index].Length);
        AppendStringBytes(index, w);
        return w.ToArray();
    }

    /// <summary>
    /// The name an id token denotes, without the <c>$</c>: the raw text, or for <c>$"..."</c> the decoded
    /// string (already checked to be non-empty UTF-8 by the lexer).
    /// </summary>
    public string IdName(int index) => IdIsPlain(index) ? new string(IdSpan(index)) : QuotedIdName(index);

    /// <summary>True when the id is spelled <c>$name</c> (its name is then <see cref="IdSpan"/>).</summary>
    public bool IdIsPlain(int index)
    {
        ref readonly Token t = ref _tokens[index];
        return Source[t.Start + 1] != '"';
    }

    /// <summary>The characters after the <c>$</c> of a plain id.</summary>
    public ReadOnlySpan<char> IdSpan(int index)
    {
        ref readonly Token t = ref _tokens[index];
        return Source.AsSpan(t.Start + 1, t.Length - 1);
    }

    string QuotedIdName(int index)
    {
        ref readonly Token t = ref _tokens[index];
        var body = Source.AsSpan(t.Start + 2, t.Length - 3);
        if (!t.NeedsDecoding) return new string(body);
        var w = new WasmWriter(body.Length);
        WatStrings.Decode(body, w);
        return WatStrings.Utf8ToString(w.WrittenSpan) ?? throw new MalformedException("malformed UTF-8 encoding", Location(index));
    }
}
