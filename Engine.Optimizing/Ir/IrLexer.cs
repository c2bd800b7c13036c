using Hoist.Wasm;

namespace Hoist.Optimizing.Ir;

enum IrTokenKind : byte
{
    /// <summary>Names, keywords, entity references and unsigned numbers: a run of letters, digits, <c>_ . $</c> (and <c>:</c> in <c>nan:0x…</c>).</summary>
    Word,
    /// <summary>A number with an explicit sign (<c>-1</c>, <c>+16</c>, <c>-inf</c>, <c>-1.5e-3</c>).</summary>
    Signed,
    /// <summary><c>%name</c> or <c>%"quoted"</c>; Text is the name without the % and quotes, unescaped.</summary>
    FuncName,
    /// <summary><c>@hex</c>: a wasm offset; Text is the hex digits.</summary>
    SourceOffset,
    Punct,
    Arrow,
    Eof,
}

readonly record struct IrToken(IrTokenKind Kind, string Text, int Line, int Column);

/// <summary>
/// Splits the IR text form into tokens. Whitespace and newlines separate tokens only; <c>;</c> starts a
/// comment to the end of the line. A '+' or '-' inside a number continues it only as an exponent sign
/// (<c>1e-5</c>, <c>0x1p+3</c>), so <c>v5+16</c> is the value v5 and the signed number +16.
/// </summary>
static class IrLexer
{
    public static List<IrToken> Tokenize(string text, string? file)
    {
        var tokens = new List<IrToken>();
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\n') { line++; i++; lineStart = i; }
                else if (c is ' ' or '\t' or '\r') i++;
                else if (c == ';') { while (i < text.Length && text[i] != '\n') i++; }
                else break;
            }
            int col = i - lineStart + 1;
            if (i >= text.Length)
            {
                tokens.Add(new IrToken(IrTokenKind.Eof, "", line, col));
                return tokens;
            }
            char ch = text[i];
            int start = i;
            if (ch == '-' && i + 1 < text.Length && text[i + 1] == '>')
            {
                tokens.Add(new IrToken(IrTokenKind.Arrow, "->", line, col));
                i += 2;
            }
            else if ((ch is '+' or '-') && i + 1 < text.Length && IsWordChar(text[i + 1]))
            {
                i = ScanWord(text, i + 1);
                tokens.Add(new IrToken(IrTokenKind.Signed, text[start..i], line, col));
            }
            else if (IsWordChar(ch))
            {
                i = ScanWord(text, i);
                tokens.Add(new IrToken(IrTokenKind.Word, text[start..i], line, col));
            }
            else if (ch == '%')
            {
                i++;
                if (i < text.Length && text[i] == '"') tokens.Add(new IrToken(IrTokenKind.FuncName, ScanQuoted(text, ref i, line, col, file), line, col));
                else
                {
                    i = ScanWord(text, i);
                    if (i == start + 1) throw Error("expected a function name after '%'", line, col, file);
                    tokens.Add(new IrToken(IrTokenKind.FuncName, text[(start + 1)..i], line, col));
                }
            }
            else if (ch == '@')
            {
                i++;
                while (i < text.Length && char.IsAsciiHexDigit(text[i])) i++;
                if (i == start + 1) throw Error("expected hex digits after '@'", line, col, file);
                tokens.Add(new IrToken(IrTokenKind.SourceOffset, text[(start + 1)..i], line, col));
            }
            else if (ch is '(' or ')' or ',' or '=' or '[' or ']' or '{' or '}' or ':')
            {
                tokens.Add(new IrToken(IrTokenKind.Punct, ch.ToString(), line, col));
                i++;
            }
            else throw Error($"unexpected character '{ch}'", line, col, file);
        }
    }

    static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$';

    static int ScanWord(string text, int i)
    {
        int start = i;
        while (i < text.Length)
        {
            char c = text[i];
            if (IsWordChar(c)) { i++; continue; }
            if (c == ':' && text.AsSpan(start, i - start).SequenceEqual("nan")) { i++; continue; }
            if (c is '+' or '-' && i > start && IsExponentSign(text.AsSpan(start, i - start))) { i++; continue; }
            break;
        }
        return i;
    }

    /// <summary>Whether a sign after <paramref name="word"/> is an exponent's: the word is a number ending in e (decimal) or p (hex).</summary>
    static bool IsExponentSign(ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || !char.IsAsciiDigit(word[0])) return false;
        bool hex = word.Length > 1 && word[0] == '0' && word[1] is 'x' or 'X';
        char last = word[^1];
        return hex ? last is 'p' or 'P' : last is 'e' or 'E';
    }

    static string ScanQuoted(string text, ref int i, int line, int col, string? file)
    {
        var sb = new System.Text.StringBuilder();
        i++; // opening quote
        while (true)
        {
            if (i >= text.Length || text[i] == '\n') throw Error("unterminated quoted name", line, col, file);
            char c = text[i++];
            if (c == '"') return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= text.Length) throw Error("unterminated escape", line, col, file);
            char e = text[i++];
            if (e is '"' or '\\') { sb.Append(e); continue; }
            if (e == 'u' && i < text.Length && text[i] == '{')
            {
                int close = text.IndexOf('}', i);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.HexNumber, null, out int cp)
                    || cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                    throw Error("malformed \\u{...} escape", line, col, file);
                sb.Append(char.ConvertFromUtf32(cp));
                i = close + 1;
                continue;
            }
            throw Error($"unknown escape '\\{e}'", line, col, file);
        }
    }

    public static MalformedException Error(string message, int line, int col, string? file) =>
        new(message, SourceLocation.AtLine(line, col, file));
}
