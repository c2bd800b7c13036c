using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>The encoder: canonical output, and Encode(Decode(Encode(M))) == Encode(M).</summary>
public class ModuleEncoderTests
{
    static readonly ValType RefFunc = ValType.Ref(HeapType.Func, nullable: false);

    static ConstExpr Expr(params byte[] code) => new(code);
    static ConstExpr I32(int v)
    {
        var w = new WasmWriter();
        w.Opcode(Opcode.I32Const); w.S32(v); w.Opcode(Opcode.End);
        return new ConstExpr(w.ToArray());
    }

    /// <summary>A module with something in every section and every element and data form.</summary>
    static WasmModule Everything()
    {
        var m = new WasmModule();
        void Group(bool isExplicit, params SubType[] types)
        {
            int start = m.Types.Count;
            foreach (var t in types) { t.RecGroup = m.RecGroups.Count; m.Types.Add(t); }
            m.RecGroups.Add(new RecGroup(start, types.Length, isExplicit));
        }
        Group(false, new SubType(true, [], new FuncType([], [])));                                        // 0
        Group(false, new SubType(true, [], new FuncType([ValType.I32, ValType.I64], [ValType.F64])));     // 1
        Group(true,
            new SubType(false, [], new StructType([new FieldType(ValType.I8, true), new FieldType(ValType.Ref(HeapType.Concrete(3), true), false)])), // 2
            new SubType(true, [2], new StructType([new FieldType(ValType.I8, true), new FieldType(ValType.V128, false), new FieldType(ValType.I16, false)]))); // 3
        Group(true, new SubType(true, [], new ArrayType(new FieldType(ValType.Ref(HeapType.Any, false), true)))); // 4: explicit group of one
        Group(true);                                                                                       // an empty rec group
        Group(false, new SubType(false, [], new FuncType([ValType.ExnRef], [])));                          // 5: non-final, no supers

        m.Imports.Add(new Import("env", "f", ImportDesc.ForFunc(1)));
        m.Imports.Add(new Import("env", "t", ImportDesc.ForTable(new TableType(ValType.ExternRef, new Limits(1, 10)))));
        m.Imports.Add(new Import("env", "m", ImportDesc.ForMemory(new MemoryType(new Limits(1, 1UL << 33, Is64: true)))));
        m.Imports.Add(new Import("env", "g", ImportDesc.ForGlobal(new GlobalType(ValType.F32, false))));
        m.Imports.Add(new Import("env", "ëxn", ImportDesc.ForTag(new TagType(0))));
        m.Functions.AddRange([0, 1, 0]);
        m.Tables.Add(new TableDef(new TableType(ValType.FuncRef, new Limits(4, null)), null));
        m.Tables.Add(new TableDef(new TableType(RefFunc, new Limits(2, 2, Is64: true)), Expr(0xD2, 0x01, 0x0B)));
        m.Memories.Add(new MemoryType(new Limits(1, 2, Shared: true)));
        m.Memories.Add(new MemoryType(new Limits(0, null)));
        m.Tags.Add(new TagType(0));
        m.Globals.Add(new GlobalDef(new GlobalType(ValType.I32, true), I32(-7)));
        m.Globals.Add(new GlobalDef(new GlobalType(ValType.Ref(HeapType.Concrete(2), true), false), Expr(0xD0, 0x02, 0x0B)));
        m.Exports.Add(new Export("run", ExternKind.Func, 1));
        m.Exports.Add(new Export("mem", ExternKind.Memory, 0));
        m.Exports.Add(new Export("tag", ExternKind.Tag, 1));
        m.Start = 2;
        m.Elements.Add(new ElementSegment(SegmentMode.Active, RefFunc, 0, I32(0), [1, 2], null));                   // form 0
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, RefFunc, 0, null, [3], null));                       // form 1
        m.Elements.Add(new ElementSegment(SegmentMode.Active, RefFunc, 2, I32(1), [1], null));                      // form 2
        m.Elements.Add(new ElementSegment(SegmentMode.Declarative, RefFunc, 0, null, [2], null));                   // form 3
        m.Elements.Add(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, I32(2), null, [Expr(0xD0, 0x70, 0x0B)])); // form 4
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, ValType.ExternRef, 0, null, null, [Expr(0xD0, 0x6F, 0x0B)])); // form 5
        m.Elements.Add(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 1, I32(0), null, []));              // form 6
        m.Elements.Add(new ElementSegment(SegmentMode.Declarative, ValType.FuncRef, 0, null, null, [Expr(0xD2, 0x00, 0x0B)])); // form 7
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, [0, 3], null));            // indices of funcref: form 5
        m.DataCount = 3;
        m.Code.Add(new FunctionBody([], new byte[] { 0x0B }));
        m.Code.Add(new FunctionBody([new LocalGroup(2, ValType.I32), new LocalGroup(1, ValType.V128), new LocalGroup(0, ValType.F32)],
            new byte[] { 0x20, 0x00, 0x20, 0x01, 0x6A, 0x1A, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B }));
        m.Code.Add(new FunctionBody([new LocalGroup(1, ValType.Ref(HeapType.Concrete(3), true))], new byte[] { 0x01, 0x0B }));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, I32(16), new byte[] { 1, 2, 3 }));
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[] { 4 }));
        m.Data.Add(new DataSegment(SegmentMode.Active, 1, I32(0), Array.Empty<byte>()));
        m.CustomSections.Add(new CustomSection("atStart", new byte[] { 9 }, 0));
        m.CustomSections.Add(new CustomSection("afterTag", new byte[] { 8, 7 }, (byte)SectionId.Tag));
        m.CustomSections.Add(new CustomSection("afterCode", Array.Empty<byte>(), (byte)SectionId.Code));
        m.CustomSections.Add(new CustomSection("atEnd", new byte[] { 6 }, (byte)SectionId.Data));
        m.Names = new NameSection { ModuleName = "everything" };
        m.Names.FunctionNames[6] = "third";
        m.Names.FunctionNames[1] = "first";
        m.Names.LocalNames[6] = new() { [0] = "r" };
        m.Names.LocalNames[5] = new() { [2] = "c", [0] = "a" };
        return m;
    }

    [Fact]
    public void EncodeDecodeEncodeIsByteIdentical()
    {
        var b = ModuleEncoder.Encode(Everything());
        var decoded = ModuleDecoder.Decode(b);
        Assert.Equal(b, ModuleEncoder.Encode(decoded));
    }

    [Fact]
    public void DecodedModuleMatchesTheModel()
    {
        var m = Everything();
        var d = ModuleDecoder.Decode(ModuleEncoder.Encode(m));
        Assert.Equal(m.RecGroups, d.RecGroups);
        Assert.Equal(m.Types.Select(t => (t.Final, string.Join(",", t.Supertypes), t.Composite.Kind, t.RecGroup)),
                     d.Types.Select(t => (t.Final, string.Join(",", t.Supertypes), t.Composite.Kind, t.RecGroup)));
        Assert.Equal(m.Types[3].AsStruct!.Fields, d.Types[3].AsStruct!.Fields);
        Assert.Equal(m.Imports, d.Imports);
        Assert.Equal(m.Functions, d.Functions);
        Assert.Equal(m.Tables.Select(t => t.Type), d.Tables.Select(t => t.Type));
        Assert.Equal(m.Memories, d.Memories);
        Assert.Equal(m.Tags, d.Tags);
        Assert.Equal(m.Globals.Select(g => g.Type), d.Globals.Select(g => g.Type));
        Assert.Equal(m.Exports, d.Exports);
        Assert.Equal(m.Start, d.Start);
        Assert.Equal(m.DataCount, d.DataCount);
        Assert.Equal(m.Elements.Select(e => (e.Mode, e.TableIndex, e.Count)), d.Elements.Select(e => (e.Mode, e.TableIndex, e.Count)));
        Assert.Equal(m.Code.Select(c => c.Locals.Length), d.Code.Select(c => c.Locals.Length));
        Assert.Equal(m.Code[1].Code.ToArray(), d.Code[1].Code.ToArray());
        Assert.Equal(m.Data.Select(s => (s.Mode, s.MemoryIndex, s.Bytes.Length)), d.Data.Select(s => (s.Mode, s.MemoryIndex, s.Bytes.Length)));
        Assert.Equal(["atStart", "afterTag", "afterCode", "atEnd", "name"], d.CustomSections.Select(c => c.Name));
        Assert.Equal([0, 13, 10, 11, 11], d.CustomSections.Select(c => (int)c.After));
        Assert.Equal("everything", d.Names!.ModuleName);
        Assert.Equal("third", d.Names.FunctionNames[6]);
        Assert.Equal("c", d.Names.LocalNames[5][2]);
    }

    [Fact]
    public void IndexItemsOfAnotherTypeBecomeRefFuncExpressions()
    {
        var d = ModuleDecoder.Decode(ModuleEncoder.Encode(Everything()));
        var e = d.Elements[8];
        Assert.Equal(ValType.FuncRef, e.Type);
        Assert.Null(e.FuncIndices);
        Assert.Equal(new byte[] { 0xD2, 0x03, 0x0B }, e.Exprs![1].Code.ToArray());
    }

    /// <summary>The element section of a module holding just <paramref name="e"/>, after its count.</summary>
    static byte[] EncodedSegment(ElementSegment e)
    {
        var m = new WasmModule();
        m.Elements.Add(e);
        var bytes = ModuleEncoder.Encode(m);
        Assert.Equal((byte)SectionId.Element, bytes[8]);
        return bytes[11..];   // id, size (one byte here), count
    }

    [Theory]
    [InlineData(SegmentMode.Active, 0u, true, true, "00 41 00 0b 01 05")]
    [InlineData(SegmentMode.Passive, 0u, true, true, "01 00 01 05")]
    [InlineData(SegmentMode.Active, 1u, true, true, "02 01 41 00 0b 00 01 05")]
    [InlineData(SegmentMode.Declarative, 0u, true, true, "03 00 01 05")]
    [InlineData(SegmentMode.Active, 0u, false, false, "04 41 00 0b 01 d2 05 0b")]
    [InlineData(SegmentMode.Passive, 0u, false, false, "05 70 01 d2 05 0b")]
    [InlineData(SegmentMode.Active, 1u, false, false, "06 01 41 00 0b 70 01 d2 05 0b")]
    [InlineData(SegmentMode.Declarative, 0u, false, false, "07 70 01 d2 05 0b")]
    [InlineData(SegmentMode.Active, 0u, true, false, "04 41 00 0b 01 d2 05 0b")]        // funcref indices: expressions
    [InlineData(SegmentMode.Active, 0u, false, true, "06 00 41 00 0b 64 70 01 d2 05 0b")] // (ref func) expressions, table 0
    public void ElementSegmentsUseTheCanonicalForm(SegmentMode mode, uint table, bool indices, bool refFunc, string expected)
    {
        var type = refFunc ? RefFunc : ValType.FuncRef;
        var offset = mode == SegmentMode.Active ? I32(0) : (ConstExpr?)null;
        var e = indices
            ? new ElementSegment(mode, type, table, offset, [5], null)
            : new ElementSegment(mode, type, table, offset, null, [Expr(0xD2, 0x05, 0x0B)]);
        Assert.Equal(ModuleBytes.Hex(expected), EncodedSegment(e));
    }

    [Fact]
    public void RawNameSectionWinsOverNames()
    {
        var m = new WasmModule();
        m.CustomSections.Add(new CustomSection("name", new byte[] { 0x00, 0x02, 0x01, 0x61 }, 0));
        m.Names = new NameSection { ModuleName = "ignored" };
        var d = ModuleDecoder.Decode(ModuleEncoder.Encode(m));
        Assert.Equal("a", d.Names!.ModuleName);
        Assert.Single(d.CustomSections);
    }

    [Fact]
    public void EmptySectionsAreOmittedAndCustomSectionsKeepTheirSlot()
    {
        var m = new WasmModule();
        // After the (absent) global section: written where the global section would be.
        m.CustomSections.Add(new CustomSection("c", Array.Empty<byte>(), (byte)SectionId.Global));
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        m.Exports.Add(new Export("m", ExternKind.Memory, 0));
        var b = ModuleEncoder.Encode(m);
        Assert.Equal(ModuleBytes.Hex("0061736d01000000 0503010001 00020163 070501016d0200".Replace(" ", "")), b);
        Assert.Equal(b, ModuleEncoder.Encode(ModuleDecoder.Decode(b)));
    }

    [Fact]
    public void SectionSizesAreMinimalLebs()
    {
        var m = new WasmModule();
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[300]));
        var b = ModuleEncoder.Encode(m);
        // id 11, size 304 as two bytes (0xB0 0x02), count 1, flags 1, length 300 (0xAC 0x02).
        Assert.Equal(ModuleBytes.Hex("0b b002 01 01 ac02".Replace(" ", "")), b[8..15]);
        Assert.Equal(8 + 3 + 304, b.Length);
    }

    [Theory]
    // Canonical inputs (as wat2wasm writes them) re-encode to themselves.
    [InlineData("0061736d01000000 010401600000 03020100 0503010001 0a040102000b")]
    [InlineData("0061736d01000000 01050160017f00 020901 03656e76 0166 0000 030403000000 0a0a03 02000b 02000b 02000b")]
    [InlineData("0061736d01000000 0606017f00412a0b 0b0b0100 41000b 05 68656c6c6f")]
    public void CanonicalInputsRoundTrip(string hex)
    {
        var bytes = ModuleBytes.Hex(hex.Replace(" ", ""));
        Assert.Equal(bytes, ModuleEncoder.Encode(ModuleDecoder.Decode(bytes)));
    }

    [Fact]
    public void MutatedModulesFailOnlyWithWasmExceptionsAndRoundTripWhenTheyDecode()
    {
        var seed = ModuleEncoder.Encode(Everything());
        var rng = new Random(20250101);
        int decoded = 0;
        for (int i = 0; i < 4000; i++)
        {
            var b = (byte[])seed.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--)
            {
                int p = rng.Next(8, b.Length);
                switch (rng.Next(3))
                {
                    case 0: b[p] = (byte)rng.Next(256); break;
                    case 1: b[p] ^= (byte)(1 << rng.Next(8)); break;
                    default: b = b[..p]; break;
                }
                if (b.Length <= 8) break;
            }
            WasmModule m;
            try
            {
                m = ModuleDecoder.Decode(b);
                foreach (var body in m.Code)
                {
                    var r = OperatorReader.ForBody(body.Code.Span, body.BodyOffset);
                    while (!r.AtEnd) r.Read();
                }
            }
            catch (WasmException) { continue; }
            decoded++;
            var e1 = ModuleEncoder.Encode(m);
            Assert.Equal(e1, ModuleEncoder.Encode(ModuleDecoder.Decode(e1)));
        }
        Assert.True(decoded > 100, $"only {decoded} mutants decoded");
    }
}
