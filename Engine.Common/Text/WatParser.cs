namespace Hoist.Wasm.Text;

/// <summary>
/// Entry points for the WebAssembly text format: a module as <c>(module $id? field*)</c> or as a bare
/// list of fields. The result is the shared <see cref="WasmModule"/> model with function bodies and
/// constant expressions encoded as binary instructions. Syntax errors throw
/// <see cref="MalformedException"/> with a line and column; a well-formed but invalid module parses.
/// </summary>
public static class WatParser
{
    /// <summary>Parses a .wat module; <paramref name="file"/> names it in error locations.</summary>
    public static WasmModule ParseModule(string text, string? file = null)
    {
        var tokens = WatLexer.Tokenize(text, file, out var annotations);
        return ParseModule(tokens, annotations);
    }

    /// <summary>Parses a .wat module from its bytes (UTF-8; invalid bytes are reported, never replaced).</summary>
    public static WasmModule ParseModule(ReadOnlySpan<byte> utf8, string? file = null) => ParseModule(WatStrings.DecodeSource(utf8), file);

    /// <summary>
    /// Parses the text of a script's <c>(module quote ...)</c>: module fields, with or without a
    /// surrounding <c>(module ...)</c>.
    /// </summary>
    public static WasmModule ParseQuoted(string text, string? file = null) => ParseModule(text, file);

    static WasmModule ParseModule(WatTokens tokens, IReadOnlyList<WatAnnotation> annotations)
    {
        if (tokens.KindAt(0) == TokenKind.LParen && tokens.IsKeyword(1, "module"))
        {
            int close = tokens[0].Match;
            if (close < 0) throw new MalformedException("unexpected end of input", tokens.Location(tokens.Count - 1));
            int start = 2;
            string? name = null;
            if (tokens.KindAt(start) == TokenKind.Id) name = tokens.IdName(start++);
            var module = WatModuleParser.Parse(tokens, start, close, name, annotations);
            if (tokens.KindAt(close + 1) != TokenKind.Eof) throw new MalformedException("unexpected token", tokens.Location(close + 1));
            return module;
        }
        return WatModuleParser.Parse(tokens, 0, tokens.Count - 1, null, annotations);
    }
}
