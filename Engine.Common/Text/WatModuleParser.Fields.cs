using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Module fields other than types: imports, functions, tables, memories, globals, tags, exports,
/// start, element and data segments, with their inline import/export/elem/data abbreviations.
/// Each parser starts at the field's <c>(</c> and leaves <see cref="WatCursor.Pos"/> after its <c>)</c>.
/// </summary>
internal sealed partial class WatModuleParser
{
    readonly WasmWriter _body = new(1024);
    /// <summary>(body offset, token index) of each opcode of the function being parsed.</summary>
    readonly List<int> _bodyMap = new();
    readonly List<ValType> _localTypes = new();

    void ParseImport()
    {
        EnterList();
        string module = ParseName();
        string name = ParseName();
        if (!AtLParen) throw Unexpected();
        var kind = KeywordAt(Pos + 1);
        EnterList();
        OptionalId();
        ImportDesc desc;
        switch (kind)
        {
            case "func":
                _nextFunc++;
                desc = ImportDesc.ForFunc(ParseTypeUse(ParamIds.Ignore, out _, out _));
                break;
            case "table":
                _nextTable++;
                desc = ImportDesc.ForTable(ParseTableType());
                break;
            case "memory":
                _nextMemory++;
                desc = ImportDesc.ForMemory(ParseMemoryType(AddressType()));
                break;
            case "global":
                _nextGlobal++;
                desc = ImportDesc.ForGlobal(ParseGlobalType());
                break;
            case "tag":
                _nextTag++;
                desc = ImportDesc.ForTag(new TagType(ParseTypeUse(ParamIds.Ignore, out _, out _)));
                break;
            default:
                throw Unexpected(Pos - 1);
        }
        ExpectRParen();
        ExpectRParen();
        _m.Imports.Add(new Import(module, name, desc));
    }

    void ParseFunc()
    {
        EnterList();
        OptionalId();
        uint index = _nextFunc++;
        ParseInlineExports(ExternKind.Func, index);
        if (TryParseInlineImport(out string module, out string name))
        {
            _m.Imports.Add(new Import(module, name, ImportDesc.ForFunc(ParseTypeUse(ParamIds.Ignore, out _, out _))));
            ExpectRParen();
            return;
        }

        _locals.Clear();
        uint type = ParseTypeUse(ParamIds.Bind, out bool explicitType, out bool inlineSignature);
        if (explicitType && !inlineSignature) _locals.Count = (uint)(FuncTypeAt(type)?.Params.Length ?? 0);
        _m.Functions.Add(type);

        _localTypes.Clear();
        while (AtList("local"))
        {
            EnterList();
            if (Kind is TokenKind.Id or TokenKind.EmptyId)
            {
                int idToken = Pos;
                string id = OptionalId()!;
                _localTypes.Add(ParseValType());
                if (!_locals.TryAdd(id, out _)) throw Error("duplicate local", idToken);
            }
            else
            {
                while (!AtRParen)
                {
                    _localTypes.Add(ParseValType());
                    _locals.Count++;
                }
            }
            ExpectRParen();
        }
        RecordLocalNames(index);

        _body.Clear();
        _bodyMap.Clear();
        _labels.Clear();
        _labels.Add(null);  // the function body is a block
        ParseExpression(_body);
        _labels.Clear();
        _bodyMap.Add(_body.Length);
        _bodyMap.Add(Pos);  // the function's closing parenthesis stands for its final `end`
        _body.Byte(0x0B);
        ExpectRParen();
        _m.Code.Add(new FunctionBody(GroupLocals(), _body.ToArray()));
        RecordSourceMap();
        _locals.Clear();
    }

    void RecordSourceMap()
    {
        _m.TextSource ??= new TextSourceMap(T.File);
        var triples = new int[_bodyMap.Count / 2 * 3];
        for (int i = 0, j = 0; i < _bodyMap.Count; i += 2, j += 3)
        {
            var at = T.Location(_bodyMap[i + 1]);
            triples[j] = _bodyMap[i];
            triples[j + 1] = at.Line;
            triples[j + 2] = at.Column;
        }
        _m.TextSource.AddFunction(triples);
    }

    void RecordLocalNames(uint funcIndex)
    {
        if (!_locals.HasIds) return;
        var names = new Dictionary<uint, string>();
        foreach (var (id, i) in _locals.Ids) names[i] = id;
        _names.LocalNames[funcIndex] = names;
    }

    /// <summary>Runs of equal local types, as the binary format declares them.</summary>
    LocalGroup[] GroupLocals()
    {
        if (_localTypes.Count == 0) return [];
        var groups = new List<LocalGroup>();
        int runStart = 0;
        for (int i = 1; i <= _localTypes.Count; i++)
        {
            if (i < _localTypes.Count && _localTypes[i] == _localTypes[runStart]) continue;
            groups.Add(new LocalGroup((uint)(i - runStart), _localTypes[runStart]));
            runStart = i;
        }
        return groups.ToArray();
    }

    /// <summary>An optional address type keyword (<c>i32</c> or <c>i64</c>); true for i64.</summary>
    bool AddressType()
    {
        if (AtKeyword("i64")) { Pos++; return true; }
        if (AtKeyword("i32")) Pos++;
        return false;
    }

    /// <summary><c>addrtype? limits reftype</c></summary>
    TableType ParseTableType()
    {
        bool is64 = AddressType();
        var limits = ParseLimits(is64);
        return new TableType(ParseRefType(), limits);
    }

    /// <summary>
    /// <c>min max?</c>, read as 64-bit whatever the address type: a 32-bit memory or table that is too
    /// large is invalid ("memory size"), not malformed.
    /// </summary>
    Limits ParseLimits(bool is64)
    {
        ulong min = ParseU64();
        ulong? max = null;
        if (AtNat) max = ParseU64();
        else if (Kind == TokenKind.Number) throw Unexpected();
        return new Limits(min, max, is64);
    }

    /// <summary><c>limits shared? (pagesize n)?</c> after the address type.</summary>
    MemoryType ParseMemoryType(bool is64)
    {
        var limits = ParseLimits(is64);
        while (true)
        {
            if (AtKeyword("shared")) { Pos++; limits = limits with { Shared = true }; }
            else if (AtList("pagesize")) limits = limits with { PageSizeLog2 = ParsePageSize() };
            else break;
        }
        return new MemoryType(limits);
    }

    /// <summary><c>(pagesize n)</c>: n must be a power of two.</summary>
    int ParsePageSize()
    {
        EnterList();
        int at = Pos;
        ulong size = ParseU64();
        if (size == 0 || (size & (size - 1)) != 0) throw Error("invalid custom page size", at);
        ExpectRParen();
        return System.Numerics.BitOperations.Log2(size);
    }

    void ParseTable()
    {
        EnterList();
        OptionalId();
        uint index = _nextTable++;
        ParseInlineExports(ExternKind.Table, index);
        if (TryParseInlineImport(out string module, out string name))
        {
            _m.Imports.Add(new Import(module, name, ImportDesc.ForTable(ParseTableType())));
            ExpectRParen();
            return;
        }
        bool is64 = AddressType();
        if (AtRefType)
        {
            // (table addrtype? reftype (elem ...)): sized to fit its inline element segment.
            var elementType = ParseRefType();
            if (!AtList("elem")) throw Unexpected();
            EnterList();
            var segment = ParseElemList(elementType, legacyIndices: true);
            ExpectRParen();
            ExpectRParen();
            ulong count = (ulong)segment.Count;
            _m.Tables.Add(new TableDef(new TableType(elementType, new Limits(count, count, is64)), null));
            // The segment has the table's element type, whether its items were written as indices or expressions.
            _m.Elements.Add(segment with { Mode = SegmentMode.Active, Type = elementType, TableIndex = index, Offset = ConstZero(is64) });
            return;
        }
        var limits = ParseLimits(is64);
        var type = new TableType(ParseRefType(), limits);
        ConstExpr? init = AtRParen ? null : ParseConstExpr();
        ExpectRParen();
        _m.Tables.Add(new TableDef(type, init));
    }

    void ParseMemory()
    {
        EnterList();
        OptionalId();
        uint index = _nextMemory++;
        ParseInlineExports(ExternKind.Memory, index);
        if (TryParseInlineImport(out string module, out string name))
        {
            bool importIs64 = AddressType();
            _m.Imports.Add(new Import(module, name, ImportDesc.ForMemory(ParseMemoryType(importIs64))));
            ExpectRParen();
            return;
        }
        bool is64 = AddressType();
        int pageSizeLog2 = 16;
        if (AtList("pagesize")) pageSizeLog2 = ParsePageSize();
        if (AtList("data"))
        {
            // (memory addrtype? (data ...)): sized to fit its inline data segment.
            EnterList();
            var bytes = new WasmWriter(64);
            AppendStrings(bytes);
            ExpectRParen();
            ExpectRParen();
            ulong pageSize = 1UL << pageSizeLog2;
            ulong pages = ((ulong)bytes.Length + pageSize - 1) / pageSize;
            _m.Memories.Add(new MemoryType(new Limits(pages, pages, is64, PageSizeLog2: pageSizeLog2)));
            _m.Data.Add(new DataSegment(SegmentMode.Active, index, ConstZero(is64), bytes.ToArray()));
            return;
        }
        if (pageSizeLog2 != 16) throw Unexpected();
        _m.Memories.Add(ParseMemoryType(is64));
        ExpectRParen();
    }

    void ParseGlobal()
    {
        EnterList();
        OptionalId();
        uint index = _nextGlobal++;
        ParseInlineExports(ExternKind.Global, index);
        if (TryParseInlineImport(out string module, out string name))
        {
            _m.Imports.Add(new Import(module, name, ImportDesc.ForGlobal(ParseGlobalType())));
            ExpectRParen();
            return;
        }
        var type = ParseGlobalType();
        var init = ParseConstExpr();
        ExpectRParen();
        _m.Globals.Add(new GlobalDef(type, init));
    }

    void ParseTag()
    {
        EnterList();
        OptionalId();
        uint index = _nextTag++;
        ParseInlineExports(ExternKind.Tag, index);
        if (TryParseInlineImport(out string module, out string name))
        {
            _m.Imports.Add(new Import(module, name, ImportDesc.ForTag(new TagType(ParseTypeUse(ParamIds.Ignore, out _, out _)))));
            ExpectRParen();
            return;
        }
        _m.Tags.Add(new TagType(ParseTypeUse(ParamIds.Ignore, out _, out _)));
        ExpectRParen();
    }

    void ParseExport()
    {
        EnterList();
        string name = ParseName();
        if (!AtLParen) throw Unexpected();
        var kind = KeywordAt(Pos + 1);
        EnterList();
        var (externKind, space) = kind switch
        {
            "func" => (ExternKind.Func, _funcs),
            "table" => (ExternKind.Table, _tables),
            "memory" => (ExternKind.Memory, _memories),
            "global" => (ExternKind.Global, _globals),
            "tag" => (ExternKind.Tag, _tags),
            _ => throw Unexpected(Pos - 1),
        };
        uint index = ParseIndex(space);
        ExpectRParen();
        ExpectRParen();
        _m.Exports.Add(new Export(name, externKind, index));
    }

    void ParseStart()
    {
        int at = Pos + 1;
        EnterList();
        if (_m.Start is not null) throw Error("multiple start sections", at);
        _m.Start = ParseIndex(_funcs);
        ExpectRParen();
    }

    /// <summary>
    /// <c>(elem $id? declare? elemlist)</c> (passive or declarative) or
    /// <c>(elem $id? (table x)? offset elemlist)</c> (active; offset is <c>(offset expr)</c> or one folded
    /// instruction). The legacy <c>(elem x offset ...)</c> with a bare table index is accepted too.
    /// </summary>
    void ParseElem()
    {
        EnterList();
        OptionalId();
        var mode = SegmentMode.Passive;
        uint table = 0;
        ConstExpr? offset = null;
        if (AtKeyword("declare")) { Pos++; mode = SegmentMode.Declarative; }
        else
        {
            bool hasTable = false;
            if (AtList("table"))
            {
                EnterList();
                table = ParseIndex(_tables);
                ExpectRParen();
                hasTable = true;
            }
            else if (AtIndex && T.KindAt(Pos + 1) == TokenKind.LParen)
            {
                table = ParseIndex(_tables);
                hasTable = true;
            }
            if (AtList("offset") || AtLParen && IsInstructionList(Pos))
            {
                offset = ParseOffset();
                mode = SegmentMode.Active;
            }
            else if (hasTable) throw Unexpected();
        }
        var segment = ParseElemList(null, legacyIndices: mode == SegmentMode.Active);
        ExpectRParen();
        _m.Elements.Add(segment with { Mode = mode, TableIndex = table, Offset = offset });
    }

    /// <summary>True if the list at <paramref name="open"/> is a folded instruction (its keyword is a mnemonic).</summary>
    bool IsInstructionList(int open) =>
        T.KindAt(open + 1) == TokenKind.Keyword && WatKeywords.TryGetOpcode(T.Text(open + 1), out _);

    /// <summary><c>(offset expr)</c> or a single folded instruction.</summary>
    ConstExpr ParseOffset()
    {
        if (AtList("offset"))
        {
            EnterList();
            var e = ParseConstExpr();
            ExpectRParen();
            return e;
        }
        var code = new WasmWriter(16);
        ParseFoldedInstruction(code);
        code.Byte(0x0B);
        return new ConstExpr(code.ToArray());
    }

    /// <summary>
    /// An element list: <c>func x*</c>, <c>reftype elemexpr*</c>, or (inline in a table, or after an active
    /// offset) bare function indices. Returns a passive segment for the caller to complete.
    /// <paramref name="tableType"/> is the table's element type for an inline segment.
    /// </summary>
    ElementSegment ParseElemList(ValType? tableType, bool legacyIndices)
    {
        var funcRef = ValType.Ref(HeapType.Func, nullable: false);
        if (AtKeyword("func"))
        {
            Pos++;
            return new ElementSegment(SegmentMode.Passive, funcRef, 0, null, ParseFuncIndices(), null);
        }
        ValType type;
        if (AtRefType) type = ParseRefType();
        else if (tableType is { } tt && AtLParen) type = tt;
        else if (legacyIndices || tableType is not null || AtRParen)
            return new ElementSegment(SegmentMode.Passive, funcRef, 0, null, ParseFuncIndices(), null);
        else throw Unexpected();

        var items = new List<ConstExpr>();
        while (AtLParen)
        {
            if (AtList("item"))
            {
                EnterList();
                items.Add(ParseConstExpr());
                ExpectRParen();
            }
            else
            {
                var code = new WasmWriter(8);
                ParseFoldedInstruction(code);
                code.Byte(0x0B);
                items.Add(new ConstExpr(code.ToArray()));
            }
        }
        return new ElementSegment(SegmentMode.Passive, type, 0, null, null, items.ToArray());
    }

    uint[] ParseFuncIndices()
    {
        var indices = new List<uint>();
        while (AtIndex) indices.Add(ParseIndex(_funcs));
        return indices.ToArray();
    }

    /// <summary>
    /// <c>(data $id? string*)</c> (passive) or <c>(data $id? (memory x)? offset string*)</c> (active);
    /// the legacy bare memory index <c>(data x offset ...)</c> is accepted too.
    /// </summary>
    void ParseData()
    {
        EnterList();
        OptionalId();
        uint memory = 0;
        bool hasMemory = false;
        if (AtList("memory"))
        {
            EnterList();
            memory = ParseIndex(_memories);
            ExpectRParen();
            hasMemory = true;
        }
        else if (AtIndex)
        {
            memory = ParseIndex(_memories);
            hasMemory = true;
        }
        ConstExpr? offset = null;
        if (AtLParen) offset = ParseOffset();
        else if (hasMemory) throw Unexpected();
        var bytes = new WasmWriter(64);
        AppendStrings(bytes);
        ExpectRParen();
        _m.Data.Add(new DataSegment(offset is null ? SegmentMode.Passive : SegmentMode.Active, memory, offset, bytes.ToArray()));
    }
}
