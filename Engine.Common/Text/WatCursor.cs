using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// A position in a token list and the small parsing steps every text parser shares (modules and
/// scripts): expecting parentheses and keywords, reading ids, naturals, strings and names, and
/// wording errors the way the spec tests do.
/// </summary>
internal abstract class WatCursor(WatTokens tokens, int position)
{
    protected readonly WatTokens T = tokens;
    protected int Pos = position;

    protected TokenKind Kind => T.KindAt(Pos);
    protected bool AtRParen => T.KindAt(Pos) == TokenKind.RParen;
    protected bool AtLParen => T.KindAt(Pos) == TokenKind.LParen;
    protected bool AtKeyword(string keyword) => T.IsKeyword(Pos, keyword);

    /// <summary>True at <c>(keyword</c>.</summary>
    protected bool AtList(string keyword) => T.KindAt(Pos) == TokenKind.LParen && T.IsKeyword(Pos + 1, keyword);

    /// <summary>The keyword at <paramref name="index"/>, or an empty span for any other token.</summary>
    protected ReadOnlySpan<char> KeywordAt(int index) => T.KindAt(index) == TokenKind.Keyword ? T.Text(index) : default;

    protected void ExpectLParen()
    {
        if (!AtLParen) throw Unexpected();
        Pos++;
    }

    protected void ExpectRParen()
    {
        if (!AtRParen) throw Unexpected();
        Pos++;
    }

    protected void ExpectKeyword(string keyword)
    {
        if (!AtKeyword(keyword)) throw Unexpected();
        Pos++;
    }

    /// <summary>Consumes <c>(keyword</c>; the caller has checked <see cref="AtList"/>.</summary>
    protected void EnterList() => Pos += 2;

    /// <summary>Reads an optional <c>$id</c>, returning its name (without the <c>$</c>).</summary>
    protected string? OptionalId()
    {
        if (Kind == TokenKind.Id) return T.IdName(Pos++);
        if (Kind == TokenKind.EmptyId) throw Error("empty identifier");
        return null;
    }

    protected MalformedException Error(string message) => new(message, T.Location(Pos));
    protected MalformedException Error(string message, int tokenIndex) => new(message, T.Location(tokenIndex));

    protected MalformedException Unexpected() => Unexpected(Pos);

    /// <summary>
    /// The error for a token that cannot stand where it is. Text that is no token of the format at all
    /// (a reserved token, a malformed number, a keyword the format does not define) is an "unknown
    /// operator", as in the reference interpreter's lexer; a real token in the wrong place is an
    /// "unexpected token".
    /// </summary>
    protected MalformedException Unexpected(int index)
    {
        string message = T.KindAt(index) switch
        {
            TokenKind.Reserved => $"unknown operator {T.Text(index)}",
            TokenKind.EmptyId => "empty identifier",
            TokenKind.Number when NumberShape.Classify(T.Text(index)) == NumberKind.None => $"unknown operator {T.Text(index)}",
            TokenKind.Keyword when !WatKeywords.IsKnown(T.Text(index)) => $"unknown operator {T.Text(index)}",
            TokenKind.Eof => "unexpected end of input",
            _ => "unexpected token",
        };
        return Error(message, index);
    }

    /// <summary>True at an unsigned integer literal (the only number form an index or count may take).</summary>
    protected bool AtNat => Kind == TokenKind.Number && NumberShape.Classify(T.Text(Pos)) == NumberKind.Nat;

    /// <summary>True at something that can only be an index: a natural or an id.</summary>
    protected bool AtIndex => Kind == TokenKind.Id || AtNat;

    protected uint ParseU32(string rangeMessage = "i32 constant out of range")
    {
        if (!AtNat) throw Unexpected();
        if (!NumericLiterals.TryParseU32(T.Text(Pos), out uint v)) throw Error(rangeMessage);
        Pos++;
        return v;
    }

    protected ulong ParseU64(string rangeMessage = "i64 constant out of range")
    {
        if (!AtNat) throw Unexpected();
        if (!NumericLiterals.TryParseU64(T.Text(Pos), out ulong v)) throw Error(rangeMessage);
        Pos++;
        return v;
    }

    /// <summary>A string literal's bytes.</summary>
    protected byte[] ParseStringBytes()
    {
        if (Kind != TokenKind.String) throw Unexpected();
        return T.StringBytes(Pos++);
    }

    /// <summary>Appends the bytes of every string literal from here on.</summary>
    protected void AppendStrings(WasmWriter into)
    {
        while (Kind == TokenKind.String) T.AppendStringBytes(Pos++, into);
    }

    /// <summary>A string literal that is a name: its bytes must be valid UTF-8.</summary>
    protected string ParseName()
    {
        if (Kind != TokenKind.String) throw Unexpected();
        ref readonly Token t = ref T[Pos];
        string name = t.NeedsDecoding
            ? WatStrings.Utf8ToString(T.StringBytes(Pos)) ?? throw Error("malformed UTF-8 encoding")
            : new string(T.Source.AsSpan(t.Start + 1, t.Length - 2));
        Pos++;
        return name;
    }

    /// <summary>True if token <paramref name="index"/> is lexically a number literal (including <c>inf</c>, <c>nan</c>).</summary>
    protected bool IsNumberLiteral(int index) =>
        T.KindAt(index) is TokenKind.Number or TokenKind.Keyword && NumberShape.Classify(T.Text(index)) != NumberKind.None;

    /// <summary>The text of a number literal operand (its range is the caller's to check).</summary>
    protected ReadOnlySpan<char> NumberOperand()
    {
        if (!IsNumberLiteral(Pos)) throw Unexpected();
        return T.Text(Pos++);
    }

    /// <summary>
    /// The lane literals of a <c>v128.const</c> after its shape, into <paramref name="bytes"/>. With
    /// <paramref name="patterns"/> (expected results in scripts), a float lane may be <c>nan:canonical</c>
    /// or <c>nan:arithmetic</c>: that lane's bytes stay zero and its pattern is recorded.
    /// </summary>
    protected void ParseV128Lanes(V128Shape shape, Span<byte> bytes, WastNanKind?[]? patterns)
    {
        int lanes = shape.LaneCount();
        for (int i = 0; i < lanes; i++)
            if (T.KindAt(Pos + i) is not (TokenKind.Number or TokenKind.Keyword or TokenKind.Reserved)) throw Error("wrong number of lane literals", Pos + i);
        for (int i = 0; i < lanes; i++)
        {
            if (patterns is not null && shape.IsFloat() && NanPattern(T.Text(Pos)) is { } kind)
            {
                patterns[i] = kind;
                Pos++;
                continue;
            }
            if (!shape.TryParseLane(NumberOperand(), bytes, i)) throw Error("constant out of range", Pos - 1);
        }
        if (IsNumberLiteral(Pos)) throw Error("wrong number of lane literals");
    }

    protected static WastNanKind? NanPattern(ReadOnlySpan<char> text) => text switch
    {
        "nan:canonical" => WastNanKind.Canonical,
        "nan:arithmetic" => WastNanKind.Arithmetic,
        _ => null,
    };

    /// <summary>
    /// Called on entry to every recursive parse step: input nested deeper than the stack allows is
    /// reported as malformed instead of overflowing the stack (which no handler could catch).
    /// </summary>
    protected void CheckNesting()
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error("nesting too deep");
    }

    /// <summary>At a <c>(</c>: the index after its matching <c>)</c>.</summary>
    protected int AfterList(int open)
    {
        int close = T[open].Match;
        if (close < 0) throw Error("unexpected end of input", T.Count - 1);
        return close + 1;
    }
}
