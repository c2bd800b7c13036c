using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// Module fields and their abbreviations: inline imports and exports, implicit function types,
/// inline element and data segments, every elem and data form, GC type definitions, index
/// resolution across index spaces, and the name section built from ids.
/// </summary>
public class WatModuleParserTests
{
    internal static WasmModule Parse(string wat) => WatParser.ParseModule(wat);
    internal static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexString(bytes.Span);
    static FuncType Func(WasmModule m, int type) => (FuncType)m.Types[type].Composite;

    [Fact]
    public void AcceptsAModuleWithOrWithoutTheModuleKeyword()
    {
        Assert.Single(Parse("(module $m (func))").Code);
        Assert.Equal(2, Parse("(func) (func)").Code.Count);
        Assert.Equal("m", Parse("(module $m)").Names!.ModuleName);
    }

    [Fact]
    public void InlineImportsAndExportsBecomeImportAndExportEntries()
    {
        var m = Parse("""
            (module
              (func $imp (export "e1") (export "e2") (import "env" "f") (param i32))
              (table $t (export "tab") (import "env" "t") 1 funcref)
              (memory (import "env" "m") i64 1 2)
              (global $g (import "env" "g") (mut f64))
              (tag (export "tag") (import "env" "e") (param i64))
              (func $local (export "run") (result i32) (i32.const 7))
              (global (export "gl") i32 (i32.const 1)))
            """);
        Assert.Equal(new[] { "f", "t", "m", "g", "e" }, m.Imports.Select(i => i.Name));
        Assert.Equal(ExternKind.Func, m.Imports[0].Desc.Kind);
        Assert.Equal(new Limits(1, null), m.Imports[1].Desc.Table.Limits);
        Assert.Equal(new Limits(1, 2, Is64: true), m.Imports[2].Desc.Memory.Limits);
        Assert.Equal(new GlobalType(ValType.F64, true), m.Imports[3].Desc.Global);
        Assert.Equal(ExternKind.Tag, m.Imports[4].Desc.Kind);
        Assert.Equal(new[] { ("e1", ExternKind.Func, 0u), ("e2", ExternKind.Func, 0u), ("tab", ExternKind.Table, 0u),
            ("tag", ExternKind.Tag, 0u), ("run", ExternKind.Func, 1u), ("gl", ExternKind.Global, 1u) },
            m.Exports.Select(e => (e.Name, e.Kind, e.Index)));
        Assert.Single(m.Functions);
        Assert.Single(m.Globals);
    }

    [Fact]
    public void ImplicitTypesReuseTheFirstMatchOrAppendInOrderOfUse()
    {
        var m = Parse("""
            (module
              (func (param i32))
              (type $t (func (result i32)))
              (func (type $t))
              (func (param i32))
              (func (result i32) (i32.const 0))
              (func (param i64) (block (param i32) (result i32 i32) (unreachable)) (unreachable))
              (type (func (param i32))))
            """);
        // Explicit types come first; then (param i64) and the block's [i32]->[i32 i32], in order of use.
        Assert.Equal(4, m.Types.Count);
        Assert.Equal(new[] { ValType.I32 }, Func(m, 0).Results);
        Assert.Equal(new[] { ValType.I32 }, Func(m, 1).Params);
        Assert.Equal(new[] { ValType.I64 }, Func(m, 2).Params);
        Assert.Equal(new[] { ValType.I32, ValType.I32 }, Func(m, 3).Results);
        // (func (param i32)) reuses explicit type 1, the first plain type with that signature.
        Assert.Equal(new uint[] { 1, 0, 1, 0, 2 }, m.Functions);
        Assert.Equal(4, m.RecGroups.Count);
        Assert.Equal("0203", Hex(m.Code[4].Code)[..4]);  // block with type index 3
    }

    [Fact]
    public void TypesInRecGroupsOrWithSupertypesAreNotReusedImplicitly()
    {
        var m = Parse("""
            (module
              (rec (type (func)) (type (struct)))
              (type $sub (sub (func)))
              (func))
            """);
        Assert.Equal(4, m.Types.Count);
        Assert.Equal(new uint[] { 3 }, m.Functions);
    }

    [Fact]
    public void ExplicitTypeWithMatchingInlineSignatureIsAccepted()
    {
        var m = Parse("(module (type $t (func (param i32) (result i64))) (func (type $t) (param $x i32) (result i64) (i64.extend_i32_u (local.get $x))))");
        Assert.Equal(new uint[] { 0 }, m.Functions);
        Assert.Equal("2000AD0B", Hex(m.Code[0].Code));
    }

    [Fact]
    public void ParamsAndLocalsShareTheLocalIndexSpace()
    {
        var m = Parse("""
            (module (type $t (func (param i32 i32)))
              (func $a (param $p i32) (param i64 f32) (local $l f64) (local i32 i32) (local $m i32)
                (drop (local.get $l)) (drop (local.get $m)) (drop (local.get $p)))
              (func (type $t) (local $x i64) (drop (local.get $x))))
            """);
        Assert.Equal("20031A20061A20001A0B", Hex(m.Code[0].Code));
        Assert.Equal(new[] { new LocalGroup(1, ValType.F64), new LocalGroup(3, ValType.I32) }, m.Code[0].Locals);
        Assert.Equal("2002", Hex(m.Code[1].Code)[..4]);   // $x comes after the type's two params
    }

    [Fact]
    public void InlineElemSizesTheTableAndAddsAnActiveSegment()
    {
        var m = Parse("(module (func $f) (func $g) (elem $first func) (table $t funcref (elem $g $f $g)) (table i64 (ref null func) (elem (ref.func $f))))");
        Assert.Equal(new Limits(3, 3), m.Tables[0].Type.Limits);
        Assert.Equal(new Limits(1, 1, Is64: true), m.Tables[1].Type.Limits);
        Assert.Equal(3, m.Elements.Count);
        var seg = m.Elements[1];
        Assert.Equal((SegmentMode.Active, 0u), (seg.Mode, seg.TableIndex));
        Assert.Equal(new uint[] { 1, 0, 1 }, seg.FuncIndices);
        Assert.Equal(ValType.FuncRef, seg.Type);
        Assert.Equal("41000B", Hex(seg.Offset!.Value.Code));
        var seg64 = m.Elements[2];
        Assert.Equal(1u, seg64.TableIndex);
        Assert.Equal("42000B", Hex(seg64.Offset!.Value.Code));
        Assert.Equal("D2000B", Hex(seg64.Exprs![0].Code));
        Assert.Equal(ValType.FuncRef, seg64.Type);
    }

    [Fact]
    public void InlineDataSizesTheMemoryInPages()
    {
        var m = Parse("(module (memory $m (data \"ab\" \"c\")) (memory i64 (data)) (memory (pagesize 1) (data \"xyz\")))");
        Assert.Equal(new Limits(1, 1), m.Memories[0].Limits);
        Assert.Equal(new Limits(0, 0, Is64: true), m.Memories[1].Limits);
        Assert.Equal(new Limits(3, 3, PageSizeLog2: 0), m.Memories[2].Limits);
        Assert.Equal("616263", Hex(m.Data[0].Bytes));
        Assert.Equal((SegmentMode.Active, 1u, "42000B"), (m.Data[1].Mode, m.Data[1].MemoryIndex, Hex(m.Data[1].Offset!.Value.Code)));
    }

    [Fact]
    public void MemoryTypesCarryAddressTypeSharingAndPageSize()
    {
        var m = Parse("(module (memory 1 2 shared) (memory i64 0x1_0000_0000) (memory 0 (pagesize 65536)) (memory 0x1_0000_0000))");
        Assert.Equal(new Limits(1, 2, Shared: true), m.Memories[0].Limits);
        Assert.Equal(new Limits(0x1_0000_0000, null, Is64: true), m.Memories[1].Limits);
        Assert.Equal(16, m.Memories[2].Limits.PageSizeLog2);
        // Too large for a 32-bit memory: invalid, not malformed, so it parses.
        Assert.Equal(0x1_0000_0000ul, m.Memories[3].Limits.Min);
    }

    [Fact]
    public void TablesMayHaveAnInitialiserExpression()
    {
        var m = Parse("(module (func $f) (table $t 10 20 (ref func) (ref.func $f)) (table 1 externref))");
        Assert.Equal(new TableType(ValType.Ref(HeapType.Func, false), new Limits(10, 20)), m.Tables[0].Type);
        Assert.Equal("D2000B", Hex(m.Tables[0].Init!.Value.Code));
        Assert.Null(m.Tables[1].Init);
    }

    [Fact]
    public void ElemSegmentsInEveryForm()
    {
        var m = Parse("""
            (module
              (table $t1 1 funcref) (table $t2 1 funcref) (func $f) (global $g i32 (i32.const 0))
              (elem func $f 0)
              (elem $e declare func $f)
              (elem (table $t2) (offset (i32.const 1)) func $f)
              (elem (i32.const 0) $f $f)
              (elem (global.get $g) funcref (ref.func $f) (item (ref.null func)) (item ref.func 0))
              (elem 1 (i32.const 0) 0)
              (elem (table 1) (i32.const 2) (ref null func) (ref.null func)))
            """);
        var e = m.Elements;
        Assert.Equal(new[] { SegmentMode.Passive, SegmentMode.Declarative, SegmentMode.Active, SegmentMode.Active, SegmentMode.Active, SegmentMode.Active, SegmentMode.Active },
            e.Select(s => s.Mode));
        Assert.Equal(new uint[] { 0, 0 }, e[0].FuncIndices);
        Assert.Equal(ValType.Ref(HeapType.Func, false), e[0].Type);
        Assert.Equal((1u, "41010B"), (e[2].TableIndex, Hex(e[2].Offset!.Value.Code)));
        Assert.Equal(new uint[] { 0, 0 }, e[3].FuncIndices);
        Assert.Equal(new[] { "D2000B", "D0700B", "D2000B" }, e[4].Exprs!.Select(x => Hex(x.Code)));
        Assert.Equal("23000B", Hex(e[4].Offset!.Value.Code));
        Assert.Equal(1u, e[5].TableIndex);
        Assert.Equal((1u, ValType.FuncRef), (e[6].TableIndex, e[6].Type));
    }

    [Fact]
    public void DataSegmentsInEveryForm()
    {
        var m = Parse("""
            (module (memory $a 1) (memory $b 1)
              (data "passive" "\00")
              (data $d (memory $b) (offset (i32.const 8)) "x")
              (data (i32.const 0) "y")
              (data 1 (i32.const 4))
              (data $e (memory 0) (i32.const 1) "z"))
            """);
        Assert.Equal((SegmentMode.Passive, "7061737369766500"), (m.Data[0].Mode, Hex(m.Data[0].Bytes)));
        Assert.Equal((SegmentMode.Active, 1u, "41080B"), (m.Data[1].Mode, m.Data[1].MemoryIndex, Hex(m.Data[1].Offset!.Value.Code)));
        Assert.Equal(0u, m.Data[2].MemoryIndex);
        Assert.Equal((1u, 0), (m.Data[3].MemoryIndex, m.Data[3].Bytes.Length));
        Assert.Equal(0u, m.Data[4].MemoryIndex);
        // data.drop $e resolves among data segments
        Assert.Equal("FC09040B", Hex(Parse("(module (data $x) (data) (data) (data) (data $e) (func (data.drop $e)))").Code[0].Code));
    }

    [Fact]
    public void GcTypeDefinitionsWithFieldsSupertypesAndRecGroups()
    {
        var m = Parse("""
            (module
              (rec
                (type $node (sub (struct (field $val i32) (field $next (ref null $node)))))
                (type $leaf (sub final $node (struct (field i32) (field (ref null $node)) (field $extra (mut i8))))))
              (type $bytes (array (mut i8)))
              (type $pair (struct (field i64 f32)))
              (func (param (ref $leaf)) (result i32)
                (i32.add (struct.get $node $val (local.get 0)) (struct.get_u $leaf $extra (local.get 0)))))
            """);
        Assert.Equal(new RecGroup(0, 2, true), m.RecGroups[0]);
        Assert.Equal(new RecGroup(2, 1, false), m.RecGroups[1]);
        Assert.False(m.Types[0].Final);
        Assert.True(m.Types[1].Final);
        Assert.Equal(new uint[] { 0 }, m.Types[1].Supertypes);
        var leaf = m.Types[1].AsStruct!;
        Assert.Equal(new FieldType(ValType.I8, true), leaf.Fields[2]);
        Assert.Equal(ValType.Ref(HeapType.Concrete(0), true), leaf.Fields[1].Storage);
        Assert.Equal(new FieldType(ValType.I8, true), m.Types[2].AsArray!.Element);
        Assert.Equal(2, m.Types[3].AsStruct!.Fields.Length);
        // Field ids belong to their type: $val is field 0 of $node, $extra field 2 of $leaf.
        Assert.Equal("2000FB020000" + "2000FB040102" + "6A0B", Hex(m.Code[0].Code));
        Assert.Equal("unknown field $val", Assert.Throws<MalformedException>(() => Parse("(module (type $a (struct (field $val i32))) (type $b (struct (field i32))) (func (param (ref $b)) (struct.get $b $val (local.get 0))))")).Message);
    }

    [Fact]
    public void NumericIndicesAreKeptEvenOutOfRange()
    {
        var m = Parse("(module (func (call 10) (local.get 5) (global.get 0xffffffff) (br 7)))");
        Assert.Equal("100A2005 23FFFFFFFF0F0C070B".Replace(" ", ""), Hex(m.Code[0].Code));
        Assert.Equal(new uint[] { 99 }, Parse("(module (func (type 99)))").Functions);
    }

    [Fact]
    public void SymbolicIdsResolveInEveryIndexSpace()
    {
        var m = Parse("""
            (module
              (type $ft (func))
              (import "m" "f" (func $imp))
              (import "m" "g" (global $ig i32))
              (func $a (call $b) (call $imp) (drop (global.get $g)) (drop (global.get $ig)) (drop (table.get $tb (i32.const 0)))
                (drop (memory.size $mem)) (throw $ex) (call_indirect $tb (type $ft) (i32.const 0)) (elem.drop $el) (data.drop $dt))
              (func $b)
              (global $g i32 (i32.const 0))
              (table $tb 1 funcref) (memory $m0 1) (memory $mem 1)
              (tag $t0) (tag $ex)
              (elem $el0 func) (elem $el func)
              (data $dt0 "") (data $dt "")
              (start $b) (export "x" (func $b)) (export "y" (memory $mem)))
            """);
        Assert.Equal("1002" + "1000" + "23011A" + "23001A" + "410025001A" + "3F011A" + "0801" + "4100110000" + "FC0D01" + "FC0901" + "0B", Hex(m.Code[0].Code));
        Assert.Equal(2u, m.Start);
        Assert.Equal((ExternKind.Memory, 1u), (m.Exports[1].Kind, m.Exports[1].Index));
    }

    [Fact]
    public void NameSectionRecordsModuleFunctionAndLocalNames()
    {
        var m = Parse("(module $mod (import \"a\" \"b\" (func $imported)) (func $f (param $x i32) (local $y i64)) (func) (func $\"quoted name\"))");
        Assert.Equal("mod", m.Names!.ModuleName);
        Assert.Equal(new Dictionary<uint, string> { [0] = "imported", [1] = "f", [3] = "quoted name" }, m.Names.FunctionNames);
        Assert.Equal(new Dictionary<uint, string> { [0] = "x", [1] = "y" }, m.Names.LocalNames[1]);
        Assert.Equal("f", m.FunctionName(1));
        Assert.Null(Parse("(module (func))").Names);
    }

    [Fact]
    public void NameAndCustomAnnotationsAreHonoured()
    {
        var m = Parse("""
            (module $m (@name "Modül")
              (type $t (func))
              (@custom "sec1" "ab" "c")
              (func $f (@name "λ") (type $t))
              (@custom "sec2" (before first) "")
              (@custom "sec3" (after func) "x")
              (@custom "sec4" (before global)))
            """);
        Assert.Equal("Modül", m.Names!.ModuleName);
        Assert.Equal("λ", m.Names.FunctionNames[0]);
        Assert.Equal(new[] { ("sec1", "616263", (byte)11), ("sec2", "", (byte)0), ("sec3", "78", (byte)3), ("sec4", "", (byte)13) },
            m.CustomSections.Select(c => (c.Name, Hex(c.Data), c.After)));
    }

    [Fact]
    public void DataCountIsDeclaredWhenCodeNamesADataSegment()
    {
        Assert.Null(Parse("(module (memory 1) (data \"a\"))").DataCount);
        Assert.Equal(1u, Parse("(module (memory 1) (data \"a\") (func (data.drop 0)))").DataCount);
        Assert.Equal(0u, Parse("(module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))").DataCount);
        Assert.Equal(2u, Parse("(module (type $a (array i8)) (data \"a\") (data \"b\") (func (drop (array.new_data $a 1 (i32.const 0) (i32.const 1)))))").DataCount);
    }

    [Fact]
    public void TagsTakeATypeUse()
    {
        var m = Parse("(module (type $t (func (param i32))) (tag $a (type $t)) (tag (param i32)) (tag (param f32)))");
        Assert.Equal(new uint[] { 0, 0, 1 }, m.Tags.Select(t => t.TypeIndex));
    }
}
