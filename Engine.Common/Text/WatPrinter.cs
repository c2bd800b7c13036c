using System.Globalization;
using System.Text;
using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Prints a <see cref="WasmModule"/> in the text format: every section, with instructions in the flat (linear)
/// syntax, indented by block nesting, and every reference by numeric index (each definition carries its index as
/// a <c>(;N;)</c> comment). Any module the decoder accepts prints; what it prints parses (with
/// <see cref="WatParser"/>) back to the same module, up to what the text format cannot say: custom sections
/// other than via <c>@custom</c>, the name section (not printed), an empty <c>else</c> (the parser drops it),
/// and non-minimal encodings of the binary (LEB128 padding, an explicit memory index 0).
/// </summary>
/// <remarks>Floats print exactly (<see cref="NumericFormat"/>), so NaN payloads and signed zeros survive.</remarks>
public sealed class WatPrinter
{
    readonly StringBuilder _s = new();
    readonly WasmModule _m;
    readonly OperatorBuffers _buffers = new();
    int _indent;

    WatPrinter(WasmModule module) => _m = module;

    /// <summary>The module as text.</summary>
    public static string Print(WasmModule module)
    {
        var p = new WatPrinter(module);
        p.PrintModule();
        return p._s.ToString();
    }

    void PrintModule()
    {
        _s.Append("(module");
        _indent = 1;
        PrintTypes();
        int funcs = 0, tables = 0, memories = 0, globals = 0, tags = 0;
        foreach (var imp in _m.Imports)
        {
            Line().Append("(import ").Append(Quote(imp.Module)).Append(' ').Append(Quote(imp.Name)).Append(' ');
            var d = imp.Desc;
            switch (d.Kind)
            {
                case ExternKind.Func: _s.Append("(func (;").Append(funcs++).Append(";) (type ").Append(d.TypeIndex).Append("))"); break;
                case ExternKind.Table: _s.Append("(table (;").Append(tables++).Append(";) "); TableType(d.Table); _s.Append(')'); break;
                case ExternKind.Memory: _s.Append("(memory (;").Append(memories++).Append(";) "); Limits(d.Memory.Limits); _s.Append(')'); break;
                case ExternKind.Global: _s.Append("(global (;").Append(globals++).Append(";) "); GlobalType(d.Global); _s.Append(')'); break;
                case ExternKind.Tag: _s.Append("(tag (;").Append(tags++).Append(";) (type ").Append(d.TypeIndex).Append("))"); break;
            }
            _s.Append(')');
        }
        for (int i = 0; i < _m.Functions.Count; i++) PrintFunction(funcs + i, i);
        foreach (var t in _m.Tables)
        {
            Line().Append("(table (;").Append(tables++).Append(";) ");
            TableType(t.Type);
            if (t.Init is { } init) { _s.Append(' '); ConstExprBody(init); }
            _s.Append(')');
        }
        foreach (var mem in _m.Memories) { Line().Append("(memory (;").Append(memories++).Append(";) "); Limits(mem.Limits); _s.Append(')'); }
        foreach (var g in _m.Globals)
        {
            Line().Append("(global (;").Append(globals++).Append(";) ");
            GlobalType(g.Type);
            _s.Append(' ');
            ConstExprBody(g.Init);
            _s.Append(')');
        }
        foreach (var tag in _m.Tags) Line().Append("(tag (;").Append(tags++).Append(";) (type ").Append(tag.TypeIndex).Append("))");
        foreach (var e in _m.Exports)
        {
            string kind = e.Kind switch
            {
                ExternKind.Func => "func", ExternKind.Table => "table", ExternKind.Memory => "memory", ExternKind.Global => "global", _ => "tag",
            };
            Line().Append("(export ").Append(Quote(e.Name)).Append(" (").Append(kind).Append(' ').Append(e.Index).Append("))");
        }
        if (_m.Start is uint start) Line().Append("(start ").Append(start).Append(')');
        for (int i = 0; i < _m.Elements.Count; i++) PrintElement(i, _m.Elements[i]);
        for (int i = 0; i < _m.Data.Count; i++)
        {
            var d = _m.Data[i];
            Line().Append("(data (;").Append(i).Append(";)");
            if (d.Mode == SegmentMode.Active)
            {
                _s.Append(" (memory ").Append(d.MemoryIndex).Append(") (offset ");
                ConstExprBody(d.Offset!.Value);
                _s.Append(')');
            }
            _s.Append(' ').Append(Quote(d.Bytes.Span)).Append(')');
        }
        foreach (var c in _m.CustomSections)
        {
            Line().Append("(@custom ").Append(Quote(c.Name));
            if (SectionName(c.After) is { } after) _s.Append(" (after ").Append(after).Append(')');
            else if (c.After == 0) _s.Append(" (before first)");
            _s.Append(' ').Append(Quote(c.Data.Span)).Append(')');
        }
        _s.Append(")\n");
    }

    StringBuilder Line()
    {
        _s.Append('\n').Append(' ', 2 * _indent);
        return _s;
    }

    // ---- Types

    void PrintTypes()
    {
        foreach (var g in _m.RecGroups)
        {
            bool rec = g.Explicit || g.Count != 1;
            if (rec) { Line().Append("(rec"); _indent++; }
            for (int i = g.Start; i < g.Start + g.Count; i++)
            {
                var t = _m.Types[i];
                Line().Append("(type (;").Append(i).Append(";) ");
                bool sub = !t.Final || t.Supertypes.Length > 0;
                if (sub)
                {
                    _s.Append("(sub ");
                    if (t.Final) _s.Append("final ");
                    foreach (uint s in t.Supertypes) _s.Append(s).Append(' ');
                }
                CompositeType(t.Composite);
                if (sub) _s.Append(')');
                _s.Append(')');
            }
            if (rec) { _indent--; _s.Append(')'); }
        }
    }

    void CompositeType(CompositeType c)
    {
        switch (c)
        {
            case FuncType f:
                _s.Append("(func");
                Signature(f.Params, f.Results);
                _s.Append(')');
                break;
            case StructType st:
                _s.Append("(struct");
                foreach (var field in st.Fields) { _s.Append(" (field "); FieldType(field); _s.Append(')'); }
                _s.Append(')');
                break;
            case ArrayType a:
                _s.Append("(array ");
                FieldType(a.Element);
                _s.Append(')');
                break;
        }
    }

    void Signature(ValType[] parameters, ValType[] results)
    {
        if (parameters.Length > 0) { _s.Append(" (param"); foreach (var p in parameters) _s.Append(' ').Append(TypeText(p)); _s.Append(')'); }
        if (results.Length > 0) { _s.Append(" (result"); foreach (var r in results) _s.Append(' ').Append(TypeText(r)); _s.Append(')'); }
    }

    void FieldType(FieldType f)
    {
        if (f.Mutable) _s.Append("(mut ").Append(TypeText(f.Storage)).Append(')');
        else _s.Append(TypeText(f.Storage));
    }

    void Limits(Limits l)
    {
        if (l.Is64) _s.Append("i64 ");
        _s.Append(l.Min);
        if (l.Max is ulong max) _s.Append(' ').Append(max);
        if (l.Shared) _s.Append(" shared");
        if (l.PageSizeLog2 != 16) _s.Append(" (pagesize ").Append(1UL << l.PageSizeLog2).Append(')');
    }

    void TableType(TableType t)
    {
        Limits(t.Limits);
        _s.Append(' ').Append(TypeText(t.Element));
    }

    void GlobalType(GlobalType g)
    {
        if (g.Mutable) _s.Append("(mut ").Append(TypeText(g.Type)).Append(')');
        else _s.Append(TypeText(g.Type));
    }

    // ---- Segments

    void PrintElement(int index, ElementSegment e)
    {
        Line().Append("(elem (;").Append(index).Append(";)");
        if (e.Mode == SegmentMode.Declarative) _s.Append(" declare");
        if (e.Mode == SegmentMode.Active)
        {
            _s.Append(" (table ").Append(e.TableIndex).Append(") (offset ");
            ConstExprBody(e.Offset!.Value);
            _s.Append(')');
        }
        if (e.FuncIndices is { } indices && e.Type == ValType.Ref(HeapType.Func, nullable: false))
        {
            _s.Append(" func");
            foreach (uint f in indices) _s.Append(' ').Append(f);
        }
        else
        {
            _s.Append(' ').Append(TypeText(e.Type));
            if (e.FuncIndices is { } fs) foreach (uint f in fs) _s.Append(" (item ref.func ").Append(f).Append(')');
            if (e.Exprs is { } xs)
                foreach (var x in xs) { _s.Append(" (item "); ConstExprBody(x); _s.Append(')'); }
        }
        _s.Append(')');
    }

    /// <summary>The instructions of a constant expression on one line, without the final end.</summary>
    void ConstExprBody(ConstExpr e)
    {
        var reader = OperatorReader.ForConstExpr(e.Code.Span, 0, _buffers);
        var op = default(Operator);
        bool first = true;
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            if (reader.AtEnd) break;   // the final end
            if (!first) _s.Append(' ');
            first = false;
            Instruction(op);
        }
    }

    // ---- Functions

    void PrintFunction(int index, int defined)
    {
        Line().Append("(func (;").Append(index).Append(";) (type ").Append(_m.Functions[defined]).Append(')');
        var body = _m.Code[defined];
        if (body.Locals.Length > 0)
        {
            _s.Append(" (local");
            foreach (var g in body.Locals)
                for (uint i = 0; i < g.Count; i++) _s.Append(' ').Append(TypeText(g.Type));
            _s.Append(')');
        }
        _indent++;
        var reader = OperatorReader.ForBody(body.Code.Span, 0, _buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            if (reader.AtEnd) break;   // the function's end
            switch (op.Opcode)
            {
                case Opcode.End:
                    _indent--;
                    Line().Append("end");
                    continue;
                case Opcode.Else: case Opcode.Catch: case Opcode.CatchAll:
                    _indent--;
                    Line();
                    Instruction(op);
                    _indent++;
                    continue;
                case Opcode.Delegate:
                    _indent--;
                    Line();
                    Instruction(op);
                    continue;
            }
            Line();
            Instruction(op);
            if (op.Opcode is Opcode.Block or Opcode.Loop or Opcode.If or Opcode.Try or Opcode.TryTable) _indent++;
        }
        _indent--;
        _s.Append(')');
    }

    /// <summary>One instruction: its mnemonic, then each immediate after a space.</summary>
    void Instruction(in Operator op)
    {
        Opcode code = op.Opcode;
        var inv = CultureInfo.InvariantCulture;
        _s.Append(code.Mnemonic());
        switch (code.Immediates())
        {
            case ImmediateKind.None: break;
            case ImmediateKind.Block: BlockType(op.Block); break;
            case ImmediateKind.TryTable:
                BlockType(op.Block);
                foreach (var c in op.Catches)
                {
                    _s.Append(c.Kind switch
                    {
                        CatchKind.Catch => " (catch ", CatchKind.CatchRef => " (catch_ref ", CatchKind.CatchAll => " (catch_all ", _ => " (catch_all_ref ",
                    });
                    if (c.Kind is CatchKind.Catch or CatchKind.CatchRef) _s.Append(c.Tag).Append(' ');
                    _s.Append(c.Label).Append(')');
                }
                break;
            case ImmediateKind.BrTable:
                foreach (uint t in op.Targets) _s.Append(' ').Append(t);
                _s.Append(' ').Append(op.Index);
                break;
            case ImmediateKind.CallIndirect: _s.Append(' ').Append(op.Index2).Append(" (type ").Append(op.Index).Append(')'); break;
            case ImmediateKind.MemArg: MemArg(code, op.MemArg); break;
            case ImmediateKind.MemArgLane: MemArg(code, op.MemArg); _s.Append(' ').Append(op.Index); break;
            case ImmediateKind.I32: _s.Append(' ').Append(((int)(uint)op.Bits).ToString(inv)); break;
            case ImmediateKind.I64: _s.Append(' ').Append(((long)op.Bits).ToString(inv)); break;
            case ImmediateKind.F32: _s.Append(' ').Append(NumericFormat.FormatF32((uint)op.Bits)); break;
            case ImmediateKind.F64: _s.Append(' ').Append(NumericFormat.FormatF64(op.Bits)); break;
            case ImmediateKind.V128:
            {
                _s.Append(" i32x4");
                var v = op.V128;
                foreach (uint lane in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(v.Bytes))
                    _s.Append(" 0x").Append(lane.ToString("x8", inv));
                break;
            }
            case ImmediateKind.Shuffle:
            {
                var v = op.V128;
                foreach (byte lane in v.Bytes) _s.Append(' ').Append(lane);
                break;
            }
            case ImmediateKind.SelectTypes:
                _s.Append(" (result");
                foreach (var t in op.Types) _s.Append(' ').Append(TypeText(t));
                _s.Append(')');
                break;
            case ImmediateKind.HeapType:
                // ref.null names a heap type; ref.test / ref.cast a reference type whose nullability is the opcode's.
                if (code == Opcode.RefNull) _s.Append(' ').Append(op.Heap);
                else _s.Append(' ').Append(TypeText(ValType.Ref(op.Heap, code is Opcode.RefTestNull or Opcode.RefCastNull)));
                break;
            case ImmediateKind.DataMemory: case ImmediateKind.ElemTable:
                _s.Append(' ').Append(op.Index2).Append(' ').Append(op.Index);   // memory.init mem data, table.init table elem
                break;
            case ImmediateKind.MemoryMemory: case ImmediateKind.TableTable: case ImmediateKind.TypeField: case ImmediateKind.TypeData:
            case ImmediateKind.TypeElem: case ImmediateKind.TypeCount: case ImmediateKind.TypeType:
                _s.Append(' ').Append(op.Index).Append(' ').Append(op.Index2);
                break;
            case ImmediateKind.BrOnCast:
                _s.Append(' ').Append(op.Index).Append(' ').Append(TypeText(ValType.Ref(op.Heap, op.Nullable))).Append(' ').Append(TypeText(ValType.Ref(op.Heap2, op.Nullable2)));
                break;
            case ImmediateKind.ZeroByte: break;   // atomic.fence: the reserved byte has no text form
            default: _s.Append(' ').Append(op.Index); break;   // one index: label, func, local, global, table, memory, type, data, elem, tag, lane
        }
    }

    void BlockType(BlockType b)
    {
        switch (b.Kind)
        {
            case BlockTypeKind.Empty: break;
            case BlockTypeKind.Value: _s.Append(" (result ").Append(TypeText(b.Value)).Append(')'); break;
            default: _s.Append(" (type ").Append(b.TypeIndex).Append(')'); break;
        }
    }

    void MemArg(Opcode code, MemArg m)
    {
        if (m.Memory != 0) _s.Append(' ').Append(m.Memory);
        if (m.Offset != 0) _s.Append(" offset=").Append(m.Offset);
        if (m.AlignLog2 != (uint)code.NaturalAlignmentLog2()) _s.Append(" align=").Append(1UL << (int)m.AlignLog2);
    }

    /// <summary>The @custom placement keyword of a known section id, or null.</summary>
    static string? SectionName(byte id) => id switch
    {
        1 => "type", 2 => "import", 3 => "func", 4 => "table", 5 => "memory", 6 => "global", 7 => "export",
        8 => "start", 9 => "elem", 10 => "code", 11 => "data", 12 => "datacount", 13 => "tag",
        _ => null,
    };

    /// <summary>
    /// A value or storage type in the text format: the short form of a nullable abstract reference
    /// (<c>funcref</c>, <c>nullref</c>, <c>nullfuncref</c> ...), else <c>(ref null? ht)</c>.
    /// </summary>
    public static string TypeText(ValType t)
    {
        if (!t.IsRef) return t.ToString();
        string heap = t.Heap.AbstractName ?? t.Heap.Code.ToString(CultureInfo.InvariantCulture);
        if (!t.Nullable || !t.Heap.IsAbstract) return t.Nullable ? $"(ref null {heap})" : $"(ref {heap})";
        return heap switch
        {
            "none" => "nullref",
            "nofunc" => "nullfuncref",
            "noextern" => "nullexternref",
            "noexn" => "nullexnref",
            _ => heap + "ref",
        };
    }

    // ---- Strings

    static string Quote(string s) => Quote(Encoding.UTF8.GetBytes(s));

    /// <summary>A string literal: printable ASCII as is, everything else as <c>\hh</c>.</summary>
    static string Quote(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 2);
        sb.Append('"');
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != '"' && b != '\\') sb.Append((char)b);
            else sb.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.Append('"').ToString();
    }
}
