namespace Hoist.Wasm.Text;

/// <summary>
/// The kind of a text-format token. Whitespace, comments and annotations never become tokens.
/// </summary>
public enum TokenKind : byte
{
    /// <summary>End of input: always the last token of a <see cref="WatTokens"/>.</summary>
    Eof,
    LParen,
    RParen,
    /// <summary>Starts with a lower-case letter: instruction names, type names, <c>offset=4</c>, <c>inf</c>, <c>nan:0x1</c>.</summary>
    Keyword,
    /// <summary>Starts with a digit or a sign: a number, or something shaped like one that is not (<c>0x</c>, <c>1x</c>).</summary>
    Number,
    /// <summary>A <c>"..."</c> literal standing alone.</summary>
    String,
    /// <summary><c>$name</c> or <c>$"name"</c>.</summary>
    Id,
    /// <summary>A lone <c>$</c> (the spec's "empty identifier").</summary>
    EmptyId,
    /// <summary>Any other run of identifier characters or strings (<c>.0</c>, <c>@x</c>, <c>"a"b</c>): never valid syntax.</summary>
    Reserved,
}

/// <summary>
/// One token: its kind and its span in the source text. For <c>(</c>, <see cref="Match"/> is the index
/// of the matching <c>)</c> (-1 when the input ends first), so a parser can skip a whole list in O(1).
/// Line and column are computed on demand from <see cref="Start"/> (see <see cref="WatTokens.Location(int)"/>).
/// </summary>
public struct Token
{
    public int Start;
    public int Length;
    public int Match;
    public TokenKind Kind;
    /// <summary>For strings and <c>$"..."</c> ids: the literal contains at least one escape or non-ASCII character.</summary>
    public bool NeedsDecoding;
}
