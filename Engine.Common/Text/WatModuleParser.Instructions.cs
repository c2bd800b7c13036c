using System.Runtime.InteropServices;
using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Instructions, plain and folded, encoded straight into binary. A folded instruction's immediates
/// come before its operands in the text but after them in the binary, so they are first written to a
/// per-nesting-depth buffer and copied out once the operands are encoded. Labels are a stack of
/// optional names: a symbolic label resolves to its depth from the innermost block.
/// </summary>
internal sealed partial class WatModuleParser
{
    readonly List<string?> _labels = new();
    readonly List<WasmWriter> _immediateBuffers = new();
    readonly List<uint> _brTargets = new();
    readonly List<CatchClause> _catches = new();
    readonly List<ValType> _selectTypes = new();
    int _depth;

    /// <summary>Instructions up to a closing parenthesis (a body or a constant expression).</summary>
    void ParseExpression(WasmWriter code)
    {
        ParseInstructions(code);
        if (!AtRParen) throw Unexpected();
    }

    /// <summary>
    /// Instructions until something that cannot start one: a <c>)</c>, the end of input, or a keyword
    /// that continues a block (<c>end else catch catch_all delegate</c>), which the caller handles.
    /// </summary>
    void ParseInstructions(WasmWriter code)
    {
        while (true)
        {
            if (AtLParen) { ParseFoldedInstruction(code); continue; }
            if (Kind != TokenKind.Keyword) return;
            if (!WatKeywords.TryGetOpcode(T.Text(Pos), out var op)) throw Unexpected();
            if (op is Opcode.End or Opcode.Else or Opcode.Catch or Opcode.CatchAll or Opcode.Delegate) return;
            int at = Pos;
            Pos++;
            if (op is Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try) ParsePlainBlock(op, code);
            else
            {
                var imm = ImmediateBuffer();
                op = ParseImmediates(op, imm);
                Emit(code, op, at);
                code.Bytes(imm.WrittenSpan);
            }
        }
    }

    /// <summary>
    /// Writes an opcode; in a function body, also records which token it came from (the text source map
    /// that turns binary offsets of errors back into line:column).
    /// </summary>
    void Emit(WasmWriter code, Opcode op, int token)
    {
        if (ReferenceEquals(code, _body)) { _bodyMap.Add(code.Length); _bodyMap.Add(token); }
        code.Opcode(op);
    }

    WasmWriter ImmediateBuffer()
    {
        while (_immediateBuffers.Count <= _depth) _immediateBuffers.Add(new WasmWriter(32));
        var buffer = _immediateBuffers[_depth];
        buffer.Clear();
        return buffer;
    }

    /// <summary><c>block|loop|if|try_table|try label? blocktype ... end label?</c>, after the keyword.</summary>
    void ParsePlainBlock(Opcode op, WasmWriter code)
    {
        CheckNesting();
        int at = Pos - 1;
        string? label = OptionalId();
        Emit(code, op, at);
        ParseBlockType(code);
        if (op == Opcode.TryTable) ParseCatchClauses(code);
        _labels.Add(label);
        _depth++;
        ParseInstructions(code);
        if (op == Opcode.If && AtKeyword("else"))
        {
            Pos++;
            CheckEndLabel(label);
            // An empty else branch is not encoded (as wat2wasm and the reference encoder do).
            if (!AtKeyword("end")) Emit(code, Opcode.Else, Pos);
            ParseInstructions(code);
        }
        else if (op == Opcode.Try)
        {
            bool anyCatch = false;
            while (AtKeyword("catch"))
            {
                Pos++;
                anyCatch = true;
                Emit(code, Opcode.Catch, Pos);
                code.U32(ParseIndex(_tags));
                ParseInstructions(code);
            }
            if (AtKeyword("catch_all"))
            {
                Pos++;
                anyCatch = true;
                Emit(code, Opcode.CatchAll, Pos);
                ParseInstructions(code);
            }
            if (!anyCatch && AtKeyword("delegate"))
            {
                Pos++;
                _depth--;
                _labels.RemoveAt(_labels.Count - 1);
                Emit(code, Opcode.Delegate, Pos);
                code.U32(ParseLabel());
                return;
            }
        }
        ExpectKeyword("end");
        CheckEndLabel(label);
        _depth--;
        _labels.RemoveAt(_labels.Count - 1);
        Emit(code, Opcode.End, Pos);
    }

    /// <summary>An optional label after <c>end</c> or <c>else</c> must repeat the block's own.</summary>
    void CheckEndLabel(string? label)
    {
        if (Kind is not (TokenKind.Id or TokenKind.EmptyId)) return;
        int at = Pos;
        string? name = OptionalId();
        if (label is null || name != label) throw Error("mismatching label", at);
    }

    /// <summary><c>( instr immediates folded* )</c> and the folded forms of blocks.</summary>
    void ParseFoldedInstruction(WasmWriter code)
    {
        CheckNesting();
        int keyword = Pos + 1;
        if (T.KindAt(keyword) != TokenKind.Keyword || !WatKeywords.TryGetOpcode(T.Text(keyword), out var op)) throw Unexpected(keyword);
        Pos += 2;
        switch (op)
        {
            case Opcode.Block or Opcode.Loop or Opcode.TryTable:
            {
                string? label = OptionalId();
                Emit(code, op, keyword);
                ParseBlockType(code);
                if (op == Opcode.TryTable) ParseCatchClauses(code);
                _labels.Add(label);
                _depth++;
                ParseExpression(code);
                _depth--;
                _labels.RemoveAt(_labels.Count - 1);
                Pos++;
                Emit(code, Opcode.End, Pos);
                return;
            }
            case Opcode.If:
                ParseFoldedIf(code, keyword);
                return;
            case Opcode.Try:
                ParseFoldedTry(code, keyword);
                return;
            case Opcode.End or Opcode.Else or Opcode.Catch or Opcode.CatchAll or Opcode.Delegate:
                throw Unexpected(keyword);
        }
        var imm = ImmediateBuffer();
        op = ParseImmediates(op, imm);
        // The spec's operands are folded instructions only; like wasm-tools, plain ones are accepted too.
        _depth++;
        ParseInstructions(code);
        _depth--;
        ExpectRParen();
        Emit(code, op, keyword);
        code.Bytes(imm.WrittenSpan);
    }

    /// <summary><c>(if label? blocktype folded* (then instr*) (else instr*)?)</c>: the condition is encoded first.</summary>
    void ParseFoldedIf(WasmWriter code, int keyword)
    {
        string? label = OptionalId();
        var blockType = ImmediateBuffer();
        ParseBlockType(blockType);
        _depth++;
        while (AtLParen && !AtList("then")) ParseFoldedInstruction(code);
        Emit(code, Opcode.If, keyword);
        code.Bytes(blockType.WrittenSpan);
        if (!AtList("then")) throw Unexpected();
        EnterList();
        _labels.Add(label);
        ParseExpression(code);
        Pos++;
        if (AtList("else"))
        {
            EnterList();
            if (!AtRParen) Emit(code, Opcode.Else, Pos);
            ParseExpression(code);
            Pos++;
        }
        _labels.RemoveAt(_labels.Count - 1);
        _depth--;
        ExpectRParen();
        Emit(code, Opcode.End, Pos);
    }

    /// <summary>
    /// Legacy <c>(try label? blocktype (do instr*) (catch x instr*)* (catch_all instr*)?)</c> or
    /// <c>(try label? blocktype (do instr*) (delegate l))</c>.
    /// </summary>
    void ParseFoldedTry(WasmWriter code, int keyword)
    {
        string? label = OptionalId();
        Emit(code, Opcode.Try, keyword);
        ParseBlockType(code);
        _labels.Add(label);
        _depth++;
        if (!AtList("do")) throw Unexpected();
        EnterList();
        ParseExpression(code);
        Pos++;
        bool anyCatch = false;
        while (AtList("catch"))
        {
            EnterList();
            anyCatch = true;
            Emit(code, Opcode.Catch, Pos);
            code.U32(ParseIndex(_tags));
            ParseExpression(code);
            Pos++;
        }
        if (AtList("catch_all"))
        {
            EnterList();
            anyCatch = true;
            Emit(code, Opcode.CatchAll, Pos);
            ParseExpression(code);
            Pos++;
        }
        _depth--;
        _labels.RemoveAt(_labels.Count - 1);
        if (!anyCatch && AtList("delegate"))
        {
            EnterList();
            Emit(code, Opcode.Delegate, Pos);
            code.U32(ParseLabel());
            ExpectRParen();
            ExpectRParen();
            return;
        }
        ExpectRParen();
        Emit(code, Opcode.End, Pos);
    }

    /// <summary>
    /// A block type: <c>(type x)</c> with an optional matching signature (encoded as the index), or an
    /// inline signature: empty, a single result, or else the index of its (possibly new) function type.
    /// </summary>
    void ParseBlockType(WasmWriter code)
    {
        if (AtList("type"))
        {
            // As wat2wasm does, a type whose signature has a short form is encoded in it.
            uint index = ParseTypeUse(ParamIds.Forbid, out _, out _);
            var ft = FuncTypeAt(index);
            if (ft is { Params.Length: 0, Results.Length: 0 }) code.Byte(0x40);
            else if (ft is { Params.Length: 0, Results.Length: 1 }) code.ValType(ft.Results[0]);
            else code.S64(index);
            return;
        }
        ParseSignature(ParamIds.Forbid);
        if (_params.Count == 0 && _results.Count == 0) code.Byte(0x40);
        else if (_params.Count == 0 && _results.Count == 1) code.ValType(_results[0]);
        else code.S64(InternFuncType());
    }

    /// <summary><c>(catch x l) (catch_ref x l) (catch_all l) (catch_all_ref l)</c>*, labels resolved outside the try_table.</summary>
    void ParseCatchClauses(WasmWriter code)
    {
        _catches.Clear();
        while (AtLParen)
        {
            CatchKind kind;
            switch (KeywordAt(Pos + 1))
            {
                case "catch": kind = CatchKind.Catch; break;
                case "catch_ref": kind = CatchKind.CatchRef; break;
                case "catch_all": kind = CatchKind.CatchAll; break;
                case "catch_all_ref": kind = CatchKind.CatchAllRef; break;
                default: goto done;
            }
            EnterList();
            uint tag = kind is CatchKind.Catch or CatchKind.CatchRef ? ParseIndex(_tags) : 0;
            _catches.Add(new CatchClause(kind, tag, ParseLabel()));
            ExpectRParen();
        }
    done:
        code.U32((uint)_catches.Count);
        foreach (var c in _catches)
        {
            code.Byte((byte)c.Kind);
            if (c.Kind is CatchKind.Catch or CatchKind.CatchRef) code.U32(c.Tag);
            code.U32(c.Label);
        }
    }

    /// <summary>A label: a depth as written, or an id resolved to the depth of the innermost block bearing it.</summary>
    uint ParseLabel()
    {
        if (Kind == TokenKind.Id)
        {
            string name = T.IdName(Pos);
            for (int i = _labels.Count - 1; i >= 0; i--)
            {
                if (_labels[i] == name)
                {
                    Pos++;
                    return (uint)(_labels.Count - 1 - i);
                }
            }
            throw Error($"unknown label {T.Text(Pos)}");
        }
        return ParseU32();
    }

    bool IndexAt(int index) =>
        T.KindAt(index) == TokenKind.Id || T.KindAt(index) == TokenKind.Number && NumberShape.Classify(T.Text(index)) == NumberKind.Nat;

    /// <summary>
    /// Parses the immediates of <paramref name="op"/> (after its keyword) into <paramref name="w"/> and
    /// returns the opcode to encode, which differs for the forms one mnemonic shares (typed select,
    /// nullable ref.test / ref.cast).
    /// </summary>
    Opcode ParseImmediates(Opcode op, WasmWriter w)
    {
        switch (op.Immediates())
        {
            case ImmediateKind.None:
                if (op == Opcode.Select && AtList("result")) return ParseSelectTypes(w);
                break;
            case ImmediateKind.SelectTypes:
                return ParseSelectTypes(w);
            case ImmediateKind.Label:
                w.U32(ParseLabel());
                break;
            case ImmediateKind.BrTable:
                _brTargets.Clear();
                do _brTargets.Add(ParseLabel()); while (AtIndex);
                w.U32((uint)_brTargets.Count - 1);
                foreach (uint target in _brTargets) w.U32(target);
                break;
            case ImmediateKind.Func:
                w.U32(ParseIndex(_funcs));
                break;
            case ImmediateKind.CallIndirect:
            {
                uint table = ParseOptionalIndex(_tables);
                w.U32(ParseTypeUse(ParamIds.Forbid, out _, out _));
                w.U32(table);
                break;
            }
            case ImmediateKind.Local:
                w.U32(ParseIndex(_locals));
                break;
            case ImmediateKind.Global:
                w.U32(ParseIndex(_globals));
                break;
            case ImmediateKind.Table:
                w.U32(ParseOptionalIndex(_tables));
                break;
            case ImmediateKind.Memory:
                w.U32(ParseOptionalIndex(_memories));
                break;
            case ImmediateKind.MemArg:
                ParseMemArg(op, w, ParseOptionalIndex(_memories));
                break;
            case ImmediateKind.MemArgLane:
            {
                // memidx? memarg laneidx: a leading index is the memory only if more follows it.
                uint memory = 0;
                if (AtIndex && (IndexAt(Pos + 1) || MemArgKeyword(Pos + 1))) memory = ParseIndex(_memories);
                ParseMemArg(op, w, memory);
                w.Byte(ParseLaneIndex());
                break;
            }
            case ImmediateKind.I32:
            {
                if (!NumericLiterals.TryParseI32(NumberOperand(), out uint bits)) throw Error("constant out of range", Pos - 1);
                w.S32((int)bits);
                break;
            }
            case ImmediateKind.I64:
            {
                if (!NumericLiterals.TryParseI64(NumberOperand(), out ulong bits)) throw Error("constant out of range", Pos - 1);
                w.S64((long)bits);
                break;
            }
            case ImmediateKind.F32:
            {
                if (!NumericLiterals.TryParseF32(NumberOperand(), out uint bits)) throw Error("constant out of range", Pos - 1);
                w.F32Bits(bits);
                break;
            }
            case ImmediateKind.F64:
            {
                if (!NumericLiterals.TryParseF64(NumberOperand(), out ulong bits)) throw Error("constant out of range", Pos - 1);
                w.F64Bits(bits);
                break;
            }
            case ImmediateKind.V128:
            {
                var shape = Kind == TokenKind.Keyword ? V128Shapes.Parse(T.Text(Pos)) : V128Shape.None;
                if (shape == V128Shape.None) throw Unexpected();
                Pos++;
                Span<byte> bytes = stackalloc byte[16];
                bytes.Clear();
                ParseV128Lanes(shape, bytes, null);
                w.Bytes(bytes);
                break;
            }
            case ImmediateKind.Shuffle:
                ParseShuffleLanes(w);
                break;
            case ImmediateKind.Lane:
                w.Byte(ParseLaneIndex());
                break;
            case ImmediateKind.HeapType:
                if (op == Opcode.RefNull)
                {
                    w.HeapType(ParseHeapType());
                    break;
                }
                {
                    var target = ParseRefType();
                    if (target.Nullable) op = op == Opcode.RefTest ? Opcode.RefTestNull : Opcode.RefCastNull;
                    w.HeapType(target.Heap);
                }
                break;
            case ImmediateKind.Type:
                w.U32(ParseIndex(_types));
                break;
            case ImmediateKind.Data:
                _dataIndexUsed = true;
                w.U32(ParseIndex(_datas));
                break;
            case ImmediateKind.Elem:
                w.U32(ParseIndex(_elems));
                break;
            case ImmediateKind.Tag:
                w.U32(ParseIndex(_tags));
                break;
            case ImmediateKind.DataMemory:
            {
                // memory.init memidx? dataidx
                _dataIndexUsed = true;
                uint memory = IndexAt(Pos + 1) ? ParseIndex(_memories) : 0;
                w.U32(ParseIndex(_datas));
                w.U32(memory);
                break;
            }
            case ImmediateKind.ElemTable:
            {
                // table.init tableidx? elemidx
                uint table = IndexAt(Pos + 1) ? ParseIndex(_tables) : 0;
                w.U32(ParseIndex(_elems));
                w.U32(table);
                break;
            }
            case ImmediateKind.MemoryMemory:
                w.U32(ParseOptionalIndex(_memories));
                w.U32(ParseOptionalIndex(_memories));
                break;
            case ImmediateKind.TableTable:
                w.U32(ParseOptionalIndex(_tables));
                w.U32(ParseOptionalIndex(_tables));
                break;
            case ImmediateKind.TypeField:
            {
                uint type = ParseIndex(_types);
                w.U32(type);
                w.U32(ParseFieldIndex(type));
                break;
            }
            case ImmediateKind.TypeData:
                _dataIndexUsed = true;
                w.U32(ParseIndex(_types));
                w.U32(ParseIndex(_datas));
                break;
            case ImmediateKind.TypeElem:
                w.U32(ParseIndex(_types));
                w.U32(ParseIndex(_elems));
                break;
            case ImmediateKind.TypeCount:
                w.U32(ParseIndex(_types));
                w.U32(ParseU32());
                break;
            case ImmediateKind.TypeType:
                w.U32(ParseIndex(_types));
                w.U32(ParseIndex(_types));
                break;
            case ImmediateKind.BrOnCast:
            {
                uint label = ParseLabel();
                var from = ParseRefType();
                var to = ParseRefType();
                w.Byte((byte)((from.Nullable ? 1 : 0) | (to.Nullable ? 2 : 0)));
                w.U32(label);
                w.HeapType(from.Heap);
                w.HeapType(to.Heap);
                break;
            }
            case ImmediateKind.ZeroByte:
                w.Byte(0);
                break;
            default:
                throw Unexpected(Pos - 1);
        }
        return op;
    }

    /// <summary><c>select (result t*)*</c>: the typed form.</summary>
    Opcode ParseSelectTypes(WasmWriter w)
    {
        _selectTypes.Clear();
        while (AtList("result"))
        {
            EnterList();
            while (!AtRParen) _selectTypes.Add(ParseValType());
            ExpectRParen();
        }
        w.U32((uint)_selectTypes.Count);
        foreach (var t in CollectionsMarshal.AsSpan(_selectTypes)) w.ValType(t);
        return Opcode.SelectTyped;
    }

    bool MemArgKeyword(int index)
    {
        var k = KeywordAt(index);
        return k.StartsWith("offset=") || k.StartsWith("align=");
    }

    /// <summary><c>offset=n? align=n?</c> after the optional memory index; alignment defaults to the natural one.</summary>
    void ParseMemArg(Opcode op, WasmWriter w, uint memory)
    {
        ulong offset = 0;
        int alignLog2 = op.NaturalAlignmentLog2();
        if (KeywordAt(Pos).StartsWith("offset="))
        {
            var value = T.Text(Pos)[7..];
            if (NumberShape.Classify(value) != NumberKind.Nat) throw Unexpected();
            if (!NumericLiterals.TryParseU64(value, out offset)) throw Error("i64 constant out of range");
            Pos++;
        }
        if (KeywordAt(Pos).StartsWith("align="))
        {
            var value = T.Text(Pos)[6..];
            if (NumberShape.Classify(value) != NumberKind.Nat) throw Unexpected();
            if (!NumericLiterals.TryParseU64(value, out ulong align)) throw Error("i64 constant out of range");
            if (align == 0 || (align & (align - 1)) != 0) throw Error("alignment must be a power of two");
            alignLog2 = System.Numerics.BitOperations.Log2(align);
            Pos++;
        }
        w.U32((uint)alignLog2 | (memory != 0 ? 0x40u : 0u));
        if (memory != 0) w.U32(memory);
        w.U64(offset);
    }

    /// <summary>A lane index: an unsigned literal that fits a byte (the validator checks it against the shape).</summary>
    byte ParseLaneIndex()
    {
        if (!AtNat) throw Unexpected();
        if (!NumericLiterals.TryParseU32(T.Text(Pos), out uint lane) || lane > 255) throw Error("i8 constant out of range");
        Pos++;
        return (byte)lane;
    }

    /// <summary><c>i8x16.shuffle</c>'s sixteen lane indices.</summary>
    void ParseShuffleLanes(WasmWriter w)
    {
        int count = 0;
        while (count <= 16 && IsNumberLiteral(Pos + count)) count++;
        if (count != 16) throw Error("invalid lane length");
        for (int i = 0; i < 16; i++)
        {
            if (NumberShape.Classify(T.Text(Pos)) != NumberKind.Nat
                || !NumericLiterals.TryParseU32(T.Text(Pos), out uint lane) || lane > 255)
                throw Error("i8 constant out of range");
            w.Byte((byte)lane);
            Pos++;
        }
    }

    /// <summary>A struct field: a number, or an id among the field names of <paramref name="type"/>.</summary>
    uint ParseFieldIndex(uint type)
    {
        if (Kind != TokenKind.Id) return ParseU32();
        var fields = type < (uint)_fieldIds.Count ? _fieldIds[(int)type] : null;
        uint index = 0;
        bool found = fields is not null && (T.IdIsPlain(Pos) ? fields.TryResolve(T.IdSpan(Pos), out index) : fields.TryResolve(T.IdName(Pos), out index));
        if (!found) throw Error($"unknown field {T.Text(Pos)}");
        Pos++;
        return index;
    }
}
