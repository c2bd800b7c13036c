using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Parses the fields of one text module into a <see cref="WasmModule"/>, in three passes over the
/// tokens (symbolic ids may be used before the field that defines them):
/// <list type="number">
/// <item>bind the ids of every index space in definition order (inline imports, inline table elems
///   and memory data counted where they stand), checking duplicates and that imports precede definitions;</item>
/// <item>parse the explicit type definitions (with their struct field names);</item>
/// <item>parse every other field in textual order, encoding function bodies and constant expressions
///   as binary instructions. A type use without <c>(type x)</c> reuses the first plain function type
///   with its signature or appends one to the type section, in the order the uses appear.</item>
/// </list>
/// Numeric indices are kept as written, even out of range: that is for the validator to reject.
/// Only syntax errors and symbolic ids that resolve to nothing are malformed.
/// </summary>
internal sealed partial class WatModuleParser : WatCursor
{
    readonly WasmModule _m = new();
    readonly int _start, _end;

    readonly IdSpace _types = new("type", "type");
    readonly IdSpace _funcs = new("func", "function");
    readonly IdSpace _tables = new("table", "table");
    readonly IdSpace _memories = new("memory", "memory");
    readonly IdSpace _globals = new("global", "global");
    readonly IdSpace _tags = new("tag", "tag");
    readonly IdSpace _elems = new("elem", "elem segment");
    readonly IdSpace _datas = new("data", "data segment");
    readonly IdSpace _locals = new("local", "local");
    /// <summary>Struct field ids, by type index (null for types without named fields).</summary>
    readonly List<IdSpace?> _fieldIds = new();
    readonly NameSection _names = new();

    // Running definition counters of pass 3 (imports first: pass 1 checked that they come first).
    uint _nextFunc, _nextTable, _nextMemory, _nextGlobal, _nextTag;

    WatModuleParser(WatTokens tokens, int start, int end) : base(tokens, start)
    {
        _start = start;
        _end = end;
    }

    /// <summary>
    /// Parses the module fields from token <paramref name="start"/> up to (not including) token
    /// <paramref name="end"/>, which is the module's <c>)</c> or the end of input.
    /// </summary>
    public static WasmModule Parse(WatTokens tokens, int start, int end, string? moduleName, IReadOnlyList<WatAnnotation>? annotations = null)
    {
        var p = new WatModuleParser(tokens, start, end);
        if (moduleName is not null) p._names.ModuleName = moduleName;
        p.BindIds();
        if (annotations is not null)
        {
            p._annotations = annotations;
            p.ProcessAnnotations();
        }
        p.ParseTypeFields();
        p.ParseOtherFields();
        p.Finish();
        return p._m;
    }

    // ---- Pass 1: ids and counts ----

    void BindIds()
    {
        string? firstDefinition = null;
        int p = _start;
        while (p < _end)
        {
            if (T.KindAt(p) != TokenKind.LParen) throw Unexpected(p);
            int next = AfterList(p);
            _fieldStarts.Add(p);
            var keyword = KeywordAt(p + 1);
            switch (keyword)
            {
                case "type":
                    BindDefinition(_types, p + 2);
                    break;
                case "rec":
                    for (int q = p + 2; T.KindAt(q) == TokenKind.LParen; q = AfterList(q))
                        if (T.IsKeyword(q + 1, "type")) BindDefinition(_types, q + 2);
                    break;
                case "import":
                {
                    int q = p + 2;
                    while (T.KindAt(q) is TokenKind.String) q++;
                    if (T.KindAt(q) != TokenKind.LParen) break;  // malformed; pass 3 reports it
                    var space = SpaceOf(KeywordAt(q + 1));
                    if (space is null) break;
                    if (firstDefinition is not null) throw Error("import after " + firstDefinition, p + 1);
                    BindDefinition(space, q + 2);
                    break;
                }
                case "func" or "table" or "memory" or "global" or "tag":
                {
                    var space = SpaceOf(keyword)!;
                    int q = p + 2;
                    if (T.KindAt(q) == TokenKind.Id) q++;
                    bool imported = false;
                    while (T.KindAt(q) == TokenKind.LParen && (T.IsKeyword(q + 1, "export") || T.IsKeyword(q + 1, "import")))
                    {
                        imported |= T.IsKeyword(q + 1, "import");
                        q = AfterList(q);
                    }
                    if (imported && firstDefinition is not null) throw Error("import after " + firstDefinition, p + 1);
                    if (!imported) firstDefinition ??= keyword is "func" ? "function" : keyword.ToString();
                    BindDefinition(space, p + 2);
                    if (!imported && keyword is "table" or "memory")
                    {
                        string inline = keyword is "table" ? "elem" : "data";
                        for (; T.KindAt(q) != TokenKind.RParen && q < next; q = T.KindAt(q) == TokenKind.LParen ? AfterList(q) : q + 1)
                            if (T.KindAt(q) == TokenKind.LParen && T.IsKeyword(q + 1, inline))
                            {
                                (keyword is "table" ? _elems : _datas).Count++;
                                break;
                            }
                    }
                    break;
                }
                case "elem":
                    BindDefinition(_elems, p + 2);
                    break;
                case "data":
                    BindDefinition(_datas, p + 2);
                    break;
                case "export" or "start":
                    break;
                default:
                    throw Unexpected(p + 1);
            }
            p = next;
        }
    }

    IdSpace? SpaceOf(ReadOnlySpan<char> keyword) => keyword switch
    {
        "func" => _funcs,
        "table" => _tables,
        "memory" => _memories,
        "global" => _globals,
        "tag" => _tags,
        _ => null,
    };

    /// <summary>Adds one entry to <paramref name="space"/>, bound to the id at <paramref name="idToken"/> if there is one.</summary>
    void BindDefinition(IdSpace space, int idToken)
    {
        string? id = T.KindAt(idToken) == TokenKind.Id ? T.IdName(idToken) : null;
        if (!space.TryAdd(id, out uint index)) throw Error("duplicate " + space.DuplicateWord, idToken);
        if (space != _funcs) return;
        _funcKeywords[idToken - 1] = index;
        if (id is not null) _names.FunctionNames[index] = id;
    }

    // ---- Pass 2 and 3 drivers ----

    void ParseTypeFields()
    {
        for (int p = _start; p < _end; p = AfterList(p))
        {
            if (T.IsKeyword(p + 1, "type")) { Pos = p; ParseTypeField(); }
            else if (T.IsKeyword(p + 1, "rec")) { Pos = p; ParseRecField(); }
        }
        IndexPlainFuncTypes();
    }

    void ParseOtherFields()
    {
        for (int p = _start; p < _end; p = AfterList(p))
        {
            Pos = p;
            switch (KeywordAt(p + 1))
            {
                case "type" or "rec": continue;
                case "import": ParseImport(); break;
                case "func": ParseFunc(); break;
                case "table": ParseTable(); break;
                case "memory": ParseMemory(); break;
                case "global": ParseGlobal(); break;
                case "tag": ParseTag(); break;
                case "export": ParseExport(); break;
                case "start": ParseStart(); break;
                case "elem": ParseElem(); break;
                case "data": ParseData(); break;
            }
            if (Pos != AfterList(p)) throw Unexpected();
        }
    }

    /// <summary>Set by instructions that name a data segment: the binary form then needs a data count.</summary>
    bool _dataIndexUsed;

    void Finish()
    {
        // As wat2wasm does, the data count is declared when code refers to data segments by index.
        if (_dataIndexUsed) _m.DataCount = (uint)_m.Data.Count;
        if (_names.ModuleName is not null || _names.FunctionNames.Count > 0 || _names.LocalNames.Count > 0)
            _m.Names = _names;
        _m.InvalidateIndexSpaces();
    }

    /// <summary>Parses <c>(export "name")*</c> and records them for the entity just defined.</summary>
    void ParseInlineExports(ExternKind kind, uint index)
    {
        while (AtList("export"))
        {
            EnterList();
            _m.Exports.Add(new Export(ParseName(), kind, index));
            ExpectRParen();
        }
    }

    /// <summary>Parses <c>(import "module" "name")</c> if present.</summary>
    bool TryParseInlineImport(out string module, out string name)
    {
        module = name = "";
        if (!AtList("import")) return false;
        EnterList();
        module = ParseName();
        name = ParseName();
        ExpectRParen();
        return true;
    }

    /// <summary>Resolves an index: a natural kept as written, or an id bound in <paramref name="space"/>.</summary>
    uint ParseIndex(IdSpace space)
    {
        if (Kind == TokenKind.Id)
        {
            bool found = T.IdIsPlain(Pos) ? space.TryResolve(T.IdSpan(Pos), out uint index) : space.TryResolve(T.IdName(Pos), out index);
            if (!found) throw Error($"unknown {space.UnknownWord} {T.Text(Pos)}");
            Pos++;
            return index;
        }
        return ParseU32();
    }

    /// <summary>An optional index (defaulting to 0), as in <c>table.get</c> or <c>memory.size</c>.</summary>
    uint ParseOptionalIndex(IdSpace space) => AtIndex ? ParseIndex(space) : 0;

    /// <summary>Parses instructions up to the closing parenthesis into a constant expression.</summary>
    ConstExpr ParseConstExpr()
    {
        var code = new WasmWriter(16);
        ParseExpression(code);
        code.Byte(0x0B);
        return new ConstExpr(code.ToArray());
    }

    static ConstExpr ConstZero(bool is64)
    {
        var code = new WasmWriter(4);
        code.Opcode(is64 ? Opcode.I64Const : Opcode.I32Const);
        code.Byte(0);
        code.Byte(0x0B);
        return new ConstExpr(code.ToArray());
    }
}
