using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>Locals and their initialisation, globals, memory immediates, tables, reference instructions.</summary>
public class LocalsMemoryRefsTests
{
    static readonly ValType NonNull = Ref(HeapType.Extern);

    static WasmModule WithLocal(Code c, ValType[]? parameters = null) =>
        Func(parameters ?? [NonNull], [], c, new LocalGroup(1, NonNull));

    // local_init.wast
    [Fact]
    public void NonDefaultableLocalsMustBeSetBeforeUse()
    {
        Valid(WithLocal(new Code().Op(Opcode.LocalGet, 0).Op(Opcode.LocalSet, 1).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End()));
        Invalid(WithLocal(new Code().Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End()), "uninitialized local");
        // local.tee initialises too.
        Valid(WithLocal(new Code().Op(Opcode.LocalGet, 0).Op(Opcode.LocalTee, 1).Op(Opcode.Drop).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End()));
        // Even in unreachable code.
        Invalid(WithLocal(new Code().Op(Opcode.Unreachable).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End()), "uninitialized local");
        // Defaultable locals and parameters are always initialised.
        Valid(Func([NonNull], [], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.Drop).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End(), new LocalGroup(1, ValType.ExternRef)));
    }

    [Fact]
    public void InitialisationLastsUntilTheEndOfTheEnclosingBlock()
    {
        var afterBlock = new Code().Block(Opcode.Block).Op(Opcode.LocalGet, 0).Op(Opcode.LocalSet, 1).End()
            .Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End();
        Invalid(WithLocal(afterBlock), "uninitialized local");
        var thenElse = new Code().I32(1).Block(Opcode.If).Op(Opcode.LocalGet, 0).Op(Opcode.LocalSet, 1)
            .Op(Opcode.Else).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End().End();
        Invalid(WithLocal(thenElse), "uninitialized local");
        var inner = new Code().Op(Opcode.LocalGet, 0).Op(Opcode.LocalSet, 1).Block(Opcode.Block).Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End()
            .Op(Opcode.LocalGet, 1).Op(Opcode.Drop).End();
        Valid(WithLocal(inner));
    }

    [Fact]
    public void LocalIndicesAndTypes()
    {
        Invalid(Func([I32], [], new Code().Op(Opcode.LocalGet, 2).Op(Opcode.Drop).End(), new LocalGroup(1, I64)), "unknown local 2");
        Invalid(Func([I32], [], new Code().F32(1).Op(Opcode.LocalSet, 0).End()), "type mismatch");
        Valid(Func([I32], [I64], new Code().Op(Opcode.LocalGet, 1).End(), new LocalGroup(3, I64)));
        Invalid(Func([], [], new Code().End(), new LocalGroup(1, Ref(4))), "unknown type 4");
    }

    [Fact]
    public void GlobalsMustExistAndBeMutableToBeSet()
    {
        var m = Func([], [], new Code().I32(1).Op(Opcode.GlobalSet, 0).Op(Opcode.GlobalGet, 1).Op(Opcode.Drop).End());
        m.Globals.Add(new GlobalDef(new GlobalType(I32, true), Const(new Code().I32(0).End())));
        m.Globals.Add(new GlobalDef(new GlobalType(I64, false), Const(new Code().I64(0).End())));
        Valid(m);
        var imm = Func([], [], new Code().I64(1).Op(Opcode.GlobalSet, 0).End());
        imm.Globals.Add(new GlobalDef(new GlobalType(I64, false), Const(new Code().I64(0).End())));
        Invalid(imm, "immutable global");
        Invalid(Func([], [], new Code().Op(Opcode.GlobalGet, 0).Op(Opcode.Drop).End()), "unknown global 0");
    }

    static WasmModule WithMemories(Code c, params MemoryType[] memories)
    {
        var m = Func([], [], c);
        m.Memories.AddRange(memories);
        return m;
    }

    static readonly MemoryType Mem32 = new(new Limits(1, null));
    static readonly MemoryType Mem64 = new(new Limits(1, null, Is64: true));

    [Fact]
    public void MemoryAccessImmediates()
    {
        Valid(WithMemories(new Code().I32(0).Mem(Opcode.I64Load, 3).Op(Opcode.Drop).End(), Mem32));
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I64Load, 4).Op(Opcode.Drop).End(), Mem32), "alignment must not be larger than natural");
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I32Load8U, 1).Op(Opcode.Drop).End(), Mem32), "alignment must not be larger than natural");
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I32Load, 2).Op(Opcode.Drop).End()), "unknown memory 0");
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I32Load, 2, offset: 1UL << 32).Op(Opcode.Drop).End(), Mem32), "offset out of range");
        Valid(WithMemories(new Code().I64(0).Mem(Opcode.I32Load, 2, offset: 1UL << 32).Op(Opcode.Drop).End(), Mem64));
    }

    [Fact]
    public void MultipleMemoriesWithTheirOwnAddressTypes()
    {
        Valid(WithMemories(new Code().I64(0).Mem(Opcode.I32Load, 2, memory: 1).Op(Opcode.Drop).I32(0).Mem(Opcode.I32Load, 2).Op(Opcode.Drop).End(), Mem32, Mem64));
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I32Load, 2, memory: 1).Op(Opcode.Drop).End(), Mem32, Mem64), "type mismatch");
        Invalid(WithMemories(new Code().I32(0).Mem(Opcode.I32Load, 2, memory: 2).Op(Opcode.Drop).End(), Mem32, Mem64), "unknown memory 2");
        Valid(WithMemories(new Code().Op(Opcode.MemorySize, 1).Op(Opcode.I64Eqz).Op(Opcode.Drop).End(), Mem32, Mem64));
        // memory.copy between a 64-bit and a 32-bit memory: the length is i32.
        Valid(WithMemories(new Code().I64(0).I32(0).I32(0).Op(Opcode.MemoryCopy, 1, 0).End(), Mem32, Mem64));
        Invalid(WithMemories(new Code().I64(0).I32(0).I64(0).Op(Opcode.MemoryCopy, 1, 0).End(), Mem32, Mem64), "type mismatch");
        Valid(WithMemories(new Code().I64(0).I64(0).I64(0).Op(Opcode.MemoryCopy, 0, 0).End(), Mem64));
    }

    [Fact]
    public void LaneIndicesAreBoundedByTheShape()
    {
        Valid(Func([], [I32], new Code().V128().Lane(Opcode.I8x16ExtractLaneS, 15).End()));
        Invalid(Func([], [I32], new Code().V128().Lane(Opcode.I8x16ExtractLaneS, 16).End()), "invalid lane index");
        Invalid(Func([], [I64], new Code().V128().Lane(Opcode.I64x2ExtractLane, 2).End()), "invalid lane index");
        Invalid(Func([], [ValType.V128], new Code().V128().F64(0).Lane(Opcode.F64x2ReplaceLane, 2).End()), "invalid lane index");
        Valid(WithMemories(new Code().I32(0).V128().MemLane(Opcode.V128Load32Lane, 2, 3).Op(Opcode.Drop).End(), Mem32));
        Invalid(WithMemories(new Code().I32(0).V128().MemLane(Opcode.V128Load32Lane, 2, 4).Op(Opcode.Drop).End(), Mem32), "invalid lane index");
        Invalid(Func([], [ValType.V128], new Code().V128().V128().Shuffle(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 32).End()), "invalid lane index");
    }

    [Fact]
    public void DataSegmentsNeedTheDataCountSection()
    {
        var m = WithMemories(new Code().I32(0).I32(0).I32(0).Op(Opcode.MemoryInit, 1, 0).Op(Opcode.DataDrop, 0).End(), Mem32);
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[1]));
        Malformed(m, "data count section required");
        m.DataCount = 1;
        Invalid(m, "unknown data segment 1");
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[1]));
        m.DataCount = 2;
        Valid(m);
    }

    [Fact]
    public void TableInstructionsUseTheTablesElementAndAddressTypes()
    {
        WasmModule Make(Code c, bool table64 = false)
        {
            var m = Func([], [], c);
            m.Tables.Add(new TableDef(new TableType(ValType.ExternRef, new Limits(1, null, table64)), null));
            m.Tables.Add(new TableDef(new TableType(ValType.FuncRef, new Limits(1, null)), null));
            m.Elements.Add(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, [], null));
            return m;
        }
        Valid(Make(new Code().I32(0).Op(Opcode.TableGet, 0).Op(Opcode.Drop).End()));
        Valid(Make(new Code().I64(0).Op(Opcode.TableGet, 0).Op(Opcode.Drop).End(), table64: true));
        Invalid(Make(new Code().I32(0).Op(Opcode.TableGet, 0).Op(Opcode.Drop).End(), table64: true), "type mismatch");
        Invalid(Make(new Code().I32(0).Heap(Opcode.RefNull, HeapType.Func).Op(Opcode.TableSet, 0).End()), "type mismatch");
        Valid(Make(new Code().Heap(Opcode.RefNull, HeapType.Extern).I32(1).Op(Opcode.TableGrow, 0).Op(Opcode.Drop).End()));
        Valid(Make(new Code().I32(0).I32(0).I32(0).Op(Opcode.TableInit, 0, 1).End()));
        Invalid(Make(new Code().I32(0).I32(0).I32(0).Op(Opcode.TableInit, 0, 0).End()), "type mismatch");
        Invalid(Make(new Code().I32(0).I32(0).I32(0).Op(Opcode.TableCopy, 0, 1).End()), "type mismatch");
        Invalid(Make(new Code().Op(Opcode.TableSize, 2).Op(Opcode.Drop).End()), "unknown table 2");
        Invalid(Make(new Code().Op(Opcode.ElemDrop, 1).End()), "unknown elem segment 1");
    }

    [Fact]
    public void RefFuncNeedsADeclaration()
    {
        var m = new WasmModule();
        uint f = m.AddFunc([], [], new Code().Op(Opcode.RefFunc, 0).Op(Opcode.Drop).End());
        Invalid(m, "undeclared function reference");
        m.Elements.Add(new ElementSegment(SegmentMode.Declarative, ValType.FuncRef, 0, null, [f], null));
        Valid(m);
        var exported = new WasmModule();
        exported.AddFunc([], [], new Code().Op(Opcode.RefFunc, 0).Op(Opcode.Drop).End());
        exported.Exports.Add(new Export("f", ExternKind.Func, 0));
        Valid(exported);
        var global = new WasmModule();
        global.AddFunc([], [], new Code().Op(Opcode.RefFunc, 0).Op(Opcode.Drop).End());
        global.Globals.Add(new GlobalDef(new GlobalType(ValType.FuncRef, false), Const(new Code().Op(Opcode.RefFunc, 0).End())));
        Valid(global);
        Invalid(Func([], [], new Code().Op(Opcode.RefFunc, 3).Op(Opcode.Drop).End()), "unknown function 3");
    }

    [Fact]
    public void NullChecksAndBranchesOnNull()
    {
        ValType nullableFunc = ValType.FuncRef;
        Valid(Func([nullableFunc], [Ref(HeapType.Func)], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.RefAsNonNull).End()));
        Invalid(Func([I32], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.RefIsNull).End()), "type mismatch");
        // br_on_null l : [t* (ref null ht)] → [t* (ref ht)]
        Valid(Func([nullableFunc], [Ref(HeapType.Func)], new Code().Block(Opcode.Block).Op(Opcode.LocalGet, 0).Op(Opcode.BrOnNull, 0).Op(Opcode.Return).End().Op(Opcode.Unreachable).End()));
        Invalid(Func([nullableFunc], [Ref(HeapType.Func)], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.BrOnNull, 0).End()), "type mismatch");
        Valid(Func([I32, nullableFunc], [I32], new Code().Block(Opcode.Block, I32).Op(Opcode.LocalGet, 0).Op(Opcode.LocalGet, 1).Op(Opcode.BrOnNull, 0).Op(Opcode.Drop).End().End()));
        // br_on_non_null l : the label's last type receives (ref ht).
        Valid(Func([nullableFunc], [], new Code().Block(Opcode.Block, Ref(HeapType.Func)).Op(Opcode.LocalGet, 0).Op(Opcode.BrOnNonNull, 0).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()));
        Invalid(Func([nullableFunc], [], new Code().Block(Opcode.Block).Op(Opcode.LocalGet, 0).Op(Opcode.BrOnNonNull, 0).End().End()), "type mismatch");
        Invalid(Func([ValType.ExternRef], [], new Code().Block(Opcode.Block, Ref(HeapType.Func)).Op(Opcode.LocalGet, 0).Op(Opcode.BrOnNonNull, 0).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()), "type mismatch");
    }
}
