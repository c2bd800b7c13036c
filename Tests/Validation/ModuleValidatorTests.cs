using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>Module-level rules: imports, tables, memories, globals and constant expressions, tags, segments, start, exports.</summary>
public class ModuleValidatorTests
{
    static GlobalDef Global(ValType t, Code init, bool mutable = false) => new(new GlobalType(t, mutable), Const(init));

    [Fact]
    public void ImportsNeedKnownTypesOfTheRightKind()
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("m", "f", ImportDesc.ForFunc(3)));
        Invalid(m, "unknown type 3");
        var s = new WasmModule();
        s.AddType(new StructType([]));
        s.Imports.Add(new Import("m", "f", ImportDesc.ForFunc(0)));
        Invalid(s, "type mismatch");
        var tag = new WasmModule();
        tag.AddFuncType([I32], [I32]);
        tag.Imports.Add(new Import("m", "t", ImportDesc.ForTag(new TagType(0))));
        Invalid(tag, "non-empty tag result type");
        var g = new WasmModule();
        g.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(Ref(2), false))));
        Invalid(g, "unknown type 2");
    }

    [Fact]
    public void FunctionsNeedFunctionTypes()
    {
        var m = new WasmModule();
        m.AddType(new ArrayType(new FieldType(I32, false)));
        m.AddFunc(0, new Code().End());
        Invalid(m, "type mismatch");
        var unknown = new WasmModule();
        unknown.AddFunc(4, new Code().End());
        Invalid(unknown, "unknown type 4");
        var missing = new WasmModule();
        missing.AddFuncType([], []);
        missing.Functions.Add(0);
        Malformed(missing, "function and code section have inconsistent lengths");
    }

    [Fact]
    public void MemoryLimits()
    {
        WasmModule Mem(Limits l) { var m = new WasmModule(); m.Memories.Add(new MemoryType(l)); return m; }
        Valid(Mem(new Limits(65536, 65536)));
        Invalid(Mem(new Limits(65537, null)), "memory size must be at most 65536 pages (4GiB)");
        Invalid(Mem(new Limits(0, 65537)), "memory size");
        Invalid(Mem(new Limits(2, 1)), "size minimum must not be greater than maximum");
        Valid(Mem(new Limits(1UL << 48, null, Is64: true)));
        Invalid(Mem(new Limits((1UL << 48) + 1, null, Is64: true)), "memory size");
        Invalid(Mem(new Limits(0, (1UL << 48) + 1, Is64: true)), "memory size");
        // Multiple memories are fine in Wasm 3.0.
        var two = Mem(new Limits(1, null));
        two.Memories.Add(new MemoryType(new Limits(1, null)));
        Valid(two);
        // Shared memories: the threads feature, and a maximum.
        Invalid(Mem(new Limits(1, 2, Shared: true)), "shared memories require the threads feature");
        Valid(Mem(new Limits(1, 2, Shared: true)), FeatureSet.All);
        Invalid(Mem(new Limits(1, null, Shared: true)), "shared memory must have maximum", FeatureSet.All);
        // Custom page sizes: 1 byte or 64 KiB.
        Valid(Mem(new Limits(uint.MaxValue, null, PageSizeLog2: 0)));
        Invalid(Mem(new Limits(1UL << 32, null, PageSizeLog2: 0)), "memory size must be at most");
        Invalid(Mem(new Limits(1, null, PageSizeLog2: 12)), "invalid custom page size");
    }

    [Fact]
    public void TableTypesAndInitialisers()
    {
        WasmModule Table(TableType t, ConstExpr? init = null) { var m = new WasmModule(); m.Tables.Add(new TableDef(t, init)); return m; }
        Valid(Table(new TableType(ValType.FuncRef, new Limits(uint.MaxValue, uint.MaxValue))));
        Invalid(Table(new TableType(ValType.FuncRef, new Limits(1UL << 32, null))), "table size");
        Valid(Table(new TableType(ValType.FuncRef, new Limits(1UL << 32, null, Is64: true))));
        Invalid(Table(new TableType(ValType.FuncRef, new Limits(2, 1))), "size minimum must not be greater than maximum");
        // A non-nullable element type needs an initialiser, which must have the element type.
        Invalid(Table(new TableType(Ref(HeapType.Func), new Limits(0, null))), "type mismatch");
        Invalid(Table(new TableType(Ref(HeapType.Func), new Limits(1, null)), Const(new Code().Heap(Opcode.RefNull, HeapType.Func).End())), "type mismatch");
        Invalid(Table(new TableType(ValType.FuncRef, new Limits(1, null)), Const(new Code().Heap(Opcode.RefNull, HeapType.Extern).End())), "type mismatch");
        var ok = Table(new TableType(Ref(HeapType.Func), new Limits(1, null)), Const(new Code().Op(Opcode.RefFunc, 0).End()));
        ok.AddFunc([], [], new Code().End());
        Valid(ok);
        // Table initialisers see imported globals only (the global section comes after the table section).
        var late = Table(new TableType(ValType.FuncRef, new Limits(1, null)), Const(new Code().Op(Opcode.GlobalGet, 0).End()));
        late.Globals.Add(Global(ValType.FuncRef, new Code().Heap(Opcode.RefNull, HeapType.Func).End()));
        Invalid(late, "unknown global 0");
        late.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(ValType.FuncRef, false))));
        late.InvalidateIndexSpaces();
        Valid(late);
    }

    // global.wast
    [Fact]
    public void GlobalInitialisersAreConstantExpressions()
    {
        WasmModule G(ValType t, Code init) { var m = new WasmModule(); m.Globals.Add(Global(t, init)); return m; }
        Valid(G(I32, new Code().I32(1).End()));
        Invalid(G(F32, new Code().F32(0).Op(Opcode.F32Neg).End()), "constant expression required");
        Invalid(G(I32, new Code().I32(0).Op(Opcode.I32Ctz).End()), "constant expression required");
        Invalid(G(I32, new Code().Op(Opcode.Nop).End()), "constant expression required");
        Invalid(G(I32, new Code().I32(0).I32(0).End()), "type mismatch");
        Invalid(G(I32, new Code().End()), "type mismatch");
        Invalid(G(I32, new Code().I64(0).End()), "type mismatch");
        // Extended constant expressions and GC allocation are constant.
        Valid(G(I64, new Code().I64(1).I64(2).Op(Opcode.I64Mul).I64(3).Op(Opcode.I64Sub).End()));
        Valid(G(Ref(HeapType.I31), new Code().I32(7).Op(Opcode.RefI31).End()));
        Valid(G(ValType.AnyRef, new Code().Heap(Opcode.RefNull, HeapType.Extern).Op(Opcode.AnyConvertExtern).End()));
    }

    [Fact]
    public void GlobalGetInConstantExpressionsReadsEarlierImmutableGlobals()
    {
        var earlier = new WasmModule();
        earlier.Globals.Add(Global(I32, new Code().I32(0).End()));
        earlier.Globals.Add(Global(I32, new Code().Op(Opcode.GlobalGet, 0).End()));
        Valid(earlier);
        var later = new WasmModule();
        later.Globals.Add(Global(I32, new Code().Op(Opcode.GlobalGet, 1).End()));
        later.Globals.Add(Global(I32, new Code().I32(0).End()));
        Invalid(later, "unknown global 1");
        var mutableImport = new WasmModule();
        mutableImport.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(I32, true))));
        mutableImport.Globals.Add(Global(I32, new Code().Op(Opcode.GlobalGet, 0).End()));
        Invalid(mutableImport, "constant expression required");
        var mismatch = new WasmModule();
        mismatch.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(I32, false))));
        mismatch.Globals.Add(Global(I64, new Code().Op(Opcode.GlobalGet, 0).End()));
        Invalid(mismatch, "type mismatch");
    }

    [Fact]
    public void ElementSegments()
    {
        WasmModule Seg(ElementSegment s, bool table = true, bool table64 = false)
        {
            var m = new WasmModule();
            m.AddFunc([], [], new Code().End());
            if (table) m.Tables.Add(new TableDef(new TableType(ValType.FuncRef, new Limits(1, null, table64)), null));
            m.Elements.Add(s);
            return m;
        }
        var offset = Const(new Code().I32(0).End());
        Valid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, offset, [0], null)));
        Invalid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, offset, [0], null), table: false), "unknown table 0");
        Invalid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, offset, [1], null)), "unknown function 1");
        Invalid(Seg(new ElementSegment(SegmentMode.Active, ValType.ExternRef, 0, offset, null, [])), "type mismatch");
        Invalid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, offset, [0], null), table64: true), "type mismatch");
        Valid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, Const(new Code().I64(0).End()), [0], null), table64: true));
        Invalid(Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, Const(new Code().I32(0).Op(Opcode.I32Ctz).End()), [0], null)), "constant expression required");
        Invalid(Seg(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, null, [Const(new Code().Heap(Opcode.RefNull, HeapType.Extern).End())])), "type mismatch");
        Valid(Seg(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, null, [Const(new Code().Op(Opcode.RefFunc, 0).End())])));
        // Offsets may read any immutable global, defined ones included.
        var withGlobal = Seg(new ElementSegment(SegmentMode.Active, ValType.FuncRef, 0, Const(new Code().Op(Opcode.GlobalGet, 0).End()), [0], null));
        withGlobal.Globals.Add(Global(I32, new Code().I32(0).End()));
        Valid(withGlobal);
    }

    [Fact]
    public void DataSegments()
    {
        var m = new WasmModule();
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(0).End()), new byte[1]));
        Invalid(m, "unknown memory 0");
        m.Memories.Add(new MemoryType(new Limits(1, null, Is64: true)));
        Invalid(m, "type mismatch");
        m.Data[0] = m.Data[0] with { Offset = Const(new Code().I64(0).End()) };
        Valid(m);
        var mutableGlobal = new WasmModule();
        mutableGlobal.Memories.Add(new MemoryType(new Limits(1, null)));
        mutableGlobal.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(I32, true))));
        mutableGlobal.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().Op(Opcode.GlobalGet, 0).End()), new byte[1]));
        Invalid(mutableGlobal, "constant expression required");
    }

    [Fact]
    public void StartFunctionMustTakeAndReturnNothing()
    {
        var m = new WasmModule();
        m.AddFunc([I32], [], new Code().End());
        m.Start = 0;
        Invalid(m, "start function");
        m.Start = 1;
        Invalid(m, "unknown function 1");
        m.AddFunc([], [], new Code().End());
        Valid(m);
    }

    [Fact]
    public void ExportsHaveUniqueNamesAndKnownIndices()
    {
        var m = new WasmModule();
        m.AddFunc([], [], new Code().End());
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        m.Exports.Add(new Export("a", ExternKind.Func, 0));
        m.Exports.Add(new Export("b", ExternKind.Memory, 0));
        Valid(m);
        m.Exports.Add(new Export("a", ExternKind.Memory, 0));
        Invalid(m, "duplicate export name");
        foreach (var (kind, space) in new[] { (ExternKind.Func, "function"), (ExternKind.Table, "table"), (ExternKind.Memory, "memory"), (ExternKind.Global, "global"), (ExternKind.Tag, "tag") })
        {
            var e = new WasmModule();
            e.Exports.Add(new Export("x", kind, 1));
            Invalid(e, $"unknown {space} 1");
        }
    }

    [Fact]
    public void ConstantExpressionErrorsCarryTheirOffset()
    {
        var m = new WasmModule();
        m.Globals.Add(new GlobalDef(new GlobalType(I32, false), new ConstExpr(new Code().I32(0).Op(Opcode.I32Ctz).End().Bytes, 40)));
        var e = Invalid(m, "constant expression required");
        Assert.Equal(42, e.Location.Offset);
    }

    [Fact]
    public void ParallelValidationReportsTheLowestFailingFunction()
    {
        var m = new WasmModule();
        uint t = m.AddFuncType([], [I32]);
        for (int i = 0; i < 64; i++)
        {
            var c = new Code();
            for (int k = 0; k < 20; k++) c.I32(k).Op(Opcode.Drop);
            m.AddFunc(t, (i is 17 or 40 ? c.I64(1) : c.I32(1)).End());
            m.Code[i] = m.Code[i] with { BodyOffset = i * 1000 };
        }
        var options = new ValidationOptions { ParallelThresholdBytes = 1 };
        for (int run = 0; run < 5; run++)
        {
            var e = Assert.Throws<ValidationException>(() => ModuleValidator.Validate(m, options));
            Assert.StartsWith("type mismatch", e.Message);
            // Function i's body is at offset i * 1000; the error is function 17's final end.
            Assert.Equal(17 * 1000 + m.Code[17].Code.Length - 1, e.Location.Offset);
        }
    }
}
