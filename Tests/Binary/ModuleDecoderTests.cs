using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>Decoding each section of a well-formed module into the model.</summary>
public class ModuleDecoderTests
{
    static readonly ValType RefFunc = ValType.Ref(HeapType.Func, nullable: false);

    static WasmModule Decode(ModuleBytes b) => ModuleDecoder.Decode(b.ToArray());

    [Fact]
    public void EmptyModule()
    {
        var m = ModuleDecoder.Decode(new ModuleBytes().ToArray());
        Assert.Empty(m.Types);
        Assert.Empty(m.CustomSections);
        Assert.Null(m.Start);
    }

    [Fact]
    public void TypeSectionWithAllCompositeKindsAndRecGroups()
    {
        var m = Decode(new ModuleBytes().Section(SectionId.Type,
            0x04,                                           // 4 rec groups
            0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,             // type 0: (func (param i32 i64) (result f32))
            0x4E, 0x02,                                     // rec group of 2:
              0x50, 0x00, 0x5F, 0x02, 0x78, 0x01, 0x77, 0x00,   // type 1: (sub (struct (field (mut i8)) (field i16)))
              0x4F, 0x01, 0x01, 0x5F, 0x03, 0x78, 0x01, 0x77, 0x00, 0x63, 0x02, 0x00, // type 2: (sub final 1 (struct ... (ref null 2)))
            0x5E, 0x64, 0x6E, 0x01,                         // type 3: (array (mut (ref any)))
            0x4E, 0x00));                                   // an empty rec group
        Assert.Equal(4, m.Types.Count);
        Assert.Equal(new[] { new RecGroup(0, 1, false), new RecGroup(1, 2, true), new RecGroup(3, 1, false), new RecGroup(4, 0, true) }, m.RecGroups);
        var f = m.Types[0].AsFunc!;
        Assert.Equal(new[] { ValType.I32, ValType.I64 }, f.Params);
        Assert.Equal(new[] { ValType.F32 }, f.Results);
        Assert.True(m.Types[0].Final);
        Assert.Empty(m.Types[0].Supertypes);
        Assert.False(m.Types[1].Final);
        Assert.Equal(new[] { new FieldType(ValType.I8, true), new FieldType(ValType.I16, false) }, m.Types[1].AsStruct!.Fields);
        Assert.True(m.Types[2].Final);
        Assert.Equal(new uint[] { 1 }, m.Types[2].Supertypes);
        Assert.Equal(ValType.Ref(HeapType.Concrete(2), true), m.Types[2].AsStruct!.Fields[2].Storage);
        Assert.Equal(new FieldType(ValType.Ref(HeapType.Any, false), true), m.Types[3].AsArray!.Element);
        Assert.Equal(new[] { 0, 1, 1, 2 }, m.Types.Select(t => t.RecGroup));
    }

    [Fact]
    public void ImportsOfEveryKind()
    {
        var m = Decode(new ModuleBytes()
            .Section(SectionId.Type, 0x01, 0x60, 0x00, 0x00)
            .Section(SectionId.Import, w =>
            {
                w.U32(5);
                w.Name("m"); w.Name("f"); w.Byte(0); w.U32(0);
                w.Name("m"); w.Name("t"); w.Byte(1); w.Byte(0x70); w.Byte(0x05); w.U64(1); w.U64(1UL << 40);
                w.Name("m"); w.Name("mem"); w.Byte(2); w.Byte(0x03); w.U64(1); w.U64(2);
                w.Name("m"); w.Name("g"); w.Byte(3); w.Byte(0x7C); w.Byte(1);
                w.Name("m"); w.Name("é"); w.Byte(4); w.Byte(0); w.U32(0);
            }));
        Assert.Equal(5, m.Imports.Count);
        Assert.Equal(new Import("m", "f", ImportDesc.ForFunc(0)), m.Imports[0]);
        Assert.Equal(new TableType(ValType.FuncRef, new Limits(1, 1UL << 40, Is64: true)), m.Imports[1].Desc.Table);
        Assert.Equal(new MemoryType(new Limits(1, 2, Shared: true)), m.Imports[2].Desc.Memory);
        Assert.Equal(new GlobalType(ValType.F64, true), m.Imports[3].Desc.Global);
        Assert.Equal(ExternKind.Tag, m.Imports[4].Desc.Kind);
        Assert.Equal("é", m.Imports[4].Name);
        Assert.Equal(1, m.ImportedFunctionCount);
        Assert.Equal(1, m.ImportedTagCount);
    }

    [Fact]
    public void EntitySections()
    {
        var m = Decode(new ModuleBytes()
            .Section(SectionId.Type, 0x01, 0x60, 0x00, 0x00)
            .Section(SectionId.Function, 0x02, 0x00, 0x00)
            .Section(SectionId.Table, 0x02,
                0x70, 0x00, 0x0A,                                   // funcref, min 10
                0x40, 0x00, 0x64, 0x70, 0x01, 0x01, 0x02, 0xD2, 0x00, 0x0B) // (ref func) 1..2 (ref.func 0)
            .Section(SectionId.Memory, 0x02, 0x00, 0x01, 0x05, 0x00, 0x80, 0x80, 0x04)
            .Section(SectionId.Tag, 0x01, 0x00, 0x00)
            .Section(SectionId.Global, 0x01, 0x7F, 0x01, 0x41, 0x2A, 0x0B)
            .Section(SectionId.Export, 0x02, 0x01, 0x66, 0x00, 0x01, 0x01, 0x74, 0x04, 0x00)
            .Section(SectionId.Start, 0x01)
            .Section(SectionId.Code, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B));
        Assert.Equal(new uint[] { 0, 0 }, m.Functions);
        Assert.Equal(new TableType(ValType.FuncRef, new Limits(10, null)), m.Tables[0].Type);
        Assert.Null(m.Tables[0].Init);
        Assert.Equal(new TableType(RefFunc, new Limits(1, 2)), m.Tables[1].Type);
        Assert.Equal(new byte[] { 0xD2, 0x00, 0x0B }, m.Tables[1].Init!.Value.Code.ToArray());
        Assert.Equal(new MemoryType(new Limits(1, null)), m.Memories[0]);
        Assert.Equal(new MemoryType(new Limits(0, 0x10000, Is64: true)), m.Memories[1]);
        Assert.Equal(new TagType(0), m.Tags[0]);
        Assert.Equal(new GlobalType(ValType.I32, true), m.Globals[0].Type);
        Assert.Equal(new byte[] { 0x41, 0x2A, 0x0B }, m.Globals[0].Init.Code.ToArray());
        Assert.Equal(new[] { new Export("f", ExternKind.Func, 1), new Export("t", ExternKind.Tag, 0) }, m.Exports);
        Assert.Equal(1u, m.Start);
    }

    [Fact]
    public void ConstExprOffsetsAreAbsolute()
    {
        var b = new ModuleBytes().Section(SectionId.Global, 0x01, 0x7E, 0x00, 0x42, 0x80, 0x01, 0x0B);
        var m = Decode(b);
        // header 8, section id + size 2, count 1, type + mut 2
        Assert.Equal(13, m.Globals[0].Init.Offset);
        Assert.Equal(new byte[] { 0x42, 0x80, 0x01, 0x0B }, m.Globals[0].Init.Code.ToArray());
    }

    [Fact]
    public void ExtendedConstExprIsReadToItsFinalEnd()
    {
        var m = Decode(new ModuleBytes().Section(SectionId.Global, 0x01, 0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B));
        Assert.Equal(6, m.Globals[0].Init.Code.Length);
    }

    [Fact]
    public void ElementSegmentsOfAllEightForms()
    {
        var m = Decode(new ModuleBytes()
            .Section(SectionId.Element, 0x08,
                0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x01,                   // 0: active table 0, indices
                0x01, 0x00, 0x01, 0x02,                                     // 1: passive, elemkind, indices
                0x02, 0x03, 0x41, 0x05, 0x0B, 0x00, 0x01, 0x00,             // 2: active table 3, elemkind, indices
                0x03, 0x00, 0x00,                                           // 3: declarative, no items
                0x04, 0x41, 0x00, 0x0B, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B, // 4: active table 0, exprs
                0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,                         // 5: passive externref exprs
                0x06, 0x01, 0x41, 0x00, 0x0B, 0x64, 0x70, 0x00,             // 6: active table 1 (ref func), no items
                0x07, 0x70, 0x01, 0xD2, 0x01, 0x0B));                       // 7: declarative funcref exprs
        var e = m.Elements;
        Assert.Equal(8, e.Count);
        Assert.Equal((SegmentMode.Active, RefFunc, 0u), (e[0].Mode, e[0].Type, e[0].TableIndex));
        Assert.Equal(new uint[] { 0, 1 }, e[0].FuncIndices);
        Assert.Equal(new byte[] { 0x41, 0x00, 0x0B }, e[0].Offset!.Value.Code.ToArray());
        Assert.Equal((SegmentMode.Passive, RefFunc), (e[1].Mode, e[1].Type));
        Assert.Null(e[1].Offset);
        Assert.Equal((SegmentMode.Active, 3u), (e[2].Mode, e[2].TableIndex));
        Assert.Equal(new uint[] { 0 }, e[2].FuncIndices);
        Assert.Equal((SegmentMode.Declarative, 0), (e[3].Mode, e[3].Count));
        Assert.Equal((SegmentMode.Active, ValType.FuncRef, 2), (e[4].Mode, e[4].Type, e[4].Count));
        Assert.Null(e[4].FuncIndices);
        Assert.Equal(new byte[] { 0xD0, 0x70, 0x0B }, e[4].Exprs![1].Code.ToArray());
        Assert.Equal((SegmentMode.Passive, ValType.ExternRef), (e[5].Mode, e[5].Type));
        Assert.Equal((SegmentMode.Active, 1u, RefFunc), (e[6].Mode, e[6].TableIndex, e[6].Type));
        Assert.NotNull(e[6].Exprs);
        Assert.Equal((SegmentMode.Declarative, ValType.FuncRef, 1), (e[7].Mode, e[7].Type, e[7].Count));
    }

    [Fact]
    public void DataSegmentsOfAllThreeFormsAndDataCount()
    {
        var bytes = new ModuleBytes()
            .Section(SectionId.DataCount, 0x03)
            .Section(SectionId.Data, 0x03,
                0x00, 0x41, 0x08, 0x0B, 0x02, 0xAA, 0xBB,
                0x01, 0x01, 0xCC,
                0x02, 0x02, 0x42, 0x00, 0x0B, 0x00).ToArray();
        var m = ModuleDecoder.Decode(bytes);
        Assert.Equal(3u, m.DataCount);
        Assert.Equal((SegmentMode.Active, 0u), (m.Data[0].Mode, m.Data[0].MemoryIndex));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, m.Data[0].Bytes.ToArray());
        Assert.Equal(SegmentMode.Passive, m.Data[1].Mode);
        Assert.Null(m.Data[1].Offset);
        Assert.Equal((SegmentMode.Active, 2u, 0), (m.Data[2].Mode, m.Data[2].MemoryIndex, m.Data[2].Bytes.Length));
        Assert.Equal(new byte[] { 0x42, 0x00, 0x0B }, m.Data[2].Offset!.Value.Code.ToArray());
        // The data bytes are a slice of the input, not a copy.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(m.Data[0].Bytes, out var seg));
        Assert.Same(bytes, seg.Array);
    }

    [Fact]
    public void CodeBodiesKeepLocalsAndSliceTheInstructions()
    {
        var bytes = new ModuleBytes()
            .Section(SectionId.Type, 0x01, 0x60, 0x00, 0x00)
            .Section(SectionId.Function, 0x01, 0x00)
            .Section(SectionId.Code, 0x01, 0x08, 0x02, 0x02, 0x7F, 0x01, 0x63, 0x6E, 0x01, 0x0B).ToArray();
        var m = ModuleDecoder.Decode(bytes);
        var body = m.Code[0];
        Assert.Equal(new[] { new LocalGroup(2, ValType.I32), new LocalGroup(1, ValType.AnyRef) }, body.Locals);
        Assert.Equal(new byte[] { 0x01, 0x0B }, body.Code.ToArray());
        Assert.Equal(bytes.Length - 2, body.BodyOffset);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body.Code, out var seg));
        Assert.Same(bytes, seg.Array);
        // The streaming reader over the slice reports module offsets.
        var r = OperatorReader.ForBody(body.Code.Span, body.BodyOffset);
        Assert.Equal(bytes.Length - 2, r.Read().Offset);
    }

    [Fact]
    public void CustomSectionsKeepTheirPlace()
    {
        var m = Decode(new ModuleBytes()
            .Custom("first", 0x01)
            .Section(SectionId.Type, 0x00)
            .Custom("afterType", 0x02, 0x03)
            .Section(SectionId.Memory, 0x00)
            .Custom("afterMemory")
            .Section(SectionId.Tag, 0x00)
            .Custom("afterTag"));
        Assert.Equal(new[] { ("first", (byte)0), ("afterType", (byte)1), ("afterMemory", (byte)5), ("afterTag", (byte)13) },
            m.CustomSections.Select(c => (c.Name, c.After)));
        Assert.Equal(new byte[] { 0x02, 0x03 }, m.CustomSections[1].Data.ToArray());
    }

    [Fact]
    public void NameSectionIsParsedAndKeptRaw()
    {
        var w = new WasmWriter();
        w.Byte(0); w.U32(4); w.Name("mod");
        var funcs = new WasmWriter(); funcs.U32(2); funcs.U32(0); funcs.Name("main"); funcs.U32(3); funcs.Name("helper");
        w.Byte(1); w.Vector(funcs.WrittenSpan);
        var locals = new WasmWriter(); locals.U32(1); locals.U32(0); locals.U32(1); locals.U32(1); locals.Name("x");
        w.Byte(2); w.Vector(locals.WrittenSpan);
        w.Byte(7); w.Vector([0x00]);   // an unused subsection (global names) is skipped
        var m = Decode(new ModuleBytes().Custom("name", w.ToArray()));
        Assert.NotNull(m.Names);
        Assert.Equal("mod", m.Names!.ModuleName);
        Assert.Equal("main", m.Names.FunctionNames[0]);
        Assert.Equal("helper", m.FunctionName(3));
        Assert.Equal("x", m.Names.LocalNames[0][1]);
        Assert.Single(m.CustomSections);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x05, 0x01, 0x00 })]             // function names: length past the subsection
    [InlineData(new byte[] { 0x01, 0x03, 0x01, 0x00, 0x01, 0xFF })] // not UTF-8 (and cut short)
    [InlineData(new byte[] { 0x01, 0x01, 0x00, 0x00, 0x01, 0x00 })] // subsections out of order
    [InlineData(new byte[] { 0x00 })]                               // subsection without a size
    public void MalformedNameSectionDoesNotFailTheModule(byte[] contents)
    {
        var m = Decode(new ModuleBytes().Custom("name", contents));
        Assert.Null(m.Names);
        Assert.Equal("name", m.CustomSections.Single().Name);
    }

    [Fact]
    public void CustomPageSizesAreAnOption()
    {
        var bytes = new ModuleBytes().Section(SectionId.Memory, 0x01, 0x08, 0x01, 0x00).ToArray();
        Assert.Equal("malformed limits flags", ModuleBytes.Malformed(bytes).Message);
        var m = ModuleDecoder.Decode(bytes, new DecoderOptions { CustomPageSizes = true });
        Assert.Equal(new Limits(1, null, PageSizeLog2: 0), m.Memories[0].Limits);
    }

    [Fact]
    public void ErrorsCarryTheFileName()
    {
        var e = ModuleBytes.Malformed([0x00, 0x61, 0x73]);
        Assert.Null(e.Location.File);
        try { ModuleDecoder.Decode(new byte[] { 0x00, 0x61, 0x73 }, "x.wasm"); Assert.Fail("expected an error"); }
        catch (MalformedException e2) { Assert.Equal("x.wasm:0x3: unexpected end", e2.OneLine); }
    }
}
