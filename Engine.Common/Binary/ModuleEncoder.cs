namespace Hoist.Wasm.Binary;

/// <summary>
/// Encodes a <see cref="WasmModule"/> in the binary format, canonically: known sections in the
/// order of <see cref="SectionOrder.Canonical"/>, each only when the model has something for it
/// (non-empty lists; Start and DataCount when set), with minimal LEB128 sizes and counts.
/// <para>
/// Invariant (tested): for any module M with B = Encode(M), Encode(Decode(B)) == B byte for byte.
/// To that end every choice below depends only on what decoding B gives back:
/// </para>
/// <list type="bullet">
/// <item>Custom sections go back where they were: those with <see cref="CustomSection.After"/> = 0
/// first, then after each known section's slot (present or not) those that followed it, in list order.</item>
/// <item>The name section: a raw custom section named "name" is written as kept, and then
/// <see cref="WasmModule.Names"/> is ignored. Only when there is none and Names is set is a name
/// section encoded from Names, at the very end.</item>
/// <item>Element segments use the shortest flag form for their mode, table, type and items:
/// function indices when the items are indices and the type is <c>(ref func)</c> (forms 0-3),
/// otherwise expressions (forms 4-7; indices of another type become <c>ref.func</c> expressions);
/// the implicit-table forms 0 and 4 for table 0 (form 4 only with type funcref).</item>
/// <item>Data segments: form 0 for memory 0, form 2 for another memory, form 1 when passive.</item>
/// <item>Types: a rec group is written with 0x4E when it was explicit or holds other than one type;
/// a final type without supertypes is written as its bare composite type.</item>
/// <item>The model is written as it is: counts (DataCount) are not recomputed, locals are not merged.</item>
/// </list>
/// </summary>
public sealed class ModuleEncoder
{
    static readonly ValType RefFunc = ValType.Ref(HeapType.Func, nullable: false);

    readonly WasmModule _m;
    readonly WasmWriter _out = new(4096);
    readonly WasmWriter _section = new(1024);
    readonly WasmWriter _scratch = new(256);

    ModuleEncoder(WasmModule module) => _m = module;

    public static byte[] Encode(WasmModule module)
    {
        var e = new ModuleEncoder(module);
        e.EncodeModule();
        return e._out.ToArray();
    }

    void EncodeModule()
    {
        _out.Bytes([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);
        WriteCustomSections(0);
        foreach (var id in SectionOrder.Canonical)
        {
            _section.Clear();
            if (WriteSection(id))
            {
                _out.Byte((byte)id);
                _out.Vector(_section.WrittenSpan);
            }
            WriteCustomSections((byte)id);
        }
        // Custom sections placed after an id that is no known section: at the end.
        foreach (var c in _m.CustomSections)
            if (SectionOrder.Rank(c.After) <= 0 && c.After != 0) WriteCustom(c.Name, c.Data.Span);
        bool hasRawNames = _m.CustomSections.Exists(c => c.Name == "name");
        if (_m.Names is not null && !hasRawNames)
        {
            _section.Clear();
            NameSectionWriter.Write(_section, _m.Names);
            WriteCustom("name", _section.WrittenSpan);
        }
    }

    void WriteCustomSections(byte after)
    {
        foreach (var c in _m.CustomSections)
            if (c.After == after) WriteCustom(c.Name, c.Data.Span);
    }

    void WriteCustom(string name, ReadOnlySpan<byte> data)
    {
        _scratch.Clear();
        _scratch.Name(name);
        _out.Byte((byte)SectionId.Custom);
        _out.U32((uint)(_scratch.Length + data.Length));
        _out.Bytes(_scratch.WrittenSpan);
        _out.Bytes(data);
    }

    /// <summary>Writes the contents of section <paramref name="id"/> into <see cref="_section"/>; false when it is omitted.</summary>
    bool WriteSection(SectionId id)
    {
        var w = _section;
        switch (id)
        {
            case SectionId.Type:
                if (_m.RecGroups.Count == 0) return false;
                w.U32((uint)_m.RecGroups.Count);
                foreach (var g in _m.RecGroups) WriteRecGroup(w, g);
                return true;
            case SectionId.Import:
                if (_m.Imports.Count == 0) return false;
                w.U32((uint)_m.Imports.Count);
                foreach (var imp in _m.Imports) WriteImport(w, imp);
                return true;
            case SectionId.Function:
                if (_m.Functions.Count == 0) return false;
                w.U32((uint)_m.Functions.Count);
                foreach (var f in _m.Functions) w.U32(f);
                return true;
            case SectionId.Table:
                if (_m.Tables.Count == 0) return false;
                w.U32((uint)_m.Tables.Count);
                foreach (var t in _m.Tables)
                {
                    if (t.Init is ConstExpr init) { w.Byte(0x40); w.Byte(0x00); WriteTableType(w, t.Type); w.Bytes(init.Code.Span); }
                    else WriteTableType(w, t.Type);
                }
                return true;
            case SectionId.Memory:
                if (_m.Memories.Count == 0) return false;
                w.U32((uint)_m.Memories.Count);
                foreach (var mem in _m.Memories) WriteLimits(w, mem.Limits);
                return true;
            case SectionId.Tag:
                if (_m.Tags.Count == 0) return false;
                w.U32((uint)_m.Tags.Count);
                foreach (var tag in _m.Tags) WriteTagType(w, tag);
                return true;
            case SectionId.Global:
                if (_m.Globals.Count == 0) return false;
                w.U32((uint)_m.Globals.Count);
                foreach (var g in _m.Globals) { WriteGlobalType(w, g.Type); w.Bytes(g.Init.Code.Span); }
                return true;
            case SectionId.Export:
                if (_m.Exports.Count == 0) return false;
                w.U32((uint)_m.Exports.Count);
                foreach (var e in _m.Exports) { w.Name(e.Name); w.Byte((byte)e.Kind); w.U32(e.Index); }
                return true;
            case SectionId.Start:
                if (_m.Start is not uint start) return false;
                w.U32(start);
                return true;
            case SectionId.Element:
                if (_m.Elements.Count == 0) return false;
                w.U32((uint)_m.Elements.Count);
                foreach (var e in _m.Elements) WriteElementSegment(w, e);
                return true;
            case SectionId.DataCount:
                if (_m.DataCount is not uint count) return false;
                w.U32(count);
                return true;
            case SectionId.Code:
                if (_m.Code.Count == 0) return false;
                w.U32((uint)_m.Code.Count);
                foreach (var body in _m.Code) WriteBody(w, body);
                return true;
            case SectionId.Data:
                if (_m.Data.Count == 0) return false;
                w.U32((uint)_m.Data.Count);
                foreach (var d in _m.Data) WriteDataSegment(w, d);
                return true;
            default:
                return false;
        }
    }

    // ---- Types

    void WriteRecGroup(WasmWriter w, RecGroup g)
    {
        if (g.Explicit || g.Count != 1) { w.Byte(0x4E); w.U32((uint)g.Count); }
        for (int i = g.Start; i < g.Start + g.Count; i++) WriteSubType(w, _m.Types[i]);
    }

    static void WriteSubType(WasmWriter w, SubType t)
    {
        if (!t.Final || t.Supertypes.Length > 0)
        {
            w.Byte(t.Final ? (byte)0x4F : (byte)0x50);
            w.U32((uint)t.Supertypes.Length);
            foreach (var s in t.Supertypes) w.U32(s);
        }
        switch (t.Composite)
        {
            case FuncType f:
                w.Byte(0x60);
                w.U32((uint)f.Params.Length);
                foreach (var p in f.Params) w.ValType(p);
                w.U32((uint)f.Results.Length);
                foreach (var r in f.Results) w.ValType(r);
                break;
            case StructType s:
                w.Byte(0x5F);
                w.U32((uint)s.Fields.Length);
                foreach (var field in s.Fields) WriteFieldType(w, field);
                break;
            case ArrayType a:
                w.Byte(0x5E);
                WriteFieldType(w, a.Element);
                break;
        }
    }

    static void WriteFieldType(WasmWriter w, FieldType f)
    {
        w.ValType(f.Storage);
        w.Byte(f.Mutable ? (byte)1 : (byte)0);
    }

    static void WriteLimits(WasmWriter w, Limits l)
    {
        byte flags = 0;
        if (l.Max is not null) flags |= 0x01;
        if (l.Shared) flags |= 0x02;
        if (l.Is64) flags |= 0x04;
        if (l.PageSizeLog2 != 16) flags |= 0x08;
        w.Byte(flags);
        w.U64(l.Min);
        if (l.Max is ulong max) w.U64(max);
        if (l.PageSizeLog2 != 16) w.U32((uint)l.PageSizeLog2);
    }

    static void WriteTableType(WasmWriter w, TableType t)
    {
        w.ValType(t.Element);
        WriteLimits(w, t.Limits);
    }

    static void WriteGlobalType(WasmWriter w, GlobalType g)
    {
        w.ValType(g.Type);
        w.Byte(g.Mutable ? (byte)1 : (byte)0);
    }

    static void WriteTagType(WasmWriter w, TagType t)
    {
        w.Byte(t.Attribute);
        w.U32(t.TypeIndex);
    }

    static void WriteImport(WasmWriter w, Import imp)
    {
        w.Name(imp.Module);
        w.Name(imp.Name);
        w.Byte((byte)imp.Desc.Kind);
        switch (imp.Desc.Kind)
        {
            case ExternKind.Func: w.U32(imp.Desc.TypeIndex); break;
            case ExternKind.Table: WriteTableType(w, imp.Desc.Table); break;
            case ExternKind.Memory: WriteLimits(w, imp.Desc.Memory.Limits); break;
            case ExternKind.Global: WriteGlobalType(w, imp.Desc.Global); break;
            case ExternKind.Tag: WriteTagType(w, new TagType(imp.Desc.TypeIndex)); break;
        }
    }

    // ---- Segments and code

    static void WriteElementSegment(WasmWriter w, ElementSegment e)
    {
        bool indices = e.FuncIndices is not null && e.Type == RefFunc;
        bool implicitTable = e.Mode == SegmentMode.Active && e.TableIndex == 0 && (indices || e.Type == ValType.FuncRef);
        uint flags = e.Mode switch
        {
            SegmentMode.Passive => 1u,
            SegmentMode.Declarative => 3u,
            _ => implicitTable ? 0u : 2u,
        };
        if (!indices) flags |= 4;
        w.U32(flags);
        if (e.Mode == SegmentMode.Active)
        {
            if (!implicitTable) w.U32(e.TableIndex);
            w.Bytes(e.Offset!.Value.Code.Span);
        }
        if (!implicitTable)
        {
            if (indices) w.Byte(0x00);   // element kind: (ref func)
            else w.ValType(e.Type);
        }
        w.U32((uint)e.Count);
        if (indices)
        {
            foreach (var f in e.FuncIndices!) w.U32(f);
        }
        else if (e.Exprs is not null)
        {
            foreach (var x in e.Exprs) w.Bytes(x.Code.Span);
        }
        else
        {
            foreach (var f in e.FuncIndices!) { w.Opcode(Opcode.RefFunc); w.U32(f); w.Opcode(Opcode.End); }
        }
    }

    static void WriteDataSegment(WasmWriter w, DataSegment d)
    {
        if (d.Mode != SegmentMode.Active) w.U32(1);
        else if (d.MemoryIndex == 0) { w.U32(0); w.Bytes(d.Offset!.Value.Code.Span); }
        else { w.U32(2); w.U32(d.MemoryIndex); w.Bytes(d.Offset!.Value.Code.Span); }
        w.Vector(d.Bytes.Span);
    }

    void WriteBody(WasmWriter w, FunctionBody body)
    {
        _scratch.Clear();
        _scratch.U32((uint)body.Locals.Length);
        foreach (var l in body.Locals) { _scratch.U32(l.Count); _scratch.ValType(l.Type); }
        _scratch.Bytes(body.Code.Span);
        w.Vector(_scratch.WrittenSpan);
    }
}
