using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// The text-format lexer: token kinds and spans, comments (nested, with control bytes), strings and
/// their escapes, ids, annotations skipped everywhere, reserved tokens, and lexical errors with
/// their line and column.
/// </summary>
public class WatLexerTests
{
    static (TokenKind Kind, string Text)[] Lex(string source)
    {
        var t = WatLexer.Tokenize(source);
        return Enumerable.Range(0, t.Count - 1).Select(i => (t.KindAt(i), t.Text(i).ToString())).ToArray();
    }

    static MalformedException LexError(string source) => Assert.Throws<MalformedException>(() => WatLexer.Tokenize(source));

    [Fact]
    public void ClassifiesEveryKindOfToken()
    {
        var tokens = Lex("(module $m \"s\" i32.const -0x1f 1.5e3 offset=4 $\"quoted id\" $ .0 \"a\"b)");
        Assert.Equal(new[]
        {
            (TokenKind.LParen, "("), (TokenKind.Keyword, "module"), (TokenKind.Id, "$m"), (TokenKind.String, "\"s\""),
            (TokenKind.Keyword, "i32.const"), (TokenKind.Number, "-0x1f"), (TokenKind.Number, "1.5e3"),
            (TokenKind.Keyword, "offset=4"), (TokenKind.Id, "$\"quoted id\""), (TokenKind.EmptyId, "$"),
            (TokenKind.Reserved, ".0"), (TokenKind.Reserved, "\"a\"b"), (TokenKind.RParen, ")"),
        }, tokens);
    }

    [Fact]
    public void ParenthesesAndCommentsDelimitTokens()
    {
        Assert.Equal(new[] { "(", "func", "(", "nop", ")", "nop", "(", "nop", ")", ")" },
            Lex("(func(nop)nop;;comment\n(nop))").Select(t => t.Text));
        Assert.Equal(new[] { "br", "0" }, Lex("br 0;;bla").Select(t => t.Text));
    }

    [Fact]
    public void NestedBlockCommentsMayHoldControlBytesAndNul()
    {
        var tokens = Lex("(; outer (; inner \0\u0001\u007f ;) still \"(; ;) ;)nop ;; line \0 comment\n drop");
        Assert.Equal(new[] { "nop", "drop" }, tokens.Select(t => t.Text));
    }

    [Fact]
    public void MatchesParenthesesAcrossTheTokenList()
    {
        var t = WatLexer.Tokenize("(a (b) (c (d)))");
        Assert.Equal(11, t[0].Match);
        Assert.Equal(4, t[2].Match);
        Assert.Equal(10, t[5].Match);
        Assert.Equal(-1, WatLexer.Tokenize("((a)")[0].Match);
    }

    [Fact]
    public void ReportsOneBasedLineAndColumn()
    {
        var t = WatLexer.Tokenize("(module\n  (func $f)\r\n\t(memory 1))");
        Assert.Equal((2, 3), (t.Location(2).Line, t.Location(2).Column));      // (func
        Assert.Equal((2, 9), (t.Location(4).Line, t.Location(4).Column));      // $f
        Assert.Equal((3, 2), (t.Location(6).Line, t.Location(6).Column));      // (memory
        var e = LexError("(module\n  \"abc");
        Assert.Equal("unclosed string", e.Message);
        Assert.Equal((2, 3), (e.Location.Line, e.Location.Column));
    }

    [Theory]
    [InlineData("\"\\t\\n\\r\\\"\\'\\\\\"", new byte[] { 9, 10, 13, 34, 39, 92 })]
    [InlineData("\"\\00\\ff\\7F\"", new byte[] { 0, 0xff, 0x7f })]
    [InlineData("\"\\u{41}\\u{e9}\\u{1F600}\\u{1_0}\"", new byte[] { 0x41, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x10 })]
    [InlineData("\"h\u00e9\"", new byte[] { 0x68, 0xC3, 0xA9 })]
    [InlineData("\"\"", new byte[0])]
    public void StringsDenoteBytes(string literal, byte[] expected)
    {
        var t = WatLexer.Tokenize(literal);
        Assert.Equal(TokenKind.String, t.KindAt(0));
        Assert.Equal(expected, t.StringBytes(0));
    }

    [Theory]
    [InlineData("\"abc", "unclosed string")]
    [InlineData("\"\\q\"", "illegal escape")]
    [InlineData("\"\\4\"", "illegal escape")]
    [InlineData("\"\\u{}\"", "illegal escape")]
    [InlineData("\"\\u{D800}\"", "malformed UTF-8 encoding")]
    [InlineData("\"\\u{110000}\"", "malformed UTF-8 encoding")]
    [InlineData("\"a\tb\"", "illegal character")]
    [InlineData("\"a\u007fb\"", "illegal character")]
    [InlineData("nop \u00df", "illegal character")]
    [InlineData("nop \u0001", "illegal character")]
    [InlineData("(; never closed", "unclosed comment")]
    [InlineData("$\"\"", "empty identifier")]
    [InlineData("$\"a\nb\"", "empty identifier")]
    [InlineData("$\"\\ef\"", "malformed UTF-8")]
    public void RejectsMalformedText(string source, string message) => Assert.Equal(message, LexError(source).Message);

    [Theory]
    [InlineData("0", NumberKind.Nat)]
    [InlineData("0x1F_ff", NumberKind.Nat)]
    [InlineData("99999999999999999999999", NumberKind.Nat)]
    [InlineData("+1", NumberKind.Int)]
    [InlineData("-0x10", NumberKind.Int)]
    [InlineData("1.5", NumberKind.Float)]
    [InlineData("1e10", NumberKind.Float)]
    [InlineData("0x1p-3", NumberKind.Float)]
    [InlineData("-inf", NumberKind.Float)]
    [InlineData("nan:0x7f", NumberKind.Float)]
    [InlineData("0x", NumberKind.None)]
    [InlineData("1_", NumberKind.None)]
    [InlineData("nan:1", NumberKind.None)]
    [InlineData(".0", NumberKind.None)]
    [InlineData("0drop", NumberKind.None)]
    public void ClassifiesNumberShapes(string text, NumberKind kind) => Assert.Equal(kind, NumberShape.Classify(text));

    [Fact]
    public void QuotedAndPlainIdsDenoteTheSameName()
    {
        var t = WatLexer.Tokenize("$fh $\"fh\" $\"\\41B\" $\"\\u{f61a}\" $!?@#a$%^&*b-+_.:9'`|/\\<=>~");
        Assert.Equal("fh", t.IdName(0));
        Assert.Equal("fh", t.IdName(1));
        Assert.Equal("AB", t.IdName(2));
        Assert.Equal("\uf61a", t.IdName(3));
        Assert.Equal("!?@#a$%^&*b-+_.:9'`|/\\<=>~", t.IdName(4));
    }

    [Fact]
    public void AnnotationsAreSkippedWhereverTheyStand()
    {
        var tokens = Lex("((@a) module (@a x-y$yz\"aa\"-2 (@b (c)) (@) (@ x)) $m (@\"str id\" , ; ] [ }} ) (func))");
        Assert.Equal(new[] { "(", "module", "$m", "(", "func", ")", ")" }, tokens.Select(t => t.Text));
    }

    [Fact]
    public void AnnotationsAreReportedWithTheTokenThatFollows()
    {
        WatLexer.Tokenize("(module (@custom \"x\" \"data\") (func (@name \"f\")))", null, out var annotations);
        Assert.Equal(new[] { "custom", "name" }, annotations.Select(a => a.Id));
        Assert.Equal(2, annotations[0].NextToken);   // the ( of (func
        Assert.Equal(4, annotations[1].NextToken);   // the ) of (func)
    }

    [Theory]
    [InlineData("(@)", "empty annotation id")]
    [InlineData("(@ x)", "empty annotation id")]
    [InlineData("(@\"\")", "empty annotation id")]
    [InlineData("(@\"\n\")", "empty annotation id")]
    [InlineData("(@x (y)", "unclosed annotation")]
    [InlineData("(@x \")", "unclosed string")]
    [InlineData("(@a \u0007)", "illegal character")]
    public void RejectsMalformedAnnotations(string source, string message) => Assert.Equal(message, LexError(source).Message);

    [Fact]
    public void DecodeSourceMarksInvalidUtf8SoTheLexerRejectsIt()
    {
        // (@a "é" <FF>): the valid two-byte sequence decodes, the stray byte becomes a lone surrogate.
        string text = WatStrings.DecodeSource(new byte[] { 0x28, 0x40, 0x61, 0x20, 0x22, 0xC3, 0xA9, 0x22, 0x20, 0xFF, 0x29 });
        Assert.Equal("(@a \"\u00e9\" \udcff)", text);
        Assert.Equal("malformed UTF-8 encoding", LexError(text).Message);
        Assert.Equal("malformed UTF-8 encoding", LexError("nop " + (char)0xDC80).Message);
        Assert.Equal("malformed UTF-8 encoding", LexError("(; " + (char)0xD800 + " ;)").Message);
        Assert.Equal("malformed UTF-8 encoding", LexError("\"" + (char)0xDFFF + "\"").Message);
        Assert.Equal(TokenKind.String, WatLexer.Tokenize("\"\U0001F600\"").KindAt(0));
    }

    [Fact]
    public void LexesSeveralMegabytesPerSecond()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 20000; i++) sb.Append("(func $f").Append(i).Append(" (param i32) (result i32) ;; comment\n  (i32.add (local.get 0) (i32.const 0x7fff_ffff)))\n");
        string source = sb.ToString();
        WatLexer.Tokenize(source);  // warm up
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var t = WatLexer.Tokenize(source);
        double mbPerSecond = source.Length / 1e6 / sw.Elapsed.TotalSeconds;
        Assert.Equal(20000 * 23 + 1, t.Count);
        Assert.True(mbPerSecond > 5, $"{mbPerSecond:F1} MB/s");
    }
}
