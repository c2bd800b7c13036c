namespace Hoist.Wasm.Text;

/// <summary>
/// An annotation <c>(@id ...)</c> the lexer skipped: its id, its source span (from <c>(</c> to after
/// the matching <c>)</c>), where its contents start (after the id), and the index of the token that
/// follows it, so a parser that cares about one (<c>@custom</c>, <c>@name</c>) can find where it stood.
/// </summary>
public readonly record struct WatAnnotation(string Id, int Start, int ContentStart, int End, int NextToken);

/// <summary>
/// The text-format lexer: turns source text into <see cref="WatTokens"/>. Whitespace, line comments
/// <c>;;</c>, nested block comments <c>(; ;)</c> and annotations <c>(@id ...)</c> are skipped (the
/// contents of an annotation are still lexed, so they must be well-formed tokens). Everything else
/// becomes a token; a run of identifier characters that is neither a keyword, number nor id is a
/// <see cref="TokenKind.Reserved"/> token, which the parser reports. Lexical errors (unclosed strings
/// and comments, bad escapes, control or non-ASCII characters outside strings and comments, invalid
/// UTF-8 shown as lone surrogates by <see cref="WatStrings.DecodeSource"/>) throw
/// <see cref="MalformedException"/> at their line and column.
/// </summary>
public sealed class WatLexer
{
    // Character classes of ASCII: identifier characters (spec "idchar"), and the punctuation a
    // reserved token may also contain.
    const byte IdChar = 1, ReservedPunct = 2;
    static readonly byte[] s_class = BuildClasses();

    readonly string _s;
    readonly string? _file;
    int _pos;
    Token[] _tokens;
    int _count;
    readonly List<int> _lineStarts = new() { 0 };
    int[] _parens = new int[64];
    int _parenDepth;
    // Depth of parentheses inside the annotation being skipped (0 = not in an annotation).
    int _annotationDepth;
    int _annotationStart, _annotationContent;
    string _annotationId = "";
    List<WatAnnotation>? _annotations;

    WatLexer(string source, string? file)
    {
        _s = source;
        _file = file;
        _tokens = new Token[Math.Max(16, source.Length / 4)];
    }

    /// <summary>Tokenizes <paramref name="source"/>; <paramref name="file"/> names it in error locations.</summary>
    public static WatTokens Tokenize(string source, string? file = null) => Tokenize(source, file, out _);

    /// <summary>As <see cref="Tokenize(string, string?)"/>, also returning the annotations that were skipped.</summary>
    public static WatTokens Tokenize(string source, string? file, out IReadOnlyList<WatAnnotation> annotations)
    {
        var lexer = new WatLexer(source, file);
        lexer.Run();
        annotations = lexer._annotations ?? (IReadOnlyList<WatAnnotation>)Array.Empty<WatAnnotation>();
        return new WatTokens(source, file, lexer._tokens, lexer._count, lexer._lineStarts.ToArray());
    }

    void Run()
    {
        string s = _s;
        int n = s.Length;
        while (_pos < n)
        {
            char c = s[_pos];
            switch (c)
            {
                case ' ':
                case '\t':
                    _pos++;
                    break;
                case '\n':
                    _pos++;
                    _lineStarts.Add(_pos);
                    break;
                case '\r':
                    _pos++;
                    if (_pos < n && s[_pos] == '\n') _pos++;
                    _lineStarts.Add(_pos);
                    break;
                case '(':
                    if (_pos + 1 < n && s[_pos + 1] == ';') SkipBlockComment();
                    else if (_pos + 1 < n && s[_pos + 1] == '@') StartAnnotation();
                    else OpenParen();
                    break;
                case ')':
                    CloseParen();
                    break;
                case ';':
                    if (_pos + 1 < n && s[_pos + 1] == ';') SkipLineComment();
                    else Atom();
                    break;
                default:
                    if (c < 0x80 && s_class[c] != 0 || c == '"') Atom();
                    else throw IllegalCharacter(_pos);
                    break;
            }
        }
        if (_annotationDepth > 0) throw Error("unclosed annotation", _annotationStart);
        Emit(TokenKind.Eof, n, 0);
    }

    void OpenParen()
    {
        if (_annotationDepth > 0) { _annotationDepth++; _pos++; return; }
        if (_parenDepth == _parens.Length) Array.Resize(ref _parens, _parens.Length * 2);
        _parens[_parenDepth++] = _count;
        Emit(TokenKind.LParen, _pos, 1);
        _tokens[_count - 1].Match = -1;  // until its ')' is seen
        _pos++;
    }

    void CloseParen()
    {
        if (_annotationDepth > 0)
        {
            _pos++;
            if (--_annotationDepth == 0)
                (_annotations ??= new()).Add(new WatAnnotation(_annotationId, _annotationStart, _annotationContent, _pos, _count));
            return;
        }
        if (_parenDepth > 0) _tokens[_parens[--_parenDepth]].Match = _count;
        Emit(TokenKind.RParen, _pos, 1);
        _pos++;
    }

    /// <summary>At <c>(@</c>: reads the annotation id, then skips to the matching <c>)</c>.</summary>
    void StartAnnotation()
    {
        // Inside an annotation, "(@" is just a parenthesis and a reserved token.
        if (_annotationDepth > 0) { OpenParen(); return; }
        int start = _pos;
        int p = _pos + 2;
        string id;
        if (p < _s.Length && _s[p] == '"')
        {
            int end = ScanString(p, out bool decode, "empty annotation id");
            var body = _s.AsSpan(p + 1, end - p - 2);
            string? name = body.ToString();
            if (decode)
            {
                var w = new Binary.WasmWriter(body.Length);
                WatStrings.Decode(body, w);
                name = WatStrings.Utf8ToString(w.WrittenSpan) ?? throw Error("malformed UTF-8 encoding", p);
            }
            if (name.Length == 0) throw Error("empty annotation id", start);
            id = name;
            p = end;
        }
        else
        {
            int q = p;
            while (q < _s.Length && _s[q] < 0x80 && (s_class[_s[q]] & IdChar) != 0) q++;
            if (q == p) throw Error("empty annotation id", start);
            id = _s.Substring(p, q - p);
            p = q;
        }
        _annotationStart = start;
        _annotationContent = p;
        _annotationId = id;
        _annotationDepth = 1;
        _pos = p;
    }

    void SkipLineComment()
    {
        int p = _pos + 2;
        string s = _s;
        while (p < s.Length && s[p] != '\n' && s[p] != '\r')
        {
            if (char.IsSurrogate(s[p])) p = CheckSurrogate(p);
            else p++;
        }
        _pos = p;
    }

    void SkipBlockComment()
    {
        int start = _pos;
        int depth = 1;
        int p = _pos + 2;
        string s = _s;
        while (depth > 0)
        {
            if (p >= s.Length) throw Error("unclosed comment", start);
            char c = s[p];
            if (c == '(' && p + 1 < s.Length && s[p + 1] == ';') { depth++; p += 2; }
            else if (c == ';' && p + 1 < s.Length && s[p + 1] == ')') { depth--; p += 2; }
            else if (c == '\n') { p++; _lineStarts.Add(p); }
            else if (c == '\r')
            {
                p++;
                if (p < s.Length && s[p] == '\n') p++;
                _lineStarts.Add(p);
            }
            else if (char.IsSurrogate(c)) p = CheckSurrogate(p);
            else p++;
        }
        _pos = p;
    }

    /// <summary>A maximal run of identifier characters, reserved punctuation and strings, classified.</summary>
    void Atom()
    {
        string s = _s;
        int start = _pos;
        int p = start;
        bool hasString = false, hasPunct = false, decode = false;
        int firstStringStart = -1, firstStringEnd = -1;
        while (p < s.Length)
        {
            char c = s[p];
            if (c == '"')
            {
                string? controlMessage = p == start + 1 && s[start] == '$' ? "empty identifier" : null;
                int end = ScanString(p, out bool d, controlMessage);
                if (!hasString) { firstStringStart = p; firstStringEnd = end; decode = d; }
                hasString = true;
                p = end;
            }
            else if (c < 0x80 && (s_class[c] & IdChar) != 0) p++;
            else if (c < 0x80 && (s_class[c] & ReservedPunct) != 0)
            {
                if (c == ';' && p + 1 < s.Length && s[p + 1] == ';') break;
                hasPunct = true;
                p++;
            }
            else break;
        }
        _pos = p;
        int length = p - start;
        char c0 = s[start];
        TokenKind kind;
        if (c0 == '"' && firstStringEnd == p) kind = TokenKind.String;
        else if (c0 == '$' && length == 1) kind = TokenKind.EmptyId;
        else if (c0 == '$' && firstStringStart == start + 1 && firstStringEnd == p)
        {
            CheckQuotedId(start, p, decode);
            kind = TokenKind.Id;
        }
        else if (hasString || hasPunct) kind = TokenKind.Reserved;
        else if (c0 == '$') kind = TokenKind.Id;
        else if (c0 is >= 'a' and <= 'z') kind = TokenKind.Keyword;
        else if (c0 is >= '0' and <= '9' or '+' or '-') kind = TokenKind.Number;
        else kind = TokenKind.Reserved;
        Emit(kind, start, length, decode && kind is TokenKind.String or TokenKind.Id);
    }

    /// <summary>A <c>$"..."</c> id must name something: non-empty, valid UTF-8.</summary>
    void CheckQuotedId(int start, int end, bool decode)
    {
        var body = _s.AsSpan(start + 2, end - start - 3);
        if (body.Length == 0) throw Error("empty identifier", start);
        if (!decode) return;
        var w = new Binary.WasmWriter(body.Length);
        WatStrings.Decode(body, w);
        if (w.Length == 0) throw Error("empty identifier", start);
        if (WatStrings.Utf8ToString(w.WrittenSpan) is null) throw Error("malformed UTF-8", start);
    }

    /// <summary>
    /// Checks the string literal starting at the quote at <paramref name="p"/> and returns the index
    /// after its closing quote. <paramref name="decode"/> is set when it has escapes or non-ASCII text.
    /// A raw control character is reported as <paramref name="controlMessage"/> when given (the suite words
    /// it by what the string was meant to be: an id or an annotation id).
    /// </summary>
    int ScanString(int p, out bool decode, string? controlMessage)
    {
        string s = _s;
        int start = p;
        decode = false;
        p++;
        while (true)
        {
            if (p >= s.Length) throw Error("unclosed string", start);
            char c = s[p];
            if (c == '"') return p + 1;
            if (c == '\\')
            {
                decode = true;
                if (p + 1 >= s.Length) throw Error("unclosed string", start);
                char e = s[p + 1];
                if (e is 't' or 'n' or 'r' or '"' or '\'' or '\\') p += 2;
                else if (e == 'u') p = ScanUnicodeEscape(p);
                else if (p + 2 < s.Length && WatStrings.HexValue(e) >= 0 && WatStrings.HexValue(s[p + 2]) >= 0) p += 3;
                else throw Error("illegal escape", p);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                if (controlMessage is not null) throw Error(controlMessage, start);
                throw Error(c is '\n' or '\r' ? "unclosed string" : "illegal character", p);
            }
            else if (c >= 0x80)
            {
                decode = true;
                p = char.IsSurrogate(c) ? CheckSurrogate(p) : p + 1;
            }
            else p++;
        }
    }

    /// <summary><c>\u{hexnum}</c> at <paramref name="p"/> (the backslash): a Unicode scalar value.</summary>
    int ScanUnicodeEscape(int p)
    {
        string s = _s;
        int q = p + 2;
        if (q >= s.Length || s[q] != '{') throw Error("illegal escape", p);
        q++;
        long value = 0;
        bool digit = false, lastUnderscore = false;
        while (q < s.Length && s[q] != '}')
        {
            char c = s[q];
            if (c == '_' && digit && !lastUnderscore) { lastUnderscore = true; q++; continue; }
            int h = WatStrings.HexValue(c);
            if (h < 0) throw Error("illegal escape", p);
            value = Math.Min(value * 16 + h, 0x7FFFFFFF);
            digit = true;
            lastUnderscore = false;
            q++;
        }
        if (q >= s.Length || !digit || lastUnderscore) throw Error("illegal escape", p);
        if (value >= 0x110000 || value is >= 0xD800 and < 0xE000) throw Error("malformed UTF-8 encoding", p);
        return q + 1;
    }

    /// <summary>A surrogate at <paramref name="p"/>: a valid pair is one character, a lone one is invalid UTF-8.</summary>
    int CheckSurrogate(int p)
    {
        string s = _s;
        if (char.IsHighSurrogate(s[p]) && p + 1 < s.Length && char.IsLowSurrogate(s[p + 1])) return p + 2;
        throw Error("malformed UTF-8 encoding", p);
    }

    MalformedException IllegalCharacter(int p) =>
        char.IsSurrogate(_s[p]) && CheckSurrogateIsLone(p) ? Error("malformed UTF-8 encoding", p) : Error("illegal character", p);

    bool CheckSurrogateIsLone(int p) =>
        !(char.IsHighSurrogate(_s[p]) && p + 1 < _s.Length && char.IsLowSurrogate(_s[p + 1]));

    void Emit(TokenKind kind, int start, int length, bool needsDecoding = false)
    {
        if (_annotationDepth > 0) return;
        if (_count == _tokens.Length) Array.Resize(ref _tokens, _tokens.Length * 2);
        ref Token t = ref _tokens[_count++];
        t.Kind = kind;
        t.Start = start;
        t.Length = length;
        t.Match = 0;
        t.NeedsDecoding = needsDecoding;
    }

    MalformedException Error(string message, int offset)
    {
        int line = _lineStarts.BinarySearch(offset);
        if (line < 0) line = ~line - 1;
        return new MalformedException(message, SourceLocation.AtLine(line + 1, offset - _lineStarts[line] + 1, _file));
    }

    static byte[] BuildClasses()
    {
        var t = new byte[128];
        for (char c = '0'; c <= '9'; c++) t[c] = IdChar;
        for (char c = 'a'; c <= 'z'; c++) t[c] = IdChar;
        for (char c = 'A'; c <= 'Z'; c++) t[c] = IdChar;
        foreach (char c in "!#$%&'*+-./:<=>?@\\^_`|~") t[c] = IdChar;
        foreach (char c in ",;[]{}") t[c] = ReservedPunct;
        return t;
    }
}
