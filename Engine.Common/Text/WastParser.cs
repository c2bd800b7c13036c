using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Parses a .wast script into a <see cref="WastScript"/>. Text modules are parsed on the spot; a
/// syntax error in one is kept in <see cref="WastTextModule.Error"/> (so one bad module never stops
/// the script). Binary and quoted modules are kept as bytes and text for the runner. A file whose
/// top-level forms are module fields is one implicit module. Anything else that is not a command is
/// a <see cref="MalformedException"/> for the whole script.
/// </summary>
public static class WastParser
{
    public static WastScript Parse(string text, string? file = null)
    {
        var tokens = WatLexer.Tokenize(text, file, out var annotations);
        return new WastScriptParser(tokens, annotations).Run();
    }

    /// <summary>Parses a script from its bytes (UTF-8; invalid bytes are reported, never replaced).</summary>
    public static WastScript Parse(ReadOnlySpan<byte> utf8, string? file = null) => Parse(WatStrings.DecodeSource(utf8), file);

    public static WastScript ParseFile(string path) => Parse(File.ReadAllBytes(path), path);
}

internal sealed class WastScriptParser(WatTokens tokens, IReadOnlyList<WatAnnotation> annotations) : WatCursor(tokens, 0)
{
    static readonly HashSet<string> s_moduleFields = new(StringComparer.Ordinal)
    {
        "type", "rec", "import", "func", "table", "memory", "global", "tag", "export", "start", "elem", "data",
    };

    public WastScript Run()
    {
        var commands = new List<WastCommand>();
        if (AtLParen && T.KindAt(1) == TokenKind.Keyword && s_moduleFields.Contains(T.Text(1).ToString()))
        {
            commands.Add(new WastModuleCommand(1, 1, TextModule(0, 0, T.Count - 1, null)));
            return new WastScript(T.File, commands);
        }
        while (Kind != TokenKind.Eof) commands.Add(ParseCommand());
        return new WastScript(T.File, commands);
    }

    WastCommand ParseCommand()
    {
        int open = Pos;
        var at = T.Location(open);
        (int line, int col) = (at.Line, at.Column);
        ExpectLParen();
        switch (KeywordAt(Pos))
        {
            case "module":
            {
                if (T.IsKeyword(Pos + 1, "instance"))
                {
                    Pos += 2;
                    string? instance = OptionalId();
                    string? definition = OptionalId();
                    ExpectRParen();
                    return new WastModuleInstance(line, col, instance, definition);
                }
                Pos = open;
                return new WastModuleCommand(line, col, ParseModule());
            }
            case "register":
            {
                Pos++;
                string name = ParseName();
                string? id = OptionalId();
                ExpectRParen();
                return new WastRegister(line, col, name, id);
            }
            case "invoke" or "get":
                Pos = open;
                return new WastActionCommand(line, col, ParseAction());
            case "assert_return":
            {
                Pos++;
                var action = ParseAction();
                var expected = new List<WastValue>();
                while (AtLParen) expected.Add(ParseValue(expected: true));
                ExpectRParen();
                return new WastAssertReturn(line, col, action, expected);
            }
            case "assert_trap":
            {
                Pos++;
                WastAction? action = null;
                WastModule? module = null;
                if (AtList("module")) module = ParseModule();
                else action = ParseAction();
                string message = ParseName();
                ExpectRParen();
                return new WastAssertTrap(line, col, action, module, message);
            }
            case "assert_exhaustion":
            {
                Pos++;
                var action = ParseAction();
                string message = ParseName();
                ExpectRParen();
                return new WastAssertExhaustion(line, col, action, message);
            }
            case "assert_suspension":
            {
                Pos++;
                var action = ParseAction();
                string message = ParseName();
                ExpectRParen();
                return new WastAssertSuspension(line, col, action, message);
            }
            case "thread":
            {
                Pos++;
                string? id = OptionalId();
                var shared = new List<string>();
                while (AtList("shared"))
                {
                    EnterList();
                    if (!AtList("module")) throw Unexpected();
                    EnterList();
                    shared.Add(OptionalId() ?? throw Unexpected());
                    ExpectRParen();
                    ExpectRParen();
                }
                var commands = new List<WastCommand>();
                while (AtLParen)
                {
                    CheckNesting();
                    commands.Add(ParseCommand());
                }
                ExpectRParen();
                return new WastThread(line, col, id, shared, commands);
            }
            case "wait":
            {
                Pos++;
                string? id = OptionalId();
                ExpectRParen();
                return new WastWait(line, col, id);
            }
            case "assert_exception":
            {
                Pos++;
                var action = ParseAction();
                ExpectRParen();
                return new WastAssertException(line, col, action);
            }
            case "assert_malformed" or "assert_malformed_custom" or "assert_invalid" or "assert_invalid_custom" or "assert_unlinkable":
            {
                string kind = KeywordAt(Pos).ToString();
                Pos++;
                var module = ParseModule();
                string message = ParseName();
                ExpectRParen();
                return kind switch
                {
                    "assert_malformed" => new WastAssertMalformed(line, col, module, message),
                    "assert_malformed_custom" => new WastAssertMalformed(line, col, module, message, Custom: true),
                    "assert_invalid" => new WastAssertInvalid(line, col, module, message),
                    "assert_invalid_custom" => new WastAssertInvalid(line, col, module, message, Custom: true),
                    _ => new WastAssertUnlinkable(line, col, module, message),
                };
            }
            default:
                throw Unexpected();
        }
    }

    /// <summary><c>(module definition? $id? ...)</c> in text, <c>binary</c> or <c>quote</c> form.</summary>
    WastModule ParseModule()
    {
        int open = Pos;
        var at = T.Location(open);
        if (!AtList("module")) throw Unexpected(AtLParen ? Pos + 1 : Pos);
        EnterList();
        bool definition = false;
        if (AtKeyword("definition")) { definition = true; Pos++; }
        string? id = OptionalId();
        WastModule module;
        if (AtKeyword("binary") || AtKeyword("quote"))
        {
            bool binary = AtKeyword("binary");
            Pos++;
            var bytes = new WasmWriter(256);
            AppendStrings(bytes);
            ExpectRParen();
            module = binary
                ? new WastBinaryModule(at.Line, at.Column, bytes.ToArray())
                : new WastQuoteModule(at.Line, at.Column, WatStrings.DecodeSource(bytes.WrittenSpan));
        }
        else
        {
            int close = T[open].Match;
            if (close < 0) throw Error("unexpected end of input", T.Count - 1);
            module = TextModule(open, Pos, close, id);
            Pos = close + 1;
        }
        return module with { Id = id, IsDefinition = definition };
    }

    /// <summary>A text module whose fields are tokens [start, end); a syntax error is kept, not thrown.</summary>
    WastTextModule TextModule(int open, int start, int end, string? id)
    {
        var at = T.Location(open);
        try
        {
            return new WastTextModule(at.Line, at.Column, WatModuleParser.Parse(T, start, end, id, annotations), null);
        }
        catch (MalformedException e)
        {
            return new WastTextModule(at.Line, at.Column, null, e);
        }
    }

    /// <summary><c>(invoke $id? "name" value*)</c> or <c>(get $id? "name")</c>.</summary>
    WastAction ParseAction()
    {
        var at = T.Location(Pos);
        ExpectLParen();
        if (AtKeyword("invoke"))
        {
            Pos++;
            string? id = OptionalId();
            string name = ParseName();
            var args = new List<WastValue>();
            while (AtLParen) args.Add(ParseValue(expected: false));
            ExpectRParen();
            return new WastInvoke(at.Line, at.Column, id, name, args);
        }
        if (AtKeyword("get"))
        {
            Pos++;
            string? id = OptionalId();
            string name = ParseName();
            ExpectRParen();
            return new WastGet(at.Line, at.Column, id, name);
        }
        throw Unexpected();
    }

    /// <summary>
    /// An argument value, or with <paramref name="expected"/> a result pattern: NaN patterns, untyped
    /// reference patterns and <c>(either ...)</c> are only allowed there.
    /// </summary>
    WastValue ParseValue(bool expected)
    {
        CheckNesting();
        ExpectLParen();
        if (Kind != TokenKind.Keyword) throw Unexpected();
        string head = T.Text(Pos).ToString();
        Pos++;
        WastValue value;
        switch (head)
        {
            case "i32.const":
                value = new WastNum(ValType.I32, NumericLiterals.TryParseI32(NumberOperand(), out uint i32) ? i32 : throw OutOfRange());
                break;
            case "i64.const":
                value = new WastNum(ValType.I64, NumericLiterals.TryParseI64(NumberOperand(), out ulong i64) ? i64 : throw OutOfRange());
                break;
            case "f32.const" or "f64.const":
            {
                var type = head[1] == '3' ? ValType.F32 : ValType.F64;
                if (expected && NanPattern(T.Text(Pos)) is { } nan)
                {
                    Pos++;
                    value = new WastNanPattern(type, nan);
                    break;
                }
                var text = NumberOperand();
                ulong bits;
                if (type == ValType.F32)
                {
                    if (!NumericLiterals.TryParseF32(text, out uint f32)) throw OutOfRange();
                    bits = f32;
                }
                else if (!NumericLiterals.TryParseF64(text, out bits)) throw OutOfRange();
                value = new WastNum(type, bits);
                break;
            }
            case "v128.const":
            {
                var shapeText = Kind == TokenKind.Keyword ? T.Text(Pos).ToString() : "";
                var shape = V128Shapes.Parse(shapeText);
                if (shape == V128Shape.None) throw Unexpected();
                Pos++;
                var v = default(V128);
                var patterns = expected && shape.IsFloat() ? new WastNanKind?[shape.LaneCount()] : null;
                ParseV128Lanes(shape, v.Bytes, patterns);
                WastNanPattern?[]? lanePatterns = null;
                if (patterns is not null && Array.Exists(patterns, p => p is not null))
                    lanePatterns = Array.ConvertAll(patterns, p => p is { } k ? new WastNanPattern(shape.LaneType(), k) : null);
                value = new WastV128(v, shapeText, lanePatterns);
                break;
            }
            case "ref.null":
                value = AtRParen ? new WastRef(head) : new WastRef(head, ParseNullHeapType());
                break;
            case "ref.extern" or "ref.host":
                if (!expected || AtNat) value = new WastRef(head, Payload: ParseU32());
                else value = new WastRef(head);
                break;
            case "ref.func" or "ref.struct" or "ref.array" or "ref.i31" or "ref.eq" or "ref.any" or "ref.exn" when expected:
                value = new WastRef(head, Payload: AtNat ? ParseU32() : null);
                break;
            case "either" when expected:
            {
                var alternatives = new List<WastValue>();
                while (AtLParen) alternatives.Add(ParseValue(expected: true));
                value = new WastEither(alternatives);
                break;
            }
            default:
                throw Unexpected(Pos - 1);
        }
        ExpectRParen();
        return value;
    }

    HeapType ParseNullHeapType()
    {
        if (Kind == TokenKind.Keyword && WatModuleParser.AbstractHeapType(T.Text(Pos)) is { } h)
        {
            Pos++;
            return h;
        }
        int at = Pos;
        uint index = ParseU32();
        if (index > int.MaxValue) throw Error("constant out of range", at);
        return HeapType.Concrete(index);
    }

    MalformedException OutOfRange() => Error("constant out of range", Pos - 1);
}
